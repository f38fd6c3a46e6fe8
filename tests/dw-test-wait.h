/* dw-test-wait.h: waiting in tests for something to happen on the main context.
 *
 * The deadline only guards against a hang; it is never a timing assertion.  A test whose
 * honest waits can be long on a busy machine defines DW_TEST_WAIT_SECONDS before including
 * this (default 30).
 */
#pragma once

#include <glib.h>

#ifndef DW_TEST_WAIT_SECONDS
#define DW_TEST_WAIT_SECONDS 30
#endif

/* Keeps g_main_context_iteration() from sleeping past a deadline or a condition that only
 * another process makes true. */
static inline gboolean
dw_test_wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main context until @cond holds; fails the test if it never does. */
#define WAIT_UNTIL(cond) \
  G_STMT_START { \
    gint64 _deadline = g_get_monotonic_time () + DW_TEST_WAIT_SECONDS * G_USEC_PER_SEC; \
    guint _wake = g_timeout_add (20, dw_test_wake_cb, NULL); \
    while (!(cond)) \
      { \
        if (g_get_monotonic_time () > _deadline) \
          g_error ("Gave up waiting for %s", #cond); \
        g_main_context_iteration (NULL, TRUE); \
      } \
    g_source_remove (_wake); \
  } G_STMT_END

/* Lets the main context run for @ms milliseconds. */
static inline void
dw_test_spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;
  guint wake = g_timeout_add (10, dw_test_wake_cb, NULL);

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
}
