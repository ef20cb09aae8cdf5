/* Timeline output: one line per event, as text or as a JSON object. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "src/cli/cli.h"
#include "src/cli/timeline_messages.h"

static int is_answer_tone(sq_event_type t)
{
    return t == SQ_EVENT_ANS || t == SQ_EVENT_ANS_PR || t == SQ_EVENT_ANSAM || t == SQ_EVENT_ANSAM_PR ||
           t == SQ_EVENT_ANSPCM;
}

/* FSK text read at a decision SNR under this has about one character in seven or more wrong
 * (9-10 dB: 85 % right; 11-12 dB: 97 %): it is shown, and said to be so. */
#define FSK_LOW_SNR_DB 10.0

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

/* An hour of data is megabytes of hex: written a line's worth at a time, not a printf a
 * byte (that was 3 % of decoding V.22bis). */
static void print_hex(FILE *out, const uint8_t *d, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char buf[512];
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        buf[used++] = digits[d[i] >> 4];
        buf[used++] = digits[d[i] & 15];
        if (used == sizeof buf || i + 1 == n) {
            fwrite(buf, 1, used, out);
            used = 0;
        }
    }
}

static int is_progress(sq_event_type t)
{
    return t == SQ_EVENT_DIAL_TONE || t == SQ_EVENT_RINGBACK || t == SQ_EVENT_BUSY || t == SQ_EVENT_REORDER;
}

static int is_v8bis(sq_event_type t)
{
    return t >= SQ_EVENT_V8BIS_CRE && t <= SQ_EVENT_V8BIS_ESR;
}

static int is_v8(sq_event_type t)
{
    return t == SQ_EVENT_CI || t == SQ_EVENT_CM || t == SQ_EVENT_JM || t == SQ_EVENT_CJ;
}

static const char *protocol_name(int p)
{
    return p == 1 ? "lapm" : p == 0 ? NULL : "reserved";
}

static void print_v8_text(FILE *out, const sq_event *ev)
{
    const sq_v8_msg *m = &ev->v8;
    fprintf(out, " chan %d  %6.1f dBm0  x%zu", ev->fsk_channel, ev->level_dbm0, ev->repeats);
    if (ev->type == SQ_EVENT_CJ) {
        fputc('\n', out);
        return;
    }
    fprintf(out, "  %s", sq_v8_call_function_to_str(m->call_function));
    for (int k = 0; k < SQ_V8_MOD_COUNT; k++)
        if (m->modulations & (1u << k))
            fprintf(out, " %s", sq_v8_mod_to_str(1u << k));
    if (m->has_protocols && protocol_name(m->protocols))
        fprintf(out, " %s", protocol_name(m->protocols));
    fprintf(out, "  [");
    for (size_t i = 0; i < m->n_octets; i++)
        fprintf(out, "%s%02x", i ? " " : "", m->octets[i]);
    fprintf(out, "]\n");
}

