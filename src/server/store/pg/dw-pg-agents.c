/* dw-pg-agents.c: the agents' operations (store/dw-store-agents.h) on PostgreSQL: the SQL of
 * dw-sqlite-agents.c in PostgreSQL's dialect (explicit parameter types, CASE for SQLite's
 * boolean-as-integer results, json_array_elements for json_each), the same rows in the same
 * order. */
#define G_LOG_DOMAIN "dw-store"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dw-store.h"
#include "store/dw-store-agents.h"
#include "store/dw-store-tickets.h"
#include "store/pg/dw-pg-connection.h"
#include "store/pg/dw-pg-json.h"
#include "store/pg/dw-pg-migrations.h"
#include "store/pg/dw-pg-ops.h"
#include "store/pg/dw-pg-store.h"

#define WATERMARK_KEY "agent_facts_audit_id"

typedef struct
{
  char text[8][24];
} Numbers;

static const char *
num (Numbers *numbers,
     guint    i,
     gint64   value)
{
  g_snprintf (numbers->text[i], sizeof numbers->text[i], "%" G_GINT64_FORMAT, value);
  return numbers->text[i];
}

static const char *
id_or_null (Numbers *numbers,
            guint    i,
            gint64   value)
{
  return value > 0 ? num (numbers, i, value) : NULL;
}

/* The catch-up is one transaction that reads the trail past the watermark, writes facts and
 * upserts agent_fact_tickets (in the reader's hash order), then moves the watermark.  Run by
 * several instances at once, two such transactions started from the same watermark: both
 * wrote the same facts (counted twice once both committed) and upserted the same tickets'
 * rows in different orders, which PostgreSQL ended as a deadlock (40P01).  So the catch-up
 * takes one transaction-level advisory lock before anything else (before reading the watermark,
 * and before rebuild's deletes): one lock, always first, so no cycle of waits, and whoever
 * waited reads the watermark its predecessor committed (READ COMMITTED: a snapshot per
 * statement) and goes on from there.  Not leader-only: every instance's figures requests need
 * the facts caught up at once, and each catch-up is short (slices of FACTS_SLICE_MS). */
static gboolean
facts_lock (DwStore  *store,
            GError  **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT pg_advisory_xact_lock (%" G_GINT64_FORMAT ")",
                                          DW_PG_LOCK_AGENT_FACTS);
  g_autoptr(PGresult) result = dw_pg_store_query (store, sql, 0, NULL, error);

  return result != NULL;
}

static gboolean
facts_watermark (DwStore  *store,
                 gint64   *audit_id,
                 GError  **error)
{
  g_autoptr(PGresult) result = NULL;

  if (!facts_lock (store, error))
    return FALSE;

  result = dw_pg_store_query (store,
    "SELECT CAST (value AS BIGINT) FROM settings WHERE key = '" WATERMARK_KEY "'", 0, NULL, error);
  if (result == NULL)
    return FALSE;
  *audit_id = PQntuples (result) > 0 ? dw_pg_get_int (result, 0, 0) : 0;
  return TRUE;
}

static gboolean
facts_set_watermark (DwStore  *store,
                     gint64    audit_id,
                     GError  **error)
{
  Numbers n;
  const char *params[] = { num (&n, 0, audit_id) };
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "INSERT INTO settings (key, value) VALUES ('" WATERMARK_KEY "', $1::text) "
    "ON CONFLICT (key) DO UPDATE SET value = $1::text", 1, params, error);

  return result != NULL;
}

