/* dw-welcome-page.c: connect to a server, or explore the demo. */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-widget-util.h"
#include "dw-secret-store.h"
#include "dw-welcome-page.h"

struct _DwWelcomePage
{
  GtkWidget         parent_instance;

  GtkMenuButton    *menu_button;
  AdwStatusPage    *status_page;
  AdwEntryRow      *server_row;
  AdwEntryRow      *username_row;
  AdwEntryRow      *password_row;
  GtkLabel         *message_label;
  GtkButton        *continue_button;
  GtkButton        *sign_in_button;
  GtkLabel         *sign_in_label;
  GtkButton        *back_button;
  GtkSpinner       *sign_in_spinner;
  GtkButton        *demo_button;
  GtkSpinner       *demo_spinner;

  DwAccountManager *manager;
  DwDemoLauncher   *launcher;
  GCancellable     *cancellable;
  DwClient         *signing_client;  /* signed in, its token on the way to the keyring */
  DwClient         *pending_client;  /* signed in, waiting for "Continue Without Saving" */
  gboolean          busy;
  gboolean          filling;         /* rows set by code: keep the message */
};

G_DEFINE_FINAL_TYPE (DwWelcomePage, dw_welcome_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ACCOUNT_MANAGER,
  PROP_DEMO_LAUNCHER,
  PROP_MENU_MODEL,
  N_PROPS
};

enum {
  SIGNED_IN,
  BACK,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
show_message (DwWelcomePage *self,
              const char    *message,
              gboolean       can_continue)
{
  gtk_label_set_label (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  /* The big icon gives its room to the message, so that "Explore the Demo" stays on screen
   * under a message and "Continue Without Saving" at 800 pixels high. */
  adw_status_page_set_icon_name (self->status_page,
                                 message != NULL ? NULL : "org.deskwatch.Deskwatch");
  gtk_widget_set_visible (GTK_WIDGET (self->continue_button), can_continue);
  if (!can_continue)
    g_clear_object (&self->pending_client);
}

static void
set_busy (DwWelcomePage *self,
          GtkSpinner    *spinner,
          gboolean       busy)
{
  gboolean signing_in = busy && spinner == self->sign_in_spinner;

  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (spinner), busy);
  gtk_spinner_set_spinning (spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->username_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !busy);
  /* While signing in, the same button cancels: a server that accepts and never answers must
   * not hold the page until the request times out. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), !busy || signing_in);
  gtk_label_set_label (self->sign_in_label, signing_in ? _("Cancel") : _("Sign In"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->sign_in_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  signing_in ? _("Cancel") : _("Sign In"), -1);
  if (signing_in)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->sign_in_button), "suggested-action");
      gtk_widget_grab_focus (GTK_WIDGET (self->sign_in_button));
    }
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->sign_in_button), "suggested-action");
  gtk_widget_set_sensitive (GTK_WIDGET (self->demo_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->continue_button), !busy);
}

static void
reset_cancellable (DwWelcomePage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

static const char *
describe_tls (GTlsCertificateFlags flags)
{
  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    return _("it is not signed by an authority this computer trusts");
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return _("it was issued for a different address");
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    return _("it has expired");
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    return _("it is not valid yet");
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    return _("it has been revoked");
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    return _("it uses insecure encryption");
  return _("it could not be checked");
}

char *
dw_welcome_page_describe_error (const GError         *error,
                                const char           *server_url,
                                gboolean              silent,
                                GTlsCertificateFlags  tls_errors)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == DW_SECRET_ERROR)
    {
      if (error->code == DW_SECRET_ERROR_NOT_FOUND)
        return g_strdup (_("Sign in to continue."));
      return g_strdup (_("Your keyring is locked or not available, so Deskwatch can’t remember this sign-in."));
    }

  if (error->domain == DW_CLIENT_ERROR)
    {
      switch ((DwClientError) error->code)
        {
        case DW_CLIENT_ERROR_UNREACHABLE:
          /* TRANSLATORS: %s is a server address such as https://desk.example.com/ */
          return g_strdup_printf (_("Could not reach the server at %s. Check the address and your network."),
                                  server_url);

        case DW_CLIENT_ERROR_UNAUTHORIZED:
          if (silent)
            return g_strdup (_("Your sign-in has expired. Sign in again."));
          return g_strdup (_("The username or password is not correct."));

        case DW_CLIENT_ERROR_FORBIDDEN:
          return g_strdup (_("This account may not use the console. Ask your administrator."));

        case DW_CLIENT_ERROR_TLS:
          /* TRANSLATORS: %s explains why, e.g. "it has expired". */
          return g_strdup_printf (_("The server’s certificate is not trusted (%s). Deskwatch will not connect to it; ask your administrator."),
                                  describe_tls (tls_errors));

        case DW_CLIENT_ERROR_SERVER:
          return g_strdup (_("The server ran into a problem. Try again in a moment."));

        case DW_CLIENT_ERROR_PROTOCOL:
        case DW_CLIENT_ERROR_NOT_FOUND:
          /* TRANSLATORS: %s is a server address. */
          return g_strdup_printf (_("%s does not look like a Deskwatch server. Check the address."),
                                  server_url);

        case DW_CLIENT_ERROR_CONFLICT:
        case DW_CLIENT_ERROR_INVALID_INPUT:
        default:
          break;
        }
    }

  return g_strdup (error->message);
}

