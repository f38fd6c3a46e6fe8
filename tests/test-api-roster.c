/* API tests: shift templates, shifts, absences and roster weeks over real HTTP — the rules
 * (hard ones refused, soft ones warned), role and team scope, bad input, the audit trail and
 * the stream. */
#include "config.h"

#include <libical/ical.h>
#include <string.h>

#include "dw-test-server.h"
#include "dw-test-stream.h"

/* Monday 14 December 2026; the desk's calendar is Asia/Shanghai, Monday to Friday 09–18. */
#define WEEK "2026-12-14"

static DwTestServer *server;
static gint64 template_id;
static gint64 early_id;     /* the agent's 早班 on Monday */
static gint64 short_rest_id;

static JsonObject *
ok (DwTestResponse *r,
    guint           status)
{
  dw_test_assert_status (r, status);
  return dw_test_response_object (r);
}

static guint
count_audit (const char *entity,
             gint64      id,
             const char *action)
{
  /* On either backend; @entity and @action are the test's own words, no quote in them. */
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM audit WHERE entity = '%s' "
                                          "AND entity_id = %" G_GINT64_FORMAT " AND action = '%s'",
                                          entity, id, action);

  g_assert_null (strchr (entity, '\''));
  g_assert_null (strchr (action, '\''));
  return (guint) dw_test_server_query_int (server, sql);
}

static JsonArray *
warnings_of (JsonObject *shift)
{
  return json_object_get_array_member (shift, "warnings");
}

static gboolean
has_warning (JsonArray  *warnings,
             const char *rule)
{
  for (guint i = 0; i < json_array_get_length (warnings); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (warnings, i),
                                                    "rule"), rule))
      return TRUE;
  return FALSE;
}

static void
test_templates (void)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT "/shift-templates",
                                           server->team_id);
  g_autofree char *other = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT "/shift-templates",
                                            server->other_team_id);
  const char *early = "{\"name\": \"早班\", \"start\": \"08:00\", \"end\": \"16:00\", "
                      "\"breaks\": [{\"start\": \"12:00\", \"minutes\": 60}]}";
  g_autoptr(DwTestResponse) created = NULL;
  g_autoptr(DwTestResponse) night = NULL;
  g_autoptr(DwTestResponse) twice = NULL;
  g_autoptr(DwTestResponse) by_agent = NULL;
  g_autoptr(DwTestResponse) elsewhere = NULL;
  g_autoptr(DwTestResponse) bad_time = NULL;
  g_autoptr(DwTestResponse) bad_break = NULL;
  g_autoptr(DwTestResponse) listed = NULL;
  JsonObject *t;

  created = dw_test_server_json (server, "POST", path, server->lead_token, early);
  t = ok (created, 201);
  template_id = json_object_get_int_member (t, "id");
  g_assert_cmpstr (json_object_get_string_member (t, "start"), ==, "08:00");
  g_assert_cmpstr (json_object_get_string_member (t, "end"), ==, "16:00");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (t, "breaks")), ==, 1);

  /* 晚班 across midnight, its break after midnight */
  night = dw_test_server_json (server, "POST", path, server->lead_token,
                               "{\"name\": \"夜班\", \"start\": \"22:00\", \"end\": \"06:00\", "
                               "\"breaks\": [{\"start\": \"02:00\", \"minutes\": 30}]}");
  dw_test_assert_status (night, 201);

  twice = dw_test_server_json (server, "POST", path, server->lead_token, early);
  dw_test_assert_problem (twice, 409, "conflict");
  by_agent = dw_test_server_json (server, "POST", path, server->agent_token,
                                  "{\"name\": \"x\", \"start\": \"08:00\", \"end\": \"16:00\"}");
  dw_test_assert_problem (by_agent, 403, "forbidden");
  elsewhere = dw_test_server_json (server, "POST", other, server->lead_token,
                                   "{\"name\": \"x\", \"start\": \"08:00\", \"end\": \"16:00\"}");
  dw_test_assert_problem (elsewhere, 403, "forbidden");
  bad_time = dw_test_server_json (server, "POST", path, server->lead_token,
                                  "{\"name\": \"y\", \"start\": \"25:00\", \"end\": \"16:00\"}");
  dw_test_assert_problem (bad_time, 400, "validation");
  bad_break = dw_test_server_json (server, "POST", path, server->lead_token,
                                   "{\"name\": \"z\", \"start\": \"08:00\", \"end\": \"16:00\", "
                                   "\"breaks\": [{\"start\": \"17:00\", \"minutes\": 30}]}");
  dw_test_assert_problem (bad_break, 400, "validation");

  listed = dw_test_server_json (server, "GET", path, server->agent_token, NULL);
  dw_test_assert_status (listed, 200);
  g_assert_cmpuint (json_array_get_length (dw_test_response_items (listed)), ==, 2);
}

