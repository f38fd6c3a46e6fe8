/* dw-pg-people.c: the users' operations (store/dw-store-people.h) on PostgreSQL.
 *
 * The same statements as dw-sqlite-people.c with $n parameters; the user's JSON is built here
 * as dw-store.c builds it from a SQLite row (same members, NULLs and order).
 */
#define G_LOG_DOMAIN "dw-store"

#include "config.h"

#include "dw-clock.h"
#include "dw-enums.h"
#include "dw-store.h"
#include "store/dw-store-people.h"
#include "store/pg/dw-pg-connection.h"
#include "store/pg/dw-pg-ops.h"
#include "store/pg/dw-pg-store.h"

#define INT_PARAM(name, value) \
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) (value))

static JsonObject *
user_load_json (DwStore  *store,
                gint64    user_id,
                GError  **error)
{
  INT_PARAM (id, user_id);
  const char *params[] = { id };
  g_autoptr(PGresult) user = NULL;
  g_autoptr(PGresult) teams = NULL;
  g_autoptr(PGresult) skills = NULL;
  g_autoptr(PGresult) open = NULL;
  g_autofree char *since = NULL;
  JsonArray *team_array, *skill_array;
  JsonObject *o;

  user = dw_pg_store_query (store, "SELECT id, username, display_name, role, capacity, presence, "
                            "presence_since, disabled FROM users WHERE id = $1", 1, params, error);
  if (user == NULL)
    return NULL;
  if (PQntuples (user) == 0)
    {
      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND,
                   "no user with id %" G_GINT64_FORMAT, user_id);
      return NULL;
    }

  teams = dw_pg_store_query (store, "SELECT team_id, is_lead FROM team_members WHERE user_id = $1 "
                             "ORDER BY team_id", 1, params, error);
  skills = teams != NULL
           ? dw_pg_store_query (store, "SELECT skill, level FROM user_skills WHERE user_id = $1 "
                                "ORDER BY skill COLLATE \"C\"", 1, params, error)
           : NULL;
  open = skills != NULL
         ? dw_pg_store_query (store,
           "SELECT count (*) FROM tickets WHERE assignee_id = $1 "
           "AND status IN ('new', 'open', 'pending', 'on-hold')", 1, params, error)
         : NULL;
  if (open == NULL)
    return NULL;

  o = json_object_new ();
  json_object_set_int_member (o, "id", dw_pg_get_int (user, 0, 0));
  json_object_set_string_member (o, "username", PQgetvalue (user, 0, 1));
  json_object_set_string_member (o, "display_name", PQgetvalue (user, 0, 2));
  json_object_set_string_member (o, "role", PQgetvalue (user, 0, 3));
  json_object_set_int_member (o, "capacity", dw_pg_get_int (user, 0, 4));
  json_object_set_string_member (o, "presence", PQgetvalue (user, 0, 5));
  since = dw_time_to_iso8601 (dw_pg_get_int (user, 0, 6));
  json_object_set_string_member (o, "presence_since", since);

  team_array = json_array_new ();
  for (int i = 0; i < PQntuples (teams); i++)
    {
      JsonObject *t = json_object_new ();

      json_object_set_int_member (t, "id", dw_pg_get_int (teams, i, 0));
      json_object_set_boolean_member (t, "is_lead", dw_pg_get_int (teams, i, 1) != 0);
      json_array_add_object_element (team_array, t);
    }
  json_object_set_array_member (o, "teams", team_array);

  skill_array = json_array_new ();
  for (int i = 0; i < PQntuples (skills); i++)
    {
      JsonObject *s = json_object_new ();

      json_object_set_string_member (s, "skill", PQgetvalue (skills, i, 0));
      json_object_set_int_member (s, "level", dw_pg_get_int (skills, i, 1));
      json_array_add_object_element (skill_array, s);
    }
  json_object_set_array_member (o, "skills", skill_array);

  json_object_set_int_member (o, "open_tickets", dw_pg_get_int (open, 0, 0));
  json_object_set_boolean_member (o, "disabled", dw_pg_get_int (user, 0, 7) != 0);
  return o;
}

