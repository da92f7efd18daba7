/*
 * bm_listing_create.c -- Ready To Post for the catalog (or a selection)
 * and Listing Creation (hourly and by hand, seeds 002/004: Launch on
 * Channel, Update/Post Product): writes ready_to_post Yes/No and the
 * reasons, globally and per market, to every product whose result changed;
 * then creates the ready products that have no listing yet, in the first
 * market where they are enabled and can be published, through the bulk CSV
 * endpoint (sku, product_id, quantity, warranty_delay, price, currency,
 * grade as text, comment), polls the task and writes each row's outcome
 * back (bm_listing_id) or to the error queue with Back Market's reason.
 * Warns when a first launch has fewer SKUs than Back Market asks (40).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm_catalog_side.h"
#include "pc_budget.h"
#include "pc_csv.h"
#include "pc_gate.h"
#include "pc_money.h"

#define BM_LAUNCHED_KEY "cat/launched"

struct bm_rtp_change {
  char *sku, *text; /* host sku; the reasons ("" when ready) */
  int ready;
  int64_t hash;
  char *mtext[BM_MAX_MARKETS]; /* per market */
  int mready[BM_MAX_MARKETS];
};

struct bm_new_listing {
  char *host_sku, *sku, *product_id, *grade, *comment;
  int64_t qty, cents;
  int warranty;
  int market; /* index of the creation market */
};

struct bm_lc_ctx {
  struct bm_inst *bi;
  const struct bm_rules *rules;
  struct bm_qty_defaults d;
  struct bm_pricing pricing;
  char markets[BM_MAX_MARKETS][8];
  int n_markets, use_calc, calc_warned;
  struct bm_smap seen;            /* sku -> stored RTP hash */
  struct bm_rtp_change *ch;
  size_t n_ch, cap_ch;
  struct bm_new_listing *nl;
  size_t n_nl, cap_nl;
  int64_t products, ready, listed;
  int create;
  int rc;
};

static uint64_t
bm_text_hash(uint64_t h, int ready, const char *text)
{
  h ^= (uint64_t)(ready ? 'Y' : 'N');
  h *= 1099511628211ull;
  for(; *text; text++) {
    h ^= (unsigned char)*text;
    h *= 1099511628211ull;
  }
  return h;
}

static void *
bm_grow(void *arr, size_t *cap, size_t n, size_t elem)
{
  void *na;
  size_t ncap;

  if(n < *cap)
    return arr;
  ncap = *cap ? *cap * 2 : 64;
  na = realloc(arr, ncap * elem);
  if(na)
    *cap = ncap;
  return na;
}

static int
bm_lc_candidate(struct bm_lc_ctx *c, const struct bm_view *v, int market)
{
  const char *mk = c->markets[market];
  struct bm_new_listing *n;
  struct bm_mprice mp;
  int64_t avail;
  void *g;

  if(bm_price_for(&c->pricing, v->p, mk, &mp) != 1)
    return BMC_OK; /* Ready To Post already refused it */
  if(bm_available(c->bi, v->p, c->use_calc, &c->calc_warned, &avail)) {
    c->bi->host->item_error(c->bi->hctx, v->sku, "inventory_calc",
                            "the host's Custom Inventory Calculation failed "
                            "(see the job log); listing not created");
    return BMC_OK;
  }
  g = bm_grow(c->nl, &c->cap_nl, c->n_nl, sizeof(*c->nl));
  if(!g)
    return BMC_ERR_NOMEM;
  c->nl = g;
  n = &c->nl[c->n_nl];
  memset(n, 0, sizeof(*n));
  n->cents = mp.cents;
  n->market = market;
  n->qty = bm_qty_compute(avail, v->safety_qty, v->max_qty, &c->d);
  n->warranty = bm_view_warranty(v, mk);
  n->host_sku = strdup(v->p->sku);
  n->sku = strdup(v->sku);
  n->product_id = strdup(v->bm_product_id);
  n->grade = strdup(bm_grade_normalize(v->grade));
  n->comment = bm_view_comment(v, mk) ? strdup(bm_view_comment(v, mk))
                                      : NULL;
  c->n_nl++;
  if(!n->host_sku || !n->sku || !n->product_id || !n->grade ||
     (bm_view_comment(v, mk) && !n->comment))
    return BMC_ERR_NOMEM;
  return BMC_OK;
}

