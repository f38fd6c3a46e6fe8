/* dw-agents-page.h: the Agents section (Alt+4): the agents of a team now, and their
 * performance over a period. */
#pragma once

#include <adwaita.h>

#include "dw-clock.h"
#include "dw-sync.h"

G_BEGIN_DECLS

#define DW_TYPE_AGENTS_PAGE (dw_agents_page_get_type ())
G_DECLARE_FINAL_TYPE (DwAgentsPage, dw_agents_page, DW, AGENTS_PAGE, GtkWidget)

GtkWidget *dw_agents_page_new          (void);
void       dw_agents_page_set_context  (DwAgentsPage *self,
                                        DwSync       *sync,
                                        DwClock      *clock);
/* The team shown (the first the user leads, or belongs to, until another is picked); 0 for
 * none. */
gint64     dw_agents_page_get_team     (DwAgentsPage *self);
void       dw_agents_page_set_team     (DwAgentsPage *self,
                                        gint64        team_id);
/* How many teams the picker offers (shown from two on). */
guint      dw_agents_page_get_n_teams  (DwAgentsPage *self);
/* "now" or "performance". */
void       dw_agents_page_show_view    (DwAgentsPage *self,
                                        const char   *name);
/* The view shown: "now" or "performance". */
const char *dw_agents_page_get_view    (DwAgentsPage *self);
GtkWidget *dw_agents_page_get_now      (DwAgentsPage *self);

G_END_DECLS
