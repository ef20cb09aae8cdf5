/* Two V.8 sessions through the line model (bench/v8_call.h). */
#include <math.h>
#include <string.h>
#include "bench/v8_call.h"

#define BLOCK 160
#define MAX_SAMPLES (30 * 8000)

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
    sq_channel *line[2] = { NULL, NULL };
    int rc = -1;
    for (int i = 0; i < 2; i++) {
        sq_channel_params p = { .foff_hz = c->foff_hz, .seed = c->seed * 2u + (uint64_t)i,
                                .noise_rms = isnan(c->snr_db) ? 0.0 : sq_noise_rms_for_snr(-13.0, c->snr_db) };
        if (sq_channel_create(&p, &line[i]) != SQ_OK || sq_v8_session_create(&c->side[i], &s[i]) != SQ_OK)
            goto out;
    }
    float tx[2][BLOCK], rx[2][BLOCK];
    memset(tx, 0, sizeof tx);
    for (size_t n = 0; n < MAX_SAMPLES; n += BLOCK) {
        for (int i = 0; i < 2; i++)   /* each hears the other's previous block */
            sq_channel_process(line[i], tx[1 - i], rx[i], BLOCK);
        for (size_t k = 0; k < BLOCK; k++) {
            double t = (double)(n + k) / 8000.0;
            if (t >= c->mute_from_s && t < c->mute_to_s)
                rx[1][k] = 0.0f;
        }
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
        sq_channel_destroy(line[i]);
    }
    return rc;
}
