/* squeal: timeline decoder.
 *
 * Takes one channel of line audio at 8 kHz and reports what it hears as events with a
 * start and end time: answer and calling tones (with frequency, level, 15 Hz AM rate and
 * depth, and the time of each phase reversal) and FSK data (V.21 channels 1 and 2, Bell 103
 * originate and answer) with the characters it carried. Push samples, then poll events
 * until SQ_EAGAIN; call sq_decoder_finish() at the end of input to close open events.
 * Events come out in the order they end. Processing never allocates. */
#ifndef SQUEAL_DECODER_H
#define SQUEAL_DECODER_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/async.h"
#include "squeal/export.h"
#include "squeal/v8.h"
#include "squeal/v34_info.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sq_event_type {
    SQ_EVENT_ANS = 0,      /* 2100 Hz, no AM, no reversals */
    SQ_EVENT_ANS_PR,       /* 2100 Hz with phase reversals */
    SQ_EVENT_ANSAM,        /* 2100 Hz with 15 Hz AM */
    SQ_EVENT_ANSAM_PR,     /* ANSam with phase reversals */
    SQ_EVENT_CT,           /* 1300 Hz calling tone burst */
    SQ_EVENT_CNG,          /* 1100 Hz fax calling tone burst */
    SQ_EVENT_BELL_ANS,     /* 2225 Hz */
    SQ_EVENT_GUARD,        /* 550 or 1800 Hz guard tone */
    SQ_EVENT_V21,          /* V.21 FSK data; fsk_channel 1 or 2 */
    SQ_EVENT_BELL103,      /* Bell 103 FSK data; fsk_channel 1 = originate, 2 = answer */
    SQ_EVENT_CI,           /* V.8 call indicator (v8 holds it) */
    SQ_EVENT_CM,           /* V.8 call menu: identical sequences from start to end */
    SQ_EVENT_JM,           /* V.8 joint menu */
    SQ_EVENT_CJ,           /* V.8 CM terminator */
    SQ_EVENT_USB1,         /* V.22 answerer's unscrambled 1s; fsk_channel 2 (2400 Hz carrier) */
    SQ_EVENT_S1,           /* V.22bis S1: a 2400 bit/s request; fsk_channel 1 or 2 */
    SQ_EVENT_SB1,          /* scrambled 1s from the end of S1 (or of USB1) to data; rate */
    SQ_EVENT_DATA,         /* V.22 / V.22bis data: rate, and the start-stop characters in data */
    SQ_EVENT_DTMF,         /* a number dialled in DTMF: the digits in data, the low group's
                            * level in level_dbm0; digits less than 1.5 s apart are one event */
    SQ_EVENT_DIAL_TONE,    /* call progress (squeal/progress.h): freq_hz, freq2_hz, cadence */
    SQ_EVENT_RINGBACK,
    SQ_EVENT_BUSY,
    SQ_EVENT_REORDER,
    SQ_EVENT_V8BIS_CRE,    /* V.8bis signals (7.1): segment 1's dual tone, then segment 2's tone */
    SQ_EVENT_V8BIS_MRE,    /* (freq_hz; fsk_channel 1: the initiating pair 1375 + 2002 Hz, */
    SQ_EVENT_V8BIS_CRD,    /*  2: the responding pair 1529 + 2225 Hz; on_s: segment 1's length) */
    SQ_EVENT_V8BIS_MRD,
    SQ_EVENT_V8BIS_ESI,
    SQ_EVENT_V8BIS_ESR,
    SQ_EVENT_TONE_A,       /* V.34 phase 2 (10.1.2.1-2): tone A, 2400 Hz with its 1800 Hz guard
                            * (fsk_channel 2), tone B, 1200 Hz (fsk_channel 1); reversals timed */
    SQ_EVENT_TONE_B,
    SQ_EVENT_INFO0,        /* V.34 / V.90 INFO sequences (squeal/v34_info.h): info_kind, */
    SQ_EVENT_INFO1,        /*  info_bits, crc_ok; fsk_channel 2 on 2400 Hz, 1 on 1200 Hz */
    SQ_EVENT_LINE_PROBE,   /* V.34 L1 then L2 (10.1.2.4): on_s is L1's length, 0 if not seen;
                            * the line it measured: sq_line_probe_response and snr_db */
    SQ_EVENT_V34_DATA,     /* what a modem sends after its own INFO1 until it stops or retrains:
                            * V.34 phases 3 and 4 (training) then data; from the end of E when
                            * phase 4 was read (the v34_* events), with symbol_rate and freq_hz */
    SQ_EVENT_V90_DATA,     /* the same from a V.90 digital modem (its INFO0 was an INFO0d) */
    SQ_EVENT_V8BIS_MSG,    /* a V.8bis message (squeal/v8bis.h): an HDLC frame on V.21 with a good
                            * FCS; v8.octets holds its first SQ_V8_MAX_OCTETS octets (FCS
                            * removed), v8.n_octets their count; fsk_channel 1 from the
                            * initiating station, 2 from the responding one */
    SQ_EVENT_V32_AA,       /* V.32 / V.32bis (5.2): AA, the caller's 1800 Hz (then CC, reversed) */
    SQ_EVENT_V32_AC,       /* AC / CA, the answerer's 600 + 3000 Hz (freq_hz, freq2_hz) */
    SQ_EVENT_V32_S,        /* S: 600, 1800 and 3000 Hz, before each modem's training */
    SQ_EVENT_V32_DATA,     /* what follows S: TRN, the rate signals, then data, not told apart */
    SQ_EVENT_V92_QC,       /* V.92 short phase 1 (8.2, 8.3): QC1a/d or QCA1a/d on V.21, the
                            * sync 0x55 and the information octet twice; v8.octets[0] holds it
                            * (n_octets 1). Or QC2a/d, QCA2a/d, a V.8bis frame: v8.octets holds
                            * its two-octet identification field, n_octets 2 (API 2.19) */
    SQ_EVENT_ANSPCM,       /* V.92 8.3.1: a digital modem's ANSpcm, 2100 Hz without AM and with
                            * reversals every 451.5 ms, heard just after its QC sequence or
                            * right after a QTS-bar */
    SQ_EVENT_TONEQ,        /* V.92 8.2.5: the analogue modem's 980 Hz, after a CM cut short */
    SQ_EVENT_V34_S,        /* V.34 phases 3 and 4 (10.1.3), each heard by a receiver that trains
                            * on them: symbol_rate and freq_hz (the carrier) the modem uses; */
    SQ_EVENT_V34_S_BAR,    /*  S and S-bar, */
    SQ_EVENT_V34_PP,       /*  PP (phase 3), */
    SQ_EVENT_V34_TRN,      /*  TRN (points: 4 or 16; snr_db the symbols' SNR at its end), */
    SQ_EVENT_V34_J,        /*  J (points: the constellation it asks of the far end), */
    SQ_EVENT_V34_J_PRIME,  /*  J', */
    SQ_EVENT_V34_E,        /*  E, which ends MP; data follows */
    SQ_EVENT_MP,           /* V.34 MP or MP' sequences, identical ones in a row as one event
                            * (repeats): the modulation parameters in mp, crc_ok always 1 */
    SQ_EVENT_V32_TRN,      /* V.32 / V.32bis (5.2, 5.3), read by the same receiver: TRN (snr_db), */
    SQ_EVENT_V32_RATE,     /*  a rate sequence R1, R2 or R3 (info_kind 1..3; its 16 bits at
                            *  info_bits[0..1], bit 0 first; repeats), or in a rate
                            *  renegotiation (V.32bis 8) R4 or R5, info_kind 4 (one channel
                            *  cannot tell them apart: squeal decode names the later one 5;
                            *  API 2.22); no rate in it asks for cleardown */
    SQ_EVENT_V32_E,        /*  E, with the one rate it names in rate (bit/s); data follows */
    SQ_EVENT_V90_SD,       /* a V.90 digital modem's phase 3 (V.90 8.4) as heard, named by shape:
                            * Sd and S-bar d, its 1333 Hz line (freq_hz) and the reversal, */
    SQ_EVENT_V90_TRN1D,    /*  TRN1d (snr_db: its signs' fit, where Jd was read: API 2.16;
                            *  else TRN1d, Jd and Jd' not told apart), */
    SQ_EVENT_V90_DIL,      /*  DIL, a sequence repeated exactly: on_s its period, freq_hz the
                            *  spacing of its lines (1 / on_s); */
    SQ_EVENT_V90_RI,       /*  and phase 4's Ri and R-bar i (8.6.4): the line and reversal;
                            *  v90_data (TRN2d, MP, Ed, B1d, data) follows, or v90_trn2d */
    SQ_EVENT_V90_SCR,      /* a V.90 analogue modem's SCR (9.3.2.9): its scrambled 1s, 4 points,
                            * while the digital modem sends DIL (points, snr_db as v34_trn) */
    SQ_EVENT_V90_JA,       /* a V.90 analogue modem's Ja after its TRN (8.3.1): the DIL descriptor,
                            * its CRC checked, repeats; info_bits as sq_v90_ja_fields names
                            * them (API 2.4) */
    SQ_EVENT_V90_CP,       /* its CPt, CP or CP' in phase 4 (8.5.2), CRC checked, repeats;
                            * info_bits hold it (sq_v90_cp_unpack), rate the downstream data
                            * rate it names (API 2.4); v34_e follows CP' */
    SQ_EVENT_WIDEBAND,     /* energy inside a call that nothing else names: a signal squeal
                            * does not know, or one it lost track of. freq_hz to freq2_hz is
                            * the band holding 95% of its power (API 2.5) */
    SQ_EVENT_ECHO,         /* a stretch of one channel of a two-channel recording that is the
                            * other channel's echo (squeal decode's echo canceller tells it;
                            * the decoder, which hears one channel, never does): fsk_channel
                            * the channel echoed, level_dbm0 its level (API 2.6) */
    SQ_EVENT_INFOMARKS,    /* V.34 INFOMARKS (10.1.2.3.6), a modem's start-up error recovery:
                            * its DPSK carrier fed 1s, a half turn every symbol; fsk_channel 1
                            * (INFOMARKSc, 1200 Hz) or 2 (INFOMARKSa, 2400 Hz), freq_hz the
                            * carrier as heard (API 2.12) */
    SQ_EVENT_V90_JD,       /* a V.90 digital modem's Jd (8.4.2) read from its PCM symbols'
                            * signs, to Jd' and DIL: info_bits its 72 bits, bit 0 first (the
                            * rates it can send, CP's constellations, its lookahead); crc_ok,
                            * repeats (API 2.16) */
    SQ_EVENT_V90_TRN2D,    /* a V.90 digital modem's TRN2d (8.6.5), read from its PCM codes in the
                            * constellations of the analogue modem's CPt (sq_decoder_far_cp):
                            * snr_db the equaliser's fit to its codes; */
    SQ_EVENT_V90_MP,       /*  its MP or MP' sequences (8.6.3, Table 16), CRC checked, identical
                            *  ones in a row as one event (repeats): mp holds it as V.34's MP is
                            *  laid out (Table 16 keeps its places: type, trellis, nonlinear,
                            *  shaping, acknowledge, rate_mask, precoder; rate_call_to_answer 0),
                            *  rate the highest rate the analogue modem may send (bits 24:27, in
                            *  mp.rate_answer_to_call's place), bit/s; v90_data follows the last
                            *  MP', Ed and B1d its start (API 2.18) */
    SQ_EVENT_QTS,          /* V.92's QTS and QTS-bar (8.3.6), a digital modem's 1333 Hz line
                            * after its QC sequence, reversed for its last 6 ms: freq_hz,
                            * level_dbm0, the reversal in reversals_s[0]; ANSpcm follows (API 2.19) */
    SQ_EVENT_TYPE_COUNT
} sq_event_type;

