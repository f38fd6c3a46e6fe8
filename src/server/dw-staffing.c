/* dw-staffing.c: the staffing day (forecast, required, scheduled, online) and adherence. */
#define G_LOG_DOMAIN "dw-staffing"

#include "config.h"

#include "dw-staffing.h"

#include <math.h>
#include <string.h>

#include "dw-adherence.h"
#include "dw-calendar.h"
#include "dw-clock.h"
#include "dw-desk.h"
#include "dw-desk-roster.h"
#include "dw-erlang.h"
#include "dw-forecast.h"
#include "dw-json.h"
#include "dw-roster-rules.h"
#include "dw-store.h"
#include "store/dw-store-people.h"
#include "store/dw-store-staffing.h"

#define N_INTERVALS 48
#define FORECAST_DAYS 6
#define AHT_WINDOW (28 * 86400)
#define AHT_REPLY_CAP (20 * 60)
#define AHT_DEFAULT 600
#define ADHERENCE_GRACE (5 * 60)
#define OFF_SHIFT_GRACE (15 * 60)

/* Live channels wait on a line (Erlang C); the others are worked from a backlog. */
static const char * const live_channels[] = { "wechat", "weibo", "phone", NULL };

typedef struct
{
  gint64      id;
  DwCalendar *calendar;
  GTimeZone  *tz;
  double      target_sl;
  double      target_time;
  double      max_occupancy;
  double      ticket_occupancy;
  double      shrinkage;
} Team;

static void
team_clear (Team *team)
{
  g_clear_object (&team->calendar);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Team, team_clear)

static gboolean
load_team (DwStore  *store,
           gint64    team_id,
           Team     *team,
           GError  **error)
{
  DwStoreStaffingTeam row = { 0 };
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) calendar = NULL;

  if (!dw_store_staffing_team_load (store, team_id, &row, &local_error))
    {
      if (g_error_matches (local_error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND))
        g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND, "no team %" G_GINT64_FORMAT,
                     team_id);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  team->id = team_id;
  team->target_sl = row.target_service_level;
  team->target_time = row.target_answer_seconds;
  team->max_occupancy = row.max_occupancy;
  team->ticket_occupancy = row.ticket_occupancy;
  team->shrinkage = row.shrinkage;

  calendar = dw_store_calendar_load_json (store, row.calendar_id, error);
  if (calendar == NULL || (team->calendar = dw_calendar_new_from_json (calendar, error)) == NULL)
    return FALSE;
  team->tz = dw_calendar_get_time_zone (team->calendar);
  return TRUE;
}

static gboolean
leads (DwPrincipal *actor,
       gint64       team_id)
{
  return actor == NULL || actor->role == DW_ROLE_ADMIN
         || (actor->role == DW_ROLE_LEAD && dw_principal_leads_team (actor, team_id));
}

static gboolean
read_day (Team        *team,
          const char  *date,
          gint64      *midnight,
          GError     **error)
{
  if (!dw_roster_parse_date (team->tz, date, midnight))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "date: expected a date YYYY-MM-DD, got \"%s\"", date != NULL ? date : "");
      return FALSE;
    }
  return TRUE;
}

/* Handle time */

/* The handle time is read over four weeks of tickets and their messages (0.4 s for a team of
 * 500 with 3,000 tickets a day): a figure that moves by the day is kept for a minute. */
#define AHT_CACHE_USEC (60 * G_USEC_PER_SEC)
#define AHT_CACHE_SIZE 32

typedef struct
{
  gpointer conn;       /* the store's connection */
  gint64   team_id;
  gint64   computed;   /* monotonic */
  double   seconds;
} CachedHandleTime;

static CachedHandleTime aht_cache[AHT_CACHE_SIZE];

static double handle_time (DwStore  *store,
                           gint64    team_id,
                           gint64    now,
                           GError  **error);

