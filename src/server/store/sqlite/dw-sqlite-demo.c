/* dw-sqlite-demo.c: the demo seed's operations (store/dw-store-demo.h) on SQLite: the SQL
 * dw-demo.c ran itself, through the statement cache. */
#define G_LOG_DOMAIN "dw-store"

#include "store/sqlite/dw-sqlite-store.h"

#include <stdarg.h>

#include "dw-store.h"
#include "store/dw-store-demo.h"

/* The page cache while seeding: more than the new desk's 26 MB. */
#define SEED_CACHE_KIB 65536

/* Binds the arguments in order; "i" gint64 (0 → NULL), "I" gint64 as is, "s" string (NULL →
 * NULL).  Then steps to the end. */
static gboolean
run (DwStore     *store,
     const char  *sql,
     GError     **error,
     const char  *types,
     ...)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store), sql, error);
  va_list args;

  if (stmt == NULL)
    return FALSE;

  va_start (args, types);
  for (int i = 0; types[i] != '\0'; i++)
    {
      switch (types[i])
        {
        case 'i':
          dw_store_bind_id_or_null (stmt, i + 1, va_arg (args, gint64));
          break;
        case 'I':
          sqlite3_bind_int64 (stmt, i + 1, va_arg (args, gint64));
          break;
        case 's':
          dw_store_bind_text_or_null (stmt, i + 1, va_arg (args, const char *));
          break;
        default:
          g_assert_not_reached ();
        }
    }
  va_end (args);

  return dw_store_step_done (stmt, error);
}

static gint64
last_id (DwStore *store)
{
  return sqlite3_last_insert_rowid (dw_sqlite_store_db (store));
}

static gboolean
fast_writes (DwStore  *store,
             gboolean  fast,
             GError  **error)
{
  return dw_store_exec (dw_sqlite_store_db (store),
                        fast ? "PRAGMA synchronous = OFF" : "PRAGMA synchronous = FULL", error);
}

static gboolean
seed_cache (DwStore  *store,
            gboolean  large,
            GError  **error)
{
  return dw_store_exec (dw_sqlite_store_db (store),
                        large ? "PRAGMA cache_size = -" G_STRINGIFY (SEED_CACHE_KIB)
                              : "PRAGMA cache_size = -2000", error);
}

static gint64
insert_calendar (DwStore     *store,
                 const char  *name,
                 const char  *timezone,
                 const char  *week,
                 const char  *holidays,
                 const char  *workdays,
                 GError     **error)
{
  if (!run (store, "INSERT INTO calendars (name, timezone, week, holidays, workdays) "
                   "VALUES (?, ?, ?, ?, ?)", error, "sssss",
            name, timezone, week, holidays, workdays))
    return 0;
  return last_id (store);
}

static gint64
insert_team (DwStore     *store,
             const char  *name,
             const char  *description,
             gint64       calendar_id,
             gint64       created_at,
             GError     **error)
{
  if (!run (store, "INSERT INTO teams (name, description, calendar_id, created_at) "
                   "VALUES (?, ?, ?, ?)", error, "ssII",
            name, description, calendar_id, created_at))
    return 0;
  return last_id (store);
}

static gboolean
insert_business_type (DwStore     *store,
                      const char  *key,
                      const char  *name,
                      gint64       team_id,
                      const char  *skill,
                      GError     **error)
{
  return run (store, "INSERT INTO business_types (key, name, team_id, skill) VALUES (?, ?, ?, ?)",
              error, "ssIs", key, name, team_id, skill);
}

static gboolean
insert_routing_rule (DwStore     *store,
                     gint64       position,
                     const char  *keyword,
                     const char  *business_type,
                     GError     **error)
{
  return run (store,
              "INSERT INTO routing_rules (position, keyword, business_type) VALUES (?, ?, ?)",
              error, "Iss", position, keyword, business_type);
}

