/* dw-pg-store.c
 *
 * The backend table names each domain's op table (one line each, in the order of
 * dw-store-backend.h).
 */
#define G_LOG_DOMAIN "dw-store"

#include "config.h"

#include <string.h>

#include "dw-store.h"
#include "store/pg/dw-pg-connection.h"
#include "store/pg/dw-pg-ops.h"
#include "store/pg/dw-pg-store.h"

static gboolean
in_transaction (DwStore *store)
{
  return PQtransactionStatus (dw_pg_store_conn (store)) != PQTRANS_IDLE;
}

static const DwStoreBackend pg_backend = {
  .name = "postgresql",
  .tickets = &dw_pg_ticket_ops,
  .routing = &dw_pg_routing_ops,
  .directory = &dw_pg_directory_ops,
  .events = &dw_pg_event_ops,
  .in_transaction = in_transaction,
  .dispatch = &dw_pg_dispatch_ops,
  .roster = &dw_pg_roster_ops,
  .sla = &dw_pg_sla_ops,
  .surveys = &dw_pg_survey_ops,
  .snapshot = &dw_pg_snapshot_ops,
  .auth = &dw_pg_auth_ops,
  .people = &dw_pg_people_ops,
  .agents = &dw_pg_agent_ops,
  .sla_compliance = &dw_pg_sla_compliance_ops,
  .demo = &dw_pg_demo_ops,
  .tx = &dw_pg_tx_ops,
  .staffing = &dw_pg_staffing_ops,
  .health = &dw_pg_health_ops,
  .instances = &dw_pg_instance_ops,
};

DwStore *
dw_pg_store_new (PGconn *conn)
{
  DwStore *store;

  g_return_val_if_fail (conn != NULL, NULL);

  store = g_new0 (DwStore, 1);
  store->backend = &pg_backend;
  store->conn = conn;
  return store;
}

gboolean
dw_pg_store_reset_identities (PGconn  *conn,
                              GError **error)
{
  g_autoptr(PGresult) columns = NULL;

  g_return_val_if_fail (conn != NULL, FALSE);

  columns = dw_pg_query (conn,
                         "SELECT table_name, column_name FROM information_schema.columns "
                         "WHERE table_schema = current_schema () AND is_identity = 'YES' "
                         "ORDER BY table_name",
                         0, NULL, error);
  if (columns == NULL)
    return FALSE;

  for (int i = 0; i < PQntuples (columns); i++)
    {
      const char *table = PQgetvalue (columns, i, 0);
      const char *column = PQgetvalue (columns, i, 1);
      g_autofree char *quoted_table = NULL;
      g_autofree char *quoted_column = NULL;
      g_autofree char *sql = NULL;
      g_autoptr(PGresult) result = NULL;
      char *escaped;

      escaped = PQescapeIdentifier (conn, table, strlen (table));
      quoted_table = g_strdup (escaped);
      PQfreemem (escaped);
      escaped = PQescapeIdentifier (conn, column, strlen (column));
      quoted_column = g_strdup (escaped);
      PQfreemem (escaped);

      /* setval (…, max, TRUE): the next value is max + 1; an empty table starts at 1. */
      sql = g_strdup_printf ("SELECT setval (pg_get_serial_sequence ($1, $2), "
                             "COALESCE ((SELECT max (%s) FROM %s), 0) + 1, FALSE)",
                             quoted_column, quoted_table);
      result = dw_pg_query (conn, sql, 2, (const char *[]) { table, column }, error);
      if (result == NULL)
        return FALSE;
    }
  return TRUE;
}

void
dw_pg_store_propagate_error (GError **dest,
                             GError  *src)
{
  DwStoreError code = DW_STORE_ERROR_FAILED;

  if (src == NULL)
    return;
  if (g_error_matches (src, DW_PG_ERROR, DW_PG_ERROR_CONSTRAINT))
    code = DW_STORE_ERROR_CONSTRAINT;
  else if (g_error_matches (src, DW_PG_ERROR, DW_PG_ERROR_CONFLICT))
    code = DW_STORE_ERROR_CONFLICT;
  g_set_error_literal (dest, DW_STORE_ERROR, code, src->message);
  g_error_free (src);
}
