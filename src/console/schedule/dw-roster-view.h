/* dw-roster-view.h: the week roster of one team — agents × days, shifts, absences, warnings,
 * draft or published — with its editing actions (roster.*). */
#pragma once

#include <adwaita.h>

#include "dw-clock.h"
#include "dw-sync.h"

G_BEGIN_DECLS

#define DW_TYPE_ROSTER_VIEW (dw_roster_view_get_type ())
G_DECLARE_FINAL_TYPE (DwRosterView, dw_roster_view, DW, ROSTER_VIEW, GtkWidget)

GtkWidget  *dw_roster_view_new              (void);
void        dw_roster_view_set_context      (DwRosterView *self,
                                             DwSync       *sync,
                                             DwClock      *clock);
/* Shows @team_id's roster (0: none), whose calendar @calendar_id gives days and zone. */
void        dw_roster_view_set_team         (DwRosterView *self,
                                             gint64        team_id,
                                             gint64        calendar_id);
gint64      dw_roster_view_get_team         (DwRosterView *self);
/* The week shown, by its Monday ("2026-12-14"); NULL until the team's calendar is known. */
const char *dw_roster_view_get_week         (DwRosterView *self);
void        dw_roster_view_set_week         (DwRosterView *self,
                                             const char   *monday);
/* How many times a roster was loaded and shown (tests wait on it). */
guint       dw_roster_view_get_n_loads      (DwRosterView *self);
/* "draft" or "published", NULL before the first load. */
const char *dw_roster_view_get_state        (DwRosterView *self);
/* The block showing shift @shift_id, or NULL. */
GtkWidget  *dw_roster_view_get_shift_widget (DwRosterView *self,
                                             gint64        shift_id);
/* Lines of the week's warnings list, as shown. */
GListModel *dw_roster_view_get_warnings     (DwRosterView *self);

/* What the dialogs do, for tests and for keyboard-free use: add a shift for @user_id on day
 * @day (0 = Monday) from @template_id, or (template 0) from @start to @end minutes after
 * local midnight (@end ≤ @start: the next day). */
void        dw_roster_view_add_shift        (DwRosterView *self,
                                             gint64        user_id,
                                             int           day,
                                             gint64        template_id,
                                             int           start,
                                             int           end);
/* Edits sent and not answered yet. */
guint       dw_roster_view_get_n_pending    (DwRosterView *self);
/* Writes the week as "ics" or "csv" to @file (the export action asks where first). */
void        dw_roster_view_export           (DwRosterView *self,
                                             const char   *format,
                                             GFile        *file);
/* How many exports were written (tests wait on it). */
guint       dw_roster_view_get_n_exports    (DwRosterView *self);

G_END_DECLS
