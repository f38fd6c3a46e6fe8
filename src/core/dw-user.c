#include "dw-user.h"

#include "dw-json.h"

struct _DwUser
{
  GObject     parent_instance;

  gint64      id;
  char       *username;
  char       *display_name;
  DwRole      role;
  int         capacity;
  DwPresence  presence;
  gint64      presence_since;
  GArray     *teams;   /* of DwUserTeam */
  GArray     *skills;  /* of DwUserSkill */
  int         open_tickets;

  int         free_capacity;  /* derived */
};

G_STATIC_ASSERT (sizeof (DwRole) == sizeof (int));
G_STATIC_ASSERT (sizeof (DwPresence) == sizeof (int));

G_DEFINE_FINAL_TYPE (DwUser, dw_user, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_USERNAME,
  PROP_DISPLAY_NAME,
  PROP_ROLE,
  PROP_CAPACITY,
  PROP_PRESENCE,
  PROP_PRESENCE_SINCE,
  PROP_TEAMS,
  PROP_SKILLS,
  PROP_OPEN_TICKETS,
  PROP_FREE_CAPACITY,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

#define FIELD(member, prop, kind, flags, field) \
  { member, prop, DW_JSON_KIND_##kind, flags, G_STRUCT_OFFSET (DwUser, field) }

static const DwJsonField fields[] = {
  FIELD ("id", PROP_ID, INT64, DW_JSON_REQUIRED | DW_JSON_POSITIVE, id),
  FIELD ("username", PROP_USERNAME, STRING, DW_JSON_REQUIRED, username),
  FIELD ("display_name", PROP_DISPLAY_NAME, STRING, DW_JSON_REQUIRED, display_name),
  FIELD ("role", PROP_ROLE, ENUM, DW_JSON_REQUIRED, role),
  FIELD ("capacity", PROP_CAPACITY, INT, 0, capacity),
  FIELD ("presence", PROP_PRESENCE, ENUM, 0, presence),
  FIELD ("presence_since", PROP_PRESENCE_SINCE, TIME, 0, presence_since),
  FIELD ("open_tickets", PROP_OPEN_TICKETS, INT, 0, open_tickets),
};

#undef FIELD

static const DwJsonSchema schema = { fields, G_N_ELEMENTS (fields), properties };

/* ------------------------------------------------------------------------------------------ */
/* Helpers */

static void
skill_clear (gpointer data)
{
  DwUserSkill *skill = data;

  g_clear_pointer (&skill->skill, g_free);
}

static GArray *
teams_new (void)
{
  return g_array_new (FALSE, TRUE, sizeof (DwUserTeam));
}

static GArray *
skills_new (void)
{
  GArray *skills = g_array_new (FALSE, TRUE, sizeof (DwUserSkill));

  g_array_set_clear_func (skills, skill_clear);
  return skills;
}

static gboolean
teams_equal (GArray *a,
             GArray *b)
{
  if (a->len != b->len)
    return FALSE;

  for (guint i = 0; i < a->len; i++)
    {
      DwUserTeam *ta = &g_array_index (a, DwUserTeam, i);
      DwUserTeam *tb = &g_array_index (b, DwUserTeam, i);

      if (ta->team_id != tb->team_id || !ta->is_lead != !tb->is_lead)
        return FALSE;
    }
  return TRUE;
}

static gboolean
skills_equal (GArray *a,
              GArray *b)
{
  if (a->len != b->len)
    return FALSE;

  for (guint i = 0; i < a->len; i++)
    {
      DwUserSkill *sa = &g_array_index (a, DwUserSkill, i);
      DwUserSkill *sb = &g_array_index (b, DwUserSkill, i);

      if (g_strcmp0 (sa->skill, sb->skill) != 0 || sa->level != sb->level)
        return FALSE;
    }
  return TRUE;
}

static JsonObject *
element_object (JsonArray   *array,
                const char  *member,
                guint        i,
                GError     **error)
{
  JsonNode *node = json_array_get_element (array, i);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_TYPE, "%s[%u]: expected an object, got %s",
                   member, i, dw_json_node_describe (node));
      return NULL;
    }
  return json_node_get_object (node);
}

