/* squeal modem: one Hayes-compatible modem (src/modem/at_modem.h) with its DTE on a
 * pseudo-terminal, a TCP port, stdin/stdout or a bridge to a TCP server, and its line on a
 * sound card, raw streams or WAV files. The line runs 20 ms at a time; between blocks the
 * DTE is served. Raw and WAV lines are paced to real time (or --speed times it), so that
 * two modems on FIFOs keep the telephone's clock and an idle modem costs nothing. */
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "src/cli/cli.h"
#include "src/cli/dte_port.h"
#include "src/cli/endpoint_io.h"
#include "src/cli/modem_options.h"
#include "src/io/wav_output.h"
#include "src/modem/at_modem.h"

#define BLOCK 160                  /* 20 ms */
#define EOF_IDLE_S 3.0             /* stdin ended: hang up once everything is sent and this quiet */

typedef struct modem_opts {
    const char *audio, *pty_link, *tcp, *bridge, *record_path;
    audio_link_opts link;
    double speed;
    long auto_answer;              /* initial S0; -1: the factory 0 (1 with --bridge) */
    int json;
    sq_call_settings call;
} modem_opts;

static void modem_usage(FILE *out)
{
    fputs("usage: squeal modem [--pty LINK | --tcp [ADDR:]PORT | --bridge HOST:PORT] [options]\n\n"
          "A modem that programs can use: Hayes AT commands from the DTE (a terminal program,\n"
          "sz/rz, chat, pppd), DTMF dialling, RING when a call is heard on the line, V.8 and\n"
          "V.22bis / V.22 / V.21 with V.42 LAPM, +++ to command mode. The commands and\n"
          "registers are listed in squeal(1). Status goes to stderr, one line per event.\n"
          "\n"
          "DTE (default stdin/stdout):\n"
          "  --pty LINK             a pseudo-terminal; LINK becomes a symlink to it (an earlier\n"
          "                         symlink is replaced, anything else is refused). Closing it\n"
          "                         drops DTR: under AT&D2 the call hangs up\n"
          "  --tcp [ADDR:]PORT      each TCP client is the DTE, one at a time (ADDR defaults to\n"
          "                         127.0.0.1); telnet negotiation is taken out of the stream\n"
          "  --bridge HOST:PORT     no DTE: answer calls (after --auto-answer rings, default 1)\n"
          "                         and connect each caller to the TCP server at HOST:PORT\n"
          "  --auto-answer N        S0 at start: answer after N rings, 0..255 (0: only on ATA)\n", out);
    fputs(LINE_OPTIONS_HELP, out);
    fputs("  --speed X              raw and WAV lines run at X times real time, 0.1..100\n"
          "                         (default 1)\n", out);
    fputs(MODEM_OPTIONS_HELP, out);
    fputs("Output:\n"
          "  --record FILE.wav      stereo WAV of the line: channel 1 sent, channel 2 heard\n"
          "  --json                 status as JSON lines\n"
          "\n"
          "Runs until interrupted (SIGINT, SIGTERM, SIGHUP hang up first), the line ends, or\n"
          "stdin ends (then once the call has sent everything and hung up). Exit status: 0,\n"
          "1 device, file or socket failure, 2 usage.\n", out);
}

