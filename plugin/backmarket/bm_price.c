/*
 * bm_price.c -- Prices Upload: price = the product's Back Market price,
 * else its site price; one request (or one bulk task) per market with
 * Accept-Language and the market's explicit currency; decimal strings from
 * integer cents (pc_money), never floats; min_price sent where set; only
 * prices that changed since the last successful push; a price above Back
 * Market's max_price is reported.  With the repricer on, the upload runs
 * at most once an hour and leaves repriced listings to the repricer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm_catalog_side.h"
#include "pc_budget.h"
#include "pc_csv.h"
#include "pc_http.h"
#include "pc_json.h"
#include "pc_money.h"

#define BM_PRICE_LAST_KEY "cat/price_last_ms"
#define BM_HOUR_MS INT64_C(3600000)

struct bm_pitem {
  char *sku, *listing_id;
  int64_t cents, min_cents; /* min_cents -1 = none */
};

struct bm_price_ctx {
  struct bm_inst *bi;
  const char *market, *currency;
  int repricer;
  struct bm_filter *filter;
  struct bm_smap pushed, maxp;
  struct bm_pitem *items;
  size_t n, cap;
  int64_t invalid, above_max;
  int rc;
};

int
bm_price_text(int64_t cents, const char *currency, char *buf, size_t len)
{
  if(bm_currency_decimals(currency) == 0) {
    if(cents % 100)
      return BMC_ERR_PROTOCOL;
    snprintf(buf, len, "%lld", (long long)(cents / 100));
    return BMC_OK;
  }
  return pc_money_format(cents, buf, len);
}

static void
bm_pitems_free(struct bm_pitem *it, size_t n)
{
  size_t i;

  for(i = 0; it && i < n; i++) {
    free(it[i].sku);
    free(it[i].listing_id);
  }
  free(it);
}

static int
bm_price_product(void *ud, const struct bmc_product *p)
{
  struct bm_price_ctx *c = ud;
  struct bm_inst *bi = c->bi;
  const char *sku = p->merchant_sku && *p->merchant_sku ? p->merchant_sku
                                                         : p->sku;
  const char *ps = p->price && *p->price ? p->price : p->site_price;
  int64_t cents, minc = -1, old, maxc;
  char msg[300], t1[32], t2[32];
  struct bm_pitem *it;

  if(!bm_filter_match(c->filter, p) || !p->bm_listing_id ||
     !*p->bm_listing_id || (c->repricer && p->repricing))
    return 0;
  if(!ps || pc_money_parse(ps, &cents) != BMC_OK || cents <= 0 ||
     (p->min_price && *p->min_price &&
      pc_money_parse(p->min_price, &minc) != BMC_OK) ||
     bm_price_text(cents, c->currency, t1, sizeof(t1)) != BMC_OK) {
    snprintf(msg, sizeof(msg), "price '%s' / min price '%s' is not a valid "
             "%s amount", ps ? ps : "(none)", p->min_price ? p->min_price : "",
             c->currency);
    bi->host->item_error(bi->hctx, sku, "price_invalid", msg);
    c->invalid++;
    return 0;
  }
  if(bm_smap_get(&c->pushed, sku, &old) && old == cents)
    return 0;
  if(bm_smap_get(&c->maxp, sku, &maxc) && maxc > 0 && cents > maxc) {
    pc_money_format(maxc, t2, sizeof(t2));
    snprintf(msg, sizeof(msg), "%s: price %s %s is above Back Market's "
             "max_price %s; not sent (the listing would go offline)",
             c->market, t1, c->currency, t2);
    bi->host->item_error(bi->hctx, sku, "price_above_max", msg);
    c->above_max++;
    return 0;
  }
  if(c->n == c->cap) {
    size_t ncap = c->cap ? c->cap * 2 : 256;
    struct bm_pitem *ni = realloc(c->items, ncap * sizeof(*ni));

    if(!ni)
      return c->rc = BMC_ERR_NOMEM;
    c->items = ni;
    c->cap = ncap;
  }
  it = &c->items[c->n];
  it->sku = strdup(sku);
  it->listing_id = strdup(p->bm_listing_id);
  it->cents = cents;
  it->min_cents = minc;
  if(!it->sku || !it->listing_id) {
    free(it->sku);
    free(it->listing_id);
    return c->rc = BMC_ERR_NOMEM;
  }
  c->n++;
  return 0;
}

