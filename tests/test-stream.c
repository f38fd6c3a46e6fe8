/* test-stream.c: GET /api/v1/stream against the real deskwatchd.
 *
 * Resume without gap or duplicate, resync when too old, 401 before the upgrade, role scoping,
 * heartbeats, and a client that never reads being told to resync without holding up others.
 */
#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "dw-test-server.h"

/* A safety net against a hung test, not a measurement. */
#define WAIT_LIMIT_SECONDS 120

/* Helpers */

typedef struct
{
  SoupWebsocketConnection *conn;
  GPtrArray               *messages;  /* of JsonObject, in arrival order */
  gboolean                 closed;
  gushort                  close_code;
} Stream;

static void
stream_free (Stream *stream)
{
  if (stream->conn != NULL)
    {
      g_signal_handlers_disconnect_by_data (stream->conn, stream);
      if (soup_websocket_connection_get_state (stream->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (stream->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  g_clear_object (&stream->conn);
  g_ptr_array_unref (stream->messages);
  g_free (stream);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Stream, stream_free)

static gboolean
wait_limit_cb (gpointer data)
{
  g_error ("Waited more than %d seconds for %s", WAIT_LIMIT_SECONDS, (const char *) data);
  return G_SOURCE_REMOVE;
}

typedef gboolean (*Condition) (gpointer data);

static void
spin_until (Condition   condition,
            gpointer    data,
            const char *what)
{
  guint limit = g_timeout_add_seconds (WAIT_LIMIT_SECONDS, wait_limit_cb, (gpointer) what);

  while (!condition (data))
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (limit);
}

static void
message_cb (SoupWebsocketConnection *conn,
            int                      type,
            GBytes                  *message,
            Stream                  *stream)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (message, &size);

  g_assert_cmpint (type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  json_parser_load_from_data (parser, data, (gssize) size, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  g_ptr_array_add (stream->messages, json_object_ref (json_node_get_object (json_parser_get_root (parser))));
}

static void
closed_cb (SoupWebsocketConnection *conn,
           Stream                  *stream)
{
  stream->closed = TRUE;
  stream->close_code = soup_websocket_connection_get_close_code (conn);
}

typedef struct
{
  gboolean                 done;
  SoupWebsocketConnection *conn;
  GError                  *error;
} ConnectResult;

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  ConnectResult *r = data;

  r->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &r->error);
  r->done = TRUE;
}

static gboolean
connect_done (gpointer data)
{
  return ((ConnectResult *) data)->done;
}

static char *
stream_uri (DwTestServer *server,
            gint64        since)
{
  if (since < 0)
    return g_strdup_printf ("%sapi/v1/stream", server->url);
  return g_strdup_printf ("%sapi/v1/stream?since=%" G_GINT64_FORMAT, server->url, since);
}

/* Connects with @token (Bearer) from @since (-1: none); asserts it upgrades. */
static Stream *
stream_open (DwTestServer *server,
             const char   *token,
             gint64        since)
{
  static SoupSession *session;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *uri = stream_uri (server, since);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  ConnectResult r = { 0 };
  Stream *stream;

  if (session == NULL)
    session = soup_session_new ();

  msg = soup_message_new ("GET", uri);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        connected_cb, &r);
  spin_until (connect_done, &r, "the stream to connect");
  g_assert_no_error (r.error);

  stream = g_new0 (Stream, 1);
  stream->conn = r.conn;
  stream->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_signal_connect (stream->conn, "message", G_CALLBACK (message_cb), stream);
  g_signal_connect (stream->conn, "closed", G_CALLBACK (closed_cb), stream);
  return stream;
}

static const char *
message_type (JsonObject *message)
{
  return json_object_get_string_member (message, "type");
}

/* Waiting for: a message of type @type (and event name @event, and data.id/ticket_id @id when
 * given) after index @from. */
typedef struct
{
  Stream     *stream;
  const char *type;
  const char *event;
  gint64      id;
  guint       from;
  int         found;
} Wanted;

static gboolean
message_matches (JsonObject *message,
                 Wanted     *w)
{
  JsonObject *data;

  if (g_strcmp0 (message_type (message), w->type) != 0)
    return FALSE;
  if (w->event == NULL)
    return TRUE;
  if (g_strcmp0 (json_object_get_string_member (message, "event"), w->event) != 0)
    return FALSE;
  if (w->id <= 0)
    return TRUE;

  data = json_object_get_object_member (message, "data");
  return json_object_get_int_member_with_default (data, "id", 0) == w->id
         || json_object_get_int_member_with_default (data, "ticket_id", 0) == w->id;
}

static gboolean
wanted_arrived (gpointer data)
{
  Wanted *w = data;

  for (guint i = w->from; i < w->stream->messages->len; i++)
    if (message_matches (g_ptr_array_index (w->stream->messages, i), w))
      {
        w->found = (int) i;
        return TRUE;
      }

  g_assert_false (w->stream->closed);
  return FALSE;
}

/* Index of the first such message at or after @from, waiting for it. */
static guint
stream_wait (Stream     *stream,
             guint       from,
             const char *type,
             const char *event,
             gint64      id)
{
  Wanted w = { stream, type, event, id, from, -1 };
  g_autofree char *what = g_strdup_printf ("a %s %s", type, event != NULL ? event : "");

  spin_until (wanted_arrived, &w, what);
  return (guint) w.found;
}

static gboolean
stream_closed (gpointer data)
{
  return ((Stream *) data)->closed;
}

static gint64
message_seq (JsonObject *message)
{
  return json_object_get_int_member (message, "seq");
}

/* Asserts that the events among messages [from, to) have strictly increasing seqs, each the
 * previous + 1 when @contiguous; returns the last seq (or @after when none). */
static gint64
check_events (Stream   *stream,
              guint     from,
              guint     to,
              gint64    after,
              gboolean  contiguous)
{
  for (guint i = from; i < to; i++)
    {
      JsonObject *message = g_ptr_array_index (stream->messages, i);
      gint64 seq = message_seq (message);

      if (g_strcmp0 (message_type (message), "event") != 0)
        continue;

      if (contiguous)
        g_assert_cmpint (seq, ==, after + 1);
      else
        g_assert_cmpint (seq, >, after);
      after = seq;
    }

  return after;
}

static guint
count_events (Stream     *stream,
              guint       from,
              const char *event,
              gint64      id)
{
  Wanted w = { stream, "event", event, id, 0, -1 };
  guint n = 0;

  for (guint i = from; i < stream->messages->len; i++)
    n += message_matches (g_ptr_array_index (stream->messages, i), &w);

  return n;
}

typedef struct
{
  gboolean  done;
  GBytes   *body;
  GError   *error;
} SendResult;

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  SendResult *r = data;

  r->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &r->error);
  r->done = TRUE;
}

