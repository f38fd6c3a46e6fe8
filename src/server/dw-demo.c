/* dw-demo.c: seeding the demo desk (calendar, teams, rules, policies, people, customers). */
#define G_LOG_DOMAIN "dw-demo"

#include "dw-demo.h"
#include "dw-demo-private.h"

#include "dw-routing.h"
#include "dw-store.h"
#include "store/dw-store-agents.h"
#include "store/dw-store-demo.h"
#include "store/dw-store-tx.h"

#include <time.h>

#define N_CUSTOMERS 2000

/* DW_DEMO_LEAD_PASSWORD hashed once (crypto_pwhash_str, interactive limits) rather than at every
 * start, where it took 80 ms of CPU before the desk could open.  The password is printed for
 * anyone to read, so a salt that never changes hides nothing; every demo user signs in with it
 * (test-demo does, as the lead and as the admin). */
#define DEMO_PASSWORD_HASH \
  "$argon2id$v=19$m=65536,t=2,p=1$HlS8xNcutmhm4SsiA+CLRA$r1nbKs5aM7SBNfeGqyZGmW1PqbpIFei4yxGfJkpK49o"

typedef struct
{
  DwStore *store;
  gint64   now;
  gint64   calendar_id;
  gint64   team_ids[DW_DEMO_N_TEAMS];
} Seed;

static char *
member_to_string (JsonObject *object,
                  const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL ? dw_store_json_to_string (node) : g_strdup ("[]");
}

static gboolean
seed_calendar (Seed    *seed,
               GError **error)
{
  g_autoptr(DwCalendar) calendar = dw_calendar_new_china_mainland (TRUE);
  g_autoptr(JsonObject) json = NULL;
  g_autofree char *week = NULL;
  g_autofree char *holidays = NULL;
  g_autofree char *workdays = NULL;

  dw_calendar_set_name (calendar, "电商客服 (中国大陆)");
  json = dw_calendar_to_json (calendar);
  week = member_to_string (json, "week");
  holidays = member_to_string (json, "holidays");
  workdays = member_to_string (json, "workdays");

  seed->calendar_id = dw_store_demo_insert_calendar (seed->store, dw_calendar_get_name (calendar),
                                                     dw_calendar_get_timezone (calendar), week,
                                                     holidays, workdays, error);
  return seed->calendar_id != 0;
}

static gboolean
seed_teams (Seed    *seed,
            GError **error)
{
  g_autoptr(DwClassifier) classifier = dw_classifier_new_default ();
  g_autofree char *default_team = NULL;

  for (guint i = 0; i < DW_DEMO_N_TEAMS; i++)
    {
      seed->team_ids[i] = dw_store_demo_insert_team (seed->store, dw_demo_teams[i].name,
                                                     dw_demo_teams[i].description,
                                                     seed->calendar_id,
                                                     seed->now - 180 * (gint64) DW_DEMO_DAY,
                                                     error);
      if (seed->team_ids[i] == 0)
        return FALSE;
    }

  for (guint i = 0; i < DW_DEMO_N_TYPES; i++)
    if (!dw_store_demo_insert_business_type (seed->store, dw_demo_types[i].key,
                                             dw_demo_types[i].name,
                                             seed->team_ids[dw_demo_types[i].team],
                                             dw_demo_types[i].key, error))
      return FALSE;

  /* The classifier's defaults, written out so a lead can see and edit them. */
  for (guint i = 0; i < dw_classifier_get_n_rules (classifier); i++)
    {
      const char *keyword, *type;

      dw_classifier_get_rule (classifier, i, &keyword, &type);
      if (!dw_store_demo_insert_routing_rule (seed->store, (gint64) (i + 1) * 10, keyword, type,
                                              error))
        return FALSE;
    }

  /* Tickets nobody could classify are pre-sales questions more often than not. */
  default_team = g_strdup_printf ("%" G_GINT64_FORMAT, seed->team_ids[0]);
  return dw_store_demo_put_setting (seed->store, "intake.default_team_id", default_team, error);
}

