/* squeal gen v34_startup: one modem's V.34 phases 3 and 4 after its INFO1 (so that decode,
 * which listens for them after a modem's INFO1, reads them back); v90_startup the same for a
 * V.90 digital modem after its INFO0d and INFO1. The caller sends INFO1c, the
 * answerer INFO1a naming the symbol rates; 70 ms later phase 3 starts (V.34 11.3.1). --set
 * picks symbol_rate, high_carrier, points (phase 4's constellation), j_points (what its J
 * asks of the far end) and max_rate_bps (the MP's rates, both ways, and the top of its mask);
 * renegotiate_bps adds a rate renegotiation 1 s into the data, its MP offering that (cleardown
 * 1 a cleardown there instead).
 * --set v90_ja=1 makes it a V.90 analogue modem's phase 3 instead, after an INFO1a naming
 * 8000 symbols/s downstream (V.90 Table 10): its TRN, then Ja asking for dil_segments segments
 * of dil_segment_symbols each (V.90 8.3.1, 8.4.1); with downstream_bps, its phase 4 too: SCR
 * (not with v90_scr=0), CPt, CP and CP' asking for that rate (V.90 8.5.2, 9.4.2), and E; then,
 * with renegotiate_bps (a V.90 rate) or cleardown, its rate renegotiation or cleardown 1 s into
 * the data (9.6.2.1, 9.7): S, S-bar, SCR as its phase 4's, CP and CP' asking that rate (0 for
 * cleardown), and E and data again after a renegotiation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "src/cli/gen_signals.h"

#define PHASE3_SILENCE_S 0.07

#define JA_UINFO 76   /* INFO1a's UINFO: the digital modem's TRN1d codeword */

/* A DIL descriptor for gen: every Uchord's segments the same length, a sign pattern that
 * alternates, a training pattern with a reference symbol in five, training Ucodes stepping
 * down from 100. */
static void ja_descriptor(int segments, int segment_symbols, sq_v90_dil_descriptor *ja)
{
    memset(ja, 0, sizeof *ja);
    ja->segments = segments;
    ja->sp_length = ja->tp_length = segment_symbols < 128 ? segment_symbols : 128;
    for (int i = 0; i < ja->sp_length; i++) {
        ja->sp[i / 8] |= (uint8_t)((i & 1) << (i % 8));
        ja->tp[i / 8] |= (uint8_t)((i % 5 != 0) << (i % 8));
    }
    for (int c = 0; c < 8; c++) {
        ja->h[c] = (uint8_t)(segment_symbols / 6 - 1);
        ja->ref[c] = (uint8_t)(16 * c);
    }
    for (int s = 0; s < segments; s++)
        ja->ucode[s] = (uint8_t)(100 - s % 90);
}

/* The CP gen's V.90 analogue modem sends (CPt with `training`), and the one its digital
 * modem trains on: downstream drn, every upstream rate to 31200, mu-law, four constellations,
 * sign_bits of each frame's six spent on spectral shaping, looking ahead lookahead frames. */
static void v90_cp(int drn, int sign_bits, int lookahead, int training, sq_v90_cp *cp)
{
    memset(cp, 0, sizeof *cp);
    cp->training = training;
    cp->drn = training ? SQ_V90_GEN_CPT_DRN : drn;
    cp->upstream_mask = 0x0FFF;
    cp->constellations = 4;
    cp->sign_bits = sign_bits;
    cp->lookahead = lookahead;
}

/* A V.90 rate setting (28000..56000 bit/s, (drn + 20) * 8000 / 6) as its drn, 0 if not one. */
static int v90_drn(double bps)
{
    long steps = lround(bps * 6.0 / 8000.0);
    return steps >= 21 && steps <= 42 && fabs(bps - floor(steps * 8000.0 / 6.0)) < 1.0 ? (int)steps - 20 : 0;
}

