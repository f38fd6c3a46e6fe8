/* Unit tests of DwTeamStats (per-team queue figures) and DwTicketCriteria (local ticket
 * filter), with hand-counted expectations over small hand-made desks. */
#include "config.h"

#include "dw-clock.h"
#include "dw-object-store.h"
#include "dw-team-stats.h"
#include "dw-ticket-filter.h"
#include "dw-ticket.h"
#include "dw-user.h"

static gint64
ticket_id (gpointer item)
{
  return dw_ticket_get_id (item);
}

static gint64
user_id (gpointer item)
{
  return dw_user_get_id (item);
}

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* A ticket of @team (0: none) with the given fields; times around 1000000. */
static DwTicket *
make_ticket (gint64      id,
             gint64      team,
             gint64      assignee,
             const char *status,
             const char *sla_state,
             gint64      created_at)
{
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  DwTicket *ticket;
  g_autofree char *team_s = team ? g_strdup_printf ("%" G_GINT64_FORMAT, team) : g_strdup ("null");
  g_autofree char *assignee_s = assignee ? g_strdup_printf ("%" G_GINT64_FORMAT, assignee)
                                         : g_strdup ("null");
  g_autofree char *created = dw_time_to_iso8601 (created_at);

  json = g_strdup_printf ("{\"id\": %" G_GINT64_FORMAT ", \"subject\": \"Ticket %" G_GINT64_FORMAT "\","
                          " \"channel\": \"web\", \"priority\": \"normal\", \"status\": \"%s\","
                          " \"team_id\": %s, \"assignee_id\": %s, \"sla_state\": \"%s\","
                          " \"created_at\": \"%s\", \"updated_at\": \"%s\", \"version\": 1}",
                          id, id, status, team_s, assignee_s, sla_state, created, created);
  object = parse_object (json);
  ticket = dw_ticket_new_from_json (object, &error);
  g_assert_no_error (error);
  return ticket;
}

static DwUser *
make_user (gint64      id,
           const char *role,
           const char *presence,
           int         capacity,
           int         open_tickets,
           const char *teams_json)
{
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  DwUser *user;

  json = g_strdup_printf ("{\"id\": %" G_GINT64_FORMAT ", \"username\": \"u%" G_GINT64_FORMAT "\","
                          " \"display_name\": \"User %" G_GINT64_FORMAT "\", \"role\": \"%s\","
                          " \"presence\": \"%s\", \"capacity\": %d, \"open_tickets\": %d,"
                          " \"teams\": %s}",
                          id, id, id, role, presence, capacity, open_tickets, teams_json);
  object = parse_object (json);
  user = dw_user_new_from_json (object, &error);
  g_assert_no_error (error);
  return user;
}

static void
add_ticket (DwObjectStore *store,
            DwTicket      *ticket)
{
  dw_object_store_add (store, ticket);
  g_object_unref (ticket);
}

static void
count_changed_cb (DwTeamStats *stats,
                  gint64       team_id,
                  GArray      *seen)
{
  g_array_append_val (seen, team_id);
}

static gboolean
seen_team (GArray *seen,
           gint64  team_id)
{
  for (guint i = 0; i < seen->len; i++)
    if (g_array_index (seen, gint64, i) == team_id)
      return TRUE;
  return FALSE;
}

/* Team 1 has tickets 1–5, agents 11 (online) and 12 (away) and lead 13 (online); team 2 has
 * tickets 6–7 and agent 14 (online), who is also the only member of team 3; ticket 8 has no
 * team. */
