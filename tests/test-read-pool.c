/* test-read-pool.c: GET /api/v1/snapshot served on pooled connections off the main loop
 * (src/server/dw-read-pool.h, `--db-pool-size`), on either backend (DW_TEST_BACKEND).
 *
 * Snapshots read at once by several clients are byte for byte the one read alone; writes
 * acknowledged while snapshots are read are in each snapshot or in the stream after its seq,
 * exactly once; the pool shows in GET /api/v1/health; a client that goes away and a service
 * stopped while snapshots are read leave nothing broken; a bad size is refused.  Nothing here
 * depends on timing: the overlaps are made likely, and whatever they were, the checks hold.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>

#include "dw-test-pg.h"
#include "dw-test-server.h"
#include "dw-test-stream.h"
#include "dw-test-thread.h"

#define COMPACT_TYPE "application/x-deskwatch-snapshot+gvariant"

static gint64
create_ticket (DwTestServer *server,
               guint         n)
{
  g_autoptr(DwTestResponse) r = NULL;

  r = dw_test_server_jsonf (server, "POST", server->admin_token, "/api/v1/tickets",
                            "{\"subject\": \"快递 %u \\\"x\\\"\", \"channel\": \"web\", "
                            "\"body\": \"订单 %u\", \"tags\": [\"t%u\", \"vip\"], "
                            "\"business_type\": \"%s\"}",
                            n, n, n % 5, n % 2 == 0 ? "logistics" : "returns");
  dw_test_assert_status (r, 201);
  return json_object_get_int_member (dw_test_response_object (r), "id");
}

/* Moves ticket @id on by one version (its priority). */
static void
touch_ticket (DwTestServer *server,
              gint64        id,
              guint         n)
{
  static const char *priorities[] = { "low", "normal", "high", "urgent" };
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  g_autoptr(DwTestResponse) got = dw_test_server_json (server, "GET", path, server->admin_token,
                                                       NULL);
  g_autoptr(DwTestResponse) r = NULL;
  gint64 version;

  dw_test_assert_status (got, 200);
  version = json_object_get_int_member (dw_test_response_object (got), "version");
  r = dw_test_server_jsonf (server, "PATCH", server->admin_token, path,
                            "{\"version\": %" G_GINT64_FORMAT ", \"priority\": \"%s\"}",
                            version, priorities[n % G_N_ELEMENTS (priorities)]);
  dw_test_assert_status (r, 200);
}

/* A snapshot's bytes, read with @session (any thread: each thread its own session). */
static GBytes *
fetch_snapshot (SoupSession *session,
                const char  *url,
                const char  *token,
                gboolean     compact)
{
  g_autofree char *uri = g_strconcat (url, "api/v1/snapshot", NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr(GError) error = NULL;
  GBytes *body;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  if (compact)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept",
                                  COMPACT_TYPE);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (soup_message_get_status (msg) != 200)
    g_error ("snapshot: %u %.*s", soup_message_get_status (msg),
             (int) g_bytes_get_size (body), (const char *) g_bytes_get_data (body, NULL));
  return body;
}

