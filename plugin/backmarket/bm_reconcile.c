/*
 * bm_reconcile.c -- Reconciliation with Back Market (daily and by hand):
 * reads every listing back through Active Listing Download (all pages,
 * within the catalog budget, paced by the client), compares what Back
 * Market holds with what the plugin believed it held and with what the
 * host wants, repairs the drift through the normal budgeted pushes
 * (Inventory Upload: zero-outs first; Prices Upload) and reports it by
 * kind -- quantity too high, quantity too low, price, unknown SKU,
 * missing listing -- in the job log and the error queue.  Every repair
 * goes through the write gate with trigger "reconciliation".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm_catalog_side.h"
#include "bm_plugin.h"
#include "pc_gate.h"

struct bm_recon {
  int64_t too_high, too_low, price, unknown, missing, believed;
};

static int
bm_recon_found_cb(void *ud, const struct bmc_product *p)
{
  (void)p;
  *(int *)ud = 1;
  return 0;
}

/* One change about to be sent during a reconciliation: counted and
 * reported by kind. */
static void
bm_recon_note(struct bm_inst *bi, const struct bmc_change *c)
{
  struct bm_recon *r = bi->recon;
  char msg[600];
  const char *code = NULL;
  long long o, n;
  int found = 0;

  if(!c->field || !c->sku)
    return;
  if(!strcmp(c->field, "price")) {
    r->price++;
    code = "drift_price";
    snprintf(msg, sizeof(msg), "reconciliation: %s price on Back Market is "
             "%s, the host wants %s; repaired", c->market ? c->market : "",
             c->old_value ? c->old_value : "unknown",
             c->new_value ? c->new_value : "none");
  }
  else if(!strcmp(c->field, "quantity")) {
    o = c->old_value ? strtoll(c->old_value, NULL, 10) : 0;
    n = c->new_value ? strtoll(c->new_value, NULL, 10) : 0;
    bi->host->product_get(bi->hctx, c->sku, bm_recon_found_cb, &found);
    if(!found) {
      r->unknown++;
      code = "drift_unknown_sku";
      snprintf(msg, sizeof(msg), "reconciliation: Back Market lists this "
               "SKU with quantity %lld but the host does not know it; set "
               "to 0", o);
    }
    else if(n < o) {
      r->too_high++;
      code = "drift_qty_high";
      snprintf(msg, sizeof(msg), "reconciliation: quantity too high on Back "
               "Market (%lld, the host offers %lld); repaired", o, n);
    }
    else {
      r->too_low++;
      code = "drift_qty_low";
      snprintf(msg, sizeof(msg), "reconciliation: quantity too low on Back "
               "Market (%lld, the host offers %lld); repaired", o, n);
    }
  }
  if(!code)
    return;
  bm_log(bi, BMC_LOG_WARN, "SKU %s: %s%s", c->sku,
         pc_gate_dry(bi->host, bi->hctx) ? "dry run: " : "", msg);
  if(!pc_gate_dry(bi->host, bi->hctx)) /* a dry run reports in its log */
    bi->host->item_error(bi->hctx, c->sku, code, msg);
}

const struct bmc_change *
bm_changes_for(struct bm_inst *bi, const struct bmc_change *c, size_t n,
               struct bmc_change **copy)
{
  size_t i;

  *copy = NULL;
  if(!bi->trigger || !c || !n)
    return c;
  *copy = malloc(n * sizeof(**copy));
  if(!*copy)
    return c; /* recorded with the job's trigger: the change still goes */
  for(i = 0; i < n; i++) {
    (*copy)[i] = c[i];
    if(!(*copy)[i].trigger)
      (*copy)[i].trigger = bi->trigger;
    if(bi->recon)
      bm_recon_note(bi, &c[i]);
  }
  return *copy;
}

struct bm_recon_missing {
  struct bm_inst *bi;
  const struct bm_smap *held;
  struct bm_recon *r;
};

