/* test-store-sla-compliance.c: the SLA compliance operations (store/dw-store-sla.h, the
 * compliance table), without HTTP.
 *
 * Every test runs once per backend (tests/dw-test-store.h) under /store/<backend>/sla-compliance/
 * on the same seeded desk and checks the same answers: the teams and policies the figures name,
 * the outcome rows of each filter, the pages of the drill-down with their cursor, and a
 * ticket's timeline marks.
 */
#include "config.h"

#include "dw-store.h"
#include "store/dw-store-sla.h"
#include "dw-test-store.h"

typedef DwTestStoreFixture Fixture;

/* Team 7 (calendar 50) and team 8 (calendar 51).  Tickets: 100 team 7 policy 31 assignee 11,
 * 101 team 8 policy 32 assignee 14, 102 team 7 no policy, 103 no team.  Audit: 401-407 SLA
 * rows (404 at-risk is no outcome, 406 is of a ticket without team), 408 an SLA row of another
 * entity, 409 a status change. */
static const char seed_sql[] =
  "INSERT INTO calendars (id, name, timezone, week, holidays, workdays) "
  "VALUES (50, 'Returns hours', 'Europe/Berlin', '[[],[],[],[],[],[],[]]', '[]', '[]');"
  "INSERT INTO teams (id, name, calendar_id, created_at) VALUES (7, 'Returns', 50, 0);"
  "INSERT INTO calendars (id, name, timezone, week, holidays, workdays) "
  "VALUES (51, 'Billing hours', 'Asia/Shanghai', '[[],[],[],[],[],[],[]]', '[]', '[]');"
  "INSERT INTO teams (id, name, calendar_id, created_at) VALUES (8, 'Billing', 51, 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
  "VALUES (11, 'li', 'Li', 'agent', 0, 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
  "VALUES (14, 'zhou', 'Zhou', 'agent', 0, 0);"
  "INSERT INTO sla_policies (id, name, position, first_response_minutes) "
  "VALUES (31, 'Standard', 2, 60);"
  "INSERT INTO sla_policies (id, name, position, first_response_minutes) "
  "VALUES (33, 'Urgent', 1, 30);"
  "INSERT INTO sla_policies (id, name, position, first_response_minutes) "
  "VALUES (32, 'VIP', 1, 60);"
  "INSERT INTO tickets (id, subject, channel, status, team_id, assignee_id, created_at, "
  "                     updated_at, sla_policy_id) "
  "VALUES (100, 'Karton nass', 'email', 'open', 7, 11, 100, 100, 31);"
  "INSERT INTO tickets (id, subject, channel, status, team_id, assignee_id, created_at, "
  "                     updated_at, sla_policy_id) "
  "VALUES (101, 'Rechnung', 'web', 'open', 8, 14, 101, 101, 32);"
  "INSERT INTO tickets (id, subject, channel, team_id, created_at, updated_at) "
  "VALUES (102, 'Kein Plan', 'web', 7, 102, 102);"
  "INSERT INTO tickets (id, subject, channel, created_at, updated_at) "
  "VALUES (103, 'Niemand', 'web', 103, 103);"
  "INSERT INTO comments (id, ticket_id, author_kind, author_id, public, body, created_at) "
  "VALUES (201, 100, 'agent', 11, 1, 'Reply', 1000);"
  "INSERT INTO comments (id, ticket_id, author_kind, author_id, public, body, created_at) "
  "VALUES (202, 100, 'agent', 11, 0, 'internal', 1050);"
  "INSERT INTO comments (id, ticket_id, author_kind, public, body, created_at) "
  "VALUES (203, 100, 'customer', 1, 'Hallo', 1060);"
  "INSERT INTO audit (id, at, entity, entity_id, action, field, before, after) "
  "VALUES (401, 1000, 'ticket', 100, 'sla', 'first-response', '\"ok\"', '\"met\"');"
  "INSERT INTO audit (id, at, entity, entity_id, action, field, before, after) "
  "VALUES (402, 1100, 'ticket', 100, 'sla', 'resolution', '\"at-risk\"', '\"breached\"');"
  "INSERT INTO audit (id, at, entity, entity_id, action, field, before, after) "
  "VALUES (403, 1200, 'ticket', 101, 'sla', 'first-response', '\"ok\"', '\"breached\"');"
  "INSERT INTO audit (id, at, entity, entity_id, action, field, before, after) "
  "VALUES (404, 1300, 'ticket', 101, 'sla', 'resolution', '\"ok\"', '\"at-risk\"');"
  "INSERT INTO audit (id, at, entity, entity_id, action, field, before, after) "
  "VALUES (405, 1400, 'ticket', 102, 'sla', 'next-response', '\"ok\"', '\"met\"');"
  "INSERT INTO audit (id, at, entity, entity_id, action, field, before, after) "
  "VALUES (406, 1500, 'ticket', 103, 'sla', 'first-response', '\"ok\"', '\"met\"');"
  "INSERT INTO audit (id, at, entity, entity_id, action, field, before, after) "
  "VALUES (407, 2000, 'ticket', 100, 'sla', 'next-response', '\"ok\"', '\"met\"');"
  "INSERT INTO audit (id, at, entity, entity_id, action, field, before, after) "
  "VALUES (408, 1250, 'user', 100, 'sla', 'first-response', '\"ok\"', '\"met\"');"
  "INSERT INTO audit (id, at, entity, entity_id, action, field, before, after) "
  "VALUES (409, 1350, 'ticket', 100, 'updated', 'status', '\"open\"', '\"solved\"');";

