/* test-store-auth.c: the auth version (store/dw-store-auth.h dw_store_auth_version), which
 * dw-auth.c's cache of checked tokens trusts: what moves it and what does not.
 *
 * Every test runs once per backend (tests/dw-test-store.h), under /store/<backend>/auth/.
 */
#include "config.h"

#include "dw-store.h"
#include "store/dw-store-auth.h"
#include "store/dw-store-tx.h"
#include "dw-test-store.h"

typedef DwTestStoreFixture Fixture;

static guint64
version (Fixture *fixture)
{
  guint64 v = 0;

  g_assert_true (dw_store_auth_version (fixture->store, &v));
  return v;
}

/* Runs @sql on @fixture's connection and says whether the version moved. */
static gboolean
moves (Fixture    *fixture,
       const char *sql)
{
  guint64 before = version (fixture);

  dw_test_store_exec (fixture->desk, sql);
  return version (fixture) != before;
}

/* SQLite: every write of what a token's check reads moves it, on this connection or committed
 * by another, and every rollback (whole or to a savepoint); a token's last use, a user's
 * presence and other tables' writes do not.  PostgreSQL: there is none. */
static void
test_version (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint64 before, v;

  if (!g_str_equal (data, "sqlite"))
    {
      g_assert_false (dw_store_auth_version (fixture->store, &v));
      return;
    }

  dw_test_store_exec (fixture->desk,
                      "INSERT INTO teams (id, name, calendar_id, created_at) "
                      "VALUES (90, 'T', (SELECT min (id) FROM calendars), 0)");

  /* Stays put while nothing is written. */
  g_assert_cmpuint (version (fixture), ==, version (fixture));

  g_assert_true (moves (fixture, "INSERT INTO users (id, username, display_name, role, "
                                 "presence_since, created_at) VALUES (90, 'u', 'U', 'agent', 0, 0)"));
  g_assert_true (moves (fixture, "INSERT INTO tokens (id, user_id, token_hash, created_at) "
                                 "VALUES (90, 90, 'h', 0)"));

  /* Not what a check reads. */
  g_assert_false (moves (fixture, "UPDATE tokens SET last_used_at = 5 WHERE id = 90"));
  g_assert_false (moves (fixture, "UPDATE users SET presence = 'online', presence_since = 5 "
                                  "WHERE id = 90"));
  g_assert_false (moves (fixture, "UPDATE users SET display_name = 'V' WHERE id = 90"));
  g_assert_false (moves (fixture, "INSERT INTO settings (key, value) VALUES ('k', 'v')"));

  /* What it reads. */
  g_assert_true (moves (fixture, "UPDATE tokens SET revoked_at = 6 WHERE id = 90"));
  g_assert_true (moves (fixture, "UPDATE tokens SET expires_at = 7 WHERE id = 90"));
  g_assert_true (moves (fixture, "UPDATE users SET role = 'lead' WHERE id = 90"));
  g_assert_true (moves (fixture, "UPDATE users SET disabled = 1 WHERE id = 90"));
  g_assert_true (moves (fixture, "UPDATE users SET username = 'w' WHERE id = 90"));
  g_assert_true (moves (fixture, "INSERT INTO team_members (team_id, user_id) VALUES (90, 90)"));
  g_assert_true (moves (fixture, "UPDATE team_members SET is_lead = 1 WHERE user_id = 90"));
  g_assert_true (moves (fixture, "DELETE FROM team_members WHERE user_id = 90"));
  g_assert_true (moves (fixture, "DELETE FROM tokens WHERE id = 90"));

  /* A rollback may put back rows read inside the transaction: whole … */
  g_assert_true (dw_store_tx_begin (fixture->store, &error));
  g_assert_no_error (error);
  before = version (fixture);
  dw_store_tx_rollback (fixture->store);
  g_assert_cmpuint (version (fixture), !=, before);

  /* … or to a savepoint (a failed write of a group). */
  g_assert_true (dw_store_tx_begin (fixture->store, &error));
  g_assert_true (dw_store_tx_savepoint (fixture->store, &error));
  g_assert_no_error (error);
  before = version (fixture);
  dw_store_tx_rollback_savepoint (fixture->store);
  g_assert_cmpuint (version (fixture), !=, before);
  g_assert_true (dw_store_tx_commit (fixture->store, &error));
  g_assert_no_error (error);

  /* Another connection's commit (the command line's `token revoke`): PRAGMA data_version. */
  {
    DwTestStore *second = dw_test_store_open_second (fixture->desk);

    before = version (fixture);
    dw_test_store_exec (second, "UPDATE settings SET value = 'w' WHERE key = 'k'");
    g_assert_cmpuint (version (fixture), !=, before);
    dw_test_store_close (second);
  }
}

int
main (int   argc,
      char *argv[])
{
  static const DwTestStoreCase tests[] = {
    { "version", test_version },
  };

  g_test_init (&argc, &argv, NULL);

  dw_test_store_add_cases ("/store", "auth", NULL, tests, G_N_ELEMENTS (tests));

  return g_test_run ();
}
