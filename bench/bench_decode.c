/* How fast squeal decode is beside decoders that each know the one mode of the file, run
 * on the same files in the same run (issue: decoding faster than every single-mode decoder).
 *
 *   bench_decode SQUEAL SPANDSP_DECODE [MINUTES] [RECORDINGS_DIR]
 *
 * Makes its files in a scratch folder:
 *   - V.21 channel 1 at 300 bit/s, MINUTES long (default 60), from minimodem's transmitter
 *     (an independent FSK modem), random printable text;
 *   - V.22bis at 2400 bit/s, MINUTES long, the answerer's side of a call between two spandsp
 *     modems, random 8N1 bytes;
 *   - a squeal sim call (V.8, then V.22bis data) as a 48 kHz stereo file (sox: caller left,
 *     answerer right).
 * Then, for each file, runs squeal decode and each peer alternately, RUNS times, and
 * prints audio seconds per CPU second (user + system, the best of the runs) for each, the
 * ratio of the bests, and the median of the rounds' ratios; and squeal decode's peak memory
 * (max RSS) on 1, 10 and MINUTES-long files.
 * The real calls in RECORDINGS_DIR/real-calls (when there) are timed against the V.8
 * listener too. Peers: minimodem --rx and spandsp_decode (bench/spandsp_decode.c). */
#define _DEFAULT_SOURCE   /* wait4 */
#include <spawn.h>
#include <fcntl.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <dirent.h>
#include "src/sim/spandsp_peer.h"

extern char **environ;

/* Runs of each command, alternating. This VM's speed moves 10-30 % from run to run (one
 * command's best of three was 0.72 s, its worst 1.02 s, minutes apart): the best of several
 * runs, and the median over the rounds of each round's ratio (the two commands of a round
 * ran under the same load), are both printed. */
#define RUNS 7
#define MAX_ARGS 16

typedef struct run_result {
    double cpu_s;
    double max_rss_mb;
    int ok;
} run_result;

/* Runs argv with stdin from `in` (or /dev/null) and stdout to /dev/null; CPU time and peak
 * memory from wait4. */
static run_result run(const char *const words[], const char *in)
{
    run_result r = { 0 };
    char *argv[MAX_ARGS] = { 0 };
    size_t n = 0;
    while (n + 1 < MAX_ARGS && words[n])
        n++;
    memcpy(argv, words, n * sizeof *argv);   /* posix_spawn's argv is not const */
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, in ? in : "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        fprintf(stderr, "bench_decode: cannot run %s\n", argv[0]);
        return r;
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid)
        return r;
    r.cpu_s = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
              ru.ru_stime.tv_usec / 1e6;
    r.max_rss_mb = ru.ru_maxrss / 1024.0;
    r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!r.ok)
        fprintf(stderr, "bench_decode: %s %s failed\n", argv[0], argv[1] ? argv[1] : "");
    return r;
}

static double audio_seconds(const char *path)
{
    SF_INFO info = { 0 };
    SNDFILE *f = sf_open(path, SFM_READ, &info);
    if (!f)
        return 0.0;
    sf_close(f);
    return (double)info.frames / info.samplerate;
}

/* A command line of up to MAX_ARGS words, the file last. */
typedef struct contender {
    const char *name;
    const char *argv[MAX_ARGS];
    const char *stdin_path;   /* minimodem --rx reads the file named by -f; none need stdin */
} contender;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* "1.23 times faster" or "slower", for a ratio of speeds (squeal's over the peer's). */
static void print_ratio(double r)
{
    printf("%.2f times %s", r >= 1.0 ? r : 1.0 / r, r >= 1.0 ? "faster" : "slower");
}

/* Times squeal and the peers on one file, alternating, and prints a row per contender. */
static void compare(const char *what, double audio_s, contender *cs, int n)
{
    double cpu[8][RUNS], best[8] = { 0 };
    for (int r = 0; r < RUNS; r++)
        for (int i = 0; i < n; i++) {
            run_result rr = run(cs[i].argv, cs[i].stdin_path);
            cpu[i][r] = rr.ok ? rr.cpu_s : INFINITY;
        }
    printf("\n%s, %.0f s of audio (best of %d, audio seconds per CPU second; then the median of the rounds' "
           "ratios):\n", what, audio_s, RUNS);
    for (int i = 0; i < n; i++) {
        double least = INFINITY, ratios[RUNS];
        int k = 0;
        for (int r = 0; r < RUNS; r++) {
            least = fmin(least, cpu[i][r]);
            if (i > 0 && isfinite(cpu[0][r]) && isfinite(cpu[i][r]))
                ratios[k++] = cpu[i][r] / fmax(cpu[0][r], 1e-6);   /* peer's time over squeal's */
        }
        best[i] = isinf(least) ? 0.0 : audio_s / fmax(least, 1e-6);
        printf("  %-44s %9.0fx real time", cs[i].name, best[i]);
        if (i > 0 && best[i] > 0.0 && best[0] > 0.0) {
            printf("   squeal is ");
            print_ratio(best[0] / best[i]);
            if (k > 0) {
                qsort(ratios, (size_t)k, sizeof ratios[0], cmp_double);
                printf("; paired: ");
                print_ratio(k % 2 ? ratios[k / 2] : 0.5 * (ratios[k / 2 - 1] + ratios[k / 2]));
            }
        }
        printf("\n");
    }
}