static void
test_shift_rules (void)
{
  g_autoptr(DwTestStream) lead = dw_test_stream_open (server, server->lead_token, -1);
  g_autoptr(DwTestStream) agent2 = dw_test_stream_open (server, server->agent2_token, -1);
  g_autofree char *from_template = NULL;
  g_autofree char *overlapping = NULL;
  g_autofree char *short_rest = NULL;
  g_autoptr(DwTestResponse) created = NULL;
  g_autoptr(DwTestResponse) overlap = NULL;
  g_autoptr(DwTestResponse) rest = NULL;
  JsonObject *shift, *problem;
  JsonArray *breaks;
  guint at;

  from_template = g_strdup_printf ("{\"team_id\": %" G_GINT64_FORMAT ", \"user_id\": %"
                                   G_GINT64_FORMAT ", \"template_id\": %" G_GINT64_FORMAT
                                   ", \"date\": \"" WEEK "\"}",
                                   server->team_id, server->agent_id, template_id);
  created = dw_test_server_json (server, "POST", "/api/v1/shifts", server->lead_token,
                                 from_template);
  shift = ok (created, 201);
  early_id = json_object_get_int_member (shift, "id");
  /* 08:00–16:00 China Standard Time */
  g_assert_cmpstr (json_object_get_string_member (shift, "starts_at"), ==, "2026-12-14T00:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (shift, "ends_at"), ==, "2026-12-14T08:00:00Z");
  g_assert_cmpint (json_object_get_int_member (shift, "worked_minutes"), ==, 420);
  g_assert_cmpint (json_object_get_int_member (shift, "template_id"), ==, template_id);
  breaks = json_object_get_array_member (shift, "breaks");
  g_assert_cmpuint (json_array_get_length (breaks), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (breaks, 0),
                                                  "starts_at"), ==, "2026-12-14T04:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (shift, "week"), ==, WEEK);
  g_assert_cmpstr (json_object_get_string_member (shift, "state"), ==, "draft");
  g_assert_false (json_object_get_boolean_member (shift, "holiday"));
  g_assert_cmpuint (json_array_get_length (warnings_of (shift)), ==, 0);
  g_assert_cmpuint (count_audit ("shift", early_id, "created"), ==, 1);

  /* Two planners see each other's edits: the lead's stream hears of it, the other team's
   * agent does not. */
  at = dw_test_stream_wait (lead, 0, "event", "shift.created", early_id);

  /* hard: 12:00–20:00 the same day overlaps; refused, naming the rule and the other shift */
  overlapping = g_strdup_printf ("{\"team_id\": %" G_GINT64_FORMAT ", \"user_id\": %"
                                 G_GINT64_FORMAT ", \"starts_at\": \"2026-12-14T04:00:00Z\", "
                                 "\"ends_at\": \"2026-12-14T12:00:00Z\"}",
                                 server->team_id, server->agent_id);
  overlap = dw_test_server_json (server, "POST", "/api/v1/shifts", server->lead_token,
                                 overlapping);
  dw_test_assert_problem (overlap, 409, "roster-rule");
  problem = dw_test_response_object (overlap);
  g_assert_nonnull (strstr (json_object_get_string_member (problem, "detail"), "overlap"));
  {
    g_autofree char *id = g_strdup_printf ("shift %" G_GINT64_FORMAT, early_id);

    g_assert_nonnull (strstr (json_object_get_string_member (problem, "detail"), id));
  }

  /* soft: Tuesday 02:00 China time is 10 h after Monday's 16:00, under the 11 h rest */
  short_rest = g_strdup_printf ("{\"team_id\": %" G_GINT64_FORMAT ", \"user_id\": %"
                                G_GINT64_FORMAT ", \"starts_at\": \"2026-12-14T18:00:00Z\", "
                                "\"ends_at\": \"2026-12-15T02:00:00Z\"}",
                                server->team_id, server->agent_id);
  rest = dw_test_server_json (server, "POST", "/api/v1/shifts", server->lead_token, short_rest);
  shift = ok (rest, 201);
  short_rest_id = json_object_get_int_member (shift, "id");
  g_assert_cmpuint (json_array_get_length (warnings_of (shift)), ==, 1);
  {
    JsonObject *w = json_array_get_object_element (warnings_of (shift), 0);

    g_assert_cmpstr (json_object_get_string_member (w, "rule"), ==, "rest");
    g_assert_false (json_object_get_boolean_member (w, "hard"));
    g_assert_cmpint (json_object_get_int_member (w, "other_shift_id"), ==, early_id);
    g_assert_cmpint (json_object_get_int_member (w, "rest_minutes"), ==, 600);
    g_assert_cmpint (json_object_get_int_member (w, "limit_minutes"), ==, 660);
  }

  dw_test_stream_wait (lead, at + 1, "event", "shift.created", short_rest_id);
  g_assert_cmpuint (dw_test_count_events (agent2, 0, "shift.created", 0), ==, 0);
}

static void
test_move_and_delete (void)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/shifts/%" G_GINT64_FORMAT, short_rest_id);
  g_autoptr(DwTestResponse) moved = NULL;
  g_autoptr(DwTestResponse) onto = NULL;
  g_autoptr(DwTestResponse) by_agent = NULL;
  g_autoptr(DwTestResponse) deleted = NULL;
  g_autoptr(DwTestResponse) gone = NULL;
  JsonObject *shift;

  /* two hours later: 12 h of rest, the warning goes */
  moved = dw_test_server_json (server, "PATCH", path, server->lead_token,
                               "{\"starts_at\": \"2026-12-14T20:00:00Z\", "
                               "\"ends_at\": \"2026-12-15T04:00:00Z\"}");
  shift = ok (moved, 200);
  g_assert_cmpuint (json_array_get_length (warnings_of (shift)), ==, 0);
  g_assert_cmpuint (count_audit ("shift", short_rest_id, "updated"), ==, 2);  /* start, end */

  /* onto the first shift: refused, and nothing changed */
  onto = dw_test_server_json (server, "PATCH", path, server->lead_token,
                              "{\"starts_at\": \"2026-12-14T02:00:00Z\", "
                              "\"ends_at\": \"2026-12-14T06:00:00Z\"}");
  dw_test_assert_problem (onto, 409, "roster-rule");

  by_agent = dw_test_server_json (server, "PATCH", path, server->agent_token,
                                  "{\"ends_at\": \"2026-12-15T05:00:00Z\"}");
  dw_test_assert_problem (by_agent, 403, "forbidden");

  deleted = dw_test_server_json (server, "DELETE", path, server->lead_token, NULL);
  dw_test_assert_status (deleted, 200);
  g_assert_cmpuint (count_audit ("shift", short_rest_id, "deleted"), ==, 1);
  gone = dw_test_server_json (server, "GET", path, server->lead_token, NULL);
  dw_test_assert_problem (gone, 404, "not-found");
}

