/* FSK lanes of the timeline decoder: carrier-on stretches of each FSK channel become
 * v21 / bell103 events with the characters they carried.
 *
 * An event starts at the signal's onset, not when the carrier detector (which needs ~60 ms
 * of steady envelope) turned on; characters decoded between the two are taken back into
 * the event if they were received with good confidence.
 * V.21 channel 1 and Bell 103 originate overlap in frequency, as do V.21 channel 2 and
 * Bell 103 answer; when both lanes of a pair report at the same time the one with fewer
 * character errors is kept. Events with more bad characters than good, or none good,
 * are dropped: that is noise or the wrong modulation, not data. */
#include <math.h>
#include <string.h>
#include "squeal/error.h"
#include "squeal/level.h"
#include "src/decode/decoder_internal.h"

#define BACKFILL_MIN_CONFIDENCE 0.5f
/* ... and only at the level of the signal whose carrier came on, within this: characters
 * framed out of the noise before a signal (12 dB under it in the band at 3 dB SNR over
 * 0-4 kHz) had been delivered ahead of its text, 59 of them in 40 typed messages at 3 dB
 * (bench_fsk_text). The demodulator's level follows in 25 ms, so a character in a signal's
 * first 60 ms, before its carrier is judged on, has that signal's level. */
#define BACKFILL_LEVEL_DB 6.0
/* A character's space bits (its start bit at least) must be as firm as a transmitter's:
 * glitches in a steady tone near the mark frequency (music, a held note) frame as bytes
 * like 0xFD or 0xEF whose zeros are weak. */
#define SPACE_MIN_CONFIDENCE 0.35f
#define CHAR_MIN_CONFIDENCE 0.4f   /* V.21 at 2 dB SNR still averages about 0.55 */
/* A transmitter sends mark and space at one amplitude; a character whose space bits are
 * more than this far from its mark bits in power was made by two different sounds. */
#define MARK_SPACE_BALANCE_DB 4.0
#define MIN_EVENT_S 0.08
/* A stretch takes back the clear characters heard since its onset, which in steady noise
 * can lie seconds back. Noise now and then passes the carrier tests for a few bits; such a
 * stretch reads nothing itself, and what it took back is noise too. Data needs the carrier
 * on for at least one character (a start bit, 8 bits, a stop bit), and one good character
 * read with it on (l->carried): what was taken back only adds to those. */
#define MIN_CARRIER_BITS 10u
/* V.8 7.x: a CM or JM counts once two identical sequences arrive in a row */
#define V8_MIN_REPEATS 2
/* Clear characters in another framing make a stretch data when there are at least this many
 * and, with the good ones, they fill half the time the stretch lasts (a real stream in the
 * wrong framing fills all of it; another lane's reading of a V.8 burst, a few). */
#define MIN_MISFRAMED 3
/* A stretch overlapping a much stronger one on another lane is that signal's keying
 * sidebands reaching into this band (V.21 ch2 lands 20 dB down in Bell 103 originate). */
#define ADJACENT_LEAK_DB 15.0
/* Keyed data puts spectral lines anywhere in its band (alternating bits at 300 bit/s make
 * lines every 150 Hz, 2100 Hz among them): tones there belong to the data. */
#define FSK_BAND_HALF_HZ 250.0
#define BITS_PER_CALL 16
/* A lane sleeps while its band (the demodulator's passband: the tones' deviation and
 * SLEEP_BAND_MARGIN_HZ each side) stays under SLEEP_BAND_DBM0, 16 dB below the level at
 * which a carrier goes off and 18 below the one at which it can come on, so it is awake
 * well before anything it could report; the band watch's window spreads a tone over
 * +-250 Hz, so one in the filter's transition band wakes it too. It wakes
 * with the last WAKE_PREROLL samples fed first: its receiver meets the signal's onset after
 * a stretch of the quiet before it, as if it had listened all along. It falls asleep after
 * SLEEP_AFTER_S of quiet, with no stretch, carrier or V.8 sequence under way. */
#define SLEEP_BAND_DBM0 (-64.0)
#define SLEEP_BAND_MARGIN_HZ 150.0
#define WAKE_PREROLL 1536u
#define SLEEP_AFTER_S 0.25

static const struct {
    const sq_fsk_params *params;
    sq_event_type type;
    int channel;
    int rival;
} LANES[SQ_FSK_LANES] = {
    { &SQ_FSK_V21_CH1, SQ_EVENT_V21, 1, 2 },
    { &SQ_FSK_V21_CH2, SQ_EVENT_V21, 2, 3 },
    { &SQ_FSK_BELL103_ORIG, SQ_EVENT_BELL103, 1, 0 },
    { &SQ_FSK_BELL103_ANS, SQ_EVENT_BELL103, 2, 1 },
};

static double to_s(uint64_t sample)
{
    return (double)sample / SQ_PROCESSING_RATE_HZ;
}

int sq_fsk_lanes_create(sq_decoder *d, const sq_async_format *format)
{
    d->sleep_band_power = sq_dbm0_to_power(SLEEP_BAND_DBM0);
    d->dbm0_power = sq_dbm0_to_power(0.0);
    for (int i = 0; i < SQ_FSK_LANES; i++) {
        sq_fsk_lane *l = &d->lanes[i];
        l->params = LANES[i].params;
        l->type = LANES[i].type;
        l->channel = LANES[i].channel;
        l->rival = LANES[i].rival;
        l->buf = l->pending_buf = -1;
        l->samples_per_bit = SQ_PROCESSING_RATE_HZ / l->params->baud;
        int rc = sq_fskdemod_create(l->params, &l->demod);
        if (rc == SQ_OK)
            rc = sq_async_rx_create(format, &l->uart);
        /* Only a framing the user chose can be the wrong one for data that is there: with
         * the default 8N1, characters that do not fit are what other modulations (V.34's
         * training, say) look like through an FSK demodulator, and stay junk. */
        l->misframed_counts = format->data_bits != 8 || format->parity != SQ_PARITY_NONE || format->stop_bits != 1;
        l->data_bits = (unsigned)format->data_bits;
        l->char_bits_framed = (unsigned)sq_async_bits_per_char(format);
        double centre = (l->params->mark_hz + l->params->space_hz) / 2.0;
        double half = fabs(l->params->mark_hz - l->params->space_hz) / 2.0 + SLEEP_BAND_MARGIN_HZ;
        l->band = sq_band_watch_add_band(&d->watch, centre - half, centre + half);
        l->asleep = 1;   /* until its band has something in it */
        if (l->band < 0)
            rc = SQ_EINVAL;
        if (rc == SQ_OK && l->type == SQ_EVENT_V21)
            rc = sq_v8_rx_create(l->channel == 1 ? SQ_V8_CM : SQ_V8_JM, &l->v8rx);
        sq_hdlc_rx_init(&l->hdlc);
        l->hdlc.min_frame = 1;   /* V.8bis's ACK and NAK: one octet */
        if (rc != SQ_OK)
            return rc;
    }
    return SQ_OK;
}

