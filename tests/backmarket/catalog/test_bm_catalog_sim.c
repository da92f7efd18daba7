/*
 * test_bm_catalog_sim.c -- integration tests of the Back Market plugin's
 * catalog side against the host simulator and the marketplace simulator on
 * one virtual clock: listing download (ids filled, unknown SKUs zeroed),
 * inventory diffs (nothing pushed when nothing changed), the SKU-line
 * budget (zero-outs first, no 429, the rest in the next window), disabled
 * or filtered-out products taken to 0 once (zero_disabled), prices
 * per market and currency, the repricer's three cases, and a bulk listing
 * creation with mixed success and errors.  argv[1] picks one test (each
 * runs as its own ctest with its own traffic dump).
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "cat_fixture.h"
#include "cu_main.h"

static struct cat_fx fx;

static int
setup(int quotas, const char *markets)
{
  if(cat_fx_start(&fx, quotas, markets) != 0) {
    CU_FAIL("fixture did not start");
    return -1;
  }
  return 0;
}

/* Listing download fills bm_listing_id by SKU and zeroes SKUs that Back
 * Market lists but the host does not know (seed 002). */
static void
test_download_and_unknown_zeroed(void)
{
  char ua[40], ub[40], uz[40];
  int64_t job = 0, seq;

  if(setup(1, "fr-fr"))
    return;
  CU_ASSERT_EQUAL(cat_listing(&fx, "SKU-A", 3, "fr-fr", "449.00", ua), 0);
  CU_ASSERT_EQUAL(cat_listing(&fx, "SKU-B", 5, "fr-fr", "199.00", ub), 0);
  CU_ASSERT_EQUAL(cat_listing(&fx, "GHOST-1", 4, "fr-fr", "99.00", uz), 0);
  CU_ASSERT_EQUAL(cat_listing(&fx, "GHOST-2", 0, "fr-fr", "99.00", NULL), 0);
  CU_ASSERT_EQUAL(cat_product(&fx, "SKU-A", 3, NULL, NULL), 0);
  CU_ASSERT_EQUAL(cat_product(&fx, "SKU-B", 5, NULL, NULL), 0);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "active_listing_download", &job),
                  HS_JOB_COMPLETED);
  CU_ASSERT_STRING_EQUAL(cat_prop(&fx, "SKU-A", "bm_listing_id"), ua);
  CU_ASSERT_STRING_EQUAL(cat_prop(&fx, "SKU-B", "bm_listing_id"), ub);
  /* the unknown SKU with stock is taken offline; the one at 0 is left */
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "GHOST-1"), 0);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/", NULL, NULL),
                  1);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/", "\"quantity\":0",
                                NULL), 1);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SKU-A"), 3);
  CU_ASSERT_EQUAL(cat_sim_429(&fx), 0);
  /* Back Market's quantities are remembered: nothing to push now */
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings", NULL, NULL), 0);
  cat_fx_stop(&fx);
}

/* Only changes since the last successful push are sent; a second run with
 * no change sends nothing; safety and max apply. */
