/*
 * test_bm_order_doc.c -- unit tests of the Back Market order model: order
 * JSON (the reference's F1/F5 shapes) -> order.xsd document validated
 * with the real schema; malformed fields and unknown enum values give a
 * message naming the field, never a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <libxml/xmlschemas.h>

#include "bm_order_side.h"
#include "pc_json.h"
#include "cu_main.h"

/* The plugin's logger is not linked here; bm_order_doc.c does not log. */

static const char *F1 =
    "{\"order_id\": 78740101, \"shipping_address\": {\"company\": null, "
    "\"first_name\": \"Jane\", \"last_name\": \"Doe\", \"street\": \"1 High "
    "Street\", \"street2\": null, \"postal_code\": \"SW1A 1AA\", \"country\": "
    "\"GB\", \"city\": \"London\", \"phone\": \"+447700900123\", \"email\": "
    "\"client@marketplace.backmarket.test\"}, \"billing_address\": "
    "{\"first_name\": \"Jane\", \"last_name\": \"Doe & Co <Ltd>\", "
    "\"street\": \"1 High Street\", \"postal_code\": \"SW1A 1AA\", "
    "\"country\": \"GB\", \"city\": \"London\"}, \"tracking_number\": \"\", "
    "\"date_creation\": \"2026-03-22T19:14:18Z\", \"date_modification\": "
    "\"2026-03-22T20:17:00+01:00\", \"date_payment\": "
    "\"2026-03-22T19:17:00Z\", \"state\": 1, \"orderlines\": [{\"id\": "
    "78767001, \"state\": 1, \"price\": \"639.00\", \"shipping_price\": "
    "\"0.00\", \"listing\": \"MBA.A2337.M1.8GB.256GB.Grey.Fair\", "
    "\"product\": \"MacBook Air 13-inch (2020)\", \"quantity\": 1, "
    "\"sales_taxes\": \"0.00\", \"imei\": \"\", \"serial_number\": \"\", "
    "\"orderline_fee\": \"63.90\"}, {\"id\": 78767002, \"state\": 6, "
    "\"price\": 240, \"listing\": \"SKU-B\", \"quantity\": 2, "
    "\"orderline_fee\": \"24.00\"}], \"price\": \"879.00\", "
    "\"shipping_price\": \"15.00\", \"currency\": \"GBP\", \"country_code\": "
    "\"en-gb\", \"payment_method\": \"CARD\", \"sales_taxes\": \"0.00\"}";

static xmlSchemaPtr g_schema;

static int
validate(const char *xml, size_t len)
{
  xmlDocPtr doc = xmlReadMemory(xml, (int)len, "o.xml", NULL, XML_PARSE_NONET);
  xmlSchemaValidCtxtPtr v;
  int rc;

  if(!doc)
    return -1;
  v = xmlSchemaNewValidCtxt(g_schema);
  rc = xmlSchemaValidateDoc(v, doc);
  xmlSchemaFreeValidCtxt(v);
  xmlFreeDoc(doc);
  return rc;
}

static int
parse_text(const char *txt, struct bm_order *o, char *err, size_t errlen,
           struct json_object **j)
{
  *j = pc_json_parse(txt, strlen(txt), err, errlen);
  if(!*j)
    return BMC_ERR_PROTOCOL;
  return bm_order_parse(*j, o, err, errlen);
}

