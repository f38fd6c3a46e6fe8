/* Tests of the PostgreSQL backend's foundation against a real PostgreSQL 15 (tests/dw-test-pg.c):
 * the migrations, their lock, the schema being SQLite's column for column, errors with their
 * SQLSTATE, the pool, and `deskwatchd schema`. */
#include "config.h"

#include "dw-pg-connection.h"
#include "dw-pg-migrations.h"
#include "dw-store.h"
#include "dw-test-pg.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

/* Tables only the PostgreSQL schema has: its migration history (SQLite's is PRAGMA user_version)
 * and the counter of the global event sequence (SQLite's is sqlite_sequence). */
static const char * const pg_only_tables[] = { "schema_version", "event_counter", NULL };
/* Columns and indexes only PostgreSQL has: the transaction that wrote each audit row (migration
 * 009: several writers commit the audit ids in any order; SQLite's one writer in id order). */
static const char * const pg_only_columns[] = { "audit.txid", NULL };
static const char * const pg_only_indexes[] = { "audit_txid", NULL };

static PGconn *
connect_new_database (void)
{
  g_autofree char *conninfo = dw_test_pg_new_database (dw_test_pg_get_shared ());
  g_autoptr(GError) error = NULL;
  PGconn *conn = dw_pg_connect (conninfo, &error);

  g_assert_no_error (error);
  g_assert_nonnull (conn);
  return conn;
}

static char *
query_value (PGconn     *conn,
             const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = dw_pg_query (conn, sql, 0, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (result), ==, 1);
  return g_strdup (PQgetvalue (result, 0, 0));
}

