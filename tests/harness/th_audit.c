/*
 * th_audit.c -- change audit trail helpers of the integration tests (see
 * th_audit.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th_audit.h"

int
th_run_dry(struct th_env *e, const char *action, int64_t *job)
{
  char err[300];
  int64_t id = 0;
  int st = -1;

  if(hs_run_action_dry(e->host, e->company, e->plugin, action, NULL, 0, &id,
                       &st, err, sizeof(err))) {
    fprintf(stderr, "\n  dry run of %s: %s\n", action, err);
    return -1;
  }
  if(job)
    *job = id;
  if(st != HS_JOB_COMPLETED)
    th_job_log_dump(e, id, stderr);
  return st;
}

static int
th_changes_cb(void *ud, const struct hs_change_row *r)
{
  struct th_changes *a = ud;

  if(a->n >= TH_CHANGES_MAX)
    return 1;
  snprintf(a->key[a->n], sizeof(a->key[0]), "%s|%s|%s|%s|%s|%s|%s",
           r->sku ? r->sku : "", r->market ? r->market : "",
           r->order ? r->order : "", r->line ? r->line : "", r->field,
           r->old_value ? r->old_value : "", r->new_value ? r->new_value : "");
  snprintf(a->req[a->n], sizeof(a->req[0]), "%s",
           r->request_id ? r->request_id : "");
  snprintf(a->result[a->n], sizeof(a->result[0]), "%s", r->result);
  snprintf(a->trigger[a->n], sizeof(a->trigger[0]), "%s", r->trigger);
  a->n++;
  return 0;
}

int
th_changes_load(struct hs_host *h, const char *company, int64_t job,
                int dry, const char *item, struct th_changes *out)
{
  struct hs_change_filter f;
  int rc;

  memset(out, 0, sizeof(*out));
  memset(&f, 0, sizeof(f));
  f.company = company;
  f.job_id = job;
  f.dry = dry;
  f.item = item;
  rc = hs_change_audit_each(h, &f, th_changes_cb, out);
  if(rc)
    fprintf(stderr, "\n  audit trail query failed (%d)\n", rc);
  return rc;
}

static int
th_key_cmp(const void *x, const void *y)
{
  return strcmp(x, y);
}

int
th_changes_diff(const struct th_changes *a, const struct th_changes *b)
{
  static char x[TH_CHANGES_MAX][240], y[TH_CHANGES_MAX][240];
  int i, bad = 0;

  memcpy(x, a->key, sizeof(x));
  memcpy(y, b->key, sizeof(y));
  qsort(x, (size_t)a->n, sizeof(x[0]), th_key_cmp);
  qsort(y, (size_t)b->n, sizeof(y[0]), th_key_cmp);
  if(a->n != b->n) {
    fprintf(stderr, "\n  %d rows against %d\n", a->n, b->n);
    bad++;
  }
  for(i = 0; i < a->n && i < b->n; i++)
    if(strcmp(x[i], y[i])) {
      fprintf(stderr, "\n  row %d: %s against %s\n", i, x[i], y[i]);
      bad++;
    }
  return bad;
}

int
th_changes_logged(struct th_env *e, int64_t seq, const struct th_changes *a,
                  const char *method, const char *prefix, int n_requests)
{
  struct json_object *j = NULL, *entries, *en, *v;
  char path[64];
  size_t i, n_logged = 0;
  int k, bad = 0;

  snprintf(path, sizeof(path), "/_sim/log?since=%lld", (long long)seq);
  if(th_sim_control(e, "GET", path, NULL, &j) != 200 || !j ||
     !json_object_object_get_ex(j, "entries", &entries)) {
    json_object_put(j);
    fprintf(stderr, "\n  cannot read the simulator's request log\n");
    return 1;
  }
  for(k = 0; k < a->n; k++) {
    int found = 0;

    for(i = 0; i < json_object_array_length(entries) && !found; i++) {
      en = json_object_array_get_idx(entries, i);
      found = a->req[k][0] &&
              json_object_object_get_ex(en, "request_id", &v) &&
              !strcmp(json_object_get_string(v), a->req[k]);
    }
    if(!found) {
      fprintf(stderr, "\n  row %s: request id '%s' is not in the "
              "simulator's log\n", a->key[k], a->req[k]);
      bad++;
    }
  }
  for(i = 0; i < json_object_array_length(entries); i++) {
    en = json_object_array_get_idx(entries, i);
    if(json_object_object_get_ex(en, "method", &v) &&
       !strcmp(json_object_get_string(v), method) &&
       json_object_object_get_ex(en, "path", &v) &&
       !strncmp(json_object_get_string(v), prefix, strlen(prefix)))
      n_logged++;
  }
  if(n_requests >= 0 && n_logged != (size_t)n_requests) {
    fprintf(stderr, "\n  %zu %s %s... requests logged, %d expected\n",
            n_logged, method, prefix, n_requests);
    bad++;
  }
  json_object_put(j);
  return bad;
}
