/* dw-account.c: one saved desk. */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-account.h"

struct _DwAccount
{
  GObject  parent_instance;

  char    *server_url;
  char    *username;
  char    *label;
  char    *id;
};

G_DEFINE_FINAL_TYPE (DwAccount, dw_account, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERVER_URL,
  PROP_USERNAME,
  PROP_LABEL,
  PROP_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
dw_account_finalize (GObject *object)
{
  DwAccount *self = DW_ACCOUNT (object);

  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->label, g_free);
  g_clear_pointer (&self->id, g_free);

  G_OBJECT_CLASS (dw_account_parent_class)->finalize (object);
}

static void
dw_account_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  DwAccount *self = DW_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;

    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;

    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;

    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_account_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  DwAccount *self = DW_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      self->server_url = g_value_dup_string (value);
      break;

    case PROP_USERNAME:
      self->username = g_value_dup_string (value);
      break;

    case PROP_LABEL:
      self->label = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_account_constructed (GObject *object)
{
  DwAccount *self = DW_ACCOUNT (object);

  G_OBJECT_CLASS (dw_account_parent_class)->constructed (object);

  if (self->server_url == NULL)
    self->server_url = g_strdup ("");
  if (self->username == NULL)
    self->username = g_strdup ("");
  if (self->label == NULL || self->label[0] == '\0')
    {
      g_free (self->label);
      self->label = dw_account_make_label (self->server_url, self->username);
    }
  self->id = dw_account_make_id (self->server_url, self->username);
}

static void
dw_account_class_init (DwAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dw_account_finalize;
  object_class->get_property = dw_account_get_property;
  object_class->set_property = dw_account_set_property;
  object_class->constructed = dw_account_constructed;

  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USERNAME] =
    g_param_spec_string ("username", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dw_account_init (DwAccount *self)
{
}

DwAccount *
dw_account_new (const char *server_url,
                const char *username,
                const char *label)
{
  return g_object_new (DW_TYPE_ACCOUNT,
                       "server-url", server_url,
                       "username", username,
                       "label", label,
                       NULL);
}

const char *
dw_account_get_server_url (DwAccount *self)
{
  g_return_val_if_fail (DW_IS_ACCOUNT (self), NULL);
  return self->server_url;
}

const char *
dw_account_get_username (DwAccount *self)
{
  g_return_val_if_fail (DW_IS_ACCOUNT (self), NULL);
  return self->username;
}

const char *
dw_account_get_label (DwAccount *self)
{
  g_return_val_if_fail (DW_IS_ACCOUNT (self), NULL);
  return self->label;
}

const char *
dw_account_get_id (DwAccount *self)
{
  g_return_val_if_fail (DW_IS_ACCOUNT (self), NULL);
  return self->id;
}

char *
dw_account_make_id (const char *server_url,
                    const char *username)
{
  return g_strconcat (server_url, " ", username, NULL);
}

char *
dw_account_make_label (const char *server_url,
                       const char *username)
{
  g_autoptr(GUri) uri = g_uri_parse (server_url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *where = NULL;

  if (uri != NULL && g_uri_get_host (uri) != NULL)
    where = g_uri_get_port (uri) > 0
      ? g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri))
      : g_strdup (g_uri_get_host (uri));
  else
    where = g_strdup (server_url);

  /* TRANSLATORS: a saved desk in the Accounts menu: "USERNAME on HOST". */
  return g_strdup_printf (_("%s on %s"), username, where);
}
