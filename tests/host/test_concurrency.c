/*
 * test_concurrency.c -- several processes writing one store at once, as
 * in production (a scheduler, a second scheduler started by mistake, a
 * `stock set` loop, a manual run): no write fails with "internal error",
 * no write is lost, and of two schedulers one works while the other
 * waits or says clearly why it stopped.  Every child is bounded by
 * alarm(), so a deadlock fails the test instead of hanging it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "th.h"
#include "cu_main.h"
#include "hs_db.h"

#define N_SKU 40
#define WRITES 1000
#define SCHED_HOURS 3
#define CHILD_SECONDS 240

#define EXIT_CONFLICT 10 /* the second scheduler refused, clearly */

static char dir[256];

static const char *const companies[] = {"Acme", "Beta", "Gamma"};

static int
seed_store(void)
{
  struct hs_host *h = th_open(dir);
  struct hs_product p;
  char err[256], sku[32];
  size_t c;
  int i, rc = 0;

  if(!h)
    return -1;
  for(c = 0; c < 3 && !rc; c++) {
    if(c && hs_company_add(h, companies[c], NULL))
      rc = -1;
    if(!rc && (hs_company_plugin_enable(h, companies[c], "tplug", 1, err,
                                        sizeof(err)) ||
               hs_company_setting_set(h, companies[c], "tplug", "token",
                                      TH_SECRET, err, sizeof(err)) ||
               hs_company_setting_set(h, companies[c], "tplug", "sync",
                                      c < 2 ? "true" : "false", err,
                                      sizeof(err))))
      rc = -1;
    for(i = 0; !rc && i < N_SKU; i++) {
      hs_product_init(&p);
      snprintf(sku, sizeof(sku), "SKU-%02d", i);
      p.sku = sku;
      p.available_qty = 1;
      if(hs_product_upsert(h, companies[c], &p, NULL, err, sizeof(err)))
        rc = -1;
    }
  }
  hs_host_close(h);
  return rc;
}

/* A scheduler over SCHED_HOURS of virtual time (ping every 5 minutes for
 * Acme and Beta).  Exit 0 when it ran, EXIT_CONFLICT when it refused to
 * start because another scheduler holds the store, 1 otherwise. */
static void
child_scheduler(void)
{
  struct hs_host *h;
  int ran = 0, rc;

  alarm(CHILD_SECONDS);
  h = th_open(dir);
  if(!h)
    _exit(1);
  rc = hs_scheduler_run_until(h, hs_clock_now(h) + SCHED_HOURS * 3600000LL,
                              &ran);
  if(rc == BMC_ERR_CONFLICT && strstr(hs_last_error(h), "another scheduler")) {
    fprintf(stderr, "scheduler %d: %s\n", (int)getpid(), hs_last_error(h));
    hs_host_close(h);
    _exit(EXIT_CONFLICT);
  }
  if(rc)
    fprintf(stderr, "scheduler %d failed: %s: %s\n", (int)getpid(),
            hs_rc_name(rc), hs_last_error(h));
  hs_host_close(h);
  _exit(rc ? 1 : 0);
}

/* `stock set` in a loop for Acme plus a manual ping of Gamma every 50
 * writes (a plugin writing from inside a catalog read). */
static void
child_writer(void)
{
  struct hs_host *h;
  char sku[32], err[256];
  int i, rc, st;

  alarm(CHILD_SECONDS);
  h = th_open(dir);
  if(!h)
    _exit(1);
  for(i = 0; i < WRITES; i++) {
    snprintf(sku, sizeof(sku), "SKU-%02d", i % N_SKU);
    rc = hs_stock_set(h, "Acme", sku, 1000 + i);
    if(rc) {
      fprintf(stderr, "writer: stock set %s: %s: %s\n", sku, hs_rc_name(rc),
              hs_last_error(h));
      _exit(1);
    }
    if(i % 50 == 0) {
      st = -1;
      rc = hs_run_action(h, "Gamma", "tplug", "ping", NULL, &st, err,
                         sizeof(err));
      if(rc || st != HS_JOB_COMPLETED) {
        fprintf(stderr, "writer: ping Gamma: %s, status %s: %s\n",
                hs_rc_name(rc), hs_job_status_name(st), err);
        _exit(1);
      }
    }
  }
  hs_host_close(h);
  _exit(0);
}

