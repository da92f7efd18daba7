/*
 * hs_audit_trail.c -- the change audit trail: the ABI 2.1 services
 * job_dry_run and audit_record (rows masked of secrets, one line each),
 * the dry-run guard the order and state services call, the trail's query
 * and retention pruning, and the company's dry-run switch and retention
 * (company_host_settings).  The web page-view audit is hs_audit.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_audit_trail.h"
#include "hs_internal.h"
#include "pc_csv.h"

#define HS_CHANGE_TEXT_MAX 512
#define HS_AUDIT_PRUNE_EVERY_MS (3600LL * 1000LL)

/* ---- company host settings ---- */

static int
hs_chs_get(struct hs_host *h, int64_t cid, const char *key, char *buf,
           size_t buflen)
{
  struct hs_dbst *st = hs_stmt(h, "SELECT value FROM company_host_settings"
                             " WHERE company_id = ? AND key = ?");
  int rc = BMC_ERR_NOT_FOUND;

  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, cid);
  hs_bind_text(st, 2, key);
  if(hs_db_step(st) == HS_DB_ROW)
    rc = hs_copy(buf, buflen, hs_col_text(st, 0));
  hs_db_reset(st);
  return rc;
}

static int
hs_chs_set(struct hs_host *h, int64_t cid, const char *key,
           const char *value)
{
  struct hs_dbst *st = hs_stmt(h, "INSERT INTO company_host_settings("
                             "company_id, key, value, updated_ms)"
                             " VALUES(?, ?, ?, ?) ON CONFLICT(company_id,"
                             " key) DO UPDATE SET value = excluded.value,"
                             " updated_ms = excluded.updated_ms");
  int rc;

  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, cid);
  hs_bind_text(st, 2, key);
  hs_bind_text(st, 3, value);
  hs_db_bind_i64(st, 4, hs_clock_now(h));
  rc = hs_write_rc(hs_step_write(h, st));
  hs_db_reset(st);
  return rc;
}

static int
hs_cid_dry_run(struct hs_host *h, int64_t cid)
{
  char v[16];

  return hs_chs_get(h, cid, "dry_run", v, sizeof(v)) == BMC_OK &&
         strcmp(v, "true") == 0;
}

int
hs_company_dry_run_set(struct hs_host *h, const char *company, int on)
{
  int64_t cid;
  int rc;

  if(!h || !company)
    return BMC_ERR_INVALID_ARG;
  rc = hs_company_find(h, company, &cid);
  if(!rc)
    rc = hs_chs_set(h, cid, "dry_run", on ? "true" : "false");
  if(!rc)
    hs_hostlog(h, BMC_LOG_INFO, "company %s: dry run switched %s", company,
               on ? "on (nothing that changes a marketplace is sent)"
                  : "off");
  return rc;
}

int
hs_company_dry_run_get(struct hs_host *h, const char *company, int *on)
{
  int64_t cid;
  int rc;

  if(!h || !company || !on)
    return BMC_ERR_INVALID_ARG;
  rc = hs_company_find(h, company, &cid);
  if(!rc)
    *on = hs_cid_dry_run(h, cid);
  return rc;
}

static int64_t
hs_cid_retention(struct hs_host *h, int64_t cid)
{
  char v[24];
  char *end;
  long long d;

  if(hs_chs_get(h, cid, "audit_retention_days", v, sizeof(v)) != BMC_OK)
    return HS_AUDIT_RETENTION_DAYS_DEFAULT;
  d = strtoll(v, &end, 10);
  return *end || d < 1 ? HS_AUDIT_RETENTION_DAYS_DEFAULT : (int64_t)d;
}

int
hs_company_audit_retention_set(struct hs_host *h, const char *company,
                               int64_t days, char *err, size_t errlen)
{
  char v[24];
  int64_t cid;
  int rc;

  if(!h || !company)
    return BMC_ERR_INVALID_ARG;
  if(days < 1 || days > 36500) {
    hs_errf(err, errlen, "audit retention: %lld days is out of range "
            "(1..36500)", (long long)days);
    return BMC_ERR_INVALID_ARG;
  }
  rc = hs_company_find(h, company, &cid);
  if(rc) {
    hs_errf(err, errlen, "no company '%s'", company);
    return rc;
  }
  snprintf(v, sizeof(v), "%lld", (long long)days);
  rc = hs_chs_set(h, cid, "audit_retention_days", v);
  if(rc)
    hs_errf(err, errlen, "audit retention: %s", h->last_err);
  return rc;
}

