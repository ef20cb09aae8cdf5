/* Internal to the timeline decoder: the event queue with its pool of text buffers, and the
 * FSK lanes. */
#ifndef SQ_DECODER_INTERNAL_H
#define SQ_DECODER_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <fftw3.h>
#include "dsp/dc_block.h"
#include "dsp/dpsk.h"
#include "dsp/ls_fit.h"
#include "dsp/notch.h"
#include "dsp/qam.h"
#include "dsp/v34.h"
#include "src/proto/v32_train.h"
#include "src/proto/v32_constellations.h"
#include "src/proto/v34_train.h"
#include "src/proto/v90_pcm.h"
#include "src/decode/v90_phase4.h"
#include "squeal/v90.h"
#include "src/proto/hdlc.h"
#include "dsp/tone_rx.h"
#include "src/decode/band_watch.h"
#include "src/proto/v22_detect.h"
#include "squeal/async.h"
#include "dsp/fsk_timing.h"
#include "squeal/decoder.h"
#include "squeal/dtmf.h"
#include "squeal/progress.h"
#include "squeal/fsk.h"
#include "squeal/v34_info.h"

#define SQ_EVENT_QUEUE 64
#define SQ_DECODER_CHUNK 160           /* samples the lanes take at a time: 20 ms */
#define SQ_TEXT_BUFFERS 12
#define SQ_TEXT_CAPACITY (256u * 1024u)
#define SQ_FSK_LANES 4
#define SQ_RECENT_CHARS 8

/* Events wait here until polled. An FSK event's text lives in one of the pool's buffers,
 * which stays valid until the next poll. */
/* A sum of ratios in dB (10 log10 r each) over many symbols or bits, as the logarithm of
 * products of SQ_DB_SUM_BATCH ratios: one logarithm in SQ_DB_SUM_BATCH, not one each. The
 * ratios are levels or SNRs within 1e-6..1e6 of 1, so a product stays far inside a
 * double's range. */
#define SQ_DB_SUM_BATCH 16
typedef struct sq_db_sum {
    double db;                     /* the batches taken in */
    double product;                /* the ratios since */
    unsigned in_product;
    size_t count;                  /* ratios added in all */
} sq_db_sum;

static inline void sq_db_sum_reset(sq_db_sum *s)
{
    s->db = 0.0;
    s->product = 1.0;
    s->in_product = 0;
    s->count = 0;
}

static inline void sq_db_sum_add(sq_db_sum *s, double ratio)
{
    s->product *= ratio;
    s->count++;
    if (++s->in_product == SQ_DB_SUM_BATCH) {
        s->db += 10.0 * log10(s->product);
        s->product = 1.0;
        s->in_product = 0;
    }
}

static inline double sq_db_sum_total(const sq_db_sum *s)
{
    return s->db + 10.0 * log10(s->product);
}

/* The earlier of two times (never NaN): fmin is a library call, and the lanes' horizons
 * take a dozen a chunk. */
static inline double sq_earlier_s(double a, double b)
{
    return b < a ? b : a;
}

typedef struct sq_event_pool {
    sq_event events[SQ_EVENT_QUEUE];
    int event_buf[SQ_EVENT_QUEUE];
    size_t head, count;
    uint8_t *bufs[SQ_TEXT_BUFFERS];
    uint8_t busy[SQ_TEXT_BUFFERS];
    int lent;    /* buffer of the event handed out last, released at the next poll */
} sq_event_pool;

int sq_event_pool_init(sq_event_pool *p);
void sq_event_pool_free(sq_event_pool *p);
int sq_event_pool_has_room(const sq_event_pool *p, size_t events, size_t bufs);
int sq_event_pool_acquire(sq_event_pool *p);
void sq_event_pool_release(sq_event_pool *p, int buf);
/* Queues a copy of ev; buf (or -1) becomes its text. */
void sq_event_pool_queue(sq_event_pool *p, const sq_event *ev, int buf);
int sq_event_pool_next(sq_event_pool *p, sq_event *ev);

typedef struct sq_recent_char {
    sq_async_char c;
    float confidence;
    float level_dbm0;   /* the band's level as it ended */
} sq_recent_char;

/* How open an FSK stretch's eye is: the sums of |confidence| at its bits' decision instants
 * (fsk_lane.c's eye_snr_db). */
typedef struct sq_fsk_eye {
    double sum, sum_sq;
    size_t bits;
} sq_fsk_eye;

/* One FSK channel being listened to: demodulator, start-stop receiver and the event that
 * its current carrier-on stretch is building. */
typedef struct sq_fsk_lane {
    const sq_fsk_params *params;
    sq_event_type type;
    int channel;
    int rival;                     /* lane whose band overlaps this one's */
    sq_fskdemod *demod;
    sq_async_rx *uart;
    double samples_per_bit;
    float char_conf_sum, char_space_conf_sum;
    double char_mark_power, char_space_power;
    int char_bits, char_space_bits;
    uint64_t char_sums_from;       /* the sample of the first bit in those sums */
    sq_recent_char recent[SQ_RECENT_CHARS];
    size_t recent_next;
    /* the open segment */
    int open;
    int buf;
    sq_event ev;
    size_t valid;
    size_t carrier_bits;   /* bits with the carrier on, since the stretch (re)started */
    size_t carried;        /* good characters read with the carrier on (not taken back) */
#define SQ_VALID_TIMES 32
    uint64_t valid_at[SQ_VALID_TIMES];   /* where the last good characters started */
    sq_db_sum level;               /* the level at its bits with the carrier on, over 0 dBm0 */
    sq_fsk_eye eye;                /* the decisions of its bits with the carrier on */
    uint64_t last_carrier_sample;
    sq_fsk_transitions keyed;      /* the stretch's transitions against the bit clock */
    sq_fsk_transitions keyed_seen; /* the demodulator's tally when last read */
    /* a closed segment waiting for its rival's to close, to keep the better of the two */
    int pending;
    sq_event pending_ev;
    int pending_buf;
    size_t pending_valid;
    sq_fsk_eye pending_eye;
    /* V.8 on V.21 lanes: the run of identical sequences being received */
    sq_v8_rx *v8rx;
    int v8_run;                    /* sequences in the run (0: none) */
    sq_event v8_ev;
    int v8_seen;                   /* the open stretch carried V.8 */
    uint32_t v8_modes;             /* modulations of the last V.8 run on this lane */
    double v8_done_start_s, v8_done_end_s;   /* the last run reported */
    /* V.8bis messages on V.21 lanes: HDLC frames with a good FCS */
    sq_hdlc_rx hdlc;
    uint8_t hdlc_frame[SQ_HDLC_MAX_FRAME];
    int v8bis_seen;                /* the open stretch carried V.8bis messages */
    double v8bis_last_end_s;       /* where the last message ended (the next starts after) */
    double msg_start_s, msg_end_s; /* the last V.8bis messages it read, back to back */
    sq_event v8bis_held;           /* the last message, held until the next or the carrier's end */
    int v8bis_holding;
    int v8bis_tail_idle;           /* only flags and marks since it (v21_messages.c) */
    uint8_t v8bis_tail_bits;       /* the last 8 line bits */
    unsigned v8bis_not_idle;       /* bits in a row that ended neither a flag nor seven 1s */
    uint64_t v8bis_bad_fcs;        /* the HDLC receiver's count of bad frames when it was read */
    sq_async_char qc_chars[4];     /* the last characters read, for V.92's QC sequences */
    size_t qc_seen;
    int misframed_counts;          /* the framing asked for is not 8N1: clear characters
                                    * that do not fit it are data in another framing */
    unsigned data_bits;            /* of the framing asked for */
    unsigned char_bits_framed;     /* a character's bits in it, start and stops included */
    unsigned marks_in_row;         /* mark bits in a row: once a character's worth, idle */
    /* the last stretch this lane closed, to recognise a weaker lane's copy of it */
    double last_start_s, last_end_s, last_level_dbm0;
    /* Asleep while its band is silent (fsk_lane.c): the demodulator is not fed. */
    int band;                      /* in the decoder's band watch */
    int asleep;
    uint64_t asleep_since;         /* the sample it fell asleep at (its bits end there) */
    uint64_t loud_until;           /* the end of the last chunk in which the band was loud */
} sq_fsk_lane;

