/* dw-adherence-view.c
 *
 * One expander row per agent, those off schedule now first; each exception a row inside.
 * Presence and shift events of the team ask the service again.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-widget-util.h"
#include "dw-adherence-view.h"
#include "dw-roster-week.h"
#include "dw-schedule-format.h"

struct _DwAdherenceView
{
  GtkWidget      parent_instance;

  GtkStack      *stack;
  AdwStatusPage *status_page;
  GtkLabel      *summary_label;
  GtkListBox    *list;

  DwSync        *sync;
  DwClock       *clock;
  GCancellable  *cancellable;
  GTimeZone     *time_zone;
  gint64         team_id;
  gint64         calendar_id;
  guint          reload_id;
  guint          n_loads;
  guint          n_off;
};

G_DEFINE_FINAL_TYPE (DwAdherenceView, dw_adherence_view, GTK_TYPE_WIDGET)

static void load (DwAdherenceView *self);

static gint64
now (DwAdherenceView *self)
{
  return self->clock != NULL ? dw_clock_now (self->clock) : g_get_real_time () / G_USEC_PER_SEC;
}

static DwClient *
client (DwAdherenceView *self)
{
  return self->sync != NULL ? dw_sync_get_client (self->sync) : NULL;
}

static void
show_status (DwAdherenceView *self,
             const char      *title,
             const char      *description)
{
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, description);
  gtk_stack_set_visible_child_name (self->stack, "status");
}

static const char *
exception_name (const char *kind)
{
  if (g_strcmp0 (kind, "late-start") == 0)
    return _("Late start");
  if (g_strcmp0 (kind, "early-leave") == 0)
    return _("Left early");
  if (g_strcmp0 (kind, "away") == 0)
    return _("Away during the shift");
  if (g_strcmp0 (kind, "off-shift") == 0)
    return _("Online off shift");
  return kind;
}

static gint64
time_of (JsonObject *object,
         const char *name)
{
  gint64 t = 0;
  const char *text = json_object_get_string_member_with_default (object, name, NULL);

  if (text != NULL)
    dw_time_from_iso8601 (text, &t);
  return t;
}

static GtkWidget *
agent_row (DwAdherenceView *self,
           JsonObject      *agent)
{
  GtkWidget *row = adw_expander_row_new ();
  JsonArray *exceptions = json_object_get_array_member (agent, "exceptions");
  JsonNode *adherence = json_object_get_member (agent, "adherence");
  g_autofree char *scheduled = dw_schedule_format_minutes (json_object_get_int_member_with_default (agent, "scheduled_minutes", 0));
  g_autofree char *subtitle = NULL;
  guint n_exceptions = exceptions != NULL ? json_array_get_length (exceptions) : 0;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 json_object_get_string_member (agent, "display_name"));
  if (adherence == NULL || JSON_NODE_HOLDS_NULL (adherence))
    /* Adherence is judged up to now: an agent whose shift begins this afternoon has none yet
     * either, and "not scheduled today" contradicted the Week view's shift on the same day.
     * Translators: an agent with no scheduled time today up to now (none at all, or a shift
     * that has not begun). */
    subtitle = g_strdup (_("No shift time so far today"));
  else
    /* Translators: adherence so far today, then the scheduled time, e.g. "92 % of 8 h". */
    subtitle = g_strdup_printf (_("%.0f %% adherent of %s scheduled"),
                                100 * json_node_get_double (adherence), scheduled);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);

  if (json_object_get_boolean_member_with_default (agent, "off_schedule", FALSE))
    {
      GtkWidget *label = gtk_label_new (_("Off schedule now"));

      gtk_widget_add_css_class (label, "error");
      gtk_widget_add_css_class (label, "heading");
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), label);
    }
  else if (json_object_get_boolean_member_with_default (agent, "on_shift", FALSE))
    {
      GtkWidget *label = gtk_label_new (_("On shift"));

      gtk_widget_add_css_class (label, "success");
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), label);
    }

  for (guint i = 0; i < n_exceptions; i++)
    {
      JsonObject *exception = json_array_get_object_element (exceptions, i);
      GtkWidget *child = adw_action_row_new ();
      g_autofree char *span = dw_roster_format_span (self->time_zone, time_of (exception, "from"),
                                                     time_of (exception, "to"));
      g_autofree char *minutes = dw_schedule_format_minutes (json_object_get_int_member_with_default (exception, "minutes", 0));
      g_autofree char *text = g_strdup_printf ("%s · %s", span, minutes);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (child),
                                     exception_name (json_object_get_string_member (exception, "kind")));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (child), text);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), child);
    }
  gtk_widget_set_sensitive (row, TRUE);
  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (row), n_exceptions > 0);
  return row;
}