static gint64
user_insert (DwStore               *store,
             const DwStoreUserNew  *user,
             GError               **error)
{
  INT_PARAM (capacity, user->capacity);
  INT_PARAM (at, user->created_at);
  const char *params[] = { user->username, user->display_name, dw_role_to_string (user->role),
                           user->password_hash, capacity, at };
  g_autoptr(PGresult) result = NULL;
  GError *local_error = NULL;

  result = dw_pg_query (dw_pg_store_conn (store),
                        "INSERT INTO users (username, display_name, role, password_hash, "
                        "capacity, presence, presence_since, created_at) "
                        "VALUES ($1, $2, $3, $4, $5, 'offline', $6, $6) RETURNING id",
                        G_N_ELEMENTS (params), params, &local_error);
  if (result == NULL)
    {
      /* unique_violation: the username's UNIQUE (the id is the identity's). */
      if (g_strcmp0 (dw_pg_error_get_sqlstate (local_error), "23505") == 0)
        {
          g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONFLICT,
                       "username \"%s\" is taken", user->username);
          g_error_free (local_error);
        }
      else
        dw_pg_store_propagate_error (error, local_error);
      return 0;
    }

  return dw_pg_get_int (result, 0, 0);
}

static gboolean
user_update (DwStore                  *store,
             gint64                    user_id,
             const DwStoreUserChange  *change,
             GError                  **error)
{
  INT_PARAM (capacity, change->capacity);
  INT_PARAM (id, user_id);
  const char *params[] = { change->display_name, dw_role_to_string (change->role), capacity,
                           change->disabled ? "1" : "0", change->set_password ? "t" : "f",
                           change->password_hash, id };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "UPDATE users SET display_name = coalesce ($1, display_name), "
    "role = $2, capacity = $3, disabled = $4, "
    "password_hash = CASE WHEN $5::boolean THEN $6 ELSE password_hash END "
    "WHERE id = $7", G_N_ELEMENTS (params), params, error);
  return result != NULL;
}

static gboolean
run_with_id (DwStore     *store,
             const char  *sql,
             gint64       id,
             GError     **error)
{
  INT_PARAM (text, id);
  g_autoptr(PGresult) result = dw_pg_store_query (store, sql, 1, (const char *[]) { text }, error);

  return result != NULL;
}

static gboolean
memberships_clear (DwStore  *store,
                   gint64    user_id,
                   GError  **error)
{
  return run_with_id (store, "DELETE FROM team_members WHERE user_id = $1", user_id, error);
}

static gboolean
membership_insert (DwStore   *store,
                   gint64     team_id,
                   gint64     user_id,
                   gboolean   is_lead,
                   GError   **error)
{
  INT_PARAM (team, team_id);
  INT_PARAM (user, user_id);
  const char *params[] = { team, user, is_lead ? "1" : "0" };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store, "INSERT INTO team_members (team_id, user_id, is_lead) "
                              "VALUES ($1, $2, $3)", G_N_ELEMENTS (params), params, error);
  return result != NULL;
}

static gboolean
skills_clear (DwStore  *store,
              gint64    user_id,
              GError  **error)
{
  return run_with_id (store, "DELETE FROM user_skills WHERE user_id = $1", user_id, error);
}

static gboolean
skill_insert (DwStore     *store,
              gint64       user_id,
              const char  *skill,
              gint64       level,
              GError     **error)
{
  INT_PARAM (user, user_id);
  INT_PARAM (lvl, level);
  const char *params[] = { user, skill, lvl };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "INSERT INTO user_skills (user_id, skill, level) VALUES ($1, $2, $3)",
    G_N_ELEMENTS (params), params, error);
  return result != NULL;
}