static double
handle_time_cached (DwStore  *store,
                    gint64    team_id,
                    gint64    now,
                    GError  **error)
{
  CachedHandleTime *slot = &aht_cache[team_id % AHT_CACHE_SIZE];
  gint64 clock = g_get_monotonic_time ();

  if (slot->conn == store->conn && slot->team_id == team_id
      && clock - slot->computed < AHT_CACHE_USEC)
    return slot->seconds;

  slot->seconds = handle_time (store, team_id, now, error);
  if (slot->seconds < 0)
    {
      slot->conn = NULL;
      return -1;
    }
  slot->conn = store->conn;
  slot->team_id = team_id;
  slot->computed = clock;
  return slot->seconds;
}

typedef struct
{
  gint64   ticket;
  gint64   previous;
  gint64   total;
  guint    tickets;
  gboolean counted;
} HandleTime;

static void
handle_time_row (const DwStoreHandleTimeRow *row,
                 gpointer                    data)
{
  HandleTime *h = data;

  if (row->ticket_id != h->ticket)
    {
      h->ticket = row->ticket_id;
      h->previous = row->ticket_created_at;
      h->counted = FALSE;
    }
  if (g_str_equal (row->author_kind, "agent") && row->public)
    {
      h->total += CLAMP (row->created_at - h->previous, 0, AHT_REPLY_CAP);
      if (!h->counted)
        h->tickets++;
      h->counted = TRUE;
    }
  if (row->public)
    h->previous = row->created_at;
}

static double
handle_time (DwStore  *store,
             gint64    team_id,
             gint64    now,
             GError  **error)
{
  HandleTime h = { 0 };

  if (!dw_store_staffing_handle_time_rows (store, team_id, now - AHT_WINDOW, now,
                                           handle_time_row, &h, error))
    return -1;
  return h.tickets > 0 ? (double) h.total / h.tickets : AHT_DEFAULT;
}

double
dw_staffing_handle_time (DwStore  *store,
                         gint64    team_id,
                         gint64    now,
                         GError  **error)
{
  return handle_time (store, team_id, now, error);
}

/* Arrivals */

typedef struct
{
  double *live;
  double *other;
} Arrivals;

static void
count_arrival (guint       interval,
               const char *channel,
               gint64      count,
               gpointer    data)
{
  Arrivals *arrivals = data;

  if (interval >= N_INTERVALS)
    return;
  if (g_strv_contains (live_channels, channel))
    arrivals->live[interval] += count;
  else
    arrivals->other[interval] += count;
}

/* Tickets created in [from, from + N_INTERVALS · interval), per interval, live and ticket
 * channels apart. */
static gboolean
count_arrivals (DwStore  *store,
                gint64    team_id,
                gint64    from,
                double   *live,
                double   *other,
                GError  **error)
{
  Arrivals arrivals = { live, other };

  memset (live, 0, N_INTERVALS * sizeof (double));
  memset (other, 0, N_INTERVALS * sizeof (double));
  return dw_store_staffing_arrivals (store, team_id, from, DW_STAFFING_INTERVAL, N_INTERVALS,
                                     count_arrival, &arrivals, error);
}

/* Roster and presence */

typedef struct
{
  gint64  user_id;
  gint64  starts_at;
  gint64  ends_at;
  GArray *breaks;   /* gint64 pairs */
} Shift;

static void
shift_clear (gpointer data)
{
  g_clear_pointer (&((Shift *) data)->breaks, g_array_unref);
}

typedef struct
{
  DwStore    *store;
  Team       *team;
  GArray     *shifts;
  GHashTable *weeks;   /* week start → published: many shifts share a week */
} PublishedShifts;

