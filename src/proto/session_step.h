/* Internal: the time grid every session runs on.
 *
 * A session transmits a step at a time, generated at the step's start from the state the
 * previous step left, hears the step's samples in whatever pieces they come, and steps its
 * state machine when the step is complete. Steps are counted from the session's own start,
 * and a call starts each session on a step boundary of its own, so the samples a call sends
 * do not depend on how its caller chunks the audio (1 sample at a time or 4096). */
#ifndef SQ_PROTO_SESSION_STEP_H
#define SQ_PROTO_SESSION_STEP_H

#define SQ_STEP_SAMPLES 40   /* 5 ms at 8 kHz */

#endif
