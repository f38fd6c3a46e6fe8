/* dw-pg-leader.c: one instance at a time for the singleton work. */
#define G_LOG_DOMAIN "deskwatchd"

#include "config.h"

#include "dw-pg-leader.h"

gboolean
dw_pg_leader_try_acquire (PGconn    *conn,
                          gint64     key,
                          gboolean  *is_leader,
                          GError   **error)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, key);
  const char *params[] = { text };
  g_autoptr(PGresult) result = NULL;

  /* A session lock is re-entrant and counted: holding it once is enough, so the check comes
   * first and a leader asking again takes nothing more. */
  result = dw_pg_query (conn, "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
                        "AND pid = pg_backend_pid () AND granted "
                        "AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = $1::bigint) "
                        "OR pg_try_advisory_lock ($1::bigint)", 1, params, error);
  if (result == NULL)
    return FALSE;

  *is_leader = g_str_equal (PQgetvalue (result, 0, 0), "t");
  return TRUE;
}

gboolean
dw_pg_leader_release (PGconn  *conn,
                      gint64   key,
                      GError **error)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, key);
  const char *params[] = { text };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_query (conn, "SELECT pg_advisory_unlock ($1::bigint)", 1, params, error);
  return result != NULL;
}