static void
test_absence (void)
{
  g_autofree char *sick = g_strdup_printf ("{\"user_id\": %" G_GINT64_FORMAT ", \"kind\": \"sick\", "
                                           "\"starts_at\": \"2026-12-15T16:00:00Z\", "
                                           "\"ends_at\": \"2026-12-16T16:00:00Z\", "
                                           "\"note\": \"病假\"}", server->agent_id);
  g_autofree char *on_sick_day = g_strdup_printf ("{\"team_id\": %" G_GINT64_FORMAT ", \"user_id\": %"
                                                  G_GINT64_FORMAT ", \"template_id\": %"
                                                  G_GINT64_FORMAT ", \"date\": \"2026-12-16\"}",
                                                  server->team_id, server->agent_id, template_id);
  g_autofree char *own = g_strdup_printf ("/api/v1/absences?user_id=%" G_GINT64_FORMAT
                                          "&from=2026-12-14T00:00:00Z&to=2026-12-21T00:00:00Z",
                                          server->agent_id);
  g_autoptr(DwTestResponse) created = NULL;
  g_autoptr(DwTestResponse) by_agent = NULL;
  g_autoptr(DwTestResponse) refused = NULL;
  g_autoptr(DwTestResponse) mine = NULL;
  g_autoptr(DwTestResponse) theirs = NULL;
  g_autoptr(DwTestResponse) bad_kind = NULL;
  JsonObject *absence;

  created = dw_test_server_json (server, "POST", "/api/v1/absences", server->lead_token, sick);
  absence = ok (created, 201);
  g_assert_cmpstr (json_object_get_string_member (absence, "kind"), ==, "sick");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (absence,
                                                                         "clashing_shift_ids")),
                    ==, 0);

  by_agent = dw_test_server_json (server, "POST", "/api/v1/absences", server->agent_token, sick);
  dw_test_assert_problem (by_agent, 403, "forbidden");

  refused = dw_test_server_json (server, "POST", "/api/v1/shifts", server->lead_token, on_sick_day);
  dw_test_assert_problem (refused, 409, "roster-rule");
  g_assert_nonnull (strstr (json_object_get_string_member (dw_test_response_object (refused),
                                                           "detail"), "absence"));

  /* an agent reads its own absences; another team's agent reads none of them */
  mine = dw_test_server_json (server, "GET", own, server->agent_token, NULL);
  dw_test_assert_status (mine, 200);
  g_assert_cmpuint (json_array_get_length (dw_test_response_items (mine)), ==, 1);
  theirs = dw_test_server_json (server, "GET", own, server->agent2_token, NULL);
  dw_test_assert_status (theirs, 200);
  g_assert_cmpuint (json_array_get_length (dw_test_response_items (theirs)), ==, 0);

  bad_kind = dw_test_server_json (server, "POST", "/api/v1/absences", server->lead_token,
                                  "{\"user_id\": 1, \"kind\": \"holiday\", "
                                  "\"starts_at\": \"2026-12-15T16:00:00Z\", "
                                  "\"ends_at\": \"2026-12-16T16:00:00Z\"}");
  dw_test_assert_problem (bad_kind, 400, "validation");
}

