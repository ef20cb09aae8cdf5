/* FSK decision pictures (fsk_decisions.h). */
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include "src/plot/draw.h"
#include "src/plot/fsk_decisions.h"

#define W 1100.0
#define H 440.0
#define X0 80.0
#define Y0 80.0
#define PW 980.0
#define PH 300.0

static double y_of(double v)
{
    return Y0 + (1.0 - v) / 2.0 * PH;
}

int fsk_decisions_write(const char *path, const char *title, const sq_decoder_fsk_bit *bits, size_t n,
                        double start_s, double end_s, char *err, size_t err_len)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += fabs(bits[i].confidence);
    char sub[160];
    snprintf(sub, sizeof sub, "%zu bits; mean |decision| %.2f (a clean V.21 bit reads about 0.7: its tones are not "
             "orthogonal over one bit)", n, n ? sum / (double)n : 0.0);
    cairo_surface_t *surface;
    cairo_t *cr = plot_begin(W, H, title, sub, &surface);
    plot_area(cr, X0, Y0, PW, PH);
    char s[32];
    for (int k = -2; k <= 2; k++) {
        double v = k / 2.0;
        cairo_set_source_rgb(cr, k == 0 ? 0.5 : 0.85, k == 0 ? 0.5 : 0.85, k == 0 ? 0.5 : 0.85);
        cairo_move_to(cr, X0, y_of(v));
        cairo_line_to(cr, X0 + PW, y_of(v));
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        snprintf(s, sizeof s, "%+.1f", v);
        plot_text(cr, X0 - 40.0, y_of(v) + 4.0, 12.0, 0, s);
    }
    plot_text(cr, X0 + 4.0, Y0 - 6.0, 12.0, 1, "mark");
    plot_text(cr, X0 + 4.0, Y0 + PH + 16.0, 12.0, 1, "space");
    double span = end_s > start_s ? end_s - start_s : 1.0;
    for (size_t i = 0; i < n; i++) {
        double x = X0 + (bits[i].t_s - start_s) / span * PW;
        if (x < X0 || x > X0 + PW)
            continue;
        if (bits[i].bit)
            cairo_set_source_rgba(cr, 0.12, 0.47, 0.71, 0.8);
        else
            cairo_set_source_rgba(cr, 0.85, 0.37, 0.01, 0.8);
        cairo_arc(cr, x, y_of(fmax(-1.0, fmin(1.0, bits[i].confidence))), 2.2, 0.0, 2.0 * M_PI);
        cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    snprintf(s, sizeof s, "%.3f s", start_s);
    plot_text(cr, X0, Y0 + PH + 36.0, 12.0, 0, s);
    snprintf(s, sizeof s, "%.3f s", end_s);
    plot_text(cr, X0 + PW - 60.0, Y0 + PH + 36.0, 12.0, 0, s);
    plot_text(cr, X0 + PW / 2.0 - 90.0, Y0 + PH + 36.0, 12.0, 1, "decision variable at each bit");
    cairo_destroy(cr);
    return plot_png_write(surface, path, err, err_len);
}
