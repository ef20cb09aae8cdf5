/* A single-producer, single-consumer ring of float samples, lock-free (C11 atomics).
 *
 * The sound card's callback is one end and the modem's thread the other: neither ever
 * waits for the other, allocates or takes a lock. The capacity is a power of two so that
 * the indices can run freely and wrap by masking. */
#ifndef SQ_IO_RING_BUFFER_H
#define SQ_IO_RING_BUFFER_H

#include <stdatomic.h>
#include <stddef.h>

typedef struct sq_ring {
    float *buf;
    size_t mask;                 /* capacity - 1 */
    _Atomic size_t head;         /* written by the producer only: total samples pushed */
    _Atomic size_t tail;         /* written by the consumer only: total samples popped */
} sq_ring;

/* capacity is rounded up to a power of two; 0 or -1 (out of memory). */
int sq_ring_init(sq_ring *r, size_t capacity);
void sq_ring_free(sq_ring *r);
size_t sq_ring_capacity(const sq_ring *r);
/* Samples waiting (consumer's view) and free space (producer's view). */
size_t sq_ring_count(sq_ring *r);
size_t sq_ring_space(sq_ring *r);
/* Producer: copies as many of n as fit; returns how many. */
size_t sq_ring_push(sq_ring *r, const float *x, size_t n);
/* Producer: n zeros, as many as fit. */
size_t sq_ring_push_zeros(sq_ring *r, size_t n);
/* Consumer: copies up to n; returns how many. */
size_t sq_ring_pop(sq_ring *r, float *x, size_t n);

#endif
