/*
 * test_hostile_orders.c -- the Back Market plugin's order download against
 * the hostile server (issue 10, items 1, 2, 4, 5, 6 and the plugin side of
 * 7): future dates and Date headers never move the cursor past the clock;
 * `next` on another origin is followed on base_url's origin; loops and
 * runaway pages end the run with a clear error; absurd counts never reach
 * the job's total; NUL in strings, int64 overflow and non-UTF-8 text are
 * refused per order; IMEIs in the payload are kept; an accept POST in
 * flight when the process died is settled by the next run; lines sharing a
 * SKU go in one POST; CR/LF in a setting never reaches a header.
 * argv[1] names the scenario.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "cu_main.h"
#include "hx_env.h"

static struct hx_env E;

static const char *const SETTINGS[] = {
  "order_download", "true", "tracking_upload", "true", "markets", "en-gb",
  "acceptance_policy", "accept", "order_overlap_s", "900", NULL};

/* The first page a first run asks for: 14 days back, minus the overlap. */
#define FIRST_PAGE "/ws/orders?date_modification=2026-03-08T11:45:00Z"

#define START()                                                            \
  CU_ASSERT_EQUAL_FATAL(hx_env_start(&E, "backmarket", NULL, SETTINGS), 0)

static int
log_has(int64_t jid, const char *text)
{
  return th_job_log_count(&E.te, jid, text);
}

/* An order of one paid line, as served by the list and by GET/POST
 * /ws/orders/<id> (the accept answer shows the line accepted). */
static void
serve_order(char *buf, size_t len, int64_t id, const char *date, int state)
{
  struct hx_line l = {id + 100, "SKU-A", state, 1, NULL};
  char oid[32];
  char path[64];
  char acc[4096];

  snprintf(oid, sizeof(oid), "%lld", (long long)id);
  CU_ASSERT_FATAL(hx_bm_order(buf, len, oid, date, 1, &l, 1, NULL) > 0);
  l.state = 2;
  CU_ASSERT_FATAL(hx_bm_order(acc, sizeof(acc), oid, date, 3, &l, 1, NULL) >
                  0);
  snprintf(path, sizeof(path), "/ws/orders/%lld$", (long long)id);
  CU_ASSERT_EQUAL(hx_serve(&E, "POST", path, -1, acc), 0);
  CU_ASSERT_EQUAL(hx_serve(&E, "GET", path, -1, acc), 0);
}

static void
serve_page(const char *prefix, const char *count, const char *next,
           const char *const *orders, size_t n, const char *date_header)
{
  char page[16384];
  struct hx_reply r;

  CU_ASSERT_FATAL(hx_bm_page(page, sizeof(page), count, next, orders, n) >
                  0);
  memset(&r, 0, sizeof(r));
  r.body = page;
  r.date = date_header;
  CU_ASSERT_EQUAL(hx_rule(E.srv, "GET", prefix, -1, &r), 0);
}

/* Item 1: an order dated 2099 is imported, the cursor stays at the clock
 * minus the overlap, and the job log warns once. */
