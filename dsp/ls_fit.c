/* Least-squares equaliser taps by the normal equations (dsp/ls_fit.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/cmplx.h"
#include "dsp/ls_fit.h"

/* R is loaded by this share of its mean diagonal: the fit stays defined where the line holds
 * next to nothing in some direction (a band the line cuts), at a cost far under the noise. */
#define DIAGONAL_LOAD 1e-7

void sq_ls_fit_start(sq_ls_fit *f, int n_taps)
{
    f->n_taps = n_taps < 1 ? 1 : n_taps > SQ_LS_FIT_MAX_TAPS ? SQ_LS_FIT_MAX_TAPS : n_taps;
    f->rows = 0;
    for (int i = 0; i < f->n_taps; i++) {
        memset(&f->r[i][i], 0, (size_t)(f->n_taps - i) * sizeof f->r[i][i]);
        f->p[i] = 0.0;
    }
}

void sq_ls_fit_add(sq_ls_fit *f, const float complex *line, double complex want)
{
    const int n = f->n_taps;
    for (int i = 0; i < n; i++) {
        double complex ci = conj((double complex)line[i]);
        f->p[i] += ci * want;
        double complex *row = f->r[i];
        for (int j = i; j < n; j++)
            row[j] += ci * (double complex)line[j];
    }
    f->rows++;
}

/* sum over m < rows of conj(x[m s + a]) y_m, for y_m = x[m s + b + k], k < count, into
 * out[k] (added): one pass over the rows, the products in real arithmetic (C's complex
 * multiply also checks for infinities, which a sum of finite samples never meets) */
static void sum_products(const float complex *x, size_t rows, size_t s, size_t a, long b, int count, double complex *out)
{
    double re[SQ_LS_FIT_MAX_TAPS] = { 0 }, im[SQ_LS_FIT_MAX_TAPS] = { 0 };
    for (size_t m = 0; m < rows; m++) {
        const float complex *row = x + m * s;
        double ar = crealf(row[a]), ai = cimagf(row[a]);
        for (int k = 0; k < count; k++) {
            double br = crealf(row[b + k]), bi = cimagf(row[b + k]);
            re[k] += ar * br + ai * bi;
            im[k] += ar * bi - ai * br;
        }
    }
    for (int k = 0; k < count; k++)
        out[k] += CMPLX(re[k], im[k]);
}

void sq_ls_fit_sliding(sq_ls_fit *f, int n_taps, const float complex *x, size_t rows, int step, const double complex *want)
{
    sq_ls_fit_start(f, n_taps);
    const int n = f->n_taps;
    if (rows == 0 || step < 1)
        return;
    const size_t s = (size_t)step, end = rows * s;   /* row m's newest sample is x[m s + n - 1] */
    for (int i = 0; i < n; i++) {
        double re = 0.0, im = 0.0;
        for (size_t m = 0; m < rows; m++) {
            float complex v = x[m * s + (size_t)(n - 1 - i)];
            re += crealf(v) * creal(want[m]) + cimagf(v) * cimag(want[m]);
            im += crealf(v) * cimag(want[m]) - cimagf(v) * creal(want[m]);
        }
        f->p[i] = CMPLX(re, im);
    }
    for (int i = 0; i < n && (size_t)i < s; i++) {   /* R's first rows in full: R[i][j] for j >= i */
        double complex row[SQ_LS_FIT_MAX_TAPS] = { 0 };
        /* x[m s + n - 1 - j] for j = n - 1 down to i: the samples m s .. m s + n - 1 - i */
        sum_products(x, rows, s, (size_t)(n - 1 - i), 0, n - i, row);
        for (int j = i; j < n; j++)
            f->r[i][j] = row[n - 1 - j];
    }
    for (int i = step; i < n; i++)   /* down the diagonal: the row before the first in, the last out */
        for (int j = i; j < n; j++) {
            size_t a = (size_t)(n - 1 - i), b = (size_t)(n - 1 - j);
            f->r[i][j] = f->r[i - step][j - step] + conj((double complex)x[a]) * (double complex)x[b] -
                         conj((double complex)x[end + a]) * (double complex)x[end + b];
        }
    f->rows = rows;
}

/* R = L L^H: L's diagonal into diag, the rest into R's lower triangle (R keeps its upper
 * one); 0 or -1. */
