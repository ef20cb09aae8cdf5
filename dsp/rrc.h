/* Internal: the square-root raised-cosine pulse of V.22 / V.22bis (75 % roll-off, split
 * equally between transmitter and receiver; spec 4.1), shared by the QAM modulator and the
 * receiver's matched filter. */
#ifndef SQ_DSP_RRC_H
#define SQ_DSP_RRC_H

/* The pulse at t symbol periods from its centre, unit peak of the full raised cosine
 * (so that sum over k of rrc(x - k) * rrc(k)-shaped products gives 1 at x = 0). Zero
 * beyond SQ_RRC_SPAN_SYMBOLS, where a Hann taper has brought it down. */
#define SQ_RRC_ROLLOFF 0.75
#define SQ_RRC_SPAN_SYMBOLS 2.5
double sq_rrc(double t_symbols);
/* The same pulse for any roll-off (0 < rolloff <= 1), tapered to zero at span symbols. */
double sq_rrc_pulse(double t_symbols, double rolloff, double span);

#endif
