/* dw-pg-directory.c: the operations of store/dw-store-directory.h on PostgreSQL. */
#define G_LOG_DOMAIN "dw-store"

#include "config.h"

#include "store/dw-store-directory.h"
#include "store/pg/dw-pg-ops.h"

static gboolean
exists (DwStore       *store,
        DwStoreEntity  entity,
        gint64         id)
{
  static const char * const sql[] = {
    [DW_STORE_ENTITY_TEAM] = "SELECT 1 FROM teams WHERE id = $1",
    [DW_STORE_ENTITY_USER] = "SELECT 1 FROM users WHERE id = $1",
    [DW_STORE_ENTITY_CUSTOMER] = "SELECT 1 FROM customers WHERE id = $1",
    [DW_STORE_ENTITY_CALENDAR] = "SELECT 1 FROM calendars WHERE id = $1",
  };
  DwPgInt id_text;
  const char *params[1];
  g_autoptr(PGresult) result = NULL;

  g_return_val_if_fail (entity < G_N_ELEMENTS (sql), FALSE);

  if (id <= 0)
    return FALSE;

  params[0] = dw_pg_int (&id_text, id);
  result = dw_pg_store_query (store, sql[entity], 1, params, NULL);
  return result != NULL && PQntuples (result) > 0;
}

static gboolean
user_get_disabled (DwStore   *store,
                   gint64     user_id,
                   gboolean  *disabled,
                   GError   **error)
{
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query_row (store, "SELECT disabled FROM users WHERE id = $1", user_id,
                                  "user", error);
  if (result == NULL)
    return FALSE;

  *disabled = dw_pg_get_int (result, 0, 0) != 0;
  return TRUE;
}

static gboolean
user_set_last_assigned (DwStore  *store,
                        gint64    user_id,
                        gint64    at,
                        GError  **error)
{
  DwPgInt at_text, id;
  const char *params[] = { dw_pg_int (&at_text, at), dw_pg_int (&id, user_id) };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store, "UPDATE users SET last_assigned_at = $1 WHERE id = $2",
                              G_N_ELEMENTS (params), params, error);
  return result != NULL;
}

const DwStoreDirectoryOps dw_pg_directory_ops = {
  .exists = exists,
  .user_get_disabled = user_get_disabled,
  .user_set_last_assigned = user_set_last_assigned,
};
