/*
 * test_config.c -- host.cfg and Toolbox setting validation: every setting
 * type, range, enum and secret rule of hs_setting_validate; host.cfg
 * parsing and validation refusals with "file:line: what is wrong" (and
 * never a secret's value); the sample schemas/host.cfg against the real
 * plugins' schemas (loaded from BMC_PLUGIN_DIR when built, else the
 * Back Market .def lists and the announced Pro settings).
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hs_config.h"
#include "hs_loader.h"
#include "cu_main.h"

/* mkstemp(3)/mkdtemp(3) template suffix: six placeholder characters. */
#define MKTEMP_SUFFIX "XX" "XX" "XX"

static char tc_err[1024];

/* ---- hs_setting_validate ---- */

static const struct bmc_setting tc_schema[] = {
  {"token", BMC_SET_STRING, NULL, 0, 24,
   BMC_SETTING_REQUIRED | BMC_SETTING_SECRET, NULL, "API token"},
  {"order_download", BMC_SET_BOOL, "false", 0, 0, 0, NULL, "Orders"},
  {"safety", BMC_SET_INT, "0", 0, 100, 0, NULL, "Safety qty"},
  {"platform", BMC_SET_ENUM, "eu", 0, 0, 0, "eu|na|ap", "Platform"},
  {"commission", BMC_SET_DECIMAL, "10.00", 0, 0, 0, NULL, "Commission %"},
  {"label", BMC_SET_STRING, "shop", 0, 10, 0, NULL, "Label"},
  {"offset", BMC_SET_INT, "0", 0, 0, 0, NULL, "Unbounded int"},
  {"notes", BMC_SET_STRING, "", 0, 0, 0, NULL, "Unbounded text"},
  {"pct", BMC_SET_DECIMAL, "0.00", 0, 100, 0, NULL, "Percent 0..100"},
  {"adjust", BMC_SET_DECIMAL, "0", -5, 5, 0, NULL, "Adjustment -5..5"},
};

static struct bmc_plugin_api tc_api = {
  .hdr = {BMC_ABI_MAGIC, sizeof(struct bmc_plugin_api), BMC_ABI_MAJOR,
          BMC_ABI_MINOR},
  .name = "shop",
  .version = "1.0",
  .settings = tc_schema,
  .n_settings = sizeof(tc_schema) / sizeof(tc_schema[0]),
};

static const struct bmc_setting *
tc_s(const char *key)
{
  const struct bmc_setting *s = hs_setting_find(&tc_api, key);

  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  return s;
}

static void
tc_ok(const char *key, const char *value)
{
  tc_err[0] = '\0';
  CU_ASSERT_EQUAL(hs_setting_validate(tc_s(key), value, tc_err,
                                      sizeof(tc_err)), BMC_OK);
  if(tc_err[0])
    fprintf(stderr, "\n  %s=%s refused: %s\n", key, value, tc_err);
}

static void
tc_bad(const char *key, const char *value, const char *want)
{
  tc_err[0] = '\0';
  CU_ASSERT_EQUAL(hs_setting_validate(tc_s(key), value, tc_err,
                                      sizeof(tc_err)), BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(tc_err, want));
  CU_ASSERT_EQUAL(strncmp(tc_err, key, strlen(key)), 0);
  if(!strstr(tc_err, want))
    fprintf(stderr, "\n  %s: got \"%s\"\n  wanted \"%s\"\n", key, tc_err,
            want);
}

static void
test_setting_bool(void)
{
  tc_ok("order_download", "true");
  tc_ok("order_download", "false");
  tc_bad("order_download", "yes", "expected true or false, found 'yes'");
  tc_bad("order_download", "True", "found 'True'");
  tc_bad("order_download", "1", "found '1'");
  tc_bad("order_download", "", "found ''");
}

static void
test_setting_int(void)
{
  tc_ok("safety", "0");
  tc_ok("safety", "100");
  tc_ok("safety", "42");
  tc_bad("safety", "101", "out of range: expected 0..100, found 101");
  tc_bad("safety", "-1", "out of range: expected 0..100, found -1");
  tc_bad("safety", "99999999999999999999999", "out of range");
  tc_bad("safety", "abc", "expected a whole number, found 'abc'");
  tc_bad("safety", "5x", "expected a whole number, found '5x'");
  tc_bad("safety", " 5", "expected a whole number");
  tc_bad("safety", "+5", "expected a whole number");
  tc_bad("safety", "", "expected a whole number");
  tc_bad("safety", "2.5", "expected a whole number");
  /* min == max == 0: no bound */
  tc_ok("offset", "-86400");
  tc_ok("offset", "9000000000");
}

