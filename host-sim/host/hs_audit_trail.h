/*
 * hs_audit_trail.h -- the change audit trail (every change a plugin sent,
 * or in a dry run would send, to a marketplace, as its write gate
 * recorded it through the audit_record service), the company's dry-run
 * switch and the trail's retention.  Not the web Toolbox's page-view
 * audit (hs_audit.c).  Conventions as hs_host.h.
 */
#ifndef HS_AUDIT_TRAIL_H
#define HS_AUDIT_TRAIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hs_host.h"

#define HS_AUDIT_RETENTION_DAYS_DEFAULT 400

struct hs_change_row {
  int64_t id, ts_ms, job_id;
  const char *company, *plugin;
  const char *trigger;  /* schedule | hand | retry | repricer | ... */
  int dry_run;          /* 1: recorded by a dry run, nothing was sent */
  const char *sku, *market, *order, *line; /* NULL when not applicable */
  const char *field, *old_value, *new_value;
  const char *request_id; /* marketplace request id or bulk task id */
  const char *result, *detail;
};

/* What hs_change_audit_each() returns: rows of company (NULL = all) whose
 * SKU or order is item (NULL = any), with since_ms <= ts < until_ms (0 =
 * unbounded), of job_id (0 = any); dry runs' rows only when dry is 1,
 * sent rows only when 0, both when -1.  Oldest first. */
struct hs_change_filter {
  const char *company;
  const char *item;
  int64_t since_ms, until_ms;
  int64_t job_id;
  int dry;
};
int hs_change_audit_each(struct hs_host *h, const struct hs_change_filter *f,
                         int (*cb)(void *ud, const struct hs_change_row *r),
                         void *ud);

/* The rows hs_change_audit_each() returns as CSV on out (header line
 * first: time, company, plugin, job, trigger, dry_run, sku, market,
 * order, line, field, old_value, new_value, request_id, result, detail).
 * BMC_ERR_INTERNAL when writing failed. */
int hs_change_audit_csv(struct hs_host *h, const struct hs_change_filter *f,
                        FILE *out);

/* The company's dry-run switch (host-owned; every job of the company is a
 * dry run while it is on).  BMC_ERR_NOT_FOUND: no such company. */
int hs_company_dry_run_set(struct hs_host *h, const char *company, int on);
int hs_company_dry_run_get(struct hs_host *h, const char *company, int *on);
/* Days the company's audit trail is kept (1..36500; default
 * HS_AUDIT_RETENTION_DAYS_DEFAULT). */
int hs_company_audit_retention_set(struct hs_host *h, const char *company,
                                   int64_t days, char *err, size_t errlen);
int hs_company_audit_retention_get(struct hs_host *h, const char *company,
                                   int64_t *days);
/* Delete every company's rows older than its retention; *n_deleted may
 * be NULL. */
int hs_change_audit_prune(struct hs_host *h, int64_t *n_deleted);
/* hs_change_audit_prune() when the last pruning of this host is an hour
 * (host clock) old or there was none: the scheduler's call. */
int hs_change_audit_prune_due(struct hs_host *h);

/* Run an action by hand as a dry run whatever the company's switch (the
 * selection as hs_run_action_items). */
int hs_run_action_dry(struct hs_host *h, const char *company,
                      const char *plugin, const char *action,
                      const char *const *items, size_t n_items,
                      int64_t *job_id, int *status, char *err,
                      size_t errlen);

#endif /* HS_AUDIT_TRAIL_H */
