/*
 * test_common.c -- unit tests of plugin/common: money, IMEI/Luhn and
 * tracking numbers, CSV quoting, JSON getters' error messages, the HTTP
 * classification table and retry timing on a fake host clock, request
 * budgets on the fake clock (persisted, never over the limit), redaction,
 * time parsing and XML escaping/safe reading.  One CUnit suite per area;
 * argv[1] picks a suite (ctest runs each separately).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <curl/curl.h>

#include "fake_host.h"
#include "pc_budget.h"
#include "pc_csv.h"
#include "pc_http.h"
#include "pc_imei.h"
#include "pc_json.h"
#include "pc_money.h"
#include "pc_redact.h"
#include "pc_time.h"
#include "pc_xml.h"
#include "cu_main.h"

/* ---- money ---- */

static int64_t
money(const char *s)
{
  int64_t v = INT64_MIN;

  CU_ASSERT_EQUAL_FATAL(pc_money_parse(s, &v), BMC_OK);
  return v;
}

static void
t_money_parse(void)
{
  int64_t v;

  CU_ASSERT_EQUAL(money("639.00"), 63900);
  CU_ASSERT_EQUAL(money("639"), 63900);
  CU_ASSERT_EQUAL(money("-12.5"), -1250);
  CU_ASSERT_EQUAL(money("12.500"), 1250);
  CU_ASSERT_EQUAL(money("-0.00"), 0);
  CU_ASSERT_EQUAL(money("0.05"), 5);
  CU_ASSERT_EQUAL(money("999999999999.99"), PC_MONEY_MAX);
  /* refused, never silently rounded */
  CU_ASSERT_EQUAL(pc_money_parse("12.505", &v), BMC_ERR_PROTOCOL);
  CU_ASSERT_EQUAL(pc_money_parse("1e3", &v), BMC_ERR_PROTOCOL);
  CU_ASSERT_EQUAL(pc_money_parse(" 1.00", &v), BMC_ERR_PROTOCOL);
  CU_ASSERT_EQUAL(pc_money_parse("1,000.00", &v), BMC_ERR_PROTOCOL);
  CU_ASSERT_EQUAL(pc_money_parse("", &v), BMC_ERR_PROTOCOL);
  CU_ASSERT_EQUAL(pc_money_parse("-", &v), BMC_ERR_PROTOCOL);
  CU_ASSERT_EQUAL(pc_money_parse(".5", &v), BMC_ERR_PROTOCOL);
  CU_ASSERT_EQUAL(pc_money_parse("+1", &v), BMC_ERR_PROTOCOL);
  CU_ASSERT_EQUAL(pc_money_parse("1000000000000.00", &v), BMC_ERR_PROTOCOL);
}