#define SQ_EVENT_MAX_REVERSALS 32

typedef struct sq_event {
    sq_event_type type;
    double start_s;
    double end_s;
    double freq_hz;         /* tones: measured frequency */
    double level_dbm0;      /* mean level while present */
    double am_hz;           /* 2100 Hz tones: strongest envelope modulation, 0 if none */
    double am_depth;        /* its depth m (ANSam nominal 0.2) */
    size_t n_reversals;     /* phase reversals seen (only the first SQ_EVENT_MAX_REVERSALS timed) */
    double reversals_s[SQ_EVENT_MAX_REVERSALS];
    int fsk_channel;        /* FSK and V.22 events: 1 or 2 (the caller's or the answerer's band) */
    int rate;               /* sb1 and data events: bit/s (600 baud: 1200 or 2400) */
    double snr_db;          /* data events: mean symbol SNR the receiver measured (V.34's:
                             * sq_decoder_far_mp; 16-QAM
                             * needs about 20 dB for clean data, 4-point about 13 dB). V.21
                             * and Bell 103 events: their bits' decision SNR, the square of
                             * the mean |mark - space| / (mark + space) (in power) over its
                             * variance
                             * (white noise at 10 dB over 0-4 kHz gives about 22 dB, 0 dB
                             * 12; under 10 dB one character in seven or more is wrong;
                             * API 2.9) */
    const uint8_t *data;    /* FSK and data events: the characters received; valid until the next call */
    size_t data_len;
    size_t char_errors;     /* FSK events: characters dropped for framing or parity errors */
    size_t framing_mismatches;  /* FSK events: of those, characters whose bits were clear but
                             * did not fit the framing asked for (other --data-bits, --parity
                             * or --stop-bits would read them) */
    size_t lapm_frames;     /* data events: V.42 LAPM I frames with a good FCS. Once any LAPM
                             * frame is found, data holds the characters from before the first
                             * flag (V.42's detection pattern, say), then the information octets
                             * of the I frames, each frame once and in order */
    sq_v8_msg v8;           /* V.8 events: the message */
    size_t repeats;         /* V.8 events: identical sequences received in a row */
    /* call-progress events: the plan's tones heard (freq_hz and freq2_hz, 0 for a single
     * tone; level_dbm0 is each tone's), the bursts and their mean on and off times */
    double freq2_hz;
    size_t bursts;
    double on_s, off_s;
    /* INFO events: the frame as received from its first fill bit through its CRC (the closing
     * fill is not kept), bit i of its table at info_bits[i / 8] bit i % 8 (sq_info_fields
     * names them), its kind (sq_info_kind) and whether its CRC checked */
    uint8_t info_bits[14];
    uint8_t info_kind;
    uint8_t crc_ok;
    double symbol_rate;     /* V.34 phase 3 and 4 events, and v34_data after them: symbols/s */
    sq_v34_mp mp;           /* mp events */
    uint8_t points;         /* v34_trn and v34_j events: 4 or 16 */
    uint8_t pcm_analogue;   /* INFO events: the modem said in V.8 (CM, JM) or V.92's QC that it
                             * is a V.90 / V.92 analogue modem: its INFO0a is V.92's (bits 26
                             * and 27 V.92's, not V.34's transmit clock; sq_info_fields_pcm) */
    uint8_t training_inside; /* v34_data, v90_data and v32_data events: 1 when the event
                             * starts before the data does, with the modem's start-up
                             * training (phases 3 and 4; V.90's Sd to Ri; V.32's TRN and rate
                             * signals) inside it, because where the data begins (after E,
                             * or Ri) was not read: both modems on one channel, say (API
                             * 2.13) */
    uint8_t renegotiation;  /* v34_s events: 1 for a rate renegotiation's S, sent straight
                             * out of V.34 data (V.34 11.6); its S-bar, TRN, MP and E follow,
                             * then the data at the rates they settled (API 2.20); v90_ri
                             * events, a V.90 digital modem's Rd out of data (API 2.21);
                             * v32_aa and v32_ac events, a V.32bis renegotiation's preamble
                             * out of data (V.32bis 8), R4 or R5 and E following (API 2.22) */
    uint8_t retrain;        /* v32_aa and v32_ac events: 1 for a V.32bis retrain's tone, out of
                             * data (V.32bis 7: the caller's AA, or the answerer's AC and CA,
                             * for 128 T or more), a whole start-up following (API 2.23) */
    /* room for fields to come without changing the struct's size (version.h) */
    uint8_t reserved[11];
} sq_event;