/* misframed: a bad character whose bits were clear (it fits another framing) */
static void append_char(sq_decoder *d, sq_fsk_lane *l, const sq_async_char *c, int misframed)
{
    if (c->framing_error || c->parity_error) {
        l->ev.char_errors++;
        l->ev.framing_mismatches += misframed != 0;
        l->qc_seen = 0;
        return;
    }
    if (l->type == SQ_EVENT_V21)
        sq_v21_watch_qc(d, l, c);
    if (l->ev.data_len < SQ_TEXT_CAPACITY)
        d->pool.bufs[l->buf][l->ev.data_len++] = c->byte;
    l->valid_at[l->valid % SQ_VALID_TIMES] = c->start_sample;
    l->valid++;
}

/* Whether the stretch's transitions fall on a bit grid (dsp/fsk_timing.h): the length of
 * the mean vector of their phases off it. Measured (bench_false_alarms, and FSK text through
 * the decoder, 20 files per point, both V.21 and both Bell 103 channels):
 *   - the stretches that 10 minutes of music-like chords made FSK data of: 126 before this
 *     test, 3 with it at 0.30;
 *   - FSK text, sent without a pause or typed a character at a time (each start bit after up
 *     to 0.4 s of mark, off the last character's clock): 0.96 on a clean line; at 0.30 it
 *     keeps at least as many characters as without the test down to -2 dB SNR over 0-4 kHz
 *     typed and -3 dB sent without a pause (more: the rival lane's misreading, no longer
 *     data, no longer beats it); typed at -3 dB, where half the characters come out wrong,
 *     it loses most of them.
 * A stretch with too few transitions to tell (a character or two) is not judged. */
#define KEYED_MIN_TRANSITIONS 20
#define KEYED_MIN_CONCENTRATION 0.30
/* At low SNR noise crosses the decision in a held mark and back within a bit, at any phase:
 * typed text at -2 dB SNR, a few characters in seconds of mark, fell under 0.30 (9 of 960
 * characters read in bench_fsk_text). The crossings after which the bit decided changed
 * ("flips", dsp/fsk_timing.h) leave those out; their mean vector's length R over n of them
 * is significant when n R^2 (Rayleigh's statistic: chance gives it above z with odds
 * e^-z) reaches KEYED_FLIPS_MIN_Z. Music's beats can be as regular at about the bit rate
 * (z 30-57 in 4 h of music-like chords, with 1-3 characters read), so this second way needs
 * characters enough not to be a beat's few. */
#define KEYED_FLIPS_MIN_Z 15.0
#define KEYED_FLIPS_MIN_CHARS 4

static int on_grid(const sq_fsk_tally *k, double min_concentration)
{
    double bound = min_concentration * (double)k->count;
    return k->cos_sum * k->cos_sum + k->sin_sum * k->sin_sum >= bound * bound;
}

static int keyed_on_a_clock(const sq_fsk_lane *l)
{
    const sq_fsk_tally *all = &l->keyed.all, *flips = &l->keyed.flips;
    if (all->count < KEYED_MIN_TRANSITIONS)
        return 1;
    /* n R^2 >= z, as (n R)^2 >= z n: no square root, asked several times a chunk */
    return on_grid(all, KEYED_MIN_CONCENTRATION) ||
           (l->valid >= KEYED_FLIPS_MIN_CHARS && flips->count > 0 &&
            flips->cos_sum * flips->cos_sum + flips->sin_sum * flips->sin_sum >= KEYED_FLIPS_MIN_Z * (double)flips->count);
}

/* Start-stop data established: characters, hardly any bad ones, transitions enough to
 * judge and on the bit grid. What an FSK lane makes of another modulation (V.22's 600 baud
 * read at 300) frames badly. */
#define DATA_MIN_CHARS 10

static int carrying_keyed_data(const sq_fsk_lane *l)
{
    return l->open && !l->v8_seen && !l->v8bis_seen && l->v8_run == 0 && l->valid >= DATA_MIN_CHARS &&
           4 * l->ev.char_errors <= l->valid && l->keyed.all.count >= KEYED_MIN_TRANSITIONS && keyed_on_a_clock(l);
}

/* A second and more of clean FSK text: 40 characters or more, under one in ten bad (phase
 * 2's own signals read as FSK give 20 at most on the real calls, or many bad ones; line
 * probing's L2 reads as keyed characters for a fraction of a second). */
#define PLAIN_DATA_MIN_S 1.0
#define PLAIN_DATA_MIN_CHARS 40

int sq_fsk_lanes_plain_data(const sq_decoder *d)
{
    double now_s = (double)d->samples / SQ_PROCESSING_RATE_HZ;
    for (int i = 0; i < SQ_FSK_LANES; i++) {
        const sq_fsk_lane *f = &d->lanes[i];
        if (!f->asleep && f->open && now_s - f->ev.start_s >= PLAIN_DATA_MIN_S && f->valid >= PLAIN_DATA_MIN_CHARS &&
            10 * f->ev.char_errors < f->valid)
            return 1;
    }
    return 0;
}

int sq_fsk_lanes_carrying_data(const sq_decoder *d)
{
    for (int i = 0; i < SQ_FSK_LANES; i++)
        if (carrying_keyed_data(&d->lanes[i]))
            return 1;
    return 0;
}

static void add_difference(sq_fsk_tally *to, const sq_fsk_tally *now, const sq_fsk_tally *before)
{
    to->count += now->count - before->count;
    to->cos_sum += now->cos_sum - before->cos_sum;
    to->sin_sum += now->sin_sum - before->sin_sum;
}

/* Adds the transitions the demodulator counted since the last bit to the open stretch's
 * (its tally starts again at an onset; a stretch's own carrier holds none, but its last
 * bits can be decided after the signal has gone). */
static void count_transitions(sq_fsk_lane *l)
{
    sq_fsk_transitions now;
    sq_fskdemod_transitions(l->demod, &now);
    /* the demodulator's tally started again (an onset) since it was last read: all of it is new */
    sq_fsk_transitions base = now.all.count >= l->keyed_seen.all.count ? l->keyed_seen : (sq_fsk_transitions){ 0 };
    add_difference(&l->keyed.all, &now.all, &base.all);
    add_difference(&l->keyed.flips, &now.flips, &base.flips);
    l->keyed_seen = now;
}

/* A character framed before the carrier came on that a stretch may take back: since the
 * signal's onset, at its level. */
