/* test-pg-lock.c: a lock held by a session outside the service stops a write for at most the
 * lock_timeout (issue 14; docs/design.md "A lock held elsewhere"; `--db-lock-timeout`).
 * PostgreSQL only.
 *
 * Each instance runs its writes on one synchronous connection on its main loop: a write waiting
 * for a lock an operator's open transaction holds used to stop the whole instance, its health
 * check included, until that transaction ended.  A session of the test's own plays the
 * operator.  The requests that meet its lock are sent from a thread with an HTTP timeout far
 * above the bound, so that on the old code they fail instead of hanging for ever; no assertion
 * is about time.
 */
#include "config.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "dw-test-pg.h"
#include "dw-test-server.h"

/* The HTTP client's timeout: far above any lock_timeout here (2 s by default). */
#define CLIENT_TIMEOUT_S 60

/* Waits (a safety net, not a measurement) until a session of the service waits for a lock the
 * session with backend @pid holds; FALSE when @request was answered first. */
static gboolean
wait_for_waiter (PGconn        *watch,
                 const char    *pid,
                 DwTestRequest *request)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM pg_stat_activity WHERE "
                                          "%s = ANY (pg_blocking_pids (pid))", pid);

  return dw_test_pg_wait_for_count (watch, sql, &request->done, 30,
                                    "the service never waited on the other session's lock");
}

/* 503, type contended, Retry-After, a problem body. */
static void
assert_locked (DwTestRequest *request)
{
  g_autoptr(JsonObject) problem = NULL;

  if (request->status != 503)
    g_error ("%s %s was answered %u: %s", request->method, request->uri, request->status,
             request->reply);
  g_assert_nonnull (request->retry_after);
  g_assert_cmpint (atoi (request->retry_after), >=, 1);
  problem = dw_test_request_problem (request, 503, "/contended");
  g_assert_nonnull (json_object_get_string_member (problem, "title"));
  g_assert_nonnull (strstr (json_object_get_string_member (problem, "detail"), "lock"));
}

static void
assert_healthy (DwTestServer *server)
{
  g_autoptr(DwTestResponse) health = dw_test_server_json (server, "GET", "/api/v1/health", NULL,
                                                          NULL);

  dw_test_assert_status (health, 200);
}

/* The operator: a session of the test's own (@other, its backend's @pid) and one that watches,
 * in autocommit, who waits on it (@watch). */
typedef struct
{
  PGconn *other;
  PGconn *watch;
  char   *pid;
} Operator;

static void
operator_open (Operator     *op,
               DwTestServer *server)
{
  op->other = dw_test_pg_session_open (server->db);
  op->watch = dw_test_pg_session_open (server->db);
  op->pid = dw_test_pg_session_value (op->other, "SELECT pg_backend_pid ()::text");
}

/* Opens the operator's sessions and holds what @sql takes, in a transaction left open. */
static void
operator_hold (Operator     *op,
               DwTestServer *server,
               const char   *sql)
{
  operator_open (op, server);
  dw_test_pg_session_exec (op->other, "BEGIN");
  dw_test_pg_session_exec (op->other, sql);
}

/* The same, holding ticket @ticket_id's row (SELECT … FOR UPDATE). */
static void
operator_hold_ticket (Operator     *op,
                      DwTestServer *server,
                      gint64        ticket_id)
{
  g_autofree char *lock = g_strdup_printf ("SELECT 1 FROM tickets WHERE id = %" G_GINT64_FORMAT
                                           " FOR UPDATE", ticket_id);

  operator_hold (op, server, lock);
}

/* Rolls the operator's transaction back and closes its sessions. */
static void
operator_release (Operator *op)
{
  dw_test_pg_session_exec (op->other, "ROLLBACK");
  g_clear_pointer (&op->other, PQfinish);
  g_clear_pointer (&op->watch, PQfinish);
  g_clear_pointer (&op->pid, g_free);
}

