/* dw-sqlite-people.c: the users' operations (store/dw-store-people.h) on SQLite. */
#define G_LOG_DOMAIN "dw-store"

#include "store/sqlite/dw-sqlite-store.h"

#include "dw-enums.h"
#include "dw-store.h"
#include "store/dw-store-people.h"

static JsonObject *
user_load_json (DwStore  *store,
                gint64    user_id,
                GError  **error)
{
  return dw_store_user_json (dw_sqlite_store_db (store), user_id, error);
}

static gint64
user_insert (DwStore               *store,
             const DwStoreUserNew  *user,
             GError               **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = dw_store_prepare (db,
                           "INSERT INTO users (username, display_name, role, password_hash, "
                           "capacity, presence, presence_since, created_at) "
                           "VALUES (?, ?, ?, ?, ?, 'offline', ?, ?)", error);
  if (stmt == NULL)
    return 0;

  sqlite3_bind_text (stmt, 1, user->username, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, user->display_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, dw_role_to_string (user->role), -1, SQLITE_STATIC);
  dw_store_bind_text_or_null (stmt, 4, user->password_hash);
  sqlite3_bind_int64 (stmt, 5, user->capacity);
  sqlite3_bind_int64 (stmt, 6, user->created_at);
  sqlite3_bind_int64 (stmt, 7, user->created_at);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE && sqlite3_extended_errcode (db) == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONFLICT,
                   "username \"%s\" is taken", user->username);
      return 0;
    }
  if (rc != SQLITE_DONE)
    {
      dw_store_set_error (error, db, rc);
      return 0;
    }

  return sqlite3_last_insert_rowid (db);
}

static gboolean
user_update (DwStore                  *store,
             gint64                    user_id,
             const DwStoreUserChange  *change,
             GError                  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "UPDATE users SET display_name = coalesce (?, display_name), role = ?, "
                           "capacity = ?, disabled = ?, "
                           "password_hash = CASE WHEN ? THEN ? ELSE password_hash END "
                           "WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  dw_store_bind_text_or_null (stmt, 1, change->display_name);
  sqlite3_bind_text (stmt, 2, dw_role_to_string (change->role), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, change->capacity);
  sqlite3_bind_int (stmt, 4, change->disabled ? 1 : 0);
  sqlite3_bind_int (stmt, 5, change->set_password ? 1 : 0);
  dw_store_bind_text_or_null (stmt, 6, change->password_hash);
  sqlite3_bind_int64 (stmt, 7, user_id);
  return dw_store_step_done (stmt, error);
}

static gboolean
run_with_id (DwStore     *store,
             const char  *sql,
             gint64       id,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store), sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  return dw_store_step_done (stmt, error);
}

static gboolean
memberships_clear (DwStore  *store,
                   gint64    user_id,
                   GError  **error)
{
  return run_with_id (store, "DELETE FROM team_members WHERE user_id = ?", user_id, error);
}

static gboolean
membership_insert (DwStore   *store,
                   gint64     team_id,
                   gint64     user_id,
                   gboolean   is_lead,
                   GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (?, ?, ?)",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, team_id);
  sqlite3_bind_int64 (stmt, 2, user_id);
  sqlite3_bind_int (stmt, 3, is_lead ? 1 : 0);
  return dw_store_step_done (stmt, error);
}

static gboolean
skills_clear (DwStore  *store,
              gint64    user_id,
              GError  **error)
{
  return run_with_id (store, "DELETE FROM user_skills WHERE user_id = ?", user_id, error);
}

static gboolean
skill_insert (DwStore     *store,
              gint64       user_id,
              const char  *skill,
              gint64       level,
              GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "INSERT INTO user_skills (user_id, skill, level) VALUES (?, ?, ?)",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_text (stmt, 2, skill, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, level);
  return dw_store_step_done (stmt, error);
}

static gboolean
presence_set (DwStore  *store,
              gint64    user_id,
              int       presence,
              gint64    at,
              GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) log = NULL;

  stmt = dw_store_prepare (db, "UPDATE users SET presence = ?, presence_since = ? WHERE id = ?",
                           error);
  log = dw_store_prepare (db, "INSERT INTO presence_log (user_id, presence, at) VALUES (?, ?, ?)",
                          error);
  if (stmt == NULL || log == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, dw_presence_to_string (presence), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, at);
  sqlite3_bind_int64 (stmt, 3, user_id);
  sqlite3_bind_int64 (log, 1, user_id);
  sqlite3_bind_text (log, 2, dw_presence_to_string (presence), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (log, 3, at);
  return dw_store_step_done (stmt, error) && dw_store_step_done (log, error);
}