/* The rates a V.32 rate sequence or E enables (v32_rate, v32_e: its 16 bits, bit 0 first in
 * time, as info_bits[0] | info_bits[1] << 8): bit i set for 2400 * (i + 1) bit/s (4800, 7200,
 * 9600, 12000 and 14400 are bits 1 to 5; V.32bis Table 5). */
SQ_API unsigned sq_v32_rates_of_bits(unsigned bits);

/* "ans", "ans_pr", ..., "v21", "bell103". */
SQ_API const char *sq_event_type_to_str(sq_event_type t);

/* Whether a V.22 / V.22bis data event's bytes mean anything: 0 when its symbol SNR is under
 * the level at which the decisions are mostly guesses (16 points: 14 dB, a symbol error in a
 * few percent; 4 points: 8 dB). (API 2.7) The same for V.21 and Bell 103 events, whose
 * snr_db is their bits' decision SNR: 0 under 7 dB, where about half the characters are
 * wrong (API 2.9). 1 for every other event. */
SQ_API int sq_event_readable(const sq_event *ev);

/* V.34 line probing's tones (10.1.2.4, Table 17): every 150 Hz from 150 to 3750 Hz, without
 * 900, 1200, 1800 and 2400 Hz. */
#define SQ_LINE_PROBE_TONES 21

