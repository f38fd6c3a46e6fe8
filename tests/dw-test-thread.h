/* dw-test-thread.h: a client on a thread of its own, sending requests while the test's (or the
 * benchmark's) main thread does something else.
 *
 * The thread gets a GMainContext of its own, pushed as its thread-default context before its
 * SoupSession is made: libsoup's sync calls iterate the thread-default context, and a session
 * belongs to the context it was made in, so neither thread runs the other's sources.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Runs on the new thread with its session; the session and context go when it returns. */
typedef void (*DwTestThreadFunc) (SoupSession *session,
                                  gpointer     data);

/* Starts @func (session, @data) on a new thread named @name; g_thread_join() waits for it (and
 * returns NULL). */
GThread *dw_test_thread_new (const char       *name,
                             DwTestThreadFunc  func,
                             gpointer          data);

G_END_DECLS
