/*
 * pc_gate.c -- the write gate (see pc_gate.h): dry run, then send and
 * record every change in the host's audit trail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pc_gate.h"
#include "pc_json.h"

int
pc_gate_dry(const struct bmc_host_api *host, void *hctx)
{
  if(!host || !BMC_HOST_HAS(host, job_dry_run) || !host->job_dry_run)
    return 0;
  return host->job_dry_run(hctx) ? 1 : 0;
}

void
pc_gate_record(const struct bmc_host_api *host, void *hctx,
               const struct bmc_change *changes, size_t n,
               const char *result, const char *request_id,
               const char *detail)
{
  struct bmc_change one, *v;
  size_t i;
  int rc;

  if(!host || !BMC_HOST_HAS(host, audit_record) || !host->audit_record ||
     !n)
    return;
  v = n == 1 ? &one : malloc(n * sizeof(*v));
  if(!v) {
    host->log(hctx, BMC_LOG_WARN, "audit trail: %zu changes were not "
              "recorded (out of memory)", n);
    return;
  }
  for(i = 0; i < n; i++) {
    v[i] = changes[i];
    v[i].size = sizeof(v[i]);
    if(result)
      v[i].result = result;
    if(request_id && request_id[0])
      v[i].request_id = request_id;
    if(detail)
      v[i].detail = detail;
  }
  rc = host->audit_record(hctx, v, n);
  if(rc != BMC_OK)
    host->log(hctx, BMC_LOG_WARN, "audit trail: %zu change(s), the first "
              "the %s change of %s, were not recorded (error %d)", n,
              v[0].field ? v[0].field : "(no field)",
              v[0].sku ? v[0].sku : v[0].order ? v[0].order : "(no item)",
              rc);
  if(v != &one)
    free(v);
}

/* Back Market's request id: the X-Request-Id header, else the requestId
 * of a JSON error body (Back Market's error envelopes carry one). */
static void
pc_gate_request_id(struct pc_http_resp *resp)
{
  struct json_object *j, *v;

  if(resp->request_id[0] || !resp->body || !resp->len)
    return;
  j = pc_json_parse(resp->body, resp->len, NULL, 0);
  if(j && json_object_is_type(j, json_type_object) &&
     json_object_object_get_ex(j, "requestId", &v) &&
     json_object_is_type(v, json_type_string))
    snprintf(resp->request_id, sizeof(resp->request_id), "%s",
             json_object_get_string(v));
  json_object_put(j);
}

static const char *
pc_gate_result(int rc)
{
  switch(rc) {
  case BMC_OK:
    return "ok";
  case BMC_ERR_REMOTE_REJECT:
  case BMC_ERR_UNAUTHORIZED:
    return "rejected";
  default:
    return "failed";
  }
}

int
pc_gate_send(struct pc_http *http, const struct bmc_host_api *host,
             void *hctx, const struct pc_http_req *req,
             const struct bmc_change *changes, size_t n,
             struct pc_http_resp *resp)
{
  char detail[300];
  int rc;

  if(!req || !resp || (n && !changes))
    return BMC_ERR_INVALID_ARG;
  if(req->method && (!strcmp(req->method, "GET") ||
                     !strcmp(req->method, "HEAD")))
    return pc_http_send(http, req, resp); /* reads are never gated */
  if(pc_gate_dry(host, hctx)) {
    memset(resp, 0, sizeof(*resp));
    pc_gate_record(host, hctx, changes, n, "dry_run", NULL, NULL);
    return PC_GATE_DRY;
  }
  rc = pc_http_send(http, req, resp);
  if(rc == BMC_ERR_BUDGET && resp->attempts <= 1 && resp->status == 0)
    return rc; /* nothing went out */
  pc_gate_request_id(resp);
  if(resp->status)
    snprintf(detail, sizeof(detail), "HTTP %ld%s%.200s", resp->status,
             rc ? ": " : "", rc ? resp->error : "");
  else
    snprintf(detail, sizeof(detail), "%.200s", resp->error);
  pc_gate_record(host, hctx, changes, n, pc_gate_result(rc),
                 resp->request_id, detail);
  return rc;
}
