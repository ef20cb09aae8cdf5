/* Printing the messages and training sequences of a timeline (timeline_messages.c), for the
 * timeline's printer (timeline_print.c). */
#ifndef SQ_CLI_TIMELINE_MESSAGES_H
#define SQ_CLI_TIMELINE_MESSAGES_H

#include <stdio.h>
#include "squeal/squeal.h"

/* INFO frames, V.8bis messages, V.92 QC sequences, MP, V.32's rate sequences, V.34's
 * training, V.90's Ja and CP, in text or JSON after the common fields; 0 for other events. */
int timeline_print_message(FILE *out, const sq_event *ev, int json);

#endif
