#define G_LOG_DOMAIN "dw-event-log"

#include "dw-event-log.h"

#include <string.h>

#include <glib-unix.h>

#include "dw-json.h"
#include "dw-store.h"
#include "store/dw-store-events.h"
#include "store/dw-store-instances.h"

#define DEFAULT_MAX_EVENTS 100000
#define DEFAULT_MAX_AGE (7 * 24 * 3600)
/* Other instances' events are read from the table in batches of this many. */
#define CATCH_UP_BATCH 256
/* After the listening session was lost, a new one is tried this often. */
#define RELISTEN_INTERVAL_S 1

typedef struct
{
  DwEvent         event;  /* first, so a DwEvent * is also a pointer to the whole */
  gatomicrefcount ref_count;
  GBytes         *frame;
} EventPrivate;

struct _DwEventLog
{
  GObject       parent_instance;

  DwStore      *store;  /* the named operations on the log (store/dw-store-events.h); the
                         * service's, not owned */
  DwClock      *clock;

  /* Appended in the open transaction, published after COMMIT. */
  GPtrArray    *pending;

  gint64        last_seq;   /* last published */
  gint64        first_seq;  /* oldest kept; last_seq + 1 when empty */
  gint64        first_at;   /* its time, 0 when empty */

  gint64        max_events;
  gint64        max_age;

  /* PRAGMA data_version when last looked at: it moves when another connection (another
   * process, such as `deskwatchd token revoke`) commits. */
  gint64        data_version;

  /* Users whose access changed in the open transaction (0: anyone), announced by publish. */
  GArray       *pending_access;

  /* Lengths of pending and pending_access when the current write of a group began. */
  guint         mark_events;
  guint         mark_access;

  /* Several instances on one database (dw_store_has_instances): a session of our own that
   * LISTENs for every instance's commits, watched by listen_id; NULL while lost, when
   * relisten_id tries again.  Other instances' events are read through it (never through the
   * store's connection, whose transaction may be open) and published as ours are. */
  DwStore      *listener;
  guint         listen_id;
  guint         relisten_id;
  guint         hear_id;    /* idle: take what libpq collected during a stream's read */

  /* Only the leader prunes (dw_event_log_set_leader); TRUE without one. */
  gboolean      prunes;
  DwLeader     *leader;
  gulong        leader_id;

  /* What failed and was said already (once per outage of the database, not at every round):
   * reading other instances' events, opening the listening session, pruning. */
  gboolean      read_failing;
  gboolean      listen_failing;
  gboolean      prune_failing;
};