static gboolean
seed_policies (Seed    *seed,
               GError **error)
{
  static const struct
  {
    const char *name;
    const char *priorities;
    const char *tags;
    const char *types;
    int         first, next, resolution;
    const char *escalation;
  } policies[] = {
    { "VIP 客户", "[]", "[\"vip\"]", "[]", 15, 30, 8 * 60,
      "{\"raise_priority\":true,\"notify_lead\":true,\"reassign\":false}" },
    { "紧急", "[\"urgent\"]", "[]", "[]", 15, 30, 4 * 60,
      "{\"raise_priority\":false,\"notify_lead\":true,\"reassign\":true}" },
    { "投诉", "[]", "[]", "[\"complaints\"]", 30, 60, 12 * 60,
      "{\"raise_priority\":true,\"notify_lead\":true,\"reassign\":false}" },
    { "默认", "[]", "[]", "[]", 60, 120, 24 * 60,
      "{\"raise_priority\":true,\"notify_lead\":true,\"reassign\":false}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (policies); i++)
    {
      DwStoreDemoPolicy policy = {
        .name = policies[i].name,
        .priorities = policies[i].priorities,
        .tags = policies[i].tags,
        .business_types = policies[i].types,
        .first_response_minutes = policies[i].first,
        .next_response_minutes = policies[i].next,
        .resolution_minutes = policies[i].resolution,
        .escalation = policies[i].escalation,
        .position = (gint64) (i + 1) * 10,
      };

      if (!dw_store_demo_insert_policy (seed->store, &policy, error))
        return FALSE;
    }

  return TRUE;
}

static gint64
add_user (Seed        *seed,
          const char  *username,
          const char  *display_name,
          const char  *role,
          int          capacity,
          const char  *presence,
          gint64       presence_since,
          GError     **error)
{
  DwStoreDemoUser user = {
    .username = username,
    .display_name = display_name,
    .role = role,
    .password_hash = DEMO_PASSWORD_HASH,
    .capacity = capacity,
    .presence = presence,
    .presence_since = presence_since,
    .created_at = seed->now - 90 * (gint64) DW_DEMO_DAY,
  };

  return dw_store_demo_insert_user (seed->store, &user, error);
}

static gboolean
add_member (Seed     *seed,
            gint64    team_id,
            gint64    user_id,
            gboolean  is_lead,
            GError  **error)
{
  return dw_store_demo_insert_member (seed->store, team_id, user_id, is_lead, error);
}

static gboolean
add_skill (Seed        *seed,
           gint64       user_id,
           const char  *skill,
           int          level,
           GError     **error)
{
  return dw_store_demo_insert_skill (seed->store, user_id, skill, CLAMP (level, 1, 5), error);
}

static gboolean
log_presence (Seed        *seed,
              gint64       user_id,
              const char  *presence,
              gint64       at,
              GError     **error)
{
  return dw_store_demo_insert_presence (seed->store, user_id, presence, at, error);
}

/* Agent @index's team: 12 pre-sales, 12 returns, 10 logistics, 6 complaints. */
static int
agent_team (guint index)
{
  if (index < 12)
    return 0;
  if (index < 24)
    return 1;
  if (index < 34)
    return 2;
  return 3;
}

/* Which shift agent @index works on local day @day (days since the epoch), or -1 for a rest
 * day.  Shifts rotate weekly; the two rest days are staggered so every day is staffed. */
static int
agent_shift_on (guint  index,
                gint64 day)
{
  gint64 week = (day + 3) / 7;  /* weeks start on Monday */
  int weekday = (int) ((day + 3) % 7);
  int rest = (int) (index % 7);

  if (weekday == rest || weekday == (rest + 1) % 7)
    return -1;

  return (int) ((index + week) % DW_DEMO_N_SHIFTS);
}

static gboolean
seed_people (Seed    *seed,
             GError **error)
{
  gint64 lead_id, sales_lead_id, complaints_lead_id, admin_id;
  gint64 today = (dw_demo_local_midnight (seed->now) + DW_DEMO_UTC_OFFSET) / DW_DEMO_DAY;
  int now_min = dw_demo_local_minute (seed->now);

  admin_id = add_user (seed, "admin", "系统管理员", "admin", 0, "offline",
                       seed->now - DW_DEMO_DAY, error);
  lead_id = add_user (seed, DW_DEMO_LEAD_USERNAME, "陈静", "lead", 0, "online",
                      seed->now - 3 * 3600, error);
  sales_lead_id = add_user (seed, "zhou.min", "周敏", "lead", 0, "online",
                            seed->now - 5 * 3600, error);
  complaints_lead_id = add_user (seed, "sun.li", "孙丽", "lead", 0, "away",
                                 seed->now - 20 * 60, error);
  if (admin_id == 0 || lead_id == 0 || sales_lead_id == 0 || complaints_lead_id == 0)
    return FALSE;

  /* 陈静 leads both after-sales teams: returns (with quality) and logistics. */
  if (!add_member (seed, seed->team_ids[1], lead_id, TRUE, error)
      || !add_member (seed, seed->team_ids[2], lead_id, TRUE, error)
      || !add_member (seed, seed->team_ids[0], sales_lead_id, TRUE, error)
      || !add_member (seed, seed->team_ids[3], complaints_lead_id, TRUE, error)
      || !log_presence (seed, lead_id, "online", seed->now - 3 * 3600, error)
      || !log_presence (seed, sales_lead_id, "online", seed->now - 5 * 3600, error)
      || !log_presence (seed, complaints_lead_id, "away", seed->now - 20 * 60, error))
    return FALSE;

  for (guint i = 0; i < DW_DEMO_N_AGENTS; i++)
    {
      const DwDemoPerson *person = &dw_demo_agents[i];
      int team = agent_team (i);
      int capacity = team == 0 ? dw_demo_int_range (6, 9) : dw_demo_int_range (4, 7);
      const char *presence = "offline";
      gint64 presence_since = seed->now - 8 * 3600;
      gint64 user_id;
      int shift_today = agent_shift_on (i, today);

      /* Presence now follows today's shift; a few are on a break. */
      if (shift_today >= 0)
        {
          int start, end;

          dw_demo_shift_hours (shift_today, &start, &end);
          if (now_min >= start && now_min < end)
            {
              presence = dw_demo_uniform () < 0.12 ? "away" : "online";
              presence_since = dw_demo_local_midnight (seed->now) + start * 60;
              if (g_str_equal (presence, "away"))
                presence_since = seed->now - dw_demo_int_range (60, 900);
            }
          else if (now_min >= end)
            {
              presence_since = dw_demo_local_midnight (seed->now) + end * 60;
            }
        }

      user_id = add_user (seed, person->username, person->display_name, "agent", capacity,
                          presence, presence_since, error);
      if (user_id == 0
          || !add_member (seed, seed->team_ids[team], user_id, FALSE, error)
          || !add_skill (seed, user_id, dw_demo_types[team == 0 ? DW_DEMO_TYPE_PRESALES
                                                       : team == 1 ? DW_DEMO_TYPE_RETURNS
                                                       : team == 2 ? DW_DEMO_TYPE_LOGISTICS
                                                       : DW_DEMO_TYPE_COMPLAINTS].key,
                         dw_demo_int_range (2, 6), error))
        return FALSE;

      /* Secondary skills: most after-sales agents handle quality claims; some pre-sales agents
       * answer simple shipping questions; a few cross-trained agents sit in two teams. */
      if (team == 1 && i % 3 != 2 && !add_skill (seed, user_id, "quality", dw_demo_int_range (1, 6),
                                                 error))
        return FALSE;
      if (team == 0 && i % 4 == 0 && !add_skill (seed, user_id, "logistics", 2, error))
        return FALSE;
      if ((i == 30 || i == 31)
          && (!add_member (seed, seed->team_ids[1], user_id, FALSE, error)
              || !add_skill (seed, user_id, "returns", 2, error)))
        return FALSE;
      if ((i == 22 || i == 23)
          && (!add_member (seed, seed->team_ids[3], user_id, FALSE, error)
              || !add_skill (seed, user_id, "complaints", 3, error)))
        return FALSE;

      /* Shifts over the past and the next two weeks, with the presence timeline of the past. */
      for (gint64 day = today - DW_DEMO_HISTORY_DAYS; day <= today + DW_DEMO_HISTORY_DAYS; day++)
        {
          int shift = agent_shift_on (i, day);
          gint64 midnight = day * DW_DEMO_DAY - DW_DEMO_UTC_OFFSET;
          int start, end;
          gint64 starts_at, ends_at;

          if (shift < 0)
            continue;

          dw_demo_shift_hours (shift, &start, &end);
          starts_at = midnight + start * 60;
          ends_at = midnight + end * 60;
          if (!dw_store_demo_insert_shift (seed->store, user_id, seed->team_ids[team], starts_at,
                                           ends_at, error))
            return FALSE;

          if (starts_at <= seed->now
              && !log_presence (seed, user_id, "online", starts_at + dw_demo_int_range (-300, 300),
                                error))
            return FALSE;
          if (starts_at <= seed->now && ends_at < seed->now)
            {
              gint64 lunch = starts_at + 4 * 3600 + dw_demo_int_range (-1800, 1800);

              if (!log_presence (seed, user_id, "away", lunch, error)
                  || !log_presence (seed, user_id, "online", lunch + 1800, error)
                  || !log_presence (seed, user_id, "offline", ends_at + dw_demo_int_range (0, 600),
                                    error))
                return FALSE;
            }
          else if (starts_at <= seed->now && g_str_equal (presence, "away")
                   && !log_presence (seed, user_id, "away", presence_since, error))
            {
              return FALSE;
            }
        }
    }

  return TRUE;
}

static gboolean
seed_customers (Seed    *seed,
                GError **error)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree DwStoreDemoCustomer *rows = g_new0 (DwStoreDemoCustomer, N_CUSTOMERS);

  for (guint i = 0; i < N_CUSTOMERS; i++)
    {
      char *name = dw_demo_customer_name ();
      char *phone = dw_demo_phone_number ();
      char *email = NULL;
      double x = dw_demo_uniform ();
      const char *tags = "[]";

      if (x < 0.05)
        tags = "[\"vip\",\"老客户\"]";
      else if (x < 0.07)
        tags = "[\"vip\"]";
      else if (x < 0.22)
        tags = "[\"老客户\"]";
      else if (x < 0.24)
        tags = "[\"黑名单风险\"]";

      if (dw_demo_uniform () < 0.25)
        email = g_strdup_printf ("%s@%s", phone + 3,
                                 dw_demo_uniform () < 0.6 ? "qq.com" : "163.com");

      g_ptr_array_add (texts, name);
      g_ptr_array_add (texts, phone);
      if (email != NULL)
        g_ptr_array_add (texts, email);
      rows[i] = (DwStoreDemoCustomer) {
        .name = name,
        .email = email,
        .phone = phone,
        .tags = tags,
        .created_at = seed->now - dw_demo_int_range (15, 720) * (gint64) DW_DEMO_DAY,
      };
    }

  return dw_store_demo_insert_customers (seed->store, rows, N_CUSTOMERS, error);
}

/* The generated history hands tickets out without looking at loads; a desk that routes within
 * capacity never leaves an agent holding more than it: the newest beyond it (waiting ones
 * before those waiting on the customer) go back to the team's queue, as routing would have kept
 * them there, audited so the trail says so. */
static gboolean
seed_within_capacity (Seed    *seed,
                      GError **error)
{
  g_autoptr(GArray) held = g_array_new (FALSE, FALSE, sizeof (DwStoreDemoHeld));

  if (!dw_store_demo_held_over_capacity (seed->store, held, error))
    return FALSE;

  for (guint i = 0; i < held->len; i++)
    {
      const DwStoreDemoHeld *row = &g_array_index (held, DwStoreDemoHeld, i);

      if (!dw_store_demo_requeue (seed->store, row->ticket_id, row->agent_id, seed->now, error))
        return FALSE;
    }
  return TRUE;
}

/* The history of the past days — solved and closed tickets, their comments, audit rows and
 * surveys, which only the SLA compliance and the Agents figures read — is written after the
 * service listens, from idle in slices of HISTORY_SLICE_MS, each its own transaction: writing
 * them was most of the seed (55 % of it audit rows), which the console's first sign-in and
 * snapshot no longer wait for.  The slices run at G_PRIORITY_LOW, so requests that came
 * meanwhile are served first.  The agent facts wait for the whole trail (dw_service_hold_agent_facts): they read it
 * by audit id, and the past rows are written below the active ones. */
#define HISTORY_SLICE_MS 15
/* The first slice waits this long, like the agent facts (dw-service.c): the console that started
 * the demo signs in, loads its snapshot and paints its first frame meanwhile, and on a busy
 * machine the slices (0.5 s of processor in all) would compete with it for the processor. */
#define HISTORY_DELAY_MS 2000
#define HISTORY_KEY "demo_history"
#define HISTORY_QDATA "dw-demo-history"

typedef struct
{
  DwService     *service;       /* not a reference: the writer is the service's data */
  DwDemoBacklog *backlog;
  guint          idle_id;
  guint          slices;
  gint64         busy_us;       /* in the slices, for the debug log */
  gint64         cpu_us;
  gboolean       locked;        /* a slice waited for a lock held elsewhere (said once) */
} HistoryWriter;

static gboolean history_start_cb (gpointer data);

static void
history_writer_free (gpointer data)
{
  HistoryWriter *writer = data;

  g_clear_handle_id (&writer->idle_id, g_source_remove);
  dw_demo_backlog_free (writer->backlog);
  g_free (writer);
}

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gboolean
set_history_state (DwStore     *store,
                   const char  *state,
                   GError     **error)
{
  return dw_store_demo_put_setting (store, HISTORY_KEY, state, error);
}

/* The end: the history is there, durably (synchronous=FULL again, this COMMIT syncs the WAL with
 * every slice before it), and the agent facts read the whole trail again from the start. */
gboolean
dw_demo_finish_history (DwStore  *store,
                        GError  **error)
{
  /* Lost to another instance's write (the settings' rows): nothing written, run again. */
  for (guint attempt = 1; ; attempt++)
    {
      g_autoptr(GError) local = NULL;

      if (!dw_store_tx_begin (store, error))
        return FALSE;
      if (dw_store_demo_seed_cache (store, FALSE, &local)
          && set_history_state (store, "ready", &local)
          && dw_store_agent_facts_clear (store, &local)
          && dw_store_tx_commit (store, &local))
        return TRUE;

      dw_store_tx_rollback (store);
      if (!dw_store_tx_retry (attempt, &local))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
    }
}

static gboolean
history_slice_cb (gpointer data)
{
  HistoryWriter *writer = data;
  DwService *service = writer->service;
  DwStore *store = dw_service_get_store (service);
  g_autoptr(GError) error = NULL;
  gint64 started = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_us ();
  gint64 deadline = started + HISTORY_SLICE_MS * 1000;
  gboolean done = FALSE, relaxed;

  /* Writes of the live desk waiting in a group are committed first, durably; the slice itself
   * needs no sync (see dw_demo_populate), and synchronous can only change between
   * transactions. */
  dw_desk_group_flush (dw_service_get_desk (service));
  relaxed = !dw_store_in_transaction (store) && dw_store_demo_fast_writes (store, TRUE, NULL);

  /* A slice that lost a deadlock to the live desk's writes (the simulator's, other instances')
   * wrote nothing and left the backlog where it was: run again (dw_store_tx_retry).  One that
   * waited lock_timeout for a lock held by another session is tried again later, the history
   * not given up: the whole wait was on the main loop, and the next try would wait as long. */
  for (guint attempt = 1; ; attempt++)
    {
      if (!dw_store_tx_begin (store, &error))
        goto failed;
      if (dw_demo_backlog_write (writer->backlog, store, deadline, &done, &error)
          && dw_store_tx_commit (store, &error))
        break;

      dw_store_tx_rollback (store);
      if (dw_store_tx_locked (error))
        {
          if (relaxed)
            dw_store_demo_fast_writes (store, FALSE, NULL);
          if (!writer->locked)
            g_message ("The demo's history waits for a lock held elsewhere, trying again in "
                       "%u s: %s", DW_STORE_TX_LOCKED_RETRY_S, error->message);
          writer->locked = TRUE;
          writer->idle_id = g_timeout_add_seconds_full (G_PRIORITY_LOW,
                                                        DW_STORE_TX_LOCKED_RETRY_S,
                                                        history_start_cb, writer, NULL);
          return G_SOURCE_REMOVE;
        }
      if (!dw_store_tx_retry (attempt, &error))
        goto failed;
    }
  writer->locked = FALSE;
  if (relaxed && !dw_store_demo_fast_writes (store, FALSE, &error))
    goto failed;
  writer->slices++;
  writer->busy_us += g_get_monotonic_time () - started;
  writer->cpu_us += thread_cpu_us () - cpu;
  if (!done)
    return G_SOURCE_CONTINUE;

  if (!dw_demo_finish_history (store, &error))
    goto failed;
  g_debug ("demo history written in %u slices, %.0f ms in all, %.0f ms of processor",
           writer->slices, (g_get_monotonic_time () - started + writer->busy_us) / 1000.0,
           (thread_cpu_us () - cpu + writer->cpu_us) / 1000.0);
  writer->idle_id = 0;
  dw_service_hold_agent_facts (service, FALSE);
  g_object_set_data (G_OBJECT (service), HISTORY_QDATA, NULL);
  return G_SOURCE_REMOVE;

failed:
  if (relaxed)
    dw_store_demo_fast_writes (store, FALSE, NULL);
  if (!dw_store_in_transaction (store))
    {
      dw_store_demo_seed_cache (store, FALSE, NULL);
      set_history_state (store, "failed", NULL);
    }
  g_message ("The demo's history could not be written: %s", error->message);
  writer->idle_id = 0;
  dw_service_hold_agent_facts (service, FALSE);
  g_object_set_data (G_OBJECT (service), HISTORY_QDATA, NULL);
  return G_SOURCE_REMOVE;
}

static void
history_schedule (HistoryWriter *writer)
{
  writer->idle_id = g_idle_add_full (G_PRIORITY_LOW, history_slice_cb, writer, NULL);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, writer->idle_id),
                            "[deskwatchd] demo history");
}