static gboolean
presence_set (DwStore  *store,
              gint64    user_id,
              int       presence,
              gint64    at,
              GError  **error)
{
  INT_PARAM (id, user_id);
  INT_PARAM (when, at);
  const char *params[] = { dw_presence_to_string (presence), when, id };
  g_autoptr(PGresult) updated = NULL;
  g_autoptr(PGresult) logged = NULL;

  updated = dw_pg_store_query (store,
    "UPDATE users SET presence = $1, presence_since = $2 WHERE id = $3",
    G_N_ELEMENTS (params), params, error);
  if (updated == NULL)
    return FALSE;
  logged = dw_pg_store_query (store,
    "INSERT INTO presence_log (user_id, presence, at) VALUES ($3, $1, $2)",
    G_N_ELEMENTS (params), params, error);
  return logged != NULL;
}

#define STRANDED_SQL \
  "FROM tickets t JOIN users u ON u.id = t.assignee_id JOIN teams m ON m.id = t.team_id " \
  "WHERE u.presence = 'offline' AND t.status IN ('new', 'open') "

static GArray *
stranded_due (DwStore  *store,
              gint64    now,
              GError  **error)
{
  INT_PARAM (at, now);
  g_autoptr(PGresult) result = NULL;
  GArray *rows;

  result = dw_pg_store_query (store,
    "SELECT t.id, t.team_id, t.assignee_id, u.presence_since, "
    "m.offline_grace_minutes " STRANDED_SQL
    "AND u.presence_since + 60 * m.offline_grace_minutes <= $1 ORDER BY t.id", 1,
    (const char *[]) { at }, error);
  if (result == NULL)
    return NULL;

  rows = g_array_new (FALSE, FALSE, sizeof (DwStoreStrandedRow));
  for (int i = 0; i < PQntuples (result); i++)
    {
      DwStoreStrandedRow row = {
        .ticket_id = dw_pg_get_int (result, i, 0),
        .team_id = dw_pg_get_int (result, i, 1),
        .assignee_id = dw_pg_get_int (result, i, 2),
        .presence_since = dw_pg_get_int (result, i, 3),
        .grace_minutes = (int) dw_pg_get_int (result, i, 4),
      };

      g_array_append_val (rows, row);
    }

  return rows;
}

static gint64
stranded_next_at (DwStore  *store,
                  GError  **error)
{
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store, "SELECT min (u.presence_since + 60 * m.offline_grace_minutes) "
                              STRANDED_SQL, 0, NULL, error);
  if (result == NULL)
    return 0;

  return dw_pg_get_int (result, 0, 0);
}

static gboolean
ticket_hand_back (DwStore  *store,
                  gint64    ticket_id,
                  gint64    at,
                  GError  **error)
{
  INT_PARAM (when, at);
  INT_PARAM (id, ticket_id);
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "UPDATE tickets SET assignee_id = NULL, updated_at = $1, "
    "version = version + 1 WHERE id = $2", 2, (const char *[]) { when, id },
    error);
  return result != NULL;
}

static JsonObject *
team_load_json (DwStore  *store,
                gint64    team_id,
                GError  **error)
{
  INT_PARAM (id, team_id);
  const char *params[] = { id };
  g_autoptr(PGresult) team = NULL;
  g_autoptr(PGresult) types = NULL;
  JsonArray *keys;
  JsonObject *o;

  team = dw_pg_store_query (store,
    "SELECT id, name, description, calendar_id, offline_grace_minutes "
    "FROM teams WHERE id = $1", 1, params, error);
  if (team == NULL)
    return NULL;
  if (PQntuples (team) == 0)
    {
      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND,
                   "no team with id %" G_GINT64_FORMAT, team_id);
      return NULL;
    }

  /* Byte order, as SQLite's BINARY collation sorts. */
  types = dw_pg_store_query (store, "SELECT key FROM business_types WHERE team_id = $1 "
                             "ORDER BY key COLLATE \"C\"", 1, params, error);
  if (types == NULL)
    return NULL;

  o = json_object_new ();
  json_object_set_int_member (o, "id", dw_pg_get_int (team, 0, 0));
  json_object_set_string_member (o, "name", PQgetvalue (team, 0, 1));
  json_object_set_string_member (o, "description", PQgetvalue (team, 0, 2));
  json_object_set_int_member (o, "calendar_id", dw_pg_get_int (team, 0, 3));
  json_object_set_int_member (o, "offline_grace_minutes", dw_pg_get_int (team, 0, 4));
  keys = json_array_new ();
  for (int i = 0; i < PQntuples (types); i++)
    json_array_add_string_element (keys, PQgetvalue (types, i, 0));
  json_object_set_array_member (o, "business_types", keys);
  return o;
}