static gboolean
put_setting (DwStore     *store,
             const char  *key,
             const char  *value,
             GError     **error)
{
  return run (store, "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                     "ON CONFLICT (key) DO UPDATE SET value = ?2", error, "ss", key, value);
}

static gboolean
insert_policy (DwStore                  *store,
               const DwStoreDemoPolicy  *policy,
               GError                  **error)
{
  return run (store,
              "INSERT INTO sla_policies (name, position, match_priorities, match_tags, "
              "match_channels, match_business_types, first_response_minutes, "
              "next_response_minutes, resolution_minutes, at_risk_ratio, escalation) "
              "VALUES (?, ?, ?, ?, '[]', ?, ?, ?, ?, 0.75, ?)", error, "sIsssIIIs",
              policy->name, policy->position, policy->priorities, policy->tags,
              policy->business_types, policy->first_response_minutes,
              policy->next_response_minutes, policy->resolution_minutes, policy->escalation);
}

static gint64
insert_user (DwStore                *store,
             const DwStoreDemoUser  *user,
             GError                **error)
{
  if (!run (store,
            "INSERT INTO users (username, display_name, role, password_hash, capacity, "
            "presence, presence_since, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error,
            "ssssIsII", user->username, user->display_name, user->role, user->password_hash,
            user->capacity, user->presence, user->presence_since, user->created_at))
    return 0;
  return last_id (store);
}

static gboolean
insert_member (DwStore   *store,
               gint64     team_id,
               gint64     user_id,
               gboolean   is_lead,
               GError   **error)
{
  return run (store, "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (?, ?, ?)",
              error, "III", team_id, user_id, (gint64) (is_lead ? 1 : 0));
}

static gboolean
insert_skill (DwStore     *store,
              gint64       user_id,
              const char  *skill,
              gint64       level,
              GError     **error)
{
  return run (store, "INSERT INTO user_skills (user_id, skill, level) VALUES (?, ?, ?)",
              error, "IsI", user_id, skill, level);
}

static gboolean
insert_presence (DwStore     *store,
                 gint64       user_id,
                 const char  *presence,
                 gint64       at,
                 GError     **error)
{
  return run (store, "INSERT INTO presence_log (user_id, presence, at) VALUES (?, ?, ?)",
              error, "IsI", user_id, presence, at);
}

static gboolean
insert_shift (DwStore  *store,
              gint64    user_id,
              gint64    team_id,
              gint64    starts_at,
              gint64    ends_at,
              GError  **error)
{
  return run (store,
              "INSERT INTO shifts (user_id, team_id, starts_at, ends_at) VALUES (?, ?, ?, ?)",
              error, "IIII", user_id, team_id, starts_at, ends_at);
}

static gboolean
insert_customers (DwStore                    *store,
                  const DwStoreDemoCustomer  *rows,
                  guint                       n,
                  GError                    **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store),
    "INSERT INTO customers (name, email, phone, tags, created_at) VALUES (?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, rows[i].name, -1, SQLITE_STATIC);
      dw_store_bind_text_or_null (stmt, 2, rows[i].email);
      sqlite3_bind_text (stmt, 3, rows[i].phone, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, rows[i].tags, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 5, rows[i].created_at);
      if (!dw_store_step_done (stmt, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
held_over_capacity (DwStore  *store,
                    GArray   *held,
                    GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) agents = dw_store_prepare (db,
    "SELECT id, capacity FROM users WHERE role = 'agent' ORDER BY id", error);
  g_autoptr(sqlite3_stmt) tickets = NULL;
  int rc;

  if (agents == NULL)
    return FALSE;
  tickets = dw_store_prepare (db,
    "SELECT id FROM tickets WHERE assignee_id = ? AND status IN ('new', 'open', 'pending', "
    "'on-hold') ORDER BY status IN ('pending', 'on-hold'), created_at, id", error);
  if (tickets == NULL)
    return FALSE;

  while ((rc = sqlite3_step (agents)) == SQLITE_ROW)
    {
      gint64 agent = sqlite3_column_int64 (agents, 0);
      gint64 capacity = sqlite3_column_int64 (agents, 1);
      gint64 n = 0;

      sqlite3_reset (tickets);
      sqlite3_bind_int64 (tickets, 1, agent);
      while ((rc = sqlite3_step (tickets)) == SQLITE_ROW)
        if (++n > capacity)
          {
            DwStoreDemoHeld row = { sqlite3_column_int64 (tickets, 0), agent };

            g_array_append_val (held, row);
          }
      if (rc != SQLITE_DONE)
        break;
    }
  return dw_store_step_rows_done (tickets, rc, error);
}

static gboolean
requeue (DwStore  *store,
         gint64    ticket_id,
         gint64    agent_id,
         gint64    now,
         GError  **error)
{
  g_autofree char *agent = g_strdup_printf ("%" G_GINT64_FORMAT, agent_id);

  return run (store, "UPDATE tickets SET assignee_id = NULL, version = version + 1 WHERE id = ?",
              error, "I", ticket_id)
         && run (store, "INSERT INTO audit (at, entity, entity_id, action, field, before, after, "
                        "reason) VALUES (?, 'ticket', ?, 'queued', 'assignee_id', ?, 'null', "
                        "'back to the team queue: its agent already held its capacity')",
                 error, "IIs", now, ticket_id, agent);
}

static gboolean
shifts_tie_templates (DwStore  *store,
                      gint64    utc_offset,
                      gint64    break_after,
                      gint64    break_length,
                      GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) shifts = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  int rc;

  shifts = dw_store_prepare (db, "SELECT s.id, s.starts_at, t.id FROM shifts s "
                                 "LEFT JOIN shift_templates t ON t.team_id = s.team_id "
                                 "AND t.start_minute = ((s.starts_at + ?) % 86400) / 60", error);
  if (shifts == NULL)
    return FALSE;
  update = dw_store_prepare (db, "UPDATE shifts SET template_id = ?, breaks = ?, "
                                 "break_seconds = ? WHERE id = ?", error);
  if (update == NULL)
    return FALSE;

  sqlite3_bind_int64 (shifts, 1, utc_offset);
  while ((rc = sqlite3_step (shifts)) == SQLITE_ROW)
    {
      gint64 start = sqlite3_column_int64 (shifts, 1) + break_after;
      g_autofree char *breaks = g_strdup_printf ("[[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "]]",
                                                 start, start + break_length);

      sqlite3_reset (update);
      dw_store_bind_id_or_null (update, 1, sqlite3_column_int64 (shifts, 2));
      sqlite3_bind_text (update, 2, breaks, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (update, 3, break_length);
      sqlite3_bind_int64 (update, 4, sqlite3_column_int64 (shifts, 0));
      if (!dw_store_step_done (update, error))
        return FALSE;
    }
  return dw_store_step_rows_done (shifts, rc, error);
}

