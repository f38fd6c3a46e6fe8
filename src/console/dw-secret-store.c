/* dw-secret-store.c: sign-in tokens in the keyring, through libsecret's simple password API
 * (which inside a Flatpak goes through the Secret portal without a D-Bus hole). */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-secret-store.h"

G_DEFINE_QUARK (dw-secret-error-quark, dw_secret_error)

static const SecretSchema token_schema = {
  "org.deskwatch.Deskwatch.Token",
  SECRET_SCHEMA_NONE,
  {
    { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

const SecretSchema *
dw_secret_store_get_schema (void)
{
  return &token_schema;
}

GError *
dw_secret_store_map_error (const GError *error)
{
  DwSecretError code = DW_SECRET_ERROR_FAILED;

  g_return_val_if_fail (error != NULL, NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || error->domain == DW_SECRET_ERROR)
    return g_error_copy (error);

  if (error->domain == G_DBUS_ERROR)
    {
      switch (error->code)
        {
        case G_DBUS_ERROR_SERVICE_UNKNOWN:
        case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
        case G_DBUS_ERROR_NO_SERVER:
        case G_DBUS_ERROR_DISCONNECTED:
        case G_DBUS_ERROR_NOT_SUPPORTED:
        case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
        case G_DBUS_ERROR_SPAWN_FAILED:
        case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
        case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
        case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
        case G_DBUS_ERROR_SPAWN_NO_MEMORY:
          code = DW_SECRET_ERROR_NO_SERVICE;
          break;

        /* A locked login collection without anyone to prompt for its password answers
         * "Object does not exist at path …/collection/login". */
        case G_DBUS_ERROR_UNKNOWN_OBJECT:
        case G_DBUS_ERROR_UNKNOWN_METHOD:
        case G_DBUS_ERROR_ACCESS_DENIED:
          code = DW_SECRET_ERROR_LOCKED;
          break;

        default:
          break;
        }
    }
  else if (error->domain == SECRET_ERROR)
    {
      if (error->code == SECRET_ERROR_IS_LOCKED || error->code == SECRET_ERROR_NO_SUCH_OBJECT)
        code = DW_SECRET_ERROR_LOCKED;
    }
  else if (error->domain == G_IO_ERROR || error->domain == G_SPAWN_ERROR)
    {
      /* No session bus at all ("Cannot autolaunch D-Bus without X11 $DISPLAY"). */
      code = DW_SECRET_ERROR_NO_SERVICE;
    }

  g_debug ("Keyring: %s (%s %d)", error->message, g_quark_to_string (error->domain), error->code);
  return g_error_new (DW_SECRET_ERROR, code, "%s", error->message);
}

static void
store_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, dw_secret_store_map_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

void
dw_secret_store_save_async (const char          *server_url,
                            const char          *username,
                            const char          *token,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (server_url != NULL);
  g_return_if_fail (username != NULL);
  g_return_if_fail (token != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dw_secret_store_save_async);

  /* TRANSLATORS: the name of the secret in the keyring (Passwords and Keys);
   * the first %s is a username, the second a server address. */
  label = g_strdup_printf (_("Deskwatch sign-in of %s at %s"), username, server_url);
  secret_password_store (&token_schema, SECRET_COLLECTION_DEFAULT, label, token,
                         cancellable, store_cb, g_steal_pointer (&task),
                         "server", server_url,
                         "username", username,
                         NULL);
}

gboolean
dw_secret_store_save_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *token;

  token = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, dw_secret_store_map_error (error));
  else
    g_task_return_pointer (task, token, (GDestroyNotify) secret_password_free);
}

void
dw_secret_store_lookup_async (const char          *server_url,
                              const char          *username,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (server_url != NULL);
  g_return_if_fail (username != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dw_secret_store_lookup_async);
  secret_password_lookup (&token_schema, cancellable, lookup_cb, task,
                          "server", server_url,
                          "username", username,
                          NULL);
}

char *
dw_secret_store_lookup_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
clear_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* FALSE without an error only means there was nothing to delete. */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    g_task_return_error (task, dw_secret_store_map_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

void
dw_secret_store_clear_async (const char          *server_url,
                             const char          *username,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (server_url != NULL);
  g_return_if_fail (username != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dw_secret_store_clear_async);
  secret_password_clear (&token_schema, cancellable, clear_cb, task,
                         "server", server_url,
                         "username", username,
                         NULL);
}

gboolean
dw_secret_store_clear_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
dw_secret_store_free_token (char *token)
{
  if (token != NULL)
    secret_password_free (token);
}
