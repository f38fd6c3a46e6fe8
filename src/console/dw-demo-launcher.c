/* dw-demo-launcher.c: runs the bundled demo service. */
#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "dw-demo-launcher.h"

struct _DwDemoLauncher
{
  GObject           parent_instance;

  GSubprocess      *process;
  GDataInputStream *output;
  GCancellable     *cancellable;  /* the reading of the service's output */
  char             *dir;
  char             *url;
  char             *token;        /* the lead's, printed by the service before its URL */
  GTask            *pending;      /* a start waiting for the URL */
  GError           *early_error;  /* a service started early failed before anyone waited */
};

G_DEFINE_FINAL_TYPE (DwDemoLauncher, dw_demo_launcher, G_TYPE_OBJECT)

#define LISTENING_PREFIX "Listening on "
#define TOKEN_PREFIX "Demo token: "

static void read_line (DwDemoLauncher *self);

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_dir (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fail_pending (DwDemoLauncher *self,
              GError         *error)
{
  GTask *task = g_steal_pointer (&self->pending);

  if (task != NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
    }
  else
    {
      g_error_free (error);
    }
}

static void
line_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(DwDemoLauncher) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL,
                                                    &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (line == NULL)
    {
      /* End of output before the URL: the service did not come up. */
      if (self->url == NULL)
        {
          GError *stopped = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                         _("The demo service stopped before it was ready."));

          /* Started early, nobody waits yet: the start that comes is told. */
          if (self->pending != NULL)
            fail_pending (self, stopped);
          else
            g_propagate_error (&self->early_error, stopped);
        }
      return;
    }

  if (g_str_has_prefix (line, TOKEN_PREFIX))
    {
      if (self->url == NULL && self->token == NULL)
        self->token = g_strstrip (g_strdup (line + strlen (TOKEN_PREFIX)));
      /* A secret: leave no copy behind. */
      memset (line, 0, strlen (line));
    }

  if (self->url == NULL && g_str_has_prefix (line, LISTENING_PREFIX))
    {
      GTask *task = g_steal_pointer (&self->pending);

      self->url = g_strstrip (g_strdup (line + strlen (LISTENING_PREFIX)));
      if (task != NULL)
        {
          g_task_return_pointer (task, g_strdup (self->url), g_free);
          g_object_unref (task);
        }
    }

  /* Keep draining what it prints so that it never blocks on a full pipe. */
  read_line (self);
}

static void
read_line (DwDemoLauncher *self)
{
  g_data_input_stream_read_line_async (self->output, G_PRIORITY_DEFAULT, self->cancellable,
                                       line_read_cb, g_object_ref (self));
}

static void
dw_demo_launcher_dispose (GObject *object)
{
  DwDemoLauncher *self = DW_DEMO_LAUNCHER (object);

  dw_demo_launcher_stop (self);

  G_OBJECT_CLASS (dw_demo_launcher_parent_class)->dispose (object);
}

static void
dw_demo_launcher_class_init (DwDemoLauncherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dw_demo_launcher_dispose;
}

static void
dw_demo_launcher_init (DwDemoLauncher *self)
{
}

DwDemoLauncher *
dw_demo_launcher_new (void)
{
  return g_object_new (DW_TYPE_DEMO_LAUNCHER, NULL);
}

char *
dw_demo_launcher_find_service (void)
{
  const char *env = g_getenv ("DESKWATCHD");
  g_autofree char *exe = NULL;
  g_autofree char *installed = NULL;

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);

  exe = g_file_read_link ("/proc/self/exe", NULL);
  if (exe != NULL)
    {
      g_autofree char *exe_dir = g_path_get_dirname (exe);
      g_autofree char *built = g_build_filename (exe_dir, "..", "server", "deskwatchd", NULL);
      g_autofree char *sibling = g_build_filename (exe_dir, "deskwatchd", NULL);

      if (g_file_test (built, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&built);
      if (g_file_test (sibling, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&sibling);
    }

  installed = g_build_filename (BINDIR, "deskwatchd", NULL);
  if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&installed);

  return g_find_program_in_path ("deskwatchd");
}