/* "desk.example.com" → "https://desk.example.com/"; NULL for what is no server address. */
static char *
normalize_url (const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  g_autofree char *with_scheme = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (stripped[0] == '\0')
    return NULL;
  with_scheme = strstr (stripped, "://") != NULL
    ? g_strdup (stripped)
    : g_strconcat ("https://", stripped, NULL);
  uri = g_uri_parse (with_scheme, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return NULL;
  scheme = g_uri_get_scheme (uri);
  if ((g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0)
      || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    return NULL;
  if (!g_str_has_suffix (with_scheme, "/"))
    {
      char *slashed = g_strconcat (with_scheme, "/", NULL);

      g_free (with_scheme);
      with_scheme = slashed;
    }
  return g_steal_pointer (&with_scheme);
}

static void
remember_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DwWelcomePage) self = user_data;
  g_autoptr(DwClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DwAccount) account = NULL;
  g_autofree char *message = NULL;

  account = dw_account_manager_remember_finish (DW_ACCOUNT_MANAGER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  client = g_steal_pointer (&self->signing_client);
  set_busy (self, self->sign_in_spinner, FALSE);
  if (account == NULL)
    {
      message = dw_welcome_page_describe_error (error, dw_client_get_base_url (client), FALSE, 0);
      show_message (self, message, TRUE);
      g_set_object (&self->pending_client, client);
      gtk_widget_grab_focus (GTK_WIDGET (self->continue_button));
      return;
    }

  show_message (self, NULL, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  g_signal_emit (self, signals[SIGNED_IN], 0, client, account);
}

static void
sign_in_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  DwClient *client = DW_CLIENT (source);
  g_autoptr(DwWelcomePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) me = NULL;
  g_autofree char *token = NULL;
  g_autofree char *message = NULL;

  me = dw_client_sign_in_finish (client, result, &token, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (me == NULL)
    {
      set_busy (self, self->sign_in_spinner, FALSE);
      message = dw_welcome_page_describe_error (error, dw_client_get_base_url (client), FALSE,
                                                dw_client_get_tls_errors (client));
      show_message (self, message, FALSE);
      if (g_error_matches (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_UNAUTHORIZED))
        gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      else
        gtk_widget_grab_focus (GTK_WIDGET (self->server_row));
      return;
    }

  g_set_object (&self->signing_client, client);
  dw_account_manager_remember_async (self->manager, dw_client_get_base_url (client),
                                     json_object_get_string_member_with_default (me, "username",
                                                                                 gtk_editable_get_text (GTK_EDITABLE (self->username_row))),
                                     token, self->cancellable, remember_cb, g_object_ref (self));
  memset (token, 0, strlen (token));
}

static void
demo_signed_in_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  DwClient *client = DW_CLIENT (source);
  g_autoptr(DwWelcomePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) me = NULL;
  g_autofree char *token = NULL;
  g_autofree char *message = NULL;

  me = dw_client_sign_in_finish (client, result, &token, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, self->demo_spinner, FALSE);
  if (me == NULL)
    {
      g_autofree char *why = dw_welcome_page_describe_error (error, dw_client_get_base_url (client),
                                                             FALSE, 0);

      /* TRANSLATORS: %s is the reason. */
      message = g_strdup_printf (_("The demo could not start: %s"), why);
      show_message (self, message, FALSE);
      return;
    }

  show_message (self, NULL, FALSE);
  g_signal_emit (self, signals[SIGNED_IN], 0, client, NULL);
}

static void
demo_started_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(DwWelcomePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr(DwClient) client = NULL;
  const char *token;

  url = dw_demo_launcher_start_finish (DW_DEMO_LAUNCHER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (url == NULL)
    {
      g_autofree char *message = NULL;

      set_busy (self, self->demo_spinner, FALSE);
      message = g_strdup_printf (_("The demo could not start: %s"), error->message);
      show_message (self, message, FALSE);
      return;
    }

  client = dw_client_new (url);
  token = dw_demo_launcher_get_token (DW_DEMO_LAUNCHER (source));
  if (token != NULL)
    {
      /* The service made the lead's token already: no password to check. */
      dw_client_set_token (client, token);
      set_busy (self, self->demo_spinner, FALSE);
      show_message (self, NULL, FALSE);
      g_signal_emit (self, signals[SIGNED_IN], 0, client, NULL);
      return;
    }
  dw_client_sign_in_async (client, DW_DEMO_USERNAME, DW_DEMO_PASSWORD, self->cancellable,
                           demo_signed_in_cb, g_object_ref (self));
}

static void
row_activated_cb (DwWelcomePage *self,
                  AdwEntryRow   *row)
{
  AdwEntryRow *rows[] = { self->server_row, self->username_row, self->password_row };

  /* Enter in a filled row moves on to the next empty one; in the last, it signs in. */
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      if (rows[i] != row && gtk_editable_get_text (GTK_EDITABLE (rows[i]))[0] == '\0')
        {
          gtk_widget_grab_focus (GTK_WIDGET (rows[i]));
          return;
        }
    }
  dw_welcome_page_sign_in (self);
}

static void
row_changed_cb (DwWelcomePage *self)
{
  if (!self->filling && !self->busy)
    show_message (self, NULL, FALSE);
}

static void
sign_in_clicked_cb (DwWelcomePage *self)
{
  if (self->busy && gtk_widget_get_visible (GTK_WIDGET (self->sign_in_spinner)))
    dw_welcome_page_cancel (self);
  else
    dw_welcome_page_sign_in (self);
}

static void
back_clicked_cb (DwWelcomePage *self)
{
  dw_welcome_page_cancel (self);
  g_signal_emit (self, signals[BACK], 0);
}

static void
demo_clicked_cb (DwWelcomePage *self)
{
  dw_welcome_page_explore_demo (self);
}

static void
continue_clicked_cb (DwWelcomePage *self)
{
  dw_welcome_page_continue_without_saving (self);
}

static void
dw_welcome_page_dispose (GObject *object)
{
  DwWelcomePage *self = DW_WELCOME_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->signing_client);
  g_clear_object (&self->pending_client);
  g_clear_object (&self->manager);
  g_clear_object (&self->launcher);
  dw_widget_dispose_template (GTK_WIDGET (self), DW_TYPE_WELCOME_PAGE);

  G_OBJECT_CLASS (dw_welcome_page_parent_class)->dispose (object);
}

