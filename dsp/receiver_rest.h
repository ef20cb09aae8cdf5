/* Internal: receivers that rest while the line carries something none of their signals can
 * be part of (a modem's data, read by another lane of the timeline decoder): no one dials,
 * and the exchange sends no call-progress tone, inside a data call. */
#ifndef SQ_DSP_RECEIVER_REST_H
#define SQ_DSP_RECEIVER_REST_H

#include <stddef.h>
#include "squeal/dtmf.h"
#include "squeal/progress.h"

/* Takes n samples into the DTMF receiver's history without looking at its windows, as if
 * each window had shown nothing: the same state as sq_dtmf_rx_process when no digit is
 * there. While a digit or a candidate for one is being followed it processes them as usual. */
void sq_dtmf_rx_rest(sq_dtmf_rx *d, const float *x, size_t n);

/* The same for the call-progress receiver: its windows count as holding no tone (so a
 * group of bursts whose next one is late still ends on time). While a burst is under way
 * it processes them as usual. */
void sq_progress_rx_rest(sq_progress_rx *r, const float *x, size_t n);

/* The most samples sq_X_rx_history_wanted asks back. */
#define SQ_RECEIVER_RECALL_MAX 1280

/* Rest that does not keep the samples either, while nothing is being followed: the
 * receiver's history goes stale, and before it next looks at a window (sq_X_rx_process),
 * the caller gives back the last sq_X_rx_history_wanted(r) samples, oldest first, with
 * sq_X_rx_recall (0 wanted: nothing to give). For a caller that keeps the recent past anyway
 * (the timeline decoder's band watch): through an hour of data it copies nothing. */
void sq_dtmf_rx_rest_unkept(sq_dtmf_rx *d, const float *x, size_t n);
size_t sq_dtmf_rx_history_wanted(const sq_dtmf_rx *d);
void sq_dtmf_rx_recall(sq_dtmf_rx *d, const float *last, size_t m);
void sq_progress_rx_rest_unkept(sq_progress_rx *r, const float *x, size_t n);
size_t sq_progress_rx_history_wanted(const sq_progress_rx *r);
void sq_progress_rx_recall(sq_progress_rx *r, const float *last, size_t m);

#endif
