/*
 * test_test_plugin.c -- bmc_test_plugin driven through a recording host
 * table: its create() refuses a bad host header; each action uses the
 * host services it claims to (state read back, settings, clock, catalog,
 * item errors); the order it upserts is valid against schemas/order.xsd
 * and the "bad_document" one is not (checked here with libxml2, the same
 * validator the host uses).  The host's integration tests rely on these.
 */
#include <CUnit/Basic.h>
#include <dlfcn.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmc/bmc_plugin.h"
#include "cu_main.h"

#define TT_SO BMC_PLUGIN_DIR "/bmc_test_plugin.so"

/* The recording host.  One state slot is enough for these actions. */
struct tt_host {
  char log[8][256];
  int n_log;
  char state_key[8][64], state_val[8][64];
  int n_state;
  char last_doc[4096];
  int n_upserts, n_items, n_products;
  int64_t progress_done, progress_total;
  xmlSchemaPtr schema;
};

static struct tt_host tt;
static void *tt_dl;
static const struct bmc_plugin_api *tt_api;
static struct bmc_host_api tt_host_api;
static char tt_err[1024];

static void tt_log(void *ctx, enum bmc_log_level lvl, const char *fmt, ...)
    BMC_PRINTF(3, 4);

static void
tt_log(void *ctx, enum bmc_log_level lvl, const char *fmt, ...)
{
  struct tt_host *h = ctx;
  va_list ap;

  if(h->n_log >= 8)
    return;
  va_start(ap, fmt);
  vsnprintf(h->log[h->n_log++], sizeof(h->log[0]), fmt, ap);
  va_end(ap);
}

static int
tt_setting_get(void *ctx, const char *key, char *buf, size_t len)
{
  const char *v = !strcmp(key, "batch_size") ? "25"
                  : !strcmp(key, "api_key") ? "FAKE-key" : NULL;

  if(!v)
    return BMC_ERR_NOT_FOUND;
  if(strlen(v) + 1 > len)
    return BMC_ERR_TOO_SMALL;
  memcpy(buf, v, strlen(v) + 1);
  return BMC_OK;
}

static int64_t
tt_now_ms(void *ctx)
{
  return INT64_C(1767225600000); /* 2026-01-01T00:00:00Z */
}

static int
tt_find(struct tt_host *h, const char *key)
{
  int i;

  for(i = 0; i < h->n_state; i++)
    if(!strcmp(h->state_key[i], key))
      return i;
  return -1;
}

static int
tt_state_get(void *ctx, const char *key, char *buf, size_t buflen,
             size_t *len)
{
  struct tt_host *h = ctx;
  int i = tt_find(h, key);
  size_t n;

  if(i < 0)
    return BMC_ERR_NOT_FOUND;
  n = strlen(h->state_val[i]);
  *len = n;
  if(n > buflen)
    return BMC_ERR_TOO_SMALL;
  memcpy(buf, h->state_val[i], n);
  return BMC_OK;
}

static int
tt_state_put(void *ctx, const char *key, const char *val, size_t len)
{
  struct tt_host *h = ctx;
  int i = tt_find(h, key);

  if(i < 0) {
    if(h->n_state >= 8 || strlen(key) >= sizeof(h->state_key[0]))
      return BMC_ERR_NOMEM;
    i = h->n_state++;
    snprintf(h->state_key[i], sizeof(h->state_key[0]), "%s", key);
  }
  if(len >= sizeof(h->state_val[0]))
    return BMC_ERR_TOO_SMALL;
  memcpy(h->state_val[i], val, len);
  h->state_val[i][len] = '\0';
  return BMC_OK;
}

/* SKU-B has a global and a per-market list price. */
static const struct bmc_prop_value tt_props[] = {
  {"list_price", "", "19.90"}, {"list_price", "eu", "18.50"}};

static int
tt_product_get(void *ctx, const char *sku, bmc_product_cb cb, void *ud)
{
  struct bmc_product p;

  if(strcmp(sku, "SKU-B"))
    return BMC_ERR_NOT_FOUND;
  memset(&p, 0, sizeof(p));
  p.size = sizeof(p);
  p.sku = sku;
  p.props = tt_props;
  p.n_props = 2;
  return cb(ud, &p);
}

