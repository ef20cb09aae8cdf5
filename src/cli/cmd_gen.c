/* squeal gen: tones, FSK data, a short handshake sequence, or one side of a whole V.22bis or
 * V.22 call, to a WAV file. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "src/cli/gen_signals.h"
#include "src/sim/sim_call.h"

#define MAX_SECONDS 3600.0
#define FSK_LEAD_IN_S 0.15     /* mark before the first character, as a modem raises carrier */
#define FSK_TAIL_S 0.05        /* mark after the last one */
#define DEFAULT_TEXT "Hello from squeal"

static void gen_usage(FILE *out)
{
    fputs("usage: squeal gen SIGNAL -o FILE.wav [options]\n"
          "\n"
          "Signals:\n"
          "  ans ans_pr ansam ansam_pr    2100 Hz answer tones (V.25, V.8)\n"
          "  ct cng                       calling tones 1300 Hz (V.25) and 1100 Hz (T.30)\n"
          "  bell_ans                     Bell 2225 Hz answer tone\n"
          "  guard550 guard1800           V.22 guard tones\n"
          "  v21 bell103                  300 bit/s FSK data (--chan 1 caller, 2 answerer)\n"
          "  handshake                    CT, ANSam with reversals, then V.21 both ways\n"
          "  dtmf                         a number dialled in DTMF (--digits), 95 ms a digit\n"
          "  dial_tone ringback busy reorder   the exchange's call-progress tones (--plan)\n"
          "  cre mre crd mrd esi esr      V.8bis signals: 400 ms dual tone, 100 ms tone (crd, mrd:\n"
          "                               --chan 1 initiating pair, 2 responding)\n"
          "  v8bis_msg                    a V.8bis message (--octets, default an ACK(1)) in HDLC on\n"
          "                               V.21 (--chan 1 initiating station, 2 responding)\n"
          "  tone_a tone_b                V.34 phase 2 tones (2400 Hz with its 1800 Hz guard, 1200 Hz),\n"
          "                               one phase reversal halfway (--duration, default 0.5 s)\n"
          "  line_probe                   V.34 line probing: L1 160 ms, then L2 (--duration, 0.4 s)\n"
          "  infomarks_a infomarks_c      V.34 INFOMARKS, DPSK 1s: the answerer's (2400 Hz) or caller's\n"
          "                               (1200 Hz) error recovery (--duration, default 0.3 s)\n"
          "  info0a info0c info0d info1a  a V.34 / V.90 INFO frame with a good CRC, its fields\n"
          "  info1c info1d                set with --set, then 200 ms of its tone (info1d: a V.90\n"
          "                               digital modem's, laid out as info1c)\n"
          "  v34_startup                  one modem's V.34 phases 3 and 4 after its INFO1 (--role;\n"
          "                               --set symbol_rate, high_carrier, points, j_points,\n"
          "                               max_rate_bps: default 3200, 1, 16, 16, 28800;\n"
          "                               renegotiate_bps: a rate renegotiation 1 s into data;\n"
          "                               cleardown=1: a cleardown there instead)\n"
          "  v90_startup                  a V.90 digital modem's INFO0d and INFO1, then its phases 3\n"
          "                               and 4 as PCM codewords: Sd, TRN1d, Jd, DIL, Ri, then 0.5 s\n"
          "                               standing for data (--set u_info, dil_segments: 76, 8;\n"
          "                               downstream_bps: its phase 4 and data; then\n"
          "                               renegotiate_bps or cleardown=1 out of that data)\n"
          "  v32bis_startup               one V.32bis modem's start-up (--role; the caller's AA and\n"
          "                               CC, the answerer's AC, CA, AC; S, TRN, rate signals, E),\n"
          "                               then data: random points of the rate's constellation\n"
          "                               (--set rate_bps 4800-14400 in steps of 2400, max_rate_bps,\n"
          "                               data_s: 14400, 14400, 2; renegotiate_bps: a rate\n"
          "                               renegotiation after the data, then 1 s more;\n"
          "                               cleardown=1: a cleardown there; retrain=1: the\n"
          "                               start-up again there, V.32bis 7, then data_s more)\n"
          "  v92_qts                      a V.92 digital modem's QCA1d (--role answerer, the default)\n"
          "                               or QC1d and three CMs (caller) on V.21, then QTS, QTS-bar\n"
          "                               and ANSpcm (--duration, default 1 s) as PCM codewords\n"
          "  v22bis v22                   one side of a whole call at 2400 (V.22bis) or 1200\n"
          "                               bit/s (V.22): V.8, training, then the text or file\n", out);
    fputs("\n"
          "Options:\n"
          "  -o, --output FILE      WAV file to write (16-bit PCM)\n"
          "  --rate HZ              sample rate of the file, 8000..48000 (default 8000)\n"
          "  --level DBM0           transmit level, -60..3 (default: per signal)\n"
          "  --duration S           length in seconds (tones: default per signal;\n"
          "                         FSK: pad with mark to this length)\n"
          "  --offset HZ            shift every frequency by HZ, -100..100 (default 0)\n"
          "  --text STRING          FSK: characters to send (default \"" DEFAULT_TEXT "\")\n"
          "  --file PATH            FSK: send the bytes of a file instead\n"
          "  --chan 1|2             FSK channel (default 1)\n"
          "  --role caller|answerer v22bis, v22, v34_startup, v32bis_startup, v92_qts: which side\n"
          "                         (default caller; v92_qts: answerer)\n"
          "  --digits STRING        dtmf: 0-9 * # A-D, ',' a 2 s pause (default 5551234)\n"
          "  --plan na|europe       call-progress tones: North America's dual tones (default)\n"
          "                         or Europe's 425 Hz\n"
          "  --data-bits N --parity none|even|odd|mark|space --stop-bits N   framing (default 8N1)\n"
          "  --octets HEX           v8bis_msg: the message's octets, FCS added (e.g. 11818080 81c6)\n"
          "  --set NAME=VALUE       info*: a field of the frame, as decode's JSON names it;\n"
          "                         v34_startup, v90_startup, v32bis_startup: a setting (see\n"
          "                         the signal)\n"
          "                         (repeatable; fields not set are 0)\n"
          "  --snr DB               add white noise, SNR over 0-4 kHz against the level\n"
          "  --seed N               noise seed (default 1)\n", out);
}

