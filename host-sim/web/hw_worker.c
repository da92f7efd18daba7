/*
 * hw_worker.c -- the web Toolbox's action workers: a bounded queue of run
 * requests (company, plugin, action, user) and N threads, each with its
 * own host handle on the same store, that run them with hs_run_action()
 * (or, for a retry of a job's failed items, hs_job_retry()).
 * A request is Submitted while it waits, then names its queued job as
 * soon as the host has created it (the job's first log line), so the page
 * can follow the job Processing -> Completed while page views go on.
 * A refusal by the host (busy instance, channel not enabled, action not
 * manual) is kept with the host's message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hw_internal.h"

#define HW_RUNS 256 /* requests remembered (ring); the queue holds fewer */

struct hw_worker {
  struct hw_workers *pool;
  pthread_t th;
  int started;
  struct hs_host *h;
  struct hw_run_view *cur; /* request being run (pool->mu) */
  int64_t cur_id;          /* its id (the ring may reuse the slot) */
  int64_t job_id;          /* written by hs_run_action on this thread */
};

struct hw_workers {
  pthread_mutex_t mu;
  pthread_cond_t cv;      /* a request was queued, or stop */
  pthread_cond_t changed; /* a request left the queue */
  struct hw_run_view runs[HW_RUNS];
  int64_t next_id;     /* id of the next request */
  int64_t next_take;   /* oldest queued request */
  int stopping;
  hs_log_fn log;
  void *log_ud;
  struct hw_worker *w;
  unsigned n;
};

static struct hw_run_view *
hw_slot(struct hw_workers *p, int64_t id)
{
  struct hw_run_view *v = &p->runs[id % HW_RUNS];

  return v->id == id ? v : NULL;
}

/* Host log of a worker: forwards the line, and the first line of a job
 * ("<action> started") tells the page which job the request became. */
static void
hw_worker_log(void *ud, int level, const char *line)
{
  struct hw_worker *w = ud;
  struct hw_workers *p = w->pool;

  if(w->job_id) {
    pthread_mutex_lock(&p->mu);
    if(w->cur && w->cur->id == w->cur_id &&
       w->cur->state == HW_RUN_QUEUED) {
      w->cur->job_id = w->job_id;
      w->cur->state = HW_RUN_STARTED;
      pthread_cond_broadcast(&p->changed);
    }
    pthread_mutex_unlock(&p->mu);
  }
  if(p->log)
    p->log(p->log_ud, level, line);
}