static int
tt_catalog_each(void *ctx, int enabled_only, bmc_product_cb cb, void *ud)
{
  static const char *skus[] = {"SKU-A", "SKU-B", "SKU-C"};
  struct bmc_product p;
  int i, rc;

  for(i = 0; i < 3; i++) {
    memset(&p, 0, sizeof(p));
    p.size = sizeof(p);
    p.sku = skus[i];
    rc = cb(ud, &p);
    if(rc)
      return rc;
  }
  return BMC_OK;
}

/* Validate against schemas/order.xsd like the host does. */
static int
tt_order_upsert(void *ctx, const char *xml, size_t len, int *created,
                char *errbuf, size_t errlen)
{
  struct tt_host *h = ctx;
  xmlSchemaValidCtxtPtr v;
  xmlDocPtr doc;
  int rc;

  snprintf(h->last_doc, sizeof(h->last_doc), "%.*s", (int)len, xml);
  doc = xmlReadMemory(xml, (int)len, "order.xml", NULL, XML_PARSE_NONET);
  if(!doc) {
    snprintf(errbuf, errlen, "not well-formed");
    return BMC_ERR_SCHEMA;
  }
  v = xmlSchemaNewValidCtxt(h->schema);
  rc = v ? xmlSchemaValidateDoc(v, doc) : -1;
  xmlSchemaFreeValidCtxt(v);
  xmlFreeDoc(doc);
  if(rc != 0) {
    snprintf(errbuf, errlen, "order.xsd validation failed (%d)", rc);
    return BMC_ERR_SCHEMA;
  }
  *created = h->n_upserts++ == 0;
  return BMC_OK;
}

static void
tt_job_progress(void *ctx, int64_t done, int64_t total)
{
  struct tt_host *h = ctx;

  h->progress_done = done;
  h->progress_total = total;
}

static void
tt_item_error(void *ctx, const char *item, const char *code,
              const char *message)
{
  struct tt_host *h = ctx;

  if(item && code && message)
    h->n_items++;
}

static int
tt_suite_init(void)
{
  xmlSchemaParserCtxtPtr pc;
  bmc_plugin_entry_fn entry;
  void *sym;

  pc = xmlSchemaNewParserCtxt(BMC_SCHEMA_DIR "/order.xsd");
  tt.schema = pc ? xmlSchemaParse(pc) : NULL;
  xmlSchemaFreeParserCtxt(pc);
  if(!tt.schema)
    return -1;
  tt_dl = dlopen(TT_SO, RTLD_NOW | RTLD_LOCAL);
  if(!tt_dl) {
    fprintf(stderr, "%s\n", dlerror());
    return -1;
  }
  sym = dlsym(tt_dl, BMC_PLUGIN_ENTRY_SYMBOL);
  if(!sym)
    return -1;
  memcpy(&entry, &sym, sizeof(entry));
  tt_api = entry();
  memset(&tt_host_api, 0, sizeof(tt_host_api));
  tt_host_api.hdr.magic = BMC_ABI_MAGIC;
  tt_host_api.hdr.size = sizeof(tt_host_api);
  tt_host_api.hdr.major = BMC_ABI_MAJOR;
  tt_host_api.hdr.minor = BMC_ABI_MINOR;
  tt_host_api.log = tt_log;
  tt_host_api.setting_get = tt_setting_get;
  tt_host_api.now_ms = tt_now_ms;
  tt_host_api.state_get = tt_state_get;
  tt_host_api.state_put = tt_state_put;
  tt_host_api.catalog_each = tt_catalog_each;
  tt_host_api.product_get = tt_product_get;
  tt_host_api.order_upsert = tt_order_upsert;
  tt_host_api.job_progress = tt_job_progress;
  tt_host_api.item_error = tt_item_error;
  return tt_api ? 0 : -1;
}

static int
tt_suite_clean(void)
{
  xmlSchemaFree(tt.schema);
#ifndef __SANITIZE_ADDRESS__
  if(tt_dl && dlclose(tt_dl) != 0)
    return -1;
#endif
  return 0;
}

