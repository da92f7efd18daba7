/*
 * test_mk_sandbox.c -- market-sim tests for what makes it a sandbox any
 * client can use: the legacy listing id counter after explicit seeding,
 * trailing-slash item paths, HEAD, next/previous built from the scheme the
 * client came by (X-Forwarded-Proto) or public_url, the category tree
 * (GET /ws/category/tree[/{id}], its envelopes and catalog quota) and
 * GET /ws/listings_bi with its 2 calls per hour per country.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "mkt_http.h"

void mkt_add_sandbox_tests(CU_pSuite s);

static long mkt_get(const char *path, const char *lang, json_object **out)
{
  struct mkt_resp r;
  long st = mkt_ws("GET", path, lang, NULL, &r);
  if(out)
    *out = mkt_json(&r);
  mkt_resp_free(&r);
  return st;
}

static void test_listing_id_counter(void)
{
  json_object *o = NULL;
  long long bulk_id, task;
  struct mkt_resp r;
  char path[96];
  mkt_seed();
  /* the id the counter would give next, seeded explicitly */
  CU_ASSERT_EQUAL(mkt_ctl("POST", "/_sim/listings", "{\"merchant_id\": 789, "
                          "\"sku\": \"SEEDED\", \"listing_id\": 4000001, "
                          "\"product_id\": \"6d4ad966-db97-4d88-b409-"
                          "b28cc2a0f8c9\", \"quantity\": 1}", NULL), 201);
  /* and one far above it: the counter jumps past it */
  CU_ASSERT_EQUAL(mkt_ctl("POST", "/_sim/listings", "{\"merchant_id\": 789, "
                          "\"sku\": \"SEEDED-HIGH\", \"listing_id\": 4000050, "
                          "\"quantity\": 1}", NULL), 201);
  CU_ASSERT_EQUAL(mkt_ctl("POST", "/_sim/listings", "{\"merchant_id\": 789, "
                          "\"sku\": \"OTHER\", \"listing_id\": 4000001}", &o),
                  409);
  CU_ASSERT_TRUE(mkt_has(mkt_jstr(o, "error"), "SEEDED"));
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_ws("POST", "/ws/listings", NULL, "{\"catalog\": "
                         "\"sku,product_id,quantity,price\\nBULK-NEW,"
                         "6d4ad966-db97-4d88-b409-b28cc2a0f8c9,2,99.00\", "
                         "\"delimiter\": \",\", \"quotechar\": \"\\\"\", "
                         "\"encoding\": \"utf-8\"}", &r), 200);
  o = mkt_json(&r);
  task = mkt_jint(o, "bodymessage");
  json_object_put(o);
  mkt_resp_free(&r);
  mkt_advance(600000);
  snprintf(path, sizeof(path), "/ws/tasks/%lld", task);
  CU_ASSERT_EQUAL(mkt_get(path, NULL, &o), 200);
  bulk_id = mkt_jint(o, "result.product_success.BULK-NEW.listing_id");
  json_object_put(o);
  CU_ASSERT_TRUE(bulk_id > 4000050);
  /* every listing is reachable by its own legacy id */
  snprintf(path, sizeof(path), "/ws/listings/%lld", bulk_id);
  CU_ASSERT_EQUAL(mkt_get(path, NULL, &o), 200);
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "sku"), "BULK-NEW"));
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_get("/ws/listings/4000001", NULL, &o), 200);
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "sku"), "SEEDED"));
  json_object_put(o);
  /* the same for products seeded with an explicit backmarket_id */
  CU_ASSERT_EQUAL(mkt_ctl("POST", "/_sim/products", "{\"product_id\": "
                          "\"11111111-2222-4333-8444-555555555555\", "
                          "\"backmarket_id\": 3000001}", NULL), 201);
  CU_ASSERT_EQUAL(mkt_ctl("POST", "/_sim/listings", "{\"merchant_id\": 789, "
                          "\"sku\": \"AUTO-PRODUCT\"}", &o), 201);
  CU_ASSERT_NOT_EQUAL(mkt_jint(o, "backmarket_id"), 3000001);
  json_object_put(o);
}

