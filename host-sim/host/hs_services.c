/*
 * hs_services.c -- struct bmc_host_api as the host simulator implements
 * it: log (masked), settings, clock and wait, durable key-value state,
 * catalog/product access and plugin-owned properties, the Custom
 * Inventory Calculation (hs_invcalc.c), the change feed (hs_feed.c),
 * order and settlement services
 * (delegated to hs_orders.c / hs_settle.c), job progress and the per-item
 * error queue; ABI 2.1: whether the run checks pending credentials
 * (hs_rotate.c) and per-market metrics (hs_metric.c).
 * host_ctx is always a struct hs_inst.  Every service passes the fault
 * hook first.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hs_internal.h"
#include "pc_text.h"

static void
hs_svc_log(void *ctx, enum bmc_log_level level, const char *fmt, ...)
    BMC_PRINTF(3, 4);

static void
hs_svc_log(void *ctx, enum bmc_log_level level, const char *fmt, ...)
{
  struct hs_inst *in = ctx;
  char line[2048];
  va_list ap;

  if(!in || !fmt || hs_fault_check(in->h, "log"))
    return;
  va_start(ap, fmt);
  if(vsnprintf(line, sizeof(line), fmt, ap) < 0)
    snprintf(line, sizeof(line), "(unformattable log line)");
  va_end(ap);
  hs_job_log(in, (int)level, line);
  hs_wipe(line, sizeof(line)); /* a careless plugin may have logged a secret */
}

static int
hs_svc_setting_get(void *ctx, const char *key, char *buf, size_t buflen)
{
  struct hs_inst *in = ctx;
  char *v = NULL;
  int rc;

  if(!in || !key)
    return BMC_ERR_INVALID_ARG;
  rc = hs_fault_check(in->h, "setting_get");
  if(!rc && in->check_pending) {
    /* the credential check of a rotation sees the pending value */
    char slot[160];

    snprintf(slot, sizeof(slot), "%s%s", key, HS_PENDING_SUFFIX);
    rc = hs_setting_lookup(in->h, in->company_id, in->api, slot, &v);
    if(rc == BMC_ERR_NOT_FOUND)
      rc = hs_setting_lookup(in->h, in->company_id, in->api, key, &v);
  }
  else if(!rc)
    rc = hs_setting_lookup(in->h, in->company_id, in->api, key, &v);
  if(!rc)
    rc = hs_copy(buf, buflen, v);
  hs_secret_free(v);
  return rc;
}

static int64_t
hs_svc_now_ms(void *ctx)
{
  struct hs_inst *in = ctx;

  return hs_clock_now(in ? in->h : NULL);
}

static void
hs_svc_wait_ms(void *ctx, int64_t ms)
{
  struct hs_inst *in = ctx;
  struct timespec ts;

  if(!in || ms <= 0)
    return;
  if(in->h->virtual_clock) {
    hs_clock_advance(in->h, ms);
    return;
  }
  ts.tv_sec = (time_t)(ms / 1000);
  ts.tv_nsec = (long)(ms % 1000) * 1000000L;
  while(nanosleep(&ts, &ts) != 0)
    ;
}

void
hs_state_bind(struct hs_dbst *st, const struct hs_inst *in, const char *key)
{
  hs_db_bind_i64(st, 1, in->company_id);
  hs_bind_text(st, 2, in->api->name);
  hs_bind_text(st, 3, key);
}

static int
hs_svc_state_get(void *ctx, const char *key, char *buf, size_t buflen,
                 size_t *len)
{
  struct hs_inst *in = ctx;
  struct hs_dbst *st;
  int rc = BMC_ERR_NOT_FOUND;

  if(!in || !key)
    return BMC_ERR_INVALID_ARG;
  rc = hs_fault_check(in->h, "state_get");
  if(rc)
    return rc;
  if(in->dry_run)
    st = hs_dry_state_get_stmt(in, key);
  else if((st = hs_stmt(in->h, "SELECT value FROM plugin_state WHERE"
                        " company_id = ? AND plugin = ? AND key = ?"))) {
    hs_state_bind(st, in, key);
  }
  if(!st)
    return BMC_ERR_INTERNAL;
  rc = BMC_ERR_NOT_FOUND;
  if(hs_db_step(st) == HS_DB_ROW) {
    const void *v = hs_db_col_blob(st, 0);
    size_t n = hs_db_col_bytes(st, 0);

    if(len)
      *len = n;
    if(buf && n + 1 <= buflen) {
      if(n)
        memcpy(buf, v, n);
      buf[n] = '\0';
      rc = BMC_OK;
    }
    else if(buf && buflen >= n && n) {
      memcpy(buf, v, n);
      rc = BMC_OK;
    }
    else {
      rc = BMC_ERR_TOO_SMALL;
    }
  }
  hs_db_reset(st);
  return rc;
}

