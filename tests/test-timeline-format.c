/* Unit tests of the ticket timeline's and SLA targets' wording (src/console/dw-timeline-format.c):
 * names instead of ids, words instead of field names, the service's English reasons in the
 * lead's language, one SLA line without repeated or misleading words.  No display needed.
 */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "dw-audit-event.h"
#include "dw-queue-format.h"
#include "dw-sla.h"
#include "dw-timeline-format.h"

static const char *
names (const char *kind,
       gint64      id,
       gpointer    user_data)
{
  if (g_str_equal (kind, "user") && id == 30)
    return "李娜";
  if (g_str_equal (kind, "team") && id == 2)
    return "物流组";
  return NULL;
}

static DwAuditEvent *
event_new (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(GError) error = NULL;
  DwAuditEvent *event;

  g_assert_nonnull (node);
  event = dw_audit_event_new_from_json (json_node_get_object (node), &error);
  g_assert_no_error (error);
  return event;
}

static char *
title_of (const char *action,
          const char *field,
          const char *after)
{
  g_autofree char *json = g_strdup_printf ("{\"id\": 1, \"at\": \"2026-03-02T08:00:00Z\", "
                                           "\"actor_id\": null, \"entity\": \"ticket\", "
                                           "\"entity_id\": 5, \"action\": \"%s\", "
                                           "\"field\": %s%s%s, \"before\": null, \"after\": %s, "
                                           "\"reason\": null}",
                                           action, field != NULL ? "\"" : "",
                                           field != NULL ? field : "null",
                                           field != NULL ? "\"" : "", after);
  g_autoptr(DwAuditEvent) event = event_new (json);

  return dw_timeline_format_title (event, names, NULL);
}

#define assert_title(action, field, after, expected) \
  G_STMT_START { \
    g_autofree char *_title = title_of ((action), (field), (after)); \
    g_assert_cmpstr (_title, ==, (expected)); \
  } G_STMT_END

#define assert_reason(reason, expected) \
  G_STMT_START { \
    g_autofree char *_words = dw_timeline_format_reason (reason); \
    g_assert_cmpstr (_words, ==, (expected)); \
  } G_STMT_END

static void
test_titles (void)
{
  /* Was "assigned: assignee_id → 30". */
  assert_title ("assigned", "assignee_id", "30", "Assigned to 李娜");
  assert_title ("assigned", "assignee_id", "31", "Assigned to #31");
  assert_title ("assigned", "assignee_id", "null", "Unassigned");
  assert_title ("escalated", "assignee_id", "30", "Reassigned to 李娜 on breach");
  assert_title ("routed", "team_id", "2", "Routed to team 物流组");
  assert_title ("moved", "team_id", "2", "Moved to team 物流组");
  assert_title ("updated", "status", "\"solved\"", "Status set to Solved");
  assert_title ("updated", "priority", "\"urgent\"", "Priority set to Urgent");
  assert_title ("escalated", "priority", "\"high\"", "Escalated: priority raised to High");
  assert_title ("escalated", "escalation_level", "1", "Escalation level raised to 1");
  assert_title ("sla", "first-response", "\"at-risk\"", "First response: At risk");
  assert_title ("classified", "business_type", "\"logistics\"", "Classified as Logistics");
  assert_title ("queued", "assignee_id", "null", "Waiting in the team queue");
  assert_title ("created", NULL, "null", "Ticket created");
  assert_title ("updated", "csat", "4", "The customer rated the service 4 of 5");
  assert_title ("updated", "subject", "\"Parcel\"", "Subject changed");
  assert_title ("updated", "first_response_at", "\"2026-03-02T08:05:00Z\"",
                "First reply to the customer sent");
}

static void
test_reasons (void)
{
  assert_reason (NULL, NULL);
  assert_reason ("intake via wechat", "Came in by WeChat");
  assert_reason ("routing: online agent with the most free capacity (3 of 5)",
                 "Routing: online agent with the most free capacity (3 of 5)");
  assert_reason ("sla: breached, reassigned; routing: no online agent with free capacity",
                 "SLA breached, so reassigned. Routing: no online agent with free capacity");
  assert_reason ("sla: first-response at risk, 24 of 30 business minutes used",
                 "First response at risk: 24 min of 30 min used");
  assert_reason ("sla: resolution breached, target 480 business minutes",
                 "Resolution breached: the target was 8 h 00 min in business hours");
  assert_reason ("classified as returns: keyword \"退货\"", "Returns, from the keyword “退货”");
  assert_reason ("shift ended: handed back to the team queue",
                 "Handed back to the team queue at the end of a shift");
  /* A lead's own words stay as they are. */
  assert_reason ("客户要求换人", "客户要求换人");
}

