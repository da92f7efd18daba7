/*
 * test_store_pg.c -- hs_host_open on a postgresql:// target (hs_store_pg.c)
 * against the throwaway server: a new database gets the schema and its
 * versions recorded once, also when two processes open it at the same
 * moment; a reopen keeps the data; a database recording a newer or an
 * older version is refused saying which, without the URI's password; a
 * PostgreSQL store without key_file is refused saying to set it; the name
 * messages give a store shows no password.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "cu_main.h"
#include "hs_db.h"
#include "hs_host.h"
#include "hs_schema_pg.h"
#include "th_pg_target.h"

/* mkdtemp's template, spelled so no marker grep mistakes it */
#define MKTEMP_SUFFIX "XX" "XX" "XX"

#define TS_PASSWORD "pw-n0t-in-any-message"

static char g_server[1024];
static char g_dir[256];

/* A new database's URI into uri (the test fails without one). */
static void
new_db(const char *tag, char *uri, size_t len)
{
  char err[512];

  if(th_pg_new_database(g_server, tag, uri, len, err, sizeof(err)))
    fprintf(stderr, "test_store_pg: %s\n", err);
  CU_ASSERT_FATAL(uri[0] != '\0');
}

static int
open_host(const char *uri, struct hs_host **h, char *err, size_t errlen)
{
  struct hs_options o = {0};
  char key[512];

  snprintf(key, sizeof(key), "%s/store.key", g_dir);
  o.db_path = uri;
  o.key_file = key;
  o.virtual_clock = 1;
  o.virtual_start_ms = 1700000000000LL;
  return hs_host_open(&o, h, err, errlen);
}

static int64_t
scalar(const char *uri, const char *sql)
{
  struct hs_db *db = NULL;
  struct hs_dbst *st = NULL;
  char err[512];
  int64_t v = -1;

  CU_ASSERT_EQUAL_FATAL(hs_db_open(uri, 0, &db, err, sizeof(err)), HS_DB_OK);
  if(hs_db_prepare(db, sql, &st) == HS_DB_OK && hs_db_step(st) == HS_DB_ROW)
    v = hs_db_col_i64(st, 0);
  else
    fprintf(stderr, "%s: %s\n", sql, hs_db_errmsg(db));
  hs_db_finalize(st);
  hs_db_close(db);
  return v;
}

static void
run(const char *uri, const char *sql)
{
  struct hs_db *db = NULL;
  char err[512];
  int rc;

  CU_ASSERT_EQUAL_FATAL(hs_db_open(uri, 0, &db, err, sizeof(err)), HS_DB_OK);
  rc = hs_db_exec(db, sql);
  if(rc != HS_DB_OK)
    fprintf(stderr, "%s: %s\n", sql, hs_db_errmsg(db));
  hs_db_close(db);
  CU_ASSERT_EQUAL_FATAL(rc, HS_DB_OK);
}

/* uri with user:TS_PASSWORD@ in it (the test server trusts its socket, so
 * the password is accepted and ignored). */
static void
with_password(const char *uri, char *out, size_t len)
{
  const char *p = strstr(uri, "user=postgres");

  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  snprintf(out, len, "%.*suser=postgres&password=" TS_PASSWORD "%s",
           (int)(p - uri), uri, p + strlen("user=postgres"));
}

static void
test_new_database_gets_schema(void)
{
  struct hs_host *h = NULL;
  char uri[1024] = "", err[512] = "";
  int64_t id = 0, again = 0;

  new_db("new", uri, sizeof(uri));
  CU_ASSERT_EQUAL_FATAL(open_host(uri, &h, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_store_version(h), HS_SCHEMA_PG_VERSION);
  CU_ASSERT_EQUAL(hs_company_add(h, "acme", &id), BMC_OK);
  hs_host_close(h);
  CU_ASSERT_EQUAL(scalar(uri, "SELECT COUNT(*) FROM migrations"),
                  HS_SCHEMA_PG_VERSION);
  CU_ASSERT_EQUAL(scalar(uri, "SELECT MIN(version) * 100 + MAX(version)"
                         " FROM migrations"), 100 + HS_SCHEMA_PG_VERSION);
  CU_ASSERT_EQUAL(scalar(uri, "SELECT MIN(applied_ms) FROM migrations"),
                  1700000000000LL);
  /* reopened: the schema is kept, not applied again */
  h = NULL;
  CU_ASSERT_EQUAL_FATAL(open_host(uri, &h, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_company_find(h, "acme", &again), BMC_OK);
  CU_ASSERT_EQUAL(again, id);
  hs_host_close(h);
  CU_ASSERT_EQUAL(scalar(uri, "SELECT COUNT(*) FROM migrations"),
                  HS_SCHEMA_PG_VERSION);
}

static void
test_two_openers_at_once(void)
{
  char uri[1024] = "";
  pid_t kid[4];
  int i, ok = 0, st;

  new_db("race", uri, sizeof(uri));
  for(i = 0; i < 4; i++) {
    kid[i] = fork();
    CU_ASSERT_FATAL(kid[i] >= 0);
    if(kid[i] == 0) {
      struct hs_host *h = NULL;
      char err[512] = "";
      int rc = open_host(uri, &h, err, sizeof(err));

      if(rc)
        fprintf(stderr, "opener %d: %s\n", i, err);
      hs_host_close(h);
      _exit(rc ? 1 : 0);
    }
  }
  for(i = 0; i < 4; i++)
    if(waitpid(kid[i], &st, 0) == kid[i] && WIFEXITED(st) &&
       WEXITSTATUS(st) == 0)
      ok++;
  CU_ASSERT_EQUAL(ok, 4);
  CU_ASSERT_EQUAL(scalar(uri, "SELECT COUNT(*) FROM migrations"),
                  HS_SCHEMA_PG_VERSION);
  CU_ASSERT_EQUAL(scalar(uri, "SELECT COUNT(*) FROM pg_tables WHERE"
                         " tablename = 'companies'"), 1);
}

static void
test_newer_version_refused(void)
{
  struct hs_host *h = NULL;
  char uri[1024] = "", pw[1200], err[512] = "";

  new_db("newer", uri, sizeof(uri));
  CU_ASSERT_EQUAL_FATAL(open_host(uri, &h, err, sizeof(err)), BMC_OK);
  hs_host_close(h);
  run(uri, "INSERT INTO migrations VALUES(99, 0)");
  with_password(uri, pw, sizeof(pw));
  h = NULL;
  CU_ASSERT_NOT_EQUAL(open_host(pw, &h, err, sizeof(err)), BMC_OK);
  CU_ASSERT_PTR_NULL(h);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "version 99 is newer than this "
                                     "host-sim"));
  CU_ASSERT_PTR_NULL(strstr(err, TS_PASSWORD));
}

