/*
 * hs_health.c -- the health facts of each enabled (company, plugin), as
 * `host-sim health` and later the web Toolbox show them: the last run and
 * last success of every scheduled action (the order poll and the stock
 * push among them), the credentials' status and the time of their last
 * successful check, the open company alert, the rotation in progress,
 * open error-queue entries by code, and the metrics the plugin recorded
 * per market summed over the last hour and day (hs_metric.c), and the
 * unshipped orders near or past their dispatch deadline.  Read only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_internal.h"

struct hs_hbuf {
  struct hs_health_action act[64];
  struct hs_health_count err[64];
  struct hs_health_metric met[128];
  struct hs_health_order ord[50];
  char text[64 + 128 * 2 + 50][128]; /* backing store of the strings */
  size_t nt;
  char alert[HS_ERRLEN + 400];
  char rotation[32];
};

static const char *
hs_hb_keep(struct hs_hbuf *b, const char *s)
{
  if(b->nt >= sizeof(b->text) / sizeof(b->text[0]))
    return "";
  snprintf(b->text[b->nt], sizeof(b->text[0]), "%s", s ? s : "");
  return b->text[b->nt++];
}

static void
hs_health_actions(struct hs_host *h, int64_t cid,
                  const struct bmc_plugin_api *api, struct hs_hbuf *b,
                  struct hs_health *v)
{
  struct hs_dbst *st = hs_stmt(h, "SELECT (SELECT MAX(finished_ms) FROM jobs"
                             " WHERE company_id = ?1 AND plugin = ?2 AND"
                             " action = ?3 AND status IN (2, 4)), (SELECT"
                             " status || ' ' || finished_ms FROM jobs WHERE"
                             " company_id = ?1 AND plugin = ?2 AND action ="
                             " ?3 AND finished_ms > 0 ORDER BY id DESC LIMIT"
                             " 1)");
  size_t i;

  for(i = 0; st && i < api->n_actions && v->n_actions < 64; i++) {
    struct hs_health_action *a = &b->act[v->n_actions];
    const char *last;

    if(!(api->actions[i].flags & BMC_ACTION_SCHEDULED))
      continue;
    memset(a, 0, sizeof(*a));
    a->action = api->actions[i].id;
    a->last_status = -1;
    hs_db_bind_i64(st, 1, cid);
    hs_bind_text(st, 2, api->name);
    hs_bind_text(st, 3, a->action);
    if(hs_db_step(st) == HS_DB_ROW) {
      a->last_ok_ms = hs_db_col_i64(st, 0);
      last = hs_col_text(st, 1);
      if(last && last[0]) {
        a->last_status = atoi(last);
        a->last_run_ms = strtoll(strchr(last, ' ') ? strchr(last, ' ') + 1
                                 : "0", NULL, 10);
      }
    }
    hs_db_reset(st);
    v->n_actions++;
  }
}

/* Token status: refused (open alert), check_failed (the last check of the
 * active credentials failed), valid, unchecked. */
static void
hs_health_token(struct hs_host *h, int64_t cid,
                const struct bmc_plugin_api *api, struct hs_hbuf *b,
                struct hs_health *v)
{
  const struct bmc_action *ca = hs_credentials_action(api);
  struct hs_dbst *st;
  int64_t ok_ms = 0, fail_ms = 0;

  st = hs_stmt(h, "SELECT message, raised_ms FROM company_alerts WHERE"
               " company_id = ? AND plugin = ? AND cleared_ms = 0 ORDER BY"
               " id LIMIT 1");
  if(st) {
    hs_db_bind_i64(st, 1, cid);
    hs_bind_text(st, 2, api->name);
    if(hs_db_step(st) == HS_DB_ROW) {
      snprintf(b->alert, sizeof(b->alert), "%s", hs_col_text(st, 0));
      v->alert = b->alert;
      v->alert_ms = hs_db_col_i64(st, 1);
    }
    hs_db_reset(st);
  }
  st = hs_stmt(h, "SELECT state, staged_ms, swapped_ms FROM"
               " credential_rotation WHERE company_id = ? AND plugin = ?");
  if(st) {
    hs_db_bind_i64(st, 1, cid);
    hs_bind_text(st, 2, api->name);
    if(hs_db_step(st) == HS_DB_ROW) {
      snprintf(b->rotation, sizeof(b->rotation), "%s", hs_col_text(st, 0));
      v->rotation = b->rotation;
      v->rotation_ms = hs_db_col_i64(st, 1);
      ok_ms = hs_db_col_i64(st, 2); /* the swap followed a check */
    }
    hs_db_reset(st);
  }
  st = ca ? hs_stmt(h, "SELECT MAX(CASE WHEN status = 2 THEN finished_ms"
                    " END), MAX(CASE WHEN status = 3 THEN finished_ms END)"
                    " FROM jobs WHERE company_id = ? AND plugin = ? AND"
                    " action = ? AND trigger != 'rotation'")
          : NULL;
  if(st) {
    hs_db_bind_i64(st, 1, cid);
    hs_bind_text(st, 2, api->name);
    hs_bind_text(st, 3, ca->id);
    if(hs_db_step(st) == HS_DB_ROW) {
      if(hs_db_col_i64(st, 0) > ok_ms)
        ok_ms = hs_db_col_i64(st, 0);
      fail_ms = hs_db_col_i64(st, 1);
    }
    hs_db_reset(st);
  }
  v->token_checked_ms = ok_ms;
  v->token_status = v->alert ? "refused"
                    : fail_ms > ok_ms ? "check_failed"
                    : ok_ms ? "valid" : "unchecked";
}