static int write_wav(const char *path, const int16_t *x, size_t n, int rate)
{
    SF_INFO info = { .samplerate = rate, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
    SNDFILE *f = sf_open(path, SFM_WRITE, &info);
    if (!f)
        return -1;
    sf_count_t w = sf_write_short(f, x, (sf_count_t)n);
    sf_close(f);
    return (size_t)w == n ? 0 : -1;
}

/* The answerer's side of a spandsp-to-spandsp V.22bis call at 2400 bit/s carrying random
 * bytes (a fixed seed), `seconds` long. */
static int make_v22bis(const char *path, double seconds)
{
    size_t n = (size_t)(seconds * 8000.0), len = (size_t)(seconds * 240.0) + 1;
    uint8_t *payload = malloc(len);
    int16_t *rec = malloc(n * sizeof *rec);
    if (!payload || !rec)
        return -1;
    srand(20261203);
    for (size_t i = 0; i < len; i++)
        payload[i] = (uint8_t)(rand() >> 7);
    spandsp_peer *caller = spandsp_peer_create(1, 2400, payload, 0);
    spandsp_peer *answerer = spandsp_peer_create(0, 2400, payload, len);
    float to_caller[160] = { 0 }, to_answerer[160] = { 0 }, a[160], c[160];
    for (size_t i = 0; caller && answerer && i + 160 <= n; i += 160) {
        spandsp_peer_process(caller, to_caller, c, 160);
        spandsp_peer_process(answerer, to_answerer, a, 160);
        memcpy(to_answerer, c, sizeof c);
        memcpy(to_caller, a, sizeof a);
        for (int k = 0; k < 160; k++)
            rec[i + (size_t)k] = (int16_t)lrintf(fmaxf(-32768.0f, fminf(32767.0f, a[k] * 32768.0f)));
    }
    int rc = caller && answerer && spandsp_peer_trained(caller) ? write_wav(path, rec, n - n % 160, 8000) : -1;
    spandsp_peer_destroy(caller);
    spandsp_peer_destroy(answerer);
    free(payload);
    free(rec);
    return rc;
}

/* In a child process of its own: the call's buffers never count in this process's memory,
 * whose peak every program it starts inherits as the floor of its own max RSS (posix_spawn
 * shares this process's memory until exec). */
static int make_v22bis_apart(const char *path, double seconds)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0)
        _exit(make_v22bis(path, seconds) == 0 ? 0 : 1);
    int status;
    return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int make_text(const char *path, size_t len)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    srand(7);
    for (size_t i = 0; i < len; i++)
        fputc(i % 64 == 63 ? '\n' : ' ' + rand() % 95, f);
    return fclose(f);
}

static int sh(const char *cmd)
{
    int rc = system(cmd);
    if (rc != 0)
        fprintf(stderr, "bench_decode: failed: %s\n", cmd);
    return rc;
}

/* V.21 channel 1 from minimodem's transmitter, at 8 kHz. */
static int make_v21(const char *dir, const char *path, double seconds)
{
    char text[512], cmd[2048];
    snprintf(text, sizeof text, "%s/text-%.0f.txt", dir, seconds);
    if (make_text(text, (size_t)(seconds * 30.0)) != 0)
        return -1;
    snprintf(cmd, sizeof cmd, "minimodem --tx -q -R 8000 -M 980 -S 1180 -f '%s' 300 <'%s'", path, text);
    return sh(cmd);
}

