/* dw-pg-routing.c: the operations of store/dw-store-routing.h on PostgreSQL. */
#define G_LOG_DOMAIN "dw-store"

#include "config.h"

#include "store/dw-store-routing.h"
#include "store/pg/dw-pg-ops.h"

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
  g_autoptr(PGresult) result = NULL;
  GArray *rules;

  result = dw_pg_store_query (store, "SELECT keyword, business_type FROM routing_rules "
                              "ORDER BY position, id", 0, NULL, error);
  if (result == NULL)
    return NULL;

  rules = g_array_sized_new (FALSE, FALSE, sizeof (DwStoreRoutingRule), PQntuples (result));
  g_array_set_clear_func (rules, routing_rule_clear);
  for (int i = 0; i < PQntuples (result); i++)
    {
      DwStoreRoutingRule rule = {
        dw_pg_get_strdup (result, i, 0),
        dw_pg_get_strdup (result, i, 1),
      };

      g_array_append_val (rules, rule);
    }

  return rules;
}

static gboolean
business_type_exists (DwStore     *store,
                      const char  *key,
                      GError     **error)
{
  const char *params[] = { key };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store, "SELECT 1 FROM business_types WHERE key = $1", 1, params,
                              error);
  return result != NULL && PQntuples (result) > 0;
}

static gboolean
business_type_team (DwStore     *store,
                    const char  *key,
                    gint64      *team_id,
                    char       **team_name,
                    GError     **error)
{
  const char *params[] = { key };
  g_autoptr(PGresult) result = NULL;

  *team_id = 0;
  result = dw_pg_store_query (store, "SELECT b.team_id, t.name FROM business_types b "
                              "JOIN teams t ON t.id = b.team_id WHERE b.key = $1", 1, params,
                              error);
  if (result == NULL)
    return FALSE;

  if (PQntuples (result) > 0)
    {
      *team_id = dw_pg_get_int (result, 0, 0);
      *team_name = dw_pg_get_strdup (result, 0, 1);
    }

  return TRUE;
}

static gboolean
default_team (DwStore  *store,
              gint64   *team_id,
              GError  **error)
{
  /* Read as text and converted here: PostgreSQL's CAST refuses what SQLite's reads as its
   * leading digits (or 0). */
  return dw_pg_store_query_int (store, "SELECT value FROM settings "
                                "WHERE key = 'intake.default_team_id'", 0, NULL, team_id, NULL,
                                error);
}

/* Other instances write the rules too: no version, the rules are read on each use. */
static gboolean
rules_version (DwStore *store,
               guint64 *version)
{
  return FALSE;
}

const DwStoreRoutingOps dw_pg_routing_ops = {
  .rules_list = rules_list,
  .rules_version = rules_version,
  .business_type_exists = business_type_exists,
  .business_type_team = business_type_team,
  .default_team = default_team,
};
