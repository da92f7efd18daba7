/*
 * test_web_pages.c -- the web Toolbox over real HTTP on 127.0.0.1: login
 * and its cookie, a refused password, pages behind the login, the CSRF
 * token (a POST without it changes nothing), the viewer role, General
 * Settings with the host's validation messages and write-only secrets,
 * an action followed Submitted -> Processing -> Completed on a worker
 * while other pages answer, escaping of a hostile product title, the
 * catalog search and pager, the error queue and the audit rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cu_main.h"
#include "tw.h"

static struct tw_env env;
static struct tw_browser admin, viewer, anon;

#define SETTINGS_PATH "/settings?c=" TW_COMPANY_Q "&p=" TW_PLUGIN
#define FORM_CP "c=Acme+%3Cb%3E&p=" TW_PLUGIN

static int
suite_init(void)
{
  if(curl_global_init(CURL_GLOBAL_ALL) || tw_start(&env) ||
     tw_browser_open(&admin) || tw_browser_open(&viewer) ||
     tw_browser_open(&anon))
    return -1;
  return 0;
}

static int
suite_clean(void)
{
  tw_browser_close(&admin);
  tw_browser_close(&viewer);
  tw_browser_close(&anon);
  tw_stop(&env);
  curl_global_cleanup();
  return 0;
}

#define has tw_has

static void
test_login_required(void)
{
  struct tw_resp r;

  CU_ASSERT_EQUAL(tw_get(&env, &anon, "/", &r), 303);
  CU_ASSERT_STRING_EQUAL(r.location, "/login");
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_get(&env, &anon, SETTINGS_PATH, &r), 303);
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_post(&env, &anon, "/run", FORM_CP "&action=echo", &r),
                  403);
  tw_resp_free(&r);
}

static void
test_wrong_password(void)
{
  struct tw_resp r;
  char body[256], lt[64];

  tw_get(&env, &anon, "/login", &r);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.cookies, "SameSite=Strict"));
  snprintf(lt, sizeof(lt), "%s", strstr(r.body, "name=\"lt\" value=\"") + 17);
  *strchr(lt, '"') = '\0';
  tw_resp_free(&r);
  snprintf(body, sizeof(body), "lt=%s&user=admin&password=wrong-one", lt);
  CU_ASSERT_EQUAL(tw_post(&env, &anon, "/login", body, &r), 401);
  CU_ASSERT_TRUE(has(&r, "wrong user name or password"));
  CU_ASSERT_PTR_NULL(strstr(r.cookies, "bmc_session="));
  tw_resp_free(&r);
  /* Without the login form's token the POST is refused outright. */
  CU_ASSERT_EQUAL(tw_post(&env, &anon, "/login",
                          "user=admin&password=" TW_ADMIN_PW, &r), 403);
  CU_ASSERT_PTR_NULL(strstr(r.cookies, "bmc_session="));
  tw_resp_free(&r);
}

static void
test_login_cookie(void)
{
  struct tw_resp r;

  tw_get(&env, &admin, "/login", &r);
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_login(&env, &admin, "admin", TW_ADMIN_PW), 303);
  CU_ASSERT_EQUAL(tw_login(&env, &viewer, "viewer", TW_VIEWER_PW), 303);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, "/", &r), 200);
  CU_ASSERT_TRUE(has(&r, "admin (admin)"));
  /* The company name is data: escaped. */
  CU_ASSERT_TRUE(has(&r, "Acme &lt;b&gt;"));
  CU_ASSERT_FALSE(has(&r, "Acme <b>"));
  tw_resp_free(&r);
}

static void
test_session_cookie_flags(void)
{
  struct tw_browser b;
  struct tw_resp r;
  char body[256], lt[64];

  tw_browser_open(&b);
  tw_get(&env, &b, "/login", &r);
  snprintf(lt, sizeof(lt), "%s", strstr(r.body, "name=\"lt\" value=\"") + 17);
  *strchr(lt, '"') = '\0';
  tw_resp_free(&r);
  snprintf(body, sizeof(body), "lt=%s&user=viewer&password=%s", lt,
           TW_VIEWER_PW);
  CU_ASSERT_EQUAL(tw_post(&env, &b, "/login", body, &r), 303);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.cookies, "bmc_session="));
  CU_ASSERT_PTR_NOT_NULL(strstr(r.cookies, "HttpOnly"));
  CU_ASSERT_PTR_NOT_NULL(strstr(r.cookies, "SameSite=Strict"));
  tw_resp_free(&r);
  /* Logout needs the token too, and ends the session. */
  CU_ASSERT_EQUAL(tw_post(&env, &b, "/logout", "csrf=", &r), 403);
  tw_resp_free(&r);
  snprintf(body, sizeof(body), "csrf=%s", tw_csrf_of(&env, &b));
  CU_ASSERT_EQUAL(tw_post(&env, &b, "/logout", body, &r), 303);
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_get(&env, &b, "/", &r), 303);
  tw_resp_free(&r);
  tw_browser_close(&b);
}