G_DEFINE_FINAL_TYPE (DwEventLog, dw_event_log, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (DwEvent, dw_event, dw_event_ref, dw_event_unref)

enum {
  PUBLISHED,
  ACCESS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Says @what failed, unless it was said since it last worked (*@failing).  The database away
 * (DW_STORE_ERROR_UNAVAILABLE, PostgreSQL restarting) is expected: a message, and the next
 * round (a notification, the listening session opened again, the next publish) does it; any
 * other error of @warn_others is a warning. */
static void
note_failure (gboolean     *failing,
              gboolean      warn_others,
              const char   *what,
              const GError *error)
{
  /* A lock held elsewhere past lock_timeout (DW_STORE_ERROR_LOCK_TIMEOUT) is expected too. */
  if (warn_others && !g_error_matches (error, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE)
      && !g_error_matches (error, DW_STORE_ERROR, DW_STORE_ERROR_LOCK_TIMEOUT))
    {
      g_warning ("%s: %s", what, error->message);
      return;
    }

  if (!*failing)
    g_message ("%s (will try again): %s", what, error->message);
  *failing = TRUE;
}

/* Events */

static DwEvent *
dw_event_new (gint64      seq,
              gint64      at,
              const char *type,
              gint64      team_id,
              gint64      user_id,
              char       *data)
{
  EventPrivate *priv = g_new0 (EventPrivate, 1);
  DwEvent *event = &priv->event;

  g_atomic_ref_count_init (&priv->ref_count);
  event->seq = seq;
  event->at = at;
  event->type = g_strdup (type);
  event->team_id = team_id;
  event->user_id = user_id;
  event->data = data;
  return event;
}

DwEvent *
dw_event_ref (DwEvent *event)
{
  g_return_val_if_fail (event != NULL, NULL);
  g_atomic_ref_count_inc (&((EventPrivate *) event)->ref_count);
  return event;
}

void
dw_event_unref (DwEvent *event)
{
  EventPrivate *priv = (EventPrivate *) event;

  g_return_if_fail (event != NULL);

  if (!g_atomic_ref_count_dec (&priv->ref_count))
    return;

  g_free (event->type);
  g_free (event->data);
  g_clear_pointer (&priv->frame, g_bytes_unref);
  g_free (priv);
}

GBytes *
dw_event_get_frame (DwEvent *event)
{
  EventPrivate *priv = (EventPrivate *) event;

  g_return_val_if_fail (event != NULL, NULL);

  if (priv->frame == NULL)
    {
      g_autofree char *at = dw_time_to_iso8601 (event->at);
      GString *s = g_string_sized_new (strlen (event->data) + 128);

      /* The type is one of our fixed identifiers (checked on append), so it needs no escaping,
       * and the payload is already compact JSON: no generator round trip per event. */
      g_string_append_printf (s, "{\"type\":\"event\",\"seq\":%" G_GINT64_FORMAT
                              ",\"event\":\"%s\",\"at\":\"%s\",\"data\":",
                              event->seq, event->type, at != NULL ? at : "");
      g_string_append (s, event->data);
      g_string_append_c (s, '}');
      /* An event stored before the check at the door may not be UTF-8, and libsoup does not
       * send such a text frame at all (the client would wait for it forever). */
      {
        gsize length = 0;
        char *valid = dw_json_make_valid (s->str, s->len, &length);

        if (valid != NULL)
          {
            g_string_free (s, TRUE);
            priv->frame = g_bytes_new_take (valid, length);
          }
        else
          priv->frame = g_string_free_to_bytes (s);
      }
    }

  return priv->frame;
}

/* Callbacks */

static void
add_event_cb (const DwStoreEventRow *row,
              gpointer               user_data)
{
  GPtrArray *events = user_data;

  g_ptr_array_add (events, dw_event_new (row->seq, row->at, row->type, row->team_id,
                                         row->user_id, g_strdup (row->data)));
}

static gboolean
type_is_valid (const char *type)
{
  if (type == NULL || *type == '\0')
    return FALSE;

  for (const char *p = type; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-' && *p != '_')
      return FALSE;

  return TRUE;
}

/* Helpers */

static gint64
env_int64 (const char *name,
           gint64      fallback)
{
  const char *value = g_getenv (name);
  gint64 n;

  if (value == NULL || !g_ascii_string_to_signed (value, 10, 1, G_MAXINT64, &n, NULL))
    return fallback;
  return n;
}

/* Reads the first kept seq, and the last one too when @with_last (at start-up: later the last
 * is what has been published, which an open transaction may be ahead of). */
static gboolean
load_bounds (DwEventLog  *self,
             gboolean     with_last,
             GError     **error)
{
  gint64 last_seq, first_seq, first_at;

  if (!dw_store_events_bounds (self->store, &last_seq, &first_seq, &first_at, error))
    return FALSE;

  if (with_last)
    self->last_seq = last_seq;
  if (first_seq == 0)
    {
      self->first_seq = self->last_seq + 1;
      self->first_at = 0;
      return TRUE;
    }

  self->first_seq = first_seq;
  self->first_at = first_at;
  return TRUE;
}

static gboolean
needs_pruning (DwEventLog *self)
{
  gint64 kept = self->last_seq - self->first_seq + 1;
  gint64 now;

  /* Slack of a tenth so that pruning is one DELETE per many events, not one per event. */
  if (kept > self->max_events + MAX (self->max_events / 10, 1))
    return TRUE;

  if (self->first_at == 0)
    return FALSE;

  now = dw_clock_now (self->clock);
  return now - self->first_at > self->max_age + MAX (self->max_age / 10, 1);
}

/* Publishing */

/* Retention, after publishing: only the leader's log (or the single instance's) prunes, outside
 * any transaction. */
static void
maybe_prune (DwEventLog *self)
{
  g_autoptr(GError) error = NULL;

  if (!self->prunes || !needs_pruning (self) || dw_store_in_transaction (self->store))
    return;

  if (!dw_event_log_prune (self, &error))
    note_failure (&self->prune_failing, TRUE, "Cannot prune the event log", error);
  else
    self->prune_failing = FALSE;
}

/* Hands one committed event to the subscribers, unless it is at or below what was published
 * (read back after it went out live, or published already by a catch-up). */
static void
emit_event (DwEventLog *self,
            DwEvent    *event,
            gboolean    warn_if_old)
{
  if (event->seq <= self->last_seq)
    {
      if (warn_if_old)
        g_warning ("Event %" G_GINT64_FORMAT " published out of order", event->seq);
      return;
    }

  /* Advance first: a subscriber reading the log while handling this event sees it too,
   * and skips the live copy by its seq. */
  self->last_seq = event->seq;
  if (self->first_at == 0)
    {
      self->first_seq = MIN (self->first_seq, event->seq);
      self->first_at = event->at;
    }

  g_signal_emit (self, signals[PUBLISHED], 0, event);
}

/* Publishes the committed events after the last published one up to @up_to, read from the
 * table in seq order (other instances' commits, and what was committed while nobody
 * listened).  The seqs are gap-free in commit order (dw-pg-events.h): whoever sees N committed
 * sees every event below it, so reading `seq > published` never skips one that commits later. */
static gboolean
catch_up (DwEventLog  *self,
          gint64       up_to,
          GError     **error)
{
  /* Our own session when we have one: it is never inside a transaction. */
  DwStore *reader = self->listener != NULL ? self->listener : self->store;

  while (self->last_seq < up_to)
    {
      g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) dw_event_unref);
      gint64 before = self->last_seq;

      if (!dw_store_events_read (reader, self->last_seq, up_to, CATCH_UP_BATCH, add_event_cb,
                                 events, error))
        return FALSE;

      for (guint i = 0; i < events->len; i++)
        emit_event (self, g_ptr_array_index (events, i), FALSE);

      /* Nothing more to read below @up_to (pruned before we got to it): take the position. */
      if (self->last_seq == before)
        {
          g_message ("Events %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT " are gone (pruned)",
                     before + 1, up_to);
          self->last_seq = up_to;
        }
    }

  return TRUE;
}

static gboolean listener_open (DwEventLog *self);

static gboolean
relisten_cb (gpointer data)
{
  DwEventLog *self = data;

  if (listener_open (self))
    {
      self->relisten_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
listener_lost (DwEventLog *self)
{
  g_clear_handle_id (&self->listen_id, g_source_remove);
  g_clear_pointer (&self->listener, dw_store_session_close);
  if (self->relisten_id == 0)
    self->relisten_id = g_timeout_add_seconds (RELISTEN_INTERVAL_S, relisten_cb, self);
}

/* Takes what the listening session was told and publishes it; FALSE when the session is lost.
 * Loops because libpq also collects notifications while our reads run on the session, and
 * those no longer make its socket readable. */
static gboolean
hear (DwEventLog *self)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gboolean access = FALSE;
      gint64 seq = 0;

      if (!dw_store_session_take_notified (self->listener, self->store, &seq, &access, &error))
        {
          /* Once per loss: opening it again says nothing until it works. */
          g_message ("Stopped hearing other instances' events: %s", error->message);
          self->listen_failing = TRUE;
          listener_lost (self);
          return FALSE;
        }

      /* A token revoked or a user disabled on another instance reaches our streams before any
       * event committed after it (the notifications come in commit order; taking the batch's
       * access change first only re-checks earlier). */
      if (access)
        dw_event_log_access_changed (self, 0);

      if (seq <= self->last_seq)
        return TRUE;

      if (!catch_up (self, seq, &error))
        {
          note_failure (&self->read_failing, FALSE, "Cannot read other instances' events",
                        error);
          return TRUE;
        }
      self->read_failing = FALSE;

      /* The leader prunes also when every write happens on the other instances. */
      maybe_prune (self);
    }
}

static gboolean
hear_idle_cb (gpointer data)
{
  DwEventLog *self = data;

  self->hear_id = 0;
  if (self->listener != NULL)
    hear (self);
  return G_SOURCE_REMOVE;
}

static gboolean
listener_cb (int           fd,
             GIOCondition  condition,
             gpointer      data)
{
  return hear (data) ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* LISTENs on a new session, then publishes what was committed while nobody listened (anything
 * committed later is announced to the session). */
static gboolean
listener_open (DwEventLog *self)
{
  g_autoptr(GError) error = NULL;
  GSource *source;

  self->listener = dw_store_session_open (self->store, "events", &error);
  if (self->listener == NULL || !dw_store_session_listen (self->listener, &error))
    {
      note_failure (&self->listen_failing, FALSE, "Cannot listen for other instances' events",
                    error);
      g_clear_pointer (&self->listener, dw_store_session_close);
      return FALSE;
    }
  if (self->listen_failing)
    g_message ("Listening for other instances' events again");
  self->listen_failing = FALSE;

  source = g_unix_fd_source_new (dw_store_session_fd (self->listener),
                                 G_IO_IN | G_IO_HUP | G_IO_ERR);
  g_source_set_callback (source, G_SOURCE_FUNC (listener_cb), self, NULL);
  g_source_set_static_name (source, "[deskwatchd] other instances' events");
  self->listen_id = g_source_attach (source, NULL);
  g_source_unref (source);

  /* It may have been lost again meanwhile (then a retry is due already). */
  dw_event_log_sync (self);
  return self->listener != NULL;
}

static void
leader_notify_cb (DwLeader   *leader,
                  GParamSpec *pspec,
                  DwEventLog *self)
{
  self->prunes = dw_leader_get_is_leader (leader);
  maybe_prune (self);
}

/* Overrides */

static void
dw_event_log_finalize (GObject *object)
{
  DwEventLog *self = DW_EVENT_LOG (object);

  g_clear_handle_id (&self->listen_id, g_source_remove);
  g_clear_handle_id (&self->relisten_id, g_source_remove);
  g_clear_handle_id (&self->hear_id, g_source_remove);
  g_clear_pointer (&self->listener, dw_store_session_close);
  if (self->leader != NULL)
    g_clear_signal_handler (&self->leader_id, self->leader);
  g_clear_object (&self->leader);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->pending_access, g_array_unref);
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (dw_event_log_parent_class)->finalize (object);
}

static void
dw_event_log_class_init (DwEventLogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dw_event_log_finalize;

  signals[PUBLISHED] = g_signal_new ("published",
                                     G_TYPE_FROM_CLASS (klass),
                                     G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL,
                                     G_TYPE_NONE, 1,
                                     DW_TYPE_EVENT | G_SIGNAL_TYPE_STATIC_SCOPE);

  signals[ACCESS_CHANGED] = g_signal_new ("access-changed",
                                          G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
dw_event_log_init (DwEventLog *self)
{
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) dw_event_unref);
  self->pending_access = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->max_events = env_int64 ("DESKWATCH_EVENTS_KEEP", DEFAULT_MAX_EVENTS);
  self->max_age = env_int64 ("DESKWATCH_EVENTS_MAX_AGE", DEFAULT_MAX_AGE);
  self->prunes = TRUE;
}

/* Public API */

DwEventLog *
dw_event_log_new (DwStore *store,
                  DwClock *clock)
{
  DwEventLog *self;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (DW_IS_CLOCK (clock), NULL);

  self = g_object_new (DW_TYPE_EVENT_LOG, NULL);
  self->store = store;
  self->clock = g_object_ref (clock);

  if (!load_bounds (self, TRUE, &error))
    g_warning ("Cannot read the event log: %s", error->message);

  if (dw_store_has_instances (store))
    {
      /* Other instances write to the same log: listen for their commits from now on.  Pruning
       * waits for the leadership (dw_event_log_set_leader). */
      self->prunes = FALSE;
      if (!listener_open (self) && self->relisten_id == 0)
        self->relisten_id = g_timeout_add_seconds (RELISTEN_INTERVAL_S, relisten_cb, self);
    }
  else if (error == NULL && needs_pruning (self) && !dw_store_in_transaction (self->store)
           && !dw_event_log_prune (self, &error))
    g_warning ("Cannot prune the event log: %s", error->message);

  return self;
}

gint64
dw_event_log_append (DwEventLog  *self,
                     const char  *type,
                     gint64       team_id,
                     gint64       user_id,
                     JsonObject  *data,
                     GError     **error)
{
  g_autoptr(JsonNode) node = NULL;
  char *text;

  g_return_val_if_fail (DW_IS_EVENT_LOG (self), -1);
  g_return_val_if_fail (type_is_valid (type), -1);
  g_return_val_if_fail (data != NULL, -1);

  node = json_node_init_object (json_node_alloc (), data);
  text = dw_json_to_string (node, NULL);
  return dw_event_log_append_text (self, type, team_id, user_id, text, error);
}

gint64
dw_event_log_append_text (DwEventLog  *self,
                          const char  *type,
                          gint64       team_id,
                          gint64       user_id,
                          char        *text,
                          GError     **error)
{
  gint64 at, seq;

  g_return_val_if_fail (DW_IS_EVENT_LOG (self), -1);
  g_return_val_if_fail (type_is_valid (type), -1);
  g_return_val_if_fail (text != NULL, -1);

  at = dw_clock_now (self->clock);

  seq = dw_store_event_insert (self->store, at, type, team_id, user_id, text, error);
  if (seq == 0)
    {
      g_free (text);
      return -1;
    }

  g_ptr_array_add (self->pending,
                   dw_event_new (seq, at, type, MAX (team_id, 0), MAX (user_id, 0), text));
  return seq;
}

void
dw_event_log_publish (DwEventLog *self)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (DW_IS_EVENT_LOG (self));

  /* Access changes first (a user disabled, a lead moved out of a team): a stream must not
   * receive the events of the same transaction under its old scope. */
  if (self->pending_access->len > 0)
    {
      g_autoptr(GArray) users = g_steal_pointer (&self->pending_access);

      self->pending_access = g_array_new (FALSE, FALSE, sizeof (gint64));
      for (guint i = 0; i < users->len; i++)
        dw_event_log_access_changed (self, g_array_index (users, gint64, i));
    }

  if (self->pending->len == 0)
    return;

  /* PostgreSQL numbers a transaction's events at its COMMIT (dw-pg-events.c): what was appended
   * under a provisional key gets its seq now, before anyone sees it. */
  for (guint i = 0; i < self->pending->len; i++)
    {
      DwEvent *event = g_ptr_array_index (self->pending, i);

      event->seq = dw_store_event_committed_seq (self->store, event->seq);
    }

  /* A token revoked or a user disabled by another process reaches the streams before any
   * event committed after it does. */
  dw_event_log_poll_access (self);

  /* Handlers may append and publish themselves (the SLA engine re-arming, a desk reacting):
   * work on our own batch. */
  events = g_steal_pointer (&self->pending);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) dw_event_unref);

  if (dw_store_has_instances (self->store))
    {
      DwEvent *first = g_ptr_array_index (events, 0);

      /* What the listening session was told already, first: another instance's access change
       * reaches the streams before the events committed after it (PostgreSQL has no
       * data_version for dw_event_log_poll_access to look at). */
      if (self->listener != NULL)
        hear (self);

      /* Other instances committed the seqs between what we published and ours (they came
       * before ours: our seqs were taken after their commits), and their notifications may
       * not have been read yet: publish them first, from the table.  If that fails, ours wait
       * in the table too: the next notification or sync reads them all in order. */
      if (first->seq > self->last_seq + 1 && !catch_up (self, first->seq - 1, &error))
        {
          note_failure (&self->read_failing, FALSE, "Cannot read other instances' events",
                        error);
          return;
        }
    }

  for (guint i = 0; i < events->len; i++)
    emit_event (self, g_ptr_array_index (events, i), !dw_store_has_instances (self->store));

  /* What the listening session was told while the gap was read on it. */
  if (self->listener != NULL)
    hear (self);

  maybe_prune (self);
}

