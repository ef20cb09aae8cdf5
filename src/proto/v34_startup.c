/* A modem's V.34 phases 3 and 4 as symbols, and modulated (src/proto/v34_startup.h,
 * squeal/v34_info.h; V.34 11.3.1, 11.4.1). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/cmplx.h"
#include "dsp/v34.h"
#include "squeal/error.h"
#include "squeal/time_base.h"
#include "src/proto/v34_startup.h"
#include "squeal/v90.h"

/* ---- a whole start-up, for gen and tests ---- */

typedef struct symbol_sink {
    float complex *out;
    size_t max, n;
    float scale16;                   /* for 16-point symbols */
} symbol_sink;

static void put_symbol(symbol_sink *k, float complex z)
{
    if (k->n < k->max)
        k->out[k->n] = z;
    k->n++;
}

/* The last symbol's quarter-turns start the differential coder: its point, unscaled. */
static float complex last_symbol(const symbol_sink *k, int points)
{
    if (!k->n || k->n > k->max)
        return CMPLXF(1.0f, 1.0f);
    return k->out[k->n - 1] / (points == 16 ? k->scale16 : 1.0f);
}

static void put_trn(symbol_sink *k, int answer_modem, int points, int count)
{
    sq_v34_trn trn;
    sq_v34_trn_init(&trn, answer_modem, points);
    for (int i = 0; i < count; i++)
        put_symbol(k, sq_v34_trn_next(&trn) * (points == 16 ? k->scale16 : 1.0f));
}

/* bits through the differential coder, whole symbols (the last padded with 1s) */
static void put_bits(symbol_sink *k, sq_v34_diff *d, const uint8_t *bits, size_t n)
{
    int per = d->points == 16 ? 4 : 2;
    for (size_t i = 0; i < n; i += (size_t)per) {
        int b[4];
        for (int j = 0; j < per; j++)
            b[j] = i + (size_t)j < n ? bits[i + (size_t)j] : 1;
        put_symbol(k, sq_v34_diff_encode(d, b) * (d->points == 16 ? k->scale16 : 1.0f));
    }
}

static void put_pattern(symbol_sink *k, sq_v34_diff *d, unsigned pattern)
{
    uint8_t bits[SQ_V34_J_BITS];
    for (int i = 0; i < SQ_V34_J_BITS; i++)
        bits[i] = (uint8_t)((pattern >> i) & 1u);
    put_bits(k, d, bits, SQ_V34_J_BITS);
}

/* V.90 9.4.2.2's SCR after CPt: scrambled 1s, the scrambler and the differential coder going
 * on from CPt into CP. 8.3.5 codes them differentially; sent as TRN is (a modem that does:
 * the Conexant HCF's call), each point's quarter-turns are two scrambled 1s as they come. */
static void put_scr_after_cpt(symbol_sink *k, sq_v34_diff *d, const sq_v34_startup *p)
{
    static const int ONES[4] = { 1, 1, 1, 1 };
    for (int i = 0; i < p->scr_after_cpt_symbols && p->scr_after_cpt; i++) {
        if (p->scr_after_cpt == 2) {
            put_symbol(k, sq_v34_diff_encode(d, ONES));
            continue;
        }
        int first = sq_v34_scramble(&d->scr, 1), second = sq_v34_scramble(&d->scr, 1);
        d->z = 2 * second + first;
        put_symbol(k, sq_v34_point(0, d->z));
    }
}

static void put_s_and_s_bar(symbol_sink *k)
{
    for (long r = -SQ_V34_S_SYMBOLS; r < SQ_V34_S_BAR_SYMBOLS; r++)
        put_symbol(k, sq_v34_s_symbol(r));
}

/* TRN in `points`, MP (or V.90's CPs) with `offer` in it, E, then the data's stand-in; for
 * a cleardown, nothing after MP' (or CP'). */
static void put_trn_to_data(symbol_sink *k, const sq_v34_startup *p, int points, const sq_v34_mp *offer,
                            int cleardown)
{
    put_trn(k, p->answer_modem, points, p->trn_symbols);
    sq_v34_diff d;
    sq_v34_diff_init(&d, p->answer_modem, points, last_symbol(k, points));
    uint8_t bits[SQ_V34_MP1_BITS];
    sq_v34_mp mp = *offer;
    for (int ack = 0; ack < 2 && !p->cp_bits[0]; ack++) {
        mp.acknowledge = (uint8_t)ack;
        size_t n = sq_v34_mp_to_bits(&mp, bits);
        for (int r = 0; r < (ack ? p->mp_ack_repeats : p->mp_repeats); r++)
            put_bits(k, &d, bits, n);
    }
    for (int c = p->cp_first; c < 3 && p->cp_bits[0]; c++) {   /* V.90 9.4.2: CPt, CP, CP' (after SCR) */
        for (int r = 0; r < p->cp_repeats[c]; r++)
            put_bits(k, &d, p->cp_bits[c], p->cp_len[c]);
        if (c == 0)
            put_scr_after_cpt(k, &d, p);
    }
    if (cleardown)
        return;
    uint8_t ones[SQ_V34_E_BITS];
    memset(ones, 1, sizeof ones);
    put_bits(k, &d, ones, SQ_V34_E_BITS);
    put_trn(k, p->answer_modem, 16, p->tail_symbols);
}

