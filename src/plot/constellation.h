/* A picture of one stretch of QAM data: the equalised symbols scattered around the points
 * they were decided as (crosses), and below, each symbol's phase error against time; the
 * symbol SNR the receiver measured in the title. PNG, drawn with Cairo. */
#ifndef SQ_PLOT_CONSTELLATION_H
#define SQ_PLOT_CONSTELLATION_H

#include <stddef.h>
#include "squeal/squeal.h"

/* syms: the stretch's symbols in time order (n of the `total` it held: the first ones, when
 * a long stretch was cut short to keep memory flat). 0, or -1 with a one-line reason. */
int constellation_write(const char *path, const char *title, const sq_decoder_symbol *syms, size_t n,
                        size_t total, double snr_db, char *err, size_t err_len);

#endif
