/* dw-pg-demo.c: the demo seed's operations (store/dw-store-demo.h) on PostgreSQL: the same rows
 * as dw-sqlite-demo.c; RETURNING id for the ids; the customers in multi-row INSERTs. */
#define G_LOG_DOMAIN "dw-store"

#include "config.h"

#include "dw-store.h"
#include "store/dw-store-demo.h"
#include "store/pg/dw-pg-connection.h"
#include "store/pg/dw-pg-migrations.h"
#include "store/pg/dw-pg-ops.h"
#include "store/pg/dw-pg-store.h"

/* Customers per INSERT: 5 parameters each, well below libpq's 65535. */
#define CUSTOMERS_PER_INSERT 500

/* SQLite's synchronous=OFF, for the same reason (docs/design.md "Starting"): the demo seeds only
 * an empty desk, and nothing is acknowledged to anyone before the service listens, so the seed's
 * COMMIT, and each of the history's slices after it, need not wait for the WAL flush.  Losing
 * them in a crash loses no acknowledged write: the seed is one transaction (a crash leaves the
 * empty desk, seeded again at the next start), and a history cut short stays "seeding", as on
 * SQLite.  Only this session's commits are asynchronous, and only between the two calls; the
 * WAL is one sequence, so the first synchronous commit after them flushes it with every
 * asynchronous commit before it.  RESET rather than "on": the session's own setting comes back
 * (the connection string's, the role's or the server's, say remote_apply for a standby). */
static gboolean
fast_writes (DwStore  *store,
             gboolean  fast,
             GError  **error)
{
  g_autoptr(PGresult) result = dw_pg_store_query (store,
                                                  fast ? "SET synchronous_commit = off"
                                                       : "RESET synchronous_commit",
                                                  0, NULL, error);

  return result != NULL;
}

/* The server's shared buffers are its cache: there is no per-connection page cache to grow. */
static gboolean
seed_cache (DwStore  *store,
            gboolean  large,
            GError  **error)
{
  return TRUE;
}

/* The id of a "… RETURNING id", 0 on error. */
static gint64
insert_returning (DwStore             *store,
                  const char          *sql,
                  int                  n_params,
                  const char * const  *params,
                  GError             **error)
{
  g_autoptr(PGresult) result = dw_pg_store_query (store, sql, n_params, params, error);

  if (result == NULL)
    return 0;
  return dw_pg_get_int (result, 0, 0);
}

static gboolean
run (DwStore             *store,
     const char          *sql,
     int                  n_params,
     const char * const  *params,
     GError             **error)
{
  g_autoptr(PGresult) result = dw_pg_store_query (store, sql, n_params, params, error);

  return result != NULL;
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
  const char *params[] = { name, timezone, week, holidays, workdays };

  return insert_returning (store,
                           "INSERT INTO calendars (name, timezone, week, holidays, workdays) "
                           "VALUES ($1, $2, $3, $4, $5) RETURNING id", 5, params, error);
}

static gint64
insert_team (DwStore     *store,
             const char  *name,
             const char  *description,
             gint64       calendar_id,
             gint64       created_at,
             GError     **error)
{
  DwPgInt calendar, created;
  const char *params[] = { name, description, dw_pg_int (&calendar, calendar_id),
                           dw_pg_int (&created, created_at) };

  return insert_returning (store,
                           "INSERT INTO teams (name, description, calendar_id, created_at) "
                           "VALUES ($1, $2, $3, $4) RETURNING id", 4, params, error);
}

static gboolean
insert_business_type (DwStore     *store,
                      const char  *key,
                      const char  *name,
                      gint64       team_id,
                      const char  *skill,
                      GError     **error)
{
  DwPgInt team;
  const char *params[] = { key, name, dw_pg_int (&team, team_id), skill };

  return run (store, "INSERT INTO business_types (key, name, team_id, skill) "
                     "VALUES ($1, $2, $3, $4)", 4, params, error);
}