static JsonObject *
parse_object (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                              &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static JsonObject *
get_health (DwTestServer *server)
{
  g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", "/api/v1/health", NULL, NULL);

  dw_test_assert_status (r, 200);
  return json_object_ref (dw_test_response_object (r));
}

static JsonObject *
health_pool (JsonObject *health)
{
  JsonObject *stats = json_object_get_object_member (health, "stats");

  g_assert_nonnull (stats);
  g_assert_true (json_object_has_member (stats, "db_pool"));
  return json_object_get_object_member (stats, "db_pool");
}

/* Every pooled connection given back: at least one opened (the reads went through the pool),
 * none over @size, none busy, nobody waiting. */
static void
assert_pool_idle (DwTestServer *server,
                  const char   *size)
{
  g_autoptr(JsonObject) health = get_health (server);
  JsonObject *pool = health_pool (health);

  g_assert_cmpint (json_object_get_int_member (pool, "size"), ==, atoi (size));
  g_assert_cmpint (json_object_get_int_member (pool, "open"), >=, 1);
  g_assert_cmpint (json_object_get_int_member (pool, "open"), <=, atoi (size));
  g_assert_cmpint (json_object_get_int_member (pool, "busy"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (pool, "waiting"), ==, 0);
}

/* Clients reading snapshots in a loop, each on its own thread and session, until told to stop
 * (or @rounds times). */
typedef struct
{
  const char *url;
  const char *token;
  gboolean    compact;
  guint       rounds;     /* 0: until stop */
  gint       *stop;
  GPtrArray  *results;    /* of GBytes */
  GThread    *thread;
} Reader;

static void
reader_run (SoupSession *session,
            gpointer     data)
{
  Reader *reader = data;

  for (guint i = 0; reader->rounds == 0 ? !g_atomic_int_get (reader->stop) : i < reader->rounds;
       i++)
    g_ptr_array_add (reader->results,
                     fetch_snapshot (session, reader->url, reader->token, reader->compact));
}

static void
reader_start (Reader     *reader,
              const char *url,
              const char *token,
              gboolean    compact,
              guint       rounds,
              gint       *stop)
{
  reader->url = url;
  reader->token = token;
  reader->compact = compact;
  reader->rounds = rounds;
  reader->stop = stop;
  reader->results = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  reader->thread = dw_test_thread_new ("reader", reader_run, reader);
}

static void
reader_join (Reader *reader)
{
  g_thread_join (reader->thread);
  reader->thread = NULL;
}

static void
reader_clear (Reader *reader)
{
  g_clear_pointer (&reader->results, g_ptr_array_unref);
}

static DwTestServer *
server_with_pool (const char *size)
{
  DwTestServer *server = dw_test_server_new_with_desk ();
  const char *args[] = { "--db-pool-size", size, NULL };

  dw_test_server_stop (server);
  dw_test_server_start (server, args);
  return server;
}

/* Several clients at once, as three principals, in both forms: each answer is byte for byte
 * what the same principal's snapshot read alone was. */
static void
check_concurrent_equal (const char *size)
{
  g_autoptr(DwTestServer) server = server_with_pool (size);
  g_autoptr(SoupSession) session = soup_session_new ();
  const char *tokens[3];
  GBytes *alone[3][2];
  Reader readers[3][2];
  gint stop = 0;

  for (guint i = 0; i < 60; i++)
    create_ticket (server, i);

  tokens[0] = server->admin_token;
  tokens[1] = server->lead_token;
  tokens[2] = server->agent_token;
  for (guint t = 0; t < 3; t++)
    for (guint c = 0; c < 2; c++)
      alone[t][c] = fetch_snapshot (session, server->url, tokens[t], c == 1);

  for (guint t = 0; t < 3; t++)
    for (guint c = 0; c < 2; c++)
      reader_start (&readers[t][c], server->url, tokens[t], c == 1, 4, &stop);
  for (guint t = 0; t < 3; t++)
    for (guint c = 0; c < 2; c++)
      {
        reader_join (&readers[t][c]);
        g_assert_cmpuint (readers[t][c].results->len, ==, 4);
        for (guint i = 0; i < readers[t][c].results->len; i++)
          g_assert_true (g_bytes_equal (readers[t][c].results->pdata[i], alone[t][c]));
        reader_clear (&readers[t][c]);
      }

  /* The JSON of the three principals differ (scope), so equal bytes meant each its own. */
  g_assert_false (g_bytes_equal (alone[0][0], alone[2][0]));
  for (guint t = 0; t < 3; t++)
    for (guint c = 0; c < 2; c++)
      g_bytes_unref (alone[t][c]);

  /* Every reply came after its connection was given back: none busy now. */
  assert_pool_idle (server, size);
}

static void
test_concurrent_equal_1 (void)
{
  check_concurrent_equal ("1");
}

static void
test_concurrent_equal_3 (void)
{
  check_concurrent_equal ("3");
}

/* The tickets a snapshot holds: id → version. */
static GHashTable *
snapshot_versions (JsonObject *snapshot)
{
  GHashTable *versions = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  JsonArray *tickets = json_object_get_array_member (snapshot, "tickets");

  for (guint i = 0; i < json_array_get_length (tickets); i++)
    {
      JsonObject *t = json_array_get_object_element (tickets, i);

      g_hash_table_insert (versions, g_memdup2 (&(gint64) { json_object_get_int_member (t, "id") },
                                                sizeof (gint64)),
                           g_memdup2 (&(gint64) { json_object_get_int_member (t, "version") },
                                      sizeof (gint64)));
    }
  return versions;
}

/* A stream message that carries a ticket's new state (its data is the ticket). */
static JsonObject *
event_ticket (JsonObject *message)
{
  JsonObject *data;

  if (g_strcmp0 (dw_test_message_type (message), "event") != 0 ||
      !g_str_has_prefix (json_object_get_string_member (message, "event"), "ticket.") ||
      !json_object_has_member (message, "data"))
    return NULL;
  data = json_object_get_object_member (message, "data");
  if (data == NULL || !json_object_has_member (data, "version") ||
      !json_object_has_member (data, "subject"))
    return NULL;
  return data;
}

typedef struct
{
  DwTestStream *stream;
  gint64        seq;
} StreamAt;

static gboolean
stream_reached (gpointer data)
{
  StreamAt *at = data;

  for (guint i = 0; i < at->stream->messages->len; i++)
    {
      JsonObject *m = at->stream->messages->pdata[i];

      if (g_strcmp0 (dw_test_message_type (m), "event") == 0 &&
          dw_test_message_seq (m) >= at->seq)
        return TRUE;
    }
  return FALSE;
}

/* Replays the stream after @snapshot's seq onto it: every event newer than what it holds
 * (nothing repeated), everything up to its seq in it (nothing lost), and the end the last
 * snapshot's tickets. */
static void
check_against_stream (JsonObject   *snapshot,
                      DwTestStream *stream,
                      GHashTable   *last)
{
  g_autoptr(GHashTable) versions = snapshot_versions (snapshot);
  gint64 seq = json_object_get_int_member (snapshot, "seq");
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < stream->messages->len; i++)
    {
      JsonObject *m = stream->messages->pdata[i];
      JsonObject *ticket = event_ticket (m);
      gint64 id, version;
      gint64 *held;

      if (ticket == NULL)
        continue;
      id = json_object_get_int_member (ticket, "id");
      version = json_object_get_int_member (ticket, "version");
      held = g_hash_table_lookup (versions, &id);

      if (dw_test_message_seq (m) <= seq)
        {
          /* Committed before the snapshot: in it (every ticket here stays active). */
          g_assert_nonnull (held);
          g_assert_cmpint (*held, >=, version);
          continue;
        }

      /* After it: news to it, never a change it holds already. */
      if (held != NULL)
        g_assert_cmpint (version, >, *held);
      g_hash_table_insert (versions, g_memdup2 (&id, sizeof id), g_memdup2 (&version,
                                                                           sizeof version));
    }

  g_assert_cmpuint (g_hash_table_size (versions), ==, g_hash_table_size (last));
  g_hash_table_iter_init (&iter, last);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 *held = g_hash_table_lookup (versions, key);

      g_assert_nonnull (held);
      g_assert_cmpint (*held, ==, *(gint64 *) value);
    }
}

