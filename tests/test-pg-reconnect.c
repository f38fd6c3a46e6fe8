/* test-pg-reconnect.c: the PostgreSQL store when PostgreSQL restarts or drops its connection
 * (store/pg/dw-pg-store.h, docs/design.md "When PostgreSQL restarts"), against a real
 * PostgreSQL 15 that the test stops (pg_ctl stop -m immediate), kills (kill -9 of the
 * postmaster) and starts again: operations fail DW_STORE_ERROR_UNAVAILABLE while it is away and
 * succeed once it is back, on the same store, without the caller opening anything again; a
 * transaction the connection was lost in is never committed; what was committed is there after. */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libpq-fe.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "dw-clock.h"
#include "dw-desk-private.h"
#include "dw-event-log.h"
#include "dw-problem.h"
#include "dw-sla-engine.h"
#include "dw-store.h"
#include "dw-test-pg.h"
#include "dw-test-store.h"
#include "store/dw-store-demo.h"
#include "store/dw-store-snapshot.h"
#include "store/dw-store-tx.h"
#include "store/pg/dw-pg-connection.h"
#include "store/pg/dw-pg-store.h"

typedef struct
{
  DwTestStore *desk;
  DwStore     *store;
  guint        n_hooks;      /* reconnected hook calls */
  guint        n_hook_fail;  /* how many of the next ones fail */
} Fixture;

