/* The timeline decoder's V.22 / V.22bis lanes: one per carrier (1200 Hz, the caller's band,
 * channel 1; 2400 Hz, the answerer's, channel 2). Each runs the pump's receiver and, with no
 * transmitter of its own, follows the start-up from what it hears (spec 4.6, 4.7):
 *   usb1  the answerer's unscrambled 1s;
 *   s1    a 2400 bit/s request; in data, a retrain or a rate change (V.22bis 6.4, 6.6),
 *         after which the lane follows the training again to the rate it settles on;
 *   sb1   scrambled 1s, from the end of S1 (or from its recognition, with no S1) to data,
 *         at the rate the lane settled on;
 *   data  from the first 32 1s at the final rate to the loss of the carrier, with the
 *         start-stop characters it carried, or, once a V.42 LAPM frame with a good FCS turns
 *         up, the information in its I frames instead (each once, in order, as the far
 *         receiver took them).
 * The matched filter of each lane passes only its own band, so a mono line mix separates by
 * itself. */
#include <math.h>
#include <string.h>
#include "dsp/qam.h"
#include "src/decode/decoder_internal.h"
#include "squeal/level.h"
#include "src/proto/lapm.h"
#include "src/proto/v22_detect.h"
#include "squeal/error.h"

#define USB1_MIN_SYMBOLS 60         /* 100 ms of +270 degrees every symbol (USB1 lasts >= 155 ms;
                                     * V.21's 980 Hz mark reads the same on the 1200 Hz carrier) */
/* USB1 as an event: the answerer sends it until the caller's S1 has ended (V.22bis
 * 6.3.1.1), which the caller sends 155 + 456 ms after USB1 reaches it and for 100 ms: 0.7 s
 * at least (0.75 s on a real call, 1.2-1.5 s from squeal). Music's notes near 2250 Hz that
 * swell and fade read as 130-175 ms of it, 11 times in two hours. */
#define USB1_EVENT_SYMBOLS 180      /* 300 ms */
#define USB1_MAX_MID_RATIO 0.95     /* USB1 dips between symbols (0.7 from squeal, 0.9 from a real
                                     * modem through MP3); a steady tone stays at 1 */
#define USB1_AFTER_ANSWER_S 1.0   /* V.22bis 6.3.1.1: USB1 75 ms after the answer tone (or JM) */
#define S1_CONTEXT_S 3.0            /* S1 counts this long after S1, SB1 or data */
/* ... and this soon after USB1 ends: the answerer's own S1 replaces its USB1 (V.22bis
 * 6.3.1.1.1), and the caller's comes while USB1 is still sent. Music's false USB1s (a note
 * near 2250 Hz that swells and fades) were followed by chords read as S1 1.6 and 2.7 s
 * later, and each opened a "call" that its own later chords kept going for minutes. */
#define USB1_S1_GAP_S 0.5
#define S1_ALONE_SYMBOLS 48         /* S1 with no call before it: most of its 60 symbols, */
#define S1_CONFIRM_ONES 64          /* then this many scrambled 1s in 16 points (the S1 asked */
#define S1_CONFIRM_S 1.0            /* for 2400 bit/s), within this: music passes for S1 */
#define OFF_SYMBOLS ((int)(SQ_V22_CARRIER_OFF_MS * SQ_QAM_BAUD / 1000.0))   /* 39 */
/* The fast level falls below OFF about 30 ms after a carrier stops; the characters read in
 * the symbols before that (and in the quiet that follows) are not the far end's */
#define FADE_SYMBOLS 24
#define WAIT_2400_S 3.0             /* no 2400 bit/s points by then: the far end stayed at 1200
                                     * (the far end switches 600 ms after the S1 it hears: a
                                     * round trip after its own, 0.5 s or more over sound cards) */
#define SB1_BACKDATE_S 0.27         /* SB1 is recognised after 270 ms of it */
/* SB1 at 2400 lasts 200 ms before data: past that, data begins even if noise keeps the lane
 * from seeing 32 clean 1s (the data event then says how poor the line was) */
