/* Unit tests of dw-erlang: Erlang C against published worked examples, the occupancy cap,
 * shrinkage, large desks and the workload model. */
#include "config.h"

#include <math.h>
#include <gio/gio.h>

#include "dw-erlang.h"

#define assert_close(a, b, eps) g_assert_cmpfloat_with_epsilon ((a), (b), (eps))

/* The example of the staffing API's documentation (docs/api.md): 20 chats in half an hour,
 * 10 minutes each, 80 % answered within 2 minutes. */
static void
test_api_example (void)
{
  g_autoptr(GError) error = NULL;
  DwStaffing s;

  g_assert_true (dw_erlang_required (20, 1800, 600, 0.8, 120, 0, 1, &s, &error));
  g_assert_no_error (error);
  assert_close (s.intensity, 6.667, 0.0005);
  g_assert_cmpuint (s.agents, ==, 9);
  g_assert_cmpuint (s.scheduled, ==, 9);
  assert_close (s.service_level, 0.8036, 0.00005);
  assert_close (s.asa, 80.55, 0.005);
  assert_close (s.p_wait, 0.3133, 0.00005);
  assert_close (s.occupancy, 0.7407, 0.00005);
}

/* The worked example call-centre trainers use: 100 calls in 30 minutes, 3 minutes each,
 * 80 % answered within 20 seconds → 10 Erlangs, 14 agents, P(wait) 17.4 %, service level
 * 88.8 %, ASA 7.8 s, occupancy 71.4 %; 13 agents reach only 79.6 %. */
static void
test_ten_erlangs (void)
{
  g_autoptr(GError) error = NULL;
  DwStaffing s;

  assert_close (dw_erlang_c (11, 10), 0.6821, 0.00005);
  assert_close (dw_erlang_c (12, 10), 0.4494, 0.00005);
  assert_close (dw_erlang_c (13, 10), 0.2853, 0.00005);
  assert_close (dw_erlang_service_level (13, 10, 180, 20), 0.7956, 0.00005);

  g_assert_true (dw_erlang_required (100, 1800, 180, 0.8, 20, 0, 1, &s, &error));
  g_assert_cmpuint (s.agents, ==, 14);
  assert_close (s.p_wait, 0.1741, 0.00005);
  assert_close (s.service_level, 0.8884, 0.00005);
  assert_close (s.asa, 7.84, 0.005);
  assert_close (s.occupancy, 0.7143, 0.00005);
}

/* Small cases whose Erlang C is an exact fraction: A = 2, N = 3 gives 4/9; A = 1, N = 2 gives 1/3. */
static void
test_exact_fractions (void)
{
  assert_close (dw_erlang_c (3, 2), 4.0 / 9.0, 1e-12);
  assert_close (dw_erlang_c (2, 1), 1.0 / 3.0, 1e-12);
  /* no agents can keep up with more traffic than they are: everyone waits */
  g_assert_cmpfloat (dw_erlang_c (2, 2), ==, 1.0);
  g_assert_cmpfloat (dw_erlang_c (1, 3), ==, 1.0);
  g_assert_cmpfloat (dw_erlang_service_level (2, 3, 60, 20), ==, 0.0);
  g_assert_true (isinf (dw_erlang_asa (2, 3, 60)));
}

/* Erlang C alone would run these agents at 95 %; the cap adds agents until none is busier
 * than 85 %. */
static void
test_occupancy_cap (void)
{
  g_autoptr(GError) error = NULL;
  DwStaffing free_run, capped;

  g_assert_true (dw_erlang_required (200, 1800, 300, 0.5, 60, 0, 1, &free_run, &error));
  g_assert_cmpuint (free_run.agents, ==, 35);
  g_assert_cmpfloat (free_run.occupancy, >, 0.85);

  g_assert_true (dw_erlang_required (200, 1800, 300, 0.5, 60, 0, 0.85, &capped, &error));
  g_assert_cmpuint (capped.agents, ==, 40);  /* 33.3 Erlangs ÷ 0.85 = 39.2 */
  g_assert_cmpfloat (capped.occupancy, <=, 0.85);
  g_assert_cmpfloat (capped.service_level, >, free_run.service_level);
}

static void
test_shrinkage (void)
{
  g_autoptr(GError) error = NULL;
  DwStaffing s;

  /* 9 ÷ 0.9 is 10.000000000000002 in doubles: still 10 people */
  g_assert_true (dw_erlang_required (20, 1800, 600, 0.8, 120, 0.1, 1, &s, &error));
  g_assert_cmpuint (s.agents, ==, 9);
  g_assert_cmpuint (s.scheduled, ==, 10);

  g_assert_true (dw_erlang_required (20, 1800, 600, 0.8, 120, 0.3, 1, &s, &error));
  g_assert_cmpuint (s.scheduled, ==, 13);  /* 9 ÷ 0.7 = 12.9 */
}