static int in_backfill_window(const sq_recent_char *r, uint64_t onset, double level_dbm0)
{
    return r->c.end_sample != 0 && r->c.start_sample >= onset && r->level_dbm0 >= level_dbm0 - BACKFILL_LEVEL_DB;
}

static int backfill_worthy(const sq_recent_char *r)
{
    return r->confidence >= BACKFILL_MIN_CONFIDENCE && !r->c.framing_error && !r->c.parity_error;
}

static void open_segment(sq_decoder *d, sq_fsk_lane *l)
{
    l->buf = sq_event_pool_acquire(&d->pool);
    if (l->buf < 0)
        return;   /* push() keeps a buffer free per lane, so this does not happen */
    l->open = 1;
    memset(&l->ev, 0, sizeof l->ev);
    l->ev.type = l->type;
    l->ev.fsk_channel = l->channel;
    l->ev.start_s = to_s(sq_fskdemod_onset_sample(l->demod));
    l->valid = 0;
    l->carried = 0;
    l->carrier_bits = 0;
    sq_db_sum_reset(&l->level);
    l->eye = (sq_fsk_eye){ 0 };
    /* from the onset, where the stretch starts */
    sq_fskdemod_transitions(l->demod, &l->keyed);
    l->keyed_seen = l->keyed;
    uint64_t earliest = sq_fskdemod_onset_sample(l->demod);
    double level_dbm0 = sq_fskdemod_level_dbm0(l->demod);
    /* only where the clear characters outnumber the rest there: a chord change swung the
     * decision for half a second, framing mostly unclear characters and a few clear ones,
     * and the carrier test passed on the steadier hold after it */
    size_t clear = 0, unclear = 0;
    for (size_t k = 0; k < SQ_RECENT_CHARS; k++) {
        if (!in_backfill_window(&l->recent[k], earliest, level_dbm0))
            continue;
        if (backfill_worthy(&l->recent[k]))
            clear++;
        else
            unclear++;
    }
    for (size_t k = 0; k < SQ_RECENT_CHARS && clear > unclear; k++) {
        sq_recent_char *r = &l->recent[(l->recent_next + k) % SQ_RECENT_CHARS];
        if (!in_backfill_window(r, earliest, level_dbm0) || !backfill_worthy(r))
            continue;
        append_char(d, l, &r->c, 0);
        double start = to_s(r->c.start_sample) - 1.0 / l->params->baud;
        if (start < l->ev.start_s)
            l->ev.start_s = start > 0.0 ? start : 0.0;
    }
    memset(l->recent, 0, sizeof l->recent);
}

/* The decisions' SNR: the square of their mean |confidence| over its variance. Noise spreads
 * the confidence about the clean signal's (about 0.7 for V.21, whose tones' filters overlap),
 * and the spread is what turns bits over. Without noise a stream reads 24-38 dB (the keying's
 * own spread, which depends on the text); with white noise at 10 dB SNR over 0-4 kHz 22 dB,
 * at 0 dB 12, at -3 dB 9. Like the QAM receivers' slicer SNR it needs no reference: it is
 * measured on the data. */
#define EYE_SNR_MAX_DB 40.0

static double eye_snr_db(const sq_fsk_eye *e)
{
    if (e->bits < 2 || !(e->sum > 0.0))
        return 0.0;
    double mean = e->sum / (double)e->bits, var = e->sum_sq / (double)e->bits - mean * mean;
    double cap = mean * mean * pow(10.0, -EYE_SNR_MAX_DB / 10.0);
    return 10.0 * log10(mean * mean / (var > cap ? var : cap) + 1e-30);
}

static int worse_than(size_t valid_a, size_t errors_a, size_t valid_b, size_t errors_b)
{
    /* a's error ratio above b's (cross-multiplied), ties broken by fewer good characters */
    size_t lhs = errors_a * (valid_b + errors_b), rhs = errors_b * (valid_a + errors_a);
    return lhs != rhs ? lhs > rhs : valid_a < valid_b;
}

/* A V.8 run on a band is not also data on it: FSK "data" that overlaps by a character or
 * more a run of CMs, JMs or CIs on its own lane or the one whose band overlaps it is part of
 * a sequence broken up (a gap, a lost packet) and read as start-stop characters. */
#define V8_OVERLAP_S (10.0 / 300.0)

static int overlaps_v8_run(const sq_decoder *d, const sq_event *ev)
{
    for (int i = 0; i < SQ_FSK_LANES; i++) {
        const sq_fsk_lane *l = &d->lanes[i];
        if (l->type != ev->type || l->channel != ev->fsk_channel)
            continue;
        const sq_fsk_lane *pair[2] = { l, &d->lanes[l->rival] };
        for (int k = 0; k < 2; k++) {
            const sq_fsk_lane *m = pair[k];
            double start = m->v8_done_start_s, end = m->v8_done_end_s;
            if (m->v8_run >= V8_MIN_REPEATS) {
                start = m->v8_ev.start_s;
                end = m->v8_ev.end_s;
            }
            if (end > start && fmin(ev->end_s, end) - fmax(ev->start_s, start) >= V8_OVERLAP_S)
                return 1;
        }
    }
    return 0;
}

/* A character that is one run of space bits and then mark (0xFF, 0xFC, 0x00 in 8 bits): a
 * single dip in a held tone at the mark frequency frames as one. Two hours of music-like
 * chords made 22 V.21 and Bell 103 "data" events of one or two of them (notes held on a mark
 * frequency for 0.2-2.5 s); a real stretch that short carries keying, typed characters
 * (a space: 4 transitions, most letters 6 to 8) or V.8's octets. */
#define BLIP_MAX_CHARS 2

static int one_space_run(uint8_t byte, unsigned data_bits)
{
    unsigned mask = (1u << data_bits) - 1u;
    for (unsigned k = 0; k <= data_bits; k++)
        if (byte == ((mask << k) & mask))
            return 1;
    return 0;
}

static int only_blips(const uint8_t *data, size_t n, unsigned data_bits)
{
    if (n == 0 || n > BLIP_MAX_CHARS)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!one_space_run(data[i], data_bits))
            return 0;
    return 1;
}

static const sq_fsk_params *params_of(const sq_event *ev)
{
    return ev->type == SQ_EVENT_V21 ? (ev->fsk_channel == 1 ? &SQ_FSK_V21_CH1 : &SQ_FSK_V21_CH2)
                                    : (ev->fsk_channel == 1 ? &SQ_FSK_BELL103_ORIG : &SQ_FSK_BELL103_ANS);
}

/* Mostly bad characters means noise or another modulation, unless they were clear
 * characters in another framing than the one asked for: that is data, reported with its
 * errors rather than made to vanish. */
