/* The picture of a call (call_plot.h), drawn with Cairo's own text and image calls. */
#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "squeal/level.h"
#include "squeal/time_base.h"
#include "src/io/output_file.h"
#include "src/plot/call_plot.h"
#include "src/plot/colormap.h"
#include "src/plot/event_labels.h"
#include "src/plot/spectrogram.h"
#include "src/plot/svg_text.h"

/* Layout, in pixels for PNG and points for SVG and PDF. */
#define WIDTH 1600.0
#define LEFT 90.0               /* frequency labels */
#define RIGHT 130.0             /* the colour bar */
#define TOP 78.0                /* title and summary */
#define ROW_H 17.0              /* one row of event spans */
#define ROWS_PER_SIDE 3
#define STRIP_GAP 4.0
#define SPEC_H 240.0
#define PANEL_GAP 34.0
#define AXIS_H 44.0
#define LEGEND_ROW_H 19.0
#define LEGEND_COLUMNS 2
#define BOTTOM 16.0
#define RANGE_DB 70.0           /* the colour scale spans this many dB below its top */
#define MAX_FREQ_HZ 4000.0

typedef call_plot_item plot_item;

typedef struct plot_panel {
    char name[32];
    plot_spectrogram *spec;
} plot_panel;

struct call_plot {
    int n_panels;
    plot_panel panels[CALL_PLOT_MAX_PANELS];
    plot_item *items;
    size_t n_items, cap;
    uint32_t offered, joint;      /* the first CM's and JM's modulations */
    int have_cm, have_jm;
    int data_rate[2];             /* per side: the last data rate seen */
    int v90;                      /* an INFO0d was heard: phase 2's bands are V.90's */
    plot_side digital_side;       /* which side is the V.90 digital modem (V.8 says; the
                                   * answerer when it does not) */
    const char *went_on;          /* the data modulation the call reached, when seen */
    plot_colormap colours;
    int keep_audio;
    float *mix;                   /* the panels' audio averaged, when kept */
    size_t mix_len, mix_cap;
    uint64_t fed[CALL_PLOT_MAX_PANELS];   /* samples given to each panel */
    int mix_failed;
};

static const double FAMILY_RGB[PLOT_FAMILY_COUNT][3] = {
    { 0.85, 0.37, 0.01 },   /* answer tones: orange */
    { 0.46, 0.44, 0.70 },   /* calling tones: purple */
    { 0.11, 0.62, 0.47 },   /* V.8: green */
    { 0.91, 0.16, 0.54 },   /* FSK data: magenta */
    { 0.40, 0.65, 0.12 },   /* training: olive */
    { 0.12, 0.47, 0.71 },   /* QAM data: blue */
};

static const char *extension(const char *path)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    return dot && (!slash || dot > slash) ? dot + 1 : "";
}

int call_plot_format_known(const char *path)
{
    const char *ext = extension(path);
    return !strcasecmp(ext, "png") || !strcasecmp(ext, "svg") || !strcasecmp(ext, "pdf");
}

int call_plot_check_path(const char *path, char *err, size_t err_len)
{
    if (!call_plot_format_known(path)) {
        snprintf(err, err_len, "'%s': a picture's name ends in .png, .svg or .pdf", path);
        return -1;
    }
    return output_file_check(path, err, err_len);
}

int call_plot_create(int panels, const char *const *names, call_plot **out)
{
    *out = NULL;
    if (panels < 1 || panels > CALL_PLOT_MAX_PANELS)
        return -1;
    call_plot *p = calloc(1, sizeof *p);
    if (!p)
        return -1;
    p->n_panels = panels;
    p->digital_side = PLOT_ANSWERER;   /* an ISP's modem answers, most often */
    for (int i = 0; i < panels; i++) {
        snprintf(p->panels[i].name, sizeof p->panels[i].name, "%s", names[i]);
        if (plot_spectrogram_create(&p->panels[i].spec) != 0) {
            call_plot_destroy(p);
            return -1;
        }
    }
    plot_colormap_init(&p->colours);
    *out = p;
    return 0;
}

