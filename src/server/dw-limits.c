#define _GNU_SOURCE
#define G_LOG_DOMAIN "dw-limits"

#include "config.h"

#include "dw-limits.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dw-problem.h"

/* How long a refused connection may still send (what it sends is thrown away) before it is
 * closed: closing while the client is still sending would reset the connection, and the client
 * might lose the answer with it. */
#define LINGER_MS 2000
/* After EMFILE, how often to look again whether a descriptor is free. */
#define EMFILE_RETRY_MS 100

struct _DwLimits
{
  GObject                  parent_instance;

  guint                    max_connections;
  guint                    header_timeout;
  guint                    body_timeout;
  guint                    idle_timeout;
  gsize                    max_body;
  DwLimitsHeaderCheck      header_check;
  gpointer                 header_check_data;

  SoupServer              *server;
  SoupServerListenOptions  options;
  gulong                   request_started_id;
  GPtrArray               *watches;
  int                      reserve_fd;
  GHashTable              *connections;  /* GSocket → Connection */
  guint                    sweep_id;
};

G_DEFINE_FINAL_TYPE (DwLimits, dw_limits, G_TYPE_OBJECT)

/* One per accepted connection, until its socket is closed.  Counted by looking at the sockets
 * rather than by their finalization: libsoup 3.2 does not always let go of a connection. */
typedef struct
{
  DwLimits          *limits;
  GSocket           *socket;
  gboolean           over_cap;
  /* Between requests: */
  SoupServerMessage *last_msg;  /* the request answered last, to close the connection by */
  guint              idle_id;
  GSource           *eof_source;
} Connection;

/* One per request. */
typedef struct
{
  DwLimits          *limits;
  SoupServerMessage *msg;   /* not owned: this is its data */
  GSocket           *socket;  /* NULL if libsoup did not say */
  guint              timeout_id;
  goffset            body_seen;
} Request;

/* A listening socket libsoup accepts on. */
typedef struct
{
  DwLimits *limits;
  GSocket  *socket;
  GSource  *source;
  guint     retry_id;
  gint64    relistened_at;
  gboolean  exhausted;   /* said so in the log */
} Watch;

typedef struct
{
  GIOStream    *stream;
  GSocket      *socket;   /* NULL if libsoup did not say */
  GBytes       *response;
  GCancellable *cancellable;
  guint         linger_id;
  GSource      *drain_source;
  gboolean      tls;
} Refusal;

static GQuark connection_quark;
static GQuark request_quark;
static GQuark refused_quark;

/* Refusals */

static char *
format_response (guint       status,
                 const char *header,
                 const char *value,
                 const char *body)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = soup_date_time_to_string (now, SOUP_DATE_HTTP);
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "HTTP/1.1 %u %s\r\n"
                          "Date: %s\r\n"
                          "Server: deskwatchd/" PACKAGE_VERSION "\r\n"
                          "Content-Type: application/problem+json\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                          "Connection: close\r\n",
                          status, soup_status_get_phrase (status), date, strlen (body));
  if (header != NULL)
    g_string_append_printf (s, "%s: %s\r\n", header, value);
  g_string_append (s, "\r\n");
  g_string_append (s, body);
  return g_string_free (s, FALSE);
}

static void
refusal_finish (Refusal *refusal)
{
  g_clear_handle_id (&refusal->linger_id, g_source_remove);
  if (refusal->drain_source != NULL)
    {
      g_source_destroy (refusal->drain_source);
      g_clear_pointer (&refusal->drain_source, g_source_unref);
    }
  /* The socket first: closing TLS would otherwise try to say goodbye to a peer that may not
   * listen. */
  if (refusal->socket != NULL)
    g_socket_close (refusal->socket, NULL);
  g_io_stream_close (refusal->stream, NULL, NULL);

  g_clear_object (&refusal->socket);
  g_clear_object (&refusal->stream);
  g_clear_pointer (&refusal->response, g_bytes_unref);
  g_clear_object (&refusal->cancellable);
  g_free (refusal);
}

static gboolean
refusal_linger_cb (gpointer data)
{
  Refusal *refusal = data;

  refusal->linger_id = 0;
  if (refusal->drain_source != NULL)
    refusal_finish (refusal);
  else
    g_cancellable_cancel (refusal->cancellable);  /* still writing: its callback finishes */
  return G_SOURCE_REMOVE;
}