/* *out stays NULL when "teams" is absent. */
static gboolean
parse_teams (JsonObject  *object,
             GArray     **out,
             GError     **error)
{
  JsonArray *array = NULL;
  g_autoptr(GArray) teams = NULL;
  guint n;

  *out = NULL;
  if (!dw_json_get_array (object, "teams", 0, &array, error))
    return FALSE;
  if (array == NULL)
    return TRUE;

  teams = teams_new ();
  n = json_array_get_length (array);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *element = element_object (array, "teams", i, error);
      DwUserTeam team = { 0, FALSE };

      if (element == NULL)
        return FALSE;

      if (!dw_json_get_int64 (element, "id", DW_JSON_REQUIRED | DW_JSON_POSITIVE, &team.team_id, error) ||
          !dw_json_get_boolean (element, "is_lead", 0, &team.is_lead, error))
        {
          dw_json_prefix_error (error, "teams[%u].", i);
          return FALSE;
        }
      g_array_append_val (teams, team);
    }

  *out = g_steal_pointer (&teams);
  return TRUE;
}

static gboolean
parse_skills (JsonObject  *object,
              GArray     **out,
              GError     **error)
{
  JsonArray *array = NULL;
  g_autoptr(GArray) skills = NULL;
  guint n;

  *out = NULL;
  if (!dw_json_get_array (object, "skills", 0, &array, error))
    return FALSE;
  if (array == NULL)
    return TRUE;

  skills = skills_new ();
  n = json_array_get_length (array);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *element = element_object (array, "skills", i, error);
      DwUserSkill skill = { NULL, 0 };

      if (element == NULL)
        return FALSE;

      if (!dw_json_get_string (element, "skill", DW_JSON_REQUIRED, &skill.skill, error) ||
          !dw_json_get_int (element, "level", DW_JSON_REQUIRED, &skill.level, error))
        {
          g_free (skill.skill);
          dw_json_prefix_error (error, "skills[%u].", i);
          return FALSE;
        }
      if (skill.level < 1 || skill.level > 5)
        {
          g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_VALUE,
                       "skills[%u].level: %d is out of range (1..5)", i, skill.level);
          g_free (skill.skill);
          return FALSE;
        }
      g_array_append_val (skills, skill);
    }

  *out = g_steal_pointer (&skills);
  return TRUE;
}

/* Take @teams / @skills (either may be NULL: unchanged); TRUE when the value changed. */
static gboolean
store_teams (DwUser *self,
             GArray *teams)
{
  if (teams == NULL)
    return FALSE;
  if (teams_equal (self->teams, teams))
    {
      g_array_unref (teams);
      return FALSE;
    }
  g_array_unref (self->teams);
  self->teams = teams;
  return TRUE;
}

static gboolean
store_skills (DwUser *self,
              GArray *skills)
{
  if (skills == NULL)
    return FALSE;
  if (skills_equal (self->skills, skills))
    {
      g_array_unref (skills);
      return FALSE;
    }
  g_array_unref (self->skills);
  self->skills = skills;
  return TRUE;
}

static void
update_derived (DwUser   *self,
                gboolean  notify)
{
  int free_capacity = MAX (0, self->capacity - self->open_tickets);

  if (free_capacity != self->free_capacity)
    {
      self->free_capacity = free_capacity;
      if (notify)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FREE_CAPACITY]);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* GObject */

static void
dw_user_finalize (GObject *object)
{
  DwUser *self = (DwUser *)object;

  dw_json_schema_clear (&schema, object);
  g_clear_pointer (&self->teams, g_array_unref);
  g_clear_pointer (&self->skills, g_array_unref);

  G_OBJECT_CLASS (dw_user_parent_class)->finalize (object);
}

