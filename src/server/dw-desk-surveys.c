/* dw-desk-surveys.c: CSAT surveys — issued on solving, answered once by the customer through
 * its link, voided only by an admin with a reason. */
#define G_LOG_DOMAIN "dw-desk"

#include "config.h"

#include "dw-desk-surveys.h"
#include "dw-desk-private.h"

#include <sodium.h>
#include <string.h>

#define TOKEN_PREFIX "dws_"
#define MAC_BYTES 16
/* "dws_" + 16 hex digits of the id + 32 of the MAC */
#define TOKEN_LENGTH (4 + 16 + 2 * MAC_BYTES)

/* The desk's survey secret, made on first use inside the caller's transaction. */
static gboolean
load_secret (DwDesk  *self,
             guchar   key[crypto_generichash_KEYBYTES],
             GError **error)
{
  g_autoptr(sqlite3_stmt) read = dw_store_prepare (self->db,
    "SELECT value FROM settings WHERE key = 'survey_secret'", error);
  const char *hex;
  gsize length = 0;

  if (read == NULL)
    return FALSE;

  if (sqlite3_step (read) != SQLITE_ROW)
    {
      g_autoptr(sqlite3_stmt) write = dw_store_prepare (self->db,
        "INSERT INTO settings (key, value) VALUES ('survey_secret', ?)", error);
      char text[crypto_generichash_KEYBYTES * 2 + 1];

      if (write == NULL)
        return FALSE;
      randombytes_buf (key, crypto_generichash_KEYBYTES);
      sodium_bin2hex (text, sizeof text, key, crypto_generichash_KEYBYTES);
      sqlite3_bind_text (write, 1, text, -1, SQLITE_TRANSIENT);
      sodium_memzero (text, sizeof text);
      return dw_store_step_done (write, error);
    }

  hex = (const char *) sqlite3_column_text (read, 0);
  if (hex == NULL
      || sodium_hex2bin (key, crypto_generichash_KEYBYTES, hex, strlen (hex), NULL, &length,
                         NULL) != 0
      || length != crypto_generichash_KEYBYTES)
    {
      g_set_error_literal (error, DW_STORE_ERROR, DW_STORE_ERROR_FAILED,
                           "the survey secret in settings is damaged");
      return FALSE;
    }
  return TRUE;
}

static void
survey_mac (const guchar key[crypto_generichash_KEYBYTES],
            gint64       survey_id,
            guchar       mac[MAC_BYTES])
{
  guchar id[8];

  for (int i = 0; i < 8; i++)
    id[i] = (guchar) ((guint64) survey_id >> (56 - 8 * i));
  crypto_generichash (mac, MAC_BYTES, id, sizeof id, key, crypto_generichash_KEYBYTES);
}

static char *
make_token (const guchar key[crypto_generichash_KEYBYTES],
            gint64       survey_id)
{
  guchar mac[MAC_BYTES];
  char mac_hex[2 * MAC_BYTES + 1];

  survey_mac (key, survey_id, mac);
  sodium_bin2hex (mac_hex, sizeof mac_hex, mac, sizeof mac);
  return g_strdup_printf (TOKEN_PREFIX "%016" G_GINT64_MODIFIER "x%s", survey_id, mac_hex);
}

/* The survey a token names, or 0 when it names none (checked in constant time). */
static gint64
read_token (const guchar  key[crypto_generichash_KEYBYTES],
            const char   *token)
{
  guchar mac[MAC_BYTES], given[MAC_BYTES];
  char id_hex[17];
  gsize length = 0;
  guint64 id;

  if (token == NULL || strlen (token) != TOKEN_LENGTH || !g_str_has_prefix (token, TOKEN_PREFIX))
    return 0;

  memcpy (id_hex, token + 4, 16);
  id_hex[16] = '\0';
  if (!g_ascii_string_to_unsigned (id_hex, 16, 1, G_MAXINT64, &id, NULL)
      || sodium_hex2bin (given, sizeof given, token + 20, 2 * MAC_BYTES, NULL, &length, NULL) != 0
      || length != MAC_BYTES)
    return 0;

  survey_mac (key, (gint64) id, mac);
  return sodium_memcmp (mac, given, MAC_BYTES) == 0 ? (gint64) id : 0;
}

