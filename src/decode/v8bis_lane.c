/* V.8bis signals for the timeline decoder (V.8bis 7.1): a dual tone of 400 ms (segment 1:
 * 1375 + 2002 Hz from the initiating station, 1529 + 2225 Hz from the responding one), then
 * a single tone of 100 ms (segment 2) that says which signal it is: 400 Hz CRe, 650 Hz MRe,
 * 1150 Hz MRd, 1900 Hz CRd, 980 Hz ESi, 1650 Hz ESr. Only that pattern is named: the single
 * tones alone are V.21 marks or other tones, and a dual tone without its second segment is
 * not reported. Windows of 32 ms, one after another, ten Goertzel filters (two vectors of
 * eight). */
#include <math.h>
#include <string.h>
#include "dsp/goertzel8.h"
#include "dsp/sample_ring.h"
#include "src/decode/decoder_internal.h"
#include "squeal/error.h"
#include "squeal/level.h"

#define TONE_FLOOR_DBM0 -50.0
#define PAIR_SHARE 0.6            /* the pair's two tones, of the window's power */
#define PAIR_BALANCE 4.0          /* neither tone of the pair more than 6 dB over the other */
#define SINGLE_SHARE 0.6
#define SEG1_MIN_S 0.12           /* nominal 0.40 s, +-2% (7.1.2), but real answering modems
                                   * (USR, Conexant) send CRe's dual tone for 140-290 ms; the
                                   * second segment that must follow keeps it specific */
#define DROPOUT_MAX_S 0.15        /* the pair gone this long and back is one segment 1 (a
                                   * dropout on the line or in the recording) */
#define SEG1_MAX_S 0.55
#define SEG2_MIN_S 0.05           /* nominal 0.10 s; ESi/ESr run on into a message's preamble */
#define SEG2_MAX_S 0.16
#define GAP_MAX_S 0.05            /* between the segments */

enum { I1375, I2002, R1529, R2225, S400, S650, S1150, S1900, S980, S1650, N_FILTERS };
static const float FREQS[16] = { 1375, 2002, 1529, 2225, 400, 650, 1150, 1900, 980, 1650 };
enum { PAIR_NONE = 0, PAIR_INITIATING, PAIR_RESPONDING };
_Static_assert(SQ_V8BIS_HOP <= SQ_V8BIS_WINDOW, "a hop's samples fit the ring at once");

int sq_v8bis_lane_create(sq_decoder *d)
{
    sq_v8bis_lane *l = &d->v8bis;
    memset(l, 0, sizeof *l);
    for (int k = 0; k < 16; k++)
        l->coeff[k] = k < N_FILTERS ? (float)(2.0 * cos(2.0 * M_PI * FREQS[k] / SQ_PROCESSING_RATE_HZ)) : 0.0f;
    l->floor_power = sq_dbm0_to_power(TONE_FLOOR_DBM0);
    return SQ_OK;
}

/* What the window holds: a pair (PAIR_*), or a single tone (its filter index + 16), or 0. */
static int classify(const sq_v8bis_lane *l, const float *w, double *power)
{
    /* a window under half the floor (with as much again for rounding) holds no tone: its
     * class is 0 whatever the filters would read, and on a quiet line they do not run */
    if (!sq_goertzel_may_reach(sq_block_mean_power(w, SQ_V8BIS_WINDOW), l->floor_power))
        return 0;
    double p[16];
    double total = sq_goertzel_banks(w, SQ_V8BIS_WINDOW, l->coeff, 4, p);
    static const int pairs[2][2] = { { I1375, I2002 }, { R1529, R2225 } };
    for (int i = 0; i < 2; i++) {
        double a = p[pairs[i][0]], b = p[pairs[i][1]];
        if (a >= l->floor_power && b >= l->floor_power && a + b >= PAIR_SHARE * total && a < PAIR_BALANCE * b &&
            b < PAIR_BALANCE * a) {
            *power = (a + b) / 2.0;
            return i == 0 ? PAIR_INITIATING : PAIR_RESPONDING;
        }
    }
    for (int k = S400; k < N_FILTERS; k++)
        if (p[k] >= l->floor_power && p[k] >= SINGLE_SHARE * total) {
            *power = p[k];
            return 16 + k;
        }
    return 0;
}

static void name_signal(sq_decoder *d, sq_v8bis_lane *l, int single, double seg2_start, double seg2_end)
{
    static const struct { int pair, tone; sq_event_type type; } NAMES[] = {
        { PAIR_INITIATING, S400, SQ_EVENT_V8BIS_CRE }, { PAIR_INITIATING, S650, SQ_EVENT_V8BIS_MRE },
        { PAIR_INITIATING, S1150, SQ_EVENT_V8BIS_MRD }, { PAIR_INITIATING, S1900, SQ_EVENT_V8BIS_CRD },
        { PAIR_INITIATING, S980, SQ_EVENT_V8BIS_ESI }, { PAIR_RESPONDING, S1150, SQ_EVENT_V8BIS_MRD },
        { PAIR_RESPONDING, S1900, SQ_EVENT_V8BIS_CRD }, { PAIR_RESPONDING, S1650, SQ_EVENT_V8BIS_ESR },
    };
    double len2 = seg2_end - seg2_start;
    int es = single == S980 || single == S1650;
    if (len2 < SEG2_MIN_S || (!es && len2 > SEG2_MAX_S))
        return;
    for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++)
        if (NAMES[i].pair == l->seg1_pair && NAMES[i].tone == single) {
            sq_event ev;
            memset(&ev, 0, sizeof ev);
            ev.type = NAMES[i].type;
            ev.start_s = l->seg1_start_s;
            ev.end_s = es ? fmin(seg2_end, seg2_start + 0.1) : seg2_end;   /* the preamble after it is the message's */
            ev.freq_hz = FREQS[single];
            ev.fsk_channel = l->seg1_pair == PAIR_INITIATING ? 1 : 2;
            ev.level_dbm0 = sq_power_to_dbm0(l->seg1_power);
            ev.on_s = l->seg1_end_s - l->seg1_start_s;
            sq_event_pool_queue(&d->pool, &ev, -1);
            return;
        }
}

