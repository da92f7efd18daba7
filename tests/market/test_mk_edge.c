/*
 * test_mk_edge.c -- market-sim tests for authentication and platforms,
 * User-Agent policy, quotas on the virtual clock, injected faults, error
 * envelopes, malformed requests, the Back Market Pro API, the control API
 * (shared clock refusal, log, stats) and the traffic dump.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <curl/curl.h>

#include "mkt_http.h"

void mkt_add_edge_tests(CU_pSuite s);

static long mkt_h(const char *m, const char *path, const char *const *h,
                  const char *body, json_object **out)
{
  struct mkt_resp r;
  long st = mkt_http(m, path, h, body, &r);
  if(out)
    *out = mkt_json(&r);
  mkt_resp_free(&r);
  return st;
}

static void test_auth_and_platforms(void)
{
  json_object *o = NULL;
  const char *none[] = {"User-Agent: " MKT_UA, NULL};
  const char *bad[] = {"Authorization: Basic nope", "User-Agent: " MKT_UA,
                       NULL};
  const char *bearer[] = {"Authorization: Bearer " MKT_TOKEN, NULL};
  const char *eu_on_na[] = {"Authorization: Basic " MKT_TOKEN,
                            "Host: www.backmarket.com", "User-Agent: " MKT_UA,
                            NULL};
  const char *eu_on_eu[] = {"Authorization: Basic " MKT_TOKEN,
                            "Host: www.backmarket.fr", "User-Agent: " MKT_UA,
                            NULL};
  const char *na_on_na[] = {"Authorization: Basic tok-na",
                            "Host: na.localhost", "User-Agent: " MKT_UA,
                            NULL};
  const char *staff[] = {"Authorization: Basic tok-staff",
                         "User-Agent: " MKT_UA, NULL};
  mkt_seed();
  CU_ASSERT_EQUAL(mkt_h("GET", "/ws/orders", none, NULL, &o), 401);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "error.code"), "unauthenticated");
  CU_ASSERT_PTR_NOT_NULL(mkt_jstr(o, "error.message"));
  CU_ASSERT_PTR_NOT_NULL(mkt_jstr(o, "requestId"));
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_h("GET", "/ws/orders", bad, NULL, NULL), 401);
  CU_ASSERT_EQUAL(mkt_h("GET", "/ws/orders", bearer, NULL, NULL), 401);
  CU_ASSERT_EQUAL(mkt_h("GET", "/ws/orders", eu_on_na, NULL, NULL), 401);
  CU_ASSERT_EQUAL(mkt_h("GET", "/ws/orders", eu_on_eu, NULL, &o), 200);
  /* next URLs use the Host the client used */
  json_object_put(o);
  mkt_ctl("POST", "/_sim/tokens", "{\"token\": \"tok-na\", \"merchant_id\": "
          "789, \"platform\": \"na\"}", NULL);
  CU_ASSERT_EQUAL(mkt_h("GET", "/ws/orders", na_on_na, NULL, NULL), 200);
  mkt_ctl("POST", "/_sim/merchants", "{\"id\": 5, \"name\": \"Staff\", "
          "\"is_merchant\": false}", NULL);
  mkt_ctl("POST", "/_sim/tokens", "{\"token\": \"tok-staff\", "
          "\"merchant_id\": 5}", NULL);
  CU_ASSERT_EQUAL(mkt_h("GET", "/ws/orders", staff, NULL, &o), 403);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "error.message"),
                         "Forbidden. Authenticated user is not a merchant.");
  json_object_put(o);
}

