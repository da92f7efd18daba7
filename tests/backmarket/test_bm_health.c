/*
 * test_bm_health.c -- token rotation, the credentials alert and the health
 * facts, through loader + host sim + market sim on the virtual clock:
 * a good pending token is checked and swapped in by the scheduler between
 * two jobs while orders keep arriving (every order_download succeeds, no
 * order is missed, the old token is erased after a full cycle); a bad one
 * is refused with Back Market's reason and the active one stays; a 401
 * raises one company alert however many jobs fail, cleared by the next
 * success; the health facts equal what the runs did; dispatch deadlines
 * (placed on a Sunday, due Monday 17:00 London) are warned ahead, flagged
 * late, and cleared by shipping or cancelling.
 * argv[1] names the scenario.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <sqlite3.h>

#include "bmt.h"
#include "cu_main.h"

#define TOKEN_B "tok-rotated-0123456789abcdefXYZ"
#define TOKEN_BAD "tok-unknown-0123456789abcdefXYZ"

static struct th_env E;

struct job_tally {
  const char *action;
  int n, completed, other;
  int rotation_ok, rotation_failed;
  int64_t last_ok_ms;
};

static int
tally_cb(void *ud, const struct hs_job *j)
{
  struct job_tally *t = ud;

  if(!strcmp(j->trigger, "rotation")) {
    t->rotation_ok += j->status == HS_JOB_COMPLETED;
    t->rotation_failed += j->status == HS_JOB_FAILED;
    return 0;
  }
  if(strcmp(j->action, t->action))
    return 0;
  t->n++;
  if(j->status == HS_JOB_COMPLETED) {
    t->completed++;
    if(j->finished_ms > t->last_ok_ms)
      t->last_ok_ms = j->finished_ms;
  }
  else {
    t->other++;
    th_job_log_dump(&E, j->id, stderr);
  }
  return 0;
}

static struct job_tally
tally(const char *action)
{
  struct job_tally t;

  memset(&t, 0, sizeof(t));
  t.action = action;
  CU_ASSERT_EQUAL(hs_jobs_each(E.host, E.company, tally_cb, &t), 0);
  return t;
}

struct errq {
  const char *code;
  int open, all;
  char items[4][32];
};

static int
dl_cb(void *ud, const struct hs_item_error *e)
{
  struct errq *q = ud;

  if(strcmp(e->code, q->code))
    return 0;
  if(q->all < 4)
    snprintf(q->items[q->all], sizeof(q->items[0]), "%s", e->item);
  q->all++;
  q->open += e->resolved_ms == 0;
  return 0;
}

static struct errq
queue(const char *code)
{
  struct errq q;

  memset(&q, 0, sizeof(q));
  q.code = code;
  hs_errors_each(E.host, E.company, E.plugin, dl_cb, &q);
  return q;
}


/* The text appears in no job log line and no error-queue entry. */
struct leak {
  const char *text;
  int n;
};

static int
leak_line_cb(void *ud, const struct hs_job_line *l)
{
  struct leak *k = ud;

  k->n += strstr(l->text, k->text) != NULL;
  return 0;
}

static int
leak_job_cb(void *ud, const struct hs_job *j)
{
  hs_job_log_each(E.host, j->id, leak_line_cb, ud);
  return 0;
}

static int
leak_err_cb(void *ud, const struct hs_item_error *e)
{
  struct leak *k = ud;

  k->n += strstr(e->message, k->text) != NULL;
  return 0;
}

static int
leaks(const char *text)
{
  struct leak k = {text, 0};

  hs_jobs_each(E.host, E.company, leak_job_cb, &k);
  hs_errors_each(E.host, E.company, NULL, leak_err_cb, &k);
  return k.n;
}

/* Rows of the store file's settings for the plugin's key; with sealed_only
 * only those sealed (encrypted, no clear token in the value). */