static gboolean
facts_clear (DwStore  *store,
             GError  **error)
{
  static const char * const statements[] = {
    "DELETE FROM agent_facts", "DELETE FROM agent_fact_tickets", "DELETE FROM agent_capacity",
    "DELETE FROM settings WHERE key = '" WATERMARK_KEY "'",
  };

  if (!facts_lock (store, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
    {
      g_autoptr(PGresult) result = dw_pg_store_query (store, statements[i], 0, NULL, error);

      if (result == NULL)
        return FALSE;
    }
  return TRUE;
}

/* Read in pages by id, so that a long trail is not held in the client's memory at once and
 * the callback may run its own queries between two pages. */
#define AUDIT_PAGE 2000

#define AUDIT_COLUMNS \
  "SELECT id, at, coalesce (actor_id, 0), entity_id, action, coalesce (field, ''), before, " \
  "after, CASE WHEN entity = 'user' THEN 1 ELSE 0 END FROM audit "
#define AUDIT_FACT_ROWS "(entity = 'ticket' OR (entity = 'user' AND field = 'capacity'))"

/* Gives @func the rows of one page; *@last is the id of the last row it was given, *@stopped
 * whether it stopped the read.  FALSE when it failed with an error. */
static gboolean
audit_page (PGresult             *result,
            DwStoreAuditRowFunc   func,
            gpointer              data,
            gint64               *last,
            gboolean             *stopped,
            GError              **error)
{
  for (int i = 0; i < PQntuples (result); i++)
    {
      DwStoreAuditRow row = {
        .id = dw_pg_get_int (result, i, 0),
        .at = dw_pg_get_int (result, i, 1),
        .actor_id = dw_pg_get_int (result, i, 2),
        .entity_id = dw_pg_get_int (result, i, 3),
        .action = dw_pg_get_text (result, i, 4),
        .field = dw_pg_get_text (result, i, 5),
        .before = dw_pg_get_text (result, i, 6),
        .after = dw_pg_get_text (result, i, 7),
        .is_capacity = dw_pg_get_int (result, i, 8),
      };

      *last = row.id;
      if (!func (&row, data, error))
        {
          *stopped = TRUE;
          return error == NULL || *error == NULL;
        }
    }
  return TRUE;
}

static gboolean
audit_read (DwStore              *store,
            gint64                after_id,
            DwStoreAuditRowFunc   func,
            gpointer              data,
            GError              **error)
{
  gint64 after = after_id;
  gboolean stopped = FALSE;

  for (;;)
    {
      Numbers n;
      const char *params[] = { num (&n, 0, after), num (&n, 1, AUDIT_PAGE) };
      g_autoptr(PGresult) result = dw_pg_store_query (store,
        AUDIT_COLUMNS "WHERE id > $1::bigint AND " AUDIT_FACT_ROWS " ORDER BY id "
        "LIMIT $2::bigint", 2, params, error);

      if (result == NULL || !audit_page (result, func, data, &after, &stopped, error))
        return FALSE;
      if (stopped || PQntuples (result) < AUDIT_PAGE)
        return TRUE;
    }
}

/* Where the facts are in the trail.  Audit ids are taken at INSERT, so with several writers an
 * id can commit after a higher one: a position "up to id N" would pass over it for ever
 * (docs/design.md, "The agent facts in commit order").  So each audit row carries the id of the
 * transaction that wrote it (txid, migration 009), and the facts go from one snapshot of the
 * database to the next: a read takes pg_current_snapshot () as its batch and reads, by id, the
 * rows of the transactions visible in it and not in the last batch's.  A transaction is in one
 * snapshot's and not in an older one's exactly when it committed between the two, so each row is
 * read once, and the batches follow the commits: a ticket's rows, which its writers take under
 * the ticket's row lock, are read in the order they were committed.  Nothing waits on a running
 * transaction, however long: it is read in the batch after its COMMIT.
 *
 * Three settings keep the position (all in the transaction of the read):
 *   agent_facts_audit_id  the largest audit id read.  Alone (no snapshot yet: a desk from before
 *                         migration 009, whose rows have no txid, or moved from SQLite), the
 *                         rows up to it are read, as on SQLite.  Without it the other two mean
 *                         nothing: the facts are read from the start (whoever forgets the facts
 *                         forgets that key).
 *   agent_facts_snapshot  every transaction visible in this snapshot has been read.
 *   agent_facts_batch     "ID SNAPSHOT": a read stopped in the middle of the batch up to
 *                         SNAPSHOT (a slice of dw_agent_facts_catch_up_for) after the row ID. */
#define SNAPSHOT_KEY "agent_facts_snapshot"
#define BATCH_KEY "agent_facts_batch"

typedef struct
{
  gint64  largest;
  char   *snapshot;     /* NULL: the rows up to @largest */
  char   *batch;        /* NULL: between two batches */
  gint64  batch_after;
} Position;

static void
position_clear (Position *position)
{
  g_clear_pointer (&position->snapshot, g_free);
  g_clear_pointer (&position->batch, g_free);
  position->largest = position->batch_after = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Position, position_clear)

static gboolean
position_load (DwStore   *store,
               Position  *position,
               GError   **error)
{
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "SELECT key, value FROM settings WHERE key IN ('" WATERMARK_KEY "', '" SNAPSHOT_KEY "', '"
    BATCH_KEY "')", 0, NULL, error);
  gboolean known = FALSE;

  if (result == NULL)
    return FALSE;
  position_clear (position);
  for (int i = 0; i < PQntuples (result); i++)
    {
      const char *key = dw_pg_get_text (result, i, 0);
      const char *value = dw_pg_get_text (result, i, 1);
      char *end = NULL;

      if (value == NULL)
        continue;
      if (g_str_equal (key, WATERMARK_KEY))
        {
          position->largest = g_ascii_strtoll (value, NULL, 10);
          known = TRUE;
        }
      else if (g_str_equal (key, SNAPSHOT_KEY))
        position->snapshot = g_strdup (value);
      else if (g_str_equal (key, BATCH_KEY))
        {
          position->batch_after = g_ascii_strtoll (value, &end, 10);
          if (end != NULL && *end == ' ')
            position->batch = g_strdup (end + 1);
        }
    }
  if (!known)
    position_clear (position);
  return TRUE;
}

/* Sets @key to @value, or forgets it (NULL). */
static gboolean
setting_put (DwStore     *store,
             const char  *key,
             const char  *value,
             GError     **error)
{
  const char *params[] = { key, value };
  g_autoptr(PGresult) result = value != NULL
    ? dw_pg_store_query (store, "INSERT INTO settings (key, value) VALUES ($1::text, $2::text) "
                         "ON CONFLICT (key) DO UPDATE SET value = $2::text", 2, params, error)
    : dw_pg_store_query (store, "DELETE FROM settings WHERE key = $1::text", 1, params, error);

  return result != NULL;
}

static gboolean
position_save (DwStore         *store,
               const Position  *position,
               GError         **error)
{
  Numbers n;
  g_autofree char *batch = position->batch != NULL
                           ? g_strdup_printf ("%" G_GINT64_FORMAT " %s", position->batch_after,
                                              position->batch)
                           : NULL;

  return setting_put (store, WATERMARK_KEY, num (&n, 0, position->largest), error)
         && setting_put (store, SNAPSHOT_KEY, position->snapshot, error)
         && setting_put (store, BATCH_KEY, batch, error);
}

/* A new batch: the snapshot now.  A snapshot older than the one last read (its xmax lower) is
 * another cluster's: a desk restored with pg_dump into a new cluster, whose transaction ids
 * start again below the ones stored, so its new rows would look read already.  Then the facts
 * are read again from the start. */
static gboolean
batch_begin (DwStore   *store,
             Position  *position,
             GError   **error)
{
  const char *last = position->batch != NULL ? position->batch : position->snapshot;
  const char *params[] = { last };
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "SELECT CAST (pg_current_snapshot () AS text), $1::pg_snapshot IS NOT NULL "
    "AND pg_snapshot_xmax (pg_current_snapshot ()) < pg_snapshot_xmax ($1::pg_snapshot)",
    1, params, error);

  if (result == NULL)
    return FALSE;
  if (g_str_equal (PQgetvalue (result, 0, 1), "t"))
    {
      g_message ("The database's transaction ids are below the agent facts' last snapshot (%s, "
                 "now %s): reading the audit trail again from the start", last,
                 PQgetvalue (result, 0, 0));
      if (!facts_clear (store, error))
        return FALSE;
      position_clear (position);
    }
  if (position->batch == NULL)
    {
      position->batch = g_strdup (PQgetvalue (result, 0, 0));
      /* rows without a txid: read after the audit id, in the first batch only */
      position->batch_after = position->snapshot == NULL ? position->largest : 0;
    }
  return TRUE;
}