/* --set values into the start-up's parameters; an exit code */
static int read_sets(const gen_opts *o, sq_v34_startup_params *p, sq_v90_dil_descriptor *ja, sq_v90_cp *cp)
{
    double max_rate = 2400.0 * p->mp.rate_call_to_answer;
    int v90 = 0, segments = 8, segment_symbols = 66, drn = 0, scr = 1, sign_bits = 0, lookahead = 0;
    for (size_t i = 0; i < o->n_sets; i++) {
        const char *n = o->set_names[i];
        double v = o->set_values[i];
        if (strcmp(n, "v90_ja") == 0 && (v == 0.0 || v == 1.0))
            v90 = (int)v;
        else if (strcmp(n, "dil_segments") == 0 && v >= 0.0 && v <= 255.0 && v == floor(v))
            segments = (int)v;
        else if (strcmp(n, "dil_segment_symbols") == 0 && v >= 6.0 && v <= 768.0 && fmod(v, 6.0) == 0.0)
            segment_symbols = (int)v;
        else if (strcmp(n, "v90_scr") == 0 && (v == 0.0 || v == 1.0))
            scr = (int)v;
        else if (strcmp(n, "v90_scr_after_cpt") == 0 && (v == 0.0 || v == 1.0 || v == 2.0))
            p->v90_scr_after_cpt = (int)v;
        else if (strcmp(n, "downstream_bps") == 0 && v90_drn(v))
            drn = v90_drn(v);
        else if (strcmp(n, "v90_sign_bits") == 0 && v >= 0.0 && v <= 3.0 && v == floor(v))
            sign_bits = (int)v;
        else if (strcmp(n, "v90_lookahead") == 0 && v >= 0.0 && v <= 3.0 && v == floor(v))
            lookahead = (int)v;
        else if (strcmp(n, "symbol_rate") == 0)
            p->symbol_rate = v;
        else if (strcmp(n, "high_carrier") == 0 && (v == 0.0 || v == 1.0))
            p->high_carrier = (int)v;
        else if (strcmp(n, "points") == 0 && (v == 4.0 || v == 16.0))
            p->points = (int)v;
        else if (strcmp(n, "j_points") == 0 && (v == 4.0 || v == 16.0))
            p->j_points = (int)v;
        else if (strcmp(n, "max_rate_bps") == 0 && v >= 2400.0 && v <= 33600.0 && fmod(v, 2400.0) == 0.0)
            max_rate = v;
        else if (strcmp(n, "renegotiate_bps") == 0 &&
                 ((v >= 2400.0 && v <= 33600.0 && fmod(v, 2400.0) == 0.0) || v90_drn(v)))
            p->renegotiate_bps = (int)v;   /* which of the two, told below */
        else if (strcmp(n, "cleardown") == 0 && (v == 0.0 || v == 1.0))
            p->renegotiate_bps = v == 1.0 ? SQ_V34_CLEARDOWN : 0;
        else {
            cli_error("gen", "v34_startup has no setting '%s' that can be %g (symbol_rate, high_carrier 0|1, "
                      "points 4|16, j_points 4|16, max_rate_bps and renegotiate_bps multiples of 2400 up to 33600 "
                      "(renegotiate_bps with v90_ja a V.90 rate), cleardown 0|1, v90_ja 0|1, "
                      "dil_segments 0..255, dil_segment_symbols a multiple of 6 up to 768, downstream_bps a V.90 "
                      "rate 28000..56000, v90_scr 0|1, v90_scr_after_cpt 0|1|2, v90_sign_bits 0..3, "
                      "v90_lookahead 0..3)", n, v);
            return EXIT_USAGE;
        }
    }
    if (v90) {
        ja_descriptor(segments, segment_symbols, ja);
        p->v90_ja = ja;
    }
    if (v90 && p->renegotiate_bps && !drn) {
        cli_error("gen", "v34_startup: a V.90 analogue modem renegotiates or clears down out of its data: it needs "
                  "--set downstream_bps (its phase 4)");
        return EXIT_USAGE;
    }
    int reneg = p->renegotiate_bps;
    if (reneg > 0 && (v90 ? !v90_drn(reneg) : reneg > 33600 || reneg % 2400)) {
        cli_error("gen", v90 ? "v34_startup: a V.90 analogue modem's renegotiate_bps is the downstream rate its CP asks "
                               "for, a V.90 rate 28000..56000, not %d"
                             : "v34_startup: a V.34 modem's renegotiate_bps is a multiple of 2400 up to 33600, not %d",
                  reneg);
        return EXIT_USAGE;
    }
    if (drn && !v90) {
        cli_error("gen", "v34_startup: downstream_bps is a V.90 analogue modem's: it needs --set v90_ja=1");
        return EXIT_USAGE;
    }
    if (drn) {
        v90_cp(drn, sign_bits, lookahead, 0, cp);
        p->v90_cp = cp;
        p->v90_no_scr = !scr;
    }
    int steps = (int)(max_rate / 2400.0);
    p->mp.rate_call_to_answer = p->mp.rate_answer_to_call = (uint8_t)steps;
    p->mp.rate_mask = (uint16_t)((1u << steps) - 1u);
    return EXIT_OK;
}

