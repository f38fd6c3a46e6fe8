/* dw-desk.h: the business operations of the desk.
 *
 * Each operation is one transaction: it checks what @actor may do, writes the change, an audit
 * row per changed field (routing decisions carry their reason), appends the stream events,
 * refreshes the ticket's SLA, commits, and only then publishes the events.  On any error
 * nothing is written.
 *
 * @actor is the user acting (its role is enforced), or NULL for the system itself (intake,
 * the simulator, the command line): no role checks, audit rows without actor.
 *
 * Inputs are JSON objects with the members of the API's request bodies (docs/api.md), so the
 * API, the demo and the tests validate the same way; unknown members are rejected.  Every
 * operation returns the resource as it now is (transfer full), or NULL with an error in
 * DW_DESK_ERROR (or DW_STORE_ERROR for database failures).
 *
 * Routing: a new ticket without business_type is classified by keyword rules; its team comes
 * from business_types; it goes to the online member with the needed skill and the most free
 * capacity, or waits unassigned in the team's queue.  Whenever capacity frees up (a ticket
 * solved or closed or moved away, an agent coming online, capacity raised) waiting tickets of
 * the team are assigned, highest priority first, then oldest.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "dw-clock.h"
#include "dw-enums.h"
#include "dw-event-log.h"
#include "dw-principal.h"
#include "dw-sla-engine.h"
#include "store/dw-store-people.h"

G_BEGIN_DECLS

#define DW_DESK_ERROR (dw_desk_error_quark ())

typedef enum
{
  DW_DESK_ERROR_VALIDATION,  /* 400: a member is missing, unknown, of the wrong type or value */
  DW_DESK_ERROR_FORBIDDEN,   /* 403: the actor's role or teams do not allow it */
  DW_DESK_ERROR_NOT_FOUND,   /* 404: no such resource, or not visible to the actor */
  DW_DESK_ERROR_CONFLICT,    /* 409: stale version, or a unique name taken */
  DW_DESK_ERROR_OVER_CAPACITY, /* 409: the assignee is at capacity and no override was given */
  DW_DESK_ERROR_ROSTER_RULE, /* 409: a shift breaks a hard roster rule (overlap, absence) */
  DW_DESK_ERROR_GONE,        /* 410: a survey whose time to answer is over */
} DwDeskError;

GQuark dw_desk_error_quark (void);

#define DW_TYPE_DESK (dw_desk_get_type ())
G_DECLARE_FINAL_TYPE (DwDesk, dw_desk, DW, DESK, GObject)

/* @store is the service's, which outlives the desk. */
DwDesk     *dw_desk_new                (DwStore      *store,
                                        DwClock      *clock,
                                        DwEventLog   *events,
                                        DwSlaEngine  *sla);
/* The offline agents' hand-back alarm runs only while @leader's instance leads (several
 * instances on one database); without a leader, always. */
void        dw_desk_set_leader         (DwDesk       *self,
                                        DwLeader     *leader);

/* Group commit.  Writes that arrive together share one transaction and one WAL sync: while
 * the API runs a write between group_enter and group_leave, dw_desk's transactions become
 * SAVEPOINTs of a group transaction that stays open until the main loop has nothing else to do
 * (or the group is large or 2 ms old), so that a failing write rolls back alone.  The caller
 * must not acknowledge such a write before the group commits: when group_is_open after the
 * write, it registers a waiter, told whether the commit succeeded (then the events are
 * published).  Anything else that begins a transaction, or asks for a flush (every read of the
 * API), commits the open group first, so that nobody reads what is not yet durable. */
typedef void (*DwDeskGroupDone) (gboolean      committed,
                                 const GError *error,
                                 gpointer      data);

void        dw_desk_group_enter        (DwDesk          *self);
void        dw_desk_group_leave        (DwDesk          *self);
gboolean    dw_desk_group_is_open      (DwDesk          *self);
void        dw_desk_group_wait         (DwDesk          *self,
                                        DwDeskGroupDone  done,
                                        gpointer         data,
                                        GDestroyNotify   destroy);
/* Commits the open group now (a no-op when none is open). */
void        dw_desk_group_flush        (DwDesk          *self);

typedef struct
{
  guint classifier_builds;  /* routing classifiers built (the rules changed, or first use) */
  guint writes_grouped;     /* writes that were part of a group transaction */
  guint group_commits;      /* group transactions committed */
} DwDeskStats;

/* Counters since the desk was made (GET /api/v1/health). */
void        dw_desk_get_stats          (DwDesk       *self,
                                        DwDeskStats  *stats);

DwClock    *dw_desk_get_clock          (DwDesk       *self);