int
hs_company_audit_retention_get(struct hs_host *h, const char *company,
                               int64_t *days)
{
  int64_t cid;
  int rc;

  if(!h || !company || !days)
    return BMC_ERR_INVALID_ARG;
  rc = hs_company_find(h, company, &cid);
  if(!rc)
    *days = hs_cid_retention(h, cid);
  return rc;
}

/* ---- dry run of a job ---- */

int
hs_job_dry_run_wanted(struct hs_host *h, int64_t cid)
{
  return hs_cid_dry_run(h, cid);
}

int
hs_dry_refuse(struct hs_inst *in, const char *service, const char *what)
{
  char line[400];

  if(!in || !in->dry_run)
    return BMC_OK;
  snprintf(line, sizeof(line), "dry run: %s refused (%.200s): a dry run "
           "changes no host order and no stored plugin state",
           service, what ? what : "");
  hs_job_log(in, BMC_LOG_WARN, line);
  return BMC_ERR_CONFLICT;
}

int
hs_run_action_dry(struct hs_host *h, const char *company, const char *plugin,
                  const char *action, const char *const *items,
                  size_t n_items, int64_t *job_id, int *status, char *err,
                  size_t errlen)
{
  if(!h) {
    hs_errf(err, errlen, "run: no host");
    return BMC_ERR_INVALID_ARG;
  }
  return hs_job_run_opts(h, company, plugin, action, "manual", items,
                         n_items, 1, job_id, status, err, errlen);
}

/* ---- the services ---- */

static int
hs_svc_job_dry_run(void *ctx)
{
  struct hs_inst *in = ctx;

  return in && in->job_id && in->dry_run;
}

/* The trail's name of the job's trigger. */
static const char *
hs_change_trigger(const struct hs_inst *in)
{
  const char *t = in->job_trigger;

  if(!t)
    return "operator";
  if(strcmp(t, "manual") == 0)
    return "hand";
  if(strcmp(t, "scheduled") == 0)
    return "schedule";
  if(strncmp(t, "retry", 5) == 0)
    return "retry";
  return t;
}

/* Masked of the instance's secrets, bounded, control characters replaced
 * (one row, one line); NULL stays NULL.  *out malloc'd. */
static int
hs_change_clean(const struct hs_inst *in, const char *s, char **out)
{
  char *m;
  size_t i;

  *out = NULL;
  if(!s)
    return BMC_OK;
  m = hs_mask(s, in->secrets, in->n_secrets);
  if(!m)
    return BMC_ERR_NOMEM;
  for(i = 0; m[i]; i++)
    if((unsigned char)m[i] < 0x20 || m[i] == 0x7f)
      m[i] = '?';
  if(i > HS_CHANGE_TEXT_MAX)
    m[HS_CHANGE_TEXT_MAX] = '\0';
  *out = m;
  return BMC_OK;
}

enum { HS_CF_TRIGGER, HS_CF_SKU, HS_CF_MARKET, HS_CF_ORDER, HS_CF_LINE,
       HS_CF_FIELD, HS_CF_OLD, HS_CF_NEW, HS_CF_REQ, HS_CF_RESULT,
       HS_CF_DETAIL, HS_CF_N };

static void
hs_change_diff_line(struct hs_inst *in, char *const *v)
{
  char line[1400];

  snprintf(line, sizeof(line), "dry run: would send %s%s%s%s%s%s%s%s%s %s: "
           "%s -> %s", v[HS_CF_SKU] ? "SKU " : "",
           v[HS_CF_SKU] ? v[HS_CF_SKU] : "",
           v[HS_CF_SKU] && v[HS_CF_ORDER] ? " " : "",
           v[HS_CF_ORDER] ? "order " : "",
           v[HS_CF_ORDER] ? v[HS_CF_ORDER] : "",
           v[HS_CF_LINE] ? " line " : "", v[HS_CF_LINE] ? v[HS_CF_LINE] : "",
           v[HS_CF_MARKET] ? " @" : "",
           v[HS_CF_MARKET] ? v[HS_CF_MARKET] : "", v[HS_CF_FIELD],
           v[HS_CF_OLD] ? v[HS_CF_OLD] : "(unknown)",
           v[HS_CF_NEW] ? v[HS_CF_NEW] : "(none)");
  hs_job_log(in, BMC_LOG_INFO, line);
}

