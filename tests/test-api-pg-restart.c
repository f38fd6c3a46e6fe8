/* test-api-pg-restart.c: the real deskwatchd serving from PostgreSQL while PostgreSQL restarts
 * (docs/api.md "When the database is away", docs/design.md "When PostgreSQL restarts"): 503
 * problems with Retry-After and /health 503 while the cluster is stopped, then 2xx again from
 * the same service, with what was acknowledged before still there; and kill -9 of the postmaster
 * while writers are at work, after which every acknowledged write, its audit and its event are
 * there and a stream resumed with since= misses and repeats nothing.  Always on PostgreSQL. */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "dw-test-pg.h"
#include "dw-test-server.h"
#include "dw-test-stream.h"
#include "dw-test-thread.h"

static gint64
create_ticket (DwTestServer *s,
               const char   *subject,
               guint         expected)
{
  g_autoptr(DwTestResponse) r = dw_test_server_jsonf (s, "POST", s->admin_token,
                                                      "/api/v1/tickets",
                                                      "{\"subject\": \"%s\", \"channel\": \"web\"}",
                                                      subject);

  if (expected != 201)
    {
      dw_test_assert_problem (r, expected, "unavailable");
      g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Retry-After"), ==, "2");
      return 0;
    }
  dw_test_assert_status (r, 201);
  return json_object_get_int_member (dw_test_response_object (r), "id");
}

static guint
health (DwTestServer *s)
{
  g_autoptr(DwTestResponse) r = dw_test_server_json (s, "GET", "/api/v1/health", NULL, NULL);

  return r->status;
}

static void
test_restart (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  DwTestPg *cluster = dw_test_pg_get_shared ();
  g_autoptr(DwTestResponse) r = NULL;
  g_autofree char *path = NULL;
  gint64 before;
  gint64 after;
  guint tries;

  before = create_ticket (s, "before the restart", 201);
  g_assert_cmpuint (health (s), ==, 200);

  dw_test_pg_server_stop_immediate (cluster);
  g_assert_cmpuint (health (s), ==, 503);
  create_ticket (s, "while away", 503);
  create_ticket (s, "while away", 503);
  g_assert_cmpuint (health (s), ==, 503);

  dw_test_pg_server_start (cluster);
  /* The store reconnects at most once a second: ask again as Retry-After says, a bounded
   * number of times (no timing is asserted). */
  for (tries = 0; health (s) != 200; tries++)
    {
      g_assert_cmpuint (tries, <, 100);
      g_usleep (100 * 1000);
    }

  after = create_ticket (s, "after the restart", 201);
  g_assert_cmpint (after, >, before);
  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, before);
  r = dw_test_server_json (s, "GET", path, s->admin_token, NULL);
  dw_test_assert_status (r, 200);
  g_assert_cmpstr (json_object_get_string_member (dw_test_response_object (r), "subject"), ==,
                   "before the restart");
}

/* Asks /health every 20 ms from the moment PostgreSQL is gone until it is back (*phase
 * STARTING set by the test just before it starts the server again, BACK once pg_ctl said it
 * accepts connections; then /health 200): the service's store then tries
 * to reconnect at every one of its reconnect intervals, so when the leader (asking every 50 ms,
 * DESKWATCH_LEADER_INTERVAL_MS) takes the lead again on its own new session, the store is most
 * likely still waiting for its next attempt: whatever the leader starts (SLA checks,
 * hand-back, pruning) meets the database away first. */
enum
{
  PHASE_AWAY,      /* only 503 can be answered */
  PHASE_STARTING,  /* pg_ctl start runs: the store may reconnect before it returns */
  PHASE_BACK,
};

typedef struct
{
  DwTestServer *server;
  gint         *phase;
} Poller;

static void
poller_run (SoupSession *session,
            gpointer     data)
{
  Poller *poller = data;
  g_autofree char *url = g_strconcat (poller->server->url, "api/v1/health", NULL);

  for (;;)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) reply = NULL;
      g_autoptr(GError) error = NULL;
      /* Read before asking: the server cannot have been started before it changes. */
      gint phase = g_atomic_int_get (poller->phase);
      guint status;

      reply = soup_session_send_and_read (session, msg, NULL, &error);
      g_assert_no_error (error);
      status = soup_message_get_status (msg);
      if (phase == PHASE_BACK && status == 200)
        break;
      if (phase == PHASE_AWAY || status != 200)
        g_assert_cmpuint (status, ==, 503);
      g_usleep (20 * 1000);
    }
}

#define N_WRITERS 4