static void
test_inventory_only_changes(void)
{
  char ua[40], ub[40];
  int64_t seq;

  if(setup(1, "fr-fr"))
    return;
  CU_ASSERT_EQUAL(cat_set(&fx, "default_safety_qty", "1"), 0);
  CU_ASSERT_EQUAL(cat_set(&fx, "default_max_qty", "10"), 0);
  cat_listing(&fx, "SKU-A", 2, "fr-fr", "449.00", ua);
  cat_listing(&fx, "SKU-B", 10, "fr-fr", "199.00", ub);
  cat_product(&fx, "SKU-A", 3, NULL, NULL);   /* 3 - 1 = 2: in sync */
  cat_product(&fx, "SKU-B", 50, NULL, NULL);  /* capped at 10: in sync */
  CU_ASSERT_EQUAL(cat_run(&fx, "active_listing_download", NULL),
                  HS_JOB_COMPLETED);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings", NULL, NULL), 0);
  /* the host sells A out: one single update to 0 */
  CU_ASSERT_EQUAL(hs_stock_set(fx.h, CAT_COMPANY, "SKU-A", 1), 0);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/", "\"quantity\":0",
                                NULL), 1);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings", NULL, NULL), 1);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SKU-A"), 0);
  /* nothing changed since: nothing sent */
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/", NULL, NULL), 0);
  /* a product max of 0 lifts the cap: 50 - 1 = 49 */
  CU_ASSERT_EQUAL(cat_pset(&fx, "SKU-B", "max_qty", NULL, "0"), 0);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SKU-B"), 49);
  /* filtered products: SKU-B is left out of the upload (zero_disabled off:
   * it keeps its last quantity on Back Market; the default zeroes it, see
   * test_inventory_zero_disabled) */
  CU_ASSERT_EQUAL(cat_set(&fx, "zero_disabled", "false"), 0);
  CU_ASSERT_EQUAL(cat_set(&fx, "filtered_products", "true"), 0);
  CU_ASSERT_EQUAL(cat_set(&fx, "product_filter", "sku!=SKU-B"), 0);
  CU_ASSERT_EQUAL(hs_stock_set(fx.h, CAT_COMPANY, "SKU-B", 21), 0);
  CU_ASSERT_EQUAL(hs_stock_set(fx.h, CAT_COMPANY, "SKU-A", 6), 0);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings", NULL, NULL), 1);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SKU-A"), 5);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SKU-B"), 49);
  /* Custom Inventory Calculation (the host's, test_custom_inventory_calc):
   * on without one for the company, the available quantity is used */
  CU_ASSERT_EQUAL(cat_set(&fx, "custom_inventory_calc", "true"), 0);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SKU-A"), 5);
  /* a bad filter fails the job with a message naming the setting */
  CU_ASSERT_EQUAL(cat_set(&fx, "product_filter", "colour=red"), 0);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_FAILED);
  cat_fx_stop(&fx);
}

/* A product of the test below: merchant SKU (may be NULL), Back Market
 * Enabled, stock and listing id (may be NULL: keep what is set). */
static int
zd_product(const char *sku, const char *merchant_sku, int enabled,
           int64_t qty, const char *listing_id)
{
  int rc = cat_product(&fx, sku, qty, listing_id, NULL);

  if(!rc && merchant_sku)
    rc = cat_pset(&fx, sku, "merchant_sku", NULL, merchant_sku);
  if(!rc)
    rc = cat_pset(&fx, sku, "enabled", NULL, enabled ? "true" : "false");
  return rc;
}

/* zero_disabled (default on): a listed product Back Market holds with
 * stock is taken to 0 once when the seller disables it or the upload
 * filter leaves it out, and nothing more is sent afterwards; a disabled
 * duplicate of a merchant SKU still on sale leaves it alone; with the
 * setting off, disabling sends nothing (the last quantity stays). */
