/* Durability: every write the service acknowledged survives SIGKILL.
 *
 * Many ticket creations run concurrently; once some have been answered 201 the service is
 * killed with SIGKILL in the middle of the rest.  After a restart on the same database every
 * acknowledged ticket must be there, with the subject it was created with, and the database
 * must be consistent (audit rows for each; on SQLite the file's integrity check).  On both
 * backends (DW_TEST_BACKEND): on PostgreSQL it is the service that is killed, the server keeps
 * what was committed before each answer. */
#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "dw-test-server.h"

#define N_REQUESTS 300
#define KILL_AFTER 80

typedef struct
{
  DwTestServer *server;
  GMainLoop    *loop;
  GHashTable   *acknowledged;  /* ticket id (gint64 *) → subject */
  guint         pending;
  guint         failed;
  gboolean      killed;
  guint         kill_after;    /* acknowledged creates before SIGKILL; 0: never */
} Run;

typedef struct
{
  Run        *run;
  SoupMessage *msg;
  char        *subject;
} Request;

static void
request_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Request *req = user_data;
  Run *run = req->run;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              &error);

  if (body != NULL && soup_message_get_status (req->msg) == 201)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize size;
      const char *data = g_bytes_get_data (body, &size);
      JsonObject *ticket;
      gint64 *id = g_new (gint64, 1);

      g_assert_true (json_parser_load_from_data (parser, data, (gssize) size, NULL));
      ticket = json_node_get_object (json_parser_get_root (parser));
      *id = json_object_get_int_member (ticket, "id");
      g_assert_cmpstr (json_object_get_string_member (ticket, "subject"), ==, req->subject);
      g_hash_table_insert (run->acknowledged, id, g_strdup (req->subject));

      if (!run->killed && run->kill_after > 0
          && g_hash_table_size (run->acknowledged) >= run->kill_after)
        {
          /* Mid-stream: other requests are queued, in flight or being committed. */
          g_subprocess_send_signal (run->server->process, SIGKILL);
          run->killed = TRUE;
        }
    }
  else
    {
      /* Only an interrupted request may fail, never an answered one with an error status. */
      g_assert_true (body == NULL || run->killed);
      run->failed++;
    }

  g_object_unref (req->msg);
  g_free (req->subject);
  g_free (req);

  if (--run->pending == 0)
    g_main_loop_quit (run->loop);
}

static void
test_kill_during_writes (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns", 64,
                                                                  "max-conns-per-host", 16,
                                                                  "timeout", 60, NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GHashTable) acknowledged = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                              g_free, g_free);
  g_autofree char *uri = g_strconcat (server->url, "api/v1/tickets", NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", server->admin_token);
  Run run = { server, loop, acknowledged, 0, 0, FALSE, KILL_AFTER };
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < N_REQUESTS; i++)
    {
      Request *req = g_new0 (Request, 1);
      char *body;
      g_autoptr(GBytes) bytes = NULL;

      req->run = &run;
      req->subject = g_strdup_printf ("快递 durability %u", i);
      body = g_strdup_printf ("{\"subject\": \"%s\", \"channel\": \"web\", \"tags\": [\"d%u\"]}",
                              req->subject, i);
      bytes = g_bytes_new_take (body, strlen (body));
      req->msg = soup_message_new ("POST", uri);
      soup_message_headers_replace (soup_message_get_request_headers (req->msg), "Authorization",
                                    auth);
      soup_message_set_request_body_from_bytes (req->msg, "application/json", bytes);
      run.pending++;
      soup_session_send_and_read_async (session, req->msg, G_PRIORITY_DEFAULT, NULL,
                                        request_done_cb, req);
    }

  g_main_loop_run (loop);
  g_assert_true (run.killed);
  g_test_message ("%u acknowledged, %u interrupted", g_hash_table_size (acknowledged), run.failed);

  /* Reap the killed process, then start again on the same file. */
  dw_test_server_kill (server);
  dw_test_server_start (server, NULL);

  g_hash_table_iter_init (&iter, acknowledged);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT,
                                               *(gint64 *) key);
      g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", path, server->admin_token,
                                                         NULL);

      dw_test_assert_status (r, 200);
      g_assert_cmpstr (json_object_get_string_member (dw_test_response_object (r), "subject"), ==,
                       value);
    }

  /* Each ticket committed whole: with its audit rows, and an intact database. */
  g_assert_cmpint (dw_test_server_query_int (server, "SELECT count(*) FROM tickets t WHERE NOT "
                                                     "EXISTS (SELECT 1 FROM audit a WHERE a.entity "
                                                     "= 'ticket' AND a.entity_id = t.id AND "
                                                     "a.action = 'created')"), ==, 0);
  if (dw_test_backend_is_postgresql ())
    /* The file's own check is SQLite's (the killed service wrote its WAL); a PostgreSQL
     * server outlives the service killed here, its pages are its own. */
    g_test_message ("PostgreSQL: no PRAGMA integrity_check, the database is the server's");
  else
    {
      sqlite3 *db = NULL;
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_open_v2 (server->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==,
                       SQLITE_OK);
      g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                       SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
      sqlite3_finalize (stmt);
      sqlite3_close (db);
    }

  /* And it takes writes again. */
  {
    g_autoptr(DwTestResponse) r = dw_test_server_json (server, "POST", "/api/v1/tickets",
                                                       server->admin_token,
                                                       "{\"subject\": \"after\", \"channel\": \"web\"}");

    dw_test_assert_status (r, 201);
  }
}