static int
rows_q(const char *key, int sealed_only)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  int n = -1;

  if(sqlite3_open_v2(E.db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
     sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM settings WHERE plugin ="
                        " 'backmarket' AND key = ?1 AND (?2 = 0 OR"
                        " (encrypted = 1 AND instr(value, 'tok-') = 0))", -1,
                        &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, sealed_only);
    if(sqlite3_step(st) == SQLITE_ROW)
      n = sqlite3_column_int(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

static int
store_count(const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  int n = -1;

  if(sqlite3_open_v2(E.db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
     sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
     sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

static int
setting_rows(const char *key)
{
  int n = rows_q(key, 0);

  CU_ASSERT_EQUAL(rows_q(key, 1), n); /* every copy sealed */
  return n;
}

static int
active_token_is(const char *want)
{
  char buf[256];

  if(hs_company_setting_get(E.host, E.company, E.plugin, "token", buf,
                            sizeof(buf)))
    return 0;
  return strcmp(buf, want) == 0;
}

static void
register_token(const char *tok)
{
  char body[256];

  snprintf(body, sizeof(body), "{\"token\": \"%s\", \"merchant_id\": %d, "
           "\"platform\": \"eu\"}", tok, TH_MERCHANT_ID);
  CU_ASSERT_EQUAL(th_sim_control(&E, "POST", "/_sim/tokens", body, NULL),
                  201);
}

static void
t_rotate_good(void)
{
  struct job_tally t;
  char err[512];
  int64_t ids[12];
  int k, ran = 0;

  CU_ASSERT_EQUAL_FATAL(bmt_start(&E, 0, "accept", NULL), 0);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-A", 1000), 0);
  register_token(TOKEN_B);
  /* orders keep arriving every 150 s while the scheduler runs (order
   * download every 300 s); the pending token is staged after the fourth */
  for(k = 0; k < 12; k++) {
    ids[k] = bmt_order1(&E, "SKU-A", 1, NULL);
    CU_ASSERT(ids[k] > 0);
    if(k == 4) {
      CU_ASSERT_EQUAL(hs_setting_stage_pending(E.host, E.company, E.plugin,
                                               "token", TOKEN_B, err,
                                               sizeof(err)), 0);
      /* staged, not yet active: the old token serves until the check */
      CU_ASSERT(active_token_is(BMT_TOKEN));
      CU_ASSERT_EQUAL(setting_rows("token:pending"), 1);
    }
    CU_ASSERT_EQUAL(hs_scheduler_run_until(E.host, th_now(&E) + 150000,
                                           &ran), 0);
    if(k == 5) {
      /* swapped between two runs, the old one kept for now */
      CU_ASSERT(active_token_is(TOKEN_B));
      CU_ASSERT_EQUAL(setting_rows("token:pending"), 0);
    }
  }
  CU_ASSERT_EQUAL(hs_scheduler_run_until(E.host, th_now(&E) + 300000, &ran),
                  0);
  t = tally("order_download");
  CU_ASSERT(t.n >= 7);
  CU_ASSERT_EQUAL(t.other, 0); /* polling never interrupted */
  CU_ASSERT_EQUAL(t.completed, t.n);
  CU_ASSERT_EQUAL(t.rotation_ok, 1);
  CU_ASSERT_EQUAL(t.rotation_failed, 0);
  for(k = 0; k < 12; k++)
    CU_ASSERT_EQUAL(bmt_host_order_count(&E, ids[k]), 1); /* none missed */
  CU_ASSERT(active_token_is(TOKEN_B));
  /* every scheduled action ran once with the new token: old one erased */
  CU_ASSERT_EQUAL(setting_rows("token:previous"), 0);
  CU_ASSERT_EQUAL(setting_rows("token"), 1);
  CU_ASSERT_EQUAL(queue("credentials_refused").all, 0);
  CU_ASSERT_EQUAL(leaks(TOKEN_B), 0);
  BMT_FINISH(&E);
}

static void
t_rotate_keeps_previous(void)
{
  char err[512];
  int64_t job = 0;

  CU_ASSERT_EQUAL_FATAL(bmt_start(&E, 0, "hold", NULL), 0);
  register_token(TOKEN_B);
  CU_ASSERT_EQUAL(hs_setting_stage_pending(E.host, E.company, E.plugin,
                                           "token", TOKEN_B, err,
                                           sizeof(err)), 0);
  CU_ASSERT_EQUAL(hs_rotation_check(E.host, E.company, E.plugin, &job, err,
                                    sizeof(err)), 0);
  CU_ASSERT(job > 0);
  CU_ASSERT(active_token_is(TOKEN_B));
  /* no scheduled action has run with it yet: the old one is kept */
  CU_ASSERT_EQUAL(setting_rows("token:previous"), 1);
  BMT_RUN_OK(&E, "order_download");
  /* tracking_upload and cancellation_sync have not run yet */
  CU_ASSERT_EQUAL(setting_rows("token:previous"), 1);
  BMT_RUN_OK(&E, "cancellation_sync");
  BMT_RUN_OK(&E, "tracking_upload");
  CU_ASSERT_EQUAL(setting_rows("token:previous"), 0);
  /* not a secret, or nothing pending: clear refusals */
  CU_ASSERT_EQUAL(hs_setting_stage_pending(E.host, E.company, E.plugin,
                                           "markets", "fr-fr", err,
                                           sizeof(err)), BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "not a secret"));
  CU_ASSERT_EQUAL(hs_rotation_check(E.host, E.company, E.plugin, NULL, err,
                                    sizeof(err)), BMC_ERR_NOT_FOUND);
  BMT_FINISH(&E);
}

static void
t_rotate_bad(void)
{
  struct job_tally t;
  char err[512];
  int64_t job = 0;

  CU_ASSERT_EQUAL_FATAL(bmt_start(&E, 0, "hold", NULL), 0);
  CU_ASSERT_EQUAL(hs_setting_stage_pending(E.host, E.company, E.plugin,
                                           "token", TOKEN_BAD, err,
                                           sizeof(err)), 0);
  CU_ASSERT_EQUAL(hs_rotation_check(E.host, E.company, E.plugin, &job, err,
                                    sizeof(err)), BMC_ERR_UNAUTHORIZED);
  /* Back Market's reason, never the token */
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "HTTP 401"));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "active value stays"));
  CU_ASSERT_PTR_NULL(strstr(err, TOKEN_BAD));
  CU_ASSERT(active_token_is(BMT_TOKEN));
  CU_ASSERT_EQUAL(setting_rows("token:pending"), 0);
  /* a refused pending token is no credentials alert */
  CU_ASSERT_EQUAL(queue("credentials_refused").all, 0);
  BMT_RUN_OK(&E, "order_download");
  BMT_RUN_OK(&E, "validate_token");
  t = tally("order_download");
  CU_ASSERT_EQUAL(t.completed, 1);
  CU_ASSERT_EQUAL(t.rotation_failed, 1);
  CU_ASSERT_EQUAL(leaks(TOKEN_BAD), 0);
  BMT_FINISH(&E);
}