static gboolean
audit_read_unread (DwStore              *store,
                   DwStoreAuditRowFunc   func,
                   gpointer              data,
                   GError              **error)
{
  g_auto(Position) position = { 0 };
  gboolean continued, stopped = FALSE, read_any = FALSE;

  if (!facts_lock (store, error) || !position_load (store, &position, error))
    return FALSE;
  continued = position.batch != NULL;
  if (!batch_begin (store, &position, error))
    return FALSE;

  while (!stopped)
    {
      Numbers n;
      const char *params[] = { num (&n, 0, position.batch_after), position.batch,
                               num (&n, 1, AUDIT_PAGE), position.snapshot };
      /* The first batch reads by id, as SQLite's reader: the rows without a txid are older
       * than any with one (migration 009 waited for their writers).  The others find the
       * transactions not read yet by txid: each is at or above the last snapshot's xmin and
       * below the batch's xmax.  Both bounds, though the visibility says as much: the statement
       * is prepared, and its generic plan, not knowing the parameters, took the primary key
       * and filtered the whole trail with one bound (121 ms for 300k rows), the audit_txid
       * index with the range (0.1 ms for a million). */
      g_autoptr(PGresult) result = position.snapshot == NULL
        ? dw_pg_store_query (store,
            AUDIT_COLUMNS "WHERE id > $1::bigint "
            "AND (txid IS NULL OR pg_visible_in_snapshot (txid, $2::pg_snapshot)) "
            "AND " AUDIT_FACT_ROWS " ORDER BY id LIMIT $3::bigint", 3, params, error)
        : dw_pg_store_query (store,
            AUDIT_COLUMNS "WHERE txid >= pg_snapshot_xmin ($4::pg_snapshot) "
            "AND txid < pg_snapshot_xmax ($2::pg_snapshot) AND id > $1::bigint "
            "AND pg_visible_in_snapshot (txid, $2::pg_snapshot) "
            "AND NOT pg_visible_in_snapshot (txid, $4::pg_snapshot) "
            "AND " AUDIT_FACT_ROWS " ORDER BY id LIMIT $3::bigint", 4, params, error);
      gint64 before = position.batch_after;

      if (result == NULL
          || !audit_page (result, func, data, &position.batch_after, &stopped, error))
        return FALSE;
      if (position.batch_after != before)
        {
          read_any = TRUE;
          position.largest = MAX (position.largest, position.batch_after);
        }
      if (PQntuples (result) < AUDIT_PAGE)
        break;
    }

  if (!stopped)
    {
      /* the batch read whole: the next one reads what committed after its snapshot */
      g_free (position.snapshot);
      position.snapshot = g_steal_pointer (&position.batch);
      position.batch_after = 0;
    }
  /* nothing read and nothing to finish: the same position, not written again (a figures
   * request on a quiet desk writes nothing) */
  if (!read_any && !continued)
    return TRUE;
  return position_save (store, &position, error);
}