static void
published_shift (const DwStoreStaffingShift *row,
                 gpointer                    data)
{
  PublishedShifts *p = data;
  Shift shift = { row->user_id, row->starts_at, row->ends_at,
                  g_array_new (FALSE, FALSE, sizeof (gint64)) };
  g_autoptr(JsonNode) breaks = json_from_string (row->breaks, NULL);
  gint64 week = dw_roster_week_start (p->team->tz, shift.starts_at);
  gpointer known;

  if (!g_hash_table_lookup_extended (p->weeks, &week, NULL, &known))
    {
      gint64 published_at;

      known = GINT_TO_POINTER (g_str_equal (dw_roster_week_state (p->store, p->team->id, week,
                                                                  &published_at),
                                            "published"));
      g_hash_table_insert (p->weeks, g_memdup2 (&week, sizeof week), known);
    }
  if (!GPOINTER_TO_INT (known))
    {
      shift_clear (&shift);
      return;
    }
  for (guint b = 0; breaks != NULL && b < json_array_get_length (json_node_get_array (breaks)); b++)
    {
      JsonArray *pair = json_array_get_array_element (json_node_get_array (breaks), b);
      gint64 s = json_array_get_int_element (pair, 0), e = json_array_get_int_element (pair, 1);

      g_array_append_val (shift.breaks, s);
      g_array_append_val (shift.breaks, e);
    }
  g_array_append_val (p->shifts, shift);
}

/* Published shifts of the team overlapping [from, to), less what absences take away. */
static GArray *
published_shifts (DwStore  *store,
                  Team     *team,
                  gint64    user_id,   /* 0: all */
                  gint64    from,
                  gint64    to,
                  GError  **error)
{
  g_autoptr(GArray) shifts = g_array_new (FALSE, TRUE, sizeof (Shift));
  g_autoptr(GHashTable) weeks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  PublishedShifts p = { store, team, shifts, weeks };

  g_array_set_clear_func (shifts, shift_clear);
  if (!dw_store_staffing_shifts (store, team->id, user_id, from, to, published_shift, &p, error))
    return NULL;
  return g_steal_pointer (&shifts);
}

static gboolean
working_at (const Shift *shift,
            gint64       t)
{
  if (t < shift->starts_at || t >= shift->ends_at)
    return FALSE;
  for (guint b = 0; b + 1 < shift->breaks->len; b += 2)
    if (g_array_index (shift->breaks, gint64, b) <= t && t < g_array_index (shift->breaks, gint64, b + 1))
      return FALSE;
  return TRUE;
}

typedef struct
{
  gint64     user_id;
  char      *name;
  DwPresence initial;  /* before the window */
  GArray    *marks;    /* of DwPresenceMark within the window */
  DwPresence now;
} Agent;

static void
agent_clear (gpointer data)
{
  Agent *agent = data;

  g_clear_pointer (&agent->name, g_free);
  g_clear_pointer (&agent->marks, g_array_unref);
}

static DwPresence
parse_presence (const char *text)
{
  int value = DW_PRESENCE_OFFLINE;

  dw_enum_from_string (DW_TYPE_PRESENCE, text, &value);
  return value;
}

static void
add_agent (const DwStoreStaffingAgent *row,
           gpointer                    data)
{
  Agent agent = {
    .user_id = row->user_id,
    .name = g_strdup (row->display_name),
    .initial = DW_PRESENCE_OFFLINE,
    .marks = g_array_new (FALSE, FALSE, sizeof (DwPresenceMark)),
    .now = parse_presence (row->presence),
  };

  g_array_append_val ((GArray *) data, agent);
}

static void
add_mark (guint       index,
          gboolean    before,
          gint64      at,
          const char *presence,
          gpointer    data)
{
  Agent *agent = &g_array_index ((GArray *) data, Agent, index);

  if (before)
    agent->initial = parse_presence (presence);
  else
    {
      DwPresenceMark mark = { at, parse_presence (presence) };

      g_array_append_val (agent->marks, mark);
    }
}

