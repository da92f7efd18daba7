/*
 * bm_catalog.c -- shared pieces of the catalog side: its private instance
 * state (cached eligibility rules), typed settings, the market/currency
 * table, the products an action works on (its selection or the catalog)
 * and the quantity the host offers (Custom Inventory Calculation), the
 * HTTP helper that adds the catalog/Back Box budgets, and the compact SKU
 * map loaded from the state store in one state_each pass.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm_catalog_side.h"
#include "pc_budget.h"
#include "pc_gate.h"
#include "pc_http.h"
#include "pc_text.h"

void
bm_catalog_side_free(struct bm_inst *bi)
{
  if(!bi || !bi->catalog)
    return;
  bm_rules_free(bi->catalog->rules);
  free(bi->catalog);
  bi->catalog = NULL;
}

static struct bm_catalog_side *
bm_cside(struct bm_inst *bi)
{
  if(!bi->catalog)
    bi->catalog = calloc(1, sizeof(*bi->catalog));
  return bi->catalog;
}

/* ---- settings ---- */

void
bm_cset_str(struct bm_inst *bi, const char *key, char *buf, size_t buflen)
{
  if(bi->host->setting_get(bi->hctx, key, buf, buflen) != BMC_OK)
    buf[0] = '\0';
}

int64_t
bm_cset_int(struct bm_inst *bi, const char *key, int64_t def)
{
  char buf[32], *end;
  long long v;

  bm_cset_str(bi, key, buf, sizeof(buf));
  if(!buf[0])
    return def;
  v = strtoll(buf, &end, 10);
  if(*end)
    return def;
  return (int64_t)v;
}

int
bm_cset_bool(struct bm_inst *bi, const char *key)
{
  char buf[16];

  bm_cset_str(bi, key, buf, sizeof(buf));
  return !strcmp(buf, "true") || !strcmp(buf, "1") || !strcmp(buf, "yes");
}

/* ---- markets ---- */

int
bm_markets(struct bm_inst *bi, char out[][8], int max)
{
  char buf[256], m[16];
  const char *p = buf;
  size_t k;
  int n = 0, i, dup;

  bm_cset_str(bi, "markets", buf, sizeof(buf));
  if(!buf[0])
    snprintf(buf, sizeof(buf), "%s", bm_default_market(bi));
  while(*p && n < max) {
    while(*p == ',' || isspace((unsigned char)*p))
      p++;
    for(k = 0; *p && *p != ',' && !isspace((unsigned char)*p); p++)
      if(k + 1 < sizeof(m))
        m[k++] = (char)tolower((unsigned char)*p);
    m[k] = '\0';
    if(!k)
      continue;
    if(!bm_market_currency(m)) {
      bm_log(bi, BMC_LOG_WARN, "markets: '%s' is not a Back Market market; "
             "skipped", m);
      continue;
    }
    for(i = 0, dup = 0; i < n; i++)
      dup |= !strcmp(out[i], m);
    if(!dup)
      memcpy(out[n++], m, 6); /* a known market: 5 chars + NUL */
  }
  return n;
}

int
bm_pricing_load(struct bm_inst *bi, const char *primary,
                struct bm_pricing *r, char *errbuf, size_t errlen)
{
  char source[16], rates[512], rounding[16];

  bm_cset_str(bi, "price_source_market", source, sizeof(source));
  bm_cset_str(bi, "exchange_rates", rates, sizeof(rates));
  bm_cset_str(bi, "price_rounding", rounding, sizeof(rounding));
  return bm_pricing_parse(primary, source, rates, rounding, r, errbuf,
                          errlen);
}

/* ---- the products of a run ---- */

struct bm_sel_ctx {
  bmc_product_cb cb;
  void *ud;
  struct bm_smap seen; /* host SKUs already streamed */
  int rc;
};

static int
bm_sel_cb(void *ud, const struct bmc_product *p)
{
  struct bm_sel_ctx *c = ud;

  if(bm_smap_get(&c->seen, p->sku, NULL))
    return 0;
  if(bm_smap_put(&c->seen, p->sku, 1) != BMC_OK)
    return c->rc = BMC_ERR_NOMEM;
  return c->cb(c->ud, p);
}

int
bm_products_each(struct bm_inst *bi, int enabled_only, bmc_product_cb cb,
                 void *ud)
{
  struct bm_sel_ctx c;
  char msg[400];
  size_t i;
  int rc = BMC_OK;

  if(!bi->n_sel)
    return bi->host->catalog_each(bi->hctx, enabled_only, cb, ud);
  memset(&c, 0, sizeof(c));
  c.cb = cb;
  c.ud = ud;
  bm_smap_init(&c.seen);
  for(i = 0; i < bi->n_sel && rc == BMC_OK; i++) {
    rc = bi->host->product_get(bi->hctx, bi->sel[i], bm_sel_cb, &c);
    if(rc == BMC_ERR_NOT_FOUND) {
      snprintf(msg, sizeof(msg), "selected SKU '%.200s' is not in the host "
               "catalog", bi->sel[i]);
      bi->host->item_error(bi->hctx, bi->sel[i], "not_found", msg);
      rc = BMC_OK;
    }
    if(c.rc != BMC_OK)
      rc = c.rc;
  }
  bm_smap_free(&c.seen);
  return rc;
}

