/*
 * test_loader.c -- ABI tests of the host's plugin loader: every broken
 * fixture is refused with its own message naming the file and the
 * problem (a plugin built against ABI 1.0 among them: "expected 2.x,
 * found 1.0", rebuild); the descriptor checks on in-memory tables
 * (settings, actions, product properties, markets); loading a plugin
 * directory (all or nothing, duplicate names); an RTLD_NOW smoke test of
 * every real plugin in BMC_PLUGIN_DIR; the fixtures' own host-header check.
 */
#include <CUnit/Basic.h>
#include <dirent.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hs_loader.h"
#include "cu_main.h"

/* mkstemp(3)/mkdtemp(3) template suffix: six placeholder characters. */
#define MKTEMP_SUFFIX "XX" "XX" "XX"

#ifndef BMC_FIXTURE_DIR
#error "BMC_FIXTURE_DIR must be defined by the build"
#endif
#ifndef BMC_PLUGIN_DIR
#error "BMC_PLUGIN_DIR must be defined by the build"
#endif

static char tl_err[1024];

/* Open fixture file (in dir), expect refusal rc and both substrings. */
static void
tl_expect_refused(const char *dir, const char *file, int rc_want,
                  const char *what)
{
  struct hs_plugin *p = (struct hs_plugin *)&p;
  char path[512];
  int rc;

  CU_ASSERT_FATAL(snprintf(path, sizeof(path), "%s/%s", dir, file) > 0);
  tl_err[0] = '\0';
  rc = hs_plugin_open(path, &p, tl_err, sizeof(tl_err));
  CU_ASSERT_EQUAL(rc, rc_want);
  CU_ASSERT_PTR_NULL(p);
  CU_ASSERT_PTR_NOT_NULL(strstr(tl_err, file));
  CU_ASSERT_PTR_NOT_NULL(strstr(tl_err, what));
  if(!strstr(tl_err, what))
    fprintf(stderr, "\n  %s: got \"%s\"\n  wanted \"%s\"\n", file, tl_err,
            what);
  if(rc == BMC_OK)
    hs_plugin_close(p);
}

static void
test_fixture_bad_magic(void)
{
  tl_expect_refused(BMC_FIXTURE_DIR, "fixture_bad_magic.so", BMC_ERR_ABI,
                    "ABI magic mismatch: expected 0x424d4331, found "
                    "0xdeadbeef");
}

static void
test_fixture_bad_major(void)
{
  char want[128];

  snprintf(want, sizeof(want), "ABI major version mismatch: expected %d.x, "
           "found %d.%d", BMC_ABI_MAJOR, BMC_ABI_MAJOR + 1, BMC_ABI_MINOR);
  tl_expect_refused(BMC_FIXTURE_DIR, "fixture_bad_major.so", BMC_ERR_ABI,
                    want);
}

/* A plugin built against bmc_plugin.h 1.0 (before product properties). */
static void
test_fixture_abi1(void)
{
  tl_expect_refused(BMC_FIXTURE_DIR, "fixture_abi1.so", BMC_ERR_ABI,
                    "ABI major version mismatch: expected 2.x, found 1.0 "
                    "(rebuild the plugin against this host's bmc_plugin.h "
                    "2.1)");
}

static void
test_fixture_new_minor(void)
{
  char want[128];

  snprintf(want, sizeof(want), "ABI minor version too new: expected <= %d "
           "(this host), found %d", BMC_ABI_MINOR, BMC_ABI_MINOR + 1);
  tl_expect_refused(BMC_FIXTURE_DIR, "fixture_new_minor.so", BMC_ERR_ABI,
                    want);
}

static void
test_fixture_short_size(void)
{
  char want[160];

  snprintf(want, sizeof(want), "descriptor size too small: expected at "
           "least %zu bytes (ABI %d.0), found %zu",
           offsetof(struct bmc_plugin_api, markets) + sizeof(void *),
           BMC_ABI_MAJOR, offsetof(struct bmc_plugin_api, create));
  tl_expect_refused(BMC_FIXTURE_DIR, "fixture_short_size.so", BMC_ERR_ABI,
                    want);
}

static void
test_fixture_null_run(void)
{
  tl_expect_refused(BMC_FIXTURE_DIR, "fixture_null_run.so", BMC_ERR_ABI,
                    "required descriptor field 'run' is NULL");
}

