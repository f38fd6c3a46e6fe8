/* dw-client.h: the console's HTTP client of the Deskwatch API (docs/api.md).
 *
 * A DwClient talks to one service (a base URL such as "https://desk.example.com/") with one
 * bearer token.  Every call is asynchronous (GTask + GCancellable) and hands back the JSON the
 * service sent; mapping it onto model objects (dw_ticket_update_from_json and friends) is left
 * to the caller, so patching a ticket can update the very object a list shows.
 *
 * Failures come in the DW_CLIENT_ERROR domain, one code per thing a team lead needs to be told
 * differently; a problem document's `detail` becomes the message.  Cancellation is reported as
 * G_IO_ERROR_CANCELLED, untouched, so callers can drop it silently.
 *
 * The token is a secret: it is never logged, never part of a property or of an error message.
 * Invalid TLS certificates are always refused; the flags of the last refusal are kept for the
 * console to explain (dw_client_get_tls_errors).
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "dw-enums.h"

G_BEGIN_DECLS

#define DW_CLIENT_ERROR (dw_client_error_quark ())

typedef enum
{
  DW_CLIENT_ERROR_UNREACHABLE,   /* connection refused, host unknown, network down, timed out */
  DW_CLIENT_ERROR_UNAUTHORIZED,  /* 401: wrong username/password, or token revoked/expired */
  DW_CLIENT_ERROR_FORBIDDEN,     /* 403 */
  DW_CLIENT_ERROR_CONFLICT,      /* 409: stale version, or a unique name taken */
  DW_CLIENT_ERROR_NOT_FOUND,     /* 404 */
  DW_CLIENT_ERROR_INVALID_INPUT, /* 400, 413, 415, 422 */
  DW_CLIENT_ERROR_TLS,           /* the certificate was refused, see dw_client_get_tls_errors() */
  DW_CLIENT_ERROR_SERVER,        /* 5xx */
  DW_CLIENT_ERROR_PROTOCOL,      /* not the Deskwatch API: bad JSON, unexpected status or shape */
  DW_CLIENT_ERROR_OVER_CAPACITY, /* 409 over-capacity: the assignee holds its capacity */
} DwClientError;

#define DW_TYPE_CLIENT_ERROR (dw_client_error_get_type ())
GType  dw_client_error_get_type  (void) G_GNUC_CONST;
GQuark dw_client_error_quark     (void);

/* Filters of dw_client_list_tickets_async(); unset fields (0, -1, NULL) do not filter. */
typedef struct
{
  gint64      team_id;        /* 0: any */
  gint64      assignee_id;    /* 0: any */
  gboolean    unassigned;     /* only tickets without assignee */
  int         status;         /* a DwStatus, or -1: any */
  int         priority;       /* a DwPriority, or -1: any */
  int         channel;        /* a DwChannel, or -1: any */
  int         sla_state;      /* a DwSlaState, or -1: any */
  const char *query;          /* text search, or NULL */
  guint       limit;          /* 0: the service's default page size */
} DwTicketFilter;

#define DW_TICKET_FILTER_INIT { 0, 0, FALSE, -1, -1, -1, -1, NULL, 0 }

#define DW_TYPE_CLIENT (dw_client_get_type ())
G_DECLARE_FINAL_TYPE (DwClient, dw_client, DW, CLIENT, GObject)

/* @base_url: the service's root, e.g. "http://127.0.0.1:41234/" (a trailing slash is optional). */
DwClient            *dw_client_new                 (const char          *base_url);
const char          *dw_client_get_base_url        (DwClient            *self);

/* The bearer token sent with every request; NULL for none.  Set by a successful sign-in,
 * cleared by sign-out.  The console sets it from the keyring for a silent sign-in. */
void                 dw_client_set_token           (DwClient            *self,
                                                    const char          *token);
const char          *dw_client_get_token           (DwClient            *self);
gboolean             dw_client_has_token           (DwClient            *self);

/* Certificate problems of the last request refused with DW_CLIENT_ERROR_TLS (0 otherwise). */
GTlsCertificateFlags dw_client_get_tls_errors      (DwClient            *self);

/* Trust an additional CA (e.g. a desk's self-signed certificate the lead explicitly chose to
 * trust); NULL restores the system's trust store.  Never disables verification. */
void                 dw_client_set_tls_database    (DwClient            *self,
                                                    GTlsDatabase        *database);

/* Every request but the snapshot fails with DW_CLIENT_ERROR_UNREACHABLE ("… did not answer
 * within N seconds") when the service has not answered in @seconds (default 10; 0: only
 * libsoup's own I/O timeout). */
void                 dw_client_set_request_timeout (DwClient            *self,
                                                    guint                seconds);

/* The session, for the stream's WebSocket (DwSync). */
SoupSession         *dw_client_get_session         (DwClient            *self);

/* POST /api/v1/auth/token.  On success the client keeps the new token; _finish returns the
 * signed-in user's JSON (transfer full) and, in @out_token, a copy of the token for the
 * keyring (free it with g_free; never log it). */
