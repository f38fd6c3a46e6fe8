/* API tests: SLA compliance, its drill-down and a ticket's SLA timeline.
 *
 * The real deskwatchd runs with --speed 600 (a real second is ten business minutes) on two
 * UTC calendars: the Logistics team's is open around the clock; the Returns team's closes for
 * half an hour shortly after the tickets are made, so a target's clock is seen to stop outside
 * business hours.  Tickets cross at risk and breach for real; the compliance figures are then
 * checked against figures this test counts itself from each ticket's GET /tickets/{id}/audit.
 */
#include "config.h"

#include "dw-clock.h"
#include "dw-test-server.h"

#define SPEED "600"

static DwTestServer *server;
static gint64 fast_policy_id, vip_policy_id;
static gint64 ticket_met, ticket_breached, ticket_other, ticket_pending, ticket_gap;
static gint64 gap_start;  /* when the Returns calendar closes */

/* Helpers */

static DwTestResponse *
get (const char *token,
     const char *format,
     ...) G_GNUC_PRINTF (2, 3);

static DwTestResponse *
get (const char *token,
     const char *format,
     ...)
{
  g_autofree char *path = NULL;
  va_list args;

  va_start (args, format);
  path = g_strdup_vprintf (format, args);
  va_end (args);

  return dw_test_server_json (server, "GET", path, token, NULL);
}

static JsonObject *
get_ticket (gint64 id)
{
  g_autoptr(DwTestResponse) r = get (server->admin_token, "/api/v1/tickets/%" G_GINT64_FORMAT, id);

  dw_test_assert_status (r, 200);
  return json_object_ref (dw_test_response_object (r));
}

static const char *
target_state (JsonObject *ticket,
              const char *target)
{
  JsonArray *sla = json_object_get_array_member (ticket, "sla");

  for (guint i = 0; i < json_array_get_length (sla); i++)
    {
      JsonObject *entry = json_array_get_object_element (sla, i);

      if (g_str_equal (json_object_get_string_member (entry, "target"), target))
        return json_object_get_string_member (entry, "state");
    }

  return "none";
}

/* Polls until @target of ticket @id is in @state; the deadline only keeps a broken service
 * from hanging the test (it is far beyond what the sped-up clock needs). */
static void
wait_for_state (gint64      id,
                const char *target,
                const char *state)
{
  gint64 deadline = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(JsonObject) ticket = get_ticket (id);

      if (g_str_equal (target_state (ticket, target), state))
        return;

      if (g_get_monotonic_time () > deadline)
        g_error ("ticket %" G_GINT64_FORMAT ": %s never became %s (it is %s)", id, target, state,
                 target_state (ticket, target));

      g_usleep (50 * 1000);
    }
}

/* Waits until the service's clock has left the second in which ticket @id was made. */
static void
wait_past_creation (gint64 id)
{
  g_autoptr(JsonObject) ticket = get_ticket (id);
  gint64 created = 0;

  g_assert_true (dw_time_from_iso8601 (json_object_get_string_member (ticket, "created_at"),
                                       &created));
  while (dw_test_server_now (server) <= created)
    g_usleep (10 * 1000);
}

static gint64
create_ticket (gint64      team_id,
               gint64      assignee_id,
               const char *priority)
{
  g_autoptr(DwTestResponse) r = NULL;
  JsonObject *ticket;

  r = dw_test_server_jsonf (server, "POST", server->admin_token, "/api/v1/tickets",
                            "{\"subject\": \"SLA %s\", \"channel\": \"web\", "
                            "\"priority\": \"%s\", \"team_id\": %" G_GINT64_FORMAT ", "
                            "\"assignee_id\": %" G_GINT64_FORMAT "}",
                            priority, priority, team_id, assignee_id);
  dw_test_assert_status (r, 201);
  ticket = dw_test_response_object (r);
  g_assert_cmpint (json_object_get_int_member (ticket, "sla_policy_id"), ==,
                   g_str_equal (priority, "urgent") ? vip_policy_id : fast_policy_id);
  return json_object_get_int_member (ticket, "id");
}

