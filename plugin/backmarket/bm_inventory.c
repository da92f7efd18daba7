/*
 * bm_inventory.c -- Inventory Upload (every 5 minutes) and the quantity
 * push engine it shares with Active Listing Download: only changes since
 * the last successful push (the state store remembers what Back Market
 * holds, loaded once into a hash), zero-outs first, then other decreases,
 * then increases, never more SKU lines than the budget allows (the rest
 * waits for the next run), one bulk CSV task for many changes and single
 * updates for a few.  Sell-outs may use the whole hourly budget; the other
 * changes leave zero_reserve_pct of it for sell-outs still to come and are
 * spread over the hour's twelve runs (bm_qty_plan), so a morning of
 * restocks cannot starve an afternoon sell-out.  With zero_disabled on, a
 * listed product that Back Market still holds with stock but that is now
 * disabled in the host or left out by the upload filter is taken to 0
 * (a zero-out like any other), once.  With custom_inventory_calc on, the
 * quantity starts from the host's Custom Inventory Calculation instead of
 * the available quantity.  On a selection (Update Inventory on Channel,
 * Update Price and Qty) only the selected products are read and pushed,
 * within the same budgets and order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm_catalog_side.h"
#include "pc_budget.h"
#include "pc_csv.h"
#include "pc_gate.h"
#include "pc_host.h"
#include "pc_http.h"

#define BM_CSV_MAX_ROWS 14999 /* 15,000 lines per file, header included */
#define BM_RUNS_PER_HOUR 12   /* Inventory Upload runs every 5 minutes */

void
bm_qitems_free(struct bm_qitem *items, size_t n)
{
  size_t i;

  if(!items)
    return;
  for(i = 0; i < n; i++) {
    free(items[i].sku);
    free(items[i].listing_id);
  }
  free(items);
}

static int
bm_qcmp(const void *a, const void *b)
{
  const struct bm_qitem *x = a, *y = b;
  int cx = bm_qclass(x), cy = bm_qclass(y);

  if(cx != cy)
    return cx - cy;
  return strcmp(x->sku, y->sku);
}

/* After a send: for each zero-out Back Market now holds (recorded 0),
 * one sample of "soldout_to_zero_s", the seconds from the first cycle
 * that saw the sell-out to this one (the host's Health page charts it).
 * Nothing in a dry run. */
static void
bm_soldout_latency(struct bm_inst *bi, const struct bm_qitem *items,
                   size_t n, int64_t now_ms)
{
  char key[512], val[32];
  size_t i, len;

  if(pc_gate_dry(bi->host, bi->hctx))
    return;
  for(i = 0; i < n; i++) {
    if(items[i].qty != 0 || items[i].since_ms <= 0 ||
       items[i].since_ms > now_ms)
      continue;
    snprintf(key, sizeof(key), BM_KEY_QTY "%s", items[i].sku);
    len = 0;
    if(bi->host->state_get(bi->hctx, key, val, sizeof(val), &len) ||
       len != 1 || val[0] != '0')
      continue; /* not sent, refused or unconfirmed: not at 0 yet */
    pc_metric(bi->host, bi->hctx, "", "soldout_to_zero_s",
              (double)(now_ms - items[i].since_ms) / 1000.0);
  }
}

/* Record that Back Market holds qty for the SKU, through b (NULL: at
 * once; else durable when b is flushed). */
static int
bm_qrecord_in(struct bm_inst *bi, struct bm_pbatch *b, const char *sku,
              int64_t qty)
{
  char key[512], val[32];
  int n;

  snprintf(key, sizeof(key), BM_KEY_QTY "%s", sku);
  n = snprintf(val, sizeof(val), "%lld", (long long)qty);
  if(bm_pbatch_write(bi, b, key, val, (size_t)n) != BMC_OK)
    return BMC_ERR_INTERNAL;
  /* Back Market holds it now: a pending change of the SKU is done (a later
   * change of the product comes again through the change feed) */
  return bm_pending_drop_in(bi, b, sku);
}

static int
bm_qrecord(struct bm_inst *bi, const char *sku, int64_t qty)
{
  return bm_qrecord_in(bi, NULL, sku, qty);
}

/* The audit trail's view of one quantity change (b holds the numbers). */
struct bm_qchange_buf {
  char old[24], nw[24];
};

