/* The summary decode prints after a timeline (call_summary.h): gathered from the events shown,
 * in the order they were shown, so it says nothing the timeline does not. */
#include <math.h>
#include <string.h>
#include "src/cli/call_summary.h"

/* Both modems send S in a renegotiation (V.34 11.6.1): the responder's within the
 * initiator's TRN (at most 2 s) and a round trip. Its MPs follow within TRN and the
 * other's MP. */
#define ONE_RENEGOTIATION_S 3.0
#define RENEGOTIATION_MP_WITHIN_S 4.0

/* The renegotiation under way is over (another begins, a phase 2 comes, the timeline ends):
 * counted, unless its MPs asked for cleardown. */
static void close_renegotiation(call_summary *s)
{
    if (s->reneg_open && s->reneg_kind != RENEG_ASKED_CLEARDOWN) {
        s->renegotiations++;
        s->renegotiation_s = s->reneg_open_s;
    }
    s->reneg_open = 0;
}

/* Whether a rate sequence (MP, CP) starting at ev belongs to the renegotiation under way; one
 * that does not closes it. */
static int in_renegotiation(call_summary *s, const sq_event *ev)
{
    int in = s->reneg_open && ev->start_s >= s->reneg_open_s && ev->start_s - s->reneg_open_s < RENEGOTIATION_MP_WITHIN_S;
    if (s->reneg_open && !in)
        close_renegotiation(s);
    return in;
}

/* The renegotiation under way asked for cleardown (by: V.34's MPs, a V.90 CP's drn 0 or a V.90
 * digital modem's MP asking 0 bit/s, V.90 9.7). */
static void note_cleardown(call_summary *s, int by)
{
    s->reneg_kind = RENEG_ASKED_CLEARDOWN;
    if (!s->cleared_down) {
        s->cleardown_s = s->reneg_open_s;
        s->cleardown_by = by;
    }
    s->cleared_down = 1;
}

/* The renegotiation under way asked for rates (unless a cleardown was asked already), in a
 * sequence ending where ev does. */
static void note_rates_asked(call_summary *s, const sq_event *ev)
{
    if (s->reneg_kind == RENEG_ASKED_NOTHING_YET)
        s->reneg_kind = RENEG_ASKED_RATES;
    s->reneg_rates_end_s = fmax(s->reneg_rates_end_s, ev->end_s);
}

/* A renegotiation's first signal out of data (ev->renegotiation): a new one, unless it is the
 * other modem's in the one under way, which comes before that one's rate sequences have been
 * sent. */
static void note_renegotiation_start(call_summary *s, const sq_event *ev)
{
    if (ev->renegotiation && (!s->reneg_open || ev->start_s - s->reneg_open_s > ONE_RENEGOTIATION_S ||
                              (s->reneg_kind == RENEG_ASKED_RATES && ev->start_s > s->reneg_rates_end_s))) {
        close_renegotiation(s);
        s->reneg_open = 1;
        s->reneg_kind = RENEG_ASKED_NOTHING_YET;
        s->reneg_open_s = ev->start_s;
        s->reneg_rates_end_s = 0.0;
    }
}

/* A V.32bis retrain's tone out of data (V.32bis 7): the modem that asks sends its own (AA or
 * AC) and the other answers with its own within a second (each waits for 128 T of the
 * other's): one retrain, though both channels name a tone. */
#define ONE_V32_RETRAIN_S 1.5

static void note_v32_retrain(call_summary *s, const sq_event *ev)
{
    if (!s->v32_retrains || ev->start_s - s->v32_retrain_s > ONE_V32_RETRAIN_S)
        s->v32_retrains++;
    s->v32_retrain_s = ev->start_s;
}

/* A V.34 MP: phase 4's (a start-up's or a retrain's: its rates replace the last ones), or a
 * renegotiation's, whose rates hold from then; asking 0 bit/s both ways, cleardown (11.7). */
