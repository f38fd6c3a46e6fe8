/* dw-roster-view.c
 *
 * The week is whatever GET /teams/{id}/roster says: the view keeps the last answer and
 * rebuilds its grid from it after every load.  Edits go to the service and the view reloads
 * (its own stream events and those of other consoles land the same way), so there is one
 * source of truth and no local patching to drift.  Undo keeps, per change, the request that
 * takes it back.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-widget-util.h"
#include "dw-roster-view.h"
#include "dw-roster-week.h"
#include "dw-schedule-format.h"

typedef enum
{
  UNDO_DELETE_SHIFTS,   /* shifts were added: delete them */
  UNDO_RECREATE_SHIFT,  /* a shift was deleted: post it again */
  UNDO_PATCH_SHIFT,     /* a shift was changed: patch it back */
  UNDO_DELETE_ABSENCE,  /* an absence was added: delete it */
} UndoKind;

typedef struct
{
  UndoKind    kind;
  GArray     *ids;     /* of gint64 */
  JsonObject *before;  /* the shift as it was */
} Undo;

struct _DwRosterView
{
  GtkWidget        parent_instance;

  AdwToastOverlay *toast_overlay;
  GtkLabel        *week_label;
  GtkLabel        *state_label;
  GtkStack        *content_stack;
  AdwStatusPage   *status_page;
  GtkGrid         *grid;
  GtkListBox      *warnings_box;
  GtkLabel        *warnings_title;

  DwSync          *sync;
  DwClock         *clock;
  GCancellable    *cancellable;     /* loads; replaced by each load */
  GCancellable    *writes;          /* edits; cancelled on dispose only */
  GtkStringList   *warnings;

  gint64           team_id;
  gint64           calendar_id;
  GTimeZone       *time_zone;
  char            *week;
  JsonObject      *roster;
  JsonArray       *templates;
  GHashTable      *shift_widgets;   /* shift id → GtkWidget (owned by the grid) */
  GPtrArray       *undo;            /* of Undo*, the last change last */

  gint64           selected_shift;
  gint64           selected_user;
  int              selected_day;

  guint            reload_id;
  guint            n_loads;
  guint            n_exports;
  guint            pending_writes;
};

G_DEFINE_FINAL_TYPE (DwRosterView, dw_roster_view, GTK_TYPE_WIDGET)

static void schedule_reload (DwRosterView *self);

static void
undo_free (Undo *undo)
{
  g_clear_pointer (&undo->ids, g_array_unref);
  g_clear_pointer (&undo->before, json_object_unref);
  g_free (undo);
}

static Undo *
undo_new (UndoKind kind)
{
  Undo *undo = g_new0 (Undo, 1);

  undo->kind = kind;
  undo->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  return undo;
}

static void
toast (DwRosterView *self,
       const char   *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static gint64
now (DwRosterView *self)
{
  return self->clock != NULL ? dw_clock_now (self->clock) : g_get_real_time () / G_USEC_PER_SEC;
}

static DwClient *
client (DwRosterView *self)
{
  return self->sync != NULL ? dw_sync_get_client (self->sync) : NULL;
}

static gint64
time_member (JsonObject *object,
             const char *name)
{
  gint64 t = 0;

  if (object == NULL || !json_object_has_member (object, name)
      || JSON_NODE_HOLDS_NULL (json_object_get_member (object, name)))
    return 0;
  dw_time_from_iso8601 (json_object_get_string_member (object, name), &t);
  return t;
}

static JsonArray *
roster_array (DwRosterView *self,
              const char   *name)
{
  if (self->roster == NULL || !json_object_has_member (self->roster, name))
    return NULL;
  return json_object_get_array_member (self->roster, name);
}

static JsonObject *
find_shift (DwRosterView *self,
            gint64        shift_id)
{
  JsonArray *shifts = roster_array (self, "shifts");

  for (guint i = 0; shifts != NULL && i < json_array_get_length (shifts); i++)
    {
      JsonObject *shift = json_array_get_object_element (shifts, i);

      if (json_object_get_int_member (shift, "id") == shift_id)
        return shift;
    }
  return NULL;
}

static const char *
agent_name (DwRosterView *self,
            gint64        user_id)
{
  JsonArray *agents = roster_array (self, "agents");

  for (guint i = 0; agents != NULL && i < json_array_get_length (agents); i++)
    {
      JsonObject *agent = json_array_get_object_element (agents, i);

      if (json_object_get_int_member (agent, "user_id") == user_id)
        return json_object_get_string_member (agent, "display_name");
    }
  return "";
}

static char *
day_name (DwRosterView *self,
          int           day)
{
  g_autoptr(GDateTime) dt = NULL;
  gint64 t = dw_roster_week_time (self->time_zone, self->week, day, 12 * 60);

  dt = g_date_time_new_from_unix_utc (t);
  {
    g_autoptr(GDateTime) local = g_date_time_to_timezone (dt, self->time_zone);

    return dw_schedule_format_day (local);
  }
}

/* Writes */

/* Several writes that make one change (copying a week): one undo when the last answers. */
typedef struct
{
  guint  pending;
  guint  failed;
  Undo  *undo;
} Batch;

typedef struct
{
  DwRosterView *self;
  Undo         *undo;     /* pushed on success (NULL: none) */
  gboolean      add_id;   /* append the created object's id to undo->ids */
  Batch        *batch;
} Write;

static void
write_free (Write *write)
{
  g_clear_object (&write->self);
  g_clear_pointer (&write->undo, undo_free);
  g_free (write);
}

static void
push_undo (DwRosterView *self,
           Undo         *undo)
{
  g_ptr_array_add (self->undo, undo);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "roster.undo", TRUE);
}

static void
batch_finish (DwRosterView *self,
              Batch        *batch)
{
  g_autofree char *text = NULL;

  if (batch->undo->ids->len > 0)
    push_undo (self, g_steal_pointer (&batch->undo));
  else
    g_clear_pointer (&batch->undo, undo_free);
  if (batch->failed > 0)
    text = g_strdup_printf (g_dngettext (NULL, "%u shift could not be copied",
                                         "%u shifts could not be copied", batch->failed),
                            batch->failed);
  else
    text = g_strdup (_("Last week copied"));
  toast (self, text);
  g_free (batch);
}

static void
write_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  Write *write = data;
  DwRosterView *self = write->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = dw_client_request_finish (DW_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      write_free (write);
      return;
    }

  if (self->pending_writes > 0)
    self->pending_writes--;
  schedule_reload (self);

  if (error != NULL)
    {
      if (write->batch != NULL)
        write->batch->failed++;
      else
        toast (self, error->message);
      g_debug ("roster write failed: %s", error->message);
    }
  else
    {
      /* A batch's writes share its undo; a lone write owns its own. */
      Undo *undo = write->batch != NULL ? write->batch->undo : write->undo;

      if (undo != NULL && write->add_id && node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        {
          gint64 id = json_object_get_int_member (json_node_get_object (node), "id");

          g_array_append_val (undo->ids, id);
        }
      if (write->batch == NULL && write->undo != NULL)
        push_undo (self, g_steal_pointer (&write->undo));
    }

  if (write->batch != NULL && --write->batch->pending == 0)
    batch_finish (self, g_steal_pointer (&write->batch));
  write_free (write);
}

