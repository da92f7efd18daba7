/*
 * hs_ops.c -- operator actions on what the plugins report (the CLI and
 * the web Toolbox share them): release an order held for review, correct
 * a line's serial/IMEI before it is sent, resolve an error-queue entry
 * with a note, the error queue with its resolutions, Ready To Post as the
 * plugins wrote it, and the progress hook.  Every change is recorded as a
 * Completed "operator" job with one log line, in the same transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hs_internal.h"
#include "pc_imei.h"

#define HS_SERIAL_MAX 50
#define HS_NOTE_MAX 500

int
hs_serial_check(const char *serial, char *why, size_t whylen)
{
  const char *p;
  int digits = 1;

  if(!serial || !serial[0]) {
    hs_errf(why, whylen, "is empty");
    return BMC_ERR_INVALID_ARG;
  }
  for(p = serial; *p; p++)
    if(*p < '0' || *p > '9')
      digits = 0;
  if(digits)
    return pc_imei_check(serial, why, whylen);
  if(strlen(serial) > HS_SERIAL_MAX) {
    hs_errf(why, whylen, "has %zu characters; a serial number has at most "
            "%d", strlen(serial), HS_SERIAL_MAX);
    return BMC_ERR_INVALID_ARG;
  }
  for(p = serial; *p; p++)
    if((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f) {
      hs_errf(why, whylen, "contains %s at position %d; a serial number "
              "is printable ASCII without spaces",
              *p == ' ' ? "a space" : "a control or non-ASCII byte",
              (int)(p - serial) + 1);
      return BMC_ERR_INVALID_ARG;
    }
  return BMC_OK;
}

/* An operator's note: optional (required when need), one line of at most
 * HS_NOTE_MAX bytes without control characters. */
static int
hs_note_check(const char *note, int need, char *err, size_t errlen)
{
  const char *p;

  if(!note || !note[0]) {
    if(!need)
      return BMC_OK;
    hs_errf(err, errlen, "a note is required (say what was done)");
    return BMC_ERR_INVALID_ARG;
  }
  if(strlen(note) > HS_NOTE_MAX) {
    hs_errf(err, errlen, "the note has %zu bytes; at most %d",
            strlen(note), HS_NOTE_MAX);
    return BMC_ERR_INVALID_ARG;
  }
  for(p = note; *p; p++)
    if((unsigned char)*p < 0x20 || *p == 0x7f) {
      hs_errf(err, errlen, "the note contains a control character at "
              "position %d", (int)(p - note) + 1);
      return BMC_ERR_INVALID_ARG;
    }
  return BMC_OK;
}

/* Record a Completed operator job with one log line (inside the caller's
 * transaction). */
static int
hs_ops_job(struct hs_host *h, int64_t company_id, const char *plugin,
           const char *action, const char *text, int64_t *job_id)
{
  struct hs_dbst *st;
  int64_t now = hs_clock_now(h), id;
  int rc;

  st = hs_stmt(h, "INSERT INTO jobs(company_id, plugin, action, trigger,"
               " status, rc, pid, created_ms, started_ms, finished_ms)"
               " VALUES(?1, ?2, ?3, 'operator', ?4, 0, ?5, ?6, ?6, ?6)"
               " RETURNING id");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, company_id);
  hs_bind_text(st, 2, plugin);
  hs_bind_text(st, 3, action);
  hs_db_bind_i64(st, 4, HS_JOB_COMPLETED);
  hs_db_bind_i64(st, 5, (int64_t)getpid());
  hs_db_bind_i64(st, 6, now);
  rc = hs_write_rc(hs_step_insert(h, st, &id));
  if(rc)
    return rc;
  st = hs_stmt(h, "INSERT INTO job_log(job_id, seq, ts_ms, level, is_error,"
               " text) VALUES(?, 1, ?, ?, 0, ?)");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, id);
  hs_db_bind_i64(st, 2, now);
  hs_db_bind_i64(st, 3, BMC_LOG_INFO);
  hs_bind_text(st, 4, text);
  rc = hs_db_step(st) == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
  hs_db_reset(st);
  if(!rc && job_id)
    *job_id = id;
  return rc;
}

static int
hs_ops_end(struct hs_host *h, int rc)
{
  if(rc) {
    hs_rollback(h);
    return rc;
  }
  return hs_commit(h);
}

struct hs_ops_order {
  int64_t company_id;
  char marketplace[128], source_id[128], status[32];
  int reported;
};