#define DATA_AFTER_2400_S 0.3
#define QAM_WAKE_PREROLL 1536u      /* samples heard again on waking: 192 ms of the band watch's */
/* A hunting lane also sleeps while the core of its band (the carrier +/- QAM_WATCH_HALF_HZ,
 * the Nyquist band of 600 baud, where a V.22 signal has nearly all its power: USB1 at -150
 * Hz, S1's lines at +-300) stays under the FSK lanes' sleep level (-64 dBm0) for
 * QAM_SLEEP_AFTER_S. The whole band (+-SQ_QAM_BAND_HALF_HZ) is not watched: a V.22 signal on
 * the other carrier reaches into its edge (spandsp's 2400 Hz one at -12 dBm0 reads -62 to
 * -66 dBm0 in 600-1800 Hz, -71 to -76 in 900-1500), and would keep the lane hunting on it. */
#define QAM_WATCH_HALF_HZ 300.0
#define QAM_SLEEP_AFTER_S 0.25

static double to_s(uint64_t sample)
{
    return (double)sample / SQ_PROCESSING_RATE_HZ;
}

static void queue_simple(sq_decoder *d, sq_qam_lane *l, sq_event_type t, double start_s,
                         double end_s, int rate)
{
    sq_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = t;
    ev.start_s = start_s;
    ev.end_s = end_s;
    ev.fsk_channel = l->channel;
    ev.rate = rate;
    ev.level_dbm0 = sq_qam_rx_level_dbm0(l->rx);
    ev.freq_hz = l->carrier_hz;
    sq_event_pool_queue(&d->pool, &ev, -1);
}

static void mark_active(sq_qam_lane *l, double start_s, double end_s)
{
    if (!l->active || start_s > l->active_end_s + 0.5) {
        l->active_start_s = start_s;
        l->active = 1;
    }
    if (end_s > l->active_end_s)
        l->active_end_s = end_s;
}

/* S1, SB1 or data heard from start_s to end_s: a call under way, which an S1 may follow */
static void mark_call(sq_qam_lane *l, double start_s, double end_s)
{
    mark_active(l, start_s, end_s);
    l->in_call = 1;
    l->call_end_s = end_s;
}

int sq_qam_lanes_create(sq_decoder *d, const sq_async_format *format)
{
    static const double carriers[SQ_QAM_LANES] = { SQ_QAM_CALLER_CARRIER_HZ, SQ_QAM_ANSWERER_CARRIER_HZ };
    d->qam_on_power = sq_dbm0_to_power(SQ_V22_CARRIER_ON_DBM0);
    d->qam_off_power = sq_dbm0_to_power(SQ_V22_CARRIER_OFF_DBM0);
    for (int i = 0; i < SQ_QAM_LANES; i++) {
        sq_qam_lane *l = &d->qam[i];
        memset(l, 0, sizeof *l);
        l->channel = i + 1;
        l->carrier_hz = carriers[i];
        l->buf = -1;
        int rc = sq_qam_rx_create(l->carrier_hz, &l->rx);
        if (rc == SQ_OK)
            rc = sq_async_rx_create(format, &l->uart);
        if (rc != SQ_OK)
            return rc;
        sq_async_rx_accept_deleted_stops(l->uart, 1);
        sq_v22_detector_init(&l->det);
        l->band = sq_band_watch_add_band(&d->watch, l->carrier_hz - QAM_WATCH_HALF_HZ, l->carrier_hz + QAM_WATCH_HALF_HZ);
        if (l->band < 0)
            return SQ_ENOMEM;
    }
    return sq_v22_guard_create(d);
}

static void close_data(sq_decoder *d, sq_qam_lane *l, double end_s)
{
    if (l->state == QL_DATA && l->buf >= 0) {
        l->ev.end_s = end_s;   /* its level is the one heard last while the carrier was on */
        if (l->level_power >= 0.0)
            l->ev.level_dbm0 = sq_power_to_dbm0(l->level_power);
        l->ev.snr_db = sq_db_sum_total(&l->snr) / fmax(1.0, (double)l->snr.count);
        sq_event_pool_queue(&d->pool, &l->ev, l->buf);
        l->buf = -1;
    }
}

/* The carrier went away, or the lane lost its way: back to listening for the start-up. */
static void back_to_hunt(sq_decoder *d, sq_qam_lane *l, double end_s)
{
    if ((l->state == QL_SB1 || l->state == QL_AFTER_S1) && !l->s1_pending)
        queue_simple(d, l, SQ_EVENT_SB1, l->sb1_start_s, end_s, l->rate);
    l->s1_pending = 0;
    close_data(d, l, end_s);
    l->state = QL_HUNT;
    l->kept_lock = l->lapm_before = 0;
    sq_qam_rx_reset(l->rx);
    sq_v22_detector_init(&l->det);
    sq_async_rx_reset(l->uart);
}

