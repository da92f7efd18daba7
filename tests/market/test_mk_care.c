/*
 * test_mk_care.c -- market-sim tests of the Care API (/ws/sav): folder
 * list with its own paging and filters, detail, messages (multipart, with
 * attachments; reopening a closed folder), problems and item transfers
 * with the spec's rules, refunds (types 4, 5, 6, text/plain 201, order
 * state), and every Care endpoint's documented per-token limits.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "mkt_http.h"

void mkt_add_care_tests(CU_pSuite s);

#define MKT_BOUNDARY "sim-boundary-7MA4YWxkTrZu0gW"

/* A multipart body: text fields k=v (NULL-terminated pairs) and nfiles
   attachments of fsize bytes.  malloc'd. */
static char *mkt_multipart(const char *const *fields, int nfiles, size_t fsize,
                           size_t *len)
{
  size_t cap = 4096 + (size_t)nfiles * (fsize + 256), n = 0;
  char *b = malloc(cap);
  int i;
  if(!b)
    return NULL;
  for(i = 0; fields && fields[i]; i += 2)
    n += (size_t)snprintf(b + n, cap - n, "--" MKT_BOUNDARY "\r\nContent-"
                          "Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n",
                          fields[i], fields[i + 1]);
  for(i = 0; i < nfiles; i++) {
    n += (size_t)snprintf(b + n, cap - n, "--" MKT_BOUNDARY "\r\nContent-"
                          "Disposition: form-data; name=\"attachment\"; "
                          "filename=\"photo%d.jpg\"\r\nContent-Type: "
                          "image/jpeg\r\n\r\n", i + 1);
    memset(b + n, 'j', fsize);
    n += fsize;
    n += (size_t)snprintf(b + n, cap - n, "\r\n");
  }
  n += (size_t)snprintf(b + n, cap - n, "--" MKT_BOUNDARY "--\r\n");
  *len = n;
  return b;
}

static long mkt_form(const char *path, const char *const *fields, int nfiles,
                     size_t fsize, json_object **out)
{
  const char *h[] = {"Authorization: Basic " MKT_TOKEN, "User-Agent: " MKT_UA,
                     "Content-Type: multipart/form-data; boundary="
                     MKT_BOUNDARY, NULL};
  size_t len;
  char *body = mkt_multipart(fields, nfiles, fsize, &len);
  struct mkt_resp r;
  long st;
  if(!body)
    return -1;
  st = mkt_http("POST", path, h, body, &r);
  if(out)
    *out = mkt_json(&r);
  mkt_resp_free(&r);
  free(body);
  return st;
}

static long mkt_get(const char *path, json_object **out)
{
  struct mkt_resp r;
  long st = mkt_ws("GET", path, NULL, NULL, &r);
  if(out)
    *out = mkt_json(&r);
  mkt_resp_free(&r);
  return st;
}

/* A paid order for sku and a care folder on its line; returns the folder id
   (and the orderline id in *line). */
static long long mkt_folder(const char *sku, const char *extra, long long *line)
{
  char body[512];
  json_object *o = NULL;
  long long oid = mkt_order(sku, 1), id = -1, lid;
  snprintf(body, sizeof(body), "/_sim/orders/%lld", oid);
  mkt_ctl("GET", body, NULL, &o);
  lid = mkt_jint(o, "orderlines.0.id");
  json_object_put(o);
  snprintf(body, sizeof(body), "{\"orderline_id\": %lld, \"message\": \"It "
           "does not charge\"%s%s}", lid, extra ? ", " : "", extra ? extra : "");
  if(mkt_ctl("POST", "/_sim/care", body, &o) == 201)
    id = mkt_jint(o, "id");
  json_object_put(o);
  if(line)
    *line = lid;
  return id;
}