static gboolean
history_start_cb (gpointer data)
{
  HistoryWriter *writer = data;

  history_schedule (writer);
  return G_SOURCE_REMOVE;
}

void
dw_demo_hold_history (DwService *service,
                      gboolean   hold)
{
  HistoryWriter *writer;

  g_return_if_fail (DW_IS_SERVICE (service));

  writer = g_object_get_data (G_OBJECT (service), HISTORY_QDATA);
  if (writer == NULL)
    return;
  if (hold)
    g_clear_handle_id (&writer->idle_id, g_source_remove);
  else if (writer->idle_id == 0)
    history_schedule (writer);
}

static void
start_history (DwService     *service,
               DwDemoBacklog *backlog)
{
  HistoryWriter *writer = g_new0 (HistoryWriter, 1);

  writer->service = service;
  writer->backlog = backlog;
  writer->idle_id = g_timeout_add_full (G_PRIORITY_LOW, HISTORY_DELAY_MS, history_start_cb, writer,
                                        NULL);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, writer->idle_id),
                            "[deskwatchd] demo history (delay)");
  dw_service_hold_agent_facts (service, TRUE);
  /* Owned by the service: a service that goes away stops writing. */
  g_object_set_data_full (G_OBJECT (service), HISTORY_QDATA, writer, history_writer_free);
}