/* One V.22 / V.22bis carrier being listened to (qam_lane.c). */
#define SQ_QAM_LANES 2
#define SQ_QAM_BAND_HALF_HZ 600.0   /* 600 baud, 75 % roll-off: +/-525 Hz about the carrier */
enum sq_qam_lane_state { QL_HUNT = 0, QL_AFTER_S1, QL_SB1, QL_DATA };

typedef struct sq_qam_dip {
    double a, b_cos, b_sin;
} sq_qam_dip;

typedef struct sq_qam_lane {
    int channel;
    double carrier_hz;
    sq_qam_rx *rx;
    sq_v22_detector det;
    sq_v22_detector s1_watch;      /* in data: S1 again is a retrain or a rate change (6.4, 6.6) */
    int kept_lock;                 /* the receiver follows the carrier through that S1 */
    int lapm_before;               /* the data before that S1 carried LAPM: so will the next */
    sq_v22_demapper dem;
    sq_async_rx *uart;
    /* V.42 LAPM in the data: frames found by their flags and FCS, I frames taken in order */
    sq_hdlc_rx hdlc;
    uint8_t frame[SQ_HDLC_MAX_FRAME];
    int lapm;                      /* the open data event carries LAPM frames */
    uint8_t last_bits;             /* the last 8 data bits, first at bit 0: 0x7E is a flag */
    int flag_seen;
    size_t len_at_flag;            /* characters read before the first flag */
    int lapm_next_ns;              /* the I frame expected next, -1 for any */
    enum sq_qam_lane_state state;
    int rate, rate_hits, marks, quiet;
    /* the data event's length at each of the last symbols: when the carrier fades, what was
     * read from its last moments is garbage and is taken back */
    size_t len_history[32];
    unsigned history_pos;
    double run_mid_sum;            /* sq_qam_symbol.mid_ratio summed over the USB1 run */
    sq_qam_dip dip;                /* the dip between its symbols, whatever the timing phase */
    double run_dip_sum;            /* its ratio summed over the USB1 run, once settled */
    int run_dip_n;
    double coherent_s, sb1_start_s, rate_s;
    int s1_pending;                /* an S1 with no call before it, until scrambled 1s follow */
    int raw_ones, raw_changes;     /* the line's bits under the current run of 1s */
    uint8_t raw_last;
    double s1_start_s, s1_end_s;
    sq_db_sum snr;                 /* symbol SNR over the open data event */
    int buf;
    sq_event ev;                   /* the open data event */
    double level_power;            /* its level at the last symbol with carrier (-1: none yet) */
    int active;                    /* the span a V.22 signal was heard, to quiet FSK lanes */
    double active_start_s, active_end_s;
    int usb1_heard, in_call;       /* a USB1 event, and S1, SB1 or data: what an S1 may follow */
    double usb1_end_s, call_end_s;
    int asleep;                    /* hunting while its band carries something else, or nothing */
    uint64_t asleep_since;
    int band;                      /* its band in the band watch */
    uint64_t loud_until;           /* the band was last above the sleep level before this sample */
} sq_qam_lane;

/* The guard tone under the answerer's V.22 signal (v22_guard.c): 550 or 1800 Hz, each
 * probed at its frequency and at four beside it. */
#define SQ_V22_GUARDS 2
#define SQ_V22_GUARD_PROBES 5
#define SQ_V22_GUARD_FILTERS 12        /* 2 x 5, and 2 that do nothing */
#define SQ_V22_GUARD_BLOCK 320         /* 40 ms */
typedef struct sq_v22_guard {
    /* Goertzel filters, guard by guard and probe by probe, padded to a whole number of
     * four-float vectors: 2 cos(w), and the last two outputs */
    float coeff[SQ_V22_GUARD_FILTERS], s1[SQ_V22_GUARD_FILTERS], s2[SQ_V22_GUARD_FILTERS];
    float window[SQ_V22_GUARD_BLOCK];
    size_t fill;                   /* samples into the block */
    size_t skip;                   /* samples to pass before the next block */
    int holding;                   /* the last block looked at held the open guard */
    double floor_power;
    int sending, first_block;      /* the answerer's signal is followed; this block is its first */
    int open, which;
    int named;                     /* the signal beside the open guard has been named */
    double start_s, last_s;
    double power_sum;
    size_t blocks;
} sq_v22_guard;

/* Numbers dialled in DTMF (dtmf_lane.c): digits gather into one event until 1.5 s pass
 * without one. */
typedef struct sq_dtmf_lane {
    sq_dtmf_rx *rx;
    int open;
    sq_event ev;
    char digits[256];
    size_t n_digits;
    double level_sum;
    uint64_t sounding_since;       /* a digit is being heard: it began no later than this */
    int sounding;
} sq_dtmf_lane;

/* V.8bis signals (v8bis_lane.c): runs of window classes, then the two segments. */
#define SQ_V8BIS_WINDOW 256
#define SQ_V8BIS_HOP 256               /* no overlap: segment 2 still fills two windows */
typedef struct sq_v8bis_lane {
    float coeff[16];
    double floor_power;
    float history[2 * SQ_V8BIS_WINDOW];
    size_t head;
    int unkept;                    /* history left out while resting: the band watch has it */
    uint64_t n;
    int run_class;                 /* 0, a pair, or 16 + a single tone's filter */
    double run_start_s, run_power;
    size_t run_windows;
    int seg1_pair;                 /* a segment 1 just ended (0: none) */
    double seg1_start_s, seg1_end_s, seg1_power;
    int partial_pair;              /* the pair of the last pair run, while it may resume */
    double partial_power;
    size_t partial_windows;
} sq_v8bis_lane;

