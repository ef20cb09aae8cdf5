/* squeal gen v32bis_startup: one V.32bis modem's start-up, its data, and a rate renegotiation,
 * cleardown or retrain out of that data (squeal/v32.h: sq_v32_startup_modulate), for decode's
 * round trips. --set rate_bps, max_rate_bps, data_s, renegotiate_bps, cleardown, retrain;
 * --role, --level, --offset. */
#include <math.h>
#include <string.h>
#include "src/cli/gen_signals.h"

/* --set values into p; an exit code */
static int read_settings(const gen_opts *o, sq_v32_startup_params *p)
{
    int cleardown = 0;
    for (size_t i = 0; i < o->n_sets; i++) {
        const char *name = o->set_names[i];
        double value = o->set_values[i];
        int bps = (int)value, rate_step = bps == value && value >= 4800.0 && value <= 14400.0 && bps % 2400 == 0;
        if (strcmp(name, "rate_bps") == 0 && rate_step) {
            p->rate_bps = bps;
        } else if (strcmp(name, "max_rate_bps") == 0 && rate_step) {
            p->max_rate_bps = bps;
        } else if (strcmp(name, "data_s") == 0 && value >= 0.5 && value <= 60.0) {
            p->data_s = value;
        } else if (strcmp(name, "renegotiate_bps") == 0 && rate_step) {
            p->renegotiate_bps = bps;
        } else if (strcmp(name, "cleardown") == 0 && (value == 0.0 || value == 1.0)) {
            cleardown = value == 1.0;
        } else if (strcmp(name, "retrain") == 0 && (value == 0.0 || value == 1.0)) {
            p->retrain = value == 1.0;
        } else {
            cli_error("gen", "v32bis_startup has no setting '%s' that can be %g (rate_bps, max_rate_bps, "
                      "renegotiate_bps: 4800-14400 in steps of 2400; data_s 0.5-60; cleardown 0|1; retrain 0|1)", name, value);
            return EXIT_USAGE;
        }
    }
    if (p->rate_bps > p->max_rate_bps) {
        cli_error("gen", "v32bis_startup: rate_bps %d is over max_rate_bps %d, the rates its rate signals offer",
                  p->rate_bps, p->max_rate_bps);
        return EXIT_USAGE;
    }
    if (p->renegotiate_bps && cleardown) {
        cli_error("gen", "v32bis_startup: renegotiate_bps or cleardown=1, not both (a cleardown is a renegotiation "
                  "naming no rate)");
        return EXIT_USAGE;
    }
    if (p->retrain && (p->renegotiate_bps || cleardown)) {
        cli_error("gen", "v32bis_startup: retrain=1 or a renegotiation or cleardown after the data, not both");
        return EXIT_USAGE;
    }
    if (cleardown)
        p->renegotiate_bps = SQ_V32_CLEARDOWN;
    return EXIT_OK;
}

int gen_v32_startup_build(const gen_opts *o, sample_buf *b, double *ref_level, int *rc)
{
    if (strcmp(o->signal, "v32bis_startup") != 0)
        return 0;
    sq_v32_startup_params p;
    sq_v32_startup_default_params(&p);
    *ref_level = p.level_dbm0 = isnan(o->level) ? -13.0 : o->level;
    p.answer_modem = strcmp(o->role, "answerer") == 0;
    p.offset_hz = o->offset;
    p.seed = (uint64_t)o->seed;
    if ((*rc = read_settings(o, &p)) != EXIT_OK)
        return 1;
    size_t n = sq_v32_startup_modulate(&p, NULL, 0);
    *rc = EXIT_RUNTIME;
    if (n == 0 || gen_append_silence(b, 0.1) != 0 || sample_buf_grow(b, n) != 0) {
        cli_error("gen", "v32bis_startup: out of memory");
        return 1;
    }
    b->n += sq_v32_startup_modulate(&p, b->x + b->n, n);
    *rc = gen_append_silence(b, 0.1) == 0 ? EXIT_OK : EXIT_RUNTIME;
    return 1;
}
