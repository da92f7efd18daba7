/*
 * test_bm_ship.c -- host -> Back Market integration tests of the order
 * side: cancellation sync (state 4 before, 5 after acceptance, once),
 * tracking + IMEI upload (state-3 body for a single qty-1 line, PATCH per
 * line otherwise), a bad IMEI or a partial shipment held before anything
 * is sent, token validation outcomes (never echoing the token), and
 * settlements derived from orders reconciling with fees and refunds.
 * argv[1] names the scenario.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void
t_cancel(void)
{
  int64_t id1, id2, l1, l2, seq;
  char sid[32];
  int64_t hid;
  int rep = 0;
  char err[256];

  START(0, "hold", NULL);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-A", 1), 0);
  id1 = bmt_order1(&E, "SKU-A", 1, &l1); /* accepted */
  th_clock_advance(&E, 1000);
  id2 = bmt_order1(&E, "SKU-A", 1, &l2); /* held: no stock left */
  (void)th_run(&E, "order_download", NULL);
  CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id1, l1), 2);
  CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id2, l2), 1);
  seq = th_sim_log_seq(&E);
  snprintf(sid, sizeof(sid), "%lld", (long long)id1);
  CU_ASSERT_EQUAL(hs_order_find(E.host, E.company, sid, &hid), 0);
  CU_ASSERT_EQUAL(hs_order_cancel(E.host, hid, "customer called", err,
                                  sizeof(err)), 0);
  snprintf(sid, sizeof(sid), "%lld", (long long)id2);
  CU_ASSERT_EQUAL(hs_order_find(E.host, E.company, sid, &hid), 0);
  CU_ASSERT_EQUAL(hs_order_cancel(E.host, hid, "no stock", err,
                                  sizeof(err)), 0);
  RUN_OK("cancellation_sync");
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id1, "\"new_state\":5"), 1);
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id2, "\"new_state\":4"), 1);
  CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id1, l1), 5);
  CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id2, l2), 4);
  bmt_host_order(&E, id1, NULL, 0, NULL, &rep);
  CU_ASSERT_EQUAL(rep, 1);
  /* exactly once */
  th_clock_advance(&E, 300000);
  RUN_OK("cancellation_sync");
  RUN_OK("order_download");
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id1, NULL), 1);
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id2, NULL), 1);
  finish();
}

static void
t_tracking_imei(void)
{
  const char *extra[] = {"imei_update", "true", NULL};
  const char *skus[2] = {"SKU-A", "SKU-B"};
  int qtys[2] = {1, 1};
  int64_t id1, id2, l1, l2[2], seq;
  char lid[2][32];
  const char *lids[2];
  const char *ser[2];
  char path[64];
  int rep = 0;

  START(0, "hold", extra);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-A", 10), 0);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-B", 10), 0);
  id1 = bmt_order1(&E, "SKU-A", 1, &l1);
  id2 = bmt_order(&E, skus, qtys, 2, l2);
  RUN_OK("order_download");
  /* single line, qty 1: IMEI in the state-3 body */
  snprintf(lid[0], sizeof(lid[0]), "%lld", (long long)l1);
  lids[0] = lid[0];
  ser[0] = "356938035643809";
  CU_ASSERT_EQUAL_FATAL(bmt_ship(&E, id1, "MV000000001GB", "Royal Mail",
                                 lids, ser, 1, 0), 0);
  /* two lines: IMEI and serial through PATCH /ws/orderlines/{id} */
  snprintf(lid[0], sizeof(lid[0]), "%lld", (long long)l2[0]);
  snprintf(lid[1], sizeof(lid[1]), "%lld", (long long)l2[1]);
  lids[0] = lid[0];
  lids[1] = lid[1];
  ser[0] = "490154203237518";
  ser[1] = "SN-ABC123XYZ";
  CU_ASSERT_EQUAL_FATAL(bmt_ship(&E, id2, "1Z999AA10123456784", "UPS", lids,
                                 ser, 2, 0), 0);
  seq = th_sim_log_seq(&E);
  RUN_OK("tracking_upload");
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id1, "\"new_state\":3"), 1);
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id1, "\"tracking_number\":"
                                          "\"MV000000001GB\""), 1);
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id1, "royalmail.com/track-your-item"),
                  1);
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id1, "\"imei\":\"356938035643809\""),
                  1);
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id1, "\"shipper\":\"Royal Mail\""), 1);
  CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id1, l1), 3);
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id2, "\"new_state\":3"), 1);
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id2, "imei"), 0);
  snprintf(path, sizeof(path), "/ws/orderlines/%lld", (long long)l2[0]);
  CU_ASSERT_EQUAL(th_sim_log_count(&E, seq, "PATCH", path,
                                   "\"imei\":\"490154203237518\""), 1);
  snprintf(path, sizeof(path), "/ws/orderlines/%lld", (long long)l2[1]);
  CU_ASSERT_EQUAL(th_sim_log_count(&E, seq, "PATCH", path,
                                   "\"serial_number\":\"SN-ABC123XYZ\""), 1);
  CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id2, l2[1]), 3);
  bmt_host_order(&E, id1, NULL, 0, &rep, NULL);
  CU_ASSERT_EQUAL(rep, 1);
  bmt_host_order(&E, id2, NULL, 0, &rep, NULL);
  CU_ASSERT_EQUAL(rep, 1);
  /* nothing sent twice */
  th_clock_advance(&E, 300000);
  RUN_OK("tracking_upload");
  CU_ASSERT_EQUAL(th_sim_log_count(&E, seq, NULL, "/ws/orderlines/", NULL),
                  2);
  CU_ASSERT_EQUAL(bmt_posts(&E, seq, id1, NULL), 1);
  finish();
}

