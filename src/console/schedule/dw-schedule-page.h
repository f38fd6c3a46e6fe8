/* dw-schedule-page.h: the Schedule section (Alt+3): a team's week roster, today's staffing and
 * adherence. */
#pragma once

#include <adwaita.h>

#include "dw-clock.h"
#include "dw-sync.h"

G_BEGIN_DECLS

#define DW_TYPE_SCHEDULE_PAGE (dw_schedule_page_get_type ())
G_DECLARE_FINAL_TYPE (DwSchedulePage, dw_schedule_page, DW, SCHEDULE_PAGE, GtkWidget)

GtkWidget *dw_schedule_page_new            (void);
void       dw_schedule_page_set_context    (DwSchedulePage *self,
                                            DwSync         *sync,
                                            DwClock        *clock);
/* The team shown (the lead's first team until another is picked); 0 for none. */
gint64     dw_schedule_page_get_team       (DwSchedulePage *self);
void       dw_schedule_page_set_team       (DwSchedulePage *self,
                                            gint64          team_id);
/* How many teams the picker offers (shown from two on). */
guint      dw_schedule_page_get_n_teams    (DwSchedulePage *self);
/* "week", "today" or "adherence". */
void       dw_schedule_page_show_view      (DwSchedulePage *self,
                                            const char     *name);
GtkWidget *dw_schedule_page_get_roster     (DwSchedulePage *self);
GtkWidget *dw_schedule_page_get_today      (DwSchedulePage *self);
GtkWidget *dw_schedule_page_get_adherence  (DwSchedulePage *self);

G_END_DECLS
