#define G_LOG_DOMAIN "dw-store"

#include "dw-store.h"

#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

#include "dw-clock.h"
#include "dw-json.h"
#include "dw-server-resources.h"

#define MIGRATIONS_PATH "/org/deskwatch/Deskwatchd/migrations"

G_DEFINE_QUARK (dw-store-error-quark, dw_store_error)

void
dw_store_set_error (GError  **error,
                    sqlite3  *db,
                    int       rc)
{
  int primary = rc & 0xff;
  DwStoreError code = DW_STORE_ERROR_FAILED;

  if (primary == SQLITE_CONSTRAINT)
    code = DW_STORE_ERROR_CONSTRAINT;

  g_set_error (error, DW_STORE_ERROR, code, "database: %s (%d)",
               db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc), rc);
}

gboolean
dw_store_exec (sqlite3     *db,
               const char  *sql,
               GError     **error)
{
  char *errmsg = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &errmsg);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, DW_STORE_ERROR,
                   (rc & 0xff) == SQLITE_CONSTRAINT ? DW_STORE_ERROR_CONSTRAINT
                                                    : DW_STORE_ERROR_FAILED,
                   "database: %s (%d)", errmsg != NULL ? errmsg : sqlite3_errstr (rc), rc);
      sqlite3_free (errmsg);
      return FALSE;
    }

  return TRUE;
}

/* Prepared statements are kept for reuse: every request runs the same few dozen statements, and
 * parsing them anew each time cost more than the commit's fsync.  A statement handed back by
 * dw_store_release() (the sqlite3_stmt autoptr cleanup) is reset and parked under its SQL text
 * until the next dw_store_prepare() of that text on the same database. */
#define STMT_CACHE_MAX_SQL 512   /* distinct texts kept per database */
#define STMT_CACHE_MAX_FREE 8    /* parked statements per text */

static GMutex stmt_cache_lock;
/* Process-wide counters for GET /api/v1/health (dw_store_get_stats). */
static gint n_prepared;
static gint n_commits;
static GHashTable *stmt_caches;  /* sqlite3 * → GHashTable (SQL text → GPtrArray of stmts) */

static void
free_parked (gpointer data)
{
  GPtrArray *parked = data;

  for (guint i = 0; i < parked->len; i++)
    sqlite3_finalize (g_ptr_array_index (parked, i));
  g_ptr_array_unref (parked);
}

/* The cache's key hash: eight bytes a step.  A create takes and parks some fifty statements of a
 * few hundred bytes each, and g_str_hash's byte-at-a-time loop over their texts was 7 % of its
 * instructions (issue 13).  Equal texts still compare with g_str_equal. */
static guint
sql_hash (gconstpointer key)
{
  const char *sql = key;
  gsize len = strlen (sql);
  guint64 h = 0xcbf29ce484222325ull ^ len;
  gsize i;

  for (i = 0; i + 8 <= len; i += 8)
    {
      guint64 word;

      memcpy (&word, sql + i, 8);
      h = (h ^ word) * 0x100000001b3ull;
      h ^= h >> 29;
    }
  for (; i < len; i++)
    h = (h ^ (guchar) sql[i]) * 0x100000001b3ull;

  return (guint) (h ^ (h >> 32));
}

static void
stmt_cache_register (sqlite3 *db)
{
  g_mutex_lock (&stmt_cache_lock);
  if (stmt_caches == NULL)
    stmt_caches = g_hash_table_new_full (NULL, NULL, NULL,
                                         (GDestroyNotify) g_hash_table_unref);
  g_hash_table_insert (stmt_caches, db,
                       g_hash_table_new_full (sql_hash, g_str_equal, g_free, free_parked));
  g_mutex_unlock (&stmt_cache_lock);
}

static void
stmt_cache_unregister (sqlite3 *db)
{
  g_mutex_lock (&stmt_cache_lock);
  if (stmt_caches != NULL)
    g_hash_table_remove (stmt_caches, db);
  g_mutex_unlock (&stmt_cache_lock);
}

void
dw_store_cache_statements (sqlite3 *db)
{
  stmt_cache_register (db);
}

void
dw_store_forget_statements (sqlite3 *db)
{
  stmt_cache_unregister (db);
}

static sqlite3_stmt *
stmt_cache_take (sqlite3    *db,
                 const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  GHashTable *cache;
  GPtrArray *parked;

  g_mutex_lock (&stmt_cache_lock);
  cache = stmt_caches != NULL ? g_hash_table_lookup (stmt_caches, db) : NULL;
  parked = cache != NULL ? g_hash_table_lookup (cache, sql) : NULL;
  if (parked != NULL && parked->len > 0)
    stmt = g_ptr_array_steal_index_fast (parked, parked->len - 1);
  g_mutex_unlock (&stmt_cache_lock);

  return stmt;
}

