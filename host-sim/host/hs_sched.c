/*
 * hs_sched.c -- scheduled tasks (seed 002's Scheduled Tasks table): one
 * row per scheduled action of every enabled plugin of every company, run
 * at its interval when its Toolbox switch (enabled_by) is on; skipped
 * with a job log line when required settings are missing; pending
 * credentials are checked and dispatch deadlines flagged before the due
 * tasks (hs_rotate.c, hs_deadline.c).  Ticks on the
 * real clock or runs a virtual clock forward deterministically.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hs_audit_trail.h"
#include "hs_internal.h"

static volatile sig_atomic_t hs_sig_stop;

void
hs_trows_free(struct hs_trow *v, size_t n)
{
  size_t i;

  for(i = 0; v && i < n; i++) {
    free(v[i].company);
    free(v[i].plugin);
    free(v[i].action);
  }
  free(v);
}

static const struct bmc_action *
hs_sched_action(const struct bmc_plugin_api *api, const char *id)
{
  size_t i;

  for(i = 0; api && i < api->n_actions; i++)
    if(strcmp(api->actions[i].id, id) == 0 &&
       (api->actions[i].flags & BMC_ACTION_SCHEDULED))
      return &api->actions[i];
  return NULL;
}

struct hs_enabled {
  int64_t company_id;
  const struct bmc_plugin_api *api;
};

/* Every enabled (company, loaded plugin), read before any write. */
static int
hs_enabled_pairs(struct hs_host *h, struct hs_enabled **out, size_t *n)
{
  struct hs_enabled *v = NULL, *nv;
  struct hs_dbst *st = NULL;
  int rc = BMC_OK, s;

  *n = 0;
  if(hs_db_prepare(h->db, "SELECT company_id, plugin FROM"
                   " company_plugins WHERE enabled = 1", &st) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  while((s = hs_db_step(st)) == HS_DB_ROW) {
    const struct bmc_plugin_api *api = hs_plugin_find(h, hs_col_text(st, 1));

    if(!api)
      continue;
    nv = realloc(v, (*n + 1) * sizeof(*v));
    if(!nv) {
      rc = BMC_ERR_NOMEM;
      break;
    }
    v = nv;
    v[*n].company_id = hs_db_col_i64(st, 0);
    v[(*n)++].api = api;
  }
  if(!rc && s != HS_DB_DONE)
    rc = BMC_ERR_INTERNAL;
  hs_db_finalize(st);
  *out = v;
  return rc;
}

/* Does any scheduled action of the pairs lack its task row? */
static int
hs_tasks_missing(struct hs_host *h, const struct hs_enabled *v, size_t n)
{
  struct hs_dbst *st;
  size_t i, k;
  int have;

  for(i = 0; i < n; i++) {
    for(k = 0; k < v[i].api->n_actions; k++) {
      const struct bmc_action *a = &v[i].api->actions[k];

      if(!(a->flags & BMC_ACTION_SCHEDULED) || !a->default_interval_s)
        continue;
      st = hs_stmt(h, "SELECT 1 FROM tasks WHERE company_id = ? AND"
                   " plugin = ? AND action = ?");
      if(!st)
        return 1;
      hs_db_bind_i64(st, 1, v[i].company_id);
      hs_bind_text(st, 2, v[i].api->name);
      hs_bind_text(st, 3, a->id);
      have = hs_db_step(st) == HS_DB_ROW;
      hs_db_reset(st);
      if(!have)
        return 1;
    }
  }
  return 0;
}

/* Create the task rows of every enabled (company, plugin), in one write
 * transaction (never a write while this connection is still reading:
 * another process's commit in between would make it fail). */
int
hs_tasks_sync(struct hs_host *h)
{
  struct hs_enabled *v = NULL;
  struct hs_dbst *ins;
  size_t n = 0, i, k;
  int rc;

  rc = hs_enabled_pairs(h, &v, &n);
  if(!rc && !hs_tasks_missing(h, v, n))
    n = 0; /* nothing to create: no write lock taken */
  if(!rc && n)
    rc = hs_begin(h);
  for(i = 0; !rc && i < n; i++) {
    for(k = 0; !rc && k < v[i].api->n_actions; k++) {
      const struct bmc_action *a = &v[i].api->actions[k];

      if(!(a->flags & BMC_ACTION_SCHEDULED) || !a->default_interval_s)
        continue;
      ins = hs_stmt(h, "INSERT INTO tasks(company_id, plugin, action,"
                    " interval_s, start_ms) VALUES(?, ?, ?, ?, ?) ON CONFLICT"
                    " DO NOTHING");
      if(!ins) {
        rc = BMC_ERR_INTERNAL;
        break;
      }
      hs_db_bind_i64(ins, 1, v[i].company_id);
      hs_bind_text(ins, 2, v[i].api->name);
      hs_bind_text(ins, 3, a->id);
      hs_db_bind_i64(ins, 4, a->default_interval_s);
      hs_db_bind_i64(ins, 5, hs_clock_now(h));
      rc = hs_write_rc(hs_step_write(h, ins));
      hs_db_reset(ins);
    }
  }
  if(n && !hs_db_autocommit(h->db)) {
    if(rc)
      hs_rollback(h);
    else
      rc = hs_commit(h);
  }
  free(v);
  return rc;
}

/* Task rows, (company, plugin, action) order; only_active: rows whose
 * task switch and plugin enablement are on. */
int
hs_trows(struct hs_host *h, const char *company, int only_active,
         struct hs_trow **out, size_t *n)
{
  struct hs_dbst *st = NULL;
  struct hs_trow *v = NULL, *nv;
  size_t cap = 0;
  int s, rc = BMC_OK;

  *out = NULL;
  *n = 0;
  if(hs_db_prepare(h->db, "SELECT t.id, t.company_id, t.interval_s,"
                   " t.start_ms, t.last_executed_ms, t.run_count,"
                   " t.enabled, c.name, t.plugin, t.action FROM tasks t"
                   " JOIN companies c ON c.id = t.company_id LEFT JOIN"
                   " company_plugins cp ON cp.company_id = t.company_id"
                   " AND cp.plugin = t.plugin WHERE (?1 IS NULL OR"
                   " c.name = ?1) AND (?2 = 0 OR (t.enabled = 1 AND"
                   " cp.enabled = 1)) ORDER BY c.name, t.plugin,"
                   " t.action", &st) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  hs_bind_text(st, 1, company);
  hs_db_bind_i64(st, 2, only_active);
  while((s = hs_db_step(st)) == HS_DB_ROW) {
    struct hs_trow *r;

    if(*n == cap) {
      cap = cap ? cap * 2 : 16;
      nv = realloc(v, cap * sizeof(*v));
      if(!nv) {
        rc = BMC_ERR_NOMEM;
        break;
      }
      v = nv;
    }
    r = &v[(*n)++];
    r->id = hs_db_col_i64(st, 0);
    r->company_id = hs_db_col_i64(st, 1);
    r->interval_s = hs_db_col_i64(st, 2);
    r->start_ms = hs_db_col_i64(st, 3);
    r->last_ms = hs_db_col_i64(st, 4);
    r->runs = hs_db_col_i64(st, 5);
    r->enabled = (int)hs_db_col_i64(st, 6);
    r->company = hs_strdup(hs_col_text(st, 7));
    r->plugin = hs_strdup(hs_col_text(st, 8));
    r->action = hs_strdup(hs_col_text(st, 9));
    if(!r->company || !r->plugin || !r->action) {
      rc = BMC_ERR_NOMEM;
      break;
    }
  }
  if(!rc && s != HS_DB_DONE)
    rc = BMC_ERR_INTERNAL;
  hs_db_finalize(st);
  if(rc) {
    hs_trows_free(v, *n);
    *n = 0;
    return rc;
  }
  *out = v;
  return BMC_OK;
}

int64_t
hs_next_due(const struct hs_trow *r)
{
  return r->last_ms ? r->last_ms + r->interval_s * 1000 : r->start_ms;
}

/* The Toolbox switch of the task's action is on. */
int
hs_gate_open(struct hs_host *h, const struct hs_trow *r)
{
  const struct bmc_plugin_api *api = hs_plugin_find(h, r->plugin);
  const struct bmc_action *a = hs_sched_action(api, r->action);

  if(!a)
    return 0;
  return !a->enabled_by ||
         hs_setting_bool(h, r->company_id, api, a->enabled_by, 0);
}

static int
hs_task_done(struct hs_host *h, const struct hs_trow *r, int64_t at, int ran,
             void *ud)
{
  struct hs_dbst *st;
  int rc;

  st = hs_stmt(h, "UPDATE tasks SET last_executed_ms = ?, run_count ="
               " run_count + ? WHERE id = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, at);
  (void)ud;
  hs_db_bind_i64(st, 2, ran);
  hs_db_bind_i64(st, 3, r->id);
  rc = hs_write_rc(hs_step_write(h, st));
  hs_db_reset(st);
  return rc;
}

/* Names of required settings with no value, comma separated; "" if none. */
static void
hs_missing_required(struct hs_host *h, const struct hs_trow *r,
                    const struct bmc_plugin_api *api, char *buf,
                    size_t buflen)
{
  size_t i, used = 0;

  buf[0] = '\0';
  for(i = 0; i < api->n_settings; i++) {
    char *v = NULL;

    if(!(api->settings[i].flags & BMC_SETTING_REQUIRED))
      continue;
    if(hs_setting_lookup(h, r->company_id, api, api->settings[i].key, &v) ||
       !v || !v[0]) {
      int n = snprintf(buf + used, buflen - used, "%s%s", used ? ", " : "",
                       api->settings[i].key);

      if(n > 0 && (size_t)n < buflen - used)
        used += (size_t)n;
    }
    free(v);
  }
}

int
hs_run_task(struct hs_host *h, const struct hs_trow *r, int *started,
            hs_task_done_fn done, void *ud)
{
  const struct bmc_plugin_api *api = hs_plugin_find(h, r->plugin);
  char missing[512], why[768], err[HS_ERRLEN];
  int64_t now = hs_clock_now(h);
  struct hs_inst *in;
  int rc;

  hs_missing_required(h, r, api, missing, sizeof(missing));
  if(missing[0]) {
    snprintf(why, sizeof(why), "%s skipped: required setting(s) %s not "
             "set for company '%s' (host-sim settings set %s %s <key> "
             "<value>)", r->action, missing, r->company, r->company,
             r->plugin);
    rc = hs_inst_get(h, r->company, r->plugin, &in, NULL, 0);
    if(!rc)
      rc = hs_job_skip(h, in, r->action, why, NULL);
    hs_hostlog(h, BMC_LOG_WARN, "%s", why);
    if(rc == BMC_ERR_CONFLICT)
      return BMC_OK;
    *started = !rc;
    return rc ? rc : (done ? done : hs_task_done)(h, r, now, 0, ud);
  }
  rc = hs_job_run(h, r->company, r->plugin, r->action, "scheduled", NULL, 0,
                  NULL, NULL, err, sizeof(err));
  if(rc == BMC_ERR_CONFLICT) {
    hs_hostlog(h, BMC_LOG_INFO, "task %s/%s/%s not started: %s", r->company,
               r->plugin, r->action, err);
    return BMC_OK;
  }
  if(rc)
    return rc;
  *started = 1;
  return (done ? done : hs_task_done)(h, r, now, 1, ud);
}

int
hs_sched_between_runs(struct hs_host *h)
{
  /* pending credentials are checked and swapped in */
  int rc = hs_rotations_due(h);

  if(!rc)
    rc = hs_deadlines_scan(h, NULL);
  if(!rc)
    rc = hs_change_audit_prune_due(h);
  return rc;
}

int
hs_scheduler_tick(struct hs_host *h, int *ran)
{
  struct hs_trow *v = NULL;
  size_t n = 0, i;
  int64_t now;
  int rc;

  if(ran)
    *ran = 0;
  if(!h)
    return BMC_ERR_INVALID_ARG;
  rc = hs_tasks_sync(h);
  if(!rc)
    rc = hs_sched_between_runs(h);
  if(!rc)
    rc = hs_trows(h, NULL, 1, &v, &n);
  now = hs_clock_now(h);
  for(i = 0; !rc && i < n; i++) {
    if(hs_next_due(&v[i]) > now || !hs_gate_open(h, &v[i]))
      continue;
    int started = 0;

    rc = hs_run_task(h, &v[i], &started, NULL, NULL);
    if(ran && started)
      (*ran)++;
  }
  hs_trows_free(v, n);
  return rc;
}

/* Earliest due time of an active, switched-on task; INT64_MAX if none. */
static int
hs_earliest(struct hs_host *h, int64_t *next)
{
  struct hs_trow *v = NULL;
  size_t n = 0, i;
  int rc;

  *next = INT64_MAX;
  rc = hs_tasks_sync(h);
  /* between two runs: pending credentials are checked and swapped in */
  if(!rc)
    rc = hs_rotations_due(h);
  if(!rc)
    rc = hs_trows(h, NULL, 1, &v, &n);
  for(i = 0; !rc && i < n; i++)
    if(hs_gate_open(h, &v[i]) && hs_next_due(&v[i]) < *next)
      *next = hs_next_due(&v[i]);
  hs_trows_free(v, n);
  return rc;
}

int
hs_scheduler_run_until(struct hs_host *h, int64_t until_ms, int *ran)
{
  int64_t next;
  int rc, r, total = 0, mine;

  if(ran)
    *ran = 0;
  if(!h || !h->virtual_clock)
    return BMC_ERR_INVALID_ARG;
  h->last_err[0] = '\0';
  mine = !h->lease_held;
  rc = hs_sched_lease_take(h);
  if(rc)
    return rc;
  rc = hs_change_audit_prune_due(h);
  while(!rc) {
    rc = hs_earliest(h, &next);
    if(rc || next > until_ms || atomic_load(&h->stop))
      break;
    if(next > hs_clock_now(h))
      hs_clock_set(h, next);
    rc = hs_scheduler_tick(h, &r);
    if(rc)
      break;
    total += r;
    if(!r)
      hs_clock_advance(h, 1000); /* due but could not start: move on */
  }
  if(!rc && hs_clock_now(h) < until_ms)
    hs_clock_set(h, until_ms);
  if(mine)
    hs_sched_lease_drop(h);
  if(ran)
    *ran = total;
  return rc;
}

static void
hs_on_signal(int sig)
{
  (void)sig;
  hs_sig_stop = 1;
}

void
hs_scheduler_stop(struct hs_host *h)
{
  if(h)
    atomic_store(&h->stop, 1);
}

int
hs_scheduler_run_forever(struct hs_host *h)
{
  struct sigaction sa, old_int, old_term;
  int rc = BMC_OK, waiting = 0;

  if(!h)
    return BMC_ERR_INVALID_ARG;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = hs_on_signal;
  sigemptyset(&sa.sa_mask);
  hs_sig_stop = 0;
  if(sigaction(SIGINT, &sa, &old_int) || sigaction(SIGTERM, &sa, &old_term))
    return BMC_ERR_INTERNAL;
  h->last_err[0] = '\0';
  while(!hs_sig_stop && !atomic_load(&h->stop)) {
    struct timespec ts = {1, 0};

    rc = hs_sched_lease_take(h);
    if(rc == BMC_ERR_CONFLICT) {
      /* Another scheduler runs: wait for it to stop, say so once. */
      if(!waiting)
        hs_hostlog(h, BMC_LOG_WARN, "%s", h->last_err);
      waiting = 1;
      rc = BMC_OK;
      nanosleep(&ts, NULL);
      continue;
    }
    if(!rc && waiting)
      hs_hostlog(h, BMC_LOG_INFO, "scheduler lease taken over: this "
                 "scheduler runs now");
    waiting = 0;
    if(!rc)
      rc = hs_scheduler_tick(h, NULL);
    if(rc)
      break;
    if(hs_sig_stop || atomic_load(&h->stop))
      break;
    nanosleep(&ts, NULL);
  }
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  atomic_store(&h->stop, 0);
  hs_sched_lease_drop(h);
  return rc;
}

int
hs_tasks_each(struct hs_host *h, const char *company,
              int (*cb)(void *ud, const struct hs_task *t), void *ud)
{
  struct hs_trow *v = NULL;
  size_t n = 0, i;
  int rc;

  if(!h || !cb)
    return BMC_ERR_INVALID_ARG;
  rc = hs_tasks_sync(h);
  if(!rc)
    rc = hs_trows(h, company, 0, &v, &n);
  for(i = 0; !rc && i < n; i++) {
    struct hs_task t;

    t.company = v[i].company;
    t.plugin = v[i].plugin;
    t.action = v[i].action;
    t.interval_s = (uint32_t)v[i].interval_s;
    t.enabled = v[i].enabled;
    t.last_executed_ms = v[i].last_ms;
    t.run_count = v[i].runs;
    t.next_due_ms = hs_next_due(&v[i]);
    rc = cb(ud, &t);
  }
  hs_trows_free(v, n);
  return rc;
}

int
hs_task_set(struct hs_host *h, const char *company, const char *plugin,
            const char *action, int enabled, uint32_t interval_s)
{
  struct hs_dbst *st;
  int64_t cid;
  int rc;

  if(!h || !company || !plugin || !action)
    return BMC_ERR_INVALID_ARG;
  if(hs_company_find(h, company, &cid))
    return BMC_ERR_NOT_FOUND;
  rc = hs_tasks_sync(h);
  if(rc)
    return rc;
  st = hs_stmt(h, "UPDATE tasks SET enabled = ?, interval_s = CASE WHEN ? >"
               " 0 THEN ? ELSE interval_s END WHERE company_id = ? AND"
               " plugin = ? AND action = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, enabled ? 1 : 0);
  hs_db_bind_i64(st, 2, interval_s);
  hs_db_bind_i64(st, 3, interval_s);
  hs_db_bind_i64(st, 4, cid);
  hs_bind_text(st, 5, plugin);
  hs_bind_text(st, 6, action);
  rc = hs_write_rc(hs_step_write(h, st));
  if(!rc && hs_db_changes(h->db) == 0)
    rc = BMC_ERR_NOT_FOUND;
  hs_db_reset(st);
  return rc;
}