/* Phase 4 from TRN on; then, with renegotiate SQ_V34_RENEGOTIATE, a rate renegotiation out of
 * the data (11.6.1): S, S-bar, 4-point TRN, MP and MP' with the new rates, E, data again; or,
 * with SQ_V34_CLEAR_DOWN, a cleardown (11.7.1.1): S, S-bar, MP and MP' asking 0 bit/s both ways.
 * A V.90 analogue modem's (9.6.2.1, 9.7): S, S-bar, SCR as its phase 4 had it, CP and CP' (no
 * CPt), then E and data, or nothing after a cleardown's. */
static void put_phase4_tail(symbol_sink *k, const sq_v34_startup *p)
{
    put_trn_to_data(k, p, p->phase4_points, &p->mp, 0);
    if (p->renegotiate == SQ_V34_OUT_OF_DATA_NONE)
        return;
    put_trn(k, p->answer_modem, 16, p->renegotiate_after_symbols);
    put_s_and_s_bar(k);
    int cleardown = p->renegotiate == SQ_V34_CLEAR_DOWN;
    if (p->cp_bits[0]) {
        sq_v34_startup r = *p;
        r.cp_first = 1;
        for (int c = 0; c < 2; c++) {
            r.cp_bits[1 + c] = p->renegotiate_cp_bits[c];
            r.cp_len[1 + c] = p->renegotiate_cp_len[c];
        }
        put_trn_to_data(k, &r, 4, &p->mp, cleardown);   /* after its SCR, if phase 4 had one */
        return;
    }
    sq_v34_startup r = *p;
    if (cleardown)   /* the reply's shape: MP straight after S-bar (11.7.2.1) */
        r.trn_symbols = 0;
    put_trn_to_data(k, &r, 4, &p->renegotiate_mp, cleardown);
}

size_t sq_v34_startup_symbols(const sq_v34_startup *p, float complex *out, size_t max)
{
    symbol_sink k = { out, max, 0, p->same_power ? (float)sqrt(2.0 / 10.0) : 1.0f };
    put_s_and_s_bar(&k);
    if (!p->phase3) {
        put_phase4_tail(&k, p);
        return k.n;
    }
    if (p->md_symbols) {   /* its content is the maker's: stand-in, 4-point noise */
        put_trn(&k, !p->answer_modem, 4, p->md_symbols);
        put_s_and_s_bar(&k);
    }
    for (int i = 0; i < SQ_V34_PP_SYMBOLS; i++)
        put_symbol(&k, sq_v34_pp_symbol(i));
    put_trn(&k, p->answer_modem, 4, p->trn_symbols);
    sq_v34_diff d;
    sq_v34_diff_init(&d, p->answer_modem, 4, last_symbol(&k, 4));
    if (p->ja_bits) {   /* V.90 8.3.1: Ja as J is sent (10.1.3.3), after TRN */
        for (int i = 0; i < p->ja_repeats; i++)
            put_bits(&k, &d, p->ja_bits, p->ja_len);
        return k.n;
    }
    for (int i = 0; i < p->j_repeats; i++)
        put_pattern(&k, &d, p->j_points == 16 ? SQ_V34_J16 : SQ_V34_J4);
    if (p->j_prime) {
        put_pattern(&k, &d, SQ_V34_J_PRIME);
        put_phase4_tail(&k, p);
    }
    return k.n;
}

/* ---- modulated (squeal/v34_info.h) ---- */

#define DATA_S 0.2
#define RENEGOTIATE_AFTER_S 1.0   /* data before a rate renegotiation */
#define ANSWER_GAP_S 0.4
#define TRN_SYMBOLS 640
#define JA_S 0.4
#define DIL_WAIT_S 0.5
#define SCR_SYMBOLS 960
#define SCR_AFTER_CPT_SYMBOLS 1600   /* half a second at 3200 */

