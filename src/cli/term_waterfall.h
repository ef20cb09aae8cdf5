/* A live waterfall on a terminal (--show): the line's spectrum as it sounds, one row every
 * 100 ms with 0-4000 Hz across and level as colour (the pictures' colour map, in 24-bit or
 * 256-colour escapes as the terminal offers), the time at the left and what is happening
 * written beside the row it happens in. Text that does not fit one row goes on to rows of
 * its own, so the words stay beside the sound they name. */
#ifndef SQ_CLI_TERM_WATERFALL_H
#define SQ_CLI_TERM_WATERFALL_H

#include <stddef.h>
#include <stdio.h>

typedef struct term_waterfall term_waterfall;

/* The waterfall writes to `tty` (a terminal: its width sets the row). 0, or -1 when out of
 * memory. */
int term_waterfall_open(term_waterfall **out, FILE *tty);
/* Audio as it sounds, 8 kHz; a row is drawn each time 100 ms are complete. */
void term_waterfall_feed(term_waterfall *w, const float *x, size_t n);
/* Text for the row being gathered (the sound of this moment). */
void term_waterfall_say(term_waterfall *w, const char *text);
/* Draws what is gathered and any text still waiting, and leaves the colours as they were. */
void term_waterfall_close(term_waterfall *w);

/* --show draws on `f` when it is a terminal; anything else gets the plain lines. */
int term_waterfall_wanted(FILE *f);

#endif
