/*
 * test_props.c -- host functions around product properties and actions:
 * the per-product listing behind `products show` (declaration order,
 * defaults, per-market values); actions on a selection (handed to the
 * plugin as given, refused for actions that take none or for bad items);
 * retry of only the failed items of a job (trigger "retry of job N");
 * the company's Custom Inventory Calculation (percent:N exactly, a module
 * checked when set, errors with file:line from host.cfg, the service the
 * plugin calls); property columns that would clash are refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "th.h"
#include "cu_main.h"

static char dir[256];
static struct hs_host *h;

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
product(const char *sku, int64_t qty)
{
  struct hs_product p;
  char err[256];

  hs_product_init(&p);
  p.sku = sku;
  p.available_qty = qty;
  CU_ASSERT_EQUAL(hs_product_upsert(h, "Acme", &p, NULL, err, sizeof(err)),
                  BMC_OK);
}

static int
view_cb(void *ud, const struct hs_prop_view *v)
{
  char *out = ud;
  size_t n = strlen(out);

  snprintf(out + n, 1024 - n, "%s%s%s=%s%s;", v->decl->key,
           v->market[0] ? "@" : "", v->market, v->value ? v->value : "-",
           v->is_set || !v->value ? "" : "(default)");
  return 0;
}

static void
test_show_listing(void)
{
  char out[1024] = "", err[256];

  product("SHOW-1", 1);
  CU_ASSERT_EQUAL(hs_product_prop_set(h, "Acme", "tplug", "SHOW-1", "price",
                                      "uk", "12.50", err, sizeof(err)), 0);
  CU_ASSERT_EQUAL(hs_product_prop_set(h, "Acme", "tplug", "SHOW-1", "price",
                                      NULL, "15.00", err, sizeof(err)), 0);
  CU_ASSERT_EQUAL(hs_product_props_each(h, "Acme", "tplug", "SHOW-1",
                                        view_cb, out), BMC_OK);
  /* declaration order, the default shown as such, markets after global */
  CU_ASSERT_STRING_EQUAL(out, "listed=false(default);shop_sku=-;condition=-;"
                         "cap=-;price=15.00;price@uk=12.50;shop_id=-;");
  CU_ASSERT_EQUAL(hs_product_props_each(h, "Acme", "tplug", "NOPE", view_cb,
                                        out), BMC_ERR_NOT_FOUND);
  CU_ASSERT_EQUAL(hs_product_props_each(h, "Acme", "nope", "SHOW-1",
                                        view_cb, out), BMC_ERR_NOT_FOUND);
}

/* The first error-queue entry of a job (its SEL-2). */
struct first_err {
  int64_t job, id;
};

static int
first_err_cb(void *ud, const struct hs_item_error *e)
{
  struct first_err *fe = ud;

  if(e->job_id == fe->job && !fe->id)
    fe->id = e->id;
  return 0;
}