/* Writes acknowledged while two clients read snapshots over and over: each snapshot and the
 * stream from its seq (since=) make the same desk as the last snapshot, nothing lost or
 * repeated. */
static void
test_writes_during_snapshots (void)
{
  g_autoptr(DwTestServer) server = server_with_pool ("2");
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GBytes) first_bytes = NULL;
  g_autoptr(GBytes) last_bytes = NULL;
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) last = NULL;
  g_autoptr(GHashTable) last_versions = NULL;
  g_autoptr(DwTestStream) stream = NULL;
  Reader readers[2];
  gint stop = 0;
  guint n_checked = 0;
  StreamAt at;

  for (guint i = 0; i < 150; i++)
    {
      gint64 id = create_ticket (server, i);

      g_array_append_val (ids, id);
    }

  first_bytes = fetch_snapshot (session, server->url, server->admin_token, FALSE);
  first = parse_object (first_bytes);
  stream = dw_test_stream_open (server, server->admin_token,
                                json_object_get_int_member (first, "seq"));

  for (guint r = 0; r < G_N_ELEMENTS (readers); r++)
    reader_start (&readers[r], server->url, server->admin_token, FALSE, 0, &stop);

  /* Creates and updates, each acknowledged before the next. */
  for (guint i = 0; i < 60; i++)
    {
      if (i % 3 == 0)
        {
          gint64 id = create_ticket (server, 1000 + i);

          g_array_append_val (ids, id);
        }
      else
        {
          touch_ticket (server, g_array_index (ids, gint64, (i * 7) % ids->len), i);
        }
    }

  g_atomic_int_set (&stop, 1);
  for (guint r = 0; r < G_N_ELEMENTS (readers); r++)
    reader_join (&readers[r]);

  last_bytes = fetch_snapshot (session, server->url, server->admin_token, FALSE);
  last = parse_object (last_bytes);
  last_versions = snapshot_versions (last);
  g_assert_cmpint (json_object_get_int_member (last, "seq"), >,
                   json_object_get_int_member (first, "seq"));

  at.stream = stream;
  at.seq = json_object_get_int_member (last, "seq");
  dw_test_spin_until (stream_reached, &at, "the stream to reach the last snapshot's seq");
  dw_test_check_events (stream, 0, stream->messages->len,
                        json_object_get_int_member (first, "seq"), TRUE);

  check_against_stream (first, stream, last_versions);
  for (guint r = 0; r < G_N_ELEMENTS (readers); r++)
    {
      for (guint i = 0; i < readers[r].results->len; i++)
        {
          g_autoptr(JsonObject) snapshot = parse_object (readers[r].results->pdata[i]);
          gint64 seq = json_object_get_int_member (snapshot, "seq");

          g_assert_cmpint (seq, >=, json_object_get_int_member (first, "seq"));
          g_assert_cmpint (seq, <=, json_object_get_int_member (last, "seq"));
          check_against_stream (snapshot, stream, last_versions);
          n_checked++;
        }
      reader_clear (&readers[r]);
    }
  g_test_message ("%u snapshots read during the writes, each consistent with the stream",
                  n_checked);
}

