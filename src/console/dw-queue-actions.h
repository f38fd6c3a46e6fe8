/* dw-queue-actions.h: a lead's changes to a ticket, shown at once and confirmed by the service.
 *
 * dw_queue_actions_patch() applies @changes (wire members, e.g. {"assignee_id": 7}) to the
 * DwTicket the lists show, so the change is visible immediately, and sends them with
 * PATCH /api/v1/tickets/ID at the version the ticket had.  The service's answer is applied
 * through dw_sync_apply_ticket().  On a conflict (409) or any other error the members are put
 * back — those nobody changed since — and @callback gets the error and a sentence for the lead
 * ("Someone else changed ticket #N; your change was undone").
 */
#pragma once

#include <gio/gio.h>

#include "dw-sync.h"

G_BEGIN_DECLS

/* @message is NULL on success. */
typedef void (*DwQueueActionCallback) (DwTicket     *ticket,
                                       const GError *error,
                                       const char   *message,
                                       gpointer      user_data);

/* @changes is not taken. */
void        dw_queue_actions_patch       (DwSync               *sync,
                                          DwTicket             *ticket,
                                          JsonObject           *changes,
                                          DwQueueActionCallback callback,
                                          gpointer              user_data);

/* Adds an internal note (a comment with public false). */
void        dw_queue_actions_add_note    (DwSync               *sync,
                                          DwTicket             *ticket,
                                          const char           *body,
                                          DwQueueActionCallback callback,
                                          gpointer              user_data);

/* The changes of the lead actions. */
JsonObject *dw_queue_actions_reassign    (gint64                user_id);
JsonObject *dw_queue_actions_set_priority (DwPriority           priority);
JsonObject *dw_queue_actions_move_team   (gint64                team_id);
/* One priority step up (urgent stays urgent) and escalation_level + 1. */
JsonObject *dw_queue_actions_escalate    (DwTicket             *ticket);

G_END_DECLS
