/* Helpers shared by the Check suites. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tests/support/test_util.h"
#include "src/sim/interference.h"

sig make_tone(sq_tone_kind kind, double level_dbm0, double duration_s, double offset_hz)
{
    sq_tone_params p;
    sq_tone_default_params(kind, 8000, &p);
    p.level_dbm0 = level_dbm0;
    p.duration_s = duration_s;
    p.freq_offset_hz = offset_hz;
    sq_tonegen *g = NULL;
    ck_assert_int_eq(sq_tonegen_create(&p, &g), SQ_OK);
    sig s = { .n = sq_tonegen_remaining(g) };
    s.x = calloc(s.n, sizeof *s.x);
    ck_assert_ptr_nonnull(s.x);
    ck_assert_uint_eq(sq_tonegen_generate(g, s.x, s.n), s.n);
    sq_tonegen_destroy(g);
    return s;
}

sig make_fsk(const sq_fsk_params *p, const sq_async_format *f, const char *text, double level_dbm0,
             double offset_hz)
{
    size_t len = strlen(text), per = (size_t)sq_async_bits_per_char(f);
    size_t lead = 45, tail = 15, nbits = lead + len * per + tail;
    uint8_t *bits = malloc(nbits);
    ck_assert_ptr_nonnull(bits);
    memset(bits, 1, nbits);
    for (size_t i = 0; i < len; i++)
        sq_async_frame_byte(f, (uint8_t)text[i], bits + lead + i * per);
    sq_fskmod_params q;
    sq_fskmod_default_params(p, &q);
    q.offset_hz = offset_hz;
    q.level_dbm0 = level_dbm0;
    q.queue_bits = nbits;
    sq_fskmod *m = NULL;
    ck_assert_int_eq(sq_fskmod_create(&q, &m), SQ_OK);
    ck_assert_uint_eq(sq_fskmod_push_bits(m, bits, nbits), nbits);
    sig s = { .n = (size_t)ceil((double)nbits * 8000.0 / p->baud) };
    s.x = malloc(s.n * sizeof *s.x);
    ck_assert_ptr_nonnull(s.x);
    sq_fskmod_generate(m, s.x, s.n);
    sq_fskmod_destroy(m);
    free(bits);
    return s;
}

sig make_fsk_typed(const sq_fsk_params *p, const char *text, double level_dbm0, uint64_t seed)
{
    /* continuous phase, as one oscillator keyed by a UART: sq_fskmod keeps every bit on one
     * clock, so the characters are timed here */
    sq_noise *g = NULL;
    ck_assert_int_eq(sq_noise_create(seed, &g), SQ_OK);
    const double rate = 8000.0, bit = rate / p->baud, amplitude = sqrt(2.0 * sq_dbm0_to_power(level_dbm0));
    size_t len = strlen(text), most_idle = 3200;   /* up to 0.4 s between characters */
    sig s = { .n = 0 };
    s.x = malloc(((size_t)(len * (10.0 * bit + most_idle)) + 2400) * sizeof *s.x);
    ck_assert_ptr_nonnull(s.x);
    double phase = 0.0, start = 1200.0 + (double)(sq_noise_u32(g) % 1000) / 1000.0;   /* 150 ms of mark */
    for (size_t i = 0; i <= len; i++) {
        uint8_t bits[10];
        if (i < len)
            sq_async_frame_byte(&SQ_ASYNC_8N1, (uint8_t)text[i], bits);
        double end = i < len ? start + 10.0 * bit : start + 400.0;
        for (; (double)s.n < end; s.n++) {
            double at = ((double)s.n - start) / bit;
            int mark = i == len || at < 0.0 || bits[(int)at];
            phase = fmod(phase + 2.0 * M_PI * (mark ? p->mark_hz : p->space_hz) / rate, 2.0 * M_PI);
            s.x[s.n] = (float)(amplitude * cos(phase));
        }
        /* the next start bit after any length of mark, not a whole number of bits */
        start = end + (double)(sq_noise_u32(g) % (most_idle * 100)) / 100.0;
    }
    sq_noise_destroy(g);
    return s;
}

sig make_silence(double seconds)
{
    sig s = { .n = (size_t)lround(seconds * 8000.0) };
    s.x = calloc(s.n ? s.n : 1, sizeof *s.x);
    ck_assert_ptr_nonnull(s.x);
    return s;
}

void sig_append(sig *a, const sig *b)
{
    float *x = realloc(a->x, (a->n + b->n) * sizeof *x);
    ck_assert_ptr_nonnull(x);
    memcpy(x + a->n, b->x, b->n * sizeof *x);
    a->x = x;
    a->n += b->n;
    free(b->x);
}

void add_noise(sig *s, double rms, uint64_t seed)
{
    sq_noise *g = NULL;
    ck_assert_int_eq(sq_noise_create(seed, &g), SQ_OK);
    sq_noise_add(g, s->x, s->n, rms);
    sq_noise_destroy(g);
}

void sig_free(sig *s)
{
    free(s->x);
    s->x = NULL;
    s->n = 0;
}

static void collect(sq_decoder *d, events *out)
{
    sq_event ev;
    while (sq_decoder_next_event(d, &ev) == SQ_OK) {
        if (out->n == 64)
            continue;
        size_t len = ev.data_len < 511 ? ev.data_len : 511;
        memcpy(out->text[out->n], ev.data ? (const char *)ev.data : "", len);
        out->text[out->n][len] = 0;
        /* the copy stands for the decoder's bytes, valid as long as `out` (whole ones only) */
        ev.data = ev.data && ev.data_len <= len ? (const uint8_t *)out->text[out->n] : NULL;
        out->ev[out->n++] = ev;
    }
}

void decode_sig(const sig *s, size_t block, events *out)
{
    memset(out, 0, sizeof *out);
    sq_decoder_settings set;
    sq_decoder_default_settings(&set);
    sq_decoder *d = NULL;
    ck_assert_int_eq(sq_decoder_create(&set, &d), SQ_OK);
    for (size_t i = 0; i < s->n;) {
        size_t len = s->n - i < block ? s->n - i : block;
        size_t took = sq_decoder_push(d, s->x + i, len);
        i += took;
        collect(d, out);
    }
    sq_decoder_finish(d);
    collect(d, out);
    sq_decoder_destroy(d);
}

int find_event(const events *e, sq_event_type t)
{
    for (size_t i = 0; i < e->n; i++)
        if (e->ev[i].type == t)
            return (int)i;
    return -1;
}

sig make_speech_like(double seconds, uint64_t seed)
{
    sig s = make_silence(seconds);
    speech_like g;
    ck_assert_int_eq(speech_like_init(&g, seed), 0);
    speech_like_fill(&g, s.x, s.n);
    speech_like_free(&g);
    return s;
}

sig make_music_like(double seconds, uint64_t seed)
{
    sig s = make_silence(seconds);
    music_like g;
    ck_assert_int_eq(music_like_init(&g, seed), 0);
    music_like_fill(&g, s.x, s.n);
    music_like_free(&g);
    return s;
}

double mean_power(const float *x, size_t n)
{
    double p = 0.0;
    for (size_t i = 0; i < n; i++)
        p += (double)x[i] * x[i];
    return n ? p / (double)n : 0.0;
}
