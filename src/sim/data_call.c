/* Whole calls through the line model (src/sim/data_call.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "src/sim/data_call.h"
#include "src/sim/sim_line.h"

#define BLOCK 160

/* got[] read against sent[]: runs of sent bytes may be missing; a received byte that does not
 * start a run of at least 4 sent bytes (in order, after what came before; or a shorter run
 * that ends what was received) is garbage. 4 bytes: a chance match in a few thousand random
 * bytes is about one in a million; longer runs would count good bytes between two nearby
 * losses as garbage. */
#define ALIGN_RUN 4
static void align(const uint8_t *sent, size_t ns, const uint8_t *got, size_t ng, size_t *missing, size_t *garbage)
{
    size_t i = 0, j = 0;
    *missing = *garbage = 0;
    while (j < ng) {
        if (i < ns && sent[i] == got[j]) {
            i++, j++;
            continue;
        }
        size_t k = ng - j < ALIGN_RUN ? ng - j : ALIGN_RUN, skip = 0;
        for (size_t s = 1; !skip && i + s + k <= ns; s++)
            if (memcmp(sent + i + s, got + j, k) == 0)
                skip = s;
        if (skip) {
            *missing += skip;
            i += skip;
        } else {
            ++*garbage;
            j++;
        }
    }
    *missing += ns - i;
}

void data_call_init(data_call *c)
{
    memset(c, 0, sizeof *c);
    sq_call_default_settings(SQ_ROLE_CALLER, &c->side[0]);
    sq_call_default_settings(SQ_ROLE_ANSWERER, &c->side[1]);
    c->snr_db = NAN;
    c->bytes = 2000;
}

/* The draws data_call_run makes first from its generator (which goes on to the line's
 * extra noise, so it keeps its own copy of this loop) */
void data_call_payload(const data_call *c, int side, uint8_t *out)
{
    sq_noise *g = NULL;
    if (sq_noise_create(c->seed + 77u, &g) != SQ_OK)
        abort();
    for (int i = 0; i <= side; i++)
        for (size_t k = 0; k < c->bytes; k++)
            out[k] = (uint8_t)sq_noise_u32(g);
    sq_noise_destroy(g);
}

/* The line c describes; its extra noise (a line that gets worse, or starts poor) from g. */
static void line_params(const data_call *c, sq_noise *g, sim_line_params *lp)
{
    sim_line_default_params(lp);
    for (int i = 0; i < 2; i++)
        /* heard[i] by side i: the answerer's card runs clock_ppm fast, so the caller hears
         * it slow */
        lp->heard[i] = (sq_channel_params){ .foff_hz = c->foff_hz, .seed = c->seed * 2u + (uint64_t)i,
                                            .clock_ppm = i ? c->clock_ppm : -c->clock_ppm,
                                            .noise_rms = isnan(c->snr_db) ? 0.0 : sq_noise_rms_for_snr(-13.0, c->snr_db) };
    lp->delay_samples = c->delay_samples;
    lp->gap_side = c->gap_side;
    lp->gap_samples = c->gap_samples;
    lp->gap_at_s = c->gap_at_s;
    lp->gap2_at_s = c->gap2_at_s;
    lp->worse_at_s = c->worse_at_s;
    lp->worse_noise_rms = sq_noise_rms_for_snr(-13.0, c->worse_snr_db);
    lp->poor_until_s = c->poor_until_s;
    lp->poor_noise_rms = sq_noise_rms_for_snr(-13.0, c->poor_snr_db);
    lp->extra_noise = g;
}

