/* dw-pg-migrations.h: the PostgreSQL schema and its history.
 *
 * The migrations are the GResource files /org/deskwatch/Deskwatchd/pg/migrations/NNN-*.sql, the
 * PostgreSQL dialect of src/server/migrations/NNN-*.sql with the same numbers: a desk has one
 * schema version whichever backend holds it.  Each is applied in its own transaction and recorded
 * in schema_version (one row per migration: number, file, when).  Several instances may start at
 * once: the first to take the migration lock (a session advisory lock) applies what is missing;
 * the others wait for the lock, then find nothing left to do.
 */
#pragma once

#include "dw-pg-connection.h"

G_BEGIN_DECLS

/* Advisory lock keys of deskwatchd ("Deskwatc" in ASCII, then one per purpose): a database may be
 * shared with other programs, whose keys are unlikely to collide with these. */
#define DW_PG_LOCK_MIGRATIONS  G_GINT64_CONSTANT (0x4465736b77617400)
/* Reserved for the SLA engine's leader (docs/design.md "PostgreSQL backend"). */
#define DW_PG_LOCK_SLA_LEADER  G_GINT64_CONSTANT (0x4465736b77617401)
/* The agent facts' catch-up (a transaction lock: one instance at a time reads the trail past
 * the watermark and moves it; dw-pg-agents.c). */
#define DW_PG_LOCK_AGENT_FACTS G_GINT64_CONSTANT (0x4465736b77617402)
/* `--demo` on an empty desk: whoever holds it checks for emptiness and seeds; the others wait,
 * then find the desk seeded (a session lock: the seed is several transactions). */
#define DW_PG_LOCK_DEMO_SEED   G_GINT64_CONSTANT (0x4465736b77617403)

/* The number of the newest migration this deskwatchd has. */
int         dw_pg_migrations_get_latest (void);

/* The number of the last migration applied to @conn's database (0: none, an empty database),
 * -1 with @error when it cannot be read. */
int         dw_pg_get_schema_version    (PGconn    *conn,
                                         GError   **error);

/* Applies the missing migrations, in order, under the migration lock.  @n_applied (may be NULL):
 * how many this call applied.  FALSE with DW_PG_ERROR_MIGRATION when one fails (it is rolled
 * back, the earlier ones stay) or when the database is newer than this deskwatchd. */
gboolean    dw_pg_migrate               (PGconn    *conn,
                                         guint     *n_applied,
                                         GError   **error);

G_END_DECLS
