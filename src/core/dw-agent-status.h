/* dw-agent-status.h: one agent now (docs/api.md "Each agent now", GET /api/v1/agents/status)
 * as a GObject, and the sorting and filtering the Agents section applies to a list of them.
 *
 * Properties are the wire members in kebab-case and notify only on change, as in dw-user.h, so
 * a refetched list is reconciled into the same objects (dw_agent_status_store_apply) and the
 * rows that show them update in place.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "dw-enums.h"

G_BEGIN_DECLS

#define DW_TYPE_AGENT_STATUS (dw_agent_status_get_type ())
G_DECLARE_FINAL_TYPE (DwAgentStatus, dw_agent_status, DW, AGENT_STATUS, GObject)

/* What the Now list sorts by. */
typedef enum
{
  DW_AGENT_SORT_NAME,      /* display name, collated */
  DW_AGENT_SORT_PRESENCE,  /* online, away, offline; then longest in it first */
  DW_AGENT_SORT_LOAD,      /* load ÷ capacity (a capacity of 0 with load counts as full) */
  DW_AGENT_SORT_WAITING,   /* oldest waiting first; agents with nothing waiting last */
  DW_AGENT_SORT_SLA,       /* breached, then at risk; most trouble first */
} DwAgentSortKey;

/* Required: user_id, display_name, presence, capacity, load.  Unknown members are ignored;
 * oldest_waiting_* may be null. */
DwAgentStatus *dw_agent_status_new_from_json        (JsonObject     *object,
                                                     GError        **error);
/* In place; notifies only what changed.  FALSE (nothing changed) on a bad object or another
 * user's. */
gboolean       dw_agent_status_update_from_json     (DwAgentStatus  *self,
                                                     JsonObject     *object,
                                                     GError        **error);

gint64         dw_agent_status_get_user_id          (DwAgentStatus  *self);
const char    *dw_agent_status_get_display_name     (DwAgentStatus  *self);
DwPresence     dw_agent_status_get_presence         (DwAgentStatus  *self);
gint64         dw_agent_status_get_presence_since   (DwAgentStatus  *self);
int            dw_agent_status_get_capacity         (DwAgentStatus  *self);
int            dw_agent_status_get_load             (DwAgentStatus  *self);
/* 0 when nothing waits on the agent. */
gint64         dw_agent_status_get_oldest_waiting_since     (DwAgentStatus *self);
gint64         dw_agent_status_get_oldest_waiting_ticket_id (DwAgentStatus *self);
int            dw_agent_status_get_at_risk          (DwAgentStatus  *self);
int            dw_agent_status_get_breached         (DwAgentStatus  *self);

/* Reconciles the "items" of a GET /agents/status answer into @store (of DwAgentStatus):
 * agents already there are updated in place, new ones appended, gone ones removed, so a view
 * keeps its rows.  Items that cannot be read are left out and counted in *@n_skipped (may be
 * NULL).  FALSE with @error when @items is not an array of objects at all. */
gboolean       dw_agent_status_store_apply          (GListStore     *store,
                                                     JsonNode       *items,
                                                     guint          *n_skipped,
                                                     GError        **error);

/* <0, 0, >0 as @a sorts before, with, after @b by @key (ascending); ties by name, then id. */
int            dw_agent_status_compare              (DwAgentStatus  *a,
                                                     DwAgentStatus  *b,
                                                     DwAgentSortKey  key);
/* Whether @self passes the Now list's filters: @search (NULL or "" for any) found in the
 * display name ignoring case, and @presence (a DwPresence, or -1 for any). */
gboolean       dw_agent_status_matches              (DwAgentStatus  *self,
                                                     const char     *search,
                                                     int             presence);

G_END_DECLS