static void note_mp(call_summary *s, const sq_event *ev, int channel)
{
    int in_renegotiation_now = in_renegotiation(s, ev);
    if (in_renegotiation_now && !ev->mp.rate_call_to_answer && !ev->mp.rate_answer_to_call) {
        note_cleardown(s, CLEARDOWN_BY_V34_MPS);
        return;
    }
    if (in_renegotiation_now) {
        note_rates_asked(s, ev);
        if (channel == 1 || channel == 2) {
            s->reneg_mp[channel] = ev->mp;
            s->has_reneg_mp[channel] = 1;
        }
        return;
    }
    if (channel == 1 || channel == 2) {
        s->mp[channel] = ev->mp;
        s->has_mp[channel] = 1;
    }
    if (ev->fsk_channel == 1 || ev->fsk_channel == 2) {   /* by the side that sent it */
        s->mp_from[ev->fsk_channel] = ev->mp;
        s->has_mp_from[ev->fsk_channel] = 1;
    }
    s->has_reneg_mp[1] = s->has_reneg_mp[2] = 0;
}

void call_summary_init(call_summary *s)
{
    memset(s, 0, sizeof *s);
    s->symbol_rate_up = s->symbol_rate_down = s->max_rate_up = NAN;
}

static double info_field(const sq_event *ev, const char *name)
{
    size_t n;
    const sq_info_field *f = (ev->pcm_analogue ? sq_info_fields_pcm : sq_info_fields)((sq_info_kind)ev->info_kind,
                                                                                     ev->info_bits, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i].name, name) == 0)
            return sq_info_field_value(&f[i], ev->info_bits);
    return NAN;
}

static void note_data(call_summary *s, const char *modulation, const sq_event *ev)
{
    if (!s->modulation || strcmp(s->modulation, modulation) != 0)
        s->modulation = modulation;
    if (ev->end_s > s->data_end_s)
        s->data_end_s = ev->end_s;
    s->data_seen = 1;
}