static void
send_write (DwRosterView *self,
            const char   *method,
            const char   *path,
            JsonObject   *body,
            Undo         *undo,
            gboolean      add_id,
            Batch        *batch)
{
  g_autoptr(JsonNode) node = NULL;
  Write *write;

  if (client (self) == NULL)
    {
      if (undo != NULL)
        undo_free (undo);
      return;
    }
  write = g_new0 (Write, 1);
  write->self = g_object_ref (self);
  write->undo = undo;
  write->add_id = add_id;
  write->batch = batch;
  if (batch != NULL)
    batch->pending++;
  if (body != NULL)
    node = json_node_init_object (json_node_alloc (), body);
  self->pending_writes++;
  dw_client_request_async (client (self), method, path, node, self->writes, write_cb, write);
}

static char *
shift_path (gint64 id)
{
  return g_strdup_printf ("/api/v1/shifts/%" G_GINT64_FORMAT, id);
}

/* A shift as POST takes it again (to undo its deletion). */
static JsonObject *
shift_body (JsonObject *shift)
{
  JsonObject *body = json_object_new ();
  JsonArray *breaks = json_array_new ();
  JsonArray *old = json_object_get_array_member (shift, "breaks");

  json_object_set_int_member (body, "team_id", json_object_get_int_member (shift, "team_id"));
  json_object_set_int_member (body, "user_id", json_object_get_int_member (shift, "user_id"));
  json_object_set_string_member (body, "starts_at",
                                 json_object_get_string_member (shift, "starts_at"));
  json_object_set_string_member (body, "ends_at", json_object_get_string_member (shift, "ends_at"));
  for (guint i = 0; old != NULL && i < json_array_get_length (old); i++)
    {
      JsonObject *b = json_array_get_object_element (old, i);
      JsonObject *copy = json_object_new ();

      json_object_set_string_member (copy, "starts_at", json_object_get_string_member (b, "starts_at"));
      json_object_set_string_member (copy, "ends_at", json_object_get_string_member (b, "ends_at"));
      json_array_add_object_element (breaks, copy);
    }
  json_object_set_array_member (body, "breaks", breaks);
  return body;
}

/* The shift's breaks moved by @delta seconds, those outside [@start, @end) dropped. */
static JsonArray *
moved_breaks (JsonObject *shift,
              gint64      delta,
              gint64      start,
              gint64      end)
{
  JsonArray *breaks = json_array_new ();
  JsonArray *old = json_object_get_array_member (shift, "breaks");

  for (guint i = 0; old != NULL && i < json_array_get_length (old); i++)
    {
      JsonObject *b = json_array_get_object_element (old, i);
      gint64 from = time_member (b, "starts_at") + delta;
      gint64 to = time_member (b, "ends_at") + delta;
      g_autofree char *from_text = NULL;
      g_autofree char *to_text = NULL;
      JsonObject *copy;

      if (from < start || to > end)
        continue;
      copy = json_object_new ();
      from_text = dw_time_to_iso8601 (from);
      to_text = dw_time_to_iso8601 (to);
      json_object_set_string_member (copy, "starts_at", from_text);
      json_object_set_string_member (copy, "ends_at", to_text);
      json_array_add_object_element (breaks, copy);
    }
  return breaks;
}

static void
delete_shift (DwRosterView *self,
              gint64        shift_id)
{
  JsonObject *shift = find_shift (self, shift_id);
  g_autofree char *path = shift_path (shift_id);
  Undo *undo;

  if (shift == NULL)
    return;
  undo = undo_new (UNDO_RECREATE_SHIFT);
  undo->before = json_object_ref (shift);
  send_write (self, "DELETE", path, NULL, undo, FALSE, NULL);
  if (self->selected_shift == shift_id)
    self->selected_shift = 0;
}

/* Moves/edits: @user_id on day @day from @start to @end minutes (end ≤ start: next day). */
static void
edit_shift (DwRosterView *self,
            gint64        shift_id,
            gint64        user_id,
            int           day,
            int           start,
            int           end)
{
  JsonObject *shift = find_shift (self, shift_id);
  g_autofree char *path = shift_path (shift_id);
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  gint64 starts_at, ends_at;
  Undo *undo;

  if (shift == NULL)
    return;
  starts_at = dw_roster_week_time (self->time_zone, self->week, day, start);
  ends_at = dw_roster_week_time (self->time_zone, self->week, day, end > start ? end : end + 1440);
  from = dw_time_to_iso8601 (starts_at);
  to = dw_time_to_iso8601 (ends_at);
  json_object_set_int_member (body, "user_id", user_id);
  json_object_set_string_member (body, "starts_at", from);
  json_object_set_string_member (body, "ends_at", to);
  json_object_set_array_member (body, "breaks",
                                moved_breaks (shift, starts_at - time_member (shift, "starts_at"),
                                              starts_at, ends_at));
  undo = undo_new (UNDO_PATCH_SHIFT);
  undo->before = json_object_ref (shift);
  g_array_append_val (undo->ids, shift_id);
  send_write (self, "PATCH", path, body, undo, FALSE, NULL);
}

static void
add_absence (DwRosterView *self,
             gint64        user_id,
             const char   *kind,
             int           first_day,
             int           last_day,
             const char   *note)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  from = dw_time_to_iso8601 (dw_roster_week_time (self->time_zone, self->week, first_day, 0));
  to = dw_time_to_iso8601 (dw_roster_week_time (self->time_zone, self->week, last_day, 1440));
  json_object_set_int_member (body, "user_id", user_id);
  json_object_set_string_member (body, "kind", kind);
  json_object_set_string_member (body, "starts_at", from);
  json_object_set_string_member (body, "ends_at", to);
  json_object_set_string_member (body, "note", note != NULL ? note : "");
  send_write (self, "POST", "/api/v1/absences", body, undo_new (UNDO_DELETE_ABSENCE), TRUE, NULL);
}

static void
undo_last (DwRosterView *self)
{
  Undo *undo;

  if (self->undo->len == 0)
    return;
  undo = g_ptr_array_steal_index (self->undo, self->undo->len - 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "roster.undo", self->undo->len > 0);

  switch (undo->kind)
    {
    case UNDO_DELETE_SHIFTS:
      for (guint i = 0; i < undo->ids->len; i++)
        {
          g_autofree char *path = shift_path (g_array_index (undo->ids, gint64, i));

          send_write (self, "DELETE", path, NULL, NULL, FALSE, NULL);
        }
      break;
    case UNDO_RECREATE_SHIFT:
      {
        g_autoptr(JsonObject) body = shift_body (undo->before);

        send_write (self, "POST", "/api/v1/shifts", body, NULL, FALSE, NULL);
      }
      break;
    case UNDO_PATCH_SHIFT:
      {
        g_autoptr(JsonObject) body = shift_body (undo->before);
        g_autofree char *path = shift_path (g_array_index (undo->ids, gint64, 0));

        json_object_remove_member (body, "team_id");
        send_write (self, "PATCH", path, body, NULL, FALSE, NULL);
      }
      break;
    case UNDO_DELETE_ABSENCE:
      for (guint i = 0; i < undo->ids->len; i++)
        {
          g_autofree char *path = g_strdup_printf ("/api/v1/absences/%" G_GINT64_FORMAT,
                                                   g_array_index (undo->ids, gint64, i));

          send_write (self, "DELETE", path, NULL, NULL, FALSE, NULL);
        }
      break;
    default:
      g_assert_not_reached ();
    }
  undo_free (undo);
  toast (self, _("Change undone"));
}