static int
bm_lc_product(void *ud, const struct bmc_product *p)
{
  struct bm_lc_ctx *c = ud;
  struct bm_view v;
  struct bm_reasons r, rm[BM_MAX_MARKETS];
  struct bm_rtp_change *ch;
  uint64_t hv = 1469598103934665603ull;
  int64_t h, old;
  int ready, m, mok[BM_MAX_MARKETS], n_ok = 0, create_in = -1;
  void *g;

  bm_view_init(&v, p);
  c->products++;
  if(v.listing_id)
    c->listed++;
  bm_reasons_init(&r);
  ready = bm_ready_check(&v, c->rules, &r);
  for(m = 0; m < c->n_markets; m++) {
    /* a market's reasons: the product's, then the market's own */
    rm[m] = r;
    mok[m] = bm_ready_market(&v, &c->pricing, c->markets[m], &rm[m]);
    n_ok += mok[m];
    if(ready && mok[m] && create_in < 0 &&
       bm_view_enabled(&v, c->markets[m]))
      create_in = m;
  }
  if(ready && !n_ok)
    for(m = 0; m < c->n_markets; m++)
      bm_reasons_add(&r, "%s", rm[m].text);
  ready = ready && n_ok > 0;
  c->ready += ready;
  hv = bm_text_hash(hv, ready, r.text);
  for(m = 0; m < c->n_markets; m++)
    hv = bm_text_hash(bm_text_hash(hv, 1, c->markets[m]),
                      mok[m] && rm[m].count == 0, rm[m].text);
  h = (int64_t)(hv & 0x3fffffffffffffffull);
  if(!bm_smap_get(&c->seen, p->sku, &old) || old != h) {
    g = bm_grow(c->ch, &c->cap_ch, c->n_ch, sizeof(*c->ch));
    if(!g)
      return c->rc = BMC_ERR_NOMEM;
    c->ch = g;
    ch = &c->ch[c->n_ch++];
    memset(ch, 0, sizeof(*ch));
    ch->sku = strdup(p->sku);
    ch->text = strdup(ready ? "" : r.text);
    ch->ready = ready;
    ch->hash = h;
    if(!ch->sku || !ch->text)
      return c->rc = BMC_ERR_NOMEM;
    for(m = 0; m < c->n_markets; m++) {
      ch->mready[m] = rm[m].count == 0;
      if(!(ch->mtext[m] = strdup(rm[m].text)))
        return c->rc = BMC_ERR_NOMEM;
    }
  }
  if(c->create && create_in >= 0 && !v.listing_id)
    if((c->rc = bm_lc_candidate(c, &v, create_in)) != BMC_OK)
      return c->rc;
  return 0;
}

/* Write the changed Ready To Post results (after the catalog pass). */
static int
bm_lc_write_rtp(struct bm_lc_ctx *c, char *errbuf, size_t errlen)
{
  struct bm_inst *bi = c->bi;
  char key[512], val[32];
  size_t i;
  int rc = BMC_OK, n;

  if(pc_gate_dry(bi->host, bi->hctx)) {
    bm_log(bi, BMC_LOG_INFO, "dry run: %zu changed Ready To Post results "
           "are not stored", c->n_ch);
    return BMC_OK;
  }
  for(i = 0; i < c->n_ch && rc == BMC_OK; i++) {
    int m;

    rc = bi->host->product_set(bi->hctx, c->ch[i].sku, "ready_to_post", NULL,
                               c->ch[i].ready ? "Yes" : "No");
    if(rc == BMC_OK)
      rc = bi->host->product_set(bi->hctx, c->ch[i].sku,
                                 "ready_to_post_reasons", NULL, c->ch[i].text);
    for(m = 0; m < c->n_markets && rc == BMC_OK; m++) {
      rc = bi->host->product_set(bi->hctx, c->ch[i].sku, "ready_to_post",
                                 c->markets[m],
                                 c->ch[i].mready[m] ? "Yes" : "No");
      if(rc == BMC_OK)
        rc = bi->host->product_set(bi->hctx, c->ch[i].sku,
                                   "ready_to_post_reasons", c->markets[m],
                                   c->ch[i].mtext[m]);
    }
    if(rc == BMC_OK) {
      snprintf(key, sizeof(key), BM_KEY_READY "%s", c->ch[i].sku);
      n = snprintf(val, sizeof(val), "%lld", (long long)c->ch[i].hash);
      rc = bi->host->state_put(bi->hctx, key, val, (size_t)n);
    }
    if(rc != BMC_OK)
      snprintf(errbuf, errlen, "cannot write Ready To Post of %s (%d)",
               c->ch[i].sku, rc);
  }
  return rc;
}

struct bm_lc_bulk {
  struct bm_lc_ctx *c;
  struct bm_smap idx;
  int64_t created, rejected;
};

