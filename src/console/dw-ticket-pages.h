/* dw-ticket-pages.h: a list of tickets read page by page from the API (the tickets behind a
 * figure: an SLA compliance cell, an agent's count).
 *
 * The list ends with one status row ("Loading…", "Show More", an error to retry, "No
 * tickets.").  Activating a ticket shows it in the Queues section (win.show-ticket) and then
 * emits ::ticket-shown.
 */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "dw-client.h"

G_BEGIN_DECLS

/* Makes the row of one item of a page and says which ticket it is. */
typedef GtkWidget *(*DwTicketPagesRowFunc) (JsonObject *item,
                                            gint64     *ticket_id);

#define DW_TYPE_TICKET_PAGES (dw_ticket_pages_get_type ())
G_DECLARE_FINAL_TYPE (DwTicketPages, dw_ticket_pages, DW, TICKET_PAGES, GtkWidget)

GtkWidget *dw_ticket_pages_new           (void);
/* How the pages' items become rows; set once, before the first load. */
void       dw_ticket_pages_set_row_func  (DwTicketPages        *self,
                                          DwTicketPagesRowFunc  func);
/* Lists the tickets of @path (an API path with its query, without limit and cursor) from the
 * first page, dropping what was listed and any page still on its way. */
void       dw_ticket_pages_load          (DwTicketPages        *self,
                                          DwClient             *client,
                                          const char           *path);
/* Lists nothing, and asks for nothing more. */
void       dw_ticket_pages_clear         (DwTicketPages        *self);
/* The next page, when there is one and none is on its way (a scroll reached the end). */
void       dw_ticket_pages_load_more     (DwTicketPages        *self);
guint      dw_ticket_pages_get_n_tickets (DwTicketPages        *self);
gboolean   dw_ticket_pages_get_has_more  (DwTicketPages        *self);
gboolean   dw_ticket_pages_get_loading   (DwTicketPages        *self);
/* The ticket of row @i, 0 past the end. */
gint64     dw_ticket_pages_get_ticket_id (DwTicketPages        *self,
                                          guint                 i);

G_END_DECLS