static void
test_inventory_zero_disabled(void)
{
  char ua[40], ub[40], uc[40], uf[40];
  int64_t job = 0, seq;

  if(setup(1, "fr-fr"))
    return;
  CU_ASSERT_EQUAL(cat_listing(&fx, "ZD-A", 0, "fr-fr", "99.00", ua), 0);
  CU_ASSERT_EQUAL(cat_listing(&fx, "ZD-B", 0, "fr-fr", "99.00", ub), 0);
  CU_ASSERT_EQUAL(cat_listing(&fx, "ZD-C", 0, "fr-fr", "99.00", uc), 0);
  CU_ASSERT_EQUAL(cat_listing(&fx, "ZD-F", 0, "fr-fr", "99.00", uf), 0);
  CU_ASSERT_EQUAL(zd_product("ZD-A", NULL, 1, 4, NULL), 0);
  CU_ASSERT_EQUAL(zd_product("ZD-B", NULL, 1, 3, NULL), 0);
  CU_ASSERT_EQUAL(zd_product("ZD-F", NULL, 1, 2, NULL), 0);
  /* ZD-C: an old, disabled record (read first) and the new one on sale
   * share it */
  CU_ASSERT_EQUAL(zd_product("ZD-C-2-NEW", "ZD-C", 1, 5, uc), 0);
  CU_ASSERT_EQUAL(zd_product("ZD-C-1-OLD", "ZD-C", 0, 0, uc), 0);
  CU_ASSERT_EQUAL(cat_run(&fx, "active_listing_download", NULL),
                  HS_JOB_COMPLETED);
  CU_ASSERT_STRING_EQUAL(cat_prop(&fx, "ZD-A", "bm_listing_id"), ua);
  /* the stock goes online */
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings", NULL, NULL), 4);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "ZD-A"), 4);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "ZD-B"), 3);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "ZD-C"), 5);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "ZD-F"), 2);
  /* the seller disables ZD-A (stock unchanged): one update to 0, for
   * ZD-A only; ZD-C stays on sale through ZD-C-2-NEW */
  CU_ASSERT_EQUAL(zd_product("ZD-A", NULL, 0, 4, NULL), 0);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", &job), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings", NULL, NULL), 1);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/", "\"quantity\":0",
                                NULL), 1);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "ZD-A"), 0);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "ZD-B"), 3);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "ZD-C"), 5);
  CU_ASSERT(cat_job_log_has(&fx, job, "1 disabled or filtered out taken to 0"));
  /* Back Market holds 0 now: nothing more is sent */
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/", NULL, NULL), 0);
  /* the upload filter leaves ZD-F out: zeroed once too */
  CU_ASSERT_EQUAL(cat_set(&fx, "filtered_products", "true"), 0);
  CU_ASSERT_EQUAL(cat_set(&fx, "product_filter", "sku!=ZD-F"), 0);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings", NULL, NULL), 1);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "ZD-F"), 0);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "ZD-B"), 3);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/", NULL, NULL), 0);
  /* zero_disabled off: disabling ZD-B sends nothing, its 3 stay online */
  CU_ASSERT_EQUAL(cat_set(&fx, "zero_disabled", "false"), 0);
  CU_ASSERT_EQUAL(zd_product("ZD-B", NULL, 0, 3, NULL), 0);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/", NULL, NULL), 0);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "ZD-B"), 3);
  /* ZD-A enabled again: its stock goes back online from the recorded 0 */
  CU_ASSERT_EQUAL(zd_product("ZD-A", NULL, 1, 4, NULL), 0);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "ZD-A"), 4);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "ZD-B"), 3);
  cat_fx_stop(&fx);
}

/* Count the sim quantities of SKU-000..079 equal to 0, 2 and 9. */
static void
budget_counts(int *zero, int *dec, int *inc)
{
  char sku[32];
  int64_t q;
  int i;

  *zero = *dec = *inc = 0;
  for(i = 0; i < 80; i++) {
    snprintf(sku, sizeof(sku), "SKU-%03d", i);
    q = cat_sim_qty(&fx, sku);
    *zero += q == 0;
    *dec += q == 2;
    *inc += q == 9;
  }
}

/* More changes than the SKU-line budget: the hour's budget is spent
 * evenly (120 lines an hour: 10 a 5-minute cycle), zero-outs first and the
 * oldest sell-out first, then decreases, then increases; nothing is
 * refused for quota; the scheduler's next runs push the rest. */