static void
dw_user_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  DwUser *self = DW_USER (object);

  if (dw_json_schema_get_property (&schema, object, prop_id, value))
    return;

  switch (prop_id)
    {
    case PROP_TEAMS:
      g_value_set_boxed (value, self->teams);
      break;

    case PROP_SKILLS:
      g_value_set_boxed (value, self->skills);
      break;

    case PROP_FREE_CAPACITY:
      g_value_set_int (value, self->free_capacity);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_user_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  DwUser *self = DW_USER (object);

  if (dw_json_schema_set_property (&schema, object, prop_id, value))
    {
      update_derived (self, TRUE);
      return;
    }

  switch (prop_id)
    {
    case PROP_TEAMS:
      if (store_teams (self, g_value_get_boxed (value) ? g_value_dup_boxed (value) : teams_new ()))
        g_object_notify_by_pspec (object, pspec);
      break;

    case PROP_SKILLS:
      if (store_skills (self, g_value_get_boxed (value) ? g_value_dup_boxed (value) : skills_new ()))
        g_object_notify_by_pspec (object, pspec);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_user_class_init (DwUserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = dw_user_finalize;
  object_class->get_property = dw_user_get_property;
  object_class->set_property = dw_user_set_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_USERNAME] = g_param_spec_string ("username", NULL, NULL, NULL, rw);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, rw);
  properties[PROP_ROLE] = g_param_spec_enum ("role", NULL, NULL, DW_TYPE_ROLE, DW_ROLE_AGENT, rw);
  properties[PROP_CAPACITY] = g_param_spec_int ("capacity", NULL, NULL, 0, G_MAXINT, 5, rw);
  properties[PROP_PRESENCE] = g_param_spec_enum ("presence", NULL, NULL, DW_TYPE_PRESENCE,
                                                 DW_PRESENCE_OFFLINE, rw);
  properties[PROP_PRESENCE_SINCE] = g_param_spec_int64 ("presence-since", NULL, NULL,
                                                        0, G_MAXINT64, 0, rw);
  /* GArrays of DwUserTeam / DwUserSkill, replaced as a whole. */
  properties[PROP_TEAMS] = g_param_spec_boxed ("teams", NULL, NULL, G_TYPE_ARRAY, rw);
  properties[PROP_SKILLS] = g_param_spec_boxed ("skills", NULL, NULL, G_TYPE_ARRAY, rw);
  properties[PROP_OPEN_TICKETS] = g_param_spec_int ("open-tickets", NULL, NULL, 0, G_MAXINT, 0, rw);
  properties[PROP_FREE_CAPACITY] = g_param_spec_int ("free-capacity", NULL, NULL, 0, G_MAXINT, 5, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dw_user_init (DwUser *self)
{
  self->capacity = 5;
  self->free_capacity = 5;
  self->presence = DW_PRESENCE_OFFLINE;
  self->teams = teams_new ();
  self->skills = skills_new ();
}

/* ------------------------------------------------------------------------------------------ */
/* Public API */

DwUser *
dw_user_new_from_json (JsonObject  *object,
                       GError     **error)
{
  g_autoptr(DwUser) self = NULL;
  g_autoptr(DwJsonParsed) parsed = NULL;
  g_autoptr(GArray) teams = NULL;
  g_autoptr(GArray) skills = NULL;

  g_return_val_if_fail (object != NULL, NULL);

  /* Created first: parsing needs the class's property specs. */
  self = g_object_new (DW_TYPE_USER, NULL);

  parsed = dw_json_schema_parse (&schema, object, FALSE, error);
  if (parsed == NULL ||
      !parse_teams (object, &teams, error) ||
      !parse_skills (object, &skills, error))
    return NULL;

  dw_json_parsed_store (parsed, G_OBJECT (self));
  store_teams (self, g_steal_pointer (&teams));
  store_skills (self, g_steal_pointer (&skills));
  update_derived (self, FALSE);
  return g_steal_pointer (&self);
}

JsonObject *
dw_user_to_json (DwUser *self)
{
  JsonObject *object;
  JsonArray *teams;
  JsonArray *skills;

  g_return_val_if_fail (DW_IS_USER (self), NULL);

  object = json_object_new ();
  dw_json_schema_write (&schema, G_OBJECT (self), object);

  teams = json_array_sized_new (self->teams->len);
  for (guint i = 0; i < self->teams->len; i++)
    {
      DwUserTeam *team = &g_array_index (self->teams, DwUserTeam, i);
      JsonObject *element = json_object_new ();

      json_object_set_int_member (element, "id", team->team_id);
      json_object_set_boolean_member (element, "is_lead", team->is_lead);
      json_array_add_object_element (teams, element);
    }
  json_object_set_array_member (object, "teams", teams);

  skills = json_array_sized_new (self->skills->len);
  for (guint i = 0; i < self->skills->len; i++)
    {
      DwUserSkill *skill = &g_array_index (self->skills, DwUserSkill, i);
      JsonObject *element = json_object_new ();

      json_object_set_string_member (element, "skill", skill->skill);
      json_object_set_int_member (element, "level", skill->level);
      json_array_add_object_element (skills, element);
    }
  json_object_set_array_member (object, "skills", skills);

  return object;
}

gboolean
dw_user_update_from_json (DwUser      *self,
                          JsonObject  *object,
                          GError     **error)
{
  g_autoptr(DwJsonParsed) parsed = NULL;
  g_autoptr(GArray) teams = NULL;
  g_autoptr(GArray) skills = NULL;
  gint64 id;

  g_return_val_if_fail (DW_IS_USER (self), FALSE);
  g_return_val_if_fail (object != NULL, FALSE);

  parsed = dw_json_schema_parse (&schema, object, TRUE, error);
  if (parsed == NULL ||
      !parse_teams (object, &teams, error) ||
      !parse_skills (object, &skills, error))
    return FALSE;

  if (dw_json_parsed_get_int64 (parsed, PROP_ID, &id) && self->id != 0 && id != self->id)
    {
      g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_MISMATCH,
                   "id: %" G_GINT64_FORMAT " is not user %" G_GINT64_FORMAT, id, self->id);
      return FALSE;
    }

  g_object_freeze_notify (G_OBJECT (self));
  dw_json_parsed_apply (parsed, G_OBJECT (self));
  if (store_teams (self, g_steal_pointer (&teams)))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEAMS]);
  if (store_skills (self, g_steal_pointer (&skills)))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SKILLS]);
  update_derived (self, TRUE);
  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