static void
test_csrf_refused(void)
{
  struct tw_resp r;
  char v[32];

  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/settings", FORM_CP
                          "&batch_size=77&mode=safe", &r), 403);
  CU_ASSERT_TRUE(has(&r, "CSRF"));
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/settings", FORM_CP
                          "&batch_size=77&mode=safe&csrf=0000", &r), 403);
  tw_resp_free(&r);
  hs_company_setting_get(env.h, TW_COMPANY, TW_PLUGIN, "batch_size", v,
                         sizeof(v));
  CU_ASSERT_STRING_EQUAL(v, "10");
}

static void
test_settings_validation(void)
{
  struct tw_resp r;
  char body[512], v[32];
  const char *tok = tw_csrf_of(&env, &admin);

  CU_ASSERT_EQUAL(tw_get(&env, &admin, SETTINGS_PATH "&edit=1", &r), 200);
  CU_ASSERT_TRUE(has(&r, "name=\"batch_size\""));
  tw_resp_free(&r);
  snprintf(body, sizeof(body), "%s&csrf=%s&batch_size=0&mode=fast", FORM_CP,
           tok);
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/settings", body, &r), 400);
  /* The host's own message, next to the field; nothing applied. */
  CU_ASSERT_TRUE(has(&r, "batch_size: out of range: expected 1..1000, "
                         "found 0"));
  tw_resp_free(&r);
  hs_company_setting_get(env.h, TW_COMPANY, TW_PLUGIN, "mode", v, sizeof(v));
  CU_ASSERT_STRING_EQUAL(v, "safe");
  snprintf(body, sizeof(body), "%s&csrf=%s&batch_size=250&mode=fast&sync="
           "true", FORM_CP, tok);
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/settings", body, &r), 303);
  tw_resp_free(&r);
  hs_company_setting_get(env.h, TW_COMPANY, TW_PLUGIN, "batch_size", v,
                         sizeof(v));
  CU_ASSERT_STRING_EQUAL(v, "250");
  hs_company_setting_get(env.h, TW_COMPANY, TW_PLUGIN, "sync", v, sizeof(v));
  CU_ASSERT_STRING_EQUAL(v, "true");
}

static void
test_secret_write_only(void)
{
  struct tw_resp r;
  char body[512], v[64];
  const char *tok = tw_csrf_of(&env, &admin);

  /* Surrounding spaces: refused with the host's message, never echoed. */
  snprintf(body, sizeof(body), "%s&csrf=%s&batch_size=250&mode=fast&sync="
           "true&api_key=+%s", FORM_CP, tok, TW_SECRET);
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/settings", body, &r), 400);
  CU_ASSERT_TRUE(has(&r, "api_key:"));
  CU_ASSERT_FALSE(has(&r, TW_SECRET));
  tw_resp_free(&r);
  snprintf(body, sizeof(body), "%s&csrf=%s&batch_size=250&mode=fast&sync="
           "true&api_key=%s", FORM_CP, tok, TW_SECRET);
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/settings", body, &r), 303);
  tw_resp_free(&r);
  hs_company_setting_get(env.h, TW_COMPANY, TW_PLUGIN, "api_key", v,
                         sizeof(v));
  CU_ASSERT_STRING_EQUAL(v, TW_SECRET);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, SETTINGS_PATH, &r), 200);
  CU_ASSERT_FALSE(has(&r, TW_SECRET));
  CU_ASSERT_FALSE(has(&r, "****"));
  CU_ASSERT_TRUE(has(&r, ">set<"));
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, SETTINGS_PATH "&edit=1", &r), 200);
  CU_ASSERT_FALSE(has(&r, TW_SECRET));
  tw_resp_free(&r);
  /* An empty secret field keeps the stored one. */
  snprintf(body, sizeof(body), "%s&csrf=%s&batch_size=250&mode=fast&sync="
           "true&api_key=", FORM_CP, tok);
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/settings", body, &r), 303);
  tw_resp_free(&r);
  hs_company_setting_get(env.h, TW_COMPANY, TW_PLUGIN, "api_key", v,
                         sizeof(v));
  CU_ASSERT_STRING_EQUAL(v, TW_SECRET);
}