static const DwStoreSlaWindow wide[] = { { 7, 0, 3000 }, { 8, 0, 3000 } };

/* Scanned rows as "team/policy/target/outcome/at" lines, sorted: the scan has no order. */
static void
collect (const DwStoreSlaOutcome *row,
         gpointer                 user_data)
{
  GPtrArray *lines = user_data;

  g_ptr_array_add (lines, g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "/%s/%s/%"
                                           G_GINT64_FORMAT, row->team_id, row->policy_id,
                                           row->target, row->outcome, row->at));
}

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static char *
scan (Fixture                       *fixture,
      const DwStoreSlaOutcomeFilter *filter)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (dw_store_sla_compliance_outcomes_scan (fixture->store, filter, collect, lines,
                                                        &error));
  g_assert_no_error (error);
  g_ptr_array_sort (lines, compare_lines);
  g_ptr_array_add (lines, NULL);
  return g_strjoinv (" ", (char **) lines->pdata);
}

/* A page as "audit_id:ticket_id:target:outcome:at:subject:team" words. */
static char *
page (Fixture                       *fixture,
      const DwStoreSlaOutcomeFilter *filter,
      gboolean                      *more)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rows = dw_store_sla_compliance_outcomes_page (fixture->store, filter, more,
                                                                  &error);
  g_autoptr(GString) text = g_string_new (NULL);

  g_assert_no_error (error);
  g_assert_nonnull (rows);
  for (guint i = 0; i < rows->len; i++)
    {
      DwStoreSlaOutcome *row = &g_array_index (rows, DwStoreSlaOutcome, i);

      g_assert_nonnull (row->ticket);
      g_assert_cmpint (json_object_get_int_member (row->ticket, "id"), ==, row->ticket_id);
      g_string_append_printf (text, "%s%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%s:%s:%"
                              G_GINT64_FORMAT ":%s:%" G_GINT64_FORMAT, i > 0 ? " " : "",
                              row->audit_id, row->ticket_id, row->target, row->outcome, row->at,
                              json_object_get_string_member (row->ticket, "subject"),
                              json_object_get_int_member (row->ticket, "team_id"));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
test_teams (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) all = dw_store_sla_compliance_teams (fixture->store, 0, &error);
  g_autoptr(GArray) one = NULL;
  g_autoptr(GArray) none = NULL;
  DwStoreSlaTeam *row;

  g_assert_no_error (error);
  g_assert_cmpuint (all->len, >=, 2);
  for (guint i = 1; i < all->len; i++)
    g_assert_cmpint (g_array_index (all, DwStoreSlaTeam, i - 1).id, <,
                     g_array_index (all, DwStoreSlaTeam, i).id);

  one = dw_store_sla_compliance_teams (fixture->store, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (one->len, ==, 1);
  row = &g_array_index (one, DwStoreSlaTeam, 0);
  g_assert_cmpint (row->id, ==, 7);
  g_assert_cmpstr (row->name, ==, "Returns");
  g_assert_cmpstr (row->timezone, ==, "Europe/Berlin");
  g_clear_pointer (&one, g_array_unref);

  one = dw_store_sla_compliance_teams (fixture->store, 8, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (one->len, ==, 1);
  g_assert_cmpstr (g_array_index (one, DwStoreSlaTeam, 0).name, ==, "Billing");
  g_assert_cmpstr (g_array_index (one, DwStoreSlaTeam, 0).timezone, ==, "Asia/Shanghai");

  none = dw_store_sla_compliance_teams (fixture->store, 999, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_policies (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) all = dw_store_sla_compliance_policies (fixture->store, 0, &error);
  g_autoptr(GArray) one = NULL;
  g_autoptr(GArray) none = NULL;
  static const gint64 order[] = { 32, 33, 31 };

  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, G_N_ELEMENTS (order));
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    g_assert_cmpint (g_array_index (all, DwStoreSlaPolicyName, i).id, ==, order[i]);
  g_assert_cmpstr (g_array_index (all, DwStoreSlaPolicyName, 0).name, ==, "VIP");

  one = dw_store_sla_compliance_policies (fixture->store, 31, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (one->len, ==, 1);
  g_assert_cmpstr (g_array_index (one, DwStoreSlaPolicyName, 0).name, ==, "Standard");

  none = dw_store_sla_compliance_policies (fixture->store, 999, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_scan (Fixture       *fixture,
           gconstpointer  data)
{
  static const DwStoreSlaWindow windows[] = { { 7, 1050, 1500 }, { 8, 0, 1100 } };
  DwStoreSlaOutcomeFilter filter = { wide, G_N_ELEMENTS (wide), FALSE, 0, 1900 };
  g_autofree char *all = NULL;
  g_autofree char *per_team = NULL;
  g_autofree char *policy = NULL;
  g_autofree char *own = NULL;
  g_autofree char *one_team = NULL;
  g_autofree char *empty = NULL;

  /* 404 is no outcome, 406's ticket has no team, 407 is after the bounds, 408 no ticket. */
  all = scan (fixture, &filter);
  g_assert_cmpstr (all, ==, "7/0/next-response/met/1400 7/31/first-response/met/1000 "
                   "7/31/resolution/breached/1100 8/32/first-response/breached/1200");

  filter.teams = windows;
  filter.per_team = TRUE;
  filter.to = 1500;
  per_team = scan (fixture, &filter);
  g_assert_cmpstr (per_team, ==, "7/0/next-response/met/1400 7/31/resolution/breached/1100");

  filter.teams = wide;
  filter.per_team = FALSE;
  filter.to = 3000;
  filter.policy_id = 31;
  policy = scan (fixture, &filter);
  g_assert_cmpstr (policy, ==, "7/31/first-response/met/1000 7/31/next-response/met/2000 "
                   "7/31/resolution/breached/1100");

  filter.policy_id = 0;
  filter.assignee_id = 14;
  own = scan (fixture, &filter);
  g_assert_cmpstr (own, ==, "8/32/first-response/breached/1200");

  filter.assignee_id = 0;
  filter.teams = &wide[1];
  filter.n_teams = 1;
  one_team = scan (fixture, &filter);
  g_assert_cmpstr (one_team, ==, "8/32/first-response/breached/1200");

  filter.n_teams = 0;
  filter.from = filter.to = 0;
  empty = scan (fixture, &filter);
  g_assert_cmpstr (empty, ==, "");
}

static void
test_pages (Fixture       *fixture,
            gconstpointer  data)
{
  static const DwStoreSlaWindow windows[] = { { 7, 1050, 1500 }, { 8, 0, 1100 } };
  DwStoreSlaOutcomeFilter filter = { wide, G_N_ELEMENTS (wide), TRUE, 0, 3000 };
  gboolean more = TRUE;
  char *text;

  filter.limit = 2;
  text = page (fixture, &filter, &more);
  g_assert_cmpstr (text, ==, "407:100:next-response:met:2000:Karton nass:7 "
                   "405:102:next-response:met:1400:Kein Plan:7");
  g_assert_true (more);
  g_free (text);

  filter.before_id = 405;
  text = page (fixture, &filter, &more);
  g_assert_cmpstr (text, ==, "403:101:first-response:breached:1200:Rechnung:8 "
                   "402:100:resolution:breached:1100:Karton nass:7");
  g_assert_true (more);
  g_free (text);

  filter.before_id = 402;
  text = page (fixture, &filter, &more);
  g_assert_cmpstr (text, ==, "401:100:first-response:met:1000:Karton nass:7");
  g_assert_false (more);
  g_free (text);

  /* Exactly a page's worth left: no next page. */
  filter.before_id = 403;
  text = page (fixture, &filter, &more);
  g_assert_cmpstr (text, ==, "402:100:resolution:breached:1100:Karton nass:7 "
                   "401:100:first-response:met:1000:Karton nass:7");
  g_assert_false (more);
  g_free (text);

  filter.before_id = 0;
  filter.limit = 10;
  filter.target = "first-response";
  text = page (fixture, &filter, &more);
  g_assert_cmpstr (text, ==, "403:101:first-response:breached:1200:Rechnung:8 "
                   "401:100:first-response:met:1000:Karton nass:7");
  g_assert_false (more);
  g_free (text);

  filter.target = NULL;
  filter.outcome = "met";
  text = page (fixture, &filter, &more);
  g_assert_cmpstr (text, ==, "407:100:next-response:met:2000:Karton nass:7 "
                   "405:102:next-response:met:1400:Kein Plan:7 "
                   "401:100:first-response:met:1000:Karton nass:7");
  g_free (text);

  filter.outcome = NULL;
  filter.teams = windows;
  filter.to = 1500;
  filter.policy_id = 31;
  text = page (fixture, &filter, &more);
  g_assert_cmpstr (text, ==, "402:100:resolution:breached:1100:Karton nass:7");
  g_free (text);

  filter.policy_id = 0;
  filter.assignee_id = 14;
  text = page (fixture, &filter, &more);
  g_assert_cmpstr (text, ==, "");
  g_assert_false (more);
  g_free (text);

  filter.assignee_id = 0;
  filter.n_teams = 0;
  filter.from = filter.to = 0;
  text = page (fixture, &filter, &more);
  g_assert_cmpstr (text, ==, "");
  g_assert_false (more);
  g_free (text);
}

static int
compare_marks (gconstpointer a,
               gconstpointer b)
{
  const DwStoreSlaTimelineMark *ma = a, *mb = b;

  if (ma->at != mb->at)
    return ma->at < mb->at ? -1 : 1;
  return ma->kind - mb->kind;
}

static void
test_timeline (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) marks = dw_store_sla_compliance_timeline_marks (fixture->store, 100, &error);
  g_autoptr(GArray) none = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  g_assert_no_error (error);
  g_assert_nonnull (marks);
  for (guint i = 1; i < marks->len; i++)
    g_assert_cmpint (g_array_index (marks, DwStoreSlaTimelineMark, i - 1).at, <=,
                     g_array_index (marks, DwStoreSlaTimelineMark, i).at);

  /* Of the same second the order is the caller's to make (by kind). */
  g_array_sort (marks, compare_marks);
  for (guint i = 0; i < marks->len; i++)
    {
      DwStoreSlaTimelineMark *mark = &g_array_index (marks, DwStoreSlaTimelineMark, i);

      g_string_append_printf (text, "%s%" G_GINT64_FORMAT "/%d/%s/%s", i > 0 ? " " : "",
                              mark->at, mark->kind, mark->field != NULL ? mark->field : "-",
                              mark->value != NULL ? mark->value : "-");
    }

  g_assert_cmpstr (text->str, ==, "1000/0/first-response/met 1000/2/-/- "
                   "1100/0/resolution/breached 1350/1/status/solved 2000/0/next-response/met");

  none = dw_store_sla_compliance_timeline_marks (fixture->store, 999, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  static const DwTestStoreCase tests[] = {
    { "sla-compliance/teams", test_teams },
    { "sla-compliance/policies", test_policies },
    { "sla-compliance/scan", test_scan },
    { "sla-compliance/pages", test_pages },
    { "sla-compliance/timeline", test_timeline },
  };

  g_test_init (&argc, &argv, NULL);

  dw_test_store_add_cases ("/store", NULL, seed_sql, tests, G_N_ELEMENTS (tests));

  return g_test_run ();
}
