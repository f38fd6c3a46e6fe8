/* dw-alerts.c
 *
 * One 1-second timer closes the batches; it runs only while a desk is watched.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-alerts.h"
#include "dw-queue-format.h"

struct _DwAlerts
{
  GObject       parent_instance;

  GApplication *application;  /* not owned: the application owns us */
  GSettings    *settings;
  DwSync       *sync;
  DwSlaAlerts  *alerts;
  guint         tick_id;
  guint         n_sent;
};

G_DEFINE_FINAL_TYPE (DwAlerts, dw_alerts, G_TYPE_OBJECT)

static gint64
real_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
apply_teams (DwAlerts *self)
{
  g_autoptr(GVariant) chosen = g_settings_get_value (self->settings, "alert-teams");
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gsize n = 0;
  const gint64 *values = g_variant_get_fixed_array (chosen, &n, sizeof (gint64));

  if (n > 0)
    {
      g_array_append_vals (ids, values, n);
    }
  else if (self->sync != NULL && dw_sync_get_me (self->sync) != NULL)
    {
      GArray *teams = dw_user_get_teams (dw_sync_get_me (self->sync));

      for (guint i = 0; teams != NULL && i < teams->len; i++)
        {
          DwUserTeam *team = &g_array_index (teams, DwUserTeam, i);

          if (team->is_lead)
            g_array_append_val (ids, team->team_id);
        }
    }

  /* No team led and none chosen: every team the user may see. */
  dw_sla_alerts_set_teams (self->alerts, (const gint64 *) ids->data, ids->len);
}

static void
apply_settings (DwAlerts *self)
{
  g_auto(GStrv) transitions = g_settings_get_strv (self->settings, "alert-transitions");
  DwSlaAlertKinds kinds = 0;
  int start = g_settings_get_int (self->settings, "quiet-hours-start");
  int end = g_settings_get_int (self->settings, "quiet-hours-end");

  if (g_strv_contains ((const char * const *) transitions, "at-risk"))
    kinds |= DW_SLA_ALERT_AT_RISK;
  if (g_strv_contains ((const char * const *) transitions, "breached"))
    kinds |= DW_SLA_ALERT_BREACHED;
  dw_sla_alerts_set_kinds (self->alerts, kinds);

  if (start < 0 || end < 0)
    start = end = 0;
  dw_sla_alerts_set_quiet_hours (self->alerts, NULL, start, end);

  apply_teams (self);
}

static char *
ticket_subject (DwAlerts *self,
                gint64    ticket_id)
{
  DwTicket *ticket = self->sync != NULL ? dw_sync_lookup_ticket (self->sync, ticket_id) : NULL;

  return g_strdup (ticket != NULL ? dw_ticket_get_subject (ticket) : "");
}

