/* dw-pg-staffing.c: the staffing reads (store/dw-store-staffing.h) on PostgreSQL.  Text is
 * ordered by its bytes (COLLATE "C"), as SQLite's BINARY does; arrivals are counted per interval
 * here, with integer arithmetic on the Unix seconds, rather than sent a row per ticket. */
#define G_LOG_DOMAIN "dw-store"

#include "config.h"

#include "dw-store.h"
#include "store/dw-store-roster.h"
#include "store/dw-store-staffing.h"
#include "store/pg/dw-pg-connection.h"
#include "store/pg/dw-pg-ops.h"
#include "store/pg/dw-pg-store.h"

static gboolean
team_load (DwStore              *store,
           gint64                team_id,
           DwStoreStaffingTeam  *team,
           GError              **error)
{
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query_row (store,
    "SELECT calendar_id, target_service_level, target_answer_seconds, max_occupancy, "
    "ticket_occupancy, shrinkage FROM teams WHERE id = $1::bigint",
    team_id, "team", error);
  if (result == NULL)
    return FALSE;
  team->calendar_id = dw_pg_get_int (result, 0, 0);
  team->target_service_level = dw_pg_get_double (result, 0, 1);
  team->target_answer_seconds = dw_pg_get_int (result, 0, 2);
  team->max_occupancy = dw_pg_get_double (result, 0, 3);
  team->ticket_occupancy = dw_pg_get_double (result, 0, 4);
  team->shrinkage = dw_pg_get_double (result, 0, 5);
  return TRUE;
}

static gboolean
handle_time_rows (DwStore                *store,
                  gint64                  team_id,
                  gint64                  from,
                  gint64                  to,
                  DwStoreHandleTimeFunc   func,
                  gpointer                data,
                  GError                **error)
{
  DwPgInt team, from_text, to_text;
  const char *params[] = { dw_pg_int (&team, team_id), dw_pg_int (&from_text, from),
                           dw_pg_int (&to_text, to) };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "SELECT t.id, t.created_at, c.author_kind, c.public, c.created_at FROM tickets t "
    "JOIN comments c ON c.ticket_id = t.id "
    "WHERE t.team_id = $1::bigint AND t.solved_at >= $2::bigint AND t.solved_at < $3::bigint "
    "ORDER BY t.id, c.created_at, c.id", G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (result); i++)
    {
      DwStoreHandleTimeRow row = {
        .ticket_id = dw_pg_get_int (result, i, 0),
        .ticket_created_at = dw_pg_get_int (result, i, 1),
        .author_kind = dw_pg_get_text (result, i, 2),
        .public = dw_pg_get_int (result, i, 3) != 0,
        .created_at = dw_pg_get_int (result, i, 4),
      };

      func (&row, data);
    }
  return TRUE;
}

static gboolean
arrivals (DwStore             *store,
          gint64               team_id,
          gint64               from,
          gint64               interval,
          guint                n_intervals,
          DwStoreArrivalFunc   func,
          gpointer             data,
          GError             **error)
{
  DwPgInt team, from_text, to_text, interval_text;
  const char *params[] = { dw_pg_int (&team, team_id), dw_pg_int (&from_text, from),
                           dw_pg_int (&to_text, from + n_intervals * interval),
                           dw_pg_int (&interval_text, interval) };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "SELECT (created_at - $2::bigint) / $4::bigint, channel, count (*) FROM tickets "
    "WHERE team_id = $1::bigint AND created_at >= $2::bigint AND created_at < $3::bigint "
    "GROUP BY 1, 2", G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (result); i++)
    func ((guint) dw_pg_get_int (result, i, 0), dw_pg_get_text (result, i, 1),
          dw_pg_get_int (result, i, 2), data);
  return TRUE;
}

static gint64
first_ticket_at (DwStore *store,
                 gint64   team_id)
{
  DwPgInt team;
  const char *params[] = { dw_pg_int (&team, team_id) };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "SELECT coalesce (min (created_at), 0) FROM tickets WHERE team_id = $1::bigint",
    G_N_ELEMENTS (params), params, NULL);
  if (result == NULL || PQntuples (result) == 0)
    return 0;
  return dw_pg_get_int (result, 0, 0);
}

