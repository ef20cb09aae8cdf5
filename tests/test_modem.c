/* The Hayes modem (src/modem): the command set on its own, then two modems joined by a
 * line in memory, driven as a DTE would drive them: dial, ring, connect, data both ways,
 * the +++ escape and ATO, hanging up, S7, DTR, +MS and \N, and hostile typing. The DTE's
 * clock is the line's here, so the escape's guard times are exact. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "src/modem/at_modem.h"
#include "tests/support/test_util.h"

#define BLOCK 160

/* ---- the command set alone ---- */

static at_result run(at_settings *s, const char *line)
{
    at_result r;
    at_execute(s, line, "test line", &r);
    return r;
}

START_TEST(test_commands_and_registers)
{
    at_settings s;
    at_settings_factory(&s);
    at_result r = run(&s, "E0 V0 Q0 X1 S0=2 S7=30 &D3");
    ck_assert(!r.error && r.action == AT_ACTION_NONE);
    ck_assert_int_eq(s.echo, 0);
    ck_assert_int_eq(s.verbose, 0);
    ck_assert_int_eq(s.x_level, 1);
    ck_assert_int_eq(s.s[AT_S_RINGS_TO_ANSWER], 2);
    ck_assert_int_eq(s.s[AT_S_CARRIER_WAIT], 30);
    ck_assert_int_eq(s.dtr_mode, 3);
    r = run(&s, "S7?");
    ck_assert_str_eq(r.text, "030\r\n");
    /* a bad command stops the line; what came before it stays done */
    r = run(&s, "E1 S99=1 V1");
    ck_assert(r.error);
    ck_assert_int_eq(s.echo, 1);
    ck_assert_int_eq(s.verbose, 0);
    ck_assert(run(&s, "S3=200").error);     /* S3 is a character, 0..127 */
    ck_assert(run(&s, "X5").error);
    ck_assert(run(&s, "Q7").error);
    ck_assert(run(&s, "K").error);
    ck_assert(run(&s, "&Q5").error);
    r = run(&s, "Z");
    ck_assert_int_eq(r.action, AT_ACTION_RESET);
    ck_assert_int_eq(s.echo, 1);
    ck_assert_int_eq(s.verbose, 1);
    r = run(&s, "I2");
    ck_assert_ptr_nonnull(strstr(r.text, "V.22bis 2400"));
    r = run(&s, "I3");
    ck_assert_ptr_nonnull(strstr(r.text, "test line"));
}
END_TEST

START_TEST(test_dial_strings)
{
    at_settings s;
    at_settings_factory(&s);
    at_result r = run(&s, "DT 555-1234,,9W#*");
    ck_assert_int_eq(r.action, AT_ACTION_DIAL);
    ck_assert_str_eq(r.number, "5551234,,9#*");
    r = run(&s, "DL");
    ck_assert_str_eq(r.number, "5551234,,9#*");
    ck_assert(run(&s, "D123;").error);      /* voice dialling: not had */
    ck_assert(run(&s, "D12x").error);
    r = run(&s, "E0D");
    ck_assert(!r.error && r.action == AT_ACTION_DIAL && r.number[0] == '\0');
    r = run(&s, "A");
    ck_assert_int_eq(r.action, AT_ACTION_ANSWER);
    ck_assert_int_eq(run(&s, "H").action, AT_ACTION_HANGUP);
    ck_assert_int_eq(run(&s, "H1").action, AT_ACTION_NONE);
    ck_assert_int_eq(run(&s, "O").action, AT_ACTION_ONLINE);
}
END_TEST

