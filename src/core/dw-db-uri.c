/* dw-db-uri.c: what `deskwatchd --db` names, and how to log it. */
#include "dw-db-uri.h"

#include <string.h>

/* libpq's connection keywords (PostgreSQL 15, "Parameter Key Words"): a --db that starts with
 * one of these and '=' is a key=value connection string. */
static const char * const libpq_keywords[] = {
  "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "channel_binding",
  "connect_timeout", "client_encoding", "options", "application_name",
  "fallback_application_name", "keepalives", "keepalives_idle", "keepalives_interval",
  "keepalives_count", "tcp_user_timeout", "replication", "gssencmode", "sslmode", "requiressl",
  "sslcompression", "sslcert", "sslkey", "sslpassword", "sslrootcert", "sslcrl", "sslcrldir",
  "sslsni", "requirepeer", "ssl_min_protocol_version", "ssl_max_protocol_version", "krbsrvname",
  "gsslib", "service", "target_session_attrs", NULL,
};

static gboolean
is_uri (const char *text)
{
  return g_str_has_prefix (text, "postgresql://") || g_str_has_prefix (text, "postgres://");
}

static gboolean
is_keyword_value (const char *text)
{
  const char *p = text;
  g_autofree char *word = NULL;

  while (g_ascii_isspace (*p))
    p++;
  text = p;
  while (g_ascii_isalnum (*p) || *p == '_')
    p++;
  word = g_strndup (text, p - text);
  while (g_ascii_isspace (*p))
    p++;

  return *p == '=' && g_strv_contains (libpq_keywords, word);
}

gboolean
dw_db_uri_parse (const char  *text,
                 DwDbKind    *kind,
                 char       **target,
                 GError     **error)
{
  const char *rest = text;

  g_return_val_if_fail (text != NULL, FALSE);

  if (g_str_has_prefix (text, "sqlite:"))
    {
      rest = text + strlen ("sqlite:");
      /* sqlite:///var/lib/x.db reads as the path a URI would mean. */
      if (g_str_has_prefix (rest, "//"))
        rest += 2;
      *kind = DW_DB_SQLITE;
    }
  else if (is_uri (text) || is_keyword_value (text))
    {
      *kind = DW_DB_POSTGRESQL;
    }
  else
    {
      *kind = DW_DB_SQLITE;
    }

  if (*rest == '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--db names no database");
      return FALSE;
    }

  *target = g_strdup (rest);
  return TRUE;
}

/* The URI form: postgresql://[user[:password]@][hosts][/dbname][?param=value&…] */
static char *
redact_uri (const char *text)
{
  const char *authority = strstr (text, "://") + 3;
  const char *authority_end = authority + strcspn (authority, "/?");
  const char *at = NULL;
  const char *query;
  GString *out = g_string_new_len (text, authority - text);

  /* The last '@' of the authority: a raw '@' in the password is more likely than in a host. */
  for (const char *p = authority; p < authority_end; p++)
    if (*p == '@')
      at = p;

  if (at != NULL)
    {
      const char *colon = memchr (authority, ':', at - authority);

      g_string_append_len (out, authority, (colon != NULL ? colon : at) - authority);
      g_string_append_len (out, at, authority_end - at);
    }
  else
    {
      g_string_append_len (out, authority, authority_end - authority);
    }

  query = strchr (authority_end, '?');
  if (query == NULL)
    {
      g_string_append (out, authority_end);
      return g_string_free (out, FALSE);
    }

  g_string_append_len (out, authority_end, query - authority_end);
  {
    g_auto(GStrv) params = g_strsplit (query + 1, "&", -1);
    gboolean first = TRUE;

    for (guint i = 0; params[i] != NULL; i++)
      {
        if (g_ascii_strncasecmp (params[i], "password=", strlen ("password=")) == 0
            || g_ascii_strcasecmp (params[i], "password") == 0)
          continue;
        g_string_append_c (out, first ? '?' : '&');
        g_string_append (out, params[i]);
        first = FALSE;
      }
  }

  return g_string_free (out, FALSE);
}

/* The key=value form: words key = value, a value in single quotes with \' and \\ escapes. */
static char *
redact_keyword_value (const char *text)
{
  GString *out = g_string_new (NULL);
  const char *p = text;

  while (*p != '\0')
    {
      const char *start = p;
      const char *key, *key_end;
      gboolean drop;

      while (g_ascii_isspace (*p))
        p++;
      key = p;
      while (*p != '\0' && *p != '=' && !g_ascii_isspace (*p))
        p++;
      key_end = p;
      while (g_ascii_isspace (*p))
        p++;
      if (*p == '=')
        p++;
      while (g_ascii_isspace (*p))
        p++;

      if (*p == '\'')
        {
          for (p++; *p != '\0' && *p != '\''; p++)
            if (*p == '\\' && p[1] != '\0')
              p++;
          if (*p == '\'')
            p++;
        }
      else
        {
          while (*p != '\0' && !g_ascii_isspace (*p))
            p++;
        }

      drop = key_end - key == strlen ("password")
             && g_ascii_strncasecmp (key, "password", key_end - key) == 0;
      if (!drop && key_end > key)
        {
          if (out->len > 0)
            g_string_append_c (out, ' ');
          while (g_ascii_isspace (*start))
            start++;
          g_string_append_len (out, start, p - start);
        }
    }

  return g_string_free (out, FALSE);
}

char *
dw_db_uri_redact (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);

  if (is_uri (text))
    return redact_uri (text);
  if (is_keyword_value (text))
    return redact_keyword_value (text);
  return g_strdup (text);
}
