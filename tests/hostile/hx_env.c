/*
 * hx_env.c -- owns the hostile-server test environment (see hx_env.h).
 */
#define _GNU_SOURCE
#include "hx_env.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

int
hx_env_start(struct hx_env *e, const char *plugin, const char *path,
             const char *const *settings)
{
  struct th_env_opts o;
  char err[512];
  char url[160];
  int pro = !strcmp(plugin, "backmarket_pro");

  memset(e, 0, sizeof(*e));
  memset(&o, 0, sizeof(o));
  o.plugin = plugin;
  o.token = pro ? HX_KEY : HX_TOKEN;
  o.token_key = pro ? "x_api_key" : "token";
  o.base_url_key = ""; /* not the embedded simulator: the hostile server */
  o.settings = settings;
  err[0] = '\0';
  if(hx_start(&e->srv, err, sizeof(err)) ||
     th_env_start(&e->te, &o, err, sizeof(err))) {
    fprintf(stderr, "hx_env_start: %s\n", err);
    hx_env_stop(e);
    return -1;
  }
  snprintf(url, sizeof(url), "%s%s", hx_url(e->srv), path ? path : "");
  if(th_set(&e->te, pro ? "website_url" : "base_url", url)) {
    hx_env_stop(e);
    return -1;
  }
  return 0;
}

void
hx_env_stop(struct hx_env *e)
{
  th_env_stop(&e->te);
  hx_stop(e->srv);
  e->srv = NULL;
}

int
hx_run(struct hx_env *e, const char *action, int64_t *jid)
{
  int64_t id = 0;
  int st = th_run(&e->te, action, &id);

  if(jid)
    *jid = id;
  if(st != HS_JOB_COMPLETED && getenv("HX_DUMP"))
    th_job_log_dump(&e->te, id, stderr);
  return st;
}

/* Append printf output at *o; -1 once it no longer fits. */
static int
hx_cat(char *buf, size_t len, size_t *o, const char *fmt, ...)
{
  va_list ap;
  int n;

  if(*o >= len)
    return -1;
  va_start(ap, fmt);
  n = vsnprintf(buf + *o, len - *o, fmt, ap);
  va_end(ap);
  if(n < 0 || (size_t)n >= len - *o) {
    *o = len;
    return -1;
  }
  *o += (size_t)n;
  return 0;
}

int
hx_bm_order(char *buf, size_t len, const char *order_id,
            const char *date_mod, int state, const struct hx_line *lines,
            size_t n, const char *city)
{
  size_t o = 0;
  size_t i;
  int rc;

  rc = hx_cat(buf, len, &o, "{\"order_id\": %s, \"state\": %d, "
              "\"date_creation\": \"2026-03-22T10:00:00Z\", "
              "\"date_modification\": \"%s\", \"date_payment\": "
              "\"2026-03-22T10:00:00Z\", \"currency\": \"GBP\", "
              "\"country_code\": \"GB\", \"price\": \"449.00\", "
              "\"shipping_price\": \"0.00\", \"shipping_address\": "
              "{\"first_name\": \"Jane\", \"last_name\": \"Doe\", "
              "\"street\": \"1 High Street\", \"postal_code\": \"SW1A 1AA\", "
              "\"city\": \"%s\", \"country\": \"GB\", \"email\": "
              "\"c@example.test\"}, \"orderlines\": [", order_id, state,
              date_mod, city ? city : "London");
  for(i = 0; !rc && i < n; i++) {
    rc = hx_cat(buf, len, &o, "%s{\"id\": %lld, \"state\": %d, \"listing\": "
                "\"%s\", \"product\": \"Phone\", \"quantity\": %d, "
                "\"price\": \"%d.00\", \"shipping_price\": \"0.00\", "
                "\"orderline_fee\": \"44.90\", \"currency\": \"GBP\"",
                i ? ", " : "", (long long)lines[i].id, lines[i].state,
                lines[i].sku, lines[i].qty, 449 * lines[i].qty);
    if(!rc && lines[i].imei)
      rc = hx_cat(buf, len, &o, ", \"imei\": \"%s\"", lines[i].imei);
    if(!rc)
      rc = hx_cat(buf, len, &o, "}");
  }
  if(!rc)
    rc = hx_cat(buf, len, &o, "]}");
  return rc ? -1 : (int)o;
}