static gboolean
fact_ticket_get (DwStore            *store,
                 gint64              ticket_id,
                 DwStoreFactTicket  *ticket,
                 GError            **error)
{
  Numbers n;
  const char *params[] = { num (&n, 0, ticket_id) };
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "SELECT created_at, coalesce (team_id, 0), coalesce (assignee_id, 0), "
    "coalesce (solver_id, 0), active FROM agent_fact_tickets WHERE ticket_id = $1::bigint",
    1, params, error);

  if (result == NULL || PQntuples (result) == 0)
    return FALSE;
  ticket->created_at = dw_pg_get_int (result, 0, 0);
  ticket->team_id = dw_pg_get_int (result, 0, 1);
  ticket->assignee_id = dw_pg_get_int (result, 0, 2);
  ticket->solver_id = dw_pg_get_int (result, 0, 3);
  ticket->active = dw_pg_get_int (result, 0, 4);
  return TRUE;
}

static gboolean
fact_ticket_put_one (DwStore                  *store,
                 gint64                    ticket_id,
                 const DwStoreFactTicket  *ticket,
                 GError                  **error)
{
  Numbers n;
  const char *params[] = {
    num (&n, 0, ticket_id), num (&n, 1, ticket->created_at), id_or_null (&n, 2, ticket->team_id),
    id_or_null (&n, 3, ticket->assignee_id), id_or_null (&n, 4, ticket->solver_id),
    num (&n, 5, ticket->active ? 1 : 0),
  };
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "INSERT INTO agent_fact_tickets (ticket_id, created_at, team_id, assignee_id, solver_id, "
    "active) VALUES ($1::bigint, $2::bigint, $3::bigint, $4::bigint, $5::bigint, $6::bigint) "
    "ON CONFLICT (ticket_id) DO UPDATE SET created_at = $2::bigint, team_id = $3::bigint, "
    "assignee_id = $4::bigint, solver_id = $5::bigint, active = $6::bigint", 6, params, error);

  return result != NULL;
}

static gboolean
fact_insert_one (DwStore                 *store,
             const DwStoreAgentFact  *fact,
             GError                 **error)
{
  Numbers n;
  const char *params[] = {
    num (&n, 0, fact->audit_id), num (&n, 1, fact->at), num (&n, 2, fact->user_id),
    id_or_null (&n, 3, fact->team_id), num (&n, 4, fact->ticket_id), fact->kind, fact->target,
    fact->timed ? num (&n, 5, fact->calendar_seconds) : NULL,
    fact->timed ? num (&n, 6, fact->business_seconds) : NULL,
    fact->replies >= 0 ? num (&n, 7, fact->replies) : NULL,
  };
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "INSERT INTO agent_facts (audit_id, at, user_id, team_id, ticket_id, kind, target, "
    "calendar_seconds, business_seconds, replies) VALUES ($1::bigint, $2::bigint, $3::bigint, "
    "$4::bigint, $5::bigint, $6::text, $7::text, $8::bigint, $9::bigint, $10::bigint)",
    10, params, error);

  return result != NULL;
}

