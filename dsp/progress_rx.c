/* Call-progress tone receiver (include/squeal/progress.h): each 64 ms window (every 32 ms)
 * is given a signature, the set of plan frequencies that carry its power; runs of one
 * signature are bursts; bursts are grouped and named by their cadence. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/receiver_rest.h"
#include "dsp/sample_ring.h"
#include "dsp/goertzel8.h"
#include "squeal/error.h"
#include "squeal/level.h"
#include "squeal/progress.h"
#include "squeal/time_base.h"

#define WINDOW 512                /* 64 ms: 15.6 Hz resolution (425 and 440 Hz are 15 apart) */
#define HOP 256
#define HISTORY (4 * WINDOW)      /* samples kept: a sparse look can go back three hops */
#define SPARSE_HOPS 4             /* with no tone under way, one window in four is looked at */
#define READ_BACK ((SPARSE_HOPS - 1) * HOP + WINDOW)   /* the oldest sample a window looks at */
_Static_assert(READ_BACK <= HISTORY && READ_BACK <= SQ_RECEIVER_RECALL_MAX, "the windows looked at are kept");
#define N_PROBES 6
#define FLOOR_DBM0 -45.0          /* each tone at least this */
#define WITHIN_DB 10.0            /* a tone of the signature is within this of the strongest */
#define MIN_SHARE 0.70            /* the signature's tones, of the window's power */
#define MIN_BURST_WINDOWS 3
#define EDGE_WINDOWS 4
#define QUEUE 16
/* cadence rules (the header gives them in words) */
#define DIAL_PAIR_MIN_S 0.5       /* 350 + 440 Hz is a dial tone and nothing else */
#define DIAL_SINGLE_MIN_S 2.7
#define RING_ON_MIN_S 0.67
#define RING_ON_MAX_S 2.6
#define RING_OFF_MIN_S 2.5
#define GROUP_GAP_MAX_S 5.5
#define BUSY_MIN_S 0.35
#define BUSY_MAX_S 0.65
#define REORDER_MIN_S 0.15

static const double PROBE_HZ[N_PROBES] = { 350.0, 400.0, 425.0, 440.0, 480.0, 620.0 };
enum { P350 = 1, P400 = 2, P425 = 4, P440 = 8, P480 = 16, P620 = 32 };
static const unsigned VALID[] = { P350 | P440, P440 | P480, P480 | P620, P425, P400 };

typedef struct window_mark {
    double center_s, power;
} window_mark;

typedef struct burst {
    unsigned sig;
    double start_s, end_s, level_power;
} burst;

struct sq_progress_rx {
    float coeff[8];               /* 2 cos(w) of the probes, padded to eight: one vector */
    double within, floor_power;   /* the rules as power ratios */
    float history[2 * HISTORY];   /* each sample twice, HISTORY apart: the last HISTORY
                                   * samples are always history[clock.head .. + HISTORY) */
    sq_window_clock clock;
    uint64_t last_eval_n;         /* the end of the last window looked at */
    int unkept;                   /* history left out at rest (sq_progress_rx_rest_unkept) */
    int quiet_windows;            /* windows in a row with no tone: past SPARSE_HOPS, sparse */
    uint64_t n;
    /* the run of windows with one signature */
    unsigned run_sig;
    size_t run_windows;
    double run_max, run_power_sum;
    window_mark first[EDGE_WINDOWS], last[EDGE_WINDOWS];
    /* the group of bursts being timed */
    int grouped;
    unsigned group_sig;
    size_t bursts;
    double group_start_s, group_end_s, on_sum, off_sum, level_sum;
    sq_progress_tone queue[QUEUE];
    size_t q_head, q_len;
};

int sq_progress_rx_create(sq_progress_rx **out)
{
    *out = NULL;
    sq_progress_rx *r = calloc(1, sizeof *r);
    if (!r)
        return SQ_ENOMEM;
    for (int i = 0; i < N_PROBES; i++)
        r->coeff[i] = (float)(2.0 * cos(2.0 * M_PI * PROBE_HZ[i] / SQ_PROCESSING_RATE_HZ));
    r->within = pow(10.0, -WITHIN_DB / 10.0);
    r->floor_power = sq_dbm0_to_power(FLOOR_DBM0);
    *out = r;
    return SQ_OK;
}

