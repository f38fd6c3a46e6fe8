/* dw-desk-roster.h: the desk's shift rosters — templates, shifts, absences (请假) and weeks.
 *
 * Writes follow the rest of DwDesk (dw-desk.h): one transaction, audited, evented
 * (shift.created / shift.updated / shift.deleted, absence.created / absence.deleted,
 * roster.published, all scoped to the team and the agent), published after COMMIT.
 *
 * Who: admin everything; a lead the rosters of the teams it leads (and reads them); an agent
 * reads its own shifts and absences only.
 *
 * Every shift write is checked by dw-roster-rules: a hard rule (overlap, absence) refuses it
 * with DW_DESK_ERROR_ROSTER_RULE naming the rule and the other shift or absence; soft rules come
 * back in the shift's "warnings" (and the week's), and the write goes through.
 */
#pragma once

#include "dw-desk.h"

G_BEGIN_DECLS

/* Shift templates of a team: {name*, start*: "08:00", end*: "16:00" (before start: next day),
 * breaks: [{start: "12:00", minutes: 60}]}. */
JsonArray  *dw_desk_list_shift_templates  (DwDesk       *self,
                                           DwPrincipal  *actor,
                                           gint64        team_id,
                                           GError      **error);
JsonObject *dw_desk_create_shift_template (DwDesk       *self,
                                           DwPrincipal  *actor,
                                           gint64        team_id,
                                           JsonObject   *fields,
                                           GError      **error);
JsonObject *dw_desk_delete_shift_template (DwDesk       *self,
                                           DwPrincipal  *actor,
                                           gint64        template_id,
                                           GError      **error);

/* Shifts.  create: {team_id*, user_id*, starts_at* and ends_at*, or template_id* and date*
 * ("YYYY-MM-DD", local); breaks: [{starts_at, ends_at}] (from the template when omitted)};
 * update: any of user_id, starts_at, ends_at, breaks. */
JsonArray  *dw_desk_list_shifts           (DwDesk       *self,
                                           DwPrincipal  *actor,
                                           gint64        team_id,   /* 0: any visible */
                                           gint64        user_id,   /* 0: any visible */
                                           gint64        from,
                                           gint64        to,
                                           GError      **error);
JsonObject *dw_desk_get_shift             (DwDesk       *self,
                                           DwPrincipal  *actor,
                                           gint64        shift_id,
                                           GError      **error);
JsonObject *dw_desk_create_shift          (DwDesk       *self,
                                           DwPrincipal  *actor,
                                           JsonObject   *fields,
                                           GError      **error);
JsonObject *dw_desk_update_shift          (DwDesk       *self,
                                           DwPrincipal  *actor,
                                           gint64        shift_id,
                                           JsonObject   *changes,
                                           GError      **error);
JsonObject *dw_desk_delete_shift          (DwDesk       *self,
                                           DwPrincipal  *actor,
                                           gint64        shift_id,
                                           GError      **error);

/* Absences: {user_id*, kind*: leave | sick | training, starts_at*, ends_at*, note}.  A lead
 * records them for agents of the teams it leads. */
JsonArray  *dw_desk_list_absences         (DwDesk       *self,
                                           DwPrincipal  *actor,
                                           gint64        team_id,
                                           gint64        user_id,
                                           gint64        from,
                                           gint64        to,
                                           GError      **error);
JsonObject *dw_desk_create_absence        (DwDesk       *self,
                                           DwPrincipal  *actor,
                                           JsonObject   *fields,
                                           GError      **error);
JsonObject *dw_desk_delete_absence        (DwDesk       *self,
                                           DwPrincipal  *actor,
                                           gint64        absence_id,
                                           GError      **error);

/* A team's week ("YYYY-MM-DD", the Monday, local): its state, days (workday, weekend, holiday,
 * adjusted-workday), shifts with their warnings, absences, worked hours per agent, coverage
 * gaps, and the holiday shifts. */
JsonObject *dw_desk_get_roster_week       (DwDesk       *self,
                                           DwPrincipal  *actor,
                                           gint64        team_id,
                                           const char   *week,
                                           GError      **error);
JsonObject *dw_desk_publish_roster_week   (DwDesk       *self,
                                           DwPrincipal  *actor,
                                           gint64        team_id,
                                           const char   *week,
                                           GError      **error);

/* A team's roster limits and staffing targets: min_rest_minutes, max_day_minutes,
 * max_week_minutes, target_service_level, target_answer_seconds, max_occupancy,
 * ticket_occupancy, shrinkage.  Read by the team's members, changed by its leads and admins. */
JsonObject *dw_desk_get_staffing_settings (DwDesk       *self,
                                           DwPrincipal  *actor,
                                           gint64        team_id,
                                           GError      **error);
JsonObject *dw_desk_update_staffing_settings (DwDesk     *self,
                                           DwPrincipal  *actor,
                                           gint64        team_id,
                                           JsonObject   *changes,
                                           GError      **error);

/* Exports: the published shifts of a team or an agent as iCalendar (a VEVENT each, UID
 * shift-ID@deskwatch, times in UTC), and a team's week as CSV (RFC 4180, local times, a header
 * row, the week's state on each row). */
char       *dw_desk_shifts_ics            (DwDesk       *self,
                                           DwPrincipal  *actor,
                                           gint64        team_id,
                                           gint64        user_id,
                                           gint64        from,
                                           gint64        to,
                                           GError      **error);
char       *dw_desk_roster_csv            (DwDesk       *self,
                                           DwPrincipal  *actor,
                                           gint64        team_id,
                                           const char   *week,
                                           GError      **error);

/* "draft" or "published": the state of @team_id's week starting at @week_start (local Monday
 * midnight); *published_at is 0 when not published. */
const char *dw_roster_week_state          (DwStore      *store,
                                           gint64        team_id,
                                           gint64        week_start,
                                           gint64       *published_at);

G_END_DECLS
