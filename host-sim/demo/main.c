/*
 * main.c -- bmc-demo: a seller's day in one command.  Starts the
 * marketplace simulator embedded on a free loopback port sharing the host's
 * virtual clock, creates a fresh host database, runs the day and prints the
 * summary.  Leaves nothing running.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "demo.h"

#define DEMO_DAY_START_MS 1774249200000LL /* 2026-03-23T07:00:00Z */

static void
demo_usage(FILE *f)
{
  fprintf(f, "usage: bmc-demo [--dir DIR] [--verbose]\n"
             "  Runs a simulated seller's day against the embedded Back "
             "Market simulator.\n"
             "  --dir DIR   where to keep the host database (default "
             "./bmc-demo); it is recreated on every run\n"
             "  --verbose   also print simulator refusals\n");
}

/* The host-sim CLI of the same build (../host/host-sim next to us). */
static void
demo_find_host_sim(struct demo *d, const char *argv0)
{
  char exe[512];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  char *slash;

  snprintf(d->host_sim, sizeof(d->host_sim), "host-sim");
  if(n <= 0)
    n = (ssize_t)snprintf(exe, sizeof(exe), "%s", argv0);
  exe[n < (ssize_t)sizeof(exe) ? n : (ssize_t)sizeof(exe) - 1] = '\0';
  slash = strrchr(exe, '/');
  if(!slash)
    return;
  *slash = '\0';
  slash = strrchr(exe, '/');
  if(!slash)
    return;
  *slash = '\0';
  snprintf(d->host_sim, sizeof(d->host_sim), "%s/host/host-sim", exe);
  if(access(d->host_sim, X_OK) != 0)
    snprintf(d->host_sim, sizeof(d->host_sim), "host-sim");
}

static int
demo_prepare_dir(struct demo *d)
{
  const char *const files[] = {"host.db", "host.db-wal", "host.db-shm"};
  size_t i;

  if(mkdir(d->dir, 0755) && errno != EEXIST) {
    fprintf(stderr, "bmc-demo: cannot create %s: %s\n", d->dir,
            strerror(errno));
    return -1;
  }
  for(i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
    char p[700];

    snprintf(p, sizeof(p), "%s/%s", d->dir, files[i]);
    if(unlink(p) && errno != ENOENT) {
      fprintf(stderr, "bmc-demo: cannot remove %s: %s\n", p, strerror(errno));
      return -1;
    }
  }
  snprintf(d->db_path, sizeof(d->db_path), "%s/host.db", d->dir);
  return 0;
}

int
main(int argc, char **argv)
{
  struct demo d;
  struct hs_options ho;
  struct mk_sim_opts so;
  char err[512];
  int i, rc = 1;

  memset(&d, 0, sizeof(d));
  snprintf(d.dir, sizeof(d.dir), "bmc-demo");
  for(i = 1; i < argc; i++) {
    if(!strcmp(argv[i], "--dir") && i + 1 < argc)
      snprintf(d.dir, sizeof(d.dir), "%s", argv[++i]);
    else if(!strcmp(argv[i], "--verbose"))
      d.verbose = 1;
    else if(!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      demo_usage(stdout);
      return 0;
    }
    else {
      fprintf(stderr, "bmc-demo: unknown argument '%s'\n", argv[i]);
      demo_usage(stderr);
      return 2;
    }
  }
  if(demo_prepare_dir(&d))
    return 1;
  demo_find_host_sim(&d, argv[0]);

  memset(&ho, 0, sizeof(ho));
  ho.db_path = d.db_path;
  ho.plugin_dir = DEMO_PLUGIN_DIR;
  ho.schema_dir = DEMO_SCHEMA_DIR;
  ho.virtual_clock = 1;
  ho.virtual_start_ms = DEMO_DAY_START_MS;
  if(hs_host_open(&ho, &d.host, err, sizeof(err))) {
    fprintf(stderr, "bmc-demo: host: %s\n", err);
    return 1;
  }
  d.t0_ms = DEMO_DAY_START_MS;

  memset(&so, 0, sizeof(so));
  so.quotas = 1;
  so.now_ms = hs_clock_now_cb;
  so.now_ud = d.host;
  if(mk_sim_start(&so, &d.sim, err, sizeof(err))) {
    fprintf(stderr, "bmc-demo: marketplace simulator: %s\n", err);
    hs_host_close(d.host);
    return 1;
  }
  snprintf(d.base_url, sizeof(d.base_url), "http://127.0.0.1:%u",
           (unsigned)mk_sim_port(d.sim));
  printf("Back Market connector demo: a seller's day on the virtual clock\n"
         "Marketplace simulator on %s (loopback), host database %s\n\n",
         d.base_url, d.db_path);

  if(demo_day_run(&d) == 0) {
    demo_summary_print(&d);
    rc = d.jobs_failed ? 1 : 0;
  }
  else
    fprintf(stderr, "bmc-demo: the day stopped early (see above)\n");
  mk_sim_stop(d.sim);
  hs_host_close(d.host);
  return rc;
}
