/*
 * cli_progress.c -- the progress line of `run`: done/total, rate and ETA
 * on stderr while a job runs, redrawn at most ten times a second, only
 * when stderr is a terminal (scripts and the journal get nothing).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static struct {
  char label[128];
  int64_t job_id;
  double start, last;
  int drawn;
} cli_pg;

static double
cli_mono(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
cli_progress_cb(void *ud, int64_t job_id, int64_t done, int64_t total)
{
  double now = cli_mono(), el, rate;
  char eta[32] = "-";

  (void)ud;
  if(job_id != cli_pg.job_id) {
    /* the first job counts from `run`; a later one from its first report */
    if(cli_pg.job_id != -1)
      cli_pg.start = now;
    cli_pg.job_id = job_id;
    cli_pg.last = 0;
  }
  if(now - cli_pg.last < 0.1 && (total <= 0 || done < total))
    return;
  cli_pg.last = now;
  el = now - cli_pg.start;
  rate = el > 0.001 ? (double)done / el : 0;
  if(total > 0 && done <= total && rate > 0) {
    double left = (double)(total - done) / rate;

    snprintf(eta, sizeof(eta), "%dm%02ds", (int)(left / 60),
             (int)left % 60);
  }
  if(total > 0)
    fprintf(stderr, "\r%s: %lld/%lld (%3.0f%%), %.1f/s, ETA %s\033[K",
            cli_pg.label, (long long)done, (long long)total,
            100.0 * (double)(done > total ? total : done) / (double)total,
            rate, eta);
  else
    fprintf(stderr, "\r%s: %lld done, %.1f/s\033[K", cli_pg.label,
            (long long)done, rate);
  cli_pg.drawn = 1;
}

void
cli_progress_attach(struct cli *c, const char *label)
{
  if(!isatty(STDERR_FILENO))
    return;
  snprintf(cli_pg.label, sizeof(cli_pg.label), "%s", label);
  cli_pg.job_id = -1;
  cli_pg.start = cli_mono();
  hs_host_set_progress(c->h, cli_progress_cb, NULL);
}

void
cli_progress_end(void)
{
  if(cli_pg.drawn)
    fputc('\n', stderr);
  cli_pg.drawn = 0;
}