static void test_care_list_and_detail(void)
{
  json_object *o = NULL;
  long long f1, line, i;
  char path[160];
  mkt_seed();
  mkt_listing("CARE-A", 30, "449.00");
  f1 = mkt_folder("CARE-A", "\"issue\": \"BATTERY_NOT_CHARGING\"", &line);
  CU_ASSERT_TRUE(f1 > 100000000);
  for(i = 0; i < 11; i++)
    mkt_folder("CARE-A", NULL, NULL);
  CU_ASSERT_EQUAL(mkt_get("/ws/sav", &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "count"), 10);          /* on this page */
  CU_ASSERT_EQUAL(json_object_array_length(json_object_object_get(o,
                                                                  "results")),
                  10);
  CU_ASSERT_TRUE(mkt_has(mkt_jstr(o, "next"), "/ws/sav?page=2"));
  CU_ASSERT_EQUAL(mkt_jint(o, "results.0.id"), f1);
  CU_ASSERT_EQUAL(mkt_jint(o, "results.0.orderline"), line);
  CU_ASSERT_EQUAL(mkt_jint(o, "results.0.merchant"), 789);
  CU_ASSERT_EQUAL(mkt_jint(o, "results.0.state"), 0);
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "results.0.country_code"), "en-gb"));
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_get("/ws/sav?page=2", &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "count"), 2);
  CU_ASSERT_PTR_NULL(mkt_jstr(o, "next"));
  CU_ASSERT_TRUE(mkt_has(mkt_jstr(o, "previous"), "page=1"));
  json_object_put(o);
  snprintf(path, sizeof(path), "/ws/sav?last_id=%lld&orderline=%lld",
           f1 - 1, line);
  CU_ASSERT_EQUAL(mkt_get(path, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "count"), 1);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_get("/ws/sav?state=9", &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "count"), 0);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_get("/ws/sav?last_modification_date=2026-03-22-11-59",
                          &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "count"), 10);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_get("/ws/sav?last_message_date=2026-03-22-12-01", &o),
                  200);
  CU_ASSERT_EQUAL(mkt_jint(o, "count"), 0);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_get("/ws/sav?last_modification_date=2026-03-22T12:00",
                          NULL), 400);
  CU_ASSERT_EQUAL(mkt_get("/ws/sav?state=3", NULL), 400);
  snprintf(path, sizeof(path), "/ws/sav/%lld", f1);
  CU_ASSERT_EQUAL(mkt_get(path, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "id"), f1);
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "lines.0.issues.0.customerIssue"),
                         "BATTERY_NOT_CHARGING"));
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "messages.0.message"),
                         "It does not charge"));
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "messages.0.initiator"), "Customer"));
  CU_ASSERT_EQUAL(mkt_jint(o, "orderline.id"), line);
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "orderline.snapshot.sku"), "CARE-A"));
  CU_ASSERT_EQUAL(mkt_jint(o, "orderline.order.state"), 1);
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "client.first_name"), "Jane"));
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "merchant.first_name"), "Acme"));
  CU_ASSERT_PTR_NULL(mkt_jstr(o, "orderline.order.shipping_address.company"));
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_get("/ws/sav/1", NULL), 404);
  CU_ASSERT_EQUAL(mkt_get("/ws/sav/abc", NULL), 400);
  /* another merchant's folder is not found */
  mkt_ctl("POST", "/_sim/merchants", "{\"id\": 790, \"name\": \"Other\"}",
          NULL);
  mkt_ctl("POST", "/_sim/tokens", "{\"token\": \"tok-other\", \"merchant_id\": "
          "790}", NULL);
  {
    const char *h[] = {"Authorization: Basic tok-other", "User-Agent: " MKT_UA,
                       NULL};
    struct mkt_resp r;
    CU_ASSERT_EQUAL(mkt_http("GET", path, h, NULL, &r), 404);
    mkt_resp_free(&r);
  }
}