static void
reply (gint64      id,
       const char *token)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/comments", id);
  g_autoptr(DwTestResponse) r = NULL;

  r = dw_test_server_json (server, "POST", path, token, "{\"body\": \"On it\", \"public\": true}");
  dw_test_assert_status (r, 201);
}

static void
set_status (gint64      id,
            const char *status)
{
  g_autoptr(JsonObject) ticket = get_ticket (id);
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  g_autoptr(DwTestResponse) r = NULL;

  r = dw_test_server_jsonf (server, "PATCH", server->admin_token, path,
                            "{\"version\": %" G_GINT64_FORMAT ", \"status\": \"%s\"}",
                            json_object_get_int_member (ticket, "version"), status);
  dw_test_assert_status (r, 200);
}

/* The desk: two policies, the calendars, then the tickets, run until they have breached. */
static void
set_up_desk (void)
{
  const char * const speed[] = { "--speed", SPEED, NULL };
  g_autofree char *week = NULL;
  g_autofree char *sql = NULL;

  /* On either backend (dw_test_server_exec). */
  dw_test_server_stop (server);
  dw_test_server_exec (server, "UPDATE calendars SET timezone = 'UTC', week = '[[[0,1440]],"
                       "[[0,1440]],[[0,1440]],[[0,1440]],[[0,1440]],[[0,1440]],[[0,1440]]]'");
  /* Position 0 wins over 1: urgent tickets get "VIP". */
  vip_policy_id = dw_test_server_query_int (server,
    "INSERT INTO sla_policies (name, position, match_priorities, first_response_minutes, "
    "next_response_minutes, resolution_minutes, at_risk_ratio) "
    "VALUES ('VIP', 0, '[\"urgent\"]', 5, 5, 20, 0.5) RETURNING id");
  fast_policy_id = dw_test_server_query_int (server,
    "INSERT INTO sla_policies (name, position, first_response_minutes, next_response_minutes, "
    "resolution_minutes, at_risk_ratio) VALUES ('Fast', 1, 10, 10, 60, 0.5) RETURNING id");

  dw_test_server_start (server, speed);

  /* The Returns calendar closes 40 simulated minutes from now, for 30 minutes, every day.
   * Written while the service runs (it reads calendars on every SLA refresh). */
  week = dw_test_week_with_daily_gap (dw_test_server_now (server), 40, 30, &gap_start);
  sql = g_strdup_printf ("INSERT INTO calendars (name, timezone, week) VALUES ('Gap', 'UTC', "
                         "'%s'); "
                         "UPDATE teams SET calendar_id = (SELECT id FROM calendars "
                         "WHERE name = 'Gap') WHERE id = %" G_GINT64_FORMAT, week,
                         server->other_team_id);
  dw_test_server_exec (server, sql);

  ticket_gap = create_ticket (server->other_team_id, server->agent2_id, "normal");
  ticket_met = create_ticket (server->team_id, server->agent_id, "normal");
  reply (ticket_met, server->agent_token);
  set_status (ticket_met, "solved");
  ticket_breached = create_ticket (server->team_id, server->agent_id, "urgent");
  ticket_other = create_ticket (server->other_team_id, server->agent2_id, "urgent");
  ticket_pending = create_ticket (server->team_id, server->agent_id, "normal");
  /* Times are whole seconds: paused in the second it was made, the ticket would have no
   * running stretch before the pause to show. */
  wait_past_creation (ticket_pending);
  set_status (ticket_pending, "pending");

  wait_for_state (ticket_breached, "first-response", "breached");
  reply (ticket_breached, server->agent_token);
  wait_for_state (ticket_other, "first-response", "breached");
  set_status (ticket_pending, "open");
  wait_for_state (ticket_gap, "resolution", "breached");

  /* Solved, nothing changes any more: the figures below cannot race the SLA engine. */
  set_status (ticket_breached, "solved");
  set_status (ticket_other, "solved");
  set_status (ticket_pending, "solved");
  set_status (ticket_gap, "solved");
}

