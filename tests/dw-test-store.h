/* dw-test-store.h: a fresh, migrated desk behind the store layer, on each backend, for the
 * tests of the named operations (test-store-*.c) without HTTP.
 *
 * SQLite: a temporary file opened with dw_store_open.  PostgreSQL: a database of its own on
 * the test program's shared throwaway cluster (tests/dw-test-pg.h), migrated with
 * dw_pg_migrate.  A test registers its cases once per backend (dw_test_store_backends) and
 * seeds with SQL both dialects read (plain INSERTs with their ids), then
 * dw_test_store_seeded() so that PostgreSQL's identities continue past those ids.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "store/dw-store-backend.h"

G_BEGIN_DECLS

typedef struct
{
  const char *backend;   /* "sqlite" or "postgresql" */
  gpointer    conn;      /* sqlite3 * or PGconn * */
  DwStore    *store;
  char       *dir;       /* SQLite: the temporary directory */
  char       *conninfo;  /* PostgreSQL: the desk's database */
  gboolean    second;    /* a second connection (dw_test_store_open_second): closes only that */
} DwTestStore;

/* The backends every store test runs on, NULL-terminated. */
const char * const *dw_test_store_backends (void);

DwTestStore *dw_test_store_open    (const char  *backend);
void         dw_test_store_close   (DwTestStore *self);
/* Runs @sql (one or more statements, no parameters); asserts it succeeds. */
void         dw_test_store_exec    (DwTestStore *self,
                                    const char  *sql);
/* After a seed that wrote ids: new rows get ids past them. */
void         dw_test_store_seeded  (DwTestStore *self);
/* One number from @sql ("SELECT count (*) …"); asserts one row. */
gint64       dw_test_store_int     (DwTestStore *self,
                                    const char  *sql);
gboolean     dw_test_store_begin   (DwTestStore *self,
                                    GError     **error);
gboolean     dw_test_store_commit  (DwTestStore *self,
                                    GError     **error);
void         dw_test_store_rollback (DwTestStore *self);
/* Another connection to the same desk (SQLite: the same file; PostgreSQL: the same database),
 * to see what a transaction of @self shows the others.  Close it before @self. */
DwTestStore *dw_test_store_open_second (DwTestStore *self);

/* Runs @sql (plain INSERTs with their ids), then dw_test_store_seeded. */
void         dw_test_store_seed    (DwTestStore *self,
                                    const char  *sql);
/* dw_test_store_open, then dw_test_store_seed (@seed_sql) when it is not NULL. */
DwTestStore *dw_test_store_open_seeded (const char *backend,
                                        const char *seed_sql);

/* The fixture of the store tests, opened on the backend its case was registered for (the
 * case's data is the backend's name).  A test program may `typedef DwTestStoreFixture Fixture`. */
typedef struct
{
  DwTestStore *desk;
  DwStore     *store;    /* desk->store */
} DwTestStoreFixture;

typedef void (*DwTestStoreFunc) (DwTestStoreFixture *fixture,
                                 gconstpointer       backend);

typedef struct
{
  const char      *name;
  DwTestStoreFunc  func;
} DwTestStoreCase;

/* Adds each of @cases once per backend (dw_test_store_backends) as
 * "@root/<backend>[/@area]/<name>", on a fresh desk seeded with @seed_sql (may be NULL; one
 * seed per test program). */
void         dw_test_store_add_cases (const char            *root,
                                      const char            *area,
                                      const char            *seed_sql,
                                      const DwTestStoreCase *cases,
                                      guint                  n_cases);

/* @ids (of gint64) is exactly @expected, in that order. */
void         dw_test_store_assert_ids (GArray       *ids,
                                       const gint64 *expected,
                                       guint         n_expected);
/* A GCompareFunc for gint64s, to sort ids before dw_test_store_assert_ids. */
int          dw_test_store_compare_ids (gconstpointer a,
                                        gconstpointer b);

/* The same object from both backends (@sqlite's, @pg's), member by member: the same members,
 * of the same JSON and value types, equal and written alike. */
void         dw_test_store_assert_json_alike (JsonObject *sqlite,
                                              JsonObject *pg);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DwTestStore, dw_test_store_close)

G_END_DECLS
