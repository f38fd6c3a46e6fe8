/* test-demo.c: `deskwatchd --demo` builds a lively desk and keeps it moving.
 *
 * Starts the real deskwatchd with --demo --speed 60 on a fresh database, signs in with the
 * credentials it prints and looks at the desk through the API.
 */
#include "config.h"

#include <string.h>

#include "dw-clock.h"
#include "dw-test-server.h"
#include "dw-test-pg.h"

typedef struct
{
  DwTestServer *server;
  char         *lead_username;
  char         *lead_password;
  char         *lead_token;
  char         *admin_token;
  char         *printed_token;  /* --demo-token: the "Demo token:" line */
  gboolean      token_before_url;
} Fixture;

static const char *
deskwatchd_path (void)
{
  const char *path = g_getenv ("DESKWATCHD");

  g_assert_nonnull (path);
  return path;
}

/* Spawns deskwatchd --demo and reads its first lines: the URL and the lead's sign-in, in
 * whichever order they come. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  DwTestServer *server = g_new0 (DwTestServer, 1);
  const char *argv[] = {
    deskwatchd_path (), "--db", NULL, "--listen", "127.0.0.1:0", "--demo", "--speed", "60",
    NULL, NULL
  };

  /* data: extra argument (--demo-token) */
  argv[8] = data;

  server->dir = g_dir_make_tmp ("deskwatch-demo-XXXXXX", &error);
  g_assert_no_error (error);
  server->db_path = g_build_filename (server->dir, "deskwatch.db", NULL);
  server->session = soup_session_new_with_options ("timeout", 60, NULL);
  /* DW_TEST_BACKEND=postgresql: a new database of the program's cluster, as DwTestServer does. */
  if (dw_test_backend_is_postgresql ())
    server->db = dw_test_pg_new_database (dw_test_pg_get_shared ());
  argv[2] = server->db != NULL ? server->db : server->db_path;

  launcher = dw_test_server_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  server->process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  fixture->server = server;

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  for (int i = 0; i < 10 && (server->url == NULL || fixture->lead_username == NULL); i++)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

      g_assert_no_error (error);
      if (line == NULL)
        break;
      if (!g_str_has_prefix (line, "Demo token: "))
        g_test_message ("deskwatchd: %s", line);

      if (g_str_has_prefix (line, "Demo token: "))
        {
          fixture->printed_token = g_strdup (line + strlen ("Demo token: "));
          fixture->token_before_url = server->url == NULL;
        }
      else if (g_str_has_prefix (line, "Listening on "))
        {
          server->url = g_strdup (line + strlen ("Listening on "));
        }
      else if (g_str_has_prefix (line, "Demo lead: "))
        {
          g_auto(GStrv) parts = g_strsplit (line + strlen ("Demo lead: "), " / ", 2);

          g_assert_cmpuint (g_strv_length (parts), ==, 2);
          fixture->lead_username = g_strdup (g_strstrip (parts[0]));
          fixture->lead_password = g_strdup (g_strstrip (parts[1]));
        }
    }

  if (server->url == NULL)
    g_error ("deskwatchd --demo printed no \"Listening on URL\" line");
  if (fixture->lead_username == NULL)
    g_error ("deskwatchd --demo printed no \"Demo lead: USERNAME / PASSWORD\" line");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->server, dw_test_server_free);
  g_free (fixture->lead_username);
  g_free (fixture->lead_password);
  g_free (fixture->lead_token);
  g_free (fixture->admin_token);
  g_free (fixture->printed_token);
}

static JsonArray *
get_items (Fixture    *fixture,
           const char *token,
           const char *path)
{
  g_autoptr(DwTestResponse) response = dw_test_server_request (fixture->server, "GET", path, token,
                                                               NULL, NULL, 0);

  dw_test_assert_status (response, 200);
  return json_array_ref (dw_test_response_items (response));
}

static guint
count_items (Fixture    *fixture,
             const char *token,
             const char *path)
{
  g_autoptr(JsonArray) items = get_items (fixture, token, path);

  return json_array_get_length (items);
}

static gint64
newest_ticket_id (Fixture *fixture)
{
  g_autoptr(JsonArray) items = get_items (fixture, fixture->admin_token, "/api/v1/tickets?limit=1");

  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  return json_object_get_int_member (json_array_get_object_element (items, 0), "id");
}