/* Sends @request, on a thread named @name, into the operator's lock: /health answers while it
 * waits there, and it is answered 503 contended. */
static void
assert_locked_out (Operator      *op,
                   DwTestServer  *server,
                   DwTestRequest *request,
                   const char    *name)
{
  GThread *thread = dw_test_request_start (request, name);

  g_assert_true (wait_for_waiter (op->watch, op->pid, request));
  /* Meanwhile: answered once the write gives up (the main loop is the write's until then). */
  assert_healthy (server);
  g_thread_join (thread);
  assert_locked (request);
}

/* An operator's open transaction holds a ticket's row (SELECT … FOR UPDATE): a PATCH of that
 * ticket is answered 503 contended with Retry-After once the lock_timeout (the default) is
 * over, /health answers meanwhile and after, and nothing of the PATCH is stored; once the
 * operator rolls back, the same PATCH goes through, and the audit has that one change. */
static void
row_locked (DwTestServer *server)
{
  g_autoptr(DwTestResponse) created = NULL;
  g_autoptr(DwTestResponse) again = NULL;
  g_autoptr(DwTestRequest) patch = NULL;
  g_autofree char *path = NULL;
  Operator op = { 0 };
  gint64 ticket_id, n_audit, n_events;

  created = dw_test_server_jsonf (server, "POST", server->admin_token, "/api/v1/tickets",
                                  "{\"subject\": \"locked\", \"channel\": \"email\", "
                                  "\"team_id\": %" G_GINT64_FORMAT "}", server->team_id);
  dw_test_assert_status (created, 201);
  ticket_id = json_object_get_int_member (dw_test_response_object (created), "id");
  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, ticket_id);
  /* A request waits for the group commit its answer belongs to: all of the create is in. */
  n_audit = dw_test_server_query_intf (server, "SELECT count(*) FROM audit");
  n_events = dw_test_server_query_intf (server, "SELECT count(*) FROM events");

  operator_hold_ticket (&op, server, ticket_id);

  patch = dw_test_request_new (server, "PATCH", path, "{\"version\": 1, \"priority\": \"urgent\"}",
                               CLIENT_TIMEOUT_S);
  assert_locked_out (&op, server, patch, "patch");
  assert_healthy (server);

  /* Nothing of it: the ticket, its audit and the event log as before. */
  g_assert_cmpint (dw_test_server_query_intf (server, "SELECT version FROM tickets WHERE id = %"
                                              G_GINT64_FORMAT, ticket_id), ==, 1);
  g_assert_cmpint (dw_test_server_query_intf (server, "SELECT count(*) FROM audit"), ==, n_audit);
  g_assert_cmpint (dw_test_server_query_intf (server, "SELECT count(*) FROM events"), ==, n_events);
  g_assert_cmpint (dw_test_server_query_intf (server, "SELECT count(*) FROM audit WHERE entity = "
                                              "'ticket' AND entity_id = %" G_GINT64_FORMAT " AND "
                                              "field = 'priority'", ticket_id), ==, 0);

  operator_release (&op);

  again = dw_test_server_json (server, "PATCH", path, server->admin_token,
                               "{\"version\": 1, \"priority\": \"urgent\"}");
  dw_test_assert_status (again, 200);
  g_assert_cmpint (json_object_get_int_member (dw_test_response_object (again), "version"), ==,
                   2);
  g_assert_cmpint (dw_test_server_query_intf (server, "SELECT count(*) FROM audit"), ==,
                   n_audit + 1);
  g_assert_cmpint (dw_test_server_query_intf (server, "SELECT count(*) FROM audit WHERE entity = "
                                              "'ticket' AND entity_id = %" G_GINT64_FORMAT " AND "
                                              "field = 'priority' AND after = '\"urgent\"'",
                                              ticket_id), ==, 1);
}

static void
test_row_locked (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();

  row_locked (server);
}

