/*
 * test_audit_trail.c -- the host side of issue 15 part A with the
 * in-memory test plugin: the audit_record service masks secrets and
 * control characters and refuses a row without a field; job_dry_run says
 * whether the job is a dry run; in a dry run the host refuses order,
 * property and state writes with a clear job-log line (the second guard),
 * and its recorded changes are marked as a dry run's and logged as diffs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "cu_main.h"
#include "hs_audit_trail.h"
#include "th.h"

static char dir[256];
static struct hs_host *h;

static int
setup(void)
{
  char err[256];

  th_tmpdir(dir, sizeof(dir));
  h = th_open(dir);
  th_ctl.h = h;
  return !h || hs_company_setting_set(h, "Acme", "tplug", "token", TH_SECRET,
                                      err, sizeof(err));
}

static int
teardown(void)
{
  hs_host_close(h);
  th_rmdir(dir);
  return 0;
}

struct rows {
  int n, leaks, ctl;
  char detail[128], sku[32], trigger[24];
};

static int
rows_cb(void *ud, const struct hs_change_row *r)
{
  struct rows *x = ud;

  x->n++;
  if(r->new_value && strstr(r->new_value, TH_SECRET))
    x->leaks++;
  if(r->detail && strchr(r->detail, '\n'))
    x->ctl++;
  snprintf(x->detail, sizeof(x->detail), "%s", r->detail ? r->detail : "");
  snprintf(x->sku, sizeof(x->sku), "%s", r->sku ? r->sku : "");
  snprintf(x->trigger, sizeof(x->trigger), "%s", r->trigger);
  return 0;
}

static void
test_record_masked(void)
{
  struct hs_change_filter f;
  struct rows x;
  int64_t job = 0;
  int st = 0;

  CU_ASSERT_EQUAL(hs_run_action(h, "Acme", "tplug", "change", &job, &st,
                                NULL, 0), 0);
  CU_ASSERT_EQUAL(st, HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(th_ctl.last_rc, BMC_OK);
  CU_ASSERT_EQUAL(th_ctl.reenter_rc, BMC_ERR_INVALID_ARG);
  CU_ASSERT_EQUAL(th_ctl.dry, 0);
  memset(&f, 0, sizeof(f));
  memset(&x, 0, sizeof(x));
  f.company = "Acme";
  f.dry = -1;
  CU_ASSERT_EQUAL(hs_change_audit_each(h, &f, rows_cb, &x), 0);
  CU_ASSERT_EQUAL(x.n, 1);
  CU_ASSERT_EQUAL(x.leaks, 0);
  CU_ASSERT_EQUAL(x.ctl, 0);
  CU_ASSERT_STRING_EQUAL(x.detail, "line 1?line 2");
  CU_ASSERT_STRING_EQUAL(x.sku, "SKU-1");
  CU_ASSERT_STRING_EQUAL(x.trigger, "hand");
}

static void
test_dry_guard(void)
{
  char *xml = th_order_xml("DRY-1", "InProcess", "Paid", "1");
  char buf[32] = "";
  const struct bmc_host_api *api;
  void *ctx;
  size_t len = 0;
  int64_t job = 0, id = 0;
  int st = 0;
  struct rows x;
  struct hs_change_filter f;

  CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
  th_ctl.xml = xml;
  /* an order upsert in a dry run: refused, no order */
  CU_ASSERT_EQUAL(hs_run_action_dry(h, "Acme", "tplug", "order", NULL, 0,
                                    &job, &st, NULL, 0), 0);
  CU_ASSERT_EQUAL(st, HS_JOB_FAILED);
  CU_ASSERT_EQUAL(th_ctl.last_rc, BMC_ERR_CONFLICT);
  CU_ASSERT(th_log_has(h, job, "dry run: order_upsert refused", 0));
  CU_ASSERT_EQUAL(hs_order_find(h, "Acme", "DRY-1", &id), BMC_ERR_NOT_FOUND);
  /* a product write: refused; the stored state stays */
  CU_ASSERT_EQUAL(hs_run_action(h, "Acme", "tplug", "crash", &job, &st, NULL,
                                0), 0);
  CU_ASSERT_EQUAL(hs_run_action_dry(h, "Acme", "tplug", "ping", NULL, 0,
                                    &job, &st, NULL, 0), 0);
  /* (it fails where it stamps a product; its state write is the job's) */
  CU_ASSERT(st == HS_JOB_COMPLETED ||
            th_log_has(h, job, "dry run: product_set refused", 0));
  CU_ASSERT(th_log_has(h, job, "started (manual, dry run", 0));
  CU_ASSERT_EQUAL(hs_host_services(h, "Acme", "tplug", &api, &ctx), 0);
  CU_ASSERT_EQUAL(api->state_get(ctx, "ping_runs", buf, sizeof(buf), &len),
                  BMC_ERR_NOT_FOUND);
  CU_ASSERT_EQUAL(api->state_get(ctx, "cursor", buf, sizeof(buf), &len), 0);
  /* state writes of a dry run: the job reads what it wrote (and not what
   * it deleted), the store keeps what it had */
  CU_ASSERT_EQUAL(api->state_put(ctx, "cursor", "7", 1), 0);
  CU_ASSERT_EQUAL(hs_run_action_dry(h, "Acme", "tplug", "overlay", NULL, 0,
                                    &job, &st, NULL, 0), 0);
  CU_ASSERT_EQUAL(st, HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(th_ctl.last_rc, 0);
  CU_ASSERT_EQUAL(api->state_get(ctx, "k", buf, sizeof(buf), &len),
                  BMC_ERR_NOT_FOUND);
  CU_ASSERT_EQUAL(api->state_get(ctx, "cursor", buf, sizeof(buf), &len), 0);
  CU_ASSERT(len == 1 && buf[0] == '7');
  /* the same action for real stores both */
  CU_ASSERT_EQUAL(hs_run_action(h, "Acme", "tplug", "overlay", &job, &st,
                                NULL, 0), 0);
  CU_ASSERT_EQUAL(st, HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(api->state_get(ctx, "k", buf, sizeof(buf), &len), 0);
  CU_ASSERT_EQUAL(api->state_get(ctx, "cursor", buf, sizeof(buf), &len),
                  BMC_ERR_NOT_FOUND);
  /* outside a job: no dry run, writes go through */
  CU_ASSERT_EQUAL(api->job_dry_run(ctx), 0);
  CU_ASSERT_EQUAL(api->state_put(ctx, "budget/x", "1", 1), 0);
  /* the recorded change of a dry run is marked so and logged as a diff */
  CU_ASSERT_EQUAL(hs_run_action_dry(h, "Acme", "tplug", "change", NULL, 0,
                                    &job, &st, NULL, 0), 0);
  CU_ASSERT_EQUAL(th_ctl.dry, 1);
  CU_ASSERT(th_log_has(h, job, "dry run: would send SKU SKU-1 note: "
                                "(unknown) -> ****", 0));
  memset(&f, 0, sizeof(f));
  memset(&x, 0, sizeof(x));
  f.job_id = job;
  f.dry = 1;
  CU_ASSERT_EQUAL(hs_change_audit_each(h, &f, rows_cb, &x), 0);
  CU_ASSERT_EQUAL(x.n, 1);
  f.dry = 0;
  memset(&x, 0, sizeof(x));
  CU_ASSERT_EQUAL(hs_change_audit_each(h, &f, rows_cb, &x), 0);
  CU_ASSERT_EQUAL(x.n, 0);
  free(xml);
  th_ctl.xml = NULL;
}

static void
write_cfg(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");

  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  fputs(text, f);
  fclose(f);
}

/* host.cfg: a company's dry_run = true switches it on; a non-bool is
 * refused with the line, nothing applied. */
static void
test_config_dry_run(void)
{
  char cfg[512], err[512];
  int on = 0;

  snprintf(cfg, sizeof(cfg), "%s/dry.cfg", dir);
  write_cfg(cfg, "companies = (\n  { name = \"Dry\";\n    dry_run = \"yes\";"
                 " } );\n");
  err[0] = '\0';
  CU_ASSERT_EQUAL(hs_host_load_config(h, cfg, err, sizeof(err)),
                  BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "dry.cfg:3"));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "dry_run: expected a bool"));
  CU_ASSERT_EQUAL(hs_company_find(h, "Dry", NULL), BMC_ERR_NOT_FOUND);
  write_cfg(cfg, "companies = (\n  { name = \"Dry\";\n    dry_run = true;"
                 " } );\n");
  CU_ASSERT_EQUAL(hs_host_load_config(h, cfg, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_company_dry_run_get(h, "Dry", &on), 0);
  CU_ASSERT_EQUAL(on, 1);
  CU_ASSERT_EQUAL(hs_company_dry_run_get(h, "Acme", &on), 0);
  CU_ASSERT_EQUAL(on, 0);
  write_cfg(cfg, "companies = (\n  { name = \"Dry\";\n    dry_run = false;"
                 " } );\n");
  CU_ASSERT_EQUAL(hs_host_load_config(h, cfg, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_company_dry_run_get(h, "Dry", &on), 0);
  CU_ASSERT_EQUAL(on, 0);
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"host_audit_trail", "record_masked", test_record_masked},
    {"host_audit_trail", "dry_guard", test_dry_guard},
    {"host_audit_trail", "config_dry_run", test_config_dry_run},
  };

  return cu_main(cases, CU_CASES_N(cases), setup, teardown, argc, argv);
}