static int append_tone(sample_buf *b, sq_tone_kind kind, double level, double duration,
                       double offset)
{
    sq_tone_params p;
    sq_tone_default_params(kind, SQ_PROCESSING_RATE_HZ, &p);
    if (!isnan(level))
        p.level_dbm0 = level;
    p.duration_s = duration;
    p.freq_offset_hz = offset;
    sq_tonegen *g = NULL;
    if (sq_tonegen_create(&p, &g) != SQ_OK)
        return -1;
    size_t n = sq_tonegen_remaining(g);
    int rc = sample_buf_grow(b, n);
    if (rc == 0)
        b->n += sq_tonegen_generate(g, b->x + b->n, n);
    sq_tonegen_destroy(g);
    return rc;
}

int gen_append_silence(sample_buf *b, double seconds)
{
    size_t n = (size_t)llround(seconds * SQ_PROCESSING_RATE_HZ);
    if (sample_buf_grow(b, n) != 0)
        return -1;
    memset(b->x + b->n, 0, n * sizeof *b->x);
    b->n += n;
    return 0;
}

/* Frames bytes with a mark lead-in and tail, and modulates them. */
static int append_fsk(sample_buf *b, const sq_fsk_params *p, const sq_async_format *f,
                      double level, double offset, const uint8_t *bytes, size_t len)
{
    size_t lead = (size_t)lround(FSK_LEAD_IN_S * p->baud), tail = (size_t)lround(FSK_TAIL_S * p->baud);
    size_t per = (size_t)sq_async_bits_per_char(f), nbits = lead + len * per + tail;
    uint8_t *bits = malloc(nbits);
    if (!bits)
        return -1;
    memset(bits, 1, nbits);
    for (size_t i = 0; i < len; i++)
        sq_async_frame_byte(f, bytes[i], bits + lead + i * per);
    sq_fskmod_params mp;
    sq_fskmod_default_params(p, &mp);
    mp.offset_hz = offset;
    mp.level_dbm0 = level;
    mp.queue_bits = nbits;
    sq_fskmod *m = NULL;
    int rc = sq_fskmod_create(&mp, &m);
    size_t n = (size_t)ceil((double)nbits * SQ_PROCESSING_RATE_HZ / p->baud);
    if (rc == SQ_OK)
        rc = sample_buf_grow(b, n);
    if (rc == 0) {
        sq_fskmod_push_bits(m, bits, nbits);
        sq_fskmod_generate(m, b->x + b->n, n);
        b->n += n;
    }
    sq_fskmod_destroy(m);
    free(bits);
    return rc == 0 ? 0 : -1;
}

