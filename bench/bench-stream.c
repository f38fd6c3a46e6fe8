/* bench-stream.c: what bench-fanout and bench-cluster share (see bench-stream.h).
 *
 * The clients are plain sockets read with epoll (a WebSocket frame from the service is a
 * two-to-ten-byte header and the text, or its raw deflate when permessage-deflate was agreed):
 * reading 100 000 frames a second through libsoup cost more CPU than the service itself.
 */
#define _GNU_SOURCE /* memmem */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "bench-stream.h"

/* The sender process */

typedef struct
{
  SoupSession  *session;
  char         *url;
  char         *auth;
  guint         n_events;
  guint         rate;
  guint         sent;
  guint         answered;
  guint         in_flight;
  gint64        started;
  gint64        last_sent;
  BenchSamples *post_latency;
  GMainLoop    *loop;
  const char   *subject_prefix;
  guint         max_in_flight;
} Sender;

typedef struct
{
  Sender      *sender;
  SoupMessage *msg;
  gint64       started;
} Post;

static void
posted_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Post *post = data;
  Sender *sender = post->sender;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  g_assert_no_error (error);
  if (soup_message_get_status (post->msg) != 201)
    g_error ("POST /api/v1/tickets answered %u", soup_message_get_status (post->msg));
  bench_samples_add (sender->post_latency, g_get_monotonic_time () - post->started);
  sender->in_flight--;
  if (++sender->answered == sender->n_events)
    g_main_loop_quit (sender->loop);
  g_object_unref (post->msg);
  g_free (post);
}

