/* dw-demo-launcher.h: runs the bundled demo service for "Explore the Demo".
 *
 * Starts `deskwatchd --demo --demo-token --db DIR/demo.db --listen 127.0.0.1:0` in a private
 * temporary directory, waits for its "Listening on URL" line and hands back the URL; the demo's
 * lead is DW_DEMO_USERNAME / DW_DEMO_PASSWORD, and the service's "Demo token:" line before the
 * URL gives a token of it.  dw_demo_launcher_stop() (also run when the
 * launcher is disposed) sends SIGTERM, waits for the service and deletes the directory.
 *
 * deskwatchd is looked for in $DESKWATCHD, next to the console in a build tree
 * (../server/deskwatchd from the directory of /proc/self/exe), then in BINDIR and PATH.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DW_DEMO_USERNAME "lead"
#define DW_DEMO_PASSWORD "deskwatch-demo"

#define DW_TYPE_DEMO_LAUNCHER (dw_demo_launcher_get_type ())
G_DECLARE_FINAL_TYPE (DwDemoLauncher, dw_demo_launcher, DW, DEMO_LAUNCHER, GObject)

DwDemoLauncher *dw_demo_launcher_new          (void);

/* Where deskwatchd is, or NULL when it cannot be found. */
char           *dw_demo_launcher_find_service (void);

/* Starts the service now, with nothing waiting for it yet, so that it seeds the demo's desk
 * while the console builds its window (`deskwatch --demo`); a later start waits for this one
 * (or says why it failed).  Nothing when a service runs already. */
void            dw_demo_launcher_start_early  (DwDemoLauncher      *self);
/* Starts the service (or hands back the URL of the one already running or starting early). */
void            dw_demo_launcher_start_async  (DwDemoLauncher      *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
char           *dw_demo_launcher_start_finish (DwDemoLauncher      *self,
                                               GAsyncResult        *result,
                                               GError             **error);

gboolean        dw_demo_launcher_is_running   (DwDemoLauncher      *self);
/* The running service's URL, or NULL. */
const char     *dw_demo_launcher_get_url      (DwDemoLauncher      *self);
/* A token of the demo's lead that the running service printed (`deskwatchd --demo-token`), or
 * NULL: the console opens the demo with it instead of signing in with the password, which
 * costs the service an Argon2id check while the console waits. */
const char     *dw_demo_launcher_get_token    (DwDemoLauncher      *self);
/* Stops the service and deletes its database; nothing when none runs. */
void            dw_demo_launcher_stop         (DwDemoLauncher      *self);

G_END_DECLS
