/*
 * test_bm_ready.c -- unit tests of Ready To Post (bm_ready.c, product and
 * per market), the eligibility rules (bm_rules.c, incl. the shipped
 * default rules file), grades, EAN check digits and the filtered-products
 * rule (bm_filter.c), on products carrying the plugin's properties.
 * Every failure reason a seller can see is asserted.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "bm_catalog_side.h"
#include "cu_main.h"
#include "tprod.h"

static struct bm_rules *g_rules; /* the shipped default rules file */

/* A product that is ready to post: a 2020 laptop that passes every rule. */
static void
good_product(struct tprod *t)
{
  tprod_init(t, "LAP-1");
  t->p.title = "Dell Latitude 7410";
  t->p.description = "14-inch business laptop, fully tested";
  t->p.ean = "4006381333931";
  t->p.image_url = "https://img.example.com/lat7410.jpg";
  t->p.weight_lbs = "3.10";
  t->p.site_price = "449.00";
  t->p.available_qty = 3;
  t->p.device_type = "laptop";
  t->p.cpu = "Intel Core i5-10310U";
  t->p.storage_type = "SSD";
  t->p.storage_gb = 256;
  t->p.ram_gb = 16;
  t->p.release_year = 2020;
  tprod_set(t, "enabled", "", "true");
  tprod_set(t, "category", "", "laptops");
  tprod_set(t, "warranty_months", "", "12");
  tprod_set(t, "grade", "", "GOOD");
  tprod_set(t, "bm_product_id", "", "6d4ad966-db97-4d88-b409-b28cc2a0f8c9");
}

/* Ready To Post must be No with exactly one reason containing `needle`. */
static void
expect_one(const struct tprod *t, const char *needle)
{
  struct bm_view v = tprod_view(t);
  struct bm_reasons r;

  bm_reasons_init(&r);
  CU_ASSERT_EQUAL(bm_ready_check(&v, g_rules, &r), 0);
  CU_ASSERT_EQUAL(r.count, 1);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.text, needle));
  if(r.count != 1 || !strstr(r.text, needle))
    fprintf(stderr, "\n  expected one reason '%s', got %d: %s\n", needle,
            r.count, r.text);
}

static int
ready(const struct tprod *t)
{
  struct bm_view v = tprod_view(t);
  struct bm_reasons r;

  bm_reasons_init(&r);
  return bm_ready_check(&v, g_rules, &r);
}

static void
test_ready(void)
{
  struct tprod t;
  struct bm_view v;
  struct bm_reasons r;

  good_product(&t);
  v = tprod_view(&t);
  bm_reasons_init(&r);
  CU_ASSERT_EQUAL(bm_ready_check(&v, g_rules, &r), 1);
  CU_ASSERT_EQUAL(r.count, 0);
  CU_ASSERT_STRING_EQUAL(r.text, "");
  /* Back Market's own title and description win over the generic ones */
  tprod_set(&t, "bm_title", "", "Latitude 7410 (Back Market)");
  v = tprod_view(&t);
  CU_ASSERT_STRING_EQUAL(v.title, "Latitude 7410 (Back Market)");
  t.p.title = NULL;
  CU_ASSERT_EQUAL(ready(&t), 1);
  /* a phone is not governed by the computer rules */
  t.p.device_type = "phone";
  t.p.cpu = NULL;
  t.p.ram_gb = -1;
  t.p.storage_type = NULL;
  t.p.storage_gb = -1;
  t.p.release_year = -1;
  CU_ASSERT_EQUAL(ready(&t), 1);
}

