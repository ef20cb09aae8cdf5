/* One set of rules for every output the program writes (output_file.h). */
#include "src/io/output_file.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_LEN 4096
#define LINK_HOPS 40                       /* as the kernel's own limit (ELOOP) */
#define TEMP_SUFFIX ".squeal-partial-XXXXXX"
#define MAX_TEMPORARIES 16                 /* outputs open at once: a handful in any command */

/* The temporaries open now, for the signal handlers. A slot's name is written before the
 * slot is marked used, and unmarked before the name is reused, so a handler never reads a
 * half-written name. */
static char temp_names[MAX_TEMPORARIES][PATH_LEN + sizeof TEMP_SUFFIX];
static volatile sig_atomic_t temp_used[MAX_TEMPORARIES];

typedef enum output_kind {
    OUT_TEMPORARY,    /* written beside the target, renamed over it */
    OUT_IN_PLACE,     /* a device, FIFO or socket, written as it is */
    OUT_STDOUT,
} output_kind;

struct output_file {
    output_kind kind;
    int fd;           /* what the writer writes into */
    int dest_fd;      /* with a spool: where the spool goes on commit; else -1 */
    int slot;         /* temp_names slot, or -1 */
    char final_path[PATH_LEN];
};

__attribute__((format(printf, 3, 4))) static void say(char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
}

/* The path a chain of symbolic links ends at (the path itself when it is not a link; a
 * dangling link's target, which will then be created). 0, or -1 with errno set. */
static int follow_links(const char *path, char *out, size_t len)
{
    if (strlen(path) >= len) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(out, path, strlen(path) + 1);
    for (int hop = 0; hop < LINK_HOPS; hop++) {
        struct stat st;
        if (lstat(out, &st) != 0 || !S_ISLNK(st.st_mode))
            return 0;
        char target[PATH_LEN];
        ssize_t k = readlink(out, target, sizeof target - 1);
        if (k < 0)
            return -1;
        target[k] = '\0';
        /* a relative target is relative to the link's own folder */
        char *slash = strrchr(out, '/');
        size_t keep = target[0] == '/' || !slash ? 0 : (size_t)(slash - out) + 1;
        if (keep + (size_t)k >= len) {
            errno = ENAMETOOLONG;
            return -1;
        }
        memcpy(out + keep, target, (size_t)k + 1);
    }
    errno = ELOOP;
    return -1;
}

/* The folder a new file at path would be made in must exist and be a folder. */
static int check_folder(const char *path, char *err, size_t err_len)
{
    char dir[PATH_LEN];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    struct stat st;
    if (stat(dir, &st) != 0) {
        say(err, err_len, "cannot write '%s': the folder '%s' does not exist", path, dir);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        say(err, err_len, "cannot write '%s': '%s' is not a folder", path, dir);
        return -1;
    }
    if (access(dir, W_OK) != 0) {
        say(err, err_len, "cannot write '%s': the folder '%s' is not writable", path, dir);
        return -1;
    }
    return 0;
}

/* Resolves path to the file that will be written and how. *st holds what is there now
 * (st_mode 0 when nothing is). Something that is not a regular file is written through
 * path itself, so that links the kernel makes up (/dev/stdout is /proc/self/fd/1, which
 * names "pipe:[...]") still lead to it; a regular file's links are followed to the real
 * file, since its temporary must be made beside that. */
static int inspect(const char *path, char *final, size_t len, struct stat *st, char *err, size_t err_len)
{
    memset(st, 0, sizeof *st);
    if (!*path) {
        snprintf(err, err_len, "an output file name is empty");
        return -1;
    }
    if (stat(path, st) == 0 && !S_ISREG(st->st_mode)) {
        if (S_ISDIR(st->st_mode)) {
            say(err, err_len, "cannot write '%s': it is a folder (give a file name)", path);
            return -1;
        }
        snprintf(final, len, "%s", path);
        return 0;
    }
    if (follow_links(path, final, len) != 0) {
        say(err, err_len, "cannot write '%s': %s", path, strerror(errno));
        return -1;
    }
    if (stat(final, st) != 0) {
        if (errno != ENOENT) {
            say(err, err_len, "cannot write '%s': %s", path, strerror(errno));
            return -1;
        }
        memset(st, 0, sizeof *st);
    }
    return check_folder(final, err, err_len);
}

int output_file_check(const char *path, char *err, size_t err_len)
{
    char final[PATH_LEN];
    struct stat st;
    return strcmp(path, "-") == 0 ? 0 : inspect(path, final, sizeof final, &st, err, err_len);
}

static int claim_slot(void)
{
    for (int i = 0; i < MAX_TEMPORARIES; i++)
        if (!temp_used[i])
            return i;
    return -1;
}

static void release_slot(output_file *f, int remove)
{
    if (f->slot < 0)
        return;
    if (remove)
        unlink(temp_names[f->slot]);
    temp_used[f->slot] = 0;
    f->slot = -1;
}

static int open_temporary(output_file *f, const struct stat *st, const char *path, char *err, size_t err_len)
{
    f->slot = claim_slot();
    if (f->slot < 0) {
        say(err, err_len, "cannot write '%s': too many outputs open at once", path);
        return -1;
    }
    char *name = temp_names[f->slot];
    snprintf(name, sizeof temp_names[0], "%s" TEMP_SUFFIX, f->final_path);
    f->fd = mkstemp(name);
    if (f->fd < 0) {
        say(err, err_len, "cannot write '%s': %s", path, strerror(errno));
        f->slot = -1;
        return -1;
    }
    temp_used[f->slot] = 1;
    if (st->st_mode) {
        /* replacing a file: it keeps its mode and, where we may, its owner */
        (void)fchmod(f->fd, st->st_mode & 07777);
        (void)fchown(f->fd, st->st_uid, st->st_gid);
    } else {
        mode_t mask = umask(0);   /* read the umask: there is no other way to */
        umask(mask);
        (void)fchmod(f->fd, 0666 & ~mask);
    }
    return 0;
}

