/* V.42 LAPM error control and its HDLC framing: frames survive the bit stuffing and the
 * FCS catches damage; two links over a bit pipe with delay, bursts of garbage and a dead
 * stretch deliver every byte once, in order, and give up on a line that stays dead. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "squeal/error.h"
#include "squeal/noise.h"
#include "src/proto/hdlc.h"
#include "src/proto/lapm.h"

/* CRC-16/X.25 of "123456789" is 0x906E (the catalogue's check value). */
START_TEST(test_fcs_check_value)
{
    ck_assert_uint_eq(sq_hdlc_fcs((const uint8_t *)"123456789", 9), 0x906E);
}
END_TEST

/* Frames full of flags, runs of 1s and random octets come out whole; one flipped bit in a
 * frame loses that frame only, counted as a bad FCS. */
START_TEST(test_hdlc_round_trip)
{
    sq_noise *g = NULL;
    ck_assert_int_eq(sq_noise_create(11, &g), SQ_OK);
    sq_hdlc_tx tx;
    sq_hdlc_rx rx;
    sq_hdlc_tx_init(&tx);
    sq_hdlc_rx_init(&rx);
    uint8_t sent[60][SQ_HDLC_MAX_FRAME], got[SQ_HDLC_MAX_FRAME];
    size_t sent_len[60];
    int next_in = 0, next_out = 0;
    long bit_no = 0;
    const long damage_bit = 15000;   /* somewhere in the middle of the run */
    while (next_out < 60 && bit_no < 2000000) {
        if (!sq_hdlc_tx_busy(&tx) && next_in < 60) {
            size_t n = 2 + sq_noise_u32(g) % (SQ_HDLC_MAX_FRAME - 1);
            for (size_t i = 0; i < n; i++) {
                uint32_t kind = (uint32_t)next_in % 3;
                sent[next_in][i] = kind == 0 ? 0x7E : kind == 1 ? 0xFF : (uint8_t)sq_noise_u32(g);
            }
            sent_len[next_in] = n;
            ck_assert_int_eq(sq_hdlc_tx_frame(&tx, sent[next_in], n), 0);
            ck_assert_int_eq(sq_hdlc_tx_frame(&tx, sent[next_in], n), -1);   /* busy */
            next_in++;
        }
        uint8_t b = sq_hdlc_tx_bit(&tx);
        if (bit_no++ == damage_bit)
            b ^= 1u;
        size_t n = sq_hdlc_rx_bit(&rx, b, got);
        if (!n)
            continue;
        if (n != sent_len[next_out] || memcmp(got, sent[next_out], n))
            next_out++;   /* the damaged frame was skipped: compare with the next */
        ck_assert_uint_eq(n, sent_len[next_out]);
        ck_assert_mem_eq(got, sent[next_out], n);
        next_out++;
    }
    ck_assert_int_eq(next_out, 60);
    ck_assert_uint_eq(rx.good, 59);
    ck_assert_uint_eq(rx.bad_fcs + rx.bad_length, 1);
    sq_noise_destroy(g);
}
END_TEST

/* Two links joined by a bit pipe in each direction at 2400 bit/s, with a delay: 300 ms each
 * way, or a second (sound cards and a sound server between two processes). */
#define RATE 2400
#define MAX_DELAY_BITS 2400
#define TOTAL 20000
static const int delays[2] = { 720, 2400 };

typedef struct pipe_end {
    sq_lapm *link;
    int delay_bits;
    uint8_t delay[MAX_DELAY_BITS];
    uint8_t sent[TOTAL], got[TOTAL];
    size_t n_sent, n_got;
} pipe_end;

/* Runs until both sides have received everything or `seconds` pass. damage(t) says whether
 * the bits at second t are replaced by noise. Returns the seconds taken. */
static double run_pipe(pipe_end *e, double seconds, int (*damage)(double t), sq_noise *g)
{
    long bits = (long)(seconds * RATE);
    for (long i = 0; i < bits; i++) {
        double t = (double)i / RATE;
        uint64_t now = (uint64_t)(t * 8000.0);
        for (int k = 0; k < 2; k++) {
            sq_lapm_tick(e[k].link, now);
            if (e[k].n_sent < TOTAL)
                e[k].n_sent += sq_lapm_send(e[k].link, e[k].sent + e[k].n_sent, TOTAL - e[k].n_sent);
        }
        for (int k = 0; k < 2; k++) {
            uint8_t b = sq_lapm_tx_bit(e[k].link);
            uint8_t *slot = &e[k].delay[i % e[k].delay_bits];
            uint8_t arriving = *slot;
            *slot = b;
            if (damage && damage(t))
                arriving = (uint8_t)(sq_noise_u32(g) & 1u);
            if (i >= e[k].delay_bits)
                sq_lapm_rx_bit(e[!k].link, arriving);
        }
        for (int k = 0; k < 2; k++)
            e[k].n_got += sq_lapm_receive(e[k].link, e[k].got + e[k].n_got, TOTAL - e[k].n_got);
        if (e[0].n_got == TOTAL && e[1].n_got == TOTAL && !sq_lapm_pending(e[0].link) && !sq_lapm_pending(e[1].link))
            return t;
    }
    return seconds;
}

