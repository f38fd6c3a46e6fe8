/* dw-store.h: the SQLite database of deskwatchd and the JSON of its rows.
 *
 * One connection, used from the main thread only.  WAL with synchronous=FULL: COMMIT returns
 * once the transaction is on disk, and the API answers a write only after COMMIT, so an
 * acknowledged write survives kill -9 and power loss.  Schema migrations are the GResource
 * files /org/deskwatch/Deskwatchd/migrations/NNN-*.sql, applied in order, each in its own
 * transaction, and recorded in PRAGMA user_version.
 *
 * The *_json functions produce the objects of docs/api.md exactly.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "store/dw-store-backend.h"

G_BEGIN_DECLS

#define DW_STORE_ERROR (dw_store_error_quark ())

typedef enum
{
  DW_STORE_ERROR_FAILED,      /* any SQLite error; the message carries sqlite3_errmsg */
  DW_STORE_ERROR_NOT_FOUND,   /* no row with that id */
  DW_STORE_ERROR_CONSTRAINT,  /* UNIQUE / CHECK / FOREIGN KEY violated */
  DW_STORE_ERROR_MIGRATION,   /* a migration failed or the database is newer than we are */
  DW_STORE_ERROR_CONFLICT,    /* an update expected a version the row is no longer at */
  DW_STORE_ERROR_UNAVAILABLE, /* the database cannot be reached now (PostgreSQL restarting or
                               * away): nothing of the operation was done; try again later */
  DW_STORE_ERROR_LOCK_TIMEOUT, /* waited the session's lock_timeout for a lock another session
                                * holds (PostgreSQL's 55P03): nothing done once rolled back; not
                                * to be run again at once (it would wait as long again) */
} DwStoreError;

GQuark      dw_store_error_quark      (void);

/* Opens (creating if needed) and migrates the database at @path. */
sqlite3    *dw_store_open             (const char    *path,
                                       GError       **error);
void        dw_store_close            (sqlite3       *db);
/* A number that moves with this connection's writes of the settings the service caches (SLA
 * policies, calendars, a team's calendar, routing rules; counted by temporary triggers, and its
 * rollbacks) and with every other connection's commits (PRAGMA data_version), but not with
 * other writes of its own (dw_store_sla_config_version, dw_store_routing_rules_version).  FALSE
 * for a connection dw_store_open did not open. */
gboolean    dw_store_settings_version (sqlite3       *db,
                                       guint64       *version);
/* Likewise for what a request's authentication reads (tokens but their last use, users' names,
 * roles and disabled flags, team membership): dw_store_auth_version on SQLite. */
gboolean    dw_store_credentials_version (sqlite3    *db,
                                          guint64    *version);
/* PRAGMA user_version: the number of the last applied migration. */
int         dw_store_get_schema_version (sqlite3     *db);
/* TRUE when no user exists yet (a fresh desk, e.g. for --demo). */
gboolean    dw_store_is_empty         (sqlite3       *db);

/* Sets @error from SQLite's last error on @db (@rc is the failing result code). */
void        dw_store_set_error        (GError       **error,
                                       sqlite3       *db,
                                       int            rc);

gboolean    dw_store_exec             (sqlite3       *db,
                                       const char    *sql,
                                       GError       **error);
/* A prepared statement for @sql: a parked one from the cache when there is one, else a new
 * one.  Hand it back with dw_store_release() (or hold it in g_autoptr(sqlite3_stmt)), never
 * sqlite3_finalize(), which would make the next request parse it again.  Each caller gets its
 * own statement, so operations may nest (a dispatch loop building ticket JSON). */
/* A statement cache for a connection opened elsewhere (the read pool's, dw-read-pool.c): after
 * opening it, and forgotten (its parked statements finalized) before closing it. */
void          dw_store_cache_statements  (sqlite3 *db);
void          dw_store_forget_statements (sqlite3 *db);
/* Hands a statement back for reuse by dw_store_prepare() (or finalizes it); the sqlite3_stmt
 * autoptr cleanup. */
