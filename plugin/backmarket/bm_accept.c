/*
 * bm_accept.c -- owns order acceptance (DESIGN 3.1 step 4): the stock
 * check and acceptance policy per paid line -- lines of one order that
 * share a SKU are decided together, since Back Market accepts or cancels
 * them with one request --, acting on the plan through the transition
 * journal (bm_transition.c), and holding orders short of stock.
 *
 * The plan of each new paid line (accept, cancel, hold) is kept in memory
 * (struct bm_line.plan): a crash before anything is sent just plans again.
 * A line the journal says "sent:N" is never re-sent blindly: the order is
 * read back from Back Market first and a line already in state N is just
 * marked done.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bm_order_side.h"

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

/* Index of the first line before i that is in the same planning/request
 * group as line i (a paid line with the same SKU, any case: Back Market
 * moves lines by SKU), or i when there is none.  mark[] selects lines. */
static size_t
bm_group_first(const struct bm_order *o, const char *mark, size_t i)
{
  size_t j;

  for(j = 0; j < i; j++)
    if(mark[j] && mark[j] == mark[i] &&
       !strcasecmp(o->lines[j].sku, o->lines[i].sku))
      return j;
  return i;
}

/* Total quantity of line i's group (lines from i on). */
static int64_t
bm_group_qty(const struct bm_order *o, const char *mark, size_t i)
{
  int64_t q = 0;
  size_t j;

  for(j = i; j < o->n_lines; j++)
    if(mark[j] && mark[j] == mark[i] &&
       !strcasecmp(o->lines[j].sku, o->lines[i].sku))
      q += o->lines[j].quantity;
  return q;
}

