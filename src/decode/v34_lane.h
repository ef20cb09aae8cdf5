/* Internal to the V.34 (and V.32) training lane: what its three files share. v34_lane.c
 * finds S and its reversal and runs the receiver sample by sample; v34_training.c trains the
 * equaliser on the known symbols (the readings of the start-up, then TRN); v34_sequences.c
 * reads what follows TRN from the decisions (J, J', MP, E; V.32's rate sequences and E). */
#ifndef SQ_DECODE_V34_LANE_H
#define SQ_DECODE_V34_LANE_H

#include "src/decode/decoder_internal.h"

/* V34_DATA: after E, keeping the data's first symbols (v34_data.c) */
enum { V34_IDLE = 0, V34_QUIET, V34_S, V34_KEEP, V34_TRAIN, V34_TEST, V34_DECIDE, V34_DONE, V34_IGNORE, V34_DATA };

#define MU_TRACK 0.03f
/* The timing loop (v34_lane.c): each symbol the front's grid moves by GAIN times the
 * equaliser's timing estimate (a time constant of 100 symbols, well inside the equaliser's, so
 * the taps stay where training put them; the real calls decode alike from 0.01 to 0.03, and
 * 0.003 lost MP at 300 ppm), plus an integral of KI times it, which learns the far clock's
 * drift: with the proportional part alone, a clock 300 ppm off held a steady timing error of
 * a few percent of a symbol, and the 3Com call's phase 4 TRNs, so changed, read 32-34 dB
 * where they read 37. */
#define SQ_V34_TIMING_GAIN 0.01
#define SQ_V34_TIMING_KI 0.00003   /* about GAIN^2 / 4: critically damped */

#define QUIET_DROP 0.05                  /* quiet: 13 dB under the stretch (or under the floor) */
/* A shorter gap inside a stretch (a packet lost on a VoIP call, a click of silence) leaves the
 * modem's timing and carrier as they were: the symbols it spoils, until the front end and the
 * equaliser's span are past it, neither adapt the equaliser nor count as TRN's misses. */
#define GAP_MIN 16
#define GAP_SETTLE 160

#define DECIDE_R 400                     /* symbols after the reversal when a reading is chosen */
#define SCORE_SPAN 64                    /* over the last of them: in TRN, whichever phase */
/* ... or later, where a gap (a lost packet) spoilt some of those or may be starting: as late
 * as this, still in phase 4's TRN (512 T at least after S-bar's 16, V.34 11.3.1.1.3) */
#define DECIDE_R_LATEST 500
_Static_assert(DECIDE_R - SCORE_SPAN >= SQ_V34_S_BAR_SYMBOLS + SQ_V34_PP_SYMBOLS, "the readings are scored on TRN");

/* v34_lane.c */
double sq_v34_samples_per_symbol(const sq_v34_lane *l);
/* The time of symbol r (counted from S-bar's first), s. */
double sq_v34_time_of_r(const sq_v34_lane *l, long r);
/* A training event of this lane's symbol rate, carrier, channel and level. */
void sq_v34_emit(sq_decoder *d, sq_event_type type, double start_s, double end_s, int points);
/* The same with snr_db (0: none measured) in place of the SNR of the TRN before it. */
void sq_v34_emit_with_snr(sq_decoder *d, sq_event_type type, double start_s, double end_s, int points, double snr_db);
/* S from its start and S-bar after it, at the reversal found. */
void sq_v34_emit_s(sq_decoder *d);
/* The open MP (or V.32 rate sequence) event goes out. */
void sq_v34_close_mp(sq_decoder *d);
/* The equaliser just chosen has the timing right: from now on the grid follows the symbols. */
void sq_v34_follow_timing(sq_v34_lane *l);
/* The stretch ended (or the file, or a J whose pattern stopped): what is open ends at end_s. */
void sq_v34_end_stretch(sq_decoder *d, double end_s);
/* What looked like S led nowhere: look for S again. */
void sq_v34_look_again(sq_v34_lane *l);
/* Both modems on one channel: the far modem's S may have begun under the end of the stretch
 * just ended; the lane looks for it in the samples it still holds once the present sample is
 * done, and reads from it if found. */
