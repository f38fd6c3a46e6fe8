/* test-stream-log.c: libsoup's per-frame debug messages (two for every frame the stream
 * sends) are dropped before GLib's default handler unless G_MESSAGES_DEBUG asks for them
 * (dw_stream_quiet_libsoup_debug, bench/README.md "The fan-out's instructions per frame").
 *
 * Each case runs in a subprocess set up as deskwatchd is (GLib's own default handler, debug
 * output off), with a log writer that counts what reaches it.
 */
#include "config.h"

#include "dw-stream.h"

static guint libsoup_debug_written;
static guint libsoup_other_written;

static GLogWriterOutput
counting_writer (GLogLevelFlags   log_level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "GLIB_DOMAIN") && fields[i].length < 0
        && g_str_equal (fields[i].value, "libsoup"))
      {
        if (log_level & G_LOG_LEVEL_DEBUG)
          libsoup_debug_written++;
        else
          libsoup_other_written++;
      }
  return G_LOG_WRITER_HANDLED;
}

/* As deskwatchd runs (g_test_init() turns debug output on and installs its own handler). */
static void
set_up_as_service (const char *messages_debug)
{
  g_log_set_default_handler (g_log_default_handler, NULL);
  g_log_set_debug_enabled (FALSE);
  if (messages_debug != NULL)
    g_setenv ("G_MESSAGES_DEBUG", messages_debug, TRUE);
  else
    g_unsetenv ("G_MESSAGES_DEBUG");
  g_log_set_writer_func (counting_writer, NULL, NULL);
}

/* What libsoup 3.2 logs for each frame it queues and writes. */
static void
log_like_libsoup (void)
{
  g_log ("libsoup", G_LOG_LEVEL_DEBUG, "queued %d frame of len %u", 1, 300u);
  g_log ("libsoup", G_LOG_LEVEL_DEBUG, "sent frame");
}

static void
test_dropped_when_not_asked (void)
{
  if (g_test_subprocess ())
    {
      set_up_as_service (NULL);
      dw_stream_quiet_libsoup_debug ();
      log_like_libsoup ();
      g_log ("libsoup", G_LOG_LEVEL_MESSAGE, "a message is not a debug message");

      /* Before, both went through GLib's default handler to the writer, which dropped them. */
      g_assert_cmpuint (libsoup_debug_written, ==, 0);
      g_assert_cmpuint (libsoup_other_written, ==, 1);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* @data: what G_MESSAGES_DEBUG asks for ("dw-stream libsoup", "all"). */
static void
test_kept_when_asked (gconstpointer data)
{
  if (g_test_subprocess ())
    {
      set_up_as_service (data);
      dw_stream_quiet_libsoup_debug ();
      log_like_libsoup ();

      g_assert_cmpuint (libsoup_debug_written, ==, 2);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stream-log/libsoup-debug-dropped", test_dropped_when_not_asked);
  g_test_add_data_func ("/stream-log/libsoup-debug-kept-when-asked", "dw-stream libsoup",
                        test_kept_when_asked);
  g_test_add_data_func ("/stream-log/libsoup-debug-kept-for-all", "all", test_kept_when_asked);

  return g_test_run ();
}
