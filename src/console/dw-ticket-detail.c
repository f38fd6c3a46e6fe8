/* dw-ticket-detail.c: one ticket's fields, SLA targets, comments and audit timeline.
 *
 * The ticket notifies per property; the view coalesces bursts (one stream event can change a
 * dozen properties) into one refresh at idle.  Comments and audit events are not part of the
 * ticket object, so they are fetched, and fetched again when the ticket's version moves or a
 * comment event names it.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "dw-audit-event.h"
#include "dw-comment.h"
#include "dw-queue-format.h"
#include "dw-sla-timeline.h"
#include "dw-ticket-detail.h"
#include "dw-timeline-format.h"
#include "dw-widget-util.h"

enum {
  FIELD_STATUS,
  FIELD_PRIORITY,
  FIELD_TEAM,
  FIELD_ASSIGNEE,
  FIELD_BUSINESS_TYPE,
  FIELD_CHANNEL,
  FIELD_ORDER,
  FIELD_CUSTOMER,
  FIELD_TAGS,
  FIELD_CREATED,
  FIELD_UPDATED,
  FIELD_ESCALATION,
  N_FIELDS
};

static const char *field_titles[N_FIELDS] = {
  N_("Status"), N_("Priority"), N_("Team"), N_("Assignee"), N_("Business type"), N_("Channel"),
  N_("Order number"), N_("Customer"), N_("Tags"), N_("Created"), N_("Updated"),
  N_("Escalation level"),
};

struct _DwTicketDetail
{
  GtkWidget             parent_instance;

  GtkStack             *stack;
  GtkLabel             *subject_label;
  GtkLabel             *summary_label;
  AdwPreferencesGroup  *fields_group;
  AdwPreferencesGroup  *sla_group;
  GtkLabel             *body_label;
  GtkListBox           *comments_box;
  GtkListBox           *audit_box;
  DwSlaTimeline        *sla_timeline;
  GtkMenuButton        *priority_button;
  GSimpleActionGroup   *actions;       /* "detail.priority": its state marks the current one */

  AdwActionRow         *field_rows[N_FIELDS];
  GPtrArray            *sla_rows;      /* AdwActionRow * in sla_group */

  DwSync               *sync;
  DwClock              *clock;
  DwTicket             *ticket;
  gulong                notify_handler;
  gulong                event_handler;
  guint                 refresh_id;
  gint64                shown_version;
  GCancellable         *cancellable;
  gint64                customer_id;    /* whom customer_text describes */
  char                 *customer_text;  /* "王先生 · vip" */
  char                 *body_error;     /* why the body could not be fetched, or NULL */
  guint                 n_comments;
  guint                 n_events;
};

G_DEFINE_FINAL_TYPE (DwTicketDetail, dw_ticket_detail, GTK_TYPE_WIDGET)

/* Helpers */

static gint64
now (DwTicketDetail *self)
{
  return dw_clock_now (self->clock);
}

static void
clear_list_box (GtkListBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_list_box_remove (box, child);
}

static char *
user_name (DwTicketDetail *self,
           gint64          user_id)
{
  DwUser *user = self->sync != NULL && user_id != 0 ? dw_sync_lookup_user (self->sync, user_id) : NULL;

  if (user != NULL)
    return g_strdup (dw_user_get_display_name (user));
  return g_strdup_printf ("#%" G_GINT64_FORMAT, user_id);
}

static void
set_field (DwTicketDetail *self,
           guint           field,
           const char     *value)
{
  adw_action_row_set_subtitle (self->field_rows[field], value != NULL && *value != '\0' ? value : "—");
}