static void
hs_health_errors(struct hs_host *h, int64_t cid, const char *plugin,
                 struct hs_hbuf *b, struct hs_health *v)
{
  struct hs_dbst *st = hs_stmt(h, "SELECT code, COUNT(*) FROM error_queue"
                             " WHERE company_id = ? AND plugin = ? AND"
                             " resolved_ms = 0 GROUP BY code ORDER BY code");

  if(!st)
    return;
  hs_db_bind_i64(st, 1, cid);
  hs_bind_text(st, 2, plugin);
  while(v->n_errors < 64 && hs_db_step(st) == HS_DB_ROW) {
    b->err[v->n_errors].code = hs_hb_keep(b, hs_col_text(st, 0));
    b->err[v->n_errors].n = hs_db_col_i64(st, 1);
    v->n_errors++;
  }
  hs_db_reset(st);
}

static void
hs_health_metrics(struct hs_host *h, int64_t cid, const char *plugin,
                  struct hs_hbuf *b, struct hs_health *v)
{
  struct hs_dbst *st = hs_stmt(h, "SELECT market, name, COALESCE(SUM(CASE"
                             " WHEN ts_ms > ?3 - 3600000 THEN value END),"
                             " 0), COALESCE(SUM(value), 0), MAX(ts_ms) FROM"
                             " metrics WHERE company_id = ?1"
                             " AND plugin = ?2 AND ts_ms > ?3 - 86400000"
                             " GROUP BY market, name ORDER BY market, name");

  if(!st)
    return;
  hs_db_bind_i64(st, 1, cid);
  hs_bind_text(st, 2, plugin);
  hs_db_bind_i64(st, 3, v->now_ms);
  while(v->n_metrics < 128 && hs_db_step(st) == HS_DB_ROW) {
    struct hs_health_metric *m = &b->met[v->n_metrics++];

    m->market = hs_hb_keep(b, hs_col_text(st, 0));
    m->name = hs_hb_keep(b, hs_col_text(st, 1));
    m->last_hour = hs_db_col_double(st, 2);
    m->last_day = hs_db_col_double(st, 3);
    m->last_ms = hs_db_col_i64(st, 4);
  }
  hs_db_reset(st);
}

static void
hs_health_orders(struct hs_host *h, int64_t cid, const char *plugin,
                 struct hs_hbuf *b, struct hs_health *v)
{
  struct hs_dbst *st = hs_stmt(h, "SELECT source_order_id,"
                             " dispatch_deadline_ms FROM orders WHERE"
                             " company_id = ? AND marketplace = ? AND"
                             " dispatch_deadline_ms > 0"
                             " AND dispatch_deadline_ms <= ? AND"
                             " shipping_status = 'Unshipped' AND status NOT IN"
                             " ('Cancelled', 'Completed') ORDER BY"
                             " dispatch_deadline_ms, id");

  if(!st)
    return;
  hs_db_bind_i64(st, 1, cid);
  hs_bind_text(st, 2, plugin);
  hs_db_bind_i64(st, 3, v->now_ms + hs_dispatch_warn_ms(h, cid));
  while(hs_db_step(st) == HS_DB_ROW) {
    int64_t dl = hs_db_col_i64(st, 1);
    int late = dl <= v->now_ms;

    if(late)
      v->n_late++;
    else
      v->n_due_soon++;
    if(v->n_orders < 50) {
      b->ord[v->n_orders].source_order_id = hs_hb_keep(b, hs_col_text(st, 0));
      b->ord[v->n_orders].deadline_ms = dl;
      b->ord[v->n_orders].late = late;
      v->n_orders++;
    }
  }
  hs_db_reset(st);
}

int
hs_health_each(struct hs_host *h, const char *company,
               int (*cb)(void *ud, const struct hs_health *v), void *ud)
{
  struct hs_dbst *st = NULL;
  struct hs_hbuf *b;
  struct hs_health v;
  char cname[256], plugin[128];
  int64_t cid;
  int s, rc = BMC_OK, seen = 0;

  if(!h || !cb)
    return BMC_ERR_INVALID_ARG;
  b = calloc(1, sizeof(*b));
  if(!b)
    return BMC_ERR_NOMEM;
  if(hs_db_prepare(h->db, "SELECT c.id, c.name, p.plugin FROM"
                   " company_plugins p JOIN companies c ON c.id ="
                   " p.company_id WHERE p.enabled = 1 AND (?1 IS NULL OR"
                   " c.name = ?1) ORDER BY c.name, p.plugin",
                   &st) != HS_DB_OK) {
    free(b);
    return BMC_ERR_INTERNAL;
  }
  hs_bind_text(st, 1, company);
  while(!rc && (s = hs_db_step(st)) == HS_DB_ROW) {
    const struct bmc_plugin_api *api;

    cid = hs_db_col_i64(st, 0);
    snprintf(cname, sizeof(cname), "%s", hs_col_text(st, 1));
    snprintf(plugin, sizeof(plugin), "%s", hs_col_text(st, 2));
    api = hs_plugin_find(h, plugin);
    if(!api)
      continue;
    memset(b, 0, sizeof(*b));
    memset(&v, 0, sizeof(v));
    v.company = cname;
    v.plugin = plugin;
    v.now_ms = hs_clock_now(h);
    v.actions = b->act;
    v.errors = b->err;
    v.metrics = b->met;
    v.orders = b->ord;
    hs_health_actions(h, cid, api, b, &v);
    hs_health_token(h, cid, api, b, &v);
    hs_health_errors(h, cid, plugin, b, &v);
    hs_health_metrics(h, cid, plugin, b, &v);
    hs_health_orders(h, cid, plugin, b, &v);
    seen++;
    rc = cb(ud, &v);
  }
  hs_db_finalize(st);
  free(b);
  if(!rc && company && !seen)
    rc = hs_company_find(h, company, &cid) ? BMC_ERR_NOT_FOUND : BMC_OK;
  return rc;
}
