/* UI-side test of the desktop alerts: DwAlerts on a registered GApplication, live on a real
 * deskwatchd whose clock runs 60 times faster, with this test as the desktop's notification
 * server (org.freedesktop.Notifications on the private session bus of tests/run-ui-test.sh,
 * which has no other notification service): what the console sends is seen on the bus.
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "dw-alerts.h"
#include "dw-session.h"
#include "dw-test-notifications.h"
#include "dw-test-server.h"
#define DW_TEST_WAIT_SECONDS 120
#include "dw-test-wait.h"

static DwTestServer *server;
static DwSession *session;
static GApplication *app;
static GSettings *settings;
static DwAlerts *alerts;
static GPtrArray *notes;          /* of DwTestNote, in order */
static gint64 shown_ticket;       /* what app.show-ticket was activated with */

/* The desk */

static gint64
create_ticket (gint64 team_id)
{
  g_autoptr(DwTestResponse) r = NULL;

  r = dw_test_server_jsonf (server, "POST", server->admin_token, "/api/v1/tickets",
                            "{\"subject\": \"包裹被退回了\", \"channel\": \"web\", "
                            "\"priority\": \"urgent\", \"team_id\": %" G_GINT64_FORMAT "}",
                            team_id);
  dw_test_assert_status (r, 201);
  return json_object_get_int_member (dw_test_response_object (r), "id");
}

/* Solved: its targets change no more, so they cannot get into the next test's batch. */
static void
solve (gint64 id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  g_autoptr(DwTestResponse) got = dw_test_server_json (server, "GET", path, server->admin_token, NULL);
  g_autoptr(DwTestResponse) r = NULL;

  dw_test_assert_status (got, 200);
  r = dw_test_server_jsonf (server, "PATCH", server->admin_token, path,
                            "{\"version\": %" G_GINT64_FORMAT ", \"status\": \"solved\"}",
                            json_object_get_int_member (dw_test_response_object (got), "version"));
  dw_test_assert_status (r, 200);
}

static gboolean
breached_in_console (gint64 id)
{
  DwTicket *ticket = dw_sync_lookup_ticket (dw_session_get_sync (session), id);

  return ticket != NULL && dw_ticket_get_sla_state (ticket) == DW_SLA_STATE_BREACHED;
}

static DwTestNote *
last_note (void)
{
  return notes->len > 0 ? g_ptr_array_index (notes, notes->len - 1) : NULL;
}

static void
show_ticket_cb (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  shown_ticket = g_variant_get_int64 (param);
}

static void
set_up (void)
{
  const char * const speed[] = { "--speed", "60", NULL };
  static const GActionEntry actions[] = {
    { "show-ticket", show_ticket_cb, "x" },
    { "show-sla", NULL },
  };
  g_autoptr(DwClient) client = NULL;
  g_autoptr(GError) error = NULL;

  dw_test_notifications_own ();
  notes = dw_test_notifications_get ();

  server = dw_test_server_new_with_desk ();
  dw_test_server_stop (server);
  dw_test_server_exec (server, "UPDATE calendars SET timezone = 'UTC', week = '[[[0,1440]],[[0,1440]],"
            "[[0,1440]],[[0,1440]],[[0,1440]],[[0,1440]],[[0,1440]]]'");
  dw_test_server_exec (server, "INSERT INTO sla_policies (name, position, match_priorities, "
            "first_response_minutes, next_response_minutes, resolution_minutes, "
            "at_risk_ratio) VALUES ('VIP', 0, '[\"urgent\"]', 4, 4, 20, 0.5)");
  dw_test_server_start (server, speed);

  app = g_application_new ("org.deskwatch.Deskwatch.AlertsTest", G_APPLICATION_NON_UNIQUE);
  g_action_map_add_action_entries (G_ACTION_MAP (app), actions, G_N_ELEMENTS (actions), NULL);
  g_application_register (app, NULL, &error);
  g_assert_no_error (error);

  settings = g_settings_new (APP_ID);
  alerts = dw_alerts_new (app, settings);
  /* A short batch window: the sped-up desk changes fast. */
  dw_sla_alerts_set_window (dw_alerts_get_sla_alerts (alerts), 1);

  /* The lead of team_id, signed in like the console. */
  client = dw_client_new (server->url);
  dw_client_set_token (client, server->lead_token);
  session = dw_session_new (client, NULL, FALSE);
  dw_session_start (session);
  WAIT_UNTIL (dw_sync_get_state (dw_session_get_sync (session)) == DW_SYNC_STATE_CONNECTED);
  dw_alerts_set_sync (alerts, dw_session_get_sync (session));
}

