/* Constellation pictures (constellation.h). */
#include <cairo.h>
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "dsp/cmplx.h"
#include "src/plot/draw.h"
#include "src/plot/constellation.h"

#define W 760.0
#define H 980.0
#define SCATTER_X 70.0
#define SCATTER_Y 80.0
#define SCATTER_S 640.0     /* the scatter is square */
#define RANGE 4.5           /* the axes run -RANGE..RANGE: V.22bis's points reach 3 */
#define TRACE_Y 800.0
#define TRACE_H 130.0
#define TRACE_DEG 45.0      /* the phase trace runs -45..45 degrees */
#define MAX_POINTS 16

static double sx(double v)
{
    return SCATTER_X + (v + RANGE) / (2.0 * RANGE) * SCATTER_S;
}

static double sy(double v)
{
    return SCATTER_Y + (RANGE - v) / (2.0 * RANGE) * SCATTER_S;
}

static void draw_axes(cairo_t *cr)
{
    plot_area(cr, SCATTER_X, SCATTER_Y, SCATTER_S, SCATTER_S);
    char s[16];
    for (int v = -4; v <= 4; v++) {
        cairo_set_source_rgb(cr, v == 0 ? 0.6 : 0.85, v == 0 ? 0.6 : 0.85, v == 0 ? 0.6 : 0.85);
        cairo_move_to(cr, sx(v), SCATTER_Y);
        cairo_line_to(cr, sx(v), SCATTER_Y + SCATTER_S);
        cairo_move_to(cr, SCATTER_X, sy(v));
        cairo_line_to(cr, SCATTER_X + SCATTER_S, sy(v));
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        snprintf(s, sizeof s, "%d", v);
        plot_text(cr, sx(v) - 4.0, SCATTER_Y + SCATTER_S + 16.0, 12.0, 0, s);
        plot_text(cr, SCATTER_X - 22.0, sy(v) + 4.0, 12.0, 0, s);
    }
    plot_text(cr, SCATTER_X + SCATTER_S / 2.0 - 20.0, SCATTER_Y + SCATTER_S + 34.0, 13.0, 1, "in phase");
    cairo_save(cr);
    cairo_translate(cr, SCATTER_X - 36.0, SCATTER_Y + SCATTER_S / 2.0 + 30.0);
    cairo_rotate(cr, -M_PI / 2.0);
    plot_text(cr, 0.0, 0.0, 13.0, 1, "quadrature");
    cairo_restore(cr);
}

/* The decided points (every distinct one the stretch used), as red crosses. */
static void draw_points(cairo_t *cr, const sq_decoder_symbol *syms, size_t n)
{
    float complex seen[MAX_POINTS];
    size_t n_seen = 0;
    for (size_t i = 0; i < n && n_seen < MAX_POINTS; i++) {
        float complex p = CMPLXF(syms[i].point_re, syms[i].point_im);
        size_t k = 0;
        while (k < n_seen && cabsf(seen[k] - p) > 1e-3f)
            k++;
        if (k == n_seen)
            seen[n_seen++] = p;
    }
    cairo_set_source_rgb(cr, 0.85, 0.1, 0.1);
    cairo_set_line_width(cr, 1.5);
    for (size_t k = 0; k < n_seen; k++) {
        double x = sx(crealf(seen[k])), y = sy(cimagf(seen[k]));
        cairo_move_to(cr, x - 9.0, y);
        cairo_line_to(cr, x + 9.0, y);
        cairo_move_to(cr, x, y - 9.0);
        cairo_line_to(cr, x, y + 9.0);
    }
    cairo_stroke(cr);
}

static double phase_error_deg(const sq_decoder_symbol *s)
{
    float complex z = CMPLXF(s->re, s->im), p = CMPLXF(s->point_re, s->point_im);
    return cabsf(p) > 0.0f ? cargf(z * conjf(p)) * 180.0 / M_PI : 0.0;
}

static void draw_trace(cairo_t *cr, const sq_decoder_symbol *syms, size_t n)
{
    plot_area(cr, SCATTER_X, TRACE_Y, SCATTER_S, TRACE_H);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_move_to(cr, SCATTER_X, TRACE_Y + TRACE_H / 2.0);
    cairo_line_to(cr, SCATTER_X + SCATTER_S, TRACE_Y + TRACE_H / 2.0);
    cairo_stroke(cr);
    double t0 = n ? syms[0].t_s : 0.0, span = n > 1 ? syms[n - 1].t_s - t0 : 1.0;
    cairo_set_source_rgba(cr, 0.1, 0.2, 0.5, 0.7);
    cairo_set_line_width(cr, 0.8);
    for (size_t i = 0; i < n; i++) {
        double e = fmax(-TRACE_DEG, fmin(TRACE_DEG, phase_error_deg(&syms[i])));
        double x = SCATTER_X + (span > 0.0 ? (syms[i].t_s - t0) / span : 0.0) * SCATTER_S;
        double y = TRACE_Y + TRACE_H / 2.0 - e / TRACE_DEG * TRACE_H / 2.0;
        if (i == 0)
            cairo_move_to(cr, x, y);
        else
            cairo_line_to(cr, x, y);
    }
    cairo_stroke(cr);
    char s[96];
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    plot_text(cr, SCATTER_X, TRACE_Y - 8.0, 13.0, 1, "phase error of each symbol, degrees (+-45), against time");
    snprintf(s, sizeof s, "%.3f s", t0);
    plot_text(cr, SCATTER_X, TRACE_Y + TRACE_H + 16.0, 12.0, 0, s);
    snprintf(s, sizeof s, "%.3f s", t0 + span);
    plot_text(cr, SCATTER_X + SCATTER_S - 50.0, TRACE_Y + TRACE_H + 16.0, 12.0, 0, s);
}

int constellation_write(const char *path, const char *title, const sq_decoder_symbol *syms, size_t n,
                        size_t total, double snr_db, char *err, size_t err_len)
{
    char sub[160];
    if (n < total)
        snprintf(sub, sizeof sub, "symbol SNR %.1f dB; the first %zu of %zu symbols", snr_db, n, total);
    else
        snprintf(sub, sizeof sub, "symbol SNR %.1f dB; %zu symbols", snr_db, n);
    cairo_surface_t *surface;
    cairo_t *cr = plot_begin(W, H, title, sub, &surface);
    draw_axes(cr);
    draw_points(cr, syms, n);   /* under the symbols, so a clean line's still show */
    cairo_set_source_rgba(cr, 0.1, 0.3, 0.7, 0.35);
    for (size_t i = 0; i < n; i++) {
        if (fabsf(syms[i].re) > RANGE || fabsf(syms[i].im) > RANGE)
            continue;
        cairo_arc(cr, sx(syms[i].re), sy(syms[i].im), 1.6, 0.0, 2.0 * M_PI);
        cairo_fill(cr);
    }
    draw_trace(cr, syms, n);
    cairo_destroy(cr);
    return plot_png_write(surface, path, err, err_len);
}
