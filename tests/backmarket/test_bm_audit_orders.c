/*
 * test_bm_audit_orders.c -- the write gate on the order side (issue 15
 * part A) through the host simulator and the marketplace simulator: a dry
 * run of order download (acceptance), cancellation sync and tracking
 * upload (with IMEIs) sends no changing request (the simulator's request
 * log proves it), imports or changes no host order and reports exactly
 * what the real run then sends; the real run's audit trail holds one row
 * per change with the simulator's request id.  argv[1] names the
 * scenario.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "bmt.h"
#include "cu_main.h"
#include "th_audit.h"

static struct th_env E;

#define START(extra) CU_ASSERT_EQUAL_FATAL(bmt_start(&E, 0, "hold", extra), 0)

/* Changing requests (anything but GET) after seq. */
static int
changing_requests(int64_t seq)
{
  return th_sim_log_count(&E, seq, "POST", "/", NULL) +
         th_sim_log_count(&E, seq, "PATCH", "/", NULL) +
         th_sim_log_count(&E, seq, "PUT", "/", NULL) +
         th_sim_log_count(&E, seq, "DELETE", "/", NULL);
}

/* Acceptance: the dry run plans and reports both lines' 1 -> 2, sends no
 * POST and imports no host order; the real run accepts exactly that. */
static void
t_accept(void)
{
  const char *skus[2] = {"SKU-A", "SKU-B"};
  int qtys[2] = {1, 1};
  struct th_changes dry, real;
  int64_t id, l[2], seq, dj = 0, rj = 0;
  char want[2][240], oid[32];

  START(NULL);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-A", 5), 0);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-B", 5), 0);
  id = bmt_order(&E, skus, qtys, 2, l);
  CU_ASSERT_FATAL(id > 0);
  seq = th_sim_log_seq(&E);
  CU_ASSERT_EQUAL(th_run_dry(&E, "order_download", &dj), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(changing_requests(seq), 0);
  CU_ASSERT_EQUAL(th_orders_count(&E), 0);
  CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id, l[0]), 1);
  CU_ASSERT_EQUAL(th_changes_load(E.host, E.company, dj, 1, NULL, &dry), 0);
  CU_ASSERT_EQUAL(dry.n, 2);
  snprintf(oid, sizeof(oid), "%lld", (long long)id);
  snprintf(want[0], sizeof(want[0]), "SKU-A||%s|%lld|state|1|2", oid,
           (long long)l[0]);
  snprintf(want[1], sizeof(want[1]), "SKU-B||%s|%lld|state|1|2", oid,
           (long long)l[1]);
  CU_ASSERT(dry.n == 2 && (!strcmp(dry.key[0], want[0]) ||
                           !strcmp(dry.key[1], want[0])));
  CU_ASSERT(dry.n == 2 && (!strcmp(dry.key[0], want[1]) ||
                           !strcmp(dry.key[1], want[1])));
  CU_ASSERT_EQUAL(th_job_log_count(&E, dj, "dry run: would send SKU SKU-A "
                                           "order "), 1);
  seq = th_sim_log_seq(&E);
  CU_ASSERT_EQUAL(th_run(&E, "order_download", &rj), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id, l[0]), 2);
  CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id, l[1]), 2);
  CU_ASSERT_EQUAL(bmt_host_order_count(&E, id), 1);
  CU_ASSERT_EQUAL(th_changes_load(E.host, E.company, rj, 0, NULL, &real), 0);
  CU_ASSERT_EQUAL(th_changes_diff(&dry, &real), 0);
  CU_ASSERT_EQUAL(th_changes_logged(&E, seq, &real, "POST", "/ws/orders/",
                                    bmt_posts(&E, seq, id, NULL)), 0);
  CU_ASSERT(real.n > 0 && !strcmp(real.result[0], "ok") &&
            !strcmp(real.trigger[0], "hand"));
  BMT_FINISH(&E);
}

/* Cancellation: an accepted order cancelled in the host; the dry run
 * reports 2 -> 5 without sending or marking it reported. */
