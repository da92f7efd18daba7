/*
 * test_hostile_pro.c -- the Back Market Pro plugin's order import against
 * the hostile server (issue 10, items 1, 2, 3 and 4 where Pro has the same
 * mechanism): a future updated_at never moves the cursor past the clock;
 * links.next on another host is followed on the Website URL's origin; a
 * loop ends the run with a clear error; an absurd total never becomes the
 * job's total; a bad created_at or non-UTF-8 text is refused before any
 * document is built and reported once.  argv[1] names the scenario.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "cu_main.h"
#include "hx_env.h"

static struct hx_env E;

static const char *const SETTINGS[] = {"allow_order_download", "true",
                                       NULL};

#define ORDERS "/sellers-prod/2024-03/orders?"

/* Start with the Test Settings gate passed against the hostile server. */
static void
start(void)
{
  CU_ASSERT_EQUAL_FATAL(hx_env_start(&E, "backmarket_pro", "/sellers-prod",
                                     SETTINGS), 0);
  CU_ASSERT_EQUAL(hx_serve(&E, "GET", "/sellers-prod/2024-03/status$", -1,
                           "{\"status\": \"ok\", \"seller\": {\"name\": "
                           "\"Acme\", \"id\": \"S-1\"}}"), 0);
  CU_ASSERT_EQUAL_FATAL(hx_run(&E, "test_settings", NULL), HS_JOB_COMPLETED);
}

static void
pro_order(char *buf, size_t len, const char *id, const char *created,
          const char *updated, const char *city)
{
  snprintf(buf, len, "{\"id\": \"%s\", \"created_at\": \"%s\", "
           "\"updated_at\": \"%s\", \"status\": \"open\", "
           "\"financial_status\": \"paid\", \"fulfillment_status\": "
           "\"unfulfilled\", \"currency\": \"EUR\", \"customer\": "
           "{\"company\": \"Acme GmbH\", \"email\": \"b@acme.test\"}, "
           "\"shipping_address\": {\"first_name\": \"Ann\", \"last_name\": "
           "\"Ray\", \"street\": \"1 Rue\", \"postal_code\": \"75001\", "
           "\"city\": \"%s\", \"country\": \"FR\"}, \"lines\": [{\"id\": "
           "\"L-1\", \"sku\": \"SKU-A\", \"title\": \"Laptop\", "
           "\"quantity\": 1, \"unit_price\": \"100.00\", \"total_price\": "
           "\"100.00\", \"tax_amount\": \"20.00\"}], \"subtotal\": "
           "\"100.00\", \"shipping_total\": \"0.00\", \"tax_total\": "
           "\"20.00\", \"total\": \"120.00\"}", id, created, updated,
           city ? city : "Paris");
}

static void
serve_page(const char *prefix, const char *total, const char *next,
           const char *orders)
{
  char page[16384];

  snprintf(page, sizeof(page), "{\"items\": [%s], \"links\": {\"next\": %s},"
           " \"total\": %s}", orders, next ? next : "null", total);
  CU_ASSERT_EQUAL(hx_serve(&E, "GET", prefix, -1, page), 0);
}

/* Item 1: updated_at in 2099: imported, the cursor stays at the clock
 * minus the overlap, one warning. */