static gboolean
insert_draft_week (DwStore  *store,
                   gint64    team_id,
                   gint64    week_start,
                   GError  **error)
{
  return run (store, "INSERT INTO roster_weeks (team_id, week_start, state) "
                     "VALUES (?, ?, 'draft')", error, "II", team_id, week_start);
}

static gboolean
take_offline (DwStore  *store,
              gint64    user_id,
              gint64    since,
              GError  **error)
{
  return run (store, "UPDATE users SET presence = 'offline', presence_since = ? WHERE id = ?",
              error, "II", since, user_id)
         && run (store, "DELETE FROM presence_log WHERE user_id = ? AND at >= ?", error, "II",
                 user_id, since);
}

static gboolean
delete_user_shifts (DwStore  *store,
                    gint64    user_id,
                    gint64    from,
                    gint64    to,
                    GError  **error)
{
  return run (store, "DELETE FROM shifts WHERE user_id = ? AND starts_at < ? AND ends_at > ?",
              error, "III", user_id, to, from);
}

static gboolean
latest_shifts (DwStore  *store,
               gint64    team_id,
               gint64    after,
               gint64    from,
               gint64    to,
               guint     limit,
               GArray   *ids,
               GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  /* ", id DESC" says the order shifts_team scanned backwards gave the ties already (the same
   * plan), so that PostgreSQL takes the same shifts. */
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db,
    "SELECT id FROM shifts WHERE team_id = ? AND starts_at > ? AND starts_at >= ? "
    "AND starts_at < ? ORDER BY starts_at DESC, id DESC LIMIT ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, team_id);
  sqlite3_bind_int64 (stmt, 2, after);
  sqlite3_bind_int64 (stmt, 3, from);
  sqlite3_bind_int64 (stmt, 4, to);
  sqlite3_bind_int64 (stmt, 5, limit);
  return dw_store_step_ints (stmt, 1, ids, error);
}

