/*
 * cli_jobs.c -- host-sim commands for work: run an action as a queued
 * job (with a progress line on a terminal; on selected SKUs with --sku
 * and --skus-from), list jobs, show a job's log,
 * scheduled tasks and the scheduler (virtual --until with a summary and
 * a failing exit status when a job failed, or forever on the real clock).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hs_audit_trail.h"

static int
cli_line_cb(void *ud, const struct hs_job_line *l)
{
  static const char *const lv[] = {"ERROR", "WARN ", "INFO ", "DEBUG"};
  char t[32];

  (void)ud;
  printf("  %s %s%s %s\n", cli_time(l->ts_ms, t, sizeof(t)),
         l->level >= 0 && l->level <= 3 ? lv[l->level] : "?    ",
         l->is_error ? "!" : " ", l->text);
  return 0;
}

static int
cli_line_json_cb(void *ud, const struct hs_job_line *l)
{
  static const char *const lv[] = {"error", "warn", "info", "debug"};
  struct json_object *o = json_object_new_object();

  if(!o)
    return BMC_ERR_NOMEM;
  cli_json_int(o, "seq", l->seq);
  cli_json_time(o, "ts", l->ts_ms);
  cli_json_str(o, "level", l->level >= 0 && l->level <= 3 ? lv[l->level]
                                                          : "unknown");
  json_object_object_add(o, "error", json_object_new_boolean(l->is_error));
  cli_json_str(o, "text", l->text);
  json_object_array_add(ud, o);
  return 0;
}

struct cli_jobs_out {
  int left;                /* rows still to print */
  struct json_object *arr; /* --json */
};

static int
cli_job_cb(void *ud, const struct hs_job *j)
{
  struct cli_jobs_out *out = ud;
  char t[32];

  if(out && out->left == 0)
    return 1;
  if(out)
    out->left--;
  if(out && out->arr) {
    json_object_array_add(out->arr, cli_json_job(j));
    return 0;
  }
  printf("%6lld  %-19s  %-16s %-14s %-22s %-9s %lld/%lld  %lld err\n",
         (long long)j->id, cli_time(j->created_ms, t, sizeof(t)), j->company,
         j->plugin, j->action, j->trigger, (long long)j->done,
         (long long)j->total, (long long)j->n_item_errors);
  printf("        status: %s\n", hs_job_status_name(j->status));
  return 0;
}

int
cli_job_outcome(struct cli *c, int64_t id, int st)
{
  printf("job %lld: %s\n", (long long)id, hs_job_status_name(st));
  hs_job_log_each(c->h, id, cli_line_cb, NULL);
  return st == HS_JOB_COMPLETED ? CLI_OK : CLI_FAIL;
}

struct cli_run_opts {
  struct cli_items it;
  int dry;
};

static int
cli_run_opt(void *ud, int idx, const char *arg)
{
  struct cli_run_opts *o = ud;

  if(idx == 2) {
    o->dry = 1;
    return 0;
  }
  return cli_items_opt(&o->it, idx, arg);
}

/* run C P A [--sku X ...] [--skus-from FILE] [--dry-run]: the whole
 * catalog, or the selected products only. */
int
cli_cmd_run(struct cli *c, int argc, char **argv)
{
  static const struct option lo[] = {
    {"sku", required_argument, NULL, 0},
    {"skus-from", required_argument, NULL, 0},
    {"dry-run", no_argument, NULL, 0},
    {NULL, 0, NULL, 0}};
  struct cli_run_opts ro = {{NULL, 0, 0}, 0};
  char err[1024], label[256];
  int64_t id = 0;
  int st = 0, rc, first;

  first = cli_getopt("run", argc, argv, lo, cli_run_opt, &ro);
  if(first < 0) {
    cli_items_free(&ro.it);
    return -first;
  }
  if(argc - first != 3) {
    cli_items_free(&ro.it);
    return cli_usage("run");
  }
  argv += first - 1;
  if(cli_company(c, "run", argv[1]) || cli_plugin(c, "run", argv[2])) {
    cli_items_free(&ro.it);
    return CLI_FAIL;
  }
  snprintf(label, sizeof(label), "%s/%s %s", argv[1], argv[2], argv[3]);
  cli_progress_attach(c, label);
  if(ro.dry)
    rc = hs_run_action_dry(c->h, argv[1], argv[2], argv[3],
                           (const char *const *)ro.it.v, ro.it.n, &id, &st,
                           err, sizeof(err));
  else
    rc = hs_run_action_items(c->h, argv[1], argv[2], argv[3],
                             (const char *const *)ro.it.v, ro.it.n, &id, &st,
                             err, sizeof(err));
  cli_progress_end();
  cli_items_free(&ro.it);
  if(rc)
    return cli_fail("run", "%s", err);
  return cli_job_outcome(c, id, st);
}

