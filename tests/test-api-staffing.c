/* API tests: staffing — the Erlang C calculator. */
#include "config.h"

#include <math.h>

#include "dw-erlang.h"
#include "dw-test-server.h"

static DwTestServer *server;

static JsonObject *
erlang (DwTestResponse **response,
        const char      *query)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/staffing/erlang-c?%s", query);

  *response = dw_test_server_json (server, "GET", path, server->agent_token, NULL);
  dw_test_assert_status (*response, 200);
  return dw_test_response_object (*response);
}

/* The documented example, to the digit. */
static void
test_erlang_c_example (void)
{
  g_autoptr(DwTestResponse) r = NULL;
  JsonObject *o = erlang (&r, "arrivals=20&interval=1800&aht=600&target_sl=0.8&target_time=120");

  g_assert_cmpint (json_object_get_size (o), ==, 7);
  g_assert_cmpint (json_object_get_int_member (o, "agents"), ==, 9);
  g_assert_cmpint (json_object_get_int_member (o, "scheduled"), ==, 9);
  g_assert_cmpfloat (json_object_get_double_member (o, "service_level"), ==, 0.8036);
  g_assert_cmpfloat (json_object_get_double_member (o, "asa"), ==, 80.55);
  g_assert_cmpfloat (json_object_get_double_member (o, "p_wait"), ==, 0.3133);
  g_assert_cmpfloat (json_object_get_double_member (o, "occupancy"), ==, 0.7407);
  g_assert_cmpfloat (json_object_get_double_member (o, "intensity"), ==, 6.667);
}

/* Shrinkage and the occupancy cap, and the default half-hour interval. */
static void
test_erlang_c_options (void)
{
  g_autoptr(DwTestResponse) r1 = NULL;
  g_autoptr(DwTestResponse) r2 = NULL;
  JsonObject *shrunk = erlang (&r1, "arrivals=20&aht=600&target_sl=0.8&target_time=120"
                                    "&shrinkage=0.3");
  JsonObject *capped = erlang (&r2, "arrivals=200&interval=1800&aht=300&target_sl=0.5"
                                    "&target_time=60&max_occupancy=0.85");

  g_assert_cmpint (json_object_get_int_member (shrunk, "agents"), ==, 9);
  g_assert_cmpint (json_object_get_int_member (shrunk, "scheduled"), ==, 13);
  g_assert_cmpint (json_object_get_int_member (capped, "agents"), ==, 40);
  g_assert_cmpfloat (json_object_get_double_member (capped, "occupancy"), <=, 0.85);
}

static void
test_erlang_c_bad_input (void)
{
  const char *queries[] = {
    "",                                                            /* nothing */
    "interval=1800&aht=600&target_sl=0.8&target_time=120",         /* no arrivals */
    "arrivals=x&aht=600&target_sl=0.8&target_time=120",            /* not a number */
    "arrivals=20abc&aht=600&target_sl=0.8&target_time=120",        /* trailing junk */
    "arrivals=nan&aht=600&target_sl=0.8&target_time=120",
    "arrivals=inf&aht=600&target_sl=0.8&target_time=120",
    "arrivals=-1&aht=600&target_sl=0.8&target_time=120",           /* out of range */
    "arrivals=20&aht=0&target_sl=0.8&target_time=120",
    "arrivals=20&aht=600&target_sl=1&target_time=120",              /* never reached */
    "arrivals=20&aht=600&target_sl=0.8&target_time=120&shrinkage=1",
    "arrivals=20&aht=600&target_sl=0.8&target_time=120&max_occupancy=0",
    "arrivals=20&interval=0&aht=600&target_sl=0.8&target_time=120",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/staffing/erlang-c?%s", queries[i]);
      g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", path, server->lead_token,
                                                         NULL);

      g_test_message ("%s", queries[i]);
      dw_test_assert_problem (r, 400, "validation");
    }
}