void
dw_store_release (sqlite3_stmt *stmt)
{
  sqlite3 *db;
  GHashTable *cache;
  GPtrArray *parked;
  const char *sql;

  if (stmt == NULL)
    return;

  db = sqlite3_db_handle (stmt);
  sql = sqlite3_sql (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  g_mutex_lock (&stmt_cache_lock);
  cache = stmt_caches != NULL ? g_hash_table_lookup (stmt_caches, db) : NULL;
  if (cache != NULL && sql != NULL)
    {
      parked = g_hash_table_lookup (cache, sql);
      if (parked == NULL && g_hash_table_size (cache) < STMT_CACHE_MAX_SQL)
        {
          parked = g_ptr_array_new ();
          g_hash_table_insert (cache, g_strdup (sql), parked);
        }
      if (parked != NULL && parked->len < STMT_CACHE_MAX_FREE)
        {
          g_ptr_array_add (parked, stmt);
          stmt = NULL;
        }
    }
  g_mutex_unlock (&stmt_cache_lock);

  sqlite3_finalize (stmt);
}

sqlite3_stmt *
dw_store_prepare (sqlite3     *db,
                  const char  *sql,
                  GError     **error)
{
  sqlite3_stmt *stmt = stmt_cache_take (db, sql);
  int rc;

  if (stmt != NULL)
    return stmt;

  g_atomic_int_inc (&n_prepared);
  rc = sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      dw_store_set_error (error, db, rc);
      sqlite3_finalize (stmt);
      return NULL;
    }

  return stmt;
}

gboolean
dw_store_step_done (sqlite3_stmt  *stmt,
                    GError       **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;

  if (rc != SQLITE_DONE)
    {
      dw_store_set_error (error, sqlite3_db_handle (stmt), rc);
      return FALSE;
    }

  return TRUE;
}

gboolean
dw_store_step_row (sqlite3_stmt  *stmt,
                   const char    *what,
                   gint64         id,
                   GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc == SQLITE_DONE)
    g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND, "no %s %" G_GINT64_FORMAT, what,
                 id);
  else
    dw_store_set_error (error, sqlite3_db_handle (stmt), rc);
  return FALSE;
}

gboolean
dw_store_step_rows_done (sqlite3_stmt  *stmt,
                         int            rc,
                         GError       **error)
{
  if (rc == SQLITE_DONE)
    return TRUE;
  dw_store_set_error (error, sqlite3_db_handle (stmt), rc);
  return FALSE;
}

gboolean
dw_store_step_ints (sqlite3_stmt  *stmt,
                    int            n_columns,
                    GArray        *out,
                    GError       **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    for (int c = 0; c < n_columns; c++)
      {
        gint64 value = sqlite3_column_int64 (stmt, c);

        g_array_append_val (out, value);
      }
  return dw_store_step_rows_done (stmt, rc, error);
}

/* Transaction control through the statement cache: sqlite3_exec() would parse "BEGIN" and
 * "COMMIT" again for every write. */
static gboolean
exec_cached (sqlite3     *db,
             const char  *sql,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db, sql, error);

  return stmt != NULL && dw_store_step_done (stmt, error);
}

typedef struct
{
  DwStore          *store;
  DwStoreBeginHook  hook;
  gpointer          data;
} BeginHook;

/* Keyed by the connection (sqlite3 *, PGconn *), not by the DwStore: every store made on the
 * same connection (the readers still wrap the handle in one of their own) runs the hook. */
static GHashTable *begin_hooks;  /* connection → BeginHook */

void
dw_store_set_begin_hook (DwStore          *store,
                         DwStoreBeginHook  hook,
                         gpointer          data)
{
  g_mutex_lock (&stmt_cache_lock);
  if (begin_hooks == NULL)
    begin_hooks = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  if (hook == NULL)
    {
      g_hash_table_remove (begin_hooks, store->conn);
    }
  else
    {
      BeginHook *h = g_new0 (BeginHook, 1);

      h->store = store;
      h->hook = hook;
      h->data = data;
      g_hash_table_insert (begin_hooks, store->conn, h);
    }
  g_mutex_unlock (&stmt_cache_lock);
}

void
dw_store_run_begin_hook (gpointer conn)
{
  BeginHook h = { NULL, NULL, NULL };
  BeginHook *found;

  g_mutex_lock (&stmt_cache_lock);
  found = begin_hooks != NULL ? g_hash_table_lookup (begin_hooks, conn) : NULL;
  if (found != NULL)
    h = *found;
  g_mutex_unlock (&stmt_cache_lock);

  if (h.hook != NULL)
    h.hook (h.store, h.data);
}

/* What the hook left open is a caller's own transaction: say so rather than SQLite's "cannot
 * start a transaction within a transaction", in the words the PostgreSQL backend uses. */
static gboolean
refuse_nested (sqlite3  *db,
               GError  **error)
{
  if (sqlite3_get_autocommit (db))
    return TRUE;
  g_set_error_literal (error, DW_STORE_ERROR, DW_STORE_ERROR_FAILED,
                       "A transaction is already open on this connection");
  return FALSE;
}

gboolean
dw_store_begin (sqlite3  *db,
                GError  **error)
{
  dw_store_run_begin_hook (db);
  if (!refuse_nested (db, error))
    return FALSE;
  return exec_cached (db, "BEGIN IMMEDIATE", error);
}

