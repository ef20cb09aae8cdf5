/* Two V.8 sessions through the line model (src/sim/v8_call.h). */
#include <math.h>
#include <string.h>
#include "src/sim/v8_call.h"
#include "src/sim/sim_line.h"

#define BLOCK 160
#define MAX_SAMPLES (30 * SQ_PROCESSING_RATE_HZ)

void v8_call_init(v8_call *c, uint32_t caller_modes, uint32_t answerer_modes)
{
    memset(c, 0, sizeof *c);
    sq_v8_default_settings(SQ_ROLE_CALLER, &c->side[0]);
    sq_v8_default_settings(SQ_ROLE_ANSWERER, &c->side[1]);
    c->side[0].modes = caller_modes;
    c->side[1].modes = answerer_modes;
    c->snr_db = NAN;
}

int v8_call_run(v8_call *c)
{
    sq_v8_session *s[2] = { NULL, NULL };
    sim_line line = { 0 };
    int rc = -1;
    sim_line_params lp;
    sim_line_default_params(&lp);
    for (int i = 0; i < 2; i++) {
        lp.heard[i] = (sq_channel_params){ .foff_hz = c->foff_hz, .seed = c->seed * 2u + (uint64_t)i,
                                           .noise_rms = isnan(c->snr_db) ? 0.0 : sq_noise_rms_for_snr(-13.0, c->snr_db) };
        if (sq_v8_session_create(&c->side[i], &s[i]) != SQ_OK)
            goto out;
    }
    lp.mute_from_s = c->mute_from_s;
    lp.mute_to_s = c->mute_to_s;
    if (sim_line_open(&line, &lp) != 0)
        goto out;
    float tx[2][BLOCK], rx[2][BLOCK];
    memset(tx, 0, sizeof tx);
    for (size_t n = 0; n < MAX_SAMPLES; n += BLOCK) {
        const float *const sent[2] = { tx[0], tx[1] };   /* each hears the other's previous block */
        float *const heard[2] = { rx[0], rx[1] };
        sim_line_carry(&line, sent, heard, BLOCK);
        for (int i = 0; i < 2; i++)
            sq_v8_session_process(s[i], rx[i], tx[i], BLOCK);
        if (sq_v8_session_status_get(s[0])->outcome != SQ_V8_RUNNING &&
            sq_v8_session_status_get(s[1])->outcome != SQ_V8_RUNNING)
            break;
    }
    for (int i = 0; i < 2; i++)
        c->result[i] = *sq_v8_session_status_get(s[i]);
    rc = 0;
out:
    for (int i = 0; i < 2; i++) {
        sq_v8_session_destroy(s[i]);
    }
    sim_line_close(&line);
    return rc;
}
