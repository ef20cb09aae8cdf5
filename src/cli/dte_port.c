/* The DTE side of `squeal modem` (src/cli/dte_port.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#include "squeal/error.h"
#include "src/cli/dte_port.h"

#define BUF 4096
#define LOG_RING 16

/* Telnet (RFC 854): IAC introduces a command; the options a client offers are refused or
 * ignored by taking them out of the stream, and a data 0xFF travels doubled. */
enum { IAC = 255, SB = 250, SE = 240, WILL = 251, WONT = 252, DO = 253, DONT = 254 };
enum { TEL_DATA, TEL_IAC, TEL_OPTION, TEL_SUB, TEL_SUB_IAC };

typedef enum { DTE_PTY, DTE_TCP, DTE_STDIO, DTE_BRIDGE } dte_kind;

struct dte_port {
    dte_kind kind;
    int fd;                       /* the DTE's connection: pty master, client, bridge socket; -1 */
    int out_fd;                   /* where output goes (stdout for stdio; else fd) */
    int listen_fd;
    int connecting;               /* bridge: connect() in progress */
    int present;                  /* DTR as last told to the modem */
    int telnet, tel_state;
    size_t client_bytes;          /* read from this client so far */
    int gone;                     /* stdin ended */
    char link[1024];
    char host[256], port[32];
    struct termios saved_tty;
    int restore_tty;
    uint8_t in[BUF];
    size_t in_off, in_len;        /* read from the DTE, not yet taken by the modem */
    uint8_t out[2 * BUF];
    size_t out_off, out_len;      /* from the modem, not yet written */
    char description[1200];
    char log[LOG_RING][200];
    size_t log_head, log_len;
};

