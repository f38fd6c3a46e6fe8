/* dw-pg-events.c: the global event sequence of the PostgreSQL backend. */
#define G_LOG_DOMAIN "deskwatchd"

#include "config.h"

#include "dw-pg-events.h"

#include "store/dw-store-events.h"
#include "store/pg/dw-pg-ops.h"

#include <stdlib.h>

gint64
dw_pg_events_append (PGconn           *conn,
                     const DwPgEvent  *events,
                     guint             n_events,
                     GError          **error)
{
  g_autofree char *n = g_strdup_printf ("%u", n_events);
  const char *counter_params[] = { n };
  g_autoptr(PGresult) counter = NULL;
  g_autoptr(PGresult) notified = NULL;
  gint64 last, first;

  g_return_val_if_fail (n_events > 0, -1);

  /* One event (a create's ticket.created, most writes): the counter, the row and the NOTIFY in
   * one statement, one round trip instead of three (each a wait for the server's process to be
   * scheduled, which is what a create on PostgreSQL spent its time on).  The same effects as
   * below, in the same order: the counter's row lock first, then the row, then the NOTIFY. */
  if (n_events == 1)
    {
      DwPgInt at, team, user;
      const char *params[] = {
        dw_pg_int (&at, events[0].at),
        dw_pg_id_or_null (&team, events[0].team_id),
        dw_pg_id_or_null (&user, events[0].user_id),
        events[0].type,
        events[0].data,
      };
      g_autoptr(PGresult) appended = NULL;

      appended = dw_pg_query (conn,
                              "WITH c AS (UPDATE event_counter SET last_seq = last_seq + 1 "
                              "RETURNING last_seq), "
                              "i AS (INSERT INTO events (seq, at, type, team_id, user_id, data) "
                              "SELECT last_seq, $1::bigint, $4::text, $2::bigint, $3::bigint, "
                              "$5::text FROM c RETURNING seq) "
                              "SELECT seq, pg_notify ('" DW_PG_EVENTS_CHANNEL "', seq::text) "
                              "FROM i", G_N_ELEMENTS (params), params, error);
      if (appended == NULL)
        return -1;
      return g_ascii_strtoll (PQgetvalue (appended, 0, 0), NULL, 10);
    }

  /* The row lock that orders the commits; held until this transaction ends. */
  counter = dw_pg_query (conn, "UPDATE event_counter SET last_seq = last_seq + $1::bigint "
                         "RETURNING last_seq", 1, counter_params, error);
  if (counter == NULL)
    return -1;
  last = g_ascii_strtoll (PQgetvalue (counter, 0, 0), NULL, 10);
  first = last - n_events + 1;

  for (guint i = 0; i < n_events; i++)
    {
      g_autofree char *seq = g_strdup_printf ("%" G_GINT64_FORMAT, first + i);
      g_autofree char *at = g_strdup_printf ("%" G_GINT64_FORMAT, events[i].at);
      g_autofree char *team = events[i].team_id > 0
                              ? g_strdup_printf ("%" G_GINT64_FORMAT, events[i].team_id) : NULL;
      g_autofree char *user = events[i].user_id > 0
                              ? g_strdup_printf ("%" G_GINT64_FORMAT, events[i].user_id) : NULL;
      const char *params[] = { seq, at, events[i].type, team, user, events[i].data };
      g_autoptr(PGresult) inserted = NULL;

      inserted = dw_pg_query (conn, "INSERT INTO events (seq, at, type, team_id, user_id, data) "
                              "VALUES ($1, $2, $3, $4, $5, $6)", G_N_ELEMENTS (params), params,
                              error);
      if (inserted == NULL)
        return -1;
    }

  /* Delivered at COMMIT, in commit order; nothing if the transaction rolls back. */
  {
    g_autofree char *payload = g_strdup_printf ("%" G_GINT64_FORMAT, last);
    const char *params[] = { payload };

    notified = dw_pg_query (conn, "SELECT pg_notify ('" DW_PG_EVENTS_CHANNEL "', $1)", 1, params,
                            error);
    if (notified == NULL)
      return -1;
  }

  return first;
}

gboolean
dw_pg_events_listen (PGconn  *conn,
                     GError **error)
{
  return dw_pg_exec (conn, "LISTEN " DW_PG_EVENTS_CHANNEL, error);
}

