/*
 * bm_price.c -- Prices Upload and Update Price and Qty: per market, the
 * product's price there (bm_pricing.c: its own, the unsuffixed one or the
 * site price in the first market's currency, the pricing rule elsewhere;
 * markets without one are not published), with Accept-Language and the
 * market's explicit currency, plus that market's min price, comment and
 * warranty where set; decimal strings from integer cents (pc_money), never
 * floats; one request or one bulk task per market; only listings that
 * changed since the last successful push; a price above that market's
 * max_price is reported for that market.  With the repricer on, the upload
 * runs at most once an hour and leaves repriced listings to the repricer.
 * On a selection only the selected products are sent.  The scheduled
 * upload reads only the products the host's change feed names since the
 * last upload that sent everything it found (its own pending set is that
 * range of the feed: the cursor stays while changes wait for SKU lines, and
 * what was sent is not sent again), with a full pass daily, on a new feed
 * epoch and when the pricing settings change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm_catalog_side.h"
#include "pc_budget.h"
#include "pc_csv.h"
#include "pc_gate.h"
#include "pc_http.h"
#include "pc_json.h"
#include "pc_money.h"
#include "pc_text.h"

#include <json-c/json.h>

#define BM_PRICE_LAST_KEY "cat/price_last_ms"
#define BM_HOUR_MS INT64_C(3600000)

struct bm_pitem {
  char *sku, *listing_id, *comment; /* comment NULL = none */
  int64_t cents, min_cents;         /* min_cents -1 = none */
  int64_t warranty;                 /* -1 = none */
  int64_t meta;                     /* bm_meta_hash of the three */
  int64_t old_cents;                /* what Back Market holds; -1 unknown */
};

struct bm_price_ctx {
  struct bm_inst *bi;
  const char *market, *currency;
  const struct bm_pricing *pricing;
  int repricer;
  struct bm_filter *filter;
  struct bm_smap pushed, maxp, meta;
  int feed;                 /* reading the change feed: per-SKU lookups */
  int64_t since, upto;
  int deferred;             /* something waits for the next run */
  struct bm_pitem *items;
  size_t n, cap;
  int64_t invalid, above_max, unpublished;
  int rc;
};

/* The value stored for sku under the market's prefix: from the map
 * loaded for a full pass, else (the change feed) from the state store. */
static int
bm_price_known(const struct bm_price_ctx *c, const struct bm_smap *m,
               const char *prefix, const char *sku, int64_t *v)
{
  char key[600], val[32], *end;
  size_t len = 0;
  long long x;

  if(!c->feed)
    return bm_smap_get(m, sku, v);
  snprintf(key, sizeof(key), "%s%s/%s", prefix, c->market, sku);
  if(c->bi->host->state_get(c->bi->hctx, key, val, sizeof(val), &len) !=
     BMC_OK)
    return 0;
  x = strtoll(val, &end, 10);
  if(end == val || *end)
    return 0;
  *v = x;
  return 1;
}

static void
bm_pitems_free(struct bm_pitem *it, size_t n)
{
  size_t i;

  for(i = 0; it && i < n; i++) {
    free(it[i].sku);
    free(it[i].listing_id);
    free(it[i].comment);
  }
  free(it);
}