/* Copying last week: each of its shifts one week later, as new draft shifts. */
static void
last_week_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  g_autoptr(DwRosterView) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = dw_client_request_finish (DW_CLIENT (source), result, &error);
  JsonArray *shifts;
  Batch *batch;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    {
      toast (self, error->message);
      return;
    }
  shifts = json_object_get_array_member (json_node_get_object (node), "shifts");
  if (shifts == NULL || json_array_get_length (shifts) == 0)
    {
      toast (self, _("Last week has no shifts to copy"));
      return;
    }

  batch = g_new0 (Batch, 1);
  batch->undo = undo_new (UNDO_DELETE_SHIFTS);
  batch->pending = 1;  /* held until every write is sent */
  for (guint i = 0; i < json_array_get_length (shifts); i++)
    {
      JsonObject *shift = json_array_get_object_element (shifts, i);
      g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (time_member (shift, "starts_at"));
      g_autoptr(GDateTime) start_local = g_date_time_to_timezone (start, self->time_zone);
      g_autoptr(GDateTime) next = g_date_time_add_weeks (start_local, 1);
      gint64 delta = g_date_time_to_unix (next) - g_date_time_to_unix (start_local);
      gint64 starts_at = time_member (shift, "starts_at") + delta;
      gint64 ends_at = time_member (shift, "ends_at") + delta;
      g_autoptr(JsonObject) body = json_object_new ();
      g_autofree char *from = dw_time_to_iso8601 (starts_at);
      g_autofree char *to = dw_time_to_iso8601 (ends_at);

      json_object_set_int_member (body, "team_id", self->team_id);
      json_object_set_int_member (body, "user_id", json_object_get_int_member (shift, "user_id"));
      json_object_set_string_member (body, "starts_at", from);
      json_object_set_string_member (body, "ends_at", to);
      json_object_set_array_member (body, "breaks", moved_breaks (shift, delta, starts_at, ends_at));
      send_write (self, "POST", "/api/v1/shifts", body, NULL, TRUE, batch);
    }
  if (--batch->pending == 0)
    batch_finish (self, batch);
}

static void
publish_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(DwRosterView) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = dw_client_request_finish (DW_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  schedule_reload (self);
  toast (self, error != NULL ? error->message : _("Week published"));
}

/* Showing a week */

static void
clear_grid (DwRosterView *self)
{
  GtkWidget *child;

  g_hash_table_remove_all (self->shift_widgets);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->grid))) != NULL)
    gtk_grid_remove (self->grid, child);
}

static void
select_shift (DwRosterView *self,
              gint64        shift_id)
{
  GHashTableIter iter;
  gpointer key, value;

  self->selected_shift = shift_id;
  g_hash_table_iter_init (&iter, self->shift_widgets);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (*(gint64 *) key == shift_id)
        gtk_widget_add_css_class (value, "selected");
      else
        gtk_widget_remove_css_class (value, "selected");
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "roster.edit-shift", shift_id != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "roster.delete-shift", shift_id != 0);
}

static void
shift_focused_cb (DwRosterView            *self,
                  GtkEventControllerFocus *controller)
{
  GtkWidget *button = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  JsonObject *shift = find_shift (self, GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button),
                                                                             "dw-shift-id")));

  if (shift == NULL)
    return;
  self->selected_user = json_object_get_int_member (shift, "user_id");
  self->selected_day = dw_roster_week_day_of (self->time_zone, self->week,
                                              time_member (shift, "starts_at"));
  select_shift (self, json_object_get_int_member (shift, "id"));
}

static void
shift_clicked_cb (DwRosterView *self,
                  GtkButton    *button)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "dw-shift-id"));

  select_shift (self, id);
  gtk_widget_activate_action (GTK_WIDGET (self), "roster.edit-shift", NULL);
}

static void
add_clicked_cb (DwRosterView *self,
                GtkButton    *button)
{
  self->selected_user = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "dw-user-id"));
  self->selected_day = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "dw-day"));
  select_shift (self, 0);
  gtk_widget_activate_action (GTK_WIDGET (self), "roster.add-shift", NULL);
}

/* The warnings of @shift_id in words, one a line; NULL for none.  *@hard says whether one
 * is a hard rule (the week cannot be published). */
static char *
shift_warnings_text (DwRosterView *self,
                     JsonObject   *shift,
                     gboolean     *hard)
{
  JsonArray *warnings = json_object_get_array_member (shift, "warnings");
  g_autoptr(GString) text = g_string_new (NULL);

  *hard = FALSE;
  for (guint i = 0; warnings != NULL && i < json_array_get_length (warnings); i++)
    {
      JsonObject *warning = json_array_get_object_element (warnings, i);
      g_autofree char *line = dw_schedule_describe_warning (warning, self->time_zone);

      if (json_object_get_boolean_member_with_default (warning, "hard", FALSE))
        *hard = TRUE;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, line);
    }
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