static void
refresh_sla (DwTicketDetail *self)
{
  guint n_sla;
  const DwSlaTargetInfo *sla = dw_ticket_get_sla (self->ticket, &n_sla);

  for (guint i = 0; i < self->sla_rows->len; i++)
    adw_preferences_group_remove (self->sla_group, g_ptr_array_index (self->sla_rows, i));
  g_ptr_array_set_size (self->sla_rows, 0);

  if (n_sla == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No SLA policy applies"));
      adw_preferences_group_add (self->sla_group, row);
      g_ptr_array_add (self->sla_rows, row);
      return;
    }

  for (guint i = 0; i < n_sla; i++)
    {
      const DwSlaTargetInfo *info = &sla[i];
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *text = dw_timeline_format_sla_target (info, now (self));

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), dw_sla_target_label (info->target));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
      if (info->state == DW_SLA_STATE_BREACHED)
        gtk_widget_add_css_class (row, "error");
      else if (info->state == DW_SLA_STATE_AT_RISK)
        gtk_widget_add_css_class (row, "warning");
      adw_preferences_group_add (self->sla_group, row);
      g_ptr_array_add (self->sla_rows, row);
    }
}

/* A ticket from a compact snapshot has no body until body_fetched_cb() sets it. */
static void
refresh_body (DwTicketDetail *self)
{
  if (dw_ticket_get_body_loaded (self->ticket))
    {
      gtk_label_set_text (self->body_label, dw_ticket_get_body (self->ticket));
      gtk_widget_remove_css_class (GTK_WIDGET (self->body_label), "dim-label");
      return;
    }

  if (self->body_error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The message could not be loaded: %s"),
                                               self->body_error);

      gtk_label_set_text (self->body_label, text);
    }
  else
    gtk_label_set_text (self->body_label, _("Loading the message…"));
  gtk_widget_add_css_class (GTK_WIDGET (self->body_label), "dim-label");
}

static void
refresh_fields (DwTicketDetail *self)
{
  DwTicket *t = self->ticket;
  g_autofree char *summary = NULL;
  g_autofree char *number = NULL;
  g_autofree char *created = NULL;
  g_autofree char *updated = NULL;
  g_autofree char *assignee = NULL;
  g_autofree char *customer = NULL;
  g_autofree char *tags = NULL;
  g_autofree char *level = NULL;
  DwTeam *team = NULL;

  if (t == NULL)
    return;

  gtk_label_set_text (self->subject_label, dw_ticket_get_subject (t));
  /* Translators: under a ticket's subject: its number, status and SLA state */
  number = g_strdup_printf ("%" G_GINT64_FORMAT, dw_ticket_get_id (t));
  summary = g_strdup_printf (_("#%s · %s · %s"), number,
                             dw_status_label (dw_ticket_get_status (t)),
                             dw_sla_state_label (dw_ticket_get_sla_state (t)));
  gtk_label_set_text (self->summary_label, summary);
  refresh_body (self);

  set_field (self, FIELD_STATUS, dw_status_label (dw_ticket_get_status (t)));
  set_field (self, FIELD_PRIORITY, dw_priority_label (dw_ticket_get_priority (t)));
  g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions),
                                                                          "priority")),
                             g_variant_new_string (dw_priority_to_string (dw_ticket_get_priority (t))));
  if (self->sync != NULL && dw_ticket_get_team_id (t) != 0)
    team = dw_sync_lookup_team (self->sync, dw_ticket_get_team_id (t));
  set_field (self, FIELD_TEAM, team != NULL ? dw_team_get_name (team) : _("No team"));
  assignee = dw_ticket_get_assignee_id (t) != 0 ? user_name (self, dw_ticket_get_assignee_id (t))
                                                : g_strdup (_("Unassigned"));
  set_field (self, FIELD_ASSIGNEE, assignee);
  set_field (self, FIELD_BUSINESS_TYPE, dw_format_business_type (dw_ticket_get_business_type (t)));
  set_field (self, FIELD_CHANNEL, dw_channel_label (dw_ticket_get_channel (t)));
  set_field (self, FIELD_ORDER, dw_ticket_get_order_number (t));
  /* The name comes with its own request (customers are not in the snapshot); the number until
   * then. */
  if (dw_ticket_get_customer_id (t) != 0 && dw_ticket_get_customer_id (t) == self->customer_id)
    customer = g_strdup (self->customer_text);
  else if (dw_ticket_get_customer_id (t) != 0)
    customer = g_strdup_printf ("#%" G_GINT64_FORMAT, dw_ticket_get_customer_id (t));
  set_field (self, FIELD_CUSTOMER, customer);
  tags = g_strjoinv (", ", (char **) dw_ticket_get_tags (t));
  set_field (self, FIELD_TAGS, tags);
  created = dw_format_time (dw_ticket_get_created_at (t));
  set_field (self, FIELD_CREATED, created);
  updated = dw_format_time (dw_ticket_get_updated_at (t));
  set_field (self, FIELD_UPDATED, updated);
  level = g_strdup_printf ("%d", dw_ticket_get_escalation_level (t));
  set_field (self, FIELD_ESCALATION, level);

  refresh_sla (self);
}

