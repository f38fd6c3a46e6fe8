/* JSON mapping of the model objects (src/core/dw-ticket.c and friends): round trips of the
 * docs/api.md examples, every kind of bad input with its exact message, and the in-place
 * updates that must notify only what changed. */
#include <string.h>

#include "dw-audit-event.h"
#include "dw-comment.h"
#include "dw-customer.h"
#include "dw-json.h"
#include "dw-sla.h"
#include "dw-sla-policy.h"
#include "dw-team.h"
#include "dw-ticket.h"
#include "dw-ticket-private.h"
#include "dw-user.h"

/* The examples of docs/api.md, with concrete times in place of "…". */
static const char ticket_json[] =
  "{\"id\": 10023, \"subject\": \"快递三天没动\", \"body\": \"订单的快递三天没有物流更新\","
  " \"channel\": \"wechat\", \"business_type\": \"logistics\", \"priority\": \"high\","
  " \"status\": \"open\", \"team_id\": 3, \"assignee_id\": 7, \"customer_id\": 31,"
  " \"order_number\": \"PDD20261121-889\", \"tags\": [\"vip\"],"
  " \"created_at\": \"2026-11-22T01:00:00Z\", \"updated_at\": \"2026-11-22T01:20:00Z\","
  " \"first_response_at\": null, \"solved_at\": null, \"version\": 4, \"escalation_level\": 0,"
  " \"sla_policy_id\": 2, \"sla_state\": \"at-risk\", \"next_sla_at\": \"2026-11-22T01:30:00Z\","
  " \"sla\": ["
  "  {\"target\": \"first-response\", \"state\": \"at-risk\", \"target_minutes\": 30,"
  "   \"elapsed_seconds\": 1412, \"at_risk_at\": \"2026-11-22T01:22:30Z\","
  "   \"due_at\": \"2026-11-22T01:30:00Z\", \"met_at\": null, \"paused_reason\": null},"
  "  {\"target\": \"resolution\", \"state\": \"ok\", \"target_minutes\": 480,"
  "   \"elapsed_seconds\": 1412, \"at_risk_at\": \"2026-11-22T07:00:00Z\","
  "   \"due_at\": \"2026-11-22T09:00:00Z\", \"met_at\": null, \"paused_reason\": null}],"
  " \"csat\": null, \"csat_comment\": null}";

static const char user_json[] =
  "{\"id\": 7, \"username\": \"li.na\", \"display_name\": \"李娜\", \"role\": \"agent\","
  " \"capacity\": 6, \"presence\": \"online\", \"presence_since\": \"2026-11-22T01:00:00Z\","
  " \"teams\": [{\"id\": 2, \"is_lead\": false}], \"skills\": [{\"skill\": \"returns\", \"level\": 4}],"
  " \"open_tickets\": 3}";

static const char team_json[] =
  "{\"id\": 2, \"name\": \"售后退换\", \"description\": \"Returns and refunds\", \"calendar_id\": 1,"
  " \"business_types\": [\"returns\", \"quality\"]}";

static const char customer_json[] =
  "{\"id\": 31, \"name\": \"王先生\", \"email\": null, \"phone\": \"13800000000\", \"tags\": [\"vip\"],"
  " \"created_at\": \"2026-11-01T08:00:00Z\"}";

static const char comment_json[] =
  "{\"id\": 55, \"ticket_id\": 10023, \"author_kind\": \"agent\", \"author_id\": 7, \"public\": true,"
  " \"body\": \"已为您催促快递\", \"created_at\": \"2026-11-22T01:25:00Z\"}";

static const char audit_json[] =
  "{\"id\": 901, \"at\": \"2026-11-22T01:00:05Z\", \"actor_id\": 7, \"entity\": \"ticket\","
  " \"entity_id\": 10023, \"action\": \"assigned\", \"field\": \"assignee_id\", \"before\": null,"
  " \"after\": 7,"
  " \"reason\": \"routing: online agent with skill logistics and most free capacity (4 of 6)\"}";

static const char policy_json[] =
  "{\"id\": 2, \"name\": \"VIP\", \"position\": 1, \"match_priorities\": [], \"match_tags\": [\"vip\"],"
  " \"match_channels\": [], \"match_business_types\": [], \"first_response_minutes\": 15,"
  " \"next_response_minutes\": 30, \"resolution_minutes\": 480, \"at_risk_ratio\": 0.75,"
  " \"escalation\": {\"raise_priority\": true, \"notify_lead\": true, \"reassign\": false}}";

/* An independent oracle for times: GLib's calendar, not the code under test. */
static gint64
utc (int year, int month, int day, int hour, int minute, int second)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (year, month, day, hour, minute, second);

  return g_date_time_to_unix (dt);
}

static JsonObject *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = dw_json_object_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (object);
  return object;
}