int gen_v34_startup_build(const gen_opts *o, sample_buf *b, double *ref_level, int *rc)
{
    if (strcmp(o->signal, "v34_startup") != 0)
        return 0;
    *ref_level = isnan(o->level) ? -13.0 : o->level;
    sq_v34_startup_params p;
    sq_v34_startup_default_params(&p);
    p.answer_modem = strcmp(o->role, "answerer") == 0;
    p.level_dbm0 = *ref_level;
    sq_v90_dil_descriptor ja;
    sq_v90_cp cp;
    if ((*rc = read_sets(o, &p, &ja, &cp)) != EXIT_OK)
        return 1;
    size_t n = sq_v34_startup_modulate(&p, NULL, 0);
    if (n == 0) {
        cli_error("gen", "v34_startup: %g is not a V.34 symbol rate (2400, 2743, 2800, 3000, 3200, 3429)", p.symbol_rate);
        *rc = EXIT_USAGE;
        return 1;
    }
    /* its INFO1 first: the answerer's names the symbol rate both ways; a V.90 analogue
     * modem's INFO1a its upstream one and 8000 downstream */
    const char *names[] = { "symbol_rate_answer_to_call", "symbol_rate_call_to_answer" };
    const double values[] = { round(p.symbol_rate), round(p.symbol_rate) };
    const char *v90_names[] = { "u_info", "symbol_rate_upstream", "symbol_rate_downstream" };
    const double v90_values[] = { JA_UINFO, round(p.symbol_rate), 8000.0 };
    if (p.v90_ja)
        *rc = gen_v34_info_frame(o, SQ_INFO1A, v90_names, v90_values, 3, 0.0, b);
    else
        *rc = gen_v34_info_frame(o, p.answer_modem ? SQ_INFO1A : SQ_INFO1C, names, values, p.answer_modem ? 2 : 0, 0.0, b);
    if (*rc != EXIT_OK)
        return 1;
    if (gen_append_silence(b, PHASE3_SILENCE_S) != 0 || sample_buf_grow(b, n) != 0) {
        *rc = EXIT_RUNTIME;
        return 1;
    }
    b->n += sq_v34_startup_modulate(&p, b->x + b->n, n);
    *rc = gen_append_silence(b, 0.1) == 0 ? EXIT_OK : EXIT_RUNTIME;
    return 1;
}

#define V90_INFO_GAP_S 0.3     /* between INFO0d and INFO1 (tone B and probing in a real call) */
#define V90_PHASE3_WAIT_S 0.8  /* the analogue modem's S, PP and TRN come first (V.90 Fig. 5) */