static void
test_selection(void)
{
  static const char *const sel[] = {"SEL-2", "SEL-1"};
  static const char *const bad[] = {"SEL-1", "x\ty"};
  static const char *const empty[] = {""};
  char err[512];
  int64_t job = 0, job2 = 0;
  int st = 0;

  /* handed to the plugin as given, in order */
  CU_ASSERT_EQUAL(hs_run_action_items(h, "Acme", "tplug", "select", sel, 2,
                                      &job, &st, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(st, HS_JOB_PARTIAL); /* it reports each as an error */
  CU_ASSERT_EQUAL(th_ctl.n_items, 2);
  CU_ASSERT_STRING_EQUAL(th_ctl.items, "SEL-2,SEL-1,");
  CU_ASSERT(th_log_has(h, job, "selection: 2 SKUs: SEL-2, SEL-1", 0));
  /* no selection: the whole catalog (n_items 0) */
  CU_ASSERT_EQUAL(hs_run_action(h, "Acme", "tplug", "select", NULL, &st, err,
                                sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(th_ctl.n_items, 0);
  CU_ASSERT_EQUAL(st, HS_JOB_COMPLETED);
  /* refused before any job: an action that takes none, bad items */
  th_ctl.runs = 0;
  CU_ASSERT_EQUAL(hs_run_action_items(h, "Acme", "tplug", "ping", sel, 2,
                                      NULL, NULL, err, sizeof(err)),
                  BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "action 'ping' of 'tplug' does not "
                                "take a selection"));
  CU_ASSERT_EQUAL(th_ctl.runs, 0);
  CU_ASSERT_EQUAL(hs_run_action_items(h, "Acme", "tplug", "select", bad, 2,
                                      NULL, NULL, err, sizeof(err)),
                  BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "selection item 2 has a control "
                                "character (0x09)"));
  CU_ASSERT_EQUAL(hs_run_action_items(h, "Acme", "tplug", "select", empty,
                                      1, NULL, NULL, err, sizeof(err)),
                  BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "selection item 1 is empty"));

  /* retry: only the failed items, once each, a new job that says so */
  CU_ASSERT_EQUAL(hs_job_retry(h, job, &job2, &st, err, sizeof(err)),
                  BMC_OK);
  CU_ASSERT(job2 > job);
  CU_ASSERT_STRING_EQUAL(th_ctl.items, "SEL-2,SEL-1,");
  CU_ASSERT(th_log_has(h, job2, "Selection started (retry of job", 0));
  CU_ASSERT_EQUAL(hs_job_retry(h, 99999, NULL, NULL, err, sizeof(err)),
                  BMC_ERR_NOT_FOUND);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "no job 99999"));
  /* an entry the operator resolved is not retried */
  {
    struct first_err fe = {job2, 0};

    CU_ASSERT_EQUAL(hs_errors_each(h, "Acme", "tplug", first_err_cb, &fe),
                    BMC_OK);
    CU_ASSERT_FATAL(fe.id > 0);
    CU_ASSERT_EQUAL(hs_error_resolve(h, fe.id, "sold elsewhere", NULL, err,
                                     sizeof(err)), BMC_OK);
    CU_ASSERT_EQUAL(hs_job_retry(h, job2, &job, &st, err, sizeof(err)),
                    BMC_OK);
    CU_ASSERT_EQUAL(th_ctl.n_items, 1);
    CU_ASSERT_STRING_EQUAL(th_ctl.items, "SEL-1,");
  }
}

static void
test_retry_refused(void)
{
  char err[512];
  int64_t job = 0;
  int st = 0;

  /* a job without failed items */
  CU_ASSERT_EQUAL(hs_run_action(h, "Acme", "tplug", "select", &job, &st, err,
                                sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_job_retry(h, job, NULL, NULL, err, sizeof(err)),
                  BMC_ERR_CONFLICT);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "has no failed items"));
  /* an action that takes no selection: run it again instead */
  CU_ASSERT_EQUAL(hs_run_action(h, "Acme", "tplug", "fail", &job, &st, err,
                                sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(st, HS_JOB_FAILED);
  CU_ASSERT_EQUAL(hs_job_retry(h, job, NULL, NULL, err, sizeof(err)),
                  BMC_ERR_CONFLICT);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "takes no selection; run it again"));
}

/* The quantity the company's calculation gives for a product with
 * available quantity a. */
static int
calc(int64_t a, int64_t *q, char *err, size_t errlen)
{
  struct bmc_product p;

  memset(&p, 0, sizeof(p));
  p.size = sizeof(p);
  p.sku = "CALC";
  p.available_qty = a;
  return hs_company_invcalc_quantity(h, "Acme", &p, q, err, errlen);
}

