/* Lock-free single-producer, single-consumer sample ring (ring_buffer.h).
 *
 * Each side owns one index. The producer publishes with a release store on head after
 * copying; the consumer reads head with acquire before copying out, and hands space back
 * with a release store on tail. That pairing is all the ordering the copies need. */
#include "src/io/ring_buffer.h"
#include <stdlib.h>
#include <string.h>

int sq_ring_init(sq_ring *r, size_t capacity)
{
    size_t cap = 1;
    while (cap < capacity)
        cap <<= 1;
    r->buf = calloc(cap, sizeof *r->buf);
    if (!r->buf)
        return -1;
    r->mask = cap - 1;
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    return 0;
}

void sq_ring_free(sq_ring *r)
{
    free(r->buf);
    r->buf = NULL;
}

size_t sq_ring_capacity(const sq_ring *r)
{
    return r->mask + 1;
}

size_t sq_ring_count(sq_ring *r)
{
    return atomic_load_explicit(&r->head, memory_order_acquire) -
           atomic_load_explicit(&r->tail, memory_order_acquire);
}

size_t sq_ring_space(sq_ring *r)
{
    return sq_ring_capacity(r) - sq_ring_count(r);
}

/* Copies n samples in (x, or zeros when x is NULL) at the producer's end. */
static size_t push(sq_ring *r, const float *x, size_t n)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    size_t space = sq_ring_capacity(r) - (head - tail);
    if (n > space)
        n = space;
    size_t at = head & r->mask, first = sq_ring_capacity(r) - at;
    if (first > n)
        first = n;
    if (x) {
        memcpy(r->buf + at, x, first * sizeof *x);
        memcpy(r->buf, x + first, (n - first) * sizeof *x);
    } else {
        memset(r->buf + at, 0, first * sizeof *r->buf);
        memset(r->buf, 0, (n - first) * sizeof *r->buf);
    }
    atomic_store_explicit(&r->head, head + n, memory_order_release);
    return n;
}

size_t sq_ring_push(sq_ring *r, const float *x, size_t n)
{
    return push(r, x, n);
}

size_t sq_ring_push_zeros(sq_ring *r, size_t n)
{
    return push(r, NULL, n);
}

size_t sq_ring_pop(sq_ring *r, float *x, size_t n)
{
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    if (n > head - tail)
        n = head - tail;
    size_t at = tail & r->mask, first = sq_ring_capacity(r) - at;
    if (first > n)
        first = n;
    memcpy(x, r->buf + at, first * sizeof *x);
    memcpy(x + first, r->buf, (n - first) * sizeof *x);
    atomic_store_explicit(&r->tail, tail + n, memory_order_release);
    return n;
}