/* Sends what is due by the clock (a timer drifts), as long as few enough are in flight. */
static gboolean
send_cb (gpointer data)
{
  Sender *sender = data;
  gint64 due = (g_get_monotonic_time () - sender->started) * sender->rate / G_USEC_PER_SEC + 1;

  while (sender->sent < sender->n_events && sender->sent < due
         && sender->in_flight < sender->max_in_flight)
    {
      Post *post = g_new0 (Post, 1);
      g_autofree char *text = NULL;
      g_autoptr(GBytes) body = NULL;

      post->sender = sender;
      post->msg = soup_message_new ("POST", sender->url);
      /* Keep-alive: libsoup opens a connection per request not marked idempotent. */
      soup_message_set_flags (post->msg, SOUP_MESSAGE_IDEMPOTENT);
      post->started = sender->last_sent = g_get_monotonic_time ();
      text = g_strdup_printf ("{\"subject\":\"%s%u-%" G_GINT64_FORMAT " 快递三天没更新\","
                              "\"channel\":\"app\",\"body\":\"订单TB3398127742651187，物流三天没更新。\"}",
                              sender->subject_prefix, sender->sent, post->started);
      body = g_bytes_new (text, strlen (text));
      soup_message_set_request_body_from_bytes (post->msg, "application/json", body);
      soup_message_headers_replace (soup_message_get_request_headers (post->msg), "Authorization",
                                    sender->auth);
      sender->sent++;
      sender->in_flight++;
      soup_session_send_and_read_async (sender->session, post->msg, G_PRIORITY_DEFAULT, NULL,
                                        posted_cb, post);
    }
  return sender->sent < sender->n_events ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* --send URL TOKEN N RATE: prints "SENT n seconds cpu p50 p99 max" (seconds from the first
 * POST to the last, the POST → 201 latency in ms).  The subjects start with @subject_prefix,
 * at most @max_in_flight POSTs wait for their answer. */
int
bench_stream_sender_main (char       **argv,
                          const char  *subject_prefix,
                          guint        max_in_flight)
{
  Sender sender = { 0 };

  sender.subject_prefix = subject_prefix;
  sender.max_in_flight = max_in_flight;

  sender.url = g_strdup_printf ("%sapi/v1/tickets", argv[0]);
  sender.auth = g_strdup_printf ("Bearer %s", argv[1]);
  sender.n_events = (guint) g_ascii_strtoull (argv[2], NULL, 10);
  sender.rate = (guint) g_ascii_strtoull (argv[3], NULL, 10);
  sender.session = soup_session_new_with_options ("max-conns", 64, "max-conns-per-host", 64,
                                                  "timeout", 60, NULL);
  sender.post_latency = bench_samples_new ();
  sender.loop = g_main_loop_new (NULL, FALSE);
  sender.started = g_get_monotonic_time ();
  g_timeout_add (1, send_cb, &sender);
  g_main_loop_run (sender.loop);

  g_print ("SENT %u %.6f %.3f %.3f %.3f %.3f\n", sender.sent,
           (sender.last_sent - sender.started) / (double) G_USEC_PER_SEC, bench_self_cpu_seconds (),
           bench_samples_percentile_ms (sender.post_latency, 50),
           bench_samples_percentile_ms (sender.post_latency, 99),
           bench_samples_percentile_ms (sender.post_latency, 100));
  g_main_loop_unref (sender.loop);
  bench_samples_free (sender.post_latency);
  g_object_unref (sender.session);
  g_free (sender.url);
  g_free (sender.auth);
  return 0;
}

/* The stream clients */

/* A client's frame to the service: masked (RFC 6455 §5.3), here only pongs and the close. */
static void
send_frame (BenchStreamClient *client,
            guint8             opcode,
            const guint8      *payload,
            gsize              size)
{
  guint8 frame[2 + 4 + 125];
  const guint8 mask[4] = { 0x12, 0x34, 0x56, 0x78 };

  size = MIN (size, 125);
  frame[0] = 0x80 | opcode;
  frame[1] = 0x80 | (guint8) size;
  memcpy (frame + 2, mask, 4);
  for (gsize i = 0; i < size; i++)
    frame[6 + i] = payload[i] ^ mask[i % 4];
  bench_send_all (client->fd, frame, 6 + size);
}

/* In a ticket.created frame the event's name comes before its data, which holds the subject. */
#define TICKET_CREATED "\"event\":\"ticket.created\""

static void
text_frame (BenchStream       *stream,
            BenchStreamClient *client,
            const char        *text,
            gsize              size,
            gsize              wire_size,
            gint64             now)
{
  const char *event;
  const char *subject;
  guint64 k;
  gint64 sent_at;
  char *end;

  /* memmem, not g_strstr_len: GLib's byte-by-byte search was two thirds of the clients' CPU
   * per frame (bench/README.md, "The fan-out's instructions per frame"). */
  if ((event = memmem (text, size, TICKET_CREATED, strlen (TICKET_CREATED))) == NULL
      || (subject = memmem (event, size - (gsize) (event - text), stream->quoted_prefix,
                            stream->quoted_prefix_len)) == NULL)
    return;

  k = g_ascii_strtoull (subject + stream->quoted_prefix_len, &end, 10);
  if (*end != '-' || k >= stream->n_events)
    return;
  sent_at = g_ascii_strtoll (end + 1, NULL, 10);

  if (stream->seen[(gsize) client->index * stream->n_events + k]++)
    {
      stream->duplicates++;
      return;
    }
  if (client->index == 0)
    {
      if (stream->events_at_0++ == 0)
        stream->first_event_at = now;
      stream->last_event_at = now;
    }
  bench_samples_add (stream->latency, now - sent_at);
  stream->received++;
  stream->wire_bytes += wire_size;
  stream->text_bytes += size;
  if (stream->sample == NULL)
    stream->sample = g_bytes_new (text, size);
}

/* Appends to @out what @client's inflater makes of @size bytes at @in. */
static void
inflate_into (BenchStreamClient *client,
              const guint8      *in,
              gsize              size,
              GByteArray        *out)
{
  gsize room = MAX (4096, size * 8);

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      guint old = out->len;
      gsize read = 0, written = 0;
      GConverterResult result;

      g_byte_array_set_size (out, old + (guint) room);
      result = g_converter_convert (client->inflater, in, size, out->data + old, room,
                                    G_CONVERTER_NO_FLAGS, &read, &written, &error);
      g_byte_array_set_size (out, old + (guint) written);
      if (result == G_CONVERTER_ERROR)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
            {
              room *= 2;
              continue;
            }
          /* Nothing more to give and nothing left inside zlib. */
          if (size == 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
            return;
          g_error ("client %u: cannot inflate a frame: %s", client->index, error->message);
        }
      in += read;
      size -= read;
      /* A full output buffer may leave more inside zlib. */
      if (size == 0 && written < room)
        return;
    }
}