/* Reads and drops what the client still sends, straight from the socket (whatever it is, TLS
 * included, it is not needed): until it closes, or the linger ends. */
static gboolean
refusal_drain_cb (GSocket      *socket,
                  GIOCondition  condition,
                  gpointer      data)
{
  Refusal *refusal = data;
  char buffer[16384];

  for (;;)
    {
      gssize n = recv (g_socket_get_fd (socket), buffer, sizeof buffer, MSG_DONTWAIT);

      if (n > 0)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return G_SOURCE_CONTINUE;

      refusal_finish (refusal);
      return G_SOURCE_REMOVE;
    }
}

static void
refusal_written_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  Refusal *refusal = data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL)
      || refusal->socket == NULL)
    {
      refusal_finish (refusal);
      return;
    }

  /* The answer is out: say so, then drain until the client closes or the linger ends. */
  if (!refusal->tls)
    g_socket_shutdown (refusal->socket, FALSE, TRUE, NULL);

  refusal->drain_source = g_socket_create_source (refusal->socket, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                                  NULL);
  g_source_set_priority (refusal->drain_source, G_PRIORITY_LOW);
  g_source_set_callback (refusal->drain_source, (GSourceFunc) G_CALLBACK (refusal_drain_cb),
                         refusal, NULL);
  g_source_attach (refusal->drain_source, NULL);
}

static gboolean
stream_is_tls (GIOStream *stream)
{
  g_autoptr(GIOStream) base = NULL;

  if (G_IS_TLS_CONNECTION (stream))
    return TRUE;

  /* libsoup hands back its own wrapper around the connection. */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (stream), "base-iostream") == NULL)
    return FALSE;

  g_object_get (stream, "base-iostream", &base, NULL);
  return base != NULL && G_IS_TLS_CONNECTION (base);
}

/* In the access log like every answer (the API writes its entry when libsoup finishes a
 * message, which a refused one never is). */
static void
log_refusal (SoupServerMessage *msg,
             guint              status,
             const char        *detail)
{
  const char *method = soup_server_message_get_method (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  const char *path = uri != NULL ? g_uri_get_path (uri) : "-";
  g_autofree char *status_text = g_strdup_printf ("%u", status);
  g_autofree char *message = g_strdup_printf ("%s %s %u (refused: %s)",
                                              method != NULL ? method : "-", path, status,
                                              detail);
  const GLogField fields[] = {
    { "GLIB_DOMAIN", "dw-api", -1 },
    { "PRIORITY", "7", -1 },
    { "MESSAGE", message, -1 },
    { "DW_METHOD", method != NULL ? method : "-", -1 },
    { "DW_PATH", path, -1 },
    { "DW_STATUS", status_text, -1 },
  };

  g_log_structured_array (G_LOG_LEVEL_DEBUG, fields, G_N_ELEMENTS (fields));
}

gboolean
dw_limits_is_refused (SoupServerMessage *msg)
{
  return g_object_get_qdata (G_OBJECT (msg), refused_quark) != NULL;
}

void
dw_limits_refuse (SoupServerMessage *msg,
                  guint              status,
                  const char        *type_suffix,
                  const char        *title,
                  const char        *header,
                  const char        *value,
                  const char        *detail_format,
                  ...)
{
  g_autofree char *detail = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GIOStream) stream = NULL;
  GSocket *socket;
  Refusal *refusal;
  char *response;
  va_list args;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));

  if (dw_limits_is_refused (msg))
    return;

  /* Before anything else: stealing may well free @msg. */
  g_type_ensure (DW_TYPE_LIMITS);
  g_object_set_qdata (G_OBJECT (msg), refused_quark, GINT_TO_POINTER (TRUE));

  va_start (args, detail_format);
  detail = g_strdup_vprintf (detail_format, args);
  va_end (args);

  log_refusal (msg, status, detail);

  body = dw_problem_to_string (status, type_suffix, title, detail);
  response = format_response (status, header, value, body);

  g_object_ref (msg);
  stream = soup_server_message_steal_connection (msg);
  g_object_unref (msg);
  if (stream == NULL)
    {
      g_free (response);
      return;
    }

  socket = g_object_get_data (G_OBJECT (stream), "GSocket");

  refusal = g_new0 (Refusal, 1);
  refusal->stream = g_steal_pointer (&stream);
  refusal->socket = socket != NULL ? g_object_ref (socket) : NULL;
  refusal->response = g_bytes_new_take (response, strlen (response));
  refusal->cancellable = g_cancellable_new ();
  refusal->tls = stream_is_tls (refusal->stream);
  refusal->linger_id = g_timeout_add (LINGER_MS, refusal_linger_cb, refusal);

  g_output_stream_write_all_async (g_io_stream_get_output_stream (refusal->stream),
                                   g_bytes_get_data (refusal->response, NULL),
                                   g_bytes_get_size (refusal->response), G_PRIORITY_DEFAULT,
                                   refusal->cancellable, refusal_written_cb, refusal);
}

