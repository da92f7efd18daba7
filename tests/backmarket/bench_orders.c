/*
 * bench_orders.c -- benchmark (not a test): N paid orders (default 10,000)
 * imported end to end -- downloaded page by page, converted, upserted into
 * the host, every line accepted on Back Market -- against the embedded
 * market simulator with quotas off and the plugin's budgets off (set
 * BENCH_BUDGETS_ON=1 to keep the default 180 requests / 10 s budget and see
 * the virtual time it paces).  Prints orders/s, requests sent and peak RSS.
 * Usage: bench_orders [N].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bmt.h"

static double
now_s(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
  const char *off[] = {"budget_requests_per_10s", "0",
                       "budget_catalog_per_10s", "0", NULL};
  const char *on[] = {NULL};
  const char *const *extra = getenv("BENCH_BUDGETS_ON") ? on : off;
  struct th_env e;
  struct rusage ru;
  long n = argc > 1 ? strtol(argv[1], NULL, 10) : 10000;
  long i;
  int64_t seq;
  int64_t jid = 0;
  int64_t reqs;
  double t0;
  double dt;
  int64_t v0;
  int st;
  int64_t orders;

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
  seq = th_sim_log_seq(&e);
  reqs = th_sim_stat(&e, "requests");
  v0 = th_now(&e);
  t0 = now_s();
  st = th_run(&e, "order_download", &jid);
  dt = now_s() - t0;
  v0 = th_now(&e) - v0;
  reqs = th_sim_stat(&e, "requests") - reqs;
  orders = th_orders_count(&e);
  getrusage(RUSAGE_SELF, &ru);
  printf("bench_orders: %ld orders, job status %s\n", n,
         hs_job_status_name(st));
  printf("  imported into the host : %lld\n", (long long)orders);
  printf("  lines accepted (POST)  : %d\n",
         th_sim_log_count(&e, seq, "POST", "/ws/orders/", NULL));
  printf("  wall time              : %.2f s\n", dt);
  printf("  orders/s               : %.0f\n", dt > 0 ? (double)orders / dt : 0.0);
  printf("  requests sent          : %lld (%.2f per order)\n",
         (long long)reqs, orders ? (double)reqs / (double)orders : 0.0);
  printf("  virtual time spent     : %.1f s (budget pacing)\n",
         (double)v0 / 1000.0);
  printf("  peak RSS               : %ld KiB (whole process: host, sim, "
         "plugin)\n", ru.ru_maxrss);
  th_env_stop(&e);
  return st == HS_JOB_COMPLETED && orders == n ? 0 : 1;
}
