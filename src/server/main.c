/* deskwatchd: the Deskwatch ticket service. */
#define G_LOG_DOMAIN "deskwatchd"

#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "dw-auth.h"
#include "dw-db-uri.h"
#include "dw-demo.h"
#include "store/dw-store-demo.h"
#include "dw-pg-migrations.h"
#include "dw-pg-move.h"
#include "dw-service.h"
#include "dw-json.h"
#include "dw-store.h"
#include "store/dw-store-auth.h"
#include "store/sqlite/dw-sqlite-store.h"

#define DEFAULT_DB "deskwatch.db"

static char *opt_db;
static char *opt_listen;
static char *opt_tls_cert;
static char *opt_tls_key;
static gboolean opt_demo;
static gboolean opt_demo_token;
static double opt_speed = 1.0;
static char *opt_clock_start;
static gint64 clock_start;  /* opt_clock_start parsed by serve() */
static gboolean opt_log_json;
static char *opt_role;
static char *opt_name;
static gboolean opt_password_stdin;
static int opt_capacity = -1;
static char *opt_label;
static int opt_days = 30;
static int opt_max_connections;
static int opt_header_timeout;
static int opt_body_timeout;
static int opt_idle_timeout;
static int opt_password_checks;
static int opt_db_pool_size = DW_READ_POOL_DEFAULT_SIZE;
static int opt_db_lock_timeout = DW_PG_LOCK_TIMEOUT_DEFAULT_MS;
static char *opt_from;
static char *opt_to;

static const GOptionEntry common_entries[] = {
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &opt_db,
    "SQLite database FILE or sqlite:FILE (default: $STATE_DIRECTORY/" DEFAULT_DB " or ./"
    DEFAULT_DB "), or a PostgreSQL connection string (postgresql://USER@HOST/DBNAME or "
    "host=… dbname=…; the password from PGPASSFILE or PGPASSWORD, not here)", "DB" },
  { "log-json", 0, 0, G_OPTION_ARG_NONE, &opt_log_json, "Log one JSON object per line", NULL },
  { NULL }
};

static const GOptionEntry serve_entries[] = {
  { "listen", 'l', 0, G_OPTION_ARG_STRING, &opt_listen,
    "Address and port to serve on (port 0: any free one)", "ADDR:PORT" },
  { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &opt_tls_cert, "TLS certificate (PEM)", "FILE" },
  { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &opt_tls_key, "TLS private key (PEM)", "FILE" },
  { "demo", 0, 0, G_OPTION_ARG_NONE, &opt_demo,
    "Seed an empty database with a demo desk and simulate live traffic", NULL },
  { "demo-token", 0, 0, G_OPTION_ARG_NONE, &opt_demo_token,
    "With --demo: also print a token of the demo's lead (\"Demo token: TOKEN\") before the address",
    NULL },
  { "speed", 0, 0, G_OPTION_ARG_DOUBLE, &opt_speed,
    "Run the clock FACTOR times faster than real time (demos, tests)", "FACTOR" },
  { "clock-start", 0, 0, G_OPTION_ARG_STRING, &opt_clock_start,
    "Start the clock at TIME (ISO 8601 with a zone, e.g. 2026-12-09T06:00:00Z) instead of the "
    "real time (tests)", "TIME" },
  { "max-connections", 0, 0, G_OPTION_ARG_INT, &opt_max_connections,
    "Serve at most N connections at once; more are answered 503 (default "
    G_STRINGIFY (DW_LIMITS_DEFAULT_MAX_CONNECTIONS) ", fewer if the limit of open files is lower)",
    "N" },
  { "header-timeout", 0, 0, G_OPTION_ARG_INT, &opt_header_timeout,
    "Close a connection whose request headers take longer (default "
    G_STRINGIFY (DW_LIMITS_DEFAULT_HEADER_TIMEOUT) ")", "SECONDS" },
  { "body-timeout", 0, 0, G_OPTION_ARG_INT, &opt_body_timeout,
    "Answer 408 to a request whose body takes longer (default "
    G_STRINGIFY (DW_LIMITS_DEFAULT_BODY_TIMEOUT) ")", "SECONDS" },
  { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &opt_idle_timeout,
    "Close a kept-alive connection idle for longer (default "
    G_STRINGIFY (DW_LIMITS_DEFAULT_IDLE_TIMEOUT) ")", "SECONDS" },
  { "password-checks", 0, 0, G_OPTION_ARG_INT, &opt_password_checks,
    "Check at most N sign-in passwords at once, 64 MiB each (default "
    G_STRINGIFY (DW_AUTH_DEFAULT_PASSWORD_CHECKS) ")", "N" },
  { "db-pool-size", 0, 0, G_OPTION_ARG_INT, &opt_db_pool_size,
    "Read snapshots on up to N database connections of their own, off the main loop (1-"
    G_STRINGIFY (DW_READ_POOL_MAX_SIZE) ", default " G_STRINGIFY (DW_READ_POOL_DEFAULT_SIZE) ")",
    "N" },
  { "db-lock-timeout", 0, 0, G_OPTION_ARG_INT, &opt_db_lock_timeout,
    "PostgreSQL: wait at most MS milliseconds for a lock another session holds; a request that "
    "waited longer is answered 503 with Retry-After (0-" G_STRINGIFY (DW_PG_LOCK_TIMEOUT_MAX_MS)
    ", 0: no limit; default " G_STRINGIFY (DW_PG_LOCK_TIMEOUT_DEFAULT_MS) ")", "MS" },
  { NULL }
};

