/* dw-team-stats.c: per-team queue figures, kept up to date incrementally.
 *
 * The tickets list can hold 100k tickets and change 200 times a second, so nothing here walks
 * it on a change: `records` mirrors the list position by position with what each ticket added
 * to its team's sums, and an items-changed takes out the records it removes and adds those it
 * inserts.  Only the "oldest waiting" minimum cannot be taken out of a sum; when the ticket
 * that held it goes, its team is rescanned from the records (not the objects), once per change.
 */
#include "config.h"

#include <string.h>

#include "dw-object-store.h"
#include "dw-team-stats.h"
#include "dw-ticket.h"
#include "dw-user.h"

/* One per ticket (100k on a large desk): 16 bytes, the ids and waiting_since in 32 bits as
 * DwTicket keeps them (team, assignee, created_at); it was 32 bytes, 1.6 MiB more for 100k. */
typedef struct
{
  guint32 team_id;
  guint32 assignee_id;
  guint32 waiting_since;
  guint8  active;
  guint8  unassigned;
  guint8  sla_state;       /* the live state (dw_ticket_get_live_sla_state) */
  guint8  offline;         /* waiting on an offline assignee, as last added to the sums */
} Record;

typedef struct
{
  guint   open;
  guint   unassigned;
  guint   at_risk;
  guint   breached;
  guint   offline;
  gint64  oldest_waiting_since;
  gint64  oldest_unassigned_since;
  gboolean oldest_stale;
} TicketSums;

typedef struct
{
  guint   online;
  guint   total;
  guint   capacity;
  guint   load;
} AgentSums;

struct _DwTeamStats
{
  GObject      parent_instance;

  GListModel  *tickets;
  GListModel  *users;
  gulong       tickets_handler;
  gulong       users_handler;

  GArray      *records;        /* Record, one per position of tickets */
  GHashTable  *ticket_sums;    /* gint64 * team id → TicketSums * */
  GHashTable  *agent_sums;     /* gint64 * team id → AgentSums * */
  AgentSums    agent_total;
  GHashTable  *offline_users;  /* gint64 * user id, of the users whose presence is offline */
};

G_STATIC_ASSERT (sizeof (Record) == 16);