static int factor(sq_ls_fit *f, double diag[SQ_LS_FIT_MAX_TAPS])
{
    const int n = f->n_taps;
    double complex (*r)[SQ_LS_FIT_MAX_TAPS] = f->r;
    double mean = 0.0;
    for (int i = 0; i < n; i++)
        mean += creal(r[i][i]);
    double load = DIAGONAL_LOAD * mean / n;
    for (int j = 0; j < n; j++) {
        double d = creal(r[j][j]) + load;
        for (int k = 0; k < j; k++)
            d -= creal(r[j][k] * conj(r[j][k]));
        if (!(d > 0.0))
            return -1;
        diag[j] = sqrt(d);
        for (int i = j + 1; i < n; i++) {
            double complex s = conj(r[j][i]);   /* R[i][j] = conj(R[j][i]) */
            for (int k = 0; k < j; k++)
                s -= r[i][k] * conj(r[j][k]);
            r[i][j] = s / diag[j];
        }
    }
    return 0;
}

int sq_ls_fit_solve(sq_ls_fit *f, float complex *taps)
{
    const int n = f->n_taps;
    if (f->rows < (size_t)n)
        return -1;
    double diag[SQ_LS_FIT_MAX_TAPS];
    double complex y[SQ_LS_FIT_MAX_TAPS], x[SQ_LS_FIT_MAX_TAPS];
    if (factor(f, diag) != 0)
        return -1;
    const double complex (*l)[SQ_LS_FIT_MAX_TAPS] = (const double complex (*)[SQ_LS_FIT_MAX_TAPS])f->r;
    for (int i = 0; i < n; i++) {   /* L y = p */
        double complex s = f->p[i];
        for (int k = 0; k < i; k++)
            s -= l[i][k] * y[k];
        y[i] = s / diag[i];
    }
    for (int i = n - 1; i >= 0; i--) {   /* L^H x = y */
        double complex s = y[i];
        for (int k = i + 1; k < n; k++)
            s -= conj(l[k][i]) * x[k];
        x[i] = s / diag[i];
    }
    for (int i = 0; i < n; i++) {
        if (!isfinite(creal(x[i])) || !isfinite(cimag(x[i])))
            return -1;
        taps[i] = (float complex)x[i];
    }
    return 0;
}

float sq_ls_equalise_real(const float *taps, int n_taps, const float *x, size_t at)
{
    const float *newest = x + at + n_taps / 2;
    float y0 = 0.0f, y1 = 0.0f;   /* two sums: half the chain of dependent additions */
    int i = 0;
    for (; i + 2 <= n_taps; i += 2) {
        y0 += taps[i] * newest[-i];
        y1 += taps[i + 1] * newest[-i - 1];
    }
    for (; i < n_taps; i++)
        y0 += taps[i] * newest[-i];
    return y0 + y1;
}

/* R = L L^T for real R (its upper triangle), L below the diagonal and in diag; 0 or -1. The
 * load on the diagonal is from the mean of its first n_taps entries (a constant's, after
 * them, is the rows' count, of another scale). lt holds L transposed as it is made: column j
 * of L is worked out as one row of sums, each taking its terms in the order a sum of its own
 * would (k up), so the result is the same to the bit, but side by side along a row of lt,
 * where they vectorise. */
static int factor_real(double (*r)[SQ_LS_FIT_REAL_MAX_TAPS], double (*lt)[SQ_LS_FIT_REAL_MAX_TAPS], int n, int n_taps,
                       double *diag)
{
    double mean = 0.0;
    for (int i = 0; i < n_taps; i++)
        mean += r[i][i];
    double load = DIAGONAL_LOAD * mean / n_taps;
    double s[SQ_LS_FIT_REAL_MAX_TAPS];
    for (int j = 0; j < n; j++) {
        double d = r[j][j] + load;
        for (int k = 0; k < j; k++)
            d -= r[j][k] * r[j][k];
        if (!(d > 0.0))
            return -1;
        diag[j] = sqrt(d);
        for (int i = j + 1; i < n; i++)
            s[i] = r[j][i];
        for (int k = 0; k < j; k++) {
            const double *row = lt[k];
            double ljk = row[j];
            int i = j + 1;
            for (; i + 2 <= n; i += 2) {   /* in pairs: two lanes of one vector */
                s[i] -= row[i] * ljk;
                s[i + 1] -= row[i + 1] * ljk;
            }
            if (i < n)
                s[i] -= row[i] * ljk;
        }
        for (int i = j + 1; i < n; i++)
            r[i][j] = lt[j][i] = s[i] / diag[j];
    }
    return 0;
}

