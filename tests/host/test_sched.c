/*
 * test_sched.c -- jobs and the scheduler on the virtual clock: a gated
 * scheduled action runs at its interval only when its Toolbox switch is
 * on, is skipped (with a log line naming the setting) while a required
 * setting is missing, never runs twice at once, failures carry the
 * plugin's message, and a job cut short by a crash is marked Interrupted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "th.h"
#include "cu_main.h"
#include "hs_db.h"

#define MIN_MS (60 * 1000LL)

static char dir[256];

struct jobs {
  int n, skipped, completed, scheduled;
  int64_t last_skipped;
  int64_t interrupted;
};

static int
jobs_cb(void *ud, const struct hs_job *j)
{
  struct jobs *s = ud;

  s->n++;
  if(j->status == HS_JOB_SKIPPED) {
    s->skipped++;
    if(!s->last_skipped)
      s->last_skipped = j->id;
  }
  if(j->status == HS_JOB_COMPLETED)
    s->completed++;
  if(j->status == HS_JOB_INTERRUPTED)
    s->interrupted = j->id;
  if(strcmp(j->trigger, "scheduled") == 0)
    s->scheduled++;
  return 0;
}

struct taskv {
  int64_t runs, last;
  int found;
};

static int
task_cb(void *ud, const struct hs_task *t)
{
  struct taskv *v = ud;

  if(strcmp(t->action, "ping") == 0) {
    v->found++;
    v->runs = t->run_count;
    v->last = t->last_executed_ms;
  }
  return 0;
}

static void
test_interval_and_gating(void)
{
  struct hs_host *h;
  struct jobs js;
  struct taskv tv;
  int64_t t0;
  char err[256];
  int ran = 0;

  th_tmpdir(dir, sizeof(dir));
  h = th_open(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  t0 = hs_clock_now(h);
  th_ctl.runs = 0;

  /* Toolbox switch "sync" is off (default false): nothing runs. */
  CU_ASSERT_EQUAL(hs_scheduler_run_until(h, t0 + 60 * MIN_MS, &ran), BMC_OK);
  CU_ASSERT_EQUAL(ran, 0);
  CU_ASSERT_EQUAL(th_ctl.runs, 0);
  CU_ASSERT_EQUAL(hs_clock_now(h), t0 + 60 * MIN_MS);

  /* Switch on, but the required token is missing: skipped, with a line
   * that says which setting, and the plugin is not called. */
  CU_ASSERT_EQUAL_FATAL(hs_company_setting_set(h, "Acme", "tplug", "sync",
                                               "true", err, sizeof(err)),
                        BMC_OK);
  t0 = hs_clock_now(h);
  CU_ASSERT_EQUAL(hs_scheduler_run_until(h, t0 + 9 * MIN_MS, &ran), BMC_OK);
  CU_ASSERT_EQUAL(th_ctl.runs, 0);
  memset(&js, 0, sizeof(js));
  CU_ASSERT_EQUAL(hs_jobs_each(h, "Acme", jobs_cb, &js), BMC_OK);
  CU_ASSERT_EQUAL(js.skipped, 2); /* at +0 and +5 min */
  CU_ASSERT_TRUE(th_log_has(h, js.last_skipped, "token", 0));
  CU_ASSERT_TRUE(th_log_has(h, js.last_skipped, "skipped", 0));

  /* With the token: every 5 minutes, last executed and count recorded. */
  CU_ASSERT_EQUAL_FATAL(hs_company_setting_set(h, "Acme", "tplug", "token",
                                               TH_SECRET, err, sizeof(err)),
                        BMC_OK);
  t0 = hs_clock_now(h);
  CU_ASSERT_EQUAL(hs_scheduler_run_until(h, t0 + 60 * MIN_MS, &ran), BMC_OK);
  /* The previous skip was at t0-1min, so runs at t0+1, +6, ..., +56. */
  CU_ASSERT_EQUAL(th_ctl.runs, 12);
  CU_ASSERT_EQUAL(ran, 12);
  memset(&tv, 0, sizeof(tv));
  CU_ASSERT_EQUAL(hs_tasks_each(h, "Acme", task_cb, &tv), BMC_OK);
  CU_ASSERT_EQUAL(tv.found, 1);
  CU_ASSERT_EQUAL(tv.runs, 12);
  CU_ASSERT_EQUAL(tv.last, t0 + 56 * MIN_MS);

  /* A task switched off in the task table stops running. */
  CU_ASSERT_EQUAL(hs_task_set(h, "Acme", "tplug", "ping", 0, 0), BMC_OK);
  CU_ASSERT_EQUAL(hs_scheduler_run_until(h, hs_clock_now(h) + 60 * MIN_MS,
                                         &ran), BMC_OK);
  CU_ASSERT_EQUAL(ran, 0);
  CU_ASSERT_EQUAL(th_ctl.runs, 12);
  /* Disabling the plugin for the company stops it too. */
  CU_ASSERT_EQUAL(hs_task_set(h, "Acme", "tplug", "ping", 1, 600), BMC_OK);
  CU_ASSERT_EQUAL(hs_company_plugin_enable(h, "Acme", "tplug", 0, err,
                                           sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_scheduler_run_until(h, hs_clock_now(h) + 60 * MIN_MS,
                                         &ran), BMC_OK);
  CU_ASSERT_EQUAL(ran, 0);
  CU_ASSERT_EQUAL(hs_company_plugin_enable(h, "Acme", "tplug", 1, err,
                                           sizeof(err)), BMC_OK);
  /* New interval of 10 minutes: one overdue run then every 10 min. */
  CU_ASSERT_EQUAL(hs_scheduler_run_until(h, hs_clock_now(h) + 30 * MIN_MS,
                                         &ran), BMC_OK);
  CU_ASSERT_EQUAL(ran, 4);
  hs_host_close(h);
  th_rmdir(dir);
}

