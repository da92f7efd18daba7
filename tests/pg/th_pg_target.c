/*
 * th_pg_target.c -- the PostgreSQL tests' server URI from
 * $BMC_PG_DIR/uri (th_pg_target.h): missing is a failure, not a skip,
 * unless BMC_SKIP_PG=1 asks; new databases on that server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hs_db.h"

#include "th_pg_target.h"

int
th_pg_target(const char *prog, char *uri, size_t urilen)
{
  const char *dir = getenv("BMC_PG_DIR"), *skip = getenv("BMC_SKIP_PG");
  char path[1024];
  FILE *f;

  snprintf(path, sizeof(path), "%s/uri", dir ? dir : "");
  f = dir ? fopen(path, "r") : NULL;
  if(f && fgets(uri, (int)urilen, f)) {
    fclose(f);
    uri[strcspn(uri, "\r\n")] = '\0';
    return 0;
  }
  if(f)
    fclose(f);
  if(skip && !strcmp(skip, "1")) {
    printf("%s: no PostgreSQL server; skipped (BMC_SKIP_PG=1)\n", prog);
    return 77;
  }
  fprintf(stderr, "%s: no PostgreSQL server: %s is missing "
          "(tests/pg/pg_server.sh start did not run or failed); set "
          "BMC_SKIP_PG=1 to skip on purpose\n", prog,
          dir ? path : "BMC_PG_DIR is not set, so $BMC_PG_DIR/uri");
  return 1;
}

int
th_pg_chosen(void)
{
  const char *t = getenv("BMC_TEST_STORE");

  return t && !strcmp(t, "postgresql");
}

int
th_pg_new_database(const char *server_uri, const char *tag, char *uri,
                   size_t urilen, char *err, size_t errlen)
{
  static unsigned counter;
  const char *path = strstr(server_uri, ":///"), *query;
  struct hs_db *db = NULL;
  char name[64], sql[128];

  if(!path) {
    snprintf(err, errlen, "server URI has no ///database part");
    return -1;
  }
  query = strchr(path, '?');
  snprintf(name, sizeof(name), "bmc_t_%ld_%u_%s", (long)getpid(), counter++,
           tag);
  if(snprintf(uri, urilen, "%.*s:///%s%s", (int)(path - server_uri),
              server_uri, name, query ? query : "") >= (int)urilen) {
    snprintf(err, errlen, "database URI too long");
    return -1;
  }
  snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
  if(hs_db_open(server_uri, 0, &db, err, errlen) != HS_DB_OK)
    return -1;
  if(hs_db_exec(db, sql) != HS_DB_OK) {
    snprintf(err, errlen, "%s: %s", sql, hs_db_errmsg(db));
    hs_db_close(db);
    return -1;
  }
  hs_db_close(db);
  return 0;
}
