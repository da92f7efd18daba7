/*
 * bm_accept.c -- owns order acceptance (DESIGN 3.1 step 4): the stock
 * check and acceptance policy per paid line, the per-line transition
 * journal that makes every POST /ws/orders/{id} happen once even across
 * crashes, and the re-check of orders held for stock.
 *
 * The plan of each new paid line (accept, cancel, hold) is kept in memory
 * (struct bm_line.plan): a crash before anything is sent just plans again.
 * Journal values under "line/<order_id>/<line_id>":
 *   sent:N                   about to send / sent, outcome unknown
 *   done:N                   Back Market confirmed the line is in state N
 *   rejected:N               Back Market refused (4xx); shown, not retried
 * A "sent:N" line is never re-sent blindly: the order is read back from
 * Back Market first and a line already in state N is just marked done.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm_order_side.h"
#include "pc_buf.h"
#include "pc_json.h"

static void
bm_line_key(char *key, size_t len, int64_t order_id, int64_t line_id)
{
  snprintf(key, len, "line/%lld/%lld", (long long)order_id,
           (long long)line_id);
}

/* The N of "plan:N" / "sent:N" (0 when absent). */
static int
bm_state_target(const char *s)
{
  return (s[0] >= '0' && s[0] <= '9' && !s[1]) ? s[0] - '0' : 0;
}

struct bm_avail {
  int64_t qty;
  int found;
};

static int
bm_avail_cb(void *ud, const struct bmc_product *p)
{
  struct bm_avail *a = ud;

  a->qty = p->available_qty;
  a->found = 1;
  return 0;
}

/* Available quantity of a SKU in the host; found = 0 for unknown SKUs. */
static struct bm_avail
bm_available(struct bm_inst *bi, const char *sku)
{
  struct bm_avail a = {0, 0};

  if(bi->host->product_get(bi->hctx, sku, bm_avail_cb, &a))
    a.found = 0;
  return a;
}

int
bm_order_fetch(struct bm_inst *bi, int64_t order_id, struct json_object **j,
               struct bm_order *o, char *why, size_t whylen)
{
  char path[64];
  char perr[256];
  int rc;

  memset(o, 0, sizeof(*o));
  snprintf(path, sizeof(path), "/ws/orders/%lld", (long long)order_id);
  rc = bm_call(bi, "GET", path, NULL, j, NULL, why, whylen);
  if(rc)
    return rc;
  rc = bm_order_parse(*j, o, perr, sizeof(perr));
  if(rc) {
    snprintf(why, whylen, "order %lld as read back from Back Market: %s",
             (long long)order_id, perr);
    bm_order_clear(o);
    json_object_put(*j);
    *j = NULL;
  }
  return rc;
}

/* State of line_id in a fresh read of the order; -1 if unknown. */
static int64_t
bm_fresh_line_state(struct bm_inst *bi, int64_t order_id, int64_t line_id,
                    char *why, size_t whylen, int *rc_out)
{
  struct json_object *j = NULL;
  struct bm_order fresh;
  int64_t st = -1;
  size_t i;

  *rc_out = bm_order_fetch(bi, order_id, &j, &fresh, why, whylen);
  if(*rc_out)
    return -1;
  for(i = 0; i < fresh.n_lines; i++)
    if(fresh.lines[i].id == line_id)
      st = fresh.lines[i].state;
  bm_order_clear(&fresh);
  json_object_put(j);
  return st;
}

