/* dw-desk-surveys.c: CSAT surveys — issued on solving, answered once by the customer through
 * its link, voided only by an admin with a reason. */
#define G_LOG_DOMAIN "dw-desk"

#include "config.h"

#include "dw-desk-surveys.h"
#include "dw-desk-private.h"
#include "store/dw-store-surveys.h"

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
  g_autofree char *hex = NULL;
  gsize length = 0;

  if (!dw_store_survey_secret_get (self->store, &hex, error))
    return FALSE;

  if (hex == NULL)
    {
      char text[crypto_generichash_KEYBYTES * 2 + 1];
      gboolean stored;

      randombytes_buf (key, crypto_generichash_KEYBYTES);
      sodium_bin2hex (text, sizeof text, key, crypto_generichash_KEYBYTES);
      stored = dw_store_survey_secret_insert (self->store, text, error);
      sodium_memzero (text, sizeof text);
      return stored;
    }

  if (sodium_hex2bin (key, crypto_generichash_KEYBYTES, hex, strlen (hex), NULL, &length,
                      NULL) != 0
      || length != crypto_generichash_KEYBYTES)
    {
      sodium_memzero (hex, strlen (hex));
      g_set_error_literal (error, DW_STORE_ERROR, DW_STORE_ERROR_FAILED,
                           "the survey secret in settings is damaged");
      return FALSE;
    }
  sodium_memzero (hex, strlen (hex));
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
  g_autoptr(JsonObject) event = json_object_new ();
  g_autofree char *expires = NULL;
  gint64 now = dw_clock_now (self->clock);
  gint64 survey_id;

  survey_id = dw_store_survey_issue (self->store, ticket_id, now, now + DW_SURVEY_LIFETIME,
                                     error);
  if (survey_id == 0)
    return FALSE;

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

static JsonObject *
survey_json (const DwStoreSurvey *survey,
             const char          *token)
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
latest_survey (DwDesk         *self,
               gint64          ticket_id,
               DwStoreSurvey  *survey,
               GError        **error)
{
  gboolean found;

  if (!dw_store_survey_latest (self->store, ticket_id, survey, &found, error))
    return FALSE;
  if (!found)
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

static JsonObject *
get_survey_write (DwDesk   *self,
                  gpointer  data,
                  GError  **error)
{
  g_auto(DwStoreSurvey) survey = { 0 };
  guchar key[crypto_generichash_KEYBYTES];
  g_autofree char *token = NULL;
  JsonObject *result = NULL;
  gint64 ticket_id = *(gint64 *) data;

  if (latest_survey (self, ticket_id, &survey, error) && load_secret (self, key, error))
    {
      token = make_token (key, survey.id);
      result = survey_json (&survey, token);
    }
  sodium_memzero (key, sizeof key);
  return result;
}

JsonObject *
dw_desk_get_survey (DwDesk       *self,
                    DwPrincipal  *actor,
                    gint64        ticket_id,
                    GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!admin_only (actor, "read a survey's link", error))
    return NULL;
  /* the secret may be made now: a write */
  return dw_desk_write (self, get_survey_write, &ticket_id, error);
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
  g_autoptr(GArray) touched = g_array_new (FALSE, FALSE, sizeof (DwTouched));
  g_autoptr(JsonNode) after = json_node_new (JSON_NODE_VALUE);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *status_text = NULL;
  gint64 team_id = 0, assignee_id = 0;
  int status = DW_STATUS_SOLVED;

  if (!dw_store_survey_rate_ticket (self->store, ticket_id, rating, comment,
                                    dw_clock_now (self->clock), &team_id, &assignee_id,
                                    &status_text, &local_error))
    {
      if (g_error_matches (local_error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND))
        g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                     "no ticket %" G_GINT64_FORMAT, ticket_id);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  dw_enum_from_string (DW_TYPE_STATUS, status_text, &status);

  if (rating > 0)
    json_node_set_int (after, rating);
  else
    json_node_init_null (after);
  dw_desk_touch (touched, ticket_id, team_id, assignee_id, dw_status_is_active (status));
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
  g_auto(DwStoreSurvey) survey = { 0 };
  g_autofree char *comment = NULL;
  gboolean found = FALSE, done = FALSE;
  guchar key[crypto_generichash_KEYBYTES];
  gint64 rating = 0, survey_id, now = dw_clock_now (self->clock);

  if (!load_secret (self, key, error))
    return NULL;
  survey_id = read_token (key, token);
  sodium_memzero (key, sizeof key);

  if (survey_id != 0 && !dw_store_survey_load (self->store, survey_id, &survey, &found, error))
    return NULL;
  if (!found)
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

  if (!dw_store_survey_answer (self->store, survey.id, now, (int) rating, comment, &done, error))
    return NULL;
  /* Answered by another request since it was read (another instance, issue 14). */
  if (!done)
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_CONFLICT,
                           "this survey has been answered already");
      return NULL;
    }
  if (!set_ticket_rating (self, NULL, survey.ticket_id, (int) rating, comment, "rated",
                          "the customer answered the survey", error))
    return NULL;

  survey.answered_at = now;
  survey.rating = (int) rating;
  g_free (survey.comment);
  survey.comment = g_steal_pointer (&comment);
  return survey_json (&survey, NULL);
}

typedef struct
{
  const char *token;
  JsonObject *fields;
} Answer;

static JsonObject *
answer_write (DwDesk   *self,
              gpointer  data,
              GError  **error)
{
  Answer *answer = data;

  return answer_locked (self, answer->token, answer->fields, error);
}

JsonObject *
dw_desk_answer_survey (DwDesk       *self,
                       const char   *token,
                       JsonObject   *fields,
                       GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  return dw_desk_write (self, answer_write, &(Answer) { token, fields }, error);
}

static JsonObject *
void_locked (DwDesk       *self,
             DwPrincipal  *actor,
             gint64        ticket_id,
             JsonObject   *fields,
             GError      **error)
{
  static const char * const members[] = { "reason", NULL };
  g_auto(DwStoreSurvey) survey = { 0 };
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

  if (!dw_store_survey_void (self->store, survey.id, now, dw_desk_actor_id (actor), reason, error)
      || !set_ticket_rating (self, actor, ticket_id, 0, NULL, "rating-voided", reason, error))
    return NULL;

  survey.voided_at = now;
  survey.void_reason = g_steal_pointer (&reason);
  return survey_json (&survey, NULL);
}

static JsonObject *
void_write (DwDesk   *self,
            gpointer  data,
            GError  **error)
{
  DwDeskWriteArgs *args = data;

  return void_locked (self, args->actor, args->id, args->fields, error);
}

JsonObject *
dw_desk_void_survey (DwDesk       *self,
                     DwPrincipal  *actor,
                     gint64        ticket_id,
                     JsonObject   *fields,
                     GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  return dw_desk_write (self, void_write, &(DwDeskWriteArgs) { actor, ticket_id, fields },
                        error);
}