static void
t_money_format_math(void)
{
  char b[32];
  int64_t v;

  CU_ASSERT_EQUAL(pc_money_format(-1250, b, sizeof(b)), BMC_OK);
  CU_ASSERT_STRING_EQUAL(b, "-12.50");
  CU_ASSERT_EQUAL(pc_money_format(5, b, sizeof(b)), BMC_OK);
  CU_ASSERT_STRING_EQUAL(b, "0.05");
  CU_ASSERT_EQUAL(pc_money_format(-5, b, sizeof(b)), BMC_OK);
  CU_ASSERT_STRING_EQUAL(b, "-0.05");
  CU_ASSERT_EQUAL(pc_money_format(63900, b, 4), BMC_ERR_TOO_SMALL);
  /* 10% of 639.00 = 63.90; 12.5% of 10.00 = 1.25 */
  CU_ASSERT_EQUAL(pc_money_percent(63900, "10", &v), BMC_OK);
  CU_ASSERT_EQUAL(v, 6390);
  CU_ASSERT_EQUAL(pc_money_percent(1000, "12.5", &v), BMC_OK);
  CU_ASSERT_EQUAL(v, 125);
  /* half away from zero: 0.5 cent -> 1 cent, -0.5 -> -1 */
  CU_ASSERT_EQUAL(pc_money_percent(1, "50", &v), BMC_OK);
  CU_ASSERT_EQUAL(v, 1);
  CU_ASSERT_EQUAL(pc_money_percent(-1, "50", &v), BMC_OK);
  CU_ASSERT_EQUAL(v, -1);
  CU_ASSERT_EQUAL(pc_money_percent(999, "10", &v), BMC_OK);
  CU_ASSERT_EQUAL(v, 100);
  CU_ASSERT_EQUAL(pc_money_percent(1000, "1.23456", &v), BMC_ERR_PROTOCOL);
  CU_ASSERT_EQUAL(pc_money_div(1001, 2, &v), BMC_OK);
  CU_ASSERT_EQUAL(v, 501);
  CU_ASSERT_EQUAL(pc_money_div(-1001, 2, &v), BMC_OK);
  CU_ASSERT_EQUAL(v, -501);
  CU_ASSERT_EQUAL(pc_money_add(PC_MONEY_MAX, 1, &v), BMC_ERR_PROTOCOL);
  CU_ASSERT_EQUAL(pc_money_sub(0, PC_MONEY_MAX, &v), BMC_OK);
  CU_ASSERT_EQUAL(v, -PC_MONEY_MAX);
  CU_ASSERT_EQUAL(pc_money_mul(24000, 3, &v), BMC_OK);
  CU_ASSERT_EQUAL(v, 72000);
  CU_ASSERT_EQUAL(pc_money_cmp(1, 2), -1);
  /* a sum of many amounts is exact (no binary floating point drift) */
  {
    int64_t s = 0;
    int i;
    for(i = 0; i < 1000; i++)
      CU_ASSERT_EQUAL(pc_money_add(s, money("0.10"), &s), BMC_OK);
    CU_ASSERT_EQUAL(s, 10000);
  }
}

/* ---- IMEI and tracking ---- */

static void
t_imei(void)
{
  char why[160];

  CU_ASSERT_EQUAL(pc_imei_check("356938035643809", why, sizeof(why)),
                  BMC_OK);
  CU_ASSERT_EQUAL(pc_imei_check("490154203237518", why, sizeof(why)),
                  BMC_OK);
  CU_ASSERT_EQUAL(pc_imei_check("356938035643808", why, sizeof(why)),
                  BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(why, "Luhn"));
  CU_ASSERT_PTR_NOT_NULL(strstr(why, "expected 9"));
  CU_ASSERT_EQUAL(pc_imei_check("35693803564380", why, sizeof(why)),
                  BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(why, "has 14 digits"));
  CU_ASSERT_EQUAL(pc_imei_check("35A938035643809", why, sizeof(why)),
                  BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(why, "'A' at position 3"));
  CU_ASSERT_EQUAL(pc_imei_check("", why, sizeof(why)), BMC_ERR_INVALID_ARG);
  CU_ASSERT_EQUAL(pc_imei_check("356938035643809 ", why, sizeof(why)),
                  BMC_ERR_INVALID_ARG);
  CU_ASSERT_TRUE(pc_luhn_ok("79927398713"));
  CU_ASSERT_FALSE(pc_luhn_ok("79927398710"));
  CU_ASSERT_FALSE(pc_luhn_ok("7"));
}

static void
t_tracking(void)
{
  char out[256];
  char why[160];
  char big[260];

  CU_ASSERT_EQUAL(pc_tracking_check("  MV000000001GB\n", out, sizeof(out),
                                    why, sizeof(why)), BMC_OK);
  CU_ASSERT_STRING_EQUAL(out, "MV000000001GB");
  CU_ASSERT_EQUAL(pc_tracking_check("MV 0001", out, sizeof(out), why,
                                    sizeof(why)), BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(why, "position 3"));
  CU_ASSERT_EQUAL(pc_tracking_check("   ", out, sizeof(out), why,
                                    sizeof(why)), BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(why, "empty"));
  memset(big, 'A', 201);
  big[201] = '\0';
  CU_ASSERT_EQUAL(pc_tracking_check(big, out, sizeof(out), why, sizeof(why)),
                  BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(why, "201"));
  big[200] = '\0';
  CU_ASSERT_EQUAL(pc_tracking_check(big, out, sizeof(out), why, sizeof(why)),
                  BMC_OK);
}

