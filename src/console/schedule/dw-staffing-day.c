/* dw-staffing-day.c
 *
 * Today in the team calendar's zone.  The numbers come from the service (GET /staffing/day);
 * stream events that change them (shifts, absences, presence, new tickets) ask again, and a
 * half-minute tick moves the "now" line.  Roster edits of other weeks never reach this view:
 * it reloads only for events of its own team, and a draft week's shifts do not count as
 * scheduled until published.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-widget-util.h"
#include "dw-roster-week.h"
#include "dw-schedule-format.h"
#include "dw-staffing-day.h"

struct _DwStaffingDay
{
  GtkWidget        parent_instance;

  GtkStack        *stack;
  AdwStatusPage   *status_page;
  GtkLabel        *summary_label;
  DwStaffingChart *chart;
  GtkGrid         *table;
  GtkSpinButton   *sl_spin;
  GtkSpinButton   *aht_spin;
  GtkSpinButton   *forecast_spin;
  GtkFlowBox      *legend;

  DwSync          *sync;
  DwClock         *clock;
  GCancellable    *cancellable;
  GTimeZone       *time_zone;
  gint64           team_id;
  gint64           calendar_id;
  char            *query;
  char            *date;       /* the day shown, local */

  double           what_if_sl;
  int              what_if_aht;
  int              what_if_forecast;
  gboolean         filling_controls;

  guint            reload_id;
  guint            tick_id;
  gint64           next_begin;  /* the first interval not begun at the last load; 0: none */
  guint            n_loads;
  gboolean         unavailable;
};

G_DEFINE_FINAL_TYPE (DwStaffingDay, dw_staffing_day, GTK_TYPE_WIDGET)

static void load (DwStaffingDay *self);

static gint64
now (DwStaffingDay *self)
{
  return self->clock != NULL ? dw_clock_now (self->clock) : g_get_real_time () / G_USEC_PER_SEC;
}

static DwClient *
client (DwStaffingDay *self)
{
  return self->sync != NULL ? dw_sync_get_client (self->sync) : NULL;
}

static void
show_status (DwStaffingDay *self,
             const char    *title,
             const char    *description)
{
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, description);
  gtk_stack_set_visible_child_name (self->stack, "status");
}

static int
nullable_int (JsonObject *object,
              const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return -1;
  return (int) json_node_get_int (node);
}

static void
table_cell (DwStaffingDay *self,
            const char    *text,
            int            column,
            int            row,
            const char    *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0 : 1);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_grid_attach (self->table, label, column, row, 1, 1);
}

static void
fill_table (DwStaffingDay *self,
            JsonArray     *intervals)
{
  const char *headers[] = {
    /* Translators: columns of the staffing table. */
    N_("Time"), N_("Forecast"), N_("Actual"), N_("Required"), N_("Scheduled"), N_("Online"),
    N_("Gap"),
  };
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->table))) != NULL)
    gtk_grid_remove (self->table, child);
  for (guint c = 0; c < G_N_ELEMENTS (headers); c++)
    table_cell (self, _(headers[c]), c, 0, "heading");

  for (guint i = 0; i < json_array_get_length (intervals); i++)
    {
      JsonObject *v = json_array_get_object_element (intervals, i);
      gint64 start = 0;
      int actual = nullable_int (v, "actual");
      int online = nullable_int (v, "online");
      int gap = nullable_int (v, "gap");
      g_autofree char *time = NULL;
      g_autofree char *forecast = NULL;
      g_autofree char *actual_text = actual >= 0 ? g_strdup_printf ("%d", actual) : g_strdup ("–");
      g_autofree char *required = g_strdup_printf ("%d", nullable_int (v, "required"));
      g_autofree char *scheduled = g_strdup_printf ("%d", nullable_int (v, "scheduled"));
      g_autofree char *online_text = online >= 0 ? g_strdup_printf ("%d", online) : g_strdup ("–");
      g_autofree char *gap_text = gap != 0 ? g_strdup_printf ("%+d", gap) : g_strdup ("0");
      int minute;

      dw_time_from_iso8601 (json_object_get_string_member (v, "start"), &start);
      minute = dw_roster_minute_of_day (self->time_zone, start);
      time = g_strdup_printf ("%02d:%02d", minute / 60, minute % 60);
      forecast = g_strdup_printf ("%.1f", json_object_get_double_member_with_default (v, "forecast", 0));
      table_cell (self, time, 0, i + 1, NULL);
      table_cell (self, forecast, 1, i + 1, "numeric");
      table_cell (self, actual_text, 2, i + 1, "numeric");
      table_cell (self, required, 3, i + 1, "numeric");
      table_cell (self, scheduled, 4, i + 1, "numeric");
      table_cell (self, online_text, 5, i + 1, "numeric");
      table_cell (self, gap_text, 6, i + 1, gap < 0 ? "error" : "numeric");
    }
}

