/* dw-staffing-day.h: today's staffing of a team (GET /staffing/day): the chart, the same
 * numbers as a table, and what-if controls that ask again with other targets. */
#pragma once

#include <adwaita.h>

#include "dw-clock.h"
#include "dw-staffing-chart.h"
#include "dw-sync.h"

G_BEGIN_DECLS

#define DW_TYPE_STAFFING_DAY (dw_staffing_day_get_type ())
G_DECLARE_FINAL_TYPE (DwStaffingDay, dw_staffing_day, DW, STAFFING_DAY, GtkWidget)

GtkWidget       *dw_staffing_day_new         (void);
void             dw_staffing_day_set_context (DwStaffingDay *self,
                                              DwSync        *sync,
                                              DwClock       *clock);
void             dw_staffing_day_set_team    (DwStaffingDay *self,
                                              gint64         team_id,
                                              gint64         calendar_id);
DwStaffingChart *dw_staffing_day_get_chart   (DwStaffingDay *self);
/* Loads shown so far; whether the service has the endpoint at all. */
guint            dw_staffing_day_get_n_loads (DwStaffingDay *self);
gboolean         dw_staffing_day_get_unavailable (DwStaffingDay *self);
/* What-if overrides: 0 for the team's own (service level as a share, handle time in
 * seconds, forecast in percent more or less). */
void             dw_staffing_day_set_what_if (DwStaffingDay *self,
                                              double         target_sl,
                                              int            aht,
                                              int            forecast_percent);
/* The query the last load used (below /api/v1). */
const char      *dw_staffing_day_get_query   (DwStaffingDay *self);

G_END_DECLS