static void
test_inventory_calc(void)
{
  const struct bmc_host_api *api;
  struct bmc_product p;
  char err[512], buf[128], cfg[512];
  int64_t q = -1;
  void *ctx;
  FILE *f;

  CU_ASSERT_EQUAL(hs_company_invcalc_get(h, "Acme", buf, sizeof(buf)),
                  BMC_ERR_NOT_FOUND);
  CU_ASSERT_EQUAL(calc(10, &q, err, sizeof(err)), BMC_ERR_NOT_FOUND);
  /* the service says so too: the plugin then uses available_qty */
  CU_ASSERT_EQUAL_FATAL(hs_host_services(h, "Acme", "tplug", &api, &ctx), 0);
  memset(&p, 0, sizeof(p));
  p.size = sizeof(p);
  p.sku = "X";
  p.available_qty = 9;
  CU_ASSERT(BMC_HOST_HAS(api, inventory_quantity));
  CU_ASSERT_EQUAL(api->inventory_quantity(ctx, &p, &q), BMC_ERR_NOT_FOUND);
  /* percent:N rounds down, exactly, without overflow */
  CU_ASSERT_EQUAL(hs_company_invcalc_set(h, "Acme", "percent:80", err,
                                         sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_company_invcalc_get(h, "Acme", buf, sizeof(buf)),
                  BMC_OK);
  CU_ASSERT_STRING_EQUAL(buf, "percent:80");
  CU_ASSERT_EQUAL(calc(10, &q, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(q, 8);
  CU_ASSERT_EQUAL(calc(9, &q, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(q, 7); /* 7.2 */
  CU_ASSERT_EQUAL(calc(1, &q, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(q, 0);
  CU_ASSERT_EQUAL(calc(-4, &q, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(q, 0);
  CU_ASSERT_EQUAL(calc(INT64_MAX, &q, err, sizeof(err)), BMC_OK);
  CU_ASSERT(q > 0 && q < INT64_MAX);
  CU_ASSERT_EQUAL(api->inventory_quantity(ctx, &p, &q), BMC_OK);
  CU_ASSERT_EQUAL(q, 7);
  /* bad specs are refused with the reason, and the old one stays */
  CU_ASSERT_EQUAL(hs_company_invcalc_set(h, "Acme", "percent:0", err,
                                         sizeof(err)), BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "percent:N with a whole N of 1..100"));
  CU_ASSERT_EQUAL(hs_company_invcalc_set(h, "Acme", "percent:80.5", err,
                                         sizeof(err)), BMC_ERR_CONFIG);
  CU_ASSERT_EQUAL(hs_company_invcalc_set(h, "Acme", "half", err,
                                         sizeof(err)), BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "expected percent:N, "
                                "module:PATH[:ARGS] or none"));
  CU_ASSERT_EQUAL(hs_company_invcalc_set(h, "Acme", "module:/nonexistent/"
                                         "calc.so", err, sizeof(err)),
                  BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/calc.so: cannot load"));
  CU_ASSERT_EQUAL(hs_company_invcalc_set(h, "Acme", "module:" BMC_PLUGIN_DIR
                                         "/bmc_test_plugin.so", err,
                                         sizeof(err)), BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "not an inventory calculation module"));
  CU_ASSERT_EQUAL(hs_company_invcalc_get(h, "Acme", buf, sizeof(buf)),
                  BMC_OK);
  CU_ASSERT_STRING_EQUAL(buf, "percent:80");
  CU_ASSERT_EQUAL(hs_company_invcalc_set(h, "Nobody", "percent:5", err,
                                         sizeof(err)), BMC_ERR_NOT_FOUND);
  /* the module: keeps ARGS units back; its own errors are reported */
  CU_ASSERT_EQUAL(hs_company_invcalc_set(h, "Acme", "module:"
                                         BMC_FIXTURE_DIR "/fixture_invcalc.so"
                                         ":3", err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(calc(10, &q, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(q, 7);
  CU_ASSERT_EQUAL(calc(2, &q, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(q, 0);
  CU_ASSERT_EQUAL(hs_company_invcalc_set(h, "Acme", "module:"
                                         BMC_FIXTURE_DIR "/fixture_invcalc.so"
                                         ":many", err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(calc(10, &q, err, sizeof(err)), BMC_ERR_INTERNAL);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "keep_back failed for CALC: keep_back: "
                                "expected a number of units"));
  CU_ASSERT_EQUAL(api->inventory_quantity(ctx, &p, &q), BMC_ERR_INTERNAL);
  /* removed */
  CU_ASSERT_EQUAL(hs_company_invcalc_set(h, "Acme", "none", err,
                                         sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(calc(10, &q, err, sizeof(err)), BMC_ERR_NOT_FOUND);
  /* host.cfg: inventory_calc per company; a bad one names file:line */
  snprintf(cfg, sizeof(cfg), "%s/host.cfg", dir);
  f = fopen(cfg, "w");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  fputs("companies = (\n  { name = \"Acme\";\n"
        "    inventory_calc = \"percent:101\"; } );\n", f);
  CU_ASSERT_EQUAL(fclose(f), 0);
  CU_ASSERT_EQUAL(hs_host_load_config(h, cfg, err, sizeof(err)),
                  BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "host.cfg:3: inventory_calc: "));
  f = fopen(cfg, "w");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  fputs("companies = (\n  { name = \"Acme\";\n"
        "    inventory_calc = \"percent:60\"; } );\n", f);
  CU_ASSERT_EQUAL(fclose(f), 0);
  CU_ASSERT_EQUAL(hs_host_load_config(h, cfg, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(calc(10, &q, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(q, 6);
}

static int
other_create(const struct bmc_host_api *host, void *ctx, void **inst,
             char *errbuf, size_t errlen)
{
  return BMC_ERR_INTERNAL;
}

static int
other_run(void *inst, const char *action, const char *const *items,
          size_t n, char *errbuf, size_t errlen)
{
  return BMC_ERR_INTERNAL;
}

static void
other_destroy(void *inst)
{
}

/* A file's header must name one column: a plugin whose property column is
 * a host column or another loaded plugin's is refused when it registers. */
static void
test_column_clash(void)
{
  static struct bmc_property props[1];
  static struct bmc_plugin_api api;
  char err[512];

  memset(&api, 0, sizeof(api));
  api.hdr.magic = BMC_ABI_MAGIC;
  api.hdr.size = sizeof(api);
  api.hdr.major = BMC_ABI_MAJOR;
  api.hdr.minor = BMC_ABI_MINOR;
  api.name = "other";
  api.version = "1";
  api.create = other_create;
  api.run = other_run;
  api.destroy = other_destroy;
  api.properties = props;
  api.n_properties = 1;
  memset(props, 0, sizeof(props));
  props[0].key = "code";
  props[0].type = BMC_SET_STRING;
  props[0].label = "Code";
  props[0].panel = "General";
  props[0].column = "OtherCode|Ean";
  CU_ASSERT_EQUAL(hs_host_add_plugin_api(h, &api, "mem/other", err,
                                         sizeof(err)), BMC_ERR_CONFLICT);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "mem/other: property 'code': column "
                                "'Ean' is one of the host's own Bulk Update "
                                "columns"));
  props[0].column = "shopcap";
  CU_ASSERT_EQUAL(hs_host_add_plugin_api(h, &api, "mem/other", err,
                                         sizeof(err)), BMC_ERR_CONFLICT);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "column 'shopcap' is already declared "
                                "by plugin tplug"));
  props[0].column = "OtherCode";
  CU_ASSERT_EQUAL(hs_host_add_plugin_api(h, &api, "mem/other", err,
                                         sizeof(err)), BMC_OK);
  CU_ASSERT_PTR_NOT_NULL(hs_plugin_find(h, "other"));
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"host_props", "products show listing", test_show_listing},
    {"host_props", "actions on a selection, retry", test_selection},
    {"host_props", "retry refused", test_retry_refused},
    {"host_props", "Custom Inventory Calculation", test_inventory_calc},
    {"host_props", "property columns never clash", test_column_clash},
  };

  return cu_main(cases, CU_CASES_N(cases), setup, teardown, argc, argv);
}