static int
bm_price_record(struct bm_price_ctx *c, const char *sku, int64_t cents)
{
  char key[512], val[32];
  int n;

  snprintf(key, sizeof(key), BM_KEY_PRICE "%s/%s", c->market, sku);
  n = snprintf(val, sizeof(val), "%lld", (long long)cents);
  return c->bi->host->state_put(c->bi->hctx, key, val, (size_t)n);
}

/* The answer of a single update: report a price above max_price. */
static void
bm_price_check_answer(struct bm_price_ctx *c, const struct bm_pitem *it,
                      const char *body, size_t len)
{
  struct json_object *j = pc_json_parse(body ? body : "", len, NULL, 0);
  int64_t maxc;
  char msg[300], t1[32], t2[32];

  if(j && pc_json_money(j, "max_price", 0, &maxc, NULL, 0) == BMC_OK &&
     maxc > 0 && it->cents > maxc) {
    pc_money_format(it->cents, t1, sizeof(t1));
    pc_money_format(maxc, t2, sizeof(t2));
    snprintf(msg, sizeof(msg), "%s: price %s %s is above Back Market's "
             "max_price %s; the listing stays offline", c->market, t1,
             c->currency, t2);
    c->bi->host->item_error(c->bi->hctx, it->sku, "price_above_max", msg);
    c->above_max++;
  }
  json_object_put(j);
}

static int
bm_price_single(struct bm_price_ctx *c, const struct bm_pitem *it,
                char *errbuf, size_t errlen)
{
  struct bm_inst *bi = c->bi;
  struct pc_budget *lines = bm_budget(bi, BM_BUDGET_SKU_LINES);
  struct pc_http_resp resp;
  char target[160], body[200], t1[32], t2[32], msg[300];
  int rc;

  if(bm_lines_spare(bi) < 1)
    return BMC_ERR_BUDGET;
  if(lines && (rc = pc_budget_take(lines, 1, 0)) != BMC_OK)
    return rc;
  bm_price_text(it->cents, c->currency, t1, sizeof(t1));
  if(it->min_cents >= 0 &&
     bm_price_text(it->min_cents, c->currency, t2, sizeof(t2)) == BMC_OK)
    snprintf(body, sizeof(body), "{\"price\":\"%s\",\"currency\":\"%s\","
             "\"min_price\":\"%s\"}", t1, c->currency, t2);
  else
    snprintf(body, sizeof(body), "{\"price\":\"%s\",\"currency\":\"%s\"}",
             t1, c->currency);
  snprintf(target, sizeof(target), "/ws/listings/%s", it->listing_id);
  memset(&resp, 0, sizeof(resp));
  rc = bm_cat_send(bi, "POST", target, c->market, body, BM_BUDGET_CATALOG,
                   &resp);
  if(rc == BMC_OK) {
    struct bm_listing_want w = {it->listing_id, -1, it->cents};
    char why[600], key[512], note[900];

    if(bm_listing_confirm(bi, c->market, &resp, &w, why, sizeof(why)) ==
       BMC_OK) {
      bm_price_check_answer(c, it, resp.body, resp.len);
      rc = bm_price_record(c, it->sku, it->cents);
    }
    else {
      snprintf(note, sizeof(note), "%s: price %s %s was answered with "
               "success but is not confirmed: %s; recorded as unconfirmed "
               "and sent again next run", c->market, t1, c->currency, why);
      bm_log(bi, BMC_LOG_WARN, "SKU %s: %s", it->sku, note);
      bi->host->item_error(bi->hctx, it->sku, "push_unconfirmed", note);
      snprintf(key, sizeof(key), BM_KEY_PRICE "%s/%s", c->market, it->sku);
      rc = bm_record_unconfirmed(bi, key, it->cents);
    }
  }
  else if(rc == BMC_ERR_REMOTE_REJECT) {
    snprintf(msg, sizeof(msg), "%s: price %s %s refused (HTTP %ld): %.200s",
             c->market, t1, c->currency, resp.status,
             resp.body ? resp.body : "");
    bi->host->item_error(bi->hctx, it->sku, "remote_reject", msg);
    rc = BMC_OK;
  }
  else if(rc != BMC_ERR_BUDGET)
    snprintf(errbuf, errlen, "price update of %s (%s) failed (HTTP %ld): %s",
             it->sku, c->market, resp.status, resp.error);
  pc_http_resp_clear(&resp);
  return rc;
}

