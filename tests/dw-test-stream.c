/* dw-test-stream.c: WebSocket stream clients for the server tests (see dw-test-stream.h). */
#include "config.h"

#include <string.h>

#include "dw-test-stream.h"

#include "dw-json.h"

/* Helpers */

void
dw_test_stream_free (DwTestStream *stream)
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

static gboolean
wait_limit_cb (gpointer data)
{
  g_error ("Waited more than %d seconds for %s", DW_TEST_WAIT_LIMIT, (const char *) data);
  return G_SOURCE_REMOVE;
}

void
dw_test_spin_until (DwTestCondition   condition,
            gpointer    data,
            const char *what)
{
  guint limit = g_timeout_add_seconds (DW_TEST_WAIT_LIMIT, wait_limit_cb, (gpointer) what);

  while (!condition (data))
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (limit);
}

static void
message_cb (SoupWebsocketConnection *conn,
            int                      type,
            GBytes                  *message,
            DwTestStream                  *stream)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (message, &size);

  g_assert_cmpint (type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  json_parser_load_from_data (parser, data, (gssize) size, &error);
  g_assert_no_error (error);
  /* Valid for every parser, not only for JSON-GLib (see dw-test-server.c). */
  dw_json_check_text (data, size, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  g_ptr_array_add (stream->messages, json_object_ref (json_node_get_object (json_parser_get_root (parser))));
}

static void
closed_cb (SoupWebsocketConnection *conn,
           DwTestStream                  *stream)
{
  stream->closed = TRUE;
  stream->close_code = soup_websocket_connection_get_close_code (conn);
}

void
dw_test_connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  DwTestConnect *r = data;

  r->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &r->error);
  r->done = TRUE;
}

gboolean
dw_test_connect_done (gpointer data)
{
  return ((DwTestConnect *) data)->done;
}

char *
dw_test_stream_uri (DwTestServer *server,
            gint64        since)
{
  if (since < 0)
    return g_strdup_printf ("%sapi/v1/stream", server->url);
  return g_strdup_printf ("%sapi/v1/stream?since=%" G_GINT64_FORMAT, server->url, since);
}

SoupWebsocketConnection *
dw_test_stream_connect (SoupSession *session,
                        SoupMessage *msg,
                        const char  *token,
                        const char  *what)
{
  DwTestConnect r = { 0 };

  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    auth);
    }
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        dw_test_connected_cb, &r);
  dw_test_spin_until (dw_test_connect_done, &r, what);
  g_assert_no_error (r.error);
  return r.conn;
}

/* Connects with @token (Bearer) from @since (-1: none); asserts it upgrades. */
DwTestStream *
dw_test_stream_open (DwTestServer *server,
             const char   *token,
             gint64        since)
{
  static SoupSession *session;
  g_autofree char *uri = dw_test_stream_uri (server, since);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);

  if (session == NULL)
    session = soup_session_new ();

  return dw_test_stream_adopt (dw_test_stream_connect (session, msg, token,
                                                       "the stream to connect"));
}

DwTestStream *
dw_test_stream_adopt (SoupWebsocketConnection *conn)
{
  DwTestStream *stream = g_new0 (DwTestStream, 1);

  stream->conn = conn;
  stream->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_signal_connect (stream->conn, "message", G_CALLBACK (message_cb), stream);
  g_signal_connect (stream->conn, "closed", G_CALLBACK (closed_cb), stream);
  return stream;
}

const char *
dw_test_message_type (JsonObject *message)
{
  return json_object_get_string_member (message, "type");
}

/* Waiting for: a message of type @type (and event name @event, and data.id/ticket_id @id when
 * given) after index @from. */
typedef struct
{
  DwTestStream     *stream;
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

  if (g_strcmp0 (dw_test_message_type (message), w->type) != 0)
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
guint
dw_test_stream_wait (DwTestStream     *stream,
             guint       from,
             const char *type,
             const char *event,
             gint64      id)
{
  Wanted w = { stream, type, event, id, from, -1 };
  g_autofree char *what = g_strdup_printf ("a %s %s", type, event != NULL ? event : "");

  dw_test_spin_until (wanted_arrived, &w, what);
  return (guint) w.found;
}

gboolean
dw_test_stream_closed (gpointer data)
{
  return ((DwTestStream *) data)->closed;
}

gint64
dw_test_message_seq (JsonObject *message)
{
  return json_object_get_int_member (message, "seq");
}

gint64
dw_test_stream_position_before (DwTestStream *stream,
                                guint         i)
{
  JsonObject *message = g_ptr_array_index (stream->messages, i);
  gint64 seq = dw_test_message_seq (message);

  return g_strcmp0 (dw_test_message_type (message), "event") == 0 ? seq - 1 : seq;
}

/* Asserts that the events among messages [from, to) have strictly increasing seqs, each the
 * previous + 1 when @contiguous; returns the last seq (or @after when none). */
gint64
dw_test_check_events (DwTestStream   *stream,
              guint     from,
              guint     to,
              gint64    after,
              gboolean  contiguous)
{
  for (guint i = from; i < to; i++)
    {
      JsonObject *message = g_ptr_array_index (stream->messages, i);
      gint64 seq = dw_test_message_seq (message);

      if (g_strcmp0 (dw_test_message_type (message), "event") != 0)
        continue;

      if (contiguous)
        g_assert_cmpint (seq, ==, after + 1);
      else
        g_assert_cmpint (seq, >, after);
      after = seq;
    }

  return after;
}

guint
dw_test_count_events (DwTestStream     *stream,
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
JsonObject *
dw_test_api_request (DwTestServer *server,
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
  dw_test_spin_until (send_done, &r, path);
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

