/* Streaming rate conversion with libsoxr (rate_converter.h). */
#include "src/io/rate_converter.h"
#include <soxr.h>
#include <stdlib.h>
#include <string.h>

struct sq_rate_converter {
    soxr_t soxr;        /* NULL when the rates are equal */
};

sq_rate_converter *sq_rate_converter_create(double in_rate_hz, double out_rate_hz)
{
    if (!(in_rate_hz > 0.0) || !(out_rate_hz > 0.0))
        return NULL;
    sq_rate_converter *c = calloc(1, sizeof *c);
    if (!c || in_rate_hz == out_rate_hz)
        return c;
    soxr_error_t err = NULL;
    soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    /* HQ keeps the passband flat to 0.91 of Nyquist, well past the 3.4 kHz a modem uses */
    soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
    /* Small DFT blocks: by default soxr gathers about 140 ms before it gives anything out,
     * and then gives it in bursts; a line that must answer within 20 ms cannot wait so. */
    soxr_runtime_spec_t rt = soxr_runtime_spec(1);
    rt.log2_min_dft_size = 6;
    rt.log2_large_dft_size = 6;
    c->soxr = soxr_create(in_rate_hz, out_rate_hz, 1, &err, &io, &q, &rt);
    if (err) {
        free(c);
        return NULL;
    }
    return c;
}

size_t sq_rate_converter_process(sq_rate_converter *c, const float *in, size_t n, size_t *used,
                                 float *out, size_t max_out)
{
    if (!c->soxr) {
        size_t k = n < max_out ? n : max_out;
        memcpy(out, in, k * sizeof *out);
        *used = k;
        return k;
    }
    size_t idone = 0, odone = 0;
    /* soxr fails only on bad arguments; these are checked at creation */
    (void)soxr_process(c->soxr, in, n, &idone, out, max_out, &odone);
    *used = idone;
    return odone;
}

void sq_rate_converter_destroy(sq_rate_converter *c)
{
    if (!c)
        return;
    soxr_delete(c->soxr);
    free(c);
}