gint64
dw_pg_events_take_notified (PGconn  *conn,
                            GError **error)
{
  PGnotify *notify;
  gint64 highest = 0;

  if (!PQconsumeInput (conn))
    {
      dw_pg_set_error (error, conn, NULL);
      return -1;
    }

  while ((notify = PQnotifies (conn)) != NULL)
    {
      if (g_str_equal (notify->relname, DW_PG_EVENTS_CHANNEL))
        highest = MAX (highest, g_ascii_strtoll (notify->extra, NULL, 10));
      PQfreemem (notify);
    }

  return highest;
}

/* The operations of store/dw-store-events.h. */

/* A pending event: its own copies of the texts. */
typedef struct
{
  gint64  at;
  char   *type;
  gint64  team_id;
  gint64  user_id;
  char   *data;
} PendingEvent;

static void
pending_event_free (PendingEvent *event)
{
  g_free (event->type);
  g_free (event->data);
  g_free (event);
}

/* Inside a transaction the event is only kept (its key is its place in the transaction) and
 * written with its seq by dw_pg_events_flush_pending() just before the COMMIT: taking the
 * counter's row lock at the first event would hold it until the COMMIT, and with several
 * instances every other instance's writes would wait that long (with their main loop stopped,
 * libpq being synchronous there).  Outside a transaction it is written at once, through the
 * same dw_pg_events_append (no second way to write one). */
static gint64
event_insert (DwStore     *store,
              gint64       at,
              const char  *type,
              gint64       team_id,
              gint64       user_id,
              const char  *data,
              GError     **error)
{
  DwPgPendingEvents *pending = dw_pg_store_pending_events (store);
  DwPgEvent event = { at, type, team_id, user_id, data };
  GError *local_error = NULL;
  PendingEvent *kept;
  gint64 seq;

  if (dw_pg_store_tx_is_open (store))
    {
      if (pending->events == NULL)
        pending->events = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_event_free);
      kept = g_new0 (PendingEvent, 1);
      kept->at = at;
      kept->type = g_strdup (type);
      kept->team_id = team_id;
      kept->user_id = user_id;
      kept->data = g_strdup (data);
      g_ptr_array_add (pending->events, kept);
      return DW_STORE_EVENT_PROVISIONAL + pending->events->len - 1;
    }

  if (!dw_pg_store_check_connection (store, error))
    return 0;
  seq = dw_pg_events_append (dw_pg_store_conn (store), &event, 1, &local_error);
  if (seq < 0)
    {
      dw_pg_store_note_error (store, local_error);
      dw_pg_store_propagate_error (error, local_error);
      return 0;
    }
  return seq;
}

static gint64
event_committed_seq (DwStore *store,
                     gint64   key)
{
  DwPgPendingEvents *pending = dw_pg_store_pending_events (store);
  gint64 index = key - DW_STORE_EVENT_PROVISIONAL;

  g_return_val_if_fail (index >= 0 && index < pending->committed_n, key);
  return pending->committed_first + index;
}

gboolean
dw_pg_events_flush_pending (DwStore  *store,
                            GError  **error)
{
  DwPgPendingEvents *pending = dw_pg_store_pending_events (store);
  g_autoptr(GPtrArray) kept = g_steal_pointer (&pending->events);
  g_autofree DwPgEvent *events = NULL;
  GError *local_error = NULL;
  gint64 first;

  /* A commit without events keeps the last one's numbers: its events may not be published
   * yet (a transaction of audit rows only may run in between). */
  pending->mark = 0;
  if (kept == NULL || kept->len == 0)
    return TRUE;
  pending->committed_n = 0;

  events = g_new0 (DwPgEvent, kept->len);
  for (guint i = 0; i < kept->len; i++)
    {
      PendingEvent *event = g_ptr_array_index (kept, i);

      events[i] = (DwPgEvent) { event->at, event->type, event->team_id, event->user_id,
                                event->data };
    }

  /* In append order: the seqs follow the keys (first + index). */
  first = dw_pg_events_append (dw_pg_store_conn (store), events, kept->len, &local_error);
  if (first < 0)
    {
      dw_pg_store_note_error (store, local_error);
      dw_pg_store_propagate_error (error, local_error);
      return FALSE;
    }

  pending->committed_first = first;
  pending->committed_n = kept->len;
  return TRUE;
}

void
dw_pg_events_clear_pending (DwStore *store)
{
  DwPgPendingEvents *pending = dw_pg_store_pending_events (store);

  g_clear_pointer (&pending->events, g_ptr_array_unref);
  pending->mark = 0;
}

void
dw_pg_events_mark_pending (DwStore *store)
{
  DwPgPendingEvents *pending = dw_pg_store_pending_events (store);

  pending->mark = pending->events != NULL ? pending->events->len : 0;
}

