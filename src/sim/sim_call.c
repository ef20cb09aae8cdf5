/* Two modems through the simulated line (sim_call.h). */
#include "src/sim/sim_call.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK SIM_CALL_BLOCK
#define MAX_SECONDS 30.0
#define TAIL_SAMPLES 2400      /* keep running 0.3 s after both sides finish */

int sim_call_open(const sim_call_params *o, sim_call *l)
{
    sim_line_params lp;
    sim_line_default_params(&lp);
    for (int i = 0; i < 2; i++) {
        sq_channel_params p = { .foff_hz = o->foff, .bandlimit = o->bandlimit,
                                .seed = (uint64_t)o->seed * 2u + (uint64_t)i,
                                /* heard[1] is the answerer's, whose clock runs fast */
                                .clock_ppm = i ? o->clock_ppm : -o->clock_ppm };
        double tx_level = o->side[1 - i].v8.tx_level_dbm0;
        double rx_level = isnan(o->level) ? tx_level : o->level;
        p.gain_db = rx_level - tx_level;
        p.noise_rms = isnan(o->snr) ? 0.0 : sq_noise_rms_for_snr(rx_level, o->snr);
        lp.heard[i] = p;
    }
    lp.echo_db = o->echo;
    if (sim_line_open(&l->line, &lp) != 0)
        return -1;
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

/* Feeds each side's payload in as it takes it, and collects what each side receives. */
static int move_data(sim_call *l, uint64_t now)
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
static int call_over(const sim_call *l)
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
int sim_call_run(sim_call *l, sim_call_sink sink, void *user)
{
    float rx[2][BLOCK], tx[2][BLOCK], mix[BLOCK];
    /* room for the handshake and for the payloads at 300 bit/s, the slowest mode */
    size_t biggest = l->flow[0].len > l->flow[1].len ? l->flow[0].len : l->flow[1].len;
    uint64_t tail = 0, limit = (uint64_t)((MAX_SECONDS + (double)biggest * 10.0 / 300.0 * 1.2) * SQ_PROCESSING_RATE_HZ);
    while (l->samples < limit && tail < TAIL_SAMPLES) {
        const float *const sent[2] = { l->last[0], l->last[1] };
        float *const heard[2] = { rx[0], rx[1] };
        sim_line_carry(&l->line, sent, heard, BLOCK);
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

int sim_call_next_note(sim_call *l, int *side, sq_v8_note *note)
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

void sim_call_free(sim_call *l)
{
    for (int i = 0; i < 2; i++) {
        sq_call_destroy(l->side[i]);
        free(l->flow[i].payload);
        free(l->flow[i].got);
    }
    sim_line_close(&l->line);
    sq_noise_destroy(l->line_noise);
    memset(l, 0, sizeof *l);
}