static int misframed_reading(const sq_decoder *d, const sq_event *ev, size_t valid)
{
    const sq_fsk_lane *lane = &d->lanes[0];   /* every lane has the same framing */
    double room = (ev->end_s - ev->start_s) * params_of(ev)->baud / 10.0;   /* characters the stretch could hold */
    return lane->misframed_counts && ev->framing_mismatches >= MIN_MISFRAMED &&
           2 * ev->framing_mismatches >= ev->char_errors && (double)(valid + ev->framing_mismatches) >= 0.5 * room;
}

/* Whether a stretch's characters are enough to stand as data (emit_or_drop's first test). */
static int reads_as_data(const sq_decoder *d, const sq_event *ev, size_t valid)
{
    return misframed_reading(d, ev, valid) || (valid > 0 && ev->char_errors <= valid);
}

static void emit_or_drop(sq_decoder *d, const sq_event *ev, int buf, size_t valid)
{
    const sq_fsk_lane *lane = &d->lanes[0];   /* every lane has the same framing */
    const sq_fsk_params *p = params_of(ev);
    /* FSK "data" read from a V.22 signal in the same band is a misreading of it */
    int under_v22 = sq_qam_lanes_cover(d, (p->mark_hz + p->space_hz) / 2.0, ev->start_s, ev->end_s) ||
                    sq_phase2_lanes_cover(d, (p->mark_hz + p->space_hz) / 2.0, ev->start_s, ev->end_s) ||
                    sq_wideband_lane_cover(d, ev->start_s, ev->end_s);
    int misframed = misframed_reading(d, ev, valid);
    /* nor is what the lane beside a V.21 one reads of the V.8bis messages on it */
    for (int i = 0; i < SQ_FSK_LANES; i++) {
        const sq_fsk_lane *m = &d->lanes[i];
        if (m->type == SQ_EVENT_V21 && !(m->type == ev->type && m->channel == ev->fsk_channel) &&
            fmin(ev->end_s, m->msg_end_s) - fmax(ev->start_s, m->msg_start_s) > 0.5 * (ev->end_s - ev->start_s))
            under_v22 = 1;
    }
    if (overlaps_v8_run(d, ev))
        under_v22 = 1;
    int blips = !misframed && buf >= 0 && only_blips(d->pool.bufs[buf], ev->data_len, lane->data_bits);
    /* A stretch too poor to read (its text withheld) stands only on being FSK at all, which
     * one or two characters read half wrong do not show: a chord's 0.12 s in the false-alarm
     * bench's music (seed 9000) read one at 5.6 dB */
    int unfounded = !sq_event_readable(ev) && valid + ev->char_errors <= BLIP_MAX_CHARS;
    if (!reads_as_data(d, ev, valid) || ev->end_s - ev->start_s < MIN_EVENT_S || under_v22 || blips || unfounded) {
        sq_event_pool_release(&d->pool, buf);
        return;
    }
    sq_event_pool_queue(&d->pool, ev, buf);
}

static void release_pending(sq_decoder *d, sq_fsk_lane *l)
{
    if (l->pending) {
        emit_or_drop(d, &l->pending_ev, l->pending_buf, l->pending_valid);
        l->pending = 0;
        l->pending_buf = -1;
    }
}

/* Appends the stretch just closed to the one already waiting for the rival's verdict. */
static void merge_into_pending(sq_decoder *d, sq_fsk_lane *l, int buf)
{
    sq_event *p = &l->pending_ev;
    size_t room = SQ_TEXT_CAPACITY - p->data_len, n = l->ev.data_len < room ? l->ev.data_len : room;
    memcpy(d->pool.bufs[l->pending_buf] + p->data_len, d->pool.bufs[buf], n);
    p->data_len += n;
    p->char_errors += l->ev.char_errors;
    p->framing_mismatches += l->ev.framing_mismatches;
    p->end_s = l->ev.end_s;
    l->pending_valid += l->valid;
    l->pending_eye.sum += l->eye.sum;
    l->pending_eye.sum_sq += l->eye.sum_sq;
    l->pending_eye.bits += l->eye.bits;
    p->snr_db = eye_snr_db(&l->pending_eye);
    sq_event_pool_release(&d->pool, buf);
}

static double running_level(const sq_fsk_lane *l)
{
    return l->level.count ? sq_db_sum_total(&l->level) / (double)l->level.count : -200.0;
}

static int is_leak_of_another(const sq_decoder *d, const sq_fsk_lane *l)
{
    for (int i = 0; i < SQ_FSK_LANES; i++) {
        const sq_fsk_lane *m = &d->lanes[i];
        if (m == l)
            continue;
        if (m->open && running_level(m) >= l->ev.level_dbm0 + ADJACENT_LEAK_DB)
            return 1;
        if (m->last_end_s > l->ev.start_s && m->last_start_s < l->ev.end_s &&
            m->last_level_dbm0 >= l->ev.level_dbm0 + ADJACENT_LEAK_DB)
            return 1;
    }
    return 0;
}

/* The stretch just closed (its event in buf) and the rival lane's overlapping one, held
 * pending: the better reading stands, the other goes. */
static void judge_against_rival(sq_decoder *d, sq_fsk_lane *l, sq_fsk_lane *r, int buf)
{
    /* judged on clear characters (good ones and those only misframed) against unclear
     * ones: with the wrong framing asked for, the right lane still reads clear bits */
    const sq_event *pe = &r->pending_ev;
    size_t l_clear = l->valid + l->ev.framing_mismatches, l_unclear = l->ev.char_errors - l->ev.framing_mismatches;
    size_t r_clear = r->pending_valid + pe->framing_mismatches, r_unclear = pe->char_errors - pe->framing_mismatches;
    int l_worse = worse_than(l_clear, l_unclear, r_clear, r_unclear);
    /* a tie (a short message: "hi" read clear by its lane, and as one good and one
     * misframed character by the lane beside it): the one with more characters in the
     * framing asked for */
    if (!l_worse && !worse_than(r_clear, r_unclear, l_clear, l_unclear))
        l_worse = l->valid < r->pending_valid;
    /* clear characters that are not data (misframed, in the 8N1 asked for) do not beat a
     * reading that is: a V.21 message read with one bad character lost to the Bell 103
     * lane beside it, whose clear misframed characters were then dropped, and nothing stood */
    int l_data = reads_as_data(d, &l->ev, l->valid), r_data = reads_as_data(d, pe, r->pending_valid);
    if (l_data != r_data)
        l_worse = !l_data;
    if (l_worse) {
        sq_event_pool_release(&d->pool, buf);
        release_pending(d, r);
    } else {
        sq_event_pool_release(&d->pool, r->pending_buf);
        r->pending = 0;
        r->pending_buf = -1;
        emit_or_drop(d, &l->ev, buf, l->valid);
    }
}

