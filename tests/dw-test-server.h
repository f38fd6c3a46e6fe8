/* dw-test-server.h: the real deskwatchd for tests.
 *
 * Spawns $DESKWATCHD on 127.0.0.1:0 with a fresh SQLite file in a temporary directory (or, with
 * DW_TEST_BACKEND=postgresql — `meson test --setup postgresql` —, a fresh database of the test
 * program's own PostgreSQL cluster, tests/dw-test-pg.h), reads the
 * "Listening on URL" line it prints, and talks to it over real HTTP.  The server is another
 * process, so the blocking soup_session_send_and_read() used here cannot deadlock against it.
 *
 * Users are made the way an operator makes them: `deskwatchd user add` for the first admin
 * (password on stdin), then the API itself for the rest.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define DW_TEST_ADMIN_PASSWORD "admin-password"
#define DW_TEST_PASSWORD "test-password"

typedef struct
{
  char        *dir;          /* temporary directory (removed by _free) */
  char        *db_path;      /* dir/deskwatch.db */
  char        *url;          /* "http://127.0.0.1:PORT/" */
  GSubprocess *process;      /* NULL while stopped */
  SoupSession *session;

  /* Filled in by dw_test_server_new_with_desk(). */
  gint64       admin_id;
  char        *admin_token;
  gint64       team_id;        /* "Logistics": business type logistics (needs no skill) */
  gint64       other_team_id;  /* "Returns": business type returns */
  gint64       lead_id;        /* leads team_id */
  char        *lead_token;
  gint64       agent_id;       /* member of team_id */
  char        *agent_token;
  gint64       agent2_id;      /* member of other_team_id */
  char        *agent2_token;

  /* RLIMIT_NOFILE the service starts with (0: inherited); see dw_test_server_set_nofile(). */
  guint64      nofile_soft;
  guint64      nofile_hard;
  /* The PostgreSQL connection string given as --db (NULL: SQLite, db_path). */
  char        *db;
} DwTestServer;

/* DW_TEST_BACKEND=postgresql: dw_test_server_new() serves from PostgreSQL. */
gboolean      dw_test_backend_is_postgresql (void);
/* On PostgreSQL, g_test_skip (@reason) and TRUE (the caller returns): for a case that is
 * inherently SQLite (the file killed, read or written directly). */
gboolean      dw_test_skip_unless_sqlite   (const char    *reason);

/* A running service on an empty database with one admin (admin_id, admin_token). */
DwTestServer *dw_test_server_new           (void);
/* The same plus two teams, a lead, and an agent in each team (all offline; the teams give an
 * offline agent a day before its tickets go back to the queue). */
DwTestServer *dw_test_server_new_with_desk (void);
void          dw_test_server_free          (DwTestServer  *self);

/* (Re)starts deskwatchd on the same database; @extra_args (NULL-terminated, may be NULL) are
 * appended to its command line.  Asserts that it comes up. */
void          dw_test_server_start         (DwTestServer       *self,
                                            const char * const *extra_args);
/* The limit of open files the service is started with from now on (soft, hard). */
void          dw_test_server_set_nofile    (DwTestServer       *self,
                                            guint64             soft,
                                            guint64             hard);
/* The port the service listens on. */
guint16       dw_test_server_get_port      (DwTestServer       *self);
/* SIGTERM and wait; asserts a clean exit. */
void          dw_test_server_stop          (DwTestServer  *self);
/* SIGKILL and wait: a crash or a power cut as far as the database can tell. */
void          dw_test_server_kill          (DwTestServer  *self);

/* Runs `deskwatchd ARGS… --db FILE` (NULL-terminated varargs) with @stdin_text on its standard
 * input; returns its standard output and sets *exit_status. */
char         *dw_test_server_cli           (DwTestServer  *self,
                                            const char    *stdin_text,
                                            int           *exit_status,
                                            ...) G_GNUC_NULL_TERMINATED;

/* POST /api/v1/auth/token; asserts 201 and returns the token. */
char         *dw_test_server_sign_in       (DwTestServer  *self,
                                            const char    *username,
                                            const char    *password);

typedef struct
{
  guint     status;
  char     *content_type;  /* without parameters */
  GBytes   *body;
  JsonNode *json;          /* NULL when the body is not JSON */
  SoupMessageHeaders *headers;
} DwTestResponse;

void            dw_test_response_free      (DwTestResponse *response);

/* One request.  @token may be NULL (no Authorization); @content_type NULL means none. */
DwTestResponse *dw_test_server_request     (DwTestServer   *self,
                                            const char     *method,
                                            const char     *path,
                                            const char     *token,
                                            const char     *content_type,
                                            const void     *body,
                                            gssize          body_length);
/* The same with a JSON body (NULL for none) sent as application/json. */
DwTestResponse *dw_test_server_json        (DwTestServer   *self,
                                            const char     *method,
                                            const char     *path,
                                            const char     *token,
                                            const char     *json);
/* printf-style path and JSON body. */
DwTestResponse *dw_test_server_jsonf       (DwTestServer   *self,
                                            const char     *method,
                                            const char     *token,
                                            const char     *path,
                                            const char     *json_format,
                                            ...) G_GNUC_PRINTF (5, 6);

/* The body as an object / the "items" array of a list (assert that it is one). */
JsonObject     *dw_test_response_object    (DwTestResponse *response);
JsonArray      *dw_test_response_items     (DwTestResponse *response);