static void
make_desk (DwObjectStore **out_tickets,
           DwObjectStore **out_users)
{
  DwObjectStore *tickets = dw_object_store_new (DW_TYPE_TICKET, ticket_id);
  DwObjectStore *users = dw_object_store_new (DW_TYPE_USER, user_id);
  DwUser *user;

  add_ticket (tickets, make_ticket (1, 1, 0, "new", "ok", 1000));           /* waiting, unassigned */
  add_ticket (tickets, make_ticket (2, 1, 11, "open", "at-risk", 900));    /* waiting since 900 */
  add_ticket (tickets, make_ticket (3, 1, 11, "pending", "paused", 500));  /* not waiting on us */
  add_ticket (tickets, make_ticket (4, 1, 0, "open", "breached", 950));   /* unassigned, breached */
  add_ticket (tickets, make_ticket (5, 1, 11, "solved", "breached", 100)); /* done: not counted */
  add_ticket (tickets, make_ticket (6, 2, 14, "open", "ok", 2000));
  add_ticket (tickets, make_ticket (7, 2, 0, "on-hold", "at-risk", 1500));
  add_ticket (tickets, make_ticket (8, 0, 0, "new", "ok", 10));            /* no team yet */

  user = make_user (11, "agent", "online", 6, 3, "[{\"id\": 1, \"is_lead\": false}]");
  dw_object_store_add (users, user);
  g_object_unref (user);
  user = make_user (12, "agent", "away", 5, 1, "[{\"id\": 1, \"is_lead\": false}]");
  dw_object_store_add (users, user);
  g_object_unref (user);
  user = make_user (13, "lead", "online", 2, 0, "[{\"id\": 1, \"is_lead\": true}]");
  dw_object_store_add (users, user);
  g_object_unref (user);
  user = make_user (14, "agent", "online", 4, 2,
                    "[{\"id\": 2, \"is_lead\": false}, {\"id\": 3, \"is_lead\": false}]");
  dw_object_store_add (users, user);
  g_object_unref (user);

  *out_tickets = tickets;
  *out_users = users;
}

static void
test_stats_initial (void)
{
  g_autoptr(DwObjectStore) tickets = NULL;
  g_autoptr(DwObjectStore) users = NULL;
  g_autoptr(DwTeamStats) stats = NULL;
  DwTeamFigures f;

  make_desk (&tickets, &users);
  stats = dw_team_stats_new (G_LIST_MODEL (tickets), G_LIST_MODEL (users));
  g_assert_true (dw_object_store_get_signal_updates (tickets));

  dw_team_stats_get (stats, 1, &f);
  g_assert_cmpint (f.team_id, ==, 1);
  g_assert_cmpuint (f.open, ==, 4);            /* 1, 2, 3, 4 */
  g_assert_cmpuint (f.unassigned, ==, 2);      /* 1, 4 */
  g_assert_cmpuint (f.at_risk, ==, 1);         /* 2 */
  g_assert_cmpuint (f.breached, ==, 1);        /* 4 (5 is solved) */
  g_assert_cmpint (f.oldest_waiting_since, ==, 900);  /* 2; 3 is pending, 5 solved */
  g_assert_cmpuint (f.agents_total, ==, 2);    /* 11, 12; the lead does not count */
  g_assert_cmpuint (f.agents_online, ==, 1);
  g_assert_cmpuint (f.capacity_online, ==, 6);
  g_assert_cmpuint (f.load_online, ==, 3);

  dw_team_stats_get (stats, 2, &f);
  g_assert_cmpuint (f.open, ==, 2);
  g_assert_cmpuint (f.unassigned, ==, 1);
  g_assert_cmpuint (f.at_risk, ==, 1);
  g_assert_cmpuint (f.breached, ==, 0);
  g_assert_cmpint (f.oldest_waiting_since, ==, 2000);  /* 7 is on hold */
  g_assert_cmpuint (f.agents_online, ==, 1);
  g_assert_cmpuint (f.agents_total, ==, 1);
  g_assert_cmpuint (f.capacity_online, ==, 4);
  g_assert_cmpuint (f.load_online, ==, 2);

  /* Team 3: no tickets, one agent. */
  dw_team_stats_get (stats, 3, &f);
  g_assert_cmpuint (f.open, ==, 0);
  g_assert_cmpint (f.oldest_waiting_since, ==, 0);
  g_assert_cmpuint (f.agents_total, ==, 1);

  dw_team_stats_get (stats, 99, &f);
  g_assert_cmpuint (f.open, ==, 0);
  g_assert_cmpuint (f.agents_total, ==, 0);

  /* Totals: ticket 8 has no team and is left out; agent 14 counted once. */
  dw_team_stats_get_total (stats, &f);
  g_assert_cmpuint (f.open, ==, 6);
  g_assert_cmpuint (f.unassigned, ==, 3);
  g_assert_cmpuint (f.at_risk, ==, 2);
  g_assert_cmpuint (f.breached, ==, 1);
  g_assert_cmpint (f.oldest_waiting_since, ==, 900);
  g_assert_cmpuint (f.agents_total, ==, 3);
  g_assert_cmpuint (f.agents_online, ==, 2);
  g_assert_cmpuint (f.capacity_online, ==, 10);
  g_assert_cmpuint (f.load_online, ==, 5);
}

