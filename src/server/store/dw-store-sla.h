/* dw-store-sla.h: the named operations of the SLA engine (dw-sla-engine.c): what it reads of a
 * ticket, its team's calendar, the policies, the marks of the SLA clock, and the two writes that
 * must happen once however many instances run the engine (issue 14: one leader at a time, but a
 * leader may lose its lease mid-check), which therefore report whether this call made them. */
#pragma once

#include <json-glib/json-glib.h>

#include "store/dw-store-backend.h"

G_BEGIN_DECLS

/* What the engine reads of a ticket; text columns as stored (enum nicks, JSON). */
typedef struct
{
  gint64  id;
  char   *priority;
  char   *status;
  char   *channel;
  char   *business_type;
  gint64  team_id;           /* 0: NULL */
  gint64  assignee_id;       /* 0: NULL */
  gint64  customer_id;       /* 0: NULL */
  gint64  created_at;
  gint64  policy_id;         /* 0: NULL */
  char   *sla;               /* JSON text */
  gint64  next_sla_at;       /* 0: NULL */
  gint64  escalation_level;
} DwStoreSlaTicket;

static inline void
dw_store_sla_ticket_clear (DwStoreSlaTicket *row)
{
  g_clear_pointer (&row->priority, g_free);
  g_clear_pointer (&row->status, g_free);
  g_clear_pointer (&row->channel, g_free);
  g_clear_pointer (&row->business_type, g_free);
  g_clear_pointer (&row->sla, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DwStoreSlaTicket, dw_store_sla_ticket_clear)

/* A calendar row; JSON columns as text. */
typedef struct
{
  gint64  id;
  char   *name;
  char   *timezone;
  char   *week;
  char   *holidays;
  char   *workdays;
} DwStoreSlaCalendar;

static inline void
dw_store_sla_calendar_clear (DwStoreSlaCalendar *row)
{
  g_clear_pointer (&row->name, g_free);
  g_clear_pointer (&row->timezone, g_free);
  g_clear_pointer (&row->week, g_free);
  g_clear_pointer (&row->holidays, g_free);
  g_clear_pointer (&row->workdays, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DwStoreSlaCalendar, dw_store_sla_calendar_clear)

/* An sla_policies row; JSON columns as text, -1 for a NULL number of minutes. */
typedef struct
{
  gint64  id;
  char   *name;
  gint64  position;
  char   *match_priorities;
  char   *match_tags;
  char   *match_channels;
  char   *match_business_types;
  gint64  first_response_minutes;
  gint64  next_response_minutes;
  gint64  resolution_minutes;
  double  at_risk_ratio;
  char   *escalation;
} DwStoreSlaPolicy;

/* One entry of a ticket's history as the SLA clock reads it: a comment (@author_kind
 * "customer" or "agent", @status NULL) or a status change (@author_kind NULL, @status the
 * audit row's new value as text: the status's nick, or anything the engine skips). */
typedef struct
{
  gint64  at;
  char   *author_kind;
  char   *status;
} DwStoreSlaMark;

/* What refresh writes when a ticket's SLA changed. */
typedef struct
{
  gint64      ticket_id;
  const char *old_sla;     /* the "sla" the caller read: the write happens only if still so */
  const char *sla;
  const char *sla_state;
  gint64      policy_id;   /* 0: NULL */
  gint64      next_sla_at; /* 0: NULL */
} DwStoreSlaUpdate;

struct _DwStoreSlaOps
{
  gboolean (*ticket_load)      (DwStore                 *store,
                                gint64                   ticket_id,
                                DwStoreSlaTicket        *row,
                                GError                 **error);
  gboolean (*calendar_for_team) (DwStore                *store,
                                 gint64                  team_id,
                                 DwStoreSlaCalendar     *row,
                                 gboolean               *found,
                                 GError                **error);
  char    *(*policies_key)     (DwStore                 *store,
                                GError                 **error);
  gboolean (*config_version)   (DwStore                 *store,
                                guint64                 *version);
  GArray  *(*policies_list)    (DwStore                 *store,
                                GError                 **error);
  GStrv    (*customer_tags)    (DwStore                 *store,
                                gint64                   customer_id,
                                GError                 **error);
  GArray  *(*marks_list)       (DwStore                 *store,
                                gint64                   ticket_id,
                                GError                 **error);
  GArray  *(*lead_ids)         (DwStore                 *store,
                                gint64                   team_id,
                                GError                 **error);
  gboolean (*update)           (DwStore                 *store,
                                const DwStoreSlaUpdate  *update,
                                gboolean                *done,
                                GError                 **error);
  gboolean (*escalate)         (DwStore                 *store,
                                gint64                   ticket_id,
                                gint64                   from_level,
                                const char              *priority,
                                gint64                   now,
                                gboolean                *done,
                                GError                 **error);
  gboolean (*earliest_due)     (DwStore                 *store,
                                gint64                  *at,
                                GError                 **error);
  GArray  *(*due_list)         (DwStore                 *store,
                                gint64                   now,
                                guint                    limit,
                                GError                 **error);
};

/* Fills @row (cleared by the caller); DW_STORE_ERROR_NOT_FOUND for an unknown id. */
static inline gboolean
dw_store_sla_ticket_load (DwStore           *store,
                          gint64             ticket_id,
                          DwStoreSlaTicket  *row,
                          GError           **error)
{
  return store->backend->sla->ticket_load (store, ticket_id, row, error);
}

/* The calendar of team @team_id, or the first calendar (lowest id) when the team has none or
 * is 0; @found FALSE when the desk has no calendar at all.  FALSE with @error. */
static inline gboolean
dw_store_sla_calendar_for_team (DwStore             *store,
                                gint64               team_id,
                                DwStoreSlaCalendar  *row,
                                gboolean            *found,
                                GError             **error)
{
  return store->backend->sla->calendar_for_team (store, team_id, row, found, error);
}

/* A text that changes whenever any policy row changes (the engine parses the policies again
 * only then); the same backend gives the same text for the same rows.  NULL with @error. */
static inline char *
dw_store_sla_policies_key (DwStore  *store,
                           GError  **error)
{
  return store->backend->sla->policies_key (store, error);
}

/* A number that changes whenever what the SLA engine reads of the desk's settings may have
 * changed: a policy, a calendar, a team's calendar — written by this connection (a rolled-back
 * write counts too) or committed by another.  It does not move with other writes (a ticket's),
 * so the engine keeps its parsed policies and each team's calendar while it stays.  FALSE when
 * the backend has none (PostgreSQL: other instances write, and the engine compares the rows'
 * text instead). */
static inline gboolean
dw_store_sla_config_version (DwStore *store,
                             guint64 *version)
{
  return store->backend->sla->config_version (store, version);
}

/* Every policy by position, then id: a GArray of DwStoreSlaPolicy that frees its strings. */
static inline GArray *
dw_store_sla_policies_list (DwStore  *store,
                            GError  **error)
{
  return store->backend->sla->policies_list (store, error);
}

/* The customer's tags (the string elements of its JSON array, in order); an empty vector for
 * customer 0 or an unknown one. */
static inline GStrv
dw_store_sla_customer_tags (DwStore  *store,
                            gint64    customer_id,
                            GError  **error)
{
  return store->backend->sla->customer_tags (store, customer_id, error);
}

/* The ticket's customer comments, public agent comments and status changes, by time; of the
 * same second, comments first (a GArray of DwStoreSlaMark that frees its strings). */
static inline GArray *
dw_store_sla_marks_list (DwStore  *store,
                         gint64    ticket_id,
                         GError  **error)
{
  return store->backend->sla->marks_list (store, ticket_id, error);
}

/* The enabled leads of team @team_id by user id (a GArray of gint64). */
static inline GArray *
dw_store_sla_lead_ids (DwStore  *store,
                       gint64    team_id,
                       GError  **error)
{
  return store->backend->sla->lead_ids (store, team_id, error);
}

/* Writes the ticket's SLA if its "sla" is still @update->old_sla: @done says whether this call
 * wrote it (FALSE: another run changed it since the caller read it, and the state changes
 * it found are that run's to announce). */
static inline gboolean
dw_store_sla_update (DwStore                 *store,
                     const DwStoreSlaUpdate  *update,
                     gboolean                *done,
                     GError                 **error)
{
  return store->backend->sla->update (store, update, done, error);
}

/* Raises the ticket's escalation level from @from_level to @from_level + 1 and sets its
 * priority, if the level is still @from_level: @done says whether this call did it. */
static inline gboolean
dw_store_sla_escalate (DwStore     *store,
                       gint64       ticket_id,
                       gint64       from_level,
                       const char  *priority,
                       gint64       now,
                       gboolean    *done,
                       GError     **error)
{
  return store->backend->sla->escalate (store, ticket_id, from_level, priority, now, done,
                                        error);
}

/* The earliest next_sla_at of any ticket (0: none). */
static inline gboolean
dw_store_sla_earliest_due (DwStore  *store,
                           gint64   *at,
                           GError  **error)
{
  return store->backend->sla->earliest_due (store, at, error);
}

/* At most @limit tickets due by @now, by next_sla_at then id (a GArray of gint64). */
static inline GArray *
dw_store_sla_due_list (DwStore  *store,
                       gint64    now,
                       guint     limit,
                       GError  **error)
{
  return store->backend->sla->due_list (store, now, limit, error);
}

/* Compliance (dw-api-sla.c): the figures, their drill-down and a ticket's SLA timeline, read
 * from the audit rows the engine writes (action "sla", field = target, after = new state). */

/* A team as the compliance figures name it; @timezone NULL when it has no calendar. */
typedef struct
{
  gint64  id;
  char   *name;
  char   *timezone;
} DwStoreSlaTeam;

/* A policy as the compliance figures name it. */
typedef struct
{
  gint64  id;
  char   *name;
} DwStoreSlaPolicyName;

/* One team of a filter and its window [@from, @to). */
typedef struct
{
  gint64  team_id;
  gint64  from;
  gint64  to;
} DwStoreSlaWindow;

/* Which outcome rows (an SLA state change into met or breached) to read: of the tickets now
 * in one of @teams, at in [@from, @to); with @per_team, also inside the window of the ticket's
 * team.  0 / NULL members filter nothing. */
typedef struct
{
  const DwStoreSlaWindow *teams;
  guint                   n_teams;
  gboolean                per_team;
  gint64                  from;
  gint64                  to;
  gint64                  policy_id;
  gint64                  assignee_id;
  const char             *target;    /* a DwSlaTarget nick */
  const char             *outcome;   /* "met" or "breached" */
  gint64                  before_id; /* the cursor: audit ids below it */
  guint                   limit;     /* a page: at most this many, newest audit id first */
} DwStoreSlaOutcomeFilter;

/* An outcome row.  A scan fills @team_id and @policy_id (the ticket's now); a page fills
 * @audit_id, @ticket_id and @ticket (docs/api.md's object) instead. */
typedef struct
{
  gint64      audit_id;
  gint64      at;
  gint64      team_id;     /* 0: NULL */
  gint64      policy_id;   /* 0: NULL */
  gint64      ticket_id;
  char       *target;
  char       *outcome;
  JsonObject *ticket;
} DwStoreSlaOutcome;

typedef void (*DwStoreSlaOutcomeFunc) (const DwStoreSlaOutcome *row,
                                       gpointer                 user_data);

/* A mark of a ticket's SLA timeline: @kind 0 an SLA state change (@field the target, @value the
 * state), 1 a status change (@value the new status), 2 a public agent reply. */
typedef struct
{
  gint64  at;
  int     kind;
  char   *field;
  char   *value;
} DwStoreSlaTimelineMark;

struct _DwStoreSlaComplianceOps
{
  GArray  *(*teams)         (DwStore                        *store,
                             gint64                          team_id,
                             GError                        **error);
  GArray  *(*policies)      (DwStore                        *store,
                             gint64                          policy_id,
                             GError                        **error);
  gboolean (*outcomes_scan) (DwStore                        *store,
                             const DwStoreSlaOutcomeFilter  *filter,
                             DwStoreSlaOutcomeFunc           func,
                             gpointer                        user_data,
                             GError                        **error);
  GArray  *(*outcomes_page) (DwStore                        *store,
                             const DwStoreSlaOutcomeFilter  *filter,
                             gboolean                       *more,
                             GError                        **error);
  GArray  *(*timeline_marks) (DwStore                       *store,
                              gint64                         ticket_id,
                              GError                       **error);
};

/* Every team (@team_id 0) or that one, by id: a GArray of DwStoreSlaTeam that frees its
 * strings. */
static inline GArray *
dw_store_sla_compliance_teams (DwStore  *store,
                               gint64    team_id,
                               GError  **error)
{
  return store->backend->sla_compliance->teams (store, team_id, error);
}

/* Every policy (@policy_id 0) or that one, by position then id: a GArray of
 * DwStoreSlaPolicyName that frees its strings. */
static inline GArray *
dw_store_sla_compliance_policies (DwStore  *store,
                                  gint64    policy_id,
                                  GError  **error)
{
  return store->backend->sla_compliance->policies (store, policy_id, error);
}

/* Calls @func for each outcome row of @filter (no @ticket, in no particular order; @limit and
 * @before_id are not read). */
static inline gboolean
dw_store_sla_compliance_outcomes_scan (DwStore                        *store,
                                       const DwStoreSlaOutcomeFilter  *filter,
                                       DwStoreSlaOutcomeFunc           func,
                                       gpointer                        user_data,
                                       GError                        **error)
{
  return store->backend->sla_compliance->outcomes_scan (store, filter, func, user_data, error);
}

/* At most @filter->limit outcome rows below @filter->before_id, newest audit id first, each
 * with its ticket: a GArray of DwStoreSlaOutcome that frees its members; @more says whether
 * another page follows. */
static inline GArray *
dw_store_sla_compliance_outcomes_page (DwStore                        *store,
                                       const DwStoreSlaOutcomeFilter  *filter,
                                       gboolean                       *more,
                                       GError                        **error)
{
  return store->backend->sla_compliance->outcomes_page (store, filter, more, error);
}

/* The ticket's SLA state changes, status changes and public agent replies, by time (of the
 * same second in no given order: the caller sorts by kind): a GArray of DwStoreSlaTimelineMark
 * that frees its strings. */
static inline GArray *
dw_store_sla_compliance_timeline_marks (DwStore  *store,
                                        gint64    ticket_id,
                                        GError  **error)
{
  return store->backend->sla_compliance->timeline_marks (store, ticket_id, error);
}

/* The clear functions the backends give their arrays. */
static inline void
dw_store_sla_team_clear (gpointer data)
{
  DwStoreSlaTeam *row = data;

  g_clear_pointer (&row->name, g_free);
  g_clear_pointer (&row->timezone, g_free);
}

static inline void
dw_store_sla_policy_name_clear (gpointer data)
{
  DwStoreSlaPolicyName *row = data;

  g_clear_pointer (&row->name, g_free);
}

static inline void
dw_store_sla_outcome_clear (gpointer data)
{
  DwStoreSlaOutcome *row = data;

  g_clear_pointer (&row->target, g_free);
  g_clear_pointer (&row->outcome, g_free);
  g_clear_pointer (&row->ticket, json_object_unref);
}

static inline void
dw_store_sla_timeline_mark_clear (gpointer data)
{
  DwStoreSlaTimelineMark *row = data;

  g_clear_pointer (&row->field, g_free);
  g_clear_pointer (&row->value, g_free);
}

G_END_DECLS