/* ---- CSV ---- */

static void
t_csv(void)
{
  struct pc_csv c;

  pc_csv_init(&c, ',', '"', 0);
  CU_ASSERT_EQUAL(pc_csv_field(&c, "sku"), BMC_OK);
  CU_ASSERT_EQUAL(pc_csv_field(&c, "a,b"), BMC_OK);
  CU_ASSERT_EQUAL(pc_csv_field(&c, "he said \"hi\""), BMC_OK);
  CU_ASSERT_EQUAL(pc_csv_field(&c, NULL), BMC_OK);
  CU_ASSERT_EQUAL(pc_csv_field(&c, "two\nlines"), BMC_OK);
  CU_ASSERT_EQUAL(pc_csv_field(&c, " padded"), BMC_OK);
  CU_ASSERT_EQUAL(pc_csv_end_row(&c), BMC_OK);
  CU_ASSERT_EQUAL(pc_csv_fieldf(&c, "%d", 12), BMC_OK);
  CU_ASSERT_EQUAL(pc_csv_end_row(&c), BMC_OK);
  CU_ASSERT_STRING_EQUAL(pc_csv_text(&c),
                         "sku,\"a,b\",\"he said \"\"hi\"\"\",,"
                         "\"two\nlines\",\" padded\"\n12\n");
  CU_ASSERT_EQUAL(c.rows, 2);
  pc_csv_free(&c);
  /* semicolon files: commas need no quoting, semicolons do */
  pc_csv_init(&c, ';', '"', 0);
  CU_ASSERT_FALSE(pc_csv_needs_quote(&c, "449,00"));
  CU_ASSERT_TRUE(pc_csv_needs_quote(&c, "a;b"));
  pc_csv_free(&c);
  /* bounded */
  pc_csv_init(&c, ',', '"', 8);
  CU_ASSERT_EQUAL(pc_csv_field(&c, "0123456789"), BMC_ERR_PROTOCOL);
  pc_csv_free(&c);
}

/* ---- JSON ---- */

static void
t_json(void)
{
  const char *doc = "{\"s\":\"x\",\"i\":5,\"n\":null,\"m\":639.5,"
                    "\"ms\":\"12.345\",\"o\":{},\"b\":true}";
  char err[200];
  struct json_object *j = pc_json_parse(doc, strlen(doc), err, sizeof(err));
  struct json_object *o;
  const char *s;
  int64_t v;
  int b;

  CU_ASSERT_PTR_NOT_NULL_FATAL(j);
  CU_ASSERT_EQUAL(pc_json_str(j, "s", 1, &s, err, sizeof(err)), BMC_OK);
  CU_ASSERT_STRING_EQUAL(s, "x");
  CU_ASSERT_EQUAL(pc_json_str(j, "i", 1, &s, err, sizeof(err)),
                  BMC_ERR_PROTOCOL);
  CU_ASSERT_STRING_EQUAL(err, "field i: expected string, found int");
  CU_ASSERT_EQUAL(pc_json_int(j, "s", 1, &v, err, sizeof(err)),
                  BMC_ERR_PROTOCOL);
  CU_ASSERT_STRING_EQUAL(err, "field s: expected int, found string");
  CU_ASSERT_EQUAL(pc_json_str(j, "missing", 1, &s, err, sizeof(err)),
                  BMC_ERR_PROTOCOL);
  CU_ASSERT_STRING_EQUAL(err, "field missing: expected string, found nothing");
  CU_ASSERT_EQUAL(pc_json_str(j, "n", 1, &s, err, sizeof(err)),
                  BMC_ERR_PROTOCOL);
  CU_ASSERT_STRING_EQUAL(err, "field n: expected string, found null");
  CU_ASSERT_EQUAL(pc_json_str(j, "n", 0, &s, err, sizeof(err)),
                  BMC_ERR_NOT_FOUND);
  CU_ASSERT_EQUAL(pc_json_money(j, "m", 1, &v, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(v, 63950);
  CU_ASSERT_EQUAL(pc_json_money(j, "ms", 1, &v, err, sizeof(err)),
                  BMC_ERR_PROTOCOL);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "field ms"));
  CU_ASSERT_EQUAL(pc_json_money(j, "o", 1, &v, err, sizeof(err)),
                  BMC_ERR_PROTOCOL);
  CU_ASSERT_STRING_EQUAL(err, "field o: expected money string, found object");
  CU_ASSERT_EQUAL(pc_json_obj(j, "o", 1, &o, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(pc_json_bool(j, "b", 1, &b, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(b, 1);
  json_object_put(j);

  CU_ASSERT_PTR_NULL(pc_json_parse("{\"a\":", 5, err, sizeof(err)));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "malformed JSON"));
  CU_ASSERT_PTR_NULL(pc_json_parse("{} x", 4, err, sizeof(err)));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "malformed JSON at offset 3"));
  {
    char deep[200];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    CU_ASSERT_PTR_NULL(pc_json_parse(deep, 200, err, sizeof(err)));
  }
}

