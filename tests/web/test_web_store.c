/*
 * test_web_store.c -- the host operations behind the web Toolbox, without
 * HTTP: users (name and password rules, Argon2id hashes, nothing in clear
 * in the store file), login with the lock after repeated failures,
 * sessions (hashed ids, expiry, logout, the CSRF token), the audit, the
 * catalog page query (search, LIKE wildcards, paging, totals) and the
 * HTML writer's escaping.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "cu_main.h"
#include "hw_internal.h"
#include "tw.h"

static struct tw_env env;

static int
suite_init(void)
{
  return tw_start(&env);
}

static int
suite_clean(void)
{
  tw_stop(&env);
  return 0;
}

/* Does the store file (and its WAL) contain the bytes of s? */
static int
file_has(const char *path, const char *s)
{
  FILE *f = fopen(path, "rb");
  size_t n = strlen(s), len;
  char *buf;
  int hit = 0;

  if(!f)
    return 0;
  buf = malloc(64u << 20);
  len = buf ? fread(buf, 1, 64u << 20, f) : 0;
  fclose(f);
  for(size_t i = 0; buf && i + n <= len && !hit; i++)
    hit = memcmp(buf + i, s, n) == 0;
  free(buf);
  return hit;
}

static int
store_has(const char *s)
{
  char wal[320];

  snprintf(wal, sizeof(wal), "%s-wal", env.db);
  return file_has(env.db, s) || file_has(wal, s);
}

static void
test_user_rules(void)
{
  char err[256];

  CU_ASSERT_EQUAL(hs_user_add(env.h, "bad name", HS_ROLE_ADMIN,
                              "long-enough-1", err, sizeof(err)),
                  BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "character 4"));
  CU_ASSERT_EQUAL(hs_user_add(env.h, "shorty", HS_ROLE_ADMIN, "short", err,
                              sizeof(err)), BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "8 to 1024"));
  CU_ASSERT_EQUAL(hs_user_add(env.h, "ctl", HS_ROLE_ADMIN, "abc\tdefghij",
                              err, sizeof(err)), BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "control character"));
  CU_ASSERT_EQUAL(hs_user_add(env.h, "admin", HS_ROLE_ADMIN, "whatever-123",
                              err, sizeof(err)), BMC_ERR_CONFLICT);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "already exists"));
}

static void
test_password_hashed(void)
{
  char err[256];

  CU_ASSERT_EQUAL(hs_user_add(env.h, "carol", HS_ROLE_VIEWER,
                              "Carol-Pass-9876", err, sizeof(err)), BMC_OK);
  CU_ASSERT_FALSE(store_has("Carol-Pass-9876"));
  CU_ASSERT_TRUE(store_has("$argon2id$"));
}

/* The strong Argon2id cost is the default; only the test-only variable
 * (set by ctest for these tests, to keep valgrind fast) lowers it, and a
 * weak hash still verifies. */
