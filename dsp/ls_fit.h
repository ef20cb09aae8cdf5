/* Internal: the least-squares fit of a linear equaliser's taps to known symbols.
 *
 * A normalised LMS equaliser trained on a line whose band edges fall 10-30 dB (a telephone
 * line under a 3429 symbols/s V.34 signal, whose spectrum reaches 245 and 3673 Hz) learns the
 * weak edges at the rate of their power: after the 2 s of a start-up's TRN it still leaves the
 * edges' distortion in its output (a real call's TRN read 21 dB where its line probing
 * measured 38). The taps that minimise sum |want_n - taps . line_n|^2 over the rows given
 * solve the normal equations R taps = p, R = sum conj(line_n) line_n^T, p = sum
 * conj(line_n) want_n, whatever the spread of R's eigenvalues; R is Hermitian and positive
 * definite once there are enough rows, and a Cholesky factorisation solves it. */
#ifndef SQ_DSP_LS_FIT_H
#define SQ_DSP_LS_FIT_H

#include <complex.h>
#include <stddef.h>

#define SQ_LS_FIT_MAX_TAPS 40
#define SQ_LS_FIT_REAL_MAX_TAPS 128   /* sq_ls_fit_real: a V.90 digital modem's PCM codes want 99 */

typedef struct sq_ls_fit {
    int n_taps;
    size_t rows;
    /* R's upper triangle (j >= i); solving puts its Cholesky factor in the lower one */
    double complex r[SQ_LS_FIT_MAX_TAPS][SQ_LS_FIT_MAX_TAPS];
    double complex p[SQ_LS_FIT_MAX_TAPS];
} sq_ls_fit;

/* Empty sums for n_taps (1 .. SQ_LS_FIT_MAX_TAPS) taps. */
void sq_ls_fit_start(sq_ls_fit *f, int n_taps);
/* One row: the equaliser's line (n_taps samples, as its output sum takes them) and the
 * output wanted from it. */
void sq_ls_fit_add(sq_ls_fit *f, const float complex *line, double complex want);
/* The sums started over (for n_taps taps) with the rows of an equaliser fed `step` new
 * samples a row (a fractionally spaced one: 2): row m's line is x[m step + n_taps - 1 - i],
 * i < n_taps (the newest first), wanting want[m], m < rows; x holds (rows - 1) step + n_taps
 * samples, the oldest first. The same sums as adding the rows one by one, for a tenth of the
 * work: a line is the one a row before it moved on by `step`, so down R's diagonals an entry
 * differs from the one `step` places up only by the row before the first and the last row
 * (only R's first `step` rows are summed in full). */
void sq_ls_fit_sliding(sq_ls_fit *f, int n_taps, const float complex *x, size_t rows, int step, const double complex *want);
/* The taps that fit the rows best, into taps (n_taps); 0, or -1 when the rows do not fix
 * them (fewer rows than taps, or a line with nothing in some direction). Once: start again
 * before adding more rows. */
int sq_ls_fit_solve(sq_ls_fit *f, float complex *taps);

/* A real equaliser of n_taps taps (odd: as many samples either side of the one it reads, the
 * newest first) for the sample x[at]. */
float sq_ls_equalise_real(const float *taps, int n_taps, const float *x, size_t at);
/* Its taps (up to SQ_LS_FIT_REAL_MAX_TAPS) fitted to want[k] for x[first + k], k < rows (x
 * holding the n_taps / 2 samples either side of those), into taps: the sum of the squared
 * errors left, or -1 when the rows do not fix them. With bias, a constant added to the output
 * is fitted with them (x off zero by an unknown offset), into *bias; up to
 * SQ_LS_FIT_REAL_MAX_TAPS - 1 taps then. The same normal equations as above, in real
 * arithmetic (a quarter of the products, and no complex multiply's checks for infinities). */
double sq_ls_fit_real(const float *x, size_t first, size_t rows, int n_taps, const double *want, float *taps,
                      float *bias);

#endif
