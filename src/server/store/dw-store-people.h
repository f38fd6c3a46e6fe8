/* dw-store-people.h: the named operations on the desk's users — their rows, team memberships,
 * skills and presence — and on the tickets an offline agent leaves behind (dw-desk-people.c).
 *
 * Credentials are dw-store-auth.h's; the existence checks the ticket paths need,
 * dw-store-directory.h's.  Times are Unix seconds.  Inside the caller's transaction.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "store/dw-store-backend.h"

G_BEGIN_DECLS

/* A new user (presence offline since @created_at).  Borrowed. */
typedef struct
{
  const char *username;
  const char *display_name;
  int         role;            /* DwRole */
  const char *password_hash;   /* NULL: cannot sign in */
  gint64      capacity;
  gint64      created_at;
} DwStoreUserNew;

/* What an update writes.  Borrowed. */
typedef struct
{
  const char *display_name;    /* NULL: unchanged */
  int         role;            /* DwRole */
  gint64      capacity;
  gboolean    disabled;
  gboolean    set_password;    /* FALSE: the hash is left as it is */
  const char *password_hash;   /* with set_password: the new one, NULL to remove it */
} DwStoreUserChange;

/* A ticket of an offline agent whose team's grace is over. */
typedef struct
{
  gint64 ticket_id;
  gint64 team_id;
  gint64 assignee_id;
  gint64 presence_since;       /* when its assignee went offline */
  int    grace_minutes;        /* the team's offline_grace_minutes */
} DwStoreStrandedRow;

/* A team's columns as a create or an update writes them.  Borrowed. */
typedef struct
{
  const char *name;            /* update: NULL leaves it */
  const char *description;     /* NULL: "" (create), unchanged (update) */
  gint64      calendar_id;     /* 0: none (create: a constraint error), unchanged (update) */
  gint64      created_at;      /* create only */
} DwStoreTeamWrite;

/* Whose customers a reader sees (docs/api.md "Customers"): every one (@all), or those of
 * the tickets assigned to @user_id or, for a lead, of its @team_ids, and those @user_id
 * recorded itself. */
typedef struct
{
  gboolean      all;
  gint64        user_id;
  const GArray *team_ids;      /* gint64; NULL or empty: none */
} DwStoreCustomerScope;

/* A customer's columns as a create or an update writes them.  Borrowed. */
typedef struct
{
  const char *name;            /* update: NULL leaves it */
  const char *email;
  const char *phone;
  const char *tags;            /* JSON array */
  gboolean    set_email;       /* update: whether to write each of these three */
  gboolean    set_phone;
  gboolean    set_tags;
  gint64      created_at;      /* create only */
} DwStoreCustomerWrite;

/* Which users a reader sees (docs/api.md "Users"): every one (@all), or itself and, for a
 * lead, the members of its @team_ids. */
typedef struct
{
  gboolean      all;
  gint64        user_id;
  const GArray *team_ids;      /* gint64; NULL or empty: none */
} DwStoreUserScope;