static void
t_cancel(void)
{
  struct th_changes dry, real;
  int64_t id, l1, seq, hid, dj = 0, rj = 0;
  char sid[32], err[256], want[240];
  int rep = 0;

  START(NULL);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-A", 3), 0);
  id = bmt_order1(&E, "SKU-A", 1, &l1);
  CU_ASSERT_EQUAL(th_run(&E, "order_download", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id, l1), 2);
  snprintf(sid, sizeof(sid), "%lld", (long long)id);
  CU_ASSERT_EQUAL_FATAL(hs_order_find(E.host, E.company, sid, &hid), 0);
  CU_ASSERT_EQUAL(hs_order_cancel(E.host, hid, "customer called", err,
                                  sizeof(err)), 0);
  seq = th_sim_log_seq(&E);
  CU_ASSERT_EQUAL(th_run_dry(&E, "cancellation_sync", &dj), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(changing_requests(seq), 0);
  CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id, l1), 2);
  bmt_host_order(&E, id, NULL, 0, NULL, &rep);
  CU_ASSERT_EQUAL(rep, 0);
  CU_ASSERT_EQUAL(th_changes_load(E.host, E.company, dj, 1, NULL, &dry), 0);
  snprintf(want, sizeof(want), "SKU-A||%s|%lld|state|2|5", sid,
           (long long)l1);
  CU_ASSERT_EQUAL(dry.n, 1);
  CU_ASSERT_STRING_EQUAL(dry.key[0], want);
  seq = th_sim_log_seq(&E);
  CU_ASSERT_EQUAL(th_run(&E, "cancellation_sync", &rj), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id, l1), 5);
  bmt_host_order(&E, id, NULL, 0, NULL, &rep);
  CU_ASSERT_EQUAL(rep, 1);
  CU_ASSERT_EQUAL(th_changes_load(E.host, E.company, rj, 0, NULL, &real), 0);
  CU_ASSERT_EQUAL(th_changes_diff(&dry, &real), 0);
  CU_ASSERT_EQUAL(th_changes_logged(&E, seq, &real, "POST", "/ws/orders/",
                                    1), 0);
  BMT_FINISH(&E);
}

/* Tracking with IMEIs: a single-line order (IMEI in the state-3 body) and
 * a two-line one (PATCH per line); the dry run sends nothing and leaves
 * both unreported; the real run sends exactly the reported rows. */
static void
t_tracking(void)
{
  const char *extra[] = {"imei_update", "true", NULL};
  const char *skus[2] = {"SKU-A", "SKU-B"};
  int qtys[2] = {1, 1};
  struct th_changes dry, real;
  int64_t id1, id2, l1, l2[2], seq, dj = 0, rj = 0;
  char lid[2][32], item[32];
  const char *lids[2], *ser[2];
  int rep = 0;

  START(extra);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-A", 10), 0);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-B", 10), 0);
  id1 = bmt_order1(&E, "SKU-A", 1, &l1);
  id2 = bmt_order(&E, skus, qtys, 2, l2);
  CU_ASSERT_EQUAL(th_run(&E, "order_download", NULL), HS_JOB_COMPLETED);
  snprintf(lid[0], sizeof(lid[0]), "%lld", (long long)l1);
  lids[0] = lid[0];
  ser[0] = "356938035643809";
  CU_ASSERT_EQUAL_FATAL(bmt_ship(&E, id1, "MV000000001GB", "Royal Mail",
                                 lids, ser, 1, 0), 0);
  snprintf(lid[0], sizeof(lid[0]), "%lld", (long long)l2[0]);
  snprintf(lid[1], sizeof(lid[1]), "%lld", (long long)l2[1]);
  lids[0] = lid[0];
  lids[1] = lid[1];
  ser[0] = "490154203237518";
  ser[1] = "SN-ABC123XYZ";
  CU_ASSERT_EQUAL_FATAL(bmt_ship(&E, id2, "1Z999AA10123456784", "UPS", lids,
                                 ser, 2, 0), 0);
  seq = th_sim_log_seq(&E);
  CU_ASSERT_EQUAL(th_run_dry(&E, "tracking_upload", &dj), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(changing_requests(seq), 0);
  bmt_host_order(&E, id1, NULL, 0, &rep, NULL);
  CU_ASSERT_EQUAL(rep, 0);
  CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id1, l1), 2);
  CU_ASSERT_EQUAL(th_changes_load(E.host, E.company, dj, 1, NULL, &dry), 0);
  /* order 1: tracking + IMEI; order 2: tracking + two identifiers */
  CU_ASSERT_EQUAL(dry.n, 5);
  snprintf(item, sizeof(item), "%lld", (long long)id1);
  {
    struct th_changes one;

    CU_ASSERT_EQUAL(th_changes_load(E.host, E.company, dj, 1, item, &one),
                    0);
    CU_ASSERT_EQUAL(one.n, 2);
  }
  seq = th_sim_log_seq(&E);
  CU_ASSERT_EQUAL(th_run(&E, "tracking_upload", &rj), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id1, l1), 3);
  bmt_host_order(&E, id2, NULL, 0, &rep, NULL);
  CU_ASSERT_EQUAL(rep, 1);
  CU_ASSERT_EQUAL(th_changes_load(E.host, E.company, rj, 0, NULL, &real), 0);
  CU_ASSERT_EQUAL(th_changes_diff(&dry, &real), 0);
  /* 2 state-3 POSTs and 2 PATCHes, each named by its rows' request id */
  CU_ASSERT_EQUAL(th_changes_logged(&E, seq, &real, "PATCH",
                                    "/ws/orderlines/", 2), 0);
  CU_ASSERT_EQUAL(th_changes_logged(&E, seq, &real, "POST", "/ws/orders/",
                                    2), 0);
  BMT_FINISH(&E);
}