static void
bm_lc_row(void *ud, const char *sku, int ok, const char *listing_id,
          const char *reason)
{
  struct bm_lc_bulk *b = ud;
  struct bm_inst *bi = b->c->bi;
  const struct bm_new_listing *n;
  char key[512], val[32], msg[400];
  int64_t i;
  int len;

  if(!bm_smap_get(&b->idx, sku, &i))
    return;
  n = &b->c->nl[i];
  if(!ok) {
    b->rejected++;
    snprintf(msg, sizeof(msg), "listing creation refused by Back Market: %s",
             reason ? reason : "no reason given");
    bi->host->item_error(bi->hctx, n->sku, "listing_rejected", msg);
    return;
  }
  b->created++;
  if(!listing_id) {
    bm_log(bi, BMC_LOG_WARN, "%s created without a listing id in the task "
           "result; Active Listing Download will fill it", n->sku);
    return;
  }
  if(bi->host->product_set(bi->hctx, n->host_sku, "bm_listing_id", NULL,
                           listing_id) != BMC_OK)
    bm_log(bi, BMC_LOG_ERROR, "cannot write bm_listing_id of %s", n->sku);
  snprintf(key, sizeof(key), BM_KEY_QTY "%s", n->sku);
  len = snprintf(val, sizeof(val), "%lld", (long long)n->qty);
  bi->host->state_put(bi->hctx, key, val, (size_t)len);
}

/* One bulk task for the new listings of market index mi. */
static int
bm_lc_create(struct bm_lc_ctx *c, int mi, char *errbuf, size_t errlen)
{
  struct bm_inst *bi = c->bi;
  struct pc_budget *lines = bm_budget(bi, BM_BUDGET_SKU_LINES);
  int64_t avail = bm_lines_spare(bi);
  const char *market = c->markets[mi], *currency = bm_market_currency(market);
  struct bm_lc_bulk b;
  struct pc_csv csv;
  const char **skus;
  struct bmc_change *chg;
  char price[32];
  size_t i, want = 0, fit, k = 0;
  int rc = BMC_OK, comments = 0;

  for(i = 0; i < c->n_nl; i++)
    if(c->nl[i].market == mi) {
      want++;
      comments |= c->nl[i].comment != NULL;
    }
  fit = avail < (int64_t)want ? (size_t)(avail > 0 ? avail : 0) : want;
  if(fit > 14999)
    fit = 14999;
  if(fit < want)
    bm_log(bi, BMC_LOG_WARN, "listing creation (%s): SKU-line budget: %zu "
           "of %zu new listings wait for the next run (lines beyond the "
           "share kept for sell-outs)", market, want - fit, want);
  if(!fit)
    return BMC_OK;
  if(lines && pc_budget_take(lines, (int64_t)fit, 0) != BMC_OK)
    return BMC_OK;
  skus = calloc(fit + 1, sizeof(*skus));
  chg = calloc(fit + 1, sizeof(*chg));
  if(!skus || !chg) {
    free(skus);
    free(chg);
    return BMC_ERR_NOMEM;
  }
  memset(&b, 0, sizeof(b));
  b.c = c;
  bm_smap_init(&b.idx);
  pc_csv_init(&csv, ',', '"', 0);
  if(pc_csv_field(&csv, "sku") || pc_csv_field(&csv, "product_id") ||
     pc_csv_field(&csv, "quantity") || pc_csv_field(&csv, "warranty_delay") ||
     pc_csv_field(&csv, "price") || pc_csv_field(&csv, "currency") ||
     pc_csv_field(&csv, "grade") ||
     (comments && pc_csv_field(&csv, "comment")) || pc_csv_end_row(&csv))
    rc = BMC_ERR_NOMEM;
  for(i = 0; i < c->n_nl && k < fit && rc == BMC_OK; i++) {
    const struct bm_new_listing *n = &c->nl[i];

    if(n->market != mi)
      continue;
    chg[k].size = sizeof(chg[k]);
    chg[k].sku = n->sku;
    chg[k].market = market;
    chg[k].field = "listing";
    chg[k].new_value = n->product_id; /* the Back Market product listed */
    skus[k++] = n->sku;
    if(bm_price_text(n->cents, currency, price, sizeof(price)) != BMC_OK)
      snprintf(price, sizeof(price), "invalid");
    if(pc_csv_field(&csv, n->sku) || pc_csv_field(&csv, n->product_id) ||
       pc_csv_fieldf(&csv, "%lld", (long long)n->qty) ||
       pc_csv_fieldf(&csv, "%d", n->warranty) || pc_csv_field(&csv, price) ||
       pc_csv_field(&csv, currency) || pc_csv_field(&csv, n->grade) ||
       (comments && pc_csv_field(&csv, n->comment)) ||
       pc_csv_end_row(&csv) || bm_smap_put(&b.idx, n->sku, (int64_t)i))
      rc = BMC_ERR_NOMEM;
  }
  if(rc == BMC_OK)
    rc = bm_bulk_run(bi, market, pc_csv_text(&csv), skus, k, chg, bm_lc_row,
                     &b, errbuf, errlen);
  if(rc == PC_GATE_DRY)
    rc = BMC_OK;
  else if(rc == BMC_OK)
    bm_log(bi, BMC_LOG_INFO, "listing creation (%s, %s): %lld created, %lld "
           "refused", market, currency, (long long)b.created,
           (long long)b.rejected);
  pc_csv_free(&csv);
  bm_smap_free(&b.idx);
  free(skus);
  free(chg);
  return rc;
}