static void
test_required_properties(void)
{
  struct tprod t;

#define ONE(field, value, needle)                                          \
  do {                                                                     \
    good_product(&t);                                                      \
    t.p.field = value;                                                     \
    expect_one(&t, needle);                                                \
  } while(0)
#define ONEP(key, value, needle)                                           \
  do {                                                                     \
    good_product(&t);                                                      \
    tprod_set(&t, key, "", value);                                         \
    expect_one(&t, needle);                                                \
  } while(0)
  ONE(title, NULL, "Title missing");
  ONE(title, "  ", "Title missing");
  ONE(description, NULL, "Description missing");
  ONE(ean, NULL, "EAN missing");
  ONE(ean, "4006381333932", "EAN '4006381333932' invalid");
  ONE(ean, "40063813339A1", "invalid");
  ONE(weight_lbs, NULL, "Weight missing");
  ONE(weight_lbs, "0", "Weight '0' must be a number above 0");
  ONE(weight_lbs, "-1", "Weight '-1'");
  ONE(image_url, NULL, "Image URL missing");
  ONE(image_url, "ftp://x.example/a.jpg", "not an http(s) URL");
  ONEP("category", NULL, "Category missing");
  ONEP("warranty_months", NULL, "Warranty missing");
  ONEP("warranty_months", "6", "Warranty 6 months below the 12-month minimum");
  ONEP("grade", NULL, "Grade missing");
  ONEP("grade", "5", "Grade '5' invalid");
  ONEP("grade", "LIKE_NEW", "Grade 'LIKE_NEW' invalid");
  ONEP("bm_product_id", NULL, "Back Market product id missing");
  ONE(available_qty, 0, "No available quantity (0)");
  ONE(available_qty, -2, "No available quantity (-2)");
#undef ONE
#undef ONEP
}

/* A market can be published with a price there and a warranty of at
 * least 12 months there; the reasons name the market. */
static void
test_market_ready(void)
{
  struct bm_pricing rule, none;
  struct tprod t;
  struct bm_view v;
  struct bm_reasons r;
  char err[200];

  CU_ASSERT_EQUAL_FATAL(bm_pricing_parse("fr-fr", "", "", "none", &none, err,
                                         sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL_FATAL(bm_pricing_parse("fr-fr", "", "EUR:GBP=0.8571",
                                         ".99", &rule, err, sizeof(err)),
                        BMC_OK);
  good_product(&t);
  v = tprod_view(&t);
  bm_reasons_init(&r);
  /* fr-fr: the site price; de-de (EUR too): the same */
  CU_ASSERT_EQUAL(bm_ready_market(&v, &none, "fr-fr", &r), 1);
  CU_ASSERT_EQUAL(bm_ready_market(&v, &none, "de-de", &r), 1);
  /* en-gb without a price of its own and without a rule: not published */
  CU_ASSERT_EQUAL(bm_ready_market(&v, &none, "en-gb", &r), 0);
  CU_ASSERT_STRING_EQUAL(r.text, "en-gb: no price of its own (GBP) and no "
                         "pricing rule (exchange_rates)");
  /* with the rule, or its own price, it can */
  bm_reasons_init(&r);
  CU_ASSERT_EQUAL(bm_ready_market(&v, &rule, "en-gb", &r), 1);
  CU_ASSERT_EQUAL(bm_ready_market(&v, &rule, "sv-se", &r), 0);
  CU_ASSERT_STRING_EQUAL(r.text, "sv-se: no price of its own (SEK) and no "
                         "exchange rate for it in exchange_rates");
  tprod_set(&t, "price", "sv-se", "4290.00");
  v = tprod_view(&t);
  bm_reasons_init(&r);
  CU_ASSERT_EQUAL(bm_ready_market(&v, &none, "sv-se", &r), 1);
  /* a market's own warranty below 12 months */
  tprod_set(&t, "warranty_months", "sv-se", "6");
  v = tprod_view(&t);
  CU_ASSERT_EQUAL(bm_ready_market(&v, &none, "sv-se", &r), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "sv-se: warranty 6 months below"));
  /* a malformed price of a market is named */
  tprod_set(&t, "price", "en-gb", "12.345");
  v = tprod_view(&t);
  bm_reasons_init(&r);
  CU_ASSERT_EQUAL(bm_ready_market(&v, &rule, "en-gb", &r), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "en-gb: price '12.345' is not a "
                                "valid GBP amount"));
}

