/* The messages and training sequences of a timeline, printed in text or JSON (timeline_messages.h):
 * INFO frames, V.8bis messages, V.92's QC, MP, V.32's rate sequences, V.34's training and
 * V.90's Ja and CP, each with the fields the standard gives it. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "src/cli/timeline_messages.h"

static int is_info(sq_event_type t)
{
    return t == SQ_EVENT_INFO0 || t == SQ_EVENT_INFO1;
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

/* A V.90 digital modem's Jd (V.90 Table 13): the rates it can send (bits 18-33: 28000 to
 * 48000 bit/s, 35-40: 49333 to 56000, each (drn + 20) 8000 / 6), CP's constellation in
 * training and on renegotiation, its spectral shaping's lookahead. */
static int jd_bit(const sq_event *ev, int i)
{
    return (ev->info_bits[i / 8] >> (i % 8)) & 1;
}

static void print_jd(FILE *out, const sq_event *ev, int json)
{
    int rates[22], n = 0;
    for (int i = 18; i <= 40; i++)
        if (i != 34 && jd_bit(ev, i) && n < 22)
            rates[n++] = (i < 34 ? i - 17 + 20 : i - 35 + 37) * 8000 / 6;
    int cp_train = jd_bit(ev, 47) ? 16 : 4, cp_reneg = jd_bit(ev, 48) ? 16 : 4;
    int lookahead = jd_bit(ev, 49) | jd_bit(ev, 50) << 1;
    if (json) {
        fprintf(out, ",\"level_dbm0\":%.1f,\"repeats\":%zu,\"crc_ok\":%s,\"rates_bps\":[", ev->level_dbm0, ev->repeats,
                ev->crc_ok ? "true" : "false");
        for (int i = 0; i < n; i++)
            fprintf(out, "%s%d", i ? "," : "", rates[i]);
        fprintf(out, "],\"cp_points_training\":%d,\"cp_points_renegotiation\":%d,\"lookahead\":%d}\n", cp_train,
                cp_reneg, lookahead);
        return;
    }
    fprintf(out, " %10s  %6.1f dBm0  Jd x%zu  CRC %s  ", "", ev->level_dbm0, ev->repeats, ev->crc_ok ? "good" : "FAILED");
    if (n)
        fprintf(out, "it can send %d-%d bit/s (%d rates)", rates[0], rates[n - 1], n);
    else
        fprintf(out, "no rate enabled");
    fprintf(out, "; CP in %d points (%d on renegotiation); lookahead %d; then Jd'\n", cp_train, cp_reneg, lookahead);
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

/* An INFO frame: its kind and CRC, then its fields (text: only those not zero, and none of a
 * frame whose CRC failed: a bit of them is wrong, and a reader would take them as sent; JSON
 * keeps them beside crc_ok false, with the bits, for a program that weighs them). */
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
                ev->crc_ok ? "good" : "FAILED, its fields not shown");
    if (json || ev->crc_ok)
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

/* A V.92 QC sequence: which one, LAPM, and the QTS Ucode or the ANSpcm level: QC1x and QCA1x
 * in one octet (V.92 Tables 2, 4, 11, 13), QC2x and QCA2x in a V.8bis identification field of
 * two (Tables 3, 5, 12, 14). */
