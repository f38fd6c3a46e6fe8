/* dw-sla-compliance.c
 *
 * The figures are built in code: how many teams and policies there are is only known once
 * they have loaded.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-clock.h"
#include "dw-queue-format.h"
#include "dw-sla-compliance.h"
#include "dw-sla.h"
#include "dw-sla-drill-down.h"
#include "dw-widget-util.h"

struct _DwSlaCompliance
{
  GtkWidget     parent_instance;

  GtkWidget    *toolbar;
  GtkDropDown  *grouping;
  GtkLabel     *status_label;
  GtkWidget    *scroller;
  GtkBox       *groups_box;

  DwClient     *client;
  GCancellable *cancellable;
  JsonObject   *figures;
  GHashTable   *cell_texts;   /* "GROUP/TARGET/PERIOD" → text */
  DwSlaDrillDown *drill_down; /* parented to self, for the widget's life */
  char         *drill_query;  /* the figure it is open for */
  GdkRectangle  drill_rect;   /* where that figure was last seen, in our coordinates */
  guint         repoint_id;
  guint         refresh_id;
  guint         n_loads;
  gboolean      dirty;        /* changed while not shown */
};

G_DEFINE_FINAL_TYPE (DwSlaCompliance, dw_sla_compliance, GTK_TYPE_WIDGET)

/* More than the connection banner's height, by which the page may be pushed down at once. */
#define PUSH_SLACK 96

static const char * const targets[] = { "first-response", "next-response", "resolution" };
static const char * const periods[] = { "today", "7d", "30d" };

static const char *
period_label (guint i)
{
  switch (i)
    {
    case 0: return _("Today");
    case 1: return _("Last 7 Days");
    default: return _("Last 30 Days");
    }
}

/* Drill-down
 *
 * The popover is ours, not the figure's button's: the buttons go with every refresh, and a
 * popover parented to one would go with it, open or not.  It points at where its figure is now
 * (the rebuilt button for the same figure), and only at the part of it in view: a popover
 * pointing off the screen, as one near the bottom does when the connection banner pushes the
 * page down, finds no monitor to open on (Gdk-CRITICAL). */

static GtkWidget *
find_figure (GtkWidget  *widget,
             const char *query)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child)
          && g_strcmp0 (g_object_get_data (G_OBJECT (child), "dw-query"), query) == 0)
        return child;
      if ((found = find_figure (child, query)) != NULL)
        return found;
    }
  return NULL;
}

static void
compute_pointing (DwSlaCompliance *self,
                  GdkRectangle    *out)
{
  GtkWidget *figure = find_figure (GTK_WIDGET (self->groups_box), self->drill_query);
  float view_height = gtk_widget_get_height (self->scroller);
  graphene_rect_t bounds;
  graphene_point_t top, origin;
  GdkRectangle rect;

  if (figure != NULL
      && gtk_widget_compute_bounds (figure, self->scroller, &bounds))
    {
      top.x = bounds.origin.x;
      top.y = CLAMP (bounds.origin.y, 0.f, MAX (view_height - 1.f, 0.f));
      bounds.size.height = MAX (MIN (bounds.origin.y + bounds.size.height, view_height) - top.y,
                                1.f);
      if (gtk_widget_compute_point (self->scroller, GTK_WIDGET (self), &top, &origin))
        {
          self->drill_rect.x = (int) floorf (origin.x);
          self->drill_rect.y = (int) floorf (origin.y);
          self->drill_rect.width = (int) ceilf (bounds.size.width);
          self->drill_rect.height = (int) ceilf (bounds.size.height);
        }
    }

  /* Gone (grouped the other way), or not laid out yet (just rebuilt): where it was, inside
   * what we now cover. */
  rect = self->drill_rect;
  rect.x = CLAMP (rect.x, 0, MAX (gtk_widget_get_width (GTK_WIDGET (self)) - 1, 0));
  rect.width = MAX (1, MIN (rect.width, gtk_widget_get_width (GTK_WIDGET (self)) - rect.x));
  rect.y = CLAMP (rect.y, 0, MAX (gtk_widget_get_height (GTK_WIDGET (self)) - 1, 0));
  rect.height = MAX (1, MIN (rect.height, gtk_widget_get_height (GTK_WIDGET (self)) - rect.y));

  /* GTK presents an open popover again by itself as soon as its parent moves (the connection
   * banner pushing the page down on a restart of the service), with the rectangle it was last
   * given, before repoint_cb () points it anew: a strip at the bottom of the view is then below
   * the screen, on no monitor (Gdk-CRITICAL in gdk_monitor_get_geometry, console-random under
   * load).  Near the bottom, reaching up into the view keeps part of it on the screen through
   * such a push; the popover still opens at the figure's column, above it. */
  if (rect.height < PUSH_SLACK
      && rect.y + rect.height > gtk_widget_get_height (GTK_WIDGET (self)) - PUSH_SLACK)
    {
      int bottom = rect.y + rect.height;

      rect.y = MAX (0, bottom - PUSH_SLACK);
      rect.height = bottom - rect.y;
    }
  *out = rect;
}