void
dw_event_log_discard (DwEventLog *self)
{
  g_return_if_fail (DW_IS_EVENT_LOG (self));

  /* Rolled back: the rows are gone and their seqs will be handed out again. */
  g_ptr_array_set_size (self->pending, 0);
  g_array_set_size (self->pending_access, 0);
}

void
dw_event_log_mark (DwEventLog *self)
{
  g_return_if_fail (DW_IS_EVENT_LOG (self));

  self->mark_events = self->pending->len;
  self->mark_access = self->pending_access->len;
}

void
dw_event_log_discard_to_mark (DwEventLog *self)
{
  g_return_if_fail (DW_IS_EVENT_LOG (self));

  /* Rolled back to the savepoint: its rows and seqs are gone, the group's earlier ones stay. */
  if (self->pending->len > self->mark_events)
    g_ptr_array_set_size (self->pending, self->mark_events);
  if (self->pending_access->len > self->mark_access)
    g_array_set_size (self->pending_access, self->mark_access);
}

gint64
dw_event_log_get_seq (DwEventLog *self)
{
  g_return_val_if_fail (DW_IS_EVENT_LOG (self), 0);
  return self->last_seq;
}

gint64
dw_event_log_get_first_seq (DwEventLog *self)
{
  g_return_val_if_fail (DW_IS_EVENT_LOG (self), 1);
  return self->first_seq;
}