static const GOptionEntry admin_entries[] = {
  { "role", 0, 0, G_OPTION_ARG_STRING, &opt_role, "user add: agent, lead or admin", "ROLE" },
  { "name", 0, 0, G_OPTION_ARG_STRING, &opt_name, "user add: display name", "NAME" },
  { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &opt_password_stdin,
    "user add/passwd: read the password from the first line of standard input", NULL },
  { "capacity", 0, 0, G_OPTION_ARG_INT, &opt_capacity,
    "user add: concurrent tickets (default 5)", "N" },
  { "label", 0, 0, G_OPTION_ARG_STRING, &opt_label, "token create: what the token is for", "TEXT" },
  { "days", 0, 0, G_OPTION_ARG_INT, &opt_days,
    "token create: lifetime in days (0: never expires; default 30)", "N" },
  { "from", 0, 0, G_OPTION_ARG_FILENAME, &opt_from, "migrate: the SQLite desk to copy", "FILE" },
  { "to", 0, 0, G_OPTION_ARG_STRING, &opt_to,
    "migrate: the empty PostgreSQL database to copy it into", "postgresql://…" },
  { NULL }
};

static const char summary[] =
  "Commands:\n"
  "  deskwatchd --listen ADDR:PORT [--db FILE] [--tls-cert F --tls-key F] [--demo [--demo-token]]\n"
  "             [--speed N] [--clock-start TIME] [--max-connections N] [--header-timeout S]\n"
  "             [--body-timeout S] [--idle-timeout S] [--password-checks N] [--db-pool-size N]\n"
  "             [--db-lock-timeout MS]\n"
  "  deskwatchd user add USERNAME --role ROLE --name NAME [--password-stdin] [--db FILE]\n"
  "  deskwatchd user passwd USERNAME [--password-stdin] [--db FILE]\n"
  "  deskwatchd user list [--db FILE]\n"
  "  deskwatchd token create USERNAME [--label TEXT] [--days N] [--db FILE]\n"
  "  deskwatchd token revoke TOKEN-ID [--db FILE]\n"
  "  deskwatchd token list [USERNAME] [--db FILE]\n"
  "  deskwatchd schema [--db DB]     apply the schema's migrations, print its version\n"
  "  deskwatchd migrate --from FILE --to postgresql://…\n"
  "                                  copy a SQLite desk into an empty PostgreSQL database\n"
  "\n"
  "--db postgresql://… (or postgres://…, or a libpq key=value string) is PostgreSQL: serving\n"
  "and every command above work on it (one connection per instance, and up to --db-pool-size\n"
  "more that read snapshots); the password comes from PGPASSFILE or PGPASSWORD.";