static void
test_erlang_c_needs_sign_in (void)
{
  g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET",
                                                     "/api/v1/staffing/erlang-c?arrivals=20&aht=600"
                                                     "&target_sl=0.8&target_time=120", NULL, NULL);

  dw_test_assert_problem (r, 401, "unauthorized");
}

/* The staffing day against numbers worked out here from what the test put in the desk. */

static GTimeZone *shanghai;

static gint64
local_midnight (gint64 t)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, shanghai);
  g_autoptr(GDateTime) midnight = g_date_time_new (shanghai, g_date_time_get_year (local),
                                                   g_date_time_get_month (local),
                                                   g_date_time_get_day_of_month (local), 0, 0, 0);

  return g_date_time_to_unix (midnight);
}

static char *
local_date (gint64 t)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, shanghai);

  return g_date_time_format (local, "%Y-%m-%d");
}

static char *
iso (gint64 t)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

/* History written straight into the stopped service's database (the API only creates tickets
 * now): the same weekday 1, 2 and 3 weeks ago, 4, 8 and 12 web tickets at 10:00 and 2 WeChat
 * chats at 10:30 each time; and a calendar open around the clock, so no interval's demand waits
 * for an opening. */
static void
write_history (gint64 today)
{
  /* One transaction of statements, on either backend (dw_test_server_exec). */
  g_autoptr(GString) sql = g_string_new ("BEGIN; UPDATE calendars SET week = '[[[0,1440]],"
                                         "[[0,1440]],[[0,1440]],[[0,1440]],[[0,1440]],[[0,1440]],"
                                         "[[0,1440]]]'; ");
  const int web[] = { 4, 8, 12 };

  dw_test_server_stop (server);
  for (int week = 1; week <= 3; week++)
    {
      gint64 day = today - week * 7 * 86400;

      for (int n = 0; n < web[week - 1] + 2; n++)
        {
          gboolean chat = n >= web[week - 1];
          gint64 at = day + (chat ? 10 * 3600 + 1800 : 10 * 3600) + 60 * n;

          g_string_append_printf (sql, "INSERT INTO tickets (subject, channel, team_id, status, "
                                  "created_at, updated_at) VALUES ('h', '%s', %" G_GINT64_FORMAT
                                  ", 'closed', %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "); ",
                                  chat ? "wechat" : "web", server->team_id, at, at);
        }
    }
  g_string_append (sql, "COMMIT");
  dw_test_server_exec (server, sql->str);
  dw_test_server_start (server, NULL);
}

static JsonObject *
interval_at (JsonObject *day,
             guint       i)
{
  return json_array_get_object_element (json_object_get_array_member (day, "intervals"), i);
}

/* The service's now, with more than 20 s left of its half-hour interval: test_day reads one
 * interval, the current one, from its first request to its last, and a test that began in the
 * last second of an interval saw the next one begin half-way (it failed started at 16:29:58.8
 * UTC: the interval after "current" had an actual already).  Otherwise it waits for the next
 * interval; the deadline only guards against a hang, it is no timing assertion. */
static gint64
now_early_in_interval (void)
{
  gint64 now = dw_test_server_now (server);
  gint64 end = local_midnight (now) + ((now - local_midnight (now)) / 1800 + 1) * 1800;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  if (end - now > 20)
    return now;
  g_test_message ("%" G_GINT64_FORMAT " s left of the interval: waiting for the next one",
                  end - now);
  while (now < end)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (200 * 1000);
      now = dw_test_server_now (server);
    }
  return now;
}

static void
set_presence (const char *presence)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/presence",
                                           server->agent_id);
  g_autofree char *body = g_strdup_printf ("{\"presence\": \"%s\"}", presence);
  g_autoptr(DwTestResponse) answer = dw_test_server_json (server, "PUT", path,
                                                          server->agent_token, body);

  dw_test_assert_status (answer, 200);
}

