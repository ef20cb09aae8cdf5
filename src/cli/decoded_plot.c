/* Decode-and-draw for calls squeal makes (decoded_plot.h). */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "src/cli/cli.h"
#include "src/cli/decoded_plot.h"

int decoded_plot_open(decoded_plot *d, int panels, const char *const *names, int page, constellations *stars)
{
    memset(d, 0, sizeof *d);
    if (call_plot_create(panels, names, &d->plot) != 0)
        return -1;
    d->panels = panels;
    d->page = page;
    if (page)
        call_plot_keep_audio(d->plot);
    sq_decoder_settings s;
    sq_decoder_default_settings(&s);
    d->stars = stars;
    for (int i = 0; i < panels; i++) {
        if (sq_decoder_create(&s, &d->dec[i]) != SQ_OK)
            return -1;
        if (stars) {
            stars->names[i] = names[i];
            constellations_tap(stars, d->dec[i], i + 1);
        }
    }
    return 0;
}

static void take_events(decoded_plot *d, int panel)
{
    sq_event ev;
    while (sq_decoder_next_event(d->dec[panel], &ev) == SQ_OK) {
        char *json = NULL;
        if (d->page) {
            timeline_event e = { .ev = ev, .channel = panel + 1 };
            if (!(json = timeline_json_line(&e)))
                d->failed = 1;
        }
        if (call_plot_event(d->plot, panel, &ev, json) != 0)
            d->failed = 1;
        free(json);
        char err[512];
        if (d->stars && !d->stars_error[0] && constellations_draw(d->stars, &ev, panel + 1, err, sizeof err) != 0)
            snprintf(d->stars_error, sizeof d->stars_error, "%s", err);
    }
}

void decoded_plot_feed(decoded_plot *d, int panel, const float *x, size_t n)
{
    call_plot_audio(d->plot, panel, x, n);
    size_t done = 0;
    while (done < n) {
        done += sq_decoder_push(d->dec[panel], x + done, n - done);
        take_events(d, panel);   /* the decoder stops when its queue is full: empty it */
    }
}

int decoded_plot_finish(decoded_plot *d, char *err, size_t err_len)
{
    for (int i = 0; i < d->panels; i++) {
        if (!d->dec[i])
            continue;
        sq_decoder_finish(d->dec[i]);
        take_events(d, i);
        sq_decoder_destroy(d->dec[i]);
        d->dec[i] = NULL;
    }
    if (d->failed) {
        snprintf(err, err_len, "out of memory keeping the call's events");
        return -1;
    }
    if (d->stars_error[0]) {
        snprintf(err, err_len, "%s", d->stars_error);
        return -1;
    }
    return 0;
}

void decoded_plot_close(decoded_plot *d)
{
    for (int i = 0; i < CALL_PLOT_MAX_PANELS; i++)
        sq_decoder_destroy(d->dec[i]);
    call_plot_destroy(d->plot);
    memset(d, 0, sizeof *d);
}