static void
test_scope (void)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/shifts/%" G_GINT64_FORMAT, early_id);
  g_autofree char *team_list = g_strdup_printf ("/api/v1/shifts?team_id=%" G_GINT64_FORMAT
                                                "&from=2026-12-14T00:00:00Z"
                                                "&to=2026-12-21T00:00:00Z", server->team_id);
  g_autofree char *other_roster = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT
                                                   "/roster?week=" WEEK, server->other_team_id);
  g_autofree char *by_agent = g_strdup_printf ("{\"team_id\": %" G_GINT64_FORMAT ", \"user_id\": %"
                                               G_GINT64_FORMAT ", \"starts_at\": "
                                               "\"2026-12-17T00:00:00Z\", \"ends_at\": "
                                               "\"2026-12-17T08:00:00Z\"}",
                                               server->team_id, server->agent_id);
  g_autofree char *other_team = g_strdup_printf ("{\"team_id\": %" G_GINT64_FORMAT ", \"user_id\": %"
                                                 G_GINT64_FORMAT ", \"starts_at\": "
                                                 "\"2026-12-17T00:00:00Z\", \"ends_at\": "
                                                 "\"2026-12-17T08:00:00Z\"}",
                                                 server->other_team_id, server->agent2_id);
  g_autoptr(DwTestResponse) agent_create = NULL;
  g_autoptr(DwTestResponse) lead_other = NULL;
  g_autoptr(DwTestResponse) agent2_get = NULL;
  g_autoptr(DwTestResponse) agent_get = NULL;
  g_autoptr(DwTestResponse) agent2_list = NULL;
  g_autoptr(DwTestResponse) lead_roster = NULL;
  g_autoptr(DwTestResponse) agent_delete = NULL;

  agent_create = dw_test_server_json (server, "POST", "/api/v1/shifts", server->agent_token,
                                      by_agent);
  dw_test_assert_problem (agent_create, 403, "forbidden");
  lead_other = dw_test_server_json (server, "POST", "/api/v1/shifts", server->lead_token,
                                    other_team);
  dw_test_assert_problem (lead_other, 403, "forbidden");
  agent_delete = dw_test_server_json (server, "DELETE", path, server->agent_token, NULL);
  dw_test_assert_problem (agent_delete, 403, "forbidden");

  agent_get = dw_test_server_json (server, "GET", path, server->agent_token, NULL);
  dw_test_assert_status (agent_get, 200);   /* its own */
  agent2_get = dw_test_server_json (server, "GET", path, server->agent2_token, NULL);
  dw_test_assert_problem (agent2_get, 404, "not-found");
  agent2_list = dw_test_server_json (server, "GET", team_list, server->agent2_token, NULL);
  dw_test_assert_status (agent2_list, 200);
  g_assert_cmpuint (json_array_get_length (dw_test_response_items (agent2_list)), ==, 0);
  lead_roster = dw_test_server_json (server, "GET", other_roster, server->lead_token, NULL);
  dw_test_assert_problem (lead_roster, 403, "forbidden");
}

