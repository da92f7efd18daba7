/*
 * th_workers.c -- shared fixture of the scheduler workers' test and
 * benchmark (th_workers.h).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hs_internal.h" /* the store's connection and an instance's company */
#include "th_pg_target.h"
#include "th_workers.h"

enum th_w_mode th_w_mode = TH_W_RECORD;
int th_w_slow_others;
int th_w_ready_fd = -1, th_w_hold_fd = -1;
int (*th_w_hook)(const struct bmc_host_api *host, void *ctx);
char th_w_dir[256], th_w_server[1024], th_w_target[1024], th_w_key[300],
    th_w_runlog[300];

struct th_w_inst {
  const struct bmc_host_api *host;
  void *ctx;
};

static const struct bmc_action th_w_actions[] = {
  {"a1", "Action 1", 300, BMC_ACTION_SCHEDULED, NULL},
  {"a2", "Action 2", 300, BMC_ACTION_SCHEDULED, NULL},
  {"a3", "Action 3", 300, BMC_ACTION_SCHEDULED, NULL},
};

static int
th_w_create(const struct bmc_host_api *host, void *ctx, void **inst,
         char *errbuf, size_t errlen)
{
  struct th_w_inst *wi = calloc(1, sizeof(*wi));

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
th_w_mark(struct th_w_inst *wi, char what, const char *action)
{
  char line[256];
  int fd = open(th_w_runlog, O_WRONLY | O_APPEND | O_CREAT, 0600), n;

  if(fd < 0)
    return;
  n = snprintf(line, sizeof(line), "%c %s %s %d\n", what,
               ((struct hs_inst *)wi->ctx)->company, action, (int)getpid());
  if(n > 0 && write(fd, line, (size_t)n) != n)
    perror("run log");
  close(fd);
}

/* Runs of companies other than c00 that have ended (the run log). */
static int
th_w_others_ended(void)
{
  char what, c[40], action[40];
  FILE *f = fopen(th_w_runlog, "r");
  int pid, n = 0;

  while(f && fscanf(f, " %c %39s %39s %d", &what, c, action, &pid) == 4)
    if(what == 'E' && strcmp(c, "c00"))
      n++;
  if(f)
    fclose(f);
  return n;
}

/* c00's slow marketplace: its job holds until every other company's task
 * has ended (th_w_slow_others), or 20 s at most -- which is what a worker
 * pool that let one slow company hold up the others would come to.  Timed
 * by what happened, not by how fast this machine runs the others. */
static void
th_w_slow_hold(void)
{
  struct timespec tick = {0, 10 * 1000 * 1000};
  int64_t start = th_w_real_ms();

  while(th_w_others_ended() < th_w_slow_others &&
        th_w_real_ms() - start < 20000)
    nanosleep(&tick, NULL);
}

static int
th_w_run(void *inst, const char *action, const char *const *items,
      size_t n_items, char *errbuf, size_t errlen)
{
  struct th_w_inst *wi = inst;
  struct timespec hold = {0, 3 * 1000 * 1000};
  char c = 'R';

  if(th_w_mode == TH_W_SLOW_C00 &&
     !strcmp(((struct hs_inst *)wi->ctx)->company, "c00")) {
    th_w_mark(wi, 'B', action);
    th_w_slow_hold();
    th_w_mark(wi, 'E', action);
    return BMC_OK;
  }

  (void)items;
  (void)n_items;
  (void)errbuf;
  (void)errlen;
  if(th_w_mode == TH_W_HOOK)
    return th_w_hook(wi->host, wi->ctx);
  th_w_mark(wi, 'B', action);
  if(th_w_mode == TH_W_BLOCK) {
    if(write(th_w_ready_fd, &c, 1) != 1)
      _exit(3);
    if(read(th_w_hold_fd, &c, 1) < 0) /* blocks until killed */
      _exit(3);
  }
  nanosleep(&hold, NULL); /* long enough for a second runner to overlap */
  th_w_mark(wi, 'E', action);
  return BMC_OK;
}

static void
th_w_destroy(void *inst)
{
  free(inst);
}

static const char *
th_w_strerror(int rc)
{
  return hs_rc_name(rc);
}

const struct bmc_plugin_api th_w_plugin = {
  {BMC_ABI_MAGIC, (uint32_t)sizeof(struct bmc_plugin_api), BMC_ABI_MAJOR,
   BMC_ABI_MINOR},
  "wplug", "Worker Test Plugin", "1.0.0", NULL, 0,
  th_w_actions, sizeof(th_w_actions) / sizeof(th_w_actions[0]),
  th_w_create, th_w_run, th_w_destroy, th_w_strerror, NULL, 0, NULL};

int64_t
th_w_real_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A new, empty store for one test: a SQLite file or a PostgreSQL
 * database of its own. */
int
th_w_fresh_store(const char *tag)
{
  char err[512];

  snprintf(th_w_key, sizeof(th_w_key), "%s/%s.key", th_w_dir, tag);
  snprintf(th_w_runlog, sizeof(th_w_runlog), "%s/%s.runs", th_w_dir, tag);
  if(!th_w_server[0]) {
    snprintf(th_w_target, sizeof(th_w_target), "%s/%s.db", th_w_dir, tag);
    return 0;
  }
  if(th_pg_new_database(th_w_server, tag, th_w_target, sizeof(th_w_target), err,
                        sizeof(err))) {
    fprintf(stderr, "\n  %s\n", err);
    return -1;
  }
  return 0;
}

/* Store failures and warnings on stderr (a failing test says why). */
static void
th_w_log(void *ud, int level, const char *line)
{
  (void)ud;
  if(level <= BMC_LOG_WARN && getenv("BMC_WORKERS_LOG"))
    fprintf(stderr, "  [host] %s\n", line);
}

struct hs_host *
th_w_open(int virtual_clock)
{
  struct hs_options o;
  struct hs_host *h = NULL;
  char err[512];

  memset(&o, 0, sizeof(o));
  o.db_path = th_w_target;
  o.key_file = th_w_key;
  o.schema_dir = BMC_SCHEMA_DIR;
  o.virtual_clock = virtual_clock;
  o.virtual_start_ms = 1767225600000LL;
  if(hs_host_open(&o, &h, err, sizeof(err)) ||
     hs_host_add_plugin_api(h, &th_w_plugin, "in-memory", err, sizeof(err))) {
    fprintf(stderr, "\n  open %s: %s\n", th_w_target, err);
    hs_host_close(h);
    return NULL;
  }
  hs_host_set_log(h, th_w_log, NULL);
  return h;
}

struct hs_worker *
th_w_worker(struct hs_host *h, const char *name, int64_t lease_ms)
{
  struct hs_worker_opts o = {th_w_target, name, lease_ms};
  struct hs_worker *w = NULL;
  char err[512];

  if(hs_worker_new(h, &o, &w, err, sizeof(err)))
    fprintf(stderr, "\n  worker: %s\n", err);
  return w;
}

static int
th_w_count_cb(void *ud, const struct hs_task *t)
{
  (void)t;
  (*(int *)ud)++;
  return 0;
}

/* Companies c0..c<n-1> with wplug enabled, their task rows made. */
int
th_w_populate(struct hs_host *h, int n)
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
  if(hs_tasks_each(h, NULL, th_w_count_cb, &tasks)) {
    fprintf(stderr, "\n  tasks: %s\n", hs_last_error(h));
    return -1;
  }
  return tasks;
}