static void
test_password_cost(void)
{
  const char *was = getenv(HS_TEST_WEAK_PWHASH_ENV);
  char saved[16], err[256], sid[HS_SESSION_ID_LEN + 1];
  unsigned long long ops = 0;
  size_t mem = 0;

  snprintf(saved, sizeof(saved), "%s", was ? was : "");
  unsetenv(HS_TEST_WEAK_PWHASH_ENV);
  CU_ASSERT_EQUAL(hs_user_add(env.h, "strong", HS_ROLE_VIEWER,
                              "Strong-Pass-1234", err, sizeof(err)), BMC_OK);
  CU_ASSERT_TRUE(store_has("$argon2id$v=19$m=65536,t=2,p=1$"));
  setenv(HS_TEST_WEAK_PWHASH_ENV, "yes", 1); /* only "1" weakens */
  CU_ASSERT_EQUAL(hs_user_set_password(env.h, "strong", "Strong-Pass-5678",
                                       err, sizeof(err)), BMC_OK);
  hs_pwhash_limits(&ops, &mem);
  CU_ASSERT_EQUAL(ops, 2); /* crypto_pwhash_OPSLIMIT_INTERACTIVE */
  CU_ASSERT_EQUAL(mem, 64u << 20);
  setenv(HS_TEST_WEAK_PWHASH_ENV, "1", 1);
  CU_ASSERT_EQUAL(hs_user_add(env.h, "weak", HS_ROLE_VIEWER,
                              "Weak-Pass-12345", err, sizeof(err)), BMC_OK);
  CU_ASSERT_TRUE(store_has("$argon2id$v=19$m=8,t=1,p=1$"));
  hs_pwhash_limits(&ops, &mem);
  CU_ASSERT_EQUAL(ops, 1);
  CU_ASSERT_EQUAL(mem, 8192);
  CU_ASSERT_EQUAL(hs_user_login(env.h, "weak", "Weak-Pass-12345", 60000, sid,
                                sizeof(sid), err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_user_login(env.h, "strong", "Strong-Pass-5678", 60000,
                                sid, sizeof(sid), err, sizeof(err)), BMC_OK);
  if(saved[0])
    setenv(HS_TEST_WEAK_PWHASH_ENV, saved, 1);
  else
    unsetenv(HS_TEST_WEAK_PWHASH_ENV);
}

static void
test_login_session(void)
{
  char sid[HS_SESSION_ID_LEN + 1], err[256];
  struct hs_session s;

  CU_ASSERT_EQUAL(hs_user_login(env.h, "carol", "Carol-Pass-9876",
                                3600 * 1000, sid, sizeof(sid), err,
                                sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(strlen(sid), HS_SESSION_ID_LEN);
  /* Only a hash of the id is kept. */
  CU_ASSERT_FALSE(store_has(sid));
  CU_ASSERT_EQUAL(hs_session_get(env.h, sid, &s), BMC_OK);
  CU_ASSERT_STRING_EQUAL(s.user, "carol");
  CU_ASSERT_EQUAL(s.role, HS_ROLE_VIEWER);
  CU_ASSERT_TRUE(hs_csrf_equal(&s, s.csrf));
  CU_ASSERT_FALSE(hs_csrf_equal(&s, NULL));
  {
    char other[HS_SESSION_ID_LEN + 1];

    memcpy(other, s.csrf, sizeof(other));
    other[5] = other[5] == 'a' ? 'b' : 'a';
    CU_ASSERT_FALSE(hs_csrf_equal(&s, other));
  }
  /* A changed id is no session. */
  sid[0] = sid[0] == '0' ? '1' : '0';
  CU_ASSERT_EQUAL(hs_session_get(env.h, sid, &s), BMC_ERR_NOT_FOUND);
  CU_ASSERT_EQUAL(hs_session_get(env.h, "not-hex", &s), BMC_ERR_NOT_FOUND);
}

static void
test_session_expiry_and_logout(void)
{
  char sid[HS_SESSION_ID_LEN + 1], sid2[HS_SESSION_ID_LEN + 1], err[256];
  struct hs_session s;

  CU_ASSERT_EQUAL(hs_user_login(env.h, "carol", "Carol-Pass-9876", 60000,
                                sid, sizeof(sid), err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_user_login(env.h, "carol", "Carol-Pass-9876", 600000,
                                sid2, sizeof(sid2), err, sizeof(err)),
                  BMC_OK);
  hs_clock_advance(env.h, 61000);
  CU_ASSERT_EQUAL(hs_session_get(env.h, sid, &s), BMC_ERR_NOT_FOUND);
  CU_ASSERT_EQUAL(hs_session_get(env.h, sid2, &s), BMC_OK);
  CU_ASSERT_EQUAL(hs_session_end(env.h, sid2), BMC_OK);
  CU_ASSERT_EQUAL(hs_session_get(env.h, sid2, &s), BMC_ERR_NOT_FOUND);
  /* A new password ends every session. */
  CU_ASSERT_EQUAL(hs_user_login(env.h, "carol", "Carol-Pass-9876", 600000,
                                sid, sizeof(sid), err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_user_set_password(env.h, "carol", "Carol-New-5555", err,
                                       sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_session_get(env.h, sid, &s), BMC_ERR_NOT_FOUND);
}

static void
test_wrong_password_and_lock(void)
{
  char sid[HS_SESSION_ID_LEN + 1], err[256], err2[256];
  int i;

  CU_ASSERT_EQUAL(hs_user_login(env.h, "carol", "nope-nope-nope", 60000,
                                sid, sizeof(sid), err, sizeof(err)),
                  BMC_ERR_UNAUTHORIZED);
  /* An unknown user gets the very same answer. */
  CU_ASSERT_EQUAL(hs_user_login(env.h, "nobody", "nope-nope-nope", 60000,
                                sid, sizeof(sid), err2, sizeof(err2)),
                  BMC_ERR_UNAUTHORIZED);
  CU_ASSERT_STRING_EQUAL(err, err2);
  for(i = 1; i < HS_LOGIN_MAX_FAILS; i++)
    hs_user_login(env.h, "carol", "nope-nope-nope", 60000, sid, sizeof(sid),
                  err, sizeof(err));
  /* Locked: even the right password is refused, with a clear message. */
  CU_ASSERT_EQUAL(hs_user_login(env.h, "carol", "Carol-New-5555", 60000, sid,
                                sizeof(sid), err, sizeof(err)),
                  BMC_ERR_CONFLICT);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "locked"));
  hs_clock_advance(env.h, HS_LOGIN_LOCK_MS + 1000);
  CU_ASSERT_EQUAL(hs_user_login(env.h, "carol", "Carol-New-5555", 60000, sid,
                                sizeof(sid), err, sizeof(err)), BMC_OK);
}

static int
count_audit(void *ud, const struct hs_audit_row *r)
{
  int *n = ud;

  if(strcmp(r->user, "carol") == 0 && r->status == 200 &&
     strcmp(r->path, "/x?q=1") == 0 && r->detail &&
     strcmp(r->detail, "line?break") == 0)
    (*n)++;
  return 0;
}

static void
test_audit(void)
{
  int n = 0;

  CU_ASSERT_EQUAL(hs_audit_add(env.h, "carol", "GET", "/x?q=1", 200,
                               "line\nbreak"), BMC_OK);
  CU_ASSERT_EQUAL(hs_audit_each(env.h, "carol", 10, count_audit, &n),
                  BMC_OK);
  CU_ASSERT_EQUAL(n, 1);
}

static int
collect_skus(void *ud, const struct hs_product_row *r)
{
  char *out = ud;
  size_t used = strlen(out);

  snprintf(out + used, 4096 - used, "%s,", r->sku);
  return 0;
}

static void
test_products_page(void)
{
  struct hs_product p;
  char skus[4096], sku[32], err[256];
  int64_t total = -1;
  int i;

  for(i = 0; i < 120; i++) {
    hs_product_init(&p);
    snprintf(sku, sizeof(sku), "SKU-%03d", i);
    p.sku = sku;
    p.title = i == 7 ? "100% refurbished iPhone" : i == 8 ? "Pixel_8 Pro"
              : "Refurbished phone";
    if(hs_product_upsert(env.h, TW_COMPANY, &p, NULL, err, sizeof(err)))
      CU_FAIL(err);
  }
  skus[0] = '\0';
  CU_ASSERT_EQUAL(hs_products_page(env.h, TW_COMPANY, NULL, 100, 50,
                                   collect_skus, skus, &total), BMC_OK);
  CU_ASSERT_EQUAL(total, 120);
  CU_ASSERT_EQUAL(strncmp(skus, "SKU-100,SKU-101,", 16), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(skus, "SKU-119,"));
  CU_ASSERT_PTR_NULL(strstr(skus, "SKU-099,"));
  /* SKU prefix. */
  skus[0] = '\0';
  hs_products_page(env.h, TW_COMPANY, "sku-11", 0, 50, collect_skus, skus,
                   &total);
  CU_ASSERT_EQUAL(total, 10);
  /* % and _ are literal characters, not wildcards. */
  skus[0] = '\0';
  hs_products_page(env.h, TW_COMPANY, "100%", 0, 50, collect_skus, skus,
                   &total);
  CU_ASSERT_EQUAL(total, 1);
  CU_ASSERT_STRING_EQUAL(skus, "SKU-007,");
  skus[0] = '\0';
  hs_products_page(env.h, TW_COMPANY, "l_8", 0, 50, collect_skus, skus,
                   &total);
  CU_ASSERT_EQUAL(total, 1);
  CU_ASSERT_STRING_EQUAL(skus, "SKU-008,");
  /* Title search is case-insensitive. */
  hs_products_page(env.h, TW_COMPANY, "IPHONE", 0, 50, collect_skus, skus,
                   &total);
  CU_ASSERT_EQUAL(total, 1);
  CU_ASSERT_EQUAL(hs_products_page(env.h, "No Such Co", NULL, 0, 50,
                                   collect_skus, skus, &total),
                  BMC_ERR_NOT_FOUND);
}

/* A search matching more than HS_SEARCH_COUNT_CAP products: the count
 * stops at the cap + 1, and every page still holds exactly the matches in
 * SKU order -- for an ASCII search (LIKE along the SKU index, with % and
 * _ literal) and a non-ASCII one (the trigram index, case folded). */
static void
test_products_page_many(void)
{
  struct hs_import_stats st;
  char path[400], skus[4096], err[256];
  int64_t total = -1;
  FILE *f;
  int i;

  snprintf(path, sizeof(path), "%s/many.csv", env.dir);
  f = fopen(path, "w");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  fprintf(f, "ProductID,Title\n");
  for(i = 0; i < 3000; i++)
    fprintf(f, "MANY-%05d,%s %d\n", i, i % 3 ? "Galaxy 50%_off \xc3\x89" "cran"
            : "Pixel 50XY off ecran", i);
  CU_ASSERT_EQUAL_FATAL(fclose(f), 0);
  CU_ASSERT_EQUAL_FATAL(hs_products_import_csv(env.h, TW_COMPANY, path, 0,
                                               NULL, NULL, &st, err,
                                               sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(st.rows_ok, 3000);
  /* 2000 match; the 1001st (offset 1000) is MANY-01501. */
  skus[0] = '\0';
  CU_ASSERT_EQUAL(hs_products_page(env.h, TW_COMPANY, "GALAXY", 1000, 3,
                                   collect_skus, skus, &total), BMC_OK);
  CU_ASSERT_EQUAL(total, HS_SEARCH_COUNT_CAP + 1);
  CU_ASSERT_STRING_EQUAL(skus, "MANY-01501,MANY-01502,MANY-01504,");
  skus[0] = '\0';
  hs_products_page(env.h, TW_COMPANY, "0%_o", 0, 4, collect_skus, skus,
                   &total);
  CU_ASSERT_EQUAL(total, HS_SEARCH_COUNT_CAP + 1);
  CU_ASSERT_STRING_EQUAL(skus, "MANY-00001,MANY-00002,MANY-00004,"
                               "MANY-00005,");
  /* Non-ASCII, other case: the trigram index's folding. */
  skus[0] = '\0';
  hs_products_page(env.h, TW_COMPANY, "\xc3\xa9" "cran", 1998, 5, collect_skus,
                   skus, &total);
  CU_ASSERT_EQUAL(total, HS_SEARCH_COUNT_CAP + 1);
  CU_ASSERT_STRING_EQUAL(skus, "MANY-02998,MANY-02999,");
  /* Under the cap the count is exact. */
  hs_products_page(env.h, TW_COMPANY, "many-029", 0, 5, collect_skus, skus,
                   &total);
  CU_ASSERT_EQUAL(total, 100);
  /* The page says "1000+ matches" and still offers the next page. */
  {
    struct tw_browser b;
    struct tw_resp r;

    CU_ASSERT_EQUAL_FATAL(tw_browser_open(&b), 0);
    CU_ASSERT_EQUAL(tw_login(&env, &b, "admin", TW_ADMIN_PW), 303);
    CU_ASSERT_EQUAL(tw_get(&env, &b, "/products?c=" TW_COMPANY_Q
                           "&q=galaxy&page=3", &r), 200);
    CU_ASSERT_PTR_NOT_NULL(r.body && strstr(r.body, "Page 3, <span "
                                            "id=\"many\">1000+ matches"));
    CU_ASSERT_PTR_NOT_NULL(r.body && strstr(r.body, "page=4\">Next"));
    CU_ASSERT_PTR_NOT_NULL(r.body && strstr(r.body, ">MANY-00151<"));
    tw_resp_free(&r);
    tw_browser_close(&b);
  }
}

static void
test_html_escaping(void)
{
  struct hw_buf b = {0};

  hw_text(&b, "<script>alert('x')</script> & \"q\" \x01");
  CU_ASSERT_STRING_EQUAL(b.p, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script"
                              "&gt; &amp; &quot;q&quot; &#xFFFD;");
  hw_buf_free(&b);
  hw_url(&b, "Acme <b>&x=1");
  CU_ASSERT_STRING_EQUAL(b.p, "Acme%20%3Cb%3E%26x%3D1");
  hw_buf_free(&b);
}

static const struct cu_case cases[] = {
  {"web_store", "user_rules", test_user_rules},
  {"web_store", "password_hashed", test_password_hashed},
  {"web_store", "password_cost", test_password_cost},
  {"web_store", "login_session", test_login_session},
  {"web_store", "session_expiry_and_logout", test_session_expiry_and_logout},
  {"web_store", "wrong_password_and_lock", test_wrong_password_and_lock},
  {"web_store", "audit", test_audit},
  {"web_store", "products_page", test_products_page},
  {"web_store", "products_page_many", test_products_page_many},
  {"web_store", "html_escaping", test_html_escaping},
};

int
main(int argc, char **argv)
{
  return cu_main(cases, CU_CASES_N(cases), suite_init, suite_clean, argc,
                 argv);
}
