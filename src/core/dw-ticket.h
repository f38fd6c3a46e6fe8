/* dw-ticket.h: a ticket (docs/api.md "Ticket") as a GObject for the console's lists.
 *
 * Every member of the wire object is a property with the member's name in kebab-case
 * ("business_type" → "business-type"), so a GtkColumnView binds it with <lookup>.  Properties
 * notify only when their value really changes (G_PARAM_EXPLICIT_NOTIFY), which is what lets
 * the console apply stream events in place with dw_ticket_update_from_json() and have its
 * lists report just the rows that moved.
 *
 * Conventions: times are gint64 Unix seconds with 0 for null; ids 0 for null (unassigned, no
 * team, …); csat 0 for null; strings NULL for null.  tags is never NULL once read.
 *
 * Memory (a console holds 100k of these): business_type and the tags are interned strings,
 * shared by every ticket (a desk has a few dozen); SLA targets are inline; times and the ids
 * of teams, users, customers and policies are kept in 32 bits, so a reader rejects a ticket
 * whose times are not between 1970 and 2106 or whose such ids are over 4294967295 ("out of
 * range"); enums take a byte each.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "dw-enums.h"

G_BEGIN_DECLS

/* One entry of a ticket's "sla" array (docs/api.md "SLA target").  Compact (24 bytes, not 56:
 * a console holds three or four per ticket for 100k tickets): the times are unsigned 32-bit
 * Unix seconds (1970 to 2106; a reader rejects a time or an elapsed_seconds outside that, see
 * DW_SLA_TARGET_INFO_MAX_TIME), the enums are single bytes, and paused_reason is a
 * DwSlaPauseReason code (dw-sla.h) rather than a string pointer;
 * dw_sla_target_info_get_paused_reason() gives the wire string.  Each time member reads as a
 * gint64 in any expression with a gint64 (as `now - info->due_at`); subtract two of them only
 * after a cast to gint64. */
typedef struct
{
  guint32      elapsed_seconds;  /* business seconds used so far */
  guint32      at_risk_at;       /* 0: null (paused or met) */
  guint32      due_at;           /* 0: null (paused or met) */
  guint32      met_at;           /* 0: null */
  gint32       target_minutes;
  guint8       target;           /* DwSlaTarget */
  guint8       state;            /* DwSlaState */
  guint8       paused_reason;    /* DwSlaPauseReason: none, pending or outside-hours */
} DwSlaTargetInfo;

/* The largest time (2106-02-07T06:28:15Z) and elapsed_seconds a DwSlaTargetInfo holds. */
#define DW_SLA_TARGET_INFO_MAX_TIME ((gint64) G_MAXUINT32)

#define DW_TYPE_SLA_TARGET_INFO (dw_sla_target_info_get_type ())
GType            dw_sla_target_info_get_type  (void) G_GNUC_CONST;
DwSlaTargetInfo *dw_sla_target_info_new       (void);
DwSlaTargetInfo *dw_sla_target_info_copy      (const DwSlaTargetInfo *info);
void             dw_sla_target_info_free      (DwSlaTargetInfo       *info);
gboolean         dw_sla_target_info_equal     (const DwSlaTargetInfo *a,
                                               const DwSlaTargetInfo *b);
/* The ticket-level breach (DwBreach) of a ticket in @status with these @n_targets @targets:
 * the service's "breach" member, computed the same way. */
DwBreach         dw_sla_breach_of_targets     (DwStatus               status,
                                               const DwSlaTargetInfo *targets,
                                               guint                  n_targets);
/* TRUE while the target's clock runs toward due_at (ok, at-risk or breached, not met). */
gboolean         dw_sla_target_info_is_running (const DwSlaTargetInfo *info);
DwSlaTargetInfo *dw_sla_target_info_new_from_json (JsonObject        *object,
                                                   GError           **error);
/* Sets the four times (0 for null) if each is within 0 .. DW_SLA_TARGET_INFO_MAX_TIME;
 * FALSE, and @info unchanged, otherwise. */
gboolean         dw_sla_target_info_set_times (DwSlaTargetInfo       *info,
                                               gint64                 elapsed_seconds,
                                               gint64                 at_risk_at,
                                               gint64                 due_at,
                                               gint64                 met_at);
JsonObject      *dw_sla_target_info_to_json   (const DwSlaTargetInfo *info);
/* "pending", "outside-hours" or NULL (the wire's paused_reason). */
const char      *dw_sla_target_info_get_paused_reason (const DwSlaTargetInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DwSlaTargetInfo, dw_sla_target_info_free)

#define DW_TYPE_TICKET (dw_ticket_get_type ())
G_DECLARE_FINAL_TYPE (DwTicket, dw_ticket, DW, TICKET, GObject)

/* Members id, subject, channel, priority, status, created_at, updated_at and version are
 * required; the others default to null / empty / 0 when absent.  Unknown members are
 * ignored (a newer service may add some). */
DwTicket    *dw_ticket_new_from_json        (JsonObject   *object,
                                             GError      **error);