static gboolean
load_insert_one (DwStore  *store,
             gint64    audit_id,
             gint64    at,
             gint64    user_id,
             gint64    team_id,
             gint64    ticket_id,
             int       delta,
             GError  **error)
{
  Numbers n;
  const char *params[] = {
    num (&n, 0, audit_id), num (&n, 1, at), num (&n, 2, user_id), id_or_null (&n, 3, team_id),
    num (&n, 4, ticket_id), num (&n, 5, delta),
  };
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "INSERT INTO agent_facts (audit_id, at, user_id, team_id, ticket_id, kind, delta) "
    "VALUES ($1::bigint, $2::bigint, $3::bigint, $4::bigint, $5::bigint, 'load', $6::bigint)",
    6, params, error);

  return result != NULL;
}

static gboolean
fact_tickets_put (DwStore                  *store,
                  const gint64             *ticket_ids,
                  const DwStoreFactTicket  *tickets,
                  guint                     n_tickets,
                  GError                  **error)
{
  for (guint i = 0; i < n_tickets; i++)
    if (!fact_ticket_put_one (store, ticket_ids[i], &tickets[i], error))
      return FALSE;
  return TRUE;
}

static gboolean
facts_insert (DwStore                 *store,
              const DwStoreAgentFact  *facts,
              guint                    n_facts,
              GError                 **error)
{
  for (guint i = 0; i < n_facts; i++)
    {
      const DwStoreAgentFact *fact = &facts[i];

      if (g_str_equal (fact->kind, "load")
          ? !load_insert_one (store, fact->audit_id, fact->at, fact->user_id, fact->team_id,
                              fact->ticket_id, fact->delta, error)
          : !fact_insert_one (store, fact, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
capacity_put (DwStore  *store,
              gint64    audit_id,
              gint64    user_id,
              gint64    at,
              gint64    before,
              gint64    after,
              GError  **error)
{
  Numbers n;
  const char *params[] = {
    num (&n, 0, audit_id), num (&n, 1, user_id), num (&n, 2, at), num (&n, 3, before),
    num (&n, 4, after),
  };
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "INSERT INTO agent_capacity (audit_id, user_id, at, before, after) "
    "VALUES ($1::bigint, $2::bigint, $3::bigint, $4::bigint, $5::bigint) "
    "ON CONFLICT (audit_id) DO UPDATE SET user_id = EXCLUDED.user_id, at = EXCLUDED.at, "
    "before = EXCLUDED.before, after = EXCLUDED.after", 5, params, error);

  return result != NULL;
}

static gint64
replies_count (DwStore *store,
               gint64   ticket_id,
               gint64   user_id,
               gint64   until)
{
  Numbers n;
  const char *params[] = { num (&n, 0, ticket_id), num (&n, 1, user_id), num (&n, 2, until) };
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "SELECT count (*) FROM comments WHERE ticket_id = $1::bigint AND author_kind = 'agent' "
    "AND author_id = $2::bigint AND public = 1 AND created_at <= $3::bigint", 3, params, NULL);

  return result != NULL && PQntuples (result) > 0 ? dw_pg_get_int (result, 0, 0) : 0;
}

static gboolean
team_calendar (DwStore  *store,
               gint64    team_id,
               gint64   *calendar_id,
               GError  **error)
{
  Numbers n;
  const char *params[] = { num (&n, 0, team_id) };
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "SELECT calendar_id FROM teams WHERE id = $1::bigint",
    1, params, error);

  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    {
      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND, "no team %" G_GINT64_FORMAT,
                   team_id);
      return FALSE;
    }
  *calendar_id = dw_pg_get_int (result, 0, 0);
  return TRUE;
}

static gboolean
members (DwStore                 *store,
         gint64                   team_id,
         gint64                   only_user_id,
         DwStoreAgentMemberFunc   func,
         gpointer                 data,
         GError                 **error)
{
  Numbers n;
  const char *params[] = { num (&n, 0, team_id), num (&n, 1, only_user_id) };
  /* COLLATE "C": SQLite's BINARY order of the names */
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "SELECT u.id, u.display_name FROM team_members m JOIN users u ON u.id = m.user_id "
    "WHERE m.team_id = $1::bigint AND u.role = 'agent' AND ($2::bigint = 0 OR u.id = $2::bigint) "
    "ORDER BY u.display_name COLLATE \"C\", u.id", 2, params, error);

  if (result == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (result); i++)
    func (dw_pg_get_int (result, i, 0), dw_pg_get_text (result, i, 1), data);
  return TRUE;
}

