/* What follows TRN in the V.34 / V.32 lane (src/decode/v34_lane.h): the decisions
 * differentially decoded and descrambled into J (phase 3, 10.1.3.3), J' and MP / MP' (CRC
 * checked, 10.1.3.9) and E; for V.32, the rate sequences R1, R2, R3 and E (V.32bis 5.3). */
#include <math.h>
#include <string.h>
#include "dsp/cmplx.h"
#include "src/decode/v34_lane.h"
#include "src/proto/v32_constellations.h"
#include "squeal/level.h"

#define DECIDE_GIVE_UP 0.5               /* s after TRN with neither J nor MP (each follows TRN at once) */
/* A V.90 analogue modem's Ja and CP: the first of them is not read whole (the descrambler
 * takes its first bits to synchronise), so the next one's sync may be a whole sequence
 * later, up to SQ_V90_JA_MAX_BITS at 2 bits a symbol at 2400 symbols/s: 0.56 s */
#define ANALOGUE_GIVE_UP 0.7
#define SCR_MIN_BITS 128                 /* 1s beyond a sync: SCR between CPt and CP (20 ms at 3200) */
#define SCR_AS_TRN_MIN_SYMBOLS 72         /* as many bits, 2 a symbol, read as TRN is */
#define V90_S_SYMBOLS (128 + SQ_V34_S_BAR_SYMBOLS)   /* S for 128T, S-bar for 16T */
#define V90_PHASE4_WITHIN_S 10.0   /* Sd and TRN1d (up to 4.5 s, 9.3.2.7) and DIL's 5 s after Ja */
#define DATA_SCALE_SYMBOLS 256     /* V.32bis's B1 (5.4) */
#define DATA_SNR_SYMBOLS 2400      /* 1 s of V.32bis data, ... */
/* ... of which the first are sliced and followed, not counted: B1's mean power over 256
 * symbols sets the grid's scale to a few percent (the cross's points average 82, spread
 * 2-170), which puts the outer points' decisions a quarter of a step off until the
 * equaliser, following them, has the scale right (over six seeds, the data of a 40 dB line
 * read 28.5-36.0 dB counted from the first) */
#define DATA_SETTLE_SYMBOLS 400
/* The equaliser's step on data decisions: a third of training's, as about one in forty of the
 * 128-point decisions at 24 dB is wrong (the V.22bis receiver likewise steps less in data) */
#define MU_DATA 0.01f
/* The carrier loop in V.32bis data: wide enough (about 75 Hz at 2400 symbols/s) to follow
 * the phase jitter a line adds (mains harmonics, a channel unit's clocks), which training's
 * loop of a few hertz leaves in. The Banksia call's data, whose outer points erred twice as
 * much as its inner ones (jitter, not noise), read 24.6 and 26.9 dB with that loop and every
 * symbol counted, 26.9 and 31.7 with the first DATA_SETTLE_SYMBOLS left out, and 35.5 and
 * 34.1 with this loop too, as its TRNs (whose refit follows the phase over 33 symbols) read
 * 36-37 dB. */
#define DATA_LOOP_KP 0.2
#define DATA_LOOP_KI 0.004

/* ---- the bits after TRN ---- */

static double bits_per_symbol(const sq_v34_lane *l)
{
    return l->points == 16 ? 4.0 : 2.0;
}

/* The open sequence event (MP, Ja, CP) closes and a new one of this type opens: the lane's
 * channel, level, symbol rate, carrier and points, its CRC checked, heard once so far. */
static sq_event *open_sequence(sq_decoder *d, sq_event_type type, double start_s, long end_r)
{
    sq_v34_lane *l = &d->v34;
    sq_v34_close_mp(d);
    sq_event *ev = &l->mp_ev;
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    ev->fsk_channel = l->channel;
    ev->level_dbm0 = sq_power_to_dbm0(l->level);
    ev->start_s = start_s;
    ev->end_s = sq_v34_time_of_r(l, end_r);
    ev->symbol_rate = l->cand_rate[l->cand];
    ev->freq_hz = l->cand_carrier[l->cand];
    ev->points = (uint8_t)l->points;
    ev->crc_ok = 1;
    ev->repeats = 1;
    l->mp_open = 1;
    return ev;
}

/* A frame sync (17 1s) has just ended with this 0: the frame's bits start in buf. */
static int sync_begins(const sq_v34_lane *l, int b, long r, uint8_t *buf, size_t *fill, long *start_r)
{
    if (b != 0 || l->ones < SQ_V34_MP_SYNC_BITS)
        return 0;
    memset(buf, 1, SQ_V34_MP_SYNC_BITS);
    buf[SQ_V34_MP_SYNC_BITS] = 0;
    *fill = SQ_V34_MP_SYNC_BITS + 1;
    *start_r = r - (long)((SQ_V34_MP_SYNC_BITS + 1) / bits_per_symbol(l));
    return 1;
}

static void found_mp(sq_decoder *d, const sq_v34_mp *mp, long start_r, long end_r)
{
    sq_v34_lane *l = &d->v34;
    l->read_since_sync = 1;
    l->vote_from = l->vote_n;   /* copies before a read one may say something else */
    if (l->mp_open && memcmp(&l->mp_ev.mp, mp, sizeof *mp) == 0) {
        l->mp_ev.end_s = sq_v34_time_of_r(l, end_r);
        l->mp_ev.repeats++;
        return;
    }
    open_sequence(d, SQ_EVENT_MP, sq_v34_time_of_r(l, start_r), end_r)->mp = *mp;
    l->mp_ack_seen |= mp->acknowledge;
}

