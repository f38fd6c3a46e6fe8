#define G_LOG_DOMAIN "dw-store"

#include "store/sqlite/dw-sqlite-store.h"

#include "dw-store.h"
#include "store/dw-store-routing.h"

static void
routing_rule_clear (gpointer data)
{
  DwStoreRoutingRule *rule = data;

  g_clear_pointer (&rule->keyword, g_free);
  g_clear_pointer (&rule->business_type, g_free);
}

static GArray *
rules_list (DwStore  *store,
            GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) rules = NULL;
  int rc;

  stmt = dw_store_prepare (db,
                           "SELECT keyword, business_type FROM routing_rules ORDER BY position, id",
                           error);
  if (stmt == NULL)
    return NULL;

  rules = g_array_new (FALSE, FALSE, sizeof (DwStoreRoutingRule));
  g_array_set_clear_func (rules, routing_rule_clear);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DwStoreRoutingRule rule = {
        g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
        g_strdup ((const char *) sqlite3_column_text (stmt, 1)),
      };

      g_array_append_val (rules, rule);
    }

  if (!dw_store_step_rows_done (stmt, rc, error))
    return NULL;

  return g_steal_pointer (&rules);
}

static gboolean
business_type_exists (DwStore     *store,
                      const char  *key,
                      GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "SELECT 1 FROM business_types WHERE key = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

static gboolean
business_type_team (DwStore     *store,
                    const char  *key,
                    gint64      *team_id,
                    char       **team_name,
                    GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  *team_id = 0;
  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "SELECT b.team_id, t.name FROM business_types b "
                           "JOIN teams t ON t.id = b.team_id WHERE b.key = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      *team_id = sqlite3_column_int64 (stmt, 0);
      *team_name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }

  return TRUE;
}

static gboolean
default_team (DwStore  *store,
              gint64   *team_id,
              GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  *team_id = 0;
  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "SELECT CAST (value AS INTEGER) FROM settings "
                           "WHERE key = 'intake.default_team_id'", error);
  if (stmt == NULL)
    return FALSE;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    *team_id = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* dw-store.c's settings version (routing_rules among the tables its triggers count). */
static gboolean
rules_version (DwStore *store,
               guint64 *version)
{
  return dw_store_settings_version (dw_sqlite_store_db (store), version);
}

const DwStoreRoutingOps dw_sqlite_routing_ops = {
  .rules_list = rules_list,
  .rules_version = rules_version,
  .business_type_exists = business_type_exists,
  .business_type_team = business_type_team,
  .default_team = default_team,
};