static void
test_inventory_budget_zero_first(void)
{
  char sku[32], uuid[40];
  int i, zero_now, dec_now, inc_now, ran = 0;
  int64_t job = 0;

  if(setup(1, "fr-fr"))
    return;
  CU_ASSERT_EQUAL(cat_simf(&fx, "POST", "/_sim/config",
                           "{\"sku_lines_per_hour\": 120}"), 200);
  CU_ASSERT_EQUAL(cat_set(&fx, "budget_sku_lines_per_h", "120"), 0);
  CU_ASSERT_EQUAL(cat_set(&fx, "bulk_threshold", "5"), 0);
  for(i = 0; i < 80; i++) {
    snprintf(sku, sizeof(sku), "SKU-%03d", i);
    cat_listing(&fx, sku, 5, "fr-fr", "100.00", uuid);
    cat_product(&fx, sku, 5, NULL, NULL);
  }
  CU_ASSERT_EQUAL(cat_run(&fx, "active_listing_download", NULL),
                  HS_JOB_COMPLETED);
  /* 30 sell out, 30 go down, 20 go up: 80 changes, 120 lines per hour.
   * Increases get the lowest SKUs so that SKU order alone would be wrong. */
  for(i = 0; i < 80; i++) {
    snprintf(sku, sizeof(sku), "SKU-%03d", i);
    hs_stock_set(fx.h, CAT_COMPANY, sku, i < 20 ? 9 : i < 50 ? 2 : 0);
  }
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", &job), HS_JOB_COMPLETED);
  budget_counts(&zero_now, &dec_now, &inc_now);
  CU_ASSERT_EQUAL(zero_now, 10); /* the cycle's share, all sell-outs */
  CU_ASSERT_EQUAL(dec_now, 0);
  CU_ASSERT_EQUAL(inc_now, 0);
  CU_ASSERT(cat_job_log_has(&fx, job, "10 lines this cycle"));
  CU_ASSERT_EQUAL(cat_sim_429(&fx), 0);
  /* run again at once: the share is spent, nothing goes */
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  budget_counts(&zero_now, &dec_now, &inc_now);
  CU_ASSERT_EQUAL(zero_now, 10);
  /* 5 minutes later 3 more products sell out: the older sell-outs go
   * first, whatever their SKUs */
  hs_clock_advance(fx.h, 5 * 60 * 1000);
  for(i = 0; i < 3; i++) {
    snprintf(sku, sizeof(sku), "SKU-%03d", i);
    hs_stock_set(fx.h, CAT_COMPANY, sku, 0);
  }
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  budget_counts(&zero_now, &dec_now, &inc_now);
  CU_ASSERT_EQUAL(zero_now, 20);
  for(i = 0; i < 3; i++) {
    snprintf(sku, sizeof(sku), "SKU-%03d", i);
    CU_ASSERT_NOT_EQUAL(cat_sim_qty(&fx, sku), 0);
  }
  CU_ASSERT_EQUAL(dec_now, 0);
  /* the scheduler runs Inventory Upload every 5 minutes: within three
   * virtual hours every change is on Back Market, without a 429 */
  CU_ASSERT_EQUAL(cat_set(&fx, "inventory_upload", "true"), 0);
  CU_ASSERT_EQUAL(hs_scheduler_run_until(fx.h, hs_clock_now(fx.h) +
                                         3 * 3600 * 1000, &ran), 0);
  CU_ASSERT(ran >= 8);
  budget_counts(&zero_now, &dec_now, &inc_now);
  CU_ASSERT_EQUAL(zero_now, 33);
  CU_ASSERT_EQUAL(dec_now, 30);
  CU_ASSERT_EQUAL(inc_now, 17);
  CU_ASSERT_EQUAL(cat_sim_429(&fx), 0);
  cat_fx_stop(&fx);
}

/* One request per market with Accept-Language and that market's currency;
 * min_price sent; unchanged prices not re-sent; above max_price reported. */
