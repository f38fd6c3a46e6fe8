/* test-pg-retry.c: a write that loses a deadlock to another transaction is run again
 * (issue 14; docs/design.md "Several instances deciding at once"; src/server/dw-desk.c
 * dw_desk_write).  PostgreSQL only.
 *
 * The race is forced, not hoped for: a session of the test's own stands in for another
 * instance.  It holds the ticket's row FOR SHARE, so that a comment's UPDATE of the ticket
 * waits on it; once the comment is seen waiting (pg_locks), the session asks for the row FOR
 * UPDATE, which waits on the KEY SHARE the comment's INSERT took for its foreign key: a cycle.
 * The comment has waited longer, so its deadlock_timeout (the server's default, 1 s) runs out
 * first and PostgreSQL fails it with 40P01; the session's own timeout is set far above.  If the
 * session should lose instead (its wait only began after the comment's check found no cycle),
 * the round proved nothing and is run again on a new ticket.  The SLA alarm's case closes its
 * cycle on the event counter (sla-alarm-retried).  No assertion is about time.
 */
#include "config.h"

#include <libpq-fe.h>
#include <string.h>

#include "dw-test-pg.h"
#include "dw-test-server.h"
#include "dw-test-stream.h"

/* DW_DESK_WRITE_ATTEMPTS (src/server/dw-desk-private.h): how often a write is run in all. */
#define WRITE_ATTEMPTS 4
/* Rounds tried before giving up on forcing the race (each normally forces it at once). */
#define MAX_ROUNDS 5
/* The comment's HTTP timeout: far above any wait here. */
#define CLIENT_TIMEOUT_S 120

typedef struct
{
  DwTestServer *server;
  PGconn       *other;    /* the other instance, as far as the locks go */
  PGconn       *watch;    /* autocommit: reads pg_locks */
  char         *other_xid;
  gint64        ticket_id;
} Race;

/* Waits (a safety net, not a measurement) until the service waits for the other session's
 * transaction itself (the comment's UPDATE on the row held FOR SHARE, the alarm's COMMIT on the
 * event counter).  FALSE when @request has been answered meanwhile. */
static gboolean
wait_for_waiter (Race          *race,
                 DwTestRequest *request)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM pg_locks WHERE NOT granted "
                                          "AND locktype = 'transactionid' "
                                          "AND transactionid::text = '%s'", race->other_xid);

  return dw_test_pg_wait_for_count (race->watch, sql, &request->done, DW_TEST_WAIT_LIMIT,
                                    "the comment never waited on the other session's lock");
}

/* The other session closes the cycle, asking for the ticket's row FOR UPDATE.  TRUE when
 * PostgreSQL failed the service's attempt (the session got its lock), FALSE when it failed the
 * session's instead. */
static gboolean
close_cycle (Race *race)
{
  g_autofree char *sql = g_strdup_printf ("SELECT 1 FROM tickets WHERE id = %" G_GINT64_FORMAT
                                          " FOR UPDATE", race->ticket_id);
  PGresult *result;
  gboolean comment_lost;

  dw_test_pg_session_exec (race->other, "SAVEPOINT cycle");
  result = PQexec (race->other, sql);
  comment_lost = PQresultStatus (result) == PGRES_TUPLES_OK;
  if (!comment_lost)
    {
      g_test_message ("the other session lost: %s", PQresultErrorMessage (result));
      g_assert_cmpstr (PQresultErrorField (result, PG_DIAG_SQLSTATE), ==, "40P01");
    }
  PQclear (result);
  /* Back to holding the row FOR SHARE only: the comment's next attempt waits on it again. */
  dw_test_pg_session_exec (race->other, "ROLLBACK TO SAVEPOINT cycle");
  return comment_lost;
}

static gint64
create_ticket (DwTestServer *server)
{
  g_autoptr(DwTestResponse) response = NULL;

  response = dw_test_server_jsonf (server, "POST", server->admin_token, "/api/v1/tickets",
                                   "{\"subject\": \"race\", \"channel\": \"email\", "
                                   "\"team_id\": %" G_GINT64_FORMAT "}", server->team_id);
  dw_test_assert_status (response, 201);
  return json_object_get_int_member (dw_test_response_object (response), "id");
}

/* Comments on a new ticket while the other session makes it lose @losses times; the reply.
 * NULL when a round did not force the race (the caller runs another). */