/* V.34 phase 2 on one carrier (phase2_lane.c): 1200 Hz (the call modem's, or V.90's digital
 * modem's) or 2400 Hz (the answer or analogue modem's, with its 1800 Hz guard). INFO frames
 * are looked for at every phase of the symbol clock; tones and reversals at the phase that
 * reads the clearest. */
#define SQ_INFO_COLLECTORS 2
#define SQ_PHASE2_SPANS 8
#define SQ_PHASE2_MARKS_SPANS 4
typedef struct sq_info_collector {
    int active;
    uint8_t bits[SQ_INFO_BYTES];
    size_t n;                      /* bits held, from bit 0 */
    uint64_t start_sample;
    double clarity_sum, power_sum;
} sq_info_collector;

typedef struct sq_dpsk_clock_phase {
    uint16_t last_bits, clear;     /* the last 12 decisions (newest at bit 0), and which were clear */
    double strength;               /* how clear its decisions are, averaged */
    float complex last_product;    /* its last product, and whether there was any carrier */
    int audible;
    sq_info_collector col[SQ_INFO_COLLECTORS];
} sq_dpsk_clock_phase;

typedef struct sq_phase2_lane {
    int high;                      /* the 2400 Hz carrier */
    sq_dpsk_rx rx;
    int band;                      /* its carrier +-300 Hz in the band watch: quiet, it rests */
    int tone_band;                 /* its carrier +-70 Hz: a tone there wakes it in training */
    int spread_band;               /* its carrier +-700 Hz: all its DPSK, for the other lane */
    unsigned tone_chunks;          /* ... chunks in a row it has stood out in */
    double band_power;             /* at its last symbol; 0 while it rests */
    size_t lag;                    /* samples its receiver has not been given yet (resting) */
    double floor_power;
    sq_dpsk_clock_phase phase[SQ_DPSK_PHASES];
    int best;
    /* the tone being heard at the best phase */
    int tone_open;
    size_t run, off_run;           /* clear-0 symbols in a row; symbols since the last one */
    uint64_t run_start, tone_last;
    double angle_sum, power_sum, guard_sum, total_sum, other_sum;   /* other: the other carrier's band */
    size_t tone_symbols;
    size_t n_reversals;
    double reversals_s[SQ_EVENT_MAX_REVERSALS];
    uint64_t reversal_at;          /* a 1 in the tone, confirmed when the tone goes on */
    int tone_pending;              /* a closed tone, held while a frame is read */
    sq_event tone;
    uint64_t tone_pending_end;
    /* INFOMARKS being heard at the best phase: a half turn every symbol */
    size_t marks_run, marks_off;   /* such symbols in the run; symbols since the last */
    size_t marks_span;             /* symbols from the run's first to its last such */
    size_t marks_streak;           /* such symbols in a row now */
    uint64_t marks_start, marks_end; /* the run's first symbol; its last half turn after one */
    double marks_angle_sum, marks_mag_sum, marks_mag2_sum, marks_null2_sum, marks_power_sum, marks_total_sum, marks_other_sum,
        marks_guard_sum;
    /* the last INFO frame reported, and a frame whose CRC failed, held until none checks */
    uint64_t last_frame_start, last_frame_end;
    int last_info0_kind;
    int short_phase2;              /* that INFO0 was a V.92 INFO0d or INFO0a asking for a short
                                    * phase 2 */
    sq_notch toneq_notch;          /* TONEq taken out of what the receiver reads (phase2_lane.c) */
    int notch_on;
    uint64_t notch_until;          /* the notch stays on to here */
    double last_info0_s, last_info0_power;
    double last_tone_power;        /* of the last tone A or B reported */
    int bad_pending;
    sq_event bad;
    uint64_t bad_end;
    /* the last stretches named (tones, frames), for the FSK lanes and the guard-tone rule */
    double spans[SQ_PHASE2_SPANS][2];
    double marks_spans[SQ_PHASE2_MARKS_SPANS][2];   /* the last runs that sounded as INFOMARKS */
    size_t n_marks_spans;
    size_t n_spans;
} sq_phase2_lane;

/* Line probing and the transmission after INFO1 (wideband_lane.c), in 20 ms blocks. */
#define SQ_WIDEBAND_BLOCK 160
#define SQ_WIDEBAND_MAX_PROBE 64
#define SQ_WIDEBAND_NOISE_BINS 48   /* the 50 Hz bins over 150-3750 Hz off the probing comb */
typedef struct sq_wideband_lane {
    double floor_power;            /* FLOOR_DBM0 as a power: no pow() per block */
    float *in;
    fftwf_complex *out;
    fftwf_plan plan;
    size_t fill;
    uint64_t n;
    size_t probe_blocks, probe_gap;
    double probe_start_s;
    double probe_db[SQ_WIDEBAND_MAX_PROBE];
    /* each probing block's power in every probing tone, and in the bins between them */
    float probe_tones[SQ_WIDEBAND_MAX_PROBE][SQ_LINE_PROBE_TONES];
    float probe_noise[SQ_WIDEBAND_MAX_PROBE][SQ_WIDEBAND_NOISE_BINS];
    /* after this channel's INFO1: its modem's training and data */
    int after_info1, heard, info1_channel;
    double own_floor;              /* power under which a stretch is the far modem's echo */
    int tentative;                 /* armed after a short phase 2's tone B: line probing undoes it */
    int from_probe;                /* a V.90 digital modem's, armed by its line probing with no
                                    * INFO1 read: nothing is named, nor is it transmitting, until
                                    * its Sd is found */
    sq_event_type tx_type;         /* v34_data, v90_data or v32_data */
    int data_named;                /* a stretch of it named as data (not training) */
    /* V.32 handshake signals: the run of blocks of one kind */
    int v32_kind, v32_gap;
    double v32_gap_power;          /* the power of the block a turn may lie in */
    double v32_data_power;         /* the mean power of the V.32 data last named */
    double run_line_re[2], run_line_im[2];  /* an AA or AC run: its lines in the last block, */
    double run_drift_re, run_drift_im;      /* and the turn a block gives them (off frequency), summed */
    size_t v32_blocks, v32_reversals;
    double v32_reversal_s[SQ_EVENT_MAX_REVERSALS];
    double v32_start_s, v32_power_sum;
    /* both modems on one channel: the caller's AA (the 1800 Hz line alone), its level and
     * when it was last heard, alone or under the answerer's AC, and where it began */
    double aa_line_power, aa_heard_s, aa_start_s;
    double aa_turn_s;              /* its reversal into CC, under AC (0: none yet) */
    int aa_under_ac;               /* blocks of AC read under it */
    size_t quiet, tx_blocks;
    double tx_start_s, tx_last_s, tx_power_sum;
    double armed_s;                /* where the transmission began: the INFO1's end, V.32's S's */
    int from_renegotiation;        /* the stretch began with a V.34 rate renegotiation's S */
} sq_wideband_lane;

/* Loud blocks inside a call that no event covers (unnamed_lane.c): 20 ms blocks from the
 * wideband lane, waiting until the horizon passes them. */
