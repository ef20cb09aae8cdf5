/* Whole calls through the line model (bench/data_call.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "bench/data_call.h"

#define BLOCK 160

void data_call_init(data_call *c)
{
    memset(c, 0, sizeof *c);
    sq_call_default_settings(SQ_ROLE_CALLER, &c->side[0]);
    sq_call_default_settings(SQ_ROLE_ANSWERER, &c->side[1]);
    c->snr_db = NAN;
    c->bytes = 2000;
}

int data_call_run(data_call *c)
{
    sq_call *s[2] = { NULL, NULL };
    sq_channel *line[2] = { NULL, NULL };
    uint8_t *payload[2] = { malloc(c->bytes + 1), malloc(c->bytes + 1) };
    size_t sent[2] = { 0, 0 };
    int rc = -1;
    sq_noise *g = NULL;
    if (!payload[0] || !payload[1] || sq_noise_create(c->seed + 77u, &g) != SQ_OK)
        goto out;
    for (int i = 0; i < 2; i++) {
        for (size_t k = 0; k < c->bytes; k++)
            payload[i][k] = (uint8_t)sq_noise_u32(g);
        /* line[i] is heard by side i: the answerer's card runs clock_ppm fast, so the caller
         * hears it slow */
        sq_channel_params p = { .foff_hz = c->foff_hz, .seed = c->seed * 2u + (uint64_t)i,
                                .clock_ppm = i ? c->clock_ppm : -c->clock_ppm,
                                .noise_rms = isnan(c->snr_db) ? 0.0 : sq_noise_rms_for_snr(-13.0, c->snr_db) };
        if (sq_channel_create(&p, &line[i]) != SQ_OK || sq_call_create(&c->side[i], &s[i]) != SQ_OK)
            goto out;
        c->received[i] = c->wrong[i] = 0;
    }
    float tx[2][BLOCK], rx[2][BLOCK];
    memset(tx, 0, sizeof tx);
    c->data_s = 0.0;
    size_t limit = (size_t)((20.0 + (double)c->bytes * 10.0 / 300.0 * 1.2) * 8000);
    for (size_t n = 0; n < limit; n += BLOCK) {
        for (int i = 0; i < 2; i++)
            sq_channel_process(line[i], tx[1 - i], rx[i], BLOCK);
        int done = 1;
        for (int i = 0; i < 2; i++) {
            sq_call_process(s[i], rx[i], tx[i], BLOCK);
            const sq_call_status *st = sq_call_status_get(s[i]);
            if (st->phase == SQ_CALL_DATA && sent[i] < c->bytes)
                sent[i] += sq_call_send(s[i], payload[i] + sent[i], c->bytes - sent[i]);
            uint8_t buf[256];
            size_t k;
            while ((k = sq_call_receive(s[i], buf, sizeof buf)) > 0)
                for (size_t j = 0; j < k; j++, c->received[i]++)
                    c->wrong[i] += c->received[i] >= c->bytes || buf[j] != payload[1 - i][c->received[i]];
            done &= c->received[i] >= c->bytes && st->phase == SQ_CALL_DATA;
        }
        for (int i = 0; i < 2; i++)
            if (sq_call_status_get(s[i])->phase == SQ_CALL_ENDED)
                done = 1;
        if (c->data_s == 0.0 && sq_call_status_get(s[0])->phase == SQ_CALL_DATA &&
            sq_call_status_get(s[1])->phase == SQ_CALL_DATA)
            c->data_s = (double)(n + BLOCK) / 8000.0;
        if (done)
            break;
    }
    for (int i = 0; i < 2; i++)
        c->status[i] = *sq_call_status_get(s[i]);
    rc = 0;
out:
    for (int i = 0; i < 2; i++) {
        sq_call_destroy(s[i]);
        sq_channel_destroy(line[i]);
        free(payload[i]);
    }
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
