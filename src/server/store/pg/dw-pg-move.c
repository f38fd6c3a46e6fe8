/* dw-pg-move.c: the move of a SQLite desk into PostgreSQL (dw-pg-move.h). */
#define G_LOG_DOMAIN "deskwatchd"

#include "config.h"

#include "dw-pg-move.h"

#include "dw-pg-connection.h"
#include "dw-pg-migrations.h"
#include "dw-pg-store.h"

#include <sqlite3.h>
#include <string.h>

/* Rows the PostgreSQL migrations themselves write into a fresh database (002-server.sql: the
 * business calendar a fresh desk needs): a database holding only these is empty, and they make way
 * for the desk's own rows (its SQLite migrations wrote the same). */
static const struct
{
  const char *table;
  const char *seed;   /* the condition its seeded rows meet */
} migration_seeds[] = {
  { "calendars", "name = 'Standard hours' AND timezone = 'Asia/Shanghai'" },
};

static const char *
seed_condition (const char *table)
{
  for (guint i = 0; i < G_N_ELEMENTS (migration_seeds); i++)
    if (g_str_equal (migration_seeds[i].table, table))
      return migration_seeds[i].seed;
  return NULL;
}

/* Rows per PQputCopyData call and per progress report. */
#define COPY_BATCH_ROWS 2000
#define PROGRESS_ROWS   20000

typedef struct
{
  char      *name;
  GPtrArray *columns;   /* char *, in SQLite's order */
  char      *id_column; /* the single INTEGER PRIMARY KEY column, or NULL */
  GPtrArray *parents;   /* char *: tables its foreign keys reference */
} Table;

static void
table_free (gpointer data)
{
  Table *table = data;

  g_free (table->name);
  g_ptr_array_unref (table->columns);
  g_free (table->id_column);
  g_ptr_array_unref (table->parents);
  g_free (table);
}

static void
move_table_free (gpointer data)
{
  DwPgMoveTable *table = data;

  g_free (table->name);
  g_free (table);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

static gboolean
sqlite_failed (sqlite3  *db,
               GError  **error)
{
  g_set_error (error, DW_PG_ERROR, DW_PG_ERROR_FAILED, "SQLite: %s", sqlite3_errmsg (db));
  return FALSE;
}

static char *
quote_sqlite (const char *name)
{
  GString *quoted = g_string_new ("\"");

  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (quoted, '"');
      g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '"');
  return g_string_free (quoted, FALSE);
}

static char *
quote_pg (PGconn     *conn,
          const char *name)
{
  char *escaped = PQescapeIdentifier (conn, name, strlen (name));
  char *quoted = g_strdup (escaped);

  PQfreemem (escaped);
  return quoted;
}

/* The desk's tables with their columns and foreign keys, from SQLite's own catalogue. */
static GPtrArray *
read_tables (sqlite3  *db,
             GError  **error)
{
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (table_free);
  g_autoptr(sqlite3_stmt) names = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_master WHERE type = 'table' "
                          "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name", -1, &names,
                          NULL) != SQLITE_OK)
    return sqlite_failed (db, error), NULL;

  while ((rc = sqlite3_step (names)) == SQLITE_ROW)
    {
      Table *table = g_new0 (Table, 1);
      g_autofree char *quoted = NULL;
      g_autofree char *sql = NULL;
      g_autoptr(sqlite3_stmt) info = NULL;
      g_autoptr(sqlite3_stmt) keys = NULL;
      int n_pk = 0;

      table->name = g_strdup ((const char *) sqlite3_column_text (names, 0));
      table->columns = g_ptr_array_new_with_free_func (g_free);
      table->parents = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (tables, table);
      quoted = quote_sqlite (table->name);

      sql = g_strdup_printf ("PRAGMA table_info (%s)", quoted);
      if (sqlite3_prepare_v2 (db, sql, -1, &info, NULL) != SQLITE_OK)
        return sqlite_failed (db, error), NULL;
      while ((rc = sqlite3_step (info)) == SQLITE_ROW)
        {
          const char *column = (const char *) sqlite3_column_text (info, 1);
          const char *type = (const char *) sqlite3_column_text (info, 2);

          g_ptr_array_add (table->columns, g_strdup (column));
          if (sqlite3_column_int (info, 5) > 0)
            {
              n_pk++;
              g_free (table->id_column);
              table->id_column = type != NULL && g_ascii_strcasecmp (type, "INTEGER") == 0
                                 ? g_strdup (column) : NULL;
            }
        }
      if (rc != SQLITE_DONE)
        return sqlite_failed (db, error), NULL;
      if (n_pk != 1)
        g_clear_pointer (&table->id_column, g_free);

      g_free (sql);
      sql = g_strdup_printf ("PRAGMA foreign_key_list (%s)", quoted);
      if (sqlite3_prepare_v2 (db, sql, -1, &keys, NULL) != SQLITE_OK)
        return sqlite_failed (db, error), NULL;
      while ((rc = sqlite3_step (keys)) == SQLITE_ROW)
        {
          const char *parent = (const char *) sqlite3_column_text (keys, 2);

          /* A row may reference its own table (a thread of comments): no order between tables. */
          if (g_strcmp0 (parent, table->name) != 0)
            g_ptr_array_add (table->parents, g_strdup (parent));
        }
      if (rc != SQLITE_DONE)
        return sqlite_failed (db, error), NULL;
    }
  if (rc != SQLITE_DONE)
    return sqlite_failed (db, error), NULL;

  return g_steal_pointer (&tables);
}

