/* Result-code strings and the library version. */
#include "squeal/squeal.h"

const char *sq_strerror(int code)
{
    switch (code) {
    case SQ_OK: return "success";
    case SQ_EINVAL: return "invalid argument";
    case SQ_ENOMEM: return "out of memory";
    case SQ_EAGAIN: return "no output available yet";
    case SQ_EIO: return "input/output error";
    case SQ_EFORMAT: return "not a readable audio file";
    case SQ_EUNSUPPORTED: return "unsupported sample rate or channel count";
    case SQ_ETRUNCATED: return "audio file is truncated";
    case SQ_EEMPTY: return "audio file holds no audio";
    default: return "unknown error";
    }
}

const char *sq_version(void)
{
    return SQ_VERSION_STRING;
}

unsigned sq_api_version(void)
{
    return SQ_API_VERSION;
}
