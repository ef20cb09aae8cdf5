/* Timeline decoder (include/squeal/decoder.h).
 *
 * Two analysers run side by side on every sample: the tone bank (dsp/tone_rx.h) whose
 * segments are classified here into answer, calling, Bell and guard tones; and four FSK
 * lanes (V.21 ch1/ch2, Bell 103 originate/answer), each a demodulator and a start-stop
 * receiver, whose carrier-on stretches become data events (fsk_lane.c); two V.22 lanes
 * (qam_lane.c); and a DTMF receiver whose digits become dialled numbers (dtmf_lane.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/receiver_rest.h"
#include "dsp/tone_rx.h"
#include "src/decode/decoder_internal.h"
#include "squeal/decoder.h"
#include "src/decode/v90_phase4.h"
#include "squeal/error.h"
#include "squeal/level.h"

#define CHUNK SQ_DECODER_CHUNK
/* each of the two phase-2 lanes can close a tone, report a frame and release a held one */
#define PHASE2_EVENTS_PER_CHUNK 6
/* the wideband lane can end line probing and a transmission in one block, and a block ends
 * in every chunk; a V.90 digital modem's transmission names its phases 3 and 4 as it ends
 * (Sd, TRN1d, Jd, DIL, Ri, TRN2d and up to SQ_V90_MP_RUNS runs of MP) */
#define WIDEBAND_EVENTS_PER_CHUNK (2 + 6 + SQ_V90_MP_RUNS)
/* a V.8bis message is 32 bits at least: a V.21 lane that wakes reads up to 256 ms at once */
#define V8BIS_MESSAGES_PER_CHUNK 6
/* a V.34 start-up read at its reversal names S, S-bar and PP at once; TRN, J, J', MP, E follow */
#define V34_EVENTS_PER_CHUNK 8

_Static_assert(sizeof(((sq_event *)0)->info_bits) >= SQ_INFO_BYTES, "an INFO1c frame fits an event");
_Static_assert(sizeof(sq_event) == 576, "new event fields come out of the reserved space");

/* Nominal frequencies watched by the tone bank, and what each one means. */
typedef struct tone_rule {
    double nominal_hz;
    double accept_hz;       /* spec tolerance plus 5 Hz of measurement margin */
    double min_s;           /* shortest burst reported */
    sq_event_type type;
} tone_rule;

/* Tolerances: spec section 1.1 (2100 +/- 15, 1300 +/- 15, 1100 +/- 38, 2225 +/- 15) and
 * section 4.1 (guard tones +/- 20). Minimum lengths keep speech and music out: SPANDSP
 * qualifies calling tones at 415 ms; all our tones last at least 500 ms on the line. */
static const tone_rule RULES[] = {
    { 2100.0, 20.0, 0.40, SQ_EVENT_ANS },
    { 1300.0, 20.0, 0.40, SQ_EVENT_CT },
    { 1100.0, 43.0, 0.40, SQ_EVENT_CNG },
    { 2225.0, 20.0, 0.40, SQ_EVENT_BELL_ANS },
    { 550.0, 25.0, 0.40, SQ_EVENT_GUARD },
    { 1800.0, 25.0, 0.40, SQ_EVENT_GUARD },
    { 980.0, 10.0, 0.30, SQ_EVENT_TONEQ },
};
#define N_RULES (sizeof RULES / sizeof RULES[0])
#define EVENTS_PER_CHUNK (N_RULES + SQ_FSK_LANES + 4 * SQ_QAM_LANES + 4 + PHASE2_EVENTS_PER_CHUNK + \
                          WIDEBAND_EVENTS_PER_CHUNK + V8BIS_MESSAGES_PER_CHUNK + V34_EVENTS_PER_CHUNK + 1)
_Static_assert(EVENTS_PER_CHUNK <= SQ_EVENT_QUEUE, "a chunk's events fit the queue");

/* ANSam: V.8 7.2 nominal depth 0.2 at 15 +/- 0.1 Hz; networks may reduce the depth, and
 * real recordings show 0.16-0.19, so anything above 0.08 at 13.5-16.5 Hz counts (plain
 * tones measure below 0.02 even at -43 dBm0). */
