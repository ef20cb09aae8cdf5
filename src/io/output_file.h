/* Where the program writes what a user asked it to write: one set of rules for every output
 * (WAV files, received bytes, raw line audio), so that squeal never replaces or empties a
 * file it was not asked to touch.
 *
 * - "-" is standard output.
 * - A regular file, or a path that does not exist yet, is written to a temporary file beside
 *   it (NAME.squeal-partial-XXXXXX) and renamed over NAME only when complete. A new file's
 *   permissions follow the umask; a replaced file keeps its mode and, where allowed, owner.
 * - Anything else that exists (a character device such as /dev/null, a FIFO, a socket) is
 *   opened and written in place: never unlinked, truncated or replaced.
 * - A symbolic link is followed: the file it points to is written, and the link stays.
 * - A missing folder, or a path that is a folder, is refused when the output is checked or
 *   opened, before any work.
 * - An output that is the same file as one of the inputs is refused (output_file_same).
 * A temporary is removed on every way out but SIGKILL: commit renames it, abort and the
 * signal handlers (output_files_remove_temporaries) unlink it. */
#ifndef SQ_IO_OUTPUT_FILE_H
#define SQ_IO_OUTPUT_FILE_H

#include <stddef.h>

typedef struct output_file output_file;

enum {
    /* The writer seeks (libsndfile goes back to fill in a WAV header): a destination that
     * cannot seek (a pipe, a FIFO) gets a spool file, copied to it on commit, and a
     * terminal is refused. */
    OUTPUT_NEEDS_SEEK = 1,
};

/* Checks now, before any work, that path can be written under these rules. 0, or -1 with
 * a one-line reason in err. */
int output_file_check(const char *path, char *err, size_t err_len);
/* 0 with *out set, or -1 with a one-line reason in err. */
int output_file_open(const char *path, int flags, output_file **out, char *err, size_t err_len);
/* The descriptor to write into (the temporary, the spool, or the destination itself). */
int output_file_fd(const output_file *f);
/* Writes all of buf (restarting after signals); 0, or -1 with errno set. */
int output_file_write(output_file *f, const void *buf, size_t n);
/* Finishes: renames the temporary into place, or copies the spool out. Frees f in every
 * case; 0, or -1 with a reason in err (the temporary is then removed). */
int output_file_commit(output_file *f, char *err, size_t err_len);
/* Drops what was written: a temporary is removed, the destination untouched. NULL-safe. */
void output_file_abort(output_file *f);

/* 1 when out_path names the same file as in_path (the same device and inode, through any
 * link), 0 otherwise (also when either does not exist, or in_path is "-"). Character devices
 * are never "the same" (reading /dev/zero and writing /dev/null is fine). */
int output_file_same(const char *out_path, const char *in_path);

/* Unlinks every temporary still open. Async-signal-safe: for signal handlers. */
void output_files_remove_temporaries(void);

#endif