static void
test_bad_input (void)
{
  struct { const char *body; } cases[] = {
    /* ends before it starts */
    { "{\"team_id\": @TEAM, \"user_id\": @USER, "
      "\"starts_at\": \"2026-12-18T08:00:00Z\", \"ends_at\": \"2026-12-18T02:00:00Z\"}" },
    /* a 30-hour shift */
    { "{\"team_id\": @TEAM, \"user_id\": @USER, "
      "\"starts_at\": \"2026-12-18T00:00:00Z\", \"ends_at\": \"2026-12-19T06:00:00Z\"}" },
    /* an unknown agent */
    { "{\"team_id\": @TEAM, \"user_id\": 9999, "
      "\"starts_at\": \"2026-12-18T00:00:00Z\", \"ends_at\": \"2026-12-18T08:00:00Z\"}" },
    /* wrong types */
    { "{\"team_id\": @TEAM, \"user_id\": \"@USER\", "
      "\"starts_at\": \"2026-12-18T00:00:00Z\", \"ends_at\": \"2026-12-18T08:00:00Z\"}" },
    { "{\"team_id\": @TEAM, \"user_id\": @USER, "
      "\"starts_at\": 1797552000, \"ends_at\": \"2026-12-18T08:00:00Z\"}" },
    /* an unknown member */
    { "{\"team_id\": @TEAM, \"user_id\": @USER, "
      "\"starts_at\": \"2026-12-18T00:00:00Z\", \"ends_at\": \"2026-12-18T08:00:00Z\", "
      "\"colour\": \"red\"}" },
    /* a break outside the shift */
    { "{\"team_id\": @TEAM, \"user_id\": @USER, "
      "\"starts_at\": \"2026-12-18T00:00:00Z\", \"ends_at\": \"2026-12-18T08:00:00Z\", "
      "\"breaks\": [{\"starts_at\": \"2026-12-18T09:00:00Z\", \"ends_at\": \"2026-12-18T10:00:00Z\"}]}" },
    /* a template and times at once; a date that is no date */
    { "{\"team_id\": @TEAM, \"user_id\": @USER, "
      "\"template_id\": 1, \"date\": \"2026-12-18\", \"starts_at\": \"2026-12-18T00:00:00Z\"}" },
    { "{\"team_id\": @TEAM, \"user_id\": @USER, "
      "\"template_id\": 1, \"date\": \"2026-02-30\"}" },
  };
  const char *queries[] = {
    "/api/v1/shifts?from=2026-12-14T00:00:00Z",                                 /* no to */
    "/api/v1/shifts?from=2026-12-14T00:00:00Z&to=2027-06-01T00:00:00Z",         /* too long */
    "/api/v1/shifts?from=yesterday&to=2026-12-21T00:00:00Z",
    "/api/v1/shifts?team_id=x&from=2026-12-14T00:00:00Z&to=2026-12-21T00:00:00Z",
  };
  g_autofree char *tuesday = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT
                                              "/roster?week=2026-12-15", server->team_id);
  g_autoptr(DwTestResponse) not_monday = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) body = g_string_new (cases[i].body);
      g_autofree char *team = g_strdup_printf ("%" G_GINT64_FORMAT, server->team_id);
      g_autofree char *user = g_strdup_printf ("%" G_GINT64_FORMAT, server->agent_id);
      g_autoptr(DwTestResponse) r = NULL;

      g_string_replace (body, "@TEAM", team, 0);
      g_string_replace (body, "@USER", user, 0);
      r = dw_test_server_json (server, "POST", "/api/v1/shifts", server->lead_token, body->str);

      g_test_message ("%s", body->str);
      dw_test_assert_problem (r, 400, "validation");
    }

  for (gsize i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", queries[i],
                                                         server->lead_token, NULL);

      g_test_message ("%s", queries[i]);
      dw_test_assert_problem (r, 400, "validation");
    }

  not_monday = dw_test_server_json (server, "GET", tuesday, server->lead_token, NULL);
  dw_test_assert_problem (not_monday, 400, "validation");
}

