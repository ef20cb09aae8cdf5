/* V.42 LAPM error control (src/proto/lapm.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "squeal/error.h"
#include "squeal/time_base.h"
#include "src/proto/hdlc.h"
#include "src/proto/lapm.h"
#include "src/proto/session_queues.h"

#define N401 128                 /* information octets per I frame (V.42 default) */
#define K 15                     /* I frames outstanding (V.42 default window) */
#define SLOTS 16                 /* K < SLOTS: sequence numbers mod SLOTS pick a slot */
#define N400 10                  /* T401 expiries in a row before the link is given up */
#define MOD 128
/* T401 has to outlast a round trip: our frame, the far end finishing the frame it had
 * started, its frame with the acknowledgement, and the audio path both ways (sound cards
 * and a sound server: up to a second each way). A T401 shorter than the round trip is
 * costly: every expiry stops the flow for a poll (measured over a 1 s delay each way with
 * 1 s of slack: 26 polls, 20 kB in 128 s instead of 73). A retrain (1.5-3 s without data)
 * costs a poll, not the link. */
#define T401_FRAME_TIMES 3
#define T401_EXTRA_S 3.0
#define FRAME_BITS ((N401 + 5) * 8 * 6 / 5 + 8)   /* worst case with stuffing, and a flag */

/* Control field (LSB-first octet values). */
#define U_SABME 0x6F
#define U_UA 0x63
#define U_DISC 0x43
#define U_DM 0x0F
#define U_FRMR 0x87
#define U_PF 0x10
#define S_RR 0x01
#define S_RNR 0x05
#define S_REJ 0x09
#define S_SREJ 0x0D

struct sq_lapm {
    int originator;
    uint64_t now, t401, timer_at;    /* timer_at 0: T401 not running */
    int retries;
    sq_lapm_stats st;
    sq_hdlc_tx htx;
    sq_hdlc_rx hrx;
    uint8_t frame[SQ_HDLC_MAX_FRAME];
    /* sequence state: frames va..next_new-1 are stored, va..vs-1 have been sent since the
     * last go-back; vr is the next number expected */
    unsigned vs, va, vr, next_new;
    struct { uint8_t data[N401]; size_t len; } slot[SLOTS];
    /* what is due to go out, in order of urgency */
    int ua_due, ua_final, dm_due, sabme_due, final_due, rej_due, poll_due, ack_due;
    int reject_sent, timer_recovery;
    sq_byte_queue txq, rxq;
    sq_note_ring notes;
};