void sq_progress_rx_destroy(sq_progress_rx *r)
{
    free(r);
}

static void emit(sq_progress_rx *r, sq_progress_kind kind, unsigned sig, double start, double end, size_t bursts,
                 double on, double off, double power)
{
    if (r->q_len == QUEUE)
        return;
    sq_progress_tone *t = &r->queue[(r->q_head + r->q_len++) % QUEUE];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->start_s = start;
    t->end_s = end;
    for (int i = 0, k = 0; i < N_PROBES; i++)
        if (sig & (1u << i)) {
            if (k++ == 0)
                t->freq_hz = PROBE_HZ[i];
            else
                t->freq2_hz = PROBE_HZ[i];
        }
    t->level_dbm0 = sq_power_to_dbm0(power);
    t->bursts = bursts;
    t->on_s = on;
    t->off_s = off;
}

static int in(double x, double lo, double hi)
{
    return x >= lo && x <= hi;
}

/* The kind the group's cadence says; 0 and kind, or -1 when it names nothing. */
static int classify_group(const sq_progress_rx *r, sq_progress_kind *kind, double *on, double *off)
{
    *on = r->on_sum / (double)r->bursts;
    *off = r->bursts > 1 ? r->off_sum / (double)(r->bursts - 1) : 0.0;
    unsigned sig = r->group_sig;
    int single = sig == P425 || sig == P400, pair_ring = sig == (P440 | P480), pair_busy = sig == (P480 | P620);
    if ((pair_ring || (single && r->bursts >= 2)) && in(*on, RING_ON_MIN_S, RING_ON_MAX_S) &&
        (r->bursts == 1 || in(*off, RING_OFF_MIN_S, GROUP_GAP_MAX_S)))
        *kind = SQ_PROGRESS_RINGBACK;
    else if ((pair_busy || single) && r->bursts >= 2 && in(*on, BUSY_MIN_S, BUSY_MAX_S) && in(*off, BUSY_MIN_S, BUSY_MAX_S))
        *kind = SQ_PROGRESS_BUSY;
    else if ((pair_busy || single) && r->bursts >= 2 && in(*on, REORDER_MIN_S, BUSY_MIN_S) && in(*off, REORDER_MIN_S, BUSY_MIN_S))
        *kind = SQ_PROGRESS_REORDER;
    else
        return -1;
    return 0;
}

/* The group is over: name it by its cadence, or drop it. */
static void close_group(sq_progress_rx *r)
{
    if (!r->grouped)
        return;
    r->grouped = 0;
    sq_progress_kind kind;
    double on, off;
    if (classify_group(r, &kind, &on, &off) == 0)
        emit(r, kind, r->group_sig, r->group_start_s, r->group_end_s, r->bursts, on, off, r->level_sum / (double)r->bursts);
}

int sq_progress_rx_busy_now(const sq_progress_rx *r)
{
    sq_progress_kind kind;
    double on, off;
    return r->grouped && r->bursts >= 3 && classify_group(r, &kind, &on, &off) == 0 &&
           (kind == SQ_PROGRESS_BUSY || kind == SQ_PROGRESS_REORDER);
}

static void take_burst(sq_progress_rx *r, const burst *b)
{
    double len = b->end_s - b->start_s;
    int dial_capable = b->sig == (P350 | P440) || b->sig == P425 || b->sig == P400;
    if (dial_capable && len >= (b->sig == (P350 | P440) ? DIAL_PAIR_MIN_S : DIAL_SINGLE_MIN_S)) {
        close_group(r);
        emit(r, SQ_PROGRESS_DIAL, b->sig, b->start_s, b->end_s, 1, len, 0.0, b->level_power);
        return;
    }
    if (r->grouped && (r->group_sig != b->sig || b->start_s - r->group_end_s > GROUP_GAP_MAX_S))
        close_group(r);
    if (!r->grouped) {
        r->grouped = 1;
        r->group_sig = b->sig;
        r->bursts = 0;
        r->group_start_s = b->start_s;
        r->on_sum = r->off_sum = r->level_sum = 0.0;
    }
    else
        r->off_sum += b->start_s - r->group_end_s;
    r->bursts++;
    r->on_sum += len;
    r->level_sum += b->level_power;
    r->group_end_s = b->end_s;
}

