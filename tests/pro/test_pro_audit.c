/*
 * test_pro_audit.c -- the write gate of Back Market Pro (issue 15 part A)
 * through the host and the simulator: a dry run of Tracking Upload sends
 * no shipment and leaves "Source Updated for Shipping" unset, and reports
 * exactly the row the real run then records with the simulator's request
 * id; a dry run of Import Orders reads but imports nothing; the API key
 * is in no row of the trail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "cu_main.h"
#include "pro_env.h"
#include "th_audit.h"

#define KEY "pk_test_audit_0123456789"

static struct pe env;

static int
suite_init(void)
{
  if(pe_open(&env, 0) || pe_company(&env, "Acme", KEY, "SELLER-A") ||
     pe_pro_order(&env, "SELLER-A", "PRO-A1", "paid", 1, 1, "75.00"))
    return -1;
  if(pe_run(&env, "Acme", "test_settings", NULL) != HS_JOB_COMPLETED ||
     pe_run(&env, "Acme", "import_orders", NULL) != HS_JOB_COMPLETED)
    return -1;
  return 0;
}

static int
suite_clean(void)
{
  pe_close(&env);
  return 0;
}

static const char *
sufs(const char *id)
{
  static char v[8];

  if(pe_order_field(&env, "Acme", id, "sufs", v, sizeof(v)))
    return "missing";
  return v;
}

static void
t_tracking_dry_then_real(void)
{
  struct th_changes dry, real;
  int64_t seq, dj = 0, rj = 0;
  int k;

  CU_ASSERT_EQUAL_FATAL(pe_ship(&env, "Acme", "PRO-A1", 0, "TRK-A1"), 0);
  seq = th_sim_log_seq(&env.te);
  CU_ASSERT_EQUAL(th_run_dry(&env.te, "tracking_upload", &dj), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(th_sim_log_count(&env.te, seq, "POST", "/", NULL), 0);
  CU_ASSERT_STRING_EQUAL(sufs("PRO-A1"), "0");
  CU_ASSERT_EQUAL(th_changes_load(env.h, "Acme", dj, 1, NULL, &dry), 0);
  CU_ASSERT_EQUAL(dry.n, 1);
  CU_ASSERT_STRING_EQUAL(dry.key[0], "||PRO-A1||tracking||TRK-A1 Colissimo");
  seq = th_sim_log_seq(&env.te);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "tracking_upload", &rj),
                  HS_JOB_COMPLETED);
  CU_ASSERT_STRING_EQUAL(sufs("PRO-A1"), "1");
  CU_ASSERT_EQUAL(th_changes_load(env.h, "Acme", rj, 0, NULL, &real), 0);
  CU_ASSERT_EQUAL(th_changes_diff(&dry, &real), 0);
  CU_ASSERT_EQUAL(th_changes_logged(&env.te, seq, &real, "POST",
                                    "/sellers-prod/", 1), 0);
  CU_ASSERT(real.n == 1 && !strcmp(real.result[0], "ok"));
  for(k = 0; k < real.n; k++)
    CU_ASSERT_PTR_NULL(strstr(real.key[k], KEY));
}

static void
t_import_dry(void)
{
  int64_t before, seq, job = 0;

  CU_ASSERT_EQUAL_FATAL(pe_pro_order(&env, "SELLER-A", "PRO-A2", "paid", 1,
                                     1, "20.00"), 0);
  before = pe_orders(&env, "Acme", "backmarket_pro");
  seq = th_sim_log_seq(&env.te);
  CU_ASSERT_EQUAL(th_run_dry(&env.te, "import_orders", &job), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(pe_orders(&env, "Acme", "backmarket_pro"), before);
  CU_ASSERT_EQUAL(th_sim_log_count(&env.te, seq, "POST", "/", NULL), 0);
  CU_ASSERT_EQUAL(pe_log_count(&env, job, -1, "dry run: order PRO-A2 is "
                                              "not imported"), 1);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "import_orders", NULL),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(pe_orders(&env, "Acme", "backmarket_pro"), before + 1);
}

/* Every action of the plugin as a dry run: no changing request, none
 * fails, no host write refused. */
static void
t_every_action(void)
{
  const struct bmc_plugin_api *api = hs_plugin_find(env.h, "backmarket_pro");
  int64_t seq, job;
  size_t i;
  int st;

  CU_ASSERT_PTR_NOT_NULL_FATAL(api);
  for(i = 0; i < api->n_actions; i++) {
    if(!(api->actions[i].flags & BMC_ACTION_MANUAL))
      continue;
    seq = th_sim_log_seq(&env.te);
    job = 0;
    st = th_run_dry(&env.te, api->actions[i].id, &job);
    CU_ASSERT(st == HS_JOB_COMPLETED || st == HS_JOB_PARTIAL);
    CU_ASSERT_EQUAL(th_sim_log_count(&env.te, seq, "POST", "/", NULL), 0);
    CU_ASSERT_EQUAL(pe_log_count(&env, job, -1, "refused"), 0);
  }
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"pro_audit", "tracking_dry_then_real", t_tracking_dry_then_real},
    {"pro_audit", "import_dry", t_import_dry},
    {"pro_audit", "every_action", t_every_action},
  };

  return cu_main(cases, CU_CASES_N(cases), suite_init, suite_clean, argc,
                 argv);
}
