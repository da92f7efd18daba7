/*
 * bm_listings.c -- Active Listing Download: pages through GET /ws/listings
 * (page-size 50, following `next` through pc_page.h), fills each host
 * product's bm_listing_id by merchant SKU, remembers what Back Market holds
 * (quantity; price, max_price and the min price/comment/warranty hash per
 * market) in the state store for the inventory and price diffs, and sets
 * SKUs that Back Market lists but the host does not know to quantity 0
 * (seed 002), within the budgets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm_catalog_side.h"
#include "bm_order_side.h"
#include "pc_gate.h"
#include "pc_http.h"
#include "pc_json.h"
#include "pc_page.h"
#include "pc_text.h"

#define BM_LISTING_MAX_PAGES 100000

static const struct pc_page_spec bm_listing_page = {
  "listings", "results", "count", NULL, "next"};

struct bm_dl_ctx {
  struct bm_inst *bi;
  const char *market;
  int first;               /* first market: ids, quantities, unknown SKUs */
  struct bm_smap held;      /* sku -> quantity recorded */
  struct bm_smap price;     /* sku -> price recorded for this market */
  struct bm_smap maxp;      /* sku -> max_price recorded for this market */
  struct bm_smap meta;      /* sku -> min/comment/warranty hash recorded */
  struct bm_qitem *zero;   /* unknown SKUs with stock on Back Market */
  size_t n_zero, cap_zero;
  int64_t listings, matched, ids_set, unknown, count;
  int64_t held_changed; /* quantities Back Market holds that were news */
};

struct bm_dl_prod {
  char sku[256];
  char listing_id[80];
  int found;
};

static int
bm_dl_prod_cb(void *ud, const struct bmc_product *p)
{
  struct bm_dl_prod *f = ud;
  const char *id = bm_prop(p, "bm_listing_id", NULL);

  f->found = 1;
  snprintf(f->sku, sizeof(f->sku), "%s", p->sku);
  snprintf(f->listing_id, sizeof(f->listing_id), "%s", id ? id : "");
  return 0;
}

static int
bm_dl_put(struct bm_inst *bi, struct bm_smap *m, const char *prefix,
          const char *market, const char *sku, int64_t v)
{
  char key[512], val[32];
  int64_t old;

  if(bm_smap_get(m, sku, &old) && old == v)
    return BMC_OK;
  if(market)
    snprintf(key, sizeof(key), "%s%s/%s", prefix, market, sku);
  else
    snprintf(key, sizeof(key), "%s%s", prefix, sku);
  snprintf(val, sizeof(val), "%lld", (long long)v);
  return bm_state_put(bi, key, val); /* nothing stored in a dry run */
}

/* What Back Market holds for sku, recorded; counted when it was news. */
static int
bm_dl_held(struct bm_dl_ctx *c, const char *sku, int64_t qty)
{
  int64_t old;

  if(!bm_smap_get(&c->held, sku, &old) || old != qty)
    c->held_changed++;
  return bm_dl_put(c->bi, &c->held, BM_KEY_QTY, NULL, sku, qty);
}

static int
bm_dl_zero_add(struct bm_dl_ctx *c, const char *sku, const char *id,
               int64_t qty)
{
  struct bm_qitem *q;

  if(c->n_zero == c->cap_zero) {
    size_t ncap = c->cap_zero ? c->cap_zero * 2 : 64;
    struct bm_qitem *nz = realloc(c->zero, ncap * sizeof(*nz));

    if(!nz)
      return BMC_ERR_NOMEM;
    c->zero = nz;
    c->cap_zero = ncap;
  }
  q = &c->zero[c->n_zero];
  q->sku = strdup(sku);
  q->listing_id = strdup(id);
  q->qty = 0;
  q->old = qty;
  if(!q->sku || !q->listing_id) {
    free(q->sku);
    free(q->listing_id);
    return BMC_ERR_NOMEM;
  }
  c->n_zero++;
  return BMC_OK;
}

