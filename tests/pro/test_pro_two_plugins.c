/*
 * test_pro_two_plugins.c -- the Back Market plugin and the Back Market Pro
 * plugin loaded at once, for one company and for different companies: each
 * sees only its own orders, settings and state are separate, and running
 * one never changes what the other imported or reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "pro_env.h"
#include "cu_main.h"

#define KEY1 "pk_test_two_company_one_1"
#define KEY2 "pk_test_two_company_two_2"
#define BM_TOKEN "bmtoken_two_plugins_0123456789abcdef"

static struct pe env;

/* A Back Market order as the backmarket plugin hands it to the host. */
static const char bm_order_xml[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
  "<order xmlns=\"urn:bmc:order:1\"><source_order_id>99000001"
  "</source_order_id><channel>Website</channel><marketplace>backmarket"
  "</marketplace><status>InProcess</status><payment_status>FullyCharged"
  "</payment_status><order_date>2026-03-22T10:00:00Z</order_date>"
  "<currency>EUR</currency><shipping_address><first_name>A</first_name>"
  "<last_name>B</last_name><street>1 rue</street><postal_code>75001"
  "</postal_code><city>Paris</city><country>FR</country>"
  "</shipping_address><lines><line><line_id>1</line_id><sku>SKU-1</sku>"
  "<quantity>1</quantity><line_total>100.00</line_total></line></lines>"
  "<totals><subtotal>100.00</subtotal><shipping>0.00</shipping><tax>0.00"
  "</tax><commission>10.00</commission><grand_total>100.00</grand_total>"
  "</totals></order>";

static int
suite_init(void)
{
  char err[256];

  if(pe_open(&env, 1) || pe_company(&env, "One", KEY1, "SELLER-1") ||
     pe_company(&env, "Two", KEY2, "SELLER-2") ||
     hs_company_plugin_enable(env.h, "One", "backmarket", 1, err,
                              sizeof(err)) != BMC_OK ||
     hs_company_setting_set(env.h, "One", "backmarket", "token", BM_TOKEN,
                            err, sizeof(err)) != BMC_OK ||
     pe_set(&env, "One", "order_commission_pct", "5", err, sizeof(err)) !=
         BMC_OK)
    return -1;
  return 0;
}

static int
suite_clean(void)
{
  pe_close(&env);
  return 0;
}

struct keys {
  int pro_keys, bm_keys;
};

static int
count_keys(void *ud, const struct hs_setting_view *v)
{
  struct keys *k = ud;

  if(!strcmp(v->schema->key, "x_api_key") ||
     !strcmp(v->schema->key, "website_url"))
    k->pro_keys++;
  if(!strcmp(v->schema->key, "token"))
    k->bm_keys++;
  return 0;
}

static void
t_settings_separate(void)
{
  struct keys k = {0, 0};
  char err[256], buf[128];

  CU_ASSERT_EQUAL(hs_company_settings_each(env.h, "One", "backmarket_pro",
                                           count_keys, &k), BMC_OK);
  CU_ASSERT_EQUAL(k.pro_keys, 2);
  CU_ASSERT_EQUAL(k.bm_keys, 0);
  /* each plugin refuses the other's keys */
  CU_ASSERT_NOT_EQUAL(pe_set(&env, "One", "token", "x", err, sizeof(err)),
                      BMC_OK);
  CU_ASSERT_NOT_EQUAL(hs_company_setting_set(env.h, "One", "backmarket",
                                             "x_api_key", "x", err,
                                             sizeof(err)), BMC_OK);
  /* companies hold their own values */
  CU_ASSERT_EQUAL(hs_company_setting_get(env.h, "Two", "backmarket_pro",
                                         "order_commission_pct", buf,
                                         sizeof(buf)), BMC_OK);
  CU_ASSERT_STRING_EQUAL(buf, "0.00");
}

static void
t_state_separate(void)
{
  int64_t job = 0;

  /* Test Settings of company One does not open company Two */
  CU_ASSERT_EQUAL(pe_run(&env, "One", "test_settings", NULL),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(pe_run(&env, "Two", "import_orders", &job), HS_JOB_FAILED);
  CU_ASSERT_EQUAL(pe_log_count(&env, job, BMC_LOG_ERROR,
                               "Run Test Settings"), 1);
  CU_ASSERT_EQUAL(pe_run(&env, "Two", "test_settings", NULL),
                  HS_JOB_COMPLETED);
}

static void
t_each_sees_its_own_orders(void)
{
  char err[256], v[32];
  int created = 0;
  int64_t oid;
  struct hs_shipment sh;

  CU_ASSERT_EQUAL_FATAL(pe_pro_order(&env, "SELLER-1", "PRO-ONE-1", "paid",
                                     1, 1, "100.00"), 0);
  CU_ASSERT_EQUAL_FATAL(pe_pro_order(&env, "SELLER-2", "PRO-TWO-1", "paid",
                                     1, 1, "100.00"), 0);
  /* a Back Market order of company One, shipped in the host */
  CU_ASSERT_EQUAL_FATAL(hs_order_upsert_xml(env.h, "One", "backmarket",
                                            bm_order_xml,
                                            sizeof(bm_order_xml) - 1,
                                            &created, err, sizeof(err)),
                        BMC_OK);
  CU_ASSERT_EQUAL_FATAL(hs_order_find(env.h, "One", "99000001", &oid),
                        BMC_OK);
  memset(&sh, 0, sizeof(sh));
  sh.tracking_number = "BM-TRK-1";
  sh.carrier = "UPS";
  CU_ASSERT_EQUAL(hs_order_ship(env.h, oid, &sh, err, sizeof(err)), BMC_OK);

  CU_ASSERT_EQUAL(pe_run(&env, "One", "import_orders", NULL),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(pe_run(&env, "Two", "import_orders", NULL),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(pe_orders(&env, "One", "backmarket_pro"), 1);
  CU_ASSERT_EQUAL(pe_orders(&env, "Two", "backmarket_pro"), 1);
  CU_ASSERT_EQUAL(pe_orders(&env, "One", "backmarket"), 1);
  CU_ASSERT_EQUAL(pe_order_field(&env, "One", "PRO-ONE-1", "marketplace", v,
                                 sizeof(v)), 0);
  CU_ASSERT_STRING_EQUAL(v, "backmarket_pro");
  CU_ASSERT_EQUAL(pe_order_field(&env, "Two", "PRO-ONE-1", "status", v,
                                 sizeof(v)), -1);
  /* per-company commission: 5 % of 130.00 (100 + 20 % tax + 10 shipping) */
  pe_order_field(&env, "One", "PRO-ONE-1", "commission", v, sizeof(v));
  CU_ASSERT_STRING_EQUAL(v, "6.50");
  pe_order_field(&env, "Two", "PRO-TWO-1", "commission", v, sizeof(v));
  CU_ASSERT_STRING_EQUAL(v, "0.00");

  /* Pro's tracking upload never reports the Back Market order */
  CU_ASSERT_EQUAL(pe_run(&env, "One", "tracking_upload", NULL),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(pe_sim_count(&env, "POST", "99000001"), 0);
  CU_ASSERT_EQUAL(pe_order_field(&env, "One", "99000001", "sufs", v,
                                 sizeof(v)), 0);
  CU_ASSERT_STRING_EQUAL(v, "0");
}

static int
bm_set(const char *key, const char *value)
{
  char err[256];

  if(hs_company_setting_set(env.h, "One", "backmarket", key, value, err,
                            sizeof(err)) != BMC_OK) {
    fprintf(stderr, "bm_set %s: %s\n", key, err);
    return -1;
  }
  return 0;
}

static void
t_backmarket_runs_alongside(void)
{
  char v[32], body[256];
  int st = -1;

  /* the Back Market plugin downloads its own order from the same
   * simulator, for the same company */
  snprintf(body, sizeof(body), "{\"token\": \"%s\", \"merchant_id\": %d, "
           "\"platform\": \"eu\"}", BM_TOKEN, TH_MERCHANT_ID);
  CU_ASSERT_EQUAL_FATAL(pe_ctl(&env, "POST", "/_sim/tokens", body, NULL),
                        201);
  CU_ASSERT_EQUAL_FATAL(bm_set("base_url", env.te.base_url), 0);
  CU_ASSERT_EQUAL_FATAL(bm_set("markets", "en-gb"), 0);
  CU_ASSERT_EQUAL_FATAL(bm_set("acceptance_policy", "accept"), 0);
  CU_ASSERT_EQUAL_FATAL(bm_set("order_download", "true"), 0);
  snprintf(body, sizeof(body), "{\"merchant_id\": %d, \"sku\": \"BM-SKU-1\","
           " \"quantity\": 1, \"market\": \"en-gb\", \"state\": 1, "
           "\"price\": \"449.00\"}", TH_MERCHANT_ID);
  CU_ASSERT_EQUAL_FATAL(pe_ctl(&env, "POST", "/_sim/orders", body, NULL),
                        201);
  CU_ASSERT_EQUAL(hs_run_action(env.h, "One", "backmarket", "order_download",
                                NULL, &st, NULL, 0), BMC_OK);
  CU_ASSERT_EQUAL(st, HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(pe_orders(&env, "One", "backmarket"), 2);
  CU_ASSERT_EQUAL(hs_run_action(env.h, "One", "backmarket",
                                "tracking_upload", NULL, &st, NULL, 0),
                  BMC_OK);
  /* the Pro side is exactly as it was, and stays so */
  CU_ASSERT_EQUAL(pe_orders(&env, "One", "backmarket_pro"), 1);
  CU_ASSERT_EQUAL(pe_order_field(&env, "One", "PRO-ONE-1", "sufs", v,
                                 sizeof(v)), 0);
  CU_ASSERT_STRING_EQUAL(v, "0");
  CU_ASSERT_EQUAL(hs_clock_advance(env.h, 300000), BMC_OK);
  CU_ASSERT_EQUAL(pe_run(&env, "One", "import_orders", NULL),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(pe_orders(&env, "One", "backmarket_pro"), 1);
  CU_ASSERT_EQUAL(pe_orders(&env, "One", "backmarket"), 2);
  CU_ASSERT_EQUAL(pe_orders(&env, "Two", "backmarket"), 0);
  CU_ASSERT_FALSE(pe_secret_anywhere(&env, KEY1));
  CU_ASSERT_FALSE(pe_secret_anywhere(&env, KEY2));
  CU_ASSERT_FALSE(pe_secret_anywhere(&env, BM_TOKEN));
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"pro_two_plugins", "settings separate", t_settings_separate},
    {"pro_two_plugins", "state separate per company", t_state_separate},
    {"pro_two_plugins", "each sees its own orders",
     t_each_sees_its_own_orders},
    {"pro_two_plugins", "backmarket runs alongside",
     t_backmarket_runs_alongside},
  };

  return cu_main(cases, CU_CASES_N(cases), suite_init, suite_clean, argc, argv);
}