/* A fresh SQLite desk, as deskwatchd makes it. */
static sqlite3 *
open_sqlite (char **dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  sqlite3 *db;

  *dir = g_dir_make_tmp ("dw-pg-schema-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (*dir, "deskwatch.db", NULL);
  db = dw_store_open (path, &error);
  g_assert_no_error (error);
  return db;
}

static void
remove_sqlite (sqlite3 *db,
               char    *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  dw_store_close (db);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (dir);
}

/* The migrations apply on an empty database, once: the second run finds nothing to do. */
static void
test_migrate_empty (void)
{
  g_autoptr(PGconn) conn = connect_new_database ();
  g_autoptr(GError) error = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *calendars = NULL;
  g_autofree char *counter = NULL;
  guint n_applied = 99;
  int latest = dw_pg_migrations_get_latest ();

  g_assert_cmpint (latest, >=, 8);
  g_assert_cmpint (dw_pg_get_schema_version (conn, &error), ==, 0);
  g_assert_no_error (error);

  g_assert_true (dw_pg_migrate (conn, &n_applied, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_applied, ==, (guint) latest);
  g_assert_cmpint (dw_pg_get_schema_version (conn, &error), ==, latest);

  g_assert_true (dw_pg_migrate (conn, &n_applied, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_applied, ==, 0);

  /* One history row per migration, named after its file. */
  rows = query_value (conn, "SELECT string_agg (version || ' ' || name, ',' ORDER BY version) "
                      "FROM schema_version");
  g_assert_true (g_str_has_prefix (rows, "1 001-initial.sql,2 002-server.sql,"));
  g_assert_true (g_str_has_suffix (rows, "8 008-agent-capacity.sql") || latest > 8);

  /* The data migration 002 ran too: a fresh desk has its standard calendar. */
  calendars = query_value (conn, "SELECT count (*) FROM calendars");
  g_assert_cmpstr (calendars, ==, "1");
  counter = query_value (conn, "SELECT last_seq FROM event_counter");
  g_assert_cmpstr (counter, ==, "0");
}

/* The same schema version as SQLite's: one history whichever backend holds a desk. */
static void
test_same_version (void)
{
  g_autofree char *dir = NULL;
  sqlite3 *db = open_sqlite (&dir);

  g_assert_cmpint (dw_store_get_schema_version (db), ==, dw_pg_migrations_get_latest ());
  remove_sqlite (db, dir);
}

static void
append_line (GHashTable *tables,
             const char *table,
             const char *item)
{
  GPtrArray *items = g_hash_table_lookup (tables, table);

  if (items == NULL)
    {
      items = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (tables, g_strdup (table), items);
    }
  g_ptr_array_add (items, g_strdup (item));
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* "table: a b c" lines, sorted: easy to read in a failure. */
static char *
describe (GHashTable *tables)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;
  g_autoptr(GString) out = g_string_new (NULL);

  g_hash_table_iter_init (&iter, tables);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *items = value;
      g_autoptr(GString) line = g_string_new (key);

      g_ptr_array_sort (items, compare_strings);
      g_string_append_c (line, ':');
      for (guint i = 0; i < items->len; i++)
        g_string_append_printf (line, " %s", (char *) g_ptr_array_index (items, i));
      g_ptr_array_add (lines, g_string_free (g_steal_pointer (&line), FALSE));
    }

  g_ptr_array_sort (lines, compare_strings);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (out, "%s\n", (char *) g_ptr_array_index (lines, i));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The PostgreSQL type of a SQLite column's declared type, in the dialect of the PostgreSQL
 * migrations (src/server/store/pg/migrations/001-initial.sql). */
static const char *
sqlite_type_in_pg (const char *type)
{
  if (g_ascii_strcasecmp (type, "INTEGER") == 0)
    return "bigint";
  if (g_ascii_strcasecmp (type, "TEXT") == 0)
    return "text";
  if (g_ascii_strcasecmp (type, "REAL") == 0)
    return "double precision";
  return type;
}

/* Every table, column (with its type and NOT NULL) and index of a fresh SQLite desk is in the
 * PostgreSQL schema under the same name, and nothing else but the PostgreSQL-only tables: a
 * SQLite migration added without its PostgreSQL twin fails here. */
static void
test_same_tables_and_columns (void)
{
  g_autoptr(PGconn) conn = connect_new_database ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) sqlite_tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                               (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) pg_tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) sqlite_indexes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                                (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) pg_indexes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                            (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(PGresult) columns = NULL;
  g_autoptr(PGresult) indexes = NULL;
  g_autofree char *sqlite_text = NULL;
  g_autofree char *pg_text = NULL;
  g_autofree char *sqlite_index_text = NULL;
  g_autofree char *pg_index_text = NULL;
  g_autofree char *dir = NULL;
  sqlite3 *db = open_sqlite (&dir);
  sqlite3_stmt *tables_stmt;

  g_assert_true (dw_pg_migrate (conn, NULL, &error));
  g_assert_no_error (error);

  /* SQLite: PRAGMA table_info of each table of ours. */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name, type FROM sqlite_schema "
                                       "WHERE type IN ('table', 'index') "
                                       "AND name NOT LIKE 'sqlite_%'", -1, &tables_stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (tables_stmt) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (tables_stmt, 0);
      g_autofree char *sql = g_strdup_printf ("PRAGMA table_info (%s)", table);
      sqlite3_stmt *info;

      if (g_str_equal (sqlite3_column_text (tables_stmt, 1), "index"))
        {
          append_line (sqlite_indexes, "indexes", table);
          continue;
        }

      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &info, NULL), ==, SQLITE_OK);
      while (sqlite3_step (info) == SQLITE_ROW)
        {
          /* cid, name, type, notnull, dflt_value, pk.  A key column is NOT NULL in
           * PostgreSQL; SQLite reports it nullable (a rowid alias, or its old quirk). */
          const char *type = (const char *) sqlite3_column_text (info, 2);
          gboolean not_null = sqlite3_column_int (info, 3) || sqlite3_column_int (info, 5);
          g_autofree char *item = g_strdup_printf ("%s:%s%s", sqlite3_column_text (info, 1),
                                                   sqlite_type_in_pg (type),
                                                   not_null ? ":not-null" : "");

          append_line (sqlite_tables, table, item);
        }
      sqlite3_finalize (info);
    }
  sqlite3_finalize (tables_stmt);

  /* PostgreSQL: information_schema.columns of the public schema. */
  columns = dw_pg_query (conn, "SELECT table_name, column_name, data_type, is_nullable "
                         "FROM information_schema.columns WHERE table_schema = 'public'", 0, NULL,
                         &error);
  g_assert_no_error (error);
  for (int i = 0; i < PQntuples (columns); i++)
    if (!g_strv_contains (pg_only_tables, PQgetvalue (columns, i, 0)))
      {
        g_autofree char *column = g_strdup_printf ("%s.%s", PQgetvalue (columns, i, 0),
                                                   PQgetvalue (columns, i, 1));

        g_autofree char *item = g_strdup_printf ("%s:%s%s", PQgetvalue (columns, i, 1),
                                                 PQgetvalue (columns, i, 2),
                                                 g_str_equal (PQgetvalue (columns, i, 3), "NO")
                                                 ? ":not-null" : "");

        if (!g_strv_contains (pg_only_columns, column))
          append_line (pg_tables, PQgetvalue (columns, i, 0), item);
      }

  /* Indexes made by CREATE INDEX (PostgreSQL names the ones behind PRIMARY KEY and UNIQUE
   * …_pkey and …_key, SQLite sqlite_autoindex_…). */
  indexes = dw_pg_query (conn, "SELECT indexname, tablename FROM pg_indexes "
                         "WHERE schemaname = 'public' AND indexname NOT LIKE '%\\_pkey' "
                         "AND indexname NOT LIKE '%\\_key'", 0, NULL, &error);
  g_assert_no_error (error);
  for (int i = 0; i < PQntuples (indexes); i++)
    if (!g_strv_contains (pg_only_indexes, PQgetvalue (indexes, i, 0)))
      append_line (pg_indexes, "indexes", PQgetvalue (indexes, i, 0));

  sqlite_text = describe (sqlite_tables);
  pg_text = describe (pg_tables);
  g_assert_cmpstr (pg_text, ==, sqlite_text);
  sqlite_index_text = describe (sqlite_indexes);
  pg_index_text = describe (pg_indexes);
  g_assert_cmpstr (pg_index_text, ==, sqlite_index_text);
  /* Not vacuous. */
  g_assert_nonnull (strstr (sqlite_text, "tickets: assignee_id:bigint body:text:not-null "));
  g_assert_nonnull (strstr (sqlite_index_text, "tickets_next_sla"));

  remove_sqlite (db, dir);
}

