/* dw-ticket-list.h: the queues section's ticket table.
 *
 * A GtkColumnView over the sync's tickets, filtered by a DwTicketCriteria (the filter bar and
 * the team overview both set it) and sorted by the clicked column.  The list is the sync's own
 * model seen through a GtkFilterListModel and a GtkSortListModel: tickets change in place and
 * the table follows without losing its scroll position or selection.
 *
 * Signals:
 *   "ticket-activated" (DwTicket *): Enter or a double click on a row.
 */
#pragma once

#include <gtk/gtk.h>

#include "dw-clock.h"
#include "dw-sync.h"
#include "dw-ticket-filter.h"

G_BEGIN_DECLS

#define DW_TYPE_TICKET_LIST (dw_ticket_list_get_type ())
G_DECLARE_FINAL_TYPE (DwTicketList, dw_ticket_list, DW, TICKET_LIST, GtkWidget)

GtkWidget        *dw_ticket_list_new                 (void);

void              dw_ticket_list_set_sync            (DwTicketList *self,
                                                      DwSync       *sync);
DwSync           *dw_ticket_list_get_sync            (DwTicketList *self);
/* Where "now" comes from for waiting times and deadlines (NULL: real time). */
void              dw_ticket_list_set_clock           (DwTicketList *self,
                                                      DwClock      *clock);

/* The criteria the list shows (transfer none); set them to filter. */
DwTicketCriteria *dw_ticket_list_get_criteria        (DwTicketList *self);

/* The selected ticket, or NULL (also the "selected-ticket" property). */
DwTicket         *dw_ticket_list_get_selected_ticket (DwTicketList *self);
/* Selects the ticket with @ticket_id if it is shown; FALSE otherwise. */
gboolean          dw_ticket_list_select_ticket       (DwTicketList *self,
                                                      gint64        ticket_id);
/* How many tickets the filter lets through. */
guint             dw_ticket_list_get_n_shown         (DwTicketList *self);
/* The model the table shows (sorted and filtered; transfer none), for tests. */
GListModel       *dw_ticket_list_get_model           (DwTicketList *self);

/* Sorts by the column @column_id ("number", "subject", "business-type", "channel", "priority",
 * "status", "assignee", "waiting", "deadline"). */
void              dw_ticket_list_sort_by             (DwTicketList *self,
                                                      const char   *column_id,
                                                      GtkSortType   order);

/* Where the hidden columns and the columns' widths are kept ("ticket-hidden-columns",
 * "ticket-column-widths"); NULL: not kept. */
void              dw_ticket_list_set_settings        (DwTicketList *self,
                                                      GSettings    *settings);
/* Whether one click on a row opens its ticket ("ticket-activated"), for a narrow window where
 * the list and the detail take turns; otherwise Enter or a double click opens. */
void              dw_ticket_list_set_open_on_click   (DwTicketList *self,
                                                      gboolean      open_on_click);
/* Shows the table as not live (dimmed): the service is not connected. */
void              dw_ticket_list_set_stale           (DwTicketList *self,
                                                      gboolean      stale);
/* For tests: the title of what shows instead of an empty table, or NULL. */
const char       *dw_ticket_list_get_placeholder     (DwTicketList *self);
/* For tests: the click gesture on the table. */
GtkGesture       *dw_ticket_list_get_click_gesture   (DwTicketList *self);
/* For tests: the header of a shown column, or NULL. */
GtkWidget        *dw_ticket_list_get_column_header   (DwTicketList *self,
                                                      const char   *column_id);
void              dw_ticket_list_focus_search        (DwTicketList *self);
void              dw_ticket_list_focus_table         (DwTicketList *self);

G_END_DECLS
