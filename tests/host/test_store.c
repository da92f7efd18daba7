/*
 * test_store.c -- the host store: a new store is migrated to the current
 * version, reopening runs no migration, an older store is upgraded, a
 * newer one is refused; companies, plugin enablement and the plugin list.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "th.h"
#include "cu_main.h"

static char dir[256];

static int
count_rows(const char *db, const char *sql)
{
  sqlite3 *s = NULL;
  sqlite3_stmt *st = NULL;
  int n = -1;

  if(sqlite3_open(db, &s) == SQLITE_OK &&
     sqlite3_prepare_v2(s, sql, -1, &st, NULL) == SQLITE_OK &&
     sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(s);
  return n;
}

static int
exec_sql(const char *db, const char *sql)
{
  sqlite3 *s = NULL;
  int rc = -1;

  if(sqlite3_open(db, &s) == SQLITE_OK)
    rc = sqlite3_exec(s, sql, NULL, NULL, NULL);
  sqlite3_close(s);
  return rc;
}

static void
test_migrations(void)
{
  char db[512], err[512];
  struct hs_host *h;
  struct hs_options o;
  int ver;

  th_tmpdir(dir, sizeof(dir));
  snprintf(db, sizeof(db), "%s/host.db", dir);
  h = th_open(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  ver = hs_store_version(h);
  CU_ASSERT(ver >= 5);
  hs_host_close(h);
  CU_ASSERT_EQUAL(count_rows(db, "SELECT COUNT(*) FROM migrations"), ver);

  /* Reopening applies nothing new. */
  h = th_open(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  hs_host_close(h);
  CU_ASSERT_EQUAL(count_rows(db, "SELECT COUNT(*) FROM migrations"), ver);

  /* A store at version 1 (before migrations 2 to 5) is upgraded on
   * open, keeping its data. */
  CU_ASSERT_EQUAL(exec_sql(db, "DROP INDEX error_queue_cp;"
                           " DROP INDEX orders_src;"
                           " ALTER TABLE error_queue DROP COLUMN resolved_ms;"
                           " ALTER TABLE error_queue DROP COLUMN"
                           " resolved_note;"
                           " ALTER TABLE settings DROP COLUMN encrypted;"
                           " DROP TABLE store_key;"
                           " DROP TABLE scheduler_lease;"
                           " INSERT INTO companies(name, created_ms)"
                           " VALUES('Old Co', 1);"
                           " DELETE FROM migrations WHERE version >= 2"),
                  SQLITE_OK);
  CU_ASSERT_EQUAL(count_rows(db, "SELECT COUNT(*) FROM sqlite_master WHERE"
                             " name IN ('error_queue_cp', 'orders_src')"),
                  0);
  h = th_open(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_EQUAL(hs_store_version(h), ver);
  CU_ASSERT_EQUAL(hs_company_find(h, "Old Co", NULL), BMC_OK);
  hs_host_close(h);
  CU_ASSERT_EQUAL(count_rows(db, "SELECT COUNT(*) FROM sqlite_master WHERE"
                             " name IN ('error_queue_cp', 'orders_src')"),
                  2);
  CU_ASSERT_EQUAL(count_rows(db, "SELECT COUNT(*) FROM migrations"), ver);

  /* A store from a newer host-sim is refused with a clear message. */
  CU_ASSERT_EQUAL(exec_sql(db, "INSERT INTO migrations VALUES(999, 0)"),
                  SQLITE_OK);
  memset(&o, 0, sizeof(o));
  o.db_path = db;
  o.schema_dir = BMC_SCHEMA_DIR;
  h = NULL;
  CU_ASSERT_EQUAL(hs_host_open(&o, &h, err, sizeof(err)), BMC_ERR_CONFLICT);
  CU_ASSERT_PTR_NULL(h);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "newer"));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "host.db"));
  th_rmdir(dir);
}

static int
count_cb(void *ud, int64_t id, const char *name)
{
  (void)id;
  (void)name;
  (*(int *)ud)++;
  return 0;
}

static void
test_companies_plugins(void)
{
  struct hs_plugin_info pi;
  struct hs_host *h;
  int64_t id1 = 0, id2 = 0;
  int n = 0, en = -1;
  char err[256];

  th_tmpdir(dir, sizeof(dir));
  h = th_open(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_EQUAL(hs_company_add(h, "Beta Refurb", &id1), BMC_OK);
  CU_ASSERT_EQUAL(hs_company_add(h, "Beta Refurb", NULL), BMC_ERR_CONFLICT);
  CU_ASSERT_EQUAL(hs_company_add(h, "", NULL), BMC_ERR_INVALID_ARG);
  CU_ASSERT_EQUAL(hs_company_find(h, "Beta Refurb", &id2), BMC_OK);
  CU_ASSERT_EQUAL(id1, id2);
  CU_ASSERT_EQUAL(hs_company_find(h, "Nobody", NULL), BMC_ERR_NOT_FOUND);
  CU_ASSERT_EQUAL(hs_companies_each(h, count_cb, &n), BMC_OK);
  CU_ASSERT_EQUAL(n, 2);

  CU_ASSERT_EQUAL(hs_company_plugin_enabled(h, "Beta Refurb", "tplug", &en),
                  BMC_OK);
  CU_ASSERT_EQUAL(en, 0);
  CU_ASSERT_EQUAL(hs_company_plugin_enable(h, "Beta Refurb", "tplug", 1, err,
                                           sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_company_plugin_enabled(h, "Beta Refurb", "tplug", &en),
                  BMC_OK);
  CU_ASSERT_EQUAL(en, 1);
  CU_ASSERT_EQUAL(hs_company_plugin_enable(h, "Beta Refurb", "nope", 1, err,
                                           sizeof(err)), BMC_ERR_NOT_FOUND);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "nope"));

  CU_ASSERT_EQUAL(hs_plugin_count(h), 1);
  CU_ASSERT_EQUAL(hs_plugin_get(h, 0, &pi), BMC_OK);
  CU_ASSERT_STRING_EQUAL(pi.name, "tplug");
  CU_ASSERT_STRING_EQUAL(pi.version, "9.8.7");
  CU_ASSERT_EQUAL(pi.abi_major, BMC_ABI_MAJOR);
  CU_ASSERT_EQUAL(hs_plugin_get(h, 1, &pi), BMC_ERR_NOT_FOUND);
  /* The same name twice is refused. */
  CU_ASSERT_EQUAL(hs_host_add_plugin_api(h, &th_plugin, "again", err,
                                         sizeof(err)), BMC_ERR_CONFLICT);
  hs_host_close(h);

  /* Companies survive a restart. */
  h = th_open(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_EQUAL(hs_company_find(h, "Beta Refurb", &id2), BMC_OK);
  CU_ASSERT_EQUAL(id1, id2);
  hs_host_close(h);
  th_rmdir(dir);
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"host_store", "migrations", test_migrations},
    {"host_store", "companies and plugins", test_companies_plugins},
  };

  return cu_main(cases, CU_CASES_N(cases), NULL, NULL, argc, argv);
}
