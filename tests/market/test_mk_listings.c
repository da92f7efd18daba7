/*
 * test_mk_listings.c -- market-sim listing tests over real HTTP: list
 * filters, lookup by UUID / legacy id / SKU, per-market prices and
 * currency, publication state, single updates, bulk CSV tasks on the
 * virtual clock, and Back Box competitors.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "mkt_http.h"

void mkt_add_listing_tests(CU_pSuite s);

static long mkt_call(const char *m, const char *path, const char *lang,
                     const char *body, json_object **out)
{
  struct mkt_resp r;
  long st = mkt_ws(m, path, lang, body, &r);
  if(out)
    *out = mkt_json(&r);
  mkt_resp_free(&r);
  return st;
}

static void test_listing_list_and_filters(void)
{
  json_object *o = NULL;
  mkt_seed();
  mkt_listing("SKU-A", 0, "100.00");
  mkt_listing("SKU-B", 4, "200.00");
  mkt_listing("SKU-C", 9, "300.00");
  CU_ASSERT_EQUAL(mkt_call("GET", "/ws/listings", NULL, NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "count"), 3);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "results.0.sku"), "SKU-A");
  CU_ASSERT_EQUAL(mkt_jint(o, "results.0.publication_state"), 3);
  CU_ASSERT_EQUAL(mkt_jint(o, "results.1.publication_state"), 2);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "results.1.price"), "200.00");
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "results.1.grade"), "FAIR");
  CU_ASSERT_EQUAL(mkt_jint(o, "results.1.state"), 3);
  /* production shape: max_price is a JSON number */
  CU_ASSERT(json_object_is_type(json_object_object_get(
    json_object_array_get_idx(json_object_object_get(o, "results"), 1),
    "max_price"), json_type_int));
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_call("GET", "/ws/listings?publication_state=2", NULL,
                           NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "count"), 2);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_call("GET", "/ws/listings?min_quantity=1&max_quantity=5"
                           "&page-size=1", NULL, NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "count"), 1);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "results.0.sku"), "SKU-B");
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_call("GET", "/ws/listings?page-size=2&page=2", NULL,
                           NULL, &o), 200);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "results.0.sku"), "SKU-C");
  CU_ASSERT_PTR_NOT_NULL(strstr(mkt_jstr(o, "previous"), "page=1"));
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_call("GET", "/ws/listings?publication_state=7", NULL,
                           NULL, &o), 400);
  json_object_put(o);
}

static void test_listing_lookup(void)
{
  json_object *o = NULL;
  char path[128], uuid[64];
  long long lid;
  mkt_seed();
  snprintf(uuid, sizeof(uuid), "%s", mkt_listing("SKU-A", 2, "100.00"));
  snprintf(path, sizeof(path), "/ws/listings/%s", uuid);
  CU_ASSERT_EQUAL(mkt_call("GET", path, NULL, NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "statuscode"), 200);
  lid = mkt_jint(o, "listing_id");
  json_object_put(o);
  snprintf(path, sizeof(path), "/ws/listings/%lld", lid);
  CU_ASSERT_EQUAL(mkt_call("GET", path, NULL, NULL, &o), 200);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "id"), uuid);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_call("GET", "/ws/listings/detail?sku=sku-a", NULL, NULL,
                           &o), 200);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "id"), uuid);
  json_object_put(o);
  snprintf(path, sizeof(path), "/ws/listings/detail?listing_id=%lld", lid);
  CU_ASSERT_EQUAL(mkt_call("GET", path, NULL, NULL, NULL), 200);
  snprintf(path, sizeof(path), "/ws/listings/detail?id=%s", uuid);
  CU_ASSERT_EQUAL(mkt_call("GET", path, NULL, NULL, NULL), 200);
  CU_ASSERT_EQUAL(mkt_call("GET", "/ws/listings/detail", NULL, NULL, NULL),
                  400);
  CU_ASSERT_EQUAL(mkt_call("GET", "/ws/listings/detail?sku=NOPE", NULL, NULL,
                           &o), 404);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "error.code"), "not_found");
  CU_ASSERT_PTR_NOT_NULL(mkt_jstr(o, "requestId"));
  json_object_put(o);
  snprintf(path, sizeof(path), "/ws/listings/%s", uuid);
  CU_ASSERT_EQUAL(mkt_call("PATCH", path, NULL, "{\"quantity\": 1}", NULL),
                  405);
  /* another merchant's listing is invisible */
  mkt_ctl("POST", "/_sim/merchants", "{\"id\": 790}", NULL);
  mkt_ctl("POST", "/_sim/listings", "{\"merchant_id\": 790, \"sku\": "
          "\"OTHER\"}", NULL);
  CU_ASSERT_EQUAL(mkt_call("GET", "/ws/listings/detail?sku=OTHER", NULL, NULL,
                           NULL), 404);
}

