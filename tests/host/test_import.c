/*
 * test_import.c -- products: Bulk Update CSV import with seed 004 column
 * names (good rows land, bad rows are reported with their line number and
 * the rest still imports), re-import updates instead of duplicating,
 * absent columns are left alone, unknown headers are refused, weights
 * combine WeightLbs + WeightOz, stock set and plugin properties, and a NUL
 * byte or control character in a field never reaches the store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "th.h"
#include "cu_main.h"

static char dir[256];
static struct hs_host *h;

struct rowerrs {
  int64_t lines[16];
  char msgs[16][256];
  int n;
};

static void
row_err(void *ud, int64_t line, const char *msg)
{
  struct rowerrs *r = ud;

  if(r->n < 16) {
    r->lines[r->n] = line;
    snprintf(r->msgs[r->n], sizeof(r->msgs[0]), "%s", msg);
    r->n++;
  }
}

static void
write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");

  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  CU_ASSERT_EQUAL(fputs(text, f) >= 0, 1);
  CU_ASSERT_EQUAL(fclose(f), 0);
}

struct got {
  char title[128], weight[32], price[32], grade[16], listing[32];
  int enabled, safety, warranty, ram;
  int64_t qty;
};

static int
got_cb(void *ud, const struct bmc_product *p)
{
  struct got *g = ud;

  snprintf(g->title, sizeof(g->title), "%s", p->title ? p->title : "");
  snprintf(g->weight, sizeof(g->weight), "%s",
           p->weight_lbs ? p->weight_lbs : "");
  snprintf(g->price, sizeof(g->price), "%s", p->price ? p->price : "");
  snprintf(g->grade, sizeof(g->grade), "%s", p->grade ? p->grade : "");
  snprintf(g->listing, sizeof(g->listing), "%s",
           p->bm_listing_id ? p->bm_listing_id : "");
  g->enabled = p->enabled;
  g->safety = p->safety_qty;
  g->warranty = p->warranty_months;
  g->ram = p->ram_gb;
  g->qty = p->available_qty;
  return 0;
}

static int
setup(void)
{
  th_tmpdir(dir, sizeof(dir));
  h = th_open(dir);
  return h ? 0 : 1;
}

static int
teardown(void)
{
  hs_host_close(h);
  th_rmdir(dir);
  return 0;
}

static void
test_good_and_bad_rows(void)
{
  char csv[512], err[512];
  struct hs_import_stats st;
  struct rowerrs re;
  struct got g;
  int64_t n = 0;

  snprintf(csv, sizeof(csv), "%s/bulk.csv", dir);
  write_file(csv,
             "ProductID,BackmarketEnabled,BackmarketTitle,"
             "DescriptionForChannel_BackMarket,EAN,WeightLbs,WeightOz,"
             "BackmarketPrice,Condition,SafetyQty,AvailableQty,"
             "BackmarketWarrantyLength,RAMGB\r\n"
             "IP13-128-A,True,iPhone 13 128GB,\"Good, tested\",0194252707517,"
             "0,6,449.00,2,,5,12,4\r\n"
             "IP13-128-B,yes,iPhone 13,\"two\nlines\",0194252707517,1,8,"
             "449.5,STALLONE,1,3,12,\r\n"
             "BAD-PRICE,True,X,d,0194252707517,0,1,4.4.9,1,,1,12,4\r\n"
             ",True,No SKU,d,0194252707517,0,1,1.00,1,,1,12,4\r\n"
             "BAD-EAN,True,X,d,12345,0,1,1.00,1,,1,12,4\r\n"
             "SHORT,True\r\n"
             "\r\n"
             "MB-AIR,False,MacBook Air,d,0194252707517,2.5,,999.99,0,2,-1,"
             "24,8\r\n");
  memset(&re, 0, sizeof(re));
  CU_ASSERT_EQUAL(hs_products_import_csv(h, "Acme", csv, 2, row_err, &re,
                                         &st, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(st.rows_ok, 3);
  CU_ASSERT_EQUAL(st.rows_bad, 4);
  CU_ASSERT_EQUAL(st.rows_created, 3);
  CU_ASSERT_EQUAL_FATAL(re.n, 4);
  /* The quoted two-line description pushes later rows down one line. */
  CU_ASSERT_EQUAL(re.lines[0], 5);
  CU_ASSERT_PTR_NOT_NULL(strstr(re.msgs[0], "BackmarketPrice"));
  CU_ASSERT_EQUAL(re.lines[1], 6);
  CU_ASSERT_PTR_NOT_NULL(strstr(re.msgs[1], "ProductID"));
  CU_ASSERT_EQUAL(re.lines[2], 7);
  CU_ASSERT_PTR_NOT_NULL(strstr(re.msgs[2], "EAN"));
  CU_ASSERT_EQUAL(re.lines[3], 8);
  CU_ASSERT_PTR_NOT_NULL(strstr(re.msgs[3], "fields"));
  CU_ASSERT_EQUAL(hs_products_count(h, "Acme", &n), BMC_OK);
  CU_ASSERT_EQUAL(n, 3);

  memset(&g, 0, sizeof(g));
  CU_ASSERT_EQUAL(hs_product_get(h, "Acme", "IP13-128-A", got_cb, &g),
                  BMC_OK);
  CU_ASSERT_STRING_EQUAL(g.title, "iPhone 13 128GB");
  CU_ASSERT_STRING_EQUAL(g.weight, "0.375"); /* 6 oz */
  CU_ASSERT_STRING_EQUAL(g.price, "449.00");
  CU_ASSERT_EQUAL(g.enabled, 1);
  CU_ASSERT_EQUAL(g.safety, -1); /* company default */
  CU_ASSERT_EQUAL(g.warranty, 12);
  CU_ASSERT_EQUAL(g.qty, 5);
  CU_ASSERT_EQUAL(hs_product_get(h, "Acme", "IP13-128-B", got_cb, &g),
                  BMC_OK);
  CU_ASSERT_STRING_EQUAL(g.weight, "1.500"); /* 1 lb 8 oz */
  CU_ASSERT_STRING_EQUAL(g.grade, "STALLONE");
  CU_ASSERT_EQUAL(g.safety, 1);
  CU_ASSERT_EQUAL(g.ram, -1);
  CU_ASSERT_EQUAL(hs_product_get(h, "Acme", "MB-AIR", got_cb, &g), BMC_OK);
  CU_ASSERT_EQUAL(g.qty, -1); /* negative stock is kept as entered */
  CU_ASSERT_EQUAL(g.enabled, 0);
  CU_ASSERT_EQUAL(hs_product_get(h, "Acme", "BAD-PRICE", got_cb, &g),
                  BMC_ERR_NOT_FOUND);
}