static void
test_week_and_publish (void)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT "/roster?week=" WEEK,
                                           server->team_id);
  g_autofree char *publish = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT "/roster/publish",
                                              server->team_id);
  g_autoptr(DwTestStream) lead = dw_test_stream_open (server, server->lead_token, -1);
  g_autoptr(DwTestStream) agent2 = dw_test_stream_open (server, server->agent2_token, -1);
  g_autoptr(DwTestResponse) week = NULL;
  g_autoptr(DwTestResponse) published = NULL;
  g_autoptr(DwTestResponse) by_agent = NULL;
  g_autoptr(DwTestResponse) again = NULL;
  JsonObject *w;
  JsonArray *days, *shifts, *agents;

  week = dw_test_server_json (server, "GET", path, server->lead_token, NULL);
  w = ok (week, 200);
  g_assert_cmpstr (json_object_get_string_member (w, "state"), ==, "draft");
  days = json_object_get_array_member (w, "days");
  g_assert_cmpuint (json_array_get_length (days), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (days, 0), "date"),
                   ==, WEEK);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (days, 0), "kind"),
                   ==, "workday");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (days, 0),
                                               "open_minutes"), ==, 540);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (days, 5), "kind"),
                   ==, "weekend");
  shifts = json_object_get_array_member (w, "shifts");
  g_assert_cmpuint (json_array_get_length (shifts), ==, 1);   /* Monday's 早班 */
  agents = json_object_get_array_member (w, "agents");
  g_assert_cmpuint (json_array_get_length (agents), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (agents, 0),
                                               "worked_minutes"), ==, 420);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (w, "absences")), ==, 1);
  /* Monday 08–16 less the 12–13 break covers 09–12 and 13–16; 12–13 and 16–18 are open and
   * uncovered, as are the other four weekdays. */
  g_assert_true (has_warning (json_object_get_array_member (w, "warnings"), "coverage"));
  {
    JsonArray *warnings = json_object_get_array_member (w, "warnings");
    JsonObject *first = json_array_get_object_element (warnings, 0);

    g_assert_cmpstr (json_object_get_string_member (first, "business_type"), ==, "logistics");
    g_assert_cmpstr (json_object_get_string_member (first, "from"), ==, "2026-12-14T04:00:00Z");
    g_assert_cmpstr (json_object_get_string_member (first, "to"), ==, "2026-12-14T05:00:00Z");
  }

  by_agent = dw_test_server_json (server, "POST", publish, server->agent_token,
                                  "{\"week\": \"" WEEK "\"}");
  dw_test_assert_problem (by_agent, 403, "forbidden");

  published = dw_test_server_json (server, "POST", publish, server->lead_token,
                                   "{\"week\": \"" WEEK "\"}");
  w = ok (published, 200);
  g_assert_cmpstr (json_object_get_string_member (w, "state"), ==, "published");
  g_assert_nonnull (json_object_get_string_member (w, "published_at"));
  g_assert_cmpuint (count_audit ("team", server->team_id, "roster-published"), ==, 1);

  /* the team's planners hear the roster is out; another team does not */
  dw_test_stream_wait (lead, 0, "event", "roster.published", 0);
  g_assert_cmpuint (dw_test_count_events (agent2, 0, "roster.published", 0), ==, 0);

  again = dw_test_server_json (server, "GET", path, server->lead_token, NULL);
  g_assert_cmpstr (json_object_get_string_member (ok (again, 200), "state"), ==, "published");
}

