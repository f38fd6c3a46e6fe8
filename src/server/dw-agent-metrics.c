/* dw-agent-metrics.c: agent facts read incrementally from the audit trail, and the figures of a
 * period counted from them. */
#define G_LOG_DOMAIN "dw-agents"

#include "config.h"

#include "dw-agent-metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dw-calendar.h"
#include "dw-clock.h"
#include "dw-desk.h"
#include "dw-roster-rules.h"
#include "dw-staffing.h"
#include "dw-store.h"
#include "store/dw-store-agents.h"
#include "store/dw-store-people.h"
#include "store/dw-store-tx.h"

/* Reading the trail */

typedef struct
{
  gint64   created_at;
  gint64   team_id;
  gint64   assignee_id;
  gint64   solver_id;
  gboolean active;
  gboolean dirty;
} TicketState;

typedef struct
{
  DwStore      *store;
  GHashTable   *tickets;    /* ticket id → TicketState */
  GHashTable   *calendars;  /* team id → DwCalendar */
  GArray       *facts;      /* DwStoreAgentFact not written yet, in their order */
  gint64        deadline;   /* monotonic microseconds, 0: none */
  guint         n;          /* rows read */
  gboolean      stopped;    /* at the deadline, before the end */
  gboolean      failed;     /* a row could not be read (even if the caller wants no error) */
} Reader;