static gboolean
send_done (gpointer data)
{
  return ((SendResult *) data)->done;
}

/* An API request that keeps the main loop (and so the test's stream clients) running while
 * it waits: a client that stopped reading would be a slow client itself. */
static JsonObject *
api_request (DwTestServer *server,
             const char   *method,
             const char   *path,
             const char   *json,
             guint         expected_status)
{
  static SoupSession *session;
  g_autofree char *uri = g_strconcat (server->url, path + 1, NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", server->admin_token);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) body = NULL;
  SendResult r = { 0 };

  if (session == NULL)
    session = soup_session_new ();

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  if (json != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &r);
  spin_until (send_done, &r, path);
  g_assert_no_error (r.error);
  body = r.body;

  if (soup_message_get_status (msg) != expected_status)
    g_error ("%s %s: %u %.*s", method, path, soup_message_get_status (msg),
             (int) g_bytes_get_size (body), (const char *) g_bytes_get_data (body, NULL));

  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                              (gssize) g_bytes_get_size (body), &r.error);
  g_assert_no_error (r.error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static gint64
create_ticket (DwTestServer *server,
               const char   *subject,
               gint64        assignee_id,
               const char   *business_type)
{
  g_autoptr(JsonObject) ticket = NULL;
  g_autofree char *json = NULL;

  if (assignee_id > 0)
    json = g_strdup_printf ("{\"subject\": \"%s\", \"channel\": \"web\", "
                            "\"business_type\": \"%s\", \"assignee_id\": %" G_GINT64_FORMAT "}",
                            subject, business_type, assignee_id);
  else
    json = g_strdup_printf ("{\"subject\": \"%s\", \"channel\": \"web\", "
                            "\"business_type\": \"%s\"}", subject, business_type);

  ticket = api_request (server, "POST", "/api/v1/tickets", json, 201);
  return json_object_get_int_member (ticket, "id");
}

static void
set_env (const char *name,
         const char *value)
{
  g_assert_true (g_setenv (name, value, TRUE));
}

static void
unset_env (void)
{
  g_unsetenv ("DESKWATCH_EVENTS_KEEP");
  g_unsetenv ("DESKWATCH_STREAM_QUEUE_MAX");
  g_unsetenv ("DESKWATCH_STREAM_SNDBUF");
  set_env ("DESKWATCH_HEARTBEAT_MS", "300");
}

/* Tests */

static void
test_resume (void)
{
  g_autoptr(DwTestServer) server = (unset_env (), dw_test_server_new_with_desk ());
  g_autoptr(Stream) stream = stream_open (server, server->admin_token, 0);
  g_autoptr(Stream) again = NULL;
  gint64 first[3], missed[3], live;
  JsonObject *heartbeat;
  gint64 last;
  guint hb, n;

  /* Everything since the beginning (the desk's set-up), then a heartbeat vouching for it. */
  hb = stream_wait (stream, 0, "heartbeat", NULL, 0);
  heartbeat = g_ptr_array_index (stream->messages, hb);
  g_assert_cmpint (hb, >, 0);
  last = check_events (stream, 0, hb, 0, TRUE);
  g_assert_cmpint (message_seq (heartbeat), ==, last);
  g_assert_true (json_object_has_member (heartbeat, "at"));
  g_assert_cmpint (json_object_get_int_member (heartbeat, "interval"), ==, 1);

  /* Live changes made through the API. */
  for (guint i = 0; i < G_N_ELEMENTS (first); i++)
    first[i] = create_ticket (server, "live", 0, "logistics");
  n = stream->messages->len;
  for (guint i = 0; i < G_N_ELEMENTS (first); i++)
    stream_wait (stream, hb, "event", "ticket.created", first[i]);

  /* Read up to the last of them, then go away. */
  n = stream_wait (stream, hb, "event", "ticket.created", first[2]);
  last = check_events (stream, hb, n + 1, last, TRUE);
  {
    JsonObject *message = g_ptr_array_index (stream->messages, n);
    JsonObject *data = json_object_get_object_member (message, "data");

    g_assert_true (json_object_has_member (message, "at"));
    g_assert_cmpstr (json_object_get_string_member (data, "subject"), ==, "live");
  }
  g_clear_pointer (&stream, stream_free);

  /* Missed while away. */
  for (guint i = 0; i < G_N_ELEMENTS (missed); i++)
    missed[i] = create_ticket (server, "missed", 0, "logistics");
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, first[0]);

    json_object_unref (api_request (server, "PATCH", path,
                                    "{\"version\": 1, \"priority\": \"high\"}", 200));
  }

  /* Back from where we were: exactly the missed ones, once each, in order. */
  again = stream_open (server, server->admin_token, last);
  hb = stream_wait (again, 0, "heartbeat", NULL, 0);
  g_assert_cmpint (hb, >, 0);
  g_assert_cmpint (message_seq (g_ptr_array_index (again->messages, 0)), ==, last + 1);
  last = check_events (again, 0, hb, last, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (missed); i++)
    g_assert_cmpuint (count_events (again, 0, "ticket.created", missed[i]), ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (first); i++)
    g_assert_cmpuint (count_events (again, 0, "ticket.created", first[i]), ==, 0);
  g_assert_cmpuint (count_events (again, 0, "ticket.updated", first[0]), >=, 1);

  /* And live again, following on. */
  live = create_ticket (server, "after", 0, "logistics");
  n = stream_wait (again, hb, "event", "ticket.created", live);
  check_events (again, hb, n + 1, last, TRUE);
  g_assert_cmpuint (count_events (again, 0, "ticket.created", live), ==, 1);
}