static gint64
ticket_created_at (Fixture *fixture,
                   gint64   id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  g_autoptr(DwTestResponse) response = dw_test_server_request (fixture->server, "GET", path,
                                                               fixture->admin_token, NULL, NULL, 0);
  gint64 t = 0;

  dw_test_assert_status (response, 200);
  g_assert_true (dw_time_from_iso8601 (json_object_get_string_member (dw_test_response_object (response),
                                                                      "created_at"), &t));
  return t;
}

/* The back-filled weeks carry the SLA audit rows the engine writes live, so compliance has
 * figures from the first second and an old ticket's SLA clock tells its story. */
static void
check_sla_history (Fixture *fixture)
{
  g_autoptr(DwTestResponse) compliance = NULL;
  g_autoptr(DwTestResponse) timeline = NULL;
  JsonObject *week, *first, *resolution;
  JsonArray *targets;
  gint64 met, breached;
  gboolean seen_first_response = FALSE;

  compliance = dw_test_server_request (fixture->server, "GET", "/api/v1/sla/compliance?period=7d",
                                       fixture->lead_token, NULL, NULL, 0);
  dw_test_assert_status (compliance, 200);
  week = json_object_get_object_member (
    json_object_get_object_member (dw_test_response_object (compliance), "total"), "7d");
  first = json_object_get_object_member (week, "first-response");
  resolution = json_object_get_object_member (week, "resolution");
  met = json_object_get_int_member (first, "met");
  breached = json_object_get_int_member (first, "breached");
  g_test_message ("lead's first responses over 7 days: %" G_GINT64_FORMAT " met, %"
                  G_GINT64_FORMAT " breached", met, breached);
  g_assert_cmpint (met, >=, 100);
  g_assert_cmpint (breached, >=, 1);
  g_assert_cmpint (met, >, breached);
  g_assert_cmpint (json_object_get_int_member (resolution, "met"), >=, 100);

  /* A real desk misses some of every target, not only first replies in a pile-up: over the
   * week some next responses and some resolutions breached too, far fewer than were met. */
  for (guint t = 0; t < 2; t++)
    {
      const char *name = t == 0 ? "next-response" : "resolution";
      JsonObject *figure = json_object_get_object_member (week, name);
      gint64 target_met = json_object_get_int_member (figure, "met");
      gint64 target_breached = json_object_get_int_member (figure, "breached");

      g_test_message ("lead's %s over 7 days: %" G_GINT64_FORMAT " met, %" G_GINT64_FORMAT
                      " breached", name, target_met, target_breached);
      g_assert_cmpint (target_breached, >=, 1);
      g_assert_cmpint (target_met, >, 4 * target_breached);
    }

  /* Ticket #1 is two weeks old and settled: its first response ran and then was settled. */
  timeline = dw_test_server_request (fixture->server, "GET", "/api/v1/tickets/1/sla-timeline",
                                     fixture->admin_token, NULL, NULL, 0);
  dw_test_assert_status (timeline, 200);
  targets = json_object_get_array_member (dw_test_response_object (timeline), "targets");
  for (guint i = 0; i < json_array_get_length (targets); i++)
    {
      JsonObject *target = json_array_get_object_element (targets, i);
      JsonArray *segments = json_object_get_array_member (target, "segments");
      JsonObject *last;

      if (!g_str_equal (json_object_get_string_member (target, "target"), "first-response"))
        continue;
      seen_first_response = TRUE;
      g_assert_cmpuint (json_array_get_length (segments), >=, 2);
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (segments, 0),
                                                      "state"), ==, "running");
      last = json_array_get_object_element (segments, json_array_get_length (segments) - 1);
      g_assert_true (g_str_equal (json_object_get_string_member (last, "state"), "met")
                     || g_str_equal (json_object_get_string_member (last, "state"), "breached"));
    }
  g_assert_true (seen_first_response);
}

/* Arrivals follow a day of an e-commerce desk: a morning peak, a calmer afternoon, a quiet
 * night.  Counted over the back-filled weeks by local (Beijing) hour, straight from the database. */