static void
reader_clear (Reader *reader)
{
  g_clear_pointer (&reader->tickets, g_hash_table_unref);
  g_clear_pointer (&reader->calendars, g_hash_table_unref);
  g_clear_pointer (&reader->facts, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reader, reader_clear)

/* An audit value as stored: JSON text, a number or a string. */
static gint64
value_id (const char *json)
{
  return json != NULL && g_ascii_isdigit (*json) ? g_ascii_strtoll (json, NULL, 10) : 0;
}

static gboolean
value_is (const char *json,
          const char *string)
{
  gsize n = strlen (string);

  return json != NULL && json[0] == '"' && strncmp (json + 1, string, n) == 0
         && json[n + 1] == '"' && json[n + 2] == '\0';
}

static TicketState *
ticket_state (Reader *reader,
              gint64  ticket_id)
{
  TicketState *state = g_hash_table_lookup (reader->tickets, &ticket_id);
  DwStoreFactTicket stored = { .active = TRUE };

  if (state != NULL)
    return state;

  state = g_new0 (TicketState, 1);
  /* a ticket not read before starts active with nothing known */
  dw_store_agent_fact_ticket_get (reader->store, ticket_id, &stored, NULL);
  state->created_at = stored.created_at;
  state->team_id = stored.team_id;
  state->assignee_id = stored.assignee_id;
  state->solver_id = stored.solver_id;
  state->active = stored.active;
  g_hash_table_insert (reader->tickets, g_memdup2 (&ticket_id, sizeof ticket_id), state);
  return state;
}

static DwCalendar *
team_calendar (Reader *reader,
               gint64  team_id)
{
  DwCalendar *calendar = g_hash_table_lookup (reader->calendars, &team_id);
  g_autoptr(JsonObject) object = NULL;
  gint64 calendar_id;

  if (calendar != NULL || team_id <= 0)
    return calendar;

  if (!dw_store_agent_team_calendar (reader->store, team_id, &calendar_id, NULL)
      || (object = dw_store_calendar_load_json (reader->store, calendar_id, NULL)) == NULL
      || (calendar = dw_calendar_new_from_json (object, NULL)) == NULL)
    return NULL;
  g_hash_table_insert (reader->calendars, g_memdup2 (&team_id, sizeof team_id), calendar);
  return calendar;
}

/* Facts written in batches (dw_store_agent_facts_insert): one statement for many. */
#define FACTS_PER_BATCH 512

static gboolean
write_facts (Reader  *reader,
             GError **error)
{
  gboolean ok = dw_store_agent_facts_insert (reader->store,
                                             (const DwStoreAgentFact *) reader->facts->data,
                                             reader->facts->len, error);

  g_array_set_size (reader->facts, 0);
  return ok;
}

/* @fact's strings are the reader's own or interned: the audit row's go with its callback. */
static gboolean
append_fact (Reader                  *reader,
             const DwStoreAgentFact  *fact,
             GError                 **error)
{
  g_array_append_vals (reader->facts, fact, 1);
  return reader->facts->len < FACTS_PER_BATCH || write_facts (reader, error);
}

static gboolean
add_fact (Reader       *reader,
          gint64        audit_id,
          gint64        at,
          gint64        user_id,
          TicketState  *state,
          gint64        ticket_id,
          const char   *kind,
          const char   *target,
          gboolean      timed,
          gint64        replies,
          GError      **error)
{
  DwStoreAgentFact fact = {
    .audit_id = audit_id,
    .at = at,
    .user_id = user_id,
    .team_id = state->team_id,
    .ticket_id = ticket_id,
    .kind = kind,
    .target = target,
    .replies = replies,
  };

  if (user_id <= 0)
    return TRUE;

  if (timed && state->created_at > 0)
    {
      DwCalendar *calendar = team_calendar (reader, state->team_id);

      fact.timed = TRUE;
      fact.calendar_seconds = MAX (0, at - state->created_at);
      fact.business_seconds = calendar != NULL
                              ? dw_calendar_business_seconds_between (calendar, state->created_at,
                                                                      at)
                              : fact.calendar_seconds;
    }
  return append_fact (reader, &fact, error);
}

/* The agent's load moves by @delta: an active ticket became or stopped being its. */
static gboolean
add_load (Reader      *reader,
          gint64       audit_id,
          gint64       at,
          gint64       user_id,
          TicketState *state,
          gint64       ticket_id,
          int          delta,
          GError     **error)
{
  DwStoreAgentFact fact = { .audit_id = audit_id, .at = at, .user_id = user_id,
                            .team_id = state->team_id, .ticket_id = ticket_id, .kind = "load",
                            .delta = delta, .replies = -1 };

  if (user_id <= 0)
    return TRUE;
  return append_fact (reader, &fact, error);
}

static gboolean
is_active_value (const char *json)
{
  return value_is (json, "new") || value_is (json, "open") || value_is (json, "pending")
         || value_is (json, "on-hold");
}

/* A change of a user's capacity (migration 008).  OR REPLACE: a reader that starts again from
 * an older watermark meets the same rows again. */
static gboolean
read_capacity_row (Reader                 *reader,
                   const DwStoreAuditRow  *row,
                   GError                **error)
{
  return dw_store_agent_capacity_put (reader->store, row->id, row->entity_id, row->at,
                                      value_id (row->before), value_id (row->after), error);
}

/* One audit row of a ticket: what it changes of the ticket's state, and the fact it makes. */
static gboolean
read_row (Reader                 *reader,
          const DwStoreAuditRow  *row,
          GError                **error)
{
  gint64 audit_id = row->id;
  gint64 at = row->at;
  gint64 actor = row->actor_id;
  gint64 ticket_id = row->entity_id;
  const char *action = row->action;
  const char *field = row->field;
  const char *before = row->before;
  const char *after = row->after;
  TicketState *state = ticket_state (reader, ticket_id);

  state->dirty = TRUE;

  if (g_str_equal (action, "created"))
    {
      state->created_at = at;
      state->active = TRUE;
      return TRUE;
    }

  if (g_str_equal (field, "team_id"))
    {
      state->team_id = value_id (after);
      return TRUE;
    }

  if (g_str_equal (field, "assignee_id"))
    {
      gint64 before_id = state->assignee_id;

      state->assignee_id = value_id (after);
      if (state->active && before_id != state->assignee_id
          && (!add_load (reader, audit_id, at, before_id, state, ticket_id, -1, error)
              || !add_load (reader, audit_id, at, state->assignee_id, state, ticket_id, +1, error)))
        return FALSE;
      /* routed, assigned by hand, or handed on: the ticket is now the agent's */
      return add_fact (reader, audit_id, at, state->assignee_id, state, ticket_id, "assigned",
                       NULL, FALSE, -1, error);
    }

  if (g_str_equal (action, "updated") && g_str_equal (field, "first_response_at")
      && after != NULL && !g_str_equal (after, "null"))
    return add_fact (reader, audit_id, at, actor > 0 ? actor : state->assignee_id, state,
                     ticket_id, "first-response", NULL, TRUE, -1, error);

  if (g_str_equal (action, "updated") && g_str_equal (field, "status"))
    {
      gboolean active = is_active_value (after);

      if (active != state->active
          && !add_load (reader, audit_id, at, state->assignee_id, state, ticket_id,
                        active ? +1 : -1, error))
        return FALSE;
      state->active = active;

      if (value_is (after, "solved"))
        {
          /* the ticket's agent solved it, whoever pressed the button */
          gint64 solver = state->assignee_id > 0 ? state->assignee_id : actor;

          state->solver_id = solver;
          return add_fact (reader, audit_id, at, solver, state, ticket_id, "solved", NULL, TRUE,
                           dw_store_agent_replies_count (reader->store, ticket_id, solver, at),
                           error);
        }
      if (value_is (before, "solved") && !value_is (after, "closed"))
        return add_fact (reader, audit_id, at, state->solver_id, state, ticket_id, "reopened",
                         NULL, FALSE, -1, error);
      return TRUE;
    }

  if (g_str_equal (action, "sla") && (value_is (after, "met") || value_is (after, "breached")))
    return add_fact (reader, audit_id, at, state->assignee_id, state, ticket_id,
                     value_is (after, "met") ? "sla-met" : "sla-breached",
                     g_intern_string (field), FALSE, -1,
                     error);

  return TRUE;
}

static gboolean
flush_states (Reader  *reader,
              GError **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) states = g_array_new (FALSE, FALSE, sizeof (DwStoreFactTicket));
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, reader->tickets);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      TicketState *state = value;
      DwStoreFactTicket stored;

      if (!state->dirty)
        continue;
      stored = (DwStoreFactTicket) {
        .created_at = state->created_at,
        .team_id = state->team_id,
        .assignee_id = state->assignee_id,
        .solver_id = state->solver_id,
        .active = state->active,
      };
      g_array_append_vals (ids, key, 1);
      g_array_append_val (states, stored);
    }
  return dw_store_agent_fact_tickets_put (reader->store, (const gint64 *) ids->data,
                                          (const DwStoreFactTicket *) states->data, ids->len,
                                          error);
}