static gboolean
facts_in_window (DwStore               *store,
                 gint64                 team_id,
                 gint64                 from,
                 gint64                 to,
                 DwStoreAgentFactFunc   func,
                 gpointer               data,
                 GError               **error)
{
  Numbers n;
  const char *params[] = { num (&n, 0, team_id), num (&n, 1, from), num (&n, 2, to) };
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "SELECT user_id, kind, coalesce (target, ''), calendar_seconds, business_seconds, "
    "coalesce (replies, 0), at FROM agent_facts WHERE team_id = $1::bigint AND at >= $2::bigint "
    "AND at < $3::bigint", 3, params, error);

  if (result == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (result); i++)
    {
      DwStoreAgentFactRow row = {
        .user_id = dw_pg_get_int (result, i, 0),
        .kind = dw_pg_get_text (result, i, 1),
        .target = dw_pg_get_text (result, i, 2),
        .calendar_seconds = dw_pg_get_int (result, i, 3),
        .business_seconds = dw_pg_get_int (result, i, 4),
        .replies = dw_pg_get_int (result, i, 5),
        .at = dw_pg_get_int (result, i, 6),
      };

      func (&row, data);
    }
  return TRUE;
}

static gboolean
survey_rows (DwStore                 *store,
             const char              *sql,
             gint64                   team_id,
             gint64                   from,
             gint64                   to,
             DwStoreAgentSurveyFunc   func,
             gpointer                 data,
             GError                 **error)
{
  Numbers n;
  const char *params[] = { num (&n, 0, team_id), num (&n, 1, from), num (&n, 2, to) };
  g_autoptr(PGresult) result = dw_pg_store_query (store, sql, 3, params, error);

  if (result == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (result); i++)
    func (dw_pg_get_int (result, i, 0), (int) dw_pg_get_int (result, i, 1),
          dw_pg_get_int (result, i, 2), data);
  return TRUE;
}

static gboolean
survey_answers (DwStore                 *store,
                gint64                   team_id,
                gint64                   from,
                gint64                   to,
                DwStoreAgentSurveyFunc   func,
                gpointer                 data,
                GError                 **error)
{
  return survey_rows (store,
    "SELECT t.solver_id, s.rating, s.answered_at FROM surveys s JOIN agent_fact_tickets t "
    "ON t.ticket_id = s.ticket_id WHERE t.team_id = $1::bigint AND s.answered_at >= $2::bigint "
    "AND s.answered_at < $3::bigint AND s.voided_at IS NULL AND s.rating IS NOT NULL",
    team_id, from, to, func, data, error);
}

static gboolean
surveys_issued (DwStore                 *store,
                gint64                   team_id,
                gint64                   from,
                gint64                   to,
                DwStoreAgentSurveyFunc   func,
                gpointer                 data,
                GError                 **error)
{
  return survey_rows (store,
    "SELECT t.solver_id, CASE WHEN s.answered_at IS NOT NULL THEN 1 ELSE 0 END, s.issued_at "
    "FROM surveys s JOIN agent_fact_tickets t ON t.ticket_id = s.ticket_id "
    "WHERE t.team_id = $1::bigint AND s.issued_at >= $2::bigint AND s.issued_at < $3::bigint",
    team_id, from, to, func, data, error);
}

static gboolean
time_marks (DwStore                *store,
            gint64                  user_id,
            gint64                  from,
            gint64                  until,
            DwStoreAgentTimeStart  *start,
            DwStoreAgentMarkFunc    func,
            gpointer                data,
            GError                **error)
{
  static const char * const marks_sql[] = {
    [DW_STORE_AGENT_MARK_PRESENCE] =
      "SELECT at, CASE WHEN presence = 'online' THEN 1 ELSE 0 END FROM presence_log "
      "WHERE user_id = $1::bigint AND at >= $2::bigint AND at < $3::bigint ORDER BY at, id",
    [DW_STORE_AGENT_MARK_LOAD] =
      "SELECT at, delta FROM agent_facts WHERE user_id = $1::bigint AND kind = 'load' "
      "AND at >= $2::bigint AND at < $3::bigint ORDER BY at, id",
    [DW_STORE_AGENT_MARK_CAPACITY] =
      "SELECT at, after FROM agent_capacity WHERE user_id = $1::bigint AND at >= $2::bigint "
      "AND at < $3::bigint ORDER BY at, audit_id",
  };
  Numbers n;
  const char *params[] = { num (&n, 0, user_id), num (&n, 1, from), num (&n, 2, until) };
  /* the three starting values in one row: presence, load, capacity as dw-sqlite-agents.c
   * reads them in three */
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "SELECT coalesce ((SELECT presence = 'online' FROM presence_log WHERE user_id = $1::bigint "
    "                  AND at < $2::bigint ORDER BY at DESC, id DESC LIMIT 1), false), "
    "       (SELECT coalesce (sum (delta), 0) FROM agent_facts WHERE user_id = $1::bigint "
    "        AND kind = 'load' AND at < $2::bigint), "
    "       coalesce ((SELECT after FROM agent_capacity WHERE user_id = $1::bigint "
    "                  AND at < $2::bigint ORDER BY at DESC, audit_id DESC LIMIT 1), "
    "                 (SELECT before FROM agent_capacity WHERE user_id = $1::bigint "
    "                  AND at >= $2::bigint ORDER BY at, audit_id LIMIT 1), "
    "                 (SELECT capacity FROM users WHERE id = $1::bigint), 0)",
    2, params, error);

  if (result == NULL)
    return FALSE;
  start->online = g_str_equal (PQgetvalue (result, 0, 0), "t");
  start->load = dw_pg_get_int (result, 0, 1);
  start->capacity = dw_pg_get_int (result, 0, 2);

  for (int kind = 0; kind < 3; kind++)
    {
      g_autoptr(PGresult) marks = dw_pg_store_query (store, marks_sql[kind], 3, params, error);

      if (marks == NULL)
        return FALSE;
      for (int i = 0; i < PQntuples (marks); i++)
        func (dw_pg_get_int (marks, i, 0), kind, (int) dw_pg_get_int (marks, i, 1), data);
    }
  return TRUE;
}

