#define G_LOG_DOMAIN "deskwatchd"

#include "config.h"

#include "dw-service.h"

#include "dw-agent-metrics.h"

#include <sys/socket.h>

#include <libsoup/soup.h>
#include <string.h>

#include "dw-api.h"
#include "dw-auth.h"
#include "dw-limits.h"
#include "dw-db-uri.h"
#include "dw-read-pool.h"
#include "dw-store.h"
#include "store/dw-store-tx.h"
#include "store/pg/dw-pg-connection.h"
#include "store/pg/dw-pg-migrations.h"
#include "store/pg/dw-pg-store.h"
#include "store/sqlite/dw-sqlite-store.h"

#include "dw-stream.h"

struct _DwService
{
  GObject      parent_instance;

  sqlite3     *db;              /* the SQLite connection, or */
  PGconn      *pg;              /* the PostgreSQL one: one per instance for now */
  DwStore     *store;           /* the one store on it, lent to everything below */
  DwDbKind     kind;
  char        *target;          /* the SQLite file or the connection string, for the pool */
  guint        pool_size;       /* --db-pool-size */
  guint        lock_timeout_ms; /* --db-lock-timeout on PostgreSQL, for the pool too; 0: none */
  DwReadPool  *read_pool;       /* snapshots off the main loop (dw-read-pool.h), once serving */
  DwClock     *clock;
  DwEventLog  *events;
  DwSlaEngine *sla;
  DwLeader    *leader;          /* whether this instance does the singleton work */
  DwDesk      *desk;
  DwApi       *api;
  DwLimits    *limits;
  SoupServer  *server;
  guint        access_poll_id;
  guint        facts_id;
  gboolean     facts_held;      /* dw_service_hold_agent_facts() */
  gboolean     facts_due;       /* their time came while held */
  gboolean     facts_unavailable;  /* the database was away at the last attempt (said once) */
  gboolean     facts_locked;    /* a lock held elsewhere timed the last attempt out (said once) */
};

/* How often the service looks for tokens revoked and users changed by another process on the
 * same database (`deskwatchd token revoke`): the longest such a change takes to reach open
 * streams, unless an event is published sooner (docs/api.md "Stream"). */
#define DEFAULT_ACCESS_POLL_MS 1000

G_DEFINE_FINAL_TYPE (DwService, dw_service, G_TYPE_OBJECT)

static void
dw_service_dispose (GObject *object)
{
  DwService *self = DW_SERVICE (object);

  dw_service_stop (self);
  g_clear_object (&self->api);
  g_clear_object (&self->limits);
  g_clear_object (&self->desk);
  g_clear_object (&self->sla);
  g_clear_object (&self->events);
  g_clear_object (&self->leader);
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (dw_service_parent_class)->dispose (object);
}

static void
dw_service_finalize (GObject *object)
{
  DwService *self = DW_SERVICE (object);

  /* After the objects it was lent to (dispose), before the connection under it. */
  g_clear_pointer (&self->read_pool, dw_read_pool_unref);
  g_clear_pointer (&self->target, g_free);
  g_clear_pointer (&self->store, dw_store_free);
  g_clear_pointer (&self->db, dw_store_close);
  g_clear_pointer (&self->pg, PQfinish);

  G_OBJECT_CLASS (dw_service_parent_class)->finalize (object);
}

static void
dw_service_class_init (DwServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dw_service_dispose;
  object_class->finalize = dw_service_finalize;
}

static void
dw_service_init (DwService *self)
{
  self->pool_size = DW_READ_POOL_DEFAULT_SIZE;
}

/* One connection, migrated: the schema is brought up to date by whichever instance starts
 * first, under the migration lock (dw_pg_migrate).  Only the redacted connection string is ever
 * logged or put into an error. */
static PGconn *
open_pg (const char  *conninfo,
         GError     **error)
{
  g_autofree char *shown = dw_db_uri_redact (conninfo);
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(GError) local = NULL;

  g_info ("Connecting to PostgreSQL %s", shown);
  if ((conn = dw_pg_connect (conninfo, &local)) == NULL
      || !dw_pg_migrate (conn, NULL, &local))
    {
      g_set_error (error, local->domain, local->code, "PostgreSQL %s: %s", shown,
                   local->message);
      return NULL;
    }
  return g_steal_pointer (&conn);
}

