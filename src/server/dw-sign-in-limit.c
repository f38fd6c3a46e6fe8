#define G_LOG_DOMAIN "dw-auth"

#include "dw-sign-in-limit.h"

#include <string.h>

#include "dw-throttle.h"

/* Defaults (burst, seconds):
 * - per address: 30 failures, then one a minute.  Generous, because a whole office may sign in
 *   through one address; it bounds one machine to 60 guesses an hour over all accounts.
 * - per account and address: 5, then one every 5 minutes (12 guesses an hour).
 * - per account from addresses it has not signed in from: 20, then one every 5 minutes. */
#define PER_ADDRESS_BURST          30
#define PER_ADDRESS_SECONDS        60
#define PER_ACCOUNT_ADDRESS_BURST   5
#define PER_ACCOUNT_ADDRESS_SECONDS 300
#define PER_ACCOUNT_BURST          20
#define PER_ACCOUNT_SECONDS        300

/* Memory: at most this many keys per bucket table, and known (account, address) pairs, each
 * remembered for 30 days. */
#define MAX_KEYS    100000
#define KNOWN_USEC  ((gint64) 30 * 24 * 3600 * G_USEC_PER_SEC)

/* Longer names cannot exist (1–64 characters); a prefix keys them as well as the whole. */
#define MAX_NAME_BYTES 256

struct _DwSignInLimit
{
  GObject     parent_instance;

  DwThrottle *per_address;
  DwThrottle *per_account_address;
  DwThrottle *per_account;
  GHashTable *known;   /* "account\naddress" → (gint64 *) last success */
};

G_DEFINE_FINAL_TYPE (DwSignInLimit, dw_sign_in_limit, G_TYPE_OBJECT)

static DwThrottle *
throttle_from_env (const char *name,
                   guint       burst,
                   guint       seconds)
{
  const char *value = g_getenv (name);

  if (value != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (value, "/", 2);
      guint64 b, s;

      if (g_strv_length (parts) == 2
          && g_ascii_string_to_unsigned (parts[0], 10, 1, G_MAXUINT, &b, NULL)
          && g_ascii_string_to_unsigned (parts[1], 10, 1, G_MAXUINT, &s, NULL))
        {
          burst = (guint) b;
          seconds = (guint) s;
        }
      else
        {
          g_message ("Ignoring %s=%s: expected BURST/SECONDS", name, value);
        }
    }

  return dw_throttle_new (burst, (gint64) seconds * G_USEC_PER_SEC, MAX_KEYS);
}

static char *
account_key (const char *username)
{
  return g_strndup (username, MAX_NAME_BYTES);
}

static char *
pair_key (const char *username,
          const char *address)
{
  g_autofree char *name = account_key (username);

  return g_strconcat (name, "\n", address, NULL);
}

static gboolean
is_known (DwSignInLimit *self,
          const char    *pair,
          gint64         now)
{
  gint64 *last = g_hash_table_lookup (self->known, pair);

  return last != NULL && now - *last < KNOWN_USEC;
}

static gboolean
known_expired (gpointer key,
               gpointer value,
               gpointer data)
{
  return *(gint64 *) data - *(gint64 *) value >= KNOWN_USEC;
}

static void
dw_sign_in_limit_finalize (GObject *object)
{
  DwSignInLimit *self = DW_SIGN_IN_LIMIT (object);

  dw_throttle_free (self->per_address);
  dw_throttle_free (self->per_account_address);
  dw_throttle_free (self->per_account);
  g_hash_table_unref (self->known);

  G_OBJECT_CLASS (dw_sign_in_limit_parent_class)->finalize (object);
}

static void
dw_sign_in_limit_class_init (DwSignInLimitClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dw_sign_in_limit_finalize;
}

static void
dw_sign_in_limit_init (DwSignInLimit *self)
{
  self->per_address = throttle_from_env ("DESKWATCH_SIGNIN_PER_ADDRESS", PER_ADDRESS_BURST,
                                         PER_ADDRESS_SECONDS);
  self->per_account_address = throttle_from_env ("DESKWATCH_SIGNIN_PER_ACCOUNT_ADDRESS",
                                                 PER_ACCOUNT_ADDRESS_BURST,
                                                 PER_ACCOUNT_ADDRESS_SECONDS);
  self->per_account = throttle_from_env ("DESKWATCH_SIGNIN_PER_ACCOUNT", PER_ACCOUNT_BURST,
                                         PER_ACCOUNT_SECONDS);
  self->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

DwSignInLimit *
dw_sign_in_limit_new (void)
{
  return g_object_new (DW_TYPE_SIGN_IN_LIMIT, NULL);
}

guint
dw_sign_in_limit_attempt (DwSignInLimit *self,
                          const char    *username,
                          const char    *address)
{
  g_autofree char *account = account_key (username);
  g_autofree char *pair = pair_key (username, address);
  gint64 now = g_get_monotonic_time ();
  gboolean known = is_known (self, pair, now);
  gint64 wait;

  g_return_val_if_fail (DW_IS_SIGN_IN_LIMIT (self), 0);

  wait = MAX (dw_throttle_get_wait (self->per_address, address, now),
              dw_throttle_get_wait (self->per_account_address, pair, now));
  if (!known)
    wait = MAX (wait, dw_throttle_get_wait (self->per_account, account, now));

  if (wait > 0)
    return (guint) MAX ((wait + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, 1);

  dw_throttle_add (self->per_address, address, now);
  dw_throttle_add (self->per_account_address, pair, now);
  if (!known)
    dw_throttle_add (self->per_account, account, now);
  return 0;
}

void
dw_sign_in_limit_refund (DwSignInLimit *self,
                         const char    *username,
                         const char    *address)
{
  g_autofree char *account = account_key (username);
  g_autofree char *pair = pair_key (username, address);
  gint64 now = g_get_monotonic_time ();

  g_return_if_fail (DW_IS_SIGN_IN_LIMIT (self));

  dw_throttle_remove (self->per_address, address, now);
  dw_throttle_remove (self->per_account_address, pair, now);
  if (!is_known (self, pair, now))
    dw_throttle_remove (self->per_account, account, now);
}

void
dw_sign_in_limit_succeeded (DwSignInLimit *self,
                            const char    *username,
                            const char    *address)
{
  g_autofree char *pair = pair_key (username, address);
  gint64 now = g_get_monotonic_time ();
  gint64 *last = g_new (gint64, 1);

  g_return_if_fail (DW_IS_SIGN_IN_LIMIT (self));

  /* The attempt is not a failure.  The address and the account keep their other failures: a
   * good password for one account buys no guesses at others, nor does the real user's sign-in
   * give an attacker elsewhere a fresh start; this address is known for the account now. */
  dw_sign_in_limit_refund (self, username, address);
  dw_throttle_reset (self->per_account_address, pair);

  if (g_hash_table_size (self->known) >= MAX_KEYS)
    g_hash_table_foreach_remove (self->known, known_expired, &now);
  *last = now;
  if (g_hash_table_size (self->known) < MAX_KEYS || g_hash_table_contains (self->known, pair))
    g_hash_table_replace (self->known, g_steal_pointer (&pair), last);
  else
    g_free (last);
}