static void
test_fixture_no_entry(void)
{
  tl_expect_refused(BMC_FIXTURE_DIR, "fixture_no_entry.so", BMC_ERR_ABI,
                    "entry symbol 'bmc_plugin_entry' not found");
}

static void
test_missing_file_has_ldd_hint(void)
{
  tl_expect_refused(BMC_FIXTURE_DIR, "no_such_plugin.so", BMC_ERR_NOT_FOUND,
                    "cannot load plugin");
  CU_ASSERT_PTR_NOT_NULL(strstr(tl_err, "ldd"));
}

static void
test_not_elf_refused(void)
{
  /* The schema is a text file: dlopen must fail, message from dlerror(). */
  tl_expect_refused(BMC_SCHEMA_DIR, "order.xsd", BMC_ERR_NOT_FOUND,
                    "cannot load plugin");
  CU_ASSERT_PTR_NOT_NULL(strstr(tl_err, "ldd"));
}

/* A bare file name is the current directory, not the library path. */
static void
test_bare_name_is_current_dir(void)
{
  struct hs_plugin *p = NULL;
  char cwd[1024];

  CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(cwd, sizeof(cwd)));
  CU_ASSERT_EQUAL_FATAL(chdir(BMC_PLUGIN_DIR), 0);
  CU_ASSERT_EQUAL(hs_plugin_open("fixture_good.so", &p, tl_err,
                                 sizeof(tl_err)), BMC_OK);
  if(p) {
    CU_ASSERT_STRING_EQUAL(p->path, "fixture_good.so");
    CU_ASSERT_STRING_EQUAL(p->api->name, "fixture_good");
  }
  hs_plugin_close(p);
  /* libc.so.6 is on the library path but not in this directory. */
  p = NULL;
  CU_ASSERT_EQUAL(hs_plugin_open("libc.so.6", &p, tl_err, sizeof(tl_err)),
                  BMC_ERR_NOT_FOUND);
  CU_ASSERT_PTR_NULL(p);
  CU_ASSERT_PTR_NOT_NULL(strstr(tl_err, "libc.so.6: cannot load plugin"));
  CU_ASSERT_EQUAL(chdir(cwd), 0);
}

/* The seven refusals must be seven different messages (one problem
 * each). */
static void
test_fixture_messages_distinct(void)
{
  static const char *files[] = {
    "fixture_bad_magic.so", "fixture_bad_major.so", "fixture_new_minor.so",
    "fixture_short_size.so", "fixture_null_run.so", "fixture_no_entry.so",
    "fixture_abi1.so"};
  char msgs[7][1024], path[512], *tail;
  struct hs_plugin *p;
  size_t i, j;

  for(i = 0; i < 7; i++) {
    snprintf(path, sizeof(path), "%s/%s", BMC_FIXTURE_DIR, files[i]);
    CU_ASSERT_EQUAL(hs_plugin_open(path, &p, msgs[i], sizeof(msgs[i])),
                    BMC_ERR_ABI);
  }
  for(i = 0; i < 7; i++)
    for(j = i + 1; j < 7; j++) {
      /* compare what follows "<path>: " */
      tail = strstr(msgs[i], ".so: ");
      CU_ASSERT_PTR_NOT_NULL_FATAL(tail);
      CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(msgs[j], ".so: "));
      CU_ASSERT_NOT_EQUAL(strcmp(tail, strstr(msgs[j], ".so: ")), 0);
    }
}

/* ---- descriptor checks on in-memory tables ---- */

static int
tl_create(const struct bmc_host_api *h, void *c, void **i, char *e, size_t l)
{
  return BMC_ERR_INTERNAL;
}

static int
tl_run(void *i, const char *a, const char *const *items, size_t n, char *e,
       size_t l)
{
  return BMC_ERR_INTERNAL;
}

static void
tl_destroy(void *i)
{
}

static struct bmc_setting tl_settings[3];
static struct bmc_action tl_actions[2];
static struct bmc_property tl_props[3];
static struct bmc_plugin_api tl_api;