struct _DwStorePeopleOps
{
  JsonObject *(*user_load_json)     (DwStore                  *store,
                                     gint64                    user_id,
                                     GError                  **error);
  gint64      (*user_insert)        (DwStore                  *store,
                                     const DwStoreUserNew     *user,
                                     GError                  **error);
  gboolean    (*user_update)        (DwStore                  *store,
                                     gint64                    user_id,
                                     const DwStoreUserChange  *change,
                                     GError                  **error);
  gboolean    (*memberships_clear)  (DwStore                  *store,
                                     gint64                    user_id,
                                     GError                  **error);
  gboolean    (*membership_insert)  (DwStore                  *store,
                                     gint64                    team_id,
                                     gint64                    user_id,
                                     gboolean                  is_lead,
                                     GError                  **error);
  gboolean    (*skills_clear)       (DwStore                  *store,
                                     gint64                    user_id,
                                     GError                  **error);
  gboolean    (*skill_insert)       (DwStore                  *store,
                                     gint64                    user_id,
                                     const char               *skill,
                                     gint64                    level,
                                     GError                  **error);
  gboolean    (*presence_set)       (DwStore                  *store,
                                     gint64                    user_id,
                                     int                       presence,
                                     gint64                    at,
                                     GError                  **error);
  GArray     *(*stranded_due)       (DwStore                  *store,
                                     gint64                    now,
                                     GError                  **error);
  gint64      (*stranded_next_at)   (DwStore                  *store,
                                     GError                  **error);
  gboolean    (*ticket_hand_back)   (DwStore                  *store,
                                     gint64                    ticket_id,
                                     gint64                    at,
                                     GError                  **error);
  JsonObject *(*team_load_json)     (DwStore                  *store,
                                     gint64                    team_id,
                                     GError                  **error);
  gint64      (*team_insert)        (DwStore                  *store,
                                     const DwStoreTeamWrite   *team,
                                     GError                  **error);
  gboolean    (*team_update)        (DwStore                  *store,
                                     gint64                    team_id,
                                     const DwStoreTeamWrite   *team,
                                     GError                  **error);
  gboolean    (*team_set_grace)     (DwStore                  *store,
                                     gint64                    team_id,
                                     gint64                    minutes,
                                     GError                  **error);
  gint64      (*calendar_first)     (DwStore                  *store,
                                     GError                  **error);
  gboolean    (*business_type_put)  (DwStore                  *store,
                                     const char               *key,
                                     const char               *name,
                                     gint64                    team_id,
                                     gboolean                  set_skill,
                                     const char               *skill,
                                     GError                  **error);
  JsonObject *(*customer_load_json) (DwStore                      *store,
                                     gint64                        customer_id,
                                     GError                      **error);
  gboolean    (*customer_visible)   (DwStore                      *store,
                                     const DwStoreCustomerScope   *scope,
                                     gint64                        customer_id);
  gint64      (*customer_insert)    (DwStore                      *store,
                                     const DwStoreCustomerWrite   *customer,
                                     GError                      **error);
  gboolean    (*customer_update)    (DwStore                      *store,
                                     gint64                        customer_id,
                                     const DwStoreCustomerWrite   *customer,
                                     GError                      **error);
  GPtrArray  *(*customer_list)      (DwStore                      *store,
                                     const DwStoreCustomerScope   *scope,
                                     gint64                        after_id,
                                     const char                   *pattern,
                                     guint                         limit,
                                     GError                      **error);
  JsonArray  *(*team_list_json)     (DwStore                      *store,
                                     GError                      **error);
  JsonArray  *(*user_list_json)     (DwStore                      *store,
                                     const DwStoreUserScope       *scope,
                                     gint64                        team_id,
                                     int                           presence,
                                     GError                      **error);
  gboolean    (*user_visible)       (DwStore                      *store,
                                     const DwStoreUserScope       *scope,
                                     gint64                        user_id);
  JsonArray  *(*policy_list_json)   (DwStore                      *store,
                                     GError                      **error);
  JsonObject *(*policy_load_json)   (DwStore                      *store,
                                     gint64                        policy_id,
                                     GError                      **error);
  JsonArray  *(*calendar_list_json) (DwStore                      *store,
                                     GError                      **error);
  JsonObject *(*calendar_load_json) (DwStore                      *store,
                                     gint64                        calendar_id,
                                     GError                      **error);
};

/* The user as the object of docs/api.md (teams, skills, open_tickets);
 * DW_STORE_ERROR_NOT_FOUND for an unknown id. */
static inline JsonObject *
dw_store_user_load_json (DwStore  *store,
                         gint64    user_id,
                         GError  **error)
{
  return store->backend->people->user_load_json (store, user_id, error);
}

/* The new user's id, or 0 with @error: DW_STORE_ERROR_CONFLICT when the username is taken,
 * _CONSTRAINT for any other violated constraint. */
static inline gint64
dw_store_user_insert (DwStore               *store,
                      const DwStoreUserNew  *user,
                      GError               **error)
{
  return store->backend->people->user_insert (store, user, error);
}