static void print_qc(FILE *out, const sq_event *ev, int json)
{
    static const int UCODES[16] = { 61, 62, 63, 66, 67, 70, 71, 74, 75, 78, 79, 82, 83, 86, 87, -1 };
    static const double ANSPCM_DBM0[4] = { -9.5, -12.0, -15.0, -18.0 };
    int v8bis = ev->v8.n_octets == 2;
    uint8_t x = ev->v8.octets[v8bis ? 1 : 0];
    int digital, answer, lapm, wxyz, lm;
    if (v8bis) {
        digital = (x >> 7) & 1, answer = (x >> 6) & 1, lapm = (x >> 5) & 1;
        wxyz = (x & 1) << 3 | ((x >> 1) & 1) << 2 | ((x >> 2) & 1) << 1 | ((x >> 3) & 1);
        lm = (x & 1) << 1 | ((x >> 1) & 1);
    } else {
        digital = x & 1, answer = (x >> 1) & 1, lapm = (x >> 2) & 1;
        wxyz = ((x >> 3) & 1) << 3 | ((x >> 5) & 1) << 2 | ((x >> 6) & 1) << 1 | ((x >> 7) & 1);
        lm = ((x >> 6) & 1) << 1 | ((x >> 7) & 1);
    }
    char name[8];
    snprintf(name, sizeof name, "%s%c%c", answer ? "qca" : "qc", v8bis ? '2' : '1', digital ? 'd' : 'a');
    if (json) {
        fprintf(out, ",\"chan\":%d,\"level_dbm0\":%.1f,\"sequence\":\"%s\",\"lapm\":%s", ev->fsk_channel,
                ev->level_dbm0, name, lapm ? "true" : "false");
        if (digital)
            fprintf(out, ",\"anspcm_dbm0\":%.1f", ANSPCM_DBM0[lm]);
        else if (UCODES[wxyz] < 0)
            fprintf(out, ",\"cleardown_from_hold\":true");
        else
            fprintf(out, ",\"qts_ucode\":%d", UCODES[wxyz]);
        if (v8bis)
            fprintf(out, ",\"octets\":\"%02x%02x\"}\n", ev->v8.octets[0], x);
        else
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
    if (v8bis)
        fprintf(out, "  [%02x %02x]\n", ev->v8.octets[0], x);
    else
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
/* An MP's rate mask as a JSON array's members, then its precoder coefficients (type 1), h(1..3)
 * real then imaginary, 16-bit two's complement as sent: `"rates_bps":[...]` and the rest. */
static void print_mp_rates_json(FILE *out, const sq_v34_mp *m, const char *name)
{
    fprintf(out, ",\"%s\":[", name);
    int first = 1;
    for (int i = 0; i < 14; i++)
        if (m->rate_mask & (1u << i)) {
            fprintf(out, "%s%d", first ? "" : ",", 2400 * (i + 1));
            first = 0;
        }
    if (m->type) {
        fprintf(out, "],\"precoder\":[");
        for (int i = 0; i < 6; i++)
            fprintf(out, "%s%d", i ? "," : "", m->precoder[i]);
    }
    fputc(']', out);
}

/* The same in words: the rates as a range or a list, then the trellis and the encoders. */
static void print_mp_rates_text(FILE *out, const sq_v34_mp *m)
{
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

static void print_mp(FILE *out, const sq_event *ev, int json)
{
    const sq_v34_mp *m = &ev->mp;
    if (json) {
        fprintf(out, ",\"symbol_rate\":%.0f,\"carrier_hz\":%.1f,\"points\":%d,\"repeats\":%zu,\"acknowledge\":%s,"
                "\"mp_type\":%d,\"max_call_to_answer_bps\":%d,\"max_answer_to_call_bps\":%d",
                ev->symbol_rate, ev->freq_hz, ev->points, ev->repeats, m->acknowledge ? "true" : "false", m->type,
                2400 * m->rate_call_to_answer, 2400 * m->rate_answer_to_call);
        print_mp_rates_json(out, m, "rates_bps");
        fprintf(out, ",\"asymmetric\":%s,\"trellis_states\":%d,\"aux_channel\":%s,\"nonlinear\":%s,"
                "\"shaping_expanded\":%s,\"crc\":\"%s\"}\n",
                m->asymmetric ? "true" : "false", TRELLIS_STATES[m->trellis & 3], m->aux_channel ? "true" : "false",
                m->nonlinear ? "true" : "false", m->shaping ? "true" : "false", m->crc_alt ? "variant" : "as_specified");
        return;
    }
    fprintf(out, " %4.0f baud %6.1f Hz  %s x%zu", ev->symbol_rate, ev->freq_hz, m->acknowledge ? "MP'" : "MP",
            ev->repeats);
    if (!m->rate_call_to_answer && !m->rate_answer_to_call) {   /* V.34 11.7 */
        fprintf(out, "  0 bit/s both ways: cleardown\n");
        return;
    }
    fprintf(out, "  at most %d bit/s caller to answerer, %d answerer to caller;", 2400 * m->rate_call_to_answer,
            2400 * m->rate_answer_to_call);
    print_mp_rates_text(out, m);
}

/* A V.90 digital modem's MP or MP' (Table 16): the highest rate it lets the analogue modem
 * send, the rates it can receive, and how the analogue modem is to code its data. */
static void print_v90_mp(FILE *out, const sq_event *ev, int json)
{
    const sq_v34_mp *m = &ev->mp;
    if (json) {
        fprintf(out, ",\"level_dbm0\":%.1f,\"sequence\":\"%s\",\"repeats\":%zu,\"crc_ok\":true,\"mp_type\":%d,"
                "\"max_upstream_bps\":%d", ev->level_dbm0, m->acknowledge ? "MP'" : "MP", ev->repeats, m->type, ev->rate);
        print_mp_rates_json(out, m, "upstream_rates_bps");
        fprintf(out, ",\"trellis_states\":%d,\"nonlinear\":%s,\"shaping_expanded\":%s,\"crc\":\"%s\"}\n",
                TRELLIS_STATES[m->trellis & 3], m->nonlinear ? "true" : "false", m->shaping ? "true" : "false",
                m->crc_alt ? "variant" : "as_specified");
        return;
    }
    fprintf(out, " %10s  %6.1f dBm0  %s x%zu  CRC good", "", ev->level_dbm0, m->acknowledge ? "MP'" : "MP", ev->repeats);
    if (!m->rate_answer_to_call) {   /* V.90 9.7 */
        fprintf(out, "  0 bit/s: cleardown\n");
        return;
    }
    fprintf(out, "  the analogue modem may send at most %d bit/s;", ev->rate);
    print_mp_rates_text(out, m);
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
        fprintf(out, " chan %d  %d bit/s%s\n", ev->fsk_channel, ev->rate, ev->rate ? "" : ": cleardown");
        return;
    }
    if (!rates) {   /* B4 is 0 too (Table 5, note 3): not a V.32 modem's */
        fprintf(out, " chan %d  R%d x%zu: no rate (cleardown)\n", ev->fsk_channel, ev->info_kind, ev->repeats);
        return;
    }
    fprintf(out, " chan %d  R%d x%zu %s:", ev->fsk_channel, ev->info_kind, ev->repeats, v32bis ? "V.32bis" : "V.32");
    for (int i = 0; i < 6; i++)
        if (rates & (1u << i))
            fprintf(out, " %d", 2400 * (i + 1));
    fprintf(out, " bit/s\n");
}

/* S, S-bar, PP, TRN, J, J', E: the symbol rate and carrier; TRN's points and SNR, J's request. */
static void print_v34_training(FILE *out, const sq_event *ev, int json)
{
    if (json) {
        fprintf(out, ",\"symbol_rate\":%.0f,\"carrier_hz\":%.1f", ev->symbol_rate, ev->freq_hz);
        if (is_trn(ev->type) || ev->type == SQ_EVENT_V34_J || ev->type == SQ_EVENT_V34_E)
            fprintf(out, ",\"points\":%d", ev->points);
        if (is_trn(ev->type) && ev->snr_db > 0.0)   /* none: not measured */
            fprintf(out, ",\"snr_db\":%.1f", ev->snr_db);
        if (ev->renegotiation)
            fprintf(out, ",\"renegotiation\":true");
        fputs("}\n", out);
        return;
    }
    fprintf(out, " %4.0f baud %6.1f Hz", ev->symbol_rate, ev->freq_hz);
    if (is_trn(ev->type))
        fprintf(out, "  %d points", ev->points);
    if (is_trn(ev->type) && ev->snr_db > 0.0)
        fprintf(out, ", SNR %.1f dB", ev->snr_db);
    if (ev->type == SQ_EVENT_V34_J)
        fprintf(out, "  asks for %d points", ev->points);
    if (ev->renegotiation)
        fprintf(out, "  out of data: a rate renegotiation or cleardown");
    fputc('\n', out);
}

/* INFO frames, V.8bis messages, V.92 QC sequences and V.34 training, in text or JSON; 0 for
 * other events. */
int timeline_print_message(FILE *out, const sq_event *ev, int json)
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
    else if (ev->type == SQ_EVENT_V90_JD)
        print_jd(out, ev, json);
    else if (ev->type == SQ_EVENT_V90_MP)
        print_v90_mp(out, ev, json);
    else if (ev->type >= SQ_EVENT_V32_TRN && ev->type <= SQ_EVENT_V32_E)
        print_v32_rates(out, ev, json);
    else if (is_v34_training(ev->type))
        print_v34_training(out, ev, json);
    else
        return 0;
    return 1;
}