#define V8_LONGEST_S ((20.0 + 10.0 * SQ_V8_MAX_OCTETS) / 300.0)

/* A V.8 run's sequences go on to end_s on its carrier: a last one that ran into CJ, or one
 * cut short (the answerer stops its JM on hearing CJ, V.8 8.1.2.3). */
static void extend_v8_run(sq_fsk_lane *l, double end_s)
{
    if (l->v8_run > 0 && end_s > l->v8_ev.end_s && end_s - l->v8_ev.end_s <= V8_LONGEST_S)
        l->v8_ev.end_s = end_s;
}

/* The carrier stopped inside a V.8 sequence on this band (its own lane's, or the V.21 lane
 * beside a Bell 103 one) that began after the stretch did: a sequence cut off (by a gap, a
 * lost packet). The characters read since it began are its octets, not data. */
static void drop_v8_remnant(sq_decoder *d, sq_fsk_lane *l)
{
    const sq_fsk_lane *v = l->v8rx ? l : &d->lanes[l->rival];
    uint64_t from;
    if (!v->v8rx || !sq_v8_rx_in_sequence(v->v8rx, &from))
        return;
    size_t n = 0, kept = l->valid < SQ_VALID_TIMES ? l->valid : SQ_VALID_TIMES;
    while (n < kept && l->valid_at[(l->valid - 1 - n) % SQ_VALID_TIMES] >= from)
        n++;
    if (l->ev.data_len == l->valid)   /* the text holds every good character: trim it too */
        l->ev.data_len -= n;
    l->valid -= n;
}

static void close_segment(sq_decoder *d, sq_fsk_lane *l)
{
    l->open = 0;
    sq_v21_messages_end(d, l, to_s(l->last_carrier_sample));
    /* a carrier that stops inside a V.8 sequence (JM is cut short once CJ is heard) held V.8
     * octets, not data */
    uint64_t v8_start;
    if (l->v8rx && sq_v8_rx_in_sequence(l->v8rx, &v8_start) && to_s(v8_start) <= l->ev.start_s + 0.1) {
        l->v8_seen = 1;
        l->valid = 0;
        extend_v8_run(l, to_s(l->last_carrier_sample));
    }
    /* V.8bis messages are reported as such; their bits read as start-stop characters are
     * not data */
    if (l->v8bis_seen) {
        l->v8bis_seen = 0;
        l->v8_seen = 1;
        l->valid = 0;
    }
    if (l->carrier_bits < MIN_CARRIER_BITS || l->carried == 0)
        l->valid = 0;
    if (!keyed_on_a_clock(l)) {   /* not FSK: no characters, right framing or wrong */
        l->valid = 0;
        l->ev.framing_mismatches = 0;
    }
    drop_v8_remnant(d, l);
    l->ev.end_s = to_s(l->last_carrier_sample);
    l->ev.level_dbm0 = running_level(l);
    l->ev.snr_db = eye_snr_db(&l->eye);
    if (l->valid > 0) {   /* only data counts: a steady tone also raises carrier */
        l->last_start_s = l->ev.start_s;
        l->last_end_s = l->ev.end_s;
        l->last_level_dbm0 = l->ev.level_dbm0;
    }
    sq_fsk_lane *r = &d->lanes[l->rival];
    if (l->v8_seen) {   /* V.8 is reported as ci/cm/jm/cj; it also beats the rival's reading */
        l->v8_seen = 0;
        if (r->pending && r->pending_ev.start_s < l->ev.end_s) {
            sq_event_pool_release(&d->pool, r->pending_buf);
            r->pending = 0;
            r->pending_buf = -1;
        }
        /* what followed the last V.8 sequence on the same carrier is V.21 data when V.8
         * chose V.21 (a V.21 call goes straight on from JM): it stands as an event of its
         * own. After a menu with better modes, another modulation follows: not data. */
        int buf = l->buf;
        l->buf = -1;
        if (l->valid > 0 && sq_v8_best_mode(l->v8_modes) == SQ_V8_V21 && !is_leak_of_another(d, l))
            emit_or_drop(d, &l->ev, buf, l->valid);
        else
            sq_event_pool_release(&d->pool, buf);
        return;
    }
    if (is_leak_of_another(d, l)) {
        sq_event_pool_release(&d->pool, l->buf);
        l->buf = -1;
        return;
    }
    int buf = l->buf;
    l->buf = -1;
    if (r->pending && r->pending_ev.start_s < l->ev.end_s && l->ev.start_s < r->pending_ev.end_s) {
        judge_against_rival(d, l, r, buf);
        return;
    }
    release_pending(d, r);
    if (r->open && l->pending) {   /* still the same rival stretch: one judgement for both */
        merge_into_pending(d, l, buf);
        return;
    }
    if (r->open) {   /* wait for the rival's overlapping stretch */
        l->pending = 1;
        l->pending_ev = l->ev;
        l->pending_buf = buf;
        l->pending_valid = l->valid;
        l->pending_eye = l->eye;
        return;
    }
    emit_or_drop(d, &l->ev, buf, l->valid);
}

/* (V8_MIN_REPEATS, above: a CM or JM counts once two identical sequences arrive in a row;
 * the event spans the whole run, from the first preamble bit of the first sequence) */
#define CJ_AFTER_CM_S 0.5
#define V8_PREFIX_OCTETS 3   /* the call function and two modulation octets */

static const sq_event_type V8_EVENT[] = { SQ_EVENT_CI, SQ_EVENT_CM, SQ_EVENT_JM, SQ_EVENT_CJ };

/* CJ answers a JM (V.8 8.2.2): the caller sends it on hearing JM, right after the CM under
 * way, seconds at most after the answer tone. With none of that heard in the seconds before,
 * a tenth of a second of 1180 Hz with a stop bit's rise in it is a sound passing (speech or a
 * note: 3 in 4 hours of them read as CJ). */
#define CJ_CONTEXT_S 5.0

int sq_fsk_lanes_v8_heard_before(const sq_decoder *d, double t)
{
    if (d->answer_tone_seen && t - d->answer_tone_end_s < CJ_CONTEXT_S)
        return 1;
    for (int i = 0; i < SQ_FSK_LANES; i++) {
        const sq_fsk_lane *m = &d->lanes[i];
        if ((m->v8_run > 0 && t - m->v8_ev.end_s < CJ_CONTEXT_S) ||
            (m->v8_done_end_s > 0.0 && t - m->v8_done_end_s < CJ_CONTEXT_S))
            return 1;
    }
    return 0;
}

