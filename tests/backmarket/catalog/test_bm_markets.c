/*
 * test_bm_markets.c -- integration tests (host simulator + backmarket.so +
 * marketplace simulator on one virtual clock) of ABI 2.0's catalog side:
 * an action on two selected SKUs touches only those two on the simulator;
 * the host's Custom Inventory Calculation (built-in percent and a module)
 * changes the pushed quantity; fr-fr (EUR) and en-gb (GBP) with their own
 * prices, comments and warranties reach the simulator as such; a market
 * without a price and without a rule is not published and Ready To Post
 * says why for that market; a rule-derived price is exact and rounded as
 * configured; each market's min price drives the repricer in that market;
 * the Bulk Update CSV round-trips every Back Market property; only the
 * failed items of a job are retried.  argv[1] picks one scenario.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "cat_fixture.h"
#include "cu_main.h"

#ifndef BMC_FIXTURE_DIR
#error "BMC_FIXTURE_DIR must be defined"
#endif

static struct cat_fx fx;

static int
setup(const char *markets)
{
  if(cat_fx_start(&fx, 1, markets) != 0) {
    CU_FAIL("fixture did not start");
    return -1;
  }
  return 0;
}

/* A listed product: sim listing (qty on Back Market, fr-fr price) and an
 * enabled host product with stock and Back Market price. */
static void
listed(const char *sku, int64_t bm_qty, int64_t host_qty, const char *price,
       char *uuid)
{
  CU_ASSERT_EQUAL(cat_listing(&fx, sku, bm_qty, "fr-fr", "100.00", uuid), 0);
  CU_ASSERT_EQUAL(cat_product(&fx, sku, host_qty, uuid, price), 0);
}

static int
run_items(const char *action, const char *const *items, size_t n,
          int64_t *job)
{
  char err[512];
  int st = -1;

  if(hs_run_action_items(fx.h, CAT_COMPANY, CAT_PLUGIN, action, items, n,
                         job, &st, err, sizeof(err))) {
    fprintf(stderr, "run %s: %s\n", action, err);
    return -1;
  }
  return st;
}

/* Seed 004's "Update Price and Qty to BackMarket" on two of four products:
 * requests go to those two listings only; then Update Inventory on one;
 * an unknown SKU in a selection is reported, not guessed. */
static void
test_selection_two_skus(void)
{
  static const char *const two[] = {"SEL-B", "SEL-D"};
  static const char *const one[] = {"SEL-A", "NOPE-1"};
  char u[4][40], path[80];
  int64_t seq, job = 0;
  int i;

  if(setup("fr-fr"))
    return;
  listed("SEL-A", 1, 5, "201.00", u[0]);
  listed("SEL-B", 1, 6, "202.00", u[1]);
  listed("SEL-C", 1, 7, "203.00", u[2]);
  listed("SEL-D", 1, 8, "204.00", u[3]);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(run_items("price_qty_update", two, 2, &job),
                  HS_JOB_COMPLETED);
  for(i = 0; i < 4; i++) {
    snprintf(path, sizeof(path), "POST /ws/listings/%s", u[i]);
    CU_ASSERT_EQUAL(cat_log_count(&fx, seq, path, NULL, NULL),
                    i == 1 || i == 3 ? 2 : 0); /* quantity, then price */
  }
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings", NULL, NULL),
                  4);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "GET /ws/", NULL, NULL), 0);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SEL-A"), 1);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SEL-B"), 6);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SEL-C"), 1);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SEL-D"), 8);
  CU_ASSERT_STRING_EQUAL(cat_sim_market(&fx, "SEL-B", "fr-fr", "price"),
                         "202.00");
  CU_ASSERT_STRING_EQUAL(cat_sim_market(&fx, "SEL-C", "fr-fr", "price"),
                         "100.00");
  CU_ASSERT(cat_job_log_has(&fx, job, "selection: 2 SKUs: SEL-B, SEL-D"));
  /* Update Inventory on one product and an unknown one */
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(run_items("inventory_upload", one, 2, NULL),
                  HS_JOB_PARTIAL);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings", NULL, NULL),
                  1);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SEL-A"), 5);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SEL-C"), 1);
  CU_ASSERT_EQUAL(cat_item_errors(&fx, "NOPE-1", "not_found",
                                  "not in the host catalog"), 1);
  /* the whole catalog still works: the rest goes now */
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings", NULL, NULL),
                  1);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SEL-C"), 7);
  CU_ASSERT_EQUAL(cat_sim_429(&fx), 0);
  cat_fx_stop(&fx);
}