gboolean
dw_desk_issue_survey_locked (DwDesk  *self,
                             gint64   ticket_id,
                             GError **error)
{
  g_autoptr(sqlite3_stmt) expire = dw_store_prepare (self->db,
    "UPDATE surveys SET expires_at = min (expires_at, ?1) WHERE ticket_id = ?2 "
    "AND answered_at IS NULL", error);
  g_autoptr(sqlite3_stmt) insert = dw_store_prepare (self->db,
    "INSERT INTO surveys (ticket_id, issued_at, expires_at) VALUES (?, ?, ?)", error);
  g_autoptr(JsonObject) event = json_object_new ();
  g_autofree char *expires = NULL;
  gint64 now = dw_clock_now (self->clock);
  gint64 survey_id;

  if (expire == NULL || insert == NULL)
    return FALSE;

  sqlite3_bind_int64 (expire, 1, now);
  sqlite3_bind_int64 (expire, 2, ticket_id);
  sqlite3_bind_int64 (insert, 1, ticket_id);
  sqlite3_bind_int64 (insert, 2, now);
  sqlite3_bind_int64 (insert, 3, now + DW_SURVEY_LIFETIME);
  if (!dw_store_step_done (expire, error) || !dw_store_step_done (insert, error))
    return FALSE;
  survey_id = sqlite3_last_insert_rowid (self->db);

  /* The link itself is fetched by the intake (GET /tickets/{id}/survey); the stream only says
   * there is one to send, to admins. */
  expires = dw_time_to_iso8601 (now + DW_SURVEY_LIFETIME);
  json_object_set_int_member (event, "survey_id", survey_id);
  json_object_set_int_member (event, "ticket_id", ticket_id);
  json_object_set_string_member (event, "expires_at", expires);
  return dw_desk_audit (self, NULL, "ticket", ticket_id, "survey-issued", NULL, NULL, NULL,
                        NULL, error)
         && dw_desk_emit (self, "survey.issued", 0, 0, event, error);
}

typedef struct
{
  gint64 id;
  gint64 ticket_id;
  gint64 issued_at;
  gint64 expires_at;
  gint64 answered_at;
  int    rating;
  char  *comment;
  gint64 voided_at;
  char  *void_reason;
} Survey;

static void
survey_clear (Survey *survey)
{
  g_clear_pointer (&survey->comment, g_free);
  g_clear_pointer (&survey->void_reason, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Survey, survey_clear)

#define SURVEY_COLUMNS "id, ticket_id, issued_at, expires_at, coalesce (answered_at, 0), " \
                       "coalesce (rating, 0), comment, coalesce (voided_at, 0), void_reason"

static gboolean
survey_from (sqlite3_stmt *stmt,
             Survey       *survey)
{
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return FALSE;
  survey->id = sqlite3_column_int64 (stmt, 0);
  survey->ticket_id = sqlite3_column_int64 (stmt, 1);
  survey->issued_at = sqlite3_column_int64 (stmt, 2);
  survey->expires_at = sqlite3_column_int64 (stmt, 3);
  survey->answered_at = sqlite3_column_int64 (stmt, 4);
  survey->rating = sqlite3_column_int (stmt, 5);
  survey->comment = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  survey->voided_at = sqlite3_column_int64 (stmt, 7);
  survey->void_reason = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
  return TRUE;
}

static JsonObject *
survey_json (const Survey *survey,
             const char   *token)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "id", survey->id);
  json_object_set_int_member (object, "ticket_id", survey->ticket_id);
  if (token != NULL)
    json_object_set_string_member (object, "token", token);
  dw_json_set_time_or_null (object, "issued_at", survey->issued_at);
  dw_json_set_time_or_null (object, "expires_at", survey->expires_at);
  dw_json_set_time_or_null (object, "answered_at", survey->answered_at);
  if (survey->rating > 0)
    json_object_set_int_member (object, "rating", survey->rating);
  else
    json_object_set_null_member (object, "rating");
  dw_json_set_string_or_null (object, "comment", survey->comment);
  dw_json_set_time_or_null (object, "voided_at", survey->voided_at);
  dw_json_set_string_or_null (object, "void_reason", survey->void_reason);
  return object;
}

static gboolean
latest_survey (DwDesk  *self,
               gint64   ticket_id,
               Survey  *survey,
               GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (self->db,
    "SELECT " SURVEY_COLUMNS " FROM surveys WHERE ticket_id = ? ORDER BY id DESC LIMIT 1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, ticket_id);
  if (!survey_from (stmt, survey))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                   "ticket %" G_GINT64_FORMAT " has no survey (it has not been solved)", ticket_id);
      return FALSE;
    }
  return TRUE;
}