/* Raw requests whose clients go away before the answer: the connection is closed right after
 * the request is sent. */
static void
send_and_close (DwTestServer *server,
                const char   *token,
                guint         n)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocketConnection) conn = NULL;
      g_autofree char *request = NULL;

      conn = g_socket_client_connect_to_host (client, "127.0.0.1",
                                              dw_test_server_get_port (server), NULL, &error);
      g_assert_no_error (error);
      request = g_strdup_printf ("GET /api/v1/snapshot HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 "Authorization: Bearer %s\r\n%s\r\n", token,
                                 i % 2 == 0 ? "" : "Accept: " COMPACT_TYPE "\r\n");
      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), request,
                                 strlen (request), NULL, NULL, &error);
      g_assert_no_error (error);
      g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
    }
}

static gboolean
pool_idle (gpointer data)
{
  DwTestServer *server = data;
  g_autoptr(JsonObject) health = get_health (server);
  JsonObject *pool = health_pool (health);

  return json_object_get_int_member (pool, "busy") == 0 &&
         json_object_get_int_member (pool, "waiting") == 0;
}

/* Clients that go away while their snapshots are read or wait: the service drops their
 * answers, gives the connections back and serves the next one as before. */
static void
test_client_gone (void)
{
  g_autoptr(DwTestServer) server = server_with_pool ("1");
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;

  for (guint i = 0; i < 40; i++)
    create_ticket (server, i);
  before = fetch_snapshot (session, server->url, server->admin_token, FALSE);

  send_and_close (server, server->admin_token, 8);
  dw_test_spin_until (pool_idle, server, "the pool to be idle again");

  after = fetch_snapshot (session, server->url, server->admin_token, FALSE);
  g_assert_true (g_bytes_equal (before, after));
}

/* SIGTERM while snapshots are read and wait: the service interrupts them, waits for their
 * threads and exits 0 (dw_test_server_stop checks), without a warning (G_DEBUG=fatal-warnings);
 * the desk serves again after. */
static void
test_stop_while_reading (void)
{
  g_autoptr(DwTestServer) server = server_with_pool ("2");
  g_autoptr(SoupSession) session = soup_session_new ();
  const char *args[] = { "--db-pool-size", "2", NULL };
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GPtrArray) conns = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < 40; i++)
    create_ticket (server, i);
  before = fetch_snapshot (session, server->url, server->admin_token, TRUE);

  /* Requests left open: their snapshots are read (or wait) when the service is told to stop. */
  for (guint i = 0; i < 6; i++)
    {
      g_autoptr(GError) error = NULL;
      GSocketConnection *conn;
      g_autofree char *request = NULL;

      conn = g_socket_client_connect_to_host (client, "127.0.0.1",
                                              dw_test_server_get_port (server), NULL, &error);
      g_assert_no_error (error);
      g_ptr_array_add (conns, conn);
      request = g_strdup_printf ("GET /api/v1/snapshot HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 "Authorization: Bearer %s\r\n\r\n", server->admin_token);
      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), request,
                                 strlen (request), NULL, NULL, &error);
      g_assert_no_error (error);
    }

  dw_test_server_stop (server);
  g_ptr_array_set_size (conns, 0);

  dw_test_server_start (server, args);
  after = fetch_snapshot (session, server->url, server->admin_token, TRUE);
  /* Same desk (the seq too: nothing was written), served again. */
  g_assert_true (g_bytes_equal (before, after));
}

/* The other pooled routes (dw-api-private.h `pooled`, src/server/dw-api-pooled.c) */

/* One read: a path below the server's URL, as whom, and a member whose value is the service's
 * clock (blanked before comparing: the clock moves between two reads, nothing else may). */
typedef struct
{
  char       *path;
  const char *token;
  const char *clock_member;
  guint       status;
} RouteRead;