static gboolean
status (DwStore                 *store,
        gint64                   team_id,
        gint64                   only_user_id,
        DwStoreAgentStatusFunc   func,
        gpointer                 data,
        GError                 **error)
{
  Numbers n;
  const char *params[] = { num (&n, 0, team_id), num (&n, 1, only_user_id) };
  g_autoptr(PGresult) result = dw_pg_store_query (store,
    "SELECT u.id, u.display_name, u.presence, u.presence_since, u.capacity, "
    "  (SELECT count (*) FROM tickets t WHERE t.assignee_id = u.id "
    "     AND t.status IN ('new', 'open', 'pending', 'on-hold')), "
    "  (SELECT min (t.updated_at) FROM tickets t WHERE t.assignee_id = u.id "
    "     AND t.status IN ('new', 'open')), "
    "  (SELECT t.id FROM tickets t WHERE t.assignee_id = u.id AND t.status IN ('new', 'open') "
    "     ORDER BY t.updated_at, t.id LIMIT 1), "
    "  (SELECT count (*) FROM tickets t WHERE t.assignee_id = u.id "
    "     AND t.status IN ('new', 'open', 'pending', 'on-hold') AND t.sla_state = 'at-risk'), "
    "  (SELECT count (*) FROM tickets t WHERE t.assignee_id = u.id AND "
    DW_PG_JSON_TICKET_BREACH " = 'running') "
    "FROM team_members m JOIN users u ON u.id = m.user_id "
    "WHERE m.team_id = $1::bigint AND u.role = 'agent' AND u.disabled = 0 "
    "AND ($2::bigint = 0 OR u.id = $2::bigint) "
    "ORDER BY u.display_name COLLATE \"C\", u.id", 2, params, error);

  if (result == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (result); i++)
    {
      DwStoreAgentStatus row = {
        .user_id = dw_pg_get_int (result, i, 0),
        .display_name = dw_pg_get_text (result, i, 1),
        .presence = dw_pg_get_text (result, i, 2),
        .presence_since = dw_pg_get_int (result, i, 3),
        .capacity = dw_pg_get_int (result, i, 4),
        .load = dw_pg_get_int (result, i, 5),
        .oldest_waiting_since = dw_pg_get_int (result, i, 6),
        .oldest_waiting_ticket_id = dw_pg_get_int (result, i, 7),
        .at_risk = dw_pg_get_int (result, i, 8),
        .breached = dw_pg_get_int (result, i, 9),
      };

      func (&row, data);
    }
  return TRUE;
}

static GArray *
tickets (DwStore              *store,
         gint64                user_id,
         DwStoreAgentTickets   which,
         gint64                team_id,
         GError              **error)
{
  static const char * const sql[] = {
    [DW_STORE_AGENT_TICKETS_WAITING] =
      "SELECT t.id, t.version FROM tickets t WHERE t.assignee_id = $1::bigint "
      "AND t.status IN ('new', 'open') ORDER BY t.id",
    [DW_STORE_AGENT_TICKETS_AT_RISK] =
      "SELECT t.id, t.version FROM tickets t WHERE t.assignee_id = $1::bigint "
      "AND t.status IN ('new', 'open', 'pending', 'on-hold') AND (t.sla_state = "
      "'at-risk' OR " DW_PG_JSON_TICKET_BREACH " = 'running') ORDER BY t.id",
    [DW_STORE_AGENT_TICKETS_TEAM_WAITING] =
      "SELECT t.id, t.version FROM tickets t WHERE t.assignee_id = $1::bigint "
      "AND t.team_id = $2::bigint AND t.status IN ('new', 'open') ORDER BY t.id",
  };
  Numbers n;
  const char *params[] = { num (&n, 0, user_id), num (&n, 1, team_id) };
  g_autoptr(PGresult) result = NULL;
  GArray *pairs;

  g_return_val_if_fail (which < G_N_ELEMENTS (sql), NULL);

  result = dw_pg_store_query (store,
    sql[which], which == DW_STORE_AGENT_TICKETS_TEAM_WAITING ? 2 : 1,
    params, error);
  if (result == NULL)
    return NULL;
  pairs = g_array_new (FALSE, FALSE, sizeof (gint64) * 2);
  for (int i = 0; i < PQntuples (result); i++)
    {
      gint64 pair[2] = { dw_pg_get_int (result, i, 0), dw_pg_get_int (result, i, 1) };

      g_array_append_vals (pairs, pair, 1);
    }
  return pairs;
}