/* A new session has the server's settings: the service sets its lock_timeout again when it
 * reconnects (its main connection ended by pg_terminate_backend here), so the bound holds. */
static void
test_row_locked_after_reconnect (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  PGconn *admin = dw_test_pg_session_open (server->db);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  g_free (dw_test_pg_session_value (admin, "SELECT count(pg_terminate_backend (pid)) "
                                           "FROM pg_stat_activity "
                                           "WHERE application_name = 'deskwatchd' "
                                           "AND datname = current_database ()"));
  PQfinish (admin);
  /* /health's ping reconnects (at most once a second); a safety net, not a measurement. */
  for (;;)
    {
      g_autoptr(DwTestResponse) health = dw_test_server_json (server, "GET", "/api/v1/health",
                                                              NULL, NULL);

      if (health->status == 200)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (100 * 1000);
    }

  row_locked (server);
}

/* A LOCK TABLE (ACCESS EXCLUSIVE, what a migration's ALTER TABLE takes) on the tickets: a
 * create is answered 503 contended within `--db-lock-timeout`, and so is the ticket list, read
 * on the read pool's connections (whose READ ONLY transactions wait on it too); /health
 * answers; after the ROLLBACK the create goes through, and the refused one left nothing. */
static void
test_table_locked (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  const char * const args[] = { "--db-lock-timeout", "500", NULL };
  g_autoptr(DwTestResponse) created = NULL;
  g_autoptr(DwTestRequest) create = NULL;
  g_autoptr(DwTestRequest) list = NULL;
  g_autofree char *body = NULL;
  Operator op = { 0 };
  GThread *thread;

  dw_test_server_stop (server);
  dw_test_server_start (server, args);

  operator_hold (&op, server, "LOCK TABLE tickets");

  body = g_strdup_printf ("{\"subject\": \"behind the lock\", \"channel\": \"email\", "
                          "\"team_id\": %" G_GINT64_FORMAT "}", server->team_id);
  create = dw_test_request_new (server, "POST", "/api/v1/tickets", body, CLIENT_TIMEOUT_S);
  assert_locked_out (&op, server, create, "create");

  list = dw_test_request_new (server, "GET", "/api/v1/tickets", NULL, CLIENT_TIMEOUT_S);
  thread = dw_test_request_start (list, "list");
  g_thread_join (thread);
  assert_locked (list);
  assert_healthy (server);

  operator_release (&op);

  g_assert_cmpint (dw_test_server_query_intf (server, "SELECT count(*) FROM tickets"), ==, 0);
  g_assert_cmpint (dw_test_server_query_intf (server, "SELECT count(*) FROM audit WHERE entity = "
                                              "'ticket'"), ==, 0);
  g_assert_cmpint (dw_test_server_query_intf (server, "SELECT count(*) FROM events WHERE type = "
                                              "'ticket.created'"), ==, 0);

  created = dw_test_server_json (server, "POST", "/api/v1/tickets", server->admin_token, body);
  dw_test_assert_status (created, 201);
  g_assert_cmpint (dw_test_server_query_intf (server, "SELECT count(*) FROM tickets"), ==, 1);
}

/* The event counter's row held outside: a create's group gets as far as its COMMIT, whose
 * events' numbering waits on the row (dw-pg-tx.c); the whole group is answered 503 contended
 * with Retry-After (the held reply, dw-api.c), nothing stored; after the ROLLBACK, 201. */
