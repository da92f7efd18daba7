/*
 * hs_worker.c -- scheduler workers: any number of processes, on any
 * machines, share one store's due tasks.  A worker claims ONE due task at
 * a time in a short write transaction (PostgreSQL: SELECT ... FOR UPDATE
 * SKIP LOCKED, then UPDATE ... RETURNING the new fencing token; SQLite:
 * the same without the locking clause, BEGIN IMMEDIATE serializes the
 * claims), only when its lease has expired or it has none and no other
 * task of the same (company, plugin) instance is leased.  The task runs
 * through the scheduler's path (hs_run_task) while a heartbeat thread, on
 * its own connection, extends the lease every lease/3 matching owner and
 * token; the done update matches them too.  hs_worker_fence() answers
 * "is the lease still mine" from the heartbeat's cached result for the
 * job log and plugin state writes (hs_jobs.c, hs_services.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "hs_internal.h"

#define HS_WORKER_NAME_MAX 64
#define HS_WORKER_IDLE_MS 250 /* real clock: wait before the next look */
#define HS_WORKER_BEAT_BUSY_MS 2000 /* heartbeat: longest wait for a lock */

/* The lease a worker runs a task under (h->wclaim while it runs). */
struct hs_wclaim {
  int64_t task_id, token;
  _Atomic int64_t until_ms; /* the lease's end as last written */
  atomic_int lost;          /* the heartbeat found another token */
  int lost_logged;
  char what[256];           /* company/plugin/action */
};

struct hs_worker {
  struct hs_host *h;
  char id[HS_WORKER_NAME_MAX + 64];
  char *target;
  int64_t lease_ms;
  int claimed;
  struct hs_trow row; /* the claimed task (strings owned) */
  struct hs_wclaim claim;
  struct hs_db *beat_db; /* the heartbeat's connection */
  pthread_t beat;
  int beat_on, beat_stop;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  unsigned pass; /* spreads the workers over the due tasks */
  struct hs_trow *rows; /* this pass's task rows (hs_worker_claim) */
  size_t n_rows, next, base;
  int64_t kept_ms;      /* host clock of the last housekeeping look */
};

/* SQLite's busy handler of the heartbeat connection: wait a little. */
static int
hs_worker_beat_busy(void *ud, int count)
{
  struct timespec ts = {0, 2 * 1000 * 1000};

  (void)ud;
  if(count * 2 >= HS_WORKER_BEAT_BUSY_MS)
    return 0;
  nanosleep(&ts, NULL);
  return 1;
}

int
hs_worker_new(struct hs_host *h, const struct hs_worker_opts *o,
              struct hs_worker **out, char *err, size_t errlen)
{
  struct hs_worker *w;
  unsigned char raw[8];
  char host[HS_WORKER_NAME_MAX + 1], nonce[17];
  const char *name;
  size_t i;

  *out = NULL;
  if(!h || !o || !o->target) {
    hs_errf(err, errlen, "worker: missing host or store");
    return BMC_ERR_INVALID_ARG;
  }
  if(o->name) {
    name = o->name;
  } else {
    if(gethostname(host, sizeof(host)))
      snprintf(host, sizeof(host), "localhost");
    host[sizeof(host) - 1] = '\0';
    name = host;
  }
  if(!name[0] || strlen(name) > HS_WORKER_NAME_MAX) {
    hs_errf(err, errlen, "worker: --name must be 1 to %d bytes",
            HS_WORKER_NAME_MAX);
    return BMC_ERR_INVALID_ARG;
  }
  for(i = 0; name[i]; i++)
    if((unsigned char)name[i] < 0x20 || name[i] == 0x7f) {
      hs_errf(err, errlen, "worker: --name has a control character at "
              "byte %zu", i + 1);
      return BMC_ERR_INVALID_ARG;
    }
  if(o->lease_ms < 0 || o->lease_ms > 86400LL * 1000) {
    hs_errf(err, errlen, "worker: lease %lld ms is out of range (1 s to "
            "1 day)", (long long)o->lease_ms);
    return BMC_ERR_INVALID_ARG;
  }
  w = calloc(1, sizeof(*w));
  if(!w || !(w->target = hs_strdup(o->target))) {
    free(w);
    return BMC_ERR_NOMEM;
  }
  w->h = h;
  w->lease_ms = o->lease_ms ? o->lease_ms : HS_WORKER_LEASE_DEFAULT_S * 1000;
  if(w->lease_ms < 1000)
    w->lease_ms = 1000;
  randombytes_buf(raw, sizeof(raw));
  sodium_bin2hex(nonce, sizeof(nonce), raw, sizeof(raw));
  snprintf(w->id, sizeof(w->id), "%s:%d:%s", name, (int)getpid(), nonce);
  w->pass = (unsigned)raw[0] | (unsigned)raw[1] << 8;
  pthread_mutex_init(&w->mu, NULL);
  pthread_cond_init(&w->cv, NULL);
  if(hs_db_open(w->target, 0, &w->beat_db, err, errlen) != HS_DB_OK) {
    hs_worker_free(w);
    return BMC_ERR_INTERNAL;
  }
  if(hs_db_backend(w->beat_db) == HS_DB_SQLITE)
    hs_db_sqlite_busy_handler(w->beat_db, hs_worker_beat_busy, NULL);
  *out = w;
  return BMC_OK;
}

