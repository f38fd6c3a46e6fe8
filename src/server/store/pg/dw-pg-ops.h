/* dw-pg-ops.h: what the PostgreSQL operations of every domain share (private to store/pg/).
 *
 * Parameters go as text: an integer is printed into a DwPgInt the caller keeps on its stack
 * for the length of the query.  Results are read back as text, SQL NULL as 0 or NULL.
 */
#pragma once

#include <libpq-fe.h>

#include "dw-store.h"
#include "store/pg/dw-pg-connection.h"
#include "store/pg/dw-pg-store.h"

G_BEGIN_DECLS

/* The op tables of the backend (dw-pg-store.c names them). */
extern const DwStoreTicketOps    dw_pg_ticket_ops;
extern const DwStoreRoutingOps   dw_pg_routing_ops;
extern const DwStoreDirectoryOps dw_pg_directory_ops;
extern const DwStoreEventOps     dw_pg_event_ops;
extern const DwStoreDispatchOps  dw_pg_dispatch_ops;
extern const DwStoreRosterOps    dw_pg_roster_ops;
extern const DwStoreSlaOps       dw_pg_sla_ops;
extern const DwStoreSurveyOps    dw_pg_survey_ops;
extern const DwStoreSnapshotOps  dw_pg_snapshot_ops;
extern const DwStoreAuthOps      dw_pg_auth_ops;
extern const DwStorePeopleOps    dw_pg_people_ops;
extern const DwStoreAgentOps     dw_pg_agent_ops;
extern const DwStoreSlaComplianceOps dw_pg_sla_compliance_ops;
extern const DwStoreDemoOps      dw_pg_demo_ops;
extern const DwStoreTxOps        dw_pg_tx_ops;
extern const DwStoreStaffingOps  dw_pg_staffing_ops;
extern const struct _DwStoreHealthOps dw_pg_health_ops;

/* Successful COMMITs of this process on PostgreSQL (dw-pg-tx.c), for /health. */
gint64 dw_pg_tx_get_commits (void);

extern const DwStoreInstanceOps  dw_pg_instance_ops;

typedef struct
{
  char text[24];
} DwPgInt;

static inline const char *
dw_pg_int (DwPgInt *buf,
           gint64   value)
{
  g_snprintf (buf->text, sizeof buf->text, "%" G_GINT64_FORMAT, value);
  return buf->text;
}

/* NULL (SQL NULL) for an id or time ≤ 0, as the SQLite side's bind_id_or_null. */
static inline const char *
dw_pg_id_or_null (DwPgInt *buf,
                  gint64   value)
{
  return value > 0 ? dw_pg_int (buf, value) : NULL;
}

/* Reconnection (dw-pg-store.c): TRUE when the connection is usable, after reconnecting it if it
 * was lost outside a transaction and the reconnect interval allows; else
 * DW_STORE_ERROR_UNAVAILABLE. */
gboolean dw_pg_store_check_connection (DwStore  *store,
                                       GError  **error);
/* Whether the connection is lost (a statement failed for it, or libpq knows). */
gboolean dw_pg_store_connection_lost  (DwStore  *store);
/* Called with the DW_PG_ERROR of every statement that failed on the store's connection. */
void     dw_pg_store_note_error       (DwStore      *store,
                                       const GError *error);
/* The tx ops say when their transaction begins and ends; closed: whether the connection is the
 * one it began on (FALSE: it was reconnected meanwhile, the transaction is gone). */
void     dw_pg_store_tx_opened        (DwStore  *store);
gboolean dw_pg_store_tx_closed        (DwStore  *store);
gboolean dw_pg_store_tx_is_open       (DwStore  *store);

/* A transaction's events, kept until just before its COMMIT (dw-pg-events.c): the event
 * counter's row lock is taken then, not at the first event, so it is held from just before the
 * COMMIT to the COMMIT instead of across the whole (group) transaction. */
typedef struct
{
  GPtrArray *events;           /* of the pending events, NULL when none */
  guint      mark;             /* their number at the last savepoint */
  gint64     committed_first;  /* the seq of the first event of the last COMMIT */
  guint      committed_n;      /* and how many it wrote */
} DwPgPendingEvents;

DwPgPendingEvents *dw_pg_store_pending_events (DwStore *store);

/* Called by the tx ops (dw-pg-tx.c): write the pending events with their seqs as the last
 * statement before COMMIT; forget them at a rollback; the savepoint's mark. */
gboolean dw_pg_events_flush_pending       (DwStore  *store,
                                           GError  **error);
void     dw_pg_events_clear_pending       (DwStore  *store);
void     dw_pg_events_mark_pending        (DwStore  *store);
void     dw_pg_events_rollback_to_mark    (DwStore  *store);