static void
test_commit_locked (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autoptr(DwTestResponse) created = NULL;
  g_autoptr(DwTestRequest) create = NULL;
  g_autofree char *body = NULL;
  Operator op = { 0 };
  gint64 n_tickets, n_events;

  n_tickets = dw_test_server_query_intf (server, "SELECT count(*) FROM tickets");
  n_events = dw_test_server_query_intf (server, "SELECT count(*) FROM events");
  operator_hold (&op, server, "UPDATE event_counter SET last_seq = last_seq");

  body = g_strdup_printf ("{\"subject\": \"behind the counter\", \"channel\": \"email\", "
                          "\"team_id\": %" G_GINT64_FORMAT "}", server->team_id);
  create = dw_test_request_new (server, "POST", "/api/v1/tickets", body, CLIENT_TIMEOUT_S);
  assert_locked_out (&op, server, create, "create");

  operator_release (&op);

  g_assert_cmpint (dw_test_server_query_intf (server, "SELECT count(*) FROM tickets"), ==,
                   n_tickets);
  g_assert_cmpint (dw_test_server_query_intf (server, "SELECT count(*) FROM events"), ==, n_events);
  created = dw_test_server_json (server, "POST", "/api/v1/tickets", server->admin_token, body);
  dw_test_assert_status (created, 201);
  g_assert_cmpint (dw_test_server_query_intf (server, "SELECT count(*) FROM tickets"), ==,
                   n_tickets + 1);
}

/* The SLA engine's alarm, a background writer, meets a due ticket's row held outside: its round
 * gives up after the lock_timeout with a message, no warning (fatal here), /health answers, and
 * the round is run again a while later (DW_STORE_TX_LOCKED_RETRY_S), once the row is free: the
 * ticket's first-response state is audited, each state once.  The policy and the sped-up clock
 * are pg-retry's sla-alarm-retried's (dw_test_server_restart_slow_sla). */
static void
test_sla_alarm_locked (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autoptr(DwTestResponse) created = NULL;
  g_autofree char *at_risk = NULL;
  g_autofree char *states = NULL;
  Operator op = { 0 };
  DwTestRequest never = { 0, };
  gint64 ticket_id, deadline, n_before;

  dw_test_server_restart_slow_sla (server, "600");

  /* At risk 3 s after it is created; the session holds it before. */
  created = dw_test_server_jsonf (server, "POST", server->admin_token, "/api/v1/tickets",
                                  "{\"subject\": \"due\", \"channel\": \"email\", "
                                  "\"team_id\": %" G_GINT64_FORMAT "}", server->team_id);
  dw_test_assert_status (created, 201);
  ticket_id = json_object_get_int_member (dw_test_response_object (created), "id");
  /* At risk, or breached already by the time the round runs again (100 simulated minutes
   * later): either way each state once. */
  at_risk = g_strdup_printf ("SELECT count(*) FROM audit WHERE entity = 'ticket' AND "
                             "entity_id = %" G_GINT64_FORMAT " AND action = 'sla' AND "
                             "field = 'first-response'", ticket_id);
  states = g_strdup_printf ("SELECT count(DISTINCT after) FROM audit WHERE entity = 'ticket' "
                            "AND entity_id = %" G_GINT64_FORMAT " AND action = 'sla' AND "
                            "field = 'first-response'", ticket_id);

  n_before = dw_test_server_query_int (server, at_risk);

  operator_hold_ticket (&op, server, ticket_id);

  g_assert_true (wait_for_waiter (op.watch, op.pid, &never));
  assert_healthy (server);
  g_assert_cmpint (dw_test_server_query_int (server, at_risk), ==, n_before);
  operator_release (&op);

  /* A safety net, not a measurement: the retry comes DW_STORE_TX_LOCKED_RETRY_S (10 s) later. */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (dw_test_server_query_int (server, at_risk) == n_before)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (200 * 1000);
    }
  assert_healthy (server);
  g_assert_cmpint (dw_test_server_query_int (server, at_risk), ==,
                   dw_test_server_query_int (server, states));
}

/* The agent facts' catch-up (its own transaction, dw-agent-metrics.c) runs again when it loses
 * a deadlock: a test session holds the facts' position (a settings row) FOR UPDATE, so the
 * catch-up of a figures request waits on it; the session then asks for the facts' advisory lock,
 * which the catch-up holds: a cycle, which fails the catch-up (it waited longer; the session's
 * deadlock_timeout is far above), and the catch-up runs again once the session lets go.  The
 * request is 200; on the old code it was 503 contended.  A round whose cycle was not found in
 * time (the catch-up's lock_timeout ran out first) proved nothing and is run again. */