static gboolean
insert_routing_rule (DwStore     *store,
                     gint64       position,
                     const char  *keyword,
                     const char  *business_type,
                     GError     **error)
{
  DwPgInt pos;
  const char *params[] = { dw_pg_int (&pos, position), keyword, business_type };

  return run (store, "INSERT INTO routing_rules (position, keyword, business_type) "
                     "VALUES ($1, $2, $3)", 3, params, error);
}

static gboolean
put_setting (DwStore     *store,
             const char  *key,
             const char  *value,
             GError     **error)
{
  const char *params[] = { key, value };

  return run (store, "INSERT INTO settings (key, value) VALUES ($1, $2) "
                     "ON CONFLICT (key) DO UPDATE SET value = $2", 2, params, error);
}

static gboolean
insert_policy (DwStore                  *store,
               const DwStoreDemoPolicy  *policy,
               GError                  **error)
{
  DwPgInt position, first, next, resolution;
  const char *params[] = {
    policy->name, dw_pg_int (&position, policy->position), policy->priorities, policy->tags,
    policy->business_types, dw_pg_int (&first, policy->first_response_minutes),
    dw_pg_int (&next, policy->next_response_minutes),
    dw_pg_int (&resolution, policy->resolution_minutes), policy->escalation,
  };

  return run (store,
              "INSERT INTO sla_policies (name, position, match_priorities, match_tags, "
              "match_channels, match_business_types, first_response_minutes, "
              "next_response_minutes, resolution_minutes, at_risk_ratio, escalation) "
              "VALUES ($1, $2, $3, $4, '[]', $5, $6, $7, $8, 0.75, $9)", 9, params, error);
}

static gint64
insert_user (DwStore                *store,
             const DwStoreDemoUser  *user,
             GError                **error)
{
  DwPgInt capacity, since, created;
  const char *params[] = {
    user->username, user->display_name, user->role, user->password_hash,
    dw_pg_int (&capacity, user->capacity), user->presence,
    dw_pg_int (&since, user->presence_since), dw_pg_int (&created, user->created_at),
  };

  return insert_returning (store,
                           "INSERT INTO users (username, display_name, role, password_hash, "
                           "capacity, presence, presence_since, created_at) "
                           "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id", 8, params,
                           error);
}

static gboolean
insert_member (DwStore   *store,
               gint64     team_id,
               gint64     user_id,
               gboolean   is_lead,
               GError   **error)
{
  DwPgInt team, user;
  const char *params[] = { dw_pg_int (&team, team_id), dw_pg_int (&user, user_id),
                           is_lead ? "1" : "0" };

  return run (store, "INSERT INTO team_members (team_id, user_id, is_lead) VALUES ($1, $2, $3)",
              3, params, error);
}

static gboolean
insert_skill (DwStore     *store,
              gint64       user_id,
              const char  *skill,
              gint64       level,
              GError     **error)
{
  DwPgInt user, lvl;
  const char *params[] = { dw_pg_int (&user, user_id), skill, dw_pg_int (&lvl, level) };

  return run (store, "INSERT INTO user_skills (user_id, skill, level) VALUES ($1, $2, $3)",
              3, params, error);
}

static gboolean
insert_presence (DwStore     *store,
                 gint64       user_id,
                 const char  *presence,
                 gint64       at,
                 GError     **error)
{
  DwPgInt user, when;
  const char *params[] = { dw_pg_int (&user, user_id), presence, dw_pg_int (&when, at) };

  return run (store, "INSERT INTO presence_log (user_id, presence, at) VALUES ($1, $2, $3)",
              3, params, error);
}

static gboolean
insert_shift (DwStore  *store,
              gint64    user_id,
              gint64    team_id,
              gint64    starts_at,
              gint64    ends_at,
              GError  **error)
{
  DwPgInt user, team, starts, ends;
  const char *params[] = { dw_pg_int (&user, user_id), dw_pg_int (&team, team_id),
                           dw_pg_int (&starts, starts_at), dw_pg_int (&ends, ends_at) };

  return run (store, "INSERT INTO shifts (user_id, team_id, starts_at, ends_at) "
                     "VALUES ($1, $2, $3, $4)", 4, params, error);
}

