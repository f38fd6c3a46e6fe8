/* Unit tests of DwSlaAlerts: which transitions alert, filters, quiet hours and batching. */
#include "config.h"

#include "dw-json.h"
#include "dw-sla-alerts.h"

typedef struct
{
  GPtrArray *alerts;  /* DwSlaAlert * copies */
} Received;

static void
alert_cb (DwSlaAlerts *alerts,
          DwSlaAlert  *alert,
          Received    *received)
{
  g_ptr_array_add (received->alerts, dw_sla_alert_copy (alert));
}

static DwSlaAlerts *
new_alerts (Received *received)
{
  DwSlaAlerts *alerts = dw_sla_alerts_new ();

  received->alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) dw_sla_alert_free);
  g_signal_connect (alerts, "alert", G_CALLBACK (alert_cb), received);
  return alerts;
}

static DwSlaAlert *
nth (Received *received,
     guint     i)
{
  return g_ptr_array_index (received->alerts, i);
}

/* 2026-11-23 in UTC. */
static gint64
at (int hour,
    int minute)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (2026, 11, 23, hour, minute, 0);

  return g_date_time_to_unix (dt);
}

static void
test_single (void)
{
  Received received;
  g_autoptr(DwSlaAlerts) alerts = new_alerts (&received);
  gint64 t = at (10, 0);
  DwSlaAlert *alert;
  DwSlaAlertEntry *entry;

  g_assert_true (dw_sla_alerts_push (alerts, 7, 1, DW_SLA_TARGET_FIRST_RESPONSE, DW_SLA_STATE_OK,
                                     DW_SLA_STATE_AT_RISK, t));
  g_assert_cmpuint (dw_sla_alerts_get_n_pending (alerts), ==, 1);

  /* Held for the window (5 s by default). */
  dw_sla_alerts_tick (alerts, t + 4);
  g_assert_cmpuint (received.alerts->len, ==, 0);
  dw_sla_alerts_tick (alerts, t + 5);
  g_assert_cmpuint (received.alerts->len, ==, 1);
  g_assert_cmpuint (dw_sla_alerts_get_n_pending (alerts), ==, 0);

  alert = nth (&received, 0);
  g_assert_false (dw_sla_alert_is_group (alert));
  g_assert_cmpint (alert->state, ==, DW_SLA_STATE_AT_RISK);
  g_assert_cmpuint (alert->n_tickets, ==, 1);
  g_assert_cmpuint (alert->n_at_risk, ==, 1);
  g_assert_cmpuint (alert->n_breached, ==, 0);
  g_assert_cmpint (alert->first_at, ==, t);
  g_assert_cmpint (alert->at, ==, t + 5);
  g_assert_cmpuint (alert->entries->len, ==, 1);
  entry = &g_array_index (alert->entries, DwSlaAlertEntry, 0);
  g_assert_cmpint (entry->ticket_id, ==, 7);
  g_assert_cmpint (entry->team_id, ==, 1);
  g_assert_cmpint (entry->target, ==, DW_SLA_TARGET_FIRST_RESPONSE);

  /* Nothing left: later ticks stay quiet. */
  dw_sla_alerts_tick (alerts, t + 60);
  g_assert_cmpuint (received.alerts->len, ==, 1);
  g_ptr_array_unref (received.alerts);
}