typedef struct
{
  char    *conninfo;
  GMutex   lock;
  GCond    cond;
  guint    ready;
  gboolean go;
} Race;

typedef struct
{
  Race   *race;
  guint   n_applied;
  int     version;
  GError *error;
} Runner;

static gpointer
migrate_thread (gpointer data)
{
  Runner *runner = data;
  Race *race = runner->race;
  g_autoptr(PGconn) conn = dw_pg_connect (race->conninfo, &runner->error);

  /* All connected first, then all at once. */
  g_mutex_lock (&race->lock);
  race->ready++;
  g_cond_broadcast (&race->cond);
  while (!race->go)
    g_cond_wait (&race->cond, &race->lock);
  g_mutex_unlock (&race->lock);

  if (conn != NULL && dw_pg_migrate (conn, &runner->n_applied, &runner->error))
    runner->version = dw_pg_get_schema_version (conn, &runner->error);
  return NULL;
}

/* Three instances starting at once on an empty database: each migration is applied once, by
 * whichever took the lock; the others wait and end on the same version. */
static void
test_migrate_concurrently (void)
{
  Race race = { 0 };
  Runner runners[3] = { { 0 } };
  GThread *threads[G_N_ELEMENTS (runners)];
  g_autofree char *history = NULL;
  g_autofree char *distinct = NULL;
  guint total = 0;
  int latest = dw_pg_migrations_get_latest ();

  race.conninfo = dw_test_pg_new_database (dw_test_pg_get_shared ());
  g_mutex_init (&race.lock);
  g_cond_init (&race.cond);

  for (guint i = 0; i < G_N_ELEMENTS (runners); i++)
    {
      runners[i].race = &race;
      threads[i] = g_thread_new ("migrate", migrate_thread, &runners[i]);
    }

  g_mutex_lock (&race.lock);
  while (race.ready < G_N_ELEMENTS (runners))
    g_cond_wait (&race.cond, &race.lock);
  race.go = TRUE;
  g_cond_broadcast (&race.cond);
  g_mutex_unlock (&race.lock);

  for (guint i = 0; i < G_N_ELEMENTS (runners); i++)
    {
      g_thread_join (threads[i]);
      g_assert_no_error (runners[i].error);
      g_assert_cmpint (runners[i].version, ==, latest);
      total += runners[i].n_applied;
    }

  /* Each migration once in all. */
  g_assert_cmpuint (total, ==, (guint) latest);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(PGconn) conn = dw_pg_connect (race.conninfo, &error);

    g_assert_no_error (error);
    history = query_value (conn, "SELECT count (*) FROM schema_version");
    distinct = query_value (conn, "SELECT count (DISTINCT version) FROM schema_version");
    g_assert_cmpint (atoi (history), ==, latest);
    g_assert_cmpint (atoi (distinct), ==, latest);
  }

  g_mutex_clear (&race.lock);
  g_cond_clear (&race.cond);
  g_free (race.conninfo);
}