/* What a line_probe event measured of the line (API 2.8). The sender sends the tones at one
 * level, so their levels as L2 arrived are the line's response, as far as the recording
 * heard it: for each tone, its frequency in hz[i] and its level in db[i], in dB against the
 * tones' mean (to 0.5 dB, within -64..+63.5). Returns SQ_LINE_PROBE_TONES, or 0 for another
 * event or an L2 too short to measure (under 140 ms). The event's snr_db is then the
 * band's: the tones' power against the noise the bins between them hold, over 150-3750 Hz. */
SQ_API size_t sq_line_probe_response(const sq_event *ev, double *hz, double *db);

typedef struct sq_decoder_settings {
    sq_async_format format;   /* character framing for FSK data, default 8N1 */
    /* 1: the audio holds both modems of a call, as a one-channel recording of a whole call
     * does, so a phase-2 frame from either side is that side's own, not the other's echo
     * (each side's phases 3 and 4 are then read after its INFO1). 0, the default: one
     * modem, the far one heard only as its echo, as on each channel of a recording with one
     * direction per channel. (API 2.11) */
    uint8_t both_sides;
    /* room for settings to come without changing the struct's size (version.h): leave it
     * zero, as the default settings do */
    uint8_t reserved[31];
} sq_decoder_settings;