#define MAX_ROUNDS 5

static void
test_facts_retried (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autofree char *path = g_strdup_printf ("/api/v1/agents/metrics?team_id=%" G_GINT64_FORMAT,
                                           server->team_id);
  g_autofree char *advisory = g_strdup_printf ("SELECT pg_advisory_xact_lock (%" G_GINT64_FORMAT
                                               ")", G_GINT64_CONSTANT (0x4465736b77617402));
  gboolean forced = FALSE;

  /* The position is stored by a first catch-up. */
  {
    g_autoptr(DwTestResponse) first = dw_test_server_json (server, "GET", path,
                                                           server->admin_token, NULL);

    dw_test_assert_status (first, 200);
  }

  for (guint round = 0; !forced && round < MAX_ROUNDS; round++)
    {
      g_autoptr(DwTestRequest) figures = dw_test_request_new (server, "GET", path, NULL,
                                                              CLIENT_TIMEOUT_S);
      Operator op = { 0 };
      GThread *thread;

      operator_open (&op, server);

      /* Something for the catch-up to read, so that it moves the position. */
      {
        g_autoptr(DwTestResponse) created = NULL;

        created = dw_test_server_jsonf (server, "POST", server->admin_token, "/api/v1/tickets",
                                        "{\"subject\": \"facts\", \"channel\": \"email\", "
                                        "\"team_id\": %" G_GINT64_FORMAT "}", server->team_id);
        dw_test_assert_status (created, 201);
      }
      dw_test_pg_session_exec (op.other, "SET deadlock_timeout = '10min'");
      dw_test_pg_session_exec (op.other, "BEGIN");
      g_free (dw_test_pg_session_value (op.other, "SELECT count(*) FROM (SELECT 1 FROM settings "
                                                  "WHERE key = 'agent_facts_audit_id' FOR "
                                                  "UPDATE) AS s"));
      thread = dw_test_request_start (figures, "figures");
      if (wait_for_waiter (op.watch, op.pid, figures))
        {
          PGresult *result = PQexec (op.other, advisory);

          forced = PQresultStatus (result) == PGRES_TUPLES_OK;
          if (!forced)
            g_test_message ("the session lost: %s", PQresultErrorMessage (result));
          PQclear (result);
        }
      operator_release (&op);
      g_thread_join (thread);

      if (figures->status == 503 && strstr (figures->reply, "held by another") != NULL)
        {
          g_test_message ("round %u: the catch-up's lock_timeout came first; again", round);
          forced = FALSE;
          continue;
        }
      if (figures->status != 200)
        g_error ("the figures were answered %u: %s", figures->status, figures->reply);
    }
  g_assert_true (forced);
}

/* A negative bound, one past the largest and a word are refused before anything is opened,
 * with exit status 2 and a message naming the option. */
static void
test_bad_option (void)
{
  const char * const bad[] = { "-1", "600001", "soon" };

  dw_test_assert_option_refused ("db-lock-timeout", bad, G_N_ELEMENTS (bad), 2,
                                 "expected 0 to 600000");
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("DW_TEST_BACKEND", "postgresql", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pg-lock/row-locked", test_row_locked);
  g_test_add_func ("/pg-lock/row-locked-after-reconnect", test_row_locked_after_reconnect);
  g_test_add_func ("/pg-lock/table-locked", test_table_locked);
  g_test_add_func ("/pg-lock/commit-locked", test_commit_locked);
  g_test_add_func ("/pg-lock/facts-retried", test_facts_retried);
  g_test_add_func ("/pg-lock/sla-alarm-locked", test_sla_alarm_locked);
  g_test_add_func ("/pg-lock/bad-option", test_bad_option);

  return g_test_run ();
}