/* Connections and requests */

static void
connection_stop_waiting (Connection *connection)
{
  g_clear_handle_id (&connection->idle_id, g_source_remove);
  if (connection->eof_source != NULL)
    {
      g_source_destroy (connection->eof_source);
      g_clear_pointer (&connection->eof_source, g_source_unref);
    }
  g_clear_object (&connection->last_msg);
}

/* Between requests libsoup 3.2 waits for the next one; when the client closes instead, libsoup
 * sees the end of the stream but never closes its side, and the descriptor stays open (in
 * CLOSE_WAIT) for as long as the service runs.  So the connection is closed here, when idle
 * for too long or as soon as the client has closed: taken from libsoup through the request
 * answered last (which also makes libsoup forget it) and closed. */
static void
connection_close (Connection *connection,
                  const char *why)
{
  g_autoptr(SoupServerMessage) msg = g_steal_pointer (&connection->last_msg);
  g_autoptr(GIOStream) stream = NULL;

  connection_stop_waiting (connection);
  g_debug ("Closing a connection: %s", why);

  /* Over TLS the client's goodbye is data that libsoup may have read already, which leaves the
   * connection in a state libsoup 3.2 crashes on when it is taken: the socket is just closed
   * (and what libsoup keeps of the connection stays). */
  if (msg != NULL && (connection->limits->options & SOUP_SERVER_LISTEN_HTTPS) == 0)
    stream = soup_server_message_steal_connection (msg);
  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
  /* The next sweep counts it out. */
  g_socket_close (connection->socket, NULL);
}

static void
connection_free (Connection *connection)
{
  connection_stop_waiting (connection);
  g_object_set_qdata (G_OBJECT (connection->socket), connection_quark, NULL);
  g_object_unref (connection->socket);
  g_free (connection);
}

static gboolean
socket_is_closed (gpointer key,
                  gpointer value,
                  gpointer data)
{
  return g_socket_is_closed (key);
}

static void
sweep (DwLimits *self)
{
  guint n = g_hash_table_foreach_remove (self->connections, socket_is_closed, NULL);

  if (n > 0)
    g_debug ("%u connections closed; %u open", n, g_hash_table_size (self->connections));
}

static gboolean
sweep_cb (gpointer data)
{
  sweep (data);
  return G_SOURCE_CONTINUE;
}

static void
request_free (Request *request)
{
  g_clear_handle_id (&request->timeout_id, g_source_remove);
  g_clear_object (&request->socket);
  g_object_unref (request->limits);
  g_free (request);
}

static gboolean
idle_timeout_cb (gpointer data)
{
  Connection *connection = data;

  connection->idle_id = 0;
  connection_close (connection, "idle");
  return G_SOURCE_REMOVE;
}

static void watch_for_eof (Connection *connection,
                           int         priority);

/* Runs before libsoup's own source on the socket (a higher priority), so it sees the client's
 * end of the stream before libsoup does. */
static gboolean
eof_cb (GSocket      *socket,
        GIOCondition  condition,
        gpointer      data)
{
  Connection *connection = data;
  char byte;
  gssize n;

  if (g_socket_is_closed (socket))
    {
      connection_stop_waiting (connection);
      return G_SOURCE_REMOVE;
    }

  n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return G_SOURCE_CONTINUE;

  if (n > 0 && (connection->limits->options & SOUP_SERVER_LISTEN_HTTPS) != 0
      && g_source_get_priority (connection->eof_source) != G_PRIORITY_LOW)
    {
      /* A request, or the client's TLS goodbye: libsoup reads it first, and this looks again
       * after (an end of stream then means the client has gone). */
      watch_for_eof (connection, G_PRIORITY_LOW);
      return G_SOURCE_REMOVE;
    }

  if (n > 0)
    {
      /* The next request: libsoup reads it. */
      g_source_destroy (connection->eof_source);
      g_clear_pointer (&connection->eof_source, g_source_unref);
      return G_SOURCE_REMOVE;
    }

  connection_close (connection, "closed by the client");
  return G_SOURCE_REMOVE;
}