/* Per (team, policy, target, outcome) counts of the rows SLA audit rows of the visible tickets
 * in [from, to], as "team/policy/target/outcome" → count (policy 0 counts every policy). */
static GHashTable *
count_from_audit (const char *token,
                  gint64      from,
                  gint64      to,
                  gint64      only_assignee)
{
  g_autoptr(DwTestResponse) list = get (token, "/api/v1/tickets?limit=500");
  GHashTable *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *tickets;

  dw_test_assert_status (list, 200);
  tickets = dw_test_response_items (list);
  for (guint i = 0; i < json_array_get_length (tickets); i++)
    {
      JsonObject *ticket = json_array_get_object_element (tickets, i);
      gint64 id = json_object_get_int_member (ticket, "id");
      gint64 team = json_object_get_int_member (ticket, "team_id");
      gint64 policy = json_object_get_int_member (ticket, "sla_policy_id");
      g_autoptr(DwTestResponse) audit = NULL;
      JsonArray *rows;

      if (only_assignee > 0 && json_object_get_int_member (ticket, "assignee_id") != only_assignee)
        continue;

      audit = get (token, "/api/v1/tickets/%" G_GINT64_FORMAT "/audit", id);
      dw_test_assert_status (audit, 200);
      rows = dw_test_response_items (audit);
      for (guint j = 0; j < json_array_get_length (rows); j++)
        {
          JsonObject *row = json_array_get_object_element (rows, j);
          const char *after;
          gint64 at;

          if (!g_str_equal (json_object_get_string_member (row, "action"), "sla"))
            continue;
          after = json_object_get_string_member (row, "after");
          if (!g_str_equal (after, "met") && !g_str_equal (after, "breached"))
            continue;
          g_assert_true (dw_time_from_iso8601 (json_object_get_string_member (row, "at"), &at));
          if (at < from || at > to)
            continue;

          for (guint k = 0; k < 2; k++)
            {
              char *key = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "/%s/%s",
                                           team, k == 0 ? 0 : policy,
                                           json_object_get_string_member (row, "field"), after);
              guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, key));

              g_hash_table_insert (counts, key, GUINT_TO_POINTER (n + 1));
            }
        }
    }

  return counts;
}

static guint
count_of (GHashTable *counts,
          gint64      team,
          gint64      policy,
          const char *target,
          const char *outcome)
{
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "/%s/%s",
                                          team, policy, target, outcome);

  return GPOINTER_TO_UINT (g_hash_table_lookup (counts, key));
}

static const char * const targets[] = { "first-response", "next-response", "resolution" };

/* Checks one "figures" object of the compliance reply against the audit counts. */
static void
check_figures (JsonObject *figures,
               const char *period,
               GHashTable *counts,
               gint64      team,
               gint64      policy)
{
  JsonObject *by_target = json_object_get_object_member (figures, period);

  for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
    {
      JsonObject *f = json_object_get_object_member (by_target, targets[t]);
      guint met = count_of (counts, team, policy, targets[t], "met");
      guint breached = count_of (counts, team, policy, targets[t], "breached");

      g_test_message ("team %" G_GINT64_FORMAT " policy %" G_GINT64_FORMAT " %s %s: met %u "
                      "breached %u", team, policy, period, targets[t], met, breached);
      g_assert_cmpint (json_object_get_int_member (f, "met"), ==, met);
      g_assert_cmpint (json_object_get_int_member (f, "breached"), ==, breached);
      g_assert_cmpint (json_object_get_int_member (f, "due"), ==, met + breached);
      if (met + breached == 0)
        g_assert_true (json_object_get_null_member (f, "share_met"));
      else
        g_assert_cmpfloat_with_epsilon (json_object_get_double_member (f, "share_met"),
                                        (double) met / (met + breached), 1e-9);
    }
}

/* Start of the UTC day of @t minus @days - 1 days: both calendars are UTC. */
static gint64
utc_days_start (gint64 t,
                int    days)
{
  return t - (t % 86400) - (gint64) (days - 1) * 86400;
}

