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
#include "store/pg/dw-pg-store.h"

#define INT_PARAM(name, value) \
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) (value))

static PGresult *
query (DwStore             *store,
       const char          *sql,
       int                  n_params,
       const char * const  *params,
       GError             **error)
{
  GError *local_error = NULL;
  PGresult *result = dw_pg_query (dw_pg_store_conn (store), sql, n_params, params, &local_error);

  if (result == NULL)
    dw_pg_store_propagate_error (error, local_error);
  return result;
}

static gint64
get_int (PGresult *result,
         int       row,
         int       column)
{
  if (PQgetisnull (result, row, column))
    return 0;
  return g_ascii_strtoll (PQgetvalue (result, row, column), NULL, 10);
}

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

  user = query (store, "SELECT id, username, display_name, role, capacity, presence, "
                "presence_since, disabled FROM users WHERE id = $1", 1, params, error);
  if (user == NULL)
    return NULL;
  if (PQntuples (user) == 0)
    {
      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND,
                   "no user %" G_GINT64_FORMAT, user_id);
      return NULL;
    }

  teams = query (store, "SELECT team_id, is_lead FROM team_members WHERE user_id = $1 "
                 "ORDER BY team_id", 1, params, error);
  skills = teams != NULL
           ? query (store, "SELECT skill, level FROM user_skills WHERE user_id = $1 "
                    "ORDER BY skill COLLATE \"C\"", 1, params, error)
           : NULL;
  open = skills != NULL
         ? query (store, "SELECT count (*) FROM tickets WHERE assignee_id = $1 "
                  "AND status IN ('new', 'open', 'pending', 'on-hold')", 1, params, error)
         : NULL;
  if (open == NULL)
    return NULL;

  o = json_object_new ();
  json_object_set_int_member (o, "id", get_int (user, 0, 0));
  json_object_set_string_member (o, "username", PQgetvalue (user, 0, 1));
  json_object_set_string_member (o, "display_name", PQgetvalue (user, 0, 2));
  json_object_set_string_member (o, "role", PQgetvalue (user, 0, 3));
  json_object_set_int_member (o, "capacity", get_int (user, 0, 4));
  json_object_set_string_member (o, "presence", PQgetvalue (user, 0, 5));
  since = dw_time_to_iso8601 (get_int (user, 0, 6));
  json_object_set_string_member (o, "presence_since", since);

  team_array = json_array_new ();
  for (int i = 0; i < PQntuples (teams); i++)
    {
      JsonObject *t = json_object_new ();

      json_object_set_int_member (t, "id", get_int (teams, i, 0));
      json_object_set_boolean_member (t, "is_lead", get_int (teams, i, 1) != 0);
      json_array_add_object_element (team_array, t);
    }
  json_object_set_array_member (o, "teams", team_array);

  skill_array = json_array_new ();
  for (int i = 0; i < PQntuples (skills); i++)
    {
      JsonObject *s = json_object_new ();

      json_object_set_string_member (s, "skill", PQgetvalue (skills, i, 0));
      json_object_set_int_member (s, "level", get_int (skills, i, 1));
      json_array_add_object_element (skill_array, s);
    }
  json_object_set_array_member (o, "skills", skill_array);

  json_object_set_int_member (o, "open_tickets", get_int (open, 0, 0));
  json_object_set_boolean_member (o, "disabled", get_int (user, 0, 7) != 0);
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

  return get_int (result, 0, 0);
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

  result = query (store, "UPDATE users SET display_name = coalesce ($1, display_name), "
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
  g_autoptr(PGresult) result = query (store, sql, 1, (const char *[]) { text }, error);

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

  result = query (store, "INSERT INTO team_members (team_id, user_id, is_lead) "
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

  result = query (store, "INSERT INTO user_skills (user_id, skill, level) VALUES ($1, $2, $3)",
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

  updated = query (store, "UPDATE users SET presence = $1, presence_since = $2 WHERE id = $3",
                   G_N_ELEMENTS (params), params, error);
  if (updated == NULL)
    return FALSE;
  logged = query (store, "INSERT INTO presence_log (user_id, presence, at) VALUES ($3, $1, $2)",
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

  result = query (store, "SELECT t.id, t.team_id, t.assignee_id, u.presence_since, "
                  "m.offline_grace_minutes " STRANDED_SQL
                  "AND u.presence_since + 60 * m.offline_grace_minutes <= $1 ORDER BY t.id", 1,
                  (const char *[]) { at }, error);
  if (result == NULL)
    return NULL;

  rows = g_array_new (FALSE, FALSE, sizeof (DwStoreStrandedRow));
  for (int i = 0; i < PQntuples (result); i++)
    {
      DwStoreStrandedRow row = {
        .ticket_id = get_int (result, i, 0),
        .team_id = get_int (result, i, 1),
        .assignee_id = get_int (result, i, 2),
        .presence_since = get_int (result, i, 3),
        .grace_minutes = (int) get_int (result, i, 4),
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

  result = query (store, "SELECT min (u.presence_since + 60 * m.offline_grace_minutes) "
                  STRANDED_SQL, 0, NULL, error);
  if (result == NULL)
    return 0;

  return get_int (result, 0, 0);
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

  result = query (store, "UPDATE tickets SET assignee_id = NULL, updated_at = $1, "
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

  team = query (store, "SELECT id, name, description, calendar_id, offline_grace_minutes "
                "FROM teams WHERE id = $1", 1, params, error);
  if (team == NULL)
    return NULL;
  if (PQntuples (team) == 0)
    {
      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND,
                   "no team %" G_GINT64_FORMAT, team_id);
      return NULL;
    }

  /* Byte order, as SQLite's BINARY collation sorts. */
  types = query (store, "SELECT key FROM business_types WHERE team_id = $1 "
                 "ORDER BY key COLLATE \"C\"", 1, params, error);
  if (types == NULL)
    return NULL;

  o = json_object_new ();
  json_object_set_int_member (o, "id", get_int (team, 0, 0));
  json_object_set_string_member (o, "name", PQgetvalue (team, 0, 1));
  json_object_set_string_member (o, "description", PQgetvalue (team, 0, 2));
  json_object_set_int_member (o, "calendar_id", get_int (team, 0, 3));
  json_object_set_int_member (o, "offline_grace_minutes", get_int (team, 0, 4));
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

  return get_int (result, 0, 0);
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

  result = query (store, "UPDATE teams SET offline_grace_minutes = $1 WHERE id = $2", 2,
                  (const char *[]) { grace, id }, error);
  return result != NULL;
}

static gint64
calendar_first (DwStore  *store,
                GError  **error)
{
  g_autoptr(PGresult) result = query (store, "SELECT min (id) FROM calendars", 0, NULL, error);

  return result != NULL ? get_int (result, 0, 0) : 0;
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

  result = query (store, "INSERT INTO business_types AS b (key, name, team_id, skill) "
                  "VALUES ($1, coalesce ($2, $1), $3, $4) "
                  "ON CONFLICT (key) DO UPDATE SET team_id = $3, name = coalesce ($2, b.name), "
                  "skill = CASE WHEN $5::boolean THEN $4 ELSE b.skill END",
                  G_N_ELEMENTS (params), params, error);
  return result != NULL;
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
};
