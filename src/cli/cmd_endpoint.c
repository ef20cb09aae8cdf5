/* squeal answer / squeal call: one side of a modem call in real time, over a sound card, a
 * raw stream or WAV files. The modem runs 20 ms at a time: what it sends goes to the line,
 * what the line carried back goes into it; the user's bytes flow from stdin (or --send) to
 * the line and from the line to stdout (or --recv-out), like a serial port. */
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "src/cli/cli.h"
#include "src/cli/endpoint_io.h"
#include "src/cli/modem_options.h"
#include "src/cli/term_waterfall.h"
#include "src/io/audio_link.h"
#include "src/io/output_file.h"
#include "src/io/wav_output.h"

#define BLOCK 160                 /* 20 ms */
#define RING_LEVEL_DBM0 -45.0     /* the answerer hears a call: this much for RING_BLOCKS */
#define RING_BLOCKS 5
#define QUALITY_EVERY_S 10.0
#define HANGUP_TAIL_S 0.5         /* carrier kept after the last character, for it to arrive:
                                   * longer than the receiver holds characters (300 ms) */

/* Exit status, beyond cli.h's 0/1/2: which way the call failed. */
enum { EXIT_NO_CONNECTION = 3, EXIT_CALL_LOST = 4 };

typedef struct endpoint_opts {
    const char *cmd;
    const char *audio, *send_path, *recv_path, *record_path;
    audio_link_opts link;
    double wait_s, idle_s;
    int json, show;
    sq_call_settings call;
} endpoint_opts;

typedef struct endpoint {
    const endpoint_opts *o;
    status_out status;
    audio_link *link;
    sq_call *call;                /* NULL while the answerer waits for the line to come alive */
    wav_output *record;
    byte_source source;
    byte_sink sink;
    uint64_t n;                   /* samples since start */
    uint64_t call_start;          /* when the call (the modem) started */
    uint64_t last_heard;          /* the last received byte, or data mode's start */
    int live_blocks, in_data;
    uint64_t hangup_at;           /* the tail after our last character ends here (0: none) */
    double next_quality_s;
} endpoint;

static void endpoint_usage(const char *cmd, FILE *out)
{
    fprintf(out, "usage: squeal %s [options]\n\n", cmd);
    fputs(strcmp(cmd, "answer") == 0
              ? "Waits for a call on the line, answers it (answer tone, V.8), trains the data modem\n"
                "both sides share, then moves bytes: stdin to the line and the line to stdout.\n"
              : "Calls: sends V.8 CI until the answer tone, negotiates (V.8), trains the data\n"
                "modem both sides share, then moves bytes: stdin to the line and the line to stdout.\n", out);
    fputs("Status goes to stderr, one line per phase.\n\n", out);
    fputs(LINE_OPTIONS_HELP, out);
    fputs(MODEM_OPTIONS_HELP, out);
    fputs("Data:\n"
          "  --send FILE            send FILE instead of stdin\n"
          "  --recv-out FILE        write what arrives to FILE instead of stdout\n"
          "  --idle S               after the input has all gone, hang up once nothing has\n"
          "                         arrived for S seconds, 0.5..600 (default 3)\n"
          "  --wait S               give up when there is no data connection S seconds after\n"
          "                         the call began (the caller's dialling, the answerer's ring;\n"
          "                         an answerer waits for a ring for ever), 5..86400, or 0 for\n"
          "                         no limit (default 60)\n"
          "Output:\n"
          "  --record FILE.wav      stereo WAV of the call: channel 1 sent, channel 2 heard\n"
          "  --json                 status as JSON lines\n"
          "  --show                 on a terminal, draw the line's spectrum as it sounds (a\n"
          "                         waterfall, 0-4000 Hz across, both directions) with each\n"
          "                         status line beside its moment; plain lines elsewhere\n"
          "\n"
          "Exit status: 0 the call carried everything and hung up, 1 device or file failure,\n"
          "2 usage, 3 no connection (no call, no answer, handshake failed), 4 the call was\n"
          "lost before all the input was sent.\n", out);
}

/* Before anything is opened: no output is an input, every input readable, every output
 * writable. */
static int check_endpoint_files(const endpoint_opts *o)
{
    char in[1024] = "", out[1024] = "";
    if (strncmp(o->audio, "raw:", 4) == 0 || strncmp(o->audio, "wav:", 4) == 0)
        (void)audio_link_split_pair(o->audio + 4, in, out, sizeof in);
    const char *outputs[] = { o->recv_path, o->record_path, *out ? out : NULL };
    const char *inputs[] = { o->send_path, *in ? in : NULL };
    return cli_check_files(o->cmd, outputs, 3, inputs, 2);
}

