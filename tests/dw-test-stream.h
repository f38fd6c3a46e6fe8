/* dw-test-stream.h: WebSocket clients of GET /api/v1/stream for the server tests.
 *
 * Everything here runs the default main context while it waits, so every open stream keeps
 * reading (a test that blocked would make its own clients "slow" and get them resynced).
 */
#pragma once

#include "dw-test-server.h"

G_BEGIN_DECLS

/* A safety net against a hung test (g_error after this long), not a measurement. */
#define DW_TEST_WAIT_LIMIT 120

typedef struct
{
  SoupWebsocketConnection *conn;
  GPtrArray               *messages;  /* of JsonObject, in arrival order */
  gboolean                 closed;
  gushort                  close_code;
} DwTestStream;

typedef gboolean (*DwTestCondition) (gpointer data);

/* Iterates the main context until @condition (@data) holds; @what names it in the error. */
void          dw_test_spin_until     (DwTestCondition  condition,
                                      gpointer         data,
                                      const char      *what);

/* soup_session_websocket_connect_async's callback filling a DwTestConnect; done when .done. */
typedef struct
{
  gboolean                 done;
  SoupWebsocketConnection *conn;
  GError                  *error;
} DwTestConnect;

void          dw_test_connected_cb   (GObject         *source,
                                      GAsyncResult    *result,
                                      gpointer         data);
gboolean      dw_test_connect_done   (gpointer         data);

/* URL of the stream from @since (-1: no since). */
char         *dw_test_stream_uri     (DwTestServer    *server,
                                      gint64           since);
/* Sends @msg (a GET of the stream) on @session as a WebSocket handshake, with @token as Bearer
 * (NULL: none), and waits for it (@what names the wait); asserts the upgrade and returns the
 * connection. */
SoupWebsocketConnection *dw_test_stream_connect (SoupSession *session,
                                                 SoupMessage *msg,
                                                 const char  *token,
                                                 const char  *what);
/* Connects with @token as Bearer from @since (-1: none); asserts the upgrade. */
DwTestStream *dw_test_stream_open    (DwTestServer    *server,
                                      const char      *token,
                                      gint64           since);
/* Follows @conn (taking it), a stream connected by other means. */
DwTestStream *dw_test_stream_adopt   (SoupWebsocketConnection *conn);
void          dw_test_stream_free    (DwTestStream    *stream);
/* A DwTestCondition: the stream is closed. */
gboolean      dw_test_stream_closed  (gpointer         stream);

const char   *dw_test_message_type   (JsonObject      *message);
gint64        dw_test_message_seq    (JsonObject      *message);
/* The stream position just before message @i: its seq - 1 for an event, its seq for a
 * heartbeat (which carries the position the client has reached). */
gint64        dw_test_stream_position_before (DwTestStream *stream,
                                              guint         i);

/* Index of the first message at or after @from of @type ("event", "heartbeat", ...), with
 * event name @event (NULL: any) and data.id or data.ticket_id @id (0: any), waiting for it.
 * Asserts the stream does not close meanwhile. */
guint         dw_test_stream_wait    (DwTestStream    *stream,
                                      guint            from,
                                      const char      *type,
                                      const char      *event,
                                      gint64           id);
/* How many such events there are from @from on (without waiting). */
guint         dw_test_count_events   (DwTestStream    *stream,
                                      guint            from,
                                      const char      *event,
                                      gint64           id);
/* Asserts the seqs of the events among messages [@from, @to) increase (by exactly one when
 * @contiguous) starting after @after; returns the last one (@after when none). */
gint64        dw_test_check_events   (DwTestStream    *stream,
                                      guint            from,
                                      guint            to,
                                      gint64           after,
                                      gboolean         contiguous);

/* An API request as the admin that keeps the main loop running; asserts @expected_status and
 * returns the body's JSON object. */
JsonObject   *dw_test_api_request    (DwTestServer    *server,
                                      const char      *method,
                                      const char      *path,
                                      const char      *json,
                                      guint            expected_status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DwTestStream, dw_test_stream_free)

G_END_DECLS