static void
test_resync (void)
{
  g_autoptr(DwTestServer) server = NULL;
  g_autoptr(Stream) current = NULL;
  g_autoptr(Stream) old = NULL;
  g_autoptr(Stream) future = NULL;
  JsonObject *message;
  gint64 seq;
  guint hb;

  unset_env ();
  set_env ("DESKWATCH_EVENTS_KEEP", "5");
  server = dw_test_server_new_with_desk ();
  for (guint i = 0; i < 10; i++)
    create_ticket (server, "filler", 0, "logistics");

  /* The current seq is still fine. */
  current = stream_open (server, server->admin_token, -1);
  hb = stream_wait (current, 0, "heartbeat", NULL, 0);
  g_assert_cmpuint (hb, ==, 0);
  seq = message_seq (g_ptr_array_index (current->messages, 0));
  g_assert_cmpint (seq, >, 10);

  /* seq 1 was pruned long ago. */
  old = stream_open (server, server->admin_token, 1);
  spin_until (stream_closed, old, "the stream to close");
  g_assert_cmpuint (old->messages->len, ==, 1);
  message = g_ptr_array_index (old->messages, 0);
  g_assert_cmpstr (message_type (message), ==, "resync");
  g_assert_cmpint (message_seq (message), ==, seq);
  g_assert_cmpint (old->close_code, ==, 4000);

  /* A seq from the future (another database, say) cannot be resumed either. */
  future = stream_open (server, server->admin_token, seq + 100);
  spin_until (stream_closed, future, "the stream to close");
  g_assert_cmpuint (future->messages->len, ==, 1);
  g_assert_cmpstr (message_type (g_ptr_array_index (future->messages, 0)), ==, "resync");

  /* What is kept can still be resumed. */
  g_clear_pointer (&old, stream_free);
  old = stream_open (server, server->admin_token, seq - 2);
  hb = stream_wait (old, 0, "heartbeat", NULL, 0);
  g_assert_cmpuint (hb, ==, 2);
  check_events (old, 0, hb, seq - 2, TRUE);
}