static GtkWidget *
comment_row (DwTicketDetail *self,
             DwComment      *comment)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *author = NULL;
  g_autofree char *at = dw_format_time (dw_comment_get_created_at (comment));
  g_autofree char *title = NULL;

  switch (dw_comment_get_author_kind (comment))
    {
    case DW_AUTHOR_AGENT:
      author = user_name (self, dw_comment_get_author_id (comment));
      break;
    case DW_AUTHOR_CUSTOMER:
      author = g_strdup (_("Customer"));
      break;
    case DW_AUTHOR_SYSTEM:
    default:
      author = g_strdup (_("System"));
      break;
    }

  if (dw_comment_get_is_public (comment))
    /* Translators: comment header: author and time */
    title = g_strdup_printf (_("%s · %s"), author, at);
  else
    /* Translators: header of an internal note: author and time */
    title = g_strdup_printf (_("%s · %s · internal note"), author, at);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), dw_comment_get_body (comment));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), title);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  if (!dw_comment_get_is_public (comment))
    gtk_widget_add_css_class (row, "warning");
  return row;
}

static const char *
timeline_name (const char *kind,
               gint64      id,
               gpointer    user_data)
{
  DwTicketDetail *self = user_data;
  DwUser *user;
  DwTeam *team;

  if (self->sync == NULL)
    return NULL;
  if (g_str_equal (kind, "user") && (user = dw_sync_lookup_user (self->sync, id)) != NULL)
    return dw_user_get_display_name (user);
  if (g_str_equal (kind, "team") && (team = dw_sync_lookup_team (self->sync, id)) != NULL)
    return dw_team_get_name (team);
  return NULL;
}

static GtkWidget *
audit_row (DwTicketDetail *self,
           DwAuditEvent   *event)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *at = dw_format_time (dw_audit_event_get_at (event));
  g_autofree char *actor = dw_audit_event_get_actor_id (event) != 0
                             ? user_name (self, dw_audit_event_get_actor_id (event))
                             : g_strdup (_("System"));
  g_autofree char *title = dw_timeline_format_title (event, timeline_name, self);
  g_autofree char *reason = dw_timeline_format_reason (dw_audit_event_get_reason (event));
  g_autofree char *subtitle = NULL;

  if (reason != NULL)
    /* Translators: under a timeline entry: when, who, why */
    subtitle = g_strdup_printf (_("%s · %s · %s"), at, actor, reason);
  else
    /* Translators: under a timeline entry: when, who */
    subtitle = g_strdup_printf (_("%s · %s"), at, actor);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  return row;
}

static void
show_placeholder (GtkListBox *box,
                  const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_list_box_set_placeholder (box, label);
}

/* Callbacks */

static void
comments_fetched_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(DwTicketDetail) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) array = dw_client_get_comments_finish (DW_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  clear_list_box (self->comments_box);
  self->n_comments = 0;
  if (array == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not load the comments: %s"), error->message);

      show_placeholder (self->comments_box, text);
      return;
    }

  show_placeholder (self->comments_box, _("No comments yet"));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autoptr(DwComment) comment = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      comment = dw_comment_new_from_json (json_node_get_object (node), NULL);
      if (comment == NULL)
        continue;
      gtk_list_box_append (self->comments_box, comment_row (self, comment));
      self->n_comments++;
    }
}

