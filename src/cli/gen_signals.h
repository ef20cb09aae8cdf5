/* squeal gen's options, shared by the files that build its signals. */
#ifndef SQ_CLI_GEN_SIGNALS_H
#define SQ_CLI_GEN_SIGNALS_H

#include "src/cli/cli.h"

#define GEN_MAX_SETS 32

typedef struct gen_opts {
    const char *signal, *out, *text, *file, *role, *digits, *octets;
    sq_progress_plan plan;
    double level, duration, snr, offset;
    long seed, rate, chan;
    sq_async_format format;
    /* INFO fields given with --set NAME=VALUE */
    const char *set_names[GEN_MAX_SETS];
    double set_values[GEN_MAX_SETS];
    size_t n_sets;
} gen_opts;

/* Appends seconds of silence; 0, or -1 out of memory. */
int gen_append_silence(sample_buf *b, double seconds);

/* V.92's QTS after a digital modem's QCA1d, then ANSpcm (gen_v92.c): v92_qts. */
int gen_v92_build(const gen_opts *o, sample_buf *b, double *ref_level, int *rc);

/* V.8bis messages and V.34 phase 2 (gen_v34.c): v8bis_msg, tone_a, tone_b, line_probe,
 * infomarks_a, infomarks_c, info0a, info0c, info0d, info1a, info1c, info1d. Returns
 * 1 and sets *rc (an exit code) when the signal is one of these, 0 otherwise. */
int gen_v34_build(const gen_opts *o, sample_buf *b, double *ref_level, int *rc);
/* An INFO frame with the fields given (not o's --set), then tone_s of its tone. */
int gen_v34_info_frame(const gen_opts *o, sq_info_kind kind, const char *const *names, const double *values,
                       size_t n_sets, double tone_s, sample_buf *b);
/* A modem's V.34 phases 3 and 4 after its INFO1 (gen_v34_startup.c): v34_startup. */
int gen_v34_startup_build(const gen_opts *o, sample_buf *b, double *ref_level, int *rc);
/* A V.90 digital modem's INFO0d and INFO1, then its phases 3 and 4 (gen_v34_startup.c). */
int gen_v90_startup_build(const gen_opts *o, sample_buf *b, double *ref_level, int *rc);
/* One V.32bis modem's start-up, data, and a renegotiation or cleardown (gen_v32_startup.c). */
int gen_v32_startup_build(const gen_opts *o, sample_buf *b, double *ref_level, int *rc);

#endif
