/* dw-store-agents.h: the named operations of the agents' domain: the agent facts read from the
 * audit trail (migrations 007, 008), the rows the figures are counted from, each agent now, and
 * a lead's moves of an agent's work.
 *
 * The heavy reads stream: each row goes to a callback as the backend reads it (nothing is
 * gathered first), in the order each operation names.  Strings of a row are borrowed for the
 * callback's duration.  Times are Unix seconds, ids 0 for NULL.  Inside the caller's
 * transaction.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "store/dw-store-backend.h"

G_BEGIN_DECLS

/* Facts: reading the trail */

/* An audit row the facts reader reads: a ticket's, or a change of a user's capacity. */
typedef struct
{
  gint64      id;
  gint64      at;
  gint64      actor_id;      /* 0: none */
  gint64      entity_id;
  const char *action;
  const char *field;         /* "" for none */
  const char *before;        /* JSON text or NULL */
  const char *after;         /* JSON text or NULL */
  gboolean    is_capacity;   /* a user's capacity, not a ticket's row */
} DwStoreAuditRow;

/* FALSE stops the read: with @error set the read fails, without it the read just ends there
 * (so a reader that may fail passes an @error, or keeps its own note of the failure). */
typedef gboolean (*DwStoreAuditRowFunc) (const DwStoreAuditRow  *row,
                                         gpointer                data,
                                         GError                **error);

/* What the reader knows of a ticket between two reads (agent_fact_tickets). */
typedef struct
{
  gint64   created_at;
  gint64   team_id;
  gint64   assignee_id;
  gint64   solver_id;
  gboolean active;
} DwStoreFactTicket;

/* One agent fact.  Borrowed. */
typedef struct
{
  gint64      audit_id;
  gint64      at;
  gint64      user_id;
  gint64      team_id;            /* 0: none */
  gint64      ticket_id;
  const char *kind;               /* assigned, first-response, solved, reopened, sla-*, load */
  const char *target;             /* an SLA target, or NULL */
  int         delta;              /* load: the load's move */
  gboolean    timed;              /* calendar and business seconds known */
  gint64      calendar_seconds;
  gint64      business_seconds;
  gint64      replies;            /* < 0: NULL */
} DwStoreAgentFact;

/* Figures: the rows they are counted from */

typedef struct
{
  gint64      user_id;
  const char *kind;
  const char *target;             /* "" for none */
  gint64      calendar_seconds;   /* 0 for NULL */
  gint64      business_seconds;
  gint64      replies;            /* 0 for NULL */
  gint64      at;
} DwStoreAgentFactRow;

typedef void (*DwStoreAgentFactFunc)   (const DwStoreAgentFactRow *row,
                                        gpointer                   data);
/* A survey of a ticket an agent solved: @value is the rating (answers) or whether it was
 * answered (issued); @at when it was answered (answers) or issued (issued). */
typedef void (*DwStoreAgentSurveyFunc) (gint64                     solver_id,
                                        int                        value,
                                        gint64                     at,
                                        gpointer                   data);
typedef void (*DwStoreAgentMemberFunc) (gint64                     user_id,
                                        const char                *display_name,
                                        gpointer                   data);

typedef enum
{
  DW_STORE_AGENT_MARK_PRESENCE,   /* value 1: online, 0: not */
  DW_STORE_AGENT_MARK_LOAD,       /* value: the load's delta */
  DW_STORE_AGENT_MARK_CAPACITY,   /* value: the capacity from then on */
} DwStoreAgentMarkKind;

/* What an agent's time looked like at the start of a window. */
typedef struct
{
  gboolean online;
  gint64   load;
  gint64   capacity;
} DwStoreAgentTimeStart;

typedef void (*DwStoreAgentMarkFunc)   (gint64                     at,
                                        DwStoreAgentMarkKind       kind,
                                        int                        value,
                                        gpointer                   data);

/* Each agent now */

typedef struct
{
  gint64      user_id;
  const char *display_name;
  const char *presence;
  gint64      presence_since;
  gint64      capacity;
  gint64      load;
  gint64      oldest_waiting_since;      /* 0: none waiting */
  gint64      oldest_waiting_ticket_id;
  gint64      at_risk;
  gint64      breached;
} DwStoreAgentStatus;

typedef void (*DwStoreAgentStatusFunc) (const DwStoreAgentStatus *row,
                                        gpointer                  data);

/* Which of an agent's tickets a lead's action moves. */
typedef enum
{
  DW_STORE_AGENT_TICKETS_WAITING,       /* new or open */
  DW_STORE_AGENT_TICKETS_AT_RISK,       /* active, at risk or with a running breach */
  DW_STORE_AGENT_TICKETS_TEAM_WAITING,  /* new or open, of one team */
} DwStoreAgentTickets;

