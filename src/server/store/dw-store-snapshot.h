/* dw-store-snapshot.h: the reads the consoles live on: GET /api/v1/snapshot (JSON and the
 * compact form, docs/api.md "Compact snapshot"), the ticket list with its filters and cursor,
 * a ticket's comments and audit trail, the health check.
 *
 * Objects come out as docs/api.md's JSON (integers as integers, NULL as null, times as ISO 8601
 * text); the compact form's rows come out as borrowed column values, valid during the call
 * only, so that 100k tickets cost no copy.  Inside the caller's (read) transaction.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "store/dw-store-backend.h"

G_BEGIN_DECLS

/* Which tickets a principal sees (dw_principal_can_see ()): all, or those assigned to
 * @user_id and those of @team_ids (a lead's teams). */
typedef struct
{
  gboolean      all;
  gint64        user_id;
  const GArray *team_ids;   /* of gint64, may be NULL */
} DwStoreVisibility;

/* The filters of GET /api/v1/tickets; each unset member (NULL, 0, FALSE) filters nothing.
 * Enum lists hold the values' nicks (checked by the caller). */
typedef struct
{
  DwStoreVisibility   visibility;
  gint64              before_id;         /* the cursor: ids below it */
  gint64              team_id;
  gint64              assignee_id;
  gboolean            unassigned;        /* assignee is null */
  const char * const *statuses;          /* NULL-terminated */
  const char * const *priorities;
  const char * const *channels;
  const char * const *sla_states;
  const char * const *breaches;
  const char * const *business_types;
  const char         *q;                 /* in subject, body or order number, literally */
  gboolean            has_updated_since;
  gint64              updated_since;
  guint               limit;
} DwStoreTicketFilter;

/* A column's text as the backend holds it (not NUL-checked, maybe not UTF-8): @text NULL for
 * SQL NULL. */
typedef struct
{
  const char *text;
  gsize       length;
} DwStoreText;

/* One active ticket for the compact form: ids and times 0 for NULL. */
typedef struct
{
  gint64      id;
  DwStoreText subject;
  DwStoreText body;
  DwStoreText channel;
  DwStoreText business_type;
  DwStoreText priority;
  DwStoreText status;
  gint64      team_id;
  gint64      assignee_id;
  gint64      customer_id;
  DwStoreText order_number;
  gint64      created_at;
  gint64      updated_at;
  gint64      first_response_at;
  gint64      solved_at;
  gint64      version;
  int         escalation_level;
  gint64      sla_policy_id;
  DwStoreText sla_state;
  gint64      next_sla_at;
  int         csat;
  DwStoreText csat_comment;
  DwStoreText breach;
  DwStoreText tags;           /* the JSON text */
  DwStoreText sla;            /* the JSON text */
} DwStoreCompactTicket;

/* Element @index of ticket @ticket_id's tags (its text: a string's value, unescaped). */
typedef void (*DwStoreCompactTagFunc)    (gint64                      ticket_id,
                                          gint64                      index,
                                          DwStoreText                 value,
                                          gpointer                    user_data);
typedef void (*DwStoreCompactTicketFunc) (const DwStoreCompactTicket *ticket,
                                          gpointer                    user_data);

typedef struct _DwStoreSnapshotOps DwStoreSnapshotOps;