void call_summary_add(call_summary *s, const sq_event *ev, int channel)
{
    s->events++;
    s->end_s = fmax(s->end_s, ev->end_s);
    switch ((int)ev->type) {
    case SQ_EVENT_CM: s->cm = ev->v8.modulations; s->has_cm = 1; break;
    case SQ_EVENT_JM: s->jm = ev->v8.modulations; s->has_jm = 1; break;
    case SQ_EVENT_V8BIS_MSG:
        if (ev->v8.n_octets && sq_v8bis_msg_type_of(ev->v8.octets[0]) == SQ_V8BIS_MS) {
            sq_v8bis_info m;
            sq_v8bis_parse(ev->v8.octets, ev->v8.n_octets, &m);
            s->v8bis_ms_modes = m.data_modes;
            s->has_v8bis_ms = 1;
        }
        break;
    case SQ_EVENT_INFO1:
        if (!ev->crc_ok)
            break;
        close_renegotiation(s);   /* a retrain's phase 2 */
        if (ev->info_kind == SQ_INFO1A) {
            s->info1a++;
            s->v90 = info_field(ev, "symbol_rate_downstream") == 8000.0;
            s->symbol_rate_up = s->v90 ? info_field(ev, "symbol_rate_upstream")
                                       : info_field(ev, "symbol_rate_call_to_answer");
            s->symbol_rate_down = s->v90 ? 8000.0 : info_field(ev, "symbol_rate_answer_to_call");
            s->max_rate_up = s->v90 ? NAN : info_field(ev, "max_rate_bps");
            if (s->max_rate_up == 0.0)   /* not given */
                s->max_rate_up = NAN;
        } else if (ev->info_kind == SQ_INFO1C) {
            s->info1c = *ev;
            s->has_info1c = 1;
        }
        break;
    case SQ_EVENT_INFOMARKS:
        if (ev->fsk_channel == 1 || ev->fsk_channel == 2)
            s->infomarks[ev->fsk_channel]++;
        break;
    case SQ_EVENT_LINE_PROBE: {
        double hz[SQ_LINE_PROBE_TONES], db[SQ_LINE_PROBE_TONES];
        int side = ev->fsk_channel;
        if ((side == 1 || side == 2) && sq_line_probe_response(ev, hz, db)) {
            s->has_probe[side] = 1;
            s->probe_snr_db[side] = ev->snr_db;
        }
        break;
    }
    case SQ_EVENT_MP:
        s->startup_end_s = fmax(s->startup_end_s, ev->end_s);
        note_mp(s, ev, channel);
        break;
    case SQ_EVENT_V34_S: case SQ_EVENT_V90_RI:   /* S, or V.90's Rd, out of data */
        note_renegotiation_start(s, ev);
        s->startup_end_s = fmax(s->startup_end_s, ev->end_s);
        break;
    case SQ_EVENT_V32_AA: case SQ_EVENT_V32_AC:   /* V.32bis's retrain or preamble out of data */
        if (ev->retrain) {
            close_renegotiation(s);
            note_v32_retrain(s, ev);
        } else if (ev->renegotiation) {
            note_renegotiation_start(s, ev);
            s->startup_end_s = fmax(s->startup_end_s, ev->end_s);
        }
        break;
    case SQ_EVENT_V32_RATE:   /* R4 or R5 with no rate calls for cleardown (V.32bis Table 5, note 3) */
        s->startup_end_s = fmax(s->startup_end_s, ev->end_s);
        if (!sq_v32_rates_of_bits((unsigned)ev->info_bits[0] | (unsigned)ev->info_bits[1] << 8) &&
            in_renegotiation(s, ev))
            note_cleardown(s, CLEARDOWN_BY_V32_RATE);
        break;
    case SQ_EVENT_V34_S_BAR: case SQ_EVENT_V34_PP: case SQ_EVENT_V34_TRN:
    case SQ_EVENT_V34_J: case SQ_EVENT_V34_J_PRIME: case SQ_EVENT_V34_E: case SQ_EVENT_V32_S:
    case SQ_EVENT_V32_TRN: case SQ_EVENT_V90_SD: case SQ_EVENT_V90_TRN1D:
    case SQ_EVENT_V90_DIL: case SQ_EVENT_V90_SCR: case SQ_EVENT_V90_JD: case SQ_EVENT_V90_TRN2D:
        s->startup_end_s = fmax(s->startup_end_s, ev->end_s);
        break;
    case SQ_EVENT_V34_DATA: note_data(s, s->v90 ? "V.90" : "V.34", ev); break;
    case SQ_EVENT_V90_DATA: note_data(s, "V.90", ev); break;
    case SQ_EVENT_V32_DATA: note_data(s, "V.32bis", ev); break;
    case SQ_EVENT_V32_E:   /* the rate V.32's E sequences name */
        s->startup_end_s = fmax(s->startup_end_s, ev->end_s);
        if (!in_renegotiation(s, ev)) {
            s->v22_rate = ev->rate;
            s->v32_startup = 1;
        } else if (!ev->rate) {   /* V.32bis 8, note 2: no rate in common, or one asked none */
            note_cleardown(s, CLEARDOWN_BY_V32_RATE);
        } else {
            note_rates_asked(s, ev);
            s->v32_reneg_bps = ev->rate;
        }
        break;
    case SQ_EVENT_V90_JA:   /* only a V.90 analogue modem sends Ja and CP: V.90 with or
                               without an INFO1a read to say so */
        s->v90 = 1;
        s->startup_end_s = fmax(s->startup_end_s, ev->end_s);
        break;
    case SQ_EVENT_V90_CP: {   /* CPt's rate is phase 4's training; CP's and CP''s, data's */
        s->v90 = 1;
        s->startup_end_s = fmax(s->startup_end_s, ev->end_s);
        sq_v90_cp cp;
        sq_v90_cp_unpack(ev->info_bits, &cp);
        if (!cp.training && in_renegotiation(s, ev)) {   /* V.90 9.6.2: phase 4's CP stays told */
            if (cp.drn == 0) {
                note_cleardown(s, CLEARDOWN_BY_V90_CP);
            } else {
                note_rates_asked(s, ev);
                s->v90_reneg_down_bps = ev->rate;
            }
        } else if (!cp.training) {
            s->v90_down_bps = ev->rate;
            s->v90_cp_up_mask = cp.upstream_mask;
            s->has_v90_cp = 1;
        }
        break;
    }
    case SQ_EVENT_V90_MP:
        s->v90 = 1;
        s->startup_end_s = fmax(s->startup_end_s, ev->end_s);
        if (in_renegotiation(s, ev)) {   /* V.90 9.6.1: phase 4's MP stays told */
            if (ev->mp.rate_answer_to_call == 0) {
                note_cleardown(s, CLEARDOWN_BY_V90_MP);
            } else {
                note_rates_asked(s, ev);
                s->v90_reneg_mp = ev->mp;
                s->has_v90_reneg_mp = 1;
            }
            break;
        }
        s->v90_mp = ev->mp;
        s->has_v90_mp = 1;
        break;
    case SQ_EVENT_DATA:
        note_data(s, ev->rate == 2400 ? "V.22bis" : "V.22", ev);
        s->v22_rate = ev->rate;
        break;
    case SQ_EVENT_V21: note_data(s, "V.21", ev); break;
    case SQ_EVENT_BELL103: note_data(s, "Bell 103", ev); break;
    default: break;
    }
}