static void test_care_messages_and_problems(void)
{
  json_object *o = NULL;
  long long f, legacy, line;
  char path[160], body[256];
  const char *msg[] = {"message", "Please send it back, we repair it", NULL};
  const char *dmg[] = {"problem_type", "DAMAGED_PACKAGE", NULL};
  const char *other_msg[] = {"problem_type", "OTHER", "message", "x", NULL};
  const char *bogus[] = {"problem_type", "BROKEN", NULL};
  mkt_seed();
  mkt_listing("CARE-B", 5, "99.00");
  f = mkt_folder("CARE-B", NULL, NULL);
  legacy = mkt_folder("CARE-B", "\"id\": 41234567", &line);
  CU_ASSERT_EQUAL(legacy, 41234567);
  snprintf(path, sizeof(path), "/ws/sav/%lld/msg", f);
  CU_ASSERT_EQUAL(mkt_form(path, msg, 2, 1000, &o), 201);
  CU_ASSERT_EQUAL(mkt_jint(o, "group"), f);
  CU_ASSERT_EQUAL(mkt_jint(o, "sender"), 789);
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "message"),
                         "Please send it back, we repair it"));
  CU_ASSERT_EQUAL(json_object_array_length(json_object_object_get(
                    o, "attachments")), 2);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_form(path, NULL, 1, 10, &o), 400);    /* no message */
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_form(path, msg, 11, 10, NULL), 400);  /* 11 files */
  CU_ASSERT_EQUAL(mkt_form(path, msg, 1, 3u * 1024u * 1024u + 1, NULL), 400);
  {
    struct mkt_resp r;
    CU_ASSERT_EQUAL(mkt_ws("POST", path, NULL, "{\"message\": \"json\"}", &r),
                    400);
    o = mkt_json(&r);
    CU_ASSERT_TRUE(mkt_has(mkt_jstr(o, "error.message"),
                                  "multipart/form-data"));
    json_object_put(o);
    mkt_resp_free(&r);
  }
  /* a message reopens a closed folder */
  snprintf(body, sizeof(body), "/_sim/care/%lld/close", f);
  CU_ASSERT_EQUAL(mkt_ctl("POST", body, NULL, NULL), 200);
  CU_ASSERT_EQUAL(mkt_form(path, msg, 0, 0, NULL), 201);
  snprintf(body, sizeof(body), "/ws/sav/%lld", f);
  CU_ASSERT_EQUAL(mkt_get(body, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "state"), 0);
  CU_ASSERT_EQUAL(json_object_array_length(json_object_object_get(
                    o, "messages")), 3);
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "messages.1.initiator"), "Merchant"));
  CU_ASSERT_TRUE(mkt_has(mkt_jstr(o, "messages.1.attachments.0."
                                         "attachment"), "photo1.jpg"));
  json_object_put(o);
  /* problems */
  snprintf(path, sizeof(path), "/ws/sav/%lld/problem", f);
  CU_ASSERT_EQUAL(mkt_form(path, dmg, 0, 0, NULL), 422);
  CU_ASSERT_EQUAL(mkt_form(path, dmg, 1, 100, NULL), 201);
  CU_ASSERT_EQUAL(mkt_form(path, bogus, 0, 0, NULL), 422);
  CU_ASSERT_EQUAL(mkt_form(path, dmg, 11, 10, NULL), 413);
  snprintf(path, sizeof(path), "/ws/sav/%lld/problem", legacy);
  CU_ASSERT_EQUAL(mkt_form(path, other_msg, 0, 0, NULL), 422);
  CU_ASSERT_EQUAL(mkt_form(path, dmg, 1, 100, NULL), 422);
  CU_ASSERT_EQUAL(mkt_form(path, NULL, 0, 0, NULL), 201);    /* OTHER */
  /* item transfers: not yet on folders above 100,000,000 */
  snprintf(path, sizeof(path), "/ws/sav/%lld/item-transfer", f);
  {
    struct mkt_resp r;
    const char *tr = "{\"shipperName\": \"DHL\", \"trackingNumber\": "
                     "\"JD0001\", \"action\": \"REPAIR\"}";
    CU_ASSERT_EQUAL(mkt_ws("POST", path, NULL, tr, &r), 422);
    mkt_resp_free(&r);
    snprintf(path, sizeof(path), "/ws/sav/%lld/item-transfer", legacy);
    CU_ASSERT_EQUAL(mkt_ws("POST", path, NULL, tr, &r), 201);
    CU_ASSERT_EQUAL(r.len, 0);
    mkt_resp_free(&r);
    CU_ASSERT_EQUAL(mkt_ws("POST", path, NULL, tr, &r), 400); /* same number */
    mkt_resp_free(&r);
    CU_ASSERT_EQUAL(mkt_ws("POST", path, NULL, "{\"shipperName\": \"DHL\"}",
                           &r), 400);
    mkt_resp_free(&r);
  }
  CU_ASSERT_EQUAL(mkt_ctl("GET", "/_sim/care", NULL, &o), 200);
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "folders.0.problems.0.problem_type"),
                         "DAMAGED_PACKAGE"));
  CU_ASSERT_TRUE(mkt_streq(mkt_jstr(o, "folders.1.transfers.0.trackingNumber"),
                         "JD0001"));
  json_object_put(o);
  (void)line;
}