/* A shift of the test's agent from @starts_at to @ends_at; the answer to its POST, 201. */
static DwTestResponse *
create_shift (gint64 starts_at,
              gint64 ends_at)
{
  g_autofree char *start = iso (starts_at);
  g_autofree char *end = iso (ends_at);
  g_autofree char *body = g_strdup_printf ("{\"team_id\": %" G_GINT64_FORMAT ", \"user_id\": %"
                                           G_GINT64_FORMAT ", \"starts_at\": \"%s\", "
                                           "\"ends_at\": \"%s\"}", server->team_id,
                                           server->agent_id, start, end);
  DwTestResponse *created = dw_test_server_json (server, "POST", "/api/v1/shifts",
                                                 server->lead_token, body);

  dw_test_assert_status (created, 201);
  return created;
}

/* Publishes the week of the shift @created answered and sets the agent @presence. */
static void
publish_and_set_presence (DwTestResponse *created,
                          const char     *presence)
{
  g_autofree char *publish = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT "/roster/publish",
                                              server->team_id);
  g_autofree char *week = g_strdup_printf ("{\"week\": \"%s\"}",
                                           json_object_get_string_member (
                                             dw_test_response_object (created), "week"));
  g_autoptr(DwTestResponse) published = dw_test_server_json (server, "POST", publish,
                                                             server->lead_token, week);

  dw_test_assert_status (published, 200);
  set_presence (presence);
}