static void
watch_for_eof (Connection *connection,
               int         priority)
{
  if (connection->eof_source != NULL)
    {
      g_source_destroy (connection->eof_source);
      g_source_unref (connection->eof_source);
    }

  connection->eof_source = g_socket_create_source (connection->socket,
                                                   G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_priority (connection->eof_source, priority);
  g_source_set_callback (connection->eof_source, (GSourceFunc) G_CALLBACK (eof_cb), connection,
                         NULL);
  g_source_attach (connection->eof_source, NULL);
}

static gboolean
header_timeout_cb (gpointer data)
{
  Request *request = data;

  request->timeout_id = 0;
  /* No request to answer yet (nor, with TLS, perhaps a session to answer in).  Closing both
   * ways makes libsoup see the end of the stream, with a request under way, and close. */
  if (request->socket != NULL)
    {
      g_debug ("Closing a connection: no request headers in time");
      g_socket_shutdown (request->socket, TRUE, TRUE, NULL);
    }
  return G_SOURCE_REMOVE;
}

static gboolean
body_timeout_cb (gpointer data)
{
  Request *request = data;
  DwLimits *self = request->limits;

  request->timeout_id = 0;
  dw_limits_refuse (request->msg, SOUP_STATUS_REQUEST_TIMEOUT, "timeout", "Request timeout",
                    NULL, NULL, "the request body did not arrive within %u s",
                    self->body_timeout);
  return G_SOURCE_REMOVE;
}

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              Request           *request)
{
  DwLimits *self = request->limits;

  request->body_seen += g_bytes_get_size (chunk);
  if (request->body_seen > (goffset) self->max_body && !dw_limits_is_refused (msg))
    dw_limits_refuse (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large",
                      "Request too large", NULL, NULL,
                      "the body is over %" G_GSIZE_FORMAT " bytes; at most %" G_GSIZE_FORMAT
                      " are accepted", self->max_body, self->max_body);
}

static Connection *
request_get_connection (Request *request)
{
  if (request->socket == NULL)
    return NULL;

  return g_object_get_qdata (G_OBJECT (request->socket), connection_quark);
}

static void
got_headers_cb (SoupServerMessage *msg,
                Request           *request)
{
  DwLimits *self = request->limits;
  Connection *connection = request_get_connection (request);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);
  goffset length = soup_message_headers_get_content_length (headers);
  gboolean has_body;

  g_clear_handle_id (&request->timeout_id, g_source_remove);

  /* libsoup's own handlers (the early handlers) ran first and may have refused already. */
  if (dw_limits_is_refused (msg))
    return;

  if (connection != NULL && connection->over_cap)
    {
      dw_limits_refuse (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy", "Service busy",
                        "Retry-After", "1",
                        "the service already has %u connections open, its limit",
                        self->max_connections);
      return;
    }

  has_body = encoding == SOUP_ENCODING_CHUNKED
             || (encoding == SOUP_ENCODING_CONTENT_LENGTH && length > 0)
             || encoding == SOUP_ENCODING_EOF;

  if (self->max_body > 0 && encoding == SOUP_ENCODING_CONTENT_LENGTH
      && length > (goffset) self->max_body)
    {
      dw_limits_refuse (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large",
                        "Request too large", NULL, NULL,
                        "the body is %" G_GOFFSET_FORMAT " bytes; at most %" G_GSIZE_FORMAT
                        " are accepted", length, self->max_body);
      return;
    }

  if (!has_body)
    return;

  if (self->header_check != NULL && !self->header_check (msg, self->header_check_data))
    return;

  /* A chunked body says its size only as it comes: count it. */
  if (self->max_body > 0)
    g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), request);

  request->timeout_id = g_timeout_add_seconds (self->body_timeout, body_timeout_cb, request);
}

static void
got_body_cb (SoupServerMessage *msg,
             Request           *request)
{
  g_clear_handle_id (&request->timeout_id, g_source_remove);
}