static GtkWidget *
shift_block (DwRosterView *self,
             JsonObject   *shift)
{
  gint64 id = json_object_get_int_member (shift, "id");
  g_autofree char *span = dw_roster_format_span (self->time_zone, time_member (shift, "starts_at"),
                                                 time_member (shift, "ends_at"));
  g_autofree char *warnings = NULL;
  g_autofree char *accessible = NULL;
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkEventController *focus;
  gboolean hard = FALSE;

  gtk_box_append (GTK_BOX (box), gtk_label_new (span));
  warnings = shift_warnings_text (self, shift, &hard);
  gtk_widget_add_css_class (button, "dw-shift");
  gtk_widget_add_css_class (button, json_object_get_string_member (shift, "state"));
  if (json_object_get_boolean_member_with_default (shift, "holiday", FALSE))
    gtk_widget_add_css_class (button, "holiday");
  if (warnings != NULL)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name (hard ? "dialog-error-symbolic"
                                                           : "dialog-warning-symbolic");

      gtk_widget_add_css_class (button, hard ? "error" : "warning");
      gtk_box_append (GTK_BOX (box), icon);
      gtk_widget_set_tooltip_text (button, warnings);
      /* Translators: a shift block for a screen reader: its hours, then its warnings. */
      accessible = g_strdup_printf (_("%s, %s"), span, warnings);
    }
  else
    {
      accessible = g_strdup (span);
      gtk_widget_set_tooltip_text (button, _("Edit this shift"));
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  gtk_button_set_child (GTK_BUTTON (button), box);
  g_object_set_data (G_OBJECT (button), "dw-shift-id", GSIZE_TO_POINTER ((gsize) id));
  g_signal_connect_object (button, "clicked", G_CALLBACK (shift_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  focus = gtk_event_controller_focus_new ();
  g_signal_connect_object (focus, "enter", G_CALLBACK (shift_focused_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (button, focus);
  if (id == self->selected_shift)
    gtk_widget_add_css_class (button, "selected");
  g_hash_table_insert (self->shift_widgets, g_memdup2 (&id, sizeof id), button);
  return button;
}

static GtkWidget *
absence_block (DwRosterView *self,
               JsonObject   *absence)
{
  const char *kind = json_object_get_string_member (absence, "kind");
  GtkWidget *label = gtk_label_new (dw_schedule_absence_kind_name (kind));
  g_autofree char *span = dw_roster_format_span (self->time_zone,
                                                 time_member (absence, "starts_at"),
                                                 time_member (absence, "ends_at"));

  gtk_widget_add_css_class (label, "dw-absence");
  gtk_widget_set_tooltip_text (label, span);
  return label;
}

static GtkWidget *
day_header (DwRosterView *self,
            int           day,
            JsonObject   *info)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  g_autofree char *name = day_name (self, day);
  GtkWidget *label = gtk_label_new (name);
  const char *kind = info != NULL ? json_object_get_string_member (info, "kind") : "workday";
  const char *kind_name = dw_schedule_day_kind_name (kind);

  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_add_css_class (box, "dw-day-header");
  gtk_widget_add_css_class (box, kind);
  if (kind_name != NULL)
    {
      GtkWidget *marker = gtk_label_new (kind_name);

      gtk_widget_add_css_class (marker, "caption");
      gtk_widget_add_css_class (marker, "dw-day-kind");
      gtk_box_append (GTK_BOX (box), marker);
    }
  return box;
}

static void
fill_warnings (DwRosterView *self)
{
  JsonArray *warnings = roster_array (self, "warnings");
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *title = NULL;

  for (guint i = 0; warnings != NULL && i < json_array_get_length (warnings); i++)
    {
      JsonObject *warning = json_array_get_object_element (warnings, i);
      gint64 shift_id = json_object_get_int_member_with_default (warning, "shift_id", 0);
      JsonObject *shift = shift_id != 0 ? find_shift (self, shift_id) : NULL;
      g_autofree char *text = dw_schedule_describe_warning (warning, self->time_zone);
      g_autofree char *when = NULL;
      /* A shift's warning belongs to the shift's day (a rest gap may begin the week before). */
      int day = dw_roster_week_day_of (self->time_zone, self->week,
                                       time_member (shift != NULL ? shift : warning,
                                                    shift != NULL ? "starts_at" : "from"));
      g_autofree char *day_text = day >= 0 ? day_name (self, day) : NULL;

      if (shift != NULL && day_text != NULL)
        /* Translators: a line of the week's warnings: day, agent, what is wrong. */
        when = g_strdup_printf (_("%s · %s: %s"), day_text,
                                agent_name (self, json_object_get_int_member (shift, "user_id")),
                                text);
      else if (shift != NULL)
        /* Translators: a line of the week's warnings: agent, what is wrong. */
        when = g_strdup_printf (_("%s: %s"),
                                agent_name (self, json_object_get_int_member (shift, "user_id")),
                                text);
      else if (day_text != NULL)
        /* Translators: a line of the week's warnings: day, what is wrong. */
        when = g_strdup_printf (_("%s: %s"), day_text, text);
      else
        when = g_strdup (text);
      g_ptr_array_add (lines, g_steal_pointer (&when));
    }
  g_ptr_array_add (lines, NULL);
  gtk_string_list_splice (self->warnings, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->warnings)),
                          (const char * const *) lines->pdata);
  if (lines->len == 1)
    title = g_strdup (_("No warnings this week"));
  else
    title = g_strdup_printf (g_dngettext (NULL, "%u warning this week", "%u warnings this week",
                                          lines->len - 1), lines->len - 1);
  gtk_label_set_label (self->warnings_title, title);
}

static void
show_roster (DwRosterView *self)
{
  JsonArray *agents = roster_array (self, "agents");
  JsonArray *days = roster_array (self, "days");
  JsonArray *shifts = roster_array (self, "shifts");
  JsonArray *absences = roster_array (self, "absences");
  const char *state = json_object_get_string_member (self->roster, "state");
  g_autofree char *week_text = NULL;
  GtkWidget *corner;
  guint n_agents = agents != NULL ? json_array_get_length (agents) : 0;
  GtkWidget **cells;

  clear_grid (self);

  {
    g_autofree char *first = day_name (self, 0);
    g_autofree char *last = day_name (self, 6);

    /* Translators: the week shown, e.g. "Mon 14 Dec – Sun 20 Dec". */
    week_text = g_strdup_printf (_("%s – %s"), first, last);
  }
  gtk_label_set_label (self->week_label, week_text);
  gtk_label_set_label (self->state_label, g_strcmp0 (state, "published") == 0 ? _("Published")
                                                                              : _("Draft"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "warning");
  gtk_widget_add_css_class (GTK_WIDGET (self->state_label),
                            g_strcmp0 (state, "published") == 0 ? "success" : "warning");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "roster.publish",
                                 g_strcmp0 (state, "published") != 0);

  corner = gtk_label_new (_("Agent"));
  gtk_widget_add_css_class (corner, "heading");
  gtk_label_set_xalign (GTK_LABEL (corner), 0);
  gtk_grid_attach (self->grid, corner, 0, 0, 1, 1);
  for (int d = 0; d < 7; d++)
    {
      JsonObject *info = days != NULL && (guint) d < json_array_get_length (days)
                         ? json_array_get_object_element (days, d) : NULL;

      gtk_grid_attach (self->grid, day_header (self, d, info), d + 1, 0, 1, 1);
    }

  cells = g_new0 (GtkWidget *, n_agents * 7 + 1);
  for (guint a = 0; a < n_agents; a++)
    {
      JsonObject *agent = json_array_get_object_element (agents, a);
      gint64 user_id = json_object_get_int_member (agent, "user_id");
      GtkWidget *name = gtk_label_new (json_object_get_string_member (agent, "display_name"));
      g_autofree char *hours = dw_schedule_format_minutes (json_object_get_int_member (agent,
                                                                                      "worked_minutes"));
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      GtkWidget *hours_label = gtk_label_new (hours);

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_xalign (GTK_LABEL (hours_label), 0);
      gtk_widget_add_css_class (hours_label, "dim-label");
      gtk_widget_add_css_class (hours_label, "caption");
      gtk_box_append (GTK_BOX (box), name);
      gtk_box_append (GTK_BOX (box), hours_label);
      gtk_grid_attach (self->grid, box, 0, a + 1, 1, 1);

      for (int d = 0; d < 7; d++)
        {
          GtkWidget *cell = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);

          gtk_widget_add_css_class (cell, "dw-roster-cell");
          gtk_widget_set_hexpand (cell, TRUE);
          g_object_set_data (G_OBJECT (cell), "dw-user-id", GSIZE_TO_POINTER ((gsize) user_id));
          cells[a * 7 + d] = cell;
          gtk_grid_attach (self->grid, cell, d + 1, a + 1, 1, 1);
        }
    }

  for (guint i = 0; shifts != NULL && i < json_array_get_length (shifts); i++)
    {
      JsonObject *shift = json_array_get_object_element (shifts, i);
      gint64 user_id = json_object_get_int_member (shift, "user_id");
      int day = dw_roster_week_day_of (self->time_zone, self->week, time_member (shift, "starts_at"));

      for (guint a = 0; day >= 0 && a < n_agents; a++)
        if (json_object_get_int_member (json_array_get_object_element (agents, a), "user_id")
            == user_id)
          gtk_box_append (GTK_BOX (cells[a * 7 + day]), shift_block (self, shift));
    }

  for (guint i = 0; absences != NULL && i < json_array_get_length (absences); i++)
    {
      JsonObject *absence = json_array_get_object_element (absences, i);
      gint64 user_id = json_object_get_int_member (absence, "user_id");
      gint64 from = time_member (absence, "starts_at");
      gint64 to = time_member (absence, "ends_at");

      for (guint a = 0; a < n_agents; a++)
        {
          if (json_object_get_int_member (json_array_get_object_element (agents, a), "user_id")
              != user_id)
            continue;
          /* One mark on every day of the week the absence touches. */
          for (int d = 0; d < 7; d++)
            {
              gint64 day_start = dw_roster_week_time (self->time_zone, self->week, d, 0);
              gint64 day_end = dw_roster_week_time (self->time_zone, self->week, d, 1440);

              if (from < day_end && to > day_start)
                gtk_box_append (GTK_BOX (cells[a * 7 + d]), absence_block (self, absence));
            }
        }
    }

  /* The "+" last in each cell, so the shifts come first in the tab order. */
  for (guint a = 0; a < n_agents; a++)
    for (int d = 0; d < 7; d++)
      {
        GtkWidget *add = gtk_button_new_from_icon_name ("list-add-symbolic");
        JsonObject *agent = json_array_get_object_element (agents, a);
        g_autofree char *day_text = day_name (self, d);
        g_autofree char *label = NULL;

        /* Translators: the add button of a roster cell: agent, day. */
        label = g_strdup_printf (_("Add a shift for %s on %s"),
                                 json_object_get_string_member (agent, "display_name"), day_text);
        gtk_accessible_update_property (GTK_ACCESSIBLE (add), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        label, -1);
        gtk_widget_set_tooltip_text (add, label);
        gtk_widget_add_css_class (add, "flat");
        gtk_widget_add_css_class (add, "dw-roster-add");
        gtk_widget_set_halign (add, GTK_ALIGN_START);
        g_object_set_data (G_OBJECT (add), "dw-user-id",
                           GSIZE_TO_POINTER ((gsize) json_object_get_int_member (agent, "user_id")));
        g_object_set_data (G_OBJECT (add), "dw-day", GINT_TO_POINTER (d));
        g_signal_connect_object (add, "clicked", G_CALLBACK (add_clicked_cb), self,
                                 G_CONNECT_SWAPPED);
        gtk_box_append (GTK_BOX (cells[a * 7 + d]), add);
      }
  g_free (cells);

  if (self->selected_shift != 0 && find_shift (self, self->selected_shift) == NULL)
    self->selected_shift = 0;
  select_shift (self, self->selected_shift);
  fill_warnings (self);

  if (n_agents == 0)
    {
      adw_status_page_set_title (self->status_page, _("No Agents in This Team"));
      adw_status_page_set_description (self->status_page,
                                       _("Add agents to the team to roster their shifts."));
      gtk_stack_set_visible_child_name (self->content_stack, "status");
    }
  else
    gtk_stack_set_visible_child_name (self->content_stack, "roster");
}

