/* How much of a sent text came out: shared by the tests and the benchmarks that score a
 * decoder's characters. */
#ifndef SQ_SIM_TEXT_MATCH_H
#define SQ_SIM_TEXT_MATCH_H

#include <stddef.h>

/* The longest common subsequence of sent[0..n) and got[0..m): the characters that came out
 * right and in order, whatever was lost or added around them. m above
 * SQ_TEXT_MATCH_MAX is read as SQ_TEXT_MATCH_MAX. */
#define SQ_TEXT_MATCH_MAX 4096
size_t text_match_common(const char *sent, size_t n, const char *got, size_t m);

#endif
