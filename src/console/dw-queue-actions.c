/* dw-queue-actions.c: optimistic ticket changes with rollback.
 *
 * What is rolled back is only what still shows our optimistic value: if the stream brought
 * someone else's newer value for a member meanwhile, that value stays.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-queue-actions.h"

typedef struct
{
  DwSync               *sync;
  DwTicket             *ticket;
  JsonObject           *changes;   /* what we showed */
  JsonObject           *before;    /* what was there */
  DwQueueActionCallback callback;
  gpointer              user_data;
} Edit;

static void
edit_free (Edit *edit)
{
  g_clear_object (&edit->sync);
  g_clear_object (&edit->ticket);
  g_clear_pointer (&edit->changes, json_object_unref);
  g_clear_pointer (&edit->before, json_object_unref);
  g_free (edit);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Edit, edit_free)

/* Helpers */

static void
ticket_changed (DwSync   *sync,
                DwTicket *ticket)
{
  /* The lists above the store re-filter and re-sort on items-changed. */
  dw_object_store_item_updated (dw_sync_get_tickets (sync), ticket);
}

static char *
failure_message (DwTicket     *ticket,
                 const GError *error)
{
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, dw_ticket_get_id (ticket));

  if (g_error_matches (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_CONFLICT))
    /* Translators: %s is a ticket number */
    return g_strdup_printf (_("Someone else changed ticket #%s; your change was undone"), number);
  if (g_error_matches (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_OVER_CAPACITY))
    /* Translators: %s is a ticket number */
    return g_strdup_printf (_("Ticket #%s was not reassigned: the agent is at capacity"), number);
  if (g_error_matches (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_UNREACHABLE))
    /* Translators: %s is a ticket number */
    return g_strdup_printf (_("The service did not answer, so ticket #%s was not changed; your change was undone"),
                            number);
  /* Translators: first %s is a ticket number, second the reason */
  return g_strdup_printf (_("Could not change ticket #%s: %s"), number, error->message);
}

static void
roll_back (Edit *edit)
{
  g_autoptr(JsonObject) now = dw_ticket_to_json (edit->ticket);
  g_autoptr(JsonObject) restore = json_object_new ();
  g_autoptr(GList) members = json_object_get_members (edit->changes);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *shown = json_object_get_member (edit->changes, name);
      JsonNode *current = json_object_get_member (now, name);

      if (!json_object_has_member (edit->before, name))
        continue;
      if (current != NULL && json_node_equal (shown, current))
        json_object_set_member (restore, name,
                                json_node_copy (json_object_get_member (edit->before, name)));
    }

  if (json_object_get_size (restore) > 0 &&
      dw_ticket_update_from_json (edit->ticket, restore, NULL))
    ticket_changed (edit->sync, edit->ticket);
}

/* Callbacks */

static void
patched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Edit) edit = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) ticket = dw_client_patch_ticket_finish (DW_CLIENT (source), result, &error);

  if (ticket != NULL)
    {
      dw_sync_apply_ticket (edit->sync, ticket);
      if (edit->callback != NULL)
        edit->callback (edit->ticket, NULL, NULL, edit->user_data);
      return;
    }

  roll_back (edit);
  if (edit->callback != NULL)
    {
      g_autofree char *message = failure_message (edit->ticket, error);

      edit->callback (edit->ticket, error, message, edit->user_data);
    }
}

static void
note_added_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Edit) edit = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) comment = dw_client_add_comment_finish (DW_CLIENT (source), result, &error);

  if (edit->callback == NULL)
    return;
  if (comment != NULL)
    edit->callback (edit->ticket, NULL, NULL, edit->user_data);
  else
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, dw_ticket_get_id (edit->ticket));
      /* Translators: first %s is a ticket number, second the reason */
      g_autofree char *message = g_strdup_printf (_("Could not add the note to ticket #%s: %s"),
                                                  number, error->message);

      edit->callback (edit->ticket, error, message, edit->user_data);
    }
}

/* Public API */

void
dw_queue_actions_patch (DwSync               *sync,
                        DwTicket             *ticket,
                        JsonObject           *changes,
                        DwQueueActionCallback callback,
                        gpointer              user_data)
{
  g_autoptr(JsonObject) all = NULL;
  g_autoptr(GList) members = NULL;
  g_autoptr(GError) error = NULL;
  gint64 version;
  Edit *edit;

  g_return_if_fail (DW_IS_SYNC (sync));
  g_return_if_fail (DW_IS_TICKET (ticket));
  g_return_if_fail (changes != NULL);

  version = dw_ticket_get_version (ticket);

  edit = g_new0 (Edit, 1);
  edit->sync = g_object_ref (sync);
  edit->ticket = g_object_ref (ticket);
  edit->changes = json_object_ref (changes);
  edit->before = json_object_new ();
  edit->callback = callback;
  edit->user_data = user_data;

  all = dw_ticket_to_json (ticket);
  members = json_object_get_members (changes);
  for (GList *l = members; l != NULL; l = l->next)
    if (json_object_has_member (all, l->data))
      json_object_set_member (edit->before, l->data,
                              json_node_copy (json_object_get_member (all, l->data)));

  /* Shown at once. */
  if (dw_ticket_update_from_json (ticket, changes, &error))
    ticket_changed (sync, ticket);
  else
    g_debug ("Not showing the change of ticket %" G_GINT64_FORMAT " early: %s",
             dw_ticket_get_id (ticket), error->message);

  dw_client_patch_ticket_async (dw_sync_get_client (sync), dw_ticket_get_id (ticket), version,
                                changes, NULL, patched_cb, edit);
}

void
dw_queue_actions_add_note (DwSync               *sync,
                           DwTicket             *ticket,
                           const char           *body,
                           DwQueueActionCallback callback,
                           gpointer              user_data)
{
  Edit *edit;

  g_return_if_fail (DW_IS_SYNC (sync));
  g_return_if_fail (DW_IS_TICKET (ticket));
  g_return_if_fail (body != NULL);

  edit = g_new0 (Edit, 1);
  edit->sync = g_object_ref (sync);
  edit->ticket = g_object_ref (ticket);
  edit->callback = callback;
  edit->user_data = user_data;

  dw_client_add_comment_async (dw_sync_get_client (sync), dw_ticket_get_id (ticket), body, FALSE,
                               NULL, note_added_cb, edit);
}

JsonObject *
dw_queue_actions_reassign (gint64 user_id)
{
  JsonObject *changes = json_object_new ();

  if (user_id > 0)
    json_object_set_int_member (changes, "assignee_id", user_id);
  else
    json_object_set_null_member (changes, "assignee_id");
  return changes;
}

JsonObject *
dw_queue_actions_set_priority (DwPriority priority)
{
  JsonObject *changes = json_object_new ();

  json_object_set_string_member (changes, "priority", dw_priority_to_string (priority));
  return changes;
}

JsonObject *
dw_queue_actions_move_team (gint64 team_id)
{
  JsonObject *changes = json_object_new ();

  json_object_set_int_member (changes, "team_id", team_id);
  /* The old team's agent should not keep it: the new team's routing hands it out. */
  json_object_set_null_member (changes, "assignee_id");
  return changes;
}

JsonObject *
dw_queue_actions_escalate (DwTicket *ticket)
{
  JsonObject *changes = json_object_new ();
  DwPriority priority = dw_ticket_get_priority (ticket);

  if (priority < DW_PRIORITY_URGENT)
    priority++;
  json_object_set_string_member (changes, "priority", dw_priority_to_string (priority));
  json_object_set_int_member (changes, "escalation_level", dw_ticket_get_escalation_level (ticket) + 1);
  return changes;
}