/* What the chart shows in words, for a screen reader and as the summary line. */
static char *
describe_day (DwStaffingDay *self,
              JsonArray     *intervals)
{
  gint64 t = now (self);
  guint n_short = 0;
  int peak = 0, now_required = -1, now_scheduled = -1, now_online = -1;
  g_autofree char *shorts = NULL;
  g_autofree char *current = NULL;

  for (guint i = 0; i < json_array_get_length (intervals); i++)
    {
      JsonObject *v = json_array_get_object_element (intervals, i);
      gint64 start = 0, end = 0;

      dw_time_from_iso8601 (json_object_get_string_member (v, "start"), &start);
      dw_time_from_iso8601 (json_object_get_string_member (v, "end"), &end);
      if (nullable_int (v, "gap") < 0)
        n_short++;
      peak = MAX (peak, nullable_int (v, "required"));
      if (t >= start && t < end)
        {
          now_required = nullable_int (v, "required");
          now_scheduled = nullable_int (v, "scheduled");
          now_online = nullable_int (v, "online");
        }
    }
  shorts = g_strdup_printf (g_dngettext (NULL, "%u interval short of agents",
                                         "%u intervals short of agents", n_short), n_short);
  if (now_required < 0)
    /* Translators: summary of the day: peak agents required, then the short intervals. */
    return g_strdup_printf (_("Up to %d agents required; %s"), peak, shorts);
  /* Translators: summary of now: required, scheduled, online agents, then the short intervals. */
  return g_strdup_printf (_("Now %d required, %d scheduled, %d online; %s"), now_required,
                          now_scheduled, MAX (now_online, 0), shorts);
}

static void
fill_controls (DwStaffingDay *self,
               JsonObject    *day)
{
  JsonObject *targets = json_object_get_object_member (day, "targets");

  self->filling_controls = TRUE;
  if (self->what_if_sl == 0 && targets != NULL)
    gtk_spin_button_set_value (self->sl_spin,
                               100 * json_object_get_double_member_with_default (targets,
                                                                                 "service_level", 0.8));
  if (self->what_if_aht == 0)
    gtk_spin_button_set_value (self->aht_spin,
                               json_object_get_int_member_with_default (day, "aht_seconds", 600));
  if (self->what_if_forecast == 0)
    gtk_spin_button_set_value (self->forecast_spin, 0);
  self->filling_controls = FALSE;
}

static void
day_loaded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = dw_client_request_finish (DW_CLIENT (source), result, &error);
  DwStaffingDay *self;
  JsonObject *day;
  JsonArray *intervals;
  g_autofree char *summary = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = DW_STAFFING_DAY (data);
  if (g_error_matches (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_NOT_FOUND))
    {
      self->unavailable = TRUE;
      show_status (self, _("No Staffing Figures"),
                   _("This desk does not compute staffing by interval yet."));
      return;
    }
  if (error != NULL)
    {
      show_status (self, _("Could Not Load Today’s Staffing"), error->message);
      return;
    }

  day = json_node_get_object (node);
  intervals = json_object_get_array_member (day, "intervals");
  /* The service leaves "online" and "actual" null until an interval begins, and nothing is sent
   * when one does: the tick asks again then, or the interval under way says "–" until the next
   * event (none come on a quiet desk).  Our clock may lead the service's by up to a second, so
   * an interval begun that little before the load may still be null: it counts too. */
  self->next_begin = 0;
  for (guint i = 0; i < json_array_get_length (intervals); i++)
    {
      JsonObject *v = json_array_get_object_element (intervals, i);
      gint64 start = 0;

      if (nullable_int (v, "online") >= 0
          || !dw_time_from_iso8601 (json_object_get_string_member (v, "start"), &start)
          || start < now (self) - 1)
        continue;
      self->next_begin = start;
      break;
    }
  dw_staffing_chart_set_day (self->chart, day);
  dw_staffing_chart_set_now (self->chart, now (self));
  fill_table (self, intervals);
  fill_controls (self, day);
  summary = describe_day (self, intervals);
  gtk_label_set_label (self->summary_label, summary);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->chart), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  summary, -1);
  gtk_stack_set_visible_child_name (self->stack, "day");
  self->n_loads++;
}

static void
calendar_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = dw_client_request_finish (DW_CLIENT (source), result, &error);
  DwStaffingDay *self;
  const char *tzid;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = DW_STAFFING_DAY (data);
  if (error != NULL)
    {
      show_status (self, _("Could Not Load Today’s Staffing"), error->message);
      return;
    }
  tzid = json_object_get_string_member_with_default (json_node_get_object (node), "timezone", "UTC");
  self->time_zone = g_time_zone_new_identifier (tzid);
  if (self->time_zone == NULL)
    self->time_zone = g_time_zone_new_utc ();
  load (self);
}