static gboolean
table_is_placed (GPtrArray  *order,
                 const char *name)
{
  for (guint i = 0; i < order->len; i++)
    if (g_str_equal (((Table *) g_ptr_array_index (order, i))->name, name))
      return TRUE;
  return FALSE;
}

/* Parents before children: repeatedly place the tables whose parents are all placed (by name
 * within a round, so the order is stable).  The order comes from the schema itself, so a table a
 * later migration adds is never forgotten. */
static GPtrArray *
order_tables (GPtrArray  *tables,
              GError    **error)
{
  g_autoptr(GPtrArray) order = g_ptr_array_new ();

  while (order->len < tables->len)
    {
      guint placed = 0;

      for (guint i = 0; i < tables->len; i++)
        {
          Table *table = g_ptr_array_index (tables, i);
          gboolean ready = TRUE;

          if (table_is_placed (order, table->name))
            continue;
          for (guint j = 0; j < table->parents->len && ready; j++)
            {
              const char *parent = g_ptr_array_index (table->parents, j);

              ready = table_is_placed (order, parent);
              if (!ready && !table_is_placed (tables, parent))
                {
                  g_set_error (error, DW_PG_ERROR, DW_PG_ERROR_FAILED,
                               "table %s references %s, which the SQLite desk lacks",
                               table->name, parent);
                  return NULL;
                }
            }
          if (ready)
            {
              g_ptr_array_add (order, table);
              placed++;
            }
        }
      if (placed == 0)
        {
          g_set_error (error, DW_PG_ERROR, DW_PG_ERROR_FAILED,
                       "the foreign keys of the SQLite desk form a cycle: no order to copy in");
          return NULL;
        }
    }
  return g_steal_pointer (&order);
}

/* COPY's text format: backslash, and the row and column separators, escaped. */
static void
append_copy_text (GString    *out,
                  const char *text,
                  int         length)
{
  for (int i = 0; i < length; i++)
    {
      char c = text[i];

      switch (c)
        {
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default: g_string_append_c (out, c); break;
        }
    }
}

static void
append_copy_value (GString      *out,
                   sqlite3_stmt *stmt,
                   int           column)
{
  switch (sqlite3_column_type (stmt, column))
    {
    case SQLITE_NULL:
      g_string_append (out, "\\N");
      break;
    case SQLITE_INTEGER:
      g_string_append_printf (out, "%" G_GINT64_FORMAT,
                              (gint64) sqlite3_column_int64 (stmt, column));
      break;
    case SQLITE_FLOAT:
      {
        char buffer[G_ASCII_DTOSTR_BUF_SIZE];

        /* 17 significant digits: the same double on the other side, whatever the locale. */
        g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, "%.17g",
                                               sqlite3_column_double (stmt, column)));
      }
      break;
    case SQLITE_BLOB:
      {
        const guchar *bytes = sqlite3_column_blob (stmt, column);
        int length = sqlite3_column_bytes (stmt, column);

        /* bytea's hex input, its backslash escaped for COPY. */
        g_string_append (out, "\\\\x");
        for (int i = 0; i < length; i++)
          g_string_append_printf (out, "%02x", bytes[i]);
      }
      break;
    default:
      append_copy_text (out, (const char *) sqlite3_column_text (stmt, column),
                        sqlite3_column_bytes (stmt, column));
      break;
    }
}

