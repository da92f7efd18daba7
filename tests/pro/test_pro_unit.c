/*
 * test_pro_unit.c -- unit tests of the Back Market Pro plugin's pure logic:
 * the commission arithmetic (exact decimal, half-up to the cent), money and
 * percentage parsing, the Website URL and x-api-key checks, the settings
 * fingerprint, and the order mapping validated against schemas/order.xsd.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <json-c/json.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "bmp_check.h"
#include "bmp_money.h"
#include "bmp_order_map.h"
#include "cu_main.h"

#ifndef BMC_SCHEMA_DIR
#error "BMC_SCHEMA_DIR must be defined"
#endif

/* Commission of a money string at a percentage string, formatted. */
static const char *
commission_of(const char *total, const char *pct)
{
  static char out[32];
  int64_t t, p;

  if(bmp_money_parse(total, &t) || bmp_pct_parse(pct, &p))
    return "parse-error";
  if(bmp_money_format(bmp_commission(t, p), out, sizeof(out)))
    return "format-error";
  return out;
}

static void
t_commission_exact(void)
{
  /* exact cents need no rounding */
  CU_ASSERT_STRING_EQUAL(commission_of("100.00", "2.50"), "2.50");
  CU_ASSERT_STRING_EQUAL(commission_of("1234.56", "10"), "123.46");
  /* below half rounds down, above half up */
  CU_ASSERT_STRING_EQUAL(commission_of("10.10", "2.50"), "0.25");  /* .2525 */
  CU_ASSERT_STRING_EQUAL(commission_of("10.30", "2.50"), "0.26");  /* .2575 */
  /* exactly half a cent goes up (half-up), where binary floating point
   * would give 0.01 or 0.00 depending on representation */
  CU_ASSERT_STRING_EQUAL(commission_of("0.50", "1"), "0.01");      /* .005 */
  CU_ASSERT_STRING_EQUAL(commission_of("1.05", "50"), "0.53");     /* .525 */
  CU_ASSERT_STRING_EQUAL(commission_of("2.01", "0.5"), "0.01");    /* .01005 */
  CU_ASSERT_STRING_EQUAL(commission_of("0.33", "1.5"), "0.00");    /* .00495 */
  CU_ASSERT_STRING_EQUAL(commission_of("0.70", "2.5"), "0.02");    /* .0175 */
  CU_ASSERT_STRING_EQUAL(commission_of("0.10", "15"), "0.02");     /* .015 */
  /* classic float traps: 1.005 * 100 etc. */
  CU_ASSERT_STRING_EQUAL(commission_of("100.50", "1"), "1.01");    /* 1.005 */
  CU_ASSERT_STRING_EQUAL(commission_of("4.35", "10"), "0.44");     /* .435 */
  CU_ASSERT_STRING_EQUAL(commission_of("8.15", "10"), "0.82");     /* .815 */
  /* four-decimal percentage */
  CU_ASSERT_STRING_EQUAL(commission_of("999.99", "2.1275"), "21.27");
  /* 999.99 * 2.1275 / 100 = 21.27478... */
  CU_ASSERT_STRING_EQUAL(commission_of("200.00", "0.0025"), "0.01"); /* .005 */
  CU_ASSERT_STRING_EQUAL(commission_of("199.99", "0.0025"), "0.00");
  /* zero percent and zero total */
  CU_ASSERT_STRING_EQUAL(commission_of("123.45", "0"), "0.00");
  CU_ASSERT_STRING_EQUAL(commission_of("0.00", "7.5"), "0.00");
  CU_ASSERT_STRING_EQUAL(commission_of("77.77", ""), "0.00");
  /* 100 % is the whole total */
  CU_ASSERT_STRING_EQUAL(commission_of("12345.67", "100"), "12345.67");
  /* negative totals (credit) round half away from zero */
  CU_ASSERT_STRING_EQUAL(commission_of("-0.50", "1"), "-0.01");
}

static void
t_commission_no_overflow(void)
{
  int64_t p;

  /* the largest order.xsd amount at the largest percentage is exact */
  CU_ASSERT_EQUAL(bmp_pct_parse("99.9999", &p), 0);
  CU_ASSERT_EQUAL(bmp_commission(BMP_MONEY_MAX_MINOR, p),
                  99999899999999LL); /* 99999999999999*999999/1e6 half-up */
  CU_ASSERT_EQUAL(bmp_commission(BMP_MONEY_MAX_MINOR, 100LL * BMP_PCT_SCALE),
                  BMP_MONEY_MAX_MINOR);
}

