/* dw-problem.h: JSON replies and RFC 9457 problem documents (docs/api.md "Errors").
 *
 * Every error the API answers goes through here, so each one has the same four members
 * (type, title, status, detail) and Content-Type application/problem+json.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define DW_PROBLEM_TYPE_BASE "https://deskwatch.org/problems/"

/* @type_suffix: e.g. "validation" (appended to DW_PROBLEM_TYPE_BASE); @title: short and fixed
 * per type; @detail_format: what exactly was wrong, for a person to read. */
void dw_problem_reply       (SoupServerMessage *msg,
                             guint              status,
                             const char        *type_suffix,
                             const char        *title,
                             const char        *detail_format,
                             ...) G_GNUC_PRINTF (5, 6);

/* The problem document itself, as JSON text (for replies written without SoupServer). */
char *dw_problem_to_string  (guint              status,
                             const char        *type_suffix,
                             const char        *title,
                             const char        *detail);

/* Seconds a client waits before trying again when the database is unavailable: about what
 * PostgreSQL takes to restart, and more than the store's reconnect interval. */
#define DW_PROBLEM_RETRY_AFTER_UNAVAILABLE "2"
/* Retry-After of a write that kept losing to other instances' writes (503 contended): the
 * contention is usually over within a second. */
#define DW_PROBLEM_RETRY_AFTER_CONTENDED "1"
/* Retry-After of a write that waited the PostgreSQL lock_timeout for a lock held by another
 * session (503 contended): such a lock (an operator's open transaction, a migration) lasts
 * longer, and every try stops the instance's main loop for the whole lock_timeout again. */
#define DW_PROBLEM_RETRY_AFTER_LOCKED "5"

/* Maps @error (DW_DESK_ERROR, DW_AUTH_ERROR, DW_STORE_ERROR, anything else) onto the right
 * status and problem type; unexpected errors become a 500 "internal" problem and are logged.
 * DW_STORE_ERROR_UNAVAILABLE is 503 "unavailable" with a Retry-After header;
 * DW_STORE_ERROR_CONFLICT (a write that lost to other writes every time it ran, dw_desk_write)
 * is 503 "contended", with one too, as is DW_STORE_ERROR_LOCK_TIMEOUT (a lock held elsewhere
 * for longer than the lock_timeout). */
void dw_problem_reply_error (SoupServerMessage *msg,
                             const GError      *error);
/* 503 "contended" with Retry-After DW_PROBLEM_RETRY_AFTER_LOCKED, for @error, a
 * DW_STORE_ERROR_LOCK_TIMEOUT (also a group commit's). */
void dw_problem_reply_locked (SoupServerMessage *msg,
                              const GError      *error);

/* Replies @status with @node serialised as application/json; @node is not taken. */
void dw_json_reply          (SoupServerMessage *msg,
                             guint              status,
                             JsonNode          *node);

/* Same with an object (not taken). */
void dw_json_reply_object   (SoupServerMessage *msg,
                             guint              status,
                             JsonObject        *object);

/* Replies @status with @text, JSON already (taken). */
void dw_json_reply_text     (SoupServerMessage *msg,
                             guint              status,
                             char              *text);

G_END_DECLS
