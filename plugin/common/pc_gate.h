/*
 * pc_gate.h -- the write gate shared by both plugins: every request that
 * changes marketplace state goes through pc_gate_send() with the changes
 * it makes (struct bmc_change: item, field, old value, new value).  In a
 * dry run (host->job_dry_run) it records each change and sends nothing;
 * otherwise it sends, then records each change with the marketplace's
 * request id (X-Request-Id) and the result, through host->audit_record.
 * Reads are never gated.  On a host older than ABI 2.1 the gate only
 * sends.
 */
#ifndef PC_GATE_H
#define PC_GATE_H

#include <stddef.h>

#include "bmc/bmc_plugin.h"
#include "pc_http.h"

/* Not an enum bmc_rc: the request was not sent because the job is a dry
 * run; the caller treats it as done without writing any state. */
#define PC_GATE_DRY 1000

/* 1 when the current job is a dry run. */
int pc_gate_dry(const struct bmc_host_api *host, void *hctx);

/* Record changes[0..n) with result, request id and detail (NULL = keep
 * each change's own).  Failures are logged, never fatal: the change has
 * been made (or not) whatever the trail says. */
void pc_gate_record(const struct bmc_host_api *host, void *hctx,
                    const struct bmc_change *changes, size_t n,
                    const char *result, const char *request_id,
                    const char *detail);

/* Send req (a changing request: not GET/HEAD) through http after
 * recording what it changes.  Dry run: records changes with result
 * "dry_run", zeroes resp and returns PC_GATE_DRY.  Else pc_http_send()'s
 * rc; each change is recorded "ok" (2xx), "rejected" (4xx) or "failed"
 * with resp->request_id and "HTTP <status>" (nothing is recorded when a
 * budget refused before anything was sent).  n may be 0 (the caller
 * records after reading the answer, e.g. a bulk task id). */
int pc_gate_send(struct pc_http *http, const struct bmc_host_api *host,
                 void *hctx, const struct pc_http_req *req,
                 const struct bmc_change *changes, size_t n,
                 struct pc_http_resp *resp);

#endif /* PC_GATE_H */