/* A writer that seeks, on a destination that cannot: it writes to an unlinked scratch file,
 * which commit copies out. */
static int open_spool(output_file *f, const char *path, char *err, size_t err_len)
{
    if (isatty(f->fd)) {
        say(err, err_len, "will not write audio to a terminal ('%s'): redirect it to a file or a pipe", path);
        return -1;
    }
    const char *dir = getenv("TMPDIR");
    char name[PATH_LEN];
    snprintf(name, sizeof name, "%s/squeal-spool-XXXXXX", dir && *dir ? dir : "/tmp");
    int spool = mkstemp(name);
    if (spool < 0) {
        say(err, err_len, "cannot make a scratch file for '%s': %s", path, strerror(errno));
        return -1;
    }
    unlink(name);   /* nothing to clean up, whatever happens next */
    f->dest_fd = f->fd;
    f->fd = spool;
    return 0;
}

int output_file_open(const char *path, int flags, output_file **out, char *err, size_t err_len)
{
    *out = NULL;
    output_file *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    f->fd = f->dest_fd = f->slot = -1;
    struct stat st;
    int rc = 0;
    if (strcmp(path, "-") == 0) {
        f->kind = OUT_STDOUT;
        f->fd = 1;
    } else if (inspect(path, f->final_path, sizeof f->final_path, &st, err, err_len) != 0) {
        rc = -1;
    } else if (st.st_mode == 0 || S_ISREG(st.st_mode)) {
        f->kind = OUT_TEMPORARY;
        rc = open_temporary(f, &st, path, err, err_len);
    } else {
        f->kind = OUT_IN_PLACE;
        f->fd = open(f->final_path, O_WRONLY | O_NOCTTY);
        if (f->fd < 0) {
            say(err, err_len, "cannot write '%s': %s", path,
                errno == ENXIO && S_ISSOCK(st.st_mode) ? "it is a socket" : strerror(errno));
            rc = -1;
        }
    }
    if (rc == 0 && f->kind != OUT_TEMPORARY && (flags & OUTPUT_NEEDS_SEEK) && lseek(f->fd, 0, SEEK_CUR) < 0)
        rc = open_spool(f, path, err, err_len);
    if (rc != 0) {
        output_file_abort(f);
        return -1;
    }
    *out = f;
    return 0;
}

int output_file_fd(const output_file *f)
{
    return f->fd;
}

static int write_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, buf, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        buf += k;
        n -= (size_t)k;
    }
    return 0;
}

int output_file_write(output_file *f, const void *buf, size_t n)
{
    return write_all(f->fd, buf, n);
}

static int copy_spool(output_file *f)
{
    char buf[65536];
    if (lseek(f->fd, 0, SEEK_SET) != 0)
        return -1;
    for (;;) {
        ssize_t k = read(f->fd, buf, sizeof buf);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0)
            return 0;
        if (write_all(f->dest_fd, buf, (size_t)k) != 0)
            return -1;
    }
}

static void close_fds(output_file *f)
{
    if (f->fd > 2)
        close(f->fd);
    if (f->dest_fd > 2)
        close(f->dest_fd);
    f->fd = f->dest_fd = -1;
}

int output_file_commit(output_file *f, char *err, size_t err_len)
{
    int rc = 0;
    const char *what = f->kind == OUT_STDOUT ? "-" : f->final_path;
    if (f->dest_fd >= 0 && copy_spool(f) != 0)
        rc = -1;
    if (rc == 0 && f->kind == OUT_TEMPORARY && fsync(f->fd) != 0 && errno != EINVAL)
        rc = -1;
    int fd = f->fd;
    f->fd = -1;
    if (fd > 2 && close(fd) != 0)
        rc = -1;
    if (rc == 0 && f->kind == OUT_TEMPORARY && rename(temp_names[f->slot], f->final_path) != 0)
        rc = -1;
    if (rc != 0)
        say(err, err_len, "cannot write '%s': %s", what, strerror(errno));
    release_slot(f, rc != 0);
    close_fds(f);
    free(f);
    return rc;
}

void output_file_abort(output_file *f)
{
    if (!f)
        return;
    close_fds(f);
    release_slot(f, 1);
    free(f);
}

static int stat_path(const char *path, int std_fd, struct stat *st)
{
    return strcmp(path, "-") == 0 ? fstat(std_fd, st) : stat(path, st);
}

int output_file_same(const char *out_path, const char *in_path)
{
    struct stat o, i;
    if (!out_path || !in_path || stat_path(out_path, 1, &o) != 0 || stat_path(in_path, 0, &i) != 0)
        return 0;
    if (!(S_ISREG(o.st_mode) || S_ISFIFO(o.st_mode)))
        return 0;
    return o.st_dev == i.st_dev && o.st_ino == i.st_ino;
}

void output_files_remove_temporaries(void)
{
    for (int i = 0; i < MAX_TEMPORARIES; i++)
        if (temp_used[i])
            unlink(temp_names[i]);
}
