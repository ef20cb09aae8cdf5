/* decode --constellation (constellations.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "src/cli/constellations.h"
#include "src/plot/constellation.h"
#include "src/plot/fsk_decisions.h"

int constellations_open(constellations *c, const char *dir, char *err, size_t err_len)
{
    memset(c, 0, sizeof *c);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, err_len, "--constellation '%s': not a folder (make it first)", dir);
        return -1;
    }
    if (access(dir, W_OK) != 0) {
        snprintf(err, err_len, "--constellation '%s': %s", dir, strerror(errno));
        return -1;
    }
    c->dir = dir;
    return 0;
}

static void keep(void *user, const sq_decoder_symbol *s)
{
    symbol_tap_ref *r = user;
    if (s->fsk_channel < 1 || s->fsk_channel > 2)
        return;
    symbol_run *run = &r->store->runs[r->channel - 1][s->fsk_channel - 1];
    if (run->n == CONSTELLATION_KEEP) {
        run->dropped++;
        return;
    }
    if (run->n == run->cap) {
        size_t cap = run->cap ? 2 * run->cap : 1024;
        sq_decoder_symbol *m = realloc(run->syms, cap * sizeof *m);
        if (!m) {
            r->store->failed = 1;
            return;
        }
        run->syms = m;
        run->cap = cap;
    }
    run->syms[run->n++] = *s;
}

static int ring_of(sq_event_type type, int fsk_channel)
{
    return (type == SQ_EVENT_BELL103 ? 2 : 0) + (fsk_channel == 2);
}

static void keep_bit(void *user, const sq_decoder_fsk_bit *b)
{
    symbol_tap_ref *r = user;
    if (b->fsk_channel < 1 || b->fsk_channel > 2)
        return;
    bit_ring *ring = &r->store->rings[r->channel - 1][ring_of(b->type, b->fsk_channel)];
    if (!ring->bits && !(ring->bits = malloc(FSK_KEEP * sizeof *ring->bits))) {
        r->store->failed = 1;
        return;
    }
    ring->bits[ring->next] = *b;
    ring->next = (ring->next + 1) % FSK_KEEP;
    ring->count += ring->count < FSK_KEEP;
}

void constellations_tap(constellations *c, sq_decoder *d, int channel)
{
    c->refs[channel - 1] = (symbol_tap_ref){ c, channel };
    sq_decoder_set_symbol_tap(d, keep, &c->refs[channel - 1]);
    sq_decoder_set_fsk_bit_tap(d, keep_bit, &c->refs[channel - 1]);
}

static const char *name_of(const constellations *c, int channel, char *buf, size_t len)
{
    if (c->names[channel - 1])
        snprintf(buf, len, "%s", c->names[channel - 1]);
    else
        snprintf(buf, len, "ch%d", channel);
    return buf;
}

/* An FSK or V.8 event: the bits of its lane within its span. */
static int draw_bits(constellations *c, const sq_event *ev, int channel, char *err, size_t err_len)
{
    int v21 = ev->type != SQ_EVENT_BELL103;
    int chan = ev->type == SQ_EVENT_JM ? 2 : ev->type == SQ_EVENT_CI || ev->type == SQ_EVENT_CM ||
               ev->type == SQ_EVENT_CJ ? 1 : ev->fsk_channel;
    if (chan < 1 || chan > 2)
        return 0;
    bit_ring *ring = &c->rings[channel - 1][ring_of(v21 ? SQ_EVENT_V21 : SQ_EVENT_BELL103, chan)];
    sq_decoder_fsk_bit *picked = malloc((ring->count ? ring->count : 1) * sizeof *picked);
    if (!picked) {
        snprintf(err, err_len, "out of memory drawing --constellation");
        return -1;
    }
    size_t n = 0, oldest = (ring->next + FSK_KEEP - ring->count) % FSK_KEEP;
    for (size_t k = 0; k < ring->count; k++) {
        const sq_decoder_fsk_bit *b = &ring->bits[(oldest + k) % FSK_KEEP];
        if (b->t_s >= ev->start_s && b->t_s <= ev->end_s + 0.005)
            picked[n++] = *b;
    }
    char path[4096], title[200], name[32];
    const char *what = sq_event_type_to_str(ev->type);
    name_of(c, channel, name, sizeof name);
    snprintf(path, sizeof path, "%s/%s-%s%s%d-at-%.3fs.png", c->dir, name, what, v21 ? "-v21ch" : "-bell", chan,
             ev->start_s);
    snprintf(title, sizeof title, "%s, %s on %s %d: %.3f-%.3f s", name, what, v21 ? "V.21 channel" : "Bell 103 band",
             chan, ev->start_s, ev->end_s);
    int rc = fsk_decisions_write(path, title, picked, n, ev->start_s, ev->end_s, err, err_len);
    free(picked);
    return rc;
}

int constellations_draw(constellations *c, const sq_event *ev, int channel, char *err, size_t err_len)
{
    if (c->failed) {
        snprintf(err, err_len, "out of memory keeping the symbols for --constellation");
        return -1;
    }
    if (ev->type == SQ_EVENT_V21 || ev->type == SQ_EVENT_BELL103 || ev->type == SQ_EVENT_CI ||
        ev->type == SQ_EVENT_CM || ev->type == SQ_EVENT_JM || ev->type == SQ_EVENT_CJ)
        return draw_bits(c, ev, channel, err, err_len);
    if (ev->type != SQ_EVENT_DATA || ev->fsk_channel < 1 || ev->fsk_channel > 2)
        return 0;
    symbol_run *run = &c->runs[channel - 1][ev->fsk_channel - 1];
    /* the stretch's symbols lead the run; later ones (the next stretch) stay */
    size_t first = 0, end = 0;
    while (first < run->n && run->syms[first].t_s < ev->start_s - 0.01)
        first++;
    end = first;
    while (end < run->n && run->syms[end].t_s <= ev->end_s + 0.01)
        end++;
    char path[4096], title[160], name[32];
    name_of(c, channel, name, sizeof name);
    snprintf(path, sizeof path, "%s/%s-chan%d-%dbps-at-%.3fs.png", c->dir, name, ev->fsk_channel, ev->rate,
             ev->start_s);
    snprintf(title, sizeof title, "%s, chan %d (%s carrier): data at %d bit/s, %.3f-%.3f s", name,
             ev->fsk_channel, ev->fsk_channel == 1 ? "caller's" : "answerer's", ev->rate, ev->start_s, ev->end_s);
    int rc = constellation_write(path, title, run->syms + first, end - first, end - first + run->dropped,
                                 ev->snr_db, err, err_len);
    memmove(run->syms, run->syms + end, (run->n - end) * sizeof *run->syms);
    run->n -= end;
    run->dropped = 0;
    return rc;
}

void constellations_close(constellations *c)
{
    for (int i = 0; i < SQ_AUDIO_MAX_CHANNELS; i++) {
        for (int k = 0; k < 2; k++)
            free(c->runs[i][k].syms);
        for (int k = 0; k < FSK_RINGS; k++)
            free(c->rings[i][k].bits);
    }
    memset(c, 0, sizeof *c);
}