int
bm_listing_parse(struct json_object *l, struct bm_listing *out, char *err,
                 size_t errlen)
{
  int rc;

  memset(out, 0, sizeof(*out));
  if((rc = pc_json_str(l, "sku", 1, &out->sku, err, errlen)) ||
     (rc = pc_json_str(l, "id", 1, &out->id, err, errlen)))
    return BMC_ERR_PROTOCOL;
  if(!*out->sku || strlen(out->sku) > 255 ||
     pc_text_header_problem(out->sku) || pc_text_xml_problem(out->sku, NULL)) {
    snprintf(err, errlen, "field sku: not a usable SKU (empty, longer than "
             "255 characters, control characters or not UTF-8)");
    return BMC_ERR_PROTOCOL;
  }
  /* the id goes into request paths later: a UUID or a legacy integer */
  if(!*out->id || strlen(out->id) > 64 ||
     strspn(out->id, "0123456789abcdefABCDEF-") != strlen(out->id)) {
    snprintf(err, errlen, "field id: \"%.70s\" is not a listing id (a UUID "
             "or an integer)", out->id);
    return BMC_ERR_PROTOCOL;
  }
  out->has_price = pc_json_money(l, "price", 0, &out->price, NULL, 0) ==
                   BMC_OK;
  out->has_max = pc_json_money(l, "max_price", 0, &out->max_price, NULL,
                               0) == BMC_OK;
  rc = pc_json_int(l, "quantity", 1, &out->qty, out->qty_err,
                   sizeof(out->qty_err));
  if(rc == BMC_OK &&
     (out->qty < BM_LISTING_QTY_MIN || out->qty > BM_LISTING_QTY_MAX)) {
    snprintf(out->qty_err, sizeof(out->qty_err), "field quantity: %lld is "
             "not a plausible stock level; the listing's quantity is not "
             "recorded", (long long)out->qty);
    rc = BMC_ERR_PROTOCOL;
  }
  out->has_qty = rc == BMC_OK;
  return BMC_OK;
}

/* One listing of a page. */
static int
bm_dl_listing(struct bm_dl_ctx *c, struct json_object *l, char *errbuf,
              size_t errlen)
{
  struct bm_inst *bi = c->bi;
  struct bm_dl_prod f;
  struct bm_listing li;
  const char *sku, *id;
  int64_t qty;
  char err[200];
  int rc;

  if(bm_listing_parse(l, &li, err, sizeof(err))) {
    bm_log(bi, BMC_LOG_WARN, "listing skipped: %s", err);
    return BMC_OK;
  }
  sku = li.sku;
  id = li.id;
  qty = li.qty;
  c->listings++;
  if(li.has_price &&
     (rc = bm_dl_put(bi, &c->price, BM_KEY_PRICE, c->market, sku, li.price)))
    return rc;
  if(li.has_max && (rc = bm_dl_put(bi, &c->maxp, BM_KEY_MAXP, c->market, sku,
                                   li.max_price)))
    return rc;
  {
    const char *comment = NULL;
    int64_t minc = -1, w = -1;

    if(pc_json_money(l, "min_price", 0, &minc, NULL, 0) != BMC_OK)
      minc = -1;
    if(pc_json_str(l, "comment", 0, &comment, NULL, 0) != BMC_OK)
      comment = NULL;
    if(pc_json_int(l, "warranty_delay", 0, &w, NULL, 0) != BMC_OK)
      w = -1;
    rc = bm_dl_put(bi, &c->meta, BM_KEY_META, c->market, sku,
                   bm_meta_hash(minc, comment, w));
    if(rc)
      return rc;
  }
  if(!c->first)
    return BMC_OK;
  if(!li.has_qty) {
    bi->host->item_error(bi->hctx, sku, "protocol", li.qty_err);
    return BMC_OK;
  }
  memset(&f, 0, sizeof(f));
  rc = bi->host->product_get(bi->hctx, sku, bm_dl_prod_cb, &f);
  if(rc == BMC_ERR_NOT_FOUND || !f.found) {
    c->unknown++;
    if(qty != 0)
      return bm_dl_zero_add(c, sku, id, qty);
    return bm_dl_held(c, sku, qty);
  }
  if(rc != BMC_OK) {
    snprintf(errbuf, errlen, "product lookup of %s failed (%d)", sku, rc);
    return rc;
  }
  c->matched++;
  if(strcmp(f.listing_id, id) && !pc_gate_dry(bi->host, bi->hctx)) {
    rc = bi->host->product_set(bi->hctx, f.sku, "bm_listing_id", NULL, id);
    if(rc != BMC_OK) {
      snprintf(errbuf, errlen, "cannot set bm_listing_id of %s (%d)", f.sku,
               rc);
      return rc;
    }
    c->ids_set++;
  }
  return bm_dl_held(c, sku, qty);
}