SQ_API void sq_decoder_default_settings(sq_decoder_settings *s);

typedef struct sq_decoder sq_decoder;

/* Decoders are independent of each other: several may be created, fed and destroyed in
 * different threads at once, each used by one thread at a time. */
SQ_API SQ_NODISCARD int sq_decoder_create(const sq_decoder_settings *s, sq_decoder **out);
/* Consumes 8 kHz samples; returns how many were taken. It stops early only when its event
 * queue is full: poll events, then push the rest. Samples are decoded in whole 20 ms chunks
 * (a part chunk waits for the next push, or for sq_decoder_finish), so the events do not
 * depend on how the input is cut into pushes. An offset from zero in the input is taken out
 * first (a 5 Hz high-pass); samples that are exactly 0 stay so. */
SQ_API size_t sq_decoder_push(sq_decoder *d, const float *x, size_t n);
/* Seconds before which no event still to come can start: every event not yet returned by
 * sq_decoder_next_event starts at or after it. A caller that prints a timeline as it goes
 * prints, in order of start, the events that ended before it. */
SQ_API double sq_decoder_horizon_s(const sq_decoder *d);
/* SQ_OK and fills *ev, or SQ_EAGAIN when no event is ready. */
SQ_API int sq_decoder_next_event(sq_decoder *d, sq_event *ev);
/* End of input: close whatever is still open; then poll the remaining events. */
SQ_API void sq_decoder_finish(sq_decoder *d);
SQ_API void sq_decoder_destroy(sq_decoder *d);