static inline gboolean
dw_store_user_update (DwStore                  *store,
                      gint64                    user_id,
                      const DwStoreUserChange  *change,
                      GError                  **error)
{
  return store->backend->people->user_update (store, user_id, change, error);
}

/* Takes @user_id out of every team (before its teams are written anew). */
static inline gboolean
dw_store_memberships_clear (DwStore  *store,
                            gint64    user_id,
                            GError  **error)
{
  return store->backend->people->memberships_clear (store, user_id, error);
}

/* DW_STORE_ERROR_CONSTRAINT when the user is in the team already, or either is unknown. */
static inline gboolean
dw_store_membership_insert (DwStore   *store,
                            gint64     team_id,
                            gint64     user_id,
                            gboolean   is_lead,
                            GError   **error)
{
  return store->backend->people->membership_insert (store, team_id, user_id, is_lead, error);
}

static inline gboolean
dw_store_skills_clear (DwStore  *store,
                       gint64    user_id,
                       GError  **error)
{
  return store->backend->people->skills_clear (store, user_id, error);
}

/* DW_STORE_ERROR_CONSTRAINT when the user has the skill already or @level is not 1 to 5. */
static inline gboolean
dw_store_skill_insert (DwStore     *store,
                       gint64       user_id,
                       const char  *skill,
                       gint64       level,
                       GError     **error)
{
  return store->backend->people->skill_insert (store, user_id, skill, level, error);
}

/* Sets the user's presence (DwPresence) since @at and logs it in presence_log. */
static inline gboolean
dw_store_presence_set (DwStore  *store,
                       gint64    user_id,
                       int       presence,
                       gint64    at,
                       GError  **error)
{
  return store->backend->people->presence_set (store, user_id, presence, at, error);
}

/* DwStoreStrandedRow: the new or open tickets of offline agents whose team's grace is over at
 * @now, by ticket id; NULL with @error. */
static inline GArray *
dw_store_stranded_due (DwStore  *store,
                       gint64    now,
                       GError  **error)
{
  return store->backend->people->stranded_due (store, now, error);
}

/* The earliest moment a ticket of an offline agent is due to be handed back; 0 for none (or
 * with @error). */
static inline gint64
dw_store_stranded_next_at (DwStore  *store,
                           GError  **error)
{
  return store->backend->people->stranded_next_at (store, error);
}

/* Takes the ticket from its assignee (back to its team's queue), one version up. */
static inline gboolean
dw_store_ticket_hand_back (DwStore  *store,
                           gint64    ticket_id,
                           gint64    at,
                           GError  **error)
{
  return store->backend->people->ticket_hand_back (store, ticket_id, at, error);
}

/* The team as the object of docs/api.md (with its business types, by key);
 * DW_STORE_ERROR_NOT_FOUND for an unknown id. */
static inline JsonObject *
dw_store_team_load_json (DwStore  *store,
                         gint64    team_id,
                         GError  **error)
{
  return store->backend->people->team_load_json (store, team_id, error);
}

/* The new team's id, or 0 with @error: DW_STORE_ERROR_CONFLICT when the name is taken,
 * _CONSTRAINT when the calendar is missing or unknown. */
static inline gint64
dw_store_team_insert (DwStore                 *store,
                      const DwStoreTeamWrite  *team,
                      GError                 **error)
{
  return store->backend->people->team_insert (store, team, error);
}

/* Errors as dw_store_team_insert's. */
static inline gboolean
dw_store_team_update (DwStore                 *store,
                      gint64                   team_id,
                      const DwStoreTeamWrite  *team,
                      GError                 **error)
{
  return store->backend->people->team_update (store, team_id, team, error);
}

static inline gboolean
dw_store_team_set_grace (DwStore  *store,
                         gint64    team_id,
                         gint64    minutes,
                         GError  **error)
{
  return store->backend->people->team_set_grace (store, team_id, minutes, error);
}

/* The calendar with the lowest id (a new team's default); 0 if there is none. */
static inline gint64
dw_store_calendar_first (DwStore  *store,
                         GError  **error)
{
  return store->backend->people->calendar_first (store, error);
}