static void
alert_cb (DwAlerts    *self,
          DwSlaAlert  *alert,
          DwSlaAlerts *alerts)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  gboolean breached = alert->state == DW_SLA_STATE_BREACHED;

  if (!dw_sla_alert_is_group (alert))
    {
      const DwSlaAlertEntry *entry = &g_array_index (alert->entries, DwSlaAlertEntry,
                                                      alert->entries->len - 1);
      g_autofree char *subject = ticket_subject (self, entry->ticket_id);
      DwTeam *team = self->sync != NULL ? dw_sync_lookup_team (self->sync, entry->team_id) : NULL;
      g_autofree char *id = g_strdup_printf ("sla-ticket-%" G_GINT64_FORMAT, entry->ticket_id);
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, entry->ticket_id);

      title = breached
        /* Translators: a desktop notification's title; %s is a ticket number. */
        ? g_strdup_printf (_("SLA breached: #%s"), number)
        : g_strdup_printf (_("SLA at risk: #%s"), number);
      /* Translators: "First response · 物流: 包裹被退回了" — target, team, subject. */
      body = g_strdup_printf (_("%s · %s: %s"), dw_sla_target_label (entry->target),
                              team != NULL ? dw_team_get_name (team) : "", subject);
      notification = g_notification_new (title);
      g_notification_set_body (notification, body);
      g_notification_set_default_action_and_target (notification, "app.show-ticket", "x",
                                                     entry->ticket_id);
      g_notification_set_priority (notification, breached ? G_NOTIFICATION_PRIORITY_URGENT
                                                          : G_NOTIFICATION_PRIORITY_HIGH);
      g_application_send_notification (self->application, id, notification);
    }
  else
    {
      g_autofree char *breached_text = NULL;
      g_autofree char *at_risk_text = NULL;

      title = g_strdup_printf (g_dngettext (NULL, "%u ticket needs attention",
                                            "%u tickets need attention", alert->n_tickets),
                               alert->n_tickets);
      breached_text = g_strdup_printf (g_dngettext (NULL, "%u breached", "%u breached",
                                                    alert->n_breached), alert->n_breached);
      at_risk_text = g_strdup_printf (g_dngettext (NULL, "%u at risk", "%u at risk",
                                                   alert->n_at_risk), alert->n_at_risk);
      body = g_strdup_printf (_("%s · %s"), breached_text, at_risk_text);
      notification = g_notification_new (title);
      g_notification_set_body (notification, body);
      g_notification_set_default_action (notification, "app.show-sla");
      g_notification_set_priority (notification, breached ? G_NOTIFICATION_PRIORITY_URGENT
                                                          : G_NOTIFICATION_PRIORITY_HIGH);
      /* One id for every group: a new group replaces the last one. */
      g_application_send_notification (self->application, "sla-group", notification);
    }
  self->n_sent++;
}

static void
sla_changed_cb (DwAlerts   *self,
                const char *type,
                JsonObject *data,
                DwSync     *sync)
{
  dw_sla_alerts_push_event (self->alerts, data, real_now ());
}

static gboolean
tick_cb (gpointer user_data)
{
  DwAlerts *self = user_data;

  dw_sla_alerts_tick (self->alerts, real_now ());
  return G_SOURCE_CONTINUE;
}

static void
dw_alerts_dispose (GObject *object)
{
  DwAlerts *self = DW_ALERTS (object);

  dw_alerts_set_sync (self, NULL);
  g_clear_object (&self->alerts);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (dw_alerts_parent_class)->dispose (object);
}

static void
dw_alerts_class_init (DwAlertsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dw_alerts_dispose;
}

static void
dw_alerts_init (DwAlerts *self)
{
  self->alerts = dw_sla_alerts_new ();
  g_signal_connect_object (self->alerts, "alert", G_CALLBACK (alert_cb), self,
                           G_CONNECT_SWAPPED);
}

DwAlerts *
dw_alerts_new (GApplication *application,
               GSettings    *settings)
{
  DwAlerts *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (DW_TYPE_ALERTS, NULL);
  self->application = application;
  self->settings = g_object_ref (settings);
  g_signal_connect_object (settings, "changed", G_CALLBACK (apply_settings), self,
                           G_CONNECT_SWAPPED);
  apply_settings (self);
  return self;
}

void
dw_alerts_set_sync (DwAlerts *self,
                    DwSync   *sync)
{
  g_return_if_fail (DW_IS_ALERTS (self));

  if (self->sync == sync)
    return;

  if (self->sync != NULL)
    {
      /* Say what was waiting before leaving the desk. */
      dw_sla_alerts_flush (self->alerts, real_now ());
      g_signal_handlers_disconnect_by_data (self->sync, self);
    }
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_set_object (&self->sync, sync);

  if (sync != NULL)
    {
      g_signal_connect_object (sync, "event::sla.changed", G_CALLBACK (sla_changed_cb), self,
                               G_CONNECT_SWAPPED);
      /* Who leads what is known from the snapshot on. */
      g_signal_connect_object (sync, "resynced", G_CALLBACK (apply_teams), self,
                               G_CONNECT_SWAPPED);
      self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
    }
  apply_teams (self);
}

DwSlaAlerts *
dw_alerts_get_sla_alerts (DwAlerts *self)
{
  g_return_val_if_fail (DW_IS_ALERTS (self), NULL);
  return self->alerts;
}

guint
dw_alerts_get_n_sent (DwAlerts *self)
{
  g_return_val_if_fail (DW_IS_ALERTS (self), 0);
  return self->n_sent;
}
