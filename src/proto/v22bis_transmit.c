/* V.22bis session, transmit: the signal this side sends, symbol by symbol. */

#include "src/proto/v22bis_internal.h"

void v22s_send_signal(sq_v22_session *s, enum tx_signal sig, int rate)
{
    s->tx = sig;
    s->tx_rate = rate;
    s->tx_symbols = 0;
}

static void next_data_bits(sq_v22_session *s, uint8_t *bits, int count)
{
    for (int i = 0; i < count; i++) {
        uint8_t byte;
        if (s->n < s->first_char_at) {   /* the far receiver may not be ready yet */
            bits[i] = 1;
            continue;
        }
        if (s->set.get_bit) {
            bits[i] = s->st.phase == SQ_V22_DATA ? s->set.get_bit(s->set.bit_user) : 1;
            continue;
        }
        if (s->char_pos == s->char_len && s->st.phase == SQ_V22_DATA &&
            sq_byte_queue_pop(&s->txq, &byte, 1)) {
            s->char_len = sq_async_frame_byte(&s->set.format, byte, s->char_bits);
            s->char_pos = 0;
        }
        bits[i] = s->char_pos < s->char_len ? s->char_bits[s->char_pos++] : 1;   /* idle: mark */
    }
}

float complex v22s_next_symbol(void *user)
{
    sq_v22_session *s = user;
    uint8_t bits[4] = { 1, 1, 1, 1 };
    int nb = sq_v22_bits_per_symbol(s->tx_rate);
    s->tx_symbols++;
    switch (s->tx) {
    case TX_SILENT:
        return 0.0f;
    case TX_USB1:   /* unscrambled 1s */
        return sq_v22_map(&s->map, 1200, bits);
    case TX_S1:     /* unscrambled 00 and 11 alternately, then SB1 */
        if (s->tx_symbols > S1_SYMBOLS) {
            v22s_send_signal(s, s->retrain_1200 ? TX_RATE_1200 : TX_SB1, 1200);
            v22s_note(s, s->retrain_1200 ? "01 dibits sent at 1200 bit/s: asking for 1200" : "SB1 sent at 1200 bit/s");
            return v22s_next_symbol(user);
        }
        bits[0] = bits[1] = s->tx_symbols & 1u;
        return sq_v22_map(&s->map, 1200, bits);
    case TX_RATE_1200:
    case TX_SB1:
    case TX_DATA:
        if (s->tx == TX_DATA)
            next_data_bits(s, bits, nb);
        else if (s->tx == TX_RATE_1200)
            bits[0] = 0;
        for (int i = 0; i < nb; i++)
            bits[i] = sq_v22_scramble(&s->scr, bits[i]);
        return sq_v22_map(&s->map, s->tx_rate, bits);
    }
    return 0.0f;
}