void call_plot_keep_audio(call_plot *p)
{
    p->keep_audio = 1;
}

/* Adds a panel's samples into the mix at that panel's own position. */
static void mix_in(call_plot *p, int panel, const float *x, size_t n)
{
    size_t at = (size_t)p->fed[panel], need = at + n;
    if (need > p->mix_cap) {
        size_t cap = p->mix_cap ? p->mix_cap : 65536;
        while (cap < need)
            cap *= 2;
        float *m = realloc(p->mix, cap * sizeof *m);
        if (!m) {
            p->mix_failed = 1;
            return;
        }
        memset(m + p->mix_cap, 0, (cap - p->mix_cap) * sizeof *m);
        p->mix = m;
        p->mix_cap = cap;
    }
    for (size_t i = 0; i < n; i++)
        p->mix[at + i] += (isfinite(x[i]) ? x[i] : 0.0f) / (float)p->n_panels;
    p->mix_len = need > p->mix_len ? need : p->mix_len;
}

void call_plot_audio(call_plot *p, int panel, const float *x, size_t n)
{
    if (panel < 0 || panel >= p->n_panels)
        return;
    plot_spectrogram_add(p->panels[panel].spec, x, n);
    if (p->keep_audio && !p->mix_failed)
        mix_in(p, panel, x, n);
    p->fed[panel] += n;
}

/* Phase-2 band 1 (1200 Hz) is the V.34 call modem's, or the V.90 digital modem's. */
static plot_side band_side(const call_plot *p, int band)
{
    plot_side one = p->v90 ? p->digital_side : PLOT_CALLER;
    return band == 1 ? one : (plot_side)(1 - one);
}

static plot_side side_of(const call_plot *p, const plot_item *it, const sq_event *ev)
{
    return it->band ? band_side(p, it->band) : plot_event_side(ev);
}

int call_plot_event(call_plot *p, int panel, const sq_event *ev, const char *json)
{
    if (panel < 0 || panel >= p->n_panels)
        return 0;
    if (p->n_items == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 64;
        plot_item *items = realloc(p->items, cap * sizeof *items);
        if (!items)
            return -1;
        p->items = items;
        p->cap = cap;
    }
    plot_item *it = &p->items[p->n_items];
    it->json = NULL;
    if (json && !(it->json = strdup(json)))
        return -1;
    p->n_items++;
    it->type = ev->type;
    it->panel = panel;
    it->band = plot_event_by_band(ev->type) ? ev->fsk_channel : 0;
    it->side = side_of(p, it, ev);
    it->family = plot_event_family(ev);
    it->start_s = ev->start_s;
    it->end_s = ev->end_s;
    plot_event_label(ev, it->label, sizeof it->label);
    plot_event_meaning(ev, it->meaning, sizeof it->meaning);
    if (ev->type == SQ_EVENT_INFO0 && ev->info_kind == SQ_INFO0D && !p->v90) {
        p->v90 = 1;   /* the bands were V.90's all along: what was drawn before moves */
        for (size_t i = 0; i < p->n_items; i++)
            if (p->items[i].band)
                p->items[i].side = band_side(p, p->items[i].band);
    }
    if (ev->type == SQ_EVENT_V90_DATA || (ev->type == SQ_EVENT_V34_DATA && p->v90))
        p->went_on = "V.90";
    else if (ev->type == SQ_EVENT_V34_DATA)
        p->went_on = "V.34";
    else if (ev->type == SQ_EVENT_V32_DATA)
        p->went_on = "V.32 / V.32bis";
    else if (ev->type == SQ_EVENT_DATA)
        p->went_on = ev->rate == 2400 ? "V.22bis" : "V.22";
    if (ev->type == SQ_EVENT_CM && !p->have_cm) {
        p->have_cm = 1;
        p->offered = ev->v8.modulations;
        if (ev->v8.has_pcm && (ev->v8.pcm & 2))
            p->digital_side = PLOT_CALLER;
    } else if (ev->type == SQ_EVENT_JM && !p->have_jm) {
        p->have_jm = 1;
        p->joint = ev->v8.modulations;
        if (ev->v8.has_pcm && (ev->v8.pcm & 2))
            p->digital_side = PLOT_ANSWERER;
    } else if ((ev->type == SQ_EVENT_DATA || ev->type == SQ_EVENT_V34_DATA || ev->type == SQ_EVENT_V32_E) && ev->rate) {
        p->data_rate[it->side] = ev->rate;   /* V.22 data; V.34 data at the MPs' rate; V.32's E */
    }
    return 0;
}

