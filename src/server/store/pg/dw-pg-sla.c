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
#include "store/pg/dw-pg-ops.h"
#include "store/pg/dw-pg-store.h"

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
      gint64 id = dw_pg_get_int (result, i, 0);

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
  g_autofree char *id = dw_pg_int_new (ticket_id);
  const char *params[] = { id };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
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

  row->id = dw_pg_get_int (result, 0, 0);
  row->priority = dw_pg_get_strdup (result, 0, 1);
  row->status = dw_pg_get_strdup (result, 0, 2);
  row->channel = dw_pg_get_strdup (result, 0, 3);
  row->business_type = dw_pg_get_strdup (result, 0, 4);
  row->team_id = dw_pg_get_int (result, 0, 5);
  row->assignee_id = dw_pg_get_int (result, 0, 6);
  row->customer_id = dw_pg_get_int (result, 0, 7);
  row->created_at = dw_pg_get_int (result, 0, 8);
  row->policy_id = dw_pg_get_int (result, 0, 9);
  row->sla = dw_pg_get_strdup (result, 0, 10);
  row->next_sla_at = dw_pg_get_int (result, 0, 11);
  row->escalation_level = dw_pg_get_int (result, 0, 12);
  return TRUE;
}

static gboolean
calendar_for_team (DwStore             *store,
                   gint64               team_id,
                   DwStoreSlaCalendar  *row,
                   gboolean            *found,
                   GError             **error)
{
  g_autofree char *team = dw_pg_int_new (team_id);
  const char *params[] = { team };
  g_autoptr(PGresult) result = NULL;

  *found = FALSE;
  result = dw_pg_store_query (store,
    "SELECT k.id, k.name, k.timezone, k.week, k.holidays, k.workdays "
    "FROM calendars k LEFT JOIN teams m ON m.calendar_id = k.id AND m.id = $1 "
    "ORDER BY m.id IS NULL, k.id LIMIT 1", 1, params, error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    return TRUE;

  *found = TRUE;
  row->id = dw_pg_get_int (result, 0, 0);
  row->name = dw_pg_get_strdup (result, 0, 1);
  row->timezone = dw_pg_get_strdup (result, 0, 2);
  row->week = dw_pg_get_strdup (result, 0, 3);
  row->holidays = dw_pg_get_strdup (result, 0, 4);
  row->workdays = dw_pg_get_strdup (result, 0, 5);
  return TRUE;
}

static char *
policies_key (DwStore  *store,
              GError  **error)
{
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "SELECT coalesce (json_agg (json_build_array (" DW_STORE_SLA_POLICY_COLUMNS ")"
    "                           ORDER BY p.position, p.id)::text, '[]') "
    "FROM sla_policies p", 0, NULL, error);
  if (result == NULL)
    return NULL;

  return dw_pg_get_strdup (result, 0, 0);
}

/* Other instances change the policies and calendars too, and asking the server for a version
 * would be a round trip like the reads it saves: none, and the engine reads the rows again on
 * each refresh (comparing their text, so it parses them again only when they changed). */
static gboolean
config_version (DwStore *store,
                guint64 *version)
{
  return FALSE;
}

static GArray *
policies_list (DwStore  *store,
               GError  **error)
{
  g_autoptr(PGresult) result = NULL;
  GArray *policies;

  result = dw_pg_store_query (store,
                              "SELECT " DW_STORE_SLA_POLICY_COLUMNS
                              " FROM sla_policies p ORDER BY p.position, p.id", 0, NULL, error);
  if (result == NULL)
    return NULL;

  policies = g_array_new (FALSE, TRUE, sizeof (DwStoreSlaPolicy));
  g_array_set_clear_func (policies, policy_clear);
  for (int i = 0; i < PQntuples (result); i++)
    {
      DwStoreSlaPolicy policy = {
        .id = dw_pg_get_int (result, i, 0),
        .name = dw_pg_get_strdup (result, i, 1),
        .position = dw_pg_get_int (result, i, 2),
        .match_priorities = dw_pg_get_strdup (result, i, 3),
        .match_tags = dw_pg_get_strdup (result, i, 4),
        .match_channels = dw_pg_get_strdup (result, i, 5),
        .match_business_types = dw_pg_get_strdup (result, i, 6),
        .first_response_minutes = PQgetisnull (result, i, 7) ? -1 : dw_pg_get_int (result, i, 7),
        .next_response_minutes = PQgetisnull (result, i, 8) ? -1 : dw_pg_get_int (result, i, 8),
        .resolution_minutes = PQgetisnull (result, i, 9) ? -1 : dw_pg_get_int (result, i, 9),
        .at_risk_ratio = g_ascii_strtod (PQgetvalue (result, i, 10), NULL),
        .escalation = dw_pg_get_strdup (result, i, 11),
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
  g_autofree char *id = dw_pg_int_new (customer_id);
  const char *params[] = { id };
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (customer_id > 0)
    {
      result = dw_pg_store_query (store,
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
  g_autofree char *id = dw_pg_int_new (ticket_id);
  const char *params[] = { id };
  g_autoptr(PGresult) result = NULL;
  GArray *marks;

  result = dw_pg_store_query (store,
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
        dw_pg_get_int (result, i, 0),
        dw_pg_get_strdup (result, i, 1),
        dw_pg_get_strdup (result, i, 2),
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
  g_autofree char *team = dw_pg_int_new (team_id);
  const char *params[] = { team };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
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
  g_autofree char *policy = dw_pg_id_new (update->policy_id);
  g_autofree char *next = dw_pg_id_new (update->next_sla_at);
  g_autofree char *id = dw_pg_int_new (update->ticket_id);
  const char *params[] = { update->sla, update->sla_state, policy, next, id, update->old_sla };
  g_autoptr(PGresult) result = NULL;

  *done = FALSE;
  result = dw_pg_store_query (store,
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
  g_autofree char *at = dw_pg_int_new (now);
  g_autofree char *id = dw_pg_int_new (ticket_id);
  g_autofree char *level = dw_pg_int_new (from_level);
  const char *params[] = { priority, at, id, level };
  g_autoptr(PGresult) result = NULL;

  *done = FALSE;
  result = dw_pg_store_query (store,
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
  result = dw_pg_store_query (store,
    "SELECT min (next_sla_at) FROM tickets WHERE next_sla_at IS NOT NULL",
    0, NULL, error);
  if (result == NULL)
    return FALSE;

  *at = dw_pg_get_int (result, 0, 0);
  return TRUE;
}

static GArray *
due_list (DwStore  *store,
          gint64    now,
          guint     limit,
          GError  **error)
{
  g_autofree char *by = dw_pg_int_new (now);
  g_autofree char *n = dw_pg_int_new (limit);
  const char *params[] = { by, n };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
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
  .config_version = config_version,
  .policies_list = policies_list,
  .customer_tags = customer_tags,
  .marks_list = marks_list,
  .lead_ids = lead_ids,
  .update = update,
  .escalate = escalate,
  .earliest_due = earliest_due,
  .due_list = due_list,
};