void sq_v34_startup_default_params(sq_v34_startup_params *p)
{
    memset(p, 0, sizeof *p);
    p->symbol_rate = 3200.0;
    p->high_carrier = 1;
    p->points = p->j_points = 16;
    p->mp.rate_call_to_answer = p->mp.rate_answer_to_call = 12;
    p->mp.rate_mask = 0x0FFF;
    p->mp.asymmetric = 1;
    p->level_dbm0 = -13.0;
}

/* Symbols on the line from sample `at`: writes what falls below max; returns the end. */
static size_t modulate_symbols(double rate, double carrier, double level, const float complex *sym, size_t n,
                               float *out, size_t max, size_t at)
{
    sq_v34_tx *tx;
    if (sq_v34_tx_create(rate, carrier, level, &tx) != SQ_OK)
        return 0;
    float chunk[256];
    for (size_t i = 0; i <= n; i++) {
        size_t got;
        if (i < n)
            sq_v34_tx_symbol(tx, sym[i]);
        while ((got = i < n ? sq_v34_tx_read(tx, chunk, 256) : sq_v34_tx_flush(tx, chunk, 256)) > 0) {
            for (size_t k = 0; k < got; k++, at++)
                if (at < max)
                    out[at] = chunk[k];
        }
    }
    sq_v34_tx_destroy(tx);
    return at;
}

static size_t quiet(float *out, size_t max, size_t at, double seconds)
{
    size_t end = at + (size_t)lround(seconds * SQ_PROCESSING_RATE_HZ);
    for (; at < end; at++)
        if (at < max)
            out[at] = 0.0f;
    return end;
}

static size_t part(const sq_v34_startup *s, double rate, double carrier, double level, float *out, size_t max,
                   size_t at)
{
    size_t n = sq_v34_startup_symbols(s, NULL, 0);
    float complex *sym = malloc((n ? n : 1) * sizeof *sym);
    if (!sym)
        return 0;
    sq_v34_startup_symbols(s, sym, n);
    size_t end = modulate_symbols(rate, carrier, level, sym, n, out, max, at);
    free(sym);
    return end;
}

/* A V.90 analogue modem's phase 4 after its phase 3 in s: S, S-bar, SCR (4-point TRN with
 * GPA; none when scr is 0), CPt x3, SCR again when after_cpt is 1 or 2 (put_scr_after_cpt),
 * CP x2, CP' x2, E, then data; the three sequences' bits into room (3 *
 * SQ_V90_CP_MAX_BITS). 0 when the CP cannot be sent. */
static int phase4_cp(sq_v34_startup *s, const sq_v90_cp *cp, int scr, int after_cpt, uint8_t *room)
{
    static const int REPEATS[3] = { 3, 2, 2 };
    for (int c = 0; c < 3; c++) {
        sq_v90_cp v = *cp;
        v.training = c == 0;
        v.acknowledge = c == 2;
        if (v.training)   /* phase 4's training rate, not data's */
            v.drn = SQ_V90_GEN_CPT_DRN;
        s->cp_bits[c] = room + (size_t)c * SQ_V90_CP_MAX_BITS;
        s->cp_len[c] = sq_v90_cp_to_bits(&v, room + (size_t)c * SQ_V90_CP_MAX_BITS);
        s->cp_repeats[c] = REPEATS[c];
        if (!s->cp_len[c])
            return 0;
    }
    s->phase3 = 0;
    s->ja_bits = NULL;
    s->phase4_points = 4;
    s->trn_symbols = scr ? SCR_SYMBOLS : 0;
    s->scr_after_cpt = after_cpt;
    s->scr_after_cpt_symbols = SCR_AFTER_CPT_SYMBOLS;
    return 1;
}

#define V90_MAX_DRN 22   /* 56000 bit/s (V.90 Table 14) */

/* The drn of cp's layout whose downstream rate is bps; -1 when none is. */
static int v90_drn_of(const sq_v90_cp *cp, int bps)
{
    sq_v90_cp v = *cp;
    for (v.drn = 1; v.drn <= V90_MAX_DRN; v.drn++)
        if (sq_v90_cp_rate_bps(&v) == bps)
            return v.drn;
    return -1;
}

/* A V.90 analogue modem's renegotiation CP and CP' (V.90 9.6.2.1.3): p's CP asking
 * renegotiate_bps downstream, or drn 0 for a cleardown (9.7); their bits into room (2 *
 * SQ_V90_CP_MAX_BITS). 1 when there is none to send or they can be sent. */
