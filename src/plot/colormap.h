/* A perceptually ordered colour map for levels: dark blue-violet through teal and green to
 * yellow, with CIE lightness rising evenly from end to end, so equal steps in level look
 * like equal steps in colour and the picture still reads in grey (the idea of matplotlib's
 * viridis; the curve here is our own, built in CIELAB). */
#ifndef SQ_PLOT_COLORMAP_H
#define SQ_PLOT_COLORMAP_H

#define PLOT_COLORMAP_SIZE 256

typedef struct plot_colormap {
    unsigned char rgb[PLOT_COLORMAP_SIZE][3];
} plot_colormap;

void plot_colormap_init(plot_colormap *m);
/* t in [0, 1] (clamped): the colour as 8-bit sRGB. */
const unsigned char *plot_colormap_at(const plot_colormap *m, double t);
/* The lightness L* the map promises at t (for tests: the grey reading). */
double plot_colormap_lightness(double t);

#endif