int
bm_available(struct bm_inst *bi, const struct bmc_product *p, int use_calc,
             int *warned, int64_t *qty)
{
  int rc;

  *qty = p->available_qty;
  if(!use_calc || !BMC_HOST_HAS(bi->host, inventory_quantity))
    return BMC_OK;
  rc = bi->host->inventory_quantity(bi->hctx, p, qty);
  if(rc == BMC_ERR_NOT_FOUND) {
    *qty = p->available_qty;
    if(warned && !*warned) {
      *warned = 1;
      bm_log(bi, BMC_LOG_WARN, "custom_inventory_calc is on but the company "
             "has no Custom Inventory Calculation in the host "
             "(host-sim inventory-calc): the available quantity is used");
    }
    return BMC_OK;
  }
  return rc;
}

int64_t
bm_meta_hash(int64_t min_cents, const char *comment, int64_t warranty)
{
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  char num[48];
  const char *s;

  snprintf(num, sizeof(num), "%lld|%lld|", (long long)min_cents,
           (long long)warranty);
  for(s = num; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ull;
  for(s = comment ? comment : ""; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return (int64_t)(h & 0x3fffffffffffffffull);
}

/* ---- HTTP ---- */

int
bm_cat_write(struct bm_inst *bi, const char *method, const char *target,
             const char *lang, const char *body, int budget_id,
             const struct bmc_change *changes, size_t n,
             struct pc_http_resp *resp)
{
  struct pc_http_req req;

  memset(&req, 0, sizeof(req));
  req.method = method;
  req.target = target;
  req.accept_language = lang;
  req.body = body;
  if(budget_id >= 0 && budget_id < BM_BUDGET_COUNT)
    req.budget = bm_budget(bi, (enum bm_budget_id)budget_id);
  {
    struct bmc_change *copy;
    const struct bmc_change *c = bm_changes_for(bi, changes, n, &copy);
    int rc = pc_gate_send(bi->http, bi->host, bi->hctx, &req, c, n, resp);

    free(copy);
    return rc;
  }
}

int
bm_cat_send(struct bm_inst *bi, const char *method, const char *target,
            const char *lang, const char *body, int budget_id,
            struct pc_http_resp *resp)
{
  return bm_cat_write(bi, method, target, lang, body, budget_id, NULL, 0,
                      resp);
}

int64_t
bm_lines_spare(struct bm_inst *bi)
{
  struct pc_budget *lines = bm_budget(bi, BM_BUDGET_SKU_LINES);
  int64_t limit = lines ? pc_budget_limit(lines) : 0, spare;

  if(limit <= 0)
    return INT64_MAX;
  spare = pc_budget_available(lines) -
          limit * bm_cset_int(bi, "zero_reserve_pct", 30) / 100;
  return spare > 0 ? spare : 0;
}

/* ---- filter and rules ---- */

int
bm_upload_filter(struct bm_inst *bi, struct bm_filter **out, char *errbuf,
                 size_t errlen)
{
  char expr[512], err[256];
  int rc;

  *out = NULL;
  if(!bm_cset_bool(bi, "filtered_products"))
    return BMC_OK;
  bm_cset_str(bi, "product_filter", expr, sizeof(expr));
  rc = bm_filter_parse(expr, out, err, sizeof(err));
  if(rc != BMC_OK)
    snprintf(errbuf, errlen, "setting product_filter: %s", err);
  return rc;
}

int
bm_eligibility_rules(struct bm_inst *bi, const struct bm_rules **out,
                     char *errbuf, size_t errlen)
{
  struct bm_catalog_side *cs = bm_cside(bi);
  struct bm_rules *r = NULL;
  char path[512], err[400];
  const char *dir;
  int rc;

  *out = NULL;
  if(!cs) {
    snprintf(errbuf, errlen, "out of memory");
    return BMC_ERR_NOMEM;
  }
  bm_cset_str(bi, "eligibility_rules_file", path, sizeof(path));
  if(!path[0]) {
    dir = getenv("BMC_SCHEMA_DIR");
    snprintf(path, sizeof(path), "%s/eligibility-rules.cfg",
             dir && *dir ? dir : "/usr/share/bmconnector/schemas");
  }
  /* Reloaded on every run so an edited file takes effect; the cache only
   * keeps the last good copy for the instance's lifetime. */
  rc = bm_rules_load_file(path, &r, err, sizeof(err));
  if(rc != BMC_OK) {
    snprintf(errbuf, errlen, "eligibility rules: %s", err);
    return rc;
  }
  bm_rules_free(cs->rules);
  cs->rules = r;
  snprintf(cs->rules_path, sizeof(cs->rules_path), "%s", path);
  *out = r;
  return BMC_OK;
}

/* ---- SKU map ---- */

void
bm_smap_init(struct bm_smap *m)
{
  memset(m, 0, sizeof(*m));
}

void
bm_smap_free(struct bm_smap *m)
{
  size_t i;

  if(!m)
    return;
  for(i = 0; i < m->cap; i++)
    free(m->keys[i]);
  free(m->keys);
  free(m->vals);
  bm_smap_init(m);
}

static size_t
bm_smap_slot(const struct bm_smap *m, const char *key)
{
  size_t i = (size_t)pc_text_hash(key) & (m->cap - 1);

  while(m->keys[i] && strcmp(m->keys[i], key))
    i = (i + 1) & (m->cap - 1);
  return i;
}

static int
bm_smap_grow(struct bm_smap *m)
{
  struct bm_smap bigger;
  size_t i, j;

  bigger.cap = m->cap ? m->cap * 2 : 1024;
  bigger.n = m->n;
  bigger.keys = calloc(bigger.cap, sizeof(char *));
  bigger.vals = calloc(bigger.cap, sizeof(int64_t));
  if(!bigger.keys || !bigger.vals) {
    free(bigger.keys);
    free(bigger.vals);
    return BMC_ERR_NOMEM;
  }
  for(i = 0; i < m->cap; i++)
    if(m->keys[i]) {
      j = bm_smap_slot(&bigger, m->keys[i]);
      bigger.keys[j] = m->keys[i];
      bigger.vals[j] = m->vals[i];
    }
  free(m->keys);
  free(m->vals);
  *m = bigger;
  return BMC_OK;
}

int
bm_smap_put(struct bm_smap *m, const char *key, int64_t val)
{
  size_t i;

  if((m->n + 1) * 4 > m->cap * 3 && bm_smap_grow(m) != BMC_OK)
    return BMC_ERR_NOMEM;
  i = bm_smap_slot(m, key);
  if(!m->keys[i]) {
    m->keys[i] = strdup(key);
    if(!m->keys[i])
      return BMC_ERR_NOMEM;
    m->n++;
  }
  m->vals[i] = val;
  return BMC_OK;
}

int
bm_smap_get(const struct bm_smap *m, const char *key, int64_t *val)
{
  size_t i;

  if(!m->cap)
    return 0;
  i = bm_smap_slot(m, key);
  if(!m->keys[i])
    return 0;
  if(val)
    *val = m->vals[i];
  return 1;
}

struct bm_smap_load_ctx {
  struct bm_smap *m;
  size_t plen;
  int rc;
};

static int
bm_smap_load_cb(void *ud, const char *key, const char *val, size_t len)
{
  struct bm_smap_load_ctx *c = ud;
  char num[32], *end;
  long long v;

  if(!len || len >= sizeof(num))
    return 0;
  memcpy(num, val, len);
  num[len] = '\0';
  v = strtoll(num, &end, 10);
  if(end == num || (*end && *end != ' '))
    return 0;
  c->rc = bm_smap_put(c->m, key + c->plen, (int64_t)v);
  return c->rc;
}

int
bm_smap_load(struct bm_inst *bi, const char *prefix, struct bm_smap *m)
{
  struct bm_smap_load_ctx c;
  size_t i;
  int rc;

  c.m = m;
  c.plen = strlen(prefix);
  c.rc = BMC_OK;
  rc = bi->host->state_each(bi->hctx, prefix, bm_smap_load_cb, &c);
  if(c.rc != BMC_OK)
    return c.rc;
  /* a dry run's own writes of this job win over the stored values */
  for(i = 0; !rc && bi->dry_state && i < bi->dry_state->cap; i++)
    if(bi->dry_state->keys[i] &&
       !strncmp(bi->dry_state->keys[i], prefix, c.plen))
      rc = bm_smap_put(m, bi->dry_state->keys[i] + c.plen,
                       bi->dry_state->vals[i]);
  return rc;
}

int
bm_dry_state_put(struct bm_inst *bi, const char *key, const char *val)
{
  char *end;
  long long v = strtoll(val, &end, 10);

  if(end == val || *end)
    return BMC_OK; /* not a value read back as a number: dropped */
  if(!bi->dry_state) {
    bi->dry_state = calloc(1, sizeof(*bi->dry_state));
    if(!bi->dry_state)
      return BMC_ERR_NOMEM;
    bm_smap_init(bi->dry_state);
  }
  return bm_smap_put(bi->dry_state, key, (int64_t)v);
}

void
bm_dry_state_free(struct bm_inst *bi)
{
  if(!bi->dry_state)
    return;
  bm_smap_free(bi->dry_state);
  free(bi->dry_state);
  bi->dry_state = NULL;
}