/* Runs a team's INSERT or UPDATE: a taken name (unique_violation) is a conflict. */
static PGresult *
write_team (DwStore             *store,
            const char          *sql,
            int                  n_params,
            const char * const  *params,
            const char          *name,
            GError             **error)
{
  GError *local_error = NULL;
  PGresult *result = dw_pg_query (dw_pg_store_conn (store), sql, n_params, params,
                                  &local_error);

  if (result != NULL)
    return result;

  if (g_strcmp0 (dw_pg_error_get_sqlstate (local_error), "23505") == 0)
    {
      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONFLICT,
                   "team name \"%s\" is taken", name);
      g_error_free (local_error);
    }
  else
    dw_pg_store_propagate_error (error, local_error);
  return NULL;
}

static gint64
team_insert (DwStore                 *store,
             const DwStoreTeamWrite  *team,
             GError                 **error)
{
  g_autofree char *calendar = team->calendar_id > 0
                              ? g_strdup_printf ("%" G_GINT64_FORMAT, team->calendar_id) : NULL;
  INT_PARAM (at, team->created_at);
  const char *params[] = { team->name, team->description, calendar, at };
  g_autoptr(PGresult) result = NULL;

  result = write_team (store, "INSERT INTO teams (name, description, calendar_id, created_at) "
                       "VALUES ($1, coalesce ($2, ''), $3, $4) RETURNING id",
                       G_N_ELEMENTS (params), params, team->name, error);
  if (result == NULL)
    return 0;

  return dw_pg_get_int (result, 0, 0);
}

static gboolean
team_update (DwStore                 *store,
             gint64                   team_id,
             const DwStoreTeamWrite  *team,
             GError                 **error)
{
  g_autofree char *calendar = team->calendar_id > 0
                              ? g_strdup_printf ("%" G_GINT64_FORMAT, team->calendar_id) : NULL;
  INT_PARAM (id, team_id);
  const char *params[] = { team->name, team->description, calendar, id };
  g_autoptr(PGresult) result = NULL;

  result = write_team (store, "UPDATE teams SET name = coalesce ($1, name), "
                       "description = coalesce ($2, description), "
                       "calendar_id = coalesce ($3::bigint, calendar_id) WHERE id = $4",
                       G_N_ELEMENTS (params), params, team->name, error);
  return result != NULL;
}

static gboolean
team_set_grace (DwStore  *store,
                gint64    team_id,
                gint64    minutes,
                GError  **error)
{
  INT_PARAM (grace, minutes);
  INT_PARAM (id, team_id);
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store, "UPDATE teams SET offline_grace_minutes = $1 WHERE id = $2", 2,
                              (const char *[]) { grace, id }, error);
  return result != NULL;
}

static gint64
calendar_first (DwStore  *store,
                GError  **error)
{
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "SELECT min (id) FROM calendars", 0, NULL, error);

  return result != NULL ? dw_pg_get_int (result, 0, 0) : 0;
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
  INT_PARAM (team, team_id);
  const char *params[] = { key, name, team, skill, set_skill ? "t" : "f" };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "INSERT INTO business_types AS b (key, name, team_id, skill) "
    "VALUES ($1, coalesce ($2, $1), $3, $4) "
    "ON CONFLICT (key) DO UPDATE SET team_id = $3, name = coalesce ($2, b.name), "
    "skill = CASE WHEN $5::boolean THEN $4 ELSE b.skill END",
    G_N_ELEMENTS (params), params, error);
  return result != NULL;
}

/* As dw-sqlite-people.c's: ids only, as numbers. */
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

#define CUSTOMER_COLUMNS "c.id, c.name, c.email, c.phone, c.tags, c.created_at"

static void
set_text_or_null (JsonObject *o,
                  const char *member,
                  PGresult   *result,
                  int         row,
                  int         column)
{
  if (PQgetisnull (result, row, column))
    json_object_set_null_member (o, member);
  else
    json_object_set_string_member (o, member, PQgetvalue (result, row, column));
}

