/* libFuzzer: a whole call object (V.8, then the data modem it picks) with hostile audio on
 * its receive side: the first byte picks the role and framing, the rest is 16-bit PCM or raw
 * float bit patterns, fed in 20 ms blocks as a sound card would. It must neither crash nor
 * hang, and whatever it delivers it delivers through the normal path. */
#include <stdint.h>
#include <string.h>
#include "squeal/squeal.h"

#define BLOCK 160
#define MAX_BLOCKS 1500   /* 30 s */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t how = data[0];
    data++;
    size--;
    sq_call_settings s;
    sq_call_default_settings(how & 1 ? SQ_ROLE_CALLER : SQ_ROLE_ANSWERER, &s);
    s.v8.lapm = (how >> 1) & 1;
    s.max_rate = how & 4 ? 1200 : 2400;
    int as_float = (how >> 3) & 1;
    sq_call *c = NULL;
    if (sq_call_create(&s, &c) != SQ_OK)
        return 0;
    size_t width = as_float ? 4 : 2, pos = 0;
    float rx[BLOCK], tx[BLOCK];
    uint8_t got[256];
    static const uint8_t hello[] = "hello";
    for (int blk = 0; blk < MAX_BLOCKS && pos + width <= size; blk++) {
        for (int i = 0; i < BLOCK; i++) {
            if (pos + width > size) {
                rx[i] = 0.0f;
                continue;
            }
            if (as_float) {
                memcpy(&rx[i], data + pos, 4);
            } else {
                int16_t v;
                memcpy(&v, data + pos, 2);
                rx[i] = v / 32768.0f;
            }
            pos += width;
        }
        sq_call_process(c, rx, tx, BLOCK);
        (void)sq_call_send(c, hello, sizeof hello);
        while (sq_call_receive(c, got, sizeof got) > 0)
            ;
        sq_v8_note note;
        while (sq_call_next_note(c, &note) == SQ_OK)
            ;
        if (sq_call_status_get(c)->phase == SQ_CALL_ENDED)
            break;
    }
    sq_call_destroy(c);
    return 0;
}
