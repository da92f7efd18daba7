/*
 * sqlite_refused.c -- hs_db_sqlite_open for test_db_pg while the SQLite
 * back end (host-sim/host/hs_db_sqlite.c) is not in hostsim: a SQLite
 * target is refused, so only PostgreSQL targets run.
 */
#include <stdio.h>

#include "hs_db_impl.h"

int
hs_db_sqlite_open(const char *path, int flags, struct hs_db **out, char *err,
                  size_t errlen)
{
  (void)flags;
  *out = NULL;
  snprintf(err, errlen, "store %s: this test build has no SQLite back end",
           path);
  return HS_DB_ERROR;
}
