/* A V.90 digital modem's PCM encoder and its inverse (src/proto/v90_pcm.h). */
#include <math.h>
#include <string.h>
#include "src/proto/v90_pcm.h"

enum { RULE_A, RULE_B, RULE_C, RULE_D };   /* nothing, all, even, odd inverted (5.4.5.5) */

int sq_v90_ucode_linear(int ucode, int a_law)
{
    if (ucode < 0 || ucode >= SQ_V90_UCODES)
        return 0;
    int chord = ucode >> 4, step = ucode & 15;
    if (a_law)
        return chord == 0 ? 8 * (2 * step + 1) : (8 * (2 * step + 33)) << (chord - 1);
    return 4 * (((2 * step + 33) << chord) - 33);
}

void sq_v90_magnitudes(const sq_v90_mapping *m, const uint8_t *b, int *mag)
{
    uint64_t r = 0;
    for (int i = m->k_bits - 1; i >= 0; i--)
        r = r << 1 | (b[i] & 1u);
    for (int i = 0; i < SQ_V90_INTERVALS; i++) {
        mag[i] = m->level[i][r % (uint64_t)m->size[i]];
        r /= (uint64_t)m->size[i];
    }
}

/* The differential codes (5.4.5.1-4): the signs before shaping, 1 positive. */
typedef struct sign_coder {
    int last_sign;                 /* Sr = 0: the last sign sent */
    int t_prev[SQ_V90_INTERVALS];  /* the last shaping frame's t, by position */
    int last_odd;                  /* the last odd position's p' */
} sign_coder;

static void initial_signs(const sq_v90_mapping *m, sign_coder *c, const uint8_t *s, int *sign)
{
    if (m->redundancy == 0) {
        for (int i = 0; i < SQ_V90_INTERVALS; i++)
            sign[i] = c->last_sign = (s[i] & 1) ^ c->last_sign;
        return;
    }
    const int len = SQ_V90_INTERVALS / m->redundancy;
    for (int f = 0, used = 0; f < m->redundancy; f++)
        for (int k = 0; k < len; k++) {
            int p = k == 0 ? 0 : s[used++] & 1, pd = p;
            if (k & 1)
                pd = c->last_odd = p ^ c->last_odd;
            sign[f * len + k] = c->t_prev[k] = pd ^ c->t_prev[k];
        }
}

typedef struct shape_filter {
    double x1, y1, v1, w;          /* the last input, y and v (5.4.5.6), and w since reset */
} shape_filter;

static int inverted(int rule, int k)
{
    return rule == RULE_B || (rule == RULE_C && !(k & 1)) || (rule == RULE_D && (k & 1));
}

/* One shaping frame (len values from pcm) through the filter under `rule`. */
static void filter_frame(const sq_v90_mapping *m, shape_filter *f, const int *pcm, int len, int rule)
{
    for (int k = 0; k < len; k++) {
        double x = inverted(rule, k) ? -pcm[k] : pcm[k];
        double y = x - m->b1 * f->x1 + m->a1 * f->y1;
        double v = y - m->b2 * f->y1 + m->a2 * f->v1;
        f->w += v * v;
        f->x1 = x;
        f->y1 = y;
        f->v1 = v;
    }
}

typedef struct shaper {
    const sq_v90_mapping *m;
    const int *pcm;
    size_t frames;                 /* shaping frames */
    int len;
} shaper;

/* The least w over shaping frames j .. j + depth from state q (depth < 0: none). */
static double lowest(const shaper *s, size_t j, int q, shape_filter f, int depth)
{
    if (depth < 0 || j >= s->frames)
        return f.w;
    double best = INFINITY;
    for (int option = 0; option < 2; option++) {
        int rule = 2 * q + option;
        shape_filter g = f;
        filter_frame(s->m, &g, s->pcm + j * (size_t)s->len, s->len, rule);
        best = fmin(best, lowest(s, j + 1, rule == RULE_B || rule == RULE_D, g, depth - 1));
    }
    return best;
}

/* The spectral shaper (5.4.5.5) over signs already coded into pcm: each shaping frame's rule
 * the one that keeps w lowest over it and the ld frames after it (the first on a tie). */
