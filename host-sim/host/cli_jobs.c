/*
 * cli_jobs.c -- host-sim commands for work: run an action as a queued
 * job, list jobs, show a job's log, the per-item error queue, scheduled
 * tasks and the scheduler (virtual --until or forever on the real clock).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

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
cli_job_cb(void *ud, const struct hs_job *j)
{
  int *left = ud;
  char t[32];

  if(left && *left == 0)
    return 1;
  if(left)
    (*left)--;
  printf("%6lld  %-19s  %-16s %-14s %-22s %-9s %lld/%lld  %lld err\n",
         (long long)j->id, cli_time(j->created_ms, t, sizeof(t)), j->company,
         j->plugin, j->action, j->trigger, (long long)j->done,
         (long long)j->total, (long long)j->n_item_errors);
  printf("        status: %s\n", hs_job_status_name(j->status));
  return 0;
}

void
cli_print_job_log(struct cli *c, int64_t id)
{
  hs_job_log_each(c->h, id, cli_line_cb, NULL);
}

int
cli_cmd_run(struct cli *c, int argc, char **argv)
{
  char err[1024];
  int64_t id = 0;
  int st = 0, rc;

  if(argc > 4)
    return cli_run_selection(c, argc, argv);
  if(argc != 4)
    return cli_usage("run");
  rc = hs_run_action(c->h, argv[1], argv[2], argv[3], &id, &st, err,
                     sizeof(err));
  if(rc)
    return cli_fail("run", "%s", err);
  printf("job %lld: %s\n", (long long)id, hs_job_status_name(st));
  hs_job_log_each(c->h, id, cli_line_cb, NULL);
  return st == HS_JOB_COMPLETED ? CLI_OK : CLI_FAIL;
}

int
cli_cmd_jobs(struct cli *c, int argc, char **argv)
{
  const char *company = NULL;
  int i, limit = 50;

  for(i = 1; i < argc; i++) {
    if(strcmp(argv[i], "--limit") == 0 && i + 1 < argc)
      limit = (int)strtol(argv[++i], NULL, 10);
    else if(!company && argv[i][0] != '-')
      company = argv[i];
    else
      return cli_usage("jobs");
  }
  if(hs_jobs_each(c->h, company, cli_job_cb, &limit) > 1)
    return cli_fail("jobs", "cannot read jobs");
  return CLI_OK;
}

int
cli_cmd_job(struct cli *c, int argc, char **argv)
{
  char *end;
  long long id;
  int rc;

  if(argc != 2)
    return cli_usage("job");
  id = strtoll(argv[1], &end, 10);
  if(end == argv[1] || *end)
    return cli_fail("job", "'%s' is not a job id", argv[1]);
  rc = hs_job_get(c->h, id, cli_job_cb, NULL);
  if(rc == BMC_ERR_NOT_FOUND)
    return cli_fail("job", "no job %lld", id);
  if(rc)
    return cli_fail("job", "%s", hs_rc_name(rc));
  return hs_job_log_each(c->h, id, cli_line_cb, NULL) ? CLI_FAIL : CLI_OK;
}

static int
cli_err_cb(void *ud, const struct hs_item_error *e)
{
  char t[32];

  (*(int *)ud)++;
  printf("%s  %-16s %-14s job %-6lld %-20s %-16s %s\n",
         cli_time(e->ts_ms, t, sizeof(t)), e->company, e->plugin,
         (long long)e->job_id, e->item, e->code, e->message);
  return 0;
}

int
cli_cmd_errors(struct cli *c, int argc, char **argv)
{
  int n = 0;

  if(argc > 3)
    return cli_usage("errors");
  if(hs_errors_each(c->h, argc > 1 ? argv[1] : NULL,
                    argc > 2 ? argv[2] : NULL, cli_err_cb, &n))
    return cli_fail("errors", "cannot read the error queue");
  if(!n)
    printf("error queue is empty\n");
  return CLI_OK;
}

static int
cli_task_cb(void *ud, const struct hs_task *t)
{
  char a[32], b[32];

  (void)ud;
  printf("%-16s %-14s %-24s %-3s every %6us  last %-19s  next %-19s  %lld "
         "times\n", t->company, t->plugin, t->action, t->enabled ? "on" : "off",
         t->interval_s, cli_time(t->last_executed_ms, a, sizeof(a)),
         cli_time(t->next_due_ms, b, sizeof(b)), (long long)t->run_count);
  return 0;
}

int
cli_cmd_tasks(struct cli *c, int argc, char **argv)
{
  if(argc > 2)
    return cli_usage("tasks");
  if(hs_tasks_each(c->h, argc > 1 ? argv[1] : NULL, cli_task_cb, NULL))
    return cli_fail("tasks", "cannot read tasks");
  return CLI_OK;
}

int
cli_cmd_scheduler(struct cli *c, int argc, char **argv)
{
  int64_t until;
  char t[32];
  int ran = 0, rc;

  if(argc == 1) {
    printf("scheduler running on the real clock (Ctrl-C to stop)\n");
    fflush(stdout);
    rc = hs_scheduler_run_forever(c->h);
    printf("scheduler stopped\n");
    return rc ? cli_fail("scheduler", "%s", hs_rc_name(rc)) : CLI_OK;
  }
  if(argc != 3 || strcmp(argv[1], "--until") != 0)
    return cli_usage("scheduler");
  if(cli_parse_when(argv[2], hs_clock_now(c->h), &until))
    return cli_fail("scheduler", "'%s' is not a time (2026-01-31T12:00:00Z) "
                    "or a duration (+90m, +2h, +1d)", argv[2]);
  rc = hs_scheduler_run_until(c->h, until, &ran);
  if(rc)
    return cli_fail("scheduler", "%s", hs_rc_name(rc));
  printf("virtual clock now %s UTC; %d task run(s)\n",
         cli_time(hs_clock_now(c->h), t, sizeof(t)), ran);
  return CLI_OK;
}