static void
bm_qchange(const struct bm_qitem *q, struct bm_qchange_buf *b,
           struct bmc_change *c)
{
  memset(c, 0, sizeof(*c));
  c->size = sizeof(*c);
  c->sku = q->sku;
  c->field = "quantity";
  if(q->old >= 0) {
    snprintf(b->old, sizeof(b->old), "%lld", (long long)q->old);
    c->old_value = b->old;
  }
  snprintf(b->nw, sizeof(b->nw), "%lld", (long long)q->qty);
  c->new_value = b->nw;
}

static int
bm_id_safe(const char *s)
{
  if(!s || !*s)
    return 0;
  for(; *s; s++)
    if(!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
         (*s >= 'A' && *s <= 'Z') || *s == '-'))
      return 0;
  return 1;
}

struct bm_qbulk_ctx {
  struct bm_inst *bi;
  struct bm_qitem *items; /* sorted; sku order within classes */
  size_t n;
  struct bm_smap idx;      /* sku -> item index */
  struct bm_push_stats *st;
  struct bm_pbatch pb;     /* the records of accepted rows, committed
                              together when the task's rows are read */
};

static void
bm_qbulk_row(void *ud, const char *sku, int ok, const char *listing_id,
             const char *reason)
{
  struct bm_qbulk_ctx *c = ud;
  int64_t i;

  if(!bm_smap_get(&c->idx, sku, &i))
    return;
  if(ok) {
    if(bm_qrecord_in(c->bi, &c->pb, sku, c->items[i].qty) == BMC_OK)
      c->st->ok++;
    else
      c->st->failed++;
  }
  else {
    c->st->failed++;
    c->bi->host->item_error(c->bi->hctx, sku, "remote_reject",
                            reason ? reason : "refused by Back Market");
  }
}

static int
bm_qpush_bulk(struct bm_inst *bi, struct bm_qitem *items, size_t n,
              struct bm_push_stats *st, char *errbuf, size_t errlen)
{
  struct bm_qbulk_ctx c;
  struct pc_csv csv;
  const char **skus;
  struct bmc_change *chg;
  struct bm_qchange_buf *cb;
  size_t i;
  int rc = BMC_OK;

  skus = calloc(n + 1, sizeof(*skus));
  chg = calloc(n + 1, sizeof(*chg));
  cb = calloc(n + 1, sizeof(*cb));
  if(!skus || !chg || !cb) {
    free(skus);
    free(chg);
    free(cb);
    return BMC_ERR_NOMEM;
  }
  memset(&c, 0, sizeof(c));
  c.bi = bi;
  c.items = items;
  c.n = n;
  c.st = st;
  bm_smap_init(&c.idx);
  bm_pbatch_init(&c.pb, bi);
  pc_csv_init(&csv, ',', '"', 0);
  if(pc_csv_field(&csv, "sku") || pc_csv_field(&csv, "quantity") ||
     pc_csv_end_row(&csv))
    rc = BMC_ERR_NOMEM;
  for(i = 0; i < n && rc == BMC_OK; i++) {
    skus[i] = items[i].sku;
    bm_qchange(&items[i], &cb[i], &chg[i]);
    if(pc_csv_field(&csv, items[i].sku) ||
       pc_csv_fieldf(&csv, "%lld", (long long)items[i].qty) ||
       pc_csv_end_row(&csv) ||
       bm_smap_put(&c.idx, items[i].sku, (int64_t)i))
      rc = BMC_ERR_NOMEM;
  }
  if(rc == BMC_OK) {
    st->requests++;
    st->sent += n;
    rc = bm_bulk_run(bi, NULL, pc_csv_text(&csv), skus, n, chg, bm_qbulk_row,
                     &c, errbuf, errlen);
    if(bm_pbatch_flush(&c.pb) != BMC_OK) {
      /* sent but not recorded: still pending, sent again next cycle */
      snprintf(errbuf, errlen, "inventory: the store refused to record the "
               "quantities Back Market accepted; they stay pending and are "
               "sent again next cycle");
      if(rc == BMC_OK)
        rc = BMC_ERR_INTERNAL;
    }
    if(rc == PC_GATE_DRY) {
      st->ok += n;
      rc = BMC_OK;
    }
  }
  else
    snprintf(errbuf, errlen, "inventory: cannot build the CSV");
  pc_csv_free(&csv);
  bm_pbatch_free(&c.pb);
  bm_smap_free(&c.idx);
  free(skus);
  free(chg);
  free(cb);
  return rc;
}

