/* dw-pg-migrations.c: the PostgreSQL schema and its history. */
#define G_LOG_DOMAIN "deskwatchd"

#include "config.h"

#include "dw-pg-migrations.h"

#include "dw-pg-resources.h"

#include <stdlib.h>
#include <string.h>

#define MIGRATIONS_PATH "/org/deskwatch/Deskwatchd/pg/migrations"

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The migration files, sorted by number. */
static GStrv
list_migrations (GError **error)
{
  g_auto(GStrv) names = g_resource_enumerate_children (dw_pg_get_resource (),
                                                       MIGRATIONS_PATH "/",
                                                       G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (names == NULL)
    return NULL;

  qsort (names, g_strv_length (names), sizeof (char *), compare_names);
  for (guint i = 0; names[i] != NULL; i++)
    if (atoi (names[i]) > 0 && g_str_has_suffix (names[i], ".sql"))
      g_strv_builder_add (builder, names[i]);

  return g_strv_builder_end (builder);
}

int
dw_pg_migrations_get_latest (void)
{
  g_auto(GStrv) names = list_migrations (NULL);
  guint n = names != NULL ? g_strv_length (names) : 0;

  return n > 0 ? atoi (names[n - 1]) : 0;
}

int
dw_pg_get_schema_version (PGconn  *conn,
                          GError **error)
{
  g_autoptr(PGresult) result = NULL;

  /* to_regclass: NULL rather than an error (which would abort a transaction) when the table is
   * not there yet. */
  result = dw_pg_query (conn, "SELECT to_regclass ('schema_version') IS NOT NULL", 0, NULL, error);
  if (result == NULL)
    return -1;
  if (!g_str_equal (PQgetvalue (result, 0, 0), "t"))
    return 0;

  g_clear_pointer (&result, PQclear);
  result = dw_pg_query (conn, "SELECT coalesce (max (version), 0) FROM schema_version", 0, NULL,
                        error);
  if (result == NULL)
    return -1;

  return atoi (PQgetvalue (result, 0, 0));
}

static gboolean
apply_one (PGconn      *conn,
           const char  *name,
           GError     **error)
{
  g_autofree char *path = g_strconcat (MIGRATIONS_PATH "/", name, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *number = NULL;
  g_autoptr(PGresult) result = NULL;
  const char *params[2];
  gsize size;
  const char *data;

  bytes = g_resource_lookup_data (dw_pg_get_resource (), path, G_RESOURCE_LOOKUP_FLAGS_NONE,
                                  error);
  if (bytes == NULL)
    return FALSE;

  data = g_bytes_get_data (bytes, &size);
  sql = g_strndup (data, size);
  number = g_strdup_printf ("%d", atoi (name));
  params[0] = number;
  params[1] = name;

  if (!dw_pg_exec (conn, "BEGIN", error))
    return FALSE;

  if (!dw_pg_exec (conn, sql, error)
      || (result = dw_pg_query (conn, "INSERT INTO schema_version (version, name, applied_at) "
                                "VALUES ($1, $2, extract (epoch FROM now ())::bigint)",
                                2, params, error)) == NULL
      || !dw_pg_exec (conn, "COMMIT", error))
    {
      /* Whatever state the connection is in, nothing of this migration stays. */
      dw_pg_exec (conn, "ROLLBACK", NULL);
      return FALSE;
    }

  return TRUE;
}

static gboolean
migrate_locked (PGconn   *conn,
                guint    *n_applied,
                GError  **error)
{
  g_auto(GStrv) names = NULL;
  int current, latest;

  /* Under the lock, so no two instances race to create it. */
  if (!dw_pg_exec (conn,
                   "CREATE TABLE IF NOT EXISTS schema_version ("
                   "  version     INTEGER PRIMARY KEY,"
                   "  name        TEXT NOT NULL,"
                   "  applied_at  BIGINT NOT NULL)", error))
    return FALSE;

  if ((names = list_migrations (error)) == NULL
      || (current = dw_pg_get_schema_version (conn, error)) < 0)
    return FALSE;

  latest = names[0] != NULL ? atoi (names[g_strv_length (names) - 1]) : 0;
  if (current > latest)
    {
      g_set_error (error, DW_PG_ERROR, DW_PG_ERROR_MIGRATION,
                   "the database has schema version %d, newer than this deskwatchd (%d): "
                   "run a newer deskwatchd", current, latest);
      return FALSE;
    }

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (atoi (names[i]) <= current)
        continue;

      if (!apply_one (conn, names[i], error))
        {
          g_prefix_error (error, "migration %s: ", names[i]);
          if (error != NULL && *error != NULL)
            (*error)->code = DW_PG_ERROR_MIGRATION;
          return FALSE;
        }

      g_info ("Applied migration %s", names[i]);
      if (n_applied != NULL)
        (*n_applied)++;
    }

  return TRUE;
}

gboolean
dw_pg_migrate (PGconn   *conn,
               guint    *n_applied,
               GError  **error)
{
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, DW_PG_LOCK_MIGRATIONS);
  const char *params[] = { key };
  g_autoptr(PGresult) locked = NULL;
  g_autoptr(PGresult) unlocked = NULL;
  gboolean ok;

  if (n_applied != NULL)
    *n_applied = 0;

  /* A session lock, not a transaction's: it spans the migrations' several transactions, and
   * the server drops it if this connection dies half way. */
  locked = dw_pg_query (conn, "SELECT pg_advisory_lock ($1::bigint)", 1, params, error);
  if (locked == NULL)
    return FALSE;

  ok = migrate_locked (conn, n_applied, error);

  unlocked = dw_pg_query (conn, "SELECT pg_advisory_unlock ($1::bigint)", 1, params,
                          ok ? error : NULL);
  return ok && unlocked != NULL;
}
