/* dw-adherence-view.h: schedule adherence today (GET /staffing/adherence): who is off
 * schedule now, and each agent's exceptions. */
#pragma once

#include <adwaita.h>

#include "dw-clock.h"
#include "dw-sync.h"

G_BEGIN_DECLS

#define DW_TYPE_ADHERENCE_VIEW (dw_adherence_view_get_type ())
G_DECLARE_FINAL_TYPE (DwAdherenceView, dw_adherence_view, DW, ADHERENCE_VIEW, GtkWidget)

GtkWidget *dw_adherence_view_new          (void);
void       dw_adherence_view_set_context  (DwAdherenceView *self,
                                           DwSync          *sync,
                                           DwClock         *clock);
void       dw_adherence_view_set_team     (DwAdherenceView *self,
                                           gint64           team_id,
                                           gint64           calendar_id);
guint      dw_adherence_view_get_n_loads  (DwAdherenceView *self);
/* Agents shown as off schedule now. */
guint      dw_adherence_view_get_n_off    (DwAdherenceView *self);

G_END_DECLS
