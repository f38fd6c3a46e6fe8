/* dw-pg-surveys.c: the survey operations (store/dw-store-surveys.h) on PostgreSQL: the same
 * rows as dw-sqlite-surveys.c; least () where SQLite has the scalar min (). */
#define G_LOG_DOMAIN "dw-store"

#include "config.h"

#include <stdlib.h>

#include "dw-store.h"
#include "store/dw-store-surveys.h"
#include "store/pg/dw-pg-connection.h"
#include "store/pg/dw-pg-ops.h"
#include "store/pg/dw-pg-store.h"

#define SURVEY_COLUMNS "id, ticket_id, issued_at, expires_at, coalesce (answered_at, 0), " \
                       "coalesce (rating, 0), comment, coalesce (voided_at, 0), void_reason"

static gboolean
secret_get (DwStore  *store,
            char    **hex,
            GError  **error)
{
  return dw_pg_store_query_text (store,
    "SELECT value FROM settings WHERE key = 'survey_secret'", 0, NULL,
    hex, NULL, error);
}

static gboolean
secret_insert (DwStore     *store,
               const char  *hex,
               GError     **error)
{
  const char *params[] = { hex };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "INSERT INTO settings (key, value) VALUES ('survey_secret', $1)", 1,
    params, error);
  return result != NULL;
}

static gint64
issue (DwStore  *store,
       gint64    ticket_id,
       gint64    now,
       gint64    expires_at,
       GError  **error)
{
  g_autofree char *at = dw_pg_int_new (now);
  g_autofree char *ticket = dw_pg_int_new (ticket_id);
  g_autofree char *expires = dw_pg_int_new (expires_at);
  const char *expire_params[] = { at, ticket };
  const char *insert_params[] = { ticket, at, expires };
  g_autoptr(PGresult) expired = NULL;
  g_autoptr(PGresult) inserted = NULL;

  expired = dw_pg_store_query (store,
    "UPDATE surveys SET expires_at = least (expires_at, $1::bigint) "
    "WHERE ticket_id = $2 AND answered_at IS NULL", 2, expire_params, error);
  if (expired == NULL)
    return 0;

  inserted = dw_pg_store_query (store,
                                "INSERT INTO surveys (ticket_id, issued_at, expires_at) "
                                "VALUES ($1, $2, $3) RETURNING id", 3, insert_params, error);
  if (inserted == NULL)
    return 0;

  return dw_pg_get_int (inserted, 0, 0);
}

static gboolean
survey_from (const PGresult *result,
             DwStoreSurvey  *survey,
             gboolean       *found)
{
  *found = PQntuples (result) > 0;
  if (!*found)
    return TRUE;

  survey->id = dw_pg_get_int (result, 0, 0);
  survey->ticket_id = dw_pg_get_int (result, 0, 1);
  survey->issued_at = dw_pg_get_int (result, 0, 2);
  survey->expires_at = dw_pg_get_int (result, 0, 3);
  survey->answered_at = dw_pg_get_int (result, 0, 4);
  survey->rating = (int) dw_pg_get_int (result, 0, 5);
  survey->comment = dw_pg_get_strdup (result, 0, 6);
  survey->voided_at = dw_pg_get_int (result, 0, 7);
  survey->void_reason = dw_pg_get_strdup (result, 0, 8);
  return TRUE;
}

static gboolean
latest (DwStore        *store,
        gint64          ticket_id,
        DwStoreSurvey  *survey,
        gboolean       *found,
        GError        **error)
{
  g_autofree char *ticket = dw_pg_int_new (ticket_id);
  const char *params[] = { ticket };
  g_autoptr(PGresult) result = NULL;

  *found = FALSE;
  result = dw_pg_store_query (store,
                              "SELECT " SURVEY_COLUMNS " FROM surveys WHERE ticket_id = $1 "
                              "ORDER BY id DESC LIMIT 1", 1, params, error);
  return result != NULL && survey_from (result, survey, found);
}