static int renegotiation_cp(sq_v34_startup *s, const sq_v34_startup_params *p, uint8_t *room)
{
    if (!p->renegotiate_bps)
        return 1;
    for (int c = 0; c < 2; c++) {
        sq_v90_cp v = *p->v90_cp;
        v.training = 0;
        v.acknowledge = c == 1;
        v.drn = p->renegotiate_bps == SQ_V34_CLEARDOWN ? 0 : v90_drn_of(p->v90_cp, p->renegotiate_bps);
        s->renegotiate_cp_bits[c] = room + (size_t)c * SQ_V90_CP_MAX_BITS;
        s->renegotiate_cp_len[c] = sq_v90_cp_to_bits(&v, room + (size_t)c * SQ_V90_CP_MAX_BITS);
        if (!s->renegotiate_cp_len[c])
            return 0;
    }
    return 1;
}

size_t sq_v34_startup_modulate(const sq_v34_startup_params *p, float *out, size_t max)
{
    int code = sq_v34_symbol_rate_code(p->symbol_rate);
    if (code < 0 || (p->points != 4 && p->points != 16) || (p->j_points != 4 && p->j_points != 16) ||
        !(p->level_dbm0 >= -60.0 && p->level_dbm0 <= 3.0))
        return 0;
    if (!out)
        max = 0;
    double rate = sq_v34_symbol_rate(code), carrier = sq_v34_carrier_hz(code, p->high_carrier);
    sq_v34_startup s = { .answer_modem = p->answer_modem ? 1 : 0, .phase3 = 1, .trn_symbols = TRN_SYMBOLS,
                         .j_points = p->j_points, .j_repeats = (int)(0.1 * rate / 8), .j_prime = !p->answer_modem,
                         .phase4_points = p->points, .mp_repeats = 8, .mp_ack_repeats = 4, .mp = p->mp,
                         .tail_symbols = (int)(DATA_S * rate), .same_power = 1 };
    if (p->renegotiate_bps) {
        int cleardown = p->renegotiate_bps == SQ_V34_CLEARDOWN;
        int steps = cleardown ? 0 : p->renegotiate_bps / 2400;
        if (p->v90_ja ? !p->v90_cp || (!cleardown && v90_drn_of(p->v90_cp, p->renegotiate_bps) < 0)
                      : !cleardown && (steps < 1 || steps > 14 || steps * 2400 != p->renegotiate_bps))
            return 0;
        s.renegotiate = cleardown ? SQ_V34_CLEAR_DOWN : SQ_V34_RENEGOTIATE;
        s.renegotiate_after_symbols = (int)(RENEGOTIATE_AFTER_S * rate);
        s.renegotiate_mp = p->mp;
        s.renegotiate_mp.rate_call_to_answer = s.renegotiate_mp.rate_answer_to_call = (uint8_t)steps;
        if (!cleardown)
            s.renegotiate_mp.rate_mask = (uint16_t)((1u << steps) - 1u);
    }
    if (p->v90_ja) {   /* a V.90 analogue modem: GPA, Ja where J would be, no phase 4 here */
        uint8_t *ja = malloc(SQ_V90_JA_MAX_BITS + 5 * SQ_V90_CP_MAX_BITS);
        size_t len = ja ? sq_v90_ja_to_bits(p->v90_ja, ja) : 0;
        size_t at = 0;
        if (len) {
            s.answer_modem = 1;
            s.j_prime = 0;
            s.ja_bits = ja;
            s.ja_len = len;
            s.ja_repeats = (int)ceil(JA_S * rate * 2.0 / (double)len);
            s.ja_repeats = s.ja_repeats < 2 ? 2 : s.ja_repeats;
            at = part(&s, rate, carrier, p->level_dbm0, out, max, 0);
        }
        if (at && p->v90_cp && phase4_cp(&s, p->v90_cp, !p->v90_no_scr, p->v90_scr_after_cpt, ja + SQ_V90_JA_MAX_BITS) &&
            renegotiation_cp(&s, p, ja + SQ_V90_JA_MAX_BITS + 3 * SQ_V90_CP_MAX_BITS)) {
            at = quiet(out, max, at, DIL_WAIT_S);
            at = part(&s, rate, carrier, p->level_dbm0, out, max, at);
        } else if (p->v90_cp) {
            at = 0;
        }
        free(ja);
        return at;
    }
    size_t at = part(&s, rate, carrier, p->level_dbm0, out, max, 0);
    if (p->answer_modem && at) {
        at = quiet(out, max, at, ANSWER_GAP_S);
        s.phase3 = 0;
        at = part(&s, rate, carrier, p->level_dbm0, out, max, at);
    }
    return at;
}
