/* dw-alerts.h: desktop notifications when tickets of the lead's teams turn at risk or breach.
 *
 * Follows a DwSync's "sla.changed" events through DwSlaAlerts (which batches them: many at once
 * make one notification that says how many) and sends each alert with
 * g_application_send_notification().  Clicking a notification about one ticket activates
 * "app.show-ticket" (int64 ticket id); one about several, "app.show-sla".
 *
 * The settings (org.deskwatch.Deskwatch): alert-teams (none: the teams the user leads, or every
 * team it sees when it leads none), alert-transitions, quiet-hours-start/-end (minutes after
 * local midnight, -1: none).  Batching and quiet hours use the real local time, not the
 * service's clock: they are about the lead's day.
 */
#pragma once

#include <gio/gio.h>

#include "dw-sla-alerts.h"
#include "dw-sync.h"

G_BEGIN_DECLS

#define DW_TYPE_ALERTS (dw_alerts_get_type ())
G_DECLARE_FINAL_TYPE (DwAlerts, dw_alerts, DW, ALERTS, GObject)

DwAlerts    *dw_alerts_new             (GApplication *application,
                                        GSettings    *settings);
/* The desk to watch; NULL to stop. */
void         dw_alerts_set_sync        (DwAlerts     *self,
                                        DwSync       *sync);
/* For tests: the batching, and how many notifications were sent. */
DwSlaAlerts *dw_alerts_get_sla_alerts  (DwAlerts     *self);
guint        dw_alerts_get_n_sent      (DwAlerts     *self);

G_END_DECLS