static const sq_fsk_params *fsk_preset(const char *signal, long chan)
{
    if (strcmp(signal, "v21") == 0)
        return chan == 1 ? &SQ_FSK_V21_CH1 : &SQ_FSK_V21_CH2;
    return chan == 1 ? &SQ_FSK_BELL103_ORIG : &SQ_FSK_BELL103_ANS;
}

static int load_payload(const gen_opts *o, uint8_t **bytes, size_t *len)
{
    /* At 300 bit/s and 10 bits a character, an hour holds 108000 characters. */
    const size_t max_len = (size_t)(MAX_SECONDS * 300.0 / 10.0);
    if (!o->file) {
        const char *t = o->text ? o->text : DEFAULT_TEXT;
        *len = strlen(t);
        *bytes = (uint8_t *)strdup(t);
        return *bytes ? 0 : -1;
    }
    if (cli_read_file("gen", o->file, max_len, bytes, len) != 0)
        return -1;
    return 0;
}

static int build_fsk(const gen_opts *o, sample_buf *b)
{
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (load_payload(o, &bytes, &len) != 0) {
        free(bytes);
        return EXIT_RUNTIME;
    }
    double level = isnan(o->level) ? -13.0 : o->level;
    int rc = append_fsk(b, fsk_preset(o->signal, o->chan), &o->format, level, o->offset, bytes, len);
    free(bytes);
    if (rc != 0)
        return EXIT_RUNTIME;
    double have = (double)b->n / SQ_PROCESSING_RATE_HZ;
    if (o->duration > 0.0 && o->duration < have) {
        cli_error("gen", "the message needs %.2f s, longer than --duration %g", have, o->duration);
        return EXIT_USAGE;
    }
    if (o->duration > have) {   /* pad with idle mark: a modulator with nothing queued */
        size_t extra = (size_t)llround((o->duration - have) * SQ_PROCESSING_RATE_HZ);
        sq_fskmod_params mp;
        sq_fskmod_default_params(fsk_preset(o->signal, o->chan), &mp);
        mp.offset_hz = o->offset;
        mp.level_dbm0 = level;
        mp.queue_bits = 1;
        sq_fskmod *m = NULL;
        if (sample_buf_grow(b, extra) != 0 || sq_fskmod_create(&mp, &m) != SQ_OK)
            return EXIT_RUNTIME;
        sq_fskmod_generate(m, b->x + b->n, extra);
        b->n += extra;
        sq_fskmod_destroy(m);
    }
    return EXIT_OK;
}

/* CT burst, pause, ANSam with reversals, then a V.21 line each way. */
static int build_handshake(const gen_opts *o, sample_buf *b)
{
    static const char caller[] = "CALLER: hello\r\n", answerer[] = "ANSWERER: hello\r\n";
    double lv = o->level;
    int rc = append_tone(b, SQ_TONE_CT, lv, 0.6, o->offset);
    rc |= gen_append_silence(b, 0.6);
    rc |= append_tone(b, SQ_TONE_ANSAM_PR, lv, 2.5, o->offset);
    rc |= gen_append_silence(b, 0.075);
    rc |= append_fsk(b, &SQ_FSK_V21_CH1, &o->format, isnan(lv) ? -13.0 : lv, o->offset,
                     (const uint8_t *)caller, strlen(caller));
    rc |= gen_append_silence(b, 0.1);
    rc |= append_fsk(b, &SQ_FSK_V21_CH2, &o->format, isnan(lv) ? -13.0 : lv, o->offset,
                     (const uint8_t *)answerer, strlen(answerer));
    return rc == 0 ? EXIT_OK : EXIT_RUNTIME;
}