static DwSlaTargetInfo
target (DwSlaState state,
        gint64     elapsed,
        gint64     at_risk_at,
        gint64     due_at)
{
  DwSlaTargetInfo info = { .target = DW_SLA_TARGET_FIRST_RESPONSE, .state = state,
                           .target_minutes = 30, .elapsed_seconds = elapsed,
                           .at_risk_at = at_risk_at, .due_at = due_at };
  return info;
}

#define assert_sla(info, now, expected) \
  G_STMT_START { \
    g_autofree char *_line = dw_timeline_format_sla_target ((info), (now)); \
    g_assert_cmpstr (_line, ==, (expected)); \
  } G_STMT_END

static void
test_sla_lines (void)
{
  gint64 now = 1800000000;
  DwSlaTargetInfo info;

  /* Was "No SLA · · 0 s of 30 min". */
  info = target (DW_SLA_STATE_NONE, 0, 0, 0);
  assert_sla (&info, now, "Does not apply");

  /* Was "On track · in 1 h 59 min" with the at-risk moment 1 h 59 min away and the due
   * time an hour after it: both are said, each for what it is. */
  info = target (DW_SLA_STATE_OK, 60, now + 119 * 60, now + 179 * 60);
  assert_sla (&info, now, "On track · due in 2 h 59 min, at risk in 1 h 59 min · 1 min of 30 min");

  info = target (DW_SLA_STATE_AT_RISK, 25 * 60, now - 60, now + 5 * 60);
  assert_sla (&info, now, "At risk · due in 5 min · 25 min of 30 min");

  /* Was "已超时 · 已超时 1 小时 59 分" (Breached · 1 h 59 min overdue). */
  info = target (DW_SLA_STATE_BREACHED, 149 * 60, now - 7200, now - 119 * 60);
  assert_sla (&info, now, "Overdue by 1 h 59 min · 2 h 29 min of 30 min");

  info = target (DW_SLA_STATE_PAUSED, 12 * 60, 0, 0);
  info.paused_reason = DW_SLA_PAUSE_PENDING;
  assert_sla (&info, now, "Paused while waiting on the customer · 12 min of 30 min");
}

/* In Chinese the same lines are Chinese through and through, and say "overdue" once. */
static void
test_chinese (void)
{
  g_autofree char *locale_dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "locale", NULL);
  g_autofree char *reason = NULL;
  g_autofree char *title = NULL;
  g_autofree char *line = NULL;
  DwSlaTargetInfo info;
  gint64 now = 1800000000;
  const char *overdue;

  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  reason = dw_timeline_format_reason ("routing: online agent with the most free capacity (3 of 5)");
  g_test_message ("%s", reason);
  g_assert_null (strstr (reason, "agent"));
  g_assert_null (strstr (reason, "routing"));
  g_assert_nonnull (strstr (reason, "3"));

  title = title_of ("assigned", "assignee_id", "30");
  g_assert_nonnull (strstr (title, "李娜"));
  g_assert_null (strstr (title, "Assigned"));

  info = target (DW_SLA_STATE_BREACHED, 149 * 60, now - 7200, now - 119 * 60);
  line = dw_timeline_format_sla_target (&info, now);
  g_test_message ("%s", line);
  overdue = strstr (line, "超时");
  g_assert_nonnull (overdue);
  g_assert_null (strstr (overdue + 1, "超时"));
  g_unsetenv ("LANGUAGE");
}

/* The Agents section counts an agent's SLA trouble in the SLA board's words: in Chinese it
 * said 已违约 ("in breach of contract") where every other screen says 已超时. */
static void
test_sla_trouble_words (void)
{
  g_autofree char *locale_dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "locale", NULL);
  g_autofree char *both = NULL;
  g_autofree char *breached = NULL;
  g_autofree char *at_risk = NULL;
  g_autofree char *english = NULL;

  english = dw_format_sla_trouble (2, 1);
  g_assert_cmpstr (english, ==, "2 breached · 1 at risk");
  g_assert_null (dw_format_sla_trouble (0, 0));

  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  both = dw_format_sla_trouble (2, 1);
  breached = dw_format_sla_trouble (3, 0);
  at_risk = dw_format_sla_trouble (0, 4);
  g_test_message ("%s / %s / %s", both, breached, at_risk);
  g_assert_cmpstr (both, ==, "2 个已超时 · 1 个有风险");
  g_assert_cmpstr (breached, ==, "3 个已超时");
  g_assert_cmpstr (at_risk, ==, "4 个有风险");
  g_unsetenv ("LANGUAGE");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/timeline-format/titles", test_titles);
  g_test_add_func ("/timeline-format/reasons", test_reasons);
  g_test_add_func ("/timeline-format/sla-lines", test_sla_lines);
  g_test_add_func ("/timeline-format/chinese", test_chinese);
  g_test_add_func ("/timeline-format/sla-trouble-words", test_sla_trouble_words);

  return g_test_run ();
}
