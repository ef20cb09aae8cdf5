/* Short names and meanings of decoded events (event_labels.h): one row per event type. */
#include <stdio.h>
#include "src/plot/event_labels.h"

enum { BY_CHANNEL = -1 };   /* FSK and V.22: channel 1 is the caller's band, 2 the answerer's */

static const struct {
    int side;
    plot_family family;
    const char *label;      /* the channel, rate or frequency is added where it matters */
    const char *meaning;
} TYPES[SQ_EVENT_TYPE_COUNT] = {
    [SQ_EVENT_ANS] = { PLOT_ANSWERER, PLOT_ANSWER_TONE, "ANS", "answer tone, 2100 Hz (V.25)" },
    [SQ_EVENT_ANS_PR] = { PLOT_ANSWERER, PLOT_ANSWER_TONE, "ANS/", "answer tone, 2100 Hz, phase reversals every 450 ms (V.25)" },
    [SQ_EVENT_ANSAM] = { PLOT_ANSWERER, PLOT_ANSWER_TONE, "ANSam", "answer tone, 2100 Hz with 15 Hz AM (V.8)" },
    [SQ_EVENT_ANSAM_PR] = { PLOT_ANSWERER, PLOT_ANSWER_TONE, "ANSam/", "answer tone, 2100 Hz with 15 Hz AM and phase reversals (V.8)" },
    [SQ_EVENT_CT] = { PLOT_CALLER, PLOT_CALLING_TONE, "CT", "calling tone, 1300 Hz (V.25)" },
    [SQ_EVENT_CNG] = { PLOT_CALLER, PLOT_CALLING_TONE, "CNG", "fax calling tone, 1100 Hz (T.30)" },
    [SQ_EVENT_BELL_ANS] = { PLOT_ANSWERER, PLOT_ANSWER_TONE, "2225", "Bell answer tone, 2225 Hz" },
    [SQ_EVENT_GUARD] = { PLOT_ANSWERER, PLOT_ANSWER_TONE, "guard", "guard tone beside V.22 data" },
    [SQ_EVENT_V21] = { BY_CHANNEL, PLOT_FSK_DATA, "V.21", "V.21 FSK data" },
    [SQ_EVENT_BELL103] = { BY_CHANNEL, PLOT_FSK_DATA, "Bell 103", "Bell 103 FSK data" },
    [SQ_EVENT_CI] = { PLOT_CALLER, PLOT_V8, "CI", "V.8 call indicator" },
    [SQ_EVENT_CM] = { PLOT_CALLER, PLOT_V8, "CM", "V.8 call menu: the modes the caller offers" },
    [SQ_EVENT_JM] = { PLOT_ANSWERER, PLOT_V8, "JM", "V.8 joint menu: the modes both sides have" },
    [SQ_EVENT_CJ] = { PLOT_CALLER, PLOT_V8, "CJ", "V.8 CM terminator: the caller accepts JM" },
    [SQ_EVENT_USB1] = { PLOT_ANSWERER, PLOT_TRAINING, "USB1", "V.22 unscrambled binary 1s, the answerer's first training" },
    [SQ_EVENT_S1] = { BY_CHANNEL, PLOT_TRAINING, "S1", "V.22bis S1: asks for 2400 bit/s" },
    [SQ_EVENT_SB1] = { BY_CHANNEL, PLOT_TRAINING, "SB1", "scrambled binary 1s: training" },
    [SQ_EVENT_DATA] = { BY_CHANNEL, PLOT_QAM_DATA, "data", "V.22 / V.22bis data" },
    [SQ_EVENT_DTMF] = { PLOT_CALLER, PLOT_CALLING_TONE, "DTMF", "a number dialled in DTMF (Q.23)" },
    [SQ_EVENT_DIAL_TONE] = { PLOT_CALLER, PLOT_CALLING_TONE, "dial tone", "the exchange's dial tone" },
    [SQ_EVENT_RINGBACK] = { PLOT_CALLER, PLOT_CALLING_TONE, "ringing", "ringback: the far phone is ringing" },
    [SQ_EVENT_BUSY] = { PLOT_CALLER, PLOT_CALLING_TONE, "busy", "busy tone: the far line is engaged" },
    [SQ_EVENT_REORDER] = { PLOT_CALLER, PLOT_CALLING_TONE, "reorder", "reorder (congestion) tone: no route" },
    [SQ_EVENT_V8BIS_CRE] = { PLOT_ANSWERER, PLOT_V8, "CRe", "V.8bis capabilities request (answering station)" },
    [SQ_EVENT_V8BIS_MRE] = { PLOT_ANSWERER, PLOT_V8, "MRe", "V.8bis mode request (answering station)" },
    [SQ_EVENT_V8BIS_CRD] = { BY_CHANNEL, PLOT_V8, "CRd", "V.8bis capabilities request" },
    [SQ_EVENT_V8BIS_MRD] = { BY_CHANNEL, PLOT_V8, "MRd", "V.8bis mode request" },
    [SQ_EVENT_V8BIS_ESI] = { BY_CHANNEL, PLOT_V8, "ESi", "V.8bis escape: the initiating station's message follows" },
    [SQ_EVENT_V8BIS_ESR] = { BY_CHANNEL, PLOT_V8, "ESr", "V.8bis escape: the responding station's message follows" },
    [SQ_EVENT_TONE_A] = { BY_CHANNEL, PLOT_TRAINING, "A", "V.34 tone A, 2400 Hz with its 1800 Hz guard (phase 2)" },
    [SQ_EVENT_TONE_B] = { BY_CHANNEL, PLOT_TRAINING, "B", "V.34 tone B, 1200 Hz (phase 2)" },
    [SQ_EVENT_INFO0] = { BY_CHANNEL, PLOT_TRAINING, "INFO0", "V.34 INFO0: the modem's capabilities (phase 2)" },
    [SQ_EVENT_INFO1] = { BY_CHANNEL, PLOT_TRAINING, "INFO1", "V.34 INFO1: probing results and chosen symbol rates" },
    [SQ_EVENT_LINE_PROBE] = { BY_CHANNEL, PLOT_TRAINING, "L1/L2", "V.34 line probing: tones every 150 Hz (phase 2)" },
    [SQ_EVENT_INFOMARKS] = { BY_CHANNEL, PLOT_TRAINING, "IM", "V.34 INFOMARKS: DPSK 1s, the start-up's error recovery" },
    [SQ_EVENT_V8BIS_MSG] = { BY_CHANNEL, PLOT_V8, "V.8bis", "V.8bis message (HDLC on V.21)" },
    [SQ_EVENT_V32_AA] = { PLOT_CALLER, PLOT_TRAINING, "AA", "V.32 AA: the caller's 1800 Hz" },
    [SQ_EVENT_V32_AC] = { PLOT_ANSWERER, PLOT_TRAINING, "AC", "V.32 AC / CA: the answerer's 600 + 3000 Hz" },
    [SQ_EVENT_V32_S] = { BY_CHANNEL, PLOT_TRAINING, "S", "V.32 S: the start of a modem's training" },
    [SQ_EVENT_V32_DATA] = { BY_CHANNEL, PLOT_QAM_DATA, "V.32", "V.32 / V.32bis training (TRN, rate signals) then data" },
    [SQ_EVENT_V92_QC] = { BY_CHANNEL, PLOT_V8, "QC", "V.92 quick connect sequence (short phase 1)" },
    [SQ_EVENT_ANSPCM] = { PLOT_ANSWERER, PLOT_ANSWER_TONE, "ANSpcm", "V.92 ANSpcm: a digital modem's answer tone" },
    [SQ_EVENT_QTS] = { BY_CHANNEL, PLOT_ANSWER_TONE, "QTS", "V.92 QTS: the digital modem's 1333 Hz line, reversed, then ANSpcm" },
    [SQ_EVENT_TONEQ] = { PLOT_CALLER, PLOT_CALLING_TONE, "TONEq", "V.92 TONEq: the analogue modem heard ANSpcm" },
    [SQ_EVENT_V34_DATA] = { BY_CHANNEL, PLOT_QAM_DATA, "V.34", "V.34 training (phases 3 and 4) then data" },
    [SQ_EVENT_V90_DATA] = { BY_CHANNEL, PLOT_QAM_DATA, "V.90", "V.90 digital modem's training then data" },
    [SQ_EVENT_V34_S] = { BY_CHANNEL, PLOT_TRAINING, "S", "V.34 S: two points in turn, the start of phase 3 or 4, or of a rate renegotiation or cleardown" },
    [SQ_EVENT_V34_S_BAR] = { BY_CHANNEL, PLOT_TRAINING, "S-bar", "V.34 S-bar: S turned half a turn, the timing mark" },
    [SQ_EVENT_V34_PP] = { BY_CHANNEL, PLOT_TRAINING, "PP", "V.34 PP: the known sequence equalisers train on" },
    [SQ_EVENT_V34_TRN] = { BY_CHANNEL, PLOT_TRAINING, "TRN", "V.34 TRN: scrambled 1s, training" },
    [SQ_EVENT_V34_J] = { BY_CHANNEL, PLOT_TRAINING, "J", "V.34 J: the constellation wanted of the far end in phase 4" },
    [SQ_EVENT_V34_J_PRIME] = { BY_CHANNEL, PLOT_TRAINING, "J'", "V.34 J': the end of J" },
    [SQ_EVENT_V34_E] = { BY_CHANNEL, PLOT_TRAINING, "E", "V.34 E: the end of MP; data follows" },
    [SQ_EVENT_MP] = { BY_CHANNEL, PLOT_TRAINING, "MP", "V.34 MP: the modulation parameters" },
    [SQ_EVENT_V32_TRN] = { BY_CHANNEL, PLOT_TRAINING, "TRN", "V.32 TRN: scrambled 1s, training" },
    [SQ_EVENT_V32_RATE] = { BY_CHANNEL, PLOT_TRAINING, "R", "V.32 rate sequence: the rates a modem offers" },
    [SQ_EVENT_V32_E] = { BY_CHANNEL, PLOT_TRAINING, "E", "V.32 E: the rate chosen; data follows" },
    [SQ_EVENT_V90_SD] = { BY_CHANNEL, PLOT_TRAINING, "Sd", "V.90 Sd: the digital modem's 1333 Hz line, then reversed (phase 3)" },
    [SQ_EVENT_V90_TRN1D] = { BY_CHANNEL, PLOT_TRAINING, "TRN1d", "V.90 TRN1d, Jd, Jd': the digital modem's training and rates" },
    [SQ_EVENT_V90_DIL] = { BY_CHANNEL, PLOT_TRAINING, "DIL", "V.90 DIL: digital impairment learning, a sequence repeated" },
    [SQ_EVENT_V90_RI] = { BY_CHANNEL, PLOT_TRAINING, "Ri", "V.90 Ri: 1333 Hz then reversed, phase 4 begins (Rd: out of data, a rate renegotiation or cleardown)" },
    [SQ_EVENT_V90_SCR] = { BY_CHANNEL, PLOT_TRAINING, "SCR", "V.90 SCR: the analogue modem's scrambled 1s during DIL" },
    [SQ_EVENT_V90_JA] = { BY_CHANNEL, PLOT_TRAINING, "Ja", "V.90 Ja: the DIL the analogue modem asks for" },
    [SQ_EVENT_V90_CP] = { BY_CHANNEL, PLOT_TRAINING, "CP", "V.90 CP: the analogue modem's choice of downstream rate" },
    [SQ_EVENT_V90_JD] = { BY_CHANNEL, PLOT_TRAINING, "Jd", "V.90 Jd: the rates the digital modem can send" },
    [SQ_EVENT_V90_TRN2D] = { BY_CHANNEL, PLOT_TRAINING, "TRN2d", "V.90 TRN2d: the digital modem's training in CPt's codes" },
    [SQ_EVENT_V90_MP] = { BY_CHANNEL, PLOT_TRAINING, "MP", "V.90 MP: the upstream rate the digital modem allows" },
    [SQ_EVENT_WIDEBAND] = { BY_CHANNEL, PLOT_TRAINING, "?", "energy squeal could not identify (its band is in the timeline)" },
    [SQ_EVENT_ECHO] = { BY_CHANNEL, PLOT_TRAINING, "echo", "the other side's signal come back on this channel as an echo" },
};