/* The object dw_store_customer_json_from_row makes of the same row. */
static JsonObject *
customer_json (PGresult *result,
               int       row)
{
  JsonObject *o = json_object_new ();
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autofree char *created = dw_time_to_iso8601 (dw_pg_get_int (result, row, 5));
  const char *tags = PQgetvalue (result, row, 4);

  json_object_set_int_member (o, "id", dw_pg_get_int (result, row, 0));
  set_text_or_null (o, "name", result, row, 1);
  set_text_or_null (o, "email", result, row, 2);
  set_text_or_null (o, "phone", result, row, 3);
  if (json_parser_load_from_data (parser, tags, -1, NULL) && json_parser_get_root (parser) != NULL)
    json_object_set_member (o, "tags", json_node_copy (json_parser_get_root (parser)));
  else
    {
      g_warning ("Invalid JSON in column tags: %s", tags);
      json_object_set_null_member (o, "tags");
    }
  json_object_set_string_member (o, "created_at", created);
  return o;
}

static JsonObject *
customer_load_json (DwStore  *store,
                    gint64    customer_id,
                    GError  **error)
{
  INT_PARAM (id, customer_id);
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "SELECT " CUSTOMER_COLUMNS " FROM customers c WHERE c.id = $1", 1,
    (const char *[]) { id }, error);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) == 0)
    {
      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND,
                   "no customer with id %" G_GINT64_FORMAT, customer_id);
      return NULL;
    }

  return customer_json (result, 0);
}

static gboolean
customer_visible (DwStore                     *store,
                  const DwStoreCustomerScope  *scope,
                  gint64                       customer_id)
{
  g_autoptr(GString) sql = g_string_new ("SELECT 1 FROM customers c WHERE c.id = $1");
  g_autoptr(PGresult) result = NULL;
  INT_PARAM (id, customer_id);

  append_customer_scope (scope, sql);
  result = dw_pg_store_query (store, sql->str, 1, (const char *[]) { id }, NULL);
  return result != NULL && PQntuples (result) > 0;
}

static gint64
customer_insert (DwStore                     *store,
                 const DwStoreCustomerWrite  *customer,
                 GError                     **error)
{
  INT_PARAM (at, customer->created_at);
  const char *params[] = { customer->name, customer->email, customer->phone,
                           customer->tags != NULL ? customer->tags : "[]", at };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "INSERT INTO customers (name, email, phone, tags, created_at) "
    "VALUES ($1, $2, $3, $4, $5) RETURNING id", G_N_ELEMENTS (params), params,
    error);
  return result != NULL ? dw_pg_get_int (result, 0, 0) : 0;
}

static gboolean
customer_update (DwStore                     *store,
                 gint64                       customer_id,
                 const DwStoreCustomerWrite  *customer,
                 GError                     **error)
{
  INT_PARAM (id, customer_id);
  const char *params[] = { customer->name, customer->email, customer->phone,
                           customer->tags != NULL ? customer->tags : "[]",
                           customer->set_email ? "t" : "f", customer->set_phone ? "t" : "f",
                           customer->set_tags ? "t" : "f", id };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store, "UPDATE customers SET name = coalesce ($1, name), "
                              "email = CASE WHEN $5::boolean THEN $2 ELSE email END, "
                              "phone = CASE WHEN $6::boolean THEN $3 ELSE phone END, "
                              "tags = CASE WHEN $7::boolean THEN $4 ELSE tags END WHERE id = $8",
                              G_N_ELEMENTS (params), params, error);
  return result != NULL;
}

/* SQLite's LIKE: ASCII letters match in either case, nothing else does. */
#define ASCII_FOLD(x) \
  "translate (" x ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"