typedef struct
{
  DwTestServer *server;
  guint         index;
  GArray       *acknowledged;   /* gint64 ids answered 201, in the order they were */
  guint         n_unavailable;  /* answered 503 unavailable */
  gint         *n_acknowledged; /* all writers' 201s so far (atomic) */
  gint         *killed;         /* set once the postmaster is killed (atomic) */
  gint         *n_done;         /* writers that have stopped (atomic) */
} Writer;

/* Creates tickets over HTTP on a connection of its own until, after the kill, three in a row
 * were refused.  Before the kill every write is acknowledged; after it, each is either
 * acknowledged (it committed before the server died) or refused 503 unavailable with
 * Retry-After: never another status, never a lost connection (deskwatchd stays up). */
static void
writer_run (SoupSession *session,
            gpointer     data)
{
  Writer *writer = data;
  g_autofree char *url = g_strconcat (writer->server->url, "api/v1/tickets", NULL);
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", writer->server->admin_token);
  guint refused_in_a_row = 0;

  for (guint i = 0; refused_in_a_row < 3; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
      g_autofree char *body = g_strdup_printf ("{\"subject\": \"w%u-%u\", \"channel\": \"web\"}",
                                               writer->index, i);
      gsize length = strlen (body);
      g_autoptr(GBytes) request = g_bytes_new_take (g_steal_pointer (&body), length);
      g_autoptr(GBytes) reply = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      gboolean killed = g_atomic_int_get (writer->killed);
      SoupMessageHeaders *headers;
      JsonObject *object;

      soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization",
                                   authorization);
      soup_message_set_request_body_from_bytes (msg, "application/json", request);
      reply = soup_session_send_and_read (session, msg, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL),
                                                 g_bytes_get_size (reply), &error));
      g_assert_no_error (error);
      object = json_node_get_object (json_parser_get_root (parser));
      headers = soup_message_get_response_headers (msg);

      if (soup_message_get_status (msg) == 201)
        {
          gint64 id = json_object_get_int_member (object, "id");

          g_array_append_val (writer->acknowledged, id);
          g_atomic_int_inc (writer->n_acknowledged);
          refused_in_a_row = 0;
          continue;
        }

      /* Only once the postmaster is gone (the answer may have been on its way already). */
      g_assert_true (killed || g_atomic_int_get (writer->killed));
      g_assert_cmpuint (soup_message_get_status (msg), ==, 503);
      g_assert_true (g_str_has_suffix (json_object_get_string_member (object, "type"),
                                       "/unavailable"));
      g_assert_cmpstr (soup_message_headers_get_one (headers, "Retry-After"), ==, "2");
      writer->n_unavailable++;
      refused_in_a_row++;
    }

  g_atomic_int_inc (writer->n_done);
}

typedef struct
{
  gint *counter;
  gint  at_least;
} Count;

static gboolean
count_reached (gpointer data)
{
  Count *count = data;

  return g_atomic_int_get (count->counter) >= count->at_least;
}

typedef struct
{
  DwTestStream *stream;
  gint64        seq;
} Reached;

static gboolean
stream_reached (gpointer data)
{
  Reached *r = data;

  g_assert_false (r->stream->closed);
  for (guint i = r->stream->messages->len; i > 0; i--)
    {
      JsonObject *message = g_ptr_array_index (r->stream->messages, i - 1);

      if (g_strcmp0 (dw_test_message_type (message), "event") == 0)
        return dw_test_message_seq (message) >= r->seq;
    }
  return FALSE;
}

/* The seq of every ticket.created event of @stream, by the ticket's id, into @created; asserts
 * none is there already (from this stream or the one before). */
static void
collect_created (DwTestStream *stream,
                 GHashTable   *created)
{
  for (guint i = 0; i < stream->messages->len; i++)
    {
      JsonObject *message = g_ptr_array_index (stream->messages, i);
      JsonObject *data;
      gint64 id;

      if (g_strcmp0 (dw_test_message_type (message), "event") != 0
          || g_strcmp0 (json_object_get_string_member (message, "event"), "ticket.created") != 0)
        continue;

      data = json_object_get_object_member (message, "data");
      id = json_object_get_int_member (data, "id");
      g_assert_false (g_hash_table_contains (created, GINT_TO_POINTER (id)));
      g_hash_table_insert (created, GINT_TO_POINTER (id),
                           GINT_TO_POINTER (dw_test_message_seq (message)));
    }
}

/* kill -9 of PostgreSQL's postmaster while four writers create tickets over HTTP: the same
 * deskwatchd (no restart, run with G_DEBUG=fatal-warnings: background work must take the
 * database away as expected) answers 2xx again once PostgreSQL has recovered; every ticket
 * answered 201 is there with its audit and its event; a refused one is there whole or not at
 * all; and a stream client connected before the kill resumes with since= its last seq and
 * sees every event once, in order. */
