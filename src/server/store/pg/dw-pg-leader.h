/* dw-pg-leader.h: one instance at a time for the singleton work (SLA alarms and escalations, the
 * demo simulator, retention).
 *
 * The leader is whichever instance holds a session advisory lock (pg_try_advisory_lock) on a
 * connection kept for it.  The lock lives exactly as long as that session: when the instance
 * dies, the server sees its connection close (at once for a process killed on the same machine,
 * within the TCP keepalive for a lost machine) and the lock is free for the next instance that
 * tries, which the others do every few seconds (docs/design.md "PostgreSQL backend").
 */
#pragma once

#include "dw-pg-connection.h"

G_BEGIN_DECLS

/* Tries to take the leadership @key on @conn without waiting: TRUE in @is_leader when this
 * session has it now (taking it again while holding it changes nothing). */
gboolean  dw_pg_leader_try_acquire  (PGconn     *conn,
                                     gint64      key,
                                     gboolean   *is_leader,
                                     GError    **error);
/* Gives the leadership @key up (a clean shutdown: the next instance need not wait for the
 * session to end). */
gboolean  dw_pg_leader_release      (PGconn     *conn,
                                     gint64      key,
                                     GError    **error);

G_END_DECLS
