/*
 * th_audit.h -- test helpers over the host's change audit trail
 * (hs_audit_trail.h): the rows of one job as comparable keys, "the dry
 * run's report equals the real run's rows", and "every request id of the
 * rows is one the marketplace simulator logged".
 */
#ifndef TH_AUDIT_H
#define TH_AUDIT_H

#include <stdint.h>

#include "hs_audit_trail.h"
#include "th_env.h"

#define TH_CHANGES_MAX 64

struct th_changes {
  /* "sku|market|order|line|field|old|new", in row order */
  char key[TH_CHANGES_MAX][240];
  char req[TH_CHANGES_MAX][80];    /* request or task id ("" = none) */
  char result[TH_CHANGES_MAX][24];
  char trigger[TH_CHANGES_MAX][24];
  int n;
};

/* Run action of the env's company and plugin as a dry run (no
 * selection); the job status (log dumped when not Completed), or -1 when
 * the host could not run it.  *job may be NULL. */
int th_run_dry(struct th_env *e, const char *action, int64_t *job);
/* The rows of company (NULL = all) and job (0 = any): dry 1 = a dry
 * run's, 0 = sent, -1 = both; item NULL = any.  0 or the rc. */
int th_changes_load(struct hs_host *h, const char *company, int64_t job,
                    int dry, const char *item, struct th_changes *out);
/* 0 when a and b hold the same keys (in any order), else the number of
 * differences (printed). */
int th_changes_diff(const struct th_changes *a, const struct th_changes *b);
/* 0 when every row's request id names a request the simulator logged
 * after seq and the simulator logged exactly n_requests requests with
 * that method and path prefix after seq; else the number of problems
 * (printed).  n_requests < 0: do not count. */
int th_changes_logged(struct th_env *e, int64_t seq,
                      const struct th_changes *a, const char *method,
                      const char *prefix, int n_requests);

#endif /* TH_AUDIT_H */