static gboolean
first_shift_at (DwStore   *store,
                gint64     team_id,
                gint64     starts_at,
                gint64     before,
                gint64    *user_id,
                gboolean  *found,
                GError   **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db,
    "SELECT user_id FROM shifts WHERE team_id = ? AND starts_at = ? AND starts_at + 2700 < ? "
    "ORDER BY user_id LIMIT 1", error);
  int rc;

  *found = FALSE;
  *user_id = 0;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, team_id);
  sqlite3_bind_int64 (stmt, 2, starts_at);
  sqlite3_bind_int64 (stmt, 3, before);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *found = TRUE;
      *user_id = sqlite3_column_int64 (stmt, 0);
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    {
      dw_store_set_error (error, db, rc);
      return FALSE;
    }
  return TRUE;
}

static gboolean
move_online (DwStore  *store,
             gint64    user_id,
             gint64    from,
             gint64    to,
             gint64    at,
             GError  **error)
{
  return run (store, "UPDATE presence_log SET at = ? WHERE user_id = ? AND presence = 'online' "
                     "AND at BETWEEN ? AND ?", error, "IIII", at, user_id, from, to);
}

/* The one row of @stmt: TRUE in @found, or none. */
static gboolean
step_one (DwStore       *store,
          sqlite3_stmt  *stmt,
          gboolean      *found,
          GError       **error)
{
  int rc = sqlite3_step (stmt);

  *found = rc == SQLITE_ROW;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      dw_store_set_error (error, dw_sqlite_store_db (store), rc);
      return FALSE;
    }
  return TRUE;
}

/* @sql prepared, @id bound to its one parameter; NULL with @error. */
static sqlite3_stmt *
prepare_by_id (DwStore     *store,
               const char  *sql,
               gint64       id,
               GError     **error)
{
  sqlite3_stmt *stmt = dw_store_prepare (dw_sqlite_store_db (store), sql, error);

  if (stmt != NULL)
    sqlite3_bind_int64 (stmt, 1, id);
  return stmt;
}

/* Column 0 of the row of @sql ($1 = @id) as a new string; NULL and @found FALSE when there is
 * none, which is no error (dw_pg_store_query_text_by_id's twin). */
static gboolean
text_by_id (DwStore     *store,
            const char  *sql,
            gint64       id,
            char       **text,
            gboolean    *found,
            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare_by_id (store, sql, id, error);

  *text = NULL;
  *found = FALSE;
  if (stmt == NULL || !step_one (store, stmt, found, error))
    return FALSE;
  if (*found)
    *text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  return TRUE;
}

static gboolean
customer_max_id (DwStore  *store,
                 gint64   *max_id,
                 GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store),
                                                   "SELECT max (id) FROM customers", error);
  gboolean found;

  *max_id = 0;
  if (stmt == NULL || !step_one (store, stmt, &found, error))
    return FALSE;
  if (found)
    *max_id = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
customer_tags (DwStore   *store,
               gint64     customer_id,
               char     **tags,
               gboolean  *found,
               GError   **error)
{
  return text_by_id (store, "SELECT tags FROM customers WHERE id = ?", customer_id, tags, found,
                     error);
}

static gboolean
user_presence (DwStore  *store,
               gint64    user_id,
               char    **presence,
               GError  **error)
{
  gboolean found;

  return text_by_id (store, "SELECT presence FROM users WHERE id = ?", user_id, presence, &found,
                     error);
}

static gboolean
active_assigned (DwStore                *store,
                 DwStoreDemoActiveFunc   func,
                 gpointer                data,
                 GError                **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store),
    "SELECT t.id, t.status, coalesce (t.assignee_id, 0), t.business_type, "
    "  coalesce (u.presence = 'online', 0) "
    "FROM tickets t LEFT JOIN users u ON u.id = t.assignee_id "
    "WHERE t.status IN ('new', 'open', 'pending') AND t.assignee_id IS NOT NULL", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DwStoreDemoActive row = {
        .id = sqlite3_column_int64 (stmt, 0),
        .status = (const char *) sqlite3_column_text (stmt, 1),
        .assignee_id = sqlite3_column_int64 (stmt, 2),
        .business_type = (const char *) sqlite3_column_text (stmt, 3),
        .assignee_online = sqlite3_column_int (stmt, 4) != 0,
      };

      func (&row, data);
    }
  return dw_store_step_rows_done (stmt, rc, error);
}

static gboolean
solved_before (DwStore  *store,
               gint64    before,
               guint     limit,
               GArray   *ids,
               GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store),
    "SELECT id FROM tickets WHERE status = 'solved' AND solved_at < ? ORDER BY solved_at LIMIT ?",
    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, before);
  sqlite3_bind_int64 (stmt, 2, limit);
  return dw_store_step_ints (stmt, 1, ids, error);
}