/* A run of one class of window ended at end_s. */
static void end_run(sq_decoder *d, sq_v8bis_lane *l, double end_s)
{
    double len = end_s - l->run_start_s;
    if (l->run_class == PAIR_INITIATING || l->run_class == PAIR_RESPONDING) {
        l->seg1_pair = len >= SEG1_MIN_S && len <= SEG1_MAX_S ? l->run_class : PAIR_NONE;
        l->seg1_start_s = l->run_start_s;
        l->seg1_end_s = end_s;
        l->seg1_power = l->run_power / fmax(1.0, (double)l->run_windows);
        /* it may come back after a dropout, and go on as the same segment 1 */
        l->partial_pair = l->run_class;
        l->partial_windows = l->run_windows;
        l->partial_power = l->run_power;
    } else if (l->run_class >= 16) {
        if (l->seg1_pair != PAIR_NONE && l->run_start_s - l->seg1_end_s <= GAP_MAX_S)
            name_signal(d, l, l->run_class - 16, l->run_start_s, end_s);
        l->seg1_pair = PAIR_NONE;
    } else if (len > GAP_MAX_S) {
        l->seg1_pair = PAIR_NONE;
    }
}

void sq_v8bis_lane_process(sq_decoder *d, const float *x, size_t n)
{
    sq_v8bis_lane *l = &d->v8bis;
    /* V.8bis comes before a call's start-up, never inside a modem's data (a V.34 / V.90 /
     * V.32 transmission, V.22 data, start-stop FSK data; its own messages are HDLC, not
     * start-stop): there the windows are not looked at, and count as holding nothing */
    int resting = sq_data_under_way(d);
    if (!resting && l->unkept) {   /* after a rest: the samples it left out, from the band watch */
        float last[SQ_V8BIS_WINDOW];
        size_t m = l->n < SQ_V8BIS_WINDOW ? (size_t)l->n : SQ_V8BIS_WINDOW;
        sq_ring_recall(l->history, SQ_V8BIS_WINDOW, l->head, sq_band_watch_last(&d->watch, d->samples, last, m), m);
        l->unkept = 0;
    }
    l->unkept |= resting;
    for (size_t i = 0; i < n;) {
        size_t take = SQ_V8BIS_HOP - (size_t)(l->n % SQ_V8BIS_HOP);
        take = n - i < take ? n - i : take;
        if (resting)   /* nothing looks at the windows: the samples are not even kept */
            l->head = (l->head + take) % SQ_V8BIS_WINDOW;
        else
            sq_ring_keep(l->history, SQ_V8BIS_WINDOW, &l->head, x + i, take);
        l->n += take;
        i += take;
        if (l->n < SQ_V8BIS_WINDOW || l->n % SQ_V8BIS_HOP != 0)
            continue;
        double power = 0.0;
        int c = resting ? 0 : classify(l, l->history + l->head, &power);
        /* a window's class is placed at its middle; runs are measured between middles */
        double mid_s = ((double)l->n - SQ_V8BIS_WINDOW / 2.0) / SQ_PROCESSING_RATE_HZ;
        if (c != l->run_class) {
            end_run(d, l, mid_s);
            l->run_class = c;
            l->run_start_s = mid_s;
            l->run_power = 0.0;
            l->run_windows = 0;
            if (c != 0 && c == l->partial_pair && mid_s - l->seg1_end_s <= DROPOUT_MAX_S) {
                l->run_start_s = l->seg1_start_s;   /* the same segment 1, after a dropout */
                l->run_power = l->partial_power;
                l->run_windows = l->partial_windows;
            }
            if (c != 0)
                l->partial_pair = PAIR_NONE;
        }
        l->run_power += power;
        l->run_windows++;
    }
}

void sq_v8bis_lane_finish(sq_decoder *d)
{
    sq_v8bis_lane *l = &d->v8bis;
    end_run(d, l, (double)l->n / SQ_PROCESSING_RATE_HZ);
    l->run_class = 0;
}

double sq_v8bis_lane_horizon_s(const sq_decoder *d, double now_s)
{
    const sq_v8bis_lane *l = &d->v8bis;
    double h = now_s;
    /* a segment 1 waits for its segment 2, or to resume after a dropout, only so long */
    double window_s = (double)SQ_V8BIS_WINDOW / SQ_PROCESSING_RATE_HZ;
    int seg2_running = l->run_class >= 16 && l->run_start_s - l->seg1_end_s <= GAP_MAX_S;
    if ((l->seg1_pair != PAIR_NONE && (seg2_running || now_s - l->seg1_end_s <= GAP_MAX_S + window_s)) ||
        (l->partial_pair != PAIR_NONE && now_s - l->seg1_end_s <= DROPOUT_MAX_S + window_s))
        h = fmin(h, l->seg1_start_s);
    if (l->run_class == PAIR_INITIATING || l->run_class == PAIR_RESPONDING)
        h = fmin(h, l->run_start_s);
    return h;
}