gboolean
dw_store_begin_read (sqlite3  *db,
                     GError  **error)
{
  dw_store_run_begin_hook (db);
  if (!refuse_nested (db, error))
    return FALSE;
  return exec_cached (db, "BEGIN", error);
}

gboolean
dw_store_read_scope_begin (sqlite3 *db)
{
  /* Not dw_store_begin_read: no begin hook (it would flush the desk's group commit, which is
   * never open here anyway) and no error for a transaction already open: then the reads are
   * inside it and there is nothing to do. */
  if (!sqlite3_get_autocommit (db))
    return FALSE;

  return exec_cached (db, "BEGIN", NULL);
}

void
dw_store_read_scope_end (sqlite3  *db,
                         gboolean  began)
{
  if (!began || sqlite3_get_autocommit (db))
    return;

  /* It wrote nothing, or only what may be lost (the token's last use): no error to report. */
  if (!exec_cached (db, "COMMIT", NULL))
    dw_store_rollback (db);
}

gboolean
dw_store_commit (sqlite3  *db,
                 GError  **error)
{
  if (!exec_cached (db, "COMMIT", error))
    {
      /* A failed COMMIT (e.g. disk full) may leave the transaction open. */
      dw_store_rollback (db);
      return FALSE;
    }

  g_atomic_int_inc (&n_commits);
  return TRUE;
}

gboolean
dw_store_savepoint (sqlite3  *db,
                    GError  **error)
{
  return exec_cached (db, "SAVEPOINT dw_write", error);
}

gboolean
dw_store_release_savepoint (sqlite3  *db,
                            GError  **error)
{
  return exec_cached (db, "RELEASE dw_write", error);
}

typedef struct _ChangeCounts ChangeCounts;
static ChangeCounts *config_writes_lookup (sqlite3 *db);
static void config_rollback_hook (gpointer data);

void
dw_store_rollback_savepoint (sqlite3 *db)
{
  /* Some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM) roll the whole transaction back by
   * themselves; then there is no savepoint left to go back to. */
  if (sqlite3_get_autocommit (db))
    return;

  exec_cached (db, "ROLLBACK TO dw_write", NULL);
  exec_cached (db, "RELEASE dw_write", NULL);

  /* Like a whole rollback (config_rollback_hook), which SQLite's hook does not report. */
  {
    ChangeCounts *counts = config_writes_lookup (db);

    if (counts != NULL)
      config_rollback_hook (counts);
  }
}

void
dw_store_get_stats (DwStoreStats *stats)
{
  g_return_if_fail (stats != NULL);

  stats->statements_prepared = (guint) g_atomic_int_get (&n_prepared);
  stats->commits = (guint) g_atomic_int_get (&n_commits);
}

void
dw_store_rollback (sqlite3 *db)
{
  if (!sqlite3_get_autocommit (db))
    exec_cached (db, "ROLLBACK", NULL);
}

/* Migrations */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

int
dw_store_get_schema_version (sqlite3 *db)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db, "PRAGMA user_version", NULL);

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    return sqlite3_column_int (stmt, 0);

  return -1;
}

static gboolean
apply_migrations (sqlite3  *db,
                  GError  **error)
{
  GResource *resource = dw_server_get_resource ();
  g_auto(GStrv) names = NULL;
  int current = dw_store_get_schema_version (db);
  int latest = 0;

  names = g_resource_enumerate_children (resource, MIGRATIONS_PATH "/",
                                         G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (names == NULL)
    return FALSE;

  qsort (names, g_strv_length (names), sizeof (char *), compare_names);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = NULL;
      g_autofree char *pragma = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *sql = NULL;
      gsize size;
      const char *data;
      int number = atoi (names[i]);

      if (number <= 0 || !g_str_has_suffix (names[i], ".sql"))
        continue;

      latest = MAX (latest, number);
      if (number <= current)
        continue;

      path = g_strconcat (MIGRATIONS_PATH "/", names[i], NULL);
      bytes = g_resource_lookup_data (resource, path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
      if (bytes == NULL)
        return FALSE;

      data = g_bytes_get_data (bytes, &size);
      sql = g_strndup (data, size);
      pragma = g_strdup_printf ("PRAGMA user_version = %d", number);

      if (!dw_store_begin (db, error))
        return FALSE;

      if (!dw_store_exec (db, sql, error) || !dw_store_exec (db, pragma, error)
          || !dw_store_commit (db, error))
        {
          dw_store_rollback (db);
          g_prefix_error (error, "migration %s: ", names[i]);
          if (error != NULL && *error != NULL)
            (*error)->code = DW_STORE_ERROR_MIGRATION;
          return FALSE;
        }

      g_info ("Applied migration %s", names[i]);
      current = number;
    }

  if (current > latest)
    {
      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_MIGRATION,
                   "the database has schema version %d, newer than this deskwatchd (%d)",
                   current, latest);
      return FALSE;
    }

  return TRUE;
}

