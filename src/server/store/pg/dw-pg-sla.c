/* dw-pg-sla.c: the SLA engine's operations (store/dw-store-sla.h) on PostgreSQL.
 *
 * The same rows as dw-sqlite-sla.c: JSON columns stay text, read with json functions where
 * SQLite uses json_each / json_extract; ties broken by id where SQLite's order was implicit. */
#define G_LOG_DOMAIN "dw-store"

#include "config.h"

#include <stdlib.h>

#include "dw-store.h"
#include "store/dw-store-sla.h"
#include "store/pg/dw-pg-connection.h"
#include "store/pg/dw-pg-store.h"

/* dw_pg_query with the error in the store's domain. */
static PGresult *
query (DwStore             *store,
       const char          *sql,
       int                  n_params,
       const char * const  *params,
       GError             **error)
{
  GError *local_error = NULL;
  PGresult *result;

  result = dw_pg_query (dw_pg_store_conn (store), sql, n_params, params, &local_error);
  if (result == NULL)
    dw_pg_store_propagate_error (error, local_error);
  return result;
}

static char *
value_dup (const PGresult *result,
           int             row,
           int             column)
{
  return PQgetisnull (result, row, column) ? NULL
                                           : g_strdup (PQgetvalue (result, row, column));
}

/* 0 for NULL, as sqlite3_column_int64. */
static gint64
value_int (const PGresult *result,
           int             row,
           int             column)
{
  return PQgetisnull (result, row, column) ? 0
                                           : g_ascii_strtoll (PQgetvalue (result, row, column),
                                                              NULL, 10);
}

static char *
int_param (gint64 value)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

static char *
id_param (gint64 value)
{
  return value > 0 ? int_param (value) : NULL;
}

static void
policy_clear (gpointer data)
{
  DwStoreSlaPolicy *policy = data;

  g_clear_pointer (&policy->name, g_free);
  g_clear_pointer (&policy->match_priorities, g_free);
  g_clear_pointer (&policy->match_tags, g_free);
  g_clear_pointer (&policy->match_channels, g_free);
  g_clear_pointer (&policy->match_business_types, g_free);
  g_clear_pointer (&policy->escalation, g_free);
}

static void
mark_clear (gpointer data)
{
  DwStoreSlaMark *mark = data;

  g_clear_pointer (&mark->author_kind, g_free);
  g_clear_pointer (&mark->status, g_free);
}

static GArray *
ids_from (const PGresult *result)
{
  GArray *ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), PQntuples (result));

  for (int i = 0; i < PQntuples (result); i++)
    {
      gint64 id = value_int (result, i, 0);

      g_array_append_val (ids, id);
    }

  return ids;
}

static gboolean
ticket_load (DwStore           *store,
             gint64             ticket_id,
             DwStoreSlaTicket  *row,
             GError           **error)
{
  g_autofree char *id = int_param (ticket_id);
  const char *params[] = { id };
  g_autoptr(PGresult) result = NULL;

  result = query (store,
                  "SELECT id, priority, status, channel, business_type, team_id, "
                  "       assignee_id, customer_id, created_at, sla_policy_id, sla, "
                  "       next_sla_at, escalation_level "
                  "FROM tickets WHERE id = $1", 1, params, error);
  if (result == NULL)
    return FALSE;

  if (PQntuples (result) == 0)
    {
      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND,
                   "No ticket %" G_GINT64_FORMAT, ticket_id);
      return FALSE;
    }

  row->id = value_int (result, 0, 0);
  row->priority = value_dup (result, 0, 1);
  row->status = value_dup (result, 0, 2);
  row->channel = value_dup (result, 0, 3);
  row->business_type = value_dup (result, 0, 4);
  row->team_id = value_int (result, 0, 5);
  row->assignee_id = value_int (result, 0, 6);
  row->customer_id = value_int (result, 0, 7);
  row->created_at = value_int (result, 0, 8);
  row->policy_id = value_int (result, 0, 9);
  row->sla = value_dup (result, 0, 10);
  row->next_sla_at = value_int (result, 0, 11);
  row->escalation_level = value_int (result, 0, 12);
  return TRUE;
}