struct cli_jobs_opts {
  int json;
  int64_t limit;
};

static int
cli_jobs_opt(void *ud, int idx, const char *arg)
{
  struct cli_jobs_opts *o = ud;

  if(idx == 0)
    return cli_num("jobs", "--limit", arg, 1, 1000000, &o->limit);
  o->json = 1;
  return 0;
}

int
cli_cmd_jobs(struct cli *c, int argc, char **argv)
{
  static const struct option lo[] = {{"limit", required_argument, NULL, 0},
                                     {"json", no_argument, NULL, 0},
                                     {NULL, 0, NULL, 0}};
  struct cli_jobs_opts o = {0, 50};
  struct cli_jobs_out out = {0, NULL};
  const char *company;
  int first;

  first = cli_getopt("jobs", argc, argv, lo, cli_jobs_opt, &o);
  if(first < 0)
    return -first;
  if(argc - first > 1)
    return cli_usage("jobs");
  company = first < argc ? argv[first] : NULL;
  if(company && cli_company(c, "jobs", company))
    return CLI_FAIL;
  out.left = (int)o.limit;
  if(o.json && !(out.arr = json_object_new_array()))
    return cli_fail("jobs", "out of memory");
  if(hs_jobs_each(c->h, company, cli_job_cb, &out) > 1) {
    json_object_put(out.arr);
    return cli_fail("jobs", "cannot read jobs");
  }
  return out.arr ? cli_json_print(out.arr) : CLI_OK;
}

static int
cli_job_json_cb(void *ud, const struct hs_job *j)
{
  *(struct json_object **)ud = cli_json_job(j);
  return 0;
}

int
cli_cmd_job(struct cli *c, int argc, char **argv)
{
  static const struct option lo[] = {{"json", no_argument, NULL, 0},
                                     {NULL, 0, NULL, 0}};
  struct json_object *jo = NULL, *log;
  int64_t id;
  int rc, flags = 0, first;

  first = cli_getopt("job", argc, argv, lo, cli_opt_flags, &flags);
  if(first < 0)
    return -first;
  if(argc - first != 1)
    return cli_usage("job");
  if(cli_num("job", "job id", argv[first], 1, INT64_MAX, &id))
    return CLI_FAIL;
  rc = hs_job_get(c->h, id, flags ? cli_job_json_cb : cli_job_cb,
                  flags ? (void *)&jo : NULL);
  if(rc == BMC_ERR_NOT_FOUND)
    return cli_fail("job", "no job %lld", (long long)id);
  if(rc)
    return cli_fail("job", "%s", hs_rc_name(rc));
  if(!flags)
    return hs_job_log_each(c->h, id, cli_line_cb, NULL) ? CLI_FAIL : CLI_OK;
  if(!jo || !(log = json_object_new_array())) {
    json_object_put(jo);
    return cli_fail("job", "out of memory");
  }
  json_object_object_add(jo, "log", log);
  if(hs_job_log_each(c->h, id, cli_line_json_cb, log)) {
    json_object_put(jo);
    return cli_fail("job", "cannot read the log of job %lld", (long long)id);
  }
  return cli_json_print(jo);
}

static int
cli_task_cb(void *ud, const struct hs_task *t)
{
  char a[32], b[32];

  if(ud) {
    struct json_object *o = json_object_new_object();

    if(!o)
      return BMC_ERR_NOMEM;
    cli_json_str(o, "company", t->company);
    cli_json_str(o, "plugin", t->plugin);
    cli_json_str(o, "action", t->action);
    json_object_object_add(o, "enabled", json_object_new_boolean(
                               t->enabled));
    cli_json_int(o, "interval_s", t->interval_s);
    cli_json_time(o, "last_executed", t->last_executed_ms);
    cli_json_time(o, "next_due", t->next_due_ms);
    cli_json_int(o, "run_count", t->run_count);
    json_object_array_add(ud, o);
    return 0;
  }
  printf("%-16s %-14s %-24s %-3s every %6us  last %-19s  next %-19s  %lld "
         "times\n", t->company, t->plugin, t->action,
         t->enabled ? "on" : "off",
         t->interval_s, cli_time(t->last_executed_ms, a, sizeof(a)),
         cli_time(t->next_due_ms, b, sizeof(b)), (long long)t->run_count);
  return 0;
}

