/* Binary DPSK receiver front end (dsp/dpsk.h). */
#include <math.h>
#include <string.h>
#include "dsp/dpsk.h"
#include "dsp/sample_guard.h"
#include "squeal/fsk.h"

#define SYMBOL_SAMPLES (SQ_PROCESSING_RATE_HZ / SQ_DPSK_BAUD)   /* 13.33 */

int sq_dpsk_rx_init(sq_dpsk_rx *r, double carrier_hz)
{
    memset(r, 0, sizeof *r);
    size_t len = 0;
    for (size_t l = 1; l <= SQ_DPSK_MAX_TABLE && !len; l++) {
        double cycles = carrier_hz * (double)l / SQ_PROCESSING_RATE_HZ;
        if (fabs(cycles - round(cycles)) < 1e-9)
            len = l;
    }
    if (!len || carrier_hz <= 0.0)
        return -1;
    r->table_len = len;
    for (size_t i = 0; i < len; i++) {
        double w = -2.0 * M_PI * carrier_hz * (double)i / SQ_PROCESSING_RATE_HZ;
        r->table[i] = (float)cos(w) + I * (float)sin(w);
    }
    for (int h = 0; h < SQ_DPSK_PHASES; h++)
        r->next[h] = SQ_DPSK_HISTORY + SYMBOL_SAMPLES * h / SQ_DPSK_PHASES;
    r->next_any = r->next[0];
    return 0;
}

static void update_next_any(sq_dpsk_rx *r)
{
    r->next_any = r->next[0];
    for (int h = 1; h < SQ_DPSK_PHASES; h++)   /* fmin is a library call; these are finite */
        r->next_any = r->next[h] < r->next_any ? r->next[h] : r->next_any;
}

void sq_dpsk_rx_skip(sq_dpsk_rx *r, size_t n)
{
    r->table_pos = (r->table_pos + n) % r->table_len;
    r->n += n;
    r->skipped = 1;
}

/* What a skip leaves to do, done when samples come again: the sums cleared, and each
 * phase's next instant stepped on past the present by the additions the symbols would
 * have made (where the instants fall on whole samples decides how a frame reads: a division
 * here moved some by a sample, and an INFO0a 9 dB under tone B was read in 12 of 30 noise
 * seeds, not 30). A receiver that rests for good never pays for it. */
static void catch_up(sq_dpsk_rx *r)
{
    r->skipped = 0;
    r->sum = 0.0;
    r->energy_sum = 0.0;
    memset(r->mixed, 0, sizeof r->mixed);
    memset(r->energy, 0, sizeof r->energy);
    memset(r->sums, 0, sizeof r->sums);
    for (int h = 0; h < SQ_DPSK_PHASES; h++)
        while (r->next[h] <= (double)r->n)
            r->next[h] += SYMBOL_SAMPLES;
    update_next_any(r);
}

void sq_dpsk_rx_push(sq_dpsk_rx *r, const float *x, size_t n, sq_dpsk_symbol_fn fn, void *user)
{
    if (r->skipped)
        catch_up(r);
    const double whole = (double)(int)SYMBOL_SAMPLES, frac = SYMBOL_SAMPLES - whole;
    for (size_t i = 0; i < n; i++) {
        float v = sq_sample_guard(x[i]);
        float complex m = v * r->table[r->table_pos];
        r->table_pos = r->table_pos + 1 == r->table_len ? 0 : r->table_pos + 1;
        double e = (double)v * v;
        r->sum += m - r->mixed[r->mixed_pos];
        r->energy_sum += e - r->energy[r->mixed_pos];
        r->mixed[r->mixed_pos] = m;
        r->energy[r->mixed_pos] = e;
        r->mixed_pos = r->mixed_pos + 1 == SQ_DPSK_SUM ? 0 : r->mixed_pos + 1;
        r->sums[r->sums_pos] = (float complex)r->sum;
        r->n++;
        if ((double)r->n < r->next_any) {
            r->sums_pos = r->sums_pos + 1 == SQ_DPSK_HISTORY ? 0 : r->sums_pos + 1;
            continue;
        }
        for (int h = 0; h < SQ_DPSK_PHASES; h++) {
            if ((double)r->n < r->next[h])
                continue;
            r->next[h] += SYMBOL_SAMPLES;
            /* the sum one symbol back, between the samples 13 and 14 back */
            size_t a = (r->sums_pos + SQ_DPSK_HISTORY - (size_t)whole) % SQ_DPSK_HISTORY;
            size_t b = (a + SQ_DPSK_HISTORY - 1) % SQ_DPSK_HISTORY;
            float complex before = (float)(1.0 - frac) * r->sums[a] + (float)frac * r->sums[b];
            float complex now = r->sums[r->sums_pos];
            float complex three_back = r->sums[(r->sums_pos + SQ_DPSK_HISTORY - 40) % SQ_DPSK_HISTORY];
            sq_dpsk_symbol s = {
                .sample = r->n, .phase = h, .product = now * conjf(before), .product3 = now * conjf(three_back),
                .power = 2.0 * (double)(crealf(now) * crealf(now) + cimagf(now) * cimagf(now)) /
                         (SQ_DPSK_SUM * SQ_DPSK_SUM),
                .total_power = (r->energy_sum > 0.0 ? r->energy_sum : 0.0) / SQ_DPSK_SUM,
            };
            fn(user, &s);
        }
        update_next_any(r);
        r->sums_pos = r->sums_pos + 1 == SQ_DPSK_HISTORY ? 0 : r->sums_pos + 1;
    }
}
