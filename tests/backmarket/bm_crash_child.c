/*
 * bm_crash_child.c -- helper program of the crash tests: opens the host
 * store given on the command line (its own process, no inherited threads),
 * arms the host's fault hook so the process _exits in the middle of the
 * job, and runs one action of the backmarket plugin.
 * Usage: bm_crash_child DB START_MS COMPANY ACTION SERVICE AFTER_N
 * (SERVICE "-": no fault; the test kills the process itself, e.g. while a
 * request is in flight).  Exit status: 99 when the fault fired, 0 when the
 * job ended first, 3 on a setup error.  $BMC_TEST_KEY_FILE names the store
 * key when the store has no file beside it (PostgreSQL, th_env.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_host.h"

static void
child_log(void *ud, int level, const char *line)
{
  (void)ud;
  fprintf(stderr, "bm_crash_child [%d] %s\n", level, line);
}

int
main(int argc, char **argv)
{
  struct hs_options ho;
  struct hs_host *h = NULL;
  char err[512];

  if(argc != 7)
    return 3;
  memset(&ho, 0, sizeof(ho));
  ho.db_path = argv[1];
  ho.key_file = getenv("BMC_TEST_KEY_FILE"); /* a PostgreSQL store's */
  ho.plugin_dir = BMC_PLUGIN_DIR;
  ho.schema_dir = BMC_SCHEMA_DIR;
  ho.virtual_clock = 1;
  ho.virtual_start_ms = strtoll(argv[2], NULL, 10);
  if(hs_host_open(&ho, &h, err, sizeof(err))) {
    fprintf(stderr, "bm_crash_child: %s\n", err);
    return 3;
  }
  if(getenv("BM_CRASH_CHILD_LOG"))
    hs_host_set_log(h, child_log, NULL);
  if(strcmp(argv[5], "-") &&
     hs_fault_set(h, argv[5], strtoll(argv[6], NULL, 10), HS_FAULT_EXIT)) {
    hs_host_close(h);
    return 3;
  }
  {
    int status = -1;
    int rc = hs_run_action(h, argv[3], "backmarket", argv[4], NULL, &status,
                           err, sizeof(err));
    fprintf(stderr, "bm_crash_child: job ended before the fault (rc %d, "
            "status %s) %s\n", rc, hs_job_status_name(status), err);
  }
  hs_host_close(h);
  return 0;
}