static void *
tt_new(void)
{
  void *inst = NULL;

  CU_ASSERT_EQUAL_FATAL(tt_api->create(&tt_host_api, &tt, &inst, tt_err,
                                       sizeof(tt_err)), BMC_OK);
  return inst;
}

static void
test_descriptor(void)
{
  size_t i;
  int gated = 0;

  CU_ASSERT_STRING_EQUAL(tt_api->name, "bmc_test_plugin");
  for(i = 0; i < tt_api->n_actions; i++)
    if(tt_api->actions[i].enabled_by &&
       !strcmp(tt_api->actions[i].enabled_by, "sync_enabled") &&
       (tt_api->actions[i].flags & BMC_ACTION_SCHEDULED))
      gated++;
  CU_ASSERT_EQUAL(gated, 1);
  for(i = 0; i < tt_api->n_settings; i++)
    if(!strcmp(tt_api->settings[i].key, "api_key"))
      CU_ASSERT(tt_api->settings[i].flags & BMC_SETTING_SECRET);
  /* the example plugin declares one property, per market */
  CU_ASSERT_EQUAL_FATAL(tt_api->n_properties, 1);
  CU_ASSERT_STRING_EQUAL(tt_api->properties[0].key, "list_price");
  CU_ASSERT_STRING_EQUAL(tt_api->properties[0].column, "TestListPrice");
  CU_ASSERT(tt_api->properties[0].flags & BMC_PROP_PER_MARKET);
  CU_ASSERT_STRING_EQUAL(tt_api->markets, "us|eu");
}

/* A selection reaches the plugin; it reads the property values. */
static void
test_selection_and_props(void)
{
  static const char *const sel[] = {"SKU-B", "SKU-NOPE"};
  void *inst = tt_new();

  tt.n_log = 0;
  tt.n_items = 0;
  CU_ASSERT_EQUAL(tt_api->run(inst, "list_prices", sel, 2, tt_err,
                              sizeof(tt_err)), BMC_OK);
  CU_ASSERT_EQUAL(tt.n_log, 1);
  CU_ASSERT_STRING_EQUAL(tt.log[0], "SKU-B: list_price=19.90 eu=18.50");
  CU_ASSERT_EQUAL(tt.n_items, 1); /* SKU-NOPE reported */
  /* actions that take no selection refuse one */
  CU_ASSERT_EQUAL(tt_api->run(inst, "echo", sel, 1, tt_err, sizeof(tt_err)),
                  BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(tt_err, "takes no selection"));
  tt_api->destroy(inst);
}

static void
test_create_refuses_bad_host(void)
{
  struct bmc_host_api bad = tt_host_api;
  void *inst = NULL;

  bad.hdr.magic = 0xdeadbeefu;
  CU_ASSERT_EQUAL(tt_api->create(&bad, &tt, &inst, tt_err, sizeof(tt_err)),
                  BMC_ERR_ABI);
  CU_ASSERT_PTR_NOT_NULL(strstr(tt_err, "bmc_test_plugin: host ABI magic "
                                "mismatch: expected 0x424d4331, found "
                                "0xdeadbeef"));
  CU_ASSERT_PTR_NULL(inst);
  bad = tt_host_api;
  bad.hdr.size = 16;
  CU_ASSERT_EQUAL(tt_api->create(&bad, &tt, &inst, tt_err, sizeof(tt_err)),
                  BMC_ERR_ABI);
  CU_ASSERT_PTR_NOT_NULL(strstr(tt_err, "host table too small"));
  CU_ASSERT_EQUAL(tt_api->create(NULL, &tt, &inst, tt_err, sizeof(tt_err)),
                  BMC_ERR_INVALID_ARG);
}

