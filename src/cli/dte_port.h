/* The DTE side of `squeal modem`: where the terminal program, sz/rz or pppd is.
 *  - a pseudo-terminal: the program opens the slave (a symlink names it); the slave being
 *    open is DTR (closing it hangs up under AT&D2);
 *  - a TCP port: one client at a time is the DTE, a second is told the modem is busy; its
 *    connection is DTR; a telnet client's option negotiation is taken out of the stream;
 *  - stdin/stdout: the end of stdin is the DTE gone for good;
 *  - a bridge: a TCP connection to a server (a telnet BBS), opened when a call connects and
 *    closed when it ends, so that each caller reaches the server.
 * Never blocks: the modem's loop polls the descriptors and calls dte_port_service. */
#ifndef SQ_CLI_DTE_PORT_H
#define SQ_CLI_DTE_PORT_H

#include <poll.h>
#include <stddef.h>
#include "src/modem/at_modem.h"

typedef struct dte_port dte_port;

/* 0, or -1 with one line in err. */
int dte_port_open_pty(const char *link, dte_port **out, char *err, size_t len);
int dte_port_open_tcp(const char *spec, dte_port **out, char *err, size_t len);
int dte_port_open_stdio(dte_port **out, char *err, size_t len);
int dte_port_open_bridge(const char *spec, dte_port **out, char *err, size_t len);

/* "pty /dev/pts/3 (link ./modem0)", "TCP 127.0.0.1:2323", ... */
const char *dte_port_describe(const dte_port *p);
/* Descriptors to wait on for input (at most 4); returns how many were filled in. */
int dte_port_poll_fds(dte_port *p, struct pollfd *fds, int max);
/* Moves bytes both ways between the DTE and the modem, follows DTR, accepts and refuses
 * TCP clients, opens and closes the bridge. Returns 0, 1 when the DTE is gone for good
 * (stdin ended), -1 on a failure (err says what). */
int dte_port_service(dte_port *p, at_modem *m, double now_s, char *err, size_t len);
/* Status lines for the log ("client 127.0.0.1:40112 connected"): SQ_OK or SQ_EAGAIN. */
int dte_port_next_log(dte_port *p, char *text, size_t len);
/* Removes the pty's symlink, closes everything. NULL-safe. */
void dte_port_close(dte_port *p);

#endif