static int
set_calc(const char *spec)
{
  char err[512];
  int rc = hs_company_invcalc_set(fx.h, CAT_COMPANY, spec, err, sizeof(err));

  if(rc)
    fprintf(stderr, "inventory calculation %s: %s\n", spec, err);
  return rc;
}

/* The host's Custom Inventory Calculation, asked for when the client
 * setting is on: percent:50 of 10 is 5; the module keeps 3 back: 7; a
 * failing module holds the quantity and says so; off again: 10. */
static void
test_custom_inventory_calc(void)
{
  char u[40], err[512];
  int64_t job = 0;

  if(setup("fr-fr"))
    return;
  listed("CALC-1", 10, 10, "100.00", u);
  CU_ASSERT_EQUAL(cat_pset(&fx, "CALC-1", "safety_qty", NULL, "1"), 0);
  CU_ASSERT_EQUAL(set_calc("percent:50"), 0);
  /* the setting is off: the calculation is not used (10 - 1) */
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "CALC-1"), 9);
  CU_ASSERT_EQUAL(cat_set(&fx, "custom_inventory_calc", "true"), 0);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "CALC-1"), 4); /* 50 % of 10, minus 1 */
  CU_ASSERT_EQUAL(set_calc("module:" BMC_FIXTURE_DIR
                           "/fixture_invcalc.so:2"), 0);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "CALC-1"), 7); /* 10 - 2 kept, - 1 */
  CU_ASSERT_EQUAL(set_calc("module:" BMC_FIXTURE_DIR
                           "/fixture_invcalc.so:fail"), 0);
  CU_ASSERT_EQUAL(hs_stock_set(fx.h, CAT_COMPANY, "CALC-1", 20), 0);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", &job), HS_JOB_PARTIAL);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "CALC-1"), 7); /* held, not guessed */
  CU_ASSERT_EQUAL(cat_item_errors(&fx, "CALC-1", "inventory_calc", NULL), 1);
  CU_ASSERT(cat_job_log_has(&fx, job, "keep_back failed for CALC-1: "
                            "keep_back: asked to fail"));
  /* a module that is not one is refused when it is set */
  CU_ASSERT_NOT_EQUAL(hs_company_invcalc_set(fx.h, CAT_COMPANY, "module:"
                                             BMC_PLUGIN_DIR "/backmarket.so",
                                             err, sizeof(err)), BMC_OK);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "entry symbol 'bmc_invcalc_entry' not "
                                "found"));
  CU_ASSERT_EQUAL(cat_set(&fx, "custom_inventory_calc", "false"), 0);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "CALC-1"), 19);
  cat_fx_stop(&fx);
}

/* fr-fr (EUR) and en-gb (GBP) with their own prices, and en-gb's own
 * comment and warranty: different prices and currencies on the sim. */