static int
bm_price_product(void *ud, const struct bmc_product *p)
{
  struct bm_price_ctx *c = ud;
  struct bm_inst *bi = c->bi;
  struct bm_view v;
  struct bm_mprice mp;
  const char *comment;
  int64_t old, maxc, meta, w;
  char msg[300], t1[32], t2[32];
  struct bm_pitem *it;
  int rc, same_meta;

  bm_view_init(&v, p);
  if(!bm_view_enabled(&v, c->market) || !bm_filter_match(c->filter, &v) ||
     !v.listing_id || (c->repricer && v.repricing))
    return 0;
  rc = bm_price_for(c->pricing, p, c->market, &mp);
  if(rc < 0) {
    bi->host->item_error(bi->hctx, v.sku, "price_invalid", mp.why);
    c->invalid++;
    return 0;
  }
  if(rc == 0) {
    c->unpublished++; /* Ready To Post names the market and why */
    return 0;
  }
  bm_price_text(mp.cents, c->currency, t1, sizeof(t1));
  comment = bm_view_comment(&v, c->market);
  w = bm_view_warranty(&v, c->market);
  meta = bm_meta_hash(mp.min_cents, comment, w);
  same_meta = (mp.min_cents < 0 && !comment && w < 0) ||
              (bm_price_known(c, &c->meta, BM_KEY_META, v.sku, &old) &&
               old == meta);
  if(bm_price_known(c, &c->pushed, BM_KEY_PRICE, v.sku, &old) &&
     old == mp.cents && same_meta)
    return 0;
  if(bm_price_known(c, &c->maxp, BM_KEY_MAXP, v.sku, &maxc) && maxc > 0 &&
     mp.cents > maxc) {
    pc_money_format(maxc, t2, sizeof(t2));
    snprintf(msg, sizeof(msg), "%s: price %s %s is above Back Market's "
             "max_price %s; not sent (the listing would go offline)",
             c->market, t1, c->currency, t2);
    bi->host->item_error(bi->hctx, v.sku, "price_above_max", msg);
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
  memset(it, 0, sizeof(*it));
  it->sku = strdup(v.sku);
  it->listing_id = strdup(v.listing_id);
  it->comment = comment ? strdup(comment) : NULL;
  it->cents = mp.cents;
  it->min_cents = mp.min_cents;
  it->warranty = w;
  it->meta = meta;
  if(!bm_smap_get(&c->pushed, v.sku, &it->old_cents))
    it->old_cents = -1;
  c->n++;
  if(!it->sku || !it->listing_id || (comment && !it->comment))
    return c->rc = BMC_ERR_NOMEM;
  return 0;
}

/* Remember what Back Market holds now: price and the meta hash. */
static int
bm_price_record(struct bm_price_ctx *c, const struct bm_pitem *it)
{
  char key[512], val[32];
  int n, rc;

  snprintf(key, sizeof(key), BM_KEY_PRICE "%s/%s", c->market, it->sku);
  n = snprintf(val, sizeof(val), "%lld", (long long)it->cents);
  rc = c->bi->host->state_put(c->bi->hctx, key, val, (size_t)n);
  if(rc)
    return rc;
  snprintf(key, sizeof(key), BM_KEY_META "%s/%s", c->market, it->sku);
  n = snprintf(val, sizeof(val), "%lld", (long long)it->meta);
  return c->bi->host->state_put(c->bi->hctx, key, val, (size_t)n);
}

/* The single-update body: price and currency, then what is set of min
 * price, comment and warranty (JSON escaped by json-c).  Owned. */
static char *
bm_price_body(const struct bm_price_ctx *c, const struct bm_pitem *it)
{
  struct json_object *o = json_object_new_object();
  char t[32];
  char *body = NULL;

  if(!o)
    return NULL;
  bm_price_text(it->cents, c->currency, t, sizeof(t));
  json_object_object_add(o, "price", json_object_new_string(t));
  json_object_object_add(o, "currency", json_object_new_string(c->currency));
  if(it->min_cents >= 0 &&
     bm_price_text(it->min_cents, c->currency, t, sizeof(t)) == BMC_OK)
    json_object_object_add(o, "min_price", json_object_new_string(t));
  if(it->comment)
    json_object_object_add(o, "comment", json_object_new_string(it->comment));
  if(it->warranty >= 0)
    json_object_object_add(o, "warranty_delay",
                           json_object_new_int64(it->warranty));
  body = strdup(json_object_to_json_string_ext(
      o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put(o);
  return body;
}

/* The audit trail's view of one price change (b holds the texts). */
struct bm_pchange_buf {
  char old[32], nw[32];
};

static void
bm_pchange(const struct bm_price_ctx *c, const struct bm_pitem *it,
           struct bm_pchange_buf *b, struct bmc_change *chg)
{
  memset(chg, 0, sizeof(*chg));
  chg->size = sizeof(*chg);
  chg->trigger = c->repricer ? "repricer" : NULL;
  chg->sku = it->sku;
  chg->market = c->market;
  chg->field = "price";
  if(it->old_cents >= 0 &&
     bm_price_text(it->old_cents, c->currency, b->old, sizeof(b->old)) ==
         BMC_OK)
    chg->old_value = b->old;
  bm_price_text(it->cents, c->currency, b->nw, sizeof(b->nw));
  chg->new_value = b->nw;
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
  struct bmc_change chg;
  struct bm_pchange_buf cb;
  char target[160], t1[32], msg[300], *body;
  int rc;

  if(bm_lines_spare(bi) < 1)
    return BMC_ERR_BUDGET;
  if(lines && (rc = pc_budget_take(lines, 1, 0)) != BMC_OK)
    return rc;
  bm_price_text(it->cents, c->currency, t1, sizeof(t1));
  body = bm_price_body(c, it);
  if(!body)
    return BMC_ERR_NOMEM;
  snprintf(target, sizeof(target), "/ws/listings/%s", it->listing_id);
  memset(&resp, 0, sizeof(resp));
  bm_pchange(c, it, &cb, &chg);
  rc = bm_cat_write(bi, "POST", target, c->market, body, BM_BUDGET_CATALOG,
                    &chg, 1, &resp);
  free(body);
  if(rc == PC_GATE_DRY)
    return BMC_OK;
  if(rc == BMC_OK) {
    struct bm_listing_want w = {it->listing_id, -1, it->cents};
    char why[600], key[512], note[900];

    if(bm_listing_confirm(bi, c->market, &resp, &w, why, sizeof(why)) ==
       BMC_OK) {
      bm_price_check_answer(c, it, resp.body, resp.len);
      rc = bm_price_record(c, it);
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
    bm_price_record(b->c, &b->c->items[i]);
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
  struct bmc_change *chg = calloc(n + 1, sizeof(*chg));
  struct bm_pchange_buf *cb = calloc(n + 1, sizeof(*cb));
  char t1[32], t2[32];
  size_t i;
  int rc = BMC_OK;

  if(!skus || !chg || !cb) {
    free(skus);
    free(chg);
    free(cb);
    return BMC_ERR_NOMEM;
  }
  b.c = c;
  bm_smap_init(&b.idx);
  pc_csv_init(&csv, ',', '"', 0);
  if(pc_csv_field(&csv, "sku") || pc_csv_field(&csv, "price") ||
     pc_csv_field(&csv, "currency") || pc_csv_field(&csv, "min_price") ||
     pc_csv_field(&csv, "comment") || pc_csv_field(&csv, "warranty_delay") ||
     pc_csv_end_row(&csv))
    rc = BMC_ERR_NOMEM;
  for(i = 0; i < n && rc == BMC_OK; i++) {
    const struct bm_pitem *it = &c->items[i];

    skus[i] = it->sku;
    bm_pchange(c, it, &cb[i], &chg[i]);
    bm_price_text(it->cents, c->currency, t1, sizeof(t1));
    t2[0] = '\0';
    if(it->min_cents >= 0)
      bm_price_text(it->min_cents, c->currency, t2, sizeof(t2));
    if(pc_csv_field(&csv, it->sku) || pc_csv_field(&csv, t1) ||
       pc_csv_field(&csv, c->currency) || pc_csv_field(&csv, t2) ||
       pc_csv_field(&csv, it->comment) ||
       (it->warranty >= 0 ? pc_csv_fieldf(&csv, "%lld",
                                          (long long)it->warranty)
                          : pc_csv_field(&csv, NULL)) ||
       pc_csv_end_row(&csv) || bm_smap_put(&b.idx, it->sku, (int64_t)i))
      rc = BMC_ERR_NOMEM;
  }
  if(rc == BMC_OK)
    rc = bm_bulk_run(c->bi, c->market, pc_csv_text(&csv), skus, n, chg,
                     bm_price_bulk_row, &b, errbuf, errlen);
  if(rc == PC_GATE_DRY)
    rc = BMC_OK;
  pc_csv_free(&csv);
  bm_smap_free(&b.idx);
  free(skus);
  free(chg);
  free(cb);
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
  bm_smap_init(&c->meta);
  rc = BMC_OK;
  if(c->feed)
    rc = bi->host->changes_each(bi->hctx, c->since, c->upto,
                                bm_price_product, c);
  else {
    snprintf(pfx, sizeof(pfx), BM_KEY_PRICE "%s/", c->market);
    rc = bm_smap_load(bi, pfx, &c->pushed);
    snprintf(pfx, sizeof(pfx), BM_KEY_MAXP "%s/", c->market);
    if(rc == BMC_OK)
      rc = bm_smap_load(bi, pfx, &c->maxp);
    snprintf(pfx, sizeof(pfx), BM_KEY_META "%s/", c->market);
    if(rc == BMC_OK)
      rc = bm_smap_load(bi, pfx, &c->meta);
    if(rc == BMC_OK)
      rc = bm_products_each(bi, 1, bm_price_product, c);
  }
  if(c->rc != BMC_OK)
    rc = c->rc;
  bm_smap_free(&c->pushed);
  bm_smap_free(&c->maxp);
  bm_smap_free(&c->meta);
  if(rc != BMC_OK) {
    snprintf(errbuf, errlen, "prices (%s): reading the catalog failed (%d)",
             c->market, rc);
    return rc;
  }
  avail = bm_lines_spare(bi);
  fit = avail < (int64_t)c->n ? (size_t)(avail > 0 ? avail : 0) : c->n;
  if(fit > 14999)
    fit = 14999;
  if(fit < c->n) {
    c->deferred = 1;
    bm_log(bi, BMC_LOG_WARN, "prices (%s): SKU-line budget (beyond the "
           "share kept for sell-outs): %zu of %zu changes wait for the next "
           "run", c->market, c->n - fit, c->n);
  }
  if(fit && (int64_t)fit > threshold) {
    if(lines && pc_budget_take(lines, (int64_t)fit, 0) != BMC_OK) {
      c->deferred = 1;
      return BMC_OK;
    }
    rc = bm_price_bulk(c, fit, errbuf, errlen);
  }
  else
    for(i = 0, rc = BMC_OK; i < fit && rc == BMC_OK; i++)
      rc = bm_price_single(c, &c->items[i], errbuf, errlen);
  if(rc == BMC_ERR_BUDGET) {
    c->deferred = 1;
    bm_log(bi, BMC_LOG_WARN, "prices (%s): request budget reached; the "
           "rest waits for the next run", c->market);
    rc = BMC_OK;
  }
  bm_log(bi, BMC_LOG_INFO, "prices (%s, %s): %zu changed, %zu sent, %lld "
         "invalid, %lld above max_price, %lld not published (no price "
         "there)", c->market, c->currency, c->n, fit, (long long)c->invalid,
         (long long)c->above_max, (long long)c->unpublished);
  return rc;
}

/* Hash of the settings the prices sent depend on. */
static uint64_t
bm_price_settings_hash(struct bm_inst *bi)
{
  static const char *const keys[] = {
    "markets", "price_source_market", "exchange_rates", "price_rounding",
    "repricer", "filtered_products", "product_filter"};
  char all[2048], v[512];
  size_t i, o = 0;

  for(i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
    bm_cset_str(bi, keys[i], v, sizeof(v));
    o += (size_t)snprintf(all + o, sizeof(all) - o, "%s=%s;", keys[i], v);
    if(o >= sizeof(all))
      o = sizeof(all) - 1;
  }
  return pc_text_hash(all);
}

/* Where this upload starts: *feed 1 with the range (since, upto] of the
 * change feed, or 0 for a full pass (why logged). */
static int
bm_price_start(struct bm_inst *bi, struct bm_cursor *cur,
               struct bmc_feed_head *fh, uint64_t cfg, int *feed,
               char *errbuf, size_t errlen)
{
  const char *why;
  int have, rc;

  memset(fh, 0, sizeof(*fh));
  fh->size = (uint32_t)sizeof(*fh);
  rc = bi->host->feed_head(bi->hctx, fh);
  if(rc != BMC_OK) {
    snprintf(errbuf, errlen, "prices: the host's change feed failed (%d)",
             rc);
    return rc;
  }
  have = bm_cursor_load(bi, "price", cur) == BMC_OK;
  why = bm_cursor_full_why(have, cur, fh, cfg, bi->host->now_ms(bi->hctx));
  if(why && !strcmp(why, "the company's inventory calculation changed"))
    why = NULL; /* prices do not depend on it */
  *feed = !why;
  if(why)
    bm_log(bi, BMC_LOG_INFO, "prices: full pass (%s)", why);
  else
    bm_log(bi, BMC_LOG_INFO, "prices: the changes after %lld up to %lld",
           (long long)cur->n, (long long)fh->head);
  return BMC_OK;
}

/* Every market; gate: with the repricer on, at most once an hour. */
static int
bm_price_run(struct bm_inst *bi, int gate, char *errbuf, size_t errlen)
{
  char markets[BM_MAX_MARKETS][8], val[32];
  struct bm_price_ctx c;
  struct bm_pricing pricing;
  struct bm_filter *filter = NULL;
  struct bmc_feed_head fh;
  struct bm_cursor cur;
  uint64_t cfg = 0;
  int64_t now, last = 0;
  size_t len = 0;
  int n, m, rc, repricer, by_feed, feed = 0, deferred = 0;

  rc = bm_client_ready(bi, errbuf, errlen);
  if(rc != BMC_OK)
    return rc;
  repricer = bm_cset_bool(bi, "repricer");
  now = bi->host->now_ms(bi->hctx);
  if(gate && repricer &&
     bi->host->state_get(bi->hctx, BM_PRICE_LAST_KEY, val, sizeof(val) - 1,
                         &len) == BMC_OK) {
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
  /* the scheduled upload (not a selection) goes by the change feed */
  by_feed = gate && !bi->n_sel && BMC_HOST_HAS(bi->host, changes_each);
  if(by_feed) {
    cfg = bm_price_settings_hash(bi);
    rc = bm_price_start(bi, &cur, &fh, cfg, &feed, errbuf, errlen);
  }
  if(rc == BMC_OK)
    rc = bm_pricing_load(bi, markets[0], &pricing, errbuf, errlen);
  if(rc == BMC_OK)
    rc = bm_upload_filter(bi, &filter, errbuf, errlen);
  for(m = 0; m < n && rc == BMC_OK; m++) {
    memset(&c, 0, sizeof(c));
    c.bi = bi;
    c.market = markets[m];
    c.currency = bm_market_currency(markets[m]);
    c.pricing = &pricing;
    c.repricer = repricer;
    c.filter = filter;
    c.feed = feed;
    c.since = feed ? cur.n : 0;
    c.upto = feed ? fh.head : 0;
    rc = bm_price_market(&c, errbuf, errlen);
    deferred |= c.deferred;
    bm_pitems_free(c.items, c.n);
  }
  bm_filter_free(filter);
  /* the cursor moves only when nothing found waits: what waits is read
   * again next run (what was sent is recorded and not sent twice) */
  if(rc == BMC_OK && by_feed && !deferred &&
     !pc_gate_dry(bi->host, bi->hctx)) {
    if(!feed)
      cur.full_ms = now;
    snprintf(cur.epoch, sizeof(cur.epoch), "%s", fh.epoch);
    cur.n = fh.head;
    cur.resync = fh.resync;
    cur.cfg = cfg;
    rc = bm_cursor_save(bi, "price", &cur);
    if(rc != BMC_OK)
      snprintf(errbuf, errlen, "prices: cannot store the change number");
  }
  if(rc == BMC_OK && repricer && gate && !bi->n_sel &&
     !pc_gate_dry(bi->host, bi->hctx)) {
    len = (size_t)snprintf(val, sizeof(val), "%lld", (long long)now);
    bi->host->state_put(bi->hctx, BM_PRICE_LAST_KEY, val, len);
  }
  return rc;
}

int
bm_price_upload(struct bm_inst *bi, char *errbuf, size_t errlen)
{
  return bm_price_run(bi, !bi->n_sel, errbuf, errlen);
}

int
bm_price_qty_update(struct bm_inst *bi, char *errbuf, size_t errlen)
{
  int rc = bm_inventory_upload(bi, errbuf, errlen);

  return rc == BMC_OK ? bm_price_run(bi, 0, errbuf, errlen) : rc;
}
