/*
 * test_services.c -- host services a plugin relies on and host.cfg: the
 * durable key-value state (prefix iteration at the cost of the keys it
 * hands over, buffer too small), catalog streaming in SKU order with the
 * Back Market Enabled filter, wait_ms on the shared virtual clock read
 * from another thread, the services table header, and host.cfg applied
 * (or refused with file:line, nothing applied).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "th.h"
#include "cu_main.h"
#include "hs_internal.h" /* the store's connection: rows in bulk */

static char dir[256];
static struct hs_host *h;
static const struct bmc_host_api *api;
static void *ctx;

static int
setup(void)
{
  th_tmpdir(dir, sizeof(dir));
  h = th_open(dir);
  return !h || hs_host_services(h, "Acme", "tplug", &api, &ctx);
}

static int
teardown(void)
{
  hs_host_close(h);
  th_rmdir(dir);
  return 0;
}

struct keys {
  char all[256];
};

static int
key_cb(void *ud, const char *key, const char *val, size_t len)
{
  struct keys *k = ud;
  size_t n = strlen(k->all);

  snprintf(k->all + n, sizeof(k->all) - n, "%s=%.*s;", key, (int)len, val);
  return 0;
}

static void
test_state(void)
{
  struct keys k;
  char buf[8];
  size_t len = 0;

  CU_ASSERT_EQUAL(api->hdr.magic, BMC_ABI_MAGIC);
  CU_ASSERT_EQUAL(api->hdr.size, sizeof(struct bmc_host_api));
  CU_ASSERT_EQUAL(api->state_put(ctx, "cursor/orders", "2026-01-01", 10),
                  BMC_OK);
  CU_ASSERT_EQUAL(api->state_put(ctx, "cursor/listings", "p=3", 3), BMC_OK);
  CU_ASSERT_EQUAL(api->state_put(ctx, "bucket", "17", 2), BMC_OK);
  CU_ASSERT_EQUAL(api->state_put(ctx, "cursor/orders", "2026-01-02", 10),
                  BMC_OK);
  CU_ASSERT_EQUAL(api->state_get(ctx, "cursor/orders", buf, sizeof(buf),
                                 &len), BMC_ERR_TOO_SMALL);
  CU_ASSERT_EQUAL(len, 10);
  CU_ASSERT_EQUAL(api->state_get(ctx, "bucket", buf, sizeof(buf), &len),
                  BMC_OK);
  CU_ASSERT_STRING_EQUAL(buf, "17");
  memset(&k, 0, sizeof(k));
  CU_ASSERT_EQUAL(api->state_each(ctx, "cursor/", key_cb, &k), BMC_OK);
  CU_ASSERT_STRING_EQUAL(k.all, "cursor/listings=p=3;cursor/orders="
                                "2026-01-02;");
  CU_ASSERT_EQUAL(api->state_del(ctx, "bucket"), BMC_OK);
  CU_ASSERT_EQUAL(api->state_del(ctx, "bucket"), BMC_ERR_NOT_FOUND);
  CU_ASSERT_EQUAL(api->state_get(ctx, "bucket", buf, sizeof(buf), &len),
                  BMC_ERR_NOT_FOUND);
}

struct key_count {
  int n;
  char first[32], last[32];
};

static int
key_count_cb(void *ud, const char *key, const char *val, size_t len)
{
  struct key_count *c = ud;

  (void)val;
  (void)len;
  if(!c->n++)
    snprintf(c->first, sizeof(c->first), "%s", key);
  snprintf(c->last, sizeof(c->last), "%s", key);
  return 0;
}

/* Keys state_each(prefix) hands over, and the SQLite VM steps it took. */
static long
each_counted(const char *prefix, struct key_count *c)
{
  long steps;

  memset(c, 0, sizeof(*c));
  th_vm_steps_start(h, &steps);
  CU_ASSERT_EQUAL(api->state_each(ctx, prefix, key_count_cb, c), BMC_OK);
  th_vm_steps_stop(h);
  return steps;
}

/* U+10FFFF, the highest code point, in UTF-8. */
#define TOP "\xf4\x8f\xbf\xbf"

/* state_each hands over exactly the keys that start with the prefix, and
 * costs what those keys are: a plugin's 20,000 order-line journal keys do
 * not make its look for holds (prefix "hold/") any slower -- they made
 * every order_download run read the whole store.  Keys of the highest
 * code point (no UTF-8 key is above them) on both engines; keys that are
 * not UTF-8 on SQLite only (PostgreSQL refuses such text: tests/pg). */
