/*
 * test_workers.c -- scheduler workers sharing one store (hs_worker.c): two
 * and three worker processes run 60 due tasks, each exactly once and never
 * one (company, action) twice at once (begin/end lines every run appends
 * to a shared file); a worker killed with kill -9 mid-job keeps its lease
 * while alive (heartbeat), loses it when dead, and another worker takes
 * the task once it expires (takeover time printed); a late finisher after
 * a takeover records nothing; a job whose lease was taken over has its
 * log line and state write refused.  On SQLite by default; on the
 * PostgreSQL test server (a database of its own) when $BMC_PG_DIR is set.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "cu_main.h"
#include "hs_config.h"
#include "hs_host.h"
#include "th.h"
#include "th_pg_target.h"
#include "th_workers.h"

#define N_COMPANIES 20 /* x 3 scheduled actions = 60 due tasks */

/* the fence case: the two hosts and the taker, and what the job saw */
static struct hs_host *g_fa, *g_fb;
static struct hs_worker *g_wb;
static int64_t g_lease_ms;
static int g_put_before, g_put_after, g_taken;

/* The fenced job: a write, the lease runs out and another worker takes
 * the task, then a log line and a write that must be refused. */
static int
fence_body(const struct bmc_host_api *host, void *ctx)
{
  int claimed = 0;

  g_put_before = host->state_put(ctx, "k", "before", 6);
  host->log(ctx, BMC_LOG_INFO, "line before the takeover");
  hs_clock_advance(g_fa, g_lease_ms + 1000);
  hs_clock_advance(g_fb, g_lease_ms + 1000);
  g_taken = hs_worker_claim(g_wb, &claimed) == BMC_OK && claimed;
  host->log(ctx, BMC_LOG_INFO, "line after the takeover");
  g_put_after = host->state_put(ctx, "k", "after", 5);
  return BMC_OK;
}

