/*
 * test_pro_orders.c -- integration tests of Back Market Pro "Import
 * Orders" through the host and the simulator: the first import brings the
 * unfulfilled orders, later runs only new/updated ones; orders arrive as
 * Website / FullyCharged / no payment method / Pro's tax / commission %;
 * pagination is followed to the end; re-runs and crashes at every step
 * (host fault hook, real _exit in a child process) never duplicate an
 * order; a cancellation on Pro is reported once and never changes the host
 * order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <json-c/json.h>

#include "pro_env.h"
#include "cu_main.h"

#define KEY "pk_test_orders_0123456789"

static struct pe env;

static int
suite_init(void)
{
  char err[256];

  if(pe_open(&env, 0) || pe_company(&env, "Acme", KEY, "SELLER-1") ||
     pe_set(&env, "Acme", "order_commission_pct", "2.50", err,
            sizeof(err)) != BMC_OK ||
     pe_run(&env, "Acme", "test_settings", NULL) != HS_JOB_COMPLETED)
    return -1;
  return 0;
}

static int
suite_clean(void)
{
  pe_close(&env);
  return 0;
}

static void
t_first_import_then_new(void)
{
  char v[64], *xml;
  int64_t job = 0;

  CU_ASSERT_EQUAL_FATAL(pe_pro_order(&env, "SELLER-1", "PRO-1", "paid", 2,
                                     1, "100.00"), 0);
  CU_ASSERT_EQUAL_FATAL(pe_pro_order(&env, "SELLER-1", "PRO-2", "pending",
                                     1, 3, "33.33"), 0);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "import_orders", &job),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(pe_orders(&env, "Acme", "backmarket_pro"), 2);
  /* the first import asks for the unfulfilled orders */
  CU_ASSERT_TRUE(pe_sim_query_has(&env, "fulfillment_status=unfulfilled"));

  /* PRO-2 is unpaid on Pro: still FullyCharged, no payment method */
  CU_ASSERT_EQUAL(pe_order_field(&env, "Acme", "PRO-2", "channel", v,
                                 sizeof(v)), 0);
  CU_ASSERT_STRING_EQUAL(v, "Website");
  pe_order_field(&env, "Acme", "PRO-2", "payment_status", v, sizeof(v));
  CU_ASSERT_STRING_EQUAL(v, "FullyCharged");
  /* 3 x 33.33 = 99.99, tax 20 % = 20.00 (Pro's rounding), shipping 10.00 */
  pe_order_field(&env, "Acme", "PRO-2", "tax", v, sizeof(v));
  CU_ASSERT_STRING_EQUAL(v, "20.00");
  pe_order_field(&env, "Acme", "PRO-2", "grand_total", v, sizeof(v));
  CU_ASSERT_STRING_EQUAL(v, "129.99");
  /* 2.50 % of 129.99 = 3.24975 -> 3.25 */
  pe_order_field(&env, "Acme", "PRO-2", "commission", v, sizeof(v));
  CU_ASSERT_STRING_EQUAL(v, "3.25");
  pe_order_field(&env, "Acme", "PRO-1", "commission", v, sizeof(v));
  CU_ASSERT_STRING_EQUAL(v, "6.25"); /* 2.50 % of 250.00 */
  xml = pe_order_xml(&env, "Acme", "PRO-2");
  CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
  CU_ASSERT_PTR_NULL(strstr(xml, "payment_method"));
  free(xml);

  /* five minutes later one new order: only it is created */
  CU_ASSERT_EQUAL(hs_clock_advance(env.h, 300000), BMC_OK);
  CU_ASSERT_EQUAL_FATAL(pe_pro_order(&env, "SELLER-1", "PRO-3", "paid", 1,
                                     1, "10.30"), 0);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "import_orders", &job),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(pe_orders(&env, "Acme", "backmarket_pro"), 3);
  CU_ASSERT_EQUAL(pe_log_count(&env, job, BMC_LOG_INFO, "1 created"), 1);
  CU_ASSERT_EQUAL(pe_log_count(&env, job, BMC_LOG_INFO,
                               "Order PRO-3 imported"), 1);
  /* the later run asks by updated_since: the cursor (newest order seen,
   * 12:00:00, but never past the clock minus the overlap: 11:45:00) minus
   * the 15-minute overlap */
  CU_ASSERT_TRUE(pe_sim_query_has(&env, "updated_since=2026-03-22T11:30:00Z"));
  /* a re-run creates nothing */
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "import_orders", &job),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(pe_orders(&env, "Acme", "backmarket_pro"), 3);
  CU_ASSERT_EQUAL(pe_log_count(&env, job, BMC_LOG_INFO, "0 created"), 1);
  /* the orders in the overlap are read but not rewritten: same version */
  CU_ASSERT_EQUAL(pe_log_count(&env, job, BMC_LOG_INFO,
                               "0 updated, 3 unchanged"), 1);
}

