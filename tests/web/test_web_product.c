/*
 * test_web_product.c -- the product page's Edit and Save over real HTTP:
 * the form drawn from the plugin's declarations (an input per editable
 * property, global and per market; plugin-owned values read only), the
 * host's own validation messages with nothing saved unless every changed
 * value passes, only changed values written, an empty field clearing its
 * value, plugin-owned properties never settable, admins only, audited.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cu_main.h"
#include "tw.h"

#define SKU "EDIT-1"
#define PAGE "/product?c=" TW_COMPANY_Q "&sku=" SKU
#define FORM_CS "c=Acme+%3Cb%3E&sku=" SKU
#define F(key, market) "f%3A" TW_PLUGIN "%3A" key "%3A" market

static struct tw_env env;
static struct tw_browser admin, viewer;

static int
suite_init(void)
{
  struct hs_product p;
  char err[256];

  if(tw_start_logged_in(&env, &admin, &viewer))
    return -1;
  hs_product_init(&p);
  p.sku = SKU;
  p.title = "Galaxy S21";
  return hs_product_upsert(env.h, TW_COMPANY, &p, NULL, err, sizeof(err)) ||
         hs_product_prop_set(env.h, TW_COMPANY, TW_PLUGIN, SKU, "wprice",
                             "us", "279.00", err, sizeof(err));
}

static int
suite_clean(void)
{
  tw_close_logged_in(&env, &admin, &viewer);
  return 0;
}

#define has tw_has

/* The stored value ("" when unset). */
static const char *
stored(const char *key, const char *market)
{
  static char v[256];

  v[0] = '\0';
  if(hs_product_prop_get_market(env.h, TW_COMPANY, TW_PLUGIN, SKU, key,
                                market, v, sizeof(v)))
    v[0] = '\0';
  return v;
}

static long
save(struct tw_browser *b, const char *fields, struct tw_resp *r)
{
  char body[2048];

  snprintf(body, sizeof(body), "%s&csrf=%s&%s", FORM_CS,
           tw_csrf_of(&env, b), fields);
  return tw_post(&env, b, "/product", body, r);
}

static void
test_form_from_declarations(void)
{
  struct tw_resp r;

  CU_ASSERT_EQUAL(tw_get(&env, &admin, PAGE, &r), 200);
  CU_ASSERT_TRUE(has(&r, "id=\"edit\" href=\"/product?c=Acme%20%3Cb%3E&amp;"
                     "sku=EDIT-1&amp;edit=1\""));
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, PAGE "&edit=1", &r), 200);
  CU_ASSERT_TRUE(has(&r, "<form method=\"post\" action=\"/product\">"));
  CU_ASSERT_TRUE(has(&r, "name=\"csrf\""));
  CU_ASSERT_TRUE(has(&r, "<input type=\"text\" name=\"f:wplug:wprice:us\" "
                     "value=\"279.00\">"));
  CU_ASSERT_TRUE(has(&r, "<input type=\"text\" name=\"f:wplug:wprice:uk\" "
                     "value=\"\">"));
  CU_ASSERT_TRUE(has(&r, "<select name=\"f:wplug:wlisted:\"><option "
                     "value=\"\">false (default)</option><option>true"
                     "</option><option>false</option></select>"));
  CU_ASSERT_TRUE(has(&r, "<textarea rows=\"3\" cols=\"60\" "
                     "name=\"f:wplug:wnote:\">"));
  /* Plugin-owned: shown, never an input. */
  CU_ASSERT_FALSE(has(&r, "f:wplug:wready"));
  CU_ASSERT_TRUE(has(&r, "id=\"save\""));
  tw_resp_free(&r);
}

static void
test_viewer_cannot_edit(void)
{
  struct tw_resp r;

  CU_ASSERT_EQUAL(tw_get(&env, &viewer, PAGE, &r), 200);
  CU_ASSERT_FALSE(has(&r, "id=\"edit\""));
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_get(&env, &viewer, PAGE "&edit=1", &r), 403);
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(save(&viewer, F("wnote", "") "=viewer", &r), 403);
  tw_resp_free(&r);
  CU_ASSERT_STRING_EQUAL(stored("wnote", ""), "");
  /* And no token, no change. */
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/product", FORM_CS "&"
                          F("wnote", "") "=x", &r), 403);
  tw_resp_free(&r);
  CU_ASSERT_STRING_EQUAL(stored("wnote", ""), "");
}