static void close_v8_run(sq_decoder *d, sq_fsk_lane *l)
{
    if (l->v8_run >= V8_MIN_REPEATS) {
        l->v8_done_start_s = l->v8_ev.start_s;
        l->v8_done_end_s = l->v8_ev.end_s;
        sq_event_pool_queue(&d->pool, &l->v8_ev, -1);
        if (l->v8_ev.type == SQ_EVENT_CM)
            d->cm_end_s = l->v8_ev.end_s;
    }
    l->v8_run = 0;
}

/* A V.8 sequence has just ended inside a carrier-on stretch: what the stretch held so far
 * was V.8 (reported as its own events), so the stretch starts over after it. */
static void restart_after_v8(sq_fsk_lane *l, uint64_t end_sample)
{
    if (!l->open)
        return;
    l->ev.data_len = 0;
    l->ev.char_errors = 0;
    l->valid = 0;
    l->carried = 0;
    l->carrier_bits = 0;
    l->ev.start_s = to_s(end_sample);
    sq_db_sum_reset(&l->level);
    l->eye = (sq_fsk_eye){ 0 };
}

/* One more sequence of the run (l->v8_ev.v8, the whole one) heard. */
static void count_in_run(sq_decoder *d, sq_fsk_lane *l)
{
    const sq_v8_msg *msg = &l->v8_ev.v8;
    l->v8_ev.repeats = (size_t)++l->v8_run;
    if (l->v8_run < V8_MIN_REPEATS)
        return;
    double power = sq_dbm0_to_power(l->v8_ev.level_dbm0);
    if (msg->type == SQ_V8_CM)
        d->cm_power = fmax(d->cm_power, power);
    else if (msg->type == SQ_V8_JM)
        d->jm_power = fmax(d->jm_power, power);
    /* what V.8 offered is what a run of identical sequences says (a lone one, or the last one
     * cut short, may read as some other menu) */
    l->v8_modes = msg->modulations;
    /* a CM or JM, two alike, from a V.90 / V.92 analogue modem: its INFO0a is V.92's */
    if ((msg->type == SQ_V8_CM || msg->type == SQ_V8_JM) && msg->has_pcm && (msg->pcm & 1))
        d->pcm_analogue = 1;
}

static void handle_v8(sq_decoder *d, sq_fsk_lane *l, const sq_v8_rx_msg *m)
{
    double start = to_s(m->start_sample), end = to_s(m->end_sample);
    restart_after_v8(l, m->end_sample);
    if (m->msg.type == SQ_V8_CJ) {
        /* one whose last stop bit was lost counts only right after a run of CMs */
        if (!m->valid && !(l->v8_run >= V8_MIN_REPEATS && l->v8_ev.type == SQ_EVENT_CM &&
                           start - l->v8_ev.end_s < CJ_AFTER_CM_S))
            return;
        if (!sq_fsk_lanes_v8_heard_before(d, start))
            return;
        /* the caller completes the CM under way before its CJ (V.8 8.2.2); the zeros that
         * end it are read as CJ's, so that last CM is reported with the run */
        extend_v8_run(l, start);
        close_v8_run(d, l);
        sq_event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = SQ_EVENT_CJ;
        ev.fsk_channel = l->channel;
        ev.start_s = start;
        ev.end_s = end;
        ev.v8.type = SQ_V8_CJ;
        ev.repeats = 1;
        ev.level_dbm0 = sq_fskdemod_level_dbm0(l->demod);
        sq_event_pool_queue(&d->pool, &ev, -1);
        d->cj_end_s = end;
        d->cj_seen = 1;
        return;
    }
    if (!m->valid)   /* a cut-off last sequence or a damaged one: the run goes on or ends */
        return;
    l->v8_seen = 1;
    /* A run survives one damaged sequence, not a pause: CI comes in bursts >= 0.4 s apart. */
    double sequence_s = (double)(end - start);
    int continues = l->v8_run > 0 && start - l->v8_ev.end_s < 1.5 * sequence_s;
    if (continues && l->v8_ev.v8.type == m->msg.type && l->v8_ev.v8.n_octets == m->msg.n_octets &&
        memcmp(l->v8_ev.v8.octets, m->msg.octets, m->msg.n_octets) == 0) {
        l->v8_ev.end_s = end;
        count_in_run(d, l);
        return;
    }
    /* the run's sequence cut short (a CM stopped for CJ), or running on into CJ's zeros:
     * one is the start of the other */
    size_t common = m->msg.n_octets < l->v8_ev.v8.n_octets ? m->msg.n_octets : l->v8_ev.v8.n_octets;
    if (continues && common > 0 && l->v8_ev.v8.type == m->msg.type && m->msg.n_octets != l->v8_ev.v8.n_octets &&
        memcmp(l->v8_ev.v8.octets, m->msg.octets, common) == 0) {
        l->v8_ev.end_s = end;
        /* the one cut short came first (a gap, a lost packet, inside it): the whole one is
         * what the sequences that follow repeat */
        if (l->v8_run < V8_MIN_REPEATS && m->msg.n_octets > l->v8_ev.v8.n_octets)
            l->v8_ev.v8 = m->msg;
        /* and with only one whole one heard (a gap spoilt the other), a cut one that agrees
         * with it over V8_PREFIX_OCTETS or more is the second of the run */
        if (l->v8_run < V8_MIN_REPEATS && common >= V8_PREFIX_OCTETS)
            count_in_run(d, l);
        return;
    }
    close_v8_run(d, l);
    memset(&l->v8_ev, 0, sizeof l->v8_ev);
    l->v8_ev.type = V8_EVENT[m->msg.type];
    l->v8_ev.fsk_channel = l->channel;
    l->v8_ev.start_s = start;
    l->v8_ev.end_s = end;
    l->v8_ev.v8 = m->msg;
    l->v8_ev.repeats = 1;
    l->v8_ev.level_dbm0 = sq_fskdemod_level_dbm0(l->demod);
    l->v8_run = 1;
}

/* The sums a character's confidence and mark/space balance are judged by, from the bit at
 * sample `from` (0: not known). */
static void restart_character_sums(sq_fsk_lane *l, uint64_t from)
{
    l->char_conf_sum = l->char_space_conf_sum = 0.0f;
    l->char_bits = l->char_space_bits = 0;
    l->char_mark_power = l->char_space_power = 0.0;
    l->char_sums_from = from;
}

