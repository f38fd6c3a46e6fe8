/* dw-sla-alerts.h: desktop alerts from SLA transitions, without the desktop.
 *
 * The console feeds every SLA transition it sees (the "sla.changed" events of the stream:
 * ticket, team, target, state before → after) with dw_sla_alerts_push*().  A transition is an
 * alert when a target *becomes* at risk or breached, the ticket's team is watched, that kind
 * of transition is wanted, and it is not quiet hours.  Alerts are batched: the first one opens
 * a window of a few seconds (dw_sla_alerts_set_window), and when it closes everything that
 * came in is emitted as one DwSlaAlert — one ticket, or a group ("5 tickets breached").  The
 * window is not extended by later arrivals, so a storm still alerts on time.
 *
 * No timers run here: the console's 1-second tick calls dw_sla_alerts_tick(now), which emits
 * "alert" once a window has closed; the console turns each alert into a GNotification (its
 * words, its translations).  Tests drive time by hand.
 *
 * Signal "alert": void (*) (DwSlaAlerts *, DwSlaAlert *alert, gpointer) — @alert is borrowed.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "dw-enums.h"

G_BEGIN_DECLS

typedef enum
{
  DW_SLA_ALERT_AT_RISK  = 1 << 0,  /* a target became at risk */
  DW_SLA_ALERT_BREACHED = 1 << 1,  /* a target breached */
} DwSlaAlertKinds;

#define DW_SLA_ALERT_ALL (DW_SLA_ALERT_AT_RISK | DW_SLA_ALERT_BREACHED)

typedef struct
{
  gint64      ticket_id;
  gint64      team_id;      /* 0: none */
  DwSlaTarget target;
  DwSlaState  state;        /* at-risk or breached */
  gint64      at;           /* when it was pushed */
} DwSlaAlertEntry;

typedef struct
{
  DwSlaState  state;        /* the worst state among the entries: breached or at-risk */
  guint       n_tickets;    /* distinct tickets */
  guint       n_breached;   /* distinct tickets with a breached entry */
  guint       n_at_risk;    /* distinct tickets whose entries are at-risk only */
  GArray     *entries;      /* DwSlaAlertEntry, one per (ticket, target), in arrival order */
  gint64      first_at;     /* when the window opened */
  gint64      at;           /* when the alert was emitted */
} DwSlaAlert;

#define DW_TYPE_SLA_ALERT (dw_sla_alert_get_type ())
GType       dw_sla_alert_get_type (void) G_GNUC_CONST;
DwSlaAlert *dw_sla_alert_copy     (const DwSlaAlert *alert);
void        dw_sla_alert_free     (DwSlaAlert       *alert);
/* TRUE when the alert is about more than one ticket (show the count, open the SLA board). */
gboolean    dw_sla_alert_is_group (const DwSlaAlert *alert);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DwSlaAlert, dw_sla_alert_free)

#define DW_TYPE_SLA_ALERTS (dw_sla_alerts_get_type ())
G_DECLARE_FINAL_TYPE (DwSlaAlerts, dw_sla_alerts, DW, SLA_ALERTS, GObject)

DwSlaAlerts *dw_sla_alerts_new             (void);

/* The teams to alert for (@n_teams ids); none (0) means every team. */
void         dw_sla_alerts_set_teams       (DwSlaAlerts     *self,
                                            const gint64    *team_ids,
                                            guint            n_teams);
/* Which transitions alert; default DW_SLA_ALERT_ALL. */
void         dw_sla_alerts_set_kinds       (DwSlaAlerts     *self,
                                            DwSlaAlertKinds  kinds);
/* Quiet hours: local minutes [@start_min, @end_min) of @tz (may run over midnight, e.g.
 * 1320 → 480 for 22:00–08:00); transitions then are dropped and counted as suppressed.
 * @start_min == @end_min turns quiet hours off (the default).  @tz NULL: local time. */
void         dw_sla_alerts_set_quiet_hours (DwSlaAlerts     *self,
                                            GTimeZone       *tz,
                                            int              start_min,
                                            int              end_min);
gboolean     dw_sla_alerts_in_quiet_hours  (DwSlaAlerts     *self,
                                            gint64           now);
/* Seconds a batch stays open; default 5, 0 emits at the next tick. */
void         dw_sla_alerts_set_window      (DwSlaAlerts     *self,
                                            guint            seconds);

/* One transition; TRUE when it was taken into the current batch. */
gboolean     dw_sla_alerts_push            (DwSlaAlerts     *self,
                                            gint64           ticket_id,
                                            gint64           team_id,
                                            DwSlaTarget      target,
                                            DwSlaState       before,
                                            DwSlaState       after,
                                            gint64           now);
/* The payload of an "sla.changed" event (ticket_id, team_id, target, before, after). */
gboolean     dw_sla_alerts_push_event      (DwSlaAlerts     *self,
                                            JsonObject      *data,
                                            gint64           now);

/* Emits "alert" when the open batch's window has passed at @now. */
void         dw_sla_alerts_tick            (DwSlaAlerts     *self,
                                            gint64           now);
/* Emits the open batch now, if any (e.g. before quitting). */
void         dw_sla_alerts_flush           (DwSlaAlerts     *self,
                                            gint64           now);
/* How many transitions were waiting in the open batch. */
guint        dw_sla_alerts_get_n_pending   (DwSlaAlerts     *self);
/* How many alerting transitions quiet hours dropped so far. */
guint        dw_sla_alerts_get_suppressed  (DwSlaAlerts     *self);

G_END_DECLS