/* A number dialled: the digits, then silence to --duration. The level is the low group's. */
static int build_dtmf(const gen_opts *o, sample_buf *b)
{
    sq_dtmf_params p;
    sq_dtmf_default_params(SQ_PROCESSING_RATE_HZ, &p);
    if (!isnan(o->level))
        p.level_dbm0 = o->level;
    sq_dtmf_tx *g = NULL;
    if (sq_dtmf_tx_create(&p, o->digits ? o->digits : "5551234", &g) != SQ_OK) {
        cli_error("gen", "dtmf: --digits takes up to 256 of 0-9 * # A-D and ',' (level -40..-3 dBm0)");
        return EXIT_USAGE;
    }
    size_t n = sq_dtmf_tx_remaining(g);
    int rc = sample_buf_grow(b, n);
    if (rc == 0)
        b->n += sq_dtmf_tx_generate(g, b->x + b->n, n);
    sq_dtmf_tx_destroy(g);
    double pad = o->duration - (double)b->n / SQ_PROCESSING_RATE_HZ;
    if (rc == 0 && pad > 0)
        rc = gen_append_silence(b, pad);
    return rc == 0 ? EXIT_OK : EXIT_RUNTIME;
}

/* Sines of the given frequencies (all at one level) for seconds. */
static int append_sines(sample_buf *b, const double *f_hz, int nf, double level_dbm0, double seconds)
{
    size_t n = (size_t)llround(seconds * SQ_PROCESSING_RATE_HZ);
    if (sample_buf_grow(b, n) != 0)
        return -1;
    double peak = sq_dbm0_to_sine_peak(level_dbm0);
    for (size_t i = 0; i < n; i++) {
        double v = 0.0;
        for (int k = 0; k < nf; k++)
            v += sin(2.0 * M_PI * f_hz[k] * (double)i / SQ_PROCESSING_RATE_HZ);
        b->x[b->n + i] = (float)(peak * v);
    }
    b->n += n;
    return 0;
}

/* A V.8bis signal (V.8bis 7.1): segment 1, the dual tone of the initiating (1375 + 2002 Hz)
 * or responding (1529 + 2225 Hz) station, 400 ms; segment 2, the tone naming it, 100 ms.
 * Returns 1 when signal names one. */
static int build_v8bis(const gen_opts *o, sample_buf *b, double *ref_level, int *rc)
{
    static const struct { const char *name; double tone_hz; int pair; } SIGNALS[] = {
        { "cre", 400, 1 }, { "mre", 650, 1 }, { "crd", 1900, 0 }, { "mrd", 1150, 0 }, { "esi", 980, 1 }, { "esr", 1650, 2 },
    };
    for (size_t i = 0; i < sizeof SIGNALS / sizeof SIGNALS[0]; i++) {
        if (strcmp(o->signal, SIGNALS[i].name) != 0)
            continue;
        int pair = SIGNALS[i].pair ? SIGNALS[i].pair : (int)o->chan;
        double seg1[2] = { pair == 1 ? 1375.0 : 1529.0, pair == 1 ? 2002.0 : 2225.0 };
        *ref_level = isnan(o->level) ? -13.0 : o->level;
        *rc = append_sines(b, seg1, 2, *ref_level - 3.0, 0.4) == 0 &&     /* each tone 3 dB under the whole */
                      append_sines(b, &SIGNALS[i].tone_hz, 1, *ref_level, 0.1) == 0 && gen_append_silence(b, 0.2) == 0
                  ? EXIT_OK
                  : EXIT_RUNTIME;
        return 1;
    }
    return 0;
}

static int progress_kind(const char *signal, sq_progress_kind *k)
{
    for (int i = 0; i < SQ_PROGRESS_KIND_COUNT; i++)
        if (strcmp(signal, sq_progress_kind_to_str((sq_progress_kind)i)) == 0) {
            *k = (sq_progress_kind)i;
            return 1;
        }
    return 0;
}

/* Dial tone, ringback, busy or reorder, in the plan asked for. */
static int build_progress(const gen_opts *o, sq_progress_kind kind, sample_buf *b, double *ref_level)
{
    sq_progress_params p;
    sq_progress_default_params(kind, o->plan, SQ_PROCESSING_RATE_HZ, &p);
    if (!isnan(o->level))
        p.level_dbm0 = o->level;
    p.duration_s = o->duration;
    *ref_level = p.level_dbm0;
    sq_progress_tx *g = NULL;
    if (sq_progress_tx_create(&p, &g) != SQ_OK) {
        cli_error("gen", "%s: --level is -50..-3 dBm0 for call-progress tones", o->signal);
        return EXIT_USAGE;
    }
    size_t n = sq_progress_tx_remaining(g);
    int rc = sample_buf_grow(b, n);
    if (rc == 0)
        b->n += sq_progress_tx_generate(g, b->x + b->n, n);
    sq_progress_tx_destroy(g);
    return rc == 0 ? EXIT_OK : EXIT_RUNTIME;
}