static void
t_bad_imei(void)
{
  const char *extra[] = {"imei_update", "true", NULL};
  int64_t id, l, seq, jid = 0;
  char lid[32], sid[32];
  const char *lids[1];
  const char *ser[1] = {"356938035643808"};
  int rep = 1;

  START(0, "hold", extra);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-A", 10), 0);
  id = bmt_order1(&E, "SKU-A", 1, &l);
  RUN_OK("order_download");
  snprintf(lid, sizeof(lid), "%lld", (long long)l);
  snprintf(sid, sizeof(sid), "%lld", (long long)id);
  lids[0] = lid;
  CU_ASSERT_EQUAL_FATAL(bmt_ship(&E, id, "MV000000002GB", "Royal Mail", lids,
                                 ser, 1, 0), 0);
  seq = th_sim_log_seq(&E);
  CU_ASSERT_EQUAL(th_run(&E, "tracking_upload", &jid), HS_JOB_PARTIAL);
  CU_ASSERT_EQUAL(th_sim_log_count(&E, seq, NULL, "/ws/", NULL), 0);
  CU_ASSERT_EQUAL(th_errors_count(&E, "imei_invalid", sid, "Luhn"), 1);
  CU_ASSERT_EQUAL(th_errors_count(&E, "imei_invalid", sid, lid), 1);
  CU_ASSERT(th_job_log_count(&E, jid, "nothing was sent") >= 1);
  bmt_host_order(&E, id, NULL, 0, &rep, NULL);
  CU_ASSERT_EQUAL(rep, 0);
  /* unchanged order: not re-reported, still nothing sent */
  th_clock_advance(&E, 300000);
  RUN_OK("tracking_upload");
  CU_ASSERT_EQUAL(th_sim_log_count(&E, seq, NULL, "/ws/", NULL), 0);
  CU_ASSERT_EQUAL(th_errors_count(&E, "imei_invalid", sid, NULL), 1);
  CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id, l), 2);
  finish();
}

/* A 4xx on the state-3 update: reported with Back Market's reason, not
 * retried until the host order changes. */
static void
t_ship_rejected(void)
{
  int64_t id, l, seq, jid = 0;
  char sid[32];
  char fault[256];
  int rep = 1;

  START(0, "hold", NULL);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-A", 10), 0);
  id = bmt_order1(&E, "SKU-A", 1, &l);
  RUN_OK("order_download");
  snprintf(sid, sizeof(sid), "%lld", (long long)id);
  CU_ASSERT_EQUAL_FATAL(bmt_ship(&E, id, "MV000000004GB", "Royal Mail",
                                 NULL, NULL, 0, 0), 0);
  snprintf(fault, sizeof(fault), "{\"path\": \"/ws/orders/%s\", "
           "\"method\": \"POST\", \"kind\": \"status\", \"status\": 400, "
           "\"count\": 1}", sid);
  CU_ASSERT(th_sim_control(&E, "POST", "/_sim/faults", fault, NULL) < 300);
  seq = th_sim_log_seq(&E);
  CU_ASSERT_EQUAL(th_run(&E, "tracking_upload", &jid), HS_JOB_PARTIAL);
  CU_ASSERT_EQUAL(th_errors_count(&E, "remote_reject", sid, "HTTP 400"), 1);
  CU_ASSERT_EQUAL(th_errors_count(&E, "remote_reject", sid,
                                  "simulated_fault"), 1);
  bmt_host_order(&E, id, NULL, 0, &rep, NULL);
  CU_ASSERT_EQUAL(rep, 0);
  /* unchanged host order: not retried blindly */
  seq = th_sim_log_seq(&E);
  th_clock_advance(&E, 300000);
  RUN_OK("tracking_upload");
  CU_ASSERT_EQUAL(th_sim_log_count(&E, seq, NULL, "/ws/", NULL), 0);
  CU_ASSERT_EQUAL(th_errors_count(&E, "remote_reject", sid, NULL), 1);
  finish();
}

