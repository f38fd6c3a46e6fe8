/* test-api-pg-restart.c: the real deskwatchd serving from PostgreSQL while PostgreSQL restarts
 * (docs/api.md "When the database is away", docs/design.md "When PostgreSQL restarts"): 503
 * problems with Retry-After and /health 503 while the cluster is stopped, then 2xx again from
 * the same service, with what was acknowledged before still there.  Always on PostgreSQL. */
#include "config.h"

#include "dw-test-pg.h"
#include "dw-test-server.h"

static gint64
create_ticket (DwTestServer *s,
               const char   *subject,
               guint         expected)
{
  g_autoptr(DwTestResponse) r = dw_test_server_jsonf (s, "POST", s->admin_token,
                                                      "/api/v1/tickets",
                                                      "{\"subject\": \"%s\", \"channel\": \"web\"}",
                                                      subject);

  if (expected != 201)
    {
      dw_test_assert_problem (r, expected, "unavailable");
      g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Retry-After"), ==, "2");
      return 0;
    }
  dw_test_assert_status (r, 201);
  return json_object_get_int_member (dw_test_response_object (r), "id");
}

static guint
health (DwTestServer *s)
{
  g_autoptr(DwTestResponse) r = dw_test_server_json (s, "GET", "/api/v1/health", NULL, NULL);

  return r->status;
}

static void
test_restart (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  DwTestPg *cluster = dw_test_pg_get_shared ();
  g_autoptr(DwTestResponse) r = NULL;
  g_autofree char *path = NULL;
  gint64 before;
  gint64 after;
  guint tries;

  before = create_ticket (s, "before the restart", 201);
  g_assert_cmpuint (health (s), ==, 200);

  dw_test_pg_server_stop_immediate (cluster);
  g_assert_cmpuint (health (s), ==, 503);
  create_ticket (s, "while away", 503);
  create_ticket (s, "while away", 503);
  g_assert_cmpuint (health (s), ==, 503);

  dw_test_pg_server_start (cluster);
  /* The store reconnects at most once a second: ask again as Retry-After says, a bounded
   * number of times (no timing is asserted). */
  for (tries = 0; health (s) != 200; tries++)
    {
      g_assert_cmpuint (tries, <, 100);
      g_usleep (100 * 1000);
    }

  after = create_ticket (s, "after the restart", 201);
  g_assert_cmpint (after, >, before);
  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, before);
  r = dw_test_server_json (s, "GET", path, s->admin_token, NULL);
  dw_test_assert_status (r, 200);
  g_assert_cmpstr (json_object_get_string_member (dw_test_response_object (r), "subject"), ==,
                   "before the restart");
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("DW_TEST_BACKEND", "postgresql", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/api-pg-restart/restart", test_restart);

  return g_test_run ();
}