/* ---- HTTP ---- */

static void
t_http_classify(void)
{
  static const struct {
    long status;
    int curl;
    int rc;
  } t[] = {
    {200, 0, BMC_OK},
    {201, 0, BMC_OK},
    {204, 0, BMC_OK},
    {408, 0, BMC_ERR_REMOTE_RETRY},
    {429, 0, BMC_ERR_REMOTE_RETRY},
    {500, 0, BMC_ERR_REMOTE_RETRY},
    {502, 0, BMC_ERR_REMOTE_RETRY},
    {503, 0, BMC_ERR_REMOTE_RETRY},
    {401, 0, BMC_ERR_UNAUTHORIZED},
    {403, 0, BMC_ERR_UNAUTHORIZED},
    {400, 0, BMC_ERR_REMOTE_REJECT},
    {404, 0, BMC_ERR_REMOTE_REJECT},
    {405, 0, BMC_ERR_REMOTE_REJECT},
    {422, 0, BMC_ERR_REMOTE_REJECT},
    {301, 0, BMC_ERR_PROTOCOL},
    {0, CURLE_COULDNT_CONNECT, BMC_ERR_TRANSPORT},
    {0, CURLE_OPERATION_TIMEDOUT, BMC_ERR_TRANSPORT},
    {200, CURLE_PARTIAL_FILE, BMC_ERR_TRANSPORT},
    {200, CURLE_WRITE_ERROR, BMC_ERR_PROTOCOL},
  };
  size_t i;

  for(i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
    int rc = pc_http_classify(t[i].status, t[i].curl);
    if(rc != t[i].rc)
      fprintf(stderr, "classify(%ld, %d) = %d, expected %d\n", t[i].status,
              t[i].curl, rc, t[i].rc);
    CU_ASSERT_EQUAL(rc, t[i].rc);
  }
  CU_ASSERT_TRUE(pc_http_retryable(BMC_ERR_REMOTE_RETRY));
  CU_ASSERT_TRUE(pc_http_retryable(BMC_ERR_TRANSPORT));
  CU_ASSERT_FALSE(pc_http_retryable(BMC_ERR_REMOTE_REJECT));
  CU_ASSERT_FALSE(pc_http_retryable(BMC_ERR_UNAUTHORIZED));
}

static void
t_http_backoff(void)
{
  uint64_t seed = 42;
  int i;
  int64_t now = INT64_C(784111777000); /* 1994-11-06T08:49:37Z */

  CU_ASSERT_EQUAL(pc_http_retry_after_ms("7", 0), 7000);
  CU_ASSERT_EQUAL(pc_http_retry_after_ms("", 0), -1);
  CU_ASSERT_EQUAL(pc_http_retry_after_ms("soon", 0), -1);
  CU_ASSERT_EQUAL(pc_http_retry_after_ms("Sun, 06 Nov 1994 08:49:47 GMT",
                                         now), 10000);
  for(i = 0; i < 200; i++) {
    int64_t b1 = pc_http_backoff_ms(1, 500, 30000, &seed);
    int64_t b4 = pc_http_backoff_ms(4, 500, 30000, &seed);
    int64_t b20 = pc_http_backoff_ms(20, 500, 30000, &seed);
    CU_ASSERT_TRUE(b1 >= 250 && b1 <= 500);
    CU_ASSERT_TRUE(b4 >= 2000 && b4 <= 4000);
    CU_ASSERT_TRUE(b20 >= 15000 && b20 <= 30000);
  }
}

