/* dw-sla-timeline.c
 *
 * Built in code: how many targets and stretches there are is only known once loaded.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-clock.h"
#include "dw-queue-format.h"
#include "dw-sla-timeline.h"

struct _DwSlaTimeline
{
  GtkWidget     parent_instance;

  GCancellable *cancellable;
  GPtrArray    *lines;   /* char *, what is shown, for tests */
};

G_DEFINE_FINAL_TYPE (DwSlaTimeline, dw_sla_timeline, GTK_TYPE_WIDGET)

static void
clear (DwSlaTimeline *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_ptr_array_set_size (self->lines, 0);
}

static void
add_label (DwSlaTimeline *self,
           const char    *text,
           const char    *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_widget_set_parent (label, GTK_WIDGET (self));
}

static const char *
segment_label (const char *state,
               const char *reason)
{
  if (g_strcmp0 (state, "running") == 0)
    return _("Running");
  if (g_strcmp0 (state, "at-risk") == 0)
    return _("At risk");
  if (g_strcmp0 (state, "breached") == 0)
    return _("Breached");
  if (g_strcmp0 (state, "met") == 0)
    return _("Met");
  if (g_strcmp0 (reason, "pending") == 0)
    return _("Paused (waiting for the customer)");
  if (g_strcmp0 (reason, "outside-hours") == 0)
    return _("Paused (outside business hours)");
  return _("Paused");
}

static char *
format_when (JsonObject *segment,
             const char *member)
{
  const char *text = json_object_get_string_member_with_default (segment, member, NULL);
  gint64 t;

  if (text == NULL || !dw_time_from_iso8601 (text, &t))
    return NULL;
  return dw_format_time (t);
}

static void
add_target (DwSlaTimeline *self,
            JsonObject    *target)
{
  const char *name = json_object_get_string_member_with_default (target, "target", "");
  JsonArray *segments = json_object_get_array_member (target, "segments");
  int value;
  const char *title;

  title = dw_enum_from_string (DW_TYPE_SLA_TARGET, name, &value)
    ? dw_sla_target_label ((DwSlaTarget) value) : name;
  add_label (self, title, "heading");

  for (guint i = 0; segments != NULL && i < json_array_get_length (segments); i++)
    {
      JsonObject *segment = json_array_get_object_element (segments, i);
      const char *state = json_object_get_string_member_with_default (segment, "state", "");
      g_autofree char *from = format_when (segment, "from");
      g_autofree char *to = format_when (segment, "to");
      g_autofree char *span = NULL;
      g_autofree char *line = NULL;
      const char *css = NULL;

      if (to != NULL)
        /* Translators: a stretch of time, "09:00–09:30". */
        span = g_strdup_printf (_("%s–%s"), from != NULL ? from : "", to);
      else
        /* Translators: a stretch that still lasts, "since 09:00". */
        span = g_strdup_printf (_("since %s"), from != NULL ? from : "");
      line = g_strdup_printf ("%s · %s",
                              segment_label (state, json_object_get_string_member_with_default (segment, "reason", NULL)),
                              span);
      if (g_str_equal (state, "breached"))
        css = "error";
      else if (g_str_equal (state, "at-risk"))
        css = "warning";
      else if (g_str_equal (state, "met"))
        css = "success";
      add_label (self, line, css);
      g_ptr_array_add (self->lines, g_strdup_printf ("%s: %s", title, line));
    }
  if (segments == NULL || json_array_get_length (segments) == 0)
    add_label (self, _("Not started"), "dim-label");
}

static void
timeline_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DwSlaTimeline) self = user_data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *targets;

  node = dw_client_request_finish (DW_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  clear (self);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      add_label (self, _("The SLA clock could not be loaded."), "dim-label");
      return;
    }

  targets = json_object_get_array_member (json_node_get_object (node), "targets");
  for (guint i = 0; targets != NULL && i < json_array_get_length (targets); i++)
    {
      /* null: a target the client could not read and left out (dw_json_parse_tolerant). */
      if (json_array_get_object_element (targets, i) != NULL)
        add_target (self, json_array_get_object_element (targets, i));
    }
  if (targets == NULL || json_array_get_length (targets) == 0)
    add_label (self, _("No SLA policy applies to this ticket."), "dim-label");
}

static void
dw_sla_timeline_dispose (GObject *object)
{
  DwSlaTimeline *self = DW_SLA_TIMELINE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  clear (self);

  G_OBJECT_CLASS (dw_sla_timeline_parent_class)->dispose (object);
}

static void
dw_sla_timeline_finalize (GObject *object)
{
  g_ptr_array_unref (DW_SLA_TIMELINE (object)->lines);
  G_OBJECT_CLASS (dw_sla_timeline_parent_class)->finalize (object);
}

static void
dw_sla_timeline_class_init (DwSlaTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dw_sla_timeline_dispose;
  object_class->finalize = dw_sla_timeline_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LIST);
}

static void
dw_sla_timeline_init (DwSlaTimeline *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 4);
  self->lines = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
dw_sla_timeline_new (void)
{
  return g_object_new (DW_TYPE_SLA_TIMELINE, NULL);
}

void
dw_sla_timeline_load (DwSlaTimeline *self,
                      DwClient      *client,
                      gint64         ticket_id)
{
  g_autofree char *path = NULL;

  g_return_if_fail (DW_IS_SLA_TIMELINE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (client == NULL || ticket_id <= 0)
    {
      clear (self);
      return;
    }

  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/sla-timeline", ticket_id);
  dw_client_request_async (client, "GET", path, NULL, self->cancellable, timeline_cb,
                           g_object_ref (self));
}

char **
dw_sla_timeline_dup_lines (DwSlaTimeline *self)
{
  GStrvBuilder *builder;
  char **lines;

  g_return_val_if_fail (DW_IS_SLA_TIMELINE (self), NULL);

  builder = g_strv_builder_new ();
  for (guint i = 0; i < self->lines->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->lines, i));
  lines = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return lines;
}