/* The drill-down behind one agent's figure, as the tickets list pages it, within what the
 * viewer may see. */
typedef struct
{
  gint64        user_id;
  gint64        team_id;
  const char   *kind;            /* a fact kind */
  const char   *target;          /* NULL: any */
  gint64        from, to;
  gint64        before_id;       /* 0: from the newest */
  guint         limit;           /* rows at most */
  /* what the viewer sees: everything, or its own tickets and those of @viewer_team_ids */
  gboolean      viewer_all;
  gint64        viewer_id;
  GArray       *viewer_team_ids; /* gint64; NULL: none */
} DwStoreAgentDrill;

/* The ticket as the object of docs/api.md (taken). */
typedef void (*DwStoreAgentTicketFunc) (JsonObject *ticket,
                                        gpointer    data);

struct _DwStoreAgentOps
{
  gboolean (*facts_watermark)     (DwStore *store, gint64 *audit_id, GError **error);
  gboolean (*facts_set_watermark) (DwStore *store, gint64 audit_id, GError **error);
  gboolean (*facts_clear)         (DwStore *store, GError **error);
  gboolean (*audit_read)          (DwStore *store, gint64 after_id, DwStoreAuditRowFunc func,
                                   gpointer data, GError **error);
  gboolean (*audit_read_unread)   (DwStore *store, DwStoreAuditRowFunc func, gpointer data,
                                   GError **error);
  gboolean (*fact_ticket_get)     (DwStore *store, gint64 ticket_id, DwStoreFactTicket *ticket,
                                   GError **error);
  gboolean (*fact_tickets_put)    (DwStore *store, const gint64 *ticket_ids,
                                   const DwStoreFactTicket *tickets, guint n_tickets,
                                   GError **error);
  gboolean (*facts_insert)        (DwStore *store, const DwStoreAgentFact *facts, guint n_facts,
                                   GError **error);
  gboolean (*capacity_put)        (DwStore *store, gint64 audit_id, gint64 user_id, gint64 at,
                                   gint64 before, gint64 after, GError **error);
  gint64   (*replies_count)       (DwStore *store, gint64 ticket_id, gint64 user_id,
                                   gint64 until);
  gboolean (*team_calendar)       (DwStore *store, gint64 team_id, gint64 *calendar_id,
                                   GError **error);
  gboolean (*members)             (DwStore *store, gint64 team_id, gint64 only_user_id,
                                   DwStoreAgentMemberFunc func, gpointer data, GError **error);
  gboolean (*facts_in_window)     (DwStore *store, gint64 team_id, gint64 from, gint64 to,
                                   DwStoreAgentFactFunc func, gpointer data, GError **error);
  gboolean (*survey_answers)      (DwStore *store, gint64 team_id, gint64 from, gint64 to,
                                   DwStoreAgentSurveyFunc func, gpointer data, GError **error);
  gboolean (*surveys_issued)      (DwStore *store, gint64 team_id, gint64 from, gint64 to,
                                   DwStoreAgentSurveyFunc func, gpointer data, GError **error);
  gboolean (*time_marks)          (DwStore *store, gint64 user_id, gint64 from, gint64 until,
                                   DwStoreAgentTimeStart *start, DwStoreAgentMarkFunc func,
                                   gpointer data, GError **error);
  gboolean (*status)              (DwStore *store, gint64 team_id, gint64 only_user_id,
                                   DwStoreAgentStatusFunc func, gpointer data, GError **error);
  GArray  *(*tickets)             (DwStore *store, gint64 user_id, DwStoreAgentTickets which,
                                   gint64 team_id, GError **error);
  gboolean (*move)                (DwStore *store, gint64 user_id, gint64 from_team_id,
                                   gint64 to_team_id, GError **error);
  gboolean (*drill)               (DwStore *store, const DwStoreAgentDrill *drill,
                                   DwStoreAgentTicketFunc func, gpointer data, GError **error);
};

/* The largest audit id the facts have read (0: none yet).  On SQLite, whose one writer commits
 * the ids in order, the facts have read exactly the rows up to it; on PostgreSQL a row below it
 * may still commit (see dw_store_agent_audit_read_unread). */
static inline gboolean
dw_store_agent_facts_watermark (DwStore  *store,
                                gint64   *audit_id,
                                GError  **error)
{
  return store->backend->agents->facts_watermark (store, audit_id, error);
}

static inline gboolean
dw_store_agent_facts_set_watermark (DwStore  *store,
                                    gint64    audit_id,
                                    GError  **error)
{
  return store->backend->agents->facts_set_watermark (store, audit_id, error);
}

