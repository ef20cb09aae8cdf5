/* Timeline output: one line per event, as text or as a JSON object. */
#include <stdio.h>
#include "src/cli/cli.h"

static int is_answer_tone(sq_event_type t)
{
    return t == SQ_EVENT_ANS || t == SQ_EVENT_ANS_PR || t == SQ_EVENT_ANSAM || t == SQ_EVENT_ANSAM_PR;
}

static int is_fsk(sq_event_type t)
{
    return t == SQ_EVENT_V21 || t == SQ_EVENT_BELL103;
}

static size_t shown_reversals(const sq_event *ev)
{
    return ev->n_reversals < SQ_EVENT_MAX_REVERSALS ? ev->n_reversals : SQ_EVENT_MAX_REVERSALS;
}

/* Characters as C-style escapes: printable ASCII as is, the rest \r \n \t or \xNN. */
static void print_escaped_text(const uint8_t *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = d[i];
        if (c == '\\' || c == '"')
            printf("\\%c", c);
        else if (c == '\r')
            fputs("\\r", stdout);
        else if (c == '\n')
            fputs("\\n", stdout);
        else if (c == '\t')
            fputs("\\t", stdout);
        else if (c >= 0x20 && c < 0x7f)
            putchar(c);
        else
            printf("\\x%02x", c);
    }
}

void timeline_print_text(const timeline_event *e)
{
    const sq_event *ev = &e->ev;
    printf("%8.3f %8.3f  ch%d  %-9s", ev->start_s, ev->end_s, e->channel,
           sq_event_type_to_str(ev->type));
    if (is_fsk(ev->type)) {
        printf(" chan %d  %6.1f dBm0  \"", ev->fsk_channel, ev->level_dbm0);
        print_escaped_text(ev->data, ev->data_len);
        putchar('"');
        if (ev->char_errors)
            printf("  (%zu bad characters dropped)", ev->char_errors);
        putchar('\n');
        return;
    }
    printf(" %7.1f Hz  %6.1f dBm0", ev->freq_hz, ev->level_dbm0);
    if (is_answer_tone(ev->type)) {
        printf("  AM %.1f Hz depth %.2f", ev->am_hz, ev->am_depth);
        if (ev->n_reversals) {
            printf("  reversals");
            for (size_t i = 0; i < shown_reversals(ev); i++)
                printf(" %.3f", ev->reversals_s[i]);
        }
    }
    putchar('\n');
}

static void print_json_string(const uint8_t *d, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        uint8_t c = d[i];
        if (c == '\\' || c == '"')
            printf("\\%c", c);
        else if (c == '\n')
            fputs("\\n", stdout);
        else if (c == '\r')
            fputs("\\r", stdout);
        else if (c == '\t')
            fputs("\\t", stdout);
        else if (c >= 0x20 && c < 0x7f)
            putchar(c);
        else   /* bytes are reported as the code points U+0000..U+00FF */
            printf("\\u%04x", c);
    }
    putchar('"');
}

void timeline_print_json(const timeline_event *e)
{
    const sq_event *ev = &e->ev;
    printf("{\"t_s\":%.3f,\"end_s\":%.3f,\"ch\":%d,\"type\":\"%s\"", ev->start_s, ev->end_s,
           e->channel, sq_event_type_to_str(ev->type));
    if (is_fsk(ev->type)) {
        printf(",\"chan\":%d,\"level_dbm0\":%.1f,\"text\":", ev->fsk_channel, ev->level_dbm0);
        print_json_string(ev->data, ev->data_len);
        printf(",\"char_errors\":%zu}\n", ev->char_errors);
        return;
    }
    printf(",\"freq_hz\":%.1f,\"level_dbm0\":%.1f", ev->freq_hz, ev->level_dbm0);
    if (is_answer_tone(ev->type)) {
        printf(",\"am_hz\":%.2f,\"am_depth\":%.3f,\"reversals_s\":[", ev->am_hz, ev->am_depth);
        for (size_t i = 0; i < shown_reversals(ev); i++)
            printf("%s%.3f", i ? "," : "", ev->reversals_s[i]);
        putchar(']');
    }
    printf("}\n");
}