static void
t_convert_f1(void)
{
  struct json_object *j;
  struct bm_order o;
  struct pc_xml x;
  char err[256];
  const char *doc;

  CU_ASSERT_EQUAL_FATAL(parse_text(F1, &o, err, sizeof(err), &j), BMC_OK);
  CU_ASSERT_EQUAL(o.order_id, 78740101);
  CU_ASSERT_EQUAL(o.n_lines, 2);
  CU_ASSERT_EQUAL(o.lines[0].price, 63900);
  CU_ASSERT_EQUAL(o.lines[1].price, 24000); /* JSON number, exact */
  CU_ASSERT_EQUAL(o.lines[1].kind, BM_LINE_REFUNDED);
  CU_ASSERT_EQUAL(bm_order_doc(&o, &x), BMC_OK);
  doc = pc_xml_str(&x);
  CU_ASSERT_EQUAL(validate(doc, pc_xml_len(&x)), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(doc, "<source_order_id>78740101<"));
  CU_ASSERT_PTR_NOT_NULL(strstr(doc, "<channel>Website</channel>"));
  CU_ASSERT_PTR_NOT_NULL(strstr(doc, "<payment_status>PartiallyRefunded<"));
  CU_ASSERT_PTR_NOT_NULL(strstr(doc, "<sku>MBA.A2337.M1.8GB.256GB.Grey.Fair"));
  CU_ASSERT_PTR_NOT_NULL(strstr(doc, "<line_total>639.00</line_total>"));
  CU_ASSERT_PTR_NOT_NULL(strstr(doc, "<fee>63.90</fee>"));
  CU_ASSERT_PTR_NOT_NULL(strstr(doc, "<subtotal>879.00</subtotal>"));
  CU_ASSERT_PTR_NOT_NULL(strstr(doc, "<commission>87.90</commission>"));
  CU_ASSERT_PTR_NOT_NULL(strstr(doc, "<refunded>240.00</refunded>"));
  CU_ASSERT_PTR_NOT_NULL(strstr(doc, "<grand_total>894.00</grand_total>"));
  CU_ASSERT_PTR_NOT_NULL(strstr(doc, "Doe &amp; Co &lt;Ltd&gt;"));
  CU_ASSERT_PTR_NOT_NULL(strstr(doc, "<order_date>2026-03-22T19:14:18Z<"));
  pc_xml_free(&x);
  bm_order_clear(&o);
  json_object_put(j);
}

/* Replace the first occurrence of from in F1 by to, parse, expect an error
 * that contains want. */
static void
expect_error(const char *from, const char *to, const char *want)
{
  char txt[4096];
  const char *p = strstr(F1, from);
  struct json_object *j = NULL;
  struct bm_order o;
  char err[256];
  int rc;

  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  snprintf(txt, sizeof(txt), "%.*s%s%s", (int)(p - F1), F1, to,
           p + strlen(from));
  err[0] = '\0';
  rc = parse_text(txt, &o, err, sizeof(err), &j);
  CU_ASSERT_EQUAL(rc, BMC_ERR_PROTOCOL);
  if(!strstr(err, want))
    fprintf(stderr, "got \"%s\", want \"%s\"\n", err, want);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
  if(j)
    CU_ASSERT_EQUAL(o.order_id, 78740101); /* the error names the order */
  bm_order_clear(&o);
  json_object_put(j);
}

static void
t_errors(void)
{
  expect_error("\"state\": 1, \"orderlines\"", "\"state\": 42, \"orderlines\"",
               "unknown order state 42");
  expect_error("\"state\": 6,", "\"state\": 11,",
               "orderlines[1].state: unknown orderline state 11");
  expect_error("\"price\": \"639.00\"", "\"price\": \"6.395\"",
               "orderlines[0] field price");
  expect_error("\"price\": \"639.00\"", "\"price\": {}",
               "expected money string, found object");
  expect_error("\"quantity\": 1,", "\"quantity\": \"1\",",
               "orderlines[0] field quantity: expected int, found string");
  expect_error("\"quantity\": 1,", "\"quantity\": 0,", "not a valid quantity");
  expect_error("\"currency\": \"GBP\"", "\"currency\": 826",
               "field currency: expected string, found int");
  expect_error("\"date_modification\": \"2026-03-22T20:17:00+01:00\"",
               "\"date_modification\": \"yesterday\"", "date_modification");
  expect_error("\"listing\": \"SKU-B\"", "\"listing\": \"\"", "SKU is empty");
  expect_error("\"city\": \"London\", \"phone\"", "\"city\": 5, \"phone\"",
               "shipping_address field city");
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"bm_order_doc", "F1 -> valid order.xsd", t_convert_f1},
    {"bm_order_doc", "malformed fields and unknown enums", t_errors},
  };
  char path[512];
  xmlSchemaParserCtxtPtr pc;
  int rc;

  snprintf(path, sizeof(path), "%s/order.xsd", BMC_SCHEMA_DIR);
  pc = xmlSchemaNewParserCtxt(path);
  g_schema = pc ? xmlSchemaParse(pc) : NULL;
  xmlSchemaFreeParserCtxt(pc);
  if(!g_schema)
    return 2;
  rc = cu_main(cases, CU_CASES_N(cases), NULL, NULL, argc, argv);
  xmlSchemaFree(g_schema);
  return rc;
}