/* Today in the team calendar's zone, "YYYY-MM-DD". */
static char *
today (DwStaffingDay *self)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now (self));
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, self->time_zone);

  return g_date_time_format (local, "%Y-%m-%d");
}

static void
load (DwStaffingDay *self)
{
  g_autoptr(GString) query = NULL;
  g_autofree char *date = NULL;

  g_clear_handle_id (&self->reload_id, g_source_remove);
  /* Whatever was asked before is stale now, even when nothing is asked instead. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (client (self) == NULL || self->team_id == 0)
    {
      show_status (self, _("No Team"), _("Staffing is shown for the teams you lead."));
      return;
    }

  if (self->time_zone == NULL)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/calendars/%" G_GINT64_FORMAT,
                                               self->calendar_id);

      dw_client_request_async (client (self), "GET", path, NULL, self->cancellable,
                               calendar_loaded_cb, self);
      return;
    }

  date = today (self);
  g_free (self->date);
  self->date = g_strdup (date);
  query = g_string_new (NULL);
  g_string_append_printf (query, "/api/v1/staffing/day?team_id=%" G_GINT64_FORMAT "&date=%s",
                          self->team_id, date);
  if (self->what_if_forecast != 0)
    g_string_append_printf (query, "&forecast_factor=%.2f", 1.0 + self->what_if_forecast / 100.0);
  if (self->what_if_aht > 0)
    g_string_append_printf (query, "&aht=%d", self->what_if_aht);
  if (self->what_if_sl > 0)
    g_string_append_printf (query, "&target_sl=%.2f", self->what_if_sl);
  g_free (self->query);
  self->query = g_strdup (query->str);
  dw_client_request_async (client (self), "GET", query->str, NULL, self->cancellable,
                           day_loaded_cb, self);
}

static gboolean
reload_cb (gpointer data)
{
  DwStaffingDay *self = data;

  self->reload_id = 0;
  load (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reload (DwStaffingDay *self)
{
  if (self->reload_id == 0 && !self->unavailable)
    self->reload_id = g_timeout_add (300, reload_cb, self);
}

static void
event_cb (DwStaffingDay *self,
          const char    *type,
          JsonObject    *data,
          DwSync        *sync)
{
  gint64 team_id = json_object_get_int_member_with_default (data, "team_id", 0);

  if (g_str_equal (type, "user.updated"))
    {
      DwUser *user = dw_sync_lookup_user (sync, json_object_get_int_member_with_default (data, "id", 0));

      if (user == NULL || !dw_user_is_in_team (user, self->team_id))
        return;
    }
  else if (team_id != 0 && team_id != self->team_id)
    return;
  schedule_reload (self);
}

static gboolean
tick_cb (gpointer data)
{
  DwStaffingDay *self = data;

  dw_staffing_chart_set_now (self->chart, now (self));
  if (self->next_begin != 0 && now (self) >= self->next_begin)
    {
      self->next_begin = 0;
      schedule_reload (self);
    }
  /* Past midnight the chart is of a new day. */
  if (self->time_zone != NULL && self->date != NULL)
    {
      g_autofree char *date = today (self);

      if (g_strcmp0 (date, self->date) != 0)
        schedule_reload (self);
    }
  return G_SOURCE_CONTINUE;
}

static void
what_if_changed_cb (DwStaffingDay *self)
{
  if (self->filling_controls)
    return;
  self->what_if_sl = gtk_spin_button_get_value (self->sl_spin) / 100.0;
  self->what_if_aht = gtk_spin_button_get_value_as_int (self->aht_spin);
  self->what_if_forecast = gtk_spin_button_get_value_as_int (self->forecast_spin);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  self->reload_id = g_timeout_add (300, reload_cb, self);
}

static void
reset_clicked_cb (DwStaffingDay *self)
{
  dw_staffing_day_set_what_if (self, 0, 0, 0);
}

static void
dw_staffing_day_map (GtkWidget *widget)
{
  DwStaffingDay *self = DW_STAFFING_DAY (widget);

  GTK_WIDGET_CLASS (dw_staffing_day_parent_class)->map (widget);
  /* The "now" line only moves while it can be seen. */
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (30, tick_cb, self);
  tick_cb (self);
}