static void
test_bad_value_saves_nothing(void)
{
  struct tw_resp r;

  CU_ASSERT_EQUAL(save(&admin, F("wprice", "") "=12.345&" F("wprice", "uk")
                       "=abc&" F("wnote", "") "=fine+note", &r), 400);
  CU_ASSERT_TRUE(has(&r, "id=\"not-saved\""));
  CU_ASSERT_TRUE(has(&r, "2 value(s) are not valid"));
  /* The host's messages, naming the property and the market. */
  CU_ASSERT_TRUE(has(&r, "<div class=\"errmsg\">Web Price: expected at most "
                     "2 decimals"));
  CU_ASSERT_TRUE(has(&r, "<div class=\"errmsg\">Web Price (uk): "));
  /* The submitted values stay in the form. */
  CU_ASSERT_TRUE(has(&r, "name=\"f:wplug:wprice:\" value=\"12.345\""));
  CU_ASSERT_TRUE(has(&r, "name=\"f:wplug:wnote:\">fine note</textarea>"));
  tw_resp_free(&r);
  CU_ASSERT_STRING_EQUAL(stored("wnote", ""), "");
  CU_ASSERT_STRING_EQUAL(stored("wprice", ""), "");
}

static int
audit_cb(void *ud, const struct hs_audit_row *a)
{
  int *n = ud;

  if(!strcmp(a->user, "admin") && !strcmp(a->method, "POST") && a->detail &&
     strstr(a->detail, "saved: 3 value(s)"))
    (*n)++;
  return 0;
}

static void
test_save_changed_only(void)
{
  struct tw_resp r;
  int n = 0;

  /* wprice/us resubmitted as it is: not a change. */
  CU_ASSERT_EQUAL(save(&admin, F("wprice", "us") "=279.00&" F("wprice", "uk")
                       "=199.50&" F("wlisted", "us") "=true&" F("wnote", "")
                       "=two%0Alines&" F("wlisted", "") "=", &r), 303);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.location, "saved=3"));
  tw_resp_free(&r);
  CU_ASSERT_STRING_EQUAL(stored("wprice", "uk"), "199.50");
  CU_ASSERT_STRING_EQUAL(stored("wlisted", "us"), "true");
  CU_ASSERT_STRING_EQUAL(stored("wnote", ""), "two\nlines");
  CU_ASSERT_STRING_EQUAL(stored("wprice", "us"), "279.00");
  hs_audit_each(env.h, "admin", 20, audit_cb, &n);
  CU_ASSERT_EQUAL(n, 1);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, PAGE "&saved=3", &r), 200);
  CU_ASSERT_TRUE(has(&r, "Saved: 3 value(s) changed."));
  CU_ASSERT_TRUE(has(&r, "Market uk</h2><table class=\"kv\"><tr><th>Listed"
                     "</th><td>- <span class=\"help\">(the product's value)"
                     "</span></td></tr><tr><th>Ready</th><td>- <span "
                     "class=\"help\">(not checked yet)</span></td></tr><tr>"
                     "<th>Web Price</th><td>199.50</td>"));
  tw_resp_free(&r);
  /* An empty field clears the value. */
  CU_ASSERT_EQUAL(save(&admin, F("wprice", "uk") "=", &r), 303);
  tw_resp_free(&r);
  CU_ASSERT_STRING_EQUAL(stored("wprice", "uk"), "");
}

static void
test_owned_not_settable(void)
{
  struct tw_resp r;

  CU_ASSERT_EQUAL(save(&admin, F("wready", "") "=Yes&" F("wready", "us")
                       "=Yes&" F("nosuch", "") "=1", &r), 303);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.location, "saved=0"));
  tw_resp_free(&r);
  CU_ASSERT_STRING_EQUAL(stored("wready", ""), "");
  CU_ASSERT_STRING_EQUAL(stored("wready", "us"), "");
}

static const struct cu_case cases[] = {
  {"web_product", "form_from_declarations", test_form_from_declarations},
  {"web_product", "viewer_cannot_edit", test_viewer_cannot_edit},
  {"web_product", "bad_value_saves_nothing", test_bad_value_saves_nothing},
  {"web_product", "save_changed_only", test_save_changed_only},
  {"web_product", "owned_not_settable", test_owned_not_settable},
};

int
main(int argc, char **argv)
{
  return cu_main(cases, CU_CASES_N(cases), suite_init, suite_clean, argc,
                 argv);
}