static gboolean
repoint_cb (gpointer user_data)
{
  DwSlaCompliance *self = user_data;
  GdkRectangle rect;
  GdkRectangle current;

  self->repoint_id = 0;
  /* Left for another section since it was queued (a ticket picked from the drill-down shows
   * the Queues): a popover presented on a parent that is not shown has no monitor to be placed
   * on (Gdk-CRITICAL).  The allocation that comes with being shown again queues this anew. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return G_SOURCE_REMOVE;
  compute_pointing (self, &rect);
  if (!gtk_popover_get_pointing_to (GTK_POPOVER (self->drill_down), &current)
      || !gdk_rectangle_equal (&rect, &current))
    gtk_popover_set_pointing_to (GTK_POPOVER (self->drill_down), &rect);
  if (gtk_widget_get_visible (GTK_WIDGET (self->drill_down)))
    gtk_popover_present (GTK_POPOVER (self->drill_down));
  return G_SOURCE_REMOVE;
}

static void
cell_clicked_cb (GtkButton       *button,
                 DwSlaCompliance *self)
{
  const char *query = g_object_get_data (G_OBJECT (button), "dw-query");
  const char *title = g_object_get_data (G_OBJECT (button), "dw-title");

  if (self->client == NULL || query == NULL)
    return;

  g_free (self->drill_query);
  self->drill_query = g_strdup (query);
  g_clear_handle_id (&self->repoint_id, g_source_remove);
  repoint_cb (self);
  dw_sla_drill_down_load (self->drill_down, self->client, query, title);
  gtk_popover_popup (GTK_POPOVER (self->drill_down));
}

/* Figures */

static GtkWidget *
make_cell (DwSlaCompliance *self,
           gint64           group_id,
           const char      *group_param,
           const char      *group_title,
           guint            target,
           guint            period,
           JsonObject      *figure)
{
  gint64 due = json_object_get_int_member_with_default (figure, "due", 0);
  gint64 breached = json_object_get_int_member_with_default (figure, "breached", 0);
  JsonNode *share = json_object_get_member (figure, "share_met");
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *value, *caption;
  g_autofree char *value_text = NULL;
  g_autofree char *caption_text = NULL;
  g_autofree char *query = NULL;
  g_autofree char *accessible = NULL;
  g_autofree char *title = NULL;

  if (share == NULL || json_node_is_null (share))
    value_text = g_strdup ("—");
  else
    {
      int decimals;
      double shown = dw_sla_share_percent_shown (due - breached, due, &decimals);

      /* Translators: a share of targets met, e.g. "92 %" or "99.9 %"; keep "%.*f" */
      value_text = g_strdup_printf (_("%.*f %%"), decimals, shown);
    }

  if (due == 0)
    caption_text = g_strdup (_("none due"));
  else if (breached == 0)
    caption_text = g_strdup_printf (g_dngettext (NULL, "all %d met", "all %d met", (gulong) due),
                                    (int) due);
  else
    /* Translators: "2 of 14 breached" */
    caption_text = g_strdup_printf (g_dngettext (NULL, "%d of %d breached", "%d of %d breached",
                                                 (gulong) due), (int) breached, (int) due);

  value = gtk_label_new (value_text);
  gtk_widget_add_css_class (value, "title-4");
  gtk_widget_add_css_class (value, "numeric");
  /* Red where a team is clearly failing its customers, amber for the odd breach. */
  if (breached > 0 && breached * 10 > due)
    gtk_widget_add_css_class (value, "error");
  else if (breached > 0)
    gtk_widget_add_css_class (value, "warning");
  caption = gtk_label_new (caption_text);
  gtk_widget_add_css_class (caption, "caption");
  gtk_widget_add_css_class (caption, "dim-label");
  gtk_box_append (GTK_BOX (box), value);
  gtk_box_append (GTK_BOX (box), caption);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_hexpand (button, TRUE);

  accessible = g_strdup_printf ("%s, %s: %s, %s", dw_sla_target_label ((DwSlaTarget) target),
                                period_label (period), value_text, caption_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  gtk_widget_set_tooltip_text (button, due > 0 ? _("Show the tickets behind this figure") : NULL);
  gtk_widget_set_sensitive (button, due > 0);

  query = g_strdup_printf ("%s%speriod=%s&target=%s%s", group_param != NULL ? group_param : "",
                           group_param != NULL ? "&" : "", periods[period], targets[target],
                           breached > 0 ? "&outcome=breached" : "");
  g_object_set_data_full (G_OBJECT (button), "dw-query", g_steal_pointer (&query), g_free);
  /* The drill-down's heading, which figure it is: "物流 · Resolution · Today · Breached". */
  title = g_strdup_printf ("%s · %s · %s%s%s", group_title,
                           dw_sla_target_label ((DwSlaTarget) target), period_label (period),
                           breached > 0 ? " · " : "",
                           breached > 0 ? dw_sla_state_label (DW_SLA_STATE_BREACHED) : "");
  g_object_set_data_full (G_OBJECT (button), "dw-title", g_steal_pointer (&title), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (cell_clicked_cb), self);

  g_hash_table_replace (self->cell_texts,
                        g_strdup_printf ("%" G_GINT64_FORMAT "/%s/%s", group_id, targets[target],
                                         periods[period]),
                        g_strdup_printf ("%s %s", value_text, caption_text));
  return button;
}

static void
add_group (DwSlaCompliance *self,
           gint64           group_id,
           const char      *group_param,
           const char      *title,
           JsonObject      *figures)
{
  GtkWidget *heading = gtk_label_new (title);
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (box), heading);

  gtk_widget_add_css_class (grid, "card");
  gtk_grid_set_row_spacing (GTK_GRID (grid), 2);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 6);
  for (guint p = 0; p < G_N_ELEMENTS (periods); p++)
    {
      GtkWidget *label = gtk_label_new (period_label (p));

      gtk_widget_add_css_class (label, "caption-heading");
      gtk_widget_set_margin_top (label, 8);
      gtk_grid_attach (GTK_GRID (grid), label, p + 1, 0, 1, 1);
    }
  for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
    {
      GtkWidget *label = gtk_label_new (dw_sla_target_label ((DwSlaTarget) t));

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_margin_start (label, 12);
      gtk_grid_attach (GTK_GRID (grid), label, 0, t + 1, 1, 1);
      for (guint p = 0; p < G_N_ELEMENTS (periods); p++)
        {
          JsonObject *period = figures != NULL && json_object_has_member (figures, periods[p])
            ? json_object_get_object_member (figures, periods[p]) : NULL;
          JsonObject *figure = period != NULL && json_object_has_member (period, targets[t])
            ? json_object_get_object_member (period, targets[t]) : NULL;
          g_autoptr(JsonObject) empty = json_object_new ();

          gtk_grid_attach (GTK_GRID (grid),
                           make_cell (self, group_id, group_param, title, t, p,
                                      figure != NULL ? figure : empty),
                           p + 1, t + 1, 1, 1);
        }
    }
  gtk_box_append (GTK_BOX (box), grid);
  gtk_box_append (self->groups_box, box);
}