static void mp_bit(sq_decoder *d, int b, long r)
{
    sq_v34_lane *l = &d->v34;
    if (!l->mp_collecting) {
        l->mp_collecting = sync_begins(l, b, r, l->mp_bits, &l->mp_fill, &l->mp_start_r);
        return;
    }
    l->mp_bits[l->mp_fill++] = (uint8_t)b;
    sq_v34_mp mp;
    int got = sq_v34_mp_from_bits(l->mp_bits, l->mp_fill, &mp);
    if (got < 0 && l->mp_fill < SQ_V34_MP_BUF)
        return;
    l->mp_collecting = 0;
    if (got > 0)
        found_mp(d, &mp, l->mp_start_r, r + 1);
}

/* A V.90 analogue modem's Ja: its DIL descriptor again and again after TRN (V.90 9.3.2.4),
 * until the digital modem's Sd stops it; the open event counts the identical ones. */
static void found_ja(sq_decoder *d, const sq_v90_dil_descriptor *ja, long start_r, long end_r)
{
    sq_v34_lane *l = &d->v34;
    l->read_since_sync = 1;
    l->vote_from = l->vote_n;   /* copies before a read one may say something else */
    l->ja_end_r = end_r;
    uint8_t packed[SQ_INFO_BYTES];
    sq_v90_ja_pack(ja, packed);
    if (l->mp_open && l->mp_ev.type == SQ_EVENT_V90_JA && memcmp(l->mp_ev.info_bits, packed, sizeof packed) == 0) {
        l->mp_ev.end_s = sq_v34_time_of_r(l, end_r);
        l->mp_ev.repeats++;
        return;
    }
    /* Ja follows TRN at once; its first descriptor is not read whole (the descrambler
     * synchronises on its first bits), so the first one read starts one descriptor after
     * TRN, or less: Ja began where TRN ended */
    if (!(l->mp_open && l->mp_ev.type == SQ_EVENT_V90_JA) && start_r - l->decide_from_r <= end_r - start_r)
        start_r = l->decide_from_r;
    l->ja_seen = 1;
    if (l->maybe_v90) {   /* no INFO1a read: this Ja says the modem is a V.90 analogue one */
        l->maybe_v90 = 0;
        l->v90_analogue = 1;
    }
    l->eq_phase3 = l->eq;
    l->have_eq_phase3 = 1;
    /* phase 4's S comes after DIL: within 5 s of the S that Jd' brings (V.90 9.3.2.10) */
    l->scan_until = l->n + (uint64_t)(V90_PHASE4_WITHIN_S * SQ_PROCESSING_RATE_HZ);
    memcpy(open_sequence(d, SQ_EVENT_V90_JA, sq_v34_time_of_r(l, start_r), end_r)->info_bits, packed, sizeof packed);
}

/* Its CP sequences in phase 4 (V.90 9.4.2): CPt until the digital modem's Ri turns over, CP,
 * then CP' once the digital modem's MP has come; E follows CP'. */
static void found_cp(sq_decoder *d, const sq_v90_cp *cp, const uint8_t *bits, size_t len, long start_r, long end_r)
{
    sq_v34_lane *l = &d->v34;
    l->read_since_sync = 1;
    l->vote_from = l->vote_n;   /* copies before a read one may say something else */
    uint8_t packed[SQ_INFO_BYTES];
    sq_v90_cp_pack(cp, packed);
    l->mp_ack_seen |= cp->acknowledge;
    if (cp->training && len <= sizeof l->cpt_bits) {   /* the last CPt and CP, for sq_decoder_far_cp */
        l->cpt_len = len;
        memcpy(l->cpt_bits, bits, len);
    } else if (!cp->training && len <= sizeof l->cp_bits) {
        l->cp_len = len;
        memcpy(l->cp_bits, bits, len);
    }
    if (l->mp_open && l->mp_ev.type == SQ_EVENT_V90_CP && memcmp(l->mp_ev.info_bits, packed, sizeof packed) == 0) {
        l->mp_ev.end_s = sq_v34_time_of_r(l, end_r);
        l->mp_ev.repeats++;
        return;
    }
    double after_s = l->mp_open ? l->mp_ev.end_s : 0.0;   /* the sync is timed to a symbol or so */
    /* CPt follows S-bar at once (V.90 9.4.2.1); the first is not read whole (the descrambler
     * starts on it, or, with no SCR, the equaliser was still learning): when the first one
     * read starts within two sequences of where the decisions began, CPt began at S-bar */
    long read_from = l->cpt_from_r > l->decide_from_r ? l->cpt_from_r : l->decide_from_r;
    if (!l->cp_seen && l->cpt_from_r >= 0 && start_r >= read_from && start_r - read_from <= 2 * (end_r - start_r))
        start_r = l->cpt_from_r;
    l->cp_seen = 1;
    sq_event *ev = open_sequence(d, SQ_EVENT_V90_CP, fmax(sq_v34_time_of_r(l, start_r), after_s), end_r);
    ev->rate = sq_v90_cp_rate_bps(cp);
    memcpy(ev->info_bits, packed, sizeof packed);
}