/* ---- drawing ---- */

typedef struct layout {
    double height, plot_w, duration_s;
    double panel_top[CALL_PLOT_MAX_PANELS];   /* top of each panel's event strip */
    double legend_top;
    size_t n_legend;
    const plot_item *legend[64];               /* one item per distinct short name */
    double db_top;
} layout;

static double strip_h(void)
{
    return 2.0 * ROWS_PER_SIDE * ROW_H + STRIP_GAP;
}

static double x_of(const layout *l, double t)
{
    return LEFT + t / l->duration_s * l->plot_w;
}

static double level_top_db(const call_plot *p)
{
    double top = -INFINITY;
    for (int i = 0; i < p->n_panels; i++) {
        const plot_spectrogram *s = p->panels[i].spec;
        for (size_t c = 0; c < plot_spectrogram_columns(s); c++) {
            const float *col = plot_spectrogram_column(s, c);
            for (size_t k = 0; k < PLOT_SPECTROGRAM_BINS; k++)
                top = fmax(top, (double)col[k]);
        }
    }
    double db = top > 0.0 ? sq_power_to_dbm0(top) : -60.0;
    return fmin(0.0, ceil(db / 5.0) * 5.0);
}

static void make_layout(const call_plot *p, layout *l)
{
    memset(l, 0, sizeof *l);
    l->plot_w = WIDTH - LEFT - RIGHT;
    uint64_t samples = 0;
    for (int i = 0; i < p->n_panels; i++)
        samples = samples > plot_spectrogram_samples(p->panels[i].spec) ? samples : plot_spectrogram_samples(p->panels[i].spec);
    l->duration_s = fmax((double)samples / SQ_PROCESSING_RATE_HZ, 0.1);
    double y = TOP;
    for (int i = 0; i < p->n_panels; i++) {
        l->panel_top[i] = y;
        y += strip_h() + SPEC_H + PANEL_GAP;
    }
    l->legend_top = y - PANEL_GAP + AXIS_H + 16.0;
    for (size_t i = 0; i < p->n_items && l->n_legend < sizeof l->legend / sizeof l->legend[0]; i++) {
        size_t k = 0;
        while (k < l->n_legend && strcmp(l->legend[k]->label, p->items[i].label) != 0)
            k++;
        if (k == l->n_legend)
            l->legend[l->n_legend++] = &p->items[i];
    }
    size_t legend_rows = (l->n_legend + LEGEND_COLUMNS - 1) / LEGEND_COLUMNS;
    l->height = l->legend_top + (double)legend_rows * LEGEND_ROW_H + BOTTOM;
    l->db_top = level_top_db(p);
}