/* Page through one market's listings. */
static int
bm_dl_market(struct bm_dl_ctx *c, char *errbuf, size_t errlen)
{
  struct bm_inst *bi = c->bi;
  struct pc_http_resp resp;
  struct pc_pager pager;
  struct json_object *j;
  char err[300], pfx[64];
  size_t i;
  int more = 1;
  int rc = BMC_OK;

  bm_smap_init(&c->price);
  bm_smap_init(&c->maxp);
  bm_smap_init(&c->meta);
  snprintf(pfx, sizeof(pfx), BM_KEY_PRICE "%s/", c->market);
  rc = bm_smap_load(bi, pfx, &c->price);
  snprintf(pfx, sizeof(pfx), BM_KEY_MAXP "%s/", c->market);
  if(rc == BMC_OK)
    rc = bm_smap_load(bi, pfx, &c->maxp);
  snprintf(pfx, sizeof(pfx), BM_KEY_META "%s/", c->market);
  if(rc == BMC_OK)
    rc = bm_smap_load(bi, pfx, &c->meta);
  pc_pager_init(&pager, &bm_listing_page, bi->http, bi->host, bi->hctx,
                bi->orders ? &bi->orders->secrets : NULL,
                "/ws/listings?page=1&page-size=50", 50,
                BM_LISTING_MAX_PAGES);
  while(rc == BMC_OK && more) {
    struct pc_page pg;

    memset(&resp, 0, sizeof(resp));
    rc = bm_cat_send(bi, "GET", pc_pager_target(&pager), c->market, NULL,
                     BM_BUDGET_CATALOG, &resp);
    if(rc != BMC_OK) {
      snprintf(errbuf, errlen, "GET /ws/listings (%s) failed (HTTP %ld): "
               "%.200s", c->market, resp.status,
               resp.body ? resp.body : resp.error);
      pc_http_resp_clear(&resp);
      break;
    }
    j = pc_json_parse(resp.body ? resp.body : "", resp.len, err, sizeof(err));
    pc_http_resp_clear(&resp);
    if(!j || pc_page_decode(&bm_listing_page, j, &pg, err, sizeof(err))) {
      snprintf(errbuf, errlen, "listings page (%s): %s", c->market, err);
      json_object_put(j);
      rc = BMC_ERR_PROTOCOL;
      break;
    }
    for(i = 0; i < pg.n_items && rc == BMC_OK; i++)
      rc = bm_dl_listing(c, json_object_array_get_idx(pg.items, i), errbuf,
                         errlen);
    if(rc == BMC_OK &&
       pc_pager_step(&pager, &pg, &more, err, sizeof(err)) != BMC_OK) {
      snprintf(errbuf, errlen, "listings (%s): %s", c->market, err);
      rc = BMC_ERR_PROTOCOL;
    }
    json_object_put(j);
    if(c->first) {
      c->count = pc_pager_total(&pager, c->listings);
      bi->host->job_progress(bi->hctx, c->listings, c->count);
    }
  }
  pc_pager_free(&pager);
  bm_smap_free(&c->price);
  bm_smap_free(&c->maxp);
  bm_smap_free(&c->meta);
  return rc;
}

int
bm_active_listing_download(struct bm_inst *bi, char *errbuf, size_t errlen)
{
  char markets[BM_MAX_MARKETS][8];
  struct bm_push_stats st;
  struct bm_dl_ctx c;
  int n, m, rc;

  rc = bm_client_ready(bi, errbuf, errlen);
  if(rc != BMC_OK)
    return rc;
  n = bm_markets(bi, markets, BM_MAX_MARKETS);
  if(n == 0) {
    snprintf(errbuf, errlen, "setting markets names no Back Market market");
    return BMC_ERR_CONFIG;
  }
  memset(&c, 0, sizeof(c));
  memset(&st, 0, sizeof(st));
  c.bi = bi;
  bm_smap_init(&c.held);
  rc = bm_smap_load(bi, BM_KEY_QTY, &c.held);
  for(m = 0; m < n && rc == BMC_OK; m++) {
    c.market = markets[m];
    c.first = (m == 0);
    rc = bm_dl_market(&c, errbuf, errlen);
  }
  bm_smap_free(&c.held);
  if(rc == BMC_OK && c.n_zero) {
    bm_log(bi, BMC_LOG_INFO, "%zu SKUs on Back Market are not in the host: "
           "setting them to quantity 0", c.n_zero);
    rc = bm_qty_push(bi, c.zero, c.n_zero, &st, errbuf, errlen);
  }
  /* a listing id or a quantity the plugin did not know is no change of the
   * host's feed: the next Inventory and Prices Upload compare the whole
   * catalog */
  if(rc == BMC_OK && (c.ids_set || c.held_changed) &&
     (rc = bm_cursor_forget(bi, "inventory")) == BMC_OK)
    rc = bm_cursor_forget(bi, "price");
  if(rc == BMC_OK)
    bm_log(bi, BMC_LOG_INFO, "active listings: %lld listed, %lld matched, "
           "%lld listing ids set, %lld not in the host (%zu zeroed, %zu wait "
           "for the next run)", (long long)c.listings, (long long)c.matched,
           (long long)c.ids_set, (long long)c.unknown, st.ok, st.deferred);
  bm_qitems_free(c.zero, c.n_zero);
  return rc;
}