struct bm_price_bulk {
  struct bm_price_ctx *c;
  struct bm_smap idx;
};

static void
bm_price_bulk_row(void *ud, const char *sku, int ok, const char *lid,
                  const char *reason)
{
  struct bm_price_bulk *b = ud;
  int64_t i;

  if(!bm_smap_get(&b->idx, sku, &i))
    return;
  if(ok)
    bm_price_record(b->c, sku, b->c->items[i].cents);
  else
    b->c->bi->host->item_error(b->c->bi->hctx, sku, "remote_reject",
                               reason ? reason : "refused");
}

static int
bm_price_bulk(struct bm_price_ctx *c, size_t n, char *errbuf, size_t errlen)
{
  struct bm_price_bulk b;
  struct pc_csv csv;
  const char **skus = calloc(n + 1, sizeof(*skus));
  char t1[32], t2[32];
  size_t i;
  int rc = BMC_OK;

  if(!skus)
    return BMC_ERR_NOMEM;
  b.c = c;
  bm_smap_init(&b.idx);
  pc_csv_init(&csv, ',', '"', 0);
  if(pc_csv_field(&csv, "sku") || pc_csv_field(&csv, "price") ||
     pc_csv_field(&csv, "currency") || pc_csv_field(&csv, "min_price") ||
     pc_csv_end_row(&csv))
    rc = BMC_ERR_NOMEM;
  for(i = 0; i < n && rc == BMC_OK; i++) {
    skus[i] = c->items[i].sku;
    bm_price_text(c->items[i].cents, c->currency, t1, sizeof(t1));
    t2[0] = '\0';
    if(c->items[i].min_cents >= 0)
      bm_price_text(c->items[i].min_cents, c->currency, t2, sizeof(t2));
    if(pc_csv_field(&csv, c->items[i].sku) || pc_csv_field(&csv, t1) ||
       pc_csv_field(&csv, c->currency) || pc_csv_field(&csv, t2) ||
       pc_csv_end_row(&csv) ||
       bm_smap_put(&b.idx, c->items[i].sku, (int64_t)i))
      rc = BMC_ERR_NOMEM;
  }
  if(rc == BMC_OK)
    rc = bm_bulk_run(c->bi, c->market, pc_csv_text(&csv), skus, n,
                     bm_price_bulk_row, &b, errbuf, errlen);
  pc_csv_free(&csv);
  bm_smap_free(&b.idx);
  free(skus);
  return rc;
}