/* Logging */

static char *
json_escape (const char *s,
             gssize      len)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autofree char *copy = len < 0 ? g_strdup (s) : g_strndup (s, len);

  if (!g_utf8_validate (copy, -1, NULL))
    {
      char *valid = g_utf8_make_valid (copy, -1);

      g_free (copy);
      copy = valid;
    }

  json_node_set_string (node, copy);
  return dw_json_to_string (node, NULL);
}

static GLogWriterOutput
json_writer (GLogLevelFlags   log_level,
             const GLogField *fields,
             gsize            n_fields,
             gpointer         user_data)
{
  g_autoptr(GString) line = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *time = NULL;
  g_autofree char *time_json = NULL;

  /* Before anything is formatted: most debug messages (the access log's) are dropped. */
  if (g_log_writer_default_would_drop (log_level, NULL))
    {
      for (gsize i = 0; i < n_fields; i++)
        if (g_str_equal (fields[i].key, "GLIB_DOMAIN") && fields[i].length < 0
            && !g_log_writer_default_would_drop (log_level, fields[i].value))
          goto keep;
      return G_LOG_WRITER_HANDLED;
    }

keep:
  line = g_string_new ("{");
  now = g_date_time_new_now_utc ();
  time = g_date_time_format_iso8601 (now);
  time_json = json_escape (time, -1);
  g_string_append_printf (line, "\"time\":%s", time_json);
  for (gsize i = 0; i < n_fields; i++)
    {
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;

      /* Binary fields (length >= 0 without text) are rare; log them as text anyway. */
      if (fields[i].value == NULL)
        continue;

      key = json_escape (fields[i].key, -1);
      value = json_escape (fields[i].value, fields[i].length);
      g_string_append_printf (line, ",%s:%s", key, value);
    }
  g_string_append (line, "}\n");

  fputs (line->str, stderr);
  fflush (stderr);
  return G_LOG_WRITER_HANDLED;
}

/* Passwords */

static char *
read_password (const char *prompt)
{
  g_autofree char *line = NULL;
  size_t size = 0;
  ssize_t len;
  struct termios saved, quiet;
  gboolean tty = !opt_password_stdin && isatty (STDIN_FILENO);

  if (!opt_password_stdin && !tty)
    {
      g_printerr ("deskwatchd: no terminal to ask for the password; use --password-stdin\n");
      return NULL;
    }

  if (tty)
    {
      g_printerr ("%s", prompt);
      tcgetattr (STDIN_FILENO, &saved);
      quiet = saved;
      quiet.c_lflag &= ~ECHO;
      tcsetattr (STDIN_FILENO, TCSANOW, &quiet);
    }

  len = getline (&line, &size, stdin);

  if (tty)
    {
      tcsetattr (STDIN_FILENO, TCSANOW, &saved);
      g_printerr ("\n");
    }

  if (len < 0)
    {
      g_printerr ("deskwatchd: no password given\n");
      return NULL;
    }

  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
    line[--len] = '\0';

  return g_steal_pointer (&line);
}

/* Commands */

/* What --db names (dw_db_uri_parse), set by main() before any command runs. */
static DwDbKind db_kind = DW_DB_SQLITE;
static char *db_target;

static const char *
db_path (void)
{
  static char *path;
  const char *state = g_getenv ("STATE_DIRECTORY");

  if (db_target != NULL)
    return db_target;

  if (path == NULL)
    path = state != NULL ? g_build_filename (state, DEFAULT_DB, NULL) : g_strdup (DEFAULT_DB);
  return path;
}

/* What dw_service_new opens: --db as given (it parses it again), or the default file. */
static const char *
db_spec (void)
{
  return opt_db != NULL ? opt_db : db_path ();
}

/* db_path() as it may be logged or printed: a PostgreSQL connection string without its
 * password (dw_db_uri_redact). */