int
bm_line_transition(struct bm_inst *bi, int64_t order_id,
                   const struct bm_line *l, int new_state, int with_reason,
                   char *why, size_t whylen)
{
  struct pc_buf body;
  char key[80];
  char val[32];
  char path[64];
  int64_t st;
  int frc;
  int rc;

  bm_line_key(key, sizeof(key), order_id, l->id);
  snprintf(val, sizeof(val), "sent:%d", new_state);
  /* WARNING: the journal entry must be durable BEFORE the request */
  rc = bm_state_put(bi, key, val);
  if(rc) {
    snprintf(why, whylen, "could not record the transition before sending "
             "it (%s); nothing was sent", bi->host && rc ? "state store" :
             "");
    return rc;
  }
  pc_buf_init(&body, 4096);
  rc = pc_buf_addf(&body, "{\"order_id\":%lld,\"new_state\":%d,\"sku\":",
                   (long long)order_id, new_state);
  if(!rc)
    rc = pc_json_quote(&body, l->sku);
  if(!rc && with_reason)
    rc = pc_buf_adds(&body, ",\"return_reason\":0");
  if(!rc)
    rc = pc_buf_adds(&body, "}");
  if(rc) {
    pc_buf_free(&body);
    snprintf(why, whylen, "could not build the request");
    return rc;
  }
  snprintf(path, sizeof(path), "/ws/orders/%lld", (long long)order_id);
  rc = bm_call(bi, "POST", path, pc_buf_str(&body), NULL, NULL, why, whylen);
  pc_buf_free(&body);
  if(rc == BMC_ERR_REMOTE_REJECT) {
    /* maybe an earlier attempt went through: look before calling it a
     * rejection */
    char why2[256];
    st = bm_fresh_line_state(bi, order_id, l->id, why2, sizeof(why2), &frc);
    if(!frc && st == new_state)
      rc = BMC_OK;
    else {
      snprintf(val, sizeof(val), "rejected:%d", new_state);
      if(bm_state_put(bi, key, val))
        bm_log(bi, BMC_LOG_WARN, "order %lld line %lld: could not record "
               "the rejection", (long long)order_id, (long long)l->id);
      return rc;
    }
  }
  if(rc)
    return rc; /* stays "sent:N": read back before any resend */
  snprintf(val, sizeof(val), "done:%d", new_state);
  rc = bm_state_put(bi, key, val);
  if(rc)
    snprintf(why, whylen, "Back Market accepted the change but it could not "
             "be recorded; the next run reads the order back");
  return rc;
}

int
bm_accept_plan(struct bm_inst *bi, struct bm_run *run, struct bm_order *o)
{
  char key[80];
  char val[32];
  char note[512];
  size_t i;
  size_t o_len = 0;
  int short_any = 0;
  int rc;

  note[0] = '\0';
  /* first pass: which new paid lines are short of stock */
  for(i = 0; i < o->n_lines; i++) {
    const struct bm_line *l = &o->lines[i];
    struct bm_avail a;
    int64_t committed;
    if(l->kind != BM_LINE_PAID)
      continue;
    bm_line_key(key, sizeof(key), o->order_id, l->id);
    if((rc = bm_state_get(bi, key, val, sizeof(val))))
      return rc;
    if(val[0])
      continue; /* already planned or sent */
    a = bm_available(bi, l->sku);
    committed = bm_map_get(&run->committed, l->sku, NULL);
    if(committed < 0)
      committed = 0;
    if(!a.found || a.qty - committed < l->quantity) {
      int n;
      short_any = 1;
      n = snprintf(note + o_len, sizeof(note) - o_len,
                   "%sSKU %.80s needs %lld, %s", o_len ? "; " : "", l->sku,
                   (long long)l->quantity,
                   a.found ? "" : "is not in the catalog");
      if(n > 0 && (size_t)n < sizeof(note) - o_len)
        o_len += (size_t)n;
      if(a.found) {
        n = snprintf(note + o_len, sizeof(note) - o_len, "%lld available",
                     (long long)(a.qty - committed));
        if(n > 0 && (size_t)n < sizeof(note) - o_len)
          o_len += (size_t)n;
      }
    }
  }
  /* second pass: decide each line */
  for(i = 0; i < o->n_lines; i++) {
    struct bm_line *l = &o->lines[i];
    struct bm_avail a;
    int64_t committed;
    const char *plan;
    int64_t *ref;
    if(l->kind != BM_LINE_PAID)
      continue;
    bm_line_key(key, sizeof(key), o->order_id, l->id);
    if((rc = bm_state_get(bi, key, val, sizeof(val))))
      return rc;
    if(val[0])
      continue;
    a = bm_available(bi, l->sku);
    committed = bm_map_get(&run->committed, l->sku, NULL);
    if(committed < 0)
      committed = 0;
    if(!short_any || !strcmp(run->policy, "accept"))
      plan = "plan:2";
    else if(!strcmp(run->policy, "cancel"))
      plan = (a.found && a.qty - committed >= l->quantity) ? "plan:2"
                                                           : "plan:4";
    else
      plan = "hold";
    if(!strcmp(plan, "plan:2")) {
      ref = bm_map_ref(&run->committed, l->sku);
      if(!ref)
        return BMC_ERR_NOMEM;
      *ref += l->quantity;
      ref = bm_map_ref(&run->avail_before, l->sku);
      if(!ref)
        return BMC_ERR_NOMEM;
      *ref = a.found ? a.qty : 0;
    }
    l->plan = !strcmp(plan, "plan:2") ? '2' : !strcmp(plan, "plan:4") ? '4'
                                                                   : 'h';
  }
  if(short_any) {
    bm_log(bi, BMC_LOG_WARN, "order %lld: not enough stock (%s); policy "
           "\"%s\": %s", (long long)o->order_id, note, run->policy,
           !strcmp(run->policy, "accept")
               ? "accepting anyway"
               : !strcmp(run->policy, "cancel")
                     ? "cancelling the short lines on Back Market with "
                       "reason \"stock mistake\""
                     : "holding the order for review (nothing accepted)");
  }
  return BMC_OK;
}

