/* test-sla-engine.c: the SLA engine of the real deskwatchd on a sped-up clock.
 *
 * A 24/7 calendar in UTC makes business time equal wall time, and `--speed 600` makes ten
 * simulated minutes pass in one real second, so targets of tens of minutes cross at-risk and
 * breach while the test watches the stream.
 */
#include "config.h"

#include <string.h>

#include "dw-test-stream.h"

#define SPEED "600"

/* The desk of dw_test_server_new_with_desk(), every team on an always-open calendar, and one
 * policy for everything: first response 20 min, resolution 60 min, at risk at half. */
static DwTestServer *
sla_server_new (const char *escalation)
{
  DwTestServer *server = dw_test_server_new_with_desk ();
  const char * const args[] = { "--speed", SPEED, NULL };
  g_autofree char *policy = NULL;

  /* Written while the service is down, as an operator's migration would be: the tests do not
   * depend on the policy and calendar endpoints.  On either backend (dw_test_server_exec). */
  dw_test_server_stop (server);
  dw_test_server_exec_always_calendar (server);
  policy = g_strdup_printf ("INSERT INTO sla_policies (name, position, first_response_minutes, "
                            "  resolution_minutes, at_risk_ratio, escalation) "
                            "VALUES ('Fast', 1, 20, 60, 0.5, '%s')", escalation);
  dw_test_server_exec (server, policy);

  dw_test_server_start (server, args);
  return server;
}

static JsonObject *
get_ticket (DwTestServer *server,
            gint64        id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);

  return dw_test_api_request (server, "GET", path, NULL, 200);
}

static JsonObject *
sla_target (JsonObject *ticket,
            const char *target)
{
  JsonArray *sla = json_object_get_array_member (ticket, "sla");

  for (guint i = 0; i < json_array_get_length (sla); i++)
    {
      JsonObject *object = json_array_get_object_element (sla, i);

      if (g_strcmp0 (json_object_get_string_member (object, "target"), target) == 0)
        return object;
    }

  g_error ("No %s target", target);
  return NULL;
}

/* Index of the sla.changed event of ticket @id, target @target, to state @after. */
static guint
wait_sla (DwTestStream *stream,
          gint64        id,
          const char   *target,
          const char   *after)
{
  guint from = 0;

  for (;;)
    {
      guint i = dw_test_stream_wait (stream, from, "event", "sla.changed", id);
      JsonObject *data = json_object_get_object_member (g_ptr_array_index (stream->messages, i),
                                                        "data");

      if (g_str_equal (json_object_get_string_member (data, "target"), target)
          && g_str_equal (json_object_get_string_member (data, "after"), after))
        return i;

      from = i + 1;
    }
}

static guint
count_sla (DwTestStream *stream,
           gint64        id,
           const char   *after)
{
  guint n = 0;

  for (guint i = 0; i < stream->messages->len; i++)
    {
      JsonObject *message = g_ptr_array_index (stream->messages, i);
      JsonObject *data;

      if (g_strcmp0 (dw_test_message_type (message), "event") != 0
          || g_strcmp0 (json_object_get_string_member (message, "event"), "sla.changed") != 0)
        continue;

      data = json_object_get_object_member (message, "data");
      if (json_object_get_int_member (data, "ticket_id") == id
          && g_str_equal (json_object_get_string_member (data, "after"), after))
        n++;
    }

  return n;
}

static JsonObject *
message_data (DwTestStream *stream,
              guint         index)
{
  return json_object_get_object_member (g_ptr_array_index (stream->messages, index), "data");
}

