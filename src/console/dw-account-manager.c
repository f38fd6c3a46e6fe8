/* dw-account-manager.c: the saved desks, and signing in to them. */
#include "config.h"

#include "dw-account-manager.h"
#include "dw-secret-store.h"
#include "dw-start-trace.h"

struct _DwAccountManager
{
  GObject     parent_instance;

  GSettings  *settings;
  GListStore *accounts;
  DwAccount  *active;
  gboolean    writing;  /* ignore the change notifications of our own writes */
};

G_DEFINE_FINAL_TYPE (DwAccountManager, dw_account_manager, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_ACTIVE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  char      *server_url;
  char      *username;
  DwAccount *account;
  DwClient  *client;
} Op;

static void
op_free (Op *op)
{
  g_free (op->server_url);
  g_free (op->username);
  g_clear_object (&op->account);
  g_clear_object (&op->client);
  g_free (op);
}

static gboolean
find_account (DwAccountManager *self,
              const char       *id,
              guint            *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DwAccount) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);

      if (g_strcmp0 (dw_account_get_id (account), id) == 0)
        {
          if (position != NULL)
            *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

static void
save_accounts (DwAccountManager *self)
{
  g_autoptr(GVariantBuilder) builder = g_variant_builder_new (G_VARIANT_TYPE ("a(sss)"));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DwAccount) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);

      g_variant_builder_add (builder, "(sss)",
                             dw_account_get_server_url (account),
                             dw_account_get_username (account),
                             dw_account_get_label (account));
    }

  self->writing = TRUE;
  g_settings_set_value (self->settings, "accounts", g_variant_builder_end (builder));
  g_settings_set_string (self->settings, "active-account",
                         self->active != NULL ? dw_account_get_id (self->active) : "");
  self->writing = FALSE;
}

static void
set_active (DwAccountManager *self,
            DwAccount        *account)
{
  if (g_set_object (&self->active, account))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
}

static void
load_accounts (DwAccountManager *self)
{
  g_autoptr(GVariant) value = g_settings_get_value (self->settings, "accounts");
  g_autoptr(GPtrArray) loaded = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *active_id = g_settings_get_string (self->settings, "active-account");
  DwAccount *active = NULL;
  GVariantIter iter;
  const char *url, *username, *label;

  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "(&s&s&s)", &url, &username, &label))
    {
      DwAccount *account = dw_account_new (url, username, label);

      if (g_strcmp0 (dw_account_get_id (account), active_id) == 0)
        active = account;
      g_ptr_array_add (loaded, account);
    }

  g_list_store_splice (self->accounts, 0, g_list_model_get_n_items (G_LIST_MODEL (self->accounts)),
                       loaded->pdata, loaded->len);
  set_active (self, active);
}

static void
settings_changed_cb (GSettings        *settings,
                     const char       *key,
                     DwAccountManager *self)
{
  if (!self->writing)
    load_accounts (self);
}

static void
dw_account_manager_constructed (GObject *object)
{
  DwAccountManager *self = DW_ACCOUNT_MANAGER (object);

  G_OBJECT_CLASS (dw_account_manager_parent_class)->constructed (object);

  if (self->settings == NULL)
    self->settings = g_settings_new (APP_ID);

  g_signal_connect_object (self->settings, "changed::accounts",
                           G_CALLBACK (settings_changed_cb), self, 0);
  g_signal_connect_object (self->settings, "changed::active-account",
                           G_CALLBACK (settings_changed_cb), self, 0);
  load_accounts (self);
}

static void
dw_account_manager_dispose (GObject *object)
{
  DwAccountManager *self = DW_ACCOUNT_MANAGER (object);

  g_clear_object (&self->active);
  g_clear_object (&self->accounts);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (dw_account_manager_parent_class)->dispose (object);
}

