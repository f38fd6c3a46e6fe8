/* test-pg-concurrency.c: what breaks when several deskwatchd instances decide at once on one
 * PostgreSQL desk (issue 14, "same API, same guarantees"; docs/design.md "PostgreSQL backend",
 * "Several instances deciding at once").  On SQLite one writer connection serialises every
 * decision; here three instances (tests/dw-test-cluster.c) each decide in their own READ
 * COMMITTED transactions, and the races are forced by sending the requests to the instances
 * directly, from several threads at once.
 *
 * The assertions are about what the desk holds afterwards, never about timing: a race that the
 * scheduler happens not to produce makes a run pass that should pass anyway. */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "dw-test-cluster.h"

static DwTestCluster *cluster;

/* One request from a thread of the test: a session of its own (a SoupSession belongs to the
 * thread that uses it). */
typedef struct
{
  const char *url;
  const char *method;
  const char *path;
  const char *token;
  char       *body;
  guint       status;
  char       *reply;
} Request;

static void
request_run (Request *request)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);
  g_autofree char *uri = g_strconcat (request->url, request->path + 1, NULL);
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", request->token);
  g_autoptr(SoupMessage) msg = soup_message_new (request->method, uri);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                authorization);
  if (request->body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (request->body, strlen (request->body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  request->status = soup_message_get_status (msg);
  request->reply = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
}

static void
request_clear (Request *request)
{
  g_clear_pointer (&request->body, g_free);
  g_clear_pointer (&request->reply, g_free);
}

/* Threads that each run their share of @requests once all of them are ready, so that the
 * requests of different instances overlap as much as the machine lets them. */
typedef struct
{
  Request  *requests;
  guint     n_requests;
  guint     n_threads;
  guint     index;
  gint      ready;
  gint     *go;
} Share;

static gpointer
share_thread (gpointer data)
{
  Share *share = data;

  g_atomic_int_inc (&share->ready);
  while (!g_atomic_int_get (share->go))
    g_usleep (100);

  for (guint i = share->index; i < share->n_requests; i += share->n_threads)
    request_run (&share->requests[i]);
  return NULL;
}

static void
run_at_once (Request *requests,
             guint    n_requests,
             guint    n_threads)
{
  g_autofree Share *shares = g_new0 (Share, n_threads);
  g_autofree GThread **threads = g_new0 (GThread *, n_threads);
  gint go = 0;
  gint ready = 0;

  for (guint t = 0; t < n_threads; t++)
    {
      shares[t] = (Share) { requests, n_requests, n_threads, t, 0, &go };
      threads[t] = g_thread_new ("request", share_thread, &shares[t]);
    }
  /* Every thread started (and its session about to be made) before any request goes. */
  while (ready < (gint) n_threads)
    {
      ready = 0;
      for (guint t = 0; t < n_threads; t++)
        ready += g_atomic_int_get (&shares[t].ready);
      g_usleep (1000);
    }
  g_atomic_int_set (&go, 1);
  for (guint t = 0; t < n_threads; t++)
    g_thread_join (threads[t]);
}

static DwTestServer *
instance (guint i)
{
  return dw_test_cluster_instance (cluster, i % dw_test_cluster_size (cluster));
}

static gint64
create_ticket (DwTestServer *server,
               gint64        team_id)
{
  g_autoptr(DwTestResponse) response = NULL;

  response = dw_test_server_jsonf (server, "POST", server->admin_token, "/api/v1/tickets",
                                   "{\"subject\": \"race\", \"channel\": \"email\", "
                                   "\"team_id\": %" G_GINT64_FORMAT "}", team_id);
  dw_test_assert_status (response, 201);
  return json_object_get_int_member (dw_test_response_object (response), "id");
}

/* A PATCH with the version the ticket had before a change made through another instance is
 * 409, as on one instance. */
static void
test_stale_version (void)
{
  DwTestServer *a = instance (0);
  DwTestServer *b = instance (1);
  gint64 id = create_ticket (a, a->team_id);
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  g_autoptr(DwTestResponse) first = NULL;
  g_autoptr(DwTestResponse) second = NULL;

  first = dw_test_server_json (a, "PATCH", path, a->admin_token,
                               "{\"version\": 1, \"priority\": \"high\"}");
  dw_test_assert_status (first, 200);
  g_assert_cmpint (json_object_get_int_member (dw_test_response_object (first), "version"), ==,
                   2);

  second = dw_test_server_json (b, "PATCH", path, b->admin_token,
                                "{\"version\": 1, \"priority\": \"low\"}");
  dw_test_assert_problem (second, 409, "conflict");
  g_assert_cmpint (dw_test_cluster_sql_int (cluster, "SELECT count(*) FROM tickets "
                                                     "WHERE priority = 'high' AND version = 2 "
                                                     "AND subject = 'race'"), >=, 1);
}

/* Two PATCHes with the same version on two instances at once: exactly one wins, the other is
 * 409, and the winner's change alone is in the row and in the audit trail. */
#define SAME_VERSION_ROUNDS 20

static void
test_same_version (void)
{
  for (guint round = 0; round < SAME_VERSION_ROUNDS; round++)
    {
      gint64 id = create_ticket (instance (0), instance (0)->team_id);
      g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
      g_autofree char *sql = NULL;
      Request requests[2] = { { 0 } };
      const char *priorities[2] = { "high", "low" };
      guint won = 0;

      for (guint i = 0; i < 2; i++)
        requests[i] = (Request) {
          .url = instance (i + round)->url, .method = "PATCH", .path = path,
          .token = instance (0)->admin_token,
          .body = g_strdup_printf ("{\"version\": 1, \"priority\": \"%s\"}", priorities[i]),
        };
      run_at_once (requests, 2, 2);

      for (guint i = 0; i < 2; i++)
        {
          if (requests[i].status == 200)
            won++;
          else if (requests[i].status != 409 || strstr (requests[i].reply, "conflict") == NULL)
            g_error ("PATCH %s: %u %s", path, requests[i].status, requests[i].reply);
        }
      g_assert_cmpuint (won, ==, 1);

      sql = g_strdup_printf ("SELECT version FROM tickets WHERE id = %" G_GINT64_FORMAT, id);
      g_assert_cmpint (dw_test_cluster_sql_int (cluster, sql), ==, 2);
      g_free (sql);
      sql = g_strdup_printf ("SELECT count(*) FROM audit WHERE entity = 'ticket' "
                             "AND entity_id = %" G_GINT64_FORMAT " AND field = 'priority'", id);
      g_assert_cmpint (dw_test_cluster_sql_int (cluster, sql), ==, 1);

      for (guint i = 0; i < 2; i++)
        request_clear (&requests[i]);
    }
}

/* A team of agents with small capacities, all online. */
#define DISPATCH_AGENTS 3
#define DISPATCH_CAPACITY 2
#define DISPATCH_TICKETS 60

static gint64
make_team (const char *name,
           guint       n_agents,
           int         capacity)
{
  DwTestServer *a = instance (0);
  g_autoptr(DwTestResponse) team = NULL;
  gint64 team_id;

  team = dw_test_server_jsonf (a, "POST", a->admin_token, "/api/v1/teams",
                               "{\"name\": \"%s\", \"offline_grace_minutes\": 1440}", name);
  dw_test_assert_status (team, 201);
  team_id = json_object_get_int_member (dw_test_response_object (team), "id");

  for (guint i = 0; i < n_agents; i++)
    {
      g_autoptr(DwTestResponse) user = NULL;
      g_autoptr(DwTestResponse) online = NULL;
      g_autofree char *path = NULL;
      gint64 user_id;

      user = dw_test_server_jsonf (a, "POST", a->admin_token, "/api/v1/users",
                                   "{\"username\": \"%s-%u\", \"display_name\": \"%s %u\", "
                                   "\"role\": \"agent\", \"password\": \"" DW_TEST_PASSWORD "\", "
                                   "\"capacity\": %d, \"teams\": [{\"id\": %" G_GINT64_FORMAT
                                   "}]}", name, i, name, i, capacity, team_id);
      dw_test_assert_status (user, 201);
      user_id = json_object_get_int_member (dw_test_response_object (user), "id");

      path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/presence", user_id);
      online = dw_test_server_json (a, "PUT", path, a->admin_token, "{\"presence\": \"online\"}");
      dw_test_assert_status (online, 200);
    }

  return team_id;
}

/* Many creates at once through all the instances to a team with little room: routing may fill
 * every slot but never more, and gives each ticket at most one agent, with one assignment in
 * the trail. */
static void
test_dispatch_capacity (void)
{
  gint64 team_id = make_team ("race", DISPATCH_AGENTS, DISPATCH_CAPACITY);
  g_autofree Request *requests = g_new0 (Request, DISPATCH_TICKETS);
  g_autofree char *sql = NULL;

  for (guint i = 0; i < DISPATCH_TICKETS; i++)
    requests[i] = (Request) {
      .url = instance (i)->url, .method = "POST", .path = "/api/v1/tickets",
      .token = instance (0)->admin_token,
      .body = g_strdup_printf ("{\"subject\": \"rush %u\", \"channel\": \"email\", "
                               "\"team_id\": %" G_GINT64_FORMAT "}", i, team_id),
    };
  run_at_once (requests, DISPATCH_TICKETS, 3 * dw_test_cluster_size (cluster));

  for (guint i = 0; i < DISPATCH_TICKETS; i++)
    {
      if (requests[i].status != 201)
        g_error ("POST /api/v1/tickets: %u %s", requests[i].status, requests[i].reply);
      request_clear (&requests[i]);
    }

  sql = g_strdup_printf ("SELECT count(*) FROM tickets WHERE team_id = %" G_GINT64_FORMAT,
                         team_id);
  g_assert_cmpint (dw_test_cluster_sql_int (cluster, sql), ==, DISPATCH_TICKETS);
  g_free (sql);

  /* No agent over its capacity. */
  sql = g_strdup_printf ("SELECT count(*) FROM (SELECT t.assignee_id FROM tickets t "
                         "JOIN users u ON u.id = t.assignee_id "
                         "WHERE t.status IN ('new', 'open', 'pending', 'on-hold') "
                         "AND t.team_id = %" G_GINT64_FORMAT " "
                         "GROUP BY t.assignee_id, u.capacity "
                         "HAVING count(*) > u.capacity) over", team_id);
  g_assert_cmpint (dw_test_cluster_sql_int (cluster, sql), ==, 0);
  g_free (sql);

  /* Every slot taken (the last create to commit saw what the others left). */
  sql = g_strdup_printf ("SELECT count(*) FROM tickets WHERE team_id = %" G_GINT64_FORMAT
                         " AND assignee_id IS NOT NULL", team_id);
  g_assert_cmpint (dw_test_cluster_sql_int (cluster, sql), ==,
                   DISPATCH_AGENTS * DISPATCH_CAPACITY);
  g_free (sql);

  /* One assignment audited per assigned ticket, none for the others. */
  sql = g_strdup_printf ("SELECT count(*) FROM tickets t WHERE t.team_id = %" G_GINT64_FORMAT
                         " AND (SELECT count(*) FROM audit a WHERE a.entity = 'ticket' "
                         "      AND a.entity_id = t.id AND a.action = 'assigned') "
                         "    != CASE WHEN t.assignee_id IS NULL THEN 0 ELSE 1 END", team_id);
  g_assert_cmpint (dw_test_cluster_sql_int (cluster, sql), ==, 0);
}

/* The same with two teams at once, the creates of each instance alternating between them:
 * one instance's transaction (a group commit holds several creates) weighs team A's agents
 * then team B's while another's weighs B's then A's.  Agents in both teams too. */
#define TWO_TEAMS_TICKETS 90

static void
test_dispatch_two_teams (void)
{
  gint64 teams[2] = { make_team ("east", DISPATCH_AGENTS, DISPATCH_CAPACITY),
                      make_team ("west", DISPATCH_AGENTS, DISPATCH_CAPACITY) };
  g_autofree Request *requests = g_new0 (Request, TWO_TEAMS_TICKETS);
  g_autofree char *sql = NULL;

  /* east-0 joins west as well: its load counts in both teams' routing. */
  sql = g_strdup_printf ("INSERT INTO team_members (team_id, user_id, is_lead) "
                         "SELECT %" G_GINT64_FORMAT ", id, 0 FROM users WHERE username = 'east-0'",
                         teams[1]);
  dw_test_cluster_sql_exec (cluster, sql);
  g_free (sql);

  for (guint i = 0; i < TWO_TEAMS_TICKETS; i++)
    requests[i] = (Request) {
      .url = instance (i)->url, .method = "POST", .path = "/api/v1/tickets",
      .token = instance (0)->admin_token,
      .body = g_strdup_printf ("{\"subject\": \"both %u\", \"channel\": \"email\", "
                               "\"team_id\": %" G_GINT64_FORMAT "}", i,
                               teams[(i / 3 + i) % 2]),
    };
  run_at_once (requests, TWO_TEAMS_TICKETS, 3 * dw_test_cluster_size (cluster));

  for (guint i = 0; i < TWO_TEAMS_TICKETS; i++)
    {
      if (requests[i].status != 201)
        g_error ("POST /api/v1/tickets: %u %s", requests[i].status, requests[i].reply);
      request_clear (&requests[i]);
    }

  sql = g_strdup_printf ("SELECT count(*) FROM (SELECT t.assignee_id FROM tickets t "
                         "JOIN users u ON u.id = t.assignee_id "
                         "WHERE t.status IN ('new', 'open', 'pending', 'on-hold') "
                         "GROUP BY t.assignee_id, u.capacity "
                         "HAVING count(*) > u.capacity) over");
  g_assert_cmpint (dw_test_cluster_sql_int (cluster, sql), ==, 0);
  g_free (sql);
  sql = g_strdup_printf ("SELECT count(*) FROM tickets t WHERE t.team_id IN (%" G_GINT64_FORMAT
                         ", %" G_GINT64_FORMAT ") "
                         "AND (SELECT count(*) FROM audit a WHERE a.entity = 'ticket' "
                         "      AND a.entity_id = t.id AND a.action = 'assigned') "
                         "    != CASE WHEN t.assignee_id IS NULL THEN 0 ELSE 1 END",
                         teams[0], teams[1]);
  g_assert_cmpint (dw_test_cluster_sql_int (cluster, sql), ==, 0);
}

/* An agent's presence toggled on one instance while tickets are created for its team on the
 * others: coming online locks the agent's row (its presence) before dispatching its teams,
 * which locks the team's agents in id order; the creates lock them in id order from the first.
 * Every request must succeed all the same. */
#define PRESENCE_ROUNDS 30

static void
test_dispatch_presence (void)
{
  gint64 team_id = make_team ("toggle", DISPATCH_AGENTS, 1);
  g_autofree char *sql = g_strdup_printf ("SELECT max(user_id) FROM team_members "
                                          "WHERE team_id = %" G_GINT64_FORMAT, team_id);
  gint64 last = dw_test_cluster_sql_int (cluster, sql);
  g_autofree char *presence = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/presence",
                                               last);

  for (guint round = 0; round < PRESENCE_ROUNDS; round++)
    {
      Request requests[3] = { { 0 } };
      g_autofree char *path = NULL;

      requests[0] = (Request) {
        .url = instance (round)->url, .method = "PUT", .path = presence,
        .token = instance (0)->admin_token,
        .body = g_strdup_printf ("{\"presence\": \"%s\"}", round % 2 ? "online" : "away"),
      };
      for (guint i = 1; i < 3; i++)
        requests[i] = (Request) {
          .url = instance (round + i)->url, .method = "POST", .path = "/api/v1/tickets",
          .token = instance (0)->admin_token,
          .body = g_strdup_printf ("{\"subject\": \"toggle %u\", \"channel\": \"email\", "
                                   "\"team_id\": %" G_GINT64_FORMAT "}", round, team_id),
        };
      run_at_once (requests, 3, 3);
      for (guint i = 0; i < 3; i++)
        {
          if (requests[i].status != (i == 0 ? 200 : 201))
            g_error ("%s %s: %u %s", requests[i].method, requests[i].path, requests[i].status,
                     requests[i].reply);
          request_clear (&requests[i]);
        }

      /* Room again for the next round: this round's tickets solved. */
      path = g_strdup_printf ("UPDATE tickets SET status = 'solved' WHERE team_id = %"
                              G_GINT64_FORMAT, team_id);
      dw_test_cluster_sql_exec (cluster, path);
    }
}

/* The agents' figures asked of every instance at once, with new audit rows between the
 * rounds: each request catches the facts up itself.  Every answer is 200 (no deadlock between
 * the catch-ups: 40P01) and no audit row gives its facts twice. */
#define FACTS_ROUNDS 8

static void
test_agent_facts (void)
{
  gint64 team_id = make_team ("figures", 2, 50);
  g_autofree char *path = g_strdup_printf ("/api/v1/agents/metrics?team_id=%" G_GINT64_FORMAT,
                                           team_id);
  guint n = 3 * dw_test_cluster_size (cluster);

  for (guint round = 0; round < FACTS_ROUNDS; round++)
    {
      g_autofree Request *requests = g_new0 (Request, 2 * n);

      /* New trail for the catch-ups: tickets routed to the team's agents (assigned, load). */
      for (guint i = 0; i < n; i++)
        requests[i] = (Request) {
          .url = instance (i)->url, .method = "POST", .path = "/api/v1/tickets",
          .token = instance (0)->admin_token,
          .body = g_strdup_printf ("{\"subject\": \"figures %u\", \"channel\": \"email\", "
                                   "\"team_id\": %" G_GINT64_FORMAT "}", i, team_id),
        };
      run_at_once (requests, n, n);
      for (guint i = 0; i < n; i++)
        requests[n + i] = (Request) {
          .url = instance (i)->url, .method = "GET", .path = path,
          .token = instance (0)->admin_token,
        };
      run_at_once (requests + n, n, n);

      for (guint i = 0; i < 2 * n; i++)
        {
          if (requests[i].status != (i < n ? 201 : 200))
            g_error ("%s %s: %u %s", requests[i].method, requests[i].path, requests[i].status,
                     requests[i].reply);
          request_clear (&requests[i]);
        }
    }

  g_assert_cmpint (dw_test_cluster_sql_int (cluster,
                     "SELECT count(*) FROM (SELECT audit_id, kind, user_id, target, delta "
                     "FROM agent_facts GROUP BY audit_id, kind, user_id, target, delta "
                     "HAVING count(*) > 1) twice"), ==, 0);
  g_assert_cmpint (dw_test_cluster_sql_int (cluster,
                     "SELECT count(*) FROM agent_facts f JOIN tickets t ON t.id = f.ticket_id "
                     "WHERE f.kind = 'assigned' AND t.subject LIKE 'figures %'"), ==,
                   FACTS_ROUNDS * n);
}

/* `deskwatchd user add` on @conninfo; asserts its success and returns its standard error. */
static char *
user_add (const char *conninfo,
          const char *username)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  char *err = NULL;

  launcher = dw_test_server_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                          | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                          | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("DESKWATCHD"),
                                         "user", "add", username, "--role", "agent",
                                         "--name", username, "--password-stdin",
                                         "--db", conninfo, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, DW_TEST_PASSWORD "\n", NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("user add %s: %s%s", username, out, err);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  return err;
}