/* The settings' version (dw_store_settings_version): this connection's writes of sla_policies,
 * calendars, a team's calendar and routing_rules, counted by temporary triggers (this
 * connection's alone: another's commits move PRAGMA data_version), and its rollbacks, which
 * may put back rows the engine read inside the transaction.  The count only grows.
 *
 * The credentials' version (dw_store_credentials_version) is made the same way from the writes
 * of what a request's authentication reads: a token's owner, hash, expiry and revocation (not
 * its last use, written once a minute by the authentication itself), a user's name, role and
 * disabled flag (not its presence, which agents change all day), and team membership. */
struct _ChangeCounts
{
  guint64 settings;
  guint64 auth;
};

static GMutex config_lock;
static GHashTable *config_writes;  /* sqlite3 * → ChangeCounts * */

static const char *const config_triggers[] = {
  "sla_policies AFTER INSERT", "sla_policies AFTER UPDATE", "sla_policies AFTER DELETE",
  "calendars AFTER INSERT", "calendars AFTER UPDATE", "calendars AFTER DELETE",
  "teams AFTER INSERT", "teams AFTER UPDATE OF calendar_id", "teams AFTER DELETE",
  "routing_rules AFTER INSERT", "routing_rules AFTER UPDATE", "routing_rules AFTER DELETE",
};

static const char *const auth_triggers[] = {
  "tokens AFTER INSERT", "tokens AFTER DELETE",
  "tokens AFTER UPDATE OF id, user_id, token_hash, expires_at, revoked_at",
  "users AFTER INSERT", "users AFTER DELETE", "users AFTER UPDATE OF id, username, role, disabled",
  "team_members AFTER INSERT", "team_members AFTER UPDATE", "team_members AFTER DELETE",
};

static void
config_changed_fn (sqlite3_context  *context,
                   int               argc,
                   sqlite3_value   **argv)
{
  ChangeCounts *counts = sqlite3_user_data (context);

  counts->settings++;
  sqlite3_result_null (context);
}

static void
auth_changed_fn (sqlite3_context  *context,
                 int               argc,
                 sqlite3_value   **argv)
{
  ChangeCounts *counts = sqlite3_user_data (context);

  counts->auth++;
  sqlite3_result_null (context);
}

/* A rollback may put back rows read inside the transaction: both versions move. */
static void
config_rollback_hook (gpointer data)
{
  ChangeCounts *counts = data;

  counts->settings++;
  counts->auth++;
}

static ChangeCounts *
config_writes_lookup (sqlite3 *db)
{
  ChangeCounts *counts;

  g_mutex_lock (&config_lock);
  counts = config_writes != NULL ? g_hash_table_lookup (config_writes, db) : NULL;
  g_mutex_unlock (&config_lock);
  return counts;
}

static void
config_writes_unregister (sqlite3 *db)
{
  g_mutex_lock (&config_lock);
  if (config_writes != NULL)
    g_hash_table_remove (config_writes, db);
  g_mutex_unlock (&config_lock);
}

static gboolean
create_counting_triggers (sqlite3            *db,
                          const char         *prefix,
                          const char         *function,
                          const char *const  *triggers,
                          guint               n_triggers,
                          GError            **error)
{
  for (guint i = 0; i < n_triggers; i++)
    {
      g_autofree char *sql = NULL;
      g_auto(GStrv) words = g_strsplit (triggers[i], " ", 2);

      sql = g_strdup_printf ("CREATE TEMP TRIGGER %s_%u %s ON main.%s "
                             "BEGIN SELECT %s (); END",
                             prefix, i, words[1], words[0], function);
      if (!dw_store_exec (db, sql, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
config_writes_register (sqlite3  *db,
                        GError  **error)
{
  ChangeCounts *counts = g_new0 (ChangeCounts, 1);

  /* The table owns the counters, until dw_store_close (or a connection opened at the same
   * address replaces it: the one that had it is closed then). */
  g_mutex_lock (&config_lock);
  if (config_writes == NULL)
    config_writes = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_hash_table_insert (config_writes, db, counts);
  g_mutex_unlock (&config_lock);

  if (sqlite3_create_function_v2 (db, "dw_sla_config_changed", 0, SQLITE_UTF8, counts,
                                  config_changed_fn, NULL, NULL, NULL) != SQLITE_OK
      || sqlite3_create_function_v2 (db, "dw_auth_changed", 0, SQLITE_UTF8, counts,
                                     auth_changed_fn, NULL, NULL, NULL) != SQLITE_OK)
    {
      dw_store_set_error (error, db, sqlite3_errcode (db));
      config_writes_unregister (db);
      return FALSE;
    }

  if (!create_counting_triggers (db, "dw_sla_config", "dw_sla_config_changed", config_triggers,
                                 G_N_ELEMENTS (config_triggers), error)
      || !create_counting_triggers (db, "dw_auth", "dw_auth_changed", auth_triggers,
                                    G_N_ELEMENTS (auth_triggers), error))
    {
      config_writes_unregister (db);
      return FALSE;
    }

  sqlite3_rollback_hook (db, config_rollback_hook, counts);
  return TRUE;
}

/* @count (this connection's, see ChangeCounts) in the low half, PRAGMA data_version (others'
 * commits) in the high half: neither wraps into the other's in practice. */
static gboolean
counted_version (sqlite3       *db,
                 const guint64 *count,
                 guint64       *version)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db, "PRAGMA data_version", NULL);
  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return FALSE;

  *version = ((guint64) sqlite3_column_int64 (stmt, 0) << 32) ^ *count;
  return TRUE;
}

gboolean
dw_store_settings_version (sqlite3 *db,
                           guint64 *version)
{
  ChangeCounts *counts = config_writes_lookup (db);

  return counts != NULL && counted_version (db, &counts->settings, version);
}

gboolean
dw_store_credentials_version (sqlite3 *db,
                              guint64 *version)
{
  ChangeCounts *counts = config_writes_lookup (db);

  return counts != NULL && counted_version (db, &counts->auth, version);
}

sqlite3 *
dw_store_open (const char  *path,
               GError     **error)
{
  sqlite3 *db = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  rc = sqlite3_open_v2 (path, &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_FAILED, "cannot open %s: %s",
                   path, db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }

  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, 5000);

  /* synchronous=FULL in WAL mode syncs the WAL on every COMMIT: an acknowledged write is on
   * disk.  (NORMAL would only lose the last transactions on power loss, which we promise not
   * to.) */
  if (!dw_store_exec (db, "PRAGMA journal_mode = WAL", error)
      || !dw_store_exec (db, "PRAGMA synchronous = FULL", error)
      || !dw_store_exec (db, "PRAGMA foreign_keys = ON", error)
      || !apply_migrations (db, error)
      || !config_writes_register (db, error))
    {
      g_prefix_error (error, "%s: ", path);
      sqlite3_close (db);
      return NULL;
    }

  stmt_cache_register (db);
  return db;
}

void
dw_store_close (sqlite3 *db)
{
  if (db == NULL)
    return;

  stmt_cache_unregister (db);
  g_mutex_lock (&stmt_cache_lock);
  if (begin_hooks != NULL)
    g_hash_table_remove (begin_hooks, db);
  g_mutex_unlock (&stmt_cache_lock);
  config_writes_unregister (db);
  sqlite3_close_v2 (db);
}

gboolean
dw_store_is_empty (sqlite3 *db)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db, "SELECT 1 FROM users LIMIT 1", NULL);

  return stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW;
}