struct _DwStoreSnapshotOps
{
  gboolean    (*ping)                   (DwStore                   *store);
  gboolean    (*get_setting)            (DwStore                   *store,
                                         const char                *key,
                                         char                     **value,
                                         GError                   **error);
  JsonArray  *(*teams_json)             (DwStore                   *store,
                                         GError                   **error);
  JsonArray  *(*users_json)             (DwStore                   *store,
                                         const DwStoreVisibility   *visibility,
                                         GError                   **error);
  JsonArray  *(*sla_policies_json)      (DwStore                   *store,
                                         GError                   **error);
  gboolean    (*active_tickets_json)    (DwStore                   *store,
                                         const DwStoreVisibility   *visibility,
                                         GString                   *out,
                                         GError                   **error);
  gboolean    (*active_tickets_compact) (DwStore                   *store,
                                         const DwStoreVisibility   *visibility,
                                         DwStoreCompactTicketFunc   ticket_func,
                                         DwStoreCompactTagFunc      tag_func,
                                         gpointer                   user_data,
                                         GError                   **error);
  gboolean    (*ticket_list)            (DwStore                   *store,
                                         const DwStoreTicketFilter *filter,
                                         JsonArray                 *items,
                                         gboolean                  *more,
                                         GError                   **error);
  JsonArray  *(*comments_json)          (DwStore                   *store,
                                         gint64                     ticket_id,
                                         GError                   **error);
  JsonArray  *(*audit_json)             (DwStore                   *store,
                                         gint64                     ticket_id,
                                         GError                   **error);
};

/* Whether the database answers a trivial query (the health check). */
static inline gboolean
dw_store_ping (DwStore *store)
{
  return store->backend->snapshot->ping (store);
}

/* Setting @key's value in @value (NULL when unset); FALSE only on an error. */
static inline gboolean
dw_store_get_setting (DwStore     *store,
                      const char  *key,
                      char       **value,
                      GError     **error)
{
  return store->backend->snapshot->get_setting (store, key, value, error);
}

/* Every team as docs/api.md's object, by id. */
static inline JsonArray *
dw_store_teams_json (DwStore  *store,
                     GError  **error)
{
  return store->backend->snapshot->teams_json (store, error);
}

/* The enabled users @visibility shows (all; or the user and the members of the lead's teams),
 * by id. */
static inline JsonArray *
dw_store_users_json (DwStore                  *store,
                     const DwStoreVisibility  *visibility,
                     GError                  **error)
{
  return store->backend->snapshot->users_json (store, visibility, error);
}

/* Every SLA policy, by position then id. */
static inline JsonArray *
dw_store_sla_policies_json (DwStore  *store,
                            GError  **error)
{
  return store->backend->snapshot->sla_policies_json (store, error);
}

/* Appends each active ticket (new, open, pending, on-hold) that @visibility shows, as JSON
 * text, comma-separated, by id, to @out. */
static inline gboolean
dw_store_active_tickets_json (DwStore                  *store,
                              const DwStoreVisibility  *visibility,
                              GString                  *out,
                              GError                  **error)
{
  return store->backend->snapshot->active_tickets_json (store, visibility, out, error);
}

/* The same tickets as rows, by id: for each, @tag_func once per element of its tags (in any
 * order), then @ticket_func. */
static inline gboolean
dw_store_active_tickets_compact (DwStore                   *store,
                                 const DwStoreVisibility   *visibility,
                                 DwStoreCompactTicketFunc   ticket_func,
                                 DwStoreCompactTagFunc      tag_func,
                                 gpointer                   user_data,
                                 GError                   **error)
{
  return store->backend->snapshot->active_tickets_compact (store, visibility, ticket_func,
                                                           tag_func, user_data, error);
}

/* Appends to @items up to @filter->limit tickets that match, newest id first; @more says
 * whether more follow (the next page starts below the last id). */
static inline gboolean
dw_store_ticket_list (DwStore                    *store,
                      const DwStoreTicketFilter  *filter,
                      JsonArray                  *items,
                      gboolean                   *more,
                      GError                    **error)
{
  return store->backend->snapshot->ticket_list (store, filter, items, more, error);
}

/* Ticket @ticket_id's comments by id (empty for an unknown ticket). */
static inline JsonArray *
dw_store_ticket_comments_json (DwStore  *store,
                               gint64    ticket_id,
                               GError  **error)
{
  return store->backend->snapshot->comments_json (store, ticket_id, error);
}

/* Ticket @ticket_id's audit trail by id (empty for an unknown ticket). */
static inline JsonArray *
dw_store_ticket_audit_json (DwStore  *store,
                            gint64    ticket_id,
                            GError  **error)
{
  return store->backend->snapshot->audit_json (store, ticket_id, error);
}

G_END_DECLS