/* One side of a whole call: two squeal modems on a clean line, this side sending the payload
 * and the other nothing; what this side sent is kept. */
static int build_data_call(const gen_opts *o, sample_buf *b)
{
    int me = strcmp(o->role, "answerer") == 0 ? 1 : 0;
    sim_call_params p = { .snr = NAN, .level = NAN, .seed = 1 };
    sim_call l;
    memset(&l, 0, sizeof l);
    for (int i = 0; i < 2; i++) {
        sq_call_default_settings(i ? SQ_ROLE_ANSWERER : SQ_ROLE_CALLER, &p.side[i]);
        p.side[i].max_rate = strcmp(o->signal, "v22") == 0 ? 1200 : 2400;
        p.side[i].format = o->format;
        if (!isnan(o->level))
            p.side[i].v8.tx_level_dbm0 = o->level;
    }
    sim_recording rec;
    memset(&rec, 0, sizeof rec);
    int rc = load_payload(o, &l.flow[me].payload, &l.flow[me].len) == 0 ? EXIT_OK : EXIT_RUNTIME;
    if (rc == EXIT_OK && (sim_call_open(&p, &l) != 0 || sim_call_run(&l, sim_recording_sink, &rec) != 0)) {
        cli_error("gen", "out of memory");
        rc = EXIT_RUNTIME;
    }
    if (rc == EXIT_OK && l.flow[me].got_len != l.flow[me].len) {
        /* a clean line between two squeal modems: this would be a bug, not bad input */
        cli_error("gen", "the call carried %zu of the %zu bytes", l.flow[me].got_len, l.flow[me].len);
        rc = EXIT_RUNTIME;
    }
    if (rc == EXIT_OK && sample_buf_grow(b, rec.side[me].n) != 0)
        rc = EXIT_RUNTIME;
    if (rc == EXIT_OK) {
        memcpy(b->x + b->n, rec.side[me].x, rec.side[me].n * sizeof *b->x);
        b->n += rec.side[me].n;
    }
    sim_call_free(&l);
    sim_recording_free(&rec);
    return rc;
}

static int build_signal(const gen_opts *o, sample_buf *b, double *ref_level)
{
    sq_tone_kind kind;
    if (sq_tone_kind_from_str(o->signal, &kind) == SQ_OK) {
        *ref_level = isnan(o->level) ? sq_tone_default_level_dbm0(kind) : o->level;
        return append_tone(b, kind, o->level, o->duration, o->offset) == 0 ? EXIT_OK : EXIT_RUNTIME;
    }
    *ref_level = isnan(o->level) ? -13.0 : o->level;
    if (strcmp(o->signal, "v21") == 0 || strcmp(o->signal, "bell103") == 0)
        return build_fsk(o, b);
    if (strcmp(o->signal, "handshake") == 0)
        return build_handshake(o, b);
    int rc;
    if (build_v8bis(o, b, ref_level, &rc) || gen_v34_build(o, b, ref_level, &rc) ||
        gen_v34_startup_build(o, b, ref_level, &rc) || gen_v90_startup_build(o, b, ref_level, &rc) ||
        gen_v32_startup_build(o, b, ref_level, &rc) ||
        gen_v92_build(o, b, ref_level, &rc))
        return rc;
    sq_progress_kind pk;
    if (progress_kind(o->signal, &pk))
        return build_progress(o, pk, b, ref_level);
    if (strcmp(o->signal, "dtmf") == 0) {
        *ref_level = isnan(o->level) ? -10.0 : o->level;
        return build_dtmf(o, b);
    }
    if (strcmp(o->signal, "v22bis") == 0 || strcmp(o->signal, "v22") == 0)
        return build_data_call(o, b);
    cli_error("gen", "unknown signal '%s' (see 'squeal gen --help')", o->signal);
    return EXIT_USAGE;
}

