/* The pictures module's exports (plot_entry.h). */
#include "src/io/module_loader.h"
#include "src/plot/plot_entry.h"

SQ_MODULE_EXPORT const char *const sq_module_version = SQ_VERSION_STRING;

SQ_MODULE_EXPORT const sq_plot_entry_table sq_plot_entry = {
    call_page_format_known, call_page_check_path, call_page_write, call_plot_format_known, call_plot_check_path,
    call_plot_create,       call_plot_audio,      call_plot_event, call_plot_keep_audio,   call_plot_write,
    call_plot_destroy,      constellation_write,  fsk_decisions_write,
};
