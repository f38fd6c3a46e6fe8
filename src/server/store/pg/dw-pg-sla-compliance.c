/* dw-pg-sla-compliance.c: the compliance operations of store/dw-store-sla.h on PostgreSQL.
 *
 * One statement text whatever the filter: the teams and their windows go in as arrays, the
 * filters that are off as 0 or NULL.  Same rows as dw-sqlite-sla-compliance.c; a page is one
 * query (the ticket's columns come with the outcome row).
 */
#define G_LOG_DOMAIN "dw-store"

#include "config.h"

#include "dw-store.h"
#include "store/dw-store-sla.h"
#include "store/pg/dw-pg-json.h"
#include "store/pg/dw-pg-ops.h"

/* $1 team ids, $2 $3 the overall bounds, $4 per team (0/1) with $5 $6 the windows' bounds
 * (in $1's order), $7 policy, $8 assignee. */
#define OUTCOME_FROM \
  " FROM audit a JOIN tickets t ON t.id = a.entity_id" \
  " WHERE a.action = 'sla' AND a.entity = 'ticket'" \
  " AND (a.after::json #>> '{}') IN ('met', 'breached')" \
  " AND t.team_id = ANY ($1::bigint[]) AND a.at >= $2::bigint AND a.at < $3::bigint" \
  " AND ($4::bigint = 0 OR EXISTS (SELECT 1 FROM unnest ($1::bigint[], $5::bigint[]," \
  " $6::bigint[]) AS w (team_id, w_from, w_to) WHERE w.team_id = t.team_id" \
  " AND a.at >= w.w_from AND a.at < w.w_to))" \
  " AND ($7::bigint = 0 OR t.sla_policy_id = $7::bigint)" \
  " AND ($8::bigint = 0 OR t.assignee_id = $8::bigint)"

#define N_FILTER_PARAMS 8

typedef struct
{
  char *text[N_FILTER_PARAMS];
} FilterParams;