/* --set NAME=VALUE: the name is checked against the frame's fields when it is built. */
static int parse_set(gen_opts *o, char *arg)
{
    char *eq = strchr(arg, '='), *end = NULL;
    if (o->n_sets == GEN_MAX_SETS) {
        cli_error("gen", "at most %d --set", GEN_MAX_SETS);
        return 1;
    }
    double v = eq ? strtod(eq + 1, &end) : 0.0;
    if (!eq || eq == arg || end == eq + 1 || *end || !isfinite(v)) {
        cli_error("gen", "--set takes NAME=NUMBER, not '%s'", arg);
        return 1;
    }
    *eq = 0;
    o->set_names[o->n_sets] = arg;
    o->set_values[o->n_sets++] = v;
    return 0;
}

/* The options given against the signal asked for: each one it takes, the files there. */
static int check_gen_options(gen_opts *o)
{
    if (o->text && o->file) {
        cli_error("gen", "--text and --file cannot be used together");
        return EXIT_USAGE;
    }
    const char *outputs[] = { o->out }, *inputs[] = { o->file };
    int files = cli_check_files("gen", outputs, 1, inputs, 1);
    if (files != EXIT_OK)
        return files;
    int data_call = strcmp(o->signal, "v22bis") == 0 || strcmp(o->signal, "v22") == 0;
    int v34_startup = strcmp(o->signal, "v34_startup") == 0, v32_startup = strcmp(o->signal, "v32bis_startup") == 0;
    int startup = v34_startup || v32_startup || strcmp(o->signal, "v90_startup") == 0;
    if ((data_call || startup) && ((o->offset != 0.0 && !v32_startup) || o->duration != 0.0)) {
        cli_error("gen", "%s takes no %s: it lasts as long as its %s", o->signal,
                  v32_startup ? "--duration (--set data_s: its data's)" : "--offset or --duration",
                  startup ? "start-up" : "data");
        return EXIT_USAGE;
    }
    if (strcmp(o->signal, "v92_qts") == 0 && (o->offset != 0.0 || !isnan(o->level))) {
        cli_error("gen", "v92_qts takes no --offset or --level: its QCA1d names ANSpcm's level, and PCM codewords "
                  "cannot be shifted");
        return EXIT_USAGE;
    }
    if (!data_call && !v34_startup && !v32_startup && strcmp(o->signal, "v92_qts") != 0 && o->role) {
        cli_error("gen", "--role is for v22bis, v22, v34_startup, v32bis_startup and v92_qts only");
        return EXIT_USAGE;
    }
    if (!o->role)   /* a V.92 digital modem is most often the answerer (a server) */
        o->role = strcmp(o->signal, "v92_qts") == 0 ? "answerer" : "caller";
    if (o->n_sets && strncmp(o->signal, "info", 4) != 0 && !startup) {
        cli_error("gen", "--set is for the INFO frames (info0a, info0c, info0d, info1a, info1c, info1d), v34_startup, "
                  "v90_startup and v32bis_startup only");
        return EXIT_USAGE;
    }
    if (o->octets && strcmp(o->signal, "v8bis_msg") != 0) {
        cli_error("gen", "--octets is for v8bis_msg only");
        return EXIT_USAGE;
    }
    int dtmf = strcmp(o->signal, "dtmf") == 0;
    if (dtmf != (o->digits != NULL) && o->digits) {
        cli_error("gen", "--digits is for dtmf only");
        return EXIT_USAGE;
    }
    if (dtmf && o->offset != 0.0) {
        cli_error("gen", "dtmf takes no --offset");
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static int parse_gen(int argc, char **argv, gen_opts *o)
{
    enum { O_RATE = 256, O_LEVEL, O_DURATION, O_OFFSET, O_TEXT, O_FILE, O_CHAN, O_SNR, O_SEED, O_ROLE, O_DIGITS, O_PLAN, O_SET, O_OCTETS };
    static const struct option opts[] = {
        { "output", required_argument, 0, 'o' }, { "help", no_argument, 0, 'h' },
        { "rate", required_argument, 0, O_RATE }, { "level", required_argument, 0, O_LEVEL },
        { "duration", required_argument, 0, O_DURATION }, { "offset", required_argument, 0, O_OFFSET },
        { "text", required_argument, 0, O_TEXT }, { "file", required_argument, 0, O_FILE },
        { "chan", required_argument, 0, O_CHAN }, { "role", required_argument, 0, O_ROLE }, CLI_FRAMING_OPTIONS,
        { "snr", required_argument, 0, O_SNR }, { "seed", required_argument, 0, O_SEED },
        { "digits", required_argument, 0, O_DIGITS }, { "plan", required_argument, 0, O_PLAN },
        { "set", required_argument, 0, O_SET }, { "octets", required_argument, 0, O_OCTETS }, { 0, 0, 0, 0 },
    };
    int c, bad = 0;
    opterr = 0;
    optind = 1;
    while (!bad && (c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': o->out = optarg; break;
        case 'h': gen_usage(stdout); exit(EXIT_OK);
        case O_RATE: bad = cli_parse_long("gen", "--rate", optarg, 8000, 48000, &o->rate); break;
        case O_LEVEL: bad = cli_parse_double("gen", "--level", optarg, -60, 3, &o->level); break;
        case O_DURATION: bad = cli_parse_double("gen", "--duration", optarg, 0.05, MAX_SECONDS, &o->duration); break;
        case O_OFFSET: bad = cli_parse_double("gen", "--offset", optarg, -100, 100, &o->offset); break;
        case O_TEXT: o->text = optarg; break;
        case O_DIGITS: o->digits = optarg; break;
        case O_PLAN:
            if (strcmp(optarg, "na") == 0 || strcmp(optarg, "europe") == 0)
                o->plan = strcmp(optarg, "na") == 0 ? SQ_PROGRESS_NORTH_AMERICA : SQ_PROGRESS_EUROPE;
            else
                bad = (cli_error("gen", "--plan is na or europe, not '%s'", optarg), 1);
            break;
        case O_FILE: o->file = optarg; break;
        case O_SET: bad = parse_set(o, optarg); break;
        case O_OCTETS: o->octets = optarg; break;
        case O_CHAN: bad = cli_parse_long("gen", "--chan", optarg, 1, 2, &o->chan); break;
        case O_ROLE:
            o->role = optarg;
            if (strcmp(optarg, "caller") != 0 && strcmp(optarg, "answerer") != 0)
                bad = (cli_error("gen", "--role is caller or answerer, not '%s'", optarg), 1);
            break;
        case CLI_OPT_DATA_BITS: case CLI_OPT_PARITY: case CLI_OPT_STOP_BITS:
            bad = cli_parse_framing("gen", c, optarg, &o->format);
            break;
        case O_SNR: bad = cli_parse_double("gen", "--snr", optarg, -30, 100, &o->snr); break;
        case O_SEED: bad = cli_parse_long("gen", "--seed", optarg, 0, 2147483647L, &o->seed); break;
        case ':': return cli_bad_option("gen", argv[optind - 1], 1);
        default: return cli_bad_option("gen", argv[optind - 1], 0);
        }
    }
    if (bad)
        return EXIT_USAGE;
    if (optind != argc - 1) {
        cli_error("gen", optind >= argc ? "which signal? (see 'squeal gen --help')"
                                        : "one signal at a time (see 'squeal gen --help')");
        return EXIT_USAGE;
    }
    o->signal = argv[optind];
    if (!o->out) {
        cli_error("gen", "no output file: give -o FILE.wav");
        return EXIT_USAGE;
    }
    return check_gen_options(o);
}

int cmd_gen(int argc, char **argv)
{
    gen_opts o = { .level = NAN, .snr = NAN, .seed = 1, .rate = SQ_PROCESSING_RATE_HZ, .chan = 1,
                   .format = SQ_ASYNC_8N1 };
    int rc = parse_gen(argc, argv, &o);
    if (rc != EXIT_OK)
        return rc;
    sample_buf b = { 0 };
    double ref_level = -13.0;
    rc = build_signal(&o, &b, &ref_level);
    if (rc == EXIT_OK && !isnan(o.snr)) {
        sq_noise *g = NULL;
        if (sq_noise_create((uint64_t)o.seed, &g) != SQ_OK) {
            rc = EXIT_RUNTIME;
        } else {
            sq_noise_add(g, b.x, b.n, sq_noise_rms_for_snr(ref_level, o.snr));
            sq_noise_destroy(g);
        }
    }
    if (rc == EXIT_OK)
        rc = cli_write_wav("gen", o.out, (uint32_t)o.rate, &b) == 0 ? EXIT_OK : EXIT_RUNTIME;
    sample_buf_free(&b);
    return rc;
}