/* Rows read between two looks at the clock: a look is cheap, a row takes microseconds. */
#define ROWS_PER_CLOCK_LOOK 256

static gboolean
read_audit_row (const DwStoreAuditRow  *row,
                gpointer                data,
                GError                **error)
{
  Reader *reader = data;

  reader->n++;
  if (row->is_capacity ? !read_capacity_row (reader, row, error)
                       : !read_row (reader, row, error))
    {
      reader->failed = TRUE;
      return FALSE;
    }
  if (reader->deadline > 0 && reader->n % ROWS_PER_CLOCK_LOOK == 0
      && g_get_monotonic_time () >= reader->deadline)
    {
      reader->stopped = TRUE;
      return FALSE;
    }
  return TRUE;
}

/* Reads the trail the facts have not read yet (dw_store_agent_audit_read_unread, which moves
 * the facts' position past each row it gives).  With a @deadline (monotonic microseconds, 0:
 * none) it stops at the first look at the clock past it and clears *@done; whatever state a
 * ticket is left in is stored (agent_fact_tickets), so the next call goes on exactly where this
 * one stopped. */
static gboolean
catch_up_locked (DwStore   *store,
                 gint64     deadline,
                 gboolean  *done,
                 GError   **error)
{
  g_auto(Reader) reader = { 0 };

  reader.store = store;
  reader.tickets = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  reader.calendars = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  reader.facts = g_array_sized_new (FALSE, FALSE, sizeof (DwStoreAgentFact), FACTS_PER_BATCH);
  reader.deadline = deadline;
  if (!dw_store_agent_audit_read_unread (store, read_audit_row, &reader, error) || reader.failed)
    return FALSE;
  if (done != NULL)
    *done = !reader.stopped;

  if (reader.n == 0)
    return TRUE;

  return write_facts (&reader, error) && flush_states (&reader, error);
}

gboolean
dw_agent_facts_catch_up (DwStore  *store,
                         GError  **error)
{
  return dw_agent_facts_catch_up_for (store, 0, NULL, error);
}

gboolean
dw_agent_facts_catch_up_for (DwStore   *store,
                             guint      budget_ms,
                             gboolean  *done,
                             GError   **error)
{
  /* A deadlock or serialization failure (another instance's write on the same tickets'
   * agent_fact_tickets rows, say) wrote nothing once rolled back; the reader's state is the
   * call's own, so running it again reads from the position the winner left
   * (dw_store_tx_retry).  A lock held elsewhere past lock_timeout is not run again here: the
   * caller tries later. */
  for (guint attempt = 1; ; attempt++)
    {
      g_autoptr(GError) local = NULL;
      gint64 deadline = budget_ms > 0 ? g_get_monotonic_time () + budget_ms * (gint64) 1000
                                      : 0;

      if (!dw_store_tx_begin (store, error))
        return FALSE;
      if (catch_up_locked (store, deadline, done, &local) && dw_store_tx_commit (store, &local))
        return TRUE;

      dw_store_tx_rollback (store);
      if (!dw_store_tx_retry (attempt, &local))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
    }
}

gboolean
dw_agent_facts_rebuild (DwStore  *store,
                        GError  **error)
{
  for (guint attempt = 1; ; attempt++)
    {
      g_autoptr(GError) local = NULL;

      if (!dw_store_tx_begin (store, error))
        return FALSE;
      if (dw_store_agent_facts_clear (store, &local)
          && catch_up_locked (store, 0, NULL, &local) && dw_store_tx_commit (store, &local))
        return TRUE;

      dw_store_tx_rollback (store);
      if (!dw_store_tx_retry (attempt, &local))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
    }
}

/* The figures */

/* Whole local days of the team's calendar ending today. */
static void
period_window (DwCalendar *calendar,
               const char *period,
               gint64      now,
               gint64     *from,
               gint64     *to)
{
  GTimeZone *tz = dw_calendar_get_time_zone (calendar);
  gint64 today = dw_roster_day_start (tz, now);
  int days = 1;

  if (period != NULL && g_str_equal (period, "7d"))
    days = 7;
  else if (period != NULL && g_str_equal (period, "30d"))
    days = 30;
  *from = dw_roster_day_start (tz, today - (days - 1) * 86400 + 12 * 3600);
  *to = dw_roster_day_start (tz, today + 36 * 3600);
}

/* The team's calendar id; DW_DESK_ERROR_NOT_FOUND for an unknown team. */
static gboolean
team_calendar_id (DwStore  *store,
                  gint64    team_id,
                  gint64   *calendar_id,
                  GError  **error)
{
  g_autoptr(GError) local = NULL;

  if (dw_store_agent_team_calendar (store, team_id, calendar_id, &local))
    return TRUE;
  if (g_error_matches (local, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND))
    g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND, "no team %" G_GINT64_FORMAT,
                 team_id);
  else
    g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

