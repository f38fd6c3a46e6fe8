/* dw-snapshot-compact.h: the compact snapshot (docs/api.md "Compact snapshot").
 *
 * GET /api/v1/snapshot with "Accept: application/x-deskwatch-snapshot+gvariant" answers one
 * GVariant of DW_SNAPSHOT_COMPACT_TYPE instead of JSON: the small parts (seq, me, teams, users,
 * policies) as the JSON text they always were, and the tickets as columns, their fixed-size
 * members as one array of records that both sides read as the C structs below (zero-copy,
 * g_variant_get_fixed_array), repeated strings (enums, business types, tags, SLA target names)
 * as indices into one table.  Lists of strings are "ay" of NUL-terminated UTF-8 one after the
 * other rather than "as": GLib 2.74 checks an untrusted "as" element by element against all the
 * offsets before it, which made reading 100k subjects quadratic (11 s).  At 100k tickets the JSON form is 108 MB whose json-glib tree is
 * ~1 GB; this one is read without building any tree.
 *
 * The service writes it (src/server/dw-api-snapshot.c), the console reads it here; both use the
 * structs, so their layout is checked against the type string at build time.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "dw-ticket.h"

G_BEGIN_DECLS

#define DW_SNAPSHOT_COMPACT_CONTENT_TYPE "application/x-deskwatch-snapshot+gvariant"
#define DW_SNAPSHOT_COMPACT_VERSION      1

/* Version 1.  Field order and meaning: docs/api.md "Compact snapshot". */
#define DW_SNAPSHOT_COMPACT_TICKET_TYPE "(xxxxxxxxxxxuuuuuuiiuuu)"
#define DW_SNAPSHOT_COMPACT_SLA_TYPE    "(xxxxuuui)"
#define DW_SNAPSHOT_COMPACT_TYPE \
  "(usaya" DW_SNAPSHOT_COMPACT_TICKET_TYPE "ayayayayaua" DW_SNAPSHOT_COMPACT_SLA_TYPE ")"

/* Children of the top-level tuple. */
enum
{
  DW_SNAPSHOT_COMPACT_VERSION_FIELD,
  DW_SNAPSHOT_COMPACT_REST,           /* s: the JSON snapshot without "tickets" */
  DW_SNAPSHOT_COMPACT_STRINGS,        /* the table; index 0 is "" and stands for null */
  DW_SNAPSHOT_COMPACT_TICKETS,        /* a(…): DwCompactTicket, one per ticket, by id */
  DW_SNAPSHOT_COMPACT_SUBJECTS,       /* one per ticket */
  DW_SNAPSHOT_COMPACT_BODIES,         /* one per ticket ("" when null, see nulls) */
  DW_SNAPSHOT_COMPACT_ORDER_NUMBERS,  /* one per ticket ("" when null) */
  DW_SNAPSHOT_COMPACT_CSAT_COMMENTS,  /* one per ticket ("" when null) */
  DW_SNAPSHOT_COMPACT_TAGS,           /* au: string indices, n_tags of each ticket in turn */
  DW_SNAPSHOT_COMPACT_SLA,            /* a(…): DwCompactSlaTarget, n_sla of each ticket in turn */
  DW_SNAPSHOT_COMPACT_N_FIELDS
};

/* DwCompactTicket.nulls: which of the per-ticket string columns is null rather than "". */
typedef enum
{
  DW_COMPACT_NULL_BODY         = 1 << 0,
  DW_COMPACT_NULL_ORDER_NUMBER = 1 << 1,
  DW_COMPACT_NULL_CSAT_COMMENT = 1 << 2,
  /* A member held text the form cannot carry (a NUL inside, from a damaged or old row): the
   * console leaves the ticket out, as it does a JSON ticket it cannot read. */
  DW_COMPACT_UNREADABLE        = 1 << 7,
} DwCompactNulls;

/* The string index of a repeated string the form cannot carry (a NUL inside): out of the
 * table's range, so the ticket holding it is left out. */
#define DW_COMPACT_STRING_UNREADABLE G_MAXUINT32

/* Ids and times (Unix seconds) are 0 for null, as in DwTicket; string members are indices into
 * the table (0: null). */
typedef struct
{
  gint64  id;
  gint64  team_id;
  gint64  assignee_id;
  gint64  customer_id;
  gint64  created_at;
  gint64  updated_at;
  gint64  first_response_at;
  gint64  solved_at;
  gint64  version;
  gint64  sla_policy_id;
  gint64  next_sla_at;
  guint32 channel;
  guint32 business_type;
  guint32 priority;
  guint32 status;
  guint32 sla_state;
  guint32 breach;
  gint32  escalation_level;
  gint32  csat;              /* 0: null */
  guint32 n_tags;
  guint32 n_sla;
  guint32 nulls;             /* DwCompactNulls */
} DwCompactTicket;

typedef struct
{
  gint64  elapsed_seconds;
  gint64  at_risk_at;
  gint64  due_at;
  gint64  met_at;
  guint32 target;
  guint32 state;
  guint32 paused_reason;
  gint32  target_minutes;
} DwCompactSlaTarget;

/* What a snapshot, in either form, comes to once read: the JSON members other than "tickets"
 * and the ticket objects (built off the main thread; handed over to it). */
typedef struct
{
  JsonObject *rest;
  GPtrArray  *tickets;    /* of DwTicket *, in id order */
  guint       n_invalid;  /* tickets left out: the console could not read them */
  GString    *invalid;    /* why, "; tickets[i]: …" for the first few */
} DwSnapshotData;

void            dw_snapshot_data_free          (DwSnapshotData *data);

/* Reads a compact snapshot (@bytes, not kept).  A ticket it cannot read is left out and
 * counted; a snapshot whose structure is wrong fails with DW_CLIENT_ERROR_PROTOCOL.  Safe on
 * any input: GVariant checks every access against the data's size. */
DwSnapshotData *dw_snapshot_compact_read       (GBytes         *bytes,
                                                GCancellable   *cancellable,
                                                GError        **error);

/* Reads a JSON snapshot (the text of @bytes) the same way. */
DwSnapshotData *dw_snapshot_json_read          (GBytes         *bytes,
                                                GCancellable   *cancellable,
                                                GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DwSnapshotData, dw_snapshot_data_free)

G_END_DECLS
