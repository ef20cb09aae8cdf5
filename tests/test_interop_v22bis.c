#define _GNU_SOURCE   /* memmem */
/* V.22bis / V.22 calls with spandsp's modem (libspandsp) as the other side: each role, at
 * 2400 bit/s and at 1200 bit/s (whichever side asks for it), with data checked byte for byte
 * in both directions. spandsp's receiver decoding ours is part of every call. The two start
 * at the V.22bis handshake, as after V.8 has chosen V.22bis. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "src/sim/spandsp_peer.h"
#include "squeal/squeal.h"

#define BLOCK 160
#define BYTES 1500

typedef struct interop_call {
    int our_role_caller, our_rate, their_rate;
    int their_stops_deleted;        /* spandsp's side leaves out a stop bit in 8 (V.14) */
    double snr_db;                  /* NAN: clean */
    /* out */
    int our_rate_agreed, their_rate_agreed;
    size_t we_got, we_wrong, they_got, they_wrong;
    char reason[128];
} interop_call;

static void run_call(interop_call *c, uint64_t seed)
{
    uint8_t ours[BYTES], theirs[BYTES];
    sq_noise *g = NULL;
    ck_assert_int_eq(sq_noise_create(seed, &g), SQ_OK);
    for (size_t i = 0; i < BYTES; i++) {
        ours[i] = (uint8_t)sq_noise_u32(g);
        theirs[i] = (uint8_t)sq_noise_u32(g);
    }
    sq_noise_destroy(g);
    sq_v22_settings set;
    sq_v22_default_settings(c->our_role_caller ? SQ_ROLE_CALLER : SQ_ROLE_ANSWERER, &set);
    set.max_rate = c->our_rate;
    sq_v22_session *we = NULL;
    ck_assert_int_eq(sq_v22_session_create(&set, &we), SQ_OK);
    spandsp_peer *they = spandsp_peer_create(!c->our_role_caller, c->their_rate, theirs, BYTES);
    ck_assert_ptr_nonnull(they);
    if (c->their_stops_deleted)
        spandsp_peer_delete_stops(they);
    sq_channel *line[2] = { NULL, NULL };   /* [0] to us, [1] to them */
    for (int i = 0; i < 2; i++) {
        sq_channel_params p = { .seed = seed * 2u + (uint64_t)i, .foff_hz = i ? 2.0 : -2.0,
                                .noise_rms = isnan(c->snr_db) ? 0.0 : sq_noise_rms_for_snr(-13.0, c->snr_db) };
        ck_assert_int_eq(sq_channel_create(&p, &line[i]), SQ_OK);
    }
    float to_us[BLOCK], to_them[BLOCK], from_us[BLOCK] = { 0 }, from_them[BLOCK] = { 0 };
    size_t sent = 0;
    c->we_got = c->we_wrong = 0;
    for (size_t n = 0; n < 40 * 8000; n += BLOCK) {
        sq_channel_process(line[0], from_them, to_us, BLOCK);
        sq_channel_process(line[1], from_us, to_them, BLOCK);
        sq_v22_session_process(we, to_us, from_us, BLOCK);
        spandsp_peer_process(they, to_them, from_them, BLOCK);
        const sq_v22_status *st = sq_v22_session_status_get(we);
        if (st->phase == SQ_V22_DATA && sent < BYTES)
            sent += sq_v22_session_send(we, ours + sent, BYTES - sent);
        uint8_t buf[256];
        size_t k;
        while ((k = sq_v22_session_receive(we, buf, sizeof buf)) > 0)
            for (size_t j = 0; j < k; j++, c->we_got++)
                c->we_wrong += c->we_got >= BYTES || buf[j] != theirs[c->we_got];
        size_t they_got;
        (void)spandsp_peer_received(they, &they_got);
        if (st->phase == SQ_V22_ENDED || (c->we_got >= BYTES && they_got >= BYTES))
            break;
    }
    const sq_v22_status *st = sq_v22_session_status_get(we);
    c->our_rate_agreed = st->phase == SQ_V22_DATA ? st->rate : 0;
    snprintf(c->reason, sizeof c->reason, "%s", st->reason);
    c->their_rate_agreed = spandsp_peer_trained(they) ? spandsp_peer_rate(they) : 0;
    const uint8_t *got = spandsp_peer_received(they, &c->they_got);
    c->they_wrong = 0;
    for (size_t i = 0; i < c->they_got; i++)
        c->they_wrong += i >= BYTES || got[i] != ours[i];
    spandsp_peer_destroy(they);
    sq_v22_session_destroy(we);
    for (int i = 0; i < 2; i++)
        sq_channel_destroy(line[i]);
}

static void expect_clean_call(interop_call *c, int rate)
{
    ck_assert_msg(c->our_rate_agreed == rate && c->their_rate_agreed == rate,
                  "rates: squeal %d, spandsp %d, wanted %d [%s]", c->our_rate_agreed,
                  c->their_rate_agreed, rate, c->reason);
    ck_assert_msg(c->we_got == BYTES && c->we_wrong == 0, "squeal received %zu bytes, %zu wrong",
                  c->we_got, c->we_wrong);
    ck_assert_msg(c->they_got == BYTES && c->they_wrong == 0, "spandsp received %zu bytes, %zu wrong",
                  c->they_got, c->they_wrong);
}