/* The tickets of offline agents (with their team's grace).  CROSS JOIN makes SQLite start from
 * the users and reach their tickets through tickets_assignee: left to itself it walked every
 * open ticket (tickets_status) on each call, and the desk asks after every create — the
 * largest cost of a create on a desk with thousands of open tickets (issue 13). */
#define STRANDED_SQL \
  "FROM users u CROSS JOIN tickets t ON t.assignee_id = u.id JOIN teams m ON m.id = t.team_id " \
  "WHERE u.presence = 'offline' AND t.status IN ('new', 'open') "

static GArray *
stranded_due (DwStore  *store,
              gint64    now,
              GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (DwStoreStrandedRow));
  int rc;

  stmt = dw_store_prepare (db,
    "SELECT t.id, t.team_id, t.assignee_id, u.presence_since, m.offline_grace_minutes "
    STRANDED_SQL "AND u.presence_since + 60 * m.offline_grace_minutes <= ? ORDER BY t.id", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, now);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DwStoreStrandedRow row = {
        .ticket_id = sqlite3_column_int64 (stmt, 0),
        .team_id = sqlite3_column_int64 (stmt, 1),
        .assignee_id = sqlite3_column_int64 (stmt, 2),
        .presence_since = sqlite3_column_int64 (stmt, 3),
        .grace_minutes = sqlite3_column_int (stmt, 4),
      };

      g_array_append_val (rows, row);
    }

  if (!dw_store_step_rows_done (stmt, rc, error))
    return NULL;

  return g_steal_pointer (&rows);
}

static gint64
stranded_next_at (DwStore  *store,
                  GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = dw_store_prepare (db, "SELECT min (u.presence_since + 60 * m.offline_grace_minutes) "
                           STRANDED_SQL, error);
  if (stmt == NULL)
    return 0;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      dw_store_set_error (error, db, rc);
      return 0;
    }

  return sqlite3_column_type (stmt, 0) != SQLITE_NULL ? sqlite3_column_int64 (stmt, 0) : 0;
}

static gboolean
ticket_hand_back (DwStore  *store,
                  gint64    ticket_id,
                  gint64    at,
                  GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "UPDATE tickets SET assignee_id = NULL, updated_at = ?, "
                           "version = version + 1 WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, at);
  sqlite3_bind_int64 (stmt, 2, ticket_id);
  return dw_store_step_done (stmt, error);
}

static JsonObject *
team_load_json (DwStore  *store,
                gint64    team_id,
                GError  **error)
{
  return dw_store_team_json (dw_sqlite_store_db (store), team_id, error);
}

/* Steps a team's INSERT or UPDATE: a taken name is a conflict. */
static gboolean
step_team (sqlite3       *db,
           sqlite3_stmt  *stmt,
           const char    *name,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE)
    return TRUE;
  if (sqlite3_extended_errcode (db) == SQLITE_CONSTRAINT_UNIQUE)
    g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONFLICT, "team name \"%s\" is taken",
                 name);
  else
    dw_store_set_error (error, db, rc);
  return FALSE;
}

static gint64
team_insert (DwStore                 *store,
             const DwStoreTeamWrite  *team,
             GError                 **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db,
                           "INSERT INTO teams (name, description, calendar_id, created_at) "
                           "VALUES (?1, coalesce (?2, ''), ?3, ?4)", error);
  if (stmt == NULL)
    return 0;

  dw_store_bind_text_or_null (stmt, 1, team->name);
  dw_store_bind_text_or_null (stmt, 2, team->description);
  dw_store_bind_id_or_null (stmt, 3, team->calendar_id);
  sqlite3_bind_int64 (stmt, 4, team->created_at);
  if (!step_team (db, stmt, team->name, error))
    return 0;

  return sqlite3_last_insert_rowid (db);
}