/* The answer's status and body: @path read with @session. */
static GBytes *
fetch_route (SoupSession *session,
             const char  *url,
             RouteRead   *read,
             guint       *status)
{
  g_autofree char *uri = g_strconcat (url, read->path + 1, NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", read->token);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr(GError) error = NULL;
  GBytes *body;
  const char *member = read->clock_member;
  g_autofree char *key = NULL;
  const char *data;
  const char *at;
  gsize size;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  if (member == NULL)
    return body;

  /* "member":"2026-12-06T20:59:01Z": the value's characters blanked. */
  data = g_bytes_get_data (body, &size);
  key = g_strdup_printf ("\"%s\"", member);
  at = g_strstr_len (data, size, key);
  g_assert_nonnull (at);
  {
    g_autofree char *copy = g_memdup2 (data, size);
    char *p = copy + (at - data) + strlen (key);

    while (*p == ':' || *p == ' ')
      p++;
    g_assert_cmpint (*p, ==, '"');
    for (p++; *p != '"'; p++)
      *p = '-';
    g_bytes_unref (body);
    return g_bytes_new_take (g_steal_pointer (&copy), size);
  }
}

typedef struct
{
  const char  *url;
  RouteRead   *reads;
  guint        n_reads;
  gint        *stop;
  guint        offset;     /* where this reader starts in @reads */
  GPtrArray   *bodies;     /* of GBytes: what each read answered, */
  GArray      *indices;    /* of guint: which read it was, */
  GArray      *statuses;   /* of guint: with what status */
  GThread     *thread;
} RouteReader;

static void
route_reader_run (SoupSession *session,
                  gpointer     data)
{
  RouteReader *reader = data;

  /* Each read at least once, then on until told to stop. */
  for (guint i = 0; i < reader->n_reads || !g_atomic_int_get (reader->stop); i++)
    {
      guint index = (reader->offset + i) % reader->n_reads;
      guint status;

      g_ptr_array_add (reader->bodies, fetch_route (session, reader->url, &reader->reads[index],
                                                    &status));
      g_array_append_val (reader->indices, index);
      g_array_append_val (reader->statuses, status);
    }
}

static void
route_reads_free (GArray *reads)
{
  for (guint i = 0; i < reads->len; i++)
    g_free (g_array_index (reads, RouteRead, i).path);
  g_array_unref (reads);
}

static void
add_read (GArray     *reads,
          const char *token,
          const char *clock_member,
          guint       status,
          const char *format,
          ...) G_GNUC_PRINTF (5, 6);

static void
add_read (GArray     *reads,
          const char *token,
          const char *clock_member,
          guint       status,
          const char *format,
          ...)
{
  RouteRead read = { NULL, token, clock_member, status };
  va_list args;

  va_start (args, format);
  read.path = g_strdup_vprintf (format, args);
  va_end (args);
  g_array_append_val (reads, read);
}

static gint64
create_ticket_of (DwTestServer *server,
                  const char   *business_type,
                  guint         n)
{
  g_autoptr(DwTestResponse) r = NULL;

  r = dw_test_server_jsonf (server, "POST", server->admin_token, "/api/v1/tickets",
                            "{\"subject\": \"路由 %u\", \"channel\": \"web\", "
                            "\"body\": \"订单 %u\", \"tags\": [\"t%u\"], "
                            "\"business_type\": \"%s\"}", n, n, n % 3, business_type);
  dw_test_assert_status (r, 201);
  return json_object_get_int_member (dw_test_response_object (r), "id");
}

#define RANGE "from=2026-01-01T00:00:00Z&to=2040-01-01T00:00:00Z"

/* The pooled reads of a desk whose logistics side (team_id) stays as it is while the returns
 * side is written: every one's answer is the same whatever the writes do meanwhile. */
static GArray *
pooled_reads (DwTestServer *server,
              gint64        logistics_id)
{
  GArray *reads = g_array_new (FALSE, FALSE, sizeof (RouteRead));

  add_read (reads, server->admin_token, NULL, 200,
            "/api/v1/tickets?business_type=logistics&limit=500");
  add_read (reads, server->admin_token, NULL, 200,
            "/api/v1/tickets?business_type=logistics&limit=7&status=new,open");
  add_read (reads, server->lead_token, NULL, 200,
            "/api/v1/tickets?team_id=%" G_GINT64_FORMAT "&limit=9", server->team_id);
  add_read (reads, server->agent_token, NULL, 200, "/api/v1/tickets?assignee=me");
  add_read (reads, server->admin_token, NULL, 200,
            "/api/v1/tickets/%" G_GINT64_FORMAT "/audit", logistics_id);
  add_read (reads, server->lead_token, NULL, 200,
            "/api/v1/tickets/%" G_GINT64_FORMAT "/audit", logistics_id);
  /* Its running segment is cut at the calendar's transitions up to now: the same unless one
   * falls within the seconds this case runs. */
  add_read (reads, server->lead_token, "now", 200,
            "/api/v1/tickets/%" G_GINT64_FORMAT "/sla-timeline", logistics_id);
  /* A fixed range: the default periods end now. */
  add_read (reads, server->admin_token, "generated_at", 200,
            "/api/v1/sla/compliance?" RANGE "&team=%" G_GINT64_FORMAT, server->team_id);
  add_read (reads, server->lead_token, "generated_at", 200, "/api/v1/sla/compliance?" RANGE);
  add_read (reads, server->admin_token, NULL, 200,
            "/api/v1/sla/compliance/tickets?" RANGE "&team=%" G_GINT64_FORMAT, server->team_id);
  add_read (reads, server->lead_token, "now", 200,
            "/api/v1/staffing/adherence?date=2030-01-07&team_id=%" G_GINT64_FORMAT,
            server->team_id);
  add_read (reads, server->lead_token, NULL, 200,
            "/api/v1/agents/status?team_id=%" G_GINT64_FORMAT, server->team_id);
  add_read (reads, server->agent_token, NULL, 200,
            "/api/v1/agents/status?team_id=%" G_GINT64_FORMAT, server->team_id);
  /* Refusals and problems come from the worker too. */
  add_read (reads, server->admin_token, NULL, 400, "/api/v1/tickets?status=bogus");
  add_read (reads, server->admin_token, NULL, 404, "/api/v1/tickets/99999999/audit");
  add_read (reads, server->agent2_token, NULL, 404,
            "/api/v1/tickets/%" G_GINT64_FORMAT "/audit", logistics_id);
  add_read (reads, server->admin_token, NULL, 400, "/api/v1/sla/compliance?team=x");
  add_read (reads, server->agent2_token, NULL, 403,
            "/api/v1/agents/status?team_id=%" G_GINT64_FORMAT, server->team_id);
  add_read (reads, server->admin_token, NULL, 404, "/api/v1/agents/status?team_id=99999");
  add_read (reads, server->agent_token, NULL, 403,
            "/api/v1/staffing/adherence?date=2030-01-07&team_id=%" G_GINT64_FORMAT,
            server->other_team_id);
  return reads;
}

/* Pooled routes read by several clients while the returns side is written: each answer is byte
 * for byte the same read done alone once the writes are over (the clock's member blanked). */
static void
check_routes_concurrent (const char *size)
{
  g_autoptr(DwTestServer) server = server_with_pool (size);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GArray) returns = g_array_new (FALSE, FALSE, sizeof (gint64));
  GArray *reads;
  RouteReader readers[3];
  gint64 logistics_id = 0;
  gint stop = 0;
  guint n_compared = 0;

  for (guint i = 0; i < 40; i++)
    {
      gint64 id = create_ticket_of (server, i % 2 == 0 ? "logistics" : "returns", i);

      if (i % 2 == 0)
        logistics_id = id;
      else
        g_array_append_val (returns, id);
    }
  touch_ticket (server, logistics_id, 1);
  touch_ticket (server, logistics_id, 2);

  reads = pooled_reads (server, logistics_id);
  for (guint r = 0; r < G_N_ELEMENTS (readers); r++)
    {
      readers[r] = (RouteReader) { server->url, (RouteRead *) reads->data, reads->len, &stop,
                                   r * 5 };
      readers[r].bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
      readers[r].indices = g_array_new (FALSE, FALSE, sizeof (guint));
      readers[r].statuses = g_array_new (FALSE, FALSE, sizeof (guint));
      readers[r].thread = dw_test_thread_new ("route-reader", route_reader_run, &readers[r]);
    }

  /* The returns side written meanwhile, each write acknowledged before the next. */
  for (guint i = 0; i < 45; i++)
    {
      if (i % 3 == 0)
        {
          gint64 id = create_ticket_of (server, "returns", 100 + i);

          g_array_append_val (returns, id);
        }
      else
        {
          touch_ticket (server, g_array_index (returns, gint64, (i * 7) % returns->len), i);
        }
    }
  g_atomic_int_set (&stop, 1);
  for (guint r = 0; r < G_N_ELEMENTS (readers); r++)
    g_thread_join (readers[r].thread);

  /* Alone, after the writes. */
  for (guint i = 0; i < reads->len; i++)
    {
      RouteRead *read = &g_array_index (reads, RouteRead, i);
      guint status;
      g_autoptr(GBytes) alone = fetch_route (session, server->url, read, &status);

      if (status != read->status)
        g_error ("%s: %u %.*s", read->path, status, (int) g_bytes_get_size (alone),
                 (const char *) g_bytes_get_data (alone, NULL));
      for (guint r = 0; r < G_N_ELEMENTS (readers); r++)
        for (guint k = 0; k < readers[r].bodies->len; k++)
          {
            GBytes *during = readers[r].bodies->pdata[k];

            if (g_array_index (readers[r].indices, guint, k) != i)
              continue;
            g_assert_cmpuint (g_array_index (readers[r].statuses, guint, k), ==, status);
            if (!g_bytes_equal (during, alone))
              g_error ("%s: during the writes\n%.*s\nalone\n%.*s", read->path,
                       (int) g_bytes_get_size (during),
                       (const char *) g_bytes_get_data (during, NULL),
                       (int) g_bytes_get_size (alone),
                       (const char *) g_bytes_get_data (alone, NULL));
            n_compared++;
          }
    }
  g_test_message ("%u pooled reads during the writes, each the read alone", n_compared);

  for (guint r = 0; r < G_N_ELEMENTS (readers); r++)
    {
      g_ptr_array_unref (readers[r].bodies);
      g_array_unref (readers[r].indices);
      g_array_unref (readers[r].statuses);
    }
  route_reads_free (reads);

  /* Read through the pool (no snapshot was asked for), and every connection given back. */
  assert_pool_idle (server, size);
}