static void
test_stats_updates (void)
{
  g_autoptr(DwObjectStore) tickets = NULL;
  g_autoptr(DwObjectStore) users = NULL;
  g_autoptr(DwTeamStats) stats = NULL;
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(JsonObject) change = NULL;
  DwTicket *ticket;
  DwUser *user;
  DwTeamFigures f;

  make_desk (&tickets, &users);
  stats = dw_team_stats_new (G_LIST_MODEL (tickets), G_LIST_MODEL (users));
  g_signal_connect (stats, "changed", G_CALLBACK (count_changed_cb), seen);

  /* Assigning ticket 1 (in place, as DwSync does it). */
  ticket = dw_object_store_lookup (tickets, 1);
  dw_ticket_set_assignee_id (ticket, 12);
  dw_object_store_item_updated (tickets, ticket);
  dw_team_stats_get (stats, 1, &f);
  g_assert_cmpuint (f.unassigned, ==, 1);
  g_assert_cmpuint (f.open, ==, 4);
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_true (seen_team (seen, 1));

  /* A change that moves no figure is not told. */
  g_array_set_size (seen, 0);
  g_object_set (ticket, "subject", "Renamed", NULL);
  dw_object_store_item_updated (tickets, ticket);
  g_assert_cmpuint (seen->len, ==, 0);

  /* Ticket 2 (the oldest waiting of team 1) goes pending: the next oldest is 4 (950). */
  ticket = dw_object_store_lookup (tickets, 2);
  change = parse_object ("{\"status\": \"pending\", \"sla_state\": \"paused\"}");
  g_assert_true (dw_ticket_update_from_json (ticket, change, NULL));
  dw_object_store_item_updated (tickets, ticket);
  dw_team_stats_get (stats, 1, &f);
  g_assert_cmpint (f.oldest_waiting_since, ==, 950);
  g_assert_cmpuint (f.at_risk, ==, 0);
  g_assert_cmpuint (f.open, ==, 4);

  /* Ticket 4 moves to team 2: both teams change. */
  g_array_set_size (seen, 0);
  ticket = dw_object_store_lookup (tickets, 4);
  dw_ticket_set_team_id (ticket, 2);
  dw_object_store_item_updated (tickets, ticket);
  g_assert_true (seen_team (seen, 1));
  g_assert_true (seen_team (seen, 2));
  dw_team_stats_get (stats, 1, &f);
  g_assert_cmpuint (f.open, ==, 3);
  g_assert_cmpuint (f.unassigned, ==, 0);
  g_assert_cmpuint (f.breached, ==, 0);
  g_assert_cmpint (f.oldest_waiting_since, ==, 1000);
  dw_team_stats_get (stats, 2, &f);
  g_assert_cmpuint (f.open, ==, 3);
  g_assert_cmpuint (f.unassigned, ==, 2);
  g_assert_cmpuint (f.breached, ==, 1);
  g_assert_cmpint (f.oldest_waiting_since, ==, 950);

  /* A new ticket, then removing it again. */
  add_ticket (tickets, make_ticket (20, 1, 0, "new", "breached", 300));
  dw_team_stats_get (stats, 1, &f);
  g_assert_cmpuint (f.open, ==, 4);
  g_assert_cmpuint (f.unassigned, ==, 1);
  g_assert_cmpuint (f.breached, ==, 1);
  g_assert_cmpint (f.oldest_waiting_since, ==, 300);
  g_assert_true (dw_object_store_remove (tickets, 20));
  dw_team_stats_get (stats, 1, &f);
  g_assert_cmpuint (f.open, ==, 3);
  g_assert_cmpuint (f.breached, ==, 0);
  g_assert_cmpint (f.oldest_waiting_since, ==, 1000);

  /* Agent 12 comes online; agent 11 goes offline. */
  g_array_set_size (seen, 0);
  user = dw_object_store_lookup (users, 12);
  dw_user_set_presence (user, DW_PRESENCE_ONLINE);
  dw_object_store_item_updated (users, user);
  g_assert_true (seen_team (seen, 1));
  g_assert_false (seen_team (seen, 2));
  user = dw_object_store_lookup (users, 11);
  dw_user_set_presence (user, DW_PRESENCE_OFFLINE);
  dw_object_store_item_updated (users, user);
  dw_team_stats_get (stats, 1, &f);
  g_assert_cmpuint (f.agents_online, ==, 1);
  g_assert_cmpuint (f.agents_total, ==, 2);
  g_assert_cmpuint (f.capacity_online, ==, 5);
  g_assert_cmpuint (f.load_online, ==, 1);

  /* Removing agent 14 empties teams 2 and 3. */
  g_array_set_size (seen, 0);
  g_assert_true (dw_object_store_remove (users, 14));
  g_assert_true (seen_team (seen, 2));
  g_assert_true (seen_team (seen, 3));
  dw_team_stats_get (stats, 3, &f);
  g_assert_cmpuint (f.agents_total, ==, 0);

  dw_object_store_remove_all (tickets);
  dw_team_stats_get (stats, 1, &f);
  g_assert_cmpuint (f.open, ==, 0);
  g_assert_cmpint (f.oldest_waiting_since, ==, 0);
}