#define SQ_UNNAMED_RING 6000          /* 120 s */
#define SQ_UNNAMED_BINS (SQ_WIDEBAND_BLOCK / 2)   /* 50 Hz each, up to 3950 Hz */
#define SQ_UNNAMED_LOUD 1
#define SQ_UNNAMED_COVERED 2
typedef struct sq_unnamed_block {
    float power;
    uint8_t lo, hi;                /* the band holding 95% of the power, in bins */
    uint8_t flags;
} sq_unnamed_block;
typedef struct sq_unnamed_lane {
    double floor_power, silence_power;   /* FLOOR_DBM0 and SILENCE_DBM0 as powers */
    sq_unnamed_block ring[SQ_UNNAMED_RING];
    uint64_t first, next;          /* the oldest undecided block; the next to come */
    double covered_to_s;           /* the latest end of any event queued */
    uint64_t call_from;            /* the block a call began at (UINT64_MAX: none) */
    size_t quiet;                  /* decided blocks under the floor in a row */
    double noise;                  /* the line's noise: the quietest block, rising slowly */
    uint64_t run_start;            /* the run of unnamed blocks being built */
    size_t run_blocks;
    double run_power;
    uint16_t lo_hist[SQ_UNNAMED_BINS], hi_hist[SQ_UNNAMED_BINS];
} sq_unnamed_lane;

/* V.34 phases 3 and 4 on this channel (v34_lane.c): from the onset of a stretch after the
 * modem's INFO1, its symbol rate and carrier from S's three lines, the S to S-bar reversal,
 * then an equaliser trained on the known sequences and the bits of J, MP and E. */
#define SQ_V34_CANDIDATES 11
#define SQ_V34_RAW 1024              /* samples kept to start the receiver at an onset */
#define SQ_V34_KEEP 2048             /* half-symbol samples kept to train from the reversal */
#define SQ_V34_HYPOTHESES 6
#define SQ_V34_MP_BUF 256

typedef struct sq_v34_ref {          /* the known symbols of one reading of the start-up */
    int phase3;                      /* PP after S-bar (phase 3), or TRN at once (phase 4) */
    int points;                      /* of TRN */
    int answer_poly;                 /* the scrambler: GPA (1) or GPC (0) */
    int v32;                         /* V.32's S, S-bar and TRN (phase3 0, points 4) */
    int unknown_after;               /* a V.90 analogue modem's phase 4 with no SCR: after
                                      * S-bar, CPt (unknown data), steered by 4-point decisions */
    sq_v34_trn trn;
    sq_v32_trn trn32;
    long next_r;                     /* the symbol the next call gives */
} sq_v34_ref;

