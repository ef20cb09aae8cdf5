/* The command-line front end: the only code that parses argv, prints and exits. */
#ifndef SQ_CLI_H
#define SQ_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include "squeal/squeal.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

/* Prints "squeal CMD: message" on stderr. */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Strict number parsing: the whole string, finite, within [lo, hi]. */
int cli_parse_double(const char *cmd, const char *opt, const char *s, double lo, double hi, double *out);
int cli_parse_long(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out);
int cli_parse_parity(const char *cmd, const char *s, sq_parity *out);
/* The --data-bits / --parity / --stop-bits options (getopt values CLI_OPT_DATA_BITS..): 0 when
 * parsed into f, -1 after printing the error. */
enum { CLI_OPT_DATA_BITS = 1000, CLI_OPT_PARITY, CLI_OPT_STOP_BITS };
#define CLI_FRAMING_OPTIONS                                                          \
    { "data-bits", required_argument, 0, CLI_OPT_DATA_BITS },                       \
    { "parity", required_argument, 0, CLI_OPT_PARITY },                             \
    { "stop-bits", required_argument, 0, CLI_OPT_STOP_BITS }
int cli_parse_framing(const char *cmd, int opt, const char *arg, sq_async_format *f);

/* The V.8 options sim, answer, call and demo share; 0, or -1 after printing the error. */
int cli_parse_modes(const char *cmd, const char *opt, const char *s, uint32_t *modes);
/* The same for a modem that runs what it offers (answer, call, demo): only
 * SQ_CALL_RUNNABLE_MODES. sim takes any list, to stand in for other modems' offers. */
int cli_parse_runnable_modes(const char *cmd, const char *opt, const char *s, uint32_t *modes);
/* ans and ans_pr make a V.25 answerer, which has no V.8. */
int cli_parse_answer_tone(const char *cmd, const char *s, sq_v8_settings *v8);
int cli_parse_call_signal(const char *cmd, const char *s, sq_v8_settings *v8);
/* --error-control lapm|none: whether CM / JM offer V.42 LAPM. */
int cli_parse_error_control(const char *cmd, const char *s, sq_v8_settings *v8);

/* getopt_long error for an unknown option or a missing value. */
int cli_bad_option(const char *cmd, const char *arg, int missing_value);

int cmd_gen(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_answer(int argc, char **argv);
int cmd_call(int argc, char **argv);
int cmd_modem(int argc, char **argv);
int cmd_devices(int argc, char **argv);
int cmd_demo(int argc, char **argv);

/* A growable mono sample buffer for offline generation. */
typedef struct sample_buf {
    float *x;
    size_t n, cap;
} sample_buf;

int sample_buf_grow(sample_buf *b, size_t more);   /* returns 0 or -1 */
void sample_buf_free(sample_buf *b);
/* A sim_call sink (src/sim/sim_call.h) that keeps everything, for the demo (which plays it)
 * and gen: each side's signal and the line's mix. */
typedef struct sim_recording {
    sample_buf side[2], mix;
} sim_recording;
int sim_recording_sink(void *user, const float *caller, const float *answerer, const float *mix, size_t n);
void sim_recording_free(sim_recording *r);
/* Whole file into a new buffer (at most max_len bytes); 0, or -1 after one error line. */
int cli_read_file(const char *cmd, const char *path, size_t max_len, uint8_t **bytes, size_t *len);
/* Writes bytes to path under the output rules (src/io/output_file.h); 0, or -1 after one
 * error line. */
int cli_write_file(const char *cmd, const char *path, const uint8_t *bytes, size_t len);
/* A file the command will read: exists, is not a folder, is readable. 0, or -1 after one
 * error line. "-" (standard input) passes. */
int cli_check_input_file(const char *cmd, const char *path);
/* Before any work: no output is one of the inputs or another output (EXIT_USAGE), every
 * input can be read and every output written (EXIT_RUNTIME). NULL entries are skipped.
 * EXIT_OK, or the exit status after one error line. */
int cli_check_files(const char *cmd, const char *const *outputs, size_t n_out, const char *const *inputs, size_t n_in);
/* Writes 8 kHz mono samples to a 16-bit WAV at rate_hz; prints the error; 0 or -1. */
int cli_write_wav(const char *cmd, const char *path, uint32_t rate_hz, const sample_buf *b);
/* The same with two channels (squeal's own recordings: left the caller, right the answerer). */
int cli_write_wav_stereo(const char *cmd, const char *path, uint32_t rate_hz, const sample_buf *left,
                         const sample_buf *right);

/* One decoded event with its own copy of the data, as the timeline printers want it. */
typedef struct timeline_event {
    sq_event ev;
    int channel;        /* 1-based audio channel */
    uint8_t *data;
    int printed;
    int explained;      /* wideband: the other channel's audio explains its band (an echo
                         * fit takes ECHO_EXPLAINED_DB out), told while the audio was held */
} timeline_event;

void timeline_print_text(FILE *out, const timeline_event *e);
void timeline_print_json(FILE *out, const timeline_event *e);
/* The JSON line as a string (malloc'd), NULL when out of memory. */
char *timeline_json_line(const timeline_event *e);

#endif
