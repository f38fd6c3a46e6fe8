/* test-store-roster.c: the named operations of rosters and staffing (store/dw-store-roster.h),
 * without HTTP.
 *
 * Written against the op table, not against SQLite: every test runs once per backend
 * (tests/dw-test-store.h: a fresh desk seeded with two teams, agents in teams, a template and
 * shifts, one made from it), under /store/<backend>/.  Outside a transaction: on PostgreSQL a
 * failed statement would abort the rest of one.
 */
#include "config.h"

#include "dw-store.h"
#include "store/dw-store-roster.h"
#include "dw-test-store.h"

typedef DwTestStoreFixture Fixture;

/* Plain INSERTs with their ids, read alike by both backends. */
static const char seed_sql[] =
  "INSERT INTO teams (id, name, calendar_id, created_at) "
  "VALUES (7, 'Returns', (SELECT min (id) FROM calendars), 0);"
  "INSERT INTO teams (id, name, calendar_id, created_at) "
  "VALUES (8, 'Billing', (SELECT min (id) FROM calendars), 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
  "VALUES (11, 'li', 'Li', 'agent', 0, 0);"
  "INSERT INTO shift_templates (id, team_id, name, start_minute, end_minute, breaks) "
  "VALUES (31, 7, '晚班', 960, 1440, '[]');"
  "INSERT INTO shifts (id, user_id, team_id, starts_at, ends_at, template_id) "
  "VALUES (41, 11, 7, 1700000000, 1700028800, 31);"
  "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
  "VALUES (12, 'wang', 'Wang', 'agent', 0, 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
  "VALUES (13, 'zhao', 'Zhao', 'agent', 0, 0);"
  "INSERT INTO team_members (team_id, user_id) VALUES (8, 11);"
  "INSERT INTO team_members (team_id, user_id) VALUES (7, 11);"
  "INSERT INTO team_members (team_id, user_id) VALUES (8, 12);"
  "INSERT INTO shifts (id, user_id, team_id, starts_at, ends_at) "
  "VALUES (42, 11, 7, 1700086400, 1700115200);"
  "INSERT INTO shifts (id, user_id, team_id, starts_at, ends_at) "
  "VALUES (43, 11, 8, 1700086400, 1700100000);"
  "INSERT INTO shifts (id, user_id, team_id, starts_at, ends_at) "
  "VALUES (44, 12, 8, 1700086400, 1700100000);";

