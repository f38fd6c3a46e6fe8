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

static gboolean
exec_bound (sqlite3      *db,
            const char   *sql,
            GError      **error,
            guint         n,
            const gint64 *values)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < n; i++)
    sqlite3_bind_int64 (stmt, i + 1, values[i]);
  return dw_store_step_done (stmt, error);
}

#define EXEC(db, sql, error, ...) \
  exec_bound ((db), (sql), (error), G_N_ELEMENTS (((gint64[]) { __VA_ARGS__ })), \
              (gint64[]) { __VA_ARGS__ })

static gint64
user_id (sqlite3    *db,
         const char *username)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db, "SELECT id FROM users WHERE username = ?",
                                                   NULL);

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
}

/* Templates for every team, and every seeded shift tied to its template with a half-hour break
 * four hours in (when the seeded presence takes its lunch). */
static gboolean
seed_templates (sqlite3       *db,
                const gint64  *team_ids,
                guint          n_teams,
                GError       **error)
{
  g_autoptr(sqlite3_stmt) shifts = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;

  for (guint t = 0; t < n_teams; t++)
    for (guint k = 0; k < G_N_ELEMENTS (templates); k++)
      {
        g_autoptr(sqlite3_stmt) insert = dw_store_prepare (db,
          "INSERT INTO shift_templates (team_id, name, start_minute, end_minute, breaks) "
          "VALUES (?, ?, ?, ?, ?)", error);
        g_autofree char *breaks = g_strdup_printf ("[{\"start_minute\":%d,\"minutes\":%d}]",
                                                   templates[k].start + BREAK_AFTER / 60,
                                                   BREAK_LENGTH / 60);

        if (insert == NULL)
          return FALSE;
        sqlite3_bind_int64 (insert, 1, team_ids[t]);
        sqlite3_bind_text (insert, 2, templates[k].name, -1, SQLITE_STATIC);
        sqlite3_bind_int (insert, 3, templates[k].start);
        sqlite3_bind_int (insert, 4, templates[k].end);
        sqlite3_bind_text (insert, 5, breaks, -1, SQLITE_TRANSIENT);
        if (!dw_store_step_done (insert, error))
          return FALSE;
      }

  shifts = dw_store_prepare (db, "SELECT s.id, s.starts_at, t.id FROM shifts s "
                                 "LEFT JOIN shift_templates t ON t.team_id = s.team_id "
                                 "AND t.start_minute = ((s.starts_at + ?) % 86400) / 60", error);
  update = dw_store_prepare (db, "UPDATE shifts SET template_id = ?, breaks = ?, "
                                 "break_seconds = ? WHERE id = ?", error);
  if (shifts == NULL || update == NULL)
    return FALSE;

  sqlite3_bind_int64 (shifts, 1, DW_DEMO_UTC_OFFSET);
  while (sqlite3_step (shifts) == SQLITE_ROW)
    {
      gint64 start = sqlite3_column_int64 (shifts, 1) + BREAK_AFTER;
      g_autofree char *breaks = g_strdup_printf ("[[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "]]",
                                                 start, start + BREAK_LENGTH);

      sqlite3_reset (update);
      dw_store_bind_id_or_null (update, 1, sqlite3_column_int64 (shifts, 2));
      sqlite3_bind_text (update, 2, breaks, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (update, 3, BREAK_LENGTH);
      sqlite3_bind_int64 (update, 4, sqlite3_column_int64 (shifts, 0));
      if (!dw_store_step_done (update, error))
        return FALSE;
    }
  return TRUE;
}

/* Past weeks, this week and next are published (the Friday before, by the lead); the week after
 * next is the planner's draft. */
static gboolean
seed_weeks (sqlite3       *db,
            const gint64  *team_ids,
            guint          n_teams,
            GTimeZone     *tz,
            gint64         now,
            GError       **error)
{
  gint64 lead = user_id (db, DW_DEMO_LEAD_USERNAME);
  gint64 this_week = dw_roster_week_start (tz, now);

  for (guint t = 0; t < n_teams; t++)
    for (int w = -3; w <= 2; w++)
      {
        gint64 week = dw_roster_week_start (tz, this_week + w * 7 * DW_DEMO_DAY + 12 * 3600);

        if (w < 2
            && !EXEC (db, "INSERT INTO roster_weeks (team_id, week_start, state, published_at, "
                          "published_by) VALUES (?, ?, 'published', ?, ?)", error,
                      team_ids[t], week, week - 3 * DW_DEMO_DAY + 17 * 3600, lead))
          return FALSE;
        if (w == 2
            && !EXEC (db, "INSERT INTO roster_weeks (team_id, week_start, state) "
                          "VALUES (?, ?, 'draft')", error, team_ids[t], week))
          return FALSE;
      }
  return TRUE;
}