static void
test_two_currencies(void)
{
  char u[40];
  int64_t seq;

  if(setup("fr-fr,en-gb"))
    return;
  listed("TWO-1", 2, 2, "489.00", u);
  CU_ASSERT_EQUAL(cat_pset(&fx, "TWO-1", "price", "en-gb", "415.00"), 0);
  CU_ASSERT_EQUAL(cat_pset(&fx, "TWO-1", "comment", "en-gb",
                           "Boxed \"as new\""), 0);
  CU_ASSERT_EQUAL(cat_pset(&fx, "TWO-1", "warranty_months", "en-gb", "24"),
                  0);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "price_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/",
                                "{\"price\":\"489.00\",\"currency\":\"EUR\"}",
                                "fr-fr"), 1);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/",
                                "{\"price\":\"415.00\",\"currency\":\"GBP\","
                                "\"comment\":\"Boxed \\\"as new\\\"\","
                                "\"warranty_delay\":24}", "en-gb"), 1);
  CU_ASSERT_STRING_EQUAL(cat_sim_market(&fx, "TWO-1", "fr-fr", "price"),
                         "489.00");
  CU_ASSERT_STRING_EQUAL(cat_sim_market(&fx, "TWO-1", "fr-fr", "currency"),
                         "EUR");
  CU_ASSERT_STRING_EQUAL(cat_sim_market(&fx, "TWO-1", "en-gb", "price"),
                         "415.00");
  CU_ASSERT_STRING_EQUAL(cat_sim_market(&fx, "TWO-1", "en-gb", "currency"),
                         "GBP");
  CU_ASSERT_STRING_EQUAL(cat_sim_market(&fx, "TWO-1", "en-gb", "comment"),
                         "Boxed \"as new\"");
  CU_ASSERT_STRING_EQUAL(cat_sim_market(&fx, "TWO-1", "en-gb",
                                        "warranty_delay"), "24");
  /* nothing changed: nothing sent; a new comment alone is sent */
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "price_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/", NULL, NULL), 0);
  CU_ASSERT_EQUAL(cat_pset(&fx, "TWO-1", "comment", "en-gb", "Boxed"), 0);
  CU_ASSERT_EQUAL(cat_run(&fx, "price_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/", NULL,
                                "en-gb"), 1);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/", NULL,
                                "fr-fr"), 0);
  CU_ASSERT_STRING_EQUAL(cat_sim_market(&fx, "TWO-1", "en-gb", "comment"),
                         "Boxed");
  /* disabled in en-gb only: en-gb is left alone, fr-fr still priced */
  CU_ASSERT_EQUAL(cat_pset(&fx, "TWO-1", "enabled", "en-gb", "false"), 0);
  CU_ASSERT_EQUAL(cat_pset(&fx, "TWO-1", "price", "en-gb", "399.00"), 0);
  CU_ASSERT_EQUAL(cat_pset(&fx, "TWO-1", "price", NULL, "479.00"), 0);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "price_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/", "479.00",
                                "fr-fr"), 1);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/", NULL,
                                "en-gb"), 0);
  CU_ASSERT_EQUAL(cat_sim_429(&fx), 0);
  cat_fx_stop(&fx);
}

/* Everything Ready To Post asks of a product besides its price. */
static void
complete(const char *sku)
{
  struct hs_product p;
  char err[200];

  hs_product_init(&p);
  p.sku = sku;
  p.title = "iPhone 12 64GB Black";
  p.description = "Unlocked, fully tested";
  p.ean = "4006381333931";
  p.image_url = "https://img.example.com/ip12.jpg";
  p.weight_lbs = "0.4";
  p.available_qty = 2;
  p.device_type = "phone";
  CU_ASSERT_EQUAL(hs_product_upsert(fx.h, CAT_COMPANY, &p, NULL, err,
                                    sizeof(err)), 0);
  CU_ASSERT_EQUAL(cat_pset(&fx, sku, "category", NULL, "smartphones"), 0);
  CU_ASSERT_EQUAL(cat_pset(&fx, sku, "warranty_months", NULL, "12"), 0);
  CU_ASSERT_EQUAL(cat_pset(&fx, sku, "grade", NULL, "GOOD"), 0);
  CU_ASSERT_EQUAL(cat_pset(&fx, sku, "bm_product_id", NULL,
                           "6d4ad966-db97-4d88-b409-b28cc2a0f8c9"), 0);
}

