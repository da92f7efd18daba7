/*
 * bench_web.c -- printed benchmark of the web Toolbox (not a timed test):
 * every page's response time over real HTTP on 127.0.0.1 with 100,000
 * products in the store (a Bulk Update CSV import), a few hundred jobs
 * with logs, item errors and audit rows, and a day of metrics (a run a
 * minute recording six samples: budgets per market and a latency series)
 * with 200 orders near or past their dispatch deadline for Health.  Prints median and p99 per page
 * against the 100 ms target.  Usage: bench_web [products] [requests]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "tw.h"

struct bench_page {
  const char *name, *path;
};

static int
cmp_ms(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

static double
now_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static int
seed_catalog(struct tw_env *e, long n)
{
  char path[400], err[512];
  struct hs_import_stats st;
  FILE *f;
  long i;

  snprintf(path, sizeof(path), "%s/bulk.csv", e->dir);
  if(!(f = fopen(path, "w")))
    return -1;
  /* the host's columns and the channel's properties (a per-market price,
   * the listing switch) the product page draws */
  fprintf(f, "ProductID,Title,SitePrice,AvailableQty,WebListed,WebPrice_us"
          "\n");
  for(i = 0; i < n; i++)
    fprintf(f, "REF-%07ld,Refurbished %s %ld GB grade %c,%ld.%02ld,%ld,%s,"
            "%ld.%02ld\n", i, i % 3 ? "iPhone 12" : "Galaxy S21",
            64L << (i % 3), (char)('A' + i % 4), 100 + i % 700, i % 100,
            i % 9, i % 2 ? "True" : "False", 90 + i % 700, i % 100);
  if(fclose(f))
    return -1;
  if(hs_products_import_csv(e->h, TW_COMPANY, path, 0, NULL, NULL, &st, err,
                            sizeof(err))) {
    fprintf(stderr, "bench_web: import: %s\n", err);
    return -1;
  }
  printf("seeded %lld products\n", (long long)st.rows_ok);
  return 0;
}

/* A day of metric samples, one run a minute, ending at the clock's new
 * now; then 200 orders, half past their deadline. */
static int
seed_health(struct tw_env *e)
{
  const struct bmc_host_api *api;
  void *ctx;
  char xml[2048], id[32], dl[32], err[512];
  int i, rc;

  if(hs_host_services(e->h, TW_COMPANY, TW_PLUGIN, &api, &ctx))
    return -1;
  for(i = 0, rc = 0; !rc && i < 24 * 60; i++)
    rc = hs_clock_advance(e->h, 60000) ||
         api->metric_record(ctx, "", "budget_overall", 40 + i % 7) ||
         api->metric_record(ctx, "us", "budget_orders", 10 + i % 5) ||
         api->metric_record(ctx, "uk", "budget_orders", 8 + i % 3) ||
         api->metric_record(ctx, "us", "budget_stock", 20 + i % 11) ||
         api->metric_record(ctx, "us", "soldout_to_zero_s", 1 + i % 13) ||
         api->metric_record(ctx, "uk", "soldout_to_zero_s", 2 + i % 17);
  /* the clock is now 2026-01-02 00:00: deadlines around it */
  for(i = 0; !rc && i < 200; i++) {
    snprintf(id, sizeof(id), "H-%04d", i);
    snprintf(dl, sizeof(dl), "2026-01-0%dT%02d:%02d:00Z", i % 2 ? 1 : 2,
             i % 2 ? 20 : 1, i % 60);
    tw_order_xml(xml, sizeof(xml), id, dl);
    rc = api->order_upsert(ctx, xml, strlen(xml), NULL, err, sizeof(err));
  }
  if(rc)
    fprintf(stderr, "bench_web: health seed failed (%d)\n", rc);
  return rc ? -1 : 0;
}

int
main(int argc, char **argv)
{
  long n_products = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
  int reqs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 50, i, k, over = 0;
  static const struct bench_page pages[] = {
    {"companies", "/"},
    {"company", "/company?c=" TW_COMPANY_Q},
    {"general settings", "/settings?c=" TW_COMPANY_Q "&p=" TW_PLUGIN},
    {"settings edit", "/settings?c=" TW_COMPANY_Q "&p=" TW_PLUGIN "&edit=1"},
    {"queued jobs", "/jobs"},
    {"one job + log", "/job?id=150"},
    {"scheduled tasks", "/tasks?c=" TW_COMPANY_Q},
    {"products page 1", "/products?c=" TW_COMPANY_Q},
    {"products page 1000", "/products?c=" TW_COMPANY_Q "&page=1000"},
    {"products SKU search", "/products?c=" TW_COMPANY_Q "&q=REF-00123"},
    {"products title search", "/products?c=" TW_COMPANY_Q "&q=galaxy"},
    {"products rare title", "/products?c=" TW_COMPANY_Q "&q=nothing-like"},
    {"one product", "/product?c=" TW_COMPANY_Q "&sku=REF-0054321"},
    {"product edit", "/product?c=" TW_COMPANY_Q "&sku=REF-0054321&edit=1"},
    {"orders", "/orders?c=" TW_COMPANY_Q},
    {"error queue", "/errors"},
    {"error queue + resolved", "/errors?all=1"},
    {"settlements", "/settlements?c=" TW_COMPANY_Q},
    {"audit", "/audit"},
    {"health (a day of metrics)", "/health?c=" TW_COMPANY_Q},
  };
  struct tw_browser b;
  struct tw_env e;
  double *ms;
  char err[256];

  if(n_products < 1 || reqs < 2 || curl_global_init(CURL_GLOBAL_ALL) ||
     tw_start(&e) || tw_browser_open(&b))
    return 1;
  if(seed_catalog(&e, n_products) || seed_health(&e))
    return 1;
  for(i = 0; i < 300; i++)
    if(hs_run_action(e.h, TW_COMPANY, TW_PLUGIN, "echo", NULL, NULL, err,
                     sizeof(err)))
      fprintf(stderr, "bench_web: %s\n", err);
  if(tw_login(&e, &b, "admin", TW_ADMIN_PW) != 303)
    return 1;
  ms = calloc((size_t)reqs, sizeof(*ms));
  if(!ms)
    return 1;
  printf("web Toolbox: %ld products, 300 jobs, %d requests per page, "
         "127.0.0.1 over HTTP/1.1 (each view also writes its audit row)\n",
         n_products, reqs);
  printf("%-24s %10s %10s %10s\n", "page", "median ms", "p99 ms", "bytes");
  for(k = 0; k < (int)(sizeof(pages) / sizeof(pages[0])); k++) {
    size_t bytes = 0;

    for(i = 0; i < reqs; i++) {
      struct tw_resp r;
      double t0 = now_ms();
      long st = tw_get(&e, &b, pages[k].path, &r);

      ms[i] = now_ms() - t0;
      bytes = r.body ? strlen(r.body) : 0;
      if(st != 200) {
        fprintf(stderr, "bench_web: %s answered %ld\n", pages[k].path, st);
        return 1;
      }
      tw_resp_free(&r);
    }
    qsort(ms, (size_t)reqs, sizeof(*ms), cmp_ms);
    {
      double med = ms[reqs / 2], p99 = ms[(reqs * 99 + 99) / 100 - 1];

      printf("%-24s %10.2f %10.2f %10zu%s\n", pages[k].name, med, p99, bytes,
             p99 > 100.0 ? "  over 100 ms" : "");
      over += p99 > 100.0;
    }
  }
  printf("pages over the 100 ms target (p99): %d\n", over);
  free(ms);
  tw_browser_close(&b);
  tw_stop(&e);
  curl_global_cleanup();
  return 0;
}
