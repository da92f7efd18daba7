/*
 * test_pro_settings.c -- integration tests of Back Market Pro "Test
 * Settings" through the host and the simulator: every failure is named
 * (bad URL, unreachable, key refused, key with spaces, wrong endpoint),
 * success is tied to the current url + key, the other actions refuse to run
 * before it, a pending key is checked before it replaces the active one,
 * and the key never shows in job logs, the error queue or the simulator's
 * request log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "pro_env.h"
#include "cu_main.h"

#define KEY "pk_test_A1b2C3d4E5f6G7h8"
#define KEY2 "pk_test_Z9y8X7w6V5u4T3s2"

static struct pe env;

static int
suite_init(void)
{
  if(pe_open(&env, 0) || pe_company(&env, "Acme", KEY, "SELLER-1"))
    return -1;
  return 0;
}

static int
suite_clean(void)
{
  pe_close(&env);
  return 0;
}

/* Run test_settings and return the job status; the log in *log. */
static int
run_test_settings(char **log)
{
  int64_t job = 0;
  int st = pe_run(&env, "Acme", "test_settings", &job);

  *log = pe_job_log(&env, job);
  return st;
}

static void
t_refused_before_test(void)
{
  int64_t job = 0;
  int before = pe_sim_count(&env, NULL, "/sellers-prod/");

  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "import_orders", &job),
                  HS_JOB_FAILED);
  CU_ASSERT_EQUAL(pe_log_count(&env, job, BMC_LOG_ERROR,
                               "Run Test Settings"), 1);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "tracking_upload", &job),
                  HS_JOB_FAILED);
  CU_ASSERT_EQUAL(pe_log_count(&env, job, BMC_LOG_ERROR,
                               "Test Settings has not succeeded"), 1);
  /* nothing was sent to Back Market Pro */
  CU_ASSERT_EQUAL(pe_sim_count(&env, NULL, "/sellers-prod/"), before);
}