static DwCalendar *
calendar_new (DwStore  *store,
              gint64    calendar_id,
              GError  **error)
{
  g_autoptr(JsonObject) calendar_json = dw_store_calendar_load_json (store, calendar_id, error);

  return calendar_json != NULL ? dw_calendar_new_from_json (calendar_json, error) : NULL;
}

gboolean
dw_agent_metrics_window (DwStore     *store,
                         gint64       team_id,
                         const char  *period,
                         gint64       now,
                         gint64      *from,
                         gint64      *to,
                         GError     **error)
{
  g_autoptr(DwCalendar) calendar = NULL;
  gint64 calendar_id;

  if (!team_calendar_id (store, team_id, &calendar_id, error)
      || (calendar = calendar_new (store, calendar_id, error)) == NULL)
    return FALSE;
  if (*from == 0 && *to == 0)
    period_window (calendar, period, now, from, to);
  return dw_agent_facts_catch_up (store, error);
}

typedef struct
{
  gint64  user_id;
  char   *name;
  gint64  assigned, solved, reopened, one_touch, replies;
  gint64  sla_met[3], sla_breached[3];
  GArray *frt, *frt_business, *resolution, *resolution_business;  /* gint64 seconds */
  gint64  csat_sum, csat_responses, csat_high, surveys_issued, surveys_answered;
  gint64  online_seconds, occupied_seconds, load_seconds, capacity_seconds;
  gint64  scheduled_seconds, adherent_seconds;
} Figures;

static const char * const sla_targets[] = { "first-response", "next-response", "resolution" };

static void
figures_clear (gpointer data)
{
  Figures *f = data;

  g_free (f->name);
  g_clear_pointer (&f->frt, g_array_unref);
  g_clear_pointer (&f->frt_business, g_array_unref);
  g_clear_pointer (&f->resolution, g_array_unref);
  g_clear_pointer (&f->resolution_business, g_array_unref);
}

static gint
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Nearest rank: the smallest value with at least @p of the values at or below it. */
static gboolean
percentile (GArray *values,
            double  p,
            gint64 *out)
{
  gsize rank;

  if (values->len == 0)
    return FALSE;
  g_array_sort (values, compare_int64);
  rank = (gsize) ceil (p * values->len);
  *out = g_array_index (values, gint64, MAX (rank, 1) - 1);
  return TRUE;
}

static void
set_share (JsonObject *object,
           const char *member,
           gint64      part,
           gint64      whole)
{
  if (whole > 0)
    json_object_set_double_member (object, member, round (1000.0 * part / whole) / 1000);
  else
    json_object_set_null_member (object, member);
}

static void
set_percentile (JsonObject *object,
                const char *member,
                GArray     *values,
                double      p)
{
  gint64 value;

  if (percentile (values, p, &value))
    json_object_set_int_member (object, member, value);
  else
    json_object_set_null_member (object, member);
}

static JsonObject *
times_json (GArray *calendar,
            GArray *business)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "count", calendar->len);
  set_percentile (object, "median_seconds", calendar, 0.5);
  set_percentile (object, "p90_seconds", calendar, 0.9);
  set_percentile (object, "median_business_seconds", business, 0.5);
  set_percentile (object, "p90_business_seconds", business, 0.9);
  return object;
}

static JsonObject *
figures_json (Figures *f)
{
  JsonObject *object = json_object_new ();
  JsonObject *sla = json_object_new ();
  JsonObject *csat = json_object_new ();

  json_object_set_int_member (object, "user_id", f->user_id);
  json_object_set_string_member (object, "display_name", f->name);
  json_object_set_int_member (object, "assigned", f->assigned);
  json_object_set_int_member (object, "solved", f->solved);
  json_object_set_int_member (object, "reopened", f->reopened);
  set_share (object, "reopen_rate", f->reopened, f->solved);
  json_object_set_object_member (object, "first_response", times_json (f->frt, f->frt_business));
  json_object_set_object_member (object, "resolution",
                                 times_json (f->resolution, f->resolution_business));
  if (f->solved > 0)
    json_object_set_double_member (object, "replies_per_solved",
                                   round (100.0 * f->replies / f->solved) / 100);
  else
    json_object_set_null_member (object, "replies_per_solved");
  json_object_set_int_member (object, "one_touch", f->one_touch);
  set_share (object, "one_touch_share", f->one_touch, f->solved);

  for (guint t = 0; t < G_N_ELEMENTS (sla_targets); t++)
    {
      JsonObject *target = json_object_new ();

      json_object_set_int_member (target, "met", f->sla_met[t]);
      json_object_set_int_member (target, "breached", f->sla_breached[t]);
      set_share (target, "share", f->sla_met[t], f->sla_met[t] + f->sla_breached[t]);
      json_object_set_object_member (sla, sla_targets[t], target);
    }
  json_object_set_object_member (object, "sla", sla);

  json_object_set_int_member (csat, "responses", f->csat_responses);
  if (f->csat_responses > 0)
    json_object_set_double_member (csat, "average",
                                   round (100.0 * f->csat_sum / f->csat_responses) / 100);
  else
    json_object_set_null_member (csat, "average");
  set_share (csat, "share_4_5", f->csat_high, f->csat_responses);
  json_object_set_int_member (csat, "issued", f->surveys_issued);
  set_share (csat, "response_rate", f->surveys_answered, f->surveys_issued);
  json_object_set_object_member (object, "csat", csat);

  json_object_set_int_member (object, "online_seconds", f->online_seconds);
  set_share (object, "occupancy", f->occupied_seconds, f->online_seconds);
  set_share (object, "utilization", f->load_seconds, f->capacity_seconds);
  set_share (object, "adherence", f->adherent_seconds, f->scheduled_seconds);
  return object;
}