static void print_v8_json(FILE *out, const sq_event *ev)
{
    const sq_v8_msg *m = &ev->v8;
    fprintf(out, ",\"chan\":%d,\"repeats\":%zu,\"level_dbm0\":%.1f", ev->fsk_channel, ev->repeats,
           ev->level_dbm0);
    if (ev->type != SQ_EVENT_CJ) {
        fprintf(out, ",\"call_function\":\"%s\",\"modulations\":[", sq_v8_call_function_to_str(m->call_function));
        int first = 1;
        for (int k = 0; k < SQ_V8_MOD_COUNT; k++)
            if (m->modulations & (1u << k)) {
                fprintf(out, "%s\"%s\"", first ? "" : ",", sq_v8_mod_to_str(1u << k));
                first = 0;
            }
        fprintf(out, "],\"protocols\":[%s]", m->has_protocols && protocol_name(m->protocols) ?
               (m->protocols == 1 ? "\"lapm\"" : "\"reserved\"") : "");
        if (m->has_pstn_access)
            fprintf(out, ",\"pstn_access\":{\"caller_cellular\":%s,\"answerer_cellular\":%s,\"digital\":%s}",
                   m->pstn_access & 1 ? "true" : "false", m->pstn_access & 2 ? "true" : "false",
                   m->pstn_access & 4 ? "true" : "false");
        if (m->has_pcm)
            fprintf(out, ",\"pcm\":{\"v90_analog\":%s,\"v90_digital\":%s,\"v91\":%s}",
                   m->pcm & 1 ? "true" : "false", m->pcm & 2 ? "true" : "false", m->pcm & 4 ? "true" : "false");
        if (m->n_unknown) {
            fprintf(out, ",\"unknown_categories\":[");
            for (size_t i = 0; i < m->n_unknown; i++)
                fprintf(out, "%s\"%02x\"", i ? "," : "", m->unknown[i]);
            fputc(']', out);
        }
        fprintf(out, ",\"octets\":\"");
        for (size_t i = 0; i < m->n_octets; i++)
            fprintf(out, "%02x", m->octets[i]);
        fputc('"', out);
    }
    fprintf(out, "}\n");
}

static size_t shown_reversals(const sq_event *ev)
{
    return ev->n_reversals < SQ_EVENT_MAX_REVERSALS ? ev->n_reversals : SQ_EVENT_MAX_REVERSALS;
}

/* Characters as escapes: printable ASCII as is, \\ \" \r \n \t, and the other bytes as
 * \xNN (text) or \u00NN (JSON, where bytes stand for the code points U+0000..U+00FF). */
static void print_escaped(FILE *out, const uint8_t *d, size_t n, int json)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = d[i];
        if (c == '\\' || c == '"')
            fprintf(out, "\\%c", c);
        else if (c == '\r')
            fputs("\\r", out);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c == '\t')
            fputs("\\t", out);
        else if (c >= 0x20 && c < 0x7f)
            fputc(c, out);
        else
            fprintf(out, json ? "\\u%04x" : "\\x%02x", c);
    }
}

static void print_char_errors(FILE *out, const sq_event *ev)
{
    if (!ev->char_errors)
        return;
    fprintf(out, "  (%zu bad characters dropped", ev->char_errors);
    if (ev->framing_mismatches)
        fprintf(out, "; %zu of them clear but not in the framing asked for: try other --data-bits, --parity, "
               "--stop-bits", ev->framing_mismatches);
    fprintf(out, ")");
}

/* L1 and L2's lengths, and what L2 measured of the line: its SNR over the band, and each
 * tone's level against the tones' mean (text: to the dB, from 150 to 3750 Hz). */
static void print_line_probe(FILE *out, const sq_event *ev, int json)
{
    double hz[SQ_LINE_PROBE_TONES], db[SQ_LINE_PROBE_TONES];
    size_t n = sq_line_probe_response(ev, hz, db);
    double l2_s = ev->end_s - ev->start_s - ev->on_s;
    if (!json) {
        fprintf(out, "  L1 %.3f s, L2 %.3f s", ev->on_s, l2_s);
        if (n) {
            fprintf(out, "  SNR %.1f dB  line %.0f-%.0f Hz (dB):", ev->snr_db, hz[0], hz[n - 1]);
            for (size_t i = 0; i < n; i++)
                fprintf(out, " %+d", (int)lround(db[i]));
        }
        return;
    }
    fprintf(out, ",\"l1_s\":%.3f,\"l2_s\":%.3f", ev->on_s, l2_s);
    if (!n)
        return;
    fprintf(out, ",\"snr_db\":%.1f,\"response_hz\":[", ev->snr_db);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s%.0f", i ? "," : "", hz[i]);
    fprintf(out, "],\"response_db\":[");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s%.1f", i ? "," : "", db[i]);
    fputc(']', out);
}