static void test_user_agent_policy_and_log_masking(void)
{
  json_object *o = NULL;
  const char *bad_ua[] = {"Authorization: Basic " MKT_TOKEN,
                          "User-Agent: curl/8.0", NULL};
  const char *txt;
  mkt_seed();
  CU_ASSERT_EQUAL(mkt_h("GET", "/ws/orders", bad_ua, NULL, NULL), 200);
  CU_ASSERT_EQUAL(mkt_ctl("GET", "/_sim/log?since=0", NULL, &o), 200);
  CU_ASSERT_PTR_NOT_NULL(strstr(mkt_jstr(o, "entries.0.warning"),
                                "User-Agent"));
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "entries.0.headers.authorization"),
                         "Basic ***");
  txt = json_object_to_json_string(o);
  CU_ASSERT_PTR_NULL(strstr(txt, MKT_TOKEN));
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_ctl("POST", "/_sim/config", "{\"ua_refuse\": true}",
                          NULL), 200);
  CU_ASSERT_EQUAL(mkt_h("GET", "/ws/orders", bad_ua, NULL, &o), 403);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "error.code"), "invalid_user_agent");
  json_object_put(o);
  {
    struct mkt_resp r;
    CU_ASSERT_EQUAL(mkt_ws("GET", "/ws/orders", NULL, NULL, &r), 200);
    mkt_resp_free(&r);
  }
  CU_ASSERT_EQUAL(mkt_ctl("GET", "/_sim/log?since=1", NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "last_seq"), 3);
  CU_ASSERT_EQUAL(json_object_array_length(json_object_object_get(o,
                                                                  "entries")),
                  2);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_ctl("GET", "/_sim/stats", NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "requests"), 3);
  CU_ASSERT_EQUAL(mkt_jint(o, "ua_warnings"), 1);
  CU_ASSERT_EQUAL(mkt_jint(o, "endpoints.GET /ws/orders"), 3);
  json_object_put(o);
}

static void test_global_quota(void)
{
  struct mkt_resp r;
  json_object *o = NULL;
  int i, ok = 0;
  mkt_seed();
  mkt_ctl("POST", "/_sim/config", "{\"quotas\": true}", NULL);
  for(i = 0; i < 200; i++) {
    if(mkt_ws("GET", "/ws/orders", NULL, NULL, &r) == 200)
      ok++;
    mkt_resp_free(&r);
  }
  CU_ASSERT_EQUAL(ok, 200);
  CU_ASSERT_EQUAL(mkt_ws("GET", "/ws/orders", NULL, NULL, &r), 429);
  CU_ASSERT_EQUAL(r.retry_after, 10);
  o = mkt_json(&r);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "error.code"), "too_many_requests");
  json_object_put(o);
  mkt_resp_free(&r);
  mkt_advance(9000);          /* still blocked */
  CU_ASSERT_EQUAL(mkt_ws("GET", "/ws/orders", NULL, NULL, &r), 429);
  mkt_resp_free(&r);
  mkt_advance(1000);          /* block over, window moved on */
  CU_ASSERT_EQUAL(mkt_ws("GET", "/ws/orders", NULL, NULL, &r), 200);
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_ctl("GET", "/_sim/stats", NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "status_429"), 2);
  json_object_put(o);
}

static void test_catalog_and_backbox_quota(void)
{
  struct mkt_resp r;
  char path[128];
  int i, ok = 0;
  mkt_seed();
  snprintf(path, sizeof(path), "/ws/backbox/v1/competitors/%s",
           mkt_listing("SKU-A", 1, "10.00"));
  mkt_ctl("POST", "/_sim/backbox", "{\"listing\": \"SKU-A\", \"market\": "
          "\"en-gb\", \"price_to_win\": \"9.00\"}", NULL);
  mkt_ctl("POST", "/_sim/config", "{\"quotas\": true}", NULL);
  for(i = 0; i < 20; i++) {
    if(mkt_ws("GET", "/ws/listings", NULL, NULL, &r) == 200)
      ok++;
    mkt_resp_free(&r);
  }
  CU_ASSERT_EQUAL(ok, 20);
  CU_ASSERT_EQUAL(mkt_ws("GET", "/ws/listings", NULL, NULL, &r), 429);
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_ws("GET", "/ws/tasks/1", NULL, NULL, &r), 429);
  mkt_resp_free(&r);
  /* orders are not catalog endpoints */
  CU_ASSERT_EQUAL(mkt_ws("GET", "/ws/orders", NULL, NULL, &r), 200);
  mkt_resp_free(&r);
  mkt_advance(10000);
  CU_ASSERT_EQUAL(mkt_ws("GET", "/ws/listings", NULL, NULL, &r), 200);
  mkt_resp_free(&r);
  /* Back Box: 2 per second */
  CU_ASSERT_EQUAL(mkt_ws("GET", path, NULL, NULL, &r), 200);
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_ws("GET", path, NULL, NULL, &r), 200);
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_ws("GET", path, NULL, NULL, &r), 429);
  CU_ASSERT_EQUAL(r.retry_after, 1);
  mkt_resp_free(&r);
  mkt_advance(1000);
  CU_ASSERT_EQUAL(mkt_ws("GET", path, NULL, NULL, &r), 200);
  mkt_resp_free(&r);
}