/* The figures follow docs/api.md "Figures": a breach counts while it runs, a settled one does
 * not; "oldest unassigned" looks at unassigned tickets only; tickets waiting on an offline
 * agent are counted. */

static guint count_matches (DwTicketCriteria *criteria,
                            DwObjectStore    *tickets);

/* A ticket of team 1 with an "sla" array: @targets is the JSON of its entries. */
static DwTicket *
make_sla_ticket (gint64      id,
                 gint64      assignee,
                 const char *status,
                 const char *sla_state,
                 const char *targets)
{
  g_autofree char *json = NULL;
  g_autofree char *assignee_s = assignee ? g_strdup_printf ("%" G_GINT64_FORMAT, assignee)
                                         : g_strdup ("null");
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  DwTicket *ticket;

  json = g_strdup_printf ("{\"id\": %" G_GINT64_FORMAT ", \"subject\": \"T\", \"channel\": \"web\","
                          " \"priority\": \"normal\", \"status\": \"%s\", \"team_id\": 1,"
                          " \"assignee_id\": %s, \"sla_state\": \"%s\", \"sla\": %s,"
                          " \"created_at\": \"1970-01-01T00:16:40Z\","
                          " \"updated_at\": \"1970-01-01T00:16:40Z\", \"version\": 1}",
                          id, status, assignee_s, sla_state, targets);
  object = parse_object (json);
  ticket = dw_ticket_new_from_json (object, &error);
  g_assert_no_error (error);
  return ticket;
}

#define SETTLED_FIRST \
  "{\"target\": \"first-response\", \"state\": \"breached\", \"target_minutes\": 30," \
  " \"elapsed_seconds\": 2400, \"at_risk_at\": null, \"due_at\": null," \
  " \"met_at\": \"1970-01-01T00:40:00Z\", \"paused_reason\": null}"
#define RUNNING_FIRST \
  "{\"target\": \"first-response\", \"state\": \"breached\", \"target_minutes\": 30," \
  " \"elapsed_seconds\": 2400, \"at_risk_at\": \"1970-01-01T00:30:00Z\"," \
  " \"due_at\": \"1970-01-01T00:40:00Z\", \"met_at\": null, \"paused_reason\": null}"
#define AT_RISK_RESOLUTION \
  "{\"target\": \"resolution\", \"state\": \"at-risk\", \"target_minutes\": 480," \
  " \"elapsed_seconds\": 25000, \"at_risk_at\": \"1970-01-01T06:00:00Z\"," \
  " \"due_at\": \"1970-01-01T08:00:00Z\", \"met_at\": null, \"paused_reason\": null}"
#define OK_RESOLUTION \
  "{\"target\": \"resolution\", \"state\": \"ok\", \"target_minutes\": 480," \
  " \"elapsed_seconds\": 100, \"at_risk_at\": \"1970-01-01T06:00:00Z\"," \
  " \"due_at\": \"1970-01-01T08:00:00Z\", \"met_at\": null, \"paused_reason\": null}"