static void
hs_worker_row_clear(struct hs_worker *w)
{
  free(w->row.company);
  free(w->row.plugin);
  free(w->row.action);
  memset(&w->row, 0, sizeof(w->row));
  w->claimed = 0;
}

void
hs_worker_free(struct hs_worker *w)
{
  if(!w)
    return;
  if(w->h && w->h->wclaim == &w->claim)
    w->h->wclaim = NULL;
  hs_worker_row_clear(w);
  hs_trows_free(w->rows, w->n_rows);
  hs_db_close(w->beat_db);
  pthread_mutex_destroy(&w->mu);
  pthread_cond_destroy(&w->cv);
  free(w->target);
  free(w);
}

const char *
hs_worker_id(const struct hs_worker *w)
{
  return w ? w->id : "";
}

int64_t
hs_worker_token(const struct hs_worker *w)
{
  return w && w->claimed ? w->claim.token : 0;
}

/* In one write transaction: the lease of task r if it is still due, its
 * lease expired or none, and no other task of its instance is leased. */
static int
hs_worker_try_claim(struct hs_worker *w, const struct hs_trow *r, int *got)
{
  static const char *const pick_sqlite =
      "SELECT t.lease_token FROM tasks t WHERE t.id = ? AND t.enabled = 1"
      " AND t.lease_until_ms < ? AND (CASE WHEN t.last_executed_ms <> 0"
      " THEN t.last_executed_ms + t.interval_s * 1000 ELSE t.start_ms END)"
      " <= ? AND NOT EXISTS (SELECT 1 FROM tasks o WHERE o.company_id ="
      " t.company_id AND o.plugin = t.plugin AND o.id <> t.id AND"
      " o.lease_until_ms >= ?)";
  static const char *const pick_pg =
      "SELECT t.lease_token FROM tasks t WHERE t.id = ? AND t.enabled = 1"
      " AND t.lease_until_ms < ? AND (CASE WHEN t.last_executed_ms <> 0"
      " THEN t.last_executed_ms + t.interval_s * 1000 ELSE t.start_ms END)"
      " <= ? AND NOT EXISTS (SELECT 1 FROM tasks o WHERE o.company_id ="
      " t.company_id AND o.plugin = t.plugin AND o.id <> t.id AND"
      " o.lease_until_ms >= ?) FOR UPDATE OF t SKIP LOCKED";
  struct hs_host *h = w->h;
  struct hs_dbst *st;
  int64_t now = hs_clock_now(h), token = 0;
  int rc, s;

  *got = 0;
  rc = hs_begin(h);
  if(rc)
    return rc == BMC_ERR_CONFLICT ? BMC_OK : rc; /* busy: next time */
  if(hs_db_backend(h->db) == HS_DB_POSTGRESQL) {
    /* claims of one instance one at a time (the pick's NOT EXISTS then
     * sees the other's committed lease); a claim in flight: skip it */
    st = hs_stmt(h, "SELECT 1 FROM company_plugins WHERE company_id = ? AND"
                 " plugin = ? FOR UPDATE SKIP LOCKED");
    s = HS_DB_ERROR;
    if(st) {
      hs_db_bind_i64(st, 1, r->company_id);
      hs_bind_text(st, 2, r->plugin);
      s = hs_db_step(st);
      hs_db_reset(st);
    }
    if(s != HS_DB_ROW) {
      hs_rollback(h);
      return s == HS_DB_DONE || s == HS_DB_BUSY ? BMC_OK : BMC_ERR_INTERNAL;
    }
  }
  st = hs_stmt(h, hs_db_backend(h->db) == HS_DB_POSTGRESQL ? pick_pg
                                                           : pick_sqlite);
  if(!st) {
    hs_rollback(h);
    return BMC_ERR_INTERNAL;
  }
  hs_db_bind_i64(st, 1, r->id);
  hs_db_bind_i64(st, 2, now);
  hs_db_bind_i64(st, 3, now);
  hs_db_bind_i64(st, 4, now);
  s = hs_db_step(st);
  hs_db_reset(st);
  if(s != HS_DB_ROW) {
    hs_rollback(h);
    return s == HS_DB_DONE || s == HS_DB_BUSY ? BMC_OK : BMC_ERR_INTERNAL;
  }
  st = hs_stmt(h, "UPDATE tasks SET lease_owner = ?, lease_until_ms = ?,"
               " lease_token = lease_token + 1 WHERE id = ? RETURNING"
               " lease_token");
  if(!st) {
    hs_rollback(h);
    return BMC_ERR_INTERNAL;
  }
  hs_bind_text(st, 1, w->id);
  hs_db_bind_i64(st, 2, now + w->lease_ms);
  hs_db_bind_i64(st, 3, r->id);
  s = hs_step_insert(h, st, &token);
  hs_db_reset(st);
  if(s != HS_DB_DONE) {
    hs_rollback(h);
    return hs_write_rc(s) == BMC_ERR_CONFLICT ? BMC_OK : BMC_ERR_INTERNAL;
  }
  rc = hs_commit(h);
  if(rc)
    return rc == BMC_ERR_CONFLICT ? BMC_OK : rc;
  w->claim.task_id = r->id;
  w->claim.token = token;
  atomic_store(&w->claim.until_ms, now + w->lease_ms);
  atomic_store(&w->claim.lost, 0);
  w->claim.lost_logged = 0;
  snprintf(w->claim.what, sizeof(w->claim.what), "%s/%s/%s", r->company,
           r->plugin, r->action);
  *got = 1;
  return BMC_OK;
}

