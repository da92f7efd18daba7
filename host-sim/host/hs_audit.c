/*
 * hs_audit.c -- the web Toolbox's audit trail: one row per page view and
 * action (time, user, method, path, HTTP status, a short detail such as
 * the action run or the setting changed), and its newest-first query
 * behind `host-sim users audit` and the Audit page.
 * WARNING: callers never pass secret values; the path carries no query
 * string with a password or token (the login form is POSTed).
 */
#include <string.h>

#include "hs_internal.h"

#define HS_AUDIT_TEXT_MAX 512

/* Bound a text and replace control characters, so one row is one line. */
static void
hs_audit_clean(const char *in, char *out, size_t outlen)
{
  size_t i;

  for(i = 0; in && in[i] && i + 1 < outlen; i++)
    out[i] = (unsigned char)in[i] < 0x20 || in[i] == 0x7f ? '?' : in[i];
  out[i] = '\0';
}

int
hs_audit_add(struct hs_host *h, const char *user, const char *method,
             const char *path, int status, const char *detail)
{
  char p[HS_AUDIT_TEXT_MAX], d[HS_AUDIT_TEXT_MAX], u[80];
  struct hs_dbst *st;
  int rc;

  if(!h || !user || !method || !path)
    return BMC_ERR_INVALID_ARG;
  hs_audit_clean(user, u, sizeof(u));
  hs_audit_clean(path, p, sizeof(p));
  hs_audit_clean(detail, d, sizeof(d));
  st = hs_stmt(h, "INSERT INTO web_audit(ts_ms, user, method, path, status,"
               " detail) VALUES(?, ?, ?, ?, ?, ?)");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, hs_clock_now(h));
  hs_bind_text(st, 2, u);
  hs_bind_text(st, 3, method);
  hs_bind_text(st, 4, p);
  hs_db_bind_i64(st, 5, status);
  hs_bind_text(st, 6, detail ? d : NULL);
  rc = hs_db_step(st) == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
  if(rc)
    hs_hostlog(h, BMC_LOG_ERROR, "web audit: %s", hs_db_errmsg(h->db));
  hs_db_reset(st);
  return rc;
}

int
hs_audit_each(struct hs_host *h, const char *user, int limit,
              int (*cb)(void *ud, const struct hs_audit_row *r), void *ud)
{
  struct hs_dbst *st = NULL;
  int rc = BMC_OK, s;

  if(!h || !cb || limit <= 0)
    return BMC_ERR_INVALID_ARG;
  if(hs_db_prepare(h->db, user
                   ? "SELECT id, ts_ms, user, method, path, status,"
                     " detail FROM web_audit WHERE user = ?1 ORDER BY"
                     " id DESC LIMIT ?2"
                   : "SELECT id, ts_ms, user, method, path, status,"
                     " detail FROM web_audit WHERE ?1 IS NULL ORDER BY"
                     " id DESC LIMIT ?2", &st) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  hs_bind_text(st, 1, user);
  hs_db_bind_i64(st, 2, limit);
  while((s = hs_db_step(st)) == HS_DB_ROW) {
    struct hs_audit_row r;

    r.id = hs_db_col_i64(st, 0);
    r.ts_ms = hs_db_col_i64(st, 1);
    r.user = hs_col_text(st, 2);
    r.method = hs_col_text(st, 3);
    r.path = hs_col_text(st, 4);
    r.status = (int)hs_db_col_i64(st, 5);
    r.detail = hs_col_text(st, 6);
    rc = cb(ud, &r);
    if(rc)
      break;
  }
  if(!rc && s != HS_DB_DONE)
    rc = BMC_ERR_INTERNAL;
  hs_db_finalize(st);
  return rc;
}