static void
t_cancellation_notice(void)
{
  char before[64], after[64];
  int64_t job = 0;

  CU_ASSERT_EQUAL(pe_order_field(&env, "Acme", "PRO-1", "status", before,
                                 sizeof(before)), 0);
  CU_ASSERT_EQUAL(hs_clock_advance(env.h, 60000), BMC_OK);
  CU_ASSERT_EQUAL(pe_ctl(&env, "POST", "/_sim/pro/orders/PRO-1/cancel",
                         NULL, NULL), 200);
  /* an order cancelled before it was ever imported is not created */
  CU_ASSERT_EQUAL_FATAL(pe_pro_order(&env, "SELLER-1", "PRO-9", "paid", 1,
                                     1, "50.00"), 0);
  CU_ASSERT_EQUAL(pe_ctl(&env, "POST", "/_sim/pro/orders/PRO-9/cancel",
                         NULL, NULL), 200);
  CU_ASSERT_EQUAL(hs_clock_advance(env.h, 300000), BMC_OK);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "import_orders", &job),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(pe_log_count(&env, job, BMC_LOG_WARN,
                               "cancel order PRO-1 in the host by hand"), 1);
  CU_ASSERT_EQUAL(pe_log_count(&env, job, BMC_LOG_WARN, "PRO-9"), 0);
  CU_ASSERT_EQUAL(pe_order_field(&env, "Acme", "PRO-9", "status", after,
                                 sizeof(after)), -1);
  /* the host order is untouched */
  CU_ASSERT_EQUAL(pe_order_field(&env, "Acme", "PRO-1", "status", after,
                                 sizeof(after)), 0);
  CU_ASSERT_STRING_EQUAL(after, before);
  CU_ASSERT_STRING_NOT_EQUAL(after, "Cancelled");
  /* told once: the next run (the order still in the overlap) is quiet */
  CU_ASSERT_EQUAL(hs_clock_advance(env.h, 60000), BMC_OK);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "import_orders", &job),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(pe_log_count(&env, job, BMC_LOG_WARN, "PRO-1"), 0);
  pe_order_field(&env, "Acme", "PRO-1", "status", after, sizeof(after));
  CU_ASSERT_STRING_EQUAL(after, before);
}

