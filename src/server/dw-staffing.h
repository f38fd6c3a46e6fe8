/* dw-staffing.h: a team's staffing day and its agents' adherence, read from the desk.
 *
 * The staffing day splits the team calendar's local day into 30-minute intervals and gives, for
 * each: the arrivals forecast (src/core/dw-forecast.c) and, once the interval has begun, the
 * actual ones; the agents required (Erlang C for live channels, the workload model for ticket
 * channels, src/core/dw-erlang.c); the agents scheduled on the published roster (on shift, not on
 * a break, not absent, at the interval's middle); the agents online then (presence); and the gap.
 * docs/api.md "Staffing" defines each figure.
 *
 * Reads only, through the store's named operations (store/dw-store-staffing.h, the calendar of
 * store/dw-store-people.h) on either backend; no transaction of its own: inside the caller's,
 * or each read its own snapshot.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "dw-principal.h"
#include "store/dw-store-backend.h"

G_BEGIN_DECLS

#define DW_STAFFING_INTERVAL 1800

/* What-if overrides; a member < 0 (or factor <= 0) keeps the team's setting. */
typedef struct
{
  double forecast_factor;
  double aht;
  double target_sl;
  double target_time;
} DwStaffingOverrides;

JsonObject *dw_staffing_day         (DwStore                   *store,
                                     DwPrincipal               *actor,
                                     gint64                     team_id,
                                     const char                *date,
                                     gint64                     now,
                                     const DwStaffingOverrides *overrides,
                                     GError                   **error);

JsonObject *dw_staffing_adherence   (DwStore                   *store,
                                     DwPrincipal               *actor,
                                     gint64                     team_id,
                                     const char                *date,
                                     gint64                     now,
                                     GError                   **error);

/* Adherence of each of @user_ids to @team_id's published roster in each window [@bounds[i],
 * @bounds[i + 1]) of @n_windows, judged up to @until (time after it is not judged): its
 * scheduled seconds (shifts less breaks, shifts an absence covers not counted) and the adherent
 * ones of those, spent online, in @scheduled and @adherent (@n_users × @n_windows, user by user).
 * One read of the team's roster and presence for all of them (dw-adherence.c does the sums, as
 * for GET /staffing/adherence). */
gboolean    dw_staffing_adherence_seconds (DwStore      *store,
                                           gint64        team_id,
                                           const gint64 *user_ids,
                                           guint         n_users,
                                           const gint64 *bounds,
                                           guint         n_windows,
                                           gint64        until,
                                           gint64       *scheduled,
                                           gint64       *adherent,
                                           GError      **error);

/* The average handle time of @team_id's tickets solved in the 28 days before @now, seconds
 * (600 when there are none): per ticket, each public agent reply counts the time since the
 * ticket's previous message (or its creation), at most 20 minutes. */
double      dw_staffing_handle_time (DwStore                   *store,
                                     gint64                     team_id,
                                     gint64                     now,
                                     GError                   **error);

G_END_DECLS
