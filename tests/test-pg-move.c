/* test-pg-move.c: `deskwatchd migrate --from FILE --to postgresql://…` against a real
 * PostgreSQL 15 (tests/dw-test-pg.c), on the demo desk the real `deskwatchd --demo` makes. */
#include "config.h"

#include "dw-pg-connection.h"
#include "dw-pg-migrations.h"
#include "dw-test-pg.h"
#include "dw-test-server.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#define FLOAT8OID 701
#define FLOAT4OID 700

static char *demo_dir;
static char *demo_path;

/* The demo desk, made once per test program: deskwatchd --demo until its history is ready. */
static const char *
demo_desk (void)
{
  if (demo_path == NULL)
    {
      g_autoptr(GError) error = NULL;
      const char * const args[] = { "--demo", NULL };
      DwTestServer *server = g_new0 (DwTestServer, 1);

      server->dir = g_dir_make_tmp ("dw-pg-move-XXXXXX", &error);
      g_assert_no_error (error);
      server->db_path = g_build_filename (server->dir, "deskwatch.db", NULL);
      server->session = soup_session_new_with_options ("timeout", 60, NULL);
      dw_test_server_start (server, args);
      dw_test_server_wait_demo_history (server);
      dw_test_server_stop (server);

      /* Kept outside the server's directory, which _free removes. */
      demo_dir = g_dir_make_tmp ("dw-pg-move-desk-XXXXXX", &error);
      g_assert_no_error (error);
      demo_path = g_build_filename (demo_dir, "demo.db", NULL);
      {
        g_autofree char *contents = NULL;
        gsize length;

        g_file_get_contents (server->db_path, &contents, &length, &error);
        g_assert_no_error (error);
        g_file_set_contents (demo_path, contents, length, &error);
        g_assert_no_error (error);
      }
      /* How many events the demo's live traffic has written depends on the moment (none, at
       * times): a few more, the oldest then pruned, so that the stream's counter
       * (sqlite_sequence) always has a seq to carry over. */
      {
        sqlite3 *db = NULL;

        g_assert_cmpint (sqlite3_open (demo_path, &db), ==, SQLITE_OK);
        g_assert_cmpint (sqlite3_exec (db, "INSERT INTO events (at, type, data) VALUES "
                                       "(1, 'ticket.updated', '{}'), (2, 'ticket.updated', '{}'), "
                                       "(3, 'ticket.updated', '{}'); "
                                       "DELETE FROM events "
                                       "WHERE seq = (SELECT min (seq) FROM events)",
                                       NULL, NULL, NULL), ==, SQLITE_OK);
        sqlite3_close (db);
      }
      dw_test_server_free (server);
    }
  return demo_path;
}

static const char *
deskwatchd (void)
{
  const char *path = g_getenv ("DESKWATCHD");

  g_assert_nonnull (path);
  return path;
}

/* Runs `deskwatchd ARGS…`; its exit status, output and errors. */
static int
run (char       **out,
     char       **err,
     const char  *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  va_list ap;
  int status = -1;

  g_ptr_array_add (argv, (gpointer) deskwatchd ());
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status,
                &error);
  g_assert_no_error (error);
  g_test_message ("deskwatchd %s: %s%s", first, *out, *err);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static PGconn *
connect (const char *conninfo)
{
  g_autoptr(GError) error = NULL;
  PGconn *conn = dw_pg_connect (conninfo, &error);

  g_assert_no_error (error);
  return conn;
}

static char *
pg_value (PGconn     *conn,
          const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = dw_pg_query (conn, sql, 0, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (result), ==, 1);
  return g_strdup (PQgetvalue (result, 0, 0));
}

/* The desk's tables and their columns (SQLite's catalogue), "table" → "c1, c2, …". */
static GHashTable *
desk_tables (sqlite3 *db)
{
  GHashTable *tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3_stmt *names = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_master WHERE type = 'table' "
                                       "AND name NOT LIKE 'sqlite%'", -1, &names, NULL), ==,
                   SQLITE_OK);
  while (sqlite3_step (names) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (names, 0);
      g_autofree char *sql = g_strdup_printf ("PRAGMA table_info (\"%s\")", name);
      GString *columns = g_string_new (NULL);
      sqlite3_stmt *info = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &info, NULL), ==, SQLITE_OK);
      while (sqlite3_step (info) == SQLITE_ROW)
        g_string_append_printf (columns, "%s\"%s\"", columns->len > 0 ? ", " : "",
                                sqlite3_column_text (info, 1));
      sqlite3_finalize (info);
      g_hash_table_insert (tables, g_strdup (name), g_string_free (columns, FALSE));
    }
  sqlite3_finalize (names);
  return tables;
}

/* Reals as 17 significant digits on both sides (PostgreSQL prints the shortest exact form,
 * SQLite's %!.15g may not be exact): the same double gives the same text. */