static void start_coherent(sq_qam_lane *l, int after_s1, double now_s)
{
    /* an S1 heard through a receiver still locked from data was measured derotated: the
     * carrier loop knows the offset better than the S1 run does */
    if (!l->kept_lock)
        sq_qam_rx_set_freq_offset(l->rx, l->det.foff_hz);
    l->kept_lock = 0;
    sq_qam_rx_set_decide(l->rx, SQ_QAM_DECIDE_4);
    l->state = after_s1 ? QL_AFTER_S1 : QL_SB1;
    l->rate = 1200;
    l->rate_hits = 0;
    l->marks = 0;
    l->coherent_s = now_s;
    l->sb1_start_s = after_s1 ? now_s : fmax(0.0, now_s - SB1_BACKDATE_S);
    sq_async_rx_reset(l->uart);
}

static void open_data(sq_decoder *d, sq_qam_lane *l, double now_s)
{
    queue_simple(d, l, SQ_EVENT_SB1, l->sb1_start_s, now_s, l->rate);
    l->buf = sq_event_pool_acquire(&d->pool);
    memset(&l->ev, 0, sizeof l->ev);
    l->level_power = -1.0;
    l->ev.type = SQ_EVENT_DATA;
    l->ev.start_s = now_s;
    l->ev.fsk_channel = l->channel;
    l->ev.rate = l->rate;
    l->ev.freq_hz = l->carrier_hz;
    sq_db_sum_reset(&l->snr);
    l->history_pos = 0;
    l->state = QL_DATA;
    sq_hdlc_rx_init(&l->hdlc);
    l->lapm = l->lapm_before;   /* after a retrain, no start-stop detection phase comes first */
    l->lapm_before = 0;
    l->lapm_next_ns = -1;
    l->flag_seen = 0;
    sq_v22_detector_init(&l->s1_watch);
}

/* Symbols of S1 already read as data when the watch recognises it (the detector's run,
 * plus a symbol or two before it counts) */
#define S1_IN_DATA_SYMBOLS (SQ_V22_S1_DETECT_SYMBOLS + 3)
/* In data the S1 watch runs the whole detector from this many alternations on: the last
 * SQ_V22_S1_DETECT_SYMBOLS - S1_WATCH_WHOLE_FROM symbols before S1 counts, 20 line bits,
 * are more than its descrambler's 17. */
#define S1_WATCH_WHOLE_FROM (SQ_V22_S1_DETECT_SYMBOLS - 10)

/* In data, S1 from the same side: the data ends where S1 began (what its symbols made of
 * characters is taken back), and the lane hunts on with its receiver still locked, so the
 * end of S1 starts the training after it as at the start of the call. */
static int s1_in_data(sq_decoder *d, sq_qam_lane *l, const sq_qam_symbol *sym)
{
    sq_v22_detector *w = &l->s1_watch;
    if (w->s1_run < S1_WATCH_WHOLE_FROM) {
        /* the turns alone, until a run of S1's could be one: the whole detector's descrambler
         * (SB1's, after the S1) holds the last 17 line bits, and ones in a row it resets on a
         * 0, which the whole detector has all seen by the time S1 counts; its line measure
         * starts over at S1, and is not asked for after it (the carrier loop kept its lock);
         * its SB1 count is 0 inside an S1 run */
        int turn = sq_v22_turn(sym->z, w->prev_z);
        w->prev_z = sym->z;
        /* as selects: data's turns are random */
        int alternates = ((turn == 1) & (w->prev_turn == 3)) | ((turn == 3) & (w->prev_turn == 1));
        w->usb1_run = (w->usb1_run + 1) & -(turn == 3);
        w->s1_run = (w->s1_run + 1) & -alternates;
        w->prev_turn = turn;
        w->sb1_bits = 0;
        return 0;
    }
    sq_v22_detector_symbol(w, sym->z, 1);
    if (w->s1_run < SQ_V22_S1_DETECT_SYMBOLS)
        return 0;
    if (!l->lapm && l->history_pos >= S1_IN_DATA_SYMBOLS)
        l->ev.data_len = l->len_history[(l->history_pos - S1_IN_DATA_SYMBOLS) % 32];
    close_data(d, l, to_s(sym->sample) - S1_IN_DATA_SYMBOLS / SQ_QAM_BAUD);
    l->lapm_before = l->lapm;
    l->det = l->s1_watch;
    l->kept_lock = 1;
    l->state = QL_HUNT;
    sq_async_rx_reset(l->uart);
    return 1;
}