/* An mp event the other channel's decoder gave, for a recording with one direction per
 * channel (squeal decode passes each channel's on to the other's decoder): the far end's MP
 * names this channel's transmitter's precoder coefficients and non-linear encoder (V.34
 * 9.6.2, 9.7). With them the V.34 data after this channel's E is sliced on its grid, and its
 * symbol SNR is the v34_data event's snr_db (the first 0.6 s of data, kept until this
 * comes; no SNR where the slicer's errors show no grid). Other events are ignored. (API
 * 2.14) */
SQ_API void sq_decoder_far_mp(sq_decoder *d, const sq_event *mp);
/* The same for a V.90 call: a v90_mp event of the other channel names how this channel's
 * analogue modem precodes its upstream data, as an mp event does (API 2.18). And the last
 * CPt and CP of a V.90 analogue modem that `far`, the other channel's decoder, has read
 * (nothing when it has read none): CPt's constellations are those this channel's digital
 * modem sends TRN2d and MP in, and with them they are read (v90_trn2d, v90_mp events); CP's,
 * those of its data, whose symbol SNR v90_data then carries. squeal decode passes them on
 * whenever the other channel gives a v90_cp event. (API 2.18) */
SQ_API void sq_decoder_far_cp(sq_decoder *d, const sq_decoder *far);

/* A QAM symbol received in V.22 / V.22bis data, for a picture of the constellation: the
 * equalised symbol and the point it was decided as, on the points' own scale (V.22bis's
 * 16 points at +-1 and +-3 on each axis; V.22's 4 points have the same mean power, 10). */
typedef struct sq_decoder_symbol {
    double t_s;             /* the symbol's centre */
    int fsk_channel;        /* 1: the caller's carrier (1200 Hz), 2: the answerer's (2400 Hz) */
    int rate;               /* 1200 or 2400 bit/s */
    float re, im;           /* as received, after the equaliser */
    float point_re, point_im;   /* the point decided */
} sq_decoder_symbol;
typedef void (*sq_decoder_symbol_fn)(void *user, const sq_decoder_symbol *sym);
/* Hands every symbol of V.22 / V.22bis data to fn as it is decoded (NULL: stop). */
SQ_API void sq_decoder_set_symbol_tap(sq_decoder *d, sq_decoder_symbol_fn fn, void *user);

/* A bit an FSK lane decided (V.21 or Bell 103, V.8 included), for a picture of the
 * demodulator's decision variable: (|mark|^2 - |space|^2) / (|mark|^2 + |space|^2) at the
 * decision instant, +1 a clean mark, -1 a clean space. Only bits with energy in the band. */
typedef struct sq_decoder_fsk_bit {
    double t_s;             /* the end of the bit */
    sq_event_type type;     /* SQ_EVENT_V21 or SQ_EVENT_BELL103: which lane */
    int fsk_channel;        /* 1 or 2 */
    int bit;
    float confidence;
} sq_decoder_fsk_bit;
typedef void (*sq_decoder_fsk_bit_fn)(void *user, const sq_decoder_fsk_bit *bit);
SQ_API void sq_decoder_set_fsk_bit_tap(sq_decoder *d, sq_decoder_fsk_bit_fn fn, void *user);

#ifdef __cplusplus
}
#endif

#endif