static void
audit_fetched_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(DwTicketDetail) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) array = dw_client_get_audit_finish (DW_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  clear_list_box (self->audit_box);
  self->n_events = 0;
  if (array == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not load the timeline: %s"), error->message);

      show_placeholder (self->audit_box, text);
      return;
    }

  show_placeholder (self->audit_box, _("Nothing happened yet"));
  /* Oldest first, as the SLA clock above it runs: one order for the ticket's story. */
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autoptr(DwAuditEvent) event = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      event = dw_audit_event_new_from_json (json_node_get_object (node), NULL);
      if (event == NULL)
        continue;
      gtk_list_box_append (self->audit_box, audit_row (self, event));
      self->n_events++;
    }
}

static gboolean
refresh_idle_cb (gpointer data)
{
  DwTicketDetail *self = data;

  self->refresh_id = 0;
  refresh_fields (self);

  if (self->ticket != NULL && dw_ticket_get_version (self->ticket) != self->shown_version)
    dw_ticket_detail_reload (self);
  return G_SOURCE_REMOVE;
}

static void
ticket_notify_cb (DwTicket       *ticket,
                  GParamSpec     *pspec,
                  DwTicketDetail *self)
{
  if (self->refresh_id == 0)
    self->refresh_id = g_idle_add (refresh_idle_cb, self);
}

static void
sync_event_cb (DwSync         *sync,
               const char     *type,
               JsonObject     *data,
               DwTicketDetail *self)
{
  if (self->ticket == NULL || data == NULL || !g_str_has_prefix (type, "comment."))
    return;

  if (json_object_has_member (data, "ticket_id") &&
      json_object_get_int_member (data, "ticket_id") == dw_ticket_get_id (self->ticket))
    dw_ticket_detail_reload (self);
}

/* The Priority menu's items are radio items of this action; picking one is the page's
 * ticket.priority, which shows the change at once and sends it. */
static void
priority_activated_cb (GSimpleAction  *action,
                       GVariant       *param,
                       DwTicketDetail *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "ticket.priority", "s",
                              g_variant_get_string (param, NULL));
}

/* Overrides */

static void
dw_ticket_detail_dispose (GObject *object)
{
  DwTicketDetail *self = DW_TICKET_DETAIL (object);

  dw_ticket_detail_set_ticket (self, NULL);
  dw_ticket_detail_set_sync (self, NULL);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  dw_widget_dispose_template (GTK_WIDGET (self), DW_TYPE_TICKET_DETAIL);
  g_clear_object (&self->clock);
  g_clear_pointer (&self->sla_rows, g_ptr_array_unref);
  g_clear_pointer (&self->customer_text, g_free);
  g_clear_pointer (&self->body_error, g_free);
  g_clear_object (&self->actions);

  G_OBJECT_CLASS (dw_ticket_detail_parent_class)->dispose (object);
}

static void
dw_ticket_detail_class_init (DwTicketDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dw_ticket_detail_dispose;

  g_type_ensure (DW_TYPE_SLA_TIMELINE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/deskwatch/Deskwatch/dw-ticket-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, DwTicketDetail, stack);
  gtk_widget_class_bind_template_child (widget_class, DwTicketDetail, subject_label);
  gtk_widget_class_bind_template_child (widget_class, DwTicketDetail, summary_label);
  gtk_widget_class_bind_template_child (widget_class, DwTicketDetail, fields_group);
  gtk_widget_class_bind_template_child (widget_class, DwTicketDetail, sla_group);
  gtk_widget_class_bind_template_child (widget_class, DwTicketDetail, body_label);
  gtk_widget_class_bind_template_child (widget_class, DwTicketDetail, comments_box);
  gtk_widget_class_bind_template_child (widget_class, DwTicketDetail, audit_box);
  gtk_widget_class_bind_template_child (widget_class, DwTicketDetail, sla_timeline);
  gtk_widget_class_bind_template_child (widget_class, DwTicketDetail, priority_button);

  gtk_widget_class_set_css_name (widget_class, "dw-ticket-detail");
}