/* The team's agents (or one) with their presence timeline over [from, to). */
static GArray *
team_agents (DwStore  *store,
             gint64    team_id,
             gint64    user_id,
             gint64    from,
             gint64    to,
             GError  **error)
{
  g_autoptr(GArray) agents = g_array_new (FALSE, TRUE, sizeof (Agent));
  g_autofree gint64 *ids = NULL;

  g_array_set_clear_func (agents, agent_clear);
  if (!dw_store_staffing_agents (store, team_id, user_id, add_agent, agents, error))
    return NULL;
  ids = g_new (gint64, MAX (agents->len, 1));
  for (guint a = 0; a < agents->len; a++)
    ids[a] = g_array_index (agents, Agent, a).user_id;
  if (!dw_store_staffing_presence (store, ids, agents->len, from, to, add_mark, agents, error))
    return NULL;
  return g_steal_pointer (&agents);
}

static DwPresence
presence_at (const Agent *agent,
             gint64       t)
{
  DwPresence p = agent->initial;

  for (guint i = 0; i < agent->marks->len; i++)
    {
      const DwPresenceMark *mark = &g_array_index (agent->marks, DwPresenceMark, i);

      if (mark->at > t)
        break;
      p = mark->presence;
    }
  return p;
}

/* The staffing day */

static guint
required_agents (Team   *team,
                 double  live,
                 double  other,
                 double  aht,
                 double  target_sl,
                 double  target_time)
{
  DwStaffing l = { 0 }, t = { 0 };
  double agents;

  if (live > 0 && !dw_erlang_required (live, DW_STAFFING_INTERVAL, aht, target_sl, target_time,
                                       0, team->max_occupancy, &l, NULL))
    return 0;
  if (other > 0 && !dw_workload_required (other, DW_STAFFING_INTERVAL, aht,
                                          team->ticket_occupancy, 0, &t, NULL))
    return 0;

  agents = (double) l.agents + t.agents;
  return (guint) ceil (agents / (1.0 - team->shrinkage) - 1e-9);
}