static void
t_http_client(void)
{
  struct fake_host f;
  struct pc_http_conf conf;
  struct pc_http *h = NULL;
  struct pc_http_req req;
  struct pc_http_resp resp;
  struct pc_http_stats st;
  char err[256];

  fake_host_init(&f, 1000);
  memset(&conf, 0, sizeof(conf));
  conf.user_agent = "BM-Test-Unit;ops@example.com";
  conf.auth_header = "Authorization";
  conf.auth_value = "Basic secret-token-123456";
  conf.base_url = "http://example.com";
  CU_ASSERT_EQUAL(pc_http_create(&conf, fake_host_api(), &f, &h, err,
                                 sizeof(err)), BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "https"));
  CU_ASSERT_PTR_NULL(h);
  conf.base_url = "http://127.0.0.1.evil.example";
  CU_ASSERT_EQUAL(pc_http_create(&conf, fake_host_api(), &f, &h, err,
                                 sizeof(err)), BMC_ERR_CONFIG);
  /* a closed loopback port: transport errors, retried on the host clock */
  conf.base_url = "http://127.0.0.1:1";
  conf.max_attempts = 3;
  conf.timeout_ms = 2000;
  CU_ASSERT_EQUAL_FATAL(pc_http_create(&conf, fake_host_api(), &f, &h, err,
                                       sizeof(err)), BMC_OK);
  memset(&req, 0, sizeof(req));
  req.method = "GET";
  req.target = "/ws/orders";
  CU_ASSERT_EQUAL(pc_http_send(h, &req, &resp), BMC_ERR_TRANSPORT);
  CU_ASSERT_EQUAL(resp.attempts, 3);
  CU_ASSERT_PTR_NULL(strstr(resp.error, "secret-token"));
  pc_http_resp_clear(&resp);
  pc_http_get_stats(h, &st);
  CU_ASSERT_EQUAL(st.requests, 3);
  CU_ASSERT_EQUAL(st.retries, 2);
  CU_ASSERT_EQUAL(f.waits, 2);            /* waited through the host */
  CU_ASSERT_TRUE(f.waited >= 250 + 500);  /* 2 backoffs, equal jitter */
  CU_ASSERT_PTR_NULL(strstr(f.log, "secret-token"));
  CU_ASSERT_PTR_NOT_NULL(strstr(f.log, "retry 1 of 2"));
  /* a `next` link to another origin is refused before anything is sent */
  req.target = "http://evil.example/ws/orders?page=2";
  CU_ASSERT_EQUAL(pc_http_send(h, &req, &resp), BMC_ERR_PROTOCOL);
  pc_http_resp_clear(&resp);
  pc_http_get_stats(h, &st);
  CU_ASSERT_EQUAL(st.requests, 3);
  pc_http_free(h);
  pc_http_free(NULL);
  fake_host_free(&f);
}

/* ---- budgets ---- */