/* Ja (phase 3) or CP (phase 4): both framed as MP is, read from the same buffer. */
static void analogue_bit(sq_decoder *d, int b, long r)
{
    sq_v34_lane *l = &d->v34;
    if (!l->ja_collecting) {
        if (b == 0 && l->ones >= SQ_V34_MP_SYNC_BITS + SCR_MIN_BITS && !l->ref.phase3 && l->mp_open) {
            /* a long run of 1s before this CP's sync, after the CPt it follows: its SCR
             * (V.90 9.4.2.2: after Ri turns over, for up to 4 s) */
            double bps = bits_per_symbol(l);
            sq_v34_close_mp(d);
            sq_v34_emit(d, SQ_EVENT_V90_SCR, sq_v34_time_of_r(l, r - (long)(l->ones / bps)),
                        sq_v34_time_of_r(l, r - (long)(SQ_V34_MP_SYNC_BITS / bps)), l->points);
        }
        l->ja_collecting = sync_begins(l, b, r, l->ja_bits, &l->ja_fill, &l->ja_start_r);
        return;
    }
    l->ja_bits[l->ja_fill++] = (uint8_t)b;
    int got;
    if (l->ref.phase3) {
        sq_v90_dil_descriptor ja;
        got = sq_v90_ja_from_bits(l->ja_bits, l->ja_fill, &ja);
        if (got > 0)
            found_ja(d, &ja, l->ja_start_r, r + 1);
    } else {
        sq_v90_cp cp;
        got = sq_v90_cp_from_bits(l->ja_bits, l->ja_fill, &cp);
        if (got > 0)
            found_cp(d, &cp, l->ja_bits, (size_t)got, l->ja_start_r, r + 1);
    }
    if (got >= 0 || l->ja_fill == SQ_V90_JA_MAX_BITS)
        l->ja_collecting = 0;
}

/* ---- repeats read together ----
 * MP, Ja, CPt and CP are each sent again and again until the far end answers, back to back
 * (V.34 11.4, V.90 9.3.2.4, 9.4.2), and a CP with several constellations runs to over 1500
 * bits: at a bit error rate of 1 in 500 most copies fail their CRC. When the copy before a
 * sync did not read, the copies before it are read again as their bit-by-bit majority: the
 * length is the distance between the last two syncs, and the copies are taken back from
 * there, up to VOTE_MAX_COPIES and never before the decisions began or the last copy that
 * read (what came before it may be another sequence: CPt before CP). An error then needs
 * most copies wrong at one bit; the CRC checks the result as it checks any copy. */
#define VOTE_MIN_COPIES 3
#define VOTE_MAX_COPIES 7

static void read_voted(sq_decoder *d)
{
    sq_v34_lane *l = &d->v34;
    uint64_t end = l->sync_at[1], len = l->sync_at[1] - l->sync_at[0];
    if (len < 88 || len > SQ_V90_JA_MAX_BITS)
        return;
    int copies = 0;
    while (copies < VOTE_MAX_COPIES && end >= (uint64_t)(copies + 1) * len + l->vote_from &&
           l->vote_n - (end - (uint64_t)(copies + 1) * len) <= SQ_V34_VOTE_BITS)
        copies++;
    copies -= !(copies & 1);   /* an odd count: no ties */
    if (copies < VOTE_MIN_COPIES)
        return;
    uint8_t voted[SQ_V90_JA_MAX_BITS];
    for (uint64_t i = 0; i < len; i++) {
        int ones = 0;
        for (int c = 1; c <= copies; c++)
            ones += l->vote_bits[(end - (uint64_t)c * len + i) % SQ_V34_VOTE_BITS];
        voted[i] = (uint8_t)(2 * ones > copies);
    }
    long end_r = l->sync_r[1], start_r = end_r - (long)((double)len / bits_per_symbol(l));
    if ((l->v90_analogue || l->maybe_v90) && l->ref.phase3 && !l->j_open) {
        sq_v90_dil_descriptor ja;
        if (sq_v90_ja_from_bits(voted, len, &ja) > 0)
            found_ja(d, &ja, start_r, end_r);
    } else if (l->v90_analogue) {
        sq_v90_cp cp;
        if (sq_v90_cp_from_bits(voted, len, &cp) > 0)
            found_cp(d, &cp, voted, (size_t)len, start_r, end_r);
    } else if (!l->j_open) {
        sq_v34_mp mp;
        if (sq_v34_mp_from_bits(voted, len, &mp) > 0)
            found_mp(d, &mp, start_r, end_r);
    }
    if (l->read_since_sync)   /* read at this sync: the copy starting here counts next time */
        l->vote_from = end;
}

/* Keeps each bit; at a frame sync (17 1s, then a 0), reads the copies before it together
 * when the last one did not read. */
static void keep_bit(sq_decoder *d, int b, long r)
{
    sq_v34_lane *l = &d->v34;
    l->vote_bits[l->vote_n % SQ_V34_VOTE_BITS] = (uint8_t)b;
    uint64_t at = l->vote_n++;
    if (b != 0 || l->ones < SQ_V34_MP_SYNC_BITS)
        return;
    l->sync_at[0] = l->sync_at[1];
    l->sync_r[0] = l->sync_r[1];
    l->sync_at[1] = at - SQ_V34_MP_SYNC_BITS;
    l->sync_r[1] = r - (long)((SQ_V34_MP_SYNC_BITS + 1) / bits_per_symbol(l));
    if (l->n_syncs < 2)
        l->n_syncs++;
    if (l->n_syncs == 2 && !l->read_since_sync)
        read_voted(d);
    l->read_since_sync = 0;
}

