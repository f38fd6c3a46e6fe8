/* dw-store-dispatch.h: the named operations of the desk's own work (dw-desk.c): routing's
 * agents and queue, assignment, an agent's load, team membership, the user object its events
 * carry.  Inside the caller's transaction, like every operation. */
#pragma once

#include <json-glib/json-glib.h>

#include "store/dw-store-backend.h"

G_BEGIN_DECLS

/* A team member routing may pick: enabled, with its load.  A GArray of them frees the table. */
typedef struct
{
  gint64      user_id;
  int         presence;          /* DwPresence */
  int         capacity;
  gint64      last_assigned_at;  /* 0: never */
  int         open_tickets;      /* assigned and active (new, open, pending, on-hold) */
  GHashTable *skills;            /* skill (char *) → level (GINT_TO_POINTER) */
} DwStoreAgentRow;

/* An unassigned active ticket of a team's queue.  A GArray of them frees the strings. */
typedef struct
{
  gint64  ticket_id;
  int     priority;              /* DwPriority */
  gint64  created_at;
  char   *business_type;         /* NULL: none */
  char   *customer_tags;         /* the customer's tags, JSON text; "[]" without a customer */
} DwStoreQueuedRow;

struct _DwStoreDispatchOps
{
  GArray     *(*agents_list)          (DwStore     *store,
                                       gint64       team_id,
                                       GError     **error);
  gboolean    (*business_type_skill)  (DwStore     *store,
                                       const char  *key,
                                       char       **skill,
                                       GError     **error);
  GArray     *(*queue_list)           (DwStore     *store,
                                       gint64       team_id,
                                       GError     **error);
  gboolean    (*ticket_business_type) (DwStore     *store,
                                       gint64       ticket_id,
                                       char       **business_type,
                                       GError     **error);
  gboolean    (*ticket_assign)        (DwStore     *store,
                                       gint64       ticket_id,
                                       gint64       user_id,
                                       gint64       at,
                                       gboolean     bump_version,
                                       GError     **error);
  gboolean    (*user_load)            (DwStore     *store,
                                       gint64       user_id,
                                       gint64       except_ticket_id,
                                       gint64      *load,
                                       gint64      *capacity,
                                       GError     **error);
  GArray     *(*user_team_ids)        (DwStore     *store,
                                       gint64       user_id,
                                       GError     **error);
  GArray     *(*team_ids)             (DwStore     *store,
                                       GError     **error);
  gboolean    (*user_in_team)         (DwStore     *store,
                                       gint64       user_id,
                                       gint64       team_id);
};

/* The enabled members of @team_id, by id, with their skills and load; NULL with @error. */
static inline GArray *
dw_store_dispatch_agents (DwStore  *store,
                          gint64    team_id,
                          GError  **error)
{
  return store->backend->dispatch->agents_list (store, team_id, error);
}

/* The skill business type @key needs (@skill NULL when none, or for an unknown type). */
static inline gboolean
dw_store_business_type_skill (DwStore     *store,
                              const char  *key,
                              char       **skill,
                              GError     **error)
{
  return store->backend->dispatch->business_type_skill (store, key, skill, error);
}

/* The tickets of @team_id without an assignee, status new or open, in no particular order
 * (routing sorts them: dw_routing_sort_queue); NULL with @error. */
static inline GArray *
dw_store_dispatch_queue (DwStore  *store,
                         gint64    team_id,
                         GError  **error)
{
  return store->backend->dispatch->queue_list (store, team_id, error);
}

/* The ticket's business type now (@business_type NULL when none or no such ticket). */
static inline gboolean
dw_store_ticket_get_business_type (DwStore  *store,
                                   gint64    ticket_id,
                                   char    **business_type,
                                   GError  **error)
{
  return store->backend->dispatch->ticket_business_type (store, ticket_id, business_type, error);
}

/* Sets the ticket's assignee and updated_at, one version up if @bump_version.  Only while the
 * ticket has no assignee: DW_STORE_ERROR_CONFLICT, nothing changed, when another instance
 * assigned it meanwhile (PostgreSQL; SQLite's one writer cannot be overtaken). */
static inline gboolean
dw_store_ticket_assign (DwStore   *store,
                        gint64     ticket_id,
                        gint64     user_id,
                        gint64     at,
                        gboolean   bump_version,
                        GError   **error)
{
  return store->backend->dispatch->ticket_assign (store, ticket_id, user_id, at, bump_version,
                                                  error);
}

/* The user's capacity and its active tickets other than @except_ticket_id; @load 0 and
 * @capacity G_MAXINT64 for an unknown user. */
static inline gboolean
dw_store_user_load (DwStore  *store,
                    gint64    user_id,
                    gint64    except_ticket_id,
                    gint64   *load,
                    gint64   *capacity,
                    GError  **error)
{
  return store->backend->dispatch->user_load (store, user_id, except_ticket_id, load, capacity,
                                              error);
}

/* The teams @user_id is a member of (a GArray of gint64; SQLite gives them in the order they
 * were joined, PostgreSQL by id); NULL with @error. */
static inline GArray *
dw_store_user_team_ids (DwStore  *store,
                        gint64    user_id,
                        GError  **error)
{
  return store->backend->dispatch->user_team_ids (store, user_id, error);
}

/* Every team's id (a GArray of gint64, by the teams' names, byte order: the order dispatching
 * goes through them); NULL with @error. */
static inline GArray *
dw_store_team_ids (DwStore  *store,
                   GError  **error)
{
  return store->backend->dispatch->team_ids (store, error);
}

/* Whether @user_id is a member of @team_id (FALSE on an error). */
static inline gboolean
dw_store_user_in_team (DwStore *store,
                       gint64   user_id,
                       gint64   team_id)
{
  return store->backend->dispatch->user_in_team (store, user_id, team_id);
}

G_END_DECLS