/* The published week as iCalendar, parsed by libical and by Python's icalendar; a draft week
 * exports nothing; the CSV has a header and a row per shift. */
static void
test_exports (void)
{
  g_autofree char *team_ics = g_strdup_printf ("/api/v1/shifts.ics?team_id=%" G_GINT64_FORMAT
                                               "&from=2026-12-07T00:00:00Z"
                                               "&to=2026-12-28T00:00:00Z", server->team_id);
  g_autofree char *agent_ics = g_strdup_printf ("/api/v1/shifts.ics?user_id=%" G_GINT64_FORMAT
                                                "&from=2026-12-07T00:00:00Z"
                                                "&to=2026-12-28T00:00:00Z", server->agent_id);
  g_autofree char *draft_week = g_strdup_printf ("{\"team_id\": %" G_GINT64_FORMAT ", \"user_id\": %"
                                                 G_GINT64_FORMAT ", \"template_id\": %"
                                                 G_GINT64_FORMAT ", \"date\": \"2026-12-22\"}",
                                                 server->team_id, server->agent_id, template_id);
  g_autofree char *csv = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT "/roster.csv?week=" WEEK,
                                          server->team_id);
  g_autoptr(DwTestResponse) draft = NULL;
  g_autoptr(DwTestResponse) ics = NULL;
  g_autoptr(DwTestResponse) own = NULL;
  g_autoptr(DwTestResponse) other = NULL;
  g_autoptr(DwTestResponse) table = NULL;
  g_autofree char *text = NULL;
  g_autofree char *ics_path = NULL;
  g_autofree char *python_out = NULL;
  g_auto(GStrv) lines = NULL;
  icalcomponent *calendar, *event;
  int status = -1;

  draft = dw_test_server_json (server, "POST", "/api/v1/shifts", server->lead_token, draft_week);
  dw_test_assert_status (draft, 201);

  ics = dw_test_server_request (server, "GET", team_ics, server->lead_token, NULL, NULL, 0);
  dw_test_assert_status (ics, 200);
  g_assert_true (g_str_has_prefix (ics->content_type, "text/calendar"));
  text = g_strndup (g_bytes_get_data (ics->body, NULL), g_bytes_get_size (ics->body));

  calendar = icalparser_parse_string (text);
  g_assert_nonnull (calendar);
  g_assert_cmpint (icalcomponent_isa (calendar), ==, ICAL_VCALENDAR_COMPONENT);
  /* the published Monday only: the draft week's shift is not out yet */
  g_assert_cmpint (icalcomponent_count_components (calendar, ICAL_VEVENT_COMPONENT), ==, 1);
  event = icalcomponent_get_first_component (calendar, ICAL_VEVENT_COMPONENT);
  g_assert_cmpint (icaltime_as_timet (icalcomponent_get_dtstart (event)), ==, 1797206400);
  g_assert_cmpint (icaltime_as_timet (icalcomponent_get_dtend (event)), ==, 1797235200);
  g_assert_nonnull (strstr (icalcomponent_get_summary (event), "早班"));
  g_assert_nonnull (strstr (icalcomponent_get_summary (event), "李娜"));
  icalcomponent_free (calendar);

  ics_path = g_build_filename (server->dir, "shifts.ics", NULL);
  g_assert_true (g_file_set_contents (ics_path, text, -1, NULL));
  {
    const char *argv[] = {
      "/usr/bin/python3", "-c",
      "import sys, icalendar\n"
      "cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n"
      "print(sum(1 for c in cal.walk('VEVENT')))",
      ics_path, NULL
    };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &python_out, NULL, &status, NULL));
    g_assert_cmpint (status, ==, 0);
    g_assert_cmpstr (g_strstrip (python_out), ==, "1");
  }

  own = dw_test_server_request (server, "GET", agent_ics, server->agent_token, NULL, NULL, 0);
  dw_test_assert_status (own, 200);
  other = dw_test_server_request (server, "GET", agent_ics, server->agent2_token, NULL, NULL, 0);
  dw_test_assert_status (other, 200);
  {
    g_autofree char *theirs = g_strndup (g_bytes_get_data (other->body, NULL),
                                         g_bytes_get_size (other->body));

    g_assert_null (strstr (theirs, "BEGIN:VEVENT"));
  }

  table = dw_test_server_request (server, "GET", csv, server->lead_token, NULL, NULL, 0);
  dw_test_assert_status (table, 200);
  g_assert_true (g_str_has_prefix (table->content_type, "text/csv"));
  {
    g_autofree char *body = g_strndup (g_bytes_get_data (table->body, NULL),
                                       g_bytes_get_size (table->body));

    lines = g_strsplit (body, "\r\n", -1);
  }
  g_assert_cmpuint (g_strv_length (lines), ==, 3);   /* header, one shift, the empty tail */
  g_assert_true (g_str_has_prefix (lines[0], "agent,user_id,start,end,worked_minutes"));
  g_assert_true (g_str_has_prefix (lines[1], "李娜,"));
  g_assert_nonnull (strstr (lines[1], ",2026-12-14 08:00,2026-12-14 16:00,420,60,早班,no,published,"));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = dw_test_server_new_with_desk ();

  g_test_add_func ("/api/roster/templates", test_templates);
  g_test_add_func ("/api/roster/shift-rules", test_shift_rules);
  g_test_add_func ("/api/roster/move-and-delete", test_move_and_delete);
  g_test_add_func ("/api/roster/absence", test_absence);
  g_test_add_func ("/api/roster/scope", test_scope);
  g_test_add_func ("/api/roster/bad-input", test_bad_input);
  g_test_add_func ("/api/roster/week-and-publish", test_week_and_publish);
  g_test_add_func ("/api/roster/exports", test_exports);

  ret = g_test_run ();
  dw_test_server_free (server);
  return ret;
}