typedef struct sq_v34_lane {
    int channel;                     /* of that INFO1: 2 for the 2400 Hz carrier's modem, 1 */
    int v32;                         /* armed by V.32's AA or AC: its training, not V.34's */
    int v90_analogue;                /* armed by a V.90 analogue modem's INFO1a: after phase 3
                                      * its scrambled 1s are SCR (during DIL), not TRN */
    int without_info1;               /* armed by this side's line probing, its INFO1 not (yet)
                                      * read: an S found names the transmission */
    int maybe_v90;                   /* ... and no INFO1a said whether this is a V.90 analogue
                                      * modem: a Ja read where J would be says it is */
    uint64_t armed_n;                /* the sample it was last armed at */
    double phase4_to_s;              /* the end of the last MP or CP read (E follows the last) */
    double phase4_rate, phase4_carrier;   /* ... and its symbol rate and carrier */
    sq_v32_diff diff32;
    int v32_sequences;               /* rate sequences this modem sent since armed */
    unsigned v32_last;               /* the last one read */
    long v32_last_r;                 /* the symbol it was last read at, once more */
    long v32_last_bit;               /* ... and the bit it ended on (bits_seen then) */
    double cand_rate[SQ_V34_CANDIDATES], cand_carrier[SQ_V34_CANDIDATES];   /* Table 1's pairs */
#define SQ_V34_MEASURE 256           /* samples S's lines are measured over */
    float complex lines[SQ_V34_CANDIDATES][3][SQ_V34_MEASURE];   /* their windowed exponentials */
#define SQ_V34_SCAN_HISTORY 16       /* 4 ms steps: 64 ms */
    double scan_power[SQ_V34_SCAN_HISTORY];
    sq_v34_front *fronts[SQ_V34_CANDIDATES];
    float raw[SQ_V34_RAW];
    uint64_t n;                      /* samples seen */
    double power;                    /* smoothed over ~2 ms */
    double floor_power;
    uint64_t quiet;                  /* samples in a row under the floor */
    uint64_t last_loud;
    uint64_t gap_settled_at;         /* a gap inside the stretch: symbols held until here */
    uint64_t gap_began;              /* ... and where the last one began */
    int state;
    uint64_t onset;                  /* the front end's sample 0: where the window with S began */
    uint64_t s_start;                /* where S began */
    uint64_t scan_until;             /* S is looked for until this sample */
    uint64_t scan_free_until;        /* and until this one without a rise in power before it */
    double level;                    /* the stretch's power */
    int cand;                        /* symbol rate and carrier (v34_lane.c's table) */
    uint64_t half;                   /* half-symbol samples since the onset */
#define SQ_V34_HIST 18
    float complex hist[SQ_V34_HIST]; /* the last raw half-symbol samples, the newest first */
    double s_power;
    int s_symbols;
    long dip_start;
    long s_run_start;                /* the symbol the current run of S-like repeats began on */
    long s_best_start, s_best_len;   /* the longest run so far: S */
    long k_rev;                      /* the symbol (from the onset) S-bar starts on */
    long s_gap_k;                    /* a gap in S once heard began near here (-1: none) ... */
    int s_gap_over;                  /* ... and has passed */
    long s_after_gap_k;              /* the first symbol after it (-1: not yet) ... */
    int s_after_gap_repeats;         /* ... how many since still repeat as S does ... */
    long s_after_gap_rev;            /* ... and the S-bar a dip since gives (-1: none) */
    int look_back;                   /* sq_v34_look_back: S is looked for in the samples held
                                      * once the present symbol is done */
    long rev_lo, rev_hi;             /* S-bar's start searched for in [rev_lo, rev_hi] (a gap
                                      * hid it or cut its reversal short); none when equal */
    float complex keep[SQ_V34_KEEP];
    uint8_t keep_gap[SQ_V34_KEEP];   /* 1 where a kept sample is spoilt by a gap (a lost packet) */
    sq_v34_eq eq;
    sq_v34_eq eq_phase3;             /* a V.90 analogue modem's, as its Ja was read, or a */
    int have_eq_phase3;              /* V.34 modem's as its E was ... once it was */
    int timing_on;                   /* the grid follows the symbols (v34_lane.c) */
    float gain;
    sq_v34_ref ref;
    long r;                          /* the symbol being equalised, from S-bar's start */
    uint32_t misses;                 /* decisions off the reference, the last 32 symbols */
    long trn_start_r;
    float complex decided[32];       /* by r % 32 */
    sq_v34_diff diff;
    int points;                      /* of what follows TRN */
    int after_j;                     /* J' ended: a phase 4 TRN follows */
    int poly_known;                  /* whose scrambler the modem uses is settled */
    long test_r;                     /* testing what TRN after J' is: the first symbol tested */
    long test_trn_r;                 /* ... and TRN's first (when known) */
    long test_trn_lo;                /* TRN's first searched for from here to test_r (J' lost in
                                      * a gap); test_trn_r when known */
    long gap_r;                      /* the last symbol decided in a gap */
    float complex test_z[48];
    uint32_t last_bits;
    long bits_seen;
    int ones;
    int j_open, j_points;
    long j_start_r;
    long j_seen_r;                   /* the last symbol that completed J's pattern */
    uint8_t mp_bits[SQ_V34_MP_BUF];
    size_t mp_fill;
    int mp_collecting;
    long mp_start_r;
    /* a V.90 analogue modem's Ja (its DIL descriptor), read as MP is */
    uint8_t ja_bits[SQ_V90_JA_MAX_BITS];
    uint8_t cpt_bits[SQ_V90_CP_MAX_BITS];   /* the last CPt read whole (sq_decoder_far_cp) */
    size_t cpt_len;
    uint8_t cp_bits[SQ_V90_CP_MAX_BITS];    /* ... and the last CP (data's) */
    size_t cp_len;
    size_t ja_fill;
    int ja_collecting;
    long ja_start_r;
    long decide_from_r;            /* where TRN ended and the decisions were first read */
    int ja_seen;                   /* a V.90 analogue modem's Ja was read since the lane was armed */
    long ja_end_r;                 /* where the last Ja read ended */
    long cpt_from_r;               /* where phase 4's CPt began (S-bar's end), -1 until known */
    int cp_seen;                   /* a CP sequence was read in this phase 4 */
    /* phase 4's SCR sent as TRN is (v34_sequences.c): the points' quarter-turns descrambled
     * as they are, not their changes; the run of symbols that give two 1s: its first (-1:
     * none) and last, which of its last 32 symbols missed */
    sq_v34_scrambler scr_as_trn;
    sq_v34_scrambler scr_as_trn_past[32];   /* as each of the last 32 symbols left it, by r % 32 */
    long scr_as_trn_from_r, scr_as_trn_last_r;
    uint32_t scr_as_trn_misses;
    sq_event mp_ev;
    int mp_open, mp_ack_seen;
    /* the bits after TRN, kept to read three repeats of a sequence together (v34_sequences.c) */
#define SQ_V34_VOTE_BITS 8192            /* three of the longest, a Ja of 2670 */
    uint8_t vote_bits[SQ_V34_VOTE_BITS];
    uint64_t vote_n;                  /* bits kept so far */
    uint64_t vote_from;               /* the first since the decisions began */
    uint64_t sync_at[2];              /* where the last two frame syncs began, older first */
    long sync_r[2];
    int n_syncs;
    int read_since_sync;              /* a sequence was read since the last sync */
    long idle_symbols;               /* decided since TRN with nothing found */
    double data_from_s;              /* the last E read ended here: data follows */
    /* V.34 data after E, watched for a rate renegotiation's S (v34_lane.c); the receiver is
     * reading one (its S named from S-bar back: it comes straight out of data) */
    int renegotiation_watch, renegotiating;
    int renegotiation_poly;          /* its scrambler, phase 4's (answer_poly) */
    double goertzel_coeff, goertzel_s1, goertzel_s2, goertzel_energy;   /* the carrier, */
    int goertzel_count;                                                  /* watched */
    /* V.32bis data, watched for a renegotiation's preamble (V.32bis 8): Goertzel filters side
     * by side (dsp/vec4.h) at the carrier (AA) and 1200 Hz below and above it (AC's lines),
     * the fourth unused; how many blocks in a row held AA (1) or AC (2) */
    float preamble_coeff[4], preamble_s1[4], preamble_s2[4];
    int preamble_blocks, preamble_kind;
    /* ... and, while one is read (renegotiating), its modem (1 the answerer's AC, 0 the
     * caller's AA) and whether the preamble was named (once an R after it is read) */
    int v32_reneg_answerer;
    int v32_reneg_named;
    double renegotiation_s;          /* where the last one began (0: none) */
    double cleardown_s;              /* where this modem's MP asking 0 bit/s began (0: none) */
    /* V.32bis at 14400 or 12000 bit/s: the data's first symbols sliced to its constellation */
    long data_snr_left;              /* symbols still to measure (0: not measuring) */
    int data_rate;                   /* bit/s, from E */
    float complex data_points[SQ_V32_MAX_POINTS];   /* its constellation, and their mean power */
    size_t data_points_n;
    double data_mean_power;
    double data_err, data_power;     /* summed over the measured symbols */
    float data_scale;                /* to the constellation's grid, from B1's mean power */
    double data_snr_db;              /* the result, for the data from data_from_s (0: none) */
    double read_from_s, read_to_s;   /* the last stretch named whole, S to J (phase 3) */
    int read_to_quiet;               /* ... ended where the lane heard its level drop */
    int ending_quiet;                /* (sq_v34_end_stretch is being called so) */
    double trn_err;                  /* smoothed |error|^2 against TRN's known symbols */
    double trn_err_snap, trn_err_old;   /* it 0-31 and 32-63 symbols ago */
    /* TRN's equaliser refitted at its end (v34_training.c): the known symbol and the carrier
     * loop's turn at each symbol trained on (by r % SQ_V34_TURNS; the samples are in keep),
     * and the fit's sums */
#define SQ_V34_TURNS 1024
#define SQ_V34_REFIT_ROWS 512
    float complex known[SQ_V34_TURNS];
    float complex turn[SQ_V34_TURNS];
    sq_ls_fit fit;
    float complex fit_samples[2 * SQ_V34_REFIT_ROWS + SQ_V34_EQ_TAPS];   /* the rows' lines */
    double complex fit_want[SQ_V34_REFIT_ROWS];                          /* and their symbols */
    /* the symbols refitted (from the first, by r - first): the first fit's output against
     * the known symbol, then the phase its neighbours give each (v34_refit.c) */
    float complex fit_against[SQ_V34_TURNS], fit_phase[SQ_V34_TURNS];
    /* V.34 data after E (v34_data.c): its first samples, kept until the far end's MP says
     * how this channel's transmitter precodes them, with the receiver (front end and
     * equaliser) as E left it, to be run again over them */
#define SQ_V34_DATA_SAMPLES 5120             /* 0.64 s */
    float data_keep[SQ_V34_DATA_SAMPLES];
    uint8_t data_gap[SQ_V34_DATA_SAMPLES];   /* a gap (a lost packet) spoils the sample */
    size_t data_kept;                        /* samples kept */
    double timing_integ;                     /* the timing loop's integral: the far clock's drift,
                                              * samples a symbol */
    double data_timing_integ;                /* ... as E left it */
    sq_v34_front *data_front, *data_work;    /* the front end at E; one to run */
    sq_v34_eq data_eq;
    double data_after_s;                     /* the far MP must end after this (this start-up's S) */
    int data_complete, data_measured;
    sq_v34_mp far_mp;                        /* sq_decoder_far_mp */
    sq_v34_mp far_precoder_mp;               /* the last type 1 far MP of this start-up */
    int have_far_precoder;
    double far_mp_end_s;                     /* 0: none */
} sq_v34_lane;

