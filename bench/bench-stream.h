/* bench-stream.h: what bench-fanout and bench-cluster share — the sender process that creates
 * tickets at a nominal rate, and the WebSocket stream clients that time each ticket.created
 * frame from the sender's POST (the time is carried in the ticket's subject).
 *
 * By default the clients offer no WebSocket extension, as the console: its SoupSession has no
 * SoupWebsocketExtensionManager (libsoup 3 does not add one by default).  BENCH_STREAM_DEFLATE=1
 * makes them offer permessage-deflate as a browser or a SoupSession with that manager does
 * (libsoup 3.2's offer, which is also Chromium's), and inflate what the service compressed
 * before reading it, so that latency and loss are those of what such a client receives.
 */
#pragma once

#include "bench-util.h"

G_BEGIN_DECLS

typedef struct
{
  int         fd;
  guint       index;
  gboolean    upgraded;
  gboolean    closed;
  GByteArray *in;
  GConverter *inflater;          /* the service accepted permessage-deflate: raw inflate */
  gboolean    no_takeover;       /* ... with server_no_context_takeover */
} BenchStreamClient;

typedef struct
{
  char              *quoted_prefix;  /* "\"" and the subjects' prefix */
  gsize              quoted_prefix_len;
  guint              n_clients;
  guint              n_events;
  guint              received;
  guint              duplicates;
  guint              closed;
  guint8            *seen;           /* per client × event */
  gint64             first_event_at; /* at client 0 */
  gint64             last_event_at;
  guint              events_at_0;
  BenchSamples      *latency;
  BenchStreamClient *clients;
  int                epoll_fd;
  gboolean           offer_deflate;  /* BENCH_STREAM_DEFLATE=1 */
  guint              deflated;       /* clients whose handshake accepted the extension */
  guint64            wire_bytes;     /* of the counted ticket.created frames, headers included */
  guint64            text_bytes;     /* their text, inflated */
  GByteArray        *scratch;        /* inflated text */
  GBytes            *sample;         /* the first counted ticket.created frame's text */
} BenchStream;

/* What the sender printed: POSTs sent, seconds from the first to the last, its CPU time, the
 * POST → 201 latency in ms. */
typedef struct
{
  guint  sent;
  double seconds;
  double cpu;
  double post_p50;
  double post_p99;
  double post_max;
} BenchStreamSent;

int          bench_stream_sender_main    (char            **argv,
                                          const char       *subject_prefix,
                                          guint             max_in_flight);

BenchStream *bench_stream_new            (const char       *subject_prefix,
                                          guint             n_clients,
                                          guint             n_events);
void         bench_stream_free           (BenchStream      *stream);
void         bench_stream_connect        (BenchStream      *stream,
                                          guint             i,
                                          guint16           port,
                                          const char       *path_and_query);
gboolean     bench_stream_wait_upgraded  (BenchStream      *stream,
                                          gint64            until);
void         bench_stream_drain          (BenchStream      *stream,
                                          gint64            until);
void         bench_stream_wait_received  (BenchStream      *stream,
                                          gint64            until);

GSubprocess *bench_stream_start_sender   (const char       *self_path,
                                          DwTestServer     *front,
                                          guint             n_events,
                                          guint             rate);
void         bench_stream_finish_sender  (GSubprocess      *sender,
                                          BenchStreamSent  *sent);

G_END_DECLS
