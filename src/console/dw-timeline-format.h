/* dw-timeline-format.h: a ticket's audit trail and SLA targets in words a team lead reads.
 *
 * The service's audit rows name fields and ids ("assigned: assignee_id → 30") and give their
 * reasons in English, for logs; the console says who and what in the lead's language
 * ("Assigned to 李娜", "Routing: online agent with the most free capacity (3 of 5)").  A
 * reason the console has no words for is shown as the service wrote it.
 *
 * No GTK here: tests/test-timeline-format.c reaches it without a display.
 */
#pragma once

#include <glib.h>

#include "dw-audit-event.h"
#include "dw-ticket.h"

G_BEGIN_DECLS

/* The display name of a user or team (@kind "user" or "team"), or NULL when not known. */
typedef const char *(*DwTimelineNameFunc) (const char *kind,
                                           gint64      id,
                                           gpointer    user_data);

/* What happened, e.g. "Assigned to 李娜", "Status set to Solved", "First response: At risk". */
char *dw_timeline_format_title  (DwAuditEvent       *event,
                                 DwTimelineNameFunc  names,
                                 gpointer            user_data);
/* Why, translated when the console knows the service's wording; NULL for NULL. */
char *dw_timeline_format_reason (const char         *reason);

/* One SLA target in a line, e.g. "At risk · due in 45 min (at risk since 5 min) · 1 h 15 min of
 * 2 h", "Overdue by 1 h 59 min · 2 h 29 min of 30 min", "Does not apply". */
char *dw_timeline_format_sla_target (const DwSlaTargetInfo *info,
                                     gint64                 now);

G_END_DECLS