/* A good HDLC frame in the data: LAPM (DLCI 0) turns the event over to frames; an I frame
 * numbered as the next one expected adds its information. */
static void lapm_frame(sq_decoder *d, sq_qam_lane *l, size_t n)
{
    int ns;
    sq_lapm_frame_kind kind = sq_lapm_frame_kind_of(l->frame, n, &ns);
    if (kind == SQ_LAPM_NOT_OURS)
        return;
    if (!l->lapm) {
        /* what the start-stop receiver made of the frames goes; the characters before
         * them (a V.42 detection phase) stay */
        l->lapm = 1;
        l->ev.data_len = l->flag_seen ? l->len_at_flag : 0;
    }
    if (kind != SQ_LAPM_I_FRAME || n < 3)
        return;
    if (l->lapm_next_ns >= 0 && ns != l->lapm_next_ns)
        return;   /* sent again, or after a lost one: the far end takes it later */
    l->lapm_next_ns = (ns + 1) & 127;
    l->ev.lapm_frames++;
    for (size_t i = 3; i < n && l->ev.data_len < SQ_TEXT_CAPACITY; i++)
        d->pool.bufs[l->buf][l->ev.data_len++] = l->frame[i];
}

/* The power envelope of a PSK signal (USB1 among them) repeats every symbol, close to
 * A + B cos(2 pi t / T + p). Relative to the on-sample's power, the mid-sample's is
 * A - B cos p and the quarter-sample's A + B sin p, so A, B cos p and B sin p follow from the
 * three whatever the timing phase p. They are averaged over the last 32 symbols or so, in
 * which p hardly moves even while the timing settles, and in which noise averages out. */
#define DIP_ALPHA (1.0 / 32.0)
#define DIP_SETTLED_SYMBOLS 32

static void follow_dip(sq_qam_dip *p, const sq_qam_symbol *sym, int go_on)
{
    double a = (1.0 + sym->mid_ratio) / 2.0, b_cos = (1.0 - sym->mid_ratio) / 2.0, b_sin = sym->quarter_ratio - a;
    if (!go_on) {
        p->a = a;
        p->b_cos = b_cos;
        p->b_sin = b_sin;
        return;
    }
    p->a += DIP_ALPHA * (a - p->a);
    p->b_cos += DIP_ALPHA * (b_cos - p->b_cos);
    p->b_sin += DIP_ALPHA * (b_sin - p->b_sin);
}

/* The mid-to-on power ratio with the on-samples on the envelope's peaks, (A - B) / (A + B):
 * 1 for a steady tone. */
static double dip_ratio(const sq_qam_dip *p)
{
    double b = sqrt(p->b_cos * p->b_cos + p->b_sin * p->b_sin);
    return p->a > b ? (p->a - b) / (p->a + b) : 0.0;
}

/* USB1 still being sent, as far as the run so far shows: long enough, and dipping between
 * symbols (by the mean over the run, or by the dip measured whatever the timing phase). A
 * steady tone 150 Hz under the carrier turns the same way every symbol but does not dip: a
 * note of music held there made the S1 a chord gave count as the caller's reply. */
static int usb1_under_way(const sq_qam_lane *o)
{
    return o->det.usb1_run >= USB1_MIN_SYMBOLS &&
           (o->run_mid_sum / o->det.usb1_run < USB1_MAX_MID_RATIO || dip_ratio(&o->dip) < USB1_MAX_MID_RATIO);
}

/* S1 is two tones 300 Hz apart, which a chord can be too: it counts only within a V.22
 * call, that is during or right after USB1, in a call already under way, or soon after V.8
 * ended with CJ (one side of a stereo recording holds the caller's CJ and S1 but not the
 * USB1). */
