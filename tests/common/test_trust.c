/*
 * test_trust.c -- unit tests of what plugin/common refuses from the wire
 * and from settings (issue 10): text checks (UTF-8, XML, header values),
 * NUL and int64 overflow in JSON, the walk that names a bad field, next
 * links resolved on base_url's origin, the page decoder and the pager
 * (loops, page caps, absurd counts), HTTP dates and the cursor bound, and
 * CR/LF refused in every header value.  On the fake host (no network but
 * a closed loopback port); argv[1] picks a suite.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "cu_main.h"
#include "fake_host.h"
#include "pc_cursor.h"
#include "pc_http.h"
#include "pc_json.h"
#include "pc_page.h"
#include "pc_text.h"
#include "pc_time.h"

/* ---- text ---- */

static void
t_text(void)
{
  size_t off = 99;

  CU_ASSERT_EQUAL(pc_utf8_seq_len((const unsigned char *)"a"), 1);
  CU_ASSERT_EQUAL(pc_utf8_seq_len((const unsigned char *)"\xc3\xa9"), 2);
  CU_ASSERT_EQUAL(pc_utf8_seq_len((const unsigned char *)"\xe9t"), 0);
  CU_ASSERT_EQUAL(pc_utf8_seq_len((const unsigned char *)"\xc0\xaf"), 0);
  CU_ASSERT_EQUAL(pc_utf8_seq_len((const unsigned char *)"\xed\xa0\x80"), 0);
  CU_ASSERT_EQUAL(pc_utf8_seq_len((const unsigned char *)"\xf0\x9f\x98\x80"),
                  4);
  CU_ASSERT_PTR_NULL(pc_text_xml_problem("Caf\xc3\xa9\tok\r\n", NULL));
  CU_ASSERT_STRING_EQUAL(pc_text_xml_problem("Lon\xe9" "don", &off),
                         "is not valid UTF-8");
  CU_ASSERT_EQUAL(off, 3);
  CU_ASSERT_STRING_EQUAL(pc_text_xml_problem("a\x07" "b", &off),
                         "contains a control character");
  CU_ASSERT_EQUAL(off, 1);
  CU_ASSERT_PTR_NULL(pc_text_header_problem("BM-Acme-Connector;a@b.test"));
  CU_ASSERT_PTR_NULL(pc_text_header_problem("a\tb"));
  CU_ASSERT_STRING_EQUAL(pc_text_header_problem("fr\r\nX: 1"),
                         "contains a line break (CR or LF)");
  CU_ASSERT_STRING_EQUAL(pc_text_header_problem("fr\nX: 1"),
                         "contains a line break (CR or LF)");
  CU_ASSERT_STRING_EQUAL(pc_text_header_problem("a\x01"),
                         "contains a control character");
  CU_ASSERT_STRING_EQUAL(pc_text_header_problem("a\x7f"),
                         "contains a control character");
}

/* ---- JSON from the network ---- */

static struct json_object *
parse(const char *s)
{
  char err[200];
  struct json_object *j = pc_json_parse(s, strlen(s), err, sizeof(err));

  CU_ASSERT_PTR_NOT_NULL(j);
  return j;
}