static gboolean
agent_ids (DwStore  *store,
           GArray   *ids,
           GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store),
    "SELECT id FROM users WHERE role = 'agent' AND disabled = 0 ORDER BY id", error);

  return stmt != NULL && dw_store_step_ints (stmt, 1, ids, error);
}

static gboolean
user_shifts (DwStore  *store,
             gint64    user_id,
             GArray   *times,
             GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare_by_id (store,
    "SELECT starts_at, ends_at FROM shifts WHERE user_id = ? ORDER BY starts_at", user_id, error);

  return stmt != NULL && dw_store_step_ints (stmt, 2, times, error);
}

static gboolean
history_agents (DwStore  *store,
                GArray   *agents,
                GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store),
    "SELECT id, capacity, presence FROM users WHERE role = 'agent' ORDER BY id", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DwStoreDemoAgent agent = {
        .id = sqlite3_column_int64 (stmt, 0),
        .capacity = sqlite3_column_int64 (stmt, 1),
        .offline = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 2), "offline") == 0,
      };

      g_array_append_val (agents, agent);
    }
  return dw_store_step_rows_done (stmt, rc, error);
}

/* Steps @stmt: @func (column 0 as an integer, column 1 as text, @data) for each row. */
static gboolean
each_key (DwStore             *store,
          sqlite3_stmt        *stmt,
          DwStoreDemoKeyFunc   func,
          gpointer             data,
          GError             **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    func (sqlite3_column_int64 (stmt, 0), (const char *) sqlite3_column_text (stmt, 1), data);
  return dw_store_step_rows_done (stmt, rc, error);
}

static gboolean
agent_skills (DwStore             *store,
              gint64               user_id,
              DwStoreDemoKeyFunc   func,
              gpointer             data,
              GError             **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare_by_id (store,
    "SELECT level, skill FROM user_skills WHERE user_id = ?", user_id, error);

  return stmt != NULL && each_key (store, stmt, func, data, error);
}

static gboolean
agent_presence_log (DwStore  *store,
                    gint64    user_id,
                    GArray   *rows,
                    GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare_by_id (store,
    "SELECT presence, at FROM presence_log WHERE user_id = ? ORDER BY at, id", user_id, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DwStoreDemoPresence row = {
        .online = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "online") == 0,
        .at = sqlite3_column_int64 (stmt, 1),
      };

      g_array_append_val (rows, row);
    }
  return dw_store_step_rows_done (stmt, rc, error);
}

static gboolean
agent_teams (DwStore  *store,
             gint64    user_id,
             GArray   *ids,
             GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare_by_id (store,
    "SELECT team_id FROM team_members WHERE user_id = ?", user_id, error);

  return stmt != NULL && dw_store_step_ints (stmt, 1, ids, error);
}

static gboolean
customers_tags (DwStore             *store,
                DwStoreDemoKeyFunc   func,
                gpointer             data,
                GError             **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store),
                                                   "SELECT id, tags FROM customers", error);

  return stmt != NULL && each_key (store, stmt, func, data, error);
}

static gboolean
policy_ids (DwStore  *store,
            GArray   *ids,
            GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store),
                                                   "SELECT id FROM sla_policies", error);

  return stmt != NULL && dw_store_step_ints (stmt, 1, ids, error);
}

static gboolean
business_type_teams (DwStore             *store,
                     DwStoreDemoKeyFunc   func,
                     gpointer             data,
                     GError             **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store),
                                                   "SELECT team_id, key FROM business_types",
                                                   error);

  return stmt != NULL && each_key (store, stmt, func, data, error);
}

static gboolean
max_id (DwStore     *store,
        const char  *sql,
        gint64      *id,
        GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store), sql, error);
  gboolean found;

  *id = 0;
  if (stmt == NULL || !step_one (store, stmt, &found, error))
    return FALSE;
  if (found)
    *id = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
max_ids (DwStore  *store,
         gint64   *ticket_id,
         gint64   *comment_id,
         gint64   *audit_id,
         GError  **error)
{
  return max_id (store, "SELECT coalesce (max (id), 0) FROM tickets", ticket_id, error)
         && max_id (store, "SELECT coalesce (max (id), 0) FROM comments", comment_id, error)
         && max_id (store, "SELECT coalesce (max (id), 0) FROM audit", audit_id, error);
}