static void
show_status (DwRosterView *self,
             const char   *title,
             const char   *description)
{
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, description);
  gtk_stack_set_visible_child_name (self->content_stack, "status");
}

/* Loading */

static void load (DwRosterView *self);

static void
roster_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = dw_client_request_finish (DW_CLIENT (source), result, &error);
  DwRosterView *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = DW_ROSTER_VIEW (data);
  if (error != NULL)
    {
      show_status (self, _("Could Not Load the Roster"), error->message);
      return;
    }
  g_return_if_fail (self->time_zone != NULL);
  g_clear_pointer (&self->roster, json_object_unref);
  self->roster = json_object_ref (json_node_get_object (node));
  show_roster (self);
  self->n_loads++;
}

static void
templates_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = dw_client_request_finish (DW_CLIENT (source), result, &error);
  DwRosterView *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = DW_ROSTER_VIEW (data);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      g_clear_pointer (&self->templates, json_array_unref);
      self->templates = json_array_ref (json_object_get_array_member (json_node_get_object (node),
                                                                      "items"));
    }
}

static void
calendar_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = dw_client_request_finish (DW_CLIENT (source), result, &error);
  DwRosterView *self;
  const char *tzid;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = DW_ROSTER_VIEW (data);
  if (error != NULL)
    {
      show_status (self, _("Could Not Load the Roster"), error->message);
      return;
    }
  tzid = json_object_get_string_member_with_default (json_node_get_object (node), "timezone",
                                                     "UTC");
  self->time_zone = g_time_zone_new_identifier (tzid);
  if (self->time_zone == NULL)
    self->time_zone = g_time_zone_new_utc ();
  if (self->week == NULL)
    self->week = dw_roster_week_of (self->time_zone, now (self), 0);
  load (self);
}

static void
load (DwRosterView *self)
{
  g_autofree char *path = NULL;

  g_clear_handle_id (&self->reload_id, g_source_remove);
  /* Whatever was asked before is stale now, even when nothing is asked instead. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (client (self) == NULL || self->team_id == 0)
    {
      show_status (self, _("No Team to Roster"),
                   _("Rosters are kept by the leads of a team."));
      return;
    }


  if (self->time_zone == NULL)
    {
      path = g_strdup_printf ("/api/v1/calendars/%" G_GINT64_FORMAT, self->calendar_id);
      dw_client_request_async (client (self), "GET", path, NULL, self->cancellable,
                               calendar_loaded_cb, self);
      return;
    }

  if (self->templates == NULL)
    {
      g_autofree char *templates = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT
                                                    "/shift-templates", self->team_id);

      dw_client_request_async (client (self), "GET", templates, NULL, self->cancellable,
                               templates_loaded_cb, self);
    }
  path = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT "/roster?week=%s", self->team_id,
                          self->week);
  dw_client_request_async (client (self), "GET", path, NULL, self->cancellable,
                           roster_loaded_cb, self);
}

static gboolean
reload_cb (gpointer data)
{
  DwRosterView *self = data;

  self->reload_id = 0;
  load (self);
  return G_SOURCE_REMOVE;
}

/* Coalesces the reloads a burst of events or writes asks for (a copied week is one per
 * shift). */
static void
schedule_reload (DwRosterView *self)
{
  if (self->reload_id == 0)
    self->reload_id = g_timeout_add (100, reload_cb, self);
}

static void
roster_event_cb (DwRosterView *self,
                 const char   *type,
                 JsonObject   *data,
                 DwSync       *sync)
{
  gint64 team_id = json_object_get_int_member_with_default (data, "team_id", 0);

  /* Absences name an agent, not always this team: reloading costs one request. */
  if (team_id == 0 || team_id == self->team_id)
    schedule_reload (self);
}

/* Dialogs */

typedef struct
{
  DwRosterView *self;
  gint64        shift_id;   /* 0: a new shift */
  GtkDropDown  *agent;
  GtkDropDown  *day;
  GtkDropDown  *last_day;   /* absences */
  GtkDropDown  *template;
  GtkDropDown  *kind;
  GtkEntry     *start;
  GtkEntry     *end;
  GtkEntry     *note;
} Form;

static void
form_free (gpointer  data,
           GClosure *closure)
{
  Form *form = data;

  g_clear_object (&form->self);
  g_free (form);
}

static GtkStringList *
agent_names (DwRosterView *self)
{
  GtkStringList *list = gtk_string_list_new (NULL);
  JsonArray *agents = roster_array (self, "agents");

  for (guint i = 0; agents != NULL && i < json_array_get_length (agents); i++)
    gtk_string_list_append (list, json_object_get_string_member (json_array_get_object_element (agents, i),
                                                                 "display_name"));
  return list;
}

static guint
agent_position (DwRosterView *self,
                gint64        user_id)
{
  JsonArray *agents = roster_array (self, "agents");

  for (guint i = 0; agents != NULL && i < json_array_get_length (agents); i++)
    if (json_object_get_int_member (json_array_get_object_element (agents, i), "user_id") == user_id)
      return i;
  return 0;
}

static gint64
agent_at (DwRosterView *self,
          guint         position)
{
  JsonArray *agents = roster_array (self, "agents");

  if (agents == NULL || position >= json_array_get_length (agents))
    return 0;
  return json_object_get_int_member (json_array_get_object_element (agents, position), "user_id");
}

static GtkStringList *
day_names (DwRosterView *self)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  for (int d = 0; d < 7; d++)
    {
      g_autofree char *name = day_name (self, d);

      gtk_string_list_append (list, name);
    }
  return list;
}

static GtkWidget *
form_row (GtkGrid    *grid,
          int         row,
          const char *label,
          GtkWidget  *field)
{
  GtkWidget *title = gtk_label_new_with_mnemonic (label);

  gtk_label_set_xalign (GTK_LABEL (title), 1);
  gtk_label_set_mnemonic_widget (GTK_LABEL (title), field);
  gtk_widget_set_hexpand (field, TRUE);
  gtk_grid_attach (grid, title, 0, row, 1, 1);
  gtk_grid_attach (grid, field, 1, row, 1, 1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  title, NULL, -1);
  return field;
}

