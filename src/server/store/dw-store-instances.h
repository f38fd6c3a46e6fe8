/* dw-store-instances.h: what several service instances on one database need of the store
 * (docs/design.md "PostgreSQL backend"): hearing each other's commits and electing one leader
 * for the singleton work.
 *
 * A backend with one instance only (SQLite: one process writes the file) has no such table
 * (DwStoreBackend.instances NULL): its log hears nothing from elsewhere and its one instance
 * always leads.  On PostgreSQL each of these runs on a *session*, a store on a connection of its
 * own to the same database, outside any transaction: a LISTEN or a session lock must not share
 * the fate of the serving connection's transactions, and a read on it never sees a transaction
 * of ours that is still open.
 */
#pragma once

#include "store/dw-store-backend.h"

G_BEGIN_DECLS

struct _DwStoreInstanceOps
{
  DwStore *(*session_open)  (DwStore   *store,
                             const char *purpose,
                             GError   **error);
  void     (*session_close) (DwStore   *session);
  /* The session's socket, to watch for readability (-1: none). */
  int      (*session_fd)    (DwStore   *session);
  gboolean (*listen)        (DwStore   *session,
                             GError   **error);
  gboolean (*take_notified) (DwStore   *session,
                             DwStore   *own,
                             gint64    *seq,
                             gboolean  *access,
                             GError   **error);
  gboolean (*notify_access) (DwStore   *store,
                             gint64     user_id,
                             GError   **error);
  gboolean (*try_lead)      (DwStore   *session,
                             gboolean  *is_leader,
                             GError   **error);
};

/* TRUE when other instances may write to the same database. */
static inline gboolean
dw_store_has_instances (DwStore *store)
{
  return store->backend->instances != NULL;
}

/* A new store on a connection of its own to @store's database, named for its @purpose where
 * the database shows its sessions (PostgreSQL: application_name "deskwatchd @purpose"); close it
 * with dw_store_session_close(). */
static inline DwStore *
dw_store_session_open (DwStore     *store,
                       const char  *purpose,
                       GError     **error)
{
  return store->backend->instances->session_open (store, purpose, error);
}

static inline void
dw_store_session_close (DwStore *session)
{
  if (session != NULL)
    session->backend->instances->session_close (session);
}

static inline int
dw_store_session_fd (DwStore *session)
{
  return session->backend->instances->session_fd (session);
}

/* Subscribes @session to every instance's event commits and access changes. */
static inline gboolean
dw_store_session_listen (DwStore  *session,
                         GError  **error)
{
  return session->backend->instances->listen (session, error);
}

/* Without blocking: what was announced to a listening @session since the last call.  @seq: the
 * highest event seq committed (0: none); @access: TRUE when another connection than @own
 * committed an access change (dw_store_notify_access).  FALSE with @error when the session's
 * connection is lost (close it and open another). */
static inline gboolean
dw_store_session_take_notified (DwStore   *session,
                                DwStore   *own,
                                gint64    *seq,
                                gboolean  *access,
                                GError   **error)
{
  return session->backend->instances->take_notified (session, own, seq, access, error);
}

/* In the caller's open transaction: tells every instance, at COMMIT, that what user @user_id
 * (0: anyone) may see may have changed.  Nothing on a store without instances. */
static inline gboolean
dw_store_notify_access (DwStore  *store,
                        gint64    user_id,
                        GError  **error)
{
  if (store->backend->instances == NULL)
    return TRUE;
  return store->backend->instances->notify_access (store, user_id, error);
}

/* Tries, without waiting, to be (or stay) the leader on @session: @is_leader TRUE when this
 * session holds the leadership now.  FALSE with @error when the session is lost: whoever led
 * through it cannot know whether it still does. */
static inline gboolean
dw_store_session_try_lead (DwStore   *session,
                           gboolean  *is_leader,
                           GError   **error)
{
  return session->backend->instances->try_lead (session, is_leader, error);
}

G_END_DECLS
