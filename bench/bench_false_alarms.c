/* Benchmark: no false handshake. Streams hours of speech-like signals, music-like chords and
 * white noise (seeded) through the timeline decoder and through V.8 sessions that listen
 * for a partner, and counts what they mistook for modem signals: decoder events of every
 * type (cm, jm and the answer tones above all), a calling session that "hears" ANSam or ANS,
 * an answering session that accepts a CM. Each session starts again when it gives up.
 * Usage: bench_false_alarms [minutes per kind, default 60]
 * With BENCH_FALSE_ALARMS_SHOW set to an event type ("cng"), or "all", each such event is
 * printed with its time, to look at what set it off; BENCH_FALSE_ALARMS_SEED (default 4242)
 * gives other hours of the same kinds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "src/sim/interference.h"
#include "squeal/squeal.h"

#define BLOCK 800

typedef enum kind { KIND_SPEECH = 0, KIND_MUSIC, KIND_WHITE_LOUD, KIND_WHITE_QUIET, KIND_COUNT } kind;
static const char *const KIND_NAME[] = { "speech-like", "music-like", "white noise -10 dBm0",
                                         "white noise -40 dBm0" };

typedef struct source {
    kind k;
    speech_like speech;
    music_like music;
    sq_noise *white;
    double rms;
} source;

static int source_init(source *s, kind k, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    s->k = k;
    if (k == KIND_SPEECH)
        return speech_like_init(&s->speech, seed);
    if (k == KIND_MUSIC)
        return music_like_init(&s->music, seed);
    s->rms = sq_noise_rms_for_snr(k == KIND_WHITE_LOUD ? -10.0 : -40.0, 0.0);
    return sq_noise_create(seed, &s->white) == SQ_OK ? 0 : -1;
}

static void source_fill(source *s, float *x, size_t n)
{
    if (s->k == KIND_SPEECH)
        speech_like_fill(&s->speech, x, n);
    else if (s->k == KIND_MUSIC)
        music_like_fill(&s->music, x, n);
    else
        for (size_t i = 0; i < n; i++)
            x[i] = (float)(s->rms * sq_noise_gauss(s->white));
}

static void source_free(source *s)
{
    speech_like_free(&s->speech);
    music_like_free(&s->music);
    sq_noise_destroy(s->white);
}

typedef struct tally {
    size_t events[SQ_EVENT_TYPE_COUNT];
    size_t caller_false_tone, answerer_false_cm, caller_runs, answerer_runs;
} tally;

/* A listening session; when it ends, judge it and start a new one. */
static int renew(sq_v8_session **s, sq_role role, tally *t)
{
    if (*s) {
        const sq_v8_result *r = sq_v8_session_status_get(*s);
        if (r->outcome == SQ_V8_RUNNING)
            return 0;
        if (role == SQ_ROLE_CALLER) {
            t->caller_runs++;
            if (strcmp(r->reason, "no answer tone") != 0)
                t->caller_false_tone++;
        } else {
            t->answerer_runs++;
            if (r->offered)
                t->answerer_false_cm++;
        }
        sq_v8_session_destroy(*s);
        *s = NULL;
    }
    sq_v8_settings set;
    sq_v8_default_settings(role, &set);
    return sq_v8_session_create(&set, s) == SQ_OK ? 0 : -1;
}

static void count(tally *t, kind k, const sq_event *ev)
{
    t->events[ev->type]++;
    const char *show = getenv("BENCH_FALSE_ALARMS_SHOW");
    if (show && (strcmp(show, sq_event_type_to_str(ev->type)) == 0 || strcmp(show, "all") == 0)) {
        printf("  %s: %s %.3f-%.3f s, %.1f Hz, %.1f dBm0, SNR %.1f dB", KIND_NAME[k], sq_event_type_to_str(ev->type),
               ev->start_s, ev->end_s,
               ev->freq_hz, ev->level_dbm0, ev->snr_db);
        if (ev->data_len) {   /* what it read, as hex */
            printf(", %zu bytes:", ev->data_len);
            for (size_t i = 0; i < ev->data_len && i < 16; i++)
                printf(" %02x", ev->data[i]);
        }
        printf("\n");
    }
}