static gint64
sqlite_count (sqlite3    *db,
              const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK
      || sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

static gint64
pg_count (PGconn      *conn,
          const char  *sql,
          GError     **error)
{
  g_autoptr(PGresult) result = dw_pg_query (conn, sql, 0, NULL, error);

  if (result == NULL)
    return G_MININT64;
  if (PQntuples (result) != 1 || PQgetisnull (result, 0, 0))
    return -1;
  return g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
}

/* The PostgreSQL columns of @table (empty: it lacks the table). */
static GHashTable *
pg_columns (PGconn      *conn,
            const char  *table,
            GError     **error)
{
  const char *params[] = { table };
  g_autoptr(PGresult) result = NULL;
  GHashTable *columns;

  result = dw_pg_query (conn, "SELECT column_name FROM information_schema.columns "
                        "WHERE table_schema = current_schema () AND table_name = $1", 1, params,
                        error);
  if (result == NULL)
    return NULL;
  columns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (int i = 0; i < PQntuples (result); i++)
    g_hash_table_add (columns, g_strdup (PQgetvalue (result, i, 0)));
  return columns;
}

static gboolean
copy_table (sqlite3           *db,
            PGconn            *conn,
            Table             *table,
            gint64             total,
            DwPgMoveProgress   progress,
            gpointer           user_data,
            GError           **error)
{
  g_autoptr(GString) select = g_string_new ("SELECT ");
  g_autoptr(GString) copy = g_string_new ("COPY ");
  g_autoptr(GString) batch = g_string_new (NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(PGresult) started = NULL;
  g_autofree char *quoted = NULL;
  PGresult *ended;
  gint64 copied = 0;
  int rc;

  quoted = quote_pg (conn, table->name);
  g_string_append_printf (copy, "%s (", quoted);
  for (guint i = 0; i < table->columns->len; i++)
    {
      g_autofree char *sqlite_column = quote_sqlite (g_ptr_array_index (table->columns, i));
      g_autofree char *pg_column = quote_pg (conn, g_ptr_array_index (table->columns, i));

      g_string_append_printf (select, "%s%s", i > 0 ? ", " : "", sqlite_column);
      g_string_append_printf (copy, "%s%s", i > 0 ? ", " : "", pg_column);
    }
  g_free (quoted);
  quoted = quote_sqlite (table->name);
  g_string_append_printf (select, " FROM %s", quoted);
  if (table->id_column != NULL)
    g_string_append_printf (select, " ORDER BY %s", table->id_column);
  g_string_append (copy, ") FROM STDIN");

  if (sqlite3_prepare_v2 (db, select->str, -1, &stmt, NULL) != SQLITE_OK)
    return sqlite_failed (db, error);

  started = PQexec (conn, copy->str);
  if (PQresultStatus (started) != PGRES_COPY_IN)
    {
      dw_pg_set_error (error, conn, started);
      return FALSE;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      for (guint i = 0; i < table->columns->len; i++)
        {
          if (i > 0)
            g_string_append_c (batch, '\t');
          append_copy_value (batch, stmt, i);
        }
      g_string_append_c (batch, '\n');
      copied++;

      if (copied % COPY_BATCH_ROWS == 0)
        {
          if (PQputCopyData (conn, batch->str, batch->len) != 1)
            {
              dw_pg_set_error (error, conn, NULL);
              while ((ended = PQgetResult (conn)) != NULL)
                PQclear (ended);
              return FALSE;
            }
          g_string_truncate (batch, 0);
        }
      if (progress != NULL && copied % PROGRESS_ROWS == 0)
        progress (table->name, copied, total, FALSE, user_data);
    }

  if (rc != SQLITE_DONE)
    {
      g_autofree char *message = g_strdup_printf ("SQLite: %s", sqlite3_errmsg (db));

      PQputCopyEnd (conn, message);
      while ((ended = PQgetResult (conn)) != NULL)
        PQclear (ended);
      g_set_error_literal (error, DW_PG_ERROR, DW_PG_ERROR_FAILED, message);
      return FALSE;
    }

  if ((batch->len > 0 && PQputCopyData (conn, batch->str, batch->len) != 1)
      || PQputCopyEnd (conn, NULL) != 1)
    {
      dw_pg_set_error (error, conn, NULL);
      while ((ended = PQgetResult (conn)) != NULL)
        PQclear (ended);
      return FALSE;
    }

  {
    gboolean ok = TRUE;

    while ((ended = PQgetResult (conn)) != NULL)
      {
        if (ok && PQresultStatus (ended) != PGRES_COMMAND_OK)
          {
            dw_pg_set_error (error, conn, ended);
            ok = FALSE;
          }
        PQclear (ended);
      }
    if (!ok)
      {
        g_prefix_error (error, "copying %s: ", table->name);
        return FALSE;
      }
  }

  if (progress != NULL)
    progress (table->name, copied, total, TRUE, user_data);
  return TRUE;
}

static GPtrArray *
move (sqlite3           *db,
      PGconn            *conn,
      DwPgMoveProgress   progress,
      gpointer           user_data,
      GError           **error)
{
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(GPtrArray) order = NULL;
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (move_table_free);
  g_autoptr(GString) lock = g_string_new ("LOCK TABLE ");
  g_autofree char *last_seq = NULL;
  int version, latest = dw_pg_migrations_get_latest ();
  gint64 seq;

  version = (int) sqlite_count (db, "PRAGMA user_version");
  if (version != latest)
    {
      g_set_error (error, DW_PG_ERROR, DW_PG_ERROR_MIGRATION,
                   "the SQLite desk has schema version %d, this deskwatchd's is %d: %s", version,
                   latest, version < latest
                   ? "run this deskwatchd's service on it once "
                     "(deskwatchd --db FILE --listen ADDR:PORT) to migrate it, then move it"
                   : "it was written by a newer deskwatchd; move it with that one");
      return NULL;
    }

  if ((tables = read_tables (db, error)) == NULL || (order = order_tables (tables, error)) == NULL)
    return NULL;

  /* The schema first (its migrations commit on their own: an empty schema is no desk). */
  if (!dw_pg_migrate (conn, NULL, error))
    return NULL;

  for (guint i = 0; i < order->len; i++)
    {
      Table *table = g_ptr_array_index (order, i);
      g_autoptr(GHashTable) columns = pg_columns (conn, table->name, error);
      g_autofree char *quoted = NULL;

      if (columns == NULL)
        return NULL;
      if (g_hash_table_size (columns) == 0)
        {
          g_set_error (error, DW_PG_ERROR, DW_PG_ERROR_FAILED,
                       "table %s of the SQLite desk has no PostgreSQL counterpart", table->name);
          return NULL;
        }
      for (guint j = 0; j < table->columns->len; j++)
        if (!g_hash_table_contains (columns, g_ptr_array_index (table->columns, j)))
          {
            g_set_error (error, DW_PG_ERROR, DW_PG_ERROR_FAILED,
                         "column %s.%s of the SQLite desk has no PostgreSQL counterpart",
                         table->name, (const char *) g_ptr_array_index (table->columns, j));
            return NULL;
          }
      quoted = quote_pg (conn, table->name);
      g_string_append_printf (lock, "%s%s", i > 0 ? ", " : "", quoted);
    }
  g_string_append (lock, " IN EXCLUSIVE MODE");

  if (!dw_pg_exec (conn, "BEGIN", error))
    return NULL;
  /* No one writes the tables between the check that they are empty and the COMMIT. */
  if (!dw_pg_exec (conn, lock->str, error))
    return NULL;

  for (guint i = 0; i < order->len; i++)
    {
      Table *table = g_ptr_array_index (order, i);
      g_autofree char *quoted = quote_pg (conn, table->name);
      const char *seed = seed_condition (table->name);
      g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM (SELECT 1 FROM %s WHERE NOT "
                                              "(%s) LIMIT 1) o", quoted,
                                              seed != NULL ? seed : "false");
      gint64 n = pg_count (conn, sql, error);

      if (n == G_MININT64)
        return NULL;
      if (n > 0)
        {
          g_set_error (error, DW_PG_ERROR, DW_PG_ERROR_FAILED,
                       "the PostgreSQL database is not empty: table %s has rows; a desk moves "
                       "only into a database without one", table->name);
          return NULL;
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (migration_seeds); i++)
    {
      g_autofree char *quoted = quote_pg (conn, migration_seeds[i].table);
      g_autofree char *sql = g_strdup_printf ("DELETE FROM %s", quoted);

      if (!dw_pg_exec (conn, sql, error))
        return NULL;
    }

  for (guint i = 0; i < order->len; i++)
    {
      Table *table = g_ptr_array_index (order, i);
      g_autofree char *quoted = quote_sqlite (table->name);
      g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM %s", quoted);

      if (!copy_table (db, conn, table, sqlite_count (db, sql), progress, user_data, error))
        return NULL;
    }

  if (!dw_pg_store_reset_identities (conn, error))
    return NULL;

  /* SQLite numbers events with AUTOINCREMENT: sqlite_sequence keeps the last seq even when
   * pruning deleted the rows; event_counter is its PostgreSQL twin (dw-pg-events.c). */
  seq = MAX (sqlite_count (db, "SELECT seq FROM sqlite_sequence WHERE name = 'events'"),
             sqlite_count (db, "SELECT max (seq) FROM events"));
  last_seq = g_strdup_printf ("%" G_GINT64_FORMAT, MAX (seq, 0));
  {
    const char *params[] = { last_seq };
    g_autoptr(PGresult) updated = dw_pg_query (conn, "UPDATE event_counter SET last_seq = $1",
                                               1, params, error);

    if (updated == NULL)
      return NULL;
    if (g_strcmp0 (PQcmdTuples (updated), "1") != 0)
      {
        g_set_error (error, DW_PG_ERROR, DW_PG_ERROR_FAILED, "event_counter has no row");
        return NULL;
      }
  }

  /* Read back in the same transaction: a mismatch rolls the whole move back. */
  for (guint i = 0; i < order->len; i++)
    {
      Table *table = g_ptr_array_index (order, i);
      DwPgMoveTable *moved = g_new0 (DwPgMoveTable, 1);
      g_autofree char *sqlite_table = quote_sqlite (table->name);
      g_autofree char *pg_table = quote_pg (conn, table->name);
      g_autofree char *sql = NULL;

      moved->name = g_strdup (table->name);
      moved->sqlite_max_id = moved->pg_max_id = -1;
      g_ptr_array_add (result, moved);

      sql = g_strdup_printf ("SELECT count (*) FROM %s", sqlite_table);
      moved->sqlite_rows = sqlite_count (db, sql);
      g_free (sql);
      sql = g_strdup_printf ("SELECT count (*) FROM %s", pg_table);
      if ((moved->pg_rows = pg_count (conn, sql, error)) == G_MININT64)
        return NULL;
      if (table->id_column != NULL)
        {
          g_autofree char *sqlite_id = quote_sqlite (table->id_column);
          g_autofree char *pg_id = quote_pg (conn, table->id_column);

          g_free (sql);
          sql = g_strdup_printf ("SELECT max (%s) FROM %s", sqlite_id, sqlite_table);
          moved->sqlite_max_id = sqlite_count (db, sql);
          g_free (sql);
          sql = g_strdup_printf ("SELECT max (%s) FROM %s", pg_id, pg_table);
          if ((moved->pg_max_id = pg_count (conn, sql, error)) == G_MININT64)
            return NULL;
        }
      if (moved->sqlite_rows < 0 || moved->sqlite_rows != moved->pg_rows
          || moved->sqlite_max_id != moved->pg_max_id)
        {
          g_set_error (error, DW_PG_ERROR, DW_PG_ERROR_FAILED,
                       "table %s differs after the copy: %" G_GINT64_FORMAT " rows (largest id %"
                       G_GINT64_FORMAT ") in SQLite, %" G_GINT64_FORMAT " (largest id %"
                       G_GINT64_FORMAT ") in PostgreSQL; nothing was moved",
                       table->name, moved->sqlite_rows, moved->sqlite_max_id, moved->pg_rows,
                       moved->pg_max_id);
          return NULL;
        }
    }

  if (!dw_pg_exec (conn, "COMMIT", error))
    return NULL;
  return g_steal_pointer (&result);
}

GPtrArray *
dw_pg_move_desk (const char        *sqlite_path,
                 const char        *conninfo,
                 DwPgMoveProgress   progress,
                 gpointer           user_data,
                 GError           **error)
{
  g_autoptr(PGconn) conn = NULL;
  GPtrArray *result;
  sqlite3 *db = NULL;

  g_return_val_if_fail (sqlite_path != NULL && conninfo != NULL, NULL);

  if (sqlite3_open_v2 (sqlite_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    {
      g_set_error (error, DW_PG_ERROR, DW_PG_ERROR_FAILED, "cannot open the SQLite desk %s: %s",
                   sqlite_path, db != NULL ? sqlite3_errmsg (db) : "out of memory");
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, 10000);

  /* One read transaction, started by its first SELECT: every table from the same snapshot. */
  if (sqlite3_exec (db, "BEGIN; SELECT count (*) FROM sqlite_master", NULL, NULL,
                    NULL) != SQLITE_OK)
    {
      sqlite_failed (db, error);
      g_prefix_error (error, "%s: ", sqlite_path);
      sqlite3_close (db);
      return NULL;
    }

  if ((conn = dw_pg_connect (conninfo, error)) == NULL)
    result = NULL;
  else
    result = move (db, conn, progress, user_data, error);

  /* A failure inside the transaction: ROLLBACK (ignored when none is open). */
  if (result == NULL && conn != NULL && PQtransactionStatus (conn) != PQTRANS_IDLE)
    {
      g_autoptr(PGresult) rolled = PQexec (conn, "ROLLBACK");
    }

  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (db);
  return result;
}