static gboolean
load (DwStore        *store,
      gint64          survey_id,
      DwStoreSurvey  *survey,
      gboolean       *found,
      GError        **error)
{
  g_autofree char *id = dw_pg_int_new (survey_id);
  const char *params[] = { id };
  g_autoptr(PGresult) result = NULL;

  *found = FALSE;
  result = dw_pg_store_query (store,
    "SELECT " SURVEY_COLUMNS " FROM surveys WHERE id = $1", 1, params,
    error);
  return result != NULL && survey_from (result, survey, found);
}

static gboolean
answer (DwStore     *store,
        gint64       survey_id,
        gint64       now,
        int          rating,
        const char  *comment,
        gboolean    *done,
        GError     **error)
{
  g_autofree char *at = dw_pg_int_new (now);
  g_autofree char *stars = dw_pg_int_new (rating);
  g_autofree char *id = dw_pg_int_new (survey_id);
  const char *params[] = { at, stars, comment, id };
  g_autoptr(PGresult) result = NULL;

  *done = FALSE;
  result = dw_pg_store_query (store,
                              "UPDATE surveys SET answered_at = $1, rating = $2, comment = $3 "
                              "WHERE id = $4 AND answered_at IS NULL", 4, params, error);
  if (result == NULL)
    return FALSE;

  *done = atoi (PQcmdTuples (result)) > 0;
  return TRUE;
}

static gboolean
void_answer (DwStore     *store,
             gint64       survey_id,
             gint64       now,
             gint64       voided_by,
             const char  *reason,
             GError     **error)
{
  g_autofree char *at = dw_pg_int_new (now);
  g_autofree char *by = voided_by > 0 ? dw_pg_int_new (voided_by) : NULL;
  g_autofree char *id = dw_pg_int_new (survey_id);
  const char *params[] = { at, by, reason, id };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
                              "UPDATE surveys SET voided_at = $1, voided_by = $2, void_reason = $3 "
                              "WHERE id = $4", 4, params, error);
  return result != NULL;
}

static gboolean
rate_ticket (DwStore     *store,
             gint64       ticket_id,
             int          rating,
             const char  *comment,
             gint64       now,
             gint64      *team_id,
             gint64      *assignee_id,
             char       **status,
             GError     **error)
{
  g_autofree char *id = dw_pg_int_new (ticket_id);
  g_autofree char *stars = rating > 0 ? dw_pg_int_new (rating) : NULL;
  g_autofree char *at = dw_pg_int_new (now);
  const char *read_params[] = { id };
  const char *write_params[] = { stars, comment, at, id };
  g_autoptr(PGresult) ticket = NULL;
  g_autoptr(PGresult) updated = NULL;

  ticket = dw_pg_store_query (store,
                              "SELECT coalesce (team_id, 0), coalesce (assignee_id, 0), status "
                              "FROM tickets WHERE id = $1", 1, read_params, error);
  if (ticket == NULL)
    return FALSE;
  if (PQntuples (ticket) == 0)
    {
      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND,
                   "no ticket %" G_GINT64_FORMAT, ticket_id);
      return FALSE;
    }
  *team_id = dw_pg_get_int (ticket, 0, 0);
  *assignee_id = dw_pg_get_int (ticket, 0, 1);
  *status = dw_pg_get_strdup (ticket, 0, 2);

  updated = dw_pg_store_query (store,
    "UPDATE tickets SET csat = $1, csat_comment = $2, version = version + 1, "
    "updated_at = $3 WHERE id = $4", 4, write_params, error);
  return updated != NULL;
}

const DwStoreSurveyOps dw_pg_survey_ops = {
  .secret_get = secret_get,
  .secret_insert = secret_insert,
  .issue = issue,
  .latest = latest,
  .load = load,
  .answer = answer,
  .void_answer = void_answer,
  .rate_ticket = rate_ticket,
};
