/* Timeline output: one line per event, as text or as a JSON object. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "src/cli/cli.h"

static int is_answer_tone(sq_event_type t)
{
    return t == SQ_EVENT_ANS || t == SQ_EVENT_ANS_PR || t == SQ_EVENT_ANSAM || t == SQ_EVENT_ANSAM_PR ||
           t == SQ_EVENT_ANSPCM;
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

static void print_hex(FILE *out, const uint8_t *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%02x", d[i]);
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

static int is_info(sq_event_type t)
{
    return t == SQ_EVENT_INFO0 || t == SQ_EVENT_INFO1;
}

/* Signals with no one frequency to show. */
static int is_wideband(sq_event_type t)
{
    return t == SQ_EVENT_LINE_PROBE || t == SQ_EVENT_V34_DATA || t == SQ_EVENT_V90_DATA || t == SQ_EVENT_V32_DATA ||
           t == SQ_EVENT_V90_TRN1D || t == SQ_EVENT_V90_DIL;
}

static int has_reversals(sq_event_type t)
{
    return is_answer_tone(t) || t == SQ_EVENT_TONE_A || t == SQ_EVENT_TONE_B || t == SQ_EVENT_V32_AA ||
           t == SQ_EVENT_V32_AC || t == SQ_EVENT_V90_SD || t == SQ_EVENT_V90_RI;
}

/* Fields of a frame held as bits (INFO, Ja): name=value, in text only those not zero. */
static void print_fields(FILE *out, const sq_info_field *f, size_t n, const uint8_t *bits, int json)
{
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        double v = sq_info_field_value(&f[i], bits);
        if (!json && (v == 0.0 || isnan(v)))
            continue;
        fprintf(out, json ? "%s\"%s\":" : "%s%s=", json ? (first ? "" : ",") : " ", f[i].name);
        if (isnan(v))
            fputs("null", out);
        else if (v == floor(v))
            fprintf(out, "%.0f", v);
        else
            fprintf(out, "%.2f", v);
        first = 0;
    }
}

/* A V.90 analogue modem's Ja: the DIL it asks for (its descriptor's N, pattern lengths and
 * the segments' lengths). */
static void print_ja(FILE *out, const sq_event *ev, int json)
{
    size_t n;
    const sq_info_field *f = sq_v90_ja_fields(&n);
    if (json)
        fprintf(out, ",\"chan\":%d,\"level_dbm0\":%.1f,\"symbol_rate\":%.0f,\"carrier_hz\":%.1f,\"repeats\":%zu,"
                "\"crc_ok\":%s,\"fields\":{", ev->fsk_channel, ev->level_dbm0, ev->symbol_rate, ev->freq_hz, ev->repeats,
                ev->crc_ok ? "true" : "false");
    else
        fprintf(out, " %4.0f baud %6.1f Hz  DIL descriptor x%zu  CRC %s ", ev->symbol_rate, ev->freq_hz, ev->repeats,
                ev->crc_ok ? "good" : "FAILED");
    print_fields(out, f, n, ev->info_bits, json);
    fputs(json ? "}}\n" : "\n", out);
}

/* A V.90 analogue modem's CPt, CP or CP': the downstream rate it names, the upstream rates it
 * can send, its codec and constellations. */
