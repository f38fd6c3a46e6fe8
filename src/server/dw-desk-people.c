#define G_LOG_DOMAIN "dw-desk"

#include "dw-desk-private.h"

#include "dw-auth.h"
#include "store/dw-store-people.h"

static gboolean
require_admin (DwPrincipal  *actor,
               const char   *what,
               GError      **error)
{
  if (actor == NULL || actor->role == DW_ROLE_ADMIN)
    return TRUE;

  g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN, "only an admin may %s", what);
  return FALSE;
}

static gboolean
check_name (const char  *member,
            char        *text,
            glong        max_chars,
            GError     **error)
{
  if (text == NULL)
    return TRUE;

  if (*g_strstrip (text) == '\0' || g_utf8_strlen (text, -1) > max_chars)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "%s: must be 1 to %ld characters", member, max_chars);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_username (const char  *username,
                GError     **error)
{
  if (username == NULL)
    return TRUE;

  if (*username == '\0' || strlen (username) > 64)
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                           "username: must be 1 to 64 characters");
      return FALSE;
    }

  for (const char *p = username; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
        {
          g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                               "username: only letters, digits, '.', '_' and '-'");
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
check_password (const char  *password,
                GError     **error)
{
  if (password == NULL)
    return TRUE;

  if (g_utf8_strlen (password, -1) < 8 || strlen (password) > 1024)
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                           "password: must be 8 to 1024 characters");
      return FALSE;
    }

  return TRUE;
}

/* Presence */

static JsonObject *
set_presence_locked (DwDesk       *self,
                     DwPrincipal  *actor,
                     gint64        user_id,
                     DwPresence    presence,
                     GError      **error)
{
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(GArray) touched = g_array_new (FALSE, FALSE, sizeof (DwTouched));
  static const char * const fields[] = { "presence", NULL };
  gint64 now = dw_clock_now (self->clock);
  gboolean allowed;

  if (dw_presence_to_string (presence) == NULL)
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                           "presence: not one of online, away, offline");
      return NULL;
    }

  before = dw_store_user_load_json (self->store, user_id, NULL);
  if (before == NULL)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                   "no user %" G_GINT64_FORMAT, user_id);
      return NULL;
    }

  /* A lead sets the presence of the members of the teams it leads (e.g. someone who left
   * without signing out); everyone else only its own. */
  allowed = actor == NULL || actor->role == DW_ROLE_ADMIN || actor->user_id == user_id;
  if (!allowed && actor->role == DW_ROLE_LEAD)
    for (guint i = 0; !allowed && i < actor->lead_team_ids->len; i++)
      allowed = dw_desk_user_in_team (self, user_id,
                                      g_array_index (actor->lead_team_ids, gint64, i));
  if (!allowed)
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                           "you may only change your own presence");
      return NULL;
    }

  if (g_strcmp0 (json_object_get_string_member (before, "presence"),
                 dw_presence_to_string (presence)) == 0)
    return g_steal_pointer (&before);

  if (!dw_store_presence_set (self->store, user_id, presence, now, error))
    return NULL;

  after = dw_store_user_load_json (self->store, user_id, error);
  if (after == NULL
      || !dw_desk_audit_diff (self, actor, "user", user_id, before, after, fields, NULL, error))
    return NULL;

  if (presence == DW_PRESENCE_ONLINE
      && !dw_desk_dispatch_user_locked (self, user_id, touched, error))
    return NULL;

  /* A team without grace takes the tickets back at once. */
  if (presence == DW_PRESENCE_OFFLINE && !dw_desk_hand_back_locked (self, touched, error))
    return NULL;

  if (!dw_desk_flush_touched (self, touched, 0, error))
    return NULL;

  return dw_desk_emit_user (self, "user.updated", user_id, error);
}

typedef struct
{
  DwPrincipal *actor;
  gint64       user_id;
  DwPresence   presence;
} SetPresence;

static JsonObject *
set_presence_write (DwDesk   *self,
                    gpointer  data,
                    GError  **error)
{
  SetPresence *set = data;

  return set_presence_locked (self, set->actor, set->user_id, set->presence, error);
}

JsonObject *
dw_desk_set_presence (DwDesk       *self,
                      DwPrincipal  *actor,
                      gint64        user_id,
                      DwPresence    presence,
                      GError      **error)
{
  g_autoptr(JsonObject) result = NULL;

  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  result = dw_desk_write (self, set_presence_write,
                          &(SetPresence) { actor, user_id, presence }, error);
  if (result == NULL)
    return NULL;

  dw_desk_hand_back_rearm (self);
  return g_steal_pointer (&result);
}

/* Stranded tickets */

