/* dw-sign-in-limit.h: how many password guesses one client and one account get.
 *
 * Three leaky buckets (dw-throttle.h) count failed sign-ins — per client address, per account
 * and address, and per account from any address — and an attempt goes ahead only if all three
 * have room.  Every attempt is counted before its password is checked (so forty guesses sent
 * at once do not all pass) and taken back when it succeeds.  The per-account bucket does not
 * apply from an address the account signed in from lately: an attacker spraying guesses from
 * elsewhere slows everyone else down, but cannot keep the real user out.  Accounts are keyed
 * by the name given, whether or not it exists, so the answers do not tell which do.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define DW_TYPE_SIGN_IN_LIMIT (dw_sign_in_limit_get_type ())
G_DECLARE_FINAL_TYPE (DwSignInLimit, dw_sign_in_limit, DW, SIGN_IN_LIMIT, GObject)

/* The defaults, or DESKWATCH_SIGNIN_PER_ADDRESS, DESKWATCH_SIGNIN_PER_ACCOUNT_ADDRESS and
 * DESKWATCH_SIGNIN_PER_ACCOUNT as "BURST/SECONDS" (failures in a row, then one per SECONDS). */
DwSignInLimit *dw_sign_in_limit_new       (void);

/* Counts an attempt of @username from @address and returns 0, or returns the seconds to wait
 * (counting nothing). */
guint          dw_sign_in_limit_attempt   (DwSignInLimit *self,
                                           const char    *username,
                                           const char    *address);
/* The attempt was not made after all (the service was busy): takes it back. */
void           dw_sign_in_limit_refund    (DwSignInLimit *self,
                                           const char    *username,
                                           const char    *address);
/* Takes the attempt back, forgets the failures of @username from @address, and remembers the
 * address as one the account signs in from. */
void           dw_sign_in_limit_succeeded (DwSignInLimit *self,
                                           const char    *username,
                                           const char    *address);

G_END_DECLS