static long mkt_refund(long long line, int type, const char *amount,
                       struct mkt_resp *r)
{
  char body[160];
  snprintf(body, sizeof(body), "{\"orderline_pk\": %lld, \"refund_type\": "
           "%d%s%s}", line, type, amount ? ", \"amount\": " : "",
           amount ? amount : "");
  return mkt_ws("POST", "/ws/sav/refund", NULL, body, r);
}

static void test_care_refunds(void)
{
  struct mkt_resp r;
  json_object *o = NULL;
  long long line, oid;
  char path[96], body[160];
  mkt_seed();
  mkt_listing("CARE-R", 5, "449.00");
  mkt_folder("CARE-R", NULL, &line);
  /* a paid (state 1) line: type 4 only */
  CU_ASSERT_EQUAL(mkt_refund(line, 5, NULL, &r), 400);
  CU_ASSERT_TRUE(mkt_has(r.body, "state 2"));
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_refund(line, 4, "10.00", &r), 400);  /* amount: 6 only */
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_refund(line, 4, NULL, &r), 201);
  CU_ASSERT_TRUE(mkt_has(r.ctype, "text/plain"));
  CU_ASSERT_TRUE(mkt_streq(r.body, "449\xc2\xa3 refunded on the sku CARE-R"));
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_ctl("GET", "/_sim/listings/CARE-R", NULL, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "quantity"), 5);   /* the unit came back */
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_refund(line, 4, NULL, &r), 400);      /* once */
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_refund(99999, 4, NULL, &r), 404);
  mkt_resp_free(&r);
  /* a shipped line: partial refunds (type 6) up to the line price */
  oid = mkt_order("CARE-R", 1);
  snprintf(path, sizeof(path), "/ws/orders/%lld", oid);
  CU_ASSERT_EQUAL(mkt_ws("POST", path, NULL, "{\"new_state\": 2}", &r), 200);
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_ws("POST", path, NULL, "{\"new_state\": 3, "
                         "\"tracking_number\": \"MV1\"}", &r), 200);
  o = mkt_json(&r);
  line = mkt_jint(o, "orderlines.0.id");
  json_object_put(o);
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_refund(line, 6, "49.50", &r), 201);
  CU_ASSERT_TRUE(mkt_streq(r.body, "49.50\xc2\xa3 refunded on the sku CARE-R"));
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_get(path, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "orderlines.0.state"), 3);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_refund(line, 6, "400.00", &r), 400);  /* 399.50 left */
  CU_ASSERT_TRUE(mkt_has(r.body, "399.50"));
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_refund(line, 6, "-1", &r), 400);
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_refund(line, 6, NULL, &r), 201);      /* the rest */
  mkt_resp_free(&r);
  CU_ASSERT_EQUAL(mkt_get(path, &o), 200);
  CU_ASSERT_EQUAL(mkt_jint(o, "orderlines.0.state"), 6);
  json_object_put(o);
  CU_ASSERT_EQUAL(mkt_ctl("GET", "/_sim/care", NULL, &o), 200);
  CU_ASSERT_EQUAL(json_object_array_length(json_object_object_get(o,
                                                                  "refunds")),
                  3);
  json_object_put(o);
  snprintf(body, sizeof(body), "{\"orderline_pk\": \"x\"}");
  CU_ASSERT_EQUAL(mkt_ws("POST", "/ws/sav/refund", NULL, body, &r), 400);
  mkt_resp_free(&r);
}