void
bm_accept_after_create(struct bm_inst *bi, struct bm_run *run,
                       const struct bm_order *o)
{
  size_t i;

  /* A host that reserves stock when an order is created (Sellercloud
   * does) already counts this order: stop counting it twice. */
  for(i = 0; i < o->n_lines; i++) {
    const struct bm_line *l = &o->lines[i];
    struct bm_avail a;
    int found = 0;
    int64_t before;
    int64_t *ref;
    if(l->kind != BM_LINE_PAID)
      continue;
    before = bm_map_get(&run->avail_before, l->sku, &found);
    if(!found)
      continue;
    a = bm_available(bi, l->sku);
    if(a.found && before - a.qty >= l->quantity) {
      ref = bm_map_ref(&run->committed, l->sku);
      if(ref && *ref >= l->quantity)
        *ref -= l->quantity;
      ref = bm_map_ref(&run->avail_before, l->sku);
      if(ref)
        *ref = a.qty;
    }
  }
}

/* Hold an order for stock: host status OnHold, error queue, hold key. */
static int
bm_hold(struct bm_inst *bi, struct bm_run *run, const struct bm_order *o)
{
  char id[32];
  char key[48];
  char msg[400];
  int rc;

  snprintf(id, sizeof(id), "%lld", (long long)o->order_id);
  snprintf(key, sizeof(key), "hold/%s", id);
  snprintf(msg, sizeof(msg), "order %s held for review: not enough stock "
           "to accept it on Back Market (acceptance policy \"hold\"); add "
           "stock or release the order (status In Process) to accept it, or "
           "cancel it", id);
  rc = bi->host->order_set_status(bi->hctx, id, "OnHold", msg);
  if(rc && rc != BMC_ERR_CONFLICT)
    return rc;
  if((rc = bm_state_put(bi, key, "1")))
    return rc;
  bm_log(bi, BMC_LOG_WARN, "%s", msg);
  bi->host->item_error(bi->hctx, id, "stock_short", msg);
  run->item_errors++;
  run->held++;
  return BMC_OK;
}

