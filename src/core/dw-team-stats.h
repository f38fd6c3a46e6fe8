/* dw-team-stats.h: per-team queue figures computed from the live ticket and user lists.
 *
 * For each team: its active tickets, how many of them are unassigned, since when the
 * longest-waiting one waits (and the longest-waiting unassigned one), how many are at risk or
 * have a breach running, how many wait on an agent who is offline, and its agents: how many are
 * online of how many, and the load (open tickets) against the capacity of those online.
 * Each figure is defined once, in docs/api.md "Figures", the same as the API's.
 *
 * The figures follow the lists incrementally.  A ticket's contribution is remembered per
 * position, so an items-changed of the tickets list costs only the items it names; in-place
 * updates must therefore be reported as items-changed too, which is why a DwObjectStore given
 * here has its "signal-updates" turned on.  Agents are few, so the agent figures are recounted
 * on any change of the users list.  "changed" (gint64 team_id) is emitted for each team whose
 * figures changed, at most once per list change.
 *
 * Only tickets with a team count; the figures of a team that has none are all zero.
 * Agents are the team's members with the role agent (leads and admins are not counted).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  gint64 team_id;
  guint  open;                 /* "Active": tickets new, open, pending or on-hold */
  guint  unassigned;           /* active tickets without an assignee */
  gint64 oldest_waiting_since; /* smallest non-zero "waiting-since" of its tickets; 0: none */
  gint64 oldest_unassigned_since; /* the same over its unassigned tickets only */
  guint  at_risk;              /* active tickets whose live SLA state is at-risk */
  guint  breached;             /* active tickets with a breach running (live state breached) */
  guint  assignee_offline;     /* new/open tickets whose assignee is offline (to be handed back) */
  guint  agents_online;
  guint  agents_total;
  guint  capacity_online;      /* sum of the capacity of the online agents */
  guint  load_online;          /* sum of the open tickets of the online agents */
} DwTeamFigures;

#define DW_TYPE_TEAM_STATS (dw_team_stats_get_type ())
G_DECLARE_FINAL_TYPE (DwTeamStats, dw_team_stats, DW, TEAM_STATS, GObject)

/* @tickets: of DwTicket; @users: of DwUser (both not taken, kept referenced). */
DwTeamStats *dw_team_stats_new          (GListModel    *tickets,
                                         GListModel    *users);

/* Fills @out with the figures of @team_id (zeros for a team without tickets or members). */
void         dw_team_stats_get          (DwTeamStats   *self,
                                         gint64         team_id,
                                         DwTeamFigures *out);

/* The same over all teams (agents counted once even when in several teams); team_id 0. */
void         dw_team_stats_get_total    (DwTeamStats   *self,
                                         DwTeamFigures *out);

G_END_DECLS
