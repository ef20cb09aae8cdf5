/* The terminal's live waterfall (term_waterfall.h). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "squeal/level.h"
#include "squeal/time_base.h"
#include "src/cli/term_waterfall.h"
#include "src/plot/colormap.h"
#include "src/plot/power_spectrum.h"

#define HOP_SAMPLES 200            /* a spectrum every 25 ms ... */
#define HOPS_PER_ROW 4             /* ... four to a row: 100 ms */
#define RANGE_DB 60.0              /* dark to bright */
#define TOP_FLOOR_DBM0 -40.0       /* the brightest colour is never for less than this */
#define TIME_COLS 7                /* "  12.3 " */
#define MIN_CELLS 16
#define MAX_CELLS 64
#define MIN_TEXT_COLS 20
#define TEXT_CAP 65536             /* text waiting beyond this is cut (it never waits long) */

struct term_waterfall {
    FILE *tty;
    int cells, text_cols, truecolor;
    plot_colormap colours;
    plot_power_spectrum *frame;
    float ring[PLOT_SPECTRUM_FFT];
    uint64_t samples, rows;
    size_t since_hop;
    double acc[PLOT_SPECTRUM_BINS];
    int hops;
    double top_dbm0;
    unsigned char row_rgb[MAX_CELLS][3];
    char *text;                    /* said and not yet written; pieces end in '\n' */
    size_t text_len;
};

