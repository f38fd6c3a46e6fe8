/* bench-fanout.c: event fan-out latency to 200 and 500 WebSocket clients.
 *
 * The clients follow /api/v1/stream on the real deskwatchd; tickets are created through the API
 * at a steady nominal rate by ANOTHER process (this program run again with --send), so the
 * sender and the clients do not share a loop.  The clients are plain sockets read with epoll in
 * this process (a WebSocket frame from the service is a two-to-ten-byte header and the text):
 * reading 100 000 frames a second through libsoup cost more CPU than the service itself.
 *
 * Latency, "event created → frame received": from the sender writing the POST that creates the
 * ticket (the time is carried in the ticket's subject; CLOCK_MONOTONIC is the same in both
 * processes) to this process reading that ticket's ticket.created frame from a client's socket.
 * The service's create, commit and fan-out are all inside it.  Goal: p99 ≤ 50 ms.
 *
 * The sender keeps to the rate by the clock with at most 16 requests in flight, so a service
 * that cannot keep up shows as an achieved rate below the nominal one (printed).
 *
 * BENCH_FANOUT_CLIENTS ("200,500"), BENCH_FANOUT_EVENTS (1000 per level) and BENCH_FANOUT_RATE
 * (200 tickets per second) change the load.  The clients offer no WebSocket extension, as
 * the console; BENCH_STREAM_DEFLATE=1 makes them offer permessage-deflate as a browser does and
 * inflate what comes compressed (bench-stream.h).
 */
#include "config.h"

#include <string.h>

#include "bench-stream.h"

#define SUBJECT_PREFIX "fanout-"
#define GOAL_P99_MS 50.0
#define SENDER_IN_FLIGHT 16

/* The service's resident memory in MiB (VmRSS), 0 when unknown. */
static double
process_rss_mib (GSubprocess *process)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (process));
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL)
      || (line = strstr (status, "\nVmRSS:")) == NULL)
    return 0;
  return g_ascii_strtod (line + strlen ("\nVmRSS:"), NULL) / 1024;
}

/* What permessage-deflate makes of @text as a connection's first message (no earlier frames
 * to refer to): raw deflate, sync-flushed, without the flush's last four bytes (RFC 7692). */
static gsize
deflated_alone (GBytes *text)
{
  g_autoptr(GConverter) deflater = G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW,
                                                                       -1));
  gsize size = 0, read = 0, written = 0;
  const guint8 *data = text != NULL ? g_bytes_get_data (text, &size) : NULL;
  g_autofree guint8 *out = g_malloc (size + 64);

  if (data == NULL
      || g_converter_convert (deflater, data, size, out, size + 64, G_CONVERTER_FLUSH, &read,
                              &written, NULL) == G_CONVERTER_ERROR
      || read != size || written < 4)
    return 0;
  return written - 4;
}