JsonObject *
dw_staffing_day (DwStore                   *store,
                 DwPrincipal               *actor,
                 gint64                     team_id,
                 const char                *date,
                 gint64                     now,
                 const DwStaffingOverrides *overrides,
                 GError                   **error)
{
  g_auto(Team) team = { 0 };
  g_autoptr(GArray) days = NULL;
  g_autoptr(GArray) shifts = NULL;
  g_autoptr(GArray) agents = NULL;
  g_autoptr(JsonObject) result = json_object_new ();
  g_autoptr(JsonObject) targets = json_object_new ();
  g_autoptr(JsonArray) intervals = json_array_new ();
  g_autofree double *history = NULL;
  g_autofree double *history_other = NULL;
  double forecast_live[N_INTERVALS], forecast_other[N_INTERVALS];
  double actual_live[N_INTERVALS], actual_other[N_INTERVALS];
  double backlog = 0, aht, target_sl, target_time, factor;
  gint64 midnight, day_end;
  g_autofree char *date_text = NULL;

  if (!load_team (store, team_id, &team, error) || !read_day (&team, date, &midnight, error))
    return NULL;
  if (!leads (actor, team_id))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                   "only a lead of team %" G_GINT64_FORMAT " or an admin may read its staffing",
                   team_id);
      return NULL;
    }
  day_end = midnight + N_INTERVALS * DW_STAFFING_INTERVAL;

  aht = overrides != NULL && overrides->aht > 0 ? overrides->aht
                                                 : handle_time_cached (store, team_id, now, error);
  if (aht < 0)
    return NULL;
  target_sl = overrides != NULL && overrides->target_sl > 0 ? overrides->target_sl : team.target_sl;
  target_time = overrides != NULL && overrides->target_time >= 0 ? overrides->target_time
                                                                 : team.target_time;
  factor = overrides != NULL && overrides->forecast_factor > 0 ? overrides->forecast_factor : 1.0;

  /* forecast from the days like this one, never from the day itself or later */
  days = dw_forecast_pick_days (team.calendar, midnight, FORECAST_DAYS,
                                dw_store_staffing_first_ticket_at (store, team_id));
  history = g_new0 (double, MAX (days->len, 1) * N_INTERVALS);
  history_other = g_new0 (double, MAX (days->len, 1) * N_INTERVALS);
  for (guint d = 0; d < days->len; d++)
    if (!count_arrivals (store, team_id, g_array_index (days, DwForecastDay, d).midnight,
                         history + d * N_INTERVALS, history_other + d * N_INTERVALS, error))
      return NULL;
  dw_forecast_combine ((DwForecastDay *) days->data, days->len, history, N_INTERVALS,
                       forecast_live);
  dw_forecast_combine ((DwForecastDay *) days->data, days->len, history_other, N_INTERVALS,
                       forecast_other);
  if (!count_arrivals (store, team_id, midnight, actual_live, actual_other, error))
    return NULL;

  shifts = published_shifts (store, &team, 0, midnight, day_end, error);
  agents = team_agents (store, team_id, 0, midnight, day_end, error);
  if (shifts == NULL || agents == NULL)
    return NULL;

  for (guint i = 0; i < N_INTERVALS; i++)
    {
      gint64 start = midnight + i * DW_STAFFING_INTERVAL;
      gint64 end = start + DW_STAFFING_INTERVAL;
      gint64 middle = start + DW_STAFFING_INTERVAL / 2;
      gboolean open = dw_calendar_business_seconds_between (team.calendar, start, end) > 0;
      double live = forecast_live[i] * factor;
      double other = forecast_other[i] * factor;
      guint required = 0, scheduled = 0;
      JsonObject *interval = json_object_new ();

      /* Tickets that arrive while the team is closed wait for it to open; a customer on a live
       * channel does not wait that long. */
      if (!open)
        backlog += other;
      else
        {
          required = required_agents (&team, live, other + backlog, aht, target_sl, target_time);
          backlog = 0;
        }

      for (guint s = 0; s < shifts->len; s++)
        scheduled += working_at (&g_array_index (shifts, Shift, s), middle);

      dw_json_set_time_or_null (interval, "start", start);
      dw_json_set_time_or_null (interval, "end", end);
      json_object_set_boolean_member (interval, "open", open);
      json_object_set_double_member (interval, "forecast", round ((live + other) * 100) / 100);
      json_object_set_int_member (interval, "required", required);
      json_object_set_int_member (interval, "scheduled", scheduled);
      json_object_set_int_member (interval, "gap", (gint64) scheduled - (gint64) required);
      if (start <= now)
        {
          /* the interval under way counts who is online now */
          gint64 at = end > now ? now : middle;
          guint online = 0;

          for (guint a = 0; a < agents->len; a++)
            online += presence_at (&g_array_index (agents, Agent, a), at) == DW_PRESENCE_ONLINE;
          json_object_set_int_member (interval, "actual", (gint64) (actual_live[i] + actual_other[i]));
          json_object_set_int_member (interval, "online", online);
        }
      else
        {
          json_object_set_null_member (interval, "actual");
          json_object_set_null_member (interval, "online");
        }
      json_array_add_object_element (intervals, interval);
    }

  json_object_set_double_member (targets, "service_level", target_sl);
  json_object_set_int_member (targets, "answer_seconds", (gint64) target_time);
  json_object_set_double_member (targets, "max_occupancy", team.max_occupancy);
  json_object_set_double_member (targets, "ticket_occupancy", team.ticket_occupancy);
  json_object_set_double_member (targets, "shrinkage", team.shrinkage);

  date_text = dw_roster_format_date (team.tz, midnight);
  json_object_set_int_member (result, "team_id", team_id);
  json_object_set_string_member (result, "date", date_text);
  json_object_set_string_member (result, "timezone", dw_calendar_get_timezone (team.calendar));
  json_object_set_int_member (result, "interval_minutes", DW_STAFFING_INTERVAL / 60);
  dw_json_set_time_or_null (result, "now", now);
  json_object_set_int_member (result, "aht_seconds", (gint64) round (aht));
  json_object_set_double_member (result, "forecast_factor", factor);
  json_object_set_int_member (result, "forecast_days", days->len);
  json_object_set_object_member (result, "targets", g_steal_pointer (&targets));
  json_object_set_array_member (result, "intervals", g_steal_pointer (&intervals));
  return g_steal_pointer (&result);
}