static char *
db_shown (void)
{
  return db_kind == DW_DB_POSTGRESQL ? dw_db_uri_redact (db_target) : g_strdup (db_path ());
}

/* @serve: the service that listens; a command (user, token, …) passes FALSE and makes no
 * DwLeader: it does none of the singleton work, and its taking the leadership for a moment
 * (and logging "now leads") would only hold it from the instances that serve. */
static DwService *
open_service (gboolean serve)
{
  g_autoptr(GError) error = NULL;
  double speed = opt_speed > 0 ? opt_speed : 1.0;
  /* --clock-start is the serving service's (serve() parsed it); a command keeps real time. */
  gboolean pinned = serve && opt_clock_start != NULL;
  gint64 start = pinned ? clock_start : g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(DwClock) clock = NULL;
  DwService *service;

  /* A demo started at night would open on a closed, empty desk: its clock starts at a lively
   * hour of the same day instead. */
  if (opt_demo)
    clock = dw_clock_new_at (dw_demo_pick_start_time (start), speed);
  else if (pinned)
    clock = dw_clock_new_at (start, speed);
  else
    clock = dw_clock_new (speed);
  service = serve ? dw_service_new_with_lock_timeout (db_spec (), clock,
                                                      (guint) opt_db_lock_timeout, &error)
                  : dw_service_new_for_command (db_spec (), clock, &error);

  if (service == NULL)
    g_printerr ("deskwatchd: %s\n", error->message);

  return service;
}

/* The named operations on the service's database (docs/design.md "The store layer"), either
 * backend: the service's own store, which it keeps. */
static DwStore *
service_store (DwService *service)
{
  return dw_service_get_store (service);
}

static gint64
user_id_by_name (DwStore    *store,
                 const char *username)
{
  gint64 user_id = 0;

  if (dw_store_user_find (store, username, &user_id, NULL))
    return user_id;

  g_printerr ("deskwatchd: no user %s\n", username);
  return 0;
}

static int
user_add (const char *username)
{
  g_autoptr(DwService) service = NULL;
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;

  if (opt_role == NULL || opt_name == NULL)
    {
      g_printerr ("deskwatchd: user add needs --role and --name\n");
      return 2;
    }

  if ((password = read_password ("Password: ")) == NULL)
    return 1;

  if ((service = open_service (FALSE)) == NULL)
    return 1;

  json_object_set_string_member (fields, "username", username);
  json_object_set_string_member (fields, "display_name", opt_name);
  json_object_set_string_member (fields, "role", opt_role);
  json_object_set_string_member (fields, "password", password);
  if (opt_capacity >= 0)
    json_object_set_int_member (fields, "capacity", opt_capacity);

  user = dw_desk_create_user (dw_service_get_desk (service), NULL, fields, &error);
  if (user == NULL)
    {
      g_printerr ("deskwatchd: %s\n", error->message);
      return 1;
    }

  g_print ("%" G_GINT64_FORMAT "\n", json_object_get_int_member (user, "id"));
  return 0;
}

static int
user_passwd (const char *username)
{
  g_autoptr(DwService) service = NULL;
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(GError) error = NULL;
  DwStore *store = NULL;
  g_autofree char *password = NULL;
  gint64 user_id;

  if ((service = open_service (FALSE)) == NULL)
    return 1;
  store = service_store (service);
  if ((user_id = user_id_by_name (store, username)) == 0)
    return 1;
  if ((password = read_password ("New password: ")) == NULL)
    return 1;

  json_object_set_string_member (changes, "password", password);
  user = dw_desk_update_user (dw_service_get_desk (service), NULL, user_id, changes, &error);
  if (user == NULL)
    {
      g_printerr ("deskwatchd: %s\n", error->message);
      return 1;
    }

  return 0;
}

static void
print_user (const DwStoreUserListRow *row,
            gpointer                  user_data)
{
  g_print ("%-6" G_GINT64_FORMAT " %-20s %-6s %-8s %s%s\n", row->id, row->username, row->role,
           row->presence, row->display_name, row->disabled ? " (disabled)" : "");
}