static void print_cp(FILE *out, const sq_event *ev, int json)
{
    sq_v90_cp cp;
    sq_v90_cp_unpack(ev->info_bits, &cp);
    const char *name = cp.training ? "CPt" : cp.acknowledge ? "CP'" : "CP";
    if (json) {
        fprintf(out, ",\"chan\":%d,\"level_dbm0\":%.1f,\"symbol_rate\":%.0f,\"carrier_hz\":%.1f,\"sequence\":\"%s\","
                "\"repeats\":%zu,\"crc_ok\":%s,\"drn\":%d,\"downstream_bps\":%d,\"upstream_rates_bps\":[",
                ev->fsk_channel, ev->level_dbm0, ev->symbol_rate, ev->freq_hz, name, ev->repeats,
                ev->crc_ok ? "true" : "false", cp.drn, ev->rate);
        for (int i = 0, first = 1; i < 13; i++)
            if (cp.upstream_mask & (1u << i)) {
                fprintf(out, "%s%d", first ? "" : ",", 4800 + 2400 * i);
                first = 0;
            }
        fprintf(out, "],\"codec\":\"%s\",\"constellations\":%d,\"silence_requested\":%s}\n", cp.a_law ? "a-law" : "mu-law",
                cp.constellations, cp.silence ? "true" : "false");
        return;
    }
    fprintf(out, " %4.0f baud %6.1f Hz  %s x%zu  CRC %s  ", ev->symbol_rate, ev->freq_hz, name, ev->repeats,
            ev->crc_ok ? "good" : "FAILED");
    if (ev->rate)
        fprintf(out, "%s %d bit/s", cp.training ? "training downstream at" : "downstream", ev->rate);
    else
        fprintf(out, "cleardown");
    int lo = -1, hi = -1;
    for (int i = 0; i < 13; i++)
        if (cp.upstream_mask & (1u << i)) {
            lo = lo < 0 ? i : lo;
            hi = i;
        }
    if (lo >= 0)
        fprintf(out, "; it can send %d-%d", 4800 + 2400 * lo, 4800 + 2400 * hi);
    fprintf(out, "; %s, %d constellation%s\n", cp.a_law ? "A-law" : "mu-law", cp.constellations,
            cp.constellations == 1 ? "" : "s");
}

/* An INFO frame: its kind and CRC, then its fields (text: only those not zero). */
static void print_info(FILE *out, const sq_event *ev, int json)
{
    sq_info_kind k = (sq_info_kind)ev->info_kind;
    size_t n;
    const sq_info_field *f = (ev->pcm_analogue ? sq_info_fields_pcm : sq_info_fields)(k, ev->info_bits, &n);
    if (json)
        fprintf(out, ",\"chan\":%d,\"level_dbm0\":%.1f,\"frame\":\"%s\",\"crc_ok\":%s,\"fields\":{",
                ev->fsk_channel, ev->level_dbm0, sq_info_kind_to_str(k), ev->crc_ok ? "true" : "false");
    else
        fprintf(out, " chan %d  %6.1f dBm0  %s  CRC %s ", ev->fsk_channel, ev->level_dbm0, sq_info_kind_to_str(k),
                ev->crc_ok ? "good" : "FAILED");
    print_fields(out, f, n, ev->info_bits, json);
    if (json) {
        fprintf(out, "},\"bits\":\"");
        for (size_t i = 0; i + 4 < sq_info_length(k); i++)   /* through the CRC: the closing fill is not kept */
            fputc('0' + sq_info_bit(ev->info_bits, i), out);
        fprintf(out, "\"}\n");
    } else {
        fputc('\n', out);
    }
}

/* A V.8bis message: its type, revision, requests and the data modes it lists, and octets. */
static void print_v8bis_msg(FILE *out, const sq_event *ev, int json)
{
    sq_v8bis_info m;
    sq_v8bis_parse(ev->v8.octets, ev->v8.n_octets, &m);
    if (json)
        fprintf(out, ",\"chan\":%d,\"level_dbm0\":%.1f,\"message\":\"%s\",\"revision\":%d,\"v8_start_up\":%s,"
                "\"ack1_requested\":%s,\"data_modes\":[", ev->fsk_channel, ev->level_dbm0,
                sq_v8bis_msg_type_to_str(m.type), m.revision, m.v8_start_up ? "true" : "false",
                m.ack1_requested ? "true" : "false");
    else
        fprintf(out, " chan %d  %6.1f dBm0  %s rev %d%s%s ", ev->fsk_channel, ev->level_dbm0,
                sq_v8bis_msg_type_to_str(m.type), m.revision, m.v8_start_up ? " V.8-next" : "",
                m.ack1_requested ? " ack-wanted" : "");
    int first = 1;
    for (int k = 0; k < SQ_V8BIS_MODE_COUNT; k++)
        if (m.data_modes & (1u << k)) {
            fprintf(out, json ? "%s\"%s\"" : "%s%s", json && !first ? "," : " ", sq_v8bis_mode_to_str(1u << k));
            first = 0;
        }
    fprintf(out, json ? "],\"octets\":\"" : "  [");
    for (size_t i = 0; i < ev->v8.n_octets; i++)
        fprintf(out, "%s%02x", json || i == 0 ? "" : " ", ev->v8.octets[i]);
    if (json)
        fputs("\"}\n", out);
    else
        fputs("]\n", out);
}