static int
hs_change_valid(const struct bmc_change *c)
{
  return c->size >= sizeof(*c) && c->field && c->field[0] && c->result &&
         c->result[0];
}

/* One row (inside the caller's transaction, or its own). */
static int
hs_change_insert(struct hs_inst *in, const struct bmc_change *c)
{
  const char *src[HS_CF_N];
  char *v[HS_CF_N];
  struct hs_dbst *st;
  int rc = BMC_OK, i;

  src[HS_CF_TRIGGER] = c->trigger ? c->trigger : hs_change_trigger(in);
  src[HS_CF_SKU] = c->sku;
  src[HS_CF_MARKET] = c->market;
  src[HS_CF_ORDER] = c->order;
  src[HS_CF_LINE] = c->line;
  src[HS_CF_FIELD] = c->field;
  src[HS_CF_OLD] = c->old_value;
  src[HS_CF_NEW] = c->new_value;
  src[HS_CF_REQ] = c->request_id;
  src[HS_CF_RESULT] = c->result;
  src[HS_CF_DETAIL] = c->detail;
  memset(v, 0, sizeof(v));
  for(i = 0; i < HS_CF_N && !rc; i++)
    rc = hs_change_clean(in, src[i], &v[i]);
  st = rc ? NULL
          : hs_stmt(in->h, "INSERT INTO change_audit(ts_ms, company_id,"
                    " plugin, job_id, trigger, dry_run, sku, market,"
                    " order_id, line, field, old_value, new_value,"
                    " request_id, result, detail) VALUES(?, ?, ?, ?, ?, ?,"
                    " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if(st) {
    hs_db_bind_i64(st, 1, hs_clock_now(in->h));
    hs_db_bind_i64(st, 2, in->company_id);
    hs_bind_text(st, 3, in->api->name);
    hs_db_bind_i64(st, 4, in->job_id);
    hs_bind_text(st, 5, v[HS_CF_TRIGGER]);
    hs_db_bind_i64(st, 6, in->dry_run ? 1 : 0);
    for(i = HS_CF_SKU; i < HS_CF_N; i++)
      hs_bind_text(st, 7 + i - HS_CF_SKU, v[i]);
    rc = hs_write_rc(hs_step_write(in->h, st));
    hs_db_reset(st);
    if(rc)
      hs_hostlog(in->h, BMC_LOG_ERROR, "audit trail: %s", in->h->last_err);
    else if(in->dry_run)
      hs_change_diff_line(in, v);
  }
  else if(!rc)
    rc = BMC_ERR_INTERNAL;
  for(i = 0; i < HS_CF_N; i++)
    hs_secret_free(v[i]);
  return rc;
}

static int
hs_svc_audit_record(void *ctx, const struct bmc_change *c, size_t n)
{
  struct hs_inst *in = ctx;
  size_t i;
  int rc, own;

  if(!in || (n && !c))
    return BMC_ERR_INVALID_ARG;
  for(i = 0; i < n; i++)
    if(!hs_change_valid(&c[i]))
      return BMC_ERR_INVALID_ARG;
  rc = hs_fault_check(in->h, "audit_record");
  if(rc || !n)
    return rc;
  /* a bulk task's rows: one commit, not one per row */
  own = n > 1 && hs_db_autocommit(in->h->db);
  if(own && (rc = hs_begin(in->h)) != BMC_OK)
    return rc;
  for(i = 0; i < n && !rc; i++)
    rc = hs_change_insert(in, &c[i]);
  if(own) {
    if(rc)
      hs_rollback(in->h);
    else
      rc = hs_commit(in->h);
  }
  return rc;
}

void
hs_audit_trail_services_init(struct bmc_host_api *api)
{
  api->job_dry_run = hs_svc_job_dry_run;
  api->audit_record = hs_svc_audit_record;
}