static void
test_unauthenticated (void)
{
  g_autoptr(DwTestServer) server = (unset_env (), dw_test_server_new ());
  const char *tokens[] = { NULL, "dwt_not-a-token" };

  for (guint i = 0; i < G_N_ELEMENTS (tokens); i++)
    {
      g_autofree char *uri = stream_uri (server, 0);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *problem;

      soup_websocket_client_prepare_handshake (msg, NULL, NULL, NULL);
      if (tokens[i] != NULL)
        {
          g_autofree char *auth = g_strdup_printf ("Bearer %s", tokens[i]);

          soup_message_headers_replace (soup_message_get_request_headers (msg),
                                        "Authorization", auth);
        }

      body = soup_session_send_and_read (server->session, msg, NULL, &error);
      g_assert_no_error (error);

      /* Refused before switching protocols, with a problem document. */
      g_assert_cmpuint (soup_message_get_status (msg), ==, 401);
      g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL),
                       ==, "application/problem+json");
      g_assert_null (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                   "Sec-WebSocket-Accept"));
      json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                  (gssize) g_bytes_get_size (body), &error);
      g_assert_no_error (error);
      problem = json_node_get_object (json_parser_get_root (parser));
      g_assert_true (g_str_has_suffix (json_object_get_string_member (problem, "type"),
                                       "/unauthorized"));
      g_assert_cmpint (json_object_get_int_member (problem, "status"), ==, 401);
    }

  /* Authenticated, but not a WebSocket handshake / a bad since: 400 problems. */
  {
    g_autoptr(DwTestResponse) response = NULL;

    response = dw_test_server_request (server, "GET", "/api/v1/stream", server->admin_token,
                                       NULL, NULL, 0);
    dw_test_assert_problem (response, 400, "malformed");
    g_clear_pointer (&response, dw_test_response_free);

    response = dw_test_server_request (server, "GET", "/api/v1/stream?since=yesterday",
                                       server->admin_token, NULL, NULL, 0);
    dw_test_assert_problem (response, 400, "validation");
  }

  /* The token as a query parameter, for clients that cannot set headers. */
  {
    g_autofree char *uri = g_strdup_printf ("%sapi/v1/stream?since=0&access_token=%s",
                                            server->url, server->admin_token);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
    g_autoptr(SoupSession) session = soup_session_new ();
    ConnectResult r = { 0 };

    soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                          connected_cb, &r);
    spin_until (connect_done, &r, "the stream to connect");
    g_assert_no_error (r.error);
    soup_websocket_connection_close (r.conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    g_object_unref (r.conn);
  }
}

