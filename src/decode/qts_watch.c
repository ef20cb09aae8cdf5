/* V.92's QTS and QTS-bar (8.3.6) as a listener hears them: the `qts` event.
 *
 * A digital modem that has sent its QC sequence (QCA1d, or QC1d then CM, or QC2d, QCA2d:
 * V.92 9.2) and heard the analogue modem's sends 75 ms of silence, then QTS, 128 repetitions
 * of six PCM codewords {+V, +0, +V, -V, -0, -V}, then QTS-bar, 8 repetitions of their
 * negation, then ANSpcm. Like V.90's Sd and Ri, QTS is a line at 8000/6 = 1333.3 Hz whose
 * every period's second half is its first negated, whatever the codec did to the levels or
 * the line to 4000 Hz: a property of the samples, not of a band's energy. Through a line's
 * response the reversal spoils a period or two, after which the line goes on negated.
 *
 * The watch listens only after a digital modem's QC sequence on this channel, for
 * LISTEN_S, and names only a run of such periods long enough to be QTS that ends in its
 * reversal and QTS-bar: a 1333 Hz tone anywhere else (Sd, a note) is not looked at, and
 * one that does not turn is not QTS. Without it the 100 ms between the QC exchange and
 * ANSpcm were `wideband` energy (V.92 QC call of the real-calls set). */
#include <math.h>
#include <string.h>
#include "src/decode/decoder_internal.h"
#include "src/decode/pcm_line.h"
#include "squeal/level.h"

#define PERIOD SQ_PCM_LINE_PERIOD
#define LISTEN_S 3.0              /* after QC1d the digital modem sends CM until it hears QCA1a */
#define FLOOR_DBM0 -50.0
#define ODD_SHARE 0.1             /* |x[n] + x[n+3]|^2 over a period, against its energy */
#define STEADY_COS 0.85           /* a period is like the run's periods summed ... */
#define REVERSED_COS -0.85        /* ... or like their negation: the reversal */
#define TURN_PERIODS 4            /* the reversal may spoil this many periods through a line,
                                     noise one here and there */
#define TEMPLATE_PERIODS 16       /* periods summed before the sum stands for the line */
#define MIN_PERIODS 64            /* 48 ms before the reversal: QTS is 128 periods (96 ms) */
#define MAX_BAR_PERIODS 24        /* after it: QTS-bar is 8 (6 ms), ANSpcm then breaks the line */
#define MAX_PERIODS 256           /* a line twice QTS's length unturned is some other tone: the
                                     run (which holds the decoder's horizon) is let go */

static double seconds(uint64_t sample)
{
    return (double)sample / SQ_PROCESSING_RATE_HZ;
}

/* The run is over: named when it was QTS, then forgotten. */
static void end_run(sq_decoder *d, sq_qts_watch *w)
{
    uint64_t turned = w->reversal;
    size_t before = turned ? (size_t)((turned - w->start) / PERIOD) : 0;
    size_t after = turned ? (size_t)((w->end - turned) / PERIOD) : 0;
    if (turned && before >= MIN_PERIODS && after <= MAX_BAR_PERIODS) {
        sq_event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = SQ_EVENT_QTS;
        ev.start_s = seconds(w->start);
        ev.end_s = seconds(w->end);
        ev.freq_hz = (double)SQ_PROCESSING_RATE_HZ / PERIOD;
        ev.level_dbm0 = sq_power_to_dbm0(w->power / (double)(w->periods * PERIOD));
        ev.fsk_channel = d->qc_digital_channel;   /* the side that sent the QC sequence */
        ev.n_reversals = 1;
        ev.reversals_s[0] = seconds(turned);
        sq_event_pool_queue(&d->pool, &ev, -1);
        d->qts_end_s = ev.end_s;   /* ANSpcm follows */
        w->until = 0;   /* one QTS to a QC exchange */
    }
    w->periods = 0;
    w->broken = 0;
}

/* The period that ends at sample `end` (w->period holds it in order). */
static void take_period(sq_decoder *d, sq_qts_watch *w, uint64_t end)
{
    const float *p = w->period;
    double e, odd;
    sq_pcm_line_measure(p, &e, &odd);
    int heard = e >= w->floor_power * PERIOD, line = heard && odd <= ODD_SHARE * e;
    if (w->periods) {
        /* against the run's periods summed (negated after the turn): a template the noise
         * of one period does not move (two noisy periods in a row, at 12 dB, fell under the
         * steady mark now and then, and broke QTS in two) */
        double c = heard ? sq_pcm_line_cos(p, w->sum) : 0.0;
        /* once the run is long enough, its template is the line's shape: a period close to it
         * is the line, noise in its odd part or not */
        int trusted = line || w->periods >= TEMPLATE_PERIODS;
        int steady = trusted && c >= STEADY_COS, turn = trusted && c <= REVERSED_COS && !w->reversal;
        if (steady && !w->reversal && w->periods >= MAX_PERIODS) {
            end_run(d, w);
            return;
        }
        if (steady || turn) {
            if (turn) {   /* where the line was last heard the way it was */
                w->reversal = w->end;
                for (int k = 0; k < PERIOD; k++)
                    w->sum[k] = -w->sum[k];
            }
            w->periods++;
            w->power += e;
            w->end = end;
            w->broken = 0;
            for (int k = 0; k < PERIOD; k++)
                w->sum[k] += p[k];
            return;
        }
        /* the turn, or a period noise spoilt; but a line unlike a run just begun is a new
         * run (the first period can straddle the line's onset) */
        if (w->broken < TURN_PERIODS && !w->reversal && !(line && w->periods < TEMPLATE_PERIODS)) {
            w->broken++;
            return;
        }
        end_run(d, w);
    }
    if (line && end - PERIOD < w->until) {   /* a run starts only while the watch listens */
        w->start = end - PERIOD;
        w->end = end;
        w->periods = 1;
        w->power = e;
        w->reversal = 0;
        w->broken = 0;
        memcpy(w->sum, p, sizeof w->sum);
    }
}

void sq_qts_watch_process(sq_decoder *d, const float *x, size_t n)
{
    sq_qts_watch *w = &d->qts;
    if (d->qc_digital_end_s > w->armed_s) {   /* a digital modem's QC sequence: listen */
        w->armed_s = d->qc_digital_end_s;
        w->until = d->samples + (uint64_t)(LISTEN_S * SQ_PROCESSING_RATE_HZ);
        w->floor_power = sq_dbm0_to_power(FLOOR_DBM0);
        w->periods = 0;
    }
    if (!w->until && !w->periods)
        return;
    for (size_t i = 0; i < n; i++) {
        uint64_t at = d->samples + i;
        if (at >= w->until && !w->periods) {
            w->until = 0;
            return;
        }
        w->period[at % PERIOD] = x[i];
        if (at % PERIOD == PERIOD - 1)
            take_period(d, w, at + 1);
    }
}

void sq_qts_watch_finish(sq_decoder *d)
{
    if (d->qts.periods)
        end_run(d, &d->qts);
}

double sq_qts_watch_horizon_s(const sq_decoder *d, double now_s)
{
    return d->qts.periods ? fmin(now_s, seconds(d->qts.start)) : now_s;
}