static void
t_pagination(void)
{
  char id[32];
  int i, ok = 0;

  CU_ASSERT_EQUAL_FATAL(pe_company(&env, "Bulk", "pk_test_bulk_00000001",
                                   "SELLER-BULK"), 0);
  for(i = 0; i < 120; i++) {
    snprintf(id, sizeof(id), "PRO-B%03d", i);
    ok += pe_pro_order(&env, "SELLER-BULK", id, "paid", 1, 1, "9.99") == 0;
  }
  CU_ASSERT_EQUAL_FATAL(ok, 120);
  CU_ASSERT_EQUAL(pe_run(&env, "Bulk", "test_settings", NULL),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(pe_run(&env, "Bulk", "import_orders", NULL),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(pe_orders(&env, "Bulk", "backmarket_pro"), 120);
  CU_ASSERT_TRUE(pe_sim_query_has(&env, "page=3"));
  /* the other company's orders stayed where they were */
  CU_ASSERT_EQUAL(pe_orders(&env, "Acme", "backmarket_pro"), 3);
}

static void
t_crash_every_step(void)
{
  static const char *const services[] = {"order_upsert", "order_get",
                                         "state_put", "state_get"};
  char id[32];
  size_t s;
  int i, n, code, crashes = 0;

  if(pe_under_valgrind()) {
    fprintf(stderr, "(crash test skipped under valgrind) ");
    return;
  }
  /* every action of this company runs in a child, so the parent never
   * holds a plugin instance or a connection the children share */
  CU_ASSERT_EQUAL_FATAL(pe_company(&env, "Crash", "pk_test_crash_0000001",
                                   "SELLER-C"), 0);
  for(i = 0; i < 7; i++) {
    snprintf(id, sizeof(id), "PRO-C%d", i);
    CU_ASSERT_EQUAL_FATAL(pe_pro_order(&env, "SELLER-C", id, "paid", 2, 1,
                                       "20.00"), 0);
  }
  CU_ASSERT_EQUAL(pe_run_crashing(&env, "Crash", "test_settings", NULL, 0),
                  0);
  for(s = 0; s < sizeof(services) / sizeof(services[0]); s++) {
    for(n = 0; n < 40; n++) {
      code = pe_run_crashing(&env, "Crash", "import_orders", services[s],
                             n);
      if(code != 99 && code != 0)
        fprintf(stderr, "%s after %d: exit %d\n", services[s], n, code);
      CU_ASSERT(code == 99 || code == 0);
      /* whatever was interrupted, no order is ever there twice */
      CU_ASSERT(pe_orders(&env, "Crash", "backmarket_pro") <= 7);
      if(code != 99)
        break;
      crashes++; /* the host was restarted: the job is Interrupted */
    }
    CU_ASSERT(n < 40);
  }
  CU_ASSERT(crashes >= 10);
  CU_ASSERT_EQUAL(pe_run_crashing(&env, "Crash", "import_orders", NULL, 0),
                  0);
  CU_ASSERT_EQUAL(pe_orders(&env, "Crash", "backmarket_pro"), 7);
  for(i = 0; i < 7; i++) {
    int64_t oid;

    snprintf(id, sizeof(id), "PRO-C%d", i);
    CU_ASSERT_EQUAL(hs_order_find(env.h, "Crash", id, &oid), BMC_OK);
  }
}

static void
t_host_failure_is_held(void)
{
  int64_t job = 0;

  /* the store refuses the 2nd upsert: that order lands in the error
   * queue, the cursor stays before it, and the next run imports it */
  CU_ASSERT_EQUAL(hs_clock_advance(env.h, 60000), BMC_OK);
  CU_ASSERT_EQUAL_FATAL(pe_pro_order(&env, "SELLER-1", "PRO-4", "paid", 1,
                                     1, "1.00"), 0);
  CU_ASSERT_EQUAL_FATAL(pe_pro_order(&env, "SELLER-1", "PRO-5", "paid", 1,
                                     1, "2.00"), 0);
  CU_ASSERT_EQUAL(hs_clock_advance(env.h, 3600000), BMC_OK); /* > overlap */
  CU_ASSERT_EQUAL(hs_fault_set(env.h, "order_upsert", 1, HS_FAULT_FAIL),
                  BMC_OK);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "import_orders", &job),
                  HS_JOB_PARTIAL);
  hs_fault_clear(env.h);
  CU_ASSERT(pe_error_count(&env, "Acme", "host_error", NULL) >= 1);
  CU_ASSERT_EQUAL(hs_clock_advance(env.h, 3600000), BMC_OK);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "import_orders", &job),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(pe_orders(&env, "Acme", "backmarket_pro"), 5);
}

struct jobcount {
  const char *company, *action;
  int status; /* -1 = any */
  int n;
};

static int
count_jobs(void *ud, const struct hs_job *j)
{
  struct jobcount *c = ud;

  if(!strcmp(j->company, c->company) && !strcmp(j->action, c->action) &&
     (c->status < 0 || j->status == c->status))
    c->n++;
  return 0;
}

static int
jobs(const char *company, const char *action, int status)
{
  struct jobcount c = {company, action, status, 0};

  if(hs_jobs_each(env.h, company, count_jobs, &c) != BMC_OK)
    return -1;
  return c.n;
}

