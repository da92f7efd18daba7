/*
 * bm_qty.c -- the quantity sent to Back Market (pure): the Safety Qty and
 * the Max Qty, with product values falling back to the company defaults,
 * applied to the available quantity (or the host's Custom Inventory
 * Calculation result); how many queued changes one run may send within
 * the SKU-line budget (bm_qty_plan, selections) and the even spending of
 * the hourly budget over the cycles (bm_pace_*, the change-feed cycle).
 */
#include "bm_catalog_side.h"

int64_t
bm_qty_compute(int64_t available, int safety, int max,
               const struct bm_qty_defaults *d)
{
  int64_t q;

  if(safety < 0)
    safety = d ? d->safety : 0;
  if(max < 0)
    max = d ? d->max : 0;
  if(safety < 0)
    safety = 0;
  if(available <= 0)
    return 0;
  q = available;
  if(q <= safety)
    return 0;
  q -= safety;
  if(max > 0 && q > max)
    q = max;
  return q;
}

size_t
bm_qty_plan(size_t n, size_t n_zero, int64_t avail, int64_t reserve,
            int64_t pace)
{
  int64_t zero, other;

  if(n_zero > n)
    n_zero = n;
  if(avail <= 0)
    return 0;
  zero = (int64_t)n_zero < avail ? (int64_t)n_zero : avail;
  avail -= zero;
  other = avail - reserve;
  if(other > pace)
    other = pace;
  if(other > (int64_t)(n - n_zero))
    other = (int64_t)(n - n_zero);
  if(other < 0)
    other = 0;
  return (size_t)(zero + other);
}

/* Credit is kept in line-milliseconds per hour (lines x 3,600,000), so
 * that limit lines an hour accrue exactly, whatever the run times. */
#define BM_PACE_UNIT INT64_C(3600000)

void
bm_pace_accrue(struct bm_pace *p, int64_t limit, int64_t now_ms)
{
  int64_t cap = 2 * limit * BM_PACE_CYCLE_MS, el;

  if(limit <= 0)
    return;
  if(!p->last_ms || now_ms < p->last_ms)
    el = BM_PACE_CYCLE_MS; /* first cycle, or a clock set back */
  else
    el = now_ms - p->last_ms;
  if(el > 2 * BM_PACE_CYCLE_MS)
    el = 2 * BM_PACE_CYCLE_MS;
  if(p->credit < 0)
    p->credit = 0;
  p->credit += limit * el;
  if(p->credit > cap)
    p->credit = cap;
  p->last_ms = now_ms;
}

int64_t
bm_pace_allowance(const struct bm_pace *p, int64_t avail)
{
  int64_t lines = p->credit / BM_PACE_UNIT;

  if(avail < lines)
    lines = avail;
  return lines > 0 ? lines : 0;
}

int64_t
bm_pace_share(int64_t limit)
{
  return limit > 0 ? limit * BM_PACE_CYCLE_MS / BM_PACE_UNIT : 0;
}

int64_t
bm_pace_reserve(int64_t limit, int64_t pct)
{
  if(limit <= 0 || pct <= 0)
    return 0;
  if(pct > 100)
    pct = 100;
  return bm_pace_share(limit) * pct / 100;
}

int
bm_pace_fits(int64_t allowance, int64_t share, int64_t reserve, int zero,
             int64_t zero_used, int64_t other_used)
{
  int64_t kept = zero_used > reserve ? zero_used : reserve;

  if(zero_used + other_used >= allowance)
    return 0;
  if(zero)
    return 1;
  if(share > allowance)
    share = allowance;
  return other_used + 1 <= share - kept;
}

void
bm_pace_spend(struct bm_pace *p, int64_t lines)
{
  p->credit -= lines * BM_PACE_UNIT;
  if(p->credit < 0)
    p->credit = 0;
}

int
bm_qclass(const struct bm_qitem *q)
{
  if(q->qty == 0)
    return 0;
  if(q->old >= 0 && q->qty < q->old)
    return 1;
  return 2;
}

/* The since-time of a SKU's new entry: a zero-out keeps the time its
 * quantity became 0 (an older zero-out entry), else now; the other
 * classes keep the first time the SKU was seen pending. */
int64_t
bm_pending_since(int had, int64_t old_ms, int old_cls, int new_cls,
                 int64_t now_ms)
{
  if(!had)
    return now_ms;
  if(new_cls == 0)
    return old_cls == 0 ? old_ms : now_ms;
  return old_ms;
}

