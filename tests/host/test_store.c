/*
 * test_store.c -- the host store: a new store is migrated to the current
 * version, reopening runs no migration, an older store is upgraded, a
 * newer one is refused; a store saved by main before ABI 2.0
 * (tests/fixtures/stores/store_v3.db) is upgraded in place and every
 * product value is still there and visible to the Back Market plugin as
 * its properties; companies, plugin enablement and the plugin list.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "hs_db.h"
#include "th.h"
#include "cu_main.h"

#define SAVED_STORE BMC_SOURCE_DIR "/tests/fixtures/stores/store_v3.db"

static char dir[256];

static int
count_rows(const char *db, const char *sql)
{
  sqlite3 *s = NULL;
  sqlite3_stmt *st = NULL;
  int n = -1;

  if(sqlite3_open(db, &s) == SQLITE_OK &&
     sqlite3_prepare_v2(s, sql, -1, &st, NULL) == SQLITE_OK &&
     sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(s);
  return n;
}

static int
exec_sql(const char *db, const char *sql)
{
  sqlite3 *s = NULL;
  int rc = -1;

  if(sqlite3_open(db, &s) == SQLITE_OK)
    rc = sqlite3_exec(s, sql, NULL, NULL, NULL);
  sqlite3_close(s);
  return rc;
}

static void
test_migrations(void)
{
  char db[512], err[512];
  struct hs_host *h;
  struct hs_options o;
  int ver;

  th_tmpdir(dir, sizeof(dir));
  snprintf(db, sizeof(db), "%s/host.db", dir);
  h = th_open(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  ver = hs_store_version(h);
  CU_ASSERT(ver >= 8);
  hs_host_close(h);
  CU_ASSERT_EQUAL(count_rows(db, "SELECT COUNT(*) FROM migrations"), ver);

  /* Reopening applies nothing new. */
  h = th_open(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  hs_host_close(h);
  CU_ASSERT_EQUAL(count_rows(db, "SELECT COUNT(*) FROM migrations"), ver);

  /* A store at version 1 (before migrations 2 to 8: the saved store,
   * saved at version 3 before 4 to 8 existed, with 2 and 3 undone) is
   * upgraded on open, keeping its data. */
  CU_ASSERT_FATAL(th_copy_file(SAVED_STORE, db));
  CU_ASSERT_EQUAL(exec_sql(db, "DROP INDEX error_queue_cp;"
                           " DROP INDEX orders_src;"
                           " INSERT INTO companies(name, created_ms)"
                           " VALUES('Old Co', 1);"
                           " DELETE FROM migrations WHERE version >= 2"),
                  SQLITE_OK);
  CU_ASSERT_EQUAL(count_rows(db, "SELECT COUNT(*) FROM sqlite_master WHERE"
                             " name IN ('error_queue_cp', 'orders_src')"),
                  0);
  h = th_open(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_EQUAL(hs_store_version(h), ver);
  CU_ASSERT_EQUAL(hs_company_find(h, "Old Co", NULL), BMC_OK);
  CU_ASSERT_EQUAL(hs_company_find(h, "Old Shop", NULL), BMC_OK);
  hs_host_close(h);
  CU_ASSERT_EQUAL(count_rows(db, "SELECT COUNT(*) FROM sqlite_master WHERE"
                             " name IN ('error_queue_cp', 'orders_src')"),
                  2);
  CU_ASSERT_EQUAL(count_rows(db, "SELECT COUNT(*) FROM migrations"), ver);

  /* A store from a newer host-sim is refused with a clear message. */
  CU_ASSERT_EQUAL(exec_sql(db, "INSERT INTO migrations VALUES(999, 0)"),
                  SQLITE_OK);
  memset(&o, 0, sizeof(o));
  o.db_path = db;
  o.schema_dir = BMC_SCHEMA_DIR;
  h = NULL;
  CU_ASSERT_EQUAL(hs_host_open(&o, &h, err, sizeof(err)), BMC_ERR_CONFLICT);
  CU_ASSERT_PTR_NULL(h);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "newer"));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "host.db"));
  th_rmdir(dir);
}