static gboolean
move (DwStore  *store,
      gint64    user_id,
      gint64    from_team_id,
      gint64    to_team_id,
      GError  **error)
{
  Numbers n;
  const char *leave_params[] = { num (&n, 0, user_id), num (&n, 1, from_team_id) };
  const char *join_params[] = { num (&n, 2, to_team_id), num (&n, 3, user_id) };
  g_autoptr(PGresult) leave = dw_pg_store_query (store,
    "DELETE FROM team_members WHERE user_id = $1::bigint AND team_id = $2::bigint",
    2, leave_params, error);
  g_autoptr(PGresult) join = NULL;

  if (leave == NULL)
    return FALSE;
  join = dw_pg_store_query (store, "INSERT INTO team_members (team_id, user_id, is_lead) "
                       "VALUES ($1::bigint, $2::bigint, 0)", 2, join_params, error);
  return join != NULL;
}

/* The ids as SQLite's drill selects them; each ticket's object then from the tickets' own
 * operation (the PostgreSQL ticket object is theirs to build). */
static gboolean
drill (DwStore                  *store,
       const DwStoreAgentDrill  *drill,
       DwStoreAgentTicketFunc    func,
       gpointer                  data,
       GError                  **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT t.id FROM tickets t WHERE t.id IN "
    "(SELECT f.ticket_id FROM agent_facts f WHERE f.user_id = $1::bigint AND "
    "f.team_id = $2::bigint AND f.kind = $3::text AND ($4::text IS NULL OR f.target = $4::text) "
    "AND f.at >= $5::bigint AND f.at < $6::bigint) AND ($7::bigint = 0 OR t.id < $7::bigint)");
  g_autoptr(PGresult) result = NULL;
  Numbers n;
  const char *params[] = {
    num (&n, 0, drill->user_id), num (&n, 1, drill->team_id), drill->kind, drill->target,
    num (&n, 2, drill->from), num (&n, 3, drill->to), num (&n, 4, drill->before_id),
    num (&n, 5, drill->limit),
  };

  if (!drill->viewer_all)
    {
      g_string_append_printf (sql, " AND (t.assignee_id = %" G_GINT64_FORMAT, drill->viewer_id);
      if (drill->viewer_team_ids != NULL && drill->viewer_team_ids->len > 0)
        {
          g_string_append (sql, " OR t.team_id IN (");
          for (guint i = 0; i < drill->viewer_team_ids->len; i++)
            g_string_append_printf (sql, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "",
                                    g_array_index (drill->viewer_team_ids, gint64, i));
          g_string_append (sql, ")");
        }
      g_string_append (sql, ")");
    }
  g_string_append (sql, " ORDER BY t.id DESC LIMIT $8::bigint");
  result = dw_pg_store_query (store, sql->str, 8, params, error);
  if (result == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (result); i++)
    {
      JsonObject *ticket = dw_store_ticket_load_json (store, dw_pg_get_int (result, i, 0), error);

      if (ticket == NULL)
        return FALSE;
      func (ticket, data);
    }
  return TRUE;
}

const DwStoreAgentOps dw_pg_agent_ops = {
  .facts_watermark = facts_watermark,
  .facts_set_watermark = facts_set_watermark,
  .facts_clear = facts_clear,
  .audit_read = audit_read,
  .audit_read_unread = audit_read_unread,
  .fact_ticket_get = fact_ticket_get,
  .fact_tickets_put = fact_tickets_put,
  .facts_insert = facts_insert,
  .capacity_put = capacity_put,
  .replies_count = replies_count,
  .team_calendar = team_calendar,
  .members = members,
  .facts_in_window = facts_in_window,
  .survey_answers = survey_answers,
  .surveys_issued = surveys_issued,
  .time_marks = time_marks,
  .status = status,
  .tickets = tickets,
  .move = move,
  .drill = drill,
};