/* Binding and columns */

void
dw_store_bind_id_or_null (sqlite3_stmt *stmt,
                          int           index,
                          gint64        id)
{
  if (id > 0)
    sqlite3_bind_int64 (stmt, index, id);
  else
    sqlite3_bind_null (stmt, index);
}

void
dw_store_bind_text_or_null (sqlite3_stmt *stmt,
                            int           index,
                            const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

JsonNode *
dw_store_column_json (sqlite3_stmt *stmt,
                      int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);
  g_autoptr(JsonParser) parser = NULL;

  if (text == NULL)
    return json_node_new (JSON_NODE_NULL);
  /* Most tickets' tags: no parser for them (a parser and its tree on every ticket read). */
  if (strcmp (text, "[]") == 0)
    {
      JsonNode *empty = json_node_new (JSON_NODE_ARRAY);

      json_node_take_array (empty, json_array_new ());
      return empty;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, -1, NULL) || json_parser_get_root (parser) == NULL)
    {
      g_warning ("Invalid JSON in column %s: %s", sqlite3_column_name (stmt, column), text);
      return json_node_new (JSON_NODE_NULL);
    }

  return json_node_copy (json_parser_get_root (parser));
}

char *
dw_store_json_to_string (JsonNode *node)
{
  if (node == NULL)
    return g_strdup ("null");
  return dw_json_to_string (node, NULL);
}

static void
set_time (JsonObject   *object,
          const char   *member,
          sqlite3_stmt *stmt,
          int           column)
{
  g_autofree char *iso = NULL;

  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    {
      json_object_set_null_member (object, member);
      return;
    }

  iso = dw_time_to_iso8601 (sqlite3_column_int64 (stmt, column));
  json_object_set_string_member (object, member, iso);
}

static void
set_text (JsonObject   *object,
          const char   *member,
          sqlite3_stmt *stmt,
          int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  if (text == NULL)
    json_object_set_null_member (object, member);
  else
    json_object_set_string_member (object, member, text);
}

static void
set_int (JsonObject   *object,
         const char   *member,
         sqlite3_stmt *stmt,
         int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    json_object_set_null_member (object, member);
  else
    json_object_set_int_member (object, member, sqlite3_column_int64 (stmt, column));
}

static void
set_json (JsonObject   *object,
          const char   *member,
          sqlite3_stmt *stmt,
          int           column)
{
  json_object_set_member (object, member, dw_store_column_json (stmt, column));
}

/* Row → JSON */

