/*
 * test_bm_qty.c -- unit tests of the quantity formula sent to Back Market
 * (bm_qty.c): every combination of product safety/max (set, default, none)
 * with company defaults, negative and zero stock; the SKU-line plan of a
 * selection and the even pacing of the change-feed cycle.  (The Custom Inventory
 * Calculation is the host's now: tests/host/test_props.c.)
 */
#include <CUnit/Basic.h>
#include <stdint.h>

#include "bm_catalog_side.h"
#include "cu_main.h"

/* The formula written out the long way, for the exhaustive comparison. */
static int64_t
ref_qty(int64_t avail, int safety, int max, int dsafety, int dmax)
{
  int64_t s = safety >= 0 ? safety : dsafety;
  int64_t m = max >= 0 ? max : dmax;
  int64_t q;

  if(avail <= 0)
    return 0;
  q = avail - s;
  if(q < 0)
    q = 0;
  if(m > 0 && q > m)
    q = m;
  return q;
}

static void
test_examples(void)
{
  struct bm_qty_defaults d = {2, 10};

  /* product unset -> company defaults: 15 - 2 = 13, capped at 10 */
  CU_ASSERT_EQUAL(bm_qty_compute(15, -1, -1, &d), 10);
  /* product safety 5 overrides default 2; default max 10 */
  CU_ASSERT_EQUAL(bm_qty_compute(12, 5, -1, &d), 7);
  /* product max 3 overrides default 10 */
  CU_ASSERT_EQUAL(bm_qty_compute(12, -1, 3, &d), 3);
  /* product max 0 = no cap even with a company cap */
  CU_ASSERT_EQUAL(bm_qty_compute(500, 0, 0, &d), 500);
  /* safety equal to stock: nothing offered (never negative) */
  CU_ASSERT_EQUAL(bm_qty_compute(2, -1, -1, &d), 0);
  CU_ASSERT_EQUAL(bm_qty_compute(1, -1, -1, &d), 0);
  /* zero and negative (oversold) stock */
  CU_ASSERT_EQUAL(bm_qty_compute(0, 0, 0, &d), 0);
  CU_ASSERT_EQUAL(bm_qty_compute(-3, 0, 0, &d), 0);
  CU_ASSERT_EQUAL(bm_qty_compute(INT64_MIN, 0, 0, &d), 0);
  /* huge stock does not overflow */
  CU_ASSERT_EQUAL(bm_qty_compute(INT64_MAX, 0, 0, &d), INT64_MAX);
  /* no defaults at all: available as is */
  CU_ASSERT_EQUAL(bm_qty_compute(7, -1, -1, NULL), 7);
}

static void
test_exhaustive(void)
{
  static const int64_t avail[] = {-5, -1, 0, 1, 2, 3, 5, 8, 13, 100, 101};
  static const int prod[] = {-1, 0, 1, 2, 5, 20};
  static const int def[] = {0, 1, 3, 10};
  struct bm_qty_defaults d;
  size_t a, s, m, ds, dm;
  int bad = 0;

  for(a = 0; a < sizeof(avail) / sizeof(avail[0]); a++)
    for(s = 0; s < sizeof(prod) / sizeof(prod[0]); s++)
      for(m = 0; m < sizeof(prod) / sizeof(prod[0]); m++)
        for(ds = 0; ds < sizeof(def) / sizeof(def[0]); ds++)
          for(dm = 0; dm < sizeof(def) / sizeof(def[0]); dm++) {
            int64_t got, want;

            d.safety = def[ds];
            d.max = def[dm];
            got = bm_qty_compute(avail[a], prod[s], prod[m], &d);
            want = ref_qty(avail[a], prod[s], prod[m], def[ds], def[dm]);
            if(got != want || got < 0)
              bad++;
          }
  CU_ASSERT_EQUAL(bad, 0);
}

