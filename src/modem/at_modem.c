/* One Hayes-compatible modem (src/modem/at_modem.h): the command-line editor, the escape,
 * and the states of a call around src/proto/call.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "squeal/squeal.h"
#include "src/modem/at_modem.h"
#include "src/modem/ring_watch.h"

#define LINE_MAX_CHARS 255          /* V.250 asks for at least 40 */
#define DTE_OUT_LEN 65536
#define HELD_LEN 65536              /* data that arrives while the DTE is in online command mode */
#define LOG_RING 32

typedef struct byte_ring {
    uint8_t buf[DTE_OUT_LEN];
    size_t head, len;
} byte_ring;

struct at_modem {
    at_modem_config cfg;
    at_settings set;
    at_modem_state state;
    uint64_t n;                     /* line samples since the modem started */
    sq_call *call;
    sq_dtmf_tx *dialler;
    ring_watch *ring;
    sq_progress_rx *progress;       /* the caller listens for a busy tone until CONNECT */
    uint64_t deadline;              /* S7 runs out here while dialling or connecting */
    int rate, lapm;
    int calling;                    /* this side dialled: a busy tone ends the attempt */
    /* command line: after "AT" until S3 */
    char line[LINE_MAX_CHARS + 1], last_line[LINE_MAX_CHARS + 1];
    size_t line_len;
    int in_line, saw_a, overflow;
    /* escape: the DTE's clock */
    double last_dte_s;
    int pluses;
    int dtr;
    byte_ring out;                  /* to the DTE */
    uint8_t held[HELD_LEN];
    size_t held_len;
    struct { char text[160]; double t_s; } log[LOG_RING];
    size_t log_head, log_len;
};

const char *at_modem_state_to_str(at_modem_state s)
{
    static const char *const names[] = { "command", "dialling", "connecting", "online", "online command" };
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

static void log_line(at_modem *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void log_line(at_modem *m, const char *fmt, ...)
{
    if (m->log_len == LOG_RING) {       /* the oldest goes: the log must never block the modem */
        m->log_head = (m->log_head + 1) % LOG_RING;
        m->log_len--;
    }
    size_t i = (m->log_head + m->log_len++) % LOG_RING;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->log[i].text, sizeof m->log[i].text, fmt, ap);
    va_end(ap);
    m->log[i].t_s = (double)m->n / SQ_PROCESSING_RATE_HZ;
}

int at_modem_next_log(at_modem *m, char *text, size_t len, double *t_s)
{
    if (m->log_len == 0)
        return SQ_EAGAIN;
    snprintf(text, len, "%s", m->log[m->log_head].text);
    *t_s = m->log[m->log_head].t_s;
    m->log_head = (m->log_head + 1) % LOG_RING;
    m->log_len--;
    return SQ_OK;
}

static size_t out_room(const at_modem *m)
{
    return DTE_OUT_LEN - m->out.len;
}

static void to_dte(at_modem *m, const void *data, size_t n)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < n && m->out.len < DTE_OUT_LEN; i++)
        m->out.buf[(m->out.head + m->out.len++) % DTE_OUT_LEN] = p[i];
}

size_t at_modem_to_dte(at_modem *m, uint8_t *out, size_t max)
{
    size_t k = 0;
    for (; k < max && m->out.len > 0; k++, m->out.len--) {
        out[k] = m->out.buf[m->out.head];
        m->out.head = (m->out.head + 1) % DTE_OUT_LEN;
    }
    return k;
}

static void result(at_modem *m, at_code code)
{
    static const char *const words[] = { "OK", "CONNECT", "RING", "NO CARRIER", "ERROR", "", "NO DIALTONE", "BUSY", "NO ANSWER" };
    char text[64];
    at_result_text(&m->set, code, m->rate, m->lapm, text, sizeof text);
    to_dte(m, text, strlen(text));
    if (code == AT_CONNECT)
        log_line(m, "CONNECT %d%s", m->rate, m->lapm ? " with V.42 LAPM" : "");
    else if (code != AT_OK && code != AT_ERROR)
        log_line(m, "%s", words[code]);
}

int at_modem_create(const at_modem_config *cfg, at_modem **out)
{
    *out = NULL;
    at_modem *m = calloc(1, sizeof *m);
    if (!m)
        return -1;
    if (ring_watch_create(&m->ring) != 0 || sq_progress_rx_create(&m->progress) != SQ_OK) {
        ring_watch_destroy(m->ring);
        free(m);
        return -1;
    }
    m->cfg = *cfg;
    m->set = cfg->profile;
    m->dtr = 1;
    *out = m;
    return 0;
}