/* A compressed message's text (RFC 7692 §7.2.2): its payload and the four bytes of the empty
 * stored block that the sender removed, inflated with the window of the messages before it
 * (context takeover), as libsoup's own client does. */
static const char *
inflate_message (BenchStream       *stream,
                 BenchStreamClient *client,
                 const guint8      *payload,
                 gsize              size,
                 gsize             *text_size)
{
  static const guint8 tail[4] = { 0x00, 0x00, 0xff, 0xff };

  g_byte_array_set_size (stream->scratch, 0);
  inflate_into (client, payload, size, stream->scratch);
  inflate_into (client, tail, sizeof tail, stream->scratch);
  if (client->no_takeover)
    g_converter_reset (client->inflater);
  *text_size = stream->scratch->len;
  return (const char *) stream->scratch->data;
}

/* The value of header @name in the response head @head (up to its blank line), or NULL. */
static char *
header_value (const char *head,
              const char *end,
              const char *name)
{
  gsize name_len = strlen (name);
  const char *line = strstr (head, "\r\n");

  while (line != NULL && line < end)
    {
      const char *next;

      line += 2;
      next = strstr (line, "\r\n");
      if (next == NULL || next > end)
        next = end;
      if ((gsize) (next - line) > name_len && line[name_len] == ':'
          && g_ascii_strncasecmp (line, name, name_len) == 0)
        return g_strstrip (g_strndup (line + name_len + 1, (gsize) (next - line) - name_len - 1));
      line = next < end ? next : NULL;
    }
  return NULL;
}

/* The 101's answer to our offer: permessage-deflate agreed, and with which parameters. */
static void
client_upgraded (BenchStream       *stream,
                 BenchStreamClient *client,
                 const char        *head,
                 const char        *end)
{
  g_autofree char *extensions = header_value (head, end, "Sec-WebSocket-Extensions");

  client->upgraded = TRUE;
  if (extensions == NULL)
    return;
  if (!stream->offer_deflate || !g_str_has_prefix (extensions, "permessage-deflate"))
    g_error ("client %u: the stream agreed to an extension not offered: %s", client->index,
             extensions);

  client->inflater = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW));
  client->no_takeover = strstr (extensions, "server_no_context_takeover") != NULL;
  stream->deflated++;
}

/* Takes what @client's buffer holds: the upgrade's answer, then whole frames. */
static void
client_parse (BenchStream       *stream,
              BenchStreamClient *client,
              gint64             now)
{
  GByteArray *in = client->in;
  gsize used = 0;

  if (!client->upgraded)
    {
      /* A copy: the buffer has no terminating NUL. */
      g_autofree char *head = NULL;
      const char *end = g_strstr_len ((const char *) in->data, in->len, "\r\n\r\n");

      if (end == NULL)
        return;
      if (!g_str_has_prefix ((const char *) in->data, "HTTP/1.1 101"))
        g_error ("client %u: the stream answered %.*s", client->index,
                 (int) MIN (in->len, 200), (const char *) in->data);
      head = g_strndup ((const char *) in->data, (gsize) (end + 2 - (const char *) in->data));
      client_upgraded (stream, client, head, head + strlen (head));
      used = (gsize) (end + 4 - (const char *) in->data);
    }

  while (in->len - used >= 2)
    {
      const guint8 *p = in->data + used;
      guint8 opcode = p[0] & 0x0f;
      guint64 length = p[1] & 0x7f;
      gsize header = 2;

      if (length == 126)
        {
          if (in->len - used < 4)
            break;
          length = ((guint64) p[2] << 8) | p[3];
          header = 4;
        }
      else if (length == 127)
        {
          if (in->len - used < 10)
            break;
          length = 0;
          for (int i = 0; i < 8; i++)
            length = (length << 8) | p[2 + i];
          header = 10;
        }
      if (in->len - used - header < length)
        break;

      /* libsoup sends every message in one frame (FIN set). */
      if (opcode == 0x1 && (p[0] & 0x80) == 0)
        g_error ("client %u: a fragmented message", client->index);
      if (opcode == 0x1 && (p[0] & 0x40) != 0)
        {
          const char *text;
          gsize text_size;

          if (client->inflater == NULL)
            g_error ("client %u: a compressed frame without permessage-deflate", client->index);
          text = inflate_message (stream, client, p + header, length, &text_size);
          text_frame (stream, client, text, text_size, header + length, now);
        }
      else if (opcode == 0x1)
        text_frame (stream, client, (const char *) p + header, length, header + length, now);
      else if (opcode == 0x9)
        send_frame (client, 0xa, p + header, length);
      else if (opcode == 0x8 && !client->closed)
        {
          client->closed = TRUE;
          stream->closed++;
          g_print ("  client %u was closed by the service\n", client->index);
        }
      used += header + length;
    }
  g_byte_array_remove_range (in, 0, used);
}