gboolean
dw_desk_hand_back_locked (DwDesk  *self,
                          GArray  *touched,
                          GError **error)
{
  g_autoptr(GArray) stranded = NULL;
  g_autoptr(GArray) teams = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 now = dw_clock_now (self->clock);

  /* The tickets of offline agents whose team's grace is over now. */
  stranded = dw_store_stranded_due (self->store, now, error);
  if (stranded == NULL)
    return FALSE;

  for (guint s = 0; s < stranded->len; s++)
    {
      const DwStoreStrandedRow *row = &g_array_index (stranded, DwStoreStrandedRow, s);
      g_autoptr(JsonNode) before = json_node_new (JSON_NODE_VALUE);
      g_autoptr(JsonNode) after = json_node_new (JSON_NODE_NULL);
      g_autofree char *since = dw_time_to_iso8601 (row->presence_since);
      g_autofree char *reason = NULL;
      guint i;

      if (!dw_store_ticket_hand_back (self->store, row->ticket_id, now, error))
        return FALSE;

      json_node_set_int (before, row->assignee_id);
      reason = g_strdup_printf ("assignee offline since %s, past the team's grace of %d minutes: "
                                "back to the team queue", since, row->grace_minutes);
      if (!dw_desk_audit (self, NULL, "ticket", row->ticket_id, "handed-back", "assignee_id",
                          before, after, reason, error))
        return FALSE;

      dw_desk_touch (touched, row->ticket_id, row->team_id, row->assignee_id, TRUE);
      for (i = 0; i < teams->len && g_array_index (teams, gint64, i) != row->team_id; i++)
        ;
      if (i == teams->len)
        g_array_append_val (teams, row->team_id);
    }

  /* Handed to the online agents with room, or left waiting in the queue. */
  for (guint i = 0; i < teams->len; i++)
    if (!dw_desk_dispatch_locked (self, g_array_index (teams, gint64, i), 0, touched, error))
      return FALSE;

  return TRUE;
}

/* While the database is away, the next moment is read again this often (real seconds). */
#define HAND_BACK_RETRY_S 1

/* The database away (DW_STORE_ERROR_UNAVAILABLE: PostgreSQL restarting) is expected: said once
 * per outage, and the hand-back tried again once it is back; so is a lock held elsewhere past
 * lock_timeout (tried again later); anything else is a warning. */
static gboolean
hand_back_failed (DwDesk       *self,
                  const GError *error)
{
  if (dw_store_tx_locked (error))
    {
      if (!self->hand_back_locked)
        g_message ("Cannot hand back stranded tickets, a lock is held elsewhere; will try again "
                   "every %u s: %s", DW_STORE_TX_LOCKED_RETRY_S, error->message);
      self->hand_back_locked = TRUE;
      return TRUE;
    }

  if (!g_error_matches (error, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE))
    {
      g_warning ("Cannot hand back stranded tickets: %s", error->message);
      return FALSE;
    }

  if (!self->hand_back_unavailable)
    g_message ("Cannot hand back stranded tickets, will try again when the database is back: "
               "%s", error->message);
  self->hand_back_unavailable = TRUE;
  return TRUE;
}

static gboolean
hand_back_retry_cb (gpointer data)
{
  DwDesk *self = data;

  self->hand_back_retry = 0;
  dw_desk_hand_back_rearm (self);
  return G_SOURCE_REMOVE;
}

static JsonObject *
hand_back_write (DwDesk   *self,
                 gpointer  data,
                 GError  **error)
{
  g_autoptr(GArray) touched = g_array_new (FALSE, FALSE, sizeof (DwTouched));

  if (!dw_desk_hand_back_locked (self, touched, error)
      || !dw_desk_flush_touched (self, touched, 0, error))
    return NULL;
  return json_object_new ();
}

static gboolean
hand_back_alarm_cb (gpointer data)
{
  DwDesk *self = data;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GError) error = NULL;

  self->hand_back_alarm = 0;
  self->hand_back_at = 0;

  /* Lost to another instance's write: run again there (dw_desk_write).  Away: the rearm below
   * reads the moment again (or retries that read) and the tickets, still stranded, are handed
   * back then. */
  result = dw_desk_write (self, hand_back_write, NULL, &error);
  if (g_error_matches (error, DW_STORE_ERROR, DW_STORE_ERROR_CONFLICT))
    {
      /* Lost every attempt: the tickets are still stranded; the moment is read again shortly. */
      g_message ("Handing back stranded tickets lost %u times to other writes, trying again "
                 "shortly: %s", DW_DESK_WRITE_ATTEMPTS, error->message);
      if (self->hand_back_retry == 0)
        self->hand_back_retry = g_timeout_add_seconds (HAND_BACK_RETRY_S, hand_back_retry_cb,
                                                       self);
      return G_SOURCE_REMOVE;
    }
  if (dw_store_tx_locked (error))
    {
      /* A lock held elsewhere (an operator's open transaction on a ticket or an agent): not
       * every second, each try waits the whole lock_timeout on the main loop. */
      hand_back_failed (self, error);
      g_clear_handle_id (&self->hand_back_retry, g_source_remove);
      self->hand_back_retry = g_timeout_add_seconds (DW_STORE_TX_LOCKED_RETRY_S,
                                                     hand_back_retry_cb, self);
      return G_SOURCE_REMOVE;
    }
  if (result != NULL && self->hand_back_locked)
    {
      g_message ("Stranded tickets are handed back again: the lock is free");
      self->hand_back_locked = FALSE;
    }
  if (result == NULL && !hand_back_failed (self, error))
    return G_SOURCE_REMOVE;

  dw_desk_hand_back_rearm (self);
  return G_SOURCE_REMOVE;
}

