/* dw-sla-timeline.h: the SLA clock of one ticket: for each target, the stretches it went
 * through — running, paused (and why), at risk, breached, met — from the service's
 * GET /api/v1/tickets/{id}/sla-timeline (built from the audit trail).
 */
#pragma once

#include <gtk/gtk.h>

#include "dw-client.h"

G_BEGIN_DECLS

#define DW_TYPE_SLA_TIMELINE (dw_sla_timeline_get_type ())
G_DECLARE_FINAL_TYPE (DwSlaTimeline, dw_sla_timeline, DW, SLA_TIMELINE, GtkWidget)

GtkWidget *dw_sla_timeline_new      (void);
/* Loads the timeline of @ticket_id (0: shows nothing). */
void       dw_sla_timeline_load     (DwSlaTimeline *self,
                                     DwClient      *client,
                                     gint64         ticket_id);
/* For tests: the lines shown, one per stretch, e.g. "First response: Paused (outside business
 * hours) 18:00–09:00"; NULL-terminated, transfer full. */
char     **dw_sla_timeline_dup_lines (DwSlaTimeline *self);

G_END_DECLS