static void
test_every_reason_listed(void)
{
  struct tprod t;
  struct bm_view v;
  struct bm_reasons r;

  tprod_init(&t, "X");
  t.p.device_type = "desktop";
  v = tprod_view(&t);
  bm_reasons_init(&r);
  CU_ASSERT_EQUAL(bm_ready_check(&v, g_rules, &r), 0);
  /* 10 properties + qty + 5 computer rules (cpu, storage type, size, ram,
   * year) */
  CU_ASSERT_EQUAL(r.count, 15);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "Title missing; Description missing"));
  CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "CPU missing"));
  CU_ASSERT_PTR_NOT_NULL(strstr(r.text, "Release year missing"));
  CU_ASSERT_EQUAL(r.truncated, 0);
}

static void
test_reasons_truncate(void)
{
  struct bm_reasons r;
  int i;

  bm_reasons_init(&r);
  for(i = 0; i < 200; i++)
    bm_reasons_add(&r, "reason number %d is rather long to fill it", i);
  CU_ASSERT_EQUAL(r.count, 200);
  CU_ASSERT_EQUAL(r.truncated, 1);
  CU_ASSERT(r.len < sizeof(r.text));
  CU_ASSERT_EQUAL(strlen(r.text), r.len);
  CU_ASSERT_STRING_EQUAL(r.text + r.len - 3, "...");
}

static void
test_computer_rules(void)
{
  struct tprod t;

#define RULE(field, value, needle)                                         \
  do {                                                                     \
    good_product(&t);                                                      \
    t.p.field = value;                                                     \
    expect_one(&t, needle);                                                \
  } while(0)
  RULE(cpu, "Intel Core i5-7200U", "CPU 'Intel Core i5-7200U' is not Windows 11 capable (computers rule)");
  RULE(cpu, "Intel Core i7-920", "not Windows 11 capable");
  RULE(cpu, "AMD Ryzen 5 1600", "not Windows 11 capable");
  RULE(cpu, "Intel Celeron N4020", "not Windows 11 capable");
  RULE(cpu, NULL, "CPU missing");
  RULE(storage_type, "HDD", "Storage type HDD not allowed (computers rule: SSD)");
  RULE(storage_type, "eMMC", "Storage type eMMC not allowed");
  RULE(storage_type, NULL, "Storage type missing");
  RULE(storage_gb, 64, "Storage 64 GB below 128 GB (computers rule)");
  RULE(storage_gb, -1, "Storage size missing");
  RULE(ram_gb, 4, "RAM 4 GB below 8 GB (computers rule)");
  RULE(ram_gb, -1, "RAM missing");
  RULE(release_year, 2016, "Release year 2016 outside 2017-2025 (computers rule)");
  RULE(release_year, 2026, "Release year 2026 outside 2017-2025");
  RULE(release_year, -1, "Release year missing");
#undef RULE
}

static void
test_allowed_cpus(void)
{
  static const char *const ok[] = {
    "Intel Core i5-8250U", "Intel Core i7-9750H", "Intel Core i7-1165G7",
    "Intel Core i5-10210U", "INTEL CORE I9-13900K", "Intel Core Ultra 7 155H",
    "AMD Ryzen 5 2500U", "AMD Ryzen 7 5800X", "AMD Ryzen 7 PRO 4750U",
    "Apple M1", "Apple M2 Pro", "Qualcomm Snapdragon X Elite"
  };
  static const char *const types[] = {"desktop", "all_in_one", "gaming",
                                      "laptop"};
  struct tprod t;
  size_t i;

  good_product(&t);
  for(i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
    t.p.cpu = ok[i];
    CU_ASSERT_EQUAL(ready(&t), 1);
    if(!ready(&t))
      fprintf(stderr, "\n  %s refused\n", ok[i]);
  }
  /* the rule covers each computer type the seed names */
  t.p.cpu = "Intel Core i5-6300U";
  for(i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
    t.p.device_type = types[i];
    expect_one(&t, "not Windows 11 capable");
  }
}

