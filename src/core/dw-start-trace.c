/* dw-start-trace.c: see dw-start-trace.h. */
#include "dw-start-trace.h"

static gsize enabled = 0;
static gint64 first;

gboolean
dw_start_trace_enabled (void)
{
  if (g_once_init_enter (&enabled))
    {
      const char *env = g_getenv ("DW_TRACE_START");

      first = g_get_monotonic_time ();
      g_once_init_leave (&enabled, env != NULL && *env != '\0' && *env != '0' ? 2 : 1);
    }
  return enabled == 2;
}

void
dw_start_trace (const char *phase)
{
  gint64 now;

  if (!dw_start_trace_enabled ())
    return;

  now = g_get_monotonic_time ();
  g_printerr ("deskwatch start: %8.1f ms  %s\n", (now - first) / 1000.0, phase);
}