GPtrArray *
dw_event_log_read (DwEventLog  *self,
                   gint64       after,
                   guint        limit,
                   GError     **error)
{
  g_autoptr(GPtrArray) events = NULL;

  g_return_val_if_fail (DW_IS_EVENT_LOG (self), NULL);

  /* Bounded by the last published seq, so rows of an open transaction on our own connection
   * (visible to it) never go out before they are committed.  With several instances, on the
   * listening session: it is never inside a transaction, so a read snapshot open on the
   * store's connection cannot hide another instance's rows that were published already. */
  events = g_ptr_array_new_with_free_func ((GDestroyNotify) dw_event_unref);
  if (!dw_store_events_read (self->listener != NULL ? self->listener : self->store, after,
                             self->last_seq, limit, add_event_cb, events, error))
    return NULL;

  /* Notifications libpq collected meanwhile no longer make the socket readable; not now
   * (the caller is in the middle of its catch-up), but soon. */
  if (self->listener != NULL && self->hear_id == 0)
    self->hear_id = g_idle_add (hear_idle_cb, self);

  return g_steal_pointer (&events);
}

void
dw_event_log_set_retention (DwEventLog *self,
                            gint64      max_events,
                            gint64      max_age)
{
  g_return_if_fail (DW_IS_EVENT_LOG (self));

  if (max_events > 0)
    self->max_events = max_events;
  if (max_age > 0)
    self->max_age = max_age;
}