struct job_count {
  const char *company;
  int completed, bad;
};

static int
job_cb(void *ud, const struct hs_job *j)
{
  struct job_count *n = ud;

  if(strcmp(j->action, "ping"))
    return 0;
  if(j->status == HS_JOB_COMPLETED)
    n->completed++;
  else if(j->status != HS_JOB_SKIPPED)
    n->bad++;
  return 0;
}

struct qty_check {
  int wrong;
};

static int
qty_cb(void *ud, const struct bmc_product *p)
{
  struct qty_check *q = ud;
  int k = (int)strtol(p->sku + 4, NULL, 10), last = WRITES - 1;

  while(last % N_SKU != k)
    last--;
  if(p->available_qty != 1000 + last)
    q->wrong++;
  return 0;
}

/* For each company: every ping job completed, the durable run counter
 * equals the number of completed runs, every product carries the last
 * run's stamp; Acme's stock holds the writer's last value per SKU. */
static void
check_store(int expect_sched_runs)
{
  struct hs_host *h = th_open(dir);
  const struct bmc_host_api *api;
  struct qty_check q = {0};
  char buf[32], want[32], sku[32];
  size_t c, len;
  void *ctx;
  int i;

  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  for(c = 0; c < 3; c++) {
    struct job_count n = {companies[c], 0, 0};

    CU_ASSERT_EQUAL(hs_jobs_each(h, companies[c], job_cb, &n), BMC_OK);
    CU_ASSERT_EQUAL(n.bad, 0);
    if(c < 2 && expect_sched_runs)
      CU_ASSERT(n.completed >= SCHED_HOURS * 12);
    if(c == 2)
      CU_ASSERT_EQUAL(n.completed, (WRITES + 49) / 50);
    CU_ASSERT_EQUAL_FATAL(hs_host_services(h, companies[c], "tplug", &api,
                                           &ctx), BMC_OK);
    memset(buf, 0, sizeof(buf));
    CU_ASSERT_EQUAL(api->state_get(ctx, "ping_runs", buf, sizeof(buf),
                                   &len), BMC_OK);
    CU_ASSERT_EQUAL((int)strtol(buf, NULL, 10), n.completed);
    snprintf(want, sizeof(want), "L-%d", n.completed);
    for(i = 0; i < N_SKU; i++) {
      snprintf(sku, sizeof(sku), "SKU-%02d", i);
      CU_ASSERT_EQUAL(hs_product_prop_get(h, companies[c], "tplug", sku,
                                          "shop_id", buf, sizeof(buf)),
                      BMC_OK);
      CU_ASSERT_STRING_EQUAL(buf, want);
    }
  }
  CU_ASSERT_EQUAL(hs_products_each(h, "Acme", 0, qty_cb, &q), BMC_OK);
  CU_ASSERT_EQUAL(q.wrong, 0);
  hs_host_close(h);
}

static pid_t
spawn(void (*fn)(void))
{
  pid_t pid = fork();

  if(pid == 0)
    fn();
  return pid;
}

static int
reap(pid_t pid)
{
  int status = 0;

  if(pid <= 0 || waitpid(pid, &status, 0) != pid)
    return -1;
  if(WIFSIGNALED(status)) {
    fprintf(stderr, "child %d killed by signal %d%s\n", (int)pid,
            WTERMSIG(status),
            WTERMSIG(status) == SIGALRM ? " (time bound exceeded)" : "");
    return -1;
  }
  return WEXITSTATUS(status);
}

