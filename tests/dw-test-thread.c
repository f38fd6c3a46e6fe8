/* dw-test-thread.c: a client thread with a main context and a session of its own (see
 * dw-test-thread.h). */
#include "config.h"

#include "dw-test-thread.h"

typedef struct
{
  DwTestThreadFunc func;
  gpointer         data;
} ThreadStart;

static gpointer
thread_main (gpointer data)
{
  g_autofree ThreadStart *start = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;

  /* libsoup's sync calls run on the thread's default context. */
  g_main_context_push_thread_default (context);
  session = soup_session_new ();
  start->func (session, start->data);
  /* The session goes while its context is still the thread's default. */
  g_clear_object (&session);
  g_main_context_pop_thread_default (context);
  return NULL;
}

GThread *
dw_test_thread_new (const char       *name,
                    DwTestThreadFunc  func,
                    gpointer          data)
{
  ThreadStart *start = g_new (ThreadStart, 1);

  start->func = func;
  start->data = data;
  return g_thread_new (name, thread_main, start);
}