static void
t_alert_once(void)
{
  struct errq q;
  int k;

  CU_ASSERT_EQUAL_FATAL(bmt_start(&E, 0, "hold", NULL), 0);
  CU_ASSERT(th_simf(&E, "POST", "/_sim/faults", "{\"path\": \"/ws/orders\","
                    " \"count\": 3, \"kind\": \"status\", \"status\": 401}")
            == 201);
  for(k = 0; k < 3; k++)
    CU_ASSERT_EQUAL(th_run(&E, "order_download", NULL), HS_JOB_FAILED);
  q = queue("credentials_refused");
  CU_ASSERT_EQUAL(q.all, 1); /* once, not once per job */
  CU_ASSERT_EQUAL(q.open, 1);
  BMT_RUN_OK(&E, "order_download"); /* the token works again */
  q = queue("credentials_refused");
  CU_ASSERT_EQUAL(q.all, 1);
  CU_ASSERT_EQUAL(q.open, 0);
  /* failing again is a new alert */
  CU_ASSERT(th_simf(&E, "POST", "/_sim/faults", "{\"path\": \"/ws/orders\","
                    " \"count\": 1, \"kind\": \"status\", \"status\": 401}")
            == 201);
  CU_ASSERT_EQUAL(th_run(&E, "order_download", NULL), HS_JOB_FAILED);
  q = queue("credentials_refused");
  CU_ASSERT_EQUAL(q.all, 2);
  CU_ASSERT_EQUAL(q.open, 1);
  BMT_FINISH(&E);
}