static void
dw_account_manager_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  DwAccountManager *self = DW_ACCOUNT_MANAGER (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_ACTIVE:
      g_value_set_object (value, self->active);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_account_manager_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  DwAccountManager *self = DW_ACCOUNT_MANAGER (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_ACTIVE:
      dw_account_manager_set_active (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_account_manager_class_init (DwAccountManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = dw_account_manager_constructed;
  object_class->dispose = dw_account_manager_dispose;
  object_class->get_property = dw_account_manager_get_property;
  object_class->set_property = dw_account_manager_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTIVE] =
    g_param_spec_object ("active", NULL, NULL, DW_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dw_account_manager_init (DwAccountManager *self)
{
  self->accounts = g_list_store_new (DW_TYPE_ACCOUNT);
}

DwAccountManager *
dw_account_manager_new (GSettings *settings)
{
  return g_object_new (DW_TYPE_ACCOUNT_MANAGER, "settings", settings, NULL);
}

GSettings *
dw_account_manager_get_settings (DwAccountManager *self)
{
  g_return_val_if_fail (DW_IS_ACCOUNT_MANAGER (self), NULL);
  return self->settings;
}

GListModel *
dw_account_manager_get_accounts (DwAccountManager *self)
{
  g_return_val_if_fail (DW_IS_ACCOUNT_MANAGER (self), NULL);
  return G_LIST_MODEL (self->accounts);
}

DwAccount *
dw_account_manager_lookup (DwAccountManager *self,
                           const char       *id)
{
  guint position;
  g_autoptr(DwAccount) account = NULL;

  g_return_val_if_fail (DW_IS_ACCOUNT_MANAGER (self), NULL);

  if (id == NULL || !find_account (self, id, &position))
    return NULL;
  account = g_list_model_get_item (G_LIST_MODEL (self->accounts), position);
  return account;  /* the store keeps it alive */
}

DwAccount *
dw_account_manager_get_active (DwAccountManager *self)
{
  g_return_val_if_fail (DW_IS_ACCOUNT_MANAGER (self), NULL);
  return self->active;
}

void
dw_account_manager_set_active (DwAccountManager *self,
                               DwAccount        *account)
{
  g_return_if_fail (DW_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (account == NULL || DW_IS_ACCOUNT (account));

  if (self->active == account)
    return;
  set_active (self, account);
  save_accounts (self);
}

DwAccount *
dw_account_manager_add (DwAccountManager *self,
                        const char       *server_url,
                        const char       *username,
                        const char       *label)
{
  g_autoptr(DwAccount) account = NULL;
  guint position;

  g_return_val_if_fail (DW_IS_ACCOUNT_MANAGER (self), NULL);
  g_return_val_if_fail (server_url != NULL && username != NULL, NULL);

  account = dw_account_new (server_url, username, label);
  if (find_account (self, dw_account_get_id (account), &position))
    {
      g_autoptr(DwAccount) old = g_list_model_get_item (G_LIST_MODEL (self->accounts), position);

      g_list_store_splice (self->accounts, position, 1, (gpointer *) &account, 1);
      if (self->active == old)
        set_active (self, account);
    }
  else
    {
      g_list_store_append (self->accounts, account);
    }
  save_accounts (self);
  return account;  /* the store keeps it alive */
}

void
dw_account_manager_remove (DwAccountManager *self,
                           DwAccount        *account)
{
  guint position;

  g_return_if_fail (DW_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (DW_IS_ACCOUNT (account));

  if (self->active != NULL
      && g_strcmp0 (dw_account_get_id (self->active), dw_account_get_id (account)) == 0)
    set_active (self, NULL);
  if (find_account (self, dw_account_get_id (account), &position))
    g_list_store_remove (self->accounts, position);
  save_accounts (self);
}

/* Remembering */

static void
remember_saved_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DwAccountManager *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  DwAccount *account;

  if (!dw_secret_store_save_finish (result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  account = dw_account_manager_add (self, op->server_url, op->username, NULL);
  dw_account_manager_set_active (self, account);
  g_task_return_pointer (task, g_object_ref (account), g_object_unref);
}

void
dw_account_manager_remember_async (DwAccountManager    *self,
                                   const char          *server_url,
                                   const char          *username,
                                   const char          *token,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;
  Op *op;

  g_return_if_fail (DW_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (server_url != NULL && username != NULL && token != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dw_account_manager_remember_async);
  op = g_new0 (Op, 1);
  op->server_url = g_strdup (server_url);
  op->username = g_strdup (username);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);

  dw_secret_store_save_async (server_url, username, token, cancellable, remember_saved_cb, task);
}

DwAccount *
dw_account_manager_remember_finish (DwAccountManager  *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Restoring */

static void
restore_me_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(JsonObject) me = NULL;
  g_autoptr(GError) error = NULL;

  me = dw_client_get_me_finish (DW_CLIENT (source), result, &error);
  dw_start_trace ("GET /me answered");
  if (me == NULL
      && !g_error_matches (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_UNREACHABLE)
      && !g_error_matches (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_SERVER))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_object_ref (op->client), g_object_unref);
}

static void
restore_lookup_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  char *token;

  token = dw_secret_store_lookup_finish (result, &error);
  dw_start_trace ("keyring answered");
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (token == NULL)
    {
      g_task_return_new_error (task, DW_SECRET_ERROR, DW_SECRET_ERROR_NOT_FOUND,
                               "No sign-in is stored for this account");
      return;
    }

  op->client = dw_client_new (dw_account_get_server_url (op->account));
  dw_client_set_token (op->client, token);
  dw_secret_store_free_token (token);
  /* Not in the same call as the steal: argument order is unspecified. */
  cancellable = g_task_get_cancellable (task);
  dw_client_get_me_async (op->client, cancellable, restore_me_cb, g_steal_pointer (&task));
}

void
dw_account_manager_restore_async (DwAccountManager    *self,
                                  DwAccount           *account,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;
  Op *op;

  g_return_if_fail (DW_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (DW_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dw_account_manager_restore_async);
  op = g_new0 (Op, 1);
  op->account = g_object_ref (account);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);

  dw_start_trace ("keyring lookup sent");
  dw_secret_store_lookup_async (dw_account_get_server_url (account),
                                dw_account_get_username (account),
                                cancellable, restore_lookup_cb, task);
}

DwClient *
dw_account_manager_restore_finish (DwAccountManager  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Signing out */

static void
sign_out_cleared_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DwAccountManager *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!dw_secret_store_clear_finish (result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  dw_account_manager_remove (self, op->account);
  g_task_return_boolean (task, TRUE);
}

static void
sign_out_clear (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  if (op->account == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  dw_secret_store_clear_async (dw_account_get_server_url (op->account),
                               dw_account_get_username (op->account),
                               g_task_get_cancellable (task), sign_out_cleared_cb, task);
}

static void
sign_out_revoked_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  /* The client forgot the token either way; a service we cannot reach keeps it until it
   * expires, which must not keep the secret on this machine. */
  if (!dw_client_sign_out_finish (DW_CLIENT (source), result, &error))
    g_debug ("Could not revoke the token on the service: %s", error->message);
  sign_out_clear (task);
}

void
dw_account_manager_sign_out_async (DwAccountManager    *self,
                                   DwAccount           *account,
                                   DwClient            *client,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;
  Op *op;

  g_return_if_fail (DW_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (account == NULL || DW_IS_ACCOUNT (account));
  g_return_if_fail (client == NULL || DW_IS_CLIENT (client));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dw_account_manager_sign_out_async);
  op = g_new0 (Op, 1);
  op->account = account != NULL ? g_object_ref (account) : NULL;
  op->client = client != NULL ? g_object_ref (client) : NULL;
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);

  if (client != NULL && dw_client_has_token (client))
    dw_client_sign_out_async (client, cancellable, sign_out_revoked_cb, task);
  else
    sign_out_clear (task);
}

gboolean
dw_account_manager_sign_out_finish (DwAccountManager  *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