static void
test_group (void)
{
  Received received;
  g_autoptr(DwSlaAlerts) alerts = new_alerts (&received);
  gint64 t = at (10, 0);
  DwSlaAlert *alert;

  /* Five tickets breach within the window: one alert, "5 tickets breached". */
  for (gint64 id = 1; id <= 5; id++)
    g_assert_true (dw_sla_alerts_push (alerts, id, 1, DW_SLA_TARGET_RESOLUTION,
                                       DW_SLA_STATE_AT_RISK, DW_SLA_STATE_BREACHED, t + id - 1));
  /* The window is not stretched by later arrivals: it closes 5 s after the first. */
  dw_sla_alerts_tick (alerts, t + 5);
  g_assert_cmpuint (received.alerts->len, ==, 1);
  alert = nth (&received, 0);
  g_assert_true (dw_sla_alert_is_group (alert));
  g_assert_cmpint (alert->state, ==, DW_SLA_STATE_BREACHED);
  g_assert_cmpuint (alert->n_tickets, ==, 5);
  g_assert_cmpuint (alert->n_breached, ==, 5);
  g_assert_cmpuint (alert->n_at_risk, ==, 0);

  /* Mixed, and one ticket twice: at risk then breached in the same window counts once, as
   * breached; two targets of one ticket are one ticket. */
  g_assert_true (dw_sla_alerts_push (alerts, 10, 1, DW_SLA_TARGET_FIRST_RESPONSE,
                                     DW_SLA_STATE_OK, DW_SLA_STATE_AT_RISK, t + 10));
  g_assert_true (dw_sla_alerts_push (alerts, 10, 1, DW_SLA_TARGET_FIRST_RESPONSE,
                                     DW_SLA_STATE_AT_RISK, DW_SLA_STATE_BREACHED, t + 11));
  g_assert_true (dw_sla_alerts_push (alerts, 10, 1, DW_SLA_TARGET_RESOLUTION,
                                     DW_SLA_STATE_OK, DW_SLA_STATE_AT_RISK, t + 11));
  g_assert_true (dw_sla_alerts_push (alerts, 11, 1, DW_SLA_TARGET_RESOLUTION,
                                     DW_SLA_STATE_OK, DW_SLA_STATE_AT_RISK, t + 12));
  dw_sla_alerts_flush (alerts, t + 12);
  g_assert_cmpuint (received.alerts->len, ==, 2);
  alert = nth (&received, 1);
  g_assert_cmpuint (alert->entries->len, ==, 3);
  g_assert_cmpuint (alert->n_tickets, ==, 2);
  g_assert_cmpuint (alert->n_breached, ==, 1);
  g_assert_cmpuint (alert->n_at_risk, ==, 1);
  g_assert_cmpint (alert->state, ==, DW_SLA_STATE_BREACHED);
  g_assert_cmpint (g_array_index (alert->entries, DwSlaAlertEntry, 0).state, ==,
                   DW_SLA_STATE_BREACHED);

  /* Window 0: out at the very next tick. */
  dw_sla_alerts_set_window (alerts, 0);
  g_assert_true (dw_sla_alerts_push (alerts, 12, 1, DW_SLA_TARGET_RESOLUTION,
                                     DW_SLA_STATE_OK, DW_SLA_STATE_AT_RISK, t + 20));
  dw_sla_alerts_tick (alerts, t + 20);
  g_assert_cmpuint (received.alerts->len, ==, 3);
  g_ptr_array_unref (received.alerts);
}

