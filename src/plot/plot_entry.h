/* What the pictures module (squeal-plot.so: everything in src/plot that draws with Cairo)
 * exports: one table of its entry points, which the program's src/cli/plot_module.c looks up
 * the first time a command draws (src/io/module_loader.h). */
#ifndef SQ_PLOT_PLOT_ENTRY_H
#define SQ_PLOT_PLOT_ENTRY_H

#include "src/plot/call_page.h"
#include "src/plot/call_plot.h"
#include "src/plot/constellation.h"
#include "src/plot/fsk_decisions.h"

#define SQ_PLOT_MODULE "squeal-plot.so"
#define SQ_PLOT_ENTRY_SYMBOL "sq_plot_entry"

typedef struct sq_plot_entry_table {
    int (*call_page_format_known)(const char *path);
    int (*call_page_check_path)(const char *path, char *err, size_t err_len);
    int (*call_page_write)(call_plot *p, const char *path, const char *title, char *err, size_t err_len);
    int (*call_plot_format_known)(const char *path);
    int (*call_plot_check_path)(const char *path, char *err, size_t err_len);
    int (*call_plot_create)(int panels, const char *const *names, call_plot **out);
    void (*call_plot_audio)(call_plot *p, int panel, const float *x, size_t n);
    int (*call_plot_event)(call_plot *p, int panel, const sq_event *ev, const char *json);
    void (*call_plot_keep_audio)(call_plot *p);
    int (*call_plot_write)(call_plot *p, const char *path, const char *title, char *err, size_t err_len);
    void (*call_plot_destroy)(call_plot *p);
    int (*constellation_write)(const char *path, const char *title, const sq_decoder_symbol *syms, size_t n,
                               size_t total, double snr_db, char *err, size_t err_len);
    int (*fsk_decisions_write)(const char *path, const char *title, const sq_decoder_fsk_bit *bits, size_t n,
                               double start_s, double end_s, char *err, size_t err_len);
} sq_plot_entry_table;

#endif