gint64
dw_user_get_id (DwUser *self)
{
  g_return_val_if_fail (DW_IS_USER (self), 0);
  return self->id;
}

const char *
dw_user_get_username (DwUser *self)
{
  g_return_val_if_fail (DW_IS_USER (self), NULL);
  return self->username;
}

const char *
dw_user_get_display_name (DwUser *self)
{
  g_return_val_if_fail (DW_IS_USER (self), NULL);
  return self->display_name;
}

DwRole
dw_user_get_role (DwUser *self)
{
  g_return_val_if_fail (DW_IS_USER (self), 0);
  return self->role;
}

int
dw_user_get_capacity (DwUser *self)
{
  g_return_val_if_fail (DW_IS_USER (self), 0);
  return self->capacity;
}

DwPresence
dw_user_get_presence (DwUser *self)
{
  g_return_val_if_fail (DW_IS_USER (self), 0);
  return self->presence;
}

gint64
dw_user_get_presence_since (DwUser *self)
{
  g_return_val_if_fail (DW_IS_USER (self), 0);
  return self->presence_since;
}

GArray *
dw_user_get_teams (DwUser *self)
{
  g_return_val_if_fail (DW_IS_USER (self), NULL);
  return self->teams;
}

GArray *
dw_user_get_skills (DwUser *self)
{
  g_return_val_if_fail (DW_IS_USER (self), NULL);
  return self->skills;
}

int
dw_user_get_open_tickets (DwUser *self)
{
  g_return_val_if_fail (DW_IS_USER (self), 0);
  return self->open_tickets;
}

int
dw_user_get_free_capacity (DwUser *self)
{
  g_return_val_if_fail (DW_IS_USER (self), 0);
  return self->free_capacity;
}

int
dw_user_get_skill_level (DwUser     *self,
                         const char *skill)
{
  g_return_val_if_fail (DW_IS_USER (self), 0);

  if (skill == NULL)
    return 0;

  for (guint i = 0; i < self->skills->len; i++)
    {
      DwUserSkill *s = &g_array_index (self->skills, DwUserSkill, i);

      if (g_strcmp0 (s->skill, skill) == 0)
        return s->level;
    }
  return 0;
}

static const DwUserTeam *
find_team (DwUser *self,
           gint64  team_id)
{
  for (guint i = 0; i < self->teams->len; i++)
    {
      const DwUserTeam *team = &g_array_index (self->teams, DwUserTeam, i);

      if (team->team_id == team_id)
        return team;
    }
  return NULL;
}

gboolean
dw_user_is_in_team (DwUser *self,
                    gint64  team_id)
{
  g_return_val_if_fail (DW_IS_USER (self), FALSE);
  return find_team (self, team_id) != NULL;
}

gboolean
dw_user_is_lead_of (DwUser *self,
                    gint64  team_id)
{
  const DwUserTeam *team;

  g_return_val_if_fail (DW_IS_USER (self), FALSE);

  team = find_team (self, team_id);
  return team != NULL && team->is_lead;
}

void
dw_user_set_presence (DwUser     *self,
                      DwPresence  presence)
{
  g_return_if_fail (DW_IS_USER (self));
  g_object_set (self, "presence", presence, NULL);
}
