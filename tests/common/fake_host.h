/*
 * fake_host.h -- a fake struct bmc_host_api for plugin/common unit tests:
 * a virtual clock that wait_ms advances, an in-memory state store, and a
 * captured log.  No network, no SQLite.
 */
#ifndef FAKE_HOST_H
#define FAKE_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "bmc/bmc_plugin.h"

#define FH_MAX_KEYS 64
#define FH_LOG_MAX 8192

struct fake_host {
  int64_t now;
  int64_t waited;     /* total ms passed to wait_ms */
  int waits;          /* wait_ms calls */
  char *keys[FH_MAX_KEYS];
  char *vals[FH_MAX_KEYS];
  size_t lens[FH_MAX_KEYS];
  int puts;
  char log[FH_LOG_MAX]; /* every log line, '\n' separated */
};

/* The services table (static); pass a struct fake_host * as host_ctx. */
const struct bmc_host_api *fake_host_api(void);
void fake_host_init(struct fake_host *f, int64_t now);
void fake_host_free(struct fake_host *f);

struct cu_case;
/* main() of a plugin/common test program: the library init refcount
 * around cu_main (tests/harness/cu_main.h).  Returns the exit status. */
int fake_host_main(const struct cu_case *cases, size_t n, int argc,
                   char **argv);

#endif /* FAKE_HOST_H */
