/* dw-agents-page.c
 *
 * The page picks the team and hands it, with the sync and the clock, to its views; the views
 * never ask the page or the window for anything (as in the Schedule section).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-team-picker.h"
#include "dw-widget-util.h"
#include "dw-agent-performance.h"
#include "dw-agents-now.h"
#include "dw-agents-page.h"

struct _DwAgentsPage
{
  GtkWidget      parent_instance;

  DwTeamPicker  *team_picker;
  GtkStack      *stack;
  DwAgentsNow   *now;
  DwAgentPerformance *performance;

  DwSync        *sync;
};

G_DEFINE_FINAL_TYPE (DwAgentsPage, dw_agents_page, GTK_TYPE_WIDGET)

static void
apply_team (DwAgentsPage *self)
{
  gint64 team_id = dw_team_picker_get_team_id (self->team_picker);
  DwTeam *team = self->sync != NULL && team_id != 0
                 ? dw_sync_lookup_team (self->sync, team_id) : NULL;

  dw_agents_now_set_team (self->now, team != NULL ? team_id : 0);
  dw_agent_performance_set_team (self->performance, team != NULL ? team_id : 0);
}

/* A lead sees the agents of the teams it leads, an admin of every team; an agent only itself,
 * in the teams it belongs to (docs/api.md "Each agent now"). */
static gboolean
offers_team (DwUser *me,
             gint64  team_id)
{
  switch (dw_user_get_role (me))
    {
    case DW_ROLE_ADMIN:
      return TRUE;
    case DW_ROLE_LEAD:
      return dw_user_is_lead_of (me, team_id);
    case DW_ROLE_AGENT:
    default:
      return dw_user_is_in_team (me, team_id);
    }
}

static void
dw_agents_page_dispose (GObject *object)
{
  DwAgentsPage *self = DW_AGENTS_PAGE (object);

  dw_agents_page_set_context (self, NULL, NULL);
  dw_widget_dispose_template (GTK_WIDGET (self), DW_TYPE_AGENTS_PAGE);

  G_OBJECT_CLASS (dw_agents_page_parent_class)->dispose (object);
}

static void
dw_agents_page_class_init (DwAgentsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dw_agents_page_dispose;

  g_type_ensure (DW_TYPE_AGENT_PERFORMANCE);
  g_type_ensure (DW_TYPE_AGENTS_NOW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/deskwatch/Deskwatch/agents/dw-agents-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, DwAgentsPage, team_picker);
  gtk_widget_class_bind_template_child (widget_class, DwAgentsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, DwAgentsPage, now);
  gtk_widget_class_bind_template_child (widget_class, DwAgentsPage, performance);
  gtk_widget_class_bind_template_callback (widget_class, apply_team);
}

static void
dw_agents_page_init (DwAgentsPage *self)
{
  dw_widget_load_style ("/org/deskwatch/Deskwatch/agents/agents.css");
  gtk_widget_init_template (GTK_WIDGET (self));
  dw_team_picker_set_offered (self->team_picker, offers_team);
}

GtkWidget *
dw_agents_page_new (void)
{
  return g_object_new (DW_TYPE_AGENTS_PAGE, NULL);
}

void
dw_agents_page_set_context (DwAgentsPage *self,
                            DwSync       *sync,
                            DwClock      *clock)
{
  g_return_if_fail (DW_IS_AGENTS_PAGE (self));

  g_set_object (&self->sync, sync);
  if (self->now == NULL)
    return;  /* disposed */
  dw_agents_now_set_context (self->now, sync, clock);
  dw_agent_performance_set_context (self->performance, sync, clock);
  dw_team_picker_set_sync (self->team_picker, sync);
}

gint64
dw_agents_page_get_team (DwAgentsPage *self)
{
  g_return_val_if_fail (DW_IS_AGENTS_PAGE (self), 0);
  return dw_team_picker_get_team_id (self->team_picker);
}

void
dw_agents_page_set_team (DwAgentsPage *self,
                         gint64        team_id)
{
  g_return_if_fail (DW_IS_AGENTS_PAGE (self));

  dw_team_picker_set_team_id (self->team_picker, team_id);
}

guint
dw_agents_page_get_n_teams (DwAgentsPage *self)
{
  g_return_val_if_fail (DW_IS_AGENTS_PAGE (self), 0);
  return dw_team_picker_get_n_teams (self->team_picker);
}

void
dw_agents_page_show_view (DwAgentsPage *self,
                          const char   *name)
{
  g_return_if_fail (DW_IS_AGENTS_PAGE (self));
  gtk_stack_set_visible_child_name (self->stack, name);
}

const char *
dw_agents_page_get_view (DwAgentsPage *self)
{
  g_return_val_if_fail (DW_IS_AGENTS_PAGE (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

GtkWidget *
dw_agents_page_get_now (DwAgentsPage *self)
{
  g_return_val_if_fail (DW_IS_AGENTS_PAGE (self), NULL);
  return GTK_WIDGET (self->now);
}