/* n calls of one Care endpoint; returns how many were not 429. */
static int mkt_calls(const char *method, const char *path, const char *body,
                     int n, int multipart)
{
  int i, ok = 0;
  const char *msg[] = {"message", "hello", NULL};
  for(i = 0; i < n; i++) {
    struct mkt_resp r;
    long st;
    if(multipart)
      st = mkt_form(path, msg, 0, 0, NULL);
    else {
      st = mkt_ws(method, path, NULL, body, &r);
      mkt_resp_free(&r);
    }
    ok += st != 429 && st != 0;
  }
  return ok;
}

static void test_care_limits(void)
{
  long long f, legacy;
  char path[96];
  struct mkt_resp r;
  static const char refund[] = "{\"orderline_pk\": 1, \"refund_type\": 4}";
  static const char transfer[] = "{\"trackingNumber\": \"T\"}";
  mkt_seed();
  mkt_listing("CARE-L", 5, "10.00");
  f = mkt_folder("CARE-L", NULL, NULL);
  legacy = mkt_folder("CARE-L", "\"id\": 1234", NULL);
  /* the edge limit (200 / 10 s) is not what is tested here */
  mkt_ctl("POST", "/_sim/config", "{\"quotas\": true, \"global_limit\": "
          "1000000}", NULL);
  CU_ASSERT_EQUAL(mkt_calls("GET", "/ws/sav", NULL, 521, 0), 520);
  snprintf(path, sizeof(path), "/ws/sav/%lld", f);
  CU_ASSERT_EQUAL(mkt_calls("GET", path, NULL, 601, 0), 600);
  snprintf(path, sizeof(path), "/ws/sav/%lld/msg", f);
  CU_ASSERT_EQUAL(mkt_calls("POST", path, NULL, 561, 1), 560);
  snprintf(path, sizeof(path), "/ws/sav/%lld/problem", f);
  CU_ASSERT_EQUAL(mkt_calls("POST", path, "", 751, 0), 750);
  snprintf(path, sizeof(path), "/ws/sav/%lld/item-transfer", legacy);
  CU_ASSERT_EQUAL(mkt_calls("POST", path, transfer, 293, 0), 292);
  CU_ASSERT_EQUAL(mkt_ws("POST", path, NULL, transfer, &r), 429);
  CU_ASSERT_TRUE(r.retry_after >= 1 && r.retry_after <= 60);
  mkt_resp_free(&r);
  /* a minute later: the list answers again; item transfers run into their
     500 a day, problems into their 1,000 a day */
  mkt_advance(60000);
  CU_ASSERT_EQUAL(mkt_calls("GET", "/ws/sav", NULL, 1, 0), 1);
  CU_ASSERT_EQUAL(mkt_calls("POST", path, transfer, 209, 0), 208);
  mkt_advance(60000);
  CU_ASSERT_EQUAL(mkt_calls("POST", path, transfer, 1, 0), 0);
  snprintf(path, sizeof(path), "/ws/sav/%lld/problem", f);
  CU_ASSERT_EQUAL(mkt_calls("POST", path, "", 251, 0), 250);
  mkt_advance(60000);
  CU_ASSERT_EQUAL(mkt_calls("POST", path, "", 1, 0), 0);
  /* refunds: 500 a day, whatever their outcome */
  CU_ASSERT_EQUAL(mkt_calls("POST", "/ws/sav/refund", refund, 501, 0), 500);
  CU_ASSERT_EQUAL(mkt_ws("POST", "/ws/sav/refund", NULL, refund, &r), 429);
  CU_ASSERT_TRUE(r.retry_after > 86000 && r.retry_after <= 86400);
  mkt_resp_free(&r);
  mkt_advance(86400000);
  CU_ASSERT_EQUAL(mkt_calls("POST", "/ws/sav/refund", refund, 1, 0), 1);
}

void mkt_add_care_tests(CU_pSuite s)
{
  CU_add_test(s, "care list and detail", test_care_list_and_detail);
  CU_add_test(s, "care messages and problems",
              test_care_messages_and_problems);
  CU_add_test(s, "care refunds", test_care_refunds);
  CU_add_test(s, "care limits", test_care_limits);
}