static int
count_jobs(void *ud, const struct hs_job *j)
{
  (void)j;
  (*(int *)ud)++;
  return 0;
}

static void
test_viewer_read_only(void)
{
  struct tw_resp r;
  char body[512];
  int before = 0, after = 0;

  CU_ASSERT_EQUAL(tw_get(&env, &viewer, SETTINGS_PATH, &r), 200);
  CU_ASSERT_TRUE(has(&r, "Long Import"));
  tw_resp_free(&r);
  hs_jobs_each(env.h, NULL, count_jobs, &before);
  snprintf(body, sizeof(body), "%s&csrf=%s&action=echo", FORM_CP,
           tw_csrf_of(&env, &viewer));
  CU_ASSERT_EQUAL(tw_post(&env, &viewer, "/run", body, &r), 403);
  CU_ASSERT_TRUE(has(&r, "viewer"));
  tw_resp_free(&r);
  hs_jobs_each(env.h, NULL, count_jobs, &after);
  CU_ASSERT_EQUAL(after, before);
  CU_ASSERT_EQUAL(tw_get(&env, &viewer, SETTINGS_PATH "&edit=1", &r), 403);
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_get(&env, &viewer, "/audit", &r), 403);
  tw_resp_free(&r);
}

static void
test_action_lifecycle(void)
{
  struct tw_resp r;
  char body[512], path[600], job_path[64];

  snprintf(body, sizeof(body), "%s&csrf=%s&action=block", FORM_CP,
           tw_csrf_of(&env, &admin));
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/run", body, &r), 303);
  /* The request became a queued job at once: the page shows the job. */
  CU_ASSERT_EQUAL(strncmp(r.location, "/job?id=", 8), 0);
  snprintf(job_path, sizeof(job_path), "%.60s", r.location);
  tw_resp_free(&r);
  CU_ASSERT_TRUE_FATAL(tw_block_wait_entered());
  CU_ASSERT_EQUAL(tw_get(&env, &admin, job_path, &r), 200);
  CU_ASSERT_TRUE(has(&r, ">Processing<"));
  CU_ASSERT_TRUE(has(&r, "http-equiv=\"refresh\""));
  CU_ASSERT_TRUE(has(&r, "Long Import started (manual)"));
  CU_ASSERT_TRUE(has(&r, "1/4"));
  tw_resp_free(&r);
  /* Other pages answer while the job runs; a second run of the same
   * company and channel waits for it (the host runs one action per
   * instance at a time), and its page says so. */
  CU_ASSERT_EQUAL(tw_get(&env, &viewer, "/jobs", &r), 200);
  tw_resp_free(&r);
  snprintf(body, sizeof(body), "%s&csrf=%s&action=echo", FORM_CP,
           tw_csrf_of(&env, &admin));
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/run", body, &r), 303);
  CU_ASSERT_EQUAL(strncmp(r.location, "/run?id=", 8), 0);
  snprintf(path, sizeof(path), "%.60s", r.location);
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, path, &r), 200);
  CU_ASSERT_TRUE(has(&r, "id=\"status\">Submitted</span> (waiting"));
  tw_resp_free(&r);
  tw_block_release();
  /* Stopping the server lets the running jobs finish, the waiting one
   * after the first. */
  CU_ASSERT_EQUAL_FATAL(tw_restart(&env), 0);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, path, &r), 303);
  CU_ASSERT_EQUAL(strncmp(r.location, "/job?id=", 8), 0);
  CU_ASSERT_STRING_NOT_EQUAL(r.location, job_path);
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, job_path, &r), 200);
  CU_ASSERT_TRUE(has(&r, ">Partial Success<"));
  CU_ASSERT_FALSE(has(&r, "http-equiv=\"refresh\""));
  /* The item error's line is flagged and escaped. */
  CU_ASSERT_TRUE(has(&r, "<tr class=\"logerr\">"));
  CU_ASSERT_TRUE(has(&r, "a &lt;b&gt;flagged&lt;/b&gt; line"));
  CU_ASSERT_TRUE(has(&r, "4/4"));
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, "/errors", &r), 200);
  CU_ASSERT_TRUE(has(&r, "SKU-&lt;i&gt;"));
  CU_ASSERT_TRUE(has(&r, "demo_code"));
  tw_resp_free(&r);
}