static gboolean
admin_only (DwPrincipal  *actor,
            const char   *what,
            GError      **error)
{
  if (actor == NULL || actor->role == DW_ROLE_ADMIN)
    return TRUE;
  g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
               "only the intake (an admin) may %s: ratings come from the customer", what);
  return FALSE;
}

JsonObject *
dw_desk_get_survey (DwDesk       *self,
                    DwPrincipal  *actor,
                    gint64        ticket_id,
                    GError      **error)
{
  g_auto(Survey) survey = { 0 };
  guchar key[crypto_generichash_KEYBYTES];
  g_autofree char *token = NULL;
  JsonObject *result = NULL;

  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!admin_only (actor, "read a survey's link", error))
    return NULL;
  /* the secret may be made now: a write */
  if (!dw_desk_begin (self, error))
    return NULL;
  if (latest_survey (self, ticket_id, &survey, error) && load_secret (self, key, error))
    {
      token = make_token (key, survey.id);
      result = survey_json (&survey, token);
    }
  sodium_memzero (key, sizeof key);
  return dw_desk_finish (self, result, error);
}

/* The ticket's rating follows its answered survey: a new version, audited, on the stream. */
static gboolean
set_ticket_rating (DwDesk       *self,
                   DwPrincipal  *actor,
                   gint64        ticket_id,
                   int           rating,
                   const char   *comment,
                   const char   *action,
                   const char   *reason,
                   GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (self->db,
    "UPDATE tickets SET csat = ?, csat_comment = ?, version = version + 1, updated_at = ? "
    "WHERE id = ?", error);
  g_autoptr(sqlite3_stmt) ticket = dw_store_prepare (self->db,
    "SELECT coalesce (team_id, 0), coalesce (assignee_id, 0), status FROM tickets WHERE id = ?",
    error);
  g_autoptr(GArray) touched = g_array_new (FALSE, FALSE, sizeof (DwTouched));
  g_autoptr(JsonNode) after = json_node_new (JSON_NODE_VALUE);
  int status = DW_STATUS_SOLVED;

  if (stmt == NULL || ticket == NULL)
    return FALSE;

  sqlite3_bind_int64 (ticket, 1, ticket_id);
  if (sqlite3_step (ticket) != SQLITE_ROW)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND, "no ticket %" G_GINT64_FORMAT,
                   ticket_id);
      return FALSE;
    }
  dw_enum_from_string (DW_TYPE_STATUS, (const char *) sqlite3_column_text (ticket, 2), &status);

  if (rating > 0)
    sqlite3_bind_int (stmt, 1, rating);
  else
    sqlite3_bind_null (stmt, 1);
  dw_store_bind_text_or_null (stmt, 2, comment);
  sqlite3_bind_int64 (stmt, 3, dw_clock_now (self->clock));
  sqlite3_bind_int64 (stmt, 4, ticket_id);
  if (!dw_store_step_done (stmt, error))
    return FALSE;

  if (rating > 0)
    json_node_set_int (after, rating);
  else
    json_node_init_null (after);
  dw_desk_touch (touched, ticket_id, sqlite3_column_int64 (ticket, 0),
                 sqlite3_column_int64 (ticket, 1), dw_status_is_active (status));
  return dw_desk_audit (self, actor, "ticket", ticket_id, action, "csat", NULL, after, reason,
                        error)
         && dw_desk_flush_touched (self, touched, 0, error);
}