static GPtrArray *
customer_list (DwStore                     *store,
               const DwStoreCustomerScope  *scope,
               gint64                       after_id,
               const char                  *pattern,
               guint                        limit,
               GError                     **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT " CUSTOMER_COLUMNS
                                         " FROM customers c WHERE c.id > $1");
  g_autoptr(PGresult) result = NULL;
  INT_PARAM (after, after_id);
  INT_PARAM (n, limit);
  const char *params[] = { after, n, pattern };
  GPtrArray *items;

  append_customer_scope (scope, sql);
  if (pattern != NULL)
    g_string_append (sql, " AND (" ASCII_FOLD ("c.name") " LIKE " ASCII_FOLD ("$3") " ESCAPE '\\'"
                          " OR " ASCII_FOLD ("c.email") " LIKE " ASCII_FOLD ("$3") " ESCAPE '\\'"
                          " OR " ASCII_FOLD ("c.phone") " LIKE " ASCII_FOLD ("$3") " ESCAPE '\\')");
  g_string_append (sql, " ORDER BY c.id LIMIT $2");

  result = dw_pg_store_query (store, sql->str, pattern != NULL ? 3 : 2, params, error);
  if (result == NULL)
    return NULL;

  items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (int i = 0; i < PQntuples (result); i++)
    g_ptr_array_add (items, customer_json (result, i));
  return items;
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

/* The objects of the ids in column 0 of @result, by @load. */
static JsonArray *
objects_of_ids (DwStore     *store,
                PGresult    *result,
                JsonObject *(*load) (DwStore *, gint64, GError **),
                GError     **error)
{
  g_autoptr(JsonArray) items = json_array_new ();

  for (int i = 0; i < PQntuples (result); i++)
    {
      JsonObject *o = load (store, dw_pg_get_int (result, i, 0), error);

      if (o == NULL)
        return NULL;
      json_array_add_object_element (items, o);
    }

  return g_steal_pointer (&items);
}

static JsonArray *
team_list_json (DwStore  *store,
                GError  **error)
{
  g_autoptr(PGresult) ids = dw_pg_store_query (store,
    "SELECT id FROM teams ORDER BY id", 0, NULL, error);

  return ids != NULL ? objects_of_ids (store, ids, team_load_json, error) : NULL;
}

static JsonArray *
user_list_json (DwStore                 *store,
                const DwStoreUserScope  *scope,
                gint64                   team_id,
                int                      presence,
                GError                 **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT u.id FROM users u WHERE TRUE");
  g_autoptr(PGresult) ids = NULL;
  INT_PARAM (team, team_id);
  const char *params[2];
  int n_params = 0;

  append_user_scope (scope, sql);
  if (team_id > 0)
    {
      params[n_params++] = team;
      g_string_append_printf (sql, " AND u.id IN (SELECT user_id FROM team_members "
                              "WHERE team_id = $%d)", n_params);
    }
  if (presence >= 0)
    {
      params[n_params++] = dw_presence_to_string (presence);
      g_string_append_printf (sql, " AND u.presence = $%d", n_params);
    }
  g_string_append (sql, " ORDER BY u.id");

  ids = dw_pg_store_query (store, sql->str, n_params, params, error);
  return ids != NULL ? objects_of_ids (store, ids, user_load_json, error) : NULL;
}

static gboolean
user_visible (DwStore                 *store,
              const DwStoreUserScope  *scope,
              gint64                   user_id)
{
  g_autoptr(GString) sql = g_string_new ("SELECT 1 FROM users u WHERE u.id = $1");
  g_autoptr(PGresult) result = NULL;
  INT_PARAM (id, user_id);

  append_user_scope (scope, sql);
  result = dw_pg_store_query (store, sql->str, 1, (const char *[]) { id }, NULL);
  return result != NULL && PQntuples (result) > 0;
}

/* Row @row of @result as an object: @spec has a letter per column — i integer, t text,
 * j JSON text, d double — and @members its names; NULL reads as null, as dw-store.c's. */