static char *
real_text (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.17g", value));
}

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The digest of a table's rows: each row's columns as text, tab-separated, the lines sorted (no
 * dependence on either side's collation), hashed. */
static char *
digest_lines (GPtrArray *lines)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_ptr_array_sort (lines, compare_lines);
  for (guint i = 0; i < lines->len; i++)
    {
      g_checksum_update (checksum, g_ptr_array_index (lines, i), -1);
      g_checksum_update (checksum, (const guchar *) "\n", 1);
    }
  return g_strdup (g_checksum_get_string (checksum));
}

static char *
sqlite_digest (sqlite3    *db,
               const char *table,
               const char *columns,
               gint64     *n_rows)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM \"%s\"", columns, table);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      GString *line = g_string_new (NULL);

      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          g_autofree char *real = NULL;

          if (i > 0)
            g_string_append_c (line, '\t');
          switch (sqlite3_column_type (stmt, i))
            {
            case SQLITE_NULL: g_string_append (line, "<null>"); break;
            case SQLITE_FLOAT:
              real = real_text (sqlite3_column_double (stmt, i));
              g_string_append (line, real);
              break;
            default: g_string_append (line, (const char *) sqlite3_column_text (stmt, i)); break;
            }
        }
      g_ptr_array_add (lines, g_string_free (line, FALSE));
    }
  sqlite3_finalize (stmt);
  *n_rows = lines->len;
  return digest_lines (lines);
}

static char *
pg_digest (PGconn     *conn,
           const char *table,
           const char *columns,
           gint64     *n_rows)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM \"%s\"", columns, table);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = dw_pg_query (conn, sql, 0, NULL, &error);

  g_assert_no_error (error);
  for (int r = 0; r < PQntuples (result); r++)
    {
      GString *line = g_string_new (NULL);

      for (int i = 0; i < PQnfields (result); i++)
        {
          if (i > 0)
            g_string_append_c (line, '\t');
          if (PQgetisnull (result, r, i))
            g_string_append (line, "<null>");
          else if (PQftype (result, i) == FLOAT8OID || PQftype (result, i) == FLOAT4OID)
            {
              g_autofree char *real = real_text (g_ascii_strtod (PQgetvalue (result, r, i), NULL));

              g_string_append (line, real);
            }
          else
            g_string_append (line, PQgetvalue (result, r, i));
        }
      g_ptr_array_add (lines, g_string_free (line, FALSE));
    }
  *n_rows = lines->len;
  return digest_lines (lines);
}

/* "table" → "ROWS DIGEST" of every desk table in PostgreSQL. */
static GHashTable *
pg_snapshot (PGconn     *conn,
             GHashTable *tables)
{
  GHashTable *snapshot = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer name, columns;

  g_hash_table_iter_init (&iter, tables);
  while (g_hash_table_iter_next (&iter, &name, &columns))
    {
      gint64 n;
      g_autofree char *digest = pg_digest (conn, name, columns, &n);

      g_hash_table_insert (snapshot, g_strdup (name),
                           g_strdup_printf ("%" G_GINT64_FORMAT " %s", n, digest));
    }
  return snapshot;
}

static void
assert_snapshots_equal (GHashTable *a,
                        GHashTable *b)
{
  GHashTableIter iter;
  gpointer name, value;

  g_assert_cmpuint (g_hash_table_size (a), ==, g_hash_table_size (b));
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &name, &value))
    g_assert_cmpstr (value, ==, g_hash_table_lookup (b, name));
}

static sqlite3 *
open_desk (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  return db;
}

/* The whole demo desk moves: every table's rows and content, identities past the ids,
 * event_counter at the last seq, the password never printed; a second move is refused and
 * changes nothing. */
