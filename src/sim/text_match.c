/* Characters of a text that came out (src/sim/text_match.h). */
#include <stdlib.h>
#include "src/sim/text_match.h"

size_t text_match_common(const char *sent, size_t n, const char *got, size_t m)
{
    m = m < SQ_TEXT_MATCH_MAX ? m : SQ_TEXT_MATCH_MAX;
    size_t *row = calloc(m + 1, sizeof *row);   /* one row of the table, reused */
    if (!row)
        return 0;
    for (size_t i = 1; i <= n; i++) {
        size_t diag = 0;
        for (size_t j = 1; j <= m; j++) {
            size_t up = row[j];
            row[j] = sent[i - 1] == got[j - 1] ? diag + 1 : (row[j] > row[j - 1] ? row[j] : row[j - 1]);
            diag = up;
        }
    }
    size_t common = row[m];
    free(row);
    return common;
}