static void
tl_reset(void)
{
  static const struct bmc_setting s[3] = {
    {"token", BMC_SET_STRING, NULL, 0, 64, BMC_SETTING_SECRET, NULL, "t"},
    {"sync", BMC_SET_BOOL, "false", 0, 0, 0, NULL, "s"},
    {"policy", BMC_SET_ENUM, "hold", 0, 0, 0, "accept|hold", "p"}};
  static const struct bmc_action a[2] = {
    {"sync", "Sync", 300, BMC_ACTION_SCHEDULED, "sync"},
    {"check", "Check", 0, BMC_ACTION_MANUAL, NULL}};

  static const struct bmc_property pr[3] = {
    {"price", BMC_SET_DECIMAL, "MemPrice", "Price", "Pricing", NULL, 0,
     1000, 2, NULL, BMC_PROP_PER_MARKET, "p"},
    {"listed", BMC_SET_BOOL, "MemListed|Listed", "Listed", "General",
     "false", 0, 0, 0, NULL, BMC_PROP_LISTS, "l"},
    {"remote_id", BMC_SET_STRING, NULL, "Remote id", "General", NULL, 0, 40,
     0, NULL, BMC_PROP_PLUGIN_OWNED, "r"}};

  memcpy(tl_settings, s, sizeof(s));
  memcpy(tl_actions, a, sizeof(a));
  memcpy(tl_props, pr, sizeof(pr));
  memset(&tl_api, 0, sizeof(tl_api));
  tl_api.hdr.magic = BMC_ABI_MAGIC;
  tl_api.hdr.size = sizeof(tl_api);
  tl_api.hdr.major = BMC_ABI_MAJOR;
  tl_api.hdr.minor = BMC_ABI_MINOR;
  tl_api.name = "memtest";
  tl_api.version = "1.0";
  tl_api.settings = tl_settings;
  tl_api.n_settings = 3;
  tl_api.actions = tl_actions;
  tl_api.n_actions = 2;
  tl_api.create = tl_create;
  tl_api.run = tl_run;
  tl_api.destroy = tl_destroy;
  tl_api.properties = tl_props;
  tl_api.n_properties = 3;
  tl_api.markets = "aa-aa|bb-bb";
}

static void
tl_check_refused(const char *what)
{
  tl_err[0] = '\0';
  CU_ASSERT_EQUAL(hs_plugin_check_api("mem/x.so", &tl_api, tl_err,
                                      sizeof(tl_err)), BMC_ERR_ABI);
  CU_ASSERT_PTR_NOT_NULL(strstr(tl_err, "mem/x.so: "));
  CU_ASSERT_PTR_NOT_NULL(strstr(tl_err, what));
  if(!strstr(tl_err, what))
    fprintf(stderr, "\n  got \"%s\"\n  wanted \"%s\"\n", tl_err, what);
  tl_reset();
}