static void *
hw_worker_main(void *arg)
{
  struct hw_worker *w = arg;
  struct hw_workers *p = w->pool;

  pthread_mutex_lock(&p->mu);
  for(;;) {
    struct hw_run_view job, *v;
    char err[600] = "";
    int st = 0, rc;

    while(!p->stopping && p->next_take == p->next_id)
      pthread_cond_wait(&p->cv, &p->mu);
    if(p->stopping)
      break;
    v = hw_slot(p, p->next_take++);
    if(!v)
      continue;
    job = *v;
    w->cur = v;
    w->cur_id = job.id;
    w->job_id = 0;
    pthread_mutex_unlock(&p->mu);
    if(job.retry_of)
      rc = hs_job_retry(w->h, job.retry_of, &w->job_id, &st, err,
                        sizeof(err));
    else
      rc = hs_run_action(w->h, job.company, job.plugin, job.action,
                         &w->job_id, &st, err, sizeof(err));
    pthread_mutex_lock(&p->mu);
    if(hw_slot(p, job.id) == v) {
      if(rc) {
        v->state = HW_RUN_REFUSED;
        snprintf(v->msg, sizeof(v->msg), "%s", err[0] ? err
                 : hs_rc_name(rc));
      }
      else {
        v->state = HW_RUN_DONE;
        v->job_id = w->job_id;
        snprintf(v->msg, sizeof(v->msg), "%s", hs_job_status_name(st));
      }
    }
    pthread_cond_broadcast(&p->changed);
    w->cur = NULL;
    w->job_id = 0;
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

int
hw_workers_start(struct hw_workers **out, unsigned n,
                 int (*open_host)(void *, struct hs_host **, char *, size_t),
                 void *open_ud, hs_log_fn log, void *log_ud, char *err,
                 size_t errlen)
{
  struct hw_workers *p = calloc(1, sizeof(*p));
  unsigned i;
  int rc = BMC_OK;

  *out = NULL;
  if(!p || !(p->w = calloc(n, sizeof(*p->w)))) {
    free(p);
    snprintf(err, errlen, "web: out of memory");
    return BMC_ERR_NOMEM;
  }
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->cv, NULL);
  pthread_cond_init(&p->changed, NULL);
  p->next_id = p->next_take = 1;
  p->log = log;
  p->log_ud = log_ud;
  p->n = n;
  for(i = 0; i < n && !rc; i++) {
    char e[512] = "";

    p->w[i].pool = p;
    rc = open_host(open_ud, &p->w[i].h, e, sizeof(e));
    if(rc) {
      snprintf(err, errlen, "web: worker %u cannot open the store: %s", i + 1,
               e);
      break;
    }
    hs_host_set_log(p->w[i].h, hw_worker_log, &p->w[i]);
    if(pthread_create(&p->w[i].th, NULL, hw_worker_main, &p->w[i])) {
      snprintf(err, errlen, "web: cannot start worker thread %u", i + 1);
      rc = BMC_ERR_INTERNAL;
      break;
    }
    p->w[i].started = 1;
  }
  if(rc) {
    hw_workers_stop(p);
    return rc;
  }
  *out = p;
  return BMC_OK;
}

void
hw_workers_stop(struct hw_workers *p)
{
  unsigned i;

  if(!p)
    return;
  pthread_mutex_lock(&p->mu);
  p->stopping = 1;
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
  for(i = 0; i < p->n; i++) {
    if(p->w[i].started)
      pthread_join(p->w[i].th, NULL);
    hs_host_close(p->w[i].h);
  }
  pthread_cond_destroy(&p->cv);
  pthread_cond_destroy(&p->changed);
  pthread_mutex_destroy(&p->mu);
  free(p->w);
  free(p);
}

int
hw_workers_submit(struct hw_workers *p, const char *company,
                  const char *plugin, const char *action, int64_t retry_of,
                  const char *user, int64_t *run_id, char *err,
                  size_t errlen)
{
  struct hw_run_view *v;
  int rc = BMC_OK;

  pthread_mutex_lock(&p->mu);
  /* The waiting requests must never be overwritten by newer ones. */
  if(p->next_id - p->next_take >= HW_RUNS / 2) {
    snprintf(err, errlen, "%lld actions are already waiting for a worker; "
             "try again when they have started",
             (long long)(p->next_id - p->next_take));
    rc = BMC_ERR_BUDGET;
  }
  else {
    v = &p->runs[p->next_id % HW_RUNS];
    memset(v, 0, sizeof(*v));
    v->id = p->next_id++;
    v->state = HW_RUN_QUEUED;
    v->retry_of = retry_of;
    v->submitted_ms = (int64_t)time(NULL) * 1000;
    snprintf(v->company, sizeof(v->company), "%s", company);
    snprintf(v->plugin, sizeof(v->plugin), "%s", plugin);
    snprintf(v->action, sizeof(v->action), "%s", action);
    snprintf(v->user, sizeof(v->user), "%s", user);
    *run_id = v->id;
    pthread_cond_signal(&p->cv);
  }
  pthread_mutex_unlock(&p->mu);
  return rc;
}

int
hw_workers_get(struct hw_workers *p, int64_t run_id, struct hw_run_view *out)
{
  struct hw_run_view *v;
  int rc = BMC_ERR_NOT_FOUND;

  if(run_id <= 0)
    return rc;
  pthread_mutex_lock(&p->mu);
  v = hw_slot(p, run_id);
  if(v) {
    *out = *v;
    rc = BMC_OK;
  }
  pthread_mutex_unlock(&p->mu);
  return rc;
}

int
hw_workers_wait(struct hw_workers *p, int64_t run_id, int64_t timeout_ms,
                struct hw_run_view *out)
{
  struct hw_run_view *v;
  struct timespec until;
  int rc = BMC_ERR_NOT_FOUND;

  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += (time_t)(timeout_ms / 1000);
  until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
  if(until.tv_nsec >= 1000000000L) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&p->mu);
  while((v = hw_slot(p, run_id)) && v->state == HW_RUN_QUEUED)
    if(pthread_cond_timedwait(&p->changed, &p->mu, &until))
      break;
  if(v) {
    *out = *v;
    rc = BMC_OK;
  }
  pthread_mutex_unlock(&p->mu);
  return rc;
}
