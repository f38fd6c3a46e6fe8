/* dw-test-cluster.h: several real deskwatchd instances on one PostgreSQL desk, behind a real
 * haproxy, for the tests of issue 14's "several instances are one desk".
 *
 * One throwaway PostgreSQL cluster (dw-test-pg), one database in it, N deskwatchd processes on
 * that database (each a DwTestServer whose db_path is the connection string, started by
 * dw_test_server_start on 127.0.0.1:0), and haproxy (`haproxy -f CFG -db`) on a configuration
 * made from data/haproxy/deskwatchd.cfg: every line of the example kept but its `bind` (haproxy
 * is handed a socket the test bound on 127.0.0.1:0, `bind fd@3`: no port to guess) and its
 * `server` lines (one per instance).
 *
 * Instance I connects as the role deskwatchd_I, so the test can ask PostgreSQL (pg_locks,
 * pg_stat_activity.usename) which one holds the SLA leader's advisory lock: the instances name
 * their sessions by purpose (application_name "deskwatchd leader"), not by instance.
 */
#pragma once

#include <libpq-fe.h>

#include "dw-test-pg.h"
#include "dw-test-server.h"

G_BEGIN_DECLS

typedef struct
{
  DwTestPg     *pg;          /* the test program's shared cluster */
  char         *conninfo;    /* the desk's database */
  char         *dir;         /* haproxy.cfg */
  GPtrArray    *instances;   /* of DwTestServer; process NULL once killed */
  GSubprocess  *haproxy;
  /* The desk as seen through haproxy: url is haproxy's, process NULL; the admin, teams, lead and
   * agents of dw_test_server_new_with_desk() are filled in here. */
  DwTestServer *front;
  PGconn       *sql;         /* the test's own connection, for checks */
} DwTestCluster;

/* A desk on a new database with @n_instances instances and haproxy in front, with the users and
 * teams of dw_test_server_new_with_desk() (made through haproxy).  @setup_sql (may be NULL) runs
 * on the migrated, empty database before any instance starts; @extra_args (NULL-terminated, may
 * be NULL) are given to every instance. */
DwTestCluster *dw_test_cluster_new          (guint               n_instances,
                                             const char         *setup_sql,
                                             const char * const *extra_args);
void           dw_test_cluster_free         (DwTestCluster      *self);

guint          dw_test_cluster_size         (DwTestCluster      *self);
/* Instance @i (its url is the instance's own, not haproxy's). */
DwTestServer  *dw_test_cluster_instance     (DwTestCluster      *self,
                                             guint               i);
/* SIGKILL of instance @i (the process, as a machine's death would be). */
void           dw_test_cluster_kill         (DwTestCluster      *self,
                                             guint               i);
/* The instance holding the SLA leader's advisory lock (DW_PG_LOCK_SLA_LEADER), -1 if none. */
int            dw_test_cluster_leader       (DwTestCluster      *self);
/* Waits (generously: a guard, not a timing) until an instance other than @not (-1: any) leads;
 * returns it. */
guint          dw_test_cluster_wait_leader  (DwTestCluster      *self,
                                             int                 not);

/* The one integer @sql returns, through the test's own connection. */
gint64         dw_test_cluster_sql_int      (DwTestCluster      *self,
                                             const char         *sql);
void           dw_test_cluster_sql_exec     (DwTestCluster      *self,
                                             const char         *sql);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DwTestCluster, dw_test_cluster_free)

G_END_DECLS
