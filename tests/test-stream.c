/* test-stream.c: GET /api/v1/stream against the real deskwatchd.
 *
 * Resume without gap or duplicate, resync when too old, 401 before the upgrade, role scoping,
 * heartbeats, a client that never reads being told to resync without holding up others, and
 * permessage-deflate offered as the console offers it but not agreed to.
 */
#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "dw-test-stream.h"

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

  ticket = dw_test_api_request (server, "POST", "/api/v1/tickets", json, 201);
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
  g_autoptr(DwTestStream) stream = dw_test_stream_open (server, server->admin_token, 0);
  g_autoptr(DwTestStream) again = NULL;
  gint64 first[3], missed[3], live;
  JsonObject *heartbeat;
  gint64 last;
  guint hb, n;

  /* Everything since the beginning (the desk's set-up), then a heartbeat vouching for it. */
  hb = dw_test_stream_wait (stream, 0, "heartbeat", NULL, 0);
  heartbeat = g_ptr_array_index (stream->messages, hb);
  g_assert_cmpint (hb, >, 0);
  last = dw_test_check_events (stream, 0, hb, 0, TRUE);
  g_assert_cmpint (dw_test_message_seq (heartbeat), ==, last);
  g_assert_true (json_object_has_member (heartbeat, "at"));
  g_assert_cmpint (json_object_get_int_member (heartbeat, "interval"), ==, 1);

  /* Live changes made through the API. */
  for (guint i = 0; i < G_N_ELEMENTS (first); i++)
    first[i] = create_ticket (server, "live", 0, "logistics");
  n = stream->messages->len;
  for (guint i = 0; i < G_N_ELEMENTS (first); i++)
    dw_test_stream_wait (stream, hb, "event", "ticket.created", first[i]);

  /* Read up to the last of them, then go away. */
  n = dw_test_stream_wait (stream, hb, "event", "ticket.created", first[2]);
  last = dw_test_check_events (stream, hb, n + 1, last, TRUE);
  {
    JsonObject *message = g_ptr_array_index (stream->messages, n);
    JsonObject *data = json_object_get_object_member (message, "data");

    g_assert_true (json_object_has_member (message, "at"));
    g_assert_cmpstr (json_object_get_string_member (data, "subject"), ==, "live");
  }
  g_clear_pointer (&stream, dw_test_stream_free);

  /* Missed while away. */
  for (guint i = 0; i < G_N_ELEMENTS (missed); i++)
    missed[i] = create_ticket (server, "missed", 0, "logistics");
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, first[0]);

    json_object_unref (dw_test_api_request (server, "PATCH", path,
                                    "{\"version\": 1, \"priority\": \"high\"}", 200));
  }

  /* Back from where we were: exactly the missed ones, once each, in order. */
  again = dw_test_stream_open (server, server->admin_token, last);
  hb = dw_test_stream_wait (again, 0, "heartbeat", NULL, 0);
  g_assert_cmpint (hb, >, 0);
  g_assert_cmpint (dw_test_message_seq (g_ptr_array_index (again->messages, 0)), ==, last + 1);
  last = dw_test_check_events (again, 0, hb, last, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (missed); i++)
    g_assert_cmpuint (dw_test_count_events (again, 0, "ticket.created", missed[i]), ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (first); i++)
    g_assert_cmpuint (dw_test_count_events (again, 0, "ticket.created", first[i]), ==, 0);
  g_assert_cmpuint (dw_test_count_events (again, 0, "ticket.updated", first[0]), >=, 1);

  /* And live again, following on. */
  live = create_ticket (server, "after", 0, "logistics");
  n = dw_test_stream_wait (again, hb, "event", "ticket.created", live);
  dw_test_check_events (again, hb, n + 1, last, TRUE);
  g_assert_cmpuint (dw_test_count_events (again, 0, "ticket.created", live), ==, 1);
}