static void
dw_welcome_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  DwWelcomePage *self = DW_WELCOME_PAGE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT_MANAGER:
      g_value_set_object (value, self->manager);
      break;

    case PROP_DEMO_LAUNCHER:
      g_value_set_object (value, self->launcher);
      break;

    case PROP_MENU_MODEL:
      g_value_set_object (value, gtk_menu_button_get_menu_model (self->menu_button));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_welcome_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  DwWelcomePage *self = DW_WELCOME_PAGE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT_MANAGER:
      dw_welcome_page_set_account_manager (self, g_value_get_object (value));
      break;

    case PROP_DEMO_LAUNCHER:
      dw_welcome_page_set_demo_launcher (self, g_value_get_object (value));
      break;

    case PROP_MENU_MODEL:
      gtk_menu_button_set_menu_model (self->menu_button, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_welcome_page_class_init (DwWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dw_welcome_page_dispose;
  object_class->get_property = dw_welcome_page_get_property;
  object_class->set_property = dw_welcome_page_set_property;

  properties[PROP_ACCOUNT_MANAGER] =
    g_param_spec_object ("account-manager", NULL, NULL, DW_TYPE_ACCOUNT_MANAGER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEMO_LAUNCHER] =
    g_param_spec_object ("demo-launcher", NULL, NULL, DW_TYPE_DEMO_LAUNCHER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MENU_MODEL] =
    g_param_spec_object ("menu-model", NULL, NULL, G_TYPE_MENU_MODEL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNED_IN] =
    g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, DW_TYPE_CLIENT, DW_TYPE_ACCOUNT);
  signals[BACK] =
    g_signal_new ("back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/deskwatch/Deskwatch/dw-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DwWelcomePage, menu_button);
  gtk_widget_class_bind_template_child (widget_class, DwWelcomePage, status_page);
  gtk_widget_class_bind_template_child (widget_class, DwWelcomePage, server_row);
  gtk_widget_class_bind_template_child (widget_class, DwWelcomePage, username_row);
  gtk_widget_class_bind_template_child (widget_class, DwWelcomePage, password_row);
  gtk_widget_class_bind_template_child (widget_class, DwWelcomePage, message_label);
  gtk_widget_class_bind_template_child (widget_class, DwWelcomePage, continue_button);
  gtk_widget_class_bind_template_child (widget_class, DwWelcomePage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, DwWelcomePage, sign_in_label);
  gtk_widget_class_bind_template_child (widget_class, DwWelcomePage, back_button);
  gtk_widget_class_bind_template_child (widget_class, DwWelcomePage, sign_in_spinner);
  gtk_widget_class_bind_template_child (widget_class, DwWelcomePage, demo_button);
  gtk_widget_class_bind_template_child (widget_class, DwWelcomePage, demo_spinner);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, sign_in_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, demo_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, continue_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
dw_welcome_page_init (DwWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  dw_menu_button_quiet_tooltip (self->menu_button);
}

GtkWidget *
dw_welcome_page_new (void)
{
  return g_object_new (DW_TYPE_WELCOME_PAGE, NULL);
}

void
dw_welcome_page_set_account_manager (DwWelcomePage    *self,
                                     DwAccountManager *manager)
{
  g_return_if_fail (DW_IS_WELCOME_PAGE (self));

  if (g_set_object (&self->manager, manager))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT_MANAGER]);
}

