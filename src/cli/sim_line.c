/* Two modems through the simulated line (sim_line.h). */
#include "src/cli/sim_line.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK SIM_LINE_BLOCK
#define MAX_SECONDS 30.0
#define TAIL_SAMPLES 2400      /* keep running 0.3 s after both sides finish */

int sim_line_open(const sim_line_params *o, sim_line *l)
{
    for (int i = 0; i < 2; i++) {
        sq_channel_params p = { .foff_hz = o->foff, .bandlimit = o->bandlimit,
                                .seed = (uint64_t)o->seed * 2u + (uint64_t)i,
                                /* to[1] is heard by the answerer, whose clock runs fast */
                                .clock_ppm = i ? o->clock_ppm : -o->clock_ppm };
        double tx_level = o->side[1 - i].v8.tx_level_dbm0;
        double rx_level = isnan(o->level) ? tx_level : o->level;
        p.gain_db = rx_level - tx_level;
        p.noise_rms = isnan(o->snr) ? 0.0 : sq_noise_rms_for_snr(rx_level, o->snr);
        if (sq_channel_create(&p, &l->to[i]) != SQ_OK)
            return -1;
    }
    for (int i = 0; i < 2; i++)
        if (sq_call_create(&o->side[i], &l->side[i]) != SQ_OK)
            return -1;
    /* the mix is what a listener on the line hears (sim --wav's line file, the demo): both
     * signals and, with --snr, the line's noise at that SNR against the caller's level, from
     * a generator of its own so the call itself is unchanged */
    if (!isnan(o->snr)) {
        if (sq_noise_create((uint64_t)o->seed * 2u + 7u, &l->line_noise) != SQ_OK)
            return -1;
        double level = isnan(o->level) ? o->side[0].v8.tx_level_dbm0 : o->level;
        l->line_noise_rms = sq_noise_rms_for_snr(level, o->snr);
    }
    return 0;
}

int sim_recording_sink(void *user, const float *caller, const float *answerer, const float *mix, size_t n)
{
    sim_recording *r = user;
    sample_buf *bufs[3] = { &r->side[0], &r->side[1], &r->mix };
    const float *from[3] = { caller, answerer, mix };
    for (int i = 0; i < 3; i++) {
        if (sample_buf_grow(bufs[i], n) != 0)
            return -1;
        memcpy(bufs[i]->x + bufs[i]->n, from[i], n * sizeof *from[i]);
        bufs[i]->n += n;
    }
    return 0;
}

void sim_recording_free(sim_recording *r)
{
    sample_buf_free(&r->side[0]);
    sample_buf_free(&r->side[1]);
    sample_buf_free(&r->mix);
}

/* Feeds each side's payload in as it takes it, and collects what each side receives. */
static int move_data(sim_line *l, uint64_t now)
{
    for (int i = 0; i < 2; i++) {
        sim_flow *out = &l->flow[i];
        const sq_call_status *st = sq_call_status_get(l->side[i]);
        if (st->phase == SQ_CALL_DATA && out->sent < out->len)
            out->sent += sq_call_send(l->side[i], out->payload + out->sent, out->len - out->sent);
        sim_flow *in = &l->flow[1 - i];
        uint8_t buf[512];
        size_t k;
        while ((k = sq_call_receive(l->side[i], buf, sizeof buf)) > 0) {
            if (in->got_len + k > in->got_cap) {   /* doubling: a long call copies each byte once or twice */
                size_t cap = in->got_cap ? 2 * in->got_cap : 4096;
                while (cap < in->got_len + k)
                    cap *= 2;
                uint8_t *g = realloc(in->got, cap);
                if (!g)
                    return -1;
                in->got = g;
                in->got_cap = cap;
            }
            memcpy(in->got + in->got_len, buf, k);
            in->got_len += k;
            in->last_byte_sample = now;
        }
    }
    return 0;
}

/* Both in data mode with every byte sent and received, or either side ended. */
static int call_over(const sim_line *l)
{
    int done = 1;
    for (int i = 0; i < 2; i++) {
        const sq_call_status *st = sq_call_status_get(l->side[i]);
        if (st->phase == SQ_CALL_ENDED)
            return 1;
        done &= st->phase == SQ_CALL_DATA && l->flow[i].sent == l->flow[i].len &&
                sq_call_tx_pending(l->side[i]) == 0 && l->flow[i].got_len >= l->flow[i].len;
    }
    return done;
}

/* Runs both sides block by block; each hears the other's previous block through the line,
 * plus its own previous block as talker echo. */
int sim_line_run(const sim_line_params *o, sim_line *l, sim_line_sink sink, void *user)
{
    float rx[2][BLOCK], tx[2][BLOCK], mix[BLOCK];
    double echo = o->echo > 0.0 ? pow(10.0, -o->echo / 20.0) : 0.0;
    /* room for the handshake and for the payloads at 300 bit/s, the slowest mode */
    size_t biggest = l->flow[0].len > l->flow[1].len ? l->flow[0].len : l->flow[1].len;
    uint64_t tail = 0, limit = (uint64_t)((MAX_SECONDS + (double)biggest * 10.0 / 300.0 * 1.2) * SQ_PROCESSING_RATE_HZ);
    while (l->samples < limit && tail < TAIL_SAMPLES) {
        for (int i = 0; i < 2; i++) {
            sq_channel_process(l->to[i], l->last[1 - i], rx[i], BLOCK);
            for (int k = 0; k < BLOCK && echo > 0.0; k++)
                rx[i][k] += (float)(echo * l->last[i][k]);
        }
        for (int i = 0; i < 2; i++)
            sq_call_process(l->side[i], rx[i], tx[i], BLOCK);
        l->samples += BLOCK;
        memcpy(l->last, tx, sizeof tx);
        for (int k = 0; k < BLOCK; k++)
            mix[k] = tx[0][k] + tx[1][k];
        if (l->line_noise)
            sq_noise_add(l->line_noise, mix, BLOCK, l->line_noise_rms);
        if (sink && sink(user, tx[0], tx[1], mix, BLOCK) != 0)
            return -2;
        if (move_data(l, l->samples) != 0)
            return -1;
        if (call_over(l))
            tail += BLOCK;
    }
    return 0;
}

int sim_line_next_note(sim_line *l, int *side, sq_v8_note *note)
{
    /* each side's next note is held here until the other side's next is later */
    sq_v8_note *held = l->held;
    for (int i = 0; i < 2; i++)
        if (!l->have[i])
            l->have[i] = sq_call_next_note(l->side[i], &held[i]) == SQ_OK;
    if (!l->have[0] && !l->have[1])
        return 0;
    int i = l->have[0] && (!l->have[1] || held[0].sample <= held[1].sample) ? 0 : 1;
    *side = i;
    *note = held[i];
    l->have[i] = 0;
    return 1;
}

void sim_line_free(sim_line *l)
{
    for (int i = 0; i < 2; i++) {
        sq_call_destroy(l->side[i]);
        sq_channel_destroy(l->to[i]);
        free(l->flow[i].payload);
        free(l->flow[i].got);
    }
    sq_noise_destroy(l->line_noise);
    memset(l, 0, sizeof *l);
}