static Figures
figures_new (gint64      user_id,
             const char *name)
{
  Figures f = {
    .user_id = user_id,
    .name = g_strdup (name),
    .frt = g_array_new (FALSE, FALSE, sizeof (gint64)),
    .frt_business = g_array_new (FALSE, FALSE, sizeof (gint64)),
    .resolution = g_array_new (FALSE, FALSE, sizeof (gint64)),
    .resolution_business = g_array_new (FALSE, FALSE, sizeof (gint64)),
  };

  return f;
}

/* Where the rows of one pass over the window go: the agents' figures of the whole window and,
 * for the daily series, of each local day (the day's bounds computed once, not per row). */
typedef struct
{
  GArray       *agents;  /* Figures of the window */
  GHashTable   *index;   /* &user_id → its position in @agents plus one */
  const gint64 *bounds;  /* n_days + 1 starts of the days, the last the window's end; or NULL */
  guint         n_days;
  GArray       *days;    /* Figures of agent i on day d at d * agents->len + i; or NULL */
} Counts;

/* The index is built once the agents are all in (it points into @agents).  A user listed twice
 * counts in its first place, as the linear scan it replaces did. */
static GHashTable *
agents_index_new (GArray *agents)
{
  GHashTable *index = g_hash_table_new (g_int64_hash, g_int64_equal);

  for (guint i = 0; i < agents->len; i++)
    {
      gint64 *user_id = &g_array_index (agents, Figures, i).user_id;

      if (!g_hash_table_contains (index, user_id))
        g_hash_table_insert (index, user_id, GUINT_TO_POINTER (i + 1));
    }
  return index;
}

/* The agent's figures of the window, and of the day of @at in *@day (NULL without a series). */
static Figures *
figures_for (Counts  *counts,
             gint64   user_id,
             gint64   at,
             Figures **day)
{
  guint i = GPOINTER_TO_UINT (g_hash_table_lookup (counts->index, &user_id));
  guint lo = 0, hi = counts->n_days;

  *day = NULL;
  if (i == 0)
    return NULL;
  i--;
  if (counts->days != NULL && counts->n_days > 0 && at >= counts->bounds[0]
      && at < counts->bounds[counts->n_days])
    {
      /* the last day that starts at or before @at */
      while (hi - lo > 1)
        {
          guint mid = lo + (hi - lo) / 2;

          if (counts->bounds[mid] <= at)
            lo = mid;
          else
            hi = mid;
        }
      *day = &g_array_index (counts->days, Figures, lo * counts->agents->len + i);
    }
  return &g_array_index (counts->agents, Figures, i);
}

static void
add_fact_row (Figures    *f,
              const char *kind,
              const char *target,
              gint64      calendar,
              gint64      business,
              gint64      replies)
{
  if (g_str_equal (kind, "assigned"))
    f->assigned++;
  else if (g_str_equal (kind, "first-response"))
    {
      g_array_append_val (f->frt, calendar);
      g_array_append_val (f->frt_business, business);
    }
  else if (g_str_equal (kind, "solved"))
    {
      f->solved++;
      f->replies += replies;
      f->one_touch += replies == 1;
      g_array_append_val (f->resolution, calendar);
      g_array_append_val (f->resolution_business, business);
    }
  else if (g_str_equal (kind, "reopened"))
    f->reopened++;
  else
    for (guint t = 0; t < G_N_ELEMENTS (sla_targets); t++)
      if (g_str_equal (target, sla_targets[t]))
        {
          if (g_str_equal (kind, "sla-met"))
            f->sla_met[t]++;
          else
            f->sla_breached[t]++;
        }
}

static void
count_fact_row (const DwStoreAgentFactRow *row,
                gpointer                   data)
{
  Figures *day;
  Figures *f = figures_for (data, row->user_id, row->at, &day);

  if (f == NULL)
    return;
  add_fact_row (f, row->kind, row->target, row->calendar_seconds, row->business_seconds,
                row->replies);
  if (day != NULL)
    add_fact_row (day, row->kind, row->target, row->calendar_seconds, row->business_seconds,
                  row->replies);
}

static gboolean
count_facts (DwStore  *store,
             gint64    team_id,
             gint64    from,
             gint64    to,
             Counts   *counts,
             GError  **error)
{
  return dw_store_agent_facts_in_window (store, team_id, from, to, count_fact_row, counts, error);
}