static void
test_routes_concurrent_1 (void)
{
  check_routes_concurrent ("1");
}

static void
test_routes_concurrent_3 (void)
{
  check_routes_concurrent ("3");
}

/* Requests for @paths (in turn) whose clients go away before the answer (@keep NULL), or left
 * open in @keep. */
static void
send_paths (DwTestServer       *server,
            const char         *token,
            const char * const *paths,
            guint               n,
            GPtrArray          *keep)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocketConnection) conn = NULL;
      g_autofree char *request = NULL;

      conn = g_socket_client_connect_to_host (client, "127.0.0.1",
                                              dw_test_server_get_port (server), NULL, &error);
      g_assert_no_error (error);
      request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 "Authorization: Bearer %s\r\n\r\n",
                                 paths[i % g_strv_length ((GStrv) paths)], token);
      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), request,
                                 strlen (request), NULL, NULL, &error);
      g_assert_no_error (error);
      if (keep != NULL)
        g_ptr_array_add (keep, g_steal_pointer (&conn));
      else
        g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
    }
}

static const char * const heavy_paths[] = {
  "/api/v1/tickets?limit=500",
  "/api/v1/sla/compliance",
  "/api/v1/sla/compliance/tickets?limit=500",
  "/api/v1/tickets?limit=500&q=%E5%BF%AB%E9%80%92",
  NULL
};