/* Forgets every fact, ticket state, capacity change and the facts' position in the trail. */
static inline gboolean
dw_store_agent_facts_clear (DwStore  *store,
                            GError  **error)
{
  return store->backend->agents->facts_clear (store, error);
}

/* The audit rows after @after_id that make facts (tickets' rows, users' capacity), by id,
 * whenever they committed.  @func may run other operations meanwhile (on SQLite the read steps as
 * @func asks).  What the facts read is dw_store_agent_audit_read_unread(). */
static inline gboolean
dw_store_agent_audit_read (DwStore              *store,
                           gint64                after_id,
                           DwStoreAuditRowFunc   func,
                           gpointer              data,
                           GError              **error)
{
  return store->backend->agents->audit_read (store, after_id, func, data, error);
}

/* The audit rows that make facts and that the facts have not read yet, each exactly once over
 * the calls, and each ticket's in the order they were committed; marks as read, in the caller's
 * transaction, every row given to @func (a rollback forgets that too).  SQLite: the rows after
 * the watermark, by id.  PostgreSQL: audit ids are taken at INSERT, not at COMMIT, so the rows of
 * the transactions that committed since the last read, by id (dw-pg-agents.c).  @func returning
 * FALSE stops the read after its row; a call after that goes on from there.  Takes the facts'
 * lock first (PostgreSQL: DW_PG_LOCK_AGENT_FACTS), as dw_store_agent_facts_watermark does. */
static inline gboolean
dw_store_agent_audit_read_unread (DwStore              *store,
                                  DwStoreAuditRowFunc   func,
                                  gpointer              data,
                                  GError              **error)
{
  return store->backend->agents->audit_read_unread (store, func, data, error);
}

/* Fills @ticket (left as it is when FALSE); FALSE without @error for a ticket not read yet. */
static inline gboolean
dw_store_agent_fact_ticket_get (DwStore            *store,
                                gint64              ticket_id,
                                DwStoreFactTicket  *ticket,
                                GError            **error)
{
  return store->backend->agents->fact_ticket_get (store, ticket_id, ticket, error);
}

/* Inserts or overwrites the states of @n_tickets tickets, in that order.  In batches: the
 * reader writes a state per ticket it read, a fact per few audit rows (a million of those in a
 * long trail), and one statement for a batch keeps SQLite's reader as fast as it was. */
static inline gboolean
dw_store_agent_fact_tickets_put (DwStore                  *store,
                                 const gint64             *ticket_ids,
                                 const DwStoreFactTicket  *tickets,
                                 guint                     n_tickets,
                                 GError                  **error)
{
  return store->backend->agents->fact_tickets_put (store, ticket_ids, tickets, n_tickets, error);
}

static inline gboolean
dw_store_agent_fact_ticket_put (DwStore                  *store,
                                gint64                    ticket_id,
                                const DwStoreFactTicket  *ticket,
                                GError                  **error)
{
  return dw_store_agent_fact_tickets_put (store, &ticket_id, ticket, 1, error);
}

/* Inserts @n_facts facts in that order (their ids follow it). */
static inline gboolean
dw_store_agent_facts_insert (DwStore                 *store,
                             const DwStoreAgentFact  *facts,
                             guint                    n_facts,
                             GError                 **error)
{
  return store->backend->agents->facts_insert (store, facts, n_facts, error);
}

static inline gboolean
dw_store_agent_fact_insert (DwStore                 *store,
                            const DwStoreAgentFact  *fact,
                            GError                 **error)
{
  return dw_store_agent_facts_insert (store, fact, 1, error);
}

/* A "load" fact: the agent's load moved by @delta. */
static inline gboolean
dw_store_agent_load_insert (DwStore  *store,
                            gint64    audit_id,
                            gint64    at,
                            gint64    user_id,
                            gint64    team_id,
                            gint64    ticket_id,
                            int       delta,
                            GError  **error)
{
  DwStoreAgentFact fact = { .audit_id = audit_id, .at = at, .user_id = user_id,
                            .team_id = team_id, .ticket_id = ticket_id, .kind = "load",
                            .delta = delta, .replies = -1 };

  return dw_store_agent_facts_insert (store, &fact, 1, error);
}

/* A change of a user's capacity, replacing the one of the same audit row (a reader that starts
 * again from an older watermark meets the same rows again). */
static inline gboolean
dw_store_agent_capacity_put (DwStore  *store,
                             gint64    audit_id,
                             gint64    user_id,
                             gint64    at,
                             gint64    before,
                             gint64    after,
                             GError  **error)
{
  return store->backend->agents->capacity_put (store, audit_id, user_id, at, before, after,
                                               error);
}

