/* dw-queues-page.h: the "Queues" section of the main window.
 *
 * Team overview, ticket list and ticket detail side by side in an AdwLeaflet that folds to
 * one pane at a time in a narrow window (Enter opens a ticket, Escape goes back).  Each
 * figure of the overview filters the list to the tickets behind it.  The lead actions are
 * installed on the page:
 *
 *   ticket.reassign       Ctrl+R          pick an agent (DwAgentPicker)
 *   ticket.priority (s)   Alt+Up/Alt+Down  "up", "down" or a priority nick
 *   ticket.move-team      Ctrl+M          move to another team's queue
 *   ticket.escalate       Ctrl+E          priority one step up, escalation level + 1
 *   ticket.note           Ctrl+Shift+N    add an internal note
 *   queues.search         Ctrl+F          focus the ticket search
 *   queues.back           Escape          back one pane when folded
 *
 * Signals:
 *   "action-failed" (gint64 ticket_id, const char *message): a change was rolled back; the
 *     message is also shown as a toast.
 */
#pragma once

#include <adwaita.h>

#include "dw-clock.h"
#include "dw-sync.h"

G_BEGIN_DECLS

#define DW_TYPE_QUEUES_PAGE (dw_queues_page_get_type ())
G_DECLARE_FINAL_TYPE (DwQueuesPage, dw_queues_page, DW, QUEUES_PAGE, GtkWidget)

GtkWidget *dw_queues_page_new          (void);

void       dw_queues_page_set_sync     (DwQueuesPage *self,
                                        DwSync       *sync);
DwSync    *dw_queues_page_get_sync     (DwQueuesPage *self);
/* Where "now" comes from (NULL: real time); also the "clock" property. */
void       dw_queues_page_set_clock    (DwQueuesPage *self,
                                        DwClock      *clock);

/* The parts, for the window and tests (transfer none). */
GtkWidget *dw_queues_page_get_ticket_list   (DwQueuesPage *self);
GtkWidget *dw_queues_page_get_ticket_detail (DwQueuesPage *self);
/* For tests: what the page says about changes not confirmed yet (NULL: none unconfirmed, or
 * not said yet), and whether the overview's figures are shown as not live. */
const char *dw_queues_page_get_pending_message (DwQueuesPage *self);
/* "all" on a wide page, else the pane shown: "overview", "list" or "detail". */
const char *dw_queues_page_get_visible_pane (DwQueuesPage *self);
/* Whether the detail pane is there (it folds away while no ticket is shown). */
gboolean   dw_queues_page_get_detail_shown (DwQueuesPage *self);
/* Where the ticket table keeps its columns' choice and widths (NULL: nowhere). */
void       dw_queues_page_set_settings (DwQueuesPage *self,
                                        GSettings    *settings);
gboolean   dw_queues_page_get_figures_stale (DwQueuesPage *self);

/* Shows @ticket_id in the detail (and selects it in the list when shown there); a ticket the
 * queues do not hold (solved, closed) is fetched from the service. */
void       dw_queues_page_show_ticket  (DwQueuesPage *self,
                                        gint64        ticket_id);
/* Reassigns the shown ticket as the picker would; for tests and the picker itself. */
void       dw_queues_page_reassign     (DwQueuesPage *self,
                                        gint64        user_id);

/* What the card of @team_id (0: all teams) says, as its figures' accessible names joined by
 * "; " (e.g. "Active: 3; …; Agent offline: 1"), or NULL when there is no such card. */
char      *dw_queues_page_dup_figures  (DwQueuesPage *self,
                                        gint64        team_id);

G_END_DECLS
