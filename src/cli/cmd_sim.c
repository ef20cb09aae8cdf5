/* squeal sim: a caller and an answerer through a simulated two-wire line, in one process. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "src/cli/cli.h"

#define BLOCK 160              /* 20 ms: also the line's delay in each direction */
#define MAX_SECONDS 30.0
#define TAIL_SAMPLES 2400      /* keep running 0.3 s after both sides finish */

typedef struct sim_opts {
    double snr, foff, level, echo;
    int bandlimit, json;
    long seed;
    const char *wav_prefix;
    sq_v8_settings caller, answerer;
} sim_opts;

typedef struct sim_line {
    sq_v8_session *side[2];          /* 0 caller, 1 answerer */
    sq_channel *to[2];               /* to[0]: answerer -> caller, to[1]: caller -> answerer */
    sample_buf tx[2], mix;
} sim_line;

static void sim_usage(FILE *out)
{
    fputs("usage: squeal sim [options]\n"
          "\n"
          "Runs a V.8 call between a squeal caller and a squeal answerer through a simulated\n"
          "line and prints the timeline and what each side selected.\n"
          "\n"
          "Line:\n"
          "  --snr DB               white noise in both directions, SNR over 0-4 kHz (default none)\n"
          "  --foff HZ              frequency offset, -100..100 (default 0)\n"
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
          "Output:\n"
          "  --wav PREFIX           write PREFIX-caller.wav, PREFIX-answerer.wav, PREFIX-line.wav\n"
          "  --json                 JSON lines instead of text\n", out);
}

static int parse_modes(const char *opt, const char *s, uint32_t *modes)
{
    if (sq_v8_mods_from_str(s, modes) != SQ_OK) {
        cli_error("sim", "%s: '%s' is not a list of modes such as v34,v32bis,v22bis,v21", opt, s);
        return -1;
    }
    return 0;
}

static int parse_answer_tone(const char *s, sq_v8_settings *a)
{
    sq_tone_kind k;
    if (sq_tone_kind_from_str(s, &k) != SQ_OK || k > SQ_TONE_ANSAM_PR) {
        cli_error("sim", "--answer-tone is ansam_pr, ansam, ans or ans_pr, not '%s'", s);
        return -1;
    }
    /* ANS and ANS/ are what a V.25 answerer sends: it has no V.8 */
    a->answer_tone = k;
    if (k == SQ_TONE_ANS || k == SQ_TONE_ANS_PR)
        a->use_v8 = 0;
    return 0;
}

