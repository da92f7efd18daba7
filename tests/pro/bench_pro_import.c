/*
 * bench_pro_import.c -- benchmark of the Back Market Pro plugin through the
 * host and the simulator: a first import of N orders (pages of 50), a
 * re-run that finds nothing new, and the tracking upload of every order.
 * Prints wall time, orders per second, requests sent and the virtual time
 * the per-second budget spent pacing.  Not a test: it asserts nothing.
 *   bench_pro_import [orders]   (default 2000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "pro_env.h"

static double
wall_s(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t
sim_requests(struct pe *e)
{
  char *out = NULL;
  struct json_object *root, *v;
  int64_t n = -1;

  if(pe_ctl(e, "GET", "/_sim/stats", NULL, &out) == 200 && out) {
    root = json_tokener_parse(out);
    if(root && json_object_object_get_ex(root, "requests", &v))
      n = json_object_get_int64(v);
    json_object_put(root);
  }
  free(out);
  return n;
}

struct ship_ud {
  struct pe *e;
  int shipped;
};

static int
ship_one(void *ud, const struct hs_order_summary *o)
{
  struct ship_ud *s = ud;
  struct hs_shipment sh;
  char trk[64];

  memset(&sh, 0, sizeof(sh));
  snprintf(trk, sizeof(trk), "TRK-%s", o->source_order_id);
  sh.tracking_number = trk;
  sh.carrier = "DHL";
  if(hs_order_ship(s->e->h, o->id, &sh, NULL, 0) == BMC_OK)
    s->shipped++;
  return 0;
}

static void
phase(struct pe *e, const char *name, const char *action, int64_t n)
{
  int64_t req0 = sim_requests(e), v0 = hs_clock_now(e->h);
  double t0 = wall_s(), dt;
  int st = pe_run(e, "Acme", action, NULL);

  dt = wall_s() - t0;
  printf("%-22s status %-10s wall %8.3f s  %8.0f orders/s  requests %5lld"
         "  virtual %6.1f s\n", name, hs_job_status_name(st), dt,
         dt > 0 ? (double)n / dt : 0.0,
         (long long)(sim_requests(e) - req0),
         (double)(hs_clock_now(e->h) - v0) / 1000.0);
}

int
main(int argc, char **argv)
{
  struct pe e;
  struct ship_ud su;
  char id[32];
  long n = argc > 1 ? strtol(argv[1], NULL, 10) : 2000, i;
  double t0;

  if(n < 1 || n > 100000) {
    fprintf(stderr, "usage: bench_pro_import [orders 1..100000]\n");
    return 2;
  }
  if(pe_open(&e, 0) || pe_company(&e, "Acme", "pk_bench_0123456789",
                                  "SELLER-B")) {
    pe_close(&e);
    return 1;
  }
  t0 = wall_s();
  for(i = 0; i < n; i++) {
    snprintf(id, sizeof(id), "PRO-%06ld", i);
    if(pe_pro_order(&e, "SELLER-B", id, "paid", 2, 1, "199.99")) {
      pe_close(&e);
      return 1;
    }
  }
  printf("backmarket_pro benchmark: %ld orders of 2 lines, budget 10 req/s,"
         " page size 50 (setup %.2f s)\n", n, wall_s() - t0);
  pe_run(&e, "Acme", "test_settings", NULL);
  phase(&e, "first import", "import_orders", n);
  hs_clock_advance(e.h, 60000);
  phase(&e, "re-run (nothing new)", "import_orders", n);
  su.e = &e;
  su.shipped = 0;
  hs_orders_each(e.h, "Acme", "backmarket_pro", ship_one, &su);
  phase(&e, "tracking upload", "tracking_upload", su.shipped);
  printf("host orders: %lld\n",
         (long long)pe_orders(&e, "Acme", "backmarket_pro"));
  pe_close(&e);
  return 0;
}