static void
add_answer (Figures *f,
            int      rating)
{
  f->csat_sum += rating;
  f->csat_responses++;
  f->csat_high += rating >= 4;
}

static void
add_issued (Figures  *f,
            gboolean  answered)
{
  f->surveys_issued++;
  f->surveys_answered += answered;
}

/* CSAT of the tickets each agent solved: answers given in the period (not voided), and the
 * surveys issued in the period with how many of them were answered. */
static void
count_answer (gint64   solver_id,
              int      rating,
              gint64   at,
              gpointer data)
{
  Figures *day;
  Figures *f = figures_for (data, solver_id, at, &day);

  if (f == NULL)
    return;
  add_answer (f, rating);
  if (day != NULL)
    add_answer (day, rating);
}

static void
count_issued (gint64   solver_id,
              int      answered,
              gint64   at,
              gpointer data)
{
  Figures *day;
  Figures *f = figures_for (data, solver_id, at, &day);

  if (f == NULL)
    return;
  add_issued (f, answered);
  if (day != NULL)
    add_issued (day, answered);
}

static gboolean
count_csat (DwStore  *store,
            gint64    team_id,
            gint64    from,
            gint64    to,
            Counts   *counts,
            GError  **error)
{
  return dw_store_agent_survey_answers (store, team_id, from, to, count_answer, counts, error)
         && dw_store_agent_surveys_issued (store, team_id, from, to, count_issued, counts, error);
}

typedef struct
{
  gint64 at;
  int    kind;   /* 0: presence (value 1 online, 0 not), 1: load delta, 2: capacity now */
  int    value;
} Mark;

static gint
compare_marks (gconstpointer a,
               gconstpointer b)
{
  const Mark *x = a, *y = b;

  return (x->at > y->at) - (x->at < y->at);
}

/* Over [from, until): seconds online, and of those the seconds with at least one active ticket
 * (occupancy), the load carried and the capacity offered (utilization: the load at each moment
 * against the capacity the agent had then). */
static void
add_mark (gint64                at,
          DwStoreAgentMarkKind  kind,
          int                   value,
          gpointer              data)
{
  Mark m = { at, kind, value };

  g_array_append_val ((GArray *) data, m);
}

static gboolean
count_time (DwStore  *store,
            gint64    from,
            gint64    until,
            Figures  *f,
            GError  **error)
{
  g_autoptr(GArray) marks = g_array_new (FALSE, FALSE, sizeof (Mark));
  DwStoreAgentTimeStart start;
  gboolean online = FALSE;
  gint64 load = 0, since = from, capacity_now = 0;

  if (until <= from)
    return TRUE;
  if (!dw_store_agent_time_marks (store, f->user_id, from, until, &start, add_mark, marks,
                                  error))
    return FALSE;
  online = start.online;
  load = start.load;
  capacity_now = start.capacity;

  /* stable: presence before load before capacity at the same second, as they were read */
  g_array_sort (marks, compare_marks);

  for (guint i = 0; i <= marks->len; i++)
    {
      gint64 at = i < marks->len ? g_array_index (marks, Mark, i).at : until;

      if (online && at > since)
        {
          f->online_seconds += at - since;
          if (load > 0)
            f->occupied_seconds += at - since;
          f->load_seconds += MAX (load, 0) * (at - since);
          f->capacity_seconds += MAX (capacity_now, 0) * (at - since);
        }
      since = MAX (since, at);
      if (i == marks->len)
        break;
      if (g_array_index (marks, Mark, i).kind == 0)
        online = g_array_index (marks, Mark, i).value;
      else if (g_array_index (marks, Mark, i).kind == 1)
        load += g_array_index (marks, Mark, i).value;
      else
        capacity_now = g_array_index (marks, Mark, i).value;
    }
  return TRUE;
}

static void
add_median (JsonObject *medians,
            const char *member,
            GArray     *values)
{
  set_percentile (medians, member, values, 0.5);
}

/* An agent worked in the period when it was online or took or solved a ticket.  One who did
 * not (off all week, on leave) has counts of 0 that are no performance: they would drag the
 * team's median of every count down. */
static gboolean
agent_worked (JsonObject *agent)
{
  return json_object_get_int_member_with_default (agent, "online_seconds", 0) > 0
         || json_object_get_int_member_with_default (agent, "assigned", 0) > 0
         || json_object_get_int_member_with_default (agent, "solved", 0) > 0;
}

