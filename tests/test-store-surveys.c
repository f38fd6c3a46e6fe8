/* test-store-surveys.c: the survey operations (store/dw-store-surveys.h), without HTTP.
 *
 * Every test runs once per backend (tests/dw-test-store.h), under /store/<backend>/surveys/,
 * and checks the same answers.  An answer is recorded once: the second call reports that it
 * did nothing and changes nothing.
 */
#include "config.h"

#include "dw-store.h"
#include "store/dw-store-surveys.h"
#include "dw-test-store.h"

typedef DwTestStoreFixture Fixture;

static const char seed_sql[] =
  "INSERT INTO teams (id, name, calendar_id, created_at) "
  "VALUES (7, 'Returns', (SELECT min (id) FROM calendars), 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
  "VALUES (11, 'li', 'Li', 'admin', 0, 0);"
  "INSERT INTO tickets (id, subject, channel, status, team_id, assignee_id, created_at, "
  "                     updated_at) "
  "VALUES (100, 'Karton nass', 'email', 'solved', 7, 11, 100, 100);"
  "INSERT INTO tickets (id, subject, channel, status, created_at, updated_at) "
  "VALUES (101, 'Unassigned', 'web', 'closed', 101, 101);";

static void
test_secret (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *none = NULL;
  g_autofree char *hex = NULL;

  g_assert_true (dw_store_survey_secret_get (fixture->store, &none, &error));
  g_assert_no_error (error);
  g_assert_null (none);

  g_assert_true (dw_store_survey_secret_insert (fixture->store, "00ff", &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_survey_secret_get (fixture->store, &hex, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (hex, ==, "00ff");

  /* Made once: a second one is refused. */
  g_assert_false (dw_store_survey_secret_insert (fixture->store, "aa", &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
}

static void
test_issue_latest (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gboolean found = TRUE;
  gint64 first, second;

  {
    g_auto(DwStoreSurvey) survey = { 0 };

    g_assert_true (dw_store_survey_latest (fixture->store, 100, &survey, &found, &error));
    g_assert_no_error (error);
    g_assert_false (found);
  }

  first = dw_store_survey_issue (fixture->store, 100, 1000, 5000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (first, >, 0);

  {
    g_auto(DwStoreSurvey) survey = { 0 };

    g_assert_true (dw_store_survey_latest (fixture->store, 100, &survey, &found, &error));
    g_assert_no_error (error);
    g_assert_true (found);
    g_assert_cmpint (survey.id, ==, first);
    g_assert_cmpint (survey.ticket_id, ==, 100);
    g_assert_cmpint (survey.issued_at, ==, 1000);
    g_assert_cmpint (survey.expires_at, ==, 5000);
    g_assert_cmpint (survey.answered_at, ==, 0);
    g_assert_cmpint (survey.rating, ==, 0);
    g_assert_null (survey.comment);
    g_assert_cmpint (survey.voided_at, ==, 0);
    g_assert_null (survey.void_reason);
  }

  /* A new survey ends the unanswered one now (not later than it would have). */
  second = dw_store_survey_issue (fixture->store, 100, 2000, 6000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (second, >, first);

  {
    g_auto(DwStoreSurvey) latest = { 0 };
    g_auto(DwStoreSurvey) old = { 0 };

    g_assert_true (dw_store_survey_latest (fixture->store, 100, &latest, &found, &error));
    g_assert_no_error (error);
    g_assert_cmpint (latest.id, ==, second);
    g_assert_true (dw_store_survey_load (fixture->store, first, &old, &found, &error));
    g_assert_no_error (error);
    g_assert_true (found);
    g_assert_cmpint (old.expires_at, ==, 2000);
  }

  {
    g_auto(DwStoreSurvey) later = { 0 };

    /* Issued again "before" its end: the end stays. */
    g_assert_cmpint (dw_store_survey_issue (fixture->store, 100, 9000, 9999, &error), >, 0);
    g_assert_no_error (error);
    g_assert_true (dw_store_survey_load (fixture->store, second, &later, &found, &error));
    g_assert_cmpint (later.expires_at, ==, 6000);
  }

  {
    g_auto(DwStoreSurvey) missing = { 0 };

    g_assert_true (dw_store_survey_load (fixture->store, 999, &missing, &found, &error));
    g_assert_no_error (error);
    g_assert_false (found);
  }

  g_assert_cmpint (dw_store_survey_issue (fixture->store, 999, 1, 2, &error), ==, 0);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
}

static void
test_answer_once (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DwStoreSurvey) survey = { 0 };
  gboolean done = FALSE, found = FALSE;
  gint64 id;

  id = dw_store_survey_issue (fixture->store, 100, 1000, 5000, &error);
  g_assert_no_error (error);

  g_assert_true (dw_test_store_begin (fixture->desk, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_survey_answer (fixture->store, id, 1500, 4, "好", &done, &error));
  g_assert_no_error (error);
  g_assert_true (done);
  g_assert_true (dw_store_survey_answer (fixture->store, id, 1600, 1, NULL, &done, &error));
  g_assert_no_error (error);
  g_assert_false (done);
  g_assert_true (dw_test_store_commit (fixture->desk, &error));
  g_assert_no_error (error);

  g_assert_true (dw_store_survey_load (fixture->store, id, &survey, &found, &error));
  g_assert_no_error (error);
  g_assert_cmpint (survey.answered_at, ==, 1500);
  g_assert_cmpint (survey.rating, ==, 4);
  g_assert_cmpstr (survey.comment, ==, "好");

  g_assert_true (dw_store_survey_answer (fixture->store, 999, 1, 5, NULL, &done, &error));
  g_assert_no_error (error);
  g_assert_false (done);

  /* Ratings are 1 to 5. */
  id = dw_store_survey_issue (fixture->store, 101, 1000, 5000, &error);
  g_assert_no_error (error);
  g_assert_false (dw_store_survey_answer (fixture->store, id, 1500, 6, NULL, &done, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
}

static void
test_void (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DwStoreSurvey) survey = { 0 };
  gboolean done = FALSE, found = FALSE;
  gint64 id;

  id = dw_store_survey_issue (fixture->store, 100, 1000, 5000, &error);
  g_assert_no_error (error);
  g_assert_true (dw_store_survey_answer (fixture->store, id, 1500, 1, NULL, &done, &error));
  g_assert_true (dw_store_survey_void (fixture->store, id, 1700, 11, "wrong customer", &error));
  g_assert_no_error (error);

  g_assert_true (dw_store_survey_latest (fixture->store, 100, &survey, &found, &error));
  g_assert_no_error (error);
  g_assert_cmpint (survey.voided_at, ==, 1700);
  g_assert_cmpstr (survey.void_reason, ==, "wrong customer");
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM surveys WHERE voided_by = 11"),
                   ==, 1);

  /* By the system: no user. */
  g_assert_true (dw_store_survey_void (fixture->store, id, 1800, 0, "again", &error));
  g_assert_no_error (error);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM surveys WHERE voided_by IS NULL"),
                   ==, 1);

  g_assert_false (dw_store_survey_void (fixture->store, id, 1900, 999, "nobody", &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
}

static void
test_rate_ticket (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  g_autofree char *closed = NULL;
  gint64 team = -1, assignee = -1;

  g_assert_true (dw_store_survey_rate_ticket (fixture->store, 100, 5, "sehr gut", 2000, &team,
                                              &assignee, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (team, ==, 7);
  g_assert_cmpint (assignee, ==, 11);
  g_assert_cmpstr (status, ==, "solved");
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM tickets WHERE id = 100 AND csat = 5 "
                                      "AND csat_comment = 'sehr gut' AND version = 2 "
                                      "AND updated_at = 2000"), ==, 1);

  /* Rating 0: no rating. */
  g_assert_true (dw_store_survey_rate_ticket (fixture->store, 101, 0, NULL, 3000, &team,
                                              &assignee, &closed, &error));
  g_assert_no_error (error);
  g_assert_cmpint (team, ==, 0);
  g_assert_cmpint (assignee, ==, 0);
  g_assert_cmpstr (closed, ==, "closed");
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM tickets WHERE id = 101 "
                                      "AND csat IS NULL AND csat_comment IS NULL "
                                      "AND version = 2"), ==, 1);

  {
    g_autofree char *none = NULL;

    g_assert_false (dw_store_survey_rate_ticket (fixture->store, 999, 3, NULL, 1, &team,
                                                 &assignee, &none, &error));
    g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  }
}

int
main (int   argc,
      char *argv[])
{
  static const DwTestStoreCase tests[] = {
    { "surveys/secret", test_secret },
    { "surveys/issue-latest", test_issue_latest },
    { "surveys/answer-once", test_answer_once },
    { "surveys/void", test_void },
    { "surveys/rate-ticket", test_rate_ticket },
  };

  g_test_init (&argc, &argv, NULL);

  dw_test_store_add_cases ("/store", NULL, seed_sql, tests, G_N_ELEMENTS (tests));

  return g_test_run ();
}