static void memory_row(const char *squeal, const char *what, const char *paths[3], const double minutes[3])
{
    printf("  %-10s", what);
    for (int i = 0; i < 3; i++) {
        const char *argv[] = { squeal, "decode", paths[i], NULL };
        run_result r = run(argv, NULL);
        printf("  %4.0f min: %6.1f MB", minutes[i], r.ok ? r.max_rss_mb : NAN);
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_decode SQUEAL SPANDSP_DECODE [MINUTES] [RECORDINGS_DIR]\n");
        return 2;
    }
    const char *squeal = argv[1], *spandsp = argv[2];
    double minutes = argc > 3 ? atof(argv[3]) : 60.0;
    const char *recordings = argc > 4 ? argv[4] : NULL;
    if (!(minutes >= 1.0 && minutes <= 600.0)) {
        fprintf(stderr, "bench_decode: MINUTES must be 1..600\n");
        return 2;
    }
    char dir[] = "/tmp/bench_decode.XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char v21[3][600], v22[3][600], stereo[600], cmd[4096];
    const double lengths[3] = { 1.0, fmin(10.0, minutes), minutes };
    printf("making the files (minimodem V.21, spandsp V.22bis, a squeal sim call) ...\n");
    fflush(stdout);
    for (int i = 0; i < 3; i++) {
        snprintf(v21[i], sizeof v21[i], "%s/v21-%.0fmin.wav", dir, lengths[i]);
        snprintf(v22[i], sizeof v22[i], "%s/v22bis-%.0fmin.wav", dir, lengths[i]);
        if (make_v21(dir, v21[i], lengths[i] * 60.0) != 0 || make_v22bis_apart(v22[i], lengths[i] * 60.0) != 0) {
            fprintf(stderr, "bench_decode: could not make the test files\n");
            return 1;
        }
    }
    snprintf(cmd, sizeof cmd,
             "head -c 6000 /dev/urandom >%s/send && %s sim --snr 30 --send %s/send --wav %s/sim >/dev/null && "
             "sox -M %s/sim-caller.wav %s/sim-answerer.wav -r 48000 %s/stereo48k.wav",
             dir, squeal, dir, dir, dir, dir, dir);
    snprintf(stereo, sizeof stereo, "%s/stereo48k.wav", dir);
    if (sh(cmd) != 0)
        return 1;

    const char *last_v21 = v21[2], *last_v22 = v22[2];
    contender c21[] = {
        { "squeal decode (finds the mode itself)", { squeal, "decode", last_v21, NULL }, NULL },
        { "minimodem --rx (told: 300 bd, 980/1180 Hz)",
          { "minimodem", "--rx", "-q", "-M", "980", "-S", "1180", "-f", last_v21, "300", NULL }, NULL },
        { "spandsp fsk_rx V.21 ch1 + async_rx", { spandsp, "v21", last_v21, NULL }, NULL },
    };
    compare("V.21 channel 1, 300 bit/s (minimodem's transmitter)", audio_seconds(last_v21), c21, 3);
    contender c22[] = {
        { "squeal decode (finds the mode itself)", { squeal, "decode", last_v22, NULL }, NULL },
        { "spandsp v22bis_rx + async_rx", { spandsp, "v22bis", last_v22, NULL }, NULL },
    };
    compare("V.22bis 2400 bit/s (spandsp's transmitter)", audio_seconds(last_v22), c22, 2);
    contender c8[] = {
        { "squeal decode (finds the mode itself)", { squeal, "decode", stereo, NULL }, NULL },
        { "spandsp V.8 listener (soxr, ANSam, V.21 x2)", { spandsp, "v8", stereo, NULL }, NULL },
    };
    compare("a squeal sim call, 48 kHz stereo", audio_seconds(stereo), c8, 2);

    if (recordings) {
        char real[600];
        snprintf(real, sizeof real, "%s/real-calls", recordings);
        DIR *d = opendir(real);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            size_t len = strlen(e->d_name);
            if (len < 5 || strcmp(e->d_name + len - 4, ".wav") != 0)
                continue;
            char path[1200];
            snprintf(path, sizeof path, "%s/%s", real, e->d_name);
            contender cr[] = {
                { "squeal decode", { squeal, "decode", path, NULL }, NULL },
                { "spandsp V.8 listener", { spandsp, "v8", path, NULL }, NULL },
            };
            compare(e->d_name, audio_seconds(path), cr, 2);
        }
        if (d)
            closedir(d);
        else
            printf("\n(no real calls at %s: skipped)\n", real);
    }

    const char *nothing[] = { "true", NULL };
    printf("\nsqueal decode's peak memory (max RSS; a program that does nothing measures %.1f MB here):\n",
           run(nothing, NULL).max_rss_mb);
    memory_row(squeal, "V.21", (const char *[]){ v21[0], v21[1], v21[2] }, lengths);
    memory_row(squeal, "V.22bis", (const char *[]){ v22[0], v22[1], v22[2] }, lengths);
    if (getenv("BENCH_DECODE_KEEP")) {   /* for profiling the same files afterwards */
        printf("\nthe files are kept in %s\n", dir);
        return 0;
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : 1;
}
