/*
 * test_bm_orders.c -- order download integration tests of the Back Market
 * plugin through the real loader, host simulator and marketplace
 * simulator over loopback: no duplicate orders or acceptances (reruns,
 * failures and a real crash at every step between "created in the host"
 * and "accepted"), no lost orders (many pages, orders moving during
 * pagination, date_modification equal to the cursor), stock-aware
 * acceptance per policy, 429 storms within budget, 5xx retries, malformed
 * JSON kept for the next run.  argv[1] names the scenario.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "bmt.h"
#include "cu_main.h"

static struct th_env E;

#define START(q, pol, extra) CU_ASSERT_EQUAL_FATAL(bmt_start(&E, q, pol, extra), 0)
#define RUN_OK(action) BMT_RUN_OK(&E, action)

static void
finish(void)
{
  BMT_FINISH(&E);
}

/* Two runs: each order once in the host, each line accepted once. */
static void
t_no_duplicates(void)
{
  int64_t ids[5], lines[5];
  int64_t seq;
  int i;

  START(0, "hold", NULL);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-A", 10), 0);
  seq = th_sim_log_seq(&E);
  for(i = 0; i < 5; i++)
    CU_ASSERT_FATAL((ids[i] = bmt_order1(&E, "SKU-A", 1, &lines[i])) > 0);
  RUN_OK("order_download");
  th_clock_advance(&E, 300000);
  RUN_OK("order_download");
  CU_ASSERT_EQUAL(th_orders_count(&E), 5);
  for(i = 0; i < 5; i++) {
    CU_ASSERT_EQUAL(bmt_host_order_count(&E, ids[i]), 1);
    CU_ASSERT_EQUAL(bmt_posts(&E, seq, ids[i], "\"new_state\":2"), 1);
    CU_ASSERT_EQUAL(bmt_sim_line_state(&E, ids[i], lines[i]), 2);
  }
  finish();
}

/* A host service fails after n successful calls (state_put, order_upsert,
 * order_get): rerun -> exactly one order, each line accepted once. */
static void
fail_step(const char *service, int64_t n)
{
  const char *skus[2] = {"SKU-A", "SKU-B"};
  int qtys[2] = {1, 2};
  int64_t id1, id2, l1[2], l2[2];
  int64_t seq;

  START(0, "hold", NULL);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-A", 10), 0);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-B", 10), 0);
  seq = th_sim_log_seq(&E);
  id1 = bmt_order(&E, skus, qtys, 2, l1);
  id2 = bmt_order(&E, skus, qtys, 2, l2);
  CU_ASSERT_FATAL(id1 > 0 && id2 > 0);
  CU_ASSERT_EQUAL(hs_fault_set(E.host, service, n, HS_FAULT_FAIL), 0);
  (void)th_run(&E, "order_download", NULL);
  hs_fault_clear(E.host);
  th_clock_advance(&E, 300000);
  RUN_OK("order_download");
  RUN_OK("order_download");
  CU_ASSERT_EQUAL(bmt_host_order_count(&E, id1), 1);
  CU_ASSERT_EQUAL(bmt_host_order_count(&E, id2), 1);
  CU_ASSERT_EQUAL(th_orders_count(&E), 2);
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id1, "\"sku\":\"SKU-A\""), 1);
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id1, "\"sku\":\"SKU-B\""), 1);
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id2, "\"sku\":\"SKU-A\""), 1);
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id2, "\"sku\":\"SKU-B\""), 1);
  CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id1, l1[0]), 2);
  CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id2, l2[1]), 2);
  finish();
}

static void
t_fail_each_step(void)
{
  int64_t n;

  for(n = 0; n < 14; n++)
    fail_step("state_put", n);
  for(n = 0; n < 2; n++)
    fail_step("order_upsert", n);
  for(n = 0; n < 3; n++)
    fail_step("order_get", n);
}