static void
test_day (void)
{
  gint64 now = now_early_in_interval ();
  gint64 today = local_midnight (now);
  guint current = (now - today) / 1800;
  g_autofree char *date = local_date (now);
  g_autofree char *path = g_strdup_printf ("/api/v1/staffing/day?team_id=%" G_GINT64_FORMAT
                                           "&date=%s", server->team_id, date);
  g_autoptr(DwTestResponse) before = NULL;
  g_autoptr(DwTestResponse) next_day = NULL;
  g_autoptr(DwTestResponse) created = NULL;
  g_autoptr(DwTestResponse) draft = NULL;
  g_autoptr(DwTestResponse) after = NULL;
  g_autoptr(DwTestResponse) what_if = NULL;
  g_autoptr(DwTestResponse) by_agent = NULL;
  g_autoptr(DwTestResponse) bad_date = NULL;
  g_autoptr(DwTestResponse) ticket = NULL;
  JsonObject *day, *i20, *i21;
  double weights = 1 + 0.7 + 0.49;
  double web = (4 + 8 * 0.7 + 12 * 0.49) / weights;
  DwStaffing chat;
  guint web_agents, chat_required;

  write_history (today);

  before = dw_test_server_json (server, "GET", path, server->lead_token, NULL);
  day = dw_test_response_object (before);
  dw_test_assert_status (before, 200);
  g_assert_cmpint (json_object_get_int_member (day, "interval_minutes"), ==, 30);
  g_assert_cmpint (json_object_get_int_member (day, "aht_seconds"), ==, 600);  /* nothing solved */
  g_assert_cmpint (json_object_get_int_member (day, "forecast_days"), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (day, "intervals")), ==, 48);

  /* 10:00: the weighted mean of 4, 8 and 12 web tickets, worked at 85 % occupancy with 30 %
   * shrinkage: ceil (ceil (f × 600 ÷ 1800 ÷ 0.85) ÷ 0.7) people */
  i20 = interval_at (day, 20);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (i20, "forecast"),
                                  round (web * 100) / 100, 1e-9);
  web_agents = (guint) ceil (web * 600 / 1800 / 0.85);
  g_assert_cmpint (json_object_get_int_member (i20, "required"), ==,
                   (gint64) ceil (web_agents / 0.7));
  /* 10:30: two chats each time, Erlang C at 80 % in 20 s, occupancy at most 85 % */
  i21 = interval_at (day, 21);
  g_assert_cmpfloat (json_object_get_double_member (i21, "forecast"), ==, 2);
  g_assert_true (dw_erlang_required (2, 1800, 600, 0.8, 20, 0, 0.85, &chat, NULL));
  chat_required = (guint) ceil (chat.agents / 0.7);
  g_assert_cmpint (json_object_get_int_member (i21, "required"), ==, chat_required);
  /* nothing was forecast for 03:00 */
  g_assert_cmpint (json_object_get_int_member (interval_at (day, 6), "required"), ==, 0);

  /* intervals not begun have no actual nor online: the next one, which from 23:30 in Shanghai
   * (15:30 UTC) is the first of the next day's (this was not checked then) */
  {
    gint64 next = today + (current + 1) * 1800;
    g_autofree char *next_date = local_date (next);
    g_autofree char *next_path = g_strdup_printf ("/api/v1/staffing/day?team_id=%" G_GINT64_FORMAT
                                                  "&date=%s", server->team_id, next_date);

    next_day = dw_test_server_json (server, "GET", next_path, server->lead_token, NULL);
    dw_test_assert_status (next_day, 200);
    g_assert_true (json_object_get_null_member (interval_at (dw_test_response_object (next_day),
                                                             (next - local_midnight (next)) / 1800),
                                                "actual"));
  }
  g_assert_cmpint (json_object_get_int_member (interval_at (day, current), "scheduled"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (interval_at (day, current), "online"), ==, 0);

  /* a ticket arriving now is counted as actual in the current interval */
  ticket = dw_test_server_json (server, "POST", "/api/v1/tickets", server->admin_token,
                                "{\"subject\": \"到哪了\", \"channel\": \"web\", "
                                "\"business_type\": \"logistics\"}");
  dw_test_assert_status (ticket, 201);

  /* a shift around now counts once its week is published; a draft does not disturb the day */
  created = create_shift (now - 2 * 3600, now + 2 * 3600);
  draft = dw_test_server_json (server, "GET", path, server->lead_token, NULL);
  dw_test_assert_status (draft, 200);
  g_assert_cmpint (json_object_get_int_member (interval_at (dw_test_response_object (draft),
                                                            current), "scheduled"), ==, 0);

  publish_and_set_presence (created, "online");

  after = dw_test_server_json (server, "GET", path, server->lead_token, NULL);
  dw_test_assert_status (after, 200);
  day = interval_at (dw_test_response_object (after), current);
  g_assert_cmpint (json_object_get_int_member (day, "scheduled"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (day, "online"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (day, "actual"), >=, 1);
  g_assert_cmpint (json_object_get_int_member (day, "gap"), ==,
                   1 - json_object_get_int_member (day, "required"));

  /* what-if: 50 % more arrivals need at least as many people, never fewer */
  {
    g_autofree char *more = g_strdup_printf ("%s&forecast_factor=1.5&aht=900", path);

    what_if = dw_test_server_json (server, "GET", more, server->lead_token, NULL);
    dw_test_assert_status (what_if, 200);
    g_assert_cmpint (json_object_get_int_member (interval_at (dw_test_response_object (what_if),
                                                              20), "required"), >,
                     json_object_get_int_member (i20, "required"));
    g_assert_cmpint (json_object_get_int_member (dw_test_response_object (what_if),
                                                 "aht_seconds"), ==, 900);
  }

  by_agent = dw_test_server_json (server, "GET", path, server->agent_token, NULL);
  dw_test_assert_problem (by_agent, 403, "forbidden");
  {
    g_autofree char *bad = g_strdup_printf ("/api/v1/staffing/day?team_id=%" G_GINT64_FORMAT
                                            "&date=2026-13-01", server->team_id);

    bad_date = dw_test_server_json (server, "GET", bad, server->lead_token, NULL);
    dw_test_assert_problem (bad_date, 400, "validation");
  }
}

/* The agent's shift began two hours ago and it came online only now: a late start of two hours
 * (less the seconds the test took), judged up to now.  Adherence judges a local day from its
 * midnight, so two hours of late start need the service's now two hours past a Shanghai
 * midnight: the test put the shift at the real now and skipped these checks from 00:00 to 02:00
 * in Shanghai (16:00 to 18:00 UTC).  The service's clock starts instead (--clock-start) at 14:00
 * in Shanghai two days after test_day's day, whatever the hour the test runs at: the shift and
 * the presence test_day left are over by then, and the agent goes offline first so that the
 * day begins with it offline. */
static void
test_adherence (void)
{
  gint64 now = dw_test_server_now (server);
  gint64 start = local_midnight (now) + 2 * 86400 + 14 * 3600;
  g_autofree char *clock_start = iso (start);
  g_autofree char *was = iso (now);
  const char * const pinned[] = { "--clock-start", clock_start, NULL };
  g_autofree char *date = NULL;
  g_autofree char *path = NULL;
  g_autoptr(DwTestResponse) created = NULL;
  g_autoptr(DwTestResponse) lead = NULL;
  g_autoptr(DwTestResponse) agent = NULL;
  g_autoptr(DwTestResponse) other = NULL;
  JsonArray *agents;
  JsonObject *row, *late;

  set_presence ("offline");
  dw_test_server_stop (server);
  dw_test_server_start (server, pinned);

  g_test_message ("the service's clock put from %s to %s", was, clock_start);
  now = dw_test_server_now (server);
  g_assert_cmpint (now, >=, start);
  date = local_date (now);
  path = g_strdup_printf ("/api/v1/staffing/adherence?team_id=%" G_GINT64_FORMAT "&date=%s",
                          server->team_id, date);
  created = create_shift (now - 2 * 3600, now + 2 * 3600);
  publish_and_set_presence (created, "online");

  lead = dw_test_server_json (server, "GET", path, server->lead_token, NULL);
  dw_test_assert_status (lead, 200);
  agents = json_object_get_array_member (dw_test_response_object (lead), "agents");
  g_assert_cmpuint (json_array_get_length (agents), ==, 1);
  row = json_array_get_object_element (agents, 0);
  g_assert_cmpint (json_object_get_int_member (row, "user_id"), ==, server->agent_id);
  g_assert_true (json_object_get_boolean_member (row, "on_shift"));
  g_assert_false (json_object_get_boolean_member (row, "off_schedule"));
  g_assert_cmpstr (json_object_get_string_member (row, "presence"), ==, "online");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (row, "exceptions")),
                    ==, 1);
  late = json_array_get_object_element (json_object_get_array_member (row, "exceptions"), 0);
  g_assert_cmpstr (json_object_get_string_member (late, "kind"), ==, "late-start");
  g_assert_cmpint (json_object_get_int_member (late, "minutes"), >=, 115);
  g_assert_cmpfloat (json_object_get_double_member (row, "adherence"), <, 0.1);

  /* an agent reads its own line; another team's agent nothing */
  agent = dw_test_server_json (server, "GET", path, server->agent_token, NULL);
  dw_test_assert_status (agent, 200);
  other = dw_test_server_json (server, "GET", path, server->agent2_token, NULL);
  dw_test_assert_problem (other, 403, "forbidden");
}

