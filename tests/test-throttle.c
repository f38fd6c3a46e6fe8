/* Tests of DwThrottle, the leaky bucket behind the sign-in limits (time is given, not waited). */
#include "dw-throttle.h"

#define S G_USEC_PER_SEC

/* A burst goes through, then one attempt per interval; the wait says when. */
static void
test_burst_then_rate (void)
{
  g_autoptr(DwThrottle) throttle = dw_throttle_new (3, 10 * S, 100);
  gint64 now = 1000 * S;

  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpint (dw_throttle_get_wait (throttle, "k", now), ==, 0);
      dw_throttle_add (throttle, "k", now);
    }

  g_assert_cmpint (dw_throttle_get_wait (throttle, "k", now), ==, 10 * S);
  g_assert_cmpint (dw_throttle_get_wait (throttle, "k", now + 4 * S), ==, 6 * S);
  g_assert_cmpint (dw_throttle_get_wait (throttle, "k", now + 10 * S), ==, 0);

  /* Other keys are not affected. */
  g_assert_cmpint (dw_throttle_get_wait (throttle, "other", now), ==, 0);
}

/* Refused attempts add nothing, so the wait never grows past one interval: slowed, not
 * locked out. */
static void
test_never_locked (void)
{
  g_autoptr(DwThrottle) throttle = dw_throttle_new (2, 60 * S, 100);
  gint64 now = 0;

  for (guint i = 0; i < 1000; i++, now += S)
    if (dw_throttle_get_wait (throttle, "k", now) == 0)
      dw_throttle_add (throttle, "k", now);

  g_assert_cmpint (dw_throttle_get_wait (throttle, "k", now), <=, 60 * S);
  g_assert_cmpint (dw_throttle_get_wait (throttle, "k", now + 60 * S), ==, 0);
}

static void
test_remove_and_reset (void)
{
  g_autoptr(DwThrottle) throttle = dw_throttle_new (1, 10 * S, 100);

  dw_throttle_add (throttle, "k", 0);
  g_assert_cmpint (dw_throttle_get_wait (throttle, "k", 0), >, 0);
  dw_throttle_remove (throttle, "k", 0);
  g_assert_cmpint (dw_throttle_get_wait (throttle, "k", 0), ==, 0);

  dw_throttle_add (throttle, "k", 0);
  dw_throttle_reset (throttle, "k");
  g_assert_cmpint (dw_throttle_get_wait (throttle, "k", 0), ==, 0);
  g_assert_cmpuint (dw_throttle_get_size (throttle), ==, 0);
}

/* Memory stays bounded: drained keys go, and past max_keys the oldest. */
static void
test_bounded (void)
{
  g_autoptr(DwThrottle) throttle = dw_throttle_new (5, 10 * S, 50);

  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *key = g_strdup_printf ("user%u", i);

      dw_throttle_add (throttle, key, 0);
    }
  g_assert_cmpuint (dw_throttle_get_size (throttle), ==, 50);

  for (guint i = 0; i < 20; i++)
    dw_throttle_add (throttle, "late", 100 * S + i);
  g_assert_cmpuint (dw_throttle_get_size (throttle), <, 50);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/throttle/burst-then-rate", test_burst_then_rate);
  g_test_add_func ("/throttle/never-locked", test_never_locked);
  g_test_add_func ("/throttle/remove-and-reset", test_remove_and_reset);
  g_test_add_func ("/throttle/bounded", test_bounded);

  return g_test_run ();
}