/* Signals with no one frequency to show. */
static int is_wideband(sq_event_type t)
{
    return t == SQ_EVENT_LINE_PROBE || t == SQ_EVENT_V34_DATA || t == SQ_EVENT_V90_DATA || t == SQ_EVENT_V32_DATA ||
           t == SQ_EVENT_V90_TRN1D || t == SQ_EVENT_V90_DIL || t == SQ_EVENT_V90_TRN2D;
}

static int has_reversals(sq_event_type t)
{
    return is_answer_tone(t) || t == SQ_EVENT_TONE_A || t == SQ_EVENT_TONE_B || t == SQ_EVENT_V32_AA ||
           t == SQ_EVENT_V32_AC || t == SQ_EVENT_V90_SD || t == SQ_EVENT_V90_RI || t == SQ_EVENT_QTS;
}

/* V.22 / V.22bis data read at a symbol SNR under which its decisions are mostly guesses, or
 * FSK text at a decision SNR where half its characters are wrong (sq_event_readable): its
 * bytes are withheld, not shown as data. */
static int data_unreadable(const sq_event *ev)
{
    return ev->data_len && !sq_event_readable(ev);
}

static void print_v22_text(FILE *out, const sq_event *ev)
{
    fprintf(out, " chan %d  %6.1f dBm0", ev->fsk_channel, ev->level_dbm0);
    if (ev->type == SQ_EVENT_SB1 || ev->type == SQ_EVENT_DATA)
        fprintf(out, "  %d bit/s", ev->rate);
    if (data_unreadable(ev)) {
        fprintf(out, "  SNR %.1f dB, too low to read: %zu bytes withheld\n", ev->snr_db, ev->data_len);
        return;
    }
    if (ev->type == SQ_EVENT_DATA) {
        fprintf(out, "  SNR %.1f dB", ev->snr_db);
        if (ev->lapm_frames)
            fprintf(out, "  V.42 LAPM %zu frames", ev->lapm_frames);
        if (looks_like_text(ev->data, ev->data_len)) {
            fprintf(out, "  \"");
            print_escaped(out, ev->data, ev->data_len, 0);
            fputc('"', out);
        } else {
            fprintf(out, "  bytes ");
            print_hex(out, ev->data, ev->data_len);
        }
        print_char_errors(out, ev);
    }
    fputc('\n', out);
}

static void print_v22_json(FILE *out, const sq_event *ev)
{
    fprintf(out, ",\"chan\":%d,\"level_dbm0\":%.1f", ev->fsk_channel, ev->level_dbm0);
    if (ev->type == SQ_EVENT_SB1 || ev->type == SQ_EVENT_DATA)
        fprintf(out, ",\"rate\":%d", ev->rate);
    if (data_unreadable(ev)) {
        fprintf(out, ",\"snr_db\":%.1f,\"readable\":false,\"bytes_withheld\":%zu}\n", ev->snr_db, ev->data_len);
        return;
    }
    if (ev->type == SQ_EVENT_DATA) {
        fprintf(out, ",\"snr_db\":%.1f,\"readable\":true", ev->snr_db);
        if (looks_like_text(ev->data, ev->data_len)) {
            fprintf(out, ",\"text\":\"");
            print_escaped(out, ev->data, ev->data_len, 1);
            fputc('"', out);
        } else {
            fprintf(out, ",\"bytes_hex\":\"");
            print_hex(out, ev->data, ev->data_len);
            fputc('"', out);
        }
        fprintf(out, ",\"char_errors\":%zu,\"lapm_frames\":%zu", ev->char_errors, ev->lapm_frames);
    }
    fprintf(out, "}\n");
}