static int
bm_qpush_single(struct bm_inst *bi, struct pc_budget *lines,
                struct bm_qitem *q, struct bm_push_stats *st, char *errbuf,
                size_t errlen)
{
  struct pc_http_resp resp;
  struct bmc_change chg;
  struct bm_qchange_buf cb;
  char target[160], body[64];
  int rc;

  if(!bm_id_safe(q->listing_id)) {
    st->failed++;
    bi->host->item_error(bi->hctx, q->sku, "no_listing",
                         "no valid Back Market listing id; run Active "
                         "Listing Download");
    return BMC_OK;
  }
  if(lines && (rc = pc_budget_take(lines, 1, 0)) != BMC_OK)
    return rc;
  snprintf(target, sizeof(target), "/ws/listings/%s", q->listing_id);
  snprintf(body, sizeof(body), "{\"quantity\":%lld}", (long long)q->qty);
  memset(&resp, 0, sizeof(resp));
  st->requests++;
  st->sent++;
  bm_qchange(q, &cb, &chg);
  rc = bm_cat_write(bi, "POST", target, NULL, body, BM_BUDGET_CATALOG, &chg,
                    1, &resp);
  if(rc == PC_GATE_DRY) {
    st->ok++;
    return BMC_OK;
  }
  if(rc == BMC_OK) {
    struct bm_listing_want w = {q->listing_id, q->qty, -1};
    char why[600], msg[800], key[512];

    if(bm_listing_confirm(bi, NULL, &resp, &w, why, sizeof(why)) ==
       BMC_OK) {
      if(bm_qrecord(bi, q->sku, q->qty) == BMC_OK)
        st->ok++;
      else
        st->failed++;
    }
    else {
      snprintf(msg, sizeof(msg), "listing %s: quantity %lld was answered "
               "with success but is not confirmed: %s; recorded as "
               "unconfirmed and sent again next run", q->listing_id,
               (long long)q->qty, why);
      bm_log(bi, BMC_LOG_WARN, "SKU %s: %s", q->sku, msg);
      bi->host->item_error(bi->hctx, q->sku, "push_unconfirmed", msg);
      snprintf(key, sizeof(key), BM_KEY_QTY "%s", q->sku);
      if(bm_record_unconfirmed(bi, key, q->qty) != BMC_OK)
        st->failed++;
      st->unconfirmed++;
    }
  }
  else if(rc == BMC_ERR_REMOTE_REJECT) {
    char msg[300];

    snprintf(msg, sizeof(msg), "quantity %lld refused (HTTP %ld): %.200s",
             (long long)q->qty, resp.status, resp.body ? resp.body : "");
    st->failed++;
    bi->host->item_error(bi->hctx, q->sku, "remote_reject", msg);
    rc = BMC_OK;
  }
  else
    snprintf(errbuf, errlen, "quantity update of %s failed (HTTP %ld): %s",
             q->sku, resp.status, resp.error);
  pc_http_resp_clear(&resp);
  return rc;
}

/* Send items[0..fit) (in order): one bulk task above bulk_threshold,
 * else single updates; the lines taken from the SKU-line budget. */
static int
bm_qty_send(struct bm_inst *bi, struct bm_qitem *items, size_t fit,
            struct bm_push_stats *st, char *errbuf, size_t errlen)
{
  struct pc_budget *lines = bm_budget(bi, BM_BUDGET_SKU_LINES);
  int64_t threshold = bm_cset_int(bi, "bulk_threshold", 20);
  size_t i;
  int rc = BMC_OK;

  if(!fit)
    return BMC_OK;
  if((int64_t)fit > threshold) {
    if(lines && (rc = pc_budget_take(lines, (int64_t)fit, 0)) != BMC_OK) {
      st->deferred += fit;
      bm_log(bi, BMC_LOG_WARN, "SKU-line budget refused %zu lines; the "
             "changes wait for the next run", fit);
      return BMC_OK;
    }
    return bm_qpush_bulk(bi, items, fit, st, errbuf, errlen);
  }
  for(i = 0; i < fit; i++) {
    rc = bm_qpush_single(bi, lines, &items[i], st, errbuf, errlen);
    if(rc == BMC_ERR_BUDGET) {
      st->deferred += fit - i;
      bm_log(bi, BMC_LOG_WARN, "request budget reached: %zu quantity "
             "changes wait for the next run", fit - i);
      return BMC_OK;
    }
    if(rc != BMC_OK)
      return rc;
  }
  return BMC_OK;
}