/* Tests */

static void
test_at_risk_then_breached (void)
{
  gint64 id = create_ticket (server->team_id);
  g_autofree char *at_risk = g_strdup_printf ("SLA at risk: #%" G_GINT64_FORMAT, id);
  g_autofree char *breached = g_strdup_printf ("SLA breached: #%" G_GINT64_FORMAT, id);
  guint seen = notes->len;
  gboolean saw_at_risk = FALSE;
  DwTestNote *note;

  /* At risk at 2 business minutes (2 s here), breached at 4. */
  WAIT_UNTIL (last_note () != NULL && g_strcmp0 (last_note ()->summary, breached) == 0);
  for (guint i = seen; i < notes->len; i++)
    {
      note = g_ptr_array_index (notes, i);
      g_test_message ("notification: %s — %s", note->summary, note->body);
      if (g_str_equal (note->summary, at_risk))
        saw_at_risk = TRUE;
    }
  g_assert_true (saw_at_risk);
  note = last_note ();
  g_assert (note != NULL);
  g_assert_nonnull (strstr (note->body, "包裹被退回了"));
  g_assert_nonnull (strstr (note->body, "First response"));
  /* Clicking it opens the ticket. */
  g_assert_true (g_strv_contains ((const char * const *) note->actions, "default"));
  dw_test_notifications_invoke (note->id, "default");
  WAIT_UNTIL (shown_ticket == id);
  solve (id);
}

static void
test_many_make_one (void)
{
  gint64 ids[4];
  guint seen;
  DwTestNote *note;

  /* Let anything still in flight from the last test go by. */
  dw_test_spin (3000);
  seen = notes->len;
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    ids[i] = create_ticket (server->team_id);

  /* They turn at risk together: one notification saying how many. */
  WAIT_UNTIL (notes->len > seen);
  note = g_ptr_array_index (notes, seen);
  g_test_message ("notification: %s — %s", note->summary, note->body);
  g_assert_cmpstr (note->summary, ==, "4 tickets need attention");
  g_assert_nonnull (strstr (note->body, "4 at risk"));
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    solve (ids[i]);
}

static void
test_quiet_hours (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  int minute = g_date_time_get_hour (now) * 60 + g_date_time_get_minute (now);
  guint seen;
  gint64 id;

  dw_test_spin (6000);
  seen = notes->len;
  g_settings_set_int (settings, "quiet-hours-start", (minute + 1440 - 5) % 1440);
  g_settings_set_int (settings, "quiet-hours-end", (minute + 60) % 1440);

  id = create_ticket (server->team_id);
  WAIT_UNTIL (breached_in_console (id));
  dw_test_spin (2500);
  g_assert_cmpuint (notes->len, ==, seen);
  g_assert_cmpuint (dw_sla_alerts_get_suppressed (dw_alerts_get_sla_alerts (alerts)), >, 0);
  solve (id);

  g_settings_set_int (settings, "quiet-hours-start", -1);
  g_settings_set_int (settings, "quiet-hours-end", -1);
}

static void
test_unwatched_team (void)
{
  const gint64 other[] = { server->other_team_id };
  guint seen;
  gint64 id;

  dw_test_spin (6000);
  seen = notes->len;
  g_settings_set_value (settings, "alert-teams",
                        g_variant_new_fixed_array (G_VARIANT_TYPE_INT64, other, 1, sizeof (gint64)));

  id = create_ticket (server->team_id);
  WAIT_UNTIL (breached_in_console (id));
  dw_test_spin (2500);
  g_assert_cmpuint (notes->len, ==, seen);
  solve (id);

  g_settings_reset (settings, "alert-teams");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  set_up ();

  g_test_add_func ("/console/alerts/at-risk-then-breached", test_at_risk_then_breached);
  g_test_add_func ("/console/alerts/many-make-one", test_many_make_one);
  g_test_add_func ("/console/alerts/quiet-hours", test_quiet_hours);
  g_test_add_func ("/console/alerts/unwatched-team", test_unwatched_team);

  status = g_test_run ();

  dw_alerts_set_sync (alerts, NULL);
  g_clear_object (&alerts);
  dw_session_stop (session);
  g_clear_object (&session);
  g_clear_object (&settings);
  g_clear_object (&app);
  dw_test_server_free (server);
  return status;
}
