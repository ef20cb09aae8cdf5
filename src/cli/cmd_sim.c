/* squeal sim: a caller and an answerer through a simulated two-wire line, in one process. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "src/cli/cli.h"
#include "src/sim/sim_call.h"
#include "src/io/wav_output.h"
#include "src/cli/decoded_plot.h"
#include "src/plot/call_page.h"

#define MAX_PAYLOAD (1u << 20)

typedef struct sim_opts {
    sim_call_params line;
    int json;
    long guard;
    const char *wav_prefix;
    const char *plot_path, *html_path, *constellation_dir;
    const char *send[2], *recv_out[2];   /* [0] caller -> answerer, [1] answerer -> caller */
} sim_opts;

static void sim_usage(FILE *out)
{
    fputs("usage: squeal sim [options]\n"
          "\n"
          "Runs a whole call between a squeal caller and a squeal answerer through a simulated\n"
          "line: V.8 picks the mode, the data modems train, and files cross both ways. Prints\n"
          "the timeline and, per direction, the mode, rate, bytes and errors.\n"
          "\n"
          "Line:\n"
          "  --snr DB               white noise in both directions, SNR over 0-4 kHz (default none)\n"
          "  --foff HZ              frequency offset, -100..100 (default 0)\n"
          "  --clock-ppm PPM        the answerer's sample clock against the caller's, as\n"
          "                         between two sound cards, -1000..1000 (default 0)\n"
          "  --level DBM0           receive level, -50..0 (default: as sent, -13)\n"
          "  --bandlimit            300-3400 Hz band limit\n"
          "  --echo DB              each side hears its own signal DB dB down (talker echo)\n"
          "  --seed N               noise seed (default 1)\n"
          "Sides:\n"
          "  --caller-modes LIST    e.g. v22bis,v21 (default: what squeal implements)\n"
          "  --answerer-modes LIST\n"
          "  --answer-tone T        ansam_pr (default), ansam, ans, ans_pr\n"
          "  --call-signal none|ct|ci  caller's signal while it waits: nothing, the V.25\n"
          "                         calling tone, or V.8 CI bursts (default none)\n"
          "  --caller-no-v8         a V.25-only caller (never sends CM)\n"
          "  --answerer-no-v8       a V.25-only answerer (plain ANS)\n"
          "  --caller-rate R, --answerer-rate R  2400 (V.22bis, default) or 1200 (V.22 only)\n"
          "  --guard 0|550|1800     the answerer's V.22 guard tone (default 0)\n"
          "  --error-control lapm|none  both sides offer V.42 LAPM in V.8 (default none: the\n"
          "                         data goes as start-stop characters, readable off the line)\n"
          "Data:\n"
          "  --send FILE            bytes the caller sends to the answerer\n"
          "  --send-back FILE       bytes the answerer sends to the caller\n"
          "  --recv-out FILE        write what the answerer received\n"
          "  --recv-back-out FILE   write what the caller received\n"
          "Output:\n"
          "  --wav PREFIX           write PREFIX-caller.wav, PREFIX-answerer.wav, PREFIX-line.wav\n"
          "  --plot PICTURE         draw the call: each side's spectrogram with the events\n"
          "                         decoded from it (PICTURE.png, .svg or .pdf)\n"
          "  --html PAGE            a page to hear and see the call: the picture, the audio,\n"
          "                         the events to click (one file, opens offline)\n"
          "  --constellation DIR    each side's data symbols, a picture per stretch (DIR/*.png)\n"
          "  --json                 JSON lines instead of text\n", out);
}

/* --wav PREFIX names three files; PREFIX itself must not be a folder (it would write
 * FOLDER-caller.wav beside the folder, not in it). */
static void wav_names(const char *prefix, char names[3][1100])
{
    static const char *const which[3] = { "caller", "answerer", "line" };
    for (int i = 0; i < 3; i++)
        snprintf(names[i], sizeof names[i], "%s-%s.wav", prefix, which[i]);
}

static int check_sim_files(sim_opts *o)
{
    struct stat st;
    if (o->wav_prefix && (!*o->wav_prefix || (stat(o->wav_prefix, &st) == 0 && S_ISDIR(st.st_mode)))) {
        cli_error("sim", "--wav takes a prefix for three file names, such as %s/call, not a folder",
                  *o->wav_prefix ? o->wav_prefix : ".");
        return EXIT_RUNTIME;
    }
    char names[3][1100];
    if (o->wav_prefix)
        wav_names(o->wav_prefix, names);
    const char *outputs[] = { o->recv_out[0], o->recv_out[1], o->wav_prefix ? names[0] : NULL,
                              o->wav_prefix ? names[1] : NULL, o->wav_prefix ? names[2] : NULL, o->plot_path, o->html_path };
    const char *inputs[] = { o->send[0], o->send[1] };
    return cli_check_files("sim", outputs, 7, inputs, 2);
}