static void
test_plan(void)
{
  /* budget off: everything */
  CU_ASSERT_EQUAL(bm_qty_plan(100, 10, 100, 0, 100), 100);
  /* zero-outs may use the whole budget, reserve included */
  CU_ASSERT_EQUAL(bm_qty_plan(100, 40, 30, 15, 5), 30);
  CU_ASSERT_EQUAL(bm_qty_plan(100, 10, 30, 15, 5), 15); /* 10 + 5 paced */
  /* other changes only above the reserve */
  CU_ASSERT_EQUAL(bm_qty_plan(100, 0, 15, 15, 5), 0);
  CU_ASSERT_EQUAL(bm_qty_plan(100, 0, 18, 15, 5), 3);
  /* and at most pace of them per run */
  CU_ASSERT_EQUAL(bm_qty_plan(1000, 0, 2000, 600, 167), 167);
  CU_ASSERT_EQUAL(bm_qty_plan(100, 100, 2000, 600, 167), 100);
  /* never more than queued, nothing when nothing is available */
  CU_ASSERT_EQUAL(bm_qty_plan(7, 2, 2000, 600, 167), 7);
  CU_ASSERT_EQUAL(bm_qty_plan(7, 2, 0, 0, 167), 0);
  CU_ASSERT_EQUAL(bm_qty_plan(7, 2, -5, 0, 167), 0);
  CU_ASSERT_EQUAL(bm_qty_plan(0, 0, 50, 0, 5), 0);
}

/* A cycle that has more to send than it may: it spends its allowance. */
static int64_t
pace_cycle(struct bm_pace *p, int64_t limit, int64_t now, int64_t demand)
{
  int64_t n;

  bm_pace_accrue(p, limit, now);
  n = bm_pace_allowance(p, INT64_MAX);
  if(n > demand)
    n = demand;
  bm_pace_spend(p, n);
  return n;
}

static void
test_pace_even(void)
{
  struct bm_pace p = {0, 0};
  int64_t t = INT64_C(1774180800000), sum = 0, n;
  int c, uneven = 0;

  /* overloaded for a day: every 5-minute cycle sends the hour's share
   * (2,000 / 12 = 166.67: 166 or 167), exactly 2,000 in each hour */
  for(c = 0; c < 288; c++) {
    n = pace_cycle(&p, 2000, t + c * BM_PACE_CYCLE_MS, 100000);
    uneven += n < 166 || n > 167;
    sum += n;
    if(c % 12 == 11) {
      CU_ASSERT(sum >= 1999 && sum <= 2000);
      sum = 0;
    }
  }
  CU_ASSERT_EQUAL(uneven, 0);
  /* a second run right after a cycle gets nothing more */
  CU_ASSERT_EQUAL(pace_cycle(&p, 2000, t + 287 * BM_PACE_CYCLE_MS, 100), 0);
  /* quiet cycles leave their share: at most two shares in one cycle, so
   * a quiet hour is not followed by a burst that empties the next one */
  p.credit = 0;
  p.last_ms = t;
  CU_ASSERT_EQUAL(pace_cycle(&p, 2000, t + BM_PACE_CYCLE_MS, 10), 10);
  CU_ASSERT_EQUAL(pace_cycle(&p, 2000, t + 2 * BM_PACE_CYCLE_MS, 100000),
                  323); /* 166 - 10 left + 166 */
  CU_ASSERT_EQUAL(pace_cycle(&p, 2000, t + 12 * BM_PACE_CYCLE_MS, 100000),
                  333);
  /* the sliding hour's remainder bounds it, a clock set back is one
   * cycle, the budget off sends nothing through pacing */
  p.credit = 0;
  p.last_ms = t;
  bm_pace_accrue(&p, 2000, t + BM_PACE_CYCLE_MS);
  CU_ASSERT_EQUAL(bm_pace_allowance(&p, 40), 40);
  CU_ASSERT_EQUAL(bm_pace_allowance(&p, -3), 0);
  p.credit = 0;
  bm_pace_accrue(&p, 2000, t - 1000);
  CU_ASSERT_EQUAL(bm_pace_allowance(&p, INT64_MAX), 166);
  p.credit = 0;
  bm_pace_accrue(&p, 0, t);
  CU_ASSERT_EQUAL(bm_pace_allowance(&p, INT64_MAX), 0);
}

