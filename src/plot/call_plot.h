/* The picture of a call: a spectrogram per panel (a channel of the file, or a side of a
 * simulated call), every event drawn as a labelled span in the strip above the panel it was
 * heard in, on the row of the side that sent it (caller above, answerer below), a time axis
 * in seconds, a frequency axis in hertz, levels in dBm0 with a colour bar, the title and
 * the decoded summary (modes offered and chosen, data rates) on top, and a legend that says
 * each short name in words. Drawn with Cairo: PNG, SVG or PDF by the file's extension.
 *
 * Audio goes in as it is decoded (8 kHz samples) and is kept as a bounded spectrogram, so
 * plotting a long call costs a few megabytes, not the call. */
#ifndef SQ_PLOT_CALL_PLOT_H
#define SQ_PLOT_CALL_PLOT_H

#include <stddef.h>
#include "squeal/squeal.h"
#include "src/plot/event_labels.h"

#define CALL_PLOT_MAX_PANELS 8

typedef struct call_plot call_plot;

/* An event as the picture and the page show it. */
typedef struct call_plot_item {
    int panel;
    plot_side side;
    plot_family family;
    sq_event_type type;
    int band;            /* V.34 and V.90 training: the phase-2 band of the modem that sent it */
    double start_s, end_s;
    char label[32];
    char meaning[128];
    char *json;          /* its timeline line, for the page (NULL when not kept) */
} call_plot_item;

/* Where the plot area lies in the picture, for a page that moves a cursor over it. */
typedef struct call_plot_geometry {
    double width, height;       /* the whole picture */
    double left, plot_width;    /* the time axis: t = 0 at left, the end at left + plot_width */
    double duration_s;
} call_plot_geometry;

/* 1 when path ends in .png, .svg or .pdf (any case). */
int call_plot_format_known(const char *path);
/* Checks, before any work, that path ends in .png, .svg or .pdf and can be written (the
 * output rules of src/io/output_file.h). 0, or -1 with a one-line reason in err. */
int call_plot_check_path(const char *path, char *err, size_t err_len);
/* panels: 1..CALL_PLOT_MAX_PANELS, each named ("ch1", "caller"). 0 or -1 (out of memory). */
int call_plot_create(int panels, const char *const *names, call_plot **out);
void call_plot_audio(call_plot *p, int panel, const float *x, size_t n);
/* 0, or -1 (out of memory). json: the event's timeline line, kept for the page (or NULL). */
int call_plot_event(call_plot *p, int panel, const sq_event *ev, const char *json);
/* Keeps the audio too (mixed to one channel), for a page that plays it. Call before any. */
void call_plot_keep_audio(call_plot *p);
/* Draws everything into path. 0, or -1 with a one-line reason in err. */
int call_plot_write(call_plot *p, const char *path, const char *title, char *err, size_t err_len);
/* The picture as PNG bytes in memory (malloc'd), with its geometry. 0, or -1 with a reason. */
int call_plot_png(call_plot *p, const char *title, unsigned char **png, size_t *len, call_plot_geometry *g,
                  char *err, size_t err_len);
const call_plot_item *call_plot_items(const call_plot *p, size_t *n);
/* The summary line (modes offered, chosen, data rates). */
void call_plot_summary(const call_plot *p, char *buf, size_t len);
int call_plot_panels(const call_plot *p, const char **names);
/* The kept audio, 8 kHz (none: n = 0); NULL when memory ran out keeping it. */
const float *call_plot_mix(const call_plot *p, size_t *n);
void call_plot_destroy(call_plot *p);

#endif