/* Every action of the plugin, as a dry run on a store with a paid order,
 * a shipped one and a cancelled one: none sends a changing request, none
 * fails, the host's orders stay as they were. */
static void
t_every_action(void)
{
  const char *extra[] = {"eligibility_rules_file",
                         BMC_SCHEMA_DIR "/eligibility-rules.cfg", NULL};
  const struct bmc_plugin_api *api;
  int64_t id1, id2, id3, l1, l2, l3, seq, hid, before, job;
  char sid[32], err[256], lid[32];
  const char *lids[1], *ser[1] = {"356938035643809"};
  size_t i;
  int st;

  START(extra);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-A", 10), 0);
  id1 = bmt_order1(&E, "SKU-A", 1, &l1);
  id2 = bmt_order1(&E, "SKU-A", 1, &l2);
  CU_ASSERT_EQUAL(th_run(&E, "order_download", NULL), HS_JOB_COMPLETED);
  snprintf(lid, sizeof(lid), "%lld", (long long)l1);
  lids[0] = lid;
  CU_ASSERT_EQUAL_FATAL(bmt_ship(&E, id1, "MV000000001GB", "Royal Mail",
                                 lids, ser, 1, 0), 0);
  snprintf(sid, sizeof(sid), "%lld", (long long)id2);
  CU_ASSERT_EQUAL_FATAL(hs_order_find(E.host, E.company, sid, &hid), 0);
  CU_ASSERT_EQUAL(hs_order_cancel(E.host, hid, "customer called", err,
                                  sizeof(err)), 0);
  id3 = bmt_order1(&E, "SKU-A", 1, &l3); /* paid, not imported yet */
  before = th_orders_count(&E);
  api = hs_plugin_find(E.host, E.plugin);
  CU_ASSERT_PTR_NOT_NULL_FATAL(api);
  for(i = 0; i < api->n_actions; i++) {
    if(!(api->actions[i].flags & BMC_ACTION_MANUAL))
      continue;
    seq = th_sim_log_seq(&E);
    job = 0;
    st = th_run_dry(&E, api->actions[i].id, &job);
    if(st != HS_JOB_COMPLETED && st != HS_JOB_PARTIAL)
      fprintf(stderr, "\n  dry run of %s: status %d\n", api->actions[i].id,
              st);
    CU_ASSERT(st == HS_JOB_COMPLETED || st == HS_JOB_PARTIAL);
    if(changing_requests(seq))
      fprintf(stderr, "\n  dry run of %s sent a changing request\n",
              api->actions[i].id);
    CU_ASSERT_EQUAL(changing_requests(seq), 0);
    CU_ASSERT_EQUAL(th_job_log_count(&E, job, "refused"), 0);
  }
  CU_ASSERT_EQUAL(th_orders_count(&E), before);
  CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id1, l1), 2);
  CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id2, l2), 2);
  CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id3, l3), 1);
  BMT_FINISH(&E);
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"bm_audit_orders", "accept", t_accept},
    {"bm_audit_orders", "cancel", t_cancel},
    {"bm_audit_orders", "tracking", t_tracking},
    {"bm_audit_orders", "every_action", t_every_action},
  };

  return cu_main(cases, CU_CASES_N(cases), NULL, NULL, argc, argv);
}