static void
check_compliance (const char *token,
                  gint64      only_assignee,
                  const char *scope,
                  guint       n_teams)
{
  static const struct { const char *key; int days; } periods[] = {
    { "today", 1 }, { "7d", 7 }, { "30d", 30 },
  };
  g_autoptr(DwTestResponse) r = get (token, "/api/v1/sla/compliance");
  JsonObject *o;
  JsonArray *teams;
  gint64 now;
  guint n_checked = 0;

  dw_test_assert_status (r, 200);
  o = dw_test_response_object (r);
  g_assert_cmpstr (json_object_get_string_member (o, "scope"), ==, scope);
  g_assert_true (dw_time_from_iso8601 (json_object_get_string_member (o, "generated_at"), &now));
  teams = json_object_get_array_member (o, "teams");
  g_assert_cmpuint (json_array_get_length (teams), ==, n_teams);

  for (guint p = 0; p < G_N_ELEMENTS (periods); p++)
    {
      g_autoptr(GHashTable) counts = count_from_audit (token,
                                                       utc_days_start (now, periods[p].days),
                                                       now, only_assignee);

      for (guint i = 0; i < json_array_get_length (teams); i++)
        {
          JsonObject *team = json_array_get_object_element (teams, i);
          gint64 team_id = json_object_get_int_member (team, "team_id");
          JsonArray *policies = json_object_get_array_member (team, "policies");
          JsonObject *window = json_object_get_object_member (
            json_object_get_object_member (team, "windows"), periods[p].key);
          gint64 from;

          g_assert_true (dw_time_from_iso8601 (json_object_get_string_member (window, "from"),
                                               &from));
          g_assert_cmpint (from, ==, utc_days_start (now, periods[p].days));

          check_figures (json_object_get_object_member (team, "figures"), periods[p].key, counts,
                         team_id, 0);
          for (guint j = 0; j < json_array_get_length (policies); j++)
            {
              JsonObject *policy = json_array_get_object_element (policies, j);

              check_figures (json_object_get_object_member (policy, "figures"), periods[p].key,
                             counts, team_id, json_object_get_int_member (policy, "policy_id"));
            }
          n_checked++;
        }
    }

  g_assert_cmpuint (n_checked, ==, n_teams * G_N_ELEMENTS (periods));
}

/* Tests */

static void
test_compliance_matches_audit (void)
{
  g_autoptr(DwTestResponse) r = NULL;
  g_autoptr(DwTestResponse) one_day = NULL;
  JsonObject *total, *today;

  check_compliance (server->admin_token, 0, "all", 2);

  one_day = get (server->admin_token, "/api/v1/sla/compliance?days=1");
  dw_test_assert_status (one_day, 200);
  total = json_object_get_object_member (dw_test_response_object (one_day), "total");
  g_assert_true (json_object_has_member (total, "today"));
  g_assert_false (json_object_has_member (total, "7d"));

  /* Not a test that passes on zeros: the desk above met and breached for real.  Counted over
   * seven days, not today: at --speed 600 a desk set up after about 22:40 UTC runs past
   * midnight, and its outcomes are then yesterday's. */
  r = get (server->admin_token, "/api/v1/sla/compliance?days=7");
  dw_test_assert_status (r, 200);
  total = json_object_get_object_member (dw_test_response_object (r), "total");
  today = json_object_get_object_member (total, "7d");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (today,
                                                                              "first-response"),
                                               "met"), >=, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (today,
                                                                              "first-response"),
                                               "breached"), >=, 3);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (today, "resolution"),
                                               "breached"), >=, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (today, "resolution"),
                                               "met"), >=, 1);
}