/* The panel's spectrogram as an image, one pixel per column and bin, stretched to fit. */
static void draw_spectrogram(cairo_t *cr, const call_plot *p, const layout *l, int i, double top)
{
    const plot_spectrogram *s = p->panels[i].spec;
    size_t cols = plot_spectrogram_columns(s);
    cairo_rectangle(cr, LEFT, top, l->plot_w, SPEC_H);
    cairo_set_source_rgb(cr, 0.0, 0.0, 0.0);
    cairo_fill(cr);
    if (cols == 0)
        return;
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)cols, PLOT_SPECTROGRAM_BINS);
    unsigned char *px = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    cairo_surface_flush(img);
    for (size_t c = 0; c < cols; c++) {
        const float *col = plot_spectrogram_column(s, c);
        for (size_t k = 0; k < PLOT_SPECTROGRAM_BINS; k++) {
            double db = col[k] > 0.0f ? sq_power_to_dbm0(col[k]) : -300.0;
            const unsigned char *rgb = plot_colormap_at(&p->colours, (db - (l->db_top - RANGE_DB)) / RANGE_DB);
            uint32_t *dst = (uint32_t *)(void *)(px + (size_t)stride * (PLOT_SPECTROGRAM_BINS - 1 - k)) + c;
            *dst = (uint32_t)rgb[0] << 16 | (uint32_t)rgb[1] << 8 | rgb[2];
        }
    }
    cairo_surface_mark_dirty(img);
    /* column c covers [c, c + 1) column spacings, from the first FFT window's centre */
    double t0 = (32.0 - PLOT_SPECTROGRAM_FFT / 2.0) / SQ_PROCESSING_RATE_HZ;
    double x0 = x_of(l, t0), x1 = x_of(l, t0 + (double)cols * plot_spectrogram_column_s(s));
    cairo_save(cr);
    cairo_rectangle(cr, LEFT, top, l->plot_w, SPEC_H);
    cairo_clip(cr);
    cairo_translate(cr, x0, top);
    cairo_scale(cr, (x1 - x0) / (double)cols, SPEC_H / PLOT_SPECTROGRAM_BINS);
    cairo_set_source_surface(cr, img, 0.0, 0.0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_surface_destroy(img);
}

static void draw_freq_axis(cairo_t *cr, const call_plot *p, int i, double top)
{
    char s[32];
    plot_set_font(cr, 12.0, 0);
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    for (double f = 0.0; f <= MAX_FREQ_HZ; f += 1000.0) {
        double y = top + SPEC_H - f / MAX_FREQ_HZ * SPEC_H;
        snprintf(s, sizeof s, "%.0f", f);
        plot_text_at(cr, LEFT - 8.0 - plot_text_width(cr, s), y + 4.0, s);
        cairo_move_to(cr, LEFT - 5.0, y);
        cairo_line_to(cr, LEFT, y);
    }
    cairo_set_line_width(cr, 1.0);
    cairo_stroke(cr);
    cairo_save(cr);
    cairo_translate(cr, 16.0, top + SPEC_H / 2.0);
    cairo_rotate(cr, -M_PI / 2.0);
    snprintf(s, sizeof s, "%s, Hz", p->panels[i].name);
    plot_set_font(cr, 13.0, 1);
    plot_text_at(cr, -plot_text_width(cr, s) / 2.0, 0.0, s);
    cairo_restore(cr);
}

/* The strip above a panel: the caller's rows, then the answerer's; each event on the first
 * row of its side where it does not overlap the one before. */