/* A database migrated by a newer deskwatchd is refused, and left as it is. */
static void
test_newer_database (void)
{
  g_autoptr(PGconn) conn = connect_new_database ();
  g_autoptr(GError) error = NULL;
  g_autofree char *future = g_strdup_printf ("%d", dw_pg_migrations_get_latest () + 1);
  const char *params[] = { future };
  g_autoptr(PGresult) inserted = NULL;
  guint n_applied = 99;

  g_assert_true (dw_pg_migrate (conn, NULL, &error));
  g_assert_no_error (error);
  inserted = dw_pg_query (conn, "INSERT INTO schema_version (version, name, applied_at) "
                          "VALUES ($1, 'NNN-future.sql', 0)", 1, params, &error);
  g_assert_no_error (error);

  g_assert_false (dw_pg_migrate (conn, &n_applied, &error));
  g_assert_error (error, DW_PG_ERROR, DW_PG_ERROR_MIGRATION);
  g_assert_nonnull (strstr (error->message, "newer than this deskwatchd"));
  g_assert_cmpuint (n_applied, ==, 0);
  g_clear_error (&error);

  /* The lock was given back: another migrating connection is not left waiting forever. */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT pg_try_advisory_lock (%" G_GINT64_FORMAT ")",
                                            DW_PG_LOCK_MIGRATIONS);
    g_autofree char *free_lock = query_value (conn, sql);

    g_assert_cmpstr (free_lock, ==, "t");
  }
}

