/* dw-pg-events.h: the global event sequence of the PostgreSQL backend.
 *
 * Several instances write events into one `events` table; each stream serves every event, and a
 * console may resume on any instance with since=.  That needs seqs that are gap-free in commit
 * order: whoever sees event N committed must already see every event below N.  A SEQUENCE does
 * not give that (numbers are drawn when a transaction runs, not when it commits, and a rollback
 * loses them).  So a transaction's events are written last, just before its COMMIT, with seqs
 * taken from the one row of event_counter: the UPDATE locks that row until the transaction ends,
 * so the event-writing tails of transactions run one at a time, each commits before the next gets
 * its numbers, and a rollback gives its numbers back.  The same transaction NOTIFYs
 * DW_PG_EVENTS_CHANNEL with its last seq; PostgreSQL delivers notifications at commit, in commit
 * order, to every LISTENing instance (docs/design.md "PostgreSQL backend").
 */
#pragma once

#include "dw-pg-connection.h"

G_BEGIN_DECLS

#define DW_PG_EVENTS_CHANNEL "deskwatch_events"
/* Access changes (a token revoked, a user disabled): the user id, 0 for anyone. */
#define DW_PG_ACCESS_CHANNEL "deskwatch_access"

typedef struct
{
  gint64      at;
  const char *type;
  gint64      team_id;   /* <= 0: NULL */
  gint64      user_id;   /* <= 0: NULL */
  const char *data;      /* JSON object */
} DwPgEvent;

/* Inside the caller's open transaction, as its last statements before COMMIT (the counter's row
 * stays locked until then): inserts @events with consecutive seqs and notifies the channel.
 * Returns the first seq, or -1 with @error. */
gint64    dw_pg_events_append    (PGconn           *conn,
                                  const DwPgEvent  *events,
                                  guint             n_events,
                                  GError          **error);

/* LISTEN on the events channel (on a connection of its own, outside any transaction). */
gboolean  dw_pg_events_listen    (PGconn           *conn,
                                  GError          **error);
/* Reads what the server sent on a LISTENing connection without blocking (call it when its
 * socket, PQsocket(), is readable); the highest seq notified, 0 if none. */
gint64    dw_pg_events_take_notified (PGconn       *conn,
                                      GError      **error);

G_END_DECLS