void
dw_desk_hand_back_rearm (DwDesk *self)
{
  g_autoptr(GError) error = NULL;
  gint64 at;

  /* Singleton work: with several instances, the leader's hands back (its rearm on taking over
   * finds what fell due meanwhile). */
  if (self->leader != NULL && !dw_leader_get_is_leader (self->leader))
    {
      g_clear_handle_id (&self->hand_back_alarm, g_source_remove);
      g_clear_handle_id (&self->hand_back_retry, g_source_remove);
      self->hand_back_at = 0;
      return;
    }

  /* After a lock timeout the next try is the retry's, whatever changes meanwhile. */
  if (self->hand_back_locked && self->hand_back_retry != 0)
    return;

  /* Any other failure leaves no alarm, as it always did (the next change of an agent's
   * status arms it again). */
  at = dw_store_stranded_next_at (self->store, &error);
  if (g_error_matches (error, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE)
      || dw_store_tx_locked (error))
    {
      hand_back_failed (self, error);
      /* The alarm set stays; the moment is read again soon (later behind a lock: each try
       * waits lock_timeout on the main loop). */
      if (self->hand_back_retry == 0)
        self->hand_back_retry = g_timeout_add_seconds (dw_store_tx_locked (error)
                                                       ? DW_STORE_TX_LOCKED_RETRY_S
                                                       : HAND_BACK_RETRY_S,
                                                       hand_back_retry_cb, self);
      return;
    }
  if (error == NULL && self->hand_back_unavailable)
    {
      g_message ("Stranded tickets are handed back again: the database is back");
      self->hand_back_unavailable = FALSE;
    }

  if (at == self->hand_back_at && (at == 0 || self->hand_back_alarm != 0))
    return;

  g_clear_handle_id (&self->hand_back_alarm, g_source_remove);
  self->hand_back_at = at;
  if (at != 0)
    self->hand_back_alarm = dw_clock_add_alarm (self->clock, at, hand_back_alarm_cb, self, NULL);
}

static void
leader_notify_cb (DwLeader   *leader,
                  GParamSpec *pspec,
                  DwDesk     *self)
{
  dw_desk_hand_back_rearm (self);
}

void
dw_desk_set_leader (DwDesk   *self,
                    DwLeader *leader)
{
  g_return_if_fail (DW_IS_DESK (self));
  g_return_if_fail (DW_IS_LEADER (leader));

  dw_leader_watch (&self->leader, &self->leader_id, leader, G_CALLBACK (leader_notify_cb), self);
  dw_desk_hand_back_rearm (self);
}

/* Users */

static const char * const user_create_members[] = {
  "username", "display_name", "role", "password", "capacity", "teams", "skills", NULL
};

static const char * const user_update_members[] = {
  "display_name", "role", "password", "capacity", "teams", "skills", "disabled", NULL
};

static const char * const user_audited[] = {
  "username", "display_name", "role", "capacity", "teams", "skills", "disabled", NULL
};

static gboolean
write_teams (DwDesk     *self,
             gint64      user_id,
             JsonArray  *teams,
             GError    **error)
{
  static const char * const members[] = { "id", "is_lead", NULL };

  if (!dw_store_memberships_clear (self->store, user_id, error))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (teams); i++)
    {
      JsonNode *node = json_array_get_element (teams, i);
      JsonObject *team;
      gint64 team_id = 0;
      gboolean is_lead = FALSE;
      g_autoptr(GError) local_error = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                       "teams[%u]: expected an object, got %s", i, dw_json_node_describe (node));
          return FALSE;
        }

      team = json_node_get_object (node);
      if (!dw_json_check_members (team, members, error)
          || !dw_json_get_int64 (team, "id", DW_JSON_REQUIRED | DW_JSON_POSITIVE, &team_id, error)
          || !dw_json_get_boolean (team, "is_lead", DW_JSON_OPTIONAL, &is_lead, error))
        {
          dw_json_prefix_error (error, "teams[%u].", i);
          return FALSE;
        }

      if (!dw_desk_row_exists (self, "teams", team_id))
        {
          g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                       "teams[%u].id: there is no team %" G_GINT64_FORMAT, i, team_id);
          return FALSE;
        }

      if (!dw_store_membership_insert (self->store, team_id, user_id, is_lead, &local_error))
        {
          if (g_error_matches (local_error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT))
            g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                         "teams[%u].id: team %" G_GINT64_FORMAT " is listed twice", i, team_id);
          else
            g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
