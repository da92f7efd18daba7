/*
 * bench_workers.c -- scheduler workers sharing one store (printed, not
 * timed): N companies (default 1,000) with the in-memory plugin's three
 * scheduled actions each (a job holds 3 ms), all due at once, run by 1, 2
 * and 4 worker processes: jobs completed per minute, double runs (must be
 * 0), tasks left unrun, the store's size; then the takeover time after a
 * worker is killed with kill -9 mid-job (lease 1.5 s).
 *
 *   bench_workers [companies] [postgresql://server-uri]
 * The store is a PostgreSQL database of its own on that server (or the one
 * $BMC_PG_DIR/uri names), else a SQLite file.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hs_host.h"
#include "th.h"
#include "th_pg_target.h"
#include "th_workers.h"

#define BENCH_LEASE_MS 1500

static long long
store_bytes(struct hs_host *h)
{
  char wal[1100];
  struct stat a, b;

  if(th_w_server[0])
    return (long long)th_w_q_int(h, "SELECT pg_database_size("
                                 "current_database())", NULL);
  snprintf(wal, sizeof(wal), "%s-wal", th_w_target);
  return (stat(th_w_target, &a) ? 0 : (long long)a.st_size) +
         (stat(wal, &b) ? 0 : (long long)b.st_size);
}

/* k workers run every due task of n companies once. */
static int
bench_share(int n, int k)
{
  struct hs_host *h;
  char tag[32];
  int i, tasks, fds[2], runs, overlaps, got, total = 0, bad = 0;
  int64_t t0, t1, doubles, unrun;
  pid_t pids[8];

  snprintf(tag, sizeof(tag), "bench%d", k);
  if(th_w_fresh_store(tag) || !(h = th_w_open(0)))
    return -1;
  tasks = th_w_populate(h, n);
  hs_host_close(h);
  if(tasks != n * 3 || pipe(fds))
    return -1;
  t0 = th_w_real_ms();
  for(i = 0; i < k; i++) {
    pids[i] = fork();
    if(pids[i] == 0) {
      struct hs_host *ch = th_w_open(0);
      struct hs_worker *w = ch ? th_w_worker(ch, "bench", 60000) : NULL;
      int ran = -1;

      if(!w || hs_worker_loop(w, 1, 0, &ran))
        ran = -1;
      if(write(fds[1], &ran, sizeof(ran)) != (ssize_t)sizeof(ran))
        _exit(2);
      _exit(0);
    }
  }
  close(fds[1]);
  for(i = 0; i < k; i++) {
    if(read(fds[0], &got, sizeof(got)) != (ssize_t)sizeof(got) || got < 0)
      bad = 1;
    else
      total += got;
  }
  for(i = 0; i < k; i++)
    waitpid(pids[i], NULL, 0);
  t1 = th_w_real_ms();
  close(fds[0]);
  th_w_runlog_check(&runs, &overlaps);
  if(!(h = th_w_open(0)))
    return -1;
  doubles = th_w_q_int(h, "SELECT COALESCE(SUM(run_count - 1), 0) FROM tasks"
                       " WHERE run_count > 1", NULL);
  unrun = th_w_q_int(h, "SELECT COUNT(*) FROM tasks WHERE run_count = 0",
                     NULL);
  printf("%d worker(s): %d tasks of %d companies in %lld ms: %.0f jobs/min;"
         " double runs %lld (overlapping %d); not run %lld; store %.1f MiB"
         "%s\n", k, total, n, (long long)(t1 - t0),
         t1 > t0 ? total * 60000.0 / (double)(t1 - t0) : 0.0,
         (long long)doubles, overlaps, (long long)unrun,
         (double)store_bytes(h) / (1024.0 * 1024.0),
         bad ? " (a worker failed)" : "");
  hs_host_close(h);
  return bad || doubles || overlaps || runs != total ? 1 : 0;
}

/* A worker killed mid-job; another takes its task after the lease. */
static int
bench_takeover(void)
{
  int ready[2], hold[2], claimed = 0, started = 0, ran = 0;
  struct hs_host *h;
  struct hs_worker *w;
  int64_t t_kill, until, first;
  char c;
  pid_t pid;

  if(th_w_fresh_store("benchkill") || !(h = th_w_open(0)) ||
     th_w_populate(h, 1) != 3 || pipe(ready) || pipe(hold))
    return -1;
  pid = fork();
  if(pid == 0) {
    struct hs_host *ch = th_w_open(0);
    struct hs_worker *cw = ch ? th_w_worker(ch, "doomed", BENCH_LEASE_MS)
                              : NULL;

    th_w_mode = TH_W_BLOCK;
    th_w_ready_fd = ready[1];
    th_w_hold_fd = hold[0];
    if(cw && !hs_worker_claim(cw, &claimed) && claimed)
      hs_worker_run_claimed(cw, &started);
    _exit(2);
  }
  if(read(ready[0], &c, 1) != 1)
    return -1;
  kill(pid, SIGKILL);
  t_kill = th_w_real_ms();
  waitpid(pid, NULL, 0);
  until = th_w_q_int(h, "SELECT MAX(lease_until_ms) FROM tasks", NULL);
  w = th_w_worker(h, "taker", BENCH_LEASE_MS);
  if(!w || hs_worker_loop(w, 0, until + 3000, &ran))
    return -1;
  first = th_w_q_int(h, "SELECT MIN(started_ms) FROM jobs WHERE status = 2",
                     NULL);
  printf("takeover after kill -9: %lld ms (lease %d ms; %lld ms after it "
         "expired); %d task(s) run by the taker\n",
         (long long)(first - t_kill), BENCH_LEASE_MS,
         (long long)(first - until), ran);
  hs_worker_free(w);
  hs_host_close(h);
  return ran == 3 ? 0 : 1;
}

int
main(int argc, char **argv)
{
  int n = argc > 1 ? atoi(argv[1]) : 1000, k, rc = 0;
  static const int workers[] = {1, 2, 4};

  if(n < 1 || n > 100000) {
    fprintf(stderr, "usage: bench_workers [companies 1..100000] "
            "[postgresql://server-uri]\n");
    return 2;
  }
  if(argc > 2)
    snprintf(th_w_server, sizeof(th_w_server), "%s", argv[2]);
  else if(getenv("BMC_PG_DIR") &&
          th_pg_target("bench_workers", th_w_server, sizeof(th_w_server)))
    return 1;
  th_tmpdir(th_w_dir, sizeof(th_w_dir));
  if(!th_w_dir[0])
    return 1;
  printf("bench_workers: %d companies x 3 scheduled tasks on %s\n", n,
         th_w_server[0] ? "PostgreSQL" : "SQLite");
  for(k = 0; k < 3; k++)
    rc |= bench_share(n, workers[k]) != 0;
  rc |= bench_takeover() != 0;
  th_rmdir(th_w_dir);
  return rc;
}
