/* dw-demo-simulator.c: live traffic on the demo desk.
 *
 * Everything goes through the desk's business operations (dw-desk.h), so routing, SLA clocks,
 * audit rows and stream events happen exactly as for real customers and agents.  Two alarms on
 * the service's clock drive it: the next arrival (a Poisson process on the daily curve, by
 * thinning) and a tick every simulated minute, in which agents follow their shifts, take their
 * turn on tickets whose handling time is up, and customers answer and rate.
 */
#define G_LOG_DOMAIN "dw-demo"

#include "dw-demo.h"
#include "dw-demo-private.h"

#include "dw-auth.h"
#include "dw-desk-surveys.h"
#include "dw-routing.h"
#include "dw-store.h"
#include "store/dw-store-tx.h"
#include "store/dw-store-demo.h"

#define TICK_SECONDS 60
#define SHIFT_PERIOD (21 * (gint64) DW_DEMO_DAY)  /* the shift rotation repeats every 3 weeks */

typedef enum
{
  STAGE_AGENT,      /* the assignee answers when next_at comes */
  STAGE_SOLVE,      /* the assignee solves the ticket */
  STAGE_CUSTOMER,   /* the customer answers a question */
  STAGE_GIVE_UP,    /* the customer stays silent; the agent closes the case */
  STAGE_CSAT,       /* the customer rates the solved ticket */
} Stage;

typedef struct
{
  Stage      stage;
  gint64     next_at;
  int        rounds_left;
  DwDemoType type;
} Plan;

typedef struct
{
  gint64   user_id;
  GArray  *shifts;      /* of gint64 pairs (starts_at, ends_at) */
  gint64   away_until;  /* on a break until then; 0: not */
} SimAgent;

typedef struct
{
  DwService    *service;
  DwDesk       *desk;
  DwClock      *clock;
  DwStore      *store;       /* the service's (dw_service_get_store), not owned */
  DwClassifier *classifier;
  GHashTable   *plans;       /* ticket id → Plan */
  GHashTable   *principals;  /* user id → DwPrincipal */
  GArray       *agents;      /* of SimAgent */
  guint         tick_id;
  guint         arrival_id;
  guint         n_errors;
  gint64        paused_until;  /* monotonic µs: a write timed out on a lock held elsewhere */
  DwLeader     *leader;      /* runs only while this instance leads */
  gulong        leader_id;
} Simulator;

static Simulator *simulator;

static gboolean arrival_cb (gpointer data);
static gboolean tick_cb (gpointer data);

static void
sim_agent_clear (gpointer data)
{
  g_array_unref (((SimAgent *) data)->shifts);
}

static void
report (Simulator  *self,
        const char *what,
        GError     *error)
{
  /* A lock held by another session past lock_timeout (an operator's open transaction): each
   * write that meets it stops the main loop that long, so the simulation rests a while rather
   * than meeting it at every tick; said once per pause. */
  if (dw_store_tx_locked (error))
    {
      if (self->paused_until == 0)
        g_message ("demo simulator: %s waited too long for a lock held elsewhere, resting %u s: "
                   "%s", what, DW_STORE_TX_LOCKED_RETRY_S, error->message);
      self->paused_until = g_get_monotonic_time ()
                           + DW_STORE_TX_LOCKED_RETRY_S * G_TIME_SPAN_SECOND;
      return;
    }

  /* Losing a race with a lead acting on the same ticket is normal; say so only rarely. */
  if (error != NULL && self->n_errors++ < 20)
    g_message ("demo simulator: %s: %s", what, error->message);
}

/* Resting after a lock timeout (report): no writes this round. */
static gboolean
resting (Simulator *self)
{
  if (self->paused_until == 0)
    return FALSE;
  if (g_get_monotonic_time () < self->paused_until)
    return TRUE;
  self->paused_until = 0;
  return FALSE;
}

static DwPrincipal *
principal_for (Simulator *self,
               gint64     user_id)
{
  DwPrincipal *principal = g_hash_table_lookup (self->principals, &user_id);

  if (principal == NULL)
    {
      g_autoptr(GError) error = NULL;

      principal = dw_auth_load_principal (self->store, user_id, &error);
      if (principal == NULL)
        {
          report (self, "loading an agent", error);
          return NULL;
        }
      g_hash_table_insert (self->principals, g_memdup2 (&user_id, sizeof user_id), principal);
    }

  return principal;
}