double sq_ls_fit_real(const float *x, size_t first, size_t rows, int n_taps, const double *want, float *taps,
                      float *bias)
{
    const int n = n_taps, nb = n_taps + (bias != NULL);   /* the unknowns: the taps, and the constant */
    if (n < 1 || nb > SQ_LS_FIT_REAL_MAX_TAPS || rows < (size_t)nb)
        return -1.0;
    /* row m reads v[m + n - 1 - i], i < n: the samples first + m - n / 2 ... + n / 2, newest first */
    const float *v = x + first - (size_t)(n / 2);
    double (*r)[SQ_LS_FIT_REAL_MAX_TAPS] = malloc(2 * (size_t)nb * sizeof *r), (*lt)[SQ_LS_FIT_REAL_MAX_TAPS] = r + nb;
    if (!r)
        return -1.0;
    double p[SQ_LS_FIT_REAL_MAX_TAPS], diag[SQ_LS_FIT_REAL_MAX_TAPS], y[SQ_LS_FIT_REAL_MAX_TAPS], t[SQ_LS_FIT_REAL_MAX_TAPS];
    /* p and R's first row in full: row by row, every sum in the order a sum of its own would
     * take (the same result to the bit), but side by side, so that they vectorise */
    double *row0 = r[0];
    for (int i = 0; i < n; i++)
        p[i] = row0[i] = 0.0;
    for (size_t m = 0; m < rows; m++) {
        const float *line = v + m;   /* line[n - 1 - i]: tap i's sample */
        double w = want[m], newest = line[n - 1];
        for (int i = 0; i < n; i++) {
            double s = line[n - 1 - i];
            p[i] += s * w;
            row0[i] += newest * s;
        }
    }
    for (int i = 1; i < n; i++)   /* down the diagonal: the row before the first in, the last out */
        for (int j = i; j < n; j++) {
            size_t a = (size_t)(n - 1 - i), b = (size_t)(n - 1 - j);
            r[i][j] = r[i - 1][j - 1] + (double)v[a] * v[b] - (double)v[rows + a] * v[rows + b];
        }
    if (bias) {   /* the constant's column: each tap's line summed over the rows, and the rows */
        double sum = 0.0, want_sum = 0.0;
        for (size_t m = 0; m < rows; m++) {
            sum += v[m + (size_t)(n - 1)];
            want_sum += want[m];
        }
        r[0][n] = sum;
        for (int i = 1; i < n; i++) {
            size_t a = (size_t)(n - 1 - i);
            r[i][n] = r[i - 1][n] + (double)v[a] - (double)v[rows + a];
        }
        r[n][n] = (double)rows;
        p[n] = want_sum;
    }
    double err = -1.0;
    if (factor_real(r, lt, nb, n, diag) == 0) {
        for (int i = 0; i < nb; i++) {   /* L y = p, then L^T t = y */
            double sum = p[i];
            for (int k = 0; k < i; k++)
                sum -= r[i][k] * y[k];
            y[i] = sum / diag[i];
        }
        for (int i = nb - 1; i >= 0; i--) {
            double sum = y[i];
            for (int k = i + 1; k < nb; k++)
                sum -= r[k][i] * t[k];
            t[i] = sum / diag[i];
        }
        err = 0.0;
        for (int i = 0; i < nb && err >= 0.0; i++)
            if (!isfinite(t[i]))
                err = -1.0;
        for (int i = 0; i < n && err >= 0.0; i++)
            taps[i] = (float)t[i];
        const float b = bias && err >= 0.0 ? (float)t[n] : 0.0f;
        if (bias && err >= 0.0)
            *bias = b;
        for (size_t k = 0; k < rows && err >= 0.0; k++) {
            double e = sq_ls_equalise_real(taps, n, x, first + k) + b - want[k];
            err += e * e;
        }
    }
    free(r);
    return err;
}