/* In multi-row INSERTs of CUSTOMERS_PER_INSERT: one round trip each rather than one a row.
 * The VALUES rows are inserted in order, so the ids follow @rows as on SQLite. */
static gboolean
insert_customers (DwStore                    *store,
                  const DwStoreDemoCustomer  *rows,
                  guint                       n,
                  GError                    **error)
{
  for (guint first = 0; first < n; first += CUSTOMERS_PER_INSERT)
    {
      guint count = MIN (CUSTOMERS_PER_INSERT, n - first);
      g_autoptr(GString) sql = g_string_new ("INSERT INTO customers "
                                             "(name, email, phone, tags, created_at) VALUES ");
      g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
      g_autofree const char **params = g_new0 (const char *, count * 5);

      for (guint i = 0; i < count; i++)
        {
          const DwStoreDemoCustomer *row = &rows[first + i];
          char *created = dw_pg_int_new (row->created_at);

          g_ptr_array_add (owned, created);
          g_string_append_printf (sql, "%s($%u, $%u, $%u, $%u, $%u)", i > 0 ? ", " : "",
                                  5 * i + 1, 5 * i + 2, 5 * i + 3, 5 * i + 4, 5 * i + 5);
          params[5 * i] = row->name;
          params[5 * i + 1] = row->email;
          params[5 * i + 2] = row->phone;
          params[5 * i + 3] = row->tags;
          params[5 * i + 4] = created;
        }
      if (!run (store, sql->str, (int) count * 5, params, error))
        return FALSE;
    }
  return TRUE;
}

/* One query where SQLite steps per agent: each agent's open tickets numbered in the order of
 * dw-sqlite-demo.c, those past its capacity. */
static gboolean
held_over_capacity (DwStore  *store,
                    GArray   *held,
                    GError  **error)
{
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "SELECT id, assignee_id FROM ("
    "  SELECT t.id, t.assignee_id, u.capacity, row_number () OVER ("
    "    PARTITION BY t.assignee_id ORDER BY t.status IN ('pending', 'on-hold'), t.created_at, "
    "    t.id) AS n "
    "  FROM tickets t JOIN users u ON u.id = t.assignee_id "
    "  WHERE u.role = 'agent' AND t.status IN ('new', 'open', 'pending', 'on-hold')) held "
    "WHERE n > capacity "
    "ORDER BY assignee_id, n", 0, NULL, error);

  if (result == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (result); i++)
    {
      DwStoreDemoHeld row = { dw_pg_get_int (result, i, 0), dw_pg_get_int (result, i, 1) };

      g_array_append_val (held, row);
    }
  return TRUE;
}

static gboolean
requeue (DwStore  *store,
         gint64    ticket_id,
         gint64    agent_id,
         gint64    now,
         GError  **error)
{
  DwPgInt ticket, agent, at;
  const char *update[] = { dw_pg_int (&ticket, ticket_id) };
  const char *audit[] = { dw_pg_int (&at, now), ticket.text, dw_pg_int (&agent, agent_id) };

  return run (store, "UPDATE tickets SET assignee_id = NULL, version = version + 1 WHERE id = $1",
              1, update, error)
         && run (store, "INSERT INTO audit (at, entity, entity_id, action, field, before, after, "
                        "reason) VALUES ($1, 'ticket', $2, 'queued', 'assignee_id', $3, 'null', "
                        "'back to the team queue: its agent already held its capacity')",
                 3, audit, error);
}

/* One UPDATE where SQLite steps the shifts: the same template (the team's, starting at the
 * shift's local minute, or none) and the same break. */