static void
bench_level (const char *self_path,
             guint       n_clients,
             guint       n_events,
             guint       rate)
{
  g_autoptr(DwTestServer) server = bench_server_new (NULL);
  g_autoptr(GSubprocess) sender = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/stream?access_token=%s", server->admin_token);
  g_autofree char *key = NULL;
  guint16 port = dw_test_server_get_port (server);
  BenchStream *fanout;
  BenchStreamSent sent;
  gint64 started;
  double cpu0, scpu0, cpu, scpu;
  double achieved, at_clients, p50, p99, max;
  double rss0, rss;
  /* The two kinds of clients are different measurements: their figures are kept apart. */
  const char *figures = g_strcmp0 (g_getenv ("BENCH_STREAM_DEFLATE"), "1") == 0 ? "fanout.deflate"
                                                                                  : "fanout";

  g_print ("# %u stream clients, %u tickets created at a nominal %u/s by another process\n",
           n_clients, n_events, rate);
  fanout = bench_stream_new (SUBJECT_PREFIX, n_clients, n_events);

  rss0 = process_rss_mib (server->process);
  started = g_get_monotonic_time ();
  for (guint i = 0; i < n_clients; i++)
    bench_stream_connect (fanout, i, port, path);
  g_assert_true (bench_stream_wait_upgraded (fanout, started + 60 * G_USEC_PER_SEC));
  g_print ("%-52s %8.2f s\n", "connecting the clients",
           (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
  /* Whatever the stream sends first, let it drain. */
  bench_stream_drain (fanout, g_get_monotonic_time () + G_USEC_PER_SEC / 2);
  rss = process_rss_mib (server->process);
  g_print ("%-52s %.1f MiB (+%.1f MiB for the clients)\n", "service RSS with the clients connected",
           rss, rss - rss0);

  cpu0 = bench_self_cpu_seconds ();
  scpu0 = bench_process_cpu_seconds (server->process);
  sender = bench_stream_start_sender (self_path, server, n_events, rate);
  bench_stream_wait_received (fanout,
                              g_get_monotonic_time () + (n_events / rate + 60) * G_USEC_PER_SEC);
  cpu = bench_self_cpu_seconds () - cpu0;
  scpu = bench_process_cpu_seconds (server->process) - scpu0;
  bench_stream_finish_sender (sender, &sent);

  achieved = sent.sent > 1 && sent.seconds > 0 ? (sent.sent - 1) / sent.seconds : 0;
  at_clients = fanout->events_at_0 > 1
    ? (fanout->events_at_0 - 1) / ((fanout->last_event_at - fanout->first_event_at) / (double) G_USEC_PER_SEC)
    : 0;
  p50 = bench_samples_percentile_ms (fanout->latency, 50);
  p99 = bench_samples_percentile_ms (fanout->latency, 99);
  max = bench_samples_percentile_ms (fanout->latency, 100);

  g_print ("%-52s %8.1f/s of a nominal %u/s (%.0f %%); at a client %.1f/s\n",
           "event rate achieved (POSTs sent)", achieved, rate, 100 * achieved / rate, at_clients);
  g_print ("%-52s p50 %6.1f ms   p99 %6.1f ms   max %6.1f ms   (goal p99 ≤ %.0f ms)\n",
           "event created → frame received", p50, p99, max, GOAL_P99_MS);
  g_print ("%-52s p50 %6.1f ms   p99 %6.1f ms   max %6.1f ms\n", "POST → 201 (at the sender)",
           sent.post_p50, sent.post_p99, sent.post_max);
  g_print ("%-52s %u of %u (%u duplicates, %u clients closed)\n", "deliveries", fanout->received,
           n_clients * n_events, fanout->duplicates, fanout->closed);
  g_print ("%-52s clients %.2f s   sender %.2f s   service %.2f s\n", "CPU time", cpu, sent.cpu,
           scpu);
  g_print ("%-52s %.1f µs\n", "service CPU per delivered frame",
           fanout->received > 0 ? scpu * G_USEC_PER_SEC / fanout->received : 0);
  g_print ("%-52s %.1f bytes on the wire (header included), %.1f of text;"
           " deflated alone %" G_GSIZE_FORMAT "\n",
           "a ticket.created frame, on average",
           fanout->received > 0 ? fanout->wire_bytes / (double) fanout->received : 0,
           fanout->received > 0 ? fanout->text_bytes / (double) fanout->received : 0,
           deflated_alone (fanout->sample));

  key = g_strdup_printf ("%s.%uc.latency_p99", figures, n_clients);
  bench_figure (key, p99, "ms", "<=", GOAL_P99_MS);
  g_free (key);
  key = g_strdup_printf ("%s.%uc.latency_p50", figures, n_clients);
  bench_figure (key, p50, "ms", NULL, 0);
  g_free (key);
  key = g_strdup_printf ("%s.%uc.latency_max", figures, n_clients);
  bench_figure (key, max, "ms", NULL, 0);
  g_free (key);
  /* Below the nominal rate the latency was not measured under the load it names. */
  key = g_strdup_printf ("%s.%uc.rate_achieved_ratio", figures, n_clients);
  bench_figure (key, achieved / rate, "ratio", ">=", 0.95);
  g_free (key);
  key = g_strdup_printf ("%s.%uc.lost", figures, n_clients);
  bench_figure (key, n_clients * n_events - fanout->received, "deliveries", "<=", 0);
  g_free (key);
  key = g_strdup_printf ("%s.%uc.duplicates", figures, n_clients);
  bench_figure (key, fanout->duplicates, "deliveries", "<=", 0);
  g_free (key);
  key = g_strdup_printf ("%s.%uc.client_cpu", figures, n_clients);
  bench_figure (key, cpu, "s", NULL, 0);
  g_free (key);
  key = g_strdup_printf ("%s.%uc.service_cpu", figures, n_clients);
  bench_figure (key, scpu, "s", NULL, 0);
  g_free (key);
  key = g_strdup_printf ("%s.%uc.service_cpu_per_frame", figures, n_clients);
  bench_figure (key, fanout->received > 0 ? scpu * G_USEC_PER_SEC / fanout->received : 0, "us",
                NULL, 0);
  g_free (key);
  key = g_strdup_printf ("%s.%uc.service_rss_clients", figures, n_clients);
  bench_figure (key, rss - rss0, "MiB", NULL, 0);
  g_free (key);
  key = g_strdup_printf ("%s.%uc.frame_wire_bytes", figures, n_clients);
  bench_figure (key, fanout->received > 0 ? fanout->wire_bytes / (double) fanout->received : 0,
                "bytes", NULL, 0);

  bench_stream_free (fanout);
}

int
main (int   argc,
      char *argv[])
{
  g_auto(GStrv) levels = NULL;
  guint n_events, rate;

  bench_init (TRUE);
  if (argc == 6 && g_str_equal (argv[1], "--send"))
    return bench_stream_sender_main (argv + 2, SUBJECT_PREFIX, SENDER_IN_FLIGHT);

  levels = g_strsplit (g_getenv ("BENCH_FANOUT_CLIENTS") != NULL ? g_getenv ("BENCH_FANOUT_CLIENTS")
                                                                 : "200,500", ",", -1);
  n_events = bench_env_uint ("BENCH_FANOUT_EVENTS", 1000);
  rate = bench_env_uint ("BENCH_FANOUT_RATE", 200);

  g_print ("# Event fan-out.  Latency: the sender writing the POST → a client reading the\n"
           "# ticket.created frame (the service's create, commit and fan-out included)\n");
  for (guint l = 0; levels[l] != NULL; l++)
    {
      g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
      guint n_clients = (guint) g_ascii_strtoull (levels[l], NULL, 10);

      if (n_clients > 0)
        bench_level (self_path != NULL ? self_path : argv[0], n_clients, n_events, rate);
    }
  return 0;
}
