/* Audio files: formats and rates in, WAV out, and every kind of bad file. */
#include <check.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tests/support/test_util.h"

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/squeal-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static char *path(const char *name)
{
    static char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

/* Writes a file with libsndfile directly, in any format, from an 8 kHz tone resampled by
 * simple repetition-free synthesis at the target rate. */
static void write_with_sndfile(const char *p, int format, int rate, int channels, double freq)
{
    SF_INFO info = { .samplerate = rate, .channels = channels, .format = format };
    SNDFILE *f = sf_open(p, SFM_WRITE, &info);
    ck_assert_ptr_nonnull(f);
    size_t n = (size_t)rate;   /* one second */
    float *x = malloc(n * (size_t)channels * sizeof *x);
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < channels; c++)   /* channel c carries freq + 100 c */
            x[i * (size_t)channels + (size_t)c] = 0.3f * (float)sin(2 * M_PI * (freq + 100.0 * c) * (double)i / rate);
    ck_assert_int_eq(sf_writef_float(f, x, (sf_count_t)n), (sf_count_t)n);
    sf_close(f);
    free(x);
}

/* Reads the file at 8 kHz and checks the length and each channel's zero-crossing rate. */
static void check_read_back(const char *p, int channels, double freq)
{
    sq_audio_reader *r = NULL;
    char detail[200];
    ck_assert_int_eq(sq_audio_reader_open(p, &r, detail, sizeof detail), SQ_OK);
    ck_assert_int_eq(sq_audio_reader_info(r)->channels, channels);
    float *x = malloc(9000 * (size_t)channels * sizeof *x);
    size_t n = 0;
    long got;
    while ((got = sq_audio_reader_read(r, x + n * (size_t)channels, 9000 - n)) > 0)
        n += (size_t)got;
    ck_assert_int_eq(got, 0);
    ck_assert_uint_ge(n, 7990);
    ck_assert_uint_le(n, 8010);
    for (int c = 0; c < channels; c++) {
        int crossings = 0;
        for (size_t i = 1001; i < 7000; i++)
            crossings += (x[(i - 1) * (size_t)channels + (size_t)c] < 0) != (x[i * (size_t)channels + (size_t)c] < 0);
        double f = crossings / 2.0 / (5999.0 / 8000.0);
        ck_assert_double_eq_tol(f, freq + 100.0 * c, 3.0);
    }
    free(x);
    sq_audio_reader_close(r);
}

START_TEST(test_read_formats_and_rates)
{
    make_dir();
    const int rates[] = { 8000, 9600, 11025, 16000, 22050, 44100, 48000 };
    const int formats[] = { SF_FORMAT_WAV | SF_FORMAT_PCM_U8, SF_FORMAT_WAV | SF_FORMAT_PCM_16,
                            SF_FORMAT_WAV | SF_FORMAT_PCM_24, SF_FORMAT_WAV | SF_FORMAT_PCM_32,
                            SF_FORMAT_WAV | SF_FORMAT_FLOAT, SF_FORMAT_FLAC | SF_FORMAT_PCM_16,
                            SF_FORMAT_AU | SF_FORMAT_PCM_16 };
    for (int i = 0; i < 7; i++) {
        write_with_sndfile(path("in.snd"), formats[i], rates[i], 1 + i % 3, 1000.0);
        check_read_back(path("in.snd"), 1 + i % 3, 1000.0);
    }
    remove_dir();
}
END_TEST

