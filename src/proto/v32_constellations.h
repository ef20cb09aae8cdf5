/* Internal: the signal points of V.32 / V.32bis data, one set a rate (V.32bis 2.3, Figures
 * 2-1 to 2-5; V.32's uncoded 9600 bit/s, Figure 1/V.32), for the decoder's measure of a data
 * event's SNR and for gen's stand-in data.
 *
 * Coordinates are the standard's, in the scale of Figures 2-1 and 2-2, where the
 * synchronising states A, B, C, D lie at (-6, -2), (2, -6), (6, 2), (-2, 6). (Figures 2-3 to
 * 2-5 and V.32's draw the same states at half that: (-3, -1) and so on; their points are
 * doubled here.) */
#ifndef SQ_PROTO_V32_CONSTELLATIONS_H
#define SQ_PROTO_V32_CONSTELLATIONS_H

#include <complex.h>
#include <stddef.h>

#define SQ_V32_MAX_POINTS 128

/* The points of data at rate_bps: 14400 the 128-point cross (odd coordinates to +-11, less
 * the corners beyond +-7 both ways), 12000 the 64-point square (odd, to +-7), 9600 with
 * trellis coding 32 points (twice the points (x, y) with x + y odd, |x| + |y| <= 5 and
 * neither beyond 4), 9600
 * without it (V.32) and 7200 the 16-point square (twice +-1, +-3), 4800 the four states.
 * `trellis` matters only at 9600. Writes them to out (SQ_V32_MAX_POINTS at most) and returns
 * how many: 0 for a rate with no data constellation. */
size_t sq_v32_data_points(int rate_bps, int trellis, float complex *out);

/* The mean power of those points (82 at 14400, 42 at 12000, 40 for the others and for the
 * states alone); 0 for no such rate. */
double sq_v32_data_mean_power(int rate_bps, int trellis);

/* The point of points[0..n) nearest s. */
float complex sq_v32_nearest_point(const float complex *points, size_t n, float complex s);
/* The same for 14400's cross (cross set) or 12000's square, by the odd grid's own arithmetic
 * rather than a search of its 128 or 64 points. */
float complex sq_v32_nearest_odd_grid(float complex s, int cross);

#endif
