/*
 * test_hostile_catalog.c -- the Back Market plugin's listing, inventory
 * and tracking actions against the hostile server (issue 10, item 3): a
 * 200 to a single listing update that names another listing, shows
 * another quantity, or is truncated or garbage is not "ok" (it is read
 * back, and recorded unconfirmed and sent again when the read-back does
 * not confirm it either); a bulk task id that is not a positive integer is
 * refused with what was received; a negative listing count never becomes
 * the job's total; a malformed or oversized read-back of tracking upload
 * is a reported failure.  argv[1] names the scenario.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "cu_main.h"
#include "hx_env.h"

static struct hx_env E;

static const char *const SETTINGS[] = {
  "active_listing_download", "true", "inventory_upload", "true",
  "order_download", "true", "tracking_upload", "true", "markets", "en-gb",
  "acceptance_policy", "accept", "budget_sku_lines_per_h", "0", NULL};

#define UUID_A "5f1d8c2e-0b1a-4c3e-9b8a-7f6e5d4c3b2a"
#define UUID_B "6a2e9d3f-1c2b-4d4f-8c9b-8a7f6e5d4c3b"

#define START()                                                            \
  CU_ASSERT_EQUAL_FATAL(hx_env_start(&E, "backmarket", NULL, SETTINGS), 0)

/* A listing object as GET /ws/listings and POST /ws/listings/<id>
 * answer it. */
static void
listing(char *buf, size_t len, const char *uuid, const char *sku, int qty)
{
  snprintf(buf, len, "{\"id\": \"%s\", \"listing_id\": 1300001, \"sku\": "
           "\"%s\", \"title\": \"Phone\", \"state\": 2, \"grade\": \"GOOD\", "
           "\"price\": \"449.00\", \"min_price\": null, \"quantity\": %d, "
           "\"publication_state\": 2, \"comment\": \"\", \"warranty_delay\": "
           "12, \"shippings\": [], \"currency\": \"GBP\", \"backmarket_id\": "
           "1, \"product_id\": \"" UUID_B "\", \"snowden\": false, "
           "\"max_price\": 639}", uuid, sku, qty);
}

/* Host product SKU-A (stock 5) linked to listing UUID_A, which Back Market
 * holds at quantity 0 (an Active Listing Download against the server). */
static void
linked_product(void)
{
  char l[2048], page[4096];

  CU_ASSERT_EQUAL_FATAL(th_product(&E.te, "SKU-A", 5), 0);
  listing(l, sizeof(l), UUID_A, "SKU-A", 0);
  snprintf(page, sizeof(page), "{\"count\": 1, \"next\": null, "
           "\"previous\": null, \"results\": [%s]}", l);
  CU_ASSERT_EQUAL(hx_serve(&E, "GET", "/ws/listings?", 1, page), 0);
  CU_ASSERT_EQUAL(hx_run(&E, "active_listing_download", NULL), HS_JOB_COMPLETED);
}

/* Item 3: 200 with another listing, another quantity, truncated or
 * garbage JSON, and a read-back that does not confirm it: the push is
 * recorded unconfirmed, reported, and sent again next run. */
static void
t_listing_unconfirmed(void)
{
  char other[2048], qty7[2048], trunc[2048];
  const char *answers[4];
  char val[64];
  int64_t jid;
  size_t i;

  listing(other, sizeof(other), UUID_B, "SKU-Z", 5);
  listing(qty7, sizeof(qty7), UUID_A, "SKU-A", 7);
  listing(trunc, sizeof(trunc), UUID_A, "SKU-A", 5);
  trunc[40] = '\0';
  answers[0] = other;
  answers[1] = qty7;
  answers[2] = trunc;
  answers[3] = "<html><body>OK</body></html>";
  for(i = 0; i < 4; i++) {
    START();
    linked_product();
    CU_ASSERT_EQUAL(hx_serve(&E, "POST", "/ws/listings/" UUID_A "$", -1,
                             answers[i]), 0);
    CU_ASSERT_EQUAL(hx_serve(&E, "GET", "/ws/listings/" UUID_A "$", -1,
                             qty7), 0);
    CU_ASSERT_EQUAL(hx_run(&E, "inventory_upload", &jid), HS_JOB_PARTIAL);
    CU_ASSERT_EQUAL(hx_count(E.srv, "POST", "/ws/listings/" UUID_A, NULL),
                    1);
    CU_ASSERT_EQUAL(hx_count(E.srv, "GET", "/ws/listings/" UUID_A, NULL), 1);
    CU_ASSERT_EQUAL(th_errors_count(&E.te, "push_unconfirmed", "SKU-A",
                                    "not confirmed"), 1);
    CU_ASSERT(th_job_log_count(&E.te, jid, "1 unconfirmed") >= 1);
    CU_ASSERT_EQUAL(hx_state(&E, "cat/q/SKU-A", val, sizeof(val)), 0);
    CU_ASSERT_STRING_EQUAL(val, "unconfirmed:5");
    /* retried next run */
    th_clock_advance(&E.te, 300000);
    (void)hx_run(&E, "inventory_upload", NULL);
    CU_ASSERT_EQUAL(hx_count(E.srv, "POST", "/ws/listings/" UUID_A, NULL),
                    2);
    hx_env_stop(&E);
  }
}