static int parse_modem(int argc, char **argv, modem_opts *o)
{
    static const struct option opts[] = {
        { "help", no_argument, 0, 'h' }, LINE_OPTIONS, MODEM_OPTIONS,
        { "pty", required_argument, 0, 'P' }, { "tcp", required_argument, 0, 'T' },
        { "bridge", required_argument, 0, 'B' }, { "auto-answer", required_argument, 0, 'A' },
        { "speed", required_argument, 0, 'X' }, { "record", required_argument, 0, 'W' },
        { "json", no_argument, 0, 'j' }, { 0, 0, 0, 0 },
    };
    const char *cmd = "modem";
    int c, bad = 0;
    opterr = 0;
    optind = 1;
    while (!bad && (c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': modem_usage(stdout); exit(EXIT_OK);
        case 'P': o->pty_link = optarg; break;
        case 'T': o->tcp = optarg; break;
        case 'B': o->bridge = optarg; break;
        case 'A': bad = cli_parse_long(cmd, "--auto-answer", optarg, 0, 255, &o->auto_answer); break;
        case 'X': bad = cli_parse_double(cmd, "--speed", optarg, 0.1, 100, &o->speed); break;
        case 'W': o->record_path = optarg; break;
        case 'j': o->json = 1; break;
        case ':': return cli_bad_option(cmd, argv[optind - 1], 1);
        case '?': return cli_bad_option(cmd, argv[optind - 1], 0);
        default: {
            int rc = line_option_parse(cmd, c, optarg, &o->audio, &o->link);
            if (rc == 0)
                rc = modem_option_parse(cmd, c, optarg, &o->call);
            bad = rc <= 0;
            break;
        }
        }
    }
    if (bad)
        return EXIT_USAGE;
    if (optind != argc) {
        cli_error(cmd, "unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    if ((o->pty_link != NULL) + (o->tcp != NULL) + (o->bridge != NULL) > 1) {
        cli_error(cmd, "--pty, --tcp and --bridge are different DTEs: give one");
        return EXIT_USAGE;
    }
    if (line_spec_check(cmd, o->audio) != 0)
        return EXIT_USAGE;
    char in[1024] = "", out[1024] = "";
    if (strncmp(o->audio, "raw:", 4) == 0 || strncmp(o->audio, "wav:", 4) == 0)
        (void)audio_link_split_pair(o->audio + 4, in, out, sizeof in);
    if (!o->pty_link && !o->tcp && !o->bridge && (strcmp(in, "-") == 0 || strcmp(out, "-") == 0)) {
        cli_error(cmd, "--audio %s uses stdin or stdout, where the DTE is: give --pty, --tcp or --bridge", o->audio);
        return EXIT_USAGE;
    }
    const char *outputs[] = { o->record_path, *out ? out : NULL };
    const char *inputs[] = { *in ? in : NULL };
    return cli_check_files(cmd, outputs, 2, inputs, 1);
}

static double monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct modem_run {
    const modem_opts *o;
    status_out status;
    at_modem *modem;
    dte_port *dte;
    audio_link *link;
    wav_output *record;
    uint64_t blocks;
    int paced, stdin_ended;
    double eof_quiet_since;
} modem_run;

static void print_logs(modem_run *r)
{
    char text[256];
    double t;
    while (at_modem_next_log(r->modem, text, sizeof text, &t) == SQ_OK)
        status_print(&r->status, t, "modem", "%s", text);
    while (dte_port_next_log(r->dte, text, sizeof text) == SQ_OK)
        status_print(&r->status, (double)r->blocks * BLOCK / SQ_PROCESSING_RATE_HZ, "dte", "%s", text);
}

/* Serves the DTE until the next block is due (at once when the line paces itself). */
static int serve_dte_until(modem_run *r, double due_s)
{
    char err[256] = "";
    for (;;) {
        double now = monotonic_s();
        struct pollfd fds[4];
        int n = dte_port_poll_fds(r->dte, fds, 4);
        int wait_ms = r->paced && due_s > now ? (int)ceil((due_s - now) * 1000.0) : 0;
        if (poll(fds, (nfds_t)n, wait_ms) < 0 && !cli_interrupted)
            wait_ms = 0;
        int rc = dte_port_service(r->dte, r->modem, monotonic_s(), err, sizeof err);
        if (rc < 0) {
            cli_error("modem", "%s", err);
            return -1;
        }
        if (rc == 1 && !r->stdin_ended) {
            r->stdin_ended = 1;
            r->eof_quiet_since = monotonic_s();
        }
        if (cli_interrupted || !r->paced || monotonic_s() >= due_s)
            return 0;
    }
}

/* stdin has ended: once the call has carried everything and gone quiet, hang up; then stop. */
static int done_after_eof(modem_run *r)
{
    if (!r->stdin_ended)
        return 0;
    at_modem_state st = at_modem_get_state(r->modem);
    if (st == AT_MODEM_COMMAND)
        return 1;
    if (st == AT_MODEM_DIALLING || st == AT_MODEM_CONNECTING || at_modem_tx_pending(r->modem) > 0)
        r->eof_quiet_since = monotonic_s();
    else if (monotonic_s() - r->eof_quiet_since >= EOF_IDLE_S)
        at_modem_set_dtr(r->modem, 0, monotonic_s());
    return 0;
}

static int record_block(modem_run *r, const float *tx, const float *rx)
{
    return r->record ? wav_output_write_pair(r->record, tx, rx, BLOCK) : 0;
}

static int run(modem_run *r)
{
    float rx[BLOCK] = { 0 }, tx[BLOCK];
    char err[256] = "";
    double start = monotonic_s(), speed = r->o->speed;
    for (;;) {
        double due = start + (double)r->blocks * BLOCK / SQ_PROCESSING_RATE_HZ / speed;
        if (serve_dte_until(r, due) != 0)
            return EXIT_RUNTIME;
        if (cli_interrupted) {
            status_print(&r->status, (double)r->blocks * BLOCK / SQ_PROCESSING_RATE_HZ, "end", "interrupted: hung up");
            return EXIT_OK;
        }
        if (done_after_eof(r)) {
            print_logs(r);
            return EXIT_OK;
        }
        at_modem_process(r->modem, rx, tx, BLOCK, monotonic_s());
        int rc = audio_link_exchange(r->link, tx, rx, BLOCK, err, sizeof err);
        if (rc >= 0 && record_block(r, tx, rx) != 0) {
            cli_error("modem", "could not write the recording (disk full?)");
            return EXIT_RUNTIME;
        }
        r->blocks++;
        print_logs(r);
        if (rc <= 0) {
            status_print(&r->status, (double)r->blocks * BLOCK / SQ_PROCESSING_RATE_HZ, "end", "the line ended: %s", err);
            return rc < 0 ? EXIT_RUNTIME : EXIT_OK;
        }
    }
}

static int open_dte(const modem_opts *o, dte_port **dte)
{
    char err[512] = "";
    int rc = o->pty_link ? dte_port_open_pty(o->pty_link, dte, err, sizeof err)
             : o->tcp    ? dte_port_open_tcp(o->tcp, dte, err, sizeof err)
             : o->bridge ? dte_port_open_bridge(o->bridge, dte, err, sizeof err)
                         : dte_port_open_stdio(dte, err, sizeof err);
    if (rc != 0)
        cli_error("modem", "%s", err);
    return rc;
}

static void make_config(const modem_opts *o, at_modem_config *cfg)
{
    cfg->call = o->call;
    at_settings_factory(&cfg->profile);
    cfg->profile.modes = o->call.v8.modes;
    cfg->profile.max_rate = o->call.max_rate;
    cfg->profile.error_control = o->call.v8.lapm ? AT_EC_AUTO : AT_EC_NONE;
    if (o->bridge) {   /* nobody reads results: the server sees only the caller's data */
        cfg->profile.quiet = 1;
        cfg->profile.echo = 0;
        cfg->profile.s[AT_S_RINGS_TO_ANSWER] = 1;
    }
    if (o->auto_answer >= 0)
        cfg->profile.s[AT_S_RINGS_TO_ANSWER] = (uint8_t)o->auto_answer;
    cfg->line_info = o->audio;
}

int cmd_modem(int argc, char **argv)
{
    modem_opts o = { .audio = "pa", .speed = 1.0, .auto_answer = -1 };
    sq_call_default_settings(SQ_ROLE_CALLER, &o.call);
    o.call.v8.lapm = 1;
    o.call.v8.call_signal = SQ_CALL_SIGNAL_CI;
    int rc = parse_modem(argc, argv, &o);
    if (rc != EXIT_OK)
        return rc;
    cli_catch_hangup_signals();
    modem_run r = { .o = &o, .status = { "modem", o.json } };
    at_modem_config cfg;
    make_config(&o, &cfg);
    char err[512] = "";
    rc = EXIT_RUNTIME;
    if (at_modem_create(&cfg, &r.modem) != 0)
        cli_error("modem", "out of memory");
    else if (open_dte(&o, &r.dte) == 0) {
        if (o.record_path && wav_output_open(o.record_path, SQ_PROCESSING_RATE_HZ, 2, &r.record, err, sizeof err) != 0)
            cli_error("modem", "%s", err);
        else if (audio_link_open(o.audio, &o.link, &r.link, err, sizeof err) != 0)
            cli_error("modem", "%s", err);
        else {
            r.paced = strncmp(o.audio, "pa", 2) != 0;
            status_print(&r.status, 0.0, "ready", "modem ready: DTE %s, line %s", dte_port_describe(r.dte), o.audio);
            rc = run(&r);
        }
    }
    if (audio_link_close(r.link) != 0 && rc == EXIT_OK) {
        cli_error("modem", "could not finish the line's output file");
        rc = EXIT_RUNTIME;
    }
    if (r.record && wav_output_close(r.record, err, sizeof err) != 0 && rc == EXIT_OK) {
        cli_error("modem", "%s", err);
        rc = EXIT_RUNTIME;
    }
    dte_port_close(r.dte);
    at_modem_destroy(r.modem);
    return rc;
}