/* A team's targets and roster limits: read by its people, set by its lead, used at once. */
static void
test_settings (void)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT "/staffing-settings",
                                           server->team_id);
  g_autofree char *other = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT "/staffing-settings",
                                            server->other_team_id);
  g_autofree char *date = NULL;
  g_autofree char *day_path = NULL;
  g_autoptr(DwTestResponse) defaults = NULL;
  g_autoptr(DwTestResponse) changed = NULL;
  g_autoptr(DwTestResponse) by_agent = NULL;
  g_autoptr(DwTestResponse) elsewhere = NULL;
  g_autoptr(DwTestResponse) too_much = NULL;
  g_autoptr(DwTestResponse) unknown = NULL;
  g_autoptr(DwTestResponse) wrong_type = NULL;
  g_autoptr(DwTestResponse) day = NULL;
  JsonObject *o;

  defaults = dw_test_server_json (server, "GET", path, server->agent_token, NULL);
  dw_test_assert_status (defaults, 200);
  o = dw_test_response_object (defaults);
  g_assert_cmpint (json_object_get_int_member (o, "min_rest_minutes"), ==, 660);
  g_assert_cmpint (json_object_get_int_member (o, "max_week_minutes"), ==, 2640);
  g_assert_cmpfloat (json_object_get_double_member (o, "target_service_level"), ==, 0.8);
  g_assert_cmpfloat (json_object_get_double_member (o, "shrinkage"), ==, 0.3);

  changed = dw_test_server_json (server, "PATCH", path, server->lead_token,
                                 "{\"target_service_level\": 0.9, \"target_answer_seconds\": 30, "
                                 "\"min_rest_minutes\": 600}");
  dw_test_assert_status (changed, 200);
  o = dw_test_response_object (changed);
  g_assert_cmpfloat (json_object_get_double_member (o, "target_service_level"), ==, 0.9);
  g_assert_cmpint (json_object_get_int_member (o, "min_rest_minutes"), ==, 600);

  by_agent = dw_test_server_json (server, "PATCH", path, server->agent_token,
                                  "{\"shrinkage\": 0.1}");
  dw_test_assert_problem (by_agent, 403, "forbidden");
  elsewhere = dw_test_server_json (server, "PATCH", other, server->lead_token,
                                   "{\"shrinkage\": 0.1}");
  dw_test_assert_problem (elsewhere, 403, "forbidden");
  too_much = dw_test_server_json (server, "PATCH", path, server->lead_token,
                                  "{\"shrinkage\": 1}");
  dw_test_assert_problem (too_much, 400, "validation");
  unknown = dw_test_server_json (server, "PATCH", path, server->lead_token,
                                 "{\"colour\": \"red\"}");
  dw_test_assert_problem (unknown, 400, "validation");
  wrong_type = dw_test_server_json (server, "PATCH", path, server->lead_token,
                                    "{\"min_rest_minutes\": \"600\"}");
  dw_test_assert_problem (wrong_type, 400, "validation");

  /* the staffing day works to the new target */
  date = local_date (dw_test_server_now (server));
  day_path = g_strdup_printf ("/api/v1/staffing/day?team_id=%" G_GINT64_FORMAT "&date=%s",
                              server->team_id, date);
  day = dw_test_server_json (server, "GET", day_path, server->lead_token, NULL);
  dw_test_assert_status (day, 200);
  o = json_object_get_object_member (dw_test_response_object (day), "targets");
  g_assert_cmpfloat (json_object_get_double_member (o, "service_level"), ==, 0.9);
  g_assert_cmpint (json_object_get_int_member (o, "answer_seconds"), ==, 30);
}

