#include "config.h"

#include <unistd.h>

#include <glib/gi18n.h>

#include "dw-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(DwApplication) app = NULL;

  /* GLib 2.74's slice allocator keeps every page it ever had: a 100k-ticket snapshot, parsed
   * once, held on to about 1 GB for the rest of the day (bench/bench-console.c).  GLib reads
   * G_SLICE before main() runs, so the only way to set it is to start again with it; GLib 2.76
   * and later always use malloc. */
  if (glib_check_version (2, 76, 0) != NULL && g_getenv ("G_SLICE") == NULL)
    {
      g_setenv ("G_SLICE", "always-malloc", TRUE);
      execv ("/proc/self/exe", argv);
      /* Could not: run as we are, with the allocator's appetite. */
    }

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = dw_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