/* Read the task rows again (after hs_tasks_sync): a pass over them. */
static int
hs_worker_refresh(struct hs_worker *w)
{
  int rc;

  hs_trows_free(w->rows, w->n_rows);
  w->rows = NULL;
  w->n_rows = w->next = 0;
  rc = hs_tasks_sync(w->h);
  if(!rc)
    rc = hs_trows(w->h, NULL, 1, &w->rows, &w->n_rows);
  /* start at another row each pass: workers spread over the due tasks */
  w->base = w->n_rows ? w->pass++ % w->n_rows : 0;
  return rc;
}

/* The rows are read once a pass and tried in turn (the claim checks in
 * the store that each is still due and free): one read of every task
 * per pass, not per claim. */
int
hs_worker_claim(struct hs_worker *w, int *claimed)
{
  int rc = BMC_OK, fresh = 0;
  int64_t now;

  *claimed = 0;
  if(!w || w->claimed)
    return BMC_ERR_INVALID_ARG;
  for(;;) {
    if(!w->rows || w->next >= w->n_rows) {
      if(fresh)
        return BMC_OK; /* a whole fresh pass found nothing to claim */
      rc = hs_worker_refresh(w);
      fresh = 1;
      if(rc)
        return rc;
    }
    now = hs_clock_now(w->h);
    while(!rc && !*claimed && w->next < w->n_rows) {
      struct hs_trow *r = &w->rows[(w->base + w->next++) % w->n_rows];

      if(hs_next_due(r) > now || !hs_gate_open(w->h, r))
        continue;
      rc = hs_worker_try_claim(w, r, claimed);
      if(!rc && *claimed) {
        w->row = *r;
        w->row.company = hs_strdup(r->company);
        w->row.plugin = hs_strdup(r->plugin);
        w->row.action = hs_strdup(r->action);
        w->claimed = 1;
        if(!w->row.company || !w->row.plugin || !w->row.action)
          rc = BMC_ERR_NOMEM; /* the lease runs out by itself */
      }
    }
    if(rc || *claimed)
      return rc;
  }
}

/* One lease extension on the heartbeat's connection: 1 extended, 0 the
 * lease is another's now, -1 the store did not answer (try again). */
static int
hs_worker_beat_once(struct hs_worker *w)
{
  struct hs_dbst *st = NULL;
  int64_t until = hs_clock_now(w->h) + w->lease_ms;
  int s;

  if(hs_db_prepare(w->beat_db, "UPDATE tasks SET lease_until_ms = ? WHERE"
                   " id = ? AND lease_owner = ? AND lease_token = ?", &st)
     != HS_DB_OK)
    return -1;
  hs_db_bind_i64(st, 1, until);
  hs_db_bind_i64(st, 2, w->claim.task_id);
  hs_db_bind_text(st, 3, w->id);
  hs_db_bind_i64(st, 4, w->claim.token);
  s = hs_db_step(st);
  hs_db_finalize(st);
  if(s != HS_DB_DONE)
    return -1;
  if(hs_db_changes(w->beat_db) == 0)
    return 0;
  atomic_store(&w->claim.until_ms, until);
  return 1;
}