static int
hs_svc_state_put(void *ctx, const char *key, const char *val, size_t len)
{
  struct hs_inst *in = ctx;
  struct hs_dbst *st;
  int rc;

  if(!in || !key || (!val && len))
    return BMC_ERR_INVALID_ARG;
  rc = hs_fault_check(in->h, "state_put");
  if(rc)
    return rc;
  rc = hs_worker_fence(in->h, "state_put"); /* lease holder only */
  if(rc)
    return rc;
  if(in->dry_run) /* kept for this job only (hs_dry_state.c) */
    return hs_dry_state_put(in, key, val, len);
  st = hs_stmt(in->h, "INSERT INTO plugin_state(company_id, plugin, key,"
               " value, updated_ms) VALUES(?, ?, ?, ?, ?) ON"
               " CONFLICT(company_id, plugin, key) DO UPDATE SET value ="
               " excluded.value, updated_ms = excluded.updated_ms");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_state_bind(st, in, key);
  hs_db_bind_blob(st, 4, val ? val : "", (int)len);
  hs_db_bind_i64(st, 5, hs_clock_now(in->h));
  rc = hs_write_rc(hs_step_write(in->h, st));
  hs_db_reset(st);
  return rc;
}

static int
hs_svc_state_del(void *ctx, const char *key)
{
  struct hs_inst *in = ctx;
  struct hs_dbst *st;
  int rc;

  if(!in || !key)
    return BMC_ERR_INVALID_ARG;
  rc = hs_fault_check(in->h, "state_del");
  if(rc)
    return rc;
  rc = hs_worker_fence(in->h, "state_del"); /* lease holder only */
  if(rc)
    return rc;
  if(in->dry_run)
    return hs_dry_state_del(in, key);
  st = hs_stmt(in->h, "DELETE FROM plugin_state WHERE company_id = ? AND"
               " plugin = ? AND key = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_state_bind(st, in, key);
  rc = hs_write_rc(hs_step_write(in->h, st));
  if(!rc && hs_db_changes(in->h->db) == 0)
    rc = BMC_ERR_NOT_FOUND;
  hs_db_reset(st);
  return rc;
}

/* state_put_many: the writes of state_put and state_del in one
 * transaction (one commit for many keys: a commit is most of the cost of
 * a small write), all or none. */
static int
hs_svc_state_put_many(void *ctx, const char *const *keys,
                      const char *const *vals, const size_t *lens, size_t n)
{
  struct hs_inst *in = ctx;
  size_t i;
  int own, rc = BMC_OK;

  if(!in || (n && (!keys || !vals || !lens)))
    return BMC_ERR_INVALID_ARG;
  for(i = 0; i < n; i++)
    if(!keys[i])
      return BMC_ERR_INVALID_ARG;
  if(!n)
    return BMC_OK;
  own = hs_db_autocommit(in->h->db);
  if(own && (rc = hs_begin(in->h)) != BMC_OK)
    return rc;
  for(i = 0; rc == BMC_OK && i < n; i++) {
    if(vals[i])
      rc = hs_svc_state_put(ctx, keys[i], vals[i], lens[i]);
    else if((rc = hs_svc_state_del(ctx, keys[i])) == BMC_ERR_NOT_FOUND)
      rc = BMC_OK;
  }
  if(own) {
    if(rc != BMC_OK)
      hs_rollback(in->h);
    else if(hs_commit(in->h) != BMC_OK) {
      hs_rollback(in->h);
      rc = BMC_ERR_INTERNAL;
    }
  }
  return rc;
}

struct hs_kv {
  char *key, *val;
  size_t len;
};

/* Keys per page of state_each: read, statement reset, then the callback
 * (which may call state_put/state_del: no read is open meanwhile). */
#define HS_STATE_PAGE 128

/* The code point of the UTF-8 sequence of len bytes at p. */
static uint32_t
hs_utf8_cp(const unsigned char *p, size_t len)
{
  static const unsigned char lead[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
  uint32_t cp = p[0] & lead[len];
  size_t i;

  for(i = 1; i < len; i++)
    cp = cp << 6 | (p[i] & 0x3f);
  return cp;
}

/* cp as UTF-8 at out (room for 4 bytes); its length. */
static size_t
hs_utf8_put(uint32_t cp, char *out)
{
  unsigned char *o = (unsigned char *)out;

  if(cp < 0x80) {
    o[0] = (unsigned char)cp;
    return 1;
  }
  if(cp < 0x800) {
    o[0] = (unsigned char)(0xc0 | cp >> 6);
    o[1] = (unsigned char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if(cp < 0x10000) {
    o[0] = (unsigned char)(0xe0 | cp >> 12);
    o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
    o[2] = (unsigned char)(0x80 | (cp & 0x3f));
    return 3;
  }
  o[0] = (unsigned char)(0xf0 | cp >> 18);
  o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
  o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
  o[3] = (unsigned char)(0x80 | (cp & 0x3f));
  return 4;
}

/* The least text above every key that starts with prefix, in byte order
 * (SQLite's, and PostgreSQL's COLLATE "C" of the key column) -- or NULL
 * when there is none (an empty prefix; a prefix of U+10FFFF or 0xff bytes
 * only) or no memory (*nomem set).  A prefix in UTF-8: its last code
 * point below U+10FFFF raised to the next valid one and the ones after it
 * dropped, so the bound is UTF-8 too (PostgreSQL refuses anything else);
 * other bytes (SQLite only): its last byte below 0xff raised by one. */
static char *
hs_prefix_end(const char *prefix, int *nomem)
{
  const unsigned char *p = (const unsigned char *)prefix;
  size_t n = strlen(prefix), i, k, last = 0;
  int utf8 = 1;
  char *end;

  *nomem = 0;
  for(i = 0; i < n && utf8; i += k)
    utf8 = (k = pc_utf8_seq_len(p + i)) != 0;
  end = malloc(n + 4);
  if(!end) {
    *nomem = 1;
    return NULL;
  }
  memcpy(end, prefix, n + 1);
  while(utf8 && n) {
    uint32_t cp;

    for(last = n - 1; last && (p[last] & 0xc0) == 0x80; last--)
      ;
    cp = hs_utf8_cp(p + last, n - last);
    if(cp < 0x10ffff) {
      cp++;
      if(cp == 0xd800)
        cp = 0xe000; /* past the surrogates */
      else if(cp == 0xfffe)
        cp = 0x10000; /* past U+FFFE and U+FFFF */
      end[last + hs_utf8_put(cp, end + last)] = '\0';
      return end;
    }
    n = last;
  }
  while(!utf8 && n && p[n - 1] == 0xff)
    n--;
  if(!n) {
    free(end);
    return NULL;
  }
  end[n - 1] = (char)(p[n - 1] + 1);
  end[n] = '\0';
  return end;
}

static int
hs_svc_state_each(void *ctx, const char *prefix,
                  int (*cb)(void *ud, const char *key, const char *val,
                            size_t len),
                  void *ud)
{
  struct hs_inst *in = ctx;
  struct hs_kv page[HS_STATE_PAGE];
  struct hs_dbst *st;
  char *after = NULL, *end;
  size_t n, i;
  int rc, s = HS_DB_DONE, nomem;

  if(!in || !cb)
    return BMC_ERR_INVALID_ARG;
  rc = hs_fault_check(in->h, "state_each");
  if(rc)
    return rc;
  if(!prefix)
    prefix = "";
  end = hs_prefix_end(prefix, &nomem);
  if(nomem)
    return BMC_ERR_NOMEM;
  /* WARNING: a key range the primary key index answers, so a prefix costs
   * the keys it has, not every key of the plugin (a comparison of substr()
   * would read them all).  No end (every key from the prefix on): the
   * statement without the upper bound. */
  do {
    static const char *const page_sql[2][2] = { /* [after][end] */
      {"SELECT key, value FROM plugin_state WHERE company_id = ?1 AND"
       " plugin = ?2 AND key >= ?3 ORDER BY key LIMIT ?4",
       "SELECT key, value FROM plugin_state WHERE company_id = ?1 AND"
       " plugin = ?2 AND key >= ?3 AND key < ?4 ORDER BY key LIMIT ?5"},
      {"SELECT key, value FROM plugin_state WHERE company_id = ?1 AND"
       " plugin = ?2 AND key > ?3 ORDER BY key LIMIT ?4",
       "SELECT key, value FROM plugin_state WHERE company_id = ?1 AND"
       " plugin = ?2 AND key > ?3 AND key < ?4 ORDER BY key LIMIT ?5"}};

    st = in->dry_run ? hs_dry_state_page_stmt(in, after != NULL, end != NULL)
         : hs_stmt(in->h, page_sql[after != NULL][end != NULL]);
    if(!st) {
      rc = BMC_ERR_INTERNAL;
      break;
    }
    hs_db_bind_i64(st, 1, in->company_id);
    hs_bind_text(st, 2, in->api->name);
    hs_bind_text(st, 3, after ? after : prefix);
    if(end)
      hs_bind_text(st, 4, end);
    hs_db_bind_i64(st, end ? 5 : 4, HS_STATE_PAGE);
    n = 0;
    while(!rc && n < HS_STATE_PAGE && (s = hs_db_step(st)) == HS_DB_ROW) {
      size_t len = hs_db_col_bytes(st, 1);

      page[n].len = len;
      page[n].key = hs_strdup(hs_col_text(st, 0));
      page[n].val = malloc(len + 1);
      if(page[n].val && len)
        memcpy(page[n].val, hs_db_col_blob(st, 1), len);
      if(page[n].val)
        page[n].val[len] = '\0';
      n++;
      if(!page[n - 1].key || !page[n - 1].val)
        rc = BMC_ERR_NOMEM;
    }
    if(!rc && n < HS_STATE_PAGE && s != HS_DB_DONE)
      rc = BMC_ERR_INTERNAL;
    hs_db_reset(st);
    for(i = 0; !rc && i < n; i++)
      rc = cb(ud, page[i].key, page[i].val, page[i].len);
    free(after);
    after = !rc && n ? hs_strdup(page[n - 1].key) : NULL;
    if(!rc && n && !after)
      rc = BMC_ERR_NOMEM;
    for(i = 0; i < n; i++) {
      free(page[i].key);
      free(page[i].val);
    }
  } while(!rc && n == HS_STATE_PAGE);
  free(after);
  free(end);
  return rc;
}

static int
hs_svc_catalog_each(void *ctx, int enabled_only, bmc_product_cb cb, void *ud)
{
  struct hs_inst *in = ctx;
  int rc;

  if(!in || !cb)
    return BMC_ERR_INVALID_ARG;
  rc = hs_fault_check(in->h, "catalog_each");
  if(rc)
    return rc;
  return hs_catalog_each_in(in->h, in->company_id, in->api, enabled_only,
                            NULL, cb, ud);
}

static int
hs_svc_product_get(void *ctx, const char *sku, bmc_product_cb cb, void *ud)
{
  struct hs_inst *in = ctx;
  int rc;

  if(!in || !sku || !cb)
    return BMC_ERR_INVALID_ARG;
  rc = hs_fault_check(in->h, "product_get");
  if(rc)
    return rc;
  return hs_catalog_each_in(in->h, in->company_id, in->api, 0, sku, cb, ud);
}

static int
hs_svc_product_set(void *ctx, const char *sku, const char *key,
                   const char *market, const char *value)
{
  struct hs_inst *in = ctx;
  const struct bmc_property *p;
  char err[HS_ERRLEN], line[HS_ERRLEN + 128];
  int64_t pid;
  int rc;

  if(!in || !sku || !key)
    return BMC_ERR_INVALID_ARG;
  rc = hs_fault_check(in->h, "product_set");
  if(rc)
    return rc;
  rc = hs_dry_refuse(in, "product_set", sku);
  if(rc)
    return rc;
  p = hs_property_find(in->api, key);
  if(!p || !(p->flags & BMC_PROP_PLUGIN_OWNED)) {
    snprintf(line, sizeof(line), "product_set: '%.64s' is not a "
             "plugin-owned property the plugin declares", key);
    hs_job_log(in, BMC_LOG_WARN, line);
    return BMC_ERR_INVALID_ARG;
  }
  pid = hs_product_id_find(in->h, in->company_id, in->api, sku);
  if(!pid)
    return BMC_ERR_NOT_FOUND;
  rc = hs_prop_write(in->h, in->company_id, pid, in->api, p, market, value,
                     0, NULL, err, sizeof(err));
  if(rc) {
    snprintf(line, sizeof(line), "product_set %.64s: %s", sku, err);
    hs_job_log(in, BMC_LOG_WARN, line);
  }
  return rc;
}

static int
hs_svc_inventory_quantity(void *ctx, const struct bmc_product *p,
                          int64_t *qty)
{
  struct hs_inst *in = ctx;
  int rc;

  if(!in || !p || !qty)
    return BMC_ERR_INVALID_ARG;
  rc = hs_fault_check(in->h, "inventory_quantity");
  if(rc)
    return rc;
  return hs_invcalc_quantity_in(in, p, qty);
}

/* ABI 2.1: change feed */
static int
hs_svc_feed_head(void *ctx, struct bmc_feed_head *out)
{
  struct hs_inst *in = ctx;
  int rc;

  if(!in || !out || out->size < sizeof(*out))
    return BMC_ERR_INVALID_ARG;
  rc = hs_fault_check(in->h, "feed_head");
  if(rc)
    return rc;
  return hs_feed_head_in(in->h, in->company_id, out->epoch,
                         sizeof(out->epoch), &out->head, &out->resync);
}

static int
hs_svc_changes_each(void *ctx, int64_t since, int64_t upto,
                    bmc_product_cb cb, void *ud)
{
  struct hs_inst *in = ctx;
  int rc;

  if(!in || !cb || since < 0 || upto < since)
    return BMC_ERR_INVALID_ARG;
  rc = hs_fault_check(in->h, "changes_each");
  if(rc)
    return rc;
  return hs_catalog_changes_in(in->h, in->company_id, in->api, since, upto,
                               cb, ud);
}

static int
hs_svc_order_upsert(void *ctx, const char *xml, size_t len, int *created,
                    char *errbuf, size_t errlen)
{
  struct hs_inst *in = ctx;
  int rc;

  if(!in || !xml)
    return BMC_ERR_INVALID_ARG;
  rc = hs_fault_check(in->h, "order_upsert");
  if(rc) {
    hs_errf(errbuf, errlen, "order_upsert: host store failure (injected)");
    return rc;
  }
  rc = hs_dry_refuse(in, "order_upsert", "a document");
  if(rc) {
    hs_errf(errbuf, errlen, "order_upsert: refused in a dry run");
    return rc;
  }
  return hs_order_upsert_in(in, xml, len, created, errbuf, errlen);
}

static int
hs_svc_order_get(void *ctx, const char *source_order_id, bmc_doc_cb cb,
                 void *ud)
{
  struct hs_inst *in = ctx;
  int rc;

  if(!in || !source_order_id || !cb)
    return BMC_ERR_INVALID_ARG;
  rc = hs_fault_check(in->h, "order_get");
  if(rc)
    return rc;
  return hs_order_get_in(in, source_order_id, cb, ud);
}

static int
hs_svc_orders_each(void *ctx, enum bmc_order_query q, bmc_doc_cb cb,
                   void *ud)
{
  struct hs_inst *in = ctx;
  int rc;

  if(!in || !cb)
    return BMC_ERR_INVALID_ARG;
  rc = hs_fault_check(in->h, "orders_each");
  if(rc)
    return rc;
  return hs_orders_query_in(in, (int)q, cb, ud);
}

static int
hs_svc_order_set_status(void *ctx, const char *source_order_id,
                        const char *status, const char *note)
{
  struct hs_inst *in = ctx;
  int rc;

  if(!in || !source_order_id || !status)
    return BMC_ERR_INVALID_ARG;
  rc = hs_fault_check(in->h, "order_set_status");
  if(rc)
    return rc;
  rc = hs_dry_refuse(in, "order_set_status", source_order_id);
  if(rc)
    return rc;
  return hs_order_status_in(in, source_order_id, status, note);
}

static int
hs_svc_order_mark_reported(void *ctx, const char *source_order_id,
                           enum bmc_report_kind kind)
{
  struct hs_inst *in = ctx;
  int rc;

  if(!in || !source_order_id)
    return BMC_ERR_INVALID_ARG;
  rc = hs_fault_check(in->h, "order_mark_reported");
  if(rc)
    return rc;
  rc = hs_dry_refuse(in, "order_mark_reported", source_order_id);
  if(rc)
    return rc;
  return hs_order_mark_in(in, source_order_id, (int)kind);
}

static int
hs_svc_settlement_import(void *ctx, const char *xml, size_t len,
                         char *errbuf, size_t errlen)
{
  struct hs_inst *in = ctx;
  int rc;

  if(!in || !xml)
    return BMC_ERR_INVALID_ARG;
  rc = hs_fault_check(in->h, "settlement_import");
  if(rc) {
    hs_errf(errbuf, errlen, "settlement_import: host store failure "
            "(injected)");
    return rc;
  }
  rc = hs_dry_refuse(in, "settlement_import", "a document");
  if(rc) {
    hs_errf(errbuf, errlen, "settlement_import: refused in a dry run");
    return rc;
  }
  return hs_settlement_import_in(in, xml, len, errbuf, errlen);
}

static void
hs_svc_job_progress(void *ctx, int64_t done, int64_t total)
{
  struct hs_inst *in = ctx;
  struct hs_dbst *st;

  if(!in || !in->job_id || hs_fault_check(in->h, "job_progress"))
    return;
  st = hs_stmt(in->h, "UPDATE jobs SET done = ?, total = ? WHERE id = ?");
  if(!st)
    return;
  hs_db_bind_i64(st, 1, done);
  hs_db_bind_i64(st, 2, total);
  hs_db_bind_i64(st, 3, in->job_id);
  if(hs_step_write(in->h, st) != HS_DB_DONE)
    hs_hostlog(in->h, BMC_LOG_ERROR, "job progress: %s", in->h->last_err);
  hs_db_reset(st);
  if(in->h->progress_fn)
    in->h->progress_fn(in->h->progress_ud, in->job_id, done, total);
}

static void
hs_svc_item_error(void *ctx, const char *item, const char *code,
                  const char *message)
{
  struct hs_inst *in = ctx;

  if(!in || hs_fault_check(in->h, "item_error"))
    return;
  hs_job_item_error(in, item ? item : "", code ? code : "error",
                    message ? message : "");
}

static int
hs_svc_credential_pending(void *ctx)
{
  struct hs_inst *in = ctx;

  return in && in->check_pending;
}

static int
hs_svc_metric_record(void *ctx, const char *market, const char *name,
                     double value)
{
  struct hs_inst *in = ctx;
  int rc;

  if(!in)
    return BMC_ERR_INVALID_ARG;
  rc = hs_fault_check(in->h, "metric_record");
  return rc ? rc : hs_metric_record(in, market, name, value);
}

void
hs_services_init(struct bmc_host_api *api)
{
  memset(api, 0, sizeof(*api));
  api->hdr.magic = BMC_ABI_MAGIC;
  api->hdr.size = (uint32_t)sizeof(*api);
  api->hdr.major = BMC_ABI_MAJOR;
  api->hdr.minor = BMC_ABI_MINOR;
  api->log = hs_svc_log;
  api->setting_get = hs_svc_setting_get;
  api->now_ms = hs_svc_now_ms;
  api->wait_ms = hs_svc_wait_ms;
  api->state_get = hs_svc_state_get;
  api->state_put = hs_svc_state_put;
  api->state_del = hs_svc_state_del;
  api->state_each = hs_svc_state_each;
  api->catalog_each = hs_svc_catalog_each;
  api->product_get = hs_svc_product_get;
  api->product_set = hs_svc_product_set;
  api->inventory_quantity = hs_svc_inventory_quantity;
  api->order_upsert = hs_svc_order_upsert;
  api->order_get = hs_svc_order_get;
  api->orders_each = hs_svc_orders_each;
  api->order_set_status = hs_svc_order_set_status;
  api->order_mark_reported = hs_svc_order_mark_reported;
  api->settlement_import = hs_svc_settlement_import;
  api->job_progress = hs_svc_job_progress;
  api->item_error = hs_svc_item_error;
  api->credential_pending = hs_svc_credential_pending;
  api->metric_record = hs_svc_metric_record;
  api->feed_head = hs_svc_feed_head;
  api->changes_each = hs_svc_changes_each;
  api->state_put_many = hs_svc_state_put_many;
  hs_audit_trail_services_init(api);
}