int
hx_bm_page(char *buf, size_t len, const char *count, const char *next,
           const char *const *orders, size_t n)
{
  size_t o = 0;
  size_t i;
  int rc;

  rc = hx_cat(buf, len, &o, "{\"count\": %s, \"next\": %s, \"previous\": "
              "null, \"results\": [", count, next ? next : "null");
  for(i = 0; !rc && i < n; i++)
    rc = hx_cat(buf, len, &o, "%s%s", i ? ", " : "", orders[i]);
  if(!rc)
    rc = hx_cat(buf, len, &o, "]}");
  return rc ? -1 : (int)o;
}

int
hx_serve(struct hx_env *e, const char *method, const char *prefix, int uses,
         const char *body)
{
  struct hx_reply r;

  memset(&r, 0, sizeof(r));
  r.body = body;
  return hx_rule(e->srv, method, prefix, uses, &r);
}

int
hx_state(struct hx_env *e, const char *key, char *buf, size_t len)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  int rc = -1;

  buf[0] = '\0';
  if(sqlite3_open_v2(e->te.db, &db, SQLITE_OPEN_READONLY, NULL) !=
         SQLITE_OK ||
     sqlite3_prepare_v2(db, "SELECT value FROM plugin_state WHERE plugin = ?"
                        " AND key = ?", -1, &st, NULL) != SQLITE_OK)
    goto out;
  sqlite3_bind_text(st, 1, e->te.plugin, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
  if(sqlite3_step(st) == SQLITE_ROW) {
    const void *v = sqlite3_column_blob(st, 0);
    int n = sqlite3_column_bytes(st, 0);
    snprintf(buf, len, "%.*s", n, v ? (const char *)v : "");
  }
  rc = 0;
out:
  sqlite3_finalize(st);
  sqlite3_close(db);
  return rc;
}

int
hx_state_set(struct hx_env *e, const char *key, const char *val)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  int rc = -1;

  if(sqlite3_open_v2(e->te.db, &db, SQLITE_OPEN_READWRITE, NULL) !=
         SQLITE_OK ||
     sqlite3_busy_timeout(db, 5000) != SQLITE_OK ||
     sqlite3_prepare_v2(db, "UPDATE plugin_state SET value = ? WHERE plugin"
                        " = ? AND key = ?", -1, &st, NULL) != SQLITE_OK)
    goto out;
  sqlite3_bind_blob(st, 1, val, (int)strlen(val), SQLITE_STATIC);
  sqlite3_bind_text(st, 2, e->te.plugin, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC);
  if(sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(db) == 1)
    rc = 0;
out:
  sqlite3_finalize(st);
  sqlite3_close(db);
  return rc;
}

struct hx_jobq {
  int64_t done, total;
  int found;
};

static int
hx_job_cb(void *ud, const struct hs_job *j)
{
  struct hx_jobq *q = ud;

  q->done = j->done;
  q->total = j->total;
  q->found = 1;
  return 0;
}

int
hx_job_progress(struct hx_env *e, int64_t job_id, int64_t *done,
                int64_t *total)
{
  struct hx_jobq q = {0, 0, 0};

  if(hs_job_get(e->te.host, job_id, hx_job_cb, &q) || !q.found)
    return -1;
  *done = q.done;
  *total = q.total;
  return 0;
}

char *
hx_order_xml(struct hx_env *e, const char *source_id)
{
  int64_t id;
  char *xml = NULL;
  size_t len = 0;

  if(hs_order_find(e->te.host, e->te.company, source_id, &id) ||
     hs_order_xml(e->te.host, id, &xml, &len))
    return NULL;
  return xml;
}

void
hx_time(struct hx_env *e, int64_t delta_s, char *buf, size_t len)
{
  time_t t = (time_t)(th_now(&e->te) / 1000 + delta_s);
  struct tm tm;

  gmtime_r(&t, &tm);
  strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
