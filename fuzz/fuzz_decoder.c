/* libFuzzer: the timeline decoder fed samples in chunk sizes the input chooses. The first
 * byte's bit 0 picks how the rest is read (16-bit PCM, or raw float bit patterns, NaN and
 * infinities included), its bit 1 whether both sides are on the channel; each later pair of
 * bytes in a small header gives the next chunk's size. */
#include <stdint.h>
#include <string.h>
#include "squeal/squeal.h"

#define MAX_SAMPLES (8000 * 5)   /* enough for a V.8 exchange and the start of training */

/* The constellation tap sees every data symbol: they must be finite and decided. */
static void check_symbol(void *user, const sq_decoder_symbol *sym)
{
    (void)user;
    if (!(sym->re == sym->re) || !(sym->point_re == sym->point_re) || (sym->fsk_channel != 1 && sym->fsk_channel != 2))
        __builtin_trap();
}

/* ... and the FSK tap every bit: a finite decision variable within -1..1. */
static void check_bit(void *user, const sq_decoder_fsk_bit *b)
{
    (void)user;
    if (!(b->confidence >= -1.0f && b->confidence <= 1.0f) || (b->fsk_channel != 1 && b->fsk_channel != 2))
        __builtin_trap();
}

static void drain(sq_decoder *d)
{
    sq_event ev;
    while (sq_decoder_next_event(d, &ev) == SQ_OK)
        ;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 9)
        return 0;
    int as_float = data[0] & 1, both_sides = (data[0] >> 1) & 1;
    uint16_t chunks[4];
    memcpy(chunks, data + 1, sizeof chunks);
    data += 9;
    size -= 9;
    static float x[MAX_SAMPLES];
    size_t n = 0;
    for (size_t i = 0; n < MAX_SAMPLES && i + (as_float ? 4 : 2) <= size; i += as_float ? 4 : 2) {
        if (as_float) {
            memcpy(&x[n++], data + i, 4);
        } else {
            int16_t v;
            memcpy(&v, data + i, 2);
            x[n++] = v / 32768.0f;
        }
    }
    sq_decoder_settings s;
    sq_decoder_default_settings(&s);
    s.both_sides = (uint8_t)both_sides;
    sq_decoder *d = NULL;
    if (sq_decoder_create(&s, &d) != SQ_OK)
        return 0;
    /* the far end's MP, as a two-channel file's other channel would give it: its precoder
     * from the samples' first bytes, the non-linear encoder on (what V.34's data is read with) */
    sq_event far;
    memset(&far, 0, sizeof far);
    far.type = SQ_EVENT_MP;
    far.end_s = 1.0;
    far.mp.type = 1;
    far.mp.nonlinear = 1;
    memcpy(far.mp.precoder, data, size < sizeof far.mp.precoder ? size : sizeof far.mp.precoder);
    sq_decoder_far_mp(d, &far);
    sq_decoder_set_symbol_tap(d, check_symbol, NULL);
    sq_decoder_set_fsk_bit_tap(d, check_bit, NULL);
    for (size_t i = 0, k = 0; i < n; k++) {
        size_t len = chunks[k % 4] % 5000 + 1;
        len = len > n - i ? n - i : len;
        size_t took = sq_decoder_push(d, x + i, len);
        i += took;
        drain(d);
    }
    sq_decoder_finish(d);
    drain(d);
    /* squeal decode finishes each channel in turn: the other's last MP, cut short by the
     * file's end, reaches this one after its finish */
    far.end_s = (double)n / 8000.0;
    far.mp.type = 0;
    sq_decoder_far_mp(d, &far);
    drain(d);
    sq_decoder_destroy(d);
    return 0;
}
