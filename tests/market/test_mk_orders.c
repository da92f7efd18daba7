/*
 * test_mk_orders.c -- market-sim order tests over real HTTP: the default
 * list, filters, pagination with filter-preserving next URLs, the orderline
 * state machine, shipping with IMEI rules, orderline PATCH, stock, and the
 * cost of paging and lookups (orders examined grow with the orders, not
 * with orders times pages).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "mkt_http.h"

void mkt_add_order_tests(CU_pSuite s);

static long long mkt_short_order(const char *sku, int state, int qty)
{
  char b[256];
  json_object *o = NULL;
  long long id;
  snprintf(b, sizeof(b), "{\"merchant_id\": 789, \"sku\": \"%s\", "
           "\"quantity\": %d, \"market\": \"en-gb\", \"state\": %d, "
           "\"price\": \"%d00.00\", \"fee\": \"10.00\"}", sku, qty, state, qty);
  if(mkt_ctl("POST", "/_sim/orders", b, &o) != 201)
    id = -1;
  else
    id = mkt_jint(o, "order_id");
  json_object_put(o);
  return id;
}

static long mkt_update(long long id, const char *body, json_object **out)
{
  struct mkt_resp r;
  char path[64];
  long st;
  snprintf(path, sizeof(path), "/ws/orders/%lld", id);
  st = mkt_ws("POST", path, NULL, body, &r);
  if(out)
    *out = mkt_json(&r);
  mkt_resp_free(&r);
  return st;
}

static long mkt_get_json(const char *path, json_object **out)
{
  struct mkt_resp r;
  long st = mkt_ws("GET", path, NULL, NULL, &r);
  *out = mkt_json(&r);
  mkt_resp_free(&r);
  return st;
}

static void test_list_hides_unpaid_and_failed(void)
{
  json_object *o = NULL;
  long long pending, failed;
  mkt_seed();
  mkt_listing("SKU-A", 5, "100.00");
  CU_ASSERT(mkt_short_order("SKU-A", 1, 1) > 0);
  pending = mkt_short_order("SKU-A", 0, 1);
  failed = mkt_short_order("SKU-A", 0, 1);
  CU_ASSERT(pending > 0 && failed > 0);
  {
    char p[80];
    snprintf(p, sizeof(p), "/_sim/orders/%lld/payment_failed", failed);
    CU_ASSERT_EQUAL(mkt_ctl("POST", p, NULL, NULL), 200);
  }
  CU_ASSERT_EQUAL(mkt_get_json("/ws/orders", &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "count"), 1);
  CU_ASSERT_EQUAL(mkt_jint(o, "results.0.state"), 1);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_get_json("/ws/orders?state=8", &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "count"), 1);
  CU_ASSERT_EQUAL(mkt_jint(o, "results.0.orderlines.0.state"), 7);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_get_json("/ws/orders?state=0", &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "results.0.order_id"), pending);
  json_object_put(o);
}

static void test_list_filters_and_date_formats(void)
{
  json_object *o = NULL;
  long long late;
  mkt_seed();
  mkt_listing("SKU-A", 5, "100.00");
  mkt_short_order("SKU-A", 1, 1);
  mkt_advance(3600000);                      /* 13:00Z */
  late = mkt_short_order("SKU-A", 1, 1);
  CU_ASSERT_EQUAL(mkt_get_json("/ws/orders?date_modification="
                               "2026-03-22T12:30:00Z", &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "count"), 1);
  CU_ASSERT_EQUAL(mkt_jint(o, "results.0.order_id"), late);
  json_object_put(o);
  /* "Y-m-d H:i:s" with the space as '+', and bare dates; bound is >= */
  CU_ASSERT_EQUAL(mkt_get_json("/ws/orders?date_modification="
                               "2026-03-22+13:00:00", &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "count"), 1);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_get_json("/ws/orders?date_creation=2026-03-22", &o),
                  200);
  CU_ASSERT_EQUAL(mkt_jint(o, "count"), 2);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_get_json("/ws/orders?date_creation="
                               "2026-03-22T14:00:00%2B01:00", &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "count"), 1);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_get_json("/ws/orders?country_code=fr-fr", &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "count"), 0);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_get_json("/ws/orders?date_modification=yesterday", &o),
                  400);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "error.code"), "invalid_parameter");
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_get_json("/ws/orders?state=abc", &o), 400);
  json_object_put(o);
}