static void
t_future_date(void)
{
  char o[4096], cur[128];
  int64_t jid;

  start();
  pro_order(o, sizeof(o), "PRO-1", "2026-03-22T10:00:00Z",
            "2099-01-01T00:00:00Z", NULL);
  serve_page(ORDERS, "1", NULL, o);
  CU_ASSERT_EQUAL(hx_run(&E, "import_orders", &jid), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(th_orders_count(&E.te), 1);
  CU_ASSERT_EQUAL(th_job_log_count(&E.te, jid, "clock or data is ahead"), 1);
  CU_ASSERT_EQUAL(hx_state(&E, "orders_cursor", cur, sizeof(cur)), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(cur, " 2026-03-22T11:45:00Z"));
  th_clock_advance(&E.te, 300000);
  CU_ASSERT_EQUAL(hx_run(&E, "import_orders", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(hx_count(E.srv, "GET", ORDERS "updated_since=2026-03-22"
                           "T11:30:00Z", NULL), 1);
  hx_env_stop(&E);
}

/* Item 1: a cursor already in the future is not used: a first import
 * again. */
static void
t_stale_cursor(void)
{
  char o[4096], cur[128], *sp;
  int64_t jid;

  start();
  pro_order(o, sizeof(o), "PRO-1", "2026-03-22T10:00:00Z",
            "2026-03-22T10:00:00Z", NULL);
  serve_page(ORDERS, "1", NULL, o);
  CU_ASSERT_EQUAL(hx_run(&E, "import_orders", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(hx_state(&E, "orders_cursor", cur, sizeof(cur)), 0);
  sp = strchr(cur, ' ');
  CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
  snprintf(sp, sizeof(cur) - (size_t)(sp - cur), " 2099-01-01T00:00:00Z");
  CU_ASSERT_EQUAL_FATAL(hx_state_set(&E, "orders_cursor", cur), 0);
  CU_ASSERT_EQUAL(hx_run(&E, "import_orders", &jid), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(hx_count(E.srv, "GET", ORDERS "fulfillment_status="
                           "unfulfilled&updated_since=2026-02-20T12:00:00Z",
                           NULL), 2);
  CU_ASSERT(th_job_log_count(&E.te, jid, "stored order cursor is ahead of "
                             "the host clock") >= 1);
  CU_ASSERT_EQUAL(th_orders_count(&E.te), 1);
  hx_env_stop(&E);
}

/* Item 2: links.next on another host is followed by its path and query on
 * the Website URL's origin, with the key. */
static void
t_foreign_next(void)
{
  char a[4096], b[4096];
  int64_t jid;
  int total;

  start();
  pro_order(a, sizeof(a), "PRO-1", "2026-03-22T10:00:00Z",
            "2026-03-22T10:00:00Z", NULL);
  pro_order(b, sizeof(b), "PRO-2", "2026-03-22T10:00:00Z",
            "2026-03-22T10:01:00Z", NULL);
  serve_page(ORDERS "page=2", "2", NULL, b);
  serve_page(ORDERS, "2", "\"https://api.pro.backmarket.com/sellers-prod/"
             "2024-03/orders?page=2&fulfillment_status=unfulfilled\"", a);
  CU_ASSERT_EQUAL(hx_run(&E, "import_orders", &jid), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(th_orders_count(&E.te), 2);
  CU_ASSERT(hx_count(E.srv, "GET", ORDERS "page=2&fulfillment_status="
                     "unfulfilled", NULL) >= 1);
  total = hx_count(E.srv, NULL, NULL, NULL);
  CU_ASSERT_EQUAL(hx_count_header(E.srv, "x-api-key", HX_KEY), total);
  hx_env_stop(&E);
}

/* Item 2: links.next back to the first page is a loop: a clear error. */
static void
t_next_loop(void)
{
  char a[4096], b[4096], next[300];
  int64_t jid;

  start();
  pro_order(a, sizeof(a), "PRO-1", "2026-03-22T10:00:00Z",
            "2026-03-22T10:00:00Z", NULL);
  pro_order(b, sizeof(b), "PRO-2", "2026-03-22T10:00:00Z",
            "2026-03-22T10:01:00Z", NULL);
  /* the first page of a first import, as the plugin asks for it */
  snprintf(next, sizeof(next), "\"/sellers-prod/2024-03/orders?"
           "fulfillment_status=unfulfilled&updated_since=2026-02-20T12:00:00Z"
           "&page=1&page-size=50\"");
  serve_page(ORDERS "page=2", "2", next, b);
  serve_page(ORDERS, "2", "\"" ORDERS "page=2\"", a);
  CU_ASSERT_EQUAL(hx_run(&E, "import_orders", &jid), HS_JOB_FAILED);
  CU_ASSERT_EQUAL(hx_count(E.srv, "GET", ORDERS, NULL), 2);
  CU_ASSERT(th_job_log_count(&E.te, jid, "leads back to page 1, already "
                             "read") >= 1);
  hx_env_stop(&E);
}

/* Item 3: a negative or absurd total is not the job's total. */
static void
t_bad_total(void)
{
  static const char *const totals[] = {"-1", "1000000000000000"};
  char a[4096];
  int64_t jid, done, total;
  size_t i;

  for(i = 0; i < 2; i++) {
    start();
    pro_order(a, sizeof(a), "PRO-1", "2026-03-22T10:00:00Z",
              "2026-03-22T10:00:00Z", NULL);
    serve_page(ORDERS "fulfillment_status=unfulfilled", totals[i], NULL, a);
    serve_page(ORDERS, "0", NULL, "");
    CU_ASSERT_EQUAL(hx_run(&E, "import_orders", &jid), HS_JOB_COMPLETED);
    done = total = -99;
    CU_ASSERT_EQUAL(hx_job_progress(&E, jid, &done, &total), 0);
    CU_ASSERT_EQUAL(done, 1);
    CU_ASSERT_EQUAL(total, 1);
    CU_ASSERT(th_job_log_count(&E.te, jid, "not a plausible number") >= 1);
    hx_env_stop(&E);
  }
}

/* Item 4: created_at that is not RFC 3339, a city that is not UTF-8, a SKU
 * with a NUL: each order is refused before a document is built, reported
 * once (no second entry from the host's validator), nothing imported. */
static void
t_bad_order_once(void)
{
  char a[4096], b[4096], c[4096], all[13000], tail[4096];
  char *p;
  int64_t jid;

  start();
  pro_order(a, sizeof(a), "PRO-7", "yesterday", "2026-03-22T10:00:00Z",
            NULL);
  pro_order(b, sizeof(b), "PRO-8", "2026-03-22T10:00:00Z",
            "2026-03-22T10:00:00Z", "Par\xff" "is");
  pro_order(c, sizeof(c), "PRO-9", "2026-03-22T10:00:00Z",
            "2026-03-22T10:00:00Z", NULL);
  p = strstr(c, "\"SKU-A\"");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  snprintf(tail, sizeof(tail), "%s", p + strlen("\"SKU-A\""));
  snprintf(p, sizeof(c) - (size_t)(p - c), "\"SKU-A\\u0000X\"%s", tail);
  snprintf(all, sizeof(all), "%s, %s, %s", a, b, c);
  serve_page(ORDERS "fulfillment_status=unfulfilled", "3", NULL, all);
  serve_page(ORDERS, "0", NULL, "");
  CU_ASSERT_EQUAL(hx_run(&E, "import_orders", &jid), HS_JOB_PARTIAL);
  CU_ASSERT_EQUAL(th_orders_count(&E.te), 0);
  CU_ASSERT_EQUAL(th_errors_count(&E.te, NULL, "PRO-7", NULL), 1);
  CU_ASSERT_EQUAL(th_errors_count(&E.te, "malformed_order", "PRO-7",
                                  "created_at"), 1);
  CU_ASSERT_EQUAL(th_errors_count(&E.te, NULL, "PRO-8", NULL), 1);
  CU_ASSERT_EQUAL(th_errors_count(&E.te, "malformed_order", "PRO-8",
                                  "shipping_address.city is not valid "
                                  "UTF-8"), 1);
  CU_ASSERT_EQUAL(th_errors_count(&E.te, NULL, "PRO-9", NULL), 1);
  CU_ASSERT_EQUAL(th_errors_count(&E.te, "malformed_order", "PRO-9",
                                  "NUL character"), 1);
  hx_env_stop(&E);
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"hostile_pro", "future_date", t_future_date},
    {"hostile_pro", "stale_cursor", t_stale_cursor},
    {"hostile_pro", "foreign_next", t_foreign_next},
    {"hostile_pro", "next_loop", t_next_loop},
    {"hostile_pro", "bad_total", t_bad_total},
    {"hostile_pro", "bad_order_once", t_bad_order_once},
  };

  return cu_main(cases, CU_CASES_N(cases), NULL, NULL, argc, argv);
}
