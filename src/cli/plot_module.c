/* The pictures' entry points the commands call (the headers in src/plot), forwarded to squeal-plot.so,
 * which is loaded the first time one is called (src/io/module_loader.h): a command that
 * draws nothing never loads Cairo. When the module cannot be loaded the command stops there
 * with one line that says why. */
#include <stdio.h>
#include <stdlib.h>
#include "src/cli/cli.h"
#include "src/io/module_loader.h"
#include "src/plot/plot_entry.h"

static const sq_plot_entry_table *plot(void)
{
    static const sq_plot_entry_table *table;
    if (!table) {
        char err[512];
        table = sq_module_symbol(SQ_PLOT_MODULE, SQ_PLOT_ENTRY_SYMBOL, err, sizeof err);
        if (!table) {
            fprintf(stderr, "squeal: %s\n", err);
            exit(EXIT_RUNTIME);
        }
    }
    return table;
}

int call_page_format_known(const char *path)
{
    return plot()->call_page_format_known(path);
}

int call_page_check_path(const char *path, char *err, size_t err_len)
{
    return plot()->call_page_check_path(path, err, err_len);
}

int call_page_write(call_plot *p, const char *path, const char *title, char *err, size_t err_len)
{
    return plot()->call_page_write(p, path, title, err, err_len);
}

int call_plot_format_known(const char *path)
{
    return plot()->call_plot_format_known(path);
}

int call_plot_check_path(const char *path, char *err, size_t err_len)
{
    return plot()->call_plot_check_path(path, err, err_len);
}

int call_plot_create(int panels, const char *const *names, call_plot **out)
{
    return plot()->call_plot_create(panels, names, out);
}

void call_plot_audio(call_plot *p, int panel, const float *x, size_t n)
{
    plot()->call_plot_audio(p, panel, x, n);
}

int call_plot_event(call_plot *p, int panel, const sq_event *ev, const char *json)
{
    return plot()->call_plot_event(p, panel, ev, json);
}

void call_plot_keep_audio(call_plot *p)
{
    plot()->call_plot_keep_audio(p);
}

int call_plot_write(call_plot *p, const char *path, const char *title, char *err, size_t err_len)
{
    return plot()->call_plot_write(p, path, title, err, err_len);
}

void call_plot_destroy(call_plot *p)
{
    if (p)   /* nothing was drawn, nothing to load */
        plot()->call_plot_destroy(p);
}

int constellation_write(const char *path, const char *title, const sq_decoder_symbol *syms, size_t n, size_t total,
                        double snr_db, char *err, size_t err_len)
{
    return plot()->constellation_write(path, title, syms, n, total, snr_db, err, err_len);
}

int fsk_decisions_write(const char *path, const char *title, const sq_decoder_fsk_bit *bits, size_t n,
                        double start_s, double end_s, char *err, size_t err_len)
{
    return plot()->fsk_decisions_write(path, title, bits, n, start_s, end_s, err, err_len);
}