static void draw_events(cairo_t *cr, const call_plot *p, const layout *l, int i, double top)
{
    double row_end[2][ROWS_PER_SIDE];
    for (int s = 0; s < 2; s++)
        for (int r = 0; r < ROWS_PER_SIDE; r++)
            row_end[s][r] = -INFINITY;
    plot_set_font(cr, 11.0, 1);
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    plot_text_at(cr, LEFT - 8.0 - plot_text_width(cr, "caller"), top + ROW_H - 4.0, "caller");
    plot_text_at(cr, LEFT - 8.0 - plot_text_width(cr, "answerer"), top + ROWS_PER_SIDE * ROW_H + STRIP_GAP + ROW_H - 4.0, "answerer");
    for (size_t k = 0; k < p->n_items; k++) {
        const plot_item *it = &p->items[k];
        if (it->panel != i)
            continue;
        double x0 = x_of(l, it->start_s), x1 = fmax(x_of(l, it->end_s), x0 + 2.0);
        int s = it->side, row = 0;
        while (row < ROWS_PER_SIDE - 1 && row_end[s][row] > x0 - 2.0)
            row++;
        row_end[s][row] = fmax(row_end[s][row], x1);
        double y = top + (s ? ROWS_PER_SIDE * ROW_H + STRIP_GAP : 0.0) + row * ROW_H;
        const double *rgb = FAMILY_RGB[it->family];
        cairo_rectangle(cr, x0, y + 1.0, x1 - x0, ROW_H - 2.0);
        cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        cairo_fill(cr);
        /* a faint line down the spectrogram where it starts */
        cairo_move_to(cr, x0 + 0.5, top + strip_h());
        cairo_line_to(cr, x0 + 0.5, top + strip_h() + SPEC_H);
        cairo_set_source_rgba(cr, 1.0, 1.0, 1.0, 0.25);
        cairo_set_line_width(cr, 1.0);
        cairo_stroke(cr);
        plot_set_font(cr, 11.0, 1);
        if (plot_text_width(cr, it->label) + 6.0 <= x1 - x0) {
            cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
            plot_text_at(cr, x0 + 3.0, y + ROW_H - 5.0, it->label);
        }
    }
}

static double nice_step(double span_s, double px)
{
    static const double steps[] = { 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600 };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (px / (span_s / steps[i]) >= 70.0)
            return steps[i];
    return 7200.0;
}

static void draw_time_axis(cairo_t *cr, const layout *l, int n_panels)
{
    double step = nice_step(l->duration_s, l->plot_w);
    char s[32];
    plot_set_font(cr, 12.0, 0);
    for (int i = 0; i < n_panels; i++) {
        double bottom = l->panel_top[i] + strip_h() + SPEC_H;
        for (double t = 0.0; t <= l->duration_s + 1e-9; t += step) {
            double x = x_of(l, t);
            cairo_move_to(cr, x, bottom);
            cairo_line_to(cr, x, bottom + 5.0);
            snprintf(s, sizeof s, step < 1.0 ? "%.1f" : "%.0f", t);
            cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
            if (i == n_panels - 1 || n_panels == 1)
                plot_text_at(cr, x - plot_text_width(cr, s) / 2.0, bottom + 18.0, s);
        }
        cairo_set_line_width(cr, 1.0);
        cairo_stroke(cr);
    }
    double last = l->panel_top[n_panels - 1] + strip_h() + SPEC_H;
    plot_set_font(cr, 13.0, 1);
    plot_text_at(cr, LEFT + l->plot_w / 2.0 - plot_text_width(cr, "time, s") / 2.0, last + 36.0, "time, s");
}

static void draw_colour_bar(cairo_t *cr, const call_plot *p, const layout *l)
{
    double x = WIDTH - RIGHT + 24.0, top = l->panel_top[0] + strip_h(), h = SPEC_H, w = 16.0;
    for (int y = 0; y < (int)h; y++) {
        const unsigned char *rgb = plot_colormap_at(&p->colours, 1.0 - (double)y / (h - 1.0));
        cairo_rectangle(cr, x, top + y, w, 1.0);
        cairo_set_source_rgb(cr, rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0);
        cairo_fill(cr);
    }
    char s[32];
    plot_set_font(cr, 11.0, 0);
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    for (double db = 0.0; db <= RANGE_DB; db += 10.0) {
        double y = top + db / RANGE_DB * h;
        snprintf(s, sizeof s, "%.0f", l->db_top - db);
        plot_text_at(cr, x + w + 5.0, y + 4.0, s);
    }
    plot_set_font(cr, 11.0, 1);
    plot_text_at(cr, x - 6.0, top - 22.0, "dBm0 per");
    plot_text_at(cr, x - 6.0, top - 9.0, "31 Hz bin");
}

