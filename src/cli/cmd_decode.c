/* squeal decode: an audio file in, a timeline of events out. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "src/cli/call_summary.h"
#include "src/cli/cli.h"
#include "src/cli/constellations.h"
#include "src/io/output_file.h"
#include "src/plot/call_page.h"
#include "src/plot/call_plot.h"

#define READ_FRAMES 4096
enum { READ_FAILED = 100 };   /* run_decoders: a read error, already reported */

typedef struct decode_opts {
    const char *path;
    int json;
    long channel;    /* 0 = every channel */
    sq_async_format format;
    const char *plot_path;
    const char *html_path;
    const char *constellation_dir;
} decode_opts;

/* The events decoded and not yet forgotten: printed ones stay a while for the echo check. */
typedef struct timeline {
    timeline_event *items;
    size_t n, cap;
    int json;
    size_t shown;
    call_plot *plot;         /* --plot, --html: every event shown is drawn too */
    int page;                /* --html: the page wants each event's JSON line */
    int plot_failed;         /* out of memory keeping an event for it */
    sq_echo_canceller *echo; /* a two-channel file's: tells an echo read as FSK */
    constellations *stars;   /* --constellation */
    int stars_failed;        /* a picture could not be drawn (said already) */
    int first_channel;       /* the channel drawn in the plot's first panel */
    int added;               /* events arrived since the last print_ready */
    double next_due;         /* the earliest end of an event still waiting (INFINITY: none) */
    call_summary summary;    /* of the events shown */
    /* where the last FSK stretch shown on each lane ended: [channel - 1][bell103][chan - 1] */
    double fsk_shown_end[2][2][2];
    /* a two-channel file's decoders: each channel's MP goes to the other's (the far end's MP
     * names how the channel's transmitter precodes its data: sq_decoder_far_mp) */
    sq_decoder *pair[2];
    /* the channel (0, 1) fed first in each read and finished first: a V.90 digital modem's,
     * once the other channel's CP says whose it is; its MP, read only as its transmission
     * ends, names the precoder the analogue channel's data is read with, and must reach that
     * decoder before its own transmission there ends */
    int lead;
    /* where the last V.32bis renegotiation's rate signal shown on each channel began (R4: the
     * other's, a moment later, is R5) */
    double reneg_rate_s[2];
} timeline;

static void decode_usage(FILE *out)
{
    fputs("usage: squeal decode [options] FILE\n"
          "\n"
          "Prints one line per event: answer and calling tones, guard tones, and V.21 or\n"
          "Bell 103 data with the characters it carried. Each channel of the file is\n"
          "decoded on its own. Any sample rate from 8000 to 48000 Hz.\n"
          "\n"
          "Options:\n"
          "  --json                 one JSON object per line instead of text\n"
          "  --channel N            decode only channel N (1 = first)\n"
          "  --plot PICTURE         also draw the call: a spectrogram per channel with every\n"
          "                         event labelled (PICTURE.png, .svg or .pdf)\n"
          "  --html PAGE            also write a page to hear and see the call (one file, opens\n"
          "                         offline): the picture, the audio, the events to click\n"
          "  --constellation DIR    for each stretch of V.22 / V.22bis data, a picture of its\n"
          "                         received symbols and their phase error; for each FSK\n"
          "                         stretch and V.8 message, its bits' decision variable\n"
          "  --data-bits N --parity none|even|odd|mark|space --stop-bits N   framing (default 8N1)\n", out);
}