/* J's 16-bit pattern repeats until J' (the caller's) or silence (the answerer's); missing for
 * longer than a lost packet and the line settling after it, J has ended. */
#define J_LOST_S 0.1
#define J_GONE_SYMBOLS 48

static void bit_in(sq_decoder *d, int b, long r)
{
    sq_v34_lane *l = &d->v34;
    keep_bit(d, b, r);
    if (l->v90_analogue) {   /* Ja where V.34 has J (V.90 9.3.2.4), CP where it has MP (9.4.2) */
        if (!l->ref.phase3 && l->mp_ack_seen && b && l->ones + 1 >= SQ_V34_E_BITS) {
            sq_v34_close_mp(d);
            sq_v34_emit(d, SQ_EVENT_V34_E, sq_v34_time_of_r(l, r + 1 - (long)(SQ_V34_E_BITS / bits_per_symbol(l))),
                        sq_v34_time_of_r(l, r + 1), l->points);
            l->data_from_s = sq_v34_time_of_r(l, r + 1);   /* B1, then data */
            sq_v34_data_start(l);   /* kept for its SNR: the digital modem's MP names its precoder */
            return;
        }
        analogue_bit(d, b, r);
        l->ones = b ? l->ones + 1 : 0;
        return;
    }
    if (l->maybe_v90 && l->ref.phase3 && !l->j_open) {
        analogue_bit(d, b, r);   /* Ja where J would be (V.90 9.3.2.4)? */
        if (l->v90_analogue) {
            l->ones = b ? l->ones + 1 : 0;
            return;
        }
    }
    l->last_bits = (l->last_bits >> 1) | ((uint32_t)b << 31);
    l->bits_seen++;
    unsigned last16 = l->last_bits >> 16, before = l->last_bits & 0xFFFFu;
    double bps = bits_per_symbol(l);
    if (!l->j_open && l->bits_seen >= 32 && last16 == before && (last16 == SQ_V34_J4 || last16 == SQ_V34_J16)) {
        l->maybe_v90 = 0;   /* V.34's J: not a V.90 analogue modem */
        l->j_open = 1;
        l->j_points = last16 == SQ_V34_J16 ? 16 : 4;
        l->j_start_r = r + 1 - (long)(32 / bps);
        l->j_seen_r = r;
    } else if (l->j_open && last16 == (l->j_points == 16 ? SQ_V34_J16 : SQ_V34_J4)) {
        l->j_seen_r = r;
    } else if (l->j_open && l->channel != 2 && l->gap_r > l->j_start_r && r - l->gap_r > J_GONE_SYMBOLS &&
               r - l->j_seen_r > J_GONE_SYMBOLS) {
        /* J's pattern (every 8 symbols or fewer) stopped, a gap (a lost packet) came since J
         * began, and the line goes on: the call modem's J' (16 bits) may have been lost in it,
         * TRN following from there (TRN lasts 512 T at least: it is tested at once) */
        long since = l->gap_r - (long)(J_LOST_S * l->cand_rate[l->cand]);
        l->after_j = 1;   /* (J stays open: where it ended is known once TRN is found) */
        sq_v34_search_trn(l, r + 1, since > l->j_start_r ? since : l->j_start_r);
        return;
    } else if (l->j_open && r - l->j_seen_r > (long)(J_LOST_S * l->cand_rate[l->cand])) {
        /* J's pattern has stopped, and no J' came, yet the line is not quiet: the far modem's
         * S and TRN over it (both sides on one channel). J ended with its last pattern; what
         * follows is looked at afresh for an S. */
        sq_v34_end_stretch(d, sq_v34_time_of_r(l, l->j_seen_r + 1));
        sq_v34_look_again(l);
        sq_v34_look_back(l);   /* that S began under J's end */
        return;
    } else if (l->j_open && last16 == SQ_V34_J_PRIME && l->channel != 2) {
        /* J' is the call modem's alone (V.34 11.4, Figure 10): an answer modem's J fading into
         * silence through a narrow band once read as one */
        long jp_start = r + 1 - (long)(16 / bps);
        sq_v34_emit(d, SQ_EVENT_V34_J, sq_v34_time_of_r(l, l->j_start_r), sq_v34_time_of_r(l, jp_start), l->j_points);
        sq_v34_emit(d, SQ_EVENT_V34_J_PRIME, sq_v34_time_of_r(l, jp_start), sq_v34_time_of_r(l, r + 1), 0);
        l->j_open = 0;
        l->after_j = 1;
        sq_v34_start_trn_test(l, r + 1);
        return;
    }
    if (l->mp_ack_seen && b && l->ones + 1 >= SQ_V34_E_BITS) {
        sq_v34_close_mp(d);
        sq_v34_emit(d, SQ_EVENT_V34_E, sq_v34_time_of_r(l, r + 1 - (long)(SQ_V34_E_BITS / bps)), sq_v34_time_of_r(l, r + 1), l->points);
        l->data_from_s = sq_v34_time_of_r(l, r + 1);   /* B1, then data */
        sq_v34_data_start(l);   /* kept for its SNR (v34_data.c) */
        return;
    }
    if (!l->j_open)
        mp_bit(d, b, r);
    l->ones = b ? l->ones + 1 : 0;
}