/* Adherence */

JsonObject *
dw_staffing_adherence (DwStore      *store,
                       DwPrincipal  *actor,
                       gint64        team_id,
                       const char   *date,
                       gint64        now,
                       GError      **error)
{
  g_auto(Team) team = { 0 };
  g_autoptr(GArray) agents = NULL;
  g_autoptr(JsonObject) result = json_object_new ();
  g_autoptr(JsonArray) items = json_array_new ();
  g_autofree char *date_text = NULL;
  gint64 midnight, day_end, until, only = 0;

  if (!load_team (store, team_id, &team, error) || !read_day (&team, date, &midnight, error))
    return NULL;
  if (!leads (actor, team_id))
    {
      if (!dw_principal_in_team (actor, team_id))
        {
          g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                       "only the team's lead, an admin or its agents (each for itself) may "
                       "read adherence");
          return NULL;
        }
      only = actor->user_id;
    }

  day_end = midnight + N_INTERVALS * DW_STAFFING_INTERVAL;
  until = CLAMP (now, midnight, day_end);
  agents = team_agents (store, team_id, only, midnight, day_end, error);
  if (agents == NULL)
    return NULL;

  for (guint a = 0; a < agents->len; a++)
    {
      Agent *agent = &g_array_index (agents, Agent, a);
      g_autoptr(GArray) shifts = published_shifts (store, &team, agent->user_id, midnight, day_end,
                                                   error);
      g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (DwAdherenceShift));
      JsonObject *item = json_object_new ();
      JsonArray *exceptions = json_array_new ();
      DwAdherence adherence;
      gboolean on_shift = FALSE;

      if (shifts == NULL)
        {
          json_object_unref (item);
          json_array_unref (exceptions);
          return NULL;
        }
      for (guint s = 0; s < shifts->len; s++)
        {
          Shift *shift = &g_array_index (shifts, Shift, s);
          DwAdherenceShift span = { shift->starts_at, shift->ends_at,
                                    (const gint64 *) shift->breaks->data, shift->breaks->len / 2 };

          g_array_append_val (spans, span);
          on_shift = on_shift || working_at (shift, now);
        }

      dw_adherence_compute ((DwAdherenceShift *) spans->data, spans->len, agent->initial,
                            (DwPresenceMark *) agent->marks->data, agent->marks->len, midnight,
                            until, ADHERENCE_GRACE, OFF_SHIFT_GRACE, &adherence);

      for (guint e = 0; e < adherence.exceptions->len; e++)
        {
          DwAdherenceException *x = &g_array_index (adherence.exceptions, DwAdherenceException, e);
          JsonObject *exception = json_object_new ();

          json_object_set_string_member (exception, "kind", dw_adherence_kind_to_string (x->kind));
          dw_json_set_time_or_null (exception, "from", x->from);
          dw_json_set_time_or_null (exception, "to", x->to);
          json_object_set_int_member (exception, "minutes", (x->to - x->from) / 60);
          json_array_add_object_element (exceptions, exception);
        }

      json_object_set_int_member (item, "user_id", agent->user_id);
      json_object_set_string_member (item, "display_name", agent->name);
      json_object_set_int_member (item, "scheduled_minutes", adherence.scheduled / 60);
      json_object_set_int_member (item, "adherent_minutes", adherence.adherent / 60);
      if (adherence.scheduled > 0)
        json_object_set_double_member (item, "adherence",
                                       round (1000.0 * adherence.adherent / adherence.scheduled) / 1000);
      else
        json_object_set_null_member (item, "adherence");
      json_object_set_string_member (item, "presence", dw_presence_to_string (agent->now));
      json_object_set_boolean_member (item, "on_shift", on_shift);
      json_object_set_boolean_member (item, "off_schedule",
                                      now >= midnight && now < day_end
                                      && on_shift != (agent->now == DW_PRESENCE_ONLINE));
      json_object_set_array_member (item, "exceptions", exceptions);
      json_array_add_object_element (items, item);
      dw_adherence_clear (&adherence);
    }

  date_text = dw_roster_format_date (team.tz, midnight);
  json_object_set_int_member (result, "team_id", team_id);
  json_object_set_string_member (result, "date", date_text);
  dw_json_set_time_or_null (result, "now", now);
  json_object_set_array_member (result, "agents", g_steal_pointer (&items));
  return g_steal_pointer (&result);
}