static Plan *
plan_for (Simulator *self,
          gint64     ticket_id)
{
  return g_hash_table_lookup (self->plans, &ticket_id);
}

static Plan *
plan_new (Simulator  *self,
          gint64      ticket_id,
          const char *business_type)
{
  Plan *plan = g_new0 (Plan, 1);

  plan->type = DW_DEMO_TYPE_PRESALES;
  for (guint i = 0; i < DW_DEMO_N_TYPES; i++)
    if (g_strcmp0 (dw_demo_types[i].key, business_type) == 0)
      plan->type = (DwDemoType) i;
  plan->rounds_left = (int) dw_demo_pick_weighted ((const double[]) { 0.5, 0.35, 0.15 }, 3);
  g_hash_table_insert (self->plans, g_memdup2 (&ticket_id, sizeof ticket_id), plan);
  return plan;
}

static void
plan_drop (Simulator *self,
           gint64     ticket_id)
{
  g_hash_table_remove (self->plans, &ticket_id);
}

/* Handling time of an agent's turn, in simulated seconds: lognormal, most within minutes. */
static gint64
handle_seconds (DwDemoType type,
                gboolean   first)
{
  double median = type == DW_DEMO_TYPE_PRESALES ? 2.5 : type == DW_DEMO_TYPE_COMPLAINTS ? 7 : 5;

  if (first)
    median *= 1.4;
  return (gint64) (dw_demo_lognormal (median, 0.7) * 60) + 15;
}

/* Arrivals */

static gint64
next_arrival (gint64 from)
{
  double max_rate = dw_demo_max_arrival_rate ();
  gint64 t = from;

  for (int i = 0; i < 100000; i++)
    {
      t += (gint64) dw_demo_exponential (3600.0 / max_rate) + 1;
      if (dw_demo_uniform () * max_rate <= dw_demo_arrival_rate (t))
        return t;
    }

  return t;
}

static void
schedule_arrival (Simulator *self)
{
  gint64 at = next_arrival (dw_clock_now (self->clock));

  self->arrival_id = dw_clock_add_alarm (self->clock, at, arrival_cb, self, NULL);
}

static gint64
pick_customer (Simulator *self,
               gboolean  *vip)
{
  g_autofree char *tags = NULL;
  gint64 id = 0, max_id = 0;
  gboolean found = FALSE;

  /* One in ten writes in for the first time. */
  if (dw_demo_uniform () < 0.1)
    {
      g_autoptr(JsonObject) fields = json_object_new ();
      g_autoptr(JsonObject) customer = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *name = dw_demo_customer_name ();
      g_autofree char *phone = dw_demo_phone_number ();

      json_object_set_string_member (fields, "name", name);
      json_object_set_string_member (fields, "phone", phone);
      customer = dw_desk_create_customer (self->desk, NULL, fields, &error);
      if (customer != NULL)
        {
          *vip = FALSE;
          return json_object_get_int_member (customer, "id");
        }
      report (self, "creating a customer", error);
    }

  /* Customers are never deleted, so any id up to the largest is one (and GRand keeps a seeded
   * run repeatable). */
  if (dw_store_demo_customer_max_id (self->store, &max_id, NULL) && max_id > 0)
    id = 1 + (gint64) (dw_demo_uniform () * (double) max_id);

  if (dw_store_demo_customer_tags (self->store, id, &tags, &found, NULL))
    {
      if (found)
        *vip = tags != NULL && strstr (tags, "\"vip\"") != NULL;
      else
        id = 0;
    }

  return id;
}

