/*
 * hs_db_pg_absent.c -- hs_db_pg_open for a build without the PostgreSQL
 * back end (hs_db_pg.c replaces this file): a postgresql:// target is
 * refused with a clear message that never shows the URI's password.
 */
#include <stdio.h>
#include <string.h>

#include "hs_db_impl.h"

int
hs_db_pg_open(const char *uri, int flags, struct hs_db **out, char *err,
              size_t errlen)
{
  const char *rest = strstr(uri, "://"), *at, *end;
  int scheme;

  (void)flags;
  *out = NULL;
  rest = rest ? rest + 3 : uri;
  scheme = (int)(rest - uri);
  end = rest + strcspn(rest, "/?");
  at = memchr(rest, '@', (size_t)(end - rest));
  if(at) /* user[:password]@ left out */
    rest = at + 1;
  snprintf(err, errlen, "store %.*s%.*s: this build has no PostgreSQL back "
           "end", scheme, uri, (int)strcspn(rest, "?"), rest);
  return HS_DB_ERROR;
}
