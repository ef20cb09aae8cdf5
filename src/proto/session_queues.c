/* Note ring and byte queue shared by the sessions (src/proto/session_queues.h). */
#include <stdio.h>
#include "squeal/error.h"
#include "src/proto/session_queues.h"

void sq_note_ring_add(sq_note_ring *r, uint64_t sample, const char *fmt, va_list ap)
{
    if (r->count == SQ_NOTE_RING)
        return;
    sq_v8_note *n = &r->notes[(r->head + r->count++) % SQ_NOTE_RING];
    n->sample = sample;
    vsnprintf(n->text, sizeof n->text, fmt, ap);
}

int sq_note_ring_pop(sq_note_ring *r, sq_v8_note *out)
{
    if (!r->count)
        return SQ_EAGAIN;
    *out = r->notes[r->head];
    r->head = (r->head + 1) % SQ_NOTE_RING;
    r->count--;
    return SQ_OK;
}

size_t sq_byte_queue_push(sq_byte_queue *q, const uint8_t *data, size_t n)
{
    size_t k = 0;
    for (; k < n && q->count < SQ_BYTE_QUEUE; k++)
        q->buf[(q->head + q->count++) % SQ_BYTE_QUEUE] = data[k];
    return k;
}

size_t sq_byte_queue_pop(sq_byte_queue *q, uint8_t *out, size_t max)
{
    size_t k = 0;
    for (; k < max && q->count; k++) {
        out[k] = q->buf[q->head];
        q->head = (q->head + 1) % SQ_BYTE_QUEUE;
        q->count--;
    }
    return k;
}

size_t sq_byte_queue_peek(const sq_byte_queue *q, uint8_t *out, size_t max)
{
    size_t k = 0;
    for (; k < max && k < q->count; k++)
        out[k] = q->buf[(q->head + k) % SQ_BYTE_QUEUE];
    return k;
}