static void
create_ticket (Simulator *self)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(JsonObject) ticket = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *order_number = NULL;
  g_autofree char *body = NULL;
  DwDemoType type = dw_demo_pick_type ();
  const DwDemoTemplate *template = dw_demo_pick_template (type);
  gint64 now = dw_clock_now (self->clock);
  gboolean vip = FALSE;
  gint64 customer_id = pick_customer (self, &vip);
  JsonArray *tags = json_array_new ();

  if (strstr (template->body, "{order}") != NULL || dw_demo_uniform () < 0.3)
    order_number = dw_demo_order_number (now - dw_demo_int_range (0, 5) * DW_DEMO_DAY);
  body = dw_demo_fill (template->body, order_number);

  json_object_set_string_member (fields, "subject", template->subject);
  json_object_set_string_member (fields, "body", body);
  json_object_set_string_member (fields, "channel", dw_channel_to_string (dw_demo_pick_channel ()));
  json_object_set_string_member (fields, "priority",
                                 dw_priority_to_string (dw_demo_pick_priority (type, vip)));
  if (customer_id > 0)
    json_object_set_int_member (fields, "customer_id", customer_id);
  if (order_number != NULL)
    json_object_set_string_member (fields, "order_number", order_number);
  if (vip)
    json_array_add_string_element (tags, "vip");
  json_object_set_array_member (fields, "tags", tags);

  /* The keyword rules route most tickets; the rest come with the category the customer picked
   * in the app or on the web form. */
  if (dw_classifier_classify (self->classifier, template->subject, body) == NULL)
    json_object_set_string_member (fields, "business_type", dw_demo_types[type].key);

  ticket = dw_desk_create_ticket (self->desk, NULL, fields, &error);
  if (ticket == NULL)
    report (self, "creating a ticket", error);
}

static gboolean
arrival_cb (gpointer data)
{
  Simulator *self = data;

  self->arrival_id = 0;
  if (!resting (self))
    create_ticket (self);
  schedule_arrival (self);
  return G_SOURCE_REMOVE;
}

/* Shifts and presence */

static gboolean
agent_on_shift (SimAgent *agent,
                gint64    t)
{
  /* Beyond the seeded shifts the rotation repeats. */
  for (int k = 0; k < 8; k++)
    {
      gint64 at = t - k * SHIFT_PERIOD;

      for (guint i = 0; i + 1 < agent->shifts->len; i += 2)
        if (g_array_index (agent->shifts, gint64, i) <= at
            && at < g_array_index (agent->shifts, gint64, i + 1))
          return TRUE;
    }

  return FALSE;
}

static DwPresence
current_presence (Simulator *self,
                  gint64     user_id)
{
  g_autofree char *text = NULL;
  int presence = DW_PRESENCE_OFFLINE;

  if (dw_store_demo_user_presence (self->store, user_id, &text, NULL) && text != NULL)
    dw_enum_from_string (DW_TYPE_PRESENCE, text, &presence);

  return presence;
}

static void
set_presence (Simulator  *self,
              gint64      user_id,
              DwPresence  presence)
{
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(GError) error = NULL;

  user = dw_desk_set_presence (self->desk, NULL, user_id, presence, &error);
  if (user == NULL)
    report (self, "setting presence", error);
}

static void
follow_shifts (Simulator *self,
               gint64     now)
{
  for (guint i = 0; i < self->agents->len; i++)
    {
      SimAgent *agent = &g_array_index (self->agents, SimAgent, i);
      DwPresence presence = current_presence (self, agent->user_id);
      DwPresence wanted = DW_PRESENCE_OFFLINE;

      if (agent_on_shift (agent, now))
        {
          wanted = DW_PRESENCE_ONLINE;

          if (agent->away_until > now)
            wanted = DW_PRESENCE_AWAY;
          else if (agent->away_until != 0)
            agent->away_until = 0;
          /* About two breaks a shift, ten minutes or so each; lunch a little longer. */
          else if (presence == DW_PRESENCE_ONLINE && dw_demo_uniform () < TICK_SECONDS / 14400.0)
            {
              agent->away_until = now + (gint64) (dw_demo_lognormal (12, 0.4) * 60);
              wanted = DW_PRESENCE_AWAY;
            }
        }
      else
        {
          agent->away_until = 0;
        }

      if (wanted == presence)
        continue;

      /* At the end of a shift the service hands the agent's waiting tickets back to the queue
       * after the team's grace (handing them over here, before the agent was offline, routed
       * them straight back to the same agent). */
      set_presence (self, agent->user_id, wanted);
    }
}

/* Agents and customers taking their turns */

static void
agent_comment (Simulator  *self,
               gint64      ticket_id,
               DwPrincipal *agent,
               const char *body,
               gboolean    is_public)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(JsonObject) comment = NULL;
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (fields, "body", body);
  json_object_set_boolean_member (fields, "public", is_public);
  comment = dw_desk_add_comment (self->desk, agent, ticket_id, fields, &error);
  if (comment == NULL)
    report (self, "an agent's reply", error);
}