/* _i: bit 0 = we call; bits 1-2 = 0 both at 2400, 1 spandsp asks for 1200, 2 we do. */
START_TEST(test_v22bis_call_with_spandsp)
{
    interop_call c = { .our_role_caller = _i & 1, .our_rate = 2400, .their_rate = 2400,
                       .snr_db = 30.0 };
    int kind = _i >> 1;
    if (kind == 1)
        c.their_rate = 1200;
    if (kind == 2)
        c.our_rate = 1200;
    run_call(&c, 100u + (uint64_t)_i);
    expect_clean_call(&c, kind ? 1200 : 2400);
}
END_TEST

/* The far end's characters come in fast, one stop bit in 8 left out (V.14): all arrive. */
START_TEST(test_v22bis_deleted_stop_bits)
{
    interop_call c = { .our_role_caller = _i, .our_rate = 2400, .their_rate = 2400,
                       .snr_db = 30.0, .their_stops_deleted = 1 };
    run_call(&c, 200u + (uint64_t)_i);
    expect_clean_call(&c, 2400);
}
END_TEST

/* The caller's side alone of a spandsp-to-spandsp call (no V.8: its S1 is the first thing it
 * sends, V.22bis 6.3.1.2) decodes as the caller's V.22bis at 2400 bit/s: S1, SB1 and data
 * carrying the bytes sent (it decoded as 1200 bit/s garbage once). Seeds vary the payload. */
START_TEST(test_caller_side_alone)
{
    uint8_t payload[200];
    sq_noise *g = NULL;
    ck_assert_int_eq(sq_noise_create(300u + (uint64_t)_i, &g), SQ_OK);
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)(' ' + sq_noise_u32(g) % 90);
    sq_noise_destroy(g);
    spandsp_peer *caller = spandsp_peer_create(1, 2400, payload, sizeof payload);
    spandsp_peer *answerer = spandsp_peer_create(0, 2400, payload, 0);
    ck_assert_ptr_nonnull(caller);
    ck_assert_ptr_nonnull(answerer);
    sq_decoder_settings set;
    sq_decoder_default_settings(&set);
    sq_decoder *d = NULL;
    ck_assert_int_eq(sq_decoder_create(&set, &d), SQ_OK);
    float to_caller[BLOCK] = { 0 }, to_answerer[BLOCK] = { 0 }, a[BLOCK], c[BLOCK];
    int s1 = 0, rate = 0;
    size_t got = 0;
    char text[4096];
    for (int blk = 0; blk < 8000 * 6 / BLOCK; blk++) {
        spandsp_peer_process(caller, to_caller, c, BLOCK);
        spandsp_peer_process(answerer, to_answerer, a, BLOCK);
        memcpy(to_answerer, c, sizeof c);
        memcpy(to_caller, a, sizeof a);
        ck_assert_uint_eq(sq_decoder_push(d, c, BLOCK), BLOCK);
        sq_event ev;
        while (sq_decoder_next_event(d, &ev) == SQ_OK) {
            s1 += ev.type == SQ_EVENT_S1 && ev.fsk_channel == 1;
            if (ev.type == SQ_EVENT_DATA && ev.fsk_channel == 1 && got == 0) {
                rate = ev.rate;
                got = ev.data_len < sizeof text ? ev.data_len : sizeof text;
                memcpy(text, ev.data, got);
            }
        }
    }
    sq_decoder_finish(d);
    sq_event ev;
    while (sq_decoder_next_event(d, &ev) == SQ_OK)
        if (ev.type == SQ_EVENT_DATA && ev.fsk_channel == 1 && got == 0) {
            rate = ev.rate;
            got = ev.data_len < sizeof text ? ev.data_len : sizeof text;
            memcpy(text, ev.data, got);
        }
    sq_decoder_destroy(d);
    spandsp_peer_destroy(caller);
    spandsp_peer_destroy(answerer);
    ck_assert_int_eq(s1, 1);
    ck_assert_int_eq(rate, 2400);
    ck_assert_msg(got >= sizeof payload && memmem(text, got, payload, sizeof payload) != NULL,
                  "the caller's %zu bytes are not in the %zu decoded", sizeof payload, got);
}
END_TEST

Suite *interop_v22bis_suite(void);
Suite *interop_v22bis_suite(void)
{
    Suite *s = suite_create("interop_v22bis");
    TCase *tc = tcase_create("interop_v22bis");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_v22bis_call_with_spandsp, 0, 6);
    tcase_add_loop_test(tc, test_v22bis_deleted_stop_bits, 0, 2);
    tcase_add_loop_test(tc, test_caller_side_alone, 0, 5);
    suite_add_tcase(s, tc);
    return s;
}