static pipe_end *make_pipe(uint32_t seed, int delay_bits)
{
    pipe_end *e = calloc(2, sizeof *e);
    ck_assert_ptr_nonnull(e);
    srand(seed);
    for (int k = 0; k < 2; k++) {
        ck_assert_int_eq(sq_lapm_create(k == 0, RATE, &e[k].link), SQ_OK);
        e[k].delay_bits = delay_bits;
        for (size_t i = 0; i < TOTAL; i++)
            e[k].sent[i] = (uint8_t)rand();
        sq_lapm_start(e[k].link, 0);
    }
    return e;
}

static void check_delivered(pipe_end *e)
{
    for (int k = 0; k < 2; k++) {
        ck_assert_uint_eq(e[!k].n_got, TOTAL);
        ck_assert_mem_eq(e[!k].got, e[k].sent, TOTAL);
        ck_assert_int_eq(sq_lapm_stats_get(e[k].link)->state, SQ_LAPM_UP);
    }
}

static void free_pipe(pipe_end *e)
{
    for (int k = 0; k < 2; k++)
        sq_lapm_destroy(e[k].link);
    free(e);
}

/* A clean pipe: nothing resent, no polls (T401 outlasts the round trip), and faster than
 * start-stop characters would be. */
START_TEST(test_link_clean)
{
    pipe_end *e = make_pipe(1, delays[_i]);
    double t = run_pipe(e, 120, NULL, NULL);
    check_delivered(e);
    for (int k = 0; k < 2; k++) {
        ck_assert_uint_eq(sq_lapm_stats_get(e[k].link)->frames_resent, 0);
        ck_assert_uint_eq(sq_lapm_stats_get(e[k].link)->frames_bad, 0);
        ck_assert_uint_eq(sq_lapm_stats_get(e[k].link)->polls, 0);
    }
    ck_assert_double_lt(t, TOTAL * 10.0 / RATE);   /* 8N1 would need 83.3 s */
    free_pipe(e);
}
END_TEST

/* 400 ms of garbage every 5 s both ways (a retrain, a sound server's skip, a burst of
 * noise): every byte arrives once and in order, and frames were resent. */
static int bursts(double t)
{
    double in = t - 5.0 * (int)(t / 5.0);
    return t > 2.0 && in >= 2.0 && in < 2.4;
}

START_TEST(test_link_recovers_from_bursts)
{
    pipe_end *e = make_pipe(2, delays[0]);
    sq_noise *g = NULL;
    ck_assert_int_eq(sq_noise_create(5, &g), SQ_OK);
    run_pipe(e, 300, bursts, g);
    check_delivered(e);
    for (int k = 0; k < 2; k++) {
        const sq_lapm_stats *st = sq_lapm_stats_get(e[k].link);
        ck_assert_uint_gt(st->frames_resent, 0);
        ck_assert_uint_gt(st->frames_bad, 0);
    }
    sq_noise_destroy(g);
    free_pipe(e);
}
END_TEST

/* 8 s dead in the middle (T401 runs out a few times): the polls bring it back, also when
 * the answer to a poll is lost after everything was acknowledged (timer recovery then
 * has nothing outstanding, and only another poll ends it). */
static int dead_stretch(double t)
{
    return t >= 10.0 && t < 18.0;
}

START_TEST(test_link_survives_dead_stretch)
{
    pipe_end *e = make_pipe(3, delays[_i]);
    sq_noise *g = NULL;
    ck_assert_int_eq(sq_noise_create(6, &g), SQ_OK);
    run_pipe(e, 300, dead_stretch, g);
    check_delivered(e);
    ck_assert_uint_gt(sq_lapm_stats_get(e[0].link)->polls, 0);
    sq_noise_destroy(g);
    free_pipe(e);
}
END_TEST

/* A line that stays dead: the link gives up with a reason instead of waiting for ever. */
static int dead_after_5s(double t)
{
    return t >= 5.0;
}

START_TEST(test_link_gives_up_on_dead_line)
{
    pipe_end *e = make_pipe(4, delays[0]);
    sq_noise *g = NULL;
    ck_assert_int_eq(sq_noise_create(7, &g), SQ_OK);
    run_pipe(e, 120, dead_after_5s, g);
    for (int k = 0; k < 2; k++) {
        const sq_lapm_stats *st = sq_lapm_stats_get(e[k].link);
        ck_assert_int_eq(st->state, SQ_LAPM_FAILED);
        ck_assert_ptr_nonnull(strstr(st->reason, "no acknowledgement"));
        /* what arrived before is a prefix of what was sent: nothing corrupt */
        ck_assert_mem_eq(e[!k].got, e[k].sent, e[!k].n_got);
    }
    sq_noise_destroy(g);
    free_pipe(e);
}
END_TEST

Suite *lapm_suite(void);
Suite *lapm_suite(void)
{
    Suite *s = suite_create("lapm");
    TCase *tc = tcase_create("lapm");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_fcs_check_value);
    tcase_add_test(tc, test_hdlc_round_trip);
    tcase_add_loop_test(tc, test_link_clean, 0, 2);
    tcase_add_test(tc, test_link_recovers_from_bursts);
    tcase_add_loop_test(tc, test_link_survives_dead_stretch, 0, 2);
    tcase_add_test(tc, test_link_gives_up_on_dead_line);
    suite_add_tcase(s, tc);
    return s;
}