static void
test_scoping (void)
{
  g_autoptr(DwTestServer) server = (unset_env (), dw_test_server_new_with_desk ());
  g_autoptr(Stream) admin = stream_open (server, server->admin_token, -1);
  g_autoptr(Stream) lead = stream_open (server, server->lead_token, -1);
  g_autoptr(Stream) agent = stream_open (server, server->agent_token, -1);
  g_autoptr(Stream) agent2 = stream_open (server, server->agent2_token, -1);
  gint64 of_agent2, of_team, of_agent, last;

  /* In this order, so that seeing the last one proves the earlier ones were skipped. */
  of_agent2 = create_ticket (server, "for agent2", server->agent2_id, "returns");
  of_team = create_ticket (server, "unassigned", 0, "logistics");
  of_agent = create_ticket (server, "for agent", server->agent_id, "logistics");

  last = stream_wait (admin, 0, "event", "ticket.created", of_agent);
  g_assert_cmpuint (count_events (admin, 0, "ticket.created", of_agent2), ==, 1);
  g_assert_cmpuint (count_events (admin, 0, "ticket.created", of_team), ==, 1);
  check_events (admin, 0, (guint) last + 1,
                message_seq (g_ptr_array_index (admin->messages, 0)) - 1, TRUE);

  stream_wait (agent, 0, "event", "ticket.created", of_agent);
  g_assert_cmpuint (count_events (agent, 0, "ticket.created", of_agent2), ==, 0);
  g_assert_cmpuint (count_events (agent, 0, "ticket.created", of_team), ==, 0);
  check_events (agent, 0, agent->messages->len, 0, FALSE);

  stream_wait (lead, 0, "event", "ticket.created", of_agent);
  g_assert_cmpuint (count_events (lead, 0, "ticket.created", of_team), ==, 1);
  g_assert_cmpuint (count_events (lead, 0, "ticket.created", of_agent2), ==, 0);

  stream_wait (agent2, 0, "event", "ticket.created", of_agent2);
  /* agent2 sees nothing of the later ones; a heartbeat after them proves it is past them. */
  {
    gint64 target = message_seq (g_ptr_array_index (admin->messages, last));
    guint hb = 0, from = 0;

    for (;;)
      {
        hb = stream_wait (agent2, from, "heartbeat", NULL, 0);
        if (message_seq (g_ptr_array_index (agent2->messages, hb)) >= target)
          break;
        from = hb + 1;
      }
    g_assert_cmpuint (count_events (agent2, 0, "ticket.created", of_agent), ==, 0);
    g_assert_cmpuint (count_events (agent2, 0, "ticket.created", of_team), ==, 0);
  }
}

/* A raw WebSocket client that completes the handshake and then reads nothing. */
static GSocket *
raw_connect (DwTestServer *server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (server->url, G_URI_FLAGS_NONE, &error);
  g_autoptr(GSocketAddress) address = NULL;
  g_autofree char *request = NULL;
  GString *response = g_string_new (NULL);
  GSocket *socket;

  g_assert_no_error (error);
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, 4096, &error);
  g_assert_no_error (error);
  address = g_inet_socket_address_new_from_string ("127.0.0.1", (guint) g_uri_get_port (uri));
  g_socket_connect (socket, address, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (socket, WAIT_LIMIT_SECONDS);

  request = g_strdup_printf ("GET /api/v1/stream?access_token=%s HTTP/1.1\r\n"
                             "Host: 127.0.0.1:%d\r\n"
                             "Upgrade: websocket\r\n"
                             "Connection: Upgrade\r\n"
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\n\r\n",
                             server->admin_token, g_uri_get_port (uri));
  g_assert_cmpint (g_socket_send (socket, request, strlen (request), NULL, &error), ==,
                   (gssize) strlen (request));
  g_assert_no_error (error);

  while (!g_str_has_suffix (response->str, "\r\n\r\n"))
    {
      char c;

      g_assert_cmpint (g_socket_receive (socket, &c, 1, NULL, &error), ==, 1);
      g_string_append_c (response, c);
    }

  g_assert_true (g_str_has_prefix (response->str, "HTTP/1.1 101"));
  g_string_free (response, TRUE);
  return socket;
}

static void
raw_read (GSocket *socket,
          guint8  *buffer,
          gsize    length)
{
  g_autoptr(GError) error = NULL;

  while (length > 0)
    {
      gssize n = g_socket_receive (socket, (char *) buffer, length, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, >, 0);
      buffer += n;
      length -= (gsize) n;
    }
}