static gboolean
update_ticket (Simulator   *self,
               gint64       ticket_id,
               DwPrincipal *actor,
               JsonObject  *changes)
{
  g_autoptr(JsonObject) ticket = NULL;
  g_autoptr(GError) error = NULL;

  ticket = dw_desk_update_ticket (self->desk, actor, ticket_id, changes, &error);
  if (ticket == NULL)
    report (self, "updating a ticket", error);
  return ticket != NULL;
}

static void
set_status (Simulator   *self,
            gint64       ticket_id,
            DwPrincipal *actor,
            DwStatus     status,
            const char  *reason)
{
  g_autoptr(JsonObject) changes = json_object_new ();

  json_object_set_string_member (changes, "status", dw_status_to_string (status));
  if (reason != NULL)
    json_object_set_string_member (changes, "reason", reason);
  update_ticket (self, ticket_id, actor, changes);
}

static void
agent_turn (Simulator *self,
            gint64     ticket_id,
            gint64     agent_id,
            Plan      *plan,
            gint64     now)
{
  DwPrincipal *agent = principal_for (self, agent_id);

  if (agent == NULL)
    return;

  if (plan->stage == STAGE_SOLVE)
    {
      agent_comment (self, ticket_id, agent, dw_demo_pick_solve_reply (), TRUE);
      set_status (self, ticket_id, agent, DW_STATUS_SOLVED, NULL);

      if (dw_demo_uniform () < 0.55)
        {
          plan->stage = STAGE_CSAT;
          plan->next_at = now + (gint64) (dw_demo_lognormal (40, 1.0) * 60);
        }
      else
        {
          plan_drop (self, ticket_id);
        }
      return;
    }

  if (dw_demo_uniform () < 0.08)
    agent_comment (self, ticket_id, agent, dw_demo_pick_note (), FALSE);

  if (plan->rounds_left > 0)
    {
      plan->rounds_left--;
      agent_comment (self, ticket_id, agent, dw_demo_pick_ask_reply (), TRUE);
      set_status (self, ticket_id, agent, DW_STATUS_PENDING, NULL);

      if (dw_demo_uniform () < 0.08)
        {
          plan->stage = STAGE_GIVE_UP;
          plan->next_at = now + GIVE_UP_SECONDS;
        }
      else
        {
          plan->stage = STAGE_CUSTOMER;
          plan->next_at = now + (gint64) (dw_demo_lognormal (25, 1.0) * 60);
        }
      return;
    }

  agent_comment (self, ticket_id, agent, dw_demo_pick_agent_reply (plan->type), TRUE);
  plan->stage = STAGE_SOLVE;
  plan->next_at = now + (gint64) dw_demo_lognormal (120, 0.6);
}

static void
customer_turn (Simulator *self,
               gint64     ticket_id,
               Plan      *plan,
               gint64     now)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(JsonObject) comment = NULL;
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (fields, "body", dw_demo_pick_customer_reply ());
  json_object_set_string_member (fields, "author_kind", "customer");
  comment = dw_desk_add_comment (self->desk, NULL, ticket_id, fields, &error);
  if (comment == NULL)
    report (self, "a customer's reply", error);

  plan->stage = STAGE_AGENT;
  plan->next_at = now + handle_seconds (plan->type, FALSE);
}

static void
csat_turn (Simulator *self,
           gint64     ticket_id,
           Plan      *plan)
{
  g_autoptr(JsonObject) answer = json_object_new ();
  g_autoptr(JsonObject) survey = NULL;
  g_autoptr(JsonObject) answered = NULL;
  g_autoptr(GError) error = NULL;
  int csat = dw_demo_pick_csat (plan->type);
  const char *comment = dw_demo_pick_csat_comment (csat);

  /* The customer follows the link the intake sent, like any customer. */
  json_object_set_int_member (answer, "rating", csat);
  if (comment != NULL)
    json_object_set_string_member (answer, "comment", comment);
  survey = dw_desk_get_survey (self->desk, NULL, ticket_id, &error);
  if (survey != NULL)
    answered = dw_desk_answer_survey (self->desk, json_object_get_string_member (survey, "token"),
                                      answer, &error);
  /* reopened and solved again meanwhile, or expired: that customer does not answer */
  if (answered == NULL && !g_error_matches (error, DW_DESK_ERROR, DW_DESK_ERROR_GONE)
      && !g_error_matches (error, DW_DESK_ERROR, DW_DESK_ERROR_CONFLICT))
    report (self, "answering a survey", error);
  plan_drop (self, ticket_id);
}