/* An R not seen again for two of its periods (16 bits at 2 bits a symbol, 8 symbols) has ended. */
#define V32_R_GONE_SYMBOLS 16

/* V.32's rate sequences (5.3): R repeated (two alike with their sync bits make one), then E
 * with the rate chosen. The answerer's first is R1 and its second R3, the caller's R2. */
static void v32_bit_in(sq_decoder *d, int b, long r)
{
    sq_v34_lane *l = &d->v34;
    l->last_bits = (l->last_bits >> 1) | ((uint32_t)b << 31);
    l->bits_seen++;
    unsigned last16 = l->last_bits >> 16, before = l->last_bits & 0xFFFFu;
    if (l->bits_seen < 32)
        return;
    int kind = sq_v32_sequence_kind(last16);
    /* the R is no longer sent: a match of its 16 bits further on is chance, and E would
     * have come at once */
    int gone = l->mp_open && l->mp_ev.type == SQ_EVENT_V32_RATE && r - l->v32_last_r > V32_R_GONE_SYMBOLS;
    if (gone && l->renegotiating && !d->both_sides) {   /* R4 or R5 with no E after it: the data goes on */
        sq_v34_close_mp(d);
        sq_v34_look_again(l);
        return;
    }
    if (gone && d->both_sides) {
        if (l->mp_ev.info_kind == 1) {
            /* after R1 the answerer falls silent and the caller trains (V.32bis 5.3.2): with
             * both on one channel no quiet ends the answerer's stretch, so it ends here (read
             * from S to R1) and the lane looks for the caller's S */
            sq_v34_end_stretch(d, l->mp_ev.end_s);
            sq_v34_lane_arm_v32(d, 1);
        } else {
            /* R2 gives way to the answerer's S, TRN and R3 over it (it answers R2 so): from
             * here both modems send at once, E and data included, and what the lane would
             * read is the two mixed */
            sq_v34_close_mp(d);
            l->state = V34_IGNORE;
        }
        return;
    }
    if (l->mp_open && last16 == l->v32_last && !gone) {   /* the open R once more */
        l->mp_ev.end_s = sq_v34_time_of_r(l, r + 1);
        l->mp_ev.repeats++;
        l->v32_last_r = r;
        l->v32_last_bit = l->bits_seen;
    } else if (kind == 1 && last16 == before && (!l->mp_open || last16 != l->v32_last)) {
        if (l->renegotiating)   /* an R read after it: the preamble was a renegotiation's */
            sq_v32_name_preamble(d);
        sq_v34_close_mp(d);
        memset(&l->mp_ev, 0, sizeof l->mp_ev);
        l->mp_ev.type = SQ_EVENT_V32_RATE;
        l->mp_ev.fsk_channel = l->channel;
        l->mp_ev.level_dbm0 = sq_power_to_dbm0(l->level);
        l->mp_ev.symbol_rate = SQ_V32_SYMBOL_RATE;
        l->mp_ev.freq_hz = SQ_V32_CARRIER_HZ;
        l->mp_ev.start_s = sq_v34_time_of_r(l, r + 1 - 16);
        l->mp_ev.end_s = sq_v34_time_of_r(l, r + 1);
        l->mp_ev.repeats = 2;
        l->mp_ev.info_bits[0] = (uint8_t)(last16 & 0xFFu);
        l->mp_ev.info_bits[1] = (uint8_t)(last16 >> 8);
        l->v32_sequences++;
        /* R4 or R5 in a renegotiation (4: which of the two, one channel cannot tell) */
        l->mp_ev.info_kind = (uint8_t)(l->renegotiating ? 4 : l->channel == 1 ? 2 : l->v32_sequences > 1 ? 3 : 1);
        l->mp_ev.crc_ok = 1;
        l->mp_open = 1;
        l->v32_last = last16;
        l->v32_last_r = r;
        l->v32_last_bit = l->bits_seen;
    } else if (kind == 2 && l->mp_open && l->mp_ev.info_kind != 1 && !gone && !d->both_sides &&
               (l->bits_seen - l->v32_last_bit) % SQ_V32_RATE_BITS == 0) {
        /* E ends every rate signal but R1 (V.32bis 5.3.2): after R1 the answerer falls
         * silent, and the last bits of an R1 cut short that read as E are not one. E follows
         * a whole R: an R offering 4800 and 9600 (B5, B6) read from its B4 on, with E's B0-B3
         * after, has E's sync and marks too, 4 bits early (and names 14400 by E's B0) */
        sq_v34_close_mp(d);
        unsigned rates = sq_v32_rates_of_bits(last16);
        sq_event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = SQ_EVENT_V32_E;
        ev.fsk_channel = l->channel;
        ev.level_dbm0 = sq_power_to_dbm0(l->level);
        ev.symbol_rate = SQ_V32_SYMBOL_RATE;
        ev.freq_hz = SQ_V32_CARRIER_HZ;
        ev.start_s = sq_v34_time_of_r(l, r + 1 - 8);
        ev.end_s = sq_v34_time_of_r(l, r + 1);
        ev.rate = rates ? 2400 * (32 - __builtin_clz(rates)) : 0;   /* its one rate */
        ev.info_bits[0] = (uint8_t)(last16 & 0xFFu);
        ev.info_bits[1] = (uint8_t)(last16 >> 8);
        sq_event_pool_queue(&d->pool, &ev, -1);
        l->state = V34_DONE;
        int renegotiated = l->renegotiating;
        l->renegotiating = 0;
        if (renegotiated && !ev.rate) {   /* a cleardown (V.32bis 8, note 2): no data follows */
            l->cleardown_s = l->renegotiation_s;
            return;
        }
        sq_v34_watch_renegotiation(l);   /* from the data on (V.32bis 8.2) */
        l->data_from_s = ev.end_s;   /* B1, then data */
        l->data_snr_db = 0.0;
        /* the constellation E names (B8: trellis coding, V.32 Table 6; always at V.32bis's 9600) */
        l->data_points_n = sq_v32_data_points(ev.rate, (last16 >> 8) & 1u, l->data_points);
        if (l->data_points_n) {   /* measure it */
            l->state = V34_DECIDE;
            l->data_rate = ev.rate;
            l->data_mean_power = sq_v32_data_mean_power(ev.rate, (last16 >> 8) & 1u);
            l->data_snr_left = DATA_SCALE_SYMBOLS + DATA_SNR_SYMBOLS;
            l->data_err = l->data_power = 0.0;
            l->eq.loop_kp = DATA_LOOP_KP;   /* a line's phase jitter, followed */
            l->eq.loop_ki = DATA_LOOP_KI;
        }
    }
}