/* ---- query and retention ---- */

int
hs_change_audit_each(struct hs_host *h, const struct hs_change_filter *f,
                     int (*cb)(void *ud, const struct hs_change_row *r),
                     void *ud)
{
  struct hs_dbst *st = NULL;
  char sql[1024];
  int rc = BMC_OK, s;

  if(!h || !f || !cb)
    return BMC_ERR_INVALID_ARG;
  /* only the terms in use, so SQLite can take the (company, sku) and
   * (company, order) indexes for an item and the job index for a job */
  snprintf(sql, sizeof(sql),
           "SELECT a.id, a.ts_ms, a.job_id, c.name, a.plugin, a.trigger,"
           " a.dry_run, a.sku, a.market, a.order_id, a.line, a.field,"
           " a.old_value, a.new_value, a.request_id, a.result, a.detail"
           " FROM change_audit a JOIN companies c ON c.id = a.company_id"
           " WHERE 1 = 1%s%s%s%s%s%s ORDER BY %sa.ts_ms, a.id",
           f->company && !f->item ? " AND c.name = ?1" : "",
           !f->item ? ""
           : f->company
               ? " AND a.id IN (SELECT x.id FROM change_audit x JOIN"
                 " companies k ON k.id = x.company_id AND k.name = ?1"
                 " WHERE x.sku = ?2 UNION ALL SELECT y.id FROM"
                 " change_audit y JOIN companies k ON k.id = y.company_id"
                 " AND k.name = ?1 WHERE y.order_id = ?2)"
               : " AND (a.sku = ?2 OR a.order_id = ?2)",
           f->since_ms ? " AND a.ts_ms >= ?3" : "",
           f->until_ms ? " AND a.ts_ms < ?4" : "",
           f->job_id ? " AND a.job_id = ?5" : "",
           f->dry >= 0 ? " AND a.dry_run = ?6" : "",
           /* an item's few rows are sorted; the time index would scan */
           f->item || f->job_id ? "+" : "");
  if(hs_db_prepare(h->db, sql, &st) != HS_DB_OK) {
    hs_store_fail(h, "audit trail query: %s", hs_db_errmsg(h->db));
    return BMC_ERR_INTERNAL;
  }
  hs_bind_text(st, 1, f->company);
  hs_bind_text(st, 2, f->item);
  hs_db_bind_i64(st, 3, f->since_ms);
  hs_db_bind_i64(st, 4, f->until_ms);
  hs_db_bind_i64(st, 5, f->job_id);
  hs_db_bind_i64(st, 6, f->dry);
  while((s = hs_db_step(st)) == HS_DB_ROW) {
    struct hs_change_row r;

    r.id = hs_db_col_i64(st, 0);
    r.ts_ms = hs_db_col_i64(st, 1);
    r.job_id = hs_db_col_i64(st, 2);
    r.company = hs_col_text(st, 3);
    r.plugin = hs_col_text(st, 4);
    r.trigger = hs_col_text(st, 5);
    r.dry_run = (int)hs_db_col_i64(st, 6);
    r.sku = hs_col_text(st, 7);
    r.market = hs_col_text(st, 8);
    r.order = hs_col_text(st, 9);
    r.line = hs_col_text(st, 10);
    r.field = hs_col_text(st, 11);
    r.old_value = hs_col_text(st, 12);
    r.new_value = hs_col_text(st, 13);
    r.request_id = hs_col_text(st, 14);
    r.result = hs_col_text(st, 15);
    r.detail = hs_col_text(st, 16);
    rc = cb(ud, &r);
    if(rc)
      break;
  }
  if(!rc && s != HS_DB_DONE)
    rc = BMC_ERR_INTERNAL;
  hs_db_finalize(st);
  return rc;
}

int
hs_change_audit_prune_due(struct hs_host *h)
{
  if(!h)
    return BMC_ERR_INVALID_ARG;
  if(h->audit_pruned_ms &&
     hs_clock_now(h) - h->audit_pruned_ms < HS_AUDIT_PRUNE_EVERY_MS)
    return BMC_OK;
  return hs_change_audit_prune(h, NULL);
}