static void test_pagination_next_keeps_filters(void)
{
  json_object *o = NULL;
  const char *next;
  int i;
  long long first;
  mkt_seed();
  mkt_listing("SKU-A", 100, "100.00");
  for(i = 0; i < 25; i++) {
    mkt_short_order("SKU-A", 1, 1);
    mkt_advance(1000);
  }
  CU_ASSERT_EQUAL(mkt_get_json("/ws/orders?state=1&page-size=10", &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "count"), 25);
  CU_ASSERT_EQUAL(json_object_array_length(
                    json_object_object_get(o, "results")), 10);
  CU_ASSERT_PTR_NULL(json_object_object_get(o, "previous"));
  first = mkt_jint(o, "results.0.order_id");
  next = mkt_jstr(o, "next");
  CU_ASSERT_PTR_NOT_NULL_FATAL(next);
  CU_ASSERT(strncmp(next, "http://127.0.0.1:", 17) == 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(next, "state=1"));
  CU_ASSERT_PTR_NOT_NULL(strstr(next, "page-size=10"));
  CU_ASSERT_PTR_NOT_NULL(strstr(next, "page=2"));
  /* an order on page 1 changes while the client pages: it moves to the
     end (ordering is date_modification, then order_id) */
  {
    char b[128];
    snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 2}", first);
    mkt_advance(1000);
    CU_ASSERT_EQUAL(mkt_update(first, b, NULL), 200);
  }
  {
    struct mkt_resp r;
    json_object *p2;
    char url[512];
    snprintf(url, sizeof(url), "%s", next);
    json_object_put(o);
    CU_ASSERT_EQUAL(mkt_ws("GET", url, NULL, NULL, &r), 200);
    p2 = mkt_json(&r);
    mkt_resp_free(&r);
    CU_ASSERT_EQUAL(mkt_jint(p2, "count"), 24);  /* first is now state 3 */
    CU_ASSERT_PTR_NOT_NULL(mkt_jstr(p2, "previous"));
    json_object_put(p2);
  }
  CU_ASSERT_EQUAL(mkt_get_json("/ws/orders?page=3&page-size=10", &o), 200);
  CU_ASSERT_EQUAL(json_object_array_length(
                    json_object_object_get(o, "results")), 5);
  CU_ASSERT_PTR_NULL(json_object_object_get(o, "next"));
  CU_ASSERT_EQUAL(mkt_jint(o, "results.4.order_id"), first);
  json_object_put(o);
  /* default page size 10, maximum 50 */
  CU_ASSERT_EQUAL(mkt_get_json("/ws/orders?page-size=500", &o), 200);
  CU_ASSERT_EQUAL(json_object_array_length(
                    json_object_object_get(o, "results")), 25);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_get_json("/ws/orders", &o), 200);
  CU_ASSERT_EQUAL(json_object_array_length(
                    json_object_object_get(o, "results")), 10);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_get_json("/ws/orders?page=0", &o), 400);
  json_object_put(o);
}

