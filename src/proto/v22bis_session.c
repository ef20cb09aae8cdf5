/* V.22bis / V.22 session: start-up handshake and data channel
 * (include/squeal/v22bis_session.h; spec 4.6-4.9). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/qam.h"
#include "src/proto/session_queues.h"
#include "src/proto/session_step.h"
#include "src/proto/v22_detect.h"
#include "squeal/error.h"
#include "squeal/time_base.h"
#include "src/proto/v22_coding.h"
#include "squeal/v22bis_session.h"

#define SYMBOL_MS (1000.0 / 600.0)

/* V.22bis 6.3.1.1 and 6.3.1.2 timings */
#define USB1_SYMBOLS 93             /* 155 +/- 10 ms of USB1 before the caller acts */
#define CALLER_SILENCE SQ_MS(456)      /* then 456 +/- 10 ms of silence */
#define S1_SYMBOLS 60               /* S1 lasts 100 +/- 3 ms */
#define DECIDE16_AFTER_S1 SQ_MS(SQ_V22_DECIDE16_AFTER_S1_MS)
#define RATE2400_AFTER_S1 SQ_MS(600)   /* SB1 at 2400 from 600 +/- 10 ms after it */
#define SB1_2400 SQ_MS(200)            /* 200 +/- 10 ms of SB1 at 2400 before data */
#define V22_READY SQ_MS(765)           /* 765 +/- 10 ms after 109 ON (caller) or of SB1 (answerer) */
#define IDLE_BEFORE_DATA 40          /* 1s in a row before characters are taken */
/* Marks before the first character: the far receiver may finish training later than ours
 * (spandsp reports training done 125-280 ms after squeal enters data mode), and a character
 * sent before then is lost, and the ones after it misframed. */
#define FIRST_CHAR_HOLD SQ_MS(400)
#define CARRIER_OFF_TIME SQ_MS(SQ_V22_CARRIER_OFF_MS)
/* With error control above (bit mode), from training on, the carrier has to stay off this
 * long before the call is given up (a Hayes modem's S10 default, 1.4 s): a sound server that
 * skips can leave a few hundred ms of silence. A shorter loss in data is a fault like any
 * other: at 2400 bit/s both ends retrain, and the layer above sends again what was lost;
 * in training, the training goes on (its own 5 s limit still holds), and whatever it gets
 * wrong the layer's FCS catches (one CI run lost a call to a skip 60 ms into SB1 at 2400). With start-stop
 * characters the call ends at CARRIER_OFF_TIME instead: what a receiver decodes as the
 * carrier comes back can be misframed, and nothing would catch it (measured: 500 ms of
 * silence let 2-52 wrong bytes through at 2400 and 1200 bit/s). */
#define CARRIER_LOSS_HANGUP SQ_MS(1400)
/* A received character is handed over only once it is this old and the carrier is still
 * there: the symbols as a carrier fades (hang-up, a cut line) decode to garbage before the
 * loss is declared (the fast level falls 35 dB in ~30 ms, then CARRIER_OFF_TIME), and what
 * is held back then is dropped rather than delivered as if it were good. 150 ms was not
 * enough when a sound server dropped a killed peer's stream: the audio jumped before it
 * went silent, and a few garbage characters came out (tests/loopback_test.sh). */
#define CHAR_HOLD SQ_MS(300)
#define HELD_MAX 256
#define ANSWER_WAIT SQ_MS(10000)       /* a handshake that gets no reply gives up */
/* Line quality needed to go to 2400 bit/s: the SNR of the symbols as measured on USB1 or S1
 * (their differential phase scatter; symbol SNR = line SNR over 0-4 kHz + 8.2 dB). 16-QAM
 * makes 1e-5 at about 12.1 dB line SNR here (bench_v22), so 20.5 dB asks for ~12.3 dB. At
 * 20.0 the estimate's scatter sent 4 of 300 calls at 11 dB to 2400, where 2000 bytes each
 * way do not all arrive intact; at 20.5 none of 200 went, and every one of 200 at 14 dB
 * still chose 2400. */
#define MIN_SNR_2400_DB 20.5
/* The answerer measures on S1 alone (60 symbols, while its receiver still acquires): a
 * rougher figure, so it only vetoes a line that is clearly too poor. */
#define ANSWERER_MIN_SNR_2400_DB 16.0
/* Retrain (V.22bis 6.4). A gap or a jump in the audio (a sound server's hiccup) throws the
 * carrier phase and the symbol timing off at once: the slicer's error leaps. Its short
 * average (8 symbols) is a fault when it is FAULT_RATIO times the long one (128 symbols):
 * noise alone gets there about never (the short average has ~30 degrees of freedom), while
 * a fault does on its first bad symbol or two. It is also a fault, however it came, when the
 * short average says the symbols are below FAULT_SNR_DB: a line that carries 2400 at all is
 * at 20 dB or more. Then the characters decoded since are dropped and both ends retrain,
 * even if the receiver would find its way back: its start-stop framing may not, and only
 * the idle marks after a retrain are sure to bring it back. Measured: a fault that left the
 * short average at 0.3 (just short of FAULT_SNR_DB) for 25 symbols let garbage through. */