/* @lock_timeout_ms: the serving sessions' lock_timeout on PostgreSQL (0: none, a command's). */
static DwService *
service_new (const char  *db,
             DwClock     *clock,
             gboolean     lead,
             guint        lock_timeout_ms,
             GError     **error)
{
  g_autoptr(DwService) self = NULL;
  g_autofree char *target = NULL;
  DwDbKind kind;

  g_return_val_if_fail (db != NULL, NULL);

  if (!dw_db_uri_parse (db, &kind, &target, error))
    return NULL;
  if (!dw_auth_init (error))
    return NULL;

  self = g_object_new (DW_TYPE_SERVICE, NULL);
  self->kind = kind;
  self->target = g_strdup (target);
  if (kind == DW_DB_POSTGRESQL)
    {
      self->pg = open_pg (target, error);
      if (self->pg == NULL)
        return NULL;
      self->store = dw_pg_store_new (self->pg);
      /* After the migrations (which wait for each other's lock as long as they take), before
       * the event log and the leader open their sessions (they take the store's setting). */
      if (lock_timeout_ms > 0
          && !dw_pg_store_set_lock_timeout (self->store, lock_timeout_ms, error))
        return NULL;
      self->lock_timeout_ms = lock_timeout_ms;
    }
  else
    {
      self->db = dw_store_open (target, error);
      if (self->db == NULL)
        return NULL;
      self->store = dw_sqlite_store_new (self->db);
    }

  self->clock = clock != NULL ? g_object_ref (clock) : dw_clock_new (1.0);
  self->events = dw_event_log_new (self->store, self->clock);
  self->sla = dw_sla_engine_new (self->store, self->clock, self->events);
  if (lead)
    {
      self->leader = dw_leader_new (self->store);
      dw_event_log_set_leader (self->events, self->leader);
      dw_sla_engine_set_leader (self->sla, self->leader);
    }
  self->desk = dw_desk_new (self->store, self->clock, self->events, self->sla);
  if (lead)
    dw_desk_set_leader (self->desk, self->leader);
  self->api = dw_api_new (self->store, self->clock, self->desk, self->events);
  self->limits = dw_limits_new ();
  dw_limits_set_max_body (self->limits, DW_API_MAX_BODY);
  dw_limits_set_header_check (self->limits, dw_api_check_headers, self->api);
  return g_steal_pointer (&self);
}

DwService *
dw_service_new (const char  *db,
                DwClock     *clock,
                GError     **error)
{
  return service_new (db, clock, TRUE, DW_PG_LOCK_TIMEOUT_DEFAULT_MS, error);
}

DwService *
dw_service_new_with_lock_timeout (const char  *db,
                                  DwClock     *clock,
                                  guint        lock_timeout_ms,
                                  GError     **error)
{
  g_return_val_if_fail (lock_timeout_ms <= DW_PG_LOCK_TIMEOUT_MAX_MS, NULL);

  return service_new (db, clock, TRUE, lock_timeout_ms, error);
}

DwService *
dw_service_new_for_command (const char  *db,
                            DwClock     *clock,
                            GError     **error)
{
  /* A command is run by hand and may be interrupted by hand: it waits as before. */
  return service_new (db, clock, FALSE, 0, error);
}

static guint
access_poll_ms (void)
{
  const char *value = g_getenv ("DESKWATCH_ACCESS_POLL_MS");
  guint64 n;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 1, 60000, &n, NULL))
    return DEFAULT_ACCESS_POLL_MS;
  return (guint) n;
}

static gboolean
access_poll_cb (gpointer data)
{
  DwService *self = data;

  dw_event_log_poll_access (self->events);
  return G_SOURCE_CONTINUE;
}

/* "host:port", "[v6]:port" or ":port" (every address). */
static gboolean
parse_addr_port (const char  *addr_port,
                 char       **host,
                 guint16     *port,
                 GError     **error)
{
  const char *colon = strrchr (addr_port, ':');
  guint64 value;

  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &value, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "--listen %s: expected ADDRESS:PORT, e.g. 127.0.0.1:8080", addr_port);
      return FALSE;
    }

  *port = (guint16) value;
  if (addr_port[0] == '[' && colon > addr_port && colon[-1] == ']')
    *host = g_strndup (addr_port + 1, colon - addr_port - 2);
  else
    *host = g_strndup (addr_port, colon - addr_port);

  return TRUE;
}

/* soup_server_listen() leaves GLib's default accept backlog of 10, so a burst of clients
 * connecting at once waits for SYN retries; a socket of our own gets the system's maximum. */