static void
t_budget_window(void)
{
  struct fake_host f;
  struct pc_budget *b = NULL;
  int64_t *ts;
  int n = 0;
  int i;
  int j;

  fake_host_init(&f, INT64_C(1774180800000));
  CU_ASSERT_EQUAL_FATAL(pc_budget_open(fake_host_api(), &f, "overall", 5,
                                       10000, &b), BMC_OK);
  for(i = 0; i < 5; i++)
    CU_ASSERT_EQUAL(pc_budget_take(b, 1, 0), BMC_OK);
  CU_ASSERT_EQUAL(pc_budget_take(b, 1, 0), BMC_ERR_BUDGET);
  CU_ASSERT_EQUAL(pc_budget_available(b), 0);
  CU_ASSERT_EQUAL(pc_budget_take(b, 6, 100000), BMC_ERR_INVALID_ARG);
  /* persisted: a new handle (the next run) sees the spent window */
  pc_budget_free(b);
  CU_ASSERT_EQUAL_FATAL(pc_budget_open(fake_host_api(), &f, "overall", 5,
                                       10000, &b), BMC_OK);
  CU_ASSERT_EQUAL(pc_budget_take(b, 1, 0), BMC_ERR_BUDGET);
  /* a short wait is paced through host->wait_ms */
  CU_ASSERT_EQUAL(pc_budget_take(b, 1, 20000), BMC_OK);
  CU_ASSERT_TRUE(f.waited > 0 && f.waited <= 10500);
  pc_budget_free(b);

  /* property: 2000 paced takes never put more than the limit in any
   * 10 s window */
  fake_host_free(&f);
  fake_host_init(&f, INT64_C(1774180800000));
  CU_ASSERT_EQUAL_FATAL(pc_budget_open(fake_host_api(), &f, "prop", 20,
                                       10000, &b), BMC_OK);
  ts = calloc(2000, sizeof(*ts));
  CU_ASSERT_PTR_NOT_NULL_FATAL(ts);
  for(i = 0; i < 2000; i++) {
    f.now += (i * 7919) % 300; /* irregular caller */
    if(pc_budget_take(b, 1, 60000) == BMC_OK)
      ts[n++] = f.now;
  }
  CU_ASSERT_EQUAL(n, 2000);
  for(i = 0; i < n; i++) {
    int in = 0;
    for(j = 0; j <= i; j++)
      if(ts[j] > ts[i] - 10000)
        in++;
    if(in > 20) {
      CU_FAIL("more than 20 requests in a 10 s window");
      break;
    }
  }
  /* and it is not absurdly slow: at least half the limit on average */
  CU_ASSERT_TRUE((ts[n - 1] - ts[0]) / 10000 <= n / 10);
  free(ts);
  pc_budget_free(b);
  fake_host_free(&f);
}

/* Few writes, and a crash (no free) never lets the next run overspend. */
static void
t_budget_durable(void)
{
  struct fake_host f;
  struct pc_budget *b = NULL;
  int i;

  fake_host_init(&f, INT64_C(1774180800000));
  CU_ASSERT_EQUAL_FATAL(pc_budget_open(fake_host_api(), &f, "overall", 180,
                                       10000, &b), BMC_OK);
  f.puts = 0;
  for(i = 0; i < 90; i++)
    CU_ASSERT_EQUAL(pc_budget_take(b, 1, 0), BMC_OK);
  CU_ASSERT_TRUE(f.puts <= 90 / 9 + 1);
  CU_ASSERT_TRUE(f.puts >= 1);
  /* "crash": open a second handle without freeing the first */
  {
    struct pc_budget *b2 = NULL;
    CU_ASSERT_EQUAL_FATAL(pc_budget_open(fake_host_api(), &f, "overall",
                                         180, 10000, &b2), BMC_OK);
    CU_ASSERT_TRUE(pc_budget_available(b2) <= 90);
    CU_ASSERT_TRUE(pc_budget_available(b2) >= 80);
    pc_budget_free(b2);
  }
  /* clean close: exact */
  pc_budget_free(b);
  CU_ASSERT_EQUAL_FATAL(pc_budget_open(fake_host_api(), &f, "overall", 180,
                                       10000, &b), BMC_OK);
  CU_ASSERT_EQUAL(pc_budget_available(b), 90);
  pc_budget_free(b);
  fake_host_free(&f);
}