int
bm_qty_push(struct bm_inst *bi, struct bm_qitem *items, size_t n,
            struct bm_push_stats *st, char *errbuf, size_t errlen)
{
  struct pc_budget *lines = bm_budget(bi, BM_BUDGET_SKU_LINES);
  int64_t limit = lines ? pc_budget_limit(lines) : 0;
  int64_t avail = limit > 0 ? pc_budget_available(lines) : (int64_t)n;
  int64_t reserve = 0, pace = (int64_t)n;
  size_t fit, i, n_zero = 0, zero_deferred = 0;

  memset(st, 0, sizeof(*st));
  st->wanted = n;
  if(!n)
    return BMC_OK;
  qsort(items, n, sizeof(*items), bm_qcmp);
  for(i = 0; i < n; i++)
    n_zero += bm_qclass(&items[i]) == 0;
  if(limit > 0) {
    /* keep part of the hour for sell-outs and spread the other changes
     * over the hour's runs (see bm_qty_plan) */
    reserve = limit * bm_cset_int(bi, "zero_reserve_pct", 30) / 100;
    pace = (limit + BM_RUNS_PER_HOUR - 1) / BM_RUNS_PER_HOUR;
  }
  fit = bm_qty_plan(n, n_zero, avail, reserve, pace);
  if(fit > BM_CSV_MAX_ROWS)
    fit = BM_CSV_MAX_ROWS;
  st->deferred = n - fit;
  for(i = fit; i < n; i++)
    zero_deferred += bm_qclass(&items[i]) == 0;
  if(st->deferred)
    bm_log(bi, zero_deferred ? BMC_LOG_WARN : BMC_LOG_INFO,
           "SKU-line budget (%lld available, %lld kept for sell-outs, %lld "
           "other changes per run): %zu of %zu quantity changes wait for "
           "the next run (%zu of them zero-outs)", (long long)avail,
           (long long)reserve, (long long)pace, st->deferred, n,
           zero_deferred);
  return bm_qty_send(bi, items, fit, st, errbuf, errlen);
}

/* ---- the inventory_upload action ---- */

/* With zero_disabled on, the remembered quantities also carry a mark: a
 * SKU that a product still on sale (enabled, passing the filter) has read
 * is stored as BM_HELD_CLAIMED - old, so that a disabled product sharing
 * its merchant SKU does not take it offline.  Only positive values are
 * marked (zero-outs need old > 0), so a mark is always <= BM_HELD_CLAIMED. */
#define BM_HELD_CLAIMED (-2)

struct bm_inv_ctx {
  struct bm_inst *bi;
  struct bm_qty_defaults d;
  char markets[BM_MAX_MARKETS][8];
  int n_markets;
  int use_calc, calc_warned;
  struct bm_filter *filter;
  struct bm_smap held;         /* sku -> quantity Back Market holds */
  struct bm_qitem *items;
  size_t n, cap;
  struct bm_qitem *zc;         /* disabled or filtered out, held > 0 */
  size_t nz, zcap;
  int zero_disabled;
  int feed, need_full;         /* reading the change feed; it cannot say */
  struct bm_pbatch *pb;        /* the feed's pending-set writes */
  int64_t now_ms;
  int64_t seen, filtered, unlisted, disabled, zeroed, calc_failed;
  int rc;
};

/* What Back Market holds for sku as the state store says (the change-feed
 * cycle reads it per changed SKU): 1 and *old, else 0. */
static int
bm_held_stored(struct bm_inst *bi, const char *sku, int64_t *old)
{
  char key[512], val[32], *end;
  size_t len = 0;
  long long v;

  snprintf(key, sizeof(key), BM_KEY_QTY "%s", sku);
  if(bi->host->state_get(bi->hctx, key, val, sizeof(val), &len) != BMC_OK)
    return 0;
  v = strtoll(val, &end, 10);
  if(end == val || *end)
    return 0; /* unconfirmed: sent again */
  *old = v;
  return 1;
}

