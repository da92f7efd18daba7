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
#include "hs_internal.h" /* the store's connection and an instance's company */
#include "th.h"
#include "th_pg_target.h"

#define N_COMPANIES 20 /* x 3 scheduled actions = 60 due tasks */

enum { W_RECORD, W_BLOCK, W_FENCE };

static char g_dir[256], g_target[1024], g_key[300], g_runlog[300];
static char g_server[1024];
static int g_mode = W_RECORD, g_ready_fd = -1, g_hold_fd = -1;
/* W_FENCE: the two hosts and the taker, and what the job saw */
static struct hs_host *g_fa, *g_fb;
static struct hs_worker *g_wb;
static int64_t g_lease_ms;
static int g_put_before, g_put_after, g_taken;

struct w_inst {
  const struct bmc_host_api *host;
  void *ctx;
};

static const struct bmc_action w_actions[] = {
  {"a1", "Action 1", 300, BMC_ACTION_SCHEDULED, NULL},
  {"a2", "Action 2", 300, BMC_ACTION_SCHEDULED, NULL},
  {"a3", "Action 3", 300, BMC_ACTION_SCHEDULED, NULL},
};

static int
w_create(const struct bmc_host_api *host, void *ctx, void **inst,
         char *errbuf, size_t errlen)
{
  struct w_inst *wi = calloc(1, sizeof(*wi));

  (void)errbuf;
  (void)errlen;
  if(!wi)
    return BMC_ERR_NOMEM;
  wi->host = host;
  wi->ctx = ctx;
  *inst = wi;
  return BMC_OK;
}

/* One line "B|E <company> <action> <pid>" appended to the run log. */
static void
w_mark(struct w_inst *wi, char what, const char *action)
{
  char line[256];
  int fd = open(g_runlog, O_WRONLY | O_APPEND | O_CREAT, 0600), n;

  if(fd < 0)
    return;
  n = snprintf(line, sizeof(line), "%c %s %s %d\n", what,
               ((struct hs_inst *)wi->ctx)->company, action, (int)getpid());
  if(n > 0 && write(fd, line, (size_t)n) != n)
    perror("run log");
  close(fd);
}

static int
w_run(void *inst, const char *action, const char *const *items,
      size_t n_items, char *errbuf, size_t errlen)
{
  struct w_inst *wi = inst;
  struct timespec hold = {0, 3 * 1000 * 1000};
  char c = 'R';
  int claimed = 0;

  (void)items;
  (void)n_items;
  (void)errbuf;
  (void)errlen;
  if(g_mode == W_FENCE) {
    g_put_before = wi->host->state_put(wi->ctx, "k", "before", 6);
    wi->host->log(wi->ctx, BMC_LOG_INFO, "line before the takeover");
    /* the lease runs out and another worker takes the task */
    hs_clock_advance(g_fa, g_lease_ms + 1000);
    hs_clock_advance(g_fb, g_lease_ms + 1000);
    g_taken = hs_worker_claim(g_wb, &claimed) == BMC_OK && claimed;
    wi->host->log(wi->ctx, BMC_LOG_INFO, "line after the takeover");
    g_put_after = wi->host->state_put(wi->ctx, "k", "after", 5);
    return BMC_OK;
  }
  w_mark(wi, 'B', action);
  if(g_mode == W_BLOCK) {
    if(write(g_ready_fd, &c, 1) != 1)
      _exit(3);
    if(read(g_hold_fd, &c, 1) < 0) /* blocks until killed */
      _exit(3);
  }
  nanosleep(&hold, NULL); /* long enough for a second runner to overlap */
  w_mark(wi, 'E', action);
  return BMC_OK;
}

static void
w_destroy(void *inst)
{
  free(inst);
}

static const char *
w_strerror(int rc)
{
  return hs_rc_name(rc);
}

static const struct bmc_plugin_api w_plugin = {
  {BMC_ABI_MAGIC, (uint32_t)sizeof(struct bmc_plugin_api), BMC_ABI_MAJOR,
   BMC_ABI_MINOR},
  "wplug", "Worker Test Plugin", "1.0.0", NULL, 0,
  w_actions, sizeof(w_actions) / sizeof(w_actions[0]),
  w_create, w_run, w_destroy, w_strerror, NULL, 0, NULL};

static int64_t
real_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A new, empty store for one test: a SQLite file or a PostgreSQL
 * database of its own. */
