/* dw-store-demo.h: the named operations of the demo desk's seed (dw-demo.c): the single inserts
 * of the calendar, teams, business types, routing rules, SLA policies, people and their
 * memberships, skills, shifts and presence, the customers in bulk, the settings the demo writes,
 * the hand-back of tickets held beyond an agent's capacity, and the seed's relaxed durability
 * and large page cache (SQLite pragmas; no-ops on PostgreSQL); the roster's story on top of the
 * seeded shifts (dw-demo-roster.c), which otherwise uses dw-store-roster.h's and
 * dw-store-auth.h's operations; what the simulator reads (dw-demo-simulator.c: it writes
 * through the desk); and the history's reads and bulk writes (dw-demo-history.c): tickets,
 * comments and audit rows with the ids the history numbered, and their surveys.
 *
 * Ids are returned as the backend made them (0 on error).  Inside the caller's transaction,
 * like every operation, except fast_writes and seed_cache, which SQLite only takes between
 * transactions.
 */
#pragma once

#include "store/dw-store-backend.h"

G_BEGIN_DECLS


typedef struct
{
  const char *name;
  const char *priorities;        /* JSON arrays */
  const char *tags;
  const char *business_types;
  gint64      first_response_minutes;
  gint64      next_response_minutes;
  gint64      resolution_minutes;
  const char *escalation;        /* JSON object */
  gint64      position;
} DwStoreDemoPolicy;

typedef struct
{
  const char *username;
  const char *display_name;
  const char *role;
  const char *password_hash;
  gint64      capacity;
  const char *presence;
  gint64      presence_since;
  gint64      created_at;
} DwStoreDemoUser;

typedef struct
{
  const char *name;
  const char *email;             /* NULL for none */
  const char *phone;
  const char *tags;              /* JSON array */
  gint64      created_at;
} DwStoreDemoCustomer;

/* A ticket an agent holds beyond its capacity. */
typedef struct
{
  gint64 ticket_id;
  gint64 agent_id;
} DwStoreDemoHeld;

/* An assigned ticket the simulator may act on (new, open or pending). */
typedef struct
{
  gint64      id;
  const char *status;
  gint64      assignee_id;
  const char *business_type;     /* NULL for none */
  gboolean    assignee_online;
} DwStoreDemoActive;

/* Borrowed @row, for the length of the call. */
typedef void (*DwStoreDemoActiveFunc) (const DwStoreDemoActive *row,
                                       gpointer                 data);

/* An agent the history hands tickets to. */
typedef struct
{
  gint64   id;
  gint64   capacity;
  gboolean offline;
} DwStoreDemoAgent;

/* A presence_log row. */
typedef struct
{
  gint64   at;
  gboolean online;
} DwStoreDemoPresence;

/* Rows with their ids as given; strings borrowed.  0 for a NULL id or time. */
typedef struct
{
  gint64      id;
  const char *subject;
  const char *body;
  const char *channel;
  const char *business_type;
  const char *priority;
  const char *status;
  gint64      team_id;
  gint64      assignee_id;
  gint64      customer_id;
  const char *order_number;      /* NULL for none */
  const char *tags;
  gint64      created_at;
  gint64      updated_at;
  gint64      first_response_at;
  gint64      solved_at;
  gint64      version;
  gint64      escalation_level;
  gint64      sla_policy_id;
  const char *sla_state;
  const char *sla;
  gint64      next_sla_at;
  gint64      csat;
  const char *csat_comment;      /* NULL for none */
} DwStoreDemoTicket;

typedef struct
{
  gint64      id;
  gint64      ticket_id;
  const char *author_kind;
  gint64      author_id;
  gboolean    is_public;
  const char *body;
  gint64      created_at;
} DwStoreDemoComment;

/* A ticket's audit row (entity 'ticket'); NULL strings are SQL NULL. */
typedef struct
{
  gint64      id;
  gint64      at;
  gint64      actor_id;
  gint64      ticket_id;
  const char *action;
  const char *field;
  const char *before;
  const char *after;
  const char *reason;
} DwStoreDemoAudit;