static gboolean
shifts_tie_templates (DwStore  *store,
                      gint64    utc_offset,
                      gint64    break_after,
                      gint64    break_length,
                      GError  **error)
{
  DwPgInt offset, after, length;
  const char *params[] = { dw_pg_int (&offset, utc_offset), dw_pg_int (&after, break_after),
                           dw_pg_int (&length, break_length) };

  return run (store,
              "UPDATE shifts s SET template_id = (SELECT t.id FROM shift_templates t "
              "  WHERE t.team_id = s.team_id AND t.start_minute = ((s.starts_at + $1) % 86400) / 60 "
              "  ORDER BY t.id DESC LIMIT 1), "
              "breaks = '[[' || (s.starts_at + $2::bigint) || ',' "
              "  || (s.starts_at + $2::bigint + $3::bigint) || ']]', "
              "break_seconds = $3::bigint", 3, params, error);
}

static gboolean
insert_draft_week (DwStore  *store,
                   gint64    team_id,
                   gint64    week_start,
                   GError  **error)
{
  DwPgInt team, week;
  const char *params[] = { dw_pg_int (&team, team_id), dw_pg_int (&week, week_start) };

  return run (store, "INSERT INTO roster_weeks (team_id, week_start, state) "
                     "VALUES ($1, $2, 'draft')", 2, params, error);
}

static gboolean
take_offline (DwStore  *store,
              gint64    user_id,
              gint64    since,
              GError  **error)
{
  DwPgInt user, at;
  const char *params[] = { dw_pg_int (&at, since), dw_pg_int (&user, user_id) };

  return run (store, "UPDATE users SET presence = 'offline', presence_since = $1 WHERE id = $2",
              2, params, error)
         && run (store, "DELETE FROM presence_log WHERE user_id = $2 AND at >= $1", 2, params,
                 error);
}

static gboolean
delete_user_shifts (DwStore  *store,
                    gint64    user_id,
                    gint64    from,
                    gint64    to,
                    GError  **error)
{
  DwPgInt user, start, end;
  const char *params[] = { dw_pg_int (&user, user_id), dw_pg_int (&end, to),
                           dw_pg_int (&start, from) };

  return run (store, "DELETE FROM shifts WHERE user_id = $1 AND starts_at < $2 AND ends_at > $3",
              3, params, error);
}

/* Appends every column of every row of @result as an integer to @out. */
static void
append_ints (const PGresult *result,
             GArray         *out)
{
  for (int i = 0; i < PQntuples (result); i++)
    for (int c = 0; c < PQnfields (result); c++)
      {
        gint64 value = dw_pg_get_int (result, i, c);

        g_array_append_val (out, value);
      }
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
  DwPgInt team, later, start, end, n;
  const char *params[] = { dw_pg_int (&team, team_id), dw_pg_int (&later, after),
                           dw_pg_int (&start, from), dw_pg_int (&end, to),
                           dw_pg_int (&n, limit) };
  /* Ties as SQLite's index gives them (dw-sqlite-demo.c): the same shifts on both. */
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "SELECT id FROM shifts WHERE team_id = $1 AND starts_at > $2 AND starts_at >= $3 "
    "AND starts_at < $4 ORDER BY starts_at DESC, id DESC LIMIT $5", 5, params, error);

  if (result == NULL)
    return FALSE;
  append_ints (result, ids);
  return TRUE;
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
  DwPgInt team, start, until;
  const char *params[] = { dw_pg_int (&team, team_id), dw_pg_int (&start, starts_at),
                           dw_pg_int (&until, before) };

  return dw_pg_store_query_int (store,
    "SELECT user_id FROM shifts WHERE team_id = $1 AND starts_at = $2 AND starts_at + 2700 < $3 "
    "ORDER BY user_id LIMIT 1", 3, params, user_id, found, error);
}

