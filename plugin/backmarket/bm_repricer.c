/*
 * bm_repricer.c -- the Back Box repricer (hourly, seed 002): for each
 * enabled listing with repricing on, read GET
 * /ws/backbox/v1/competitors/{uuid} within 2 requests per second (Back Box
 * budget, paced with host->wait_ms); per market, with that market's own
 * price and min price (bm_pricing.c) in its currency: if price_to_win lies
 * between the min price and the default price, apply it, otherwise keep
 * the default price; no Back Box data (404) keeps the default; a market
 * where the product is disabled or not published is left alone.  Every
 * change is logged with the old and new price and why.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm_catalog_side.h"
#include "pc_budget.h"
#include "pc_gate.h"
#include "pc_http.h"
#include "pc_json.h"
#include "pc_money.h"

struct bm_ritem {
  char *sku, *listing_id;
  int64_t def_cents[BM_MAX_MARKETS]; /* -1 = not repriced in that market */
  int64_t min_cents[BM_MAX_MARKETS]; /* -1 = none */
};

struct bm_rp_ctx {
  struct bm_inst *bi;
  struct bm_filter *filter;
  const struct bm_pricing *pricing;
  char (*markets)[8];
  int n_markets;
  struct bm_ritem *items;
  size_t n, cap;
  int rc;
};

static int
bm_rp_product(void *ud, const struct bmc_product *p)
{
  struct bm_rp_ctx *c = ud;
  struct bm_view v;
  struct bm_mprice mp;
  struct bm_ritem *it;
  int m, any = 0;

  bm_view_init(&v, p);
  if(!v.repricing || !v.listing_id || !bm_filter_match(c->filter, &v))
    return 0;
  if(c->n == c->cap) {
    size_t ncap = c->cap ? c->cap * 2 : 64;
    struct bm_ritem *ni = realloc(c->items, ncap * sizeof(*ni));

    if(!ni)
      return c->rc = BMC_ERR_NOMEM;
    c->items = ni;
    c->cap = ncap;
  }
  it = &c->items[c->n];
  memset(it, 0, sizeof(*it));
  for(m = 0; m < c->n_markets; m++) {
    it->def_cents[m] = it->min_cents[m] = -1;
    if(!bm_view_enabled(&v, c->markets[m]))
      continue;
    switch(bm_price_for(c->pricing, p, c->markets[m], &mp)) {
    case 1:
      it->def_cents[m] = mp.cents;
      it->min_cents[m] = mp.min_cents;
      any = 1;
      break;
    case -1:
      c->bi->host->item_error(c->bi->hctx, v.sku, "price_invalid", mp.why);
      break;
    default:
      break; /* not published there */
    }
  }
  if(!any)
    return 0;
  it->sku = strdup(v.sku);
  it->listing_id = strdup(v.listing_id);
  if(!it->sku || !it->listing_id) {
    free(it->sku);
    free(it->listing_id);
    return c->rc = BMC_ERR_NOMEM;
  }
  c->n++;
  return 0;
}