#define ANSAM_MIN_DEPTH 0.08
#define ANSAM_MIN_HZ 13.5
#define ANSAM_MAX_HZ 16.5
/* V.25: reversals every 450 +/- 25 ms; accept 400..500 ms between detected reversals. */
#define ANSPCM_AFTER_QC_S 0.5
#define ANSPCM_AFTER_QTS_S 0.05
#define TONEQ_AFTER_CM_S 3.0
#define LONE_GUARD_MIN_S 1.0
/* A modem's tones are sines; a note played or sung is a harmonic series. A tone whose second
 * and third harmonics are both within 20 dB of it is a note: music's notes near 1100 Hz (their
 * harmonics 6 and 10 dB down) were read as CNG 12 times in two hours. A sine clipped
 * symmetrically gains a third harmonic only, and a tone beside the answer tone (CNG with ANS)
 * may find 2100 Hz near its second: each alone is not enough. */
#define HARMONIC_NOTE_RATIO 0.01
#define REVERSAL_MIN_S 0.40
#define REVERSAL_MAX_S 0.50

/* The tone bank measures harmonics on CNG's frequency only: it is where music's notes were
 * read as a tone. The other frequencies low enough to have both in the band are asked more
 * (550 Hz alone must last a second, 980 Hz must follow a CM), and 980 Hz is V.21's mark,
 * on which the measure would run through every stretch of idle. */
static uint32_t harmonics_asked(void)
{
    uint32_t mask = 0;
    for (size_t i = 0; i < N_RULES; i++)
        if (RULES[i].type == SQ_EVENT_CNG)
            mask |= 1u << i;
    return mask;
}

static const char *const TYPE_NAMES[SQ_EVENT_TYPE_COUNT] = {
    "ans", "ans_pr", "ansam", "ansam_pr", "ct", "cng", "bell_ans", "guard", "v21", "bell103",
    "ci", "cm", "jm", "cj", "usb1", "s1", "sb1", "data", "dtmf", "dial_tone", "ringback", "busy", "reorder",
    "cre", "mre", "crd", "mrd", "esi", "esr", "tone_a", "tone_b", "info0", "info1", "line_probe", "v34_data", "v90_data", "v8bis_msg",
    "v32_aa", "v32_ac", "v32_s", "v32_data", "v92_qc", "anspcm", "toneq",
    "v34_s", "v34_s_bar", "v34_pp", "v34_trn", "v34_j", "v34_j_prime", "v34_e", "mp", "v32_trn", "v32_rate", "v32_e",
    "v90_sd", "v90_trn1d", "v90_dil", "v90_ri", "v90_scr", "v90_ja", "v90_cp",
    "wideband", "echo", "infomarks", "v90_jd", "v90_trn2d", "v90_mp", "qts",
};

/* 16 points need about 20 dB for clean bytes and show many wrong ones under 14 dB; 4 points
 * under 8 dB */
#define DATA_MIN_SNR_DB_16 14.0
#define DATA_MIN_SNR_DB_4 8.0

/* FSK's decision SNR (fsk_lane.c) under which about half a stretch's characters are wrong:
 * 5-7 dB gave 51-55 % right, 7-9 dB 70 %, 9-10 dB 85 %, 11-12 dB 97 % (V.21 and Bell 103,
 * both channels, white noise from 6 to -5 dB over 0-4 kHz, three seeds: 420 stretches) */
#define FSK_MIN_SNR_DB 7.0

int sq_event_readable(const sq_event *ev)
{
    if (ev && (ev->type == SQ_EVENT_V21 || ev->type == SQ_EVENT_BELL103))
        return ev->snr_db >= FSK_MIN_SNR_DB;
    return !ev || ev->type != SQ_EVENT_DATA || ev->snr_db >= (ev->rate == 2400 ? DATA_MIN_SNR_DB_16 : DATA_MIN_SNR_DB_4);
}