static void
test_compliance_roles (void)
{
  g_autoptr(DwTestResponse) agent2 = NULL;
  g_autoptr(DwTestResponse) lead_other = NULL;
  g_autoptr(DwTestResponse) lead_own = NULL;
  g_autoptr(DwTestResponse) drill = NULL;

  /* A lead sees its team, an agent its own tickets: figures as the audit trail says. */
  check_compliance (server->lead_token, 0, "teams", 1);
  check_compliance (server->agent_token, server->agent_id, "own", 1);

  agent2 = get (server->agent2_token, "/api/v1/sla/compliance?team=%" G_GINT64_FORMAT,
                server->team_id);
  dw_test_assert_problem (agent2, 403, "forbidden");
  lead_other = get (server->lead_token, "/api/v1/sla/compliance?team=%" G_GINT64_FORMAT,
                    server->other_team_id);
  dw_test_assert_problem (lead_other, 403, "forbidden");
  drill = get (server->lead_token, "/api/v1/sla/compliance/tickets?team=%" G_GINT64_FORMAT,
               server->other_team_id);
  dw_test_assert_problem (drill, 403, "forbidden");

  lead_own = get (server->lead_token, "/api/v1/sla/compliance?team=%" G_GINT64_FORMAT,
                  server->team_id);
  dw_test_assert_status (lead_own, 200);
  g_assert_cmpint (json_object_get_int_member (
                     json_array_get_object_element (
                       json_object_get_array_member (dw_test_response_object (lead_own), "teams"),
                       0), "team_id"), ==, server->team_id);
}

static void
test_drill_down (void)
{
  gint64 now = dw_test_server_now (server);
  /* Seven days, not today: see test_compliance_matches_audit. */
  g_autoptr(GHashTable) counts = count_from_audit (server->admin_token, utc_days_start (now, 7),
                                                   now, 0);
  g_autoptr(DwTestResponse) breached = NULL;
  g_autoptr(DwTestResponse) met = NULL;
  g_autoptr(DwTestResponse) paged = NULL;
  g_autoptr(DwTestResponse) rest = NULL;
  JsonArray *items;
  gboolean seen_breached = FALSE, seen_other = FALSE;

  breached = get (server->admin_token, "/api/v1/sla/compliance/tickets?team=%" G_GINT64_FORMAT
                  "&target=first-response&outcome=breached&period=7d", server->team_id);
  dw_test_assert_status (breached, 200);
  items = dw_test_response_items (breached);
  g_assert_cmpuint (json_array_get_length (items), ==,
                    count_of (counts, server->team_id, 0, "first-response", "breached"));
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      JsonObject *ticket = json_object_get_object_member (item, "ticket");

      g_assert_cmpstr (json_object_get_string_member (item, "outcome"), ==, "breached");
      g_assert_cmpstr (json_object_get_string_member (item, "target"), ==, "first-response");
      g_assert_cmpint (json_object_get_int_member (item, "team_id"), ==, server->team_id);
      g_assert_cmpint (json_object_get_int_member (ticket, "id"), ==,
                       json_object_get_int_member (item, "ticket_id"));
      seen_breached |= json_object_get_int_member (item, "ticket_id") == ticket_breached;
      seen_other |= json_object_get_int_member (item, "ticket_id") == ticket_other;
    }
  g_assert_true (seen_breached);
  g_assert_false (seen_other);

  met = get (server->admin_token, "/api/v1/sla/compliance/tickets?team=%" G_GINT64_FORMAT
             "&policy=%" G_GINT64_FORMAT "&target=first-response&outcome=met&days=7",
             server->team_id, fast_policy_id);
  dw_test_assert_status (met, 200);
  items = dw_test_response_items (met);
  g_assert_cmpuint (json_array_get_length (items), ==,
                    count_of (counts, server->team_id, fast_policy_id, "first-response", "met"));
  g_assert_cmpuint (json_array_get_length (items), >=, 1);

  /* Paging over every outcome of the desk, one at a time. */
  paged = get (server->admin_token, "/api/v1/sla/compliance/tickets?period=7d&limit=1");
  dw_test_assert_status (paged, 200);
  g_assert_cmpuint (json_array_get_length (dw_test_response_items (paged)), ==, 1);
  g_assert_true (json_object_get_member (dw_test_response_object (paged), "next_cursor") != NULL);
  rest = get (server->admin_token, "/api/v1/sla/compliance/tickets?period=7d&limit=1&cursor=%s",
              json_object_get_string_member (dw_test_response_object (paged), "next_cursor"));
  dw_test_assert_status (rest, 200);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (
                                                 dw_test_response_items (rest), 0), "audit_id"), <,
                   json_object_get_int_member (json_array_get_object_element (
                                                 dw_test_response_items (paged), 0), "audit_id"));
}

