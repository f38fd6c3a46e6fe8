/* dw-sla-alerts.c: SLA transitions → filtered, batched alerts. */
#include "config.h"

#include "dw-sla-alerts.h"

struct _DwSlaAlerts
{
  GObject          parent_instance;

  GArray          *teams;         /* gint64; empty: every team */
  DwSlaAlertKinds  kinds;
  GTimeZone       *quiet_tz;
  int              quiet_start;
  int              quiet_end;
  guint            window;

  GArray          *pending;       /* DwSlaAlertEntry of the open batch */
  gint64           first_at;
  guint            suppressed;
};

G_DEFINE_FINAL_TYPE (DwSlaAlerts, dw_sla_alerts, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (DwSlaAlert, dw_sla_alert, dw_sla_alert_copy, dw_sla_alert_free)

enum {
  ALERT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* DwSlaAlert */

DwSlaAlert *
dw_sla_alert_copy (const DwSlaAlert *alert)
{
  DwSlaAlert *copy;

  g_return_val_if_fail (alert != NULL, NULL);

  copy = g_memdup2 (alert, sizeof *alert);
  copy->entries = g_array_copy (alert->entries);
  return copy;
}

void
dw_sla_alert_free (DwSlaAlert *alert)
{
  if (alert == NULL)
    return;

  g_clear_pointer (&alert->entries, g_array_unref);
  g_free (alert);
}

gboolean
dw_sla_alert_is_group (const DwSlaAlert *alert)
{
  g_return_val_if_fail (alert != NULL, FALSE);

  return alert->n_tickets > 1;
}

/* Helpers */

static gboolean
team_watched (DwSlaAlerts *self,
              gint64       team_id)
{
  if (self->teams->len == 0)
    return TRUE;

  for (guint i = 0; i < self->teams->len; i++)
    if (g_array_index (self->teams, gint64, i) == team_id)
      return TRUE;

  return FALSE;
}

static DwSlaAlertKinds
transition_kind (DwSlaState before,
                 DwSlaState after)
{
  if (after == DW_SLA_STATE_BREACHED && before != DW_SLA_STATE_BREACHED)
    return DW_SLA_ALERT_BREACHED;

  if (after == DW_SLA_STATE_AT_RISK && before != DW_SLA_STATE_AT_RISK
      && before != DW_SLA_STATE_BREACHED)
    return DW_SLA_ALERT_AT_RISK;

  return 0;
}

static DwSlaAlert *
build_alert (DwSlaAlerts *self,
             gint64       now)
{
  g_autoptr(GHashTable) worst = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  DwSlaAlert *alert = g_new0 (DwSlaAlert, 1);
  GHashTableIter iter;
  gpointer key, value;

  alert->entries = g_steal_pointer (&self->pending);
  self->pending = g_array_new (FALSE, FALSE, sizeof (DwSlaAlertEntry));
  alert->first_at = self->first_at;
  alert->at = now;
  alert->state = DW_SLA_STATE_AT_RISK;

  for (guint i = 0; i < alert->entries->len; i++)
    {
      DwSlaAlertEntry *entry = &g_array_index (alert->entries, DwSlaAlertEntry, i);
      DwSlaState state = GPOINTER_TO_INT (g_hash_table_lookup (worst, &entry->ticket_id));

      if (entry->state > state)
        g_hash_table_replace (worst, g_memdup2 (&entry->ticket_id, sizeof (gint64)),
                              GINT_TO_POINTER (entry->state));
      if (entry->state == DW_SLA_STATE_BREACHED)
        alert->state = DW_SLA_STATE_BREACHED;
    }

  g_hash_table_iter_init (&iter, worst);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      alert->n_tickets++;
      if (GPOINTER_TO_INT (value) == DW_SLA_STATE_BREACHED)
        alert->n_breached++;
      else
        alert->n_at_risk++;
    }

  return alert;
}

/* Overrides */

static void
dw_sla_alerts_finalize (GObject *object)
{
  DwSlaAlerts *self = DW_SLA_ALERTS (object);

  g_clear_pointer (&self->teams, g_array_unref);
  g_clear_pointer (&self->pending, g_array_unref);
  g_clear_pointer (&self->quiet_tz, g_time_zone_unref);

  G_OBJECT_CLASS (dw_sla_alerts_parent_class)->finalize (object);
}

static void
dw_sla_alerts_class_init (DwSlaAlertsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dw_sla_alerts_finalize;

  /**
   * DwSlaAlerts::alert:
   * @alert: (transfer none): one ticket's or a group's alert
   */
  signals[ALERT] = g_signal_new ("alert",
                                 G_TYPE_FROM_CLASS (klass),
                                 G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 1,
                                 DW_TYPE_SLA_ALERT | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
dw_sla_alerts_init (DwSlaAlerts *self)
{
  self->teams = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->pending = g_array_new (FALSE, FALSE, sizeof (DwSlaAlertEntry));
  self->kinds = DW_SLA_ALERT_ALL;
  self->window = 5;
}

/* Public API */

DwSlaAlerts *
dw_sla_alerts_new (void)
{
  return g_object_new (DW_TYPE_SLA_ALERTS, NULL);
}

void
dw_sla_alerts_set_teams (DwSlaAlerts  *self,
                         const gint64 *team_ids,
                         guint         n_teams)
{
  g_return_if_fail (DW_IS_SLA_ALERTS (self));
  g_return_if_fail (team_ids != NULL || n_teams == 0);

  g_array_set_size (self->teams, 0);
  if (n_teams > 0)
    g_array_append_vals (self->teams, team_ids, n_teams);
}

void
dw_sla_alerts_set_kinds (DwSlaAlerts     *self,
                         DwSlaAlertKinds  kinds)
{
  g_return_if_fail (DW_IS_SLA_ALERTS (self));

  self->kinds = kinds & DW_SLA_ALERT_ALL;
}

void
dw_sla_alerts_set_quiet_hours (DwSlaAlerts *self,
                               GTimeZone   *tz,
                               int          start_min,
                               int          end_min)
{
  g_return_if_fail (DW_IS_SLA_ALERTS (self));
  g_return_if_fail (start_min >= 0 && start_min < 1440);
  g_return_if_fail (end_min >= 0 && end_min < 1440);

  g_clear_pointer (&self->quiet_tz, g_time_zone_unref);
  self->quiet_tz = tz != NULL ? g_time_zone_ref (tz) : g_time_zone_new_local ();
  self->quiet_start = start_min;
  self->quiet_end = end_min;
}

gboolean
dw_sla_alerts_in_quiet_hours (DwSlaAlerts *self,
                              gint64       now)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  int minute;

  g_return_val_if_fail (DW_IS_SLA_ALERTS (self), FALSE);

  if (self->quiet_tz == NULL || self->quiet_start == self->quiet_end)
    return FALSE;

  utc = g_date_time_new_from_unix_utc (now);
  local = g_date_time_to_timezone (utc, self->quiet_tz);
  minute = g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local);

  if (self->quiet_start < self->quiet_end)
    return minute >= self->quiet_start && minute < self->quiet_end;

  /* Over midnight, e.g. 22:00–08:00. */
  return minute >= self->quiet_start || minute < self->quiet_end;
}

void
dw_sla_alerts_set_window (DwSlaAlerts *self,
                          guint        seconds)
{
  g_return_if_fail (DW_IS_SLA_ALERTS (self));

  self->window = seconds;
}

gboolean
dw_sla_alerts_push (DwSlaAlerts *self,
                    gint64       ticket_id,
                    gint64       team_id,
                    DwSlaTarget  target,
                    DwSlaState   before,
                    DwSlaState   after,
                    gint64       now)
{
  DwSlaAlertKinds kind;
  DwSlaAlertEntry entry = { ticket_id, team_id, target, after, now };

  g_return_val_if_fail (DW_IS_SLA_ALERTS (self), FALSE);

  kind = transition_kind (before, after);
  if (kind == 0 || (self->kinds & kind) == 0 || !team_watched (self, team_id))
    return FALSE;

  if (dw_sla_alerts_in_quiet_hours (self, now))
    {
      self->suppressed++;
      return FALSE;
    }

  /* The same target again in one batch (at risk, then breached): keep the worst. */
  for (guint i = 0; i < self->pending->len; i++)
    {
      DwSlaAlertEntry *e = &g_array_index (self->pending, DwSlaAlertEntry, i);

      if (e->ticket_id == ticket_id && e->target == target)
        {
          e->state = MAX (e->state, after);
          return TRUE;
        }
    }

  if (self->pending->len == 0)
    self->first_at = now;
  g_array_append_val (self->pending, entry);
  return TRUE;
}

gboolean
dw_sla_alerts_push_event (DwSlaAlerts *self,
                          JsonObject  *data,
                          gint64       now)
{
  int target, before, after;
  JsonNode *team;

  g_return_val_if_fail (DW_IS_SLA_ALERTS (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  if (!dw_enum_from_string (DW_TYPE_SLA_TARGET,
                            json_object_get_string_member_with_default (data, "target", NULL),
                            &target)
      || !dw_enum_from_string (DW_TYPE_SLA_STATE,
                               json_object_get_string_member_with_default (data, "before", NULL),
                               &before)
      || !dw_enum_from_string (DW_TYPE_SLA_STATE,
                               json_object_get_string_member_with_default (data, "after", NULL),
                               &after))
    return FALSE;

  team = json_object_get_member (data, "team_id");
  return dw_sla_alerts_push (self, json_object_get_int_member_with_default (data, "ticket_id", 0),
                             team != NULL && JSON_NODE_HOLDS_VALUE (team)
                             ? json_node_get_int (team) : 0,
                             target, before, after, now);
}

void
dw_sla_alerts_tick (DwSlaAlerts *self,
                    gint64       now)
{
  g_return_if_fail (DW_IS_SLA_ALERTS (self));

  if (self->pending->len > 0 && now >= self->first_at + (gint64) self->window)
    dw_sla_alerts_flush (self, now);
}

void
dw_sla_alerts_flush (DwSlaAlerts *self,
                     gint64       now)
{
  g_autoptr(DwSlaAlert) alert = NULL;

  g_return_if_fail (DW_IS_SLA_ALERTS (self));

  if (self->pending->len == 0)
    return;

  alert = build_alert (self, now);
  g_signal_emit (self, signals[ALERT], 0, alert);
}

guint
dw_sla_alerts_get_n_pending (DwSlaAlerts *self)
{
  g_return_val_if_fail (DW_IS_SLA_ALERTS (self), 0);
  return self->pending->len;
}

guint
dw_sla_alerts_get_suppressed (DwSlaAlerts *self)
{
  g_return_val_if_fail (DW_IS_SLA_ALERTS (self), 0);
  return self->suppressed;
}