static void
dw_staffing_day_unmap (GtkWidget *widget)
{
  DwStaffingDay *self = DW_STAFFING_DAY (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  GTK_WIDGET_CLASS (dw_staffing_day_parent_class)->unmap (widget);
}

static void
dw_staffing_day_dispose (GObject *object)
{
  DwStaffingDay *self = DW_STAFFING_DAY (object);

  dw_staffing_day_set_context (self, NULL, NULL);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  dw_widget_dispose_template (GTK_WIDGET (self), DW_TYPE_STAFFING_DAY);

  G_OBJECT_CLASS (dw_staffing_day_parent_class)->dispose (object);
}

static void
dw_staffing_day_finalize (GObject *object)
{
  DwStaffingDay *self = DW_STAFFING_DAY (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->time_zone, g_time_zone_unref);
  g_clear_pointer (&self->query, g_free);
  g_clear_pointer (&self->date, g_free);

  G_OBJECT_CLASS (dw_staffing_day_parent_class)->finalize (object);
}

static void
dw_staffing_day_class_init (DwStaffingDayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dw_staffing_day_dispose;
  object_class->finalize = dw_staffing_day_finalize;
  widget_class->map = dw_staffing_day_map;
  widget_class->unmap = dw_staffing_day_unmap;

  g_type_ensure (DW_TYPE_STAFFING_CHART);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/deskwatch/Deskwatch/schedule/dw-staffing-day.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, DwStaffingDay, stack);
  gtk_widget_class_bind_template_child (widget_class, DwStaffingDay, status_page);
  gtk_widget_class_bind_template_child (widget_class, DwStaffingDay, summary_label);
  gtk_widget_class_bind_template_child (widget_class, DwStaffingDay, chart);
  gtk_widget_class_bind_template_child (widget_class, DwStaffingDay, table);
  gtk_widget_class_bind_template_child (widget_class, DwStaffingDay, sl_spin);
  gtk_widget_class_bind_template_child (widget_class, DwStaffingDay, aht_spin);
  gtk_widget_class_bind_template_child (widget_class, DwStaffingDay, forecast_spin);
  gtk_widget_class_bind_template_child (widget_class, DwStaffingDay, legend);
  gtk_widget_class_bind_template_callback (widget_class, what_if_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, reset_clicked_cb);
}

static void
dw_staffing_day_init (DwStaffingDay *self)
{
  self->filling_controls = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->filling_controls = FALSE;
  /* The legend only wraps; its entries are not stops for the keyboard. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->legend)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_focusable (child, FALSE);
}

GtkWidget *
dw_staffing_day_new (void)
{
  return g_object_new (DW_TYPE_STAFFING_DAY, NULL);
}

void
dw_staffing_day_set_context (DwStaffingDay *self,
                             DwSync        *sync,
                             DwClock       *clock)
{
  static const char * const events[] = {
    "event::shift.created", "event::shift.updated", "event::shift.deleted",
    "event::absence.created", "event::absence.deleted", "event::roster.published",
    "event::user.updated", "event::ticket.created",
  };

  g_return_if_fail (DW_IS_STAFFING_DAY (self));

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
  g_signal_connect_object (sync, "resynced", G_CALLBACK (schedule_reload), self, G_CONNECT_SWAPPED);
  load (self);
}

void
dw_staffing_day_set_team (DwStaffingDay *self,
                          gint64         team_id,
                          gint64         calendar_id)
{
  g_return_if_fail (DW_IS_STAFFING_DAY (self));

  if (team_id == self->team_id && calendar_id == self->calendar_id)
    return;
  self->team_id = team_id;
  self->calendar_id = calendar_id;
  self->unavailable = FALSE;
  g_clear_pointer (&self->time_zone, g_time_zone_unref);
  dw_staffing_chart_set_day (self->chart, NULL);
  load (self);
}

DwStaffingChart *
dw_staffing_day_get_chart (DwStaffingDay *self)
{
  g_return_val_if_fail (DW_IS_STAFFING_DAY (self), NULL);
  return self->chart;
}

guint
dw_staffing_day_get_n_loads (DwStaffingDay *self)
{
  g_return_val_if_fail (DW_IS_STAFFING_DAY (self), 0);
  return self->n_loads;
}

gboolean
dw_staffing_day_get_unavailable (DwStaffingDay *self)
{
  g_return_val_if_fail (DW_IS_STAFFING_DAY (self), FALSE);
  return self->unavailable;
}

void
dw_staffing_day_set_what_if (DwStaffingDay *self,
                             double         target_sl,
                             int            aht,
                             int            forecast_percent)
{
  g_return_if_fail (DW_IS_STAFFING_DAY (self));

  self->what_if_sl = target_sl;
  self->what_if_aht = aht;
  self->what_if_forecast = forecast_percent;
  self->filling_controls = TRUE;
  if (target_sl > 0)
    gtk_spin_button_set_value (self->sl_spin, target_sl * 100);
  if (aht > 0)
    gtk_spin_button_set_value (self->aht_spin, aht);
  gtk_spin_button_set_value (self->forecast_spin, forecast_percent);
  self->filling_controls = FALSE;
  load (self);
}

const char *
dw_staffing_day_get_query (DwStaffingDay *self)
{
  g_return_val_if_fail (DW_IS_STAFFING_DAY (self), NULL);
  return self->query;
}