#define FAULT_SNR_DB 14.0
#define FAULT_RATIO 4.0
#define FAULT_FLOOR 0.06            /* |error|^2, grid units (22 dB): clean lines sit far below */
#define FAULT_SHORT 8.0             /* symbols */
#define FAULT_LONG 128.0
#define FAULT_BACKOFF SQ_MS(10)        /* the first bad symbol came a few symbols before */
/* No S1 back: send S1 again (NOTES-SM: 1.2 s). When a fault hits both directions at once,
 * both ends retrain together and each S1 reaches a receiver that has only just started
 * over and misses it; different intervals for the two roles pull the repeats apart, and an
 * S1 heard more than REPLY_AFTER after our own is answered with another (V.22bis 6.6.1 f
 * counts one within about a second as the reply). */
#define RETRAIN_REPEAT_CALLER SQ_MS(1200)
#define RETRAIN_REPEAT_ANSWERER SQ_MS(1700)
#define REPLY_AFTER SQ_MS(1000)
#define RATE_REQUEST_DIBITS 32      /* identical 01 or 10 dibits that ask for 1200 (6.6) */
/* A retrain whose S1 measures below this asks for 1200 bit/s. S1 (44 symbols, measured as
 * the receiver finds its timing again) reads 20-23 dB on a 14 dB line and about 19 on an
 * 11 dB one; a line between these that cannot hold 2400 after all is caught by the
 * poor-line rule below, whose retrain asks for 1200 outright. */
#define RETRAIN_MIN_2400_DB 18.0
/* Rate follows the line in data too: at 2400 bit/s, a slicer SNR averaged over LINE_SYMBOLS
 * below LINE_MIN_2400_DB, LINE_WAIT after data began, makes a retrain that asks for 1200.
 * 19.5 dB is a line at about 11.3 dB, where 16-QAM makes ~6e-5 (bench_v22); the way up,
 * 20.5 dB on USB1, leaves a dB between them so a line at the edge does not flap. */
#define LINE_SYMBOLS 1200.0
#define LINE_MIN_2400_DB 19.5
#define LINE_WAIT SQ_MS(3000)
/* S1 sent this many times with none back ends the call: 7.2 s for the caller, 10.2 s for
 * the answerer, longer than the 5 s after which a far end stuck in its retrain's training
 * starts one of its own (RETRAIN_AGAIN_MAX), whose S1 is then heard */
#define RETRAIN_ATTEMPTS 6
/* A retrain whose training does not finish in 5 s (a second skip in it threw a receiver
 * off, and the far end's S1 came and went unseen) is started again, as V.22bis 6.4 asks of
 * a modem that "fails to synchronize on the received retrain sequence"; this many in a row,
 * then the call ends. */
#define RETRAIN_AGAIN_MAX 3
/* Equalisation lost again this soon after a retrain, on symbols that were below 20 dB
 * before it: the line itself is too poor for 2400. (Faults on a good line, such as a sound
 * server skipping twice in a row under load, are retrained however often they come.) */
#define RETRAIN_TOO_SOON SQ_MS(5000)
#define POOR_LINE_SNR_DB 20.0
/* And the way up (V.22bis 6.6): in data at 1200 bit/s with error control above (a retrain
 * loses what is in flight, which only that layer sends again) and a far end known to run
 * V.22bis, a line whose slicer SNR, averaged over LINE_SYMBOLS, is UPGRADE_MIN_SNR_DB or better
 * after UPGRADE_WAIT makes a retrain that asks for 2400. 3.5 dB above the way down, so a
 * line does not flap between the rates; the two roles wait differently so that both ends
 * rarely ask at once. A far end that answers 1200 is not asked again; one retrain that
 * went wrong otherwise is tried once more after UPGRADE_RETRY. */
#define UPGRADE_MIN_SNR_DB 23.0
#define UPGRADE_WAIT_CALLER SQ_MS(6000)
#define UPGRADE_WAIT_ANSWERER SQ_MS(8000)
#define UPGRADE_RETRY SQ_MS(30000)
#define UPGRADE_TRIES 2
#define UNTRUSTED_SNR_DB 18.0

enum state {
    ST_CALLER_WAIT_USB1 = 0,
    ST_CALLER_SILENCE,
    ST_CALLER_WAIT_REPLY,      /* sent S1 and/or SB1; waiting for S1 or SB1 */
    ST_ANSWERER_USB1,          /* sending USB1; waiting for S1 or SB1 */
    ST_S1_HEARD,               /* S1 coming in: wait for its end */
    ST_TRAIN_2400,             /* timers from the end of the S1 heard */
    ST_TRAIN_1200,             /* V.22: SB1 until ready */
    ST_DATA,
    ST_RETRAIN,                /* in data, lost equalisation: sent S1, waiting for S1 back */
    ST_ENDED,
};

/* TX_RATE_1200: after S1 in a retrain, scrambled 01 dibits at 1200 bit/s instead of SB1's
 * 11s: the rate change request of V.22bis 6.6 (spec 4.8) */
enum tx_signal { TX_SILENT = 0, TX_USB1, TX_S1, TX_SB1, TX_RATE_1200, TX_DATA };