static void handle_bit(sq_decoder *d, sq_fsk_lane *l, const sq_fsk_bit *b)
{
    if (d->bit_tap && b->confidence != 0.0f) {
        sq_decoder_fsk_bit out = { .t_s = to_s(b->sample), .type = l->type, .fsk_channel = l->channel,
                                   .bit = b->bit, .confidence = b->confidence };
        d->bit_tap(d->bit_tap_user, &out);
    }
    if (l->v8rx) {
        sq_v8_rx_msg m;
        if (sq_v8_rx_put_bit(l->v8rx, b->bit, b->sample, l->samples_per_bit, &m))
            handle_v8(d, l, &m);
    }
    if (b->carrier && !l->open)
        open_segment(d, l);
    if (l->open && !b->carrier)
        close_segment(d, l);
    if (l->type == SQ_EVENT_V21)
        sq_v21_hdlc_bit(d, l, b);
    if (l->open) {
        l->carrier_bits++;
        l->last_carrier_sample = b->sample;
        /* 10 log10 of it is sq_fskdemod_level_dbm0 */
        sq_db_sum_add(&l->level, sq_fskdemod_level_power(l->demod) / d->dbm0_power);
        count_transitions(l);
    }
    float mag = b->confidence < 0 ? -b->confidence : b->confidence;
    if (l->open) {
        l->eye.sum += mag;
        l->eye.sum_sq += (double)mag * mag;
        l->eye.bits++;
    }
    l->char_conf_sum += mag;
    l->char_bits++;
    if (!b->bit) {
        l->char_space_conf_sum += mag;
        l->char_space_bits++;
        l->char_space_power += b->power;
    } else {
        l->char_mark_power += b->power;
    }
    l->marks_in_row = b->bit ? l->marks_in_row + 1 : 0;
    sq_async_char c;
    if (!sq_async_rx_put_bit(l->uart, b->bit, b->sample, &c)) {
        /* idle line: keep the averages to the current character, restarting them once they
         * hold more than 64 bits or bits from before the signal's onset (the quiet before it,
         * held at mark with no confidence: a lane awake in the noise before a V.92 QC1a
         * judged its first 0x55 with 64 of those and dropped it as unclear). Only between
         * characters (more marks in a row than one holds): restarted inside one, after a
         * long idle, they lost its start and data bits, and a typed space (0x20, six spaces
         * in a row) counted no space bit at all and was dropped as unclear */
        if (l->marks_in_row >= l->char_bits_framed &&
            (l->char_bits > 64 || sq_fskdemod_onset_sample(l->demod) >= l->char_sums_from))
            restart_character_sums(l, b->sample + 1);
        return;
    }
    float conf = l->char_conf_sum / (float)l->char_bits;
    float space_conf = l->char_space_bits ? l->char_space_conf_sum / (float)l->char_space_bits : 0.0f;
    int mark_bits = l->char_bits - l->char_space_bits;
    double balance_db = 0.0;
    if (mark_bits > 0 && l->char_space_bits > 0 && l->char_mark_power > 0.0 && l->char_space_power > 0.0)
        balance_db = 10.0 * log10((l->char_space_power / l->char_space_bits) /
                                  (l->char_mark_power / mark_bits));
    restart_character_sums(l, b->sample + 1);
    int clear = space_conf >= SPACE_MIN_CONFIDENCE && conf >= CHAR_MIN_CONFIDENCE &&
                fabs(balance_db) <= MARK_SPACE_BALANCE_DB;
    int misframed = clear && (c.framing_error || c.parity_error);
    if (!clear)
        c.framing_error = 1;   /* not a character: count it as bad, never deliver it */
    if (l->open) {
        l->carried += !c.framing_error && !c.parity_error;
        append_char(d, l, &c, misframed);
        return;
    }
    l->recent[l->recent_next].c = c;
    l->recent[l->recent_next].confidence = conf;
    l->recent[l->recent_next].level_dbm0 = (float)sq_fskdemod_level_dbm0(l->demod);
    l->recent_next = (l->recent_next + 1) % SQ_RECENT_CHARS;
}

/* Besides the onset: the carrier detector's own lag and a V.8 sequence's framing. */
#define FSK_LOOKBACK_S 1.0

double sq_fsk_lanes_horizon_s(const sq_decoder *d, double now_s)
{
    double h = now_s - FSK_LOOKBACK_S;
    for (int i = 0; i < SQ_FSK_LANES; i++) {
        const sq_fsk_lane *l = &d->lanes[i];
        uint64_t v8_start;
        /* a stretch opens at its onset, which can lie far back (energy that took long to
         * become a carrier), with characters taken back to a bit before it */
        if (!l->asleep)
            h = sq_earlier_s(h, to_s(sq_fskdemod_onset_sample(l->demod)) - 1.0 / l->params->baud);
        if (l->open)
            h = sq_earlier_s(h, l->ev.start_s - 1.0 / l->params->baud);
        if (l->pending)
            h = sq_earlier_s(h, l->pending_ev.start_s);
        if (l->v8_run > 0)
            h = sq_earlier_s(h, l->v8_ev.start_s);
        if (l->v8rx && sq_v8_rx_in_sequence(l->v8rx, &v8_start))
            h = sq_earlier_s(h, to_s(v8_start));
    }
    return h;
}

int sq_fsk_lanes_cover(const sq_decoder *d, double freq_hz, double start_s, double end_s)
{
    for (int i = 0; i < SQ_FSK_LANES; i++) {
        const sq_fsk_lane *l = &d->lanes[i];
        double centre = (l->params->mark_hz + l->params->space_hz) / 2.0;
        if (fabs(freq_hz - centre) > FSK_BAND_HALF_HZ)
            continue;
        if (l->open && l->valid > 0 && l->ev.start_s < end_s)
            return 1;
        if (l->last_end_s > start_s && l->last_start_s < end_s)
            return 1;
    }
    return 0;
}

/* A V.8 run goes on only with a sequence that starts within 1.5 of its own lengths after
 * the run's end (handle_v8). Once no sequence is under way and even the longest could no
 * longer start in time, the run is over: it is reported now rather than at the next V.8
 * message, which may never come. */

static void expire_v8_run(sq_decoder *d, sq_fsk_lane *l)
{
    uint64_t start;
    if (l->v8_run == 0 || (l->v8rx && sq_v8_rx_in_sequence(l->v8rx, &start)))
        return;
    if (to_s(d->samples) - l->v8_ev.end_s > 1.5 * V8_LONGEST_S)
        close_v8_run(d, l);
}

static void demodulate(sq_decoder *d, sq_fsk_lane *l, const float *x, size_t n)
{
    size_t done = 0;
    while (done < n) {
        sq_fsk_bit bits[BITS_PER_CALL];
        size_t nb = 0;
        done += sq_fskdemod_process(l->demod, x + done, n - done, bits, BITS_PER_CALL, &nb);
        for (size_t k = 0; k < nb; k++)
            handle_bit(d, l, &bits[k]);
    }
}

/* Starts the demodulator again at the chunk that begins at sample `now`, after feeding it
 * what the band watch still holds of the recent past. */
static void replay(void *d, void *l, const float *x, size_t n)
{
    demodulate(d, l, x, n);
}

