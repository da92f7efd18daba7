/*
 * test_bm_pricing.c -- unit tests of the per-market price (bm_pricing.c):
 * a market's own price, the unsuffixed price in the first market's
 * currency, the site price, the pricing rule (exchange rate, exact decimal
 * conversion, each rounding rule, JPY without a minor unit), min prices
 * derived without rounding up, markets that are not published and why, and
 * bad exchange-rate tables.  The amounts are chosen so that binary
 * floating point would get them wrong.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "bm_catalog_side.h"
#include "cu_main.h"
#include "pc_money.h"
#include "tprod.h"

static struct bm_pricing
rule(const char *rates, const char *rounding)
{
  struct bm_pricing r;
  char err[200];

  CU_ASSERT_EQUAL(bm_pricing_parse("fr-fr", "", rates, rounding, &r, err,
                                   sizeof(err)), BMC_OK);
  return r;
}

/* The product's price in market as text ("-" when not published). */
static const char *
price_in(const struct bm_pricing *r, const struct tprod *t,
         const char *market)
{
  static char buf[64];
  struct bm_mprice mp;

  if(bm_price_for(r, &t->p, market, &mp) != 1)
    return "-";
  bm_price_text(mp.cents, bm_market_currency(market), buf, sizeof(buf));
  return buf;
}

static void
test_money_primitives(void)
{
  int64_t out = 0;

  /* 1.00 x 1.005 = 1.005 -> 1.01 (a double holds 1.00499999...) */
  CU_ASSERT_EQUAL(pc_money_convert(100, "1.005", &out), BMC_OK);
  CU_ASSERT_EQUAL(out, 101);
  CU_ASSERT_EQUAL(pc_money_convert(48900, "0.8571", &out), BMC_OK);
  CU_ASSERT_EQUAL(out, 41912); /* 419.1219 */
  CU_ASSERT_EQUAL(pc_money_convert(10005, "0.5", &out), BMC_OK);
  CU_ASSERT_EQUAL(out, 5003); /* 50.025, half up */
  CU_ASSERT_EQUAL(pc_money_convert(100, "0", &out), BMC_ERR_PROTOCOL);
  CU_ASSERT_EQUAL(pc_money_convert(100, "1.", &out), BMC_ERR_PROTOCOL);
  CU_ASSERT_EQUAL(pc_money_convert(100, "1e3", &out), BMC_ERR_PROTOCOL);
  CU_ASSERT_EQUAL(pc_money_convert(100, "0.123456789", &out),
                  BMC_ERR_PROTOCOL);
  CU_ASSERT_EQUAL(pc_money_convert(PC_MONEY_MAX, "2", &out),
                  BMC_ERR_PROTOCOL);
  CU_ASSERT_EQUAL(pc_money_round_up_to(41912, 100, 99, &out), BMC_OK);
  CU_ASSERT_EQUAL(out, 41999);
  CU_ASSERT_EQUAL(pc_money_round_up_to(41999, 100, 99, &out), BMC_OK);
  CU_ASSERT_EQUAL(out, 41999); /* already ends in .99 */
  CU_ASSERT_EQUAL(pc_money_round_up_to(42000, 100, 0, &out), BMC_OK);
  CU_ASSERT_EQUAL(out, 42000);
  CU_ASSERT_EQUAL(pc_money_round_up_to(41912, 1000, 900, &out), BMC_OK);
  CU_ASSERT_EQUAL(out, 42900);
  CU_ASSERT_EQUAL(pc_money_round_up_to(-1, 100, 99, &out),
                  BMC_ERR_INVALID_ARG);
}

