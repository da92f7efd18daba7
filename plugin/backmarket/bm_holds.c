/*
 * bm_holds.c -- owns the re-check of orders held for stock (acceptance
 * policy "hold"): each order_download run looks at every held order; when
 * the operator released it (host status In Process) or the stock is there
 * again, its paid lines are accepted; a cancelled or vanished order just
 * leaves the hold list (cancellation_sync takes over).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm_order_side.h"

#define BM_HOLDS_PER_RUN 200

struct bm_hold_list {
  int64_t ids[BM_HOLDS_PER_RUN];
  size_t n;
};

static int
bm_hold_collect(void *ud, const char *key, const char *val, size_t len)
{
  struct bm_hold_list *hl = ud;
  char *end;
  long long id;

  (void)val;
  (void)len;
  if(hl->n >= BM_HOLDS_PER_RUN)
    return 1;
  id = strtoll(key + 5, &end, 10);
  if(end != key + 5 && !*end && id > 0)
    hl->ids[hl->n++] = id;
  return 0;
}

struct bm_stock {
  int64_t qty;
  int found;
};

static int
bm_stock_cb(void *ud, const struct bmc_product *p)
{
  struct bm_stock *s = ud;

  s->qty = p->available_qty;
  s->found = 1;
  return 0;
}

/* Every held paid line of o has stock now (committed counted). */
static int
bm_hold_stock_ok(struct bm_inst *bi, struct bm_run *run,
                 const struct bm_order *o)
{
  size_t i;

  for(i = 0; i < o->n_lines; i++) {
    const struct bm_line *l = &o->lines[i];
    struct bm_stock s = {0, 0};
    int64_t c;
    if(l->kind != BM_LINE_PAID)
      continue;
    if(bi->host->product_get(bi->hctx, l->sku, bm_stock_cb, &s) || !s.found)
      return 0;
    c = bm_map_get(&run->committed, l->sku, NULL);
    if(s.qty - (c > 0 ? c : 0) < l->quantity)
      return 0;
  }
  return 1;
}

static int
bm_release(struct bm_inst *bi, struct bm_run *run, int64_t order_id,
           int by_operator)
{
  struct json_object *j = NULL;
  struct bm_order o;
  char why[512];
  char key[80];
  char id[32];
  size_t i;
  size_t n_held = 0;
  int rc;

  snprintf(id, sizeof(id), "%lld", (long long)order_id);
  if(!by_operator) {
    /* the current lines first, then the stock they need */
    rc = bm_order_fetch(bi, order_id, &j, &o, why, sizeof(why));
    if(rc)
      goto fetch_failed;
    if(!bm_hold_stock_ok(bi, run, &o)) {
      bm_order_clear(&o);
      json_object_put(j);
      return BMC_OK; /* still short: stays held */
    }
  }
  else {
    rc = bm_order_fetch(bi, order_id, &j, &o, why, sizeof(why));
    if(rc)
      goto fetch_failed;
  }
  for(i = 0; i < o.n_lines; i++) {
    struct bm_line *l = &o.lines[i];
    char val[32];
    int64_t *ref;
    if(l->kind != BM_LINE_PAID)
      continue;
    snprintf(key, sizeof(key), "line/%s/%lld", id, (long long)l->id);
    if((rc = bm_state_get(bi, key, val, sizeof(val))))
      break;
    if(strcmp(val, "held") && strcmp(val, "hold"))
      continue;
    n_held++;
    l->plan = '2';
    if((rc = bm_state_del(bi, key)))
      break;
    ref = bm_map_ref(&run->committed, l->sku);
    if(ref)
      *ref += l->quantity;
  }
  if(!rc && n_held) {
    bm_log(bi, BMC_LOG_INFO, "order %s: %s; accepting it on Back Market", id,
           by_operator ? "released by the operator"
                       : "stock is available again");
    if(!by_operator)
      rc = bi->host->order_set_status(bi->hctx, id, "InProcess",
                                      "stock available again: accepted on "
                                      "Back Market");
    if(!rc || rc == BMC_ERR_CONFLICT)
      rc = bm_accept_apply(bi, run, &o);
  }
  if(!rc) {
    snprintf(key, sizeof(key), "hold/%s", id);
    rc = bm_state_del(bi, key);
  }
  bm_order_clear(&o);
  json_object_put(j);
  return rc;
fetch_failed:
  bm_log(bi, BMC_LOG_WARN, "held order %s: cannot read it from Back Market "
         "(%s); checked again next run", id, why);
  return rc;
}

int
bm_accept_recheck_holds(struct bm_inst *bi, struct bm_run *run)
{
  struct bm_hold_list *hl;
  size_t i;
  int rc = BMC_OK;

  hl = calloc(1, sizeof(*hl));
  if(!hl)
    return BMC_ERR_NOMEM;
  rc = bi->host->state_each(bi->hctx, "hold/", bm_hold_collect, hl);
  if(rc == 1)
    rc = BMC_OK;
  for(i = 0; !rc && i < hl->n; i++) {
    struct bm_host_order ho;
    char id[32];
    char key[48];
    int grc;

    snprintf(id, sizeof(id), "%lld", (long long)hl->ids[i]);
    snprintf(key, sizeof(key), "hold/%s", id);
    grc = bm_host_order_get(bi, id, &ho);
    if(grc == BMC_ERR_NOT_FOUND || (!grc && strcmp(ho.status, "OnHold") &&
                                    strcmp(ho.status, "InProcess"))) {
      rc = bm_state_del(bi, key);
      continue;
    }
    if(grc) {
      rc = grc;
      break;
    }
    rc = bm_release(bi, run, hl->ids[i], !strcmp(ho.status, "InProcess"));
    if(rc == BMC_ERR_REMOTE_REJECT || rc == BMC_ERR_PROTOCOL)
      rc = BMC_OK; /* reported; other held orders still get their turn */
  }
  free(hl);
  return rc;
}