static int
user_list (void)
{
  g_autoptr(DwService) service = open_service (FALSE);
  DwStore *store = NULL;

  if (service == NULL)
    return 1;

  store = service_store (service);
  g_print ("%-6s %-20s %-6s %-8s %s\n", "ID", "USERNAME", "ROLE", "PRESENCE", "NAME");
  dw_store_user_list (store, print_user, NULL, NULL);
  return 0;
}

static int
token_create (const char *username)
{
  g_autoptr(DwService) service = open_service (FALSE);
  DwStore *store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  gint64 user_id;

  if (service == NULL)
    return 1;
  store = service_store (service);
  if ((user_id = user_id_by_name (store, username)) == 0)
    return 1;

  token = dw_auth_create_token (store, dw_service_get_clock (service),
                                user_id, opt_label != NULL ? opt_label : "command line",
                                (gint64) MAX (opt_days, 0) * 24 * 3600, NULL, &error);
  if (token == NULL)
    {
      g_printerr ("deskwatchd: %s\n", error->message);
      return 1;
    }

  /* The only time the token is shown: only its hash is stored. */
  g_print ("%s\n", token);
  return 0;
}

static int
token_revoke (const char *id_text)
{
  g_autoptr(DwService) service = NULL;
  DwStore *store = NULL;
  g_autoptr(GError) error = NULL;
  DwStoreTokenRow token = { 0 };
  guint64 id;

  if (!g_ascii_string_to_unsigned (id_text, 10, 1, G_MAXINT64, &id, NULL))
    {
      g_printerr ("deskwatchd: \"%s\" is not a token id (see token list)\n", id_text);
      return 2;
    }

  if ((service = open_service (FALSE)) == NULL)
    return 1;

  store = service_store (service);
  if (!dw_store_token_get (store, (gint64) id, &token, NULL))
    {
      g_printerr ("deskwatchd: no token %" G_GUINT64_FORMAT "\n", id);
      return 1;
    }

  if (!dw_auth_revoke_token (store, dw_service_get_clock (service),
                             (gint64) id, &error))
    {
      g_printerr ("deskwatchd: %s\n", error->message);
      return 1;
    }

  return 0;
}

static void
print_token (const DwStoreTokenListRow *row,
             gpointer                   user_data)
{
  g_autofree char *created = dw_time_to_iso8601 (row->created_at);
  g_autofree char *expires = row->expires_at != 0 ? dw_time_to_iso8601 (row->expires_at)
                                                  : g_strdup ("never");
  g_autofree char *revoked = row->revoked_at != 0 ? dw_time_to_iso8601 (row->revoked_at)
                                                  : g_strdup ("-");
  g_autofree char *used = row->last_used_at != 0 ? dw_time_to_iso8601 (row->last_used_at)
                                                 : g_strdup ("never");

  g_print ("%-6" G_GINT64_FORMAT " %-20s %-20s %-20s %-20s %-20s %s\n", row->id, row->username,
           created, expires, used, revoked, row->label);
}

static int
token_list (const char *username)
{
  g_autoptr(DwService) service = open_service (FALSE);
  DwStore *store = NULL;

  if (service == NULL)
    return 1;

  store = service_store (service);
  g_print ("%-6s %-20s %-20s %-20s %-20s %-20s %s\n", "ID", "USER", "CREATED", "EXPIRES",
           "LAST USED", "REVOKED", "LABEL");
  if (!dw_store_token_list (store, username, print_token, NULL, NULL))
    return 1;

  return 0;
}

/* Applies the migrations a database lacks and prints its schema version, on either backend;
 * any number of instances may run it at once, the migration lock lets one apply. */
