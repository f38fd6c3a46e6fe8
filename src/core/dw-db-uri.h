/* dw-db-uri.h: what `deskwatchd --db` names, and how to log it.
 *
 *   FILE, sqlite:FILE                      SQLite (the embedded default)
 *   postgresql://…, postgres://…           PostgreSQL, a libpq connection URI
 *   host=… dbname=… (libpq key=value)      PostgreSQL, a libpq key=value string
 *
 * A key=value string is recognised by its first word being a libpq keyword followed by '=', so
 * a file name holding '=' stays a file.  The password belongs in PGPASSFILE (~/.pgpass) or
 * PGPASSWORD, not on the command line; when one is given anyway, dw_db_uri_redact() is what
 * goes into the logs.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  DW_DB_SQLITE,
  DW_DB_POSTGRESQL,
} DwDbKind;

/* @kind, and in @target the SQLite file or the libpq connection string (as given).  FALSE with
 * G_OPTION_ERROR_BAD_VALUE for an empty name. */
gboolean  dw_db_uri_parse  (const char  *text,
                            DwDbKind    *kind,
                            char       **target,
                            GError     **error);

/* @text with any password taken out (the URI's user:password@ and password= parameter, the
 * key=value string's password=…); anything else unchanged. */
char     *dw_db_uri_redact (const char  *text);

G_END_DECLS