/* A market without a price of its own and without a rule: not published
 * there, Ready To Post says why for that market; with a rule it is. */
static void
test_unpublished_market(void)
{
  char u[40];
  int64_t seq, job = 0;

  if(setup("fr-fr,sv-se"))
    return;
  listed("UNP-1", 2, 2, "489.00", u);
  complete("UNP-1");
  CU_ASSERT_EQUAL(cat_run(&fx, "ready_to_post", NULL), HS_JOB_COMPLETED);
  /* the product can be posted (fr-fr), sv-se cannot */
  CU_ASSERT_STRING_EQUAL(cat_prop(&fx, "UNP-1", "ready_to_post"), "Yes");
  CU_ASSERT_STRING_EQUAL(cat_prop_m(&fx, "UNP-1", "ready_to_post", "fr-fr"),
                         "Yes");
  CU_ASSERT_STRING_EQUAL(cat_prop_m(&fx, "UNP-1", "ready_to_post", "sv-se"),
                         "No");
  CU_ASSERT_PTR_NOT_NULL(strstr(cat_prop_m(&fx, "UNP-1",
                                           "ready_to_post_reasons", "sv-se"),
                                "sv-se: no price of its own (SEK) and no "
                                "pricing rule (exchange_rates)"));
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "price_upload", &job), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/", NULL,
                                "sv-se"), 0);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/", NULL,
                                "fr-fr"), 1);
  CU_ASSERT(cat_job_log_has(&fx, job, "prices (sv-se, SEK): 0 changed, 0 "
                            "sent, 0 invalid, 0 above max_price, 1 not "
                            "published"));
  CU_ASSERT_STRING_EQUAL(cat_sim_market(&fx, "UNP-1", "sv-se", "price"), "");
  /* the rule publishes it: exact, rounded up to .00 */
  CU_ASSERT_EQUAL(cat_set(&fx, "exchange_rates", "EUR:SEK=11.43"), 0);
  CU_ASSERT_EQUAL(cat_set(&fx, "price_rounding", ".00"), 0);
  CU_ASSERT_EQUAL(cat_run(&fx, "ready_to_post", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_STRING_EQUAL(cat_prop_m(&fx, "UNP-1", "ready_to_post", "sv-se"),
                         "Yes");
  CU_ASSERT_STRING_EQUAL(cat_prop_m(&fx, "UNP-1", "ready_to_post_reasons",
                                    "sv-se"), "");
  CU_ASSERT_EQUAL(cat_run(&fx, "price_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_STRING_EQUAL(cat_sim_market(&fx, "UNP-1", "sv-se", "price"),
                         "5590.00"); /* 5589.27 up to .00 */
  CU_ASSERT_STRING_EQUAL(cat_sim_market(&fx, "UNP-1", "sv-se", "currency"),
                         "SEK");
  /* a bad exchange-rate table fails the job and names the setting */
  CU_ASSERT_EQUAL(cat_set(&fx, "exchange_rates", "EUR/SEK 11"), 0);
  CU_ASSERT_EQUAL(cat_run(&fx, "price_upload", &job), HS_JOB_FAILED);
  CU_ASSERT(cat_job_log_has(&fx, job, "setting exchange_rates: 'EUR/SEK 11' "
                            "is not FROM:TO=RATE"));
  cat_fx_stop(&fx);
}

/* A rule-derived price is exact (489.00 x 0.8571 = 419.1219) and rounded
 * as configured, on the simulator. */
static void
test_rule_derived_price(void)
{
  char u[40];
  int64_t seq;

  if(setup("fr-fr,en-gb"))
    return;
  CU_ASSERT_EQUAL(cat_set(&fx, "exchange_rates", "EUR:GBP=0.8571"), 0);
  CU_ASSERT_EQUAL(cat_set(&fx, "price_rounding", ".99"), 0);
  listed("RULE-1", 2, 2, "489.00", u);
  CU_ASSERT_EQUAL(cat_pset(&fx, "RULE-1", "min_price", NULL, "400.00"), 0);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "price_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/",
                                "{\"price\":\"419.99\",\"currency\":\"GBP\","
                                "\"min_price\":\"342.84\"}", "en-gb"), 1);
  CU_ASSERT_STRING_EQUAL(cat_sim_market(&fx, "RULE-1", "en-gb", "price"),
                         "419.99");
  CU_ASSERT_STRING_EQUAL(cat_sim_market(&fx, "RULE-1", "fr-fr", "price"),
                         "489.00");
  /* no rounding: to the cent, half up */
  CU_ASSERT_EQUAL(cat_set(&fx, "price_rounding", "none"), 0);
  CU_ASSERT_EQUAL(cat_run(&fx, "price_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_STRING_EQUAL(cat_sim_market(&fx, "RULE-1", "en-gb", "price"),
                         "419.12");
  /* 0.8571 -> 0.85715: 419.14 (419.146...) */
  CU_ASSERT_EQUAL(cat_set(&fx, "exchange_rates", "EUR:GBP=0.85715"), 0);
  CU_ASSERT_EQUAL(cat_run(&fx, "price_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_STRING_EQUAL(cat_sim_market(&fx, "RULE-1", "en-gb", "price"),
                         "419.15");
  cat_fx_stop(&fx);
}

/* Each market's min price is the repricer's floor in that market: en-gb's
 * price_to_win 410.00 GBP is within its own 400..420 (the EUR floor 450
 * would have refused it); fr-fr's 460.00 EUR within 450..489. */
static void
test_repricer_per_market_min(void)
{
  char u[40];
  int64_t seq, job = 0;

  if(setup("fr-fr,en-gb"))
    return;
  listed("RPM-1", 2, 2, "489.00", u);
  CU_ASSERT_EQUAL(cat_pset(&fx, "RPM-1", "min_price", NULL, "450.00"), 0);
  CU_ASSERT_EQUAL(cat_pset(&fx, "RPM-1", "price", "en-gb", "420.00"), 0);
  CU_ASSERT_EQUAL(cat_pset(&fx, "RPM-1", "min_price", "en-gb", "400.00"), 0);
  CU_ASSERT_EQUAL(cat_pset(&fx, "RPM-1", "repricing", NULL, "true"), 0);
  CU_ASSERT_EQUAL(cat_simf(&fx, "POST", "/_sim/backbox",
                           "{\"listing\": \"RPM-1\", \"market\": \"fr-fr\", "
                           "\"price_to_win\": \"460.00\"}"), 201);
  CU_ASSERT_EQUAL(cat_simf(&fx, "POST", "/_sim/backbox",
                           "{\"listing\": \"RPM-1\", \"market\": \"en-gb\", "
                           "\"price_to_win\": \"410.00\"}"), 201);
  CU_ASSERT_EQUAL(cat_set(&fx, "repricer", "true"), 0);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "repricer", &job), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "GET /ws/backbox/v1/competitors/",
                                NULL, NULL), 1);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/",
                                "{\"price\":\"460.00\",\"currency\":\"EUR\","
                                "\"min_price\":\"450.00\"}", "fr-fr"), 1);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/",
                                "{\"price\":\"410.00\",\"currency\":\"GBP\","
                                "\"min_price\":\"400.00\"}", "en-gb"), 1);
  CU_ASSERT(cat_job_log_has(&fx, job, "RPM-1 en-gb: unknown -> 410.00 GBP "
                            "(price_to_win 410.00 is between min 400.00 and "
                            "default 420.00)"));
  CU_ASSERT_STRING_EQUAL(cat_sim_market(&fx, "RPM-1", "en-gb", "price"),
                         "410.00");
  /* below en-gb's floor: its own default comes back */
  CU_ASSERT_EQUAL(cat_simf(&fx, "POST", "/_sim/backbox",
                           "{\"listing\": \"RPM-1\", \"market\": \"en-gb\", "
                           "\"price_to_win\": \"390.00\"}"), 201);
  hs_clock_advance(fx.h, 3600 * 1000);
  CU_ASSERT_EQUAL(cat_run(&fx, "repricer", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_STRING_EQUAL(cat_sim_market(&fx, "RPM-1", "en-gb", "price"),
                         "420.00");
  CU_ASSERT_STRING_EQUAL(cat_sim_market(&fx, "RPM-1", "fr-fr", "price"),
                         "460.00");
  cat_fx_stop(&fx);
}

static void
write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");

  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  CU_ASSERT(fputs(text, f) >= 0);
  CU_ASSERT_EQUAL(fclose(f), 0);
}