static void
filter_params_clear (FilterParams *params)
{
  for (guint i = 0; i < N_FILTER_PARAMS; i++)
    g_clear_pointer (&params->text[i], g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FilterParams, filter_params_clear)

static char *
array_text (const DwStoreSlaOutcomeFilter *filter,
            gsize                          offset)
{
  GString *text = g_string_new ("{");

  for (guint i = 0; i < filter->n_teams; i++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "",
                            G_STRUCT_MEMBER (gint64, &filter->teams[i], offset));
  g_string_append_c (text, '}');
  return g_string_free (text, FALSE);
}

static void
filter_params_init (FilterParams                  *params,
                    const DwStoreSlaOutcomeFilter *filter)
{
  params->text[0] = array_text (filter, G_STRUCT_OFFSET (DwStoreSlaWindow, team_id));
  params->text[1] = dw_pg_int_new (filter->from);
  params->text[2] = dw_pg_int_new (filter->to);
  params->text[3] = dw_pg_int_new (filter->per_team ? 1 : 0);
  params->text[4] = array_text (filter, G_STRUCT_OFFSET (DwStoreSlaWindow, from));
  params->text[5] = array_text (filter, G_STRUCT_OFFSET (DwStoreSlaWindow, to));
  params->text[6] = dw_pg_int_new (MAX (filter->policy_id, 0));
  params->text[7] = dw_pg_int_new (MAX (filter->assignee_id, 0));
}

static GArray *
teams (DwStore  *store,
       gint64    team_id,
       GError  **error)
{
  g_autoptr(PGresult) result = NULL;
  DwPgInt id;
  const char *params[] = { dw_pg_int (&id, team_id) };
  GArray *rows;

  result = dw_pg_store_query (store,
                              "SELECT m.id, m.name, k.timezone FROM teams m "
                              "LEFT JOIN calendars k ON k.id = m.calendar_id "
                              "WHERE $1::bigint = 0 OR m.id = $1::bigint ORDER BY m.id",
                              1, params, error);
  if (result == NULL)
    return NULL;

  rows = g_array_new (FALSE, TRUE, sizeof (DwStoreSlaTeam));
  g_array_set_clear_func (rows, dw_store_sla_team_clear);
  for (int i = 0; i < PQntuples (result); i++)
    {
      DwStoreSlaTeam row = { dw_pg_get_int (result, i, 0), dw_pg_get_strdup (result, i, 1),
                             dw_pg_get_strdup (result, i, 2) };

      g_array_append_val (rows, row);
    }

  return rows;
}

static GArray *
policies (DwStore  *store,
          gint64    policy_id,
          GError  **error)
{
  g_autoptr(PGresult) result = NULL;
  DwPgInt id;
  const char *params[] = { dw_pg_int (&id, policy_id) };
  GArray *rows;

  result = dw_pg_store_query (store,
                              "SELECT p.id, p.name FROM sla_policies p "
                              "WHERE $1::bigint = 0 OR p.id = $1::bigint "
                              "ORDER BY p.position, p.id", 1, params, error);
  if (result == NULL)
    return NULL;

  rows = g_array_new (FALSE, TRUE, sizeof (DwStoreSlaPolicyName));
  g_array_set_clear_func (rows, dw_store_sla_policy_name_clear);
  for (int i = 0; i < PQntuples (result); i++)
    {
      DwStoreSlaPolicyName row = { dw_pg_get_int (result, i, 0), dw_pg_get_strdup (result, i, 1) };

      g_array_append_val (rows, row);
    }

  return rows;
}

static gboolean
outcomes_scan (DwStore                        *store,
               const DwStoreSlaOutcomeFilter  *filter,
               DwStoreSlaOutcomeFunc           func,
               gpointer                        user_data,
               GError                        **error)
{
  g_auto(FilterParams) params = { { NULL } };
  g_autoptr(PGresult) result = NULL;

  filter_params_init (&params, filter);
  result = dw_pg_store_query (store,
                              "SELECT t.team_id, coalesce (t.sla_policy_id, 0), a.field, "
                              "a.after::json #>> '{}', a.at" OUTCOME_FROM,
                              N_FILTER_PARAMS, (const char * const *) params.text, error);
  if (result == NULL)
    return FALSE;

  for (int i = 0; i < PQntuples (result); i++)
    {
      DwStoreSlaOutcome row = { 0 };

      row.team_id = dw_pg_get_int (result, i, 0);
      row.policy_id = dw_pg_get_int (result, i, 1);
      row.target = (char *) dw_pg_get_text (result, i, 2);
      row.outcome = (char *) dw_pg_get_text (result, i, 3);
      row.at = dw_pg_get_int (result, i, 4);
      func (&row, user_data);
    }

  return TRUE;
}

static GArray *
outcomes_page (DwStore                        *store,
               const DwStoreSlaOutcomeFilter  *filter,
               gboolean                       *more,
               GError                        **error)
{
  g_auto(FilterParams) params = { { NULL } };
  g_autoptr(PGresult) result = NULL;
  DwPgInt before, limit;
  const char *all[N_FILTER_PARAMS + 4];
  GArray *rows;
  int n;

  *more = FALSE;
  filter_params_init (&params, filter);
  for (guint i = 0; i < N_FILTER_PARAMS; i++)
    all[i] = params.text[i];
  all[N_FILTER_PARAMS] = filter->target;
  all[N_FILTER_PARAMS + 1] = filter->outcome;
  all[N_FILTER_PARAMS + 2] = dw_pg_int (&before, MAX (filter->before_id, 0));
  all[N_FILTER_PARAMS + 3] = dw_pg_int (&limit, (gint64) filter->limit + 1);

  /* The ticket's columns first: dw_pg_json_ticket reads them from column 0. */
  result = dw_pg_store_query (store,
                              "SELECT " DW_PG_JSON_TICKET_COLUMNS ", a.id, a.at, a.field, "
                              "a.after::json #>> '{}'" OUTCOME_FROM
                              " AND ($9::text IS NULL OR a.field = $9::text)"
                              " AND ($10::text IS NULL OR (a.after::json #>> '{}') = $10::text)"
                              " AND ($11::bigint = 0 OR a.id < $11::bigint)"
                              " ORDER BY a.id DESC LIMIT $12::bigint",
                              G_N_ELEMENTS (all), all, error);
  if (result == NULL)
    return NULL;

  rows = g_array_new (FALSE, TRUE, sizeof (DwStoreSlaOutcome));
  g_array_set_clear_func (rows, dw_store_sla_outcome_clear);
  n = PQntuples (result);
  for (int i = 0; i < n && (guint) i < filter->limit; i++)
    {
      int c = PQnfields (result) - 4;
      DwStoreSlaOutcome row = { 0 };

      row.audit_id = dw_pg_get_int (result, i, c);
      row.at = dw_pg_get_int (result, i, c + 1);
      row.target = dw_pg_get_strdup (result, i, c + 2);
      row.outcome = dw_pg_get_strdup (result, i, c + 3);
      row.ticket_id = dw_pg_get_int (result, i, 0);
      row.ticket = dw_pg_json_ticket (result, i);
      g_array_append_val (rows, row);
    }

  *more = (guint) n > filter->limit;
  return rows;
}

static GArray *
timeline_marks (DwStore  *store,
                gint64    ticket_id,
                GError  **error)
{
  g_autoptr(PGresult) result = NULL;
  DwPgInt id;
  const char *params[] = { dw_pg_int (&id, ticket_id) };
  GArray *rows;

  /* SQLite's ORDER BY 1 left same-second rows in id order; here the ties are explicit. */
  result = dw_pg_store_query (store,
                              "SELECT a.at, 0, a.field, a.after::json #>> '{}', a.id FROM audit a "
                              "WHERE a.entity = 'ticket' AND a.entity_id = $1::bigint "
                              "AND a.action = 'sla' "
                              "UNION ALL "
                              "SELECT a.at, 1, a.field, a.after::json #>> '{}', a.id FROM audit a "
                              "WHERE a.entity = 'ticket' AND a.entity_id = $1::bigint "
                              "AND a.field = 'status' AND a.action <> 'sla' "
                              "UNION ALL "
                              "SELECT c.created_at, 2, NULL, NULL, c.id FROM comments c "
                              "WHERE c.ticket_id = $1::bigint AND c.author_kind = 'agent' "
                              "AND c.public <> 0 "
                              "ORDER BY 1, 2, 5", 1, params, error);
  if (result == NULL)
    return NULL;

  rows = g_array_new (FALSE, TRUE, sizeof (DwStoreSlaTimelineMark));
  g_array_set_clear_func (rows, dw_store_sla_timeline_mark_clear);
  for (int i = 0; i < PQntuples (result); i++)
    {
      DwStoreSlaTimelineMark row = { dw_pg_get_int (result, i, 0),
                                     (int) dw_pg_get_int (result, i, 1),
                                     dw_pg_get_strdup (result, i, 2),
                                     dw_pg_get_strdup (result, i, 3) };

      g_array_append_val (rows, row);
    }

  return rows;
}

const DwStoreSlaComplianceOps dw_pg_sla_compliance_ops = {
  .teams = teams,
  .policies = policies,
  .outcomes_scan = outcomes_scan,
  .outcomes_page = outcomes_page,
  .timeline_marks = timeline_marks,
};