gboolean
dw_demo_seed (DwStore         *store,
              gint64           now,
              DwDemoBacklog  **backlog,
              GError         **error)
{
  Seed seed = { .store = store, .now = now };
  g_autoptr(DwCalendar) calendar = NULL;
  gboolean empty;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (backlog != NULL && *backlog == NULL, FALSE);

  if (!dw_store_demo_is_empty (store, &empty, error))
    return FALSE;
  if (!empty)
    {
      g_set_error_literal (error, DW_STORE_ERROR, DW_STORE_ERROR_FAILED,
                           "the demo needs an empty database");
      return FALSE;
    }

  /* The seed writes megabytes in one transaction: with SQLite's default 2 MB page cache it
   * spilled pages into the WAL and read them back while writing.
   *
   * The database is new and empty (checked above) and nothing is acknowledged to anyone before
   * the service listens: the seed's COMMIT need not sync (synchronous=OFF).  FULL is back before
   * this returns, so the first write the service acknowledges syncs the WAL with the seed in
   * it, and a --db that outlives the demo is as durable as any desk from then on. */
  if (!dw_store_demo_seed_cache (store, TRUE, error)
      || !dw_store_demo_fast_writes (store, TRUE, error)
      || !dw_store_tx_begin (store, error))
    {
      dw_store_demo_fast_writes (store, FALSE, NULL);
      return FALSE;
    }

  calendar = dw_calendar_new_china_mainland (TRUE);
  if (!seed_calendar (&seed, error)
      || !seed_teams (&seed, error)
      || !seed_policies (&seed, error)
      || !seed_people (&seed, error)
      || !dw_demo_seed_roster (store, seed.team_ids, DW_DEMO_N_TEAMS, seed.now, error)
      || !seed_customers (&seed, error)
      || !dw_demo_backfill (store, calendar, seed.now, backlog, error)
      || !seed_within_capacity (&seed, error)
      || !set_history_state (store, "seeding", error)
      || !dw_store_tx_commit (store, error))
    {
      dw_store_tx_rollback (store);
      g_clear_pointer (backlog, dw_demo_backlog_free);
      dw_store_demo_seed_cache (store, FALSE, NULL);
      dw_store_demo_fast_writes (store, FALSE, NULL);
      return FALSE;
    }
  /* Back to durable commits; the page cache stays large until the history is written. */
  if (!dw_store_demo_fast_writes (store, FALSE, error))
    {
      g_clear_pointer (backlog, dw_demo_backlog_free);
      return FALSE;
    }
  return TRUE;
}

gboolean
dw_demo_populate (DwService  *service,
                  GError    **error)
{
  DwDemoBacklog *backlog = NULL;
  gint64 started = g_get_monotonic_time ();

  g_return_val_if_fail (DW_IS_SERVICE (service), FALSE);

  if (!dw_demo_seed (dw_service_get_store (service),
                     dw_clock_now (dw_service_get_clock (service)), &backlog, error))
    return FALSE;

  start_history (service, backlog);
  g_debug ("demo desk populated in %.2f s (its history follows)",
           (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
  return TRUE;
}

gint64
dw_demo_pick_start_time (gint64 now)
{
  int minute = dw_demo_local_minute (now);
  gint64 midnight = dw_demo_local_midnight (now);

  if (minute < DW_DEMO_OPEN_MIN)
    return midnight + (10 * 60 + 30) * 60;
  if (minute >= 21 * 60)
    return midnight + 20 * 3600;
  return now;
}