static void
dw_ticket_detail_init (DwTicketDetail *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  dw_menu_button_quiet_tooltip (self->priority_button);

  {
    g_autoptr(GSimpleAction) priority = g_simple_action_new_stateful ("priority", G_VARIANT_TYPE_STRING,
                                                                      g_variant_new_string (""));

    g_signal_connect (priority, "activate", G_CALLBACK (priority_activated_cb), self);
    self->actions = g_simple_action_group_new ();
    g_action_map_add_action (G_ACTION_MAP (self->actions), G_ACTION (priority));
    gtk_widget_insert_action_group (GTK_WIDGET (self), "detail", G_ACTION_GROUP (self->actions));
  }

  self->clock = dw_clock_new (1.0);
  self->sla_rows = g_ptr_array_new ();

  for (guint i = 0; i < N_FIELDS; i++)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(field_titles[i]));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_widget_add_css_class (row, "property");
      adw_preferences_group_add (self->fields_group, row);
      self->field_rows[i] = ADW_ACTION_ROW (row);
    }
}

static void
customer_fetched_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(DwTicketDetail) self = user_data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = NULL;
  JsonObject *customer;
  JsonArray *tags;

  node = dw_client_request_finish (DW_CLIENT (source), result, &error);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;  /* cancelled, or not allowed to see it: the number stays */

  customer = json_node_get_object (node);
  text = g_string_new (json_object_get_string_member_with_default (customer, "name", ""));
  tags = json_object_has_member (customer, "tags")
         && JSON_NODE_HOLDS_ARRAY (json_object_get_member (customer, "tags"))
         ? json_object_get_array_member (customer, "tags") : NULL;
  for (guint i = 0; tags != NULL && i < json_array_get_length (tags); i++)
    g_string_append_printf (text, i == 0 ? " · %s" : ", %s",
                            json_array_get_string_element (tags, i));

  self->customer_id = json_object_get_int_member_with_default (customer, "id", 0);
  g_free (self->customer_text);
  self->customer_text = g_string_free (g_steal_pointer (&text), FALSE);
  refresh_fields (self);
}

static void
body_fetched_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(DwTicketDetail) self = user_data;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  const char *body;

  object = dw_client_get_ticket_finish (DW_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->ticket == NULL)
    return;

  if (object != NULL &&
      json_object_has_member (object, "body") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (object, "body")) &&
      json_object_get_int_member_with_default (object, "id", 0) == dw_ticket_get_id (self->ticket))
    {
      body = json_object_get_string_member (object, "body");
      /* Kept in the model: shown again without a fetch; the notification refreshes. */
      g_object_set (self->ticket, "body", body != NULL ? body : "", NULL);
      return;
    }

  g_free (self->body_error);
  self->body_error = g_strdup (error != NULL ? error->message : _("The service sent no message"));
  refresh_body (self);
}

/* Public API */

GtkWidget *
dw_ticket_detail_new (void)
{
  return g_object_new (DW_TYPE_TICKET_DETAIL, NULL);
}

void
dw_ticket_detail_set_sync (DwTicketDetail *self,
                           DwSync         *sync)
{
  g_return_if_fail (DW_IS_TICKET_DETAIL (self));

  if (self->sync == sync)
    return;

  if (self->sync != NULL)
    g_clear_signal_handler (&self->event_handler, self->sync);
  g_set_object (&self->sync, sync);
  if (sync != NULL)
    self->event_handler = g_signal_connect (sync, "event", G_CALLBACK (sync_event_cb), self);
}

void
dw_ticket_detail_set_clock (DwTicketDetail *self,
                            DwClock        *clock)
{
  g_return_if_fail (DW_IS_TICKET_DETAIL (self));

  g_clear_object (&self->clock);
  self->clock = clock != NULL ? g_object_ref (clock) : dw_clock_new (1.0);
}