static int terminal_columns(FILE *tty)
{
    struct winsize ws;
    if (ioctl(fileno(tty), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *env = getenv("COLUMNS");
    int cols = env ? atoi(env) : 0;
    return cols > 0 ? cols : 80;
}

int term_waterfall_wanted(FILE *f)
{
    const char *term = getenv("TERM");
    return isatty(fileno(f)) && !(term && strcmp(term, "dumb") == 0);
}

/* The frequency axis above the rows: where 0, 1, 2 and 3 kHz fall. */
static void write_header(term_waterfall *w)
{
    char axis[MAX_CELLS + 1];
    memset(axis, ' ', (size_t)w->cells);
    axis[w->cells] = '\0';
    for (int khz = 0; khz < 4; khz++) {
        char mark[8];
        int at = khz * w->cells / 4, n = snprintf(mark, sizeof mark, khz == 0 ? "0" : w->cells >= 40 ? "%d000" : "%dk", khz);
        if (at + n <= w->cells)
            memcpy(axis + at, mark, (size_t)n);
    }
    fprintf(w->tty, "%*s |%s|%s Hz; time in s; brighter is louder (%.0f dB dark to bright)\n", TIME_COLS - 1, "s", axis,
            w->cells >= 40 ? "4000" : "4k", RANGE_DB);
}

int term_waterfall_open(term_waterfall **out, FILE *tty)
{
    term_waterfall *w = calloc(1, sizeof *w);
    if (!w || plot_power_spectrum_create(&w->frame) != 0) {
        free(w);
        return -1;
    }
    w->tty = tty;
    int cols = terminal_columns(tty);
    w->cells = cols - TIME_COLS - 2 - 36;
    w->cells = w->cells < MIN_CELLS ? MIN_CELLS : w->cells > MAX_CELLS ? MAX_CELLS : w->cells;
    w->text_cols = cols - TIME_COLS - w->cells - 3;
    if (w->text_cols < MIN_TEXT_COLS)
        w->text_cols = MIN_TEXT_COLS;
    const char *ct = getenv("COLORTERM");
    w->truecolor = ct && (strstr(ct, "truecolor") || strstr(ct, "24bit"));
    w->top_dbm0 = TOP_FLOOR_DBM0;
    plot_colormap_init(&w->colours);
    write_header(w);
    *out = w;
    return 0;
}

void term_waterfall_say(term_waterfall *w, const char *text)
{
    size_t n = strlen(text);
    if (w->text_len + n + 1 > TEXT_CAP)
        return;
    char *grown = realloc(w->text, w->text_len + n + 2);
    if (!grown)
        return;   /* the words are lost, the waterfall goes on */
    w->text = grown;
    memcpy(w->text + w->text_len, text, n);
    w->text_len += n;
    w->text[w->text_len++] = '\n';
    w->text[w->text_len] = '\0';
}

/* The row's colours: each cell the loudest bin in its share of 0-4000 Hz. The top of the
 * scale follows the loudest level heard so far (never under TOP_FLOOR_DBM0), so a quiet
 * sound card still shows its signals. */
static void colour_row(term_waterfall *w)
{
    double bin_hz = (double)SQ_PROCESSING_RATE_HZ / PLOT_SPECTRUM_FFT, level[MAX_CELLS];
    for (int c = 0; c < w->cells; c++) {
        size_t k0 = (size_t)ceil(c * 4000.0 / w->cells / bin_hz), k1 = (size_t)ceil((c + 1) * 4000.0 / w->cells / bin_hz);
        double p = 0.0;
        for (size_t k = k0; k < k1 && k < PLOT_SPECTRUM_BINS; k++)
            p = fmax(p, w->acc[k] / w->hops);
        level[c] = p > 0.0 ? sq_power_to_dbm0(p) : -300.0;
        if (level[c] > w->top_dbm0)
            w->top_dbm0 = ceil(level[c] / 5.0) * 5.0;
    }
    for (int c = 0; c < w->cells; c++)
        memcpy(w->row_rgb[c], plot_colormap_at(&w->colours, (level[c] - (w->top_dbm0 - RANGE_DB)) / RANGE_DB), 3);
}

static void write_cells(term_waterfall *w)
{
    int last = -1;
    fputc('|', w->tty);
    for (int c = 0; c < w->cells; c++) {
        const unsigned char *rgb = w->row_rgb[c];
        int code = w->truecolor ? (rgb[0] << 16 | rgb[1] << 8 | rgb[2])
                                : 16 + 36 * ((rgb[0] * 5 + 127) / 255) + 6 * ((rgb[1] * 5 + 127) / 255) + (rgb[2] * 5 + 127) / 255;
        if (code != last) {
            if (w->truecolor)
                fprintf(w->tty, "\033[48;2;%d;%d;%dm", rgb[0], rgb[1], rgb[2]);
            else
                fprintf(w->tty, "\033[48;5;%dm", code);
            last = code;
        }
        fputc(' ', w->tty);
    }
    fputs("\033[0m|", w->tty);
}

/* Writes the next piece of waiting text that fits beside a row (a whole line when it fits,
 * else up to the last space that does) and drops it from the waiting text. */
static void write_text_piece(term_waterfall *w)
{
    if (w->text_len == 0) {
        fputc('\n', w->tty);
        return;
    }
    size_t line = (size_t)(strchr(w->text, '\n') - w->text), take = line, skip;
    if (take > (size_t)w->text_cols) {
        take = (size_t)w->text_cols;
        while (take > 0 && w->text[take] != ' ')
            take--;
        if (take == 0)
            take = (size_t)w->text_cols;
    }
    skip = take;
    while (skip < w->text_len && (w->text[skip] == ' ' || (skip == line && w->text[skip] == '\n')))
        skip++;
    fprintf(w->tty, " %.*s\n", (int)take, w->text);
    memmove(w->text, w->text + skip, w->text_len - skip + 1);
    w->text_len -= skip;
}

/* One row with the text of its moment; text left over goes on rows of the same colours
 * with no time, so the words stay with the sound. */
static void write_row(term_waterfall *w)
{
    colour_row(w);
    fprintf(w->tty, "%*.1f ", TIME_COLS - 1, (double)w->rows * HOP_SAMPLES * HOPS_PER_ROW / SQ_PROCESSING_RATE_HZ);
    write_cells(w);
    write_text_piece(w);
    while (w->text_len > 0) {
        fprintf(w->tty, "%*s", TIME_COLS, "");
        write_cells(w);
        write_text_piece(w);
    }
    fflush(w->tty);
    w->rows++;
    memset(w->acc, 0, sizeof w->acc);
    w->hops = 0;
}

void term_waterfall_feed(term_waterfall *w, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        w->ring[w->samples++ % PLOT_SPECTRUM_FFT] = isfinite(x[i]) ? x[i] : 0.0f;
        if (++w->since_hop < HOP_SAMPLES)
            continue;
        w->since_hop = 0;
        plot_power_spectrum_add(w->frame, w->ring, (size_t)(w->samples % PLOT_SPECTRUM_FFT), w->acc);
        if (++w->hops == HOPS_PER_ROW)
            write_row(w);
    }
}

void term_waterfall_close(term_waterfall *w)
{
    if (!w)
        return;
    if (w->hops > 0 || w->text_len > 0) {
        if (w->hops == 0)
            w->hops = 1;   /* text after the last row: beside a dark one */
        write_row(w);
    }
    fflush(w->tty);
    plot_power_spectrum_destroy(w->frame);
    free(w->text);
    free(w);
}