static void test_sku_line_quota(void)
{
  struct mkt_resp r;
  json_object *o = NULL;
  char path[128], *csv;
  size_t cap = 1999 * 24 + 128, len;
  int i;
  mkt_seed();
  snprintf(path, sizeof(path), "/ws/listings/%s",
           mkt_listing("SKU-A", 1, "10.00"));
  mkt_ctl("POST", "/_sim/config", "{\"quotas\": true, \"catalog_limit\": "
          "100}", NULL);
  csv = malloc(cap);
  CU_ASSERT_FATAL(csv != NULL);
  len = (size_t)snprintf(csv, cap, "{\"catalog\": \"sku,quantity\\n");
  for(i = 0; i < 1999; i++)
    len += (size_t)snprintf(csv + len, cap - len, "S%d,1\\n", i);
  snprintf(csv + len, cap - len, "\"}");
  CU_ASSERT_EQUAL(mkt_ws("POST", "/ws/listings", NULL, csv, &r), 200);
  mkt_resp_free(&r);
  free(csv);
  CU_ASSERT_EQUAL(mkt_ws("POST", path, NULL, "{\"quantity\": 2}", &r), 200);
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_ws("POST", path, NULL, "{\"quantity\": 3}", &r), 429);
  o = mkt_json(&r);
  CU_ASSERT_PTR_NOT_NULL(strstr(mkt_jstr(o, "error.message"), "SKU line"));
  CU_ASSERT(r.retry_after > 0 && r.retry_after <= 3600);
  json_object_put(o);
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_ctl("GET", "/_sim/listings/SKU-A", NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "quantity"), 2);   /* the refused one lost */
  json_object_put(o);
  mkt_advance(3600000);
  CU_ASSERT_EQUAL(mkt_ws("POST", path, NULL, "{\"quantity\": 3}", &r), 200);
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_ctl("GET", "/_sim/stats", NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "sku_lines_accepted"), 2001);
  json_object_put(o);
}