START_TEST(test_modulation_and_error_control)
{
    at_settings s;
    at_settings_factory(&s);
    ck_assert(!run(&s, "+MS=V22").error);
    ck_assert(s.max_rate == 1200 && (s.modes & SQ_V8_V22BIS) && (s.modes & SQ_V8_V21));
    ck_assert(!run(&s, "+MS=V22B,0").error);
    ck_assert(s.max_rate == 2400 && s.modes == SQ_V8_V22BIS);
    ck_assert(!run(&s, "+MS=\"V22B\",1,300,1200").error);
    ck_assert_int_eq(s.max_rate, 1200);
    ck_assert(!run(&s, "+ms=v21").error);
    ck_assert_int_eq(s.modes, SQ_V8_V21);
    at_result r = run(&s, "+MS?");
    ck_assert_str_eq(r.text, "+MS: V21,0,300,300,300,300\r\n");
    ck_assert(run(&s, "+MS=V34").error);
    ck_assert(run(&s, "+MS=V22B,1,100,200").error);
    ck_assert(run(&s, "+MS=V22B,0,300,600").error);   /* no V.21 fallback left to run at 600 */
    ck_assert(!run(&s, "\\N4").error);
    ck_assert_int_eq(s.error_control, AT_EC_REQUIRED);
    ck_assert(!run(&s, "\\N0").error);
    ck_assert_int_eq(s.error_control, AT_EC_NONE);
    ck_assert(run(&s, "\\N5").error);
    ck_assert(!run(&s, "+ES=3,0,2").error);
    ck_assert_int_eq(s.error_control, AT_EC_REQUIRED);
    ck_assert(!run(&s, "+ES=3").error);
    ck_assert_int_eq(s.error_control, AT_EC_AUTO);
    ck_assert(run(&s, "+ES=4").error);
    ck_assert(!run(&s, "+ES=1;+GMR").error);
    ck_assert_int_eq(s.error_control, AT_EC_NONE);
}
END_TEST

START_TEST(test_result_codes)
{
    at_settings s;
    at_settings_factory(&s);
    char t[64];
    at_result_text(&s, AT_CONNECT, 2400, 1, t, sizeof t);
    ck_assert_str_eq(t, "\r\nCONNECT 2400/ARQ\r\n");
    s.x_level = 0;
    at_result_text(&s, AT_CONNECT, 2400, 1, t, sizeof t);
    ck_assert_str_eq(t, "\r\nCONNECT\r\n");
    s.x_level = 4;
    s.verbose = 0;
    at_result_text(&s, AT_CONNECT, 1200, 0, t, sizeof t);
    ck_assert_str_eq(t, "5\r");
    at_result_text(&s, AT_NO_CARRIER, 0, 0, t, sizeof t);
    ck_assert_str_eq(t, "3\r");
    s.quiet = 1;
    at_result_text(&s, AT_OK, 0, 0, t, sizeof t);
    ck_assert_str_eq(t, "");
}
END_TEST

/* ---- two modems on a line ---- */

typedef struct side {
    at_modem *m;
    char seen[1 << 16];      /* everything the DTE was sent */
    size_t seen_len;
} side;

typedef struct pair {
    side a, b;
    float a_to_b[BLOCK], b_to_a[BLOCK];
    uint64_t n;
    sq_noise *noise;
} pair;

static double now_s(const pair *p)
{
    return (double)p->n / 8000.0;
}

static void make_side(side *s, int auto_answer)
{
    at_modem_config cfg;
    memset(&cfg, 0, sizeof cfg);
    sq_call_default_settings(SQ_ROLE_CALLER, &cfg.call);
    cfg.call.v8.lapm = 1;
    cfg.call.v8.call_signal = SQ_CALL_SIGNAL_CI;
    at_settings_factory(&cfg.profile);
    cfg.profile.s[AT_S_RINGS_TO_ANSWER] = (uint8_t)auto_answer;
    cfg.line_info = "memory";
    ck_assert_int_eq(at_modem_create(&cfg, &s->m), 0);
    s->seen_len = 0;
    s->seen[0] = '\0';
}

static pair *make_pair(int b_auto_answer)
{
    pair *p = calloc(1, sizeof *p);
    make_side(&p->a, 0);
    make_side(&p->b, b_auto_answer);
    ck_assert_int_eq(sq_noise_create(7, &p->noise), SQ_OK);
    return p;
}

static void free_pair(pair *p)
{
    at_modem_destroy(p->a.m);
    at_modem_destroy(p->b.m);
    sq_noise_destroy(p->noise);
    free(p);
}

static void collect(side *s)
{
    size_t room = sizeof s->seen - 1 - s->seen_len;
    s->seen_len += at_modem_to_dte(s->m, (uint8_t *)s->seen + s->seen_len, room);
    s->seen[s->seen_len] = '\0';
}

/* The line runs for seconds: each side hears what the other sent one block before, with
 * noise at -55 dBm0 (42 dB under the data signal; a quiet line's noise floor). */
static void run_line(pair *p, double seconds)
{
    float rx_a[BLOCK], rx_b[BLOCK];
    for (uint64_t end = p->n + (uint64_t)(seconds * 8000); p->n < end; p->n += BLOCK) {
        memcpy(rx_a, p->b_to_a, sizeof rx_a);
        memcpy(rx_b, p->a_to_b, sizeof rx_b);
        sq_noise_add(p->noise, rx_a, BLOCK, sq_noise_rms_for_snr(-13.0, 42.0));
        sq_noise_add(p->noise, rx_b, BLOCK, sq_noise_rms_for_snr(-13.0, 42.0));
        at_modem_process(p->a.m, rx_a, p->a_to_b, BLOCK, now_s(p));
        at_modem_process(p->b.m, rx_b, p->b_to_a, BLOCK, now_s(p));
        collect(&p->a);
        collect(&p->b);
    }
}