/* One changed product of the feed that is not (or no longer) offered:
 * its pending change is void; with zero_disabled on, one Back Market
 * holds stock for needs the full pass (another product may share its
 * merchant SKU). */
static int
bm_feed_inactive(struct bm_inv_ctx *c, const struct bm_view *v)
{
  int64_t old = -1;

  if(c->zero_disabled && v->listing_id &&
     bm_held_stored(c->bi, v->sku, &old) && old > 0) {
    c->need_full = 1;
    return 1; /* stop: the cycle reads the whole catalog instead */
  }
  return (c->rc = bm_pending_drop_in(c->bi, c->pb, v->sku)) != BMC_OK;
}

/* What Back Market holds for sku: 1 and *old (*claimed when a product on
 * sale has read it), or 0 when nothing is remembered. */
static int
bm_held_get(const struct bm_smap *held, const char *sku, int64_t *old,
            int *claimed)
{
  int64_t v;

  *claimed = 0;
  if(!bm_smap_get(held, sku, &v))
    return 0;
  if(v <= BM_HELD_CLAIMED) {
    *claimed = 1;
    v = BM_HELD_CLAIMED - v;
  }
  *old = v;
  return 1;
}

static int
bm_held_claim(struct bm_smap *held, const char *sku, int64_t old)
{
  return bm_smap_put(held, sku, BM_HELD_CLAIMED - old);
}

/* Room for one more change in *arr (grown by doubling); BMC_ERR_NOMEM. */
static int
bm_inv_grow(struct bm_qitem **arr, size_t n, size_t *cap)
{
  size_t ncap = *cap ? *cap * 2 : 256;
  struct bm_qitem *ni;

  if(n < *cap)
    return BMC_OK;
  ni = realloc(*arr, ncap * sizeof(*ni));
  if(!ni)
    return BMC_ERR_NOMEM;
  *arr = ni;
  *cap = ncap;
  return BMC_OK;
}

/* Append one change to *arr; BMC_ERR_NOMEM. */
static int
bm_inv_add(struct bm_qitem **arr, size_t *n, size_t *cap, const char *sku,
           const char *listing_id, int64_t qty, int64_t old)
{
  struct bm_qitem *q;

  if(bm_inv_grow(arr, *n, cap) != BMC_OK)
    return BMC_ERR_NOMEM;
  q = &(*arr)[*n];
  q->sku = strdup(sku);
  q->listing_id = strdup(listing_id);
  q->qty = qty;
  q->old = old;
  q->since_ms = 0;
  if(!q->sku || !q->listing_id) {
    free(q->sku);
    free(q->listing_id);
    return BMC_ERR_NOMEM;
  }
  (*n)++;
  return BMC_OK;
}

/* A product that is disabled or filtered out (zero_disabled on): a zero-out
 * candidate when it is listed and Back Market holds stock for it. */
static int
bm_inv_inactive(struct bm_inv_ctx *c, const struct bm_view *v)
{
  int64_t old = -1;
  int claimed;

  if(!v->listing_id)
    return 0;
  if(!bm_held_get(&c->held, v->sku, &old, &claimed) || claimed || old <= 0)
    return 0;
  if(bm_inv_add(&c->zc, &c->nz, &c->zcap, v->sku, v->listing_id, 0, old))
    return c->rc = BMC_ERR_NOMEM;
  return 0;
}