JsonObject *
dw_store_ticket_json_from_row (sqlite3_stmt *stmt)
{
  JsonObject *o = json_object_new ();

  set_int (o, "id", stmt, 0);
  set_text (o, "subject", stmt, 1);
  set_text (o, "body", stmt, 2);
  set_text (o, "channel", stmt, 3);
  set_text (o, "business_type", stmt, 4);
  set_text (o, "priority", stmt, 5);
  set_text (o, "status", stmt, 6);
  set_int (o, "team_id", stmt, 7);
  set_int (o, "assignee_id", stmt, 8);
  set_int (o, "customer_id", stmt, 9);
  set_text (o, "order_number", stmt, 10);
  set_json (o, "tags", stmt, 11);
  set_time (o, "created_at", stmt, 12);
  set_time (o, "updated_at", stmt, 13);
  set_time (o, "first_response_at", stmt, 14);
  set_time (o, "solved_at", stmt, 15);
  set_int (o, "version", stmt, 16);
  set_int (o, "escalation_level", stmt, 17);
  set_int (o, "sla_policy_id", stmt, 18);
  set_text (o, "sla_state", stmt, 19);
  set_time (o, "next_sla_at", stmt, 20);
  set_json (o, "sla", stmt, 21);
  set_int (o, "csat", stmt, 22);
  set_text (o, "csat_comment", stmt, 23);
  set_text (o, "breach", stmt, 24);
  return o;
}

/* Row → JSON text, without a JsonNode tree and a generator: the ticket's JSON was built member
 * by member (json-glib's setters, 1.6k each) and then serialised, 90k of a create's
 * instructions (issue 13).  The same bytes as dw_json_to_string() of
 * dw_store_ticket_json_from_row()'s object (test-store-tickets "/store/tickets/json-text"). */

static void
text_member (GString    *out,
             const char *member)
{
  /* Member names are ours: plain ASCII, nothing to escape.  @out starts with the "{". */
  if (out->len > 1)
    g_string_append_c (out, ',');
  g_string_append_c (out, '"');
  g_string_append (out, member);
  g_string_append_len (out, "\":", 2);
}

static void
text_text (GString      *out,
           const char   *member,
           sqlite3_stmt *stmt,
           int           column)
{
  text_member (out, member);
  dw_json_append_string (out, (const char *) sqlite3_column_text (stmt, column));
}

static void
text_int (GString      *out,
          const char   *member,
          sqlite3_stmt *stmt,
          int           column)
{
  text_member (out, member);
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    g_string_append_len (out, "null", 4);
  else
    g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, column));
}

static void
text_time (GString      *out,
           const char   *member,
           sqlite3_stmt *stmt,
           int           column)
{
  g_autofree char *iso = NULL;

  text_member (out, member);
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    {
      g_string_append_len (out, "null", 4);
      return;
    }

  iso = dw_time_to_iso8601 (sqlite3_column_int64 (stmt, column));
  dw_json_append_string (out, iso);
}

static void
text_json (GString      *out,
           const char   *member,
           sqlite3_stmt *stmt,
           int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;

  text_member (out, member);
  if (text == NULL)
    {
      g_string_append_len (out, "null", 4);
      return;
    }
  if (strcmp (text, "[]") == 0)
    {
      g_string_append_len (out, "[]", 2);
      return;
    }

  /* Anything else as the object's member would be written: stored text need not be in the
   * generator's form (tags written before dw_json_to_string may hold a raw U+001F). */
  node = dw_store_column_json (stmt, column);
  json = dw_json_to_string (node, NULL);
  g_string_append (out, json);
}

char *
dw_store_ticket_json_text_from_row (sqlite3_stmt *stmt)
{
  GString *out = g_string_sized_new (1024);

  g_string_append_c (out, '{');
  text_int (out, "id", stmt, 0);
  text_text (out, "subject", stmt, 1);
  text_text (out, "body", stmt, 2);
  text_text (out, "channel", stmt, 3);
  text_text (out, "business_type", stmt, 4);
  text_text (out, "priority", stmt, 5);
  text_text (out, "status", stmt, 6);
  text_int (out, "team_id", stmt, 7);
  text_int (out, "assignee_id", stmt, 8);
  text_int (out, "customer_id", stmt, 9);
  text_text (out, "order_number", stmt, 10);
  text_json (out, "tags", stmt, 11);
  text_time (out, "created_at", stmt, 12);
  text_time (out, "updated_at", stmt, 13);
  text_time (out, "first_response_at", stmt, 14);
  text_time (out, "solved_at", stmt, 15);
  text_int (out, "version", stmt, 16);
  text_int (out, "escalation_level", stmt, 17);
  text_int (out, "sla_policy_id", stmt, 18);
  text_text (out, "sla_state", stmt, 19);
  text_time (out, "next_sla_at", stmt, 20);
  text_json (out, "sla", stmt, 21);
  text_int (out, "csat", stmt, 22);
  text_text (out, "csat_comment", stmt, 23);
  text_text (out, "breach", stmt, 24);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

static JsonArray *
user_teams (sqlite3 *db,
            gint64   user_id)
{
  JsonArray *teams = json_array_new ();
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db,
    "SELECT team_id, is_lead FROM team_members WHERE user_id = ? ORDER BY team_id", NULL);

  if (stmt == NULL)
    return teams;

  sqlite3_bind_int64 (stmt, 1, user_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *t = json_object_new ();

      json_object_set_int_member (t, "id", sqlite3_column_int64 (stmt, 0));
      json_object_set_boolean_member (t, "is_lead", sqlite3_column_int (stmt, 1) != 0);
      json_array_add_object_element (teams, t);
    }

  return teams;
}