static void test_faults(void)
{
  struct mkt_resp r;
  json_object *o = NULL;
  mkt_seed();
  CU_ASSERT_EQUAL(mkt_ctl("POST", "/_sim/faults", "{\"path\": \"/ws/orders\", "
                          "\"method\": \"GET\", \"kind\": \"status\", "
                          "\"status\": 503, \"count\": 2}", NULL), 201);
  CU_ASSERT_EQUAL(mkt_ws("POST", "/ws/orders/1", NULL, "{}", &r), 404);
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_ws("GET", "/ws/orders", NULL, NULL, &r), 503);
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_ws("GET", "/ws/orders", NULL, NULL, &r), 503);
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_ws("GET", "/ws/orders", NULL, NULL, &r), 200);
  mkt_resp_free(&r);
  mkt_ctl("POST", "/_sim/faults", "{\"path\": \"/ws/\", \"kind\": \"status\", "
          "\"status\": 429, \"retry_after\": 7}", NULL);
  CU_ASSERT_EQUAL(mkt_ws("GET", "/ws/listings", NULL, NULL, &r), 429);
  CU_ASSERT_EQUAL(r.retry_after, 7);
  mkt_resp_free(&r);
  mkt_ctl("POST", "/_sim/faults", "{\"path\": \"/ws/orders\", \"kind\": "
          "\"drop\"}", NULL);
  CU_ASSERT_EQUAL(mkt_ws("GET", "/ws/orders", NULL, NULL, &r), 0);
  CU_ASSERT_EQUAL(r.curl_rc, CURLE_PARTIAL_FILE);
  mkt_resp_free(&r);
  mkt_ctl("POST", "/_sim/faults", "{\"path\": \"/ws/orders\", \"kind\": "
          "\"malformed\"}", NULL);
  CU_ASSERT_EQUAL(mkt_ws("GET", "/ws/orders", NULL, NULL, &r), 200);
  o = mkt_json(&r);
  CU_ASSERT_PTR_NULL(o);
  json_object_put(o);
  mkt_resp_free(&r);
  mkt_ctl("POST", "/_sim/faults", "{\"path\": \"/ws/\", \"kind\": "
          "\"cloudflare\"}", NULL);
  CU_ASSERT_EQUAL(mkt_ws("GET", "/ws/orders", NULL, NULL, &r), 403);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.ctype, "text/html"));
  CU_ASSERT_STRING_EQUAL(r.server, "cloudflare");
  CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "Cloudflare"));
  mkt_resp_free(&r);
  mkt_ctl("POST", "/_sim/faults", "{\"path\": \"/ws/\", \"kind\": "
          "\"bot_json\"}", NULL);
  CU_ASSERT_EQUAL(mkt_ws("GET", "/ws/orders", NULL, NULL, &r), 403);
  o = mkt_json(&r);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "errors.0.code"), "bot-need-challenge");
  json_object_put(o);
  mkt_resp_free(&r);
  mkt_ctl("POST", "/_sim/faults", "{\"path\": \"/ws/orders\", \"kind\": "
          "\"oversized\", \"size\": 3145728}", NULL);
  CU_ASSERT_EQUAL(mkt_ws("GET", "/ws/orders", NULL, NULL, &r), 200);
  CU_ASSERT_EQUAL(r.len, 3145728);
  mkt_resp_free(&r);
  mkt_ctl("POST", "/_sim/faults", "{\"path\": \"/ws/orders\", \"kind\": "
          "\"delay\", \"delay_ms\": 30}", NULL);
  CU_ASSERT_EQUAL(mkt_ws("GET", "/ws/orders", NULL, NULL, &r), 200);
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_ctl("GET", "/_sim/faults", NULL, &o), 200);
  CU_ASSERT_EQUAL(json_object_array_length(json_object_object_get(o,
                                                                  "faults")),
                  0);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_ctl("GET", "/_sim/stats", NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "faults_fired"), 9);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_ctl("POST", "/_sim/faults", "{\"path\": \"/ws/\", "
                          "\"kind\": \"explode\"}", NULL), 400);
  CU_ASSERT_EQUAL(mkt_ctl("POST", "/_sim/faults", "{\"path\": \"/ws/\", "
                          "\"kind\": \"status\"}", NULL), 400);
}

static void test_malformed_requests_never_crash(void)
{
  struct mkt_resp r;
  char *huge;
  size_t n = 17u * 1024u * 1024u;
  long long id;
  char path[64];
  static const char *bodies[] = {"{bad", "[]", "\"str\"", "{\"new_state\": "
                                 "null}", "{\"new_state\": 2, \"sku\": 5}",
                                 "{\"new_state\": 3, \"tracking_number\": "
                                 "[]}", "{\"new_state\": 1e400}", "",
                                 "{\"a\":{\"b\":{\"c\":[[[[[[]]]]]]}}}"};
  size_t i;
  mkt_seed();
  mkt_listing("SKU-A", 5, "10.00");
  id = mkt_order("SKU-A", 1);
  snprintf(path, sizeof(path), "/ws/orders/%lld", id);
  for(i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
    CU_ASSERT_EQUAL(mkt_ws("POST", path, NULL, bodies[i], &r), 400);
    mkt_resp_free(&r);
  }
  CU_ASSERT_EQUAL(mkt_ws("GET", "/ws/nowhere", NULL, NULL, &r), 404);
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_ws("GET", "/elsewhere", NULL, NULL, &r), 404);
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_ws("GET", "/ws/orders/abc", NULL, NULL, &r), 400);
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_ws("DELETE", "/ws/orders", NULL, NULL, &r), 405);
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_ws("GET", "/ws/orders?page-size=-5&page=x", NULL, NULL,
                         &r), 400);
  mkt_resp_free(&r);
  huge = malloc(n + 1);
  CU_ASSERT_FATAL(huge != NULL);
  memset(huge, 'a', n);
  huge[n] = '\0';
  CU_ASSERT_EQUAL(mkt_ws("POST", "/ws/listings", NULL, huge, &r), 413);
  mkt_resp_free(&r);
  free(huge);
  CU_ASSERT_EQUAL(mkt_ctl("POST", "/_sim/orders", "{bad", NULL), 400);
  CU_ASSERT_EQUAL(mkt_ctl("POST", "/_sim/orders", "{\"merchant_id\": "
                          "\"x\"}", NULL), 400);
  CU_ASSERT_EQUAL(mkt_ctl("GET", "/_sim/nothing", NULL, NULL), 404);
  /* the order was not touched by any of it, and the sim still answers */
  CU_ASSERT_EQUAL(mkt_ws("GET", path, NULL, NULL, &r), 200);
  {
    json_object *o = mkt_json(&r);
    CU_ASSERT_EQUAL(mkt_jint(o, "orderlines.0.state"), 1);
    json_object_put(o);
  }
  mkt_resp_free(&r);
}