static void
finished_cb (SoupServerMessage *msg,
             Request           *request)
{
  Connection *connection = request_get_connection (request);

  g_clear_handle_id (&request->timeout_id, g_source_remove);
  if (connection == NULL || g_socket_is_closed (connection->socket))
    return;

  /* Kept alive for the next request: it has this long to start.  The message is kept to close
   * the connection by; what it carried is not needed any more. */
  connection_stop_waiting (connection);
  soup_message_body_truncate (soup_server_message_get_request_body (msg));
  soup_message_body_truncate (soup_server_message_get_response_body (msg));
  connection->last_msg = g_object_ref (msg);
  connection->idle_id = g_timeout_add_seconds (request->limits->idle_timeout, idle_timeout_cb,
                                               connection);
  watch_for_eof (connection, G_PRIORITY_HIGH);
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    DwLimits          *self)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  Connection *connection = NULL;
  Request *request;

  /* libsoup looks the addresses up once and keeps them; looked up later, after the client has
   * gone, they would be a warning (when the connection is closed by its last message). */
  soup_server_message_get_remote_address (msg);
  soup_server_message_get_local_address (msg);

  if (socket != NULL)
    {
      connection = g_object_get_qdata (G_OBJECT (socket), connection_quark);
      if (connection == NULL)
        {
          guint n;

          if (g_hash_table_size (self->connections) >= self->max_connections)
            sweep (self);

          connection = g_new0 (Connection, 1);
          connection->limits = self;
          connection->socket = g_object_ref (socket);
          g_object_set_qdata (G_OBJECT (socket), connection_quark, connection);
          g_hash_table_insert (self->connections, socket, connection);
          n = g_hash_table_size (self->connections);
          connection->over_cap = n > self->max_connections;
          g_debug ("Connection opened; %u open%s", n,
                   connection->over_cap ? ", over the limit" : "");

          /* Its request is answered 503 as soon as its headers are in; until then no early
           * handler should look at it. */
          if (connection->over_cap)
            soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
        }

      connection_stop_waiting (connection);
    }

  request = g_new0 (Request, 1);
  request->limits = g_object_ref (self);
  request->msg = msg;
  request->socket = socket != NULL ? g_object_ref (socket) : NULL;
  g_object_set_qdata_full (G_OBJECT (msg), request_quark, request, (GDestroyNotify) request_free);

  request->timeout_id = g_timeout_add_seconds (self->header_timeout, header_timeout_cb, request);
  g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers_cb), request);
  g_signal_connect (msg, "got-body", G_CALLBACK (got_body_cb), request);
  g_signal_connect (msg, "finished", G_CALLBACK (finished_cb), request);
}

/* Listening after EMFILE */

static void watch_start (Watch *watch);

static gboolean
watch_retry_cb (gpointer data)
{
  Watch *watch = data;

  watch->retry_id = 0;
  watch_start (watch);
  return G_SOURCE_REMOVE;
}

static gboolean
descriptor_free (void)
{
  int fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return FALSE;

  close (fd);
  return TRUE;
}

/* Without a descriptor to spare, the waiting clients are at least told: the reserve one is
 * given up to accept each, answer 503 and close, and taken back. */
static void
refuse_waiting (Watch *watch)
{
  DwLimits *self = watch->limits;
  static char *response = NULL;
  gboolean tls = (self->options & SOUP_SERVER_LISTEN_HTTPS) != 0;

  if (response == NULL)
    {
      g_autofree char *problem = NULL;

      problem = dw_problem_to_string (SOUP_STATUS_SERVICE_UNAVAILABLE, "busy", "Service busy",
                                      "the service has no file descriptor to spare for "
                                      "another connection");
      response = format_response (SOUP_STATUS_SERVICE_UNAVAILABLE, "Retry-After", "1",
                                  problem);
    }

  if (self->reserve_fd >= 0)
    {
      close (self->reserve_fd);
      self->reserve_fd = -1;
    }

  for (guint i = 0; i < 64; i++)
    {
      int fd = accept4 (g_socket_get_fd (watch->socket), NULL, NULL,
                        SOCK_CLOEXEC | SOCK_NONBLOCK);
      char buf[4096];

      if (fd < 0)
        break;

      /* Read what the client sent, so that closing sends FIN rather than RST. */
      while (recv (fd, buf, sizeof buf, 0) > 0)
        ;
      if (!tls && send (fd, response, strlen (response), MSG_NOSIGNAL) < 0)
        g_debug ("Cannot answer a refused client: %s", g_strerror (errno));
      shutdown (fd, SHUT_WR);
      close (fd);
    }

  self->reserve_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
}

