/* dw-pg-events.c: the global event sequence of the PostgreSQL backend. */
#define G_LOG_DOMAIN "deskwatchd"

#include "config.h"

#include "dw-pg-events.h"

#include <stdlib.h>

gint64
dw_pg_events_append (PGconn           *conn,
                     const DwPgEvent  *events,
                     guint             n_events,
                     GError          **error)
{
  g_autofree char *n = g_strdup_printf ("%u", n_events);
  const char *counter_params[] = { n };
  g_autoptr(PGresult) counter = NULL;
  g_autoptr(PGresult) notified = NULL;
  gint64 last, first;

  g_return_val_if_fail (n_events > 0, -1);

  /* The row lock that orders the commits; held until this transaction ends. */
  counter = dw_pg_query (conn, "UPDATE event_counter SET last_seq = last_seq + $1::bigint "
                         "RETURNING last_seq", 1, counter_params, error);
  if (counter == NULL)
    return -1;
  last = g_ascii_strtoll (PQgetvalue (counter, 0, 0), NULL, 10);
  first = last - n_events + 1;

  for (guint i = 0; i < n_events; i++)
    {
      g_autofree char *seq = g_strdup_printf ("%" G_GINT64_FORMAT, first + i);
      g_autofree char *at = g_strdup_printf ("%" G_GINT64_FORMAT, events[i].at);
      g_autofree char *team = events[i].team_id > 0
                              ? g_strdup_printf ("%" G_GINT64_FORMAT, events[i].team_id) : NULL;
      g_autofree char *user = events[i].user_id > 0
                              ? g_strdup_printf ("%" G_GINT64_FORMAT, events[i].user_id) : NULL;
      const char *params[] = { seq, at, events[i].type, team, user, events[i].data };
      g_autoptr(PGresult) inserted = NULL;

      inserted = dw_pg_query (conn, "INSERT INTO events (seq, at, type, team_id, user_id, data) "
                              "VALUES ($1, $2, $3, $4, $5, $6)", G_N_ELEMENTS (params), params,
                              error);
      if (inserted == NULL)
        return -1;
    }

  /* Delivered at COMMIT, in commit order; nothing if the transaction rolls back. */
  {
    g_autofree char *payload = g_strdup_printf ("%" G_GINT64_FORMAT, last);
    const char *params[] = { payload };

    notified = dw_pg_query (conn, "SELECT pg_notify ('" DW_PG_EVENTS_CHANNEL "', $1)", 1, params,
                            error);
    if (notified == NULL)
      return -1;
  }

  return first;
}

gboolean
dw_pg_events_listen (PGconn  *conn,
                     GError **error)
{
  return dw_pg_exec (conn, "LISTEN " DW_PG_EVENTS_CHANNEL, error);
}

gint64
dw_pg_events_take_notified (PGconn  *conn,
                            GError **error)
{
  PGnotify *notify;
  gint64 highest = 0;

  if (!PQconsumeInput (conn))
    {
      dw_pg_set_error (error, conn, NULL);
      return -1;
    }

  while ((notify = PQnotifies (conn)) != NULL)
    {
      if (g_str_equal (notify->relname, DW_PG_EVENTS_CHANNEL))
        highest = MAX (highest, g_ascii_strtoll (notify->extra, NULL, 10));
      PQfreemem (notify);
    }

  return highest;
}
