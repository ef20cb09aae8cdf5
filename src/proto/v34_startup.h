/* Internal: a modem's whole V.34 phase 3 and 4 as symbols (for gen's v34_startup and the
 * tests); the public squeal/v34_info.h modulates it. */
#ifndef SQ_PROTO_V34_STARTUP_H
#define SQ_PROTO_V34_STARTUP_H

#include "src/proto/v34_train.h"

/* What a modem sends in phases 3 and 4, as 11.3.1 and 11.4.1 order it: for gen and the tests.
 * Phase 3: S, S-bar, PP, 4-point TRN, J (asking for j_points). The call modem then goes
 * straight on (j_prime): J', TRN in phase4_points, MP, MP', E. The answer modem's phase 4
 * starts afresh (phase3 0): S, S-bar, TRN, MP, MP', E. After E come tail_symbols of scrambled
 * 1s in 16 points, standing for B1 and data; with renegotiate, a rate renegotiation out of
 * that data follows. */
typedef struct sq_v34_startup {
    int answer_modem;
    int phase3;
    int trn_symbols;                 /* each TRN */
    int j_points, j_repeats, j_prime;
    int phase4_points;
    int mp_repeats, mp_ack_repeats;
    sq_v34_mp mp;
    int tail_symbols;
    /* then, after renegotiate_after_symbols more of data: nothing; a rate renegotiation
     * (11.6.1: S, S-bar, 4-point TRN, MP and MP' with renegotiate_mp, E, data); or a
     * cleardown (11.7: S, S-bar, MP and MP' with renegotiate_mp). A V.90 analogue modem
     * (cp_bits) sends renegotiate_cp_bits where the MPs are, after SCR (V.90 9.6.2.1, 9.7). */
    enum { SQ_V34_OUT_OF_DATA_NONE, SQ_V34_RENEGOTIATE, SQ_V34_CLEAR_DOWN } renegotiate;
    int renegotiate_after_symbols;
    sq_v34_mp renegotiate_mp;
    int md_symbols;                  /* phase 3's optional MD (10.1.3.5), then S and S-bar again */
    int same_power;                  /* 16-point symbols scaled to the 4-point ones' power, as a
                                      * transmitter keeps its level (10.1.3 note) */
    const uint8_t *ja_bits;          /* set: a V.90 analogue modem's phase 3, ending with Ja, */
    size_t ja_len;                   /* these bits ja_repeats times, instead of J */
    int ja_repeats;
    const uint8_t *cp_bits[3];       /* set: its phase 4, CPt, CP and CP' where MP and MP' are */
    size_t cp_len[3];
    int cp_repeats[3];
    int cp_first;                    /* the first of them sent: 1 in a rate renegotiation (no CPt) */
    const uint8_t *renegotiate_cp_bits[2];   /* a V.90 analogue modem's renegotiation: its CP and */
    size_t renegotiate_cp_len[2];            /* CP' (V.90 9.6.2.1), after SCR as phase 4's */
    int scr_after_cpt;               /* V.90 9.4.2.2: SCR between CPt and CP, scr_after_cpt_symbols */
    int scr_after_cpt_symbols;       /* long: 1 as TRN is, 2 differentially coded (V.90 8.3.5) */
} sq_v34_startup;

/* Writes the symbols to out (at most max); returns how many the whole start-up has. */
size_t sq_v34_startup_symbols(const sq_v34_startup *p, float complex *out, size_t max);

#endif