static void
assert_json_equal (JsonObject *actual,
                   const char *expected_text)
{
  g_autoptr(JsonObject) expected = parse (expected_text);
  g_autoptr(JsonNode) a = json_node_init_object (json_node_alloc (), actual);
  g_autoptr(JsonNode) e = json_node_init_object (json_node_alloc (), expected);

  if (!json_node_equal (a, e))
    {
      g_autofree char *a_text = json_to_string (a, TRUE);
      g_autofree char *e_text = json_to_string (e, TRUE);

      g_test_message ("expected %s\ngot %s", e_text, a_text);
      g_test_fail ();
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Round trips */

static void
test_ticket_round_trip (void)
{
  g_autoptr(JsonObject) object = parse (ticket_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(DwTicket) ticket = dw_ticket_new_from_json (object, &error);
  g_autoptr(JsonObject) back = NULL;
  const DwSlaTargetInfo *first;
  const DwSlaTargetInfo *sla;
  guint n_sla;
  DwPriority priority;
  g_auto(GStrv) tags = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (ticket);

  g_assert_cmpint (dw_ticket_get_id (ticket), ==, 10023);
  g_assert_cmpstr (dw_ticket_get_subject (ticket), ==, "快递三天没动");
  g_assert_cmpint (dw_ticket_get_channel (ticket), ==, DW_CHANNEL_WECHAT);
  g_assert_cmpstr (dw_ticket_get_business_type (ticket), ==, "logistics");
  g_assert_cmpint (dw_ticket_get_priority (ticket), ==, DW_PRIORITY_HIGH);
  g_assert_cmpint (dw_ticket_get_status (ticket), ==, DW_STATUS_OPEN);
  g_assert_cmpint (dw_ticket_get_team_id (ticket), ==, 3);
  g_assert_cmpint (dw_ticket_get_assignee_id (ticket), ==, 7);
  g_assert_cmpint (dw_ticket_get_customer_id (ticket), ==, 31);
  g_assert_cmpstr (dw_ticket_get_order_number (ticket), ==, "PDD20261121-889");
  g_assert_true (dw_ticket_has_tag (ticket, "vip"));
  g_assert_false (dw_ticket_has_tag (ticket, "new"));
  g_assert_cmpint (dw_ticket_get_created_at (ticket), ==, utc (2026, 11, 22, 1, 0, 0));
  g_assert_cmpint (dw_ticket_get_updated_at (ticket), ==, utc (2026, 11, 22, 1, 20, 0));
  g_assert_cmpint (dw_ticket_get_first_response_at (ticket), ==, 0);
  g_assert_cmpint (dw_ticket_get_solved_at (ticket), ==, 0);
  g_assert_cmpint (dw_ticket_get_version (ticket), ==, 4);
  g_assert_cmpint (dw_ticket_get_escalation_level (ticket), ==, 0);
  g_assert_cmpint (dw_ticket_get_sla_policy_id (ticket), ==, 2);
  g_assert_cmpint (dw_ticket_get_sla_state (ticket), ==, DW_SLA_STATE_AT_RISK);
  g_assert_cmpint (dw_ticket_get_next_sla_at (ticket), ==, utc (2026, 11, 22, 1, 30, 0));
  g_assert_cmpint (dw_ticket_get_csat (ticket), ==, 0);
  g_assert_null (dw_ticket_get_csat_comment (ticket));

  sla = dw_ticket_get_sla (ticket, &n_sla);
  g_assert_cmpuint (n_sla, ==, 2);
  first = dw_ticket_get_sla_target (ticket, DW_SLA_TARGET_FIRST_RESPONSE);
  g_assert_true (first == &sla[0]);
  g_assert_cmpint (first->state, ==, DW_SLA_STATE_AT_RISK);
  g_assert_cmpint (first->target_minutes, ==, 30);
  g_assert_cmpint (first->elapsed_seconds, ==, 1412);
  g_assert_cmpint (first->at_risk_at, ==, utc (2026, 11, 22, 1, 22, 30));
  g_assert_cmpint (first->due_at, ==, utc (2026, 11, 22, 1, 30, 0));
  g_assert_cmpint (first->met_at, ==, 0);
  g_assert_cmpint (first->paused_reason, ==, DW_SLA_PAUSE_NONE);
  g_assert_null (dw_sla_target_info_get_paused_reason (first));
  g_assert_null (dw_ticket_get_sla_target (ticket, DW_SLA_TARGET_NEXT_RESPONSE));

  /* Derived: the first-response deadline is the earlier running one. */
  g_assert_cmpint (dw_ticket_get_next_sla_deadline (ticket), ==, utc (2026, 11, 22, 1, 30, 0));
  g_assert_cmpint (dw_ticket_get_waiting_since (ticket), ==, utc (2026, 11, 22, 1, 0, 0));
  g_assert_true (dw_ticket_is_active (ticket));

  /* Properties carry the same values, for <lookup> bindings. */
  g_object_get (ticket, "priority", &priority, "tags", &tags, NULL);
  g_assert_cmpint (priority, ==, DW_PRIORITY_HIGH);
  g_assert_cmpstrv (tags, ((const char * const[]) { "vip", NULL }));

  back = dw_ticket_to_json (ticket);
  assert_json_equal (back, ticket_json);
}

static void
test_ticket_minimal (void)
{
  g_autoptr(JsonObject) object = parse (
    "{\"id\": 1, \"subject\": \"在吗\", \"channel\": \"web\", \"priority\": \"normal\","
    " \"status\": \"new\", \"created_at\": \"2026-11-22T09:00:00+08:00\","
    " \"updated_at\": \"2026-11-22T01:00:00Z\", \"version\": 1}");
  g_autoptr(GError) error = NULL;
  g_autoptr(DwTicket) ticket = dw_ticket_new_from_json (object, &error);
  g_autoptr(JsonObject) back = NULL;
  guint n_sla;

  g_assert_no_error (error);
  /* A zone other than Z is understood; absent optional members are null or empty. */
  g_assert_cmpint (dw_ticket_get_created_at (ticket), ==, utc (2026, 11, 22, 1, 0, 0));
  g_assert_cmpstr (dw_ticket_get_body (ticket), ==, "");
  g_assert_null (dw_ticket_get_business_type (ticket));
  g_assert_cmpint (dw_ticket_get_assignee_id (ticket), ==, 0);
  g_assert_nonnull (dw_ticket_get_tags (ticket));
  g_assert_null (dw_ticket_get_tags (ticket)[0]);
  g_assert_null (dw_ticket_get_sla (ticket, &n_sla));
  g_assert_cmpuint (n_sla, ==, 0);
  g_assert_cmpint (dw_ticket_get_next_sla_deadline (ticket), ==, 0);

  back = dw_ticket_to_json (ticket);
  assert_json_equal (back,
    "{\"id\": 1, \"subject\": \"在吗\", \"body\": \"\", \"channel\": \"web\", \"business_type\": null,"
    " \"priority\": \"normal\", \"status\": \"new\", \"team_id\": null, \"assignee_id\": null,"
    " \"customer_id\": null, \"order_number\": null, \"tags\": [],"
    " \"created_at\": \"2026-11-22T01:00:00Z\", \"updated_at\": \"2026-11-22T01:00:00Z\","
    " \"first_response_at\": null, \"solved_at\": null, \"version\": 1, \"escalation_level\": 0,"
    " \"sla_policy_id\": null, \"sla_state\": \"none\", \"next_sla_at\": null, \"sla\": [],"
    " \"csat\": null, \"csat_comment\": null}");
}

static void
test_user_round_trip (void)
{
  g_autoptr(JsonObject) object = parse (user_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(DwUser) user = dw_user_new_from_json (object, &error);
  g_autoptr(JsonObject) back = NULL;
  GArray *teams, *skills;

  g_assert_no_error (error);
  g_assert_cmpint (dw_user_get_id (user), ==, 7);
  g_assert_cmpstr (dw_user_get_username (user), ==, "li.na");
  g_assert_cmpstr (dw_user_get_display_name (user), ==, "李娜");
  g_assert_cmpint (dw_user_get_role (user), ==, DW_ROLE_AGENT);
  g_assert_cmpint (dw_user_get_capacity (user), ==, 6);
  g_assert_cmpint (dw_user_get_presence (user), ==, DW_PRESENCE_ONLINE);
  g_assert_cmpint (dw_user_get_presence_since (user), ==, utc (2026, 11, 22, 1, 0, 0));
  g_assert_cmpint (dw_user_get_open_tickets (user), ==, 3);
  g_assert_cmpint (dw_user_get_free_capacity (user), ==, 3);

  teams = dw_user_get_teams (user);
  g_assert_cmpuint (teams->len, ==, 1);
  g_assert_cmpint (g_array_index (teams, DwUserTeam, 0).team_id, ==, 2);
  g_assert_false (g_array_index (teams, DwUserTeam, 0).is_lead);
  g_assert_true (dw_user_is_in_team (user, 2));
  g_assert_false (dw_user_is_in_team (user, 3));
  g_assert_false (dw_user_is_lead_of (user, 2));

  skills = dw_user_get_skills (user);
  g_assert_cmpuint (skills->len, ==, 1);
  g_assert_cmpstr (g_array_index (skills, DwUserSkill, 0).skill, ==, "returns");
  g_assert_cmpint (dw_user_get_skill_level (user, "returns"), ==, 4);
  g_assert_cmpint (dw_user_get_skill_level (user, "logistics"), ==, 0);

  back = dw_user_to_json (user);
  assert_json_equal (back, user_json);
}

static void
test_team_round_trip (void)
{
  g_autoptr(JsonObject) object = parse (team_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(DwTeam) team = dw_team_new_from_json (object, &error);
  g_autoptr(JsonObject) back = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (dw_team_get_id (team), ==, 2);
  g_assert_cmpstr (dw_team_get_name (team), ==, "售后退换");
  g_assert_cmpstr (dw_team_get_description (team), ==, "Returns and refunds");
  g_assert_cmpint (dw_team_get_calendar_id (team), ==, 1);
  g_assert_cmpstrv (dw_team_get_business_types (team),
                    ((const char * const[]) { "returns", "quality", NULL }));
  g_assert_true (dw_team_handles_business_type (team, "quality"));
  g_assert_false (dw_team_handles_business_type (team, "logistics"));

  back = dw_team_to_json (team);
  assert_json_equal (back, team_json);
}

static void
test_customer_round_trip (void)
{
  g_autoptr(JsonObject) object = parse (customer_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(DwCustomer) customer = dw_customer_new_from_json (object, &error);
  g_autoptr(JsonObject) back = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (dw_customer_get_id (customer), ==, 31);
  g_assert_cmpstr (dw_customer_get_name (customer), ==, "王先生");
  g_assert_null (dw_customer_get_email (customer));
  g_assert_cmpstr (dw_customer_get_phone (customer), ==, "13800000000");
  g_assert_cmpint (dw_customer_get_created_at (customer), ==, utc (2026, 11, 1, 8, 0, 0));
  g_assert_true (dw_customer_is_vip (customer));

  back = dw_customer_to_json (customer);
  assert_json_equal (back, customer_json);
}

static void
test_comment_round_trip (void)
{
  g_autoptr(JsonObject) object = parse (comment_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(DwComment) comment = dw_comment_new_from_json (object, &error);
  g_autoptr(JsonObject) back = NULL;
  gboolean is_public = FALSE;

  g_assert_no_error (error);
  g_assert_cmpint (dw_comment_get_id (comment), ==, 55);
  g_assert_cmpint (dw_comment_get_ticket_id (comment), ==, 10023);
  g_assert_cmpint (dw_comment_get_author_kind (comment), ==, DW_AUTHOR_AGENT);
  g_assert_cmpint (dw_comment_get_author_id (comment), ==, 7);
  g_assert_true (dw_comment_get_is_public (comment));
  g_object_get (comment, "public", &is_public, NULL);
  g_assert_true (is_public);
  g_assert_cmpstr (dw_comment_get_body (comment), ==, "已为您催促快递");
  g_assert_cmpint (dw_comment_get_created_at (comment), ==, utc (2026, 11, 22, 1, 25, 0));

  back = dw_comment_to_json (comment);
  assert_json_equal (back, comment_json);
}

static void
test_audit_round_trip (void)
{
  g_autoptr(JsonObject) object = parse (audit_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(DwAuditEvent) event = dw_audit_event_new_from_json (object, &error);
  g_autoptr(JsonObject) back = NULL;
  g_autoptr(JsonObject) system_object = NULL;
  g_autoptr(DwAuditEvent) system_event = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (dw_audit_event_get_id (event), ==, 901);
  g_assert_cmpint (dw_audit_event_get_at (event), ==, utc (2026, 11, 22, 1, 0, 5));
  g_assert_cmpint (dw_audit_event_get_actor_id (event), ==, 7);
  g_assert_cmpstr (dw_audit_event_get_entity (event), ==, "ticket");
  g_assert_cmpint (dw_audit_event_get_entity_id (event), ==, 10023);
  g_assert_cmpstr (dw_audit_event_get_action (event), ==, "assigned");
  g_assert_cmpstr (dw_audit_event_get_field (event), ==, "assignee_id");
  g_assert_true (JSON_NODE_HOLDS_NULL (dw_audit_event_get_before (event)));
  g_assert_cmpint (json_node_get_int (dw_audit_event_get_after (event)), ==, 7);
  g_assert_cmpstr (dw_audit_event_get_before_text (event), ==, "null");
  g_assert_cmpstr (dw_audit_event_get_after_text (event), ==, "7");
  g_assert_cmpstr (dw_audit_event_get_reason (event), ==,
                   "routing: online agent with skill logistics and most free capacity (4 of 6)");

  back = dw_audit_event_to_json (event);
  assert_json_equal (back, audit_json);

  /* The system acts without an actor; before/after may be any JSON value. */
  system_object = parse ("{\"id\": 902, \"at\": \"2026-11-22T01:40:00Z\", \"actor_id\": null,"
                         " \"entity\": \"ticket\", \"entity_id\": 10023, \"action\": \"updated\","
                         " \"field\": \"tags\", \"before\": [\"vip\"], \"after\": [\"vip\", \"急\"],"
                         " \"reason\": null}");
  system_event = dw_audit_event_new_from_json (system_object, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dw_audit_event_get_actor_id (system_event), ==, 0);
  g_assert_cmpstr (dw_audit_event_get_after_text (system_event), ==, "[\"vip\",\"急\"]");
  g_assert_null (dw_audit_event_get_reason (system_event));
}

static void
test_policy_round_trip (void)
{
  g_autoptr(JsonObject) object = parse (policy_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(DwSlaPolicy) policy = dw_sla_policy_new_from_json (object, &error);
  g_autoptr(JsonObject) back = NULL;
  g_autoptr(JsonObject) minimal_object = NULL;
  g_autoptr(DwSlaPolicy) minimal = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (dw_sla_policy_get_id (policy), ==, 2);
  g_assert_cmpstr (dw_sla_policy_get_name (policy), ==, "VIP");
  g_assert_cmpint (dw_sla_policy_get_position (policy), ==, 1);
  g_assert_cmpstrv (dw_sla_policy_get_match_tags (policy), ((const char * const[]) { "vip", NULL }));
  g_assert_null (dw_sla_policy_get_match_priorities (policy)[0]);
  g_assert_cmpint (dw_sla_policy_get_first_response_minutes (policy), ==, 15);
  g_assert_cmpint (dw_sla_policy_get_target_minutes (policy, DW_SLA_TARGET_NEXT_RESPONSE), ==, 30);
  g_assert_cmpint (dw_sla_policy_get_resolution_minutes (policy), ==, 480);
  g_assert_cmpfloat (dw_sla_policy_get_at_risk_ratio (policy), ==, 0.75);
  g_assert_true (dw_sla_policy_get_raise_priority (policy));
  g_assert_true (dw_sla_policy_get_notify_lead (policy));
  g_assert_false (dw_sla_policy_get_reassign (policy));

  back = dw_sla_policy_to_json (policy);
  assert_json_equal (back, policy_json);

  /* Defaults of the schema for what is left out; a null target means none. */
  minimal_object = parse ("{\"id\": 3, \"name\": \"Default\", \"position\": 9,"
                          " \"match_channels\": [\"phone\", \"wechat\"], \"first_response_minutes\": null,"
                          " \"resolution_minutes\": 1440}");
  minimal = dw_sla_policy_new_from_json (minimal_object, &error);
  g_assert_no_error (error);
  g_clear_pointer (&back, json_object_unref);
  back = dw_sla_policy_to_json (minimal);
  assert_json_equal (back,
    "{\"id\": 3, \"name\": \"Default\", \"position\": 9, \"match_priorities\": [], \"match_tags\": [],"
    " \"match_channels\": [\"phone\", \"wechat\"], \"match_business_types\": [],"
    " \"first_response_minutes\": null, \"next_response_minutes\": null,"
    " \"resolution_minutes\": 1440, \"at_risk_ratio\": 0.75,"
    " \"escalation\": {\"raise_priority\": true, \"notify_lead\": true, \"reassign\": false}}");
}

/* ------------------------------------------------------------------------------------------ */
/* Times */

static gboolean
read_time (const char  *text,
           gint64      *t,
           GError     **error)
{
  g_autoptr(JsonObject) object = json_object_new ();

  json_object_set_string_member (object, "at", text);
  return dw_json_get_time (object, "at", DW_JSON_REQUIRED, t, error);
}

static void
test_times (void)
{
  const char *invalid[] = {
    "2025-02-29T00:00:00Z", "2026-04-31T10:00:00Z", "2026-11-22T24:00:00Z",
    "2026-11-22T10:60:00Z", "2026-00-10T10:00:00Z", "2026-11-22t10:00:00", "20261122T100000",
    "2026-11-22T10:00:0xZ", "0000-01-01T00:00:00Z", "",
  };
  gint64 t = 0;

  /* Against GLib's calendar over 1970..2105, leap years and month ends included. */
  for (gint64 s = 0; s < G_GINT64_CONSTANT (4260000000); s += 86400 * 7 + 3607)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (s);
      g_autofree char *text = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
      g_autoptr(GError) error = NULL;

      g_assert_true (read_time (text, &t, &error));
      g_assert_no_error (error);
      g_assert_cmpint (t, ==, s);
    }

  g_assert_true (read_time ("2024-02-29T23:59:59Z", &t, NULL));
  g_assert_cmpint (t, ==, utc (2024, 2, 29, 23, 59, 59));
  g_assert_true (read_time ("2000-02-29T00:00:00Z", &t, NULL));
  g_assert_cmpint (t, ==, utc (2000, 2, 29, 0, 0, 0));
  g_assert_true (read_time ("2026-12-31T23:59:59Z", &t, NULL));
  g_assert_cmpint (t, ==, utc (2026, 12, 31, 23, 59, 59));
  /* Other shapes with a zone are still understood. */
  g_assert_true (read_time ("2026-11-22T18:30:00+08:00", &t, NULL));
  g_assert_cmpint (t, ==, utc (2026, 11, 22, 10, 30, 0));
  g_assert_true (read_time ("2026-11-22T10:30:00.250Z", &t, NULL));
  g_assert_cmpint (t, ==, utc (2026, 11, 22, 10, 30, 0));

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("invalid: %s", invalid[i]);
      g_assert_false (read_time (invalid[i], &t, &error));
      g_assert_error (error, DW_JSON_ERROR, DW_JSON_ERROR_VALUE);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Bad input */

typedef enum
{
  KIND_TICKET,
  KIND_USER,
  KIND_TEAM,
  KIND_CUSTOMER,
  KIND_COMMENT,
  KIND_AUDIT,
  KIND_POLICY,
} Kind;

typedef struct
{
  Kind        kind;
  const char *member;   /* replaced in the fixture */
  const char *value;    /* JSON text of the new value; NULL removes the member */
  int         code;     /* DwJsonError */
  const char *message;
} BadCase;

static const BadCase bad_cases[] = {
  /* unknown enum values */
  { KIND_TICKET, "priority", "\"asap\"", DW_JSON_ERROR_VALUE,
    "priority: \"asap\" is not one of low, normal, high, urgent" },
  { KIND_TICKET, "status", "\"on_hold\"", DW_JSON_ERROR_VALUE,
    "status: \"on_hold\" is not one of new, open, pending, on-hold, solved, closed" },
  { KIND_TICKET, "channel", "\"fax\"", DW_JSON_ERROR_VALUE,
    "channel: \"fax\" is not one of web, app, wechat, weibo, phone, email" },
  { KIND_TICKET, "sla_state", "\"late\"", DW_JSON_ERROR_VALUE,
    "sla_state: \"late\" is not one of none, met, paused, ok, at-risk, breached" },
  { KIND_USER, "role", "\"boss\"", DW_JSON_ERROR_VALUE,
    "role: \"boss\" is not one of agent, lead, admin" },
  { KIND_USER, "presence", "\"busy\"", DW_JSON_ERROR_VALUE,
    "presence: \"busy\" is not one of offline, away, online" },
  { KIND_COMMENT, "author_kind", "\"bot\"", DW_JSON_ERROR_VALUE,
    "author_kind: \"bot\" is not one of agent, customer, system" },
  { KIND_POLICY, "match_priorities", "[\"high\", \"asap\"]", DW_JSON_ERROR_VALUE,
    "match_priorities[1]: \"asap\" is not one of low, normal, high, urgent" },
  { KIND_POLICY, "match_channels", "[\"fax\"]", DW_JSON_ERROR_VALUE,
    "match_channels[0]: \"fax\" is not one of web, app, wechat, weibo, phone, email" },
  { KIND_TICKET, "sla", "[{\"target\": \"first-response\", \"state\": \"late\", \"target_minutes\": 30}]",
    DW_JSON_ERROR_VALUE, "sla[0].state: \"late\" is not one of none, met, paused, ok, at-risk, breached" },
  { KIND_TICKET, "sla", "[{\"target\": \"first-response\", \"state\": \"paused\", \"target_minutes\": 30,"
    " \"paused_reason\": \"lunch\"}]",
    DW_JSON_ERROR_VALUE, "sla[0].paused_reason: \"lunch\" is not one of pending, outside-hours" },

  /* wrong types */
  { KIND_TICKET, "priority", "3", DW_JSON_ERROR_TYPE, "priority: expected a string, got a number" },
  { KIND_TICKET, "id", "\"10023\"", DW_JSON_ERROR_TYPE, "id: expected an integer, got a string" },
  { KIND_TICKET, "id", "1.5", DW_JSON_ERROR_TYPE, "id: expected an integer, got 1.5" },
  { KIND_TICKET, "subject", "null", DW_JSON_ERROR_TYPE, "subject: expected a string, got null" },
  { KIND_TICKET, "subject", "[\"a\"]", DW_JSON_ERROR_TYPE, "subject: expected a string, got an array" },
  { KIND_TICKET, "team_id", "true", DW_JSON_ERROR_TYPE, "team_id: expected an integer, got a boolean" },
  { KIND_TICKET, "tags", "\"vip\"", DW_JSON_ERROR_TYPE, "tags: expected an array of strings, got a string" },
  { KIND_TICKET, "tags", "[\"vip\", 1]", DW_JSON_ERROR_TYPE, "tags[1]: expected a string, got a number" },
  { KIND_TICKET, "first_response_at", "1763773200", DW_JSON_ERROR_TYPE,
    "first_response_at: expected an ISO 8601 time, got a number" },
  { KIND_TICKET, "sla", "{}", DW_JSON_ERROR_TYPE, "sla: expected an array, got an object" },
  { KIND_TICKET, "sla", "[7]", DW_JSON_ERROR_TYPE, "sla[0]: expected an object, got a number" },
  { KIND_USER, "teams", "[{\"id\": 2, \"is_lead\": \"no\"}]", DW_JSON_ERROR_TYPE,
    "teams[0].is_lead: expected a boolean, got a string" },
  { KIND_TEAM, "business_types", "[\"returns\", null]", DW_JSON_ERROR_TYPE,
    "business_types[1]: expected a string, got null" },
  { KIND_CUSTOMER, "email", "5", DW_JSON_ERROR_TYPE, "email: expected a string, got a number" },
  { KIND_COMMENT, "public", "\"yes\"", DW_JSON_ERROR_TYPE, "public: expected a boolean, got a string" },
  { KIND_AUDIT, "entity_id", "{\"id\": 1}", DW_JSON_ERROR_TYPE,
    "entity_id: expected an integer, got an object" },
  { KIND_POLICY, "escalation", "{\"reassign\": \"no\"}", DW_JSON_ERROR_TYPE,
    "escalation.reassign: expected a boolean, got a string" },
  { KIND_POLICY, "at_risk_ratio", "\"75%\"", DW_JSON_ERROR_TYPE,
    "at_risk_ratio: expected a number, got a string" },

  /* values out of range */
  { KIND_TICKET, "id", "0", DW_JSON_ERROR_VALUE, "id: expected a positive integer, got 0" },
  { KIND_TICKET, "assignee_id", "-7", DW_JSON_ERROR_VALUE, "assignee_id: expected a positive integer, got -7" },
  { KIND_TICKET, "csat", "6", DW_JSON_ERROR_VALUE, "csat: 6 is out of range (0..5)" },
  { KIND_TICKET, "csat", "0", DW_JSON_ERROR_VALUE, "csat: expected a positive integer, got 0" },
  { KIND_TICKET, "escalation_level", "99999999999", DW_JSON_ERROR_VALUE,
    "escalation_level: 99999999999 is out of range" },
  { KIND_USER, "capacity", "-1", DW_JSON_ERROR_VALUE, "capacity: -1 is out of range (0..2147483647)" },
  /* A console keeps a ticket's times and the ids of other things in 32 bits (issue 13's
   * memory). */
  { KIND_TICKET, "team_id", "4294967296", DW_JSON_ERROR_VALUE,
    "team_id: 4294967296 is out of range (0..4294967295)" },
  { KIND_TICKET, "customer_id", "9007199254740993", DW_JSON_ERROR_VALUE,
    "customer_id: 9007199254740993 is out of range (0..4294967295)" },
  { KIND_TICKET, "created_at", "\"2106-02-07T06:28:16Z\"", DW_JSON_ERROR_VALUE,
    "created_at: 4294967296 is out of range (1970 to 2106)" },
  { KIND_TICKET, "solved_at", "\"1969-12-31T23:59:59Z\"", DW_JSON_ERROR_VALUE,
    "solved_at: -1 is out of range (1970 to 2106)" },
  { KIND_TICKET, "sla", "[{\"target\": \"resolution\", \"state\": \"ok\", \"target_minutes\": 480,"
    " \"due_at\": \"2106-02-07T06:28:16Z\"}]", DW_JSON_ERROR_VALUE,
    "sla[0].due_at: 4294967296 is out of range (1970 to 2106)" },
  { KIND_TICKET, "sla", "[{\"target\": \"resolution\", \"state\": \"ok\", \"target_minutes\": 480,"
    " \"elapsed_seconds\": 4294967296}]", DW_JSON_ERROR_VALUE,
    "sla[0].elapsed_seconds: 4294967296 is out of range (1970 to 2106)" },
  { KIND_USER, "skills", "[{\"skill\": \"returns\", \"level\": 9}]", DW_JSON_ERROR_VALUE,
    "skills[0].level: 9 is out of range (1..5)" },
  { KIND_POLICY, "at_risk_ratio", "1.5", DW_JSON_ERROR_VALUE, "at_risk_ratio: 1.5 is not between 0 and 1" },
  { KIND_POLICY, "first_response_minutes", "0", DW_JSON_ERROR_VALUE,
    "first_response_minutes: expected a positive integer, got 0" },

  /* invalid times */
  { KIND_TICKET, "created_at", "\"yesterday\"", DW_JSON_ERROR_VALUE,
    "created_at: \"yesterday\" is not an ISO 8601 time" },
  { KIND_TICKET, "updated_at", "\"2026-11-22T10:43:12\"", DW_JSON_ERROR_VALUE,
    "updated_at: \"2026-11-22T10:43:12\" is not an ISO 8601 time" },
  { KIND_TICKET, "solved_at", "\"2026-13-01T00:00:00Z\"", DW_JSON_ERROR_VALUE,
    "solved_at: \"2026-13-01T00:00:00Z\" is not an ISO 8601 time" },
  { KIND_TICKET, "sla", "[{\"target\": \"resolution\", \"state\": \"ok\", \"target_minutes\": 480,"
    " \"due_at\": \"soon\"}]", DW_JSON_ERROR_VALUE, "sla[0].due_at: \"soon\" is not an ISO 8601 time" },
  { KIND_USER, "presence_since", "\"\"", DW_JSON_ERROR_VALUE,
    "presence_since: \"\" is not an ISO 8601 time" },
  { KIND_CUSTOMER, "created_at", "\"2026-11-01\"", DW_JSON_ERROR_VALUE,
    "created_at: \"2026-11-01\" is not an ISO 8601 time" },
  { KIND_AUDIT, "at", "\"2026-11-22T25:00:00Z\"", DW_JSON_ERROR_VALUE,
    "at: \"2026-11-22T25:00:00Z\" is not an ISO 8601 time" },

  /* missing members */
  { KIND_TICKET, "subject", NULL, DW_JSON_ERROR_MISSING, "subject: missing" },
  { KIND_TICKET, "version", NULL, DW_JSON_ERROR_MISSING, "version: missing" },
  { KIND_TICKET, "sla", "[{\"state\": \"ok\", \"target_minutes\": 30}]", DW_JSON_ERROR_MISSING,
    "sla[0].target: missing" },
  { KIND_USER, "username", NULL, DW_JSON_ERROR_MISSING, "username: missing" },
  { KIND_USER, "teams", "[{\"is_lead\": true}]", DW_JSON_ERROR_MISSING, "teams[0].id: missing" },
  { KIND_TEAM, "calendar_id", NULL, DW_JSON_ERROR_MISSING, "calendar_id: missing" },
  { KIND_CUSTOMER, "created_at", NULL, DW_JSON_ERROR_MISSING, "created_at: missing" },
  { KIND_COMMENT, "body", NULL, DW_JSON_ERROR_MISSING, "body: missing" },
  { KIND_AUDIT, "action", NULL, DW_JSON_ERROR_MISSING, "action: missing" },
  { KIND_POLICY, "name", NULL, DW_JSON_ERROR_MISSING, "name: missing" },
};

static const char *
fixture_of (Kind kind)
{
  switch (kind)
    {
    case KIND_TICKET: return ticket_json;
    case KIND_USER: return user_json;
    case KIND_TEAM: return team_json;
    case KIND_CUSTOMER: return customer_json;
    case KIND_COMMENT: return comment_json;
    case KIND_AUDIT: return audit_json;
    case KIND_POLICY: return policy_json;
    default: g_assert_not_reached ();
    }
}

/* Builds the object of @kind from @object; NULL and @error on failure. */
static GObject *
new_from_json (Kind         kind,
               JsonObject  *object,
               GError     **error)
{
  switch (kind)
    {
    case KIND_TICKET: return (GObject *) dw_ticket_new_from_json (object, error);
    case KIND_USER: return (GObject *) dw_user_new_from_json (object, error);
    case KIND_TEAM: return (GObject *) dw_team_new_from_json (object, error);
    case KIND_CUSTOMER: return (GObject *) dw_customer_new_from_json (object, error);
    case KIND_COMMENT: return (GObject *) dw_comment_new_from_json (object, error);
    case KIND_AUDIT: return (GObject *) dw_audit_event_new_from_json (object, error);
    case KIND_POLICY: return (GObject *) dw_sla_policy_new_from_json (object, error);
    default: g_assert_not_reached ();
    }
}

static void
test_bad_input (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      const BadCase *c = &bad_cases[i];
      g_autoptr(JsonObject) object = parse (fixture_of (c->kind));
      g_autoptr(GError) error = NULL;
      g_autoptr(GObject) result = NULL;

      g_test_message ("case %u: %s = %s", i, c->member, c->value ? c->value : "(removed)");
      g_assert_true (json_object_has_member (object, c->member) || c->value != NULL);

      if (c->value == NULL)
        json_object_remove_member (object, c->member);
      else
        {
          g_autofree char *wrapped = g_strdup_printf ("{\"v\": %s}", c->value);
          g_autoptr(JsonObject) holder = parse (wrapped);

          json_object_set_member (object, c->member,
                                  json_node_copy (json_object_get_member (holder, "v")));
        }

      result = new_from_json (c->kind, object, &error);
      g_assert_null (result);
      g_assert_error (error, DW_JSON_ERROR, c->code);
      g_assert_cmpstr (error->message, ==, c->message);
    }
}

static void
test_bad_fixtures_are_good (void)
{
  /* The fixtures themselves parse, so each bad case fails for its one change. */
  for (Kind kind = KIND_TICKET; kind <= KIND_POLICY; kind++)
    {
      g_autoptr(JsonObject) object = parse (fixture_of (kind));
      g_autoptr(GError) error = NULL;
      g_autoptr(GObject) result = new_from_json (kind, object, &error);

      g_assert_no_error (error);
      g_assert_nonnull (result);
    }
}

static void
test_long_value_quoted_short (void)
{
  g_autoptr(JsonObject) object = parse (ticket_json);
  g_autoptr(GString) value = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DwTicket) ticket = NULL;

  for (guint i = 0; i < 1000; i++)
    g_string_append (value, "急");
  json_object_set_string_member (object, "priority", value->str);

  ticket = dw_ticket_new_from_json (object, &error);
  g_assert_null (ticket);
  g_assert_error (error, DW_JSON_ERROR, DW_JSON_ERROR_VALUE);
  /* 40 characters and an ellipsis, not a thousand. */
  g_assert_cmpuint (g_utf8_strlen (error->message, -1), <, 120);
  g_assert_true (g_str_has_prefix (error->message, "priority: \"急急急"));
  g_assert_nonnull (strstr (error->message, "…\" is not one of low, normal, high, urgent"));
}

static void
test_check_members (void)
{
  g_autoptr(JsonObject) object = parse ("{\"priority\": \"high\", \"priorty\": \"low\"}");
  const char * const allowed[] = { "priority", "status", NULL };
  g_autoptr(GError) error = NULL;

  g_assert_false (dw_json_check_members (object, allowed, &error));
  g_assert_error (error, DW_JSON_ERROR, DW_JSON_ERROR_UNKNOWN);
  g_assert_cmpstr (error->message, ==, "priorty: unknown member");

  json_object_remove_member (object, "priorty");
  g_clear_error (&error);
  g_assert_true (dw_json_check_members (object, allowed, &error));
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------------------------------ */
/* In-place updates */

typedef struct
{
  GPtrArray *names;  /* of the notified properties, in order */
} NotifyLog;

static void
object_notified_cb (GObject    *object,
                    GParamSpec *pspec,
                    NotifyLog  *log)
{
  g_ptr_array_add (log->names, g_strdup (pspec->name));
}

static void
notify_log_watch (NotifyLog *log,
                  gpointer   object)
{
  log->names = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (object, "notify", G_CALLBACK (object_notified_cb), log);
}

/* Asserts that exactly @expected (NULL-terminated, any order) were notified, each once, and
 * forgets them. */
static void
notify_log_assert (NotifyLog          *log,
                   const char * const *expected)
{
  guint n_expected = g_strv_length ((char **) expected);
  g_autoptr(GString) got = g_string_new (NULL);

  for (guint i = 0; i < log->names->len; i++)
    g_string_append_printf (got, "%s ", (char *) g_ptr_array_index (log->names, i));
  g_test_message ("notified: %s", got->str);

  g_assert_cmpuint (log->names->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    {
      guint count = 0;

      for (guint j = 0; j < log->names->len; j++)
        count += g_str_equal (g_ptr_array_index (log->names, j), expected[i]);
      g_assert_cmpuint (count, ==, 1);
    }
  g_ptr_array_set_size (log->names, 0);
}

static void
notify_log_clear (NotifyLog *log)
{
  g_clear_pointer (&log->names, g_ptr_array_unref);
}

static void
update_ticket (DwTicket   *ticket,
               const char *text)
{
  g_autoptr(JsonObject) object = parse (text);
  g_autoptr(GError) error = NULL;

  g_assert_true (dw_ticket_update_from_json (ticket, object, &error));
  g_assert_no_error (error);
}

static void
test_ticket_update_notifies_changes (void)
{
  g_autoptr(JsonObject) object = parse (ticket_json);
  g_autoptr(DwTicket) ticket = dw_ticket_new_from_json (object, NULL);
  NotifyLog log;

  notify_log_watch (&log, ticket);

  /* The same ticket again, as a stream event that changed nothing we keep. */
  update_ticket (ticket, ticket_json);
  notify_log_assert (&log, (const char * const[]) { NULL });

  /* A partial update touches only what it carries. */
  update_ticket (ticket, "{\"id\": 10023, \"priority\": \"urgent\"}");
  notify_log_assert (&log, (const char * const[]) { "priority", NULL });
  g_assert_cmpint (dw_ticket_get_priority (ticket), ==, DW_PRIORITY_URGENT);

  /* The agent asks the customer; the whole ticket comes back with a few changes. */
  {
    g_autoptr(JsonObject) changed = parse (ticket_json);

    json_object_set_string_member (changed, "priority", "urgent");
    json_object_set_string_member (changed, "status", "pending");
    json_object_set_int_member (changed, "version", 5);
    json_object_set_string_member (changed, "updated_at", "2026-11-22T01:26:00Z");
    json_object_set_string_member (changed, "first_response_at", "2026-11-22T01:26:00Z");
    g_assert_true (dw_ticket_update_from_json (ticket, changed, NULL));
  }
  /* waiting-since follows status: a pending ticket waits on the customer, not on us. */
  notify_log_assert (&log, (const char * const[]) { "status", "version", "updated-at",
                                                    "first-response-at", "waiting-since", NULL });
  g_assert_cmpint (dw_ticket_get_waiting_since (ticket), ==, 0);
  g_assert_cmpint (dw_ticket_get_first_response_at (ticket), ==, utc (2026, 11, 22, 1, 26, 0));

  /* Nulls clear; tags compare by content. */
  update_ticket (ticket, "{\"assignee_id\": null, \"tags\": [\"vip\"], \"order_number\": null}");
  notify_log_assert (&log, (const char * const[]) { "assignee-id", "order-number", NULL });
  g_assert_cmpint (dw_ticket_get_assignee_id (ticket), ==, 0);
  g_assert_null (dw_ticket_get_order_number (ticket));

  update_ticket (ticket, "{\"tags\": [\"vip\", \"urgent\"]}");
  notify_log_assert (&log, (const char * const[]) { "tags", NULL });

  /* Solving ends the wait and the activity. */
  update_ticket (ticket, "{\"status\": \"solved\", \"solved_at\": \"2026-11-22T02:00:00Z\"}");
  notify_log_assert (&log, (const char * const[]) { "status", "solved-at", "is-active", NULL });

  update_ticket (ticket, "{\"status\": \"open\"}");
  notify_log_assert (&log, (const char * const[]) { "status", "is-active", "waiting-since", NULL });
  g_assert_cmpint (dw_ticket_get_waiting_since (ticket), ==, utc (2026, 11, 22, 1, 0, 0));

  notify_log_clear (&log);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* A resync reconciles the fresh ticket objects of a snapshot into the ones held
 * (dw_ticket_update_from_ticket): the same result and the same notifications as applying the
 * fresh ticket's JSON, and none when nothing changed. */
static void
test_ticket_update_from_ticket (void)
{
  g_autoptr(JsonObject) object = parse (ticket_json);
  g_autoptr(JsonObject) changed = parse (ticket_json);
  g_autoptr(DwTicket) held = dw_ticket_new_from_json (object, NULL);
  g_autoptr(DwTicket) by_json = dw_ticket_new_from_json (object, NULL);
  g_autoptr(DwTicket) same = dw_ticket_new_from_json (object, NULL);
  g_autoptr(DwTicket) fresh = NULL;
  g_autoptr(DwTicket) other = NULL;
  g_autoptr(JsonNode) sla = NULL;
  g_autoptr(JsonNode) a = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) b = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GError) error = NULL;
  JsonArray *tags = json_array_new ();
  NotifyLog log, json_log;

  notify_log_watch (&log, held);
  g_assert_true (dw_ticket_update_from_ticket (held, same, &error));
  g_assert_no_error (error);
  notify_log_assert (&log, (const char * const[]) { NULL });

  json_object_set_string_member (changed, "status", "pending");
  json_object_set_int_member (changed, "version", 5);
  json_object_set_null_member (changed, "order_number");
  json_object_set_string_member (changed, "subject", "换货 😀");
  json_array_add_string_element (tags, "vip");
  json_array_add_string_element (tags, "新");
  json_object_set_array_member (changed, "tags", tags);
  sla = json_from_string ("[{\"target\": \"resolution\", \"state\": \"paused\", "
                          "\"target_minutes\": 480, \"elapsed_seconds\": 1600, "
                          "\"at_risk_at\": null, \"due_at\": null, \"met_at\": null, "
                          "\"paused_reason\": \"pending\"}]", &error);
  g_assert_no_error (error);
  json_object_set_member (changed, "sla", g_steal_pointer (&sla));
  fresh = dw_ticket_new_from_json (changed, &error);
  g_assert_no_error (error);

  g_assert_true (dw_ticket_update_from_ticket (held, fresh, &error));
  notify_log_watch (&json_log, by_json);
  g_assert_true (dw_ticket_update_from_json (by_json, changed, &error));
  g_assert_no_error (error);

  json_node_take_object (a, dw_ticket_to_json (held));
  json_node_take_object (b, dw_ticket_to_json (fresh));
  g_assert_true (json_node_equal (a, b));
  g_assert_cmpuint (log.names->len, >=, 7);
  g_assert_cmpuint (log.names->len, ==, json_log.names->len);
  g_ptr_array_sort (log.names, compare_names);
  g_ptr_array_sort (json_log.names, compare_names);
  for (guint i = 0; i < log.names->len; i++)
    g_assert_cmpstr (log.names->pdata[i], ==, json_log.names->pdata[i]);

  /* Another ticket is refused, and changes nothing. */
  json_object_set_int_member (changed, "id", 99);
  other = dw_ticket_new_from_json (changed, NULL);
  g_ptr_array_set_size (log.names, 0);
  g_assert_false (dw_ticket_update_from_ticket (held, other, &error));
  g_assert_error (error, DW_JSON_ERROR, DW_JSON_ERROR_MISMATCH);
  g_assert_cmpuint (log.names->len, ==, 0);
  g_assert_cmpint (dw_ticket_get_id (held), ==, dw_ticket_get_id (fresh));

  notify_log_clear (&log);
  notify_log_clear (&json_log);
}

static void
test_ticket_update_sla (void)
{
  g_autoptr(JsonObject) object = parse (ticket_json);
  g_autoptr(DwTicket) ticket = dw_ticket_new_from_json (object, NULL);
  NotifyLog log;

  notify_log_watch (&log, ticket);

  /* First response met: the resolution deadline becomes the next one. */
  update_ticket (ticket,
    "{\"sla\": ["
    "  {\"target\": \"first-response\", \"state\": \"met\", \"target_minutes\": 30,"
    "   \"elapsed_seconds\": 1500, \"at_risk_at\": null, \"due_at\": null,"
    "   \"met_at\": \"2026-11-22T01:25:00Z\", \"paused_reason\": null},"
    "  {\"target\": \"resolution\", \"state\": \"ok\", \"target_minutes\": 480,"
    "   \"elapsed_seconds\": 1500, \"at_risk_at\": \"2026-11-22T07:00:00Z\","
    "   \"due_at\": \"2026-11-22T09:00:00Z\", \"met_at\": null, \"paused_reason\": null}],"
    " \"sla_state\": \"ok\"}");
  notify_log_assert (&log, (const char * const[]) { "sla", "sla-state", "next-sla-deadline", NULL });
  g_assert_cmpint (dw_ticket_get_next_sla_deadline (ticket), ==, utc (2026, 11, 22, 9, 0, 0));

  /* Elapsed time changes the array but not the deadline. */
  update_ticket (ticket,
    "{\"sla\": ["
    "  {\"target\": \"first-response\", \"state\": \"met\", \"target_minutes\": 30,"
    "   \"elapsed_seconds\": 1500, \"met_at\": \"2026-11-22T01:25:00Z\"},"
    "  {\"target\": \"resolution\", \"state\": \"ok\", \"target_minutes\": 480,"
    "   \"elapsed_seconds\": 1600, \"at_risk_at\": \"2026-11-22T07:00:00Z\","
    "   \"due_at\": \"2026-11-22T09:00:00Z\"}]}");
  notify_log_assert (&log, (const char * const[]) { "sla", NULL });

  /* Pending: the clock pauses and no deadline runs. */
  update_ticket (ticket,
    "{\"status\": \"pending\", \"sla\": ["
    "  {\"target\": \"first-response\", \"state\": \"met\", \"target_minutes\": 30,"
    "   \"elapsed_seconds\": 1500, \"met_at\": \"2026-11-22T01:25:00Z\"},"
    "  {\"target\": \"resolution\", \"state\": \"paused\", \"target_minutes\": 480,"
    "   \"elapsed_seconds\": 1600, \"paused_reason\": \"pending\"}]}");
  notify_log_assert (&log, (const char * const[]) { "status", "sla", "next-sla-deadline",
                                                    "waiting-since", NULL });
  g_assert_cmpint (dw_ticket_get_next_sla_deadline (ticket), ==, 0);

  /* A breached target still counts, in the past. */
  update_ticket (ticket,
    "{\"status\": \"open\", \"sla\": ["
    "  {\"target\": \"next-response\", \"state\": \"breached\", \"target_minutes\": 30,"
    "   \"elapsed_seconds\": 2000, \"due_at\": \"2026-11-22T03:00:00Z\"},"
    "  {\"target\": \"resolution\", \"state\": \"ok\", \"target_minutes\": 480,"
    "   \"elapsed_seconds\": 2000, \"due_at\": \"2026-11-22T09:00:00Z\"}]}");
  g_assert_cmpint (dw_ticket_get_next_sla_deadline (ticket), ==, utc (2026, 11, 22, 3, 0, 0));

  notify_log_clear (&log);
}

/* Issue 13: what a console holds per ticket for 100k of them.  An SLA target is 24 bytes (it
 * was 56: enums and paused_reason in single bytes, 40; then its times in 32 bits), and the
 * instance at most 152 bytes (it was 216: the derived properties are computed, not cached,
 * 200; then its times and the ids of other things in 32 bits, its enums in bytes), so that
 * three targets take an 80-byte allocation (was 176) and the instance a 160-byte one (was
 * 224). */
static void
test_ticket_compact (void)
{
  g_autoptr(JsonObject) object = parse (
    "{\"target\": \"resolution\", \"state\": \"paused\", \"target_minutes\": 480,"
    " \"elapsed_seconds\": 1600, \"at_risk_at\": null, \"due_at\": null, \"met_at\": null,"
    " \"paused_reason\": \"outside-hours\"}");
  g_autoptr(DwSlaTargetInfo) info = NULL;
  g_autoptr(DwSlaTargetInfo) copy = NULL;
  g_autoptr(JsonObject) back = NULL;
  g_autoptr(GError) error = NULL;
  GTypeQuery query;

  g_assert_cmpuint (sizeof (DwSlaTargetInfo), ==, 24);
  g_type_query (DW_TYPE_TICKET, &query);
  g_assert_cmpuint (query.instance_size, <=, 152);

  /* paused_reason, now a code, still reads and writes the wire's strings. */
  info = dw_sla_target_info_new_from_json (object, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->target, ==, DW_SLA_TARGET_RESOLUTION);
  g_assert_cmpint (info->state, ==, DW_SLA_STATE_PAUSED);
  g_assert_cmpint (info->paused_reason, ==, DW_SLA_PAUSE_OUTSIDE_HOURS);
  g_assert_cmpstr (dw_sla_target_info_get_paused_reason (info), ==, "outside-hours");
  back = dw_sla_target_info_to_json (info);
  g_assert_cmpstr (json_object_get_string_member (back, "paused_reason"), ==, "outside-hours");
  g_assert_cmpstr (json_object_get_string_member (back, "target"), ==, "resolution");
  g_assert_cmpint (json_object_get_int_member (back, "elapsed_seconds"), ==, 1600);
  copy = dw_sla_target_info_copy (info);
  g_assert_true (dw_sla_target_info_equal (copy, info));
  copy->paused_reason = DW_SLA_PAUSE_PENDING;
  g_assert_false (dw_sla_target_info_equal (copy, info));

  /* The last second and the largest id that 32 bits hold read back as gint64s, and are
   * written back unchanged. */
  {
    const char *last = "2106-02-07T06:28:15Z";
    g_autofree char *text = g_strdup_printf (
      "{\"id\": 3, \"subject\": \"s\", \"channel\": \"email\", \"priority\": \"urgent\","
      " \"team_id\": 4294967295, \"assignee_id\": 4294967295, \"customer_id\": 4294967295,"
      " \"sla_policy_id\": 4294967295,"
      " \"status\": \"closed\", \"created_at\": \"%s\", \"updated_at\": \"%s\","
      " \"solved_at\": \"%s\", \"first_response_at\": \"%s\", \"next_sla_at\": \"%s\","
      " \"sla_state\": \"breached\", \"version\": 1, \"sla\": [{\"target\": \"resolution\","
      " \"state\": \"breached\", \"target_minutes\": 1, \"elapsed_seconds\": 4294967295,"
      " \"at_risk_at\": \"%s\", \"due_at\": \"%s\", \"met_at\": \"%s\"}]}",
      last, last, last, last, last, last, last, last);
    g_autoptr(JsonObject) far = parse (text);
    g_autoptr(DwTicket) ticket = dw_ticket_new_from_json (far, &error);
    g_autoptr(JsonObject) written = NULL;
    const DwSlaTargetInfo *target;
    gint64 created_at = 0;

    g_assert_no_error (error);
    g_assert_cmpint (dw_ticket_get_created_at (ticket), ==, G_MAXUINT32);
    g_assert_cmpint (dw_ticket_get_solved_at (ticket), ==, G_MAXUINT32);
    g_object_get (ticket, "created-at", &created_at, NULL);
    g_assert_cmpint (created_at, ==, G_MAXUINT32);
    g_assert_cmpint (dw_ticket_get_team_id (ticket), ==, G_MAXUINT32);
    g_assert_cmpint (dw_ticket_get_assignee_id (ticket), ==, G_MAXUINT32);
    g_assert_cmpint (dw_ticket_get_customer_id (ticket), ==, G_MAXUINT32);
    g_assert_cmpint (dw_ticket_get_sla_policy_id (ticket), ==, G_MAXUINT32);
    g_assert_cmpint (dw_ticket_get_channel (ticket), ==, DW_CHANNEL_EMAIL);
    g_assert_cmpint (dw_ticket_get_priority (ticket), ==, DW_PRIORITY_URGENT);
    g_assert_cmpint (dw_ticket_get_status (ticket), ==, DW_STATUS_CLOSED);
    g_assert_cmpint (dw_ticket_get_sla_state (ticket), ==, DW_SLA_STATE_BREACHED);
    target = dw_ticket_get_sla_target (ticket, DW_SLA_TARGET_RESOLUTION);
    g_assert_nonnull (target);
    g_assert_cmpint (target->due_at, ==, G_MAXUINT32);
    g_assert_cmpint (target->elapsed_seconds, ==, G_MAXUINT32);
    written = dw_ticket_to_json (ticket);
    g_assert_cmpstr (json_object_get_string_member (written, "created_at"), ==, last);
    g_assert_cmpstr (json_object_get_string_member (written, "next_sla_at"), ==, last);
    g_assert_cmpint (json_object_get_int_member (written, "customer_id"), ==, G_MAXUINT32);
    g_assert_cmpint (json_object_get_int_member (
                       json_array_get_object_element (
                         json_object_get_array_member (written, "sla"), 0),
                       "elapsed_seconds"), ==, G_MAXUINT32);

    /* An update out of range changes nothing. */
    {
      g_autoptr(JsonObject) later = parse ("{\"updated_at\": \"2106-02-07T06:28:16Z\"}");

      g_assert_false (dw_ticket_update_from_json (ticket, later, &error));
      g_assert_error (error, DW_JSON_ERROR, DW_JSON_ERROR_VALUE);
      g_clear_error (&error);
      g_assert_cmpint (dw_ticket_get_updated_at (ticket), ==, G_MAXUINT32);
    }
  }
}

/* A console holds 100k tickets: business types and tags are interned (one copy for the desk),
 * SLA targets are inline in the ticket, compact (paused_reason a code); the "sla" property still
 * gives (and takes) a GPtrArray of copies, and every way of changing the ticket keeps that. */
static void
test_ticket_interned_and_inline (void)
{
  g_autoptr(JsonObject) object = parse (ticket_json);
  g_autoptr(DwTicket) a = dw_ticket_new_from_json (object, NULL);
  g_autoptr(DwTicket) b = dw_ticket_new_from_json (object, NULL);
  g_autoptr(DwTicket) c = NULL;
  g_autoptr(DwTicket) d = NULL;
  g_autoptr(JsonObject) minimal = parse (
    "{\"id\": 2, \"subject\": \"s\", \"channel\": \"web\", \"priority\": \"normal\","
    " \"status\": \"new\", \"created_at\": \"2026-11-22T01:00:00Z\","
    " \"updated_at\": \"2026-11-22T01:00:00Z\", \"version\": 1}");
  g_autoptr(GPtrArray) copy = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) paused = g_ptr_array_new_with_free_func ((GDestroyNotify) dw_sla_target_info_free);
  g_auto(GStrv) tags = NULL;
  const DwSlaTargetInfo *sla;
  DwSlaTargetInfo *info;
  guint n_sla;
  NotifyLog log;

  /* Interned: the same pointer in both tickets, and g_intern_string()'s. */
  g_assert_true (dw_ticket_get_business_type (a) == dw_ticket_get_business_type (b));
  g_assert_true (dw_ticket_get_business_type (a) == g_intern_static_string ("logistics"));
  g_assert_true (dw_ticket_get_tags (a)[0] == g_intern_static_string ("vip"));
  g_assert_true (dw_ticket_get_tags (a)[0] == dw_ticket_get_tags (b)[0]);

  /* Inline: one array, not shared between tickets. */
  sla = dw_ticket_get_sla (a, &n_sla);
  g_assert_cmpuint (n_sla, ==, 2);
  g_assert_true (sla != dw_ticket_get_sla (b, &n_sla));
  g_assert_true (dw_ticket_get_sla_target (a, DW_SLA_TARGET_RESOLUTION) == &sla[1]);

  /* The property: a copy, equal, each read a new one. */
  g_object_get (a, "sla", &copy, NULL);
  g_object_get (a, "sla", &again, NULL);
  g_assert_cmpuint (copy->len, ==, 2);
  g_assert_true (copy != again);
  for (guint i = 0; i < copy->len; i++)
    {
      g_assert_true (g_ptr_array_index (copy, i) != &sla[i]);
      g_assert_true (dw_sla_target_info_equal (g_ptr_array_index (copy, i), &sla[i]));
    }

  /* Setting it copies what it is given, notifies once, and not at all when nothing changes. */
  info = dw_sla_target_info_new ();
  info->target = DW_SLA_TARGET_RESOLUTION;
  info->state = DW_SLA_STATE_PAUSED;
  info->target_minutes = 480;
  info->elapsed_seconds = 1600;
  info->paused_reason = DW_SLA_PAUSE_PENDING;
  g_ptr_array_add (paused, info);
  notify_log_watch (&log, a);
  g_object_set (a, "sla", paused, NULL);
  notify_log_assert (&log, (const char * const[]) { "sla", "next-sla-deadline", NULL });
  g_object_set (a, "sla", paused, NULL);
  notify_log_assert (&log, (const char * const[]) { NULL });
  sla = dw_ticket_get_sla (a, &n_sla);
  g_assert_cmpuint (n_sla, ==, 1);
  g_assert_true (dw_sla_target_info_equal (&sla[0], info));
  g_assert_true (&sla[0] != info);
  g_assert_cmpstr (dw_sla_target_info_get_paused_reason (&sla[0]), ==, "pending");
  g_object_set (a, "sla", NULL, NULL);
  notify_log_assert (&log, (const char * const[]) { "sla", NULL });
  g_assert_null (dw_ticket_get_sla (a, &n_sla));
  g_assert_cmpuint (n_sla, ==, 0);

  /* Tags and business type through a property and from another ticket stay interned. */
  g_object_set (a, "tags", (const char * const[]) { "新", "vip", NULL },
                "business-type", "returns", NULL);
  notify_log_assert (&log, (const char * const[]) { "tags", "business-type", NULL });
  g_assert_true (dw_ticket_get_tags (a)[0] == g_intern_string ("新"));
  g_assert_true (dw_ticket_get_business_type (a) == g_intern_static_string ("returns"));
  g_object_get (a, "tags", &tags, NULL);
  g_assert_cmpstrv (tags, ((const char * const[]) { "新", "vip", NULL }));
  g_assert_true (tags[0] != dw_ticket_get_tags (a)[0]);
  g_assert_true (dw_ticket_update_from_ticket (b, a, NULL));
  g_assert_true (dw_ticket_get_tags (b)[0] == g_intern_string ("新"));
  g_assert_true (dw_ticket_get_business_type (b) == g_intern_static_string ("returns"));
  g_assert_null (dw_ticket_get_sla (b, &n_sla));

  /* Tickets without tags share one empty array; clearing tags or the type is fine. */
  c = dw_ticket_new_from_json (minimal, NULL);
  json_object_set_int_member (minimal, "id", 3);
  d = dw_ticket_new_from_json (minimal, NULL);
  g_assert_nonnull (dw_ticket_get_tags (c));
  g_assert_null (dw_ticket_get_tags (c)[0]);
  g_assert_true (dw_ticket_get_tags (c) == dw_ticket_get_tags (d));
  g_object_set (a, "tags", NULL, "business-type", NULL, NULL);
  g_assert_true (dw_ticket_get_tags (a) == dw_ticket_get_tags (c));
  g_assert_null (dw_ticket_get_business_type (a));
  notify_log_clear (&log);
}

static void
test_ticket_update_atomic (void)
{
  g_autoptr(JsonObject) object = parse (ticket_json);
  g_autoptr(DwTicket) ticket = dw_ticket_new_from_json (object, NULL);
  g_autoptr(GError) error = NULL;
  NotifyLog log;

  notify_log_watch (&log, ticket);

  /* A bad member anywhere: nothing changes, nothing is notified. */
  {
    g_autoptr(JsonObject) bad = parse ("{\"status\": \"solved\", \"assignee_id\": 9,"
                                       " \"priority\": \"asap\"}");

    g_assert_false (dw_ticket_update_from_json (ticket, bad, &error));
    g_assert_error (error, DW_JSON_ERROR, DW_JSON_ERROR_VALUE);
    g_clear_error (&error);
  }
  {
    g_autoptr(JsonObject) bad = parse ("{\"status\": \"solved\", \"sla\": [{\"target\": 1}]}");

    g_assert_false (dw_ticket_update_from_json (ticket, bad, &error));
    g_assert_error (error, DW_JSON_ERROR, DW_JSON_ERROR_TYPE);
    g_assert_cmpstr (error->message, ==, "sla[0].target: expected a string, got a number");
    g_clear_error (&error);
  }
  notify_log_assert (&log, (const char * const[]) { NULL });
  g_assert_cmpint (dw_ticket_get_status (ticket), ==, DW_STATUS_OPEN);
  g_assert_cmpint (dw_ticket_get_assignee_id (ticket), ==, 7);

  /* Another ticket's event is refused. */
  {
    g_autoptr(JsonObject) other = parse ("{\"id\": 10024, \"status\": \"solved\"}");

    g_assert_false (dw_ticket_update_from_json (ticket, other, &error));
    g_assert_error (error, DW_JSON_ERROR, DW_JSON_ERROR_MISMATCH);
    g_assert_cmpstr (error->message, ==, "id: 10024 is not ticket 10023");
    g_clear_error (&error);
  }
  notify_log_assert (&log, (const char * const[]) { NULL });

  notify_log_clear (&log);
}

static void
test_ticket_setters_notify (void)
{
  g_autoptr(JsonObject) object = parse (ticket_json);
  g_autoptr(DwTicket) ticket = dw_ticket_new_from_json (object, NULL);
  NotifyLog log;

  notify_log_watch (&log, ticket);

  dw_ticket_set_assignee_id (ticket, 7);
  g_object_set (ticket, "priority", DW_PRIORITY_HIGH, "subject", "快递三天没动", NULL);
  notify_log_assert (&log, (const char * const[]) { NULL });

  dw_ticket_set_assignee_id (ticket, 12);
  notify_log_assert (&log, (const char * const[]) { "assignee-id", NULL });
  dw_ticket_set_priority (ticket, DW_PRIORITY_URGENT);
  notify_log_assert (&log, (const char * const[]) { "priority", NULL });
  dw_ticket_set_status (ticket, DW_STATUS_ON_HOLD);
  notify_log_assert (&log, (const char * const[]) { "status", "waiting-since", NULL });
  dw_ticket_set_team_id (ticket, 3);
  dw_ticket_set_escalation_level (ticket, 1);
  notify_log_assert (&log, (const char * const[]) { "escalation-level", NULL });

  notify_log_clear (&log);
}

static void
test_user_update_notifies_changes (void)
{
  g_autoptr(JsonObject) object = parse (user_json);
  g_autoptr(DwUser) user = dw_user_new_from_json (object, NULL);
  g_autoptr(GError) error = NULL;
  NotifyLog log;

  notify_log_watch (&log, user);

  {
    g_autoptr(JsonObject) same = parse (user_json);

    g_assert_true (dw_user_update_from_json (user, same, &error));
    g_assert_no_error (error);
  }
  notify_log_assert (&log, (const char * const[]) { NULL });

  /* She goes away with one more ticket; her teams come back unchanged. */
  {
    g_autoptr(JsonObject) changed = parse (
      "{\"id\": 7, \"presence\": \"away\", \"presence_since\": \"2026-11-22T03:00:00Z\","
      " \"open_tickets\": 4, \"teams\": [{\"id\": 2, \"is_lead\": false}]}");

    g_assert_true (dw_user_update_from_json (user, changed, &error));
    g_assert_no_error (error);
  }
  notify_log_assert (&log, (const char * const[]) { "presence", "presence-since", "open-tickets",
                                                    "free-capacity", NULL });
  g_assert_cmpint (dw_user_get_free_capacity (user), ==, 2);

  /* A new skill and a team she now leads. */
  {
    g_autoptr(JsonObject) changed = parse (
      "{\"teams\": [{\"id\": 2, \"is_lead\": true}],"
      " \"skills\": [{\"skill\": \"returns\", \"level\": 4}, {\"skill\": \"quality\", \"level\": 2}]}");

    g_assert_true (dw_user_update_from_json (user, changed, &error));
    g_assert_no_error (error);
  }
  notify_log_assert (&log, (const char * const[]) { "teams", "skills", NULL });
  g_assert_true (dw_user_is_lead_of (user, 2));
  g_assert_cmpint (dw_user_get_skill_level (user, "quality"), ==, 2);

  /* Capacity below the load: free capacity stops at 0. */
  {
    g_autoptr(JsonObject) changed = parse ("{\"capacity\": 3}");

    g_assert_true (dw_user_update_from_json (user, changed, &error));
  }
  notify_log_assert (&log, (const char * const[]) { "capacity", "free-capacity", NULL });
  g_assert_cmpint (dw_user_get_free_capacity (user), ==, 0);

  dw_user_set_presence (user, DW_PRESENCE_AWAY);
  notify_log_assert (&log, (const char * const[]) { NULL });
  dw_user_set_presence (user, DW_PRESENCE_ONLINE);
  notify_log_assert (&log, (const char * const[]) { "presence", NULL });

  {
    g_autoptr(JsonObject) bad = parse ("{\"presence\": \"offline\", \"skills\": [{\"skill\": \"x\"}]}");

    g_assert_false (dw_user_update_from_json (user, bad, &error));
    g_assert_error (error, DW_JSON_ERROR, DW_JSON_ERROR_MISSING);
    g_assert_cmpstr (error->message, ==, "skills[0].level: missing");
    g_clear_error (&error);
  }
  notify_log_assert (&log, (const char * const[]) { NULL });
  g_assert_cmpint (dw_user_get_presence (user), ==, DW_PRESENCE_ONLINE);

  notify_log_clear (&log);
}

static void
test_team_update_notifies_changes (void)
{
  g_autoptr(JsonObject) object = parse (team_json);
  g_autoptr(DwTeam) team = dw_team_new_from_json (object, NULL);
  g_autoptr(GError) error = NULL;
  NotifyLog log;

  notify_log_watch (&log, team);

  {
    g_autoptr(JsonObject) changed = parse (
      "{\"id\": 2, \"name\": \"售后\", \"description\": \"Returns and refunds\", \"calendar_id\": 1,"
      " \"business_types\": [\"returns\", \"quality\"]}");

    g_assert_true (dw_team_update_from_json (team, changed, &error));
    g_assert_no_error (error);
  }
  notify_log_assert (&log, (const char * const[]) { "name", NULL });
  g_assert_cmpstr (dw_team_get_name (team), ==, "售后");

  {
    g_autoptr(JsonObject) changed = parse ("{\"business_types\": [\"quality\", \"returns\"]}");

    g_assert_true (dw_team_update_from_json (team, changed, &error));
  }
  notify_log_assert (&log, (const char * const[]) { "business-types", NULL });

  {
    g_autoptr(JsonObject) other = parse ("{\"id\": 3, \"name\": \"物流\"}");

    g_assert_false (dw_team_update_from_json (team, other, &error));
    g_assert_error (error, DW_JSON_ERROR, DW_JSON_ERROR_MISMATCH);
  }
  notify_log_assert (&log, (const char * const[]) { NULL });

  notify_log_clear (&log);
}

static void
test_finalize (void)
{
  /* Every object goes away with its last reference (no cycles, no hidden refs). */
  for (Kind kind = KIND_TICKET; kind <= KIND_POLICY; kind++)
    {
      g_autoptr(JsonObject) object = parse (fixture_of (kind));
      GObject *result = new_from_json (kind, object, NULL);

      g_assert_nonnull (result);
      g_assert_finalize_object (result);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model-json/round-trip/ticket", test_ticket_round_trip);
  g_test_add_func ("/model-json/round-trip/ticket-minimal", test_ticket_minimal);
  g_test_add_func ("/model-json/round-trip/user", test_user_round_trip);
  g_test_add_func ("/model-json/round-trip/team", test_team_round_trip);
  g_test_add_func ("/model-json/round-trip/customer", test_customer_round_trip);
  g_test_add_func ("/model-json/round-trip/comment", test_comment_round_trip);
  g_test_add_func ("/model-json/round-trip/audit-event", test_audit_round_trip);
  g_test_add_func ("/model-json/round-trip/sla-policy", test_policy_round_trip);
  g_test_add_func ("/model-json/times", test_times);
  g_test_add_func ("/model-json/bad/fixtures-are-good", test_bad_fixtures_are_good);
  g_test_add_func ("/model-json/bad/cases", test_bad_input);
  g_test_add_func ("/model-json/bad/long-value", test_long_value_quoted_short);
  g_test_add_func ("/model-json/bad/unknown-members", test_check_members);
  g_test_add_func ("/model-json/update/ticket", test_ticket_update_notifies_changes);
  g_test_add_func ("/model-json/update/ticket-sla", test_ticket_update_sla);
  g_test_add_func ("/model-json/update/ticket-from-ticket", test_ticket_update_from_ticket);
  g_test_add_func ("/model-json/update/ticket-atomic", test_ticket_update_atomic);
  g_test_add_func ("/model-json/memory/interned-and-inline", test_ticket_interned_and_inline);
  g_test_add_func ("/model-json/memory/compact", test_ticket_compact);
  g_test_add_func ("/model-json/update/ticket-setters", test_ticket_setters_notify);
  g_test_add_func ("/model-json/update/user", test_user_update_notifies_changes);
  g_test_add_func ("/model-json/update/team", test_team_update_notifies_changes);
  g_test_add_func ("/model-json/finalize", test_finalize);

  return g_test_run ();
}