void
dw_ticket_detail_set_ticket (DwTicketDetail *self,
                             DwTicket       *ticket)
{
  g_return_if_fail (DW_IS_TICKET_DETAIL (self));
  g_return_if_fail (ticket == NULL || DW_IS_TICKET (ticket));

  if (self->ticket == ticket)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->ticket != NULL)
    g_clear_signal_handler (&self->notify_handler, self->ticket);
  g_set_object (&self->ticket, ticket);

  if (self->stack == NULL)
    return;

  if (ticket == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  self->notify_handler = g_signal_connect (ticket, "notify", G_CALLBACK (ticket_notify_cb), self);
  clear_list_box (self->comments_box);
  clear_list_box (self->audit_box);
  self->n_comments = self->n_events = 0;
  refresh_fields (self);
  gtk_stack_set_visible_child_name (self->stack, "ticket");
  dw_ticket_detail_reload (self);
}

DwTicket *
dw_ticket_detail_get_ticket (DwTicketDetail *self)
{
  g_return_val_if_fail (DW_IS_TICKET_DETAIL (self), NULL);

  return self->ticket;
}

void
dw_ticket_detail_reload (DwTicketDetail *self)
{
  DwClient *client;

  g_return_if_fail (DW_IS_TICKET_DETAIL (self));

  if (self->ticket == NULL || self->sync == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->shown_version = dw_ticket_get_version (self->ticket);

  client = dw_sync_get_client (self->sync);
  if (!dw_ticket_get_body_loaded (self->ticket))
    {
      g_clear_pointer (&self->body_error, g_free);
      refresh_body (self);
      dw_client_get_ticket_async (client, dw_ticket_get_id (self->ticket), self->cancellable,
                                  body_fetched_cb, g_object_ref (self));
    }
  dw_client_get_comments_async (client, dw_ticket_get_id (self->ticket), self->cancellable,
                                comments_fetched_cb, g_object_ref (self));
  dw_client_get_audit_async (client, dw_ticket_get_id (self->ticket), self->cancellable,
                             audit_fetched_cb, g_object_ref (self));
  if (dw_ticket_get_customer_id (self->ticket) != 0
      && dw_ticket_get_customer_id (self->ticket) != self->customer_id)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT,
                                               dw_ticket_get_customer_id (self->ticket));

      dw_client_request_async (client, "GET", path, NULL, self->cancellable, customer_fetched_cb,
                               g_object_ref (self));
    }
  dw_sla_timeline_load (self->sla_timeline, client, dw_ticket_get_id (self->ticket));
}

GActionGroup *
dw_ticket_detail_get_actions (DwTicketDetail *self)
{
  g_return_val_if_fail (DW_IS_TICKET_DETAIL (self), NULL);
  return G_ACTION_GROUP (self->actions);
}

GtkWidget *
dw_ticket_detail_get_sla_timeline (DwTicketDetail *self)
{
  g_return_val_if_fail (DW_IS_TICKET_DETAIL (self), NULL);
  return GTK_WIDGET (self->sla_timeline);
}

const char *
dw_ticket_detail_get_customer_text (DwTicketDetail *self)
{
  g_return_val_if_fail (DW_IS_TICKET_DETAIL (self), NULL);

  return adw_action_row_get_subtitle (self->field_rows[FIELD_CUSTOMER]);
}

guint
dw_ticket_detail_get_n_comments (DwTicketDetail *self)
{
  g_return_val_if_fail (DW_IS_TICKET_DETAIL (self), 0);

  return self->n_comments;
}

const char *
dw_ticket_detail_get_body_text (DwTicketDetail *self)
{
  g_return_val_if_fail (DW_IS_TICKET_DETAIL (self), NULL);

  return gtk_label_get_text (self->body_label);
}

guint
dw_ticket_detail_get_n_events (DwTicketDetail *self)
{
  g_return_val_if_fail (DW_IS_TICKET_DETAIL (self), 0);

  return self->n_events;
}