static void
t_bad_url(void)
{
  char err[256], *log = NULL;

  CU_ASSERT_EQUAL(pe_set(&env, "Acme", "website_url",
                         "http://api.pro.backmarket.com/sellers-prod", err,
                         sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(run_test_settings(&log), HS_JOB_FAILED);
  CU_ASSERT_PTR_NOT_NULL(log && strstr(log, "bad Website URL"));
  CU_ASSERT_PTR_NOT_NULL(log && strstr(log, "must use https://"));
  free(log);
  CU_ASSERT_EQUAL(pe_set(&env, "Acme", "website_url", "https://bad_host.test/x",
                         err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(run_test_settings(&log), HS_JOB_FAILED);
  CU_ASSERT_PTR_NOT_NULL(log && strstr(log, "host name"));
  free(log);
  CU_ASSERT_EQUAL(pe_set(&env, "Acme", "website_url", env.url, err,
                         sizeof(err)), BMC_OK);
}

static void
t_unreachable(void)
{
  char err[256], url[128], *log = NULL;
  int port = pe_closed_port();

  CU_ASSERT_FATAL(port > 0);
  snprintf(url, sizeof(url), "http://127.0.0.1:%d/sellers-prod", port);
  CU_ASSERT_EQUAL(pe_set(&env, "Acme", "website_url", url, err,
                         sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(run_test_settings(&log), HS_JOB_FAILED);
  CU_ASSERT_PTR_NOT_NULL(log && strstr(log, "unreachable"));
  CU_ASSERT_PTR_NOT_NULL(log && strstr(log, url));
  free(log);
  CU_ASSERT_EQUAL(pe_set(&env, "Acme", "website_url", env.url, err,
                         sizeof(err)), BMC_OK);
}

static void
t_wrong_endpoint(void)
{
  char err[256], url[160], *log = NULL;

  /* the simulator answers 401 for an unknown prefix only after auth;
   * a base without /sellers-prod reaches another API altogether */
  snprintf(url, sizeof(url), "%.*s/not-pro", (int)(strlen(env.url) - 13),
           env.url);
  CU_ASSERT_EQUAL(pe_set(&env, "Acme", "website_url", url, err,
                         sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(run_test_settings(&log), HS_JOB_FAILED);
  CU_ASSERT_PTR_NOT_NULL(log && strstr(log, "unexpected response"));
  free(log);
  CU_ASSERT_EQUAL(pe_set(&env, "Acme", "website_url", env.url, err,
                         sizeof(err)), BMC_OK);
}

static void
t_key_refused(void)
{
  char err[256], *log = NULL;

  CU_ASSERT_EQUAL(pe_set(&env, "Acme", "x_api_key", "pk_unknown_key_0000",
                         err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(run_test_settings(&log), HS_JOB_FAILED);
  CU_ASSERT_PTR_NOT_NULL(log && strstr(log, "x-api-key was refused"));
  CU_ASSERT_PTR_NOT_NULL(log && strstr(log, "401"));
  CU_ASSERT_PTR_NULL(log && strstr(log, "pk_unknown_key_0000"));
  free(log);
  CU_ASSERT_FALSE(pe_secret_anywhere(&env, "pk_unknown_key_0000"));
  CU_ASSERT_EQUAL(pe_set(&env, "Acme", "x_api_key", KEY, err, sizeof(err)),
                  BMC_OK);
}

/* A host table that hands the plugin a key the host itself would refuse to
 * store (pasted with spaces), to see the plugin's own check. */
static const struct bmc_host_api *real_api;
static const char *fake_key;

static int
fake_setting_get(void *ctx, const char *key, char *buf, size_t buflen)
{
  if(!strcmp(key, "x_api_key")) {
    if(strlen(fake_key) >= buflen)
      return BMC_ERR_TOO_SMALL;
    memcpy(buf, fake_key, strlen(fake_key) + 1);
    return BMC_OK;
  }
  return real_api->setting_get(ctx, key, buf, buflen);
}

static void
check_plugin_refuses_key(const char *key, const char *expect)
{
  const struct bmc_plugin_api *api = hs_plugin_find(env.h, "backmarket_pro");
  struct bmc_host_api fake;
  void *ctx = NULL, *inst = NULL;
  char err[512];
  int before = pe_sim_count(&env, NULL, "/sellers-prod/");

  CU_ASSERT_PTR_NOT_NULL_FATAL(api);
  CU_ASSERT_EQUAL_FATAL(hs_host_services(env.h, "Acme", "backmarket_pro",
                                         &real_api, &ctx), BMC_OK);
  fake = *real_api;
  fake.setting_get = fake_setting_get;
  fake_key = key;
  CU_ASSERT_EQUAL_FATAL(api->create(&fake, ctx, &inst, err, sizeof(err)),
                        BMC_OK);
  err[0] = '\0';
  CU_ASSERT_EQUAL(api->run(inst, "test_settings", NULL, 0, err, sizeof(err)),
                  BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, expect));
  CU_ASSERT_PTR_NULL(strstr(err, "pk_test"));
  api->destroy(inst);
  /* refused before any request */
  CU_ASSERT_EQUAL(pe_sim_count(&env, NULL, "/sellers-prod/"), before);
}

static void
t_key_spaces(void)
{
  char err[256];

  /* the host refuses to store it, without echoing it ... */
  CU_ASSERT_EQUAL(pe_set(&env, "Acme", "x_api_key", " " KEY " ", err,
                         sizeof(err)), BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NULL(strstr(err, KEY));
  /* ... and the plugin refuses it too, saying exactly what is wrong */
  check_plugin_refuses_key(" " KEY, "leading or trailing spaces");
  check_plugin_refuses_key(KEY " ", "leading or trailing spaces");
  check_plugin_refuses_key("pk_test_A1b2\nC3d4", "line break");
}

static void
t_success_and_key_change(void)
{
  char err[256], *log = NULL;
  int64_t job = 0;

  CU_ASSERT_EQUAL(run_test_settings(&log), HS_JOB_COMPLETED);
  CU_ASSERT_PTR_NOT_NULL(log && strstr(log, "Test Settings succeeded"));
  CU_ASSERT_PTR_NOT_NULL(log && strstr(log, "SELLER-1"));
  free(log);
  /* one cheap authenticated call, with the key in x-api-key (masked in
   * the simulator's log) */
  CU_ASSERT(pe_sim_count(&env, "GET", "/sellers-prod/2024-03/status") >= 1);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "import_orders", &job),
                  HS_JOB_COMPLETED);
  /* a new key needs a new Test Settings, even a valid one */
  CU_ASSERT_EQUAL(pe_company(&env, "Acme", KEY2, "SELLER-1"), 0);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "import_orders", &job),
                  HS_JOB_FAILED);
  CU_ASSERT_EQUAL(pe_log_count(&env, job, BMC_LOG_ERROR,
                               "Run Test Settings"), 1);
  CU_ASSERT_EQUAL(run_test_settings(&log), HS_JOB_COMPLETED);
  free(log);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "import_orders", &job),
                  HS_JOB_COMPLETED);
  /* a failed Test Settings withdraws the connection */
  CU_ASSERT_EQUAL(pe_set(&env, "Acme", "x_api_key", "pk_revoked_key_1", err,
                         sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(run_test_settings(&log), HS_JOB_FAILED);
  free(log);
  CU_ASSERT_EQUAL(pe_set(&env, "Acme", "x_api_key", KEY2, err, sizeof(err)),
                  BMC_OK);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "import_orders", &job),
                  HS_JOB_FAILED);
}

#define KEY3 "pk_test_Q1w2E3r4T5y6U7i8"
#define KEY_BAD "pk_test_N0tR3g1st3r3d00"

/* Rotation of the x-api-key: a refused pending key leaves the active key
 * and its Test Settings result in place; an accepted one is swapped in
 * and the actions keep running without another Test Settings. */
static void
t_key_rotation(void)
{
  char err[512], *log = NULL, active[128];
  int64_t job = 0;

  CU_ASSERT_EQUAL(pe_set(&env, "Acme", "x_api_key", KEY2, err, sizeof(err)),
                  BMC_OK);
  CU_ASSERT_EQUAL(run_test_settings(&log), HS_JOB_COMPLETED);
  free(log);
  CU_ASSERT_EQUAL(hs_setting_stage_pending(env.h, "Acme", "backmarket_pro",
                                           "x_api_key", KEY_BAD, err,
                                           sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_rotation_check(env.h, "Acme", "backmarket_pro", &job,
                                    err, sizeof(err)), BMC_ERR_UNAUTHORIZED);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "x-api-key was refused"));
  CU_ASSERT_PTR_NULL(strstr(err, KEY_BAD));
  /* the active key still has its Test Settings */
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "import_orders", &job),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(pe_ctl(&env, "POST", "/_sim/pro/keys", "{\"key\":\"" KEY3
                         "\",\"seller_id\":\"SELLER-1\",\"seller_name\":"
                         "\"SELLER-1 Refurb\"}", NULL), 201);
  CU_ASSERT_EQUAL(hs_setting_stage_pending(env.h, "Acme", "backmarket_pro",
                                           "x_api_key", KEY3, err,
                                           sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_rotation_check(env.h, "Acme", "backmarket_pro", &job,
                                    err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_company_setting_get(env.h, "Acme", "backmarket_pro",
                                         "x_api_key", active,
                                         sizeof(active)), BMC_OK);
  CU_ASSERT_STRING_EQUAL(active, KEY3);
  CU_ASSERT_EQUAL(pe_run(&env, "Acme", "import_orders", &job),
                  HS_JOB_COMPLETED);
  CU_ASSERT_FALSE(pe_secret_anywhere(&env, KEY3));
  CU_ASSERT_FALSE(pe_secret_anywhere(&env, KEY_BAD));
}

static void
t_no_secret_anywhere(void)
{
  CU_ASSERT_FALSE(pe_secret_anywhere(&env, KEY));
  CU_ASSERT_FALSE(pe_secret_anywhere(&env, KEY2));
  CU_ASSERT_FALSE(pe_secret_anywhere(&env, "pk_revoked_key_1"));
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"pro_settings", "actions refused before Test Settings",
     t_refused_before_test},
    {"pro_settings", "bad website url", t_bad_url},
    {"pro_settings", "unreachable (closed port)", t_unreachable},
    {"pro_settings", "wrong endpoint", t_wrong_endpoint},
    {"pro_settings", "key refused", t_key_refused},
    {"pro_settings", "key with spaces or line break", t_key_spaces},
    {"pro_settings", "success tied to url+key", t_success_and_key_change},
    {"pro_settings", "key rotation", t_key_rotation},
    {"pro_settings", "key never logged", t_no_secret_anywhere},
  };

  return cu_main(cases, CU_CASES_N(cases), suite_init, suite_clean, argc, argv);
}