static int
compare_agents (gconstpointer a,
                gconstpointer b)
{
  JsonObject *x = *(JsonObject **) a;
  JsonObject *y = *(JsonObject **) b;
  gboolean off_x = json_object_get_boolean_member_with_default (x, "off_schedule", FALSE);
  gboolean off_y = json_object_get_boolean_member_with_default (y, "off_schedule", FALSE);

  if (off_x != off_y)
    return off_x ? -1 : 1;
  return g_utf8_collate (json_object_get_string_member (x, "display_name"),
                         json_object_get_string_member (y, "display_name"));
}

static void
adherence_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = dw_client_request_finish (DW_CLIENT (source), result, &error);
  g_autoptr(GPtrArray) agents = g_ptr_array_new ();
  g_autofree char *summary = NULL;
  DwAdherenceView *self;
  JsonArray *list;
  GtkWidget *child;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = DW_ADHERENCE_VIEW (data);
  if (g_error_matches (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_NOT_FOUND))
    {
      show_status (self, _("No Adherence Figures"),
                   _("This desk does not compare presence with the schedule yet."));
      return;
    }
  if (error != NULL)
    {
      show_status (self, _("Could Not Load Adherence"), error->message);
      return;
    }

  list = json_object_get_array_member (json_node_get_object (node), "agents");
  self->n_off = 0;
  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonObject *agent = json_array_get_object_element (list, i);

      g_ptr_array_add (agents, agent);
      if (json_object_get_boolean_member_with_default (agent, "off_schedule", FALSE))
        self->n_off++;
    }
  g_ptr_array_sort (agents, compare_agents);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  for (guint i = 0; i < agents->len; i++)
    gtk_list_box_append (self->list, agent_row (self, g_ptr_array_index (agents, i)));

  if (self->n_off == 0)
    summary = g_strdup (_("Everyone is on schedule"));
  else
    summary = g_strdup_printf (g_dngettext (NULL, "%u agent off schedule now",
                                            "%u agents off schedule now", self->n_off),
                               self->n_off);
  gtk_label_set_label (self->summary_label, summary);
  gtk_stack_set_visible_child_name (self->stack, "agents");
  self->n_loads++;
}

static void
calendar_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = dw_client_request_finish (DW_CLIENT (source), result, &error);
  DwAdherenceView *self;
  const char *tzid;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = DW_ADHERENCE_VIEW (data);
  if (error != NULL)
    {
      show_status (self, _("Could Not Load Adherence"), error->message);
      return;
    }
  tzid = json_object_get_string_member_with_default (json_node_get_object (node), "timezone", "UTC");
  self->time_zone = g_time_zone_new_identifier (tzid);
  if (self->time_zone == NULL)
    self->time_zone = g_time_zone_new_utc ();
  load (self);
}

