/*
 * test_bm_qty.c -- unit tests of the quantity formula sent to Back Market
 * (bm_qty.c): every combination of product safety/max (set, default, none)
 * with company defaults, negative and zero stock.  (The Custom Inventory
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

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"bm_qty", "company defaults, overrides, caps", test_examples},
    {"bm_qty", "every safety/max/default combination", test_exhaustive},
    {"bm_qty", "SKU-line plan: sell-outs first, reserve, pace", test_plan},
  };

  return cu_main(cases, CU_CASES_N(cases), NULL, NULL, argc, argv);
}