static void
test_prices_per_market(void)
{
  struct hs_product p;
  char uuid[40], err[200];
  int64_t seq;

  /* see test_prices_two_currencies for markets in other currencies */

  if(setup(1, "fr-fr,en-gb,sv-se"))
    return;
  cat_listing(&fx, "SKU-P", 3, "fr-fr", "400.00", uuid);
  CU_ASSERT_EQUAL(cat_simf(&fx, "POST", "/_sim/listings",
                           "{\"merchant_id\": 789, \"sku\": \"SKU-MAX\", "
                           "\"quantity\": 2, \"markets\": {\"fr-fr\": "
                           "{\"price\": \"500.00\", \"max_price\": "
                           "\"550.00\"}}}"), 201);
  CU_ASSERT_EQUAL(cat_product(&fx, "SKU-P", 3, NULL, "449.90"), 0);
  CU_ASSERT_EQUAL(cat_pset(&fx, "SKU-P", "min_price", NULL, "420.00"), 0);
  /* each market in another currency has its own price */
  CU_ASSERT_EQUAL(cat_pset(&fx, "SKU-P", "price", "en-gb", "389.90"), 0);
  CU_ASSERT_EQUAL(cat_pset(&fx, "SKU-P", "price", "sv-se", "4890.00"), 0);
  hs_product_init(&p);
  p.sku = "SKU-MAX";
  p.available_qty = 2;
  p.site_price = "600.00"; /* no Back Market price: the site price */
  CU_ASSERT_EQUAL(hs_product_upsert(fx.h, CAT_COMPANY, &p, NULL, err,
                                    sizeof(err)), 0);
  CU_ASSERT_EQUAL(cat_pset(&fx, "SKU-MAX", "enabled", NULL, "true"), 0);
  CU_ASSERT_EQUAL(cat_run(&fx, "active_listing_download", NULL),
                  HS_JOB_COMPLETED);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "price_upload", NULL), HS_JOB_PARTIAL);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/",
                                "\"price\":\"449.90\",\"currency\":\"EUR\","
                                "\"min_price\":\"420.00\"", "fr-fr"), 1);
  /* en-gb and sv-se: SKU-P's own prices (SKU-MAX has none there and no
   * rule applies: not published) */
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/",
                                "\"currency\":\"GBP\"", "en-gb"), 1);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/",
                                "\"price\":\"389.90\",\"currency\":\"GBP\"",
                                "en-gb"), 1);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/",
                                "\"currency\":\"SEK\"", "sv-se"), 1);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/",
                                "\"449.90\"", "en-gb"), 0);
  /* SKU-MAX at 600 is above fr-fr's max_price 550: reported, not sent */
  CU_ASSERT_EQUAL(cat_item_errors(&fx, "SKU-MAX", "price_above_max",
                                  "max_price 550.00"), 1);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/",
                                "\"price\":\"600.00\"", "fr-fr"), 0);
  /* nothing changed: nothing sent */
  seq = cat_log_seq(&fx);
  cat_run(&fx, "price_upload", NULL);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/",
                                "\"price\":\"449.90\"", NULL), 0);
  CU_ASSERT_EQUAL(cat_sim_429(&fx), 0);
  cat_fx_stop(&fx);
}

static int
repriced_product(const char *sku, const char *price, const char *min)
{
  int rc = cat_product(&fx, sku, 2, NULL, price);

  if(!rc)
    rc = cat_pset(&fx, sku, "min_price", NULL, min);
  if(!rc)
    rc = cat_pset(&fx, sku, "repricing", NULL, "true");
  return rc;
}

/* The repricer: price_to_win between min and default is applied; outside
 * keeps the default; no Back Box data (404) keeps the default. */
