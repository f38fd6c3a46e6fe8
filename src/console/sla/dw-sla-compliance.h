/* dw-sla-compliance.h: the share of SLA targets met, per team or per policy, today and over
 * the last 7 and 30 days (GET /api/v1/sla/compliance), each figure a way into the tickets
 * behind it (GET /api/v1/sla/compliance/tickets).
 *
 * It loads when shown and again, a few seconds after the last SLA event, while shown: no
 * polling.
 */
#pragma once

#include <adwaita.h>

#include "dw-client.h"

G_BEGIN_DECLS

#define DW_TYPE_SLA_COMPLIANCE (dw_sla_compliance_get_type ())
G_DECLARE_FINAL_TYPE (DwSlaCompliance, dw_sla_compliance, DW, SLA_COMPLIANCE, GtkWidget)

void        dw_sla_compliance_set_client    (DwSlaCompliance *self,
                                             DwClient        *client);
/* Loads again a few seconds from now (many events in a row load once). */
void        dw_sla_compliance_queue_refresh (DwSlaCompliance *self);
void        dw_sla_compliance_refresh       (DwSlaCompliance *self);
/* FALSE: per team (the default); TRUE: per policy. */
void        dw_sla_compliance_set_by_policy (DwSlaCompliance *self,
                                             gboolean         by_policy);
/* The popover listing the tickets behind the figure last clicked (a DwSlaDrillDown). */
GtkWidget  *dw_sla_compliance_get_drill_down (DwSlaCompliance *self);
/* For tests: the figures last loaded (NULL before), and how many loads finished. */
JsonObject *dw_sla_compliance_get_figures   (DwSlaCompliance *self);
guint       dw_sla_compliance_get_n_loads   (DwSlaCompliance *self);
/* The text a cell shows: @group_id a team id (per team) or policy id (per policy), 0 for the
 * total; @target and @period as on the wire ("first-response", "7d"). NULL when not shown. */
const char *dw_sla_compliance_get_cell_text (DwSlaCompliance *self,
                                             gint64           group_id,
                                             const char      *target,
                                             const char      *period);

G_END_DECLS