/* A command (`deskwatchd user add`) does none of the singleton work, so it makes no DwLeader:
 * it never takes the leadership (and never says "now leads"), neither on a desk nobody serves
 * yet (the first admin, made before the instances start) nor while the instances serve. */
static void
test_cli_no_leader (void)
{
  g_autofree char *fresh = dw_test_pg_new_database (dw_test_pg_get_shared ());
  g_autofree char *alone = user_add (fresh, "first");
  g_autofree char *serving = NULL;
  int leader = dw_test_cluster_wait_leader (cluster, -1);

  g_assert_null (strstr (alone, "now leads"));

  serving = user_add (instance (0)->db_path, "commander");
  g_assert_null (strstr (serving, "now leads"));
  g_assert_cmpint (dw_test_cluster_leader (cluster), ==, leader);
}

/* Two instances started with --demo at once on one empty database: one seeds, the other waits
 * for it and serves the same desk (both listen; nothing seeded twice). */
static GSubprocess *
demo_spawn (const char *conninfo)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  launcher = dw_test_server_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("DESKWATCHD"),
                                         "--db", conninfo, "--listen", "127.0.0.1:0", "--demo",
                                         NULL);
  g_assert_no_error (error);
  return process;
}

static char *
demo_url (GSubprocess *process)
{
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  if (line == NULL || !g_str_has_prefix (line, "Listening on "))
    g_error ("deskwatchd --demo did not start (first line: %s)", line != NULL ? line : "(none)");
  return g_strdup (line + strlen ("Listening on "));
}