/* Creates business type @key for @team_id (named @name, or its key), or moves it there (and
 * renames it unless @name is NULL); its skill is written only with @set_skill. */
static inline gboolean
dw_store_business_type_put (DwStore     *store,
                            const char  *key,
                            const char  *name,
                            gint64       team_id,
                            gboolean     set_skill,
                            const char  *skill,
                            GError     **error)
{
  return store->backend->people->business_type_put (store, key, name, team_id, set_skill, skill,
                                                    error);
}

/* The customer as the object of docs/api.md; DW_STORE_ERROR_NOT_FOUND for an unknown id. */
static inline JsonObject *
dw_store_customer_load_json (DwStore  *store,
                             gint64    customer_id,
                             GError  **error)
{
  return store->backend->people->customer_load_json (store, customer_id, error);
}

/* Whether customer @customer_id exists and @scope sees it (FALSE on an error too). */
static inline gboolean
dw_store_customer_visible (DwStore                     *store,
                           const DwStoreCustomerScope  *scope,
                           gint64                       customer_id)
{
  return store->backend->people->customer_visible (store, scope, customer_id);
}

static inline gint64
dw_store_customer_insert (DwStore                     *store,
                          const DwStoreCustomerWrite  *customer,
                          GError                     **error)
{
  return store->backend->people->customer_insert (store, customer, error);
}

static inline gboolean
dw_store_customer_update (DwStore                     *store,
                          gint64                       customer_id,
                          const DwStoreCustomerWrite  *customer,
                          GError                     **error)
{
  return store->backend->people->customer_update (store, customer_id, customer, error);
}

/* The customers @scope sees with ids above @after_id, by id, at most @limit (JsonObject, the
 * objects of docs/api.md).  @pattern: a LIKE pattern with \ as its escape, matched against
 * name, email and phone, ASCII letters in either case (SQLite's LIKE); NULL for all. */
static inline GPtrArray *
dw_store_customer_list (DwStore                     *store,
                        const DwStoreCustomerScope  *scope,
                        gint64                       after_id,
                        const char                  *pattern,
                        guint                        limit,
                        GError                     **error)
{
  return store->backend->people->customer_list (store, scope, after_id, pattern, limit, error);
}

/* Every team as the objects of docs/api.md, by id. */
static inline JsonArray *
dw_store_team_list_json (DwStore  *store,
                         GError  **error)
{
  return store->backend->people->team_list_json (store, error);
}

/* The users @scope sees as the objects of docs/api.md, by id: only the members of @team_id
 * unless 0, only those of @presence (DwPresence) unless -1. */
static inline JsonArray *
dw_store_user_list_json (DwStore                 *store,
                         const DwStoreUserScope  *scope,
                         gint64                   team_id,
                         int                      presence,
                         GError                 **error)
{
  return store->backend->people->user_list_json (store, scope, team_id, presence, error);
}

/* Whether user @user_id exists and @scope sees it (FALSE on an error too). */
static inline gboolean
dw_store_user_visible (DwStore                 *store,
                       const DwStoreUserScope  *scope,
                       gint64                   user_id)
{
  return store->backend->people->user_visible (store, scope, user_id);
}

/* The SLA policies and calendars as the directory's API reads them (docs/api.md): every one
 * (policies by position, then id; calendars by id), or one (DW_STORE_ERROR_NOT_FOUND). */
static inline JsonArray *
dw_store_policy_list_json (DwStore  *store,
                           GError  **error)
{
  return store->backend->people->policy_list_json (store, error);
}

static inline JsonObject *
dw_store_policy_load_json (DwStore  *store,
                           gint64    policy_id,
                           GError  **error)
{
  return store->backend->people->policy_load_json (store, policy_id, error);
}

static inline JsonArray *
dw_store_calendar_list_json (DwStore  *store,
                             GError  **error)
{
  return store->backend->people->calendar_list_json (store, error);
}

static inline JsonObject *
dw_store_calendar_load_json (DwStore  *store,
                             gint64    calendar_id,
                             GError  **error)
{
  return store->backend->people->calendar_load_json (store, calendar_id, error);
}

G_END_DECLS
