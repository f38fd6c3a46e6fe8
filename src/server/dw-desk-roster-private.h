/* dw-desk-roster-private.h: what the roster files of DwDesk share (dw-desk-roster*.c,
 * dw-desk-shifts.c, dw-desk-absences.c, dw-desk-shift-templates.c, dw-desk-staffing-settings.c,
 * dw-roster-export.c): a team's calendar and limits, a stored shift, who may do what, and the
 * JSON of shifts and rule breaks. */
#pragma once

#include "dw-desk-private.h"
#include "dw-desk-roster.h"
#include "dw-roster-rules.h"

G_BEGIN_DECLS

#define DW_DAY 86400
#define DW_MAX_SHIFT_SECONDS 57600   /* 16 hours */
#define DW_MAX_ABSENCE_SECONDS (366 * DW_DAY)
#define DW_MAX_LIST_SECONDS (62 * DW_DAY)


typedef struct
{
  gint64         team_id;
  DwCalendar    *calendar;
  DwRosterLimits limits;
} DwRosterTeam;

typedef struct
{
  gint64  id;
  gint64  team_id;
  gint64  user_id;
  gint64  starts_at;
  gint64  ends_at;
  gint64  template_id;
  gint64  break_seconds;
  char   *breaks;   /* JSON [[s, e], ...] */
} DwShiftRow;

void        dw_roster_team_clear          (DwRosterTeam   *team);
void        dw_shift_row_clear            (gpointer        row);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DwRosterTeam, dw_roster_team_clear)

/* A lead of the team or an admin (or the system): FALSE with a 403 error otherwise. */
gboolean    dw_desk_roster_can_edit       (DwPrincipal    *actor,
                                           gint64          team_id,
                                           GError        **error);
/* A lead reads the rosters of its teams, an agent its own shifts (@user_id) only. */
gboolean    dw_desk_roster_can_read       (DwPrincipal    *actor,
                                           gint64          team_id,
                                           gint64          user_id);

gboolean    dw_desk_roster_load_team      (DwDesk         *self,
                                           gint64          team_id,
                                           DwRosterTeam   *team,
                                           GError        **error);
/* "YYYY-MM-DD" in the team's zone as its local midnight (400 naming @member otherwise). */
gboolean    dw_desk_roster_parse_date     (DwRosterTeam   *team,
                                           const char     *member,
                                           const char     *text,
                                           gint64         *out,
                                           GError        **error);
char       *dw_desk_roster_format_date    (DwRosterTeam   *team,
                                           gint64          at);
/* The same for a week: its Monday. */
gboolean    dw_desk_roster_parse_week     (DwRosterTeam   *team,
                                           const char     *text,
                                           gint64         *out,
                                           GError        **error);
/* "workday", "weekend", "holiday" (statutory) or "adjusted-workday" (调休). */
const char *dw_desk_roster_day_kind       (DwRosterTeam   *team,
                                           gint64          midnight);
/* The first write to a week records the state it had. */
gboolean    dw_desk_roster_touch_week     (DwDesk         *self,
                                           gint64          team_id,
                                           gint64          week_start,
                                           GError        **error);

gboolean    dw_desk_roster_load_shift     (DwDesk         *self,
                                           gint64          shift_id,
                                           DwShiftRow     *row,
                                           GError        **error);
/* The rules @row breaks among its agent's shifts and absences (DwRosterViolation array). */
GArray     *dw_desk_roster_check_row      (DwDesk         *self,
                                           DwRosterTeam   *team,
                                           const DwShiftRow *row,
                                           GError        **error);
JsonObject *dw_desk_roster_shift_json     (DwDesk         *self,
                                           DwRosterTeam   *team,
                                           const DwShiftRow *row,
                                           GError        **error);
/* @shift_id > 0 adds it as "shift_id". */
JsonObject *dw_desk_roster_violation_json (const DwRosterViolation *v,
                                           gint64          shift_id);
/* Shifts overlapping [@from, @to) that @actor may read, by team and/or user (0: any). */
GArray     *dw_desk_roster_select_shifts  (DwDesk         *self,
                                           DwPrincipal    *actor,
                                           gint64          team_id,
                                           gint64          user_id,
                                           gint64          from,
                                           gint64          to,
                                           GError        **error);
/* A listing window: @to after @from, at most 62 days. */
gboolean    dw_desk_roster_check_window   (gint64          from,
                                           gint64          to,
                                           GError        **error);
/* Ordered, at most @max_seconds, between 2000 and 2100. */
gboolean    dw_desk_roster_check_span     (const char     *what,
                                           gint64          starts_at,
                                           gint64          ends_at,
                                           gint64          max_seconds,
                                           GError        **error);
/* dw_roster_week_state through the desk's store. */
const char *dw_desk_roster_week_state     (DwDesk         *self,
                                           gint64          team_id,
                                           gint64          week_start,
                                           gint64         *published_at);

G_END_DECLS