int
bm_accept_apply(struct bm_inst *bi, struct bm_run *run,
                const struct bm_order *o)
{
  char key[80];
  char val[32];
  char why[512];
  char id[32];
  size_t i;
  size_t n_cancel = 0;
  size_t n_paid = 0;
  int held = 0;
  int rc;
  int first_err = BMC_OK;

  snprintf(id, sizeof(id), "%lld", (long long)o->order_id);
  for(i = 0; i < o->n_lines; i++) {
    const struct bm_line *l = &o->lines[i];
    int target = 0;
    int reason = 0;
    if(l->kind != BM_LINE_PAID)
      continue;
    n_paid++;
    bm_line_key(key, sizeof(key), o->order_id, l->id);
    if((rc = bm_state_get(bi, key, val, sizeof(val))))
      return rc;
    if(!val[0] && l->plan == 'h')
      snprintf(val, sizeof(val), "hold");
    else if(!val[0] && (l->plan == '2' || l->plan == '4'))
      snprintf(val, sizeof(val), "plan:%c", l->plan);
    if(!strcmp(val, "hold")) {
      if(!held && (rc = bm_hold(bi, run, o)))
        return rc;
      held = 1;
      if((rc = bm_state_put(bi, key, "held")))
        return rc;
      continue;
    }
    if(!strcmp(val, "held") || !strncmp(val, "done:", 5) ||
       !strncmp(val, "rejected:", 9) || !val[0])
      continue;
    if(!strncmp(val, "plan:", 5) || !strncmp(val, "sent:", 5))
      target = bm_state_target(val + 5);
    if(target != 2 && target != 4)
      continue;
    reason = target == 4;
    if(!strncmp(val, "sent:", 5)) {
      /* a crash or error hid the outcome: read back before resending */
      int frc;
      int64_t st = bm_fresh_line_state(bi, o->order_id, l->id, why,
                                       sizeof(why), &frc);
      if(frc) {
        bm_log(bi, BMC_LOG_WARN, "order %s line %lld: cannot read the order "
               "back (%s); retried next run", id, (long long)l->id, why);
        if(!first_err)
          first_err = frc;
        continue;
      }
      if(st == target) {
        snprintf(val, sizeof(val), "done:%d", target);
        if((rc = bm_state_put(bi, key, val)))
          return rc;
        if(target == 2)
          run->accepted++;
        else
          n_cancel++;
        continue;
      }
      if(st != 1)
        continue; /* moved on (customer cancel...): nothing to send */
    }
    rc = bm_line_transition(bi, o->order_id, l, target, reason, why,
                            sizeof(why));
    if(rc == BMC_ERR_REMOTE_REJECT || rc == BMC_ERR_UNAUTHORIZED) {
      char msg[800];
      snprintf(msg, sizeof(msg), "order %s line %lld (SKU %.80s): Back "
               "Market refused to %s it: %s", id, (long long)l->id, l->sku,
               target == 2 ? "accept" : "cancel", why);
      bm_log(bi, BMC_LOG_ERROR, "%s", msg);
      bi->host->item_error(bi->hctx, id, "remote_reject", msg);
      run->item_errors++;
      if(rc == BMC_ERR_UNAUTHORIZED)
        return rc;
      continue;
    }
    if(rc) {
      bm_log(bi, BMC_LOG_WARN, "order %s line %lld: %s; retried next run",
             id, (long long)l->id, why);
      return rc;
    }
    if(target == 2) {
      run->accepted++;
      bm_log(bi, BMC_LOG_INFO, "order %s line %lld (SKU %s x%lld) accepted "
             "on Back Market", id, (long long)l->id, l->sku,
             (long long)l->quantity);
    }
    else {
      n_cancel++;
      run->cancelled++;
      bm_log(bi, BMC_LOG_WARN, "order %s line %lld (SKU %s x%lld) cancelled "
             "on Back Market: not enough stock (reason: stock mistake)", id,
             (long long)l->id, l->sku, (long long)l->quantity);
    }
  }
  if(n_cancel) {
    char msg[300];
    snprintf(msg, sizeof(msg), "order %s: %zu of %zu line(s) cancelled on "
             "Back Market for lack of stock (acceptance policy \"cancel\")",
             id, n_cancel, o->n_lines);
    bi->host->item_error(bi->hctx, id, "stock_cancelled", msg);
    run->item_errors++;
    if(n_cancel == o->n_lines) {
      rc = bi->host->order_set_status(bi->hctx, id, "Cancelled", msg);
      if(!rc)
        rc = bi->host->order_mark_reported(bi->hctx, id,
                                           BMC_REPORT_CANCEL);
      if(rc)
        bm_log(bi, BMC_LOG_WARN, "order %s: could not cancel it in the "
               "host (%d)", id, rc);
    }
  }
  (void)n_paid;
  return first_err;
}