static void
bm_lc_free(struct bm_lc_ctx *c)
{
  size_t i;

  for(i = 0; i < c->n_ch; i++) {
    int m;

    free(c->ch[i].sku);
    free(c->ch[i].text);
    for(m = 0; m < BM_MAX_MARKETS; m++)
      free(c->ch[i].mtext[m]);
  }
  free(c->ch);
  for(i = 0; i < c->n_nl; i++) {
    free(c->nl[i].host_sku);
    free(c->nl[i].sku);
    free(c->nl[i].product_id);
    free(c->nl[i].grade);
    free(c->nl[i].comment);
  }
  free(c->nl);
  bm_smap_free(&c->seen);
}

static int
bm_lc_run(struct bm_inst *bi, int create, char *errbuf, size_t errlen)
{
  char flag[8];
  struct bm_lc_ctx c;
  int64_t min_skus = bm_cset_int(bi, "launch_min_skus", 40);
  size_t len = 0;
  int rc, m;

  memset(&c, 0, sizeof(c));
  c.bi = bi;
  c.create = create;
  bm_smap_init(&c.seen);
  rc = bm_eligibility_rules(bi, &c.rules, errbuf, errlen);
  if(rc == BMC_OK && create)
    rc = bm_client_ready(bi, errbuf, errlen);
  if(rc == BMC_OK &&
     (c.n_markets = bm_markets(bi, c.markets, BM_MAX_MARKETS)) < 1) {
    snprintf(errbuf, errlen, "setting markets names no Back Market market");
    rc = BMC_ERR_CONFIG;
  }
  if(rc == BMC_OK)
    rc = bm_pricing_load(bi, c.markets[0], &c.pricing, errbuf, errlen);
  c.d.safety = (int)bm_cset_int(bi, "default_safety_qty", 0);
  c.d.max = (int)bm_cset_int(bi, "default_max_qty", 0);
  c.use_calc = bm_cset_bool(bi, "custom_inventory_calc");
  if(rc == BMC_OK)
    rc = bm_smap_load(bi, BM_KEY_READY, &c.seen);
  if(rc == BMC_OK) {
    rc = bm_products_each(bi, 0, bm_lc_product, &c);
    if(c.rc != BMC_OK)
      rc = c.rc;
    if(rc != BMC_OK)
      snprintf(errbuf, errlen, "Ready To Post: reading the catalog failed "
               "(%d)", rc);
  }
  if(rc == BMC_OK)
    rc = bm_lc_write_rtp(&c, errbuf, errlen);
  if(rc == BMC_OK)
    bm_log(bi, BMC_LOG_INFO, "Ready To Post%s: %lld products, %lld ready, "
           "%zu results changed", bi->n_sel ? " (selection)" : "",
           (long long)c.products, (long long)c.ready, c.n_ch);
  if(rc == BMC_OK && create && c.n_nl) {
    if(!c.listed && !bi->n_sel &&
       bi->host->state_get(bi->hctx, BM_LAUNCHED_KEY, flag, sizeof(flag),
                           &len) == BMC_ERR_NOT_FOUND &&
       (int64_t)c.n_nl < min_skus)
      bm_log(bi, BMC_LOG_WARN, "first launch with %zu SKUs: Back Market asks "
             "new stores to launch with at least %lld", c.n_nl,
             (long long)min_skus);
    for(m = 0; m < c.n_markets && rc == BMC_OK; m++)
      rc = bm_lc_create(&c, m, errbuf, errlen);
    if(rc == BMC_OK && !pc_gate_dry(bi->host, bi->hctx))
      bi->host->state_put(bi->hctx, BM_LAUNCHED_KEY, "1", 1);
  }
  bm_lc_free(&c);
  return rc;
}

int
bm_listing_creation(struct bm_inst *bi, char *errbuf, size_t errlen)
{
  return bm_lc_run(bi, 1, errbuf, errlen);
}

int
bm_ready_to_post_check(struct bm_inst *bi, char *errbuf, size_t errlen)
{
  return bm_lc_run(bi, 0, errbuf, errlen);
}