static void *
hs_worker_beat_main(void *arg)
{
  struct hs_worker *w = arg;
  struct timespec at;
  int64_t every = w->lease_ms / 3;

  pthread_mutex_lock(&w->mu);
  while(!w->beat_stop) {
    clock_gettime(CLOCK_MONOTONIC, &at);
    at.tv_sec += every / 1000;
    at.tv_nsec += (every % 1000) * 1000000;
    if(at.tv_nsec >= 1000000000) {
      at.tv_sec++;
      at.tv_nsec -= 1000000000;
    }
    while(!w->beat_stop &&
          pthread_cond_timedwait(&w->cv, &w->mu, &at) != ETIMEDOUT)
      ;
    if(w->beat_stop)
      break;
    pthread_mutex_unlock(&w->mu);
    if(hs_worker_beat_once(w) == 0)
      atomic_store(&w->claim.lost, 1);
    pthread_mutex_lock(&w->mu);
    if(atomic_load(&w->claim.lost))
      break; /* another worker holds it: stop heartbeating */
  }
  pthread_mutex_unlock(&w->mu);
  return NULL;
}

static int
hs_worker_beat_start(struct hs_worker *w)
{
  pthread_condattr_t ca;
  int rc;

  pthread_cond_destroy(&w->cv);
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&w->cv, &ca);
  pthread_condattr_destroy(&ca);
  w->beat_stop = 0;
  rc = pthread_create(&w->beat, NULL, hs_worker_beat_main, w);
  w->beat_on = rc == 0;
  return rc ? BMC_ERR_INTERNAL : BMC_OK;
}

static void
hs_worker_beat_stop(struct hs_worker *w)
{
  if(!w->beat_on)
    return;
  pthread_mutex_lock(&w->mu);
  w->beat_stop = 1;
  pthread_cond_signal(&w->cv);
  pthread_mutex_unlock(&w->mu);
  pthread_join(w->beat, NULL);
  w->beat_on = 0;
}

int
hs_worker_fence(struct hs_host *h, const char *what)
{
  struct hs_wclaim *c = h ? h->wclaim : NULL;

  if(!c)
    return BMC_OK;
  if(!atomic_load(&c->lost) && hs_clock_now(h) < atomic_load(&c->until_ms))
    return BMC_OK;
  atomic_store(&c->lost, 1);
  if(!c->lost_logged)
    hs_hostlog(h, BMC_LOG_ERROR, "%s refused: this worker's lease of task "
               "%s (token %lld) expired or was taken over by another "
               "worker; only the lease holder writes the job's log and "
               "state", what, c->what, (long long)c->token);
  c->lost_logged = 1;
  return BMC_ERR_CONFLICT;
}

/* The done (or hand-back) update, matching owner and token: BMC_OK, or
 * BMC_ERR_CONFLICT when another worker holds the lease now. */
static int
hs_worker_settle(struct hs_worker *w, int64_t at, int ran, int record)
{
  struct hs_host *h = w->h;
  struct hs_dbst *st;
  int rc;

  int k = 1;

  if(record)
    st = hs_stmt(h, "UPDATE tasks SET last_executed_ms = ?, run_count ="
                 " run_count + ?, lease_owner = NULL, lease_until_ms = 0"
                 " WHERE id = ? AND lease_owner = ? AND lease_token = ?");
  else
    st = hs_stmt(h, "UPDATE tasks SET lease_owner = NULL, lease_until_ms ="
                 " 0 WHERE id = ? AND lease_owner = ? AND lease_token = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  if(record) {
    hs_db_bind_i64(st, k++, at);
    hs_db_bind_i64(st, k++, ran);
  }
  hs_db_bind_i64(st, k++, w->claim.task_id);
  hs_bind_text(st, k++, w->id);
  hs_db_bind_i64(st, k, w->claim.token);
  rc = hs_write_rc(hs_step_write(h, st));
  if(!rc && hs_db_changes(h->db) == 0) {
    hs_hostlog(h, BMC_LOG_WARN, "task %s finished after this worker (%s) "
               "lost its lease (token %lld was taken over): nothing of this "
               "run is recorded; the lease holder records its own",
               w->claim.what, w->id, (long long)w->claim.token);
    rc = BMC_ERR_CONFLICT;
  }
  hs_db_reset(st);
  return rc;
}

static int
hs_worker_done(struct hs_host *h, const struct hs_trow *r, int64_t at,
               int ran, void *ud)
{
  (void)h;
  (void)r;
  return hs_worker_settle(ud, at, ran, 1);
}