/* A V.90 digital modem's phases 3 and 4 on this channel (v90_digital.c): the 1333 Hz line of
 * Sd and Ri with their reversals, and DIL's exact repetition, from the end of the INFO
 * sequences for READ_FOR_S. */
#define SQ_V90_RING 4096
#define SQ_V90_MAX_RUNS 16
#define SQ_V90_MAX_BLOCKS 1024
#define SQ_V90_MAX_RD 4                  /* renegotiations out of one stretch of data read */
typedef struct sq_v90_run {
    double start_s, end_s;
    double mark_s;                   /* a line: its reversal; periodic: its period */
    double power;                    /* a line: mean power; periodic: summed over windows */
    size_t windows;
    double score;                    /* periodic: the best window's correlation */
} sq_v90_run;
typedef struct sq_v90_span {
    double start_s, end_s;
    int training_inside;
} sq_v90_span;
typedef struct sq_v90_line {
    uint64_t start, end, reversal;   /* samples; reversal 0: none */
    size_t periods;
    size_t quiet_after;              /* held: quiet periods since it broke (a gap, so far) ... */
    size_t heard_after;              /* ... and others (one on each edge of a gap is part quiet) */
    double power;
    float last[6];                   /* its last period */
} sq_v90_line;
typedef struct sq_v90_reader {
    int reading;
    double start_s;
    float period[6];                 /* the period being gathered */
    sq_v90_line run, held;           /* the line now; the last one, broken a moment ago */
    float ring[SQ_V90_RING];
    size_t filled, since_window;
    float *a, *b;
    fftwf_complex *fa, *fb;
    fftwf_plan plan_forward, plan_back;
    double floor_power;
    sq_v90_run lines[SQ_V90_MAX_RUNS], periodic[SQ_V90_MAX_RUNS];
    size_t n_lines, n_periodic;
    double block_power[SQ_V90_MAX_BLOCKS];   /* each 20 ms block's, from start_s */
    size_t n_blocks;
    /* the samples from a little before Sd's end on, for TRN1d and Jd (v90_jd.c): allocated
     * when the first Sd is heard */
    float *kept;
    size_t kept_n;
    uint64_t kept_from;
    /* the samples from a little before R i's reversal on, for TRN2d and MP (v90_phase4.c):
     * allocated when it is heard; read in the constellations of the far CPt, when known */
    float *kept4;
    size_t kept4_n;
    uint64_t kept4_from;
    /* the same from a little before each R after phase 4 (Rd, out of data: a rate
     * renegotiation or cleardown, V.90 9.6.1, 9.7), for its TRN2d and MP: the first few */
    float *keptr[SQ_V90_MAX_RD];
    size_t keptr_n[SQ_V90_MAX_RD];
    uint64_t keptr_from[SQ_V90_MAX_RD];
    size_t n_keptr;
    /* phase 4's read (its equaliser) and a frame's first sample: a renegotiation with no
     * TRN2d is read through it */
    sq_v90_phase4_read fit4;
    uint64_t fit4_frame;
    int have_fit4;
    sq_v90_mapping phase4, data;     /* the far CPt's and CP's */
    int have_phase4, have_data;
    double data_snr_db;              /* of the data after phase 4, from name() (0: none) */
    /* the data name() found, where Rds cut it: a stretch before each, and after each one's
     * MPs (with its training inside where they were not read); none after a cleardown */
    size_t n_spans;
    sq_v90_span spans[SQ_V90_MAX_RD + 1];
} sq_v90_reader;

/* V.92's QTS and QTS-bar after a digital modem's QC sequence (qts_watch.c). */
typedef struct sq_qts_watch {
    double armed_s;                  /* the QC sequence it last listened after (0: none yet) */
    uint64_t until;                  /* it listens to this sample (0: not listening) */
    double floor_power;
    float period[6];                 /* the period being gathered, by sample index mod 6 */
    float sum[6];                    /* the run's periods summed, negated after its turn */
    uint64_t start, end, reversal;   /* the run's first sample, the one after its last period,
                                        where it turned (0: not yet) */
    size_t periods, broken;          /* line periods in the run; periods since one (the turn) */
    double power;
} sq_qts_watch;

struct sq_decoder {
    sq_band_watch watch;
    sq_tonerx *tones;
    sq_fsk_lane lanes[SQ_FSK_LANES];
    sq_qam_lane qam[SQ_QAM_LANES];
    double qam_on_power, qam_off_power;   /* V.22 carrier thresholds as powers */
    double sleep_band_power;       /* an FSK lane's band louder than this is awake */
    double dbm0_power;             /* the mean power of 0 dBm0 */
    sq_dtmf_lane dtmf;
    sq_v8bis_lane v8bis;
    sq_phase2_lane phase2[2];      /* 1200 Hz, 2400 Hz */
    sq_wideband_lane wideband;
    sq_unnamed_lane unnamed;
    sq_v34_lane v34;
    sq_v90_reader v90;
    sq_qts_watch qts;
    sq_v22_guard guard;            /* under the answerer's V.22 signal */
    int guard_band;                /* 1800 Hz in the band watch: tone A's guard */
    double qc_digital_end_s;       /* a digital modem's QC sequence ended here (0: none) */
    int qc_digital_channel;        /* on V.21's channel 1 (QC1d, QC2d: a caller) or 2 */
    double qts_end_s;              /* a QTS-bar ended here (0: none) */
    int pcm_analogue;              /* this channel's modem is a V.90 / V.92 analogue one (its
                                    * V.8 CM or JM, or its V.92 QC sequence, said so) */
    int both_sides;                /* sq_decoder_settings.both_sides */
    int v32_side;                  /* 1 after V.32's AA (a caller), 2 after AC (an answerer) */
    double v32_aa_power;           /* the AA's mean power, when v32_side is 1 */
    sq_progress_rx *progress;      /* dial tone, ringback, busy, reorder */
    sq_event_pool pool;
    sq_dc_block dc;                /* takes the input's offset out before any lane sees it */
    float stage[SQ_DECODER_CHUNK]; /* pushed samples gathered into a whole chunk */
    size_t staged;
    uint64_t samples;              /* run through the lanes (not those still staged) */
    double cj_end_s;               /* V.8 ended here (CJ): a V.22bis start-up may follow */
    double answer_tone_end_s;      /* an answer tone (ANS, ANSam, with or without reversals)
                                    * ended here: V.22's USB1 may follow */
    int answer_tone_seen;
    double cm_end_s;               /* the last CM run ended here */
    double cm_power, jm_power;     /* the loudest CM and JM runs (0: none): the louder was this
                                    * channel's modem's, the other its far modem's echo */
    double v34_heard_s;            /* the latest end of an event only a V.34 / V.90 call holds
                                    * (a good INFO, line probing, a reversed tone A or B,
                                    * phases 3 and 4, data); 0: none */
    double call_start_heard_s;     /* the latest start of an answer tone, CT, CNG, CI, CM or JM:
                                    * where a V.22 call could begin again; 0: none */
    int cj_seen;
    sq_decoder_symbol_fn symbol_tap;   /* sq_decoder_set_symbol_tap */
    void *symbol_tap_user;
    sq_decoder_fsk_bit_fn bit_tap;     /* sq_decoder_set_fsk_bit_tap */
    void *bit_tap_user;
};