G_DEFINE_FINAL_TYPE (DwTeamStats, dw_team_stats, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Helpers */

static gint64 *
id_dup (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

static TicketSums *
ticket_sums_for (DwTeamStats *self,
                 gint64       team_id)
{
  TicketSums *sums = g_hash_table_lookup (self->ticket_sums, &team_id);

  if (sums == NULL)
    {
      sums = g_new0 (TicketSums, 1);
      g_hash_table_insert (self->ticket_sums, id_dup (team_id), sums);
    }
  return sums;
}

/* Waiting on the desk (new or open) with an assignee who is offline: what the service hands
 * back to the queue after the team's grace. */
static gboolean
record_offline (DwTeamStats  *self,
                const Record *record)
{
  gint64 assignee_id = record->assignee_id;  /* the set's keys are gint64 */

  return record->waiting_since != 0 && assignee_id != 0
         && g_hash_table_contains (self->offline_users, &assignee_id);
}

static void
record_from_ticket (DwTeamStats *self,
                    Record      *record,
                    DwTicket    *ticket)
{
  record->team_id = dw_ticket_get_team_id (ticket);
  record->assignee_id = dw_ticket_get_assignee_id (ticket);
  record->active = dw_ticket_is_active (ticket);
  record->unassigned = record->active && record->assignee_id == 0;
  record->sla_state = dw_ticket_get_live_sla_state (ticket);
  record->waiting_since = dw_ticket_get_waiting_since (ticket);
  record->offline = record_offline (self, record);
}

/* Remembers the team's figures before a change, the first time it is touched. */
static TicketSums *
touch (DwTeamStats *self,
       GHashTable  *before,
       gint64       team_id)
{
  TicketSums *sums = ticket_sums_for (self, team_id);

  if (!g_hash_table_contains (before, &team_id))
    g_hash_table_insert (before, id_dup (team_id), g_memdup2 (sums, sizeof *sums));
  return sums;
}

static void
record_apply (DwTeamStats  *self,
              GHashTable   *before,
              const Record *record,
              int           sign)
{
  TicketSums *sums;

  if (record->team_id == 0)
    return;

  sums = touch (self, before, record->team_id);
  if (record->active)
    {
      sums->open += sign;
      sums->unassigned += sign * record->unassigned;
      sums->at_risk += sign * (record->sla_state == DW_SLA_STATE_AT_RISK);
      sums->breached += sign * (record->sla_state == DW_SLA_STATE_BREACHED);
      sums->offline += sign * record->offline;
    }

  if (record->waiting_since == 0)
    return;
  if (sign > 0)
    {
      if (!sums->oldest_stale &&
          (sums->oldest_waiting_since == 0 || record->waiting_since < sums->oldest_waiting_since))
        sums->oldest_waiting_since = record->waiting_since;
      if (!sums->oldest_stale && record->unassigned &&
          (sums->oldest_unassigned_since == 0
           || record->waiting_since < sums->oldest_unassigned_since))
        sums->oldest_unassigned_since = record->waiting_since;
    }
  else if (record->waiting_since <= sums->oldest_waiting_since
           || (record->unassigned && record->waiting_since <= sums->oldest_unassigned_since))
    {
      sums->oldest_stale = TRUE;
    }
}

/* Recomputes the minimum of every team whose minimum left, in one pass over the records. */
static void
refresh_oldest (DwTeamStats *self,
                GHashTable  *before)
{
  GHashTableIter iter;
  gpointer key, value;
  gboolean any = FALSE;

  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      TicketSums *sums = g_hash_table_lookup (self->ticket_sums, key);

      if (sums->oldest_stale)
        {
          sums->oldest_waiting_since = 0;
          sums->oldest_unassigned_since = 0;
          any = TRUE;
        }
    }
  if (!any)
    return;

  for (guint i = 0; i < self->records->len; i++)
    {
      const Record *record = &g_array_index (self->records, Record, i);
      gint64 team_id = record->team_id;  /* the table's keys are gint64 */
      TicketSums *sums;

      if (record->waiting_since == 0 || team_id == 0)
        continue;
      sums = g_hash_table_lookup (self->ticket_sums, &team_id);
      if (!sums->oldest_stale)
        continue;
      if (sums->oldest_waiting_since == 0 || record->waiting_since < sums->oldest_waiting_since)
        sums->oldest_waiting_since = record->waiting_since;
      if (record->unassigned &&
          (sums->oldest_unassigned_since == 0
           || record->waiting_since < sums->oldest_unassigned_since))
        sums->oldest_unassigned_since = record->waiting_since;
    }

  g_hash_table_iter_init (&iter, self->ticket_sums);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    ((TicketSums *) value)->oldest_stale = FALSE;
}

static void
emit_changed_teams (DwTeamStats *self,
                    GHashTable  *before)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const TicketSums *old = value;
      const TicketSums *now = g_hash_table_lookup (self->ticket_sums, key);

      if (old->open != now->open || old->unassigned != now->unassigned ||
          old->at_risk != now->at_risk || old->breached != now->breached ||
          old->offline != now->offline ||
          old->oldest_waiting_since != now->oldest_waiting_since ||
          old->oldest_unassigned_since != now->oldest_unassigned_since)
        g_signal_emit (self, signals[CHANGED], 0, *(gint64 *) key);
    }
}

static gboolean
same_set (GHashTable *a,
          GHashTable *b)
{
  GHashTableIter iter;
  gpointer key;

  if (g_hash_table_size (a) != g_hash_table_size (b))
    return FALSE;
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (b, key))
      return FALSE;
  return TRUE;
}

/* Presence changes are rare next to ticket changes: when the set of offline users changes, the
 * records are walked once to move their "offline" flags. */
static void
update_offline (DwTeamStats *self,
                GHashTable  *offline,
                gboolean     emit)
{
  g_autoptr(GHashTable) before = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  if (same_set (offline, self->offline_users))
    {
      g_hash_table_unref (offline);
      return;
    }

  g_clear_pointer (&self->offline_users, g_hash_table_unref);
  self->offline_users = offline;

  for (guint i = 0; i < self->records->len; i++)
    {
      Record *record = &g_array_index (self->records, Record, i);
      guint8 now = record_offline (self, record);
      TicketSums *sums;

      if (now == record->offline || record->team_id == 0)
        {
          record->offline = now;
          continue;
        }

      sums = touch (self, before, record->team_id);
      if (record->active)
        sums->offline += now ? 1 : -1;
      record->offline = now;
    }

  if (emit)
    emit_changed_teams (self, before);
}