static void
test_move_demo (void)
{
  g_autofree char *database = dw_test_pg_new_database (dw_test_pg_get_shared ());
  /* The test cluster trusts its socket: the password is not needed, only never to be shown. */
  g_autofree char *conninfo = g_strconcat (database, "&password=s3cret-pw", NULL);
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;
  g_autoptr(GHashTable) tables = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) identities = NULL;
  GHashTableIter iter;
  gpointer name, columns;
  sqlite3 *db;
  gint64 total = 0, last_seq;
  g_autofree char *total_line = NULL;
  g_autofree char *counter = NULL;

  g_assert_cmpint (run (&out, &err, "migrate", "--from", demo_desk (), "--to", conninfo, NULL),
                   ==, 0);
  g_assert_null (strstr (out, "s3cret-pw"));
  g_assert_null (strstr (err, "s3cret-pw"));
  g_assert_nonnull (strstr (err, "Copied tickets: "));

  db = open_desk (demo_desk ());
  tables = desk_tables (db);
  conn = connect (conninfo);

  g_hash_table_iter_init (&iter, tables);
  while (g_hash_table_iter_next (&iter, &name, &columns))
    {
      gint64 sqlite_rows, pg_rows;
      g_autofree char *sqlite_sum = sqlite_digest (db, name, columns, &sqlite_rows);
      g_autofree char *pg_sum = pg_digest (conn, name, columns, &pg_rows);
      g_autofree char *line = g_strdup_printf ("\n%s ", (char *) name);

      g_test_message ("%s: %" G_GINT64_FORMAT " rows", (char *) name, sqlite_rows);
      g_assert_cmpint (pg_rows, ==, sqlite_rows);
      g_assert_cmpstr (pg_sum, ==, sqlite_sum);
      /* Each table has its line in the report. */
      g_assert_true (g_str_has_prefix (out, line + 1) || strstr (out, line) != NULL);
      total += sqlite_rows;
    }
  /* The demo is a realistic desk: these hold rows. */
  for (const char *const *t = (const char *[]) { "tickets", "audit", "events", "users", "comments",
                                                 NULL }; *t != NULL; t++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM %s", *t);
      g_autofree char *n = pg_value (conn, sql);

      g_assert_cmpint (g_ascii_strtoll (n, NULL, 10), >, 0);
    }
  total_line = g_strdup_printf ("Total %" G_GINT64_FORMAT " rows in %u tables", total,
                                g_hash_table_size (tables));
  g_assert_nonnull (strstr (out, total_line));

  /* Every identity's next value is past its table's largest id. */
  identities = dw_pg_query (conn, "SELECT table_name, column_name FROM information_schema.columns "
                            "WHERE table_schema = current_schema () AND is_identity = 'YES'",
                            0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (identities), >, 0);
  for (int i = 0; i < PQntuples (identities); i++)
    {
      const char *table = PQgetvalue (identities, i, 0);
      const char *column = PQgetvalue (identities, i, 1);
      g_autofree char *max_sql = g_strdup_printf ("SELECT COALESCE (max (\"%s\"), 0) FROM \"%s\"",
                                                  column, table);
      g_autofree char *next_sql = g_strdup_printf ("SELECT nextval (pg_get_serial_sequence "
                                                   "('%s', '%s'))", table, column);
      g_autofree char *max = pg_value (conn, max_sql);
      g_autofree char *next = pg_value (conn, next_sql);

      g_assert_cmpint (g_ascii_strtoll (next, NULL, 10), ==, g_ascii_strtoll (max, NULL, 10) + 1);
    }
  /* event_counter: the desk's last seq (sqlite_sequence, which outlives pruned rows). */
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT seq FROM sqlite_sequence "
                                         "WHERE name = 'events'", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    last_seq = sqlite3_column_int64 (stmt, 0);
    sqlite3_finalize (stmt);
  }
  g_assert_cmpint (last_seq, >, 0);
  counter = pg_value (conn, "SELECT last_seq FROM event_counter");
  g_assert_cmpint (g_ascii_strtoll (counter, NULL, 10), ==, last_seq);
  sqlite3_close (db);

  /* The audit trail took its rows (its triggers refuse only UPDATE and DELETE) and stays
   * append-only. */
  g_assert_false (dw_pg_exec (conn, "UPDATE audit SET at = at WHERE id = 1", &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "append-only"));
  g_clear_error (&error);

  /* A second move into the now non-empty database: refused, nothing changed. */
  before = pg_snapshot (conn, tables);
  g_assert_cmpint (run (&out2, &err2, "migrate", "--from", demo_desk (), "--to", conninfo, NULL),
                   ==, 1);
  g_assert_nonnull (strstr (err2, "not empty: table "));
  g_assert_null (strstr (err2, "s3cret-pw"));
  after = pg_snapshot (conn, tables);
  assert_snapshots_equal (before, after);
  {
    g_autofree char *counter2 = pg_value (conn, "SELECT last_seq FROM event_counter");

    g_assert_cmpstr (counter2, ==, counter);
  }
}

/* A move that fails half way (a late table refuses its rows) leaves the database as it was: no
 * row in any table, event_counter at 0. */