static void
test_sources_of_a_price(void)
{
  struct bm_pricing none = rule("", "none");
  struct tprod t;
  struct bm_mprice mp;

  tprod_init(&t, "P-1");
  t.p.site_price = "499.00";
  /* the site price in the first market's currency */
  CU_ASSERT_STRING_EQUAL(price_in(&none, &t, "fr-fr"), "499.00");
  CU_ASSERT_STRING_EQUAL(price_in(&none, &t, "de-de"), "499.00");
  /* never the same number in another currency */
  CU_ASSERT_STRING_EQUAL(price_in(&none, &t, "en-gb"), "-");
  CU_ASSERT_EQUAL(bm_price_for(&none, &t.p, "en-gb", &mp), 0);
  CU_ASSERT_STRING_EQUAL(mp.why, "en-gb: no price of its own (GBP) and no "
                         "pricing rule (exchange_rates)");
  /* the unsuffixed Back Market price beats the site price */
  tprod_set(&t, "price", "", "489.00");
  CU_ASSERT_STRING_EQUAL(price_in(&none, &t, "fr-fr"), "489.00");
  CU_ASSERT_EQUAL(bm_price_for(&none, &t.p, "fr-fr", &mp), 1);
  CU_ASSERT_STRING_EQUAL(mp.how, "the product's price");
  /* a market's own price beats both */
  tprod_set(&t, "price", "de-de", "479.00");
  tprod_set(&t, "price", "en-gb", "415.00");
  CU_ASSERT_STRING_EQUAL(price_in(&none, &t, "de-de"), "479.00");
  CU_ASSERT_STRING_EQUAL(price_in(&none, &t, "en-gb"), "415.00");
  /* nothing at all in the first market */
  tprod_init(&t, "P-2");
  CU_ASSERT_EQUAL(bm_price_for(&none, &t.p, "fr-fr", &mp), 0);
  CU_ASSERT_STRING_EQUAL(mp.why, "fr-fr: no price (no Back Market price or "
                         "site price)");
  /* malformed values are named, not guessed */
  tprod_set(&t, "price", "", "4.4.9");
  CU_ASSERT_EQUAL(bm_price_for(&none, &t.p, "fr-fr", &mp), -1);
  CU_ASSERT_PTR_NOT_NULL(strstr(mp.why, "price '4.4.9' is not a valid EUR"));
  tprod_set(&t, "price", "", "0.00");
  CU_ASSERT_EQUAL(bm_price_for(&none, &t.p, "fr-fr", &mp), -1);
}

static void
test_rule_and_rounding(void)
{
  static const struct {
    const char *rounding, *gbp, *sek, *jpy;
  } cases[] = {
    /* 489.00 EUR x 0.8571 = 419.1219; x 11.43 = 5589.27; x 162.5 =
     * 79462.5 */
    {"none", "419.12", "5589.27", "79463"},
    {".99", "419.99", "5589.99", "79463"},
    {".90", "419.90", "5589.90", "79463"},
    {".00", "420.00", "5590.00", "79463"},
    {"9.00", "429.00", "5599.00", "79469"},
  };
  struct tprod t;
  struct bm_mprice mp;
  size_t i;

  tprod_init(&t, "R-1");
  tprod_set(&t, "price", "", "489.00");
  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct bm_pricing r = rule("EUR:GBP=0.8571, EUR:SEK=11.43;EUR:JPY=162.5",
                               cases[i].rounding);

    CU_ASSERT_STRING_EQUAL(price_in(&r, &t, "en-gb"), cases[i].gbp);
    CU_ASSERT_STRING_EQUAL(price_in(&r, &t, "sv-se"), cases[i].sek);
    CU_ASSERT_STRING_EQUAL(price_in(&r, &t, "ja-jp"), cases[i].jpy);
    /* the source market keeps its own number */
    CU_ASSERT_STRING_EQUAL(price_in(&r, &t, "fr-fr"), "489.00");
  }
  {
    struct bm_pricing r = rule("EUR:GBP=0.8571", ".99");

    CU_ASSERT_EQUAL(bm_price_for(&r, &t.p, "en-gb", &mp), 1);
    CU_ASSERT_STRING_EQUAL(mp.how, "fr-fr price x EUR:GBP=0.8571, rounded "
                           "up to .99");
    /* a market the table has no rate for is not published */
    CU_ASSERT_EQUAL(bm_price_for(&r, &t.p, "sv-se", &mp), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(mp.why, "no exchange rate"));
    /* its own price still wins */
    tprod_set(&t, "price", "en-gb", "399.00");
    CU_ASSERT_STRING_EQUAL(price_in(&r, &t, "en-gb"), "399.00");
    tprod_set(&t, "price", "en-gb", NULL);
  }
}