static void
test_postmaster_killed (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  DwTestPg *cluster = dw_test_pg_get_shared ();
  g_autoptr(DwTestStream) before = NULL;
  g_autoptr(DwTestStream) resumed = NULL;
  g_autoptr(GHashTable) created = g_hash_table_new (NULL, NULL);
  Writer writers[N_WRITERS];
  GThread *threads[N_WRITERS];
  gint n_acknowledged = 0;
  gint killed = 0;
  gint n_done = 0;
  gint phase = PHASE_AWAY;
  Poller poll = { s, &phase };
  GThread *poller;
  Count count;
  Reached reached;
  gint64 last_before, last, n_tickets;
  guint total = 0, refused = 0;
  GPid service = g_ascii_strtoll (g_subprocess_get_identifier (s->process), NULL, 10);

  before = dw_test_stream_open (s, s->admin_token, 0);

  for (guint i = 0; i < N_WRITERS; i++)
    {
      writers[i] = (Writer) { s, i, g_array_new (FALSE, FALSE, sizeof (gint64)), 0,
                              &n_acknowledged, &killed, &n_done };
      threads[i] = dw_test_thread_new ("writer", writer_run, &writers[i]);
    }

  /* Let them write a while (the stream reading meanwhile), then kill the postmaster in the
   * middle of their writes. */
  count = (Count) { &n_acknowledged, 40 };
  dw_test_spin_until (count_reached, &count, "the writers' first 40 tickets");
  g_atomic_int_set (&killed, 1);
  g_assert_no_errno (kill (dw_test_pg_server_pid (cluster), SIGKILL));

  count = (Count) { &n_done, N_WRITERS };
  dw_test_spin_until (count_reached, &count, "the writers to be refused");
  for (guint i = 0; i < N_WRITERS; i++)
    g_thread_join (threads[i]);
  poller = dw_test_thread_new ("health", poller_run, &poll);

  /* The client goes away with what it has (the seqs it saw: each once, none skipped). */
  last_before = dw_test_check_events (before, 0, before->messages->len, 0, TRUE);
  collect_created (before, created);
  g_clear_pointer (&before, dw_test_stream_free);

  g_atomic_int_set (&phase, PHASE_STARTING);
  dw_test_pg_server_restart_after_crash (cluster);
  g_atomic_int_set (&phase, PHASE_BACK);
  g_thread_join (poller);
  g_assert_cmpuint (health (s), ==, 200);
  /* The same process served throughout. */
  g_assert_cmpint (service, ==, g_ascii_strtoll (g_subprocess_get_identifier (s->process),
                                                 NULL, 10));

  /* Every acknowledged write is there, with its audit row. */
  for (guint i = 0; i < N_WRITERS; i++)
    {
      for (guint j = 0; j < writers[i].acknowledged->len; j++)
        {
          gint64 id = g_array_index (writers[i].acknowledged, gint64, j);
          g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
          g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM audit WHERE entity = "
                                                  "'ticket' AND action = 'created' AND "
                                                  "entity_id = %" G_GINT64_FORMAT, id);
          g_autoptr(DwTestResponse) r = dw_test_server_json (s, "GET", path, s->admin_token,
                                                             NULL);

          dw_test_assert_status (r, 200);
          g_assert_cmpint (dw_test_server_query_int (s, sql), ==, 1);
        }
      total += writers[i].acknowledged->len;
      refused += writers[i].n_unavailable;
    }

  /* A refused write is there whole (it may have committed before the answer was lost) or not
   * at all: every ticket has its audit row and its one event. */
  n_tickets = dw_test_server_query_int (s, "SELECT count(*) FROM tickets");
  g_assert_cmpint (n_tickets, >=, total);
  g_assert_cmpint (dw_test_server_query_int (s, "SELECT count(*) FROM tickets t WHERE NOT EXISTS "
                                                "(SELECT 1 FROM audit a WHERE a.entity = 'ticket' "
                                                "AND a.entity_id = t.id AND a.action = "
                                                "'created')"), ==, 0);
  g_assert_cmpint (dw_test_server_query_int (s, "SELECT count(*) FROM events WHERE type = "
                                                "'ticket.created'"), ==, n_tickets);

  /* Resumed after the restart from the last seq it saw: the rest of the log, each event once,
   * no seq skipped, up to the last one committed. */
  last = dw_test_server_query_int (s, "SELECT max(seq) FROM events");
  resumed = dw_test_stream_open (s, s->admin_token, last_before);
  reached = (Reached) { resumed, last };
  if (last > last_before)
    dw_test_spin_until (stream_reached, &reached, "the resumed stream to reach the last event");
  g_assert_cmpint (dw_test_check_events (resumed, 0, resumed->messages->len, last_before, TRUE),
                   >=, last);

  /* ... so every acknowledged ticket's event exactly once, and each writer's in the order
   * they were acknowledged. */
  collect_created (resumed, created);
  for (guint i = 0; i < N_WRITERS; i++)
    {
      gint64 previous = 0;

      for (guint j = 0; j < writers[i].acknowledged->len; j++)
        {
          gint64 id = g_array_index (writers[i].acknowledged, gint64, j);
          gint64 seq = GPOINTER_TO_INT (g_hash_table_lookup (created, GINT_TO_POINTER (id)));

          g_assert_cmpint (seq, >, previous);
          previous = seq;
        }
    }

  g_test_message ("%u tickets acknowledged by %u writers, %u refused (%" G_GINT64_FORMAT
                  " tickets stored); all there after the restart", total, N_WRITERS, refused,
                  n_tickets);
  create_ticket (s, "after the crash", 201);
  for (guint i = 0; i < N_WRITERS; i++)
    g_array_unref (writers[i].acknowledged);
}

