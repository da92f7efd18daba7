/*
 * cli_worker.c -- `host-sim worker`: one scheduler worker process (any
 * number of them, on any machines, share one store's due tasks; see
 * hs_worker.c).  Runs on the real clock until SIGTERM/SIGINT, --until a
 * time, or with --once until nothing is due; the lease length comes from
 * --lease-s, else host.cfg's worker_lease_s, else 60 s.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hs_config.h"

static struct hs_host *cli_worker_host;

static void
cli_worker_on_signal(int sig)
{
  (void)sig;
  hs_scheduler_stop(cli_worker_host); /* async-signal-safe (an atomic) */
}

/* The lease host.cfg sets (0: none, or no --config). */
static int
cli_worker_cfg_lease(struct cli *c, int *lease_s)
{
  struct hs_config *cfg = NULL;
  char err[512];

  *lease_s = 0;
  if(!c->config)
    return CLI_OK;
  if(hs_config_read_file(c->config, &cfg, err, sizeof(err)))
    return cli_fail("worker", "%s", err);
  *lease_s = cfg->worker_lease_s;
  hs_config_free(cfg);
  return CLI_OK;
}

int
cli_cmd_worker(struct cli *c, int argc, char **argv)
{
  struct hs_worker_opts o;
  struct hs_worker *w = NULL;
  struct sigaction sa, old_int, old_term;
  const char *until_s = NULL;
  char err[512], why[128];
  int64_t until = 0;
  int i, once = 0, lease_s = 0, ran = 0, rc;

  memset(&o, 0, sizeof(o));
  for(i = 1; i < argc; i++) {
    if(!strcmp(argv[i], "--once"))
      once = 1;
    else if(!strcmp(argv[i], "--name") && i + 1 < argc)
      o.name = argv[++i];
    else if(!strcmp(argv[i], "--lease-s") && i + 1 < argc) {
      char *end;
      long v = strtol(argv[++i], &end, 10);

      if(*end || end == argv[i] || v < 3 || v > 86400)
        return cli_fail("worker", "--lease-s '%.20s': an integer from 3 to "
                        "86400 seconds", argv[i]);
      lease_s = (int)v;
    }
    else if(!strcmp(argv[i], "--until") && i + 1 < argc)
      until_s = argv[++i];
    else
      return cli_usage("worker");
  }
  if(until_s && cli_parse_when(until_s, hs_clock_now(c->h), &until, why,
                               sizeof(why)))
    return cli_fail("worker", "--until '%.60s': %s", until_s, why);
  if(!lease_s && (rc = cli_worker_cfg_lease(c, &lease_s)) != CLI_OK)
    return rc;
  o.target = c->db;
  o.lease_ms = (int64_t)(lease_s ? lease_s : HS_WORKER_LEASE_DEFAULT_S) *
               1000;
  if(hs_worker_new(c->h, &o, &w, err, sizeof(err)))
    return cli_fail("worker", "%s", err);
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = cli_worker_on_signal;
  sigemptyset(&sa.sa_mask);
  cli_worker_host = c->h;
  if(sigaction(SIGINT, &sa, &old_int) || sigaction(SIGTERM, &sa, &old_term)) {
    hs_worker_free(w);
    return cli_fail("worker", "cannot install the signal handlers");
  }
  printf("worker %s running (lease %lld s%s; SIGTERM or Ctrl-C stops it "
         "after the current task)\n", hs_worker_id(w),
         (long long)(o.lease_ms / 1000), once ? ", until nothing is due"
                                                : "");
  fflush(stdout);
  rc = hs_worker_loop(w, once, until, &ran);
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  printf("worker %s stopped: %d task run(s)\n", hs_worker_id(w), ran);
  hs_worker_free(w);
  return rc ? cli_fail("worker", "%s", cli_rc_text(c, rc)) : CLI_OK;
}