void
dw_welcome_page_set_demo_launcher (DwWelcomePage  *self,
                                   DwDemoLauncher *launcher)
{
  g_return_if_fail (DW_IS_WELCOME_PAGE (self));

  if (g_set_object (&self->launcher, launcher))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEMO_LAUNCHER]);
}

void
dw_welcome_page_set_fields (DwWelcomePage *self,
                            const char    *server_url,
                            const char    *username,
                            const char    *password)
{
  g_return_if_fail (DW_IS_WELCOME_PAGE (self));

  if (server_url != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->server_row), server_url);
  if (username != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->username_row), username);
  if (password != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);
  show_message (self, NULL, FALSE);
}

void
dw_welcome_page_ask_sign_in_again (DwWelcomePage *self,
                                   DwAccount     *account,
                                   const char    *message)
{
  g_return_if_fail (DW_IS_WELCOME_PAGE (self));

  reset_cancellable (self);
  set_busy (self, self->sign_in_spinner, FALSE);
  set_busy (self, self->demo_spinner, FALSE);
  self->filling = TRUE;
  if (account != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->server_row), dw_account_get_server_url (account));
      gtk_editable_set_text (GTK_EDITABLE (self->username_row), dw_account_get_username (account));
    }
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  self->filling = FALSE;
  show_message (self, message, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (account != NULL ? self->password_row : self->server_row));
}

void
dw_welcome_page_reset (DwWelcomePage *self)
{
  g_return_if_fail (DW_IS_WELCOME_PAGE (self));

  reset_cancellable (self);
  set_busy (self, self->sign_in_spinner, FALSE);
  set_busy (self, self->demo_spinner, FALSE);
  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  self->filling = FALSE;
  show_message (self, NULL, FALSE);
}

