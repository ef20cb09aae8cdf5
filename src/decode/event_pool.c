/* Event queue and text-buffer pool of the timeline decoder. */
#include <stdlib.h>
#include "squeal/error.h"
#include "src/decode/decoder_internal.h"

int sq_event_pool_init(sq_event_pool *p)
{
    p->lent = -1;
    for (size_t i = 0; i < SQ_TEXT_BUFFERS; i++) {
        p->bufs[i] = malloc(SQ_TEXT_CAPACITY);
        if (!p->bufs[i])
            return SQ_ENOMEM;
    }
    return SQ_OK;
}

void sq_event_pool_free(sq_event_pool *p)
{
    for (size_t i = 0; i < SQ_TEXT_BUFFERS; i++)
        free(p->bufs[i]);
}

int sq_event_pool_has_room(const sq_event_pool *p, size_t events, size_t bufs)
{
    size_t free_bufs = 0;
    for (size_t i = 0; i < SQ_TEXT_BUFFERS; i++)
        free_bufs += !p->busy[i];
    return SQ_EVENT_QUEUE - p->count >= events && free_bufs >= bufs;
}

int sq_event_pool_acquire(sq_event_pool *p)
{
    for (int i = 0; i < SQ_TEXT_BUFFERS; i++) {
        if (!p->busy[i]) {
            p->busy[i] = 1;
            return i;
        }
    }
    return -1;
}

void sq_event_pool_release(sq_event_pool *p, int buf)
{
    if (buf >= 0 && buf < SQ_TEXT_BUFFERS)
        p->busy[buf] = 0;
}

void sq_event_pool_queue(sq_event_pool *p, const sq_event *ev, int buf)
{
    if (p->count == SQ_EVENT_QUEUE) {   /* cannot happen: push() checks for room first */
        sq_event_pool_release(p, buf);
        return;
    }
    size_t slot = (p->head + p->count) % SQ_EVENT_QUEUE;
    p->events[slot] = *ev;
    p->event_buf[slot] = buf;
    p->count++;
}

int sq_event_pool_next(sq_event_pool *p, sq_event *ev)
{
    sq_event_pool_release(p, p->lent);
    p->lent = -1;
    if (p->count == 0)
        return SQ_EAGAIN;
    *ev = p->events[p->head];
    int buf = p->event_buf[p->head];
    if (buf >= 0) {
        ev->data = p->bufs[buf];
        p->lent = buf;
    } else {
        ev->data = NULL;
        ev->data_len = 0;
    }
    p->head = (p->head + 1) % SQ_EVENT_QUEUE;
    p->count--;
    return SQ_OK;
}