static void
test_resync (void)
{
  g_autoptr(DwTestServer) server = NULL;
  g_autoptr(DwTestStream) current = NULL;
  g_autoptr(DwTestStream) old = NULL;
  g_autoptr(DwTestStream) future = NULL;
  JsonObject *message;
  gint64 seq;
  guint hb;

  unset_env ();
  set_env ("DESKWATCH_EVENTS_KEEP", "5");
  server = dw_test_server_new_with_desk ();
  for (guint i = 0; i < 10; i++)
    create_ticket (server, "filler", 0, "logistics");

  /* The current seq is still fine. */
  current = dw_test_stream_open (server, server->admin_token, -1);
  hb = dw_test_stream_wait (current, 0, "heartbeat", NULL, 0);
  g_assert_cmpuint (hb, ==, 0);
  seq = dw_test_message_seq (g_ptr_array_index (current->messages, 0));
  g_assert_cmpint (seq, >, 10);

  /* seq 1 was pruned long ago. */
  old = dw_test_stream_open (server, server->admin_token, 1);
  dw_test_spin_until (dw_test_stream_closed, old, "the stream to close");
  g_assert_cmpuint (old->messages->len, ==, 1);
  message = g_ptr_array_index (old->messages, 0);
  g_assert_cmpstr (dw_test_message_type (message), ==, "resync");
  g_assert_cmpint (dw_test_message_seq (message), ==, seq);
  g_assert_cmpint (old->close_code, ==, 4000);

  /* A seq from the future (another database, say) cannot be resumed either. */
  future = dw_test_stream_open (server, server->admin_token, seq + 100);
  dw_test_spin_until (dw_test_stream_closed, future, "the stream to close");
  g_assert_cmpuint (future->messages->len, ==, 1);
  g_assert_cmpstr (dw_test_message_type (g_ptr_array_index (future->messages, 0)), ==, "resync");

  /* What is kept can still be resumed. */
  g_clear_pointer (&old, dw_test_stream_free);
  old = dw_test_stream_open (server, server->admin_token, seq - 2);
  hb = dw_test_stream_wait (old, 0, "heartbeat", NULL, 0);
  g_assert_cmpuint (hb, ==, 2);
  dw_test_check_events (old, 0, hb, seq - 2, TRUE);
}

static void
test_unauthenticated (void)
{
  g_autoptr(DwTestServer) server = (unset_env (), dw_test_server_new ());
  const char *tokens[] = { NULL, "dwt_not-a-token" };

  for (guint i = 0; i < G_N_ELEMENTS (tokens); i++)
    {
      g_autofree char *uri = dw_test_stream_uri (server, 0);
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
    g_autoptr(SoupWebsocketConnection) conn = dw_test_stream_connect (session, msg, NULL,
                                                                      "the stream to connect");

    soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  }
}