static void test_pro_api(void)
{
  json_object *o = NULL;
  const char *key[] = {"x-api-key: pro-key-1", NULL};
  const char *nokey[] = {"x-api-key: wrong", NULL};
  const char *next;
  int i;
  mkt_seed();
  mkt_ctl("POST", "/_sim/pro/keys", "{\"key\": \"pro-key-1\", \"seller_id\": "
          "\"SELLER-1\", \"seller_name\": \"Acme Refurb\"}", NULL);
  CU_ASSERT_EQUAL(mkt_h("GET", "/sellers-prod/2024-03/status", nokey, NULL, &o),
                  401);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "error.code"), "invalid_api_key");
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_h("GET", "/sellers-prod/2024-03/status", key, NULL, &o),
                  200);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "seller.name"), "Acme Refurb");
  json_object_put(o);
  for(i = 0; i < 3; i++)
    CU_ASSERT_EQUAL(mkt_ctl("POST", "/_sim/pro/orders", "{\"seller_id\": "
                            "\"SELLER-1\", \"shipping_total\": \"10.00\", "
                            "\"lines\": [{\"sku\": \"SKU-A\", \"title\": "
                            "\"Laptop\", \"quantity\": 2, \"unit_price\": "
                            "\"100.00\", \"tax_rate\": \"20\"}]}", NULL), 201);
  mkt_ctl("POST", "/_sim/pro/orders/PRO-100003/cancel", NULL, NULL);
  CU_ASSERT_EQUAL(mkt_h("GET", "/sellers-prod/2024-03/orders?"
                        "fulfillment_status=unfulfilled&page-size=1", key,
                        NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "total"), 3);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "items.0.id"), "PRO-100001");
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "items.0.total"), "250.00");
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "items.0.tax_total"), "40.00");
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "items.0.lines.0.total_price"), "200.00");
  next = mkt_jstr(o, "links.next");
  CU_ASSERT_PTR_NOT_NULL(next);
  if(next) {
    CU_ASSERT_PTR_NOT_NULL(strstr(next, "fulfillment_status=unfulfilled"));
    CU_ASSERT_PTR_NOT_NULL(strstr(next, "page=2"));
  }
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_h("GET", "/sellers-prod/2024-03/orders?page-size=500",
                        key, NULL, NULL), 400);
  CU_ASSERT_EQUAL(mkt_h("POST", "/sellers-prod/2024-03/orders/PRO-100001/"
                        "shipments", key, "{\"carrier\": \"UPS\"}", NULL), 400);
  CU_ASSERT_EQUAL(mkt_h("POST", "/sellers-prod/2024-03/orders/PRO-100001/"
                        "shipments", key, "{\"tracking_number\": \"1Z9\", "
                        "\"carrier\": \"UPS\"}", &o), 201);
  CU_ASSERT_STRING_EQUAL(mkt_jstr(o, "fulfillment_status"), "fulfilled");
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_h("POST", "/sellers-prod/2024-03/orders/PRO-100001/"
                        "shipments", key, "{\"tracking_number\": \"1Z9\", "
                        "\"carrier\": \"UPS\"}", NULL), 409);
  CU_ASSERT_EQUAL(mkt_h("POST", "/sellers-prod/2024-03/orders/PRO-100003/"
                        "shipments", key, "{\"tracking_number\": \"1Z9\", "
                        "\"carrier\": \"UPS\"}", NULL), 422);
  CU_ASSERT_EQUAL(mkt_h("GET", "/sellers-prod/2024-03/orders/PRO-999", key,
                        NULL, NULL), 404);
  CU_ASSERT_EQUAL(mkt_h("GET", "/sellers-prod/2024-03/orders?"
                        "fulfillment_status=fulfilled", key, NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "total"), 1);
  json_object_put(o);
  /* 10 requests per second per key */
  mkt_ctl("POST", "/_sim/config", "{\"quotas\": true}", NULL);
  {
    struct mkt_resp r;
    int ok = 0;
    for(i = 0; i < 10; i++) {
      if(mkt_http("GET", "/sellers-prod/2024-03/status", key, NULL, &r) == 200)
        ok++;
      mkt_resp_free(&r);
    }
    CU_ASSERT_EQUAL(ok, 10);
    CU_ASSERT_EQUAL(mkt_http("GET", "/sellers-prod/2024-03/status", key, NULL,
                             &r), 429);
    CU_ASSERT_EQUAL(r.retry_after, 1);
    mkt_resp_free(&r);
  }
}