static void
test_setting_string(void)
{
  tc_ok("label", "");
  tc_ok("label", "0123456789");
  tc_ok("label", " padded ok");
  tc_bad("label", "0123456789A", "too long: expected at most 10 "
         "characters, found 11");
  tc_ok("notes", "a long note with no maximum length configured at all");
}

static void
test_setting_decimal(void)
{
  tc_ok("commission", "12.50");
  tc_ok("commission", "0");
  tc_ok("commission", "100");
  tc_ok("commission", "-3.5");
  tc_bad("commission", "12,50", "expected a decimal number such as 12.50, "
         "found '12,50'");
  tc_bad("commission", "1.", "found '1.'");
  tc_bad("commission", ".5", "found '.5'");
  tc_bad("commission", "1e5", "found '1e5'");
  tc_bad("commission", "abc", "found 'abc'");
  tc_bad("commission", "", "found ''");
  tc_bad("commission", "12.5%", "found '12.5%'");
  /* [min, max] compared exactly on the decimal text */
  tc_ok("pct", "0");
  tc_ok("pct", "0.00");
  tc_ok("pct", "99.99");
  tc_ok("pct", "100.00");
  tc_bad("pct", "100.01", "out of range: expected 0..100, found 100.01");
  tc_bad("pct", "100.0000001", "out of range");
  tc_bad("pct", "-0.01", "out of range: expected 0..100, found -0.01");
  tc_bad("pct", "99999999999999999999999.5", "out of range");
  tc_ok("adjust", "-5.00");
  tc_ok("adjust", "-4.99");
  tc_ok("adjust", "5");
  tc_ok("adjust", "-0");
  tc_bad("adjust", "-5.01", "out of range: expected -5..5, found -5.01");
  tc_bad("adjust", "-6", "out of range");
  tc_bad("adjust", "5.5", "out of range");
}

static void
test_setting_enum(void)
{
  tc_ok("platform", "eu");
  tc_ok("platform", "na");
  tc_ok("platform", "ap");
  tc_bad("platform", "us", "expected one of eu|na|ap, found 'us'");
  tc_bad("platform", "e", "found 'e'");
  tc_bad("platform", "eu|na", "found 'eu|na'");
  tc_bad("platform", "EU", "found 'EU'");
  tc_bad("platform", "", "found ''");
}