static int known(const sq_event *ev)
{
    return (int)ev->type >= 0 && ev->type < SQ_EVENT_TYPE_COUNT && TYPES[ev->type].label;
}

plot_side plot_event_side(const sq_event *ev)
{
    if (known(ev) && TYPES[ev->type].side != BY_CHANNEL)
        return (plot_side)TYPES[ev->type].side;
    return ev->fsk_channel == 2 ? PLOT_ANSWERER : PLOT_CALLER;
}

int plot_event_by_band(sq_event_type t)
{
    return t == SQ_EVENT_TONE_A || t == SQ_EVENT_TONE_B || t == SQ_EVENT_INFO0 || t == SQ_EVENT_INFO1 ||
           t == SQ_EVENT_LINE_PROBE || t == SQ_EVENT_V34_DATA || t == SQ_EVENT_V90_DATA || t == SQ_EVENT_MP ||
           t == SQ_EVENT_INFOMARKS || (t >= SQ_EVENT_V34_S && t <= SQ_EVENT_V34_E) || (t >= SQ_EVENT_V90_SD && t <= SQ_EVENT_V90_CP) ||
           t == SQ_EVENT_V90_JD || t == SQ_EVENT_V90_TRN2D || t == SQ_EVENT_V90_MP;
}

plot_family plot_event_family(const sq_event *ev)
{
    return known(ev) ? TYPES[ev->type].family : PLOT_ANSWER_TONE;
}