static void
test_stats_definitions (void)
{
  g_autoptr(DwObjectStore) tickets = dw_object_store_new (DW_TYPE_TICKET, ticket_id);
  g_autoptr(DwObjectStore) users = dw_object_store_new (DW_TYPE_USER, user_id);
  g_autoptr(DwTeamStats) stats = NULL;
  g_autoptr(DwTicketCriteria) criteria = dw_ticket_criteria_new ();
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (gint64));
  DwTicket *ticket;
  DwUser *user;
  DwTeamFigures f;

  /* 1: late first reply already sent, resolution at risk — settled, at risk.
   * 2: late first reply still owed — running.
   * 3: the same, waiting on the customer — still running (the reply is owed).
   * 4: late first reply settled, then solved — settled, not active.
   * 5: no breach at all. */
  add_ticket (tickets, make_sla_ticket (1, 11, "open", "breached",
                                        "[" SETTLED_FIRST ", " AT_RISK_RESOLUTION "]"));
  add_ticket (tickets, make_sla_ticket (2, 11, "open", "breached",
                                        "[" RUNNING_FIRST ", " OK_RESOLUTION "]"));
  add_ticket (tickets, make_sla_ticket (3, 0, "pending", "breached",
                                        "[" RUNNING_FIRST ", " OK_RESOLUTION "]"));
  add_ticket (tickets, make_sla_ticket (4, 11, "solved", "breached", "[" SETTLED_FIRST "]"));
  add_ticket (tickets, make_sla_ticket (5, 0, "new", "ok", "[" OK_RESOLUTION "]"));

  g_assert_cmpint (dw_ticket_get_breach (dw_object_store_lookup (tickets, 1)), ==,
                   DW_BREACH_SETTLED);
  g_assert_cmpint (dw_ticket_get_breach (dw_object_store_lookup (tickets, 2)), ==,
                   DW_BREACH_RUNNING);
  g_assert_cmpint (dw_ticket_get_breach (dw_object_store_lookup (tickets, 3)), ==,
                   DW_BREACH_RUNNING);
  g_assert_cmpint (dw_ticket_get_breach (dw_object_store_lookup (tickets, 4)), ==,
                   DW_BREACH_SETTLED);
  g_assert_cmpint (dw_ticket_get_breach (dw_object_store_lookup (tickets, 5)), ==,
                   DW_BREACH_NONE);
  g_assert_cmpint (dw_ticket_get_live_sla_state (dw_object_store_lookup (tickets, 1)), ==,
                   DW_SLA_STATE_AT_RISK);
  g_assert_cmpstr (dw_breach_to_string (DW_BREACH_RUNNING), ==, "running");

  user = make_user (11, "agent", "online", 5, 3, "[{\"id\": 1, \"is_lead\": false}]");
  dw_object_store_add (users, user);
  g_object_unref (user);

  stats = dw_team_stats_new (G_LIST_MODEL (tickets), G_LIST_MODEL (users));
  g_signal_connect (stats, "changed", G_CALLBACK (count_changed_cb), seen);
  dw_team_stats_get (stats, 1, &f);
  g_assert_cmpuint (f.open, ==, 4);             /* 1, 2, 3, 5 */
  g_assert_cmpuint (f.breached, ==, 2);         /* 2, 3: breach running; not 1 (settled) */
  g_assert_cmpuint (f.at_risk, ==, 1);          /* 1: its live state */
  g_assert_cmpuint (f.unassigned, ==, 2);       /* 3, 5 */
  g_assert_cmpint (f.oldest_waiting_since, ==, 1000);     /* 1, 2 and 5 wait on the desk */
  g_assert_cmpint (f.oldest_unassigned_since, ==, 1000);  /* 5 (3 is pending) */
  g_assert_cmpuint (f.assignee_offline, ==, 0);

  /* The ticket list's "Breached" filter counts the same tickets. */
  dw_ticket_criteria_set_statuses (criteria, DW_STATUS_MASK_ACTIVE);
  dw_ticket_criteria_set_sla_states (criteria, 1u << DW_SLA_STATE_BREACHED);
  g_assert_cmpuint (count_matches (criteria, tickets), ==, f.breached);
  dw_ticket_criteria_set_sla_states (criteria, 1u << DW_SLA_STATE_AT_RISK);
  g_assert_cmpuint (count_matches (criteria, tickets), ==, f.at_risk);

  /* An assigned ticket older than the unassigned ones does not make "oldest unassigned". */
  add_ticket (tickets, make_ticket (6, 1, 11, "open", "ok", 400));
  add_ticket (tickets, make_ticket (7, 1, 0, "new", "ok", 700));
  dw_team_stats_get (stats, 1, &f);
  g_assert_cmpint (f.oldest_waiting_since, ==, 400);
  g_assert_cmpint (f.oldest_unassigned_since, ==, 700);
  g_assert_true (dw_object_store_remove (tickets, 7));
  dw_team_stats_get (stats, 1, &f);
  g_assert_cmpint (f.oldest_unassigned_since, ==, 1000);

  /* The agent goes offline: its new/open tickets (1, 2, 6) wait on an offline agent; the
   * solved one does not count. */
  g_array_set_size (seen, 0);
  user = dw_object_store_lookup (users, 11);
  dw_user_set_presence (user, DW_PRESENCE_OFFLINE);
  dw_object_store_item_updated (users, user);
  g_assert_true (seen_team (seen, 1));
  dw_team_stats_get (stats, 1, &f);
  g_assert_cmpuint (f.assignee_offline, ==, 3);
  dw_team_stats_get_total (stats, &f);
  g_assert_cmpuint (f.assignee_offline, ==, 3);

  /* One is handed back to the queue; one goes pending (it waits on the customer now). */
  ticket = dw_object_store_lookup (tickets, 6);
  dw_ticket_set_assignee_id (ticket, 0);
  dw_object_store_item_updated (tickets, ticket);
  ticket = dw_object_store_lookup (tickets, 2);
  {
    g_autoptr(JsonObject) change = parse_object ("{\"status\": \"pending\"}");

    g_assert_true (dw_ticket_update_from_json (ticket, change, NULL));
  }
  dw_object_store_item_updated (tickets, ticket);
  dw_team_stats_get (stats, 1, &f);
  g_assert_cmpuint (f.assignee_offline, ==, 1);
  g_assert_cmpint (f.oldest_unassigned_since, ==, 400);

  /* Back online: nothing waits on an offline agent. */
  dw_user_set_presence (user, DW_PRESENCE_ONLINE);
  dw_object_store_item_updated (users, user);
  dw_team_stats_get (stats, 1, &f);
  g_assert_cmpuint (f.assignee_offline, ==, 0);
}