static JsonArray *
user_skills (sqlite3 *db,
             gint64   user_id)
{
  JsonArray *skills = json_array_new ();
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db,
    "SELECT skill, level FROM user_skills WHERE user_id = ? ORDER BY skill", NULL);

  if (stmt == NULL)
    return skills;

  sqlite3_bind_int64 (stmt, 1, user_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *s = json_object_new ();

      json_object_set_string_member (s, "skill", (const char *) sqlite3_column_text (stmt, 0));
      json_object_set_int_member (s, "level", sqlite3_column_int (stmt, 1));
      json_array_add_object_element (skills, s);
    }

  return skills;
}

static gint64
user_open_tickets (sqlite3 *db,
                   gint64   user_id)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db,
    "SELECT count(*) FROM tickets WHERE assignee_id = ? "
    "AND status IN ('new', 'open', 'pending', 'on-hold')", NULL);

  if (stmt == NULL)
    return 0;

  sqlite3_bind_int64 (stmt, 1, user_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);

  return 0;
}

JsonObject *
dw_store_user_json_from_row (sqlite3      *db,
                             sqlite3_stmt *stmt)
{
  JsonObject *o = json_object_new ();
  gint64 id = sqlite3_column_int64 (stmt, 0);

  set_int (o, "id", stmt, 0);
  set_text (o, "username", stmt, 1);
  set_text (o, "display_name", stmt, 2);
  set_text (o, "role", stmt, 3);
  set_int (o, "capacity", stmt, 4);
  set_text (o, "presence", stmt, 5);
  set_time (o, "presence_since", stmt, 6);
  json_object_set_array_member (o, "teams", user_teams (db, id));
  json_object_set_array_member (o, "skills", user_skills (db, id));
  json_object_set_int_member (o, "open_tickets", user_open_tickets (db, id));
  json_object_set_boolean_member (o, "disabled", sqlite3_column_int (stmt, 7) != 0);
  return o;
}

JsonObject *
dw_store_team_json_from_row (sqlite3      *db,
                             sqlite3_stmt *stmt)
{
  JsonObject *o = json_object_new ();
  JsonArray *types = json_array_new ();
  g_autoptr(sqlite3_stmt) bt = NULL;

  set_int (o, "id", stmt, 0);
  set_text (o, "name", stmt, 1);
  set_text (o, "description", stmt, 2);
  set_int (o, "calendar_id", stmt, 3);
  set_int (o, "offline_grace_minutes", stmt, 4);

  bt = dw_store_prepare (db, "SELECT key FROM business_types WHERE team_id = ? ORDER BY key",
                         NULL);
  if (bt != NULL)
    {
      sqlite3_bind_int64 (bt, 1, sqlite3_column_int64 (stmt, 0));
      while (sqlite3_step (bt) == SQLITE_ROW)
        json_array_add_string_element (types, (const char *) sqlite3_column_text (bt, 0));
    }

  json_object_set_array_member (o, "business_types", types);
  return o;
}

JsonObject *
dw_store_customer_json_from_row (sqlite3_stmt *stmt)
{
  JsonObject *o = json_object_new ();

  set_int (o, "id", stmt, 0);
  set_text (o, "name", stmt, 1);
  set_text (o, "email", stmt, 2);
  set_text (o, "phone", stmt, 3);
  set_json (o, "tags", stmt, 4);
  set_time (o, "created_at", stmt, 5);
  return o;
}

JsonObject *
dw_store_comment_json_from_row (sqlite3_stmt *stmt)
{
  JsonObject *o = json_object_new ();

  set_int (o, "id", stmt, 0);
  set_int (o, "ticket_id", stmt, 1);
  set_text (o, "author_kind", stmt, 2);
  set_int (o, "author_id", stmt, 3);
  json_object_set_boolean_member (o, "public", sqlite3_column_int (stmt, 4) != 0);
  set_text (o, "body", stmt, 5);
  set_time (o, "created_at", stmt, 6);
  return o;
}

JsonObject *
dw_store_audit_json_from_row (sqlite3_stmt *stmt)
{
  JsonObject *o = json_object_new ();

  set_int (o, "id", stmt, 0);
  set_time (o, "at", stmt, 1);
  set_int (o, "actor_id", stmt, 2);
  set_text (o, "entity", stmt, 3);
  set_int (o, "entity_id", stmt, 4);
  set_text (o, "action", stmt, 5);
  set_text (o, "field", stmt, 6);
  set_json (o, "before", stmt, 7);
  set_json (o, "after", stmt, 8);
  set_text (o, "reason", stmt, 9);
  return o;
}

JsonObject *
dw_store_calendar_json_from_row (sqlite3_stmt *stmt)
{
  JsonObject *o = json_object_new ();

  set_int (o, "id", stmt, 0);
  set_text (o, "name", stmt, 1);
  set_text (o, "timezone", stmt, 2);
  set_json (o, "week", stmt, 3);
  set_json (o, "holidays", stmt, 4);
  set_json (o, "workdays", stmt, 5);
  return o;
}

