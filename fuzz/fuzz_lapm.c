/* libFuzzer: the HDLC receiver and a V.42 LAPM link fed line bits (one per input bit), as a
 * far end that says anything at all would send them. The link answers, times out and
 * delivers; nothing it delivers may come from a frame with a bad FCS. */
#include <stdint.h>
#include "src/proto/hdlc.h"
#include "src/proto/lapm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    sq_hdlc_rx rx;
    sq_hdlc_rx_init(&rx);
    static uint8_t frame[SQ_HDLC_MAX_FRAME];
    sq_lapm *l = NULL;
    if (sq_lapm_create(data[0] & 1, data[0] & 2 ? 2400 : 1200, &l) != 0)
        return 0;
    sq_lapm_start(l, 0);
    uint8_t out[512];
    uint64_t now = 0;
    for (size_t i = 1; i < size; i++) {
        for (int b = 0; b < 8; b++) {
            uint8_t bit = (uint8_t)((data[i] >> b) & 1);
            (void)sq_hdlc_rx_bit(&rx, bit, frame);
            sq_lapm_rx_bit(l, bit);
            (void)sq_lapm_tx_bit(l);
            now += 4;
            sq_lapm_tick(l, now);
        }
        if (data[i] == 0x7e)
            (void)sq_lapm_send(l, data, size < 64 ? size : 64);
        while (sq_lapm_receive(l, out, sizeof out) > 0)
            ;
    }
    sq_v8_note note;
    while (sq_lapm_next_note(l, &note) == 0)
        ;
    sq_lapm_destroy(l);
    return 0;
}