/* V.32 / V.32bis data (V.32bis 2.3): its points (src/proto/v32_constellations.h: the
 * 128-point cross at 14400 bit/s, mean power 82; the 64-point square at 12000, 42; 32 points
 * at 9600 with trellis coding, 16 at 7200 or V.32's uncoded 9600, the four states at 4800,
 * each 40) are in the terms of the synchronising states A, B, C, D at (-6, -2), (2, -6),
 * (6, 2), (-2, 6), which the lane trained on as (-1, -1), (1, -1), (1, 1), (-1, 1): a
 * decision times 4 - 2i is in the standard's terms. A modem sends its data at the power it
 * trained at (the Banksia call's 14400 bit/s: mean 41, A's 40), so the points are scaled to
 * the data's own mean power, measured over its first DATA_SCALE_SYMBOLS (B1, scrambled 1s at
 * the data rate); the next DATA_SNR_SYMBOLS are sliced to the nearest point (the trellis code
 * is not decoded: an error is the distance to the nearest point of the whole set), the
 * equaliser following them, and their SNR goes with the data event
 * (sq_v34_lane_data_snr_db). */

static void measure_data_symbol(sq_decoder *d, float complex z)
{
    sq_v34_lane *l = &d->v34;
    const float complex to_standard = CMPLXF(4.0f, -2.0f);
    float complex s = z * to_standard;
    double s2 = (double)crealf(s) * crealf(s) + (double)cimagf(s) * cimagf(s);
    l->data_snr_left--;
    if (l->data_snr_left >= DATA_SNR_SYMBOLS) {   /* B1: the data's mean power */
        /* nothing steers the carrier loop yet: left still, a carrier 1 Hz off would have
         * turned the points 38 degrees by the first decision, which then lose it */
        sq_v34_eq_coast(&l->eq);
        l->data_power += s2;
        if (l->data_snr_left == DATA_SNR_SYMBOLS && !(l->data_power > 0.0)) {
            l->data_snr_left = 0;   /* silence after E: nothing to measure */
            l->state = V34_DONE;
        } else if (l->data_snr_left == DATA_SNR_SYMBOLS) {
            l->data_scale = (float)sqrt(l->data_mean_power * DATA_SCALE_SYMBOLS / l->data_power);
            /* the decisions' mean power in the equaliser's terms (the standard's over |4 - 2i|^2) */
            l->eq.loop_power = l->data_mean_power / (20.0 * l->data_scale * l->data_scale);
        }
        return;
    }
    if (l->data_snr_left == DATA_SNR_SYMBOLS - 1)
        l->data_power = 0.0;
    float complex u = s * l->data_scale;
    float complex p = l->data_rate == 14400 || l->data_rate == 12000
                          ? sq_v32_nearest_odd_grid(u, l->data_rate == 14400)
                          : sq_v32_nearest_point(l->data_points, l->data_points_n, u);
    if (l->data_snr_left < DATA_SNR_SYMBOLS - DATA_SETTLE_SYMBOLS) {
        l->data_err += (double)(crealf(u - p) * crealf(u - p) + cimagf(u - p) * cimagf(u - p));
        l->data_power += (double)(crealf(p) * crealf(p) + cimagf(p) * cimagf(p));
    }
    if (!sq_v34_in_gap(l))
        sq_v34_eq_adapt(&l->eq, p / (l->data_scale * to_standard), MU_DATA);
    if (l->data_snr_left == 0) {
        l->data_snr_db = l->data_err > 0.0 ? 10.0 * log10(l->data_power / l->data_err) : 99.0;
        l->state = V34_DONE;
    }
}

static void v32_symbol_bits(sq_decoder *d, float complex decided, long r)
{
    int q1, q2;
    sq_v32_diff_decode(&d->v34.diff32, decided, &q1, &q2);
    v32_bit_in(d, q1, r);
    if (d->v34.state == V34_DECIDE)
        v32_bit_in(d, q2, r);
}