JsonObject *
dw_store_sla_policy_json_from_row (sqlite3_stmt *stmt)
{
  JsonObject *o = json_object_new ();

  set_int (o, "id", stmt, 0);
  set_text (o, "name", stmt, 1);
  set_int (o, "position", stmt, 2);
  set_json (o, "match_priorities", stmt, 3);
  set_json (o, "match_tags", stmt, 4);
  set_json (o, "match_channels", stmt, 5);
  set_json (o, "match_business_types", stmt, 6);
  set_int (o, "first_response_minutes", stmt, 7);
  set_int (o, "next_response_minutes", stmt, 8);
  set_int (o, "resolution_minutes", stmt, 9);
  json_object_set_double_member (o, "at_risk_ratio", sqlite3_column_double (stmt, 10));
  set_json (o, "escalation", stmt, 11);
  return o;
}

/* By id */

typedef JsonObject *(*RowFunc) (sqlite3 *db, sqlite3_stmt *stmt);

static JsonObject *
object_by_id (sqlite3     *db,
              const char  *sql,
              gint64       id,
              const char  *what,
              RowFunc      func,
              GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return func (db, stmt);

  if (rc == SQLITE_DONE)
    g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND, "no %s with id %" G_GINT64_FORMAT,
                 what, id);
  else
    dw_store_set_error (error, db, rc);

  return NULL;
}

static JsonObject *
ticket_row (sqlite3 *db, sqlite3_stmt *stmt)
{
  return dw_store_ticket_json_from_row (stmt);
}

static JsonObject *
customer_row (sqlite3 *db, sqlite3_stmt *stmt)
{
  return dw_store_customer_json_from_row (stmt);
}

static JsonObject *
comment_row (sqlite3 *db, sqlite3_stmt *stmt)
{
  return dw_store_comment_json_from_row (stmt);
}

static JsonObject *
audit_row (sqlite3 *db, sqlite3_stmt *stmt)
{
  return dw_store_audit_json_from_row (stmt);
}

static JsonObject *
calendar_row (sqlite3 *db, sqlite3_stmt *stmt)
{
  return dw_store_calendar_json_from_row (stmt);
}

static JsonObject *
sla_policy_row (sqlite3 *db, sqlite3_stmt *stmt)
{
  return dw_store_sla_policy_json_from_row (stmt);
}

JsonObject *
dw_store_ticket_json (sqlite3  *db,
                      gint64    ticket_id,
                      GError  **error)
{
  return object_by_id (db, "SELECT " DW_STORE_TICKET_COLUMNS " FROM tickets t WHERE t.id = ?",
                       ticket_id, "ticket", ticket_row, error);
}

JsonObject *
dw_store_user_json (sqlite3  *db,
                    gint64    user_id,
                    GError  **error)
{
  return object_by_id (db, "SELECT " DW_STORE_USER_COLUMNS " FROM users u WHERE u.id = ?",
                       user_id, "user", dw_store_user_json_from_row, error);
}

JsonObject *
dw_store_team_json (sqlite3  *db,
                    gint64    team_id,
                    GError  **error)
{
  return object_by_id (db, "SELECT " DW_STORE_TEAM_COLUMNS " FROM teams m WHERE m.id = ?",
                       team_id, "team", dw_store_team_json_from_row, error);
}

JsonObject *
dw_store_customer_json (sqlite3  *db,
                        gint64    customer_id,
                        GError  **error)
{
  return object_by_id (db, "SELECT " DW_STORE_CUSTOMER_COLUMNS " FROM customers c WHERE c.id = ?",
                       customer_id, "customer", customer_row, error);
}

JsonObject *
dw_store_comment_json (sqlite3  *db,
                       gint64    comment_id,
                       GError  **error)
{
  return object_by_id (db, "SELECT " DW_STORE_COMMENT_COLUMNS " FROM comments c WHERE c.id = ?",
                       comment_id, "comment", comment_row, error);
}

JsonObject *
dw_store_audit_json (sqlite3  *db,
                     gint64    audit_id,
                     GError  **error)
{
  return object_by_id (db, "SELECT " DW_STORE_AUDIT_COLUMNS " FROM audit a WHERE a.id = ?",
                       audit_id, "audit event", audit_row, error);
}

JsonObject *
dw_store_calendar_json (sqlite3  *db,
                        gint64    calendar_id,
                        GError  **error)
{
  return object_by_id (db, "SELECT " DW_STORE_CALENDAR_COLUMNS " FROM calendars k WHERE k.id = ?",
                       calendar_id, "calendar", calendar_row, error);
}

JsonObject *
dw_store_sla_policy_json (sqlite3  *db,
                          gint64    policy_id,
                          GError  **error)
{
  return object_by_id (db,
                       "SELECT " DW_STORE_SLA_POLICY_COLUMNS " FROM sla_policies p WHERE p.id = ?",
                       policy_id, "SLA policy", sla_policy_row, error);
}