void
dw_welcome_page_sign_in (DwWelcomePage *self)
{
  const char *server, *username, *password;
  g_autofree char *url = NULL;
  g_autoptr(DwClient) client = NULL;

  g_return_if_fail (DW_IS_WELCOME_PAGE (self));
  g_return_if_fail (self->manager != NULL);

  if (self->busy)
    return;

  server = gtk_editable_get_text (GTK_EDITABLE (self->server_row));
  username = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (server[0] == '\0' || username[0] == '\0' || password[0] == '\0')
    {
      GtkWidget *empty = server[0] == '\0' ? GTK_WIDGET (self->server_row)
                         : username[0] == '\0' ? GTK_WIDGET (self->username_row)
                         : GTK_WIDGET (self->password_row);

      show_message (self, _("Enter the server address, your username and your password."), FALSE);
      gtk_widget_grab_focus (empty);
      return;
    }

  url = normalize_url (server);
  if (url == NULL)
    {
      g_autofree char *message = NULL;

      /* TRANSLATORS: %s is what the user typed as the server address. */
      message = g_strdup_printf (_("“%s” is not a server address. Enter one like https://desk.example.com."),
                                 server);
      show_message (self, message, FALSE);
      gtk_widget_grab_focus (GTK_WIDGET (self->server_row));
      return;
    }

  reset_cancellable (self);
  show_message (self, NULL, FALSE);
  set_busy (self, self->sign_in_spinner, TRUE);
  client = dw_client_new (url);
  dw_client_sign_in_async (client, username, password, self->cancellable, sign_in_cb,
                           g_object_ref (self));
}

void
dw_welcome_page_cancel (DwWelcomePage *self)
{
  g_return_if_fail (DW_IS_WELCOME_PAGE (self));

  reset_cancellable (self);
  g_clear_object (&self->signing_client);
  set_busy (self, self->sign_in_spinner, FALSE);
  set_busy (self, self->demo_spinner, FALSE);
}

void
dw_welcome_page_set_can_go_back (DwWelcomePage *self,
                                 gboolean       can_go_back)
{
  g_return_if_fail (DW_IS_WELCOME_PAGE (self));

  gtk_widget_set_visible (GTK_WIDGET (self->back_button), can_go_back);
}

gboolean
dw_welcome_page_get_can_go_back (DwWelcomePage *self)
{
  g_return_val_if_fail (DW_IS_WELCOME_PAGE (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->back_button));
}

GtkWidget *
dw_welcome_page_get_demo_button (DwWelcomePage *self)
{
  g_return_val_if_fail (DW_IS_WELCOME_PAGE (self), NULL);

  return GTK_WIDGET (self->demo_button);
}

GtkWidget *
dw_welcome_page_get_sign_in_button (DwWelcomePage *self)
{
  g_return_val_if_fail (DW_IS_WELCOME_PAGE (self), NULL);

  return GTK_WIDGET (self->sign_in_button);
}

void
dw_welcome_page_explore_demo (DwWelcomePage *self)
{
  g_return_if_fail (DW_IS_WELCOME_PAGE (self));
  g_return_if_fail (self->launcher != NULL);

  if (self->busy)
    return;

  reset_cancellable (self);
  show_message (self, NULL, FALSE);
  set_busy (self, self->demo_spinner, TRUE);
  dw_demo_launcher_start_async (self->launcher, self->cancellable, demo_started_cb,
                                g_object_ref (self));
}

void
dw_welcome_page_continue_without_saving (DwWelcomePage *self)
{
  g_autoptr(DwClient) client = NULL;

  g_return_if_fail (DW_IS_WELCOME_PAGE (self));

  client = g_steal_pointer (&self->pending_client);
  if (client == NULL)
    return;
  show_message (self, NULL, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  g_signal_emit (self, signals[SIGNED_IN], 0, client, NULL);
}

const char *
dw_welcome_page_get_message (DwWelcomePage *self)
{
  g_return_val_if_fail (DW_IS_WELCOME_PAGE (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->message_label)))
    return NULL;
  return gtk_label_get_label (self->message_label);
}

gboolean
dw_welcome_page_get_busy (DwWelcomePage *self)
{
  g_return_val_if_fail (DW_IS_WELCOME_PAGE (self), FALSE);
  return self->busy;
}

gboolean
dw_welcome_page_get_can_continue (DwWelcomePage *self)
{
  g_return_val_if_fail (DW_IS_WELCOME_PAGE (self), FALSE);
  return self->pending_client != NULL;
}