static gboolean
reconnected_cb (DwStore  *store,
                gpointer  data,
                GError  **error)
{
  Fixture *fixture = data;
  g_autoptr(GError) local = NULL;

  g_assert_true (store == fixture->store);
  fixture->n_hooks++;
  if (fixture->n_hook_fail > 0)
    {
      fixture->n_hook_fail--;
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the test's hook failed");
      return FALSE;
    }

  /* A hook may read with the store's operations (the event log reads from its last seq). */
  {
    g_autofree char *value = NULL;

    if (!dw_store_get_setting (store, "before", &value, error))
      return FALSE;
  }

  /* What a session holds is the hook's to restore (the event log's LISTEN, in the service). */
  return dw_pg_exec (store->conn, "SET application_name = 'dw-reconnected'", error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->desk = dw_test_store_open ("postgresql");
  fixture->store = fixture->desk->store;
  dw_pg_store_set_reconnect_interval (fixture->store, 0);
  dw_pg_store_add_reconnected_hook (fixture->store, reconnected_cb, fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->desk, dw_test_store_close);
}

static gboolean
put (Fixture     *fixture,
     const char  *key,
     GError     **error)
{
  return dw_store_demo_put_setting (fixture->store, key, "written", error);
}

static void
put_committed (Fixture    *fixture,
               const char *key)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dw_store_tx_begin (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_true (put (fixture, key, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_tx_commit (fixture->store, &error));
  g_assert_no_error (error);
}

/* Whether @key is in the settings (asserts the read succeeds). */
static gboolean
stored (Fixture    *fixture,
        const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  g_assert_true (dw_store_get_setting (fixture->store, key, &value, &error));
  g_assert_no_error (error);
  return value != NULL;
}

/* @error by address: read after the call that sets it, whatever the order of the arguments. */
static void
assert_unavailable (gboolean   ok,
                    GError   **error)
{
  g_assert_false (ok);
  g_assert_error (*error, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE);
}

static char *
application_name (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = dw_pg_query (fixture->desk->conn, "SHOW application_name", 0,
                                            NULL, &error);

  g_assert_no_error (error);
  return g_strdup (PQgetvalue (result, 0, 0));
}

/* PostgreSQL stops in the middle of a transaction and stays away a while, then starts again. */
static void
test_down_and_back (Fixture       *fixture,
                    gconstpointer  data)
{
  DwTestPg *cluster = dw_test_pg_get_shared ();
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  g_autofree char *name = NULL;

  put_committed (fixture, "before");

  g_assert_true (dw_store_tx_begin (fixture->store, &error));
  g_assert_true (put (fixture, "interrupted", &error));
  g_assert_no_error (error);

  dw_test_pg_server_stop_immediate (cluster);

  assert_unavailable (put (fixture, "interrupted-more", &error), &error);
  g_clear_error (&error);
  /* A second statement of the lost transaction fails too, not run on a new connection. */
  assert_unavailable (put (fixture, "interrupted-more", &error), &error);
  g_clear_error (&error);
  assert_unavailable (dw_store_tx_commit (fixture->store, &error), &error);
  g_clear_error (&error);
  dw_store_tx_rollback (fixture->store);

  /* While it is away: every use fails at once, with the same error. */
  assert_unavailable (dw_store_tx_begin (fixture->store, &error), &error);
  g_clear_error (&error);
  assert_unavailable (dw_store_get_setting (fixture->store, "before", &value, &error), &error);
  g_clear_error (&error);
  g_assert_false (dw_store_ping (fixture->store));
  g_assert_cmpuint (dw_pg_store_get_n_reconnects (fixture->store), ==, 0);
  g_assert_cmpuint (fixture->n_hooks, ==, 0);

  dw_test_pg_server_start (cluster);

  /* The same store, nothing opened again by the caller. */
  g_assert_true (dw_store_ping (fixture->store));
  g_assert_cmpuint (dw_pg_store_get_n_reconnects (fixture->store), ==, 1);
  g_assert_cmpuint (fixture->n_hooks, ==, 1);
  name = application_name (fixture);
  g_assert_cmpstr (name, ==, "dw-reconnected");

  g_assert_true (stored (fixture, "before"));
  g_assert_false (stored (fixture, "interrupted"));
  g_assert_false (stored (fixture, "interrupted-more"));
  put_committed (fixture, "after");
  g_assert_true (stored (fixture, "after"));
}

/* PostgreSQL restarts while a transaction is open and is back before its next statement: the
 * statement must not run on the new connection (it would be committed by itself), and the
 * commit must fail, not succeed with PostgreSQL's "there is no transaction in progress". */
static void
test_restart_inside_transaction (Fixture       *fixture,
                                 gconstpointer  data)
{
  DwTestPg *cluster = dw_test_pg_get_shared ();
  g_autoptr(GError) error = NULL;

  g_assert_true (dw_store_tx_begin (fixture->store, &error));
  g_assert_true (put (fixture, "first", &error));
  g_assert_no_error (error);

  dw_test_pg_server_stop_immediate (cluster);
  dw_test_pg_server_start (cluster);

  assert_unavailable (put (fixture, "second", &error), &error);
  g_clear_error (&error);
  assert_unavailable (put (fixture, "third", &error), &error);
  g_clear_error (&error);
  assert_unavailable (dw_store_tx_commit (fixture->store, &error), &error);
  g_clear_error (&error);
  dw_store_tx_rollback (fixture->store);

  g_assert_false (stored (fixture, "first"));
  g_assert_false (stored (fixture, "second"));
  g_assert_false (stored (fixture, "third"));
  g_assert_cmpuint (dw_pg_store_get_n_reconnects (fixture->store), ==, 1);
}

/* The server ends the connection (pg_terminate_backend: 57P01) just before COMMIT; the hook
 * fails once, so the store stays unavailable until it succeeds. */
static void
test_terminated_before_commit (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(DwTestStore) other = dw_test_store_open_second (fixture->desk);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autofree char *sql = NULL;

  g_assert_true (dw_store_tx_begin (fixture->store, &error));
  g_assert_true (put (fixture, "terminated", &error));
  g_assert_no_error (error);

  sql = g_strdup_printf ("SELECT pg_terminate_backend (%d, 5000)",
                         PQbackendPID (fixture->desk->conn));
  result = dw_pg_query (other->conn, sql, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (PQgetvalue (result, 0, 0), ==, "t");

  assert_unavailable (dw_store_tx_commit (fixture->store, &error), &error);
  g_clear_error (&error);
  dw_store_tx_rollback (fixture->store);

  fixture->n_hook_fail = 1;
  assert_unavailable (dw_store_tx_begin (fixture->store, &error), &error);
  g_assert_nonnull (strstr (error->message, "the test's hook failed"));
  g_clear_error (&error);
  g_assert_cmpuint (fixture->n_hooks, ==, 1);

  /* The hooks again first, then the transaction. */
  g_assert_true (dw_store_tx_begin (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->n_hooks, ==, 2);
  g_assert_false (stored (fixture, "terminated"));
  dw_store_tx_rollback (fixture->store);
  g_clear_pointer (&other, dw_test_store_close);
}

/* Not more often than the reconnect interval: while it has not passed, the store answers
 * unavailable at once, even though the server is back. */
static void
test_reconnect_interval (Fixture       *fixture,
                         gconstpointer  data)
{
  DwTestPg *cluster = dw_test_pg_get_shared ();
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  dw_pg_store_set_reconnect_interval (fixture->store, 3600 * 1000);
  dw_test_pg_server_stop_immediate (cluster);

  /* The connection found lost, then one attempt to reconnect, which fails. */
  assert_unavailable (dw_store_get_setting (fixture->store, "k", &value, &error), &error);
  g_clear_error (&error);
  assert_unavailable (dw_store_get_setting (fixture->store, "k", &value, &error), &error);
  g_clear_error (&error);

  dw_test_pg_server_start (cluster);
  assert_unavailable (dw_store_tx_begin (fixture->store, &error), &error);
  g_assert_nonnull (strstr (error->message, "next attempt to reconnect in"));
  g_clear_error (&error);
  g_assert_cmpuint (dw_pg_store_get_n_reconnects (fixture->store), ==, 0);

  dw_pg_store_set_reconnect_interval (fixture->store, 0);
  g_assert_true (dw_store_get_setting (fixture->store, "k", &value, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dw_pg_store_get_n_reconnects (fixture->store), ==, 1);
}

typedef struct
{
  GPid     pid;
  gint     armed;    /* set by the writer once it has written a little */
} Killer;

static gpointer
killer_thread (gpointer data)
{
  Killer *killer = data;

  while (!g_atomic_int_get (&killer->armed))
    g_usleep (1000);
  /* Writes go on meanwhile: the kill lands in one of them (a statement or a COMMIT). */
  g_usleep (50 * 1000);
  g_assert_no_errno (kill (killer->pid, SIGKILL));
  return NULL;
}

/* kill -9 of the postmaster during a stream of writes: every write whose COMMIT succeeded is
 * there after the restart; the store reconnects by itself. */
static void
test_postmaster_killed (Fixture       *fixture,
                        gconstpointer  data)
{
  DwTestPg *cluster = dw_test_pg_get_shared ();
  Killer killer = { .pid = dw_test_pg_server_pid (cluster) };
  g_autoptr(GThread) thread = g_thread_new ("killer", killer_thread, &killer);
  g_autoptr(GArray) acknowledged = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n_failed = 0;
  guint i;

  for (i = 1; n_failed < 5; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *key = g_strdup_printf ("w%u", i);

      if (dw_store_tx_begin (fixture->store, &error)
          && put (fixture, key, &error)
          && dw_store_tx_commit (fixture->store, &error))
        {
          g_array_append_val (acknowledged, i);
        }
      else
        {
          g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE);
          dw_store_tx_rollback (fixture->store);
          n_failed++;
        }
      if (i == 20)
        g_atomic_int_set (&killer.armed, 1);
    }
  g_thread_join (g_steal_pointer (&thread));
  g_test_message ("%u writes acknowledged before the kill", acknowledged->len);
  g_assert_cmpuint (acknowledged->len, >=, 20);

  dw_test_pg_server_restart_after_crash (cluster);

  for (guint j = 0; j < acknowledged->len; j++)
    {
      g_autofree char *key = g_strdup_printf ("w%u", g_array_index (acknowledged, guint, j));

      g_assert_true (stored (fixture, key));
    }
  put_committed (fixture, "after");
  g_assert_true (stored (fixture, "after"));
}

/* A read of the store answered the way the API answers (dw_problem_reply_error): the mapping
 * of a real DW_STORE_ERROR_UNAVAILABLE, until deskwatchd itself serves from PostgreSQL. */
static void
setting_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           data)
{
  Fixture *fixture = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  g_autoptr(JsonObject) object = json_object_new ();

  if (!dw_store_get_setting (fixture->store, "before", &value, &error))
    {
      dw_problem_reply_error (msg, error);
      return;
    }
  json_object_set_string_member (object, "value", value);
  dw_json_reply_object (msg, 200, object);
}

typedef struct
{
  guint     status;
  char     *retry_after;
  char     *content_type;
  JsonNode *body;
} Reply;

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->retry_after, g_free);
  g_clear_pointer (&reply->content_type, g_free);
  g_clear_pointer (&reply->body, json_node_unref);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  GBytes **bytes = data;
  g_autoptr(GError) error = NULL;

  *bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
}

static void
get (SoupSession *session,
     const char  *url,
     Reply       *reply)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);

  /* The server runs on this thread's main context: iterate it until the answer is in. */
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &bytes);
  while (bytes == NULL)
    g_main_context_iteration (NULL, TRUE);

  reply_clear (reply);
  reply->status = soup_message_get_status (msg);
  reply->retry_after = g_strdup (soup_message_headers_get_one (headers, "Retry-After"));
  reply->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  reply->body = json_from_string (g_bytes_get_data (bytes, NULL), &error);
  g_assert_no_error (error);
}

