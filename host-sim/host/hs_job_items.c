/*
 * hs_job_items.c -- actions on a selection (seed 004's product-level
 * actions and catalog selections: host SKUs or source order ids handed to
 * run()) and "retry only the failed items of a job": the distinct items of
 * the job's open error-queue entries, run again through the same action as a
 * new job whose trigger says "retry of job N".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_internal.h"

int
hs_run_action_items(struct hs_host *h, const char *company,
                    const char *plugin, const char *action,
                    const char *const *items, size_t n_items,
                    int64_t *job_id, int *status, char *err, size_t errlen)
{
  if(!h) {
    hs_errf(err, errlen, "run: no host");
    return BMC_ERR_INVALID_ARG;
  }
  return hs_job_run(h, company, plugin, action, "manual", items, n_items,
                    job_id, status, err, errlen);
}

/* The failed items of a job: distinct items of its open error-queue
 * entries (an entry the operator resolved is not retried), first seen
 * first.  *items (and each string) malloc'd. */
static int
hs_job_failed_items(struct hs_host *h, int64_t job_id, char ***items,
                    size_t *n)
{
  struct hs_dbst *st = NULL;
  char **v = NULL, **nv;
  size_t cap = 0;
  int rc = BMC_OK;

  *n = 0;
  if(hs_db_prepare(h->db, "SELECT item FROM error_queue WHERE job_id ="
                   " ? AND item <> '' AND resolved_ms = 0 GROUP BY item"
                   " ORDER BY MIN(id)", &st) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, job_id);
  while(hs_db_step(st) == HS_DB_ROW) {
    if(*n == cap) {
      cap = cap ? cap * 2 : 16;
      nv = realloc(v, cap * sizeof(*v));
      if(!nv) {
        rc = BMC_ERR_NOMEM;
        break;
      }
      v = nv;
    }
    if(!(v[*n] = hs_strdup(hs_col_text(st, 0)))) {
      rc = BMC_ERR_NOMEM;
      break;
    }
    (*n)++;
  }
  hs_db_finalize(st);
  *items = v;
  return rc;
}

int
hs_job_retry(struct hs_host *h, int64_t job_id, int64_t *new_job,
             int *status, char *err, size_t errlen)
{
  const struct bmc_plugin_api *api;
  const struct bmc_action *a;
  struct hs_dbst *st;
  char company[256], plugin[128], action[128], trigger[64];
  char **items = NULL;
  size_t n = 0, i;
  int rc = BMC_ERR_NOT_FOUND;

  if(!h) {
    hs_errf(err, errlen, "retry: no host");
    return BMC_ERR_INVALID_ARG;
  }
  st = hs_stmt(h, "SELECT c.name, j.plugin, j.action FROM jobs j JOIN"
               " companies c ON c.id = j.company_id WHERE j.id = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, job_id);
  if(hs_db_step(st) == HS_DB_ROW) {
    snprintf(company, sizeof(company), "%s", hs_col_text(st, 0));
    snprintf(plugin, sizeof(plugin), "%s", hs_col_text(st, 1));
    snprintf(action, sizeof(action), "%s", hs_col_text(st, 2));
    rc = BMC_OK;
  }
  hs_db_reset(st);
  if(rc) {
    hs_errf(err, errlen, "no job %lld", (long long)job_id);
    return rc;
  }
  api = hs_plugin_find(h, plugin);
  a = api ? hs_action_find(api, action) : NULL;
  if(!a) {
    hs_errf(err, errlen, "job %lld ran %s/%s, which is not loaded now",
            (long long)job_id, plugin, action);
    return BMC_ERR_NOT_FOUND;
  }
  if(!(a->flags & (BMC_ACTION_SKUS | BMC_ACTION_ORDERS))) {
    hs_errf(err, errlen, "job %lld: action '%s' takes no selection; run it "
            "again to retry everything", (long long)job_id, action);
    return BMC_ERR_CONFLICT;
  }
  rc = hs_job_failed_items(h, job_id, &items, &n);
  if(!rc && !n) {
    hs_errf(err, errlen, "job %lld has no failed items in the open error "
            "queue (nothing to retry)", (long long)job_id);
    rc = BMC_ERR_CONFLICT;
  }
  if(!rc) {
    snprintf(trigger, sizeof(trigger), "retry of job %lld",
             (long long)job_id);
    rc = hs_job_run(h, company, plugin, action, trigger,
                    (const char *const *)items, n, new_job, status, err,
                    errlen);
  }
  for(i = 0; i < n; i++)
    free(items[i]);
  free(items);
  return rc;
}
