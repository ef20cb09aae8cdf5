/* Cairo writes each glyph of an SVG's text as a path; these keep the words as <text>
 * elements, to select, search and read aloud. While drawing an SVG, the text calls collect
 * them (plot_svg_texts_attach) instead of drawing, and plot_svg_write puts them in before
 * </svg>. For PNG and PDF the same calls draw as usual. */
#ifndef SQ_PLOT_SVG_TEXT_H
#define SQ_PLOT_SVG_TEXT_H

#include <cairo.h>
#include <stddef.h>

struct output_file;

/* A growing byte buffer, and a Cairo write function that appends to one (closure). */
typedef struct plot_bytes {
    unsigned char *data;
    size_t len, cap;
} plot_bytes;
cairo_status_t plot_bytes_append(void *closure, const unsigned char *data, unsigned int len);

typedef struct plot_svg_texts {
    plot_bytes out;
    double size;
    int bold;
    int failed;
} plot_svg_texts;

/* From now on the text calls on cr collect their words in t. */
void plot_svg_texts_attach(cairo_t *cr, plot_svg_texts *t);
/* The house font at size, bold or not. */
void plot_set_font(cairo_t *cr, double size, int bold);
double plot_text_width(cairo_t *cr, const char *s);
/* Text with its baseline starting at (x, y). */
void plot_text_at(cairo_t *cr, double x, double y, const char *s);
/* Writes the SVG Cairo made (svg) with the collected text put in before its closing tag. */
int plot_svg_write(struct output_file *f, const plot_bytes *svg, const plot_bytes *texts);

#endif