static void
test_state_prefix(void)
{
  static const char *const keys[] = {"hol", "holc", "hold", "hold/",
                                     "hold/1", "hold/2", "hold0", "holdA",
                                     "p" TOP, "p" TOP TOP, "p" TOP TOP "z",
                                     "p\xc3\xbf", "p\xc3\xbfz", "p\xc4\x80",
                                     "q"};
  static const char *const bytes[] = {"r\xff", "r\xff\xff", "r\xff\xffz",
                                      "s"};
  struct key_count c;
  long few;
  long many;
  size_t i, nb = th_store_pg() ? 0 : sizeof(bytes) / sizeof(bytes[0]);

  for(i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
    CU_ASSERT_EQUAL(api->state_put(ctx, keys[i], "1", 1), BMC_OK);
  for(i = 0; i < nb; i++)
    CU_ASSERT_EQUAL(api->state_put(ctx, bytes[i], "1", 1), BMC_OK);
  few = each_counted("hold/", &c);
  CU_ASSERT_EQUAL(c.n, 3);
  CU_ASSERT_STRING_EQUAL(c.first, "hold/");
  CU_ASSERT_STRING_EQUAL(c.last, "hold/2");
  each_counted("hold", &c);
  CU_ASSERT_EQUAL(c.n, 6); /* hold, hold/, hold/1, hold/2, hold0, holdA */
  each_counted("p" TOP, &c);
  CU_ASSERT_EQUAL(c.n, 3);
  each_counted("p" TOP TOP, &c); /* no key is above every such key */
  CU_ASSERT_EQUAL(c.n, 2);
  CU_ASSERT_STRING_EQUAL(c.last, "p" TOP TOP "z");
  each_counted("p\xc3\xbf", &c); /* U+00FF: the bound is U+0100 */
  CU_ASSERT_EQUAL(c.n, 2);
  CU_ASSERT_STRING_EQUAL(c.last, "p\xc3\xbfz");
  if(nb) {
    each_counted("r\xff", &c);
    CU_ASSERT_EQUAL(c.n, 3);
    each_counted("r\xff\xff", &c);
    CU_ASSERT_EQUAL(c.n, 2);
    CU_ASSERT_STRING_EQUAL(c.last, "r\xff\xffz");
  }
  each_counted("", &c);
  CU_ASSERT(c.n >= (int)(sizeof(keys) / sizeof(keys[0]) + nb));
  CU_ASSERT_EQUAL(hs_db_exec(h->db, "INSERT INTO plugin_state(company_id,"
                               " plugin, key, value, updated_ms) WITH"
                               " RECURSIVE c(n) AS (SELECT 1 UNION ALL"
                               " SELECT n + 1 FROM c WHERE n < 20000)"
                               " SELECT s.company_id, s.plugin, 'line/' ||"
                               " substr(CAST(1000000 + n AS TEXT), 2) ||"
                               " '/1', s.value, 0 FROM c, plugin_state s"
                               " WHERE s.key = 'hold/1'"),
                  HS_DB_OK);
  many = each_counted("hold/", &c);
  CU_ASSERT_EQUAL(c.n, 3);
  CU_ASSERT(many <= few + few / 2); /* SQLite's VM steps; 0 elsewhere */
  each_counted("line/", &c);
  CU_ASSERT_EQUAL(c.n, 20000);
  CU_ASSERT_STRING_EQUAL(c.last, "line/020000/1");
}

struct skus {
  char all[256];
  int n;
};

static int
sku_cb(void *ud, const struct bmc_product *p)
{
  struct skus *s = ud;
  size_t n = strlen(s->all);

  CU_ASSERT_EQUAL(p->size, sizeof(struct bmc_product));
  snprintf(s->all + n, sizeof(s->all) - n, "%s,", p->sku);
  return ++s->n == 99 ? 7 : 0;
}

static void
test_catalog(void)
{
  static const char *const skus[] = {"C-3", "A-1", "B-2", "D-4"};
  struct hs_product p;
  struct skus s;
  char err[256];
  size_t i;

  for(i = 0; i < 4; i++) {
    hs_product_init(&p);
    p.sku = skus[i];
    p.available_qty = (int64_t)i;
    CU_ASSERT_EQUAL(hs_product_upsert(h, "Acme", &p, NULL, err, sizeof(err)),
                    BMC_OK);
  }
  /* tplug's LISTS property: C-3 listed, D-4 listed in one market only,
   * A-1 listed then unlisted, B-2 never */
  CU_ASSERT_EQUAL(hs_product_prop_set(h, "Acme", "tplug", "C-3", "listed",
                                      NULL, "true", err, sizeof(err)), 0);
  CU_ASSERT_EQUAL(hs_product_prop_set(h, "Acme", "tplug", "D-4", "listed",
                                      "uk", "true", err, sizeof(err)), 0);
  CU_ASSERT_EQUAL(hs_product_prop_set(h, "Acme", "tplug", "A-1", "listed",
                                      NULL, "false", err, sizeof(err)), 0);
  memset(&s, 0, sizeof(s));
  CU_ASSERT_EQUAL(api->catalog_each(ctx, 0, sku_cb, &s), BMC_OK);
  CU_ASSERT_STRING_EQUAL(s.all, "A-1,B-2,C-3,D-4,");
  memset(&s, 0, sizeof(s));
  CU_ASSERT_EQUAL(api->catalog_each(ctx, 1, sku_cb, &s), BMC_OK);
  CU_ASSERT_STRING_EQUAL(s.all, "C-3,D-4,");
  /* A callback's non-zero value stops the stream and is returned. */
  memset(&s, 0, sizeof(s));
  s.n = 97;
  CU_ASSERT_EQUAL(api->catalog_each(ctx, 0, sku_cb, &s), 7);
  CU_ASSERT_EQUAL(s.n, 99);
  CU_ASSERT_EQUAL(api->product_get(ctx, "Z-9", sku_cb, &s),
                  BMC_ERR_NOT_FOUND);
}

static atomic_int stop_reader;

static void *
reader(void *arg)
{
  int64_t last = 0, now;
  long bad = 0;

  while(!atomic_load(&stop_reader)) {
    now = hs_clock_now_cb(arg);
    if(now < last)
      bad++;
    last = now;
  }
  return (void *)bad;
}

static void
test_clock(void)
{
  pthread_t t;
  void *bad = NULL;
  int64_t t0 = hs_clock_now(h);
  int i;

  CU_ASSERT_TRUE(hs_clock_is_virtual(h));
  atomic_store(&stop_reader, 0);
  CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, reader, h), 0);
  for(i = 0; i < 1000; i++)
    api->wait_ms(ctx, 250); /* rate-limit pacing moves the shared clock */
  atomic_store(&stop_reader, 1);
  CU_ASSERT_EQUAL(pthread_join(t, &bad), 0);
  CU_ASSERT_PTR_NULL(bad); /* never saw time go backwards */
  CU_ASSERT_EQUAL(hs_clock_now(h), t0 + 250000);
  CU_ASSERT_EQUAL(api->now_ms(ctx), t0 + 250000);
  CU_ASSERT_EQUAL(hs_clock_advance(h, 1000), BMC_OK);
  CU_ASSERT_EQUAL(hs_clock_now(h), t0 + 251000);
  CU_ASSERT_EQUAL(hs_clock_advance(h, -5), BMC_ERR_INVALID_ARG);
}

