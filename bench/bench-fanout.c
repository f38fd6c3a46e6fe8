/* bench-fanout.c: event fan-out latency to 100 WebSocket clients.
 *
 * 100 clients follow /api/v1/stream on the real deskwatchd; tickets are created through the
 * API at a steady pace, and for every client the time from sending the POST to receiving that
 * ticket's ticket.created event is recorded.  The clients live in this process, so the figure
 * includes this process reading 100 sockets, as a desk full of consoles would.
 *
 * BENCH_FANOUT_CLIENTS (default 100), BENCH_FANOUT_EVENTS (default 200) and
 * BENCH_FANOUT_RATE (tickets per second, default 50) change the load.
 */
#include "config.h"

#include <locale.h>

#include <stdlib.h>
#include <string.h>

#include "bench-util.h"

#define SUBJECT_PREFIX "fanout-"

typedef struct
{
  SoupSession  *session;
  DwTestServer *server;
  guint         n_clients;
  guint         n_events;
  guint         connected;
  guint         failed;
  guint         received;
  guint         sent;
  guint         posted;
  guint         duplicates;
  gint64       *sent_at;       /* per event, monotonic µs */
  guint8       *seen;          /* per client × event */
  GPtrArray    *connections;
  BenchSamples *latency;
  BenchSamples *post_latency;
  GMainLoop    *loop;
} Fanout;

typedef struct
{
  Fanout *fanout;
  guint   index;
} Client;

typedef struct
{
  Fanout      *fanout;
  SoupMessage *msg;
  gint64       started;
} Post;

static void
message_cb (SoupWebsocketConnection *conn,
            int                      type,
            GBytes                  *message,
            gpointer                 data)
{
  Client *client = data;
  Fanout *fanout = client->fanout;
  gint64 now = g_get_monotonic_time ();
  gsize size;
  const char *text = g_bytes_get_data (message, &size);
  g_autofree char *copy = NULL;
  const char *subject;
  guint64 k;

  if (type != SOUP_WEBSOCKET_DATA_TEXT || size == 0)
    return;

  copy = g_strndup (text, size);
  if (strstr (copy, "\"event\":\"ticket.created\"") == NULL
      || (subject = strstr (copy, "\"" SUBJECT_PREFIX)) == NULL)
    return;

  k = g_ascii_strtoull (subject + 1 + strlen (SUBJECT_PREFIX), NULL, 10);
  if (k >= fanout->n_events || fanout->sent_at[k] == 0)
    return;

  if (fanout->seen[client->index * fanout->n_events + k]++)
    {
      fanout->duplicates++;
      return;
    }

  bench_samples_add (fanout->latency, now - fanout->sent_at[k]);
  if (++fanout->received == fanout->n_clients * fanout->n_events
      && fanout->posted == fanout->n_events)
    g_main_loop_quit (fanout->loop);
}

static void
closed_cb (SoupWebsocketConnection *conn,
           gpointer                 data)
{
  Client *client = data;

  g_print ("  client %u was closed: code %u %s\n", client->index,
           soup_websocket_connection_get_close_code (conn),
           soup_websocket_connection_get_close_data (conn));
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Client *client = data;
  Fanout *fanout = client->fanout;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *conn;

  conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (conn == NULL)
    {
      g_print ("  client %u could not connect: %s\n", client->index, error->message);
      fanout->failed++;
    }
  else
    {
      /* No idle timeout: the stream sends its own heartbeats. */
      soup_websocket_connection_set_keepalive_interval (conn, 0);
      soup_websocket_connection_set_max_incoming_payload_size (conn, 0);
      g_signal_connect (conn, "message", G_CALLBACK (message_cb), client);
      g_signal_connect (conn, "closed", G_CALLBACK (closed_cb), client);
      g_ptr_array_add (fanout->connections, conn);
      fanout->connected++;
    }

  if (fanout->connected + fanout->failed == fanout->n_clients)
    g_main_loop_quit (fanout->loop);
}

static void
posted_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Post *post = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  g_assert_no_error (error);
  if (soup_message_get_status (post->msg) != 201)
    g_error ("POST /api/v1/tickets answered %u", soup_message_get_status (post->msg));

  bench_samples_add (post->fanout->post_latency, g_get_monotonic_time () - post->started);
  if (++post->fanout->posted == post->fanout->n_events
      && post->fanout->received == post->fanout->n_clients * post->fanout->n_events)
    g_main_loop_quit (post->fanout->loop);
  g_object_unref (post->msg);
  g_free (post);
}