static GtkDropDown *
drop_down (GListModel *model,
           guint       selected)
{
  /* gtk_drop_down_new takes the model: the callers keep their own reference. */
  GtkDropDown *drop_down = GTK_DROP_DOWN (gtk_drop_down_new (g_object_ref (model), NULL));

  gtk_drop_down_set_selected (drop_down, selected);
  return drop_down;
}

static GtkEntry *
clock_entry (int minutes)
{
  GtkEntry *entry = GTK_ENTRY (gtk_entry_new ());
  g_autofree char *text = g_strdup_printf ("%02d:%02d", minutes / 60 % 24, minutes % 60);

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  gtk_entry_set_max_length (entry, 5);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), 6);
  gtk_entry_set_activates_default (entry, TRUE);
  return entry;
}

static AdwMessageDialog *
form_dialog (DwRosterView *self,
             const char   *heading,
             const char   *save_label,
             GtkWidget    *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                              heading, NULL);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "save", save_label, NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), body);
  return ADW_MESSAGE_DIALOG (dialog);
}

static void
shift_form_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        Form             *form)
{
  DwRosterView *self = form->self;
  gint64 user_id = agent_at (self, gtk_drop_down_get_selected (form->agent));
  int day = gtk_drop_down_get_selected (form->day);
  guint template = form->template != NULL ? gtk_drop_down_get_selected (form->template) : 0;
  int start = 0, end = 0;

  if (g_str_equal (response, "delete"))
    {
      delete_shift (self, form->shift_id);
      return;
    }
  if (!g_str_equal (response, "save"))
    return;

  if (template > 0 && self->templates != NULL && template <= json_array_get_length (self->templates))
    {
      JsonObject *t = json_array_get_object_element (self->templates, template - 1);

      dw_roster_view_add_shift (self, user_id, day, json_object_get_int_member (t, "id"), 0, 0);
      return;
    }
  if (!dw_roster_parse_clock (gtk_editable_get_text (GTK_EDITABLE (form->start)), &start)
      || !dw_roster_parse_clock (gtk_editable_get_text (GTK_EDITABLE (form->end)), &end))
    {
      toast (self, _("Times are hours and minutes, such as 08:30"));
      return;
    }
  if (form->shift_id != 0)
    edit_shift (self, form->shift_id, user_id, day, start, end);
  else
    dw_roster_view_add_shift (self, user_id, day, 0, start, end);
}

static void
template_selected_cb (Form *form)
{
  gboolean custom = gtk_drop_down_get_selected (form->template) == 0;

  gtk_widget_set_sensitive (GTK_WIDGET (form->start), custom);
  gtk_widget_set_sensitive (GTK_WIDGET (form->end), custom);
}

static void
open_shift_form (DwRosterView *self,
                 gint64        shift_id)
{
  JsonObject *shift = shift_id != 0 ? find_shift (self, shift_id) : NULL;
  GtkGrid *grid = GTK_GRID (gtk_grid_new ());
  g_autoptr(GtkStringList) agents = agent_names (self);
  g_autoptr(GtkStringList) days = day_names (self);
  AdwMessageDialog *dialog;
  Form *form = g_new0 (Form, 1);
  gint64 user_id = self->selected_user;
  int day = MAX (self->selected_day, 0);
  int start = 9 * 60, end = 18 * 60;
  int row = 0;

  if (self->roster == NULL || agents == NULL || g_list_model_get_n_items (G_LIST_MODEL (agents)) == 0)
    {
      g_free (form);
      return;
    }
  if (shift != NULL)
    {
      user_id = json_object_get_int_member (shift, "user_id");
      day = MAX (dw_roster_week_day_of (self->time_zone, self->week, time_member (shift, "starts_at")), 0);
      start = dw_roster_minute_of_day (self->time_zone, time_member (shift, "starts_at"));
      end = dw_roster_minute_of_day (self->time_zone, time_member (shift, "ends_at"));
    }

  form->self = g_object_ref (self);
  form->shift_id = shift_id;
  gtk_grid_set_row_spacing (grid, 6);
  gtk_grid_set_column_spacing (grid, 12);
  form->agent = GTK_DROP_DOWN (form_row (grid, row++, _("_Agent"),
                                         GTK_WIDGET (drop_down (G_LIST_MODEL (agents),
                                                                agent_position (self, user_id)))));
  form->day = GTK_DROP_DOWN (form_row (grid, row++, _("_Day"),
                                       GTK_WIDGET (drop_down (G_LIST_MODEL (days), day))));
  if (shift == NULL)
    {
      GtkStringList *templates = gtk_string_list_new (NULL);

      gtk_string_list_append (templates, _("Custom hours"));
      for (guint i = 0; self->templates != NULL && i < json_array_get_length (self->templates); i++)
        {
          JsonObject *t = json_array_get_object_element (self->templates, i);
          /* Translators: a shift template in a list: name, hours. */
          g_autofree char *text = g_strdup_printf (_("%s (%s–%s)"),
                                                   json_object_get_string_member (t, "name"),
                                                   json_object_get_string_member (t, "start"),
                                                   json_object_get_string_member (t, "end"));

          gtk_string_list_append (templates, text);
        }
      form->template = GTK_DROP_DOWN (form_row (grid, row++, _("_Template"),
                                                GTK_WIDGET (drop_down (G_LIST_MODEL (templates), 0))));
      g_object_unref (templates);
      g_signal_connect_swapped (form->template, "notify::selected",
                                G_CALLBACK (template_selected_cb), form);
    }
  form->start = GTK_ENTRY (form_row (grid, row++, _("_Starts"), GTK_WIDGET (clock_entry (start))));
  form->end = GTK_ENTRY (form_row (grid, row++, _("_Ends"), GTK_WIDGET (clock_entry (end))));

  dialog = form_dialog (self, shift != NULL ? _("Edit Shift") : _("Add Shift"),
                        shift != NULL ? _("_Save") : _("_Add"), GTK_WIDGET (grid));
  if (shift != NULL)
    {
      adw_message_dialog_add_response (dialog, "delete", _("_Delete"));
      adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_body (dialog, _("An end at or before the start is on the next day."));
    }
  g_signal_connect_data (dialog, "response", G_CALLBACK (shift_form_response_cb), form,
                         form_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static const char * const absence_kinds[] = { "leave", "sick", "training", NULL };

static void
absence_form_response_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          Form             *form)
{
  DwRosterView *self = form->self;
  int first = gtk_drop_down_get_selected (form->day);
  int last = gtk_drop_down_get_selected (form->last_day);

  if (!g_str_equal (response, "save"))
    return;
  add_absence (self, agent_at (self, gtk_drop_down_get_selected (form->agent)),
               absence_kinds[gtk_drop_down_get_selected (form->kind)], MIN (first, last),
               MAX (first, last), gtk_editable_get_text (GTK_EDITABLE (form->note)));
}

static void
open_absence_form (DwRosterView *self)
{
  GtkGrid *grid = GTK_GRID (gtk_grid_new ());
  g_autoptr(GtkStringList) agents = agent_names (self);
  g_autoptr(GtkStringList) days = day_names (self);
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);
  AdwMessageDialog *dialog;
  Form *form;
  int day = MAX (self->selected_day, 0);

  if (self->roster == NULL || g_list_model_get_n_items (G_LIST_MODEL (agents)) == 0)
    return;
  for (guint i = 0; absence_kinds[i] != NULL; i++)
    gtk_string_list_append (kinds, dw_schedule_absence_kind_name (absence_kinds[i]));

  form = g_new0 (Form, 1);
  form->self = g_object_ref (self);
  gtk_grid_set_row_spacing (grid, 6);
  gtk_grid_set_column_spacing (grid, 12);
  form->agent = GTK_DROP_DOWN (form_row (grid, 0, _("_Agent"),
                                         GTK_WIDGET (drop_down (G_LIST_MODEL (agents),
                                                                agent_position (self, self->selected_user)))));
  form->kind = GTK_DROP_DOWN (form_row (grid, 1, _("_Kind"),
                                        GTK_WIDGET (drop_down (G_LIST_MODEL (kinds), 0))));
  form->day = GTK_DROP_DOWN (form_row (grid, 2, _("_From"),
                                       GTK_WIDGET (drop_down (G_LIST_MODEL (days), day))));
  form->last_day = GTK_DROP_DOWN (form_row (grid, 3, _("_To"),
                                            GTK_WIDGET (drop_down (G_LIST_MODEL (days), day))));
  form->note = GTK_ENTRY (form_row (grid, 4, _("_Note"), gtk_entry_new ()));
  dialog = form_dialog (self, _("Mark Absence"), _("_Mark"), GTK_WIDGET (grid));
  adw_message_dialog_set_body (dialog, _("Whole days; shifts already rostered then must move "
                                         "before the week can be published."));
  g_signal_connect_data (dialog, "response", G_CALLBACK (absence_form_response_cb), form,
                         form_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Export */

typedef struct
{
  DwRosterView *self;
  GFile        *file;
} Export;

static void
export_free (Export *export)
{
  g_clear_object (&export->self);
  g_clear_object (&export->file);
  g_free (export);
}

static void
export_written_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  Export *export = data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (export->self, error->message);
    }
  else
    {
      g_autofree char *name = g_file_get_basename (export->file);
      g_autofree char *text = g_strdup_printf (_("Exported to %s"), name);

      export->self->n_exports++;
      toast (export->self, text);
    }
  export_free (export);
}