static int parse_endpoint(int argc, char **argv, endpoint_opts *o)
{
    static const struct option opts[] = {
        { "help", no_argument, 0, 'h' }, LINE_OPTIONS, MODEM_OPTIONS,
        { "send", required_argument, 0, 'S' }, { "recv-out", required_argument, 0, 'O' },
        { "idle", required_argument, 0, 'i' }, { "wait", required_argument, 0, 'w' },
        { "record", required_argument, 0, 'W' }, { "json", no_argument, 0, 'j' },
        { "show", no_argument, 0, 'v' }, { 0, 0, 0, 0 },
    };
    int c, bad = 0;
    opterr = 0;
    optind = 1;
    while (!bad && (c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': endpoint_usage(o->cmd, stdout); exit(EXIT_OK);
        case 'S': o->send_path = optarg; break;
        case 'O': o->recv_path = optarg; break;
        case 'i': bad = cli_parse_double(o->cmd, "--idle", optarg, 0.5, 600, &o->idle_s); break;
        case 'w':
            bad = cli_parse_double(o->cmd, "--wait", optarg, 0, 86400, &o->wait_s);
            if (!bad && o->wait_s > 0.0 && o->wait_s < 5.0)
                bad = (cli_error(o->cmd, "--wait is 0 (no limit) or 5..86400 seconds, not '%s'", optarg), 1);
            break;
        case 'W': o->record_path = optarg; break;
        case 'j': o->json = 1; break;
        case 'v': o->show = 1; break;
        case ':': return cli_bad_option(o->cmd, argv[optind - 1], 1);
        case '?': return cli_bad_option(o->cmd, argv[optind - 1], 0);
        default: {
            int rc = line_option_parse(o->cmd, c, optarg, &o->audio, &o->link);
            if (rc == 0)
                rc = modem_option_parse(o->cmd, c, optarg, &o->call);
            bad = rc <= 0;
            break;
        }
        }
    }
    if (bad)
        return EXIT_USAGE;
    if (optind != argc) {
        cli_error(o->cmd, "unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    if (line_spec_check(o->cmd, o->audio) != 0)
        return EXIT_USAGE;
    if (o->show && o->json) {
        cli_error(o->cmd, "--show draws for a person and --json writes for a program: give one");
        return EXIT_USAGE;
    }
    /* a raw line on stdin or stdout leaves no room there for the user's bytes */
    char in[1024], out[1024];
    if (strncmp(o->audio, "raw:", 4) == 0 && audio_link_split_pair(o->audio + 4, in, out, sizeof in) == 0) {
        if (strcmp(in, "-") == 0 && !o->send_path) {
            cli_error(o->cmd, "--audio %s reads the line from stdin: give the bytes to send with --send FILE", o->audio);
            return EXIT_USAGE;
        }
        if (strcmp(out, "-") == 0 && !o->recv_path) {
            cli_error(o->cmd, "--audio %s writes the line to stdout: give --recv-out FILE for what arrives", o->audio);
            return EXIT_USAGE;
        }
    }
    return check_endpoint_files(o);
}

static double now_s(const endpoint *e)
{
    return (double)e->n / SQ_PROCESSING_RATE_HZ;
}

static void print_notes(endpoint *e)
{
    sq_v8_note note;
    while (sq_call_next_note(e->call, &note) == SQ_OK)
        status_print(&e->status, (double)(e->call_start + note.sample) / SQ_PROCESSING_RATE_HZ, "phase", "%s", note.text);
}

/* The answerer's ring: the line carries a calling signal (any signal above -45 dBm0 for
 * 100 ms), so the caller is there to hear the answer tone. */
static int line_is_live(endpoint *e, const float *rx)
{
    double p = 0.0;
    for (int i = 0; i < BLOCK; i++)
        p += (double)rx[i] * rx[i];
    e->live_blocks = sq_power_to_dbm0(p / BLOCK) > RING_LEVEL_DBM0 ? e->live_blocks + 1 : 0;
    return e->live_blocks >= RING_BLOCKS;
}

static int start_call(endpoint *e)
{
    if (sq_call_create(&e->o->call, &e->call) != SQ_OK) {
        cli_error(e->o->cmd, "could not start the modem (out of memory?)");
        return -1;
    }
    e->call_start = e->n;
    return 0;
}

static void report_quality(endpoint *e)
{
    const sq_call_status *st = sq_call_status_get(e->call);
    if (st->phase != SQ_CALL_DATA || now_s(e) < e->next_quality_s)
        return;
    e->next_quality_s = now_s(e) + QUALITY_EVERY_S;
    status_print(&e->status, now_s(e), "line",
                 "line: SNR %.1f dB, offset %+.1f Hz, clock %+.0f ppm; sent %llu, received %llu bytes, %zu bad characters",
                 st->snr_db, st->freq_offset_hz, st->clock_ppm, (unsigned long long)e->source.total,
                 (unsigned long long)e->sink.total, st->char_errors);
}

/* The call is over: says why and picks the exit status. */
static int finish(endpoint *e, const char *reason, int device_failed)
{
    const sq_call_status *st = e->call ? sq_call_status_get(e->call) : NULL;
    int all_sent = e->in_data && byte_source_done(&e->source) && sq_call_tx_pending(e->call) == 0;
    int rc = device_failed ? EXIT_RUNTIME : all_sent ? EXIT_OK : e->in_data ? EXIT_CALL_LOST : EXIT_NO_CONNECTION;
    status_print(&e->status, now_s(e), "no_carrier", "NO CARRIER (%s)", reason);
    audio_link_stats ls;
    audio_link_get_stats(e->link, &ls);
    char retrains[96] = "", ec[96] = "";
    if (st && st->retrains)
        snprintf(retrains, sizeof retrains, ", %d retrain%s%s", st->retrains, st->retrains > 1 ? "s" : "",
                 st->error_control ? "" : " (what was in flight then is lost)");
    if (st && st->error_control)
        snprintf(ec, sizeof ec, ", V.42 LAPM: %llu frames sent again, %llu bad frames dropped",
                 (unsigned long long)st->frames_resent, (unsigned long long)st->frames_bad);
    status_print(&e->status, now_s(e), "summary",
                 "%s; sent %llu bytes, received %llu, %zu bad characters%s%s, SNR %.1f dB, clock %+.0f ppm; "
                 "%llu underruns, %llu overruns on %s",
                 rc == EXIT_OK ? "call complete" : rc == EXIT_CALL_LOST ? "call lost before all was sent"
                               : rc == EXIT_NO_CONNECTION ? "no connection" : "line failed",
                 (unsigned long long)e->source.total, (unsigned long long)e->sink.total,
                 st ? st->char_errors : 0, retrains, ec, st ? st->snr_db : 0.0, st ? st->clock_ppm : 0.0,
                 (unsigned long long)ls.underruns, (unsigned long long)ls.overruns, ls.description);
    return rc;
}

/* One 20 ms step after the line has moved: returns -1 to go on, else the exit status. */
static int step(endpoint *e, const float *rx)
{
    if (!e->call) {
        if (line_is_live(e, rx)) {
            status_print(&e->status, now_s(e), "ring", "RING: a calling signal is on the line, answering");
            return start_call(e) == 0 ? -1 : EXIT_RUNTIME;
        }
        return cli_interrupted ? finish(e, "no call: interrupted", 0) : -1;   /* a ring can come at any time */
    }
    print_notes(e);
    const sq_call_status *st = sq_call_status_get(e->call);
    if (st->phase == SQ_CALL_DATA && !e->in_data) {
        e->in_data = 1;
        e->last_heard = e->n;
    }
    if (e->in_data) {
        byte_source_feed(&e->source, e->call);
        if (byte_sink_drain(e->o->cmd, &e->sink, e->call) > 0)
            e->last_heard = e->n;
        if (e->sink.failed)
            return finish(e, "could not write what arrived", 1);
        report_quality(e);
    }
    if (st->phase == SQ_CALL_ENDED)
        return finish(e, e->in_data && strstr(st->reason, "carrier lost") ? "the other side hung up" : st->reason, 0);
    if (!e->in_data && e->o->wait_s > 0.0 && (double)(e->n - e->call_start) / SQ_PROCESSING_RATE_HZ > e->o->wait_s)
        return finish(e, "no data connection in time (--wait)", 0);
    if (e->hangup_at)
        return e->n >= e->hangup_at ? finish(e, cli_interrupted ? "hung up: interrupted" : "hung up: everything sent, the line idle", 0) : -1;
    if (cli_interrupted || (e->in_data && byte_source_done(&e->source) && sq_call_tx_pending(e->call) == 0 &&
                        (double)(e->n - e->last_heard) / SQ_PROCESSING_RATE_HZ >= e->o->idle_s))
        e->hangup_at = e->n + (uint64_t)(HANGUP_TAIL_S * SQ_PROCESSING_RATE_HZ);
    return -1;
}

static int record(endpoint *e, const float *tx, const float *rx)
{
    if (e->status.show) {   /* the line as one hears it: both directions */
        float heard[BLOCK];
        for (int i = 0; i < BLOCK; i++)
            heard[i] = tx[i] + rx[i];
        term_waterfall_feed(e->status.show, heard, BLOCK);
    }
    return e->record ? wav_output_write_pair(e->record, tx, rx, BLOCK) : 0;
}

static int run(endpoint *e)
{
    float rx[BLOCK] = { 0 }, tx[BLOCK];
    char err[256] = "";
    for (;;) {
        if (e->call)
            sq_call_process(e->call, rx, tx, BLOCK);
        else
            memset(tx, 0, sizeof tx);
        int rc = audio_link_exchange(e->link, tx, rx, BLOCK, err, sizeof err);
        if (rc >= 0 && record(e, tx, rx) != 0)
            return finish(e, "could not write the recording (disk full?)", 1);
        e->n += BLOCK;
        if (rc <= 0)
            return finish(e, err, rc < 0);
        int done = step(e, rx);
        if (done >= 0)
            return done;
    }
}

static int open_endpoint(endpoint *e)
{
    char err[256] = "";
    if (byte_source_open(e->o->cmd, &e->source, e->o->send_path) != 0 ||
        byte_sink_open(e->o->cmd, &e->sink, e->o->recv_path) != 0)
        return -1;
    if (e->o->record_path && wav_output_open(e->o->record_path, SQ_PROCESSING_RATE_HZ, 2, &e->record, err, sizeof err) != 0) {
        cli_error(e->o->cmd, "%s", err);
        return -1;
    }
    if (audio_link_open(e->o->audio, &e->o->link, &e->link, err, sizeof err) != 0) {
        cli_error(e->o->cmd, "%s", err);
        return -1;
    }
    if (e->o->show && term_waterfall_wanted(stderr) && term_waterfall_open(&e->status.show, stderr) != 0) {
        cli_error(e->o->cmd, "out of memory");
        return -1;
    }
    status_print(&e->status, 0.0, "line", "line: %s", e->o->audio);
    return 0;
}

static int cmd_endpoint(sq_role role, int argc, char **argv)
{
    endpoint_opts o = { .cmd = role == SQ_ROLE_CALLER ? "call" : "answer", .audio = "pa", .wait_s = 60, .idle_s = 3 };
    sq_call_default_settings(role, &o.call);
    o.call.v8.lapm = 1;   /* a file across a sound server: what a skip loses is sent again */
    if (role == SQ_ROLE_CALLER)
        o.call.v8.call_signal = SQ_CALL_SIGNAL_CI;
    int rc = parse_endpoint(argc, argv, &o);
    if (rc != EXIT_OK)
        return rc;
    cli_catch_hangup_signals();
    endpoint e = { .o = &o, .status = { o.cmd, o.json } };
    e.source.fd = e.sink.fd = -1;
    if (open_endpoint(&e) != 0) {
        wav_output_abort(e.record);
        e.record = NULL;
        rc = EXIT_RUNTIME;
    }
    else if (role == SQ_ROLE_CALLER && start_call(&e) != 0)
        rc = EXIT_RUNTIME;
    else
        rc = run(&e);
    if (audio_link_close(e.link) != 0 && rc == EXIT_OK) {
        cli_error(o.cmd, "could not finish the line's output file");
        rc = EXIT_RUNTIME;
    }
    char err[512];
    if (e.record && wav_output_close(e.record, err, sizeof err) != 0 && rc == EXIT_OK) {
        cli_error(o.cmd, "%s", err);
        rc = EXIT_RUNTIME;
    }
    term_waterfall_close(e.status.show);
    sq_call_destroy(e.call);
    byte_source_close(&e.source);
    if (byte_sink_close(o.cmd, &e.sink) != 0 && rc == EXIT_OK)
        rc = EXIT_RUNTIME;
    return rc;
}

int cmd_answer(int argc, char **argv)
{
    return cmd_endpoint(SQ_ROLE_ANSWERER, argc, argv);
}

int cmd_call(int argc, char **argv)
{
    return cmd_endpoint(SQ_ROLE_CALLER, argc, argv);
}