/* ---- the store saved by main before ABI 2.0 ---- */

/* A product as the Back Market plugin sees it: "key[@market]=value;". */
struct mig_got {
  char generic[512], props[2048];
};

static int
mig_cb(void *ud, const struct bmc_product *p)
{
  struct mig_got *g = ud;
  size_t i, n = 0;

  snprintf(g->generic, sizeof(g->generic), "%s|%s|%s|%s|%s|%s|%lld|%s|%s|"
           "%s|%d|%d|%d", p->sku, p->title ? p->title : "",
           p->description ? p->description : "", p->ean ? p->ean : "",
           p->weight_lbs ? p->weight_lbs : "", p->site_price ? p->site_price
                                                             : "",
           (long long)p->available_qty, p->device_type ? p->device_type : "",
           p->cpu ? p->cpu : "", p->storage_type ? p->storage_type : "",
           p->storage_gb, p->ram_gb, p->release_year);
  g->props[0] = '\0';
  for(i = 0; i < p->n_props; i++)
    n += (size_t)snprintf(g->props + n, sizeof(g->props) - n, "%s%s%s=%s;",
                          p->props[i].key, p->props[i].market[0] ? "@" : "",
                          p->props[i].market, p->props[i].value);
  return 0;
}

/* SKUs of a catalog search, "A,B," */
static int
mig_page_cb(void *ud, const struct hs_product_row *r)
{
  size_t n = strlen(ud);

  snprintf((char *)ud + n, 256 - n, "%s,", r->sku);
  return 0;
}

/* The catalog search (FTS5 trigram index of migration 4) still finds
 * products by title and SKU after migration 8 dropped columns of
 * products, and follows later writes (its triggers). */
static void
mig_check_search(struct hs_host *h, const char *company)
{
  struct hs_product p;
  char skus[256], err[256];
  int64_t total = 0;

  skus[0] = '\0';
  CU_ASSERT_EQUAL(hs_products_page(h, company, "iPhone 12", 0, 10,
                                   mig_page_cb, skus, &total), BMC_OK);
  CU_ASSERT_STRING_EQUAL(skus, "MIG-1,");
  hs_product_init(&p);
  p.sku = "MIG-NEW";
  p.title = "Pixel 8 Pro";
  CU_ASSERT_EQUAL(hs_product_upsert(h, company, &p, NULL, err, sizeof(err)),
                  BMC_OK);
  skus[0] = '\0';
  CU_ASSERT_EQUAL(hs_products_page(h, company, "xel 8", 0, 10, mig_page_cb,
                                   skus, &total), BMC_OK);
  CU_ASSERT_STRING_EQUAL(skus, "MIG-NEW,");
  p.title = "Pixel 9";
  CU_ASSERT_EQUAL(hs_product_upsert(h, company, &p, NULL, err, sizeof(err)),
                  BMC_OK);
  skus[0] = '\0';
  CU_ASSERT_EQUAL(hs_products_page(h, company, "xel 8", 0, 10, mig_page_cb,
                                   skus, &total), BMC_OK);
  CU_ASSERT_STRING_EQUAL(skus, "");
  skus[0] = '\0';
  CU_ASSERT_EQUAL(hs_products_page(h, company, "MIG-", 0, 10, mig_page_cb,
                                   skus, &total), BMC_OK);
  CU_ASSERT_EQUAL(total, 4);
}

static struct hs_host *
mig_open(const char *db, char *err, size_t errlen)
{
  struct hs_options o;
  struct hs_host *h = NULL;

  memset(&o, 0, sizeof(o));
  o.db_path = db;
  o.schema_dir = BMC_SCHEMA_DIR;
  o.plugin_dir = BMC_PLUGIN_DIR;
  o.virtual_clock = 1;
  return hs_host_open(&o, &h, err, errlen) ? NULL : h;
}