write_skills (DwDesk     *self,
              gint64      user_id,
              JsonArray  *skills,
              GError    **error)
{
  static const char * const members[] = { "skill", "level", NULL };

  if (!dw_store_skills_clear (self->store, user_id, error))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (skills); i++)
    {
      JsonNode *node = json_array_get_element (skills, i);
      JsonObject *skill;
      g_autofree char *name = NULL;
      gint64 level = 0;
      g_autoptr(GError) local_error = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                       "skills[%u]: expected an object, got %s", i, dw_json_node_describe (node));
          return FALSE;
        }

      skill = json_node_get_object (node);
      if (!dw_json_check_members (skill, members, error)
          || !dw_json_get_string (skill, "skill", DW_JSON_REQUIRED, &name, error)
          || !dw_json_get_int64 (skill, "level", DW_JSON_REQUIRED, &level, error))
        {
          dw_json_prefix_error (error, "skills[%u].", i);
          return FALSE;
        }

      if (!check_name ("skill", name, 64, error))
        {
          g_prefix_error (error, "skills[%u].", i);
          return FALSE;
        }

      if (level < 1 || level > 5)
        {
          g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                       "skills[%u].level: must be between 1 and 5", i);
          return FALSE;
        }

      if (!dw_store_skill_insert (self->store, user_id, name, level, &local_error))
        {
          if (g_error_matches (local_error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT))
            g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                         "skills[%u].skill: \"%s\" is listed twice", i, name);
          else
            g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
check_capacity (gint64   capacity,
                GError **error)
{
  if (capacity < 0 || capacity > 1000)
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                           "capacity: must be between 0 and 1000");
      return FALSE;
    }

  return TRUE;
}

static JsonObject *
create_user_locked (DwDesk       *self,
                    DwPrincipal  *actor,
                    JsonObject   *fields,
                    GError      **error)
{
  g_autofree char *username = NULL;
  g_autofree char *display_name = NULL;
  g_autofree char *password = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) user = NULL;
  JsonArray *teams = NULL;
  JsonArray *skills = NULL;
  int role = DW_ROLE_AGENT;
  gint64 capacity = 5;
  gint64 user_id;
  gint64 now = dw_clock_now (self->clock);

  if (!require_admin (actor, "create users", error))
    return NULL;

  if (!dw_json_check_members (fields, user_create_members, error)
      || !dw_json_get_string (fields, "username", DW_JSON_REQUIRED, &username, error)
      || !dw_json_get_string (fields, "display_name", DW_JSON_REQUIRED, &display_name, error)
      || !dw_json_get_enum (fields, "role", DW_TYPE_ROLE, DW_JSON_REQUIRED, &role, error)
      || !dw_json_get_string (fields, "password", DW_JSON_NULLABLE, &password, error)
      || !dw_json_get_int64 (fields, "capacity", DW_JSON_OPTIONAL, &capacity, error)
      || !dw_json_get_array (fields, "teams", DW_JSON_NULLABLE, &teams, error)
      || !dw_json_get_array (fields, "skills", DW_JSON_NULLABLE, &skills, error)
      || !check_username (username, error)
      || !check_name ("display_name", display_name, 200, error)
      || !check_password (password, error)
      || !check_capacity (capacity, error))
    return NULL;

  if (password != NULL && (hash = dw_auth_hash_password (password, error)) == NULL)
    return NULL;

  {
    DwStoreUserNew row = { username, display_name, role, hash, capacity, now };

    user_id = dw_store_user_insert (self->store, &row, &local_error);
  }
  if (user_id == 0)
    {
      if (g_error_matches (local_error, DW_STORE_ERROR, DW_STORE_ERROR_CONFLICT))
        g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_CONFLICT,
                     "username: \"%s\" is taken", username);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if ((teams != NULL && !write_teams (self, user_id, teams, error))
      || (skills != NULL && !write_skills (self, user_id, skills, error)))
    return NULL;

  if (!dw_desk_audit (self, actor, "user", user_id, "created", NULL, NULL, NULL, NULL, error))
    return NULL;

  user = dw_desk_emit_user (self, "user.created", user_id, error);
  return g_steal_pointer (&user);
}

static JsonObject *
create_user_write (DwDesk   *self,
                   gpointer  data,
                   GError  **error)
{
  DwDeskWriteArgs *args = data;

  return create_user_locked (self, args->actor, args->fields, error);
}

JsonObject *
dw_desk_create_user (DwDesk       *self,
                     DwPrincipal  *actor,
                     JsonObject   *fields,
                     GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  return dw_desk_write (self, create_user_write, &(DwDeskWriteArgs) { actor, 0, fields }, error);
}

