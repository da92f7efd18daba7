/*
 * hs_jobs.c -- queued jobs: one per action run (Submitted -> Processing ->
 * Completed / Partial Success / Failed; Interrupted after a crash;
 * Skipped when a scheduled run cannot start), the job log with its error
 * flag (secrets masked), the per-item error queue and their listings.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>
#include <errno.h>

#include "hs_internal.h"

const char *
hs_job_status_name(int status)
{
  static const char *const n[] = {"Submitted", "Processing", "Completed",
                                   "Failed", "Partial Success", "Interrupted",
                                   "Skipped"};

  if(status < 0 || status > HS_JOB_SKIPPED)
    return "Unknown";
  return n[status];
}

static void
hs_job_line(struct hs_host *h, int64_t job_id, int level, const char *text)
{
  struct hs_dbst *st;

  if(hs_worker_fence(h, "job log line")) /* a worker that lost its lease */
    return;
  st = hs_stmt(h, "INSERT INTO job_log(job_id, seq, ts_ms, level, is_error,"
               " text) VALUES(?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM"
               " job_log WHERE job_id = ?1), ?2, ?3, ?4, ?5)");
  if(!st)
    return;
  hs_db_bind_i64(st, 1, job_id);
  hs_db_bind_i64(st, 2, hs_clock_now(h));
  hs_db_bind_i64(st, 3, level);
  hs_db_bind_i64(st, 4, level == BMC_LOG_ERROR);
  hs_bind_text(st, 5, text);
  if(hs_step_write(h, st) != HS_DB_DONE)
    hs_hostlog(h, BMC_LOG_ERROR, "job %lld log: %s", (long long)job_id,
               h->last_err);
  hs_db_reset(st);
}

void
hs_job_log(struct hs_inst *in, int level, const char *text)
{
  char *m = hs_mask(text, in->secrets, in->n_secrets);

  if(!m)
    return;
  if(in->job_id)
    hs_job_line(in->h, in->job_id, level, m);
  hs_hostlog(in->h, level, "[%s/%s] %s", in->company, in->api->name, m);
  free(m);
}

void
hs_job_item_error(struct hs_inst *in, const char *item, const char *code,
                  const char *message)
{
  char *mi = hs_mask(item, in->secrets, in->n_secrets);
  char *mm = hs_mask(message, in->secrets, in->n_secrets);
  struct hs_dbst *st;
  char line[1024];

  if(!mi || !mm)
    goto out;
  st = hs_stmt(in->h, "INSERT INTO error_queue(company_id, plugin, item,"
               " code, message, ts_ms, job_id) VALUES(?, ?, ?, ?, ?, ?, ?)");
  if(st) {
    hs_db_bind_i64(st, 1, in->company_id);
    hs_bind_text(st, 2, in->api->name);
    hs_bind_text(st, 3, mi);
    hs_bind_text(st, 4, code);
    hs_bind_text(st, 5, mm);
    hs_db_bind_i64(st, 6, hs_clock_now(in->h));
    hs_db_bind_i64(st, 7, in->job_id);
    if(hs_step_write(in->h, st) != HS_DB_DONE)
      hs_hostlog(in->h, BMC_LOG_ERROR, "error queue: %s", in->h->last_err);
    hs_db_reset(st);
  }
  in->n_item_errors++;
  snprintf(line, sizeof(line), "%s: %s: %s", mi, code, mm);
  hs_job_log(in, BMC_LOG_ERROR, line);
out:
  free(mi);
  free(mm);
}