static void
recount_agents (DwTeamStats *self,
                gboolean     emit)
{
  g_autoptr(GHashTable) sums = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (gint64));
  GHashTableIter iter;
  gpointer key, value;
  g_autoptr(GHashTable) offline = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  guint n = g_list_model_get_n_items (self->users);
  AgentSums total = { 0, };

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DwUser) user = g_list_model_get_item (self->users, i);
      GArray *teams;
      gboolean online;

      if (dw_user_get_presence (user) == DW_PRESENCE_OFFLINE)
        g_hash_table_add (offline, id_dup (dw_user_get_id (user)));

      if (dw_user_get_role (user) != DW_ROLE_AGENT)
        continue;

      online = dw_user_get_presence (user) == DW_PRESENCE_ONLINE;
      teams = dw_user_get_teams (user);
      for (guint t = 0; t < teams->len; t++)
        {
          gint64 team_id = g_array_index (teams, DwUserTeam, t).team_id;
          AgentSums *s = g_hash_table_lookup (sums, &team_id);

          if (s == NULL)
            {
              s = g_new0 (AgentSums, 1);
              g_hash_table_insert (sums, id_dup (team_id), s);
            }
          s->total++;
          if (online)
            {
              s->online++;
              s->capacity += dw_user_get_capacity (user);
              s->load += dw_user_get_open_tickets (user);
            }
        }

      total.total++;
      if (online)
        {
          total.online++;
          total.capacity += dw_user_get_capacity (user);
          total.load += dw_user_get_open_tickets (user);
        }
    }

  /* Teams whose figures changed, appeared or went away; told after the swap so that a handler
   * asking for figures already sees the new ones. */
  if (emit)
    {
      static const AgentSums zero = { 0, };

      g_hash_table_iter_init (&iter, sums);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          const AgentSums *old = g_hash_table_lookup (self->agent_sums, key);

          if (memcmp (old != NULL ? old : &zero, value, sizeof zero) != 0)
            g_array_append_val (changed, *(gint64 *) key);
        }
      g_hash_table_iter_init (&iter, self->agent_sums);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (!g_hash_table_contains (sums, key) && memcmp (value, &zero, sizeof zero) != 0)
          g_array_append_val (changed, *(gint64 *) key);
    }

  g_clear_pointer (&self->agent_sums, g_hash_table_unref);
  self->agent_sums = g_steal_pointer (&sums);
  self->agent_total = total;

  for (guint i = 0; i < changed->len; i++)
    g_signal_emit (self, signals[CHANGED], 0, g_array_index (changed, gint64, i));

  update_offline (self, g_steal_pointer (&offline), emit);
}

/* Callbacks */

static void
tickets_items_changed_cb (GListModel  *model,
                          guint        position,
                          guint        removed,
                          guint        added,
                          DwTeamStats *self)
{
  g_autoptr(GHashTable) before = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  g_return_if_fail (position + removed <= self->records->len);

  for (guint i = 0; i < removed; i++)
    record_apply (self, before, &g_array_index (self->records, Record, position + i), -1);
  g_array_remove_range (self->records, position, removed);

  if (added > 0)
    {
      g_autofree Record *fresh = g_new0 (Record, added);

      for (guint i = 0; i < added; i++)
        {
          g_autoptr(DwTicket) ticket = g_list_model_get_item (model, position + i);

          record_from_ticket (self, &fresh[i], ticket);
          record_apply (self, before, &fresh[i], +1);
        }
      g_array_insert_vals (self->records, position, fresh, added);
    }

  refresh_oldest (self, before);
  emit_changed_teams (self, before);
}

static void
users_items_changed_cb (GListModel  *model,
                        guint        position,
                        guint        removed,
                        guint        added,
                        DwTeamStats *self)
{
  recount_agents (self, TRUE);
}

/* Overrides */

static void
dw_team_stats_dispose (GObject *object)
{
  DwTeamStats *self = DW_TEAM_STATS (object);

  g_clear_signal_handler (&self->tickets_handler, self->tickets);
  g_clear_signal_handler (&self->users_handler, self->users);
  g_clear_object (&self->tickets);
  g_clear_object (&self->users);

  G_OBJECT_CLASS (dw_team_stats_parent_class)->dispose (object);
}