/* The team's median of each figure, over its agents that worked in the period and have one. */
static JsonObject *
team_medians (JsonArray *agents)
{
  static const char * const paths[] = {
    "assigned", "solved", "reopened", "reopen_rate", "replies_per_solved", "one_touch",
    "one_touch_share", "online_seconds", "occupancy", "utilization", "adherence",
    "first_response.median_seconds",
    "first_response.p90_seconds", "first_response.median_business_seconds",
    "first_response.p90_business_seconds", "resolution.median_seconds",
    "resolution.p90_seconds", "resolution.median_business_seconds",
    "resolution.p90_business_seconds", "sla.first-response.share", "sla.next-response.share",
    "sla.resolution.share", "csat.average", "csat.share_4_5", "csat.response_rate", NULL
  };
  JsonObject *medians = json_object_new ();

  for (guint p = 0; paths[p] != NULL; p++)
    {
      g_auto(GStrv) parts = g_strsplit (paths[p], ".", -1);
      g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (gint64));
      gboolean shares = FALSE;

      for (guint a = 0; a < json_array_get_length (agents); a++)
        {
          JsonObject *o = json_array_get_object_element (agents, a);
          JsonNode *node;
          gint64 scaled;

          if (!agent_worked (o))
            continue;
          for (guint i = 0; parts[i + 1] != NULL && o != NULL; i++)
            o = json_object_get_object_member (o, parts[i]);
          node = o != NULL ? json_object_get_member (o, parts[g_strv_length (parts) - 1]) : NULL;
          if (node == NULL || JSON_NODE_HOLDS_NULL (node))
            continue;
          /* shares and averages kept to the thousandth through the integer median */
          shares = json_node_get_value_type (node) == G_TYPE_DOUBLE;
          scaled = shares ? (gint64) llround (json_node_get_double (node) * 1000)
                          : json_node_get_int (node);
          g_array_append_val (values, scaled);
        }

      if (!shares)
        add_median (medians, paths[p], values);
      else
        {
          gint64 median;

          if (percentile (values, 0.5, &median))
            json_object_set_double_member (medians, paths[p], median / 1000.0);
          else
            json_object_set_null_member (medians, paths[p]);
        }
    }
  return medians;
}

/* The starts of the local days of [@from, @to) (the first at @from), then @to.  The next day is
 * found 36 hours after this day's midnight, not after @from: from an afternoon that would be the
 * day after next. */
static GArray *
day_bounds_new (GTimeZone *tz,
                gint64     from,
                gint64     to)
{
  GArray *bounds = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (gint64 day = from; day < to;
       day = dw_roster_day_start (tz, dw_roster_day_start (tz, day) + 36 * 3600))
    g_array_append_val (bounds, day);
  g_array_append_val (bounds, to);
  return bounds;
}

/* Day by day (local days of the team calendar): a trend line per agent of the main figures,
 * from @days, counted in the same pass over the window's facts as the window's figures. */
static gboolean
add_daily (DwStore     *store,
           GTimeZone   *tz,
           gint64       team_id,
           GArray      *bounds,
           GArray      *days,
           gint64       now,
           GArray      *agents,
           JsonArray   *items,
           GError     **error)
{
  g_autoptr(GPtrArray) series = g_ptr_array_new ();
  g_autofree gint64 *scheduled = NULL;
  g_autofree gint64 *adherent = NULL;
  guint n_days = bounds->len - 1;

  for (guint i = 0; i < agents->len; i++)
    g_ptr_array_add (series, json_array_new ());

  /* adherence day by day: each agent's roster and presence read once for the whole window */
  scheduled = g_new0 (gint64, MAX (n_days, 1) * MAX (agents->len, 1));
  adherent = g_new0 (gint64, MAX (n_days, 1) * MAX (agents->len, 1));
  if (n_days > 0)
    {
      g_autofree gint64 *ids = g_new0 (gint64, MAX (agents->len, 1));

      for (guint i = 0; i < agents->len; i++)
        ids[i] = g_array_index (agents, Figures, i).user_id;
      if (!dw_staffing_adherence_seconds (store, team_id, ids, agents->len,
                                          (const gint64 *) bounds->data, n_days, now, scheduled,
                                          adherent, error))
        return FALSE;
    }

  for (guint d = 0; d < n_days; d++)
    {
      g_autofree char *date = dw_roster_format_date (tz, g_array_index (bounds, gint64, d));

      for (guint i = 0; i < agents->len; i++)
        {
          Figures *f = &g_array_index (days, Figures, d * agents->len + i);
          JsonObject *point = json_object_new ();
          gint64 met = 0, breached = 0;

          json_object_set_string_member (point, "date", date);
          json_object_set_int_member (point, "assigned", f->assigned);
          json_object_set_int_member (point, "solved", f->solved);
          json_object_set_int_member (point, "reopened", f->reopened);
          set_percentile (point, "first_response_median_seconds", f->frt, 0.5);
          set_percentile (point, "resolution_median_seconds", f->resolution, 0.5);
          for (guint t = 0; t < G_N_ELEMENTS (sla_targets); t++)
            {
              met += f->sla_met[t];
              breached += f->sla_breached[t];
            }
          set_share (point, "sla_share", met, met + breached);
          if (f->csat_responses > 0)
            json_object_set_double_member (point, "csat_average",
                                           round (100.0 * f->csat_sum / f->csat_responses) / 100);
          else
            json_object_set_null_member (point, "csat_average");
          set_share (point, "adherence", adherent[i * n_days + d], scheduled[i * n_days + d]);
          json_array_add_object_element (g_ptr_array_index (series, i), point);
        }
    }

  for (guint i = 0; i < agents->len; i++)
    json_object_set_array_member (json_array_get_object_element (items, i), "daily",
                                  g_ptr_array_index (series, i));
  return TRUE;
}

