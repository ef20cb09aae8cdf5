/* Internal: the recent samples a windowed receiver keeps, in a ring where each sample is
 * stored twice, `len` apart: the newest len samples always lie together, oldest first, at
 * ring[head .. head + len), so a window is one contiguous run however the ring has turned.
 * Samples go in a block at a time (memcpy), not one by one: receivers that only keep
 * history while they rest cost next to nothing. */
#ifndef SQ_DSP_SAMPLE_RING_H
#define SQ_DSP_SAMPLE_RING_H

#include <stddef.h>
#include <string.h>

/* Stores x[0..n) (n <= len) in ring[2 * len] after the sample at *head, and moves *head on. */
static inline void sq_ring_keep(float *ring, size_t len, size_t *head, const float *x, size_t n)
{
    size_t first = len - *head < n ? len - *head : n;
    memcpy(ring + *head, x, first * sizeof *x);
    memcpy(ring + *head + len, x, first * sizeof *x);
    memcpy(ring, x + first, (n - first) * sizeof *x);
    memcpy(ring + len, x + first, (n - first) * sizeof *x);
    *head = *head + n >= len ? *head + n - len : *head + n;
}

/* Where a receiver that looks at a window of its ring every `hop` samples stands. */
typedef struct sq_window_clock {
    size_t head;         /* where the next sample goes in the ring */
    size_t filled;       /* samples kept, up to the window's length */
    size_t since_eval;   /* samples since the last window was due */
} sq_window_clock;

/* Moves the clock on through x[0..n) up to the sample with which a window falls due (`hop`
 * after the last one, once a whole window is in); returns how many it took, and *due whether
 * a window is due after them. Keeps none of them: for a receiver at rest whose history
 * nothing reads until it wakes, when sq_ring_recall puts back what it needs. */
static inline size_t sq_ring_skip_to_window(size_t len, sq_window_clock *c, size_t window, size_t hop, size_t n,
                                            int *due)
{
    size_t to_window = c->filled < window ? window - c->filled : 0;
    size_t to_hop = c->since_eval < hop ? hop - c->since_eval : 0;
    size_t until = to_window > to_hop ? to_window : to_hop;
    size_t take = n < until ? n : until;
    c->head = (c->head + take) % len;
    c->filled = c->filled + take < window ? c->filled + take : window;
    c->since_eval += take;
    *due = take == until;
    if (*due)
        c->since_eval = 0;
    return take;
}

/* The same, keeping the samples taken in ring[2 * len]. */
static inline size_t sq_ring_keep_to_window(float *ring, size_t len, sq_window_clock *c, size_t window,
                                            size_t hop, const float *x, size_t n, int *due)
{
    size_t head = c->head;
    size_t take = sq_ring_skip_to_window(len, c, window, hop, n, due);
    sq_ring_keep(ring, len, &head, x, take);
    return take;
}

/* Writes last[0..m) (m <= len, oldest first) into ring[2 * len] as the m samples before
 * `head`: the ring then holds them as if it had kept them. */
static inline void sq_ring_recall(float *ring, size_t len, size_t head, const float *last, size_t m)
{
    size_t at = (head + len - m) % len;
    for (size_t i = 0; i < m; i++, at = at + 1 == len ? 0 : at + 1)
        ring[at] = ring[at + len] = last[i];
}

#endif