/* The run of one signature ended: a burst, its edges placed where the windows were half
 * filled with it (a window's power grows with the square of how much of it the tone fills). */
static void end_run(sq_progress_rx *r)
{
    if (r->run_sig && r->run_windows >= MIN_BURST_WINDOWS) {
        double w_s = (double)WINDOW / SQ_PROCESSING_RATE_HZ;
        size_t nf = r->run_windows < EDGE_WINDOWS ? r->run_windows : EDGE_WINDOWS;
        burst b = { .sig = r->run_sig };
        b.start_s = r->first[nf - 1].center_s - w_s / 2;
        for (size_t i = 0; i < nf; i++) {
            double fill = sqrt(r->first[i].power / r->run_max);
            if (fill >= 0.25) {
                b.start_s = r->first[i].center_s + w_s / 2 - fmin(fill, 1.0) * w_s;
                break;
            }
        }
        b.end_s = r->last[0].center_s + w_s / 2;
        for (size_t i = 0; i < nf; i++) {
            double fill = sqrt(r->last[i].power / r->run_max);
            if (fill >= 0.25) {
                b.end_s = r->last[i].center_s - w_s / 2 + fmin(fill, 1.0) * w_s;
                break;
            }
        }
        b.level_power = r->run_max / (double)(__builtin_popcount(r->run_sig));
        take_burst(r, &b);
    }
    r->run_sig = 0;
    r->run_windows = 0;
}

/* The plan frequencies that carry the power of the window ending `back` samples ago, or 0. */
static unsigned signature(const sq_progress_rx *r, size_t back, double *tone_power)
{
    double p[8], best = 0.0;
    const float *w = r->history + r->clock.head + HISTORY - back - WINDOW;
    *tone_power = 0.0;
    if (!sq_goertzel_may_reach(sq_block_mean_power(w, WINDOW), r->floor_power))
        return 0;   /* a quiet window: no probe reaches the floor */
    double total = sq_goertzel8(w, WINDOW, r->coeff, p);
    for (int k = 0; k < N_PROBES; k++)
        best = fmax(best, p[k]);
    unsigned sig = 0;
    double sum = 0.0;
    for (int k = 0; k < N_PROBES; k++)
        if (p[k] >= best * r->within && p[k] >= r->floor_power) {
            sig |= 1u << k;
            sum += p[k];
        }
    *tone_power = sum;
    if (sum < MIN_SHARE * total)
        return 0;
    for (size_t i = 0; i < sizeof VALID / sizeof VALID[0]; i++)
        if (sig == VALID[i])
            return sig;
    return 0;
}

/* Takes the signature of the window ending `back` samples ago (and its tone power) into
 * the runs and groups. */
static void take(sq_progress_rx *r, size_t back, unsigned sig, double power)
{
    uint64_t end = r->n - back;
    r->last_eval_n = end;
    r->quiet_windows = sig ? 0 : r->quiet_windows + 1;
    double center_s = ((double)end - WINDOW / 2.0) / SQ_PROCESSING_RATE_HZ;
    if (sig != r->run_sig)
        end_run(r);
    if (!sig) {   /* between bursts: a group whose next burst is late is over */
        if (r->grouped && center_s - r->group_end_s > GROUP_GAP_MAX_S)
            close_group(r);
        return;
    }
    if (r->run_windows == 0) {
        r->run_sig = sig;
        r->run_max = r->run_power_sum = 0.0;
    }
    window_mark m = { center_s, power };
    if (r->run_windows < EDGE_WINDOWS)
        r->first[r->run_windows] = m;
    memmove(r->last + 1, r->last, (EDGE_WINDOWS - 1) * sizeof r->last[0]);
    r->last[0] = m;
    r->run_windows++;
    r->run_max = fmax(r->run_max, power);
    r->run_power_sum += power;
}

/* Looks at the window ending `back` samples ago. */
static void evaluate(sq_progress_rx *r, size_t back)
{
    double power = 0.0;
    unsigned sig = signature(r, back, &power);
    take(r, back, sig, power);
}