static void
test_reimport_updates(void)
{
  char csv[512], err[512];
  struct hs_import_stats st;
  struct got g;
  int64_t n = 0;

  snprintf(csv, sizeof(csv), "%s/qty.csv", dir);
  /* Only the quantity column: titles and prices stay. */
  write_file(csv, "SKU,AvailableQty\nIP13-128-A,42\n");
  CU_ASSERT_EQUAL(hs_products_import_csv(h, "Acme", csv, 0, NULL, NULL, &st,
                                         err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(st.rows_ok, 1);
  CU_ASSERT_EQUAL(st.rows_created, 0);
  CU_ASSERT_EQUAL(hs_products_count(h, "Acme", &n), BMC_OK);
  CU_ASSERT_EQUAL(n, 3);
  CU_ASSERT_EQUAL(hs_product_get(h, "Acme", "IP13-128-A", got_cb, &g),
                  BMC_OK);
  CU_ASSERT_EQUAL(g.qty, 42);
  CU_ASSERT_STRING_EQUAL(g.title, "iPhone 13 128GB");
  CU_ASSERT_STRING_EQUAL(g.price, "449.00");

  CU_ASSERT_EQUAL(hs_stock_set(h, "Acme", "IP13-128-A", 7), BMC_OK);
  CU_ASSERT_EQUAL(hs_product_get(h, "Acme", "IP13-128-A", got_cb, &g),
                  BMC_OK);
  CU_ASSERT_EQUAL(g.qty, 7);
  CU_ASSERT_EQUAL(hs_stock_set(h, "Acme", "NOPE", 7), BMC_ERR_NOT_FOUND);
}

static void
test_bad_header(void)
{
  char csv[512], err[512];
  struct hs_import_stats st;

  snprintf(csv, sizeof(csv), "%s/hdr.csv", dir);
  write_file(csv, "ProductID,Colour\nX,red\n");
  err[0] = '\0';
  CU_ASSERT_EQUAL(hs_products_import_csv(h, "Acme", csv, 0, NULL, NULL, &st,
                                         err, sizeof(err)),
                  BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "Colour"));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 1"));
  CU_ASSERT_EQUAL(st.rows_ok, 0);

  write_file(csv, "BackmarketTitle\nNo key column\n");
  CU_ASSERT_EQUAL(hs_products_import_csv(h, "Acme", csv, 0, NULL, NULL, &st,
                                         err, sizeof(err)),
                  BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "ProductID"));

  snprintf(csv, sizeof(csv), "%s/missing.csv", dir);
  CU_ASSERT_EQUAL(hs_products_import_csv(h, "Acme", csv, 0, NULL, NULL, &st,
                                         err, sizeof(err)),
                  BMC_ERR_NOT_FOUND);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "missing.csv"));
}