/* A listed product whose listing id Back Market did not list. */
static int
bm_recon_missing_cb(void *ud, const struct bmc_product *p)
{
  struct bm_recon_missing *m = ud;
  const char *id = bm_prop(p, "bm_listing_id", NULL);
  const char *msku = bm_prop(p, "merchant_sku", NULL);
  char msg[400];
  int64_t v;

  if(!id || !*id || bm_smap_get(m->held, msku ? msku : p->sku, &v))
    return 0;
  m->r->missing++;
  snprintf(msg, sizeof(msg), "reconciliation: listing %.80s is not on Back "
           "Market any more; its listing id %s (nothing is pushed to it): "
           "run Listing Creation to list the product again", id,
           pc_gate_dry(m->bi->host, m->bi->hctx)
               ? "would be cleared (a dry run keeps it, so its pushes show "
                 "below)"
               : "is cleared");
  if(!pc_gate_dry(m->bi->host, m->bi->hctx) &&
     m->bi->host->product_set(m->bi->hctx, p->sku, "bm_listing_id", NULL,
                              NULL) != BMC_OK)
    bm_log(m->bi, BMC_LOG_WARN, "SKU %s: the stale listing id could not be "
           "cleared", p->sku);
  bm_log(m->bi, BMC_LOG_WARN, "SKU %s: %s", p->sku, msg);
  if(!pc_gate_dry(m->bi->host, m->bi->hctx))
    m->bi->host->item_error(m->bi->hctx, p->sku, "drift_missing_listing",
                            msg);
  return 0;
}

/* Log what the plugin believed Back Market held where it held something
 * else (corrected by the download); counted. */
static void
bm_recon_believed(struct bm_inst *bi, const struct bm_smap *before,
                  const struct bm_smap *after, struct bm_recon *r)
{
  size_t i;
  int64_t b, a;

  for(i = 0; i < after->cap; i++) {
    if(!after->keys[i] || !bm_smap_get(before, after->keys[i], &b))
      continue;
    a = after->vals[i];
    if(a == b)
      continue;
    if(r->believed++ < 50)
      bm_log(bi, BMC_LOG_INFO, "SKU %s: the plugin believed Back Market held "
             "quantity %lld, it holds %lld", after->keys[i], (long long)b,
             (long long)a);
  }
}

int
bm_reconcile(struct bm_inst *bi, char *errbuf, size_t errlen)
{
  struct bm_smap before, after;
  struct bm_recon r;
  struct bm_recon_missing m;
  int rc;

  memset(&r, 0, sizeof(r));
  bm_smap_init(&before);
  bm_smap_init(&after);
  rc = bm_smap_load(bi, BM_KEY_QTY, &before);
  bi->trigger = "reconciliation";
  bi->recon = &r;
  if(rc == BMC_OK)
    rc = bm_active_listing_download(bi, errbuf, errlen);
  if(rc == BMC_OK)
    rc = bm_smap_load(bi, BM_KEY_QTY, &after);
  if(rc == BMC_OK) {
    bm_recon_believed(bi, &before, &after, &r);
    m.bi = bi;
    m.held = &after;
    m.r = &r;
    rc = bi->host->catalog_each(bi->hctx, 1, bm_recon_missing_cb, &m);
  }
  if(rc == BMC_OK)
    rc = bm_inventory_upload(bi, errbuf, errlen);
  if(rc == BMC_OK)
    rc = bm_price_upload(bi, errbuf, errlen);
  bi->trigger = NULL;
  bi->recon = NULL;
  bm_smap_free(&before);
  bm_smap_free(&after);
  if(rc == BMC_OK)
    bm_log(bi, BMC_LOG_INFO, "reconciliation: drift %lld quantity too "
           "high, %lld too low, %lld price, %lld unknown SKU, %lld missing "
           "listing; %lld quantities the plugin believed were corrected",
           (long long)r.too_high, (long long)r.too_low, (long long)r.price,
           (long long)r.unknown, (long long)r.missing,
           (long long)r.believed);
  return rc;
}
