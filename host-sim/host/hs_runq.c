/*
 * hs_runq.c -- the web Toolbox's run queue in the store (web_runs,
 * migration 10): a request to run an action waits here until a worker
 * claims it, so a restart of `host-sim web` still runs what was asked.
 * A claim names the process; a request claimed by a process that died
 * before its job started is free again.  A request whose job started is
 * never run twice (the job itself is marked Interrupted at open).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hs_internal.h"

#define HS_RUNQ_COLS                                                        \
  "SELECT id, company, plugin, action, retry_of, user, submitted_ms,"      \
  " state, claim_pid, job_id, msg FROM web_runs"

static void
hs_runq_copy(char *dst, size_t n, const char *src)
{
  snprintf(dst, n, "%s", src ? src : "");
}

static void
hs_runq_read(struct hs_dbst *st, struct hs_runq_row *o)
{
  memset(o, 0, sizeof(*o));
  o->id = hs_db_col_i64(st, 0);
  hs_runq_copy(o->company, sizeof(o->company), hs_col_text(st, 1));
  hs_runq_copy(o->plugin, sizeof(o->plugin), hs_col_text(st, 2));
  hs_runq_copy(o->action, sizeof(o->action), hs_col_text(st, 3));
  o->retry_of = hs_db_col_i64(st, 4);
  hs_runq_copy(o->user, sizeof(o->user), hs_col_text(st, 5));
  o->submitted_ms = hs_db_col_i64(st, 6);
  o->state = (int)hs_db_col_i64(st, 7);
  o->claim_pid = hs_db_col_i64(st, 8);
  o->job_id = hs_db_col_i64(st, 9);
  hs_runq_copy(o->msg, sizeof(o->msg), hs_col_text(st, 10));
}

int
hs_runq_add(struct hs_host *h, const char *company, const char *plugin,
            const char *action, int64_t retry_of, const char *user,
            int64_t *id, char *err, size_t errlen)
{
  struct hs_dbst *st;
  int64_t waiting;
  int rc;

  if(!h || !company || !plugin || !action || !user || !id)
    return BMC_ERR_INVALID_ARG;
  if((rc = hs_begin(h))) {
    hs_errf(err, errlen, "%s", hs_last_error(h));
    return rc;
  }
  st = hs_stmt(h, "SELECT COUNT(*) FROM web_runs WHERE state = 0");
  if(!st) {
    hs_rollback(h);
    return BMC_ERR_INTERNAL;
  }
  waiting = hs_db_step(st) == HS_DB_ROW ? hs_db_col_i64(st, 0) : 0;
  hs_db_reset(st);
  if(waiting >= HS_RUNQ_MAX_WAITING) {
    hs_rollback(h);
    hs_errf(err, errlen, "%lld actions are already waiting for a worker; "
            "try again when they have started", (long long)waiting);
    return BMC_ERR_BUDGET;
  }
  st = hs_stmt(h, "INSERT INTO web_runs(company, plugin, action, retry_of,"
               " user, submitted_ms) VALUES(?, ?, ?, ?, ?, ?) RETURNING id");
  if(!st) {
    hs_rollback(h);
    return BMC_ERR_INTERNAL;
  }
  hs_bind_text(st, 1, company);
  hs_bind_text(st, 2, plugin);
  hs_bind_text(st, 3, action);
  hs_db_bind_i64(st, 4, retry_of);
  hs_bind_text(st, 5, user);
  hs_db_bind_i64(st, 6, hs_clock_now(h));
  rc = hs_write_rc(hs_step_insert(h, st, id));
  if(rc) {
    hs_rollback(h);
    hs_errf(err, errlen, "web run queue: %s", hs_last_error(h));
    return rc;
  }
  return hs_commit(h);
}

/* Free the claims of processes that are gone (inside a transaction). */
static int
hs_runq_free_dead(struct hs_host *h)
{
  struct hs_dbst *st = hs_stmt(h, "SELECT id, claim_pid FROM web_runs WHERE"
                             " state = 0 AND claim_pid != 0");
  struct hs_dbst *up;
  int64_t ids[64];
  size_t n = 0, i;

  if(!st)
    return BMC_ERR_INTERNAL;
  while(n < 64 && hs_db_step(st) == HS_DB_ROW)
    if(!hs_pid_alive((pid_t)hs_db_col_i64(st, 1)))
      ids[n++] = hs_db_col_i64(st, 0);
  hs_db_reset(st);
  up = hs_stmt(h, "UPDATE web_runs SET claim_pid = 0 WHERE id = ?");
  if(!up)
    return BMC_ERR_INTERNAL;
  for(i = 0; i < n; i++) {
    hs_db_bind_i64(up, 1, ids[i]);
    if(hs_step_write(h, up) != HS_DB_DONE) {
      hs_db_reset(up);
      return BMC_ERR_INTERNAL;
    }
    hs_db_reset(up);
  }
  return BMC_OK;
}

int
hs_runq_claim(struct hs_host *h, struct hs_runq_row *out)
{
  struct hs_dbst *st;
  int rc;

  if(!h || !out)
    return BMC_ERR_INVALID_ARG;
  if((rc = hs_begin(h)))
    return rc;
  if((rc = hs_runq_free_dead(h))) {
    hs_rollback(h);
    return rc;
  }
  st = hs_stmt(h, HS_RUNQ_COLS " WHERE state = 0 AND claim_pid = 0"
               " ORDER BY id LIMIT 1");
  if(!st) {
    hs_rollback(h);
    return BMC_ERR_INTERNAL;
  }
  if(hs_db_step(st) != HS_DB_ROW) {
    hs_db_reset(st);
    hs_rollback(h);
    return BMC_ERR_NOT_FOUND;
  }
  hs_runq_read(st, out);
  hs_db_reset(st);
  st = hs_stmt(h, "UPDATE web_runs SET claim_pid = ? WHERE id = ?");
  if(!st) {
    hs_rollback(h);
    return BMC_ERR_INTERNAL;
  }
  out->claim_pid = (int64_t)getpid();
  hs_db_bind_i64(st, 1, out->claim_pid);
  hs_db_bind_i64(st, 2, out->id);
  rc = hs_write_rc(hs_step_write(h, st));
  hs_db_reset(st);
  return hs_finish(h, rc);
}

int
hs_runq_set(struct hs_host *h, int64_t id, int state, int64_t job_id,
            const char *msg)
{
  struct hs_dbst *st;
  int rc;

  if(!h)
    return BMC_ERR_INVALID_ARG;
  st = hs_stmt(h, "UPDATE web_runs SET state = ?, job_id = ?, msg = ?"
               " WHERE id = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, state);
  hs_db_bind_i64(st, 2, job_id);
  hs_bind_text(st, 3, msg);
  hs_db_bind_i64(st, 4, id);
  rc = hs_write_rc(hs_step_write(h, st));
  hs_db_reset(st);
  return rc;
}

int
hs_runq_get(struct hs_host *h, int64_t id, struct hs_runq_row *out)
{
  struct hs_dbst *st;
  int rc = BMC_ERR_NOT_FOUND;

  if(!h || !out)
    return BMC_ERR_INVALID_ARG;
  st = hs_stmt(h, HS_RUNQ_COLS " WHERE id = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, id);
  if(hs_db_step(st) == HS_DB_ROW) {
    hs_runq_read(st, out);
    rc = BMC_OK;
  }
  hs_db_reset(st);
  return rc;
}