static int
schema_show (void)
{
  g_autoptr(GError) error = NULL;

  if (db_kind == DW_DB_SQLITE)
    {
      sqlite3 *db = dw_store_open (db_path (), &error);

      if (db == NULL)
        {
          g_printerr ("deskwatchd: %s\n", error->message);
          return 1;
        }
      g_print ("Schema version %d (SQLite %s)\n", dw_store_get_schema_version (db), db_path ());
      dw_store_close (db);
      return 0;
    }
  else
    {
      /* The string as given may hold a password: only the redacted one is printed. */
      g_autofree char *shown = dw_db_uri_redact (db_target);
      g_autoptr(PGconn) conn = NULL;
      guint n_applied = 0;
      int version;

      g_info ("Connecting to PostgreSQL %s", shown);
      if ((conn = dw_pg_connect (db_target, &error)) == NULL
          || !dw_pg_migrate (conn, &n_applied, &error)
          || (version = dw_pg_get_schema_version (conn, &error)) < 0)
        {
          g_printerr ("deskwatchd: PostgreSQL %s: %s\n", shown, error->message);
          return 1;
        }
      g_print ("Schema version %d (PostgreSQL %s), %u migration%s applied now\n", version, shown,
               n_applied, n_applied == 1 ? "" : "s");
      return 0;
    }
}

/* Moving a desk to PostgreSQL */

static void
migrate_progress (const char *table,
                  gint64      rows_copied,
                  gint64      rows_total,
                  gboolean    done,
                  gpointer    user_data)
{
  if (done)
    g_printerr ("Copied %s: %" G_GINT64_FORMAT " rows\n", table, rows_copied);
  else
    g_printerr ("Copying %s: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " rows\n", table,
                rows_copied, rows_total);
}

/* `deskwatchd migrate`: the desk of a SQLite file into an empty PostgreSQL database, in one
 * transaction, verified table by table (store/pg/dw-pg-move.h). */