typedef struct
{
  gint64 id;
  int    status;
  gint64 assignee_id;
  char  *business_type;
  gboolean assignee_online;
} Row;

static void
row_clear (gpointer data)
{
  g_free (((Row *) data)->business_type);
}

static void
add_row (const DwStoreDemoActive *active,
         gpointer                 data)
{
  GArray *rows = data;
  Row row = { 0 };

  row.id = active->id;
  row.status = DW_STATUS_OPEN;
  dw_enum_from_string (DW_TYPE_STATUS, active->status, &row.status);
  row.assignee_id = active->assignee_id;
  row.business_type = g_strdup (active->business_type);
  row.assignee_online = active->assignee_online;
  g_array_append_val (rows, row);
}

static GArray *
load_rows (Simulator *self)
{
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (Row));

  g_array_set_clear_func (rows, row_clear);
  dw_store_demo_active_assigned (self->store, add_row, rows, NULL);
  return rows;
}

static void
take_turns (Simulator *self,
            gint64     now)
{
  g_autoptr(GArray) rows = load_rows (self);
  g_autoptr(GArray) due = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) active = g_hash_table_new (g_int64_hash, g_int64_equal);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = &g_array_index (rows, Row, i);
      Plan *plan = plan_for (self, row->id);

      if (plan == NULL)
        {
          plan = plan_new (self, row->id, row->business_type);
          if (row->status == DW_STATUS_PENDING)
            {
              plan->stage = STAGE_CUSTOMER;
              plan->next_at = now + (gint64) (dw_demo_lognormal (25, 1.0) * 60);
            }
          else
            {
              plan->stage = STAGE_AGENT;
              plan->next_at = now + handle_seconds (plan->type, row->status == DW_STATUS_NEW);
            }
          continue;
        }

      /* Someone else (a lead in the console) changed the ticket under the plan. */
      if (row->status == DW_STATUS_PENDING && plan->stage != STAGE_CUSTOMER
          && plan->stage != STAGE_GIVE_UP)
        {
          plan->stage = STAGE_CUSTOMER;
          plan->next_at = now + (gint64) (dw_demo_lognormal (25, 1.0) * 60);
        }
      else if (row->status != DW_STATUS_PENDING
               && (plan->stage == STAGE_CUSTOMER || plan->stage == STAGE_GIVE_UP
                   || plan->stage == STAGE_CSAT))
        {
          plan->stage = STAGE_AGENT;
          plan->next_at = now + handle_seconds (plan->type, FALSE);
        }

      if (plan->next_at > now)
        continue;

      switch (plan->stage)
        {
        case STAGE_AGENT:
        case STAGE_SOLVE:
          /* An agent on a break or off shift answers when back. */
          if (row->assignee_online)
            agent_turn (self, row->id, row->assignee_id, plan, now);
          break;

        case STAGE_CUSTOMER:
          customer_turn (self, row->id, plan, now);
          break;

        case STAGE_GIVE_UP:
          {
            DwPrincipal *agent = principal_for (self, row->assignee_id);

            if (agent == NULL || !row->assignee_online)
              break;
            agent_comment (self, row->id, agent,
                           "您好，因长时间未收到您的回复，本工单先做结案处理，如有问题请随时联系我们。",
                           TRUE);
            set_status (self, row->id, agent, DW_STATUS_SOLVED,
                        "no answer from the customer for two hours");
            plan_drop (self, row->id);
          }
          break;

        case STAGE_CSAT:
        default:
          break;
        }
    }

  /* Ratings of solved tickets (no longer in the active rows); plans of tickets that left the
   * active rows otherwise (solved or moved by a lead) are forgotten. */
  for (guint i = 0; i < rows->len; i++)
    g_hash_table_add (active, &g_array_index (rows, Row, i).id);

  g_hash_table_iter_init (&iter, self->plans);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Plan *plan = value;

      if (plan->stage == STAGE_CSAT && plan->next_at <= now)
        g_array_append_val (due, *(gint64 *) key);
      else if (plan->stage != STAGE_CSAT && !g_hash_table_contains (active, key))
        g_hash_table_iter_remove (&iter);
    }

  for (guint i = 0; i < due->len; i++)
    {
      gint64 id = g_array_index (due, gint64, i);

      csat_turn (self, id, plan_for (self, id));
    }
}