static int
fresh_store(const char *tag)
{
  char err[512];

  snprintf(g_key, sizeof(g_key), "%s/%s.key", g_dir, tag);
  snprintf(g_runlog, sizeof(g_runlog), "%s/%s.runs", g_dir, tag);
  if(!g_server[0]) {
    snprintf(g_target, sizeof(g_target), "%s/%s.db", g_dir, tag);
    return 0;
  }
  if(th_pg_new_database(g_server, tag, g_target, sizeof(g_target), err,
                        sizeof(err))) {
    fprintf(stderr, "\n  %s\n", err);
    return -1;
  }
  return 0;
}

/* Store failures and warnings on stderr (a failing test says why). */
static void
w_log(void *ud, int level, const char *line)
{
  (void)ud;
  if(level <= BMC_LOG_WARN && getenv("BMC_WORKERS_LOG"))
    fprintf(stderr, "  [host] %s\n", line);
}

static struct hs_host *
w_open(int virtual_clock)
{
  struct hs_options o;
  struct hs_host *h = NULL;
  char err[512];

  memset(&o, 0, sizeof(o));
  o.db_path = g_target;
  o.key_file = g_key;
  o.schema_dir = BMC_SCHEMA_DIR;
  o.virtual_clock = virtual_clock;
  o.virtual_start_ms = 1767225600000LL;
  if(hs_host_open(&o, &h, err, sizeof(err)) ||
     hs_host_add_plugin_api(h, &w_plugin, "in-memory", err, sizeof(err))) {
    fprintf(stderr, "\n  open %s: %s\n", g_target, err);
    hs_host_close(h);
    return NULL;
  }
  hs_host_set_log(h, w_log, NULL);
  return h;
}

static struct hs_worker *
w_worker(struct hs_host *h, const char *name, int64_t lease_ms)
{
  struct hs_worker_opts o = {g_target, name, lease_ms};
  struct hs_worker *w = NULL;
  char err[512];

  if(hs_worker_new(h, &o, &w, err, sizeof(err)))
    fprintf(stderr, "\n  worker: %s\n", err);
  return w;
}

static int
count_tasks_cb(void *ud, const struct hs_task *t)
{
  (void)t;
  (*(int *)ud)++;
  return 0;
}

/* Companies c0..c<n-1> with wplug enabled, their task rows made. */
static int
w_populate(struct hs_host *h, int n)
{
  char name[32], err[256];
  int i, tasks = 0;

  for(i = 0; i < n; i++) {
    snprintf(name, sizeof(name), "c%02d", i);
    err[0] = '\0';
    if(hs_company_add(h, name, NULL) ||
       hs_company_plugin_enable(h, name, "wplug", 1, err, sizeof(err))) {
      fprintf(stderr, "\n  company %s: %s %s\n", name, err,
              hs_last_error(h));
      return -1;
    }
  }
  if(hs_tasks_each(h, NULL, count_tasks_cb, &tasks)) {
    fprintf(stderr, "\n  tasks: %s\n", hs_last_error(h));
    return -1;
  }
  return tasks;
}

/* One integer a query of the store answers (-1 on failure). */
static int64_t
q_int(struct hs_host *h, const char *sql, const char *arg)
{
  struct hs_dbst *st = NULL;
  int64_t v = -1;

  if(hs_db_prepare(h->db, sql, &st) != HS_DB_OK)
    return -1;
  if(arg)
    hs_db_bind_text(st, 1, arg);
  if(hs_db_step(st) == HS_DB_ROW)
    v = hs_db_col_i64(st, 0);
  hs_db_finalize(st);
  return v;
}

/* Read the run log: runs counted, overlaps of one (company, action). */
static void
runlog_check(int *runs, int *overlaps)
{
  struct { char key[96]; int open; } seen[N_COMPANIES * 3 + 8];
  char what, company[40], action[40], key[96];
  size_t n_seen = 0, i;
  FILE *f = fopen(g_runlog, "r");
  int pid;

  *runs = *overlaps = 0;
  while(f && fscanf(f, " %c %39s %39s %d", &what, company, action, &pid)
                 == 4) {
    snprintf(key, sizeof(key), "%s/%s", company, action);
    for(i = 0; i < n_seen && strcmp(seen[i].key, key); i++)
      ;
    if(i == n_seen && n_seen < sizeof(seen) / sizeof(seen[0])) {
      snprintf(seen[n_seen].key, sizeof(seen[n_seen].key), "%s", key);
      seen[n_seen++].open = 0;
    }
    if(i == n_seen)
      continue;
    if(what == 'B') {
      (*runs)++;
      if(seen[i].open++)
        (*overlaps)++;
    } else {
      seen[i].open--;
    }
  }
  if(f)
    fclose(f);
}