static int parse_decode(int argc, char **argv, decode_opts *o)
{
    enum { O_JSON = 256, O_CHANNEL, O_PLOT, O_HTML, O_STARS };
    static const struct option opts[] = {
        { "help", no_argument, 0, 'h' }, { "json", no_argument, 0, O_JSON },
        { "channel", required_argument, 0, O_CHANNEL }, { "plot", required_argument, 0, O_PLOT },
        { "html", required_argument, 0, O_HTML }, { "constellation", required_argument, 0, O_STARS },
        CLI_FRAMING_OPTIONS,
        { 0, 0, 0, 0 },
    };
    int c, bad = 0;
    opterr = 0;
    optind = 1;
    while (!bad && (c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': decode_usage(stdout); exit(EXIT_OK);
        case O_JSON: o->json = 1; break;
        case O_CHANNEL: bad = cli_parse_long("decode", "--channel", optarg, 1, SQ_AUDIO_MAX_CHANNELS, &o->channel); break;
        case O_PLOT: o->plot_path = optarg; break;
        case O_HTML: o->html_path = optarg; break;
        case O_STARS: o->constellation_dir = optarg; break;
        case CLI_OPT_DATA_BITS: case CLI_OPT_PARITY: case CLI_OPT_STOP_BITS:
            bad = cli_parse_framing("decode", c, optarg, &o->format);
            break;
        case ':': return cli_bad_option("decode", argv[optind - 1], 1);
        default: return cli_bad_option("decode", argv[optind - 1], 0);
        }
    }
    if (bad)
        return EXIT_USAGE;
    if (optind != argc - 1) {
        cli_error("decode", optind >= argc ? "which file? (see 'squeal decode --help')"
                                           : "one file at a time");
        return EXIT_USAGE;
    }
    o->path = argv[optind];
    if (o->plot_path && !call_plot_format_known(o->plot_path)) {
        cli_error("decode", "--plot '%s': the picture's name must end in .png, .svg or .pdf", o->plot_path);
        return EXIT_USAGE;
    }
    if (o->html_path && !call_page_format_known(o->html_path)) {
        cli_error("decode", "--html '%s': the page's name must end in .html", o->html_path);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* FSK "data", or an INFO frame that fails its CRC, on one channel of a two-channel call
 * whose band the other channel's audio mostly explains (a fit from it takes 6 dB or more
 * out: the echo holds three quarters of the band's power, and is what the receiver read) is
 * that channel's signal come back as an echo: INFO and tone B read in V.21's band, an INFO1
 * read as an INFO0, a transmission nothing of which was read, before the canceller has learnt the echo path or where it leaves the
 * echo alone. A signal of the channel's own is not explained by the other's audio: a fit
 * takes about a dB out of it. */
#define ECHO_EXPLAINED_DB 6.0
#define INFO_HALF_BAND_HZ 400.0   /* DPSK at 600 baud around its carrier */
#define TONE_HALF_BAND_HZ 100.0   /* tone A or B, and its offset */
#define V34_BAND_LO_HZ 300.0      /* where any V.34 symbol rate and carrier has its power */
#define V34_BAND_HI_HZ 3400.0
#define ECHO_TEST_MIN_S 0.06      /* over SQ_ECHO's shortest stretch (4 x 96 taps, 48 ms) */
#define ECHO_SOURCE_LOUDER_DB 6.0 /* an echo or crosstalk comes back 10 dB or more down */

/* What the V.34 and V.32 receivers read: trainings, their sequences, and data. */
static int is_training_or_data(sq_event_type type)
{
    static const sq_event_type kinds[] = { SQ_EVENT_V34_DATA, SQ_EVENT_V34_S,  SQ_EVENT_V34_S_BAR, SQ_EVENT_V34_PP,
                                           SQ_EVENT_V34_TRN,  SQ_EVENT_V34_J,  SQ_EVENT_V34_J_PRIME, SQ_EVENT_V34_E,
                                           SQ_EVENT_MP,       SQ_EVENT_V32_S,  SQ_EVENT_V32_DATA, SQ_EVENT_V32_TRN,
                                           SQ_EVENT_V32_RATE, SQ_EVENT_V32_E };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (type == kinds[i])
            return 1;
    return 0;
}

/* The band an event's signal occupies, for the echo test; 0 for the kinds not tested. */
static int echo_test_band(const sq_event *ev, double *lo, double *hi)
{
    const sq_fsk_params *fsk = NULL;
    if (ev->type == SQ_EVENT_V21)
        fsk = ev->fsk_channel == 2 ? &SQ_FSK_V21_CH2 : &SQ_FSK_V21_CH1;
    else if (ev->type == SQ_EVENT_BELL103)
        fsk = ev->fsk_channel == 2 ? &SQ_FSK_BELL103_ANS : &SQ_FSK_BELL103_ORIG;
    if (fsk) {
        *lo = fmin(fsk->mark_hz, fsk->space_hz) - fsk->baud / 2;
        *hi = fmax(fsk->mark_hz, fsk->space_hz) + fsk->baud / 2;
        return 1;
    }
    if ((ev->type == SQ_EVENT_INFO0 || ev->type == SQ_EVENT_INFO1) && !ev->crc_ok) {
        double carrier = ev->fsk_channel == 2 ? 2400.0 : 1200.0;
        *lo = carrier - INFO_HALF_BAND_HZ;
        *hi = carrier + INFO_HALF_BAND_HZ;
        return 1;
    }
    /* a training or transmission: on a channel carrying the other's crosstalk 15 dB down,
     * before the path is learnt, that crosstalk was read as one (the other modem's INFO1 and
     * S as a V.34 transmission; its V.32bis TRN, at 14 dB SNR) */
    if (is_training_or_data(ev->type)) {
        *lo = V34_BAND_LO_HZ;
        *hi = V34_BAND_HI_HZ;
        return 1;
    }
    return 0;
}

static int is_explained_echo(const timeline *t, const sq_event *ev, int channel)
{
    double lo, hi;
    if (!t->echo || !echo_test_band(ev, &lo, &hi))
        return 0;
    if (!is_training_or_data(ev->type))
        return sq_echo_canceller_explained_db(t->echo, channel - 1, ev->start_s, ev->end_s, lo, hi) >= ECHO_EXPLAINED_DB;
    /* a short one (an S, an E) by what begins with it: the canceller tests no less; and only
     * under a louder channel (crosstalk of one side's training explains each channel by the
     * other, and the side that sends it is the louder) */
    double end_s = fmax(ev->end_s, ev->start_s + ECHO_TEST_MIN_S);
    return sq_echo_canceller_louder_db(t->echo, channel - 1, ev->start_s, end_s) >= ECHO_SOURCE_LOUDER_DB &&
           sq_echo_canceller_explained_db(t->echo, channel - 1, ev->start_s, end_s, lo, hi) >= ECHO_EXPLAINED_DB;
}

/* A tone A or B whose band (100 Hz each side) the other channel's audio explains. */
static int tone_explained(const timeline *t, const sq_event *ev, int channel)
{
    return t->echo && sq_echo_canceller_explained_db(t->echo, channel - 1, ev->start_s, ev->end_s,
                                                     ev->freq_hz - TONE_HALF_BAND_HZ,
                                                     ev->freq_hz + TONE_HALF_BAND_HZ) >= ECHO_EXPLAINED_DB;
}

/* A modem's training or data whose band (V.34's) the other channel's audio explains. */
static int data_explained(const timeline *t, const sq_event *ev, int channel)
{
    double end_s = fmax(ev->end_s, ev->start_s + ECHO_TEST_MIN_S);
    return sq_echo_canceller_explained_db(t->echo, channel - 1, ev->start_s, end_s, V34_BAND_LO_HZ, V34_BAND_HI_HZ) >=
           ECHO_EXPLAINED_DB;
}

/* Energy nothing named, in its band: explained by the other channel's audio. Not enough on
 * its own to call it an echo (a channel's own periodic signal, V.8bis's closing flags say,
 * is explained by the other channel's echo of its earlier part): is_unnamed_echo asks for a
 * far louder signal on the other channel too. */
static int wideband_explained(const timeline *t, const sq_event *ev, int channel)
{
    return t->echo && ev->type == SQ_EVENT_WIDEBAND && ev->freq_hz < ev->freq2_hz &&
           sq_echo_canceller_explained_db(t->echo, channel - 1, ev->start_s, ev->end_s, ev->freq_hz, ev->freq2_hz) >=
               ECHO_EXPLAINED_DB;
}

static int keep_event(timeline *t, const sq_event *ev, int channel)
{
    if (is_explained_echo(t, ev, channel))
        return 0;
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        timeline_event *items = realloc(t->items, cap * sizeof *items);
        if (!items)
            return -1;
        t->items = items;
        t->cap = cap;
    }
    timeline_event *e = &t->items[t->n];
    e->ev = *ev;
    e->channel = channel;
    e->data = NULL;
    e->printed = 0;
    e->explained = wideband_explained(t, ev, channel);
    if (ev->data_len) {
        e->data = malloc(ev->data_len);
        if (!e->data)
            return -1;
        memcpy(e->data, ev->data, ev->data_len);
    }
    e->ev.data = e->data;
    t->n++;
    t->added = 1;
    return 0;
}

static int drain(sq_decoder *d, timeline *t, int channel)
{
    sq_event ev;
    while (sq_decoder_next_event(d, &ev) == SQ_OK) {
        if ((ev.type == SQ_EVENT_MP || ev.type == SQ_EVENT_V90_MP) && (channel == 1 || channel == 2))
            sq_decoder_far_mp(t->pair[2 - channel], &ev);   /* NULL (one channel) is ignored */
        if (ev.type == SQ_EVENT_V90_CP && (channel == 1 || channel == 2)) {
            sq_decoder_far_cp(t->pair[2 - channel], d);
            t->lead = 2 - channel;
        }
        if (keep_event(t, &ev, channel) != 0)
            return -1;
    }
    return 0;
}

/* Feeds one channel's samples, polling whenever the decoder stops to let events out. */
static int feed(sq_decoder *d, const float *x, size_t n, timeline *t, int channel)
{
    size_t done = 0;
    while (done < n) {
        done += sq_decoder_push(d, x + done, n - done);
        if (drain(d, t, channel) != 0)
            return -1;
    }
    return 0;
}

/* An event for the picture (and, for the page, with its JSON line). */
static int plot_event(timeline *t, const timeline_event *e)
{
    char *json = NULL;
    if (t->page && !(json = timeline_json_line(e)))
        return -1;
    int rc = call_plot_event(t->plot, e->channel - t->first_channel, &e->ev, json);
    free(json);
    return rc;
}

static int cmp_events(const void *a, const void *b)
{
    const timeline_event *x = a, *y = b;
    if (x->ev.start_s != y->ev.start_s)
        return x->ev.start_s < y->ev.start_s ? -1 : 1;
    if (x->channel != y->channel)
        return x->channel - y->channel;
    return x->ev.end_s < y->ev.end_s ? -1 : x->ev.end_s > y->ev.end_s;
}

/* An FSK lane's stretches all start at their signal's onset (libsqueal's decoder judges each
 * as part of the signal it belongs to: the tail of a message's crosstalk is that message's,
 * and an echo). Where the carrier was lost and found on one signal, at low SNR, each later
 * stretch is shown from where the last one on its lane ended: at -3 dB every stretch of a
 * stream had been shown from its onset, one over another. */
static void after_last_stretch(timeline *t, timeline_event *e)
{
    if (e->ev.type != SQ_EVENT_V21 && e->ev.type != SQ_EVENT_BELL103)
        return;
    double *end = &t->fsk_shown_end[e->channel == 2][e->ev.type == SQ_EVENT_BELL103][e->ev.fsk_channel == 2];
    if (e->ev.start_s < *end)
        e->ev.start_s = *end;
    *end = e->ev.end_s;
}

/* On a stereo recording with one direction per channel, each channel also carries the far
 * side's echo, 15-25 dB down on real calls. A signal heard on two channels at once, much
 * weaker on one of them, was sent on the stronger one: the weaker copy is dropped. Messages
 * (V.8, INFO) must match in content too. */
#define ECHO_MARGIN_DB 10.0
#define DATA_ECHO_MARGIN_DB 18.0
/* A copy lying under the other channel's signal for most of its length is an echo from 6 dB
 * down: a recording whose far channel was taken 12 dB quieter puts the echo only 8-9 dB
 * under its source. Two sides' own signals of one kind do not overlap so (line probing, the
 * one kind both send, comes from each in turn), so only echoes are dropped this way. */
#define ECHO_OVERLAP_MARGIN_DB 6.0
#define ECHO_OVERLAP_SHARE 0.5

static int is_answer_tone_type(sq_event_type t)
{
    return t == SQ_EVENT_ANS || t == SQ_EVENT_ANS_PR || t == SQ_EVENT_ANSAM || t == SQ_EVENT_ANSAM_PR ||
           t == SQ_EVENT_ANSPCM;
}

/* A modem's training and data, named whole or (V.90's digital modem) in stretches: its echo
 * on the other channel reads as a transmission of its own. */
static int is_wideband_data(sq_event_type t)
{
    return t == SQ_EVENT_V34_DATA || t == SQ_EVENT_V90_DATA || t == SQ_EVENT_V32_DATA ||
           (t >= SQ_EVENT_V90_SD && t <= SQ_EVENT_V90_RI) || t == SQ_EVENT_V90_TRN2D;
}

/* Signals named by their tones alone: one is another's copy if it is of the same kind on
 * the same tones, measured within this (an echo reads as its source does, give or take
 * the reading's resolution; no two of a kind are this close). */
#define COPY_FREQ_HZ 10.0

static int is_plain_tone_type(sq_event_type t)
{
    return t == SQ_EVENT_CNG || t == SQ_EVENT_BELL_ANS || t == SQ_EVENT_GUARD || t == SQ_EVENT_TONEQ ||
           (t >= SQ_EVENT_DIAL_TONE && t <= SQ_EVENT_REORDER) || (t >= SQ_EVENT_V8BIS_CRE && t <= SQ_EVENT_V8BIS_ESR);
}

/* V.22's signals, each on one side's carrier (fsk_channel): the two sides send the same
 * kind at once on two carriers, an echo on the same carrier as its source. */
static int is_v22_signal_type(sq_event_type t)
{
    return t == SQ_EVENT_USB1 || t == SQ_EVENT_S1 || t == SQ_EVENT_SB1 || t == SQ_EVENT_DATA;
}

static int is_info1_low(unsigned kind)
{
    return kind == SQ_INFO1C || kind == SQ_INFO1D;
}

static int same_signal(const sq_event *a, const sq_event *b)
{
    if ((is_answer_tone_type(a->type) && is_answer_tone_type(b->type)) ||
        (is_wideband_data(a->type) && is_wideband_data(b->type)))
        return 1;
    if (a->type != b->type)
        return 0;
    sq_event_type t = a->type;
    if (t == SQ_EVENT_CI || t == SQ_EVENT_CM || t == SQ_EVENT_JM || t == SQ_EVENT_CJ || t == SQ_EVENT_V8BIS_MSG ||
        t == SQ_EVENT_V92_QC)
        return a->v8.n_octets == b->v8.n_octets && memcmp(a->v8.octets, b->v8.octets, a->v8.n_octets) == 0;
    if (t == SQ_EVENT_INFO0 || t == SQ_EVENT_INFO1)   /* INFO1c and INFO1d are one layout, named by
                                                         who sent it: the echo's lane may not know */
        return (a->info_kind == b->info_kind || (is_info1_low(a->info_kind) && is_info1_low(b->info_kind))) &&
               memcmp(a->info_bits, b->info_bits, sizeof a->info_bits) == 0;
    if (t == SQ_EVENT_V90_JA || t == SQ_EVENT_V90_CP || t == SQ_EVENT_V90_JD)
        return memcmp(a->info_bits, b->info_bits, sizeof a->info_bits) == 0;
    if (t == SQ_EVENT_MP || t == SQ_EVENT_V90_MP)
        return memcmp(&a->mp, &b->mp, sizeof a->mp) == 0;
    if ((t >= SQ_EVENT_V34_S && t <= SQ_EVENT_V34_E) || t == SQ_EVENT_V90_SCR)   /* V.34 phases 3 and 4 */
        return a->symbol_rate == b->symbol_rate && a->freq_hz == b->freq_hz;
    if (t == SQ_EVENT_INFOMARKS || is_v22_signal_type(t))
        return a->fsk_channel == b->fsk_channel;
    if (is_plain_tone_type(t))   /* fsk_channel: V.8bis's tone pair */
        return a->fsk_channel == b->fsk_channel && fabs(a->freq_hz - b->freq_hz) <= COPY_FREQ_HZ &&
               fabs(a->freq2_hz - b->freq2_hz) <= COPY_FREQ_HZ;
    if (t == SQ_EVENT_DTMF)
        return a->data_len == b->data_len && (a->data_len == 0 || memcmp(a->data, b->data, a->data_len) == 0);
    return t == SQ_EVENT_TONE_A || t == SQ_EVENT_TONE_B || t == SQ_EVENT_LINE_PROBE || t == SQ_EVENT_CT ||
           t == SQ_EVENT_V34_DATA || t == SQ_EVENT_V90_DATA || t == SQ_EVENT_V32_DATA || t == SQ_EVENT_V32_AA ||
           t == SQ_EVENT_V32_AC || t == SQ_EVENT_V32_S || t == SQ_EVENT_QTS;
}

/* An echo overlaps what it echoes, or starts up to this long after it (a round trip through
 * the network: 140 ms on one of the real calls, longer than an INFO frame). */
#define ECHO_MAX_DELAY_S 1.0

/* FSK "data" far weaker than what the other channel carries at the time is its echo read
 * as FSK (INFO and tone B in V.21's channel 1 band, line probing in Bell 103's). A wideband
 * event, energy nothing named, is an echo when it is 12 dB under the other channel's (the
 * recordings bench's rule for audio that is not a channel's own): under what the other
 * channel carried at the time, or, where the other channel's audio explains it, under
 * something that channel sent up to a round trip before (an echo outlasts its source by the
 * round trip: the answerer's INFO1a, heard on the caller's channel after it ended). */
#define FSK_ECHO_MARGIN_DB 15.0
#define UNNAMED_ECHO_MARGIN_DB 12.0

static int is_unnamed_echo(const timeline *t, const timeline_event *e)
{
    double margin;
    if (e->ev.type == SQ_EVENT_V21 || e->ev.type == SQ_EVENT_BELL103)
        margin = FSK_ECHO_MARGIN_DB;
    else if (e->ev.type == SQ_EVENT_WIDEBAND)
        margin = UNNAMED_ECHO_MARGIN_DB;
    else
        return 0;
    double covered = 0.0;
    int source = 0;
    for (size_t j = 0; j < t->n; j++) {
        const timeline_event *o = &t->items[j];
        if (o->channel == e->channel || !(o->ev.level_dbm0 >= e->ev.level_dbm0 + margin))
            continue;
        covered += fmax(0.0, fmin(o->ev.end_s, e->ev.end_s) - fmax(o->ev.start_s, e->ev.start_s));
        source |= o->ev.start_s < e->ev.end_s && o->ev.end_s > e->ev.start_s - ECHO_MAX_DELAY_S;
    }
    return covered > 0.5 * (e->ev.end_s - e->ev.start_s) || (e->explained && source);
}

#define TRAINING_ECHO_MAX_DELAY_S 0.06
/* Two of the unnamed lane's 20 ms blocks: a shorter tail is where the ends of the two
 * events were timed, not a round trip. */
#define ECHO_TAIL_MIN_S 0.04

/* Whether event i is an echo; *source is then the event it echoes (SIZE_MAX for energy
 * nothing named that the other channel explains): of the signals it may echo, the one that
 * started last (V.8bis repeats its tones: the echo of the second is not the first's). */
static int is_echo(const timeline *t, size_t i, size_t *source)
{
    const timeline_event *e = &t->items[i];
    *source = SIZE_MAX;
    for (size_t j = 0; j < t->n; j++) {
        const timeline_event *o = &t->items[j];
        if (*source != SIZE_MAX && o->ev.start_s <= t->items[*source].ev.start_s)
            continue;
        double shared = fmin(o->ev.end_s, e->ev.end_s) - fmax(o->ev.start_s, e->ev.start_s);
        int overlap = shared > 0.0;
        /* the two sides' V.34 training can match (identical MPs, S at one symbol rate): its
         * echo is the one that starts as the other side's did, a round trip later */
        int training = e->ev.type == SQ_EVENT_MP || e->ev.type == SQ_EVENT_V90_SCR ||
                       (e->ev.type >= SQ_EVENT_V34_S && e->ev.type <= SQ_EVENT_V34_E);
        double max_delay = training ? TRAINING_ECHO_MAX_DELAY_S : ECHO_MAX_DELAY_S;
        int delayed = e->ev.start_s >= o->ev.start_s && e->ev.start_s <= o->ev.start_s + max_delay;
        if (training)
            overlap = 0;
        /* both sides probe the line, one after the other: a probe not lying under the other
         * side's for half its length or more is this side's own, however much quieter its
         * channel was recorded (a probe's echo, a round trip late, lies under most of it) */
        if (e->ev.type == SQ_EVENT_LINE_PROBE && shared < ECHO_OVERLAP_SHARE * (e->ev.end_s - e->ev.start_s))
            continue;
        if (o->channel == e->channel || !(overlap || delayed) || !same_signal(&o->ev, &e->ev))
            continue;
        /* a V.90 analogue modem's upstream runs 10-12 dB under the digital one's downstream */
        double margin = is_wideband_data(e->ev.type) ? DATA_ECHO_MARGIN_DB
                        : overlap && shared >= ECHO_OVERLAP_SHARE * (e->ev.end_s - e->ev.start_s) ? ECHO_OVERLAP_MARGIN_DB
                                                                                                 : ECHO_MARGIN_DB;
        /* a tone the other channel's audio explains in its band (the canceller's path takes 6
         * dB or more out of it) is its echo from 6 dB down too, late or not: with one channel
         * recorded 12 dB quieter, the Conexant caller's tone B came back 0.2 s late and 9.6
         * dB under it */
        if (!(o->ev.level_dbm0 >= e->ev.level_dbm0 + margin ||
              ((e->ev.type == SQ_EVENT_TONE_A || e->ev.type == SQ_EVENT_TONE_B) &&
               o->ev.level_dbm0 >= e->ev.level_dbm0 + ECHO_OVERLAP_MARGIN_DB && tone_explained(t, &e->ev, e->channel))))
            continue;
        /* ... but a transmission the other channel's audio does not explain is this
         * channel's own, however far under the other it was recorded (the Sportster call's
         * analogue modem, 9 dB under the digital one's downstream, with its channel taken
         * 12 dB quieter: its data, read to E on its own channel, was named echo) */
        if (is_wideband_data(e->ev.type) && t->echo && !data_explained(t, &e->ev, e->channel))
            continue;
        *source = j;
    }
    return *source != SIZE_MAX || is_unnamed_echo(t, e);
}

/* Whether o, on the channel of the echo e, is a signal of that channel's own far louder than
 * e (the caller's JM over the echo of its own CM's end: an echo there is not worth a line),
 * or that channel's echo already said. */
static int hides_echo(const timeline_event *o, const timeline_event *e)
{
    return o != e && o->channel == e->channel &&
           (o->ev.type == SQ_EVENT_ECHO || o->ev.level_dbm0 >= e->ev.level_dbm0 + UNNAMED_ECHO_MARGIN_DB);
}

/* The longest part of the echo e's span that nothing hides (hides_echo): there it is what
 * its channel carries. Returns its length, its start in *from. */
static double echo_alone(const timeline *t, const timeline_event *e, double *from)
{
    double at = e->ev.start_s, longest = 0.0;
    *from = at;
    while (at < e->ev.end_s) {
        double next = e->ev.end_s;   /* where the next hiding signal starts */
        int hidden = 0;
        for (size_t j = 0; j < t->n; j++) {
            const timeline_event *o = &t->items[j];
            if (!hides_echo(o, e))
                continue;
            if (o->ev.start_s <= at && o->ev.end_s > at) {
                at = o->ev.end_s;
                hidden = 1;
            } else if (o->ev.start_s > at) {
                next = fmin(next, o->ev.start_s);
            }
        }
        if (hidden)
            continue;
        if (next - at > longest) {
            longest = next - at;
            *from = at;
        }
        at = next;
    }
    return longest;
}

/* Progress on stderr for files over a minute, only when stderr is a terminal: one line
 * rewritten in place, about twice a second, erased at the end. */
#define PROGRESS_MIN_S 60.0

typedef struct progress {
    int on;
    double total_s;
    uint32_t rate_hz;
    time_t last;
} progress;

static progress progress_start(const sq_audio_info *info)
{
    progress p = { 0 };
    p.rate_hz = info->file_rate_hz;
    p.total_s = (double)info->file_frames / info->file_rate_hz;
    p.on = isatty(2) && p.total_s > PROGRESS_MIN_S && p.total_s < 1e7 && !info->length_unknown;
    return p;
}

static void progress_show(progress *p, const sq_audio_reader *r)
{
    if (!p->on)
        return;
    time_t now = time(NULL);
    if (now == p->last)
        return;
    p->last = now;
    double done_s = (double)sq_audio_reader_frames_read(r) / p->rate_hz;
    fprintf(stderr, "\rdecoding: %.0f of %.0f s (%.0f%%)", done_s, p->total_s, 100.0 * done_s / p->total_s);
    fflush(stderr);
}

static void progress_end(const progress *p)
{
    if (p->on && p->last)
        fputs("\r\033[K", stderr);
}

/* V.32bis 8: the modem that asks sends R4; the other answers with R5 once it has heard the
 * preamble and R4, within a round trip and two preambles (well under a second). The lane
 * reading one channel cannot tell them apart (sequence 4); shown in order of start, the one
 * that follows the other channel's is R5. */
#define R5_WITHIN_S 1.5

static void name_r4_or_r5(timeline *t, timeline_event *e)
{
    if (e->ev.type != SQ_EVENT_V32_RATE || e->ev.info_kind != 4 || (e->channel != 1 && e->channel != 2))
        return;
    double other = t->reneg_rate_s[2 - e->channel];
    if (other > 0.0 && e->ev.start_s - other < R5_WITHIN_S)
        e->ev.info_kind = 5;
    else
        t->reneg_rate_s[e->channel - 1] = e->ev.start_s;
}

/* Printed events are kept this long after they end: a V.8 message's copy on the other
 * channel (its echo) overlaps it, so it has arrived well within this. */
#define KEEP_PRINTED_S 60.0

/* Prints, in order of start, the events that ended before horizon (no event still to
 * come starts before it, and any echo of them has arrived), then forgets printed ones
 * long past. horizon INFINITY prints everything. */
static void print_ready(timeline *t, double horizon)
{
    if (!t->added && horizon < t->next_due)
        return;   /* nothing new, nothing due: most blocks of a long file */
    t->added = 0;
    if (t->n)
        qsort(t->items, t->n, sizeof *t->items, cmp_events);
    for (size_t i = 0; i < t->n; i++) {
        timeline_event *e = &t->items[i];
        if (e->printed)
            continue;
        if (e->ev.end_s > horizon)
            break;   /* it, and so everything after it, waits */
        e->printed = 1;
        size_t source;
        if (is_echo(t, i, &source)) {
            if (e->ev.type != SQ_EVENT_WIDEBAND) {
                /* where a signal's echo is what its channel carries for a while (before the
                 * channel's own signal starts, after it ends, past the signal itself by the
                 * round trip), it is said as echo, in its place in the timeline: the audio
                 * there is not left unnamed, nor named as this side's own */
                double from, alone = source == SIZE_MAX ? 0.0 : echo_alone(t, e, &from);
                if (alone < ECHO_TAIL_MIN_S)
                    continue;
                e->ev.start_s = from;
                e->ev.end_s = from + alone;
                e->ev.type = SQ_EVENT_ECHO;
                e->ev.fsk_channel = 3 - e->channel;
                e->printed = 0;
                qsort(t->items, t->n, sizeof *t->items, cmp_events);
                i = (size_t)-1;   /* from the start again: it may now come after others */
                continue;
            }
            /* energy nothing named that is the other channel's echo: said as that */
            e->ev.type = SQ_EVENT_ECHO;
            e->ev.fsk_channel = 3 - e->channel;
        }
        after_last_stretch(t, e);
        name_r4_or_r5(t, e);
        if (e->ev.type == SQ_EVENT_V34_DATA && e->ev.symbol_rate > 0.0)   /* after E: at the rate phase 4 settled (V.34: both MPs; V.90: the MP and CP) */
            e->ev.rate = call_summary_mp_rate(&t->summary, e->ev.fsk_channel);
        (t->json ? timeline_print_json : timeline_print_text)(stdout, e);
        call_summary_add(&t->summary, &e->ev, e->channel);
        t->shown++;
        if (t->plot && plot_event(t, e) != 0)
            t->plot_failed = 1;
        char err[512];
        if (t->stars && !t->stars_failed && constellations_draw(t->stars, &e->ev, e->channel, err, sizeof err) != 0) {
            cli_error("decode", "%s", err);
            t->stars_failed = 1;
        }
    }
    fflush(stdout);
    size_t kept = 0;
    for (size_t i = 0; i < t->n; i++) {
        timeline_event *e = &t->items[i];
        if (e->printed && e->ev.end_s < horizon - KEEP_PRINTED_S) {
            free(e->data);
            continue;
        }
        t->items[kept] = *e;
        t->items[kept].ev.data = t->items[kept].data;
        kept++;
    }
    t->n = kept;
    t->next_due = INFINITY;
    for (size_t i = 0; i < t->n; i++)
        if (!t->items[i].printed)
            t->next_due = fmin(t->next_due, t->items[i].ev.end_s);
}

/* The stretches of echo the canceller has told, as events on the channel that carried them. */
static int keep_echo_stretches(sq_echo_canceller *echo, timeline *t, long only_channel)
{
    sq_echo_stretch st;
    while (sq_echo_canceller_next_stretch(echo, &st) == SQ_OK) {
        sq_event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = SQ_EVENT_ECHO;
        ev.start_s = st.start_s;
        ev.end_s = st.end_s;
        ev.fsk_channel = 2 - st.ch;   /* the channel echoed, 1-based */
        ev.level_dbm0 = st.level_dbfs - 10.0 * log10(sq_dbm0_to_power(0.0));
        if ((only_channel == 0 || only_channel == st.ch + 1) && keep_event(t, &ev, st.ch + 1) != 0)
            return -1;
    }
    return 0;
}

/* Gives each channel's decoder its samples of n interleaved frames; returns the time before
 * which every decoder has reported all it will. */
static double decode_frames(sq_decoder *const *dec, int nch, const float *frames, size_t n, float *mono, timeline *t,
                            int *rc)
{
    double horizon = INFINITY;
    const int lead = t->lead;   /* a CP read in this call changes it for the next one */
    for (int k = 0; k < nch && *rc == EXIT_OK; k++) {
        int c = nch == 2 ? (k + lead) % 2 : k;
        if (!dec[c])
            continue;
        const float *x = frames;   /* one channel: the frames are its samples */
        if (nch > 1) {
            for (size_t i = 0; i < n; i++)
                mono[i] = frames[i * nch + c];
            x = mono;
        }
        if (feed(dec[c], x, n, t, c + 1) != 0)
            *rc = EXIT_RUNTIME;
        horizon = fmin(horizon, sq_decoder_horizon_s(dec[c]));
    }
    return horizon;
}

static int run_decoders(const decode_opts *o, sq_audio_reader *r, timeline *t)
{
    const sq_audio_info *info = sq_audio_reader_info(r);
    int nch = info->channels, rc = EXIT_OK;
    sq_decoder *dec[SQ_AUDIO_MAX_CHANNELS] = { 0 };
    sq_decoder_settings s;
    sq_decoder_default_settings(&s);
    s.format = o->format;
    s.both_sides = nch == 1;   /* a one-channel recording: the whole call, both modems */
    float *frames = malloc(READ_FRAMES * (size_t)nch * sizeof *frames);
    float *mono = malloc(READ_FRAMES * sizeof *mono);
    /* A call recorded one direction per channel: each channel is decoded with its echo of
     * the other taken out (the plot still shows the recording as it is). */
    sq_echo_canceller *echo = NULL;
    float *cleaned = NULL;
    if (nch == 2 && (sq_echo_canceller_create(&echo) != SQ_OK ||
                     !(cleaned = malloc(READ_FRAMES * 2 * sizeof *cleaned))))
        rc = EXIT_RUNTIME;
    t->echo = echo;
    for (int c = 0; c < nch && frames && mono; c++)
        if ((o->channel == 0 || o->channel == c + 1) && sq_decoder_create(&s, &dec[c]) != SQ_OK)
            rc = EXIT_RUNTIME;
        else if (dec[c] && t->stars)
            constellations_tap(t->stars, dec[c], c + 1);
    if (!frames || !mono)
        rc = EXIT_RUNTIME;
    for (int c = 0; c < 2; c++)
        t->pair[c] = nch == 2 ? dec[c] : NULL;
    long got;
    progress pr = progress_start(info);
    while (rc == EXIT_OK && (got = sq_audio_reader_read(r, frames, READ_FRAMES)) != 0) {
        progress_show(&pr, r);
        if (got < 0) {
            rc = (int)got;
            break;
        }
        if (t->plot)
            for (int c = 0; c < nch; c++) {
                if (!dec[c])
                    continue;
                for (long i = 0; i < got; i++)
                    mono[i] = frames[i * nch + c];
                call_plot_audio(t->plot, c + 1 - t->first_channel, mono, (size_t)got);
            }
        double horizon;
        if (echo) {
            size_t ready = sq_echo_canceller_process(echo, frames, (size_t)got, cleaned);
            horizon = decode_frames(dec, nch, cleaned, ready, mono, t, &rc);
            if (keep_echo_stretches(echo, t, o->channel) != 0)
                rc = EXIT_RUNTIME;
            horizon = fmin(horizon, sq_echo_canceller_horizon_s(echo));
        } else {
            horizon = decode_frames(dec, nch, frames, (size_t)got, mono, t, &rc);
        }
        if (rc == EXIT_OK)
            print_ready(t, horizon);
    }
    progress_end(&pr);
    /* what was read is decoded and printed whatever stopped the reading */
    int fed = EXIT_OK;   /* rc may hold a read error: the frames held back are decoded still */
    size_t ready;
    while (echo && rc != EXIT_RUNTIME && fed == EXIT_OK &&
           (ready = sq_echo_canceller_flush(echo, cleaned, READ_FRAMES)) > 0)
        (void)decode_frames(dec, nch, cleaned, ready, mono, t, &fed);
    if (fed != EXIT_OK)
        rc = fed;
    if (echo && rc != EXIT_RUNTIME && keep_echo_stretches(echo, t, o->channel) != 0)
        rc = EXIT_RUNTIME;
    for (int c = 0; echo && c < 2; c++) {
        sq_echo_path path;
        sq_echo_canceller_path(echo, c, &path);
        call_summary_note_echo(&t->summary, c + 1, &path);
    }
    /* every channel finished before any is destroyed: a channel's last events (an MP cut
     * short by the file's end) are handed to the other channel's decoder as they drain */
    const int lead = t->lead;
    for (int k = 0; k < nch; k++) {
        int c = nch == 2 ? (k + lead) % 2 : k;
        if (dec[c] && rc != EXIT_RUNTIME) {
            sq_decoder_finish(dec[c]);
            if (drain(dec[c], t, c + 1) != 0)
                rc = EXIT_RUNTIME;
        }
    }
    t->pair[0] = t->pair[1] = NULL;
    for (int c = 0; c < nch; c++)
        sq_decoder_destroy(dec[c]);
    if (rc != EXIT_RUNTIME) {
        print_ready(t, INFINITY);
        call_summary_print(stdout, &t->summary, t->json,
                           (double)sq_audio_reader_frames_read(r) / info->file_rate_hz);
    }
    if (rc == SQ_ETRUNCATED) {
        const char *why = sq_audio_reader_truncation(r);
        cli_error("decode", "'%s' is truncated (%s): the timeline above covers the audio it holds", o->path,
                  why ? why : "shorter than its header says");
        rc = READ_FAILED;
    } else if (rc < 0) {
        cli_error("decode", "error reading '%s': %s: the timeline above covers what was read", o->path,
                  sq_strerror(rc));
        rc = READ_FAILED;
    }
    free(frames);
    free(mono);
    free(cleaned);
    t->echo = NULL;
    sq_echo_canceller_destroy(echo);
    return rc;
}

/* --plot: the picture is checked before decoding, drawn after. */
static int start_plot(const decode_opts *o, const sq_audio_info *info, timeline *t)
{
    char err[512];
    if ((o->plot_path && call_plot_check_path(o->plot_path, err, sizeof err) != 0) ||
        (o->html_path && call_page_check_path(o->html_path, err, sizeof err) != 0)) {
        cli_error("decode", "%s", err);
        return -1;
    }
    const char *outs[2] = { o->plot_path, o->html_path };
    for (int i = 0; i < 2; i++)
        if (outs[i] && output_file_same(outs[i], o->path)) {
            cli_error("decode", "'%s' is the file being decoded", outs[i]);
            return -1;
        }
    char names[SQ_AUDIO_MAX_CHANNELS][16];
    const char *name_of[SQ_AUDIO_MAX_CHANNELS];
    int panels = o->channel ? 1 : info->channels;
    for (int i = 0; i < panels; i++) {
        snprintf(names[i], sizeof names[i], "ch%d", t->first_channel + i);
        name_of[i] = names[i];
    }
    if (call_plot_create(panels, name_of, &t->plot) != 0) {
        cli_error("decode", "out of memory");
        return -1;
    }
    if (o->html_path) {
        call_plot_keep_audio(t->plot);
        t->page = 1;
    }
    return 0;
}

static int finish_plot(const decode_opts *o, const sq_audio_info *info, timeline *t)
{
    if (t->plot_failed) {
        cli_error("decode", "out of memory keeping the events for --plot");
        return -1;
    }
    const char *base = strrchr(o->path, '/');
    char title[1024], err[512];
    snprintf(title, sizeof title, "%s   (%u Hz, %d channel%s)", base ? base + 1 : o->path, info->file_rate_hz,
             info->channels, info->channels == 1 ? "" : "s");
    if ((o->plot_path && call_plot_write(t->plot, o->plot_path, title, err, sizeof err) != 0) ||
        (o->html_path && call_page_write(t->plot, o->html_path, title, err, sizeof err) != 0)) {
        cli_error("decode", "%s", err);
        return -1;
    }
    return 0;
}

int cmd_decode(int argc, char **argv)
{
    decode_opts o = { .format = SQ_ASYNC_8N1 };
    int rc = parse_decode(argc, argv, &o);
    if (rc != EXIT_OK)
        return rc;
    char detail[256] = "";
    sq_audio_reader *r = NULL;
    int err = sq_audio_reader_open(o.path, &r, detail, sizeof detail);
    if (err != SQ_OK) {
        cli_error("decode", "cannot decode '%s': %s%s%s", o.path, sq_strerror(err),
                  *detail ? ": " : "", detail);
        return EXIT_RUNTIME;
    }
    const sq_audio_info *info = sq_audio_reader_info(r);
    if (o.channel > info->channels) {
        cli_error("decode", "--channel %ld: '%s' has %d channel%s", o.channel, o.path,
                  info->channels, info->channels == 1 ? "" : "s");
        sq_audio_reader_close(r);
        return EXIT_USAGE;
    }
    timeline t = { .json = o.json, .first_channel = o.channel ? (int)o.channel : 1 };
    call_summary_init(&t.summary);
    if ((o.plot_path || o.html_path) && start_plot(&o, info, &t) != 0) {
        sq_audio_reader_close(r);
        return EXIT_RUNTIME;
    }
    constellations stars;
    if (o.constellation_dir) {
        char why[512];
        if (constellations_open(&stars, o.constellation_dir, why, sizeof why) != 0) {
            cli_error("decode", "%s", why);
            call_plot_destroy(t.plot);
            sq_audio_reader_close(r);
            return EXIT_RUNTIME;
        }
        t.stars = &stars;
    }
    if (!o.json && info->length_unknown)
        printf("# %s: %s, %u Hz, %d channel%s, length not in its header\n", o.path, info->format_name,
               info->file_rate_hz, info->channels, info->channels == 1 ? "" : "s");
    else if (!o.json)
        printf("# %s: %s, %u Hz, %d channel%s, %.2f s\n", o.path, info->format_name, info->file_rate_hz,
               info->channels, info->channels == 1 ? "" : "s", (double)info->file_frames / info->file_rate_hz);
    rc = run_decoders(&o, r, &t);
    if (rc == EXIT_OK || rc == READ_FAILED) {
        if (!o.json && t.shown == 0)
            printf("# no events\n");
        uint64_t bad = sq_audio_reader_nonfinite(r);
        if (bad)
            cli_error("decode", "warning: %llu sample%s in '%s' %s not a number (NaN or infinite): "
                      "read as silence, or full scale for an infinity", (unsigned long long)bad,
                      bad == 1 ? "" : "s", o.path, bad == 1 ? "was" : "were");
        if (rc == READ_FAILED)
            rc = EXIT_RUNTIME;   /* said already */
        if (t.plot && t.shown == 0)   /* still drawn: the spectrogram is the file's truth */
            cli_error("decode", "no events in '%s': %s its spectrogram with nothing labelled", o.path,
                      o.plot_path && o.html_path ? "the picture and the page show" : o.plot_path ? "the picture shows" : "the page shows");
        if (t.plot && finish_plot(&o, info, &t) != 0)
            rc = EXIT_RUNTIME;
        if (t.stars_failed)
            rc = EXIT_RUNTIME;
    } else if (rc == EXIT_RUNTIME) {
        cli_error("decode", "out of memory decoding '%s'", o.path);
    }
    for (size_t i = 0; i < t.n; i++)
        free(t.items[i].data);
    free(t.items);
    call_plot_destroy(t.plot);
    if (t.stars)
        constellations_close(t.stars);
    sq_audio_reader_close(r);
    return rc;
}
