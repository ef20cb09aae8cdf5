/* squeal: cross-channel echo canceller for two-channel recordings of a call.
 *
 * A call recorded one direction per channel (a SIP ATA or a PBX capturing each leg) carries
 * on each channel an echo of the other: what the far side sent, returned by the near side's
 * hybrid through the network, 15-35 dB down and 30-150 ms late, and sometimes crosstalk
 * with no delay as well. Where both modems send at once (V.34 phase 4, V.90's digital
 * start-up) that echo sits under the channel's own signal and spoils what a receiver reads.
 *
 * The echo is linear (a codec, filters and a delay), so it can be predicted from the other
 * channel and subtracted. The canceller learns it only where it can be told apart: a block
 * of 128 ms in which the other channel carries a signal that fills the telephone band
 * without repeating itself (training, data) at least 10 dB above this one, which is then
 * nearly all echo. It finds the delays (up to 372 ms) from the cross-correlation, fits 12 ms
 * of path at one or two of them by least squares, and keeps the fit only if it removes at
 * least 10 dB of the block (a chance fit removes a fraction of a dB). From the block before
 * the one it was learnt on, every sample has the predicted echo taken out where it is within
 * 45 dB of the channel's own signal (V.34 at its top rates reads 35-40 dB); a later block
 * fitted better replaces the fit. Paths are learnt, and the echo predicted, from the samples
 * with their offset from zero taken out (a 5 Hz high-pass: an offset of 2 % of full scale
 * outweighs a 30 dB echo); what is given back keeps the channel's own offset. A channel
 * whose echo is never learnt passes through unchanged, and so does any file without a
 * linear echo between its channels. */
#ifndef SQUEAL_ECHO_CANCELLER_H
#define SQUEAL_ECHO_CANCELLER_H

#include <stddef.h>
#include "squeal/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sq_echo_canceller sq_echo_canceller;

SQ_API SQ_NODISCARD int sq_echo_canceller_create(sq_echo_canceller **out);
/* Takes n interleaved two-channel frames at SQ_PROCESSING_RATE_HZ and gives back, into
 * out (room for n frames), the frames that are ready, each channel with its echo of the
 * other taken out; returns how many. The output runs 256 ms behind the input (a fit
 * learnt on a stretch cleans that stretch too): the first calls give back nothing, and
 * sq_echo_canceller_flush gives the rest at the end. The output does not depend on how the
 * input is split into calls. A NaN comes out as 0, an infinity or anything beyond 16 times
 * full scale as 16 times full scale of its sign. */
SQ_API size_t sq_echo_canceller_process(sq_echo_canceller *ec, const float *in, size_t n, float *out);
/* At the end of the input: gives back up to max of the frames still held; returns how many
 * (0 once all are out). */
SQ_API size_t sq_echo_canceller_flush(sq_echo_canceller *ec, float *out, size_t max);

/* What is known of the echo on channel ch (0 or 1) of the other channel. */
typedef struct sq_echo_path {
    int learnt;             /* 0: nothing taken out of this channel */
    double delay_ms;        /* where its strongest part lies, after the other channel */
    double loss_db;         /* how far under the other channel it was where learnt */
    double removed_db;      /* how much of the echo the fit removed there */
    double learnt_at_s;     /* when the fit in use was learnt (end of its block) */
} sq_echo_path;

/* How much of channel ch's audio (0 or 1) from start_s to end_s (input time: seconds since
 * the first frame given), in the band lo_hz to hi_hz, is an echo of the other channel: the
 * dB the echo path learnt for the channel takes out of that band (over the stretch's first
 * 128 ms); before one is learnt, the dB a least-squares fit from the other channel, at the
 * delays that explain the stretch best, takes out. 0 when the stretch is under 48 ms long
 * or no longer held (4 s back); about 0 for audio of the channel's own through a learnt path
 * and a few dB through a fresh fit (which explains a little of anything by chance), over
 * 10 dB for an echo or crosstalk, whatever the signal. */
SQ_API double sq_echo_canceller_explained_db(sq_echo_canceller *ec, int ch, double start_s, double end_s,
                                             double lo_hz, double hi_hz);
/* How many dB louder the other channel is than channel ch over the same stretch as
 * sq_echo_canceller_explained_db looks at (negative where ch is the louder); 0 where that
 * gives 0. An echo comes back quieter than what it echoes: where a stretch is one side's
 * alone but both channels carry it (crosstalk), each channel's audio explains the other's,
 * and only this tells the source from its copy. (API 2.15) */
SQ_API double sq_echo_canceller_louder_db(sq_echo_canceller *ec, int ch, double start_s, double end_s);
SQ_API void sq_echo_canceller_path(const sq_echo_canceller *ec, int ch, sq_echo_path *out);

/* A stretch of a channel that was the other channel's echo: 40 ms or more in which, frame by
 * frame (20 ms), the frames given back carried over -48 dBFS (where a listener would take
 * them for a signal) and the echo taken out was 90 % of it or more. */
typedef struct sq_echo_stretch {
    int ch;                 /* 0 or 1: the channel that carried it (the echo is of 1 - ch) */
    double start_s, end_s;
    double level_dbfs;      /* its mean level as recorded */
} sq_echo_stretch;

/* The next stretch that has ended, oldest first: SQ_OK, or SQ_EAGAIN when none is waiting.
 * Up to 64 wait; ask after each call to process or flush (a call of 4096 frames ends 26 at
 * most). */
SQ_API int sq_echo_canceller_next_stretch(sq_echo_canceller *ec, sq_echo_stretch *out);
/* The time before which every stretch of echo has been told (where one is open, its start). */
SQ_API double sq_echo_canceller_horizon_s(const sq_echo_canceller *ec);
SQ_API void sq_echo_canceller_destroy(sq_echo_canceller *ec);

#ifdef __cplusplus
}
#endif

#endif
