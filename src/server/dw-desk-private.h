/* dw-desk-private.h: what the files of DwDesk share (dw-desk*.c). */
#pragma once

#include "dw-desk.h"
#include "dw-json.h"
#include "dw-routing.h"
#include "dw-store.h"
#include "store/dw-store-directory.h"
#include "store/dw-store-events.h"
#include "store/dw-store-routing.h"
#include "store/dw-store-tickets.h"
#include "store/dw-store-tx.h"

G_BEGIN_DECLS

/* Internal: an update that would change nothing (rolled back, answered with the resource). */
#define DW_DESK_ERROR_UNCHANGED 1000

struct _DwDesk
{
  GObject      parent_instance;

  DwStore     *store;            /* the service's, either backend (docs/design.md "The store layer") */
  DwClock     *clock;
  DwEventLog  *events;
  DwSlaEngine *sla;
  gulong       reassign_handler;
  guint        hand_back_alarm;  /* the next moment an offline agent's tickets go back */
  gint64       hand_back_at;
  guint        hand_back_retry;  /* the database away: read the next moment again soon */
  gboolean     hand_back_unavailable;  /* that was said (once per outage) */
  gboolean     hand_back_locked;  /* timed out on a lock held elsewhere (said once) */

  /* Group commit (dw-desk.c "Transactions"). */
  guint        grouping;         /* > 0 while an API write that may join a group runs */
  gboolean     in_write;         /* that write's SAVEPOINT is open inside the group */
  gboolean     group_open;       /* BEGIN done, writes collected, COMMIT to come */
  guint        group_writes;     /* writes released into the open group */
  GArray      *group_waiters;    /* GroupWaiter: whoever answers once the group commits */
  guint        group_flush_id;   /* idle: commit once the loop has nothing else to do */
  guint        group_deadline_id; /* timeout: commit at the latest this soon */
  gboolean     group_flush_soon; /* the idle is of the default priority: the group is full */
  guint        writes_grouped;
  guint        group_commits;

  /* The routing rules' classifier, kept while the rules read the same (load_classifier). */
  DwClassifier *classifier;
  char         *classifier_key;
  guint         classifier_builds;
  /* dw_store_routing_rules_version when the classifier was last found current: while it
   * stays, the rules are not even read (issue 13). */
  gboolean      classifier_version_known;
  guint64       classifier_version;

  /* The hand-back alarm runs only on the leader's instance (dw_desk_set_leader). */
  DwLeader     *leader;
  gulong        leader_id;
};

/* Tickets changed in the current transaction, with where they were before it (for the
 * stream's scoping: the agent a ticket was taken from must hear that it went). */
typedef struct
{
  gint64   ticket_id;
  gint64   old_team_id;
  gint64   old_assignee_id;
  gboolean old_active;      /* counted in its assignee's load before */
} DwTouched;

/* A write of the desk: runs inside the transaction (alone) or the savepoint (in a group,
 * dw-desk.c "Transactions") that dw_desk_write opened, and returns its result, or NULL with
 * @error set.  It may run more than once: whatever it hands out through @data besides the
 * result must be set afresh on every run. */
typedef JsonObject *(*DwDeskWriteFunc) (DwDesk    *self,
                                        gpointer   data,
                                        GError   **error);
/* Runs @func in a transaction of its own (or a savepoint of the open group) and commits
 * (or releases) it, publishing its events; on failure rolls it back with its events.  A write
 * that lost a deadlock or serialization failure to another instance (DW_STORE_ERROR_CONFLICT:
 * PostgreSQL's 40P01, 40001) is run again, DW_DESK_WRITE_ATTEMPTS times in all; after that its
 * DW_STORE_ERROR_CONFLICT is returned (the API answers 503 "contended").  Returns @func's
 * result (owned by the caller). */
#define DW_DESK_WRITE_ATTEMPTS DW_STORE_TX_ATTEMPTS

/* What most writes are made of, for their DwDeskWriteFunc's @data. */
typedef struct
{
  DwPrincipal *actor;
  gint64       id;       /* the resource written; 0 when creating one */
  JsonObject  *fields;   /* the request's members (or changes) */
} DwDeskWriteArgs;
JsonObject *dw_desk_write                (DwDesk           *self,
                                          DwDeskWriteFunc   func,
                                          gpointer          data,
                                          GError          **error);

/* The integer member @member of @object, 0 when absent or null. */
gint64      dw_desk_member_id            (JsonObject   *object,
                                          const char   *member);
gint64      dw_desk_actor_id             (DwPrincipal  *actor);
const char *dw_desk_actor_name           (DwPrincipal  *actor);

gboolean    dw_desk_audit                (DwDesk       *self,
                                          DwPrincipal  *actor,
                                          const char   *entity,
                                          gint64        entity_id,
                                          const char   *action,
                                          const char   *field,
                                          JsonNode     *before,
                                          JsonNode     *after,
                                          const char   *reason,
                                          GError      **error);
/* One audit row per member of @fields whose value differs between @before and @after.
 * @action_for: optional member → action map ("assignee_id" → "assigned"); "updated" else. */
gboolean    dw_desk_audit_diff           (DwDesk             *self,
                                          DwPrincipal        *actor,
                                          const char         *entity,
                                          gint64              entity_id,
                                          JsonObject         *before,
                                          JsonObject         *after,
                                          const char * const *fields,
                                          const char         *reason,
                                          GError            **error);

gboolean    dw_desk_emit                 (DwDesk       *self,
                                          const char   *type,
                                          gint64        team_id,
                                          gint64        user_id,
                                          JsonObject   *data,
                                          GError      **error);
/* user.created / user.updated with the user's JSON, scoped to the user and its first team, and
 * once more to each of its other teams (without the user). */