/* One integer a query of the store answers (-1 on failure). */
int64_t
th_w_q_int(struct hs_host *h, const char *sql, const char *arg)
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
void
th_w_runlog_check(int *runs, int *overlaps)
{
  struct th_w_key { char key[96]; int open; } *seen = NULL, *nv;
  char what, company[40], action[40], key[96];
  size_t n_seen = 0, cap = 0, i;
  FILE *f = fopen(th_w_runlog, "r");
  int pid;

  *runs = *overlaps = 0;
  while(f && fscanf(f, " %c %39s %39s %d", &what, company, action, &pid)
                 == 4) {
    snprintf(key, sizeof(key), "%s/%s", company, action);
    for(i = 0; i < n_seen && strcmp(seen[i].key, key); i++)
      ;
    if(i == n_seen) {
      if(n_seen == cap) {
        cap = cap ? cap * 2 : 64;
        nv = realloc(seen, cap * sizeof(*seen));
        if(!nv)
          break;
        seen = nv;
      }
      snprintf(seen[n_seen].key, sizeof(seen[n_seen].key), "%s", key);
      seen[n_seen++].open = 0;
    }
    if(what == 'B') {
      (*runs)++;
      if(seen[i].open++)
        (*overlaps)++;
    } else {
      seen[i].open--;
    }
  }
  free(seen);
  if(f)
    fclose(f);
}

int
th_w_runlog_after(const char *company)
{
  char what, c[40], action[40];
  FILE *f = fopen(th_w_runlog, "r");
  int pid, after = 0;

  while(f && fscanf(f, " %c %39s %39s %d", &what, c, action, &pid) == 4) {
    if(what != 'E')
      continue;
    if(!strcmp(c, company))
      after = 0; /* count from its last end on */
    else
      after++;
  }
  if(f)
    fclose(f);
  return after;
}