/* A real crash (_exit in the middle of the job) of another process on the
 * same store (bm_crash_child), at several points; the parent restarts the
 * host and reruns. */
static void
t_crash_restart(void)
{
  int64_t n;
  int crashed = 0;

  static const struct {
    const char *svc;
    int64_t n;
  } pts[] = {{"state_put", 0}, {"state_put", 1}, {"state_put", 2},
             {"state_put", 3}, {"state_put", 4}, {"order_upsert", 0},
             {"order_get", 0}};
  size_t k;

  for(k = 0; k < sizeof(pts) / sizeof(pts[0]); k++) {
    const char *skus[2] = {"SKU-A", "SKU-B"};
    int qtys[2] = {1, 1};
    int64_t id, l[2], seq;
    pid_t pid;
    int wst = 0;
    char err[256];
    char start_ms[32];
    char after[32];

    START(0, "hold", NULL);
    CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-A", 10), 0);
    CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-B", 10), 0);
    seq = th_sim_log_seq(&E);
    CU_ASSERT_FATAL((id = bmt_order(&E, skus, qtys, 2, l)) > 0);
    fflush(NULL);
    snprintf(start_ms, sizeof(start_ms), "%lld", (long long)th_now(&E));
    n = pts[k].n;
    snprintf(after, sizeof(after), "%lld", (long long)n);
    pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if(pid == 0) {
      /* exec at once: the child inherits none of our threads' state */
      execl(BM_CRASH_CHILD, BM_CRASH_CHILD, E.db, start_ms, E.company,
            "order_download", pts[k].svc, after, (char *)NULL);
      _exit(4);
    }
    CU_ASSERT_EQUAL(waitpid(pid, &wst, 0), pid);
    CU_ASSERT_TRUE(WIFEXITED(wst) && (WEXITSTATUS(wst) == 99 ||
                                      WEXITSTATUS(wst) == 0));
    crashed += WIFEXITED(wst) && WEXITSTATUS(wst) == 99;
    CU_ASSERT_EQUAL_FATAL(th_env_reopen(&E, err, sizeof(err)), 0);
    th_clock_advance(&E, 300000);
    RUN_OK("order_download");
    CU_ASSERT_EQUAL(bmt_host_order_count(&E, id), 1);
    CU_ASSERT_EQUAL(bmt_posts(&E, seq, id, "\"sku\":\"SKU-A\""), 1);
    CU_ASSERT_EQUAL(bmt_posts(&E, seq, id, "\"sku\":\"SKU-B\""), 1);
    CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id, l[0]), 2);
    CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id, l[1]), 2);
    finish();
  }
  /* the fault really hit mid-job every time */
  CU_ASSERT_EQUAL(crashed, (int)(sizeof(pts) / sizeof(pts[0])));
}

/* Orders moving between pages: a host log hook touches an order of page 1
 * while page 1 is being processed. */
static int64_t g_touch_id;
static int g_touched;

static void
touch_hook(void *ud, int level, const char *line)
{
  char path[64];

  (void)ud;
  (void)level;
  if(!g_touched && strstr(line, "orders page 1:")) {
    g_touched = 1;
    snprintf(path, sizeof(path), "/_sim/orders/%lld/invoice",
             (long long)g_touch_id);
    th_sim_control(&E, "POST", path, NULL, NULL);
  }
}