const char *sq_event_type_to_str(sq_event_type t)
{
    return (int)t >= 0 && t < SQ_EVENT_TYPE_COUNT ? TYPE_NAMES[t] : "unknown";
}

void sq_decoder_default_settings(sq_decoder_settings *s)
{
    memset(s, 0, sizeof *s);   /* every setting to come (reserved) off */
    s->format = SQ_ASYNC_8N1;
}

int sq_decoder_create(const sq_decoder_settings *s, sq_decoder **out)
{
    if (!out)
        return SQ_EINVAL;
    *out = NULL;
    if (!s || sq_async_format_check(&s->format) != SQ_OK)
        return SQ_EINVAL;
    sq_decoder *d = calloc(1, sizeof *d);
    if (!d)
        return SQ_ENOMEM;
    d->both_sides = s->both_sides != 0;
    sq_dc_block_init(&d->dc, (float)exp(-2.0 * M_PI * SQ_DC_BLOCK_HZ / SQ_PROCESSING_RATE_HZ));
    double freqs[N_RULES];
    for (size_t i = 0; i < N_RULES; i++)
        freqs[i] = RULES[i].nominal_hz;
    int rc = sq_band_watch_init(&d->watch);
    if (rc == SQ_OK)
        rc = sq_tonerx_create(freqs, N_RULES, &d->tones);
    if (rc == SQ_OK)
        sq_tonerx_measure_harmonics(d->tones, harmonics_asked());
    if (rc == SQ_OK)
        rc = sq_event_pool_init(&d->pool);
    if (rc == SQ_OK)
        rc = sq_fsk_lanes_create(d, &s->format);
    if (rc == SQ_OK)
        rc = sq_qam_lanes_create(d, &s->format);
    if (rc == SQ_OK)
        rc = sq_dtmf_rx_create(&d->dtmf.rx);
    if (rc == SQ_OK)
        rc = sq_progress_rx_create(&d->progress);
    if (rc == SQ_OK)
        rc = sq_v8bis_lane_create(d);
    if (rc == SQ_OK)
        rc = sq_phase2_lanes_create(d);
    if (rc == SQ_OK)
        rc = sq_wideband_lane_create(d);
    sq_unnamed_lane_init(&d->unnamed);
    if (rc == SQ_OK)
        rc = sq_v34_lane_create(d);
    if (rc == SQ_OK)
        rc = sq_v90_reader_create(d);
    if (rc != SQ_OK) {
        sq_decoder_destroy(d);
        return rc;
    }
    *out = d;
    return SQ_OK;
}

static int has_pr_cadence(const sq_tone_segment *s)
{
    size_t n = s->n_reversals < SQ_TONERX_MAX_REVERSALS ? s->n_reversals : SQ_TONERX_MAX_REVERSALS;
    if (n == 1) {   /* a tone cut short after its first reversal, 450 ms after onset */
        double first = s->reversals_s[0] - s->start_s;
        return first >= REVERSAL_MIN_S - 0.05 && first <= REVERSAL_MAX_S + 0.05;
    }
    for (size_t i = 1; i < n; i++) {
        double gap = s->reversals_s[i] - s->reversals_s[i - 1];
        if (gap >= REVERSAL_MIN_S && gap <= REVERSAL_MAX_S)
            return 1;
    }
    return 0;
}