struct health_q {
  struct hs_health v;
  char token_status[32], alert[600];
  int64_t order_ok_ms, tracking_ok_ms;
  int order_status;
  double overall_hour, overall_day;
  int64_t refused_errors;
  int seen;
};

static int
health_cb(void *ud, const struct hs_health *v)
{
  struct health_q *q = ud;
  size_t i;

  if(strcmp(v->plugin, "backmarket"))
    return 0;
  q->seen++;
  q->v = *v;
  snprintf(q->token_status, sizeof(q->token_status), "%s", v->token_status);
  snprintf(q->alert, sizeof(q->alert), "%s", v->alert ? v->alert : "");
  for(i = 0; i < v->n_actions; i++) {
    if(!strcmp(v->actions[i].action, "order_download")) {
      q->order_ok_ms = v->actions[i].last_ok_ms;
      q->order_status = v->actions[i].last_status;
    }
    if(!strcmp(v->actions[i].action, "tracking_upload"))
      q->tracking_ok_ms = v->actions[i].last_ok_ms;
  }
  for(i = 0; i < v->n_metrics; i++)
    if(!strcmp(v->metrics[i].name, "budget_overall") &&
       !v->metrics[i].market[0]) {
      q->overall_hour = v->metrics[i].last_hour;
      q->overall_day = v->metrics[i].last_day;
    }
  for(i = 0; i < v->n_errors; i++)
    if(!strcmp(v->errors[i].code, "credentials_refused"))
      q->refused_errors = v->errors[i].n;
  return 0;
}

static struct health_q
health(void)
{
  struct health_q q;

  memset(&q, 0, sizeof(q));
  CU_ASSERT_EQUAL(hs_health_each(E.host, E.company, health_cb, &q), 0);
  CU_ASSERT_EQUAL(q.seen, 1);
  return q;
}