static void
test_demo_seed_once (void)
{
  g_autofree char *conninfo = dw_test_pg_new_database (dw_test_pg_get_shared ());
  g_autoptr(GSubprocess) first = demo_spawn (conninfo);
  g_autoptr(GSubprocess) second = demo_spawn (conninfo);
  g_autofree char *first_url = demo_url (first);
  g_autofree char *second_url = demo_url (second);
  g_autofree char *sql = NULL;
  PGconn *conn = dw_test_pg_session_open (conninfo);
  PGresult *result;

  g_test_message ("demo instances on %s and %s", first_url, second_url);
  /* Everything the seed makes once: its teams and its people, under their unique names, and
   * the seed's audit of the desk's creation. */
  result = PQexec (conn, "SELECT (SELECT count(*) FROM teams), "
                         "(SELECT count(DISTINCT name) FROM teams), "
                         "(SELECT count(*) FROM users), "
                         "(SELECT count(*) FROM tickets WHERE id IN (SELECT min(id) FROM tickets))");
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  g_test_message ("teams %s (%s names), users %s", PQgetvalue (result, 0, 0),
                  PQgetvalue (result, 0, 1), PQgetvalue (result, 0, 2));
  g_assert_cmpstr (PQgetvalue (result, 0, 0), ==, PQgetvalue (result, 0, 1));
  g_assert_cmpint (atoi (PQgetvalue (result, 0, 0)), >, 0);
  PQclear (result);
  PQfinish (conn);

  for (guint i = 0; i < 2; i++)
    {
      GSubprocess *process = i == 0 ? first : second;
      g_autoptr(GError) error = NULL;

      g_subprocess_send_signal (process, SIGTERM);
      g_subprocess_wait (process, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_exited (process));
      g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
    }
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pg-concurrency/demo-seed-once", test_demo_seed_once);
  g_test_add_func ("/pg-concurrency/stale-version", test_stale_version);
  g_test_add_func ("/pg-concurrency/same-version", test_same_version);
  g_test_add_func ("/pg-concurrency/dispatch-capacity", test_dispatch_capacity);
  g_test_add_func ("/pg-concurrency/dispatch-two-teams", test_dispatch_two_teams);
  g_test_add_func ("/pg-concurrency/dispatch-presence", test_dispatch_presence);
  g_test_add_func ("/pg-concurrency/agent-facts", test_agent_facts);
  g_test_add_func ("/pg-concurrency/cli-no-leader", test_cli_no_leader);

  /* One desk of three instances for the cases that race on it (the demo makes its own).  Each
   * instance waits for a lock on its one connection on the main loop's thread: PostgreSQL's
   * default deadlock_timeout (1 s) kept a losing instance from answering haproxy's one-second
   * health check, whose closed connection libsoup then warns about (fatal here).  What
   * docs/operating.md advises for several instances. */
  cluster = dw_test_cluster_new (3, "DO $$ BEGIN EXECUTE format ('ALTER DATABASE %I SET "
                                    "deadlock_timeout = ''100ms''', current_database ()); "
                                    "END $$", NULL);
  status = g_test_run ();
  g_clear_pointer (&cluster, dw_test_cluster_free);
  return status;
}
