/*
 * bm_catalog_feed.c -- the catalog side's use of the host's change feed
 * (ABI 2.1) for Inventory Upload: the cursor (the last change number a
 * cycle finished, with the feed's epoch and resync, the settings it was
 * computed under and when the last full pass ran), the decision to run a
 * full pass instead, and the durable set of quantity changes still to
 * send (pending), kept in the order a cycle takes them: class (zero-outs,
 * decreases, increases), then since when (a zero-out: since the desired
 * quantity became 0; else first seen), so a cycle reads the first K keys
 * only and never the whole set; and the batch a cycle writes the set
 * through (struct bm_pbatch: one host transaction per BM_PBATCH_MAX
 * writes, state_put_many).
 *
 * State keys:
 *   cat/feed/<name>            "<epoch> <n> <resync> <full_ms> <cfg>"
 *   cat/pq/<class>/<ms>/<sku>  "<qty> <old> <listing_id>"
 *   cat/pi/<sku>               "<ms * 10 + class>": the SKU's one entry
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm_catalog_side.h"
#include "pc_text.h"

#define BM_KEY_FEED "cat/feed/"
#define BM_KEY_PQ "cat/pq/"
#define BM_KEY_PI "cat/pi/"
#define BM_FULL_EVERY_MS INT64_C(86400000) /* the daily full pass */

int
bm_cursor_load(struct bm_inst *bi, const char *name, struct bm_cursor *c)
{
  char key[64], val[160];
  size_t len = 0;
  unsigned long long cfg;
  long long n, rs, full;
  int rc;

  memset(c, 0, sizeof(*c));
  snprintf(key, sizeof(key), BM_KEY_FEED "%s", name);
  rc = bi->host->state_get(bi->hctx, key, val, sizeof(val), &len);
  if(rc != BMC_OK)
    return rc;
  if(sscanf(val, "%39s %lld %lld %lld %llu", c->epoch, &n, &rs, &full,
            &cfg) != 5 || n < 0)
    return BMC_ERR_NOT_FOUND; /* unreadable: start over with a full pass */
  c->n = n;
  c->resync = rs;
  c->full_ms = full;
  c->cfg = (uint64_t)cfg;
  return BMC_OK;
}

int
bm_cursor_save(struct bm_inst *bi, const char *name,
               const struct bm_cursor *c)
{
  char key[64], val[160];
  int n;

  snprintf(key, sizeof(key), BM_KEY_FEED "%s", name);
  n = snprintf(val, sizeof(val), "%s %lld %lld %lld %llu", c->epoch,
               (long long)c->n, (long long)c->resync, (long long)c->full_ms,
               (unsigned long long)c->cfg);
  return bi->host->state_put(bi->hctx, key, val, (size_t)n);
}

int
bm_cursor_forget(struct bm_inst *bi, const char *name)
{
  char key[64];
  int rc;

  snprintf(key, sizeof(key), BM_KEY_FEED "%s", name);
  rc = bi->host->state_del(bi->hctx, key);
  return rc == BMC_ERR_NOT_FOUND ? BMC_OK : rc;
}

const char *
bm_cursor_full_why(int have, const struct bm_cursor *c,
                   const struct bmc_feed_head *fh, uint64_t cfg,
                   int64_t now_ms)
{
  if(!have)
    return "no change number stored (a first cycle, or Active Listing "
           "Download found listings or quantities it did not know)";
  if(strcmp(c->epoch, fh->epoch) != 0)
    return "the change feed has a new epoch (a restored or new store)";
  if(c->n > fh->head)
    return "the stored change number is ahead of the feed";
  if(c->resync != fh->resync)
    return "the company's inventory calculation changed";
  if(c->cfg != cfg)
    return "the settings it depends on changed";
  if(now_ms - c->full_ms >= BM_FULL_EVERY_MS || now_ms < c->full_ms)
    return "the daily full pass is due";
  return NULL;
}