struct sq_v22_session {
    sq_v22_settings set;
    sq_v22_status st;
    enum state state;
    uint64_t n, state_start;
    sq_qam_tx *qtx;
    sq_qam_rx *qrx;
    float tx_step[SQ_STEP_SAMPLES];   /* the step being sent (session_step.h) */
    /* transmit */
    enum tx_signal tx;
    int tx_rate;
    uint64_t tx_symbols;       /* symbols of the current signal */
    sq_v22_scrambler scr;
    sq_v22_mapper map;
    uint8_t char_bits[16];
    int char_pos, char_len;
    sq_byte_queue txq;
    int tx_ready;
    uint64_t tx_ready_at, first_char_at;
    /* receive: handshake detectors (their descrambler runs on into data) */
    sq_v22_detector det;
    uint64_t s1_end;
    int i_want_2400;
    /* receive: data */
    sq_v22_demapper dem;
    int rx_rate, rx_ready, rate_hits, ones_run, marks_seen;
    uint64_t quiet_since, fault_at;
    int carrier_dropped;         /* this loss of carrier has been acted on */
    double fast_err, slow_err;   /* slicer error, short and long averages, in data at 2400 */
    double line_err;             /* ... and over a few seconds: the line's quality */
    uint64_t data_since;         /* data began, or resumed after a retrain */
    /* retrain: S1 watched for in data (its own descrambler: the data's runs on in det) */
    sq_v22_detector s1_watch;
    int retraining, retrain_attempts, rx_kept_lock;
    int retrains_unfinished;     /* in a row, since data last resumed */
    /* rate change in a retrain: we ask for 1200; the far end does (its 01/10 dibits in a
     * row, and the last one) */
    int retrain_1200, far_1200, rate_dibits, last_dibit;
    int rate_before;             /* the data rate when this retrain began */
    int far_v22bis;              /* V.8 said so, or S1 was heard: it may be asked for 2400 */
    int upgrade_tries;
    uint64_t s1_sent_at;
    uint64_t retrained_at, s1_watch_start;
    double settled_err;          /* slow_err when the last retrain began from settled data */
    sq_async_rx *arx;
    struct held_char { uint8_t byte; uint64_t sample; } held[HELD_MAX];
    size_t held_first, held_n;
    sq_byte_queue rxq;
    sq_note_ring notes;
};

void sq_v22_default_settings(sq_role role, sq_v22_settings *s)
{
    memset(s, 0, sizeof *s);
    s->role = role;
    s->max_rate = 2400;
    s->tx_level_dbm0 = -13.0;
    s->format = SQ_ASYNC_8N1;
}

