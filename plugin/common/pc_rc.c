/*
 * pc_rc.c -- owns the text of every enum bmc_rc value.  Append only, in
 * step with include/bmc/bmc_plugin.h.
 */
#include "pc_rc.h"

#include "bmc/bmc_plugin.h"

static const char *const pc_rc_text[] = {
  [BMC_OK] = "success",
  [BMC_ERR_INVALID_ARG] = "invalid argument",
  [BMC_ERR_NOMEM] = "out of memory",
  [BMC_ERR_CONFIG] = "settings missing or invalid",
  [BMC_ERR_SCHEMA] = "document failed schema validation",
  [BMC_ERR_TRANSPORT] = "network error (retryable)",
  [BMC_ERR_REMOTE_RETRY] = "marketplace busy or failing (retryable)",
  [BMC_ERR_REMOTE_REJECT] = "marketplace rejected the request",
  [BMC_ERR_PROTOCOL] = "unexpected or malformed marketplace data",
  [BMC_ERR_ABI] = "ABI mismatch",
  [BMC_ERR_INTERNAL] = "internal error",
  [BMC_ERR_NOT_FOUND] = "not found",
  [BMC_ERR_TOO_SMALL] = "buffer too small",
  [BMC_ERR_CONFLICT] = "refused by the host's rules",
  [BMC_ERR_BUDGET] = "request budget exhausted; continues next run",
  [BMC_ERR_UNAUTHORIZED] = "credentials refused",
};

const char *
pc_strerror(int rc)
{
  if(rc < 0 || (unsigned)rc >= sizeof(pc_rc_text) / sizeof(pc_rc_text[0]) ||
     !pc_rc_text[rc])
    return "unknown error";
  return pc_rc_text[rc];
}