/* The analogue modem's upstream rate in a V.90 call: the highest that both its CP and the
 * digital modem's MP enable, up to the MP's maximum (V.90 9.4.2.4); 0 when either is unread. */
static int v90_up_bps_by(const call_summary *s, const sq_v34_mp *mp)
{
    if (!s->has_v90_cp)
        return 0;
    for (int steps = mp->rate_answer_to_call; steps >= 2; steps--)   /* in 2400 bit/s */
        if ((mp->rate_mask >> (steps - 1) & 1u) && (s->v90_cp_up_mask >> (steps - 2) & 1u))
            return 2400 * steps;
    return 0;
}

static int v90_up_bps(const call_summary *s)
{
    return s->has_v90_mp ? v90_up_bps_by(s, &s->v90_mp) : 0;
}

/* ... after a renegotiation whose MP was read (V.90 9.6.1) */
static int v90_reneg_up_bps(const call_summary *s)
{
    return s->has_v90_reneg_mp ? v90_up_bps_by(s, &s->v90_reneg_mp) : 0;
}

int call_summary_mp_rate(const call_summary *s, int channel)
{
    if (s->has_v90_mp)
        return v90_up_bps(s);
    int reneg = s->has_reneg_mp[1] && s->has_reneg_mp[2];
    /* in a renegotiation whose MPs are not both read yet, the last rates no longer hold */
    if ((!reneg && (s->reneg_open || !s->has_mp[1] || !s->has_mp[2])) || (channel != 1 && channel != 2))
        return 0;
    int up, down;
    sq_v34_mp_rates(reneg ? &s->reneg_mp[1] : &s->mp[1], reneg ? &s->reneg_mp[2] : &s->mp[2], &up, &down);
    return channel == 1 ? up : down;
}

/* The answer modem's projected rate at the symbol rate it chose (INFO1c, V.34 Table 15). */
static double rate_down(const call_summary *s)
{
    if (!s->has_info1c || isnan(s->symbol_rate_down) || s->v90)
        return NAN;
    char name[32];
    snprintf(name, sizeof name, "max_rate_bps_%.0f", s->symbol_rate_down);
    return info_field(&s->info1c, name);
}

static void print_modes(FILE *out, uint32_t modes, int json)
{
    int first = 1;
    for (int k = 0; k < SQ_V8_MOD_COUNT; k++)
        if (modes & (1u << k)) {
            fprintf(out, json ? "%s\"%s\"" : "%s%s", first ? "" : json ? "," : " ", sq_v8_mod_to_str(1u << k));
            first = 0;
        }
}

void call_summary_note_echo(call_summary *s, int channel, const sq_echo_path *echo)
{
    if (channel == 1 || channel == 2)
        s->echo[channel] = *echo;
}