static void
test_repricer(void)
{
  int64_t job = 0, seq;

  if(setup(1, "en-gb"))
    return;
  cat_listing(&fx, "RP-WIN", 2, "en-gb", "449.00", NULL);
  cat_listing(&fx, "RP-LOW", 2, "en-gb", "449.00", NULL);
  cat_listing(&fx, "RP-NONE", 2, "en-gb", "430.00", NULL);
  cat_listing(&fx, "RP-HIGH", 2, "en-gb", "440.00", NULL);
  CU_ASSERT_EQUAL(repriced_product("RP-WIN", "449.00", "400.00"), 0);
  CU_ASSERT_EQUAL(repriced_product("RP-LOW", "449.00", "400.00"), 0);
  CU_ASSERT_EQUAL(repriced_product("RP-NONE", "449.00", "400.00"), 0);
  CU_ASSERT_EQUAL(repriced_product("RP-HIGH", "449.00", "400.00"), 0);
  CU_ASSERT_EQUAL(cat_simf(&fx, "POST", "/_sim/backbox",
                           "{\"listing\": \"RP-WIN\", \"market\": \"en-gb\", "
                           "\"price_to_win\": \"421.50\"}"), 201);
  CU_ASSERT_EQUAL(cat_simf(&fx, "POST", "/_sim/backbox",
                           "{\"listing\": \"RP-LOW\", \"market\": \"en-gb\", "
                           "\"price_to_win\": \"380.00\"}"), 201);
  CU_ASSERT_EQUAL(cat_simf(&fx, "POST", "/_sim/backbox",
                           "{\"listing\": \"RP-HIGH\", \"market\": \"en-gb\", "
                           "\"price_to_win\": \"470.00\"}"), 201);
  CU_ASSERT_EQUAL(cat_run(&fx, "active_listing_download", NULL),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_set(&fx, "repricer", "true"), 0);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "repricer", &job), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "GET /ws/backbox/v1/competitors/",
                                NULL, NULL), 4);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/",
                                "\"price\":\"421.50\",\"currency\":\"GBP\"",
                                "en-gb"), 1);
  /* RP-LOW (price_to_win below min), RP-HIGH (above the default) and
   * RP-NONE (no Back Box data) get the default 449.00: RP-LOW already has
   * it (no request), RP-HIGH and RP-NONE go back to it */
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/",
                                "\"price\":\"449.00\"", "en-gb"), 2);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/", NULL, NULL),
                  3);
  CU_ASSERT(cat_job_log_has(&fx, job, "RP-HIGH en-gb: 440.00 -> 449.00 GBP "
                            "(price_to_win 470.00 is outside min 400.00 .. "
                            "default 449.00"));
  CU_ASSERT(cat_job_log_has(&fx, job, "RP-WIN en-gb: 449.00 -> 421.50 GBP "
                            "(price_to_win 421.50 is between min 400.00 and "
                            "default 449.00)"));
  CU_ASSERT(cat_job_log_has(&fx, job, "RP-NONE en-gb: 430.00 -> 449.00 GBP "
                            "(no Back Box data"));
  CU_ASSERT_EQUAL(cat_sim_429(&fx), 0);
  /* with the repricer on, price_upload leaves repriced listings alone */
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "price_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/", NULL, NULL),
                  0);
  cat_fx_stop(&fx);
}

/* Ready To Post for every product, then one bulk creation task with a
 * success and a Back Market refusal; the not-ready product is not sent. */
static void
test_bulk_creation_mixed(void)
{
  const char *known = "6d4ad966-db97-4d88-b409-b28cc2a0f8c9";
  int64_t job = 0, seq;

  if(setup(1, "fr-fr"))
    return;
  CU_ASSERT_EQUAL(cat_simf(&fx, "POST", "/_sim/products",
                           "{\"product_id\": \"%s\", \"backmarket_id\": 3000002,"
                           " \"title\": \"iPhone 12\"}", known), 201);
  CU_ASSERT_EQUAL(cat_creation_product(&fx, "NEW-OK", known, "4006381333931"), 0);
  CU_ASSERT_EQUAL(cat_creation_product(&fx, "NEW-BAD",
                                   "00000000-0000-4000-8000-00000000dead",
                                   "4006381333931"), 0);
  CU_ASSERT_EQUAL(cat_creation_product(&fx, "NEW-NOEAN", known, NULL), 0);
  /* by hand: Ready To Post only, nothing sent */
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "ready_to_post", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_STRING_EQUAL(cat_prop(&fx, "NEW-NOEAN", "ready_to_post"), "No");
  CU_ASSERT_STRING_EQUAL(cat_prop(&fx, "NEW-OK", "ready_to_post"), "Yes");
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "", NULL, NULL), 0);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "listing_creation", &job), HS_JOB_PARTIAL);
  CU_ASSERT_STRING_EQUAL(cat_prop(&fx, "NEW-OK", "ready_to_post"), "Yes");
  CU_ASSERT_STRING_EQUAL(cat_prop(&fx, "NEW-NOEAN", "ready_to_post"), "No");
  CU_ASSERT_STRING_EQUAL(cat_prop(&fx, "NEW-NOEAN", "ready_to_post_reasons"),
                         "EAN missing");
  /* one bulk task: grade as text, currency explicit, NEW-NOEAN absent */
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings", "NEW-OK", NULL),
                  1);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings",
                                "VERY_GOOD", NULL), 1);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings", "NEW-NOEAN",
                                NULL), 0);
  CU_ASSERT(cat_log_count(&fx, seq, "GET /ws/tasks/", NULL, NULL) >= 1);
  CU_ASSERT(strlen(cat_prop(&fx, "NEW-OK", "bm_listing_id")) == 36);
  CU_ASSERT_STRING_EQUAL(cat_prop(&fx, "NEW-BAD", "bm_listing_id"), "");
  CU_ASSERT_EQUAL(cat_item_errors(&fx, "NEW-BAD", "listing_rejected",
                                  "Unknown product"), 1);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "NEW-OK"), 4);
  CU_ASSERT(cat_job_log_has(&fx, job, "first launch with 2 SKUs"));
  /* the next hour: nothing new to create, no second task */
  seq = cat_log_seq(&fx);
  hs_clock_advance(fx.h, 3600 * 1000);
  cat_run(&fx, "listing_creation", NULL);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings", "NEW-OK", NULL),
                  0);
  CU_ASSERT_EQUAL(cat_sim_429(&fx), 0);
  cat_fx_stop(&fx);
}

