/*
 * test_import.c -- products: Bulk Update CSV import of the host's own
 * columns and of a plugin's declared property columns (per-market columns
 * "<Column>_<market>", an alias column, bools and enums as sellers write
 * them), good rows land and bad rows are reported with their line number
 * and the column, re-import updates instead of duplicating, absent
 * columns are left alone, unknown and plugin-owned columns refuse the
 * file, weights combine WeightLbs + WeightOz; export and re-import give
 * the same catalog; property writes by users and plugins follow the
 * declaration (plugin-owned, markets, SKU alias lookups); a NUL byte or
 * control character in a field never reaches the store.
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

static char *
read_file(const char *path)
{
  FILE *f = fopen(path, "r");
  char *buf = calloc(1, 65536);
  size_t n;

  if(!f || !buf) {
    if(f)
      fclose(f);
    free(buf);
    return NULL;
  }
  n = fread(buf, 1, 65535, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

/* A product as tplug sees it: generic fields and "key@market=value;". */
struct got {
  char title[128], weight[32], props[1024];
  int ram;
  int64_t qty;
};

static int
got_cb(void *ud, const struct bmc_product *p)
{
  struct got *g = ud;
  size_t i, n = 0;

  snprintf(g->title, sizeof(g->title), "%s", p->title ? p->title : "");
  snprintf(g->weight, sizeof(g->weight), "%s",
           p->weight_lbs ? p->weight_lbs : "");
  g->props[0] = '\0';
  for(i = 0; i < p->n_props; i++)
    n += (size_t)snprintf(g->props + n, sizeof(g->props) - n, "%s%s%s=%s;",
                          p->props[i].key, p->props[i].market[0] ? "@" : "",
                          p->props[i].market, p->props[i].value);
  g->ram = p->ram_gb;
  g->qty = p->available_qty;
  return 0;
}

