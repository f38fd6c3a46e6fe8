/* dw-service.h: deskwatchd assembled — store, clock, event log, SLA engine, desk, HTTP API
 * and stream.  main.c, the demo and the benchmarks use it.
 */
#pragma once

#include <gio/gio.h>

#include "dw-clock.h"
#include "dw-desk.h"
#include "dw-event-log.h"
#include "dw-limits.h"
#include "dw-read-pool.h"
#include "dw-sla-engine.h"

G_BEGIN_DECLS

#define DW_TYPE_SERVICE (dw_service_get_type ())
G_DECLARE_FINAL_TYPE (DwService, dw_service, DW, SERVICE, GObject)

/* Opens (creating and migrating) the database @db names (dw_db_uri_parse: a SQLite file,
 * sqlite:FILE, or a PostgreSQL postgresql://… URI or libpq key=value string: one connection);
 * @clock is not taken (a new real-time clock when NULL). */
DwService   *dw_service_new           (const char  *db,
                                       DwClock     *clock,
                                       GError     **error);
/* The same with the serving sessions' lock_timeout on PostgreSQL (`--db-lock-timeout`, 0 …
 * DW_PG_LOCK_TIMEOUT_MAX_MS, 0: none); dw_service_new's is DW_PG_LOCK_TIMEOUT_DEFAULT_MS.  The
 * main connection, the event log's and the leader's sessions and the read pool's connections
 * all take it; SQLite ignores it. */
DwService   *dw_service_new_with_lock_timeout (const char  *db,
                                               DwClock     *clock,
                                               guint        lock_timeout_ms,
                                               GError     **error);
/* The same for a command (`deskwatchd user …`, `token …`): no DwLeader, so it never takes
 * the leadership from the instances that serve (dw_service_get_leader is NULL). */
DwService   *dw_service_new_for_command (const char  *db,
                                         DwClock     *clock,
                                         GError     **error);

/* Starts serving on @addr_port ("127.0.0.1:8080", "[::1]:0", ":8080" for every address;
 * port 0 picks a free one), with TLS when @tls_cert and @tls_key (PEM files) are given. */
gboolean     dw_service_listen        (DwService   *self,
                                       const char  *addr_port,
                                       const char  *tls_cert,
                                       const char  *tls_key,
                                       GError     **error);
void         dw_service_stop          (DwService   *self);

/* The URL clients use, e.g. "http://127.0.0.1:41234/"; NULL before listening. */
char        *dw_service_get_url       (DwService   *self);
/* The SQLite handle, NULL on PostgreSQL (for the readers not yet on the store). */
/* The one store on the database, the service's (it outlives the service's objects). */
DwStore     *dw_service_get_store     (DwService   *self);
DwDesk      *dw_service_get_desk      (DwService   *self);
DwClock     *dw_service_get_clock     (DwService   *self);
DwEventLog  *dw_service_get_event_log (DwService   *self);
DwSlaEngine *dw_service_get_sla_engine (DwService  *self);
/* Whether this instance does the singleton work (dw-leader.h). */
DwLeader    *dw_service_get_leader    (DwService   *self);
/* Holds the reading of the agent facts from idle back (while the demo writes its history below
 * the audit ids they have read: they read it all again afterwards), and lets it go on. */
void         dw_service_hold_agent_facts (DwService *self,
                                          gboolean   hold);
/* How many connections serve snapshots off the main loop (dw-read-pool.h): 1 …
 * DW_READ_POOL_MAX_SIZE, default DW_READ_POOL_DEFAULT_SIZE; 0 serves them on the main
 * connection as before (for tests and tools).  Set before dw_service_listen(). */
void         dw_service_set_db_pool_size (DwService *self,
                                          guint      size);
/* The pool once listening, else NULL. */
DwReadPool  *dw_service_get_read_pool (DwService   *self);
/* Connection cap, timeouts and body size: set before dw_service_listen(). */
DwLimits    *dw_service_get_limits    (DwService   *self);

G_END_DECLS