static void
t_future_date(void)
{
  char a[4096], b[4096], now_m1[32], cur[64];
  const char *orders[2] = {a, b};
  int64_t jid;

  START();
  hx_time(&E, -60, now_m1, sizeof(now_m1));
  serve_order(a, sizeof(a), 1001, "2099-01-01T00:00:00Z", 1);
  serve_order(b, sizeof(b), 1002, now_m1, 1);
  serve_page("/ws/orders?", "2", NULL, orders, 2, NULL);
  CU_ASSERT_EQUAL(hx_run(&E, "order_download", &jid), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(th_orders_count(&E.te), 2);
  CU_ASSERT_EQUAL(log_has(jid, "clock or data is ahead"), 1);
  CU_ASSERT_EQUAL(log_has(jid, "2099-01-01T00:00:00Z of order 1001"), 1);
  CU_ASSERT_EQUAL(hx_state(&E, "orders/cursor", cur, sizeof(cur)), 0);
  CU_ASSERT_STRING_EQUAL(cur, "2026-03-22T11:45:00Z");
  /* the next run reads from the cursor minus the overlap, not from 2099 */
  th_clock_advance(&E.te, 300000);
  CU_ASSERT_EQUAL(hx_run(&E, "order_download", &jid), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(hx_count(E.srv, "GET", "/ws/orders?date_modification="
                           "2026-03-22T11:30:00Z", NULL), 1);
  CU_ASSERT_EQUAL(log_has(jid, "clock or data is ahead"), 1);
  CU_ASSERT_EQUAL(th_orders_count(&E.te), 2);
  hx_env_stop(&E);
}

/* Item 1: a cursor already in the future (stored by a version that
 * trusted a 2099 date) is not used: the first download's window is read
 * again. */
static void
t_stale_cursor(void)
{
  char a[4096];
  const char *orders[1] = {a};
  int64_t jid;

  START();
  serve_order(a, sizeof(a), 1051, "2026-03-22T11:00:00Z", 1);
  serve_page("/ws/orders?", "1", NULL, orders, 1, NULL);
  CU_ASSERT_EQUAL(hx_run(&E, "order_download", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL_FATAL(hx_state_set(&E, "orders/cursor",
                                     "2099-01-01T00:00:00Z"), 0);
  CU_ASSERT_EQUAL(hx_run(&E, "order_download", &jid), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(hx_count(E.srv, "GET", FIRST_PAGE, NULL), 2);
  CU_ASSERT(log_has(jid, "the stored order cursor 2099-01-01T00:00:00Z is "
                    "ahead of the host clock") >= 1);
  hx_env_stop(&E);
}

/* Item 1: the server's Date header: an hour behind, it bounds the cursor;
 * an hour ahead, the host clock does. */
static void
t_server_date(void)
{
  char a[4096], when[32], date[40], cur[64];
  const char *orders[1] = {a};
  int64_t jid;

  START();
  hx_time(&E, -1800, when, sizeof(when)); /* 11:30, ahead of the server */
  hx_http_date(th_now(&E.te) - 3600000, date, sizeof(date));
  serve_order(a, sizeof(a), 1101, when, 1);
  serve_page("/ws/orders?", "1", NULL, orders, 1, date);
  CU_ASSERT_EQUAL(hx_run(&E, "order_download", &jid), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(th_orders_count(&E.te), 1);
  CU_ASSERT_EQUAL(hx_state(&E, "orders/cursor", cur, sizeof(cur)), 0);
  CU_ASSERT_STRING_EQUAL(cur, "2026-03-22T10:45:00Z"); /* 11:00 - 15 min */
  CU_ASSERT_EQUAL(log_has(jid, "server Date header"), 1);
  hx_env_stop(&E);

  START();
  hx_time(&E, -60, when, sizeof(when));
  hx_http_date(th_now(&E.te) + 3600000, date, sizeof(date));
  serve_order(a, sizeof(a), 1102, when, 1);
  serve_page("/ws/orders?", "1", NULL, orders, 1, date);
  CU_ASSERT_EQUAL(hx_run(&E, "order_download", &jid), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(hx_state(&E, "orders/cursor", cur, sizeof(cur)), 0);
  CU_ASSERT_STRING_EQUAL(cur, "2026-03-22T11:45:00Z"); /* host clock */
  CU_ASSERT_EQUAL(log_has(jid, "clock or data is ahead"), 0);
  hx_env_stop(&E);
}

/* Item 2: `next` on another host (and https where base_url is http) is
 * followed by its path and query on base_url's origin, with the token. */
static void
t_foreign_next(void)
{
  char a[4096], b[4096], c[4096], next1[256], next2[256];
  const char *o1[1] = {a}, *o2[1] = {b}, *o3[1] = {c};
  int64_t jid;
  int total;

  START();
  serve_order(a, sizeof(a), 1201, "2026-03-22T11:00:00Z", 1);
  serve_order(b, sizeof(b), 1202, "2026-03-22T11:01:00Z", 1);
  serve_order(c, sizeof(c), 1203, "2026-03-22T11:02:00Z", 1);
  snprintf(next1, sizeof(next1), "\"https://storefront.other-host.example"
           "/ws/orders?page=2&date_modification=2026-03-08T11:45:00Z\"");
  snprintf(next2, sizeof(next2), "\"https://127.0.0.1:%u/ws/orders?page=3\"",
           (unsigned)hx_port(E.srv));
  serve_page("/ws/orders?page=2", "3", next2, o2, 1, NULL);
  serve_page("/ws/orders?page=3", "3", NULL, o3, 1, NULL);
  serve_page(FIRST_PAGE, "3", next1, o1, 1, NULL);
  CU_ASSERT_EQUAL(hx_run(&E, "order_download", &jid), HS_JOB_COMPLETED);
  if(th_orders_count(&E.te) != 3)
    th_job_log_dump(&E.te, jid, stderr);
  CU_ASSERT_EQUAL(th_orders_count(&E.te), 3);
  CU_ASSERT_EQUAL(hx_count(E.srv, "GET", "/ws/orders?page=2&date_"
                           "modification=2026-03-08T11:45:00Z", NULL), 1);
  CU_ASSERT_EQUAL(hx_count(E.srv, "GET", "/ws/orders?page=3", NULL), 1);
  /* every request (all of them reached this loopback server) carried the
   * token: none was dropped, none could go elsewhere */
  total = hx_count(E.srv, NULL, NULL, NULL);
  CU_ASSERT_EQUAL(hx_count_header(E.srv, "authorization", "Basic "), total);
  hx_env_stop(&E);
}

/* Item 2: a `next` back to a page already read ends the run with a clear
 * error after two requests, not a spin holding the company's lock. */
static void
t_next_loop(void)
{
  char a[4096], b[4096], next1[160], next2[200];
  const char *o1[1] = {a}, *o2[1] = {b};
  int64_t jid;

  START();
  serve_order(a, sizeof(a), 1301, "2026-03-22T11:00:00Z", 1);
  serve_order(b, sizeof(b), 1302, "2026-03-22T11:01:00Z", 1);
  snprintf(next1, sizeof(next1), "\"/ws/orders?page=2\"");
  snprintf(next2, sizeof(next2), "\"http://127.0.0.1:%u" FIRST_PAGE
           "&page-size=50\"", (unsigned)hx_port(E.srv));
  serve_page("/ws/orders?page=2", "2", next2, o2, 1, NULL);
  serve_page(FIRST_PAGE, "2", next1, o1, 1, NULL);
  CU_ASSERT_EQUAL(hx_run(&E, "order_download", &jid), HS_JOB_FAILED);
  CU_ASSERT_EQUAL(hx_count(E.srv, "GET", "/ws/orders?", NULL), 2);
  CU_ASSERT(log_has(jid, "leads back to page 1, already read") >= 1);
  CU_ASSERT_EQUAL(th_errors_count(&E.te, "malformed_response", NULL,
                                  "loop"), 1);
  hx_env_stop(&E);

  /* new URLs, the same orders again and again */
  START();
  serve_order(a, sizeof(a), 1303, "2026-03-22T11:00:00Z", 1);
  serve_page("/ws/orders?p=2", "2", "\"/ws/orders?p=3\"", o1, 1, NULL);
  serve_page("/ws/orders?p=3", "2", "\"/ws/orders?p=4\"", o1, 1, NULL);
  serve_page(FIRST_PAGE, "2", "\"/ws/orders?p=2\"", o1, 1, NULL);
  CU_ASSERT_EQUAL(hx_run(&E, "order_download", &jid), HS_JOB_FAILED);
  CU_ASSERT_EQUAL(hx_count(E.srv, "GET", "/ws/orders?", NULL), 2);
  CU_ASSERT(log_has(jid, "repeats page 1 item for item") >= 1);
  hx_env_stop(&E);
}

/* Item 2: more pages than count promised (plus the margin) end the run. */
static void
t_page_cap(void)
{
  char o[6][4096], prefix[32], next[32];
  const char *one[1];
  int64_t jid;
  int i;

  START();
  for(i = 5; i >= 1; i--) {
    serve_order(o[i], sizeof(o[i]), 1400 + i, "2026-03-22T11:00:00Z", 1);
    one[0] = o[i];
    snprintf(prefix, sizeof(prefix), "/ws/orders?p=%d", i + 1);
    snprintf(next, sizeof(next), "\"/ws/orders?p=%d\"", i + 2);
    serve_page(prefix, "2", next, one, 1, NULL);
  }
  serve_order(o[0], sizeof(o[0]), 1400, "2026-03-22T11:00:00Z", 1);
  one[0] = o[0];
  serve_page(FIRST_PAGE, "2", "\"/ws/orders?p=2\"", one, 1, NULL);
  CU_ASSERT_EQUAL(hx_run(&E, "order_download", &jid), HS_JOB_FAILED);
  /* count 2 at 1 per page: 2 pages + a margin of 2 */
  CU_ASSERT_EQUAL(hx_count(E.srv, "GET", "/ws/orders?", NULL), 4);
  CU_ASSERT(log_has(jid, "allows at most 4 page(s)") >= 1);
  hx_env_stop(&E);
}

/* Item 3: an absurd count never becomes the job's total. */
static void
t_bad_count(void)
{
  char a[4096];
  const char *orders[1] = {a};
  int64_t jid, done = -1, total = -1;

  START();
  serve_order(a, sizeof(a), 1501, "2026-03-22T11:00:00Z", 1);
  serve_page("/ws/orders?", "1000000000000000", NULL, orders, 1, NULL);
  CU_ASSERT_EQUAL(hx_run(&E, "order_download", &jid), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(hx_job_progress(&E, jid, &done, &total), 0);
  CU_ASSERT_EQUAL(done, 1);
  CU_ASSERT_EQUAL(total, 1);
  CU_ASSERT_EQUAL(log_has(jid, "not a plausible number of orders"), 1);
  hx_env_stop(&E);
}

/* Item 4: a NUL inside a string, ids beyond int64 and non-UTF-8 text are
 * refused (the order is reported and kept for the next run), never read
 * as "SKU-1", INT64_MAX or mangled text. */
static void
t_bad_strings(void)
{
  struct hx_line nul = {1601, "SKU-1\\u0000EVIL", 1, 1, NULL};
  struct hx_line big = {1602, "SKU-A", 1, 1, NULL};
  struct hx_line ok = {1603, "SKU-A", 1, 1, NULL};
  char a[4096], b[4096], c[4096], d[4096], tail[4096];
  const char *orders[4] = {a, b, c, d};
  int64_t jid;
  char *p;

  START();
  CU_ASSERT_FATAL(hx_bm_order(a, sizeof(a), "1601", "2026-03-22T11:00:00Z",
                              1, &nul, 1, NULL) > 0);
  CU_ASSERT_FATAL(hx_bm_order(b, sizeof(b), "99999999999999999999",
                              "2026-03-22T11:00:00Z", 1, &big, 1, NULL) > 0);
  CU_ASSERT_FATAL(hx_bm_order(c, sizeof(c), "1603", "2026-03-22T11:00:00Z",
                              1, &ok, 1, "Lon\xe9" "don") > 0);
  CU_ASSERT_FATAL(hx_bm_order(d, sizeof(d), "1604", "2026-03-22T11:00:00Z",
                              1, &ok, 1, NULL) > 0);
  /* a line id beyond int64 */
  p = strstr(d, "\"id\": 1603");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  snprintf(tail, sizeof(tail), "%s", p + strlen("\"id\": 1603"));
  snprintf(p, sizeof(d) - (size_t)(p - d), "\"id\": 9223372036854775808%s",
           tail);
  serve_page("/ws/orders?", "4", NULL, orders, 4, NULL);
  CU_ASSERT_EQUAL(hx_run(&E, "order_download", &jid), HS_JOB_PARTIAL);
  CU_ASSERT_EQUAL(th_orders_count(&E.te), 0);
  CU_ASSERT_EQUAL(th_errors_count(&E.te, "order_malformed", "1601",
                                  "NUL character"), 1);
  CU_ASSERT_EQUAL(th_errors_count(&E.te, "order_malformed", NULL,
                                  "order_id: the number is out of range"), 1);
  CU_ASSERT_EQUAL(th_errors_count(&E.te, "order_malformed", "1603",
                                  "shipping_address.city is not valid "
                                  "UTF-8"), 1);
  CU_ASSERT_EQUAL(th_errors_count(&E.te, "order_malformed", "1604",
                                  "id: the number is out of range"), 1);
  CU_ASSERT_EQUAL(hx_count(E.srv, "POST", NULL, NULL), 0);
  hx_env_stop(&E);
}

/* Item 5: an IMEI Back Market already holds is kept in the order. */
static void
t_serials_kept(void)
{
  struct hx_line l = {1701, "SKU-A", 2, 1, "356938035643809"};
  char a[4096];
  const char *orders[1] = {a};
  char *xml;

  START();
  CU_ASSERT_FATAL(hx_bm_order(a, sizeof(a), "1700", "2026-03-22T11:00:00Z",
                              3, &l, 1, NULL) > 0);
  serve_page("/ws/orders?", "1", NULL, orders, 1, NULL);
  CU_ASSERT_EQUAL(hx_run(&E, "order_download", NULL), HS_JOB_COMPLETED);
  xml = hx_order_xml(&E, "1700");
  CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
  CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<serial>356938035643809</serial>"));
  free(xml);
  hx_env_stop(&E);
}

/* Item 6: the process dies while the accept POST is in flight (the server
 * applied it); the next run settles the journal from what it reads and
 * logs the acceptance, without a second POST. */
static pid_t g_child;

static void
kill_child(void *ud, const struct hx_request *rq)
{
  (void)ud;
  (void)rq;
  if(g_child > 0)
    kill(g_child, SIGKILL);
}

static void
t_crash_in_flight(void)
{
  struct hx_line l = {1801, "SKU-A", 1, 1, NULL};
  char paid[4096], acc[4096], start_ms[32], err[256], val[64];
  const char *orders[1] = {paid};
  struct hx_reply r;
  int64_t jid;
  int wst = 0;

  START();
  CU_ASSERT_FATAL(hx_bm_order(paid, sizeof(paid), "1800",
                              "2026-03-22T11:00:00Z", 1, &l, 1, NULL) > 0);
  serve_page("/ws/orders?", "1", NULL, orders, 1, NULL);
  memset(&r, 0, sizeof(r));
  r.body = "{}";
  CU_ASSERT_EQUAL(hx_rule_hook(E.srv, "POST", "/ws/orders/1800$", 1, &r,
                               kill_child, NULL), 0);
  snprintf(start_ms, sizeof(start_ms), "%lld", (long long)th_now(&E.te));
  fflush(NULL);
  g_child = fork();
  CU_ASSERT_FATAL(g_child >= 0);
  if(g_child == 0) {
    execl(BM_CRASH_CHILD, BM_CRASH_CHILD, E.te.db, start_ms, E.te.company,
          "order_download", "-", "0", (char *)NULL);
    _exit(4);
  }
  CU_ASSERT_EQUAL(waitpid(g_child, &wst, 0), g_child);
  CU_ASSERT_TRUE(WIFSIGNALED(wst) && WTERMSIG(wst) == SIGKILL);
  g_child = 0;
  CU_ASSERT_EQUAL(hx_count(E.srv, "POST", "/ws/orders/1800", NULL), 1);
  CU_ASSERT_EQUAL(hx_state(&E, "line/1800/1801", val, sizeof(val)), 0);
  CU_ASSERT_STRING_EQUAL(val, "sent:2");
  /* the POST went through: Back Market now shows the line accepted */
  CU_ASSERT_EQUAL_FATAL(th_env_reopen(&E.te, err, sizeof(err)), 0);
  hx_reset(E.srv);
  l.state = 2;
  CU_ASSERT_FATAL(hx_bm_order(acc, sizeof(acc), "1800",
                              "2026-03-22T11:01:00Z", 3, &l, 1, NULL) > 0);
  orders[0] = acc;
  serve_page("/ws/orders?", "1", NULL, orders, 1, NULL);
  th_clock_advance(&E.te, 300000);
  CU_ASSERT_EQUAL(hx_run(&E, "order_download", &jid), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(hx_count(E.srv, "POST", NULL, NULL), 0);
  CU_ASSERT_EQUAL(hx_state(&E, "line/1800/1801", val, sizeof(val)), 0);
  CU_ASSERT_STRING_EQUAL(val, "done:2");
  CU_ASSERT_EQUAL(log_has(jid, "line 1801 (SKU SKU-A x1) accepted on Back "
                          "Market: the request of an earlier run"), 1);
  CU_ASSERT_EQUAL(log_has(jid, "1 line(s) accepted"), 1);
  CU_ASSERT_EQUAL(th_orders_count(&E.te), 1);
  hx_env_stop(&E);
}

/* Item 6: two lines with the same SKU: one POST accepts both; a server
 * that moves one line per POST gets a second one, never a refused one. */
static void
t_same_sku(void)
{
  struct hx_line l[2] = {{1901, "SKU-A", 1, 1, NULL},
                         {1902, "SKU-A", 1, 2, NULL}};
  char paid[4096], half[4096], both[4096], val[64];
  const char *orders[1] = {paid};
  int64_t jid;

  START();
  CU_ASSERT_FATAL(hx_bm_order(paid, sizeof(paid), "1900",
                              "2026-03-22T11:00:00Z", 1, l, 2, NULL) > 0);
  l[0].state = l[1].state = 2;
  CU_ASSERT_FATAL(hx_bm_order(both, sizeof(both), "1900",
                              "2026-03-22T11:01:00Z", 3, l, 2, NULL) > 0);
  serve_page("/ws/orders?", "1", NULL, orders, 1, NULL);
  CU_ASSERT_EQUAL(hx_serve(&E, "POST", "/ws/orders/1900$", 1, both), 0);
  CU_ASSERT_EQUAL(hx_run(&E, "order_download", &jid), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(hx_count(E.srv, "POST", "/ws/orders/1900", NULL), 1);
  CU_ASSERT_EQUAL(hx_state(&E, "line/1900/1901", val, sizeof(val)), 0);
  CU_ASSERT_STRING_EQUAL(val, "done:2");
  CU_ASSERT_EQUAL(hx_state(&E, "line/1900/1902", val, sizeof(val)), 0);
  CU_ASSERT_STRING_EQUAL(val, "done:2");
  CU_ASSERT_EQUAL(log_has(jid, "2 line(s) accepted"), 1);
  hx_env_stop(&E);

  /* one line per POST (like the embedded simulator) */
  START();
  l[0].state = l[1].state = 1;
  CU_ASSERT_FATAL(hx_bm_order(paid, sizeof(paid), "1900",
                              "2026-03-22T11:00:00Z", 1, l, 2, NULL) > 0);
  l[1].state = 2;
  CU_ASSERT_FATAL(hx_bm_order(half, sizeof(half), "1900",
                              "2026-03-22T11:01:00Z", 1, l, 2, NULL) > 0);
  l[0].state = 2;
  CU_ASSERT_FATAL(hx_bm_order(both, sizeof(both), "1900",
                              "2026-03-22T11:02:00Z", 3, l, 2, NULL) > 0);
  serve_page("/ws/orders?", "1", NULL, orders, 1, NULL);
  CU_ASSERT_EQUAL(hx_serve(&E, "POST", "/ws/orders/1900$", 1, half), 0);
  CU_ASSERT_EQUAL(hx_serve(&E, "POST", "/ws/orders/1900$", 1, both), 0);
  CU_ASSERT_EQUAL(hx_run(&E, "order_download", &jid), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(hx_count(E.srv, "POST", "/ws/orders/1900", NULL), 2);
  CU_ASSERT_EQUAL(log_has(jid, "2 line(s) accepted"), 1);
  CU_ASSERT_EQUAL(th_errors_count(&E.te, NULL, NULL, NULL), 0);
  hx_env_stop(&E);
}

/* Item 7 (plugin side): CR/LF in a setting that goes into a header is
 * refused with a message naming the setting; nothing is sent. */
static void
t_header_injection(void)
{
  static const struct {
    const char *key, *value;
  } cases[] = {{"markets", "fr\r\nX-Y:1"},
               {"contact_email", "ops@example.com\r\nX-Injected: 1"}};
  char msg[80];
  size_t i;
  int64_t jid;

  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    START();
    if(th_set(&E.te, cases[i].key, cases[i].value) == 0) {
      /* the host let it through: the plugin must not */
      CU_ASSERT_EQUAL(hx_run(&E, "order_download", &jid), HS_JOB_FAILED);
      snprintf(msg, sizeof(msg), "setting %s: the value contains a line "
               "break", cases[i].key);
      CU_ASSERT(log_has(jid, msg) >= 1);
      CU_ASSERT_EQUAL(hx_count(E.srv, NULL, NULL, NULL), 0);
      if(!log_has(jid, msg))
        th_job_log_dump(&E.te, jid, stderr);
    }
    hx_env_stop(&E);
  }
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"hostile_orders", "future_date", t_future_date},
    {"hostile_orders", "stale_cursor", t_stale_cursor},
    {"hostile_orders", "server_date", t_server_date},
    {"hostile_orders", "foreign_next", t_foreign_next},
    {"hostile_orders", "next_loop", t_next_loop},
    {"hostile_orders", "page_cap", t_page_cap},
    {"hostile_orders", "bad_count", t_bad_count},
    {"hostile_orders", "bad_strings", t_bad_strings},
    {"hostile_orders", "serials_kept", t_serials_kept},
    {"hostile_orders", "crash_in_flight", t_crash_in_flight},
    {"hostile_orders", "same_sku", t_same_sku},
    {"hostile_orders", "header_injection", t_header_injection},
  };

  return cu_main(cases, CU_CASES_N(cases), NULL, NULL, argc, argv);
}