/* n worker processes run every due task once, none twice at once. */
static void
run_workers(int n_workers)
{
  pid_t pids[4];
  struct hs_host *h;
  int i, tasks, runs, overlaps, status, total = 0;
  char tag[32];

  snprintf(tag, sizeof(tag), "share%d", n_workers);
  CU_ASSERT_FATAL(fresh_store(tag) == 0);
  h = w_open(0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  tasks = w_populate(h, N_COMPANIES);
  CU_ASSERT_EQUAL_FATAL(tasks, N_COMPANIES * 3);
  hs_host_close(h);
  for(i = 0; i < n_workers; i++) {
    pids[i] = fork();
    CU_ASSERT_FATAL(pids[i] >= 0);
    if(pids[i] == 0) {
      struct hs_host *ch = w_open(0);
      struct hs_worker *w = ch ? w_worker(ch, "t", 10000) : NULL;
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
  runlog_check(&runs, &overlaps);
  CU_ASSERT_EQUAL(runs, tasks);
  CU_ASSERT_EQUAL(overlaps, 0);
  h = w_open(0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_EQUAL(q_int(h, "SELECT COUNT(*) FROM tasks WHERE run_count = 1"
                       " AND lease_owner IS NULL AND lease_until_ms = 0",
                       NULL), tasks);
  CU_ASSERT_EQUAL(q_int(h, "SELECT COUNT(*) FROM jobs WHERE status <> 2",
                        NULL), 0);
  hs_host_close(h);
}

static void
test_two_workers(void)
{
  run_workers(2);
}

static void
test_three_workers(void)
{
  run_workers(3);
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

  CU_ASSERT_FATAL(fresh_store("kill") == 0);
  h = w_open(0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_EQUAL_FATAL(w_populate(h, 1), 3);
  CU_ASSERT_FATAL(pipe(ready) == 0 && pipe(hold) == 0);
  pid = fork();
  CU_ASSERT_FATAL(pid >= 0);
  if(pid == 0) {
    struct hs_host *ch = w_open(0);
    struct hs_worker *cw = ch ? w_worker(ch, "doomed", lease) : NULL;

    close(ready[0]);
    close(hold[1]);
    g_mode = W_BLOCK;
    g_ready_fd = ready[1];
    g_hold_fd = hold[0];
    alarm(60);
    if(!cw || hs_worker_claim(cw, &claimed) || !claimed)
      _exit(2);
    hs_worker_run_claimed(cw, &started);
    _exit(4); /* never: the job blocks until killed */
  }
  close(ready[1]);
  close(hold[0]);
  CU_ASSERT_FATAL(read(ready[0], &c, 1) == 1); /* the job has started */
  id = q_int(h, "SELECT id FROM tasks WHERE lease_owner LIKE 'doomed:%'",
             NULL);
  CU_ASSERT_FATAL(id > 0);
  u0 = q_int(h, "SELECT MAX(lease_until_ms) FROM tasks", NULL);
  tok0 = q_int(h, "SELECT MAX(lease_token) FROM tasks", NULL);
  CU_ASSERT_EQUAL(tok0, 1);
  /* alive past its first lease: the heartbeat extended it, no claim */
  nanosleep(&past, NULL);
  u1 = q_int(h, "SELECT MAX(lease_until_ms) FROM tasks", NULL);
  CU_ASSERT(u1 > u0);
  w = w_worker(h, "taker", lease);
  CU_ASSERT_PTR_NOT_NULL_FATAL(w);
  CU_ASSERT_EQUAL(hs_worker_claim(w, &claimed), BMC_OK);
  CU_ASSERT_EQUAL(claimed, 0);
  CU_ASSERT_EQUAL(kill(pid, SIGKILL), 0);
  t_kill = real_ms();
  CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
  CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  /* dead: no more heartbeats; the lease ends here */
  u1 = q_int(h, "SELECT MAX(lease_until_ms) FROM tasks", NULL);
  CU_ASSERT_EQUAL(hs_worker_loop(w, 0, u1 + 3000, &ran), BMC_OK);
  CU_ASSERT_EQUAL(ran, 3);
  first_start = q_int(h, "SELECT MIN(started_ms) FROM jobs WHERE status ="
                      " 2", NULL);
  /* the killed job: Interrupted; the task ran once more, by the taker */
  CU_ASSERT_EQUAL(q_int(h, "SELECT COUNT(*) FROM jobs WHERE status = 5",
                        NULL), 1);
  CU_ASSERT_EQUAL(q_int(h, "SELECT COUNT(*) FROM jobs WHERE status = 2",
                        NULL), 3);
  CU_ASSERT_EQUAL(q_int(h, "SELECT SUM(run_count) FROM tasks", NULL), 3);
  CU_ASSERT_EQUAL(q_int(h, "SELECT MAX(run_count) FROM tasks", NULL), 1);
  /* the killed one claimed twice (fencing token 2), the others once */
  snprintf(sql, sizeof(sql), "SELECT lease_token FROM tasks WHERE id = %lld",
           (long long)id);
  CU_ASSERT_EQUAL(q_int(h, sql, NULL), 2);
  CU_ASSERT_EQUAL(q_int(h, "SELECT SUM(lease_token) FROM tasks", NULL), 4);
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
  if(fresh_store(tag))
    return -1;
  g_fa = w_open(1);
  if(!g_fa || w_populate(g_fa, 1) != 3)
    return -1;
  g_fb = w_open(1);
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
  wa = w_worker(g_fa, "a", 60000);
  wb = w_worker(g_fb, "b", 60000);
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
  CU_ASSERT_EQUAL(q_int(g_fa, "SELECT run_count FROM tasks WHERE action ="
                        " 'a1'", NULL), 0);
  CU_ASSERT_EQUAL(q_int(g_fa, "SELECT COUNT(*) FROM tasks WHERE lease_owner"
                        " = ?", hs_worker_id(wb)), 1);
  CU_ASSERT_EQUAL(hs_worker_finish(wb), BMC_OK);
  CU_ASSERT_EQUAL(q_int(g_fa, "SELECT run_count FROM tasks WHERE action ="
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
  wa = w_worker(g_fa, "a", g_lease_ms);
  g_wb = w_worker(g_fb, "b", g_lease_ms);
  CU_ASSERT_FATAL(wa && g_wb);
  CU_ASSERT_EQUAL(hs_worker_claim(wa, &claimed), BMC_OK);
  CU_ASSERT_EQUAL_FATAL(claimed, 1);
  g_mode = W_FENCE;
  CU_ASSERT_EQUAL(hs_worker_run_claimed(wa, &started), BMC_ERR_CONFLICT);
  g_mode = W_RECORD;
  CU_ASSERT_EQUAL(started, 1);
  CU_ASSERT_EQUAL(g_put_before, BMC_OK);
  CU_ASSERT_EQUAL(g_taken, 1);
  CU_ASSERT_EQUAL(g_put_after, BMC_ERR_CONFLICT);
  /* the job log has the line before, not the one after the takeover */
  CU_ASSERT_EQUAL(q_int(g_fa, "SELECT COUNT(*) FROM job_log WHERE text LIKE"
                        " '%line before the takeover%'", NULL), 1);
  CU_ASSERT_EQUAL(q_int(g_fa, "SELECT COUNT(*) FROM job_log WHERE text LIKE"
                        " '%line after the takeover%'", NULL), 0);
  CU_ASSERT_EQUAL(hs_host_services(g_fb, "c00", "wplug", &api, &ctx),
                  BMC_OK);
  CU_ASSERT_EQUAL(api->state_get(ctx, "k", buf, sizeof(buf), &len), BMC_OK);
  CU_ASSERT(len == 6 && memcmp(buf, "before", 6) == 0);
  /* the run is not recorded; b holds the lease */
  CU_ASSERT_EQUAL(q_int(g_fa, "SELECT run_count FROM tasks WHERE action ="
                        " 'a1'", NULL), 0);
  CU_ASSERT_EQUAL(q_int(g_fa, "SELECT COUNT(*) FROM tasks WHERE lease_owner"
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

  CU_ASSERT_FATAL(fresh_store("name") == 0);
  h = w_open(1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  o.target = g_target;
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
  th_tmpdir(g_dir, sizeof(g_dir));
  return g_dir[0] ? 0 : -1;
}

static int
w_teardown(void)
{
  th_rmdir(g_dir);
  return 0;
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"workers", "two_workers_share_60_tasks", test_two_workers},
    {"workers", "three_workers_share_60_tasks", test_three_workers},
    {"workers", "kill9_takeover", test_kill_takeover},
    {"workers", "late_finisher_changes_nothing", test_late_finisher},
    {"workers", "fence_refuses_writes_after_takeover", test_fence},
    {"workers", "worker_name_checked", test_worker_name},
    {"workers", "config_worker_lease_s", test_config_lease},
  };

  if(getenv("BMC_PG_DIR")) {
    int r = th_pg_target("test_workers", g_server, sizeof(g_server));

    if(r)
      return r;
  }
  return cu_main(cases, CU_CASES_N(cases), w_setup, w_teardown, argc, argv);
}