static void
test_transitions (void)
{
  Received received;
  g_autoptr(DwSlaAlerts) alerts = new_alerts (&received);
  struct { DwSlaState before, after; gboolean alerts; } cases[] = {
    { DW_SLA_STATE_OK, DW_SLA_STATE_AT_RISK, TRUE },
    { DW_SLA_STATE_NONE, DW_SLA_STATE_AT_RISK, TRUE },
    { DW_SLA_STATE_PAUSED, DW_SLA_STATE_AT_RISK, TRUE },
    { DW_SLA_STATE_AT_RISK, DW_SLA_STATE_BREACHED, TRUE },
    { DW_SLA_STATE_OK, DW_SLA_STATE_BREACHED, TRUE },
    { DW_SLA_STATE_AT_RISK, DW_SLA_STATE_AT_RISK, FALSE },
    { DW_SLA_STATE_BREACHED, DW_SLA_STATE_BREACHED, FALSE },
    { DW_SLA_STATE_BREACHED, DW_SLA_STATE_AT_RISK, FALSE },
    { DW_SLA_STATE_AT_RISK, DW_SLA_STATE_MET, FALSE },
    { DW_SLA_STATE_NONE, DW_SLA_STATE_OK, FALSE },
    { DW_SLA_STATE_AT_RISK, DW_SLA_STATE_PAUSED, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (dw_sla_alerts_push (alerts, 100 + i, 1, DW_SLA_TARGET_RESOLUTION,
                                         cases[i].before, cases[i].after, at (10, 0)), ==,
                     cases[i].alerts);
  g_ptr_array_unref (received.alerts);
}

static void
test_filters (void)
{
  Received received;
  g_autoptr(DwSlaAlerts) alerts = new_alerts (&received);
  const gint64 teams[] = { 2, 3 };
  gint64 t = at (10, 0);

  dw_sla_alerts_set_teams (alerts, teams, G_N_ELEMENTS (teams));
  g_assert_false (dw_sla_alerts_push (alerts, 1, 1, DW_SLA_TARGET_RESOLUTION, DW_SLA_STATE_OK,
                                      DW_SLA_STATE_BREACHED, t));
  g_assert_false (dw_sla_alerts_push (alerts, 1, 0, DW_SLA_TARGET_RESOLUTION, DW_SLA_STATE_OK,
                                      DW_SLA_STATE_BREACHED, t));
  g_assert_true (dw_sla_alerts_push (alerts, 1, 3, DW_SLA_TARGET_RESOLUTION, DW_SLA_STATE_OK,
                                     DW_SLA_STATE_BREACHED, t));

  dw_sla_alerts_set_kinds (alerts, DW_SLA_ALERT_BREACHED);
  g_assert_false (dw_sla_alerts_push (alerts, 2, 2, DW_SLA_TARGET_RESOLUTION, DW_SLA_STATE_OK,
                                      DW_SLA_STATE_AT_RISK, t));
  g_assert_true (dw_sla_alerts_push (alerts, 2, 2, DW_SLA_TARGET_RESOLUTION,
                                     DW_SLA_STATE_AT_RISK, DW_SLA_STATE_BREACHED, t));

  dw_sla_alerts_set_kinds (alerts, DW_SLA_ALERT_AT_RISK);
  g_assert_false (dw_sla_alerts_push (alerts, 3, 2, DW_SLA_TARGET_RESOLUTION,
                                      DW_SLA_STATE_AT_RISK, DW_SLA_STATE_BREACHED, t));

  /* No teams again: every team, the ticket without one included. */
  dw_sla_alerts_set_teams (alerts, NULL, 0);
  dw_sla_alerts_set_kinds (alerts, DW_SLA_ALERT_ALL);
  g_assert_true (dw_sla_alerts_push (alerts, 4, 0, DW_SLA_TARGET_RESOLUTION, DW_SLA_STATE_OK,
                                     DW_SLA_STATE_AT_RISK, t));

  dw_sla_alerts_flush (alerts, t);
  g_assert_cmpuint (received.alerts->len, ==, 1);
  g_assert_cmpuint (nth (&received, 0)->n_tickets, ==, 3);
  g_ptr_array_unref (received.alerts);
}

static void
test_quiet_hours (void)
{
  Received received;
  g_autoptr(DwSlaAlerts) alerts = new_alerts (&received);
  g_autoptr(GTimeZone) shanghai = g_time_zone_new_identifier ("Asia/Shanghai");

  g_assert_nonnull (shanghai);

  /* 22:00–08:00 in Shanghai, i.e. 14:00–24:00 UTC. */
  dw_sla_alerts_set_quiet_hours (alerts, shanghai, 22 * 60, 8 * 60);
  g_assert_true (dw_sla_alerts_in_quiet_hours (alerts, at (15, 0)));
  g_assert_true (dw_sla_alerts_in_quiet_hours (alerts, at (23, 59)));
  g_assert_false (dw_sla_alerts_in_quiet_hours (alerts, at (0, 0)));
  g_assert_false (dw_sla_alerts_in_quiet_hours (alerts, at (13, 59)));

  g_assert_false (dw_sla_alerts_push (alerts, 1, 1, DW_SLA_TARGET_RESOLUTION, DW_SLA_STATE_OK,
                                      DW_SLA_STATE_BREACHED, at (15, 0)));
  g_assert_cmpuint (dw_sla_alerts_get_suppressed (alerts), ==, 1);
  /* Non-alerts are not "suppressed". */
  g_assert_false (dw_sla_alerts_push (alerts, 1, 1, DW_SLA_TARGET_RESOLUTION, DW_SLA_STATE_OK,
                                      DW_SLA_STATE_MET, at (15, 0)));
  g_assert_cmpuint (dw_sla_alerts_get_suppressed (alerts), ==, 1);
  g_assert_true (dw_sla_alerts_push (alerts, 2, 1, DW_SLA_TARGET_RESOLUTION, DW_SLA_STATE_OK,
                                     DW_SLA_STATE_BREACHED, at (3, 0)));

  /* Within a day, 12:00–13:00 UTC. */
  dw_sla_alerts_set_quiet_hours (alerts, NULL, 0, 0);
  g_assert_false (dw_sla_alerts_in_quiet_hours (alerts, at (15, 0)));
  {
    g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

    dw_sla_alerts_set_quiet_hours (alerts, utc, 12 * 60, 13 * 60);
  }
  g_assert_true (dw_sla_alerts_in_quiet_hours (alerts, at (12, 30)));
  g_assert_false (dw_sla_alerts_in_quiet_hours (alerts, at (13, 0)));
  g_assert_false (dw_sla_alerts_in_quiet_hours (alerts, at (11, 59)));
  g_ptr_array_unref (received.alerts);
}

static void
test_event (void)
{
  Received received;
  g_autoptr(DwSlaAlerts) alerts = new_alerts (&received);
  g_autoptr(JsonObject) breach = dw_json_object_from_string (
    "{\"ticket_id\": 10023, \"team_id\": 3, \"assignee_id\": 7, \"target\": \"first-response\", "
    "\"before\": \"at-risk\", \"after\": \"breached\", \"sla_state\": \"breached\"}", NULL);
  g_autoptr(JsonObject) no_team = dw_json_object_from_string (
    "{\"ticket_id\": 10024, \"team_id\": null, \"target\": \"resolution\", "
    "\"before\": \"ok\", \"after\": \"at-risk\"}", NULL);
  g_autoptr(JsonObject) junk = dw_json_object_from_string (
    "{\"ticket_id\": 1, \"target\": \"lunch\", \"before\": \"ok\", \"after\": \"breached\"}", NULL);
  DwSlaAlertEntry *entry;

  g_assert_true (dw_sla_alerts_push_event (alerts, breach, at (10, 0)));
  g_assert_true (dw_sla_alerts_push_event (alerts, no_team, at (10, 0)));
  g_assert_false (dw_sla_alerts_push_event (alerts, junk, at (10, 0)));
  dw_sla_alerts_flush (alerts, at (10, 0));

  g_assert_cmpuint (received.alerts->len, ==, 1);
  entry = &g_array_index (nth (&received, 0)->entries, DwSlaAlertEntry, 0);
  g_assert_cmpint (entry->ticket_id, ==, 10023);
  g_assert_cmpint (entry->team_id, ==, 3);
  g_assert_cmpint (entry->target, ==, DW_SLA_TARGET_FIRST_RESPONSE);
  g_assert_cmpint (entry->state, ==, DW_SLA_STATE_BREACHED);
  entry = &g_array_index (nth (&received, 0)->entries, DwSlaAlertEntry, 1);
  g_assert_cmpint (entry->team_id, ==, 0);
  g_ptr_array_unref (received.alerts);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sla-alerts/single", test_single);
  g_test_add_func ("/sla-alerts/group", test_group);
  g_test_add_func ("/sla-alerts/transitions", test_transitions);
  g_test_add_func ("/sla-alerts/filters", test_filters);
  g_test_add_func ("/sla-alerts/quiet-hours", test_quiet_hours);
  g_test_add_func ("/sla-alerts/event", test_event);

  return g_test_run ();
}
