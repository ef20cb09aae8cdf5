/* A picture of a call squeal made itself (sim --plot): each side's signal is decoded on its
 * own, as it is made, and drawn in a panel of its own with the events found in it. */
#ifndef SQ_CLI_DECODED_PLOT_H
#define SQ_CLI_DECODED_PLOT_H

#include <stddef.h>
#include "src/plot/call_plot.h"

typedef struct decoded_plot {
    call_plot *plot;
    sq_decoder *dec[CALL_PLOT_MAX_PANELS];
    int panels;
    int failed;      /* out of memory along the way */
} decoded_plot;

/* 0, or -1 (out of memory). */
int decoded_plot_open(decoded_plot *d, int panels, const char *const *names);
void decoded_plot_feed(decoded_plot *d, int panel, const float *x, size_t n);
/* Finishes decoding and draws into path; 0, or -1 with a one-line reason in err. */
int decoded_plot_write(decoded_plot *d, const char *path, const char *title, char *err, size_t err_len);
void decoded_plot_close(decoded_plot *d);

#endif