/* Criteria */

static void
record_change_cb (DwTicketCriteria *criteria,
                  int               change,
                  int              *last)
{
  *last = change;
}

static guint
count_matches (DwTicketCriteria *criteria,
               DwObjectStore    *tickets)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (tickets)); i++)
    {
      g_autoptr(DwTicket) ticket = g_list_model_get_item (G_LIST_MODEL (tickets), i);

      n += dw_ticket_criteria_match (criteria, ticket);
    }
  return n;
}

static const char *
customer_name (gint64   customer_id,
               gpointer user_data)
{
  return customer_id == 31 ? "王先生 Wang" : NULL;
}

static void
test_criteria_match (void)
{
  g_autoptr(DwObjectStore) tickets = NULL;
  g_autoptr(DwObjectStore) users = NULL;
  g_autoptr(DwTicketCriteria) criteria = dw_ticket_criteria_new ();
  g_autoptr(JsonObject) change = NULL;
  DwTicket *ticket;

  make_desk (&tickets, &users);
  g_assert_true (dw_ticket_criteria_is_empty (criteria));
  g_assert_cmpuint (count_matches (criteria, tickets), ==, 8);

  dw_ticket_criteria_set_team_id (criteria, 1);
  g_assert_cmpuint (count_matches (criteria, tickets), ==, 5);
  dw_ticket_criteria_set_statuses (criteria, DW_STATUS_MASK_ACTIVE);
  g_assert_cmpuint (count_matches (criteria, tickets), ==, 4);
  dw_ticket_criteria_set_assignee (criteria, DW_ASSIGNEE_MATCH_UNASSIGNED, 0);
  g_assert_cmpuint (count_matches (criteria, tickets), ==, 2);   /* 1, 4 */
  dw_ticket_criteria_set_assignee (criteria, DW_ASSIGNEE_MATCH_ASSIGNED, 0);
  g_assert_cmpuint (count_matches (criteria, tickets), ==, 2);   /* 2, 3 */
  dw_ticket_criteria_set_assignee (criteria, DW_ASSIGNEE_MATCH_USER, 11);
  g_assert_cmpuint (count_matches (criteria, tickets), ==, 2);   /* 2, 3 */
  dw_ticket_criteria_set_statuses (criteria, DW_STATUS_MASK (DW_STATUS_PENDING));
  g_assert_cmpuint (count_matches (criteria, tickets), ==, 1);   /* 3 */
  g_assert_false (dw_ticket_criteria_is_empty (criteria));

  dw_ticket_criteria_reset (criteria);
  g_assert_true (dw_ticket_criteria_is_empty (criteria));
  dw_ticket_criteria_set_sla_states (criteria, 1u << DW_SLA_STATE_BREACHED);
  g_assert_cmpuint (count_matches (criteria, tickets), ==, 2);   /* 4, 5 */
  dw_ticket_criteria_set_sla_states (criteria, (1u << DW_SLA_STATE_BREACHED) |
                                               (1u << DW_SLA_STATE_AT_RISK));
  g_assert_cmpuint (count_matches (criteria, tickets), ==, 4);   /* 2, 4, 5, 7 */
  dw_ticket_criteria_reset (criteria);

  /* Priority and channel. */
  ticket = dw_object_store_lookup (tickets, 6);
  change = parse_object ("{\"priority\": \"urgent\", \"channel\": \"wechat\","
                         " \"subject\": \"快递三天没动 REFUND\", \"order_number\": \"PDD2026-889\","
                         " \"customer_id\": 31}");
  g_assert_true (dw_ticket_update_from_json (ticket, change, NULL));
  dw_ticket_criteria_set_priorities (criteria, 1u << DW_PRIORITY_URGENT);
  g_assert_cmpuint (count_matches (criteria, tickets), ==, 1);
  dw_ticket_criteria_set_priorities (criteria, (1u << DW_PRIORITY_URGENT) | (1u << DW_PRIORITY_NORMAL));
  g_assert_cmpuint (count_matches (criteria, tickets), ==, 8);
  dw_ticket_criteria_set_channels (criteria, 1u << DW_CHANNEL_WECHAT);
  g_assert_cmpuint (count_matches (criteria, tickets), ==, 1);
  dw_ticket_criteria_reset (criteria);

  /* Text: subject (case-insensitive, full-width folded), order number, number, customer. */
  dw_ticket_criteria_set_text (criteria, "快递");
  g_assert_cmpuint (count_matches (criteria, tickets), ==, 1);
  dw_ticket_criteria_set_text (criteria, "  refund ");
  g_assert_cmpstr (dw_ticket_criteria_get_text (criteria), ==, "refund");
  g_assert_cmpuint (count_matches (criteria, tickets), ==, 1);
  dw_ticket_criteria_set_text (criteria, "ＲＥＦＵＮＤ");
  g_assert_cmpuint (count_matches (criteria, tickets), ==, 1);
  dw_ticket_criteria_set_text (criteria, "pdd2026");
  g_assert_cmpuint (count_matches (criteria, tickets), ==, 1);
  dw_ticket_criteria_set_text (criteria, "#7");
  g_assert_cmpuint (count_matches (criteria, tickets), ==, 1);
  dw_ticket_criteria_set_text (criteria, "ticket 7");  /* the subject "Ticket 7" */
  g_assert_cmpuint (count_matches (criteria, tickets), ==, 1);
  dw_ticket_criteria_set_text (criteria, "wang");
  g_assert_cmpuint (count_matches (criteria, tickets), ==, 0);
  dw_ticket_criteria_set_customer_name_func (criteria, customer_name, NULL, NULL);
  g_assert_cmpuint (count_matches (criteria, tickets), ==, 1);
  dw_ticket_criteria_set_text (criteria, "");
  g_assert_null (dw_ticket_criteria_get_text (criteria));
  g_assert_true (dw_ticket_criteria_is_empty (criteria));
}

