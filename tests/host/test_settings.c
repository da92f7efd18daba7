/*
 * test_settings.c -- Toolbox settings through the host: valid values are
 * stored, unknown keys / wrong types / out-of-range values / secrets with
 * whitespace / control characters (header injection, from the API and
 * from host.cfg) / an empty required secret are refused with a message
 * naming the key (never the secret), `settings show` masks secrets,
 * defaults apply, and a secret a plugin logs or reports is masked in the
 * job log and error queue.
 */
#include <stdio.h>
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
test_validation(void)
{
  char err[512], buf[64];

  CU_ASSERT_EQUAL(hs_company_setting_set(h, "Acme", "tplug", "limit", "25",
                                         err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_company_setting_get(h, "Acme", "tplug", "limit", buf,
                                         sizeof(buf)), BMC_OK);
  CU_ASSERT_STRING_EQUAL(buf, "25");
  /* Default applies when unset. */
  CU_ASSERT_EQUAL(hs_company_setting_get(h, "Acme", "tplug", "mode", buf,
                                         sizeof(buf)), BMC_OK);
  CU_ASSERT_STRING_EQUAL(buf, "a");
  CU_ASSERT_EQUAL(hs_company_setting_get(h, "Acme", "tplug", "token", buf,
                                         sizeof(buf)), BMC_ERR_NOT_FOUND);

  err[0] = '\0';
  CU_ASSERT_EQUAL(hs_company_setting_set(h, "Acme", "tplug", "colour",
                                         "red", err, sizeof(err)),
                  BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "colour"));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown"));

  err[0] = '\0';
  CU_ASSERT_EQUAL(hs_company_setting_set(h, "Acme", "tplug", "limit", "ten",
                                         err, sizeof(err)), BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "limit"));
  CU_ASSERT_EQUAL(hs_company_setting_set(h, "Acme", "tplug", "limit", "101",
                                         err, sizeof(err)), BMC_ERR_CONFIG);
  CU_ASSERT_EQUAL(hs_company_setting_set(h, "Acme", "tplug", "sync", "yes",
                                         err, sizeof(err)), BMC_ERR_CONFIG);
  CU_ASSERT_EQUAL(hs_company_setting_set(h, "Acme", "tplug", "mode", "c",
                                         err, sizeof(err)), BMC_ERR_CONFIG);
  /* The refused value did not replace the stored one. */
  CU_ASSERT_EQUAL(hs_company_setting_get(h, "Acme", "tplug", "limit", buf,
                                         sizeof(buf)), BMC_OK);
  CU_ASSERT_STRING_EQUAL(buf, "25");

  err[0] = '\0';
  CU_ASSERT_EQUAL(hs_company_setting_set(h, "Acme", "tplug", "token",
                                         " " TH_SECRET, err, sizeof(err)),
                  BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "token"));
  CU_ASSERT_PTR_NULL(strstr(err, TH_SECRET));
  CU_ASSERT_EQUAL(hs_company_setting_set(h, "Acme", "tplug", "token",
                                         TH_SECRET "\n", err, sizeof(err)),
                  BMC_ERR_CONFIG);
  CU_ASSERT_EQUAL(hs_company_setting_set(h, "Nobody", "tplug", "limit", "1",
                                         err, sizeof(err)),
                  BMC_ERR_NOT_FOUND);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "Nobody"));
}

struct show {
  int secret_masked, leaked, n;
};

static int
show_cb(void *ud, const struct hs_setting_view *v)
{
  struct show *s = ud;

  s->n++;
  if(v->value && strstr(v->value, TH_SECRET))
    s->leaked = 1;
  if(strcmp(v->schema->key, "token") == 0 && v->is_set && v->value &&
     strcmp(v->value, "****") == 0)
    s->secret_masked = 1;
  return 0;
}

static void
test_show_masks(void)
{
  struct show s = {0, 0, 0};
  char err[256], buf[64];

  CU_ASSERT_EQUAL_FATAL(hs_company_setting_set(h, "Acme", "tplug", "token",
                                               TH_SECRET, err, sizeof(err)),
                        BMC_OK);
  CU_ASSERT_EQUAL(hs_company_settings_each(h, "Acme", "tplug", show_cb, &s),
                  BMC_OK);
  CU_ASSERT_EQUAL(s.n, 6);
  CU_ASSERT_EQUAL(s.secret_masked, 1);
  CU_ASSERT_EQUAL(s.leaked, 0);
  /* The plugin itself still gets the real value. */
  CU_ASSERT_EQUAL(hs_company_setting_get(h, "Acme", "tplug", "token", buf,
                                         sizeof(buf)), BMC_OK);
  CU_ASSERT_STRING_EQUAL(buf, TH_SECRET);
}