static void classify_tone(sq_decoder *d, const sq_tone_segment *s)
{
    const tone_rule *r = &RULES[s->freq_index];
    if (s->end_s - s->start_s < r->min_s || s->freq_hz < r->nominal_hz - r->accept_hz ||
        s->freq_hz > r->nominal_hz + r->accept_hz)
        return;
    if (s->harmonics_measured && s->harmonic_ratio[0] >= HARMONIC_NOTE_RATIO &&
        s->harmonic_ratio[1] >= HARMONIC_NOTE_RATIO)
        return;
    /* Bell and guard tones are carriers in their own right; the others, inside FSK data,
     * are lines of its spectrum. */
    if ((r->type == SQ_EVENT_ANS || r->type == SQ_EVENT_CT || r->type == SQ_EVENT_CNG) &&
        sq_fsk_lanes_cover(d, s->freq_hz, s->start_s, s->end_s))
        return;
    /* a calling tone comes before a call: one inside the V.22 signal on its band is not a
     * caller's (on music, a V.22 lane can lock for minutes and find one now and then) */
    if ((r->type == SQ_EVENT_CT || r->type == SQ_EVENT_CNG) && sq_qam_lanes_cover(d, s->freq_hz, s->start_s, s->end_s))
        return;
    /* the 1800 Hz line beside tone A and the answer modem's INFO is their guard (V.34
     * 10.1.2.1), not V.22's */
    if (r->type == SQ_EVENT_GUARD && sq_phase2_lanes_cover(d, s->freq_hz, s->start_s, s->end_s))
        return;
    /* INFOMARKSa's lines lie at 2100 Hz (an answer tone's) and 2700 Hz, beside its guard */
    if ((r->type == SQ_EVENT_ANS || r->type == SQ_EVENT_GUARD) &&
        sq_phase2_lanes_marks_cover(d, s->freq_hz, s->start_s, s->end_s))
        return;
    /* 980 Hz is V.21's mark too: it is V.92's TONEq only from a modem that stopped its CM
     * without a CJ (on hearing a QCA1d, V.92 9.2.1.1) within the last few seconds */
    double cm_end_s = sq_fsk_lanes_last_cm_end_s(d);
    if (r->type == SQ_EVENT_TONEQ &&
        !(cm_end_s > d->cj_end_s && s->start_s >= cm_end_s - 0.05 && s->start_s - cm_end_s < TONEQ_AFTER_CM_S))
        return;
    /* A guard tone is sent only while the modem sends in the high channel (V.22bis 2.1), for
     * as long as it does. With that V.22 signal beside it, the follower that measures it
     * under the signal reports it (v22_guard.c). Alone, 550 Hz is named a guard only when it
     * lasts seconds as a guard does (music's notes there, half a second each, were reported
     * as guards 10 times in two hours); 1800 Hz alone is V.32's AA, below. */
    int beside_v22 = sq_qam_lanes_cover(d, 2400.0, s->start_s, s->end_s);
    if (r->type == SQ_EVENT_GUARD &&
        (beside_v22 || (r->nominal_hz == 550.0 && s->end_s - s->start_s < LONE_GUARD_MIN_S)))
        return;
    /* an 1800 Hz tone with no V.22 signal beside it is V.32's AA (V.32bis 5.2), not a guard */
    int aa = r->type == SQ_EVENT_GUARD && r->nominal_hz == 1800.0;
    sq_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = aa ? SQ_EVENT_V32_AA : r->type;
    if (aa) {
        d->v32_side = 1;
        d->v32_aa_power = sq_dbm0_to_power(s->level_dbm0);
        sq_v34_lane_arm_v32(d, 1);   /* the caller's training follows, after the answerer's */
    }
    ev.start_s = s->start_s;
    ev.end_s = s->end_s;
    ev.freq_hz = s->freq_hz;
    ev.level_dbm0 = s->level_dbm0;
    if (aa) {   /* AA turns into CC with a reversal */
        ev.n_reversals = s->n_reversals;
        size_t n = s->n_reversals < SQ_EVENT_MAX_REVERSALS ? s->n_reversals : SQ_EVENT_MAX_REVERSALS;
        memcpy(ev.reversals_s, s->reversals_s, n * sizeof ev.reversals_s[0]);
    }
    if (r->type == SQ_EVENT_ANS) {
        int am = s->am_depth >= ANSAM_MIN_DEPTH && s->am_hz >= ANSAM_MIN_HZ &&
                 s->am_hz <= ANSAM_MAX_HZ;
        int pr = has_pr_cadence(s);
        ev.type = am ? (pr ? SQ_EVENT_ANSAM_PR : SQ_EVENT_ANSAM) : (pr ? SQ_EVENT_ANS_PR : SQ_EVENT_ANS);
        /* a digital modem sends ANSpcm 75 ms after its QC sequence, QTS and QTS-bar between
         * (V.92 9.2.4.1): the same tone as ANS/ to a listener, told apart by what came before.
         * A digital caller sends CM after its QC1d until it hears QCA1a (9.2.2.1), which can
         * put seconds between them: right after a QTS-bar it is ANSpcm too. */
        int after_qc = d->qc_digital_end_s > 0.0 && s->start_s - d->qc_digital_end_s < ANSPCM_AFTER_QC_S &&
                       s->start_s >= d->qc_digital_end_s - 0.05;
        int after_qts = d->qts_end_s > 0.0 && fabs(s->start_s - d->qts_end_s) < ANSPCM_AFTER_QTS_S;
        if (!am && (after_qc || after_qts))
            ev.type = SQ_EVENT_ANSPCM;
        if (ev.type != SQ_EVENT_ANSPCM) {
            d->answer_tone_end_s = s->end_s;
            d->answer_tone_seen = 1;
        }
        ev.am_hz = s->am_hz;
        ev.am_depth = s->am_depth;
        ev.n_reversals = s->n_reversals;
        size_t n = s->n_reversals < SQ_EVENT_MAX_REVERSALS ? s->n_reversals : SQ_EVENT_MAX_REVERSALS;
        memcpy(ev.reversals_s, s->reversals_s, n * sizeof ev.reversals_s[0]);
    }
    sq_event_pool_queue(&d->pool, &ev, -1);
}

