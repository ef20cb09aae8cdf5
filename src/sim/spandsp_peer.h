/* spandsp's V.22bis modem (libspandsp, an independent implementation) as the far end of a
 * call, with start-stop framing of its own, for the interop tests and the benchmark. Built
 * only when spandsp is found. Samples are floats at 8 kHz, full scale 1.0 = int16 32768. */
#ifndef SQ_SIM_SPANDSP_PEER_H
#define SQ_SIM_SPANDSP_PEER_H

#include <stddef.h>
#include <stdint.h>

typedef struct spandsp_peer spandsp_peer;

/* caller: 1 for the calling modem; rate 2400 or 1200; sends payload[0..len) once its
 * training is done, then idles on marks. NULL on failure. */
spandsp_peer *spandsp_peer_create(int caller, int rate, const uint8_t *payload, size_t len);
/* Sends as a DTE running fast would make a V.14 modem do: every 8th character without its
 * stop bit. */
void spandsp_peer_delete_stops(spandsp_peer *p);
void spandsp_peer_process(spandsp_peer *p, const float *rx, float *tx, size_t n);
/* What spandsp has received so far (8N1 characters, through its own async_rx). */
const uint8_t *spandsp_peer_received(const spandsp_peer *p, size_t *len);
size_t spandsp_peer_sent(const spandsp_peer *p);
int spandsp_peer_trained(const spandsp_peer *p);   /* training succeeded (and not lost) */
int spandsp_peer_rate(spandsp_peer *p);
void spandsp_peer_destroy(spandsp_peer *p);

#endif