gboolean
dw_staffing_adherence_seconds (DwStore      *store,
                               gint64        team_id,
                               const gint64 *user_ids,
                               guint         n_users,
                               const gint64 *bounds,
                               guint         n_windows,
                               gint64        until,
                               gint64       *scheduled,
                               gint64       *adherent,
                               GError      **error)
{
  g_auto(Team) team = { 0 };
  g_autoptr(GArray) agents = NULL;
  g_autoptr(GArray) shifts = NULL;
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (DwAdherenceShift));

  g_return_val_if_fail (n_windows > 0, FALSE);

  memset (scheduled, 0, sizeof (gint64) * n_users * n_windows);
  memset (adherent, 0, sizeof (gint64) * n_users * n_windows);
  if (n_users == 0)
    return TRUE;
  if (!load_team (store, team_id, &team, error))
    return FALSE;
  /* the whole team's roster at once; no roster, no presence to read */
  shifts = published_shifts (store, &team, 0, bounds[0], bounds[n_windows], error);
  if (shifts == NULL)
    return FALSE;
  if (shifts->len == 0)
    return TRUE;
  agents = team_agents (store, team_id, 0, bounds[0], bounds[n_windows], error);
  if (agents == NULL)
    return FALSE;

  for (guint u = 0; u < n_users; u++)
    {
      DwPresence initial = DW_PRESENCE_OFFLINE;
      const DwPresenceMark *marks = NULL;
      guint n_marks = 0;

      g_array_set_size (spans, 0);
      for (guint s = 0; s < shifts->len; s++)
        {
          Shift *shift = &g_array_index (shifts, Shift, s);
          DwAdherenceShift span = { shift->starts_at, shift->ends_at,
                                    (const gint64 *) shift->breaks->data, shift->breaks->len / 2 };

          if (shift->user_id == user_ids[u])
            g_array_append_val (spans, span);
        }
      if (spans->len == 0)
        continue;
      for (guint a = 0; a < agents->len; a++)
        {
          Agent *agent = &g_array_index (agents, Agent, a);

          if (agent->user_id == user_ids[u])
            {
              initial = agent->initial;
              marks = (const DwPresenceMark *) agent->marks->data;
              n_marks = agent->marks->len;
            }
        }

      for (guint w = 0; w < n_windows; w++)
        {
          DwAdherence adherence;

          dw_adherence_compute ((DwAdherenceShift *) spans->data, spans->len, initial, marks,
                                n_marks, bounds[w], MIN (bounds[w + 1], until), ADHERENCE_GRACE,
                                OFF_SHIFT_GRACE, &adherence);
          scheduled[u * n_windows + w] = adherence.scheduled;
          adherent[u * n_windows + w] = adherence.adherent;
          dw_adherence_clear (&adherence);
        }
    }
  return TRUE;
}
