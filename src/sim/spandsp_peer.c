/* spandsp's V.22bis modem as a call's far end (src/sim/spandsp_peer.h). */
#include <math.h>
#include <spandsp.h>
#include <stdlib.h>
#include <string.h>
#include "src/sim/spandsp_peer.h"

#define MAX_RECEIVED 65536

struct spandsp_peer {
    v22bis_state_t *modem;
    const uint8_t *payload;
    size_t len, sent;
    int bit_in_char;         /* 0 = between characters; 1..10 = next bit of the frame */
    int trained;
    int delete_stops;        /* V.14 overspeed: leave out every 8th character's stop bit */
    async_rx_state_t *deframer;   /* spandsp's own start-stop receiver, 8N1 */
    uint8_t received[MAX_RECEIVED];
    size_t nreceived;
};

/* 8N1 characters once trained, marks between and after them. */
static int get_bit(void *user)
{
    spandsp_peer *p = user;
    if (p->bit_in_char == 0) {
        if (!p->trained || p->sent >= p->len)
            return 1;
        p->bit_in_char = 1;
        return 0;   /* start bit */
    }
    if (p->bit_in_char == 9 && p->delete_stops && p->sent % 8 == 7 && p->sent + 1 < p->len) {
        p->sent++;   /* no stop bit: the next character's start bit instead */
        p->bit_in_char = 1;
        return 0;
    }
    int bit = p->bit_in_char <= 8 ? (p->payload[p->sent] >> (p->bit_in_char - 1)) & 1 : 1;
    if (++p->bit_in_char > 9) {
        p->bit_in_char = 0;
        p->sent++;
    }
    return bit;
}

static void put_byte(void *user, int byte)
{
    spandsp_peer *p = user;
    if (byte >= 0 && p->nreceived < MAX_RECEIVED)
        p->received[p->nreceived++] = (uint8_t)byte;
}

/* Bits and status reports from the modem: characters are read once it has trained. */
static void put_bit(void *user, int bit)
{
    spandsp_peer *p = user;
    if (bit == SIG_STATUS_TRAINING_SUCCEEDED)
        p->trained = 1;
    else if (bit == SIG_STATUS_CARRIER_DOWN || bit == SIG_STATUS_TRAINING_FAILED)
        p->trained = 0;
    if (p->trained || bit < 0)
        async_rx_put_bit(p->deframer, bit);
}

static void on_status(void *user, int status)
{
    put_bit(user, status);
}

spandsp_peer *spandsp_peer_create(int caller, int rate, const uint8_t *payload, size_t len)
{
    spandsp_peer *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->payload = payload;
    p->len = len;
    p->deframer = async_rx_init(NULL, 8, ASYNC_PARITY_NONE, 1, 0, put_byte, p);
    p->modem = v22bis_init(NULL, rate, 0, caller, get_bit, p, put_bit, p);
    if (!p->modem || !p->deframer) {
        spandsp_peer_destroy(p);
        return NULL;
    }
    v22bis_set_modem_status_handler(p->modem, on_status, p);
    return p;
}

void spandsp_peer_process(spandsp_peer *p, const float *rx, float *tx, size_t n)
{
    int16_t in[160], out[160];
    for (size_t done = 0; done < n;) {
        int len = n - done < 160 ? (int)(n - done) : 160;
        for (int i = 0; i < len; i++)
            in[i] = (int16_t)lrintf(fmaxf(-32768.0f, fminf(32767.0f, rx[done + (size_t)i] * 32768.0f)));
        v22bis_rx(p->modem, in, len);
        int made = v22bis_tx(p->modem, out, len);
        for (int i = 0; i < len; i++)
            tx[done + (size_t)i] = i < made ? (float)out[i] / 32768.0f : 0.0f;
        done += (size_t)len;
    }
}

const uint8_t *spandsp_peer_received(const spandsp_peer *p, size_t *len)
{
    *len = p->nreceived;
    return p->received;
}

size_t spandsp_peer_sent(const spandsp_peer *p)
{
    return p->sent;
}

void spandsp_peer_delete_stops(spandsp_peer *p)
{
    p->delete_stops = 1;
}

int spandsp_peer_trained(const spandsp_peer *p)
{
    return p->trained;
}

int spandsp_peer_rate(spandsp_peer *p)
{
    return v22bis_get_current_bit_rate(p->modem);
}

void spandsp_peer_destroy(spandsp_peer *p)
{
    if (!p)
        return;
    if (p->modem)
        v22bis_free(p->modem);
    if (p->deframer)
        async_rx_free(p->deframer);
    free(p);
}