static void
rebuild (DwSlaCompliance *self)
{
  GtkWidget *child;
  gboolean by_policy = gtk_drop_down_get_selected (self->grouping) == 1;
  JsonArray *groups;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->groups_box))) != NULL)
    gtk_box_remove (self->groups_box, child);
  g_hash_table_remove_all (self->cell_texts);

  if (self->figures == NULL)
    return;

  add_group (self, 0, NULL, _("All Your Teams"),
             json_object_get_object_member (self->figures, "total"));

  groups = json_object_get_array_member (self->figures, by_policy ? "policies" : "teams");
  for (guint i = 0; groups != NULL && i < json_array_get_length (groups); i++)
    {
      JsonObject *group = json_array_get_object_element (groups, i);
      gint64 id;
      const char *name;
      g_autofree char *param = NULL;
      g_autofree char *title = NULL;

      /* null: an item the client could not read and left out (dw_json_parse_tolerant). */
      if (group == NULL)
        continue;
      id = json_object_get_int_member (group, by_policy ? "policy_id" : "team_id");
      name = json_object_get_string_member_with_default (group, by_policy ? "policy_name" : "team_name", "");
      param = g_strdup_printf ("%s=%" G_GINT64_FORMAT, by_policy ? "policy" : "team", id);
      title = by_policy
        /* Translators: an SLA policy's name as a heading, e.g. "Policy VIP". */
        ? g_strdup_printf (_("Policy %s"), name) : g_strdup (name);

      add_group (self, id, param, title, json_object_get_object_member (group, "figures"));
    }
}