static void hang_up(at_modem *m)
{
    sq_call_destroy(m->call);
    m->call = NULL;
    sq_dtmf_tx_destroy(m->dialler);
    m->dialler = NULL;
    m->held_len = 0;
    m->rate = m->lapm = 0;
    m->calling = 0;
    m->state = AT_MODEM_COMMAND;
    m->set.s[AT_S_RING_COUNT] = 0;
    ring_watch_rearm(m->ring);
}

void at_modem_destroy(at_modem *m)
{
    if (!m)
        return;
    hang_up(m);
    ring_watch_destroy(m->ring);
    sq_progress_rx_destroy(m->progress);
    free(m);
}

/* The call the settings ask for, as caller or answerer; 0 or -1. */
static int start_call(at_modem *m, sq_role role)
{
    sq_call_settings cs = m->cfg.call;
    cs.v8.role = role;
    cs.v8.modes &= m->set.modes;
    cs.max_rate = m->set.max_rate < cs.max_rate ? m->set.max_rate : cs.max_rate;
    cs.v8.lapm = m->set.error_control != AT_EC_NONE;
    if (!cs.v8.modes || sq_call_create(&cs, &m->call) != SQ_OK) {
        log_line(m, "could not start the call (%s)", cs.v8.modes ? "out of memory" : "+MS leaves no mode the line can run");
        return -1;
    }
    m->state = AT_MODEM_CONNECTING;
    return 0;
}

static void dial(at_modem *m, const char *number)
{
    m->deadline = m->n + (uint64_t)m->set.s[AT_S_CARRIER_WAIT] * SQ_PROCESSING_RATE_HZ;
    m->calling = 1;
    sq_progress_rx_destroy(m->progress);   /* a fresh one for this call: nothing allocated later */
    m->progress = NULL;
    if (sq_progress_rx_create(&m->progress) != SQ_OK)
        m->progress = NULL;
    sq_dtmf_params p;
    sq_dtmf_default_params(SQ_PROCESSING_RATE_HZ, &p);
    p.tone_ms = p.gap_ms = m->set.s[AT_S_DTMF_MS];
    p.pause_s = m->set.s[AT_S_COMMA_PAUSE];
    if (*number && sq_dtmf_tx_create(&p, number, &m->dialler) == SQ_OK) {
        log_line(m, "dialling %s", number);
        m->state = AT_MODEM_DIALLING;
        return;
    }
    log_line(m, "calling (no number to dial)");
    if (start_call(m, SQ_ROLE_CALLER) != 0)
        result(m, AT_NO_CARRIER);
}

static void answer(at_modem *m)
{
    const char *digits = ring_watch_digits(m->ring);
    if (*digits)
        log_line(m, "answering (the caller dialled %s)", digits);
    else
        log_line(m, "answering");
    ring_watch_rearm(m->ring);
    m->deadline = m->n + (uint64_t)m->set.s[AT_S_CARRIER_WAIT] * SQ_PROCESSING_RATE_HZ;
    if (start_call(m, SQ_ROLE_ANSWERER) != 0)
        result(m, AT_NO_CARRIER);
}

static void go_online(at_modem *m)
{
    m->state = AT_MODEM_ONLINE;
    m->pluses = 0;
    result(m, AT_CONNECT);
    to_dte(m, m->held, m->held_len);
    m->held_len = 0;
}

/* The action a command line ended with, in the state the modem is in. */
static int act(at_modem *m, const at_result *r)
{
    int in_call = m->state != AT_MODEM_COMMAND;
    switch (r->action) {
    case AT_ACTION_DIAL:
    case AT_ACTION_ANSWER:
        if (in_call)
            return AT_ERROR;
        m->set.s[AT_S_RING_COUNT] = 0;
        if (r->action == AT_ACTION_DIAL)
            dial(m, r->number);
        else
            answer(m);
        return -1;                         /* CONNECT or NO CARRIER comes later */
    case AT_ACTION_ONLINE:
        if (m->state != AT_MODEM_ONLINE_COMMAND)
            return AT_NO_CARRIER;
        go_online(m);
        return -1;
    case AT_ACTION_HANGUP:
        if (in_call)
            log_line(m, "hung up (ATH)");
        hang_up(m);
        return AT_OK;
    case AT_ACTION_RESET:
        if (in_call)
            log_line(m, "hung up (reset)");
        hang_up(m);
        m->set = m->cfg.profile;
        return AT_OK;
    case AT_ACTION_NONE:
    default:
        return AT_OK;
    }
}