static void
t_many_pages(void)
{
  const char *extra[] = {"order_overlap_s", "0", NULL};
  int64_t ids[130];
  int64_t seq;
  int64_t jid = 0;
  int64_t late;
  int i;
  int accepted = 0;

  START(0, "hold", extra);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-A", 1000), 0);
  seq = th_sim_log_seq(&E);
  for(i = 0; i < 130; i++) {
    CU_ASSERT_FATAL((ids[i] = bmt_order1(&E, "SKU-A", 1, NULL)) > 0);
    if(i % 10 == 0)
      th_clock_advance(&E, 1000);
  }
  g_touch_id = ids[0];
  g_touched = 0;
  hs_host_set_log(E.host, touch_hook, NULL);
  CU_ASSERT_EQUAL(th_run(&E, "order_download", &jid), HS_JOB_COMPLETED);
  hs_host_set_log(E.host, NULL, NULL);
  CU_ASSERT_EQUAL(g_touched, 1);
  CU_ASSERT_EQUAL(th_orders_count(&E), 130);
  CU_ASSERT(th_job_log_count(&E, jid, "reading them again") >= 1);
  for(i = 0; i < 130; i++)
    accepted += bmt_posts(&E, seq, ids[i], "\"new_state\":2") == 1;
  CU_ASSERT_EQUAL(accepted, 130);
  CU_ASSERT(th_sim_log_count(&E, seq, "GET", "/ws/orders", NULL) >= 3);
  /* an order modified at exactly the cursor time is still picked up */
  late = bmt_order1(&E, "SKU-A", 1, NULL);
  CU_ASSERT_FATAL(late > 0);
  RUN_OK("order_download");
  CU_ASSERT_EQUAL(bmt_host_order_count(&E, late), 1);
  CU_ASSERT_EQUAL(th_orders_count(&E), 131);
  finish();
}

/* Stock-aware acceptance: accept / hold / cancel policies. */
static void
t_stock_policies(void)
{
  int64_t id1, id2, l1, l2, seq, jid = 0;
  char status[32];
  int cancel_rep = 0;

  /* hold: quantity committed in this run counts: stock 1, two orders */
  START(0, "hold", NULL);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-A", 1), 0);
  seq = th_sim_log_seq(&E);
  id1 = bmt_order1(&E, "SKU-A", 1, &l1);
  th_clock_advance(&E, 1000);
  id2 = bmt_order1(&E, "SKU-A", 1, &l2);
  CU_ASSERT_EQUAL(th_run(&E, "order_download", &jid), HS_JOB_PARTIAL);
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id1, "\"new_state\":2"), 1);
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id2, NULL), 0);
  CU_ASSERT_EQUAL(bmt_host_order(&E, id2, status, sizeof(status), NULL,
                                 NULL), 0);
  CU_ASSERT_STRING_EQUAL(status, "OnHold");
  CU_ASSERT(th_job_log_count(&E, jid, "not enough stock") >= 1);
  CU_ASSERT(th_job_log_count(&E, jid, "held for review") >= 1);
  CU_ASSERT_EQUAL(th_errors_count(&E, "stock_short", NULL, NULL), 1);
  /* still short: stays held, nothing sent; stock arrives: accepted */
  th_clock_advance(&E, 300000);
  RUN_OK("order_download");
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id2, NULL), 0);
  CU_ASSERT_EQUAL(hs_stock_set(E.host, E.company, "SKU-A", 5), 0);
  th_clock_advance(&E, 300000);
  CU_ASSERT_EQUAL(th_run(&E, "order_download", &jid), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id2, "\"new_state\":2"), 1);
  CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id2, l2), 2);
  CU_ASSERT(th_job_log_count(&E, jid, "stock is available again") >= 1);
  bmt_host_order(&E, id2, status, sizeof(status), NULL, NULL);
  CU_ASSERT_STRING_EQUAL(status, "InProcess");
  finish();

  /* cancel: Back Market line cancelled with reason 0 (stock mistake) */
  START(0, "cancel", NULL);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-A", 0), 0);
  seq = th_sim_log_seq(&E);
  id1 = bmt_order1(&E, "SKU-A", 1, &l1);
  CU_ASSERT_EQUAL(th_run(&E, "order_download", &jid), HS_JOB_PARTIAL);
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id1, "\"new_state\":4"), 1);
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id1, "\"return_reason\":0"), 1);
  CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id1, l1), 4);
  bmt_host_order(&E, id1, status, sizeof(status), NULL, &cancel_rep);
  CU_ASSERT_STRING_EQUAL(status, "Cancelled");
  CU_ASSERT_EQUAL(cancel_rep, 1);
  CU_ASSERT(th_job_log_count(&E, jid, "stock mistake") >= 1);
  RUN_OK("cancellation_sync");
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id1, NULL), 1);
  finish();

  /* accept anyway */
  START(0, "accept", NULL);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-A", 0), 0);
  seq = th_sim_log_seq(&E);
  id1 = bmt_order1(&E, "SKU-A", 1, &l1);
  CU_ASSERT_EQUAL(th_run(&E, "order_download", &jid), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id1, "\"new_state\":2"), 1);
  CU_ASSERT(th_job_log_count(&E, jid, "accepting anyway") >= 1);
  finish();
}