static void
t_json_trust(void)
{
  struct json_object *j;
  const char *s = NULL;
  char err[300];
  int64_t v;

  j = parse("{\"listing\":\"SKU-1\\u0000EVIL\",\"ok\":\"SKU-2\","
            "\"p\":\"1.00\\u0000\"}");
  CU_ASSERT_EQUAL(pc_json_str(j, "listing", 1, &s, err, sizeof(err)),
                  BMC_ERR_PROTOCOL);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "field listing"));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "NUL character"));
  CU_ASSERT_EQUAL(pc_json_str(j, "ok", 1, &s, err, sizeof(err)), BMC_OK);
  CU_ASSERT_STRING_EQUAL(s, "SKU-2");
  CU_ASSERT_EQUAL(pc_json_money(j, "p", 1, &v, err, sizeof(err)),
                  BMC_ERR_PROTOCOL);
  {
    struct json_object *x;
    CU_ASSERT_TRUE(json_object_object_get_ex(j, "listing", &x));
    CU_ASSERT_PTR_NULL(pc_json_text(x));
  }
  json_object_put(j);

  j = parse("{\"a\":99999999999999999999,\"b\":-9223372036854775809,"
            "\"c\":9223372036854775806,\"d\":18446744073709551615,"
            "\"e\":-9223372036854775807,\"m\":99999999999999999999}");
  CU_ASSERT_EQUAL(pc_json_int(j, "a", 1, &v, err, sizeof(err)),
                  BMC_ERR_PROTOCOL);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "field a: the number is out of range"));
  CU_ASSERT_EQUAL(pc_json_int(j, "b", 1, &v, err, sizeof(err)),
                  BMC_ERR_PROTOCOL);
  CU_ASSERT_EQUAL(pc_json_int(j, "d", 1, &v, err, sizeof(err)),
                  BMC_ERR_PROTOCOL);
  CU_ASSERT_EQUAL(pc_json_int(j, "c", 1, &v, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(v, INT64_C(9223372036854775806));
  CU_ASSERT_EQUAL(pc_json_int(j, "e", 1, &v, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(pc_json_money(j, "m", 1, &v, err, sizeof(err)),
                  BMC_ERR_PROTOCOL);
  json_object_put(j);

  j = parse("{\"a\":{\"b\":[\"x\",\"Lon\\u00e9don\",{\"c\":\"ok\"}]},"
            "\"n\":1}");
  CU_ASSERT_EQUAL(pc_json_check_text(j, err, sizeof(err)), BMC_OK);
  json_object_put(j);
  {
    const char raw[] = "{\"a\":{\"b\":[\"x\",{\"city\":\"Lon\xe9" "don\"}]}}";
    j = parse(raw);
  }
  CU_ASSERT_EQUAL(pc_json_check_text(j, err, sizeof(err)), BMC_ERR_PROTOCOL);
  CU_ASSERT_STRING_EQUAL(err, "field a.b[1].city is not valid UTF-8 (at "
                              "byte 3); refused");
  json_object_put(j);
  j = parse("{\"t\":\"a\\u0007b\",\"s\":\"x\\u0000\"}");
  CU_ASSERT_EQUAL(pc_json_check_text(j, err, sizeof(err)), BMC_ERR_PROTOCOL);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "field t contains a control"));
  json_object_put(j);
}

/* ---- links on base_url's origin ---- */

static struct pc_http *
client(struct fake_host *f, const char *base)
{
  struct pc_http_conf conf;
  struct pc_http *h = NULL;
  char err[300];

  memset(&conf, 0, sizeof(conf));
  conf.base_url = base;
  conf.user_agent = "BM-Test-Connector;ops@example.com";
  CU_ASSERT_EQUAL(pc_http_create(&conf, fake_host_api(), f, &h, err,
                                 sizeof(err)), BMC_OK);
  return h;
}

static void
link_is(struct pc_http *h, const char *link, const char *current,
        const char *want)
{
  char out[PC_HTTP_MAX_LINK + 200];
  char why[200];

  CU_ASSERT_EQUAL(pc_http_link(h, link, current, out, sizeof(out), why,
                               sizeof(why)), BMC_OK);
  CU_ASSERT_STRING_EQUAL(out, want);
}

static void
t_link(void)
{
  struct fake_host f;
  struct pc_http *h;
  struct pc_http *pro;
  char out[PC_HTTP_MAX_LINK + 200], why[200], *big;

  fake_host_init(&f, 1000);
  h = client(&f, "http://127.0.0.1:8080");
  pro = client(&f, "http://127.0.0.1:8080/sellers-prod");
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_PTR_NOT_NULL_FATAL(pro);
  /* another host, another scheme, a proxy's Host: same origin, same path */
  link_is(h, "https://www.backmarket.fr/ws/orders?page=2&x=1", NULL,
          "http://127.0.0.1:8080/ws/orders?page=2&x=1");
  link_is(h, "HTTP://evil.example:9999/ws/orders?page=3#frag", NULL,
          "http://127.0.0.1:8080/ws/orders?page=3");
  link_is(h, "//cdn.example/ws/listings?page=2", NULL,
          "http://127.0.0.1:8080/ws/listings?page=2");
  link_is(h, "https://user:pw@evil.example", NULL, "http://127.0.0.1:8080/");
  link_is(h, "https://evil.example?page=2", NULL,
          "http://127.0.0.1:8080/?page=2");
  link_is(h, "/ws/orders?page=2", NULL,
          "http://127.0.0.1:8080/ws/orders?page=2");
  link_is(h, "?page=2", "/ws/orders?page=1&page-size=50",
          "http://127.0.0.1:8080/ws/orders?page=2");
  link_is(pro, "?page=2", "/2024-03/orders?page=1",
          "http://127.0.0.1:8080/sellers-prod/2024-03/orders?page=2");
  link_is(pro, "?page=3",
          "http://127.0.0.1:8080/sellers-prod/2024-03/orders?page=2",
          "http://127.0.0.1:8080/sellers-prod/2024-03/orders?page=3");
  link_is(pro, "https://api.pro.backmarket.com/sellers-prod/2024-03/orders"
          "?page=2", NULL,
          "http://127.0.0.1:8080/sellers-prod/2024-03/orders?page=2");
  /* refused, with why */
  CU_ASSERT_EQUAL(pc_http_link(h, "page2", NULL, out, sizeof(out), why,
                               sizeof(why)), BMC_ERR_PROTOCOL);
  CU_ASSERT_PTR_NOT_NULL(strstr(why, "neither a URL nor an absolute path"));
  CU_ASSERT_EQUAL(pc_http_link(h, "/ws/orders?page=2\r\nX: 1", NULL, out,
                               sizeof(out), why, sizeof(why)),
                  BMC_ERR_PROTOCOL);
  CU_ASSERT_EQUAL(pc_http_link(h, "/ws/orders?a b", NULL, out, sizeof(out),
                               why, sizeof(why)), BMC_ERR_PROTOCOL);
  big = malloc(PC_HTTP_MAX_LINK + 10);
  CU_ASSERT_PTR_NOT_NULL_FATAL(big);
  memset(big, 'a', PC_HTTP_MAX_LINK + 9);
  big[0] = '/';
  big[PC_HTTP_MAX_LINK + 9] = '\0';
  CU_ASSERT_EQUAL(pc_http_link(h, big, NULL, out, sizeof(out), why,
                               sizeof(why)), BMC_ERR_PROTOCOL);
  free(big);
  CU_ASSERT_EQUAL(pc_http_url_of(pro, "/2024-03/status", out, sizeof(out)),
                  BMC_OK);
  CU_ASSERT_STRING_EQUAL(out, "http://127.0.0.1:8080/sellers-prod/2024-03/"
                              "status");
  /* a target on another origin is still refused outright */
  CU_ASSERT_EQUAL(pc_http_url_of(h, "http://evil.example/x", out,
                                 sizeof(out)), BMC_ERR_PROTOCOL);
  pc_http_free(h);
  pc_http_free(pro);
  fake_host_free(&f);
}

/* ---- pages and the pager ---- */

static const struct pc_page_spec bm_spec = {"orders", "results", "count",
                                            NULL, "next"};
static const struct pc_page_spec pro_spec = {"orders", "items", "total",
                                             "links", "next"};

static void
t_page_decode(void)
{
  static const struct {
    const char *json;
    int rc;
    int64_t count;
    const char *next;
  } cases[] = {
    {"{\"count\":3,\"next\":\"/p2\",\"results\":[1,2]}", BMC_OK, 3, "/p2"},
    {"{\"count\":-5,\"next\":null,\"results\":[]}", BMC_OK, -1, NULL},
    {"{\"count\":1000000000000000,\"results\":[]}", BMC_OK, -1, NULL},
    {"{\"count\":\"12\",\"results\":[]}", BMC_OK, -1, NULL},
    {"{\"count\":99999999999999999999,\"results\":[]}", BMC_OK, -1, NULL},
    {"{\"count\":1,\"next\":7,\"results\":[]}", BMC_ERR_PROTOCOL, -1, NULL},
    {"{\"count\":1,\"next\":\"/p\\u0000x\",\"results\":[]}",
     BMC_ERR_PROTOCOL, -1, NULL},
    {"{\"count\":1}", BMC_ERR_PROTOCOL, -1, NULL},
    {"[1]", BMC_ERR_PROTOCOL, -1, NULL},
  };
  struct pc_page pg;
  char err[300];
  size_t i;

  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct json_object *j = parse(cases[i].json);
    err[0] = '\0';
    CU_ASSERT_EQUAL(pc_page_decode(&bm_spec, j, &pg, err, sizeof(err)),
                    cases[i].rc);
    if(cases[i].rc == BMC_OK) {
      CU_ASSERT_EQUAL(pg.count, cases[i].count);
      if(cases[i].next) {
        CU_ASSERT_STRING_EQUAL(pg.next, cases[i].next);
      }
      else {
        CU_ASSERT_PTR_NULL(pg.next);
      }
      CU_ASSERT_EQUAL(pg.count < 0 && strstr(cases[i].json, "\"count\""),
                      pg.count_refused[0] != '\0');
    }
    else {
      CU_ASSERT_PTR_NOT_NULL(strstr(err, "orders page"));
    }
    json_object_put(j);
  }
  {
    struct json_object *j = parse("{\"items\":[{}],\"links\":{\"next\":"
                                  "\"/x?page=2\"},\"total\":1}");
    CU_ASSERT_EQUAL(pc_page_decode(&pro_spec, j, &pg, err, sizeof(err)),
                    BMC_OK);
    CU_ASSERT_STRING_EQUAL(pg.next, "/x?page=2");
    CU_ASSERT_EQUAL(pg.count, 1);
    json_object_put(j);
    j = parse("{\"items\":[],\"links\":\"x\"}");
    CU_ASSERT_EQUAL(pc_page_decode(&pro_spec, j, &pg, err, sizeof(err)),
                    BMC_ERR_PROTOCOL);
    json_object_put(j);
  }
}

