/* squeal: what every sample-driven session shares (V.8, V.22bis, the whole call): the side
 * it plays and the notes it reports, milestones for status lines and timelines ("ANSam
 * detected", "CONNECT 2400"). */
#ifndef SQUEAL_SESSION_H
#define SQUEAL_SESSION_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sq_role { SQ_ROLE_CALLER = 0, SQ_ROLE_ANSWERER } sq_role;

typedef struct sq_note {
    uint64_t sample;       /* when, in the session's samples (time_base.h) */
    char text[96];
} sq_note;
/* The name the V.8 session gave it first; the same type. */
typedef sq_note sq_v8_note;

#ifdef __cplusplus
}
#endif

#endif