static void
test_saved_store_upgrade(void)
{
  static const char *const generic_cols[] = {
    "id", "company_id", "sku", "title", "description", "ean", "image_url",
    "weight_lbs", "weight_oz", "site_price", "available_qty", "device_type",
    "cpu", "storage_type", "storage_gb", "ram_gb", "release_year",
    "updated_ms", "change_seq"};
  const struct bmc_host_api *api;
  struct mig_got g;
  struct hs_host *h;
  char db[512], err[512], sql[256];
  int64_t job = 0;
  void *ctx;
  size_t i;
  int st = 0;

  th_tmpdir(dir, sizeof(dir));
  snprintf(db, sizeof(db), "%s/host.db", dir);
  CU_ASSERT_FATAL(th_copy_file(SAVED_STORE, db));
  CU_ASSERT_EQUAL(count_rows(db, "SELECT MAX(version) FROM migrations"), 3);
  h = mig_open(db, err, sizeof(err));
  if(!h)
    fprintf(stderr, "\n  open: %s\n", err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_EQUAL(hs_store_version(h), 16);
  /* the search triggers survived the column drops */
  CU_ASSERT_EQUAL(count_rows(db, "SELECT COUNT(*) FROM sqlite_master WHERE"
                             " type = 'trigger' AND name LIKE"
                             " 'products_fts_%'"), 3);

  /* the host's own data as it was */
  memset(&g, 0, sizeof(g));
  CU_ASSERT_EQUAL(hs_product_get_for(h, "Old Shop", "backmarket", "MIG-1",
                                     mig_cb, &g), BMC_OK);
  CU_ASSERT_STRING_EQUAL(g.generic, "MIG-1|iPhone 12 64GB|Unlocked, tested|"
                         "4006381333931|0.438|329.00|4|phone|A14||64|4|"
                         "2020");
  /* every former products column, now a property of the plugin that
   * declares it; the plugin-written ones with market '' */
  CU_ASSERT_STRING_EQUAL(g.props,
      "bm_listing_id=11111111-2222-4333-8444-555555555555;"
      "bm_product_id=6d4ad966-db97-4d88-b409-b28cc2a0f8c9;"
      "category=smartphones;enabled=true;grade=2;max_qty=5;"
      "merchant_sku=MIG-1-BM;min_price=270.00;price=299.00;"
      "ready_to_post=Yes;ready_to_post_reasons=;repricing=true;"
      "safety_qty=1;warranty_months=24;");
  CU_ASSERT_EQUAL(hs_product_get_for(h, "Old Shop", "backmarket", "MIG-2",
                                     mig_cb, &g), BMC_OK);
  CU_ASSERT_STRING_EQUAL(g.props,
      "bm_product_id=7e1f4a8d-b1bb-47aa-9f77-2cca759eb41b;"
      "category=laptops;enabled=false;grade=STALLONE;price=489.50;"
      "ready_to_post=No;ready_to_post_reasons=No available quantity (0);"
      "repricing=false;warranty_months=12;");
  /* a value the new declaration refuses is kept as it was, not lost */
  CU_ASSERT_EQUAL(hs_product_get_for(h, "Old Shop", "backmarket", "MIG-3",
                                     mig_cb, &g), BMC_OK);
  CU_ASSERT_PTR_NOT_NULL(strstr(g.props, "grade=Very Good;"));
  CU_ASSERT_PTR_NOT_NULL(strstr(g.props, "safety_qty=0;max_qty=2;") ||
                         strstr(g.props, "max_qty=2;"));
  /* products keeps only the host's columns */
  CU_ASSERT_EQUAL(count_rows(db, "SELECT COUNT(*) FROM"
                             " pragma_table_info('products')"),
                  (int)(sizeof(generic_cols) / sizeof(generic_cols[0])));
  for(i = 0; i < sizeof(generic_cols) / sizeof(generic_cols[0]); i++) {
    snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM"
             " pragma_table_info('products') WHERE name = '%s'",
             generic_cols[i]);
    CU_ASSERT_EQUAL(count_rows(db, sql), 1);
  }
  /* the plugin finds a product by its merchant SKU (an alias now) */
  CU_ASSERT_EQUAL_FATAL(hs_host_services(h, "Old Shop", "backmarket", &api,
                                         &ctx), BMC_OK);
  CU_ASSERT_EQUAL(api->product_get(ctx, "MIG-3-BM", mig_cb, &g), BMC_OK);
  CU_ASSERT_PTR_NOT_NULL(strstr(g.generic, "MIG-3|Galaxy S21"));
  /* and works with the values: Ready To Post of MIG-1 is still Yes */
  CU_ASSERT_EQUAL(hs_run_action(h, "Old Shop", "backmarket", "ready_to_post",
                                &job, &st, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(st, HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(hs_product_prop_get(h, "Old Shop", "backmarket", "MIG-1",
                                      "ready_to_post", err, sizeof(err)),
                  BMC_OK);
  CU_ASSERT_STRING_EQUAL(err, "Yes");
  /* a seller clears a migrated value: a restart does not bring it back */
  CU_ASSERT_EQUAL(hs_product_prop_set(h, "Old Shop", "backmarket", "MIG-1",
                                      "min_price", NULL, NULL, err,
                                      sizeof(err)), BMC_OK);
  hs_host_close(h);
  h = mig_open(db, err, sizeof(err));
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_EQUAL(hs_product_get_for(h, "Old Shop", "backmarket", "MIG-1",
                                     mig_cb, &g), BMC_OK);
  CU_ASSERT_PTR_NULL(strstr(g.props, "min_price="));
  CU_ASSERT_PTR_NOT_NULL(strstr(g.props, "price=299.00;"));
  CU_ASSERT_EQUAL(count_rows(db, "SELECT COUNT(*) FROM product_props WHERE"
                             " key = 'price'"), 3);
  mig_check_search(h, "Old Shop");
  hs_host_close(h);
  th_rmdir(dir);
}

static int
count_cb(void *ud, int64_t id, const char *name)
{
  (void)id;
  (void)name;
  (*(int *)ud)++;
  return 0;
}

static void
test_companies_plugins(void)
{
  struct hs_plugin_info pi;
  struct hs_host *h;
  int64_t id1 = 0, id2 = 0;
  int n = 0, en = -1;
  char err[256];

  th_tmpdir(dir, sizeof(dir));
  h = th_open(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_EQUAL(hs_company_add(h, "Beta Refurb", &id1), BMC_OK);
  CU_ASSERT_EQUAL(hs_company_add(h, "Beta Refurb", NULL), BMC_ERR_CONFLICT);
  CU_ASSERT_EQUAL(hs_company_add(h, "", NULL), BMC_ERR_INVALID_ARG);
  CU_ASSERT_EQUAL(hs_company_find(h, "Beta Refurb", &id2), BMC_OK);
  CU_ASSERT_EQUAL(id1, id2);
  CU_ASSERT_EQUAL(hs_company_find(h, "Nobody", NULL), BMC_ERR_NOT_FOUND);
  CU_ASSERT_EQUAL(hs_companies_each(h, count_cb, &n), BMC_OK);
  CU_ASSERT_EQUAL(n, 2);

  CU_ASSERT_EQUAL(hs_company_plugin_enabled(h, "Beta Refurb", "tplug", &en),
                  BMC_OK);
  CU_ASSERT_EQUAL(en, 0);
  CU_ASSERT_EQUAL(hs_company_plugin_enable(h, "Beta Refurb", "tplug", 1, err,
                                           sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_company_plugin_enabled(h, "Beta Refurb", "tplug", &en),
                  BMC_OK);
  CU_ASSERT_EQUAL(en, 1);
  CU_ASSERT_EQUAL(hs_company_plugin_enable(h, "Beta Refurb", "nope", 1, err,
                                           sizeof(err)), BMC_ERR_NOT_FOUND);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "nope"));

  CU_ASSERT_EQUAL(hs_plugin_count(h), 1);
  CU_ASSERT_EQUAL(hs_plugin_get(h, 0, &pi), BMC_OK);
  CU_ASSERT_STRING_EQUAL(pi.name, "tplug");
  CU_ASSERT_STRING_EQUAL(pi.version, "9.8.7");
  CU_ASSERT_EQUAL(pi.abi_major, BMC_ABI_MAJOR);
  CU_ASSERT_EQUAL(hs_plugin_get(h, 1, &pi), BMC_ERR_NOT_FOUND);
  /* The same name twice is refused. */
  CU_ASSERT_EQUAL(hs_host_add_plugin_api(h, &th_plugin, "again", err,
                                         sizeof(err)), BMC_ERR_CONFLICT);
  hs_host_close(h);

  /* Companies survive a restart. */
  h = th_open(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_EQUAL(hs_company_find(h, "Beta Refurb", &id2), BMC_OK);
  CU_ASSERT_EQUAL(id1, id2);
  hs_host_close(h);
  th_rmdir(dir);
}

static int64_t
feed_head_of(struct hs_host *h)
{
  char epoch[40];
  int64_t head = -1, resync = 0;

  if(hs_feed_head(h, "Acme", epoch, sizeof(epoch), &head, &resync))
    return -1;
  return head;
}

/* The change feed leaves out the writes of a property the plugin declares
 * PLUGIN_OWNED and counts a user's: decided by the store's table of the
 * plugins' owned keys (plugin_owned_props), which a plugin's registration
 * replaces -- not by the process that writes. */
static void
test_feed_plugin_owned(void)
{
  static struct bmc_property props[32];
  struct bmc_plugin_api api2 = th_plugin;
  const struct bmc_host_api *svc;
  struct hs_product p;
  struct hs_options o;
  struct hs_host *h;
  char db[1024], key[512], err[512];
  void *ctx;
  int64_t h0;
  size_t i;

  th_tmpdir(dir, sizeof(dir));
  CU_ASSERT_EQUAL_FATAL(th_store_target(dir, db, sizeof(db), key,
                                        sizeof(key)), 0);
  h = th_open(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  hs_product_init(&p);
  p.sku = "SKU-F";
  CU_ASSERT_EQUAL_FATAL(hs_product_upsert(h, "Acme", &p, NULL, err,
                                          sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(th_count(h, "SELECT COUNT(*) FROM plugin_owned_props"
                           " WHERE plugin = 'tplug' AND key = 'shop_id'"),
                  1);
  CU_ASSERT_EQUAL(th_count(h, "SELECT COUNT(*) FROM plugin_owned_props"),
                  1);
  h0 = feed_head_of(h);
  CU_ASSERT(h0 > 0);
  CU_ASSERT_EQUAL_FATAL(hs_host_services(h, "Acme", "tplug", &svc, &ctx),
                        BMC_OK);
  /* the plugin's own write: not a change */
  CU_ASSERT_EQUAL(svc->product_set(ctx, "SKU-F", "shop_id", "us", "L-1"),
                  BMC_OK);
  CU_ASSERT_EQUAL(feed_head_of(h), h0);
  CU_ASSERT_EQUAL(svc->product_set(ctx, "SKU-F", "shop_id", "us", "L-2"),
                  BMC_OK);
  CU_ASSERT_EQUAL(svc->product_set(ctx, "SKU-F", "shop_id", "us", NULL),
                  BMC_OK);
  CU_ASSERT_EQUAL(feed_head_of(h), h0);
  /* a user's write of a property of the same plugin: a change */
  CU_ASSERT_EQUAL(hs_product_prop_set(h, "Acme", "tplug", "SKU-F", "cap",
                                      NULL, "5", err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(feed_head_of(h), h0 + 1);
  hs_host_close(h);

  /* a new version of the plugin no longer owns shop_id: its rows are
   * replaced, and a user's write of shop_id is a change */
  CU_ASSERT_FATAL(th_plugin.n_properties <= 32);
  for(i = 0; i < th_plugin.n_properties; i++) {
    props[i] = th_plugin.properties[i];
    props[i].flags &= ~(uint32_t)BMC_PROP_PLUGIN_OWNED;
  }
  api2.properties = props;
  memset(&o, 0, sizeof(o));
  o.db_path = db;
  o.key_file = key[0] ? key : NULL;
  o.schema_dir = BMC_SCHEMA_DIR;
  o.virtual_clock = 1;
  o.virtual_start_ms = 1767225600000LL;
  CU_ASSERT_EQUAL_FATAL(hs_host_open(&o, &h, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL_FATAL(hs_host_add_plugin_api(h, &api2, "in-memory", err,
                                               sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(th_count(h, "SELECT COUNT(*) FROM plugin_owned_props"),
                  0);
  CU_ASSERT_EQUAL(hs_product_prop_set(h, "Acme", "tplug", "SKU-F", "shop_id",
                                      "us", "L-3", err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(feed_head_of(h), h0 + 2);
  hs_host_close(h);
  th_rmdir(dir);
}

/* A new epoch for every company (after a restore): each its own, new. */
static void
test_feed_reset_all(void)
{
  char e1[40], e2[40], n1[40], n2[40];
  struct hs_host *h;
  int64_t head, resync;

  th_tmpdir(dir, sizeof(dir));
  h = th_open(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_EQUAL_FATAL(hs_company_add(h, "Beta", NULL), BMC_OK);
  CU_ASSERT_EQUAL(hs_feed_head(h, "Acme", e1, sizeof(e1), &head, &resync),
                  BMC_OK);
  CU_ASSERT_EQUAL(hs_feed_head(h, "Beta", e2, sizeof(e2), &head, &resync),
                  BMC_OK);
  CU_ASSERT_EQUAL(hs_feed_reset(h, NULL), BMC_OK);
  CU_ASSERT_EQUAL(hs_feed_head(h, "Acme", n1, sizeof(n1), &head, &resync),
                  BMC_OK);
  CU_ASSERT_EQUAL(hs_feed_head(h, "Beta", n2, sizeof(n2), &head, &resync),
                  BMC_OK);
  CU_ASSERT_EQUAL(strlen(n1), 16);
  CU_ASSERT_EQUAL(strspn(n1, "0123456789abcdef"), 16);
  CU_ASSERT_STRING_NOT_EQUAL(n1, e1);
  CU_ASSERT_STRING_NOT_EQUAL(n2, e2);
  CU_ASSERT_STRING_NOT_EQUAL(n1, n2);
  /* one company: only its epoch changes */
  CU_ASSERT_EQUAL(hs_feed_reset(h, "Beta"), BMC_OK);
  CU_ASSERT_EQUAL(hs_feed_head(h, "Acme", e1, sizeof(e1), &head, &resync),
                  BMC_OK);
  CU_ASSERT_EQUAL(hs_feed_head(h, "Beta", e2, sizeof(e2), &head, &resync),
                  BMC_OK);
  CU_ASSERT_STRING_EQUAL(e1, n1);
  CU_ASSERT_STRING_NOT_EQUAL(e2, n2);
  CU_ASSERT_EQUAL(hs_feed_reset(h, "Nobody"), BMC_ERR_NOT_FOUND);
  hs_host_close(h);
  th_rmdir(dir);
}

/* A postgresql:// store this build cannot open is refused with a message
 * that names it without its password (in the userinfo or the query). */
static void
test_postgresql_target_refused(void)
{
  struct hs_options o;
  struct hs_host *h = NULL;
  char err[512] = "";

  memset(&o, 0, sizeof(o));
  o.db_path = "postgresql://bmc:pw-in-userinfo@127.0.0.1:1/bmc"
              "?password=pw-in-query";
  o.schema_dir = BMC_SCHEMA_DIR;
  o.virtual_clock = 1;
  CU_ASSERT_NOT_EQUAL(hs_host_open(&o, &h, err, sizeof(err)), BMC_OK);
  CU_ASSERT_PTR_NULL(h);
  if(h)
    hs_host_close(h);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "postgresql://"));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "127.0.0.1:1/bmc"));
  CU_ASSERT_PTR_NULL(strstr(err, "pw-in-userinfo"));
  CU_ASSERT_PTR_NULL(strstr(err, "pw-in-query"));
}

/* An SQLite URI target opens as a URI: a memdb database, shared by name
 * within the process, never a file named after the text. */
static void
test_sqlite_uri_target(void)
{
  struct hs_db *a = NULL, *b = NULL;
  struct hs_dbst *st = NULL;
  char err[256];

  CU_ASSERT_EQUAL(hs_db_backend_of("file:/hs-uri-test?vfs=memdb"),
                  HS_DB_SQLITE);
  CU_ASSERT_EQUAL_FATAL(hs_db_open("file:/hs-uri-test?vfs=memdb",
                                   HS_DB_OPEN_CREATE, &a, err, sizeof(err)),
                        HS_DB_OK);
  CU_ASSERT_EQUAL(hs_db_exec(a, "CREATE TABLE t(x INTEGER);"
                             " INSERT INTO t VALUES(42)"), HS_DB_OK);
  /* a leading '/' names a memdb database the process shares */
  CU_ASSERT_EQUAL_FATAL(hs_db_open("file:/hs-uri-test?vfs=memdb", 0, &b, err,
                                   sizeof(err)), HS_DB_OK);
  CU_ASSERT_EQUAL_FATAL(hs_db_prepare(b, "SELECT x FROM t", &st), HS_DB_OK);
  CU_ASSERT_EQUAL(hs_db_step(st), HS_DB_ROW);
  CU_ASSERT_EQUAL(hs_db_col_i64(st, 0), 42);
  CU_ASSERT_EQUAL(hs_db_step(st), HS_DB_DONE);
  hs_db_close(b); /* finalizes st */
  hs_db_close(a);
  CU_ASSERT_EQUAL(access("file:", F_OK), -1);
  CU_ASSERT_EQUAL(access("file:/hs-uri-test?vfs=memdb", F_OK), -1);
}

/* The name of a store in messages: a URI's password never shows. */
static void
test_target_name(void)
{
  static const char *const cases[][2] = {
    {"postgresql://bmc:s3@127.0.0.1:5/db?password=q1",
     "postgresql://bmc@127.0.0.1:5/db"},
    {"postgres://u:p:x@h/db", "postgres://u@h/db"},
    {"postgresql://u:p@ss@h/db", "postgresql://u@h/db"},
    {"postgresql://u:p@h", "postgresql://u@h"},
    {"postgresql://h/db?sslmode=require&password=q", "postgresql://h/db"},
    {"postgresql:///db?host=/tmp/s", "postgresql:///db"},
    {"/var/lib/bmc/host.db", "/var/lib/bmc/host.db"},
    {":memory:", ":memory:"},
  };
  char out[128], small[12];
  size_t i;

  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    hs_db_target_name(cases[i][0], out, sizeof(out));
    CU_ASSERT_STRING_EQUAL(out, cases[i][1]);
  }
  hs_db_target_name(cases[0][0], small, sizeof(small));
  CU_ASSERT_STRING_EQUAL(small, "postgresql:");
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"host_store", "migrations", test_migrations},
    {"host_store", "a store saved before ABI 2.0 upgrades in place",
     test_saved_store_upgrade},
    {"host_store", "companies and plugins", test_companies_plugins},
    {"host_store", "the feed leaves out plugin-owned writes (store table)",
     test_feed_plugin_owned},
    {"host_store", "a new feed epoch for every company", test_feed_reset_all},
    {"host_store", "a postgresql:// store refused without its password",
     test_postgresql_target_refused},
    {"host_store", "a store's name in messages has no password",
     test_target_name},
    {"host_store", "an SQLite URI target (memdb)", test_sqlite_uri_target},
  };
  /* on PostgreSQL: these build or open SQLite files of their own */
  static const char *const sqlite_only[] = {
    "migrations", "a store saved before ABI 2.0 upgrades in place", NULL};
  struct cu_case run[CU_CASES_N(cases)];
  size_t n = th_store_cases(run, cases, CU_CASES_N(cases), sqlite_only,
                            "it builds SQLite store files of old versions");

  return cu_main(run, n, NULL, NULL, argc, argv);
}