static void drain_tones(sq_decoder *d)
{
    sq_tone_segment s;
    while (sq_tonerx_next_segment(d->tones, &s))
        classify_tone(d, &s);
}

/* Call-progress tones named by the receiver become events. */
static void drain_progress(sq_decoder *d)
{
    static const sq_event_type types[SQ_PROGRESS_KIND_COUNT] = {
        [SQ_PROGRESS_DIAL] = SQ_EVENT_DIAL_TONE, [SQ_PROGRESS_RINGBACK] = SQ_EVENT_RINGBACK,
        [SQ_PROGRESS_BUSY] = SQ_EVENT_BUSY, [SQ_PROGRESS_REORDER] = SQ_EVENT_REORDER,
    };
    sq_progress_tone t;
    while (sq_progress_rx_next(d->progress, &t) == SQ_OK) {
        sq_event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = types[t.kind];
        ev.start_s = t.start_s;
        ev.end_s = t.end_s;
        ev.freq_hz = t.freq_hz;
        ev.freq2_hz = t.freq2_hz;
        ev.level_dbm0 = t.level_dbm0;
        ev.bursts = t.bursts;
        ev.on_s = t.on_s;
        ev.off_s = t.off_s;
        sq_event_pool_queue(&d->pool, &ev, -1);
    }
}

/* Text buffers a chunk may take: one for each lane that holds none (an FSK stretch or V.22
 * data opening), one for a dialled number. Counting those that are free of all twelve would
 * wait for ever once every FSK lane holds an open stretch and two hold pending ones too: no
 * event to poll would free any (a fuzz finding). */
static size_t buffers_wanted(const sq_decoder *d)
{
    size_t n = 1;
    for (int i = 0; i < SQ_FSK_LANES; i++)
        n += d->lanes[i].buf < 0;
    for (int i = 0; i < SQ_QAM_LANES; i++)
        n += d->qam[i].buf < 0;
    return n + (d->wideband.probe_blocks > 0);   /* line probing's measure of the line */
}

/* Whether an event is one only a V.34 / V.90 call holds: evidence that a tone A or B near it
 * is one too (phase2_lane.c). */
static int v34_evidence(const sq_event *ev)
{
    sq_event_type t = ev->type;
    if (t == SQ_EVENT_INFO0 || t == SQ_EVENT_INFO1)
        return ev->crc_ok;
    if (t == SQ_EVENT_TONE_A || t == SQ_EVENT_TONE_B)
        return ev->n_reversals > 0;
    return t == SQ_EVENT_LINE_PROBE || t == SQ_EVENT_INFOMARKS || t == SQ_EVENT_V34_DATA || t == SQ_EVENT_V90_DATA || t == SQ_EVENT_MP ||
           (t >= SQ_EVENT_V34_S && t <= SQ_EVENT_V34_E) || (t >= SQ_EVENT_V90_SD && t <= SQ_EVENT_V90_CP) || t == SQ_EVENT_V90_JD ||
           t == SQ_EVENT_V90_TRN2D || t == SQ_EVENT_V90_MP;
}