static void
hs_worker_release(struct hs_worker *w)
{
  if(w->h->wclaim == &w->claim)
    w->h->wclaim = NULL;
  hs_worker_row_clear(w);
}

int
hs_worker_finish(struct hs_worker *w)
{
  int rc;

  if(!w || !w->claimed)
    return BMC_ERR_INVALID_ARG;
  rc = hs_worker_settle(w, hs_clock_now(w->h), 1, 1);
  hs_worker_release(w);
  return rc;
}

int
hs_worker_run_claimed(struct hs_worker *w, int *started)
{
  int rc, lost;

  *started = 0;
  if(!w || !w->claimed)
    return BMC_ERR_INVALID_ARG;
  w->h->wclaim = &w->claim;
  rc = hs_worker_beat_start(w);
  if(!rc)
    rc = hs_run_task(w->h, &w->row, started, hs_worker_done, w);
  hs_worker_beat_stop(w);
  w->h->wclaim = NULL;
  lost = atomic_load(&w->claim.lost);
  if(!rc && !*started)
    rc = hs_worker_settle(w, 0, 0, 0); /* instance busy: hand it back */
  else if(!rc && lost)
    rc = BMC_ERR_CONFLICT;
  hs_worker_release(w);
  return rc;
}

/* Virtual clock: the earliest due time of a switched-on task after now
 * (INT64_MAX: none). */
static int64_t
hs_worker_next_due(struct hs_worker *w)
{
  struct hs_trow *v = NULL;
  size_t n = 0, i;
  int64_t next = INT64_MAX, now = hs_clock_now(w->h);

  if(hs_trows(w->h, NULL, 1, &v, &n))
    return INT64_MAX;
  for(i = 0; i < n; i++)
    if(hs_gate_open(w->h, &v[i]) && hs_next_due(&v[i]) > now &&
       hs_next_due(&v[i]) < next)
      next = hs_next_due(&v[i]);
  hs_trows_free(v, n);
  return next;
}

/* The scheduler's work between runs (pending credentials checked and
 * swapped in, dispatch deadlines, audit pruning), done by the one worker
 * that holds the store's scheduler lease, at most once a second of host
 * clock.  Another holder (a worker or a `scheduler`) does it instead; the
 * lease also keeps a `scheduler` from running tasks beside the workers. */
static int
hs_worker_housekeep(struct hs_worker *w)
{
  struct hs_host *h = w->h;
  int64_t now = hs_clock_now(h);
  int rc;

  if(w->kept_ms && now - w->kept_ms < 1000 && now >= w->kept_ms)
    return BMC_OK;
  w->kept_ms = now;
  rc = hs_sched_lease_take(h);
  if(rc == BMC_ERR_CONFLICT)
    return BMC_OK; /* held elsewhere: its holder keeps house */
  return rc ? rc : hs_sched_between_runs(h);
}

int
hs_worker_loop(struct hs_worker *w, int once, int64_t until_ms, int *ran)
{
  struct hs_host *h;
  int rc = BMC_OK, claimed, started, total = 0;

  if(ran)
    *ran = 0;
  if(!w)
    return BMC_ERR_INVALID_ARG;
  h = w->h;
  while(!atomic_load(&h->stop)) {
    if(until_ms && hs_clock_now(h) >= until_ms)
      break;
    rc = hs_worker_housekeep(w);
    if(!rc)
      rc = hs_worker_claim(w, &claimed);
    if(rc)
      break;
    if(claimed) {
      rc = hs_worker_run_claimed(w, &started);
      if(rc == BMC_ERR_CONFLICT)
        rc = BMC_OK; /* lost the lease: logged, the holder goes on */
      if(rc)
        break;
      total += started;
      continue;
    }
    if(once)
      break;
    if(h->virtual_clock) {
      int64_t next = hs_worker_next_due(w);

      if(next == INT64_MAX || (until_ms && next > until_ms)) {
        if(until_ms)
          hs_clock_set(h, until_ms);
        break;
      }
      hs_clock_set(h, next);
      continue;
    }
    {
      int64_t wait = HS_WORKER_IDLE_MS;
      struct timespec ts;

      if(until_ms && until_ms - hs_clock_now(h) < wait)
        wait = until_ms - hs_clock_now(h);
      ts.tv_sec = wait / 1000;
      ts.tv_nsec = (wait % 1000) * 1000000;
      if(wait > 0)
        nanosleep(&ts, NULL); /* a signal ends it early: stop is looked at */
    }
  }
  atomic_store(&h->stop, 0);
  if(ran)
    *ran = total;
  return rc;
}