static void
t_health_facts(void)
{
  struct health_q q;
  struct job_tally t;
  int64_t seq0, first_hour, last_ok;

  CU_ASSERT_EQUAL_FATAL(bmt_start(&E, 0, "hold", NULL), 0);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-H", 10), 0);
  q = health();
  CU_ASSERT_STRING_EQUAL(q.token_status, "unchecked");
  CU_ASSERT_EQUAL(q.order_ok_ms, 0);
  CU_ASSERT_EQUAL(q.order_status, -1);
  seq0 = th_sim_log_seq(&E);
  BMT_RUN_OK(&E, "validate_token");
  CU_ASSERT(bmt_order1(&E, "SKU-H", 1, NULL) > 0);
  th_clock_advance(&E, 60000);
  BMT_RUN_OK(&E, "order_download");
  q = health();
  CU_ASSERT_STRING_EQUAL(q.token_status, "valid");
  t = tally("order_download");
  CU_ASSERT_EQUAL(q.order_ok_ms, t.last_ok_ms);
  CU_ASSERT_EQUAL(q.order_status, HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(q.tracking_ok_ms, 0);
  /* the budget the plugin reports equals the requests Back Market saw */
  first_hour = th_sim_log_count(&E, seq0, NULL, "/ws/", NULL);
  CU_ASSERT(first_hour > 0);
  CU_ASSERT_EQUAL((int64_t)q.overall_hour, first_hour);
  CU_ASSERT_EQUAL((int64_t)q.overall_day, first_hour);
  /* two hours later: out of the last hour, still in the last day */
  th_clock_advance(&E, 2 * 3600 * 1000);
  seq0 = th_sim_log_seq(&E);
  BMT_RUN_OK(&E, "order_download");
  q = health();
  CU_ASSERT_EQUAL((int64_t)q.overall_hour,
                  th_sim_log_count(&E, seq0, NULL, "/ws/", NULL));
  CU_ASSERT_EQUAL((int64_t)q.overall_day,
                  first_hour + th_sim_log_count(&E, seq0, NULL, "/ws/",
                                                NULL));
  last_ok = q.order_ok_ms;
  CU_ASSERT_EQUAL(last_ok, tally("order_download").last_ok_ms);
  /* a 401: token refused, one open error, the alert text */
  CU_ASSERT(th_simf(&E, "POST", "/_sim/faults", "{\"path\": \"/ws/orders\","
                    " \"count\": 2, \"kind\": \"status\", \"status\": 401}")
            == 201);
  CU_ASSERT_EQUAL(th_run(&E, "order_download", NULL), HS_JOB_FAILED);
  CU_ASSERT_EQUAL(th_run(&E, "order_download", NULL), HS_JOB_FAILED);
  q = health();
  CU_ASSERT_STRING_EQUAL(q.token_status, "refused");
  CU_ASSERT_PTR_NOT_NULL(strstr(q.alert, "refused the credentials"));
  CU_ASSERT_EQUAL(q.refused_errors, 1);
  CU_ASSERT_EQUAL(q.order_status, HS_JOB_FAILED);
  CU_ASSERT_EQUAL(q.order_ok_ms, last_ok); /* failures do not count */
  BMT_RUN_OK(&E, "order_download");
  q = health();
  CU_ASSERT_STRING_EQUAL(q.token_status, "valid");
  CU_ASSERT_EQUAL(q.refused_errors, 0);
  CU_ASSERT_STRING_EQUAL(q.alert, "");
  /* retention: five weeks later the old samples are gone, the new kept */
  CU_ASSERT(store_count("SELECT COUNT(*) FROM metrics") >= 3);
  th_clock_advance(&E, 36LL * 86400 * 1000);
  BMT_RUN_OK(&E, "order_download");
  CU_ASSERT_EQUAL(store_count("SELECT COUNT(*) FROM metrics WHERE name ="
                              " 'budget_overall'"), 1);
  q = health();
  CU_ASSERT((int64_t)q.overall_day >= 1);
  BMT_FINISH(&E);
}

static char *
order_xml(int64_t sim_id)
{
  char sid[32], *xml = NULL;
  int64_t hid = 0;
  size_t len = 0;

  snprintf(sid, sizeof(sid), "%lld", (long long)sim_id);
  CU_ASSERT_EQUAL(hs_order_find(E.host, E.company, sid, &hid), 0);
  CU_ASSERT_EQUAL(hs_order_xml(E.host, hid, &xml, &len), 0);
  return xml;
}

static void
t_deadlines(void)
{
  struct health_q q;
  struct errq d;
  int64_t a, b, c, la;
  char *xml, err[256], sid[32];
  const char *lines[1];
  char lid[32];
  int64_t hid = 0;
  int flagged = -1;

  /* the virtual clock starts on Sunday 2026-03-22 12:00Z; market en-gb */
  CU_ASSERT_EQUAL_FATAL(bmt_start(&E, 0, "accept", NULL), 0);
  CU_ASSERT_EQUAL_FATAL(bmt_product(&E, "SKU-D", 10), 0);
  a = bmt_order1(&E, "SKU-D", 1, &la);
  b = bmt_order1(&E, "SKU-D", 1, NULL);
  c = bmt_order1(&E, "SKU-D", 1, NULL);
  BMT_RUN_OK(&E, "order_download");
  /* placed on a Sunday: due on Monday by 17:00 London (GMT in March) */
  xml = order_xml(a);
  CU_ASSERT_PTR_NOT_NULL(xml && strstr(xml, "<dispatch_deadline>"
                                       "2026-03-23T17:00:00Z"
                                       "</dispatch_deadline>"));
  /* Back Market's own date is kept beside it */
  CU_ASSERT_PTR_NOT_NULL(xml && strstr(xml, "<expected_dispatch_date>"));
  free(xml);
  /* Monday 12:00Z: five hours ahead, nothing yet (warning: 4 h) */
  th_clock_advance(&E, 24LL * 3600 * 1000);
  CU_ASSERT_EQUAL(hs_deadlines_scan(E.host, &flagged), 0);
  CU_ASSERT_EQUAL(flagged, 0);
  /* 13:30Z: all three due soon, once however often it is scanned */
  th_clock_advance(&E, 90LL * 60 * 1000);
  CU_ASSERT_EQUAL(hs_deadlines_scan(E.host, &flagged), 0);
  CU_ASSERT_EQUAL(flagged, 3);
  CU_ASSERT_EQUAL(hs_deadlines_scan(E.host, &flagged), 0);
  CU_ASSERT_EQUAL(flagged, 0);
  d = queue("dispatch_due_soon");
  CU_ASSERT_EQUAL(d.open, 3);
  q = health();
  CU_ASSERT_EQUAL(q.v.n_due_soon, 3);
  CU_ASSERT_EQUAL(q.v.n_late, 0);
  /* shipping clears one, cancelling another */
  snprintf(lid, sizeof(lid), "%lld", (long long)la);
  lines[0] = lid;
  CU_ASSERT_EQUAL(bmt_ship(&E, a, "MV000000001GB", "Royal Mail", lines, NULL,
                           1, 0), 0);
  snprintf(sid, sizeof(sid), "%lld", (long long)b);
  CU_ASSERT_EQUAL(hs_order_find(E.host, E.company, sid, &hid), 0);
  CU_ASSERT_EQUAL(hs_order_cancel(E.host, hid, "customer", err,
                                  sizeof(err)), 0);
  d = queue("dispatch_due_soon");
  CU_ASSERT_EQUAL(d.all, 3);
  CU_ASSERT_EQUAL(d.open, 1);
  /* 17:00:01Z: the third is late; the shipped and cancelled ones are not */
  th_clock_advance(&E, (3LL * 60 + 30) * 60 * 1000 + 1000);
  CU_ASSERT_EQUAL(hs_scheduler_run_until(E.host, th_now(&E), NULL), 0);
  d = queue("dispatch_late");
  CU_ASSERT_EQUAL(d.all, 1);
  CU_ASSERT_EQUAL(d.open, 1);
  snprintf(sid, sizeof(sid), "%lld", (long long)c);
  CU_ASSERT_STRING_EQUAL(d.items[0], sid);
  q = health();
  CU_ASSERT_EQUAL(q.v.n_late, 1);
  CU_ASSERT_EQUAL(q.v.n_due_soon, 0);
  CU_ASSERT_EQUAL(q.v.n_orders, 1);
  /* the warning time is per company */
  CU_ASSERT_EQUAL(hs_company_dispatch_warn_set(E.host, E.company,
                                               -1, err, sizeof(err)),
                  BMC_ERR_INVALID_ARG);
  CU_ASSERT_EQUAL(hs_company_dispatch_warn_set(E.host, E.company,
                                               2LL * 3600 * 1000, err,
                                               sizeof(err)), 0);
  BMT_FINISH(&E);
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"bm_health", "rotate_good", t_rotate_good},
    {"bm_health", "rotate_keeps_previous", t_rotate_keeps_previous},
    {"bm_health", "rotate_bad", t_rotate_bad},
    {"bm_health", "alert_once", t_alert_once},
    {"bm_health", "health_facts", t_health_facts},
    {"bm_health", "deadlines", t_deadlines},
  };

  return cu_main(cases, CU_CASES_N(cases), NULL, NULL, argc, argv);
}