/* Whether an event starts a call, or a call's V.8 exchange: after it a V.22 call can begin. */
static int call_start(const sq_event *ev)
{
    sq_event_type t = ev->type;
    return t == SQ_EVENT_ANS || t == SQ_EVENT_ANS_PR || t == SQ_EVENT_ANSAM || t == SQ_EVENT_ANSAM_PR ||
           t == SQ_EVENT_BELL_ANS || t == SQ_EVENT_CT || t == SQ_EVENT_CNG || t == SQ_EVENT_CI || t == SQ_EVENT_CM ||
           t == SQ_EVENT_JM;
}

/* Tells the unnamed lane what the events queued since `before` (a queue count) cover. */
static void note_new_events(sq_decoder *d, size_t before)
{
    for (size_t i = before; i < d->pool.count; i++) {
        const sq_event *ev = &d->pool.events[(d->pool.head + i) % SQ_EVENT_QUEUE];
        sq_unnamed_lane_note(d, ev);
        if (v34_evidence(ev) && ev->end_s > d->v34_heard_s)
            d->v34_heard_s = ev->end_s;
        if (call_start(ev) && ev->start_s > d->call_start_heard_s)
            d->call_start_heard_s = ev->start_s;
    }
}

static double lanes_horizon_s(const sq_decoder *d, double stop_below_s);

int sq_decoder_toneq_sounding(const sq_decoder *d)
{
    for (size_t i = 0; i < N_RULES; i++)
        if (RULES[i].type == SQ_EVENT_TONEQ)
            return sq_tonerx_following(d->tones, i);
    return 0;
}

int sq_data_under_way(const sq_decoder *d)
{
    return sq_wideband_lane_transmitting(d) || sq_qam_lanes_carrying(d) ||
           sq_fsk_lanes_carrying_data(d);
}

/* The tone bank's tones come before a modem's data: answer and calling tones before any
 * of it, the guard tone with V.22 alone (the answerer's, from the start of its signal and all
 * through its data). Inside data the others cannot start, so their frequencies rest; what
 * the bank would have found there is the data's own spectral lines, which the timeline drops
 * anyway. Inside V.22 data a guard tone already being followed goes on being followed; one
 * that is not cannot start there. */
static uint32_t tones_resting(const sq_decoder *d)
{
    uint32_t all = (1u << N_RULES) - 1u, guards_heard = 0;
    if (sq_wideband_lane_transmitting(d) || sq_fsk_lanes_carrying_data(d))
        return all;
    if (!sq_qam_lanes_carrying(d))
        return 0;
    for (size_t i = 0; i < N_RULES; i++)
        guards_heard |= (uint32_t)(RULES[i].type == SQ_EVENT_GUARD && sq_tonerx_following(d->tones, i)) << i;
    return all & ~guards_heard;
}

/* The exchange's tones come before a call or after it: inside data the call-progress
 * receiver rests, not even keeping its history, which the band watch gives back after. */
static void progress_chunk(sq_decoder *d, const float *x, size_t n)
{
    if (sq_data_under_way(d)) {
        sq_progress_rx_rest_unkept(d->progress, x, n);
        return;
    }
    float last[SQ_RECEIVER_RECALL_MAX];
    size_t m = sq_progress_rx_history_wanted(d->progress);
    if (m)
        sq_progress_rx_recall(d->progress, sq_band_watch_last(&d->watch, d->samples, last, m), m);
    sq_progress_rx_process(d->progress, x, n);
}

/* Runs every lane over up to one chunk of the input, its offset taken out; returns how many
 * samples the tone receiver took (fewer only when its segment queue is nearly full: the DC
 * blocker then goes back to where those end, as the rest will come again). */