int
bm_accept_plan(struct bm_inst *bi, struct bm_run *run, struct bm_order *o)
{
  char key[80];
  char val[32];
  char note[512];
  char *fresh;
  size_t i;
  size_t o_len = 0;
  int short_any = 0;
  int rc = BMC_OK;

  note[0] = '\0';
  /* the new paid lines: not planned, sent or held yet */
  fresh = calloc(o->n_lines ? o->n_lines : 1, 1);
  if(!fresh)
    return BMC_ERR_NOMEM;
  for(i = 0; i < o->n_lines; i++) {
    if(o->lines[i].kind != BM_LINE_PAID)
      continue;
    bm_line_key(key, sizeof(key), o->order_id, o->lines[i].id);
    if((rc = bm_state_get(bi, key, val, sizeof(val))))
      goto out;
    fresh[i] = val[0] ? 0 : 1;
  }
  /* first pass: which SKUs (all their new lines together) are short */
  for(i = 0; i < o->n_lines; i++) {
    const struct bm_line *l = &o->lines[i];
    struct bm_avail a;
    int64_t committed;
    int64_t need;
    if(!fresh[i] || bm_group_first(o, fresh, i) != i)
      continue;
    need = bm_group_qty(o, fresh, i);
    a = bm_available(bi, l->sku);
    committed = bm_map_get(&run->committed, l->sku, NULL);
    if(committed < 0)
      committed = 0;
    if(!a.found || a.qty - committed < need) {
      int n;
      short_any = 1;
      n = snprintf(note + o_len, sizeof(note) - o_len,
                   "%sSKU %.80s needs %lld, %s", o_len ? "; " : "", l->sku,
                   (long long)need, a.found ? "" : "is not in the catalog");
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
  /* second pass: decide each SKU; its lines share the decision */
  for(i = 0; i < o->n_lines; i++) {
    struct bm_line *l = &o->lines[i];
    struct bm_avail a;
    int64_t committed;
    size_t first;
    char plan;
    int64_t *ref;
    if(!fresh[i])
      continue;
    first = bm_group_first(o, fresh, i);
    a = bm_available(bi, l->sku);
    committed = bm_map_get(&run->committed, l->sku, NULL);
    if(committed < 0)
      committed = 0;
    if(first != i)
      plan = o->lines[first].plan;
    else if(!short_any || !strcmp(run->policy, "accept"))
      plan = '2';
    else if(!strcmp(run->policy, "cancel"))
      plan = (a.found && a.qty - committed >= bm_group_qty(o, fresh, i))
                 ? '2'
                 : '4';
    else
      plan = 'h';
    if(plan == '2') {
      ref = bm_map_ref(&run->committed, l->sku);
      if(!ref) {
        rc = BMC_ERR_NOMEM;
        goto out;
      }
      *ref += l->quantity;
      ref = bm_map_ref(&run->avail_before, l->sku);
      if(!ref) {
        rc = BMC_ERR_NOMEM;
        goto out;
      }
      if(first == i)
        *ref = a.found ? a.qty : 0;
    }
    l->plan = plan;
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
out:
  free(fresh);
  return rc;
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

/* Lines the journal says "sent:N": read the order back once; lines that
 * moved on are settled (bm_journal_settle), lines still paid are sent
 * again.  *n_cancel counts confirmed cancellations.  BMC_OK, or the
 * read's error (the lines then wait for the next run). */
static int
bm_apply_readback(struct bm_inst *bi, struct bm_run *run,
                  const struct bm_order *o, char *want, const char *sent,
                  size_t *n_cancel)
{
  struct json_object *j = NULL;
  struct bm_order fresh;
  char why[512];
  size_t i;
  size_t k;
  int rc;

  rc = bm_order_fetch(bi, o->order_id, &j, &fresh, why, sizeof(why));
  if(rc) {
    bm_log(bi, BMC_LOG_WARN, "order %lld: cannot read the order back (%s); "
           "its unconfirmed lines are retried next run",
           (long long)o->order_id, why);
    for(i = 0; i < o->n_lines; i++)
      if(sent[i])
        want[i] = 0;
    return rc;
  }
  rc = bm_journal_settle(bi, run, &fresh);
  for(i = 0; !rc && i < o->n_lines; i++) {
    if(!sent[i])
      continue;
    for(k = 0; k < fresh.n_lines; k++)
      if(fresh.lines[k].id == o->lines[i].id)
        break;
    if(k == fresh.n_lines || fresh.lines[k].kind != BM_LINE_PAID) {
      if(k < fresh.n_lines && want[i] == '4' &&
         fresh.lines[k].kind == BM_LINE_CANCELLED)
        (*n_cancel)++;
      want[i] = 0; /* settled above, or gone */
    }
  }
  bm_order_clear(&fresh);
  json_object_put(j);
  return rc;
}

/* Send one SKU group (lines of o with want[i] == target and the SKU of
 * line i) and report each line.  BMC_OK to go on, else the error that
 * stops the order. */
static int
bm_apply_group(struct bm_inst *bi, struct bm_run *run,
               const struct bm_order *o, char *want, size_t i,
               size_t *n_cancel)
{
  const struct bm_line **g;
  int *moved;
  char why[512];
  char id[32];
  char target = want[i];
  size_t n = 0;
  size_t j;
  int rc;

  snprintf(id, sizeof(id), "%lld", (long long)o->order_id);
  g = calloc(o->n_lines, sizeof(*g));
  moved = calloc(o->n_lines, sizeof(*moved));
  if(!g || !moved) {
    free(g);
    free(moved);
    return BMC_ERR_NOMEM;
  }
  for(j = i; j < o->n_lines; j++)
    if(want[j] == target && !strcasecmp(o->lines[j].sku, o->lines[i].sku)) {
      g[n++] = &o->lines[j];
      want[j] = 0;
    }
  why[0] = '\0';
  rc = bm_sku_transition(bi, o->order_id, g, n, target - '0', target == '4',
                         moved, why, sizeof(why));
  for(j = 0; j < n; j++) {
    const struct bm_line *l = g[j];
    if(moved[j] && target == '2') {
      run->accepted++;
      bm_log(bi, BMC_LOG_INFO, "order %s line %lld (SKU %s x%lld) accepted "
             "on Back Market", id, (long long)l->id, l->sku,
             (long long)l->quantity);
    }
    else if(moved[j]) {
      (*n_cancel)++;
      run->cancelled++;
      bm_log(bi, BMC_LOG_WARN, "order %s line %lld (SKU %s x%lld) cancelled "
             "on Back Market: not enough stock (reason: stock mistake)", id,
             (long long)l->id, l->sku, (long long)l->quantity);
    }
    else if(rc == BMC_ERR_REMOTE_REJECT || rc == BMC_ERR_UNAUTHORIZED) {
      char msg[800];
      snprintf(msg, sizeof(msg), "order %s line %lld (SKU %.80s): Back "
               "Market refused to %s it: %s", id, (long long)l->id, l->sku,
               target == '2' ? "accept" : "cancel", why);
      bm_log(bi, BMC_LOG_ERROR, "%s", msg);
      bi->host->item_error(bi->hctx, id, "remote_reject", msg);
      run->item_errors++;
    }
    else if(!rc) {
      bm_log(bi, BMC_LOG_WARN, "order %s line %lld (SKU %s): Back Market "
             "answered, but the order does not show the line %s yet; it is "
             "confirmed next run", id, (long long)l->id, l->sku,
             target == '2' ? "accepted" : "cancelled");
    }
  }
  free(g);
  free(moved);
  if(rc == BMC_ERR_REMOTE_REJECT)
    return BMC_OK;
  if(rc && rc != BMC_ERR_UNAUTHORIZED)
    bm_log(bi, BMC_LOG_WARN, "order %s: %s; retried next run", id, why);
  return rc;
}

int
bm_accept_apply(struct bm_inst *bi, struct bm_run *run,
                const struct bm_order *o)
{
  char key[80];
  char val[32];
  char id[32];
  char *want;
  char *sent;
  size_t i;
  size_t n_cancel = 0;
  int any_sent = 0;
  int held = 0;
  int rc = BMC_OK;
  int first_err = BMC_OK;

  snprintf(id, sizeof(id), "%lld", (long long)o->order_id);
  want = calloc(o->n_lines ? o->n_lines : 1, 1);
  sent = calloc(o->n_lines ? o->n_lines : 1, 1);
  if(!want || !sent) {
    rc = BMC_ERR_NOMEM;
    goto out;
  }
  for(i = 0; i < o->n_lines; i++) {
    const struct bm_line *l = &o->lines[i];
    int target = 0;
    if(l->kind != BM_LINE_PAID)
      continue;
    bm_line_key(key, sizeof(key), o->order_id, l->id);
    if((rc = bm_state_get(bi, key, val, sizeof(val))))
      goto out;
    if(!val[0] && l->plan == 'h')
      snprintf(val, sizeof(val), "hold");
    else if(!val[0] && (l->plan == '2' || l->plan == '4'))
      snprintf(val, sizeof(val), "plan:%c", l->plan);
    if(!strcmp(val, "hold")) {
      if(!held && (rc = bm_hold(bi, run, o)))
        goto out;
      held = 1;
      if((rc = bm_state_put(bi, key, "held")))
        goto out;
      continue;
    }
    if(!strncmp(val, "plan:", 5) || !strncmp(val, "sent:", 5))
      target = bm_state_target(val + 5);
    if(target != 2 && target != 4)
      continue; /* held, done, rejected, moved, or nothing planned */
    want[i] = (char)('0' + target);
    if(!strncmp(val, "sent:", 5)) {
      sent[i] = 1;
      any_sent = 1;
    }
  }
  /* a crash or error hid an outcome: read back before resending */
  if(any_sent)
    first_err = bm_apply_readback(bi, run, o, want, sent, &n_cancel);
  for(i = 0; i < o->n_lines; i++) {
    if(!want[i])
      continue;
    rc = bm_apply_group(bi, run, o, want, i, &n_cancel);
    if(rc)
      goto out;
  }
  if(n_cancel) {
    char msg[300];
    snprintf(msg, sizeof(msg), "order %s: %zu of %zu line(s) cancelled on "
             "Back Market for lack of stock (acceptance policy \"cancel\")",
             id, n_cancel, o->n_lines);
    bi->host->item_error(bi->hctx, id, "stock_cancelled", msg);
    run->item_errors++;
    if(n_cancel == o->n_lines) {
      int crc = bi->host->order_set_status(bi->hctx, id, "Cancelled", msg);
      if(!crc)
        crc = bi->host->order_mark_reported(bi->hctx, id,
                                            BMC_REPORT_CANCEL);
      if(crc)
        bm_log(bi, BMC_LOG_WARN, "order %s: could not cancel it in the "
               "host (%d)", id, crc);
    }
  }
  rc = first_err;
out:
  free(want);
  free(sent);
  return rc;
}
