/*
 * cli_catalog.c -- host-sim commands for setup and catalog: plugins,
 * companies, enable/disable, Toolbox settings (show/set/unset, secrets
 * masked), products (list, Bulk Update CSV import) and stock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const cli_types[] = {"?", "bool", "int", "string",
                                        "decimal", "enum"};

int
cli_cmd_plugins(struct cli *c, int argc, char **argv)
{
  struct hs_plugin_info pi;
  size_t i, j;

  (void)argv;
  if(argc != 1)
    return cli_usage("plugins");
  if(!hs_plugin_count(c->h)) {
    printf("no plugins loaded (use --plugin-dir DIR or set BMC_PLUGIN_DIR)\n");
    return CLI_OK;
  }
  for(i = 0; hs_plugin_get(c->h, i, &pi) == BMC_OK; i++) {
    printf("%s (%s) version %s, ABI %u.%u\n  from %s\n", pi.name,
           pi.display_name, pi.version, pi.abi_major, pi.abi_minor,
           pi.origin);
    printf("  settings:\n");
    for(j = 0; j < pi.api->n_settings; j++) {
      const struct bmc_setting *s = &pi.api->settings[j];

      printf("    %-24s %-7s default %-8s%s%s  %s\n", s->key,
             cli_types[s->type <= 5 ? s->type : 0],
             s->default_value ? s->default_value : "-",
             s->flags & BMC_SETTING_REQUIRED ? " required" : "",
             s->flags & BMC_SETTING_SECRET ? " secret" : "",
             s->help ? s->help : "");
    }
    if(pi.api->n_properties)
      printf("  product properties (markets %s):\n",
             pi.api->markets && *pi.api->markets ? pi.api->markets : "-");
    for(j = 0; j < pi.api->n_properties; j++) {
      const struct bmc_property *p = &pi.api->properties[j];

      printf("    %-24s %-7s column %-24s%s%s  %s\n", p->key,
             cli_types[p->type <= 5 ? p->type : 0],
             p->column ? p->column : "-",
             p->flags & BMC_PROP_PER_MARKET ? " per-market" : "",
             p->flags & BMC_PROP_PLUGIN_OWNED ? " plugin-owned" : "",
             p->help ? p->help : "");
    }
    printf("  actions:\n");
    for(j = 0; j < pi.api->n_actions; j++) {
      const struct bmc_action *a = &pi.api->actions[j];

      printf("    %-24s %-28s every %us%s%s%s%s\n", a->id, a->display_name,
             a->default_interval_s,
             a->flags & BMC_ACTION_MANUAL ? " manual" : "",
             a->flags & BMC_ACTION_SCHEDULED ? " scheduled" : "",
             a->enabled_by ? " when " : "",
             a->enabled_by ? a->enabled_by : "");
    }
  }
  return CLI_OK;
}

static int
cli_company_cb(void *ud, int64_t id, const char *name)
{
  (void)ud;
  printf("%4lld  %s\n", (long long)id, name);
  return 0;
}

int
cli_cmd_companies(struct cli *c, int argc, char **argv)
{
  int64_t id;
  int rc;

  if(argc == 1 || (argc == 2 && strcmp(argv[1], "list") == 0))
    return hs_companies_each(c->h, cli_company_cb, NULL) ? CLI_FAIL : CLI_OK;
  if(argc == 3 && strcmp(argv[1], "add") == 0) {
    rc = hs_company_add(c->h, argv[2], &id);
    if(rc == BMC_ERR_CONFLICT)
      return cli_fail("companies", "company '%s' already exists", argv[2]);
    if(rc)
      return cli_fail("companies", "cannot add '%s': %s", argv[2],
                      hs_rc_name(rc));
    printf("company %lld '%s' added\n", (long long)id, argv[2]);
    return CLI_OK;
  }
  return cli_usage("companies");
}

static int
cli_enable(struct cli *c, int argc, char **argv, int on)
{
  char err[512];

  if(argc != 3)
    return cli_usage(argv[0]);
  if(hs_company_plugin_enable(c->h, argv[1], argv[2], on, err, sizeof(err)))
    return cli_fail(argv[0], "%s", err);
  printf("%s %s for %s\n", argv[2], on ? "enabled" : "disabled", argv[1]);
  return CLI_OK;
}

int
cli_cmd_enable(struct cli *c, int argc, char **argv)
{
  return cli_enable(c, argc, argv, 1);
}

int
cli_cmd_disable(struct cli *c, int argc, char **argv)
{
  return cli_enable(c, argc, argv, 0);
}

static int
cli_setting_cb(void *ud, const struct hs_setting_view *v)
{
  const struct bmc_setting *s = v->schema;

  (void)ud;
  printf("%-24s = %-20s %s%s%s\n", s->key, v->value ? v->value : "(unset)",
         v->is_set ? "" : "(default) ",
         s->flags & BMC_SETTING_REQUIRED ? "[required] " : "",
         s->help ? s->help : "");
  return 0;
}

int
cli_cmd_settings(struct cli *c, int argc, char **argv)
{
  char err[512];
  int rc, en = 0;

  if(argc == 4 && strcmp(argv[1], "show") == 0) {
    rc = hs_company_settings_each(c->h, argv[2], argv[3], cli_setting_cb,
                                  NULL);
    if(rc)
      return cli_fail("settings", "company '%s', plugin '%s': %s", argv[2],
                      argv[3], hs_rc_name(rc));
    hs_company_plugin_enabled(c->h, argv[2], argv[3], &en);
    printf("(%s is %s for %s)\n", argv[3], en ? "enabled" : "NOT enabled",
           argv[2]);
    return CLI_OK;
  }
  if(argc == 6 && strcmp(argv[1], "set") == 0) {
    if(hs_company_setting_set(c->h, argv[2], argv[3], argv[4], argv[5], err,
                              sizeof(err)))
      return cli_fail("settings", "%s", err);
    printf("%s set for %s/%s\n", argv[4], argv[2], argv[3]);
    return CLI_OK;
  }
  if(argc == 5 && strcmp(argv[1], "unset") == 0) {
    rc = hs_company_setting_unset(c->h, argv[2], argv[3], argv[4]);
    if(rc)
      return cli_fail("settings", "cannot unset %s: %s", argv[4],
                      hs_rc_name(rc));
    return CLI_OK;
  }
  return cli_usage("settings");
}

static int
cli_product_cb(void *ud, const struct bmc_product *p)
{
  (void)ud;
  printf("%-20s %6lld %10s %s\n", p->sku, (long long)p->available_qty,
         p->site_price ? p->site_price : "-", p->title ? p->title : "");
  return 0;
}

static void
cli_row_err(void *ud, int64_t line, const char *msg)
{
  fprintf(stderr, "%s:%lld: %s\n", (const char *)ud, (long long)line, msg);
}

int
cli_cmd_products(struct cli *c, int argc, char **argv)
{
  struct hs_import_stats st;
  char err[1024];
  int rc;

  if(argc >= 2 && (!strcmp(argv[1], "show") || !strcmp(argv[1], "set") ||
                   !strcmp(argv[1], "export")))
    return cli_props_products(c, argc, argv);
  if(argc == 3 && strcmp(argv[1], "list") == 0) {
    printf("%-20s %6s %10s %s\n", "SKU", "QTY", "SITE PRICE", "TITLE");
    rc = hs_products_each(c->h, argv[2], 0, cli_product_cb, NULL);
    if(rc)
      return cli_fail("products", "company '%s': %s", argv[2],
                      hs_rc_name(rc));
    return CLI_OK;
  }
  if(argc == 4 && strcmp(argv[1], "import") == 0) {
    rc = hs_products_import_csv(c->h, argv[2], argv[3], 0, cli_row_err,
                                argv[3], &st, err, sizeof(err));
    if(rc)
      return cli_fail("products", "%s", err);
    printf("%s: %lld rows imported (%lld new), %lld rows refused\n", argv[3],
           (long long)st.rows_ok, (long long)st.rows_created,
           (long long)st.rows_bad);
    return st.rows_bad ? CLI_FAIL : CLI_OK;
  }
  return cli_usage("products");
}

int
cli_cmd_stock(struct cli *c, int argc, char **argv)
{
  char *end;
  long long q;
  int rc;

  if(argc != 5 || strcmp(argv[1], "set") != 0)
    return cli_usage("stock");
  q = strtoll(argv[4], &end, 10);
  if(end == argv[4] || *end)
    return cli_fail("stock", "quantity '%s' is not a whole number", argv[4]);
  rc = hs_stock_set(c->h, argv[2], argv[3], q);
  if(rc == BMC_ERR_NOT_FOUND)
    return cli_fail("stock", "no product '%s' in company '%s'", argv[3],
                    argv[2]);
  if(rc)
    return cli_fail("stock", "%s", hs_rc_name(rc));
  printf("%s available qty = %lld\n", argv[3], q);
  return CLI_OK;
}