/* --clock-start takes an instant with its zone, nothing vaguer, and refuses the rest before
 * opening anything. */
static void
test_clock_start_refused (void)
{
  const char * const bad[] = {
    "tomorrow", "", "2026-12-09", "2026-12-09T06:00:00", "2026-13-09T06:00:00Z",
    "2026-12-09T06:00:00Zjunk",
  };

  dw_test_assert_option_refused ("clock-start", bad, G_N_ELEMENTS (bad), 2, "ISO 8601");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  shanghai = g_time_zone_new_identifier ("Asia/Shanghai");

  server = dw_test_server_new_with_desk ();

  g_test_add_func ("/api/staffing/erlang-c/example", test_erlang_c_example);
  g_test_add_func ("/api/staffing/erlang-c/options", test_erlang_c_options);
  g_test_add_func ("/api/staffing/erlang-c/bad-input", test_erlang_c_bad_input);
  g_test_add_func ("/api/staffing/erlang-c/needs-sign-in", test_erlang_c_needs_sign_in);
  g_test_add_func ("/api/staffing/day", test_day);
  g_test_add_func ("/api/staffing/adherence", test_adherence);
  g_test_add_func ("/api/staffing/settings", test_settings);
  g_test_add_func ("/api/staffing/clock-start-refused", test_clock_start_refused);

  ret = g_test_run ();
  dw_test_server_free (server);
  return ret;
}