/* The signals' seeds: 4242 and up, or from BENCH_FALSE_ALARMS_SEED, to try other hours of
 * the same kinds. */
static uint64_t seed_base(void)
{
    const char *s = getenv("BENCH_FALSE_ALARMS_SEED");
    return s && *s ? strtoull(s, NULL, 10) : 4242u;
}

static int run_kind(kind k, double minutes, tally *t, double *cpu_s)
{
    source src;
    sq_decoder_settings ds;
    sq_decoder_default_settings(&ds);
    ds.both_sides = 1;   /* one channel of audio: as squeal decode reads a one-channel file */
    sq_decoder *d = NULL;
    sq_v8_session *caller = NULL, *answerer = NULL;
    if (source_init(&src, k, seed_base() + (uint64_t)k) != 0 || sq_decoder_create(&ds, &d) != SQ_OK)
        return -1;
    float x[BLOCK], tx[BLOCK];
    size_t total = (size_t)(minutes * 60.0 * 8000.0);
    clock_t c0 = clock();
    for (size_t done = 0; done < total; done += BLOCK) {
        source_fill(&src, x, BLOCK);
        for (size_t i = 0; i < BLOCK;) {
            i += sq_decoder_push(d, x + i, BLOCK - i);
            sq_event ev;
            while (sq_decoder_next_event(d, &ev) == SQ_OK)
                count(t, k, &ev);
        }
        if (renew(&caller, SQ_ROLE_CALLER, t) != 0 || renew(&answerer, SQ_ROLE_ANSWERER, t) != 0)
            return -1;
        sq_v8_session_process(caller, x, tx, BLOCK);
        sq_v8_session_process(answerer, x, tx, BLOCK);
    }
    sq_decoder_finish(d);
    sq_event ev;
    while (sq_decoder_next_event(d, &ev) == SQ_OK)
        count(t, k, &ev);
    *cpu_s = (double)(clock() - c0) / CLOCKS_PER_SEC;
    sq_decoder_destroy(d);
    sq_v8_session_destroy(caller);
    sq_v8_session_destroy(answerer);
    source_free(&src);
    return 0;
}

int main(int argc, char **argv)
{
    double minutes = argc > 1 ? atof(argv[1]) : 60.0;
    if (!(minutes > 0.0 && minutes <= 24 * 60.0)) {
        fprintf(stderr, "bench_false_alarms: minutes per kind must be in (0, 1440]\n");
        return 2;
    }
    printf("False alarms over %.0f min of each signal (%.1f h in all), seeded\n", minutes,
           minutes * KIND_COUNT / 60.0);
    printf("decoder events by type, then listening V.8 sessions that mistook it for a partner\n\n");
    size_t false_handshakes = 0;
    for (int k = 0; k < KIND_COUNT; k++) {
        tally t;
        memset(&t, 0, sizeof t);
        double cpu = 0.0;
        if (run_kind((kind)k, minutes, &t, &cpu) != 0) {
            fprintf(stderr, "bench_false_alarms: could not set up the run\n");
            return 1;
        }
        printf("%-22s  (%.0fx real time)\n", KIND_NAME[k], minutes * 60.0 / cpu);
        size_t any = 0;
        for (int e = 0; e < SQ_EVENT_TYPE_COUNT; e++)
            if (t.events[e]) {
                printf("    %-9s %zu\n", sq_event_type_to_str((sq_event_type)e), t.events[e]);
                any += t.events[e];
            }
        if (!any)
            printf("    no events\n");
        printf("    caller heard an answer tone in %zu of %zu listening periods\n",
               t.caller_false_tone, t.caller_runs);
        printf("    answerer accepted a CM in %zu of %zu answer-tone periods\n",
               t.answerer_false_cm, t.answerer_runs);
        false_handshakes += t.events[SQ_EVENT_CM] + t.events[SQ_EVENT_JM] + t.events[SQ_EVENT_CI] +
                            t.events[SQ_EVENT_ANSAM] + t.events[SQ_EVENT_ANSAM_PR] +
                            t.caller_false_tone + t.answerer_false_cm;
        fflush(stdout);
    }
    printf("\nfalse handshake signals (cm, jm, ci, ansam, session detections): %zu (target 0)\n",
           false_handshakes);
    return false_handshakes ? 1 : 0;
}