int
hs_change_audit_prune(struct hs_host *h, int64_t *n_deleted)
{
  struct hs_dbst *st;
  int rc;

  if(n_deleted)
    *n_deleted = 0;
  if(!h)
    return BMC_ERR_INVALID_ARG;
  /* per company through change_audit_ts (company_id, ts_ms) */
  st = hs_stmt(h, "DELETE FROM change_audit WHERE id IN (SELECT"
               " a.id FROM companies c JOIN change_audit a ON"
               " a.company_id = c.id AND a.ts_ms < ?1 - 86400000 *"
               " COALESCE((SELECT CAST(s.value AS BIGINT) FROM"
               " company_host_settings s WHERE s.company_id = c.id AND"
               " s.key = 'audit_retention_days'), ?2))");
  if(!st)
    return BMC_ERR_INTERNAL;
  h->audit_pruned_ms = hs_clock_now(h);
  hs_db_bind_i64(st, 1, h->audit_pruned_ms);
  hs_db_bind_i64(st, 2, HS_AUDIT_RETENTION_DAYS_DEFAULT);
  rc = hs_write_rc(hs_step_write(h, st));
  if(!rc && n_deleted)
    *n_deleted = hs_db_changes(h->db);
  hs_db_reset(st);
  if(rc)
    hs_hostlog(h, BMC_LOG_ERROR, "audit trail prune: %s", h->last_err);
  return rc;
}

/* ---- CSV export ---- */

struct hs_change_csv {
  struct pc_csv csv;
  FILE *out;
  int rc;
};

static int
hs_change_csv_flush(struct hs_change_csv *x)
{
  size_t len = pc_csv_len(&x->csv);

  if(len && fwrite(pc_csv_text(&x->csv), 1, len, x->out) != len)
    return BMC_ERR_INTERNAL;
  pc_csv_reset(&x->csv);
  return BMC_OK;
}

static int
hs_change_csv_row(void *ud, const struct hs_change_row *r)
{
  struct hs_change_csv *x = ud;
  char t[32];

  hs_iso_time(r->ts_ms, t, sizeof(t));
  if(pc_csv_field(&x->csv, t) || pc_csv_field(&x->csv, r->company) ||
     pc_csv_field(&x->csv, r->plugin) ||
     pc_csv_fieldf(&x->csv, "%lld", (long long)r->job_id) ||
     pc_csv_field(&x->csv, r->trigger) ||
     pc_csv_field(&x->csv, r->dry_run ? "true" : "false") ||
     pc_csv_field(&x->csv, r->sku) || pc_csv_field(&x->csv, r->market) ||
     pc_csv_field(&x->csv, r->order) || pc_csv_field(&x->csv, r->line) ||
     pc_csv_field(&x->csv, r->field) ||
     pc_csv_field(&x->csv, r->old_value) ||
     pc_csv_field(&x->csv, r->new_value) ||
     pc_csv_field(&x->csv, r->request_id) ||
     pc_csv_field(&x->csv, r->result) || pc_csv_field(&x->csv, r->detail) ||
     pc_csv_end_row(&x->csv))
    return x->rc = BMC_ERR_NOMEM;
  return x->rc = hs_change_csv_flush(x);
}

int
hs_change_audit_csv(struct hs_host *h, const struct hs_change_filter *f,
                    FILE *out)
{
  static const char *const cols[] = {
    "time", "company", "plugin", "job", "trigger", "dry_run", "sku",
    "market", "order", "line", "field", "old_value", "new_value",
    "request_id", "result", "detail"};
  struct hs_change_csv x;
  size_t i;
  int rc = BMC_OK;

  if(!h || !f || !out)
    return BMC_ERR_INVALID_ARG;
  memset(&x, 0, sizeof(x));
  x.out = out;
  pc_csv_init(&x.csv, ',', '"', 0);
  for(i = 0; i < sizeof(cols) / sizeof(cols[0]) && !rc; i++)
    rc = pc_csv_field(&x.csv, cols[i]);
  if(!rc)
    rc = pc_csv_end_row(&x.csv);
  if(!rc)
    rc = hs_change_csv_flush(&x);
  if(!rc)
    rc = hs_change_audit_each(h, f, hs_change_csv_row, &x);
  if(!rc && x.rc)
    rc = x.rc;
  pc_csv_free(&x.csv);
  return rc;
}