static int in_v22_call(const sq_decoder *d, double s1_start_s, double now_s)
{
    if (d->cj_seen && now_s - d->cj_end_s < S1_CONTEXT_S)
        return 1;
    for (int i = 0; i < SQ_QAM_LANES; i++) {
        const sq_qam_lane *o = &d->qam[i];
        if ((o->state != QL_HUNT && !o->s1_pending) || (o->channel == 2 && usb1_under_way(o)) ||
            (o->usb1_heard && s1_start_s - o->usb1_end_s < USB1_S1_GAP_S) ||
            (o->in_call && o->call_end_s > now_s - S1_CONTEXT_S))
            return 1;
    }
    return 0;
}

static void hunt_symbol(sq_decoder *d, sq_qam_lane *l, const sq_qam_symbol *sym, int live)
{
    double now_s = to_s(sym->sample);
    int was_usb1 = l->det.usb1_run, was_s1 = l->det.s1_run;
    double usb1_mid_sum = l->run_mid_sum;
    double usb1_dip = l->run_dip_n ? l->run_dip_sum / l->run_dip_n : dip_ratio(&l->dip);
    sq_v22_detector_symbol(&l->det, sym->z, live);
    /* a steady tone near the carrier (Bell 103's 2225 Hz mark, a note of music) turns like
     * USB1 but has no dip between symbols: the mean over the run tells them apart, when the
     * receiver's timing sits near the envelope's peaks. Right after an answer tone or CJ,
     * where V.22 puts USB1, the dip is measured whatever the timing phase: a real call's
     * weak USB1, whose timing was still settling, read a mean of 0.93-0.99 by the sample
     * it started on and a dip of 0.80-0.88. The dip is the mean over the run once its
     * average has settled: read where the run ended, it took in the run's last symbols,
     * where USB1 had stopped under the caller's S1 (0.965 from one of 14 starting samples,
     * 0.86 through the run) */
    if (l->channel == 2) {   /* USB1 is the answerer's */
        follow_dip(&l->dip, sym, l->det.usb1_run > 1);
        int settled = l->det.usb1_run > DIP_SETTLED_SYMBOLS;
        l->run_dip_sum = settled ? l->run_dip_sum + dip_ratio(&l->dip) : 0.0;
        l->run_dip_n = settled ? l->run_dip_n + 1 : 0;
        sq_qam_rx_want_quarter(l->rx, l->det.usb1_run > 0);   /* from the run's second symbol */
    }
    l->run_mid_sum = (l->det.usb1_run > 1 ? l->run_mid_sum : 0.0) + (double)sym->mid_ratio;
    double run_start_s = now_s - was_usb1 / SQ_QAM_BAUD;
    int after_answer = (d->answer_tone_seen && run_start_s - d->answer_tone_end_s < USB1_AFTER_ANSWER_S) ||
                       (d->cj_seen && run_start_s - d->cj_end_s < USB1_AFTER_ANSWER_S);
    if (l->channel == 2 && was_usb1 >= USB1_EVENT_SYMBOLS && l->det.usb1_run == 0 &&   /* answerer only */
        (usb1_mid_sum / was_usb1 < USB1_MAX_MID_RATIO || (after_answer && usb1_dip < USB1_MAX_MID_RATIO))) {
        double start = now_s - was_usb1 / SQ_QAM_BAUD;
        queue_simple(d, l, SQ_EVENT_USB1, start, now_s, 1200);
        mark_active(l, start, now_s);
        l->usb1_heard = 1;
        l->usb1_end_s = now_s;
    }
    double s1_start_s = now_s - was_s1 / SQ_QAM_BAUD;
    if (was_s1 >= SQ_V22_S1_DETECT_SYMBOLS && l->det.s1_run == 0 && in_v22_call(d, s1_start_s, now_s)) {
        queue_simple(d, l, SQ_EVENT_S1, s1_start_s, now_s, 2400);
        mark_call(l, s1_start_s, now_s);
        start_coherent(l, 1, now_s);
    } else if (was_s1 >= S1_ALONE_SYMBOLS && l->det.s1_run == 0) {
        /* S1 with nothing of a call before it: a caller's side alone, whose S1 is the first
         * thing it sends (V.22bis 6.3.1.2), or a chord. It is S1 if scrambled 1s follow. */
        l->s1_pending = 1;
        l->s1_start_s = s1_start_s;
        l->s1_end_s = now_s;
        start_coherent(l, 1, now_s);
    } else if (l->det.sb1_bits >= SQ_V22_SB1_DETECT_BITS) {
        start_coherent(l, 0, now_s);
        mark_call(l, l->sb1_start_s, now_s);
    }
}