/* 3,000 Erlangs: the textbook A^N/N! form overflows long before; the recursion answers, and
 * the answer is the fewest agents: one fewer misses the target. */
static void
test_large_desk (void)
{
  g_autoptr(GError) error = NULL;
  DwStaffing s;

  g_assert_true (dw_erlang_required (18000, 1800, 300, 0.8, 20, 0, 1, &s, &error));
  g_assert_cmpfloat (s.intensity, ==, 3000);
  g_assert_cmpuint (s.agents, >, 3000);
  g_assert_cmpuint (s.agents, <, 3100);
  g_assert_true (isfinite (s.service_level) && isfinite (s.asa) && isfinite (s.p_wait));
  g_assert_cmpfloat (s.service_level, >=, 0.8);
  g_assert_cmpfloat (dw_erlang_service_level (s.agents - 1, 3000, 300, 20), <, 0.8);

  g_assert_true (dw_erlang_required (3000, 1800, 360, 0.9, 30, 0, 1, &s, &error));
  g_assert_cmpuint (s.agents, >, 600);
  g_assert_cmpfloat (s.service_level, >=, 0.9);
  g_assert_cmpfloat (dw_erlang_service_level (s.agents - 1, s.intensity, 360, 30), <, 0.9);
}

static void
test_no_traffic (void)
{
  g_autoptr(GError) error = NULL;
  DwStaffing s;

  g_assert_true (dw_erlang_required (0, 1800, 300, 0.8, 20, 0.3, 1, &s, &error));
  g_assert_cmpuint (s.agents, ==, 0);
  g_assert_cmpuint (s.scheduled, ==, 0);
  g_assert_cmpfloat (s.service_level, ==, 1.0);
  g_assert_cmpfloat (s.p_wait, ==, 0.0);
}

static void
test_bad_arguments (void)
{
  struct { double arrivals, interval, aht, sl, time, shrink, occ; const char *name; } cases[] = {
    { -1, 1800, 300, 0.8, 20, 0, 1, "arrivals" },
    { NAN, 1800, 300, 0.8, 20, 0, 1, "arrivals" },
    { 10, 0, 300, 0.8, 20, 0, 1, "interval" },
    { 10, 1800, 0, 0.8, 20, 0, 1, "aht" },
    { 10, 1800, INFINITY, 0.8, 20, 0, 1, "aht" },
    { 10, 1800, 300, 1.0, 20, 0, 1, "target_sl" },
    { 10, 1800, 300, 0, 20, 0, 1, "target_sl" },
    { 10, 1800, 300, 0.8, -5, 0, 1, "target_time" },
    { 10, 1800, 300, 0.8, 20, 1, 1, "shrinkage" },
    { 10, 1800, 300, 0.8, 20, 0, 0, "max_occupancy" },
    { 10, 1800, 300, 0.8, 20, 0, 1.5, "max_occupancy" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      DwStaffing s;

      g_assert_false (dw_erlang_required (cases[i].arrivals, cases[i].interval, cases[i].aht,
                                          cases[i].sl, cases[i].time, cases[i].shrink,
                                          cases[i].occ, &s, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_true (g_str_has_prefix (error->message, cases[i].name));
    }
}

/* 120 e-mails in half an hour at 6 minutes each is 24 agents' work; at 80 % occupancy 30,
 * with 20 % shrinkage 38 scheduled (37.5). */
static void
test_workload (void)
{
  g_autoptr(GError) error = NULL;
  DwStaffing s;

  g_assert_true (dw_workload_required (120, 1800, 360, 0.8, 0.2, &s, &error));
  g_assert_cmpfloat (s.intensity, ==, 24);
  g_assert_cmpuint (s.agents, ==, 30);
  g_assert_cmpuint (s.scheduled, ==, 38);
  assert_close (s.occupancy, 0.8, 1e-12);
  g_assert_cmpfloat (s.service_level, ==, -1);

  /* exactly whole: 24 ÷ 1.0 needs 24, not 25 */
  g_assert_true (dw_workload_required (120, 1800, 360, 1.0, 0, &s, &error));
  g_assert_cmpuint (s.agents, ==, 24);

  g_assert_false (dw_workload_required (120, 1800, 360, 0, 0, &s, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/erlang/api-example", test_api_example);
  g_test_add_func ("/erlang/ten-erlangs", test_ten_erlangs);
  g_test_add_func ("/erlang/exact-fractions", test_exact_fractions);
  g_test_add_func ("/erlang/occupancy-cap", test_occupancy_cap);
  g_test_add_func ("/erlang/shrinkage", test_shrinkage);
  g_test_add_func ("/erlang/large-desk", test_large_desk);
  g_test_add_func ("/erlang/no-traffic", test_no_traffic);
  g_test_add_func ("/erlang/bad-arguments", test_bad_arguments);
  g_test_add_func ("/erlang/workload", test_workload);

  return g_test_run ();
}