static gboolean
move_online (DwStore  *store,
             gint64    user_id,
             gint64    from,
             gint64    to,
             gint64    at,
             GError  **error)
{
  DwPgInt when, user, start, end;
  const char *params[] = { dw_pg_int (&when, at), dw_pg_int (&user, user_id),
                           dw_pg_int (&start, from), dw_pg_int (&end, to) };

  return run (store, "UPDATE presence_log SET at = $1 WHERE user_id = $2 AND presence = 'online' "
                     "AND at BETWEEN $3 AND $4", 4, params, error);
}

static gboolean
customer_max_id (DwStore  *store,
                 gint64   *max_id,
                 GError  **error)
{
  return dw_pg_store_query_int (store, "SELECT max (id) FROM customers", 0, NULL, max_id, NULL,
                                error);
}

static gboolean
customer_tags (DwStore   *store,
               gint64     customer_id,
               char     **tags,
               gboolean  *found,
               GError   **error)
{
  return dw_pg_store_query_text_by_id (store, "SELECT tags FROM customers WHERE id = $1",
                                       customer_id, tags, found, error);
}

static gboolean
user_presence (DwStore  *store,
               gint64    user_id,
               char    **presence,
               GError  **error)
{
  return dw_pg_store_query_text_by_id (store, "SELECT presence FROM users WHERE id = $1",
                                       user_id, presence, NULL, error);
}

/* By ticket id: SQLite's order was the table's. */
static gboolean
active_assigned (DwStore                *store,
                 DwStoreDemoActiveFunc   func,
                 gpointer                data,
                 GError                **error)
{
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "SELECT t.id, t.status, coalesce (t.assignee_id, 0), t.business_type, "
    "  coalesce (u.presence = 'online', false) "
    "FROM tickets t LEFT JOIN users u ON u.id = t.assignee_id "
    "WHERE t.status IN ('new', 'open', 'pending') AND t.assignee_id IS NOT NULL "
    "ORDER BY t.id", 0, NULL, error);

  if (result == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (result); i++)
    {
      DwStoreDemoActive row = {
        .id = dw_pg_get_int (result, i, 0),
        .status = dw_pg_get_text (result, i, 1),
        .assignee_id = dw_pg_get_int (result, i, 2),
        .business_type = dw_pg_get_text (result, i, 3),
        .assignee_online = g_str_equal (PQgetvalue (result, i, 4), "t"),
      };

      func (&row, data);
    }
  return TRUE;
}

static gboolean
solved_before (DwStore  *store,
               gint64    before,
               guint     limit,
               GArray   *ids,
               GError  **error)
{
  DwPgInt at, n;
  const char *params[] = { dw_pg_int (&at, before), dw_pg_int (&n, limit) };
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "SELECT id FROM tickets WHERE status = 'solved' AND solved_at < $1 ORDER BY solved_at, id "
    "LIMIT $2", 2, params, error);

  if (result == NULL)
    return FALSE;
  append_ints (result, ids);
  return TRUE;
}

static gboolean
agent_ids (DwStore  *store,
           GArray   *ids,
           GError  **error)
{
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "SELECT id FROM users WHERE role = 'agent' AND disabled = 0 ORDER BY id", 0, NULL, error);

  if (result == NULL)
    return FALSE;
  append_ints (result, ids);
  return TRUE;
}

static gboolean
user_shifts (DwStore  *store,
             gint64    user_id,
             GArray   *times,
             GError  **error)
{
  DwPgInt id;
  const char *params[] = { dw_pg_int (&id, user_id) };
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "SELECT starts_at, ends_at FROM shifts WHERE user_id = $1 ORDER BY starts_at, id", 1, params,
    error);

  if (result == NULL)
    return FALSE;
  append_ints (result, times);
  return TRUE;
}

static gboolean
history_agents (DwStore  *store,
                GArray   *agents,
                GError  **error)
{
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "SELECT id, capacity, presence = 'offline' FROM users WHERE role = 'agent' ORDER BY id",
    0, NULL, error);

  if (result == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (result); i++)
    {
      DwStoreDemoAgent agent = {
        .id = dw_pg_get_int (result, i, 0),
        .capacity = dw_pg_get_int (result, i, 1),
        .offline = g_str_equal (PQgetvalue (result, i, 2), "t"),
      };

      g_array_append_val (agents, agent);
    }
  return TRUE;
}