/* Two schedulers started together plus a writer: one scheduler works
 * (the other waits its turn or exits with the reason), nothing fails. */
static void
test_two_schedulers_and_writer(void)
{
  pid_t s1, s2, w;
  int r1, r2, rw;

  th_tmpdir(dir, sizeof(dir));
  CU_ASSERT_EQUAL_FATAL(seed_store(), 0);
  s1 = spawn(child_scheduler);
  s2 = spawn(child_scheduler);
  w = spawn(child_writer);
  r1 = reap(s1);
  r2 = reap(s2);
  rw = reap(w);
  CU_ASSERT_EQUAL(rw, 0);
  CU_ASSERT(r1 == 0 || r1 == EXIT_CONFLICT);
  CU_ASSERT(r2 == 0 || r2 == EXIT_CONFLICT);
  CU_ASSERT(r1 == 0 || r2 == 0); /* at least one worked */
  check_store(1);
  th_rmdir(dir);
}

/* Run sql_text on a connection of the test's store (as another process
 * would); the rows of scheduler_lease after it, or -1. */
static int
lease_rows(const char *sql_text)
{
  char db[1024], key[512], err[512];
  struct hs_db *s = NULL;
  struct hs_dbst *st = NULL;
  int n = -1;

  if(th_store_target(dir, db, sizeof(db), key, sizeof(key)) == 0 &&
     hs_db_open(db, 0, &s, err, sizeof(err)) == HS_DB_OK &&
     hs_db_exec(s, sql_text) == HS_DB_OK &&
     hs_db_prepare(s, "SELECT COUNT(*) FROM scheduler_lease", &st) ==
         HS_DB_OK && hs_db_step(st) == HS_DB_ROW)
    n = (int)hs_db_col_i64(st, 0);
  hs_db_finalize(st);
  hs_db_close(s);
  return n;
}

/* The lease of a live scheduler (here pid 1) refuses a second one with
 * its pid; one whose process is gone (kill -9) is taken over; a
 * scheduler releases it when it ends. */
static void
test_scheduler_lease(void)
{
  struct hs_host *h;
  char sql_text[256];
  pid_t dead;
  int ran = -1;

  th_tmpdir(dir, sizeof(dir));
  CU_ASSERT_EQUAL_FATAL(seed_store(), 0);
  CU_ASSERT_EQUAL(lease_rows("INSERT INTO scheduler_lease VALUES(1, 1,"
                             " 'other', 0)"), 1);
  h = th_open(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_EQUAL(hs_scheduler_run_until(h, hs_clock_now(h) + 3600000LL,
                                         &ran), BMC_ERR_CONFLICT);
  CU_ASSERT_EQUAL(ran, 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(hs_last_error(h), "another scheduler (pid "
                                "1, running since 1970-01-01T00:00:00Z)"));
  hs_host_close(h);

  dead = fork();
  if(dead == 0)
    _exit(0);
  CU_ASSERT_EQUAL_FATAL(waitpid(dead, NULL, 0), dead);
  snprintf(sql_text, sizeof(sql_text), "UPDATE scheduler_lease SET pid = %d",
           (int)dead);
  CU_ASSERT_EQUAL(lease_rows(sql_text), 1);
  h = th_open(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_EQUAL(hs_scheduler_run_until(h, hs_clock_now(h) + 3600000LL,
                                         &ran), BMC_OK);
  CU_ASSERT(ran >= 12); /* Acme and Beta, every 5 minutes */
  hs_host_close(h);
  CU_ASSERT_EQUAL(lease_rows("SELECT 1"), 0);
  th_rmdir(dir);
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"host_concurrency", "two schedulers and a writer",
     test_two_schedulers_and_writer},
    {"host_concurrency", "scheduler lease", test_scheduler_lease},
  };

  return cu_main(cases, CU_CASES_N(cases), NULL, NULL, argc, argv);
}
