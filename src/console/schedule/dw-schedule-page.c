/* dw-schedule-page.c
 *
 * The page picks the team and hands it, with the sync and the clock, to its three views; the
 * views never ask the page or the window for anything.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-widget-util.h"
#include "dw-roster-view.h"
#include "dw-schedule-page.h"
#include "dw-staffing-day.h"
#include "dw-adherence-view.h"

struct _DwSchedulePage
{
  GtkWidget        parent_instance;

  GtkDropDown     *team_drop_down;
  GtkStack        *stack;
  DwRosterView    *roster;
  DwStaffingDay   *today;
  DwAdherenceView *adherence;

  DwSync          *sync;
  DwClock         *clock;
  GtkStringList   *team_names;
  GArray          *team_ids;       /* of gint64, parallel to team_names */
  gint64           team_id;
};

G_DEFINE_FINAL_TYPE (DwSchedulePage, dw_schedule_page, GTK_TYPE_WIDGET)

static void team_selected_cb (DwSchedulePage *self);

static void
apply_team (DwSchedulePage *self)
{
  DwTeam *team = self->sync != NULL && self->team_id != 0
                 ? dw_sync_lookup_team (self->sync, self->team_id) : NULL;
  gint64 calendar_id = team != NULL ? dw_team_get_calendar_id (team) : 0;

  dw_roster_view_set_team (self->roster, team != NULL ? self->team_id : 0, calendar_id);
  dw_staffing_day_set_team (self->today, team != NULL ? self->team_id : 0, calendar_id);
  dw_adherence_view_set_team (self->adherence, team != NULL ? self->team_id : 0, calendar_id);
}

/* The teams a lead may roster: those it leads; an admin, all. */
static gboolean
offers_team (DwUser *me,
             gint64  team_id)
{
  return dw_user_get_role (me) == DW_ROLE_ADMIN || dw_user_is_lead_of (me, team_id);
}

static void
fill_teams (DwSchedulePage *self)
{
  g_signal_handlers_block_by_func (self->team_drop_down, team_selected_cb, self);
  self->team_id = dw_team_picker_fill (self->team_drop_down, self->team_names, self->team_ids,
                                       self->sync, offers_team, self->team_id);
  g_signal_handlers_unblock_by_func (self->team_drop_down, team_selected_cb, self);
  apply_team (self);
}

static void
team_selected_cb (DwSchedulePage *self)
{
  guint selected = gtk_drop_down_get_selected (self->team_drop_down);

  if (selected == GTK_INVALID_LIST_POSITION || selected >= self->team_ids->len)
    return;
  self->team_id = g_array_index (self->team_ids, gint64, selected);
  apply_team (self);
}

static void
teams_changed_cb (DwSchedulePage *self)
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
  gtk_css_provider_load_from_resource (provider, "/org/deskwatch/Deskwatch/schedule/schedule.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
dw_schedule_page_dispose (GObject *object)
{
  DwSchedulePage *self = DW_SCHEDULE_PAGE (object);

  dw_schedule_page_set_context (self, NULL, NULL);
  dw_widget_dispose_template (GTK_WIDGET (self), DW_TYPE_SCHEDULE_PAGE);

  G_OBJECT_CLASS (dw_schedule_page_parent_class)->dispose (object);
}

static void
dw_schedule_page_finalize (GObject *object)
{
  DwSchedulePage *self = DW_SCHEDULE_PAGE (object);

  g_clear_object (&self->team_names);
  g_clear_pointer (&self->team_ids, g_array_unref);

  G_OBJECT_CLASS (dw_schedule_page_parent_class)->finalize (object);
}

static void
dw_schedule_page_class_init (DwSchedulePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dw_schedule_page_dispose;
  object_class->finalize = dw_schedule_page_finalize;

  g_type_ensure (DW_TYPE_ROSTER_VIEW);
  g_type_ensure (DW_TYPE_STAFFING_DAY);
  g_type_ensure (DW_TYPE_ADHERENCE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/deskwatch/Deskwatch/schedule/dw-schedule-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, DwSchedulePage, team_drop_down);
  gtk_widget_class_bind_template_child (widget_class, DwSchedulePage, stack);
  gtk_widget_class_bind_template_child (widget_class, DwSchedulePage, roster);
  gtk_widget_class_bind_template_child (widget_class, DwSchedulePage, today);
  gtk_widget_class_bind_template_child (widget_class, DwSchedulePage, adherence);
  gtk_widget_class_bind_template_callback (widget_class, team_selected_cb);
}

static void
dw_schedule_page_init (DwSchedulePage *self)
{
  load_style ();
  gtk_widget_init_template (GTK_WIDGET (self));

  self->team_names = gtk_string_list_new (NULL);
  self->team_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gtk_drop_down_set_model (self->team_drop_down, G_LIST_MODEL (self->team_names));
  gtk_widget_set_visible (GTK_WIDGET (self->team_drop_down), FALSE);
}

GtkWidget *
dw_schedule_page_new (void)
{
  return g_object_new (DW_TYPE_SCHEDULE_PAGE, NULL);
}

void
dw_schedule_page_set_context (DwSchedulePage *self,
                              DwSync         *sync,
                              DwClock        *clock)
{
  g_return_if_fail (DW_IS_SCHEDULE_PAGE (self));

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
  if (self->roster == NULL)
    return;  /* disposed */
  dw_roster_view_set_context (self->roster, sync, clock);
  dw_staffing_day_set_context (self->today, sync, clock);
  dw_adherence_view_set_context (self->adherence, sync, clock);
  fill_teams (self);
}

gint64
dw_schedule_page_get_team (DwSchedulePage *self)
{
  g_return_val_if_fail (DW_IS_SCHEDULE_PAGE (self), 0);
  return self->team_id;
}

void
dw_schedule_page_set_team (DwSchedulePage *self,
                           gint64          team_id)
{
  g_return_if_fail (DW_IS_SCHEDULE_PAGE (self));

  for (guint i = 0; i < self->team_ids->len; i++)
    if (g_array_index (self->team_ids, gint64, i) == team_id)
      gtk_drop_down_set_selected (self->team_drop_down, i);
}

guint
dw_schedule_page_get_n_teams (DwSchedulePage *self)
{
  g_return_val_if_fail (DW_IS_SCHEDULE_PAGE (self), 0);
  return self->team_ids->len;
}

void
dw_schedule_page_show_view (DwSchedulePage *self,
                            const char     *name)
{
  g_return_if_fail (DW_IS_SCHEDULE_PAGE (self));
  gtk_stack_set_visible_child_name (self->stack, name);
}

GtkWidget *
dw_schedule_page_get_roster (DwSchedulePage *self)
{
  g_return_val_if_fail (DW_IS_SCHEDULE_PAGE (self), NULL);
  return GTK_WIDGET (self->roster);
}

GtkWidget *
dw_schedule_page_get_today (DwSchedulePage *self)
{
  g_return_val_if_fail (DW_IS_SCHEDULE_PAGE (self), NULL);
  return GTK_WIDGET (self->today);
}

GtkWidget *
dw_schedule_page_get_adherence (DwSchedulePage *self)
{
  g_return_val_if_fail (DW_IS_SCHEDULE_PAGE (self), NULL);
  return GTK_WIDGET (self->adherence);
}