/* Binds @row's values (@layout's) to the parameters from @first on. */
static void
bind_values (sqlite3_stmt           *stmt,
             int                     first,
             const DwStoreDemoRows  *layout,
             gconstpointer           row)
{
  for (guint i = 0; i < layout->n_values; i++)
    {
      const DwStoreDemoValue *value = &layout->values[i];
      gconstpointer at = dw_store_demo_value_at (value, row);
      int index = first + (int) i;

      switch (value->kind)
        {
        case DW_STORE_DEMO_VALUE_INT:
          sqlite3_bind_int64 (stmt, index, *(const gint64 *) at);
          break;
        case DW_STORE_DEMO_VALUE_ID:
          dw_store_bind_id_or_null (stmt, index, *(const gint64 *) at);
          break;
        case DW_STORE_DEMO_VALUE_TEXT:
          sqlite3_bind_text (stmt, index, *(const char * const *) at, -1, SQLITE_STATIC);
          break;
        case DW_STORE_DEMO_VALUE_TEXT_OR_NULL:
          dw_store_bind_text_or_null (stmt, index, *(const char * const *) at);
          break;
        case DW_STORE_DEMO_VALUE_BOOL:
          sqlite3_bind_int (stmt, index, *(const gboolean *) at ? 1 : 0);
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

/* @sql once per row of @rows (@n of @layout's), with the row's values. */
static gboolean
insert_each (DwStore                *store,
             const char             *sql,
             const DwStoreDemoRows  *layout,
             gconstpointer           rows,
             guint                   n,
             GError                **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (n == 0)
    return TRUE;
  stmt = dw_store_prepare (dw_sqlite_store_db (store), sql, error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      bind_values (stmt, 1, layout, dw_store_demo_row (layout, rows, i));
      if (!dw_store_step_done (stmt, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
insert_tickets (DwStore                  *store,
                const DwStoreDemoTicket  *rows,
                guint                     n,
                GError                  **error)
{
  return insert_each (store,
    "INSERT INTO tickets (id, subject, body, channel, business_type, priority, status, team_id, "
    "assignee_id, customer_id, order_number, tags, created_at, updated_at, first_response_at, "
    "solved_at, version, escalation_level, sla_policy_id, sla_state, sla, next_sla_at, csat, "
    "csat_comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    &dw_store_demo_ticket_rows, rows, n, error);
}

static gboolean
insert_comments (DwStore                   *store,
                 const DwStoreDemoComment  *rows,
                 guint                      n,
                 GError                   **error)
{
  return insert_each (store,
    "INSERT INTO comments (id, ticket_id, author_kind, author_id, public, body, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)", &dw_store_demo_comment_rows, rows, n, error);
}

#define AUDIT_COLUMNS ((int) G_N_ELEMENTS (dw_store_demo_audit_values))
#define AUDIT_INSERT \
  "INSERT INTO audit (id, at, actor_id, entity, entity_id, action, field, before, after, reason) " \
  "VALUES "
#define AUDIT_VALUES "(?, ?, ?, 'ticket', ?, ?, ?, ?, ?, ?)"

static void
bind_audit (sqlite3_stmt           *stmt,
            int                     first,
            const DwStoreDemoAudit *a)
{
  bind_values (stmt, first, &dw_store_demo_audit_rows, a);
}

/* Audit rows are written DW_STORE_DEMO_AUDIT_BATCH to an INSERT: they are 85 % of the demo
 * history's rows, and one statement a row opened the table and both its indexes and sought each
 * from the root, row after row. */
static gboolean
insert_audit (DwStore                 *store,
              const DwStoreDemoAudit  *rows,
              guint                    n,
              GError                 **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  guint full = n - n % DW_STORE_DEMO_AUDIT_BATCH;

  if (full > 0)
    {
      static gsize made;
      static char *batch_sql;
      g_autoptr(sqlite3_stmt) stmt = NULL;

      if (g_once_init_enter (&made))
        {
          GString *sql = g_string_new (AUDIT_INSERT AUDIT_VALUES);

          for (guint i = 1; i < DW_STORE_DEMO_AUDIT_BATCH; i++)
            g_string_append (sql, ", " AUDIT_VALUES);
          batch_sql = g_string_free (sql, FALSE);
          g_once_init_leave (&made, 1);
        }
      stmt = dw_store_prepare (db, batch_sql, error);
      if (stmt == NULL)
        return FALSE;
      for (guint first = 0; first < full; first += DW_STORE_DEMO_AUDIT_BATCH)
        {
          sqlite3_reset (stmt);
          for (guint i = 0; i < DW_STORE_DEMO_AUDIT_BATCH; i++)
            bind_audit (stmt, 1 + (int) i * AUDIT_COLUMNS, &rows[first + i]);
          if (!dw_store_step_done (stmt, error))
            return FALSE;
        }
    }

  if (full < n)
    {
      g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db, AUDIT_INSERT AUDIT_VALUES, error);

      if (stmt == NULL)
        return FALSE;
      for (guint i = full; i < n; i++)
        {
          sqlite3_reset (stmt);
          bind_audit (stmt, 1, &rows[i]);
          if (!dw_store_step_done (stmt, error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
seed_surveys (DwStore  *store,
              gint64    from_ticket,
              gint64    to_ticket,
              GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store),
    "INSERT INTO surveys (ticket_id, issued_at, expires_at, answered_at, rating, comment) "
    "SELECT t.id, t.solved_at, t.solved_at + 604800, "
    "  CASE WHEN t.csat IS NOT NULL THEN coalesce ((SELECT max (a.at) FROM audit a "
    "    WHERE a.entity = 'ticket' AND a.entity_id = t.id AND a.field = 'csat'), t.solved_at) END, "
    "  t.csat, t.csat_comment "
    "FROM tickets t WHERE t.id BETWEEN ? AND ? AND t.solved_at IS NOT NULL", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from_ticket);
  sqlite3_bind_int64 (stmt, 2, to_ticket);
  return dw_store_step_done (stmt, error);
}

/* The query dw_store_is_empty () asked on the handle. */
static gboolean
is_empty (DwStore   *store,
          gboolean  *empty,
          GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store),
                                                   "SELECT 1 FROM users LIMIT 1", error);
  gboolean found;

  *empty = FALSE;
  if (stmt == NULL || !step_one (store, stmt, &found, error))
    return FALSE;
  *empty = !found;
  return TRUE;
}

/* One service per SQLite file: nobody else seeds it meanwhile. */
static gboolean
seed_lock (DwStore   *store,
           gboolean   lock,
           GError   **error)
{
  return TRUE;
}

const DwStoreDemoOps dw_sqlite_demo_ops = {
  .fast_writes = fast_writes,
  .seed_cache = seed_cache,
  .insert_calendar = insert_calendar,
  .insert_team = insert_team,
  .insert_business_type = insert_business_type,
  .insert_routing_rule = insert_routing_rule,
  .put_setting = put_setting,
  .insert_policy = insert_policy,
  .insert_user = insert_user,
  .insert_member = insert_member,
  .insert_skill = insert_skill,
  .insert_presence = insert_presence,
  .insert_shift = insert_shift,
  .insert_customers = insert_customers,
  .held_over_capacity = held_over_capacity,
  .requeue = requeue,
  .shifts_tie_templates = shifts_tie_templates,
  .insert_draft_week = insert_draft_week,
  .take_offline = take_offline,
  .delete_user_shifts = delete_user_shifts,
  .latest_shifts = latest_shifts,
  .first_shift_at = first_shift_at,
  .move_online = move_online,
  .customer_max_id = customer_max_id,
  .customer_tags = customer_tags,
  .user_presence = user_presence,
  .active_assigned = active_assigned,
  .solved_before = solved_before,
  .agent_ids = agent_ids,
  .user_shifts = user_shifts,
  .history_agents = history_agents,
  .agent_skills = agent_skills,
  .agent_presence_log = agent_presence_log,
  .agent_teams = agent_teams,
  .customers_tags = customers_tags,
  .policy_ids = policy_ids,
  .business_type_teams = business_type_teams,
  .max_ids = max_ids,
  .insert_tickets = insert_tickets,
  .insert_comments = insert_comments,
  .insert_audit = insert_audit,
  .seed_surveys = seed_surveys,
  .is_empty = is_empty,
  .seed_lock = seed_lock,
};