/* The audit rows of @id with action "sla" and field @target, as their "after" states. */
static GStrv
audit_sla_states (DwTestServer *server,
                  gint64        id,
                  const char   *target)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/audit", id);
  g_autoptr(JsonObject) page = dw_test_api_request (server, "GET", path, NULL, 200);
  JsonArray *items = json_object_get_array_member (page, "items");
  g_autoptr(GStrvBuilder) states = g_strv_builder_new ();
  gint64 last_id = 0;

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *row = json_array_get_object_element (items, i);

      /* Oldest first. */
      g_assert_cmpint (json_object_get_int_member (row, "id"), >, last_id);
      last_id = json_object_get_int_member (row, "id");

      if (g_strcmp0 (json_object_get_string_member (row, "action"), "sla") == 0
          && g_strcmp0 (json_object_get_string_member (row, "field"), target) == 0)
        {
          g_assert_true (json_object_get_null_member (row, "actor_id"));
          g_assert_nonnull (json_object_get_string_member (row, "reason"));
          g_strv_builder_add (states, json_object_get_string_member (row, "after"));
        }
    }

  return g_strv_builder_end (states);
}

static gboolean
audit_has (DwTestServer *server,
           gint64        id,
           const char   *action,
           const char   *field,
           const char   *before,
           const char   *after)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/audit", id);
  g_autoptr(JsonObject) page = dw_test_api_request (server, "GET", path, NULL, 200);
  JsonArray *items = json_object_get_array_member (page, "items");

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *row = json_array_get_object_element (items, i);
      JsonNode *b = json_object_get_member (row, "before");
      JsonNode *a = json_object_get_member (row, "after");

      if (g_strcmp0 (json_object_get_string_member (row, "action"), action) == 0
          && g_strcmp0 (json_object_get_string_member (row, "field"), field) == 0
          && JSON_NODE_HOLDS_VALUE (b) && g_strcmp0 (json_node_get_string (b), before) == 0
          && JSON_NODE_HOLDS_VALUE (a) && g_strcmp0 (json_node_get_string (a), after) == 0)
        return TRUE;
    }

  return FALSE;
}

static gint64
create_ticket (DwTestServer *server,
               const char   *subject)
{
  g_autofree char *json = g_strdup_printf ("{\"subject\": \"%s\", \"channel\": \"web\", "
                                           "\"business_type\": \"logistics\"}", subject);
  g_autoptr(JsonObject) ticket = dw_test_api_request (server, "POST", "/api/v1/tickets", json,
                                                      201);

  return json_object_get_int_member (ticket, "id");
}

