/* The line between two modems, both ways (sim_line.h). */
#include "src/sim/sim_line.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

void sim_line_default_params(sim_line_params *p)
{
    memset(p, 0, sizeof *p);
}

/* What one side hears passes through a splice when the call has a delay or a gap: a fixed
 * delay that a gap shortens (samples vanish) or lengthens (zeros come in). */
static void splice_put(sim_splice *p, const float *x, size_t n)
{
    for (size_t k = 0; k < n && p->count < SIM_LINE_SPLICE; k++)
        p->buf[(p->head + p->count++) % SIM_LINE_SPLICE] = x ? x[k] : 0.0f;
}

static void splice_take(sim_splice *p, float *out, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        float v = p->count ? p->buf[p->head] : 0.0f;
        if (p->count) {
            p->head = (p->head + 1) % SIM_LINE_SPLICE;
            p->count--;
        }
        if (out)
            out[k] = v;
    }
}

static int gap_side(const sim_line_params *p, int i)
{
    return p->gap_samples && (p->gap_side == 2 || p->gap_side == i);
}

int sim_line_open(sim_line *l, const sim_line_params *p)
{
    memset(l, 0, sizeof *l);
    l->p = *p;
    if (p->delay_samples < 0 || p->delay_samples > (int)SQ_PROCESSING_RATE_HZ ||
        ((p->worse_at_s > 0.0 || p->poor_until_s > 0.0) && !p->extra_noise))
        return -1;
    for (int i = 0; i < 2; i++)
        if (sq_channel_create(&p->heard[i], &l->way[i]) != SQ_OK) {
            sim_line_close(l);
            return -1;
        }
    l->echo_gain = p->echo_db > 0.0 ? pow(10.0, -p->echo_db / 20.0) : 0.0;
    if (p->gap_samples || p->delay_samples) {
        if (!(l->splice = calloc(2, sizeof *l->splice))) {
            sim_line_close(l);
            return -1;
        }
        for (int i = 0; i < 2; i++) {
            size_t lead = (size_t)p->delay_samples;
            if (gap_side(p, i) && p->gap_samples > 0)
                lead += (size_t)p->gap_samples;   /* what vanishes at the gap is queued first */
            splice_put(&l->splice[i], NULL, lead);
        }
    }
    return 0;
}

/* The noise both sides hear from now on, in all: the channel's own, or more. */
static double noise_wanted(const sim_line *l, uint64_t n)
{
    if (l->p.worse_at_s > 0.0 && (double)n >= l->p.worse_at_s * SQ_PROCESSING_RATE_HZ)
        return l->p.worse_noise_rms;
    if (l->p.poor_until_s > 0.0 && (double)n < l->p.poor_until_s * SQ_PROCESSING_RATE_HZ)
        return l->p.poor_noise_rms;
    return NAN;
}

static int gap_in(double at_s, uint64_t from, size_t n)
{
    uint64_t at = (uint64_t)(at_s * SQ_PROCESSING_RATE_HZ);
    return from <= at && at < from + n;
}

void sim_line_carry(sim_line *l, const float *const sent[2], float *const heard[2], size_t n)
{
    const sim_line_params *p = &l->p;
    double wanted = noise_wanted(l, l->n);
    for (int i = 0; i < 2; i++) {
        sq_channel_process(l->way[i], sent[1 - i], heard[i], n);
        for (size_t k = 0; k < n && l->echo_gain > 0.0; k++)
            heard[i][k] += (float)(l->echo_gain * sent[i][k]);
        if (!isnan(wanted)) {
            /* powers add: the extra noise makes up the difference */
            double before = p->heard[i].noise_rms;
            sq_noise_add(p->extra_noise, heard[i], n, sqrt(fmax(wanted * wanted - before * before, 0.0)));
        }
    }
    for (int i = 0; l->splice && i < 2; i++) {
        int at_gap = gap_side(p, i) &&
                     (gap_in(p->gap_at_s, l->n, n) || (p->gap2_at_s > 0.0 && gap_in(p->gap2_at_s, l->n, n)));
        if (at_gap && p->gap_samples < 0)
            splice_put(&l->splice[i], NULL, (size_t)-p->gap_samples);
        splice_put(&l->splice[i], heard[i], n);
        if (at_gap && p->gap_samples > 0)
            splice_take(&l->splice[i], NULL, (size_t)p->gap_samples);
        splice_take(&l->splice[i], heard[i], n);
    }
    for (size_t k = 0; k < n && p->mute_to_s > p->mute_from_s; k++) {
        double t = (double)(l->n + k) / SQ_PROCESSING_RATE_HZ;
        if (t >= p->mute_from_s && t < p->mute_to_s)
            heard[1][k] = 0.0f;
    }
    l->n += n;
}

void sim_line_close(sim_line *l)
{
    for (int i = 0; i < 2; i++)
        sq_channel_destroy(l->way[i]);
    free(l->splice);
    memset(l, 0, sizeof *l);
}