static void
test_min_prices(void)
{
  struct bm_pricing r = rule("EUR:GBP=0.8571", ".99");
  struct bm_pricing none = rule("", "none");
  struct tprod t;
  struct bm_mprice mp;

  tprod_init(&t, "M-1");
  tprod_set(&t, "price", "", "489.00");
  tprod_set(&t, "min_price", "", "400.00");
  CU_ASSERT_EQUAL(bm_price_for(&r, &t.p, "fr-fr", &mp), 1);
  CU_ASSERT_EQUAL(mp.min_cents, 40000);
  /* derived, converted but not rounded up: a floor */
  CU_ASSERT_EQUAL(bm_price_for(&r, &t.p, "en-gb", &mp), 1);
  CU_ASSERT_EQUAL(mp.cents, 41999);
  CU_ASSERT_EQUAL(mp.min_cents, 34284); /* 342.84 */
  /* without a rule another currency has no floor */
  tprod_set(&t, "price", "en-gb", "415.00");
  CU_ASSERT_EQUAL(bm_price_for(&none, &t.p, "en-gb", &mp), 1);
  CU_ASSERT_EQUAL(mp.min_cents, -1);
  /* a market's own floor */
  tprod_set(&t, "min_price", "en-gb", "380.00");
  CU_ASSERT_EQUAL(bm_price_for(&none, &t.p, "en-gb", &mp), 1);
  CU_ASSERT_EQUAL(mp.min_cents, 38000);
  tprod_set(&t, "min_price", "en-gb", "3.801");
  CU_ASSERT_EQUAL(bm_price_for(&none, &t.p, "en-gb", &mp), -1);
  CU_ASSERT_PTR_NOT_NULL(strstr(mp.why, "min price '3.801'"));
}

static void
test_bad_tables(void)
{
  struct bm_pricing r;
  char err[200];

  CU_ASSERT_EQUAL(bm_pricing_parse("fr-fr", "", "EUR-GBP=0.8", "none", &r,
                                   err, sizeof(err)), BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "exchange_rates: 'EUR-GBP=0.8' is not "
                                "FROM:TO=RATE"));
  CU_ASSERT_EQUAL(bm_pricing_parse("fr-fr", "", "EUR:GBP=0,8571", "none", &r,
                                   err, sizeof(err)), BMC_ERR_CONFIG);
  CU_ASSERT_EQUAL(bm_pricing_parse("fr-fr", "", "EUR:GBP=-1", "none", &r, err,
                                   sizeof(err)), BMC_ERR_CONFIG);
  CU_ASSERT_EQUAL(bm_pricing_parse("fr-fr", "xx-yy", "", "none", &r, err,
                                   sizeof(err)), BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "price_source_market"));
  /* another source market: GBP prices derive from en-gb's own */
  CU_ASSERT_EQUAL(bm_pricing_parse("fr-fr", "en-gb", "GBP:SEK=13.3",
                                   "none", &r, err, sizeof(err)), BMC_OK);
  {
    struct tprod t;

    tprod_init(&t, "S-1");
    tprod_set(&t, "price", "en-gb", "400.00");
    CU_ASSERT_STRING_EQUAL(price_in(&r, &t, "sv-se"), "5320.00");
    tprod_set(&t, "price", "en-gb", NULL);
    CU_ASSERT_STRING_EQUAL(price_in(&r, &t, "sv-se"), "-");
  }
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"bm_pricing", "exact conversion and round-up primitives",
     test_money_primitives},
    {"bm_pricing", "own, unsuffixed and site price; never another currency",
     test_sources_of_a_price},
    {"bm_pricing", "rule with each rounding, JPY", test_rule_and_rounding},
    {"bm_pricing", "min prices per market", test_min_prices},
    {"bm_pricing", "bad exchange-rate tables, other source market",
     test_bad_tables},
  };

  return cu_main(cases, CU_CASES_N(cases), NULL, NULL, argc, argv);
}