uint64_t
bm_qty_settings_hash(struct bm_inst *bi)
{
  static const char *const keys[] = {
    "default_safety_qty", "default_max_qty", "custom_inventory_calc",
    "zero_disabled", "filtered_products", "product_filter", "markets"};
  char all[2048], v[512];
  size_t i, o = 0;

  all[0] = '\0';
  for(i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
    bm_cset_str(bi, keys[i], v, sizeof(v));
    o += (size_t)snprintf(all + o, sizeof(all) - o, "%s=%s;", keys[i], v);
    if(o >= sizeof(all))
      o = sizeof(all) - 1;
  }
  return pc_text_hash(all);
}

/* ---- pending changes ---- */

void
bm_pbatch_init(struct bm_pbatch *b, struct bm_inst *bi)
{
  memset(b, 0, sizeof(*b));
  b->bi = bi;
  b->direct = !BMC_HOST_HAS(bi->host, state_put_many);
  bm_smap_init(&b->pi);
}

static void
bm_pbatch_clear(struct bm_pbatch *b)
{
  size_t i;

  for(i = 0; i < b->n; i++) {
    free(b->keys[i]);
    free(b->vals[i]);
  }
  b->n = 0;
  bm_smap_free(&b->pi);
}

int
bm_pbatch_flush(struct bm_pbatch *b)
{
  int rc;

  if(!b->n)
    return BMC_OK;
  rc = b->bi->host->state_put_many(b->bi->hctx, (const char *const *)b->keys,
                                   (const char *const *)b->vals, b->lens,
                                   b->n);
  bm_pbatch_clear(b);
  return rc;
}

void
bm_pbatch_free(struct bm_pbatch *b)
{
  bm_pbatch_clear(b);
}

int
bm_pbatch_write(struct bm_inst *bi, struct bm_pbatch *b, const char *key,
                const char *val, size_t len)
{
  char *k, *v = NULL;
  int rc;

  if(!b || b->direct) {
    rc = val ? bi->host->state_put(bi->hctx, key, val, len)
             : bi->host->state_del(bi->hctx, key);
    return rc == BMC_ERR_NOT_FOUND ? BMC_OK : rc;
  }
  if(b->n == BM_PBATCH_MAX && (rc = bm_pbatch_flush(b)) != BMC_OK)
    return rc;
  k = strdup(key);
  if(val && (v = malloc(len + 1)) != NULL) {
    memcpy(v, val, len);
    v[len] = '\0';
  }
  if(!k || (val && !v)) {
    free(k);
    free(v);
    return BMC_ERR_NOMEM;
  }
  b->keys[b->n] = k;
  b->vals[b->n] = v;
  b->lens[b->n] = len;
  b->n++;
  return BMC_OK;
}

/* The SKU's index value as b last wrote it: 1 (*v, -1 when dropped), or
 * 0 when b has not written it. */
static int
bm_pbatch_index(const struct bm_pbatch *b, const char *sku, int64_t *v)
{
  return b && !b->direct && bm_smap_get(&b->pi, sku, v);
}

/* The SKU's entry: 1 and its ms and class, else 0. */
static int
bm_pending_find(struct bm_inst *bi, struct bm_pbatch *b, const char *sku,
                int64_t *ms, int *cls)
{
  char key[512], val[32];
  size_t len = 0;
  long long v;
  int64_t bv;

  if(bm_pbatch_index(b, sku, &bv))
    v = bv;
  else {
    snprintf(key, sizeof(key), BM_KEY_PI "%s", sku);
    if(bi->host->state_get(bi->hctx, key, val, sizeof(val), &len) !=
           BMC_OK ||
       sscanf(val, "%lld", &v) != 1)
      return 0;
  }
  if(v < 0)
    return 0;
  *ms = v / 10;
  *cls = (int)(v % 10);
  return 1;
}

static void
bm_pq_key(char *buf, size_t len, int cls, int64_t ms, const char *sku)
{
  snprintf(buf, len, BM_KEY_PQ "%d/%013lld/%s", cls, (long long)ms, sku);
}

/* b's record of the SKU's index value (v, -1: none). */
static int
bm_pbatch_note(struct bm_pbatch *b, const char *sku, int64_t v)
{
  if(!b || b->direct)
    return BMC_OK;
  return bm_smap_put(&b->pi, sku, v);
}

