#include "dw-enums.h"

static void
test_round_trip (void)
{
  int v = -1;

  g_assert_cmpstr (dw_status_to_string (DW_STATUS_ON_HOLD), ==, "on-hold");
  g_assert_true (dw_enum_from_string (DW_TYPE_STATUS, "on-hold", &v));
  g_assert_cmpint (v, ==, DW_STATUS_ON_HOLD);
  g_assert_cmpstr (dw_sla_state_to_string (DW_SLA_STATE_AT_RISK), ==, "at-risk");
  g_assert_cmpstr (dw_channel_to_string (DW_CHANNEL_WECHAT), ==, "wechat");
}

static void
test_unknown (void)
{
  int v = 42;

  g_assert_false (dw_enum_from_string (DW_TYPE_PRIORITY, "asap", &v));
  g_assert_false (dw_enum_from_string (DW_TYPE_PRIORITY, NULL, &v));
  g_assert_false (dw_enum_from_string (DW_TYPE_PRIORITY, "URGENT", &v));
  g_assert_cmpint (v, ==, 42);
  g_assert_null (dw_priority_to_string (99));
}

static void
test_active (void)
{
  g_assert_true (dw_status_is_active (DW_STATUS_PENDING));
  g_assert_false (dw_status_is_active (DW_STATUS_SOLVED));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/enums/round-trip", test_round_trip);
  g_test_add_func ("/enums/unknown", test_unknown);
  g_test_add_func ("/enums/active", test_active);
  return g_test_run ();
}