static JsonObject *
row_json (PGresult           *result,
          int                 row,
          const char         *spec,
          const char * const *members)
{
  JsonObject *o = json_object_new ();

  for (int c = 0; spec[c] != '\0'; c++)
    {
      const char *value = PQgetvalue (result, row, c);

      if (PQgetisnull (result, row, c))
        {
          json_object_set_null_member (o, members[c]);
          continue;
        }

      switch (spec[c])
        {
        case 'i':
          json_object_set_int_member (o, members[c], g_ascii_strtoll (value, NULL, 10));
          break;
        case 'd':
          json_object_set_double_member (o, members[c], g_ascii_strtod (value, NULL));
          break;
        case 'j':
          {
            g_autoptr(JsonParser) parser = json_parser_new_immutable ();

            if (json_parser_load_from_data (parser, value, -1, NULL)
                && json_parser_get_root (parser) != NULL)
              json_object_set_member (o, members[c],
                                      json_node_copy (json_parser_get_root (parser)));
            else
              {
                g_warning ("Invalid JSON in column %s: %s", members[c], value);
                json_object_set_null_member (o, members[c]);
              }
          }
          break;
        default:
          json_object_set_string_member (o, members[c], value);
          break;
        }
    }

  return o;
}

#define POLICY_COLUMNS \
  "p.id, p.name, p.position, p.match_priorities, p.match_tags, p.match_channels, " \
  "p.match_business_types, p.first_response_minutes, p.next_response_minutes, " \
  "p.resolution_minutes, p.at_risk_ratio, p.escalation"
#define POLICY_SPEC "itijjjjiiidj"
static const char * const policy_members[] = {
  "id", "name", "position", "match_priorities", "match_tags", "match_channels",
  "match_business_types", "first_response_minutes", "next_response_minutes",
  "resolution_minutes", "at_risk_ratio", "escalation",
};

#define CALENDAR_COLUMNS "k.id, k.name, k.timezone, k.week, k.holidays, k.workdays"
#define CALENDAR_SPEC "ittjjj"
static const char * const calendar_members[] = {
  "id", "name", "timezone", "week", "holidays", "workdays",
};

static JsonArray *
list_json (DwStore             *store,
           const char          *sql,
           const char          *spec,
           const char * const  *members,
           GError             **error)
{
  g_autoptr(PGresult) result = dw_pg_store_query (store, sql, 0, NULL, error);
  JsonArray *items;

  if (result == NULL)
    return NULL;

  items = json_array_new ();
  for (int i = 0; i < PQntuples (result); i++)
    json_array_add_object_element (items, row_json (result, i, spec, members));
  return items;
}

static JsonObject *
load_json (DwStore             *store,
           const char          *sql,
           gint64               id,
           const char          *what,
           const char          *spec,
           const char * const  *members,
           GError             **error)
{
  INT_PARAM (text, id);
  g_autoptr(PGresult) result = dw_pg_store_query (store, sql, 1, (const char *[]) { text }, error);

  if (result == NULL)
    return NULL;
  if (PQntuples (result) == 0)
    {
      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND,
                   "no %s with id %" G_GINT64_FORMAT, what, id);
      return NULL;
    }

  return row_json (result, 0, spec, members);
}

static JsonArray *
policy_list_json (DwStore  *store,
                  GError  **error)
{
  return list_json (store, "SELECT " POLICY_COLUMNS " FROM sla_policies p "
                    "ORDER BY p.position, p.id", POLICY_SPEC, policy_members, error);
}

static JsonObject *
policy_load_json (DwStore  *store,
                  gint64    policy_id,
                  GError  **error)
{
  return load_json (store, "SELECT " POLICY_COLUMNS " FROM sla_policies p WHERE p.id = $1",
                    policy_id, "SLA policy", POLICY_SPEC, policy_members, error);
}

static JsonArray *
calendar_list_json (DwStore  *store,
                    GError  **error)
{
  return list_json (store, "SELECT " CALENDAR_COLUMNS " FROM calendars k ORDER BY k.id",
                    CALENDAR_SPEC, calendar_members, error);
}

static JsonObject *
calendar_load_json (DwStore  *store,
                    gint64    calendar_id,
                    GError  **error)
{
  return load_json (store, "SELECT " CALENDAR_COLUMNS " FROM calendars k WHERE k.id = $1",
                    calendar_id, "calendar", CALENDAR_SPEC, calendar_members, error);
}

const DwStorePeopleOps dw_pg_people_ops = {
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