static int parse_sim(int argc, char **argv, sim_opts *o)
{
    enum { O_SNR = 256, O_FOFF, O_LEVEL, O_BAND, O_ECHO, O_SEED, O_CMODES, O_AMODES, O_ATONE,
           O_CTONE, O_CNOV8, O_ANOV8, O_WAV, O_JSON };
    static const struct option opts[] = {
        { "help", no_argument, 0, 'h' }, { "snr", required_argument, 0, O_SNR },
        { "foff", required_argument, 0, O_FOFF }, { "level", required_argument, 0, O_LEVEL },
        { "bandlimit", no_argument, 0, O_BAND }, { "echo", required_argument, 0, O_ECHO },
        { "seed", required_argument, 0, O_SEED }, { "caller-modes", required_argument, 0, O_CMODES },
        { "answerer-modes", required_argument, 0, O_AMODES }, { "answer-tone", required_argument, 0, O_ATONE },
        { "call-signal", required_argument, 0, O_CTONE },
        { "call-tone", required_argument, 0, O_CTONE }, { "caller-no-v8", no_argument, 0, O_CNOV8 },
        { "answerer-no-v8", no_argument, 0, O_ANOV8 }, { "wav", required_argument, 0, O_WAV },
        { "json", no_argument, 0, O_JSON }, { 0, 0, 0, 0 },
    };
    int c, bad = 0;
    opterr = 0;
    optind = 1;
    while (!bad && (c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': sim_usage(stdout); exit(EXIT_OK);
        case O_SNR: bad = cli_parse_double("sim", "--snr", optarg, -10, 100, &o->snr); break;
        case O_FOFF: bad = cli_parse_double("sim", "--foff", optarg, -100, 100, &o->foff); break;
        case O_LEVEL: bad = cli_parse_double("sim", "--level", optarg, -50, 0, &o->level); break;
        case O_BAND: o->bandlimit = 1; break;
        case O_ECHO: bad = cli_parse_double("sim", "--echo", optarg, 0, 60, &o->echo); break;
        case O_SEED: bad = cli_parse_long("sim", "--seed", optarg, 0, 2147483647L, &o->seed); break;
        case O_CMODES: bad = parse_modes("--caller-modes", optarg, &o->caller.modes); break;
        case O_AMODES: bad = parse_modes("--answerer-modes", optarg, &o->answerer.modes); break;
        case O_ATONE: bad = parse_answer_tone(optarg, &o->answerer); break;
        case O_CTONE:
            if (strcmp(optarg, "ct") == 0)
                o->caller.call_signal = SQ_CALL_SIGNAL_CT;
            else if (strcmp(optarg, "ci") == 0)
                o->caller.call_signal = SQ_CALL_SIGNAL_CI;
            else if (strcmp(optarg, "none") != 0)
                bad = (cli_error("sim", "--call-signal is none, ct or ci, not '%s'", optarg), 1);
            break;
        case O_CNOV8: o->caller.use_v8 = 0; break;
        case O_ANOV8: o->answerer.use_v8 = 0; break;
        case O_WAV: o->wav_prefix = optarg; break;
        case O_JSON: o->json = 1; break;
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
    return EXIT_OK;
}

static int open_line(const sim_opts *o, sim_line *l)
{
    for (int i = 0; i < 2; i++) {
        sq_channel_params p = { .foff_hz = o->foff, .bandlimit = o->bandlimit,
                                .seed = (uint64_t)o->seed * 2u + (uint64_t)i };
        double tx_level = (i ? o->caller : o->answerer).tx_level_dbm0;
        double rx_level = isnan(o->level) ? tx_level : o->level;
        p.gain_db = rx_level - tx_level;
        p.noise_rms = isnan(o->snr) ? 0.0 : sq_noise_rms_for_snr(rx_level, o->snr);
        if (sq_channel_create(&p, &l->to[i]) != SQ_OK)
            return -1;
    }
    if (sq_v8_session_create(&o->caller, &l->side[0]) != SQ_OK ||
        sq_v8_session_create(&o->answerer, &l->side[1]) != SQ_OK)
        return -1;
    return 0;
}

/* Runs both sides block by block; each hears the other's previous block through the line,
 * plus its own previous block as talker echo. */
static int run_call(const sim_opts *o, sim_line *l)
{
    float rx[2][BLOCK], heard[BLOCK];
    float *prev[2] = { NULL, NULL };
    double echo = o->echo > 0.0 ? pow(10.0, -o->echo / 20.0) : 0.0;
    size_t tail = 0, limit = (size_t)(MAX_SECONDS * 8000);
    while (l->tx[0].n < limit && tail < TAIL_SAMPLES) {
        for (int i = 0; i < 2; i++) {
            const float *far = prev[1 - i];
            static const float silence[BLOCK];
            sq_channel_process(l->to[i], far ? far : silence, rx[i], BLOCK);
            if (echo > 0.0 && prev[i])
                for (int k = 0; k < BLOCK; k++)
                    rx[i][k] += (float)(echo * prev[i][k]);
        }
        for (int i = 0; i < 2; i++) {
            if (sample_buf_grow(&l->tx[i], BLOCK) != 0)
                return -1;
            sq_v8_session_process(l->side[i], rx[i], l->tx[i].x + l->tx[i].n, BLOCK);
        }
        for (int i = 0; i < 2; i++) {
            prev[i] = l->tx[i].x + l->tx[i].n;
            l->tx[i].n += BLOCK;
        }
        /* prev pointers are re-taken after growth next round */
        for (int i = 0; i < 2; i++)
            prev[i] = l->tx[i].x + l->tx[i].n - BLOCK;
        (void)heard;
        int running = 0;
        for (int i = 0; i < 2; i++)
            running |= sq_v8_session_result(l->side[i])->outcome == SQ_V8_RUNNING;
        if (!running)
            tail += BLOCK;
    }
    if (sample_buf_grow(&l->mix, l->tx[0].n) != 0)
        return -1;
    for (size_t k = 0; k < l->tx[0].n; k++)
        l->mix.x[k] = l->tx[0].x[k] + l->tx[1].x[k];
    l->mix.n = l->tx[0].n;
    return 0;
}

static int write_one(const char *prefix, const char *name, const sample_buf *b)
{
    char path[4096];
    snprintf(path, sizeof path, "%s-%s.wav", prefix, name);
    return cli_write_wav("sim", path, 8000, b);
}

static void print_notes(sq_v8_session *s, const char *side, int json)
{
    sq_v8_note n;
    while (sq_v8_session_next_note(s, &n) == SQ_OK) {
        if (json)
            printf("{\"t_s\":%.3f,\"type\":\"note\",\"side\":\"%s\",\"text\":\"%s\"}\n",
                   (double)n.sample / 8000.0, side, n.text);
        else
            printf("%8.3f  %-8s  %s\n", (double)n.sample / 8000.0, side, n.text);
    }
}

static int report(const sim_opts *o, sim_line *l)
{
    static const char *const names[2] = { "caller", "answerer" };
    print_notes(l->side[0], names[0], o->json);
    print_notes(l->side[1], names[1], o->json);
    const sq_v8_result *r[2] = { sq_v8_session_result(l->side[0]), sq_v8_session_result(l->side[1]) };
    for (int i = 0; i < 2; i++) {
        const char *mode = r[i]->mode ? sq_v8_mod_to_str(r[i]->mode) : "none";
        if (o->json)
            printf("{\"t_s\":%.3f,\"type\":\"result\",\"side\":\"%s\",\"outcome\":\"%s\",\"mode\":\"%s\","
                   "\"reason\":\"%s\"}\n", (double)r[i]->done_sample / 8000.0, names[i],
                   sq_v8_outcome_to_str(r[i]->outcome), mode, r[i]->reason);
        else
            printf("%-8s %-8s mode %-7s at %.3f s: %s\n", names[i], sq_v8_outcome_to_str(r[i]->outcome),
                   mode, (double)r[i]->done_sample / 8000.0, r[i]->reason);
    }
    int agreed = r[0]->outcome != SQ_V8_FAILED && r[0]->outcome != SQ_V8_RUNNING &&
                 r[0]->outcome == r[1]->outcome && r[0]->mode == r[1]->mode && r[0]->mode;
    if (!agreed)
        cli_error("sim", "the call failed: caller %s (%s); answerer %s (%s)",
                  sq_v8_outcome_to_str(r[0]->outcome), r[0]->reason,
                  sq_v8_outcome_to_str(r[1]->outcome), r[1]->reason);
    return agreed ? EXIT_OK : EXIT_RUNTIME;
}

int cmd_sim(int argc, char **argv)
{
    sim_opts o = { .snr = NAN, .level = NAN, .seed = 1 };
    sq_v8_default_settings(SQ_ROLE_CALLER, &o.caller);
    sq_v8_default_settings(SQ_ROLE_ANSWERER, &o.answerer);
    int rc = parse_sim(argc, argv, &o);
    if (rc != EXIT_OK)
        return rc;
    sim_line l;
    memset(&l, 0, sizeof l);
    if (open_line(&o, &l) != 0 || run_call(&o, &l) != 0) {
        cli_error("sim", "out of memory");
        rc = EXIT_RUNTIME;
    } else if (o.wav_prefix && (write_one(o.wav_prefix, "caller", &l.tx[0]) != 0 ||
                                write_one(o.wav_prefix, "answerer", &l.tx[1]) != 0 ||
                                write_one(o.wav_prefix, "line", &l.mix) != 0)) {
        rc = EXIT_RUNTIME;
    } else {
        rc = report(&o, &l);
    }
    for (int i = 0; i < 2; i++) {
        sq_v8_session_destroy(l.side[i]);
        sq_channel_destroy(l.to[i]);
        sample_buf_free(&l.tx[i]);
    }
    sample_buf_free(&l.mix);
    return rc;
}