/* The offer libsoup 3.2's client makes when its session has the extension manager
 * (soup_websocket_extension_deflate_get_request_params), the same as Chromium's. */
#define DEFLATE_OFFER "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"

static int
client_connect (guint16     port,
                const char *path_and_query,
                gboolean    offer_deflate)
{
  g_autofree char *request = NULL;
  int fd = bench_connect_local (port);

  request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nUpgrade: websocket\r\n"
                             "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\n%s\r\n", path_and_query, port,
                             offer_deflate ? DEFLATE_OFFER : "");
  bench_send_all (fd, request, strlen (request));
  return fd;
}

/* Reads every client that has something, until @until (monotonic µs) or @done. */
static void
clients_poll (BenchStream *stream,
              gint64       until,
              gboolean   (*done) (BenchStream *stream))
{
  int epoll_fd = stream->epoll_fd;
  BenchStreamClient *clients = stream->clients;

  struct epoll_event events[64];
  static guint8 buffer[64 * 1024];

  while (!done (stream))
    {
      gint64 now = g_get_monotonic_time ();
      int n;

      if (now >= until)
        return;
      n = epoll_wait (epoll_fd, events, G_N_ELEMENTS (events),
                      (int) MIN ((until - now) / 1000 + 1, 100));
      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, >=, 0);
      now = g_get_monotonic_time ();
      for (int i = 0; i < n; i++)
        {
          BenchStreamClient *client = &clients[events[i].data.u32];

          for (;;)
            {
              ssize_t got = recv (client->fd, buffer, sizeof buffer, 0);

              if (got < 0 && errno == EINTR)
                continue;
              if (got < 0 && errno == EAGAIN)
                break;
              if (got <= 0)
                {
                  if (!client->closed)
                    {
                      client->closed = TRUE;
                      stream->closed++;
                      g_print ("  client %u: the connection was closed\n", client->index);
                    }
                  epoll_ctl (epoll_fd, EPOLL_CTL_DEL, client->fd, NULL);
                  break;
                }
              g_byte_array_append (client->in, buffer, (guint) got);
              if ((gsize) got < sizeof buffer)
                break;
            }
          client_parse (stream, client, now);
        }
    }
}

static gboolean
all_upgraded (BenchStream *stream)
{
  for (guint i = 0; i < stream->n_clients; i++)
    if (!stream->clients[i].upgraded)
      return FALSE;
  return TRUE;
}

static gboolean
never (BenchStream *stream)
{
  return FALSE;
}

static gboolean
all_received (BenchStream *stream)
{
  return stream->received + stream->closed * stream->n_events
         >= stream->n_clients * stream->n_events;
}