/* @func (column 0 as an integer, column 1 as text, @data) for each row of @sql. */
static gboolean
each_key (DwStore             *store,
          const char          *sql,
          int                  n_params,
          const char * const  *params,
          DwStoreDemoKeyFunc   func,
          gpointer             data,
          GError             **error)
{
  g_autoptr(PGresult) result = dw_pg_store_query (store, sql, n_params, params, error);

  if (result == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (result); i++)
    func (dw_pg_get_int (result, i, 0), dw_pg_get_text (result, i, 1), data);
  return TRUE;
}

static gboolean
agent_skills (DwStore             *store,
              gint64               user_id,
              DwStoreDemoKeyFunc   func,
              gpointer             data,
              GError             **error)
{
  DwPgInt id;
  const char *params[] = { dw_pg_int (&id, user_id) };

  return each_key (store, "SELECT level, skill FROM user_skills WHERE user_id = $1 ORDER BY skill",
                   1, params, func, data, error);
}

static gboolean
agent_presence_log (DwStore  *store,
                    gint64    user_id,
                    GArray   *rows,
                    GError  **error)
{
  DwPgInt id;
  const char *params[] = { dw_pg_int (&id, user_id) };
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "SELECT presence = 'online', at FROM presence_log WHERE user_id = $1 ORDER BY at, id", 1,
    params, error);

  if (result == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (result); i++)
    {
      DwStoreDemoPresence row = {
        .online = g_str_equal (PQgetvalue (result, i, 0), "t"),
        .at = dw_pg_get_int (result, i, 1),
      };

      g_array_append_val (rows, row);
    }
  return TRUE;
}

static gboolean
agent_teams (DwStore  *store,
             gint64    user_id,
             GArray   *ids,
             GError  **error)
{
  DwPgInt id;
  const char *params[] = { dw_pg_int (&id, user_id) };
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "SELECT team_id FROM team_members WHERE user_id = $1 ORDER BY team_id", 1, params, error);

  if (result == NULL)
    return FALSE;
  append_ints (result, ids);
  return TRUE;
}

static gboolean
customers_tags (DwStore             *store,
                DwStoreDemoKeyFunc   func,
                gpointer             data,
                GError             **error)
{
  return each_key (store, "SELECT id, tags FROM customers ORDER BY id", 0, NULL, func, data,
                   error);
}

static gboolean
policy_ids (DwStore  *store,
            GArray   *ids,
            GError  **error)
{
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "SELECT id FROM sla_policies ORDER BY id", 0, NULL, error);

  if (result == NULL)
    return FALSE;
  append_ints (result, ids);
  return TRUE;
}

static gboolean
business_type_teams (DwStore             *store,
                     DwStoreDemoKeyFunc   func,
                     gpointer             data,
                     GError             **error)
{
  return each_key (store, "SELECT team_id, key FROM business_types ORDER BY key", 0, NULL, func,
                   data, error);
}

static gboolean
max_ids (DwStore  *store,
         gint64   *ticket_id,
         gint64   *comment_id,
         gint64   *audit_id,
         GError  **error)
{
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "SELECT (SELECT coalesce (max (id), 0) FROM tickets), "
    "(SELECT coalesce (max (id), 0) FROM comments), (SELECT coalesce (max (id), 0) FROM audit)",
    0, NULL, error);

  *ticket_id = *comment_id = *audit_id = 0;
  if (result == NULL)
    return FALSE;
  *ticket_id = dw_pg_get_int (result, 0, 0);
  *comment_id = dw_pg_get_int (result, 0, 1);
  *audit_id = dw_pg_get_int (result, 0, 2);
  return TRUE;
}