START_TEST(test_write_rates)
{
    make_dir();
    const uint32_t rates[] = { 8000, 44100, 48000 };
    sig s = make_tone(SQ_TONE_ANS, -12.0, 1.0, 0.0);
    for (int i = 0; i < 3; i++) {
        sq_audio_writer *w = NULL;
        ck_assert_int_eq(sq_audio_writer_open(path("out.wav"), rates[i], 1, &w), SQ_OK);
        ck_assert_int_eq(sq_audio_writer_write(w, s.x, s.n), SQ_OK);
        ck_assert_int_eq(sq_audio_writer_close(w), SQ_OK);
        SF_INFO info = { 0 };
        SNDFILE *f = sf_open(path("out.wav"), SFM_READ, &info);
        ck_assert_ptr_nonnull(f);
        ck_assert_int_eq(info.samplerate, (int)rates[i]);
        ck_assert_int_eq(info.format, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
        sf_close(f);
        check_read_back(path("out.wav"), 1, 2100.0);
    }
    sig_free(&s);
    /* an aborted file leaves nothing behind */
    unlink(path("out.wav"));
    sq_audio_writer *w = NULL;
    ck_assert_int_eq(sq_audio_writer_open(path("out.wav"), 8000, 1, &w), SQ_OK);
    sq_audio_writer_abort(w);
    ck_assert_int_ne(access(path("out.wav"), F_OK), 0);
    ck_assert_int_eq(system("test -z \"$(ls /tmp/squeal-test-*/ 2>/dev/null | grep tmp-)\""), 0);
    remove_dir();
}
END_TEST

static int open_error(const char *p)
{
    sq_audio_reader *r = (sq_audio_reader *)1;
    char detail[200] = "";
    int rc = sq_audio_reader_open(p, &r, detail, sizeof detail);
    ck_assert_ptr_null(r);
    ck_assert_msg(rc == SQ_OK || *detail, "no detail for %s", p);
    return rc;
}

START_TEST(test_bad_files)
{
    make_dir();
    ck_assert_int_eq(open_error(path("missing.wav")), SQ_EIO);
    ck_assert_int_eq(open_error(dir), SQ_EIO);
    FILE *f = fopen(path("empty.wav"), "wb");
    fclose(f);
    ck_assert_int_eq(open_error(path("empty.wav")), SQ_EEMPTY);
    f = fopen(path("text.wav"), "wb");
    fputs("this is not audio at all, just some text\n", f);
    fclose(f);
    ck_assert_int_eq(open_error(path("text.wav")), SQ_EFORMAT);
    write_with_sndfile(path("hi.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 96000, 1, 1000.0);
    ck_assert_int_eq(open_error(path("hi.wav")), SQ_EUNSUPPORTED);
    write_with_sndfile(path("lo.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 4000, 1, 500.0);
    ck_assert_int_eq(open_error(path("lo.wav")), SQ_EUNSUPPORTED);
    write_with_sndfile(path("many.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 9, 300.0);
    ck_assert_int_eq(open_error(path("many.wav")), SQ_EUNSUPPORTED);
    write_with_sndfile(path("cut.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, 1000.0);
    ck_assert_int_eq(truncate(path("cut.wav"), 8000), 0);
    {   /* a file cut short is read to its end, which then says so */
        sq_audio_reader *r = NULL;
        ck_assert_int_eq(sq_audio_reader_open(path("cut.wav"), &r, NULL, 0), SQ_OK);
        float buf[1024];
        long got, total = 0;
        while ((got = sq_audio_reader_read(r, buf, 1024)) > 0)
            total += got;
        ck_assert_int_eq(got, SQ_ETRUNCATED);
        ck_assert_int_gt(total, 3000);   /* what the 8000 bytes hold */
        ck_assert_ptr_nonnull(sq_audio_reader_truncation(r));
        sq_audio_reader_close(r);
    }
    ck_assert_int_eq(truncate(path("cut.wav"), 30), 0);   /* inside the header */
    ck_assert_int_eq(open_error(path("cut.wav")), SQ_EFORMAT);
    SF_INFO info = { .samplerate = 8000, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
    sf_close(sf_open(path("noframes.wav"), SFM_WRITE, &info));
    ck_assert_int_eq(open_error(path("noframes.wav")), SQ_EEMPTY);
    sq_audio_writer *w = (sq_audio_writer *)1;
    ck_assert_int_eq(sq_audio_writer_open(path("x.wav"), 96000, 1, &w), SQ_EINVAL);
    ck_assert_ptr_null(w);
    ck_assert_int_eq(sq_audio_writer_open("/nonexistent-dir/x.wav", 8000, 1, &w), SQ_EIO);
    remove_dir();
}
END_TEST

Suite *audio_file_suite(void);
Suite *audio_file_suite(void)
{
    Suite *s = suite_create("audio_file");
    TCase *tc = tcase_create("io");
    tcase_add_test(tc, test_read_formats_and_rates);
    tcase_add_test(tc, test_write_rates);
    tcase_add_test(tc, test_bad_files);
    suite_add_tcase(s, tc);
    return s;
}