void          dw_store_release        (sqlite3_stmt  *stmt);
sqlite3_stmt *dw_store_prepare        (sqlite3       *db,
                                       const char    *sql,
                                       GError       **error);
/* Steps @stmt to the end; FALSE with @error unless it finished with SQLITE_DONE. */
gboolean    dw_store_step_done        (sqlite3_stmt  *stmt,
                                       GError       **error);
/* Steps @stmt to its row: TRUE there; FALSE with DW_STORE_ERROR_NOT_FOUND ("no @what @id") when
 * there is none, or with SQLite's error. */
gboolean    dw_store_step_row         (sqlite3_stmt  *stmt,
                                       const char    *what,
                                       gint64         id,
                                       GError       **error);
/* The many-row twin, after `while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) { … }`: TRUE
 * when the loop ended at SQLITE_DONE (@rc), else FALSE with SQLite's error for @rc. */
gboolean    dw_store_step_rows_done   (sqlite3_stmt  *stmt,
                                       int            rc,
                                       GError       **error);
/* Steps @stmt to the end, appending the first @n_columns columns of each row, as gint64, to
 * @out (of gint64); FALSE with SQLite's error. */
gboolean    dw_store_step_ints        (sqlite3_stmt  *stmt,
                                       int            n_columns,
                                       GArray        *out,
                                       GError       **error);

/* Called before every begin of a transaction on the store's connection, on either backend
 * (dw_store_tx_begin / _begin_read, and SQLite's dw_store_begin / _begin_read on the handle):
 * the owner of a group transaction left open there (DwDesk's group commit) commits it, so that
 * another writer or a reader of a consistent snapshot starts on committed data.  One hook per
 * connection, whichever DwStore on it begins; @hook NULL removes it.  @store is the one given
 * to dw_store_set_begin_hook(). */
typedef void (*DwStoreBeginHook) (DwStore  *store,
                                  gpointer  data);
void        dw_store_set_begin_hook   (DwStore          *store,
                                       DwStoreBeginHook  hook,
                                       gpointer          data);
/* For the backends' begin: runs the hook set for @conn, if any. */
void        dw_store_run_begin_hook   (gpointer          conn);

/* BEGIN IMMEDIATE (take the write lock now, so no writer fails half way with SQLITE_BUSY). */
gboolean    dw_store_begin            (sqlite3       *db,
                                       GError       **error);
/* BEGIN (deferred): a consistent snapshot for several reads. */
gboolean    dw_store_begin_read       (sqlite3       *db,
                                       GError       **error);
gboolean    dw_store_commit           (sqlite3       *db,
                                       GError       **error);
/* Rolls back if a transaction is open; safe to call at any time. */
void        dw_store_rollback         (sqlite3       *db);

/* Several reads in a row outside a transaction in one read transaction: each statement on its
 * own takes and drops SQLite's WAL read lock (system calls on the -shm file).  TRUE when it
 * began one, which dw_store_read_scope_end() (given that) ends; FALSE when a transaction was
 * open already (the reads are in it) or BEGIN failed (each statement locks for itself). */
gboolean    dw_store_read_scope_begin (sqlite3       *db);
void        dw_store_read_scope_end   (sqlite3       *db,
                                       gboolean       began);

/* One write inside a group transaction (see DwDesk): SAVEPOINT, then RELEASE when it
 * succeeded or rollback_savepoint when it failed, which undoes that write alone. */
gboolean    dw_store_savepoint        (sqlite3       *db,
                                       GError       **error);
gboolean    dw_store_release_savepoint (sqlite3      *db,
                                        GError      **error);
void        dw_store_rollback_savepoint (sqlite3     *db);

typedef struct
{
  guint statements_prepared;  /* sqlite3_prepare calls (the statement cache missed) */
  guint commits;              /* successful COMMITs, each one WAL sync */
} DwStoreStats;

/* Counters of this process since it started. */
void        dw_store_get_stats        (DwStoreStats  *stats);