static int
bm_price_market(struct bm_price_ctx *c, char *errbuf, size_t errlen)
{
  struct bm_inst *bi = c->bi;
  struct pc_budget *lines = bm_budget(bi, BM_BUDGET_SKU_LINES);
  int64_t avail, threshold = bm_cset_int(bi, "bulk_threshold", 20);
  char pfx[64];
  size_t fit, i;
  int rc;

  bm_smap_init(&c->pushed);
  bm_smap_init(&c->maxp);
  snprintf(pfx, sizeof(pfx), BM_KEY_PRICE "%s/", c->market);
  rc = bm_smap_load(bi, pfx, &c->pushed);
  snprintf(pfx, sizeof(pfx), BM_KEY_MAXP "%s/", c->market);
  if(rc == BMC_OK)
    rc = bm_smap_load(bi, pfx, &c->maxp);
  if(rc == BMC_OK)
    rc = bi->host->catalog_each(bi->hctx, 1, bm_price_product, c);
  if(c->rc != BMC_OK)
    rc = c->rc;
  bm_smap_free(&c->pushed);
  bm_smap_free(&c->maxp);
  if(rc != BMC_OK) {
    snprintf(errbuf, errlen, "prices (%s): reading the catalog failed (%d)",
             c->market, rc);
    return rc;
  }
  avail = bm_lines_spare(bi);
  fit = avail < (int64_t)c->n ? (size_t)(avail > 0 ? avail : 0) : c->n;
  if(fit > 14999)
    fit = 14999;
  if(fit < c->n)
    bm_log(bi, BMC_LOG_WARN, "prices (%s): SKU-line budget (beyond the "
           "share kept for sell-outs): %zu of %zu changes wait for the next "
           "run", c->market, c->n - fit, c->n);
  if(fit && (int64_t)fit > threshold) {
    if(lines && pc_budget_take(lines, (int64_t)fit, 0) != BMC_OK)
      return BMC_OK;
    rc = bm_price_bulk(c, fit, errbuf, errlen);
  }
  else
    for(i = 0, rc = BMC_OK; i < fit && rc == BMC_OK; i++)
      rc = bm_price_single(c, &c->items[i], errbuf, errlen);
  if(rc == BMC_ERR_BUDGET) {
    bm_log(bi, BMC_LOG_WARN, "prices (%s): request budget reached; the "
           "rest waits for the next run", c->market);
    rc = BMC_OK;
  }
  bm_log(bi, BMC_LOG_INFO, "prices (%s, %s): %zu changed, %zu sent, %lld "
         "invalid, %lld above max_price", c->market, c->currency, c->n, fit,
         (long long)c->invalid, (long long)c->above_max);
  return rc;
}

int
bm_price_upload(struct bm_inst *bi, char *errbuf, size_t errlen)
{
  char markets[BM_MAX_MARKETS][8], val[32];
  struct bm_price_ctx c;
  struct bm_filter *filter = NULL;
  int64_t now, last = 0;
  size_t len = 0;
  int n, m, rc, repricer;

  rc = bm_client_ready(bi, errbuf, errlen);
  if(rc != BMC_OK)
    return rc;
  repricer = bm_cset_bool(bi, "repricer");
  now = bi->host->now_ms(bi->hctx);
  if(repricer && bi->host->state_get(bi->hctx, BM_PRICE_LAST_KEY, val,
                                     sizeof(val) - 1, &len) == BMC_OK) {
    val[len < sizeof(val) ? len : sizeof(val) - 1] = '\0';
    last = strtoll(val, NULL, 10);
    if(now - last < BM_HOUR_MS) {
      bm_log(bi, BMC_LOG_INFO, "repricer on: prices go up once an hour; "
             "next price upload in %lld s", (long long)((last + BM_HOUR_MS -
                                                         now) / 1000));
      return BMC_OK;
    }
  }
  n = bm_markets(bi, markets, BM_MAX_MARKETS);
  if(!n) {
    snprintf(errbuf, errlen, "setting markets names no Back Market market");
    return BMC_ERR_CONFIG;
  }
  rc = bm_upload_filter(bi, &filter, errbuf, errlen);
  for(m = 0; m < n && rc == BMC_OK; m++) {
    memset(&c, 0, sizeof(c));
    c.bi = bi;
    c.market = markets[m];
    c.currency = bm_market_currency(markets[m]);
    c.repricer = repricer;
    c.filter = filter;
    rc = bm_price_market(&c, errbuf, errlen);
    bm_pitems_free(c.items, c.n);
  }
  bm_filter_free(filter);
  if(rc == BMC_OK && repricer) {
    len = (size_t)snprintf(val, sizeof(val), "%lld", (long long)now);
    bi->host->state_put(bi->hctx, BM_PRICE_LAST_KEY, val, len);
  }
  return rc;
}
