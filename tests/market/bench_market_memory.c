/*
 * bench_market_memory.c -- market-sim memory per listing (not a timed
 * test): seeds N listings (default 100,000) through the control API, the
 * way the inventory benchmark does (one market with a price, a comment in
 * one listing of ten), and prints the heap the simulator holds per listing
 * (glibc mallinfo2, small and mmap'd blocks: listing store, indexes,
 * vector slack) and the cost of
 * GET /_sim/listings/{sku} for the first and the last SKU.  Exits 1 when a
 * listing costs more than the 2 KB budget, 77 when the heap cannot be
 * measured (a sanitizer's allocator).
 *   usage: bench_market_memory [listings]
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mk_sim.h"

#define BUDGET_BYTES 2048

static double mm_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int mm_ctl(struct mk_sim *s, const char *m, const char *p,
                  const char *b)
{
  int st = 0;
  char *resp = NULL;
  if(mk_sim_control(s, m, p, b, &st, &resp))
    return -1;
  free(resp);
  return st;
}

/* Seconds per GET /_sim/listings/{sku} over reps calls. */
static double mm_lookup(struct mk_sim *s, long idx, int reps)
{
  char path[96];
  double t0 = mm_now();
  int i;
  snprintf(path, sizeof(path), "/_sim/listings/BENCH-SKU-%06ld", idx);
  for(i = 0; i < reps; i++)
    if(mm_ctl(s, "GET", path, NULL) != 200)
      return -1;
  return (mm_now() - t0) / reps;
}

int main(int argc, char **argv)
{
  struct mk_sim_opts o;
  struct mk_sim *s = NULL;
  struct mallinfo2 a, b;
  long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000, i;
  char err[256], body[512];
  double t0, per, first, last, grown;
  if(n <= 0)
    n = 100000;
  memset(&o, 0, sizeof(o));
  if(mk_sim_start(&o, &s, err, sizeof(err))) {
    fprintf(stderr, "bench_market_memory: %s\n", err);
    return 1;
  }
  mm_ctl(s, "POST", "/_sim/merchants", "{\"id\": 789, \"name\": \"Bench\"}");
  malloc_trim(0);
  a = mallinfo2();
  t0 = mm_now();
  for(i = 0; i < n; i++) {
    snprintf(body, sizeof(body), "{\"merchant_id\": 789, \"sku\": "
             "\"BENCH-SKU-%06ld\", \"quantity\": %ld, \"title\": \"Refurbished "
             "laptop %ld\", \"markets\": {\"fr-fr\": {\"price\": \"100.00\"%s}}}",
             i, i % 7, i, i % 10 ? "" : ", \"comment\": \"Light signs of use "
             "on the lid\"");
    if(mm_ctl(s, "POST", "/_sim/listings", body) != 201) {
      fprintf(stderr, "bench_market_memory: seeding listing %ld failed\n", i);
      mk_sim_stop(s);
      return 1;
    }
  }
  t0 = mm_now() - t0;
  b = mallinfo2();
  /* small blocks (uordblks) plus the mmap'd large ones (hblkhd: the
     listing vector and the indexes) */
  grown = (double)(b.uordblks + b.hblkhd) - (double)(a.uordblks + a.hblkhd);
  if(grown <= 0) {
    printf("heap growth not measurable here (sanitizer allocator?)\n");
    mk_sim_stop(s);
    return 77;
  }
  per = grown / (double)n;
  first = mm_lookup(s, 0, 2000);
  last = mm_lookup(s, n - 1, 2000);
  printf("market-sim memory: %ld listings seeded in %.2f s\n", n, t0);
  printf("heap per listing: %.0f bytes (budget %d), %.1f MiB in all\n", per,
         BUDGET_BYTES, grown / 1048576.0);
  printf("GET /_sim/listings/{sku}: first SKU %.1f us, last SKU %.1f us "
         "(in-process control call)\n", first * 1e6, last * 1e6);
  mk_sim_stop(s);
  if(per > BUDGET_BYTES) {
    printf("OVER BUDGET: %.0f bytes per listing > %d\n", per, BUDGET_BYTES);
    return 1;
  }
  return 0;
}