static void
test_breach (void)
{
  g_autoptr(DwTestServer) server =
    sla_server_new ("{\"raise_priority\":true,\"notify_lead\":true,\"reassign\":false}");
  g_autoptr(DwTestStream) stream = dw_test_stream_open (server, server->admin_token, -1);
  g_autoptr(DwTestStream) lead = dw_test_stream_open (server, server->lead_token, -1);
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  g_autoptr(JsonObject) paused = NULL;
  g_auto(GStrv) states = NULL;
  JsonObject *data;
  JsonArray *leads;
  guint started, at_risk, breached, escalated, updated, i;
  gint64 id, waiting;

  id = create_ticket (server, "快递三天没动");
  created = get_ticket (server, id);
  g_assert_cmpstr (json_object_get_string_member (created, "sla_state"), ==, "ok");
  g_assert_false (json_object_get_null_member (created, "sla_policy_id"));
  g_assert_false (json_object_get_null_member (created, "next_sla_at"));
  g_assert_cmpstr (json_object_get_string_member (sla_target (created, "first-response"), "state"),
                   ==, "ok");
  g_assert_cmpint (json_object_get_int_member (sla_target (created, "first-response"),
                                               "target_minutes"), ==, 20);

  /* Pending on the customer: its clocks stand still. */
  waiting = create_ticket (server, "waiting on the customer");
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, waiting);

    json_object_unref (dw_test_api_request (server, "PATCH", path,
                                            "{\"version\": 1, \"status\": \"pending\"}", 200));
  }

  started = wait_sla (stream, id, "first-response", "ok");
  at_risk = wait_sla (stream, id, "first-response", "at-risk");
  breached = wait_sla (stream, id, "first-response", "breached");
  escalated = dw_test_stream_wait (stream, breached, "event", "sla.escalated", id);
  g_assert_cmpuint (started, <, at_risk);
  g_assert_cmpuint (at_risk, <, breached);
  g_assert_cmpuint (breached, <, escalated);

  data = message_data (stream, at_risk);
  g_assert_cmpstr (json_object_get_string_member (data, "before"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (data, "sla_state"), ==, "at-risk");
  data = message_data (stream, breached);
  g_assert_cmpstr (json_object_get_string_member (data, "before"), ==, "at-risk");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (data, "sla_target"),
                                                  "state"), ==, "breached");

  /* Escalation: the lead is named, and the priority went up one step. */
  data = message_data (stream, escalated);
  g_assert_cmpstr (json_object_get_string_member (data, "target"), ==, "first-response");
  g_assert_cmpstr (json_object_get_string_member (data, "priority"), ==, "high");
  leads = json_object_get_array_member (data, "lead_ids");
  g_assert_cmpuint (json_array_get_length (leads), ==, 1);
  g_assert_cmpint (json_array_get_int_element (leads, 0), ==, server->lead_id);
  g_assert_false (json_object_get_boolean_member (data, "reassign"));

  updated = dw_test_stream_wait (stream, escalated, "event", "ticket.updated", id);
  data = message_data (stream, updated);
  g_assert_cmpstr (json_object_get_string_member (data, "priority"), ==, "high");
  g_assert_cmpint (json_object_get_int_member (data, "escalation_level"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (data, "sla_state"), ==, "breached");

  /* The lead of the team hears it too. */
  dw_test_stream_wait (lead, 0, "event", "sla.escalated", id);

  /* The resolution target breaches later and escalates again, to urgent. */
  breached = wait_sla (stream, id, "resolution", "breached");
  escalated = dw_test_stream_wait (stream, breached, "event", "sla.escalated", id);
  g_assert_cmpstr (json_object_get_string_member (message_data (stream, escalated), "priority"),
                   ==, "urgent");

  ticket = get_ticket (server, id);
  g_assert_cmpstr (json_object_get_string_member (ticket, "priority"), ==, "urgent");
  g_assert_cmpint (json_object_get_int_member (ticket, "escalation_level"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (ticket, "sla_state"), ==, "breached");
  /* Nothing is left to change by itself. */
  g_assert_true (json_object_get_null_member (ticket, "next_sla_at"));

  /* Each transition happened exactly once, and the audit trail tells the same story. */
  g_assert_cmpuint (count_sla (stream, id, "at-risk"), ==, 2);
  g_assert_cmpuint (count_sla (stream, id, "breached"), ==, 2);
  g_assert_cmpuint (dw_test_count_events (stream, 0, "sla.escalated", id), ==, 2);
  states = audit_sla_states (server, id, "first-response");
  g_assert_cmpuint (g_strv_length (states), ==, 3);
  g_assert_cmpstr (states[0], ==, "ok");
  g_assert_cmpstr (states[1], ==, "at-risk");
  g_assert_cmpstr (states[2], ==, "breached");
  g_assert_true (audit_has (server, id, "escalated", "priority", "normal", "high"));
  g_assert_true (audit_has (server, id, "escalated", "priority", "high", "urgent"));

  /* Meanwhile, an hour of simulated time later, the pending ticket has not moved on. */
  paused = get_ticket (server, waiting);
  g_assert_cmpstr (json_object_get_string_member (paused, "sla_state"), ==, "paused");
  g_assert_true (json_object_get_null_member (paused, "next_sla_at"));
  data = sla_target (paused, "first-response");
  g_assert_cmpstr (json_object_get_string_member (data, "state"), ==, "paused");
  g_assert_cmpstr (json_object_get_string_member (data, "paused_reason"), ==, "pending");
  g_assert_cmpint (json_object_get_int_member (data, "elapsed_seconds"), <, 20 * 60 / 2);
  g_assert_cmpuint (count_sla (stream, waiting, "at-risk"), ==, 0);
  g_assert_cmpuint (count_sla (stream, waiting, "breached"), ==, 0);
  g_assert_cmpuint (count_sla (stream, waiting, "paused"), ==, 2);
  g_clear_pointer (&states, g_strfreev);
  states = audit_sla_states (server, waiting, "resolution");
  g_assert_cmpuint (g_strv_length (states), ==, 2);
  g_assert_cmpstr (states[0], ==, "ok");
  g_assert_cmpstr (states[1], ==, "paused");

  /* The events arrived in seq order with no gap. */
  i = 0;
  dw_test_check_events (stream, 0, stream->messages->len,
                        dw_test_stream_position_before (stream, i), TRUE);
}

static void
test_reply_meets (void)
{
  g_autoptr(DwTestServer) server =
    sla_server_new ("{\"raise_priority\":false,\"notify_lead\":false,\"reassign\":false}");
  g_autoptr(DwTestStream) stream = dw_test_stream_open (server, server->admin_token, -1);
  g_autoptr(JsonObject) ticket = NULL;
  g_autofree char *path = NULL;
  gint64 id;
  guint met;

  id = create_ticket (server, "answered in time");
  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/comments", id);
  json_object_unref (dw_test_api_request (server, "POST", path,
                                          "{\"body\": \"已为您催促快递\", \"public\": true}", 201));

  met = wait_sla (stream, id, "first-response", "met");
  g_assert_cmpstr (json_object_get_string_member (message_data (stream, met), "before"), ==, "ok");

  /* Resolution still runs and breaches, without escalation (the policy has none). */
  wait_sla (stream, id, "resolution", "breached");
  g_assert_cmpuint (dw_test_count_events (stream, 0, "sla.escalated", id), ==, 0);
  g_assert_cmpuint (count_sla (stream, id, "at-risk"), ==, 1);

  ticket = get_ticket (server, id);
  g_assert_cmpstr (json_object_get_string_member (ticket, "priority"), ==, "normal");
  g_assert_cmpint (json_object_get_int_member (ticket, "escalation_level"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (sla_target (ticket, "first-response"), "state"),
                   ==, "met");
}

/* The due time of @target in a created ticket's reply, as seconds after its created_at. */
static gint64
due_after_created (JsonObject *ticket,
                   const char *target)
{
  g_autoptr(GDateTime) created = NULL;
  g_autoptr(GDateTime) due = NULL;

  created = g_date_time_new_from_iso8601 (json_object_get_string_member (ticket, "created_at"),
                                          NULL);
  due = g_date_time_new_from_iso8601 (json_object_get_string_member (sla_target (ticket, target),
                                                                     "due_at"), NULL);
  g_assert_nonnull (created);
  g_assert_nonnull (due);
  return g_date_time_difference (due, created) / G_TIME_SPAN_SECOND;
}

static JsonObject *
create_ticket_reply (DwTestServer *server,
                     const char   *subject)
{
  g_autofree char *json = g_strdup_printf ("{\"subject\": \"%s\", \"channel\": \"web\", "
                                           "\"business_type\": \"logistics\"}", subject);

  return dw_test_api_request (server, "POST", "/api/v1/tickets", json, 201);
}

/* The engine keeps the parsed policies and each team's calendar between creates (issue 13):
 * a change of either, by another connection or by the service itself (a team's calendar set
 * through the API), applies to the very next create. */
static void
test_settings_apply_at_once (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) third = NULL;
  g_autoptr(JsonObject) team = NULL;
  g_autoptr(GDateTime) created = NULL;
  g_autoptr(GDateTime) day = NULL;
  g_autoptr(GDateTime) open_again = NULL;
  g_autoptr(GDateTime) due = NULL;
  g_autofree char *holidays = NULL;
  g_autofree char *day1 = NULL;
  g_autofree char *day2 = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  gint64 closed_id;

  dw_test_server_stop (server);
  dw_test_server_exec_always_calendar (server);
  dw_test_server_exec (server, "INSERT INTO sla_policies (name, position, "
                       "first_response_minutes, resolution_minutes, at_risk_ratio, escalation) "
                       "VALUES ('Fast', 1, 20, 60, 0.5, "
                       "'{\"raise_priority\":false,\"notify_lead\":false,\"reassign\":false}')");
  dw_test_server_start (server, NULL);

  first = create_ticket_reply (server, "before any change");
  g_assert_cmpint (due_after_created (first, "first-response"), ==, 20 * 60);
  g_assert_cmpint (due_after_created (first, "resolution"), ==, 60 * 60);

  /* Another connection changes the policy, and adds a calendar closed on the day of the first
   * ticket and the next (UTC): whichever of them the next tickets are created on. */
  created = g_date_time_new_from_iso8601 (json_object_get_string_member (first, "created_at"),
                                          NULL);
  day = g_date_time_new_utc (g_date_time_get_year (created), g_date_time_get_month (created),
                             g_date_time_get_day_of_month (created), 0, 0, 0);
  day1 = g_date_time_format (day, "%Y-%m-%d");
  {
    g_autoptr(GDateTime) next = g_date_time_add_days (day, 1);

    day2 = g_date_time_format (next, "%Y-%m-%d");
  }
  open_again = g_date_time_add_days (day, 2);
  dw_test_server_exec (server, "UPDATE sla_policies SET first_response_minutes = 30 "
                       "WHERE name = 'Fast'");
  holidays = g_strdup_printf ("INSERT INTO calendars (name, timezone, week, holidays) VALUES "
                              "('Closed', 'UTC', '[[[0,1440]],[[0,1440]],[[0,1440]],[[0,1440]],"
                              "[[0,1440]],[[0,1440]],[[0,1440]]]', '[\"%s\",\"%s\"]')",
                              day1, day2);
  dw_test_server_exec (server, holidays);

  second = create_ticket_reply (server, "after the policy changed");
  g_assert_cmpint (due_after_created (second, "first-response"), ==, 30 * 60);
  g_assert_cmpint (due_after_created (second, "resolution"), ==, 60 * 60);

  /* The service itself sets the team's calendar: the next ticket's clock waits for it. */
  {
    g_autoptr(JsonObject) page = dw_test_api_request (server, "GET", "/api/v1/calendars", NULL,
                                                      200);
    JsonArray *items = json_object_get_array_member (page, "items");

    closed_id = 0;
    for (guint i = 0; i < json_array_get_length (items); i++)
      {
        JsonObject *calendar = json_array_get_object_element (items, i);

        if (g_strcmp0 (json_object_get_string_member (calendar, "name"), "Closed") == 0)
          closed_id = json_object_get_int_member (calendar, "id");
      }
    g_assert_cmpint (closed_id, >, 0);
  }
  path = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT, server->team_id);
  body = g_strdup_printf ("{\"calendar_id\": %" G_GINT64_FORMAT "}", closed_id);
  team = dw_test_api_request (server, "PATCH", path, body, 200);

  third = create_ticket_reply (server, "after the team's calendar changed");
  due = g_date_time_new_from_iso8601 (json_object_get_string_member (sla_target (third,
                                                                                 "first-response"),
                                                                     "due_at"), NULL);
  g_assert_nonnull (due);
  g_assert_cmpint (g_date_time_to_unix (due), ==, g_date_time_to_unix (open_again) + 30 * 60);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("DESKWATCH_HEARTBEAT_MS", "500", TRUE);

  g_test_add_func ("/sla-engine/breach", test_breach);
  g_test_add_func ("/sla-engine/reply-meets", test_reply_meets);
  g_test_add_func ("/sla-engine/settings-apply-at-once", test_settings_apply_at_once);

  return g_test_run ();
}