static gint64
insert_template (Fixture    *fixture,
                 gint64      team_id,
                 const char *name,
                 gint64      start,
                 gint64      end,
                 const char *breaks)
{
  g_autoptr(GError) error = NULL;
  DwStoreShiftTemplate row = { .team_id = team_id, .name = (char *) name, .start_minute = start,
                               .end_minute = end, .breaks = (char *) breaks };
  gint64 id = dw_store_shift_template_insert (fixture->store, &row, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* Tests */

static void
test_staffing_settings (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  DwStoreStaffingSettings settings = { 0 };
  DwStoreStaffingSettings other = { 0 };
  DwStoreStaffingSettings again = { 0 };

  /* Migration 005's defaults. */
  g_assert_true (dw_store_staffing_settings_load (fixture->store, 7, &settings, &error));
  g_assert_no_error (error);
  g_assert_cmpint (settings.min_rest_minutes, ==, 660);
  g_assert_cmpint (settings.max_day_minutes, ==, 600);
  g_assert_cmpint (settings.max_week_minutes, ==, 2640);
  g_assert_cmpfloat (settings.target_service_level, ==, 0.8);
  g_assert_cmpint (settings.target_answer_seconds, ==, 20);
  g_assert_cmpfloat (settings.max_occupancy, ==, 0.85);
  g_assert_cmpfloat (settings.ticket_occupancy, ==, 0.85);
  g_assert_cmpfloat (settings.shrinkage, ==, 0.3);

  /* A round trip, to the last bit of each double; the other team keeps its own. */
  settings.min_rest_minutes = 720;
  settings.max_day_minutes = 480;
  settings.max_week_minutes = 2400;
  settings.target_service_level = 0.9;
  settings.target_answer_seconds = 30;
  settings.max_occupancy = 0.8;
  settings.ticket_occupancy = 1.0 / 3.0;
  settings.shrinkage = 0.35;
  g_assert_true (dw_store_staffing_settings_update (fixture->store, 7, &settings, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_staffing_settings_load (fixture->store, 7, &again, &error));
  g_assert_cmpmem (&again, sizeof again, &settings, sizeof settings);
  g_assert_true (dw_store_staffing_settings_load (fixture->store, 8, &other, &error));
  g_assert_cmpint (other.min_rest_minutes, ==, 660);
  g_assert_cmpfloat (other.ticket_occupancy, ==, 0.85);

  /* The table's CHECKs are the last word. */
  settings.shrinkage = 1.5;
  g_assert_false (dw_store_staffing_settings_update (fixture->store, 7, &settings, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
}

static void
test_staffing_settings_not_found (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  DwStoreStaffingSettings settings = { 0 };

  g_assert_false (dw_store_staffing_settings_load (fixture->store, 4242, &settings, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* An update of no row is no error. */
  settings.max_day_minutes = 600;
  settings.max_week_minutes = 2640;
  g_assert_true (dw_store_staffing_settings_update (fixture->store, 4242, &settings, &error));
  g_assert_no_error (error);
}

static void
test_template_round_trip (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DwStoreShiftTemplate) row = { 0 };
  gint64 id;

  id = insert_template (fixture, 7, "早班", 480, 960,
                        "[{\"start_minute\":720,\"minutes\":30}]");
  g_assert_cmpint (id, >, 31);   /* past the seed's ids */
  g_assert_true (dw_store_shift_template_load (fixture->store, id, &row, &error));
  g_assert_no_error (error);
  g_assert_cmpint (row.id, ==, id);
  g_assert_cmpint (row.team_id, ==, 7);
  g_assert_cmpstr (row.name, ==, "早班");
  g_assert_cmpint (row.start_minute, ==, 480);
  g_assert_cmpint (row.end_minute, ==, 960);
  g_assert_cmpstr (row.breaks, ==, "[{\"start_minute\":720,\"minutes\":30}]");

  /* No breaks given: stored as []. */
  {
    g_auto(DwStoreShiftTemplate) bare = { 0 };
    gint64 bare_id = insert_template (fixture, 7, "night", 1320, 1800, NULL);

    g_assert_true (dw_store_shift_template_load (fixture->store, bare_id, &bare, &error));
    g_assert_cmpstr (bare.breaks, ==, "[]");
    g_assert_cmpint (bare.end_minute, ==, 1800);
  }
}

static void
test_template_list (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GArray) empty = NULL;
  gint64 late, early, tie;

  late = insert_template (fixture, 7, "late", 1200, 1680, "[]");
  early = insert_template (fixture, 7, "early", 360, 840, "[]");
  tie = insert_template (fixture, 7, "early too", 360, 600, "[]");
  insert_template (fixture, 8, "billing", 0, 480, "[]");

  /* By start minute, then id (the seed's 晚班 starts at 960). */
  rows = dw_store_shift_template_list (fixture->store, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 4);
  g_assert_cmpint (g_array_index (rows, DwStoreShiftTemplate, 0).id, ==, early);
  g_assert_cmpint (g_array_index (rows, DwStoreShiftTemplate, 1).id, ==, tie);
  g_assert_cmpint (g_array_index (rows, DwStoreShiftTemplate, 2).id, ==, 31);
  g_assert_cmpstr (g_array_index (rows, DwStoreShiftTemplate, 2).name, ==, "晚班");
  g_assert_cmpint (g_array_index (rows, DwStoreShiftTemplate, 3).id, ==, late);
  g_assert_cmpint (g_array_index (rows, DwStoreShiftTemplate, 3).team_id, ==, 7);

  /* A team without templates, and an unknown team: empty, no error. */
  dw_test_store_exec (fixture->desk, "UPDATE shifts SET template_id = NULL;"
                                     "DELETE FROM shift_templates WHERE team_id = 8");
  empty = dw_store_shift_template_list (fixture->store, 8, &error);
  g_assert_no_error (error);
  g_assert_nonnull (empty);
  g_assert_cmpuint (empty->len, ==, 0);
  g_clear_pointer (&empty, g_array_unref);
  empty = dw_store_shift_template_list (fixture->store, 4242, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (empty->len, ==, 0);
}

static void
test_template_not_found (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DwStoreShiftTemplate) row = { 0 };

  g_assert_false (dw_store_shift_template_load (fixture->store, 4242, &row, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  g_assert_null (row.name);
  g_clear_error (&error);

  /* Deleting what is not there is no error. */
  g_assert_true (dw_store_shift_template_delete (fixture->store, 4242, &error));
  g_assert_no_error (error);
}

static void
test_template_constraint (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  DwStoreShiftTemplate same_name = { .team_id = 7, .name = "晚班", .start_minute = 0,
                                     .end_minute = 480, .breaks = "[]" };
  DwStoreShiftTemplate no_team = { .team_id = 999, .name = "x", .start_minute = 0,
                                   .end_minute = 480, .breaks = "[]" };
  DwStoreShiftTemplate too_long = { .team_id = 7, .name = "y", .start_minute = 0,
                                    .end_minute = 1441, .breaks = "[]" };

  g_assert_cmpint (dw_store_shift_template_insert (fixture->store, &same_name, &error), ==, 0);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_cmpint (dw_store_shift_template_insert (fixture->store, &no_team, &error), ==, 0);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_cmpint (dw_store_shift_template_insert (fixture->store, &too_long, &error), ==, 0);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* The same name in another team is fine. */
  same_name.team_id = 8;
  g_assert_cmpint (dw_store_shift_template_insert (fixture->store, &same_name, &error), >, 0);
  g_assert_no_error (error);
}

static void
test_template_delete (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DwStoreShiftTemplate) row = { 0 };
  gint64 kept = insert_template (fixture, 7, "kept", 0, 480, "[]");

  g_assert_true (dw_store_shift_template_delete (fixture->store, 31, &error));
  g_assert_no_error (error);
  g_assert_false (dw_store_shift_template_load (fixture->store, 31, &row, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The shift made from it stays, unlinked, with its times. */
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM shifts WHERE id = 41 "
                                      "AND template_id IS NULL AND starts_at = 1700000000"), ==, 1);
  g_assert_true (dw_store_shift_template_load (fixture->store, kept, &row, &error));
  g_assert_cmpstr (row.name, ==, "kept");
}

static gint64
insert_absence (Fixture    *fixture,
                gint64      user_id,
                const char *kind,
                gint64      starts_at,
                gint64      ends_at,
                const char *note)
{
  g_autoptr(GError) error = NULL;
  DwStoreAbsence row = { .user_id = user_id, .kind = (char *) kind, .starts_at = starts_at,
                         .ends_at = ends_at, .note = (char *) note, .created_at = 1699000000 };
  gint64 id = dw_store_absence_insert (fixture->store, &row, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
test_absence_round_trip (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DwStoreAbsence) row = { 0 };
  g_auto(DwStoreAbsence) bare = { 0 };
  gint64 id, bare_id;

  id = insert_absence (fixture, 11, "leave", 1700000000, 1700086400, "回老家");
  g_assert_true (dw_store_absence_load (fixture->store, id, &row, &error));
  g_assert_no_error (error);
  g_assert_cmpint (row.id, ==, id);
  g_assert_cmpint (row.user_id, ==, 11);
  g_assert_cmpstr (row.kind, ==, "leave");
  g_assert_cmpint (row.starts_at, ==, 1700000000);
  g_assert_cmpint (row.ends_at, ==, 1700086400);
  g_assert_cmpstr (row.note, ==, "回老家");
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT created_at FROM absences "
                                                     "WHERE note = '回老家'"), ==, 1699000000);

  /* No note: stored as "". */
  bare_id = insert_absence (fixture, 12, "sick", 1, 2, NULL);
  g_assert_true (dw_store_absence_load (fixture->store, bare_id, &bare, &error));
  g_assert_cmpstr (bare.note, ==, "");

  g_assert_true (dw_store_absence_delete (fixture->store, id, &error));
  g_assert_no_error (error);
  dw_store_absence_clear (&row);
  g_assert_false (dw_store_absence_load (fixture->store, id, &row, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  g_assert_null (row.kind);
  g_clear_error (&error);

  /* Unknown ids: not found; deleting one is no error. */
  g_assert_false (dw_store_absence_load (fixture->store, 4242, &row, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (dw_store_absence_delete (fixture->store, 4242, &error));
  g_assert_no_error (error);
}

static void
test_absence_constraint (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  DwStoreAbsence no_user = { .user_id = 999, .kind = "leave", .starts_at = 1, .ends_at = 2 };
  DwStoreAbsence bad_kind = { .user_id = 11, .kind = "holiday", .starts_at = 1, .ends_at = 2 };
  DwStoreAbsence backwards = { .user_id = 11, .kind = "sick", .starts_at = 2, .ends_at = 2 };

  g_assert_cmpint (dw_store_absence_insert (fixture->store, &no_user, &error), ==, 0);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_cmpint (dw_store_absence_insert (fixture->store, &bad_kind, &error), ==, 0);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_cmpint (dw_store_absence_insert (fixture->store, &backwards, &error), ==, 0);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM absences"), ==, 0);
}

static void
test_absence_list (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rows = NULL;
  gint64 a, b, c, d;

  a = insert_absence (fixture, 11, "leave", 2000, 3000, "");
  b = insert_absence (fixture, 12, "sick", 1000, 2500, "");
  c = insert_absence (fixture, 13, "training", 2000, 2100, "");
  d = insert_absence (fixture, 11, "sick", 5000, 6000, "");   /* outside [1500, 4000) */
  (void) d;

  /* Everyone's overlapping the span, by starts_at then id. */
  rows = dw_store_absence_list (fixture->store, 1500, 4000, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpint (g_array_index (rows, DwStoreAbsence, 0).id, ==, b);
  g_assert_cmpint (g_array_index (rows, DwStoreAbsence, 1).id, ==, a);
  g_assert_cmpint (g_array_index (rows, DwStoreAbsence, 2).id, ==, c);
  g_assert_cmpstr (g_array_index (rows, DwStoreAbsence, 2).kind, ==, "training");
  g_clear_pointer (&rows, g_array_unref);

  /* Ends are exclusive: [3000, …) does not meet a's [2000, 3000). */
  rows = dw_store_absence_list (fixture->store, 3000, 5000, 0, 0, &error);
  g_assert_cmpuint (rows->len, ==, 0);
  g_clear_pointer (&rows, g_array_unref);

  /* One user; one team's members (13 is in none). */
  rows = dw_store_absence_list (fixture->store, 0, 10000, 11, 0, &error);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpint (g_array_index (rows, DwStoreAbsence, 0).id, ==, a);
  g_clear_pointer (&rows, g_array_unref);
  rows = dw_store_absence_list (fixture->store, 0, 10000, 0, 8, &error);
  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpint (g_array_index (rows, DwStoreAbsence, 0).id, ==, b);
  g_clear_pointer (&rows, g_array_unref);
  rows = dw_store_absence_list (fixture->store, 0, 10000, 12, 7, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rows);
  g_assert_cmpuint (rows->len, ==, 0);
}

static void
test_absence_helpers (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;

  /* Li's shifts meeting [1700020000, 1700090000): 41, then 42 and 43 (same start, by id). */
  ids = dw_store_shift_ids_overlapping (fixture->store, 11, 1700020000, 1700090000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 3);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, 41);
  g_assert_cmpint (g_array_index (ids, gint64, 1), ==, 42);
  g_assert_cmpint (g_array_index (ids, gint64, 2), ==, 43);
  g_clear_pointer (&ids, g_array_unref);
  ids = dw_store_shift_ids_overlapping (fixture->store, 11, 1700028800, 1700086400, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ids);
  g_assert_cmpuint (ids->len, ==, 0);

  /* The smallest team id; none for a user in no team. */
  g_assert_cmpint (dw_store_user_first_team (fixture->store, 11, &error), ==, 7);
  g_assert_cmpint (dw_store_user_first_team (fixture->store, 12, &error), ==, 8);
  g_assert_cmpint (dw_store_user_first_team (fixture->store, 13, &error), ==, 0);
  g_assert_no_error (error);
}

static void
test_name_of (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *user = NULL;
  g_autofree char *team = NULL;
  g_autofree char *template = NULL;
  char *none;

  user = dw_store_roster_name_of (fixture->store, DW_STORE_NAME_USER, 11, &error);
  team = dw_store_roster_name_of (fixture->store, DW_STORE_NAME_TEAM, 8, &error);
  template = dw_store_roster_name_of (fixture->store, DW_STORE_NAME_SHIFT_TEMPLATE, 31, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (user, ==, "Li");
  g_assert_cmpstr (team, ==, "Billing");
  g_assert_cmpstr (template, ==, "晚班");

  /* Unknown ids: NULL, no error. */
  for (DwStoreNameOf what = DW_STORE_NAME_USER; what <= DW_STORE_NAME_SHIFT_TEMPLATE; what++)
    {
      none = dw_store_roster_name_of (fixture->store, what, 4242, &error);
      g_assert_no_error (error);
      g_assert_null (none);
    }
}

static void
test_shift_write (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  DwStoreShiftWrite shift = { .user_id = 12, .team_id = 8, .starts_at = 1700200000,
                              .ends_at = 1700228800, .template_id = 31,
                              .breaks = "[[1700210000,1700211800]]", .break_seconds = 1800 };
  gint64 id;

  id = dw_store_shift_insert (fixture->store, &shift, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 44);   /* past the seed's ids */
  g_assert_cmpint (dw_test_store_int (fixture->desk,
    "SELECT count (*) FROM shifts WHERE user_id = 12 AND team_id = 8 AND starts_at = 1700200000 "
    "AND ends_at = 1700228800 AND template_id = 31 AND breaks = '[[1700210000,1700211800]]' "
    "AND break_seconds = 1800"), ==, 1);

  /* Another agent, the same times: the template stays; the team is not the update's. */
  shift.user_id = 11;
  shift.team_id = 7;
  shift.breaks = "[]";
  shift.break_seconds = 0;
  g_assert_true (dw_store_shift_update (fixture->store, id, &shift, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
    "SELECT count (*) FROM shifts WHERE user_id = 11 AND team_id = 8 AND template_id = 31 "
    "AND breaks = '[]' AND break_seconds = 0"), ==, 1);

  /* Moved: a shift of its own. */
  shift.starts_at += 3600;
  shift.ends_at += 3600;
  g_assert_true (dw_store_shift_update (fixture->store, id, &shift, &error));
  g_assert_cmpint (dw_test_store_int (fixture->desk,
    "SELECT count (*) FROM shifts WHERE starts_at = 1700203600 AND ends_at = 1700232400 "
    "AND template_id IS NULL"), ==, 1);

  /* No template: NULL; an unknown id for update and delete: no error, nothing changes. */
  shift.template_id = 0;
  g_assert_cmpint (dw_store_shift_insert (fixture->store, &shift, &error), >, id);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
    "SELECT count (*) FROM shifts WHERE template_id IS NULL"), ==, 5);
  g_assert_true (dw_store_shift_update (fixture->store, 4242, &shift, &error));
  g_assert_true (dw_store_shift_delete (fixture->store, 4242, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM shifts"), ==, 6);

  g_assert_true (dw_store_shift_delete (fixture->store, id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM shifts"), ==, 5);
}

static void
test_shift_constraint (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  DwStoreShiftWrite no_user = { .user_id = 999, .team_id = 7, .starts_at = 1, .ends_at = 2 };
  DwStoreShiftWrite no_template = { .user_id = 11, .team_id = 7, .starts_at = 1, .ends_at = 2,
                                    .template_id = 999 };
  DwStoreShiftWrite backwards = { .user_id = 11, .team_id = 7, .starts_at = 2, .ends_at = 1 };

  g_assert_cmpint (dw_store_shift_insert (fixture->store, &no_user, &error), ==, 0);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_cmpint (dw_store_shift_insert (fixture->store, &no_template, &error), ==, 0);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_cmpint (dw_store_shift_insert (fixture->store, &backwards, &error), ==, 0);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_false (dw_store_shift_update (fixture->store, 41, &backwards, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
}

static void
test_week (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) needs = NULL;
  g_autoptr(GArray) agents = NULL;
  g_auto(GStrv) skills = NULL;
  g_auto(GStrv) none = NULL;

  /* Upper case sorts before lower case by bytes (it would not in most locales). */
  dw_test_store_exec (fixture->desk,
    "INSERT INTO business_types (key, name, team_id, skill) VALUES ('returns', 'R', 8, 'zh');"
    "INSERT INTO business_types (key, name, team_id) VALUES ('Presales', 'P', 8);"
    "INSERT INTO business_types (key, name, team_id, skill) VALUES ('billing', 'B', 7, 'x');"
    "INSERT INTO user_skills (user_id, skill, level) VALUES (11, 'zh', 3);"
    "INSERT INTO user_skills (user_id, skill, level) VALUES (11, 'EN', 2);"
    "INSERT INTO user_skills (user_id, skill, level) VALUES (11, 'en-gb', 2);"
    "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
    "VALUES (14, 'lead', 'Aa lead', 'lead', 0, 0);"
    "INSERT INTO users (id, username, display_name, role, presence_since, disabled, created_at) "
    "VALUES (15, 'gone', 'Aa gone', 'agent', 0, 1, 0);"
    "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
    "VALUES (16, 'li2', 'Li', 'agent', 0, 0);"
    "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
    "VALUES (17, 'bo', 'bo', 'agent', 0, 0);"
    "INSERT INTO team_members (team_id, user_id) VALUES (8, 14);"
    "INSERT INTO team_members (team_id, user_id) VALUES (8, 15);"
    "INSERT INTO team_members (team_id, user_id) VALUES (8, 16);"
    "INSERT INTO team_members (team_id, user_id) VALUES (8, 17);");

  needs = dw_store_team_needs (fixture->store, 8, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (needs->len, ==, 2);
  g_assert_cmpstr (g_array_index (needs, DwStoreTeamNeed, 0).key, ==, "Presales");
  g_assert_cmpstr (g_array_index (needs, DwStoreTeamNeed, 0).skill, ==, "");
  g_assert_cmpstr (g_array_index (needs, DwStoreTeamNeed, 1).key, ==, "returns");
  g_assert_cmpstr (g_array_index (needs, DwStoreTeamNeed, 1).skill, ==, "zh");
  g_clear_pointer (&needs, g_array_unref);
  needs = dw_store_team_needs (fixture->store, 4242, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (needs->len, ==, 0);

  skills = dw_store_user_skills (fixture->store, 11, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (skills, ((const char * const[]) { "EN", "en-gb", "zh", NULL }));
  none = dw_store_user_skills (fixture->store, 12, &error);
  g_assert_no_error (error);
  g_assert_nonnull (none);
  g_assert_cmpuint (g_strv_length (none), ==, 0);

  /* Enabled agents only (not the lead, not the disabled one), by name then id. */
  agents = dw_store_team_agents (fixture->store, 8, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (agents->len, ==, 4);
  g_assert_cmpint (g_array_index (agents, DwStoreTeamAgent, 0).user_id, ==, 11);
  g_assert_cmpstr (g_array_index (agents, DwStoreTeamAgent, 0).display_name, ==, "Li");
  g_assert_cmpint (g_array_index (agents, DwStoreTeamAgent, 1).user_id, ==, 16);
  g_assert_cmpint (g_array_index (agents, DwStoreTeamAgent, 2).user_id, ==, 12);
  g_assert_cmpint (g_array_index (agents, DwStoreTeamAgent, 3).user_id, ==, 17);
  g_clear_pointer (&agents, g_array_unref);
  agents = dw_store_team_agents (fixture->store, 4242, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (agents->len, ==, 0);

  /* Publishing: a new row, then the same week again (by the service: no one). */
  g_assert_true (dw_store_roster_week_publish (fixture->store, 7, 1699833600, 1700000000, 11,
                                               &error));
  g_assert_no_error (error);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
    "SELECT count (*) FROM roster_weeks WHERE team_id = 7 AND week_start = 1699833600 "
    "AND state = 'published' AND published_at = 1700000000 AND published_by = 11"), ==, 1);
  dw_test_store_exec (fixture->desk, "UPDATE roster_weeks SET state = 'draft'");
  g_assert_true (dw_store_roster_week_publish (fixture->store, 7, 1699833600, 1700000100, 0,
                                               &error));
  g_assert_no_error (error);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
    "SELECT count (*) FROM roster_weeks WHERE team_id = 7 AND week_start = 1699833600 "
    "AND state = 'published' AND published_at = 1700000100 AND published_by IS NULL"), ==, 1);
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM roster_weeks"), ==, 1);

  /* An unknown team: the foreign key. */
  g_assert_false (dw_store_roster_week_publish (fixture->store, 999, 1699833600, 1700000000, 0,
                                                &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
}

static void
test_team_and_weeks (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  DwStoreRosterTeam team = { 0 };
  DwStoreWeekState state = DW_STORE_WEEK_PUBLISHED;
  gint64 published_at = -1;
  gboolean any = TRUE;

  g_assert_true (dw_store_roster_team_load (fixture->store, 7, &team, &error));
  g_assert_no_error (error);
  g_assert_cmpint (team.calendar_id, ==,
                   dw_test_store_int (fixture->desk, "SELECT min (id) FROM calendars"));
  g_assert_cmpint (team.min_rest_minutes, ==, 660);
  g_assert_cmpint (team.max_day_minutes, ==, 600);
  g_assert_cmpint (team.max_week_minutes, ==, 2640);
  g_assert_false (dw_store_roster_team_load (fixture->store, 4242, &team, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* No row: none. */
  g_assert_true (dw_store_roster_week_load (fixture->store, 7, 1699833600, &state,
                                            &published_at, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state, ==, DW_STORE_WEEK_NONE);
  g_assert_cmpint (published_at, ==, 0);

  /* Touched as draft; touched again as published: the first stays. */
  g_assert_true (dw_store_roster_week_touch (fixture->store, 7, 1699833600, DW_STORE_WEEK_DRAFT,
                                             &error));
  g_assert_true (dw_store_roster_week_touch (fixture->store, 7, 1699833600,
                                             DW_STORE_WEEK_PUBLISHED, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_roster_week_load (fixture->store, 7, 1699833600, &state,
                                            &published_at, &error));
  g_assert_cmpint (state, ==, DW_STORE_WEEK_DRAFT);
  g_assert_cmpint (published_at, ==, 0);

  g_assert_true (dw_store_roster_week_publish (fixture->store, 7, 1699833600, 1700000000, 11,
                                               &error));
  g_assert_true (dw_store_roster_week_load (fixture->store, 7, 1699833600, &state,
                                            &published_at, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state, ==, DW_STORE_WEEK_PUBLISHED);
  g_assert_cmpint (published_at, ==, 1700000000);

  /* Shift 41 starts at 1700000000: in [from, to), not at to. */
  g_assert_true (dw_store_team_has_shifts (fixture->store, 7, 1700000000, 1700000001, &any,
                                           &error));
  g_assert_true (any);
  g_assert_true (dw_store_team_has_shifts (fixture->store, 7, 1699990000, 1700000000, &any,
                                           &error));
  g_assert_false (any);
  g_assert_true (dw_store_team_has_shifts (fixture->store, 4242, 0, G_MAXINT64, &any, &error));
  g_assert_false (any);
  g_assert_no_error (error);
}

static gboolean
collect_shift (DwStoreShift *row,
               gpointer      data)
{
  GArray *ids = data;

  g_array_append_val (ids, row->id);
  /* taking the breaks is allowed */
  g_free (g_steal_pointer (&row->breaks));
  return ids->len < 100;
}

static gboolean
first_shift_only (DwStoreShift *row,
                  gpointer      data)
{
  *(gint64 *) data = row->id;
  return FALSE;
}

static void
test_shift_read (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DwStoreShift) row = { 0 };
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (DwShiftSpan));
  g_autoptr(GArray) absences = g_array_new (FALSE, FALSE, sizeof (DwAbsenceSpan));
  gint64 first = 0, a1, a2;

  dw_test_store_exec (fixture->desk,
    "UPDATE shifts SET breaks = '[[1700010000,1700011800]]', break_seconds = 1800 WHERE id = 41;"
    "INSERT INTO shifts (id, user_id, team_id, starts_at, ends_at) "
    "VALUES (45, 11, 7, 1699900000, 1699910000);");

  g_assert_true (dw_store_shift_load (fixture->store, 41, &row, &error));
  g_assert_no_error (error);
  g_assert_cmpint (row.id, ==, 41);
  g_assert_cmpint (row.team_id, ==, 7);
  g_assert_cmpint (row.user_id, ==, 11);
  g_assert_cmpint (row.starts_at, ==, 1700000000);
  g_assert_cmpint (row.ends_at, ==, 1700028800);
  g_assert_cmpint (row.template_id, ==, 31);
  g_assert_cmpint (row.break_seconds, ==, 1800);
  g_assert_cmpstr (row.breaks, ==, "[[1700010000,1700011800]]");
  dw_store_shift_clear (&row);
  g_assert_true (dw_store_shift_load (fixture->store, 42, &row, &error));
  g_assert_cmpint (row.template_id, ==, 0);
  g_assert_cmpstr (row.breaks, ==, "[]");
  dw_store_shift_clear (&row);
  g_assert_false (dw_store_shift_load (fixture->store, 4242, &row, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Every shift meeting the span, by user, start, id: 11's 41, 42, 43, then 12's 44. */
  g_assert_true (dw_store_shift_select (fixture->store, 1700000000, 1700200000, 0, 0,
                                        collect_shift, ids, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 4);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, 41);
  g_assert_cmpint (g_array_index (ids, gint64, 1), ==, 42);
  g_assert_cmpint (g_array_index (ids, gint64, 2), ==, 43);
  g_assert_cmpint (g_array_index (ids, gint64, 3), ==, 44);
  g_array_set_size (ids, 0);
  /* one team's; one user's; a shift ending at from does not meet it */
  g_assert_true (dw_store_shift_select (fixture->store, 1700000000, 1700200000, 8, 0,
                                        collect_shift, ids, &error));
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, 43);
  g_array_set_size (ids, 0);
  g_assert_true (dw_store_shift_select (fixture->store, 1700028800, 1700200000, 7, 11,
                                        collect_shift, ids, &error));
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, 42);
  g_array_set_size (ids, 0);
  g_assert_true (dw_store_shift_select (fixture->store, 1, 2, 0, 0, collect_shift, ids, &error));
  g_assert_cmpuint (ids->len, ==, 0);
  /* the stream stops when asked */
  g_assert_true (dw_store_shift_select (fixture->store, 1700000000, 1700200000, 0, 0,
                                        first_shift_only, &first, &error));
  g_assert_no_error (error);
  g_assert_cmpint (first, ==, 41);

  /* The spans around: 45 ended before from; 41, 42, 43 meet it, by start then id; absences
   * likewise, the user's own only. */
  a2 = insert_absence (fixture, 11, "sick", 1700090000, 1700095000, "");
  a1 = insert_absence (fixture, 11, "leave", 1700050000, 1700060000, "");
  insert_absence (fixture, 12, "leave", 1700050000, 1700060000, "");
  g_assert_true (dw_store_user_spans (fixture->store, 11, 1699990000, 1700100000, spans,
                                      absences, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (spans->len, ==, 3);
  g_assert_cmpint (g_array_index (spans, DwShiftSpan, 0).id, ==, 41);
  g_assert_cmpint (g_array_index (spans, DwShiftSpan, 0).user_id, ==, 11);
  g_assert_cmpint (g_array_index (spans, DwShiftSpan, 0).starts_at, ==, 1700000000);
  g_assert_cmpint (g_array_index (spans, DwShiftSpan, 0).ends_at, ==, 1700028800);
  g_assert_cmpint (g_array_index (spans, DwShiftSpan, 0).break_seconds, ==, 1800);
  g_assert_cmpint (g_array_index (spans, DwShiftSpan, 1).id, ==, 42);
  g_assert_cmpint (g_array_index (spans, DwShiftSpan, 2).id, ==, 43);
  g_assert_cmpuint (absences->len, ==, 2);
  g_assert_cmpint (g_array_index (absences, DwAbsenceSpan, 0).id, ==, a1);
  g_assert_cmpint (g_array_index (absences, DwAbsenceSpan, 0).starts_at, ==, 1700050000);
  g_assert_cmpint (g_array_index (absences, DwAbsenceSpan, 0).ends_at, ==, 1700060000);
  g_assert_cmpint (g_array_index (absences, DwAbsenceSpan, 1).id, ==, a2);
}

int
main (int   argc,
      char *argv[])
{
  static const DwTestStoreCase tests[] = {
    { "roster/staffing-settings", test_staffing_settings },
    { "roster/staffing-settings-not-found", test_staffing_settings_not_found },
    { "roster/template-round-trip", test_template_round_trip },
    { "roster/template-list", test_template_list },
    { "roster/template-not-found", test_template_not_found },
    { "roster/template-constraint", test_template_constraint },
    { "roster/template-delete", test_template_delete },
    { "roster/absence-round-trip", test_absence_round_trip },
    { "roster/absence-constraint", test_absence_constraint },
    { "roster/absence-list", test_absence_list },
    { "roster/absence-helpers", test_absence_helpers },
    { "roster/name-of", test_name_of },
    { "roster/shift-write", test_shift_write },
    { "roster/shift-constraint", test_shift_constraint },
    { "roster/week", test_week },
    { "roster/team-and-weeks", test_team_and_weeks },
    { "roster/shift-read", test_shift_read },
  };

  g_test_init (&argc, &argv, NULL);

  dw_test_store_add_cases ("/store", NULL, seed_sql, tests, G_N_ELEMENTS (tests));

  return g_test_run ();
}
