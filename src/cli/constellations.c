/* decode --constellation (constellations.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "src/cli/constellations.h"
#include "src/plot/constellation.h"

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

void constellations_tap(constellations *c, sq_decoder *d, int channel)
{
    c->refs[channel - 1] = (symbol_tap_ref){ c, channel };
    sq_decoder_set_symbol_tap(d, keep, &c->refs[channel - 1]);
}

int constellations_draw(constellations *c, const sq_event *ev, int channel, char *err, size_t err_len)
{
    if (ev->type != SQ_EVENT_DATA || ev->fsk_channel < 1 || ev->fsk_channel > 2)
        return 0;
    if (c->failed) {
        snprintf(err, err_len, "out of memory keeping the symbols for --constellation");
        return -1;
    }
    symbol_run *run = &c->runs[channel - 1][ev->fsk_channel - 1];
    /* the stretch's symbols lead the run; later ones (the next stretch) stay */
    size_t first = 0, end = 0;
    while (first < run->n && run->syms[first].t_s < ev->start_s - 0.01)
        first++;
    end = first;
    while (end < run->n && run->syms[end].t_s <= ev->end_s + 0.01)
        end++;
    char path[4096], title[160], name[32];
    if (c->names[channel - 1])
        snprintf(name, sizeof name, "%s", c->names[channel - 1]);
    else
        snprintf(name, sizeof name, "ch%d", channel);
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
    for (int i = 0; i < SQ_AUDIO_MAX_CHANNELS; i++)
        for (int k = 0; k < 2; k++)
            free(c->runs[i][k].syms);
    memset(c, 0, sizeof *c);
}
