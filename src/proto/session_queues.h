/* Internal: the two small queues every session keeps, a ring of milestone notes for status
 * lines and a ring of bytes between the user and the line. Fixed size, no allocation, so a
 * session never allocates after it is created. */
#ifndef SQ_SESSION_QUEUES_H
#define SQ_SESSION_QUEUES_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "squeal/session.h"

#define SQ_NOTE_RING 32
#define SQ_BYTE_QUEUE 4096

typedef struct sq_note_ring {
    sq_v8_note notes[SQ_NOTE_RING];
    size_t head, count;
} sq_note_ring;

/* Adds a note (dropped when the ring is full: status lines must never block the modem). */
void sq_note_ring_add(sq_note_ring *r, uint64_t sample, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* SQ_OK and the oldest note, or SQ_EAGAIN. */
int sq_note_ring_pop(sq_note_ring *r, sq_v8_note *out);

typedef struct sq_byte_queue {
    uint8_t buf[SQ_BYTE_QUEUE];
    size_t head, count;
} sq_byte_queue;

/* Appends up to n bytes; returns how many fitted. */
size_t sq_byte_queue_push(sq_byte_queue *q, const uint8_t *data, size_t n);
/* Takes up to max bytes; returns how many. */
size_t sq_byte_queue_pop(sq_byte_queue *q, uint8_t *out, size_t max);
/* Copies up to max bytes from the front without taking them; returns how many. */
size_t sq_byte_queue_peek(const sq_byte_queue *q, uint8_t *out, size_t max);

#endif