static GBytes *
fetch_list (DwTestServer *server)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  RouteRead read = { (char *) "/api/v1/tickets?limit=500", server->admin_token, NULL, 200 };
  guint status;
  GBytes *body = fetch_route (session, server->url, &read, &status);

  g_assert_cmpuint (status, ==, 200);
  return body;
}

/* Clients of pooled routes that go away while their reads run or wait: the connections are
 * given back and the next read is the one before. */
static void
test_routes_client_gone (void)
{
  g_autoptr(DwTestServer) server = server_with_pool ("1");
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;

  for (guint i = 0; i < 40; i++)
    create_ticket (server, i);
  before = fetch_list (server);

  send_paths (server, server->admin_token, heavy_paths, 8, NULL);
  dw_test_spin_until (pool_idle, server, "the pool to be idle again");

  after = fetch_list (server);
  g_assert_true (g_bytes_equal (before, after));
}

/* SIGTERM while pooled routes are read and wait: a clean exit without a warning, and the same
 * answers after. */
static void
test_routes_stop_while_reading (void)
{
  g_autoptr(DwTestServer) server = server_with_pool ("2");
  const char *args[] = { "--db-pool-size", "2", NULL };
  g_autoptr(GPtrArray) conns = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;

  for (guint i = 0; i < 40; i++)
    create_ticket (server, i);
  before = fetch_list (server);

  send_paths (server, server->admin_token, heavy_paths, 8, conns);
  dw_test_server_stop (server);
  g_ptr_array_set_size (conns, 0);

  dw_test_server_start (server, args);
  after = fetch_list (server);
  g_assert_true (g_bytes_equal (before, after));
}

/* 0, a size past the bound and a word are refused before anything is opened, saying why. */
static void
test_bad_size (void)
{
  const char * const bad[] = { "0", "65", "-3", "many" };

  dw_test_assert_option_refused ("db-pool-size", bad, G_N_ELEMENTS (bad), -1, "expected 1 to 64");
}