int
bm_pending_drop_in(struct bm_inst *bi, struct bm_pbatch *b, const char *sku)
{
  char key[600];
  int64_t ms;
  int cls, rc;

  if(!bm_pending_find(bi, b, sku, &ms, &cls))
    return BMC_OK;
  bm_pq_key(key, sizeof(key), cls, ms, sku);
  rc = bm_pbatch_write(bi, b, key, NULL, 0);
  if(rc != BMC_OK)
    return rc;
  snprintf(key, sizeof(key), BM_KEY_PI "%s", sku);
  rc = bm_pbatch_write(bi, b, key, NULL, 0);
  return rc == BMC_OK ? bm_pbatch_note(b, sku, -1) : rc;
}

int
bm_pending_drop(struct bm_inst *bi, const char *sku)
{
  return bm_pending_drop_in(bi, NULL, sku);
}

/* Write q's entry with since-time ms (its older entry, if any, already
 * gone) and, with index, the SKU's index.  The index first, then the
 * entry: every entry has its index (so a push that succeeds drops it); a
 * crash in between leaves an index naming no entry, which is harmless and
 * replaced when the change is read again (the cursor had not moved).
 * Through a batch both are committed together. */
static int
bm_pending_write(struct bm_inst *bi, struct bm_pbatch *b,
                 const struct bm_qitem *q, int64_t ms, int index)
{
  char key[600], val[200];
  int cls = bm_qclass(q), n, rc;

  if(index) {
    snprintf(key, sizeof(key), BM_KEY_PI "%s", q->sku);
    n = snprintf(val, sizeof(val), "%lld", (long long)(ms * 10 + cls));
    rc = bm_pbatch_write(bi, b, key, val, (size_t)n);
    if(rc == BMC_OK)
      rc = bm_pbatch_note(b, q->sku, ms * 10 + cls);
    if(rc != BMC_OK)
      return rc;
  }
  bm_pq_key(key, sizeof(key), cls, ms, q->sku);
  n = snprintf(val, sizeof(val), "%lld %lld %s", (long long)q->qty,
               (long long)q->old, q->listing_id ? q->listing_id : "");
  if(n < 0 || (size_t)n >= sizeof(val))
    return BMC_ERR_INVALID_ARG;
  return bm_pbatch_write(bi, b, key, val, (size_t)n);
}

int
bm_pending_put(struct bm_pbatch *b, const struct bm_qitem *q, int64_t now_ms)
{
  struct bm_inst *bi = b->bi;
  char key[600];
  int64_t ms = 0, since;
  int cls = 0, had, rc;

  had = bm_pending_find(bi, b, q->sku, &ms, &cls);
  since = bm_pending_since(had, ms, cls, bm_qclass(q), now_ms);
  if(had && cls == bm_qclass(q) && since == ms)
    return bm_pending_write(bi, b, q, since, 0); /* same place: new value */
  if(had) {
    bm_pq_key(key, sizeof(key), cls, ms, q->sku);
    rc = bm_pbatch_write(bi, b, key, NULL, 0);
    if(rc != BMC_OK)
      return rc;
  }
  return bm_pending_write(bi, b, q, since, 1);
}

static int
bm_del_cb(void *ud, const char *key, const char *val, size_t len)
{
  struct bm_pbatch *b = ud;

  (void)val;
  (void)len;
  return bm_pbatch_write(b->bi, b, key, NULL, 0);
}

int
bm_pending_rebuild(struct bm_inst *bi, const struct bm_qitem *items,
                   size_t n, int64_t now_ms)
{
  struct bm_smap old;
  struct bm_pbatch b;
  int64_t v;
  size_t i;
  int rc;

  bm_smap_init(&old);
  bm_pbatch_init(&b, bi);
  rc = bm_smap_load(bi, BM_KEY_PI, &old);
  if(rc == BMC_OK)
    rc = bi->host->state_each(bi->hctx, BM_KEY_PQ, bm_del_cb, &b);
  if(rc == BMC_OK)
    rc = bi->host->state_each(bi->hctx, BM_KEY_PI, bm_del_cb, &b);
  for(i = 0; rc == BMC_OK && i < n; i++) {
    int had = bm_smap_get(&old, items[i].sku, &v);

    rc = bm_pending_write(bi, &b, &items[i],
                          bm_pending_since(had, had ? v / 10 : 0,
                                           had ? (int)(v % 10) : 0,
                                           bm_qclass(&items[i]), now_ms),
                          1);
  }
  if(rc == BMC_OK)
    rc = bm_pbatch_flush(&b);
  bm_pbatch_free(&b);
  bm_smap_free(&old);
  return rc;
}

