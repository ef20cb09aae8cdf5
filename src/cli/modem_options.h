/* What the real-time modem commands (answer, call, modem) share: the line and modem options,
 * their help text, and hanging up on a signal. */
#ifndef SQ_CLI_MODEM_OPTIONS_H
#define SQ_CLI_MODEM_OPTIONS_H

#include <getopt.h>
#include <signal.h>
#include "squeal/squeal.h"
#include "src/io/audio_link.h"

/* getopt_long entries; their values are handled by modem_option_parse / line_option_parse. */
#define MODEM_OPTIONS                                                                        \
    { "modes", required_argument, 0, 'm' }, { "max-rate", required_argument, 0, 'r' },      \
    { "no-v8", no_argument, 0, 'n' }, { "answer-tone", required_argument, 0, 't' },         \
    { "guard", required_argument, 0, 'g' }, { "call-signal", required_argument, 0, 's' },   \
    { "level", required_argument, 0, 'l' }, { "error-control", required_argument, 0, 'e' }, \
    CLI_FRAMING_OPTIONS
#define LINE_OPTIONS                                                                         \
    { "audio", required_argument, 0, 'a' }, { "latency", required_argument, 0, 'L' },       \
    { "rate", required_argument, 0, 'R' }

extern const char MODEM_OPTIONS_HELP[];   /* the "Modem:" section of --help */
extern const char LINE_OPTIONS_HELP[];    /* the "Line:" section */

/* 1 when c is one of MODEM_OPTIONS and was parsed into call (0), -1 after an error line,
 * 0 when c is not a modem option. */
int modem_option_parse(const char *cmd, int c, const char *arg, sq_call_settings *call);
/* The same for LINE_OPTIONS. */
int line_option_parse(const char *cmd, int c, const char *arg, const char **audio, audio_link_opts *link);
/* --audio names a kind of line squeal has; 0, or -1 after an error line. */
int line_spec_check(const char *cmd, const char *audio);

/* Set by SIGINT, SIGTERM and SIGHUP (a closed terminal): the command hangs up. */
extern volatile sig_atomic_t cli_interrupted;
/* Without SA_RESTART, so that a line blocked on a FIFO whose far end never comes returns
 * EINTR instead of waiting for ever; SIGPIPE ignored (a closed stream is an EPIPE). */
void cli_catch_hangup_signals(void);

#endif