static gboolean
shifts (DwStore                   *store,
        gint64                     team_id,
        gint64                     user_id,
        gint64                     from,
        gint64                     to,
        DwStoreStaffingShiftFunc   func,
        gpointer                   data,
        GError                   **error)
{
  DwPgInt team, from_text, to_text, user;
  const char *params[] = { dw_pg_int (&team, team_id), dw_pg_int (&from_text, from),
                           dw_pg_int (&to_text, to), dw_pg_int (&user, user_id) };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "SELECT s.user_id, s.starts_at, s.ends_at, s.breaks FROM shifts s "
    "WHERE s.team_id = $1::bigint AND s.ends_at > $2::bigint AND s.starts_at < $3::bigint "
    "AND ($4::bigint = 0 OR s.user_id = $4::bigint) "
    "AND s.starts_at > $2::bigint - " G_STRINGIFY (DW_STORE_MAX_SHIFT_SECONDS) " "
    "AND NOT EXISTS (SELECT 1 FROM absences a WHERE a.user_id = s.user_id "
    "AND a.starts_at < s.ends_at AND a.ends_at > s.starts_at) "
    "ORDER BY s.user_id, s.starts_at, s.id", G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (result); i++)
    {
      DwStoreStaffingShift row = {
        .user_id = dw_pg_get_int (result, i, 0),
        .starts_at = dw_pg_get_int (result, i, 1),
        .ends_at = dw_pg_get_int (result, i, 2),
        .breaks = dw_pg_get_text (result, i, 3),
      };

      func (&row, data);
    }
  return TRUE;
}

static gboolean
agents (DwStore                   *store,
        gint64                     team_id,
        gint64                     user_id,
        DwStoreStaffingAgentFunc   func,
        gpointer                   data,
        GError                   **error)
{
  DwPgInt team, user;
  const char *params[] = { dw_pg_int (&team, team_id), dw_pg_int (&user, user_id) };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "SELECT u.id, u.display_name, u.presence FROM team_members m JOIN users u ON u.id = m.user_id "
    "WHERE m.team_id = $1::bigint AND u.role = 'agent' AND u.disabled = 0 "
    "AND ($2::bigint = 0 OR u.id = $2::bigint) "
    "ORDER BY u.display_name COLLATE \"C\", u.id", G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (result); i++)
    {
      DwStoreStaffingAgent row = {
        .user_id = dw_pg_get_int (result, i, 0),
        .display_name = dw_pg_get_text (result, i, 1),
        .presence = dw_pg_get_text (result, i, 2),
      };

      func (&row, data);
    }
  return TRUE;
}

/* One round trip for all the users (an array parameter; WITH ORDINALITY keeps their order and
 * a user asked for twice), rather than two per user. */
static gboolean
presence (DwStore                  *store,
          const gint64             *user_ids,
          guint                     n_users,
          gint64                    from,
          gint64                    to,
          DwStorePresenceMarkFunc   func,
          gpointer                  data,
          GError                  **error)
{
  g_autoptr(GString) ids = g_string_new ("{");
  DwPgInt from_text, to_text;
  const char *params[] = { NULL, dw_pg_int (&from_text, from), dw_pg_int (&to_text, to) };
  g_autoptr(PGresult) result = NULL;

  if (n_users == 0)
    return TRUE;
  for (guint u = 0; u < n_users; u++)
    g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, u > 0 ? "," : "", user_ids[u]);
  g_string_append_c (ids, '}');
  params[0] = ids->str;

  result = dw_pg_store_query (store,
    "WITH u (id, i) AS (SELECT * FROM unnest ($1::bigint[]) WITH ORDINALITY) "
    "SELECT u.i, 1, 0, b.presence, 0 FROM u CROSS JOIN LATERAL "
    "(SELECT presence FROM presence_log WHERE user_id = u.id AND at < $2::bigint "
    "ORDER BY at DESC, id DESC LIMIT 1) b "
    "UNION ALL "
    "SELECT u.i, 0, p.at, p.presence, p.id FROM u JOIN presence_log p ON p.user_id = u.id "
    "AND p.at >= $2::bigint AND p.at < $3::bigint "
    "ORDER BY 1, 2 DESC, 3, 5", G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return FALSE;
  for (int r = 0; r < PQntuples (result); r++)
    func ((guint) dw_pg_get_int (result, r, 0) - 1, dw_pg_get_int (result, r, 1) != 0,
          dw_pg_get_int (result, r, 2), dw_pg_get_text (result, r, 3), data);
  return TRUE;
}

const DwStoreStaffingOps dw_pg_staffing_ops = {
  .team_load = team_load,
  .handle_time_rows = handle_time_rows,
  .arrivals = arrivals,
  .first_ticket_at = first_ticket_at,
  .shifts = shifts,
  .agents = agents,
  .presence = presence,
};