static void wake(sq_decoder *d, sq_fsk_lane *l, uint64_t now)
{
    uint64_t from = sq_band_watch_wake_from(&d->watch, now, WAKE_PREROLL, l->asleep_since);
    sq_fskdemod_restart_at(l->demod, from);
    sq_band_watch_replay(&d->watch, from, now, replay, d, l);
    l->asleep = 0;
}

static int may_sleep(const sq_decoder *d, const sq_fsk_lane *l, uint64_t now)
{
    uint64_t v8_start;
    return (double)(now - l->loud_until) >= SLEEP_AFTER_S * SQ_PROCESSING_RATE_HZ && !l->open &&
           !l->pending && l->v8_run == 0 && !sq_fskdemod_carrier(l->demod) &&
           !(l->v8rx && sq_v8_rx_in_sequence(l->v8rx, &v8_start)) && d->samples > 0;
}

/* Another lane carries data so much louder than all this lane's band holds that anything it
 * could read there would be that data's leak (is_leak_of_another drops a stretch
 * ADJACENT_LEAK_DB under one that overlaps it; DROWNED_DB leaves the band watch's measure
 * DROWNED_DB - ADJACENT_LEAK_DB of margin). A V.21 channel 1 at full level puts its keying
 * sidebands 28 dB down in channel 2's band; a lane would listen there for nothing. */
#define DROWNED_DB 20.0
#define DROWNED_RATIO 0.01   /* DROWNED_DB as a power ratio: no pow() per lane per chunk */

static int drowned(const sq_decoder *d, const sq_fsk_lane *l)
{
    double band = sq_band_watch_peak(&d->watch, l->band), under = DROWNED_RATIO;
    for (int i = 0; i < SQ_FSK_LANES; i++) {
        const sq_fsk_lane *m = &d->lanes[i];
        if (m != l && carrying_keyed_data(m) && band <= under * sq_band_watch_peak(&d->watch, m->band))
            return 1;
    }
    return 0;
}

/* The lane whose band overlaps this one's carries keyed data, and this lane reads nothing of
 * it (no carrier), or reads more unclear characters than clear ones over enough characters
 * to tell (the same signal through the wrong tones): it would lose the judgement between
 * them (judge_against_rival) and be dropped. The two are never on one line together (V.21
 * channel 1 and Bell 103 originate are both the caller's channel, channel 2 and Bell 103
 * answer the answerer's), so the lane closes its stretch, which waits for that judgement as
 * it would have, and sleeps while the data lasts (sq_fsk_lanes_process). It then wakes with
 * none of that data replayed, to read whatever follows from its start.
 * Measured on 61 minutes of V.21 channel 1: 1.49 times as fast, the same timeline. */
static int shadowed(const sq_decoder *d, const sq_fsk_lane *l)
{
    uint64_t v8_start;
    if (!carrying_keyed_data(&d->lanes[l->rival]) || l->v8_run != 0 || l->v8bis_seen ||
        (l->v8rx && sq_v8_rx_in_sequence(l->v8rx, &v8_start)))
        return 0;
    if (!l->open)
        return !sq_fskdemod_carrier(l->demod);
    size_t clear = l->valid + l->ev.framing_mismatches, unclear = l->ev.char_errors - l->ev.framing_mismatches;
    return clear + unclear >= DATA_MIN_CHARS && unclear > clear;
}

/* Closes what a shadowed lane was reading and forgets the character it was in the middle
 * of: when it wakes, its first bits start a character of their own. */
static void stop_reading(sq_decoder *d, sq_fsk_lane *l)
{
    if (l->open)
        close_segment(d, l);
    sq_async_rx_reset(l->uart);
    restart_character_sums(l, 0);
    memset(l->recent, 0, sizeof l->recent);
}

void sq_fsk_lanes_process(sq_decoder *d, const float *x, size_t n)
{
    const double loud = d->sleep_band_power;
    /* inside a V.34 / V.90 / V.32 transmission, or V.22 data, no FSK can be on this
     * channel: what the lanes would read there is that signal, and it is dropped anyway, so
     * they may sleep; so too from V.34's phase 2 on (an event only a V.34 / V.90 call holds)
     * until another call's start (an answer tone, CT, CNG), where V.21 comes again: they read
     * phase 2's DPSK and line probing for nothing (the real calls 2 % faster, every timeline
     * the same) */
    int wideband = sq_wideband_lane_transmitting(d) || sq_qam_lanes_carrying(d) || d->v34_heard_s > d->call_start_heard_s;
    for (int i = 0; i < SQ_FSK_LANES; i++) {
        sq_fsk_lane *l = &d->lanes[i];
        if (!wideband && sq_band_watch_peak(&d->watch, l->band) >= loud && !drowned(d, l))
            l->loud_until = d->samples + n;
        int rival_data = carrying_keyed_data(&d->lanes[l->rival]);
        if (l->asleep && rival_data)
            l->asleep_since = d->samples;   /* shadowed: its past is the rival's data, not to replay */
        if (l->asleep && l->loud_until > d->samples && !rival_data)
            wake(d, l, d->samples);
        if (!l->asleep) {
            demodulate(d, l, x, n);
            int shadow = shadowed(d, l);
            if (shadow)
                stop_reading(d, l);
            l->asleep = shadow || may_sleep(d, l, d->samples + n);
            if (l->asleep)
                l->asleep_since = d->samples + n;
        }
        expire_v8_run(d, l);
    }
}

void sq_fsk_lanes_finish(sq_decoder *d)
{
    /* Run the demodulators past their filter delay, so a character that ends with the
     * input is still decided. */
    static const float silence[160] = { 0 };
    sq_fsk_lanes_process(d, silence, sizeof silence / sizeof silence[0]);
    for (int i = 0; i < SQ_FSK_LANES; i++) {
        if (d->lanes[i].open)
            close_segment(d, &d->lanes[i]);
        close_v8_run(d, &d->lanes[i]);
    }
    for (int i = 0; i < SQ_FSK_LANES; i++)
        release_pending(d, &d->lanes[i]);
}

void sq_fsk_lanes_destroy(sq_decoder *d)
{
    for (int i = 0; i < SQ_FSK_LANES; i++) {
        sq_fskdemod_destroy(d->lanes[i].demod);
        sq_async_rx_destroy(d->lanes[i].uart);
        sq_v8_rx_destroy(d->lanes[i].v8rx);
    }
}

double sq_fsk_lanes_last_cm_end_s(const sq_decoder *d)
{
    double end_s = d->cm_end_s;
    for (int i = 0; i < SQ_FSK_LANES; i++) {
        const sq_fsk_lane *l = &d->lanes[i];
        if (l->v8_run > 0 && l->v8_ev.type == SQ_EVENT_CM)
            end_s = fmax(end_s, l->v8_ev.end_s);
    }
    return end_s;
}
