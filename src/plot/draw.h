/* What the small pictures share: text in the house font, and a finished image surface
 * written out as PNG under the output-file rules, with Cairo's and fontconfig's caches
 * freed after (a program draws a few pictures, then exits: leak checkers stay quiet). */
#ifndef SQ_PLOT_DRAW_H
#define SQ_PLOT_DRAW_H

#include <cairo.h>
#include <stddef.h>

#define PLOT_FONT "DejaVu Sans"

void plot_text(cairo_t *cr, double x, double y, double size, int bold, const char *s);
/* A plot area's light grey ground; leaves a 1-unit line width set for its grid. */
void plot_area(cairo_t *cr, double x, double y, double w, double h);
/* A white w x h image with the title and a line under it; *surface is what to write. */
cairo_t *plot_begin(double w, double h, const char *title, const char *subtitle, cairo_surface_t **surface);
/* Writes surface to path as PNG and destroys it. 0, or -1 with a one-line reason in err. */
int plot_png_write(cairo_surface_t *surface, const char *path, char *err, size_t err_len);

#endif