/* A V.92 QC sequence: which one, LAPM, and the QTS Ucode or the ANSpcm level (V.92 Tables
 * 2, 4, 11, 13). */
static void print_qc(FILE *out, const sq_event *ev, int json)
{
    static const int UCODES[16] = { 61, 62, 63, 66, 67, 70, 71, 74, 75, 78, 79, 82, 83, 86, 87, -1 };
    static const double ANSPCM_DBM0[4] = { -9.5, -12.0, -15.0, -18.0 };
    uint8_t x = ev->v8.octets[0];
    int digital = x & 1, answer = (x >> 1) & 1, lapm = (x >> 2) & 1;
    char name[8];
    snprintf(name, sizeof name, "%s1%c", answer ? "qca" : "qc", digital ? 'd' : 'a');
    int wxyz = ((x >> 3) & 1) << 3 | ((x >> 5) & 1) << 2 | ((x >> 6) & 1) << 1 | ((x >> 7) & 1);
    int lm = ((x >> 6) & 1) << 1 | ((x >> 7) & 1);
    if (json) {
        fprintf(out, ",\"chan\":%d,\"level_dbm0\":%.1f,\"sequence\":\"%s\",\"lapm\":%s", ev->fsk_channel,
                ev->level_dbm0, name, lapm ? "true" : "false");
        if (digital)
            fprintf(out, ",\"anspcm_dbm0\":%.1f", ANSPCM_DBM0[lm]);
        else if (UCODES[wxyz] < 0)
            fprintf(out, ",\"cleardown_from_hold\":true");
        else
            fprintf(out, ",\"qts_ucode\":%d", UCODES[wxyz]);
        fprintf(out, ",\"octet\":\"%02x\"}\n", x);
        return;
    }
    fprintf(out, " chan %d  %6.1f dBm0  %s%s", ev->fsk_channel, ev->level_dbm0, name, lapm ? " LAPM" : "");
    if (digital)
        fprintf(out, "  ANSpcm at %.1f dBm0", ANSPCM_DBM0[lm]);
    else if (UCODES[wxyz] < 0)
        fprintf(out, "  cleardown from on-hold");
    else
        fprintf(out, "  QTS on Ucode %d", UCODES[wxyz]);
    fprintf(out, "  [%02x]\n", x);
}

static int is_v34_training(sq_event_type t)
{
    return (t >= SQ_EVENT_V34_S && t <= SQ_EVENT_V34_E) || t == SQ_EVENT_V90_SCR;
}

/* TRN, or V.90's SCR (the same signal): its points and the symbols' SNR. */
static int is_trn(sq_event_type t)
{
    return t == SQ_EVENT_V34_TRN || t == SQ_EVENT_V90_SCR;
}

static const int TRELLIS_STATES[4] = { 16, 32, 64, 0 };