BenchStream *
bench_stream_new (const char *subject_prefix,
                  guint       n_clients,
                  guint       n_events)
{
  BenchStream *stream = g_new0 (BenchStream, 1);

  stream->quoted_prefix = g_strconcat ("\"", subject_prefix, NULL);
  stream->quoted_prefix_len = strlen (stream->quoted_prefix);
  stream->n_clients = n_clients;
  stream->n_events = n_events;
  stream->seen = g_new0 (guint8, (gsize) n_clients * n_events);
  stream->latency = bench_samples_new ();
  stream->clients = g_new0 (BenchStreamClient, n_clients);
  stream->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  stream->offer_deflate = g_strcmp0 (g_getenv ("BENCH_STREAM_DEFLATE"), "1") == 0;
  stream->scratch = g_byte_array_new ();
  return stream;
}

/* Closes the clients (a close frame to those the service did not close). */
void
bench_stream_free (BenchStream *stream)
{
  for (guint i = 0; i < stream->n_clients; i++)
    {
      BenchStreamClient *client = &stream->clients[i];

      if (!client->closed)
        send_frame (client, 0x8, (const guint8 *) "\x03\xe8", 2);
      close (client->fd);
      g_byte_array_unref (client->in);
      g_clear_object (&client->inflater);
    }
  close (stream->epoll_fd);
  g_byte_array_unref (stream->scratch);
  g_clear_pointer (&stream->sample, g_bytes_unref);
  g_free (stream->seen);
  bench_samples_free (stream->latency);
  g_free (stream->clients);
  g_free (stream->quoted_prefix);
  g_free (stream);
}

/* Connects client @i to the stream at @port; bench_stream_wait_upgraded() reads the answer. */
void
bench_stream_connect (BenchStream *stream,
                      guint        i,
                      guint16      port,
                      const char  *path_and_query)
{
  struct epoll_event event = { .events = EPOLLIN, .data.u32 = i };
  BenchStreamClient *client = &stream->clients[i];

  client->index = i;
  client->in = g_byte_array_new ();
  client->fd = client_connect (port, path_and_query, stream->offer_deflate);
  g_assert_cmpint (epoll_ctl (stream->epoll_fd, EPOLL_CTL_ADD, client->fd, &event), ==, 0);
}

/* Also says which clients ran: the figures of the two kinds are not comparable. */
gboolean
bench_stream_wait_upgraded (BenchStream *stream,
                            gint64       until)
{
  clients_poll (stream, until, all_upgraded);
  if (!all_upgraded (stream))
    return FALSE;

  if (stream->offer_deflate)
    g_print ("%-52s offer permessage-deflate (BENCH_STREAM_DEFLATE=1); agreed on %u of %u\n",
             "stream clients (as a browser)", stream->deflated, stream->n_clients);
  else
    g_print ("%-52s offer no extension\n", "stream clients (as the console)");
  return TRUE;
}

/* Reads what the clients get until @until. */
void
bench_stream_drain (BenchStream *stream,
                    gint64       until)
{
  clients_poll (stream, until, never);
}

/* Until every client has every event (or was closed), or @until. */
void
bench_stream_wait_received (BenchStream *stream,
                            gint64       until)
{
  clients_poll (stream, until, all_received);
}

/* This program again, with --send: creates @n_events tickets through @front at @rate. */
GSubprocess *
bench_stream_start_sender (const char   *self_path,
                           DwTestServer *front,
                           guint         n_events,
                           guint         rate)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *n_text = g_strdup_printf ("%u", n_events);
  g_autofree char *rate_text = g_strdup_printf ("%u", rate);
  GSubprocess *sender;

  sender = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, self_path, "--send",
                             front->url, front->admin_token, n_text, rate_text, NULL);
  g_assert_no_error (error);
  return sender;
}

/* Waits for @sender and reads its SENT line. */
void
bench_stream_finish_sender (GSubprocess     *sender,
                            BenchStreamSent *sent)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  *sent = (BenchStreamSent) { 0 };
  g_subprocess_communicate_utf8 (sender, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (sender) && g_subprocess_get_exit_status (sender) == 0);
  if (out == NULL || sscanf (out, "SENT %u %lf %lf %lf %lf %lf", &sent->sent, &sent->seconds,
                             &sent->cpu, &sent->post_p50, &sent->post_p99, &sent->post_max) != 6)
    g_error ("The sender said: %s", out != NULL ? out : "(nothing)");
}