/* Small conveniences around sqlite3_column_* / sqlite3_bind_*. */
void        dw_store_bind_id_or_null  (sqlite3_stmt  *stmt,
                                       int            index,
                                       gint64         id);
void        dw_store_bind_text_or_null (sqlite3_stmt *stmt,
                                        int           index,
                                        const char   *text);
/* Parses a JSON column (NULL → JSON null). */
JsonNode   *dw_store_column_json      (sqlite3_stmt  *stmt,
                                       int            column);
/* Serialises @node compactly for a JSON column. */
char       *dw_store_json_to_string   (JsonNode      *node);

/* Rows as the objects of docs/api.md; NULL with DW_STORE_ERROR_NOT_FOUND for an unknown id. */
JsonObject *dw_store_ticket_json      (sqlite3       *db,
                                       gint64         ticket_id,
                                       GError       **error);
JsonObject *dw_store_user_json        (sqlite3       *db,
                                       gint64         user_id,
                                       GError       **error);
JsonObject *dw_store_team_json        (sqlite3       *db,
                                       gint64         team_id,
                                       GError       **error);
JsonObject *dw_store_customer_json    (sqlite3       *db,
                                       gint64         customer_id,
                                       GError       **error);
JsonObject *dw_store_comment_json     (sqlite3       *db,
                                       gint64         comment_id,
                                       GError       **error);
JsonObject *dw_store_audit_json       (sqlite3       *db,
                                       gint64         audit_id,
                                       GError       **error);
JsonObject *dw_store_calendar_json    (sqlite3       *db,
                                       gint64         calendar_id,
                                       GError       **error);
JsonObject *dw_store_sla_policy_json  (sqlite3       *db,
                                       gint64         policy_id,
                                       GError       **error);

/* For list queries: "SELECT " DW_STORE_TICKET_COLUMNS " FROM tickets t WHERE ..." and then
 * dw_store_ticket_json_from_row on each row.  Same for the other objects. */
/* The ticket-level breach of docs/api.md ("breach": none, running, settled) from the ticket's
 * status and "sla" targets; the console computes the same with dw_sla_breach_of_targets().  The
 * worst state is looked at first so that the JSON of the targets is read only for the few
 * tickets with a breached target. */
#define DW_STORE_TICKET_BREACH \
  "(CASE WHEN t.sla_state IS NOT 'breached' THEN 'none' " \
  "WHEN t.status IN ('new', 'open', 'pending', 'on-hold') AND EXISTS (SELECT 1 FROM " \
  "json_each (t.sla) WHERE json_extract (value, '$.state') = 'breached' " \
  "AND json_extract (value, '$.met_at') IS NULL) THEN 'running' " \
  "WHEN EXISTS (SELECT 1 FROM json_each (t.sla) WHERE json_extract (value, '$.state') = " \
  "'breached') THEN 'settled' ELSE 'none' END)"
#define DW_STORE_TICKET_COLUMNS \
  "t.id, t.subject, t.body, t.channel, t.business_type, t.priority, t.status, t.team_id, " \
  "t.assignee_id, t.customer_id, t.order_number, t.tags, t.created_at, t.updated_at, " \
  "t.first_response_at, t.solved_at, t.version, t.escalation_level, t.sla_policy_id, " \
  "t.sla_state, t.next_sla_at, t.sla, t.csat, t.csat_comment, " DW_STORE_TICKET_BREACH
JsonObject *dw_store_ticket_json_from_row   (sqlite3_stmt *stmt);
/* The same object's text, byte for byte dw_json_to_string() of it, written without a tree. */
char       *dw_store_ticket_json_text_from_row (sqlite3_stmt *stmt);
/* The same object as text, made by SQLite itself ("SELECT " DW_STORE_TICKET_JSON " FROM
 * tickets t ..."): for the snapshot, where building a JsonNode tree of every ticket and
 * serialising it again cost seconds at 100k tickets.  Keep the two in step (test-api-tickets
 * compares them member by member).  Tags stored by JSON-GLib 1.6 before dw_json_to_string may
 * hold a raw U+001F, which SQLite's json() refuses (and with it the whole snapshot): escaped
 * on the way out. */
