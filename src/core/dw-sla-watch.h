/* dw-sla-watch.h: the SLA watch list: every target of every ticket that is at risk or
 * breached, sorted by business time left, as a GListModel of DwSlaWatchItem.
 *
 * It follows a tickets GListModel (of DwTicket, e.g. DwSync's DwObjectStore) incrementally:
 * items-changed of the tickets list costs only the tickets it names, and a ticket updated in
 * place (its "sla", "status" or "team-id" notify) re-evaluates just that ticket.  Each
 * ticket contributes one row per target whose state at "now" is at-risk or breached (not only
 * its nearest deadline); solved/closed tickets and met targets contribute none.  A target
 * that is pending on the customer stays (countdown stopped, mode "pending") only once it has
 * breached: before that the service reports it paused, and a paused target is not at risk.
 *
 * Time: nothing here runs a timer.  The console calls dw_sla_watch_tick() from its one
 * 1-second tick; the tick recomputes the countdown of the rows (there are only as many rows
 * as targets at risk or breached, not as tickets), notifies each row's changed properties —
 * all rows, not only visible ones: the watch cannot know what is on screen, and a row that is
 * not bound to a widget has no notify handler, so its notification costs next to nothing —
 * and, if the order changed (calendars of different teams open and close at different
 * times), re-sorts with a single items-changed over the span that moved.  A running target
 * that passes its due time reads breached at the next tick without waiting for the service.
 *
 * Calendars: each team's countdown runs on its calendar (dw_sla_watch_set_calendar); a team
 * without one counts wall-clock time.
 *
 * Order: remaining business seconds ascending (most overdue first), then due_at, ticket id,
 * target.
 */
#pragma once

#include <gio/gio.h>

#include "dw-calendar.h"
#include "dw-sla-watch-item.h"

G_BEGIN_DECLS

#define DW_TYPE_SLA_WATCH (dw_sla_watch_get_type ())
G_DECLARE_FINAL_TYPE (DwSlaWatch, dw_sla_watch, DW, SLA_WATCH, GObject)

/* @tickets: of DwTicket (not taken, kept referenced); @now: the moment of the first rows. */
DwSlaWatch *dw_sla_watch_new           (GListModel *tickets,
                                        gint64      now);

/* The calendar of @team_id (NULL to forget it); re-evaluates the team's rows. */
void        dw_sla_watch_set_calendar  (DwSlaWatch *self,
                                        gint64      team_id,
                                        DwCalendar *calendar);

/* Advances to @now: recomputes the rows' countdowns, re-sorts if needed. */
void        dw_sla_watch_tick          (DwSlaWatch *self,
                                        gint64      now);

gint64      dw_sla_watch_get_now       (DwSlaWatch *self);

/* How many rows are breached / at risk (for a badge). */
guint       dw_sla_watch_count_state   (DwSlaWatch *self,
                                        DwSlaState  state);
/* How many tickets are breached / at risk, each counted once by its worst row: the figures of
 * docs/api.md "Figures" (a breach running; at risk with no breach running), the same as the
 * team cards count from the tickets' live SLA state. */
guint       dw_sla_watch_count_tickets (DwSlaWatch *self,
                                        DwSlaState  state);

G_END_DECLS