/* Errors carry their SQLSTATE, and the code says what kind they are. */
static void
test_errors (void)
{
  g_autoptr(PGconn) conn = connect_new_database ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autoptr(PGconn) nowhere = NULL;

  g_assert_true (dw_pg_migrate (conn, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (dw_pg_exec (conn, "SELECT * FROM no_such_table", &error));
  g_assert_error (error, DW_PG_ERROR, DW_PG_ERROR_FAILED);
  g_assert_cmpstr (dw_pg_error_get_sqlstate (error), ==, "42P01");
  g_clear_error (&error);

  /* A unique violation: a constraint. */
  g_assert_false (dw_pg_exec (conn, "INSERT INTO calendars (name, timezone, week) "
                              "SELECT name, timezone, week FROM calendars", &error));
  g_assert_error (error, DW_PG_ERROR, DW_PG_ERROR_CONSTRAINT);
  g_assert_cmpstr (dw_pg_error_get_sqlstate (error), ==, "23505");
  g_clear_error (&error);

  /* The audit trail is append-only here too. */
  g_assert_true (dw_pg_exec (conn, "INSERT INTO audit (at, entity, entity_id, action) "
                             "VALUES (1, 'ticket', 1, 'created')", &error));
  g_assert_no_error (error);
  g_assert_false (dw_pg_exec (conn, "UPDATE audit SET action = 'x'", &error));
  g_assert_error (error, DW_PG_ERROR, DW_PG_ERROR_CONSTRAINT);
  g_assert_nonnull (strstr (error->message, "append-only"));
  g_clear_error (&error);
  g_assert_false (dw_pg_exec (conn, "DELETE FROM audit", &error));
  g_assert_error (error, DW_PG_ERROR, DW_PG_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* A failure in the middle of several statements is the one reported. */
  g_assert_false (dw_pg_exec (conn, "SELECT 1; SELECT 1 / 0; SELECT 2", &error));
  g_assert_cmpstr (dw_pg_error_get_sqlstate (error), ==, "22012");
  g_clear_error (&error);

  /* No server there: unavailable. */
  nowhere = dw_pg_connect ("postgresql:///x?host=/nonexistent&connect_timeout=2", &error);
  g_assert_null (nowhere);
  g_assert_error (error, DW_PG_ERROR, DW_PG_ERROR_UNAVAILABLE);
  g_assert_cmpstr (dw_pg_error_get_sqlstate (error), ==, "08001");
}

/* The pool opens connections on demand, up to its size, and reuses them. */
static void
test_pool (void)
{
  g_autofree char *conninfo = dw_test_pg_new_database (dw_test_pg_get_shared ());
  g_autoptr(DwPgPool) pool = dw_pg_pool_new (conninfo, 2);
  g_autoptr(GError) error = NULL;
  PGconn *a, *b, *c;

  g_assert_cmpuint (dw_pg_pool_get_size (pool), ==, 2);
  g_assert_cmpuint (dw_pg_pool_get_n_open (pool), ==, 0);

  a = dw_pg_pool_acquire (pool, &error);
  g_assert_no_error (error);
  b = dw_pg_pool_acquire (pool, &error);
  g_assert_no_error (error);
  g_assert_true (a != b);
  c = dw_pg_pool_acquire (pool, &error);
  g_assert_null (c);
  g_assert_error (error, DW_PG_ERROR, DW_PG_ERROR_UNAVAILABLE);
  g_clear_error (&error);

  dw_pg_pool_release (pool, b);
  c = dw_pg_pool_acquire (pool, &error);
  g_assert_no_error (error);
  g_assert_true (c == b);
  g_assert_cmpuint (dw_pg_pool_get_n_open (pool), ==, 2);

  /* One left inside a transaction is not handed to the next taker. */
  g_assert_true (dw_pg_exec (c, "BEGIN", &error));
  dw_pg_pool_release (pool, c);
  g_assert_cmpuint (dw_pg_pool_get_n_open (pool), ==, 1);

  dw_pg_pool_release (pool, a);
  g_assert_cmpuint (dw_pg_pool_get_n_open (pool), ==, 1);
}

static void
run_deskwatchd (const char * const *args,
                int                 expected_status,
                char              **out,
                char              **err)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (char *) g_getenv ("DESKWATCHD"));
  g_assert_nonnull (argv->pdata[0]);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* Its info lines, to see what it logs of the connection string. */
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "deskwatchd", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, expected_status);
}

/* `deskwatchd schema --db postgresql://…` migrates and says the version, never showing the
 * password it was given; the user commands work there, a failed connection is said without the
 * password. */
