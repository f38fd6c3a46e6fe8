/* dw-api-private.h: what the dw-api-*.c files share: the request context and routes. */
#pragma once

#include "dw-auth.h"
#include "dw-api.h"
#include "dw-json.h"
#include "dw-problem.h"
#include "dw-read-pool.h"
#include "dw-sign-in-limit.h"
#include "dw-store.h"
#include "store/dw-store-backend.h"
#include "store/dw-store-people.h"
#include "store/dw-store-snapshot.h"

G_BEGIN_DECLS

struct _DwApi
{
  GObject     parent_instance;

  DwClock    *clock;
  DwDesk     *desk;
  DwEventLog *events;
  DwSignInLimit *sign_in_limit;
  DwStore    *store;   /* the service's (not owned): its transactions and named operations */
  DwReadPool *read_pool;  /* owned, NULL: snapshots on the main connection (dw-read-pool.h) */
  DwAuthCache *auth_cache;  /* owned: principals of checked tokens (dw-auth.h) */
};

/* A pooled read's answer, made on the worker thread and set on the message on the main context
 * (dw-api-pooled.c). */
typedef struct _DwApiDeferred DwApiDeferred;

typedef struct
{
  /* NULL on a worker thread (a pooled route): nothing of the service's is touched there. */
  DwApi             *api;
  SoupServerMessage *msg;
  DwPrincipal       *principal;  /* NULL on public routes; a copy of its own on a worker */
  GHashTable        *query;      /* decoded query parameters, may be NULL */
  gint64             ids[2];     /* the :id segments of the path, in order */
  const char        *key;        /* the :key segment, if the route has one */
  /* What a read reads: the service's store on the main loop; on a worker thread, the pooled
   * connection's, inside one read transaction. */
  DwStore           *store;
  gint64             now;        /* the service's clock, read on the main loop */
  DwApiDeferred     *deferred;   /* on a worker thread: where the dw_api_reply_* () go */
} DwApiRequest;

typedef void (*DwApiHandler) (DwApiRequest *req);

typedef struct
{
  const char   *method;
  const char   *pattern;   /* below /api/v1/, e.g. "tickets/:id/comments" or "surveys/:key" */
  DwApiHandler  handler;
  gboolean      is_public; /* no token needed */
  /* A write that may share its transaction and WAL sync with writes arriving at the same time
   * (DwDesk's group commit): answered once that commit is done.  Every other request commits
   * an open group before it runs, so that it reads only what is durable. */
  gboolean      grouped;
  /* A pure read, answered off the main loop when the service has a read pool
   * (dw-read-pool.h): the handler runs on a worker thread, in one read transaction on a pooled
   * connection, and may use only req->store, req->principal, req->query, req->ids, req->key,
   * req->now and the dw_api_* helpers (req->api and req->msg are NULL there).  So no desk, no
   * caches, no clock of the service's, and no write (dw-api-pooled.c). */
  gboolean      pooled;
} DwApiRoute;

/* On a worker thread: the answer (@body taken, JSON or a problem document), or the error whose
 * problem the main context answers (dw_problem_reply_error, which needs the message). */
void dw_api_deferred_set       (DwApiDeferred *deferred,
                                guint          status,
                                const char    *content_type,
                                char          *body);
void dw_api_deferred_set_error (DwApiDeferred *deferred,
                                const GError  *error);

/* Runs @route's handler for @req (its principal, query and ids copied here) as a job of the
 * service's read pool, and answers @req->msg when it is done (dw-api-pooled.c). */
void dw_api_run_pooled (DwApiRequest     *req,
                        const DwApiRoute *route);
/* A request paused while a pooled connection reads for it (dw-read-pool.h): its message, the
 * read's cancellable (cancelled when the message finishes or the client hangs up meanwhile:
 * libsoup reads nothing from a paused message's connection, so its socket is watched) and the
 * pool.  Shared by the snapshot and the pooled routes (dw-api-pooled.c). */
typedef struct
{
  SoupServerMessage *msg;
  gulong             finished_id;
  gboolean           finished;      /* the client went away meanwhile */
  GCancellable      *cancellable;
  DwReadPool        *pool;          /* a ref */
  GSource           *hang_up;
} DwApiPausedRead;

/* Pauses @msg and starts watching it; @read's cancellable is the one to give the pool's job. */
void     dw_api_paused_read_start  (DwApiPausedRead   *read,
                                    SoupServerMessage *msg,
                                    DwReadPool        *pool);
/* When the job is done: FALSE if nothing may be answered (the message finished, or the service
 * stopped and its server with it); else TRUE, the socket no longer watched, and the caller
 * sets the answer and unpauses @read->msg. */
gboolean dw_api_paused_read_settle (DwApiPausedRead   *read);
void     dw_api_paused_read_clear  (DwApiPausedRead   *read);

/* Route tables, each ending with { NULL }. */
extern const DwApiRoute dw_api_auth_routes[];
extern const DwApiRoute dw_api_directory_routes[];
extern const DwApiRoute dw_api_ticket_routes[];
extern const DwApiRoute dw_api_sla_routes[];
extern const DwApiRoute dw_api_snapshot_routes[];
extern const DwApiRoute dw_api_staffing_routes[];
extern const DwApiRoute dw_api_roster_routes[];
extern const DwApiRoute dw_api_survey_routes[];
extern const DwApiRoute dw_api_agent_routes[];

/* The request body as a JSON object; on failure replies the problem (400/413/415) and
 * returns NULL. */
JsonObject *dw_api_read_object   (DwApiRequest *req);

/* A query parameter or NULL. */
const char *dw_api_query         (DwApiRequest *req,
                                  const char   *name);

void        dw_api_reply_object  (DwApiRequest *req,
                                  guint         status,
                                  JsonObject   *object);
/* {"items": [...]} plus "next_cursor" when @with_cursor. */
void        dw_api_reply_items   (DwApiRequest *req,
                                  JsonArray    *items,
                                  gboolean      with_cursor,
                                  const char   *next_cursor);
void        dw_api_reply_error   (DwApiRequest *req,
                                  const GError *error);
/* What a desk or store call answered: @object (taken) with @status, or, when it is NULL, the
 * problem of *@error.  A pointer, so that it is read after the call that set it. */
void        dw_api_reply_result  (DwApiRequest *req,
                                  guint         status,
                                  JsonObject   *object,
                                  GError      **error);
void        dw_api_reply_forbidden (DwApiRequest *req,
                                    const char   *detail);
void        dw_api_reply_not_found (DwApiRequest *req,
                                    const char   *what,
                                    gint64        id);
void        dw_api_reply_invalid (DwApiRequest *req,
                                  const char   *detail_format,
                                  ...) G_GNUC_PRINTF (2, 3);

/* Paging: ?limit= (1..500, default 50) and ?cursor= (opaque; from a previous next_cursor).
 * On a bad value reply 400 and return FALSE.  *after_id is 0 for the first page. */
gboolean    dw_api_read_paging   (DwApiRequest *req,
                                  guint        *limit,
                                  gint64       *after_id);
char       *dw_api_make_cursor   (gint64        last_id);

/* Appends "(col IN (1,2,3))"-style visibility of tickets for @principal to @where (with AND),
 * on table alias t. */
void        dw_api_ticket_visibility (DwPrincipal *principal,
                                      GString     *where);

/* What @principal sees of the tickets, for the store's reads. */
void dw_api_visibility (DwPrincipal       *principal,
                        DwStoreVisibility *visibility);

G_END_DECLS