/* Reference: the same rule in 128-bit arithmetic, written independently. */
static int64_t
ref_commission(int64_t total, int64_t pct_e4)
{
  __int128 num = (__int128)(total < 0 ? -total : total) * pct_e4;
  __int128 q = (num * 2 + 1000000) / 2000000; /* floor(num/1e6 + 1/2) */

  return total < 0 ? -(int64_t)q : (int64_t)q;
}

static void
t_commission_sweep(void)
{
  static const int64_t pcts[] = {1, 25, 5000, 12345, 25000, 33333, 99999,
                                 150000, 999999, 1000000};
  int64_t t, bad = 0;
  size_t i;

  for(i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++) {
    for(t = -2000; t <= 200000; t++)
      if(bmp_commission(t, pcts[i]) != ref_commission(t, pcts[i]))
        bad++;
    for(t = BMP_MONEY_MAX_MINOR - 5000; t <= BMP_MONEY_MAX_MINOR; t++)
      if(bmp_commission(t, pcts[i]) != ref_commission(t, pcts[i]))
        bad++;
  }
  CU_ASSERT_EQUAL(bad, 0);
}

static void
t_money_parse(void)
{
  int64_t v = 0;

  CU_ASSERT_EQUAL(bmp_money_parse("449", &v), 0);
  CU_ASSERT_EQUAL(v, 44900);
  CU_ASSERT_EQUAL(bmp_money_parse("449.5", &v), 0);
  CU_ASSERT_EQUAL(v, 44950);
  CU_ASSERT_EQUAL(bmp_money_parse("-12.30", &v), 0);
  CU_ASSERT_EQUAL(v, -1230);
  CU_ASSERT_EQUAL(bmp_money_parse("1.500", &v), 0);
  CU_ASSERT_EQUAL(v, 150);
  /* precision we would have to round away is refused, never rounded */
  CU_ASSERT_EQUAL(bmp_money_parse("1.505", &v), -1);
  CU_ASSERT_EQUAL(bmp_money_parse("", &v), -1);
  CU_ASSERT_EQUAL(bmp_money_parse(" 1.00", &v), -1);
  CU_ASSERT_EQUAL(bmp_money_parse("1e3", &v), -1);
  CU_ASSERT_EQUAL(bmp_money_parse("1.", &v), -1);
  CU_ASSERT_EQUAL(bmp_money_parse(".5", &v), -1);
  CU_ASSERT_EQUAL(bmp_money_parse("1,00", &v), -1);
  CU_ASSERT_EQUAL(bmp_money_parse("1000000000000.00", &v), -1);
}

static void
t_pct(void)
{
  int64_t p = -1;
  char buf[16];

  CU_ASSERT_EQUAL(bmp_pct_parse("2.50", &p), 0);
  CU_ASSERT_EQUAL(p, 25000);
  CU_ASSERT_EQUAL(bmp_pct_parse("100", &p), 0);
  CU_ASSERT_EQUAL(bmp_pct_parse("100.0001", &p), -1);
  CU_ASSERT_EQUAL(bmp_pct_parse("-1", &p), -1);
  CU_ASSERT_EQUAL(bmp_pct_parse("2.12345", &p), -1);
  CU_ASSERT_EQUAL(bmp_pct_parse("2.5%", &p), -1);
  CU_ASSERT_EQUAL(bmp_pct_format(25000, buf, sizeof(buf)), 0);
  CU_ASSERT_STRING_EQUAL(buf, "2.50");
  CU_ASSERT_EQUAL(bmp_pct_format(21275, buf, sizeof(buf)), 0);
  CU_ASSERT_STRING_EQUAL(buf, "2.1275");
  CU_ASSERT_EQUAL(bmp_pct_format(0, buf, sizeof(buf)), 0);
  CU_ASSERT_STRING_EQUAL(buf, "0.00");
}

