/* dw-schedule-page.c
 *
 * The page picks the team and hands it, with the sync and the clock, to its three views; the
 * views never ask the page or the window for anything.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-team-picker.h"
#include "dw-widget-util.h"
#include "dw-roster-view.h"
#include "dw-schedule-page.h"
#include "dw-staffing-day.h"
#include "dw-adherence-view.h"

struct _DwSchedulePage
{
  GtkWidget        parent_instance;

  DwTeamPicker    *team_picker;
  GtkStack        *stack;
  DwRosterView    *roster;
  DwStaffingDay   *today;
  DwAdherenceView *adherence;

  DwSync          *sync;
};

G_DEFINE_FINAL_TYPE (DwSchedulePage, dw_schedule_page, GTK_TYPE_WIDGET)

static void
apply_team (DwSchedulePage *self)
{
  gint64 team_id = dw_team_picker_get_team_id (self->team_picker);
  DwTeam *team = self->sync != NULL && team_id != 0
                 ? dw_sync_lookup_team (self->sync, team_id) : NULL;
  gint64 calendar_id = team != NULL ? dw_team_get_calendar_id (team) : 0;

  dw_roster_view_set_team (self->roster, team != NULL ? team_id : 0, calendar_id);
  dw_staffing_day_set_team (self->today, team != NULL ? team_id : 0, calendar_id);
  dw_adherence_view_set_team (self->adherence, team != NULL ? team_id : 0, calendar_id);
}

/* The teams a lead may roster: those it leads; an admin, all. */
static gboolean
offers_team (DwUser *me,
             gint64  team_id)
{
  return dw_user_get_role (me) == DW_ROLE_ADMIN || dw_user_is_lead_of (me, team_id);
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
dw_schedule_page_class_init (DwSchedulePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dw_schedule_page_dispose;

  g_type_ensure (DW_TYPE_ROSTER_VIEW);
  g_type_ensure (DW_TYPE_STAFFING_DAY);
  g_type_ensure (DW_TYPE_ADHERENCE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/deskwatch/Deskwatch/schedule/dw-schedule-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, DwSchedulePage, team_picker);
  gtk_widget_class_bind_template_child (widget_class, DwSchedulePage, stack);
  gtk_widget_class_bind_template_child (widget_class, DwSchedulePage, roster);
  gtk_widget_class_bind_template_child (widget_class, DwSchedulePage, today);
  gtk_widget_class_bind_template_child (widget_class, DwSchedulePage, adherence);
  gtk_widget_class_bind_template_callback (widget_class, apply_team);
}

static void
dw_schedule_page_init (DwSchedulePage *self)
{
  dw_widget_load_style ("/org/deskwatch/Deskwatch/schedule/schedule.css");
  gtk_widget_init_template (GTK_WIDGET (self));
  dw_team_picker_set_offered (self->team_picker, offers_team);
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

  g_set_object (&self->sync, sync);
  if (self->roster == NULL)
    return;  /* disposed */
  dw_roster_view_set_context (self->roster, sync, clock);
  dw_staffing_day_set_context (self->today, sync, clock);
  dw_adherence_view_set_context (self->adherence, sync, clock);
  dw_team_picker_set_sync (self->team_picker, sync);
}

gint64
dw_schedule_page_get_team (DwSchedulePage *self)
{
  g_return_val_if_fail (DW_IS_SCHEDULE_PAGE (self), 0);
  return dw_team_picker_get_team_id (self->team_picker);
}

void
dw_schedule_page_set_team (DwSchedulePage *self,
                           gint64          team_id)
{
  g_return_if_fail (DW_IS_SCHEDULE_PAGE (self));

  dw_team_picker_set_team_id (self->team_picker, team_id);
}

guint
dw_schedule_page_get_n_teams (DwSchedulePage *self)
{
  g_return_val_if_fail (DW_IS_SCHEDULE_PAGE (self), 0);
  return dw_team_picker_get_n_teams (self->team_picker);
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
