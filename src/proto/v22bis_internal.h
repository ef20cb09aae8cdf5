/* Internal: the V.22bis / V.22 session's parts (include/squeal/v22bis_session.h says what
 * it does). One object, one state machine, in five files along its seams:
 *   v22bis_session.c       the object, the sample loop, and the start-up handshake
 *                          (V.22bis 6.3: USB1, S1, SB1, the choice of rate)
 *   v22bis_transmit.c      the signal sent: USB1, S1, SB1, rate request, data bits
 *   v22bis_receive.c       bits from the receiver's symbols; the held-character guard
 *   v22bis_line_monitor.c  in data: slicer error, faults, the rate the line can carry,
 *                          the far carrier
 *   v22bis_retrain.c       retrains and rate changes (V.22bis 6.4, 6.6)
 * The figures every part uses, with the clause or the measurement behind each, are here. */
#ifndef SQ_PROTO_V22BIS_INTERNAL_H
#define SQ_PROTO_V22BIS_INTERNAL_H

#include <complex.h>
#include <stdint.h>
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

/* The start-up, data, and a retrain's own copy of the start-up's steps (V.22bis 6.4: a
 * retrain is the S1 exchange and training again, from data; what differs in it, the rate
 * request of 6.6 and the retrain's own limits, is decided by these states alone). */
enum state {
    ST_CALLER_WAIT_USB1 = 0,
    ST_CALLER_SILENCE,
    ST_CALLER_WAIT_REPLY,      /* sent S1 and/or SB1; waiting for S1 or SB1 */
    ST_ANSWERER_USB1,          /* sending USB1; waiting for S1 or SB1 */
    ST_S1_HEARD,               /* S1 coming in: wait for its end */
    ST_TRAIN_2400,             /* timers from the end of the S1 heard */
    ST_TRAIN_1200,             /* V.22: SB1 until ready */
    ST_DATA,
    ST_RETRAIN_WAIT_S1,        /* our retrain: sent S1, waiting for S1 back */
    ST_RETRAIN_S1_HEARD,       /* either end's retrain: S1 coming in */
    ST_RETRAIN_2400,           /* the retrain's training, as ST_TRAIN_2400 */
    ST_RETRAIN_1200,           /* either end asked for 1200 (6.6): SB1 until ready */
    ST_ENDED,
};

static inline int v22s_retraining(enum state st)
{
    return st >= ST_RETRAIN_WAIT_S1 && st <= ST_RETRAIN_1200;
}

static inline int v22s_hearing_s1(enum state st)
{
    return st == ST_S1_HEARD || st == ST_RETRAIN_S1_HEARD;
}

static inline int v22s_training_2400(enum state st)
{
    return st == ST_TRAIN_2400 || st == ST_RETRAIN_2400;
}

static inline int v22s_training_1200(enum state st)
{
    return st == ST_TRAIN_1200 || st == ST_RETRAIN_1200;
}

/* From the first training on, the far carrier is expected (its loss ends the call or, in
 * data, is a fault). */
static inline int v22s_carrier_expected(enum state st)
{
    return st >= ST_TRAIN_2400 && st != ST_ENDED;
}

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
    int retrain_attempts, rx_kept_lock;
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

/* v22bis_session.c: the object's bookkeeping */
/* Bit mode for a session made without it, before its first sample (a call's pump is made
 * with the call and learns from V.8 whether V.42 runs above it). */
void v22s_use_bits(sq_v22_session *s, uint8_t (*get_bit)(void *), void (*put_bit)(void *, uint8_t), void *user);
void v22s_note(sq_v22_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void v22s_enter(sq_v22_session *s, enum state st);
const char *v22s_state_to_str(enum state st);
void v22s_end_call(sq_v22_session *s, const char *why);
/* the mean squared slicer error (grid units) of symbols at snr_db, and back */
double v22s_error_at_snr(double snr_db);
double v22s_snr_of_error(double err);

/* v22bis_transmit.c */
void v22s_send_signal(sq_v22_session *s, enum tx_signal sig, int rate);
float complex v22s_next_symbol(void *user);   /* sq_qam_tx_generate's source */

/* v22bis_receive.c */
void v22s_on_symbol(sq_v22_session *s, const sq_qam_symbol *sym);
void v22s_release_held(sq_v22_session *s, uint64_t before);
void v22s_drop_held_since(sq_v22_session *s, uint64_t good_before);

/* v22bis_line_monitor.c */
void v22s_monitor_symbol(sq_v22_session *s, const sq_qam_symbol *sym);
void v22s_data_step(sq_v22_session *s);
void v22s_watch_carrier(sq_v22_session *s);

/* v22bis_retrain.c */
void v22s_begin_retrain(sq_v22_session *s, uint64_t good_before, const char *why);
void v22s_start_own_retrain(sq_v22_session *s, uint64_t good_before, const char *why);
void v22s_retrain_to_1200(sq_v22_session *s);
void v22s_retrain_step(sq_v22_session *s, uint64_t in_state);
void v22s_retrain_rate_choice(sq_v22_session *s);

#endif
