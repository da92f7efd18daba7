/*
 * bench_import.c -- benchmark (not a test): generate a 100,000-row Bulk
 * Update CSV in a temporary directory (the host's columns and the Back
 * Market plugin's property columns, one per-market price), import it with
 * the hostsim library and backmarket.so loaded, stream the catalog back as
 * the plugin sees it (enabled products, with their property values), look
 * products up one by one, export it, and print rows/s, wall time and peak
 * RSS.  Usage: bench_host_import [rows]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "hs_host.h"

/* mkstemp(3)/mkdtemp(3) template suffix: six placeholder characters. */
#define MKTEMP_SUFFIX "XX" "XX" "XX"

static double
now_s(void)
{
  struct timespec ts;

  if(clock_gettime(CLOCK_MONOTONIC, &ts))
    return 0;
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of the process: on a shared machine wall time also counts the
 * other processes' turns. */
static double
cpu_s(void)
{
  struct timespec ts;

  if(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts))
    return 0;
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
count_cb(void *ud, const struct bmc_product *p)
{
  (void)p;
  (*(long *)ud)++;
  return 0;
}

static void
row_err(void *ud, int64_t line, const char *msg)
{
  (void)ud;
  fprintf(stderr, "line %lld: %s\n", (long long)line, msg);
}

int
main(int argc, char **argv)
{
  long rows = argc > 1 ? strtol(argv[1], NULL, 10) : 100000, i, seen = 0;
  long streamed;
  char dir[256], csv[512], db[512], err[512];
  const char *tmp = getenv("TMPDIR");
  struct hs_options o;
  struct hs_host *h = NULL;
  struct hs_import_stats st;
  struct rusage ru;
  double t0, t1, t2, t3, t4, t5, c[6];
  FILE *f;
  int rc;

  if(rows <= 0)
    rows = 100000;
  snprintf(dir, sizeof(dir), "%s/hs-bench-" MKTEMP_SUFFIX, tmp ? tmp : "/tmp");
  if(!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  snprintf(csv, sizeof(csv), "%s/bulk.csv", dir);
  snprintf(db, sizeof(db), "%s/host.db", dir);
  f = fopen(csv, "w");
  if(!f) {
    perror(csv);
    return 1;
  }
  fputs("ProductID,MerchantSKU,BackmarketEnabled,BackmarketTitle,"
        "DescriptionForChannel_BackMarket,EAN,WeightLbs,WeightOz,"
        "GalleryImageURL,BackmarketCategory,BackmarketWarrantyLength,"
        "Condition,BackmarketProductID,BackmarketPrice,SitePrice,"
        "BackMarketMinPrice,BackMarketEnableAutoRepricing,SafetyQty,MaxQty,"
        "AvailableQty,DeviceType,CPU,StorageType,StorageGB,RAMGB,"
        "ReleaseYear,BackmarketPrice_en-gb\n", f);
  for(i = 0; i < rows; i++)
    fprintf(f, "SKU-%07ld,BM-%07ld,True,\"Refurbished phone %ld, grade "
            "%ld\",Tested and cleaned,%013ld,0,%ld,https://img.example/%ld"
            ".jpg,Smartphones,12,%ld,prod-%ld,%ld.%02ld,%ld.00,%ld.00,%s,"
            "%s,%s,%ld,phone,A15,SSD,128,4,2021,%s\n", i, i, i, i % 5,
            1000000000000L + i, 5 + i % 10, i, i % 5, i % 997,
            100 + i % 900, i % 100, 120 + i % 900, 90 + i % 900,
            i % 2 ? "True" : "False", i % 3 ? "" : "1", i % 7 ? "" : "10",
            i % 50, i % 4 ? "" : "89.00");
  if(fclose(f)) {
    perror(csv);
    return 1;
  }
  memset(&o, 0, sizeof(o));
  o.db_path = db;
  o.schema_dir = BMC_SCHEMA_DIR;
  o.plugin_dir = BMC_PLUGIN_DIR; /* the property columns are backmarket's */
  if(hs_host_open(&o, &h, err, sizeof(err)) ||
     hs_company_add(h, "Bench", NULL)) {
    fprintf(stderr, "open: %s\n", err);
    return 1;
  }
  t0 = now_s();
  c[0] = cpu_s();
  rc = hs_products_import_csv(h, "Bench", csv, 5000, row_err, NULL, &st, err,
                              sizeof(err));
  t1 = now_s();
  c[1] = cpu_s();
  if(rc || st.rows_ok != rows) {
    fprintf(stderr, "import: rc %d %s (%lld ok)\n", rc, err,
            (long long)st.rows_ok);
    return 1;
  }
  /* Second pass: every row is an update. */
  rc = hs_products_import_csv(h, "Bench", csv, 5000, row_err, NULL, &st, err,
                              sizeof(err));
  t2 = now_s();
  c[2] = cpu_s();
  if(rc || st.rows_created != 0) {
    fprintf(stderr, "re-import: rc %d %s\n", rc, err);
    return 1;
  }
  if(hs_products_each_for(h, "Bench", "backmarket", 1, count_cb, &seen)) {
    fprintf(stderr, "catalog stream failed\n");
    return 1;
  }
  t3 = now_s();
  c[3] = cpu_s();
  streamed = seen;
  for(i = 0; i < rows; i++) {
    char sku[32];

    snprintf(sku, sizeof(sku), "SKU-%07ld", (i * 7919) % rows);
    if(hs_product_get_for(h, "Bench", "backmarket", sku, count_cb, &seen)) {
      fprintf(stderr, "product_get %s failed\n", sku);
      return 1;
    }
  }
  t4 = now_s();
  c[4] = cpu_s();
  {
    char out[600];
    int64_t n = 0;

    snprintf(out, sizeof(out), "%s/export.csv", dir);
    if(hs_products_export_csv(h, "Bench", out, &n, err, sizeof(err)) ||
       n != rows) {
      fprintf(stderr, "export: %s\n", err);
      return 1;
    }
    unlink(out);
  }
  t5 = now_s();
  c[5] = cpu_s();
  if(getrusage(RUSAGE_SELF, &ru))
    return 1;
  printf("rows:              %ld\n", rows);
  printf("import (create):   %.2f s (cpu %.2f s), %.0f rows/s of cpu\n",
         t1 - t0, c[1] - c[0], (double)rows / (c[1] - c[0]));
  printf("import (update):   %.2f s (cpu %.2f s), %.0f rows/s of cpu\n",
         t2 - t1, c[2] - c[1], (double)rows / (c[2] - c[1]));
  printf("catalog stream:    %.2f s (cpu %.2f s), %ld enabled rows with "
         "their properties\n", t3 - t2, c[3] - c[2], streamed);
  printf("product_get:       %.2f s (cpu %.2f s), %.0f lookups/s of cpu\n",
         t4 - t3, c[4] - c[3], (double)rows / (c[4] - c[3]));
  printf("export:            %.2f s (cpu %.2f s), %.0f rows/s of cpu\n",
         t5 - t4, c[5] - c[4], (double)rows / (c[5] - c[4]));
  printf("peak RSS:          %ld KiB\n", ru.ru_maxrss);
  hs_host_close(h);
  unlink(csv);
  unlink(db);
  snprintf(csv, sizeof(csv), "%s/host.db-wal", dir);
  unlink(csv);
  snprintf(csv, sizeof(csv), "%s/host.db-shm", dir);
  unlink(csv);
  rmdir(dir);
  return 0;
}