void timeline_print_text(FILE *out, const timeline_event *e)
{
    const sq_event *ev = &e->ev;
    fprintf(out, "%8.3f %8.3f  ch%d  %-9s", ev->start_s, ev->end_s, e->channel,
           sq_event_type_to_str(ev->type));
    if (is_v22(ev->type)) {
        print_v22_text(out, ev);
        return;
    }
    if (is_v8(ev->type)) {
        print_v8_text(out, ev);
        return;
    }
    if (ev->type == SQ_EVENT_DTMF) {
        fprintf(out, " %-14.*s %6.1f dBm0\n", (int)ev->data_len, (const char *)ev->data, ev->level_dbm0);
        return;
    }
    if (is_progress(ev->type)) {
        char hz[32];
        if (ev->freq2_hz > 0)
            snprintf(hz, sizeof hz, "%.0f+%.0f Hz", ev->freq_hz, ev->freq2_hz);
        else
            snprintf(hz, sizeof hz, "%.0f Hz", ev->freq_hz);
        fprintf(out, " %-14s %6.1f dBm0", hz, ev->level_dbm0);
        if (ev->off_s > 0)
            fprintf(out, "  %zu bursts, %.2f s on, %.2f s off", ev->bursts, ev->on_s, ev->off_s);
        fputc('\n', out);
        return;
    }
    if (timeline_print_message(out, ev, 0))
        return;
    if (is_fsk(ev->type)) {
        fprintf(out, " chan %d  %6.1f dBm0  SNR %4.1f dB", ev->fsk_channel, ev->level_dbm0, ev->snr_db);
        if (data_unreadable(ev)) {
            fprintf(out, ", too low to read: %zu characters withheld\n", ev->data_len);
            return;
        }
        fprintf(out, "  \"");
        print_escaped(out, ev->data, ev->data_len, 0);
        fputc('"', out);
        print_char_errors(out, ev);
        if (ev->snr_db < FSK_LOW_SNR_DB)
            fprintf(out, "  (low SNR: expect wrong characters)");
        fputc('\n', out);
        return;
    }
    if (ev->type == SQ_EVENT_WIDEBAND) {
        fprintf(out, " %4.0f-%4.0f Hz  %6.1f dBm0  not identified\n", ev->freq_hz, ev->freq2_hz, ev->level_dbm0);
        return;
    }
    if (ev->type == SQ_EVENT_ECHO) {
        fprintf(out, " of ch%d      %6.1f dBm0\n", ev->fsk_channel, ev->level_dbm0);
        return;
    }
    if (ev->type == SQ_EVENT_V34_DATA && ev->symbol_rate > 0.0) {
        fprintf(out, " %4.0f baud %6.1f Hz  %6.1f dBm0", ev->symbol_rate, ev->freq_hz, ev->level_dbm0);
        if (ev->rate)
            fprintf(out, "  %d bit/s (as the MPs settled it)", ev->rate);
    } else if (is_wideband(ev->type)) {
        fprintf(out, " %10s  %6.1f dBm0", "", ev->level_dbm0);
    } else {
        fprintf(out, " %7.1f Hz  %6.1f dBm0", ev->freq_hz, ev->level_dbm0);
    }
    if (is_v8bis(ev->type))
        fprintf(out, "  after the %s pair", ev->fsk_channel == 1 ? "initiating (1375+2002 Hz)" : "responding (1529+2225 Hz)");
    if (ev->type == SQ_EVENT_LINE_PROBE)
        print_line_probe(out, ev, 0);
    if (ev->type == SQ_EVENT_V90_TRN1D && ev->snr_db > 0.0)   /* Jd read: an event of its own */
        fprintf(out, "  its signs equalised to SNR %.1f dB", ev->snr_db);
    else if (ev->type == SQ_EVENT_V90_TRN1D)
        fprintf(out, "  TRN1d, Jd, Jd'");
    if (ev->type == SQ_EVENT_V90_TRN2D)
        fprintf(out, "  its codes equalised to SNR %.1f dB", ev->snr_db);
    if (ev->training_inside)
        fprintf(out, "  training, then data (where the data begins was not read)");
    if ((ev->type == SQ_EVENT_V32_DATA || ev->type == SQ_EVENT_V34_DATA || ev->type == SQ_EVENT_V90_DATA) && ev->snr_db > 0.0)   /* on its first 0.6-1 s */
        fprintf(out, "  SNR %.1f dB", ev->snr_db);
    if (ev->type == SQ_EVENT_INFOMARKS)
        fprintf(out, "  INFOMARKS%c: the %s modem's start-up error recovery", ev->fsk_channel == 2 ? 'a' : 'c',
                ev->fsk_channel == 2 ? "answer" : "call");
    if (ev->type == SQ_EVENT_V90_DIL)
        fprintf(out, "  repeats every %.2f ms: lines %.1f Hz apart", 1000.0 * ev->on_s, ev->freq_hz);
    if (ev->type == SQ_EVENT_ANSAM || ev->type == SQ_EVENT_ANSAM_PR)   /* a plain ANS has no AM to show */
        fprintf(out, "  AM %.1f Hz depth %.2f", ev->am_hz, ev->am_depth);
    if (has_reversals(ev->type)) {
        if (ev->n_reversals) {
            fprintf(out, "  reversals");
            for (size_t i = 0; i < shown_reversals(ev); i++)
                fprintf(out, " %.3f", ev->reversals_s[i]);
        }
    }
    if (ev->type == SQ_EVENT_V90_RI && ev->renegotiation)   /* V.90 9.6.1, 9.7 */
        fprintf(out, "  Rd out of data: a rate renegotiation or cleardown");
    if ((ev->type == SQ_EVENT_V32_AA || ev->type == SQ_EVENT_V32_AC) && ev->renegotiation)   /* V.32bis 8 */
        fprintf(out, "  out of data: a rate renegotiation or cleardown");
    if ((ev->type == SQ_EVENT_V32_AA || ev->type == SQ_EVENT_V32_AC) && ev->retrain)   /* V.32bis 7 */
        fprintf(out, "  out of data: a retrain");
    fputc('\n', out);
}

