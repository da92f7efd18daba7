/*
 * test_orders.c -- orders through the host services: order.xsd validation
 * (an invalid document is refused with the validator's line and reason,
 * which land in the job log and the error queue), idempotent upsert on
 * the source order id, updates that never overwrite host-owned fields,
 * the host's documents validating against order.xsd, ship/cancel rules,
 * the "unreported" queries (at the cost of the orders they answer, not of
 * the company's history) and settlements.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "th.h"
#include "cu_main.h"
#include "hs_internal.h" /* the store's connection: rows in bulk */

static char dir[256];
static struct hs_host *h;
static const struct bmc_host_api *api;
static void *ctx;
static xmlSchemaPtr xsd;

static int
setup(void)
{
  char path[512];
  xmlSchemaParserCtxtPtr pc;

  th_tmpdir(dir, sizeof(dir));
  h = th_open(dir);
  if(!h || hs_host_services(h, "Acme", "tplug", &api, &ctx))
    return 1;
  snprintf(path, sizeof(path), "%s/order.xsd", BMC_SCHEMA_DIR);
  pc = xmlSchemaNewParserCtxt(path);
  xsd = pc ? xmlSchemaParse(pc) : NULL;
  xmlSchemaFreeParserCtxt(pc);
  return xsd ? 0 : 1;
}

static int
teardown(void)
{
  xmlSchemaFree(xsd);
  hs_host_close(h);
  th_rmdir(dir);
  return 0;
}

/* 1 when xml is valid against order.xsd. */
static int
valid(const char *xml, size_t len)
{
  xmlDocPtr d = xmlReadMemory(xml, (int)len, "o", NULL, XML_PARSE_NONET);
  xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(xsd);
  int ok = d && vc && xmlSchemaValidateDoc(vc, d) == 0;

  xmlSchemaFreeValidCtxt(vc);
  xmlFreeDoc(d);
  return ok;
}

struct docs {
  int n, all_valid;
  char ids[8][32];
};

static int
doc_cb(void *ud, const char *xml, size_t len)
{
  struct docs *d = ud;
  const char *p = strstr(xml, "<source_order_id>");

  if(!valid(xml, len))
    d->all_valid = 0;
  if(p && d->n < 8)
    sscanf(p + 17, "%31[^<]", d->ids[d->n]);
  d->n++;
  return 0;
}

static int64_t
order_id(const char *src)
{
  int64_t id = 0;

  CU_ASSERT_EQUAL(hs_order_find(h, "Acme", src, &id), BMC_OK);
  return id;
}

