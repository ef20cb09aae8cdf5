/* The options answer, call and modem share (src/cli/modem_options.h). */
#include <string.h>
#include "src/cli/cli.h"
#include "src/cli/modem_options.h"

volatile sig_atomic_t cli_interrupted;

const char LINE_OPTIONS_HELP[] =
    "Line:\n"
    "  --audio SPEC           pa (default sound device), pa:NAME or pa:INDEX (squeal devices),\n"
    "                         raw:IN,OUT (16-bit LE mono files, FIFOs or -), wav:IN,OUT\n"
    "  --latency MS           sound-card buffer, 10..2000 (default 250); with raw,\n"
    "                         that much silence is sent first (default none)\n"
    "  --rate HZ              raw streams' sample rate, 8000..48000, may be fractional\n"
    "                         (default 8000)\n";

const char MODEM_OPTIONS_HELP[] =
    "Modem:\n"
    "  --modes LIST           modes offered, e.g. v22bis,v21 (default: all squeal has)\n"
    "  --max-rate 2400|1200   1200: behave as a V.22-only modem\n"
    "  --no-v8                V.25 only: no V.8 (answerer sends ANS, caller never CM)\n"
    "  --answer-tone T        answerer: ansam_pr (default), ansam, ans, ans_pr\n"
    "  --guard 0|550|1800     answerer: V.22 guard tone (default 0)\n"
    "  --call-signal none|ct|ci  caller: what it sends until answered (default ci)\n"
    "  --level DBM0           transmit level, -40..0 (default -13)\n"
    "  --error-control lapm|none  offer V.42 LAPM in V.8 (default lapm): used when the\n"
    "                         other side offers it too and the mode is V.22bis or V.22;\n"
    "                         lost frames are sent again, damaged ones never delivered\n"
    "  --data-bits N, --parity none|even|odd|mark|space, --stop-bits N  (default 8N1,\n"
    "                         start-stop characters without error control)\n";

static void on_signal(int sig)
{
    (void)sig;
    cli_interrupted = 1;
}

void cli_catch_hangup_signals(void)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sa.sa_handler = on_signal;
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

static int parse_choice(const char *cmd, const char *opt, const char *arg, const long *allowed, long *out)
{
    long v = 0;
    if (cli_parse_long(cmd, opt, arg, -1000000, 1000000, &v) != 0)
        return -1;
    for (; *allowed >= 0; allowed++)
        if (v == *allowed) {
            *out = v;
            return 0;
        }
    cli_error(cmd, "%s: %s is not one of the values it takes (see --help)", opt, arg);
    return -1;
}

static int parsed(int rc)
{
    return rc == 0 ? 1 : -1;
}

int modem_option_parse(const char *cmd, int c, const char *arg, sq_call_settings *call)
{
    static const long rates[] = { 2400, 1200, -1 }, guards[] = { 0, 550, 1800, -1 };
    long v = 0;
    switch (c) {
    case 'm':
        return parsed(cli_parse_runnable_modes(cmd, "--modes", arg, &call->v8.modes));
    case 'r':
        if (parse_choice(cmd, "--max-rate", arg, rates, &v) != 0)
            return -1;
        call->max_rate = (int)v;
        return 1;
    case 'n':
        call->v8.use_v8 = 0;
        return 1;
    case 'g':
        if (parse_choice(cmd, "--guard", arg, guards, &v) != 0)
            return -1;
        call->guard_hz = (int)v;
        return 1;
    case 't':
        return parsed(cli_parse_answer_tone(cmd, arg, &call->v8));
    case 's':
        return parsed(cli_parse_call_signal(cmd, arg, &call->v8));
    case 'e':
        return parsed(cli_parse_error_control(cmd, arg, &call->v8));
    case 'l':
        return parsed(cli_parse_double(cmd, "--level", arg, -40, 0, &call->v8.tx_level_dbm0));
    case CLI_OPT_DATA_BITS: case CLI_OPT_PARITY: case CLI_OPT_STOP_BITS:
        return parsed(cli_parse_framing(cmd, c, arg, &call->format));
    default:
        return 0;
    }
}

int line_option_parse(const char *cmd, int c, const char *arg, const char **audio, audio_link_opts *link)
{
    switch (c) {
    case 'a': *audio = arg; return 1;
    case 'L': return parsed(cli_parse_double(cmd, "--latency", arg, 10, 2000, &link->latency_ms));
    case 'R': return parsed(cli_parse_double(cmd, "--rate", arg, 8000, 48000, &link->raw_rate_hz));
    default: return 0;
    }
}

int line_spec_check(const char *cmd, const char *audio)
{
    if (strcmp(audio, "pa") != 0 && strncmp(audio, "pa:", 3) != 0 && strncmp(audio, "raw:", 4) != 0 &&
        strncmp(audio, "wav:", 4) != 0) {
        cli_error(cmd, "--audio is pa, pa:NAME, pa:INDEX, raw:IN,OUT or wav:IN,OUT, not '%s'", audio);
        return -1;
    }
    return 0;
}