static gboolean
watch_cb (GSocket      *socket,
          GIOCondition  condition,
          gpointer      data)
{
  Watch *watch = data;
  DwLimits *self = watch->limits;
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GError) error = NULL;

  /* This source has a lower priority than libsoup's own on the same socket: it runs with a
   * client waiting only once libsoup has stopped accepting (libsoup 3.2 gives up on the first
   * accept() that fails). */
  if (descriptor_free () && now - watch->relistened_at > EMFILE_RETRY_MS * 1000)
    {
      watch->relistened_at = now;
      if (soup_server_listen_socket (self->server, watch->socket, self->options, &error))
        {
          if (watch->exhausted)
            g_message ("Accepting connections again (%u open)",
                       g_hash_table_size (self->connections));
          watch->exhausted = FALSE;
          return G_SOURCE_CONTINUE;
        }
      g_message ("Cannot accept connections again: %s", error->message);
    }
  else
    {
      if (!watch->exhausted)
        g_message ("Out of file descriptors with %u connections open: refusing new ones",
                   g_hash_table_size (self->connections));
      watch->exhausted = TRUE;
      refuse_waiting (watch);
    }

  /* Look again in a moment rather than spin on a socket that stays readable. */
  g_clear_pointer (&watch->source, g_source_unref);
  watch->retry_id = g_timeout_add (EMFILE_RETRY_MS, watch_retry_cb, watch);
  return G_SOURCE_REMOVE;
}

static void
watch_start (Watch *watch)
{
  GSource *source = g_socket_create_source (watch->socket, G_IO_IN, NULL);

  g_source_set_priority (source, G_PRIORITY_LOW);
  g_source_set_callback (source, (GSourceFunc) G_CALLBACK (watch_cb), watch, NULL);
  g_source_attach (source, NULL);
  watch->source = source;
}

static void
watch_free (Watch *watch)
{
  g_clear_handle_id (&watch->retry_id, g_source_remove);
  if (watch->source != NULL)
    {
      g_source_destroy (watch->source);
      g_source_unref (watch->source);
    }
  g_object_unref (watch->socket);
  g_free (watch);
}

/* Object */

static void
dw_limits_dispose (GObject *object)
{
  DwLimits *self = DW_LIMITS (object);

  dw_limits_uninstall (self);

  G_OBJECT_CLASS (dw_limits_parent_class)->dispose (object);
}

static void
dw_limits_finalize (GObject *object)
{
  DwLimits *self = DW_LIMITS (object);

  g_ptr_array_unref (self->watches);
  g_hash_table_unref (self->connections);

  G_OBJECT_CLASS (dw_limits_parent_class)->finalize (object);
}

static void
dw_limits_class_init (DwLimitsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dw_limits_dispose;
  object_class->finalize = dw_limits_finalize;

  connection_quark = g_quark_from_static_string ("dw-limits-connection");
  request_quark = g_quark_from_static_string ("dw-limits-request");
  refused_quark = g_quark_from_static_string ("dw-limits-refused");
}

static void
dw_limits_init (DwLimits *self)
{
  self->header_timeout = DW_LIMITS_DEFAULT_HEADER_TIMEOUT;
  self->body_timeout = DW_LIMITS_DEFAULT_BODY_TIMEOUT;
  self->idle_timeout = DW_LIMITS_DEFAULT_IDLE_TIMEOUT;
  self->watches = g_ptr_array_new_with_free_func ((GDestroyNotify) watch_free);
  self->reserve_fd = -1;
  self->connections = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) connection_free);
}

/* Public API */

DwLimits *
dw_limits_new (void)
{
  return g_object_new (DW_TYPE_LIMITS, NULL);
}

void
dw_limits_set_max_connections (DwLimits *self,
                               guint     max_connections)
{
  g_return_if_fail (DW_IS_LIMITS (self));

  self->max_connections = max_connections;
}

guint
dw_limits_get_max_connections (DwLimits *self)
{
  g_return_val_if_fail (DW_IS_LIMITS (self), 0);

  return self->max_connections;
}