static struct got
get(const char *company, const char *sku, int *rc)
{
  struct got g;

  memset(&g, 0, sizeof(g));
  *rc = hs_product_get_for(h, company, "tplug", sku, got_cb, &g);
  return g;
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
  int rc;

  snprintf(csv, sizeof(csv), "%s/bulk.csv", dir);
  write_file(csv,
             "ProductID,ShopListed,Title,Description,EAN,WeightLbs,WeightOz,"
             "ShopPrice,ShopPrice_UK,Cond,ShopCap,AvailableQty,RAMGB,"
             "ShopListed_us\r\n"
             "IP13-128-A,True,iPhone 13 128GB,\"Good, tested\",0194252707517,"
             "0,6,449.00,389.00,Used,,5,4,\r\n"
             "IP13-128-B,yes,iPhone 13,\"two\nlines\",0194252707517,1,8,"
             "449.5,,refurbished,1,3,,no\r\n"
             "BAD-PRICE,True,X,d,0194252707517,0,1,4.4.9,,used,,1,4,\r\n"
             ",True,No SKU,d,0194252707517,0,1,1.00,,used,,1,4,\r\n"
             "BAD-EAN,True,X,d,12345,0,1,1.00,,used,,1,4,\r\n"
             "SHORT,True\r\n"
             "\r\n"
             "BAD-UK,True,X,d,0194252707517,0,1,1.00,12.345,used,,1,4,\r\n"
             "BAD-COND,True,X,d,0194252707517,0,1,1.00,,broken,,1,4,\r\n"
             "BAD-CAP,True,X,d,0194252707517,0,1,1.00,,used,101,1,4,\r\n"
             "MB-AIR,False,MacBook Air,d,0194252707517,2.5,,999.99,,new,2,-1,"
             "8,True\r\n");
  memset(&re, 0, sizeof(re));
  CU_ASSERT_EQUAL(hs_products_import_csv(h, "Acme", csv, 2, row_err, &re,
                                         &st, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(st.rows_ok, 3);
  CU_ASSERT_EQUAL(st.rows_bad, 7);
  CU_ASSERT_EQUAL(st.rows_created, 3);
  CU_ASSERT_EQUAL_FATAL(re.n, 7);
  /* the quoted two-line description pushes later rows down one line; each
   * message names the column */
  CU_ASSERT_EQUAL(re.lines[0], 5);
  CU_ASSERT_PTR_NOT_NULL(strstr(re.msgs[0], "ShopPrice: expected a decimal"));
  CU_ASSERT_EQUAL(re.lines[1], 6);
  CU_ASSERT_PTR_NOT_NULL(strstr(re.msgs[1], "ProductID"));
  CU_ASSERT_EQUAL(re.lines[2], 7);
  CU_ASSERT_PTR_NOT_NULL(strstr(re.msgs[2], "EAN"));
  CU_ASSERT_EQUAL(re.lines[3], 8);
  CU_ASSERT_PTR_NOT_NULL(strstr(re.msgs[3], "fields"));
  CU_ASSERT_EQUAL(re.lines[4], 10);
  CU_ASSERT_PTR_NOT_NULL(strstr(re.msgs[4], "ShopPrice_UK: expected at most "
                                "2 decimals"));
  CU_ASSERT_EQUAL(re.lines[5], 11);
  CU_ASSERT_PTR_NOT_NULL(strstr(re.msgs[5], "Cond: expected one of "
                                "new|used|refurbished, found 'broken'"));
  CU_ASSERT_EQUAL(re.lines[6], 12);
  CU_ASSERT_PTR_NOT_NULL(strstr(re.msgs[6], "ShopCap: out of range"));
  CU_ASSERT_EQUAL(hs_products_count(h, "Acme", &n), BMC_OK);
  CU_ASSERT_EQUAL(n, 3);

  g = get("Acme", "IP13-128-A", &rc);
  CU_ASSERT_EQUAL(rc, BMC_OK);
  CU_ASSERT_STRING_EQUAL(g.title, "iPhone 13 128GB");
  CU_ASSERT_STRING_EQUAL(g.weight, "0.375"); /* 6 oz */
  CU_ASSERT_EQUAL(g.qty, 5);
  /* bool and enum in the declared spelling; the uk market in its declared
   * case; empty cells left nothing */
  CU_ASSERT_STRING_EQUAL(g.props, "condition=used;listed=true;price=449.00;"
                         "price@uk=389.00;");
  g = get("Acme", "IP13-128-B", &rc);
  CU_ASSERT_STRING_EQUAL(g.weight, "1.500"); /* 1 lb 8 oz */
  CU_ASSERT_STRING_EQUAL(g.props, "cap=1;condition=refurbished;listed=true;"
                         "listed@us=false;price=449.5;");
  CU_ASSERT_EQUAL(g.ram, -1);
  g = get("Acme", "MB-AIR", &rc);
  CU_ASSERT_EQUAL(g.qty, -1); /* negative stock is kept as entered */
  CU_ASSERT_STRING_EQUAL(g.props, "cap=2;condition=new;listed=false;"
                         "listed@us=true;price=999.99;");
  get("Acme", "BAD-PRICE", &rc);
  CU_ASSERT_EQUAL(rc, BMC_ERR_NOT_FOUND);
}

static void
test_reimport_updates(void)
{
  char csv[512], err[512];
  struct hs_import_stats st;
  struct got g;
  int64_t n = 0;
  int rc;

  snprintf(csv, sizeof(csv), "%s/qty.csv", dir);
  /* Only the quantity column: titles and properties stay. */
  write_file(csv, "SKU,AvailableQty\nIP13-128-A,42\n");
  CU_ASSERT_EQUAL(hs_products_import_csv(h, "Acme", csv, 0, NULL, NULL, &st,
                                         err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(st.rows_ok, 1);
  CU_ASSERT_EQUAL(st.rows_created, 0);
  CU_ASSERT_EQUAL(hs_products_count(h, "Acme", &n), BMC_OK);
  CU_ASSERT_EQUAL(n, 3);
  g = get("Acme", "IP13-128-A", &rc);
  CU_ASSERT_EQUAL(g.qty, 42);
  CU_ASSERT_STRING_EQUAL(g.title, "iPhone 13 128GB");
  CU_ASSERT_PTR_NOT_NULL(strstr(g.props, "price@uk=389.00;"));
  /* an empty cell clears a property; "default" clears a number */
  write_file(csv, "SKU,ShopPrice_uk,ShopCap\nIP13-128-B,,default\n"
             "IP13-128-A,,\n");
  CU_ASSERT_EQUAL(hs_products_import_csv(h, "Acme", csv, 0, NULL, NULL, &st,
                                         err, sizeof(err)), BMC_OK);
  g = get("Acme", "IP13-128-A", &rc);
  CU_ASSERT_PTR_NULL(strstr(g.props, "price@uk"));
  g = get("Acme", "IP13-128-B", &rc);
  CU_ASSERT_PTR_NULL(strstr(g.props, "cap="));

  CU_ASSERT_EQUAL(hs_stock_set(h, "Acme", "IP13-128-A", 7), BMC_OK);
  g = get("Acme", "IP13-128-A", &rc);
  CU_ASSERT_EQUAL(g.qty, 7);
  CU_ASSERT_EQUAL(hs_stock_set(h, "Acme", "NOPE", 7), BMC_ERR_NOT_FOUND);
}

static void
expect_header_refused(const char *text, const char *needle)
{
  char csv[512], err[512];
  struct hs_import_stats st;

  snprintf(csv, sizeof(csv), "%s/hdr.csv", dir);
  write_file(csv, text);
  err[0] = '\0';
  CU_ASSERT_EQUAL(hs_products_import_csv(h, "Acme", csv, 0, NULL, NULL, &st,
                                         err, sizeof(err)),
                  BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 1"));
  if(!strstr(err, needle))
    fprintf(stderr, "\n  got: %s\n  wanted: %s\n", err, needle);
  CU_ASSERT_EQUAL(st.rows_ok, 0);
}

static void
test_bad_header(void)
{
  char csv[512], err[512];
  struct hs_import_stats st;

  expect_header_refused("ProductID,Colour\nX,red\n", "'Colour' is not a "
                        "known Bulk Update column");
  /* a market the plugin does not declare, a global property per market */
  expect_header_refused("ProductID,ShopPrice_fr\nX,1\n", "'ShopPrice_fr'");
  expect_header_refused("ProductID,ShopCap_us\nX,1\n", "'ShopCap_us'");
  /* plugin-owned: read-only */
  expect_header_refused("ProductID,ShopId_us\nX,1\n", "'ShopId_us' is "
                        "written by the tplug plugin only");
  expect_header_refused("ProductID,ShopCondition,Cond\nX,new,new\n",
                        "repeats column 2");
  expect_header_refused("Title\nNo key column\n", "ProductID");

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
  char buf[64], err[256];
  struct got g;

  CU_ASSERT_EQUAL_FATAL(hs_host_services(h, "Acme", "tplug", &api, &ctx),
                        BMC_OK);
  /* plugin-owned, per market */
  CU_ASSERT_EQUAL(api->product_set(ctx, "IP13-128-A", "shop_id", "us",
                                   "S-991"), BMC_OK);
  CU_ASSERT_EQUAL(api->product_set(ctx, "IP13-128-A", "shop_id", NULL,
                                   "S-990"), BMC_OK);
  CU_ASSERT_EQUAL(hs_product_prop_get_market(h, "Acme", "tplug", "IP13-128-A",
                                             "shop_id", "us", buf,
                                             sizeof(buf)), BMC_OK);
  CU_ASSERT_STRING_EQUAL(buf, "S-991");
  CU_ASSERT_EQUAL(hs_product_prop_get(h, "Acme", "tplug", "IP13-128-A",
                                      "shop_id", buf, sizeof(buf)), BMC_OK);
  CU_ASSERT_STRING_EQUAL(buf, "S-990");
  /* refused: not plugin-owned, undeclared key or market, bad value */
  CU_ASSERT_EQUAL(api->product_set(ctx, "IP13-128-A", "price", NULL, "1.00"),
                  BMC_ERR_INVALID_ARG);
  CU_ASSERT_EQUAL(api->product_set(ctx, "IP13-128-A", "bm_listing_id", NULL,
                                   "L-1"), BMC_ERR_INVALID_ARG);
  CU_ASSERT_EQUAL(api->product_set(ctx, "IP13-128-A", "shop_id", "fr",
                                   "S-1"), BMC_ERR_INVALID_ARG);
  CU_ASSERT_EQUAL(api->product_set(ctx, "IP13-128-A", "shop_id", NULL,
                                   "0123456789012345678901234567890123456789"
                                   "X"), BMC_ERR_INVALID_ARG);
  CU_ASSERT_EQUAL(api->product_set(ctx, "NOPE", "shop_id", NULL, "S-1"),
                  BMC_ERR_NOT_FOUND);
  /* users: plugin-owned refused, declaration checked, message names it */
  CU_ASSERT_EQUAL(hs_product_prop_set(h, "Acme", "tplug", "IP13-128-A",
                                      "shop_id", NULL, "X", err,
                                      sizeof(err)), BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "shop_id: written by the tplug plugin"));
  CU_ASSERT_EQUAL(hs_product_prop_set(h, "Acme", "tplug", "IP13-128-A",
                                      "cap", "us", "3", err, sizeof(err)),
                  BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "cap: has one value for every market"));
  CU_ASSERT_EQUAL(hs_product_prop_set(h, "Acme", "tplug", "IP13-128-A",
                                      "price", "de", "3", err, sizeof(err)),
                  BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "market 'de' is not one of"));
  CU_ASSERT_EQUAL(hs_product_prop_set(h, "Acme", "tplug", "IP13-128-A",
                                      "condition", NULL, "mint", err,
                                      sizeof(err)), BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "condition: expected one of"));
  /* the SKU alias finds the product, for the plugin and the library */
  CU_ASSERT_EQUAL(hs_product_prop_set(h, "Acme", "tplug", "IP13-128-A",
                                      "shop_sku", NULL, "SHOP-A", err,
                                      sizeof(err)), BMC_OK);
  memset(&g, 0, sizeof(g));
  CU_ASSERT_EQUAL(api->product_get(ctx, "SHOP-A", got_cb, &g), BMC_OK);
  CU_ASSERT_STRING_EQUAL(g.title, "iPhone 13 128GB");
  CU_ASSERT_PTR_NOT_NULL(strstr(g.props, "shop_id@us=S-991;"));
  CU_ASSERT_EQUAL(api->product_set(ctx, "SHOP-A", "shop_id", "uk", "S-7"),
                  BMC_OK);
  /* a changed alias no longer finds it under the old one */
  CU_ASSERT_EQUAL(hs_product_prop_set(h, "Acme", "tplug", "IP13-128-A",
                                      "shop_sku", NULL, "SHOP-A2", err,
                                      sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(api->product_get(ctx, "SHOP-A", got_cb, &g),
                  BMC_ERR_NOT_FOUND);
  CU_ASSERT_EQUAL(api->product_get(ctx, "SHOP-A2", got_cb, &g), BMC_OK);
}

/* Export, import into another company, export again: the same file; and
 * every value of the first company is in the second. */
static void
test_export_round_trip(void)
{
  char a[512], b[512], err[512];
  char *ta, *tb;
  struct hs_import_stats st;
  int64_t rows = 0;
  struct got g1, g2;
  int rc;

  snprintf(a, sizeof(a), "%s/export-a.csv", dir);
  snprintf(b, sizeof(b), "%s/export-b.csv", dir);
  CU_ASSERT_EQUAL_FATAL(hs_products_export_csv(h, "Acme", a, &rows, err,
                                               sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(rows, 3);
  ta = read_file(a);
  CU_ASSERT_PTR_NOT_NULL_FATAL(ta);
  /* host columns first, then tplug's: per-market columns for the markets
   * in use; the plugin-owned shop_id is not exported */
  CU_ASSERT_PTR_NOT_NULL(strstr(ta, "ProductID,Title,Description,EAN,"
                                "WeightLbs,WeightOz,GalleryImageURL,"
                                "SitePrice,AvailableQty,DeviceType,CPU,"
                                "StorageType,StorageGB,RAMGB,ReleaseYear,"
                                "ShopListed,ShopListed_us,ShopSKU,"
                                "ShopCondition,ShopCap,ShopPrice\r\n"));
  CU_ASSERT_PTR_NULL(strstr(ta, "ShopId"));
  CU_ASSERT_PTR_NOT_NULL(strstr(ta, "\"two\nlines\""));
  CU_ASSERT_EQUAL(hs_company_add(h, "Copy", NULL), BMC_OK);
  CU_ASSERT_EQUAL(hs_products_import_csv(h, "Copy", a, 0, NULL, NULL, &st,
                                         err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(st.rows_ok, 3);
  CU_ASSERT_EQUAL(st.rows_bad, 0);
  CU_ASSERT_EQUAL(hs_products_export_csv(h, "Copy", b, &rows, err,
                                         sizeof(err)), BMC_OK);
  tb = read_file(b);
  CU_ASSERT_PTR_NOT_NULL_FATAL(tb);
  CU_ASSERT_STRING_EQUAL(ta, tb);
  free(ta);
  free(tb);
  g1 = get("Acme", "IP13-128-B", &rc);
  g2 = get("Copy", "IP13-128-B", &rc);
  CU_ASSERT_EQUAL(rc, BMC_OK);
  CU_ASSERT_STRING_EQUAL(g1.props, g2.props);
  CU_ASSERT_STRING_EQUAL(g1.weight, g2.weight);
  /* a per-market value round-trips too */
  CU_ASSERT_EQUAL(hs_product_prop_set(h, "Acme", "tplug", "MB-AIR", "price",
                                      "uk", "849.00", err, sizeof(err)),
                  BMC_OK);
  CU_ASSERT_EQUAL(hs_products_export_csv(h, "Acme", a, &rows, err,
                                         sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_products_import_csv(h, "Copy", a, 0, NULL, NULL, &st,
                                         err, sizeof(err)), BMC_OK);
  g2 = get("Copy", "MB-AIR", &rc);
  CU_ASSERT_PTR_NOT_NULL(strstr(g2.props, "price@uk=849.00;"));
  CU_ASSERT_EQUAL(hs_products_export_csv(h, "Nope", a, &rows, err,
                                         sizeof(err)), BMC_ERR_NOT_FOUND);
}

/* A NUL byte in a field used to cut the SKU short: "SKU-B\0X" became
 * "SKU-B" and overwrote another product.  Now the row is refused with
 * its line, nothing of it is written, the other rows import; control
 * characters in a SKU are refused, line breaks in a description kept. */
static void
test_nul_and_control_bytes(void)
{
  static const char part1[] = "ProductID,AvailableQty,Title,ShopSKU\n"
                              "SKU-A,5,Phone A,\n"
                              "SKU-B,7,Phone B,\n";
  static const char part2[] = "SKU-B\0EVIL,99,Overwrite,\n"
                              "SKU-C,3,\"Two\nlines\",\n"
                              "SKU\x01" "D,4,Ctrl,\n"
                              "SKU-E,6,Tab\there,\n"
                              "SKU-F,1,Prop,SHOP\x02" "F\n";
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
  CU_ASSERT_EQUAL(st.rows_bad, 3);
  CU_ASSERT_EQUAL(st.rows_ok, 4);
  CU_ASSERT_EQUAL_FATAL(re.n, 3);
  CU_ASSERT_EQUAL(re.lines[0], 4);
  CU_ASSERT_PTR_NOT_NULL(strstr(re.msgs[0], "field 1 (ProductID) contains a "
                                "NUL byte"));
  CU_ASSERT_EQUAL(re.lines[1], 7);
  CU_ASSERT_PTR_NOT_NULL(strstr(re.msgs[1], "ProductID contains a control "
                                "character (byte 0x01 at offset 3)"));
  /* a plugin property column is checked the same way, named */
  CU_ASSERT_EQUAL(re.lines[2], 9);
  CU_ASSERT_PTR_NOT_NULL(strstr(re.msgs[2], "ShopSKU: contains a control "
                                "character (byte 0x02 at offset 4)"));
  CU_ASSERT_EQUAL(hs_product_get(h, "Acme", "SKU-F", got_cb, &g),
                  BMC_ERR_NOT_FOUND);
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
    {"host_import", "export round trip", test_export_round_trip},
    {"host_import", "NUL and control bytes refused",
     test_nul_and_control_bytes},
  };

  return cu_main(cases, CU_CASES_N(cases), setup, teardown, argc, argv);
}