static void type(pair *p, side *s, const char *text)
{
    size_t n = strlen(text);
    ck_assert_uint_eq(at_modem_from_dte(s->m, (const uint8_t *)text, n, now_s(p)), n);
    collect(s);
}

/* Runs the line until side s has been sent `what` (after `from`), for at most seconds. */
static int wait_for(pair *p, side *s, size_t from, const char *what, double seconds)
{
    for (double t = 0; t < seconds; t += 0.1) {
        if (strstr(s->seen + from, what))
            return 1;
        run_line(p, 0.1);
    }
    return strstr(s->seen + from, what) != NULL;
}

static pair *connected_pair(void)
{
    pair *p = make_pair(1);
    type(p, &p->a, "ATDT5551234\r");
    ck_assert_msg(wait_for(p, &p->a, 0, "CONNECT 2400/ARQ\r\n", 30.0), "caller saw: %s", p->a.seen);
    ck_assert_msg(wait_for(p, &p->b, 0, "CONNECT 2400/ARQ\r\n", 2.0), "answerer saw: %s", p->b.seen);
    ck_assert_int_eq(at_modem_get_state(p->a.m), AT_MODEM_ONLINE);
    /* the answerer rang once, after the number was dialled, and heard the digits */
    ck_assert_ptr_nonnull(strstr(p->b.seen, "\r\nRING\r\n"));
    ck_assert_ptr_null(strstr(strstr(p->b.seen, "RING") + 4, "RING"));
    char log[256];
    double t;
    int heard = 0;
    while (at_modem_next_log(p->b.m, log, sizeof log, &t) == SQ_OK)
        heard |= strstr(log, "dialled 5551234") != NULL;
    ck_assert(heard);
    return p;
}

START_TEST(test_call_data_escape_and_hang_up)
{
    pair *p = connected_pair();
    /* data both ways, byte for byte */
    size_t a_from = p->a.seen_len, b_from = p->b.seen_len;
    type(p, &p->a, "hello from the caller\n");
    type(p, &p->b, "and back from the answerer\n");
    ck_assert(wait_for(p, &p->b, b_from, "hello from the caller\n", 5.0));
    ck_assert(wait_for(p, &p->a, a_from, "and back from the answerer\n", 5.0));
    /* +++ with its guard times: command mode, the call goes on */
    run_line(p, 1.2);
    type(p, &p->a, "+++");
    run_line(p, 1.2);
    ck_assert_int_eq(at_modem_get_state(p->a.m), AT_MODEM_ONLINE_COMMAND);
    ck_assert_ptr_nonnull(strstr(p->a.seen + a_from, "+++\r\nOK\r\n") ? "" : strstr(p->a.seen + a_from, "\r\nOK\r\n"));
    /* what arrives meanwhile is held, then given after ATO's CONNECT */
    type(p, &p->b, "while you were away\n");
    run_line(p, 3.0);
    ck_assert_ptr_null(strstr(p->a.seen + a_from, "while you were away"));
    type(p, &p->a, "ATI0\r");
    ck_assert(wait_for(p, &p->a, a_from, "squeal\r\n\r\nOK\r\n", 1.0));
    size_t before_ato = p->a.seen_len;
    type(p, &p->a, "ATO\r");
    ck_assert(wait_for(p, &p->a, before_ato, "CONNECT 2400/ARQ\r\nwhile you were away\n", 1.0));
    /* +++ inside data, without the guard times, is data */
    b_from = p->b.seen_len;
    type(p, &p->a, "a+++b\n");
    ck_assert(wait_for(p, &p->b, b_from, "a+++b\n", 5.0));
    ck_assert_int_eq(at_modem_get_state(p->a.m), AT_MODEM_ONLINE);
    /* nor with no pause before it, even with one after */
    type(p, &p->a, "c");
    run_line(p, 0.1);
    type(p, &p->a, "+++");
    run_line(p, 1.5);
    ck_assert_int_eq(at_modem_get_state(p->a.m), AT_MODEM_ONLINE);
    /* hang up: OK here, NO CARRIER there */
    run_line(p, 1.2);
    type(p, &p->a, "+++");
    run_line(p, 1.2);
    type(p, &p->a, "ATH\r");
    ck_assert(strstr(p->a.seen + before_ato, "ATH\r\r\nOK\r\n"));
    ck_assert_int_eq(at_modem_get_state(p->a.m), AT_MODEM_COMMAND);
    ck_assert(wait_for(p, &p->b, b_from, "NO CARRIER\r\n", 5.0));
    ck_assert_int_eq(at_modem_get_state(p->b.m), AT_MODEM_COMMAND);
    /* and both can be used again */
    size_t from = p->a.seen_len;
    type(p, &p->a, "AT\r");
    ck_assert(strstr(p->a.seen + from, "OK\r\n"));
    free_pair(p);
}
END_TEST