static void test_state_machine(void)
{
  json_object *o = NULL;
  long long id;
  char b[256];
  mkt_seed();
  mkt_listing("SKU-A", 5, "100.00");
  id = mkt_order("SKU-A", 1);
  CU_ASSERT_FATAL(id > 0);
  /* 1 -> 3 (ship before accepting) is refused */
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 3, "
           "\"tracking_number\": \"MV1\"}", id);
  CU_ASSERT_EQUAL(mkt_update(id, b, &o), 400);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "error.code"), "invalid_state_transition");
  json_object_put(o);
  /* 1 -> 5 and 1 -> 6 are refused */
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 5}", id);
  CU_ASSERT_EQUAL(mkt_update(id, b, NULL), 400);
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 6}", id);
  CU_ASSERT_EQUAL(mkt_update(id, b, NULL), 400);
  /* accept 1 -> 2: order becomes 3, date_modification moves */
  mkt_advance(60000);
  snprintf(b, sizeof(b), "{\"id\": %lld, \"new_state\": 2, \"sku\": "
           "\"SKU-A\"}", id);
  CU_ASSERT_EQUAL(mkt_update(id, b, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "state"), 3);
  CU_ASSERT_EQUAL(mkt_jint(o, "orderlines.0.state"), 2);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "date_modification"),
                         "2026-03-22T12:01:00Z");
  json_object_put(o);
  /* 2 -> 2 and 2 -> 4 are refused */
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 4}", id);
  CU_ASSERT_EQUAL(mkt_update(id, b, NULL), 400);
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 2}", id);
  CU_ASSERT_EQUAL(mkt_update(id, b, NULL), 400);
  /* ship without tracking: 400; with: 9, date_shipping set */
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 3}", id);
  CU_ASSERT_EQUAL(mkt_update(id, b, NULL), 400);
  mkt_advance(60000);
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 3, "
           "\"tracking_number\": \"MV000000001GB\", \"tracking_url\": "
           "\"https://t.example/MV000000001GB\", \"shipper\": "
           "\"Royal Mail Express\"}", id);
  CU_ASSERT_EQUAL(mkt_update(id, b, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "state"), 9);
  CU_ASSERT_EQUAL(mkt_jint(o, "orderlines.0.state"), 3);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "tracking_number"), "MV000000001GB");
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "shipper"), "Royal Mail Express");
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "date_shipping"), "2026-03-22T12:02:00Z");
  CU_ASSERT_PTR_NULL(json_object_object_get(o, "expected_dispatch_date"));
  json_object_put(o);
  /* shipping twice is refused; 3 -> 6 refund is allowed */
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 3, "
           "\"tracking_number\": \"X\"}", id);
  CU_ASSERT_EQUAL(mkt_update(id, b, NULL), 400);
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 6, "
           "\"return_reason\": 21, \"return_message\": \"Faulty\"}", id);
  CU_ASSERT_EQUAL(mkt_update(id, b, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "orderlines.0.state"), 6);
  CU_ASSERT_EQUAL(mkt_jint(o, "orderlines.0.return_reason"), 21);
  json_object_put(o);
  /* final: nothing moves out of 6 */
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 5}", id);
  CU_ASSERT_EQUAL(mkt_update(id, b, NULL), 400);
  /* mismatched order_id, bad new_state type, unknown order */
  snprintf(b, sizeof(b), "{\"order_id\": 1, \"new_state\": 2}");
  CU_ASSERT_EQUAL(mkt_update(id, b, NULL), 400);
  CU_ASSERT_EQUAL(mkt_update(id, "{\"new_state\": \"two\"}", NULL), 400);
  CU_ASSERT_EQUAL(mkt_update(id, "{\"new_state\": 7}", NULL), 400);
  CU_ASSERT_EQUAL(mkt_update(99, "{\"new_state\": 2}", NULL), 404);
}