/* One step of the pager over a page given as JSON text. */
static int
step(struct pc_pager *p, const char *json, int *more, char *err,
     size_t errlen)
{
  struct json_object *j = parse(json);
  struct pc_page pg;
  int rc = pc_page_decode(&bm_spec, j, &pg, err, errlen);

  if(!rc)
    rc = pc_pager_step(p, &pg, more, err, errlen);
  json_object_put(j);
  return rc;
}

static void
t_pager(void)
{
  struct fake_host f;
  struct pc_http *h;
  struct pc_pager p;
  char err[400];
  int more = -1;

  fake_host_init(&f, 1000);
  h = client(&f, "http://127.0.0.1:8080");
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);

  /* a next that leads back to the first page */
  pc_pager_init(&p, &bm_spec, h, fake_host_api(), &f, NULL,
                "/ws/orders?page-size=2", 2, 1000);
  CU_ASSERT_EQUAL(step(&p, "{\"count\":4,\"next\":\"https://x.example/ws/"
                       "orders?page=2\",\"results\":[1,2]}", &more, err,
                       sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(more, 1);
  CU_ASSERT_STRING_EQUAL(pc_pager_target(&p),
                         "http://127.0.0.1:8080/ws/orders?page=2");
  CU_ASSERT_EQUAL(step(&p, "{\"count\":4,\"next\":\"/ws/orders?page-size=2\","
                       "\"results\":[3,4]}", &more, err, sizeof(err)),
                  BMC_ERR_PROTOCOL);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "leads back to page 1"));
  CU_ASSERT_EQUAL(pc_pager_total(&p, 4), 4);
  pc_pager_free(&p);

  /* new URLs, the same items */
  pc_pager_init(&p, &bm_spec, h, fake_host_api(), &f, NULL, "/ws/orders", 2,
                1000);
  CU_ASSERT_EQUAL(step(&p, "{\"count\":4,\"next\":\"/a\",\"results\":[1,2]}",
                       &more, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(step(&p, "{\"count\":4,\"next\":\"/b\",\"results\":[1,2]}",
                       &more, err, sizeof(err)), BMC_ERR_PROTOCOL);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "repeats page 1 item for item"));
  pc_pager_free(&p);

  /* count 3 at 1 per page: 3 pages + 2 */
  pc_pager_init(&p, &bm_spec, h, fake_host_api(), &f, NULL, "/ws/orders", 50,
                1000);
  {
    int i;
    char page[200];
    for(i = 1; i <= 5; i++) {
      snprintf(page, sizeof(page), "{\"count\":3,\"next\":\"/p%d\","
               "\"results\":[%d]}", i + 1, i);
      CU_ASSERT_EQUAL(step(&p, page, &more, err, sizeof(err)),
                      i < 5 ? BMC_OK : BMC_ERR_PROTOCOL);
    }
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "allows at most 5 page(s)"));
  }
  pc_pager_free(&p);

  /* no usable count: the hard cap; an absurd count warns once and is not
   * a total */
  pc_pager_init(&p, &bm_spec, h, fake_host_api(), &f, NULL, "/ws/orders", 50,
                2);
  CU_ASSERT_EQUAL(step(&p, "{\"count\":-7,\"next\":\"/q2\",\"results\":[1]}",
                       &more, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(step(&p, "{\"count\":-7,\"next\":\"/q3\",\"results\":[2]}",
                       &more, err, sizeof(err)), BMC_ERR_PROTOCOL);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "more than 2 pages"));
  CU_ASSERT_EQUAL(pc_pager_total(&p, 2), 2);
  CU_ASSERT_PTR_NOT_NULL(strstr(f.log, "the count -7 is not a plausible"));
  CU_ASSERT_PTR_NULL(strstr(strstr(f.log, "the count -7") + 1,
                            "the count -7"));
  pc_pager_free(&p);

  /* thousands of pages (a 100,000-order import): what was seen is still
   * found after the table grew, a link back to page 1,500 is a loop */
  pc_pager_init(&p, &bm_spec, h, fake_host_api(), &f, NULL, "/ws/orders", 1,
                100000);
  {
    int i;
    int rc = BMC_OK;
    char page[200];
    for(i = 1; i <= 3000 && !rc; i++) {
      snprintf(page, sizeof(page), "{\"count\":5000,\"next\":\"/ws/orders?"
               "page=%d\",\"results\":[%d]}", i < 3000 ? i + 1 : 1500, i);
      rc = step(&p, page, &more, err, sizeof(err));
    }
    CU_ASSERT_EQUAL(i, 3001);
    CU_ASSERT_EQUAL(rc, BMC_ERR_PROTOCOL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "page 3000: the next link leads back "
                                       "to page 1500"));
    pc_pager_free(&p);
    pc_pager_init(&p, &bm_spec, h, fake_host_api(), &f, NULL, "/ws/orders",
                  1, 100000);
    rc = BMC_OK;
    for(i = 1; i <= 3000 && !rc; i++) {
      snprintf(page, sizeof(page), "{\"count\":5000,\"next\":\"/r%d\","
               "\"results\":[%d]}", i + 1, i < 3000 ? i : 7);
      rc = step(&p, page, &more, err, sizeof(err));
    }
    CU_ASSERT_EQUAL(rc, BMC_ERR_PROTOCOL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "page 3000 repeats page 7"));
  }
  pc_pager_free(&p);

  /* the last page */
  pc_pager_init(&p, &bm_spec, h, fake_host_api(), &f, NULL, "/ws/orders", 50,
                10);
  CU_ASSERT_EQUAL(step(&p, "{\"count\":1,\"next\":null,\"results\":[1]}",
                       &more, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(more, 0);
  pc_pager_free(&p);
  pc_http_free(h);
  fake_host_free(&f);
}

/* ---- HTTP dates and the cursor bound ---- */

static void
t_cursor(void)
{
  struct fake_host f;
  int64_t ms = 0;
  int64_t now = INT64_C(1774180800000); /* 2026-03-22T12:00:00Z */
  int64_t got;

  CU_ASSERT_EQUAL(pc_time_parse_http("Sun, 22 Mar 2026 12:00:00 GMT", &ms),
                  BMC_OK);
  CU_ASSERT_EQUAL(ms, now);
  CU_ASSERT_EQUAL(pc_time_parse_http("Sun, 22 Mar 2026 12:00:00 UTC", &ms),
                  BMC_ERR_PROTOCOL);
  CU_ASSERT_EQUAL(pc_time_parse_http("Sun, 30 Feb 2026 12:00:00 GMT", &ms),
                  BMC_ERR_PROTOCOL);
  CU_ASSERT_EQUAL(pc_time_parse_http("garbage", &ms), BMC_ERR_PROTOCOL);
  CU_ASSERT_EQUAL(pc_http_retry_after_ms("Sun, 22 Mar 2026 12:00:10 GMT",
                                         now), 10000);
  /* min(host, server) - overlap */
  CU_ASSERT_EQUAL(pc_cursor_bound(now, 0, 0, 900000), now - 900000);
  CU_ASSERT_EQUAL(pc_cursor_bound(now, 1, now - 3600000, 900000),
                  now - 4500000);
  CU_ASSERT_EQUAL(pc_cursor_bound(now, 1, now + 3600000, 900000),
                  now - 900000);
  fake_host_init(&f, now);
  /* a 2099 order: clamped, warned */
  got = pc_cursor_clamp(fake_host_api(), &f, NULL, NULL,
                        INT64_C(4070908800000), INT64_C(4070908800000),
                        "order 7", "date_modification", 900000);
  CU_ASSERT_EQUAL(got, now - 900000);
  CU_ASSERT_PTR_NOT_NULL(strstr(f.log, "clock or data is ahead: "
                                       "date_modification "
                                       "2099-01-01T00:00:00Z of order 7"));
  /* an old cursor is kept, and a date within a minute is no warning */
  f.log[0] = '\0';
  got = pc_cursor_clamp(fake_host_api(), &f, NULL, NULL, now - 7200000,
                        now + 30000, "order 8", "date_modification", 900000);
  CU_ASSERT_EQUAL(got, now - 7200000);
  CU_ASSERT_EQUAL(f.log[0], '\0');
  fake_host_free(&f);
}

/* ---- header injection ---- */

static void
t_header(void)
{
  static const struct {
    const char *base, *ua, *lang, *auth, *want;
  } cases[] = {
    {"http://127.0.0.1:8080\r\nX: 1", "ua", NULL, NULL,
     "setting base_url: the value contains a line break"},
    {"http://127.0.0.1:8080", "BM-Acme;ops@x.test\r\nX-Evil: 1", NULL, NULL,
     "setting contact_email: the value contains a line break"},
    {"http://127.0.0.1:8080", "ua", "fr-fr\nX: 1", NULL,
     "setting markets: the value contains a line break"},
    {"http://127.0.0.1:8080", "ua", "fr-fr\x01", NULL,
     "setting markets: the value contains a control character"},
    {"http://127.0.0.1:8080", "ua", NULL, "Basic secret-value\r\nX: 1",
     "setting token: the value contains a line break"},
  };
  struct fake_host f;
  struct pc_http_conf conf;
  struct pc_http *h;
  struct pc_http_req req;
  struct pc_http_resp resp;
  char err[400];
  size_t i;

  fake_host_init(&f, 1000);
  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    memset(&conf, 0, sizeof(conf));
    conf.base_url = cases[i].base;
    conf.base_url_setting = "base_url";
    conf.user_agent = cases[i].ua;
    conf.user_agent_setting = "contact_email";
    conf.accept_language = cases[i].lang;
    conf.accept_language_setting = "markets";
    conf.auth_header = "Authorization";
    conf.auth_value = cases[i].auth;
    conf.auth_setting = "token";
    h = NULL;
    err[0] = '\0';
    CU_ASSERT_EQUAL(pc_http_create(&conf, fake_host_api(), &f, &h, err,
                                   sizeof(err)), BMC_ERR_CONFIG);
    CU_ASSERT_PTR_NULL(h);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].want));
    CU_ASSERT_PTR_NULL(strstr(err, "secret-value"));
  }
  /* per request: Accept-Language from a market list */
  h = client(&f, "http://127.0.0.1:1");
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  memset(&req, 0, sizeof(req));
  req.method = "GET";
  req.target = "/ws/listings";
  req.accept_language = "en-gb\r\nX-Evil: 1";
  req.max_attempts = 1;
  CU_ASSERT_EQUAL(pc_http_send(h, &req, &resp), BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(resp.error, "Accept-Language"));
  pc_http_resp_clear(&resp);
  pc_http_free(h);
  fake_host_free(&f);
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"text", "UTF-8, XML and header checks", t_text},
    {"json_trust", "NUL, int64 overflow, bad field named", t_json_trust},
    {"link", "next links on base_url's origin", t_link},
    {"page", "page envelope decoder", t_page_decode},
    {"page", "pager: loops, caps, counts", t_pager},
    {"cursor", "HTTP dates and the cursor bound", t_cursor},
    {"header", "CR/LF refused in header values", t_header},
  };

  return fake_host_main(cases, CU_CASES_N(cases), argc, argv);
}