static void
t_scheduled_gated(void)
{
  char err[256];
  int64_t now;

  CU_ASSERT_EQUAL_FATAL(pe_company(&env, "Sched", "pk_test_sched_000001",
                                   "SELLER-S"), 0);
  CU_ASSERT_EQUAL(pe_run(&env, "Sched", "test_settings", NULL),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL_FATAL(pe_pro_order(&env, "SELLER-S", "PRO-S1", "paid", 1,
                                     1, "12.00"), 0);
  /* Allow Order Download off: 11 scheduled minutes import nothing */
  now = hs_clock_now(env.h);
  CU_ASSERT_EQUAL(hs_scheduler_run_until(env.h, now + 660000, NULL),
                  BMC_OK);
  CU_ASSERT_EQUAL(jobs("Sched", "import_orders", HS_JOB_COMPLETED), 0);
  CU_ASSERT_EQUAL(pe_orders(&env, "Sched", "backmarket_pro"), 0);
  /* on: every 5 minutes */
  CU_ASSERT_EQUAL(pe_set(&env, "Sched", "allow_order_download", "true", err,
                         sizeof(err)), BMC_OK);
  now = hs_clock_now(env.h);
  CU_ASSERT_EQUAL(hs_scheduler_run_until(env.h, now + 660000, NULL),
                  BMC_OK);
  CU_ASSERT(jobs("Sched", "import_orders", HS_JOB_COMPLETED) >= 2);
  CU_ASSERT(jobs("Sched", "import_orders", HS_JOB_COMPLETED) <= 3);
  CU_ASSERT_EQUAL(jobs("Sched", "import_orders", HS_JOB_FAILED), 0);
  CU_ASSERT_EQUAL(pe_orders(&env, "Sched", "backmarket_pro"), 1);
  /* Allow Tracking Upload stayed off */
  CU_ASSERT_EQUAL(jobs("Sched", "tracking_upload", HS_JOB_COMPLETED), 0);
  CU_ASSERT_EQUAL(pe_set(&env, "Sched", "allow_order_download", "false",
                         err, sizeof(err)), BMC_OK);
}

static int
orders_fault(const char *kind_json, int count)
{
  char body[512];

  snprintf(body, sizeof(body), "{\"path\":\"/sellers-prod/2024-03/orders\","
           "\"method\":\"GET\",\"count\":%d,%s}", count, kind_json);
  return pe_ctl(&env, "POST", "/_sim/faults", body, NULL);
}

static void
t_import_faults(void)
{
  int64_t job = 0, t0;

  CU_ASSERT_EQUAL(hs_clock_advance(env.h, 60000), BMC_OK);
  CU_ASSERT_EQUAL_FATAL(pe_pro_order(&env, "SELLER-1", "PRO-6", "paid", 1,
                                     1, "3.00"), 0);
  /* 429 + Retry-After twice: waited on the clock, then completed */
  CU_ASSERT_EQUAL(orders_fault("\"kind\":\"status\",\"status\":429,"
                               "\"retry_after\":5", 2), 201);
  t0 = hs_clock_now(env.h);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "import_orders", &job),
                  HS_JOB_COMPLETED);
  CU_ASSERT(hs_clock_now(env.h) - t0 >= 10000);
  CU_ASSERT_EQUAL(pe_orders(&env, "Acme", "backmarket_pro"), 6);
  /* 503 past the retry limit: Failed, said so, nothing lost */
  CU_ASSERT_EQUAL_FATAL(pe_pro_order(&env, "SELLER-1", "PRO-7", "paid", 1,
                                     1, "4.00"), 0);
  CU_ASSERT_EQUAL(orders_fault("\"kind\":\"status\",\"status\":503", 50),
                  201);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "import_orders", &job),
                  HS_JOB_FAILED);
  CU_ASSERT_EQUAL(pe_log_count(&env, job, BMC_LOG_ERROR,
                               "the next run retries"), 1);
  CU_ASSERT_EQUAL(pe_ctl(&env, "DELETE", "/_sim/faults", NULL, NULL), 200);
  /* malformed JSON: Failed with a clear message */
  CU_ASSERT_EQUAL(orders_fault("\"kind\":\"malformed\"", 1), 201);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "import_orders", &job),
                  HS_JOB_FAILED);
  CU_ASSERT_EQUAL(pe_log_count(&env, job, BMC_LOG_ERROR,
                               "unreadable order page"), 1);
  /* the cursor never moved past PRO-7: the next run imports it */
  CU_ASSERT_EQUAL(hs_clock_advance(env.h, 300000), BMC_OK);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "import_orders", &job),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(pe_orders(&env, "Acme", "backmarket_pro"), 7);
}

static int64_t
sim_429s(void)
{
  char *stats = NULL;
  struct json_object *root, *v;
  int64_t n = -1;

  if(pe_ctl(&env, "GET", "/_sim/stats", NULL, &stats) != 200 || !stats) {
    free(stats);
    return -1;
  }
  root = json_tokener_parse(stats);
  free(stats);
  if(root && json_object_object_get_ex(root, "status_429", &v))
    n = json_object_get_int64(v);
  json_object_put(root);
  return n;
}