/* Group commit: with 32 clients writing at once, writes share commits (fewer WAL syncs than
 * acknowledged creates), and still every acknowledged create survives SIGKILL. */
#define N_CLIENTS 32
#define N_GROUPED_ROUNDS 8

static void
send_creates (Run         *run,
              SoupSession *session,
              const char  *uri,
              const char  *auth,
              const char  *label,
              guint        n)
{
  for (guint i = 0; i < n; i++)
    {
      Request *req = g_new0 (Request, 1);
      char *body;
      g_autoptr(GBytes) bytes = NULL;

      req->run = run;
      req->subject = g_strdup_printf ("快递 %s %u", label, i);
      body = g_strdup_printf ("{\"subject\": \"%s\", \"channel\": \"web\"}", req->subject);
      bytes = g_bytes_new_take (body, strlen (body));
      req->msg = soup_message_new ("POST", uri);
      soup_message_headers_replace (soup_message_get_request_headers (req->msg), "Authorization",
                                    auth);
      soup_message_set_request_body_from_bytes (req->msg, "application/json", bytes);
      run->pending++;
      soup_session_send_and_read_async (session, req->msg, G_PRIORITY_DEFAULT, NULL,
                                        request_done_cb, req);
    }
}

static JsonObject *
health_stats (DwTestServer *server,
              DwTestResponse **keep)
{
  *keep = dw_test_server_json (server, "GET", "/api/v1/health", NULL, NULL);
  dw_test_assert_status (*keep, 200);
  return json_object_get_object_member (dw_test_response_object (*keep), "stats");
}

static void
test_grouped_writes (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns", N_CLIENTS * 2,
                                                                  "max-conns-per-host", N_CLIENTS,
                                                                  "timeout", 60, NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GHashTable) acknowledged = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                              g_free, g_free);
  g_autoptr(DwTestResponse) before_r = NULL;
  g_autoptr(DwTestResponse) after_r = NULL;
  g_autofree char *uri = g_strconcat (server->url, "api/v1/tickets", NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", server->admin_token);
  Run run = { server, loop, acknowledged, 0, 0, FALSE, 0 };
  JsonObject *before, *after;
  gint64 commits, writes, groups;
  guint n = N_CLIENTS * N_GROUPED_ROUNDS;
  GHashTableIter iter;
  gpointer key, value;

  /* All answered, none killed: count the commits they took. */
  before = health_stats (server, &before_r);
  send_creates (&run, session, uri, auth, "grouped", n);
  g_main_loop_run (loop);
  g_assert_cmpuint (run.failed, ==, 0);
  g_assert_cmpuint (g_hash_table_size (acknowledged), ==, n);
  after = health_stats (server, &after_r);

  commits = json_object_get_int_member (after, "commits")
            - json_object_get_int_member (before, "commits");
  writes = json_object_get_int_member (after, "writes_grouped")
           - json_object_get_int_member (before, "writes_grouped");
  groups = json_object_get_int_member (after, "group_commits")
           - json_object_get_int_member (before, "group_commits");
  g_test_message ("%u creates from %d clients: %" G_GINT64_FORMAT " commits, %" G_GINT64_FORMAT
                  " grouped writes in %" G_GINT64_FORMAT " group commits", n, N_CLIENTS, commits,
                  writes, groups);
  g_assert_cmpint (writes, ==, n);
  g_assert_cmpint (groups, <, writes);
  g_assert_cmpint (commits, <, n);

  /* Then the same load, killed in the middle. */
  run.kill_after = n + N_CLIENTS * 2;
  send_creates (&run, session, uri, auth, "killed", N_CLIENTS * N_GROUPED_ROUNDS);
  g_main_loop_run (loop);
  g_assert_true (run.killed);
  g_test_message ("%u acknowledged in all, %u interrupted", g_hash_table_size (acknowledged),
                  run.failed);

  dw_test_server_kill (server);
  dw_test_server_start (server, NULL);

  g_hash_table_iter_init (&iter, acknowledged);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT,
                                               *(gint64 *) key);
      g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", path, server->admin_token,
                                                         NULL);

      dw_test_assert_status (r, 200);
      g_assert_cmpstr (json_object_get_string_member (dw_test_response_object (r), "subject"), ==,
                       value);
    }
}