/* The SLA engine while PostgreSQL is away: a ticket's first response falls due during the
 * outage, and once PostgreSQL is back the engine (meeting the database away first, see
 * poller_run) schedules its checks again and breaches it, once. */
static void
test_sla_after_restart (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  DwTestPg *cluster = dw_test_pg_get_shared ();
  const char * const speed[] = { "--speed", "600", NULL };  /* a real second: ten minutes */
  g_autoptr(DwTestResponse) r = NULL;
  g_autofree char *breached = NULL;
  gint phase = PHASE_AWAY;
  Poller poll = { s, &phase };
  GThread *poller;
  gint64 id;
  guint tries;

  dw_test_server_stop (s);
  dw_test_server_exec (s, "UPDATE calendars SET timezone = 'UTC', week = '[[[0,1440]],"
                       "[[0,1440]],[[0,1440]],[[0,1440]],[[0,1440]],[[0,1440]],[[0,1440]]]'");
  dw_test_server_exec (s, "INSERT INTO sla_policies (name, position, first_response_minutes, "
                       "next_response_minutes, resolution_minutes, at_risk_ratio) "
                       "VALUES ('All', 0, 20, 20, 6000, 0.5)");
  dw_test_server_start (s, speed);

  r = dw_test_server_jsonf (s, "POST", s->admin_token, "/api/v1/tickets",
                            "{\"subject\": \"due while away\", \"channel\": \"web\", "
                            "\"team_id\": %" G_GINT64_FORMAT "}", s->team_id);
  dw_test_assert_status (r, 201);
  id = json_object_get_int_member (dw_test_response_object (r), "id");
  g_assert_false (json_object_get_null_member (dw_test_response_object (r), "sla_policy_id"));

  dw_test_pg_server_stop_immediate (cluster);
  poller = dw_test_thread_new ("health", poller_run, &poll);
  /* Away for longer than the 20 minutes (2 s) the first response had. */
  g_usleep (3 * G_USEC_PER_SEC);
  g_atomic_int_set (&phase, PHASE_STARTING);
  dw_test_pg_server_start (cluster);
  g_atomic_int_set (&phase, PHASE_BACK);
  g_thread_join (poller);

  breached = g_strdup_printf ("SELECT count(*) FROM audit WHERE entity = 'ticket' AND "
                              "entity_id = %" G_GINT64_FORMAT " AND action = 'sla' AND "
                              "field = 'first-response' AND after = '\"breached\"'", id);
  /* The bound only keeps a broken service from hanging the test. */
  for (tries = 0; dw_test_server_query_int (s, breached) == 0; tries++)
    {
      g_assert_cmpuint (tries, <, 600);
      g_usleep (100 * 1000);
    }
  g_assert_cmpint (dw_test_server_query_int (s, breached), ==, 1);
  g_assert_cmpuint (health (s), ==, 200);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("DW_TEST_BACKEND", "postgresql", TRUE);
  /* The leader takes the lead again within 50 ms of PostgreSQL's return (see poller_run). */
  g_setenv ("DESKWATCH_LEADER_INTERVAL_MS", "50", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/api-pg-restart/restart", test_restart);
  g_test_add_func ("/api-pg-restart/postmaster-killed", test_postmaster_killed);
  g_test_add_func ("/api-pg-restart/sla-after-restart", test_sla_after_restart);

  return g_test_run ();
}