static void test_multi_line_order(void)
{
  json_object *o = NULL;
  long long id;
  char b[512];
  mkt_seed();
  mkt_listing("SKU-A", 5, "100.00");
  mkt_listing("SKU-B", 5, "120.00");
  CU_ASSERT_EQUAL(mkt_ctl("POST", "/_sim/orders", "{\"merchant_id\": 789, "
                          "\"market\": \"en-gb\", \"lines\": [{\"sku\": "
                          "\"SKU-A\", \"quantity\": 1}, {\"sku\": \"SKU-B\", "
                          "\"quantity\": 2, \"price\": \"240.00\"}]}", &o),
                  201);
  id = mkt_jint(o, "order_id");
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "price"), "340.00");
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "orderlines.1.orderline_fee"), "24.00");
  json_object_put(o);
  /* sku needed with several lines */
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 2}", id);
  CU_ASSERT_EQUAL(mkt_update(id, b, NULL), 400);
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 2, "
           "\"sku\": \"NOPE\"}", id);
  CU_ASSERT_EQUAL(mkt_update(id, b, NULL), 404);
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 2, "
           "\"sku\": \"SKU-A\"}", id);
  CU_ASSERT_EQUAL(mkt_update(id, b, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "state"), 1);  /* SKU-B still to accept */
  json_object_put(o);
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 4, "
           "\"sku\": \"SKU-B\"}", id);
  CU_ASSERT_EQUAL(mkt_update(id, b, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "state"), 3);  /* cancelled line counts done */
  json_object_put(o);
  /* IMEI refused on a multi-line order */
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 3, "
           "\"tracking_number\": \"T1\", \"imei\": \"356938035643809\"}", id);
  CU_ASSERT_EQUAL(mkt_update(id, b, NULL), 400);
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 3, "
           "\"tracking_number\": \"T1\"}", id);
  CU_ASSERT_EQUAL(mkt_update(id, b, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "state"), 9);
  CU_ASSERT_EQUAL(mkt_jint(o, "orderlines.0.state"), 3);
  CU_ASSERT_EQUAL(mkt_jint(o, "orderlines.1.state"), 4);
  json_object_put(o);
}

static void test_imei_rules_on_ship(void)
{
  json_object *o = NULL;
  long long id, id2;
  char b[512];
  mkt_seed();
  mkt_listing("SKU-A", 5, "100.00");
  id = mkt_order("SKU-A", 1);
  id2 = mkt_order("SKU-A", 2);
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 2}", id);
  CU_ASSERT_EQUAL(mkt_update(id, b, NULL), 200);
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 2}", id2);
  CU_ASSERT_EQUAL(mkt_update(id2, b, NULL), 200);
  /* quantity 2: no IMEI */
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 3, "
           "\"tracking_number\": \"T\", \"imei\": \"356938035643809\"}", id2);
  CU_ASSERT_EQUAL(mkt_update(id2, b, NULL), 400);
  /* bad Luhn digit, 14 digits, letters */
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 3, "
           "\"tracking_number\": \"T\", \"imei\": \"356938035643808\"}", id);
  CU_ASSERT_EQUAL(mkt_update(id, b, &o), 400);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "error.code"), "invalid_imei");
  json_object_put(o);
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 3, "
           "\"tracking_number\": \"T\", \"imei\": \"35693803564380\"}", id);
  CU_ASSERT_EQUAL(mkt_update(id, b, NULL), 400);
  /* nothing was shipped by the refused calls */
  {
    char p[64];
    snprintf(p, sizeof(p), "/ws/orders/%lld", id);
    CU_ASSERT_EQUAL(mkt_get_json(p, &o), 200);
    CU_ASSERT_EQUAL(mkt_jint(o, "orderlines.0.state"), 2);
    json_object_put(o);
  }
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 3, "
           "\"tracking_number\": \"T\", \"imei\": \"356938035643809\", "
           "\"serial_number\": \"SN1\", \"vat_type\": \"MARGINAL\"}", id);
  CU_ASSERT_EQUAL(mkt_update(id, b, &o), 200);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "orderlines.0.imei"), "356938035643809");
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "orderlines.0.serial_number"), "SN1");
  json_object_put(o);
}

static long mkt_patch_line(long long line, const char *body, json_object **o)
{
  struct mkt_resp r;
  char p[64];
  long st;
  snprintf(p, sizeof(p), "/ws/orderlines/%lld", line);
  st = mkt_ws("PATCH", p, NULL, body, &r);
  if(o)
    *o = mkt_json(&r);
  mkt_resp_free(&r);
  return st;
}