void timeline_print_json(FILE *out, const timeline_event *e)
{
    const sq_event *ev = &e->ev;
    fprintf(out, "{\"t_s\":%.3f,\"end_s\":%.3f,\"ch\":%d,\"type\":\"%s\"", ev->start_s, ev->end_s,
           e->channel, sq_event_type_to_str(ev->type));
    if (is_v8(ev->type)) {
        print_v8_json(out, ev);
        return;
    }
    if (is_v22(ev->type)) {
        print_v22_json(out, ev);
        return;
    }
    if (ev->type == SQ_EVENT_DTMF) {
        fprintf(out, ",\"digits\":\"%.*s\",\"level_dbm0\":%.1f}\n", (int)ev->data_len, (const char *)ev->data, ev->level_dbm0);
        return;
    }
    if (is_progress(ev->type)) {
        fprintf(out, ",\"freq_hz\":%.0f,\"freq2_hz\":%.0f,\"level_dbm0\":%.1f,\"bursts\":%zu,\"on_s\":%.3f,\"off_s\":%.3f}\n",
                ev->freq_hz, ev->freq2_hz, ev->level_dbm0, ev->bursts, ev->on_s, ev->off_s);
        return;
    }
    if (timeline_print_message(out, ev, 1))
        return;
    if (is_fsk(ev->type)) {
        fprintf(out, ",\"chan\":%d,\"level_dbm0\":%.1f,\"snr_db\":%.1f", ev->fsk_channel, ev->level_dbm0, ev->snr_db);
        if (data_unreadable(ev)) {
            fprintf(out, ",\"readable\":false,\"chars_withheld\":%zu}\n", ev->data_len);
            return;
        }
        fprintf(out, ",\"readable\":true,\"text\":\"");
        print_escaped(out, ev->data, ev->data_len, 1);
        fputc('"', out);
        fprintf(out, ",\"char_errors\":%zu,\"framing_mismatches\":%zu}\n", ev->char_errors, ev->framing_mismatches);
        return;
    }
    if (ev->type == SQ_EVENT_WIDEBAND) {
        fprintf(out, ",\"band_low_hz\":%.0f,\"band_high_hz\":%.0f,\"level_dbm0\":%.1f}\n", ev->freq_hz, ev->freq2_hz,
                ev->level_dbm0);
        return;
    }
    if (ev->type == SQ_EVENT_ECHO) {
        fprintf(out, ",\"of_ch\":%d,\"level_dbm0\":%.1f}\n", ev->fsk_channel, ev->level_dbm0);
        return;
    }
    if (!is_wideband(ev->type))
        fprintf(out, ",\"freq_hz\":%.1f", ev->freq_hz);
    if (ev->type == SQ_EVENT_V34_DATA && ev->symbol_rate > 0.0) {
        fprintf(out, ",\"symbol_rate\":%.0f,\"carrier_hz\":%.1f", ev->symbol_rate, ev->freq_hz);
        if (ev->rate)
            fprintf(out, ",\"rate_bps\":%d", ev->rate);
    }
    if (ev->training_inside)
        fprintf(out, ",\"training_inside\":true");
    if (ev->freq2_hz > 0)
        fprintf(out, ",\"freq2_hz\":%.1f", ev->freq2_hz);
    fprintf(out, ",\"level_dbm0\":%.1f", ev->level_dbm0);
    if ((ev->type == SQ_EVENT_V32_DATA || ev->type == SQ_EVENT_V34_DATA || ev->type == SQ_EVENT_V90_DATA) && ev->snr_db > 0.0)
        fprintf(out, ",\"snr_db\":%.1f", ev->snr_db);
    if (is_v8bis(ev->type))
        fprintf(out, ",\"pair\":\"%s\"", ev->fsk_channel == 1 ? "initiating" : "responding");
    if (ev->type == SQ_EVENT_LINE_PROBE)
        print_line_probe(out, ev, 1);
    if (ev->type == SQ_EVENT_V90_DIL)
        fprintf(out, ",\"period_s\":%.6f,\"line_spacing_hz\":%.2f", ev->on_s, ev->freq_hz);
    if ((ev->type == SQ_EVENT_V90_TRN1D || ev->type == SQ_EVENT_V90_TRN2D) && ev->snr_db > 0.0)
        fprintf(out, ",\"snr_db\":%.1f", ev->snr_db);
    if (ev->type == SQ_EVENT_TONE_A || ev->type == SQ_EVENT_TONE_B || ev->type == SQ_EVENT_INFOMARKS)
        fprintf(out, ",\"chan\":%d", ev->fsk_channel);
    if (ev->type == SQ_EVENT_ANSAM || ev->type == SQ_EVENT_ANSAM_PR)
        fprintf(out, ",\"am_hz\":%.2f,\"am_depth\":%.3f", ev->am_hz, ev->am_depth);
    if (has_reversals(ev->type)) {
        fprintf(out, ",\"reversals_s\":[");
        for (size_t i = 0; i < shown_reversals(ev); i++)
            fprintf(out, "%s%.3f", i ? "," : "", ev->reversals_s[i]);
        fputc(']', out);
    }
    if ((ev->type == SQ_EVENT_V90_RI || ev->type == SQ_EVENT_V32_AA || ev->type == SQ_EVENT_V32_AC) && ev->renegotiation)
        fprintf(out, ",\"renegotiation\":true");
    if ((ev->type == SQ_EVENT_V32_AA || ev->type == SQ_EVENT_V32_AC) && ev->retrain)
        fprintf(out, ",\"retrain\":true");
    fprintf(out, "}\n");
}

char *timeline_json_line(const timeline_event *e)
{
    char *json = NULL;
    size_t len = 0;
    FILE *ms = open_memstream(&json, &len);
    if (!ms)
        return NULL;
    timeline_print_json(ms, e);
    if (fclose(ms) != 0) {
        free(json);
        return NULL;
    }
    return json;
}