static void
test_api_unavailable (Fixture       *fixture,
                      gconstpointer  data)
{
  DwTestPg *cluster = dw_test_pg_get_shared ();
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autofree char *url = NULL;
  Reply reply = { 0 };
  JsonObject *problem;

  put_committed (fixture, "before");
  soup_server_add_handler (server, "/setting", setting_cb, fixture, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("http://127.0.0.1:%d/setting", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  get (session, url, &reply);
  g_assert_cmpuint (reply.status, ==, 200);

  dw_test_pg_server_stop_immediate (cluster);
  for (guint i = 0; i < 2; i++)
    {
      get (session, url, &reply);
      g_assert_cmpuint (reply.status, ==, 503);
      g_assert_cmpstr (reply.retry_after, ==, DW_PROBLEM_RETRY_AFTER_UNAVAILABLE);
      g_assert_cmpstr (reply.content_type, ==, "application/problem+json");
      problem = json_node_get_object (reply.body);
      g_assert_cmpstr (json_object_get_string_member (problem, "type"), ==,
                       DW_PROBLEM_TYPE_BASE "unavailable");
      g_assert_cmpstr (json_object_get_string_member (problem, "title"), ==,
                       "Service unavailable");
      g_assert_cmpint (json_object_get_int_member (problem, "status"), ==, 503);
      g_assert_true (g_str_has_prefix (json_object_get_string_member (problem, "detail"),
                                       "the database is unavailable: "));
    }

  dw_test_pg_server_start (cluster);
  get (session, url, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_null (reply.retry_after);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (reply.body), "value"),
                   ==, "written");
  reply_clear (&reply);
  soup_server_disconnect (server);
}

static void
group_done_cb (gboolean      committed,
               const GError *error,
               gpointer      data)
{
  GError **lost = data;

  g_assert_false (committed);
  g_assert_nonnull (error);
  *lost = g_error_copy (error);
}

/* A grouped write of the desk (dw_desk_write): the setting "grouped", counting its runs. */
typedef struct
{
  Fixture *fixture;
  guint    runs;
} GroupedPut;

static JsonObject *
grouped_put_write (DwDesk   *desk,
                   gpointer  data,
                   GError  **error)
{
  GroupedPut *grouped = data;

  grouped->runs++;
  return put (grouped->fixture, "grouped", error) ? json_object_new () : NULL;
}

/* The desk's group commit: the connection is lost while a group is open (one write in it, its
 * answer held back), and the next write's SAVEPOINT fails.  The group is gone, and its held
 * writes are told why: unavailable, as the failing write is (the API answers both 503 with
 * Retry-After), not a generic failure. */
static void
test_group_lost (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(DwTestStore) other = dw_test_store_open_second (fixture->desk);
  g_autoptr(DwClock) clock = dw_clock_new (1.0);
  g_autoptr(DwEventLog) events = dw_event_log_new (fixture->store, clock);
  g_autoptr(DwSlaEngine) sla = dw_sla_engine_new (fixture->store, clock, events);
  g_autoptr(DwDesk) desk = dw_desk_new (fixture->store, clock, events, sla);
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonObject) next = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) lost = NULL;
  g_autoptr(PGresult) killed = NULL;
  g_autofree char *sql = NULL;
  GroupedPut grouped = { fixture, 0 };

  dw_desk_group_enter (desk);
  result = dw_desk_write (desk, grouped_put_write, &grouped, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpuint (grouped.runs, ==, 1);
  g_assert_true (dw_desk_group_is_open (desk));
  dw_desk_group_wait (desk, group_done_cb, &lost, NULL);

  sql = g_strdup_printf ("SELECT pg_terminate_backend (%d, 5000)",
                         PQbackendPID (fixture->desk->conn));
  killed = dw_pg_query (other->conn, sql, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (PQgetvalue (killed, 0, 0), ==, "t");

  /* The next write of the group: its SAVEPOINT fails, and the write never runs. */
  next = dw_desk_write (desk, grouped_put_write, &grouped, &error);
  assert_unavailable (next != NULL, &error);
  g_assert_cmpuint (grouped.runs, ==, 1);
  g_clear_error (&error);
  dw_desk_group_leave (desk);

  g_assert_false (dw_desk_group_is_open (desk));
  g_assert_error (lost, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE);
  g_assert_false (stored (fixture, "grouped"));
  g_clear_pointer (&other, dw_test_store_close);
}

/* Statements prepared on the server for the store's session (PQexec: not prepared itself). */
static int
server_prepared (Fixture *fixture)
{
  g_autoptr(PGresult) result = PQexec (fixture->desk->conn,
                                       "SELECT count(*) FROM pg_prepared_statements");

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  return atoi (PQgetvalue (result, 0, 0));
}

/* The store prepares each statement once per session (dw_pg_query), and prepares them again on
 * the new session after PostgreSQL restarted: the old names are gone with the old session. */
static void
test_prepared_statements (Fixture       *fixture,
                          gconstpointer  data)
{
  DwTestPg *cluster = dw_test_pg_get_shared ();
  guint n;

  put_committed (fixture, "before");
  g_assert_true (stored (fixture, "before"));
  n = dw_pg_get_n_prepared (fixture->desk->conn);
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpint (server_prepared (fixture), ==, n);
  /* The same texts again: run by name, none prepared anew. */
  g_assert_true (stored (fixture, "before"));
  put_committed (fixture, "again");
  g_assert_cmpuint (dw_pg_get_n_prepared (fixture->desk->conn), ==, n);

  dw_test_pg_server_stop_immediate (cluster);
  dw_test_pg_server_start (cluster);

  g_assert_true (dw_store_ping (fixture->store));
  g_assert_cmpuint (dw_pg_store_get_n_reconnects (fixture->store), ==, 1);
  g_assert_true (stored (fixture, "before"));
  put_committed (fixture, "after");
  g_assert_true (stored (fixture, "after"));
  g_assert_cmpint (server_prepared (fixture), ==, dw_pg_get_n_prepared (fixture->desk->conn));
  g_assert_cmpint (server_prepared (fixture), >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/pg-reconnect/down-and-back", Fixture, NULL, fixture_set_up, test_down_and_back,
              fixture_tear_down);
  g_test_add ("/pg-reconnect/restart-inside-transaction", Fixture, NULL, fixture_set_up,
              test_restart_inside_transaction, fixture_tear_down);
  g_test_add ("/pg-reconnect/terminated-before-commit", Fixture, NULL, fixture_set_up,
              test_terminated_before_commit, fixture_tear_down);
  g_test_add ("/pg-reconnect/reconnect-interval", Fixture, NULL, fixture_set_up,
              test_reconnect_interval, fixture_tear_down);
  g_test_add ("/pg-reconnect/api-unavailable", Fixture, NULL, fixture_set_up,
              test_api_unavailable, fixture_tear_down);
  g_test_add ("/pg-reconnect/postmaster-killed", Fixture, NULL, fixture_set_up,
              test_postmaster_killed, fixture_tear_down);
  g_test_add ("/pg-reconnect/group-lost", Fixture, NULL, fixture_set_up, test_group_lost,
              fixture_tear_down);
  g_test_add ("/pg-reconnect/prepared-statements", Fixture, NULL, fixture_set_up,
              test_prepared_statements, fixture_tear_down);

  return g_test_run ();
}