static void note(sq_v22_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(sq_v22_session *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sq_note_ring_add(&s->notes, s->n, fmt, ap);
    va_end(ap);
}

static void enter(sq_v22_session *s, enum state st)
{
    s->state = st;
    s->state_start = s->n;
}

/* The mean squared slicer error (grid units) of symbols at snr_db, and back. */
static double error_at_snr(double snr_db)
{
    return SQ_QAM_GRID_POWER * pow(10.0, -snr_db / 10.0);
}

static double snr_of_error(double err)
{
    return 10.0 * log10(SQ_QAM_GRID_POWER / err);
}

static void send_signal(sq_v22_session *s, enum tx_signal sig, int rate)
{
    s->tx = sig;
    s->tx_rate = rate;
    s->tx_symbols = 0;
}

static void end_call(sq_v22_session *s, const char *why)
{
    if (s->st.phase == SQ_V22_ENDED)
        return;
    s->st.phase = SQ_V22_ENDED;
    snprintf(s->st.reason, sizeof s->st.reason, "%s", why);
    note(s, "NO CARRIER: %s", why);
    if (s->held_n)
        note(s, "%zu characters decoded as the carrier went dropped", s->held_n);
    s->held_n = 0;
    send_signal(s, TX_SILENT, 0);
    enter(s, ST_ENDED);
}

int sq_v22_session_create(const sq_v22_settings *set, sq_v22_session **out)
{
    if (!out)
        return SQ_EINVAL;
    *out = NULL;
    if (!set || (set->role != SQ_ROLE_CALLER && set->role != SQ_ROLE_ANSWERER) ||
        (set->max_rate != 2400 && set->max_rate != 1200) ||
        (set->guard_hz != 0 && set->guard_hz != 550 && set->guard_hz != 1800) ||
        (set->guard_hz && set->role != SQ_ROLE_ANSWERER) || (!set->get_bit != !set->put_bit) ||
        !(set->tx_level_dbm0 >= -60.0 && set->tx_level_dbm0 <= 0.0) ||
        sq_async_format_check(&set->format) != SQ_OK)
        return SQ_EINVAL;
    sq_v22_session *s = calloc(1, sizeof *s);
    if (!s)
        return SQ_ENOMEM;
    s->set = *set;
    int caller = set->role == SQ_ROLE_CALLER;
    /* The caller sends on the low channel and hears the high one; the answerer the reverse. */
    double mine = caller ? SQ_QAM_CALLER_CARRIER_HZ : SQ_QAM_ANSWERER_CARRIER_HZ;
    double theirs = caller ? SQ_QAM_ANSWERER_CARRIER_HZ : SQ_QAM_CALLER_CARRIER_HZ;
    int rc = sq_qam_tx_create(mine, set->tx_level_dbm0, set->guard_hz, &s->qtx);
    if (rc == SQ_OK)
        rc = sq_qam_rx_create(theirs, &s->qrx);
    if (rc == SQ_OK)
        rc = sq_async_rx_create(&set->format, &s->arx);
    if (rc != SQ_OK) {
        sq_v22_session_destroy(s);
        return rc;
    }
    sq_v22_scrambler_init(&s->scr);
    sq_v22_detector_init(&s->det);
    sq_async_rx_accept_deleted_stops(s->arx, 1);   /* V.14: the far end's DTE may run fast */
    s->i_want_2400 = set->max_rate == 2400;
    s->far_v22bis = set->far_v22bis;
    if (caller) {
        enter(s, ST_CALLER_WAIT_USB1);
    } else {
        send_signal(s, TX_USB1, 1200);
        note(s, "USB1 sent%s", set->guard_hz ? " with guard tone" : "");
        enter(s, ST_ANSWERER_USB1);
    }
    *out = s;
    return SQ_OK;
}

/* ---- transmit ---- */

static void next_data_bits(sq_v22_session *s, uint8_t *bits, int count)
{
    for (int i = 0; i < count; i++) {
        uint8_t byte;
        if (s->n < s->first_char_at) {   /* the far receiver may not be ready yet */
            bits[i] = 1;
            continue;
        }
        if (s->set.get_bit) {
            bits[i] = s->st.phase == SQ_V22_DATA ? s->set.get_bit(s->set.bit_user) : 1;
            continue;
        }
        if (s->char_pos == s->char_len && s->st.phase == SQ_V22_DATA &&
            sq_byte_queue_pop(&s->txq, &byte, 1)) {
            s->char_len = sq_async_frame_byte(&s->set.format, byte, s->char_bits);
            s->char_pos = 0;
        }
        bits[i] = s->char_pos < s->char_len ? s->char_bits[s->char_pos++] : 1;   /* idle: mark */
    }
}

static float complex next_symbol(void *user)
{
    sq_v22_session *s = user;
    uint8_t bits[4] = { 1, 1, 1, 1 };
    int nb = sq_v22_bits_per_symbol(s->tx_rate);
    s->tx_symbols++;
    switch (s->tx) {
    case TX_SILENT:
        return 0.0f;
    case TX_USB1:   /* unscrambled 1s */
        return sq_v22_map(&s->map, 1200, bits);
    case TX_S1:     /* unscrambled 00 and 11 alternately, then SB1 */
        if (s->tx_symbols > S1_SYMBOLS) {
            send_signal(s, s->retrain_1200 ? TX_RATE_1200 : TX_SB1, 1200);
            note(s, s->retrain_1200 ? "01 dibits sent at 1200 bit/s: asking for 1200" : "SB1 sent at 1200 bit/s");
            return next_symbol(user);
        }
        bits[0] = bits[1] = s->tx_symbols & 1u;
        return sq_v22_map(&s->map, 1200, bits);
    case TX_RATE_1200:
    case TX_SB1:
    case TX_DATA:
        if (s->tx == TX_DATA)
            next_data_bits(s, bits, nb);
        else if (s->tx == TX_RATE_1200)
            bits[0] = 0;
        for (int i = 0; i < nb; i++)
            bits[i] = sq_v22_scramble(&s->scr, bits[i]);
        return sq_v22_map(&s->map, s->tx_rate, bits);
    }
    return 0.0f;
}

/* ---- receive ---- */

/* Hands over the held characters decoded before `before`. */
static void release_held(sq_v22_session *s, uint64_t before)
{
    while (s->held_n && s->held[s->held_first].sample < before) {
        /* the user reads far faster than 2400 bit/s, so rxq has room */
        (void)sq_byte_queue_push(&s->rxq, &s->held[s->held_first].byte, 1);
        s->held_first = (s->held_first + 1) % HELD_MAX;
        s->held_n--;
    }
}

static void deliver(sq_v22_session *s, uint8_t bit, uint64_t sample)
{
    if (s->set.put_bit) {   /* the layer above checks its frames itself */
        s->set.put_bit(s->set.bit_user, bit);
        return;
    }
    sq_async_char c;
    if (!sq_async_rx_put_bit(s->arx, bit, sample, &c))
        return;
    if (c.framing_error || c.parity_error) {
        s->st.char_errors++;
        return;
    }
    /* 16 points below 18 dB make errors every few hundred bits: a character decoded then
     * (a receiver not yet settled after a retrain, a fault too gentle to be called one) is
     * not trusted. A line that carries 2400 at all is at 20 dB or more. */
    if (s->st.rate == 2400 && s->rx_rate == 2400 && sq_qam_rx_snr_db(s->qrx) < UNTRUSTED_SNR_DB) {
        s->st.char_errors++;
        return;
    }
    if (s->held_n == HELD_MAX)
        release_held(s, UINT64_MAX);
    s->held[(s->held_first + s->held_n++) % HELD_MAX] = (struct held_char){ c.byte, sample };
}

static void start_data_if_ready(sq_v22_session *s)
{
    if (!s->tx_ready || !s->rx_ready || (s->st.phase != SQ_V22_HANDSHAKE && !s->retraining))
        return;
    s->first_char_at = s->n + FIRST_CHAR_HOLD;
    s->fast_err = s->slow_err = s->line_err = error_at_snr(sq_qam_rx_snr_db(s->qrx));
    s->data_since = s->n;
    s->fault_at = 0;
    s->retrained_at = s->retraining ? s->n : 0;
    s->retrains_unfinished = 0;
    sq_v22_detector_init(&s->s1_watch);
    enter(s, ST_DATA);
    if (s->retraining) {
        s->retraining = 0;
        if (s->st.phase == SQ_V22_DATA) {
            note(s, "retrained: data at %d bit/s%s (symbol SNR %.1f dB)", s->st.rate,
                 s->st.rate == s->rate_before ? " again" : s->st.rate > s->rate_before ? ", up from 1200" : ", down from 2400",
                 sq_qam_rx_snr_db(s->qrx));
            return;
        }
    }
    s->st.phase = SQ_V22_DATA;
    s->st.data_sample = s->n;
    note(s, "CONNECT %d (symbol SNR %.1f dB)", s->st.rate, sq_qam_rx_snr_db(s->qrx));
}

/* Characters decoded from `good_before` on are not trusted: they are dropped, and the
 * start-stop receiver waits for a mark again. */
static void drop_held_since(sq_v22_session *s, uint64_t good_before)
{
    release_held(s, good_before);
    if (s->held_n)
        note(s, "%zu characters decoded since then dropped", s->held_n);
    s->held_n = 0;
    sq_async_rx_reset(s->arx);
}

/* Both ends of a retrain (V.22bis 6.4): the characters not yet handed over may hold
 * garbage, so the ones decoded after `good_before` are dropped; the receiver's data path
 * starts again (clamped to 1s until 32 ones at 2400 bit/s, then idle marks); the character
 * we were sending goes again whole once data resumes; and S1 then SB1 at 1200 go out. */
static void begin_retrain(sq_v22_session *s, uint64_t good_before, const char *why)
{
    if (!s->retrained_at || s->n - s->retrained_at >= RETRAIN_TOO_SOON)
        s->settled_err = s->slow_err;
    note(s, "retrain: %s", why);
    drop_held_since(s, good_before);
    s->rx_ready = s->tx_ready = 0;
    s->marks_seen = s->rate_hits = s->ones_run = 0;
    s->retrain_1200 = s->far_1200 = s->rate_dibits = 0;
    s->rate_before = s->st.rate;
    s->fault_at = 0;
    if (s->char_pos < s->char_len)
        s->char_pos = 0;
    s->retraining = 1;
    s->st.retrains++;
    s->s1_sent_at = s->n;
    send_signal(s, TX_S1, 1200);
    note(s, "S1 sent");
}

/* This side retrains on its own: its receiver starts over and waits for S1 back. */
static void start_own_retrain(sq_v22_session *s, uint64_t good_before, const char *why)
{
    begin_retrain(s, good_before, why);
    sq_qam_rx_reset(s->qrx);
    sq_v22_detector_init(&s->det);
    s->retrain_attempts = 1;
    enter(s, ST_RETRAIN);
}

/* In a retrain, the far end's descrambled dibits after its S1: 01 or 10 again and again
 * ask for 1200 (V.22bis 6.6). */
static void watch_rate_request(sq_v22_session *s, const uint8_t *data)
{
    int dibit = data[0] << 1 | data[1];
    if (dibit == 1 || dibit == 2)
        s->rate_dibits = dibit == s->last_dibit ? s->rate_dibits + 1 : 1;
    else
        s->rate_dibits = 0;
    s->last_dibit = dibit;
    if (s->rate_dibits >= RATE_REQUEST_DIBITS && !s->far_1200) {
        s->far_1200 = 1;
        note(s, "the far end asks for 1200 bit/s");
    }
}

/* Data bits once decisions are coherent: demap, descramble, deliver after 109 ON. */
static void receive_bits(sq_v22_session *s, const sq_qam_symbol *sym)
{
    if (s->state == ST_TRAIN_2400 && s->rx_rate == 1200 && s->n >= s->s1_end + DECIDE16_AFTER_S1) {
        if (sq_v22_watch_2400(&s->rate_hits, sym->decision)) {
            s->rx_rate = 2400;
            note(s, "far end at 2400 bit/s");
        }
    }
    uint8_t bits[4];
    int nb = sq_v22_bits_per_symbol(s->rx_rate);
    sq_v22_demap(&s->dem, s->rx_rate, sym->decision, bits);
    for (int i = 0; i < nb; i++)
        bits[i] = sq_v22_descramble(&s->det.descr, bits[i]);
    if (s->retraining && s->state == ST_TRAIN_2400 && s->rx_rate == 1200)
        watch_rate_request(s, bits);
    for (int i = 0; i < nb; i++) {
        uint8_t b = bits[i];
        if (s->rx_ready) {
            /* data is clamped to 1 until the line has idled on 1s a while: the first
             * coherent decisions after the handshake are not the far end's data */
            if (s->marks_seen < IDLE_BEFORE_DATA) {
                s->marks_seen = b ? s->marks_seen + 1 : 0;
                continue;
            }
            deliver(s, b, sym->sample);
        } else if (s->state == ST_TRAIN_2400 && s->rx_rate == 2400) {
            s->ones_run = b ? s->ones_run + 1 : 0;
            if (s->ones_run >= SQ_V22_ONES_BEFORE_DATA) {
                s->rx_ready = 1;
                note(s, "32 ones at 2400 bit/s received: receiver ready");
            }
        }
    }
}

static void on_symbol(sq_v22_session *s, const sq_qam_symbol *sym)
{
    if (s->state == ST_ENDED)
        return;
    int coherent = s->state == ST_TRAIN_2400 || s->state == ST_DATA ||
                   (s->state == ST_TRAIN_1200 && s->rx_rate);
    if (!coherent) {
        sq_v22_detector_symbol(&s->det, sym->z, sq_qam_rx_level_dbm0(s->qrx) > SQ_V22_CARRIER_ON_DBM0);
        return;
    }
    receive_bits(s, sym);
    if (s->state == ST_DATA) {
        float complex e = sym->z - sym->decision;
        double e2 = (double)(crealf(e) * crealf(e) + cimagf(e) * cimagf(e));
        if (s->st.rate == 2400) {
            s->fast_err += (e2 - s->fast_err) / FAULT_SHORT;
            if (!s->fault_at && (s->fast_err > FAULT_RATIO * fmax(s->slow_err, FAULT_FLOOR / FAULT_RATIO) ||
                                 s->fast_err > error_at_snr(FAULT_SNR_DB)))
                s->fault_at = sym->sample;
            s->slow_err += (e2 - s->slow_err) / FAULT_LONG;
        }
        s->line_err += (e2 - s->line_err) / LINE_SYMBOLS;
        sq_v22_detector_symbol(&s->s1_watch, sym->z, 1);
        if (s->s1_watch.s1_run == 1)
            s->s1_watch_start = sym->sample;
    }
}

/* ---- the handshake ---- */

static void heard_s1_end(sq_v22_session *s)
{
    s->s1_end = s->n;
    /* a receiver still locked from data (a retrain's responder) measured S1 derotated: its
     * carrier loop already knows the offset better than S1's differential phase does */
    if (!s->rx_kept_lock)
        sq_qam_rx_set_freq_offset(s->qrx, s->det.foff_hz);
    s->rx_kept_lock = 0;
    sq_qam_rx_set_decide(s->qrx, SQ_QAM_DECIDE_4);
    s->rx_rate = 1200;
    s->st.rate = 2400;
    note(s, "S1 received (symbol SNR %.1f dB): 2400 bit/s", s->det.quality_db);
    enter(s, ST_TRAIN_2400);
}

/* A retrain where either end asked for 1200: at the moment 16-way decisions would start,
 * both stay with the four points; SB1 (marks) until data resumes when it would have at
 * 2400. */
static void retrain_to_1200(sq_v22_session *s)
{
    s->st.rate = 1200;
    s->rx_rate = 1200;
    send_signal(s, TX_SB1, 1200);
    s->tx_ready_at = s->n + RATE2400_AFTER_S1 + SB1_2400 - DECIDE16_AFTER_S1;
    note(s, "%s: 1200 bit/s", s->retrain_1200 ? "we asked for 1200" : "the far end asked for 1200");
    if (s->far_1200 && s->rate_before == 1200)
        s->upgrade_tries = UPGRADE_TRIES;   /* it wants 1200: not asked again */
    enter(s, ST_TRAIN_1200);
}

/* V.22 path: SB1 heard for 270 ms (no S1), or we chose 1200 ourselves. */
static void go_1200(sq_v22_session *s, const char *why)
{
    s->st.rate = 1200;
    s->rx_rate = 1200;
    sq_qam_rx_set_freq_offset(s->qrx, s->det.foff_hz);
    sq_qam_rx_set_decide(s->qrx, SQ_QAM_DECIDE_4);
    if (s->tx != TX_SB1 && s->tx != TX_S1)
        send_signal(s, TX_SB1, 1200);
    if (s->set.role == SQ_ROLE_CALLER) {
        s->rx_ready = 1;   /* caller: 109 ON now, data out 765 ms later */
    }
    s->tx_ready_at = s->n + V22_READY;
    note(s, "%s: 1200 bit/s", why);
    enter(s, ST_TRAIN_1200);
}

/* In data at 1200 bit/s: time to ask for 2400 (V.22bis 6.6)? */
static int upgrade_due(const sq_v22_session *s)
{
    if (s->st.rate != 1200 || s->set.max_rate != 2400 || !s->far_v22bis || !s->set.put_bit ||
        s->upgrade_tries >= UPGRADE_TRIES)
        return 0;
    uint64_t wait = s->set.role == SQ_ROLE_CALLER ? UPGRADE_WAIT_CALLER : UPGRADE_WAIT_ANSWERER;
    if (s->upgrade_tries)
        wait += UPGRADE_RETRY;
    return s->n - s->data_since >= wait && s->line_err < error_at_snr(UPGRADE_MIN_SNR_DB);
}

static void step(sq_v22_session *s)
{
    uint64_t in_state = s->n - s->state_start;
    switch (s->state) {
    case ST_CALLER_WAIT_USB1:
        if (s->det.usb1_run >= USB1_SYMBOLS) {
            note(s, "USB1 detected (symbol SNR %.1f dB)", s->det.quality_db);
            enter(s, ST_CALLER_SILENCE);
        } else if (in_state > ANSWER_WAIT) {
            end_call(s, "no answering carrier (USB1)");
        }
        break;
    case ST_CALLER_SILENCE:
        if (in_state >= CALLER_SILENCE) {
            /* USB1 has gone on through the silence: its whole length measures the line */
            s->i_want_2400 = s->set.max_rate == 2400 && s->det.quality_db >= MIN_SNR_2400_DB;
            if (s->i_want_2400) {
                send_signal(s, TX_S1, 1200);
                note(s, "S1 sent");
            } else {
                send_signal(s, TX_SB1, 1200);
                note(s, "SB1 sent at 1200 bit/s (%s, symbol SNR %.1f dB)", s->set.max_rate == 2400 ? "line too poor for 2400" : "V.22", s->det.quality_db);
            }
            s->det.sb1_bits = 0;
            enter(s, ST_CALLER_WAIT_REPLY);
        }
        break;
    case ST_CALLER_WAIT_REPLY:
    case ST_ANSWERER_USB1:
        if (s->det.s1_run >= SQ_V22_S1_DETECT_SYMBOLS) {
            enter(s, ST_S1_HEARD);
        } else if (s->det.sb1_bits >= SQ_V22_SB1_DETECT_BITS) {
            go_1200(s, "SB1 heard without S1");
        } else if (in_state > ANSWER_WAIT) {
            end_call(s, "no reply to the handshake");
        }
        break;
    case ST_S1_HEARD:
        s->far_v22bis = 1;
        if (s->det.s1_run == 0 && s->retraining) {
            /* a retrain: a line now too poor for 2400, or a modem set to 1200, asks for
             * 1200 after S1 (6.6) */
            if (s->set.max_rate != 2400 && !s->retrain_1200) {
                s->retrain_1200 = 1;
                note(s, "asking for 1200 bit/s: this modem is set to 1200");
                if (s->tx == TX_SB1)
                    send_signal(s, TX_RATE_1200, 1200);
            } else if (s->det.quality_db < RETRAIN_MIN_2400_DB && !s->retrain_1200) {
                s->retrain_1200 = 1;
                note(s, "S1 at symbol SNR %.1f dB: too poor for 2400, asking for 1200", s->det.quality_db);
                if (s->tx == TX_SB1)
                    send_signal(s, TX_RATE_1200, 1200);
            }
            heard_s1_end(s);
        } else if (s->det.s1_run == 0) {   /* S1 ended */
            int caller = s->set.role == SQ_ROLE_CALLER;
            if (!caller)
                s->i_want_2400 = s->set.max_rate == 2400 && s->det.quality_db >= ANSWERER_MIN_SNR_2400_DB;
            if (caller && s->i_want_2400) {
                heard_s1_end(s);
            } else if (!caller && s->i_want_2400) {
                heard_s1_end(s);
                send_signal(s, TX_S1, 1200);
                note(s, "S1 sent");
            } else if (caller) {
                /* we left S1 out, the answerer did not: a V.22bis answerer that will settle
                 * on our SB1 at 1200 */
                go_1200(s, "S1 heard, but we asked for 1200");
            } else {
                char why[96];
                if (s->set.max_rate == 2400)
                    snprintf(why, sizeof why, "S1 heard (symbol SNR %.1f dB, too poor for 2400)", s->det.quality_db);
                else
                    snprintf(why, sizeof why, "S1 heard (V.22 only)");
                go_1200(s, why);
            }
        }
        break;
    case ST_TRAIN_2400: {
        uint64_t since = s->n - s->s1_end;
        if (since >= DECIDE16_AFTER_S1 && s->retraining && (s->retrain_1200 || s->far_1200)) {
            retrain_to_1200(s);
            break;
        }
        if (since >= DECIDE16_AFTER_S1)
            sq_qam_rx_set_decide(s->qrx, SQ_QAM_DECIDE_16);
        if (since >= RATE2400_AFTER_S1 && s->tx_rate == 1200) {
            send_signal(s, TX_SB1, 2400);
            note(s, "SB1 at 2400 bit/s");
        }
        if (since >= RATE2400_AFTER_S1 + SB1_2400 && !s->tx_ready) {
            s->tx_ready = 1;
            send_signal(s, TX_DATA, 2400);
        }
        start_data_if_ready(s);
        if (since > SQ_MS(5000) && (s->st.phase == SQ_V22_HANDSHAKE || s->retraining)) {
            /* with error control above, a first training a sound server's skip spoilt is
             * tried once more as a retrain (the far end may already be in data, where it
             * answers S1); without, the call ends as it always did */
            if (s->set.put_bit && s->st.phase == SQ_V22_HANDSHAKE && !s->retraining && !s->st.retrains)
                start_own_retrain(s, s->n, "training at 2400 bit/s did not finish");
            else if (s->retraining && s->retrains_unfinished < RETRAIN_AGAIN_MAX) {
                s->retrains_unfinished++;
                start_own_retrain(s, s->n, "the retrain did not finish: retraining again");
            } else
                end_call(s, s->retraining ? "retrain did not finish" : "training at 2400 bit/s did not finish");
        }
        break;
    }
    case ST_TRAIN_1200:
        if (s->n >= s->tx_ready_at) {
            s->tx_ready = 1;
            s->rx_ready = 1;
            send_signal(s, TX_DATA, 1200);
            start_data_if_ready(s);
        }
        break;
    case ST_DATA:
        if (s->fault_at) {
            char why[96];
            if (s->carrier_dropped)
                snprintf(why, sizeof why, "far carrier gone for %d ms", SQ_V22_CARRIER_OFF_MS);
            else
                snprintf(why, sizeof why, "equalisation lost (slicer SNR %.1f dB over 8 symbols, %.1f dB before)",
                         snr_of_error(s->fast_err), snr_of_error(s->slow_err));
            /* judged on the data before the retrain: a retrain that itself went badly (a
             * second S1 in its training, over a sound server's latency, left one at 12 dB
             * on a 40 dB line) is retrained again, not taken for a poor line */
            int poor_line = !s->carrier_dropped && s->settled_err > error_at_snr(POOR_LINE_SNR_DB);
            if (poor_line && s->retrained_at && s->n - s->retrained_at < RETRAIN_TOO_SOON) {
                start_own_retrain(s, s->fault_at - FAULT_BACKOFF, "equalisation lost again soon after a retrain: the line is too poor for 2400 bit/s");
                s->retrain_1200 = 1;
                break;
            }
            start_own_retrain(s, s->fault_at - FAULT_BACKOFF, why);
        } else if (s->st.rate == 2400 && s->n - s->data_since > LINE_WAIT &&
                   s->line_err > error_at_snr(LINE_MIN_2400_DB)) {
            char why[96];
            snprintf(why, sizeof why, "line quality too poor for 2400 bit/s (slicer SNR %.1f dB over 2 s)",
                     snr_of_error(s->line_err));
            start_own_retrain(s, s->n, why);
            s->retrain_1200 = 1;
        } else if (upgrade_due(s)) {
            char why[96];
            snprintf(why, sizeof why, "asking for 2400 bit/s (slicer SNR %.1f dB at 1200 over 2 s)",
                     snr_of_error(s->line_err));
            s->upgrade_tries++;
            start_own_retrain(s, s->n, why);
        } else if (s->s1_watch.s1_run >= SQ_V22_S1_DETECT_SYMBOLS) {
            /* the far end retrains: what came before its S1 was good */
            /* S1's first symbol or two do not count as alternations yet */
            begin_retrain(s, s->s1_watch_start - SQ_MS(3 * SYMBOL_MS), "S1 from the far end");
            s->det = s->s1_watch;
            s->rx_kept_lock = 1;
            enter(s, ST_S1_HEARD);
        }
        break;
    case ST_RETRAIN:
        if (s->det.s1_run >= SQ_V22_S1_DETECT_SYMBOLS) {
            if (s->n - s->s1_sent_at > REPLY_AFTER) {
                s->s1_sent_at = s->n;
                send_signal(s, TX_S1, 1200);
                note(s, "S1 sent in reply");
            }
            enter(s, ST_S1_HEARD);
        } else if (in_state >= (s->set.role == SQ_ROLE_CALLER ? RETRAIN_REPEAT_CALLER : RETRAIN_REPEAT_ANSWERER)) {
            if (++s->retrain_attempts > RETRAIN_ATTEMPTS) {
                end_call(s, "retrain failed: no S1 back from the far end");
                break;
            }
            s->s1_sent_at = s->n;
            send_signal(s, TX_S1, 1200);
            note(s, "S1 sent again");
            enter(s, ST_RETRAIN);
        }
        break;
    case ST_ENDED:
        break;
    }
    /* far carrier: lost for 65 ms once the call is under way */
    if ((s->state >= ST_TRAIN_2400 || s->retraining) && s->state != ST_ENDED) {
        if (sq_qam_rx_fast_level_dbm0(s->qrx) >= SQ_V22_CARRIER_OFF_DBM0) {
            s->quiet_since = 0;
            s->carrier_dropped = 0;
        } else if (!s->quiet_since) {
            s->quiet_since = s->n;
        } else if (!s->set.put_bit) {
            if (s->n - s->quiet_since >= CARRIER_OFF_TIME)
                end_call(s, "far carrier lost");
        } else if (s->n - s->quiet_since >= CARRIER_LOSS_HANGUP) {
            end_call(s, "far carrier lost");
        } else if (s->n - s->quiet_since >= CARRIER_OFF_TIME && !s->carrier_dropped) {
            s->carrier_dropped = 1;
            if (s->state == ST_DATA && s->st.rate == 2400) {
                if (!s->fault_at)
                    s->fault_at = s->quiet_since;   /* retrained on the next step */
            } else if (s->state == ST_DATA) {
                note(s, "far carrier lost for %d ms", SQ_V22_CARRIER_OFF_MS);
                drop_held_since(s, s->quiet_since - FAULT_BACKOFF);
            }
        }
    }
}

/* Feeds the receiver up to each symbol instant in turn, so that what a symbol makes the
 * session do to the receiver applies from the next one, whatever the chunking; s->n counts
 * the samples heard. */
static void hear(sq_v22_session *s, const float *rx, size_t n)
{
    for (size_t k = 0; k < n;) {
        size_t want = sq_qam_rx_samples_wanted(s->qrx), m = want < n - k ? want : n - k;
        sq_qam_symbol sym[4];
        size_t ns = sq_qam_rx_process(s->qrx, rx + k, m, sym, 4);
        s->n += m;
        k += m;
        for (size_t j = 0; j < ns; j++)
            on_symbol(s, &sym[j]);
    }
}

void sq_v22_session_process(sq_v22_session *s, const float *rx, float *tx, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t at = (size_t)(s->n % SQ_STEP_SAMPLES);
        if (at == 0)   /* this step's sound, from the state the last step left */
            sq_qam_tx_generate(s->qtx, s->tx_step, SQ_STEP_SAMPLES, next_symbol, s);
        size_t len = SQ_STEP_SAMPLES - at < n - i ? SQ_STEP_SAMPLES - at : n - i;
        memcpy(tx + i, s->tx_step + at, len * sizeof *tx);
        hear(s, rx + i, len);
        i += len;
        if (s->n % SQ_STEP_SAMPLES == 0)
            step(s);
    }
    if (s->st.phase != SQ_V22_ENDED)
        release_held(s, s->n > CHAR_HOLD ? s->n - CHAR_HOLD : 0);
    s->st.snr_db = sq_qam_rx_snr_db(s->qrx);
    s->st.level_dbm0 = sq_qam_rx_level_dbm0(s->qrx);
    s->st.freq_offset_hz = sq_qam_rx_freq_offset_hz(s->qrx);
    s->st.clock_ppm = sq_qam_rx_clock_ppm(s->qrx);
}

size_t sq_v22_session_send(sq_v22_session *s, const uint8_t *data, size_t n)
{
    return sq_byte_queue_push(&s->txq, data, n);
}

size_t sq_v22_session_tx_pending(const sq_v22_session *s)
{
    return s->txq.count + (s->char_pos < s->char_len);
}

size_t sq_v22_session_receive(sq_v22_session *s, uint8_t *out, size_t max)
{
    return sq_byte_queue_pop(&s->rxq, out, max);
}

const sq_v22_status *sq_v22_session_status(const sq_v22_session *s)
{
    return &s->st;
}

int sq_v22_session_next_note(sq_v22_session *s, sq_v8_note *n)
{
    return sq_note_ring_pop(&s->notes, n);
}

void sq_v22_session_destroy(sq_v22_session *s)
{
    if (!s)
        return;
    sq_qam_tx_destroy(s->qtx);
    sq_qam_rx_destroy(s->qrx);
    sq_async_rx_destroy(s->arx);
    free(s);
}