/* V.90 8.3.5 has SCR differentially coded, as CP is (analogue_bit finds that as a run of 1s
 * before CP's sync); the Conexant HCF analogue modem sends its phase 4 SCR, between CPt and
 * CP, as TRN is instead: each point's quarter-turns straight from two scrambled 1s (its
 * changes then descramble to 32 % 1s, and the 1.9 s went unnamed). So after CPt the
 * decisions are also descrambled so; a long run of symbols that give two 1s there is SCR,
 * reported as it ends. A wrong decision spoils three of the next 23 bits (the descrambler's
 * taps), so a run goes on through a few symbols that miss: it ends where more than
 * SCR_MAX_MISSES of its last 32 did (a quarter of other signals' symbols give two 1s).
 * No SNR is given for it: the lane's receiver, steered by its decisions since TRN, reads its
 * error 5-6 dB above what the fit to TRN gave on the same line (30.0 against 36.3 dB on that
 * call, 10.1 against 15.6 with noise added), a figure not comparable with TRN's. SCR in 16
 * points (Jd's bit 47 asks for it) is not looked for this way. */
#define SCR_MAX_MISSES 8

/* SCR's end: a run ends where the last 8 symbols in a row that gave two 1s end, or before it:
 * CP's first symbols give two 1s by chance one time in four each. Of those places, SCR ended
 * at the one after which CP's frame sync (17 1s and a 0: nine symbols) reads from the
 * descrambler as SCR left it and the differential decoder starting from SCR's last point
 * (the modem's scrambler and coder go on from SCR into CP); with none, at the first. */
#define SCR_SOLID 8
#define SCR_END_EARLIER 3

static int cp_sync_from(const sq_v34_lane *l, long e)
{
    sq_v34_diff diff = l->diff;
    int q, bits[4], at = 0;
    diff.scr = l->scr_as_trn_past[(e - 1) & 31];
    sq_v34_point_index(l->decided[(e - 1) & 31], &q, &diff.z);
    for (long k = e; k < e + 9; k++) {
        int nb = sq_v34_diff_decode(&diff, l->decided[k & 31], bits);
        for (int i = 0; i < nb; i++, at++)
            if (bits[i] != (at < SQ_V34_MP_SYNC_BITS))
                return 0;
    }
    return 1;
}

static long scr_end(const sq_v34_lane *l, long r)
{
    long solid_end = -1;
    for (long k = r - 1; k >= l->scr_as_trn_from_r + SCR_SOLID - 1 && k > r - 32 + SCR_SOLID && solid_end < 0; k--) {
        uint32_t window = ((1u << SCR_SOLID) - 1u) << (r - k);   /* symbols k - 7 ... k */
        if ((l->scr_as_trn_misses & window) == 0)
            solid_end = k + 1;
    }
    if (solid_end < 0)
        return l->scr_as_trn_last_r + 1;
    for (long e = solid_end; e >= solid_end - SCR_END_EARLIER; e--)
        if (e + 9 <= r && cp_sync_from(l, e))
            return e;
    return solid_end;
}

/* CP comes after SCR, its sequences read from SCR's end on (e): the differential decoder then
 * starts from SCR's last point, and the descrambler from the line bits SCR's points gave,
 * which the modem's scrambler holds as CP starts (fed those points' changes, it read CP's
 * first 23 bits wrong and lost CP's first copy). The symbols since are fewer than 32, still
 * in `decided`. */
static void read_cp_after_scr(sq_decoder *d, long e, long r)
{
    sq_v34_lane *l = &d->v34;
    int q;
    l->diff.scr = l->scr_as_trn_past[(e - 1) & 31];
    sq_v34_point_index(l->decided[(e - 1) & 31], &q, &l->diff.z);
    l->ones = 0;
    l->ja_collecting = 0;
    for (long k = e; k < r && l->state == V34_DECIDE; k++) {
        int bits[4];
        int nb = sq_v34_diff_decode(&l->diff, l->decided[k & 31], bits);
        for (int i = 0; i < nb && l->state == V34_DECIDE; i++)
            bit_in(d, bits[i], k);
    }
}

/* Takes decision r (not yet through the differential decoder). */
static void scr_as_trn(sq_decoder *d, float complex decided, long r)
{
    sq_v34_lane *l = &d->v34;
    int q, turns;
    sq_v34_point_index(decided, &q, &turns);
    int first = sq_v34_descramble(&l->scr_as_trn, turns & 1);
    int second = sq_v34_descramble(&l->scr_as_trn, turns >> 1);
    l->scr_as_trn_past[r & 31] = l->scr_as_trn;
    int hit = first && second;
    l->scr_as_trn_misses = (l->scr_as_trn_misses << 1) | (uint32_t)!hit;
    if (l->scr_as_trn_from_r < 0) {
        if (!hit)
            return;
        l->scr_as_trn_from_r = r;
        l->scr_as_trn_misses = 0;
    }
    if (hit) {
        l->scr_as_trn_last_r = r;
        return;
    }
    long held = r - l->scr_as_trn_from_r + 1;
    uint32_t in_run = held >= 32 ? 0xFFFFFFFFu : (1u << held) - 1u;
    if (__builtin_popcount(l->scr_as_trn_misses & in_run) <= SCR_MAX_MISSES)
        return;
    long end = scr_end(l, r);
    if (end - l->scr_as_trn_from_r >= SCR_AS_TRN_MIN_SYMBOLS && l->mp_open && l->mp_ev.type == SQ_EVENT_V90_CP) {
        sq_v34_close_mp(d);
        sq_v34_emit_with_snr(d, SQ_EVENT_V90_SCR, sq_v34_time_of_r(l, l->scr_as_trn_from_r), sq_v34_time_of_r(l, end), 4,
                             0.0);
        read_cp_after_scr(d, end, r);
    }
    l->scr_as_trn_from_r = -1;
}

