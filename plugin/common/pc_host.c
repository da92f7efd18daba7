/*
 * pc_host.c -- ABI 2.1 host services behind BMC_HOST_HAS() (pc_host.h).
 */
#include <stddef.h>

#include "pc_host.h"

int
pc_credential_pending(const struct bmc_host_api *host, void *hctx)
{
  if(!host || !BMC_HOST_HAS(host, credential_pending) ||
     !host->credential_pending)
    return 0;
  return host->credential_pending(hctx) != 0;
}

int
pc_metric(const struct bmc_host_api *host, void *hctx, const char *market,
          const char *name, double value)
{
  if(!host || !BMC_HOST_HAS(host, metric_record) || !host->metric_record)
    return BMC_OK;
  return host->metric_record(hctx, market ? market : "", name, value);
}
