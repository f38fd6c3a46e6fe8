/* dw-ticket-filter.h: the console's local ticket filter criteria, free of GTK.
 *
 * A DwTicketCriteria holds what the lead asked to see — team, statuses, priorities, channels,
 * assignee (someone in particular, nobody, anybody), SLA states and a text search over the
 * subject, the order number, the ticket number and (through a lookup the caller gives) the
 * customer's name — and answers dw_ticket_criteria_match() for one DwTicket.
 *
 * (DwTicketFilter in dw-client.h is the other thing: the query string of GET /api/v1/tickets.
 * These criteria filter the tickets the console already holds.)
 *
 * Each setter says how the set of matching tickets changed ("changed" signal and return value):
 * stricter, looser or just different, so a list filter re-checks only what it must
 * (GtkFilterChange has the same three meanings).
 *
 * Sets of enum values are bit masks (1 << value); 0 means "any".
 */
#pragma once

#include <glib-object.h>

#include "dw-enums.h"
#include "dw-ticket.h"

G_BEGIN_DECLS

typedef enum
{
  DW_CRITERIA_CHANGE_NONE,
  DW_CRITERIA_CHANGE_DIFFERENT,
  DW_CRITERIA_CHANGE_LESS_STRICT,   /* every ticket that matched still matches */
  DW_CRITERIA_CHANGE_MORE_STRICT,   /* no ticket that failed matches now */
} DwCriteriaChange;

typedef enum
{
  DW_ASSIGNEE_MATCH_ANY,
  DW_ASSIGNEE_MATCH_UNASSIGNED,
  DW_ASSIGNEE_MATCH_ASSIGNED,       /* to anybody */
  DW_ASSIGNEE_MATCH_USER,           /* to the given user */
} DwAssigneeMatch;

#define DW_STATUS_MASK(s) (1u << (s))
/* new, open, pending and on-hold: the tickets that still need work */
#define DW_STATUS_MASK_ACTIVE (DW_STATUS_MASK (DW_STATUS_NEW) | DW_STATUS_MASK (DW_STATUS_OPEN) | \
                               DW_STATUS_MASK (DW_STATUS_PENDING) | DW_STATUS_MASK (DW_STATUS_ON_HOLD))

/* The customer's display name for @customer_id (borrowed), or NULL when unknown. */
typedef const char *(*DwCustomerNameFunc) (gint64   customer_id,
                                           gpointer user_data);

#define DW_TYPE_TICKET_CRITERIA (dw_ticket_criteria_get_type ())
G_DECLARE_FINAL_TYPE (DwTicketCriteria, dw_ticket_criteria, DW, TICKET_CRITERIA, GObject)

/* Matches every ticket until told otherwise. */
DwTicketCriteria *dw_ticket_criteria_new              (void);

gboolean          dw_ticket_criteria_match            (DwTicketCriteria *self,
                                                       DwTicket         *ticket);
/* TRUE when nothing is filtered. */
gboolean          dw_ticket_criteria_is_empty         (DwTicketCriteria *self);

/* 0: any team. */
DwCriteriaChange  dw_ticket_criteria_set_team_id      (DwTicketCriteria *self,
                                                       gint64            team_id);
gint64            dw_ticket_criteria_get_team_id      (DwTicketCriteria *self);
DwCriteriaChange  dw_ticket_criteria_set_statuses     (DwTicketCriteria *self,
                                                       guint             mask);
guint             dw_ticket_criteria_get_statuses     (DwTicketCriteria *self);
DwCriteriaChange  dw_ticket_criteria_set_priorities   (DwTicketCriteria *self,
                                                       guint             mask);
guint             dw_ticket_criteria_get_priorities   (DwTicketCriteria *self);
DwCriteriaChange  dw_ticket_criteria_set_channels     (DwTicketCriteria *self,
                                                       guint             mask);
guint             dw_ticket_criteria_get_channels     (DwTicketCriteria *self);
DwCriteriaChange  dw_ticket_criteria_set_sla_states   (DwTicketCriteria *self,
                                                       guint             mask);
guint             dw_ticket_criteria_get_sla_states   (DwTicketCriteria *self);
/* @user_id is used only with DW_ASSIGNEE_MATCH_USER. */
DwCriteriaChange  dw_ticket_criteria_set_assignee     (DwTicketCriteria *self,
                                                       DwAssigneeMatch   match,
                                                       gint64            user_id);
DwAssigneeMatch   dw_ticket_criteria_get_assignee     (DwTicketCriteria *self,
                                                       gint64           *user_id);
/* Case-insensitive substring of the subject, order number or customer name; "#123" or "123"
 * also matches ticket 123.  NULL or "" (after trimming): no text filter. */
DwCriteriaChange  dw_ticket_criteria_set_text         (DwTicketCriteria *self,
                                                       const char       *text);
const char       *dw_ticket_criteria_get_text         (DwTicketCriteria *self);

void              dw_ticket_criteria_set_customer_name_func (DwTicketCriteria  *self,
                                                             DwCustomerNameFunc func,
                                                             gpointer           user_data,
                                                             GDestroyNotify     notify);

/* Sets all of @other's criteria at once (one "changed" signal). */
DwCriteriaChange  dw_ticket_criteria_assign           (DwTicketCriteria *self,
                                                       DwTicketCriteria *other);
/* Back to matching everything. */
DwCriteriaChange  dw_ticket_criteria_reset            (DwTicketCriteria *self);

G_END_DECLS