static void note(sq_lapm *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(sq_lapm *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sq_note_ring_add(&l->notes, l->now, fmt, ap);
    va_end(ap);
}

int sq_lapm_create(int originator, int bit_rate, sq_lapm **out)
{
    if (!out || bit_rate < 300)
        return SQ_EINVAL;
    sq_lapm *l = calloc(1, sizeof *l);
    if (!l)
        return SQ_ENOMEM;
    l->originator = originator != 0;
    sq_lapm_set_bit_rate(l, bit_rate);
    sq_hdlc_tx_init(&l->htx);
    sq_hdlc_rx_init(&l->hrx);
    *out = l;
    return SQ_OK;
}

void sq_lapm_set_bit_rate(sq_lapm *l, int bit_rate)
{
    if (bit_rate < 300)
        return;
    double t401_s = T401_FRAME_TIMES * (double)FRAME_BITS / bit_rate + T401_EXTRA_S;
    l->t401 = (uint64_t)(t401_s * SQ_PROCESSING_RATE_HZ);
}

void sq_lapm_destroy(sq_lapm *l)
{
    free(l);
}

static void fail(sq_lapm *l, const char *why)
{
    if (l->st.state == SQ_LAPM_FAILED)
        return;
    l->st.state = SQ_LAPM_FAILED;
    snprintf(l->st.reason, sizeof l->st.reason, "%s", why);
    note(l, "V.42 LAPM link failed: %s", why);
}

static void start_timer(sq_lapm *l)
{
    l->timer_at = l->now + l->t401;
}

void sq_lapm_start(sq_lapm *l, uint64_t now)
{
    l->now = now;
    if (l->originator && l->st.state == SQ_LAPM_SETUP) {
        l->sabme_due = 1;
        start_timer(l);
    }
}

static unsigned dist(unsigned from, unsigned to)
{
    return (to - from) & (MOD - 1);
}

static size_t unacked_bytes(const sq_lapm *l)
{
    size_t n = 0;
    for (unsigned s = l->va; s != l->next_new; s = (s + 1) & (MOD - 1))
        n += l->slot[s % SLOTS].len;
    return n;
}

void sq_lapm_tick(sq_lapm *l, uint64_t now)
{
    l->now = now;
    if (!l->timer_at || now < l->timer_at)
        return;
    l->timer_at = 0;
    if (l->st.state == SQ_LAPM_SETUP && l->originator) {
        if (++l->retries > N400) {
            fail(l, "no UA in reply to SABME");
            return;
        }
        l->sabme_due = 1;
        start_timer(l);
    } else if (l->st.state == SQ_LAPM_UP && (l->va != l->next_new || l->timer_recovery)) {
        if (++l->retries > N400) {
            fail(l, "no acknowledgement from the far end after 10 polls");
            return;
        }
        l->timer_recovery = 1;
        l->poll_due = 1;
        l->st.polls++;
        start_timer(l);
    }
}

/* ---- transmit ---- */

static uint8_t address(const sq_lapm *l, int command)
{
    /* DLCI 0, EA 1; C/R is 1 on the originator's commands and on the answerer's responses */
    int cr = command ? l->originator : !l->originator;
    return (uint8_t)(cr << 1 | 1);
}

static size_t u_frame(sq_lapm *l, int command, uint8_t code, int pf)
{
    l->frame[0] = address(l, command);
    l->frame[1] = (uint8_t)(code | (pf ? U_PF : 0));
    return 2;
}

static size_t s_frame(sq_lapm *l, int command, uint8_t code, int pf)
{
    l->frame[0] = address(l, command);
    l->frame[1] = code;
    l->frame[2] = (uint8_t)(l->vr << 1 | (pf ? 1 : 0));
    l->ack_due = 0;
    return 3;
}

/* The I frame numbered vs (stored already, or built now from the queue), or 0. */
static size_t i_frame(sq_lapm *l)
{
    if (l->timer_recovery)
        return 0;   /* nothing new until the poll is answered */
    if (l->vs == l->next_new) {
        if (dist(l->va, l->next_new) >= K || !l->txq.count)
            return 0;
        unsigned s = l->next_new % SLOTS;
        l->slot[s].len = sq_byte_queue_pop(&l->txq, l->slot[s].data, N401);
        l->next_new = (l->next_new + 1) & (MOD - 1);
        l->st.frames_sent++;
    } else {
        l->st.frames_resent++;
    }
    unsigned s = l->vs % SLOTS;
    l->frame[0] = address(l, 1);
    l->frame[1] = (uint8_t)(l->vs << 1);
    l->frame[2] = (uint8_t)(l->vr << 1);
    memcpy(l->frame + 3, l->slot[s].data, l->slot[s].len);
    l->vs = (l->vs + 1) & (MOD - 1);
    l->ack_due = 0;
    if (!l->timer_at)
        start_timer(l);
    return 3 + l->slot[s].len;
}

static size_t next_frame(sq_lapm *l)
{
    if (l->ua_due) {
        l->ua_due = 0;
        return u_frame(l, 0, U_UA, l->ua_final);
    }
    if (l->dm_due) {
        l->dm_due = 0;
        return u_frame(l, 0, U_DM, 1);
    }
    if (l->st.state == SQ_LAPM_SETUP && l->sabme_due) {
        l->sabme_due = 0;
        return u_frame(l, 1, U_SABME, 1);
    }
    if (l->st.state != SQ_LAPM_UP)
        return 0;
    if (l->final_due || l->rej_due) {
        int final = l->final_due, rej = l->rej_due;
        l->final_due = l->rej_due = 0;
        l->st.rejects += (uint64_t)rej;
        return s_frame(l, 0, rej ? S_REJ : S_RR, final);
    }
    if (l->poll_due) {
        l->poll_due = 0;
        return s_frame(l, 1, S_RR, 1);
    }
    size_t n = i_frame(l);
    if (n)
        return n;
    return l->ack_due ? s_frame(l, 0, S_RR, 0) : 0;
}

uint8_t sq_lapm_tx_bit(sq_lapm *l)
{
    if (!sq_hdlc_tx_busy(&l->htx)) {
        size_t n = next_frame(l);
        if (n)
            (void)sq_hdlc_tx_frame(&l->htx, l->frame, n);
    }
    return sq_hdlc_tx_bit(&l->htx);
}

/* ---- receive ---- */

/* N(R) acknowledges every frame before it. */
static void acknowledge(sq_lapm *l, unsigned nr)
{
    unsigned acked = dist(l->va, nr);
    if (acked > dist(l->va, l->next_new))
        return;   /* a number we never sent: ignored (a good FCS makes this all but impossible) */
    if (acked > dist(l->va, l->vs))
        l->vs = nr;   /* frames already resent or about to be: no need */
    l->va = nr;
    if (acked) {
        l->retries = 0;
        l->timer_at = 0;
    }
    /* in timer recovery the timer runs until the poll is answered, even with nothing
     * outstanding: the answer may have been lost, and only another poll brings it */
    if ((l->va != l->next_new || l->timer_recovery) && !l->timer_at)
        start_timer(l);
}

static void go_back(sq_lapm *l, unsigned nr)
{
    acknowledge(l, nr);
    l->vs = l->va;
}

static void on_i_frame(sq_lapm *l, const uint8_t *f, size_t n, int command)
{
    if (!command || n < 3 || l->st.state != SQ_LAPM_UP)
        return;
    unsigned ns = f[1] >> 1, nr = f[2] >> 1;
    size_t len = n - 3;
    if (len > N401)
        return;
    if (ns == l->vr && SQ_BYTE_QUEUE - l->rxq.count >= len) {
        (void)sq_byte_queue_push(&l->rxq, f + 3, len);
        l->vr = (l->vr + 1) & (MOD - 1);
        l->reject_sent = 0;
        l->ack_due = 1;
    } else if (ns != l->vr && !l->reject_sent) {
        l->rej_due = 1;
        l->reject_sent = 1;
    }
    if (f[2] & 1)
        l->final_due = 1;
    acknowledge(l, nr);
}

static void on_s_frame(sq_lapm *l, const uint8_t *f, size_t n, int command)
{
    if (n < 3 || l->st.state != SQ_LAPM_UP)
        return;
    unsigned code = f[1], nr = f[2] >> 1;
    int pf = f[2] & 1;
    if (command && pf)
        l->final_due = 1;
    if (!command && pf && l->timer_recovery) {
        /* the answer to our poll: go back to the first frame it does not have */
        l->timer_recovery = 0;
        l->retries = 0;
        go_back(l, nr);
    } else if (code == S_REJ) {
        go_back(l, nr);
    } else {
        acknowledge(l, nr);   /* RR; RNR and SREJ are not sent by squeal: treated as RR */
    }
}

static void link_up(sq_lapm *l, const char *how)
{
    l->st.state = SQ_LAPM_UP;
    l->retries = 0;
    l->timer_at = 0;
    note(l, "V.42 LAPM link up (%s): error control on", how);
}

static void on_u_frame(sq_lapm *l, const uint8_t *f, int command)
{
    uint8_t code = f[1] & (uint8_t)~U_PF;
    int pf = (f[1] & U_PF) != 0;
    if (command && code == U_SABME) {
        if (l->st.state == SQ_LAPM_UP && (l->va || l->vr)) {
            /* a reset once data has moved could lose or repeat bytes: say so and stop */
            fail(l, "the far end reset the link (SABME) after data had moved");
            l->dm_due = 1;
            return;
        }
        /* our UA was lost and SABME came again: whatever we sent since is sent again */
        l->vs = 0;
        l->ua_due = 1;
        l->ua_final = pf;
        if (l->st.state == SQ_LAPM_SETUP)
            link_up(l, "SABME received");
    } else if (command && code == U_DISC) {
        l->ua_due = 1;
        l->ua_final = pf;
        if (l->st.state == SQ_LAPM_UP) {
            l->st.state = SQ_LAPM_RELEASED;
            note(l, "V.42 LAPM link released by the far end (DISC)");
        }
    } else if (!command && code == U_UA && l->st.state == SQ_LAPM_SETUP && l->originator) {
        link_up(l, "UA received");
    } else if (!command && (code == U_DM || code == U_FRMR) && l->st.state != SQ_LAPM_FAILED) {
        fail(l, code == U_DM ? "the far end reports the link down (DM)" : "the far end rejected a frame (FRMR)");
    }
}

sq_lapm_frame_kind sq_lapm_frame_kind_of(const uint8_t *f, size_t n, int *ns)
{
    if (n < 2 || (f[0] & 0xFD) != 0x01)   /* DLCI 0 and EA only */
        return SQ_LAPM_NOT_OURS;
    if ((f[1] & 1) == 0) {
        *ns = f[1] >> 1;
        return SQ_LAPM_I_FRAME;
    }
    return (f[1] & 3) == 1 ? SQ_LAPM_S_FRAME : SQ_LAPM_U_FRAME;
}

void sq_lapm_rx_bit(sq_lapm *l, uint8_t bit)
{
    uint64_t bad = l->hrx.bad_fcs + l->hrx.bad_length;
    size_t n = sq_hdlc_rx_bit(&l->hrx, bit, l->frame);
    l->st.frames_bad += l->hrx.bad_fcs + l->hrx.bad_length - bad;
    int ns;
    sq_lapm_frame_kind kind = sq_lapm_frame_kind_of(l->frame, n, &ns);
    if (kind == SQ_LAPM_NOT_OURS || l->st.state == SQ_LAPM_FAILED || l->st.state == SQ_LAPM_RELEASED)
        return;
    int cr = (l->frame[0] >> 1) & 1;   /* 1 on the originator's commands, the answerer's responses */
    int command = l->originator ? !cr : cr;
    if (kind == SQ_LAPM_I_FRAME)
        on_i_frame(l, l->frame, n, command);
    else if (kind == SQ_LAPM_S_FRAME)
        on_s_frame(l, l->frame, n, command);
    else
        on_u_frame(l, l->frame, command);
}

/* ---- the user's side ---- */

size_t sq_lapm_send(sq_lapm *l, const uint8_t *data, size_t n)
{
    return sq_byte_queue_push(&l->txq, data, n);
}

size_t sq_lapm_pending(const sq_lapm *l)
{
    return l->txq.count + unacked_bytes(l);
}

size_t sq_lapm_receive(sq_lapm *l, uint8_t *out, size_t max)
{
    return sq_byte_queue_pop(&l->rxq, out, max);
}

const sq_lapm_stats *sq_lapm_stats_get(const sq_lapm *l)
{
    return &l->st;
}

int sq_lapm_next_note(sq_lapm *l, sq_v8_note *n)
{
    return sq_note_ring_pop(&l->notes, n);
}