static int
bm_inv_product(void *ud, const struct bmc_product *p)
{
  struct bm_inv_ctx *c = ud;
  struct bm_view v;
  const char *sku;
  int64_t qty, old = -1, avail;
  int found, claimed;

  bm_view_init(&v, p);
  sku = v.sku;
  if(!bm_view_on_sale(&v, c->markets, c->n_markets)) {
    c->disabled++;
    if(c->feed)
      return bm_feed_inactive(c, &v);
    return c->zero_disabled ? bm_inv_inactive(c, &v) : 0;
  }
  c->seen++;
  if(!bm_filter_match(c->filter, &v)) {
    c->filtered++;
    if(c->feed)
      return bm_feed_inactive(c, &v);
    return c->zero_disabled ? bm_inv_inactive(c, &v) : 0;
  }
  if(c->feed)
    found = bm_held_stored(c->bi, sku, &old);
  else if(c->zero_disabled) {
    found = bm_held_get(&c->held, sku, &old, &claimed);
    if(found && !claimed && old > 0 && bm_held_claim(&c->held, sku, old))
      return c->rc = BMC_ERR_NOMEM;
  }
  else
    found = bm_smap_get(&c->held, sku, &old);
  if(!v.listing_id) {
    c->unlisted++;
    return c->feed ? (c->rc = bm_pending_drop_in(c->bi, c->pb, sku)) !=
                         BMC_OK
                   : 0;
  }
  if(bm_available(c->bi, p, c->use_calc, &c->calc_warned, &avail)) {
    c->calc_failed++;
    c->bi->host->item_error(c->bi->hctx, sku, "inventory_calc",
                            "the host's Custom Inventory Calculation failed "
                            "(see the job log); quantity not changed");
    return 0;
  }
  qty = bm_qty_compute(avail, v.safety_qty, v.max_qty, &c->d);
  if(!found)
    old = -1;
  else if(old == qty)
    return c->feed ? (c->rc = bm_pending_drop_in(c->bi, c->pb, sku)) !=
                         BMC_OK
                   : 0;
  if(c->feed) { /* straight into the durable pending set */
    struct bm_qitem q = {(char *)sku, (char *)v.listing_id, qty, old, 0};

    c->n++;
    return (c->rc = bm_pending_put(c->pb, &q, c->now_ms)) != BMC_OK;
  }
  if(bm_inv_add(&c->items, &c->n, &c->cap, sku, v.listing_id, qty, old))
    return c->rc = BMC_ERR_NOMEM;
  return 0;
}

/* After the whole catalog was read: the zero-out candidates whose SKU no
 * product on sale claimed (and not twice) join the changes. */
static int
bm_inv_zero_inactive(struct bm_inv_ctx *c)
{
  struct bm_qitem *z;
  int64_t old;
  size_t i;
  int claimed;

  for(i = 0; i < c->nz; i++) {
    z = &c->zc[i];
    if(!bm_held_get(&c->held, z->sku, &old, &claimed) || claimed)
      continue;
    if(bm_held_claim(&c->held, z->sku, old) ||
       bm_inv_grow(&c->items, c->n, &c->cap))
      return BMC_ERR_NOMEM;
    c->items[c->n++] = *z;
    z->sku = z->listing_id = NULL;
    c->zeroed++;
  }
  return BMC_OK;
}

/* The whole catalog (and the remembered quantities, in one hash): every
 * product on sale whose quantity differs from what Back Market holds, and
 * with zero_disabled the disabled or filtered-out ones it still holds
 * stock for, in c->items. */
static int
bm_inv_full(struct bm_inv_ctx *c, char *errbuf, size_t errlen)
{
  struct bm_inst *bi = c->bi;
  int rc;

  c->feed = 0;
  rc = bm_smap_load(bi, BM_KEY_QTY, &c->held);
  if(rc != BMC_OK)
    snprintf(errbuf, errlen, "inventory: cannot read the pushed quantities");
  if(rc == BMC_OK) {
    /* zero_disabled reads the disabled products too, in the same pass */
    rc = bm_products_each(bi, !c->zero_disabled, bm_inv_product, c);
    if(c->rc != BMC_OK)
      rc = c->rc;
    if(rc != BMC_OK)
      snprintf(errbuf, errlen, "inventory: reading the catalog failed (%d)",
               rc);
  }
  if(rc == BMC_OK && (rc = bm_inv_zero_inactive(c)) != BMC_OK)
    snprintf(errbuf, errlen, "inventory: out of memory");
  bm_smap_free(&c->held);
  bm_smap_init(&c->held);
  return rc;
}

/* The changes since the cursor into the pending set, its writes
 * committed BM_PBATCH_MAX at a time and all of them before this returns
 * (the cursor is saved after); c->need_full when the feed cannot say
 * (then nothing was skipped: the full pass follows). */