gboolean
dw_event_log_prune (DwEventLog  *self,
                    GError     **error)
{
  g_return_val_if_fail (DW_IS_EVENT_LOG (self), FALSE);

  /* Only published rows: a pending one belongs to a transaction not ours to touch. */
  if (!dw_store_events_prune (self->store, self->last_seq, self->max_events,
                              dw_clock_now (self->clock) - self->max_age, error))
    return FALSE;

  return load_bounds (self, FALSE, error);
}

void
dw_event_log_access_changed (DwEventLog *self,
                             gint64      user_id)
{
  g_return_if_fail (DW_IS_EVENT_LOG (self));

  g_signal_emit (self, signals[ACCESS_CHANGED], 0, MAX (user_id, 0));
}

void
dw_event_log_append_access_change (DwEventLog *self,
                                   gint64      user_id)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (DW_IS_EVENT_LOG (self));

  user_id = MAX (user_id, 0);
  g_array_append_val (self->pending_access, user_id);

  /* The other instances hear it at COMMIT (their streams re-check their principals). */
  if (!dw_store_notify_access (self->store, user_id, &error))
    g_message ("Cannot tell other instances of an access change: %s", error->message);
}

gboolean
dw_event_log_poll_access (DwEventLog *self)
{
  gint64 version;

  g_return_val_if_fail (DW_IS_EVENT_LOG (self), FALSE);

  if (!dw_store_data_version (self->store, &version))
    return FALSE;

  if (version == self->data_version)
    return FALSE;

  /* The first look only sets the mark. */
  if (self->data_version == 0)
    {
      self->data_version = version;
      return FALSE;
    }

  self->data_version = version;
  dw_event_log_access_changed (self, 0);
  return TRUE;
}