static gboolean
team_update (DwStore                 *store,
             gint64                   team_id,
             const DwStoreTeamWrite  *team,
             GError                 **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db,
                           "UPDATE teams SET name = coalesce (?1, name), "
                           "description = coalesce (?2, description), "
                           "calendar_id = coalesce (?3, calendar_id) WHERE id = ?4", error);
  if (stmt == NULL)
    return FALSE;

  dw_store_bind_text_or_null (stmt, 1, team->name);
  dw_store_bind_text_or_null (stmt, 2, team->description);
  dw_store_bind_id_or_null (stmt, 3, team->calendar_id);
  sqlite3_bind_int64 (stmt, 4, team_id);
  return step_team (db, stmt, team->name, error);
}

static gboolean
team_set_grace (DwStore  *store,
                gint64    team_id,
                gint64    minutes,
                GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "UPDATE teams SET offline_grace_minutes = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, minutes);
  sqlite3_bind_int64 (stmt, 2, team_id);
  return dw_store_step_done (stmt, error);
}

static gint64
calendar_first (DwStore  *store,
                GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = dw_store_prepare (db, "SELECT min (id) FROM calendars", error);
  if (stmt == NULL)
    return 0;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      dw_store_set_error (error, db, rc);
      return 0;
    }

  return sqlite3_column_int64 (stmt, 0);
}

static gboolean
business_type_put (DwStore     *store,
                   const char  *key,
                   const char  *name,
                   gint64       team_id,
                   gboolean     set_skill,
                   const char  *skill,
                   GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "INSERT INTO business_types (key, name, team_id, skill) "
                           "VALUES (?1, coalesce (?2, ?1), ?3, ?4) "
                           "ON CONFLICT (key) DO UPDATE SET team_id = ?3, "
                           "name = coalesce (?2, name), "
                           "skill = CASE WHEN ?5 THEN ?4 ELSE skill END", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  dw_store_bind_text_or_null (stmt, 2, name);
  sqlite3_bind_int64 (stmt, 3, team_id);
  dw_store_bind_text_or_null (stmt, 4, skill);
  sqlite3_bind_int (stmt, 5, set_skill ? 1 : 0);
  return dw_store_step_done (stmt, error);
}

/* Appends " AND (...)" restricting customers (alias c) to those @scope sees: the ticket rule of
 * docs/api.md "Tickets" (a lead also its teams'), plus the customers the reader recorded
 * itself.  Ids only, as numbers: the text stays one cached statement per reader. */
static void
append_customer_scope (const DwStoreCustomerScope *scope,
                       GString                    *where)
{
  if (scope->all)
    return;

  g_string_append_printf (where,
                          " AND (c.id IN (SELECT t.customer_id FROM tickets t"
                          " WHERE t.customer_id IS NOT NULL AND (t.assignee_id = %" G_GINT64_FORMAT,
                          scope->user_id);
  if (scope->team_ids != NULL && scope->team_ids->len > 0)
    {
      g_string_append (where, " OR t.team_id IN (");
      for (guint i = 0; i < scope->team_ids->len; i++)
        g_string_append_printf (where, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "",
                                g_array_index (scope->team_ids, gint64, i));
      g_string_append (where, ")");
    }
  g_string_append_printf (where,
                          ")) OR c.id IN (SELECT a.entity_id FROM audit a WHERE a.entity = "
                          "'customer' AND a.action = 'created' AND a.actor_id = %" G_GINT64_FORMAT
                          "))", scope->user_id);
}

static JsonObject *
customer_load_json (DwStore  *store,
                    gint64    customer_id,
                    GError  **error)
{
  return dw_store_customer_json (dw_sqlite_store_db (store), customer_id, error);
}

static gboolean
customer_visible (DwStore                     *store,
                  const DwStoreCustomerScope  *scope,
                  gint64                       customer_id)
{
  g_autoptr(GString) sql = g_string_new ("SELECT 1 FROM customers c WHERE c.id = ?");
  g_autoptr(sqlite3_stmt) stmt = NULL;

  append_customer_scope (scope, sql);
  stmt = dw_store_prepare (dw_sqlite_store_db (store), sql->str, NULL);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, customer_id);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