/* 429 storm: the plugin's budget keeps it under the sim's limit, and an
 * injected 429 burst is waited out on the virtual clock. */
static void
t_storm_429(void)
{
  const char *extra[] = {"budget_requests_per_10s", "18", "order_page_size",
                         "10", NULL};
  int64_t seq, t0;
  int i;

  START(1, "hold", extra);
  CU_ASSERT_EQUAL(th_sim_control(&E, "POST", "/_sim/config",
                                 "{\"quotas\": true, \"global_limit\": 20, "
                                 "\"window_ms\": 10000, \"block_ms\": 10000}",
                                 NULL), 200);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-A", 1000), 0);
  seq = th_sim_log_seq(&E);
  for(i = 0; i < 60; i++)
    CU_ASSERT_FATAL(bmt_order1(&E, "SKU-A", 1, NULL) > 0);
  t0 = th_now(&E);
  {
    int64_t jid = 0;
    CU_ASSERT_EQUAL(th_run(&E, "order_download", &jid), HS_JOB_COMPLETED);
    if(th_orders_count(&E) != 60)
      th_job_log_dump(&E, jid, stderr);
  }
  CU_ASSERT_EQUAL(th_orders_count(&E), 60);
  CU_ASSERT_EQUAL(th_sim_log_count(&E, seq, "POST", "/ws/orders/", NULL), 60);
  CU_ASSERT_EQUAL(th_sim_stat(&E, "status_429"), 0);
  CU_ASSERT(th_now(&E) - t0 >= 30000); /* paced on the virtual clock */
  /* an injected storm with Retry-After */
  CU_ASSERT(th_sim_control(&E, "POST", "/_sim/faults",
                           "{\"path\": \"/ws/orders\", \"kind\": \"status\", "
                           "\"status\": 429, \"retry_after\": 7, "
                           "\"count\": 3}", NULL) < 300);
  CU_ASSERT_FATAL(bmt_order1(&E, "SKU-A", 1, NULL) > 0);
  t0 = th_now(&E);
  RUN_OK("order_download");
  CU_ASSERT_EQUAL(th_orders_count(&E), 61);
  CU_ASSERT(th_now(&E) - t0 >= 21000);
  finish();
}