static void
test_pace_reserve(void)
{
  int64_t r = bm_pace_reserve(2000, 30), z, o;

  CU_ASSERT_EQUAL(bm_pace_share(2000), 166);
  CU_ASSERT_EQUAL(r, 49); /* 30% of a share of 166 */
  CU_ASSERT_EQUAL(bm_pace_reserve(2000, 0), 0);
  CU_ASSERT_EQUAL(bm_pace_reserve(0, 30), 0);
  CU_ASSERT_EQUAL(bm_pace_reserve(2000, 250), 166);
  /* zero-outs may take the whole allowance, carry included */
  for(z = 0; bm_pace_fits(300, 166, r, 1, z, 0); z++)
    ;
  CU_ASSERT_EQUAL(z, 300);
  /* without sell-outs the others leave the reserve, and never use the
   * carry: a steady load of them is spent evenly */
  for(o = 0; bm_pace_fits(166, 166, r, 0, 0, o); o++)
    ;
  CU_ASSERT_EQUAL(o, 166 - 49);
  for(o = 0; bm_pace_fits(300, 166, r, 0, 0, o); o++)
    ;
  CU_ASSERT_EQUAL(o, 166 - 49);
  /* sell-outs beyond the reserve leave the others the rest of a share */
  for(o = 0; bm_pace_fits(166, 166, r, 0, 100, o); o++)
    ;
  CU_ASSERT_EQUAL(o, 66);
  for(o = 0; bm_pace_fits(166, 166, r, 0, 20, o); o++)
    ;
  CU_ASSERT_EQUAL(o, 166 - 49);
  CU_ASSERT_FALSE(bm_pace_fits(300, 166, r, 0, 200, 0));
  /* the sliding hour's remainder below a share bounds the others too */
  for(o = 0; bm_pace_fits(60, 166, r, 0, 0, o); o++)
    ;
  CU_ASSERT_EQUAL(o, 60 - 49);
  CU_ASSERT_FALSE(bm_pace_fits(0, 166, 0, 1, 0, 0));
}

/* Oldest sell-out first: the time a pending zero-out is ordered by is
 * when its desired quantity became 0; other changes keep their first. */
static void
test_pending_order(void)
{
  struct bm_qitem zero = {NULL, NULL, 0, 5, 0}, dec = {NULL, NULL, 2, 5, 0};
  struct bm_qitem inc = {NULL, NULL, 9, 5, 0}, unk = {NULL, NULL, 9, -1, 0};

  CU_ASSERT_EQUAL(bm_qclass(&zero), 0);
  CU_ASSERT_EQUAL(bm_qclass(&dec), 1);
  CU_ASSERT_EQUAL(bm_qclass(&inc), 2);
  CU_ASSERT_EQUAL(bm_qclass(&unk), 2);
  CU_ASSERT_EQUAL(bm_pending_since(0, 0, 0, 0, 900), 900);
  /* still 0 after another change (a property, say): keeps its place */
  CU_ASSERT_EQUAL(bm_pending_since(1, 100, 0, 0, 900), 100);
  /* was a pending decrease, sells out now: 0 since now */
  CU_ASSERT_EQUAL(bm_pending_since(1, 100, 1, 0, 900), 900);
  /* a pending sell-out restocked, or a decrease turned increase: first
   * seen stays */
  CU_ASSERT_EQUAL(bm_pending_since(1, 100, 0, 2, 900), 100);
  CU_ASSERT_EQUAL(bm_pending_since(1, 100, 1, 2, 900), 100);
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"bm_qty", "company defaults, overrides, caps", test_examples},
    {"bm_qty", "every safety/max/default combination", test_exhaustive},
    {"bm_qty", "SKU-line plan: sell-outs first, reserve, pace", test_plan},
    {"bm_qty", "pacing: the hour's share per cycle, carry", test_pace_even},
    {"bm_qty", "pacing: the sell-out reserve", test_pace_reserve},
    {"bm_qty", "pending order: oldest sell-out first", test_pending_order},
  };

  return cu_main(cases, CU_CASES_N(cases), NULL, NULL, argc, argv);
}