static void
test_check_api_tables(void)
{
  tl_reset();
  CU_ASSERT_EQUAL(hs_plugin_check_api("mem/x.so", &tl_api, tl_err,
                                      sizeof(tl_err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_plugin_check_api("mem/x.so", NULL, tl_err,
                                      sizeof(tl_err)), BMC_ERR_ABI);
  CU_ASSERT_PTR_NOT_NULL(strstr(tl_err, "returned NULL"));

  tl_api.name = NULL;
  tl_check_refused("required descriptor field 'name' is NULL");
  tl_api.create = NULL;
  tl_check_refused("required descriptor field 'create' is NULL");
  tl_api.destroy = NULL;
  tl_check_refused("required descriptor field 'destroy' is NULL");
  tl_api.settings = NULL;
  tl_check_refused("required descriptor field 'settings' is NULL");
  tl_api.actions = NULL;
  tl_check_refused("required descriptor field 'actions' is NULL");
  tl_api.name = "Back Market";
  tl_check_refused("expected a plugin name of [a-z0-9_]+, found "
                   "'Back Market'");
  tl_settings[0].key = NULL;
  tl_check_refused("setting #0: expected a key of [a-z0-9_]+, found NULL");
  tl_settings[1].key = "Sync-Now";
  tl_check_refused("found 'Sync-Now'");
  tl_settings[2].key = "token";
  tl_check_refused("setting 'token' is declared twice (#0 and #2)");
  tl_settings[2].key = "enabled";
  tl_check_refused("key 'enabled' is reserved by the host");
  tl_settings[2].enum_values = NULL;
  tl_check_refused("setting 'policy': ENUM setting without enum_values");
  tl_settings[1].type = (enum bmc_setting_type)9;
  tl_check_refused("setting 'sync': expected a type 1..5, found 9");
  tl_settings[2].default_value = "cancel";
  tl_check_refused("default value refused by its own schema: policy: "
                   "expected one of accept|hold, found 'cancel'");
  tl_actions[0].enabled_by = "nope";
  tl_check_refused("action 'sync': enabled_by names setting 'nope', which "
                   "the plugin does not declare");
  tl_actions[0].enabled_by = "policy";
  tl_check_refused("action 'sync': enabled_by setting 'policy' must be a "
                   "BOOL");
  tl_actions[1].id = "sync";
  tl_check_refused("action 'sync' is declared twice (#0 and #1)");
  tl_actions[1].id = NULL;
  tl_check_refused("action #1: expected an id, found NULL");
  tl_actions[1].display_name = NULL;
  tl_check_refused("action 'check': expected a display_name, found NULL");
  tl_actions[1].flags = 0x40;
  tl_check_refused("action 'check': unknown flags 0x40");
  /* product properties and markets */
  tl_api.properties = NULL;
  tl_check_refused("required descriptor field 'properties' is NULL");
  tl_props[0].key = "Price";
  tl_check_refused("property #0: expected a key of [a-z0-9_]+, found "
                   "'Price'");
  tl_props[1].key = "price";
  tl_check_refused("property 'price' is declared twice (#0 and #1)");
  tl_props[0].type = (enum bmc_setting_type)0;
  tl_check_refused("property 'price': expected a type 1..5, found 0");
  tl_props[0].flags = 0x100;
  tl_check_refused("property 'price': unknown flags 0x100");
  tl_props[0].label = NULL;
  tl_check_refused("property 'price': expected a label and a panel, found "
                   "no label");
  tl_props[0].column = NULL;
  tl_check_refused("property 'price': expected a Bulk Update column of "
                   "[A-Za-z0-9_]+ ('|' before aliases), found NULL");
  tl_props[0].column = "Mem Price";
  tl_check_refused("found 'Mem Price'");
  tl_props[0].column = "listed";
  tl_check_refused("property 'listed': column 'Listed' is already the "
                   "column of 'price'");
  tl_props[0].min = 5;
  tl_props[0].max = 1;
  tl_check_refused("property 'price': expected min <= max");
  tl_props[0].decimals = 2;
  tl_props[0].type = BMC_SET_INT;
  tl_check_refused("property 'price': decimals 2: expected 0, or more for "
                   "a DECIMAL");
  tl_props[0].default_value = "1.005";
  tl_check_refused("property default refused by its own declaration: price: "
                   "expected at most 2 decimals");
  tl_api.markets = NULL;
  tl_check_refused("property 'price' is PER_MARKET but the descriptor "
                   "declares no markets");
  tl_api.markets = "aa-aa|bb bb";
  tl_check_refused("markets: expected '|' separated codes of [A-Za-z0-9-]+, "
                   "found 'bb bb'");
  tl_api.markets = "aa-aa|bb-bb|aa-aa";
  tl_check_refused("markets: 'aa-aa' is listed twice");
  tl_props[2].flags |= BMC_PROP_SKU_ALIAS | BMC_PROP_PER_MARKET;
  tl_check_refused("property 'remote_id': SKU_ALIAS must be a global "
                   "STRING property");
  tl_props[0].flags = BMC_PROP_LISTS;
  tl_check_refused("property 'price': LISTS must be a BOOL property");
  tl_props[0].type = BMC_SET_BOOL;
  tl_props[0].decimals = 0;
  tl_props[0].flags = BMC_PROP_LISTS;
  tl_check_refused("property 'listed': LISTS must be a BOOL property and "
                   "there may be only one");
  /* Ready To Post and free text: the host shows them, so it checks them */
  tl_reset();
  tl_props[2].type = BMC_SET_ENUM;
  tl_props[2].enum_values = "Yes|No";
  tl_props[2].flags = BMC_PROP_PLUGIN_OWNED | BMC_PROP_READY;
  CU_ASSERT_EQUAL(hs_plugin_check_api("mem/x.so", &tl_api, tl_err,
                                      sizeof(tl_err)), BMC_OK);
  tl_props[2].enum_values = "Yes|No|Maybe";
  tl_check_refused("property 'remote_id': READY must be a PLUGIN_OWNED ENUM "
                   "\"Yes|No\" property and there may be only one");
  tl_reset();
  tl_props[2].flags = BMC_PROP_PLUGIN_OWNED | BMC_PROP_READY_REASONS;
  tl_check_refused("a READY_REASONS property but no READY property");
  tl_props[0].flags = BMC_PROP_READY_REASONS;
  tl_check_refused("property 'price': READY_REASONS must be a PLUGIN_OWNED "
                   "STRING property");
  tl_props[0].flags = BMC_PROP_MULTILINE;
  tl_check_refused("property 'price': MULTILINE must be a STRING property");
  /* none at all is fine (an orders-only plugin) */
  tl_api.properties = NULL;
  tl_api.n_properties = 0;
  tl_api.markets = NULL;
  CU_ASSERT_EQUAL(hs_plugin_check_api("mem/x.so", &tl_api, tl_err,
                                      sizeof(tl_err)), BMC_OK);
  tl_reset();
  /* strerror is optional: a NULL strerror still loads. */
  tl_api.strerror = NULL;
  CU_ASSERT_EQUAL(hs_plugin_check_api("mem/x.so", &tl_api, tl_err,
                                      sizeof(tl_err)), BMC_OK);
}

/* A MULTILINE text property takes tabs and line breaks, nothing else of
 * the control characters; a plain one takes none. */
static void
test_multiline_value(void)
{
  struct bmc_property p = {"note", BMC_SET_STRING, "Note", "Note", "General",
                           NULL, 0, 8, 0, NULL, BMC_PROP_MULTILINE, "n"};

  CU_ASSERT_EQUAL(hs_property_validate(&p, "Note", "a\r\nb\tc", tl_err,
                                       sizeof(tl_err)), BMC_OK);
  CU_ASSERT_NOT_EQUAL(hs_property_validate(&p, "Note", "a\x01" "b", tl_err,
                                           sizeof(tl_err)), BMC_OK);
  CU_ASSERT_PTR_NOT_NULL(strstr(tl_err, "Note: contains a control character "
                                "(byte 0x01 at offset 1): only tabs and "
                                "line breaks are allowed"));
  CU_ASSERT_NOT_EQUAL(hs_property_validate(&p, "Note", "123456789", tl_err,
                                           sizeof(tl_err)), BMC_OK);
  CU_ASSERT_PTR_NOT_NULL(strstr(tl_err, "Note: too long: expected at most 8 "
                                "characters, found 9"));
  p.flags = 0;
  CU_ASSERT_NOT_EQUAL(hs_property_validate(&p, "Note", "a\nb", tl_err,
                                           sizeof(tl_err)), BMC_OK);
  CU_ASSERT_PTR_NOT_NULL(strstr(tl_err, "contains a control character"));
}

/* ---- plugin directories ---- */

static void
test_open_dir_real_plugins(void)
{
  struct hs_plugin **v = NULL;
  struct hs_plugin_list l;
  const struct hs_plugin *p;
  size_t n = 0;

  CU_ASSERT_EQUAL_FATAL(hs_plugins_open_dir(BMC_PLUGIN_DIR, &v, &n, tl_err,
                                            sizeof(tl_err)), BMC_OK);
  CU_ASSERT(n >= 2);
  p = hs_plugins_find(v, n, "fixture_good");
  CU_ASSERT_PTR_NOT_NULL(p);
  if(p)
    CU_ASSERT_PTR_NOT_NULL(strstr(p->path, "fixture_good.so"));
  p = hs_plugins_find(v, n, "bmc_test_plugin");
  CU_ASSERT_PTR_NOT_NULL(p);
  CU_ASSERT_PTR_NULL(hs_plugins_find(v, n, "no_such_plugin"));
  l.v = v;
  l.n = n;
  CU_ASSERT_PTR_EQUAL(hs_plugins_lookup(&l, "bmc_test_plugin"),
                      p ? p->api : NULL);
  CU_ASSERT_PTR_NULL(hs_plugins_lookup(&l, "no_such_plugin"));
  hs_plugins_free(v, n);
  hs_plugins_free(NULL, 0);
  hs_plugin_close(NULL);
}

static void
test_open_dir_fixtures_all_or_nothing(void)
{
  struct hs_plugin **v = (struct hs_plugin **)&v;
  size_t n = 99;

  /* Name order: fixture_abi1.so is the first to fail. */
  CU_ASSERT_EQUAL(hs_plugins_open_dir(BMC_FIXTURE_DIR, &v, &n, tl_err,
                                      sizeof(tl_err)), BMC_ERR_ABI);
  CU_ASSERT_PTR_NULL(v);
  CU_ASSERT_EQUAL(n, 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(tl_err, "fixture_abi1.so: ABI major "
                                "version mismatch"));
  CU_ASSERT_EQUAL(hs_plugins_open_dir(BMC_FIXTURE_DIR "/missing", &v, &n,
                                      tl_err, sizeof(tl_err)),
                  BMC_ERR_NOT_FOUND);
  CU_ASSERT_PTR_NOT_NULL(strstr(tl_err, "cannot open plugin directory"));
}

static int
tl_copy(const char *from, const char *to)
{
  char buf[8192];
  FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
  size_t got;
  int ok = in && out;

  while(ok && (got = fread(buf, 1, sizeof(buf), in)) > 0)
    ok = fwrite(buf, 1, got, out) == got;
  if(in && fclose(in) != 0)
    ok = 0;
  if(out && fclose(out) != 0)
    ok = 0;
  return ok;
}

static void
test_open_dir_duplicate_name(void)
{
  char dir[] = "/tmp/bmc-abi-" MKTEMP_SUFFIX, a[256], b[256];
  struct hs_plugin **v = NULL;
  size_t n = 0;

  CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
  snprintf(a, sizeof(a), "%s/a_good.so", dir);
  snprintf(b, sizeof(b), "%s/b_good.so", dir);
  CU_ASSERT_FATAL(tl_copy(BMC_PLUGIN_DIR "/fixture_good.so", a));
  CU_ASSERT_FATAL(tl_copy(BMC_PLUGIN_DIR "/fixture_good.so", b));
  CU_ASSERT_EQUAL(hs_plugins_open_dir(dir, &v, &n, tl_err, sizeof(tl_err)),
                  BMC_ERR_CONFLICT);
  CU_ASSERT_PTR_NULL(v);
  CU_ASSERT_PTR_NOT_NULL(strstr(tl_err, "b_good.so: plugin name "
                                "'fixture_good' is already taken by"));
  CU_ASSERT_PTR_NOT_NULL(strstr(tl_err, "a_good.so"));
  CU_ASSERT_EQUAL(unlink(a), 0);
  CU_ASSERT_EQUAL(unlink(b), 0);
  CU_ASSERT_EQUAL(rmdir(dir), 0);
}

/* RTLD_NOW smoke test of every plugin in the real plugin directory,
 * independent of the loader: no undefined symbols, entry resolves. */
static void
test_rtld_now_smoke(void)
{
  DIR *d = opendir(BMC_PLUGIN_DIR);
  struct dirent *de;
  char path[512];
  int seen = 0;
  size_t len;
  void *dl;

  CU_ASSERT_PTR_NOT_NULL_FATAL(d);
  while((de = readdir(d)) != NULL) {
    len = strlen(de->d_name);
    if(len < 4 || strcmp(de->d_name + len - 3, ".so"))
      continue;
    snprintf(path, sizeof(path), "%s/%s", BMC_PLUGIN_DIR, de->d_name);
    dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if(!dl)
      fprintf(stderr, "\n  %s: %s\n", path, dlerror());
    CU_ASSERT_PTR_NOT_NULL(dl);
    if(!dl)
      continue;
    CU_ASSERT_PTR_NOT_NULL(dlsym(dl, BMC_PLUGIN_ENTRY_SYMBOL));
    printf("\n  RTLD_NOW ok: %s", de->d_name);
    seen++;
#ifndef __SANITIZE_ADDRESS__
    CU_ASSERT_EQUAL(dlclose(dl), 0);
#endif
  }
  CU_ASSERT_EQUAL(closedir(d), 0);
  CU_ASSERT(seen >= 2); /* fixture_good + bmc_test_plugin at least */
}

/* ---- the fixtures' create() checks the host header ---- */

struct tl_host {
  char log[512];
  int n_log;
};

static void tl_log(void *ctx, enum bmc_log_level lvl, const char *fmt, ...)
    BMC_PRINTF(3, 4);

static void
tl_log(void *ctx, enum bmc_log_level lvl, const char *fmt, ...)
{
  struct tl_host *h = ctx;
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(h->log, sizeof(h->log), fmt, ap);
  va_end(ap);
  h->n_log++;
}

static int
tl_setting_get(void *ctx, const char *key, char *buf, size_t len)
{
  return BMC_ERR_NOT_FOUND;
}

static void
test_fixture_create_checks_host(void)
{
  struct bmc_host_api host;
  struct tl_host ctx = {{0}, 0};
  struct hs_plugin *p = NULL;
  void *inst = NULL;

  CU_ASSERT_EQUAL_FATAL(hs_plugin_open(BMC_PLUGIN_DIR "/fixture_good.so",
                                       &p, tl_err, sizeof(tl_err)), BMC_OK);
  CU_ASSERT_STRING_EQUAL(p->api->name, "fixture_good");
  memset(&host, 0, sizeof(host));
  host.hdr.magic = BMC_ABI_MAGIC;
  host.hdr.size = sizeof(host);
  host.hdr.major = BMC_ABI_MAJOR;
  host.hdr.minor = BMC_ABI_MINOR;
  host.log = tl_log;
  host.setting_get = tl_setting_get;

  host.hdr.magic = 0x12345678u;
  CU_ASSERT_EQUAL(p->api->create(&host, &ctx, &inst, tl_err, sizeof(tl_err)),
                  BMC_ERR_ABI);
  CU_ASSERT_PTR_NULL(inst);
  CU_ASSERT_PTR_NOT_NULL(strstr(tl_err, "host ABI magic mismatch: expected "
                                "0x424d4331, found 0x12345678"));
  host.hdr.magic = BMC_ABI_MAGIC;
  host.hdr.major = BMC_ABI_MAJOR + 1;
  CU_ASSERT_EQUAL(p->api->create(&host, &ctx, &inst, tl_err, sizeof(tl_err)),
                  BMC_ERR_ABI);
  CU_ASSERT_PTR_NOT_NULL(strstr(tl_err, "host ABI major mismatch"));
  host.hdr.major = BMC_ABI_MAJOR;
  host.hdr.size = (uint32_t)offsetof(struct bmc_host_api, order_upsert);
  CU_ASSERT_EQUAL(p->api->create(&host, &ctx, &inst, tl_err, sizeof(tl_err)),
                  BMC_ERR_ABI);
  CU_ASSERT_PTR_NOT_NULL(strstr(tl_err, "host table too small"));
  CU_ASSERT_PTR_NULL(inst);

  host.hdr.size = sizeof(host);
  CU_ASSERT_EQUAL_FATAL(p->api->create(&host, &ctx, &inst, tl_err,
                                       sizeof(tl_err)), BMC_OK);
  CU_ASSERT_EQUAL(p->api->run(inst, "noop", NULL, 0, tl_err,
                              sizeof(tl_err)), BMC_OK);
  CU_ASSERT_EQUAL(ctx.n_log, 1);
  CU_ASSERT_STRING_EQUAL(ctx.log, "noop: fixture");
  CU_ASSERT_EQUAL(p->api->run(inst, "nope", NULL, 0, tl_err, sizeof(tl_err)),
                  BMC_ERR_INVALID_ARG);
  p->api->destroy(inst);
  p->api->destroy(NULL);
  hs_plugin_close(p);
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"abi_loader", "fixture wrong magic refused", test_fixture_bad_magic},
    {"abi_loader", "fixture wrong major refused", test_fixture_bad_major},
    {"abi_loader", "plugin built against ABI 1.0 refused", test_fixture_abi1},
    {"abi_loader", "fixture newer minor refused", test_fixture_new_minor},
    {"abi_loader", "fixture short size refused", test_fixture_short_size},
    {"abi_loader", "fixture NULL run refused", test_fixture_null_run},
    {"abi_loader", "fixture without entry symbol refused",
     test_fixture_no_entry},
    {"abi_loader", "missing file: dlerror and ldd hint",
     test_missing_file_has_ldd_hint},
    {"abi_loader", "non-ELF file refused", test_not_elf_refused},
    {"abi_loader", "bare file name is the current directory",
     test_bare_name_is_current_dir},
    {"abi_loader", "each fixture has its own message",
     test_fixture_messages_distinct},
    {"abi_loader", "descriptor table checks", test_check_api_tables},
    {"abi_loader", "multi-line property values", test_multiline_value},
    {"abi_loader", "plugin dir loads real plugins",
     test_open_dir_real_plugins},
    {"abi_loader", "fixture dir refused all or nothing",
     test_open_dir_fixtures_all_or_nothing},
    {"abi_loader", "duplicate plugin name refused",
     test_open_dir_duplicate_name},
    {"abi_loader", "RTLD_NOW smoke test of real plugins", test_rtld_now_smoke},
    {"abi_loader", "fixture create() checks host header",
     test_fixture_create_checks_host},
  };

  return cu_main(cases, CU_CASES_N(cases), NULL, NULL, argc, argv);
}
