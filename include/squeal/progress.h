/* squeal: call-progress tones, the exchange's side of a call: dial tone, ringback (the
 * caller hears the far phone ring), busy and reorder (congestion).
 *
 * Two tone plans: North America's precise tones (dial 350 + 440 Hz continuous, ringback
 * 440 + 480 Hz 2 s on 4 s off, busy 480 + 620 Hz 0.5 s on 0.5 s off, reorder the same pair
 * 0.25 s on 0.25 s off) and the single 425 Hz most of Europe uses (dial continuous,
 * ringback 1 s on 4 s off, busy 0.5/0.5, congestion 0.25/0.25). The receiver knows the
 * tones by their frequencies (64 ms windows every 32 ms; the tones must be the window's
 * power, 70% or more) and names them by cadence, not by frequency alone, since the plans
 * share frequencies: continuous for 2.7 s or more is a dial tone (ringback is never on that
 * long); bursts of 0.67-2.6 s, 2.5-5.5 s apart, ringback; two or more bursts of 0.35-0.65 s
 * on and off, busy; of 0.15-0.35 s, reorder. Anything else is not reported. */
#ifndef SQUEAL_PROGRESS_H
#define SQUEAL_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sq_progress_kind {
    SQ_PROGRESS_DIAL = 0,
    SQ_PROGRESS_RINGBACK,
    SQ_PROGRESS_BUSY,
    SQ_PROGRESS_REORDER,
    SQ_PROGRESS_KIND_COUNT
} sq_progress_kind;

typedef enum sq_progress_plan {
    SQ_PROGRESS_NORTH_AMERICA = 0,   /* dual tones, precise tone plan */
    SQ_PROGRESS_EUROPE,              /* 425 Hz */
} sq_progress_plan;

/* "dial_tone", "ringback", "busy", "reorder". */
SQ_API const char *sq_progress_kind_to_str(sq_progress_kind k);

typedef struct sq_progress_params {
    sq_progress_kind kind;
    sq_progress_plan plan;
    uint32_t sample_rate_hz;   /* 8000..48000 */
    double level_dbm0;         /* each tone, -50..-3 (default -13 dial, -19 ringback, -24 busy) */
    double duration_s;         /* 0.1..3600; 0: 3 s of dial tone, two rings, four busy cycles */
} sq_progress_params;

SQ_API void sq_progress_default_params(sq_progress_kind kind, sq_progress_plan plan, uint32_t sample_rate_hz,
                                       sq_progress_params *p);

typedef struct sq_progress_tx sq_progress_tx;

SQ_API SQ_NODISCARD int sq_progress_tx_create(const sq_progress_params *p, sq_progress_tx **out);
/* As sq_tonegen_generate: up to n samples; fewer only at the end. */
SQ_API size_t sq_progress_tx_generate(sq_progress_tx *g, float *out, size_t n);
SQ_API size_t sq_progress_tx_remaining(const sq_progress_tx *g);
SQ_API void sq_progress_tx_destroy(sq_progress_tx *g);

typedef struct sq_progress_tone {
    sq_progress_kind kind;
    double start_s, end_s;      /* counted from the first sample the receiver was given */
    double freq_hz, freq2_hz;   /* the tones (freq2_hz 0 for a single tone) */
    double level_dbm0;          /* each tone's mean level while on */
    size_t bursts;              /* 1 for a dial tone */
    double on_s, off_s;         /* mean lengths (off 0 with one burst) */
} sq_progress_tone;

typedef struct sq_progress_rx sq_progress_rx;

/* A receiver at 8 kHz. */
SQ_API SQ_NODISCARD int sq_progress_rx_create(sq_progress_rx **out);
SQ_API void sq_progress_rx_process(sq_progress_rx *r, const float *x, size_t n);
/* The input has ended: what is under way is judged on what was heard. */
SQ_API void sq_progress_rx_finish(sq_progress_rx *r);
/* The next tone named: SQ_OK, or SQ_EAGAIN. A tone is named once its cadence is over (the
 * next burst is late, or another sound comes). */
SQ_API int sq_progress_rx_next(sq_progress_rx *r, sq_progress_tone *out);
/* 1 once three bursts of busy or reorder cadence have been heard and the tone goes on (a
 * dialling modem need not wait for it to stop). */
SQ_API int sq_progress_rx_busy_now(const sq_progress_rx *r);
/* The earliest start of a tone not yet named (the time now when none is under way). */
SQ_API double sq_progress_rx_open_since_s(const sq_progress_rx *r);
SQ_API void sq_progress_rx_destroy(sq_progress_rx *r);

#ifdef __cplusplus
}
#endif

#endif