static void
t_url(void)
{
  char m[256];

  CU_ASSERT_EQUAL(bmp_check_url("https://api.pro.backmarket.com/sellers-prod",
                                m, sizeof(m)), 0);
  CU_ASSERT_EQUAL(bmp_check_url("http://127.0.0.1:40123/sellers-prod", m,
                                sizeof(m)), 0);
  CU_ASSERT_EQUAL(bmp_check_url("http://api.pro.backmarket.com/sellers-prod",
                                m, sizeof(m)), -1);
  CU_ASSERT_PTR_NOT_NULL(strstr(m, "https://"));
  CU_ASSERT_EQUAL(bmp_check_url("ftp://x.test", m, sizeof(m)), -1);
  CU_ASSERT_EQUAL(bmp_check_url("api.pro.backmarket.com", m, sizeof(m)), -1);
  CU_ASSERT_EQUAL(bmp_check_url("https://", m, sizeof(m)), -1);
  CU_ASSERT_PTR_NOT_NULL(strstr(m, "host"));
  CU_ASSERT_EQUAL(bmp_check_url("https://bad host/x", m, sizeof(m)), -1);
  CU_ASSERT_EQUAL(bmp_check_url("https://a..b/x", m, sizeof(m)), -1);
  CU_ASSERT_EQUAL(bmp_check_url("https://x.test:99999/", m, sizeof(m)), -1);
  CU_ASSERT_PTR_NOT_NULL(strstr(m, "port"));
  CU_ASSERT_EQUAL(bmp_check_url("https://u:p@x.test/", m, sizeof(m)), -1);
  CU_ASSERT_EQUAL(bmp_check_url("https://x.test/a?b=1", m, sizeof(m)), -1);
  CU_ASSERT_EQUAL(bmp_check_url("", m, sizeof(m)), -1);
  /* http to a name that merely starts with the loopback address */
  CU_ASSERT_EQUAL(bmp_check_url("http://127.0.0.1.evil.test/", m,
                                sizeof(m)), -1);
}

static void
t_key(void)
{
  char m[256];

  CU_ASSERT_EQUAL(bmp_check_key("pk_live_0123456789abcdef", m, sizeof(m)),
                  0);
  CU_ASSERT_EQUAL(bmp_check_key(" pk_live_0123456789abcdef", m, sizeof(m)),
                  -1);
  CU_ASSERT_PTR_NOT_NULL(strstr(m, "leading or trailing spaces"));
  CU_ASSERT_PTR_NULL(strstr(m, "pk_live"));
  CU_ASSERT_EQUAL(bmp_check_key("pk_live_0123456789abcdef\t", m, sizeof(m)),
                  -1);
  CU_ASSERT_PTR_NOT_NULL(strstr(m, "leading or trailing spaces"));
  CU_ASSERT_EQUAL(bmp_check_key("pk_live_0123\n456789abcdef", m, sizeof(m)),
                  -1);
  CU_ASSERT_PTR_NOT_NULL(strstr(m, "line break"));
  CU_ASSERT_PTR_NULL(strstr(m, "pk_live"));
  CU_ASSERT_EQUAL(bmp_check_key("pk_live_0123456789abcdef\r\n", m,
                                sizeof(m)), -1);
  CU_ASSERT_PTR_NOT_NULL(strstr(m, "line break"));
  CU_ASSERT_EQUAL(bmp_check_key("", m, sizeof(m)), -1);
  CU_ASSERT_PTR_NOT_NULL(strstr(m, "empty"));
}

static void
t_fingerprint(void)
{
  char a[17], b[17], c[17], d[17];

  CU_ASSERT_EQUAL(bmp_fingerprint("https://x.test", "key-1", a, sizeof(a)),
                  0);
  CU_ASSERT_EQUAL(strlen(a), 16);
  CU_ASSERT_EQUAL(bmp_fingerprint("https://x.test", "key-1", b, sizeof(b)),
                  0);
  CU_ASSERT_STRING_EQUAL(a, b);
  CU_ASSERT_EQUAL(bmp_fingerprint("https://x.test", "key-2", c, sizeof(c)),
                  0);
  CU_ASSERT_STRING_NOT_EQUAL(a, c);
  CU_ASSERT_EQUAL(bmp_fingerprint("https://x.tes", "tkey-1", d, sizeof(d)),
                  0);
  CU_ASSERT_STRING_NOT_EQUAL(a, d);
  CU_ASSERT_PTR_NULL(strstr(a, "key"));
  CU_ASSERT_EQUAL(bmp_fingerprint("u", "k", a, 8), -1);
}