static void
dw_team_stats_finalize (GObject *object)
{
  DwTeamStats *self = DW_TEAM_STATS (object);

  g_clear_pointer (&self->records, g_array_unref);
  g_clear_pointer (&self->ticket_sums, g_hash_table_unref);
  g_clear_pointer (&self->agent_sums, g_hash_table_unref);
  g_clear_pointer (&self->offline_users, g_hash_table_unref);

  G_OBJECT_CLASS (dw_team_stats_parent_class)->finalize (object);
}

static void
dw_team_stats_class_init (DwTeamStatsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dw_team_stats_dispose;
  object_class->finalize = dw_team_stats_finalize;

  /* "changed" (gint64 team_id): that team's figures changed. */
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
dw_team_stats_init (DwTeamStats *self)
{
  self->records = g_array_new (FALSE, TRUE, sizeof (Record));
  self->ticket_sums = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->agent_sums = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->offline_users = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

/* Public API */

DwTeamStats *
dw_team_stats_new (GListModel *tickets,
                   GListModel *users)
{
  DwTeamStats *self;
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (tickets), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (users), NULL);

  self = g_object_new (DW_TYPE_TEAM_STATS, NULL);
  self->tickets = g_object_ref (tickets);
  self->users = g_object_ref (users);

  /* In-place updates must come as items-changed for the records to follow them. */
  if (DW_IS_OBJECT_STORE (tickets))
    dw_object_store_set_signal_updates (DW_OBJECT_STORE (tickets), TRUE);
  if (DW_IS_OBJECT_STORE (users))
    dw_object_store_set_signal_updates (DW_OBJECT_STORE (users), TRUE);

  self->tickets_handler = g_signal_connect (tickets, "items-changed",
                                            G_CALLBACK (tickets_items_changed_cb), self);
  self->users_handler = g_signal_connect (users, "items-changed",
                                          G_CALLBACK (users_items_changed_cb), self);

  /* Agents first: the tickets' "offline" flags need the presence of their assignees. */
  recount_agents (self, FALSE);
  n = g_list_model_get_n_items (tickets);
  if (n > 0)
    {
      g_signal_handler_block (tickets, self->tickets_handler);
      tickets_items_changed_cb (tickets, 0, 0, n, self);
      g_signal_handler_unblock (tickets, self->tickets_handler);
    }

  return self;
}

void
dw_team_stats_get (DwTeamStats   *self,
                   gint64         team_id,
                   DwTeamFigures *out)
{
  const TicketSums *tickets;
  const AgentSums *agents;

  g_return_if_fail (DW_IS_TEAM_STATS (self));
  g_return_if_fail (out != NULL);

  memset (out, 0, sizeof *out);
  out->team_id = team_id;

  tickets = g_hash_table_lookup (self->ticket_sums, &team_id);
  if (tickets != NULL)
    {
      out->open = tickets->open;
      out->unassigned = tickets->unassigned;
      out->at_risk = tickets->at_risk;
      out->breached = tickets->breached;
      out->assignee_offline = tickets->offline;
      out->oldest_waiting_since = tickets->oldest_waiting_since;
      out->oldest_unassigned_since = tickets->oldest_unassigned_since;
    }

  agents = g_hash_table_lookup (self->agent_sums, &team_id);
  if (agents != NULL)
    {
      out->agents_online = agents->online;
      out->agents_total = agents->total;
      out->capacity_online = agents->capacity;
      out->load_online = agents->load;
    }
}

void
dw_team_stats_get_total (DwTeamStats   *self,
                         DwTeamFigures *out)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (DW_IS_TEAM_STATS (self));
  g_return_if_fail (out != NULL);

  memset (out, 0, sizeof *out);

  g_hash_table_iter_init (&iter, self->ticket_sums);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const TicketSums *sums = value;

      out->open += sums->open;
      out->unassigned += sums->unassigned;
      out->at_risk += sums->at_risk;
      out->breached += sums->breached;
      out->assignee_offline += sums->offline;
      if (sums->oldest_waiting_since != 0 &&
          (out->oldest_waiting_since == 0 || sums->oldest_waiting_since < out->oldest_waiting_since))
        out->oldest_waiting_since = sums->oldest_waiting_since;
      if (sums->oldest_unassigned_since != 0 &&
          (out->oldest_unassigned_since == 0
           || sums->oldest_unassigned_since < out->oldest_unassigned_since))
        out->oldest_unassigned_since = sums->oldest_unassigned_since;
    }

  out->agents_online = self->agent_total.online;
  out->agents_total = self->agent_total.total;
  out->capacity_online = self->agent_total.capacity;
  out->load_online = self->agent_total.load;
}