static void
test_criteria_changes (void)
{
  g_autoptr(DwTicketCriteria) criteria = dw_ticket_criteria_new ();
  g_autoptr(DwTicketCriteria) other = dw_ticket_criteria_new ();
  int last = -1;

  g_signal_connect (criteria, "changed", G_CALLBACK (record_change_cb), &last);

  g_assert_cmpint (dw_ticket_criteria_set_team_id (criteria, 0), ==, DW_CRITERIA_CHANGE_NONE);
  g_assert_cmpint (last, ==, -1);
  g_assert_cmpint (dw_ticket_criteria_set_team_id (criteria, 2), ==, DW_CRITERIA_CHANGE_MORE_STRICT);
  g_assert_cmpint (last, ==, DW_CRITERIA_CHANGE_MORE_STRICT);
  g_assert_cmpint (dw_ticket_criteria_set_team_id (criteria, 3), ==, DW_CRITERIA_CHANGE_DIFFERENT);
  g_assert_cmpint (dw_ticket_criteria_set_team_id (criteria, 0), ==, DW_CRITERIA_CHANGE_LESS_STRICT);

  g_assert_cmpint (dw_ticket_criteria_set_statuses (criteria, 0x3), ==, DW_CRITERIA_CHANGE_MORE_STRICT);
  g_assert_cmpint (dw_ticket_criteria_set_statuses (criteria, 0x1), ==, DW_CRITERIA_CHANGE_MORE_STRICT);
  g_assert_cmpint (dw_ticket_criteria_set_statuses (criteria, 0x5), ==, DW_CRITERIA_CHANGE_LESS_STRICT);
  g_assert_cmpint (dw_ticket_criteria_set_statuses (criteria, 0x2), ==, DW_CRITERIA_CHANGE_DIFFERENT);
  g_assert_cmpint (dw_ticket_criteria_set_statuses (criteria, 0), ==, DW_CRITERIA_CHANGE_LESS_STRICT);

  g_assert_cmpint (dw_ticket_criteria_set_assignee (criteria, DW_ASSIGNEE_MATCH_ASSIGNED, 0), ==,
                   DW_CRITERIA_CHANGE_MORE_STRICT);
  g_assert_cmpint (dw_ticket_criteria_set_assignee (criteria, DW_ASSIGNEE_MATCH_USER, 4), ==,
                   DW_CRITERIA_CHANGE_MORE_STRICT);
  g_assert_cmpint (dw_ticket_criteria_set_assignee (criteria, DW_ASSIGNEE_MATCH_USER, 5), ==,
                   DW_CRITERIA_CHANGE_DIFFERENT);
  g_assert_cmpint (dw_ticket_criteria_set_assignee (criteria, DW_ASSIGNEE_MATCH_UNASSIGNED, 9), ==,
                   DW_CRITERIA_CHANGE_DIFFERENT);
  g_assert_cmpint (dw_ticket_criteria_set_assignee (criteria, DW_ASSIGNEE_MATCH_ANY, 0), ==,
                   DW_CRITERIA_CHANGE_LESS_STRICT);

  g_assert_cmpint (dw_ticket_criteria_set_text (criteria, "ab"), ==, DW_CRITERIA_CHANGE_MORE_STRICT);
  g_assert_cmpint (dw_ticket_criteria_set_text (criteria, "abc"), ==, DW_CRITERIA_CHANGE_MORE_STRICT);
  g_assert_cmpint (dw_ticket_criteria_set_text (criteria, "abc "), ==, DW_CRITERIA_CHANGE_NONE);
  g_assert_cmpint (dw_ticket_criteria_set_text (criteria, "bc"), ==, DW_CRITERIA_CHANGE_LESS_STRICT);
  g_assert_cmpint (dw_ticket_criteria_set_text (criteria, "xy"), ==, DW_CRITERIA_CHANGE_DIFFERENT);
  g_assert_cmpint (dw_ticket_criteria_set_text (criteria, "1"), ==, DW_CRITERIA_CHANGE_DIFFERENT);
  g_assert_cmpint (dw_ticket_criteria_set_text (criteria, "12"), ==, DW_CRITERIA_CHANGE_DIFFERENT);
  g_assert_cmpint (dw_ticket_criteria_set_text (criteria, NULL), ==, DW_CRITERIA_CHANGE_LESS_STRICT);

  /* Assigning several criteria at once: one signal, the combined change. */
  dw_ticket_criteria_set_team_id (other, 1);
  dw_ticket_criteria_set_sla_states (other, 1u << DW_SLA_STATE_BREACHED);
  last = -1;
  g_assert_cmpint (dw_ticket_criteria_assign (criteria, other), ==, DW_CRITERIA_CHANGE_MORE_STRICT);
  g_assert_cmpint (last, ==, DW_CRITERIA_CHANGE_MORE_STRICT);
  g_assert_cmpint (dw_ticket_criteria_get_team_id (criteria), ==, 1);
  dw_ticket_criteria_set_team_id (other, 2);
  dw_ticket_criteria_set_sla_states (other, 0);
  g_assert_cmpint (dw_ticket_criteria_assign (criteria, other), ==, DW_CRITERIA_CHANGE_DIFFERENT);
  g_assert_cmpint (dw_ticket_criteria_assign (criteria, other), ==, DW_CRITERIA_CHANGE_NONE);
  g_assert_cmpint (dw_ticket_criteria_reset (criteria), ==, DW_CRITERIA_CHANGE_LESS_STRICT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/team-stats/initial", test_stats_initial);
  g_test_add_func ("/team-stats/updates", test_stats_updates);
  g_test_add_func ("/team-stats/definitions", test_stats_definitions);
  g_test_add_func ("/ticket-criteria/match", test_criteria_match);
  g_test_add_func ("/ticket-criteria/changes", test_criteria_changes);

  return g_test_run ();
}