static void
t_url_encode(void)
{
  char buf[32];

  CU_ASSERT_EQUAL(bmp_url_encode("PRO-100001", buf, sizeof(buf)), 0);
  CU_ASSERT_STRING_EQUAL(buf, "PRO-100001");
  /* an id can never change the path it is put into */
  CU_ASSERT_EQUAL(bmp_url_encode("../x?y#z /", buf, sizeof(buf)), 0);
  CU_ASSERT_STRING_EQUAL(buf, "%2E%2E%2Fx%3Fy%23z%20%2F");
  CU_ASSERT_EQUAL(bmp_url_encode("..", buf, sizeof(buf)), 0);
  CU_ASSERT_STRING_EQUAL(buf, "%2E%2E");
  CU_ASSERT_EQUAL(bmp_url_encode("\xc3\xa9", buf, sizeof(buf)), 0);
  CU_ASSERT_STRING_EQUAL(buf, "%C3%A9");
  CU_ASSERT_EQUAL(bmp_url_encode("////////////", buf, 16), -1);
}

static const char *order_json =
  "{\"id\":\"PRO-100001\",\"created_at\":\"2026-03-22T10:00:00Z\","
  "\"updated_at\":\"2026-03-22T11:00:00Z\",\"status\":\"open\","
  "\"financial_status\":\"pending\",\"fulfillment_status\":\"unfulfilled\","
  "\"currency\":\"EUR\",\"customer\":{\"company\":\"Buyer <GmbH> & Co\","
  "\"vat_number\":\"DE1\",\"email\":\"buy@buyer.test\"},"
  "\"shipping_address\":{\"first_name\":\"Ann\",\"last_name\":\"Ray\","
  "\"street\":\"1 Rue\",\"postal_code\":\"75001\",\"city\":\"Paris\","
  "\"country\":\"FR\",\"company\":null},"
  "\"billing_address\":{\"first_name\":\"Ann\",\"last_name\":\"Ray\","
  "\"street\":\"1 Rue\",\"postal_code\":\"75001\",\"city\":\"Paris\","
  "\"country\":\"FR\"},"
  "\"lines\":[{\"id\":\"PL-1\",\"sku\":\"SKU-A\",\"title\":\"Laptop\","
  "\"quantity\":2,\"unit_price\":\"100.00\",\"total_price\":\"200.00\","
  "\"tax_amount\":\"40.00\"},{\"id\":\"PL-2\",\"sku\":\"SKU-B\","
  "\"title\":\"Mouse\",\"quantity\":1,\"unit_price\":\"10.30\","
  "\"total_price\":10.30,\"tax_amount\":\"2.06\"}],"
  "\"subtotal\":\"210.30\",\"shipping_total\":\"10.00\","
  "\"tax_total\":\"42.06\",\"total\":\"262.36\"}";

static int
valid_against_xsd(const char *xml, size_t len)
{
  xmlSchemaParserCtxtPtr pc;
  xmlSchemaPtr schema;
  xmlSchemaValidCtxtPtr vc;
  xmlDocPtr doc;
  int rc = -1;

  pc = xmlSchemaNewParserCtxt(BMC_SCHEMA_DIR "/order.xsd");
  if(!pc)
    return -1;
  schema = xmlSchemaParse(pc);
  xmlSchemaFreeParserCtxt(pc);
  if(!schema)
    return -1;
  doc = xmlReadMemory(xml, (int)len, "order.xml", NULL, XML_PARSE_NONET);
  vc = xmlSchemaNewValidCtxt(schema);
  if(doc && vc)
    rc = xmlSchemaValidateDoc(vc, doc);
  if(vc)
    xmlSchemaFreeValidCtxt(vc);
  if(doc)
    xmlFreeDoc(doc);
  xmlSchemaFree(schema);
  return rc;
}

static void
t_order_map(void)
{
  struct json_object *o = json_tokener_parse(order_json);
  char *xml = NULL, msg[256];
  size_t len = 0;
  int64_t pct;

  CU_ASSERT_PTR_NOT_NULL_FATAL(o);
  CU_ASSERT_EQUAL(bmp_pct_parse("2.50", &pct), 0);
  CU_ASSERT_EQUAL_FATAL(bmp_order_to_xml(o, "backmarket_pro", pct, &xml,
                                         &len, msg, sizeof(msg)), 0);
  CU_ASSERT_EQUAL(valid_against_xsd(xml, len), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<channel>Website</channel>"));
  /* the Pro states and version, compared by the import to skip
   * unchanged orders */
  CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<marketplace_state>open/pending/"
                                "unfulfilled@2026-03-22T11:00:00Z"
                                "</marketplace_state>"));
  CU_ASSERT_PTR_NOT_NULL(strstr(xml,
                                "<payment_status>FullyCharged</payment_status>"));
  /* pending on Pro, still no payment method imported */
  CU_ASSERT_PTR_NULL(strstr(xml, "payment_method"));
  CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<tax>42.06</tax>"));
  CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<tax>2.06</tax>"));
  /* 2.50 % of 262.36 = 6.559 -> 6.56 */
  CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<commission>6.56</commission>"));
  CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<grand_total>262.36</grand_total>"));
  CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<line_total>10.30</line_total>"));
  CU_ASSERT_PTR_NOT_NULL(strstr(xml, "Buyer &lt;GmbH&gt; &amp; Co"));
  CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<email>buy@buyer.test</email>"));
  free(xml);
  json_object_put(o);
}

