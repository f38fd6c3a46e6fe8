/* API tests: staffing — the Erlang C calculator. */
#include "config.h"

#include "dw-test-server.h"

static DwTestServer *server;

static JsonObject *
erlang (DwTestResponse **response,
        const char      *query)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/staffing/erlang-c?%s", query);

  *response = dw_test_server_json (server, "GET", path, server->agent_token, NULL);
  dw_test_assert_status (*response, 200);
  return dw_test_response_object (*response);
}

/* The documented example, to the digit. */
static void
test_erlang_c_example (void)
{
  g_autoptr(DwTestResponse) r = NULL;
  JsonObject *o = erlang (&r, "arrivals=20&interval=1800&aht=600&target_sl=0.8&target_time=120");

  g_assert_cmpint (json_object_get_size (o), ==, 7);
  g_assert_cmpint (json_object_get_int_member (o, "agents"), ==, 9);
  g_assert_cmpint (json_object_get_int_member (o, "scheduled"), ==, 9);
  g_assert_cmpfloat (json_object_get_double_member (o, "service_level"), ==, 0.8036);
  g_assert_cmpfloat (json_object_get_double_member (o, "asa"), ==, 80.55);
  g_assert_cmpfloat (json_object_get_double_member (o, "p_wait"), ==, 0.3133);
  g_assert_cmpfloat (json_object_get_double_member (o, "occupancy"), ==, 0.7407);
  g_assert_cmpfloat (json_object_get_double_member (o, "intensity"), ==, 6.667);
}

/* Shrinkage and the occupancy cap, and the default half-hour interval. */
static void
test_erlang_c_options (void)
{
  g_autoptr(DwTestResponse) r1 = NULL;
  g_autoptr(DwTestResponse) r2 = NULL;
  JsonObject *shrunk = erlang (&r1, "arrivals=20&aht=600&target_sl=0.8&target_time=120"
                                    "&shrinkage=0.3");
  JsonObject *capped = erlang (&r2, "arrivals=200&interval=1800&aht=300&target_sl=0.5"
                                    "&target_time=60&max_occupancy=0.85");

  g_assert_cmpint (json_object_get_int_member (shrunk, "agents"), ==, 9);
  g_assert_cmpint (json_object_get_int_member (shrunk, "scheduled"), ==, 13);
  g_assert_cmpint (json_object_get_int_member (capped, "agents"), ==, 40);
  g_assert_cmpfloat (json_object_get_double_member (capped, "occupancy"), <=, 0.85);
}

static void
test_erlang_c_bad_input (void)
{
  const char *queries[] = {
    "",                                                            /* nothing */
    "interval=1800&aht=600&target_sl=0.8&target_time=120",         /* no arrivals */
    "arrivals=x&aht=600&target_sl=0.8&target_time=120",            /* not a number */
    "arrivals=20abc&aht=600&target_sl=0.8&target_time=120",        /* trailing junk */
    "arrivals=nan&aht=600&target_sl=0.8&target_time=120",
    "arrivals=inf&aht=600&target_sl=0.8&target_time=120",
    "arrivals=-1&aht=600&target_sl=0.8&target_time=120",           /* out of range */
    "arrivals=20&aht=0&target_sl=0.8&target_time=120",
    "arrivals=20&aht=600&target_sl=1&target_time=120",              /* never reached */
    "arrivals=20&aht=600&target_sl=0.8&target_time=120&shrinkage=1",
    "arrivals=20&aht=600&target_sl=0.8&target_time=120&max_occupancy=0",
    "arrivals=20&interval=0&aht=600&target_sl=0.8&target_time=120",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/staffing/erlang-c?%s", queries[i]);
      g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", path, server->lead_token,
                                                         NULL);

      g_test_message ("%s", queries[i]);
      dw_test_assert_problem (r, 400, "validation");
    }
}

static void
test_erlang_c_needs_sign_in (void)
{
  g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET",
                                                     "/api/v1/staffing/erlang-c?arrivals=20&aht=600"
                                                     "&target_sl=0.8&target_time=120", NULL, NULL);

  dw_test_assert_problem (r, 401, "unauthorized");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = dw_test_server_new_with_desk ();

  g_test_add_func ("/api/staffing/erlang-c/example", test_erlang_c_example);
  g_test_add_func ("/api/staffing/erlang-c/options", test_erlang_c_options);
  g_test_add_func ("/api/staffing/erlang-c/bad-input", test_erlang_c_bad_input);
  g_test_add_func ("/api/staffing/erlang-c/needs-sign-in", test_erlang_c_needs_sign_in);

  ret = g_test_run ();
  dw_test_server_free (server);
  return ret;
}
