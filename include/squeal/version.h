/* squeal: versions. The package version says which release this is; the API version says
 * what a program can rely on. SQ_API_VERSION_MAJOR is the library's soname (libsqueal.so.N):
 * raised whenever a program built against an older header could break (a struct that
 * changes size or layout, a function that goes or changes). SQ_API_VERSION_MINOR is raised
 * when something is added. Settings structs end in reserved space, so a setting can be
 * added without changing their size. */
#ifndef SQUEAL_VERSION_H
#define SQUEAL_VERSION_H

#include "squeal/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SQ_API_VERSION_MAJOR 2
#define SQ_API_VERSION_MINOR 23
#define SQ_API_VERSION ((SQ_API_VERSION_MAJOR << 16) | SQ_API_VERSION_MINOR)

/* The package version of the library in use, "MAJOR.MINOR.PATCH". */
SQ_API const char *sq_version(void);
/* The SQ_API_VERSION the library in use was built with: a program can check that its
 * major part is the one it was built against, and its minor part at least as high. */
SQ_API unsigned sq_api_version(void);

#ifdef __cplusplus
}
#endif

#endif