static gboolean
send_cb (gpointer data)
{
  Fanout *fanout = data;
  g_autofree char *url = g_strdup_printf ("%sapi/v1/tickets", fanout->server->url);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", fanout->server->admin_token);
  Post *post;
  guint k;

  if (fanout->sent >= fanout->n_events)
    return G_SOURCE_REMOVE;

  k = fanout->sent++;
  post = g_new0 (Post, 1);
  post->fanout = fanout;
  post->msg = soup_message_new ("POST", url);
  {
    char *text = g_strdup_printf ("{\"subject\":\"" SUBJECT_PREFIX "%u 快递三天没更新\","
                                  "\"channel\":\"app\",\"body\":\"订单TB3398127742651187，物流三天没更新。\"}",
                                  k);
    GBytes *b = g_bytes_new_take (text, strlen (text));

    soup_message_set_request_body_from_bytes (post->msg, "application/json", b);
    g_bytes_unref (b);
  }
  soup_message_headers_replace (soup_message_get_request_headers (post->msg), "Authorization", auth);
  post->started = fanout->sent_at[k] = g_get_monotonic_time ();
  soup_session_send_and_read_async (fanout->session, post->msg, G_PRIORITY_DEFAULT, NULL, posted_cb,
                                    post);
  return G_SOURCE_CONTINUE;
}

static gboolean
give_up_cb (gpointer data)
{
  Fanout *fanout = data;

  g_print ("  gave up waiting: %u of %u deliveries arrived\n", fanout->received,
           fanout->n_clients * fanout->n_events);
  g_main_loop_quit (fanout->loop);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(DwTestServer) server = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autofree char *ws_url = NULL;
  g_autofree Client *clients = NULL;
  Fanout fanout = { 0 };
  guint rate;
  guint give_up;
  gint64 started;

  bench_init (TRUE);

  fanout.n_clients = bench_env_uint ("BENCH_FANOUT_CLIENTS", 100);
  fanout.n_events = bench_env_uint ("BENCH_FANOUT_EVENTS", 200);
  rate = bench_env_uint ("BENCH_FANOUT_RATE", 50);

  g_print ("# Event fan-out: %u WebSocket clients, %u tickets created at %u/s\n",
           fanout.n_clients, fanout.n_events, rate);

  server = bench_server_new (NULL);
  session = bench_session_new (fanout.n_clients + 8);
  fanout.server = server;
  fanout.session = session;
  fanout.sent_at = g_new0 (gint64, fanout.n_events);
  fanout.seen = g_new0 (guint8, (gsize) fanout.n_clients * fanout.n_events);
  fanout.connections = g_ptr_array_new_with_free_func (g_object_unref);
  fanout.latency = bench_samples_new ();
  fanout.post_latency = bench_samples_new ();
  fanout.loop = g_main_loop_new (NULL, FALSE);

  ws_url = g_strdup_printf ("ws://%s/api/v1/stream?since=0&access_token=%s",
                            server->url + strlen ("http://"), server->admin_token);
  /* "ws://127.0.0.1:PORT//api…": the URL ends in a slash. */
  {
    char *slash = strstr (ws_url, "//api");

    if (slash != NULL)
      memmove (slash, slash + 1, strlen (slash));
  }

  clients = g_new0 (Client, fanout.n_clients);
  started = g_get_monotonic_time ();
  for (guint i = 0; i < fanout.n_clients; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", ws_url);

      clients[i].fanout = &fanout;
      clients[i].index = i;
      soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                            connected_cb, &clients[i]);
    }
  g_main_loop_run (fanout.loop);
  g_print ("%-44s %8.2f s   (%u connected, %u failed)\n", "connecting the clients",
           (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC, fanout.connected,
           fanout.failed);
  g_assert_cmpuint (fanout.connected, ==, fanout.n_clients);

  /* Let the replay of older events (the admin's creation) drain first. */
  g_usleep (G_USEC_PER_SEC / 2);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_timeout_add (MAX (1000 / rate, 1), send_cb, &fanout);
  give_up = g_timeout_add_seconds (60 + fanout.n_events / rate, give_up_cb, &fanout);
  g_main_loop_run (fanout.loop);
  g_source_remove (give_up);

  bench_samples_print (fanout.latency, "POST → event at each client");
  bench_samples_print (fanout.post_latency, "POST → 201 response");
  g_print ("%-44s %u of %u (%u duplicates)\n", "deliveries", fanout.received,
           fanout.n_clients * fanout.n_events, fanout.duplicates);

  for (guint i = 0; i < fanout.connections->len; i++)
    {
      SoupWebsocketConnection *conn = g_ptr_array_index (fanout.connections, i);

      g_signal_handlers_disconnect_matched (conn, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, closed_cb, NULL);
      soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_ptr_array_unref (fanout.connections);
  bench_samples_free (fanout.latency);
  bench_samples_free (fanout.post_latency);
  g_main_loop_unref (fanout.loop);
  g_free (fanout.sent_at);
  g_free (fanout.seen);
  return 0;
}