static void test_market_prices_and_currency(void)
{
  json_object *o = NULL;
  char path[128];
  mkt_seed();
  snprintf(path, sizeof(path), "/ws/listings/%s",
           mkt_listing("SKU-A", 2, "100.00"));
  CU_ASSERT_EQUAL(mkt_call("GET", path, "fr-fr", NULL, &o), 200);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "price"), "500.00");
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "currency"), "EUR");
  json_object_put(o);
  /* update the en-gb price: fr-fr keeps its own; quantity is global */
  CU_ASSERT_EQUAL(mkt_call("POST", path, "en-gb", "{\"price\": \"439.00\", "
                           "\"min_price\": 420, \"quantity\": \"5\", "
                           "\"currency\": \"GBP\", \"comment\": \"Mint\", "
                           "\"shipper_1\": \"Royal Mail\", "
                           "\"shipping_price_1\": \"0.00\", "
                           "\"shipping_delay_1\": 24, \"pub_state\": 2}", &o),
                  200);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "price"), "439.00");
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "min_price"), "420.00");
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "shippings.0.shipper"), "Royal Mail");
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "shippings_response.0"),
                         "Shipping method 1 (Royal Mail) updated");
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_call("GET", path, "fr-fr", NULL, &o), 200);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "price"), "500.00");
  CU_ASSERT_EQUAL(mkt_jint(o, "quantity"), 5);
  json_object_put(o);
  /* wrong currency for the market: 400 with a bare JSON string */
  CU_ASSERT_EQUAL(mkt_call("POST", path, "fr-fr", "{\"price\": \"1.00\", "
                           "\"currency\": \"GBP\"}", &o), 400);
  CU_ASSERT(json_object_is_type(o, json_type_string));
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_call("GET", path, "fr-fr", NULL, &o), 200);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "price"), "500.00");
  json_object_put(o);
  /* a language list picks its first market */
  CU_ASSERT_EQUAL(mkt_call("GET", path, "fr-fr,fr;q=0.9", NULL, &o), 200);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "currency"), "EUR");
  json_object_put(o);
  /* a market of another platform */
  CU_ASSERT_EQUAL(mkt_call("GET", path, "en-us", NULL, NULL), 400);
  /* validation */
  CU_ASSERT_EQUAL(mkt_call("POST", path, NULL, "{\"warranty_delay\": 6}",
                           NULL), 400);
  CU_ASSERT_EQUAL(mkt_call("POST", path, NULL, "{\"quantity\": -1}", NULL),
                  400);
  CU_ASSERT_EQUAL(mkt_call("POST", path, NULL, "{\"price\": \"abc\"}", NULL),
                  400);
  CU_ASSERT_EQUAL(mkt_call("POST", path, NULL, "{\"price\": [1]}", NULL), 400);
  CU_ASSERT_EQUAL(mkt_call("POST", path, NULL, "not json", NULL), 400);
}

static void test_publication_state_rules(void)
{
  json_object *o = NULL;
  char path[128];
  mkt_seed();
  snprintf(path, sizeof(path), "/ws/listings/%s",
           mkt_listing("SKU-A", 2, "100.00"));
  CU_ASSERT_EQUAL(mkt_call("POST", path, NULL, "{\"quantity\": 0}", &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "publication_state"), 3);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_call("POST", path, NULL, "{\"quantity\": 1}", &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "publication_state"), 2);
  json_object_put(o);
  /* above max_price (900.00): stays offline */
  CU_ASSERT_EQUAL(mkt_call("POST", path, NULL, "{\"price\": 950}", &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "publication_state"), 3);
  json_object_put(o);
  /* a market without a price: 0 (missing price) */
  CU_ASSERT_EQUAL(mkt_call("GET", path, "de-de", NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "publication_state"), 0);
  CU_ASSERT_STRING_EQUAL(json_object_get_string(
                           json_object_object_get(o, "price")), "0.00");
  json_object_put(o);
}

static char *mkt_csv_body(int rows)
{
  size_t cap = (size_t)rows * 40 + 256, len;
  char *b = malloc(cap);
  int i;
  if(!b)
    return NULL;
  len = (size_t)snprintf(b, cap, "{\"catalog\": \"sku,quantity,price\\n");
  for(i = 0; i < rows; i++)
    len += (size_t)snprintf(b + len, cap - len, "BULK-%d,1,10.00\\n", i);
  snprintf(b + len, cap - len, "\", \"delimiter\": \",\", \"quotechar\": "
           "\"\\\"\", \"encoding\": \"utf-8\", \"header\": true}");
  return b;
}