static void
test_plugin_props(void)
{
  const struct bmc_host_api *api;
  void *ctx;
  char buf[64];
  struct got g;

  CU_ASSERT_EQUAL_FATAL(hs_host_services(h, "Acme", "tplug", &api, &ctx),
                        BMC_OK);
  CU_ASSERT_EQUAL(api->product_set(ctx, "IP13-128-A", "bm_listing_id",
                                   "L-991"), BMC_OK);
  CU_ASSERT_EQUAL(api->product_set(ctx, "IP13-128-A", "ready_to_post",
                                   "No"), BMC_OK);
  CU_ASSERT_EQUAL(api->product_set(ctx, "IP13-128-A", "ready_to_post",
                                   "Maybe"), BMC_ERR_INVALID_ARG);
  CU_ASSERT_EQUAL(api->product_set(ctx, "IP13-128-A", "price", "1.00"),
                  BMC_ERR_INVALID_ARG);
  CU_ASSERT_EQUAL(api->product_set(ctx, "NOPE", "ready_to_post", "No"),
                  BMC_ERR_NOT_FOUND);
  CU_ASSERT_EQUAL(hs_product_prop_get(h, "Acme", "tplug", "IP13-128-A",
                                      "ready_to_post", buf, sizeof(buf)),
                  BMC_OK);
  CU_ASSERT_STRING_EQUAL(buf, "No");
  CU_ASSERT_EQUAL(api->product_get(ctx, "IP13-128-A", got_cb, &g), BMC_OK);
  CU_ASSERT_STRING_EQUAL(g.listing, "L-991");
}

/* A NUL byte in a field used to cut the SKU short: "SKU-B\0X" became
 * "SKU-B" and overwrote another product.  Now the row is refused with
 * its line, nothing of it is written, the other rows import; control
 * characters in a SKU are refused, line breaks in a description kept. */
static void
test_nul_and_control_bytes(void)
{
  static const char part1[] = "ProductID,AvailableQty,BackmarketTitle\n"
                              "SKU-A,5,Phone A\n"
                              "SKU-B,7,Phone B\n";
  static const char part2[] = "SKU-B\0EVIL,99,Overwrite\n"
                              "SKU-C,3,\"Two\nlines\"\n"
                              "SKU\x01" "D,4,Ctrl\n"
                              "SKU-E,6,Tab\there\n";
  char csv[512], err[512];
  struct hs_import_stats st;
  struct rowerrs re;
  struct got g;
  FILE *f;

  snprintf(csv, sizeof(csv), "%s/nul.csv", dir);
  f = fopen(csv, "wb");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  CU_ASSERT_EQUAL(fwrite(part1, 1, sizeof(part1) - 1, f), sizeof(part1) - 1);
  CU_ASSERT_EQUAL(fwrite(part2, 1, sizeof(part2) - 1, f), sizeof(part2) - 1);
  CU_ASSERT_EQUAL(fclose(f), 0);
  memset(&re, 0, sizeof(re));
  CU_ASSERT_EQUAL(hs_products_import_csv(h, "Acme", csv, 0, row_err, &re,
                                         &st, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(st.rows_bad, 2);
  CU_ASSERT_EQUAL(st.rows_ok, 4);
  CU_ASSERT_EQUAL_FATAL(re.n, 2);
  CU_ASSERT_EQUAL(re.lines[0], 4);
  CU_ASSERT_PTR_NOT_NULL(strstr(re.msgs[0], "field 1 (ProductID) contains a "
                                "NUL byte"));
  CU_ASSERT_EQUAL(re.lines[1], 7);
  CU_ASSERT_PTR_NOT_NULL(strstr(re.msgs[1], "ProductID contains a control "
                                "character (byte 0x01 at offset 3)"));
  /* SKU-B kept its own values. */
  memset(&g, 0, sizeof(g));
  CU_ASSERT_EQUAL(hs_product_get(h, "Acme", "SKU-B", got_cb, &g), BMC_OK);
  CU_ASSERT_EQUAL(g.qty, 7);
  CU_ASSERT_STRING_EQUAL(g.title, "Phone B");
  memset(&g, 0, sizeof(g));
  CU_ASSERT_EQUAL(hs_product_get(h, "Acme", "SKU-C", got_cb, &g), BMC_OK);
  CU_ASSERT_STRING_EQUAL(g.title, "Two\nlines");
  memset(&g, 0, sizeof(g));
  CU_ASSERT_EQUAL(hs_product_get(h, "Acme", "SKU-E", got_cb, &g), BMC_OK);
  CU_ASSERT_STRING_EQUAL(g.title, "Tab\there");

  /* A NUL in the header: the file is refused with file:line. */
  f = fopen(csv, "wb");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  CU_ASSERT_EQUAL(fwrite("ProductID,Avail\0ableQty\nSKU-Z,1\n", 1, 32, f),
                  32);
  CU_ASSERT_EQUAL(fclose(f), 0);
  err[0] = '\0';
  CU_ASSERT_EQUAL(hs_products_import_csv(h, "Acme", csv, 0, row_err, &re,
                                         &st, err, sizeof(err)),
                  BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "nul.csv:1: column 2 of the header "
                                "contains a NUL byte"));
  CU_ASSERT_EQUAL(hs_product_get(h, "Acme", "SKU-Z", got_cb, &g),
                  BMC_ERR_NOT_FOUND);
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"host_import", "good and bad rows", test_good_and_bad_rows},
    {"host_import", "re-import updates", test_reimport_updates},
    {"host_import", "bad header", test_bad_header},
    {"host_import", "plugin properties", test_plugin_props},
    {"host_import", "NUL and control bytes refused",
     test_nul_and_control_bytes},
  };

  return cu_main(cases, CU_CASES_N(cases), setup, teardown, argc, argv);
}
