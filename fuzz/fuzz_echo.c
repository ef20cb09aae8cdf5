/* libFuzzer: the cross-channel echo canceller fed two-channel frames in chunk sizes the input
 * chooses, then asked about stretches the input chooses. The first byte picks how the rest is
 * read (16-bit PCM, or raw float bit patterns, NaN and infinities included); the next eight
 * give four chunk sizes, the next eight two stretches to ask about. Every frame comes back,
 * finite, every answer is finite, and the stretches of echo told lie within what came back. */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "squeal/squeal.h"

#define MAX_FRAMES (8000 * 6)   /* past the ring, so asking about the oldest is out of reach */

static float in[2 * MAX_FRAMES], out[2 * MAX_FRAMES];

static void check(const float *x, size_t n)
{
    for (size_t i = 0; i < 2 * n; i++)
        if (!isfinite(x[i]) || fabsf(x[i]) > 1e6f)
            __builtin_trap();
}

/* Stretches of echo told so far: on a channel, in order, within what was given back. */
static void check_told(sq_echo_canceller *ec, size_t given)
{
    sq_echo_stretch st;
    while (sq_echo_canceller_next_stretch(ec, &st) == SQ_OK)
        if ((st.ch != 0 && st.ch != 1) || !(st.start_s < st.end_s) || st.end_s * 8000.0 > (double)given + 0.5 ||
            !isfinite(st.level_dbfs))
            __builtin_trap();
    double h = sq_echo_canceller_horizon_s(ec);
    if (!(h >= 0.0) || h * 8000.0 > (double)given + 0.5)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 17)
        return 0;
    int as_float = data[0] & 1;
    uint16_t chunks[4], spans[4];
    memcpy(chunks, data + 1, sizeof chunks);
    memcpy(spans, data + 9, sizeof spans);
    data += 17;
    size -= 17;
    size_t n = 0, step = as_float ? 4 : 2;
    for (size_t i = 0; n < 2 * MAX_FRAMES && i + step <= size; i += step) {
        if (as_float) {
            memcpy(&in[n++], data + i, 4);
        } else {
            int16_t v;
            memcpy(&v, data + i, 2);
            in[n++] = v / 32768.0f;
        }
    }
    size_t frames = n / 2;
    /* a recording is long: the input repeated, so the canceller gets past its first blocks */
    for (size_t k = 1; frames > 0 && frames * (k + 1) <= MAX_FRAMES && k < 8; k++)
        memcpy(&in[2 * frames * k], in, 2 * frames * sizeof in[0]), n = 2 * frames * (k + 1);
    frames = n / 2;
    sq_echo_canceller *ec;
    if (sq_echo_canceller_create(&ec) != SQ_OK)
        return 0;
    size_t done = 0, given = 0;
    for (int c = 0; done < frames; c = (c + 1) % 4) {
        size_t len = chunks[c] % 5000 + 1;
        if (len > frames - done)
            len = frames - done;
        size_t got = sq_echo_canceller_process(ec, &in[2 * done], len, &out[2 * given]);
        check(&out[2 * given], got);
        given += got;
        done += len;
        check_told(ec, given);
    }
    size_t got;
    while ((got = sq_echo_canceller_flush(ec, &out[2 * given], 777)) > 0) {
        check(&out[2 * given], got);
        given += got;
        check_told(ec, given);
    }
    if (given != frames)
        __builtin_trap();
    for (int q = 0; q < 2; q++) {
        double start = spans[2 * q] / 8000.0, end = start + spans[2 * q + 1] / 8000.0;
        double db = sq_echo_canceller_explained_db(ec, q, start, end, 300.0 + (spans[q] % 2000), 3400.0);
        if (!isfinite(db) || !isfinite(sq_echo_canceller_louder_db(ec, q, start, end)))
            __builtin_trap();
        sq_echo_path p;
        sq_echo_canceller_path(ec, q, &p);
        if (p.learnt && !(isfinite(p.delay_ms) && isfinite(p.loss_db) && isfinite(p.removed_db)))
            __builtin_trap();
    }
    sq_echo_canceller_destroy(ec);
    return 0;
}
