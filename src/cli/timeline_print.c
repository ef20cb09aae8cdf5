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

static int is_v22(sq_event_type t)
{
    return t == SQ_EVENT_USB1 || t == SQ_EVENT_S1 || t == SQ_EVENT_SB1 || t == SQ_EVENT_DATA;
}

/* Data shown as text when it reads as text (printable ASCII and line controls), else hex. */
static int looks_like_text(const uint8_t *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((d[i] >= 0x20 && d[i] < 0x7f) || d[i] == '\r' || d[i] == '\n' || d[i] == '\t'))
            return 0;
    return 1;
}

static void print_hex(const uint8_t *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%02x", d[i]);
}

static int is_v8(sq_event_type t)
{
    return t == SQ_EVENT_CI || t == SQ_EVENT_CM || t == SQ_EVENT_JM || t == SQ_EVENT_CJ;
}

static const char *protocol_name(int p)
{
    return p == 1 ? "lapm" : p == 0 ? NULL : "reserved";
}

static void print_v8_text(const sq_event *ev)
{
    const sq_v8_msg *m = &ev->v8;
    printf(" chan %d  %6.1f dBm0  x%zu", ev->fsk_channel, ev->level_dbm0, ev->repeats);
    if (ev->type == SQ_EVENT_CJ) {
        putchar('\n');
        return;
    }
    printf("  %s", sq_v8_call_function_to_str(m->call_function));
    for (int k = 0; k < SQ_V8_MOD_COUNT; k++)
        if (m->modulations & (1u << k))
            printf(" %s", sq_v8_mod_to_str(1u << k));
    if (m->has_protocols && protocol_name(m->protocols))
        printf(" %s", protocol_name(m->protocols));
    printf("  [");
    for (size_t i = 0; i < m->n_octets; i++)
        printf("%s%02x", i ? " " : "", m->octets[i]);
    printf("]\n");
}

static void print_v8_json(const sq_event *ev)
{
    const sq_v8_msg *m = &ev->v8;
    printf(",\"chan\":%d,\"repeats\":%zu,\"level_dbm0\":%.1f", ev->fsk_channel, ev->repeats,
           ev->level_dbm0);
    if (ev->type != SQ_EVENT_CJ) {
        printf(",\"call_function\":\"%s\",\"modulations\":[", sq_v8_call_function_to_str(m->call_function));
        int first = 1;
        for (int k = 0; k < SQ_V8_MOD_COUNT; k++)
            if (m->modulations & (1u << k)) {
                printf("%s\"%s\"", first ? "" : ",", sq_v8_mod_to_str(1u << k));
                first = 0;
            }
        printf("],\"protocols\":[%s]", m->has_protocols && protocol_name(m->protocols) ?
               (m->protocols == 1 ? "\"lapm\"" : "\"reserved\"") : "");
        if (m->has_pstn_access)
            printf(",\"pstn_access\":{\"caller_cellular\":%s,\"answerer_cellular\":%s,\"digital\":%s}",
                   m->pstn_access & 1 ? "true" : "false", m->pstn_access & 2 ? "true" : "false",
                   m->pstn_access & 4 ? "true" : "false");
        if (m->has_pcm)
            printf(",\"pcm\":{\"v90_analog\":%s,\"v90_digital\":%s,\"v91\":%s}",
                   m->pcm & 1 ? "true" : "false", m->pcm & 2 ? "true" : "false", m->pcm & 4 ? "true" : "false");
        if (m->n_unknown) {
            printf(",\"unknown_categories\":[");
            for (size_t i = 0; i < m->n_unknown; i++)
                printf("%s\"%02x\"", i ? "," : "", m->unknown[i]);
            putchar(']');
        }
        printf(",\"octets\":\"");
        for (size_t i = 0; i < m->n_octets; i++)
            printf("%02x", m->octets[i]);
        putchar('"');
    }
    printf("}\n");
}

static size_t shown_reversals(const sq_event *ev)
{
    return ev->n_reversals < SQ_EVENT_MAX_REVERSALS ? ev->n_reversals : SQ_EVENT_MAX_REVERSALS;
}