static void
write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");

  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  CU_ASSERT_TRUE(fputs(text, f) >= 0);
  CU_ASSERT_EQUAL(fclose(f), 0);
}

static void
test_config(void)
{
  char cfg[512], err[512], buf[64];
  int en = 0;

  snprintf(cfg, sizeof(cfg), "%s/host.cfg", dir);
  /* limit is out of range on line 5: nothing of the file is applied. */
  write_file(cfg, "companies = (\n"
                  "  { name = \"Zeta\";\n"
                  "    plugins = { tplug = { enabled = true;\n"
                  "      token = \"" TH_SECRET "\";\n"
                  "      limit = 500; }; }; } );\n");
  err[0] = '\0';
  CU_ASSERT_EQUAL(hs_host_load_config(h, cfg, err, sizeof(err)),
                  BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "host.cfg:5"));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "limit"));
  CU_ASSERT_PTR_NULL(strstr(err, TH_SECRET));
  CU_ASSERT_EQUAL(hs_company_find(h, "Zeta", NULL), BMC_ERR_NOT_FOUND);

  write_file(cfg, "companies = (\n"
                  "  { name = \"Zeta\";\n"
                  "    plugins = { tplug = { enabled = true;\n"
                  "      token = \"" TH_SECRET "\";\n"
                  "      limit = 50; }; }; } );\n");
  CU_ASSERT_EQUAL(hs_host_load_config(h, cfg, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_company_plugin_enabled(h, "Zeta", "tplug", &en), BMC_OK);
  CU_ASSERT_EQUAL(en, 1);
  CU_ASSERT_EQUAL(hs_company_setting_get(h, "Zeta", "tplug", "limit", buf,
                                         sizeof(buf)), BMC_OK);
  CU_ASSERT_STRING_EQUAL(buf, "50");
  /* Applying it again is harmless. */
  CU_ASSERT_EQUAL(hs_host_load_config(h, cfg, err, sizeof(err)), BMC_OK);
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"host_services", "state", test_state},
    {"host_services", "state prefixes", test_state_prefix},
    {"host_services", "catalog", test_catalog},
    {"host_services", "clock", test_clock},
    {"host_services", "host.cfg", test_config},
  };

  return cu_main(cases, CU_CASES_N(cases), setup, teardown, argc, argv);
}
