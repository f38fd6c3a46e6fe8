/* dw-test-store.c */
#include "config.h"

#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "dw-store.h"
#include "dw-test-pg.h"
#include "dw-test-store.h"
#include "store/pg/dw-pg-connection.h"
#include "store/pg/dw-pg-migrations.h"
#include "store/pg/dw-pg-store.h"
#include "store/sqlite/dw-sqlite-store.h"

const char * const *
dw_test_store_backends (void)
{
  static const char * const backends[] = { "sqlite", "postgresql", NULL };

  return backends;
}

static gboolean
is_pg (DwTestStore *self)
{
  return g_str_equal (self->backend, "postgresql");
}

DwTestStore *
dw_test_store_open (const char *backend)
{
  g_autoptr(GError) error = NULL;
  DwTestStore *self = g_new0 (DwTestStore, 1);

  if (g_str_equal (backend, "sqlite"))
    {
      g_autofree char *path = NULL;

      self->backend = "sqlite";
      self->dir = g_dir_make_tmp ("dw-store-XXXXXX", &error);
      g_assert_no_error (error);
      path = g_build_filename (self->dir, "desk.db", NULL);
      self->conn = dw_store_open (path, &error);
      g_assert_no_error (error);
      self->store = dw_sqlite_store_new (self->conn);
    }
  else if (g_str_equal (backend, "postgresql"))
    {
      DwTestPg *cluster = dw_test_pg_get_shared ();
      self->backend = "postgresql";
      self->conninfo = dw_test_pg_new_database (cluster);
      self->conn = dw_pg_connect (self->conninfo, &error);
      g_assert_no_error (error);
      dw_pg_migrate (self->conn, NULL, &error);
      g_assert_no_error (error);
      self->store = dw_pg_store_new (self->conn);
    }
  else
    {
      g_assert_not_reached ();
    }
  return self;
}

void
dw_test_store_close (DwTestStore *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->store, dw_store_free);
  if (is_pg (self))
    {
      PQfinish (self->conn);
      g_free (self->conninfo);
    }
  else if (self->second)
    {
      dw_store_close (self->conn);
      g_free (self->dir);
    }
  else
    {
      g_autofree char *path = g_build_filename (self->dir, "desk.db", NULL);
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      dw_store_close (self->conn);
      g_unlink (path);
      g_unlink (wal);
      g_unlink (shm);
      g_rmdir (self->dir);
      g_free (self->dir);
    }
  g_free (self);
}

void
dw_test_store_exec (DwTestStore *self,
                    const char  *sql)
{
  g_autoptr(GError) error = NULL;

  if (is_pg (self))
    dw_pg_exec (self->conn, sql, &error);
  else
    dw_store_exec (self->conn, sql, &error);
  g_assert_no_error (error);
}

void
dw_test_store_seeded (DwTestStore *self)
{
  g_autoptr(GError) error = NULL;

  if (is_pg (self))
    dw_pg_store_reset_identities (self->conn, &error);
  g_assert_no_error (error);
}