static JsonObject *
update_user_locked (DwDesk       *self,
                    DwPrincipal  *actor,
                    gint64        user_id,
                    JsonObject   *changes,
                    GError      **error)
{
  g_autofree char *display_name = NULL;
  g_autofree char *password = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(GArray) touched = g_array_new (FALSE, FALSE, sizeof (DwTouched));
  JsonArray *teams = NULL;
  JsonArray *skills = NULL;
  int role;
  gint64 capacity;
  gboolean disabled;
  int old_role = DW_ROLE_AGENT;

  /* A lead sets the capacity of the agents of its teams, and nothing else of theirs. */
  if (actor != NULL && actor->role == DW_ROLE_LEAD && json_object_get_size (changes) == 1
      && json_object_has_member (changes, "capacity"))
    {
      gboolean leads = FALSE;

      for (guint i = 0; i < actor->lead_team_ids->len && !leads; i++)
        leads = dw_desk_user_in_team (self, user_id,
                                      g_array_index (actor->lead_team_ids, gint64, i));
      if (!leads)
        {
          g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                               "only a lead of one of the agent's teams may set its capacity");
          return NULL;
        }
    }
  else if (!require_admin (actor, "change users", error))
    return NULL;

  before = dw_store_user_load_json (self->store, user_id, NULL);
  if (before == NULL)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                   "no user %" G_GINT64_FORMAT, user_id);
      return NULL;
    }

  dw_enum_from_string (DW_TYPE_ROLE, json_object_get_string_member (before, "role"), &old_role);
  role = old_role;
  capacity = json_object_get_int_member (before, "capacity");
  disabled = json_object_get_boolean_member (before, "disabled");

  if (!dw_json_check_members (changes, user_update_members, error)
      || !dw_json_get_string (changes, "display_name", DW_JSON_OPTIONAL, &display_name, error)
      || !dw_json_get_enum (changes, "role", DW_TYPE_ROLE, DW_JSON_OPTIONAL, &role, error)
      || !dw_json_get_string (changes, "password", DW_JSON_NULLABLE, &password, error)
      || !dw_json_get_int64 (changes, "capacity", DW_JSON_OPTIONAL, &capacity, error)
      || !dw_json_get_array (changes, "teams", DW_JSON_OPTIONAL, &teams, error)
      || !dw_json_get_array (changes, "skills", DW_JSON_OPTIONAL, &skills, error)
      || !dw_json_get_boolean (changes, "disabled", DW_JSON_OPTIONAL, &disabled, error)
      || !check_name ("display_name", display_name, 200, error)
      || !check_password (password, error)
      || !check_capacity (capacity, error))
    return NULL;

  if (actor != NULL && actor->user_id == user_id && (disabled || role != DW_ROLE_ADMIN))
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                           "an admin cannot disable or demote itself");
      return NULL;
    }

  if (password != NULL && (hash = dw_auth_hash_password (password, error)) == NULL)
    return NULL;

  {
    DwStoreUserChange change = {
      .display_name = display_name,
      .role = role,
      .capacity = capacity,
      .disabled = disabled,
      .set_password = json_object_has_member (changes, "password"),
      .password_hash = hash,
    };

    if (!dw_store_user_update (self->store, user_id, &change, error))
      return NULL;
  }

  if ((teams != NULL && !write_teams (self, user_id, teams, error))
      || (skills != NULL && !write_skills (self, user_id, skills, error)))
    return NULL;

  after = dw_store_user_load_json (self->store, user_id, error);
  if (after == NULL
      || !dw_desk_audit_diff (self, actor, "user", user_id, before, after, user_audited, NULL,
                              error))
    return NULL;

  /* Never the hash, only that it changed. */
  if (json_object_has_member (changes, "password")
      && !dw_desk_audit (self, actor, "user", user_id, "updated", "password", NULL, NULL,
                         password != NULL ? "password set" : "password removed", error))
    return NULL;

  /* What the user may see changed: its open streams check again once this commits (before
   * this transaction's events go out). */
  {
    static const char * const scope_members[] = { "role", "teams", "disabled", NULL };

    for (guint i = 0; scope_members[i] != NULL; i++)
      if (!json_node_equal (json_object_get_member (before, scope_members[i]),
                            json_object_get_member (after, scope_members[i])))
        {
          dw_event_log_append_access_change (self->events, user_id);
          break;
        }
  }

  /* More capacity or new teams may hand out waiting tickets. */
  if (!disabled && !dw_desk_dispatch_user_locked (self, user_id, touched, error))
    return NULL;

  if (!dw_desk_flush_touched (self, touched, 0, error))
    return NULL;

  return dw_desk_emit_user (self, "user.updated", user_id, error);
}