static void
test_exceptions(void)
{
  struct tprod t;

  good_product(&t);
  /* Chromebook: eMMC, 4 GB RAM, 32 GB storage, Celeron is fine */
  t.p.device_type = "chromebook";
  t.p.cpu = "Intel Celeron N4020";
  t.p.storage_type = "eMMC";
  t.p.storage_gb = 32;
  t.p.ram_gb = 4;
  CU_ASSERT_EQUAL(ready(&t), 1);
  t.p.ram_gb = 2;
  expect_one(&t, "RAM 2 GB below 4 GB (chromebooks rule)");
  t.p.ram_gb = 4;
  t.p.storage_type = "HDD";
  expect_one(&t, "Storage type HDD not allowed (chromebooks rule: SSD, eMMC)");
  t.p.storage_type = "eMMC";
  t.p.release_year = 2015;
  expect_one(&t, "Release year 2015 outside 2017-2025 (chromebooks rule)");

  /* 2-in-1: 4 GB RAM allowed, other computer rules still apply */
  good_product(&t);
  t.p.device_type = "2in1";
  t.p.ram_gb = 4;
  CU_ASSERT_EQUAL(ready(&t), 1);
  t.p.ram_gb = 2;
  expect_one(&t, "RAM 2 GB below 4 GB (2-in-1 rule)");
  t.p.ram_gb = 4;
  t.p.storage_gb = 64;
  expect_one(&t, "Storage 64 GB below 128 GB (2-in-1 rule)");
  t.p.storage_gb = 128;
  t.p.cpu = "Intel Core m3-7Y30";
  expect_one(&t, "not Windows 11 capable (2-in-1 rule)");
}

static void
test_rules_file_errors(void)
{
  struct bm_rules *r = NULL;
  char err[256];

  CU_ASSERT_EQUAL(bm_rules_load_string("groups = ( { name = \"x\"; } );",
                                       &r, err, sizeof(err)), BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "names no device_types"));
  CU_ASSERT_PTR_NULL(r);
  CU_ASSERT_EQUAL(bm_rules_load_string("groups = ( { name = \"x\"; "
                                       "device_types = [\"laptop\"]; "
                                       "min_ram_gb = \"8\"; } );",
                                       &r, err, sizeof(err)), BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "min_ram_gb must be an integer"));
  CU_ASSERT_EQUAL(bm_rules_load_string("groups = ( { name = \"x\" } ",
                                       &r, err, sizeof(err)), BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "rules:1"));
  CU_ASSERT_EQUAL(bm_rules_load_string("nothing = 1;", &r, err, sizeof(err)),
                  BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "no 'groups"));
  CU_ASSERT_EQUAL(bm_rules_load_file("/nonexistent/rules.cfg", &r, err,
                                     sizeof(err)), BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/rules.cfg"));
  /* a company's own, stricter file */
  CU_ASSERT_EQUAL(bm_rules_load_string(
      "groups = ( { name = \"phones\"; device_types = [\"phone\"]; "
      "min_storage_gb = 64; } );", &r, err, sizeof(err)), BMC_OK);
  if(r) {
    struct tprod t;
    struct bm_view v;
    struct bm_reasons rs;

    good_product(&t);
    t.p.device_type = "phone";
    t.p.storage_gb = 32;
    v = tprod_view(&t);
    bm_reasons_init(&rs);
    CU_ASSERT_EQUAL(bm_ready_check(&v, r, &rs), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(rs.text, "Storage 32 GB below 64 GB (phones rule)"));
    bm_rules_free(r);
  }
  bm_rules_free(NULL);
}

static void
test_grades_and_ean(void)
{
  CU_ASSERT_STRING_EQUAL(bm_grade_normalize("0"), "EXCELLENT");
  CU_ASSERT_STRING_EQUAL(bm_grade_normalize("1"), "VERY_GOOD");
  CU_ASSERT_STRING_EQUAL(bm_grade_normalize("2"), "GOOD");
  CU_ASSERT_STRING_EQUAL(bm_grade_normalize("3"), "FAIR");
  CU_ASSERT_STRING_EQUAL(bm_grade_normalize("4"), "STALLONE");
  CU_ASSERT_STRING_EQUAL(bm_grade_normalize("premium"), "PREMIUM");
  CU_ASSERT_STRING_EQUAL(bm_grade_normalize("Very_Good"), "VERY_GOOD");
  CU_ASSERT_PTR_NULL(bm_grade_normalize("5"));
  CU_ASSERT_PTR_NULL(bm_grade_normalize("10"));
  CU_ASSERT_PTR_NULL(bm_grade_normalize(""));
  CU_ASSERT_TRUE(bm_ean_valid("4006381333931"));  /* EAN-13 */
  CU_ASSERT_TRUE(bm_ean_valid("96385074"));       /* EAN-8 */
  CU_ASSERT_TRUE(bm_ean_valid("036000291452"));   /* UPC-A */
  CU_ASSERT_FALSE(bm_ean_valid("4006381333930"));
  CU_ASSERT_FALSE(bm_ean_valid("400638133393"));
  CU_ASSERT_FALSE(bm_ean_valid("4006381 33931"));
  CU_ASSERT_FALSE(bm_ean_valid(NULL));
}