static void
test_manual_runs(void)
{
  struct hs_host *h;
  int64_t job = 0;
  int st = -1;
  char err[256];

  th_tmpdir(dir, sizeof(dir));
  h = th_open(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  /* The same action never runs twice at once. */
  th_ctl.reenter_rc = -1;
  CU_ASSERT_EQUAL(hs_run_action(h, "Acme", "tplug", "reenter", &job, &st,
                                err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(th_ctl.reenter_rc, BMC_ERR_CONFLICT);
  CU_ASSERT_EQUAL(st, HS_JOB_COMPLETED);

  /* A failure is Failed, with the plugin's message as an error line. */
  CU_ASSERT_EQUAL(hs_run_action(h, "Acme", "tplug", "fail", &job, &st, err,
                                sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(st, HS_JOB_FAILED);
  CU_ASSERT_TRUE(th_log_has(h, job, "remote said no (HTTP 400)", 1));
  CU_ASSERT_TRUE(th_log_has(h, job, "rejected by remote", 1));

  /* Another live host-sim process (here: pid 1) running any action of
   * the instance blocks it; a job whose process is gone is marked
   * Interrupted and no longer blocks. */
  {
    char db[1024], key[512], sql[256], oerr[512];
    struct hs_db *s = NULL;
    pid_t dead = fork();

    if(dead == 0)
      _exit(0);
    CU_ASSERT_EQUAL_FATAL(waitpid(dead, NULL, 0), dead);
    /* a second connection to the store, as another process has */
    CU_ASSERT_EQUAL_FATAL(th_store_target(dir, db, sizeof(db), key,
                                          sizeof(key)), 0);
    snprintf(sql, sizeof(sql), "INSERT INTO jobs(company_id, plugin, action,"
             " trigger, status, pid, created_ms) VALUES(1, 'tplug', 'ping',"
             " 'scheduled', 1, %d, 0)", (int)dead);
    CU_ASSERT_EQUAL_FATAL(hs_db_open(db, 0, &s, oerr, sizeof(oerr)),
                          HS_DB_OK);
    CU_ASSERT_EQUAL(hs_db_exec(s, sql), HS_DB_OK);
    CU_ASSERT_EQUAL(hs_run_action(h, "Acme", "tplug", "fail", &job, &st, err,
                                  sizeof(err)), BMC_OK);
    CU_ASSERT_EQUAL(hs_db_exec(s, "INSERT INTO jobs(company_id, plugin,"
                               " action, trigger, status, pid, created_ms)"
                               " VALUES(1, 'tplug', 'ping', 'scheduled', 1,"
                               " 1, 0)"), HS_DB_OK);
    err[0] = '\0';
    CU_ASSERT_EQUAL(hs_run_action(h, "Acme", "tplug", "fail", &job, &st, err,
                                  sizeof(err)), BMC_ERR_CONFLICT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "ping is running"));
    CU_ASSERT_EQUAL(hs_db_exec(s, "UPDATE jobs SET status = 2 WHERE pid ="
                               " 1"), HS_DB_OK);
    hs_db_close(s);
  }

  /* Unknown action, disabled plugin. */
  err[0] = '\0';
  CU_ASSERT_EQUAL(hs_run_action(h, "Acme", "tplug", "nope", &job, &st, err,
                                sizeof(err)), BMC_ERR_NOT_FOUND);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "nope"));
  CU_ASSERT_EQUAL(hs_company_plugin_enable(h, "Acme", "tplug", 0, err,
                                           sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_run_action(h, "Acme", "tplug", "ping", &job, &st, err,
                                sizeof(err)), BMC_ERR_CONFLICT);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "not enabled"));
  hs_host_close(h);
  th_rmdir(dir);
}

static void
test_interrupted(void)
{
  struct hs_host *h;
  struct jobs js;
  pid_t pid;
  int status = 0;
  int64_t job = 0;
  int st = -1;
  char err[256];

  th_tmpdir(dir, sizeof(dir));
  h = th_open(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  hs_host_close(h);

  pid = fork();
  CU_ASSERT_FATAL(pid >= 0);
  if(pid == 0) {
    /* The child dies inside the job, on the second state_put. */
    struct hs_host *c = th_open(dir);

    if(!c || hs_fault_set(c, "state_put", 1, HS_FAULT_EXIT))
      _exit(3);
    hs_run_action(c, "Acme", "tplug", "crash", NULL, NULL, NULL, 0);
    _exit(4);
  }
  CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
  CU_ASSERT_TRUE(WIFEXITED(status));
  CU_ASSERT_EQUAL(WEXITSTATUS(status), 99);

  h = th_open(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  memset(&js, 0, sizeof(js));
  CU_ASSERT_EQUAL(hs_jobs_each(h, NULL, jobs_cb, &js), BMC_OK);
  CU_ASSERT_EQUAL(js.n, 1);
  CU_ASSERT_TRUE(js.interrupted > 0);
  CU_ASSERT_TRUE(th_log_has(h, js.interrupted, "interrupted", 1));
  /* The first state_put was durable; the action can run again. */
  {
    const struct bmc_host_api *api;
    void *ctx;
    char buf[8];
    size_t len = 0;

    CU_ASSERT_EQUAL_FATAL(hs_host_services(h, "Acme", "tplug", &api, &ctx),
                          BMC_OK);
    CU_ASSERT_EQUAL(api->state_get(ctx, "cursor", buf, sizeof(buf), &len),
                    BMC_OK);
    CU_ASSERT_STRING_EQUAL(buf, "1");
  }
  CU_ASSERT_EQUAL(hs_run_action(h, "Acme", "tplug", "crash", &job, &st, err,
                                sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(st, HS_JOB_COMPLETED);

  /* Fail mode: the service returns an error, the job fails cleanly. */
  CU_ASSERT_EQUAL(hs_fault_set(h, "state_put", 0, HS_FAULT_FAIL), BMC_OK);
  CU_ASSERT_EQUAL(hs_run_action(h, "Acme", "tplug", "crash", &job, &st, err,
                                sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(st, HS_JOB_FAILED);
  CU_ASSERT_EQUAL(th_ctl.last_rc, BMC_ERR_INTERNAL);
  hs_fault_clear(h);
  hs_host_close(h);
  th_rmdir(dir);
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"host_sched", "interval and gating", test_interval_and_gating},
    {"host_sched", "manual runs", test_manual_runs},
    {"host_sched", "interrupted job", test_interrupted},
  };

  return cu_main(cases, CU_CASES_N(cases), NULL, NULL, argc, argv);
}