static void test_orderline_patch(void)
{
  json_object *o = NULL;
  long long id, line;
  char p[64];
  mkt_seed();
  mkt_listing("SKU-A", 5, "100.00");
  id = mkt_order("SKU-A", 1);
  snprintf(p, sizeof(p), "/ws/orders/%lld", id);
  CU_ASSERT_EQUAL(mkt_get_json(p, &o), 200);
  line = mkt_jint(o, "orderlines.0.id");
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_patch_line(line, "{\"imei\": \"356938035643808\"}", &o),
                  422);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "error.code"), "invalid_imei");
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_patch_line(line, "{}", NULL), 400);
  CU_ASSERT_EQUAL(mkt_patch_line(line, "{\"imei\": 356938035643809}", NULL),
                  400);
  CU_ASSERT_EQUAL(mkt_patch_line(line, "{\"imei\": \"356938035643809\"}", &o),
                  200);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "imei"), "356938035643809");
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "serial_number"), "");
  json_object_put(o);
  /* same value again is fine; a different value is refused */
  CU_ASSERT_EQUAL(mkt_patch_line(line, "{\"imei\": \"356938035643809\"}",
                                 NULL), 200);
  CU_ASSERT_EQUAL(mkt_patch_line(line, "{\"imei\": \"490154203237518\"}", &o),
                  422);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "error.code"), "already_set");
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_patch_line(line, "{\"serial_number\": \"SN-9\"}", NULL),
                  200);
  CU_ASSERT_EQUAL(mkt_patch_line(line, "{\"serial_number\": \"SN-X\"}", NULL),
                  422);
  CU_ASSERT_EQUAL(mkt_patch_line(1, "{\"serial_number\": \"S\"}", NULL), 404);
  {
    struct mkt_resp r;
    snprintf(p, sizeof(p), "/ws/orderlines/%lld", line);
    CU_ASSERT_EQUAL(mkt_ws("POST", p, NULL, "{}", &r), 405);
    mkt_resp_free(&r);
  }
}

static void test_stock_and_customer_actions(void)
{
  json_object *o = NULL;
  long long id, id2;
  char b[256], p[80];
  mkt_seed();
  mkt_listing("SKU-A", 3, "100.00");
  id = mkt_order("SKU-A", 2);
  CU_ASSERT(id > 0);
  CU_ASSERT_EQUAL(mkt_ctl("GET", "/_sim/listings/SKU-A", NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "quantity"), 1);
  json_object_put(o);
  /* not enough stock for a second order of 2 */
  CU_ASSERT_EQUAL(mkt_ctl("POST", "/_sim/customer_order", "{\"merchant_id\": "
                          "789, \"sku\": \"SKU-A\", \"quantity\": 2, "
                          "\"market\": \"en-gb\"}", NULL), 409);
  /* customer cancels before acceptance: line 4, stock back */
  snprintf(p, sizeof(p), "/_sim/orders/%lld/cancel", id);
  CU_ASSERT_EQUAL(mkt_ctl("POST", p, NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "orderlines.0.state"), 4);
  CU_ASSERT_EQUAL(mkt_jint(o, "state"), 9);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_ctl("GET", "/_sim/listings/SKU-A", NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "quantity"), 3);
  json_object_put(o);
  /* a cancelled order cannot be accepted */
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 2}", id);
  CU_ASSERT_EQUAL(mkt_update(id, b, NULL), 400);
  /* refund after acceptance: 2 -> 5 */
  id2 = mkt_order("SKU-A", 1);
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 2}", id2);
  CU_ASSERT_EQUAL(mkt_update(id2, b, NULL), 200);
  snprintf(p, sizeof(p), "/_sim/orders/%lld/refund", id2);
  CU_ASSERT_EQUAL(mkt_ctl("POST", p, NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "orderlines.0.state"), 5);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_ctl("POST", p, NULL, NULL), 409);
  /* seller cancel (1 -> 4) puts stock back too */
  id2 = mkt_order("SKU-A", 3);
  CU_ASSERT(id2 > 0);
  snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 4, "
           "\"return_reason\": 0}", id2);
  CU_ASSERT_EQUAL(mkt_update(id2, b, NULL), 200);
  CU_ASSERT_EQUAL(mkt_ctl("GET", "/_sim/listings/SKU-A", NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "quantity"), 3);
  json_object_put(o);
}