static void
check_arrival_curve (Fixture *fixture)
{
  g_autoptr(GPtrArray) rows = NULL;
  double by_hour[24] = { 0, };
  double morning, afternoon, night;

  rows = dw_test_server_query_rows (fixture->server, "SELECT ((created_at + 8 * 3600) % 86400) / "
                                                     "3600, count(*) FROM tickets GROUP BY 1");
  for (guint i = 0; i < rows->len; i++)
    {
      char **row = rows->pdata[i];

      by_hour[g_ascii_strtoll (row[0], NULL, 10)] = g_ascii_strtod (row[1], NULL);
    }

  morning = (by_hour[10] + by_hour[11]) / 2;
  afternoon = (by_hour[14] + by_hour[15] + by_hour[16] + by_hour[17]) / 4;
  night = (by_hour[2] + by_hour[3] + by_hour[4]) / 3;
  g_test_message ("arrivals per hour of the day: morning %.0f, afternoon %.0f, night %.0f",
                  morning, afternoon, night);
  g_assert_cmpfloat (morning, >, 1.5 * afternoon);
  g_assert_cmpfloat (afternoon, >, 5 * night);
}

typedef struct
{
  gint64   assignee_id;
  gboolean active;
} HeldTicket;

static gboolean
is_active_status (const char *json)
{
  return g_strcmp0 (json, "\"new\"") == 0 || g_strcmp0 (json, "\"open\"") == 0
         || g_strcmp0 (json, "\"pending\"") == 0 || g_strcmp0 (json, "\"on-hold\"") == 0;
}

static gint64
count_offline (DwTestServer *server,
               const char   *what,
               const char   *sql)
{
  g_autoptr(GPtrArray) rows = dw_test_server_query_rows (server, sql);
  char **row;
  gint64 offline, total;

  g_assert_cmpuint (rows->len, ==, 1);
  row = rows->pdata[0];
  offline = g_ascii_strtoll (row[0], NULL, 10);
  total = g_ascii_strtoll (row[1], NULL, 10);
  g_test_message ("history: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " %s by an agent not "
                  "online then", offline, total, what);
  g_assert_cmpint (total, >=, 1000);
  return offline;
}

/* The presence an agent logged last at or before a moment: online is what routing needs. */
#define PRESENCE_AT(user, at) \
  "coalesce ((SELECT p.presence FROM presence_log p WHERE p.user_id = " user " AND p.at <= " at \
  " ORDER BY p.at DESC, p.id DESC LIMIT 1), 'offline') != 'online'"

/* The back-filled weeks obey the rules the live desk enforces: no agent ever held more active
 * tickets than its capacity (its load replayed from the audit trail in time order), and tickets
 * were assigned to, answered and solved by agents online at the time per the presence log. */