static int
bm_inv_changes(struct bm_inv_ctx *c, int64_t since, int64_t upto,
               char *errbuf, size_t errlen)
{
  struct bm_pbatch pb;
  int rc;

  bm_pbatch_init(&pb, c->bi);
  c->pb = &pb;
  c->feed = 1;
  rc = c->bi->host->changes_each(c->bi->hctx, since, upto, bm_inv_product,
                                 c);
  if(c->rc != BMC_OK)
    rc = c->rc;
  else if(c->need_full)
    rc = BMC_OK;
  if(rc == BMC_OK && (rc = bm_pbatch_flush(&pb)) != BMC_OK)
    snprintf(errbuf, errlen, "inventory: cannot store the pending "
             "changes (%d)", rc);
  else if(rc != BMC_OK)
    snprintf(errbuf, errlen, "inventory: reading the change feed failed "
             "(%d)", rc);
  bm_pbatch_free(&pb);
  c->pb = NULL;
  c->feed = 0;
  return rc;
}

/* Send what the pacing allows of the pending set, first in order. */
static int
bm_inv_send_pending(struct bm_inv_ctx *c, struct bm_push_stats *st,
                    char *errbuf, size_t errlen)
{
  struct bm_inst *bi = c->bi;
  struct pc_budget *lines = bm_budget(bi, BM_BUDGET_SKU_LINES);
  int64_t limit = lines ? pc_budget_limit(lines) : 0, allowance, reserve;
  int64_t share;
  struct bm_qitem *items = NULL;
  struct bm_pace pace;
  size_t n = 0;
  int rc;

  memset(st, 0, sizeof(*st));
  bm_pace_load(bi, &pace);
  if(limit > 0) {
    bm_pace_accrue(&pace, limit, c->now_ms);
    allowance = bm_pace_allowance(&pace, pc_budget_available(lines));
    reserve = bm_pace_reserve(limit, bm_cset_int(bi, "zero_reserve_pct",
                                                 30));
    share = bm_pace_share(limit);
  }
  else {
    allowance = share = BM_CSV_MAX_ROWS;
    reserve = 0;
  }
  rc = bm_pending_take(bi, allowance, share, reserve, BM_CSV_MAX_ROWS,
                       &items, &n);
  if(rc != BMC_OK) {
    snprintf(errbuf, errlen, "inventory: cannot read the pending changes");
    bm_qitems_free(items, n);
    return rc;
  }
  st->wanted = n;
  rc = bm_qty_send(bi, items, n, st, errbuf, errlen);
  bm_soldout_latency(bi, items, n, c->now_ms);
  if(limit > 0) {
    bm_pace_spend(&pace, (int64_t)(st->sent < n ? n : st->sent));
    if(bm_pace_save(bi, &pace) != BMC_OK && rc == BMC_OK)
      rc = BMC_ERR_INTERNAL;
  }
  bm_log(bi, BMC_LOG_INFO, "pacing: %lld lines this cycle (%lld kept for "
         "sell-outs), %zu pending changes taken in order", (long long)allowance,
         (long long)reserve, n);
  bm_qitems_free(items, n);
  return rc;
}

/* A cycle of the change feed: the changes since the cursor (or the whole
 * catalog when the feed cannot answer from it) into the pending set, the
 * cursor moved to the head read at the start, then the paced send.  A
 * crash before the cursor is saved reads the same changes again (pending
 * entries are replaced, not added); one after it finds them pending. */
