/* squeal: result codes.
 *
 * Every function that can fail returns an int: SQ_OK (0) or a negative SQ_E* code.
 * Constructors return the code and set *out to NULL on failure. sq_strerror() gives
 * a short English description; the library itself never prints. */
#ifndef SQUEAL_ERROR_H
#define SQUEAL_ERROR_H

#include "squeal/export.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    SQ_OK = 0,
    SQ_EINVAL = -1,       /* an argument is out of its documented range */
    SQ_ENOMEM = -2,       /* allocation failed */
    SQ_EAGAIN = -3,       /* nothing available now: push more input, then poll again */
    SQ_EIO = -4,          /* a file could not be opened, read or written */
    SQ_EFORMAT = -5,      /* the file is not audio in a format we can read */
    SQ_EUNSUPPORTED = -6, /* valid audio, but a rate or channel count we do not handle */
    SQ_ETRUNCATED = -7,   /* the file ends before its header says it should */
    SQ_EEMPTY = -8,       /* the file holds no audio frames */
};

/* Text for a result code; never NULL. */
SQ_API const char *sq_strerror(int code);

#ifdef __cplusplus
}
#endif

#endif
