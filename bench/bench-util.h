/* bench-util.h: what the benchmarks share — figures, a desk to measure, concurrent requests.
 *
 * Benchmarks print figures and never fail on timings; they fail only when the service does not
 * answer as it should (then the figure would be meaningless).
 */
#pragma once

#include <libsoup/soup.h>

#include "dw-test-server.h"

G_BEGIN_DECLS

/* Latencies in microseconds. */
typedef struct
{
  GArray *usec;  /* of gint64 */
} BenchSamples;

BenchSamples *bench_samples_new       (void);
void          bench_samples_free      (BenchSamples *samples);
void          bench_samples_add       (BenchSamples *samples,
                                       gint64        usec);
/* The @p-th percentile (0–100) in milliseconds (sorts the samples). */
double        bench_samples_percentile_ms (BenchSamples *samples,
                                           double        p);
/* "p50 1.23 ms  p99 4.56 ms  (n 1000)" */
void          bench_samples_print     (BenchSamples *samples,
                                       const char   *label);

/* A server with an empty database and a signed-in admin, or on @db_path's existing database
 * (then an admin is added first). */
DwTestServer *bench_server_new        (const char   *db_path);

/* A session for many parallel connections. */
SoupSession  *bench_session_new       (guint         max_conns);

/* POSTs @n JSON bodies to @path with up to @concurrency requests in flight; @body_func makes
 * body @i.  Returns the wall time in seconds; latencies go to @samples; every response must be
 * @expected_status. */
typedef char *(*BenchBodyFunc) (guint i);
double        bench_post_concurrently (SoupSession  *session,
                                       const char   *base_url,
                                       const char   *path,
                                       const char   *token,
                                       guint         n,
                                       guint         concurrency,
                                       BenchBodyFunc body_func,
                                       guint         expected_status,
                                       BenchSamples *samples);

/* The same on plain keep-alive HTTP/1.1 sockets (@concurrency of them, read with epoll): a
 * client that costs the CPUs it shares with the service as little as can be (libsoup spends
 * ~0.3 ms of CPU on a request, half of what the service spends on a create).  @samples may be
 * %NULL. */
double        bench_post_keepalive    (const char   *base_url,
                                       const char   *path,
                                       const char   *token,
                                       guint         n,
                                       guint         concurrency,
                                       BenchBodyFunc body_func,
                                       guint         expected_status,
                                       BenchSamples *samples);

/* Writes all of @size bytes to the socket @fd (blocking or not). */
void          bench_send_all          (int           fd,
                                       const void   *data,
                                       gsize         size);
/* A TCP connection to 127.0.0.1:@port, without Nagle's delay, non-blocking. */
int           bench_connect_local     (guint16       port);

/* Fills a new database at @path by direct SQLite (the service's own schema, made by
 * dw_store_open) with 4 teams, 40 agents, 2000 customers and @n tickets created over the 90
 * days before @now, older ones with lower ids; @all_active makes every ticket new, open or
 * pending (all of them in a console's snapshot), otherwise most are closed as on a real desk. */
void          bench_populate_desk     (const char   *path,
                                       guint         n,
                                       gint64        now,
                                       gboolean      all_active);

/* A TCP connection to 127.0.0.1:@port, without Nagle's delay, non-blocking. */
int           bench_connect_local     (guint16       port);

/* Fills a new database at @path by direct SQLite with one team of @agents agents (Asia/Shanghai,
 * open 09:00–22:00 every day), @per_day tickets a day over the @days before @today (the local
 * midnight) with two public messages each, a published roster of three shift patterns with a
 * half-hour break for those weeks and the next, and the presence timeline of every shift. */
void          bench_populate_staffing (const char   *path,
                                       guint         agents,
                                       guint         days,
                                       guint         per_day,
                                       gint64        today);

/* Fills the database at @path by direct SQLite with what the service itself writes for @n
 * tickets' lives in one team of @agents agents (users 101…), created over the 30 days before
 * @now: created, routed, assigned, first response, open, SLA outcomes, solved (eight audit rows
 * a ticket) and two public replies.  @first 0 makes the team and its agents first (a new
 * database); later calls add tickets @first… to it.  Returns the audit rows written. */
guint         bench_populate_agents   (const char   *path,
                                       guint         agents,
                                       guint         first,
                                       guint         n,
                                       gint64        now);

/* What every benchmark does first: the locale, warnings and criticals fatal if @fatal_warnings
 * (a figure taken after one means nothing; the console benchmarks leave GTK its warnings), and
 * no debug output.  Not g_test_init(): its log handler prints every debug message logged
 * through g_log() (98,907 lines in one bench/run, and CPU time the clients spent on them);
 * after gtk_test_init() this undoes that. */
void          bench_init              (gboolean      fatal_warnings);

/* One figure for the machine-readable results: appended as a JSON line to the file named by
 * $BENCH_RESULTS (bench/run gathers them), with its goal when it has one.  @goal_op is "<=",
 * ">=" or NULL (no goal).  Prints nothing: the benchmark prints its own lines. */
void          bench_figure            (const char   *name,
                                       double        value,
                                       const char   *unit,
                                       const char   *goal_op,
                                       double        goal);

/* CPU time (user + system) in seconds this process has used so far / another process has. */
double        bench_self_cpu_seconds  (void);
double        bench_process_cpu_seconds (GSubprocess *process);

/* Integer from the environment, or @fallback. */
guint         bench_env_uint          (const char   *name,
                                       guint         fallback);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchSamples, bench_samples_free)

G_END_DECLS