static gboolean
listen_on_address (SoupServer               *server,
                   GSocketAddress           *address,
                   SoupServerListenOptions   options,
                   GError                  **error)
{
  g_autoptr(GSocket) socket = NULL;

  socket = g_socket_new (g_socket_address_get_family (address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;

  g_socket_set_listen_backlog (socket, SOMAXCONN);
  if (!g_socket_bind (socket, address, TRUE, error) || !g_socket_listen (socket, error))
    return FALSE;

  return soup_server_listen_socket (server, socket, options, error);
}

/* The agent facts read the audit trail added since they last did: after an upgrade or a long
 * downtime that is the whole trail (4 s for a million rows), and a new demo desk's two weeks
 * (114k rows, 0.3–0.5 s).  Read it once the service is idle, so the first lead to open the
 * figures does not wait for it, and in slices of FACTS_SLICE_MS: in one piece it held up the
 * requests that came meanwhile, the console's first sign-in and snapshot among them.  The first
 * slice waits FACTS_DELAY_S, the seconds in which the consoles that were waiting for the service
 * (or started it, as `deskwatch --demo` does) sign in and load their snapshot: on a busy machine
 * the slices would compete with them for the processor.  A request for the figures meanwhile
 * reads the rest itself (dw_agent_metrics). */
#define FACTS_SLICE_MS 20
#define FACTS_DELAY_S 3
/* While the database is away, the catch-up is tried again this often. */
#define FACTS_RETRY_S 1

static gboolean facts_start_cb (gpointer data);

static gboolean
facts_idle_cb (gpointer data)
{
  DwService *self = data;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  if (self->facts_held)
    {
      self->facts_id = 0;
      self->facts_due = TRUE;
      return G_SOURCE_REMOVE;
    }
  if (!dw_agent_facts_catch_up_for (self->store, FACTS_SLICE_MS, &done, &error))
    {
      /* The database away (PostgreSQL restarting): the rest is read once it is back, said
       * once, not at every attempt. */
      if (g_error_matches (error, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE))
        {
          if (!self->facts_unavailable)
            g_message ("Agent figures not brought up to date yet, will try again when the "
                       "database is back: %s", error->message);
          self->facts_unavailable = TRUE;
          self->facts_id = g_timeout_add_seconds_full (G_PRIORITY_LOW, FACTS_RETRY_S,
                                                       facts_start_cb, self, NULL);
          return G_SOURCE_REMOVE;
        }
      /* A lock held elsewhere past lock_timeout (the facts' advisory lock, a ticket's row):
       * each try stops the main loop that long, so not every second; said once. */
      if (g_error_matches (error, DW_STORE_ERROR, DW_STORE_ERROR_LOCK_TIMEOUT))
        {
          if (!self->facts_locked)
            g_message ("Agent figures not brought up to date yet, a lock is held elsewhere; "
                       "will try again in %u s: %s", DW_STORE_TX_LOCKED_RETRY_S, error->message);
          self->facts_locked = TRUE;
          self->facts_id = g_timeout_add_seconds_full (G_PRIORITY_LOW,
                                                       DW_STORE_TX_LOCKED_RETRY_S,
                                                       facts_start_cb, self, NULL);
          return G_SOURCE_REMOVE;
        }
      g_message ("Agent figures not brought up to date yet: %s", error->message);
      done = TRUE;
    }
  self->facts_unavailable = FALSE;
  self->facts_locked = FALSE;
  if (done)
    {
      self->facts_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
facts_start (DwService *self)
{
  self->facts_id = g_idle_add_full (G_PRIORITY_LOW, facts_idle_cb, self, NULL);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->facts_id),
                            "[deskwatchd] agent facts");
}

static gboolean
facts_start_cb (gpointer data)
{
  DwService *self = data;

  self->facts_id = 0;
  if (self->facts_held)
    self->facts_due = TRUE;
  else
    facts_start (self);
  return G_SOURCE_REMOVE;
}

void
dw_service_hold_agent_facts (DwService *self,
                             gboolean   hold)
{
  g_return_if_fail (DW_IS_SERVICE (self));

  self->facts_held = hold;
  if (!hold && self->facts_due && self->server != NULL)
    {
      self->facts_due = FALSE;
      if (self->facts_id == 0)
        facts_start (self);
    }
}

gboolean
dw_service_listen (DwService   *self,
                   const char  *addr_port,
                   const char  *tls_cert,
                   const char  *tls_key,
                   GError     **error)
{
  g_autofree char *host = NULL;
  SoupServerListenOptions options = 0;
  guint16 port;

  g_return_val_if_fail (DW_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  if (!parse_addr_port (addr_port, &host, &port, error))
    return FALSE;

  if ((tls_cert == NULL) != (tls_key == NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "TLS needs both --tls-cert and --tls-key");
      return FALSE;
    }

  self->server = soup_server_new ("server-header", "deskwatchd/" PACKAGE_VERSION " ", NULL);

  if (tls_cert != NULL)
    {
      g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_files (tls_cert, tls_key,
                                                                                 error);

      if (certificate == NULL)
        {
          g_clear_object (&self->server);
          return FALSE;
        }

      soup_server_set_tls_certificate (self->server, certificate);
      options |= SOUP_SERVER_LISTEN_HTTPS;
    }

  dw_api_install (self->api, self->server);
  dw_stream_install (self->server, self->events, self->clock, dw_api_authenticate,
                     dw_api_recheck, self->api);

  if (*host == '\0')
    {
      if (!soup_server_listen_all (self->server, port, options, error))
        {
          g_clear_object (&self->server);
          return FALSE;
        }
    }
  else
    {
      g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (host);
      g_autoptr(GSocketAddress) address = NULL;

      if (inet == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "--listen %s: \"%s\" is not an IP address", addr_port, host);
          g_clear_object (&self->server);
          return FALSE;
        }

      address = g_inet_socket_address_new (inet, port);
      if (!listen_on_address (self->server, address, options, error))
        {
          g_clear_object (&self->server);
          return FALSE;
        }
    }

  /* The pool's connections are opened by the first snapshots.  An in-memory SQLite database
   * cannot be opened a second time: it serves them on its one connection. */
  if (self->read_pool == NULL && self->pool_size > 0)
    {
      if (self->kind == DW_DB_POSTGRESQL)
        {
          self->read_pool = dw_read_pool_new_pg (self->target, self->pool_size);
          dw_read_pool_set_lock_timeout (self->read_pool, self->lock_timeout_ms);
        }
      else if (*self->target != '\0' && g_strcmp0 (self->target, ":memory:") != 0)
        self->read_pool = dw_read_pool_new_sqlite (self->target, self->pool_size);
      dw_api_set_read_pool (self->api, self->read_pool);
    }

  dw_limits_install (self->limits, self->server, options);
  dw_sla_engine_start (self->sla);

  /* The first look sets the mark; later ones notice other processes' commits. */
  dw_event_log_poll_access (self->events);
  self->access_poll_id = g_timeout_add (access_poll_ms (), access_poll_cb, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->access_poll_id),
                            "[deskwatchd] access poll");
  self->facts_id = g_timeout_add_seconds_full (G_PRIORITY_LOW, FACTS_DELAY_S, facts_start_cb, self,
                                               NULL);
  return TRUE;
}

void
dw_service_stop (DwService *self)
{
  g_return_if_fail (DW_IS_SERVICE (self));

  if (self->server == NULL)
    return;

  /* Interrupts the snapshots being read and waits for their threads: after this, no thread
   * reads the database (their replies are dropped, their messages go with the server). */
  if (self->read_pool != NULL)
    {
      dw_read_pool_close (self->read_pool);
      dw_api_set_read_pool (self->api, NULL);
      g_clear_pointer (&self->read_pool, dw_read_pool_unref);
    }
  dw_sla_engine_stop (self->sla);
  g_clear_handle_id (&self->access_poll_id, g_source_remove);
  g_clear_handle_id (&self->facts_id, g_source_remove);
  dw_limits_uninstall (self->limits);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
}

char *
dw_service_get_url (DwService *self)
{
  GSList *uris;
  char *url = NULL;

  g_return_val_if_fail (DW_IS_SERVICE (self), NULL);

  if (self->server == NULL)
    return NULL;

  uris = soup_server_get_uris (self->server);
  if (uris != NULL)
    url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return url;
}

DwStore *
dw_service_get_store (DwService *self)
{
  g_return_val_if_fail (DW_IS_SERVICE (self), NULL);
  return self->store;
}

DwDesk *
dw_service_get_desk (DwService *self)
{
  g_return_val_if_fail (DW_IS_SERVICE (self), NULL);
  return self->desk;
}

DwClock *
dw_service_get_clock (DwService *self)
{
  g_return_val_if_fail (DW_IS_SERVICE (self), NULL);
  return self->clock;
}

DwEventLog *
dw_service_get_event_log (DwService *self)
{
  g_return_val_if_fail (DW_IS_SERVICE (self), NULL);
  return self->events;
}

void
dw_service_set_db_pool_size (DwService *self,
                             guint      size)
{
  g_return_if_fail (DW_IS_SERVICE (self));
  g_return_if_fail (self->server == NULL);
  g_return_if_fail (size <= DW_READ_POOL_MAX_SIZE);

  self->pool_size = size;
}

DwReadPool *
dw_service_get_read_pool (DwService *self)
{
  g_return_val_if_fail (DW_IS_SERVICE (self), NULL);
  return self->read_pool;
}

DwLimits *
dw_service_get_limits (DwService *self)
{
  g_return_val_if_fail (DW_IS_SERVICE (self), NULL);
  return self->limits;
}

DwLeader *
dw_service_get_leader (DwService *self)
{
  g_return_val_if_fail (DW_IS_SERVICE (self), NULL);

  return self->leader;
}

DwSlaEngine *
dw_service_get_sla_engine (DwService *self)
{
  g_return_val_if_fail (DW_IS_SERVICE (self), NULL);
  return self->sla;
}