static void
export_fetched_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  Export *export = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = dw_client_get_bytes_finish (DW_CLIENT (source), result, &error);

  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (export->self, error->message);
      export_free (export);
      return;
    }
  g_file_replace_contents_bytes_async (export->file, bytes, NULL, FALSE, G_FILE_CREATE_NONE,
                                       export->self->writes, export_written_cb, export);
}

static void
export_chosen_cb (GtkNativeDialog *chooser,
                  int              response,
                  DwRosterView    *self)
{
  const char *format = g_object_get_data (G_OBJECT (chooser), "dw-format");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      dw_roster_view_export (self, format, file);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

/* Actions */

static void
week_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  DwRosterView *self = DW_ROSTER_VIEW (widget);
  g_autofree char *week = NULL;

  if (self->time_zone == NULL)
    return;
  if (g_str_equal (action_name, "roster.this-week"))
    week = dw_roster_week_of (self->time_zone, now (self), 0);
  else
    week = dw_roster_week_add (self->week, g_str_equal (action_name, "roster.next-week") ? 1 : -1);
  dw_roster_view_set_week (self, week);
}

static void
add_shift_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  open_shift_form (DW_ROSTER_VIEW (widget), 0);
}

static void
edit_shift_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  DwRosterView *self = DW_ROSTER_VIEW (widget);

  if (self->selected_shift != 0)
    open_shift_form (self, self->selected_shift);
}

static void
delete_shift_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  DwRosterView *self = DW_ROSTER_VIEW (widget);

  if (self->selected_shift != 0)
    delete_shift (self, self->selected_shift);
}

static void
mark_absence_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  open_absence_form (DW_ROSTER_VIEW (widget));
}

static void
copy_last_week_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  DwRosterView *self = DW_ROSTER_VIEW (widget);
  g_autofree char *last = NULL;
  g_autofree char *path = NULL;

  if (client (self) == NULL || self->week == NULL)
    return;
  last = dw_roster_week_add (self->week, -1);
  path = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT "/roster?week=%s", self->team_id, last);
  dw_client_request_async (client (self), "GET", path, NULL, self->writes, last_week_loaded_cb,
                           g_object_ref (self));
}

static void
publish_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  DwRosterView *self = DW_ROSTER_VIEW (widget);
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = NULL;

  if (client (self) == NULL || self->week == NULL)
    return;
  json_object_set_string_member (body, "week", self->week);
  node = json_node_init_object (json_node_alloc (), body);
  path = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT "/roster/publish", self->team_id);
  dw_client_request_async (client (self), "POST", path, node, self->writes, publish_cb,
                           g_object_ref (self));
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  undo_last (DW_ROSTER_VIEW (widget));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  DwRosterView *self = DW_ROSTER_VIEW (widget);
  const char *format = g_variant_get_string (param, NULL);
  g_autofree char *name = NULL;
  GtkFileChooserNative *chooser;

  if (self->week == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Export Roster"),
                                         GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  name = g_strdup_printf ("roster-%s.%s", self->week, g_str_equal (format, "csv") ? "csv" : "ics");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data_full (G_OBJECT (chooser), "dw-format", g_strdup (format), g_free);
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_chosen_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Overrides */

static void
dw_roster_view_dispose (GObject *object)
{
  DwRosterView *self = DW_ROSTER_VIEW (object);

  dw_roster_view_set_context (self, NULL, NULL);
  g_cancellable_cancel (self->writes);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  dw_widget_dispose_template (GTK_WIDGET (self), DW_TYPE_ROSTER_VIEW);

  G_OBJECT_CLASS (dw_roster_view_parent_class)->dispose (object);
}

static void
dw_roster_view_finalize (GObject *object)
{
  DwRosterView *self = DW_ROSTER_VIEW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->writes);
  g_clear_object (&self->warnings);
  g_clear_pointer (&self->time_zone, g_time_zone_unref);
  g_clear_pointer (&self->week, g_free);
  g_clear_pointer (&self->roster, json_object_unref);
  g_clear_pointer (&self->templates, json_array_unref);
  g_clear_pointer (&self->shift_widgets, g_hash_table_unref);
  g_clear_pointer (&self->undo, g_ptr_array_unref);

  G_OBJECT_CLASS (dw_roster_view_parent_class)->finalize (object);
}

static GtkWidget *
create_warning_row (gpointer item,
                    gpointer data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  GtkWidget *label = gtk_label_new (gtk_string_object_get_string (item));

  gtk_widget_add_css_class (icon, "warning");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  return box;
}

static void
dw_roster_view_class_init (DwRosterViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dw_roster_view_dispose;
  object_class->finalize = dw_roster_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/deskwatch/Deskwatch/schedule/dw-roster-view.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, DwRosterView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DwRosterView, week_label);
  gtk_widget_class_bind_template_child (widget_class, DwRosterView, state_label);
  gtk_widget_class_bind_template_child (widget_class, DwRosterView, content_stack);
  gtk_widget_class_bind_template_child (widget_class, DwRosterView, status_page);
  gtk_widget_class_bind_template_child (widget_class, DwRosterView, grid);
  gtk_widget_class_bind_template_child (widget_class, DwRosterView, warnings_box);
  gtk_widget_class_bind_template_child (widget_class, DwRosterView, warnings_title);

  gtk_widget_class_install_action (widget_class, "roster.previous-week", NULL, week_action);
  gtk_widget_class_install_action (widget_class, "roster.next-week", NULL, week_action);
  gtk_widget_class_install_action (widget_class, "roster.this-week", NULL, week_action);
  gtk_widget_class_install_action (widget_class, "roster.add-shift", NULL, add_shift_action);
  gtk_widget_class_install_action (widget_class, "roster.edit-shift", NULL, edit_shift_action);
  gtk_widget_class_install_action (widget_class, "roster.delete-shift", NULL, delete_shift_action);
  gtk_widget_class_install_action (widget_class, "roster.mark-absence", NULL, mark_absence_action);
  gtk_widget_class_install_action (widget_class, "roster.copy-last-week", NULL,
                                   copy_last_week_action);
  gtk_widget_class_install_action (widget_class, "roster.publish", NULL, publish_action);
  gtk_widget_class_install_action (widget_class, "roster.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "roster.export", "s", export_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, GDK_ALT_MASK,
                                       "roster.previous-week", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, GDK_ALT_MASK,
                                       "roster.next-week", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, GDK_ALT_MASK,
                                       "roster.this-week", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "roster.add-shift", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK,
                                       "roster.edit-shift", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0,
                                       "roster.delete-shift", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_b, GDK_CONTROL_MASK,
                                       "roster.mark-absence", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "roster.copy-last-week", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "roster.publish", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK,
                                       "roster.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "roster.export", "s", "ics");
}