static JsonObject *
update_user_write (DwDesk   *self,
                   gpointer  data,
                   GError  **error)
{
  DwDeskWriteArgs *args = data;

  return update_user_locked (self, args->actor, args->id, args->fields, error);
}

JsonObject *
dw_desk_update_user (DwDesk       *self,
                     DwPrincipal  *actor,
                     gint64        user_id,
                     JsonObject   *changes,
                     GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  return dw_desk_write (self, update_user_write, &(DwDeskWriteArgs) { actor, user_id, changes },
                        error);
}

/* Teams */

static const char * const team_members_allowed[] = {
  "name", "description", "calendar_id", "business_types", "offline_grace_minutes", NULL
};

static const char * const team_audited[] = {
  "name", "description", "calendar_id", "business_types", "offline_grace_minutes", NULL
};

/* A day at most: longer, and the tickets of a shift that ended would wait for the next one. */
#define MAX_OFFLINE_GRACE_MINUTES 1440

/* Moves the listed business types to @team_id, creating unknown ones.  An element is a key
 * string, or {"key", "name", "skill"} to also name it and say which skill it needs. */
static gboolean
write_business_types (DwDesk     *self,
                      gint64      team_id,
                      JsonArray  *types,
                      GError    **error)
{
  static const char * const members[] = { "key", "name", "skill", NULL };

  for (guint i = 0; i < json_array_get_length (types); i++)
    {
      JsonNode *node = json_array_get_element (types, i);
      g_autofree char *key = NULL;
      g_autofree char *name = NULL;
      g_autofree char *skill = NULL;
      gboolean has_skill = FALSE;

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        {
          key = g_strdup (json_node_get_string (node));
        }
      else if (JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *o = json_node_get_object (node);

          if (!dw_json_check_members (o, members, error)
              || !dw_json_get_string (o, "key", DW_JSON_REQUIRED, &key, error)
              || !dw_json_get_string (o, "name", DW_JSON_OPTIONAL, &name, error)
              || !dw_json_get_string (o, "skill", DW_JSON_NULLABLE, &skill, error))
            {
              dw_json_prefix_error (error, "business_types[%u].", i);
              return FALSE;
            }
          has_skill = json_object_has_member (o, "skill");
        }
      else
        {
          g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                       "business_types[%u]: expected a string or an object, got %s", i,
                       dw_json_node_describe (node));
          return FALSE;
        }

      if (!check_name ("key", key, 64, error) || !check_name ("name", name, 200, error)
          || !check_name ("skill", skill, 64, error))
        {
          g_prefix_error (error, "business_types[%u].", i);
          return FALSE;
        }

      if (!dw_store_business_type_put (self->store, key, name, team_id, has_skill, skill, error))
        return FALSE;
    }

  return TRUE;
}

static JsonObject *
write_team_locked (DwDesk       *self,
                   DwPrincipal  *actor,
                   gint64        team_id,  /* 0: create */
                   JsonObject   *fields,
                   GError      **error)
{
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonArray *types = NULL;
  gint64 calendar_id = 0;
  gint64 grace = -1;
  gboolean creating = team_id == 0;

  if (!require_admin (actor, creating ? "create teams" : "change teams", error))
    return NULL;

  if (!creating)
    {
      before = dw_store_team_load_json (self->store, team_id, NULL);
      if (before == NULL)
        {
          g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                       "no team %" G_GINT64_FORMAT, team_id);
          return NULL;
        }
    }

  if (!dw_json_check_members (fields, team_members_allowed, error)
      || !dw_json_get_string (fields, "name", creating ? DW_JSON_REQUIRED : DW_JSON_OPTIONAL,
                              &name, error)
      || !dw_json_get_string (fields, "description", DW_JSON_OPTIONAL, &description, error)
      || !dw_json_get_int64 (fields, "calendar_id", DW_JSON_POSITIVE, &calendar_id, error)
      || !dw_json_get_array (fields, "business_types", DW_JSON_OPTIONAL, &types, error)
      || !dw_json_get_int64 (fields, "offline_grace_minutes", DW_JSON_OPTIONAL, &grace, error)
      || !check_name ("name", name, 200, error))
    return NULL;

  if (json_object_has_member (fields, "offline_grace_minutes")
      && (grace < 0 || grace > MAX_OFFLINE_GRACE_MINUTES))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "offline_grace_minutes: must be between 0 and %d", MAX_OFFLINE_GRACE_MINUTES);
      return NULL;
    }

  if (description != NULL && g_utf8_strlen (description, -1) > 2000)
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                           "description: longer than 2000 characters");
      return NULL;
    }

  if (creating && calendar_id == 0)
    calendar_id = dw_store_calendar_first (self->store, NULL);

  if (calendar_id > 0 && !dw_desk_row_exists (self, "calendars", calendar_id))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "calendar_id: there is no calendar %" G_GINT64_FORMAT, calendar_id);
      return NULL;
    }

  {
    DwStoreTeamWrite row = { name, description, calendar_id, dw_clock_now (self->clock) };

    if (creating)
      team_id = dw_store_team_insert (self->store, &row, &local_error);
    else
      dw_store_team_update (self->store, team_id, &row, &local_error);
  }
  if (local_error != NULL)
    {
      if (g_error_matches (local_error, DW_STORE_ERROR, DW_STORE_ERROR_CONFLICT))
        g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_CONFLICT, "name: \"%s\" is taken", name);
      else if (g_error_matches (local_error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT))
        g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                             "calendar_id: there is no calendar to use; create one first");
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (types != NULL && !write_business_types (self, team_id, types, error))
    return NULL;

  if (json_object_has_member (fields, "offline_grace_minutes")
      && !dw_store_team_set_grace (self->store, team_id, grace, error))
    return NULL;

  after = dw_store_team_load_json (self->store, team_id, error);
  if (after == NULL)
    return NULL;

  if (creating)
    {
      if (!dw_desk_audit (self, actor, "team", team_id, "created", NULL, NULL, NULL, NULL, error))
        return NULL;
    }
  else if (!dw_desk_audit_diff (self, actor, "team", team_id, before, after, team_audited, NULL,
                                error))
    {
      return NULL;
    }

  if (!dw_desk_emit (self, creating ? "team.created" : "team.updated", team_id, 0, after, error))
    return NULL;

  return g_steal_pointer (&after);
}