/* An absence, with the agent's shifts in it taken off the roster as a planner would have. */
static gboolean
add_absence (sqlite3     *db,
             gint64       user,
             const char  *kind,
             gint64       from,
             gint64       to,
             const char  *note,
             gint64       now,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) insert = dw_store_prepare (db,
    "INSERT INTO absences (user_id, kind, starts_at, ends_at, note, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?)", error);

  if (insert == NULL || user == 0)
    return insert != NULL;
  sqlite3_bind_int64 (insert, 1, user);
  sqlite3_bind_text (insert, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (insert, 3, from);
  sqlite3_bind_int64 (insert, 4, to);
  sqlite3_bind_text (insert, 5, note, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (insert, 6, MIN (now, from) - DW_DEMO_DAY);
  return dw_store_step_done (insert, error)
         && EXEC (db, "DELETE FROM shifts WHERE user_id = ? AND starts_at < ? AND ends_at > ?",
                  error, user, to, from);
}

gboolean
dw_demo_seed_roster (sqlite3       *db,
                     const gint64  *team_ids,
                     guint          n_teams,
                     gint64         now,
                     GError       **error)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  gint64 today = dw_demo_local_midnight (now);
  gint64 next_monday = dw_roster_week_start (tz, today + 8 * DW_DEMO_DAY);
  gint64 sick = user_id (db, dw_demo_agents[3].username);
  gint64 leave = user_id (db, dw_demo_agents[15].username);
  gint64 training = user_id (db, dw_demo_agents[27].username);
  gint64 logistics = team_ids[2];
  g_autoptr(sqlite3_stmt) afternoon = NULL;
  g_autoptr(sqlite3_stmt) early = NULL;
  g_autoptr(GArray) short_ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (!seed_templates (db, team_ids, n_teams, error)
      || !seed_weeks (db, team_ids, n_teams, tz, now, error))
    return FALSE;

  /* 请假: sick today (and offline), annual leave Wednesday to Friday next week, training next
   * Tuesday afternoon. */
  if (!add_absence (db, sick, "sick", today, today + DW_DEMO_DAY, "发烧，医院证明已交", now, error)
      || !EXEC (db, "UPDATE users SET presence = 'offline', presence_since = ? WHERE id = ?",
                error, today, sick)
      || !EXEC (db, "DELETE FROM presence_log WHERE user_id = ? AND at >= ?", error, sick, today)
      || !add_absence (db, leave, "leave", next_monday + 2 * DW_DEMO_DAY,
                       next_monday + 5 * DW_DEMO_DAY, "年假", now, error)
      || !add_absence (db, training, "training", next_monday + DW_DEMO_DAY + 13 * 3600,
                       next_monday + DW_DEMO_DAY + 18 * 3600, "新版退换货政策培训", now, error))
    return FALSE;

  /* Logistics is short this afternoon: three of its later shifts today that have not begun
   * were given to the returns peak (the queue the demo shows piling up). */
  afternoon = dw_store_prepare (db, "SELECT id FROM shifts WHERE team_id = ? AND starts_at > ? "
                                    "AND starts_at >= ? AND starts_at < ? ORDER BY starts_at DESC "
                                    "LIMIT 3", error);
  if (afternoon == NULL)
    return FALSE;
  sqlite3_bind_int64 (afternoon, 1, logistics);
  sqlite3_bind_int64 (afternoon, 2, now);
  sqlite3_bind_int64 (afternoon, 3, today + 12 * 3600);
  sqlite3_bind_int64 (afternoon, 4, today + DW_DEMO_DAY);
  while (sqlite3_step (afternoon) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (afternoon, 0);

      g_array_append_val (short_ids, id);
    }
  for (guint i = 0; i < short_ids->len; i++)
    if (!EXEC (db, "DELETE FROM shifts WHERE id = ?", error, g_array_index (short_ids, gint64, i)))
      return FALSE;

  /* A logistics agent on today's 早班 came online 45 minutes late. */
  early = dw_store_prepare (db, "SELECT user_id, starts_at FROM shifts WHERE team_id = ? "
                                "AND starts_at = ? AND starts_at + 2700 < ? ORDER BY user_id "
                                "LIMIT 1", error);
  if (early == NULL)
    return FALSE;
  sqlite3_bind_int64 (early, 1, logistics);
  sqlite3_bind_int64 (early, 2, today + 8 * 3600);
  sqlite3_bind_int64 (early, 3, now);
  if (sqlite3_step (early) == SQLITE_ROW)
    {
      gint64 late = sqlite3_column_int64 (early, 0);
      gint64 start = sqlite3_column_int64 (early, 1);

      if (!EXEC (db, "UPDATE presence_log SET at = ? WHERE user_id = ? AND presence = 'online' "
                     "AND at BETWEEN ? AND ?", error, start + 2700, late, start - 600, start + 600))
        return FALSE;
    }

  return TRUE;
}