/* The echoes taken out, as a JSON array or a clause of the paragraph. */
static void print_echoes(FILE *out, const call_summary *s, int json)
{
    int first = 1;
    for (int c = 1; c <= 2; c++) {
        const sq_echo_path *e = &s->echo[c];
        if (!e->learnt)
            continue;
        if (json)
            fprintf(out, "%s{\"ch\":%d,\"delay_ms\":%.1f,\"loss_db\":%.1f,\"removed_db\":%.1f}", first ? ",\"echo\":[" : ",",
                    c, e->delay_ms, e->loss_db, e->removed_db);
        else
            fprintf(out, "%s channel %d carried channel %d's echo %.0f ms late, %.0f dB down (%.0f dB of it taken out)",
                    first ? ";" : ",", c, 3 - c, e->delay_ms, e->loss_db, e->removed_db);
        first = 0;
    }
    if (json && !first)
        fputc(']', out);
}

void call_summary_print(FILE *out, const call_summary *s, int json, double file_end_s)
{
    if (!s->events)
        return;
    double down = rate_down(s);
    int mp_up = 0, mp_down = 0, has_mp = s->has_mp[1] && s->has_mp[2];
    if (has_mp)   /* the rates both MPs allow (V.34 11.4.1.1.3) */
        sq_v34_mp_rates(&s->mp[1], &s->mp[2], &mp_up, &mp_down);
    /* one side's MP alone (the other's unread, or both modems on one channel with one far
     * louder): what it allows, each way, not a rate the two settled */
    int one_mp = !has_mp && s->has_mp_from[1] != s->has_mp_from[2] ? (s->has_mp_from[1] ? 1 : 2) : 0;
    int one_up = 0, one_down = 0;
    if (one_mp)
        sq_v34_mp_rates(&s->mp_from[one_mp], &s->mp_from[one_mp], &one_up, &one_down);
    /* each phase 2 after the first is a V.34 or V.90 retrain; V.32bis's are their tones */
    int retrains = (s->info1a > 1 ? (int)s->info1a - 1 : 0) + (int)s->v32_retrains;
    int retrains_known = s->info1a || s->v32_startup || s->v32_retrains;
    /* rate renegotiations, the one under way when the timeline ended too (unless a cleardown) */
    int open_counts = s->reneg_open && s->reneg_kind != RENEG_ASKED_CLEARDOWN;
    size_t renegotiations = s->renegotiations + (size_t)open_counts;
    double renegotiation_s = open_counts ? s->reneg_open_s : s->renegotiation_s;
    int reneg_up = 0, reneg_down = 0, has_reneg_mp = s->has_reneg_mp[1] && s->has_reneg_mp[2];
    if (has_reneg_mp)
        sq_v34_mp_rates(&s->reneg_mp[1], &s->reneg_mp[2], &reneg_up, &reneg_down);
    /* a call whose data runs to the end of the file was still up when the recording stopped */
    int cut = s->data_seen && file_end_s - s->data_end_s < 0.25;
    /* no data yet, and the recording stops in a start-up's training */
    int cut_in_startup = !s->data_seen && s->startup_end_s > 0.0 && file_end_s - s->startup_end_s < 0.25;
    if (json) {
        /* last, and at the end: the timeline stays in order of start */
        fprintf(out, "{\"t_s\":%.3f,\"end_s\":%.3f,\"ch\":0,\"type\":\"summary\"", s->end_s, s->end_s);
        if (s->has_cm) {
            fprintf(out, ",\"offered\":[");
            print_modes(out, s->cm, 1);
            fputc(']', out);
        }
        if (s->has_jm) {
            fprintf(out, ",\"common\":[");
            print_modes(out, s->jm, 1);
            fputc(']', out);
        }
        fprintf(out, ",\"modulation\":%s%s%s", s->modulation ? "\"" : "", s->modulation ? s->modulation : "null",
                s->modulation ? "\"" : "");
        if (!isnan(s->symbol_rate_up))
            fprintf(out, ",\"symbol_rate_up\":%.0f,\"symbol_rate_down\":%.0f", s->symbol_rate_up, s->symbol_rate_down);
        if (!isnan(s->max_rate_up))
            fprintf(out, ",\"max_rate_up_bps\":%.0f", s->max_rate_up);
        if (!isnan(down))
            fprintf(out, ",\"max_rate_down_bps\":%.0f", down);
        if (has_mp)
            fprintf(out, ",\"data_rate_up_bps\":%d,\"data_rate_down_bps\":%d", mp_up, mp_down);
        if (one_mp)
            fprintf(out, ",\"mp_read_from\":\"%s\",\"mp_max_up_bps\":%d,\"mp_max_down_bps\":%d",
                    one_mp == 1 ? "caller" : "answerer", one_up, one_down);
        if (s->v22_rate)
            fprintf(out, ",\"rate_bps\":%d", s->v22_rate);
        if (s->v90_down_bps)
            fprintf(out, ",\"data_rate_down_bps\":%d", s->v90_down_bps);
        if (s->has_v90_mp)
            fprintf(out, ",\"v90_max_up_bps\":%d", 2400 * s->v90_mp.rate_answer_to_call);
        if (v90_up_bps(s))
            fprintf(out, ",\"data_rate_up_bps\":%d", v90_up_bps(s));
        if (s->has_probe[1])
            fprintf(out, ",\"probe_snr_up_db\":%.1f", s->probe_snr_db[1]);
        if (s->has_probe[2])
            fprintf(out, ",\"probe_snr_down_db\":%.1f", s->probe_snr_db[2]);
        if (retrains_known)
            fprintf(out, ",\"retrains\":%d", retrains);
        if (renegotiations)
            fprintf(out, ",\"rate_renegotiations\":%zu,\"last_renegotiation_s\":%.3f", renegotiations, renegotiation_s);
        if (has_reneg_mp)
            fprintf(out, ",\"renegotiated_rate_up_bps\":%d,\"renegotiated_rate_down_bps\":%d", reneg_up, reneg_down);
        if (!has_reneg_mp && v90_reneg_up_bps(s))
            fprintf(out, ",\"renegotiated_rate_up_bps\":%d", v90_reneg_up_bps(s));
        if (!has_reneg_mp && s->v90_reneg_down_bps)
            fprintf(out, ",\"renegotiated_rate_down_bps\":%d", s->v90_reneg_down_bps);
        if (renegotiations && s->v32_reneg_bps)
            fprintf(out, ",\"renegotiated_rate_bps\":%d", s->v32_reneg_bps);
        if (s->cleared_down)
            fprintf(out, ",\"cleardown_s\":%.3f", s->cleardown_s);
        if (s->infomarks[1] || s->infomarks[2])
            fprintf(out, ",\"error_recoveries_caller\":%zu,\"error_recoveries_answerer\":%zu", s->infomarks[1],
                    s->infomarks[2]);
        print_echoes(out, s, 1);
        fprintf(out, ",\"ended\":\"%s\"}\n",
                s->cleared_down ? "cleared down" : cut_in_startup ? "recording ends during start-up"
                : !s->data_seen ? "no data" : cut ? "recording ends during data" : "carrier stopped");
        return;
    }
    fprintf(out, "# summary:");
    if (s->has_cm) {
        fprintf(out, " the caller offered");
        fputc(' ', out);
        print_modes(out, s->cm, 0);
        fputc(';', out);
    }
    if (s->has_jm) {
        fprintf(out, " both have ");
        print_modes(out, s->jm, 0);
        fputc(';', out);
    }
    if (s->modulation)
        fprintf(out, " the call went on in %s", s->modulation);
    else
        fprintf(out, " no data was heard");
    if (!isnan(s->symbol_rate_up))
        fprintf(out, ", %.0f symbols/s upstream and %.0f downstream", s->symbol_rate_up, s->symbol_rate_down);
    if (!isnan(s->max_rate_up) || !isnan(down)) {
        fprintf(out, ", projected at most");
        if (!isnan(down))
            fprintf(out, " %.0f bit/s answerer to caller", down);
        if (!isnan(down) && !isnan(s->max_rate_up))
            fprintf(out, " and");
        if (!isnan(s->max_rate_up))
            fprintf(out, " %.0f bit/s caller to answerer", s->max_rate_up);
    }
    if (has_mp)
        fprintf(out, "; the MPs settled %d bit/s caller to answerer and %d bit/s answerer to caller", mp_up, mp_down);
    if (one_mp)
        fprintf(out, "; only the %s's MP was read: it allows at most %d bit/s caller to answerer and %d bit/s "
                "answerer to caller", one_mp == 1 ? "caller" : "answerer", one_up, one_down);
    if (s->v22_rate)
        fprintf(out, " at %d bit/s", s->v22_rate);
    if (s->v90_down_bps)
        fprintf(out, "; the analogue modem's CP chose %d bit/s downstream", s->v90_down_bps);
    if (s->has_v90_mp)
        fprintf(out, "; the digital modem's MP let it send at most %d bit/s upstream", 2400 * s->v90_mp.rate_answer_to_call);
    if (v90_up_bps(s))
        fprintf(out, ", so %d bit/s upstream", v90_up_bps(s));
    if (s->has_probe[1] || s->has_probe[2]) {   /* what the rates were chosen on */
        fprintf(out, "; line probing measured");
        if (s->has_probe[2])
            fprintf(out, " %.1f dB SNR answerer to caller", s->probe_snr_db[2]);
        if (s->has_probe[1] && s->has_probe[2])
            fprintf(out, " and");
        if (s->has_probe[1])
            fprintf(out, " %.1f dB caller to answerer", s->probe_snr_db[1]);
    }
    if (retrains_known)   /* a phase 2 or a V.32 start-up was decoded */
        fprintf(out, "; %d retrain%s", retrains, retrains == 1 ? "" : "s");
    if (renegotiations)
        fprintf(out, "; %zu rate renegotiation%s, the last at %.1f s", renegotiations, renegotiations == 1 ? "" : "s",
                renegotiation_s);
    if (has_reneg_mp)
        fprintf(out, ", whose MPs settled %d bit/s caller to answerer and %d bit/s answerer to caller", reneg_up,
                reneg_down);
    if (!has_reneg_mp && s->v90_reneg_down_bps)
        fprintf(out, ", whose CP asked %d bit/s downstream", s->v90_reneg_down_bps);
    if (!has_reneg_mp && v90_reneg_up_bps(s))
        fprintf(out, "%s MP let the analogue modem send %d bit/s upstream", s->v90_reneg_down_bps ? " and whose" : ", whose",
                v90_reneg_up_bps(s));
    if (renegotiations && s->v32_reneg_bps)
        fprintf(out, ", whose E named %d bit/s", s->v32_reneg_bps);
    for (int side = 2; side >= 1; side--)   /* INFOMARKS: a modem asking for what it missed */
        if (s->infomarks[side])
            fprintf(out, "; the %s sent INFOMARKS %zu time%s (error recovery)", side == 2 ? "answerer" : "caller",
                    s->infomarks[side], s->infomarks[side] == 1 ? "" : "s");
    if (s->cleared_down)   /* V.34 11.7, V.90 9.7 */
        fprintf(out, "; the modems cleared down at %.1f s (%s)", s->cleardown_s,
                s->cleardown_by == CLEARDOWN_BY_V90_CP   ? "a CP asking drn 0"
                : s->cleardown_by == CLEARDOWN_BY_V90_MP ? "the digital modem's MP asking 0 bit/s"
                : s->cleardown_by == CLEARDOWN_BY_V32_RATE ? "a rate signal naming no rate"
                                                         : "MPs asking 0 bit/s both ways");
    else if (s->data_seen)
        fprintf(out, "; %s at %.1f s", cut ? "the recording ends during data" : "the carrier stopped", s->data_end_s);
    else if (cut_in_startup)
        fprintf(out, "; the recording ends during the start-up's training at %.1f s", s->startup_end_s);
    print_echoes(out, s, 0);
    fprintf(out, ".\n");
}