static void
test_setting_secret(void)
{
  static const char *ws[] = {" tok-FAKE-777", "tok-FAKE-777 ",
                             "tok-FAKE-777\n", "\ttok-FAKE-777",
                             "tok-FAKE-777\r\n"};
  size_t i;

  tc_ok("token", "tok-FAKE-777");
  for(i = 0; i < sizeof(ws) / sizeof(ws[0]); i++) {
    tc_bad("token", ws[i], "token: secret value has leading or trailing "
           "whitespace");
    CU_ASSERT_PTR_NULL(strstr(tc_err, "FAKE-777"));
  }
  tc_bad("token", "tok-FAKE\n777", "token: secret value contains a line "
         "break");
  CU_ASSERT_PTR_NULL(strstr(tc_err, "FAKE"));
  tc_bad("token", "tok-FAKE-777-far-too-long-for-it", "too long: expected "
         "at most 24 characters, found 32");
  CU_ASSERT_PTR_NULL(strstr(tc_err, "FAKE"));
  /* Inner spaces are a legal part of a secret. */
  tc_ok("token", "pass phrase FAKE");
  CU_ASSERT_EQUAL(hs_setting_validate(tc_s("token"), NULL, tc_err,
                                      sizeof(tc_err)), BMC_ERR_INVALID_ARG);
  CU_ASSERT_EQUAL(hs_setting_validate(NULL, "x", tc_err, sizeof(tc_err)),
                  BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NULL(hs_setting_find(&tc_api, "tokn"));
}

/* Control characters never pass, whatever the type: a CR/LF in a string
 * would reach an HTTP header as a header of its own. */
static void
test_setting_control_chars(void)
{
  static const char *const bad[] = {"a\rb", "a\nb", "a\r\nX-Evil: 1",
                                    "\x01", "tab\there", "del\x7f",
                                    "\x1b[31m"};
  size_t i;

  for(i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    tc_bad("notes", bad[i], "notes: contains a control character");
    tc_bad("label", bad[i], "contains a control character (byte 0x");
  }
  tc_bad("notes", "ops@example.com\r\nX-Injected: yes",
         "contains a control character (byte 0x0d at offset 15)");
  tc_bad("platform", "eu\r\n", "platform: contains a control character");
  tc_bad("safety", "5\n", "safety: contains a control character");
  tc_bad("token", "tok-FAKE\x01", "token: secret value contains a control "
         "character (value not shown)");
  CU_ASSERT_PTR_NULL(strstr(tc_err, "FAKE"));
  tc_ok("notes", "caf\xc3\xa9 & th\xc3\xa9 \xe2\x82\xac 100"); /* UTF-8 */
  CU_ASSERT_EQUAL(hs_text_control_at("ok"), -1);
  CU_ASSERT_EQUAL(hs_text_control_at("ab\x7f"), 2);
  /* A required value cannot be empty (secret or not). */
  tc_bad("token", "", "token: a required setting cannot be empty");
  /* Company names. */
  CU_ASSERT_EQUAL(hs_company_name_check("Acme Refurb", tc_err,
                                        sizeof(tc_err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_company_name_check("Acme\nEvil", tc_err,
                                        sizeof(tc_err)), BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(tc_err, "company name contains a control "
                                "character (byte 0x0a at offset 4)"));
  CU_ASSERT_EQUAL(hs_company_name_check("", tc_err, sizeof(tc_err)),
                  BMC_ERR_INVALID_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(tc_err, "empty"));
}

/* ---- host.cfg read + validate ---- */

static const char *tc_lines[] = {
  /* 1 */ "plugin_dir = \"/tmp/plugins\";",
  /* 2 */ "database = \"/tmp/host.db\";",
  /* 3 */ "companies = (",
  /* 4 */ "  { name = \"Acme\";",
  /* 5 */ "    plugins = {",
  /* 6 */ "      shop = {",
  /* 7 */ "        enabled = true;",
  /* 8 */ "        token = \"tok-FAKE-1234\";",
  /* 9 */ "        order_download = true;",
  /* 10 */ "        safety = 5;",
  /* 11 */ "        platform = \"na\";",
  /* 12 */ "        commission = 12.5;",
  /* 13 */ "        label = \"Acme\";",
  /* 14 */ "      };",
  /* 15 */ "    };",
  /* 16 */ "  }",
  /* 17 */ ");",
};
#define TC_N_LINES (sizeof(tc_lines) / sizeof(tc_lines[0]))

static char tc_text[4096];

/* The good config with line `line` (1-based) replaced by repl (0 = none). */
static const char *
tc_cfg(size_t line, const char *repl)
{
  size_t i, off = 0;
  int w;

  for(i = 0; i < TC_N_LINES; i++) {
    w = snprintf(tc_text + off, sizeof(tc_text) - off, "%s\n",
                 i + 1 == line ? repl : tc_lines[i]);
    CU_ASSERT_FATAL(w > 0 && (size_t)w < sizeof(tc_text) - off);
    off += (size_t)w;
  }
  return tc_text;
}

static const struct bmc_plugin_api *
tc_lookup(void *ud, const char *name)
{
  (void)ud;
  return strcmp(name, "shop") ? NULL : &tc_api;
}

static void
test_config_good(void)
{
  const struct hs_cfg_company *c;
  const struct hs_cfg_plugin *p;
  const struct hs_cfg_entry *e;
  struct hs_config *cfg = NULL;

  CU_ASSERT_EQUAL_FATAL(hs_config_read_string(tc_cfg(0, NULL), "t.cfg",
                                              &cfg, tc_err, sizeof(tc_err)),
                        BMC_OK);
  CU_ASSERT_STRING_EQUAL(cfg->plugin_dir, "/tmp/plugins");
  CU_ASSERT_STRING_EQUAL(cfg->database, "/tmp/host.db");
  CU_ASSERT_EQUAL(cfg->n_companies, 1);
  c = hs_config_company(cfg, "Acme");
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_EQUAL(c->line, 4);
  p = hs_config_plugin(c, "shop");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(p->enabled, 1);
  CU_ASSERT_EQUAL(p->line, 6);
  CU_ASSERT_EQUAL(p->n_entries, 6); /* "enabled" is not a setting */
  e = hs_config_entry(p, "token");
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  CU_ASSERT_EQUAL(e->line, 8);
  CU_ASSERT_STRING_EQUAL(e->value, "tok-FAKE-1234");
  CU_ASSERT_STRING_EQUAL(hs_config_value(p, tc_s("order_download")), "true");
  CU_ASSERT_STRING_EQUAL(hs_config_value(p, tc_s("safety")), "5");
  CU_ASSERT_STRING_EQUAL(hs_config_value(p, tc_s("commission")), "12.5");
  /* not in the file: the schema default */
  CU_ASSERT_STRING_EQUAL(hs_config_value(p, tc_s("notes")), "");
  CU_ASSERT_STRING_EQUAL(hs_config_value(NULL, tc_s("platform")), "eu");
  CU_ASSERT_PTR_NULL(hs_config_plugin(c, "other"));
  CU_ASSERT_PTR_NULL(hs_config_company(cfg, "Other"));
  CU_ASSERT_EQUAL(hs_config_validate(cfg, tc_lookup, NULL, tc_err,
                                     sizeof(tc_err)), BMC_OK);
  hs_config_free(cfg);
  hs_config_free(NULL);
}

/* Read must fail with exactly "t.cfg:<line>: ..." containing want. */
static void
tc_read_refused(size_t line, const char *repl, int want_line,
                const char *want)
{
  struct hs_config *cfg = (struct hs_config *)&cfg;
  char prefix[32];

  tc_err[0] = '\0';
  CU_ASSERT_EQUAL(hs_config_read_string(tc_cfg(line, repl), "t.cfg", &cfg,
                                        tc_err, sizeof(tc_err)),
                  BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NULL(cfg);
  snprintf(prefix, sizeof(prefix), "t.cfg:%d: ", want_line);
  CU_ASSERT_EQUAL(strncmp(tc_err, prefix, strlen(prefix)), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(tc_err, want));
  if(strncmp(tc_err, prefix, strlen(prefix)) || !strstr(tc_err, want))
    fprintf(stderr, "\n  got \"%s\"\n  wanted \"%s...%s\"\n", tc_err,
            prefix, want);
  if(cfg != NULL && cfg != (struct hs_config *)&cfg)
    hs_config_free(cfg);
}

/* Read succeeds, validate fails with "t.cfg:<line>: ..." containing want;
 * the message never holds the token value. */
static void
tc_invalid(size_t line, const char *repl, int want_line, const char *want)
{
  struct hs_config *cfg = NULL;
  char prefix[32];

  CU_ASSERT_EQUAL_FATAL(hs_config_read_string(tc_cfg(line, repl), "t.cfg",
                                              &cfg, tc_err, sizeof(tc_err)),
                        BMC_OK);
  tc_err[0] = '\0';
  CU_ASSERT_EQUAL(hs_config_validate(cfg, tc_lookup, NULL, tc_err,
                                     sizeof(tc_err)), BMC_ERR_CONFIG);
  snprintf(prefix, sizeof(prefix), "t.cfg:%d: ", want_line);
  CU_ASSERT_EQUAL(strncmp(tc_err, prefix, strlen(prefix)), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(tc_err, want));
  CU_ASSERT_PTR_NULL(strstr(tc_err, "FAKE"));
  if(strncmp(tc_err, prefix, strlen(prefix)) || !strstr(tc_err, want))
    fprintf(stderr, "\n  got \"%s\"\n  wanted \"%s...%s\"\n", tc_err,
            prefix, want);
  hs_config_free(cfg);
}

static void
test_config_unknown_keys(void)
{
  tc_read_refused(2, "databse = \"/tmp/host.db\";", 2,
                  "unknown top-level setting 'databse' (expected "
                  "plugin_dir, database, key_file, worker_lease_s, "
                  "companies)");
  tc_read_refused(4, "  { name = \"Acme\"; city = \"Lyon\";", 4,
                  "company #1: unknown setting 'city' (expected name, "
                  "inventory_calc, dry_run, plugins)");
  tc_invalid(10, "        safty = 5;", 10,
             "company 'Acme': unknown setting 'safty' for plugin shop");
  tc_invalid(6, "      shopp = {", 6,
             "company 'Acme': unknown plugin 'shopp'");
}

static void
test_config_wrong_types(void)
{
  tc_invalid(9, "        order_download = 1;", 9,
             "shop.order_download: wrong type: expected a bool (true or "
             "false), found an integer");
  tc_invalid(10, "        safety = \"5\";", 10,
             "shop.safety: wrong type: expected an integer, found a string");
  tc_invalid(10, "        safety = 5.0;", 10,
             "shop.safety: wrong type: expected an integer, found a "
             "floating point number");
  tc_invalid(8, "        token = 12345;", 8,
             "shop.token: wrong type: expected a string, found an integer");
  tc_invalid(11, "        platform = true;", 11,
             "shop.platform: wrong type: expected a string, found a bool");
  tc_read_refused(7, "        enabled = \"yes\";", 7,
                  "shop.enabled: expected a bool (true or false), found a "
                  "string");
  tc_read_refused(10, "        safety = [1, 2];", 10,
                  "shop.safety: expected a single value (bool, number or "
                  "string), found an array");
  tc_read_refused(1, "plugin_dir = 5;", 1,
                  "plugin_dir: expected a string, found an integer");
  /* a decimal may be written as a number or a string */
  tc_invalid(12, "        commission = \"12,5\";", 12,
             "shop.commission: expected a decimal number such as 12.50, "
             "found '12,5'");
}

static void
test_config_ranges_enums_secrets(void)
{
  tc_invalid(10, "        safety = 500;", 10,
             "shop.safety: out of range: expected 0..100, found 500");
  tc_invalid(11, "        platform = \"us\";", 11,
             "shop.platform: expected one of eu|na|ap, found 'us'");
  tc_invalid(13, "        label = \"Acme Refurbished\";", 13,
             "shop.label: too long: expected at most 10 characters, "
             "found 16");
  tc_invalid(8, "        token = \" tok-FAKE-1234\";", 8,
             "shop.token: secret value has leading or trailing whitespace");
  tc_invalid(8, "        token = \"tok-FAKE-1234\\n\";", 8,
             "shop.token: secret value has leading or trailing whitespace");
  tc_invalid(8, "        token = \"tok-FAKE\\n1234\";", 8,
             "shop.token: secret value contains a line break");
  /* Header injection through an escape or a raw line break. */
  tc_invalid(13, "        label = \"a\\r\\nX: 1\";", 13,
             "shop.label: contains a control character (byte 0x0d at "
             "offset 1)");
  tc_invalid(13, "        label = \"a\\x01b\";", 13,
             "shop.label: contains a control character (byte 0x01");
  tc_invalid(13, "        label = \"a\nb\";", 13,
             "shop.label: contains a control character (byte 0x0a");
}

/* What libconfig would mishandle is refused before it reads the text:
 * @include (it reads any file, and exits the process on a directory),
 * a "\x00" escape (dropped silently), control characters in names. */
static void
test_config_text_refusals(void)
{
  struct hs_config *cfg = NULL;

  tc_read_refused(3, "@include \"/etc/\"", 3, "@include is not allowed");
  tc_read_refused(5, "  \t@include \"/etc/hostname\"", 5,
                  "@include is not allowed");
  tc_read_refused(13, "        label = \"a\\x00b\";", 13,
                  "the escape \\x00 (a NUL byte) is not allowed");
  /* An escaped backslash followed by x00 is plain text. */
  CU_ASSERT_EQUAL(hs_config_read_string(tc_cfg(13, "        label = "
                                               "\"a\\\\x00\";"), "t.cfg",
                                        &cfg, tc_err, sizeof(tc_err)),
                  BMC_OK);
  if(cfg)
    CU_ASSERT_STRING_EQUAL(hs_config_entry(&cfg->companies[0].plugins[0],
                                           "label")->value, "a\\x00");
  hs_config_free(cfg);
  tc_read_refused(4, "  { name = \"Acme\\nEvil\";", 4,
                  "company name: contains a control character (byte 0x0a "
                  "at offset 4)");
  tc_read_refused(2, "database = \"/tmp/a\\rb.db\";", 2,
                  "database: contains a control character");
  tc_read_refused(1, "key_file = \"\";", 1, "key_file: empty");
  tc_read_refused(1, "key_file = 7;", 1, "key_file: expected a string");
  CU_ASSERT_EQUAL_FATAL(hs_config_read_string(
      tc_cfg(1, "key_file = \"/var/lib/x/host.key\";"), "t.cfg", &cfg,
      tc_err, sizeof(tc_err)), BMC_OK);
  CU_ASSERT_STRING_EQUAL(cfg->key_file, "/var/lib/x/host.key");
  CU_ASSERT_EQUAL(cfg->key_file_line, 1);
  hs_config_free(cfg);
}


static void
test_config_across_fields(void)
{
  struct hs_config *cfg = NULL;

  tc_invalid(8, "        # no token yet", 6,
             "company 'Acme': plugin shop is enabled but required setting "
             "'token' is not set (API token)");
  /* An empty required secret is refused where it is written. */
  tc_invalid(8, "        token = \"\";", 8,
             "shop.token: a required setting cannot be empty");
  /* A disabled plugin may be half configured. */
  CU_ASSERT_EQUAL_FATAL(hs_config_read_string(
                            tc_cfg(7, "        enabled = false;"), "t.cfg",
                            &cfg, tc_err, sizeof(tc_err)), BMC_OK);
  hs_config_free(cfg);
  CU_ASSERT_EQUAL_FATAL(hs_config_read_string(
      "companies = ({ name = \"A\"; plugins = { shop = { enabled = false; "
      "}; }; });", "t.cfg", &cfg, tc_err, sizeof(tc_err)), BMC_OK);
  CU_ASSERT_EQUAL(cfg->companies[0].plugins[0].enabled, 0);
  CU_ASSERT_PTR_NULL(cfg->plugin_dir);
  CU_ASSERT_EQUAL(hs_config_validate(cfg, tc_lookup, NULL, tc_err,
                                     sizeof(tc_err)), BMC_OK);
  hs_config_free(cfg);
}

static void
test_config_parse_errors(void)
{
  struct hs_config *cfg = NULL;

  tc_read_refused(10, "        safety = ;", 10, "syntax error");
  tc_read_refused(17, ") }", 17, "syntax error");
  CU_ASSERT_EQUAL(hs_config_read_string(
      "companies = ({ name = \"A\"; }, { name = \"B\"; },\n"
      "  { name = \"A\"; });", "dup.cfg", &cfg, tc_err, sizeof(tc_err)),
      BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(tc_err, "dup.cfg:2: company 'A' is "
                                "declared twice (first at line 1)"));
  CU_ASSERT_EQUAL(hs_config_read_string("companies = ({ plugins = {}; });",
                                        NULL, &cfg, tc_err, sizeof(tc_err)),
                  BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(tc_err, "<string>:1: company #1: missing "
                                "name"));
  CU_ASSERT_EQUAL(hs_config_read_string("companies = { a = 1; };", "g.cfg",
                                        &cfg, tc_err, sizeof(tc_err)),
                  BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(tc_err, "g.cfg:1: companies: expected a "
                                "list"));
  CU_ASSERT_EQUAL(hs_config_read_file("/nonexistent/host.cfg", &cfg, tc_err,
                                      sizeof(tc_err)), BMC_ERR_NOT_FOUND);
  CU_ASSERT_PTR_NOT_NULL(strstr(tc_err, "/nonexistent/host.cfg: cannot "
                                "open config file"));
  CU_ASSERT_PTR_NULL(cfg);
}

/* A file on disk: messages carry the path and line. */
static void
test_config_file_messages(void)
{
  char path[] = "/tmp/bmc-cfg-" MKTEMP_SUFFIX, want[128];
  struct hs_config *cfg = NULL;
  FILE *fp;
  int fd;

  fd = mkstemp(path);
  CU_ASSERT_FATAL(fd >= 0);
  fp = fdopen(fd, "w");
  CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
  CU_ASSERT(fputs(tc_cfg(10, "        safety = 101;"), fp) >= 0);
  CU_ASSERT_EQUAL(fclose(fp), 0);
  CU_ASSERT_EQUAL_FATAL(hs_config_read_file(path, &cfg, tc_err,
                                            sizeof(tc_err)), BMC_OK);
  CU_ASSERT_EQUAL(hs_config_validate(cfg, tc_lookup, NULL, tc_err,
                                     sizeof(tc_err)), BMC_ERR_CONFIG);
  snprintf(want, sizeof(want), "%s:10: shop.safety: out of range", path);
  CU_ASSERT_PTR_NOT_NULL(strstr(tc_err, want));
  hs_config_free(cfg);
  cfg = NULL;

  fp = fopen(path, "w");
  CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
  CU_ASSERT(fputs(tc_cfg(3, "companies = ( {"), fp) >= 0);
  CU_ASSERT_EQUAL(fclose(fp), 0);
  CU_ASSERT_EQUAL(hs_config_read_file(path, &cfg, tc_err, sizeof(tc_err)),
                  BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NULL(cfg);
  snprintf(want, sizeof(want), "%s:4: syntax error", path);
  CU_ASSERT_PTR_NOT_NULL(strstr(tc_err, want));
  if(!strstr(tc_err, want))
    fprintf(stderr, "\n  got \"%s\"\n  wanted \"%s\"\n", tc_err, want);

  /* A NUL byte: libconfig would stop reading there. */
  fp = fopen(path, "w");
  CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
  CU_ASSERT(fputs("plugin_dir = \"/tmp\";\n# x", fp) >= 0);
  CU_ASSERT_EQUAL(fputc('\0', fp), 0);
  CU_ASSERT(fputs("\ndatabase = 5;\n", fp) >= 0);
  CU_ASSERT_EQUAL(fclose(fp), 0);
  CU_ASSERT_EQUAL(hs_config_read_file(path, &cfg, tc_err, sizeof(tc_err)),
                  BMC_ERR_CONFIG);
  snprintf(want, sizeof(want), "%s:2: the file contains a NUL byte", path);
  CU_ASSERT_PTR_NOT_NULL(strstr(tc_err, want));
  CU_ASSERT_EQUAL(unlink(path), 0);

  /* A directory (libconfig 1.5 would exit(2) the whole process). */
  CU_ASSERT_EQUAL(hs_config_read_file("/tmp", &cfg, tc_err, sizeof(tc_err)),
                  BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(tc_err, "/tmp: not a regular file"));
  CU_ASSERT_PTR_NULL(cfg);
}

/* ---- the sample schemas/host.cfg against the real plugins ---- */

static const struct bmc_setting tc_bm_settings[] = {
#define BM_SETTING(k, t, d, mn, mx, fl, ev, h) {k, t, d, mn, mx, fl, ev, h},
#include "../../plugin/backmarket/bm_settings_orders.def"
#include "../../plugin/backmarket/bm_settings_catalog.def"
#undef BM_SETTING
};

/* Announced Back Market Pro settings; used only until backmarket_pro.so
 * is built. */
static const struct bmc_setting tc_pro_settings[] = {
  {"website_url", BMC_SET_STRING, "", 0, 300, 0, NULL, "Website URL"},
  {"x_api_key", BMC_SET_STRING, NULL, 0, 256,
   BMC_SETTING_REQUIRED | BMC_SETTING_SECRET, NULL, "x-api-key"},
  {"allow_order_download", BMC_SET_BOOL, "false", 0, 0, 0, NULL, "Orders"},
  {"allow_tracking_upload", BMC_SET_BOOL, "false", 0, 0, 0, NULL,
   "Tracking"},
  {"order_commission_pct", BMC_SET_DECIMAL, "0.00", 0, 100, 0, NULL,
   "Commission %"},
};

struct tc_real {
  const struct bmc_plugin_api *bm, *pro;
  struct hs_plugin *bm_so, *pro_so;
};

static const struct bmc_plugin_api *
tc_real_lookup(void *ud, const char *name)
{
  struct tc_real *r = ud;

  if(!strcmp(name, "backmarket"))
    return r->bm;
  if(!strcmp(name, "backmarket_pro"))
    return r->pro;
  return NULL;
}

static void
tc_load_or_standin(const char *file, struct hs_plugin **so,
                   const struct bmc_plugin_api **api,
                   struct bmc_plugin_api *standin)
{
  char path[512];
  FILE *fp;

  snprintf(path, sizeof(path), "%s/%s", BMC_PLUGIN_DIR, file);
  fp = fopen(path, "rb");
  if(fp) {
    CU_ASSERT_EQUAL(fclose(fp), 0);
    CU_ASSERT_EQUAL(hs_plugin_open(path, so, tc_err, sizeof(tc_err)),
                    BMC_OK);
    if(*so) {
      *api = (*so)->api;
      printf("\n  sample host.cfg checked against %s", path);
      return;
    }
    fprintf(stderr, "\n  %s\n", tc_err);
  }
  *api = standin;
  printf("\n  sample host.cfg checked against the declared %s schema "
         "(%s not built)", standin->name, file);
}

static void
test_sample_host_cfg(void)
{
  static struct bmc_plugin_api bm = {
    .name = "backmarket",
    .settings = tc_bm_settings,
    .n_settings = sizeof(tc_bm_settings) / sizeof(tc_bm_settings[0])};
  static struct bmc_plugin_api pro = {
    .name = "backmarket_pro",
    .settings = tc_pro_settings,
    .n_settings = sizeof(tc_pro_settings) / sizeof(tc_pro_settings[0])};
  struct tc_real r = {NULL, NULL, NULL, NULL};
  const struct hs_cfg_company *c;
  const struct hs_cfg_plugin *p;
  const struct bmc_setting *s;
  struct hs_config *cfg = NULL;
  size_t i, j, k;

  tc_load_or_standin("backmarket.so", &r.bm_so, &r.bm, &bm);
  tc_load_or_standin("backmarket_pro.so", &r.pro_so, &r.pro, &pro);
  CU_ASSERT_EQUAL_FATAL(hs_config_read_file(BMC_SCHEMA_DIR "/host.cfg",
                                            &cfg, tc_err, sizeof(tc_err)),
                        BMC_OK);
  tc_err[0] = '\0';
  CU_ASSERT_EQUAL(hs_config_validate(cfg, tc_real_lookup, &r, tc_err,
                                     sizeof(tc_err)), BMC_OK);
  if(tc_err[0])
    fprintf(stderr, "\n  sample host.cfg: %s\n", tc_err);
  CU_ASSERT_PTR_NOT_NULL(cfg->plugin_dir);
  CU_ASSERT_PTR_NOT_NULL(cfg->database);
  CU_ASSERT_EQUAL(cfg->n_companies, 1);
  c = cfg->n_companies ? &cfg->companies[0] : NULL;
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  p = hs_config_plugin(c, "backmarket");
  CU_ASSERT(p && p->enabled);
  p = hs_config_plugin(c, "backmarket_pro");
  CU_ASSERT(p && p->enabled);
  /* Every secret in the sample is obviously fake. */
  for(i = 0; i < cfg->n_companies; i++)
    for(j = 0; j < cfg->companies[i].n_plugins; j++) {
      p = &cfg->companies[i].plugins[j];
      for(k = 0; k < p->n_entries; k++) {
        s = hs_setting_find(tc_real_lookup(&r, p->name), p->entries[k].key);
        if(s && (s->flags & BMC_SETTING_SECRET))
          CU_ASSERT_PTR_NOT_NULL(strstr(p->entries[k].value, "FAKE"));
      }
    }
  hs_config_free(cfg);
  hs_plugin_close(r.bm_so);
  hs_plugin_close(r.pro_so);
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"abi_config", "bool settings", test_setting_bool},
    {"abi_config", "int settings and ranges", test_setting_int},
    {"abi_config", "string length", test_setting_string},
    {"abi_config", "decimal format", test_setting_decimal},
    {"abi_config", "enum membership", test_setting_enum},
    {"abi_config", "secret whitespace, never shown", test_setting_secret},
    {"abi_config", "control characters, empty required",
     test_setting_control_chars},
    {"abi_config", "good host.cfg", test_config_good},
    {"abi_config", "unknown keys and plugins", test_config_unknown_keys},
    {"abi_config", "wrong types", test_config_wrong_types},
    {"abi_config", "ranges, enums, secrets with file:line",
     test_config_ranges_enums_secrets},
    {"abi_config", "enabled plugin needs required settings",
     test_config_across_fields},
    {"abi_config", "parse and shape errors", test_config_parse_errors},
    {"abi_config", "@include, NUL, \\x00, control chars refused",
     test_config_text_refusals},
    {"abi_config", "file messages carry path:line", test_config_file_messages},
    {"abi_config", "sample schemas/host.cfg validates", test_sample_host_cfg},
  };

  return cu_main(cases, CU_CASES_N(cases), NULL, NULL, argc, argv);
}
