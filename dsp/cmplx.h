/* Internal: CMPLXF and CMPLX, building a float or double complex from its two parts without the arithmetic
 * (re + I * im) that C99 Annex G turns into a NaN when im is infinite. glibc defines it only
 * for GCC 4.7 and later, so under Clang (which calls itself GCC 4.2) it is missing;
 * __builtin_complex is what glibc's own definition uses, and Clang has it too. */
#ifndef SQ_DSP_CMPLX_H
#define SQ_DSP_CMPLX_H

#include <complex.h>

#ifndef CMPLXF
#define CMPLXF(x, y) __builtin_complex((float)(x), (float)(y))
#endif
#ifndef CMPLX
#define CMPLX(x, y) __builtin_complex((double)(x), (double)(y))
#endif

#endif