static void
t_budget_paces(void)
{
  char err[256], id[32];
  int64_t t0, before;
  int i;

  /* 2 requests per second: the 5 requests of this first import are
   * spread over the clock instead of drawing 429s */
  CU_ASSERT_EQUAL_FATAL(pe_company(&env, "Paced", "pk_test_paced_000001",
                                   "SELLER-P"), 0);
  CU_ASSERT_EQUAL(pe_set(&env, "Paced", "requests_per_second", "2", err,
                         sizeof(err)), BMC_OK);
  for(i = 0; i < 160; i++) {
    snprintf(id, sizeof(id), "PRO-P%03d", i);
    CU_ASSERT_EQUAL_FATAL(pe_pro_order(&env, "SELLER-P", id, "paid", 1, 1,
                                       "1.00"), 0);
  }
  CU_ASSERT_EQUAL(pe_run(&env, "Paced", "test_settings", NULL),
                  HS_JOB_COMPLETED);
  t0 = hs_clock_now(env.h);
  before = sim_429s();
  CU_ASSERT_FATAL(before >= 0);
  CU_ASSERT_EQUAL(pe_run(&env, "Paced", "import_orders", NULL),
                  HS_JOB_COMPLETED);
  CU_ASSERT(hs_clock_now(env.h) - t0 >= 1000);
  CU_ASSERT_EQUAL(pe_orders(&env, "Paced", "backmarket_pro"), 160);
  CU_ASSERT_EQUAL(sim_429s(), before);
}

static void
t_key_change_starts_over(void)
{
  int64_t job = 0, before = pe_orders(&env, "Acme", "backmarket_pro");

  /* a rotated key (same seller): Test Settings again, then one first
   * import pass that duplicates nothing */
  CU_ASSERT_EQUAL_FATAL(pe_company(&env, "Acme", "pk_test_orders_rotated_1",
                                   "SELLER-1"), 0);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "import_orders", &job),
                  HS_JOB_FAILED);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "test_settings", NULL),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(hs_clock_advance(env.h, 300000), BMC_OK);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "import_orders", &job),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(pe_log_count(&env, job, BMC_LOG_INFO,
                               "x-api-key changed since the last import"),
                  1);
  CU_ASSERT_EQUAL(pe_log_count(&env, job, BMC_LOG_INFO, "0 created"), 1);
  CU_ASSERT_EQUAL(pe_orders(&env, "Acme", "backmarket_pro"), before);
  /* and back to incremental runs */
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "import_orders", &job),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(pe_log_count(&env, job, BMC_LOG_INFO, "changed since"), 0);
  CU_ASSERT_EQUAL(pe_log_count(&env, job, BMC_LOG_INFO, "First import"), 0);
}

static void
t_no_secret(void)
{
  CU_ASSERT_FALSE(pe_secret_anywhere(&env, KEY));
  CU_ASSERT_FALSE(pe_secret_anywhere(&env, "pk_test_orders_rotated_1"));
  CU_ASSERT_FALSE(pe_secret_anywhere(&env, "pk_test_bulk_00000001"));
  CU_ASSERT_FALSE(pe_secret_anywhere(&env, "pk_test_crash_0000001"));
  CU_ASSERT_FALSE(pe_secret_anywhere(&env, "pk_test_sched_000001"));
  CU_ASSERT_FALSE(pe_secret_anywhere(&env, "pk_test_paced_000001"));
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"pro_orders", "first import, then only new", t_first_import_then_new},
    {"pro_orders", "cancellation reported once, host unchanged",
     t_cancellation_notice},
    {"pro_orders", "pagination to the end", t_pagination},
    {"pro_orders", "crash at every step: no duplicate", t_crash_every_step},
    {"pro_orders", "host failure held and retried", t_host_failure_is_held},
    {"pro_orders", "scheduled every 5 min when allowed", t_scheduled_gated},
    {"pro_orders", "429/503/malformed on import", t_import_faults},
    {"pro_orders", "budget paces requests", t_budget_paces},
    {"pro_orders", "key change starts over, no duplicate",
     t_key_change_starts_over},
    {"pro_orders", "key never logged", t_no_secret},
  };

  return cu_main(cases, CU_CASES_N(cases), suite_init, suite_clean, argc, argv);
}