/* Tickets.
 * create: {subject*, channel*, body, business_type, priority, team_id, assignee_id,
 *          customer_id, order_number, tags}  (* required)
 * update: {version, subject, business_type, priority, status, team_id, assignee_id (null to
 *          unassign), customer_id, order_number, tags, csat, csat_comment, reason}
 *          The API requires version; when given it must equal the ticket's, else CONFLICT. */
JsonObject *dw_desk_create_ticket      (DwDesk       *self,
                                        DwPrincipal  *actor,
                                        JsonObject   *fields,
                                        GError      **error);
/* The same, with the created ticket's JSON text in @text as its event carries it (the reply's
 * body, written once straight from the row); the object returned then holds only the ticket's
 * id and assignee_id. */
JsonObject *dw_desk_create_ticket_full (DwDesk       *self,
                                        DwPrincipal  *actor,
                                        JsonObject   *fields,
                                        char        **text,
                                        GError      **error);
JsonObject *dw_desk_update_ticket      (DwDesk       *self,
                                        DwPrincipal  *actor,
                                        gint64        ticket_id,
                                        JsonObject   *changes,
                                        GError      **error);

/* {body*, public (default true), author_kind ("agent" default, "customer" for intake
 *  channels), author_id (customer id; defaults to the ticket's customer)}
 * An agent's first public reply sets first_response_at (and new → open); a customer message
 * reopens a pending ticket. */
JsonObject *dw_desk_add_comment        (DwDesk       *self,
                                        DwPrincipal  *actor,
                                        gint64        ticket_id,
                                        JsonObject   *fields,
                                        GError      **error);

/* Presence, logged in presence_log; going online assigns waiting tickets. */
JsonObject *dw_desk_set_presence       (DwDesk       *self,
                                        DwPrincipal  *actor,
                                        gint64        user_id,
                                        DwPresence    presence,
                                        GError      **error);

/* Users (admin).
 * create: {username*, display_name*, role*, password, capacity, teams: [{id, is_lead}],
 *          skills: [{skill, level}]}
 * update: {display_name, role, password, capacity, teams, skills, disabled} */
JsonObject *dw_desk_create_user        (DwDesk       *self,
                                        DwPrincipal  *actor,
                                        JsonObject   *fields,
                                        GError      **error);
JsonObject *dw_desk_update_user        (DwDesk       *self,
                                        DwPrincipal  *actor,
                                        gint64        user_id,
                                        JsonObject   *changes,
                                        GError      **error);

/* Teams (admin). {name*, description, calendar_id (default: the first calendar),
 * business_types: [key, ...] (existing keys moved to this team)} */
JsonObject *dw_desk_create_team        (DwDesk       *self,
                                        DwPrincipal  *actor,
                                        JsonObject   *fields,
                                        GError      **error);
JsonObject *dw_desk_update_team        (DwDesk       *self,
                                        DwPrincipal  *actor,
                                        gint64        team_id,
                                        JsonObject   *changes,
                                        GError      **error);

/* Customers and their personal data are scoped: @actor sees a customer when it may see one
 * of the customer's tickets, or recorded the customer itself (admins: all).  Only leads and
 * admins create and update them (agents: FORBIDDEN); an update of a customer the actor does
 * not see is NOT_FOUND, and so is a ticket's customer_id it does not see (VALIDATION).  Every
 * read through the API is an audit row (entity customer, action read). {name*, email, phone,
 * tags} */

/* Fills @scope with the customers @actor sees (the rule above; @scope borrows @actor's team
 * ids). */
void        dw_desk_customer_scope     (DwPrincipal           *actor,
                                        DwStoreCustomerScope  *scope);
gboolean    dw_desk_customer_visible   (DwDesk       *self,
                                        DwPrincipal  *actor,
                                        gint64        customer_id);
/* The customer if @actor sees it (NOT_FOUND otherwise), its reading audited. */
JsonObject *dw_desk_read_customer      (DwDesk       *self,
                                        DwPrincipal  *actor,
                                        gint64        customer_id,
                                        GError      **error);
/* One audit row (action read, @reason) per customer of @customer_ids (gint64), in its own
 * transaction. */
gboolean    dw_desk_note_customer_reads (DwDesk       *self,
                                         DwPrincipal  *actor,
                                         const GArray *customer_ids,
                                         const char   *reason,
                                         GError      **error);
JsonObject *dw_desk_create_customer    (DwDesk       *self,
                                        DwPrincipal  *actor,
                                        JsonObject   *fields,
                                        GError      **error);
JsonObject *dw_desk_update_customer    (DwDesk       *self,
                                        DwPrincipal  *actor,
                                        gint64        customer_id,
                                        JsonObject   *changes,
                                        GError      **error);

/* Assigns waiting tickets of @team_id (0: every team) to free agents, in its own transaction.
 * Returns the number assigned, -1 on error. */
int         dw_desk_dispatch           (DwDesk       *self,
                                        gint64        team_id,
                                        GError      **error);

G_END_DECLS