void sq_qts_watch_process(sq_decoder *d, const float *x, size_t n);
void sq_qts_watch_finish(sq_decoder *d);
/* The start of a QTS under way (now_s when none is). */
double sq_qts_watch_horizon_s(const sq_decoder *d, double now_s);

int sq_fsk_lanes_create(sq_decoder *d, const sq_async_format *format);
void sq_fsk_lanes_process(sq_decoder *d, const float *x, size_t n);
void sq_fsk_lanes_finish(sq_decoder *d);
/* The earliest start any FSK or V.8 event not yet queued could have (now_s when nothing is
 * under way). */
double sq_fsk_lanes_horizon_s(const sq_decoder *d, double now_s);
/* 1 if FSK data whose band holds freq_hz overlaps [start_s, end_s]. */
int sq_fsk_lanes_cover(const sq_decoder *d, double freq_hz, double start_s, double end_s);
/* An FSK lane carries start-stop data now, keyed on a bit grid (not V.8, not a misreading
 * of something else). */
int sq_fsk_lanes_carrying_data(const sq_decoder *d);
/* FSK text plainly on the line: a second and more of it, clean (fsk_lane.c): no other
 * modem's start-up can be under way there. */
int sq_fsk_lanes_plain_data(const sq_decoder *d);
/* Some lane reads a modem's data now: V.34 / V.90 / V.32 after training, V.22 data, or
 * start-stop FSK data. */
int sq_data_under_way(const sq_decoder *d);
/* The tone bank is following a tone at TONEq's frequency (980 Hz, V.92 8.2.5). */
int sq_decoder_toneq_sounding(const sq_decoder *d);
void sq_fsk_lanes_destroy(sq_decoder *d);
/* V.8bis messages (one line bit) and V.92 QC sequences (one character) on a V.21 lane
 * (v21_messages.c). */
void sq_v21_hdlc_bit(sq_decoder *d, sq_fsk_lane *l, const sq_fsk_bit *b);
void sq_v21_watch_qc(sq_decoder *d, sq_fsk_lane *l, const sq_async_char *c);
/* The stretch's carrier ended (at end_s): its last V.8bis message goes out. */
void sq_v21_messages_end(sq_decoder *d, sq_fsk_lane *l, double end_s);
/* Where the last CM heard ended (one still running counts), 0 when none. */
double sq_fsk_lanes_last_cm_end_s(const sq_decoder *d);
/* V.8 heard in the seconds before t: an answer tone, or a CI, CM or JM run on any lane. */
int sq_fsk_lanes_v8_heard_before(const sq_decoder *d, double t);

int sq_qam_lanes_create(sq_decoder *d, const sq_async_format *format);
void sq_qam_lanes_process(sq_decoder *d, const float *x, size_t n);
void sq_qam_lanes_finish(sq_decoder *d, double end_s);
/* The same for the V.22 / V.22bis events. */
double sq_qam_lanes_horizon_s(const sq_decoder *d, double now_s);
/* 1 if a V.22 signal whose band holds freq_hz was heard over most of [start_s, end_s]. */
int sq_qam_lanes_cover(const sq_decoder *d, double freq_hz, double start_s, double end_s);
/* 1 while a lane follows V.22 / V.22bis data (a call under way on this channel). */
int sq_qam_lanes_carrying(const sq_decoder *d);
void sq_qam_lanes_destroy(sq_decoder *d);
int sq_v22_guard_create(sq_decoder *d);
/* Each chunk, from sample d->samples on: sending while the answerer's V.22 receiver follows
 * a signal (since signal_start_s), named when the lane has named it (USB1, S1, SB1, data). */
void sq_v22_guard_push(sq_decoder *d, int sending, int named, double signal_start_s, const float *x, size_t n);
void sq_v22_guard_finish(sq_decoder *d);
/* The earliest start a guard event not yet queued could have. */
double sq_v22_guard_horizon_s(const sq_decoder *d, double now_s);

void sq_dtmf_lane_process(sq_decoder *d, const float *x, size_t n);
void sq_dtmf_lane_finish(sq_decoder *d);
double sq_dtmf_lane_horizon_s(const sq_decoder *d, double now_s);

int sq_v8bis_lane_create(sq_decoder *d);
void sq_v8bis_lane_process(sq_decoder *d, const float *x, size_t n);
void sq_v8bis_lane_finish(sq_decoder *d);
double sq_v8bis_lane_horizon_s(const sq_decoder *d, double now_s);

int sq_phase2_lanes_create(sq_decoder *d);
void sq_phase2_lanes_process(sq_decoder *d, const float *x, size_t n);
void sq_phase2_lanes_finish(sq_decoder *d);
double sq_phase2_lanes_horizon_s(const sq_decoder *d, double now_s);
/* 1 if phase-2 signals whose band holds freq_hz (a tone, a frame, or a tone still open) cover
 * most of [start_s, end_s], or one of them lies wholly inside it: FSK "data" or a guard tone
 * there is a misreading of them. */
int sq_phase2_lanes_cover(const sq_decoder *d, double freq_hz, double start_s, double end_s);
/* 1 if what sounds as INFOMARKS in the band that holds freq_hz (a run heard, with or without
 * a V.34 start-up around it, or one under way) covers most of [start_s, end_s]: an answer
 * tone or a guard there is one of its lines (INFOMARKSa's lie at 2100 and 2700 Hz, beside
 * its 1800 Hz guard). */
int sq_phase2_lanes_marks_cover(const sq_decoder *d, double freq_hz, double start_s, double end_s);
/* Which side this channel's own modem plays in phase 2, from its INFO0 or tone (the louder
 * one heard): 2 for the 2400 Hz carrier's (V.34 answer / V.90 analogue modem), 1 for 1200 Hz,
 * 0 before any, and always 0 with both sides on the channel (both are its own). */
int sq_phase2_lanes_own_side(const sq_decoder *d);
/* 1 when this channel's modem is a V.90 digital one (its phase 3 is PCM, not V.34's): its
 * INFO0 was an INFO0d, or, that lost, it answered in V.8 and takes the 1200 Hz carrier. */