static void
test_filter(void)
{
  struct bm_filter *f = NULL;
  struct tprod t;
  struct bm_view v;
  char err[256];

  good_product(&t);
  v = tprod_view(&t);
  CU_ASSERT_EQUAL(bm_filter_parse("  ", &f, err, sizeof(err)), BMC_OK);
  CU_ASSERT_PTR_NULL(f);
  CU_ASSERT_TRUE(bm_filter_match(NULL, &v));
  CU_ASSERT_EQUAL(bm_filter_parse("device_type=laptop|phone; grade!=4; "
                                  "sku^=LAP-;", &f, err, sizeof(err)), BMC_OK);
  CU_ASSERT_TRUE(bm_filter_match(f, &v));
  tprod_set(&t, "grade", "", "STALLONE");
  v = tprod_view(&t);
  CU_ASSERT_FALSE(bm_filter_match(f, &v)); /* grade!=4 means not STALLONE */
  tprod_set(&t, "grade", "", "2");
  t.p.sku = "PHN-1";
  v = tprod_view(&t);
  CU_ASSERT_FALSE(bm_filter_match(f, &v));
  /* the merchant SKU is the SKU the filter sees */
  tprod_set(&t, "merchant_sku", "", "lap-2");
  t.p.device_type = "Phone";
  v = tprod_view(&t);
  CU_ASSERT_TRUE(bm_filter_match(f, &v));
  t.p.device_type = NULL; /* unset attribute never matches '=' */
  CU_ASSERT_FALSE(bm_filter_match(f, &v));
  bm_filter_free(f);
  f = NULL;
  CU_ASSERT_EQUAL(bm_filter_parse("colour=red", &f, err, sizeof(err)),
                  BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "'colour' is unknown"));
  CU_ASSERT_EQUAL(bm_filter_parse("grade", &f, err, sizeof(err)),
                  BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "no operator"));
  CU_ASSERT_EQUAL(bm_filter_parse("grade=GOOD|", &f, err, sizeof(err)),
                  BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "empty value"));
  CU_ASSERT_PTR_NULL(f);
  bm_filter_free(NULL);
}

static int
suite_init(void)
{
  char err[256];

  if(bm_rules_load_file(BMC_SCHEMA_DIR "/eligibility-rules.cfg", &g_rules,
                        err, sizeof(err)) != BMC_OK) {
    fprintf(stderr, "default rules: %s\n", err);
    return 1;
  }
  return 0;
}

static int
suite_clean(void)
{
  bm_rules_free(g_rules);
  g_rules = NULL;
  return 0;
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"bm_ready", "a complete laptop is ready", test_ready},
    {"bm_ready", "each required property", test_required_properties},
    {"bm_ready", "per market: price and warranty", test_market_ready},
    {"bm_ready", "every reason listed", test_every_reason_listed},
    {"bm_ready", "long reason lists truncate", test_reasons_truncate},
    {"bm_ready", "computer eligibility rules", test_computer_rules},
    {"bm_ready", "Windows 11 capable CPUs", test_allowed_cpus},
    {"bm_ready", "Chromebook and 2-in-1 exceptions", test_exceptions},
    {"bm_ready", "rules file errors", test_rules_file_errors},
    {"bm_ready", "grades and EAN", test_grades_and_ean},
    {"bm_ready", "filtered products", test_filter},
  };

  return cu_main(cases, CU_CASES_N(cases), suite_init, suite_clean, argc, argv);
}