static void
grouping_changed_cb (DwSlaCompliance *self)
{
  rebuild (self);
}

static void
figures_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(DwSlaCompliance) self = user_data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *time = NULL;
  g_autofree char *status = NULL;
  gint64 generated = 0;

  node = dw_client_request_finish (DW_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      gtk_label_set_label (self->status_label, _("The figures could not be loaded; the last ones are shown."));
      return;
    }

  g_clear_pointer (&self->figures, json_object_unref);
  self->figures = json_object_ref (json_node_get_object (node));
  self->n_loads++;
  dw_time_from_iso8601 (json_object_get_string_member_with_default (self->figures, "generated_at", ""),
                        &generated);
  time = dw_format_time (generated);
  /* Translators: %s is a time, e.g. "14:05". */
  status = g_strdup_printf (_("Share of targets met, as of %s"), time);
  gtk_label_set_label (self->status_label, status);
  rebuild (self);
}

void
dw_sla_compliance_refresh (DwSlaCompliance *self)
{
  g_return_if_fail (DW_IS_SLA_COMPLIANCE (self));

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  self->dirty = FALSE;
  if (self->client == NULL)
    return;
  dw_client_request_async (self->client, "GET", "/api/v1/sla/compliance", NULL, self->cancellable,
                           figures_cb, g_object_ref (self));
}

static gboolean
refresh_cb (gpointer user_data)
{
  DwSlaCompliance *self = user_data;

  self->refresh_id = 0;
  dw_sla_compliance_refresh (self);
  return G_SOURCE_REMOVE;
}

void
dw_sla_compliance_queue_refresh (DwSlaCompliance *self)
{
  g_return_if_fail (DW_IS_SLA_COMPLIANCE (self));

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->dirty = TRUE;
      return;
    }
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add_seconds (3, refresh_cb, self);
}

/* A vertical box of the toolbar and the figures, laid out here rather than by a GtkBoxLayout so
 * that the drill-down is pointed anew at its figure after every allocation, before it is
 * presented. */
static void
dw_sla_compliance_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  DwSlaCompliance *self = DW_SLA_COMPLIANCE (widget);
  GtkWidget *children[] = { self->toolbar, self->scroller };

  *minimum = *natural = 0;
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      int child_min = 0, child_nat = 0;

      if (!gtk_widget_should_layout (children[i]))
        continue;
      gtk_widget_measure (children[i], orientation,
                          orientation == GTK_ORIENTATION_VERTICAL ? for_size : -1,
                          &child_min, &child_nat, NULL, NULL);
      if (orientation == GTK_ORIENTATION_VERTICAL)
        {
          *minimum += child_min;
          *natural += child_nat;
        }
      else
        {
          *minimum = MAX (*minimum, child_min);
          *natural = MAX (*natural, child_nat);
        }
    }
}

static void
dw_sla_compliance_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  DwSlaCompliance *self = DW_SLA_COMPLIANCE (widget);
  int toolbar_height = 0;

  if (gtk_widget_should_layout (self->toolbar))
    {
      gtk_widget_measure (self->toolbar, GTK_ORIENTATION_VERTICAL, width, NULL, &toolbar_height,
                          NULL, NULL);
      toolbar_height = MIN (toolbar_height, height);
      gtk_widget_allocate (self->toolbar, width, toolbar_height, -1, NULL);
    }
  if (gtk_widget_should_layout (self->scroller))
    gtk_widget_allocate (self->scroller, width, height - toolbar_height, -1,
                         gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (0, toolbar_height)));

  /* Pointed at where its figure is now, and presented there, from an idle rather than from
   * here: presenting a popover whose size or place changed queues an allocation of its parent,
   * which, from inside this one, leaves it stale ("Trying to snapshot DwSlaCompliance without a
   * current allocation").  Until then it is not presented where its figure was, which may be
   * off the screen by now. */
  if (self->drill_down != NULL && gtk_widget_get_visible (GTK_WIDGET (self->drill_down))
      && self->repoint_id == 0)
    self->repoint_id = g_idle_add (repoint_cb, self);
}