static void
test_action_refused(void)
{
  struct tw_resp r;
  char body[512], path[64];

  snprintf(body, sizeof(body), "%s&csrf=%s&action=sync", FORM_CP,
           tw_csrf_of(&env, &admin));
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/run", body, &r), 400);
  CU_ASSERT_TRUE(has(&r, "can be run by hand"));
  tw_resp_free(&r);
  /* Channel switched off: the host refuses and the page says why. */
  hs_company_plugin_enable(env.h, TW_COMPANY, TW_PLUGIN, 0, NULL, 0);
  snprintf(body, sizeof(body), "%s&csrf=%s&action=echo", FORM_CP,
           tw_csrf_of(&env, &admin));
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/run", body, &r), 303);
  snprintf(path, sizeof(path), "%.60s", r.location);
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, path, &r), 409);
  CU_ASSERT_TRUE(has(&r, "is not enabled for company"));
  tw_resp_free(&r);
  hs_company_plugin_enable(env.h, TW_COMPANY, TW_PLUGIN, 1, NULL, 0);
}

static void
test_hostile_title(void)
{
  struct hs_product p;
  struct tw_resp r;
  char err[256];

  hs_product_init(&p);
  p.sku = "EVIL-1";
  p.title = "<script>alert('pwned')</script> iPhone";
  p.available_qty = 3;
  CU_ASSERT_EQUAL(hs_product_upsert(env.h, TW_COMPANY, &p, NULL, err,
                                    sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, "/products?c=" TW_COMPANY_Q
                         "&q=script", &r), 200);
  CU_ASSERT_TRUE(has(&r, "&lt;script&gt;alert(&#39;pwned&#39;)"));
  CU_ASSERT_FALSE(has(&r, "<script>"));
  CU_ASSERT_TRUE(has(&r, "Page 1 of 1, 1 items"));
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, "/product?c=" TW_COMPANY_Q
                         "&sku=EVIL-1", &r), 200);
  CU_ASSERT_FALSE(has(&r, "<script>"));
  tw_resp_free(&r);
}

static void
test_catalog_pager(void)
{
  struct hs_product p;
  struct tw_resp r;
  char sku[32], err[256];
  int i;

  for(i = 0; i < 130; i++) {
    hs_product_init(&p);
    snprintf(sku, sizeof(sku), "PG-%03d", i);
    p.sku = sku;
    p.title = "Galaxy S21";
    hs_product_upsert(env.h, TW_COMPANY, &p, NULL, err, sizeof(err));
  }
  CU_ASSERT_EQUAL(tw_get(&env, &admin, "/products?c=" TW_COMPANY_Q
                         "&q=PG-&page=3", &r), 200);
  CU_ASSERT_TRUE(has(&r, "Page 3 of 3, 130 items"));
  CU_ASSERT_TRUE(has(&r, ">PG-129<"));
  CU_ASSERT_FALSE(has(&r, ">PG-099<"));
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, "/product?c=" TW_COMPANY_Q
                         "&sku=NOPE", &r), 404);
  tw_resp_free(&r);
}

/* The product page draws the channel's declared properties: its panels,
 * a market's own value, defaults, and Ready with its reasons per market
 * (escaped), all from the declaration. */