static JsonObject *
write_team_write (DwDesk   *self,
                  gpointer  data,
                  GError  **error)
{
  DwDeskWriteArgs *args = data;

  return write_team_locked (self, args->actor, args->id, args->fields, error);
}

JsonObject *
dw_desk_create_team (DwDesk       *self,
                     DwPrincipal  *actor,
                     JsonObject   *fields,
                     GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  return dw_desk_write (self, write_team_write, &(DwDeskWriteArgs) { actor, 0, fields }, error);
}

JsonObject *
dw_desk_update_team (DwDesk       *self,
                     DwPrincipal  *actor,
                     gint64        team_id,
                     JsonObject   *changes,
                     GError      **error)
{
  g_autoptr(JsonObject) result = NULL;

  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (team_id <= 0)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                   "no team %" G_GINT64_FORMAT, team_id);
      return NULL;
    }

  /* A new grace moves the moment stranded tickets go back. */
  result = dw_desk_write (self, write_team_write, &(DwDeskWriteArgs) { actor, team_id, changes },
                          error);
  if (result != NULL)
    dw_desk_hand_back_rearm (self);
  return g_steal_pointer (&result);
}

/* Customers */

void
dw_desk_customer_scope (DwPrincipal           *actor,
                        DwStoreCustomerScope  *scope)
{
  *scope = (DwStoreCustomerScope) { .all = actor == NULL || actor->role == DW_ROLE_ADMIN };
  if (scope->all)
    return;

  scope->user_id = actor->user_id;
  if (actor->role == DW_ROLE_LEAD)
    scope->team_ids = actor->team_ids;
}

gboolean
dw_desk_customer_visible (DwDesk      *self,
                          DwPrincipal *actor,
                          gint64       customer_id)
{
  DwStoreCustomerScope scope;

  g_return_val_if_fail (DW_IS_DESK (self), FALSE);

  dw_desk_customer_scope (actor, &scope);
  return dw_store_customer_visible (self->store, &scope, customer_id);
}

gboolean
dw_desk_note_customer_reads (DwDesk       *self,
                             DwPrincipal  *actor,
                             const GArray *customer_ids,
                             const char   *reason,
                             GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), FALSE);

  if (customer_ids->len == 0)
    return TRUE;

  /* Audit rows only, no events: a transaction of the store's own rather than dw_desk_write
   * (which would also publish and reschedule the SLA alarm for nothing), with the same
   * retry of a lost race. */
  for (guint attempt = 1; ; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      gboolean ok;

      if (!dw_store_tx_begin (self->store, error))
        return FALSE;

      ok = TRUE;
      for (guint i = 0; ok && i < customer_ids->len; i++)
        ok = dw_desk_audit (self, actor, "customer", g_array_index (customer_ids, gint64, i),
                            "read", NULL, NULL, NULL, reason, &local_error);
      if (ok && dw_store_tx_commit (self->store, &local_error))
        return TRUE;

      dw_store_tx_rollback (self->store);
      if (!dw_store_tx_retry (attempt, &local_error))
        {
          if (local_error != NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
}

JsonObject *
dw_desk_read_customer (DwDesk       *self,
                       DwPrincipal  *actor,
                       gint64        customer_id,
                       GError      **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(JsonObject) customer = NULL;

  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!dw_desk_customer_visible (self, actor, customer_id))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                   "no customer %" G_GINT64_FORMAT, customer_id);
      return NULL;
    }

  customer = dw_store_customer_load_json (self->store, customer_id, error);
  g_array_append_val (ids, customer_id);
  if (customer == NULL || !dw_desk_note_customer_reads (self, actor, ids, "viewed", error))
    return NULL;

  return g_steal_pointer (&customer);
}