static void port_log(dte_port *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void port_log(dte_port *p, const char *fmt, ...)
{
    if (p->log_len == LOG_RING) {
        p->log_head = (p->log_head + 1) % LOG_RING;
        p->log_len--;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->log[(p->log_head + p->log_len++) % LOG_RING], sizeof p->log[0], fmt, ap);
    va_end(ap);
}

int dte_port_next_log(dte_port *p, char *text, size_t len)
{
    if (p->log_len == 0)
        return SQ_EAGAIN;
    snprintf(text, len, "%s", p->log[p->log_head]);
    p->log_head = (p->log_head + 1) % LOG_RING;
    p->log_len--;
    return SQ_OK;
}

static dte_port *new_port(dte_kind kind)
{
    dte_port *p = calloc(1, sizeof *p);
    if (p) {
        p->kind = kind;
        p->fd = p->out_fd = p->listen_fd = -1;
    }
    return p;
}

static int fail(dte_port *p, char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(dte_port *p, char *err, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
    dte_port_close(p);
    return -1;
}

/* The link may replace only an earlier symlink (a modem that was killed leaves one). */
static int make_link(dte_port *p, const char *target, char *err, size_t len)
{
    struct stat st;
    if (lstat(p->link, &st) == 0) {
        if (!S_ISLNK(st.st_mode)) {
            snprintf(err, len, "--pty %s: it exists and is not a symlink; not replaced", p->link);
            return -1;
        }
        unlink(p->link);
    }
    if (symlink(target, p->link) != 0) {
        snprintf(err, len, "--pty %s: cannot make the symlink: %s", p->link, strerror(errno));
        return -1;
    }
    return 0;
}

int dte_port_open_pty(const char *link, dte_port **out, char *err, size_t len)
{
    dte_port *p = new_port(DTE_PTY);
    if (!p)
        return snprintf(err, len, "out of memory"), -1;
    snprintf(p->link, sizeof p->link, "%s", link ? link : "");
    p->fd = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (p->fd < 0 || grantpt(p->fd) != 0 || unlockpt(p->fd) != 0)
        return fail(p, err, len, "cannot make a pseudo-terminal: %s", strerror(errno));
    const char *slave = ptsname(p->fd);
    if (!slave)
        return fail(p, err, len, "cannot name the pseudo-terminal: %s", strerror(errno));
    /* raw, so that nothing the modem says is echoed back to it or changed on the way; a
     * program that opens the slave sets what it wants */
    struct termios t;
    if (tcgetattr(p->fd, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(p->fd, TCSANOW, &t);
    }
    if (*p->link && make_link(p, slave, err, len) != 0) {
        p->link[0] = '\0';
        return fail(p, err, len, "%s", err);
    }
    p->out_fd = p->fd;
    snprintf(p->description, sizeof p->description, "pty %s%s%s", slave, *p->link ? " linked from " : "", p->link);
    *out = p;
    return 0;
}

/* "[ADDR:]PORT" or "HOST:PORT" into host and port; the host defaults to dflt. */
static int split_host_port(const char *spec, const char *dflt, char *host, size_t hlen, char *port, size_t plen)
{
    const char *colon = strrchr(spec, ':');
    const char *port_s = colon ? colon + 1 : spec;
    if (colon)
        snprintf(host, hlen, "%.*s", (int)(colon - spec), spec);
    else
        snprintf(host, hlen, "%s", dflt ? dflt : "");
    snprintf(port, plen, "%s", port_s);
    char *end;
    long v = strtol(port, &end, 10);
    return *port && !*end && v > 0 && v < 65536 && *host ? 0 : -1;
}

int dte_port_open_tcp(const char *spec, dte_port **out, char *err, size_t len)
{
    dte_port *p = new_port(DTE_TCP);
    if (!p)
        return snprintf(err, len, "out of memory"), -1;
    if (split_host_port(spec, "127.0.0.1", p->host, sizeof p->host, p->port, sizeof p->port) != 0)
        return fail(p, err, len, "--tcp is [ADDR:]PORT with PORT 1..65535, not '%s'", spec);
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE }, *ai;
    int rc = getaddrinfo(p->host, p->port, &hints, &ai);
    if (rc != 0)
        return fail(p, err, len, "--tcp %s: %s", spec, gai_strerror(rc));
    p->listen_fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (p->listen_fd >= 0)
        setsockopt(p->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    int ok = p->listen_fd >= 0 && bind(p->listen_fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(p->listen_fd, 4) == 0;
    freeaddrinfo(ai);
    if (!ok)
        return fail(p, err, len, "--tcp %s: cannot listen: %s", spec, strerror(errno));
    snprintf(p->description, sizeof p->description, "TCP %s:%s", p->host, p->port);
    *out = p;
    return 0;
}

int dte_port_open_stdio(dte_port **out, char *err, size_t len)
{
    dte_port *p = new_port(DTE_STDIO);
    if (!p)
        return snprintf(err, len, "out of memory"), -1;
    p->fd = 0;
    p->out_fd = 1;
    fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
    /* a terminal gives each key as typed, with CR as CR (^C still interrupts) */
    if (isatty(0) && tcgetattr(0, &p->saved_tty) == 0) {
        struct termios t = p->saved_tty;
        cfmakeraw(&t);
        t.c_lflag |= ISIG;
        t.c_oflag |= OPOST | ONLCR;
        p->restore_tty = tcsetattr(0, TCSANOW, &t) == 0;
    }
    p->present = 1;
    snprintf(p->description, sizeof p->description, "stdin/stdout");
    *out = p;
    return 0;
}

int dte_port_open_bridge(const char *spec, dte_port **out, char *err, size_t len)
{
    dte_port *p = new_port(DTE_BRIDGE);
    if (!p)
        return snprintf(err, len, "out of memory"), -1;
    if (split_host_port(spec, NULL, p->host, sizeof p->host, p->port, sizeof p->port) != 0)
        return fail(p, err, len, "--bridge is HOST:PORT with PORT 1..65535, not '%s'", spec);
    p->present = 1;   /* the bridge's DTR is up between calls: it waits for the next caller */
    snprintf(p->description, sizeof p->description, "bridge to %s:%s", p->host, p->port);
    *out = p;
    return 0;
}

const char *dte_port_describe(const dte_port *p)
{
    return p->description;
}

int dte_port_poll_fds(dte_port *p, struct pollfd *fds, int max)
{
    int n = 0;
    if (p->listen_fd >= 0 && n < max)
        fds[n++] = (struct pollfd){ .fd = p->listen_fd, .events = POLLIN };
    /* a pty master with no slave open reports a hang-up for ever: not worth waking for */
    if (p->fd >= 0 && !p->gone && p->present && p->in_len == 0 && n < max)
        fds[n++] = (struct pollfd){ .fd = p->fd, .events = p->connecting ? POLLOUT : POLLIN };
    return n;
}

static void close_connection(dte_port *p)
{
    if (p->fd >= 0 && p->kind != DTE_STDIO && p->kind != DTE_PTY)
        close(p->fd);
    if (p->kind != DTE_STDIO && p->kind != DTE_PTY)
        p->fd = p->out_fd = -1;
    p->in_len = p->in_off = p->out_len = p->out_off = 0;
    p->connecting = p->telnet = 0;
    p->tel_state = TEL_DATA;
    p->client_bytes = 0;
}

static void set_present(dte_port *p, at_modem *m, int present, double now_s)
{
    if (present != p->present) {
        p->present = present;
        at_modem_set_dtr(m, present, now_s);
    }
}

/* TCP: the first client is the DTE; any other is told the modem is busy. */
static void accept_clients(dte_port *p, at_modem *m, double now_s)
{
    for (;;) {
        int c = accept4(p->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (c < 0)
            return;
        if (p->fd >= 0) {
            static const char busy[] = "\r\nBUSY: this modem has a DTE already\r\n";
            ssize_t ignored = write(c, busy, sizeof busy - 1);
            (void)ignored;
            close(c);
            port_log(p, "a second TCP client was told the modem is busy");
            continue;
        }
        p->fd = p->out_fd = c;
        port_log(p, "TCP client connected: it is the DTE");
        set_present(p, m, 1, now_s);
    }
}

/* Bridge: a connection to the server while a call is on line, none otherwise. */
static void follow_bridge(dte_port *p, at_modem *m, double now_s)
{
    at_modem_state st = at_modem_get_state(m);
    if (p->fd < 0 && st == AT_MODEM_ONLINE) {
        struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *ai;
        int rc = getaddrinfo(p->host, p->port, &hints, &ai);
        if (rc != 0) {
            port_log(p, "bridge: %s:%s: %s; hanging up", p->host, p->port, gai_strerror(rc));
            at_modem_set_dtr(m, 0, now_s);
            at_modem_set_dtr(m, 1, now_s);
            return;
        }
        p->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (p->fd >= 0 && connect(p->fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
            close(p->fd);
            p->fd = -1;
        }
        freeaddrinfo(ai);
        if (p->fd < 0) {
            port_log(p, "bridge: cannot connect to %s:%s: %s; hanging up", p->host, p->port, strerror(errno));
            at_modem_set_dtr(m, 0, now_s);
            at_modem_set_dtr(m, 1, now_s);
            return;
        }
        p->out_fd = p->fd;
        p->connecting = 1;
    }
    if (p->connecting) {
        struct pollfd w = { .fd = p->fd, .events = POLLOUT };
        if (poll(&w, 1, 0) <= 0)
            return;
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
        p->connecting = 0;
        if (soerr) {
            port_log(p, "bridge: cannot connect to %s:%s: %s; hanging up", p->host, p->port, strerror(soerr));
            close_connection(p);
            at_modem_set_dtr(m, 0, now_s);
            at_modem_set_dtr(m, 1, now_s);
            return;
        }
        port_log(p, "bridge: connected the caller to %s:%s", p->host, p->port);
    }
    if (p->fd >= 0 && st == AT_MODEM_COMMAND) {
        port_log(p, "bridge: the call ended, closed the connection to %s:%s", p->host, p->port);
        close_connection(p);
    }
}

/* Takes telnet commands out of what a client sent; returns the data left. */
static size_t telnet_filter(dte_port *p, uint8_t *b, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = b[i];
        switch (p->tel_state) {
        case TEL_DATA:
            if (c == IAC && p->telnet)
                p->tel_state = TEL_IAC;
            else if (c == IAC && p->client_bytes + i < 64 && i + 1 < n && b[i + 1] >= SB)   /* a telnet client's first offer */
                p->telnet = 1, p->tel_state = TEL_IAC;
            else
                b[k++] = c;
            break;
        case TEL_IAC:
            p->tel_state = c == IAC ? (b[k++] = IAC, TEL_DATA) : c == SB ? TEL_SUB : c >= WILL ? TEL_OPTION : TEL_DATA;
            break;
        case TEL_OPTION: p->tel_state = TEL_DATA; break;
        case TEL_SUB: p->tel_state = c == IAC ? TEL_SUB_IAC : TEL_SUB; break;
        case TEL_SUB_IAC: p->tel_state = c == SE ? TEL_DATA : TEL_SUB; break;
        }
    }
    p->client_bytes += n;
    return k;
}

/* Reads what the DTE sent; notices it going away. */
static int read_dte(dte_port *p, at_modem *m, double now_s, char *err, size_t len)
{
    if (p->fd < 0 || p->gone || p->connecting || p->in_len > 0)
        return 0;
    ssize_t k = read(p->fd, p->in, sizeof p->in);
    if (k > 0) {
        p->in_off = 0;
        p->in_len = p->kind == DTE_TCP || p->kind == DTE_BRIDGE ? telnet_filter(p, p->in, (size_t)k) : (size_t)k;
        return 0;
    }
    if (k < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    if (p->kind == DTE_PTY && (k == 0 || errno == EIO)) {   /* no process has the slave open */
        set_present(p, m, 0, now_s);
        return 0;
    }
    if (k < 0 && p->kind != DTE_TCP && p->kind != DTE_BRIDGE)
        return snprintf(err, len, "reading from the DTE: %s", strerror(errno)), -1;
    if (p->kind == DTE_STDIO) {
        p->gone = 1;
        return 1;
    }
    if (p->kind == DTE_TCP)
        port_log(p, "TCP client disconnected (DTR dropped)");
    else
        port_log(p, "bridge: %s:%s closed the connection (hanging up)", p->host, p->port);
    close_connection(p);
    set_present(p, m, 0, now_s);
    if (p->kind == DTE_BRIDGE)
        set_present(p, m, 1, now_s);   /* ready for the next caller */
    return 0;
}

/* Writes what the modem has for the DTE; with no DTE there, it goes nowhere. */
static void write_dte(dte_port *p, at_modem *m)
{
    if (p->connecting)
        return;   /* what the caller sends waits for the bridge */
    if (p->out_len == 0) {
        uint8_t buf[BUF];
        size_t k = at_modem_to_dte(m, buf, sizeof buf);
        for (size_t i = 0; i < k; i++) {
            if (p->telnet && buf[i] == IAC)
                p->out[p->out_len++] = IAC;
            p->out[p->out_len++] = buf[i];
        }
        p->out_off = 0;
    }
    if (p->out_fd < 0 || !p->present) {
        p->out_len = 0;
        return;
    }
    while (p->out_len > 0) {
        ssize_t w = write(p->out_fd, p->out + p->out_off, p->out_len);
        if (w <= 0) {
            if (w < 0 && errno != EAGAIN && errno != EINTR)
                p->out_len = 0;   /* the DTE went away: the read side notices */
            return;
        }
        p->out_off += (size_t)w;
        p->out_len -= (size_t)w;
    }
}

int dte_port_service(dte_port *p, at_modem *m, double now_s, char *err, size_t len)
{
    if (p->kind == DTE_PTY) {
        struct pollfd h = { .fd = p->fd, .events = POLLIN };
        if (poll(&h, 1, 0) >= 0)
            set_present(p, m, !(h.revents & POLLHUP), now_s);
    }
    if (p->kind == DTE_TCP)
        accept_clients(p, m, now_s);
    if (p->kind == DTE_BRIDGE)
        follow_bridge(p, m, now_s);
    for (int round = 0; round < 2; round++) {
        int rc = read_dte(p, m, now_s, err, len);
        if (rc != 0)
            return rc;
        if (p->in_len > 0) {
            size_t taken = at_modem_from_dte(m, p->in + p->in_off, p->in_len, now_s);
            p->in_off += taken;
            p->in_len -= taken;
        }
        write_dte(p, m);
    }
    return 0;
}

void dte_port_close(dte_port *p)
{
    if (!p)
        return;
    if (p->kind == DTE_STDIO) {
        if (p->restore_tty)
            tcsetattr(0, TCSANOW, &p->saved_tty);
    }
    else if (p->fd >= 0)
        close(p->fd);
    if (p->listen_fd >= 0)
        close(p->listen_fd);
    if (p->kind == DTE_PTY && p->link[0])
        unlink(p->link);
    free(p);
}