void
dw_limits_set_timeouts (DwLimits *self,
                        guint     header_timeout,
                        guint     body_timeout,
                        guint     idle_timeout)
{
  g_return_if_fail (DW_IS_LIMITS (self));

  self->header_timeout = header_timeout > 0 ? header_timeout : DW_LIMITS_DEFAULT_HEADER_TIMEOUT;
  self->body_timeout = body_timeout > 0 ? body_timeout : DW_LIMITS_DEFAULT_BODY_TIMEOUT;
  self->idle_timeout = idle_timeout > 0 ? idle_timeout : DW_LIMITS_DEFAULT_IDLE_TIMEOUT;
}

void
dw_limits_set_max_body (DwLimits *self,
                        gsize     max_body)
{
  g_return_if_fail (DW_IS_LIMITS (self));

  self->max_body = max_body;
}

void
dw_limits_set_header_check (DwLimits            *self,
                            DwLimitsHeaderCheck  check,
                            gpointer             data)
{
  g_return_if_fail (DW_IS_LIMITS (self));

  self->header_check = check;
  self->header_check_data = data;
}

guint
dw_limits_get_n_connections (DwLimits *self)
{
  g_return_val_if_fail (DW_IS_LIMITS (self), 0);

  sweep (self);
  return g_hash_table_size (self->connections);
}

void
dw_limits_install (DwLimits                *self,
                   SoupServer              *server,
                   SoupServerListenOptions  options)
{
  GSList *sockets;
  struct rlimit limit;

  g_return_if_fail (DW_IS_LIMITS (self));
  g_return_if_fail (SOUP_IS_SERVER (server));
  g_return_if_fail (self->server == NULL);

  /* The default cap leaves the process descriptors for everything but connections. */
  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    limit.rlim_cur = RLIM_INFINITY;
  if (self->max_connections == 0)
    {
      self->max_connections = DW_LIMITS_DEFAULT_MAX_CONNECTIONS;
      if (limit.rlim_cur != RLIM_INFINITY)
        self->max_connections = (guint) CLAMP ((gint64) limit.rlim_cur - DW_LIMITS_FD_RESERVE,
                                               1, (gint64) self->max_connections);
    }
  else if (limit.rlim_cur != RLIM_INFINITY
           && (gint64) self->max_connections > (gint64) limit.rlim_cur - DW_LIMITS_FD_RESERVE)
    {
      g_message ("%u connections may not fit in the limit of %" G_GUINT64_FORMAT
                 " open files; past it, clients are answered 503", self->max_connections,
                 (guint64) limit.rlim_cur);
    }

  self->server = g_object_ref (server);
  self->options = options;
  self->reserve_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  self->request_started_id = g_signal_connect (server, "request-started",
                                               G_CALLBACK (request_started_cb), self);
  self->sweep_id = g_timeout_add_seconds (1, sweep_cb, self);

  sockets = soup_server_get_listeners (server);
  for (GSList *l = sockets; l != NULL; l = l->next)
    {
      Watch *watch = g_new0 (Watch, 1);

      watch->limits = self;
      watch->socket = g_object_ref (l->data);
      g_ptr_array_add (self->watches, watch);
      watch_start (watch);
    }
  g_slist_free (sockets);

  g_info ("At most %u connections; timeouts: headers %u s, body %u s, idle %u s",
          self->max_connections, self->header_timeout, self->body_timeout, self->idle_timeout);
}

void
dw_limits_uninstall (DwLimits *self)
{
  g_return_if_fail (DW_IS_LIMITS (self));

  if (self->server == NULL)
    return;

  g_clear_signal_handler (&self->request_started_id, self->server);
  g_clear_handle_id (&self->sweep_id, g_source_remove);
  g_hash_table_remove_all (self->connections);
  g_ptr_array_set_size (self->watches, 0);
  g_clear_object (&self->server);
  if (self->reserve_fd >= 0)
    close (self->reserve_fd);
  self->reserve_fd = -1;
}

guint64
dw_limits_raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return 0;

  /* The soft limit of 1024 that systemd and most shells hand out is kept low for programs
   * that still use select(); GLib polls with poll(), and every client is a descriptor. */
  if (limit.rlim_cur < limit.rlim_max)
    {
      rlim_t old = limit.rlim_cur;

      limit.rlim_cur = limit.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
        {
          g_message ("Cannot raise the limit of open files from %" G_GUINT64_FORMAT ": %s",
                     (guint64) old, g_strerror (errno));
          limit.rlim_cur = old;
        }
    }

  return limit.rlim_cur == RLIM_INFINITY ? G_MAXUINT64 : (guint64) limit.rlim_cur;
}