/* Asserts the status, printing the body when it differs. */
#define dw_test_assert_status(response, expected) \
  dw_test_assert_status_impl ((response), (expected), __FILE__, __LINE__)
void            dw_test_assert_status_impl (DwTestResponse *response,
                                            guint           expected,
                                            const char     *file,
                                            int             line);

/* Asserts @status and an application/problem+json body with exactly type (ending in
 * @type_suffix), title (a string), status (= @status) and detail (a string). */
#define dw_test_assert_problem(response, status, type_suffix) \
  dw_test_assert_problem_impl ((response), (status), (type_suffix), __FILE__, __LINE__)
void            dw_test_assert_problem_impl (DwTestResponse *response,
                                             guint           status,
                                             const char     *type_suffix,
                                             const char     *file,
                                             int             line);

/* Waits until a demo service says (GET /api/v1/health, "demo") that its past days are all
 * written: they follow after it starts listening (docs/api.md "Health"). */
void          dw_test_server_wait_demo_history (DwTestServer *self);

/* Runs @sql (one or more statements, in the dialect both backends share) on the server's
 * database, SQLite or PostgreSQL, on a connection of its own; g_error when it fails. */
void          dw_test_server_exec          (DwTestServer       *self,
                                            const char         *sql);
/* The first column of the first row of @sql (one statement: a SELECT, or an INSERT …
 * RETURNING id), on either backend. */
gint64        dw_test_server_query_int     (DwTestServer       *self,
                                            const char         *sql);
/* Gives every team a calendar open all day every day ('Always', UTC), written on the database
 * with dw_test_server_exec (the service stopped, as an operator's migration would be). */
void          dw_test_server_exec_always_calendar (DwTestServer *self);
/* Stops the service, puts every team on the 'Always' calendar with one SLA policy, 'Slow' (first
 * response 60 minutes, at risk at half, resolution 6000, no escalation), and starts it again
 * with --speed @speed: at "600" a ticket is at risk 3 s after it is created. */
void          dw_test_server_restart_slow_sla (DwTestServer *self,
                                               const char   *speed);
/* dw_test_server_query_int of the SQL that @format makes. */
gint64        dw_test_server_query_intf    (DwTestServer       *self,
                                            const char         *format,
                                            ...) G_GNUC_PRINTF (2, 3);
/* Every row of @sql (one statement), on either backend: a GPtrArray of rows, each a char **
 * of its columns as text (NULL for SQL NULL), in the order the query gives. */
GPtrArray    *dw_test_server_query_rows    (DwTestServer       *self,
                                            const char         *sql);

/* A request sent from a thread of its own (dw_test_thread_new), while the test's main thread
 * holds what it is to meet (a lock): its answer is read once the thread is joined, or once
 * @done is set. */
typedef struct
{
  char       *uri;
  const char *method;
  const char *token;        /* the server's admin token */
  char       *body;         /* JSON, or NULL */
  guint       timeout_s;    /* the client's HTTP timeout */
  guint       status;
  char       *reply;
  char       *retry_after;  /* the Retry-After header, or NULL */
  gint        done;         /* atomic: TRUE once answered */
} DwTestRequest;

/* @method @path (from "/") with @body (or NULL) as the admin, sent with an HTTP timeout of
 * @timeout_s seconds (far above what the test waits for, so that a request that would hang on
 * the old code fails instead). */
DwTestRequest *dw_test_request_new         (DwTestServer       *server,
                                            const char         *method,
                                            const char         *path,
                                            const char         *body,
                                            guint               timeout_s);
/* Sends @request on a new thread named @name; g_thread_join() waits for the answer (a
 * transport error, such as the client's timeout, fails the test). */
GThread       *dw_test_request_start       (DwTestRequest      *request,
                                            const char         *name);
void           dw_test_request_free        (DwTestRequest      *request);
/* @request's reply, a problem document of @status and type …/@type_suffix; free with
 * json_object_unref(). */
JsonObject    *dw_test_request_problem     (DwTestRequest      *request,
                                            guint               status,
                                            const char         *type_suffix);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DwTestServer, dw_test_server_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DwTestResponse, dw_test_response_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DwTestRequest, dw_test_request_free)

/* The service's "now" (GET /api/v1/health): simulated time when it runs with --speed. */
gint64        dw_test_server_now           (DwTestServer  *self);

/* A calendars.week value (UTC, seven days alike) open all day but for @length minutes from
 * @start_in minutes after @now, every day; *@gap_start is when it first closes (on a whole
 * minute).  Free with g_free(). */
char         *dw_test_week_with_daily_gap  (gint64         now,
                                            int            start_in,
                                            int            length,
                                            gint64        *gap_start);

/* A GSubprocessLauncher child setup: the child dies with the test, even when a failed
 * assertion aborts it before its tear-down. */
void          dw_test_die_with_parent      (gpointer       data);
/* Starts deskwatchd with --@option set to each of @bad in turn, and each is refused before
 * anything is opened: it exits with @status (-1: any but 0), its message names the option and,
 * for a number, says @range ("expected 1 to 64"); no database file is made. */
void          dw_test_assert_option_refused (const char         *option,
                                             const char * const *bad,
                                             guint               n_bad,
                                             int                 status,
                                             const char         *range);
/* A launcher for deskwatchd: dies with the test, and runs with $DW_TEST_DESKWATCHD_G_DEBUG as
 * its G_DEBUG (fatal-warnings, even under a console test's fatal-criticals). */
GSubprocessLauncher *dw_test_server_launcher_new (GSubprocessFlags flags);

G_END_DECLS