static void test_bulk_upload_task(void)
{
  json_object *o = NULL, *p = NULL;
  char body[2048], path[64];
  long long task;
  const char *pid;
  mkt_seed();
  mkt_listing("SKU-A", 2, "100.00");
  mkt_ctl("GET", "/_sim/listings/SKU-A", NULL, &p);
  pid = mkt_jstr(p, "product_id");
  CU_ASSERT_EQUAL(mkt_ctl("POST", "/_sim/config", "{\"task_delay_ms\": "
                          "60000}", NULL), 200);
  snprintf(body, sizeof(body), "{\"catalog\": \"sku;product_id;quantity;"
           "price;grade;warranty_delay;currency\\r\\n"
           "NEW-1;%s;3;99.50;GOOD;12;GBP\\r\\n"
           "NEW-2;%s;3;99.50;SHINY;12;GBP\\r\\n"
           "NEW-3;00000000-0000-4000-8000-000000000000;1;10;GOOD;12;GBP\\r\\n"
           "NEW-4;%s;1;-5;GOOD;12;GBP\\r\\n"
           "NEW-5;%s;1;10;GOOD;6;GBP\\r\\n"
           "\\\"SKU-A\\\";;7;;;;\\r\\n\", \"delimiter\": \";\", "
           "\"quotechar\": \"\\\"\", \"encoding\": \"latin1\"}",
           pid, pid, pid, pid);
  json_object_put(p);
  CU_ASSERT_EQUAL(mkt_call("POST", "/ws/listings", NULL, body, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "statuscode"), 200);
  task = mkt_jint(o, "bodymessage");
  json_object_put(o);
  snprintf(path, sizeof(path), "/ws/tasks/%lld", task);
  CU_ASSERT_EQUAL(mkt_call("GET", path, NULL, NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "action_status"), 0);
  json_object_put(o);
  mkt_advance(30000);
  CU_ASSERT_EQUAL(mkt_call("GET", path, NULL, NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "action_status"), 2);
  json_object_put(o);
  /* nothing applied before the task completes */
  CU_ASSERT_EQUAL(mkt_call("GET", "/ws/listings/detail?sku=NEW-1", NULL, NULL,
                           NULL), 404);
  mkt_advance(30000);
  CU_ASSERT_EQUAL(mkt_call("GET", path, NULL, NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "action_status"), 9);
  CU_ASSERT_PTR_NOT_NULL(mkt_jstr(o, "result.product_success.NEW-1.listing_id"));
  CU_ASSERT_EQUAL(mkt_jint(o, "result.product_success.NEW-1.publication_state"),
                  2);
  CU_ASSERT_PTR_NOT_NULL(mkt_jstr(o, "result.product_success.SKU-A.sku"));
  CU_ASSERT_PTR_NOT_NULL(strstr(mkt_jstr(o, "result.product_errors.NEW-2.errors.0"),
                                "grade"));
  CU_ASSERT_PTR_NOT_NULL(strstr(mkt_jstr(o, "result.product_errors.NEW-3.errors.0"),
                                "Unknown product"));
  CU_ASSERT_PTR_NOT_NULL(strstr(mkt_jstr(o, "result.product_errors.NEW-4.errors.0"),
                                "price"));
  CU_ASSERT_PTR_NOT_NULL(strstr(mkt_jstr(o, "result.product_errors.NEW-5.errors.0"),
                                "warranty"));
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_call("GET", "/ws/listings/detail?sku=NEW-1", NULL, NULL,
                           &o), 200);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "price"), "99.50");
  CU_ASSERT_EQUAL(mkt_jint(o, "quantity"), 3);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_call("GET", "/ws/listings/detail?sku=SKU-A", NULL, NULL,
                           &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "quantity"), 7);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "price"), "100.00");
  json_object_put(o);
  /* a failing task: 8 with last_action_error */
  mkt_ctl("POST", "/_sim/config", "{\"task_fail_next\": 1}", NULL);
  CU_ASSERT_EQUAL(mkt_call("POST", "/ws/listings", NULL, "{\"catalog\": "
                           "\"sku,quantity\\nSKU-A,1\"}", &o), 200);
  snprintf(path, sizeof(path), "/ws/tasks/%lld", mkt_jint(o, "bodymessage"));
  json_object_put(o);
  mkt_advance(60000);
  CU_ASSERT_EQUAL(mkt_call("GET", path, NULL, NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "action_status"), 8);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "last_action_error"),
                         "Task has been interrupted.");
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_call("GET", "/ws/tasks/1", NULL, NULL, NULL), 404);
  CU_ASSERT_EQUAL(mkt_call("GET", "/ws/tasks/abc", NULL, NULL, NULL), 400);
}