/* The demo is the console's: a console that is killed must not leave it running. */
static void
stop_with_console (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* Starts deskwatchd --demo in a new private directory and begins reading its output. */
static gboolean
spawn_service (DwDemoLauncher  *self,
               GError         **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *service = NULL;
  g_autofree char *db = NULL;

  service = dw_demo_launcher_find_service ();
  if (service == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("The demo service (deskwatchd) is not installed."));
      return FALSE;
    }

  dw_demo_launcher_stop (self);
  self->dir = g_dir_make_tmp ("deskwatch-demo-XXXXXX", &local_error);
  if (self->dir == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not make room for the demo: %s"), local_error->message);
      return FALSE;
    }
  db = g_build_filename (self->dir, "demo.db", NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, stop_with_console, NULL, NULL);
  self->process = g_subprocess_launcher_spawn (launcher, &local_error,
                                               service, "--demo", "--demo-token", "--db", db,
                                               "--listen", "127.0.0.1:0", NULL);
  if (self->process == NULL)
    {
      /* Stopping clears an early error: say why only after it. */
      dw_demo_launcher_stop (self);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not start the demo service: %s"), local_error->message);
      return FALSE;
    }

  self->cancellable = g_cancellable_new ();
  self->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  read_line (self);
  return TRUE;
}

void
dw_demo_launcher_start_early (DwDemoLauncher *self)
{
  g_return_if_fail (DW_IS_DEMO_LAUNCHER (self));

  if (self->process != NULL || self->early_error != NULL)
    return;
  spawn_service (self, &self->early_error);
}

void
dw_demo_launcher_start_async (DwDemoLauncher      *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (DW_IS_DEMO_LAUNCHER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dw_demo_launcher_start_async);

  if (self->url != NULL)
    {
      g_task_return_pointer (task, g_strdup (self->url), g_free);
      return;
    }
  if (self->pending != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("The demo service is already starting."));
      return;
    }
  /* Started early and failed: say why once; the next start tries again. */
  if (self->early_error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&self->early_error));
      dw_demo_launcher_stop (self);
      return;
    }

  /* Started early and still seeding its desk: wait for it. */
  if (self->process == NULL && !spawn_service (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  self->pending = g_steal_pointer (&task);
}

char *
dw_demo_launcher_start_finish (DwDemoLauncher  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
dw_demo_launcher_get_token (DwDemoLauncher *self)
{
  g_return_val_if_fail (DW_IS_DEMO_LAUNCHER (self), NULL);
  return self->url != NULL ? self->token : NULL;
}

gboolean
dw_demo_launcher_is_running (DwDemoLauncher *self)
{
  g_return_val_if_fail (DW_IS_DEMO_LAUNCHER (self), FALSE);
  return self->process != NULL;
}

const char *
dw_demo_launcher_get_url (DwDemoLauncher *self)
{
  g_return_val_if_fail (DW_IS_DEMO_LAUNCHER (self), NULL);
  return self->url;
}

void
dw_demo_launcher_stop (DwDemoLauncher *self)
{
  g_return_if_fail (DW_IS_DEMO_LAUNCHER (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->process != NULL)
    {
      g_subprocess_send_signal (self->process, SIGTERM);
      /* Waiting makes sure the database is closed before its directory goes. */
      if (!g_subprocess_wait (self->process, NULL, NULL))
        g_subprocess_force_exit (self->process);
    }
  g_clear_object (&self->output);
  g_clear_object (&self->process);
  g_clear_pointer (&self->url, g_free);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_clear_pointer (&self->token, g_free);

  if (self->pending != NULL)
    fail_pending (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                     "The demo service was stopped"));
  g_clear_error (&self->early_error);

  if (self->dir != NULL)
    remove_dir (self->dir);
  g_clear_pointer (&self->dir, g_free);
}
