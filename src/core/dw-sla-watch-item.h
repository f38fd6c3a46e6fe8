/* dw-sla-watch-item.h: one row of the SLA watch list: a target of a ticket that is at risk
 * or breached, with its countdown (dw-sla-countdown.h) as of the watch list's last tick.
 *
 * Read-only properties, each notified only when its value changes:
 *   "ticket" (DwTicket), "target" (DwSlaTarget), "state" (DwSlaState: at-risk or breached),
 *   "due-at" (gint64, 0 while the clock stands still), "remaining" (gint64 business seconds,
 *   negative when overdue), "mode" (DwSlaCountdownMode), "resumes-at" (gint64, when a clock
 *   stopped outside hours starts again).
 * Rows are made and updated by DwSlaWatch only.
 */
#pragma once

#include <glib-object.h>

#include "dw-calendar.h"
#include "dw-sla-countdown.h"
#include "dw-ticket.h"

G_BEGIN_DECLS

#define DW_TYPE_SLA_COUNTDOWN_MODE (dw_sla_countdown_mode_get_type ())
GType dw_sla_countdown_mode_get_type (void) G_GNUC_CONST;

#define DW_TYPE_SLA_WATCH_ITEM (dw_sla_watch_item_get_type ())
G_DECLARE_FINAL_TYPE (DwSlaWatchItem, dw_sla_watch_item, DW, SLA_WATCH_ITEM, GObject)

DwTicket           *dw_sla_watch_item_get_ticket     (DwSlaWatchItem *self);
DwSlaTarget         dw_sla_watch_item_get_target     (DwSlaWatchItem *self);
DwSlaState          dw_sla_watch_item_get_state      (DwSlaWatchItem *self);
gint64              dw_sla_watch_item_get_due_at     (DwSlaWatchItem *self);
gint64              dw_sla_watch_item_get_remaining  (DwSlaWatchItem *self);
DwSlaCountdownMode  dw_sla_watch_item_get_mode       (DwSlaWatchItem *self);
gint64              dw_sla_watch_item_get_resumes_at (DwSlaWatchItem *self);
/* The whole countdown, for formatting. */
const DwSlaCountdown *dw_sla_watch_item_get_countdown (DwSlaWatchItem *self);

/* For DwSlaWatch. */
DwSlaWatchItem     *dw_sla_watch_item_new            (DwTicket       *ticket,
                                                      DwSlaTarget     target);
/* Recomputes the countdown from the ticket's current "sla" entry and status at @now, and
 * notifies what changed.  Returns FALSE when the ticket no longer has the target. */
gboolean            dw_sla_watch_item_update         (DwSlaWatchItem *self,
                                                      DwCalendar     *calendar,
                                                      gint64          now);

G_END_DECLS