/* 5xx retried; malformed JSON reported and the orders kept. */
static void
t_faults(void)
{
  int64_t jid = 0, id;
  char msg[128];

  START(0, "hold", NULL);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-A", 10), 0);
  CU_ASSERT_FATAL((id = bmt_order1(&E, "SKU-A", 1, NULL)) > 0);
  CU_ASSERT(th_sim_control(&E, "POST", "/_sim/faults",
                           "{\"path\": \"/ws/orders\", \"method\": \"GET\", "
                           "\"kind\": \"status\", \"status\": 503, "
                           "\"count\": 2}", NULL) < 300);
  CU_ASSERT_EQUAL(th_run(&E, "order_download", &jid), HS_JOB_COMPLETED);
  CU_ASSERT(th_job_log_count(&E, jid, "HTTP 503") >= 2);
  CU_ASSERT_EQUAL(bmt_host_order_count(&E, id), 1);
  th_env_stop(&E);

  START(0, "hold", NULL);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-A", 10), 0);
  CU_ASSERT_FATAL((id = bmt_order1(&E, "SKU-A", 1, NULL)) > 0);
  CU_ASSERT(th_sim_control(&E, "POST", "/_sim/faults",
                           "{\"path\": \"/ws/orders\", \"kind\": "
                           "\"malformed\", \"count\": 1}", NULL) < 300);
  CU_ASSERT_EQUAL(th_run(&E, "order_download", &jid), HS_JOB_FAILED);
  CU_ASSERT(th_job_log_count(&E, jid, "malformed JSON") >= 1);
  CU_ASSERT_EQUAL(th_errors_count(&E, "malformed_response", NULL, NULL), 1);
  CU_ASSERT_EQUAL(th_orders_count(&E), 0);
  th_clock_advance(&E, 300000);
  RUN_OK("order_download");
  CU_ASSERT_EQUAL(bmt_host_order_count(&E, id), 1);
  /* a truncated body mid-transfer (dropped connection) is retried */
  CU_ASSERT(th_sim_control(&E, "POST", "/_sim/faults",
                           "{\"path\": \"/ws/orders\", \"kind\": \"drop\", "
                           "\"count\": 1}", NULL) < 300);
  CU_ASSERT_FATAL((id = bmt_order1(&E, "SKU-A", 1, NULL)) > 0);
  RUN_OK("order_download");
  CU_ASSERT_EQUAL(bmt_host_order_count(&E, id), 1);
  snprintf(msg, sizeof(msg), "%lld", (long long)id);
  CU_ASSERT_EQUAL(th_errors_count(&E, NULL, msg, NULL), 0);
  finish();
}

/* Orders that change on Back Market after import: a customer cancels a
 * held order; the host order is cancelled too and nothing is sent. */
static void
t_customer_cancel(void)
{
  int64_t id, l, seq, jid = 0;
  char path[64];
  char status[32];
  int rep = 0;

  START(0, "hold", NULL);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-A", 0), 0);
  id = bmt_order1(&E, "SKU-A", 1, &l);
  CU_ASSERT_EQUAL(th_run(&E, "order_download", NULL), HS_JOB_PARTIAL);
  bmt_host_order(&E, id, status, sizeof(status), NULL, NULL);
  CU_ASSERT_STRING_EQUAL(status, "OnHold");
  seq = th_sim_log_seq(&E);
  th_clock_advance(&E, 60000);
  snprintf(path, sizeof(path), "/_sim/orders/%lld/cancel", (long long)id);
  CU_ASSERT_EQUAL(th_sim_control(&E, "POST", path, NULL, NULL), 200);
  th_clock_advance(&E, 240000);
  CU_ASSERT_EQUAL(th_run(&E, "order_download", &jid), HS_JOB_COMPLETED);
  bmt_host_order(&E, id, status, sizeof(status), NULL, &rep);
  CU_ASSERT_STRING_EQUAL(status, "Cancelled");
  CU_ASSERT_EQUAL(rep, 1);
  CU_ASSERT(th_job_log_count(&E, jid, "cancelled on Back Market") >= 1);
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id, NULL), 0);
  RUN_OK("cancellation_sync");
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id, NULL), 0);
  CU_ASSERT_EQUAL(bmt_host_order_count(&E, id), 1);
  finish();
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"bm_orders", "no_duplicates", t_no_duplicates},
    {"bm_orders", "fail_each_step", t_fail_each_step},
    {"bm_orders", "crash_restart", t_crash_restart},
    {"bm_orders", "many_pages", t_many_pages},
    {"bm_orders", "stock_policies", t_stock_policies},
    {"bm_orders", "storm_429", t_storm_429},
    {"bm_orders", "faults", t_faults},
    {"bm_orders", "customer_cancel", t_customer_cancel},
  };

  return cu_main(cases, CU_CASES_N(cases), NULL, NULL, argc, argv);
}