static void
test_log_masks(void)
{
  char err[256];
  int64_t job = 0;
  int st = -1;

  CU_ASSERT_EQUAL_FATAL(hs_company_setting_set(h, "Acme", "tplug", "token",
                                               TH_SECRET, err, sizeof(err)),
                        BMC_OK);
  CU_ASSERT_EQUAL(hs_run_action(h, "Acme", "tplug", "leak", &job, &st, err,
                                sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(st, HS_JOB_PARTIAL);
  CU_ASSERT_TRUE(th_log_has(h, job, "using token **** now", 0));
  CU_ASSERT_FALSE(th_log_has(h, job, TH_SECRET, 0));
  CU_ASSERT_FALSE(th_log_has(h, job, "SECRET", 0));
  CU_ASSERT_EQUAL(th_errors_with(h, TH_SECRET), 0);
  CU_ASSERT_EQUAL(th_errors_with(h, "****"), 1);

  /* A rotated token is masked too. */
  CU_ASSERT_EQUAL_FATAL(hs_company_setting_set(h, "Acme", "tplug", "token",
                                               "rotated-777", err,
                                               sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_run_action(h, "Acme", "tplug", "leak", &job, &st, err,
                                sizeof(err)), BMC_OK);
  CU_ASSERT_FALSE(th_log_has(h, job, "rotated-777", 0));
  CU_ASSERT_TRUE(th_log_has(h, job, "****", 0));
}

/* hs_host_load_config of text (written to dir/inject.cfg) is refused with
 * a message containing want. */
static void
config_refused(char *path, size_t len, const char *text, const char *want)
{
  char err[512] = "";
  FILE *fp;

  snprintf(path, len, "%s/inject.cfg", dir);
  fp = fopen(path, "w");
  CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
  fputs(text, fp);
  CU_ASSERT_EQUAL(fclose(fp), 0);
  CU_ASSERT_EQUAL(hs_host_load_config(h, path, err, sizeof(err)),
                  BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
  if(!strstr(err, want))
    fprintf(stderr, "\n  got \"%s\"\n  wanted \"%s\"\n", err, want);
}

/* Header injection: a control character never gets into a setting, from
 * the API or from host.cfg; the message names the setting (never the
 * secret); the stored value is unchanged. */
static void
test_control_characters(void)
{
  static const char *const bad[] = {"ops@x.com\r\nX-Evil: 1", "a\nb",
                                    "a\rb", "nul\x01", "del\x7f"};
  char err[512], buf[128], path[512];
  size_t i;

  CU_ASSERT_EQUAL_FATAL(hs_company_setting_set(h, "Acme", "tplug", "contact",
                                               "ops@acme.test", err,
                                               sizeof(err)), BMC_OK);
  for(i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    err[0] = '\0';
    CU_ASSERT_EQUAL(hs_company_setting_set(h, "Acme", "tplug", "contact",
                                           bad[i], err, sizeof(err)),
                    BMC_ERR_CONFIG);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "contact: contains a control "
                                  "character"));
  }
  CU_ASSERT_EQUAL(hs_company_setting_get(h, "Acme", "tplug", "contact", buf,
                                         sizeof(buf)), BMC_OK);
  CU_ASSERT_STRING_EQUAL(buf, "ops@acme.test");
  CU_ASSERT_EQUAL(hs_company_setting_set(h, "Acme", "tplug", "mode", "a\r\n",
                                         err, sizeof(err)), BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "mode: contains a control character"));
  err[0] = '\0';
  CU_ASSERT_EQUAL(hs_company_setting_set(h, "Acme", "tplug", "token",
                                         "tok\x01" TH_SECRET, err,
                                         sizeof(err)), BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "token: secret value contains a "
                                "control character"));
  CU_ASSERT_PTR_NULL(strstr(err, TH_SECRET));
  /* An empty required secret is refused; unset removes it. */
  err[0] = '\0';
  CU_ASSERT_EQUAL(hs_company_setting_set(h, "Acme", "tplug", "token", "",
                                         err, sizeof(err)), BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "token: a required setting cannot be "
                                "empty"));

  /* Company names: the reason is in hs_last_error(). */
  CU_ASSERT_EQUAL(hs_company_add(h, "Evil\nCo", NULL), BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(hs_last_error(h), "company name contains a "
                                "control character (byte 0x0a at offset "
                                "4)"));
  CU_ASSERT_EQUAL(hs_company_find(h, "Evil\nCo", NULL), BMC_ERR_NOT_FOUND);

  /* The same through host.cfg: file:line, nothing applied. */
  config_refused(path, sizeof(path),
                 "companies = (\n  { name = \"Acme\";\n    plugins = { "
                 "tplug = {\n      contact = \"ops@x.com\\r\\nX-Evil: 1\";\n"
                 "    }; };\n  }\n);\n",
                 "inject.cfg:4: tplug.contact: contains a control character "
                 "(byte 0x0d");
  config_refused(path, sizeof(path),
                 "companies = (\n  { name = \"Bad\\x01Co\"; }\n);\n",
                 "inject.cfg:2: company name: contains a control character "
                 "(byte 0x01");
  config_refused(path, sizeof(path), "@include \"/etc/\"\n",
                 "inject.cfg:1: @include is not allowed");
  CU_ASSERT_EQUAL(hs_company_setting_get(h, "Acme", "tplug", "contact", buf,
                                         sizeof(buf)), BMC_OK);
  CU_ASSERT_STRING_EQUAL(buf, "ops@acme.test");
  CU_ASSERT_EQUAL(hs_company_find(h, "Bad\x01Co", NULL), BMC_ERR_NOT_FOUND);
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"host_settings", "validation", test_validation},
    {"host_settings", "show masks secrets", test_show_masks},
    {"host_settings", "job log masks secrets", test_log_masks},
    {"host_settings", "control characters refused", test_control_characters},
  };

  return cu_main(cases, CU_CASES_N(cases), setup, teardown, argc, argv);
}