void plot_event_label(const sq_event *ev, char *buf, size_t len)
{
    if (!known(ev))
        snprintf(buf, len, "%s", sq_event_type_to_str(ev->type));
    else if (ev->type == SQ_EVENT_GUARD)
        snprintf(buf, len, "guard %.0f", ev->freq_hz);
    else if (ev->type == SQ_EVENT_V21)
        snprintf(buf, len, "V.21 ch%d", ev->fsk_channel);
    else if (ev->type == SQ_EVENT_BELL103)
        snprintf(buf, len, "Bell 103 %s", ev->fsk_channel == 2 ? "ans" : "orig");
    else if (ev->type == SQ_EVENT_V34_TRN)
        snprintf(buf, len, "TRN %d", ev->points);
    else if (ev->type == SQ_EVENT_V90_RI && ev->renegotiation)   /* R out of data (V.90 9.6.1) */
        snprintf(buf, len, "Rd");
    else if (ev->type == SQ_EVENT_MP || ev->type == SQ_EVENT_V90_MP)
        snprintf(buf, len, "MP%s", ev->mp.acknowledge ? "'" : "");
    else if (ev->type == SQ_EVENT_V32_RATE)
        snprintf(buf, len, "R%d", ev->info_kind);
    else if (ev->type == SQ_EVENT_V32_E)
        snprintf(buf, len, "E %d", ev->rate);
    else if (ev->type == SQ_EVENT_SB1 || ev->type == SQ_EVENT_DATA)
        snprintf(buf, len, "%s %d", TYPES[ev->type].label, ev->rate);
    else if (ev->type == SQ_EVENT_INFO0 || ev->type == SQ_EVENT_INFO1)
        snprintf(buf, len, "INFO%s%s", sq_info_kind_to_str((sq_info_kind)ev->info_kind) + 4, ev->crc_ok ? "" : "?");
    else if (ev->type == SQ_EVENT_V8BIS_MSG && ev->v8.n_octets)
        snprintf(buf, len, "%s", sq_v8bis_msg_type_to_str(sq_v8bis_msg_type_of(ev->v8.octets[0])));
    else if (ev->type == SQ_EVENT_DTMF && ev->data)
        snprintf(buf, len, "%s %.*s", TYPES[ev->type].label, (int)(ev->data_len < 24 ? ev->data_len : 24), (const char *)ev->data);
    else
        snprintf(buf, len, "%s", TYPES[ev->type].label);
}