/* A copy of the data of the pending event @seq (appended in the open transaction: what
 * dw_event_log_append returned, a provisional key on PostgreSQL), or NULL:
 * a create answers with the very text its event carries instead of serialising the ticket a
 * second time (issue 13). */
char *
dw_event_log_dup_pending_data (DwEventLog *self,
                               gint64      seq)
{
  g_return_val_if_fail (DW_IS_EVENT_LOG (self), NULL);

  for (guint i = self->pending->len; i > 0; i--)
    {
      DwEvent *event = g_ptr_array_index (self->pending, i - 1);

      if (event->seq == seq)
        return g_strdup (event->data);
    }

  return NULL;
}

gboolean
dw_event_log_sync (DwEventLog *self)
{
  g_autoptr(GError) error = NULL;
  gint64 last_seq, first_seq, first_at;
  DwStore *reader;

  g_return_val_if_fail (DW_IS_EVENT_LOG (self), FALSE);

  if (!dw_store_has_instances (self->store))
    return TRUE;

  /* The counter as committed, and the oldest row the leader's pruning left. */
  reader = self->listener != NULL ? self->listener : self->store;
  if (!dw_store_events_bounds (reader, &last_seq, &first_seq, &first_at, &error)
      || !catch_up (self, last_seq, &error))
    {
      note_failure (&self->read_failing, FALSE, "Cannot read other instances' events", error);
      return FALSE;
    }
  self->read_failing = FALSE;

  if (first_seq == 0)
    {
      self->first_seq = self->last_seq + 1;
      self->first_at = 0;
    }
  else if (first_seq > self->first_seq)
    {
      self->first_seq = first_seq;
      self->first_at = first_at;
    }

  /* What the listening session was told while we read on it. */
  return self->listener == NULL || hear (self);
}

void
dw_event_log_set_leader (DwEventLog *self,
                         DwLeader   *leader)
{
  g_return_if_fail (DW_IS_EVENT_LOG (self));
  g_return_if_fail (DW_IS_LEADER (leader));

  dw_leader_watch (&self->leader, &self->leader_id, leader, G_CALLBACK (leader_notify_cb), self);
  self->prunes = dw_leader_get_is_leader (leader);
}
