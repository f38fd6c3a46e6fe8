#include "dw-throttle.h"

typedef struct
{
  char   *key;
  gint64  level;   /* failures × interval: microseconds until drained */
  gint64  at;      /* when level was last set */
  GList   link;    /* in DwThrottle.order */
} Bucket;

struct _DwThrottle
{
  guint       burst;
  gint64      interval;
  guint       max_keys;
  GHashTable *buckets;  /* key → Bucket */
  GQueue      order;    /* least recently updated first */
};

static void
bucket_free (Bucket *bucket)
{
  g_free (bucket->key);
  g_free (bucket);
}

static gint64
bucket_level (DwThrottle *self,
              Bucket     *bucket,
              gint64      now)
{
  return MAX (bucket->level - MAX (now - bucket->at, 0), 0);
}

static void
bucket_touch (DwThrottle *self,
              Bucket     *bucket,
              gint64      level,
              gint64      now)
{
  bucket->level = level;
  bucket->at = now;
  g_queue_unlink (&self->order, &bucket->link);
  g_queue_push_tail_link (&self->order, &bucket->link);
}

static void
bucket_remove (DwThrottle *self,
               Bucket     *bucket)
{
  g_queue_unlink (&self->order, &bucket->link);
  g_hash_table_remove (self->buckets, bucket->key);
}

/* Drops the buckets that have drained (looking at a few of the oldest), and the oldest ones
 * beyond max_keys. */
static void
prune (DwThrottle *self,
       gint64      now)
{
  for (guint i = 0; i < 4 && self->order.head != NULL; i++)
    {
      Bucket *oldest = self->order.head->data;

      if (bucket_level (self, oldest, now) > 0)
        break;
      bucket_remove (self, oldest);
    }

  while (g_hash_table_size (self->buckets) > self->max_keys)
    bucket_remove (self, self->order.head->data);
}

DwThrottle *
dw_throttle_new (guint  burst,
                 gint64 interval,
                 guint  max_keys)
{
  DwThrottle *self = g_new0 (DwThrottle, 1);

  self->burst = MAX (burst, 1);
  self->interval = MAX (interval, 1);
  self->max_keys = MAX (max_keys, 1);
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) bucket_free);
  g_queue_init (&self->order);
  return self;
}

void
dw_throttle_free (DwThrottle *self)
{
  g_hash_table_unref (self->buckets);
  g_free (self);
}

gint64
dw_throttle_get_wait (DwThrottle *self,
                      const char *key,
                      gint64      now)
{
  Bucket *bucket = g_hash_table_lookup (self->buckets, key);

  if (bucket == NULL)
    return 0;

  return MAX (bucket_level (self, bucket, now) - (gint64) (self->burst - 1) * self->interval, 0);
}

void
dw_throttle_add (DwThrottle *self,
                 const char *key,
                 gint64      now)
{
  Bucket *bucket = g_hash_table_lookup (self->buckets, key);

  if (bucket == NULL)
    {
      bucket = g_new0 (Bucket, 1);
      bucket->key = g_strdup (key);
      bucket->link.data = bucket;
      g_hash_table_insert (self->buckets, bucket->key, bucket);
      g_queue_push_tail_link (&self->order, &bucket->link);
    }

  bucket_touch (self, bucket, bucket_level (self, bucket, now) + self->interval, now);
  prune (self, now);
}

void
dw_throttle_remove (DwThrottle *self,
                    const char *key,
                    gint64      now)
{
  Bucket *bucket = g_hash_table_lookup (self->buckets, key);

  if (bucket != NULL)
    bucket_touch (self, bucket, MAX (bucket_level (self, bucket, now) - self->interval, 0), now);
}

void
dw_throttle_reset (DwThrottle *self,
                   const char *key)
{
  Bucket *bucket = g_hash_table_lookup (self->buckets, key);

  if (bucket != NULL)
    bucket_remove (self, bucket);
}

guint
dw_throttle_get_size (DwThrottle *self)
{
  return g_hash_table_size (self->buckets);
}
