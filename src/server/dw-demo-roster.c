/* dw-demo-roster.c: the demo's roster — shift templates, breaks, published weeks and a draft
 * one, a few absences (请假), an afternoon where logistics is short and an agent who logs in late.
 *
 * It works on the shifts seed_people () rostered, whatever their rotation, so the story it
 * tells stays true when the rotation changes.
 */
#define G_LOG_DOMAIN "dw-demo"

#include "dw-demo.h"
#include "dw-demo-private.h"

#include "dw-roster-rules.h"
#include "dw-store.h"
#include "store/dw-store-auth.h"
#include "store/dw-store-demo.h"
#include "store/dw-store-roster.h"

#define BREAK_AFTER (4 * 3600)
#define BREAK_LENGTH 1800

static const struct
{
  const char *name;
  int         start;  /* local minutes */
  int         end;
} templates[] = {
  { "早班", 8 * 60, 16 * 60 },
  { "中班", 12 * 60, 20 * 60 },
  { "晚班", 14 * 60, 22 * 60 },
};

static gint64
user_id (DwStore    *store,
         const char *username)
{
  gint64 id = 0;

  return dw_store_user_find (store, username, &id, NULL) ? id : 0;
}

/* Templates for every team, and every seeded shift tied to its template with a half-hour break
 * four hours in (when the seeded presence takes its lunch). */
static gboolean
seed_templates (DwStore       *store,
                const gint64  *team_ids,
                guint          n_teams,
                GError       **error)
{
  for (guint t = 0; t < n_teams; t++)
    for (guint k = 0; k < G_N_ELEMENTS (templates); k++)
      {
        g_autofree char *breaks = g_strdup_printf ("[{\"start_minute\":%d,\"minutes\":%d}]",
                                                   templates[k].start + BREAK_AFTER / 60,
                                                   BREAK_LENGTH / 60);
        DwStoreShiftTemplate row = {
          .team_id = team_ids[t],
          .name = (char *) templates[k].name,
          .start_minute = templates[k].start,
          .end_minute = templates[k].end,
          .breaks = breaks,
        };

        if (dw_store_shift_template_insert (store, &row, error) == 0)
          return FALSE;
      }

  return dw_store_demo_shifts_tie_templates (store, DW_DEMO_UTC_OFFSET, BREAK_AFTER, BREAK_LENGTH,
                                             error);
}

/* Past weeks, this week and next are published (the Friday before, by the lead); the week after
 * next is the planner's draft. */
static gboolean
seed_weeks (DwStore       *store,
            const gint64  *team_ids,
            guint          n_teams,
            GTimeZone     *tz,
            gint64         now,
            GError       **error)
{
  gint64 lead = user_id (store, DW_DEMO_LEAD_USERNAME);
  gint64 this_week = dw_roster_week_start (tz, now);

  for (guint t = 0; t < n_teams; t++)
    for (int w = -3; w <= 2; w++)
      {
        gint64 week = dw_roster_week_start (tz, this_week + w * 7 * DW_DEMO_DAY + 12 * 3600);

        if (w < 2
            && !dw_store_roster_week_publish (store, team_ids[t], week,
                                              week - 3 * DW_DEMO_DAY + 17 * 3600, lead, error))
          return FALSE;
        if (w == 2 && !dw_store_demo_insert_draft_week (store, team_ids[t], week, error))
          return FALSE;
      }
  return TRUE;
}

/* An absence, with the agent's shifts in it taken off the roster as a planner would have. */
static gboolean
add_absence (DwStore     *store,
             gint64       user,
             const char  *kind,
             gint64       from,
             gint64       to,
             const char  *note,
             gint64       now,
             GError     **error)
{
  DwStoreAbsence row = {
    .user_id = user,
    .kind = (char *) kind,
    .starts_at = from,
    .ends_at = to,
    .note = (char *) note,
    .created_at = MIN (now, from) - DW_DEMO_DAY,
  };

  if (user == 0)
    return TRUE;
  return dw_store_absence_insert (store, &row, error) != 0
         && dw_store_demo_delete_user_shifts (store, user, from, to, error);
}

gboolean
dw_demo_seed_roster (DwStore       *store,
                     const gint64  *team_ids,
                     guint          n_teams,
                     gint64         now,
                     GError       **error)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  gint64 today = dw_demo_local_midnight (now);
  /* a week from today is in next week whatever today is (today + 8 days is not, on a Sunday) */
  gint64 next_monday = dw_roster_week_start (tz, today + 7 * DW_DEMO_DAY + 12 * 3600);
  gint64 sick = user_id (store, dw_demo_agents[3].username);
  gint64 leave = user_id (store, dw_demo_agents[15].username);
  gint64 training = user_id (store, dw_demo_agents[27].username);
  gint64 logistics = team_ids[2];
  g_autoptr(GArray) short_ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  gint64 late;
  gboolean found;

  if (!seed_templates (store, team_ids, n_teams, error)
      || !seed_weeks (store, team_ids, n_teams, tz, now, error))
    return FALSE;

  /* 请假: sick today (and offline), annual leave Wednesday to Friday next week, training next
   * Tuesday afternoon. */
  if (!add_absence (store, sick, "sick", today, today + DW_DEMO_DAY, "发烧，医院证明已交", now,
                    error)
      || !dw_store_demo_take_offline (store, sick, today, error)
      || !add_absence (store, leave, "leave", next_monday + 2 * DW_DEMO_DAY,
                       next_monday + 5 * DW_DEMO_DAY, "年假", now, error)
      || !add_absence (store, training, "training", next_monday + DW_DEMO_DAY + 13 * 3600,
                       next_monday + DW_DEMO_DAY + 18 * 3600, "新版退换货政策培训", now, error))
    return FALSE;

  /* Logistics is short this afternoon: three of its later shifts today that have not begun
   * were given to the returns peak (the queue the demo shows piling up). */
  if (!dw_store_demo_latest_shifts (store, logistics, now, today + 12 * 3600, today + DW_DEMO_DAY,
                                    3, short_ids, error))
    return FALSE;
  for (guint i = 0; i < short_ids->len; i++)
    if (!dw_store_shift_delete (store, g_array_index (short_ids, gint64, i), error))
      return FALSE;

  /* A logistics agent on today's 早班 came online 45 minutes late. */
  if (!dw_store_demo_first_shift_at (store, logistics, today + 8 * 3600, now, &late, &found,
                                     error))
    return FALSE;
  if (found)
    {
      gint64 start = today + 8 * 3600;

      if (!dw_store_demo_move_online (store, late, start - 600, start + 600, start + 2700, error))
        return FALSE;
    }

  return TRUE;
}