int data_call_run(data_call *c)
{
    sq_call *s[2] = { NULL, NULL };
    sim_line line = { 0 };
    uint8_t *payload[2] = { malloc(c->bytes + 1), malloc(c->bytes + 1) };
    uint8_t *got[2] = { malloc(c->bytes + 1), malloc(c->bytes + 1) };
    size_t sent[2] = { 0, 0 }, drained_at[2] = { 0, 0 };
    int rc = -1;
    sq_noise *g = NULL;
    if (!payload[0] || !payload[1] || !got[0] || !got[1] || sq_noise_create(c->seed + 77u, &g) != SQ_OK)
        goto out;
    for (int i = 0; i < 2; i++) {
        for (size_t k = 0; k < c->bytes; k++)   /* data_call_payload makes the same */
            payload[i][k] = (uint8_t)sq_noise_u32(g);
        if (sq_call_create(&c->side[i], &s[i]) != SQ_OK)
            goto out;
        c->received[i] = c->wrong[i] = 0;
    }
    sim_line_params lp;
    line_params(c, g, &lp);
    if (sim_line_open(&line, &lp) != 0)
        goto out;
    float tx[2][BLOCK], rx[2][BLOCK];
    memset(tx, 0, sizeof tx);
    c->data_s = 0.0;
    c->record_len = 0;
    size_t limit = (size_t)((20.0 + (double)c->bytes * 10.0 / 300.0 * 1.2) * SQ_PROCESSING_RATE_HZ);
    for (size_t n = 0; n < limit; n += BLOCK) {
        const float *const sent_now[2] = { tx[0], tx[1] };
        float *const heard[2] = { rx[0], rx[1] };
        sim_line_carry(&line, sent_now, heard, BLOCK);
        int done = 1;
        for (int i = 0; i < 2; i++) {
            sq_call_process(s[i], rx[i], tx[i], BLOCK);
            for (size_t k = 0; i == 1 && c->record && k < BLOCK && c->record_len < c->record_cap; k++)
                c->record[c->record_len++] = rx[1][k] + tx[1][k];
            const sq_call_status *st = sq_call_status_get(s[i]);
            if (st->phase == SQ_CALL_DATA && sent[i] < c->bytes)
                sent[i] += sq_call_send(s[i], payload[i] + sent[i], c->bytes - sent[i]);
            uint8_t buf[256];
            size_t k;
            while ((k = sq_call_receive(s[i], buf, sizeof buf)) > 0)
                for (size_t j = 0; j < k; j++, c->received[i]++) {
                    c->wrong[i] += c->received[i] >= c->bytes || buf[j] != payload[1 - i][c->received[i]];
                    if (c->received[i] < c->bytes)
                        got[i][c->received[i]] = buf[j];
                }
            /* the far side has sent everything: a second later, all that will come has come */
            if (!drained_at[i] && sent[1 - i] == c->bytes && sq_call_tx_pending(s[1 - i]) == 0)
                drained_at[i] = n;
            done &= (c->received[i] >= c->bytes || (drained_at[i] && n - drained_at[i] > SQ_PROCESSING_RATE_HZ)) &&
                    st->phase == SQ_CALL_DATA;
        }
        for (int i = 0; i < 2; i++)
            if (sq_call_status_get(s[i])->phase == SQ_CALL_ENDED)
                done = 1;
        if (c->data_s == 0.0 && sq_call_status_get(s[0])->phase == SQ_CALL_DATA &&
            sq_call_status_get(s[1])->phase == SQ_CALL_DATA)
            c->data_s = (double)(n + BLOCK) / SQ_PROCESSING_RATE_HZ;
        if (done)
            break;
    }
    for (int i = 0; i < 2; i++) {
        c->status[i] = *sq_call_status_get(s[i]);
        size_t n = c->received[i] < c->bytes ? c->received[i] : c->bytes;
        align(payload[1 - i], c->bytes, got[i], n, &c->missing[i], &c->garbage[i]);
        c->garbage[i] += c->received[i] - n;
    }
    rc = 0;
out:
    for (int i = 0; i < 2; i++) {
        sq_call_destroy(s[i]);
        free(payload[i]);
        free(got[i]);
    }
    sim_line_close(&line);
    sq_noise_destroy(g);
    return rc;
}

int data_call_ok(const data_call *c)
{
    for (int i = 0; i < 2; i++)
        if (c->status[i].phase != SQ_CALL_DATA || c->received[i] != c->bytes || c->wrong[i])
            return 0;
    return c->status[0].rate == c->status[1].rate && c->status[0].mode == c->status[1].mode;
}

int data_call_ok_but_gaps(const data_call *c)
{
    for (int i = 0; i < 2; i++)
        if (c->status[i].phase != SQ_CALL_DATA || c->garbage[i])
            return 0;
    return c->status[0].rate == c->status[1].rate && c->status[0].mode == c->status[1].mode;
}