JsonObject  *dw_ticket_to_json              (DwTicket     *self);

/* Applies the members present in @object (a whole ticket or any part of it) in place: all are
 * checked first, nothing changes on error; then only changed properties are set, each notified
 * once (notifications are frozen until all are set).  An "id" member must match the ticket's.
 * Returns FALSE with a DW_JSON_ERROR on bad input. */
gboolean     dw_ticket_update_from_json     (DwTicket     *self,
                                             JsonObject   *object,
                                             GError      **error);

gint64       dw_ticket_get_id               (DwTicket     *self);
const char  *dw_ticket_get_subject          (DwTicket     *self);
/* "" when the body is not loaded (see dw_ticket_get_body_loaded()). */
const char  *dw_ticket_get_body             (DwTicket     *self);
/* FALSE while the ticket has no body: tickets read from a compact snapshot leave bodies out
 * (the ticket pane fetches the one it shows with GET /tickets/{id} and sets "body"). */
gboolean     dw_ticket_get_body_loaded      (DwTicket     *self);
DwChannel    dw_ticket_get_channel          (DwTicket     *self);
const char  *dw_ticket_get_business_type    (DwTicket     *self);
DwPriority   dw_ticket_get_priority         (DwTicket     *self);
DwStatus     dw_ticket_get_status           (DwTicket     *self);
gint64       dw_ticket_get_team_id          (DwTicket     *self);
gint64       dw_ticket_get_assignee_id      (DwTicket     *self);
gint64       dw_ticket_get_customer_id      (DwTicket     *self);
const char  *dw_ticket_get_order_number     (DwTicket     *self);
const char * const *dw_ticket_get_tags      (DwTicket     *self);
gboolean     dw_ticket_has_tag              (DwTicket     *self,
                                             const char   *tag);
gint64       dw_ticket_get_created_at       (DwTicket     *self);
gint64       dw_ticket_get_updated_at       (DwTicket     *self);
gint64       dw_ticket_get_first_response_at (DwTicket    *self);
gint64       dw_ticket_get_solved_at        (DwTicket     *self);
gint64       dw_ticket_get_version          (DwTicket     *self);
int          dw_ticket_get_escalation_level (DwTicket     *self);
gint64       dw_ticket_get_sla_policy_id    (DwTicket     *self);
DwSlaState   dw_ticket_get_sla_state        (DwTicket     *self);
gint64       dw_ticket_get_next_sla_at      (DwTicket     *self);
/* The ticket's targets, an array of *@n_targets (NULL when there are none), borrowed: valid
 * until the ticket's "sla" changes.  They are stored inline (one allocation per ticket, their
 * compact, see DwSlaTargetInfo); the "sla" property gives a GPtrArray copy. */
const DwSlaTargetInfo *dw_ticket_get_sla    (DwTicket     *self,
                                             guint        *n_targets);
/* The entry for @target, or NULL when the policy does not define it. */
const DwSlaTargetInfo *dw_ticket_get_sla_target (DwTicket *self,
                                                 DwSlaTarget target);
int          dw_ticket_get_csat             (DwTicket     *self);
const char  *dw_ticket_get_csat_comment     (DwTicket     *self);

/* Derived, also read-only properties that notify when their inputs change:
 *   "next-sla-deadline": the earliest due_at among running targets (breached ones included,
 *     in the past), 0 when none runs — the console's "next SLA deadline" column;
 *   "waiting-since": since when the customer has been waiting on the desk — created_at while
 *     the ticket is active and not pending/on-hold (waiting on the customer or a third party),
 *     0 otherwise — the console's "waiting time" column is now minus this;
 *   "is-active": status new, open, pending or on-hold. */
gint64       dw_ticket_get_next_sla_deadline (DwTicket    *self);
gint64       dw_ticket_get_waiting_since    (DwTicket     *self);
gboolean     dw_ticket_is_active            (DwTicket     *self);
/* dw_sla_breach_of_targets() of the ticket's status and "sla". */
DwBreach     dw_ticket_get_breach           (DwTicket     *self);
/* The worst state of the targets still in play: like "sla_state", except that a breached
 * target already settled (the late reply sent; breach "settled") counts as met, so a ticket is
 * "breached" here exactly when its breach is running.  Without targets, "sla_state". */
DwSlaState   dw_ticket_get_live_sla_state   (DwTicket     *self);

/* Setters for the console's optimistic edits (shown at once, rolled back on error); each
 * notifies only on change.  Everything else can be set with g_object_set(). */
void         dw_ticket_set_assignee_id      (DwTicket     *self,
                                             gint64        assignee_id);
void         dw_ticket_set_team_id          (DwTicket     *self,
                                             gint64        team_id);
void         dw_ticket_set_priority         (DwTicket     *self,
                                             DwPriority    priority);
void         dw_ticket_set_status           (DwTicket     *self,
                                             DwStatus      status);
void         dw_ticket_set_escalation_level (DwTicket     *self,
                                             int           level);

G_END_DECLS