/* Characters as escapes: printable ASCII as is, \\ \" \r \n \t, and the other bytes as
 * \xNN (text) or \u00NN (JSON, where bytes stand for the code points U+0000..U+00FF). */
static void print_escaped(const uint8_t *d, size_t n, int json)
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
            printf(json ? "\\u%04x" : "\\x%02x", c);
    }
}

static void print_char_errors(const sq_event *ev)
{
    if (!ev->char_errors)
        return;
    printf("  (%zu bad characters dropped", ev->char_errors);
    if (ev->framing_mismatches)
        printf("; %zu of them clear but not in the framing asked for: try other --data-bits, --parity, "
               "--stop-bits", ev->framing_mismatches);
    printf(")");
}

static void print_v22_text(const sq_event *ev)
{
    printf(" chan %d  %6.1f dBm0", ev->fsk_channel, ev->level_dbm0);
    if (ev->type == SQ_EVENT_SB1 || ev->type == SQ_EVENT_DATA)
        printf("  %d bit/s", ev->rate);
    if (ev->type == SQ_EVENT_DATA) {
        printf("  SNR %.1f dB", ev->snr_db);
        if (ev->lapm_frames)
            printf("  V.42 LAPM %zu frames", ev->lapm_frames);
        if (looks_like_text(ev->data, ev->data_len)) {
            printf("  \"");
            print_escaped(ev->data, ev->data_len, 0);
            putchar('"');
        } else {
            printf("  bytes ");
            print_hex(ev->data, ev->data_len);
        }
        print_char_errors(ev);
    }
    putchar('\n');
}

static void print_v22_json(const sq_event *ev)
{
    printf(",\"chan\":%d,\"level_dbm0\":%.1f", ev->fsk_channel, ev->level_dbm0);
    if (ev->type == SQ_EVENT_SB1 || ev->type == SQ_EVENT_DATA)
        printf(",\"rate\":%d", ev->rate);
    if (ev->type == SQ_EVENT_DATA) {
        printf(",\"snr_db\":%.1f", ev->snr_db);
        if (looks_like_text(ev->data, ev->data_len)) {
            printf(",\"text\":\"");
            print_escaped(ev->data, ev->data_len, 1);
            putchar('"');
        } else {
            printf(",\"bytes_hex\":\"");
            print_hex(ev->data, ev->data_len);
            putchar('"');
        }
        printf(",\"char_errors\":%zu,\"lapm_frames\":%zu", ev->char_errors, ev->lapm_frames);
    }
    printf("}\n");
}

void timeline_print_text(const timeline_event *e)
{
    const sq_event *ev = &e->ev;
    printf("%8.3f %8.3f  ch%d  %-9s", ev->start_s, ev->end_s, e->channel,
           sq_event_type_to_str(ev->type));
    if (is_v22(ev->type)) {
        print_v22_text(ev);
        return;
    }
    if (is_v8(ev->type)) {
        print_v8_text(ev);
        return;
    }
    if (is_fsk(ev->type)) {
        printf(" chan %d  %6.1f dBm0  \"", ev->fsk_channel, ev->level_dbm0);
        print_escaped(ev->data, ev->data_len, 0);
        putchar('"');
        print_char_errors(ev);
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

void timeline_print_json(const timeline_event *e)
{
    const sq_event *ev = &e->ev;
    printf("{\"t_s\":%.3f,\"end_s\":%.3f,\"ch\":%d,\"type\":\"%s\"", ev->start_s, ev->end_s,
           e->channel, sq_event_type_to_str(ev->type));
    if (is_v8(ev->type)) {
        print_v8_json(ev);
        return;
    }
    if (is_v22(ev->type)) {
        print_v22_json(ev);
        return;
    }
    if (is_fsk(ev->type)) {
        printf(",\"chan\":%d,\"level_dbm0\":%.1f,\"text\":", ev->fsk_channel, ev->level_dbm0);
        putchar('"');
        print_escaped(ev->data, ev->data_len, 1);
        putchar('"');
        printf(",\"char_errors\":%zu,\"framing_mismatches\":%zu}\n", ev->char_errors, ev->framing_mismatches);
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
