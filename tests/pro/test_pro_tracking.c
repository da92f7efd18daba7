/*
 * test_pro_tracking.c -- integration tests of Back Market Pro "Tracking
 * Upload" through the host and the simulator: only fully shipped orders
 * are sent; "Source Updated for Shipping" is set only after Back Market Pro
 * accepted the shipment (500s, 429 with Retry-After and timeouts retried
 * within the budget; a 409 after a crash counts as done; a 422 cancelled
 * order goes to the error queue and is not resent blindly); a crash at
 * every step never loses or double-reports a shipment; the key never shows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "pro_env.h"
#include "cu_main.h"

#define KEY "pk_test_tracking_987654321"

static struct pe env;

static int
suite_init(void)
{
  char id[32];
  int i;

  if(pe_open(&env, 0) || pe_company(&env, "Acme", KEY, "SELLER-T"))
    return -1;
  for(i = 1; i <= 8; i++) {
    snprintf(id, sizeof(id), "PRO-T%d", i);
    if(pe_pro_order(&env, "SELLER-T", id, "paid", 2, 1, "75.00"))
      return -1;
  }
  if(pe_run(&env, "Acme", "test_settings", NULL) != HS_JOB_COMPLETED ||
     pe_run(&env, "Acme", "import_orders", NULL) != HS_JOB_COMPLETED ||
     pe_orders(&env, "Acme", "backmarket_pro") != 8)
    return -1;
  return 0;
}

static int
suite_clean(void)
{
  pe_close(&env);
  return 0;
}

static int
posts(const char *id)
{
  char path[96];

  snprintf(path, sizeof(path), "/sellers-prod/2024-03/orders/%s/shipments",
           id);
  return pe_sim_count(&env, "POST", path);
}

static const char *
sufs(const char *id)
{
  static char v[8];

  if(pe_order_field(&env, "Acme", id, "sufs", v, sizeof(v)))
    return "missing";
  return v;
}

static int
fault(const char *id, const char *kind_json, int count)
{
  char body[512];

  snprintf(body, sizeof(body), "{\"path\":\"/sellers-prod/2024-03/orders/%s"
           "/shipments\",\"method\":\"POST\",\"count\":%d,%s}", id, count,
           kind_json);
  return pe_ctl(&env, "POST", "/_sim/faults", body, NULL);
}

static void
t_fully_shipped_only(void)
{
  int64_t job = 0;
  char *out = NULL;

  CU_ASSERT_EQUAL_FATAL(pe_ship(&env, "Acme", "PRO-T1", 0, "TRK-0001"), 0);
  CU_ASSERT_EQUAL_FATAL(pe_ship(&env, "Acme", "PRO-T2", 1, "TRK-0002"), 0);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "tracking_upload", &job),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(posts("PRO-T1"), 1);
  CU_ASSERT_EQUAL(posts("PRO-T2"), 0);
  CU_ASSERT_STRING_EQUAL(sufs("PRO-T1"), "1");
  CU_ASSERT_STRING_EQUAL(sufs("PRO-T2"), "0");
  CU_ASSERT_EQUAL(pe_log_count(&env, job, BMC_LOG_INFO,
                               "Order PRO-T2 is PartiallyShipped"), 1);
  CU_ASSERT_TRUE(pe_sim_body_has(&env, "\"tracking_number\":\"TRK-0001\""));
  CU_ASSERT_TRUE(pe_sim_body_has(&env, "\"carrier\":\"Colissimo\""));
  /* Back Market Pro now shows the order fulfilled */
  CU_ASSERT_EQUAL(pe_ctl(&env, "GET", "/_sim/pro/orders", NULL, &out), 200);
  CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "fulfilled"));
  free(out);
  /* reported once: the next run sends nothing for it */
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "tracking_upload", &job),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(posts("PRO-T1"), 1);
  CU_ASSERT_EQUAL(posts("PRO-T2"), 0);
}

