/*
 * bm_qty.c -- the quantity sent to Back Market (pure): the Safety Qty and
 * the Max Qty, with product values falling back to the company defaults,
 * applied to the available quantity (or the host's Custom Inventory
 * Calculation result); and how many queued changes one run may send
 * within the SKU-line budget.
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