/* An MP sequence: whether it is MP', the rates each way, what it asks of the far transmitter. */
static void print_mp(FILE *out, const sq_event *ev, int json)
{
    const sq_v34_mp *m = &ev->mp;
    if (json) {
        fprintf(out, ",\"symbol_rate\":%.0f,\"carrier_hz\":%.1f,\"points\":%d,\"repeats\":%zu,\"acknowledge\":%s,"
                "\"mp_type\":%d,\"max_call_to_answer_bps\":%d,\"max_answer_to_call_bps\":%d,\"rates_bps\":[",
                ev->symbol_rate, ev->freq_hz, ev->points, ev->repeats, m->acknowledge ? "true" : "false", m->type,
                2400 * m->rate_call_to_answer, 2400 * m->rate_answer_to_call);
        int first = 1;
        for (int i = 0; i < 14; i++)
            if (m->rate_mask & (1u << i)) {
                fprintf(out, "%s%d", first ? "" : ",", 2400 * (i + 1));
                first = 0;
            }
        if (m->type) {   /* h(1..3), real then imaginary: 16-bit two's complement, as sent */
            fprintf(out, "],\"precoder\":[");
            for (int i = 0; i < 6; i++)
                fprintf(out, "%s%d", i ? "," : "", m->precoder[i]);
        }
        fprintf(out, "],\"asymmetric\":%s,\"trellis_states\":%d,\"aux_channel\":%s,\"nonlinear\":%s,"
                "\"shaping_expanded\":%s,\"crc\":\"%s\"}\n",
                m->asymmetric ? "true" : "false", TRELLIS_STATES[m->trellis & 3], m->aux_channel ? "true" : "false",
                m->nonlinear ? "true" : "false", m->shaping ? "true" : "false", m->crc_alt ? "variant" : "as_specified");
        return;
    }
    fprintf(out, " %4.0f baud %6.1f Hz  %s x%zu  at most %d bit/s caller to answerer, %d answerer to caller;",
            ev->symbol_rate, ev->freq_hz, m->acknowledge ? "MP'" : "MP", ev->repeats, 2400 * m->rate_call_to_answer,
            2400 * m->rate_answer_to_call);
    int lo = -1, hi = -1, gaps = 0;
    for (int i = 0; i < 14; i++)
        if (m->rate_mask & (1u << i)) {
            gaps += hi >= 0 && hi != i - 1;
            lo = lo < 0 ? i : lo;
            hi = i;
        }
    if (lo < 0)
        fprintf(out, " no rates");
    else if (!gaps)
        fprintf(out, " rates %d-%d", 2400 * (lo + 1), 2400 * (hi + 1));
    else
        for (int i = 0; i < 14; i++)
            if (m->rate_mask & (1u << i))
                fprintf(out, "%s%d", i == lo ? " rates " : ",", 2400 * (i + 1));
    fprintf(out, "%s; trellis %d%s%s%s%s\n", m->asymmetric ? " asymmetric" : "", TRELLIS_STATES[m->trellis & 3],
            m->aux_channel ? ", aux channel" : "", m->nonlinear ? ", non-linear" : "",
            m->shaping ? ", expanded shaping" : "", m->crc_alt ? "  (CRC as the variant)" : "");
}

/* V.32's rate sequences and E (V.32bis 5.3): which one, the rates it enables or names. */
static void print_v32_rates(FILE *out, const sq_event *ev, int json)
{
    unsigned bits = (unsigned)ev->info_bits[0] | (unsigned)ev->info_bits[1] << 8;
    unsigned rates = sq_v32_rates_of_bits(bits);
    int v32bis = ((bits >> 4) & 1u) && ((bits >> 8) & 1u);
    if (ev->type == SQ_EVENT_V32_TRN) {
        if (json)
            fprintf(out, ",\"symbol_rate\":2400,\"carrier_hz\":1800.0,\"snr_db\":%.1f}\n", ev->snr_db);
        else
            fprintf(out, " 2400 baud 1800.0 Hz  SNR %.1f dB\n", ev->snr_db);
        return;
    }
    if (json) {
        if (ev->type == SQ_EVENT_V32_E)
            fprintf(out, ",\"chan\":%d,\"rate_bps\":%d,\"bits\":\"%04x\"}\n", ev->fsk_channel, ev->rate, bits);
        else {
            fprintf(out, ",\"chan\":%d,\"sequence\":\"r%d\",\"repeats\":%zu,\"v32bis\":%s,\"rates_bps\":[",
                    ev->fsk_channel, ev->info_kind, ev->repeats, v32bis ? "true" : "false");
            for (int i = 0, first = 1; i < 6; i++)
                if (rates & (1u << i)) {
                    fprintf(out, "%s%d", first ? "" : ",", 2400 * (i + 1));
                    first = 0;
                }
            fprintf(out, "],\"bits\":\"%04x\"}\n", bits);
        }
        return;
    }
    if (ev->type == SQ_EVENT_V32_E) {
        fprintf(out, " chan %d  %d bit/s\n", ev->fsk_channel, ev->rate);
        return;
    }
    fprintf(out, " chan %d  R%d x%zu %s:", ev->fsk_channel, ev->info_kind, ev->repeats, v32bis ? "V.32bis" : "V.32");
    for (int i = 0; i < 6; i++)
        if (rates & (1u << i))
            fprintf(out, " %d", 2400 * (i + 1));
    fprintf(out, rates ? " bit/s\n" : " none (cleardown)\n");
}