void                 dw_client_sign_in_async       (DwClient            *self,
                                                    const char          *username,
                                                    const char          *password,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
JsonObject          *dw_client_sign_in_finish      (DwClient            *self,
                                                    GAsyncResult        *result,
                                                    char               **out_token,
                                                    GError             **error);

/* DELETE /api/v1/auth/token: revokes the current token.  The client forgets it even when the
 * service cannot be reached (the caller still deletes the keyring secret). */
void                 dw_client_sign_out_async      (DwClient            *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean             dw_client_sign_out_finish     (DwClient            *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* GET /api/v1/me: the user of the token (a cheap "is my saved token still good?"). */
void                 dw_client_get_me_async        (DwClient            *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
JsonObject          *dw_client_get_me_finish       (DwClient            *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* GET /api/v1/snapshot: everything the caller may see plus the stream's `seq`.  Large bodies
 * are parsed in a worker thread. */
void                 dw_client_get_snapshot_async  (DwClient            *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
JsonObject          *dw_client_get_snapshot_finish (DwClient            *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* The same, asking for the compact form (docs/api.md "Compact snapshot") and accepting JSON:
 * _finish returns the body as it came (transfer full) and its media type in @content_type
 * (e.g. DW_SNAPSHOT_COMPACT_CONTENT_TYPE or "application/json"); dw_snapshot_compact_read() or
 * dw_snapshot_json_read() reads it, off the main thread for a big desk. */
void                 dw_client_get_snapshot_bytes_async  (DwClient            *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
GBytes              *dw_client_get_snapshot_bytes_finish (DwClient            *self,
                                                          GAsyncResult        *result,
                                                          char               **content_type,
                                                          GError             **error);

/* GET /api/v1/tickets: one page.  @filter may be NULL; @cursor is NULL for the first page.
 * _finish returns the page's tickets (transfer full) and the next cursor (NULL at the end). */
void                 dw_client_list_tickets_async  (DwClient             *self,
                                                    const DwTicketFilter *filter,
                                                    const char           *cursor,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
JsonArray           *dw_client_list_tickets_finish (DwClient            *self,
                                                    GAsyncResult        *result,
                                                    char               **out_next_cursor,
                                                    GError             **error);

/* GET /api/v1/tickets/ID */
void                 dw_client_get_ticket_async    (DwClient            *self,
                                                    gint64               ticket_id,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
JsonObject          *dw_client_get_ticket_finish   (DwClient            *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* GET /api/v1/tickets/ID/comments */
void                 dw_client_get_comments_async  (DwClient            *self,
                                                    gint64               ticket_id,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
JsonArray           *dw_client_get_comments_finish (DwClient            *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* GET /api/v1/tickets/ID/audit */
void                 dw_client_get_audit_async     (DwClient            *self,
                                                    gint64               ticket_id,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
JsonArray           *dw_client_get_audit_finish    (DwClient            *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* PATCH /api/v1/tickets/ID with @changes (e.g. {"assignee_id": 7}; not taken) and the
 * @version the caller last saw.  A stale version fails with DW_CLIENT_ERROR_CONFLICT.
 * _finish returns the ticket as the service now has it. */
void                 dw_client_patch_ticket_async  (DwClient            *self,
                                                    gint64               ticket_id,
                                                    gint64               version,
                                                    JsonObject          *changes,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
JsonObject          *dw_client_patch_ticket_finish (DwClient            *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* POST /api/v1/tickets/ID/comments; @is_public FALSE for an internal note.
 * _finish returns the new comment. */
void                 dw_client_add_comment_async   (DwClient            *self,
                                                    gint64               ticket_id,
                                                    const char          *body,
                                                    gboolean             is_public,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
JsonObject          *dw_client_add_comment_finish  (DwClient            *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* Sets a user's presence; _finish returns the user. */
void                 dw_client_set_presence_async  (DwClient            *self,
                                                    gint64               user_id,
                                                    DwPresence           presence,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
JsonObject          *dw_client_set_presence_finish (DwClient            *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* Any other call: @method and @path (below the base URL, e.g. "/api/v1/teams?x=1"), an
 * optional @body (not taken).  _finish returns the response JSON, or NULL for an empty body
 * (204) without an error. */
void                 dw_client_request_async       (DwClient            *self,
                                                    const char          *method,
                                                    const char          *path,
                                                    JsonNode            *body,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
JsonNode            *dw_client_request_finish      (DwClient            *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* GET @path for a body that is not JSON (a .ics or .csv export): _finish returns the body
 * as sent (transfer full).  Failures map to DW_CLIENT_ERROR like any other call. */
void                 dw_client_get_bytes_async     (DwClient            *self,
                                                    const char          *path,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GBytes              *dw_client_get_bytes_finish    (DwClient            *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* Opens the event stream GET /api/v1/stream?since=@since as a WebSocket, authorised with the
 * client's token.  Failures map to DW_CLIENT_ERROR like any other call. */
void                 dw_client_connect_stream_async  (DwClient            *self,
                                                      gint64               since,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
SoupWebsocketConnection *dw_client_connect_stream_finish (DwClient       *self,
                                                          GAsyncResult   *result,
                                                          GError        **error);

G_END_DECLS