JsonObject *dw_desk_emit_user            (DwDesk       *self,
                                          const char   *type,
                                          gint64        user_id,
                                          GError      **error);

/* TRUE when a row with @id exists in @table (a fixed table name). */
gboolean    dw_desk_row_exists           (DwDesk       *self,
                                          const char   *table,
                                          gint64        id);
gboolean    dw_desk_user_in_team         (DwDesk       *self,
                                          gint64        user_id,
                                          gint64        team_id);

void        dw_desk_touch                (GArray       *touched,
                                          gint64        ticket_id,
                                          gint64        old_team_id,
                                          gint64        old_assignee_id,
                                          gboolean      old_active);
/* Refreshes the SLA of every touched ticket and appends its event (ticket.created for
 * @created_id, ticket.updated for the others); then user.updated for every agent whose load
 * (open_tickets) changed, so that a console following the stream keeps loads right. */
gboolean    dw_desk_flush_touched        (DwDesk       *self,
                                          GArray       *touched,
                                          gint64        created_id,
                                          GError      **error);
/* The same, handing back the JSON of @created_id as its event carries it (the object the
 * reply sends too: built once) or, with @created_text, its event's text, written straight
 * from the row, and in @created only the ticket's id and assignee_id (no tree is built). */
gboolean    dw_desk_flush_touched_full   (DwDesk       *self,
                                          GArray       *touched,
                                          gint64        created_id,
                                          JsonObject  **created,
                                          char        **created_text,
                                          GError      **error);

/* Routing, inside the caller's transaction.  Assigns waiting tickets of @team_id to free
 * agents in queue order; @fresh_id is a ticket created in this transaction (its version stays
 * 1).  Touched tickets are added to @touched. */
gboolean    dw_desk_dispatch_locked      (DwDesk       *self,
                                          gint64        team_id,
                                          gint64        fresh_id,
                                          GArray       *touched,
                                          GError      **error);
/* The same, also handing back in @agents_out the team's agents as read for it when the
 * dispatch assigned nothing (so still what the database says; NULL otherwise), for
 * dw_desk_pick_agent_among_locked: the create's queue reason listed them a second time. */
gboolean    dw_desk_dispatch_locked_full (DwDesk       *self,
                                          gint64        team_id,
                                          gint64        fresh_id,
                                          GArray       *touched,
                                          GArray      **agents_out,
                                          GError      **error);
/* The same for every team @user_id belongs to (its capacity changed). */
gboolean    dw_desk_dispatch_user_locked (DwDesk       *self,
                                          gint64        user_id,
                                          GArray       *touched,
                                          GError      **error);
/* Routes one ticket now (not minding the queue), never to @exclude_user_id; returns the chosen
 * agent or 0, with the reason in @reason_out. */
gint64      dw_desk_pick_agent_locked    (DwDesk       *self,
                                          gint64        team_id,
                                          const char   *business_type,
                                          gint64        exclude_user_id,
                                          char        **reason_out,
                                          GError      **error);
/* dw_desk_pick_agent_locked among @agents (from dw_desk_dispatch_locked_full). */
gint64      dw_desk_pick_agent_among_locked (DwDesk     *self,
                                             GArray     *agents,
                                             const char *business_type,
                                             gint64      exclude_user_id,
                                             char      **reason_out);
/* Sets the assignee of an unassigned ticket, audited as done by @actor (NULL: routing). */
gboolean    dw_desk_assign_locked        (DwDesk       *self,
                                          DwPrincipal  *actor,
                                          gint64        ticket_id,
                                          gint64        user_id,
                                          gboolean      bump_version,
                                          const char   *reason,
                                          GError      **error);
/* The active tickets @user_id holds besides @ticket_id, and its capacity. */
gboolean    dw_desk_load_locked          (DwDesk       *self,
                                          gint64        user_id,
                                          gint64        ticket_id,
                                          gint64       *load,
                                          gint64       *capacity,
                                          GError      **error);
/* Refuses (DW_DESK_ERROR_OVER_CAPACITY) to give @user_id one more active ticket when it already
 * holds its capacity, unless @override; an override is allowed to leads and admins only and is
 * audited on @ticket_id (action "capacity-override").  Call after the ticket row is stored. */
gboolean    dw_desk_check_capacity_locked (DwDesk      *self,
                                           DwPrincipal *actor,
                                           gint64       ticket_id,
                                           gint64       user_id,
                                           gboolean     override,
                                           GError     **error);

/* Stranded tickets: the new and open tickets of agents offline for longer than their team's
 * offline_grace_minutes go back to the team queue (and on to online agents), audited; _rearm
 * (outside a transaction) sets the one alarm for the next such moment. */
gboolean    dw_desk_hand_back_locked     (DwDesk       *self,
                                          GArray       *touched,
                                          GError      **error);
void        dw_desk_hand_back_rearm      (DwDesk       *self);

/* Issues a survey for a ticket just solved (dw-desk-surveys.c); older unanswered ones of the
 * ticket expire. */
gboolean    dw_desk_issue_survey_locked  (DwDesk       *self,
                                          gint64        ticket_id,
                                          GError      **error);

/* dw_desk_update_ticket inside the caller's transaction (for an operation made of several
 * ticket changes that must hold or fail together); a change that changes nothing is
 * DW_DESK_ERROR_UNCHANGED. */
JsonObject *dw_desk_update_ticket_locked (DwDesk       *self,
                                          DwPrincipal  *actor,
                                          gint64        ticket_id,
                                          JsonObject   *changes,
                                          GError      **error);

void        dw_desk_tickets_init         (DwDesk       *self);

G_END_DECLS
