/* Shared drawing helpers (draw.h). */
#include <fontconfig/fontconfig.h>
#include <stdio.h>
#include "src/io/output_file.h"
#include "src/plot/draw.h"

void plot_text(cairo_t *cr, double x, double y, double size, int bold, const char *s)
{
    cairo_select_font_face(cr, PLOT_FONT, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, s);
}

void plot_area(cairo_t *cr, double x, double y, double w, double h)
{
    cairo_set_source_rgb(cr, 0.97, 0.97, 0.97);
    cairo_rectangle(cr, x, y, w, h);
    cairo_fill(cr);
    cairo_set_line_width(cr, 1.0);
}

cairo_t *plot_begin(double w, double h, const char *title, const char *subtitle, cairo_surface_t **surface)
{
    *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)w, (int)h);
    cairo_t *cr = cairo_create(*surface);
    cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0.05, 0.05, 0.05);
    plot_text(cr, 20.0, 30.0, 17.0, 1, title);
    plot_text(cr, 20.0, 54.0, 13.0, 0, subtitle);
    return cr;
}

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int len)
{
    return output_file_write(closure, data, len) == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

int plot_png_write(cairo_surface_t *surface, const char *path, char *err, size_t err_len)
{
    output_file *f = NULL;
    if (output_file_open(path, 0, &f, err, err_len) != 0) {
        cairo_surface_destroy(surface);
        return -1;
    }
    cairo_status_t st = cairo_surface_status(surface);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_write_to_png_stream(surface, write_out, f);
    cairo_surface_destroy(surface);
    cairo_debug_reset_static_data();
    FcFini();
    if (st != CAIRO_STATUS_SUCCESS) {
        snprintf(err, err_len, "cannot draw '%s': %s", path, cairo_status_to_string(st));
        output_file_abort(f);
        return -1;
    }
    return output_file_commit(f, err, err_len);
}