static JsonArray *
timeline_segments (JsonObject *timeline,
                   const char *target)
{
  JsonArray *list = json_object_get_array_member (timeline, "targets");

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *entry = json_array_get_object_element (list, i);

      if (g_str_equal (json_object_get_string_member (entry, "target"), target))
        return json_object_get_array_member (entry, "segments");
    }

  g_error ("no %s in the timeline", target);
}

/* Segments follow each other without gaps, in time order; returns their states joined by
 * spaces (with the reason of paused ones), e.g. "running at-risk paused:outside-hours". */
static char *
describe_segments (JsonArray *segments)
{
  GString *s = g_string_new (NULL);
  gint64 previous_to = 0;

  for (guint i = 0; i < json_array_get_length (segments); i++)
    {
      JsonObject *seg = json_array_get_object_element (segments, i);
      const char *state = json_object_get_string_member (seg, "state");
      gint64 from, to = 0;

      g_assert_true (dw_time_from_iso8601 (json_object_get_string_member (seg, "from"), &from));
      if (!json_object_get_null_member (seg, "to"))
        {
          g_assert_true (dw_time_from_iso8601 (json_object_get_string_member (seg, "to"), &to));
          g_assert_cmpint (to, >=, from);
        }
      else
        {
          /* Only the last one may still be going. */
          g_assert_cmpuint (i, ==, json_array_get_length (segments) - 1);
        }
      if (i > 0 && previous_to != 0)
        g_assert_cmpint (from, >=, previous_to);
      previous_to = to;

      g_string_append_printf (s, "%s%s", i > 0 ? " " : "", state);
      if (g_str_equal (state, "paused"))
        g_string_append_printf (s, ":%s", json_object_get_string_member (seg, "reason"));
    }

  return g_string_free (s, FALSE);
}

static void
test_timeline (void)
{
  g_autoptr(DwTestResponse) r = NULL;
  g_autoptr(DwTestResponse) pending = NULL;
  g_autoptr(DwTestResponse) gap = NULL;
  g_autoptr(DwTestResponse) hidden = NULL;
  g_autoptr(DwTestResponse) missing = NULL;
  g_autofree char *first = NULL;
  g_autofree char *met_first = NULL;
  g_autofree char *paused = NULL;
  g_autofree char *gapped = NULL;
  JsonArray *segments;
  gint64 from;

  r = get (server->agent_token, "/api/v1/tickets/%" G_GINT64_FORMAT "/sla-timeline",
           ticket_breached);
  dw_test_assert_status (r, 200);
  g_assert_cmpint (json_object_get_int_member (dw_test_response_object (r), "sla_policy_id"), ==,
                   vip_policy_id);
  segments = timeline_segments (dw_test_response_object (r), "first-response");
  first = describe_segments (segments);
  g_test_message ("breached first response: %s", first);
  g_assert_cmpstr (first, ==, "running at-risk breached");
  /* The late reply ended the breached stretch. */
  g_assert_false (json_object_get_null_member (json_array_get_object_element (segments, 2), "to"));

  {
    g_autoptr(DwTestResponse) met = get (server->agent_token,
                                         "/api/v1/tickets/%" G_GINT64_FORMAT "/sla-timeline",
                                         ticket_met);

    dw_test_assert_status (met, 200);
    met_first = describe_segments (timeline_segments (dw_test_response_object (met),
                                                      "first-response"));
    g_assert_true (g_str_has_suffix (met_first, "met"));
    g_assert_true (g_str_has_prefix (met_first, "running"));
  }

  pending = get (server->lead_token, "/api/v1/tickets/%" G_GINT64_FORMAT "/sla-timeline",
                 ticket_pending);
  dw_test_assert_status (pending, 200);
  paused = describe_segments (timeline_segments (dw_test_response_object (pending),
                                                 "resolution"));
  g_test_message ("pending resolution: %s", paused);
  g_assert_true (g_str_has_prefix (paused, "running paused:pending running"));

  gap = get (server->admin_token, "/api/v1/tickets/%" G_GINT64_FORMAT "/sla-timeline", ticket_gap);
  dw_test_assert_status (gap, 200);
  g_assert_cmpstr (json_object_get_string_member (dw_test_response_object (gap), "timezone"), ==,
                   "UTC");
  segments = timeline_segments (dw_test_response_object (gap), "resolution");
  gapped = describe_segments (segments);
  g_test_message ("resolution across closed hours: %s", gapped);
  g_assert_cmpstr (gapped, ==, "running at-risk paused:outside-hours at-risk breached");
  g_assert_true (dw_time_from_iso8601 (json_object_get_string_member (
                                         json_array_get_object_element (segments, 2), "from"),
                                       &from));
  g_assert_cmpint (from, ==, gap_start);

  /* Visibility: another team's ticket is not there for an agent. */
  hidden = get (server->agent_token, "/api/v1/tickets/%" G_GINT64_FORMAT "/sla-timeline",
                ticket_other);
  dw_test_assert_problem (hidden, 404, "not-found");
  missing = get (server->admin_token, "/api/v1/tickets/999999/sla-timeline");
  dw_test_assert_problem (missing, 404, "not-found");
}