static void
test_command (void)
{
  g_autofree char *conninfo = dw_test_pg_new_database (dw_test_pg_get_shared ());
  /* Trust authentication ignores the password, which is only there to be hidden. */
  g_autofree char *with_password = g_strconcat (conninfo, "&password=s3cret", NULL);
  g_autofree char *expected = g_strdup_printf ("Schema version %d (PostgreSQL %s), %d "
                                               "migrations applied now\n",
                                               dw_pg_migrations_get_latest (), conninfo,
                                               dw_pg_migrations_get_latest ());
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *schema[] = { "schema", "--db", with_password, NULL };
  g_autofree char *missing = NULL;
  g_autofree char *missing_with_password = NULL;
  const char *list[] = { "user", "list", "--db", with_password, NULL };
  const char *serve_missing[] = { "--listen", "127.0.0.1:0", "--db", NULL, NULL };
  g_auto(GStrv) parts = g_strsplit (conninfo, "test_", 2);

  missing = g_strjoinv ("missing_", parts);
  missing_with_password = g_strconcat (missing, "&password=s3cret", NULL);
  serve_missing[3] = missing_with_password;

  /* GLib's writer puts the info lines on stdout, before the result. */
  run_deskwatchd (schema, 0, &out, &err);
  g_assert_true (g_str_has_suffix (out, expected));
  g_assert_nonnull (strstr (out, "Connecting to PostgreSQL"));
  g_assert_null (strstr (out, "s3cret"));
  g_assert_null (strstr (err, "s3cret"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Again: nothing left to apply. */
  run_deskwatchd (schema, 0, &out, &err);
  g_assert_nonnull (strstr (out, "), 0 migrations applied now"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The user and token commands work on it (through the service's store). */
  run_deskwatchd (list, 0, &out, &err);
  /* After the info lines, on stdout too. */
  g_assert_nonnull (strstr (out, "\nID     USERNAME"));
  g_assert_null (strstr (out, "s3cret"));
  g_assert_null (strstr (err, "s3cret"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Serving: a database that cannot be reached is said, without the password. */
  run_deskwatchd (serve_missing, 1, &out, &err);
  g_assert_nonnull (strstr (err, "deskwatchd: PostgreSQL postgresql:///missing_"));
  g_assert_null (strstr (out, "s3cret"));
  g_assert_null (strstr (err, "s3cret"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
}

/* Three `deskwatchd schema` processes started together on an empty database, as three
 * instances starting at once: all succeed, the migrations are applied once in all. */
static void
test_command_concurrently (void)
{
  g_autofree char *conninfo = dw_test_pg_new_database (dw_test_pg_get_shared ());
  GSubprocess *processes[3];
  guint total = 0;

  for (guint i = 0; i < G_N_ELEMENTS (processes); i++)
    {
      g_autoptr(GError) error = NULL;

      processes[i] = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                       g_getenv ("DESKWATCHD"), "schema", "--db", conninfo, NULL);
      g_assert_no_error (error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (processes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      g_autofree char *expected = g_strdup_printf ("Schema version %d (PostgreSQL %s), ",
                                                   dw_pg_migrations_get_latest (), conninfo);
      const char *applied;

      g_subprocess_communicate_utf8 (processes[i], NULL, NULL, &out, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_exited (processes[i]));
      g_assert_cmpint (g_subprocess_get_exit_status (processes[i]), ==, 0);
      /* After any info lines, should G_MESSAGES_DEBUG be set. */
      applied = strstr (out, expected);
      g_assert_nonnull (applied);
      applied += strlen (expected);
      total += (guint) atoi (applied);
      g_object_unref (processes[i]);
    }

  g_assert_cmpuint (total, ==, (guint) dw_pg_migrations_get_latest ());
}

/* sqlite:FILE is the file, as --db FILE always was; `schema` works there too. */
static void
test_command_sqlite (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("dw-pg-schema-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "desk.db", NULL);
  g_autofree char *uri = g_strconcat ("sqlite:", path, NULL);
  g_autofree char *expected = g_strdup_printf ("Schema version %d (SQLite %s)\n",
                                               dw_pg_migrations_get_latest (), path);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *schema[] = { "schema", "--db", uri, NULL };
  const char *list[] = { "user", "list", "--db", uri, NULL };
  const char *empty[] = { "schema", "--db", "sqlite:", NULL };
  sqlite3 *db;

  g_assert_no_error (error);
  run_deskwatchd (schema, 0, &out, &err);
  g_assert_cmpstr (out, ==, expected);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  run_deskwatchd (list, 0, &out, &err);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  run_deskwatchd (empty, 2, &out, &err);
  g_assert_nonnull (strstr (err, "--db names no database"));

  db = dw_store_open (path, &error);
  g_assert_no_error (error);
  remove_sqlite (db, dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pg/schema/migrate-empty", test_migrate_empty);
  g_test_add_func ("/pg/schema/same-version", test_same_version);
  g_test_add_func ("/pg/schema/same-tables-and-columns", test_same_tables_and_columns);
  g_test_add_func ("/pg/schema/migrate-concurrently", test_migrate_concurrently);
  g_test_add_func ("/pg/schema/newer-database", test_newer_database);
  g_test_add_func ("/pg/connection/errors", test_errors);
  g_test_add_func ("/pg/connection/pool", test_pool);
  g_test_add_func ("/pg/command/schema", test_command);
  g_test_add_func ("/pg/command/schema-concurrently", test_command_concurrently);
  g_test_add_func ("/pg/command/schema-sqlite", test_command_sqlite);

  return g_test_run ();
}
