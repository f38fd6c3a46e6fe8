/* dw-desk-absences.c: absences (请假: leave, sick, training). */
#define G_LOG_DOMAIN "dw-desk"

#include "config.h"

#include "dw-desk-roster-private.h"

/* Absences */

static const char * const absence_kinds[] = { "leave", "sick", "training", NULL };

#define ABSENCE_COLUMNS "id, user_id, kind, starts_at, ends_at, note"

static JsonObject *
absence_json (sqlite3_stmt *stmt)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "id", sqlite3_column_int64 (stmt, 0));
  json_object_set_int_member (object, "user_id", sqlite3_column_int64 (stmt, 1));
  json_object_set_string_member (object, "kind", (const char *) sqlite3_column_text (stmt, 2));
  dw_json_set_time_or_null (object, "starts_at", sqlite3_column_int64 (stmt, 3));
  dw_json_set_time_or_null (object, "ends_at", sqlite3_column_int64 (stmt, 4));
  json_object_set_string_member (object, "note", (const char *) sqlite3_column_text (stmt, 5));
  return object;
}

/* The agent's absences are read by itself, the leads of its teams and admins, and written by
 * the latter two. */
static gboolean
leads_user (DwDesk      *self,
            DwPrincipal *actor,
            gint64       user_id)
{
  if (actor == NULL || actor->role == DW_ROLE_ADMIN)
    return TRUE;
  if (actor->role != DW_ROLE_LEAD)
    return FALSE;
  for (guint i = 0; i < actor->lead_team_ids->len; i++)
    if (dw_desk_user_in_team (self, user_id, g_array_index (actor->lead_team_ids, gint64, i)))
      return TRUE;
  return FALSE;
}

static gint64
first_team_of (DwDesk *self,
               gint64  user_id)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (self->db,
    "SELECT team_id FROM team_members WHERE user_id = ? ORDER BY team_id LIMIT 1", NULL);

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, user_id);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
}

static JsonObject *
create_absence_locked (DwDesk       *self,
                       DwPrincipal  *actor,
                       JsonObject   *fields,
                       GError      **error)
{
  static const char * const members[] = {
    "user_id", "kind", "starts_at", "ends_at", "note", NULL
  };
  g_autofree char *kind = NULL;
  g_autofree char *note = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autoptr(sqlite3_stmt) read = NULL;
  g_autoptr(sqlite3_stmt) clashes = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonArray) clashing = json_array_new ();
  gint64 user_id = 0, starts_at = 0, ends_at = 0, id;

  if (!dw_json_check_members (fields, members, error)
      || !dw_json_get_int64 (fields, "user_id", DW_JSON_REQUIRED | DW_JSON_POSITIVE, &user_id,
                             error)
      || !dw_json_get_string (fields, "kind", DW_JSON_REQUIRED, &kind, error)
      || !dw_json_get_time (fields, "starts_at", DW_JSON_REQUIRED, &starts_at, error)
      || !dw_json_get_time (fields, "ends_at", DW_JSON_REQUIRED, &ends_at, error)
      || !dw_json_get_string (fields, "note", DW_JSON_NULLABLE, &note, error))
    return NULL;

  if (!g_strv_contains (absence_kinds, kind))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "kind: \"%s\" is not one of leave, sick, training", kind);
      return NULL;
    }
  if (note != NULL && g_utf8_strlen (note, -1) > 500)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "note: at most 500 characters");
      return NULL;
    }
  if (!dw_desk_roster_check_span ("absence", starts_at, ends_at, DW_MAX_ABSENCE_SECONDS, error))
    return NULL;
  if (!dw_desk_row_exists (self, "users", user_id))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "user_id: there is no user %" G_GINT64_FORMAT, user_id);
      return NULL;
    }
  if (!leads_user (self, actor, user_id))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                   "only a lead of the agent's team or an admin may record its absence");
      return NULL;
    }

  insert = dw_store_prepare (self->db,
                             "INSERT INTO absences (user_id, kind, starts_at, ends_at, note, "
                             "created_at) VALUES (?, ?, ?, ?, ?, ?)", error);
  read = dw_store_prepare (self->db, "SELECT " ABSENCE_COLUMNS " FROM absences WHERE id = ?",
                           error);
  clashes = dw_store_prepare (self->db,
                              "SELECT id FROM shifts WHERE user_id = ? AND ends_at > ? "
                              "AND starts_at < ? ORDER BY starts_at", error);
  if (insert == NULL || read == NULL || clashes == NULL)
    return NULL;

  sqlite3_bind_int64 (insert, 1, user_id);
  sqlite3_bind_text (insert, 2, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (insert, 3, starts_at);
  sqlite3_bind_int64 (insert, 4, ends_at);
  sqlite3_bind_text (insert, 5, note != NULL ? note : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (insert, 6, dw_clock_now (self->clock));
  if (!dw_store_step_done (insert, error))
    return NULL;
  id = sqlite3_last_insert_rowid (self->db);

  sqlite3_bind_int64 (read, 1, id);
  if (sqlite3_step (read) != SQLITE_ROW)
    {
      dw_store_set_error (error, self->db, SQLITE_ERROR);
      return NULL;
    }
  result = absence_json (read);

  /* Shifts already rostered in the absence stay, flagged: the planner moves them. */
  sqlite3_bind_int64 (clashes, 1, user_id);
  sqlite3_bind_int64 (clashes, 2, starts_at);
  sqlite3_bind_int64 (clashes, 3, ends_at);
  while (sqlite3_step (clashes) == SQLITE_ROW)
    json_array_add_int_element (clashing, sqlite3_column_int64 (clashes, 0));
  json_object_set_array_member (result, "clashing_shift_ids", g_steal_pointer (&clashing));

  if (!dw_desk_audit (self, actor, "absence", id, "created", NULL, NULL, NULL, NULL, error)
      || !dw_desk_emit (self, "absence.created", first_team_of (self, user_id), user_id, result,
                        error))
    return NULL;

  return g_steal_pointer (&result);
}

JsonObject *
dw_desk_create_absence (DwDesk       *self,
                        DwPrincipal  *actor,
                        JsonObject   *fields,
                        GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!dw_desk_begin (self, error))
    return NULL;
  return dw_desk_finish (self, create_absence_locked (self, actor, fields, error), error);
}

