/*
 * bench_audit_trail.c -- benchmark of the change audit trail (prints
 * numbers; not a ctest test): N rows recorded through audit_record one
 * call per row, then as one call (a bulk task's rows), then a query by
 * item and a prune, on a store in a temporary directory.
 * Usage: bench_audit_trail [N]   (default 15000, a bulk CSV's size)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hs_audit_trail.h"
#include "th.h"

static double
bat_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static int
bat_count(void *ud, const struct hs_change_row *r)
{
  (void)r;
  (*(long *)ud)++;
  return 0;
}

int
main(int argc, char **argv)
{
  long n = argc > 1 ? strtol(argv[1], NULL, 10) : 15000, i, found = 0;
  const struct bmc_host_api *api;
  struct hs_change_filter f;
  struct bmc_change *v;
  struct hs_host *h;
  char dir[256], (*sku)[24];
  double t0, t1, t2, t3, t4;
  void *ctx;

  if(n < 1 || n > 10000000)
    return 2;
  th_tmpdir(dir, sizeof(dir));
  h = th_open(dir);
  v = calloc((size_t)n, sizeof(*v));
  sku = calloc((size_t)n, sizeof(*sku));
  if(!h || !v || !sku || hs_host_services(h, "Acme", "tplug", &api, &ctx))
    return 1;
  for(i = 0; i < n; i++) {
    snprintf(sku[i], sizeof(sku[i]), "SKU-%07ld", i);
    v[i].size = sizeof(v[i]);
    v[i].sku = sku[i];
    v[i].field = "quantity";
    v[i].old_value = "3";
    v[i].new_value = "0";
    v[i].request_id = "task:42";
    v[i].result = "submitted";
  }
  t0 = bat_ms();
  for(i = 0; i < n; i++)
    if(api->audit_record(ctx, &v[i], 1))
      return 1;
  t1 = bat_ms();
  if(api->audit_record(ctx, v, (size_t)n))
    return 1;
  t2 = bat_ms();
  memset(&f, 0, sizeof(f));
  f.company = "Acme";
  f.item = sku[n / 2];
  if(hs_change_audit_each(h, &f, bat_count, &found) || found != 2)
    return 1;
  t3 = bat_ms();
  if(hs_change_audit_prune(h, NULL))
    return 1;
  t4 = bat_ms();
  printf("audit trail, %ld rows: one call per row %.0f ms (%.0f rows/s); "
         "one call for all %.0f ms (%.0f rows/s); query by item among %ld "
         "rows %.2f ms; prune pass %.1f ms\n", n, t1 - t0,
         n / ((t1 - t0) / 1000.0), t2 - t1, n / ((t2 - t1) / 1000.0),
         2 * n, t3 - t2, t4 - t3);
  free(v);
  free(sku);
  hs_host_close(h);
  th_rmdir(dir);
  return 0;
}