START_TEST(test_a_kilobyte_each_way)
{
    pair *p = connected_pair();
    char a_msg[1025], b_msg[1025];
    for (int i = 0; i < 1024; i++) {
        a_msg[i] = (char)('!' + (i * 7) % 90);
        b_msg[i] = (char)('!' + (i * 13) % 90);
    }
    a_msg[1024] = b_msg[1024] = '\0';
    size_t a_from = p->a.seen_len, b_from = p->b.seen_len;
    type(p, &p->a, a_msg);
    type(p, &p->b, b_msg);
    ck_assert(wait_for(p, &p->b, b_from, a_msg, 20.0));
    ck_assert(wait_for(p, &p->a, a_from, b_msg, 1.0));
    ck_assert_uint_eq(p->b.seen_len - b_from, 1024);
    free_pair(p);
}
END_TEST

/* DTR dropped under &D2 hangs up; under &D0 nothing happens. */
START_TEST(test_dtr)
{
    pair *p = connected_pair();
    size_t b_from = p->b.seen_len;
    at_modem_set_dtr(p->b.m, 0, now_s(p));
    ck_assert_int_eq(at_modem_get_state(p->b.m), AT_MODEM_COMMAND);
    ck_assert(wait_for(p, &p->a, 0, "NO CARRIER\r\n", 5.0));
    free_pair(p);
    p = connected_pair();
    type(p, &p->a, "");
    run_line(p, 1.2);
    type(p, &p->a, "+++");
    run_line(p, 1.2);
    type(p, &p->a, "AT&D0O\r");
    ck_assert_int_eq(at_modem_get_state(p->a.m), AT_MODEM_ONLINE);
    at_modem_set_dtr(p->a.m, 0, now_s(p));
    run_line(p, 1.0);
    ck_assert_int_eq(at_modem_get_state(p->a.m), AT_MODEM_ONLINE);
    (void)b_from;
    free_pair(p);
}
END_TEST

/* Nobody answers: NO CARRIER after S7. Typing while the call is set up abandons it. */
START_TEST(test_no_answer_and_abort)
{
    pair *p = make_pair(0);
    type(p, &p->a, "ATS7=8D1\r");
    ck_assert(wait_for(p, &p->b, 0, "RING\r\n", 5.0));
    ck_assert(!wait_for(p, &p->a, 0, "NO CARRIER", 6.0));
    ck_assert(wait_for(p, &p->a, 0, "NO CARRIER\r\n", 4.0));
    ck_assert_int_eq(at_modem_get_state(p->a.m), AT_MODEM_COMMAND);
    size_t from = p->a.seen_len;
    type(p, &p->a, "ATD\r");
    run_line(p, 1.0);
    ck_assert_int_eq(at_modem_get_state(p->a.m), AT_MODEM_CONNECTING);
    type(p, &p->a, "x");
    ck_assert(strstr(p->a.seen + from, "NO CARRIER\r\n"));
    ck_assert_int_eq(at_modem_get_state(p->a.m), AT_MODEM_COMMAND);
    free_pair(p);
}
END_TEST

/* ATA answers without a ring count; +MS=V21 makes a 300 bit/s call; \N4 against a modem
 * with no error control hangs up. */
START_TEST(test_modes_and_required_error_control)
{
    pair *p = make_pair(0);
    type(p, &p->a, "AT+MS=V21;D\r");   /* V.250: an extended command ends at ';' */
    ck_assert(wait_for(p, &p->b, 0, "RING", 5.0));
    type(p, &p->b, "ATA\r");
    ck_assert_msg(wait_for(p, &p->a, 0, "CONNECT 300\r\n", 20.0), "caller saw %s", p->a.seen);
    ck_assert(wait_for(p, &p->b, 0, "CONNECT 300\r\n", 2.0));
    free_pair(p);

    p = make_pair(1);
    type(p, &p->b, "AT\\N0\r");
    type(p, &p->a, "AT\\N4D\r");
    ck_assert(wait_for(p, &p->a, 0, "NO CARRIER\r\n", 30.0));
    ck_assert_ptr_null(strstr(p->a.seen, "CONNECT"));
    free_pair(p);
}
END_TEST

