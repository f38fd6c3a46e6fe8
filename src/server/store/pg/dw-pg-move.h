/* dw-pg-move.h: `deskwatchd migrate`, the move of a SQLite desk into an empty PostgreSQL database
 * (docs/design.md "PostgreSQL backend"). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One table of a move: its rows and largest id (its single integer primary key; -1 when it has
 * none or no rows) on each side, as read back in the move's transaction. */
typedef struct
{
  char   *name;
  gint64  sqlite_rows;
  gint64  pg_rows;
  gint64  sqlite_max_id;
  gint64  pg_max_id;
} DwPgMoveTable;

/* Called after each batch of rows copied into @table and once when it is done (@done). */
typedef void (*DwPgMoveProgress) (const char *table,
                                  gint64      rows_copied,
                                  gint64      rows_total,
                                  gboolean    done,
                                  gpointer    user_data);

/* Copies the desk of the SQLite file @sqlite_path (opened read-only, one read transaction: a
 * consistent snapshot even while the service writes) into the PostgreSQL database @conninfo,
 * which must hold no desk row: its schema is migrated, every table of the desk is copied (parents
 * before children, in the order of the foreign keys) in one transaction with the identity
 * sequences set past the ids and event_counter at the desk's last event seq, and every table's
 * rows and largest id are compared on both sides before COMMIT.  Any failure or mismatch rolls the
 * whole copy back.  Returns the tables in copy order (DwPgMoveTable), or NULL with @error;
 * @error's message never holds the connection string. */
GPtrArray *dw_pg_move_desk (const char        *sqlite_path,
                            const char        *conninfo,
                            DwPgMoveProgress   progress,
                            gpointer           user_data,
                            GError           **error);

G_END_DECLS
