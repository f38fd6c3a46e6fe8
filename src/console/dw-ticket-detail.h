/* dw-ticket-detail.h: one ticket beside the queue: its fields, SLA targets, comments and
 * audit timeline.
 *
 * Fields and SLA targets follow the DwTicket live (it changes in place).  Comments and the
 * timeline are fetched with the sync's DwClient when the ticket is set, again when the ticket's
 * version moves or the stream reports a comment on it; a fetch in flight is cancelled when the
 * ticket changes.  The lead actions ("ticket.*") are buttons here; the queues page installs
 * them.
 */
#pragma once

#include <gtk/gtk.h>

#include "dw-clock.h"
#include "dw-sync.h"

G_BEGIN_DECLS

#define DW_TYPE_TICKET_DETAIL (dw_ticket_detail_get_type ())
G_DECLARE_FINAL_TYPE (DwTicketDetail, dw_ticket_detail, DW, TICKET_DETAIL, GtkWidget)

GtkWidget *dw_ticket_detail_new        (void);

void       dw_ticket_detail_set_sync   (DwTicketDetail *self,
                                        DwSync         *sync);
void       dw_ticket_detail_set_clock  (DwTicketDetail *self,
                                        DwClock        *clock);
void       dw_ticket_detail_set_ticket (DwTicketDetail *self,
                                        DwTicket       *ticket);
DwTicket  *dw_ticket_detail_get_ticket (DwTicketDetail *self);
/* Fetches comments and the timeline again. */
void       dw_ticket_detail_reload     (DwTicketDetail *self);
/* For tests: how many comments / audit events are shown. */
/* The SLA clock section (a DwSlaTimeline). */
GtkWidget *dw_ticket_detail_get_sla_timeline (DwTicketDetail *self);
/* The customer as the detail shows it: "王先生 · vip", or "#31" until the name has come. */
const char *dw_ticket_detail_get_customer_text (DwTicketDetail *self);
guint      dw_ticket_detail_get_n_comments (DwTicketDetail *self);
guint      dw_ticket_detail_get_n_events   (DwTicketDetail *self);
/* What the Message group shows: the body, or a loading or error text while it has none. */
const char *dw_ticket_detail_get_body_text (DwTicketDetail *self);

/* For tests: the detail's own actions ("priority", whose state is the ticket's priority). */
GActionGroup *dw_ticket_detail_get_actions (DwTicketDetail *self);

G_END_DECLS