/* S, S-bar, PP, TRN, J, J', E: the symbol rate and carrier; TRN's points and SNR, J's request. */
static void print_v34_training(FILE *out, const sq_event *ev, int json)
{
    if (json) {
        fprintf(out, ",\"symbol_rate\":%.0f,\"carrier_hz\":%.1f", ev->symbol_rate, ev->freq_hz);
        if (is_trn(ev->type) || ev->type == SQ_EVENT_V34_J || ev->type == SQ_EVENT_V34_E)
            fprintf(out, ",\"points\":%d", ev->points);
        if (is_trn(ev->type))
            fprintf(out, ",\"snr_db\":%.1f", ev->snr_db);
        fputs("}\n", out);
        return;
    }
    fprintf(out, " %4.0f baud %6.1f Hz", ev->symbol_rate, ev->freq_hz);
    if (is_trn(ev->type))
        fprintf(out, "  %d points, SNR %.1f dB", ev->points, ev->snr_db);
    if (ev->type == SQ_EVENT_V34_J)
        fprintf(out, "  asks for %d points", ev->points);
    fputc('\n', out);
}

/* INFO frames, V.8bis messages, V.92 QC sequences and V.34 training, in text or JSON; 0 for
 * other events. */
static int print_message(FILE *out, const sq_event *ev, int json)
{
    if (is_info(ev->type))
        print_info(out, ev, json);
    else if (ev->type == SQ_EVENT_V8BIS_MSG)
        print_v8bis_msg(out, ev, json);
    else if (ev->type == SQ_EVENT_V92_QC)
        print_qc(out, ev, json);
    else if (ev->type == SQ_EVENT_MP)
        print_mp(out, ev, json);
    else if (ev->type == SQ_EVENT_V90_JA)
        print_ja(out, ev, json);
    else if (ev->type == SQ_EVENT_V90_CP)
        print_cp(out, ev, json);
    else if (ev->type >= SQ_EVENT_V32_TRN && ev->type <= SQ_EVENT_V32_E)
        print_v32_rates(out, ev, json);
    else if (is_v34_training(ev->type))
        print_v34_training(out, ev, json);
    else
        return 0;
    return 1;
}

/* V.22 / V.22bis data read at a symbol SNR under which its decisions are mostly guesses: 16
 * points need about 20 dB for clean bytes and show many wrong ones under 14 dB (a symbol
 * error in a few percent), 4 points under 8 dB. Such bytes are withheld, not shown as data. */