gint64
dw_test_store_int (DwTestStore *self,
                   const char  *sql)
{
  g_autoptr(GError) error = NULL;

  if (is_pg (self))
    {
      g_autoptr(PGresult) result = dw_pg_query (self->conn, sql, 0, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (PQntuples (result), ==, 1);
      return g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
    }
  else
    {
      sqlite3_stmt *stmt = dw_store_prepare (self->conn, sql, &error);
      gint64 value;

      g_assert_no_error (error);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      value = sqlite3_column_int64 (stmt, 0);
      dw_store_release (stmt);
      return value;
    }
}

gboolean
dw_test_store_begin (DwTestStore *self,
                     GError     **error)
{
  if (is_pg (self))
    return dw_pg_exec (self->conn, "BEGIN", error);
  return dw_store_begin (self->conn, error);
}

gboolean
dw_test_store_commit (DwTestStore *self,
                      GError     **error)
{
  if (is_pg (self))
    return dw_pg_exec (self->conn, "COMMIT", error);
  return dw_store_commit (self->conn, error);
}

void
dw_test_store_rollback (DwTestStore *self)
{
  if (is_pg (self))
    {
      if (PQtransactionStatus (self->conn) != PQTRANS_IDLE)
        dw_pg_exec (self->conn, "ROLLBACK", NULL);
    }
  else
    {
      dw_store_rollback (self->conn);
    }
}

DwTestStore *
dw_test_store_open_second (DwTestStore *self)
{
  g_autoptr(GError) error = NULL;
  DwTestStore *second = g_new0 (DwTestStore, 1);

  second->backend = self->backend;
  second->second = TRUE;
  if (is_pg (self))
    {
      second->conninfo = g_strdup (self->conninfo);
      second->conn = dw_pg_connect (second->conninfo, &error);
      g_assert_no_error (error);
      second->store = dw_pg_store_new (second->conn);
    }
  else
    {
      g_autofree char *path = g_build_filename (self->dir, "desk.db", NULL);

      second->dir = g_strdup (self->dir);
      second->conn = dw_store_open (path, &error);
      g_assert_no_error (error);
      second->store = dw_sqlite_store_new (second->conn);
    }
  return second;
}

void
dw_test_store_seed (DwTestStore *self,
                    const char  *sql)
{
  dw_test_store_exec (self, sql);
  dw_test_store_seeded (self);
}

DwTestStore *
dw_test_store_open_seeded (const char *backend,
                           const char *seed_sql)
{
  DwTestStore *self = dw_test_store_open (backend);

  if (seed_sql != NULL)
    dw_test_store_seed (self, seed_sql);
  return self;
}

/* The seed of the cases dw_test_store_add_cases registered: one per test program. */
static const char *fixture_seed_sql;

static void
fixture_set_up (DwTestStoreFixture *fixture,
                gconstpointer       backend)
{
  fixture->desk = dw_test_store_open_seeded (backend, fixture_seed_sql);
  fixture->store = fixture->desk->store;
  g_assert_cmpstr (fixture->store->backend->name, ==, backend);
}

static void
fixture_tear_down (DwTestStoreFixture *fixture,
                   gconstpointer       backend)
{
  g_clear_pointer (&fixture->desk, dw_test_store_close);
}

void
dw_test_store_add_cases (const char            *root,
                         const char            *area,
                         const char            *seed_sql,
                         const DwTestStoreCase *cases,
                         guint                  n_cases)
{
  g_assert_true (fixture_seed_sql == NULL || fixture_seed_sql == seed_sql);
  fixture_seed_sql = seed_sql;

  for (const char * const *backend = dw_test_store_backends (); *backend != NULL; backend++)
    for (guint t = 0; t < n_cases; t++)
      {
        g_autofree char *path = area != NULL
          ? g_strdup_printf ("%s/%s/%s/%s", root, *backend, area, cases[t].name)
          : g_strdup_printf ("%s/%s/%s", root, *backend, cases[t].name);

        g_test_add_vtable (path, sizeof (DwTestStoreFixture), *backend,
                           (GTestFixtureFunc) fixture_set_up, (GTestFixtureFunc) cases[t].func,
                           (GTestFixtureFunc) fixture_tear_down);
      }
}

void
dw_test_store_assert_ids (GArray       *ids,
                          const gint64 *expected,
                          guint         n_expected)
{
  g_assert_nonnull (ids);
  g_assert_cmpuint (ids->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    g_assert_cmpint (g_array_index (ids, gint64, i), ==, expected[i]);
}

int
dw_test_store_compare_ids (gconstpointer a,
                           gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

void
dw_test_store_assert_json_alike (JsonObject *sqlite,
                                 JsonObject *pg)
{
  g_autoptr(GList) members = json_object_get_members (sqlite);

  g_assert_cmpuint (json_object_get_size (pg), ==, json_object_get_size (sqlite));
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *a = json_object_get_member (sqlite, l->data);
      JsonNode *b = json_object_get_member (pg, l->data);
      g_autofree char *a_text = json_to_string (a, FALSE);
      g_autofree char *b_text = b != NULL ? json_to_string (b, FALSE) : NULL;

      g_test_message ("%s: %s / %s", (const char *) l->data, a_text, b_text);
      g_assert_nonnull (b);
      g_assert_cmpint (json_node_get_node_type (b), ==, json_node_get_node_type (a));
      if (JSON_NODE_HOLDS_VALUE (a))
        g_assert_true (json_node_get_value_type (b) == json_node_get_value_type (a));
      g_assert_true (json_node_equal (a, b));
      g_assert_cmpstr (b_text, ==, a_text);
    }
}