typedef void (*DwStoreDemoKeyFunc) (gint64      id,
                                    const char *text,
                                    gpointer    data);

/* The values of a history row (DwStoreDemoTicket, _Comment, _Audit) in the order of the
 * parameters of its INSERT, the same on every backend, and how each is written: the backends
 * bind or print a row from these tables and keep only their SQL. */
typedef enum
{
  DW_STORE_DEMO_VALUE_INT,           /* gint64 */
  DW_STORE_DEMO_VALUE_ID,            /* gint64, NULL when ≤ 0 */
  DW_STORE_DEMO_VALUE_TEXT,          /* const char *, never NULL */
  DW_STORE_DEMO_VALUE_TEXT_OR_NULL,  /* const char *, NULL for NULL */
  DW_STORE_DEMO_VALUE_BOOL,          /* gboolean, as 1 or 0 */
} DwStoreDemoValueKind;

typedef struct
{
  DwStoreDemoValueKind kind;
  glong                offset;       /* of the member in the row */
} DwStoreDemoValue;

#define DW_STORE_DEMO_VALUE(kind, type, member) \
  { DW_STORE_DEMO_VALUE_ ## kind, G_STRUCT_OFFSET (type, member) }

static const DwStoreDemoValue dw_store_demo_ticket_values[] = {
  DW_STORE_DEMO_VALUE (INT, DwStoreDemoTicket, id),
  DW_STORE_DEMO_VALUE (TEXT, DwStoreDemoTicket, subject),
  DW_STORE_DEMO_VALUE (TEXT, DwStoreDemoTicket, body),
  DW_STORE_DEMO_VALUE (TEXT, DwStoreDemoTicket, channel),
  DW_STORE_DEMO_VALUE (TEXT, DwStoreDemoTicket, business_type),
  DW_STORE_DEMO_VALUE (TEXT, DwStoreDemoTicket, priority),
  DW_STORE_DEMO_VALUE (TEXT, DwStoreDemoTicket, status),
  DW_STORE_DEMO_VALUE (INT, DwStoreDemoTicket, team_id),
  DW_STORE_DEMO_VALUE (ID, DwStoreDemoTicket, assignee_id),
  DW_STORE_DEMO_VALUE (INT, DwStoreDemoTicket, customer_id),
  DW_STORE_DEMO_VALUE (TEXT_OR_NULL, DwStoreDemoTicket, order_number),
  DW_STORE_DEMO_VALUE (TEXT, DwStoreDemoTicket, tags),
  DW_STORE_DEMO_VALUE (INT, DwStoreDemoTicket, created_at),
  DW_STORE_DEMO_VALUE (INT, DwStoreDemoTicket, updated_at),
  DW_STORE_DEMO_VALUE (ID, DwStoreDemoTicket, first_response_at),
  DW_STORE_DEMO_VALUE (ID, DwStoreDemoTicket, solved_at),
  DW_STORE_DEMO_VALUE (INT, DwStoreDemoTicket, version),
  DW_STORE_DEMO_VALUE (INT, DwStoreDemoTicket, escalation_level),
  DW_STORE_DEMO_VALUE (ID, DwStoreDemoTicket, sla_policy_id),
  DW_STORE_DEMO_VALUE (TEXT, DwStoreDemoTicket, sla_state),
  DW_STORE_DEMO_VALUE (TEXT, DwStoreDemoTicket, sla),
  DW_STORE_DEMO_VALUE (ID, DwStoreDemoTicket, next_sla_at),
  DW_STORE_DEMO_VALUE (ID, DwStoreDemoTicket, csat),
  DW_STORE_DEMO_VALUE (TEXT_OR_NULL, DwStoreDemoTicket, csat_comment),
};

static const DwStoreDemoValue dw_store_demo_comment_values[] = {
  DW_STORE_DEMO_VALUE (INT, DwStoreDemoComment, id),
  DW_STORE_DEMO_VALUE (INT, DwStoreDemoComment, ticket_id),
  DW_STORE_DEMO_VALUE (TEXT, DwStoreDemoComment, author_kind),
  DW_STORE_DEMO_VALUE (ID, DwStoreDemoComment, author_id),
  DW_STORE_DEMO_VALUE (BOOL, DwStoreDemoComment, is_public),
  DW_STORE_DEMO_VALUE (TEXT, DwStoreDemoComment, body),
  DW_STORE_DEMO_VALUE (INT, DwStoreDemoComment, created_at),
};

/* entity is 'ticket' in the SQL, between actor_id and ticket_id (entity_id). */
static const DwStoreDemoValue dw_store_demo_audit_values[] = {
  DW_STORE_DEMO_VALUE (INT, DwStoreDemoAudit, id),
  DW_STORE_DEMO_VALUE (INT, DwStoreDemoAudit, at),
  DW_STORE_DEMO_VALUE (ID, DwStoreDemoAudit, actor_id),
  DW_STORE_DEMO_VALUE (INT, DwStoreDemoAudit, ticket_id),
  DW_STORE_DEMO_VALUE (TEXT, DwStoreDemoAudit, action),
  DW_STORE_DEMO_VALUE (TEXT_OR_NULL, DwStoreDemoAudit, field),
  DW_STORE_DEMO_VALUE (TEXT_OR_NULL, DwStoreDemoAudit, before),
  DW_STORE_DEMO_VALUE (TEXT_OR_NULL, DwStoreDemoAudit, after),
  DW_STORE_DEMO_VALUE (TEXT_OR_NULL, DwStoreDemoAudit, reason),
};

/* The rows of one table: their values, and the size of one (the stride of an array of them). */
typedef struct
{
  const DwStoreDemoValue *values;
  guint                   n_values;
  gsize                   row_size;
} DwStoreDemoRows;

static const DwStoreDemoRows dw_store_demo_ticket_rows = {
  dw_store_demo_ticket_values, G_N_ELEMENTS (dw_store_demo_ticket_values),
  sizeof (DwStoreDemoTicket)
};
static const DwStoreDemoRows dw_store_demo_comment_rows = {
  dw_store_demo_comment_values, G_N_ELEMENTS (dw_store_demo_comment_values),
  sizeof (DwStoreDemoComment)
};
static const DwStoreDemoRows dw_store_demo_audit_rows = {
  dw_store_demo_audit_values, G_N_ELEMENTS (dw_store_demo_audit_values), sizeof (DwStoreDemoAudit)
};

/* Row @i of @rows, an array of @layout's rows. */
static inline gconstpointer
dw_store_demo_row (const DwStoreDemoRows *layout,
                   gconstpointer          rows,
                   guint                  i)
{
  return (const guint8 *) rows + (gsize) i * layout->row_size;
}

/* Where @value is in @row: a gint64, a const char * or a gboolean, as its kind says. */
static inline gconstpointer
dw_store_demo_value_at (const DwStoreDemoValue *value,
                        gconstpointer           row)
{
  return G_STRUCT_MEMBER_P (row, value->offset);
}

/* Audit rows to an INSERT on SQLite (dw_store_demo_insert_audit). */
#define DW_STORE_DEMO_AUDIT_BATCH 32

struct _DwStoreDemoOps
{
  gboolean (*fast_writes)       (DwStore *store, gboolean fast, GError **error);
  gboolean (*seed_cache)        (DwStore *store, gboolean large, GError **error);
  gint64   (*insert_calendar)   (DwStore *store, const char *name, const char *timezone,
                                 const char *week, const char *holidays, const char *workdays,
                                 GError **error);
  gint64   (*insert_team)       (DwStore *store, const char *name, const char *description,
                                 gint64 calendar_id, gint64 created_at, GError **error);
  gboolean (*insert_business_type) (DwStore *store, const char *key, const char *name,
                                    gint64 team_id, const char *skill, GError **error);
  gboolean (*insert_routing_rule) (DwStore *store, gint64 position, const char *keyword,
                                   const char *business_type, GError **error);
  gboolean (*put_setting)       (DwStore *store, const char *key, const char *value,
                                 GError **error);
  gboolean (*insert_policy)     (DwStore *store, const DwStoreDemoPolicy *policy,
                                 GError **error);
  gint64   (*insert_user)       (DwStore *store, const DwStoreDemoUser *user, GError **error);
  gboolean (*insert_member)     (DwStore *store, gint64 team_id, gint64 user_id,
                                 gboolean is_lead, GError **error);
  gboolean (*insert_skill)      (DwStore *store, gint64 user_id, const char *skill, gint64 level,
                                 GError **error);
  gboolean (*insert_presence)   (DwStore *store, gint64 user_id, const char *presence, gint64 at,
                                 GError **error);
  gboolean (*insert_shift)      (DwStore *store, gint64 user_id, gint64 team_id,
                                 gint64 starts_at, gint64 ends_at, GError **error);
  gboolean (*insert_customers)  (DwStore *store, const DwStoreDemoCustomer *rows, guint n,
                                 GError **error);
  gboolean (*held_over_capacity) (DwStore *store, GArray *held, GError **error);
  gboolean (*requeue)           (DwStore *store, gint64 ticket_id, gint64 agent_id, gint64 now,
                                 GError **error);
  gboolean (*shifts_tie_templates) (DwStore *store, gint64 utc_offset, gint64 break_after,
                                    gint64 break_length, GError **error);
  gboolean (*insert_draft_week) (DwStore *store, gint64 team_id, gint64 week_start,
                                 GError **error);
  gboolean (*take_offline)      (DwStore *store, gint64 user_id, gint64 since, GError **error);
  gboolean (*delete_user_shifts) (DwStore *store, gint64 user_id, gint64 from, gint64 to,
                                  GError **error);
  gboolean (*latest_shifts)     (DwStore *store, gint64 team_id, gint64 after, gint64 from,
                                 gint64 to, guint limit, GArray *ids, GError **error);
  gboolean (*first_shift_at)    (DwStore *store, gint64 team_id, gint64 starts_at,
                                 gint64 before, gint64 *user_id, gboolean *found,
                                 GError **error);
  gboolean (*move_online)       (DwStore *store, gint64 user_id, gint64 from, gint64 to,
                                 gint64 at, GError **error);
  gboolean (*customer_max_id)   (DwStore *store, gint64 *max_id, GError **error);
  gboolean (*customer_tags)     (DwStore *store, gint64 customer_id, char **tags,
                                 gboolean *found, GError **error);
  gboolean (*user_presence)     (DwStore *store, gint64 user_id, char **presence,
                                 GError **error);
  gboolean (*active_assigned)   (DwStore *store, DwStoreDemoActiveFunc func, gpointer data,
                                 GError **error);
  gboolean (*solved_before)     (DwStore *store, gint64 before, guint limit, GArray *ids,
                                 GError **error);
  gboolean (*agent_ids)         (DwStore *store, GArray *ids, GError **error);
  gboolean (*user_shifts)       (DwStore *store, gint64 user_id, GArray *times,
                                 GError **error);
  gboolean (*history_agents)    (DwStore *store, GArray *agents, GError **error);
  gboolean (*agent_skills)      (DwStore *store, gint64 user_id, DwStoreDemoKeyFunc func,
                                 gpointer data, GError **error);
  gboolean (*agent_presence_log) (DwStore *store, gint64 user_id, GArray *rows,
                                  GError **error);
  gboolean (*agent_teams)       (DwStore *store, gint64 user_id, GArray *ids, GError **error);
  gboolean (*customers_tags)    (DwStore *store, DwStoreDemoKeyFunc func, gpointer data,
                                 GError **error);
  gboolean (*policy_ids)        (DwStore *store, GArray *ids, GError **error);
  gboolean (*business_type_teams) (DwStore *store, DwStoreDemoKeyFunc func, gpointer data,
                                   GError **error);
  gboolean (*max_ids)           (DwStore *store, gint64 *ticket_id, gint64 *comment_id,
                                 gint64 *audit_id, GError **error);
  gboolean (*insert_tickets)    (DwStore *store, const DwStoreDemoTicket *rows, guint n,
                                 GError **error);
  gboolean (*insert_comments)   (DwStore *store, const DwStoreDemoComment *rows, guint n,
                                 GError **error);
  gboolean (*insert_audit)      (DwStore *store, const DwStoreDemoAudit *rows, guint n,
                                 GError **error);
  gboolean (*seed_surveys)      (DwStore *store, gint64 from_ticket, gint64 to_ticket,
                                 GError **error);
  gboolean (*is_empty)          (DwStore *store, gboolean *empty, GError **error);
  gboolean (*seed_lock)         (DwStore *store, gboolean lock, GError **error);
};

/* Between transactions, for a seed nobody has been told of yet, whose COMMITs need not wait for
 * the disk: SQLite synchronous=OFF (@fast) or FULL; PostgreSQL synchronous_commit off or the
 * session's own setting again (RESET; see dw-pg-demo.c). */
static inline gboolean
dw_store_demo_fast_writes (DwStore  *store,
                           gboolean  fast,
                           GError  **error)
{
  return store->backend->demo->fast_writes (store, fast, error);
}

/* SQLite: a page cache of 64 MB while seeding (@large), the default 2 MB after.  PostgreSQL:
 * nothing (its cache is the server's). */
static inline gboolean
dw_store_demo_seed_cache (DwStore  *store,
                          gboolean  large,
                          GError  **error)
{
  return store->backend->demo->seed_cache (store, large, error);
}

static inline gint64
dw_store_demo_insert_calendar (DwStore     *store,
                               const char  *name,
                               const char  *timezone,
                               const char  *week,
                               const char  *holidays,
                               const char  *workdays,
                               GError     **error)
{
  return store->backend->demo->insert_calendar (store, name, timezone, week, holidays, workdays,
                                                error);
}

static inline gint64
dw_store_demo_insert_team (DwStore     *store,
                           const char  *name,
                           const char  *description,
                           gint64       calendar_id,
                           gint64       created_at,
                           GError     **error)
{
  return store->backend->demo->insert_team (store, name, description, calendar_id, created_at,
                                            error);
}

static inline gboolean
dw_store_demo_insert_business_type (DwStore     *store,
                                    const char  *key,
                                    const char  *name,
                                    gint64       team_id,
                                    const char  *skill,
                                    GError     **error)
{
  return store->backend->demo->insert_business_type (store, key, name, team_id, skill, error);
}

static inline gboolean
dw_store_demo_insert_routing_rule (DwStore     *store,
                                   gint64       position,
                                   const char  *keyword,
                                   const char  *business_type,
                                   GError     **error)
{
  return store->backend->demo->insert_routing_rule (store, position, keyword, business_type,
                                                    error);
}

/* Sets settings.@key to @value, whether it was there or not. */
static inline gboolean
dw_store_demo_put_setting (DwStore     *store,
                           const char  *key,
                           const char  *value,
                           GError     **error)
{
  return store->backend->demo->put_setting (store, key, value, error);
}

/* An SLA policy that matches no channel in particular, at-risk at 0.75. */
static inline gboolean
dw_store_demo_insert_policy (DwStore                  *store,
                             const DwStoreDemoPolicy  *policy,
                             GError                  **error)
{
  return store->backend->demo->insert_policy (store, policy, error);
}

static inline gint64
dw_store_demo_insert_user (DwStore                *store,
                           const DwStoreDemoUser  *user,
                           GError                **error)
{
  return store->backend->demo->insert_user (store, user, error);
}

static inline gboolean
dw_store_demo_insert_member (DwStore   *store,
                             gint64     team_id,
                             gint64     user_id,
                             gboolean   is_lead,
                             GError   **error)
{
  return store->backend->demo->insert_member (store, team_id, user_id, is_lead, error);
}

static inline gboolean
dw_store_demo_insert_skill (DwStore     *store,
                            gint64       user_id,
                            const char  *skill,
                            gint64       level,
                            GError     **error)
{
  return store->backend->demo->insert_skill (store, user_id, skill, level, error);
}

static inline gboolean
dw_store_demo_insert_presence (DwStore     *store,
                               gint64       user_id,
                               const char  *presence,
                               gint64       at,
                               GError     **error)
{
  return store->backend->demo->insert_presence (store, user_id, presence, at, error);
}

static inline gboolean
dw_store_demo_insert_shift (DwStore  *store,
                            gint64    user_id,
                            gint64    team_id,
                            gint64    starts_at,
                            gint64    ends_at,
                            GError  **error)
{
  return store->backend->demo->insert_shift (store, user_id, team_id, starts_at, ends_at, error);
}

/* @n customers, ids in order as the backend makes them. */
static inline gboolean
dw_store_demo_insert_customers (DwStore                    *store,
                                const DwStoreDemoCustomer  *rows,
                                guint                       n,
                                GError                    **error)
{
  return store->backend->demo->insert_customers (store, rows, n, error);
}

/* Appends to @held (DwStoreDemoHeld) the open tickets (new, open, pending, on-hold) each agent
 * holds beyond its capacity: its newest, those waiting on the customer after the others; agents
 * by id, tickets by (status waits, created_at, id). */
static inline gboolean
dw_store_demo_held_over_capacity (DwStore  *store,
                                  GArray   *held,
                                  GError  **error)
{
  return store->backend->demo->held_over_capacity (store, held, error);
}

/* Ticket @ticket_id back to its team's queue (unassigned, version + 1), with its audit row at
 * @now naming @agent_id as the assignee before. */
static inline gboolean
dw_store_demo_requeue (DwStore  *store,
                       gint64    ticket_id,
                       gint64    agent_id,
                       gint64    now,
                       GError  **error)
{
  return store->backend->demo->requeue (store, ticket_id, agent_id, now, error);
}

/* Every shift tied to its team's template that starts at its local start (@utc_offset seconds
 * ahead of UTC), or to none, with one break of @break_length seconds @break_after its start
 * (breaks "[[from,to]]", break_seconds). */
static inline gboolean
dw_store_demo_shifts_tie_templates (DwStore  *store,
                                    gint64    utc_offset,
                                    gint64    break_after,
                                    gint64    break_length,
                                    GError  **error)
{
  return store->backend->demo->shifts_tie_templates (store, utc_offset, break_after, break_length,
                                                     error);
}

/* A roster week in the planner's draft. */
static inline gboolean
dw_store_demo_insert_draft_week (DwStore  *store,
                                 gint64    team_id,
                                 gint64    week_start,
                                 GError  **error)
{
  return store->backend->demo->insert_draft_week (store, team_id, week_start, error);
}

/* The user offline since @since, its presence log from then on forgotten. */
static inline gboolean
dw_store_demo_take_offline (DwStore  *store,
                            gint64    user_id,
                            gint64    since,
                            GError  **error)
{
  return store->backend->demo->take_offline (store, user_id, since, error);
}

/* Deletes the user's shifts that overlap [@from, @to). */
static inline gboolean
dw_store_demo_delete_user_shifts (DwStore  *store,
                                  gint64    user_id,
                                  gint64    from,
                                  gint64    to,
                                  GError  **error)
{
  return store->backend->demo->delete_user_shifts (store, user_id, from, to, error);
}

/* Appends to @ids (gint64) the ids of the team's last @limit shifts that start after @after
 * and in [@from, @to), the latest first. */
static inline gboolean
dw_store_demo_latest_shifts (DwStore  *store,
                             gint64    team_id,
                             gint64    after,
                             gint64    from,
                             gint64    to,
                             guint     limit,
                             GArray   *ids,
                             GError  **error)
{
  return store->backend->demo->latest_shifts (store, team_id, after, from, to, limit, ids, error);
}

/* The user (lowest id) of a team's shift starting at @starts_at, if it started 45 minutes before
 * @before. */
static inline gboolean
dw_store_demo_first_shift_at (DwStore   *store,
                              gint64     team_id,
                              gint64     starts_at,
                              gint64     before,
                              gint64    *user_id,
                              gboolean  *found,
                              GError   **error)
{
  return store->backend->demo->first_shift_at (store, team_id, starts_at, before, user_id, found,
                                               error);
}

/* The user's "online" presence rows in [@from, @to] moved to @at. */
static inline gboolean
dw_store_demo_move_online (DwStore  *store,
                           gint64    user_id,
                           gint64    from,
                           gint64    to,
                           gint64    at,
                           GError  **error)
{
  return store->backend->demo->move_online (store, user_id, from, to, at, error);
}

/* The largest customer id, 0 with none. */
static inline gboolean
dw_store_demo_customer_max_id (DwStore  *store,
                               gint64   *max_id,
                               GError  **error)
{
  return store->backend->demo->customer_max_id (store, max_id, error);
}

/* The customer's tags (JSON, new string), if there is such a customer (@found). */
static inline gboolean
dw_store_demo_customer_tags (DwStore   *store,
                             gint64     customer_id,
                             char     **tags,
                             gboolean  *found,
                             GError   **error)
{
  return store->backend->demo->customer_tags (store, customer_id, tags, found, error);
}

/* The user's presence (new string), NULL if there is no such user. */
static inline gboolean
dw_store_demo_user_presence (DwStore  *store,
                             gint64    user_id,
                             char    **presence,
                             GError  **error)
{
  return store->backend->demo->user_presence (store, user_id, presence, error);
}

/* Each assigned ticket that is new, open or pending, with whether its assignee is online. */
static inline gboolean
dw_store_demo_active_assigned (DwStore                *store,
                               DwStoreDemoActiveFunc   func,
                               gpointer                data,
                               GError                **error)
{
  return store->backend->demo->active_assigned (store, func, data, error);
}

/* Appends to @ids (gint64) up to @limit solved tickets solved before @before, the oldest first. */
static inline gboolean
dw_store_demo_solved_before (DwStore  *store,
                             gint64    before,
                             guint     limit,
                             GArray   *ids,
                             GError  **error)
{
  return store->backend->demo->solved_before (store, before, limit, ids, error);
}

/* Appends to @ids (gint64) the agents not disabled, by id. */
static inline gboolean
dw_store_demo_agent_ids (DwStore  *store,
                         GArray   *ids,
                         GError  **error)
{
  return store->backend->demo->agent_ids (store, ids, error);
}

/* Appends to @times (gint64) starts_at, ends_at of each of the user's shifts, by start. */
static inline gboolean
dw_store_demo_user_shifts (DwStore  *store,
                           gint64    user_id,
                           GArray   *times,
                           GError  **error)
{
  return store->backend->demo->user_shifts (store, user_id, times, error);
}

/* Appends to @agents (DwStoreDemoAgent) every agent, by id. */
static inline gboolean
dw_store_demo_history_agents (DwStore  *store,
                              GArray   *agents,
                              GError  **error)
{
  return store->backend->demo->history_agents (store, agents, error);
}

/* @func (level, skill, @data) for each of the user's skills. */
static inline gboolean
dw_store_demo_agent_skills (DwStore             *store,
                            gint64               user_id,
                            DwStoreDemoKeyFunc   func,
                            gpointer             data,
                            GError             **error)
{
  return store->backend->demo->agent_skills (store, user_id, func, data, error);
}

/* Appends to @rows (DwStoreDemoPresence) the user's presence log by (at, id). */
static inline gboolean
dw_store_demo_agent_presence_log (DwStore  *store,
                                  gint64    user_id,
                                  GArray   *rows,
                                  GError  **error)
{
  return store->backend->demo->agent_presence_log (store, user_id, rows, error);
}

/* Appends to @ids (gint64) the user's teams. */
static inline gboolean
dw_store_demo_agent_teams (DwStore  *store,
                           gint64    user_id,
                           GArray   *ids,
                           GError  **error)
{
  return store->backend->demo->agent_teams (store, user_id, ids, error);
}

/* @func (id, tags JSON, @data) for every customer. */
static inline gboolean
dw_store_demo_customers_tags (DwStore             *store,
                              DwStoreDemoKeyFunc   func,
                              gpointer             data,
                              GError             **error)
{
  return store->backend->demo->customers_tags (store, func, data, error);
}

/* Appends to @ids (gint64) every SLA policy's id. */
static inline gboolean
dw_store_demo_policy_ids (DwStore  *store,
                          GArray   *ids,
                          GError  **error)
{
  return store->backend->demo->policy_ids (store, ids, error);
}

/* @func (team id, business type key, @data) for every business type. */
static inline gboolean
dw_store_demo_business_type_teams (DwStore             *store,
                                   DwStoreDemoKeyFunc   func,
                                   gpointer             data,
                                   GError             **error)
{
  return store->backend->demo->business_type_teams (store, func, data, error);
}

/* The largest ticket, comment and audit ids, 0 for none. */
static inline gboolean
dw_store_demo_max_ids (DwStore  *store,
                       gint64   *ticket_id,
                       gint64   *comment_id,
                       gint64   *audit_id,
                       GError  **error)
{
  return store->backend->demo->max_ids (store, ticket_id, comment_id, audit_id, error);
}

static inline gboolean
dw_store_demo_insert_tickets (DwStore                  *store,
                              const DwStoreDemoTicket  *rows,
                              guint                     n,
                              GError                  **error)
{
  return store->backend->demo->insert_tickets (store, rows, n, error);
}

static inline gboolean
dw_store_demo_insert_comments (DwStore                   *store,
                               const DwStoreDemoComment  *rows,
                               guint                      n,
                               GError                   **error)
{
  return store->backend->demo->insert_comments (store, rows, n, error);
}

/* On SQLite DW_STORE_DEMO_AUDIT_BATCH rows to an INSERT, the rest one an INSERT: callers that
 * write many pass multiples of it until the last call.  PostgreSQL: multi-row INSERTs. */
static inline gboolean
dw_store_demo_insert_audit (DwStore                 *store,
                            const DwStoreDemoAudit  *rows,
                            guint                    n,
                            GError                 **error)
{
  return store->backend->demo->insert_audit (store, rows, n, error);
}

/* The surveys of the solved tickets with ids in [@from_ticket, @to_ticket]: issued when solved,
 * for a week, answered (at the ticket's last csat audit row, or when solved) if rated. */
static inline gboolean
dw_store_demo_seed_surveys (DwStore  *store,
                            gint64    from_ticket,
                            gint64    to_ticket,
                            GError  **error)
{
  return store->backend->demo->seed_surveys (store, from_ticket, to_ticket, error);
}

/* *@empty: the database holds no desk yet (no user: a migrated schema has its calendar and
 * settings but nobody to sign in), so the demo may seed it. */
static inline gboolean
dw_store_demo_is_empty (DwStore   *store,
                        gboolean  *empty,
                        GError   **error)
{
  return store->backend->demo->is_empty (store, empty, error);
}

/* Takes (@lock) or gives back the seed's lock: between the two, this instance alone asks
 * dw_store_demo_is_empty and seeds, across the seed's transactions; another instance starting
 * `--demo` on the same desk waits in its own take, then finds the desk seeded.  PostgreSQL: a
 * session advisory lock (DW_PG_LOCK_DEMO_SEED; released by the server if the instance dies);
 * SQLite: nothing to do (one service per file). */
static inline gboolean
dw_store_demo_seed_lock (DwStore   *store,
                         gboolean   lock,
                         GError   **error)
{
  return store->backend->demo->seed_lock (store, lock, error);
}

G_END_DECLS