static int
bm_inv_cycle(struct bm_inv_ctx *c, int64_t *n_changed, const char **full,
             char *errbuf, size_t errlen)
{
  struct bm_inst *bi = c->bi;
  struct bmc_feed_head fh;
  struct bm_cursor cur;
  uint64_t cfg = bm_qty_settings_hash(bi);
  int have, rc;

  memset(&fh, 0, sizeof(fh));
  fh.size = (uint32_t)sizeof(fh);
  rc = bi->host->feed_head(bi->hctx, &fh);
  if(rc != BMC_OK) {
    snprintf(errbuf, errlen, "inventory: the host's change feed failed (%d)",
             rc);
    return rc;
  }
  have = bm_cursor_load(bi, "inventory", &cur) == BMC_OK;
  *full = bm_cursor_full_why(have, &cur, &fh, cfg, c->now_ms);
  if(!*full) {
    bm_log(bi, BMC_LOG_INFO, "inventory: the changes after %lld up to %lld",
           (long long)cur.n, (long long)fh.head);
    rc = bm_inv_changes(c, cur.n, fh.head, errbuf, errlen);
    if(rc != BMC_OK)
      return rc;
    if(c->need_full)
      *full = "a product Back Market holds stock for is no longer offered";
    else
      *n_changed = c->n;
  }
  if(*full) {
    bm_log(bi, BMC_LOG_INFO, "inventory: full pass (%s)", *full);
    c->n = 0;
    c->seen = c->filtered = c->unlisted = c->disabled = c->calc_failed = 0;
    rc = bm_inv_full(c, errbuf, errlen);
    if(rc == BMC_OK &&
       (rc = bm_pending_rebuild(bi, c->items, c->n, c->now_ms)) != BMC_OK)
      snprintf(errbuf, errlen, "inventory: cannot store the pending "
               "changes");
    if(rc != BMC_OK)
      return rc;
    *n_changed = (int64_t)c->n;
    cur.full_ms = c->now_ms;
  }
  snprintf(cur.epoch, sizeof(cur.epoch), "%s", fh.epoch);
  cur.n = fh.head;
  cur.resync = fh.resync;
  cur.cfg = cfg;
  rc = bm_cursor_save(bi, "inventory", &cur);
  if(rc != BMC_OK)
    snprintf(errbuf, errlen, "inventory: cannot store the change number");
  return rc;
}

int
bm_inventory_upload(struct bm_inst *bi, char *errbuf, size_t errlen)
{
  struct bm_inv_ctx c;
  struct bm_push_stats st;
  const char *full = NULL;
  int64_t changed = 0;
  char off[160];
  int rc, by_feed;

  rc = bm_client_ready(bi, errbuf, errlen);
  if(rc != BMC_OK)
    return rc;
  memset(&c, 0, sizeof(c));
  memset(&st, 0, sizeof(st));
  c.bi = bi;
  c.d.safety = (int)bm_cset_int(bi, "default_safety_qty", 0);
  c.d.max = (int)bm_cset_int(bi, "default_max_qty", 0);
  c.use_calc = bm_cset_bool(bi, "custom_inventory_calc");
  c.zero_disabled = bm_cset_bool(bi, "zero_disabled");
  c.n_markets = bm_markets(bi, c.markets, BM_MAX_MARKETS);
  c.now_ms = bi->host->now_ms(bi->hctx);
  bm_smap_init(&c.held);
  /* a selection is read and sent as it is; the scheduled cycle goes
   * through the change feed and the pending set */
  by_feed = !bi->n_sel && BMC_HOST_HAS(bi->host, changes_each);
  rc = bm_upload_filter(bi, &c.filter, errbuf, errlen);
  if(rc == BMC_OK && by_feed) {
    rc = bm_inv_cycle(&c, &changed, &full, errbuf, errlen);
    if(rc == BMC_OK)
      rc = bm_inv_send_pending(&c, &st, errbuf, errlen);
  }
  else if(rc == BMC_OK) {
    rc = bm_inv_full(&c, errbuf, errlen);
    if(rc == BMC_OK)
      rc = bm_qty_push(bi, c.items, c.n, &st, errbuf, errlen);
    changed = (int64_t)c.n;
  }
  if(rc == BMC_OK) {
    off[0] = '\0';
    if(c.zero_disabled)
      snprintf(off, sizeof(off), ", %lld disabled; %lld disabled or "
               "filtered out taken to 0", (long long)c.disabled,
               (long long)c.zeroed);
    bi->host->job_progress(bi->hctx, (int64_t)st.ok, (int64_t)st.wanted);
    bm_log(bi, BMC_LOG_INFO, "inventory%s%s: %lld products read (%lld "
           "enabled), %lld filtered out, %lld without listing%s; %lld "
           "changed, %zu sent in %zu requests, %zu ok, %zu failed, %zu "
           "unconfirmed, %zu wait for the next run",
           bi->n_sel ? " (selection)" : "",
           !by_feed ? "" : full ? " (full pass)" : " (changes)",
           (long long)(c.seen + c.disabled), (long long)c.seen,
           (long long)c.filtered, (long long)c.unlisted, off,
           (long long)changed, st.sent, st.requests, st.ok, st.failed,
           st.unconfirmed, st.deferred);
  }
  bm_qitems_free(c.items, c.n);
  bm_qitems_free(c.zc, c.nz);
  bm_filter_free(c.filter);
  return rc;
}