static JsonObject *
delete_absence_locked (DwDesk       *self,
                       DwPrincipal  *actor,
                       gint64        absence_id,
                       GError      **error)
{
  g_autoptr(sqlite3_stmt) read = dw_store_prepare (self->db,
    "SELECT " ABSENCE_COLUMNS " FROM absences WHERE id = ?", error);
  g_autoptr(sqlite3_stmt) drop = dw_store_prepare (self->db,
    "DELETE FROM absences WHERE id = ?", error);
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  gint64 user_id;

  if (read == NULL || drop == NULL)
    return NULL;

  sqlite3_bind_int64 (read, 1, absence_id);
  if (sqlite3_step (read) != SQLITE_ROW
      || !(leads_user (self, actor, sqlite3_column_int64 (read, 1))
           || (actor != NULL && actor->user_id == sqlite3_column_int64 (read, 1))))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                   "no absence %" G_GINT64_FORMAT, absence_id);
      return NULL;
    }
  user_id = sqlite3_column_int64 (read, 1);
  result = absence_json (read);

  if (!leads_user (self, actor, user_id))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                   "only a lead of the agent's team or an admin may remove its absence");
      return NULL;
    }

  sqlite3_bind_int64 (drop, 1, absence_id);
  if (!dw_store_step_done (drop, error))
    return NULL;

  node = json_node_init_object (json_node_alloc (), result);
  if (!dw_desk_audit (self, actor, "absence", absence_id, "deleted", NULL, node, NULL, NULL, error)
      || !dw_desk_emit (self, "absence.deleted", first_team_of (self, user_id), user_id, result,
                        error))
    return NULL;
  return g_steal_pointer (&result);
}

JsonObject *
dw_desk_delete_absence (DwDesk       *self,
                        DwPrincipal  *actor,
                        gint64        absence_id,
                        GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!dw_desk_begin (self, error))
    return NULL;
  return dw_desk_finish (self, delete_absence_locked (self, actor, absence_id, error), error);
}

JsonArray *
dw_desk_list_absences (DwDesk       *self,
                       DwPrincipal  *actor,
                       gint64        team_id,
                       gint64        user_id,
                       gint64        from,
                       gint64        to,
                       GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonArray) items = json_array_new ();

  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (to <= from || to - from > DW_MAX_ABSENCE_SECONDS)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "to: must be later than from, and at most 366 days after it");
      return NULL;
    }

  stmt = dw_store_prepare (self->db,
                           "SELECT " ABSENCE_COLUMNS " FROM absences a "
                           "WHERE ends_at > ?1 AND starts_at < ?2 AND (?3 = 0 OR user_id = ?3) "
                           "AND (?4 = 0 OR EXISTS (SELECT 1 FROM team_members m "
                           "WHERE m.user_id = a.user_id AND m.team_id = ?4)) "
                           "ORDER BY starts_at, id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  sqlite3_bind_int64 (stmt, 3, user_id);
  sqlite3_bind_int64 (stmt, 4, team_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 owner = sqlite3_column_int64 (stmt, 1);

      if ((actor != NULL && actor->user_id == owner) || leads_user (self, actor, owner))
        json_array_add_object_element (items, absence_json (stmt));
    }
  return g_steal_pointer (&items);
}
