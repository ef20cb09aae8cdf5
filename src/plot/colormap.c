/* The colour map (colormap.h): a path in CIE L*C*h with L* linear in t, converted through
 * XYZ (D65) to sRGB. Hue turns from 300 degrees (violet-blue) to 95 (yellow) the short way
 * round through 180 (teal); chroma swells in the middle, where sRGB has room for it. */
#include <math.h>
#include "src/plot/colormap.h"

#define L_START 18.0
#define L_END 92.0

double plot_colormap_lightness(double t)
{
    return L_START + (L_END - L_START) * t;
}

/* CIELAB's inverse companding, and sRGB's transfer curve. */
static double lab_f_inv(double f)
{
    return f > 6.0 / 29.0 ? f * f * f : 3.0 * (6.0 / 29.0) * (6.0 / 29.0) * (f - 4.0 / 29.0);
}

static double srgb_encode(double linear)
{
    linear = fmin(fmax(linear, 0.0), 1.0);
    return linear <= 0.0031308 ? 12.92 * linear : 1.055 * pow(linear, 1.0 / 2.4) - 0.055;
}

static void lch_to_srgb(double l, double c, double h_deg, double rgb[3])
{
    double h = h_deg * M_PI / 180.0;
    double a = c * cos(h), b = c * sin(h);
    double fy = (l + 16.0) / 116.0, fx = fy + a / 500.0, fz = fy - b / 200.0;
    double x = 0.95047 * lab_f_inv(fx), y = lab_f_inv(fy), z = 1.08883 * lab_f_inv(fz);
    double r = 3.2406 * x - 1.5372 * y - 0.4986 * z;
    double g = -0.9689 * x + 1.8758 * y + 0.0415 * z;
    double bl = 0.0557 * x - 0.2040 * y + 1.0570 * z;
    rgb[0] = srgb_encode(r);
    rgb[1] = srgb_encode(g);
    rgb[2] = srgb_encode(bl);
}

/* Whether an L*C*h colour lies inside sRGB (no channel clipped). */
static int in_gamut(double l, double c, double h_deg)
{
    double h = h_deg * M_PI / 180.0;
    double a = c * cos(h), b = c * sin(h);
    double fy = (l + 16.0) / 116.0, fx = fy + a / 500.0, fz = fy - b / 200.0;
    double x = 0.95047 * lab_f_inv(fx), y = lab_f_inv(fy), z = 1.08883 * lab_f_inv(fz);
    double v[3] = { 3.2406 * x - 1.5372 * y - 0.4986 * z, -0.9689 * x + 1.8758 * y + 0.0415 * z,
                    0.0557 * x - 0.2040 * y + 1.0570 * z };
    for (int i = 0; i < 3; i++)
        if (v[i] < -1e-4 || v[i] > 1.0001)
            return 0;
    return 1;
}

void plot_colormap_init(plot_colormap *m)
{
    for (int i = 0; i < PLOT_COLORMAP_SIZE; i++) {
        double t = (double)i / (PLOT_COLORMAP_SIZE - 1);
        double l = plot_colormap_lightness(t);
        double h = 300.0 - 205.0 * t;                 /* 300 -> 95 through 180 */
        double c = 38.0 + 40.0 * sin(M_PI * t) + 10.0 * t;
        /* keep lightness and hue; give up chroma until the colour fits sRGB */
        while (c > 0.0 && !in_gamut(l, c, h))
            c -= 0.5;
        double rgb[3];
        lch_to_srgb(l, fmax(c, 0.0), h, rgb);
        for (int k = 0; k < 3; k++)
            m->rgb[i][k] = (unsigned char)lrint(255.0 * rgb[k]);
    }
}

const unsigned char *plot_colormap_at(const plot_colormap *m, double t)
{
    if (!(t > 0.0))
        t = 0.0;
    if (t > 1.0)
        t = 1.0;
    return m->rgb[(int)lrint(t * (PLOT_COLORMAP_SIZE - 1))];
}
