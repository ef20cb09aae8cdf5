/* Error printing and strict argument parsing for the CLI. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "src/cli/cli.h"
#include "src/io/output_file.h"
#include "src/io/wav_output.h"

void cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "squeal%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_parse_double(const char *cmd, const char *opt, const char *s, double lo, double hi, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !isfinite(v) || v < lo || v > hi) {
        cli_error(cmd, "%s needs a number from %g to %g, not '%s'", opt, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_long(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < lo || v > hi) {
        cli_error(cmd, "%s needs a whole number from %ld to %ld, not '%s'", opt, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_parity(const char *cmd, const char *s, sq_parity *out)
{
    if (strcmp(s, "none") == 0)
        *out = SQ_PARITY_NONE;
    else if (strcmp(s, "even") == 0)
        *out = SQ_PARITY_EVEN;
    else if (strcmp(s, "odd") == 0)
        *out = SQ_PARITY_ODD;
    else if (strcmp(s, "mark") == 0)
        *out = SQ_PARITY_MARK;
    else if (strcmp(s, "space") == 0)
        *out = SQ_PARITY_SPACE;
    else {
        cli_error(cmd, "--parity is none, even, odd, mark or space, not '%s'", s);
        return -1;
    }
    return 0;
}

int cli_parse_framing(const char *cmd, int opt, const char *arg, sq_async_format *f)
{
    long v = 0;
    switch (opt) {
    case CLI_OPT_DATA_BITS:
        if (cli_parse_long(cmd, "--data-bits", arg, 5, 8, &v) != 0)
            return -1;
        f->data_bits = (int)v;
        return 0;
    case CLI_OPT_PARITY:
        return cli_parse_parity(cmd, arg, &f->parity);
    default:
        if (cli_parse_long(cmd, "--stop-bits", arg, 1, 2, &v) != 0)
            return -1;
        f->stop_bits = (int)v;
        return 0;
    }
}

int cli_parse_modes(const char *cmd, const char *opt, const char *s, uint32_t *modes)
{
    if (sq_v8_mods_from_str(s, modes) == SQ_OK)
        return 0;
    cli_error(cmd, "%s: '%s' is not a list of modes such as v34,v32bis,v22bis,v21", opt, s);
    return -1;
}

int cli_parse_runnable_modes(const char *cmd, const char *opt, const char *s, uint32_t *modes)
{
    uint32_t m = 0;
    if (cli_parse_modes(cmd, opt, s, &m) != 0)
        return -1;
    uint32_t extra = m & ~(uint32_t)SQ_CALL_RUNNABLE_MODES;
    if (extra) {
        uint32_t first = extra & -extra;
        cli_error(cmd, "%s: squeal can run v22bis (with v22) and v21, not %s", opt, sq_v8_mod_to_str(first));
        return -1;
    }
    *modes = m;
    return 0;
}

int cli_parse_answer_tone(const char *cmd, const char *s, sq_v8_settings *v8)
{
    sq_tone_kind k;
    if (sq_tone_kind_from_str(s, &k) != SQ_OK || k > SQ_TONE_ANSAM_PR) {
        cli_error(cmd, "--answer-tone is ansam_pr, ansam, ans or ans_pr, not '%s'", s);
        return -1;
    }
    v8->answer_tone = k;
    if (k == SQ_TONE_ANS || k == SQ_TONE_ANS_PR)
        v8->use_v8 = 0;
    return 0;
}

int cli_parse_call_signal(const char *cmd, const char *s, sq_v8_settings *v8)
{
    if (strcmp(s, "ct") == 0)
        v8->call_signal = SQ_CALL_SIGNAL_CT;
    else if (strcmp(s, "ci") == 0)
        v8->call_signal = SQ_CALL_SIGNAL_CI;
    else if (strcmp(s, "none") == 0)
        v8->call_signal = SQ_CALL_SIGNAL_NONE;
    else
        return cli_error(cmd, "--call-signal is none, ct or ci, not '%s'", s), -1;
    return 0;
}

int cli_parse_error_control(const char *cmd, const char *s, sq_v8_settings *v8)
{
    if (strcmp(s, "lapm") == 0)
        v8->lapm = 1;
    else if (strcmp(s, "none") == 0)
        v8->lapm = 0;
    else
        return cli_error(cmd, "--error-control is lapm or none, not '%s'", s), -1;
    return 0;
}

int cli_bad_option(const char *cmd, const char *arg, int missing_value)
{
    if (missing_value)
        cli_error(cmd, "option '%s' needs a value (see 'squeal %s --help')", arg, cmd);
    else
        cli_error(cmd, "unknown option '%s' (see 'squeal %s --help')", arg, cmd);
    return EXIT_USAGE;
}

int sample_buf_grow(sample_buf *b, size_t more)
{
    if (b->n + more <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 8000;
    while (cap < b->n + more)
        cap *= 2;
    float *x = realloc(b->x, cap * sizeof *x);
    if (!x)
        return -1;
    b->x = x;
    b->cap = cap;
    return 0;
}

void sample_buf_free(sample_buf *b)
{
    free(b->x);
    b->x = NULL;
    b->n = b->cap = 0;
}

static int write_frames(const char *cmd, const char *path, uint32_t rate_hz, int channels, const float *x,
                        size_t frames)
{
    char err[512];
    wav_output *w = NULL;
    if (wav_output_open(path, rate_hz, channels, &w, err, sizeof err) != 0) {
        cli_error(cmd, "%s", err);
        return -1;
    }
    if (wav_output_write(w, x, frames) != 0) {
        cli_error(cmd, "cannot write '%s': %s", path, strerror(errno));
        wav_output_abort(w);
        return -1;
    }
    if (wav_output_close(w, err, sizeof err) != 0) {
        cli_error(cmd, "%s", err);
        return -1;
    }
    return 0;
}

int cli_write_wav(const char *cmd, const char *path, uint32_t rate_hz, const sample_buf *b)
{
    return write_frames(cmd, path, rate_hz, 1, b->x, b->n);
}

int cli_write_wav_stereo(const char *cmd, const char *path, uint32_t rate_hz, const sample_buf *left,
                         const sample_buf *right)
{
    size_t n = left->n > right->n ? left->n : right->n;
    float *x = calloc(2 * n + 1, sizeof *x);
    if (!x) {
        cli_error(cmd, "out of memory");
        return -1;
    }
    for (size_t k = 0; k < n; k++) {
        x[2 * k] = k < left->n ? left->x[k] : 0.0f;
        x[2 * k + 1] = k < right->n ? right->x[k] : 0.0f;
    }
    int rc = write_frames(cmd, path, rate_hz, 2, x, n);
    free(x);
    return rc;
}

int cli_read_file(const char *cmd, const char *path, size_t max_len, uint8_t **bytes, size_t *len)
{
    *bytes = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        cli_error(cmd, "cannot read '%s': %s", path, strerror(errno));
        return -1;
    }
    *bytes = malloc(max_len + 1);
    *len = *bytes ? fread(*bytes, 1, max_len + 1, f) : 0;
    int err = ferror(f);
    fclose(f);
    if (!*bytes || err) {
        cli_error(cmd, "cannot read '%s'", path);
        free(*bytes);
        *bytes = NULL;
        return -1;
    }
    if (*len > max_len) {
        cli_error(cmd, "'%s' is too long: at most %zu bytes", path, max_len);
        free(*bytes);
        *bytes = NULL;
        return -1;
    }
    return 0;
}

int cli_write_file(const char *cmd, const char *path, const uint8_t *bytes, size_t len)
{
    char err[512];
    output_file *f = NULL;
    if (output_file_open(path, 0, &f, err, sizeof err) != 0) {
        cli_error(cmd, "%s", err);
        return -1;
    }
    if (output_file_write(f, bytes, len) != 0) {
        cli_error(cmd, "cannot write '%s': %s", path, strerror(errno));
        output_file_abort(f);
        return -1;
    }
    if (output_file_commit(f, err, sizeof err) != 0) {
        cli_error(cmd, "%s", err);
        return -1;
    }
    return 0;
}

int cli_check_input_file(const char *cmd, const char *path)
{
    struct stat st;
    if (strcmp(path, "-") == 0)
        return 0;
    if (stat(path, &st) != 0) {
        cli_error(cmd, "cannot read '%s': %s", path, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        cli_error(cmd, "cannot read '%s': it is a folder", path);
        return -1;
    }
    if (access(path, R_OK) != 0) {
        cli_error(cmd, "cannot read '%s': %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int cli_check_files(const char *cmd, const char *const *outputs, size_t n_out, const char *const *inputs, size_t n_in)
{
    for (size_t i = 0; i < n_out; i++) {
        if (!outputs[i])
            continue;
        for (size_t j = 0; j < n_in; j++) {
            if (inputs[j] && output_file_same(outputs[i], inputs[j])) {
                cli_error(cmd, "'%s' is an input: writing it as an output too would destroy it", outputs[i]);
                return EXIT_USAGE;
            }
        }
        for (size_t j = 0; j < i; j++) {
            if (outputs[j] &&
                (strcmp(outputs[i], outputs[j]) == 0 || output_file_same(outputs[i], outputs[j]))) {
                cli_error(cmd, "'%s' is given for two outputs", outputs[i]);
                return EXIT_USAGE;
            }
        }
    }
    for (size_t j = 0; j < n_in; j++)
        if (inputs[j] && cli_check_input_file(cmd, inputs[j]) != 0)
            return EXIT_RUNTIME;
    char err[512];
    for (size_t i = 0; i < n_out; i++) {
        if (outputs[i] && output_file_check(outputs[i], err, sizeof err) != 0) {
            cli_error(cmd, "%s", err);
            return EXIT_RUNTIME;
        }
    }
    return EXIT_OK;
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