/* Reads frames up to the close frame: the text frames as JSON objects, and the close code. */
static GPtrArray *
raw_read_all (GSocket *socket,
              int     *close_code)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (;;)
    {
      guint8 header[2];
      guint64 length;
      g_autofree guint8 *payload = NULL;
      int opcode;

      raw_read (socket, header, 2);
      opcode = header[0] & 0x0f;
      g_assert_true (header[0] & 0x80);      /* never fragmented */
      g_assert_false (header[1] & 0x80);     /* a server never masks */
      length = header[1] & 0x7f;
      if (length == 126 || length == 127)
        {
          guint8 ext[8];
          guint n = length == 126 ? 2 : 8;

          raw_read (socket, ext, n);
          length = 0;
          for (guint i = 0; i < n; i++)
            length = (length << 8) | ext[i];
        }

      payload = g_malloc (length + 1);
      raw_read (socket, payload, length);
      payload[length] = '\0';

      if (opcode == 0x8)
        {
          *close_code = length >= 2 ? (payload[0] << 8) | payload[1] : 0;
          return messages;
        }

      if (opcode == 0x1)
        {
          g_autoptr(JsonParser) parser = json_parser_new ();
          g_autoptr(GError) error = NULL;

          json_parser_load_from_data (parser, (const char *) payload, (gssize) length, &error);
          g_assert_no_error (error);
          g_ptr_array_add (messages,
                           json_object_ref (json_node_get_object (json_parser_get_root (parser))));
        }
    }
}

static void
test_slow_client (void)
{
  g_autoptr(DwTestServer) server = NULL;
  g_autoptr(Stream) fast = NULL;
  g_autoptr(GSocket) slow = NULL;
  g_autoptr(GPtrArray) got = NULL;
  g_autoptr(GArray) created = g_array_new (FALSE, FALSE, sizeof (gint64));
  JsonObject *last;
  gint64 seq = 0;
  int close_code = 0;
  guint n_events = 0;

  unset_env ();
  set_env ("DESKWATCH_STREAM_QUEUE_MAX", "20");
  set_env ("DESKWATCH_STREAM_SNDBUF", "8192");
  set_env ("DESKWATCH_HEARTBEAT_MS", "60000");
  server = dw_test_server_new_with_desk ();

  slow = raw_connect (server);
  fast = stream_open (server, server->admin_token, -1);

  /* Far more than the slow client's socket buffers, libsoup's share and its queue hold. */
  for (guint i = 0; i < 300; i++)
    {
      gint64 id = create_ticket (server, "a rather long subject so that every event weighs "
                                 "something: 快递三天没动，请尽快处理", 0, "logistics");

      g_array_append_val (created, id);
    }

  /* The fast client got every one of them, in order, while the slow one read nothing. */
  stream_wait (fast, 0, "event", "ticket.created", g_array_index (created, gint64, 299));
  for (guint i = 0; i < created->len; i++)
    g_assert_cmpuint (count_events (fast, 0, "ticket.created",
                                    g_array_index (created, gint64, i)), ==, 1);
  check_events (fast, 0, fast->messages->len,
                message_seq (g_ptr_array_index (fast->messages, 0)) - 1, TRUE);

  /* The slow one: a prefix of the events, then resync, then the close. */
  got = raw_read_all (slow, &close_code);
  g_assert_cmpint (close_code, ==, 4000);
  g_assert_cmpuint (got->len, >=, 1);
  for (guint i = 0; i + 1 < got->len; i++)
    {
      JsonObject *message = g_ptr_array_index (got, i);

      g_assert_cmpstr (message_type (message), ==, "event");
      if (seq > 0)
        g_assert_cmpint (message_seq (message), ==, seq + 1);
      seq = message_seq (message);
      n_events++;
    }

  last = g_ptr_array_index (got, got->len - 1);
  g_assert_cmpstr (message_type (last), ==, "resync");
  g_assert_cmpuint (n_events, <, 300);
  g_test_message ("The slow client got %u events before it was told to resync", n_events);

  g_socket_close (slow, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stream/resume", test_resume);
  g_test_add_func ("/stream/resync", test_resync);
  g_test_add_func ("/stream/unauthenticated", test_unauthenticated);
  g_test_add_func ("/stream/scoping", test_scoping);
  g_test_add_func ("/stream/slow-client", test_slow_client);

  return g_test_run ();
}
