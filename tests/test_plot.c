/* The picture's parts: the colour map reads in grey (its lightness rises evenly), the
 * spectrogram reads a tone's level and frequency right and stays bounded however long
 * the audio, and the short names and sides of events are the ones the legend explains. */
#include <check.h>
#include <math.h>
#include <string.h>
#include "squeal/squeal.h"
#include "src/plot/colormap.h"
#include "src/plot/event_labels.h"
#include "src/plot/spectrogram.h"

Suite *plot_suite(void);

/* CIE L* of an 8-bit sRGB colour (D65). */
static double lightness(const unsigned char *rgb)
{
    double lin[3];
    for (int k = 0; k < 3; k++) {
        double c = rgb[k] / 255.0;
        lin[k] = c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
    }
    double y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
    return y > 216.0 / 24389.0 ? 116.0 * cbrt(y) - 16.0 : 24389.0 / 27.0 * y;
}

START_TEST(test_colormap_lightness_rises_evenly)
{
    plot_colormap m;
    plot_colormap_init(&m);
    for (int i = 0; i < PLOT_COLORMAP_SIZE; i++) {
        double t = (double)i / (PLOT_COLORMAP_SIZE - 1), l = lightness(m.rgb[i]);
        /* within 1.5 L* of the straight line the map promises (8-bit rounding and gamut) */
        ck_assert_msg(fabs(l - plot_colormap_lightness(t)) < 1.5, "at %d: L* %.2f, promised %.2f", i, l,
                      plot_colormap_lightness(t));
        /* neighbours are 0.3 L* apart, under 8-bit rounding; four entries on, it has risen */
        if (i >= 4)
            ck_assert_msg(l > lightness(m.rgb[i - 4]), "lightness falls at %d: %.2f after %.2f", i, l,
                          lightness(m.rgb[i - 4]));
    }
    ck_assert(lightness(m.rgb[PLOT_COLORMAP_SIZE - 1]) - lightness(m.rgb[0]) > 70.0);
}
END_TEST

START_TEST(test_spectrogram_reads_a_tone)
{
    plot_spectrogram *s;
    ck_assert_int_eq(plot_spectrogram_create(&s), 0);
    float x[8000];
    double amp = sqrt(2.0 * sq_dbm0_to_power(-13.0));
    for (int i = 0; i < 8000; i++)
        x[i] = (float)(amp * sin(2.0 * M_PI * 1000.0 * i / 8000.0));
    plot_spectrogram_add(s, x, 8000);
    size_t cols = plot_spectrogram_columns(s);
    ck_assert_uint_gt(cols, 200);   /* 4 ms apart */
    const float *mid = plot_spectrogram_column(s, cols / 2);
    size_t peak = 0;
    double total = 0.0;
    for (size_t k = 0; k < PLOT_SPECTROGRAM_BINS; k++) {
        peak = mid[k] > mid[peak] ? k : peak;
        total += mid[k];
    }
    ck_assert_uint_eq(peak, 32);   /* 1000 Hz / 31.25 Hz */
    ck_assert_msg(fabs(sq_power_to_dbm0(total) + 13.0) < 0.2, "level %.2f dBm0", sq_power_to_dbm0(total));
    plot_spectrogram_destroy(s);
}
END_TEST

START_TEST(test_spectrogram_stays_bounded)
{
    plot_spectrogram *s;
    ck_assert_int_eq(plot_spectrogram_create(&s), 0);
    static float silence[8000];
    for (int i = 0; i < 20 * 60; i++)   /* 20 minutes */
        plot_spectrogram_add(s, silence, 8000);
    size_t cols = plot_spectrogram_columns(s);
    ck_assert_uint_le(cols, PLOT_SPECTROGRAM_MAX_COLUMNS);
    ck_assert_uint_ge(cols, PLOT_SPECTROGRAM_MAX_COLUMNS / 2);
    /* the columns still cover the audio: spacing times count within one spacing of 20 min */
    ck_assert(fabs((double)cols * plot_spectrogram_column_s(s) - 1200.0) <= plot_spectrogram_column_s(s) + 0.05);
    plot_spectrogram_destroy(s);
}
END_TEST

START_TEST(test_event_sides_and_names)
{
    sq_event ev;
    memset(&ev, 0, sizeof ev);
    char label[32];
    ev.type = SQ_EVENT_ANSAM_PR;
    plot_event_label(&ev, label, sizeof label);
    ck_assert_str_eq(label, "ANSam/");
    ck_assert_int_eq(plot_event_side(&ev), PLOT_ANSWERER);
    ev.type = SQ_EVENT_CM;
    ck_assert_int_eq(plot_event_side(&ev), PLOT_CALLER);
    ev.type = SQ_EVENT_DATA;
    ev.rate = 2400;
    ev.fsk_channel = 2;
    plot_event_label(&ev, label, sizeof label);
    ck_assert_str_eq(label, "data 2400");
    ck_assert_int_eq(plot_event_side(&ev), PLOT_ANSWERER);
    ev.fsk_channel = 1;
    ck_assert_int_eq(plot_event_side(&ev), PLOT_CALLER);
    /* every type has a name and words of its own */
    for (int t = 0; t < SQ_EVENT_TYPE_COUNT; t++) {
        char meaning[128];
        ev.type = (sq_event_type)t;
        plot_event_label(&ev, label, sizeof label);
        plot_event_meaning(&ev, meaning, sizeof meaning);
        ck_assert(strlen(label) > 0 && strlen(meaning) > strlen(label));
    }
}
END_TEST

Suite *plot_suite(void)
{
    Suite *s = suite_create("plot");
    TCase *tc = tcase_create("plot");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_colormap_lightness_rises_evenly);
    tcase_add_test(tc, test_spectrogram_reads_a_tone);
    tcase_add_test(tc, test_spectrogram_stays_bounded);
    tcase_add_test(tc, test_event_sides_and_names);
    suite_add_tcase(s, tc);
    return s;
}
