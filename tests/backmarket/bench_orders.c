/*
 * bench_orders.c -- benchmark (not a test): N paid orders (default 10,000)
 * imported end to end -- downloaded page by page, converted, upserted into
 * the host, every line accepted on Back Market -- against the embedded
 * market simulator with quotas off and the plugin's budgets off (set
 * BENCH_BUDGETS_ON=1 to keep the default 180 requests / 10 s budget and see
 * the virtual time it paces).  Prints orders/s (wall and CPU), the rate of
 * the first and the last tenth of each phase (download, acceptance: equal
 * when the cost per order does not grow with the orders already read),
 * requests sent, the heap the import added when every order was read (the
 * plugin holds each until acceptance), the RSS it added and the peak RSS.
 * Usage: bench_orders [N].
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bmt.h"

/* Progress of the job: the download reports orders read per page, then
 * acceptance counts the orders it accepted (done starts again). */
struct bench_watch {
  long n;                   /* orders in the run */
  int phase;                /* 0 download, 1 acceptance */
  int64_t last_done;
  double t_phase[2][3];     /* start, end of the first tenth, start of the
                               last tenth */
  int64_t d_mark[2][2];     /* done at the first tenth, at the last */
  double t_end[2];
  int64_t d_end[2];
  size_t heap0, heap_peak;  /* bytes in use before, when acceptance began */
};

static double
now_s(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
cpu_s(void)
{
  struct rusage ru;

  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
         (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Resident set now, KiB (/proc/self/statm; 0 when unreadable). */
static long
rss_kib(void)
{
  FILE *f = fopen("/proc/self/statm", "r");
  long pages = 0;
  long size;

  if(f && fscanf(f, "%ld %ld", &size, &pages) != 2)
    pages = 0;
  if(f)
    fclose(f);
  return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Heap in use: small chunks plus the mmapped large ones (arrays). */
static size_t
heap_in_use(void)
{
  struct mallinfo2 mi = mallinfo2();

  return mi.uordblks + mi.hblkhd;
}

static void
bench_progress(void *ud, int64_t job_id, int64_t done, int64_t total)
{
  struct bench_watch *w = ud;
  double t = now_s();
  int p;

  (void)job_id;
  (void)total;
  if(done < w->last_done && w->phase == 0) {
    /* every order is read and waits for acceptance: the plugin's peak
     * (mallinfo2 walks the heap, so it is asked only here) */
    w->phase = 1;
    w->t_phase[1][0] = w->t_end[0];
    w->heap_peak = heap_in_use();
  }
  w->last_done = done;
  p = w->phase;
  if(!w->d_mark[p][0] && done * 10 >= w->n) {
    w->t_phase[p][1] = t;
    w->d_mark[p][0] = done;
  }
  if(!w->d_mark[p][1] && done * 10 >= w->n * 9) {
    w->t_phase[p][2] = t;
    w->d_mark[p][1] = done;
  }
  w->t_end[p] = t;
  w->d_end[p] = done;
}

static void
bench_phase(const struct bench_watch *w, int p, const char *name)
{
  double first = w->t_phase[p][1] - w->t_phase[p][0];
  double last = w->t_end[p] - w->t_phase[p][2];
  double r1 = first > 0 ? (double)w->d_mark[p][0] / first : 0.0;
  double r2 = last > 0 ? (double)(w->d_end[p] - w->d_mark[p][1]) / last
                       : 0.0;

  printf("  %-23s: %.0f orders/s in the first tenth, %.0f in the last "
         "(%.0f%%)\n", name, r1, r2, r1 > 0 ? 100.0 * r2 / r1 : 0.0);
}

int
main(int argc, char **argv)
{
  const char *off[] = {"budget_requests_per_10s", "0",
                       "budget_catalog_per_10s", "0", NULL};
  const char *on[] = {NULL};
  const char *const *extra = getenv("BENCH_BUDGETS_ON") ? on : off;
  struct bench_watch w;
  struct th_env e;
  struct rusage ru;
  long n = argc > 1 ? strtol(argv[1], NULL, 10) : 10000;
  long i;
  int64_t jid = 0;
  int64_t reqs;
  double t0;
  double c0;
  double dt;
  double dc;
  int64_t v0;
  int st;
  int64_t orders;
  long rss0;

  if(n <= 0 || n > 1000000)
    n = 10000;
  if(bmt_start(&e, 0, "accept", extra))
    return 1;
  if(th_sim_control(&e, "POST", "/_sim/config",
                    "{\"quotas\": false, \"page_size_max\": 50}", NULL) != 200 ||
     bmt_product(&e, "SKU-BENCH", 10 * n)) {
    th_env_stop(&e);
    return 1;
  }
  for(i = 0; i < n; i++) {
    if(bmt_order1(&e, "SKU-BENCH", 1, NULL) <= 0) {
      fprintf(stderr, "could not create order %ld\n", i);
      th_env_stop(&e);
      return 1;
    }
    if(i % 100 == 99)
      th_clock_advance(&e, 1000);
  }
  memset(&w, 0, sizeof(w));
  w.n = n;
  reqs = th_sim_stat(&e, "requests");
  v0 = th_now(&e);
  hs_host_set_progress(e.host, bench_progress, &w);
  w.heap0 = w.heap_peak = heap_in_use();
  rss0 = rss_kib();
  c0 = cpu_s();
  t0 = now_s();
  w.t_phase[0][0] = t0;
  st = th_run(&e, "order_download", &jid);
  dt = now_s() - t0;
  dc = cpu_s() - c0;
  hs_host_set_progress(e.host, NULL, NULL);
  v0 = th_now(&e) - v0;
  reqs = th_sim_stat(&e, "requests") - reqs;
  orders = th_orders_count(&e);
  getrusage(RUSAGE_SELF, &ru);
  printf("bench_orders: %ld orders, job status %s\n", n,
         hs_job_status_name(st));
  printf("  imported into the host : %lld\n", (long long)orders);
  printf("  lines accepted (POST)  : %d\n",
         th_job_log_count(&e, jid, "accepted on Back Market"));
  printf("  wall time              : %.2f s\n", dt);
  printf("  orders/s               : %.0f\n", dt > 0 ? (double)orders / dt : 0.0);
  printf("  CPU time (all threads) : %.2f s, %.0f orders per CPU second\n",
         dc, dc > 0 ? (double)orders / dc : 0.0);
  bench_phase(&w, 0, "download (pages)");
  bench_phase(&w, 1, "acceptance");
  printf("  requests sent          : %lld (%.2f per order)\n",
         (long long)reqs, orders ? (double)reqs / (double)orders : 0.0);
  printf("  virtual time spent     : %.1f s (budget pacing)\n",
         (double)v0 / 1000.0);
  printf("  heap added at its peak : %.1f MiB (when acceptance began: "
         "plugin, host, the sim's request log)\n",
         (double)(w.heap_peak - w.heap0) / 1048576.0);
  printf("  RSS added by the import: %.1f MiB (the sim's %ld orders were "
         "there before)\n", (double)(ru.ru_maxrss - rss0) / 1024.0, n);
  printf("  peak RSS               : %ld KiB (whole process: host, sim, "
         "plugin)\n", ru.ru_maxrss);
  th_env_stop(&e);
  return st == HS_JOB_COMPLETED && orders == n ? 0 : 1;
}