int
cli_cmd_tasks(struct cli *c, int argc, char **argv)
{
  static const struct option lo[] = {{"json", no_argument, NULL, 0},
                                     {NULL, 0, NULL, 0}};
  struct json_object *arr = NULL;
  const char *company;
  int flags = 0, first;

  first = cli_getopt("tasks", argc, argv, lo, cli_opt_flags, &flags);
  if(first < 0)
    return -first;
  if(argc - first > 1)
    return cli_usage("tasks");
  company = first < argc ? argv[first] : NULL;
  if(company && cli_company(c, "tasks", company))
    return CLI_FAIL;
  if(flags && !(arr = json_object_new_array()))
    return cli_fail("tasks", "out of memory");
  if(hs_tasks_each(c->h, company, cli_task_cb, arr)) {
    json_object_put(arr);
    return cli_fail("tasks", "cannot read tasks");
  }
  return arr ? cli_json_print(arr) : CLI_OK;
}

/* What the jobs after `after_id` ended as. */
struct cli_sched_sum {
  int64_t after_id, newest; /* after_id -1: only find the newest id */
  int runs, failed, partial, skipped, interrupted;
};

static int
cli_sched_sum_cb(void *ud, const struct hs_job *j)
{
  struct cli_sched_sum *s = ud;

  if(s->after_id < 0) { /* newest first: the first row is the newest */
    s->newest = j->id;
    return 1;
  }
  if(j->id <= s->after_id)
    return 1;
  if(strcmp(j->trigger, "operator") == 0)
    return 0;
  s->runs++;
  s->failed += j->status == HS_JOB_FAILED;
  s->partial += j->status == HS_JOB_PARTIAL;
  s->skipped += j->status == HS_JOB_SKIPPED;
  s->interrupted += j->status == HS_JOB_INTERRUPTED;
  if(j->status == HS_JOB_FAILED || j->status == HS_JOB_INTERRUPTED)
    fprintf(stderr, "host-sim scheduler: job %lld %s/%s %s: %s (host-sim "
            "job %lld)\n", (long long)j->id, j->company, j->plugin,
            j->action, hs_job_status_name(j->status), (long long)j->id);
  return 0;
}

int
cli_cmd_scheduler(struct cli *c, int argc, char **argv)
{
  struct cli_sched_sum sum;
  char t[32], why[128];
  const char *when;
  int64_t until;
  int ran = 0, rc;

  if(argc == 1) {
    printf("scheduler running on the real clock (Ctrl-C to stop)\n");
    fflush(stdout);
    rc = hs_scheduler_run_forever(c->h);
    printf("scheduler stopped\n");
    return rc ? cli_fail("scheduler", "%s", cli_rc_text(c, rc)) : CLI_OK;
  }
  if(argc == 2 && strncmp(argv[1], "--until=", 8) == 0)
    when = argv[1] + 8;
  else if(argc == 3 && strcmp(argv[1], "--until") == 0)
    when = argv[2];
  else
    return cli_usage("scheduler");
  if(cli_parse_when(when, hs_clock_now(c->h), &until, why, sizeof(why)))
    return cli_fail("scheduler", "--until '%.60s': %s", when, why);
  memset(&sum, 0, sizeof(sum));
  sum.after_id = -1;
  hs_jobs_each(c->h, NULL, cli_sched_sum_cb, &sum);
  sum.after_id = sum.newest;
  rc = hs_scheduler_run_until(c->h, until, &ran);
  if(rc)
    return cli_fail("scheduler", "%s", cli_rc_text(c, rc));
  hs_jobs_each(c->h, NULL, cli_sched_sum_cb, &sum);
  printf("virtual clock now %s UTC; %d task run(s): %d failed, %d partial, "
         "%d skipped%s\n", cli_time(hs_clock_now(c->h), t, sizeof(t)), ran,
         sum.failed + sum.interrupted, sum.partial, sum.skipped,
         sum.failed + sum.interrupted ? " (see host-sim jobs)" : "");
  return sum.failed + sum.interrupted ? CLI_FAIL : CLI_OK;
}
