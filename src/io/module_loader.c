/* Opens the program's optional modules (module_loader.h). */
#include "src/io/module_loader.h"
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_MODULES 4

static struct {
    char name[64];
    void *handle;
} opened[MAX_MODULES];

/* The directory the running program is in, or "" when it cannot be told. */
static void program_dir(char *dir, size_t len)
{
    char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    dir[0] = '\0';
    if (n <= 0)
        return;
    path[n] = '\0';
    char *slash = strrchr(path, '/');
    if (slash && (size_t)(slash - path) < len) {
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
    }
}

static void *open_module(const char *name, char *err, size_t err_len)
{
    for (int i = 0; i < MAX_MODULES; i++)
        if (opened[i].handle && strcmp(opened[i].name, name) == 0)
            return opened[i].handle;
    char dir[PATH_MAX], path[PATH_MAX + 80];
    const char *chosen = getenv("SQUEAL_MODULE_DIR");
    if (!chosen || !chosen[0]) {
        /* beside the program when it is there (a program in the build tree never takes an
         * installed module of another build), else where they were installed */
        program_dir(dir, sizeof dir);
        snprintf(path, sizeof path, "%s/%s", dir, name);
        chosen = dir[0] && access(path, F_OK) == 0 ? dir : SQ_MODULE_DIR;
    }
    snprintf(path, sizeof path, "%s/%s", chosen, name);
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        snprintf(err, err_len, "cannot load %s: %s", name, why ? why : "not found");
        return NULL;
    }
    const char *const *version = dlsym(h, SQ_MODULE_VERSION_SYMBOL);
    if (!version || strcmp(*version, SQ_VERSION_STRING) != 0) {
        snprintf(err, err_len, "%s is from squeal %s, this is %s: reinstall squeal", path,
                 version ? *version : "(unknown)", SQ_VERSION_STRING);
        dlclose(h);
        return NULL;
    }
    for (int i = 0; i < MAX_MODULES; i++)
        if (!opened[i].handle) {
            snprintf(opened[i].name, sizeof opened[i].name, "%s", name);
            opened[i].handle = h;
            break;
        }
    return h;
}

void *sq_module_symbol(const char *name, const char *symbol, char *err, size_t err_len)
{
    void *h = open_module(name, err, err_len);
    if (!h)
        return NULL;
    void *p = dlsym(h, symbol);
    if (!p)
        snprintf(err, err_len, "%s has no %s: reinstall squeal", name, symbol);
    return p;
}