static void
t_partial_ship(void)
{
  const char *skus[2] = {"SKU-A", "SKU-B"};
  int qtys[2] = {1, 1};
  int64_t id, l[2], seq, jid = 0;
  char lid[32], sid[32];
  const char *lids[1];
  int rep = 1;

  START(0, "hold", NULL);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-A", 10), 0);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-B", 10), 0);
  id = bmt_order(&E, skus, qtys, 2, l);
  RUN_OK("order_download");
  snprintf(lid, sizeof(lid), "%lld", (long long)l[0]);
  snprintf(sid, sizeof(sid), "%lld", (long long)id);
  lids[0] = lid;
  CU_ASSERT_EQUAL_FATAL(bmt_ship(&E, id, "MV000000003GB", "Royal Mail", lids,
                                 NULL, 1, 1), 0);
  seq = th_sim_log_seq(&E);
  CU_ASSERT_EQUAL(th_run(&E, "tracking_upload", &jid), HS_JOB_PARTIAL);
  CU_ASSERT_EQUAL(th_sim_log_count(&E, seq, NULL, "/ws/", NULL), 0);
  CU_ASSERT_EQUAL(th_errors_count(&E, "partial_shipment", sid,
                                  "one package"), 1);
  bmt_host_order(&E, id, NULL, 0, &rep, NULL);
  CU_ASSERT_EQUAL(rep, 0);
  CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id, l[0]), 2);
  finish();
}

static int
token_run(const char *want)
{
  int64_t jid = 0;
  int st = th_run(&E, "validate_token", &jid);
  int n = th_job_log_count(&E, jid, want);

  if(!n)
    th_job_log_dump(&E, jid, stderr);
  CU_ASSERT(n >= 1);
  return st;
}

static void
t_token(void)
{
  char err[256];
  int64_t jid = 0;

  START(0, "hold", NULL);
  CU_ASSERT_EQUAL(token_run("the token is valid"), HS_JOB_COMPLETED);
  /* revoked / unknown token: 401 */
  CU_ASSERT_EQUAL(th_set(&E, "token", "tok-revoked-0123456789abcdefXYZ"), 0);
  CU_ASSERT_EQUAL(token_run("invalid or expired"), HS_JOB_FAILED);
  CU_ASSERT_EQUAL(th_run(&E, "order_download", &jid), HS_JOB_FAILED);
  CU_ASSERT(th_job_log_count(&E, jid, "HTTP 401") >= 1);
  CU_ASSERT_EQUAL(th_job_log_count(&E, jid, "tok-revoked"), 0);
  /* malformed forms, said exactly, never echoed */
  CU_ASSERT_EQUAL(th_set(&E, "token", "short-tok"), 0);
  CU_ASSERT_EQUAL(token_run("cut when copied"), HS_JOB_FAILED);
  CU_ASSERT_EQUAL(th_set(&E, "token", "tok with-space-0123456789"), 0);
  CU_ASSERT_EQUAL(token_run("position 4"), HS_JOB_FAILED);
  CU_ASSERT_EQUAL(th_set(&E, "token", "Basic tok-0123456789abcdefXYZ"), 0);
  CU_ASSERT_EQUAL(token_run("paste only the token"), HS_JOB_FAILED);
  err[0] = '\0';
  CU_ASSERT_NOT_EQUAL(hs_company_setting_set(E.host, E.company, "backmarket",
                                             "token", BMT_TOKEN " ", err,
                                             sizeof(err)), 0);
  CU_ASSERT_PTR_NULL(strstr(err, "0123456789abcdefXYZ"));
  /* not a merchant: 403 JSON */
  CU_ASSERT(th_sim_control(&E, "POST", "/_sim/merchants",
                           "{\"id\": 790, \"name\": \"Buyer\", "
                           "\"is_merchant\": false}", NULL) < 300);
  CU_ASSERT(th_sim_control(&E, "POST", "/_sim/tokens",
                           "{\"token\": \"tok-buyer-0123456789abcdefXYZ\", "
                           "\"merchant_id\": 790, \"platform\": \"eu\"}",
                           NULL) < 300);
  CU_ASSERT_EQUAL(th_set(&E, "token", "tok-buyer-0123456789abcdefXYZ"), 0);
  CU_ASSERT_EQUAL(token_run("not a Back Market merchant"), HS_JOB_FAILED);
  /* bot shield: 403 HTML with cf-ray, and the JSON challenge */
  CU_ASSERT_EQUAL(th_set(&E, "token", BMT_TOKEN), 0);
  CU_ASSERT(th_sim_control(&E, "POST", "/_sim/faults",
                           "{\"path\": \"/ws/\", \"kind\": \"cloudflare\", "
                           "\"count\": 1}", NULL) < 300);
  CU_ASSERT_EQUAL(token_run("cf-ray"), HS_JOB_FAILED);
  CU_ASSERT(th_sim_control(&E, "POST", "/_sim/faults",
                           "{\"path\": \"/ws/\", \"kind\": \"bot_json\", "
                           "\"count\": 1}", NULL) < 300);
  CU_ASSERT_EQUAL(token_run("bot protection"), HS_JOB_FAILED);
  /* unreachable */
  CU_ASSERT_EQUAL(th_set(&E, "base_url", "http://127.0.0.1:1"), 0);
  CU_ASSERT_EQUAL(token_run("could not be reached"), HS_JOB_FAILED);
  finish();
}