static void
check_history_within_capacity (Fixture *fixture)
{
  g_autoptr(GHashTable) capacity = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GHashTable) load = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GHashTable) tickets = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  DwTestServer *server = fixture->server;
  g_autoptr(GPtrArray) agents = NULL, trail = NULL;
  g_autofree char *sql = NULL, *assigned = NULL, *replied = NULL, *solved = NULL;
  gint64 seeded_at = 0, rows = 0;
  double worst = 0;

  /* The demo's people were created 90 days before the moment it was seeded (dw-demo.c); what
   * the simulator does after that is live routing, not history. */
  seeded_at = dw_test_server_query_int (server, "SELECT min (created_at) + 90 * 86400 FROM users");

  agents = dw_test_server_query_rows (server, "SELECT id, capacity FROM users WHERE role = 'agent'");
  for (guint i = 0; i < agents->len; i++)
    {
      char **agent = agents->pdata[i];

      g_hash_table_insert (capacity, g_memdup2 (&(gint64) { g_ascii_strtoll (agent[0], NULL, 10) },
                                                sizeof (gint64)),
                           GINT_TO_POINTER ((int) g_ascii_strtoll (agent[1], NULL, 10)));
    }
  g_assert_cmpuint (g_hash_table_size (capacity), >=, 35);

  sql = g_strdup_printf ("SELECT entity_id, at, action, coalesce (field, ''), after FROM audit "
                         "WHERE entity = 'ticket' AND at <= %" G_GINT64_FORMAT " ORDER BY at, id",
                         seeded_at);
  trail = dw_test_server_query_rows (server, sql);
  for (guint r = 0; r < trail->len; r++)
    {
      char **columns = trail->pdata[r];
      gint64 ticket_id = g_ascii_strtoll (columns[0], NULL, 10);
      const char *action = columns[2];
      const char *field = columns[3];
      const char *after = columns[4];
      HeldTicket *held = g_hash_table_lookup (tickets, &ticket_id);
      gint64 moved[2] = { 0, 0 };   /* the agents whose load moved: -1, +1 */

      rows++;
      if (held == NULL)
        {
          held = g_new0 (HeldTicket, 1);
          held->active = TRUE;
          g_hash_table_insert (tickets, g_memdup2 (&ticket_id, sizeof ticket_id), held);
        }

      if (g_str_equal (field, "assignee_id"))
        {
          gint64 assignee = after != NULL && g_ascii_isdigit (*after)
                            ? g_ascii_strtoll (after, NULL, 10) : 0;

          if (held->active && assignee != held->assignee_id)
            {
              moved[0] = held->assignee_id;
              moved[1] = assignee;
            }
          held->assignee_id = assignee;
        }
      else if (g_str_equal (action, "updated") && g_str_equal (field, "status")
               && is_active_status (after) != held->active)
        {
          held->active = !held->active;
          moved[held->active ? 1 : 0] = held->assignee_id;
        }

      for (guint i = 0; i < 2; i++)
        {
          int n, cap;

          if (moved[i] <= 0)
            continue;
          n = GPOINTER_TO_INT (g_hash_table_lookup (load, &moved[i])) + (i == 0 ? -1 : 1);
          g_hash_table_insert (load, g_memdup2 (&moved[i], sizeof (gint64)), GINT_TO_POINTER (n));
          cap = GPOINTER_TO_INT (g_hash_table_lookup (capacity, &moved[i]));
          if (cap > 0)
            worst = MAX (worst, (double) n / cap);
          if (n > cap)
            g_error ("agent %" G_GINT64_FORMAT " held %d active tickets, its capacity is %d, "
                     "at %" G_GINT64_FORMAT " (ticket %" G_GINT64_FORMAT ")",
                     moved[i], n, cap, g_ascii_strtoll (columns[1], NULL, 10), ticket_id);
        }
    }
  g_test_message ("history: %" G_GINT64_FORMAT " audit rows replayed; most load / capacity %.2f",
                  rows, worst);
  g_assert_cmpint (rows, >=, 10000);
  g_assert_cmpfloat (worst, >, 0);

  /* An assignment's after is an id, or null when it was unassigned: a digit first ("GLOB" is
   * SQLite's, "~" PostgreSQL's; the same test). */
  assigned = g_strdup_printf ("SELECT count (*) FILTER (WHERE " PRESENCE_AT ("CAST (a.after AS "
                              "BIGINT)", "a.at") "), count (*) FROM audit a WHERE a.entity = "
                              "'ticket' AND a.field = 'assignee_id' AND %s AND a.at <= %"
                              G_GINT64_FORMAT, dw_test_backend_is_postgresql ()
                                               ? "a.after ~ '^[0-9]'" : "a.after GLOB '[0-9]*'",
                              seeded_at);
  g_assert_cmpint (count_offline (server, "assignments", assigned), ==, 0);
  replied = g_strdup_printf ("SELECT count (*) FILTER (WHERE " PRESENCE_AT ("c.author_id",
                             "c.created_at") "), count (*) FROM comments c WHERE c.author_kind = "
                             "'agent' AND c.public = 1 AND c.created_at <= %" G_GINT64_FORMAT,
                             seeded_at);
  g_assert_cmpint (count_offline (server, "public replies", replied), ==, 0);
  solved = g_strdup_printf ("SELECT count (*) FILTER (WHERE " PRESENCE_AT ("a.actor_id", "a.at")
                            "), count (*) FROM audit a WHERE a.entity = 'ticket' AND a.field = "
                            "'status' AND a.after = '\"solved\"' AND a.actor_id IS NOT NULL "
                            "AND a.at <= %" G_GINT64_FORMAT, seeded_at);
  g_assert_cmpint (count_offline (server, "solves", solved), ==, 0);
}