/* A write that fails inside a group rolls back alone: its 409 goes out, the others of its
 * group commit, and it leaves no row, audit or event behind. */
typedef struct
{
  GMainLoop *loop;
  guint      pending;
  guint      created;
  guint      over_capacity;
  guint      other;
} Tally;

static void
tally_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Tally *tally = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              NULL);

  if (--tally->pending == 0)
    g_main_loop_quit (tally->loop);
}

static void
tally_msg_done_cb (SoupMessage *msg,
                   Tally       *tally)
{
  guint status = soup_message_get_status (msg);

  if (status == 201)
    tally->created++;
  else if (status == 409)
    tally->over_capacity++;
  else
    tally->other++;
}

static gint64
count_rows (DwTestServer *server,
            const char   *sql)
{
  return dw_test_server_query_int (server, sql);
}

static void
test_grouped_failures (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns", N_CLIENTS * 2,
                                                                  "max-conns-per-host", N_CLIENTS,
                                                                  "timeout", 60, NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *uri = g_strconcat (server->url, "api/v1/tickets", NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", server->admin_token);
  Tally tally = { loop, 0, 0, 0, 0 };
  gint64 tickets_before = count_rows (server, "SELECT count(*) FROM tickets");
  gint64 events_before = count_rows (server,
                                     "SELECT count(*) FROM events WHERE type = 'ticket.created'");

  /* Every other create names the agent, whose capacity is 2: all but two of those are
   * refused after their row was written, in the middle of everybody else's writes. */
  for (guint i = 0; i < N_CLIENTS * 2; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", uri);
      g_autofree char *body = NULL;
      g_autoptr(GBytes) bytes = NULL;

      if (i % 2 == 0)
        body = g_strdup_printf ("{\"subject\": \"快递 assigned %u\", \"channel\": \"web\", "
                                "\"assignee_id\": %" G_GINT64_FORMAT "}", i, server->agent_id);
      else
        body = g_strdup_printf ("{\"subject\": \"快递 free %u\", \"channel\": \"web\"}", i);
      bytes = g_bytes_new (body, strlen (body));
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
      g_signal_connect (msg, "finished", G_CALLBACK (tally_msg_done_cb), &tally);
      tally.pending++;
      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, tally_done_cb,
                                        &tally);
    }

  g_main_loop_run (loop);
  g_assert_cmpuint (tally.other, ==, 0);
  g_assert_cmpuint (tally.created, ==, N_CLIENTS + 2);
  g_assert_cmpuint (tally.over_capacity, ==, N_CLIENTS - 2);

  /* Only what was acknowledged is there, each with its one event. */
  g_assert_cmpint (count_rows (server, "SELECT count(*) FROM tickets") - tickets_before,
                   ==, N_CLIENTS + 2);
  g_assert_cmpint (count_rows (server,
                               "SELECT count(*) FROM events WHERE type = 'ticket.created'")
                   - events_before, ==, N_CLIENTS + 2);
  g_assert_cmpint (count_rows (server,
                               "SELECT count(*) FROM audit WHERE entity = 'ticket' AND "
                               "action = 'created' AND entity_id NOT IN (SELECT id FROM tickets)"),
                   ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/durability/kill-during-writes", test_kill_during_writes);
  g_test_add_func ("/durability/grouped-writes", test_grouped_writes);
  g_test_add_func ("/durability/grouped-failures", test_grouped_failures);
  return g_test_run ();
}