struct sq {
  int n;
  char net[2][32], sales[2][32], fees[2][32], refunds[2][32], id[2][64];
};

static int
settle_cb(void *ud, const struct hs_settlement *s)
{
  struct sq *q = ud;

  if(q->n < 2) {
    snprintf(q->id[q->n], sizeof(q->id[0]), "%s", s->settlement_id);
    snprintf(q->net[q->n], sizeof(q->net[0]), "%s", s->net);
    snprintf(q->sales[q->n], sizeof(q->sales[0]), "%s", s->sales);
    snprintf(q->fees[q->n], sizeof(q->fees[0]), "%s", s->fees);
    snprintf(q->refunds[q->n], sizeof(q->refunds[0]), "%s", s->refunds);
  }
  q->n++;
  return 0;
}

static void
t_settlement(void)
{
  int64_t id1, id2, l1, l2;
  struct sq q;
  char body[128];
  char path[64];
  int i;
  int a = -1, b = -1;

  START(0, "hold", NULL);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-A", 10), 0);
  id1 = bmt_order1(&E, "SKU-A", 1, &l1); /* 449.00, fee 44.90 */
  id2 = bmt_order1(&E, "SKU-A", 2, &l2); /* 898.00, fee 88.90 */
  RUN_OK("order_download");
  CU_ASSERT_EQUAL_FATAL(bmt_ship(&E, id1, "MV1", "Royal Mail", NULL, NULL, 0,
                                 0), 0);
  CU_ASSERT_EQUAL_FATAL(bmt_ship(&E, id2, "MV2", "Royal Mail", NULL, NULL, 0,
                                 0), 0);
  RUN_OK("tracking_upload");
  CU_ASSERT_EQUAL(bmt_sim_line_state(&E, id2, l2), 3);
  /* 2026-04-02: order 2 refunded after shipping */
  th_clock_advance(&E, 11LL * 86400000);
  snprintf(path, sizeof(path), "/_sim/orders/%lld/refund", (long long)id2);
  snprintf(body, sizeof(body), "{\"return_reason\": 21}");
  CU_ASSERT_EQUAL(th_sim_control(&E, "POST", path, body, NULL), 200);
  RUN_OK("order_download");
  /* 2026-04-12: periods Mar 21-31 (paid Apr 6) and Apr 1-10 (Apr 16) */
  th_clock_advance(&E, 10LL * 86400000);
  RUN_OK("settlement_download");
  RUN_OK("settlement_download");
  memset(&q, 0, sizeof(q));
  hs_settlements_each(E.host, E.company, settle_cb, &q);
  CU_ASSERT_EQUAL_FATAL(q.n, 2);
  for(i = 0; i < 2; i++) {
    if(!strcmp(q.id[i], "backmarket-2026-04-06-GBP"))
      a = i;
    if(!strcmp(q.id[i], "backmarket-2026-04-16-GBP"))
      b = i;
  }
  CU_ASSERT_FATAL(a >= 0 && b >= 0);
  CU_ASSERT_STRING_EQUAL(q.sales[a], "1347.00");
  CU_ASSERT_STRING_EQUAL(q.fees[a], "-133.80");
  CU_ASSERT_STRING_EQUAL(q.refunds[a], "0.00");
  CU_ASSERT_STRING_EQUAL(q.net[a], "1213.20");
  CU_ASSERT_STRING_EQUAL(q.sales[b], "0.00");
  CU_ASSERT_STRING_EQUAL(q.refunds[b], "-898.00");
  CU_ASSERT_STRING_EQUAL(q.net[b], "-898.00");
  finish();
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"bm_ship", "cancel", t_cancel},
    {"bm_ship", "tracking_imei", t_tracking_imei},
    {"bm_ship", "bad_imei", t_bad_imei},
    {"bm_ship", "partial_ship", t_partial_ship},
    {"bm_ship", "ship_rejected", t_ship_rejected},
    {"bm_ship", "token", t_token},
    {"bm_ship", "settlement", t_settlement},
  };

  return cu_main(cases, CU_CASES_N(cases), NULL, NULL, argc, argv);
}