static char *
read_all(const char *path)
{
  static char buf[3][16384];
  static int k;
  FILE *f = fopen(path, "r");
  size_t n = 0;

  k = (k + 1) % 3;
  buf[k][0] = '\0';
  if(f) {
    n = fread(buf[k], 1, sizeof(buf[k]) - 1, f);
    buf[k][n] = '\0';
    fclose(f);
  }
  return buf[k];
}

struct rowerr {
  int64_t line;
  char msg[300];
  int n;
};

static void
row_err(void *ud, int64_t line, const char *msg)
{
  struct rowerr *r = ud;

  r->line = line;
  snprintf(r->msg, sizeof(r->msg), "%s", msg);
  r->n++;
}

/* Today's Bulk Update file (seed 004 columns, no market columns) still
 * imports; every Back Market property (per-market columns included)
 * exports and imports back to the same catalog; a bad value is refused
 * with its line and column. */
static void
test_bulk_csv_round_trip(void)
{
  char in[512], a[512], b[512], err[512];
  struct hs_import_stats st;
  struct rowerr re;
  int64_t rows = 0;

  if(setup("fr-fr,en-gb"))
    return;
  snprintf(in, sizeof(in), "%s/bulk.csv", fx.env.dir);
  snprintf(a, sizeof(a), "%s/a.csv", fx.env.dir);
  snprintf(b, sizeof(b), "%s/b.csv", fx.env.dir);
  write_file(in,
    "ProductID,MerchantSKU,BackmarketEnabled,BackmarketTitle,"
    "DescriptionForChannel_BackMarket,EAN,WeightLbs,WeightOz,"
    "GalleryImageURL,BackmarketCategory,BackmarketWarrantyLength,"
    "Grade,BackmarketProductID,BackmarketPrice,SitePrice,"
    "BackMarketMinPrice,BackMarketEnableAutoRepricing,SafetyQty,MaxQty,"
    "AvailableQty,DeviceType,CPU,StorageType,StorageGB,RAMGB,ReleaseYear\n"
    "CSV-1,CSV-1-BM,True,\"iPhone 12, 64GB\",Tested,4006381333931,0,7,"
    "https://img.example/1.jpg,smartphones,24,Stallone,"
    "6d4ad966-db97-4d88-b409-b28cc2a0f8c9,299.00,329.00,270.00,True,1,5,4,"
    "phone,A14,,64,4,2020\n"
    "CSV-2,,False,,,,,,,laptops,12,2,,489.5,,,False,,,0,laptop,,SSD,256,16,"
    "2021\n");
  memset(&re, 0, sizeof(re));
  CU_ASSERT_EQUAL(hs_products_import_csv(fx.h, CAT_COMPANY, in, 0, row_err,
                                         &re, &st, err, sizeof(err)),
                  BMC_OK);
  CU_ASSERT_EQUAL(st.rows_ok, 2);
  CU_ASSERT_EQUAL(re.n, 0);
  CU_ASSERT_STRING_EQUAL(cat_prop(&fx, "CSV-1", "grade"), "STALLONE");
  CU_ASSERT_STRING_EQUAL(cat_prop(&fx, "CSV-1", "enabled"), "true");
  CU_ASSERT_STRING_EQUAL(cat_prop(&fx, "CSV-1", "bm_title"),
                         "iPhone 12, 64GB");
  /* per-market values, then a comment with a quote and a line break */
  write_file(in, "SKU,BackmarketPrice_en-gb,BackMarketMinPrice_en-gb,"
             "BackmarketComment_en-gb,BackmarketWarrantyLength_en-gb,"
             "BackmarketEnabled_fr-fr\n"
             "CSV-1,259.00,230.00,\"Boxed, \"\"as new\"\"\nsecond line\","
             "36,False\n");
  CU_ASSERT_EQUAL(hs_products_import_csv(fx.h, CAT_COMPANY, in, 0, row_err,
                                         &re, &st, err, sizeof(err)),
                  BMC_OK);
  CU_ASSERT_EQUAL(re.n, 0);
  CU_ASSERT_STRING_EQUAL(cat_prop_m(&fx, "CSV-1", "price", "en-gb"),
                         "259.00");
  CU_ASSERT_STRING_EQUAL(cat_prop_m(&fx, "CSV-1", "comment", "en-gb"),
                         "Boxed, \"as new\"\nsecond line");
  CU_ASSERT_STRING_EQUAL(cat_prop_m(&fx, "CSV-1", "enabled", "fr-fr"),
                         "false");
  /* export, import into another company, export: the same file */
  CU_ASSERT_EQUAL(hs_products_export_csv(fx.h, CAT_COMPANY, a, &rows, err,
                                         sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(rows, 2);
  if(!strstr(read_all(a), "BackmarketPrice,BackmarketPrice_en-gb,"
             "BackMarketMinPrice,BackMarketMinPrice_en-gb,BackmarketComment,"
             "BackmarketComment_en-gb\r\n"))
    fprintf(stderr, "\n%s\n", read_all(a));
  CU_ASSERT_PTR_NOT_NULL(strstr(read_all(a), "BackmarketPrice,"
                                "BackmarketPrice_en-gb,BackMarketMinPrice,"
                                "BackMarketMinPrice_en-gb,BackmarketComment,"
                                "BackmarketComment_en-gb\r\n"));
  CU_ASSERT_PTR_NOT_NULL(strstr(read_all(a), "BackmarketEnabled,"
                                "BackmarketEnabled_fr-fr,MerchantSKU"));
  CU_ASSERT_EQUAL(hs_company_add(fx.h, "copy", NULL), BMC_OK);
  CU_ASSERT_EQUAL(hs_products_import_csv(fx.h, "copy", a, 0, row_err, &re,
                                         &st, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(re.n, 0);
  CU_ASSERT_EQUAL(st.rows_ok, 2);
  CU_ASSERT_EQUAL(hs_products_export_csv(fx.h, "copy", b, &rows, err,
                                         sizeof(err)), BMC_OK);
  CU_ASSERT_STRING_EQUAL(read_all(a), read_all(b));
  /* a bad value: refused with line and column, the rest imports */
  write_file(in, "SKU,BackmarketPrice_en-gb,Condition\n"
             "CSV-1,12.345,GOOD\n"
             "CSV-2,10.00,LIKE_NEW\n"
             "CSV-2,11.00,FAIR\n");
  memset(&re, 0, sizeof(re));
  CU_ASSERT_EQUAL(hs_products_import_csv(fx.h, CAT_COMPANY, in, 0, row_err,
                                         &re, &st, err, sizeof(err)),
                  BMC_OK);
  CU_ASSERT_EQUAL(st.rows_bad, 2);
  CU_ASSERT_EQUAL(re.line, 3);
  CU_ASSERT_PTR_NOT_NULL(strstr(re.msg, "Condition: expected one of"));
  CU_ASSERT_STRING_EQUAL(cat_prop_m(&fx, "CSV-1", "price", "en-gb"),
                         "259.00");
  CU_ASSERT_STRING_EQUAL(cat_prop(&fx, "CSV-2", "grade"), "FAIR");
  /* plugin-owned values are the plugin's: no column for them */
  write_file(in, "SKU,BackmarketListingID\nCSV-1,x\n");
  CU_ASSERT_EQUAL(hs_products_import_csv(fx.h, CAT_COMPANY, in, 0, NULL,
                                         NULL, &st, err, sizeof(err)),
                  BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "'BackmarketListingID' is not a known "
                                "Bulk Update column"));
  cat_fx_stop(&fx);
}

/* Retry only the failed items: a price push refused for one listing of
 * three; the retry job sends that one only and says what it retries. */
static void
test_retry_failed_items(void)
{
  char u[3][40], path[80], err[512];
  int64_t seq, job = 0, job2 = 0;
  int st = 0, i;

  if(setup("fr-fr"))
    return;
  listed("RT-A", 1, 1, "110.00", u[0]);
  listed("RT-B", 1, 1, "120.00", u[1]);
  listed("RT-C", 1, 1, "130.00", u[2]);
  snprintf(path, sizeof(path), "/ws/listings/%s", u[1]);
  CU_ASSERT_EQUAL(cat_simf(&fx, "POST", "/_sim/faults",
                           "{\"path\": \"%s\", \"method\": \"POST\", "
                           "\"kind\": "
                           "\"status\", \"status\": 400, \"count\": 1}", path),
                  201);
  CU_ASSERT_EQUAL(cat_run(&fx, "price_upload", &job), HS_JOB_PARTIAL);
  CU_ASSERT_EQUAL(cat_item_errors(&fx, "RT-B", "remote_reject", NULL), 1);
  CU_ASSERT_STRING_EQUAL(cat_sim_market(&fx, "RT-B", "fr-fr", "price"),
                         "100.00");
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(hs_job_retry(fx.h, job, &job2, &st, err, sizeof(err)),
                  BMC_OK);
  CU_ASSERT_EQUAL(st, HS_JOB_COMPLETED);
  CU_ASSERT(job2 > job);
  CU_ASSERT(cat_job_log_has(&fx, job2, "(retry of job"));
  CU_ASSERT(cat_job_log_has(&fx, job2, "selection: 1 SKUs: RT-B"));
  for(i = 0; i < 3; i++) {
    snprintf(path, sizeof(path), "POST /ws/listings/%s", u[i]);
    CU_ASSERT_EQUAL(cat_log_count(&fx, seq, path, NULL, NULL), i == 1);
  }
  CU_ASSERT_STRING_EQUAL(cat_sim_market(&fx, "RT-B", "fr-fr", "price"),
                         "120.00");
  /* nothing failed in the retry: nothing to retry again */
  CU_ASSERT_EQUAL(hs_job_retry(fx.h, job2, NULL, NULL, err, sizeof(err)),
                  BMC_ERR_CONFLICT);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "has no failed items"));
  /* an action without selections is run again as a whole instead */
  CU_ASSERT_EQUAL(cat_run(&fx, "active_listing_download", &job),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(hs_job_retry(fx.h, job, NULL, NULL, err, sizeof(err)),
                  BMC_ERR_CONFLICT);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "takes no selection"));
  cat_fx_stop(&fx);
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"bm_markets", "selection_two_skus", test_selection_two_skus},
    {"bm_markets", "custom_inventory_calc", test_custom_inventory_calc},
    {"bm_markets", "two_currencies", test_two_currencies},
    {"bm_markets", "unpublished_market", test_unpublished_market},
    {"bm_markets", "rule_derived_price", test_rule_derived_price},
    {"bm_markets", "repricer_per_market_min", test_repricer_per_market_min},
    {"bm_markets", "bulk_csv_round_trip", test_bulk_csv_round_trip},
    {"bm_markets", "retry_failed_items", test_retry_failed_items},
  };

  return cu_main(cases, CU_CASES_N(cases), NULL, NULL, argc, argv);
}
