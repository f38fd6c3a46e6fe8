/* test-demo-start.c: what a new demo desk costs the service's first seconds.
 *
 * Runs the service in this process (the service's library, not the executable) on the demo's
 * desk: the agent facts of its two weeks of audit trail are read from idle in slices, so the
 * requests of the console that just started the demo (sign-in, snapshot) are answered between
 * two slices rather than after the whole trail; read in slices, the facts are exactly those one
 * reading makes.  The desk's past days are written after the service listens: it answers the
 * console's sign-in and snapshot, with the active tickets, before they are all there.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "dw-agent-metrics.h"
#include "dw-demo.h"
#include "dw-service.h"
#include "dw-store.h"

#define DW_TEST_WAIT_SECONDS 120
#include "dw-test-wait.h"

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db, sql, &error);

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static gint64
watermark (sqlite3 *db)
{
  return query_int (db, "SELECT coalesce ((SELECT CAST (value AS INTEGER) FROM settings "
                        "WHERE key = 'agent_facts_audit_id'), 0)");
}

static gint64
last_ticket_audit (sqlite3 *db)
{
  return query_int (db, "SELECT coalesce (max (id), 0) FROM audit WHERE entity = 'ticket'");
}

static char *
query_text (sqlite3    *db,
            const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db, sql, &error);

  g_assert_no_error (error);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

static gboolean
history_is (sqlite3    *db,
            const char *state)
{
  g_autofree char *value = query_text (db, "SELECT value FROM settings WHERE key = 'demo_history'");

  return g_strcmp0 (value, state) == 0;
}

/* Every fact and every ticket state, in a stable order, as text. */
static char *
dump_facts (sqlite3 *db)
{
  static const char * const queries[] = {
    "SELECT audit_id, at, user_id, team_id, ticket_id, kind, target, calendar_seconds, "
    "business_seconds, replies, delta FROM agent_facts "
    "ORDER BY audit_id, kind, user_id, delta",
    "SELECT ticket_id, created_at, team_id, assignee_id, solver_id, active "
    "FROM agent_fact_tickets ORDER BY ticket_id",
  };
  GString *out = g_string_new (NULL);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db, queries[q], &error);

      g_assert_no_error (error);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int i = 0; i < sqlite3_column_count (stmt); i++)
            {
              const char *text = (const char *) sqlite3_column_text (stmt, i);

              g_string_append (out, text != NULL ? text : "NULL");
              g_string_append_c (out, '|');
            }
          g_string_append_c (out, '\n');
        }
    }
  return g_string_free (out, FALSE);
}

static void
remove_dir (const char *dir)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (dir, "/demo.db", suffixes[i], NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
test_facts_in_slices (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("deskwatch-demo-start-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *sliced = NULL;
  g_autofree char *whole = NULL;
  DwService *service;
  sqlite3 *db;
  DwStore *store;
  gint64 first_slice, trail;

  g_assert_no_error (error);
  path = g_build_filename (dir, "demo.db", NULL);
  dw_demo_set_seed (13);
  service = dw_service_new (path, NULL, &error);
  g_assert_no_error (error);
  /* A connection of the test's own on the desk's file (WAL: it reads what the service commits). */
  db = dw_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (dw_demo_populate (service, &error));
  g_assert_no_error (error);
  g_assert_cmpint (watermark (db), ==, 0);

  g_assert_true (dw_service_listen (service, "127.0.0.1:0", NULL, NULL, &error));
  g_assert_no_error (error);

  /* The past days are written from idle after the service listens; the facts wait for them. */
  WAIT_UNTIL (history_is (db, "ready"));
  g_assert_cmpint (watermark (db), ==, 0);
  trail = last_ticket_audit (db);
  g_test_message ("the demo's audit trail: %" G_GINT64_FORMAT " rows", trail);
  g_assert_cmpint (trail, >, 10000);

  /* The first slice (a few seconds after the service listens) leaves most of the trail to later
   * turns of the main loop, where requests that arrived meanwhile are served first. */
  WAIT_UNTIL (watermark (db) > 0);
  first_slice = watermark (db);
  g_test_message ("first slice: up to audit row %" G_GINT64_FORMAT, first_slice);
  g_assert_cmpint (first_slice, <, trail);

  /* The slices go on by themselves until the facts are up to date (the SLA engine may add
   * rows of its own meanwhile: they are read too). */
  WAIT_UNTIL (watermark (db) >= last_ticket_audit (db));
  store = dw_service_get_store (service);
  g_assert_true (dw_agent_facts_catch_up (store, &error));
  g_assert_no_error (error);

  /* Read in slices, the facts are exactly what reading the whole trail at once makes. */
  sliced = dump_facts (db);
  g_assert_true (dw_agent_facts_rebuild (store, &error));
  g_assert_no_error (error);
  whole = dump_facts (db);
  g_assert_cmpuint (strlen (sliced), >, 1000);
  g_assert_cmpstr (sliced, ==, whole);

  dw_service_stop (service);
  g_object_unref (service);
  dw_store_close (db);
  remove_dir (dir);
}

typedef struct
{
  guint   status;
  GBytes *body;
} Reply;

static void
reply_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  Reply *reply = data;
  g_autoptr(GError) error = NULL;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);

  reply->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
}