static void
bind_customer (sqlite3_stmt                *stmt,
               const DwStoreCustomerWrite  *customer)
{
  dw_store_bind_text_or_null (stmt, 1, customer->name);
  dw_store_bind_text_or_null (stmt, 2, customer->email);
  dw_store_bind_text_or_null (stmt, 3, customer->phone);
  sqlite3_bind_text (stmt, 4, customer->tags != NULL ? customer->tags : "[]", -1,
                     SQLITE_TRANSIENT);
}

static gint64
customer_insert (DwStore                     *store,
                 const DwStoreCustomerWrite  *customer,
                 GError                     **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db,
                           "INSERT INTO customers (name, email, phone, tags, created_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5)", error);
  if (stmt == NULL)
    return 0;

  bind_customer (stmt, customer);
  sqlite3_bind_int64 (stmt, 5, customer->created_at);
  if (!dw_store_step_done (stmt, error))
    return 0;

  return sqlite3_last_insert_rowid (db);
}

static gboolean
customer_update (DwStore                     *store,
                 gint64                       customer_id,
                 const DwStoreCustomerWrite  *customer,
                 GError                     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "UPDATE customers SET name = coalesce (?1, name), "
                           "email = CASE WHEN ?5 THEN ?2 ELSE email END, "
                           "phone = CASE WHEN ?6 THEN ?3 ELSE phone END, "
                           "tags = CASE WHEN ?7 THEN ?4 ELSE tags END WHERE id = ?8", error);
  if (stmt == NULL)
    return FALSE;

  bind_customer (stmt, customer);
  sqlite3_bind_int (stmt, 5, customer->set_email ? 1 : 0);
  sqlite3_bind_int (stmt, 6, customer->set_phone ? 1 : 0);
  sqlite3_bind_int (stmt, 7, customer->set_tags ? 1 : 0);
  sqlite3_bind_int64 (stmt, 8, customer_id);
  return dw_store_step_done (stmt, error);
}

static GPtrArray *
customer_list (DwStore                     *store,
               const DwStoreCustomerScope  *scope,
               gint64                       after_id,
               const char                  *pattern,
               guint                        limit,
               GError                     **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(GString) sql = g_string_new ("SELECT " DW_STORE_CUSTOMER_COLUMNS
                                         " FROM customers c WHERE c.id > ?1");
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  int rc;

  append_customer_scope (scope, sql);
  if (pattern != NULL)
    g_string_append (sql, " AND (c.name LIKE ?2 ESCAPE '\\' OR c.email LIKE ?2 ESCAPE '\\' "
                          "OR c.phone LIKE ?2 ESCAPE '\\')");
  g_string_append (sql, " ORDER BY c.id LIMIT ?3");

  stmt = dw_store_prepare (db, sql->str, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, after_id);
  if (pattern != NULL)
    sqlite3_bind_text (stmt, 2, pattern, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, limit);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (items, dw_store_customer_json_from_row (stmt));

  if (!dw_store_step_rows_done (stmt, rc, error))
    return NULL;

  return g_steal_pointer (&items);
}

/* Appends " AND (...)" restricting users (alias u) to those @scope sees; ids as numbers. */
static void
append_user_scope (const DwStoreUserScope *scope,
                   GString                *where)
{
  if (scope->all)
    return;

  g_string_append_printf (where, " AND (u.id = %" G_GINT64_FORMAT, scope->user_id);
  if (scope->team_ids != NULL && scope->team_ids->len > 0)
    {
      g_string_append (where, " OR u.id IN (SELECT user_id FROM team_members WHERE team_id IN (");
      for (guint i = 0; i < scope->team_ids->len; i++)
        g_string_append_printf (where, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "",
                                g_array_index (scope->team_ids, gint64, i));
      g_string_append (where, "))");
    }
  g_string_append (where, ")");
}

typedef JsonObject *(*RowToJson) (sqlite3 *db, sqlite3_stmt *stmt);

/* Runs @sql (with ?1 bound to @bind1 when > 0): its rows as objects. */
static JsonArray *
rows_json (sqlite3     *db,
           const char  *sql,
           gint64       bind1,
           RowToJson    func,
           GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db, sql, error);
  g_autoptr(JsonArray) items = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;

  if (bind1 > 0)
    sqlite3_bind_int64 (stmt, 1, bind1);

  items = json_array_new ();
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    json_array_add_object_element (items, func (db, stmt));

  if (!dw_store_step_rows_done (stmt, rc, error))
    return NULL;

  return g_steal_pointer (&items);
}