static void
add_member (gint64      user_id,
            const char *display_name,
            gpointer    data)
{
  Figures f = figures_new (user_id, display_name);

  g_array_append_val ((GArray *) data, f);
}

JsonObject *
dw_agent_metrics (DwStore      *store,
                  DwPrincipal  *actor,
                  gint64        team_id,
                  const char   *period,
                  gint64        from,
                  gint64        to,
                  gint64        now,
                  gboolean      daily,
                  GError      **error)
{
  g_autoptr(DwCalendar) calendar = NULL;
  gint64 calendar_id;
  g_autoptr(GArray) agents = g_array_new (FALSE, TRUE, sizeof (Figures));
  g_autoptr(JsonObject) result = json_object_new ();
  g_autoptr(JsonArray) items = json_array_new ();
  g_autoptr(GHashTable) index = NULL;
  g_autoptr(GArray) bounds = NULL;
  g_autoptr(GArray) days = NULL;
  Counts counts = { NULL, };
  gboolean lead;
  gint64 only = 0;

  g_array_set_clear_func (agents, figures_clear);

  if (!team_calendar_id (store, team_id, &calendar_id, error))
    return NULL;

  lead = actor == NULL || actor->role == DW_ROLE_ADMIN
         || (actor->role == DW_ROLE_LEAD && dw_principal_leads_team (actor, team_id));
  if (!lead)
    {
      if (!dw_principal_in_team (actor, team_id))
        {
          g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                       "only the team's lead, an admin or its agents (each its own) may read "
                       "its figures");
          return NULL;
        }
      only = actor->user_id;
    }

  calendar = calendar_new (store, calendar_id, error);
  if (calendar == NULL)
    return NULL;

  if (from == 0 && to == 0)
    period_window (calendar, period, now, &from, &to);

  if (!dw_agent_facts_catch_up (store, error))
    return NULL;

  if (!dw_store_agent_members (store, team_id, only, add_member, agents, error))
    return NULL;

  index = agents_index_new (agents);
  counts.agents = agents;
  counts.index = index;
  if (daily)
    {
      bounds = day_bounds_new (dw_calendar_get_time_zone (calendar), from, to);
      days = g_array_new (FALSE, TRUE, sizeof (Figures));
      g_array_set_clear_func (days, figures_clear);
      for (guint d = 0; d + 1 < bounds->len; d++)
        for (guint i = 0; i < agents->len; i++)
          {
            Figures f = figures_new (g_array_index (agents, Figures, i).user_id, NULL);

            g_array_append_val (days, f);
          }
      counts.bounds = (const gint64 *) bounds->data;
      counts.n_days = bounds->len - 1;
      counts.days = days;
    }
  /* one pass over the window's facts and surveys, for the window and each of its days */
  if (!count_facts (store, team_id, from, to, &counts, error)
      || !count_csat (store, team_id, from, to, &counts, error))
    return NULL;
  /* adherence: the team's roster and presence read once for all its agents */
  {
    gint64 window[2] = { from, to };
    g_autofree gint64 *ids = g_new0 (gint64, MAX (agents->len, 1));
    g_autofree gint64 *scheduled = g_new0 (gint64, MAX (agents->len, 1));
    g_autofree gint64 *adherent = g_new0 (gint64, MAX (agents->len, 1));

    for (guint i = 0; i < agents->len; i++)
      ids[i] = g_array_index (agents, Figures, i).user_id;
    if (!dw_staffing_adherence_seconds (store, team_id, ids, agents->len, window, 1, now,
                                        scheduled, adherent, error))
      return NULL;
    for (guint i = 0; i < agents->len; i++)
      {
        g_array_index (agents, Figures, i).scheduled_seconds = scheduled[i];
        g_array_index (agents, Figures, i).adherent_seconds = adherent[i];
      }
  }
  for (guint i = 0; i < agents->len; i++)
    {
      Figures *f = &g_array_index (agents, Figures, i);

      if (!count_time (store, from, MIN (to, now), f, error))
        return NULL;
      json_array_add_object_element (items, figures_json (f));
    }
  if (daily && !add_daily (store, dw_calendar_get_time_zone (calendar), team_id, bounds, days, now,
                           agents, items, error))
    return NULL;

  {
    g_autofree char *from_text = dw_time_to_iso8601 (from);
    g_autofree char *to_text = dw_time_to_iso8601 (to);

    json_object_set_int_member (result, "team_id", team_id);
    json_object_set_string_member (result, "timezone", dw_calendar_get_timezone (calendar));
    json_object_set_string_member (result, "from", from_text);
    json_object_set_string_member (result, "to", to_text);
  }
  /* an agent sees its own figures, not the team's */
  if (lead)
    json_object_set_object_member (result, "team_median", team_medians (items));
  json_object_set_array_member (result, "agents", g_steal_pointer (&items));
  return g_steal_pointer (&result);
}