static void
t_order_malformed(void)
{
  static const char *const bad[] = {
    "{\"id\":\"P1\"}",
    "[]",
  };
  struct json_object *o;
  char *xml = NULL, msg[256];
  size_t len, i;

  for(i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    o = json_tokener_parse(bad[i]);
    CU_ASSERT_EQUAL(bmp_order_to_xml(o, "backmarket_pro", 0, &xml, &len,
                                     msg, sizeof(msg)), -1);
    CU_ASSERT_PTR_NULL(xml);
    json_object_put(o);
  }
  /* a money value with too many decimals names the order and the field */
  {
    char *j = strdup(order_json), *p = strstr(j, "\"262.36\"");

    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    memcpy(p, "\"2.3.6\"", 7);
    p[7] = ' ';
    o = json_tokener_parse(j);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_EQUAL(bmp_order_to_xml(o, "backmarket_pro", 0, &xml, &len,
                                     msg, sizeof(msg)), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "PRO-100001"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "\"total\""));
    json_object_put(o);
    free(j);
  }
  /* zero quantity */
  {
    char *j = strdup(order_json), *p = strstr(j, "\"quantity\":2");

    p[11] = '0';
    o = json_tokener_parse(j);
    CU_ASSERT_EQUAL(bmp_order_to_xml(o, "backmarket_pro", 0, &xml, &len,
                                     msg, sizeof(msg)), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "quantity"));
    json_object_put(o);
    free(j);
  }
}

static void
t_order_info_cancel(void)
{
  struct json_object *o;
  struct bmp_order_info oi;
  char msg[128];

  o = json_tokener_parse("{\"id\":\"PRO-7\",\"updated_at\":\"2026-03-22T"
                         "11:00:00Z\",\"status\":\"open\",\"financial_status"
                         "\":\"refunded\",\"fulfillment_status\":"
                         "\"unfulfilled\"}");
  CU_ASSERT_EQUAL(bmp_order_info_get(o, &oi, msg, sizeof(msg)), 0);
  CU_ASSERT_STRING_EQUAL(oi.id, "PRO-7");
  CU_ASSERT_TRUE(oi.cancelled);
  json_object_put(o);
  o = json_tokener_parse("{\"id\":\"PRO-8\",\"updated_at\":\"2026-03-22T"
                         "11:00:00Z\",\"status\":\"cancelled\"}");
  CU_ASSERT_EQUAL(bmp_order_info_get(o, &oi, msg, sizeof(msg)), 0);
  CU_ASSERT_TRUE(oi.cancelled);
  json_object_put(o);
  o = json_tokener_parse("{\"id\":\"PRO-9\",\"updated_at\":\"2026-03-22T"
                         "11:00:00Z\",\"status\":\"open\",\"financial_status"
                         "\":\"paid\"}");
  CU_ASSERT_EQUAL(bmp_order_info_get(o, &oi, msg, sizeof(msg)), 0);
  CU_ASSERT_FALSE(oi.cancelled);
  json_object_put(o);
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"pro_unit", "commission exact half-up", t_commission_exact},
    {"pro_unit", "commission no overflow", t_commission_no_overflow},
    {"pro_unit", "commission sweep vs 128-bit", t_commission_sweep},
    {"pro_unit", "money parse", t_money_parse},
    {"pro_unit", "percentage", t_pct},
    {"pro_unit", "website url check", t_url},
    {"pro_unit", "api key check", t_key},
    {"pro_unit", "settings fingerprint", t_fingerprint},
    {"pro_unit", "order id path encoding", t_url_encode},
    {"pro_unit", "order mapping valid", t_order_map},
    {"pro_unit", "order mapping malformed", t_order_malformed},
    {"pro_unit", "order cancel detection", t_order_info_cancel},
  };

  return cu_main(cases, CU_CASES_N(cases), NULL, NULL, argc, argv);
}
