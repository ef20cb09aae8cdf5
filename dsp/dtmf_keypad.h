/* The DTMF keypad (Q.23): which row and column tone each digit is made of, shared by the
 * transmitter and the receiver. */
#ifndef SQ_DSP_DTMF_KEYPAD_H
#define SQ_DSP_DTMF_KEYPAD_H

static const double DTMF_ROW_HZ[4] = { 697.0, 770.0, 852.0, 941.0 };
static const double DTMF_COL_HZ[4] = { 1209.0, 1336.0, 1477.0, 1633.0 };
static const char DTMF_KEYS[4][4] = {
    { '1', '2', '3', 'A' },
    { '4', '5', '6', 'B' },
    { '7', '8', '9', 'C' },
    { '*', '0', '#', 'D' },
};

/* Row and column of a digit (either case); 0, or -1 when it is not on the keypad. */
static inline int dtmf_key_position(char c, int *row, int *col)
{
    if (c >= 'a' && c <= 'd')
        c = (char)(c - 'a' + 'A');
    for (int r = 0; r < 4; r++)
        for (int k = 0; k < 4; k++)
            if (DTMF_KEYS[r][k] == c) {
                *row = r;
                *col = k;
                return 0;
            }
    return -1;
}

#endif