static void
load (DwAdherenceView *self)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *date = NULL;
  g_autofree char *path = NULL;

  g_clear_handle_id (&self->reload_id, g_source_remove);
  /* Whatever was asked before is stale now, even when nothing is asked instead. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (client (self) == NULL || self->team_id == 0)
    {
      show_status (self, _("No Team"), _("Adherence is shown for the teams you lead."));
      return;
    }

  if (self->time_zone == NULL)
    {
      path = g_strdup_printf ("/api/v1/calendars/%" G_GINT64_FORMAT, self->calendar_id);
      dw_client_request_async (client (self), "GET", path, NULL, self->cancellable,
                               calendar_loaded_cb, self);
      return;
    }
  utc = g_date_time_new_from_unix_utc (now (self));
  local = g_date_time_to_timezone (utc, self->time_zone);
  date = g_date_time_format (local, "%Y-%m-%d");
  path = g_strdup_printf ("/api/v1/staffing/adherence?team_id=%" G_GINT64_FORMAT "&date=%s",
                          self->team_id, date);
  dw_client_request_async (client (self), "GET", path, NULL, self->cancellable,
                           adherence_loaded_cb, self);
}

static gboolean
reload_cb (gpointer data)
{
  DwAdherenceView *self = data;

  self->reload_id = 0;
  load (self);
  return G_SOURCE_REMOVE;
}

static void
event_cb (DwAdherenceView *self,
          const char      *type,
          JsonObject      *data,
          DwSync          *sync)
{
  if (g_str_equal (type, "user.updated"))
    {
      DwUser *user = dw_sync_lookup_user (sync, json_object_get_int_member_with_default (data, "id", 0));

      if (user == NULL || !dw_user_is_in_team (user, self->team_id))
        return;
    }
  else if (json_object_get_int_member_with_default (data, "team_id", self->team_id) != self->team_id)
    return;
  if (self->reload_id == 0)
    self->reload_id = g_timeout_add (300, reload_cb, self);
}

static void
dw_adherence_view_dispose (GObject *object)
{
  DwAdherenceView *self = DW_ADHERENCE_VIEW (object);

  dw_adherence_view_set_context (self, NULL, NULL);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  dw_widget_dispose_template (GTK_WIDGET (self), DW_TYPE_ADHERENCE_VIEW);

  G_OBJECT_CLASS (dw_adherence_view_parent_class)->dispose (object);
}

static void
dw_adherence_view_finalize (GObject *object)
{
  DwAdherenceView *self = DW_ADHERENCE_VIEW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->time_zone, g_time_zone_unref);

  G_OBJECT_CLASS (dw_adherence_view_parent_class)->finalize (object);
}

static void
dw_adherence_view_class_init (DwAdherenceViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dw_adherence_view_dispose;
  object_class->finalize = dw_adherence_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/deskwatch/Deskwatch/schedule/dw-adherence-view.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, DwAdherenceView, stack);
  gtk_widget_class_bind_template_child (widget_class, DwAdherenceView, status_page);
  gtk_widget_class_bind_template_child (widget_class, DwAdherenceView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, DwAdherenceView, list);
}

static void
dw_adherence_view_init (DwAdherenceView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
dw_adherence_view_new (void)
{
  return g_object_new (DW_TYPE_ADHERENCE_VIEW, NULL);
}

void
dw_adherence_view_set_context (DwAdherenceView *self,
                               DwSync          *sync,
                               DwClock         *clock)
{
  static const char * const events[] = {
    "event::shift.created", "event::shift.updated", "event::shift.deleted",
    "event::absence.created", "event::absence.deleted", "event::roster.published",
    "event::user.updated",
  };

  g_return_if_fail (DW_IS_ADHERENCE_VIEW (self));

  g_set_object (&self->clock, clock);
  if (self->sync == sync)
    return;
  if (self->sync != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->sync, self);
      g_clear_object (&self->sync);
    }
  g_cancellable_cancel (self->cancellable);
  if (sync == NULL)
    return;
  self->sync = g_object_ref (sync);
  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    g_signal_connect_object (sync, events[i], G_CALLBACK (event_cb), self, G_CONNECT_SWAPPED);
  load (self);
}

void
dw_adherence_view_set_team (DwAdherenceView *self,
                            gint64           team_id,
                            gint64           calendar_id)
{
  g_return_if_fail (DW_IS_ADHERENCE_VIEW (self));

  if (team_id == self->team_id && calendar_id == self->calendar_id)
    return;
  self->team_id = team_id;
  self->calendar_id = calendar_id;
  g_clear_pointer (&self->time_zone, g_time_zone_unref);
  load (self);
}

guint
dw_adherence_view_get_n_loads (DwAdherenceView *self)
{
  g_return_val_if_fail (DW_IS_ADHERENCE_VIEW (self), 0);
  return self->n_loads;
}

guint
dw_adherence_view_get_n_off (DwAdherenceView *self)
{
  g_return_val_if_fail (DW_IS_ADHERENCE_VIEW (self), 0);
  return self->n_off;
}