/* Decisions from r_from on go through the differential decoder and the descrambler. */
void sq_v34_start_deciding(sq_decoder *d, long r_from, long r_now)
{
    sq_v34_start_deciding_replayed(d, r_from, r_now, NULL);
}

void sq_v34_start_deciding_replayed(sq_decoder *d, long r_from, long r_now, const float complex *replay)
{
    sq_v34_lane *l = &d->v34;
    if (replay)   /* the one before r_from starts the differential decoder; the rest go into the
                     ring as they are read */
        l->decided[(r_from - 1) & 31] = replay[0];
    sq_v34_refit_trn(l, r_from);
    if (!l->ref.unknown_after)   /* with no SCR, nothing was trained on before CPt */
        sq_v34_emit(d, sq_v34_trn_type(l), sq_v34_time_of_r(l, l->trn_start_r), sq_v34_time_of_r(l, r_from), l->ref.points);
    l->cp_seen = 0;
    sq_v34_scrambler_init(&l->scr_as_trn, l->ref.answer_poly);
    l->scr_as_trn_from_r = -1;
    /* phase 4: after SCR come S and S-bar, 144 symbols (V.90 9.3.2.10), then CPt; with no
     * SCR, CPt follows the S-bar the lane trained on */
    l->cpt_from_r = l->ref.unknown_after ? SQ_V34_S_BAR_SYMBOLS : l->v90_analogue && !l->ref.phase3 ? r_from + V90_S_SYMBOLS : -1;
    l->points = l->ref.phase3 ? 4 : l->ref.points;
    l->state = V34_DECIDE;
    l->idle_symbols = 0;
    l->ones = 0;
    l->n_syncs = 0;   /* copies are read together only within one reading of decisions */
    l->read_since_sync = 0;
    l->vote_from = l->vote_n;
    l->mp_collecting = 0;
    l->ja_collecting = 0;
    l->decide_from_r = r_from;
    l->bits_seen = 0;
    if (l->v32) {
        sq_v32_diff_init(&l->diff32, l->ref.answer_poly, l->decided[(r_from - 1) & 31]);
        for (long r = r_from; r <= r_now && l->state == V34_DECIDE; r++) {
            if (replay)
                l->decided[r & 31] = replay[r - (r_from - 1)];
            v32_symbol_bits(d, l->decided[r & 31], r);
        }
        return;
    }
    sq_v34_diff_init(&l->diff, l->ref.answer_poly, l->points, l->decided[(r_from - 1) & 31]);
    for (long r = r_from; r <= r_now && l->state == V34_DECIDE; r++) {
        int bits[4];
        if (replay)
            l->decided[r & 31] = replay[r - (r_from - 1)];
        int nb = sq_v34_diff_decode(&l->diff, l->decided[r & 31], bits);
        for (int i = 0; i < nb && l->state == V34_DECIDE; i++)
            bit_in(d, bits[i], r);
    }
}

void sq_v34_decide_symbol(sq_decoder *d, float complex z, long r)
{
    sq_v34_lane *l = &d->v34;
    if (l->data_snr_left > 0) {
        measure_data_symbol(d, z);
        return;
    }
    /* V.34's modulation, not its sequences (a V.90 analogue modem's CP, say); a Ja being
     * read goes on, its descriptor can last a third of a second */
    double give_up_s = l->v90_analogue ? ANALOGUE_GIVE_UP : DECIDE_GIVE_UP;
    if (l->v90_analogue && l->ref.phase3 && l->mp_open && r - l->ja_end_r > (long)(give_up_s * l->cand_rate[l->cand])) {
        /* Ja has stopped (the analogue modem heard Sd): what follows is silence, or the far
         * modem's echo, until its phase 4 */
        sq_v34_close_mp(d);
        l->state = V34_IGNORE;
        return;
    }
    if (!l->j_open && !l->mp_open && !l->ja_collecting && ++l->idle_symbols > (long)(give_up_s * l->cand_rate[l->cand])) {
        if (l->v32 && l->renegotiating)
            sq_v34_look_again(l);   /* no R after the preamble: the data goes on */
        else
            l->state = V34_IGNORE;
        return;
    }
    float complex dec = sq_v34_decide(z, l->points);
    l->decided[r & 31] = dec;
    if (!sq_v34_in_gap(l))
        sq_v34_eq_adapt(&l->eq, dec, MU_TRACK);
    else
        l->gap_r = r;
    if (l->v32) {
        v32_symbol_bits(d, dec, r);
        return;
    }
    if (l->v90_analogue && !l->ref.phase3 && l->points == 4)
        scr_as_trn(d, dec, r);
    if (l->state != V34_DECIDE)
        return;
    int bits[4];
    int nb = sq_v34_diff_decode(&l->diff, dec, bits);
    int ones = 0;
    for (int i = 0; i < nb && l->state == V34_DECIDE; i++) {
        bit_in(d, bits[i], r);
        ones += bits[i];
    }
    /* TRN's scrambled 1s still coming (its end was taken early, at a burst of misses: a
     * packet lost and filled with a copy of the last one): the modem is still training */
    if (nb > 0 && ones == nb)
        l->idle_symbols = 0;
}