static void test_trailing_slash_and_head(void)
{
  const char *uuid;
  long long oid;
  char path[160];
  json_object *o = NULL;
  struct mkt_resp r;
  mkt_seed();
  uuid = mkt_listing("SLASH-1", 3, "100.00");
  oid = mkt_order("SLASH-1", 1);
  snprintf(path, sizeof(path), "/ws/orders/%lld/", oid);
  CU_ASSERT_EQUAL(mkt_get(path, NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "order_id"), oid);
  json_object_put(o);
  snprintf(path, sizeof(path), "/ws/listings/%s/", uuid);
  CU_ASSERT_EQUAL(mkt_get(path, NULL, &o), 200);
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "sku"), "SLASH-1"));
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_get("/ws/listings/detail/?sku=SLASH-1", NULL, NULL),
                  200);
  mkt_ctl("POST", "/_sim/backbox", "{\"listing\": \"SLASH-1\", \"market\": "
          "\"en-gb\", \"price_to_win\": \"90.00\"}", NULL);
  snprintf(path, sizeof(path), "/ws/backbox/v1/competitors/%s/", uuid);
  CU_ASSERT_EQUAL(mkt_get(path, NULL, NULL), 200);
  CU_ASSERT_EQUAL(mkt_get("/ws/orders/", NULL, NULL), 200);
  snprintf(path, sizeof(path), "/ws/orders/%lld/", oid);
  CU_ASSERT_EQUAL(mkt_ws("POST", path, NULL, "{\"new_state\": 2}", &r), 200);
  mkt_resp_free(&r);
  /* unknown items answer the same with or without the slash */
  CU_ASSERT_EQUAL(mkt_get("/ws/orders/1/", NULL, NULL),
                  mkt_get("/ws/orders/1", NULL, NULL));
  CU_ASSERT_EQUAL(mkt_get("/ws/tasks/99/", NULL, NULL),
                  mkt_get("/ws/tasks/99", NULL, NULL));
  /* HEAD on GET resources: the GET status, no body */
  CU_ASSERT_EQUAL(mkt_ws("HEAD", "/ws/orders", NULL, NULL, &r), 200);
  CU_ASSERT_EQUAL(r.len, 0);
  mkt_resp_free(&r);
  snprintf(path, sizeof(path), "/ws/listings/%s", uuid);
  CU_ASSERT_EQUAL(mkt_ws("HEAD", path, NULL, NULL, &r), 200);
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_ws("HEAD", "/ws/listings/nope", NULL, NULL, &r), 404);
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_ctl("GET", "/_sim/log?since=0", NULL, &o), 200);
  CU_ASSERT_TRUE(mkt_has(json_object_to_json_string_ext(
                                  o, JSON_C_TO_STRING_PLAIN),
                                "\"method\":\"HEAD\""));
  json_object_put(o);
}