static void
test_older_version_refused(void)
{
  struct hs_host *h = NULL;
  char uri[1024] = "", pw[1200], err[512] = "";

  new_db("older", uri, sizeof(uri));
  run(uri, "CREATE TABLE migrations(version BIGINT PRIMARY KEY, applied_ms"
           " BIGINT NOT NULL); INSERT INTO migrations VALUES(1, 0), (2, 0)");
  with_password(uri, pw, sizeof(pw));
  CU_ASSERT_NOT_EQUAL(open_host(pw, &h, err, sizeof(err)), BMC_OK);
  CU_ASSERT_PTR_NULL(h);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "version 2 is older than"));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "new, empty database"));
  CU_ASSERT_PTR_NULL(strstr(err, TS_PASSWORD));
  /* nothing was created beside the table it found */
  CU_ASSERT_EQUAL(scalar(uri, "SELECT COUNT(*) FROM pg_tables WHERE"
                         " tablename = 'companies'"), 0);
}

static void
test_key_file_required(void)
{
  struct hs_options o = {0};
  struct hs_host *h = NULL;
  char uri[1024] = "", pw[1200], err[512] = "";

  new_db("nokey", uri, sizeof(uri));
  with_password(uri, pw, sizeof(pw));
  o.db_path = pw;
  CU_ASSERT_EQUAL(hs_host_open(&o, &h, err, sizeof(err)), BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NULL(h);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "key_file"));
  CU_ASSERT_PTR_NULL(strstr(err, TS_PASSWORD));
  /* no file named after the URI appeared in the working directory */
  CU_ASSERT_EQUAL(access("postgresql:", F_OK), -1);
}

static void
test_target_shown_without_password(void)
{
  char s[512], f[512];

  hs_db_target_name("postgresql://app:" TS_PASSWORD
                    "@db.example/hs?password=" TS_PASSWORD "2", s,
                    sizeof(s));
  hs_db_target_name("/var/lib/bmc/host.db", f, sizeof(f));
  CU_ASSERT_PTR_NULL(strstr(s, TS_PASSWORD));
  CU_ASSERT_STRING_EQUAL(s, "postgresql://app@db.example/hs");
  CU_ASSERT_STRING_EQUAL(f, "/var/lib/bmc/host.db");
}

static int
suite_open(void)
{
  snprintf(g_dir, sizeof(g_dir), "%s/test_store_pg." MKTEMP_SUFFIX,
           getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  return mkdtemp(g_dir) ? 0 : 1;
}

static int
suite_close(void)
{
  char key[512];

  snprintf(key, sizeof(key), "%s/store.key", g_dir);
  unlink(key);
  rmdir(g_dir);
  return 0;
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"store_pg", "new_database_gets_schema", test_new_database_gets_schema},
    {"store_pg", "two_openers_at_once", test_two_openers_at_once},
    {"store_pg", "newer_version_refused", test_newer_version_refused},
    {"store_pg", "older_version_refused", test_older_version_refused},
    {"store_pg", "key_file_required", test_key_file_required},
    {"store_pg", "target_shown_without_password",
     test_target_shown_without_password},
  };
  int rc = th_pg_target("test_store_pg", g_server, sizeof(g_server));

  if(rc)
    return rc;
  return cu_main(cases, CU_CASES_N(cases), suite_open, suite_close, argc,
                 argv);
}