/* Rows to a multi-row INSERT: well below libpq's 65535 parameters for every table here. */
#define ROWS_PER_INSERT 1000

/* INSERTs @n_rows rows of @n_columns parameters each (@params, row after row, owned by the
 * caller) as "@prefix (@row), (@row), …", @row with "?" for each parameter in order. */
static gboolean
insert_rows (DwStore             *store,
             const char          *prefix,
             const char          *row,
             int                  n_columns,
             guint                n_rows,
             const char * const  *params,
             GError             **error)
{
  for (guint first = 0; first < n_rows; first += ROWS_PER_INSERT)
    {
      guint count = MIN (ROWS_PER_INSERT, n_rows - first);
      g_autoptr(GString) sql = g_string_new (prefix);
      int n = 0;

      for (guint i = 0; i < count; i++)
        {
          if (i > 0)
            g_string_append (sql, ", ");
          for (const char *c = row; *c != '\0'; c++)
            if (*c == '?')
              g_string_append_printf (sql, "$%d", ++n);
            else
              g_string_append_c (sql, *c);
        }
      if (!run (store, sql->str, (int) count * n_columns, params + (gsize) first * n_columns,
                error))
        return FALSE;
    }
  return TRUE;
}

/* The history writes rows with the ids it numbered (dw-demo-history.c: past ones below the
 * active ones) while the desk inserts live ones through the identity: move the identity past
 * the largest id, as SQLite's rowid is always max + 1, or a live ticket, comment or audit row
 * takes an id the history has written or will write (23505 on tickets_pkey). */
static gboolean
identity_past_max (DwStore     *store,
                   const char  *table,
                   GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT setval (pg_get_serial_sequence ('%s', 'id'), "
                                          "(SELECT max (id) FROM %s))", table, table);

  return run (store, sql, 0, NULL, error);
}

/* @row's values (@layout's) as text parameters in @q, the numbers' text kept in @owned. */
static void
row_params (const DwStoreDemoRows  *layout,
            gconstpointer           row,
            const char            **q,
            GPtrArray              *owned)
{
  for (guint i = 0; i < layout->n_values; i++)
    {
      const DwStoreDemoValue *value = &layout->values[i];
      gconstpointer at = dw_store_demo_value_at (value, row);
      char *number = NULL;

      switch (value->kind)
        {
        case DW_STORE_DEMO_VALUE_INT:
          q[i] = number = dw_pg_int_new (*(const gint64 *) at);
          break;
        case DW_STORE_DEMO_VALUE_ID:
          q[i] = number = dw_pg_id_new (*(const gint64 *) at);
          break;
        case DW_STORE_DEMO_VALUE_TEXT:
        case DW_STORE_DEMO_VALUE_TEXT_OR_NULL:
          q[i] = *(const char * const *) at;
          break;
        case DW_STORE_DEMO_VALUE_BOOL:
          q[i] = *(const gboolean *) at ? "1" : "0";
          break;
        default:
          g_assert_not_reached ();
        }
      if (number != NULL)
        g_ptr_array_add (owned, number);
    }
}

/* @rows (@n of @layout's) in the multi-row INSERTs of insert_rows ("@prefix (@row_sql), …"),
 * then @table's identity past them. */
static gboolean
insert_values (DwStore                *store,
               const char             *table,
               const char             *prefix,
               const char             *row_sql,
               const DwStoreDemoRows  *layout,
               gconstpointer           rows,
               guint                   n,
               GError                **error)
{
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  g_autofree const char **params = g_new0 (const char *, (gsize) n * layout->n_values);

  for (guint i = 0; i < n; i++)
    row_params (layout, dw_store_demo_row (layout, rows, i),
                params + (gsize) i * layout->n_values, owned);

  return insert_rows (store, prefix, row_sql, (int) layout->n_values, n, params, error)
         && identity_past_max (store, table, error);
}