static void
test_echo_state_survives(void)
{
  void *inst = tt_new();

  memset(&tt.log, 0, sizeof(tt.log));
  tt.n_log = 0;
  CU_ASSERT_EQUAL(tt_api->run(inst, "echo", NULL, 0, tt_err,
                              sizeof(tt_err)),
                  BMC_OK);
  CU_ASSERT_EQUAL(tt_api->run(inst, "echo", NULL, 0, tt_err,
                              sizeof(tt_err)),
                  BMC_OK);
  CU_ASSERT_EQUAL(tt.n_log, 2);
  CU_ASSERT_STRING_EQUAL(tt.log[1], "echo #2 batch_size=25");
  tt_api->destroy(inst);
  /* A new instance sees the durable state of the old one. */
  inst = tt_new();
  CU_ASSERT_EQUAL(tt_api->run(inst, "echo", NULL, 0, tt_err,
                              sizeof(tt_err)),
                  BMC_OK);
  CU_ASSERT_STRING_EQUAL(tt.log[2], "echo #3 batch_size=25");
  CU_ASSERT_STRING_EQUAL(tt.state_val[tt_find(&tt, "echo_count")], "3");
  tt_api->destroy(inst);
}

static void
test_import_order_valid_bad_document_refused(void)
{
  void *inst = tt_new();

  tt.n_log = 0;
  CU_ASSERT_EQUAL(tt_api->run(inst, "import_order", NULL, 0, tt_err,
                              sizeof(tt_err)),
                  BMC_OK);
  CU_ASSERT_STRING_EQUAL(tt.log[0], "order TEST-1001 created");
  CU_ASSERT_PTR_NOT_NULL(strstr(tt.last_doc, "<order_date>2026-01-01T00:00"
                                ":00Z</order_date>"));
  CU_ASSERT_EQUAL(tt_api->run(inst, "import_order", NULL, 0, tt_err,
                              sizeof(tt_err)),
                  BMC_OK);
  CU_ASSERT_STRING_EQUAL(tt.log[1], "order TEST-1001 updated");
  CU_ASSERT_EQUAL(tt_api->run(inst, "bad_document", NULL, 0, tt_err,
                              sizeof(tt_err)),
                  BMC_ERR_SCHEMA);
  CU_ASSERT_PTR_NOT_NULL(strstr(tt_err, "order TEST-1001 refused: order.xsd "
                                "validation failed"));
  CU_ASSERT_EQUAL(tt.n_upserts, 2);
  tt_api->destroy(inst);
}

static void
test_catalog_items_fail_sync(void)
{
  void *inst = tt_new();

  tt.n_log = 0;
  CU_ASSERT_EQUAL(tt_api->run(inst, "catalog_count", NULL, 0, tt_err,
                              sizeof(tt_err)), BMC_OK);
  CU_ASSERT_STRING_EQUAL(tt.log[0], "catalog: 3 products");
  CU_ASSERT_EQUAL(tt.progress_done, 3);
  CU_ASSERT_EQUAL(tt_api->run(inst, "item_errors", NULL, 0, tt_err,
                              sizeof(tt_err)),
                  BMC_OK);
  CU_ASSERT_EQUAL(tt.n_items, 2);
  CU_ASSERT_EQUAL(tt_api->run(inst, "fail", NULL, 0, tt_err,
                              sizeof(tt_err)),
                  BMC_ERR_REMOTE_REJECT);
  CU_ASSERT_PTR_NOT_NULL(strstr(tt_err, "refused"));
  CU_ASSERT_EQUAL(tt_api->run(inst, "sync", NULL, 0, tt_err,
                              sizeof(tt_err)), BMC_OK);
  CU_ASSERT_STRING_EQUAL(tt.log[1], "sync run #1");
  CU_ASSERT_EQUAL(tt_api->run(inst, "no_such_action", NULL, 0, tt_err,
                              sizeof(tt_err)), BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(tt_err, "unknown action 'no_such_action'"));
  tt_api->destroy(inst);
  tt_api->destroy(NULL);
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"abi_test_plugin", "descriptor: secret api_key, gated sync",
     test_descriptor},
    {"abi_test_plugin", "create() refuses a bad host header",
     test_create_refuses_bad_host},
    {"abi_test_plugin", "echo: settings + durable state",
     test_echo_state_survives},
    {"abi_test_plugin", "import_order valid, bad_document refused",
     test_import_order_valid_bad_document_refused},
    {"abi_test_plugin", "catalog_count, item_errors, fail, sync",
     test_catalog_items_fail_sync},
    {"abi_test_plugin", "selection and property values",
     test_selection_and_props},
  };

  return cu_main(cases, CU_CASES_N(cases), tt_suite_init, tt_suite_clean, argc, argv);
}