static void
test_demo_desk (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(DwTestResponse) me = NULL;
  g_autoptr(JsonArray) teams = NULL;
  g_autoptr(JsonArray) users = NULL;
  g_autoptr(GHashTable) team_names = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *my_teams;
  guint agents = 0, leads = 0, lead_of = 0, breached, at_risk, waiting;
  gint64 oldest, newest;

  /* The printed sign-in works, and it is a lead of at least two teams. */
  g_assert_cmpstr (fixture->lead_username, ==, "lead");
  fixture->lead_token = dw_test_server_sign_in (fixture->server, fixture->lead_username,
                                                fixture->lead_password);
  me = dw_test_server_request (fixture->server, "GET", "/api/v1/me", fixture->lead_token, NULL,
                               NULL, 0);
  dw_test_assert_status (me, 200);
  g_assert_cmpstr (json_object_get_string_member (dw_test_response_object (me), "role"), ==, "lead");
  my_teams = json_object_get_array_member (dw_test_response_object (me), "teams");
  for (guint i = 0; i < json_array_get_length (my_teams); i++)
    if (json_object_get_boolean_member (json_array_get_object_element (my_teams, i), "is_lead"))
      lead_of++;
  g_assert_cmpuint (lead_of, >=, 2);

  /* The demo's admin signs in with the same demo password. */
  fixture->admin_token = dw_test_server_sign_in (fixture->server, "admin", fixture->lead_password);

  /* Teams of an e-commerce help desk. */
  teams = get_items (fixture, fixture->admin_token, "/api/v1/teams");
  g_assert_cmpuint (json_array_get_length (teams), >=, 4);
  for (guint i = 0; i < json_array_get_length (teams); i++)
    g_hash_table_add (team_names, (gpointer) json_object_get_string_member (
                        json_array_get_object_element (teams, i), "name"));
  g_assert_true (g_hash_table_contains (team_names, "售前咨询"));
  g_assert_true (g_hash_table_contains (team_names, "售后退换"));
  g_assert_true (g_hash_table_contains (team_names, "物流"));
  g_assert_true (g_hash_table_contains (team_names, "投诉"));

  /* About forty agents with skills, some online. */
  users = get_items (fixture, fixture->admin_token, "/api/v1/users?limit=500");
  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *user = json_array_get_object_element (users, i);
      const char *role = json_object_get_string_member (user, "role");

      if (g_str_equal (role, "agent"))
        {
          agents++;
          g_assert_cmpuint (json_array_get_length (json_object_get_array_member (user, "skills")),
                            >=, 1);
          g_assert_cmpuint (json_array_get_length (json_object_get_array_member (user, "teams")),
                            >=, 1);
          /* a desk that routes within capacity: nobody holds more than it */
          g_assert_cmpint (json_object_get_int_member (user, "open_tickets"), <=,
                           json_object_get_int_member (user, "capacity"));
        }
      else if (g_str_equal (role, "lead"))
        {
          leads++;
        }
    }
  g_assert_cmpuint (agents, >=, 35);
  g_assert_cmpuint (agents, <=, 50);
  g_assert_cmpuint (leads, >=, 1);

  /* Two weeks of history: ticket #1 is about fourteen days older than the newest. */
  dw_test_server_wait_demo_history (fixture->server);
  newest = newest_ticket_id (fixture);
  g_assert_cmpint (newest, >=, 1000);
  oldest = ticket_created_at (fixture, 1);
  g_assert_cmpint (ticket_created_at (fixture, newest) - oldest, >=, 13 * 24 * 3600);
  g_assert_cmpint (ticket_created_at (fixture, newest) - oldest, <=, 15 * 24 * 3600);
  g_assert_cmpuint (count_items (fixture, fixture->admin_token,
                                 "/api/v1/tickets?status=closed&limit=100"), ==, 100);

  /* The lead's queues are alive: waiting tickets, some at risk, some breached. */
  breached = count_items (fixture, fixture->lead_token,
                          "/api/v1/tickets?status=new,open,pending&sla_state=breached&limit=500");
  at_risk = count_items (fixture, fixture->lead_token,
                         "/api/v1/tickets?status=new,open,pending&sla_state=at-risk&limit=500");
  waiting = count_items (fixture, fixture->lead_token,
                         "/api/v1/tickets?status=new,open&unassigned=true&limit=500");
  g_test_message ("lead's active tickets: %u breached, %u at risk, %u unassigned",
                  breached, at_risk, waiting);
  g_assert_cmpuint (breached, >=, 1);
  g_assert_cmpuint (at_risk, >=, 1);
  g_assert_cmpuint (waiting, >=, 1);

  check_sla_history (fixture);
  check_arrival_curve (fixture);
}

static void
test_demo_history (Fixture       *fixture,
                   gconstpointer  data)
{
  dw_test_server_wait_demo_history (fixture->server);
  check_history_within_capacity (fixture);
}