static gboolean
insert_tickets (DwStore                  *store,
                const DwStoreDemoTicket  *rows,
                guint                     n,
                GError                  **error)
{
  return insert_values (store, "tickets",
    "INSERT INTO tickets (id, subject, body, channel, business_type, priority, status, team_id, "
    "assignee_id, customer_id, order_number, tags, created_at, updated_at, first_response_at, "
    "solved_at, version, escalation_level, sla_policy_id, sla_state, sla, next_sla_at, csat, "
    "csat_comment) VALUES ",
    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    &dw_store_demo_ticket_rows, rows, n, error);
}

static gboolean
insert_comments (DwStore                   *store,
                 const DwStoreDemoComment  *rows,
                 guint                      n,
                 GError                   **error)
{
  return insert_values (store, "comments",
    "INSERT INTO comments (id, ticket_id, author_kind, author_id, public, body, "
    "created_at) VALUES ", "(?, ?, ?, ?, ?, ?, ?)", &dw_store_demo_comment_rows, rows, n, error);
}

static gboolean
insert_audit (DwStore                 *store,
              const DwStoreDemoAudit  *rows,
              guint                    n,
              GError                 **error)
{
  return insert_values (store, "audit",
    "INSERT INTO audit (id, at, actor_id, entity, entity_id, action, field, "
    "before, after, reason) VALUES ",
    "(?, ?, ?, 'ticket', ?, ?, ?, ?, ?, ?)", &dw_store_demo_audit_rows, rows, n, error);
}

static gboolean
seed_surveys (DwStore  *store,
              gint64    from_ticket,
              gint64    to_ticket,
              GError  **error)
{
  DwPgInt from, to;
  const char *params[] = { dw_pg_int (&from, from_ticket), dw_pg_int (&to, to_ticket) };

  return run (store,
    "INSERT INTO surveys (ticket_id, issued_at, expires_at, answered_at, rating, comment) "
    "SELECT t.id, t.solved_at, t.solved_at + 604800, "
    "  CASE WHEN t.csat IS NOT NULL THEN coalesce ((SELECT max (a.at) FROM audit a "
    "    WHERE a.entity = 'ticket' AND a.entity_id = t.id AND a.field = 'csat'), t.solved_at) END, "
    "  t.csat, t.csat_comment "
    "FROM tickets t WHERE t.id BETWEEN $1 AND $2 AND t.solved_at IS NOT NULL ORDER BY t.id", 2,
    params, error);
}

static gboolean
is_empty (DwStore   *store,
          gboolean  *empty,
          GError   **error)
{
  gint64 one;
  gboolean found;

  *empty = FALSE;
  if (!dw_pg_store_query_int (store, "SELECT 1 FROM users LIMIT 1", 0, NULL, &one, &found, error))
    return FALSE;
  *empty = !found;
  return TRUE;
}

/* A session lock, not a transaction's: the seed commits in several transactions, and the
 * check for emptiness before them must not let a second instance in between. */
static gboolean
seed_lock (DwStore   *store,
           gboolean   lock,
           GError   **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s (%" G_GINT64_FORMAT ")",
                                          lock ? "pg_advisory_lock" : "pg_advisory_unlock",
                                          DW_PG_LOCK_DEMO_SEED);
  g_autoptr(PGresult) result = NULL;
  guint lock_timeout = dw_pg_store_get_lock_timeout (store);

  /* The instance waiting here serves nothing yet, and the seed takes as long as it takes:
   * not bounded by the serving lock_timeout. */
  if (lock && lock_timeout > 0 && !dw_pg_store_set_lock_timeout (store, 0, error))
    return FALSE;
  result = dw_pg_store_query (store, sql, 0, NULL, error);
  if (lock && lock_timeout > 0)
    {
      if (result == NULL)
        {
          dw_pg_store_set_lock_timeout (store, lock_timeout, NULL);
          return FALSE;
        }
      return dw_pg_store_set_lock_timeout (store, lock_timeout, error);
    }
  return result != NULL;
}

const DwStoreDemoOps dw_pg_demo_ops = {
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
