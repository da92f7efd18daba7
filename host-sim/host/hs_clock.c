/*
 * hs_clock.c -- the host clock (real, or virtual for tests and the demo;
 * readable from any thread through C11 atomics) and the fault hook that
 * crash-safety tests use to make one host service fail or exit.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hs_internal.h"

int64_t
hs_clock_now(struct hs_host *h)
{
  struct timespec ts;

  if(h && h->virtual_clock)
    return atomic_load(&h->vclock);
  if(clock_gettime(CLOCK_REALTIME, &ts))
    return 0;
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
hs_clock_now_cb(void *host)
{
  return hs_clock_now(host);
}

int
hs_clock_is_virtual(struct hs_host *h)
{
  return h ? h->virtual_clock : 0;
}

int
hs_clock_set(struct hs_host *h, int64_t ms)
{
  if(!h || !h->virtual_clock)
    return BMC_ERR_INVALID_ARG;
  atomic_store(&h->vclock, ms);
  return BMC_OK;
}

int
hs_clock_advance(struct hs_host *h, int64_t ms)
{
  if(!h || !h->virtual_clock || ms < 0)
    return BMC_ERR_INVALID_ARG;
  atomic_fetch_add(&h->vclock, ms);
  return BMC_OK;
}

int
hs_fault_set(struct hs_host *h, const char *service, int64_t after_n,
             int mode)
{
  if(!h || !service || strlen(service) >= sizeof(h->fault_svc) ||
     after_n < 0 || (mode != HS_FAULT_FAIL && mode != HS_FAULT_EXIT))
    return BMC_ERR_INVALID_ARG;
  snprintf(h->fault_svc, sizeof(h->fault_svc), "%s", service);
  h->fault_after = after_n;
  h->fault_count = 0;
  h->fault_mode = mode;
  return BMC_OK;
}

void
hs_fault_clear(struct hs_host *h)
{
  if(!h)
    return;
  h->fault_svc[0] = '\0';
  h->fault_mode = 0;
}

int
hs_fault_check(struct hs_host *h, const char *service)
{
  if(!h->fault_mode || strcmp(h->fault_svc, service) != 0)
    return BMC_OK;
  if(h->fault_count < h->fault_after) {
    h->fault_count++;
    return BMC_OK;
  }
  if(h->fault_mode == HS_FAULT_EXIT)
    _exit(99);
  hs_hostlog(h, BMC_LOG_WARN, "fault hook: %s fails (after %lld calls)",
             service, (long long)h->fault_after);
  return BMC_ERR_INTERNAL;
}
