/*
 * hs_alert.c -- company-level alerts: a state of a (company, plugin)
 * as a whole rather than of one item, raised once however many jobs hit
 * it and cleared by the host when it is over.  Today one: the marketplace
 * refused the credentials (a job failed with BMC_ERR_UNAUTHORIZED).  Each
 * open alert is one error-queue entry (item "company", not tied to a job,
 * so `retry` never feeds it to an action); clearing resolves that entry
 * with a note naming the job that succeeded.  Also the one writer of
 * host-raised error-queue entries (hs_error_queue_add, job 0).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_internal.h"

#define HS_ALERT_CREDENTIALS "credentials_refused"

/* The open alert's id and error id for code, 0 when none. */
static int64_t
hs_alert_open(struct hs_inst *in, const char *code, int64_t *error_id)
{
  struct hs_dbst *st = hs_stmt(in->h, "SELECT id, error_id FROM company_alerts"
                             " WHERE company_id = ? AND plugin = ? AND code ="
                             " ? AND cleared_ms = 0");
  int64_t id = 0;

  *error_id = 0;
  if(!st)
    return 0;
  hs_db_bind_i64(st, 1, in->company_id);
  hs_bind_text(st, 2, in->api->name);
  hs_bind_text(st, 3, code);
  if(hs_db_step(st) == HS_DB_ROW) {
    id = hs_db_col_i64(st, 0);
    *error_id = hs_db_col_i64(st, 1);
  }
  hs_db_reset(st);
  return id;
}

int
hs_error_queue_add(struct hs_host *h, int64_t cid, const char *plugin,
                   const char *item, const char *code, const char *message,
                   int64_t *id)
{
  struct hs_dbst *st = hs_stmt(h, "INSERT INTO error_queue(company_id, plugin,"
                             " item, code, message, ts_ms, job_id) VALUES(?,"
                             " ?, ?, ?, ?, ?, 0) RETURNING id");
  int64_t new_id = 0;
  int rc;

  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, cid);
  hs_bind_text(st, 2, plugin);
  hs_bind_text(st, 3, item);
  hs_bind_text(st, 4, code);
  hs_bind_text(st, 5, message);
  hs_db_bind_i64(st, 6, hs_clock_now(h));
  rc = hs_write_rc(hs_step_insert(h, st, &new_id));
  if(!rc && id)
    *id = new_id;
  return rc;
}

static int
hs_alert_raise(struct hs_inst *in, const char *code, const char *message)
{
  struct hs_host *h = in->h;
  char *mm = hs_mask(message, in->secrets, in->n_secrets);
  struct hs_dbst *st;
  int64_t eid = 0;
  int rc;

  if(!mm)
    return BMC_ERR_NOMEM;
  rc = hs_begin(h);
  if(!rc)
    rc = hs_error_queue_add(h, in->company_id, in->api->name, "company",
                            code, mm, &eid);
  st = rc ? NULL : hs_stmt(h, "INSERT INTO company_alerts(company_id, plugin,"
                           " code, message, raised_ms, job_id, error_id)"
                           " VALUES(?, ?, ?, ?, ?, ?, ?)");
  if(!rc && !st)
    rc = BMC_ERR_INTERNAL;
  if(!rc) {
    hs_db_bind_i64(st, 1, in->company_id);
    hs_bind_text(st, 2, in->api->name);
    hs_bind_text(st, 3, code);
    hs_bind_text(st, 4, mm);
    hs_db_bind_i64(st, 5, hs_clock_now(h));
    hs_db_bind_i64(st, 6, in->job_id);
    hs_db_bind_i64(st, 7, eid);
    rc = hs_write_rc(hs_step_write(h, st));
  }
  free(mm);
  return hs_finish(h, rc);
}

static int
hs_alert_clear(struct hs_inst *in, int64_t id, int64_t error_id)
{
  struct hs_host *h = in->h;
  struct hs_dbst *st;
  char note[128];
  int rc;

  snprintf(note, sizeof(note), "cleared by the host: job %lld succeeded "
           "with the credentials", (long long)in->job_id);
  rc = hs_begin(h);
  st = rc ? NULL : hs_stmt(h, "UPDATE company_alerts SET cleared_ms = ?,"
                           " cleared_job = ? WHERE id = ?");
  if(!rc && !st)
    rc = BMC_ERR_INTERNAL;
  if(!rc) {
    hs_db_bind_i64(st, 1, hs_clock_now(h));
    hs_db_bind_i64(st, 2, in->job_id);
    hs_db_bind_i64(st, 3, id);
    rc = hs_write_rc(hs_step_write(h, st));
  }
  st = rc ? NULL : hs_stmt(h, "UPDATE error_queue SET resolved_ms = ?,"
                           " resolved_note = ? WHERE id = ? AND resolved_ms"
                           " = 0");
  if(!rc && !st)
    rc = BMC_ERR_INTERNAL;
  if(!rc) {
    hs_db_bind_i64(st, 1, hs_clock_now(h));
    hs_bind_text(st, 2, note);
    hs_db_bind_i64(st, 3, error_id);
    rc = hs_write_rc(hs_step_write(h, st));
  }
  if(rc) {
    hs_rollback(h);
    return rc;
  }
  return hs_commit(h);
}

void
hs_alert_after_job(struct hs_inst *in, const char *action, int rc,
                   int status)
{
  const struct bmc_action *a = hs_action_find(in->api, action);
  char msg[HS_ERRLEN + 400];
  int64_t id, eid;
  int wr = BMC_OK;

  id = hs_alert_open(in, HS_ALERT_CREDENTIALS, &eid);
  if(rc == BMC_ERR_UNAUTHORIZED && !id) {
    snprintf(msg, sizeof(msg), "the marketplace refused the credentials of "
             "%s (first in job %lld, %s: %.300s); every job that needs them "
             "fails until they are replaced: `host-sim settings set %s %s "
             "<secret-key> --pending -`", in->api->name,
             (long long)in->job_id, action, in->run_err, in->company,
             in->api->name);
    wr = hs_alert_raise(in, HS_ALERT_CREDENTIALS, msg);
    if(!wr)
      hs_job_log(in, BMC_LOG_ERROR, "company alert raised: credentials "
                 "refused (shown once in `errors` and `health` until a job "
                 "succeeds with them)");
  }
  else if(id && rc == BMC_OK &&
          (status == HS_JOB_COMPLETED || status == HS_JOB_PARTIAL) && a &&
          (a->flags & (BMC_ACTION_SCHEDULED | BMC_ACTION_CREDENTIALS))) {
    wr = hs_alert_clear(in, id, eid);
    if(!wr)
      hs_job_log(in, BMC_LOG_INFO, "company alert cleared: the credentials "
                 "work again");
  }
  if(wr)
    hs_hostlog(in->h, BMC_LOG_ERROR, "company alert of %s/%s: %s",
               in->company, in->api->name, in->h->last_err);
}