/* n worker processes run every due task once, none twice at once. */
static void
run_workers(int n_workers, const char *name)
{
  pid_t pids[4];
  struct hs_host *h;
  int i, tasks, runs, overlaps, status, total = 0;
  char tag[32];

  snprintf(tag, sizeof(tag), "%s%d", name, n_workers);
  CU_ASSERT_FATAL(th_w_fresh_store(tag) == 0);
  h = th_w_open(0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  tasks = th_w_populate(h, N_COMPANIES);
  CU_ASSERT_EQUAL_FATAL(tasks, N_COMPANIES * 3);
  hs_host_close(h);
  for(i = 0; i < n_workers; i++) {
    pids[i] = fork();
    CU_ASSERT_FATAL(pids[i] >= 0);
    if(pids[i] == 0) {
      struct hs_host *ch = th_w_open(0);
      struct hs_worker *w = ch ? th_w_worker(ch, "t", 10000) : NULL;
      int ran = 0;

      alarm(120);
      if(!w || hs_worker_loop(w, 1, 0, &ran))
        _exit(255);
      hs_worker_free(w);
      hs_host_close(ch);
      _exit(ran);
    }
  }
  printf("\n  %d workers ran:", n_workers);
  for(i = 0; i < n_workers; i++) {
    CU_ASSERT_EQUAL(waitpid(pids[i], &status, 0), pids[i]);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) != 255);
    printf(" %d", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    total += WIFEXITED(status) ? WEXITSTATUS(status) : 0;
  }
  printf(" task(s)\n");
  CU_ASSERT_EQUAL(total, tasks);
  th_w_runlog_check(&runs, &overlaps);
  CU_ASSERT_EQUAL(runs, tasks);
  CU_ASSERT_EQUAL(overlaps, 0);
  h = th_w_open(0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_EQUAL(th_w_q_int(h, "SELECT COUNT(*) FROM tasks WHERE run_count = 1"
                       " AND lease_owner IS NULL AND lease_until_ms = 0",
                       NULL), tasks);
  CU_ASSERT_EQUAL(th_w_q_int(h, "SELECT COUNT(*) FROM jobs WHERE status <> 2",
                        NULL), 0);
  hs_host_close(h);
}

static void
test_two_workers(void)
{
  run_workers(2, "share");
}

static void
test_three_workers(void)
{
  run_workers(3, "share");
}

/* One company's marketplace is slow (its first job holds until every
 * other company's task has ended, 20 s at most; its tasks are never leased
 * at once): the other worker runs every other company's due tasks
 * meanwhile, so none of them ends after the slow company's last job.  One
 * worker alone (or a pool that waited on the slow company) fails this. */
static void
test_slow_company_isolated(void)
{
  th_w_mode = TH_W_SLOW_C00;
  th_w_slow_others = (N_COMPANIES - 1) * 3;
  run_workers(2, "slow");
  th_w_mode = TH_W_RECORD;
  CU_ASSERT_EQUAL(th_w_runlog_after("c00"), 0);
}

/* With only workers running, one of them does the scheduler's work
 * between runs (here: the audit trail's pruning of a row far older than
 * the retention), and holds the store's scheduler lease while it lives:
 * a `scheduler` on the store is refused, so it never runs tasks beside
 * the workers' claims. */
static void
test_worker_keeps_house(void)
{
  struct hs_host *h, *h2;
  struct hs_worker *w;
  int ran = 0;

  CU_ASSERT_FATAL(th_w_fresh_store("house") == 0);
  h = th_w_open(1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_EQUAL_FATAL(th_w_populate(h, 2), 6);
  CU_ASSERT(th_w_q_int(h, "INSERT INTO change_audit(ts_ms, company_id,"
                       " plugin, trigger, field, result) SELECT 1, id,"
                       " 'wplug', 'schedule', 'quantity', 'ok' FROM"
                       " companies ORDER BY id LIMIT 1 RETURNING id",
                       NULL) > 0);
  CU_ASSERT_EQUAL(th_w_q_int(h, "SELECT COUNT(*) FROM change_audit", NULL),
                  1);
  w = th_w_worker(h, "house", 10000);
  CU_ASSERT_PTR_NOT_NULL_FATAL(w);
  CU_ASSERT_EQUAL(hs_worker_loop(w, 1, 0, &ran), BMC_OK);
  CU_ASSERT_EQUAL(ran, 6);
  CU_ASSERT_EQUAL(th_w_q_int(h, "SELECT COUNT(*) FROM change_audit", NULL),
                  0);
  h2 = th_w_open(1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h2);
  CU_ASSERT_EQUAL(hs_scheduler_run_until(h2, hs_clock_now(h2) + 1000, &ran),
                  BMC_ERR_CONFLICT);
  CU_ASSERT_PTR_NOT_NULL(strstr(hs_last_error(h2), "holds store"));
  hs_host_close(h2);
  hs_worker_free(w);
  hs_host_close(h);
}

/* kill -9 mid-job: the heartbeat kept the lease while the worker lived;
 * once dead, another worker takes the task after the lease expired. */
static void
test_kill_takeover(void)
{
  const int64_t lease = 1500;
  int ready[2], hold[2], status, claimed = 0, started = 0, ran = 0;
  struct hs_host *h;
  struct hs_worker *w;
  int64_t u0, u1, tok0, t_kill, first_start, id;
  struct timespec past = {2, 250 * 1000 * 1000}; /* 1.5 x the lease */
  char c, sql[128];
  pid_t pid;

  CU_ASSERT_FATAL(th_w_fresh_store("kill") == 0);
  h = th_w_open(0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_EQUAL_FATAL(th_w_populate(h, 1), 3);
  CU_ASSERT_FATAL(pipe(ready) == 0 && pipe(hold) == 0);
  pid = fork();
  CU_ASSERT_FATAL(pid >= 0);
  if(pid == 0) {
    struct hs_host *ch = th_w_open(0);
    struct hs_worker *cw = ch ? th_w_worker(ch, "doomed", lease) : NULL;

    close(ready[0]);
    close(hold[1]);
    th_w_mode = TH_W_BLOCK;
    th_w_ready_fd = ready[1];
    th_w_hold_fd = hold[0];
    alarm(60);
    if(!cw || hs_worker_claim(cw, &claimed) || !claimed)
      _exit(2);
    hs_worker_run_claimed(cw, &started);
    _exit(4); /* never: the job blocks until killed */
  }
  close(ready[1]);
  close(hold[0]);
  CU_ASSERT_FATAL(read(ready[0], &c, 1) == 1); /* the job has started */
  id = th_w_q_int(h, "SELECT id FROM tasks WHERE lease_owner LIKE 'doomed:%'",
             NULL);
  CU_ASSERT_FATAL(id > 0);
  u0 = th_w_q_int(h, "SELECT MAX(lease_until_ms) FROM tasks", NULL);
  tok0 = th_w_q_int(h, "SELECT MAX(lease_token) FROM tasks", NULL);
  CU_ASSERT_EQUAL(tok0, 1);
  /* alive past its first lease: the heartbeat extended it, no claim */
  nanosleep(&past, NULL);
  u1 = th_w_q_int(h, "SELECT MAX(lease_until_ms) FROM tasks", NULL);
  CU_ASSERT(u1 > u0);
  w = th_w_worker(h, "taker", lease);
  CU_ASSERT_PTR_NOT_NULL_FATAL(w);
  CU_ASSERT_EQUAL(hs_worker_claim(w, &claimed), BMC_OK);
  CU_ASSERT_EQUAL(claimed, 0);
  CU_ASSERT_EQUAL(kill(pid, SIGKILL), 0);
  t_kill = th_w_real_ms();
  CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
  CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  /* dead: no more heartbeats; the lease ends here */
  u1 = th_w_q_int(h, "SELECT MAX(lease_until_ms) FROM tasks", NULL);
  CU_ASSERT_EQUAL(hs_worker_loop(w, 0, u1 + 3000, &ran), BMC_OK);
  CU_ASSERT_EQUAL(ran, 3);
  first_start = th_w_q_int(h, "SELECT MIN(started_ms) FROM jobs WHERE status ="
                      " 2", NULL);
  /* the killed job: Interrupted; the task ran once more, by the taker */
  CU_ASSERT_EQUAL(th_w_q_int(h, "SELECT COUNT(*) FROM jobs WHERE status = 5",
                        NULL), 1);
  CU_ASSERT_EQUAL(th_w_q_int(h, "SELECT COUNT(*) FROM jobs WHERE status = 2",
                        NULL), 3);
  CU_ASSERT_EQUAL(th_w_q_int(h, "SELECT SUM(run_count) FROM tasks", NULL), 3);
  CU_ASSERT_EQUAL(th_w_q_int(h, "SELECT MAX(run_count) FROM tasks", NULL), 1);
  /* the killed one claimed twice (fencing token 2), the others once */
  snprintf(sql, sizeof(sql), "SELECT lease_token FROM tasks WHERE id = %lld",
           (long long)id);
  CU_ASSERT_EQUAL(th_w_q_int(h, sql, NULL), 2);
  CU_ASSERT_EQUAL(th_w_q_int(h, "SELECT SUM(lease_token) FROM tasks", NULL), 4);
  CU_ASSERT(first_start >= u1);
  printf("\n  takeover after kill -9: %lld ms (lease %lld ms; %lld ms after"
         " it expired)\n", (long long)(first_start - t_kill),
         (long long)lease, (long long)(first_start - u1));
  hs_worker_free(w);
  close(ready[0]);
  close(hold[1]);
  hs_host_close(h);
}

/* Two hosts (two workers) on one store, virtual clocks, only a1 on. */
static int
two_hosts(const char *tag)
{
  if(th_w_fresh_store(tag))
    return -1;
  g_fa = th_w_open(1);
  if(!g_fa || th_w_populate(g_fa, 1) != 3)
    return -1;
  g_fb = th_w_open(1);
  if(!g_fb || hs_task_set(g_fa, "c00", "wplug", "a2", 0, 0) ||
     hs_task_set(g_fa, "c00", "wplug", "a3", 0, 0))
    return -1;
  return 0;
}

static void
two_hosts_close(void)
{
  hs_host_close(g_fa);
  hs_host_close(g_fb);
  g_fa = g_fb = NULL;
}

static void
test_late_finisher(void)
{
  struct hs_worker *wa, *wb;
  int claimed = 0;

  CU_ASSERT_FATAL(two_hosts("late") == 0);
  wa = th_w_worker(g_fa, "a", 60000);
  wb = th_w_worker(g_fb, "b", 60000);
  CU_ASSERT_FATAL(wa && wb);
  CU_ASSERT_EQUAL(hs_worker_claim(wa, &claimed), BMC_OK);
  CU_ASSERT_EQUAL_FATAL(claimed, 1);
  /* while a's lease lasts nobody else gets the task */
  CU_ASSERT_EQUAL(hs_worker_claim(wb, &claimed), BMC_OK);
  CU_ASSERT_EQUAL(claimed, 0);
  hs_clock_advance(g_fa, 61000);
  hs_clock_advance(g_fb, 61000);
  CU_ASSERT_EQUAL(hs_worker_claim(wb, &claimed), BMC_OK);
  CU_ASSERT_EQUAL_FATAL(claimed, 1);
  CU_ASSERT_EQUAL(hs_worker_token(wb), hs_worker_token(wa) + 1);
  /* a finishes late: nothing of it is recorded */
  CU_ASSERT_EQUAL(hs_worker_finish(wa), BMC_ERR_CONFLICT);
  CU_ASSERT_EQUAL(th_w_q_int(g_fa, "SELECT run_count FROM tasks WHERE action ="
                        " 'a1'", NULL), 0);
  CU_ASSERT_EQUAL(th_w_q_int(g_fa, "SELECT COUNT(*) FROM tasks WHERE lease_owner"
                        " = ?", hs_worker_id(wb)), 1);
  CU_ASSERT_EQUAL(hs_worker_finish(wb), BMC_OK);
  CU_ASSERT_EQUAL(th_w_q_int(g_fa, "SELECT run_count FROM tasks WHERE action ="
                        " 'a1'", NULL), 1);
  hs_worker_free(wa);
  hs_worker_free(wb);
  two_hosts_close();
}

static void
test_fence(void)
{
  const struct bmc_host_api *api;
  struct hs_worker *wa;
  void *ctx;
  char buf[16];
  size_t len = 0;
  int claimed = 0, started = 0;

  CU_ASSERT_FATAL(two_hosts("fence") == 0);
  g_lease_ms = 60000;
  wa = th_w_worker(g_fa, "a", g_lease_ms);
  g_wb = th_w_worker(g_fb, "b", g_lease_ms);
  CU_ASSERT_FATAL(wa && g_wb);
  CU_ASSERT_EQUAL(hs_worker_claim(wa, &claimed), BMC_OK);
  CU_ASSERT_EQUAL_FATAL(claimed, 1);
  th_w_mode = TH_W_HOOK;
  th_w_hook = fence_body;
  CU_ASSERT_EQUAL(hs_worker_run_claimed(wa, &started), BMC_ERR_CONFLICT);
  th_w_mode = TH_W_RECORD;
  CU_ASSERT_EQUAL(started, 1);
  CU_ASSERT_EQUAL(g_put_before, BMC_OK);
  CU_ASSERT_EQUAL(g_taken, 1);
  CU_ASSERT_EQUAL(g_put_after, BMC_ERR_CONFLICT);
  /* the job log has the line before, not the one after the takeover */
  CU_ASSERT_EQUAL(th_w_q_int(g_fa, "SELECT COUNT(*) FROM job_log WHERE text LIKE"
                        " '%line before the takeover%'", NULL), 1);
  CU_ASSERT_EQUAL(th_w_q_int(g_fa, "SELECT COUNT(*) FROM job_log WHERE text LIKE"
                        " '%line after the takeover%'", NULL), 0);
  CU_ASSERT_EQUAL(hs_host_services(g_fb, "c00", "wplug", &api, &ctx),
                  BMC_OK);
  CU_ASSERT_EQUAL(api->state_get(ctx, "k", buf, sizeof(buf), &len), BMC_OK);
  CU_ASSERT(len == 6 && memcmp(buf, "before", 6) == 0);
  /* the run is not recorded; b holds the lease */
  CU_ASSERT_EQUAL(th_w_q_int(g_fa, "SELECT run_count FROM tasks WHERE action ="
                        " 'a1'", NULL), 0);
  CU_ASSERT_EQUAL(th_w_q_int(g_fa, "SELECT COUNT(*) FROM tasks WHERE lease_owner"
                        " = ?", hs_worker_id(g_wb)), 1);
  hs_worker_free(wa);
  hs_worker_free(g_wb);
  g_wb = NULL;
  two_hosts_close();
}

static void
test_worker_name(void)
{
  struct hs_worker_opts o = {"x.db", "bad\nname", 0};
  struct hs_worker *w = NULL;
  struct hs_host *h;
  char err[256];

  CU_ASSERT_FATAL(th_w_fresh_store("name") == 0);
  h = th_w_open(1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  o.target = th_w_target;
  CU_ASSERT_EQUAL(hs_worker_new(h, &o, &w, err, sizeof(err)),
                  BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "control character at byte 4"));
  o.name = NULL;
  CU_ASSERT_EQUAL(hs_worker_new(h, &o, &w, err, sizeof(err)), BMC_OK);
  CU_ASSERT(w && strchr(hs_worker_id(w), ':') != NULL);
  hs_worker_free(w);
  hs_host_close(h);
}

/* host.cfg's worker_lease_s: read when sane, refused with where. */
static void
test_config_lease(void)
{
  struct hs_config *cfg = NULL;
  char err[256];

  CU_ASSERT_EQUAL(hs_config_read_string("worker_lease_s = 30;", "h.cfg",
                                        &cfg, err, sizeof(err)), BMC_OK);
  CU_ASSERT(cfg && cfg->worker_lease_s == 30);
  hs_config_free(cfg);
  cfg = NULL;
  CU_ASSERT_EQUAL(hs_config_read_string("\nworker_lease_s = 1;", "h.cfg",
                                        &cfg, err, sizeof(err)),
                  BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "h.cfg:2"));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "from 3 to 86400"));
  CU_ASSERT_EQUAL(hs_config_read_string("worker_lease_s = \"60\";",
                                        "h.cfg", &cfg, err, sizeof(err)),
                  BMC_ERR_CONFIG);
}

static int
w_setup(void)
{
  th_tmpdir(th_w_dir, sizeof(th_w_dir));
  return th_w_dir[0] ? 0 : -1;
}

static int
w_teardown(void)
{
  th_rmdir(th_w_dir);
  return 0;
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"workers", "two_workers_share_60_tasks", test_two_workers},
    {"workers", "three_workers_share_60_tasks", test_three_workers},
    {"workers", "slow_company_delays_no_other", test_slow_company_isolated},
    {"workers", "lone_worker_keeps_house", test_worker_keeps_house},
    {"workers", "kill9_takeover", test_kill_takeover},
    {"workers", "late_finisher_changes_nothing", test_late_finisher},
    {"workers", "fence_refuses_writes_after_takeover", test_fence},
    {"workers", "worker_name_checked", test_worker_name},
    {"workers", "config_worker_lease_s", test_config_lease},
  };

  if(getenv("BMC_PG_DIR")) {
    int r = th_pg_target("test_workers", th_w_server, sizeof(th_w_server));

    if(r)
      return r;
  }
  return cu_main(cases, CU_CASES_N(cases), w_setup, w_teardown, argc, argv);
}