/* count of n: within 30 % to 70 %, as in scrambled bits */
static int scrambled_like(int count, int n)
{
    return 10 * count >= 3 * n && 10 * count <= 7 * n;
}

/* After S1 the far end goes to 2400 bit/s (or, with no sign of it by WAIT_2400_S, stays). */
static void watch_rate(sq_qam_lane *l, const sq_qam_symbol *sym, double now_s)
{
    if (now_s - l->coherent_s < SQ_V22_DECIDE16_AFTER_S1_MS / 1000.0)
        return;
    sq_qam_rx_set_decide(l->rx, SQ_QAM_DECIDE_16);
    if (sq_v22_watch_2400(&l->rate_hits, sym->decision)) {
        l->rate = 2400;
        l->rate_s = now_s;
        l->state = QL_SB1;
    } else if (now_s - l->coherent_s > WAIT_2400_S) {
        sq_qam_rx_set_decide(l->rx, SQ_QAM_DECIDE_4);
        l->state = QL_SB1;
    }
}

static void coherent_symbol(sq_decoder *d, sq_qam_lane *l, const sq_qam_symbol *sym)
{
    double now_s = to_s(sym->sample);
    if (!l->s1_pending)   /* until it is confirmed, nothing of a call is heard */
        mark_call(l, now_s, now_s);
    if (l->state == QL_DATA && s1_in_data(d, l, sym))
        return;
    if (l->state == QL_AFTER_S1)
        watch_rate(l, sym, now_s);
    if (l->state == QL_DATA && d->symbol_tap && !l->quiet) {
        sq_decoder_symbol out = { .t_s = now_s, .fsk_channel = l->channel, .rate = l->rate,
                                  .re = crealf(sym->z), .im = cimagf(sym->z),
                                  .point_re = crealf(sym->decision), .point_im = cimagf(sym->decision) };
        d->symbol_tap(d->symbol_tap_user, &out);
    }
    uint8_t bits[4], line[4];
    int nb = sq_v22_follow_symbol(&l->det, &l->dem, l->rate, sym->decision, bits, line);
    for (int i = 0; i < nb; i++) {
        uint8_t b = bits[i];
        if (l->state != QL_DATA) {
            l->marks = b ? l->marks + 1 : 0;
            /* the line's bits under those 1s: scrambled, so about as many 0s as 1s and as many
             * changes as not (a steady tone turning a quarter a symbol gives 1s unscrambled) */
            l->raw_ones = b ? l->raw_ones + line[i] : 0;
            l->raw_changes = b ? l->raw_changes + (line[i] != l->raw_last) : 0;
            l->raw_last = line[i];
            if (l->s1_pending && l->rate == 2400 && l->marks >= S1_CONFIRM_ONES &&
                scrambled_like(l->raw_ones, l->marks) && scrambled_like(l->raw_changes, l->marks)) {   /* S1 */
                l->s1_pending = 0;
                queue_simple(d, l, SQ_EVENT_S1, l->s1_start_s, l->s1_end_s, 2400);
                mark_call(l, l->s1_start_s, now_s);
            } else if (l->s1_pending && now_s - l->s1_end_s > S1_CONFIRM_S) {
                back_to_hunt(d, l, now_s);
                return;
            }
            if (l->s1_pending)
                continue;
            if (l->state == QL_SB1 && (l->marks >= SQ_V22_ONES_BEFORE_DATA ||
                                       (l->rate == 2400 && now_s - l->rate_s > DATA_AFTER_2400_S)))
                open_data(d, l, now_s);
            continue;
        }
        if (i == 0) {
            sq_db_sum_add(&l->snr, sq_qam_rx_snr_ratio(l->rx));
            l->len_history[l->history_pos++ % 32] = l->ev.data_len;
        }
        if (l->quiet)
            continue;
        if (i == 0)
            l->level_power = sq_qam_rx_level_power(l->rx);   /* in dBm0 when the event closes */
        /* the byte just stored is not read back: GCC read it with flag_seen in one wider load,
         * which waited on the store every bit (a third of this function's time) */
        uint8_t last = (uint8_t)(l->last_bits >> 1 | b << 7);
        l->last_bits = last;
        if (!l->flag_seen && last == 0x7E) {
            l->flag_seen = 1;
            l->len_at_flag = l->ev.data_len;
        }
        size_t fn = sq_hdlc_rx_bit(&l->hdlc, b, l->frame);
        if (fn)
            lapm_frame(d, l, fn);
        if (l->lapm)
            continue;   /* LAPM: the start-stop receiver's reading is not the data */
        sq_async_char c;
        if (!sq_async_rx_put_bit(l->uart, b, sym->sample, &c))
            continue;
        if (c.framing_error || c.parity_error)
            l->ev.char_errors++;
        else if (l->ev.data_len < SQ_TEXT_CAPACITY)
            d->pool.bufs[l->buf][l->ev.data_len++] = c.byte;
    }
}