/* A 4096-character line is ERROR and the modem keeps working; binary garbage and A/
 * neither crash it nor stop it. */
START_TEST(test_hostile_typing)
{
    pair *p = make_pair(0);
    char *longline = malloc(4100);
    memcpy(longline, "AT", 2);
    memset(longline + 2, 'E', 4094);
    longline[4096] = '\r';
    longline[4097] = '\0';
    type(p, &p->a, longline);
    free(longline);
    ck_assert(strstr(p->a.seen, "\r\nERROR\r\n"));
    uint8_t junk[3000];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (uint8_t)((i * 2654435761u) >> 13);
    ck_assert_uint_eq(at_modem_from_dte(p->a.m, junk, sizeof junk, now_s(p)), sizeof junk);
    collect(&p->a);
    size_t from = p->a.seen_len;
    type(p, &p->a, "\rATE0Q0V1I0\r");
    ck_assert_msg(strstr(p->a.seen + from, "squeal\r\n\r\nOK\r\n"), "saw %s", p->a.seen + from);
    from = p->a.seen_len;
    type(p, &p->a, "A/");
    ck_assert(strstr(p->a.seen + from, "squeal\r\n\r\nOK\r\n"));
    ck_assert_int_eq(at_modem_get_state(p->a.m), AT_MODEM_COMMAND);
    from = p->a.seen_len;
    type(p, &p->a, "ATO\r");
    ck_assert(strstr(p->a.seen + from, "NO CARRIER"));   /* no call to go back to */
    free_pair(p);
}
END_TEST

/* A line that answers with a busy tone: BUSY under X4, NO CARRIER under X0, within a few
 * cycles of it. */
START_TEST(test_busy_line)
{
    for (int x = 0; x <= 4; x += 4) {
        pair *p = make_pair(0);
        char cmd[32];
        snprintf(cmd, sizeof cmd, "ATX%dD5551234\r", x);
        type(p, &p->a, cmd);
        sq_progress_params pp;
        sq_progress_default_params(SQ_PROGRESS_BUSY, SQ_PROGRESS_NORTH_AMERICA, 8000, &pp);
        pp.duration_s = 30.0;
        sq_progress_tx *g = NULL;
        ck_assert_int_eq(sq_progress_tx_create(&pp, &g), SQ_OK);
        float rx[BLOCK], tx[BLOCK];
        double heard_s = -1.0;
        for (int i = 0; i < 50 * 20 && heard_s < 0; i++, p->n += BLOCK) {
            memset(rx, 0, sizeof rx);
            if (p->n >= 8000 * 2)   /* the exchange answers the dialling after 2 s */
                sq_progress_tx_generate(g, rx, BLOCK);
            at_modem_process(p->a.m, rx, tx, BLOCK, now_s(p));
            collect(&p->a);
            if (at_modem_get_state(p->a.m) == AT_MODEM_COMMAND)
                heard_s = now_s(p) - 2.0;
        }
        sq_progress_tx_destroy(g);
        ck_assert_msg(heard_s > 0 && heard_s < 4.0, "X%d: gave up after %.1f s of busy tone", x, heard_s);
        ck_assert_msg(strstr(p->a.seen, x == 4 ? "\r\nBUSY\r\n" : "\r\nNO CARRIER\r\n"), "X%d: %s", x, p->a.seen);
        free_pair(p);
    }
}
END_TEST

Suite *modem_suite(void);
Suite *modem_suite(void)
{
    Suite *s = suite_create("modem");
    TCase *tc = tcase_create("modem");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_commands_and_registers);
    tcase_add_test(tc, test_dial_strings);
    tcase_add_test(tc, test_modulation_and_error_control);
    tcase_add_test(tc, test_result_codes);
    tcase_add_test(tc, test_call_data_escape_and_hang_up);
    tcase_add_test(tc, test_a_kilobyte_each_way);
    tcase_add_test(tc, test_dtr);
    tcase_add_test(tc, test_no_answer_and_abort);
    tcase_add_test(tc, test_modes_and_required_error_control);
    tcase_add_test(tc, test_hostile_typing);
    tcase_add_test(tc, test_busy_line);
    suite_add_tcase(s, tc);
    return s;
}