static void
test_bad_input (void)
{
  const char *paths[] = {
    "/api/v1/sla/compliance?days=5",
    "/api/v1/sla/compliance?period=week",
    "/api/v1/sla/compliance?team=abc",
    "/api/v1/sla/compliance?days=7&period=today",
    "/api/v1/sla/compliance?from=yesterday",
    "/api/v1/sla/compliance?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
    "/api/v1/sla/compliance/tickets?target=lunch",
    "/api/v1/sla/compliance/tickets?outcome=late",
    "/api/v1/sla/compliance/tickets?limit=0",
  };
  g_autoptr(DwTestResponse) no_team = NULL;
  g_autoptr(DwTestResponse) no_policy = NULL;
  g_autoptr(DwTestResponse) anonymous = NULL;
  g_autoptr(DwTestResponse) range = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(DwTestResponse) r = get (server->admin_token, "%s", paths[i]);

      g_test_message ("%s", paths[i]);
      dw_test_assert_problem (r, 400, "validation");
    }

  no_team = get (server->admin_token, "/api/v1/sla/compliance?team=9999");
  dw_test_assert_problem (no_team, 404, "not-found");
  no_policy = get (server->admin_token, "/api/v1/sla/compliance?policy=9999");
  dw_test_assert_problem (no_policy, 404, "not-found");
  anonymous = get (NULL, "/api/v1/sla/compliance");
  dw_test_assert_problem (anonymous, 401, "unauthorized");

  range = get (server->admin_token, "/api/v1/sla/compliance?from=2020-01-01T00:00:00Z"
               "&to=2020-01-02T00:00:00Z");
  dw_test_assert_status (range, 200);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (
                     json_object_get_object_member (json_object_get_object_member (
                       dw_test_response_object (range), "total"), "range"), "first-response"),
                     "due"), ==, 0);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  server = dw_test_server_new_with_desk ();
  set_up_desk ();

  g_test_add_func ("/api-sla/compliance-matches-audit", test_compliance_matches_audit);
  g_test_add_func ("/api-sla/compliance-roles", test_compliance_roles);
  g_test_add_func ("/api-sla/drill-down", test_drill_down);
  g_test_add_func ("/api-sla/timeline", test_timeline);
  g_test_add_func ("/api-sla/bad-input", test_bad_input);

  status = g_test_run ();
  dw_test_server_free (server);
  return status;
}
