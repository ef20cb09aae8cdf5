/* Optional parts of the program that live in modules of their own (the sound-card line,
 * the pictures), opened the first time a command needs one. PortAudio and Cairo bring some
 * twenty-five libraries with them; loading those cost every run 12 ms before it did
 * anything, three times what decoding a second of a call costs. A command that plays no
 * sound and draws nothing now never loads them. */
#ifndef SQ_IO_MODULE_LOADER_H
#define SQ_IO_MODULE_LOADER_H

#include <stddef.h>

/* Every module exports this: the version it was built as, which must be the program's. */
#define SQ_MODULE_VERSION_SYMBOL "sq_module_version"
/* What a module exports (its code is built with hidden visibility otherwise). */
#define SQ_MODULE_EXPORT __attribute__((visibility("default")))

/* The address of `symbol` in module `name` (a file name, "squeal-portaudio.so"), looked for
 * in $SQUEAL_MODULE_DIR when that is set; else beside the running program when it is there
 * (the build tree), else in the directory it was installed to. NULL with err when the module cannot be opened, was
 * built for another version, or lacks the symbol. Modules stay open until exit. */
void *sq_module_symbol(const char *name, const char *symbol, char *err, size_t err_len);

#endif
