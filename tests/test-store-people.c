/* test-store-people.c: the named operations of the store layer on people and credentials
 * (store/dw-store-auth.h), without HTTP.
 *
 * Written against the op tables, not against SQLite: every test runs once per backend
 * (tests/dw-test-store.h), under /store/<backend>/, and checks the same answers.
 */
#include "config.h"

#include "dw-enums.h"
#include "dw-store.h"
#include "store/dw-store-auth.h"
#include "dw-test-store.h"

typedef struct
{
  DwTestStore *desk;
  DwStore     *store;
} Fixture;

/* Plain INSERTs with their ids, read alike by both backends.  Li is in two teams and leads
 * one; Wang is disabled; Chen has no password (cannot sign in) and no team. */
static const char seed_sql[] =
  "INSERT INTO teams (id, name, calendar_id, created_at) "
  "VALUES (7, 'Returns', (SELECT min (id) FROM calendars), 0);"
  "INSERT INTO teams (id, name, calendar_id, created_at) "
  "VALUES (8, 'Billing', (SELECT min (id) FROM calendars), 0);"
  "INSERT INTO users (id, username, display_name, role, password_hash, presence, "
  "presence_since, created_at) VALUES (11, 'li', 'Li', 'lead', '$argon2id$fake', 'online', 0, 0);"
  "INSERT INTO users (id, username, display_name, role, password_hash, presence_since, disabled, "
  "created_at) VALUES (12, 'wang', 'Wang', 'agent', '$argon2id$other', 0, 1, 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
  "VALUES (13, 'chen', '陈', 'admin', 0, 0);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (8, 11, 0);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (7, 11, 1);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (7, 12, 0);";

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->desk = dw_test_store_open (data);
  dw_test_store_exec (fixture->desk, seed_sql);
  dw_test_store_seeded (fixture->desk);
  fixture->store = fixture->desk->store;
  g_assert_cmpstr (fixture->store->backend->name, ==, data);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->desk, dw_test_store_close);
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Tests */