static void test_bulk_errors(void)
{
  json_object *o = NULL;
  char *big;
  mkt_seed();
  CU_ASSERT_EQUAL(mkt_call("POST", "/ws/listings", NULL, "{\"delimiter\": "
                           "\",\"}", &o), 400);
  CU_ASSERT(json_object_is_type(o, json_type_string));
  CU_ASSERT_STRING_EQUAL(json_object_get_string(o),
                         "parameter catalog not found");
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_call("POST", "/ws/listings", NULL, "{\"catalog\": 5}",
                           NULL), 400);
  CU_ASSERT_EQUAL(mkt_call("POST", "/ws/listings", NULL, "{\"catalog\": "
                           "\"sku\\nA\", \"delimiter\": \";;\"}", NULL), 400);
  big = mkt_csv_body(15001);
  CU_ASSERT_FATAL(big != NULL);
  CU_ASSERT_EQUAL(mkt_call("POST", "/ws/listings", NULL, big, &o), 400);
  CU_ASSERT_STRING_EQUAL(json_object_get_string(o),
                         "catalog exceeds 15000 lines");
  json_object_put(o);
  free(big);
  big = mkt_csv_body(15000);
  CU_ASSERT_EQUAL(mkt_call("POST", "/ws/listings", NULL, big, NULL), 200);
  free(big);
}

static void test_backbox(void)
{
  json_object *o = NULL;
  char path[128], uuid[64];
  long long lid;
  mkt_seed();
  snprintf(uuid, sizeof(uuid), "%s", mkt_listing("SKU-A", 2, "489.00"));
  snprintf(path, sizeof(path), "/ws/backbox/v1/competitors/%s", uuid);
  {
    struct mkt_resp r;
    CU_ASSERT_EQUAL(mkt_ws("GET", path, NULL, NULL, &r), 404);
    CU_ASSERT_STRING_EQUAL(r.ctype, "application/problem+json");
    o = mkt_json(&r);
    CU_ASSERT_EQUAL(mkt_jint(o, "status"), 404);
    CU_ASSERT_PTR_NOT_NULL(mkt_jstr(o, "detail"));
    json_object_put(o);
    mkt_resp_free(&r);
  }
  CU_ASSERT_EQUAL(mkt_ctl("POST", "/_sim/backbox", "{\"listing\": \"SKU-A\", "
                          "\"market\": \"en-gb\", \"price_to_win\": "
                          "\"471.00\", \"winner_price\": \"472.00\", "
                          "\"min_price\": \"450.00\"}", NULL), 201);
  CU_ASSERT_EQUAL(mkt_call("GET", path, NULL, NULL, &o), 200);
  CU_ASSERT(json_object_is_type(o, json_type_array));
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "0.listing_id"), uuid);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "0.price.amount"), "489.00");
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "0.price_to_win.amount"), "471.00");
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "0.price_to_win.currency"), "GBP");
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "0.market"), "GB");
  CU_ASSERT_EQUAL(json_object_get_boolean(json_object_object_get(
    json_object_array_get_idx(o, 0), "is_winning")), 0);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_call("GET", "/_sim/listings/SKU-A", NULL, NULL, &o), 200);
  lid = mkt_jint(o, "listing_id");
  json_object_put(o);
  snprintf(path, sizeof(path), "/ws/backbox/v1/competitors/%lld", lid);
  CU_ASSERT_EQUAL(mkt_call("GET", path, NULL, NULL, &o), 422);
  CU_ASSERT_EQUAL(mkt_jint(o, "status"), 422);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_call("GET", "/ws/backbox/v1/competitors/"
                           "00000000-0000-4000-8000-000000000000", NULL, NULL,
                           NULL), 404);
}

void mkt_add_listing_tests(CU_pSuite s)
{
  CU_add_test(s, "listing list and filters", test_listing_list_and_filters);
  CU_add_test(s, "listing lookup", test_listing_lookup);
  CU_add_test(s, "market prices and currency", test_market_prices_and_currency);
  CU_add_test(s, "publication state rules", test_publication_state_rules);
  CU_add_test(s, "bulk upload task", test_bulk_upload_task);
  CU_add_test(s, "bulk errors", test_bulk_errors);
  CU_add_test(s, "backbox", test_backbox);
}
