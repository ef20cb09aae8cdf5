/* Text that stays text in an SVG (svg_text.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "src/io/output_file.h"
#include "src/plot/draw.h"
#include "src/plot/svg_text.h"

cairo_status_t plot_bytes_append(void *closure, const unsigned char *data, unsigned int len)
{
    plot_bytes *b = closure;
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->len + len)
            cap *= 2;
        unsigned char *d = realloc(b->data, cap);
        if (!d)
            return CAIRO_STATUS_NO_MEMORY;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
    return CAIRO_STATUS_SUCCESS;
}

static const cairo_user_data_key_t SVG_TEXTS;

void plot_svg_texts_attach(cairo_t *cr, plot_svg_texts *t)
{
    cairo_set_user_data(cr, &SVG_TEXTS, t, NULL);
}

void plot_set_font(cairo_t *cr, double size, int bold)
{
    cairo_select_font_face(cr, PLOT_FONT, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    plot_svg_texts *t = cairo_get_user_data(cr, &SVG_TEXTS);
    if (t) {
        t->size = size;
        t->bold = bold;
    }
}

static void append_text(plot_svg_texts *t, const char *s)
{
    if (!t->failed && plot_bytes_append(&t->out, (const unsigned char *)s, (unsigned)strlen(s)) != CAIRO_STATUS_SUCCESS)
        t->failed = 1;
}

static void svg_text(cairo_t *cr, plot_svg_texts *t, double x, double y, const char *s)
{
    double r = 0.0, g = 0.0, b = 0.0, a = 1.0;
    (void)cairo_pattern_get_rgba(cairo_get_source(cr), &r, &g, &b, &a);
    cairo_matrix_t m;
    cairo_get_matrix(cr, &m);
    cairo_user_to_device(cr, &x, &y);
    double angle = atan2(m.yx, m.xx) * 180.0 / M_PI;
    char head[320];
    snprintf(head, sizeof head, "<text xml:space=\"preserve\" x=\"%.2f\" y=\"%.2f\" font-family=\"%s\" font-size=\"%.1f\" "
             "font-weight=\"%s\" fill=\"rgb(%d,%d,%d)\"", x, y, PLOT_FONT, t->size, t->bold ? "bold" : "normal",
             (int)lrint(r * 255.0), (int)lrint(g * 255.0), (int)lrint(b * 255.0));
    append_text(t, head);
    if (fabs(angle) > 0.01) {
        snprintf(head, sizeof head, " transform=\"rotate(%.1f %.2f %.2f)\"", angle, x, y);
        append_text(t, head);
    }
    append_text(t, ">");
    for (; *s; s++) {
        char c[2] = { *s, 0 };
        append_text(t, *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : c);
    }
    append_text(t, "</text>\n");
}

double plot_text_width(cairo_t *cr, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

void plot_text_at(cairo_t *cr, double x, double y, const char *s)
{
    plot_svg_texts *t = cairo_get_user_data(cr, &SVG_TEXTS);
    if (t) {
        svg_text(cr, t, x, y, s);
        return;
    }
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, s);
}

/* Writes the SVG Cairo made with the collected text put in before its closing tag. */
int plot_svg_write(output_file *f, const plot_bytes *svg, const plot_bytes *texts)
{
    const char *end = "</svg>";
    size_t at = svg->len;
    for (size_t i = svg->len >= 6 ? svg->len - 6 : 0; i-- > 0;)
        if (memcmp(svg->data + i, end, 6) == 0) {
            at = i;
            break;
        }
    static const char open[] = "<g id=\"text\">\n", close[] = "</g>\n";
    return output_file_write(f, svg->data, at) == 0 && output_file_write(f, open, sizeof open - 1) == 0 &&
                   output_file_write(f, texts->data, texts->len) == 0 &&
                   output_file_write(f, close, sizeof close - 1) == 0 &&
                   output_file_write(f, svg->data + at, svg->len - at) == 0 ? 0 : -1;
}