/* Every HOP samples a window is due. While no tone is under way (SPARSE_HOPS quiet windows
 * in a row), only one in SPARSE_HOPS is looked at, which is most of a data call's length;
 * when that one shows a tone, the windows skipped before it are looked at after all, in
 * order, from the history, so that the burst's start is measured as if none were skipped. */
static void window_due(sq_progress_rx *r)
{
    int sparse = r->quiet_windows >= SPARSE_HOPS;
    if (sparse && (r->n / HOP) % SPARSE_HOPS != 0)
        return;
    if (!sparse) {
        evaluate(r, 0);
        return;
    }
    double power = 0.0;
    unsigned sig = signature(r, 0, &power);
    if (!sig) {
        take(r, 0, 0, power);   /* looked at once, not twice */
        return;
    }
    for (size_t back = (SPARSE_HOPS - 1) * HOP; back > 0; back -= HOP)
        if (r->n - back > r->last_eval_n && r->n - back >= WINDOW)
            evaluate(r, back);
    evaluate(r, 0);
}

/* Keeps samples up to the one with which a window falls due (dsp/sample_ring.h). */
static size_t keep_samples(sq_progress_rx *r, const float *x, size_t n, int *due)
{
    size_t take = sq_ring_keep_to_window(r->history, HISTORY, &r->clock, WINDOW, HOP, x, n, due);
    r->n += take;
    return take;
}

void sq_progress_rx_process(sq_progress_rx *r, const float *x, size_t n)
{
    for (size_t i = 0; i < n;) {
        int due;
        i += keep_samples(r, x + i, n - i, &due);
        if (due)
            window_due(r);
    }
}

void sq_progress_rx_rest_unkept(sq_progress_rx *r, const float *x, size_t n)
{
    if (r->run_windows > 0) {
        sq_progress_rx_process(r, x, n);
        return;
    }
    r->unkept = 1;
    for (size_t i = 0; i < n;) {   /* sq_progress_rx_rest's windows, with nothing kept */
        int due;
        size_t got = sq_ring_skip_to_window(HISTORY, &r->clock, WINDOW, HOP, n - i, &due);
        r->n += got;
        i += got;
        if (due && (r->quiet_windows < SPARSE_HOPS || (r->n / HOP) % SPARSE_HOPS == 0))
            take(r, 0, 0, 0.0);
    }
}

size_t sq_progress_rx_history_wanted(const sq_progress_rx *r)
{
    return !r->unkept ? 0 : r->n < READ_BACK ? (size_t)r->n : READ_BACK;
}

void sq_progress_rx_recall(sq_progress_rx *r, const float *last, size_t m)
{
    sq_ring_recall(r->history, HISTORY, r->clock.head, last, m);
    r->unkept = 0;
}

void sq_progress_rx_rest(sq_progress_rx *r, const float *x, size_t n)
{
    if (r->run_windows > 0) {
        sq_progress_rx_process(r, x, n);
        return;
    }
    /* window_due, with every window it would look at holding no tone */
    for (size_t i = 0; i < n;) {
        int due;
        i += keep_samples(r, x + i, n - i, &due);
        if (due && (r->quiet_windows < SPARSE_HOPS || (r->n / HOP) % SPARSE_HOPS == 0))
            take(r, 0, 0, 0.0);
    }
}

void sq_progress_rx_finish(sq_progress_rx *r)
{
    end_run(r);
    close_group(r);
}

int sq_progress_rx_next(sq_progress_rx *r, sq_progress_tone *out)
{
    if (r->q_len == 0)
        return SQ_EAGAIN;
    *out = r->queue[r->q_head];
    r->q_head = (r->q_head + 1) % QUEUE;
    r->q_len--;
    return SQ_OK;
}

double sq_progress_rx_open_since_s(const sq_progress_rx *r)
{
    double h = (double)r->n / SQ_PROCESSING_RATE_HZ;
    if (r->grouped)
        h = fmin(h, r->group_start_s);
    if (r->run_windows > 0)
        h = fmin(h, r->first[0].center_s - (double)WINDOW / SQ_PROCESSING_RATE_HZ);
    return h;
}
