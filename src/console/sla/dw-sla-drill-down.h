/* dw-sla-drill-down.h: the tickets behind one compliance figure, in a popover
 * (GET /api/v1/sla/compliance/tickets), a page at a time: the next page loads when the list is
 * scrolled to its end, or from its "Show More" row.  Activating a ticket shows it
 * (win.show-ticket).
 *
 * The compliance view keeps one for its life, parented to itself: the figure buttons it points
 * at are rebuilt on every refresh, and a popover parented to one of them would be finalized
 * with it while open.
 */
#pragma once

#include <gtk/gtk.h>

#include "dw-client.h"
#include "dw-ticket-pages.h"

G_BEGIN_DECLS

#define DW_TYPE_SLA_DRILL_DOWN (dw_sla_drill_down_get_type ())

G_DECLARE_FINAL_TYPE (DwSlaDrillDown, dw_sla_drill_down, DW, SLA_DRILL_DOWN, GtkPopover)

GtkWidget *dw_sla_drill_down_new           (void);
/* Shows the tickets of @query ("team=2&period=7d&target=resolution&outcome=breached") under
 * @title, from the first page; a load in flight for another figure is cancelled. */
void       dw_sla_drill_down_load          (DwSlaDrillDown *self,
                                            DwClient       *client,
                                            const char     *query,
                                            const char     *title);
/* The list of tickets, page by page. */
DwTicketPages *dw_sla_drill_down_get_tickets (DwSlaDrillDown *self);

G_END_DECLS