static void
test_upsert_idempotent(void)
{
  char *x = th_order_xml("BM-1001", "InProcess", "FullyCharged", "1");
  char err[512];
  int created = -1;
  int64_t n = 0;

  CU_ASSERT_PTR_NOT_NULL_FATAL(x);
  CU_ASSERT_EQUAL(api->order_upsert(ctx, x, strlen(x), &created, err,
                                    sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(created, 1);
  CU_ASSERT_EQUAL(api->order_upsert(ctx, x, strlen(x), &created, err,
                                    sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(created, 0);
  CU_ASSERT_EQUAL(hs_orders_count(h, "Acme", NULL, &n), BMC_OK);
  CU_ASSERT_EQUAL(n, 1);
  free(x);
}

static void
test_invalid_refused(void)
{
  char *x = th_order_xml("BM-BAD", "InProcess", "FullyCharged", "1");
  char *p, err[512];
  int64_t job = 0, n = 0;
  int st = -1;

  CU_ASSERT_PTR_NOT_NULL_FATAL(x);
  /* Money as a float-looking value: 449.0 breaks the money pattern. */
  p = strstr(x, "449.00");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  memmove(p + 5, p + 6, strlen(p + 6) + 1);
  th_ctl.xml = x;
  CU_ASSERT_EQUAL(hs_run_action(h, "Acme", "tplug", "order", &job, &st, err,
                                sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(th_ctl.last_rc, BMC_ERR_SCHEMA);
  CU_ASSERT_EQUAL(st, HS_JOB_FAILED);
  /* The validator's message: which line, which element, what is wrong. */
  CU_ASSERT_TRUE(th_log_has(h, job, "line 12", 1));
  CU_ASSERT_TRUE(th_log_has(h, job, "line_total", 1));
  CU_ASSERT_EQUAL(th_errors_with(h, "BM-BAD"), 1);
  CU_ASSERT_EQUAL(hs_orders_count(h, "Acme", NULL, &n), BMC_OK);
  CU_ASSERT_EQUAL(n, 1); /* only BM-1001 from before */
  free(x);

  /* Not XML at all, and a document for another marketplace. */
  err[0] = '\0';
  CU_ASSERT_EQUAL(api->order_upsert(ctx, "<order", 6, NULL, err,
                                    sizeof(err)), BMC_ERR_SCHEMA);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 1"));
  x = th_order_xml("BM-OTHER", "InProcess", "FullyCharged", "1");
  p = strstr(x, "<marketplace>tplug");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  memcpy(p + 13, "other", 5);
  CU_ASSERT_EQUAL(api->order_upsert(ctx, x, strlen(x), NULL, err,
                                    sizeof(err)), BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "marketplace"));
  free(x);
}

static void
test_update_keeps_host_fields(void)
{
  struct hs_ship_line sl[] = {{"L1", "356938035643809"}};
  struct hs_shipment s = {"1Z999", "UPS", 0, sl, 1, 1};
  char *x, *doc = NULL, err[512];
  size_t len = 0;
  int64_t id = order_id("BM-1001");

  CU_ASSERT_EQUAL(hs_order_ship(h, id, &s, err, sizeof(err)), BMC_OK);
  /* The marketplace now says: status Cancelled (ignored), refunded
   * payment, line state 5. */
  x = th_order_xml("BM-1001", "Cancelled", "Refunded", "5");
  CU_ASSERT_EQUAL(api->order_upsert(ctx, x, strlen(x), NULL, err,
                                    sizeof(err)), BMC_OK);
  free(x);
  CU_ASSERT_EQUAL(hs_order_xml(h, id, &doc, &len), BMC_OK);
  CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
  CU_ASSERT_TRUE(valid(doc, len));
  CU_ASSERT_PTR_NOT_NULL(strstr(doc, "<status>InProcess</status>"));
  CU_ASSERT_PTR_NOT_NULL(strstr(doc, "<payment_status>Refunded<"));
  CU_ASSERT_PTR_NOT_NULL(strstr(doc, "<marketplace_state>5<"));
  CU_ASSERT_PTR_NOT_NULL(strstr(doc, "<shipping_status>PartiallyShipped<"));
  CU_ASSERT_PTR_NOT_NULL(strstr(doc, "<tracking_number>1Z999<"));
  CU_ASSERT_PTR_NOT_NULL(strstr(doc, "<serial>356938035643809</serial>"));
  CU_ASSERT_PTR_NOT_NULL(strstr(doc, "<source_updated_for_shipping>false<"));
  free(doc);
}

static void
test_ship_cancel_rules(void)
{
  struct hs_shipment all = {"1Z1000", "UPS", 0, NULL, 0, 0};
  char *x, err[512];
  struct docs d;
  int64_t id1 = order_id("BM-1001"), id2;

  x = th_order_xml("BM-1002", "InProcess", "FullyCharged", "1");
  CU_ASSERT_EQUAL(api->order_upsert(ctx, x, strlen(x), NULL, err,
                                    sizeof(err)), BMC_OK);
  free(x);
  id2 = order_id("BM-1002");

  /* A partly shipped order cannot be cancelled, by the host or plugin. */
  err[0] = '\0';
  CU_ASSERT_EQUAL(hs_order_cancel(h, id1, "customer asked", err,
                                  sizeof(err)), BMC_ERR_CONFLICT);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "shipped"));
  CU_ASSERT_EQUAL(api->order_set_status(ctx, "BM-1001", "Cancelled", "x"),
                  BMC_ERR_CONFLICT);
  CU_ASSERT_EQUAL(api->order_set_status(ctx, "BM-1002", "OnHold",
                                        "stock short"), BMC_OK);
  CU_ASSERT_EQUAL(api->order_set_status(ctx, "BM-1002", "Completed", NULL),
                  BMC_ERR_INVALID_ARG);

  /* Shipped-unreported holds the shipped order only; reporting clears. */
  memset(&d, 0, sizeof(d));
  d.all_valid = 1;
  CU_ASSERT_EQUAL(api->orders_each(ctx, BMC_Q_SHIPPED_UNREPORTED, doc_cb,
                                   &d), BMC_OK);
  CU_ASSERT_EQUAL(d.n, 1);
  CU_ASSERT_STRING_EQUAL(d.ids[0], "BM-1001");
  CU_ASSERT_EQUAL(d.all_valid, 1);
  CU_ASSERT_EQUAL(api->order_mark_reported(ctx, "BM-1001",
                                           BMC_REPORT_SHIPPING), BMC_OK);
  memset(&d, 0, sizeof(d));
  CU_ASSERT_EQUAL(api->orders_each(ctx, BMC_Q_SHIPPED_UNREPORTED, doc_cb,
                                   &d), BMC_OK);
  CU_ASSERT_EQUAL(d.n, 0);

  /* Shipping the rest completes the order and asks for a new report. */
  CU_ASSERT_EQUAL(hs_order_ship(h, id1, &all, err, sizeof(err)), BMC_OK);
  memset(&d, 0, sizeof(d));
  CU_ASSERT_EQUAL(api->orders_each(ctx, BMC_Q_SHIPPED_UNREPORTED, doc_cb,
                                   &d), BMC_OK);
  CU_ASSERT_EQUAL(d.n, 1);
  CU_ASSERT_EQUAL(hs_order_ship(h, id1, &all, err, sizeof(err)),
                  BMC_ERR_CONFLICT);

  /* The unshipped order can be cancelled; then it cannot be shipped. */
  CU_ASSERT_EQUAL(hs_order_cancel(h, id2, "out of stock", err, sizeof(err)),
                  BMC_OK);
  CU_ASSERT_EQUAL(hs_order_ship(h, id2, &all, err, sizeof(err)),
                  BMC_ERR_CONFLICT);
  memset(&d, 0, sizeof(d));
  d.all_valid = 1;
  CU_ASSERT_EQUAL(api->orders_each(ctx, BMC_Q_CANCELLED_UNREPORTED, doc_cb,
                                   &d), BMC_OK);
  CU_ASSERT_EQUAL(d.n, 1);
  CU_ASSERT_STRING_EQUAL(d.ids[0], "BM-1002");
  CU_ASSERT_EQUAL(d.all_valid, 1);
  CU_ASSERT_EQUAL(api->order_mark_reported(ctx, "BM-1002",
                                           BMC_REPORT_CANCEL), BMC_OK);
  memset(&d, 0, sizeof(d));
  CU_ASSERT_EQUAL(api->orders_each(ctx, BMC_Q_CANCELLED_UNREPORTED, doc_cb,
                                   &d), BMC_OK);
  CU_ASSERT_EQUAL(d.n, 0);
  CU_ASSERT_EQUAL(api->order_mark_reported(ctx, "BM-404",
                                           BMC_REPORT_CANCEL),
                  BMC_ERR_NOT_FOUND);
}

static int
count_cb(void *ud, const char *xml, size_t len)
{
  (void)xml;
  (void)len;
  (*(int *)ud)++;
  return 0;
}

/* Orders one scoped query hands over, and the SQLite VM steps it took. */
static long
query_counted(enum bmc_order_query q, int *n)
{
  long steps;

  *n = 0;
  th_vm_steps_start(h, &steps);
  CU_ASSERT_EQUAL(api->orders_each(ctx, q, count_cb, n), BMC_OK);
  th_vm_steps_stop(h);
  return steps;
}

/* The scoped queries (open orders for order_download, shipped or
 * cancelled but not reported for the uploads, every 5 minutes) cost the
 * orders they answer: 10,000 completed and reported orders of the past
 * add nothing to them (they made each run read every order ever). */
static void
test_queries_cost_no_history(void)
{
  static const enum bmc_order_query qs[3] = {
      BMC_Q_OPEN, BMC_Q_SHIPPED_UNREPORTED, BMC_Q_CANCELLED_UNREPORTED};
  struct hs_shipment all = {"1Z2000", "UPS", 0, NULL, 0, 0};
  long before[3];
  int n0[3];
  int n;
  char *x, err[512];
  const char *src[3] = {"BM-2001", "BM-2002", "BM-2003"};
  size_t i;

  for(i = 0; i < 3; i++) {
    x = th_order_xml(src[i], "InProcess", "FullyCharged", "2");
    CU_ASSERT_EQUAL(api->order_upsert(ctx, x, strlen(x), NULL, err,
                                      sizeof(err)), BMC_OK);
    free(x);
  }
  CU_ASSERT_EQUAL(hs_order_ship(h, order_id("BM-2002"), &all, err,
                                sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_order_cancel(h, order_id("BM-2003"), "no stock", err,
                                  sizeof(err)), BMC_OK);
  for(i = 0; i < 3; i++) {
    before[i] = query_counted(qs[i], &n0[i]);
    CU_ASSERT(n0[i] >= 1);
  }
  CU_ASSERT_EQUAL(hs_db_exec(h->db, "INSERT INTO orders(company_id,"
                               " channel, source_order_id, marketplace,"
                               " status, payment_status, order_date,"
                               " currency, subtotal, shipping, tax,"
                               " commission, grand_total, shipping_status,"
                               " source_updated_for_shipping, raw_xml,"
                               " created_ms, updated_ms) WITH RECURSIVE"
                               " c(n) AS (SELECT 1 UNION ALL SELECT n + 1"
                               " FROM c WHERE n < 10000) SELECT company_id,"
                               " channel, 'H-' || n, marketplace,"
                               " 'Completed', payment_status, order_date,"
                               " currency, subtotal, shipping, tax,"
                               " commission, grand_total, 'Shipped', 1,"
                               " raw_xml, created_ms, updated_ms FROM c,"
                               " orders WHERE source_order_id = 'BM-2001'"),
                  HS_DB_OK);
  for(i = 0; i < 3; i++) {
    long after = query_counted(qs[i], &n);
    CU_ASSERT_EQUAL(n, n0[i]);
    CU_ASSERT(after <= before[i] + before[i] / 2);
  }
}

static const char settle[] =
    "<settlement xmlns=\"urn:bmc:settlement:1\">"
    "<settlement_id>S-1</settlement_id><marketplace>tplug</marketplace>"
    "<period_start>2026-01-01</period_start>"
    "<period_end>2026-01-15</period_end>"
    "<payout_date>2026-01-20</payout_date><currency>EUR</currency><lines>"
    "<line><source_order_id>BM-1001</source_order_id><type>Sale</type>"
    "<amount>549.00</amount><date>2026-01-02T00:00:00Z</date></line>"
    "<line><source_order_id>BM-1001</source_order_id><type>Commission</type>"
    "<amount>-54.90</amount><date>2026-01-02T00:00:00Z</date></line>"
    "</lines><totals><sales>549.00</sales><shipping>0.00</shipping>"
    "<fees>-54.90</fees><refunds>0.00</refunds><net>%s</net></totals>"
    "</settlement>";

static int
settle_cb(void *ud, const struct hs_settlement *s)
{
  int *n = ud;

  (*n)++;
  CU_ASSERT_STRING_EQUAL(s->settlement_id, "S-1");
  CU_ASSERT_STRING_EQUAL(s->net, "494.10");
  CU_ASSERT_EQUAL(s->n_lines, 2);
  return 0;
}

static void
test_settlements(void)
{
  char doc[2048], err[512];
  int n = 0;

  snprintf(doc, sizeof(doc), settle, "494.1");
  CU_ASSERT_EQUAL(api->settlement_import(ctx, doc, strlen(doc), err,
                                         sizeof(err)), BMC_ERR_SCHEMA);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "net"));
  snprintf(doc, sizeof(doc), settle, "494.10");
  CU_ASSERT_EQUAL(api->settlement_import(ctx, doc, strlen(doc), err,
                                         sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(api->settlement_import(ctx, doc, strlen(doc), err,
                                         sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_settlements_each(h, "Acme", settle_cb, &n), BMC_OK);
  CU_ASSERT_EQUAL(n, 1);
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"host_orders", "upsert idempotent", test_upsert_idempotent},
    {"host_orders", "invalid refused", test_invalid_refused},
    {"host_orders", "update keeps host fields", test_update_keeps_host_fields},
    {"host_orders", "ship and cancel rules", test_ship_cancel_rules},
    {"host_orders", "queries cost no history", test_queries_cost_no_history},
    {"host_orders", "settlements", test_settlements},
  };

  return cu_main(cases, CU_CASES_N(cases), setup, teardown, argc, argv);
}