static size_t run_chunk(sq_decoder *d, const float *input, size_t len)
{
    float x[CHUNK];
    sq_dc_block before = d->dc;
    sq_dc_block_run(&d->dc, input, x, len);
    size_t queued = d->pool.count;
    sq_tonerx_rest(d->tones, tones_resting(d));
    float last[SQ_RECEIVER_RECALL_MAX];
    size_t m = sq_tonerx_history_wanted(d->tones);
    if (m)   /* what it left out while the whole bank rested */
        sq_tonerx_recall(d->tones, sq_band_watch_last(&d->watch, d->samples, last, m), m);
    size_t took = sq_tonerx_process(d->tones, x, len);
    /* inside V.22 data or established FSK text, half the spectra (the hours of V.21 and
     * V.22bis: a tenth of their time went to the watch's FFTs) */
    sq_band_watch_sparse(&d->watch, sq_qam_lanes_carrying(d) || sq_fsk_lanes_plain_data(d));
    sq_band_watch_push(&d->watch, x, took);
    sq_fsk_lanes_process(d, x, took);
    sq_qam_lanes_process(d, x, took);
    sq_dtmf_lane_process(d, x, took);
    progress_chunk(d, x, took);
    sq_v8bis_lane_process(d, x, took);
    sq_phase2_lanes_process(d, x, took);
    sq_wideband_lane_process(d, x, took);
    sq_v34_lane_process(d, x, took);
    sq_qts_watch_process(d, x, took);
    drain_progress(d);
    d->samples += took;
    drain_tones(d);
    note_new_events(d, queued);
    /* the lanes are asked only while a block waits, and only until one has not passed it
     * (asking them all every chunk took 2.7 % of the instructions decoding 10 minutes of V.21
     * text, the FSK lane's horizon holding all the while; so, next to none: callgrind) */
    double waiting_end_s;
    if (sq_unnamed_lane_waiting(d, &waiting_end_s))
        sq_unnamed_lane_decide(d, lanes_horizon_s(d, waiting_end_s));
    if (took < len) {
        d->dc = before;
        sq_dc_block_run(&d->dc, input, x, took);
    }
    return took;
}

/* Samples are gathered into whole chunks before any lane sees them: lanes decide to sleep,
 * wake and close runs at chunk ends, so chunks that always fall on the same samples give the
 * same timeline however the caller cuts its pushes (a sample at a time or a second at a
 * time). */
/* Each chunk can end a segment on every tone and close every lane. */
static int room_for_chunk(const sq_decoder *d)
{
    return sq_event_pool_has_room(&d->pool, EVENTS_PER_CHUNK, buffers_wanted(d));
}

size_t sq_decoder_push(sq_decoder *d, const float *x, size_t n)
{
    size_t done = 0;
    /* whole chunks straight from x while nothing is staged: the same chunks, one copy fewer */
    while (d->staged == 0 && n - done >= CHUNK &&
           room_for_chunk(d)) {
        size_t took = run_chunk(d, x + done, CHUNK);
        done += took;
        if (took < CHUNK) {   /* the tone receiver's queue is full: keep the rest staged */
            memcpy(d->stage, x + done, (CHUNK - took) * sizeof *x);
            d->staged = CHUNK - took;
            done += CHUNK - took;
            return done;
        }
    }
    while (done < n || d->staged == CHUNK) {
        size_t take = n - done < CHUNK - d->staged ? n - done : CHUNK - d->staged;
        if (take)   /* x may be NULL when n is 0 */
            memcpy(d->stage + d->staged, x + done, take * sizeof *x);
        d->staged += take;
        done += take;
        if (d->staged < CHUNK)
            break;
        if (!room_for_chunk(d))
            break;
        size_t took = run_chunk(d, d->stage, CHUNK);
        memmove(d->stage, d->stage + took, (CHUNK - took) * sizeof *x);
        d->staged = CHUNK - took;
        if (took < CHUNK)
            break;
    }
    return done;
}