static void run_line(at_modem *m, const char *commands)
{
    at_result r;
    at_execute(&m->set, commands, m->cfg.line_info, &r);
    if (r.text[0]) {
        if (m->set.verbose && !m->set.quiet)
            to_dte(m, (char[]){ (char)m->set.s[AT_S_CR], (char)m->set.s[AT_S_LF] }, 2);
        if (!m->set.quiet)
            to_dte(m, r.text, strlen(r.text));
    }
    if (r.error) {
        result(m, AT_ERROR);
        return;
    }
    int code = act(m, &r);
    if (code >= 0)
        result(m, (at_code)code);
}

/* One character of command mode: Hayes's editor. Everything is echoed under E1; "AT"
 * starts a line, S3 ends it, S5 takes back a character, "A/" repeats the last line. */
static void command_char(at_modem *m, uint8_t ch)
{
    if (m->set.echo)
        to_dte(m, &ch, 1);
    char c = (char)ch;
    if (!m->in_line) {
        if (m->saw_a && (c == 't' || c == 'T')) {
            m->in_line = 1;
            m->line_len = 0;
            m->overflow = 0;
        }
        else if (m->saw_a && c == '/') {
            if (m->set.echo)
                to_dte(m, (char[]){ (char)m->set.s[AT_S_CR], (char)m->set.s[AT_S_LF] }, 2);
            run_line(m, m->last_line);
        }
        m->saw_a = c == 'a' || c == 'A';
        return;
    }
    if (ch == m->set.s[AT_S_CR]) {
        m->in_line = 0;
        m->saw_a = 0;
        if (m->overflow) {
            result(m, AT_ERROR);
            return;
        }
        m->line[m->line_len] = '\0';
        memcpy(m->last_line, m->line, m->line_len + 1);
        run_line(m, m->line);
    }
    else if (ch == m->set.s[AT_S_BACKSPACE]) {
        if (m->line_len > 0)
            m->line_len--;
    }
    else if (ch >= 0x20 && ch < 0x7F) {
        if (m->line_len < LINE_MAX_CHARS)
            m->line[m->line_len++] = c;
        else
            m->overflow = 1;
    }
}

/* Online: the escape is S12 of silence, three S2 characters each within S12 of the last,
 * then S12 of silence (checked in at_modem_process). They still go to the line. */
static void watch_escape(at_modem *m, uint8_t ch, double now_s)
{
    double guard = m->set.s[AT_S_GUARD] / 50.0;
    int is_plus = m->set.s[AT_S_ESCAPE_CHAR] <= 127 && ch == m->set.s[AT_S_ESCAPE_CHAR];
    if (!is_plus)
        m->pluses = 0;
    else if (m->pluses == 0)
        m->pluses = now_s - m->last_dte_s >= guard ? 1 : 0;
    else
        m->pluses = m->pluses < 3 && now_s - m->last_dte_s < guard ? m->pluses + 1 : 0;
    m->last_dte_s = now_s;
}

size_t at_modem_from_dte(at_modem *m, const uint8_t *b, size_t n, double now_s)
{
    if (m->state == AT_MODEM_ONLINE) {
        size_t taken = sq_call_send(m->call, b, n);
        for (size_t i = 0; i < taken; i++)
            watch_escape(m, b[i], now_s);
        return taken;
    }
    for (size_t i = 0; i < n; i++) {
        if (m->state == AT_MODEM_DIALLING || m->state == AT_MODEM_CONNECTING) {
            log_line(m, "hung up: the DTE typed while the call was being set up");
            hang_up(m);
            result(m, AT_NO_CARRIER);
            return i + 1;
        }
        command_char(m, b[i]);
    }
    m->last_dte_s = now_s;
    return n;
}

void at_modem_set_dtr(at_modem *m, int on, double now_s)
{
    (void)now_s;
    if (on == m->dtr)
        return;
    m->dtr = on;
    if (on || m->set.dtr_mode == 0)
        return;
    if (m->set.dtr_mode == 1) {
        if (m->state == AT_MODEM_ONLINE) {
            m->state = AT_MODEM_ONLINE_COMMAND;
            result(m, AT_OK);
        }
        return;
    }
    if (m->state != AT_MODEM_COMMAND) {
        log_line(m, "hung up: DTR dropped (the DTE closed its side)");
        hang_up(m);
        result(m, AT_NO_CARRIER);
    }
    if (m->set.dtr_mode == 3)
        m->set = m->cfg.profile;
}

static void ring_when_called(at_modem *m, const float *rx, size_t n)
{
    if (!ring_watch_process(m->ring, rx, n))
        return;
    if (m->set.s[AT_S_RING_COUNT] < 255)
        m->set.s[AT_S_RING_COUNT]++;
    result(m, AT_RING);
    uint8_t want = m->set.s[AT_S_RINGS_TO_ANSWER];
    if (want > 0 && m->set.s[AT_S_RING_COUNT] >= want)
        answer(m);
}