static int
bm_is_uuid(const char *s)
{
  size_t i;

  if(strlen(s) != 36)
    return 0;
  for(i = 0; i < 36; i++)
    if((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-'
                                                 : !isxdigit((unsigned char)s[i]))
      return 0;
  return 1;
}

/* "en-gb" -> "GB" */
static void
bm_market_code(const char *market, char out[3])
{
  out[0] = (char)toupper((unsigned char)market[3]);
  out[1] = (char)toupper((unsigned char)market[4]);
  out[2] = '\0';
}

/* The Back Box entry of one market, or NULL. */
static struct json_object *
bm_rp_entry(struct json_object *arr, const char *code)
{
  struct json_object *e;
  const char *m;
  size_t i;

  for(i = 0; i < json_object_array_length(arr); i++) {
    e = json_object_array_get_idx(arr, i);
    if(pc_json_str(e, "market", 0, &m, NULL, 0) == BMC_OK && !strcmp(m, code))
      return e;
  }
  return NULL;
}

/* Decide the price of market m.  *why gets the reason. */
static int64_t
bm_rp_decide(const struct bm_ritem *it, int m, struct json_object *entry,
             const char *currency, char *why, size_t wlen)
{
  int64_t def = it->def_cents[m], minc = it->min_cents[m];
  struct json_object *ptw;
  const char *cur;
  int64_t win;
  char a[32], b[32], d[32];

  pc_money_format(def, d, sizeof(d));
  if(!entry) {
    snprintf(why, wlen, "no Back Box data for this market: default %s", d);
    return def;
  }
  if(pc_json_obj(entry, "price_to_win", 0, &ptw, NULL, 0) != BMC_OK ||
     pc_json_money(ptw, "amount", 1, &win, NULL, 0) != BMC_OK) {
    snprintf(why, wlen, "no price_to_win: default %s", d);
    return def;
  }
  if(pc_json_str(ptw, "currency", 0, &cur, NULL, 0) == BMC_OK &&
     strcmp(cur, currency)) {
    snprintf(why, wlen, "price_to_win in %s, market uses %s: default %s",
             cur, currency, d);
    return def;
  }
  pc_money_format(win, a, sizeof(a));
  if(minc < 0) {
    snprintf(why, wlen, "no min price set: default %s (price_to_win %s)", d,
             a);
    return def;
  }
  pc_money_format(minc, b, sizeof(b));
  if(win >= minc && win <= def) {
    snprintf(why, wlen, "price_to_win %s is between min %s and default %s",
             a, b, d);
    return win;
  }
  snprintf(why, wlen, "price_to_win %s is outside min %s .. default %s: "
           "default kept", a, b, d);
  return def;
}

static int
bm_rp_apply(struct bm_inst *bi, const struct bm_ritem *it, int mi,
            const char *market, int64_t target, const char *why,
            int64_t *changed, char *errbuf, size_t errlen)
{
  int64_t minc = it->min_cents[mi];
  const char *currency = bm_market_currency(market);
  struct pc_budget *lines = bm_budget(bi, BM_BUDGET_SKU_LINES);
  struct pc_http_resp resp;
  char key[512], val[32], url[160], body[200], t1[32], t2[32], old_t[32];
  size_t len = 0;
  int64_t old = -1;
  int rc, n;

  snprintf(key, sizeof(key), BM_KEY_PRICE "%s/%s", market, it->sku);
  if(bi->host->state_get(bi->hctx, key, val, sizeof(val) - 1, &len) ==
     BMC_OK) {
    val[len < sizeof(val) ? len : sizeof(val) - 1] = '\0';
    old = strtoll(val, NULL, 10);
  }
  if(old == target)
    return BMC_OK;
  if(bm_price_text(target, currency, t1, sizeof(t1)) != BMC_OK) {
    bi->host->item_error(bi->hctx, it->sku, "price_invalid",
                         "repricer: price not writable in the currency");
    return BMC_OK;
  }
  if(bm_lines_spare(bi) < 1)
    return BMC_ERR_BUDGET;
  if(lines && (rc = pc_budget_take(lines, 1, 0)) != BMC_OK)
    return rc;
  if(minc >= 0 && bm_price_text(minc, currency, t2, sizeof(t2)) == BMC_OK)
    snprintf(body, sizeof(body), "{\"price\":\"%s\",\"currency\":\"%s\","
             "\"min_price\":\"%s\"}", t1, currency, t2);
  else
    snprintf(body, sizeof(body), "{\"price\":\"%s\",\"currency\":\"%s\"}",
             t1, currency);
  snprintf(url, sizeof(url), "/ws/listings/%s", it->listing_id);
  memset(&resp, 0, sizeof(resp));
  {
    struct bmc_change c;

    memset(&c, 0, sizeof(c));
    c.size = sizeof(c);
    c.trigger = "repricer";
    c.sku = it->sku;
    c.market = market;
    c.field = "price";
    if(old >= 0 && bm_price_text(old, currency, old_t, sizeof(old_t)) ==
       BMC_OK)
      c.old_value = old_t;
    c.new_value = t1;
    rc = bm_cat_write(bi, "POST", url, market, body, BM_BUDGET_CATALOG, &c,
                      1, &resp);
  }
  if(rc == PC_GATE_DRY) {
    bm_log(bi, BMC_LOG_INFO, "dry run: repricer %s %s: %s %s not sent (%s)",
           it->sku, market, t1, currency, why);
    return BMC_OK;
  }
  if(rc == BMC_OK) {
    struct bm_listing_want w = {it->listing_id, -1, target};
    char nwhy[600], note[900];

    if(bm_listing_confirm(bi, market, &resp, &w, nwhy, sizeof(nwhy))) {
      snprintf(note, sizeof(note), "repricer %s: price %s %s was answered "
               "with success but is not confirmed: %s; recorded as "
               "unconfirmed and sent again next run", market, t1, currency,
               nwhy);
      bm_log(bi, BMC_LOG_WARN, "SKU %s: %s", it->sku, note);
      bi->host->item_error(bi->hctx, it->sku, "push_unconfirmed", note);
      rc = bm_record_unconfirmed(bi, key, target);
      pc_http_resp_clear(&resp);
      return rc;
    }
    n = snprintf(val, sizeof(val), "%lld", (long long)target);
    rc = bi->host->state_put(bi->hctx, key, val, (size_t)n);
    if(old >= 0)
      pc_money_format(old, old_t, sizeof(old_t));
    else
      snprintf(old_t, sizeof(old_t), "unknown");
    bm_log(bi, BMC_LOG_INFO, "repricer: %s %s: %s -> %s %s (%s)", it->sku,
           market, old_t, t1, currency, why);
    (*changed)++;
  }
  else if(rc == BMC_ERR_REMOTE_REJECT) {
    char msg[300];

    snprintf(msg, sizeof(msg), "repricer %s: price %s refused (HTTP %ld): "
             "%.200s", market, t1, resp.status, resp.body ? resp.body : "");
    bi->host->item_error(bi->hctx, it->sku, "remote_reject", msg);
    rc = BMC_OK;
  }
  else if(rc != BMC_ERR_BUDGET)
    snprintf(errbuf, errlen, "repricer: update of %s failed: %s", it->sku,
             resp.error);
  pc_http_resp_clear(&resp);
  return rc;
}

/* One listing: read its Back Box, then set each market's price. */
static int
bm_rp_listing(struct bm_inst *bi, const struct bm_ritem *it,
              char markets[][8], int n_markets, int64_t *changed,
              char *errbuf, size_t errlen)
{
  struct pc_http_resp resp;
  struct json_object *arr = NULL;
  char url[160], code[3], why[200];
  int m, rc;

  if(!bm_is_uuid(it->listing_id)) {
    bi->host->item_error(bi->hctx, it->sku, "no_listing_uuid",
                         "repricer: Back Box needs the listing UUID; run "
                         "Active Listing Download");
    return BMC_OK;
  }
  snprintf(url, sizeof(url), "/ws/backbox/v1/competitors/%s", it->listing_id);
  memset(&resp, 0, sizeof(resp));
  rc = bm_cat_send(bi, "GET", url, NULL, NULL, BM_BUDGET_BACKBOX, &resp);
  if(rc == BMC_OK) {
    arr = pc_json_parse(resp.body ? resp.body : "", resp.len, NULL, 0);
    if(!arr || !json_object_is_type(arr, json_type_array)) {
      bi->host->item_error(bi->hctx, it->sku, "protocol",
                           "repricer: Back Box answer is not a JSON array");
      json_object_put(arr);
      pc_http_resp_clear(&resp);
      return BMC_OK;
    }
  }
  else if(rc == BMC_ERR_REMOTE_REJECT && resp.status == 404)
    rc = BMC_OK; /* no Back Box data: the default price everywhere */
  else if(rc == BMC_ERR_REMOTE_REJECT) {
    char msg[300];

    snprintf(msg, sizeof(msg), "repricer: Back Box refused (HTTP %ld): "
             "%.200s", resp.status, resp.body ? resp.body : "");
    bi->host->item_error(bi->hctx, it->sku, "remote_reject", msg);
    pc_http_resp_clear(&resp);
    return BMC_OK;
  }
  else {
    snprintf(errbuf, errlen, "repricer: Back Box of %s failed: %s", it->sku,
             resp.error);
    pc_http_resp_clear(&resp);
    return rc;
  }
  pc_http_resp_clear(&resp);
  for(m = 0; m < n_markets && rc == BMC_OK; m++) {
    int64_t target;

    if(it->def_cents[m] < 0)
      continue; /* disabled or not published in this market */
    bm_market_code(markets[m], code);
    target = bm_rp_decide(it, m, arr ? bm_rp_entry(arr, code) : NULL,
                          bm_market_currency(markets[m]), why, sizeof(why));
    rc = bm_rp_apply(bi, it, m, markets[m], target, why, changed, errbuf,
                     errlen);
  }
  json_object_put(arr);
  return rc;
}

int
bm_repricer(struct bm_inst *bi, char *errbuf, size_t errlen)
{
  char markets[BM_MAX_MARKETS][8];
  struct bm_pricing pricing;
  struct bm_rp_ctx c;
  int64_t changed = 0;
  size_t i;
  int n, rc;

  rc = bm_client_ready(bi, errbuf, errlen);
  if(rc != BMC_OK)
    return rc;
  n = bm_markets(bi, markets, BM_MAX_MARKETS);
  if(!n) {
    snprintf(errbuf, errlen, "setting markets names no Back Market market");
    return BMC_ERR_CONFIG;
  }
  memset(&c, 0, sizeof(c));
  c.bi = bi;
  c.pricing = &pricing;
  c.markets = markets;
  c.n_markets = n;
  rc = bm_pricing_load(bi, markets[0], &pricing, errbuf, errlen);
  if(rc == BMC_OK)
    rc = bm_upload_filter(bi, &c.filter, errbuf, errlen);
  if(rc == BMC_OK) {
    rc = bm_products_each(bi, 1, bm_rp_product, &c);
    if(c.rc != BMC_OK)
      rc = c.rc;
  }
  for(i = 0; i < c.n && rc == BMC_OK; i++) {
    rc = bm_rp_listing(bi, &c.items[i], markets, n, &changed, errbuf, errlen);
    bi->host->job_progress(bi->hctx, (int64_t)i + 1, (int64_t)c.n);
  }
  if(rc == BMC_ERR_BUDGET) {
    bm_log(bi, BMC_LOG_WARN, "repricer: budget reached after %zu of %zu "
           "listings; the rest waits for the next run", i, c.n);
    rc = BMC_OK;
  }
  if(rc == BMC_OK)
    bm_log(bi, BMC_LOG_INFO, "repricer: %zu listings, %lld prices changed",
           c.n, (long long)changed);
  for(i = 0; i < c.n; i++) {
    free(c.items[i].sku);
    free(c.items[i].listing_id);
  }
  free(c.items);
  bm_filter_free(c.filter);
  return rc;
}
