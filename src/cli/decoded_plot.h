/* A picture (and a page) of a call squeal made itself (sim --plot, sim --html): each side's
 * signal is decoded on its own, as it is made, and drawn in a panel of its own with the
 * events found in it. */
#ifndef SQ_CLI_DECODED_PLOT_H
#define SQ_CLI_DECODED_PLOT_H

#include <stddef.h>
#include "src/cli/constellations.h"
#include "src/plot/call_plot.h"

typedef struct decoded_plot {
    call_plot *plot;
    sq_decoder *dec[CALL_PLOT_MAX_PANELS];
    int panels;
    int page;        /* keep the audio and each event's JSON, for call_page_write */
    constellations *stars;   /* --constellation: data symbols drawn per stretch (or NULL) */
    int failed;      /* out of memory along the way */
    char stars_error[512];   /* the first constellation that could not be drawn */
} decoded_plot;

/* page: 1 when a page will be written; stars: where constellations go (or NULL), panel i
 * drawn as channel i + 1. 0, or -1 (out of memory). */
int decoded_plot_open(decoded_plot *d, int panels, const char *const *names, int page, constellations *stars);
void decoded_plot_feed(decoded_plot *d, int panel, const float *x, size_t n);
/* Finishes decoding (once; later calls do nothing). 0, or -1 with a one-line reason. */
int decoded_plot_finish(decoded_plot *d, char *err, size_t err_len);
void decoded_plot_close(decoded_plot *d);

#endif
