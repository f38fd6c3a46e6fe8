/* dw-sla.h: SLA policy matching and the SLA clock maths, as pure functions.
 *
 * The service's SLA engine (src/server/dw-sla-engine.c) feeds a ticket's history as marks, the
 * team's calendar, the matched rule and "now", and stores what comes out.  Nothing here reads a
 * clock or a database, so the maths can be tested in isolation.
 *
 * Semantics of the clocks (all count business seconds on the calendar only, and none counts
 * while the ticket is pending — waiting on the customer — or solved/closed):
 *   - first response: from creation until the first public agent reply;
 *   - next response: from the first customer message after a public agent reply until the next
 *     public agent reply.  Only the latest such cycle is reported; none before any cycle began;
 *   - resolution: from creation until solved/closed; a reopen resumes it, accumulating.
 * A first/next response still awaited when the ticket is solved or closed is settled as met at
 * that moment (there is nothing left to answer); a reopen resumes it.
 * State of a target: ok while elapsed < at-risk threshold (round (ratio * target)); at-risk from
 * there; breached from elapsed >= target.  A settled target is met, or breached if it was settled
 * late.  While pending a running target is paused (or stays breached).  Outside business hours
 * a running target keeps its state, with paused_reason outside-hours for display.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "dw-calendar.h"
#include "dw-enums.h"

G_BEGIN_DECLS

#define DW_SLA_ERROR (dw_sla_error_quark ())

typedef enum
{
  DW_SLA_ERROR_INVALID,   /* JSON that does not follow docs/api.md */
} DwSlaError;

GQuark dw_sla_error_quark (void);

/* ------------------------------------------------------------------------------------------ */
/* Policies */

/* One SLA policy (docs/api.md "SLA policy") as matching and the clock need it.  A plain boxed
 * struct; the console's editable GObject is DwSlaPolicy (dw-sla-policy.h). */
typedef struct
{
  gint64   id;
  char    *name;
  int      position;
  GArray  *match_priorities;       /* of int (DwPriority); empty matches any */
  GStrv    match_tags;             /* customer tags, any of; empty (never NULL) matches any */
  GArray  *match_channels;         /* of int (DwChannel); empty matches any */
  GStrv    match_business_types;   /* empty (never NULL) matches any */
  int      first_response_minutes; /* business minutes; -1: no such target */
  int      next_response_minutes;
  int      resolution_minutes;
  double   at_risk_ratio;          /* 0 < ratio < 1 */
  gboolean escalate_raise_priority;
  gboolean escalate_notify_lead;
  gboolean escalate_reassign;
} DwSlaRule;

#define DW_TYPE_SLA_RULE (dw_sla_rule_get_type ())
GType      dw_sla_rule_get_type      (void) G_GNUC_CONST;

/* A rule matching everything, with no targets, ratio 0.75 and escalation raise_priority and
 * notify_lead (the schema's defaults). */
DwSlaRule *dw_sla_rule_new           (void);
DwSlaRule *dw_sla_rule_copy          (const DwSlaRule *rule);
void       dw_sla_rule_free          (DwSlaRule       *rule);

/* The docs/api.md "SLA policy" object.  Missing members take the defaults of dw_sla_rule_new();
 * unknown members are an error.  Messages start with the member's name. */
DwSlaRule *dw_sla_rule_new_from_json (JsonObject      *object,
                                      GError         **error);
JsonObject *dw_sla_rule_to_json      (const DwSlaRule *rule);

/* Minutes of @target, or -1 when the rule has no such target. */
int        dw_sla_rule_get_target_minutes (const DwSlaRule *rule,
                                           DwSlaTarget      target);

/* Whether every non-empty match list of @rule matches.  Tags match when any customer tag is in
 * the rule's list; a NULL @business_type never matches a non-empty business-type list. */
gboolean   dw_sla_rule_matches       (const DwSlaRule    *rule,
                                      DwPriority          priority,
                                      const char * const *customer_tags,
                                      DwChannel           channel,
                                      const char         *business_type);

/* The matching rule of lowest position (ties: lowest id, then array order) among @rules (of
 * DwSlaRule *), or NULL.  The result points into @rules. */
const DwSlaRule *dw_sla_rules_match  (GPtrArray          *rules,
                                      DwPriority          priority,
                                      const char * const *customer_tags,
                                      DwChannel           channel,
                                      const char         *business_type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DwSlaRule, dw_sla_rule_free)