/* A bulk task that Back Market fails (action_status 8): the job fails with
 * Back Market's reason, nothing is recorded as pushed, and the next run
 * sends the same changes again. */
static void
test_bulk_task_failed(void)
{
  char sku[32];
  int64_t job = 0, seq;
  int i, zero = 0;

  if(setup(1, "fr-fr"))
    return;
  for(i = 0; i < 30; i++) {
    snprintf(sku, sizeof(sku), "F-%02d", i);
    cat_listing(&fx, sku, 4, "fr-fr", "50.00", NULL);
    cat_product(&fx, sku, 4, NULL, NULL);
  }
  CU_ASSERT_EQUAL(cat_run(&fx, "active_listing_download", NULL),
                  HS_JOB_COMPLETED);
  for(i = 0; i < 30; i++) {
    snprintf(sku, sizeof(sku), "F-%02d", i);
    hs_stock_set(fx.h, CAT_COMPANY, sku, 0);
  }
  CU_ASSERT_EQUAL(cat_simf(&fx, "POST", "/_sim/config",
                           "{\"task_fail_next\": 1}"), 200);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", &job), HS_JOB_FAILED);
  CU_ASSERT(cat_job_log_has(&fx, job, "Task has been interrupted."));
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "F-00"), 4);
  seq = cat_log_seq(&fx);
  hs_clock_advance(fx.h, 3600 * 1000); /* the failed task's lines count */
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings", "F-29,0",
                                NULL), 1);
  for(i = 0; i < 30; i++) {
    snprintf(sku, sizeof(sku), "F-%02d", i);
    zero += cat_sim_qty(&fx, sku) == 0;
  }
  CU_ASSERT_EQUAL(zero, 30);
  CU_ASSERT_EQUAL(cat_sim_429(&fx), 0);
  cat_fx_stop(&fx);
}

/* Yen has no minor unit: 449.00 goes as "449" with currency JPY on the
 * Japanese market (AP platform); a price with sen is refused before
 * anything is sent; the Australian market gets its own AUD price, never
 * the yen number as dollars. */