static void
t_budget_block_off(void)
{
  struct fake_host f;
  struct pc_budget *b = NULL;
  struct pc_budget_stats st;

  fake_host_init(&f, 50000);
  CU_ASSERT_EQUAL_FATAL(pc_budget_open(fake_host_api(), &f, "catalog", 18,
                                       10000, &b), BMC_OK);
  pc_budget_block_until(b, 57000); /* 429 with Retry-After: 7 */
  CU_ASSERT_EQUAL(pc_budget_wait_needed(b, 1), 7000);
  CU_ASSERT_EQUAL(pc_budget_take(b, 1, 1000), BMC_ERR_BUDGET);
  CU_ASSERT_EQUAL(pc_budget_take(b, 1, 8000), BMC_OK);
  CU_ASSERT_EQUAL(f.now, 57000);
  pc_budget_get_stats(b, &st);
  CU_ASSERT_EQUAL(st.blocks, 1);
  CU_ASSERT_EQUAL(st.refused, 1);
  CU_ASSERT_EQUAL(st.taken, 1);
  pc_budget_free(b);
  /* off: always OK, nothing stored */
  f.puts = 0;
  CU_ASSERT_EQUAL_FATAL(pc_budget_open(fake_host_api(), &f, "off", 0, 10000,
                                       &b), BMC_OK);
  CU_ASSERT_EQUAL(pc_budget_take(b, 100000, 0), BMC_OK);
  CU_ASSERT_EQUAL(f.puts, 0);
  pc_budget_free(b);
  pc_budget_free(NULL);
  CU_ASSERT_EQUAL(pc_budget_open(fake_host_api(), &f, "Bad Name", 1, 1, &b),
                  BMC_ERR_INVALID_ARG);
  fake_host_free(&f);
}

/* ---- redaction ---- */

static void
t_redact(void)
{
  struct pc_secrets s;
  struct fake_host f;
  char out[256];
  char in[128];

  memset(&s, 0, sizeof(s));
  CU_ASSERT_EQUAL(pc_secrets_add(&s, "tok-ABCDEF123456"), BMC_OK);
  CU_ASSERT_EQUAL(pc_secrets_add(&s, "abc"), BMC_OK); /* too short: ignored */
  CU_ASSERT_EQUAL(s.n, 1);
  CU_ASSERT_EQUAL(pc_redact(&s, "token tok-ABCDEF123456 here", out,
                            sizeof(out)), 1);
  CU_ASSERT_STRING_EQUAL(out, "token **** here");
  pc_redact(NULL, "Authorization: Basic zzzzzz\r\nAccept: x", out,
            sizeof(out));
  CU_ASSERT_PTR_NULL(strstr(out, "zzzzzz"));
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "Accept: x"));
  pc_redact(NULL, "GET /x?token=qqqq1234&page=2", out, sizeof(out));
  CU_ASSERT_STRING_EQUAL(out, "GET /x?token=****&page=2");
  pc_redact(NULL, "x-api-key: kkkkkkkk", out, sizeof(out));
  CU_ASSERT_PTR_NULL(strstr(out, "kkkkkkkk"));
  snprintf(in, sizeof(in), "a tok-ABCDEF123456 b tok-ABCDEF123456");
  pc_redact_inplace(&s, in);
  CU_ASSERT_STRING_EQUAL(in, "a **** b ****");
  fake_host_init(&f, 0);
  pc_log(fake_host_api(), &f, &s, BMC_LOG_ERROR, "refused %s (%d)",
         "tok-ABCDEF123456", 401);
  CU_ASSERT_PTR_NULL(strstr(f.log, "ABCDEF"));
  CU_ASSERT_PTR_NOT_NULL(strstr(f.log, "refused **** (401)"));
  fake_host_free(&f);
  pc_secrets_clear(&s);
  CU_ASSERT_EQUAL(s.n, 0);
  pc_secrets_clear(NULL);
}

/* ---- time and XML ---- */

static void
t_time(void)
{
  int64_t a, b;
  char buf[32];
  struct pc_date d = {2028, 2, 28};

  CU_ASSERT_EQUAL(pc_time_parse("2025-06-03T10:12:44+01:00", &a), BMC_OK);
  CU_ASSERT_EQUAL(pc_time_parse("2025-06-03T09:12:44Z", &b), BMC_OK);
  CU_ASSERT_EQUAL(a, b);
  CU_ASSERT_EQUAL(pc_time_parse("2022-04-29T09:35:24.123456Z", &a), BMC_OK);
  CU_ASSERT_EQUAL(a % 1000, 123);
  CU_ASSERT_EQUAL(pc_time_parse("2026-03-22T12:00:00Z", &a), BMC_OK);
  CU_ASSERT_EQUAL(a, INT64_C(1774180800000));
  CU_ASSERT_EQUAL(pc_time_parse("2020-02-25 10:00:00", &a), BMC_OK);
  CU_ASSERT_EQUAL(pc_time_parse("2020-02-30T00:00:00Z", &a),
                  BMC_ERR_PROTOCOL);
  CU_ASSERT_EQUAL(pc_time_parse("yesterday", &a), BMC_ERR_PROTOCOL);
  CU_ASSERT_EQUAL(pc_time_format(INT64_C(1774180800000), buf, sizeof(buf)),
                  BMC_OK);
  CU_ASSERT_STRING_EQUAL(buf, "2026-03-22T12:00:00Z");
  CU_ASSERT_EQUAL(pc_days_in_month(2028, 2), 29);
  CU_ASSERT_EQUAL(pc_days_in_month(2100, 2), 28);
  d = pc_date_add_days(d, 2);
  CU_ASSERT_TRUE(d.y == 2028 && d.m == 3 && d.d == 1);
}

