/*
 * hs_metric.c -- metrics plugins record per market (ABI 2.1
 * metric_record): one row per sample (company, plugin, market, name,
 * time, value, job) in a time series the health view sums per hour and
 * day and the web Toolbox charts (e.g. requests per budget over 24 h).
 * Read back sample by sample for the charts (hs_metric_samples_each).
 * Retention: samples older than HS_METRIC_RETENTION_MS are pruned, per
 * series, whenever that series is recorded (an indexed range delete).
 */
#include <string.h>

#include "hs_internal.h"
#include "hs_loader.h"

static int
hs_metric_name_ok(const char *name)
{
  size_t n;

  if(!name || !name[0])
    return 0;
  for(n = 0; name[n]; n++)
    if(!((name[n] >= 'a' && name[n] <= 'z') ||
         (name[n] >= '0' && name[n] <= '9') || name[n] == '_'))
      return 0;
  return n <= 64;
}

int
hs_metric_record(struct hs_inst *in, const char *market, const char *name,
                 double value)
{
  struct hs_host *h = in->h;
  struct hs_dbst *st;
  int64_t now = hs_clock_now(h);
  int rc;

  if(!market)
    market = "";
  if(!hs_metric_name_ok(name) || value != value ||
     (market[0] && !hs_market_declared(in->api, market))) {
    hs_job_log(in, BMC_LOG_WARN, "metric refused: the name must be "
               "[a-z0-9_]{1,64}, the value a number and the market one the "
               "plugin declares");
    return BMC_ERR_INVALID_ARG;
  }
  rc = hs_begin(h);
  if(rc)
    return rc;
  st = hs_stmt(h, "INSERT INTO metrics(company_id, plugin, market, name,"
               " ts_ms, value, job_id) VALUES(?, ?, ?, ?, ?, ?, ?)");
  rc = st ? BMC_OK : BMC_ERR_INTERNAL;
  if(!rc) {
    hs_db_bind_i64(st, 1, in->company_id);
    hs_bind_text(st, 2, in->api->name);
    hs_bind_text(st, 3, market);
    hs_bind_text(st, 4, name);
    hs_db_bind_i64(st, 5, now);
    hs_db_bind_double(st, 6, value);
    hs_db_bind_i64(st, 7, in->job_id);
    rc = hs_write_rc(hs_step_write(h, st));
  }
  st = rc ? NULL : hs_stmt(h, "DELETE FROM metrics WHERE company_id = ? AND"
                           " plugin = ? AND name = ? AND market = ? AND"
                           " ts_ms < ?");
  if(!rc && !st)
    rc = BMC_ERR_INTERNAL;
  if(!rc) {
    hs_db_bind_i64(st, 1, in->company_id);
    hs_bind_text(st, 2, in->api->name);
    hs_bind_text(st, 3, name);
    hs_bind_text(st, 4, market);
    hs_db_bind_i64(st, 5, now - HS_METRIC_RETENTION_MS);
    rc = hs_write_rc(hs_step_write(h, st));
  }
  if(rc) {
    hs_rollback(h);
    return rc;
  }
  return hs_commit(h);
}

int
hs_metric_samples_each(struct hs_host *h, const char *company,
                       const char *plugin, int64_t since_ms,
                       int (*cb)(void *ud, const struct hs_metric_sample *s),
                       void *ud)
{
  struct hs_metric_sample s;
  struct hs_dbst *st;
  int64_t cid;
  int rc = BMC_OK, step;

  if(!h || !company || !plugin || !cb)
    return BMC_ERR_INVALID_ARG;
  if(hs_company_find(h, company, &cid))
    return BMC_ERR_NOT_FOUND;
  /* the metrics_series index gives this order without a sort */
  st = hs_stmt(h, "SELECT market, name, ts_ms, value FROM metrics WHERE"
               " company_id = ? AND plugin = ? AND ts_ms > ? ORDER BY name,"
               " market, ts_ms");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, cid);
  hs_bind_text(st, 2, plugin);
  hs_db_bind_i64(st, 3, since_ms);
  while(!rc && (step = hs_db_step(st)) == HS_DB_ROW) {
    s.market = hs_col_text(st, 0);
    s.name = hs_col_text(st, 1);
    s.ts_ms = hs_db_col_i64(st, 2);
    s.value = hs_db_col_double(st, 3);
    rc = cb(ud, &s);
  }
  if(!rc && step != HS_DB_DONE)
    rc = BMC_ERR_INTERNAL;
  hs_db_reset(st);
  return rc;
}