static gboolean
calendar_for_team (DwStore             *store,
                   gint64               team_id,
                   DwStoreSlaCalendar  *row,
                   gboolean            *found,
                   GError             **error)
{
  g_autofree char *team = int_param (team_id);
  const char *params[] = { team };
  g_autoptr(PGresult) result = NULL;

  *found = FALSE;
  result = query (store,
                  "SELECT k.id, k.name, k.timezone, k.week, k.holidays, k.workdays "
                  "FROM calendars k LEFT JOIN teams m ON m.calendar_id = k.id AND m.id = $1 "
                  "ORDER BY m.id IS NULL, k.id LIMIT 1", 1, params, error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    return TRUE;

  *found = TRUE;
  row->id = value_int (result, 0, 0);
  row->name = value_dup (result, 0, 1);
  row->timezone = value_dup (result, 0, 2);
  row->week = value_dup (result, 0, 3);
  row->holidays = value_dup (result, 0, 4);
  row->workdays = value_dup (result, 0, 5);
  return TRUE;
}

static char *
policies_key (DwStore  *store,
              GError  **error)
{
  g_autoptr(PGresult) result = NULL;

  result = query (store,
                  "SELECT coalesce (json_agg (json_build_array (" DW_STORE_SLA_POLICY_COLUMNS ")"
                  "                           ORDER BY p.position, p.id)::text, '[]') "
                  "FROM sla_policies p", 0, NULL, error);
  if (result == NULL)
    return NULL;

  return value_dup (result, 0, 0);
}

static GArray *
policies_list (DwStore  *store,
               GError  **error)
{
  g_autoptr(PGresult) result = NULL;
  GArray *policies;

  result = query (store,
                  "SELECT " DW_STORE_SLA_POLICY_COLUMNS
                  " FROM sla_policies p ORDER BY p.position, p.id", 0, NULL, error);
  if (result == NULL)
    return NULL;

  policies = g_array_new (FALSE, TRUE, sizeof (DwStoreSlaPolicy));
  g_array_set_clear_func (policies, policy_clear);
  for (int i = 0; i < PQntuples (result); i++)
    {
      DwStoreSlaPolicy policy = {
        .id = value_int (result, i, 0),
        .name = value_dup (result, i, 1),
        .position = value_int (result, i, 2),
        .match_priorities = value_dup (result, i, 3),
        .match_tags = value_dup (result, i, 4),
        .match_channels = value_dup (result, i, 5),
        .match_business_types = value_dup (result, i, 6),
        .first_response_minutes = PQgetisnull (result, i, 7) ? -1 : value_int (result, i, 7),
        .next_response_minutes = PQgetisnull (result, i, 8) ? -1 : value_int (result, i, 8),
        .resolution_minutes = PQgetisnull (result, i, 9) ? -1 : value_int (result, i, 9),
        .at_risk_ratio = g_ascii_strtod (PQgetvalue (result, i, 10), NULL),
        .escalation = value_dup (result, i, 11),
      };

      g_array_append_val (policies, policy);
    }

  return policies;
}

static GStrv
customer_tags (DwStore  *store,
               gint64    customer_id,
               GError  **error)
{
  g_autofree char *id = int_param (customer_id);
  const char *params[] = { id };
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (customer_id > 0)
    {
      result = query (store,
                      "SELECT e.value #>> '{}' FROM customers c, "
                      "       json_array_elements (c.tags::json) WITH ORDINALITY e (value, n) "
                      "WHERE c.id = $1 AND json_typeof (e.value) = 'string' ORDER BY e.n",
                      1, params, error);
      if (result == NULL)
        return NULL;

      for (int i = 0; i < PQntuples (result); i++)
        g_strv_builder_add (builder, PQgetvalue (result, i, 0));
    }

  return g_strv_builder_end (builder);
}

static GArray *
marks_list (DwStore  *store,
            gint64    ticket_id,
            GError  **error)
{
  g_autofree char *id = int_param (ticket_id);
  const char *params[] = { id };
  g_autoptr(PGresult) result = NULL;
  GArray *marks;

  result = query (store,
                  "SELECT created_at, author_kind, NULL, 0, id FROM comments "
                  "WHERE ticket_id = $1 AND (author_kind = 'customer' "
                  "                          OR (author_kind = 'agent' AND public <> 0)) "
                  "UNION ALL "
                  "SELECT at, NULL, after::json #>> '{}', 1, id FROM audit "
                  "WHERE entity = 'ticket' AND entity_id = $1 AND field = 'status' "
                  "ORDER BY 1, 4, 5", 1, params, error);
  if (result == NULL)
    return NULL;

  marks = g_array_new (FALSE, TRUE, sizeof (DwStoreSlaMark));
  g_array_set_clear_func (marks, mark_clear);
  for (int i = 0; i < PQntuples (result); i++)
    {
      DwStoreSlaMark mark = {
        value_int (result, i, 0),
        value_dup (result, i, 1),
        value_dup (result, i, 2),
      };

      g_array_append_val (marks, mark);
    }

  return marks;
}

static GArray *
lead_ids (DwStore  *store,
          gint64    team_id,
          GError  **error)
{
  g_autofree char *team = int_param (team_id);
  const char *params[] = { team };
  g_autoptr(PGresult) result = NULL;

  result = query (store,
                  "SELECT m.user_id FROM team_members m JOIN users u ON u.id = m.user_id "
                  "WHERE m.team_id = $1 AND m.is_lead <> 0 AND u.disabled = 0 "
                  "ORDER BY m.user_id", 1, params, error);
  if (result == NULL)
    return NULL;

  return ids_from (result);
}

static gboolean
update (DwStore                 *store,
        const DwStoreSlaUpdate  *update,
        gboolean                *done,
        GError                 **error)
{
  g_autofree char *policy = id_param (update->policy_id);
  g_autofree char *next = id_param (update->next_sla_at);
  g_autofree char *id = int_param (update->ticket_id);
  const char *params[] = { update->sla, update->sla_state, policy, next, id, update->old_sla };
  g_autoptr(PGresult) result = NULL;

  *done = FALSE;
  result = query (store,
                  "UPDATE tickets SET sla = $1, sla_state = $2, sla_policy_id = $3, "
                  "       next_sla_at = $4 WHERE id = $5 AND sla IS NOT DISTINCT FROM $6",
                  G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return FALSE;

  *done = atoi (PQcmdTuples (result)) > 0;
  return TRUE;
}

static gboolean
escalate (DwStore     *store,
          gint64       ticket_id,
          gint64       from_level,
          const char  *priority,
          gint64       now,
          gboolean    *done,
          GError     **error)
{
  g_autofree char *at = int_param (now);
  g_autofree char *id = int_param (ticket_id);
  g_autofree char *level = int_param (from_level);
  const char *params[] = { priority, at, id, level };
  g_autoptr(PGresult) result = NULL;

  *done = FALSE;
  result = query (store,
                  "UPDATE tickets SET priority = $1, escalation_level = escalation_level + 1, "
                  "       version = version + 1, updated_at = $2 "
                  "WHERE id = $3 AND escalation_level = $4",
                  G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return FALSE;

  *done = atoi (PQcmdTuples (result)) > 0;
  return TRUE;
}

static gboolean
earliest_due (DwStore  *store,
              gint64   *at,
              GError  **error)
{
  g_autoptr(PGresult) result = NULL;

  *at = 0;
  result = query (store, "SELECT min (next_sla_at) FROM tickets WHERE next_sla_at IS NOT NULL",
                  0, NULL, error);
  if (result == NULL)
    return FALSE;

  *at = value_int (result, 0, 0);
  return TRUE;
}

static GArray *
due_list (DwStore  *store,
          gint64    now,
          guint     limit,
          GError  **error)
{
  g_autofree char *by = int_param (now);
  g_autofree char *n = int_param (limit);
  const char *params[] = { by, n };
  g_autoptr(PGresult) result = NULL;

  result = query (store,
                  "SELECT id FROM tickets WHERE next_sla_at IS NOT NULL "
                  "AND next_sla_at <= $1 ORDER BY next_sla_at, id LIMIT $2",
                  G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return NULL;

  return ids_from (result);
}

const DwStoreSlaOps dw_pg_sla_ops = {
  .ticket_load = ticket_load,
  .calendar_for_team = calendar_for_team,
  .policies_key = policies_key,
  .policies_list = policies_list,
  .customer_tags = customer_tags,
  .marks_list = marks_list,
  .lead_ids = lead_ids,
  .update = update,
  .escalate = escalate,
  .earliest_due = earliest_due,
  .due_list = due_list,
};