/* ------------------------------------------------------------------------------------------ */
/* The clock */

typedef enum
{
  DW_SLA_MARK_CREATED,
  DW_SLA_MARK_AGENT_REPLY,        /* a public agent reply (internal notes are not marks) */
  DW_SLA_MARK_CUSTOMER_MESSAGE,
  DW_SLA_MARK_STATUS,             /* the ticket's status changed to .status */
} DwSlaMarkKind;

/* One moment of a ticket's history.  Marks are given in time order (equal times keep their
 * order); the first CREATED mark starts the clocks, with status new unless a STATUS mark
 * follows.  Marks after "now" are ignored. */
typedef struct
{
  gint64        at;
  DwSlaMarkKind kind;
  DwStatus      status;           /* DW_SLA_MARK_STATUS only */
} DwSlaMark;

typedef enum
{
  DW_SLA_PAUSE_NONE,
  DW_SLA_PAUSE_PENDING,           /* waiting on the customer: the clock stands still */
  DW_SLA_PAUSE_OUTSIDE_HOURS,     /* running, but the calendar is closed right now */
} DwSlaPauseReason;

typedef struct
{
  DwSlaTarget      target;
  gboolean         defined;         /* the rule has this target; otherwise state is NONE */
  DwSlaState       state;
  gint64           target_seconds;
  gint64           elapsed_seconds; /* business seconds counted so far (up to now or settling) */
  /* Wall times while the target runs (possibly outside hours): when it turns/turned at risk
   * and breaches/breached — in the past once crossed.  0 while paused, settled or inactive. */
  gint64           at_risk_at;
  gint64           due_at;
  gint64           met_at;          /* when it was settled (reply, solve); 0 while running */
  gint64           breached_at;     /* when elapsed reached the target, 0 if it has not; not in JSON */
  DwSlaPauseReason paused_reason;   /* NONE unless running */
} DwSlaTargetStatus;

typedef struct
{
  DwSlaTargetStatus targets[DW_SLA_N_TARGETS];  /* indexed by DwSlaTarget */
  DwSlaState        worst;                      /* the largest state of the targets */
  /* The earliest at_risk_at / due_at after now: when the state may change next without a new
   * mark; 0 if none. */
  gint64            next_transition;
} DwSlaResult;

/* Runs the clocks of @rule (NULL: no targets, everything NONE) on @calendar over @marks
 * (@n_marks of them) up to @now. */
void        dw_sla_compute                (DwCalendar      *calendar,
                                           const DwSlaRule *rule,
                                           const DwSlaMark *marks,
                                           gsize            n_marks,
                                           gint64           now,
                                           DwSlaResult     *result);

const char *dw_sla_pause_reason_to_string (DwSlaPauseReason reason);  /* NULL for NONE */
/* The reason named @string (NULL: NONE), or -1 when it is none of "pending", "outside-hours". */
int         dw_sla_pause_reason_from_string (const char *string);

/* The reason of the "sla" audit row written when @status's target turned from @before to
 * @status->state, e.g. "sla: resolution at risk, 180 of 240 business minutes used". */
char       *dw_sla_describe_change        (const DwSlaTargetStatus *status,
                                           DwSlaState               before);

/* The docs/api.md "SLA target" object. */
JsonObject *dw_sla_target_status_to_json  (const DwSlaTargetStatus *status);
/* The inverse, for clients reading a ticket's "sla" (breached_at and defined are not on the
 * wire: breached_at stays 0, defined TRUE). */
gboolean    dw_sla_target_status_from_json (JsonObject        *object,
                                            DwSlaTargetStatus *status,
                                            GError           **error);
/* The ticket's "sla" array: one object per defined target, in DwSlaTarget order. */
JsonArray  *dw_sla_result_to_json         (const DwSlaResult *result);

/* The share of @due outcomes met, in percent, as a screen shows it: whole percents, except
 * that it never reads 100 while one of them breached (1032 of 1033 met is 99.9, one decimal,
 * rounded down), nor 0 while one was met.  *@decimals (0 or 1) says how to print it. */
double   dw_sla_share_percent_shown (gint64  met,
                                     gint64  due,
                                     int    *decimals);

G_END_DECLS