static void
test_product_properties(void)
{
  struct hs_product p;
  struct tw_resp r;
  char err[256];
  int64_t job = 0;
  int st = 0;

  hs_product_init(&p);
  p.sku = "PROP-1";
  p.title = "Pixel 7";
  CU_ASSERT_EQUAL_FATAL(hs_product_upsert(env.h, TW_COMPANY, &p, NULL, err,
                                          sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_product_prop_set(env.h, TW_COMPANY, TW_PLUGIN, "PROP-1",
                                      "wprice", "us", "279.00", err,
                                      sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_product_prop_set(env.h, TW_COMPANY, TW_PLUGIN, "PROP-1",
                                      "wnote", NULL, "two\nlines", err,
                                      sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, "/product?c=" TW_COMPANY_Q
                         "&sku=PROP-1", &r), 200);
  CU_ASSERT_TRUE(has(&r, "<h2>Web Test Channel: General</h2>"));
  CU_ASSERT_TRUE(has(&r, "<h2>Web Test Channel: Pricing</h2>"));
  CU_ASSERT_TRUE(has(&r, "<h2>Web Test Channel: Market us</h2><table "
                     "class=\"kv\"><tr><th>Listed</th><td>- <span "
                     "class=\"help\">(the product's value)</span></td>"
                     "</tr><tr><th>Ready</th><td>- <span class=\"help\">(not "
                     "checked yet)</span></td></tr><tr><th>Web Price</th>"
                     "<td>279.00</td>"));
  CU_ASSERT_TRUE(has(&r, "<h2>Web Test Channel: Market uk</h2>"));
  CU_ASSERT_TRUE(has(&r, "<th>Listed</th><td>false <span class=\"help\">"
                     "(default)"));
  CU_ASSERT_TRUE(has(&r, "(not checked yet)"));
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(hs_run_action_items(env.h, TW_COMPANY, TW_PLUGIN, "check",
                                      (const char *const[]){"PROP-1"}, 1,
                                      &job, &st, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(st, HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, "/product?c=" TW_COMPANY_Q
                         "&sku=PROP-1", &r), 200);
  CU_ASSERT_TRUE(has(&r, "id=\"wready-uk\" title=\"no &lt;price&gt;\">No"));
  CU_ASSERT_TRUE(has(&r, "title=\"uk: no &lt;price&gt;; us: fine\">No"));
  CU_ASSERT_TRUE(has(&r, "Market us</h2><table class=\"kv\"><tr><th>"
                     "Listed</th><td>- <span class=\"help\">(the product's"
                     " value)</span></td></tr><tr><th>Ready</th><td><span "
                     "class=\"yes\">Yes</span>"));
  /* Every reason also in a list (no script, no hover needed). */
  CU_ASSERT_TRUE(has(&r, "<ul class=\"reasons\" id=\"wready-reasons\">"
                     "<li>uk: no &lt;price&gt;</li><li>us: fine</li></ul>"));
  CU_ASSERT_FALSE(has(&r, "Ready: why not"));
  CU_ASSERT_FALSE(has(&r, "<price>"));
  tw_resp_free(&r);
}

static int
audit_has_run(void *ud, const struct hs_audit_row *a)
{
  int *n = ud;

  if(!strcmp(a->user, "admin") && !strcmp(a->path, "/run") && a->detail &&
     strstr(a->detail, "run Acme <b>/wplug/block"))
    (*n)++;
  if(a->detail && strstr(a->detail, TW_SECRET))
    *n = -1000;
  return 0;
}

static void
test_audit_rows(void)
{
  struct tw_resp r;
  int n = 0;

  CU_ASSERT_EQUAL(hs_audit_each(env.h, NULL, 1000, audit_has_run, &n),
                  BMC_OK);
  CU_ASSERT_EQUAL(n, 1);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, "/audit?user=viewer", &r), 200);
  CU_ASSERT_TRUE(has(&r, "/run"));
  CU_ASSERT_TRUE(has(&r, ">403<"));
  tw_resp_free(&r);
}

static void
test_headers_and_unknown(void)
{
  struct tw_resp r;

  CU_ASSERT_EQUAL(tw_get(&env, &admin, "/nope", &r), 404);
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, "/job?id=999999", &r), 404);
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, "/tasks?c=" TW_COMPANY_Q, &r), 200);
  CU_ASSERT_TRUE(has(&r, "Sync"));
  CU_ASSERT_TRUE(has(&r, "Minutes (every 5 min)"));
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/jobs", "x=1", &r), 405);
  tw_resp_free(&r);
}

static const struct cu_case cases[] = {
  {"web_pages", "login_required", test_login_required},
  {"web_pages", "wrong_password", test_wrong_password},
  {"web_pages", "login_cookie", test_login_cookie},
  {"web_pages", "session_cookie_flags", test_session_cookie_flags},
  {"web_pages", "csrf_refused", test_csrf_refused},
  {"web_pages", "settings_validation", test_settings_validation},
  {"web_pages", "secret_write_only", test_secret_write_only},
  {"web_pages", "viewer_read_only", test_viewer_read_only},
  {"web_pages", "action_lifecycle", test_action_lifecycle},
  {"web_pages", "action_refused", test_action_refused},
  {"web_pages", "hostile_title", test_hostile_title},
  {"web_pages", "catalog_pager", test_catalog_pager},
  {"web_pages", "product_properties", test_product_properties},
  {"web_pages", "audit_rows", test_audit_rows},
  {"web_pages", "headers_and_unknown", test_headers_and_unknown},
};

int
main(int argc, char **argv)
{
  return cu_main(cases, CU_CASES_N(cases), suite_init, suite_clean, argc,
                 argv);
}
