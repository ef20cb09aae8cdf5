/* A page to hear and see a call: one self-contained HTML file (the picture and the audio
 * inside it as data: URLs, no network, no server) with the labelled spectrogram, the events
 * as lanes per side that can be clicked (the stretch plays and its fields show), a cursor
 * that follows the audio over the picture, and the keyboard: space plays or pauses, the
 * arrows go to the previous or next event.
 *
 * Every event is one element with class "event", data-type (its JSON type) and data-t (its
 * start in seconds), so that tests and scripts can find it. */
#ifndef SQ_PLOT_CALL_PAGE_H
#define SQ_PLOT_CALL_PAGE_H

#include <stddef.h>
#include "src/plot/call_plot.h"

/* 1 when path ends in .html or .htm (any case). */
int call_page_format_known(const char *path);
/* Checks, before any work, that path ends in .html (or .htm) and can be written. 0, or -1
 * with a one-line reason. */
int call_page_check_path(const char *path, char *err, size_t err_len);
/* p must have been told to keep its audio (call_plot_keep_audio) and its events' JSON.
 * 0, or -1 with a one-line reason in err. */
int call_page_write(call_plot *p, const char *path, const char *title, char *err, size_t err_len);

#endif
