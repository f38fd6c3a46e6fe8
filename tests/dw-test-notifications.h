/* dw-test-notifications.h: the desktop's notification server, played by a test.
 *
 * Owns org.freedesktop.Notifications on the test's session bus (tests/run-ui-test.sh starts a
 * bus with no other) and records every Notify, so that what the console sends is seen on the
 * bus, and a click on a notification can be played back.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  guint32  id;
  char    *summary;
  char    *body;
  char   **actions;
} DwTestNote;

/* Takes the name; asserts that nobody else had it. */
void       dw_test_notifications_own    (void);
/* The notifications so far, oldest first (of DwTestNote; transfer none). */
GPtrArray *dw_test_notifications_get    (void);
/* Emits ActionInvoked(@id, @action), as a click on the notification would. */
void       dw_test_notifications_invoke (guint32     id,
                                         const char *action);

G_END_DECLS
