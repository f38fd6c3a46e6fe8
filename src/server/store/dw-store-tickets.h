/* dw-store-tickets.h: the named operations on tickets and their comments.
 *
 * Rows in and out are plain C: enums as src/core's values, times as Unix seconds, ids and
 * times 0 for NULL, JSON columns (tags) as their text.  Inside the caller's transaction.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "store/dw-store-backend.h"

G_BEGIN_DECLS

/* The mutable columns of a ticket, as an update reads and writes them. */
typedef struct
{
  char   *subject;
  char   *business_type;      /* NULL: none */
  int     priority;           /* DwPriority */
  int     status;             /* DwStatus */
  gint64  team_id;
  gint64  assignee_id;
  gint64  customer_id;
  char   *order_number;
  char   *tags;               /* JSON array; NULL stored as [] */
  gint64  first_response_at;
  gint64  solved_at;
  int     csat;               /* 1 to 5, 0: none */
  char   *csat_comment;
  gint64  version;            /* what the row was at when loaded; an update expects it */
} DwStoreTicketRow;

static inline void
dw_store_ticket_row_clear (DwStoreTicketRow *row)
{
  g_clear_pointer (&row->subject, g_free);
  g_clear_pointer (&row->business_type, g_free);
  g_clear_pointer (&row->order_number, g_free);
  g_clear_pointer (&row->tags, g_free);
  g_clear_pointer (&row->csat_comment, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DwStoreTicketRow, dw_store_ticket_row_clear)

/* A new ticket (status new, version 1, no assignee: routing assigns after).  Borrowed. */
typedef struct
{
  const char *subject;
  const char *body;           /* NULL: "" */
  int         channel;        /* DwChannel */
  const char *business_type;
  int         priority;       /* DwPriority */
  gint64      team_id;
  gint64      customer_id;
  const char *order_number;
  const char *tags;           /* JSON array */
  gint64      created_at;     /* also its updated_at */
} DwStoreTicketNew;

/* What the desk reads off a ticket whose JSON it has as text only (load_json_text). */
typedef struct
{
  gint64 team_id;             /* 0: none */
  gint64 assignee_id;         /* 0: none */
  int    status;              /* DwStatus */
} DwStoreTicketKeys;

typedef struct
{
  gint64      ticket_id;
  int         author_kind;    /* DwAuthorKind */
  gint64      author_id;      /* 0: none (system) */
  gboolean    is_public;
  const char *body;
  gint64      created_at;
} DwStoreCommentNew;

struct _DwStoreTicketOps
{
  gboolean    (*load)                 (DwStore                 *store,
                                       gint64                   ticket_id,
                                       DwStoreTicketRow        *row,
                                       GError                 **error);
  JsonObject *(*load_json)            (DwStore                 *store,
                                       gint64                   ticket_id,
                                       GError                 **error);
  gint64      (*insert)               (DwStore                 *store,
                                       const DwStoreTicketNew  *ticket,
                                       GError                 **error);
  gboolean    (*update)               (DwStore                 *store,
                                       gint64                   ticket_id,
                                       const DwStoreTicketRow  *row,
                                       gint64                   updated_at,
                                       GError                 **error);
  gboolean    (*set_escalation_level) (DwStore                 *store,
                                       gint64                   ticket_id,
                                       gint64                   level,
                                       GError                 **error);
  gboolean    (*get_assignee)         (DwStore                 *store,
                                       gint64                   ticket_id,
                                       gint64                  *assignee_id,
                                       GError                 **error);
  gint64      (*comment_insert)       (DwStore                 *store,
                                       const DwStoreCommentNew *comment,
                                       GError                 **error);
  JsonObject *(*comment_load_json)    (DwStore                 *store,
                                       gint64                   comment_id,
                                       GError                 **error);
  char       *(*load_json_text)       (DwStore                 *store,
                                       gint64                   ticket_id,
                                       DwStoreTicketKeys       *keys,
                                       GError                 **error);
};

/* Fills @row (cleared by the caller); DW_STORE_ERROR_NOT_FOUND for an unknown id. */
static inline gboolean
dw_store_ticket_load (DwStore           *store,
                      gint64             ticket_id,
                      DwStoreTicketRow  *row,
                      GError           **error)
{
  return store->backend->tickets->load (store, ticket_id, row, error);
}

/* The ticket as the object of docs/api.md (with its SLA targets and breach);
 * DW_STORE_ERROR_NOT_FOUND for an unknown id. */
static inline JsonObject *
dw_store_ticket_load_json (DwStore  *store,
                           gint64    ticket_id,
                           GError  **error)
{
  return store->backend->tickets->load_json (store, ticket_id, error);
}

/* load_json's object as the text dw_json_to_string() makes of it, byte for byte, with its
 * team, assignee and status in @keys: a create's event and reply need only the text, and the
 * tree and its serialisation were 90k of a create's instructions (issue 13).
 * DW_STORE_ERROR_NOT_FOUND for an unknown id. */
static inline char *
dw_store_ticket_load_json_text (DwStore            *store,
                                gint64              ticket_id,
                                DwStoreTicketKeys  *keys,
                                GError            **error)
{
  return store->backend->tickets->load_json_text (store, ticket_id, keys, error);
}

/* The new ticket's id, or 0 with @error (DW_STORE_ERROR_CONSTRAINT for an unknown team or
 * customer). */
static inline gint64
dw_store_ticket_insert (DwStore                 *store,
                        const DwStoreTicketNew  *ticket,
                        GError                 **error)
{
  return store->backend->tickets->insert (store, ticket, error);
}

/* Writes @row over ticket @ticket_id, one version up, if it is still at @row->version;
 * DW_STORE_ERROR_CONFLICT when it is not (or is gone): a lost update is impossible even if two
 * writers got past the desk's own check. */
static inline gboolean
dw_store_ticket_update (DwStore                 *store,
                        gint64                   ticket_id,
                        const DwStoreTicketRow  *row,
                        gint64                   updated_at,
                        GError                 **error)
{
  return store->backend->tickets->update (store, ticket_id, row, updated_at, error);
}

/* The level alone (no new version: it goes with the update that asked for it). */
static inline gboolean
dw_store_ticket_set_escalation_level (DwStore  *store,
                                      gint64    ticket_id,
                                      gint64    level,
                                      GError  **error)
{
  return store->backend->tickets->set_escalation_level (store, ticket_id, level, error);
}

/* The assignee now (0: none), e.g. after routing ran; DW_STORE_ERROR_NOT_FOUND. */
static inline gboolean
dw_store_ticket_get_assignee (DwStore  *store,
                              gint64    ticket_id,
                              gint64   *assignee_id,
                              GError  **error)
{
  return store->backend->tickets->get_assignee (store, ticket_id, assignee_id, error);
}

/* The new comment's id, or 0 with @error (DW_STORE_ERROR_CONSTRAINT for an unknown ticket). */
static inline gint64
dw_store_comment_insert (DwStore                  *store,
                         const DwStoreCommentNew  *comment,
                         GError                  **error)
{
  return store->backend->tickets->comment_insert (store, comment, error);
}

static inline JsonObject *
dw_store_comment_load_json (DwStore  *store,
                            gint64    comment_id,
                            GError  **error)
{
  return store->backend->tickets->comment_load_json (store, comment_id, error);
}

G_END_DECLS