static void shape(const sq_v90_mapping *m, int *pcm, size_t n)
{
    shaper s = { m, pcm, n / (size_t)(SQ_V90_INTERVALS / m->redundancy), SQ_V90_INTERVALS / m->redundancy };
    shape_filter f = { 0 };
    int q = 0;
    for (size_t j = 0; j < s.frames; j++) {
        int chosen = 2 * q;
        double best = INFINITY;
        f.w = 0.0;
        for (int option = 0; option < 2; option++) {
            int rule = 2 * q + option;
            shape_filter g = f;
            filter_frame(m, &g, pcm + j * (size_t)s.len, s.len, rule);
            double w = lowest(&s, j + 1, rule == RULE_B || rule == RULE_D, g, m->lookahead - 1);
            if (w < best) {
                best = w;
                chosen = rule;
            }
        }
        int *frame = pcm + j * (size_t)s.len;
        filter_frame(m, &f, frame, s.len, chosen);
        for (int k = 0; k < s.len; k++)
            frame[k] = inverted(chosen, k) ? -frame[k] : frame[k];
        q = chosen == RULE_B || chosen == RULE_D;
    }
}

void sq_v90_encode(const sq_v90_mapping *m, const uint8_t *bits, size_t frames, int *pcm)
{
    sign_coder c;
    memset(&c, 0, sizeof c);
    const size_t d = (size_t)(m->k_bits + m->s_bits);
    for (size_t j = 0; j < frames; j++) {
        int mag[SQ_V90_INTERVALS], sign[SQ_V90_INTERVALS];
        sq_v90_magnitudes(m, bits + j * d + m->s_bits, mag);
        initial_signs(m, &c, bits + j * d, sign);
        for (int i = 0; i < SQ_V90_INTERVALS; i++)
            pcm[j * SQ_V90_INTERVALS + i] = sign[i] ? mag[i] : -mag[i];
    }
    if (m->redundancy > 0)
        shape(m, pcm, frames * SQ_V90_INTERVALS);
}

void sq_v90_unmapper_init(sq_v90_unmapper *u, const sq_v90_mapping *m)
{
    memset(u, 0, sizeof *u);
    u->m = m;
}

/* The sign bits of one shaping frame (len signs from position `base`) into s: the changes
 * against the last shaping frame, with the even positions' inversion (the change at position 0,
 * which carries no bit) taken out of the even ones and of the first odd one, whose differential
 * code reaches back to the last frame (see the header). */
static int shaping_frame_bits(sq_v90_unmapper *u, const int *positive, int base, int len, uint8_t *s)
{
    int change[SQ_V90_INTERVALS], n = 0;
    for (int k = 0; k < len; k++) {
        change[k] = (positive[base + k] & 1) ^ u->prev_sign[k];
        u->prev_sign[k] = positive[base + k] & 1;
    }
    int even = change[0];
    for (int k = 1; k < len; k++)
        s[n++] = (uint8_t)(!(k & 1) ? change[k] ^ even : k == 1 ? change[1] ^ u->prev_last_odd ^ even
                                                                 : change[k] ^ change[k - 2]);
    u->prev_last_odd = change[(len - 1) & 1 ? len - 1 : len - 2];
    return n;
}

void sq_v90_unmap(sq_v90_unmapper *u, const int *label, const int *positive, uint8_t *bits)
{
    const sq_v90_mapping *m = u->m;
    if (m->redundancy == 0) {
        for (int i = 0; i < SQ_V90_INTERVALS; i++) {
            bits[i] = (uint8_t)((positive[i] & 1) ^ u->prev_sign[0]);
            u->prev_sign[0] = positive[i] & 1;
        }
    } else {
        const int len = SQ_V90_INTERVALS / m->redundancy;
        for (int f = 0, n = 0; f < m->redundancy; f++)
            n += shaping_frame_bits(u, positive, f * len, len, bits + n);
    }
    uint64_t r = 0;
    for (int i = SQ_V90_INTERVALS - 1; i >= 0; i--) {
        int k = label[i] >= 0 && label[i] < m->size[i] ? label[i] : 0;
        r = r * (uint64_t)m->size[i] + (uint64_t)k;
    }
    for (int i = 0; i < m->k_bits; i++)
        bits[m->s_bits + i] = (uint8_t)((r >> i) & 1u);
}
