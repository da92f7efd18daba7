/*
 * hs_db_pg_absent.c -- hs_db_pg_open for a build without the PostgreSQL
 * back end (hs_db_pg.c replaces this file): a postgresql:// target is
 * refused with a clear message that never shows the URI's password.
 */
#include <stdio.h>

#include "hs_db_impl.h"

int
hs_db_pg_open(const char *uri, int flags, struct hs_db **out, char *err,
              size_t errlen)
{
  char name[512];

  (void)flags;
  *out = NULL;
  hs_db_target_name(uri, name, sizeof(name));
  snprintf(err, errlen, "store %s: this build has no PostgreSQL back end",
           name);
  return HS_DB_ERROR;
}