static void
t_500_then_success(void)
{
  int64_t job = 0;

  CU_ASSERT_EQUAL_FATAL(pe_ship(&env, "Acme", "PRO-T3", 0, "TRK-0003"), 0);
  /* more 500s than the client's attempts: the run fails, nothing set */
  CU_ASSERT_EQUAL(fault("PRO-T3", "\"kind\":\"status\",\"status\":500", 20),
                  201);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "tracking_upload", &job),
                  HS_JOB_FAILED);
  CU_ASSERT_STRING_EQUAL(sufs("PRO-T3"), "0");
  CU_ASSERT(posts("PRO-T3") >= 2); /* retried, within the attempt limit */
  CU_ASSERT(posts("PRO-T3") <= 5);
  CU_ASSERT_EQUAL(pe_error_count(&env, "Acme", "remote_retry", "PRO-T3"), 1);
  CU_ASSERT_EQUAL(pe_ctl(&env, "DELETE", "/_sim/faults", NULL, NULL), 200);
  /* the server recovered: the next run sends it and sets the flag */
  CU_ASSERT_EQUAL(hs_clock_advance(env.h, 300000), BMC_OK);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "tracking_upload", &job),
                  HS_JOB_COMPLETED);
  CU_ASSERT_STRING_EQUAL(sufs("PRO-T3"), "1");
}

static void
t_transient_errors_retried(void)
{
  int64_t job = 0, t0;
  char err[128];
  int before;

  /* two 503s then success, in one run */
  CU_ASSERT_EQUAL_FATAL(pe_ship(&env, "Acme", "PRO-T4", 0, "TRK-0004"), 0);
  CU_ASSERT_EQUAL(fault("PRO-T4", "\"kind\":\"status\",\"status\":503", 2),
                  201);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "tracking_upload", &job),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(posts("PRO-T4"), 3);
  CU_ASSERT_STRING_EQUAL(sufs("PRO-T4"), "1");

  /* 429 with Retry-After: 7 -- waited on the virtual clock, then sent */
  CU_ASSERT_EQUAL_FATAL(pe_ship(&env, "Acme", "PRO-T5", 0, "TRK-0005"), 0);
  CU_ASSERT_EQUAL(fault("PRO-T5", "\"kind\":\"status\",\"status\":429,"
                        "\"retry_after\":7", 1), 201);
  t0 = hs_clock_now(env.h);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "tracking_upload", &job),
                  HS_JOB_COMPLETED);
  CU_ASSERT(hs_clock_now(env.h) - t0 >= 7000);
  CU_ASSERT_EQUAL(posts("PRO-T5"), 2);
  CU_ASSERT_STRING_EQUAL(sufs("PRO-T5"), "1");

  /* a timeout (the server answers after 1.5 s, the client gives up after
   * 1 s) is retried; whichever attempt lands, the flag ends up set */
  CU_ASSERT_EQUAL(pe_set(&env, "Acme", "http_timeout_ms", "1000", err,
                         sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL_FATAL(pe_ship(&env, "Acme", "PRO-T6", 0, "TRK-0006"), 0);
  CU_ASSERT_EQUAL(fault("PRO-T6", "\"kind\":\"delay\",\"delay_ms\":1500", 1),
                  201);
  before = posts("PRO-T6");
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "tracking_upload", &job),
                  HS_JOB_COMPLETED);
  CU_ASSERT(posts("PRO-T6") - before >= 1);
  CU_ASSERT(pe_log_count(&env, job, BMC_LOG_WARN, "timed out") >= 1);
  CU_ASSERT_STRING_EQUAL(sufs("PRO-T6"), "1");
  CU_ASSERT_EQUAL(hs_company_setting_unset(env.h, "Acme", "backmarket_pro",
                                           "http_timeout_ms"), BMC_OK);
}

static void
t_409_after_host_failure(void)
{
  int64_t job = 0;

  /* Pro accepts the shipment but the host fails to set the flag ... */
  CU_ASSERT_EQUAL_FATAL(pe_ship(&env, "Acme", "PRO-T7", 0, "TRK-0007"), 0);
  CU_ASSERT_EQUAL(hs_fault_set(env.h, "order_mark_reported", 0,
                               HS_FAULT_FAIL), BMC_OK);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "tracking_upload", &job),
                  HS_JOB_PARTIAL);
  hs_fault_clear(env.h);
  CU_ASSERT_STRING_EQUAL(sufs("PRO-T7"), "0");
  CU_ASSERT_EQUAL(pe_error_count(&env, "Acme", "host_error", "PRO-T7"), 1);
  /* ... the next run gets 409 already fulfilled and counts it as done */
  CU_ASSERT_EQUAL(hs_clock_advance(env.h, 300000), BMC_OK);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "tracking_upload", &job),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(posts("PRO-T7"), 2);
  CU_ASSERT_STRING_EQUAL(sufs("PRO-T7"), "1");
  CU_ASSERT_EQUAL(pe_log_count(&env, job, BMC_LOG_INFO,
                               "409 already fulfilled"), 1);
}