static void test_scheduled_customer_orders(void)
{
  json_object *o = NULL;
  mkt_seed();
  mkt_listing("SKU-A", 10, "100.00");
  CU_ASSERT_EQUAL(mkt_ctl("POST", "/_sim/schedule", "{\"merchant_id\": 789, "
                          "\"sku\": \"SKU-A\", \"market\": \"en-gb\", "
                          "\"every_ms\": 600000, \"count\": 3}", NULL), 201);
  mkt_advance(35 * 60000);
  CU_ASSERT_EQUAL(mkt_get_json("/ws/orders?state=1", &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "count"), 3);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "results.0.date_creation"),
                         "2026-03-22T12:10:00Z");
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_ctl("GET", "/_sim/listings/SKU-A", NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "quantity"), 7);
  json_object_put(o);
}

static long long mkt_examined(void)
{
  json_object *o = NULL;
  long long n = -1;
  if(mkt_ctl("GET", "/_sim/stats", NULL, &o) == 200)
    n = mkt_jint(o, "orders_examined");
  json_object_put(o);
  return n;
}

/* Reading every page of N orders and then accepting each costs about N
   order examinations in all -- not N per page and up to N per lookup, the
   quadratic cost that made a 50,000-order import three times slower per
   order than a 10,000-order one -- and what the updates changed shows in
   the next list at once. */
static void test_list_and_lookup_cost_linear(void)
{
  enum { N = 400, PAGE = 50 };
  static long long ids[N];
  json_object *o = NULL;
  char url[512], b[128];
  long long e0;
  int i, pages = 0, seen = 0;
  mkt_seed();
  mkt_listing("SKU-A", N + 10, "100.00");
  for(i = 0; i < N; i++) {
    ids[i] = mkt_short_order("SKU-A", 1, 1);
    CU_ASSERT_FATAL(ids[i] > 0);
    if(i % 50 == 49)
      mkt_advance(1000);
  }
  e0 = mkt_examined();
  CU_ASSERT_FATAL(e0 >= 0);
  snprintf(url, sizeof(url), "/ws/orders?state=1&page-size=%d", PAGE);
  while(url[0] && pages <= N / PAGE) {
    const char *next;
    CU_ASSERT_EQUAL_FATAL(mkt_get_json(url, &o), 200);
    CU_ASSERT_EQUAL(mkt_jint(o, "count"), N);
    seen += (int)json_object_array_length(json_object_object_get(o,
                                                                 "results"));
    next = mkt_jstr(o, "next");
    snprintf(url, sizeof(url), "%s", next ? next : "");
    json_object_put(o);
    o = NULL;
    pages++;
  }
  CU_ASSERT_EQUAL(seen, N);
  CU_ASSERT_EQUAL(pages, N / PAGE);
  for(i = 0; i < N; i++) {
    snprintf(b, sizeof(b), "{\"order_id\": %lld, \"new_state\": 2}", ids[i]);
    CU_ASSERT_EQUAL(mkt_update(ids[i], b, NULL), 200);
  }
  CU_ASSERT(mkt_examined() - e0 <= 3 * N);
  CU_ASSERT_EQUAL(mkt_get_json("/ws/orders?state=1", &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "count"), 0);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_get_json("/ws/orders?state=3&page-size=50&page=8",
                               &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "count"), N);
  CU_ASSERT_EQUAL(mkt_jint(o, "results.49.order_id"), ids[N - 1]);
  json_object_put(o);
}

void mkt_add_order_tests(CU_pSuite s)
{
  CU_add_test(s, "list hides states 0 and 8", test_list_hides_unpaid_and_failed);
  CU_add_test(s, "filters and date formats", test_list_filters_and_date_formats);
  CU_add_test(s, "pagination keeps filters", test_pagination_next_keeps_filters);
  CU_add_test(s, "orderline state machine", test_state_machine);
  CU_add_test(s, "multi-line order", test_multi_line_order);
  CU_add_test(s, "IMEI rules on ship", test_imei_rules_on_ship);
  CU_add_test(s, "orderline PATCH", test_orderline_patch);
  CU_add_test(s, "stock and customer actions", test_stock_and_customer_actions);
  CU_add_test(s, "scheduled customer orders", test_scheduled_customer_orders);
  CU_add_test(s, "list and lookup cost linear",
              test_list_and_lookup_cost_linear);
}