static DwTestRequest *
comment_losing (DwTestServer *server,
                guint         losses,
                gint64       *ticket_id)
{
  g_autoptr(DwTestRequest) request = NULL;
  g_autofree char *path = NULL;
  g_autofree char *lock = NULL;
  GThread *thread;
  Race race = { server, NULL, NULL, NULL, 0 };
  gboolean forced = TRUE;

  race.ticket_id = *ticket_id = create_ticket (server);
  race.other = dw_test_pg_session_open (server->db);
  race.watch = dw_test_pg_session_open (server->db);
  /* Superuser (the cluster's owner): the comment, waiting first, is the one to give up. */
  dw_test_pg_session_exec (race.other, "SET deadlock_timeout = '10min'");
  dw_test_pg_session_exec (race.other, "BEGIN");
  lock = g_strdup_printf ("SELECT 1 FROM tickets WHERE id = %" G_GINT64_FORMAT " FOR SHARE",
                          race.ticket_id);
  dw_test_pg_session_exec (race.other, lock);
  race.other_xid = dw_test_pg_session_value (race.other, "SELECT pg_current_xact_id ()::text");

  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/comments", race.ticket_id);
  request = dw_test_request_new (server, "POST", path, "{\"body\": \"We are on it.\"}",
                                 CLIENT_TIMEOUT_S);
  thread = dw_test_request_start (request, "comment");

  /* One cycle may fail the comment more than once: its next attempt can take its KEY SHARE
   * before the session, woken, has taken the row FOR UPDATE, and the two meet again.  So the
   * comment may be answered before @losses cycles. */
  for (guint i = 0; forced && i < losses && wait_for_waiter (&race, request); i++)
    forced = close_cycle (&race);

  /* The other instance commits (nothing): the comment's attempt in progress, if any, goes on. */
  dw_test_pg_session_exec (race.other, "ROLLBACK");
  g_thread_join (thread);
  PQfinish (race.other);
  PQfinish (race.watch);
  g_free (race.other_xid);

  if (!forced)
    {
      g_test_message ("round on ticket %" G_GINT64_FORMAT " did not force the race; again",
                      race.ticket_id);
      return NULL;
    }
  return g_steal_pointer (&request);
}

/* @n comments on ticket @ticket_id, and @n audit rows of them. */
static void
assert_commented (DwTestServer *server,
                  gint64        ticket_id,
                  gint64        n)
{
  g_assert_cmpint (dw_test_server_query_intf (server, "SELECT count(*) FROM comments WHERE "
                                              "ticket_id = %" G_GINT64_FORMAT, ticket_id), ==, n);
  g_assert_cmpint (dw_test_server_query_intf (server, "SELECT count(*) FROM audit WHERE entity = "
                                              "'ticket' AND entity_id = %" G_GINT64_FORMAT " AND "
                                              "action = 'commented'", ticket_id), ==, n);
}

/* A comment that lost a deadlock once is stored once: one comment, one audit row, one event
 * in the log and one on the stream.  On the old code it was a 500 (a warning, fatal here). */
static void
test_comment_retried (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autoptr(DwTestRequest) request = NULL;
  g_autoptr(DwTestStream) stream = dw_test_stream_open (server, server->admin_token, -1);
  g_autoptr(DwTestResponse) marker = NULL;
  gint64 ticket_id = 0;
  guint first, last;

  for (guint round = 0; request == NULL && round < MAX_ROUNDS; round++)
    request = comment_losing (server, 1, &ticket_id);
  g_assert_nonnull (request);

  if (request->status != 201)
    g_error ("the comment was answered %u: %s", request->status, request->reply);
  assert_commented (server, ticket_id, 1);
  g_assert_cmpint (dw_test_server_query_intf (server, "SELECT count(*) FROM events WHERE type = "
                                              "'comment.created' AND (data::jsonb ->> "
                                              "'ticket_id')::bigint = %" G_GINT64_FORMAT,
                                              ticket_id), ==, 1);

  /* Published once: a later write's event is behind any second copy. */
  first = dw_test_stream_wait (stream, 0, "event", "comment.created", ticket_id);
  marker = dw_test_server_jsonf (server, "POST", server->admin_token, "/api/v1/tickets",
                                 "{\"subject\": \"marker\", \"channel\": \"email\"}");
  dw_test_assert_status (marker, 201);
  last = dw_test_stream_wait (stream, first, "event", "ticket.created",
                              json_object_get_int_member (dw_test_response_object (marker),
                                                          "id"));
  g_assert_cmpuint (last, >, first);
  g_assert_cmpuint (dw_test_count_events (stream, 0, "comment.created", ticket_id), ==, 1);
}

/* A comment that loses every one of its attempts is answered 503 "contended" with a
 * Retry-After, nothing of it stored; sent again it goes through. */
