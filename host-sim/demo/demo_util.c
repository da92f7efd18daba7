/*
 * demo_util.c -- small helpers of the demo: progress lines stamped with the
 * virtual time, control API calls to the embedded simulator, and running a
 * plugin action as a queued job with its outcome printed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "demo.h"

void
demo_say(struct demo *d, const char *fmt, ...)
{
  va_list ap;
  time_t t = (time_t)(hs_clock_now(d->host) / 1000);
  struct tm tm;

  gmtime_r(&t, &tm);
  printf("[%02d-%02d %02d:%02d] ", tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
         tm.tm_min);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  fflush(stdout);
}

int
demo_sim(struct demo *d, const char *method, const char *path, char **resp,
         const char *fmt, ...)
{
  char body[8192];
  int status = 0;
  char *out = NULL;

  if(fmt) {
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(body, sizeof(body), fmt, ap);
    va_end(ap);
    if(n < 0 || (size_t)n >= sizeof(body)) {
      fprintf(stderr, "demo: control body for %s too long\n", path);
      return -1;
    }
  }
  if(mk_sim_control(d->sim, method, path, fmt ? body : NULL, &status,
                    &out) != 0) {
    fprintf(stderr, "demo: control call %s %s failed\n", method, path);
    return -1;
  }
  if(status >= 400 && d->verbose)
    fprintf(stderr, "demo: %s %s -> %d %s\n", method, path, status,
            out ? out : "");
  if(resp)
    *resp = out;
  else
    free(out);
  return status;
}

struct demo_last_line {
  char text[512];
  int is_error;
};

static int
demo_keep_error_line(void *ud, const struct hs_job_line *l)
{
  struct demo_last_line *ll = ud;

  if(l->is_error && !ll->is_error) {
    snprintf(ll->text, sizeof(ll->text), "%s", l->text);
    ll->is_error = 1;
  }
  return 0;
}

int
demo_run(struct demo *d, const char *plugin, const char *action)
{
  char err[512] = "";
  int64_t job = 0;
  int status = -1;
  int rc;

  rc = hs_run_action(d->host, DEMO_COMPANY, plugin, action, &job, &status,
                     err, sizeof(err));
  if(rc) {
    demo_say(d, "  %s/%s could not run: %s", plugin, action, err);
    d->jobs_failed++;
    return -1;
  }
  if(status == HS_JOB_FAILED) {
    struct demo_last_line ll = {"", 0};

    hs_job_log_each(d->host, job, demo_keep_error_line, &ll);
    d->jobs_failed++;
    demo_say(d, "  job %lld %s/%s: %s (%s)", (long long)job, plugin, action,
             hs_job_status_name(status), ll.is_error ? ll.text : err);
  }
  else
    demo_say(d, "  job %lld %s/%s: %s", (long long)job, plugin, action,
             hs_job_status_name(status));
  return status;
}