static int data_unreadable(const sq_event *ev)
{
    return ev->type == SQ_EVENT_DATA && ev->data_len && ev->snr_db < (ev->rate == 2400 ? 14.0 : 8.0);
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
    if (print_message(out, ev, 0))
        return;
    if (is_fsk(ev->type)) {
        fprintf(out, " chan %d  %6.1f dBm0  \"", ev->fsk_channel, ev->level_dbm0);
        print_escaped(out, ev->data, ev->data_len, 0);
        fputc('"', out);
        print_char_errors(out, ev);
        fputc('\n', out);
        return;
    }
    if (ev->type == SQ_EVENT_V34_DATA && ev->symbol_rate > 0.0) {
        fprintf(out, " %4.0f baud %6.1f Hz  %6.1f dBm0", ev->symbol_rate, ev->freq_hz, ev->level_dbm0);
        if (ev->rate)
            fprintf(out, "  %d bit/s (the MPs)", ev->rate);
    } else if (is_wideband(ev->type)) {
        fprintf(out, " %10s  %6.1f dBm0", "", ev->level_dbm0);
    } else {
        fprintf(out, " %7.1f Hz  %6.1f dBm0", ev->freq_hz, ev->level_dbm0);
    }
    if (is_v8bis(ev->type))
        fprintf(out, "  after the %s pair", ev->fsk_channel == 1 ? "initiating (1375+2002 Hz)" : "responding (1529+2225 Hz)");
    if (ev->type == SQ_EVENT_LINE_PROBE)
        fprintf(out, "  L1 %.3f s, L2 %.3f s", ev->on_s, ev->end_s - ev->start_s - ev->on_s);
    if (ev->type == SQ_EVENT_V90_TRN1D)
        fprintf(out, "  TRN1d, Jd, Jd'");
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
    if (print_message(out, ev, 1))
        return;
    if (is_fsk(ev->type)) {
        fprintf(out, ",\"chan\":%d,\"level_dbm0\":%.1f,\"text\":", ev->fsk_channel, ev->level_dbm0);
        fputc('"', out);
        print_escaped(out, ev->data, ev->data_len, 1);
        fputc('"', out);
        fprintf(out, ",\"char_errors\":%zu,\"framing_mismatches\":%zu}\n", ev->char_errors, ev->framing_mismatches);
        return;
    }
    if (!is_wideband(ev->type))
        fprintf(out, ",\"freq_hz\":%.1f", ev->freq_hz);
    if (ev->type == SQ_EVENT_V34_DATA && ev->symbol_rate > 0.0) {
        fprintf(out, ",\"symbol_rate\":%.0f,\"carrier_hz\":%.1f", ev->symbol_rate, ev->freq_hz);
        if (ev->rate)
            fprintf(out, ",\"rate_bps\":%d", ev->rate);
    }
    if (ev->freq2_hz > 0)
        fprintf(out, ",\"freq2_hz\":%.1f", ev->freq2_hz);
    fprintf(out, ",\"level_dbm0\":%.1f", ev->level_dbm0);
    if (is_v8bis(ev->type))
        fprintf(out, ",\"pair\":\"%s\"", ev->fsk_channel == 1 ? "initiating" : "responding");
    if (ev->type == SQ_EVENT_LINE_PROBE)
        fprintf(out, ",\"l1_s\":%.3f,\"l2_s\":%.3f", ev->on_s, ev->end_s - ev->start_s - ev->on_s);
    if (ev->type == SQ_EVENT_V90_DIL)
        fprintf(out, ",\"period_s\":%.6f,\"line_spacing_hz\":%.2f", ev->on_s, ev->freq_hz);
    if (ev->type == SQ_EVENT_TONE_A || ev->type == SQ_EVENT_TONE_B)
        fprintf(out, ",\"chan\":%d", ev->fsk_channel);
    if (ev->type == SQ_EVENT_ANSAM || ev->type == SQ_EVENT_ANSAM_PR)
        fprintf(out, ",\"am_hz\":%.2f,\"am_depth\":%.3f", ev->am_hz, ev->am_depth);
    if (has_reversals(ev->type)) {
        fprintf(out, ",\"reversals_s\":[");
        for (size_t i = 0; i < shown_reversals(ev); i++)
            fprintf(out, "%s%.3f", i ? "," : "", ev->reversals_s[i]);
        fputc(']', out);
    }
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
