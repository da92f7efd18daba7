/*
 * hw_worker.c -- the web Toolbox's action workers: run requests (company,
 * plugin, action, user; or the retry of a job's failed items) wait in the
 * store's run queue (hs_runq.c), so a restart of `host-sim web` still runs
 * them, and N threads, each with its own host handle on the same store,
 * claim them in order and run them with hs_run_action() / hs_job_retry().
 * A request is Submitted while it waits, then names its queued job as
 * soon as the host has created it (the job's first log line), so the page
 * can follow the job Processing -> Completed while page views go on.
 * Requests of one company and plugin run one after the other, oldest
 * first (the host runs one action per instance at a time).  A refusal by
 * the host (instance busy in another process, channel not enabled, action
 * not manual) is kept with the host's message.  The requests this process
 * claimed are also kept in memory, for waiting on them without the store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hw_internal.h"

#define HW_RUNS 256 /* claimed requests remembered in memory (ring) */

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
  pthread_cond_t changed; /* a request was claimed or left the queue */
  struct hw_run_view runs[HW_RUNS];
  uint64_t kick;       /* requests queued by this process so far */
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

static void
hw_view_from_row(struct hw_run_view *v, const struct hs_runq_row *row)
{
  memset(v, 0, sizeof(*v));
  v->id = row->id;
  v->job_id = row->job_id;
  v->submitted_ms = row->submitted_ms;
  v->retry_of = row->retry_of;
  v->state = row->state;
  snprintf(v->company, sizeof(v->company), "%s", row->company);
  snprintf(v->plugin, sizeof(v->plugin), "%s", row->plugin);
  snprintf(v->action, sizeof(v->action), "%s", row->action);
  snprintf(v->user, sizeof(v->user), "%s", row->user);
  snprintf(v->msg, sizeof(v->msg), "%s", row->msg);
}

/* Another worker of the pool runs an older request of row's company and
 * plugin (p->mu held). */
static int
hw_older_same_instance(const struct hw_workers *p, const struct hw_worker *w,
                       const struct hs_runq_row *row)
{
  unsigned i;

  for(i = 0; i < p->n; i++) {
    const struct hw_worker *o = &p->w[i];

    if(o != w && o->cur && o->cur_id < row->id &&
       !strcmp(o->cur->company, row->company) &&
       !strcmp(o->cur->plugin, row->plugin))
      return 1;
  }
  return 0;
}

/* Run one claimed request on this worker's host; the outcome goes to the
 * store and to the ring. */
static void
hw_worker_run(struct hw_worker *w, const struct hs_runq_row *row)
{
  struct hw_workers *p = w->pool;
  struct hw_run_view *v = &p->runs[row->id % HW_RUNS];
  char err[600] = "";
  int st = 0, rc, state;

  pthread_mutex_lock(&p->mu);
  hw_view_from_row(v, row);
  v->state = HW_RUN_QUEUED;
  w->cur = v;
  w->cur_id = row->id;
  w->job_id = 0;
  pthread_cond_broadcast(&p->changed);
  /* An older request of the same company and plugin on another worker
   * runs first: the host runs one action per instance at a time and
   * would refuse this one as busy.  Only older ones are waited for, so
   * the oldest never waits. */
  while(hw_older_same_instance(p, w, row))
    pthread_cond_wait(&p->changed, &p->mu);
  pthread_mutex_unlock(&p->mu);
  if(row->retry_of)
    rc = hs_job_retry(w->h, row->retry_of, &w->job_id, &st, err,
                      sizeof(err));
  else
    rc = hs_run_action(w->h, row->company, row->plugin, row->action,
                       &w->job_id, &st, err, sizeof(err));
  state = rc ? HW_RUN_REFUSED : HW_RUN_DONE;
  if(rc && !err[0])
    snprintf(err, sizeof(err), "%s", hs_rc_name(rc));
  else if(!rc)
    snprintf(err, sizeof(err), "%s", hs_job_status_name(st));
  if(hs_runq_set(w->h, row->id, state, w->job_id, err) && p->log)
    p->log(p->log_ud, BMC_LOG_ERROR, "web: the run queue cannot record a "
           "request's end");
  pthread_mutex_lock(&p->mu);
  if(hw_slot(p, row->id) == v) {
    v->state = state;
    v->job_id = w->job_id;
    snprintf(v->msg, sizeof(v->msg), "%s", err);
  }
  pthread_cond_broadcast(&p->changed);
  w->cur = NULL;
  w->job_id = 0;
  pthread_mutex_unlock(&p->mu);
}

static void *
hw_worker_main(void *arg)
{
  struct hw_worker *w = arg;
  struct hw_workers *p = w->pool;

  pthread_mutex_lock(&p->mu);
  while(!p->stopping) {
    struct hs_runq_row row;
    uint64_t seen = p->kick;
    int rc;

    pthread_mutex_unlock(&p->mu);
    /* The queue first: requests from before a restart run too. */
    rc = hs_runq_claim(w->h, &row);
    if(!rc)
      hw_worker_run(w, &row);
    pthread_mutex_lock(&p->mu);
    while(rc && !p->stopping && p->kick == seen)
      pthread_cond_wait(&p->cv, &p->mu);
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
hw_workers_submit(struct hw_workers *p, struct hs_host *h,
                  const char *company, const char *plugin, const char *action,
                  int64_t retry_of, const char *user, int64_t *run_id,
                  char *err, size_t errlen)
{
  int rc = hs_runq_add(h, company, plugin, action, retry_of, user, run_id,
                       err, errlen);

  if(rc)
    return rc;
  pthread_mutex_lock(&p->mu);
  p->kick++;
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
  return BMC_OK;
}

int
hw_workers_get(struct hw_workers *p, struct hs_host *h, int64_t run_id,
               struct hw_run_view *out)
{
  struct hs_runq_row row;
  struct hw_run_view *v;
  int rc;

  if(run_id <= 0)
    return BMC_ERR_NOT_FOUND;
  pthread_mutex_lock(&p->mu);
  v = hw_slot(p, run_id);
  if(v)
    *out = *v;
  pthread_mutex_unlock(&p->mu);
  if(v)
    return BMC_OK;
  rc = hs_runq_get(h, run_id, &row);
  if(!rc)
    hw_view_from_row(out, &row);
  return rc;
}

int
hw_workers_wait(struct hw_workers *p, int64_t run_id, int64_t timeout_ms,
                int until_end, struct hw_run_view *out)
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
  /* Not claimed yet, or claimed and not started yet. */
  while(!(v = hw_slot(p, run_id)) || v->state == HW_RUN_QUEUED ||
        (until_end && v->state == HW_RUN_STARTED))
    if(pthread_cond_timedwait(&p->changed, &p->mu, &until))
      break;
  if(v) {
    *out = *v;
    rc = BMC_OK;
  }
  pthread_mutex_unlock(&p->mu);
  return rc;
}
