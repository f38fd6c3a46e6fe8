/* dw-limits.h: how much of the service one client may hold — connections, time, body size.
 *
 * libsoup 3.2's SoupServer has no connection cap and no timeouts, reads a request body to its
 * end even after a handler refused it on its headers, and stops accepting for good when
 * accept() fails once (EMFILE).  DwLimits sits beside the server and adds what is missing:
 * - a cap on open connections (one more is answered 503 and closed);
 * - header, body and keep-alive idle timeouts (408, or a plain close when idle);
 * - refusal on the headers: a body over the limit (by Content-Length, or counted as a chunked
 *   body arrives) and whatever the header check says (the API: a missing token) are answered at
 *   once on a connection taken from libsoup, which is then closed instead of read;
 * - a watch on each listening socket that starts accepting again after EMFILE, answering 503
 *   meanwhile with a descriptor kept in reserve for that.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Defaults; the command line can change each (see deskwatchd --help). */
#define DW_LIMITS_DEFAULT_MAX_CONNECTIONS 4096
#define DW_LIMITS_DEFAULT_HEADER_TIMEOUT  20   /* seconds */
#define DW_LIMITS_DEFAULT_BODY_TIMEOUT    60
#define DW_LIMITS_DEFAULT_IDLE_TIMEOUT    75
/* Descriptors the cap leaves to the rest of the process (database, journal, threads). */
#define DW_LIMITS_FD_RESERVE              64

#define DW_TYPE_LIMITS (dw_limits_get_type ())
G_DECLARE_FINAL_TYPE (DwLimits, dw_limits, DW, LIMITS, GObject)

/* Checks a request's headers before its body is read.  Returns FALSE after refusing @msg with
 * dw_limits_refuse(); called only for requests that have a body. */
typedef gboolean (*DwLimitsHeaderCheck) (SoupServerMessage *msg,
                                         gpointer           data);

DwLimits *dw_limits_new                 (void);

/* 0 keeps the default: DW_LIMITS_DEFAULT_MAX_CONNECTIONS, lowered to fit the descriptor limit. */
void      dw_limits_set_max_connections (DwLimits            *self,
                                         guint                max_connections);
guint     dw_limits_get_max_connections (DwLimits            *self);
/* Seconds; 0 keeps the default. */
void      dw_limits_set_timeouts        (DwLimits            *self,
                                         guint                header_timeout,
                                         guint                body_timeout,
                                         guint                idle_timeout);
/* Bodies over @max_body bytes are refused with 413 (default: no limit). */
void      dw_limits_set_max_body        (DwLimits            *self,
                                         gsize                max_body);
void      dw_limits_set_header_check    (DwLimits            *self,
                                         DwLimitsHeaderCheck  check,
                                         gpointer             data);

/* Watches @server's connections and listening sockets (call after it listens); @options are
 * those it listens with, to listen again after EMFILE. */
void      dw_limits_install             (DwLimits                *self,
                                         SoupServer              *server,
                                         SoupServerListenOptions  options);
void      dw_limits_uninstall           (DwLimits            *self);

/* Connections open now (including WebSocket streams and refusals still closing). */
guint     dw_limits_get_n_connections   (DwLimits            *self);

/* Answers @msg at once with a problem document (status, type, title, detail) and
 * "Connection: close", taking its connection from libsoup so that no more of the request is
 * read; the connection is closed after a short linger.  @header, @value: one more response
 * header (may be NULL), e.g. Retry-After. */
void      dw_limits_refuse              (SoupServerMessage   *msg,
                                         guint                status,
                                         const char          *type_suffix,
                                         const char          *title,
                                         const char          *header,
                                         const char          *value,
                                         const char          *detail_format,
                                         ...) G_GNUC_PRINTF (7, 8);
/* Whether dw_limits_refuse() took @msg's connection. */
gboolean  dw_limits_is_refused          (SoupServerMessage   *msg);

/* Raises the soft RLIMIT_NOFILE to the hard one; returns the soft limit now in force. */
guint64   dw_limits_raise_fd_limit      (void);

G_END_DECLS