static void
test_demo_live (Fixture       *fixture,
                gconstpointer  data)
{
  gint64 first, now_id, clock_start;
  gint64 started = g_get_monotonic_time ();

  /* the demo's clock started where main() put it, not at the real time */
  g_assert_true (dw_time_from_iso8601 ((const char *) data + strlen ("--clock-start="),
                                       &clock_start));
  g_assert_cmpint (dw_test_server_now (fixture->server), >=, clock_start);

  fixture->admin_token = dw_test_server_sign_in (fixture->server, "admin", fixture->lead_password);
  first = newest_ticket_id (fixture);

  /* At --speed 60 a real second is a simulated minute: during desk hours customers write in
   * every few simulated minutes.  The demo's clock starts at 10:00 in Beijing (main(): at night
   * an hour may pass without a customer, and the test skipped then). */
  do
    {
      g_usleep (G_USEC_PER_SEC / 2);
      now_id = newest_ticket_id (fixture);
    }
  while (now_id == first && g_get_monotonic_time () - started < 60 * G_USEC_PER_SEC);

  g_test_message ("first new ticket after %.1f s",
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);

  g_assert_cmpint (now_id, >, first);

  {
    /* The new ticket went through intake for real: routed to a team, with an SLA. */
    g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, now_id);
    g_autoptr(DwTestResponse) response = dw_test_server_request (fixture->server, "GET", path,
                                                                 fixture->admin_token, NULL, NULL, 0);
    JsonObject *ticket;

    dw_test_assert_status (response, 200);
    ticket = dw_test_response_object (response);
    g_assert_false (json_node_is_null (json_object_get_member (ticket, "team_id")));
    g_assert_false (json_node_is_null (json_object_get_member (ticket, "business_type")));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (ticket, "sla")), >=, 1);
  }
}

/* The demo's roster: this week published, the week after next a draft, absences, logistics short
 * in the afternoon, an agent who logged in late. */
static void
test_demo_roster (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GTimeZone) shanghai = g_time_zone_new_identifier ("Asia/Shanghai");
  gint64 now = dw_test_server_now (fixture->server);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, shanghai);
  g_autoptr(GDateTime) monday = g_date_time_add_days (local, 1 - g_date_time_get_day_of_week (local));
  g_autoptr(GDateTime) draft_monday = g_date_time_add_weeks (monday, 2);
  g_autofree char *today = g_date_time_format (local, "%Y-%m-%d");
  g_autofree char *week = g_date_time_format (monday, "%Y-%m-%d");
  g_autofree char *draft_week = g_date_time_format (draft_monday, "%Y-%m-%d");
  g_autoptr(JsonArray) teams = NULL;
  g_autofree char *absences_path = NULL;
  g_autofree char *from = dw_time_to_iso8601 (now - 86400);
  g_autofree char *to = dw_time_to_iso8601 (now + 14 * 86400);
  gint64 logistics = 0;
  guint short_afternoon = 0, late = 0;

  fixture->lead_token = dw_test_server_sign_in (fixture->server, fixture->lead_username,
                                                fixture->lead_password);
  fixture->admin_token = dw_test_server_sign_in (fixture->server, "admin", fixture->lead_password);
  teams = get_items (fixture, fixture->lead_token, "/api/v1/teams");
  for (guint i = 0; i < json_array_get_length (teams); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (teams, i), "name"),
                     "物流"))
      logistics = json_object_get_int_member (json_array_get_object_element (teams, i), "id");
  g_assert_cmpint (logistics, >, 0);

  {
    g_autofree char *path = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT "/shift-templates",
                                             logistics);

    g_assert_cmpuint (count_items (fixture, fixture->lead_token, path), ==, 3);
  }
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT "/roster?week=%s",
                                             logistics, week);
    g_autofree char *draft = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT "/roster?week=%s",
                                              logistics, draft_week);
    g_autoptr(DwTestResponse) r = dw_test_server_json (fixture->server, "GET", path,
                                                       fixture->lead_token, NULL);
    g_autoptr(DwTestResponse) d = dw_test_server_json (fixture->server, "GET", draft,
                                                       fixture->lead_token, NULL);

    dw_test_assert_status (r, 200);
    g_assert_cmpstr (json_object_get_string_member (dw_test_response_object (r), "state"), ==,
                     "published");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (dw_test_response_object (r),
                                                                           "shifts")), >=, 30);
    dw_test_assert_status (d, 200);
    g_assert_cmpstr (json_object_get_string_member (dw_test_response_object (d), "state"), ==,
                     "draft");
  }

  absences_path = g_strdup_printf ("/api/v1/absences?from=%s&to=%s", from, to);
  g_assert_cmpuint (count_items (fixture, fixture->admin_token, absences_path), ==, 3);

  /* The staffing forecast counts the arrivals of the past weeks: the demo's history. */
  dw_test_server_wait_demo_history (fixture->server);
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/staffing/day?team_id=%" G_GINT64_FORMAT
                                             "&date=%s", logistics, today);
    g_autoptr(DwTestResponse) r = dw_test_server_json (fixture->server, "GET", path,
                                                       fixture->lead_token, NULL);
    JsonArray *intervals;

    dw_test_assert_status (r, 200);
    intervals = json_object_get_array_member (dw_test_response_object (r), "intervals");
    g_assert_cmpuint (json_array_get_length (intervals), ==, 48);
    /* 12:00 to 22:00 local */
    for (guint i = 24; i < 44; i++)
      short_afternoon += json_object_get_int_member (json_array_get_object_element (intervals, i),
                                                     "gap") < 0;
    g_assert_cmpuint (short_afternoon, >, 0);
  }

  {
    g_autofree char *path = g_strdup_printf ("/api/v1/staffing/adherence?team_id=%" G_GINT64_FORMAT
                                             "&date=%s", logistics, today);
    g_autoptr(DwTestResponse) r = dw_test_server_json (fixture->server, "GET", path,
                                                       fixture->lead_token, NULL);
    JsonArray *agents;

    dw_test_assert_status (r, 200);
    agents = json_object_get_array_member (dw_test_response_object (r), "agents");
    for (guint a = 0; a < json_array_get_length (agents); a++)
      {
        JsonArray *exceptions = json_object_get_array_member (json_array_get_object_element (agents, a),
                                                              "exceptions");

        for (guint e = 0; e < json_array_get_length (exceptions); e++)
          late += g_str_equal (json_object_get_string_member (json_array_get_object_element (exceptions, e),
                                                              "kind"), "late-start")
                  && json_object_get_int_member (json_array_get_object_element (exceptions, e),
                                                 "minutes") == 45;
      }
    g_assert_cmpuint (late, ==, 1);
  }
}