/* The public replies of agent @user_id on the ticket up to @until (0 on an error). */
static inline gint64
dw_store_agent_replies_count (DwStore *store,
                              gint64   ticket_id,
                              gint64   user_id,
                              gint64   until)
{
  return store->backend->agents->replies_count (store, ticket_id, user_id, until);
}

/* The team's calendar; DW_STORE_ERROR_NOT_FOUND for an unknown team. */
static inline gboolean
dw_store_agent_team_calendar (DwStore  *store,
                              gint64    team_id,
                              gint64   *calendar_id,
                              GError  **error)
{
  return store->backend->agents->team_calendar (store, team_id, calendar_id, error);
}

/* The team's agents (disabled too), or only @only_user_id (0: all), by name then id. */
static inline gboolean
dw_store_agent_members (DwStore                 *store,
                        gint64                   team_id,
                        gint64                   only_user_id,
                        DwStoreAgentMemberFunc   func,
                        gpointer                 data,
                        GError                 **error)
{
  return store->backend->agents->members (store, team_id, only_user_id, func, data, error);
}

/* The team's facts in [@from, @to), in no set order. */
static inline gboolean
dw_store_agent_facts_in_window (DwStore               *store,
                                gint64                 team_id,
                                gint64                 from,
                                gint64                 to,
                                DwStoreAgentFactFunc   func,
                                gpointer               data,
                                GError               **error)
{
  return store->backend->agents->facts_in_window (store, team_id, from, to, func, data, error);
}

/* The answers (not voided, rated) given in [@from, @to) to surveys of the team's tickets. */
static inline gboolean
dw_store_agent_survey_answers (DwStore                 *store,
                               gint64                   team_id,
                               gint64                   from,
                               gint64                   to,
                               DwStoreAgentSurveyFunc   func,
                               gpointer                 data,
                               GError                 **error)
{
  return store->backend->agents->survey_answers (store, team_id, from, to, func, data, error);
}

/* The surveys of the team's tickets issued in [@from, @to), value 1 when answered. */
static inline gboolean
dw_store_agent_surveys_issued (DwStore                 *store,
                               gint64                   team_id,
                               gint64                   from,
                               gint64                   to,
                               DwStoreAgentSurveyFunc   func,
                               gpointer                 data,
                               GError                 **error)
{
  return store->backend->agents->surveys_issued (store, team_id, from, to, func, data, error);
}

/* The agent's presence, load and capacity at @from in *@start, then their changes in
 * [@from, @until): presence by (at, id), then load by (at, id), then capacity by (at, audit id)
 * — each kind in time order, the kinds one after the other. */
static inline gboolean
dw_store_agent_time_marks (DwStore                *store,
                           gint64                  user_id,
                           gint64                  from,
                           gint64                  until,
                           DwStoreAgentTimeStart  *start,
                           DwStoreAgentMarkFunc    func,
                           gpointer                data,
                           GError                **error)
{
  return store->backend->agents->time_marks (store, user_id, from, until, start, func, data,
                                             error);
}

/* The team's enabled agents now (or only @only_user_id, 0: all), by name then id. */
static inline gboolean
dw_store_agent_status (DwStore                 *store,
                       gint64                   team_id,
                       gint64                   only_user_id,
                       DwStoreAgentStatusFunc   func,
                       gpointer                 data,
                       GError                 **error)
{
  return store->backend->agents->status (store, team_id, only_user_id, func, data, error);
}

/* The agent's tickets of @which (@team_id for TEAM_WAITING), by id: pairs of gint64 (id,
 * version).  NULL with @error. */
static inline GArray *
dw_store_agent_tickets (DwStore              *store,
                        gint64                user_id,
                        DwStoreAgentTickets   which,
                        gint64                team_id,
                        GError              **error)
{
  return store->backend->agents->tickets (store, user_id, which, team_id, error);
}

/* Takes the user out of @from_team_id and makes it a member (not a lead) of @to_team_id. */
static inline gboolean
dw_store_agent_move (DwStore  *store,
                     gint64    user_id,
                     gint64    from_team_id,
                     gint64    to_team_id,
                     GError  **error)
{
  return store->backend->agents->move (store, user_id, from_team_id, to_team_id, error);
}

/* The tickets with a fact of @drill, newest id first, at most @drill->limit. */
static inline gboolean
dw_store_agent_drill (DwStore                  *store,
                      const DwStoreAgentDrill  *drill,
                      DwStoreAgentTicketFunc    func,
                      gpointer                  data,
                      GError                  **error)
{
  return store->backend->agents->drill (store, drill, func, data, error);
}

G_END_DECLS
