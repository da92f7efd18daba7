/*
 * pc_host.h -- the host services of ABI 2.1 as both plugins use them,
 * each guarded by BMC_HOST_HAS() so a 2.0 host still runs the plugin
 * (plugin/common).
 */
#ifndef PC_HOST_H
#define PC_HOST_H

#include "bmc/bmc_plugin.h"

/* 1 while the running action validates pending credentials (the host's
 * token rotation): record nothing about the active ones.  0 on a 2.0
 * host. */
int pc_credential_pending(const struct bmc_host_api *host, void *hctx);
/* Record one metric sample (market "" = the whole instance); ignored on a
 * 2.0 host.  Returns the host's rc (BMC_OK when ignored). */
int pc_metric(const struct bmc_host_api *host, void *hctx,
              const char *market, const char *name, double value);

#endif /* PC_HOST_H */
