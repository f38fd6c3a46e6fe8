/* Tests of dw_db_uri_parse() and dw_db_uri_redact(): what `deskwatchd --db` names, and that a
 * password never reaches the logs. */
#include "dw-db-uri.h"

#include <string.h>

static void
assert_parse (const char *text,
              DwDbKind    expected_kind,
              const char *expected_target)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *target = NULL;
  DwDbKind kind;

  g_assert_true (dw_db_uri_parse (text, &kind, &target, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kind, ==, expected_kind);
  g_assert_cmpstr (target, ==, expected_target);
}

static void
test_sqlite (void)
{
  assert_parse ("deskwatch.db", DW_DB_SQLITE, "deskwatch.db");
  assert_parse ("/var/lib/deskwatch/deskwatch.db", DW_DB_SQLITE, "/var/lib/deskwatch/deskwatch.db");
  assert_parse ("sqlite:desk.db", DW_DB_SQLITE, "desk.db");
  assert_parse ("sqlite:/srv/desk.db", DW_DB_SQLITE, "/srv/desk.db");
  assert_parse ("sqlite:///srv/desk.db", DW_DB_SQLITE, "/srv/desk.db");
  /* A file whose name has '=' but does not start with a libpq keyword stays a file. */
  assert_parse ("./a=b.db", DW_DB_SQLITE, "./a=b.db");
  assert_parse ("backup=1.db", DW_DB_SQLITE, "backup=1.db");
  /* Only the two PostgreSQL schemes are PostgreSQL. */
  assert_parse ("mysql://h/db", DW_DB_SQLITE, "mysql://h/db");
}

static void
test_postgresql (void)
{
  assert_parse ("postgresql://desk@db.example.com/deskwatch", DW_DB_POSTGRESQL,
                "postgresql://desk@db.example.com/deskwatch");
  assert_parse ("postgres://db/desk", DW_DB_POSTGRESQL, "postgres://db/desk");
  assert_parse ("postgresql:///desk?host=/tmp/x", DW_DB_POSTGRESQL,
                "postgresql:///desk?host=/tmp/x");
  assert_parse ("host=db dbname=desk", DW_DB_POSTGRESQL, "host=db dbname=desk");
  assert_parse ("dbname = desk", DW_DB_POSTGRESQL, "dbname = desk");
  assert_parse ("service=deskwatch", DW_DB_POSTGRESQL, "service=deskwatch");
}

static void
test_empty (void)
{
  const char *empty[] = { "", "sqlite:", "sqlite://" };

  for (guint i = 0; i < G_N_ELEMENTS (empty); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *target = NULL;
      DwDbKind kind;

      g_assert_false (dw_db_uri_parse (empty[i], &kind, &target, &error));
      g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
      g_assert_null (target);
    }
}

static void
assert_redact (const char *text,
               const char *expected)
{
  g_autofree char *redacted = dw_db_uri_redact (text);

  g_assert_cmpstr (redacted, ==, expected);
  g_assert_null (strstr (redacted, "s3cret"));
}

static void
test_redact (void)
{
  /* Nothing to take out. */
  assert_redact ("deskwatch.db", "deskwatch.db");
  assert_redact ("postgresql://desk@db/deskwatch", "postgresql://desk@db/deskwatch");
  assert_redact ("postgresql:///desk?host=/tmp/x", "postgresql:///desk?host=/tmp/x");
  assert_redact ("host=db dbname=desk", "host=db dbname=desk");

  /* The URI's user:password@. */
  assert_redact ("postgresql://desk:s3cret@db.example.com:5432/deskwatch",
                 "postgresql://desk@db.example.com:5432/deskwatch");
  assert_redact ("postgres://desk:s3cret@h1:5432,h2:5433/d?sslmode=require",
                 "postgres://desk@h1:5432,h2:5433/d?sslmode=require");
  /* A raw '@' in the password: the last '@' of the authority ends it. */
  assert_redact ("postgresql://desk:s3cret@x@db/d", "postgresql://desk@db/d");
  assert_redact ("postgresql://:s3cret@db", "postgresql://@db");

  /* The password= parameter, wherever it is. */
  assert_redact ("postgresql://desk@db/d?password=s3cret", "postgresql://desk@db/d");
  assert_redact ("postgresql://db/d?sslmode=require&password=s3cret&application_name=dw",
                 "postgresql://db/d?sslmode=require&application_name=dw");
  assert_redact ("postgresql://desk:s3cret@db/d?PASSWORD=s3cret&connect_timeout=5",
                 "postgresql://desk@db/d?connect_timeout=5");

  /* key=value strings, quoted or not. */
  assert_redact ("host=db password=s3cret dbname=desk", "host=db dbname=desk");
  assert_redact ("password = s3cret host=db", "host=db");
  assert_redact ("host=db password='s3cret with \\' quote and space' user=desk",
                 "host=db user=desk");
  assert_redact ("dbname=desk password=s3cret", "dbname=desk");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/db-uri/sqlite", test_sqlite);
  g_test_add_func ("/db-uri/postgresql", test_postgresql);
  g_test_add_func ("/db-uri/empty", test_empty);
  g_test_add_func ("/db-uri/redact", test_redact);

  return g_test_run ();
}