static int
migrate_desk (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *shown = NULL;
  DwDbKind from_kind, to_kind;
  gint64 total = 0, start;
  double seconds;

  if (opt_from == NULL || opt_to == NULL)
    {
      g_printerr ("deskwatchd: migrate needs --from FILE and --to postgresql://…\n");
      return 2;
    }
  if (!dw_db_uri_parse (opt_from, &from_kind, &from, &error)
      || !dw_db_uri_parse (opt_to, &to_kind, &to, &error))
    {
      g_printerr ("deskwatchd: %s\n", error->message);
      return 2;
    }
  if (from_kind != DW_DB_SQLITE || to_kind != DW_DB_POSTGRESQL)
    {
      g_printerr ("deskwatchd: migrate copies a SQLite --from FILE into a PostgreSQL "
                  "--to postgresql://…\n");
      return 2;
    }
  if (!g_file_test (from, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr ("deskwatchd: %s: no such SQLite desk\n", from);
      return 1;
    }

  /* The string as given may hold a password: only the redacted one is printed. */
  shown = dw_db_uri_redact (to);
  g_printerr ("Moving the desk of %s to PostgreSQL %s\n", from, shown);
  start = g_get_monotonic_time ();
  tables = dw_pg_move_desk (from, to, migrate_progress, NULL, &error);
  if (tables == NULL)
    {
      g_printerr ("deskwatchd: migrate to PostgreSQL %s failed, nothing was moved: %s\n", shown,
                  error->message);
      return 1;
    }
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  for (guint i = 0; i < tables->len; i++)
    {
      DwPgMoveTable *table = g_ptr_array_index (tables, i);

      g_print ("%-24s %10" G_GINT64_FORMAT " rows", table->name, table->pg_rows);
      if (table->pg_max_id >= 0)
        g_print ("  largest id %" G_GINT64_FORMAT, table->pg_max_id);
      g_print ("  ok\n");
      total += table->pg_rows;
    }
  g_print ("Total %" G_GINT64_FORMAT " rows in %u tables, the same on both sides, "
           "in %.2f s (%.0f rows/s)\n", total, tables->len, seconds,
           seconds > 0 ? total / seconds : 0.0);
  return 0;
}

/* Serving */

static gboolean
quit_cb (gpointer data)
{
  GMainLoop *loop = data;

  g_info ("Shutting down");
  g_main_loop_quit (loop);
  /* serve() removes both signal sources itself. */
  return G_SOURCE_CONTINUE;
}

static int
serve (void)
{
  g_autoptr(DwService) service = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *shown = NULL;
  DwLimits *limits;
  guint term_id, int_id;

  if (opt_listen == NULL)
    {
      g_printerr ("deskwatchd: --listen ADDR:PORT is needed (see --help)\n");
      return 2;
    }

  if (opt_speed <= 0)
    {
      g_printerr ("deskwatchd: --speed must be positive\n");
      return 2;
    }

  /* A test pins the hour of day it runs at (tests/test-api-staffing.c): an instant, with its
   * zone, nothing vaguer. */
  if (opt_clock_start != NULL && !dw_time_from_iso8601 (opt_clock_start, &clock_start))
    {
      g_printerr ("deskwatchd: --clock-start %s: expected an ISO 8601 time with a zone, such as "
                  "2026-12-09T06:00:00Z\n", opt_clock_start);
      return 2;
    }

  if (opt_max_connections < 0 || opt_header_timeout < 0 || opt_body_timeout < 0
      || opt_idle_timeout < 0 || opt_password_checks < 0)
    {
      g_printerr ("deskwatchd: connection limits and timeouts cannot be negative\n");
      return 2;
    }

  if (opt_db_pool_size < 1 || opt_db_pool_size > DW_READ_POOL_MAX_SIZE)
    {
      g_printerr ("deskwatchd: --db-pool-size %d: expected 1 to %d connections (default %d)\n",
                  opt_db_pool_size, DW_READ_POOL_MAX_SIZE, DW_READ_POOL_DEFAULT_SIZE);
      return 2;
    }

  if (opt_db_lock_timeout < 0 || opt_db_lock_timeout > DW_PG_LOCK_TIMEOUT_MAX_MS)
    {
      g_printerr ("deskwatchd: --db-lock-timeout %d: expected 0 to %d milliseconds (0: no "
                  "limit; default %d)\n", opt_db_lock_timeout, DW_PG_LOCK_TIMEOUT_MAX_MS,
                  DW_PG_LOCK_TIMEOUT_DEFAULT_MS);
      return 2;
    }

  /* Every client is a descriptor: take all the system allows before counting them. */
  dw_limits_raise_fd_limit ();
  dw_auth_set_max_password_checks ((guint) opt_password_checks);

  if ((service = open_service (TRUE)) == NULL)
    return 1;

  if (opt_demo)
    {
      DwStore *store = dw_service_get_store (service);
      gboolean empty = FALSE;

      /* Several instances may start `--demo` on one empty PostgreSQL desk: one seeds, under
       * the seed's lock; the others wait for it there and then serve the desk it seeded. */
      if (!dw_store_demo_seed_lock (store, TRUE, &error)
          || !dw_store_demo_is_empty (store, &empty, &error)
          || (empty && !dw_demo_populate (service, &error))
          || !dw_store_demo_seed_lock (store, FALSE, &error))
        {
          g_printerr ("deskwatchd: cannot set up the demo desk: %s\n", error->message);
          return 1;
        }
      dw_demo_start_simulator (service);
    }

  dw_service_set_db_pool_size (service, (guint) opt_db_pool_size);
  limits = dw_service_get_limits (service);
  dw_limits_set_max_connections (limits, (guint) opt_max_connections);
  dw_limits_set_timeouts (limits, (guint) opt_header_timeout, (guint) opt_body_timeout,
                          (guint) opt_idle_timeout);

  if (!dw_service_listen (service, opt_listen, opt_tls_cert, opt_tls_key, &error))
    {
      g_printerr ("deskwatchd: %s\n", error->message);
      return 1;
    }

  loop = g_main_loop_new (NULL, FALSE);
  term_id = g_unix_signal_add (SIGTERM, quit_cb, loop);
  int_id = g_unix_signal_add (SIGINT, quit_cb, loop);

  /* The console that started the demo (dw-demo-launcher.c) reads the token from the pipe and
   * opens the desk with it: signing in with the password costs an Argon2id check (80 ms of
   * processor, 64 MiB) while it waits.  The password is printed anyway: the token opens
   * nothing more. */
  if (opt_demo && opt_demo_token)
    {
      DwStore *store = service_store (service);
      g_autofree char *token = NULL;
      gint64 lead_id = user_id_by_name (store, DW_DEMO_LEAD_USERNAME);

      token = lead_id != 0
              ? dw_auth_create_token (store, dw_service_get_clock (service),
                                      lead_id, "demo console", 0, NULL, &error)
              : NULL;
      if (token == NULL)
        {
          g_printerr ("deskwatchd: cannot make the demo's token: %s\n",
                      error != NULL ? error->message : "no demo lead");
          return 1;
        }
      g_print ("Demo token: %s\n", token);
    }

  url = dw_service_get_url (service);
  shown = db_shown ();
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_INFO,
                    "DW_URL", url,
                    "MESSAGE", "Serving %s on %s", shown, url);
  g_print ("Listening on %s\n", url);
  if (opt_demo)
    g_print ("Demo lead: %s / %s\n", DW_DEMO_LEAD_USERNAME, DW_DEMO_LEAD_PASSWORD);
  fflush (stdout);

  g_main_loop_run (loop);

  g_source_remove (term_id);
  g_source_remove (int_id);
  dw_service_stop (service);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GOptionGroup) serve_group = NULL;
  g_autoptr(GOptionGroup) admin_group = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = NULL;
  guint n;

  setlocale (LC_ALL, "");

  context = g_option_context_new ("[COMMAND ARGS…] — the Deskwatch ticket service");
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, common_entries, NULL);
  serve_group = g_option_group_new ("serve", "Serving:", "Show the options of serving", NULL, NULL);
  g_option_group_add_entries (serve_group, serve_entries);
  g_option_context_add_group (context, g_steal_pointer (&serve_group));
  admin_group = g_option_group_new ("admin", "User and token commands:",
                                    "Show the options of the user and token commands", NULL, NULL);
  g_option_group_add_entries (admin_group, admin_entries);
  g_option_context_add_group (context, g_steal_pointer (&admin_group));

  args = g_strdupv (argv);
  if (!g_option_context_parse_strv (context, &args, &error))
    {
      g_printerr ("deskwatchd: %s\n", error->message);
      return 2;
    }

  if (opt_log_json)
    g_log_set_writer_func (json_writer, NULL, NULL);

  if (opt_db != NULL && !dw_db_uri_parse (opt_db, &db_kind, &db_target, &error))
    {
      g_printerr ("deskwatchd: %s\n", error->message);
      return 2;
    }

  n = g_strv_length (args);
  if (n == 2 && g_str_equal (args[1], "schema"))
    return schema_show ();
  if (n == 2 && g_str_equal (args[1], "migrate"))
    return migrate_desk ();

  if (n == 1)
    return serve ();

  if (n == 4 && g_str_equal (args[1], "user") && g_str_equal (args[2], "add"))
    return user_add (args[3]);
  if (n == 4 && g_str_equal (args[1], "user") && g_str_equal (args[2], "passwd"))
    return user_passwd (args[3]);
  if (n == 3 && g_str_equal (args[1], "user") && g_str_equal (args[2], "list"))
    return user_list ();
  if (n == 4 && g_str_equal (args[1], "token") && g_str_equal (args[2], "create"))
    return token_create (args[3]);
  if (n == 4 && g_str_equal (args[1], "token") && g_str_equal (args[2], "revoke"))
    return token_revoke (args[3]);
  if ((n == 3 || n == 4) && g_str_equal (args[1], "token") && g_str_equal (args[2], "list"))
    return token_list (n == 4 ? args[3] : NULL);

  g_printerr ("deskwatchd: unknown command \"%s\"\n%s\n", args[1], summary);
  return 2;
}