void
dw_pg_events_rollback_to_mark (DwStore *store)
{
  DwPgPendingEvents *pending = dw_pg_store_pending_events (store);

  if (pending->events != NULL && pending->events->len > pending->mark)
    g_ptr_array_set_size (pending->events, pending->mark);
}

static gboolean
events_read (DwStore           *store,
             gint64             after,
             gint64             up_to,
             guint              limit,
             DwStoreEventFunc   func,
             gpointer           user_data,
             GError           **error)
{
  DwPgInt after_text, up_to_text, limit_text;
  const char *params[] = {
    dw_pg_int (&after_text, after),
    dw_pg_int (&up_to_text, up_to),
    dw_pg_int (&limit_text, limit),
  };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store, "SELECT seq, at, type, team_id, user_id, data FROM events "
                              "WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3",
                              G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return FALSE;

  for (int i = 0; i < PQntuples (result); i++)
    {
      DwStoreEventRow row = {
        dw_pg_get_int (result, i, 0),
        dw_pg_get_int (result, i, 1),
        dw_pg_get_text (result, i, 2),
        dw_pg_get_int (result, i, 3),
        dw_pg_get_int (result, i, 4),
        dw_pg_get_text (result, i, 5),
      };

      func (&row, user_data);
    }

  return TRUE;
}

static gboolean
events_bounds (DwStore  *store,
               gint64   *last_seq,
               gint64   *first_seq,
               gint64   *first_at,
               GError  **error)
{
  g_autoptr(PGresult) result = NULL;

  /* event_counter remembers the last seq even when every row has been pruned (SQLite's
   * sqlite_sequence); the oldest kept row and its time in the same query. */
  result = dw_pg_store_query (store,
                              "SELECT c.last_seq, e.seq, e.at FROM event_counter c LEFT JOIN "
                              "(SELECT seq, at FROM events ORDER BY seq LIMIT 1) e ON TRUE",
                              0, NULL, error);
  if (result == NULL)
    return FALSE;

  *last_seq = dw_pg_get_int (result, 0, 0);
  *first_seq = dw_pg_get_int (result, 0, 1);
  *first_at = dw_pg_get_int (result, 0, 2);
  return TRUE;
}

static gboolean
events_prune (DwStore  *store,
              gint64    up_to,
              gint64    keep,
              gint64    older_than,
              GError  **error)
{
  DwPgInt up_to_text, keep_text, older_text;
  const char *params[] = {
    dw_pg_int (&up_to_text, up_to),
    dw_pg_int (&keep_text, keep),
    dw_pg_int (&older_text, older_than),
  };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
                              "DELETE FROM events WHERE seq <= $1 "
                              "AND (seq <= $1::bigint - $2::bigint OR at < $3)",
                              G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return FALSE;

  g_debug ("Pruned %s events", PQcmdTuples (result));
  return TRUE;
}

/* SQLite's PRAGMA data_version has no PostgreSQL counterpart that ignores the connection's own
 * commits: unknown (FALSE), and dw_event_log_poll_access() never fires on this backend.  What
 * it is for there — an access change committed by another connection — arrives by LISTEN
 * instead: every access change (dw_event_log_append_access_change, a token revoked) notifies
 * DW_PG_ACCESS_CHANNEL in its transaction, and each instance's event log hears the others'
 * (dw-pg-instances.c).  The other caches (the routing classifier, SLA policies and calendars)
 * are keyed on the rows' text read again each time, so other instances' writes reach them
 * without a version. */
static gboolean
data_version (DwStore *store,
              gint64  *version)
{
  return FALSE;
}

static gboolean
audit_insert (DwStore                *store,
              const DwStoreAuditNew  *audit,
              GError                **error)
{
  DwPgInt at, actor, entity_id;
  const char *params[] = {
    dw_pg_int (&at, audit->at),
    dw_pg_id_or_null (&actor, audit->actor_id),
    audit->entity,
    dw_pg_int (&entity_id, audit->entity_id),
    audit->action,
    audit->field,
    audit->before,
    audit->after,
    audit->reason,
  };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
                              "INSERT INTO audit (at, actor_id, entity, entity_id, action, field, "
                              "before, after, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                              G_N_ELEMENTS (params), params, error);
  return result != NULL;
}

const DwStoreEventOps dw_pg_event_ops = {
  .insert = event_insert,
  .read = events_read,
  .bounds = events_bounds,
  .prune = events_prune,
  .data_version = data_version,
  .audit_insert = audit_insert,
  .committed_seq = event_committed_seq,
};