/* ---- taking the first K ---- */

struct bm_take_ctx {
  struct bm_qitem *items;
  size_t n, cap, max;
  int64_t allowance, share, reserve, zero_used, other_used;
  int rc;
};

static int
bm_take_cb(void *ud, const char *key, const char *val, size_t len)
{
  struct bm_take_ctx *c = ud;
  const char *sku;
  char buf[200], lid[160];
  long long qty, old;
  int cls, zero;
  struct bm_qitem *q;

  if(c->n >= c->max)
    return 1;
  cls = key[strlen(BM_KEY_PQ)] - '0';
  zero = cls == 0;
  if(!bm_pace_fits(c->allowance, c->share, c->reserve, zero, c->zero_used,
                   c->other_used))
    return 1; /* in order: nothing after this fits either */
  sku = strchr(key + strlen(BM_KEY_PQ) + 2, '/');
  if(!sku || len >= sizeof(buf))
    return 0;
  sku++;
  memcpy(buf, val, len);
  buf[len] = '\0';
  lid[0] = '\0';
  if(sscanf(buf, "%lld %lld %159s", &qty, &old, lid) < 2)
    return 0;
  if(c->n == c->cap) {
    size_t ncap = c->cap ? c->cap * 2 : 64;
    struct bm_qitem *ni = realloc(c->items, ncap * sizeof(*ni));

    if(!ni)
      return c->rc = BMC_ERR_NOMEM;
    c->items = ni;
    c->cap = ncap;
  }
  q = &c->items[c->n];
  q->sku = strdup(sku);
  q->listing_id = strdup(lid);
  q->qty = qty;
  q->old = old;
  q->since_ms = strtoll(key + strlen(BM_KEY_PQ) + 2, NULL, 10);
  if(!q->sku || !q->listing_id) {
    free(q->sku);
    free(q->listing_id);
    return c->rc = BMC_ERR_NOMEM;
  }
  c->n++;
  if(zero)
    c->zero_used++;
  else
    c->other_used++;
  return 0;
}

int
bm_pending_take(struct bm_inst *bi, int64_t allowance, int64_t share,
                int64_t reserve, size_t max, struct bm_qitem **items,
                size_t *n)
{
  struct bm_take_ctx c;
  int rc;

  memset(&c, 0, sizeof(c));
  c.allowance = allowance;
  c.share = share;
  c.reserve = reserve;
  c.max = max;
  rc = bi->host->state_each(bi->hctx, BM_KEY_PQ, bm_take_cb, &c);
  if(rc == 1)
    rc = BMC_OK;
  if(c.rc != BMC_OK)
    rc = c.rc;
  *items = c.items;
  *n = c.n;
  return rc;
}

/* ---- pacing state ---- */

int
bm_pace_load(struct bm_inst *bi, struct bm_pace *p)
{
  char val[64];
  size_t len = 0;
  long long credit, last;

  memset(p, 0, sizeof(*p));
  if(bi->host->state_get(bi->hctx, "cat/pace", val, sizeof(val), &len) !=
         BMC_OK ||
     sscanf(val, "%lld %lld", &credit, &last) != 2)
    return BMC_OK; /* none yet: the first cycle gets one share */
  p->credit = credit;
  p->last_ms = last;
  return BMC_OK;
}

int
bm_pace_save(struct bm_inst *bi, const struct bm_pace *p)
{
  char val[64];
  int n = snprintf(val, sizeof(val), "%lld %lld", (long long)p->credit,
                   (long long)p->last_ms);

  return bi->host->state_put(bi->hctx, "cat/pace", val, (size_t)n);
}