static void
test_comment_keeps_losing (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autoptr(DwTestRequest) request = NULL;
  g_autoptr(DwTestResponse) again = NULL;
  g_autoptr(JsonObject) problem = NULL;
  g_autofree char *path = NULL;
  gint64 ticket_id = 0;

  for (guint round = 0; request == NULL && round < MAX_ROUNDS; round++)
    request = comment_losing (server, WRITE_ATTEMPTS, &ticket_id);
  g_assert_nonnull (request);

  if (request->status != 503)
    g_error ("the comment was answered %u: %s", request->status, request->reply);
  g_assert_cmpstr (request->retry_after, ==, "1");
  problem = dw_test_request_problem (request, 503, "/contended");

  assert_commented (server, ticket_id, 0);
  g_assert_cmpint (dw_test_server_query_int (server, "SELECT count(*) FROM events "
                                                     "WHERE type = 'comment.created'"), ==, 0);

  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/comments", ticket_id);
  again = dw_test_server_json (server, "POST", path, server->admin_token,
                               "{\"body\": \"We are on it.\"}");
  dw_test_assert_status (again, 201);
  g_assert_cmpint (dw_test_server_query_intf (server, "SELECT count(*) FROM comments WHERE "
                                              "ticket_id = %" G_GINT64_FORMAT, ticket_id), ==, 1);
}

/* The SLA engine's alarm, a background writer: its round marks a ticket at risk (the ticket's
 * row updated) and at COMMIT takes the event counter's row (dw-pg-tx.c), which the other
 * session holds already; the session then asks for the ticket's row: a cycle, which fails the
 * alarm's round, waiting longer.  The round runs again and marks the ticket once: one audit
 * row, one event.  On the old code the alarm logged a warning (fatal here) and tried again only
 * a simulated minute later. */
#define SPEED "600"

static void
test_sla_alarm_retried (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  gboolean forced = FALSE;
  gint64 ticket_id = 0;

  /* A 24/7 calendar and one policy: first response 60 minutes, at risk at half, which the
   * sped-up clock reaches 3 s after a ticket is created (as in test-sla-engine.c). */
  dw_test_server_restart_slow_sla (server, SPEED);

  for (guint round = 0; !forced && round < MAX_ROUNDS; round++)
    {
      g_autofree char *marked = NULL;
      g_autofree char *audited = NULL;
      g_autofree char *lock = NULL;
      DwTestRequest done = { 0, };
      Race race = { server, NULL, NULL, NULL, 0 };

      race.ticket_id = ticket_id = create_ticket (server);
      race.other = dw_test_pg_session_open (server->db);
      race.watch = dw_test_pg_session_open (server->db);
      dw_test_pg_session_exec (race.other, "SET deadlock_timeout = '10min'");
      dw_test_pg_session_exec (race.other, "BEGIN");
      dw_test_pg_session_exec (race.other, "UPDATE event_counter SET last_seq = last_seq");
      race.other_xid = dw_test_pg_session_value (race.other, "SELECT pg_current_xact_id ()::text");

      /* The alarm cannot commit past the counter now: marked already means it came first. */
      audited = g_strdup_printf ("SELECT count(*) FROM audit WHERE entity = 'ticket' AND "
                                 "entity_id = %" G_GINT64_FORMAT " AND action = 'sla' AND "
                                 "after = '\"at-risk\"'", ticket_id);
      marked = dw_test_pg_session_value (race.other, audited);
      if (g_strcmp0 (marked, "0") == 0 && wait_for_waiter (&race, &done))
        forced = close_cycle (&race);
      dw_test_pg_session_exec (race.other, "ROLLBACK");
      PQfinish (race.other);
      PQfinish (race.watch);
      g_free (race.other_xid);
      if (!forced)
        g_test_message ("round on ticket %" G_GINT64_FORMAT " did not force the race; again",
                        ticket_id);
    }
  g_assert_true (forced);

  /* The round that ran again is committed; then (a write's answer comes after it) one of
   * each.  A health request waits for the main loop, so for the retried round. */
  {
    g_autoptr(DwTestResponse) health = dw_test_server_json (server, "GET", "/api/v1/health",
                                                            NULL, NULL);

    dw_test_assert_status (health, 200);
  }
  g_assert_cmpint (dw_test_server_query_intf (server, "SELECT count(*) FROM audit WHERE entity = "
                                              "'ticket' AND entity_id = %" G_GINT64_FORMAT " AND "
                                              "action = 'sla' AND field = 'first-response' AND "
                                              "after = '\"at-risk\"'", ticket_id), ==, 1);
  g_assert_cmpint (dw_test_server_query_intf (server, "SELECT count(*) FROM events WHERE type = "
                                              "'sla.changed' AND (data::jsonb ->> "
                                              "'ticket_id')::bigint = %" G_GINT64_FORMAT " AND "
                                              "data::jsonb ->> 'target' = 'first-response' AND "
                                              "data::jsonb ->> 'after' = 'at-risk'",
                                              ticket_id), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("DW_TEST_BACKEND", "postgresql", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pg-retry/comment-retried", test_comment_retried);
  g_test_add_func ("/pg-retry/comment-keeps-losing", test_comment_keeps_losing);
  g_test_add_func ("/pg-retry/sla-alarm-retried", test_sla_alarm_retried);

  return g_test_run ();
}
