/* dw-sla-board.h: the SLA section: every target at risk or breached in the lead's teams, live,
 * sorted by the business time left, and the teams' compliance.
 *
 * One 1-second tick drives every countdown (dw_sla_watch_tick); rows are recycled by a
 * GtkListView, so targets off screen cost nothing but the arithmetic.  Each team's countdown
 * runs on its calendar (GET /api/v1/calendars), so it stands still outside business hours and
 * says when it resumes.
 */
#pragma once

#include <adwaita.h>

#include "dw-calendar.h"
#include "dw-sla-watch.h"
#include "dw-sync.h"

G_BEGIN_DECLS

#define DW_TYPE_SLA_BOARD (dw_sla_board_get_type ())
G_DECLARE_FINAL_TYPE (DwSlaBoard, dw_sla_board, DW, SLA_BOARD, GtkWidget)

GtkWidget   *dw_sla_board_new               (void);
void         dw_sla_board_set_sync          (DwSlaBoard *self,
                                             DwSync     *sync);
DwSync      *dw_sla_board_get_sync          (DwSlaBoard *self);
void         dw_sla_board_set_clock         (DwSlaBoard *self,
                                             DwClock    *clock);
gint64       dw_sla_board_get_now           (DwSlaBoard *self);
/* For the rows (transfer none; NULL when unknown). */
DwCalendar  *dw_sla_board_get_team_calendar (DwSlaBoard *self,
                                             gint64      team_id);
const char  *dw_sla_board_get_policy_name   (DwSlaBoard *self,
                                             gint64      policy_id);
/* The rows, in order (transfer none). */
DwSlaWatch  *dw_sla_board_get_watch         (DwSlaBoard *self);
/* Whether the team calendars have been loaded (countdowns count business time). */
gboolean     dw_sla_board_get_calendars_loaded (DwSlaBoard *self);
/* Advances the countdowns now instead of at the next tick; for tests. */
void         dw_sla_board_tick              (DwSlaBoard *self);
/* The compliance view (a DwSlaCompliance). */
GtkWidget   *dw_sla_board_get_compliance    (DwSlaBoard *self);
void         dw_sla_board_show_compliance   (DwSlaBoard *self,
                                             gboolean    compliance);

/* Whether the board shows its figures as not live (the service is not connected). */
gboolean    dw_sla_board_get_stale (DwSlaBoard *self);

G_END_DECLS