static void
dw_roster_view_init (DwRosterView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->writes = g_cancellable_new ();
  self->warnings = gtk_string_list_new (NULL);
  self->shift_widgets = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->undo = g_ptr_array_new_with_free_func ((GDestroyNotify) undo_free);
  self->selected_day = 0;
  gtk_list_box_bind_model (self->warnings_box, G_LIST_MODEL (self->warnings), create_warning_row,
                           NULL, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "roster.undo", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "roster.edit-shift", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "roster.delete-shift", FALSE);
  show_status (self, _("No Team to Roster"), _("Rosters are kept by the leads of a team."));
}

/* Public API */

GtkWidget *
dw_roster_view_new (void)
{
  return g_object_new (DW_TYPE_ROSTER_VIEW, NULL);
}

void
dw_roster_view_set_context (DwRosterView *self,
                            DwSync       *sync,
                            DwClock      *clock)
{
  static const char * const events[] = {
    "event::shift.created", "event::shift.updated", "event::shift.deleted",
    "event::absence.created", "event::absence.deleted", "event::roster.published",
  };

  g_return_if_fail (DW_IS_ROSTER_VIEW (self));

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
    g_signal_connect_object (sync, events[i], G_CALLBACK (roster_event_cb), self, G_CONNECT_SWAPPED);
  /* After a lost connection, whatever happened meanwhile. */
  g_signal_connect_object (sync, "resynced", G_CALLBACK (schedule_reload), self, G_CONNECT_SWAPPED);
  load (self);
}

void
dw_roster_view_set_team (DwRosterView *self,
                         gint64        team_id,
                         gint64        calendar_id)
{
  g_return_if_fail (DW_IS_ROSTER_VIEW (self));

  if (team_id == self->team_id && calendar_id == self->calendar_id)
    return;
  self->team_id = team_id;
  self->calendar_id = calendar_id;
  g_clear_pointer (&self->time_zone, g_time_zone_unref);
  g_clear_pointer (&self->roster, json_object_unref);
  g_clear_pointer (&self->templates, json_array_unref);
  g_ptr_array_set_size (self->undo, 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "roster.undo", FALSE);
  self->selected_shift = 0;
  load (self);
}

gint64
dw_roster_view_get_team (DwRosterView *self)
{
  g_return_val_if_fail (DW_IS_ROSTER_VIEW (self), 0);
  return self->team_id;
}

const char *
dw_roster_view_get_week (DwRosterView *self)
{
  g_return_val_if_fail (DW_IS_ROSTER_VIEW (self), NULL);
  return self->week;
}

void
dw_roster_view_set_week (DwRosterView *self,
                         const char   *monday)
{
  g_return_if_fail (DW_IS_ROSTER_VIEW (self));

  if (g_strcmp0 (monday, self->week) == 0)
    return;
  g_free (self->week);
  self->week = g_strdup (monday);
  self->selected_shift = 0;
  load (self);
}

guint
dw_roster_view_get_n_loads (DwRosterView *self)
{
  g_return_val_if_fail (DW_IS_ROSTER_VIEW (self), 0);
  return self->n_loads;
}

const char *
dw_roster_view_get_state (DwRosterView *self)
{
  g_return_val_if_fail (DW_IS_ROSTER_VIEW (self), NULL);
  return self->roster != NULL ? json_object_get_string_member (self->roster, "state") : NULL;
}

GtkWidget *
dw_roster_view_get_shift_widget (DwRosterView *self,
                                 gint64        shift_id)
{
  g_return_val_if_fail (DW_IS_ROSTER_VIEW (self), NULL);
  return g_hash_table_lookup (self->shift_widgets, &shift_id);
}

GListModel *
dw_roster_view_get_warnings (DwRosterView *self)
{
  g_return_val_if_fail (DW_IS_ROSTER_VIEW (self), NULL);
  return G_LIST_MODEL (self->warnings);
}

void
dw_roster_view_add_shift (DwRosterView *self,
                          gint64        user_id,
                          int           day,
                          gint64        template_id,
                          int           start,
                          int           end)
{
  g_autoptr(JsonObject) body = json_object_new ();

  g_return_if_fail (DW_IS_ROSTER_VIEW (self));
  g_return_if_fail (day >= 0 && day < 7);

  if (self->time_zone == NULL || self->week == NULL)
    return;
  json_object_set_int_member (body, "team_id", self->team_id);
  json_object_set_int_member (body, "user_id", user_id);
  if (template_id != 0)
    {
      g_autofree char *date = dw_roster_week_date (self->week, day);

      json_object_set_int_member (body, "template_id", template_id);
      json_object_set_string_member (body, "date", date);
    }
  else
    {
      g_autofree char *from = NULL;
      g_autofree char *to = NULL;

      from = dw_time_to_iso8601 (dw_roster_week_time (self->time_zone, self->week, day, start));
      to = dw_time_to_iso8601 (dw_roster_week_time (self->time_zone, self->week, day,
                                                    end > start ? end : end + 1440));
      json_object_set_string_member (body, "starts_at", from);
      json_object_set_string_member (body, "ends_at", to);
    }
  send_write (self, "POST", "/api/v1/shifts", body, undo_new (UNDO_DELETE_SHIFTS), TRUE, NULL);
}

void
dw_roster_view_export (DwRosterView *self,
                       const char   *format,
                       GFile        *file)
{
  g_autofree char *path = NULL;
  Export *export;

  g_return_if_fail (DW_IS_ROSTER_VIEW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (client (self) == NULL || self->week == NULL || self->time_zone == NULL)
    return;
  if (g_strcmp0 (format, "csv") == 0)
    path = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT "/roster.csv?week=%s",
                            self->team_id, self->week);
  else
    {
      g_autofree char *from = dw_time_to_iso8601 (dw_roster_week_time (self->time_zone, self->week,
                                                                       0, 0));
      g_autofree char *to = dw_time_to_iso8601 (dw_roster_week_time (self->time_zone, self->week,
                                                                     7, 0));

      path = g_strdup_printf ("/api/v1/shifts.ics?from=%s&to=%s&team_id=%" G_GINT64_FORMAT,
                              from, to, self->team_id);
    }
  export = g_new0 (Export, 1);
  export->self = g_object_ref (self);
  export->file = g_object_ref (file);
  dw_client_get_bytes_async (client (self), path, self->writes, export_fetched_cb, export);
}

guint
dw_roster_view_get_n_exports (DwRosterView *self)
{
  g_return_val_if_fail (DW_IS_ROSTER_VIEW (self), 0);
  return self->n_exports;
}

guint
dw_roster_view_get_n_pending (DwRosterView *self)
{
  g_return_val_if_fail (DW_IS_ROSTER_VIEW (self), 0);
  return self->pending_writes;
}