/* --caller-rate, --answerer-rate: 1200 or 2400. 0, or 1 after one error line. */
static int parse_max_rate(const char *name, const char *arg, int *rate)
{
    long r = 0;
    if (cli_parse_long("sim", name, arg, 1200, 2400, &r))
        return 1;
    if (r != 1200 && r != 2400)
        return (cli_error("sim", "%s is 1200 or 2400, not '%s'", name, arg), 1);
    *rate = (int)r;
    return 0;
}

static int parse_sim(int argc, char **argv, sim_opts *o)
{
    enum { O_SNR = 256, O_FOFF, O_LEVEL, O_BAND, O_ECHO, O_SEED, O_CMODES, O_AMODES, O_ATONE,
           O_CTONE, O_CNOV8, O_ANOV8, O_WAV, O_PLOT, O_HTML, O_STARS, O_JSON, O_SEND, O_SENDB, O_RECV, O_RECVB, O_CRATE,
           O_ARATE, O_GUARD, O_PPM, O_EC };
    static const struct option opts[] = {
        { "help", no_argument, 0, 'h' }, { "snr", required_argument, 0, O_SNR },
        { "foff", required_argument, 0, O_FOFF }, { "level", required_argument, 0, O_LEVEL },
        { "bandlimit", no_argument, 0, O_BAND }, { "echo", required_argument, 0, O_ECHO },
        { "seed", required_argument, 0, O_SEED }, { "caller-modes", required_argument, 0, O_CMODES },
        { "answerer-modes", required_argument, 0, O_AMODES }, { "answer-tone", required_argument, 0, O_ATONE },
        { "call-signal", required_argument, 0, O_CTONE },
        { "call-tone", required_argument, 0, O_CTONE }, { "caller-no-v8", no_argument, 0, O_CNOV8 },
        { "answerer-no-v8", no_argument, 0, O_ANOV8 }, { "wav", required_argument, 0, O_WAV },
        { "plot", required_argument, 0, O_PLOT }, { "html", required_argument, 0, O_HTML },
        { "constellation", required_argument, 0, O_STARS },
        { "json", no_argument, 0, O_JSON }, { "send", required_argument, 0, O_SEND },
        { "send-back", required_argument, 0, O_SENDB }, { "recv-out", required_argument, 0, O_RECV },
        { "recv-back-out", required_argument, 0, O_RECVB },
        { "caller-rate", required_argument, 0, O_CRATE }, { "answerer-rate", required_argument, 0, O_ARATE },
        { "guard", required_argument, 0, O_GUARD }, { "clock-ppm", required_argument, 0, O_PPM },
        { "error-control", required_argument, 0, O_EC },
        { 0, 0, 0, 0 },
    };
    int c, bad = 0;
    opterr = 0;
    optind = 1;
    while (!bad && (c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': sim_usage(stdout); exit(EXIT_OK);
        case O_SNR: bad = cli_parse_double("sim", "--snr", optarg, -10, 100, &o->line.snr); break;
        case O_FOFF: bad = cli_parse_double("sim", "--foff", optarg, -100, 100, &o->line.foff); break;
        case O_PPM: bad = cli_parse_double("sim", "--clock-ppm", optarg, -1000, 1000, &o->line.clock_ppm); break;
        case O_LEVEL: bad = cli_parse_double("sim", "--level", optarg, -50, 0, &o->line.level); break;
        case O_BAND: o->line.bandlimit = 1; break;
        case O_ECHO: bad = cli_parse_double("sim", "--echo", optarg, 0, 60, &o->line.echo); break;
        case O_SEED: bad = cli_parse_long("sim", "--seed", optarg, 0, 2147483647L, &o->line.seed); break;
        case O_CMODES: bad = cli_parse_modes("sim", "--caller-modes", optarg, &o->line.side[0].v8.modes); break;
        case O_AMODES: bad = cli_parse_modes("sim", "--answerer-modes", optarg, &o->line.side[1].v8.modes); break;
        case O_ATONE: bad = cli_parse_answer_tone("sim", optarg, &o->line.side[1].v8); break;
        case O_CTONE: bad = cli_parse_call_signal("sim", optarg, &o->line.side[0].v8); break;
        case O_EC:
            bad = cli_parse_error_control("sim", optarg, &o->line.side[0].v8) ||
                  cli_parse_error_control("sim", optarg, &o->line.side[1].v8);
            break;
        case O_CNOV8: o->line.side[0].v8.use_v8 = 0; break;
        case O_ANOV8: o->line.side[1].v8.use_v8 = 0; break;
        case O_WAV: o->wav_prefix = optarg; break;
        case O_PLOT:
            o->plot_path = optarg;
            if (!call_plot_format_known(optarg))
                bad = (cli_error("sim", "--plot '%s': the picture's name must end in .png, .svg or .pdf", optarg), 1);
            break;
        case O_STARS: o->constellation_dir = optarg; break;
        case O_HTML:
            o->html_path = optarg;
            if (!call_page_format_known(optarg))
                bad = (cli_error("sim", "--html '%s': the page's name must end in .html", optarg), 1);
            break;
        case O_JSON: o->json = 1; break;
        case O_SEND: o->send[0] = optarg; break;
        case O_SENDB: o->send[1] = optarg; break;
        case O_RECV: o->recv_out[0] = optarg; break;
        case O_RECVB: o->recv_out[1] = optarg; break;
        case O_CRATE: bad = parse_max_rate("--caller-rate", optarg, &o->line.side[0].max_rate); break;
        case O_ARATE: bad = parse_max_rate("--answerer-rate", optarg, &o->line.side[1].max_rate); break;
        case O_GUARD:
            bad = cli_parse_long("sim", "--guard", optarg, 0, 1800, &o->guard);
            if (!bad && o->guard != 0 && o->guard != 550 && o->guard != 1800)
                bad = (cli_error("sim", "--guard is 0, 550 or 1800, not '%s'", optarg), 1);
            break;
        case ':': return cli_bad_option("sim", argv[optind - 1], 1);
        default: return cli_bad_option("sim", argv[optind - 1], 0);
        }
    }
    if (bad)
        return EXIT_USAGE;
    if (optind != argc) {
        cli_error("sim", "unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    return check_sim_files(o);
}

/* --wav: the three files written as the call runs (caller, answerer, line), so an hour-long
 * call never sits in memory; each appears under its name only once it is complete. */
typedef struct wav_trio {
    wav_output *w[3];
    char names[3][1100];
} wav_trio;

static int open_wavs(const char *prefix, wav_trio *t)
{
    wav_names(prefix, t->names);
    for (int i = 0; i < 3; i++) {
        char err[512];
        if (wav_output_open(t->names[i], SQ_PROCESSING_RATE_HZ, 1, &t->w[i], err, sizeof err) != 0) {
            cli_error("sim", "%s", err);
            return -1;
        }
    }
    return 0;
}

/* What the call's sound goes to: the WAVs and the picture, each when asked for. */
typedef struct sim_outputs {
    wav_trio wavs;
    int writing_wavs;
    decoded_plot plot;
    int plotting;
} sim_outputs;

static int wav_sink(wav_trio *t, const float *caller, const float *answerer, const float *mix, size_t n)
{
    const float *from[3] = { caller, answerer, mix };
    for (int i = 0; i < 3; i++)
        if (wav_output_write(t->w[i], from[i], n) != 0) {
            cli_error("sim", "cannot write '%s': %s", t->names[i], strerror(errno));
            return -1;
        }
    return 0;
}

static int outputs_sink(void *user, const float *caller, const float *answerer, const float *mix, size_t n)
{
    sim_outputs *o = user;
    if (o->plotting) {
        decoded_plot_feed(&o->plot, 0, caller, n);
        decoded_plot_feed(&o->plot, 1, answerer, n);
    }
    return o->writing_wavs ? wav_sink(&o->wavs, caller, answerer, mix, n) : 0;
}

/* Puts the files in place (ok) or drops them; 0, or -1 when one could not be finished. */
static int close_wavs(wav_trio *t, int ok)
{
    int rc = 0;
    for (int i = 0; i < 3; i++) {
        char err[512];
        if (!ok || rc != 0) {
            wav_output_abort(t->w[i]);
        } else if (wav_output_close(t->w[i], err, sizeof err) != 0) {
            cli_error("sim", "%s", err);
            rc = -1;
        }
        t->w[i] = NULL;
    }
    return rc;
}

static void print_notes(sim_call *l, int json)
{
    static const char *const names[2] = { "caller", "answerer" };
    sq_v8_note n;
    int i;
    while (sim_call_next_note(l, &i, &n)) {
        if (json)
            printf("{\"t_s\":%.3f,\"type\":\"note\",\"side\":\"%s\",\"text\":\"%s\"}\n",
                   (double)n.sample / SQ_PROCESSING_RATE_HZ, names[i], n.text);
        else
            printf("%8.3f  %-8s  %s\n", (double)n.sample / SQ_PROCESSING_RATE_HZ, names[i], n.text);
    }
}

static const char *mode_name(uint32_t mode, int rate)
{
    if (mode == SQ_V8_V22BIS)
        return rate == 2400 ? "v22bis" : "v22";
    return mode ? sq_v8_mod_to_str(mode) : "none";
}

/* One direction: i sends, 1 - i receives. Returns 1 when everything arrived intact. */
static int report_flow(const sim_opts *o, const sim_call *l, int i)
{
    static const char *const dir[2] = { "caller->answerer", "answerer->caller" };
    const sim_flow *f = &l->flow[i];
    const sq_call_status *rx = sq_call_status_get(l->side[1 - i]), *tx = sq_call_status_get(l->side[i]);
    size_t common = f->got_len < f->len ? f->got_len : f->len, wrong = 0;
    for (size_t k = 0; k < common; k++)
        wrong += f->got[k] != f->payload[k];
    /* a direction whose sender never reached data carried nothing, even an empty payload */
    int reached = tx->data_sample > 0 && tx->data_sample >= tx->negotiated_sample;
    int intact = reached && f->got_len == f->len && wrong == 0;
    double t_data = reached ? (double)tx->data_sample / SQ_PROCESSING_RATE_HZ : 0.0;
    double t_train = reached ? (double)(tx->data_sample - tx->negotiated_sample) / SQ_PROCESSING_RATE_HZ : 0.0;
    double span = (double)f->last_byte_sample / SQ_PROCESSING_RATE_HZ - (double)rx->data_sample / SQ_PROCESSING_RATE_HZ;
    double throughput = f->got_len && span > 0.0 ? (double)f->got_len * 8.0 / span : 0.0;
    char train_json[32] = "null", data_json[32] = "null";
    if (reached) {
        snprintf(train_json, sizeof train_json, "%.3f", t_train);
        snprintf(data_json, sizeof data_json, "%.3f", t_data);
    }
    char ec[96];
    if (tx->error_control)
        snprintf(ec, sizeof ec, "V.42 LAPM, frames resent %llu", (unsigned long long)tx->frames_resent);
    else
        snprintf(ec, sizeof ec, "char errors %zu", rx->char_errors);
    if (o->json)
        printf("{\"type\":\"direction\",\"direction\":\"%s\",\"mode\":\"%s\",\"rate\":%d,\"bytes_sent\":%zu,"
               "\"bytes_received\":%zu,\"bytes_wrong\":%zu,\"char_errors\":%zu,\"training_s\":%s,"
               "\"time_to_data_s\":%s,\"throughput_bps\":%.0f,\"error_control\":\"%s\",\"frames_resent\":%llu,"
               "\"intact\":%s}\n",
               dir[i], mode_name(tx->mode, tx->rate), tx->rate, f->sent, f->got_len, wrong, rx->char_errors,
               train_json, data_json, throughput, tx->error_control ? "lapm" : "none",
               (unsigned long long)tx->frames_resent, intact ? "true" : "false");
    else if (!reached)
        printf("%-17s %-6s %4d bit/s  sent %zu  received %zu  never reached data  FAILED\n", dir[i],
               mode_name(tx->mode, tx->rate), tx->rate, f->sent, f->got_len);
    else
        printf("%-17s %-6s %4d bit/s  sent %zu  received %zu  wrong %zu  %s  training %.3f s"
               "  data from %.3f s  %.0f bit/s%s\n", dir[i], mode_name(tx->mode, tx->rate), tx->rate,
               f->sent, f->got_len, wrong, ec, t_train, t_data, throughput, intact ? "" : "  INCOMPLETE");
    return intact;
}

static int report(const sim_opts *o, sim_call *l)
{
    static const char *const names[2] = { "caller", "answerer" };
    print_notes(l, o->json);
    const sq_call_status *s[2] = { sq_call_status_get(l->side[0]), sq_call_status_get(l->side[1]) };
    for (int i = 0; i < 2; i++) {
        const char *how = s[i]->phase == SQ_CALL_DATA ? "data" : s[i]->phase == SQ_CALL_ENDED ? "ended" : "stuck";
        if (o->json)
            printf("{\"type\":\"result\",\"side\":\"%s\",\"state\":\"%s\",\"mode\":\"%s\",\"rate\":%d,"
                   "\"snr_db\":%.1f,\"reason\":\"%s\"}\n", names[i], how, mode_name(s[i]->mode, s[i]->rate),
                   s[i]->rate, s[i]->snr_db, s[i]->reason);
        else
            printf("%-8s %-5s mode %-6s %4d bit/s  receiver SNR %.1f dB%s%s\n", names[i], how,
                   mode_name(s[i]->mode, s[i]->rate), s[i]->rate, s[i]->snr_db, *s[i]->reason ? "  " : "",
                   s[i]->reason);
    }
    int intact = report_flow(o, l, 0) & report_flow(o, l, 1);
    int agreed = s[0]->phase == SQ_CALL_DATA && s[1]->phase == SQ_CALL_DATA && s[0]->mode == s[1]->mode &&
                 s[0]->rate == s[1]->rate;
    if (!agreed)
        cli_error("sim", "the call failed: caller %s; answerer %s", *s[0]->reason ? s[0]->reason : "no data mode",
                  *s[1]->reason ? s[1]->reason : "no data mode");
    else if (!intact)
        cli_error("sim", "the data did not arrive intact");
    return agreed && intact ? EXIT_OK : EXIT_RUNTIME;
}

int cmd_sim(int argc, char **argv)
{
    sim_opts o = { .line = { .snr = NAN, .level = NAN, .seed = 1 } };
    sq_call_default_settings(SQ_ROLE_CALLER, &o.line.side[0]);
    sq_call_default_settings(SQ_ROLE_ANSWERER, &o.line.side[1]);
    int rc = parse_sim(argc, argv, &o);
    if (rc != EXIT_OK)
        return rc;
    o.line.side[1].guard_hz = (int)o.guard;
    sim_call l;
    memset(&l, 0, sizeof l);
    sim_outputs out;
    memset(&out, 0, sizeof out);
    for (int i = 0; i < 2 && rc == EXIT_OK; i++)
        if (o.send[i] && cli_read_file("sim", o.send[i], MAX_PAYLOAD, &l.flow[i].payload, &l.flow[i].len) != 0)
            rc = EXIT_RUNTIME;
    int ran = -1;
    if (rc == EXIT_OK && o.wav_prefix) {
        out.writing_wavs = 1;
        if (open_wavs(o.wav_prefix, &out.wavs) != 0)
            rc = EXIT_RUNTIME;
    }
    static const char *const sides[2] = { "caller", "answerer" };
    constellations stars;
    int have_stars = 0;
    if (rc == EXIT_OK && o.constellation_dir) {
        char why[512];
        if (constellations_open(&stars, o.constellation_dir, why, sizeof why) != 0) {
            cli_error("sim", "%s", why);
            rc = EXIT_RUNTIME;
        } else {
            have_stars = 1;
        }
    }
    if (rc == EXIT_OK && (o.plot_path || o.html_path || have_stars)) {
        out.plotting = 1;
        if (decoded_plot_open(&out.plot, 2, sides, o.html_path != NULL, have_stars ? &stars : NULL) != 0) {
            cli_error("sim", "out of memory");
            rc = EXIT_RUNTIME;
        }
    }
    int any_output = out.writing_wavs || out.plotting;
    if (rc == EXIT_OK && (sim_call_open(&o.line, &l) != 0 ||
                          (ran = sim_call_run(&l, any_output ? outputs_sink : NULL, &out)) == -1))
        cli_error("sim", "out of memory");
    if (rc == EXIT_OK && ran != 0)
        rc = EXIT_RUNTIME;
    if (out.writing_wavs && close_wavs(&out.wavs, rc == EXIT_OK) != 0)
        rc = EXIT_RUNTIME;
    if (rc == EXIT_OK && out.plotting) {
        char err[512];
        const char *title = "squeal sim: each side's signal, decoded";
        if (decoded_plot_finish(&out.plot, err, sizeof err) != 0 ||
            (o.plot_path && call_plot_write(out.plot.plot, o.plot_path, title, err, sizeof err) != 0) ||
            (o.html_path && call_page_write(out.plot.plot, o.html_path, title, err, sizeof err) != 0)) {
            cli_error("sim", "%s", err);
            rc = EXIT_RUNTIME;
        }
    }
    decoded_plot_close(&out.plot);
    if (have_stars)
        constellations_close(&stars);
    if (rc == EXIT_OK) {
        rc = report(&o, &l);
        /* what arrived is written even when incomplete: nothing received is thrown away */
        for (int i = 0; i < 2; i++)
            if (o.recv_out[i] && cli_write_file("sim", o.recv_out[i], l.flow[i].got, l.flow[i].got_len) != 0)
                rc = EXIT_RUNTIME;
    }
    sim_call_free(&l);
    return rc;
}
