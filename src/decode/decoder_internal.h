/* Internal to the timeline decoder: the event queue with its pool of text buffers, and the
 * FSK lanes. */
#ifndef SQ_DECODER_INTERNAL_H
#define SQ_DECODER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "dsp/tone_rx.h"
#include "squeal/async.h"
#include "squeal/decoder.h"
#include "squeal/fsk.h"

#define SQ_EVENT_QUEUE 64
#define SQ_TEXT_BUFFERS 12
#define SQ_TEXT_CAPACITY (256u * 1024u)
#define SQ_FSK_LANES 4
#define SQ_RECENT_CHARS 8

/* Events wait here until polled. An FSK event's text lives in one of the pool's buffers,
 * which stays valid until the next poll. */
typedef struct sq_event_pool {
    sq_event events[SQ_EVENT_QUEUE];
    int event_buf[SQ_EVENT_QUEUE];
    size_t head, count;
    uint8_t *bufs[SQ_TEXT_BUFFERS];
    uint8_t busy[SQ_TEXT_BUFFERS];
    int lent;    /* buffer of the event handed out last, released at the next poll */
} sq_event_pool;

int sq_event_pool_init(sq_event_pool *p);
void sq_event_pool_free(sq_event_pool *p);
int sq_event_pool_has_room(const sq_event_pool *p, size_t events, size_t bufs);
int sq_event_pool_acquire(sq_event_pool *p);
void sq_event_pool_release(sq_event_pool *p, int buf);
/* Queues a copy of ev; buf (or -1) becomes its text. */
void sq_event_pool_queue(sq_event_pool *p, const sq_event *ev, int buf);
int sq_event_pool_next(sq_event_pool *p, sq_event *ev);

typedef struct sq_recent_char {
    sq_async_char c;
    float confidence;
} sq_recent_char;

/* One FSK channel being listened to: demodulator, start-stop receiver and the event that
 * its current carrier-on stretch is building. */
typedef struct sq_fsk_lane {
    const sq_fsk_params *params;
    sq_event_type type;
    int channel;
    int rival;                     /* lane whose band overlaps this one's */
    sq_fskdemod *demod;
    sq_async_rx *uart;
    double samples_per_bit;
    float char_conf_sum, char_space_conf_sum;
    double char_mark_power, char_space_power;
    int char_bits, char_space_bits;
    sq_recent_char recent[SQ_RECENT_CHARS];
    size_t recent_next;
    /* the open segment */
    int open;
    int buf;
    sq_event ev;
    size_t valid;
    double level_sum;
    size_t level_count;
    uint64_t last_carrier_sample;
    /* a closed segment waiting for its rival's to close, to keep the better of the two */
    int pending;
    sq_event pending_ev;
    int pending_buf;
    size_t pending_valid;
    /* V.8 on V.21 lanes: the run of identical sequences being received */
    sq_v8_rx *v8rx;
    int v8_run;                    /* sequences in the run (0: none) */
    sq_event v8_ev;
    int v8_seen;                   /* the open stretch carried V.8 */
    /* the last stretch this lane closed, to recognise a weaker lane's copy of it */
    double last_start_s, last_end_s, last_level_dbm0;
} sq_fsk_lane;

struct sq_decoder {
    sq_tonerx *tones;
    sq_fsk_lane lanes[SQ_FSK_LANES];
    sq_event_pool pool;
};

int sq_fsk_lanes_create(sq_decoder *d, const sq_async_format *format);
void sq_fsk_lanes_process(sq_decoder *d, const float *x, size_t n);
void sq_fsk_lanes_finish(sq_decoder *d);
/* 1 if FSK data whose band holds freq_hz overlaps [start_s, end_s]. */
int sq_fsk_lanes_cover(const sq_decoder *d, double freq_hz, double start_s, double end_s);
void sq_fsk_lanes_destroy(sq_decoder *d);

#endif