static void
test_prices_jpy(void)
{
  int64_t seq;

  if(cat_fx_start_on(&fx, 1, "ja-jp,en-au", "ap") != 0) {
    CU_FAIL("fixture did not start");
    return;
  }
  cat_listing(&fx, "JP-1", 2, "ja-jp", "400", NULL);
  cat_listing(&fx, "JP-2", 2, "ja-jp", "400", NULL);
  cat_product(&fx, "JP-1", 2, NULL, "44900.00");
  cat_pset(&fx, "JP-1", "price", "en-au", "459.00");
  cat_product(&fx, "JP-2", 2, NULL, "449.50");
  CU_ASSERT_EQUAL(cat_run(&fx, "active_listing_download", NULL),
                  HS_JOB_COMPLETED);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "price_upload", NULL), HS_JOB_PARTIAL);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/",
                                "\"price\":\"44900\",\"currency\":\"JPY\"",
                                "ja-jp"), 1);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/",
                                "\"price\":\"459.00\",\"currency\":\"AUD\"",
                                "en-au"), 1);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/", "44900",
                                "en-au"), 0);
  CU_ASSERT_EQUAL(cat_item_errors(&fx, "JP-2", "price_invalid", "JPY"), 1);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/", "449.5",
                                "ja-jp"), 0);
  cat_fx_stop(&fx);
}

/* Bad input and transient failures: a malformed listings page fails the
 * download with a clear message and sets nothing; a 503 on a quantity
 * update is retried and the value lands once. */
static void
test_faults(void)
{
  char ua[40];
  int64_t job = 0, seq;

  if(setup(1, "fr-fr"))
    return;
  cat_listing(&fx, "FA-1", 3, "fr-fr", "10.00", ua);
  cat_listing(&fx, "GHOST-9", 5, "fr-fr", "10.00", NULL);
  cat_product(&fx, "FA-1", 3, NULL, NULL);
  CU_ASSERT_EQUAL(cat_simf(&fx, "POST", "/_sim/faults",
                           "{\"path\": \"/ws/listings\", \"method\": \"GET\", "
                           "\"kind\": \"malformed\", \"count\": 1}"), 201);
  CU_ASSERT_EQUAL(cat_run(&fx, "active_listing_download", &job),
                  HS_JOB_FAILED);
  CU_ASSERT(cat_job_log_has(&fx, job, "listings page (fr-fr)"));
  CU_ASSERT_STRING_EQUAL(cat_prop(&fx, "FA-1", "bm_listing_id"), "");
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "GHOST-9"), 5); /* nothing zeroed */
  CU_ASSERT_EQUAL(cat_run(&fx, "active_listing_download", NULL),
                  HS_JOB_COMPLETED);
  CU_ASSERT_STRING_EQUAL(cat_prop(&fx, "FA-1", "bm_listing_id"), ua);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "GHOST-9"), 0);
  /* a 503 on the single update: retried after a backoff, applied once */
  CU_ASSERT_EQUAL(hs_stock_set(fx.h, CAT_COMPANY, "FA-1", 1), 0);
  CU_ASSERT_EQUAL(cat_simf(&fx, "POST", "/_sim/faults",
                           "{\"path\": \"/ws/listings/\", \"method\": \"POST\", "
                           "\"kind\": \"status\", \"status\": 503, "
                           "\"count\": 1}"), 201);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/",
                                "\"quantity\":1", NULL), 2);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "FA-1"), 1);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/", NULL, NULL), 0);
  cat_fx_stop(&fx);
}

/* Each scenario is its own ctest entry (CMakeLists.txt names them). */
int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"bm_catalog_sim", "download_unknown_zeroed",
     test_download_and_unknown_zeroed},
    {"bm_catalog_sim", "inventory_only_changes", test_inventory_only_changes},
    {"bm_catalog_sim", "inventory_zero_disabled",
     test_inventory_zero_disabled},
    {"bm_catalog_sim", "inventory_budget_zero_first",
     test_inventory_budget_zero_first},
    {"bm_catalog_sim", "prices_per_market", test_prices_per_market},
    {"bm_catalog_sim", "repricer", test_repricer},
    {"bm_catalog_sim", "bulk_creation_mixed", test_bulk_creation_mixed},
    {"bm_catalog_sim", "bulk_task_failed", test_bulk_task_failed},
    {"bm_catalog_sim", "prices_jpy", test_prices_jpy},
    {"bm_catalog_sim", "faults", test_faults},
  };

  return cu_main(cases, CU_CASES_N(cases), NULL, NULL, argc, argv);
}
