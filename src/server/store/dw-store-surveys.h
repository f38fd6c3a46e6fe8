/* dw-store-surveys.h: the named operations on CSAT surveys (dw-desk-surveys.c): the desk's
 * survey secret, issuing, reading, answering and voiding a survey, and the ticket's rating that
 * follows it.  No token is stored: a token is a MAC of the survey id, made and checked by the
 * desk (never passed to, nor logged by, the store). */
#pragma once

#include "store/dw-store-backend.h"

G_BEGIN_DECLS

/* A surveys row; 0 for a NULL number. */
typedef struct
{
  gint64  id;
  gint64  ticket_id;
  gint64  issued_at;
  gint64  expires_at;
  gint64  answered_at;
  int     rating;
  char   *comment;
  gint64  voided_at;
  char   *void_reason;
} DwStoreSurvey;

static inline void
dw_store_survey_clear (DwStoreSurvey *survey)
{
  g_clear_pointer (&survey->comment, g_free);
  g_clear_pointer (&survey->void_reason, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DwStoreSurvey, dw_store_survey_clear)

struct _DwStoreSurveyOps
{
  gboolean (*secret_get)    (DwStore        *store,
                             char          **hex,
                             GError        **error);
  gboolean (*secret_insert) (DwStore        *store,
                             const char     *hex,
                             GError        **error);
  gint64   (*issue)         (DwStore        *store,
                             gint64          ticket_id,
                             gint64          now,
                             gint64          expires_at,
                             GError        **error);
  gboolean (*latest)        (DwStore        *store,
                             gint64          ticket_id,
                             DwStoreSurvey  *survey,
                             gboolean       *found,
                             GError        **error);
  gboolean (*load)          (DwStore        *store,
                             gint64          survey_id,
                             DwStoreSurvey  *survey,
                             gboolean       *found,
                             GError        **error);
  gboolean (*answer)        (DwStore        *store,
                             gint64          survey_id,
                             gint64          now,
                             int             rating,
                             const char     *comment,
                             gboolean       *done,
                             GError        **error);
  gboolean (*void_answer)   (DwStore        *store,
                             gint64          survey_id,
                             gint64          now,
                             gint64          voided_by,
                             const char     *reason,
                             GError        **error);
  gboolean (*rate_ticket)   (DwStore        *store,
                             gint64          ticket_id,
                             int             rating,
                             const char     *comment,
                             gint64          now,
                             gint64         *team_id,
                             gint64         *assignee_id,
                             char          **status,
                             GError        **error);
};

/* The desk's survey secret as stored (hex), NULL in @hex when there is none yet. */
static inline gboolean
dw_store_survey_secret_get (DwStore  *store,
                            char    **hex,
                            GError  **error)
{
  return store->backend->surveys->secret_get (store, hex, error);
}

/* Stores the survey secret (DW_STORE_ERROR_CONSTRAINT when there is one already). */
static inline gboolean
dw_store_survey_secret_insert (DwStore     *store,
                               const char  *hex,
                               GError     **error)
{
  return store->backend->surveys->secret_insert (store, hex, error);
}

/* Ends the ticket's unanswered surveys at @now (if later) and issues a new one: its id, or 0
 * with @error (DW_STORE_ERROR_CONSTRAINT for an unknown ticket). */
static inline gint64
dw_store_survey_issue (DwStore  *store,
                       gint64    ticket_id,
                       gint64    now,
                       gint64    expires_at,
                       GError  **error)
{
  return store->backend->surveys->issue (store, ticket_id, now, expires_at, error);
}

/* The ticket's latest survey (highest id); @found FALSE when it has none. */
static inline gboolean
dw_store_survey_latest (DwStore        *store,
                        gint64          ticket_id,
                        DwStoreSurvey  *survey,
                        gboolean       *found,
                        GError        **error)
{
  return store->backend->surveys->latest (store, ticket_id, survey, found, error);
}

/* Survey @survey_id; @found FALSE when there is none. */
static inline gboolean
dw_store_survey_load (DwStore        *store,
                      gint64          survey_id,
                      DwStoreSurvey  *survey,
                      gboolean       *found,
                      GError        **error)
{
  return store->backend->surveys->load (store, survey_id, survey, found, error);
}

/* Records the answer if the survey is still unanswered: @done says whether this call did. */
static inline gboolean
dw_store_survey_answer (DwStore     *store,
                        gint64       survey_id,
                        gint64       now,
                        int          rating,
                        const char  *comment,
                        gboolean    *done,
                        GError     **error)
{
  return store->backend->surveys->answer (store, survey_id, now, rating, comment, done, error);
}

/* Voids the survey's answer (@voided_by 0: the system). */
static inline gboolean
dw_store_survey_void (DwStore     *store,
                      gint64       survey_id,
                      gint64       now,
                      gint64       voided_by,
                      const char  *reason,
                      GError     **error)
{
  return store->backend->surveys->void_answer (store, survey_id, now, voided_by, reason, error);
}

/* Sets the ticket's csat (@rating 0: NULL) and comment as a new version, and gives its team,
 * assignee (0: none) and status as they were; DW_STORE_ERROR_NOT_FOUND for an unknown id. */
static inline gboolean
dw_store_survey_rate_ticket (DwStore     *store,
                             gint64       ticket_id,
                             int          rating,
                             const char  *comment,
                             gint64       now,
                             gint64      *team_id,
                             gint64      *assignee_id,
                             char       **status,
                             GError     **error)
{
  return store->backend->surveys->rate_ticket (store, ticket_id, rating, comment, now, team_id,
                                               assignee_id, status, error);
}

G_END_DECLS