/* "offered v34 v32bis v22bis v21; both have ...; data from the caller at 2400 bit/s ...": the
 * rate of V.22 data, of V.34 data (the two MPs') or of V.32's E */
void call_plot_summary(const call_plot *p, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    const uint32_t sets[2] = { p->offered, p->joint };
    const int have[2] = { p->have_cm, p->have_jm };
    const char *what[2] = { "offered (CM):", "in common (JM):" };
    for (int s = 0; s < 2; s++) {
        if (!have[s])
            continue;
        at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? "   " : "", what[s]);
        for (int k = 0; k < SQ_V8_MOD_COUNT && at < len; k++)
            if (sets[s] & (1u << k))
                at += (size_t)snprintf(buf + at, len - at, " %s", sq_v8_mod_to_str(1u << k));
    }
    if (p->went_on && at < len) {   /* V.8 does not choose between V.34 and V.90: phase 2 does */
        at += (size_t)snprintf(buf + at, len - at, "%sthe call went on in %s", at ? "   " : "", p->went_on);
    } else if (p->have_jm && at < len) {
        uint32_t best = sq_v8_best_mode(p->joint);
        at += (size_t)snprintf(buf + at, len - at, "   chosen: %s", best ? sq_v8_mod_to_str(best) : "none");
    }
    static const char *const side[2] = { "caller", "answerer" };
    for (int s = 0; s < 2 && at < len; s++)
        if (p->data_rate[s])
            at += (size_t)snprintf(buf + at, len - at, "%sdata from the %s at %d bit/s", at ? "   " : "", side[s],
                                   p->data_rate[s]);
    if (at == 0)
        snprintf(buf, len, "no V.8 negotiation or data rate decoded");
}

static void draw_legend(cairo_t *cr, const layout *l)
{
    double col_w = (WIDTH - 2.0 * LEFT / 2.0) / LEGEND_COLUMNS;
    for (size_t k = 0; k < l->n_legend; k++) {
        const plot_item *it = l->legend[k];
        double x = LEFT / 2.0 + (double)(k % LEGEND_COLUMNS) * col_w, y = l->legend_top + (double)(k / LEGEND_COLUMNS) * LEGEND_ROW_H;
        const double *rgb = FAMILY_RGB[it->family];
        cairo_rectangle(cr, x, y - 11.0, 12.0, 12.0);
        cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        plot_set_font(cr, 12.0, 1);
        plot_text_at(cr, x + 18.0, y, it->label);
        double w = fmax(plot_text_width(cr, it->label), 80.0);
        plot_set_font(cr, 12.0, 0);
        plot_text_at(cr, x + 26.0 + w, y, it->meaning);
    }
}