/* x[0..n) (n <= 256) through the lane's receiver and its start-up follower. */
static void listen(sq_decoder *d, sq_qam_lane *l, const float *x, size_t n)
{
    sq_qam_symbol sym[64];
    size_t ns = sq_qam_rx_process(l->rx, x, n, sym, 64);
    /* the carrier thresholds as powers: no logarithm per symbol; the level is the one at the
     * chunk's end for all its symbols (nothing below moves it) */
    int off = sq_qam_rx_fast_level_power(l->rx) < d->qam_off_power;
    for (size_t k = 0; k < ns; k++) {
        l->quiet = off ? l->quiet + 1 : 0;
        if (l->quiet == 1 && l->state == QL_DATA && l->history_pos >= FADE_SYMBOLS && !l->lapm)
            l->ev.data_len = l->len_history[(l->history_pos - FADE_SYMBOLS) % 32];
        if (l->state == QL_HUNT) {
            hunt_symbol(d, l, &sym[k], sq_qam_rx_level_power(l->rx) > d->qam_on_power);
        } else if (l->quiet >= OFF_SYMBOLS) {
            back_to_hunt(d, l, to_s(sym[k].sample) - OFF_SYMBOLS / SQ_QAM_BAUD);
        } else {
            coherent_symbol(d, l, &sym[k]);
        }
    }
}

/* A hunting lane may stop listening while its channel carries a V.34 / V.90 / V.32
 * transmission or FSK start-stop data: nothing it hunts for can start there until that ends
 * (a retrain or the call's end); and while its band has been quiet for QAM_SLEEP_AFTER_S. It
 * then listens again from the recent past (the band watch's), so an onset is met as if it
 * had listened all along, with a receiver started afresh: its timing starts at another phase
 * than one that idled through the quiet would have, which moved the samples' data SNR by
 * 0.1 dB; USB1 and S1 are still found from every starting sample (cli_test), and right after
 * FSK data (test_decoder). FSK data counts only once it is keyed on a bit grid with nearly
 * every character good: before that check, sleeping there let music's FSK misreadings
 * through, which what the lane heard had quieted. */
static int may_sleep(const sq_decoder *d, const sq_qam_lane *l, int wideband, uint64_t now)
{
    int quiet = now >= l->loud_until && (double)(now - l->loud_until) >= QAM_SLEEP_AFTER_S * SQ_PROCESSING_RATE_HZ;
    int fsk = sq_fsk_lanes_carrying_data(d);
    /* V.34 or V.90 under way since the call's last answer tone or V.8 signal: a V.22 call
     * cannot start again before another of those (V.34's phase 2 is DPSK on V.22's two
     * carriers, and the lanes would read it for seconds to find nothing) */
    int v34_call = d->v34_heard_s > d->call_start_heard_s;
    return (wideband || quiet || fsk || v34_call) && l->state == QL_HUNT && !l->s1_pending && !l->det.usb1_run && !l->det.s1_run &&
           !l->det.sb1_bits;
}

static void replay(void *d, void *l, const float *x, size_t n)
{
    listen(d, l, x, n);
}

static void wake(sq_decoder *d, sq_qam_lane *l)
{
    uint64_t from = sq_band_watch_wake_from(&d->watch, d->samples, QAM_WAKE_PREROLL, l->asleep_since);
    sq_qam_rx_restart_at(l->rx, from);
    sq_v22_detector_init(&l->det);
    l->quiet = 0;
    sq_band_watch_replay(&d->watch, from, d->samples, replay, d, l);
    l->asleep = 0;
}

/* The answerer's guard tone, while its lane follows its signal: USB1 under way, or S1, SB1
 * and data. */