static void
test_scoping (void)
{
  g_autoptr(DwTestServer) server = (unset_env (), dw_test_server_new_with_desk ());
  g_autoptr(DwTestStream) admin = dw_test_stream_open (server, server->admin_token, -1);
  g_autoptr(DwTestStream) lead = dw_test_stream_open (server, server->lead_token, -1);
  g_autoptr(DwTestStream) agent = dw_test_stream_open (server, server->agent_token, -1);
  g_autoptr(DwTestStream) agent2 = dw_test_stream_open (server, server->agent2_token, -1);
  gint64 of_agent2, of_team, of_agent, last;

  /* In this order, so that seeing the last one proves the earlier ones were skipped. */
  of_agent2 = create_ticket (server, "for agent2", server->agent2_id, "returns");
  of_team = create_ticket (server, "unassigned", 0, "logistics");
  of_agent = create_ticket (server, "for agent", server->agent_id, "logistics");

  last = dw_test_stream_wait (admin, 0, "event", "ticket.created", of_agent);
  g_assert_cmpuint (dw_test_count_events (admin, 0, "ticket.created", of_agent2), ==, 1);
  g_assert_cmpuint (dw_test_count_events (admin, 0, "ticket.created", of_team), ==, 1);
  dw_test_check_events (admin, 0, (guint) last + 1,
                dw_test_stream_position_before (admin, 0), TRUE);

  dw_test_stream_wait (agent, 0, "event", "ticket.created", of_agent);
  g_assert_cmpuint (dw_test_count_events (agent, 0, "ticket.created", of_agent2), ==, 0);
  g_assert_cmpuint (dw_test_count_events (agent, 0, "ticket.created", of_team), ==, 0);
  dw_test_check_events (agent, 0, agent->messages->len, 0, FALSE);

  dw_test_stream_wait (lead, 0, "event", "ticket.created", of_agent);
  g_assert_cmpuint (dw_test_count_events (lead, 0, "ticket.created", of_team), ==, 1);
  g_assert_cmpuint (dw_test_count_events (lead, 0, "ticket.created", of_agent2), ==, 0);

  dw_test_stream_wait (agent2, 0, "event", "ticket.created", of_agent2);
  /* agent2 sees nothing of the later ones; a heartbeat after them proves it is past them. */
  {
    gint64 target = dw_test_message_seq (g_ptr_array_index (admin->messages, last));
    guint hb = 0, from = 0;

    for (;;)
      {
        hb = dw_test_stream_wait (agent2, from, "heartbeat", NULL, 0);
        if (dw_test_message_seq (g_ptr_array_index (agent2->messages, hb)) >= target)
          break;
        from = hb + 1;
      }
    g_assert_cmpuint (dw_test_count_events (agent2, 0, "ticket.created", of_agent), ==, 0);
    g_assert_cmpuint (dw_test_count_events (agent2, 0, "ticket.created", of_team), ==, 0);
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
  g_socket_set_timeout (socket, DW_TEST_WAIT_LIMIT);

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
  g_autoptr(DwTestStream) fast = NULL;
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
  fast = dw_test_stream_open (server, server->admin_token, -1);

  /* Far more than the slow client's socket buffers, libsoup's share and its queue hold. */
  for (guint i = 0; i < 300; i++)
    {
      gint64 id = create_ticket (server, "a rather long subject so that every event weighs "
                                 "something: 快递三天没动，请尽快处理", 0, "logistics");

      g_array_append_val (created, id);
    }

  /* The fast client got every one of them, in order, while the slow one read nothing. */
  dw_test_stream_wait (fast, 0, "event", "ticket.created", g_array_index (created, gint64, 299));
  for (guint i = 0; i < created->len; i++)
    g_assert_cmpuint (dw_test_count_events (fast, 0, "ticket.created",
                                    g_array_index (created, gint64, i)), ==, 1);
  dw_test_check_events (fast, 0, fast->messages->len,
                dw_test_stream_position_before (fast, 0), TRUE);

  /* The slow one: a prefix of the events, then resync, then the close. */
  got = raw_read_all (slow, &close_code);
  g_assert_cmpint (close_code, ==, 4000);
  g_assert_cmpuint (got->len, >=, 1);
  for (guint i = 0; i + 1 < got->len; i++)
    {
      JsonObject *message = g_ptr_array_index (got, i);

      g_assert_cmpstr (dw_test_message_type (message), ==, "event");
      if (seq > 0)
        g_assert_cmpint (dw_test_message_seq (message), ==, seq + 1);
      seq = dw_test_message_seq (message);
      n_events++;
    }

  last = g_ptr_array_index (got, got->len - 1);
  g_assert_cmpstr (dw_test_message_type (last), ==, "resync");
  g_assert_cmpuint (n_events, <, 300);
  g_test_message ("The slow client got %u events before it was told to resync", n_events);

  g_socket_close (slow, NULL);
}

/* A client that offers permessage-deflate — a browser, or a SoupSession given libsoup's
 * extension manager (the console's is not: libsoup 3 does not add it by default) — is answered
 * without it, so every client gets the one frame formatted per event instead of a compression
 * of it per connection (docs/design.md "The event stream"). */
static void
test_no_deflate (void)
{
  g_autoptr(DwTestServer) server = (unset_env (), dw_test_server_new_with_desk ());
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(DwTestStream) stream = NULL;
  g_autofree char *uri = dw_test_stream_uri (server, -1);
  SoupWebsocketConnection *conn;
  const char *offered;
  gint64 id;
  guint n;

  soup_session_add_feature_by_type (session, SOUP_TYPE_WEBSOCKET_EXTENSION_MANAGER);
  msg = soup_message_new ("GET", uri);
  conn = dw_test_stream_connect (session, msg, server->admin_token, "the stream to connect");

  /* Offered (as Chromium offers it too), and answered without it. */
  offered = soup_message_headers_get_one (soup_message_get_request_headers (msg),
                                          "Sec-WebSocket-Extensions");
  g_assert_cmpstr (offered, ==, "permessage-deflate; client_max_window_bits");
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_SWITCHING_PROTOCOLS);
  g_assert_null (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                               "Sec-WebSocket-Extensions"));
  g_assert_null (soup_websocket_connection_get_extensions (conn));
  soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&conn);

  /* And the events still arrive, whole, to such a client. */
  g_clear_object (&msg);
  msg = soup_message_new ("GET", uri);
  conn = dw_test_stream_connect (session, msg, server->admin_token,
                                 "the stream to connect again");
  g_assert_null (soup_websocket_connection_get_extensions (conn));
  stream = dw_test_stream_adopt (conn);
  id = create_ticket (server, "uncompressed", 0, "logistics");
  n = dw_test_stream_wait (stream, 0, "event", "ticket.created", id);
  g_assert_cmpuint (dw_test_count_events (stream, 0, "ticket.created", id), ==, 1);
  {
    JsonObject *data = json_object_get_object_member (g_ptr_array_index (stream->messages, n),
                                                      "data");

    g_assert_cmpstr (json_object_get_string_member (data, "subject"), ==, "uncompressed");
  }
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
  g_test_add_func ("/stream/no-deflate", test_no_deflate);

  return g_test_run ();
}