static JsonArray *
team_list_json (DwStore  *store,
                GError  **error)
{
  return rows_json (dw_sqlite_store_db (store),
                    "SELECT " DW_STORE_TEAM_COLUMNS " FROM teams m ORDER BY m.id", 0,
                    dw_store_team_json_from_row, error);
}

static JsonArray *
user_list_json (DwStore                 *store,
                const DwStoreUserScope  *scope,
                gint64                   team_id,
                int                      presence,
                GError                 **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT " DW_STORE_USER_COLUMNS " FROM users u WHERE 1");

  append_user_scope (scope, sql);
  if (team_id > 0)
    g_string_append (sql, " AND u.id IN (SELECT user_id FROM team_members WHERE team_id = ?1)");
  if (presence >= 0)
    g_string_append_printf (sql, " AND u.presence = '%s'", dw_presence_to_string (presence));
  g_string_append (sql, " ORDER BY u.id");

  return rows_json (dw_sqlite_store_db (store), sql->str, team_id, dw_store_user_json_from_row,
                    error);
}

static gboolean
user_visible (DwStore                 *store,
              const DwStoreUserScope  *scope,
              gint64                   user_id)
{
  g_autoptr(GString) sql = g_string_new ("SELECT 1 FROM users u WHERE u.id = ?1");
  g_autoptr(sqlite3_stmt) stmt = NULL;

  append_user_scope (scope, sql);
  stmt = dw_store_prepare (dw_sqlite_store_db (store), sql->str, NULL);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, user_id);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

static JsonObject *
policy_row (sqlite3 *db, sqlite3_stmt *stmt)
{
  return dw_store_sla_policy_json_from_row (stmt);
}

static JsonObject *
calendar_row (sqlite3 *db, sqlite3_stmt *stmt)
{
  return dw_store_calendar_json_from_row (stmt);
}

static JsonArray *
policy_list_json (DwStore  *store,
                  GError  **error)
{
  return rows_json (dw_sqlite_store_db (store), "SELECT " DW_STORE_SLA_POLICY_COLUMNS
                    " FROM sla_policies p ORDER BY p.position, p.id", 0, policy_row, error);
}

static JsonObject *
policy_load_json (DwStore  *store,
                  gint64    policy_id,
                  GError  **error)
{
  return dw_store_sla_policy_json (dw_sqlite_store_db (store), policy_id, error);
}

static JsonArray *
calendar_list_json (DwStore  *store,
                    GError  **error)
{
  return rows_json (dw_sqlite_store_db (store), "SELECT " DW_STORE_CALENDAR_COLUMNS
                    " FROM calendars k ORDER BY k.id", 0, calendar_row, error);
}

static JsonObject *
calendar_load_json (DwStore  *store,
                    gint64    calendar_id,
                    GError  **error)
{
  return dw_store_calendar_json (dw_sqlite_store_db (store), calendar_id, error);
}

const DwStorePeopleOps dw_sqlite_people_ops = {
  .user_load_json = user_load_json,
  .user_insert = user_insert,
  .user_update = user_update,
  .memberships_clear = memberships_clear,
  .membership_insert = membership_insert,
  .skills_clear = skills_clear,
  .skill_insert = skill_insert,
  .presence_set = presence_set,
  .stranded_due = stranded_due,
  .stranded_next_at = stranded_next_at,
  .ticket_hand_back = ticket_hand_back,
  .team_load_json = team_load_json,
  .team_insert = team_insert,
  .team_update = team_update,
  .team_set_grace = team_set_grace,
  .calendar_first = calendar_first,
  .business_type_put = business_type_put,
  .customer_load_json = customer_load_json,
  .customer_visible = customer_visible,
  .customer_insert = customer_insert,
  .customer_update = customer_update,
  .customer_list = customer_list,
  .team_list_json = team_list_json,
  .user_list_json = user_list_json,
  .user_visible = user_visible,
  .policy_list_json = policy_list_json,
  .policy_load_json = policy_load_json,
  .calendar_list_json = calendar_list_json,
  .calendar_load_json = calendar_load_json,
};