static JsonObject *
answer_locked (DwDesk      *self,
               const char  *token,
               JsonObject  *fields,
               GError     **error)
{
  static const char * const members[] = { "rating", "comment", NULL };
  g_auto(Survey) survey = { 0 };
  g_autoptr(sqlite3_stmt) read = NULL;
  g_autoptr(sqlite3_stmt) write = NULL;
  g_autofree char *comment = NULL;
  guchar key[crypto_generichash_KEYBYTES];
  gint64 rating = 0, survey_id, now = dw_clock_now (self->clock);

  if (!load_secret (self, key, error))
    return NULL;
  survey_id = read_token (key, token);
  sodium_memzero (key, sizeof key);

  read = dw_store_prepare (self->db, "SELECT " SURVEY_COLUMNS " FROM surveys WHERE id = ?",
                           error);
  if (read == NULL)
    return NULL;
  sqlite3_bind_int64 (read, 1, survey_id);
  if (survey_id == 0 || !survey_from (read, &survey))
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                           "there is no such survey");
      return NULL;
    }

  if (survey.answered_at > 0)
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_CONFLICT,
                           "this survey has been answered already");
      return NULL;
    }
  if (now >= survey.expires_at)
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_GONE,
                           "the time to answer this survey is over");
      return NULL;
    }

  if (!dw_json_check_members (fields, members, error)
      || !dw_json_get_int64 (fields, "rating", DW_JSON_REQUIRED | DW_JSON_POSITIVE, &rating, error)
      || !dw_json_get_string (fields, "comment", DW_JSON_NULLABLE, &comment, error))
    return NULL;
  if (rating > 5)
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                           "rating: from 1 to 5");
      return NULL;
    }
  if (comment != NULL && g_utf8_strlen (comment, -1) > 2000)
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                           "comment: at most 2000 characters");
      return NULL;
    }

  write = dw_store_prepare (self->db, "UPDATE surveys SET answered_at = ?, rating = ?, "
                                      "comment = ? WHERE id = ? AND answered_at IS NULL", error);
  if (write == NULL)
    return NULL;
  sqlite3_bind_int64 (write, 1, now);
  sqlite3_bind_int64 (write, 2, rating);
  dw_store_bind_text_or_null (write, 3, comment);
  sqlite3_bind_int64 (write, 4, survey.id);
  if (!dw_store_step_done (write, error)
      || !set_ticket_rating (self, NULL, survey.ticket_id, (int) rating, comment, "rated",
                             "the customer answered the survey", error))
    return NULL;

  survey.answered_at = now;
  survey.rating = (int) rating;
  g_free (survey.comment);
  survey.comment = g_steal_pointer (&comment);
  return survey_json (&survey, NULL);
}

JsonObject *
dw_desk_answer_survey (DwDesk       *self,
                       const char   *token,
                       JsonObject   *fields,
                       GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!dw_desk_begin (self, error))
    return NULL;
  return dw_desk_finish (self, answer_locked (self, token, fields, error), error);
}

static JsonObject *
void_locked (DwDesk       *self,
             DwPrincipal  *actor,
             gint64        ticket_id,
             JsonObject   *fields,
             GError      **error)
{
  static const char * const members[] = { "reason", NULL };
  g_auto(Survey) survey = { 0 };
  g_autoptr(sqlite3_stmt) write = NULL;
  g_autofree char *reason = NULL;
  gint64 now = dw_clock_now (self->clock);

  if (!admin_only (actor, "void a rating", error)
      || !dw_json_check_members (fields, members, error)
      || !dw_json_get_string (fields, "reason", DW_JSON_REQUIRED, &reason, error))
    return NULL;
  g_strstrip (reason);
  if (*reason == '\0' || g_utf8_strlen (reason, -1) > 500)
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                           "reason: 1 to 500 characters saying why");
      return NULL;
    }

  if (!latest_survey (self, ticket_id, &survey, error))
    return NULL;
  if (survey.answered_at == 0 || survey.voided_at > 0)
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_CONFLICT,
                           survey.voided_at > 0 ? "this rating is void already"
                                                : "the survey has not been answered");
      return NULL;
    }

  write = dw_store_prepare (self->db, "UPDATE surveys SET voided_at = ?, voided_by = ?, "
                                      "void_reason = ? WHERE id = ?", error);
  if (write == NULL)
    return NULL;
  sqlite3_bind_int64 (write, 1, now);
  dw_store_bind_id_or_null (write, 2, dw_desk_actor_id (actor));
  sqlite3_bind_text (write, 3, reason, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (write, 4, survey.id);
  if (!dw_store_step_done (write, error)
      || !set_ticket_rating (self, actor, ticket_id, 0, NULL, "rating-voided", reason, error))
    return NULL;

  survey.voided_at = now;
  survey.void_reason = g_steal_pointer (&reason);
  return survey_json (&survey, NULL);
}

JsonObject *
dw_desk_void_survey (DwDesk       *self,
                     DwPrincipal  *actor,
                     gint64        ticket_id,
                     JsonObject   *fields,
                     GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!dw_desk_begin (self, error))
    return NULL;
  return dw_desk_finish (self, void_locked (self, actor, ticket_id, fields, error), error);
}