/* --demo-token: the console that started the demo opens it with the lead's token the service
 * prints before its address, instead of signing in with the password. */
static void
test_demo_token (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(DwTestResponse) me = NULL;

  g_assert_nonnull (fixture->printed_token);
  g_assert_true (fixture->token_before_url);
  me = dw_test_server_request (fixture->server, "GET", "/api/v1/me", fixture->printed_token, NULL,
                               NULL, 0);
  dw_test_assert_status (me, 200);
  g_assert_cmpstr (json_object_get_string_member (dw_test_response_object (me), "username"), ==,
                   fixture->lead_username);
  g_assert_cmpstr (json_object_get_string_member (dw_test_response_object (me), "role"), ==, "lead");
}

/* Without it, no token is printed. */
static void
test_demo_no_token (Fixture       *fixture,
                    gconstpointer  data)
{
  g_assert_null (fixture->printed_token);
}

int
main (int   argc,
      char *argv[])
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *ten = NULL;
  g_autofree char *live_clock_start = NULL;

  g_test_init (&argc, &argv, NULL);
  /* 10:00 in Beijing (UTC+8, no summer time) of today there: /demo/live sees the morning's
   * rush at whatever hour it runs. */
  ten = dw_time_to_iso8601 (now - (now + 8 * 3600) % 86400 + 10 * 3600);
  live_clock_start = g_strdup_printf ("--clock-start=%s", ten);

  g_test_add ("/demo/desk", Fixture, NULL, fixture_set_up, test_demo_desk, fixture_tear_down);
  g_test_add ("/demo/history", Fixture, NULL, fixture_set_up, test_demo_history,
              fixture_tear_down);
  g_test_add ("/demo/live", Fixture, live_clock_start, fixture_set_up, test_demo_live,
              fixture_tear_down);
  g_test_add ("/demo/roster", Fixture, NULL, fixture_set_up, test_demo_roster, fixture_tear_down);
  g_test_add ("/demo/token", Fixture, "--demo-token", fixture_set_up, test_demo_token,
              fixture_tear_down);
  g_test_add ("/demo/no-token", Fixture, NULL, fixture_set_up, test_demo_no_token,
              fixture_tear_down);

  return g_test_run ();
}