static void follow_guard(sq_decoder *d, const sq_qam_lane *l, const float *x, size_t n)
{
    /* USB1 once it has lasted as long as its event needs (a shorter run is never named) */
    int usb1 = !l->asleep && usb1_under_way(l) && l->det.usb1_run >= USB1_EVENT_SYMBOLS;
    int call = !l->asleep && l->state != QL_HUNT && !l->s1_pending;
    double now_s = to_s(d->samples), signal_start_s = usb1 ? now_s - l->det.usb1_run / SQ_QAM_BAUD : l->active_start_s;
    /* ... and a guard is told only beside a signal the lane names: a USB1 event, S1, SB1 or
     * data (a run of USB1's turns can be a note, whose own end it waits for). Symbols are
     * dated at their centre, some ms behind the chunk. */
    double recent_s = now_s - 0.1;
    int named = (l->usb1_heard && l->usb1_end_s >= recent_s) || (l->in_call && l->call_end_s >= recent_s);
    sq_v22_guard_push(d, usb1 || call, named, signal_start_s, x, n);
}

void sq_qam_lanes_process(sq_decoder *d, const float *x, size_t n)
{
    int wideband = sq_wideband_lane_transmitting(d);
    for (int i = 0; i < SQ_QAM_LANES; i++) {
        sq_qam_lane *l = &d->qam[i];
        if (sq_band_watch_peak(&d->watch, l->band) >= d->sleep_band_power)
            l->loud_until = d->samples + n;
        int sleep = may_sleep(d, l, wideband, d->samples + n);
        if (l->asleep && !sleep)
            wake(d, l);
        if (l->asleep)
            continue;
        listen(d, l, x, n);
        if (sleep) {
            l->asleep = 1;
            l->asleep_since = d->samples + n;
        }
    }
    follow_guard(d, &d->qam[1], x, n);
}

void sq_qam_lanes_finish(sq_decoder *d, double end_s)
{
    for (int i = 0; i < SQ_QAM_LANES; i++)
        if (d->qam[i].state != QL_HUNT)
            back_to_hunt(d, &d->qam[i], end_s);
    sq_v22_guard_finish(d);
}

/* Hunting, a USB1, S1 or SB1 run is reported with its start backdated to where the run
 * began; half a second more covers the detectors' own lag. */
#define HUNT_LOOKBACK_S 0.5

double sq_qam_lanes_horizon_s(const sq_decoder *d, double now_s)
{
    double h = now_s;
    for (int i = 0; i < SQ_QAM_LANES; i++) {
        const sq_qam_lane *l = &d->qam[i];
        if (l->state == QL_HUNT) {
            double run_s = fmax(fmax(l->det.usb1_run, l->det.s1_run) / SQ_QAM_BAUD, l->det.sb1_bits / 1200.0);
            h = fmin(h, now_s - run_s - SB1_BACKDATE_S - HUNT_LOOKBACK_S);
        } else {
            h = fmin(h, fmin(l->sb1_start_s, l->coherent_s));
            if (l->state == QL_DATA)
                h = fmin(h, l->ev.start_s);
        }
    }
    return sq_v22_guard_horizon_s(d, h);
}

int sq_qam_lanes_cover(const sq_decoder *d, double freq_hz, double start_s, double end_s)
{
    for (int i = 0; i < SQ_QAM_LANES; i++) {
        const sq_qam_lane *l = &d->qam[i];
        if (!l->active || fabs(freq_hz - l->carrier_hz) > SQ_QAM_BAND_HALF_HZ)
            continue;
        double lo = fmax(start_s, l->active_start_s), hi = fmin(end_s, l->active_end_s);
        if (hi - lo > 0.5 * (end_s - start_s))   /* most of it is under the V.22 signal */
            return 1;
    }
    return 0;
}

int sq_qam_lanes_carrying(const sq_decoder *d)
{
    for (int i = 0; i < SQ_QAM_LANES; i++)
        if (d->qam[i].state == QL_DATA)
            return 1;
    return 0;
}

void sq_qam_lanes_destroy(sq_decoder *d)
{
    for (int i = 0; i < SQ_QAM_LANES; i++) {
        sq_qam_rx_destroy(d->qam[i].rx);
        sq_async_rx_destroy(d->qam[i].uart);
    }
}