static void
t_cancelled_not_resent(void)
{
  int64_t job = 0;

  CU_ASSERT_EQUAL(pe_ctl(&env, "POST", "/_sim/pro/orders/PRO-T8/cancel",
                         NULL, NULL), 200);
  CU_ASSERT_EQUAL_FATAL(pe_ship(&env, "Acme", "PRO-T8", 0, "TRK-0008"), 0);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "tracking_upload", &job),
                  HS_JOB_PARTIAL);
  CU_ASSERT_EQUAL(posts("PRO-T8"), 1);
  CU_ASSERT_STRING_EQUAL(sufs("PRO-T8"), "0");
  CU_ASSERT_EQUAL(pe_error_count(&env, "Acme", "order_cancelled", "PRO-T8"),
                  1);
  /* a permanent refusal is not retried blindly */
  CU_ASSERT_EQUAL(hs_clock_advance(env.h, 300000), BMC_OK);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "tracking_upload", &job),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(posts("PRO-T8"), 1);
  CU_ASSERT_STRING_EQUAL(sufs("PRO-T8"), "0");
}

static void
t_crash_every_step(void)
{
  static const char *const services[] = {"orders_each",
                                         "order_mark_reported", "state_put",
                                         "state_get"};
  static const char *const ids[] = {"PRO-K1", "PRO-K2", "PRO-K3"};
  char trk[32];
  size_t s, i;
  int n, code, crashes = 0;

  if(pe_under_valgrind()) {
    fprintf(stderr, "(crash test skipped under valgrind) ");
    return;
  }
  CU_ASSERT_EQUAL_FATAL(pe_company(&env, "Crash", "pk_test_trk_crash_01",
                                   "SELLER-K"), 0);
  for(i = 0; i < 3; i++)
    CU_ASSERT_EQUAL_FATAL(pe_pro_order(&env, "SELLER-K", ids[i], "paid", 1,
                                       1, "5.00"), 0);
  CU_ASSERT_EQUAL(pe_run_crashing(&env, "Crash", "test_settings", NULL, 0),
                  0);
  CU_ASSERT_EQUAL(pe_run_crashing(&env, "Crash", "import_orders", NULL, 0),
                  0);
  for(i = 0; i < 3; i++) {
    int64_t oid;
    struct hs_shipment sh;

    snprintf(trk, sizeof(trk), "TRK-K%zu", i);
    memset(&sh, 0, sizeof(sh));
    sh.tracking_number = trk;
    sh.carrier = "DHL";
    CU_ASSERT_EQUAL_FATAL(hs_order_find(env.h, "Crash", ids[i], &oid),
                          BMC_OK);
    CU_ASSERT_EQUAL(hs_order_ship(env.h, oid, &sh, NULL, 0), BMC_OK);
  }
  for(s = 0; s < sizeof(services) / sizeof(services[0]); s++) {
    for(n = 0; n < 40; n++) {
      code = pe_run_crashing(&env, "Crash", "tracking_upload", services[s],
                             n);
      CU_ASSERT(code == 99 || code == 0);
      if(code != 99)
        break;
      crashes++;
    }
    CU_ASSERT(n < 40);
  }
  CU_ASSERT(crashes >= 3);
  CU_ASSERT_EQUAL(pe_run_crashing(&env, "Crash", "tracking_upload", NULL, 0),
                  0);
  for(i = 0; i < 3; i++) {
    char v[8];

    CU_ASSERT_EQUAL(pe_order_field(&env, "Crash", ids[i], "sufs", v,
                                   sizeof(v)), 0);
    CU_ASSERT_STRING_EQUAL(v, "1");
  }
}

static void
t_no_secret(void)
{
  CU_ASSERT_FALSE(pe_secret_anywhere(&env, KEY));
  CU_ASSERT_FALSE(pe_secret_anywhere(&env, "pk_test_trk_crash_01"));
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"pro_tracking", "fully shipped only, flag after success",
     t_fully_shipped_only},
    {"pro_tracking", "500 until exhausted, then success", t_500_then_success},
    {"pro_tracking", "503/429/timeout retried", t_transient_errors_retried},
    {"pro_tracking", "409 after host failure counts as done",
     t_409_after_host_failure},
    {"pro_tracking", "422 cancelled not resent", t_cancelled_not_resent},
    {"pro_tracking", "crash at every step", t_crash_every_step},
    {"pro_tracking", "key never logged", t_no_secret},
  };

  return cu_main(cases, CU_CASES_N(cases), suite_init, suite_clean, argc, argv);
}