static const char * const customer_members[] = { "name", "email", "phone", "tags", NULL };
static const char * const customer_audited[] = { "name", "email", "phone", "tags", NULL };

static JsonObject *
write_customer_locked (DwDesk       *self,
                       DwPrincipal  *actor,
                       gint64        customer_id,  /* 0: create */
                       JsonObject   *fields,
                       GError      **error)
{
  g_autofree char *name = NULL;
  g_autofree char *email = NULL;
  g_autofree char *phone = NULL;
  g_auto(GStrv) tags = NULL;
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonArray) tag_array = json_array_new ();
  g_autoptr(JsonNode) tag_node = json_node_new (JSON_NODE_ARRAY);
  g_autofree char *tags_json = NULL;
  gboolean creating = customer_id == 0;

  /* Agents read the customers of their tickets; recording and editing them is for leads. */
  if (actor != NULL && actor->role == DW_ROLE_AGENT)
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                           "only a lead or an admin records and edits customers");
      return NULL;
    }

  if (!creating)
    {
      before = dw_desk_customer_visible (self, actor, customer_id)
               ? dw_store_customer_load_json (self->store, customer_id, NULL) : NULL;
      if (before == NULL)
        {
          g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                       "no customer %" G_GINT64_FORMAT, customer_id);
          return NULL;
        }
    }

  if (!dw_json_check_members (fields, customer_members, error)
      || !dw_json_get_string (fields, "name", creating ? DW_JSON_REQUIRED : DW_JSON_OPTIONAL,
                              &name, error)
      || !dw_json_get_string (fields, "email", DW_JSON_NULLABLE, &email, error)
      || !dw_json_get_string (fields, "phone", DW_JSON_NULLABLE, &phone, error)
      || !dw_json_get_strv (fields, "tags", DW_JSON_NULLABLE, &tags, error)
      || !check_name ("name", name, 200, error)
      || (email != NULL && !check_name ("email", email, 320, error))
      || (phone != NULL && !check_name ("phone", phone, 64, error)))
    return NULL;

  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    {
      if (!check_name ("tags", tags[i], 64, error))
        return NULL;
      json_array_add_string_element (tag_array, tags[i]);
    }
  json_node_set_array (tag_node, tag_array);
  tags_json = dw_store_json_to_string (tag_node);

  {
    DwStoreCustomerWrite row = {
      .name = name,
      .email = email,
      .phone = phone,
      .tags = tags_json,
      .set_email = json_object_has_member (fields, "email"),
      .set_phone = json_object_has_member (fields, "phone"),
      .set_tags = json_object_has_member (fields, "tags"),
      .created_at = dw_clock_now (self->clock),
    };

    if (creating)
      customer_id = dw_store_customer_insert (self->store, &row, error);
    else if (!dw_store_customer_update (self->store, customer_id, &row, error))
      return NULL;
  }
  if (customer_id == 0)
    return NULL;

  after = dw_store_customer_load_json (self->store, customer_id, error);
  if (after == NULL)
    return NULL;

  if (creating)
    {
      if (!dw_desk_audit (self, actor, "customer", customer_id, "created", NULL, NULL, NULL, NULL,
                          error))
        return NULL;
    }
  else if (!dw_desk_audit_diff (self, actor, "customer", customer_id, before, after,
                                customer_audited, NULL, error))
    {
      return NULL;
    }

  if (!dw_desk_emit (self, creating ? "customer.created" : "customer.updated", 0, 0, after, error))
    return NULL;

  return g_steal_pointer (&after);
}

static JsonObject *
write_customer_write (DwDesk   *self,
                      gpointer  data,
                      GError  **error)
{
  DwDeskWriteArgs *args = data;

  return write_customer_locked (self, args->actor, args->id, args->fields, error);
}

JsonObject *
dw_desk_create_customer (DwDesk       *self,
                         DwPrincipal  *actor,
                         JsonObject   *fields,
                         GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  return dw_desk_write (self, write_customer_write, &(DwDeskWriteArgs) { actor, 0, fields },
                        error);
}

JsonObject *
dw_desk_update_customer (DwDesk       *self,
                         DwPrincipal  *actor,
                         gint64        customer_id,
                         JsonObject   *changes,
                         GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (customer_id <= 0)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                   "no customer %" G_GINT64_FORMAT, customer_id);
      return NULL;
    }

  return dw_desk_write (self, write_customer_write,
                        &(DwDeskWriteArgs) { actor, customer_id, changes }, error);
}