static void test_next_scheme(void)
{
  json_object *o = NULL;
  struct mkt_resp r;
  const char *fwd[] = {"Authorization: Basic " MKT_TOKEN, "User-Agent: " MKT_UA,
                       "X-Forwarded-Proto: https", "Host: sandbox.acme.test",
                       NULL};
  const char *plain[] = {"Authorization: Basic " MKT_TOKEN,
                         "User-Agent: " MKT_UA, NULL};
  const char *evil[] = {"Authorization: Basic " MKT_TOKEN,
                        "User-Agent: " MKT_UA,
                        "X-Forwarded-Host: evil.test/x?y", NULL};
  mkt_seed();
  mkt_listing("PAGE-1", 5, "10.00");
  mkt_order("PAGE-1", 1);
  mkt_order("PAGE-1", 1);
  CU_ASSERT_EQUAL(mkt_http("GET", "/ws/orders?page-size=1", fwd, NULL, &r),
                  200);
  o = mkt_json(&r);
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "next"), "https://sandbox.acme.test/ws/"
                         "orders?page-size=1&page=2"));
  json_object_put(o);
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_http("GET", "/ws/orders?page-size=1&page=2", plain,
                           NULL, &r), 200);
  o = mkt_json(&r);
  CU_ASSERT_TRUE(mkt_has(mkt_jstr(o, "previous"), "http://127.0.0.1:"));
  json_object_put(o);
  mkt_resp_free(&r);
  /* a forwarded host that is not a host name is not used */
  CU_ASSERT_EQUAL(mkt_http("GET", "/ws/orders?page-size=1", evil, NULL, &r),
                  200);
  o = mkt_json(&r);
  CU_ASSERT_FALSE(mkt_has(mkt_jstr(o, "next"), "evil"));
  json_object_put(o);
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_ctl("POST", "/_sim/config", "{\"public_url\": "
                          "\"https://proxy.test:8443/\"}", NULL), 200);
  CU_ASSERT_EQUAL(mkt_http("GET", "/ws/orders?page-size=1", fwd, NULL, &r),
                  200);
  o = mkt_json(&r);
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "next"), "https://proxy.test:8443/ws/"
                         "orders?page-size=1&page=2"));
  json_object_put(o);
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_ctl("POST", "/_sim/config", "{\"public_url\": "
                          "\"ftp://x\"}", NULL), 400);
  mkt_ctl("POST", "/_sim/reset", NULL, NULL);
  CU_ASSERT_EQUAL(mkt_ctl("GET", "/_sim/config", NULL, &o), 200);
  CU_ASSERT_PTR_NULL(mkt_jstr(o, "public_url"));
  json_object_put(o);
}

static void test_category_tree(void)
{
  json_object *o = NULL;
  struct mkt_resp r;
  const char *none[] = {"User-Agent: " MKT_UA, NULL};
  int i, ok = 0;
  mkt_seed();
  CU_ASSERT_EQUAL(mkt_get("/ws/category/tree", NULL, &o), 200);
  CU_ASSERT_TRUE(json_object_is_type(o, json_type_array));
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "0.category_name"), "Smartphones"));
  CU_ASSERT_EQUAL(mkt_jint(o, "0.marketplace_category_id"), -1);
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "0.childrens.0.category_name"), "iPhone"));
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "0.childrens.0.attributes.0.field"),
                         "color"));
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_get("/ws/category/tree/11", NULL, &o), 200);
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "category_name"), "Laptops"));
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "is_leaf"), "true"));
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_get("/ws/category/tree/999", NULL, &o), 404);
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "error.message"), "Category not found."));
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_get("/ws/category/tree/abc", NULL, NULL), 400);
  /* 401: ErrorResponseV2 on the tree, V1 on a branch (reference 6.2) */
  CU_ASSERT_EQUAL(mkt_http("GET", "/ws/category/tree", none, NULL, &r), 401);
  o = mkt_json(&r);
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "errors.0.code"), "unauthenticated"));
  json_object_put(o);
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_http("GET", "/ws/category/tree/2", none, NULL, &r), 401);
  o = mkt_json(&r);
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "error.code"), "unauthenticated"));
  json_object_put(o);
  mkt_resp_free(&r);
  /* the control API replaces the tree, refusing a malformed one */
  CU_ASSERT_EQUAL(mkt_ctl("POST", "/_sim/categories", "{\"tree\": [{"
                          "\"category_id\": 5, \"category_name\": \"Tablets\"}]}",
                          &o), 400);
  CU_ASSERT_TRUE(mkt_has(mkt_jstr(o, "error"), "marketplace_category_id"));
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_ctl("POST", "/_sim/categories", "{\"tree\": [{"
                          "\"category_id\": 5, \"category_name\": \"Tablets\", "
                          "\"marketplace_category_id\": 55, \"is_leaf\": true, "
                          "\"attributes\": [], \"childrens\": []}]}", NULL), 201);
  CU_ASSERT_EQUAL(mkt_get("/ws/category/tree/5", NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "marketplace_category_id"), 55);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_get("/ws/category/tree/11", NULL, NULL), 404);
  /* catalog class: 20 per 10 s */
  mkt_ctl("POST", "/_sim/config", "{\"quotas\": true}", NULL);
  for(i = 0; i < 20; i++)
    ok += mkt_get("/ws/category/tree", NULL, NULL) == 200;
  CU_ASSERT_EQUAL(ok, 20);
  CU_ASSERT_EQUAL(mkt_get("/ws/category/tree", NULL, NULL), 429);
  mkt_ctl("POST", "/_sim/reset", NULL, NULL);
  mkt_seed();
  CU_ASSERT_EQUAL(mkt_get("/ws/category/tree/11", NULL, NULL), 200);
}