static double tones_horizon_s(const sq_decoder *d, double now_s)
{
    (void)now_s;
    return sq_tonerx_open_since_s(d->tones);
}

static double progress_horizon_s(const sq_decoder *d, double now_s)
{
    (void)now_s;
    return sq_progress_rx_open_since_s(d->progress);
}

/* Each lane's horizon (the time before which it will report nothing more), the FSK and V.22
 * lanes' first: inside their data theirs is the one that holds. */
static double (*const LANE_HORIZONS[])(const sq_decoder *, double) = {
    sq_fsk_lanes_horizon_s, sq_qam_lanes_horizon_s, tones_horizon_s, sq_dtmf_lane_horizon_s, progress_horizon_s,
    sq_v8bis_lane_horizon_s, sq_phase2_lanes_horizon_s, sq_wideband_lane_horizon_s, sq_v34_lane_horizon_s,
    sq_qts_watch_horizon_s,
};

/* The earliest of the lanes' horizons and now; once it falls under stop_below_s, the lanes
 * not yet asked are not (the answer is then only known to be under stop_below_s). */
static double lanes_horizon_s(const sq_decoder *d, double stop_below_s)
{
    double h = (double)d->samples / SQ_PROCESSING_RATE_HZ, now_s = h;
    for (size_t i = 0; i < sizeof LANE_HORIZONS / sizeof LANE_HORIZONS[0] && !(h < stop_below_s); i++)
        h = sq_earlier_s(h, LANE_HORIZONS[i](d, now_s));
    return h;
}

double sq_decoder_horizon_s(const sq_decoder *d)
{
    return sq_unnamed_lane_horizon_s(d, lanes_horizon_s(d, -INFINITY));
}

int sq_decoder_next_event(sq_decoder *d, sq_event *ev)
{
    return sq_event_pool_next(&d->pool, ev);
}

void sq_decoder_finish(sq_decoder *d)
{
    /* what is still staged, a last part chunk */
    for (size_t off = 0; off < d->staged;) {
        size_t took = run_chunk(d, d->stage + off, d->staged - off);
        if (took == 0)
            break;   /* the tone receiver's queue is full: cannot happen after a drain */
        off += took;
    }
    d->staged = 0;
    size_t queued = d->pool.count;
    sq_tonerx_finish(d->tones);
    drain_tones(d);
    sq_fsk_lanes_finish(d);
    sq_qam_lanes_finish(d, (double)d->samples / SQ_PROCESSING_RATE_HZ);
    sq_dtmf_lane_finish(d);
    sq_progress_rx_finish(d->progress);
    drain_progress(d);
    sq_v8bis_lane_finish(d);
    sq_phase2_lanes_finish(d);
    /* phase 3 and 4's segments (an MP the file cut short) before the stretch they sit in
     * is told: the wideband lane asks the V.34 lane what it read */
    sq_v34_lane_finish(d);
    sq_wideband_lane_finish(d);
    sq_qts_watch_finish(d);
    note_new_events(d, queued);
    sq_unnamed_lane_finish(d);
}

void sq_decoder_set_symbol_tap(sq_decoder *d, sq_decoder_symbol_fn fn, void *user)
{
    d->symbol_tap = fn;
    d->symbol_tap_user = user;
}

void sq_decoder_set_fsk_bit_tap(sq_decoder *d, sq_decoder_fsk_bit_fn fn, void *user)
{
    d->bit_tap = fn;
    d->bit_tap_user = user;
}

void sq_decoder_destroy(sq_decoder *d)
{
    if (!d)
        return;
    sq_tonerx_destroy(d->tones);
    sq_fsk_lanes_destroy(d);
    sq_qam_lanes_destroy(d);
    sq_dtmf_rx_destroy(d->dtmf.rx);
    sq_progress_rx_destroy(d->progress);
    sq_wideband_lane_destroy(d);
    sq_v34_lane_destroy(d);
    sq_v90_reader_destroy(d);
    sq_event_pool_free(&d->pool);
    sq_band_watch_free(&d->watch);
    free(d);
}