static void
test_users (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  gint64 user_id = 0;
  gboolean disabled = TRUE;

  g_assert_true (dw_store_user_find (fixture->store, "wang", &user_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (user_id, ==, 12);

  g_assert_true (dw_store_user_credentials (fixture->store, "li", &user_id, &hash, &disabled,
                                            &error));
  g_assert_no_error (error);
  g_assert_cmpint (user_id, ==, 11);
  g_assert_cmpstr (hash, ==, "$argon2id$fake");
  g_assert_false (disabled);
  g_clear_pointer (&hash, g_free);

  g_assert_true (dw_store_user_credentials (fixture->store, "wang", &user_id, &hash, &disabled,
                                            &error));
  g_assert_cmpint (user_id, ==, 12);
  g_assert_true (disabled);
  g_clear_pointer (&hash, g_free);

  /* No password: NULL, not "". */
  g_assert_true (dw_store_user_credentials (fixture->store, "chen", &user_id, &hash, &disabled,
                                            &error));
  g_assert_cmpint (user_id, ==, 13);
  g_assert_null (hash);

  /* Usernames match exactly. */
  g_assert_false (dw_store_user_find (fixture->store, "LI", &user_id, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (dw_store_user_credentials (fixture->store, "nobody", &user_id, &hash,
                                             &disabled, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
}

static void
test_principal (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DwStorePrincipalRow) li = { 0 };
  g_auto(DwStorePrincipalRow) wang = { 0 };
  g_auto(DwStorePrincipalRow) chen = { 0 };
  g_auto(DwStorePrincipalRow) nobody = { 0 };

  g_assert_true (dw_store_principal_load (fixture->store, 11, &li, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (li.username, ==, "li");
  g_assert_cmpint (li.role, ==, DW_ROLE_LEAD);
  g_assert_false (li.disabled);
  /* A set: its order is the backend's. */
  g_array_sort (li.team_ids, compare_ids);
  g_assert_cmpint (li.team_ids->len, ==, 2);
  g_assert_cmpint (g_array_index (li.team_ids, gint64, 0), ==, 7);
  g_assert_cmpint (g_array_index (li.team_ids, gint64, 1), ==, 8);
  g_assert_cmpint (li.lead_team_ids->len, ==, 1);
  g_assert_cmpint (g_array_index (li.lead_team_ids, gint64, 0), ==, 7);

  g_assert_true (dw_store_principal_load (fixture->store, 12, &wang, &error));
  g_assert_true (wang.disabled);

  /* The empty case. */
  g_assert_true (dw_store_principal_load (fixture->store, 13, &chen, &error));
  g_assert_cmpstr (chen.username, ==, "chen");
  g_assert_cmpint (chen.role, ==, DW_ROLE_ADMIN);
  g_assert_cmpint (chen.team_ids->len, ==, 0);
  g_assert_cmpint (chen.lead_team_ids->len, ==, 0);

  g_assert_false (dw_store_principal_load (fixture->store, 4242, &nobody, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  g_assert_null (nobody.username);
}

static void
test_tokens (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  DwStoreTokenRow row = { 0 };
  gint64 first, second;

  first = dw_store_token_insert (fixture->store, 11, "aaaa", "laptop", 1000, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (first, >, 0);
  second = dw_store_token_insert (fixture->store, 13, "bbbb", NULL, 1001, 5000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (second, >, first);

  g_assert_true (dw_store_token_find (fixture->store, "aaaa", &row, &error));
  g_assert_no_error (error);
  g_assert_cmpint (row.id, ==, first);
  g_assert_cmpint (row.user_id, ==, 11);
  g_assert_cmpint (row.expires_at, ==, 0);
  g_assert_cmpint (row.revoked_at, ==, 0);
  g_assert_cmpint (row.last_used_at, ==, 0);

  g_assert_true (dw_store_token_touch (fixture->store, first, 1500, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_token_get (fixture->store, first, &row, &error));
  g_assert_no_error (error);
  g_assert_cmpint (row.id, ==, first);
  g_assert_cmpint (row.last_used_at, ==, 1500);

  g_assert_true (dw_store_token_get (fixture->store, second, &row, &error));
  g_assert_cmpint (row.user_id, ==, 13);
  g_assert_cmpint (row.expires_at, ==, 5000);

  /* Revoked once: a second revoke keeps the first time; an unknown id is no error. */
  g_assert_true (dw_store_token_revoke (fixture->store, second, 2000, &error));
  g_assert_true (dw_store_token_revoke (fixture->store, second, 3000, &error));
  g_assert_true (dw_store_token_revoke (fixture->store, 4242, 3000, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_token_find (fixture->store, "bbbb", &row, &error));
  g_assert_cmpint (row.revoked_at, ==, 2000);

  g_assert_false (dw_store_token_find (fixture->store, "cccc", &row, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (dw_store_token_get (fixture->store, 4242, &row, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

static void
test_token_constraint (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (dw_store_token_insert (fixture->store, 11, "aaaa", "", 1, 0, &error), >, 0);
  g_assert_no_error (error);

  /* One row per hash: the lookup of every request depends on it. */
  g_assert_cmpint (dw_store_token_insert (fixture->store, 13, "aaaa", "", 1, 0, &error), ==, 0);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  g_assert_cmpint (dw_store_token_insert (fixture->store, 4242, "dddd", "", 1, 0, &error), ==, 0);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
}

static void
collect_user (const DwStoreUserListRow *row,
              gpointer                  user_data)
{
  g_string_append_printf (user_data, "%" G_GINT64_FORMAT " %s %s %s %s%s\n", row->id,
                          row->username, row->role, row->presence, row->display_name,
                          row->disabled ? " (disabled)" : "");
}

static void
collect_token (const DwStoreTokenListRow *row,
               gpointer                   user_data)
{
  g_string_append_printf (user_data, "%s [%s] %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                          " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n", row->username,
                          row->label, row->created_at, row->expires_at, row->last_used_at,
                          row->revoked_at);
}

static void
test_lists (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) users = g_string_new (NULL);
  g_autoptr(GString) tokens = g_string_new (NULL);
  gint64 id;

  /* The empty case first. */
  g_assert_true (dw_store_token_list (fixture->store, NULL, collect_token, tokens, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tokens->str, ==, "");

  g_assert_true (dw_store_user_list (fixture->store, collect_user, users, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (users->str, ==,
                   "11 li lead online Li\n"
                   "12 wang agent offline Wang (disabled)\n"
                   "13 chen admin offline 陈\n");

  /* Ordered by id, whatever the user. */
  dw_store_token_insert (fixture->store, 13, "t1", "cli", 10, 0, &error);
  id = dw_store_token_insert (fixture->store, 11, "t2", "", 20, 90, &error);
  dw_store_token_insert (fixture->store, 13, "t3", "手机", 30, 0, &error);
  g_assert_no_error (error);
  dw_store_token_touch (fixture->store, id, 25, &error);
  dw_store_token_revoke (fixture->store, id, 26, &error);
  g_assert_no_error (error);

  g_assert_true (dw_store_token_list (fixture->store, NULL, collect_token, tokens, &error));
  g_assert_cmpstr (tokens->str, ==,
                   "chen [cli] 10 0 0 0\n"
                   "li [] 20 90 25 26\n"
                   "chen [手机] 30 0 0 0\n");

  g_string_truncate (tokens, 0);
  g_assert_true (dw_store_token_list (fixture->store, "chen", collect_token, tokens, &error));
  g_assert_cmpstr (tokens->str, ==, "chen [cli] 10 0 0 0\nchen [手机] 30 0 0 0\n");

  g_string_truncate (tokens, 0);
  g_assert_true (dw_store_token_list (fixture->store, "nobody", collect_token, tokens, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tokens->str, ==, "");
}

/* Inside the caller's transaction: a rollback takes the token back. */
static void
test_in_callers_transaction (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  DwStoreTokenRow row = { 0 };

  g_assert_true (dw_test_store_begin (fixture->desk, &error));
  g_assert_cmpint (dw_store_token_insert (fixture->store, 11, "eeee", "", 1, 0, &error), >, 0);
  g_assert_true (dw_store_in_transaction (fixture->store));
  dw_test_store_rollback (fixture->desk);

  g_assert_false (dw_store_token_find (fixture->store, "eeee", &row, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
}

int
main (int   argc,
      char *argv[])
{
  static const struct
  {
    const char *name;
    void      (*func) (Fixture *, gconstpointer);
  } tests[] = {
    { "people/users", test_users },
    { "people/principal", test_principal },
    { "people/tokens", test_tokens },
    { "people/token-constraint", test_token_constraint },
    { "people/lists", test_lists },
    { "people/in-callers-transaction", test_in_callers_transaction },
  };

  g_test_init (&argc, &argv, NULL);

  for (const char * const *backend = dw_test_store_backends (); *backend != NULL; backend++)
    for (guint t = 0; t < G_N_ELEMENTS (tests); t++)
      {
        g_autofree char *path = g_strdup_printf ("/store/%s/%s", *backend, tests[t].name);

        g_test_add_vtable (path, sizeof (Fixture), *backend, (GTestFixtureFunc) fixture_set_up,
                           (GTestFixtureFunc) tests[t].func, (GTestFixtureFunc) fixture_tear_down);
      }

  return g_test_run ();
}