static void test_listings_bi(void)
{
  json_object *o = NULL;
  struct mkt_resp r;
  mkt_seed();
  mkt_listing("BI-1", 4, "449.00");
  mkt_listing("BI-2", 0, "120.00");
  mkt_listing("BI-NONE", 1, "10.00");
  mkt_ctl("POST", "/_sim/backbox", "{\"listing\": \"BI-1\", \"market\": "
          "\"en-gb\", \"price_to_win\": \"441.50\", \"is_winning\": false}",
          NULL);
  mkt_ctl("POST", "/_sim/backbox", "{\"listing\": \"BI-2\", \"market\": "
          "\"en-gb\", \"price_to_win\": \"119.00\", \"is_winning\": true}",
          NULL);
  mkt_ctl("POST", "/_sim/config", "{\"quotas\": true}", NULL);
  CU_ASSERT_EQUAL(mkt_get("/ws/listings_bi?page-size=1", "en-gb", &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "count"), 2);
  CU_ASSERT_TRUE(mkt_has(mkt_jstr(o, "next"), "page=2"));
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "results.0.sku"), "BI-1"));
  CU_ASSERT_TRUE(json_object_is_type(json_object_object_get(
    json_object_array_get_idx(json_object_object_get(o, "results"), 0),
    "price_for_buybox"), json_type_double));
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "results.0.price_for_buybox"), "441.50"));
  CU_ASSERT_EQUAL(mkt_jint(o, "results.0.price"), 449);
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "results.0.buybox"), "false"));
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "results.0.currency"), "GBP"));
  CU_ASSERT_EQUAL(mkt_jint(o, "results.0.condition"), 12);
  CU_ASSERT_EQUAL(mkt_jint(o, "results.0.quantity"), 4);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_get("/ws/listings_bi?page=2&page-size=1", "en-gb", &o),
                  200);
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "results.0.sku"), "BI-2"));
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "results.0.same_merchant_winner"),
                         "true"));
  json_object_put(o);
  /* the third call within the hour for en-gb is refused ... */
  CU_ASSERT_EQUAL(mkt_ws("GET", "/ws/listings_bi", "en-gb", NULL, &r), 429);
  CU_ASSERT_TRUE(mkt_streq(r.ctype, "application/problem+json"));
  CU_ASSERT_TRUE(r.retry_after > 3500 && r.retry_after <= 3600);
  o = mkt_json(&r);
  CU_ASSERT_EQUAL(mkt_jint(o, "status"), 429);
  CU_ASSERT_PTR_NOT_NULL(mkt_jstr(o, "error.message"));
  json_object_put(o);
  mkt_resp_free(&r);
  /* ... another country has its own two calls ... */
  CU_ASSERT_EQUAL(mkt_get("/ws/listings_bi", "fr-fr", &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "count"), 0);
  json_object_put(o);
  /* ... and an hour later en-gb answers again */
  mkt_advance(3600000);
  CU_ASSERT_EQUAL(mkt_get("/ws/listings_bi", "en-gb", NULL), 200);
  CU_ASSERT_EQUAL(mkt_get("/ws/listings_bi", "en-us", NULL), 404);
}

void mkt_add_sandbox_tests(CU_pSuite s)
{
  CU_add_test(s, "listing id counter", test_listing_id_counter);
  CU_add_test(s, "trailing slash and HEAD", test_trailing_slash_and_head);
  CU_add_test(s, "next scheme and public_url", test_next_scheme);
  CU_add_test(s, "category tree", test_category_tree);
  CU_add_test(s, "listings_bi", test_listings_bi);
}