/* Solved tickets close by themselves after three days, a few per tick. */
static void
close_old (Simulator *self,
           gint64     now)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (!dw_store_demo_solved_before (self->store, now - 3 * (gint64) DW_DEMO_DAY, 10, ids, NULL))
    return;

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);

      if (plan_for (self, id) == NULL)
        set_status (self, id, NULL, DW_STATUS_CLOSED, "closed automatically three days after solved");
    }
}

static void
schedule_tick (Simulator *self)
{
  gint64 now = dw_clock_now (self->clock);
  /* At high speed-ups, still no more than a few ticks per real second. */
  gint64 step = MAX (TICK_SECONDS, (gint64) (dw_clock_get_speed (self->clock) / 4));

  self->tick_id = dw_clock_add_alarm (self->clock, now + step, tick_cb, self, NULL);
}

static gboolean
tick_cb (gpointer data)
{
  Simulator *self = data;
  gint64 now = dw_clock_now (self->clock);

  self->tick_id = 0;
  if (!resting (self))
    {
      follow_shifts (self, now);
      take_turns (self, now);
      close_old (self, now);
    }
  schedule_tick (self);
  return G_SOURCE_REMOVE;
}

static void
load_agents (Simulator *self)
{
  g_autoptr(GArray) users = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (!dw_store_demo_agent_ids (self->store, users, NULL))
    return;

  for (guint i = 0; i < users->len; i++)
    {
      SimAgent agent = { g_array_index (users, gint64, i), g_array_new (FALSE, FALSE, sizeof (gint64)), 0 };

      /* Pairs (starts_at, ends_at), by start. */
      if (!dw_store_demo_user_shifts (self->store, agent.user_id, agent.shifts, NULL))
        g_array_set_size (agent.shifts, 0);

      /* Agents without shifts (added by hand) are left to their own devices. */
      if (agent.shifts->len == 0)
        {
          g_array_unref (agent.shifts);
          continue;
        }
      g_array_append_val (self->agents, agent);
    }
}

static void
leader_notify_cb (DwLeader   *leader,
                  GParamSpec *pspec,
                  Simulator  *self)
{
  if (!dw_leader_get_is_leader (leader))
    {
      g_clear_handle_id (&self->tick_id, g_source_remove);
      g_clear_handle_id (&self->arrival_id, g_source_remove);
      return;
    }

  if (self->tick_id != 0)
    return;

  /* Start at once: presence catches up with the shifts, then the traffic begins. */
  tick_cb (self);
  schedule_arrival (self);
}

/* The service is going away (its database with it): stop and forget everything. */
static void
service_finalized_cb (gpointer  data,
                      GObject  *where_the_object_was)
{
  Simulator *self = data;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->arrival_id, g_source_remove);
  g_clear_signal_handler (&self->leader_id, self->leader);
  g_clear_object (&self->leader);
  g_clear_pointer (&self->classifier, dw_classifier_unref);
  g_clear_pointer (&self->plans, g_hash_table_unref);
  g_clear_pointer (&self->principals, g_hash_table_unref);
  g_clear_pointer (&self->agents, g_array_unref);
  if (simulator == self)
    simulator = NULL;
  g_free (self);
}

void
dw_demo_start_simulator (DwService *service)
{
  Simulator *self;

  g_return_if_fail (DW_IS_SERVICE (service));
  g_return_if_fail (simulator == NULL);

  self = simulator = g_new0 (Simulator, 1);
  /* Not a reference: the simulator lives as long as the service, not the other way round. */
  self->service = service;
  g_object_weak_ref (G_OBJECT (service), service_finalized_cb, self);
  self->desk = dw_service_get_desk (service);
  self->clock = dw_service_get_clock (service);
  self->store = dw_service_get_store (service);
  self->classifier = dw_classifier_new_default ();
  self->plans = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->principals = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                            (GDestroyNotify) dw_principal_unref);
  self->agents = g_array_new (FALSE, TRUE, sizeof (SimAgent));
  g_array_set_clear_func (self->agents, sim_agent_clear);

  load_agents (self);

  /* Singleton work: with several instances only the leader's simulator runs, and another
   * instance's takes over when it dies. */
  self->leader = g_object_ref (dw_service_get_leader (service));
  self->leader_id = g_signal_connect (self->leader, "notify::is-leader",
                                      G_CALLBACK (leader_notify_cb), self);
  leader_notify_cb (self->leader, NULL, self);
}