/* dw_pg_query with its error in DW_STORE_ERROR (dw_pg_store_propagate_error). */
static inline PGresult *
dw_pg_store_query (DwStore             *store,
                   const char          *sql,
                   int                  n_params,
                   const char * const  *params,
                   GError             **error)
{
  GError *local_error = NULL;
  PGresult *result;

  if (!dw_pg_store_check_connection (store, error))
    return NULL;
  result = dw_pg_query (dw_pg_store_conn (store), sql, n_params, params, &local_error);

  if (result == NULL)
    {
      dw_pg_store_note_error (store, local_error);
      dw_pg_store_propagate_error (error, local_error);
    }
  return result;
}

/* The rows of @sql ($1 = @id), at least one, or NULL with @error: DW_STORE_ERROR_NOT_FOUND
 * ("no @what @id") when there is none; the twin of SQLite's dw_store_step_row. */
static inline PGresult *
dw_pg_store_query_row (DwStore     *store,
                       const char  *sql,
                       gint64       id,
                       const char  *what,
                       GError     **error)
{
  DwPgInt id_text;
  const char *params[] = { dw_pg_int (&id_text, id) };
  PGresult *result = dw_pg_store_query (store, sql, 1, params, error);

  if (result != NULL && PQntuples (result) == 0)
    {
      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND,
                   "no %s %" G_GINT64_FORMAT, what, id);
      g_clear_pointer (&result, PQclear);
    }
  return result;
}

/* Column @column of row @row as an integer, 0 for NULL. */
static inline gint64
dw_pg_get_int (const PGresult *result,
               int             row,
               int             column)
{
  if (PQgetisnull (result, row, column))
    return 0;
  return g_ascii_strtoll (PQgetvalue (result, row, column), NULL, 10);
}

/* Column @column of row @row as a new string, NULL for NULL. */
static inline char *
dw_pg_get_strdup (const PGresult *result,
                  int             row,
                  int             column)
{
  if (PQgetisnull (result, row, column))
    return NULL;
  return g_strdup (PQgetvalue (result, row, column));
}

/* Borrowed, NULL for NULL. */
static inline const char *
dw_pg_get_text (const PGresult *result,
                int             row,
                int             column)
{
  if (PQgetisnull (result, row, column))
    return NULL;
  return PQgetvalue (result, row, column);
}

/* Column @column of row @row as a double, 0 for NULL. */
static inline double
dw_pg_get_double (const PGresult *result,
                  int             row,
                  int             column)
{
  if (PQgetisnull (result, row, column))
    return 0;
  return g_ascii_strtod (PQgetvalue (result, row, column), NULL);
}

/* One optional value: column 0 of the first row of @sql, when it has a row.  No row is no
 * error here (unlike dw_pg_store_query_row above): @found (may be NULL) says FALSE and the value
 * is NULL or 0, as for SQL NULL.  FALSE with @error when the query fails.  For the readers of a
 * setting, a name or an id by id or key, which each wrote this out by hand. */
static inline gboolean
dw_pg_store_query_text (DwStore             *store,
                        const char          *sql,
                        int                  n_params,
                        const char * const  *params,
                        char               **text,
                        gboolean            *found,
                        GError             **error)
{
  g_autoptr(PGresult) result = dw_pg_store_query (store, sql, n_params, params, error);
  gboolean any = result != NULL && PQntuples (result) > 0;

  *text = any ? dw_pg_get_strdup (result, 0, 0) : NULL;
  if (found != NULL)
    *found = any;
  return result != NULL;
}

/* The same value as an integer (0 for SQL NULL or no row). */
static inline gboolean
dw_pg_store_query_int (DwStore             *store,
                       const char          *sql,
                       int                  n_params,
                       const char * const  *params,
                       gint64              *value,
                       gboolean            *found,
                       GError             **error)
{
  g_autofree char *text = NULL;
  gboolean ok = dw_pg_store_query_text (store, sql, n_params, params, &text, found, error);

  *value = text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;
  return ok;
}

/* dw_pg_store_query_text with one parameter, $1 = @id. */
static inline gboolean
dw_pg_store_query_text_by_id (DwStore     *store,
                              const char  *sql,
                              gint64       id,
                              char       **text,
                              gboolean    *found,
                              GError     **error)
{
  DwPgInt id_text;
  const char *params[] = { dw_pg_int (&id_text, id) };

  return dw_pg_store_query_text (store, sql, 1, params, text, found, error);
}

/* A parameter the caller frees (g_autofree), for arrays of parameters built in a loop. */
static inline char *
dw_pg_int_new (gint64 value)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

/* NULL (SQL NULL) for an id ≤ 0. */
static inline char *
dw_pg_id_new (gint64 value)
{
  return value > 0 ? dw_pg_int_new (value) : NULL;
}

/* Every digit, and a point whatever the locale: the value read back is the one written. */
static inline char *
dw_pg_double_new (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.17g", value));
}

/* Whether a DELETE/UPDATE changed exactly @n rows. */
static inline gboolean
dw_pg_changed (const PGresult *result,
               gint64          n)
{
  return g_ascii_strtoll (PQcmdTuples ((PGresult *) result), NULL, 10) == n;
}

G_END_DECLS