/* Item 3: an unusable answer that the read-back confirms is fine. */
static void
t_listing_readback_confirms(void)
{
  char ok[2048], val[64];

  START();
  linked_product();
  listing(ok, sizeof(ok), UUID_A, "SKU-A", 5);
  CU_ASSERT_EQUAL(hx_serve(&E, "POST", "/ws/listings/" UUID_A "$", -1,
                           "{\"statuscode\": 200}"), 0);
  CU_ASSERT_EQUAL(hx_serve(&E, "GET", "/ws/listings/" UUID_A "$", -1, ok),
                  0);
  CU_ASSERT_EQUAL(hx_run(&E, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(hx_state(&E, "cat/q/SKU-A", val, sizeof(val)), 0);
  CU_ASSERT_STRING_EQUAL(val, "5");
  CU_ASSERT_EQUAL(th_errors_count(&E.te, NULL, NULL, NULL), 0);
  th_clock_advance(&E.te, 300000);
  CU_ASSERT_EQUAL(hx_run(&E, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(hx_count(E.srv, "POST", "/ws/listings/" UUID_A, NULL), 1);
  hx_env_stop(&E);
}

/* Item 3: a bulk task id must be a positive integer; the message says what
 * was received and nothing is recorded. */
static void
t_bulk_task_id(void)
{
  static const struct {
    const char *answer, *shown;
  } cases[] = {{"{\"bodymessage\": -4, \"statuscode\": 200}", "is -4,"},
               {"{\"bodymessage\": \"12abc\"}", "is \"12abc\","},
               {"{\"bodymessage\": 1.5}", "is 1.5,"},
               {"{\"bodymessage\": 99999999999999999999}", "is "}};
  char l1[2048], l2[2048], page[6000], val[64], msg[200];
  int64_t jid;
  size_t i;

  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    START();
    CU_ASSERT_EQUAL(th_set(&E.te, "bulk_threshold", "1"), 0);
    CU_ASSERT_EQUAL_FATAL(th_product(&E.te, "SKU-A", 5), 0);
    CU_ASSERT_EQUAL_FATAL(th_product(&E.te, "SKU-B", 5), 0);
    listing(l1, sizeof(l1), UUID_A, "SKU-A", 0);
    listing(l2, sizeof(l2), UUID_B, "SKU-B", 0);
    snprintf(page, sizeof(page), "{\"count\": 2, \"next\": null, "
             "\"results\": [%s, %s]}", l1, l2);
    CU_ASSERT_EQUAL(hx_serve(&E, "GET", "/ws/listings?", 1, page), 0);
    CU_ASSERT_EQUAL(hx_run(&E, "active_listing_download", NULL), HS_JOB_COMPLETED);
    CU_ASSERT_EQUAL(hx_serve(&E, "POST", "/ws/listings$", -1,
                             cases[i].answer), 0);
    CU_ASSERT_EQUAL(hx_run(&E, "inventory_upload", &jid), HS_JOB_FAILED);
    snprintf(msg, sizeof(msg), "the task id in the answer (bodymessage) %s",
             cases[i].shown);
    CU_ASSERT(th_job_log_count(&E.te, jid, msg) >= 1);
    CU_ASSERT(th_job_log_count(&E.te, jid, "expected a positive integer") >=
              1);
    CU_ASSERT_EQUAL(hx_count(E.srv, "GET", "/ws/tasks/", NULL), 0);
    CU_ASSERT_EQUAL(hx_state(&E, "cat/q/SKU-A", val, sizeof(val)), 0);
    CU_ASSERT_STRING_EQUAL(val, "0");
    hx_env_stop(&E);
  }
}

/* Item 3: a negative or absurd listing count is not the job's total. */
static void
t_listing_count(void)
{
  static const char *const counts[] = {"-5", "100000000000"};
  char l[2048], page[4096];
  int64_t jid, done, total;
  size_t i;

  for(i = 0; i < 2; i++) {
    START();
    CU_ASSERT_EQUAL_FATAL(th_product(&E.te, "SKU-A", 5), 0);
    listing(l, sizeof(l), UUID_A, "SKU-A", 5);
    snprintf(page, sizeof(page), "{\"count\": %s, \"next\": null, "
             "\"results\": [%s]}", counts[i], l);
    CU_ASSERT_EQUAL(hx_serve(&E, "GET", "/ws/listings?", -1, page), 0);
    CU_ASSERT_EQUAL(hx_run(&E, "active_listing_download", &jid), HS_JOB_COMPLETED);
    done = total = -99;
    CU_ASSERT_EQUAL(hx_job_progress(&E, jid, &done, &total), 0);
    CU_ASSERT_EQUAL(done, 1);
    CU_ASSERT_EQUAL(total, 1);
    CU_ASSERT(th_job_log_count(&E.te, jid, "not a plausible number of "
                               "listings") >= 1);
    hx_env_stop(&E);
  }
}

/* Item 3: tracking upload whose read-back is malformed or oversized ends
 * with the problem reported, nothing sent. */
static void
t_tracking_readback(void)
{
  struct hx_line l = {3101, "SKU-A", 2, 1, NULL};
  char order[4096], page[6000];
  const char *orders[1] = {order};
  struct hs_shipment s;
  struct hx_reply r;
  char err[256];
  int64_t hid, jid;
  int k;

  for(k = 0; k < 2; k++) {
    START();
    CU_ASSERT_FATAL(hx_bm_order(order, sizeof(order), "3100",
                                "2026-03-22T11:00:00Z", 3, &l, 1, NULL) > 0);
    CU_ASSERT_FATAL(hx_bm_page(page, sizeof(page), "1", NULL, orders, 1) >
                    0);
    CU_ASSERT_EQUAL(hx_serve(&E, "GET", "/ws/orders?", -1, page), 0);
    CU_ASSERT_EQUAL(hx_run(&E, "order_download", NULL), HS_JOB_COMPLETED);
    CU_ASSERT_EQUAL_FATAL(hs_order_find(E.te.host, E.te.company, "3100",
                                        &hid), 0);
    memset(&s, 0, sizeof(s));
    s.tracking_number = "TRK123456789GB";
    s.carrier = "Royal Mail";
    CU_ASSERT_EQUAL_FATAL(hs_order_ship(E.te.host, hid, &s, err,
                                        sizeof(err)), 0);
    memset(&r, 0, sizeof(r));
    if(k == 0) {
      r.body = "{\"order_id\": 3100, \"orderlines\": [{\"id\": 3101,";
    }
    else {
      r.body = order;
      r.pad_bytes = (size_t)17 * 1024 * 1024; /* over the 16 MiB cap */
    }
    CU_ASSERT_EQUAL(hx_rule(E.srv, "GET", "/ws/orders/3100$", -1, &r), 0);
    CU_ASSERT_EQUAL(hx_run(&E, "tracking_upload", &jid), HS_JOB_PARTIAL);
    CU_ASSERT_EQUAL(th_errors_count(&E.te, "readback_failed", "3100",
                                    k ? "larger than" : "malformed JSON"), 1);
    CU_ASSERT(th_job_log_count(&E.te, jid, "1 problem(s)") >= 1);
    CU_ASSERT_EQUAL(hx_count(E.srv, "POST", NULL, NULL), 0);
    hx_env_stop(&E);
  }
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"hostile_catalog", "listing_unconfirmed", t_listing_unconfirmed},
    {"hostile_catalog", "listing_readback_confirms",
     t_listing_readback_confirms},
    {"hostile_catalog", "bulk_task_id", t_bulk_task_id},
    {"hostile_catalog", "listing_count", t_listing_count},
    {"hostile_catalog", "tracking_readback", t_tracking_readback},
  };

  return cu_main(cases, CU_CASES_N(cases), NULL, NULL, argc, argv);
}