static void
t_xml(void)
{
  struct pc_xml x;
  char err[256];
  xmlDocPtr doc;
  char buf[64];
  const char *evil =
      "<?xml version=\"1.0\"?><!DOCTYPE o [<!ENTITY e SYSTEM "
      "\"file:///etc/passwd\">]><o><t>&e;</t></o>";

  pc_xml_begin(&x, "order", "urn:bmc:order:1", 0);
  pc_xml_text(&x, "note", "a < b & \"c\"");
  pc_xml_money(&x, "total", -1250);
  CU_ASSERT_EQUAL(pc_xml_end(&x), BMC_OK);
  CU_ASSERT_PTR_NOT_NULL(strstr(pc_xml_str(&x),
                                "<note>a &lt; b &amp; &quot;c&quot;</note>"));
  CU_ASSERT_PTR_NOT_NULL(strstr(pc_xml_str(&x), "<total>-12.50</total>"));
  doc = pc_xml_read(pc_xml_str(&x), pc_xml_len(&x), err, sizeof(err));
  CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
  CU_ASSERT_EQUAL(pc_xml_child_text(xmlDocGetRootElement(doc), "note", buf,
                                    sizeof(buf)), BMC_OK);
  CU_ASSERT_STRING_EQUAL(buf, "a < b & \"c\"");
  xmlFreeDoc(doc);
  pc_xml_free(&x);
  /* invalid UTF-8 and control characters never reach a document */
  pc_xml_begin(&x, "order", NULL, 0);
  pc_xml_text(&x, "note", "bad \xff byte");
  CU_ASSERT_EQUAL(pc_xml_end(&x), BMC_ERR_PROTOCOL);
  pc_xml_free(&x);
  pc_xml_begin(&x, "order", NULL, 0);
  pc_xml_text(&x, "note", "bell \a");
  CU_ASSERT_EQUAL(pc_xml_end(&x), BMC_ERR_PROTOCOL);
  pc_xml_free(&x);
  /* external entities are not loaded */
  doc = pc_xml_read(evil, strlen(evil), err, sizeof(err));
  if(doc) {
    if(!pc_xml_child_text(xmlDocGetRootElement(doc), "t", buf, sizeof(buf)))
      CU_ASSERT_PTR_NULL(strstr(buf, "root:"));
    xmlFreeDoc(doc);
  }
  CU_ASSERT_PTR_NULL(pc_xml_read("<a><b></a>", 10, err, sizeof(err)));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "not well-formed"));
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"money", "parse", t_money_parse},
    {"money", "format and arithmetic", t_money_format_math},
    {"imei", "IMEI and Luhn", t_imei},
    {"imei", "tracking numbers", t_tracking},
    {"csv", "quoting", t_csv},
    {"json", "typed getters and errors", t_json},
    {"http", "classification table", t_http_classify},
    {"http", "Retry-After and backoff", t_http_backoff},
    {"http", "client retries on the host clock", t_http_client},
    {"budget", "sliding window, persisted, paced", t_budget_window},
    {"budget", "429 block and off", t_budget_block_off},
    {"budget", "few writes, crash-safe", t_budget_durable},
    {"redact", "masking", t_redact},
    {"time", "RFC 3339 and dates", t_time},
    {"xml", "writer and safe reader", t_xml},
  };

  return fake_host_main(cases, CU_CASES_N(cases), argc, argv);
}