int sq_phase2_lanes_digital_side(const sq_decoder *d);
/* A wideband signal named over [start_s, end_s]: it covers both lanes' bands. */
void sq_phase2_lanes_note_span(sq_decoder *d, double start_s, double end_s);
/* The start of a tone A or B that began after t_s and is still sounding, or -1: the channel's
 * own (1: the caller's tone B, 2: the answerer's tone A; 0: either), or this side's; its
 * mean power so far into *power (sq_power_to_dbm0's scale) when there is one. */
double sq_phase2_lanes_tone_since(const sq_decoder *d, double t_s, int channel, double *power);

/* On the zeroed lane of a new decoder. */
void sq_unnamed_lane_init(sq_unnamed_lane *l);
/* The wideband lane's next 20 ms block: its mean power and, when it ran one, its DFT. */
void sq_unnamed_lane_block(sq_decoder *d, double power, fftwf_complex *spectrum);
/* An event queued: the blocks it covers are named. */
void sq_unnamed_lane_note(sq_decoder *d, const sq_event *ev);
/* Whether a block waits to be decided; *end_s, where the first of them ends. */
int sq_unnamed_lane_waiting(const sq_decoder *d, double *end_s);
/* Decides the blocks the other lanes' horizon has passed. */
void sq_unnamed_lane_decide(sq_decoder *d, double horizon_s);
void sq_unnamed_lane_finish(sq_decoder *d);
/* h, or earlier if a run is open. */
double sq_unnamed_lane_horizon_s(const sq_decoder *d, double h);
int sq_wideband_lane_create(sq_decoder *d);
void sq_wideband_lane_process(sq_decoder *d, const float *x, size_t n);
/* This channel's modem sent its INFO1, ending at end_s, at info1_dbm0 (digital: a V.90
 * digital modem). */
void sq_wideband_lane_info1(sq_decoder *d, double end_s, int channel, int digital, double info1_dbm0);
/* A V.92 digital modem's tone B ended a short phase 2 at end_s: its training may follow. */
void sq_wideband_lane_after_short_phase2(sq_decoder *d, double end_s, int channel);
/* The V.34 lane, armed by line probing with no INFO1 read, found this channel's modem's S at
 * s_start_s: its training and data are listened for from there, as after an INFO1. */
void sq_wideband_lane_phase3_found(sq_decoder *d, double s_start_s, int channel, double level_dbm0);
void sq_wideband_lane_finish(sq_decoder *d);
double sq_wideband_lane_horizon_s(const sq_decoder *d, double now_s);
/* 1 if line probing or a modem's training and data (open or not) cover most of the span */
int sq_wideband_lane_cover(const sq_decoder *d, double start_s, double end_s);
void sq_wideband_lane_destroy(sq_decoder *d);
int sq_v34_lane_create(sq_decoder *d);
/* This channel's modem has just sent its INFO1 (on channel 1, 1200 Hz, or 2, 2400 Hz): its
 * phase 3 follows. */
void sq_v34_lane_arm(sq_decoder *d, int channel);
/* ... and the INFO1 was a V.90 analogue modem's (V.90 9.3.2: S, S-bar and SCR after Ja). */
void sq_v34_lane_arm_v90(sq_decoder *d);
/* This channel's modem has just ended its line probing, or a V.92 analogue modem its short
 * phase 2's tone A (channel as for INFO1): its INFO1 and then its phase 3 follow. Armed now,
 * the lane still finds phase 3 when the INFO1 is lost (a packet lost on a VoIP call, a burst
 * of noise): one frame, sent once, names all that follows. */
void sq_v34_lane_arm_before_info1(sq_decoder *d, int channel);
/* The type of a training stretch of scrambled 1s read now: V.34's TRN, V.32's, or V.90's SCR. */
sq_event_type sq_v34_trn_type(const sq_v34_lane *l);
/* The same after V.32's AA (channel 1) or AC (2): V.32 / V.32bis training follows. */
void sq_v34_lane_arm_v32(sq_decoder *d, int channel);
void sq_v34_lane_process(sq_decoder *d, const float *x, size_t n);
void sq_v34_lane_finish(sq_decoder *d);
double sq_v34_lane_horizon_s(const sq_decoder *d, double now_s);
/* 1 when the lane named a whole stretch (S to J) that spans [start_s, end_s], give or take
 * the 20 ms blocks another lane measures in. */
/* The end of the last MP or CP the lane read, or of the one it is reading now (0: none), and
 * its symbol rate and carrier. */
double sq_v34_lane_phase4_to_s(const sq_decoder *d, double *symbol_rate, double *carrier_hz);
/* Where the last rate renegotiation found in V.34 data began (0: none). */
double sq_v34_lane_renegotiation_s(const sq_decoder *d);
/* Where this channel's modem began asking for cleardown (an MP with both rates 0, V.34 11.7;
 * 0: none): no data of its follows. */
double sq_v34_lane_cleardown_s(const sq_decoder *d);
int sq_v34_lane_read_whole(const sq_decoder *d, double start_s, double end_s);
/* 1 when an E read after start_s ended phase 4: its end, the symbol rate and the carrier. */
int sq_v34_lane_data_since(const sq_decoder *d, double start_s, double *data_s, double *symbol_rate, double *carrier_hz);
/* The symbol SNR measured on the first second of the V.32bis data from data_s (0: none). */
double sq_v34_lane_data_snr_db(const sq_decoder *d, double data_s);
void sq_v34_lane_destroy(sq_decoder *d);

int sq_v90_reader_create(sq_decoder *d);
/* A V.90 digital modem's transmission starts at start_s (the end of its INFO sequences):
 * read it, 20 ms blocks at a time from first_sample, until stopped. */
void sq_v90_reader_start(sq_decoder *d, double start_s);
void sq_v90_reader_block(sq_decoder *d, const float *x, size_t n, uint64_t first_sample);
void sq_v90_reader_stop(sq_decoder *d);
/* The stretch [start_s, end_s] of it is over: queues Sd, TRN1d, DIL and Ri where they were
 * found and returns 1 with *data_s where what follows them (training then data) starts; 0
 * with *data_s = start_s when no Sd was found, and nothing named. */
int sq_v90_reader_name(sq_decoder *d, double start_s, double end_s, int channel, double *data_s);
/* The symbol SNR of the data after the digital modem's phase 4, where it was read (0: not). */
double sq_v90_reader_data_snr_db(const sq_decoder *d);
/* 1 between the Sd and the Ri of the transmission being read: the digital modem sends without
 * a pause there, however quiet some of DIL's segments are. */
int sq_v90_reader_in_phase3(const sq_decoder *d);
void sq_v90_reader_destroy(sq_decoder *d);

/* 1 while a modem's training or data (after its INFO1 or V.32 S) is sounding */
int sq_wideband_lane_transmitting(const sq_decoder *d);
/* ... and keeps the phase 2 lane of channel's modem (1 the caller's, 2 the answerer's) resting:
 * not, with both modems on the channel, the other modem's, whose tone and INFO1 follow the
 * first INFO1 within OTHER_INFO1_WITHIN_S (V.34 11.2.1.2.8-9). */
int sq_wideband_lane_masks_phase2(const sq_decoder *d, int channel);

#endif
