/* dw-agents-page.c
 *
 * The page picks the team and hands it, with the sync and the clock, to its views; the views
 * never ask the page or the window for anything (as in the Schedule section).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-widget-util.h"
#include "dw-agent-performance.h"
#include "dw-agents-now.h"
#include "dw-agents-page.h"

struct _DwAgentsPage
{
  GtkWidget      parent_instance;

  GtkDropDown   *team_drop_down;
  GtkStack      *stack;
  DwAgentsNow   *now;
  DwAgentPerformance *performance;

  DwSync        *sync;
  DwClock       *clock;
  GtkStringList *team_names;
  GArray        *team_ids;       /* of gint64, parallel to team_names */
  gint64         team_id;
};

G_DEFINE_FINAL_TYPE (DwAgentsPage, dw_agents_page, GTK_TYPE_WIDGET)

static void team_selected_cb (DwAgentsPage *self);

static void
apply_team (DwAgentsPage *self)
{
  DwTeam *team = self->sync != NULL && self->team_id != 0
                 ? dw_sync_lookup_team (self->sync, self->team_id) : NULL;

  dw_agents_now_set_team (self->now, team != NULL ? self->team_id : 0);
  dw_agent_performance_set_team (self->performance, team != NULL ? self->team_id : 0);
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
fill_teams (DwAgentsPage *self)
{
  g_signal_handlers_block_by_func (self->team_drop_down, team_selected_cb, self);
  self->team_id = dw_team_picker_fill (self->team_drop_down, self->team_names, self->team_ids,
                                       self->sync, offers_team, self->team_id);
  g_signal_handlers_unblock_by_func (self->team_drop_down, team_selected_cb, self);
  apply_team (self);
}

static void
team_selected_cb (DwAgentsPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->team_drop_down);

  if (selected == GTK_INVALID_LIST_POSITION || selected >= self->team_ids->len)
    return;
  self->team_id = g_array_index (self->team_ids, gint64, selected);
  apply_team (self);
}

static void
teams_changed_cb (DwAgentsPage *self)
{
  fill_teams (self);
}

/* The section's style once per display, above the theme like the application's own. */
static void
load_style (void)
{
  static gboolean loaded;
  g_autoptr(GtkCssProvider) provider = NULL;
  GdkDisplay *display = gdk_display_get_default ();

  if (loaded || display == NULL)
    return;
  loaded = TRUE;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/org/deskwatch/Deskwatch/agents/agents.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
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
dw_agents_page_finalize (GObject *object)
{
  DwAgentsPage *self = DW_AGENTS_PAGE (object);

  g_clear_object (&self->team_names);
  g_clear_pointer (&self->team_ids, g_array_unref);

  G_OBJECT_CLASS (dw_agents_page_parent_class)->finalize (object);
}

static void
dw_agents_page_class_init (DwAgentsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dw_agents_page_dispose;
  object_class->finalize = dw_agents_page_finalize;

  g_type_ensure (DW_TYPE_AGENT_PERFORMANCE);
  g_type_ensure (DW_TYPE_AGENTS_NOW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/deskwatch/Deskwatch/agents/dw-agents-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, DwAgentsPage, team_drop_down);
  gtk_widget_class_bind_template_child (widget_class, DwAgentsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, DwAgentsPage, now);
  gtk_widget_class_bind_template_child (widget_class, DwAgentsPage, performance);
  gtk_widget_class_bind_template_callback (widget_class, team_selected_cb);
}

static void
dw_agents_page_init (DwAgentsPage *self)
{
  load_style ();
  gtk_widget_init_template (GTK_WIDGET (self));

  self->team_names = gtk_string_list_new (NULL);
  self->team_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gtk_drop_down_set_model (self->team_drop_down, G_LIST_MODEL (self->team_names));
  gtk_widget_set_visible (GTK_WIDGET (self->team_drop_down), FALSE);
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

  g_set_object (&self->clock, clock);
  if (self->sync != sync)
    {
      if (self->sync != NULL)
        {
          g_signal_handlers_disconnect_by_data (self->sync, self);
          g_signal_handlers_disconnect_by_data (dw_sync_get_teams (self->sync), self);
        }
      g_set_object (&self->sync, sync);
      if (sync != NULL)
        {
          g_signal_connect_object (sync, "resynced", G_CALLBACK (teams_changed_cb), self,
                                   G_CONNECT_SWAPPED);
          g_signal_connect_object (dw_sync_get_teams (sync), "items-changed",
                                   G_CALLBACK (teams_changed_cb), self, G_CONNECT_SWAPPED);
        }
    }
  if (self->now == NULL)
    return;  /* disposed */
  dw_agents_now_set_context (self->now, sync, clock);
  dw_agent_performance_set_context (self->performance, sync, clock);
  fill_teams (self);
}

gint64
dw_agents_page_get_team (DwAgentsPage *self)
{
  g_return_val_if_fail (DW_IS_AGENTS_PAGE (self), 0);
  return self->team_id;
}

void
dw_agents_page_set_team (DwAgentsPage *self,
                         gint64        team_id)
{
  g_return_if_fail (DW_IS_AGENTS_PAGE (self));

  for (guint i = 0; i < self->team_ids->len; i++)
    if (g_array_index (self->team_ids, gint64, i) == team_id)
      gtk_drop_down_set_selected (self->team_drop_down, i);
}

guint
dw_agents_page_get_n_teams (DwAgentsPage *self)
{
  g_return_val_if_fail (DW_IS_AGENTS_PAGE (self), 0);
  return self->team_ids->len;
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