static void deliver(at_modem *m);

/* What the call's status says, once per block. */
static void follow_call(at_modem *m)
{
    sq_v8_note note;
    while (sq_call_next_note(m->call, &note) == SQ_OK)
        log_line(m, "%s", note.text);
    const sq_call_status *st = sq_call_status_get(m->call);
    if (st->phase == SQ_CALL_ENDED) {
        log_line(m, "the call ended: %s", st->reason);
        if (m->state == AT_MODEM_ONLINE || m->state == AT_MODEM_ONLINE_COMMAND) {
            deliver(m);                    /* what arrived before the end is the DTE's */
            to_dte(m, m->held, m->held_len);
        }
        hang_up(m);
        result(m, AT_NO_CARRIER);
        return;
    }
    if (m->state == AT_MODEM_CONNECTING && st->phase == SQ_CALL_DATA) {
        m->rate = st->rate;
        m->lapm = st->error_control;
        if (m->set.error_control == AT_EC_REQUIRED && !m->lapm) {
            log_line(m, "hung up: error control is required (\\N2, \\N4 or +ES) and the far end has no V.42 LAPM");
            hang_up(m);
            result(m, AT_NO_CARRIER);
            return;
        }
        go_online(m);
        return;
    }
    if (m->state == AT_MODEM_CONNECTING && m->n >= m->deadline) {
        log_line(m, "hung up: no connection within S7 = %u s", m->set.s[AT_S_CARRIER_WAIT]);
        hang_up(m);
        result(m, AT_NO_CARRIER);
    }
}

/* Received data to the DTE online, or held while it is in command mode. */
static void deliver(at_modem *m)
{
    uint8_t buf[1024];
    for (;;) {
        size_t room = m->state == AT_MODEM_ONLINE ? out_room(m) : HELD_LEN - m->held_len;
        size_t k = sq_call_receive(m->call, buf, room < sizeof buf ? room : sizeof buf);
        if (k == 0)
            return;
        if (m->state == AT_MODEM_ONLINE)
            to_dte(m, buf, k);
        else {
            memcpy(m->held + m->held_len, buf, k);
            m->held_len += k;
        }
    }
}

/* A caller that hears a busy (or reorder) tone before CONNECT gives up: BUSY under X3 and
 * X4, NO CARRIER under X0-X2 (Hayes). */
static void listen_for_busy(at_modem *m, const float *rx, size_t n)
{
    if (!m->calling || !m->progress || (m->state != AT_MODEM_DIALLING && m->state != AT_MODEM_CONNECTING))
        return;
    sq_progress_rx_process(m->progress, rx, n);
    if (!sq_progress_rx_busy_now(m->progress))
        return;
    log_line(m, "hung up: a busy tone on the line");
    hang_up(m);
    result(m, m->set.x_level >= 3 ? AT_BUSY : AT_NO_CARRIER);
}

void at_modem_process(at_modem *m, const float *rx, float *tx, size_t n, double now_s)
{
    memset(tx, 0, n * sizeof *tx);
    listen_for_busy(m, rx, n);
    if (m->state == AT_MODEM_COMMAND)
        ring_when_called(m, rx, n);
    else if (m->state == AT_MODEM_DIALLING) {
        if (sq_dtmf_tx_generate(m->dialler, tx, n) < n) {
            sq_dtmf_tx_destroy(m->dialler);
            m->dialler = NULL;
            if (start_call(m, SQ_ROLE_CALLER) != 0) {
                hang_up(m);
                result(m, AT_NO_CARRIER);
            }
        }
    }
    else
        sq_call_process(m->call, rx, tx, n);
    m->n += n;
    if (m->call) {
        follow_call(m);
        if (m->call && (m->state == AT_MODEM_ONLINE || m->state == AT_MODEM_ONLINE_COMMAND))
            deliver(m);
    }
    if (m->state == AT_MODEM_ONLINE && m->pluses == 3 && now_s - m->last_dte_s >= m->set.s[AT_S_GUARD] / 50.0) {
        m->pluses = 0;
        m->state = AT_MODEM_ONLINE_COMMAND;
        log_line(m, "escape (+++): command mode, the call goes on");
        result(m, AT_OK);
    }
}

at_modem_state at_modem_get_state(const at_modem *m)
{
    return m->state;
}

void at_modem_connection(const at_modem *m, int *rate, int *lapm)
{
    *rate = m->rate;
    *lapm = m->lapm;
}

size_t at_modem_tx_pending(const at_modem *m)
{
    return m->call ? sq_call_tx_pending(m->call) : 0;
}