void sq_v34_look_back(sq_v34_lane *l);
/* 1 while a short gap in the stretch (or the symbols just after it) passes: hold the
 * equaliser and the TRN's miss count. */
int sq_v34_in_gap(const sq_v34_lane *l);

/* v34_gaps.c */
/* A gap that began after S's onset is passing, or ended under reach samples ago. */
int sq_v34_gap_inside(const sq_v34_lane *l, uint64_t reach);
/* Symbols back from where a gap is found to where it may have begun. */
long sq_v34_gap_lead_symbols(const sq_v34_lane *l);
/* Keeps half-symbol sample h (y), marked where a gap spoils it. */
void sq_v34_keep_half_sample(sq_v34_lane *l, uint64_t h, float complex y);
/* 1 when a gap may be starting that the lane has not found yet. */
int sq_v34_gap_may_be_starting(const sq_v34_lane *l);
/* How many kept symbols from DECIDE_R - SCORE_SPAN on no gap spoilt. */
long sq_v34_clean_scored(const sq_v34_lane *l);

/* v34_training.c */
/* The kept samples reach DECIDE_R symbols after the reversal: choose the reading that trains. */
void sq_v34_choose_reading(sq_decoder *d);
/* One equalised symbol while the known symbols steer the equaliser (TRN). */
void sq_v34_train_symbol(sq_decoder *d, float complex z, long r);
/* TRN's first symbols, held against its candidates (after J', or its scrambler unsettled). */
void sq_v34_start_trn_test(sq_v34_lane *l, long r);
/* ... from symbol r on, TRN's own start not known but at `earliest` or later (J' lost) */
void sq_v34_search_trn(sq_v34_lane *l, long r, long earliest);
void sq_v34_test_symbol(sq_decoder *d, float complex z, long r);
/* Kept half-symbol sample h into eq's line (a gap's marks how far the line is spoilt): 1 when
 * it completes symbol *r (counted from the reversal at l->k_rev). */
int sq_v34_push_kept(const sq_v34_lane *l, sq_v34_eq *eq, uint64_t h, uint64_t *spoilt_until, long *r);
/* e: the taps of from moved `shift` half-symbols later (linear between neighbours). */
void sq_v34_shifted_taps(const sq_v34_eq *from, double shift, float gain, sq_v34_eq *e);

/* v32_renegotiation.c */
/* The preamble's reversal found, the kept samples reach this many symbols after it (R4 or R5
 * lasts 64 T at least, then E, then B1 at the data rate): read the renegotiation. */
#define SQ_V32_RENEGOTIATION_DECIDE_R 64
void sq_v32_read_renegotiation(sq_decoder *d);
/* Its first R read: the preamble named (once). */
void sq_v32_name_preamble(sq_decoder *d);

/* v34_sequences.c */
/* TRN ended at r_from: its decisions since then, and every one after, are read for bits. */
void sq_v34_start_deciding(sq_decoder *d, long r_from, long r_now);
/* The same with the decisions from r_from - 1 to r_now given (replay[0] the one at r_from - 1),
 * not taken from the last 32 made. */
void sq_v34_start_deciding_replayed(sq_decoder *d, long r_from, long r_now, const float complex *replay);
/* v34_refit.c */
/* TRN ended before symbol end_r: the equaliser refitted to its last known symbols, where the
 * fit does better than the taps NLMS reached, and TRN's SNR then the refitted one's. */
void sq_v34_refit_trn(sq_v34_lane *l, long end_r);
void sq_v34_decide_symbol(sq_decoder *d, float complex z, long r);

/* v34_data.c */
/* E ended: the data's symbols from here on are kept (state V34_DATA) for their SNR. */
void sq_v34_data_start(sq_v34_lane *l);
/* V.34 data from here: watched for a rate renegotiation's or cleardown's S (V.34 11.6, 11.7). */
void sq_v34_watch_renegotiation(sq_v34_lane *l);
/* One sample of the line in V34_DATA. */
void sq_v34_data_keep(sq_v34_lane *l, float x, int in_gap);
/* The stretch ended while the data was being kept: what was kept is all there is. */
void sq_v34_data_cut(sq_v34_lane *l);

#endif