static void
test_move_fails_midway (void)
{
  g_autofree char *first = dw_test_pg_new_database (dw_test_pg_get_shared ());
  g_autofree char *conninfo = dw_test_pg_new_database (dw_test_pg_get_shared ());
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;
  g_autofree char *out3 = NULL, *err3 = NULL;
  g_autofree char *last = NULL;
  g_autofree char *constraint = NULL;
  g_autofree char *counter = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) tables = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  /* The copy order, from a move that works: the last table's rows come last. */
  g_assert_cmpint (run (&out, &err, "migrate", "--from", demo_desk (), "--to", first, NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], " ok") != NULL)
      {
        g_free (last);
        last = g_strndup (lines[i], strcspn (lines[i], " "));
      }
  g_assert_nonnull (last);

  g_assert_cmpint (run (&out2, &err2, "schema", "--db", conninfo, NULL), ==, 0);
  conn = connect (conninfo);
  /* NOT VALID: checks only new rows, i.e. the move's. */
  constraint = g_strdup_printf ("ALTER TABLE \"%s\" ADD CONSTRAINT refuse CHECK (false) NOT VALID",
                                last);
  g_assert_true (dw_pg_exec (conn, constraint, &error));
  g_assert_no_error (error);
  db = open_desk (demo_desk ());
  tables = desk_tables (db);
  sqlite3_close (db);
  before = pg_snapshot (conn, tables);

  g_assert_cmpint (run (&out3, &err3, "migrate", "--from", demo_desk (), "--to", conninfo, NULL),
                   ==, 1);
  g_assert_nonnull (strstr (err3, "nothing was moved"));
  g_assert_nonnull (strstr (err3, last));

  after = pg_snapshot (conn, tables);
  assert_snapshots_equal (before, after);
  /* As it was: the seeded calendar, nothing else. */
  {
    g_autofree char *calendars = pg_value (conn, "SELECT count (*) FROM calendars");
    g_autofree char *users = pg_value (conn, "SELECT count (*) FROM users");

    g_assert_cmpstr (calendars, ==, "1");
    g_assert_cmpstr (users, ==, "0");
  }
  counter = pg_value (conn, "SELECT last_seq FROM event_counter");
  g_assert_cmpstr (counter, ==, "0");
}

/* A desk at another schema version than this deskwatchd's is refused, before PostgreSQL is
 * touched (its schema stays unapplied). */
static void
test_move_other_version (void)
{
  int latest = dw_pg_migrations_get_latest ();

  for (int delta = -1; delta <= 1; delta += 2)
    {
      g_autofree char *conninfo = dw_test_pg_new_database (dw_test_pg_get_shared ());
      g_autofree char *path = g_build_filename (demo_dir, "other.db", NULL);
      g_autofree char *contents = NULL;
      g_autofree char *pragma = g_strdup_printf ("PRAGMA user_version = %d", latest + delta);
      g_autofree char *out = NULL, *err = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(PGconn) conn = NULL;
      gsize length;
      sqlite3 *db;

      g_file_get_contents (demo_desk (), &contents, &length, &error);
      g_assert_no_error (error);
      g_file_set_contents (path, contents, length, &error);
      g_assert_no_error (error);
      db = open_desk (path);
      g_assert_cmpint (sqlite3_exec (db, pragma, NULL, NULL, NULL), ==, SQLITE_OK);
      sqlite3_close (db);

      g_assert_cmpint (run (&out, &err, "migrate", "--from", path, "--to", conninfo, NULL), ==, 1);
      g_assert_nonnull (strstr (err, "schema version"));
      g_assert_nonnull (strstr (err, delta < 0 ? "to migrate it" : "newer deskwatchd"));

      conn = connect (conninfo);
      g_assert_cmpint (dw_pg_get_schema_version (conn, &error), ==, 0);
      g_assert_no_error (error);
      g_unlink (path);
    }
}

/* A table of the desk that PostgreSQL's schema lacks stops the move (the tables come from
 * SQLite's catalogue, not from a list): nothing is copied. */
static void
test_move_unknown_table (void)
{
  g_autofree char *conninfo = dw_test_pg_new_database (dw_test_pg_get_shared ());
  g_autofree char *path = g_build_filename (demo_dir, "extra.db", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *users = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  gsize length;
  sqlite3 *db;

  g_file_get_contents (demo_desk (), &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
  db = open_desk (path);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE ticket_tags (ticket_id INTEGER NOT NULL "
                                 "REFERENCES tickets (id), tag TEXT NOT NULL); "
                                 "INSERT INTO ticket_tags VALUES (1, 'vip')", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_cmpint (run (&out, &err, "migrate", "--from", path, "--to", conninfo, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "table ticket_tags of the SQLite desk has no PostgreSQL "
                                 "counterpart"));
  conn = connect (conninfo);
  users = pg_value (conn, "SELECT count (*) FROM users");
  g_assert_cmpstr (users, ==, "0");
  g_unlink (path);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pg-move/demo", test_move_demo);
  g_test_add_func ("/pg-move/fails-midway", test_move_fails_midway);
  g_test_add_func ("/pg-move/other-version", test_move_other_version);
  g_test_add_func ("/pg-move/unknown-table", test_move_unknown_table);

  status = g_test_run ();
  if (demo_path != NULL)
    {
      g_unlink (demo_path);
      g_rmdir (demo_dir);
    }
  g_free (demo_path);
  g_free (demo_dir);
  return status;
}