#define DW_STORE_TICKET_JSON \
  "json_object ('id', t.id, 'subject', t.subject, 'body', t.body, 'channel', t.channel, " \
  "'business_type', t.business_type, 'priority', t.priority, 'status', t.status, " \
  "'team_id', t.team_id, 'assignee_id', t.assignee_id, 'customer_id', t.customer_id, " \
  "'order_number', t.order_number, 'tags', json (replace (t.tags, char (31), '\\u001f')), " \
  "'created_at', strftime ('%Y-%m-%dT%H:%M:%SZ', t.created_at, 'unixepoch'), " \
  "'updated_at', strftime ('%Y-%m-%dT%H:%M:%SZ', t.updated_at, 'unixepoch'), " \
  "'first_response_at', strftime ('%Y-%m-%dT%H:%M:%SZ', t.first_response_at, 'unixepoch'), " \
  "'solved_at', strftime ('%Y-%m-%dT%H:%M:%SZ', t.solved_at, 'unixepoch'), " \
  "'version', t.version, 'escalation_level', t.escalation_level, " \
  "'sla_policy_id', t.sla_policy_id, 'sla_state', t.sla_state, " \
  "'next_sla_at', strftime ('%Y-%m-%dT%H:%M:%SZ', t.next_sla_at, 'unixepoch'), " \
  "'sla', json (t.sla), 'csat', t.csat, 'csat_comment', t.csat_comment, " \
  "'breach', " DW_STORE_TICKET_BREACH ")"

#define DW_STORE_USER_COLUMNS \
  "u.id, u.username, u.display_name, u.role, u.capacity, u.presence, u.presence_since, " \
  "u.disabled"
/* Also reads the user's teams, skills and open_tickets from @db. */
JsonObject *dw_store_user_json_from_row     (sqlite3      *db,
                                             sqlite3_stmt *stmt);

#define DW_STORE_TEAM_COLUMNS "m.id, m.name, m.description, m.calendar_id, m.offline_grace_minutes"
JsonObject *dw_store_team_json_from_row     (sqlite3      *db,
                                             sqlite3_stmt *stmt);

#define DW_STORE_CUSTOMER_COLUMNS "c.id, c.name, c.email, c.phone, c.tags, c.created_at"
JsonObject *dw_store_customer_json_from_row (sqlite3_stmt *stmt);

#define DW_STORE_COMMENT_COLUMNS \
  "c.id, c.ticket_id, c.author_kind, c.author_id, c.public, c.body, c.created_at"
JsonObject *dw_store_comment_json_from_row  (sqlite3_stmt *stmt);

#define DW_STORE_AUDIT_COLUMNS \
  "a.id, a.at, a.actor_id, a.entity, a.entity_id, a.action, a.field, a.before, a.after, a.reason"
JsonObject *dw_store_audit_json_from_row    (sqlite3_stmt *stmt);

#define DW_STORE_CALENDAR_COLUMNS "k.id, k.name, k.timezone, k.week, k.holidays, k.workdays"
JsonObject *dw_store_calendar_json_from_row (sqlite3_stmt *stmt);

#define DW_STORE_SLA_POLICY_COLUMNS \
  "p.id, p.name, p.position, p.match_priorities, p.match_tags, p.match_channels, " \
  "p.match_business_types, p.first_response_minutes, p.next_response_minutes, " \
  "p.resolution_minutes, p.at_risk_ratio, p.escalation"
JsonObject *dw_store_sla_policy_json_from_row (sqlite3_stmt *stmt);

/* Guarded so that another header may declare the same cleanup. */
#ifndef DW_HAVE_SQLITE3_STMT_AUTOPTR
#define DW_HAVE_SQLITE3_STMT_AUTOPTR 1
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, dw_store_release)
#endif

G_END_DECLS
