/* dw-store-routing.h: the named operations on what routing reads of the desk's
 * configuration: keyword rules, business types and the intake default team. */
#pragma once

#include "store/dw-store-backend.h"

G_BEGIN_DECLS

typedef struct
{
  char *keyword;
  char *business_type;
} DwStoreRoutingRule;

struct _DwStoreRoutingOps
{
  GArray  *(*rules_list)           (DwStore     *store,
                                    GError     **error);
  gboolean (*rules_version)        (DwStore     *store,
                                    guint64     *version);
  gboolean (*business_type_exists) (DwStore     *store,
                                    const char  *key,
                                    GError     **error);
  gboolean (*business_type_team)   (DwStore     *store,
                                    const char  *key,
                                    gint64      *team_id,
                                    char       **team_name,
                                    GError     **error);
  gboolean (*default_team)         (DwStore     *store,
                                    gint64      *team_id,
                                    GError     **error);
};

/* The keyword rules in their order (position, then id): a GArray of DwStoreRoutingRule that
 * frees its strings; NULL with @error. */
static inline GArray *
dw_store_routing_rules_list (DwStore  *store,
                             GError  **error)
{
  return store->backend->routing->rules_list (store, error);
}

/* A number that changes whenever the routing rules may have (written by this connection or
 * committed by another), and not with other writes of this connection's: the classifier is
 * kept while it stays.  FALSE when the backend has none (PostgreSQL: other instances write;
 * the rules are read and compared each time). */
static inline gboolean
dw_store_routing_rules_version (DwStore *store,
                                guint64 *version)
{
  return store->backend->routing->rules_version (store, version);
}

/* TRUE when business type @key is configured; FALSE when not, or with @error. */
static inline gboolean
dw_store_business_type_exists (DwStore     *store,
                               const char  *key,
                               GError     **error)
{
  return store->backend->routing->business_type_exists (store, key, error);
}

/* The team of business type @key and its name (@team_id 0 and @team_name untouched when the
 * type has none or is unknown); FALSE with @error. */
static inline gboolean
dw_store_business_type_team (DwStore     *store,
                             const char  *key,
                             gint64      *team_id,
                             char       **team_name,
                             GError     **error)
{
  return store->backend->routing->business_type_team (store, key, team_id, team_name, error);
}

/* The setting intake.default_team_id as stored (0 when unset; not checked against teams). */
static inline gboolean
dw_store_intake_default_team (DwStore  *store,
                              gint64   *team_id,
                              GError  **error)
{
  return store->backend->routing->default_team (store, team_id, error);
}

G_END_DECLS