int gen_v90_startup_build(const gen_opts *o, sample_buf *b, double *ref_level, int *rc)
{
    if (strcmp(o->signal, "v90_startup") != 0)
        return 0;
    sq_v90_startup_params p;
    sq_v90_startup_default_params(&p);
    int drn = 0, sign_bits = 0, lookahead = 0, shaped = 0, cleardown = 0, reneg[SQ_V90_MAX_RENEGOTIATIONS];
    size_t n_reneg = 0;
    double renegotiate_trn2d_s = 0.5;
    for (size_t i = 0; i < o->n_sets; i++) {
        const char *n = o->set_names[i];
        double v = o->set_values[i];
        if (strcmp(n, "renegotiate_bps") == 0 && v >= 4800 && v <= 33600 && fmod(v, 2400.0) == 0.0 &&
            n_reneg + 1 < SQ_V90_MAX_RENEGOTIATIONS)   /* room left for a cleardown after */
            reneg[n_reneg++] = (int)v;
        else if (strcmp(n, "cleardown") == 0 && (v == 0.0 || v == 1.0))
            cleardown = v == 1.0;
        else if (strcmp(n, "renegotiate_trn2d_s") == 0 && (v == 0.0 || (v >= 0.1 && v <= 2.0)))
            renegotiate_trn2d_s = v;
        else if (strcmp(n, "u_info") == 0 && v >= 1 && v <= 110 && v == floor(v))
            p.u_info = (int)v;
        else if (strcmp(n, "dil_segments") == 0 && v >= 0 && v <= 255 && v == floor(v))
            p.dil_segments = (int)v;
        else if (strcmp(n, "downstream_bps") == 0 && v90_drn(v))
            drn = v90_drn(v);
        else if (strcmp(n, "v90_sign_bits") == 0 && v >= 0.0 && v <= 3.0 && v == floor(v))
            sign_bits = (int)v, shaped = 1;
        else if (strcmp(n, "v90_lookahead") == 0 && v >= 0.0 && v <= 3.0 && v == floor(v))
            lookahead = (int)v, shaped = 1;
        else if (strcmp(n, "max_upstream_bps") == 0 && v >= 4800 && v <= 33600 && fmod(v, 2400.0) == 0.0)
            p.mp_max_upstream_bps = (int)v, shaped = 1;
        else {
            cli_error("gen", "v90_startup has no setting '%s' that can be %g (u_info 1..110, dil_segments 0..255, "
                      "downstream_bps a V.90 rate 28000..56000, v90_sign_bits 0..3, v90_lookahead 0..3, "
                      "max_upstream_bps and renegotiate_bps multiples of 2400 from 4800 to 33600 (renegotiate_bps "
                      "up to %d times, in turn), cleardown 0|1 (after them), renegotiate_trn2d_s 0 or 0.1..2)", n, v,
                      SQ_V90_MAX_RENEGOTIATIONS - 1);
            *rc = EXIT_USAGE;
            return 1;
        }
    }
    sq_v90_cp cpt, cp;
    if (drn) {   /* phase 4 in the CPt the analogue modem of v34_startup sends with these settings,
                    and the data in its CP */
        v90_cp(drn, sign_bits, lookahead, 1, &cpt);
        v90_cp(drn, sign_bits, lookahead, 0, &cp);
        p.cpt = &cpt;
        p.cp = &cp;
    } else if (shaped || n_reneg || cleardown) {
        cli_error("gen", "v90_startup: v90_sign_bits, v90_lookahead, max_upstream_bps, renegotiate_bps and cleardown "
                  "are for phase 4 and after: they need --set downstream_bps");
        *rc = EXIT_USAGE;
        return 1;
    }
    if (!isnan(o->level)) {
        cli_error("gen", "v90_startup takes no --level: its codewords set it (--set u_info)");
        *rc = EXIT_USAGE;
        return 1;
    }
    *ref_level = -13.0;   /* about u_info 76's; the noise of --snr is against it */
    if (cleardown)
        reneg[n_reneg++] = SQ_V34_CLEARDOWN;
    size_t n = sq_v90_startup_modulate_renegotiating(&p, reneg, n_reneg, renegotiate_trn2d_s, NULL, 0);
    if (n == 0 && n_reneg) {
        cli_error("gen", "v90_startup: with these settings its CP's rate does not fit its constellations: there is no "
                  "data to renegotiate or clear down out of (fewer v90_sign_bits, or a lower downstream_bps)");
        *rc = EXIT_USAGE;
        return 1;
    }
    *rc = gen_v34_info_frame(o, SQ_INFO0D, NULL, NULL, 0, 0.0, b);
    if (*rc == EXIT_OK && gen_append_silence(b, V90_INFO_GAP_S) != 0)
        *rc = EXIT_RUNTIME;
    if (*rc == EXIT_OK)
        *rc = gen_v34_info_frame(o, SQ_INFO1D, NULL, NULL, 0, 0.0, b);
    if (*rc != EXIT_OK)
        return 1;
    if (gen_append_silence(b, V90_PHASE3_WAIT_S) != 0 || sample_buf_grow(b, n) != 0) {
        *rc = EXIT_RUNTIME;
        return 1;
    }
    b->n += sq_v90_startup_modulate_renegotiating(&p, reneg, n_reneg, renegotiate_trn2d_s, b->x + b->n, n);
    *rc = gen_append_silence(b, 0.1) == 0 ? EXIT_OK : EXIT_RUNTIME;
    return 1;
}
