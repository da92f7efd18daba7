/*
 * th_pg_target.c -- the PostgreSQL tests' server URI from
 * $BMC_PG_DIR/uri (th_pg_target.h): missing is a failure, not a skip,
 * unless BMC_SKIP_PG=1 asks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