static void render(cairo_t *cr, const call_plot *p, const layout *l, const char *title)
{
    cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
    cairo_paint(cr);
    char line[1024];
    plot_set_font(cr, 18.0, 1);
    cairo_set_source_rgb(cr, 0.05, 0.05, 0.05);
    plot_text_at(cr, LEFT / 2.0, 30.0, title);
    call_plot_summary(p, line, sizeof line);
    plot_set_font(cr, 13.0, 0);
    plot_text_at(cr, LEFT / 2.0, 54.0, line);
    for (int i = 0; i < p->n_panels; i++) {
        draw_events(cr, p, l, i, l->panel_top[i]);
        draw_spectrogram(cr, p, l, i, l->panel_top[i] + strip_h());
        draw_freq_axis(cr, p, i, l->panel_top[i] + strip_h());
    }
    draw_time_axis(cr, l, p->n_panels);
    draw_colour_bar(cr, p, l);
    draw_legend(cr, l);
}

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int len)
{
    return output_file_write(closure, data, len) == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

int call_plot_write(call_plot *p, const char *path, const char *title, char *err, size_t err_len)
{
    if (call_plot_check_path(path, err, err_len) != 0)
        return -1;
    layout l;
    make_layout(p, &l);
    output_file *f = NULL;
    if (output_file_open(path, 0, &f, err, err_len) != 0)
        return -1;
    const char *ext = extension(path);
    int svg = strcasecmp(ext, "svg") == 0;
    plot_bytes svg_bytes = { 0 };
    plot_svg_texts texts = { 0 };
    cairo_surface_t *surface;
    if (strcasecmp(ext, "png") == 0)
        surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)WIDTH, (int)ceil(l.height));
    else if (svg)
        surface = cairo_svg_surface_create_for_stream(plot_bytes_append, &svg_bytes, WIDTH, ceil(l.height));
    else
        surface = cairo_pdf_surface_create_for_stream(write_out, f, WIDTH, ceil(l.height));
    cairo_t *cr = cairo_create(surface);
    if (svg)
        plot_svg_texts_attach(cr, &texts);
    render(cr, p, &l, title);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    if (st == CAIRO_STATUS_SUCCESS && strcasecmp(ext, "png") == 0)
        st = cairo_surface_write_to_png_stream(surface, write_out, f);
    cairo_surface_finish(surface);   /* SVG and PDF are written out here */
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    /* Cairo and fontconfig keep the fonts they found for the next drawing; a program
     * draws one picture, so they go now rather than be reported as leaks at exit. */
    cairo_debug_reset_static_data();
    FcFini();
    if (st == CAIRO_STATUS_SUCCESS && texts.failed)
        st = CAIRO_STATUS_NO_MEMORY;
    if (st == CAIRO_STATUS_SUCCESS && svg && plot_svg_write(f, &svg_bytes, &texts.out) != 0)
        st = CAIRO_STATUS_WRITE_ERROR;
    free(svg_bytes.data);
    free(texts.out.data);
    if (st != CAIRO_STATUS_SUCCESS) {
        snprintf(err, err_len, "cannot draw '%s': %s", path, cairo_status_to_string(st));
        output_file_abort(f);
        return -1;
    }
    return output_file_commit(f, err, err_len);
}

int call_plot_png(call_plot *p, const char *title, unsigned char **png, size_t *len, call_plot_geometry *g,
                  char *err, size_t err_len)
{
    layout l;
    make_layout(p, &l);
    plot_bytes b = { 0 };
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)WIDTH, (int)ceil(l.height));
    cairo_t *cr = cairo_create(surface);
    render(cr, p, &l, title);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_write_to_png_stream(surface, plot_bytes_append, &b);
    cairo_surface_destroy(surface);
    cairo_debug_reset_static_data();
    FcFini();
    if (st != CAIRO_STATUS_SUCCESS) {
        snprintf(err, err_len, "cannot draw the picture: %s", cairo_status_to_string(st));
        free(b.data);
        return -1;
    }
    *png = b.data;
    *len = b.len;
    *g = (call_plot_geometry){ .width = WIDTH, .height = ceil(l.height), .left = LEFT, .plot_width = l.plot_w,
                               .duration_s = l.duration_s };
    return 0;
}

const call_plot_item *call_plot_items(const call_plot *p, size_t *n)
{
    *n = p->n_items;
    return p->items;
}

int call_plot_panels(const call_plot *p, const char **names)
{
    for (int i = 0; i < p->n_panels; i++)
        names[i] = p->panels[i].name;
    return p->n_panels;
}

const float *call_plot_mix(const call_plot *p, size_t *n)
{
    static const float none[1];
    *n = p->mix_failed ? 0 : p->mix_len;
    return p->mix_failed ? NULL : p->mix ? p->mix : none;
}

void call_plot_destroy(call_plot *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->n_panels; i++)
        plot_spectrogram_destroy(p->panels[i].spec);
    for (size_t i = 0; i < p->n_items; i++)
        free(p->items[i].json);
    free(p->items);
    free(p->mix);
    free(p);
}