void plot_event_meaning(const sq_event *ev, char *buf, size_t len)
{
    if (!known(ev))
        snprintf(buf, len, "%s", sq_event_type_to_str(ev->type));
    else if (ev->type == SQ_EVENT_GUARD)
        snprintf(buf, len, "%s (%.0f Hz)", TYPES[ev->type].meaning, ev->freq_hz);
    else if (ev->type == SQ_EVENT_V21 || ev->type == SQ_EVENT_BELL103)
        snprintf(buf, len, "%s, %s band", TYPES[ev->type].meaning, ev->fsk_channel == 2 ? "answerer's" : "caller's");
    else if (ev->type == SQ_EVENT_V34_DATA && ev->symbol_rate > 0.0 && ev->rate)
        snprintf(buf, len, "V.34 data after E: %.0f baud, %d bit/s (as the MPs settled it)", ev->symbol_rate, ev->rate);
    else if (ev->type == SQ_EVENT_V34_DATA && ev->symbol_rate > 0.0)
        snprintf(buf, len, "V.34 data after E: %.0f baud", ev->symbol_rate);
    else if (ev->type == SQ_EVENT_V34_TRN)
        snprintf(buf, len, "%s, %d points at %.0f baud", TYPES[ev->type].meaning, ev->points, ev->symbol_rate);
    else if (ev->type == SQ_EVENT_V90_DIL)
        snprintf(buf, len, "%s (lines %.0f Hz apart)", TYPES[ev->type].meaning, ev->freq_hz);
    else if (ev->type == SQ_EVENT_MP)
        snprintf(buf, len, "%s%s, up to %d bit/s up, %d down", TYPES[ev->type].meaning,
                 ev->mp.acknowledge ? " (MP': the far MP heard)" : "", 2400 * ev->mp.rate_call_to_answer,
                 2400 * ev->mp.rate_answer_to_call);
    else if (ev->type == SQ_EVENT_SB1 || ev->type == SQ_EVENT_DATA)
        snprintf(buf, len, "%s at %d bit/s", TYPES[ev->type].meaning, ev->rate);
    else if (ev->type == SQ_EVENT_INFO0 || ev->type == SQ_EVENT_INFO1)
        snprintf(buf, len, "%s, %s%s", TYPES[ev->type].meaning, sq_info_kind_to_str((sq_info_kind)ev->info_kind),
                 ev->crc_ok ? "" : " (CRC failed)");
    else
        snprintf(buf, len, "%s", TYPES[ev->type].meaning);
}