static void
dw_sla_compliance_map (GtkWidget *widget)
{
  DwSlaCompliance *self = DW_SLA_COMPLIANCE (widget);

  GTK_WIDGET_CLASS (dw_sla_compliance_parent_class)->map (widget);
  if (self->dirty || self->figures == NULL)
    dw_sla_compliance_refresh (self);
}

static void
dw_sla_compliance_dispose (GObject *object)
{
  DwSlaCompliance *self = DW_SLA_COMPLIANCE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_handle_id (&self->repoint_id, g_source_remove);
  g_clear_object (&self->client);
  g_clear_pointer (&self->figures, json_object_unref);
  g_clear_pointer (&self->cell_texts, g_hash_table_unref);
  if (self->drill_down != NULL)
    gtk_popover_popdown (GTK_POPOVER (self->drill_down));
  g_clear_pointer ((GtkWidget **) &self->drill_down, gtk_widget_unparent);
  g_clear_pointer (&self->drill_query, g_free);
  dw_widget_dispose_template (GTK_WIDGET (self), DW_TYPE_SLA_COMPLIANCE);

  G_OBJECT_CLASS (dw_sla_compliance_parent_class)->dispose (object);
}

static void
dw_sla_compliance_class_init (DwSlaComplianceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dw_sla_compliance_dispose;
  widget_class->map = dw_sla_compliance_map;
  widget_class->measure = dw_sla_compliance_measure;
  widget_class->size_allocate = dw_sla_compliance_size_allocate;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/deskwatch/Deskwatch/sla/dw-sla-compliance.ui");
  gtk_widget_class_bind_template_child (widget_class, DwSlaCompliance, toolbar);
  gtk_widget_class_bind_template_child (widget_class, DwSlaCompliance, grouping);
  gtk_widget_class_bind_template_child (widget_class, DwSlaCompliance, status_label);
  gtk_widget_class_bind_template_child (widget_class, DwSlaCompliance, scroller);
  gtk_widget_class_bind_template_child (widget_class, DwSlaCompliance, groups_box);
  gtk_widget_class_bind_template_callback (widget_class, grouping_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, dw_sla_compliance_refresh);
}

static void
dw_sla_compliance_init (DwSlaCompliance *self)
{
  self->cancellable = g_cancellable_new ();
  self->cell_texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->drill_down = DW_SLA_DRILL_DOWN (dw_sla_drill_down_new ());
  gtk_widget_set_parent (GTK_WIDGET (self->drill_down), GTK_WIDGET (self));
}

void
dw_sla_compliance_set_client (DwSlaCompliance *self,
                              DwClient        *client)
{
  g_return_if_fail (DW_IS_SLA_COMPLIANCE (self));

  if (!g_set_object (&self->client, client))
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->figures, json_object_unref);
  /* Another desk: the tickets shown belong to the last one. */
  gtk_popover_popdown (GTK_POPOVER (self->drill_down));
  rebuild (self);
  gtk_label_set_label (self->status_label, "");
  if (client != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    dw_sla_compliance_refresh (self);
}

void
dw_sla_compliance_set_by_policy (DwSlaCompliance *self,
                                 gboolean         by_policy)
{
  g_return_if_fail (DW_IS_SLA_COMPLIANCE (self));
  gtk_drop_down_set_selected (self->grouping, by_policy ? 1 : 0);
}

GtkWidget *
dw_sla_compliance_get_drill_down (DwSlaCompliance *self)
{
  g_return_val_if_fail (DW_IS_SLA_COMPLIANCE (self), NULL);
  return GTK_WIDGET (self->drill_down);
}

JsonObject *
dw_sla_compliance_get_figures (DwSlaCompliance *self)
{
  g_return_val_if_fail (DW_IS_SLA_COMPLIANCE (self), NULL);
  return self->figures;
}

guint
dw_sla_compliance_get_n_loads (DwSlaCompliance *self)
{
  g_return_val_if_fail (DW_IS_SLA_COMPLIANCE (self), 0);
  return self->n_loads;
}

const char *
dw_sla_compliance_get_cell_text (DwSlaCompliance *self,
                                 gint64           group_id,
                                 const char      *target,
                                 const char      *period)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (DW_IS_SLA_COMPLIANCE (self), NULL);
  key = g_strdup_printf ("%" G_GINT64_FORMAT "/%s/%s", group_id, target, period);
  return g_hash_table_lookup (self->cell_texts, key);
}