static DwTestResponse *
request_snapshot (DwTestServer *server)
{
  return dw_test_server_request (server, "GET", "/api/v1/snapshot", server->admin_token, NULL,
                                 NULL, 0);
}

/* Asks for the snapshot as Retry-After says until it is 200, a bounded number of times. */
static GBytes *
snapshot_once_back (DwTestServer *server)
{
  for (guint tries = 0;; tries++)
    {
      g_autoptr(DwTestResponse) r = request_snapshot (server);

      if (r->status == 200)
        return g_bytes_ref (r->body);
      dw_test_assert_problem (r, 503, "unavailable");
      g_assert_cmpuint (tries, <, 100);
      g_usleep (100 * 1000);
    }
}

/* PostgreSQL: a pooled session killed while idle is replaced; while PostgreSQL is away a
 * snapshot is 503 unavailable with Retry-After, like every request; once it is back the broken
 * connections are replaced and the snapshot is the one before. */
static void
test_pg_away (void)
{
  g_autoptr(DwTestServer) server = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after_kill = NULL;
  g_autoptr(GBytes) after_restart = NULL;
  g_autoptr(DwTestResponse) away = NULL;
  g_autoptr(JsonObject) health = NULL;
  JsonObject *pool;

  if (!dw_test_backend_is_postgresql ())
    {
      g_test_skip ("PostgreSQL only (meson test --setup postgresql)");
      return;
    }

  server = server_with_pool ("2");
  for (guint i = 0; i < 20; i++)
    create_ticket (server, i);
  {
    g_autoptr(SoupSession) session = soup_session_new ();

    before = fetch_snapshot (session, server->url, server->admin_token, FALSE);
  }

  /* Its session ended under it while idle in the pool. */
  dw_test_server_exec (server, "SELECT pg_terminate_backend (pid) FROM pg_stat_activity WHERE "
                               "application_name = 'deskwatchd snapshot'");
  after_kill = snapshot_once_back (server);
  g_assert_true (g_bytes_equal (before, after_kill));

  /* The same for a pooled route (dw-api-pooled.c): its lost connection is 503 unavailable with
   * Retry-After, replaced, and the list is the one before. */
  {
    g_autoptr(GBytes) list_before = fetch_list (server);

    dw_test_server_exec (server, "SELECT pg_terminate_backend (pid) FROM pg_stat_activity "
                                 "WHERE application_name = 'deskwatchd snapshot'");
    for (guint tries = 0;; tries++)
      {
        g_autoptr(DwTestResponse) r = dw_test_server_request (server, "GET",
                                                              "/api/v1/tickets?limit=500",
                                                              server->admin_token, NULL, NULL,
                                                              0);

        if (r->status == 200)
          {
            g_assert_true (g_bytes_equal (r->body, list_before));
            break;
          }
        dw_test_assert_problem (r, 503, "unavailable");
        g_assert_nonnull (soup_message_headers_get_one (r->headers, "Retry-After"));
        g_assert_cmpuint (tries, <, 100);
        g_usleep (100 * 1000);
      }
  }

  dw_test_pg_server_stop_immediate (dw_test_pg_get_shared ());
  away = request_snapshot (server);
  dw_test_assert_problem (away, 503, "unavailable");
  g_assert_nonnull (soup_message_headers_get_one (away->headers, "Retry-After"));

  dw_test_pg_server_start (dw_test_pg_get_shared ());
  after_restart = snapshot_once_back (server);
  g_assert_true (g_bytes_equal (before, after_restart));

  health = get_health (server);
  pool = health_pool (health);
  g_assert_cmpint (json_object_get_int_member (pool, "open"), <=, 2);
  g_assert_cmpint (json_object_get_int_member (pool, "busy"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/read-pool/concurrent-equal/size-1", test_concurrent_equal_1);
  g_test_add_func ("/read-pool/concurrent-equal/size-3", test_concurrent_equal_3);
  g_test_add_func ("/read-pool/writes-during-snapshots", test_writes_during_snapshots);
  g_test_add_func ("/read-pool/client-gone", test_client_gone);
  g_test_add_func ("/read-pool/stop-while-reading", test_stop_while_reading);
  g_test_add_func ("/read-pool/routes/concurrent-equal/size-1", test_routes_concurrent_1);
  g_test_add_func ("/read-pool/routes/concurrent-equal/size-3", test_routes_concurrent_3);
  g_test_add_func ("/read-pool/routes/client-gone", test_routes_client_gone);
  g_test_add_func ("/read-pool/routes/stop-while-reading", test_routes_stop_while_reading);
  g_test_add_func ("/read-pool/bad-size", test_bad_size);
  g_test_add_func ("/read-pool/pg-away", test_pg_away);

  return g_test_run ();
}