/* A request to the service running in this process: the main context serves it meanwhile. */
static JsonObject *
request (SoupSession *session,
         const char  *method,
         const char  *api,
         const char  *path,
         const char  *token,
         const char  *json)
{
  g_autofree char *url = g_strconcat (api, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  Reply reply = { 0 };
  gsize size;
  const char *data;

  if (token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    bearer);
    }
  if (json != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json", body);
    }
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, reply_cb, &reply);
  WAIT_UNTIL (reply.body != NULL);

  data = g_bytes_get_data (reply.body, &size);
  if (reply.status < 200 || reply.status >= 300)
    g_error ("%s %s: %u %.*s", method, url, reply.status, (int) size, data);
  g_assert_true (json_parser_load_from_data (parser, data, (gssize) size, &error));
  g_assert_no_error (error);
  g_bytes_unref (reply.body);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static const char *
health_history (JsonObject *health)
{
  JsonObject *demo = json_object_get_object_member (health, "demo");

  return demo != NULL ? json_object_get_string_member (demo, "history") : NULL;
}

/* The console's start does not wait for the past days: sign-in and the snapshot with every
 * active ticket are answered while the history is still being written (held back here, so
 * that it surely is), and it is written completely afterwards. */
static void
test_answers_before_history (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("deskwatch-demo-start-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *api = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(JsonObject) health = NULL;
  g_autoptr(JsonObject) token = NULL;
  g_autoptr(JsonObject) snapshot = NULL;
  g_autoptr(JsonObject) ready = NULL;
  DwService *service;
  sqlite3 *db;
  gint64 active, tickets;

  g_assert_no_error (error);
  path = g_build_filename (dir, "demo.db", NULL);
  dw_demo_set_seed (13);
  service = dw_service_new (path, NULL, &error);
  g_assert_no_error (error);
  /* A connection of the test's own on the desk's file (WAL: it reads what the service commits). */
  db = dw_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (dw_demo_populate (service, &error));
  g_assert_no_error (error);
  dw_demo_hold_history (service, TRUE);
  g_assert_true (dw_service_listen (service, "127.0.0.1:0", NULL, NULL, &error));
  g_assert_no_error (error);
  url = dw_service_get_url (service);
  api = g_strconcat (url, "api/v1/", NULL);

  /* Only the live desk so far: the active tickets, none of the past. */
  active = query_int (db, "SELECT count (*) FROM tickets "
                          "WHERE status IN ('new', 'open', 'pending', 'on-hold')");
  g_assert_cmpint (active, >=, 1);
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM tickets"), ==, active);

  health = request (session, "GET", api, "health", NULL, NULL);
  g_assert_cmpstr (health_history (health), ==, "seeding");

  token = request (session, "POST", api, "auth/token", NULL,
                   "{\"username\": \"" DW_DEMO_LEAD_USERNAME "\", \"password\": \""
                   DW_DEMO_LEAD_PASSWORD "\", \"label\": \"demo-start test\"}");
  snapshot = request (session, "GET", api, "snapshot",
                      json_object_get_string_member (token, "token"), NULL);
  g_test_message ("snapshot before the history: %u tickets of %" G_GINT64_FORMAT " active",
                  json_array_get_length (json_object_get_array_member (snapshot, "tickets")),
                  active);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (snapshot, "tickets")),
                    >=, 1);
  g_assert_true (history_is (db, "seeding"));

  /* Let go, the history is written to the end, below the active tickets' ids. */
  dw_demo_hold_history (service, FALSE);
  WAIT_UNTIL (history_is (db, "ready"));
  ready = request (session, "GET", api, "health", NULL, NULL);
  g_assert_cmpstr (health_history (ready), ==, "ready");
  tickets = query_int (db, "SELECT count (*) FROM tickets");
  g_test_message ("after the history: %" G_GINT64_FORMAT " tickets", tickets);
  g_assert_cmpint (tickets, >=, 1000);
  /* Ids 1…N, none lost or taken twice (no simulator here: every ticket is the seed's). */
  g_assert_cmpint (query_int (db, "SELECT min (id) FROM tickets"), ==, 1);
  g_assert_cmpint (query_int (db, "SELECT max (id) FROM tickets"), ==, tickets);
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM tickets "
                                  "WHERE status IN ('new', 'open', 'pending', 'on-hold')"), >=, active);
  /* Every ticket solved in the history has its survey. */
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM tickets t WHERE t.solved_at IS NOT NULL "
                                  "AND NOT EXISTS (SELECT 1 FROM surveys s WHERE s.ticket_id = t.id)"),
                   ==, 0);
  /* The audit trail's rows of the past tickets are all there. */
  g_assert_cmpint (last_ticket_audit (db), >, 10000);

  dw_service_stop (service);
  g_object_unref (service);
  dw_store_close (db);
  remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/demo-start/facts-in-slices", test_facts_in_slices);
  g_test_add_func ("/demo-start/answers-before-history", test_answers_before_history);

  return g_test_run ();
}