static int64_t mkt_fixed_clock(void *ud)
{
  return *(int64_t *)ud;
}

static void test_shared_clock_and_traffic_dump(void)
{
  struct mk_sim_opts opts;
  struct mk_sim *s2 = NULL, *saved = mkt_sim;
  int64_t now = 1774200000000LL;
  char err[256], path[128], line[4096];
  int st = 0;
  char *resp = NULL;
  FILE *f;
  struct mkt_resp r;
  snprintf(path, sizeof(path), "/tmp/mkt-dump-%ld.jsonl", (long)getpid());
  remove(path);
  memset(&opts, 0, sizeof(opts));
  opts.now_ms = mkt_fixed_clock;
  opts.now_ud = &now;
  CU_ASSERT_FATAL(setenv("BMC_SIM_TRAFFIC_DUMP", path, 1) == 0);
  CU_ASSERT_FATAL(mk_sim_start(&opts, &s2, err, sizeof(err)) == 0);
  unsetenv("BMC_SIM_TRAFFIC_DUMP");
  CU_ASSERT_EQUAL(mk_sim_control(s2, "POST", "/_sim/clock",
                                 "{\"advance_ms\": 5}", &st, &resp), 0);
  CU_ASSERT_EQUAL(st, 409);
  CU_ASSERT_PTR_NOT_NULL(strstr(resp, "shared"));
  free(resp);
  CU_ASSERT_EQUAL(mk_sim_control(s2, "GET", "/_sim/clock", NULL, &st, &resp),
                  0);
  CU_ASSERT_PTR_NOT_NULL(strstr(resp, "1774200000000"));
  free(resp);
  mkt_sim = s2;
  mkt_seed();
  CU_ASSERT_EQUAL(mkt_ws("GET", "/ws/orders?state=1", NULL, NULL, &r), 200);
  mkt_resp_free(&r);
  mkt_sim = saved;
  mk_sim_stop(s2);
  f = fopen(path, "r");
  CU_ASSERT_FATAL(f != NULL);
  CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof(line), f));
  fclose(f);
  remove(path);
  CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"path\":\"/ws/orders\""));
  CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"query\":\"state=1\""));
  CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"status\":200"));
  CU_ASSERT_PTR_NULL(strstr(line, MKT_TOKEN));
}

void mkt_add_edge_tests(CU_pSuite s)
{
  CU_add_test(s, "auth and platforms", test_auth_and_platforms);
  CU_add_test(s, "user agent policy, log masking",
              test_user_agent_policy_and_log_masking);
  CU_add_test(s, "global quota", test_global_quota);
  CU_add_test(s, "catalog and backbox quota", test_catalog_and_backbox_quota);
  CU_add_test(s, "SKU line quota", test_sku_line_quota);
  CU_add_test(s, "faults", test_faults);
  CU_add_test(s, "malformed requests", test_malformed_requests_never_crash);
  CU_add_test(s, "Back Market Pro API", test_pro_api);
  CU_add_test(s, "shared clock and traffic dump",
              test_shared_clock_and_traffic_dump);
}