static int
hs_ops_order_get(struct hs_host *h, int64_t oid, struct hs_ops_order *o,
                 char *err, size_t errlen)
{
  struct hs_dbst *st;
  int rc = BMC_ERR_NOT_FOUND;

  st = hs_stmt(h, "SELECT company_id, marketplace, source_order_id, status,"
               " source_updated_for_shipping FROM orders WHERE id = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, oid);
  if(hs_db_step(st) == HS_DB_ROW) {
    o->company_id = hs_db_col_i64(st, 0);
    snprintf(o->marketplace, sizeof(o->marketplace), "%s",
             hs_col_text(st, 1));
    snprintf(o->source_id, sizeof(o->source_id), "%s", hs_col_text(st, 2));
    snprintf(o->status, sizeof(o->status), "%s", hs_col_text(st, 3));
    o->reported = (int)hs_db_col_i64(st, 4);
    rc = BMC_OK;
  }
  hs_db_reset(st);
  if(rc == BMC_ERR_NOT_FOUND)
    hs_errf(err, errlen, "order %lld does not exist", (long long)oid);
  return rc;
}

int
hs_order_release(struct hs_host *h, int64_t order_id, const char *note,
                 int64_t *job_id, char *err, size_t errlen)
{
  struct hs_ops_order o;
  struct hs_dbst *st;
  char text[1024];
  int rc;

  if(!h)
    return BMC_ERR_INVALID_ARG;
  if((rc = hs_note_check(note, 0, err, errlen)))
    return rc;
  if((rc = hs_begin(h)))
    return rc;
  rc = hs_ops_order_get(h, order_id, &o, err, errlen);
  if(!rc && strcmp(o.status, "OnHold")) {
    hs_errf(err, errlen, "order %s is %s, not On Hold; only a held order "
            "can be released", o.source_id, o.status);
    rc = BMC_ERR_CONFLICT;
  }
  if(!rc) {
    st = hs_stmt(h, "UPDATE orders SET status = 'InProcess', note ="
                 " COALESCE(?, note), updated_ms = ? WHERE id = ?");
    if(!st) {
      rc = BMC_ERR_INTERNAL;
    }
    else {
      hs_bind_text(st, 1, note && note[0] ? note : NULL);
      hs_db_bind_i64(st, 2, hs_clock_now(h));
      hs_db_bind_i64(st, 3, order_id);
      rc = hs_db_step(st) == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
      hs_db_reset(st);
    }
  }
  if(!rc) {
    snprintf(text, sizeof(text), "order %s released by the operator (On "
             "Hold -> In Process)%s%s; the next order download of %s "
             "accepts its held lines", o.source_id, note && note[0] ?
             ": " : "", note && note[0] ? note : "", o.marketplace);
    rc = hs_ops_job(h, o.company_id, o.marketplace, "release_order", text,
                    job_id);
  }
  return hs_ops_end(h, rc);
}

int
hs_order_line_serial_set(struct hs_host *h, int64_t order_id,
                         const char *line_id, const char *serial,
                         int64_t *job_id, char *err, size_t errlen)
{
  struct hs_ops_order o;
  struct hs_dbst *st;
  char why[256], old[256] = "", text[1024];
  int rc, found = 0;

  if(!h || !line_id)
    return BMC_ERR_INVALID_ARG;
  if(hs_serial_check(serial, why, sizeof(why))) {
    hs_errf(err, errlen, "serial '%.60s' %s", serial ? serial : "", why);
    return BMC_ERR_INVALID_ARG;
  }
  if((rc = hs_begin(h)))
    return rc;
  rc = hs_ops_order_get(h, order_id, &o, err, errlen);
  if(!rc && strcmp(o.status, "Cancelled") == 0) {
    hs_errf(err, errlen, "order %s is cancelled", o.source_id);
    rc = BMC_ERR_CONFLICT;
  }
  if(!rc && o.reported) {
    hs_errf(err, errlen, "order %s was already reported to %s with its "
            "serials; the marketplace cannot correct them now",
            o.source_id, o.marketplace);
    rc = BMC_ERR_CONFLICT;
  }
  if(!rc) {
    st = hs_stmt(h, "SELECT serials FROM order_lines WHERE order_id = ? AND"
                 " line_id = ?");
    if(!st) {
      rc = BMC_ERR_INTERNAL;
    }
    else {
      hs_db_bind_i64(st, 1, order_id);
      hs_bind_text(st, 2, line_id);
      if(hs_db_step(st) == HS_DB_ROW) {
        found = 1;
        snprintf(old, sizeof(old), "%s",
                 hs_col_text(st, 0) ? hs_col_text(st, 0) : "");
      }
      hs_db_reset(st);
      if(!found) {
        hs_errf(err, errlen, "order %s has no line '%s'", o.source_id,
                line_id);
        rc = BMC_ERR_NOT_FOUND;
      }
    }
  }
  if(!rc) {
    st = hs_stmt(h, "UPDATE order_lines SET serials = ? WHERE order_id = ?"
                 " AND line_id = ?");
    if(!st) {
      rc = BMC_ERR_INTERNAL;
    }
    else {
      hs_bind_text(st, 1, serial);
      hs_db_bind_i64(st, 2, order_id);
      hs_bind_text(st, 3, line_id);
      rc = hs_db_step(st) == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
      hs_db_reset(st);
    }
  }
  if(!rc) {
    st = hs_stmt(h, "UPDATE orders SET updated_ms = ? WHERE id = ?");
    if(!st) {
      rc = BMC_ERR_INTERNAL;
    }
    else {
      hs_db_bind_i64(st, 1, hs_clock_now(h));
      hs_db_bind_i64(st, 2, order_id);
      rc = hs_db_step(st) == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
      hs_db_reset(st);
    }
  }
  if(!rc) {
    char *nl;

    while((nl = strchr(old, '\n')))
      *nl = ',';
    snprintf(text, sizeof(text), "order %s line %s: serial set to %s by "
             "the operator (was %s); the next tracking upload sends it",
             o.source_id, line_id, serial, old[0] ? old : "none");
    rc = hs_ops_job(h, o.company_id, o.marketplace, "correct_serial", text,
                    job_id);
  }
  return hs_ops_end(h, rc);
}

int
hs_error_resolve(struct hs_host *h, int64_t error_id, const char *note,
                 int64_t *job_id, char *err, size_t errlen)
{
  struct hs_dbst *st;
  char plugin[128] = "", text[1400];
  int64_t cid = 0, resolved = 0;
  int rc;

  if(!h)
    return BMC_ERR_INVALID_ARG;
  if((rc = hs_note_check(note, 1, err, errlen)))
    return rc;
  if((rc = hs_begin(h)))
    return rc;
  st = hs_stmt(h, "SELECT company_id, plugin, item, code, resolved_ms FROM"
               " error_queue WHERE id = ?");
  if(!st)
    return hs_ops_end(h, BMC_ERR_INTERNAL);
  hs_db_bind_i64(st, 1, error_id);
  rc = BMC_ERR_NOT_FOUND;
  if(hs_db_step(st) == HS_DB_ROW) {
    cid = hs_db_col_i64(st, 0);
    snprintf(plugin, sizeof(plugin), "%s", hs_col_text(st, 1));
    snprintf(text, sizeof(text), "error %lld (%.200s, %.40s) resolved by the "
             "operator: %s", (long long)error_id, hs_col_text(st, 2),
             hs_col_text(st, 3), note);
    resolved = hs_db_col_i64(st, 4);
    rc = BMC_OK;
  }
  hs_db_reset(st);
  if(rc)
    hs_errf(err, errlen, "no error %lld in the error queue",
            (long long)error_id);
  else if(resolved) {
    hs_errf(err, errlen, "error %lld is already resolved",
            (long long)error_id);
    rc = BMC_ERR_CONFLICT;
  }
  if(!rc) {
    st = hs_stmt(h, "UPDATE error_queue SET resolved_ms = ?, resolved_note ="
                 " ? WHERE id = ?");
    if(!st)
      return hs_ops_end(h, BMC_ERR_INTERNAL);
    hs_db_bind_i64(st, 1, hs_clock_now(h) > 0 ? hs_clock_now(h) : 1);
    hs_bind_text(st, 2, note);
    hs_db_bind_i64(st, 3, error_id);
    rc = hs_db_step(st) == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
    hs_db_reset(st);
  }
  if(!rc)
    rc = hs_ops_job(h, cid, plugin, "resolve_error", text, job_id);
  return hs_ops_end(h, rc);
}

int
hs_errors_list(struct hs_host *h, const char *company, const char *plugin,
               int include_resolved,
               int (*cb)(void *ud, const struct hs_item_error *e), void *ud)
{
  struct hs_dbst *st = NULL;
  int rc = BMC_OK, s;

  if(!h || !cb)
    return BMC_ERR_INVALID_ARG;
  if(hs_db_prepare(h->db, "SELECT e.id, e.job_id, e.ts_ms, c.name,"
                   " e.plugin, e.item, e.code, e.message, e.resolved_ms,"
                   " e.resolved_note FROM error_queue e JOIN companies c"
                   " ON c.id = e.company_id WHERE (?1 IS NULL OR c.name"
                   " = ?1) AND (?2 IS NULL OR e.plugin = ?2) AND (?3 <> 0 OR"
                   " e.resolved_ms = 0) ORDER BY e.id", &st) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  hs_bind_text(st, 1, company);
  hs_bind_text(st, 2, plugin);
  hs_db_bind_i64(st, 3, include_resolved != 0);
  while((s = hs_db_step(st)) == HS_DB_ROW) {
    struct hs_item_error e;

    e.id = hs_db_col_i64(st, 0);
    e.job_id = hs_db_col_i64(st, 1);
    e.ts_ms = hs_db_col_i64(st, 2);
    e.company = hs_col_text(st, 3);
    e.plugin = hs_col_text(st, 4);
    e.item = hs_col_text(st, 5);
    e.code = hs_col_text(st, 6);
    e.message = hs_col_text(st, 7);
    e.resolved_ms = hs_db_col_i64(st, 8);
    e.resolved_note = hs_col_text(st, 9);
    if((rc = cb(ud, &e)))
      break;
  }
  if(!rc && s != HS_DB_DONE)
    rc = BMC_ERR_INTERNAL;
  hs_db_finalize(st);
  return rc;
}

/* One plugin's verdicts (its READY property, per market when it has
 * them) with their reasons and whether the product is listed there
 * (its LISTS property: the market's value, else the global one, else the
 * default); a product never checked gives one row with ready NULL. */
static int
hs_ready_plugin(struct hs_host *h, int64_t cid,
                const struct bmc_plugin_api *api,
                int64_t pid, int (*cb)(void *ud, const struct hs_ready *r),
                void *ud, int *n)
{
  const struct bmc_property *ready =
      hs_property_flagged(api, BMC_PROP_READY);
  const struct bmc_property *why =
      hs_property_flagged(api, BMC_PROP_READY_REASONS);
  const struct bmc_property *lists =
      hs_property_flagged(api, BMC_PROP_LISTS);
  struct hs_dbst *st = NULL;
  int rc = BMC_OK, s;

  if(hs_db_prepare(h->db, "SELECT p.sku, p.title, r.market, r.value,"
                   " r.updated_ms, (SELECT x.value FROM product_props x"
                   " WHERE x.product_id = p.id AND x.plugin = ?2 AND"
                   " x.key = ?4 AND x.market = r.market), (SELECT"
                   " e.value FROM product_props e WHERE e.product_id ="
                   " p.id AND e.plugin = ?2 AND e.key = ?5 AND e.market"
                   " IN ('', COALESCE(r.market, '')) ORDER BY e.market"
                   " DESC LIMIT 1) FROM products p LEFT JOIN"
                   " product_props r ON r.product_id = p.id AND r.plugin"
                   " = ?2 AND r.key = ?3 WHERE p.company_id = ?1 AND (?6"
                   " = 0 OR p.id = ?6) ORDER BY p.sku, r.market",
                   &st) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, cid);
  hs_bind_text(st, 2, api->name);
  hs_bind_text(st, 3, ready->key);
  hs_bind_text(st, 4, why ? why->key : NULL);
  hs_bind_text(st, 5, lists ? lists->key : NULL);
  hs_db_bind_i64(st, 6, pid);
  while((s = hs_db_step(st)) == HS_DB_ROW) {
    const char *listed = hs_col_text(st, 6);
    struct hs_ready r;

    memset(&r, 0, sizeof(r));
    r.sku = hs_col_text(st, 0);
    r.title = hs_col_text(st, 1);
    r.market = hs_col_text(st, 2) ? hs_col_text(st, 2) : "";
    r.ready = hs_col_text(st, 3);
    r.plugin = r.ready ? api->name : NULL;
    r.checked_ms = hs_db_col_i64(st, 4);
    r.reasons = hs_col_text(st, 5) ? hs_col_text(st, 5) : "";
    if(!listed && lists)
      listed = lists->default_value;
    r.enabled = !lists || (listed && !strcmp(listed, "true"));
    (*n)++;
    if((rc = cb(ud, &r)))
      break;
  }
  if(!rc && s != HS_DB_DONE)
    rc = BMC_ERR_INTERNAL;
  hs_db_finalize(st);
  return rc;
}

int
hs_ready_each(struct hs_host *h, const char *company, const char *sku,
              int (*cb)(void *ud, const struct hs_ready *r), void *ud)
{
  int64_t cid, pid = 0;
  size_t i;
  int rc = BMC_OK, n = 0, en;

  if(!h || !company || !cb)
    return BMC_ERR_INVALID_ARG;
  if(hs_company_find(h, company, &cid))
    return BMC_ERR_NOT_FOUND;
  for(i = 0; !rc && i < h->n_plugs; i++) {
    const struct bmc_plugin_api *api = h->plugs[i].api;

    if(!hs_property_flagged(api, BMC_PROP_READY) ||
       hs_company_plugin_enabled(h, company, api->name, &en) || !en)
      continue;
    if(sku && !(pid = hs_product_id_find(h, cid, api, sku)))
      continue;
    rc = hs_ready_plugin(h, cid, api, pid, cb, ud, &n);
  }
  /* no such product (a product no channel judges lists nothing) */
  if(!rc && sku && !n && !hs_product_id_find(h, cid, NULL, sku))
    rc = BMC_ERR_NOT_FOUND;
  return rc;
}

void
hs_host_set_progress(struct hs_host *h, hs_progress_fn fn, void *ud)
{
  if(!h)
    return;
  h->progress_fn = fn;
  h->progress_ud = ud;
}