static int
hs_job_set(struct hs_host *h, int64_t id, int status, int rc,
           const char *col_ms)
{
  struct hs_dbst *st;
  int r;

  if(strcmp(col_ms, "started_ms") == 0)
    st = hs_stmt(h, "UPDATE jobs SET status = ?, rc = ?, started_ms = ?"
                 " WHERE id = ?");
  else
    st = hs_stmt(h, "UPDATE jobs SET status = ?, rc = ?, finished_ms = ?"
                 " WHERE id = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, status);
  hs_db_bind_i64(st, 2, rc);
  hs_db_bind_i64(st, 3, hs_clock_now(h));
  hs_db_bind_i64(st, 4, id);
  r = hs_write_rc(hs_step_write(h, st));
  hs_db_reset(st);
  return r;
}

/* The owner of a queued/running job is still there (another host-sim
 * process on the same store, or this one). */
int
hs_pid_alive(pid_t pid)
{
  if(pid <= 0)
    return 0;
  if(pid == getpid())
    return 1;
  return kill(pid, 0) == 0 || errno == EPERM;
}

static void
hs_job_interrupt(struct hs_host *h, int64_t id)
{
  hs_job_set(h, id, HS_JOB_INTERRUPTED, BMC_ERR_INTERNAL, "finished_ms");
  hs_job_line(h, id, BMC_LOG_ERROR, "job interrupted: the host stopped "
              "while it was running (found at restart); the next run "
              "resumes from the last saved state");
}

int
hs_jobs_recover(struct hs_host *h)
{
  struct hs_dbst *st = NULL;
  int64_t *ids = NULL, *nv;
  size_t n = 0, i;
  int s;

  if(hs_db_prepare(h->db, "SELECT id, pid FROM jobs WHERE status IN"
                   " (0, 1)", &st) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  while((s = hs_db_step(st)) == HS_DB_ROW) {
    pid_t pid = (pid_t)hs_db_col_i64(st, 1);

    /* A job of a live process (another host-sim on the same store) is
     * still running; only an owner that is gone means a crash. */
    if(pid != getpid() && hs_pid_alive(pid))
      continue;
    nv = realloc(ids, (n + 1) * sizeof(*ids));
    if(!nv) {
      hs_db_finalize(st);
      free(ids);
      return BMC_ERR_NOMEM;
    }
    ids = nv;
    ids[n++] = hs_db_col_i64(st, 0);
  }
  hs_db_finalize(st);
  for(i = 0; i < n; i++)
    hs_job_interrupt(h, ids[i]);
  free(ids);
  return s == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
}

/* Insert a Submitted job unless the same (company, plugin) instance is
 * busy with any action in a live process: BMC_ERR_CONFLICT naming the
 * running job.  Jobs whose process is gone are marked Interrupted. */
static int
hs_job_create(struct hs_host *h, struct hs_inst *in, const char *action,
              const char *trigger, int64_t *id, char *err, size_t errlen)
{
  struct hs_dbst *st;
  int rc;

  rc = hs_begin(h);
  if(rc) {
    hs_errf(err, errlen, "%s", h->last_err);
    return rc;
  }
  st = hs_stmt(h, "SELECT id, pid, action FROM jobs WHERE company_id = ?"
               " AND plugin = ? AND status IN (0, 1)");
  if(!st) {
    hs_rollback(h);
    return BMC_ERR_INTERNAL;
  }
  hs_db_bind_i64(st, 1, in->company_id);
  hs_bind_text(st, 2, in->api->name);
  while(hs_db_step(st) == HS_DB_ROW) {
    int64_t other = hs_db_col_i64(st, 0);

    if(!hs_pid_alive((pid_t)hs_db_col_i64(st, 1))) {
      hs_db_reset(st);
      hs_job_interrupt(h, other);
      hs_db_bind_i64(st, 1, in->company_id);
      hs_bind_text(st, 2, in->api->name);
      continue;
    }
    hs_errf(err, errlen, "%s/%s is busy: %s is running as job %lld%s",
            in->company, in->api->name, hs_col_text(st, 2),
            (long long)other, strcmp(hs_col_text(st, 2), action) == 0
                                  ? " (the same action never runs twice "
                                    "at once)"
                                  : "");
    hs_db_reset(st);
    hs_rollback(h);
    return BMC_ERR_CONFLICT;
  }
  hs_db_reset(st);
  st = hs_stmt(h, "INSERT INTO jobs(company_id, plugin, action, trigger,"
               " status, pid, created_ms) VALUES(?, ?, ?, ?, 0, ?, ?)"
               " RETURNING id");
  if(!st) {
    hs_rollback(h);
    return BMC_ERR_INTERNAL;
  }
  hs_db_bind_i64(st, 1, in->company_id);
  hs_bind_text(st, 2, in->api->name);
  hs_bind_text(st, 3, action);
  hs_bind_text(st, 4, trigger);
  hs_db_bind_i64(st, 5, (int64_t)getpid());
  hs_db_bind_i64(st, 6, hs_clock_now(h));
  if(hs_step_insert(h, st, id) != HS_DB_DONE) {
    hs_errf(err, errlen, "job: %s", hs_last_error(h));
    hs_rollback(h);
    return BMC_ERR_INTERNAL;
  }
  return hs_commit(h);
}

/* Record that job id is a dry run (jobs.dry_run). */
static void
hs_job_mark_dry(struct hs_host *h, int64_t id)
{
  struct hs_dbst *st = hs_stmt(h, "UPDATE jobs SET dry_run = 1 WHERE id = ?");

  if(!st)
    return;
  hs_db_bind_i64(st, 1, id);
  if(hs_step_write(h, st) != HS_DB_DONE)
    hs_hostlog(h, BMC_LOG_ERROR, "job %lld: %s", (long long)id, h->last_err);
  hs_db_reset(st);
}

int
hs_job_skip(struct hs_host *h, struct hs_inst *in, const char *action,
            const char *why, int64_t *job_id)
{
  int64_t id;
  int rc;

  rc = hs_job_create(h, in, action, "scheduled", &id, NULL, 0);
  if(rc)
    return rc;
  hs_job_line(h, id, BMC_LOG_WARN, why);
  hs_job_set(h, id, HS_JOB_SKIPPED, BMC_ERR_CONFIG, "finished_ms");
  if(job_id)
    *job_id = id;
  return BMC_OK;
}

const struct bmc_action *
hs_action_find(const struct bmc_plugin_api *api, const char *id)
{
  size_t i;

  for(i = 0; i < api->n_actions; i++)
    if(strcmp(api->actions[i].id, id) == 0)
      return &api->actions[i];
  return NULL;
}

/* Run the plugin inside an existing Processing job. */
static int
hs_job_exec(struct hs_inst *in, const char *action, const char *const *items,
            size_t n_items, int64_t id)
{
  char perr[HS_ERRLEN] = "";
  char line[HS_ERRLEN + 64];
  int rc = BMC_OK, status;

  in->job_id = id;
  in->n_item_errors = 0;
  in->run_err[0] = '\0';
  hs_inst_load_secrets(in);
  if(!in->created) {
    void *pi = NULL;

    rc = in->api->create(&in->h->api, in, &pi, perr, sizeof(perr));
    if(!rc) {
      in->inst = pi;
      in->created = 1;
    }
    else {
      snprintf(line, sizeof(line), "plugin create failed (%s): %s",
               hs_rc_name(rc), perr[0] ? perr : "no message");
      hs_job_log(in, BMC_LOG_ERROR, line);
    }
  }
  if(!rc) {
    rc = in->api->run(in->inst, action, n_items ? items : NULL, n_items,
                      perr, sizeof(perr));
    if(rc) {
      const char *rs = in->api->strerror ? in->api->strerror(rc) : NULL;

      snprintf(line, sizeof(line), "%s failed (%s): %s", action,
               rs ? rs : hs_rc_name(rc), perr[0] ? perr : "no message");
      hs_job_log(in, BMC_LOG_ERROR, line);
      {
        char *m = hs_mask(perr[0] ? perr : line, in->secrets, in->n_secrets);

        snprintf(in->run_err, sizeof(in->run_err), "%s", m ? m : "");
        free(m);
      }
    }
  }
  if(rc)
    status = HS_JOB_FAILED;
  else if(in->n_item_errors)
    status = HS_JOB_PARTIAL;
  else
    status = HS_JOB_COMPLETED;
  snprintf(line, sizeof(line), "%s %s (%lld item errors)", action,
           hs_job_status_name(status), (long long)in->n_item_errors);
  hs_job_log(in, BMC_LOG_INFO, line);
  {
    struct hs_dbst *st = hs_stmt(in->h, "UPDATE jobs SET n_item_errors = ?"
                               " WHERE id = ?");

    if(st) {
      hs_db_bind_i64(st, 1, in->n_item_errors);
      hs_db_bind_i64(st, 2, id);
      if(hs_step_write(in->h, st) != HS_DB_DONE)
        hs_hostlog(in->h, BMC_LOG_ERROR, "job %lld: %s", (long long)id,
                   in->h->last_err);
      hs_db_reset(st);
    }
  }
  hs_job_set(in->h, id, status, rc, "finished_ms");
  if(!in->check_pending) {
    hs_alert_after_job(in, action, rc, status);
    if(status == HS_JOB_COMPLETED || status == HS_JOB_PARTIAL)
      hs_rotation_after_job(in);
  }
  in->job_id = 0;
  return status;
}

/* A selection the action accepts: every item a non-empty line without
 * control characters.  BMC_ERR_INVALID_ARG with a message otherwise. */
static int
hs_items_check(const struct bmc_action *a, const char *plugin,
               const char *const *items, size_t n, char *err, size_t errlen)
{
  size_t i;
  const char *c;

  if(!n)
    return BMC_OK;
  if(!(a->flags & (BMC_ACTION_SKUS | BMC_ACTION_ORDERS))) {
    hs_errf(err, errlen, "action '%s' of '%s' does not take a selection "
            "(it always runs over everything)", a->id, plugin);
    return BMC_ERR_INVALID_ARG;
  }
  for(i = 0; i < n; i++) {
    if(!items || !items[i] || !items[i][0]) {
      hs_errf(err, errlen, "selection item %zu is empty", i + 1);
      return BMC_ERR_INVALID_ARG;
    }
    for(c = items[i]; *c; c++)
      if((unsigned char)*c < 0x20 || *c == 0x7f) {
        hs_errf(err, errlen, "selection item %zu has a control character "
                "(0x%02x)", i + 1, (unsigned)(unsigned char)*c);
        return BMC_ERR_INVALID_ARG;
      }
    if(c - items[i] > 256) {
      hs_errf(err, errlen, "selection item %zu is longer than 256 "
              "characters", i + 1);
      return BMC_ERR_INVALID_ARG;
    }
  }
  return BMC_OK;
}

/* "selection: 3 SKUs: A, B, C" (shortened) into the job log. */
static void
hs_items_log(struct hs_inst *in, const struct bmc_action *a,
             const char *const *items, size_t n)
{
  char line[600];
  size_t i, len;

  len = (size_t)snprintf(line, sizeof(line), "selection: %zu %s:", n,
                         (a->flags & BMC_ACTION_SKUS) ? "SKUs" : "orders");
  for(i = 0; i < n && len < sizeof(line) - 80; i++)
    len += (size_t)snprintf(line + len, sizeof(line) - len, "%s %.60s",
                            i ? "," : "", items[i]);
  if(i < n)
    snprintf(line + len, sizeof(line) - len, " and %zu more", n - i);
  hs_job_log(in, BMC_LOG_INFO, line);
}

int
hs_job_run(struct hs_host *h, const char *company, const char *plugin,
           const char *action, const char *trigger, const char *const *items,
           size_t n_items, int64_t *job_id, int *status, char *err,
           size_t errlen)
{
  return hs_job_run_opts(h, company, plugin, action, trigger, items,
                         n_items, 0, job_id, status, err, errlen);
}

int
hs_job_run_opts(struct hs_host *h, const char *company, const char *plugin,
                const char *action, const char *trigger,
                const char *const *items, size_t n_items, int dry_run,
                int64_t *job_id, int *status, char *err, size_t errlen)
{
  const struct bmc_action *a;
  struct hs_inst *in;
  int64_t id;
  int rc, en = 0, manual = strcmp(trigger, "scheduled") != 0;

  rc = hs_inst_get(h, company, plugin, &in, err, errlen);
  if(rc)
    return rc;
  a = action ? hs_action_find(in->api, action) : NULL;
  if(!a) {
    hs_errf(err, errlen, "plugin '%s' has no action '%s'", plugin,
            action ? action : "(none)");
    return BMC_ERR_NOT_FOUND;
  }
  if(manual && !(a->flags & BMC_ACTION_MANUAL)) {
    hs_errf(err, errlen, "action '%s' of '%s' cannot be run by hand", action,
            plugin);
    return BMC_ERR_CONFLICT;
  }
  rc = hs_items_check(a, plugin, items, n_items, err, errlen);
  if(rc)
    return rc;
  hs_company_plugin_enabled(h, company, plugin, &en);
  if(!en) {
    hs_errf(err, errlen, "plugin '%s' is not enabled for company '%s' "
            "(enable it in the Toolbox first)", plugin, company);
    return BMC_ERR_CONFLICT;
  }
  if(pthread_mutex_trylock(&in->mu)) {
    hs_errf(err, errlen, "%s/%s is busy running another action", company,
            plugin);
    return BMC_ERR_CONFLICT;
  }
  rc = hs_job_create(h, in, action, trigger, &id, err, errlen);
  if(rc) {
    pthread_mutex_unlock(&in->mu);
    return rc;
  }
  if(job_id)
    *job_id = id;
  hs_job_set(h, id, HS_JOB_PROCESSING, 0, "started_ms");
  in->job_id = id;
  in->job_trigger = trigger;
  in->dry_run = dry_run || hs_job_dry_run_wanted(h, in->company_id);
  if(in->dry_run) {
    hs_job_mark_dry(h, id);
    if(hs_dry_state_begin(in))
      hs_job_log(in, BMC_LOG_WARN, "dry run: the job's own state table could"
                 " not be made; its state writes fail");
  }
  {
    char line[256];

    snprintf(line, sizeof(line), "%s started (%s%s)", a->display_name,
             trigger, in->dry_run ? ", dry run: nothing that changes the "
             "marketplace is sent" : "");
    hs_job_log(in, BMC_LOG_INFO, line);
  }
  if(n_items)
    hs_items_log(in, a, items, n_items);
  in->check_pending = strcmp(trigger, HS_TRIGGER_ROTATION) == 0;
  if(in->check_pending)
    hs_job_log(in, BMC_LOG_INFO, "checking the pending credentials (the "
               "active ones stay in use unless they pass)");
  rc = hs_job_exec(in, action, items, n_items, id);
  in->check_pending = 0;
  if(in->dry_run)
    hs_dry_state_end(in);
  in->dry_run = 0;
  in->job_trigger = NULL;
  pthread_mutex_unlock(&in->mu);
  if(status)
    *status = rc;
  return BMC_OK;
}

int
hs_run_action(struct hs_host *h, const char *company, const char *plugin,
              const char *action, int64_t *job_id, int *status, char *err,
              size_t errlen)
{
  if(!h) {
    hs_errf(err, errlen, "run: no host");
    return BMC_ERR_INVALID_ARG;
  }
  return hs_job_run(h, company, plugin, action, "manual", NULL, 0, job_id,
                    status, err, errlen);
}

/* ---- listings ---- */

static int
hs_jobs_query(struct hs_host *h, const char *sql, int64_t arg,
              const char *company,
              int (*cb)(void *ud, const struct hs_job *j), void *ud)
{
  struct hs_dbst *st = NULL;
  int rc = BMC_OK, s;

  if(!h || !cb)
    return BMC_ERR_INVALID_ARG;
  if(hs_db_prepare(h->db, sql, &st) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, arg);
  hs_bind_text(st, 2, company);
  while((s = hs_db_step(st)) == HS_DB_ROW) {
    struct hs_job j;

    j.id = hs_db_col_i64(st, 0);
    j.company = hs_col_text(st, 1);
    j.plugin = hs_col_text(st, 2);
    j.action = hs_col_text(st, 3);
    j.trigger = hs_col_text(st, 4);
    j.status = (int)hs_db_col_i64(st, 5);
    j.rc = (int)hs_db_col_i64(st, 6);
    j.created_ms = hs_db_col_i64(st, 7);
    j.started_ms = hs_db_col_i64(st, 8);
    j.finished_ms = hs_db_col_i64(st, 9);
    j.done = hs_db_col_i64(st, 10);
    j.total = hs_db_col_i64(st, 11);
    j.n_item_errors = hs_db_col_i64(st, 12);
    rc = cb(ud, &j);
    if(rc)
      break;
  }
  if(!rc && s != HS_DB_DONE)
    rc = BMC_ERR_INTERNAL;
  hs_db_finalize(st);
  return rc;
}

#define HS_JOB_COLS                                                         \
  "SELECT j.id, c.name, j.plugin, j.action, j.trigger, j.status, j.rc,"     \
  " j.created_ms, j.started_ms, j.finished_ms, j.done, j.total,"            \
  " j.n_item_errors FROM jobs j JOIN companies c ON c.id = j.company_id "

int
hs_jobs_each(struct hs_host *h, const char *company,
             int (*cb)(void *ud, const struct hs_job *j), void *ud)
{
  return hs_jobs_query(h, HS_JOB_COLS "WHERE ?1 = ?1 AND (?2 IS NULL OR"
                       " c.name = ?2) ORDER BY j.id DESC", 0, company, cb,
                       ud);
}

int
hs_job_get(struct hs_host *h, int64_t id,
           int (*cb)(void *ud, const struct hs_job *j), void *ud)
{
  int found = 0, rc;

  rc = hs_jobs_query(h, HS_JOB_COLS "WHERE j.id = ?1 AND ?2 IS NULL", id,
                     NULL, cb, ud);
  if(rc)
    return rc;
  {
    struct hs_dbst *st = hs_stmt(h, "SELECT 1 FROM jobs WHERE id = ?");

    if(!st)
      return BMC_ERR_INTERNAL;
    hs_db_bind_i64(st, 1, id);
    found = hs_db_step(st) == HS_DB_ROW;
    hs_db_reset(st);
  }
  return found ? BMC_OK : BMC_ERR_NOT_FOUND;
}

int
hs_job_log_each(struct hs_host *h, int64_t job_id,
                int (*cb)(void *ud, const struct hs_job_line *l), void *ud)
{
  struct hs_dbst *st = NULL;
  int rc = BMC_OK, s;

  if(!h || !cb)
    return BMC_ERR_INVALID_ARG;
  if(hs_db_prepare(h->db, "SELECT job_id, seq, ts_ms, level, is_error,"
                   " text FROM job_log WHERE job_id = ? ORDER BY seq",
                   &st) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, job_id);
  while((s = hs_db_step(st)) == HS_DB_ROW) {
    struct hs_job_line l;

    l.job_id = hs_db_col_i64(st, 0);
    l.seq = hs_db_col_i64(st, 1);
    l.ts_ms = hs_db_col_i64(st, 2);
    l.level = (int)hs_db_col_i64(st, 3);
    l.is_error = (int)hs_db_col_i64(st, 4);
    l.text = hs_col_text(st, 5);
    rc = cb(ud, &l);
    if(rc)
      break;
  }
  if(!rc && s != HS_DB_DONE)
    rc = BMC_ERR_INTERNAL;
  hs_db_finalize(st);
  return rc;
}

int
hs_errors_each(struct hs_host *h, const char *company, const char *plugin,
               int (*cb)(void *ud, const struct hs_item_error *e), void *ud)
{
  /* every entry, resolved ones included (hs_ops.c owns the query) */
  return hs_errors_list(h, company, plugin, 1, cb, ud);
}
