/*
 * cli_catalog.c -- host-sim commands for setup and catalog: plugins,
 * companies, enable/disable, Toolbox settings (show/set/unset, secrets
 * masked), products (list, Bulk Update CSV import; show, set and export
 * in cli_props.c), stock and the change feed's reset.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const cli_types[] = {"?", "bool", "int", "string",
                                        "decimal", "enum"};

static struct json_object *
cli_plugin_json(const struct hs_plugin_info *pi)
{
  struct json_object *o = json_object_new_object(), *arr, *x;
  size_t j;

  if(!o)
    return NULL;
  cli_json_str(o, "name", pi->name);
  cli_json_str(o, "display_name", pi->display_name);
  cli_json_str(o, "version", pi->version);
  cli_json_int(o, "abi_major", pi->abi_major);
  cli_json_int(o, "abi_minor", pi->abi_minor);
  cli_json_str(o, "origin", pi->origin);
  arr = json_object_new_array();
  for(j = 0; arr && j < pi->api->n_settings; j++) {
    const struct bmc_setting *s = &pi->api->settings[j];

    x = json_object_new_object();
    cli_json_str(x, "key", s->key);
    cli_json_str(x, "type", cli_types[s->type <= 5 ? s->type : 0]);
    cli_json_str(x, "default", s->default_value);
    json_object_object_add(x, "required", json_object_new_boolean(
                               (s->flags & BMC_SETTING_REQUIRED) != 0));
    json_object_object_add(x, "secret", json_object_new_boolean(
                               (s->flags & BMC_SETTING_SECRET) != 0));
    cli_json_str(x, "help", s->help);
    json_object_array_add(arr, x);
  }
  json_object_object_add(o, "settings", arr);
  arr = json_object_new_array();
  for(j = 0; arr && j < pi->api->n_actions; j++) {
    const struct bmc_action *a = &pi->api->actions[j];

    x = json_object_new_object();
    cli_json_str(x, "id", a->id);
    cli_json_str(x, "display_name", a->display_name);
    cli_json_int(x, "interval_s", a->default_interval_s);
    json_object_object_add(x, "manual", json_object_new_boolean(
                               (a->flags & BMC_ACTION_MANUAL) != 0));
    json_object_object_add(x, "scheduled", json_object_new_boolean(
                               (a->flags & BMC_ACTION_SCHEDULED) != 0));
    json_object_object_add(x, "selects_skus", json_object_new_boolean(
                               (a->flags & BMC_ACTION_SKUS) != 0));
    cli_json_str(x, "enabled_by", a->enabled_by);
    json_object_array_add(arr, x);
  }
  json_object_object_add(o, "actions", arr);
  cli_json_str(o, "markets", pi->api->markets);
  arr = json_object_new_array();
  for(j = 0; arr && j < pi->api->n_properties; j++) {
    const struct bmc_property *p = &pi->api->properties[j];

    x = json_object_new_object();
    cli_json_str(x, "key", p->key);
    cli_json_str(x, "type", cli_types[p->type <= 5 ? p->type : 0]);
    cli_json_str(x, "column", p->column);
    cli_json_str(x, "label", p->label);
    cli_json_str(x, "panel", p->panel);
    cli_json_str(x, "default", p->default_value);
    json_object_object_add(x, "per_market", json_object_new_boolean(
                               (p->flags & BMC_PROP_PER_MARKET) != 0));
    json_object_object_add(x, "required_to_post", json_object_new_boolean(
                               (p->flags & BMC_PROP_REQUIRED_TO_POST) != 0));
    json_object_object_add(x, "plugin_owned", json_object_new_boolean(
                               (p->flags & BMC_PROP_PLUGIN_OWNED) != 0));
    cli_json_str(x, "help", p->help);
    json_object_array_add(arr, x);
  }
  json_object_object_add(o, "properties", arr);
  return o;
}

int
cli_cmd_plugins(struct cli *c, int argc, char **argv)
{
  static const struct option lo[] = {{"json", no_argument, NULL, 0},
                                     {NULL, 0, NULL, 0}};
  struct hs_plugin_info pi;
  struct json_object *arr;
  int flags = 0, first;
  size_t i, j;

  first = cli_getopt("plugins", argc, argv, lo, cli_opt_flags, &flags);
  if(first < 0 || first != argc)
    return first < 0 ? -first : cli_usage("plugins");
  if(flags & 1) {
    arr = json_object_new_array();
    for(i = 0; arr && hs_plugin_get(c->h, i, &pi) == BMC_OK; i++)
      json_object_array_add(arr, cli_plugin_json(&pi));
    return cli_json_print(arr);
  }
  if(!hs_plugin_count(c->h)) {
    printf("no plugins loaded (use --plugin-dir DIR or set BMC_PLUGIN_DIR)\n");
    return CLI_FAIL;
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

      printf("    %-24s %-28s every %us%s%s%s%s%s\n", a->id,
             a->display_name, a->default_interval_s,
             a->flags & BMC_ACTION_MANUAL ? " manual" : "",
             a->flags & BMC_ACTION_SCHEDULED ? " scheduled" : "",
             a->flags & BMC_ACTION_SKUS ? " on-selected-skus" : "",
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
                      cli_rc_text(c, rc));
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
  if(cli_company(c, argv[0], argv[1]) || cli_plugin(c, argv[0], argv[2]))
    return CLI_FAIL;
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

static const struct bmc_setting *
cli_setting_schema(struct cli *c, const char *plugin, const char *key)
{
  const struct bmc_plugin_api *api = hs_plugin_find(c->h, plugin);
  size_t i;

  for(i = 0; api && i < api->n_settings; i++)
    if(strcmp(api->settings[i].key, key) == 0)
      return &api->settings[i];
  return NULL;
}

/* The pending value was stored: check it now and swap it in, or say why
 * not (busy: the scheduler checks it between two jobs). */
static int
cli_settings_rotate(struct cli *c, const char *company, const char *plugin,
                    const char *key)
{
  char err[1024];
  int64_t job = 0;
  int rc;

  rc = hs_rotation_check(c->h, company, plugin, &job, err, sizeof(err));
  if(rc == BMC_ERR_CONFLICT) {
    printf("%s of %s/%s is pending: %s; the scheduler checks it between "
           "two jobs\n", key, company, plugin, err);
    return CLI_OK;
  }
  if(rc)
    return cli_fail("settings", "%s", err);
  printf("%s of %s/%s: the pending value passed the credential check (job "
         "%lld) and is active; the previous value is kept until every "
         "scheduled action has run once with the new one\n", key, company,
         plugin, (long long)job);
  return CLI_OK;
}

/* settings set C P KEY {VALUE | - | --from-file F}: a secret only from
 * standard input or a file. */
static int
cli_settings_set(struct cli *c, int argc, char **argv)
{
  const struct bmc_setting *s;
  const char *from = NULL, *value;
  char err[512], *secret = NULL;
  int rc;

  int pending = 0;

  if(argc >= 7 && strcmp(argv[5], "--pending") == 0) {
    /* safe rotation: settings set C P key --pending {- | --from-file F} */
    pending = 1;
    argv[5] = argv[6];
    if(argc == 8)
      argv[6] = argv[7];
    argc--;
  }
  if(argc == 7 && strcmp(argv[5], "--from-file") == 0)
    from = argv[6];
  else if(argc != 6)
    return cli_usage("settings");
  s = cli_setting_schema(c, argv[3], argv[4]);
  value = argv[5];
  if(s && (s->flags & BMC_SETTING_SECRET) && !from && strcmp(value, "-"))
    return cli_fail("settings", "%s is a secret: it is not taken from the "
                    "command line (visible in ps and shell history); pass "
                    "it on standard input (`settings set '%s' %s %s -`) or "
                    "from a file (`--from-file FILE`)", argv[4], argv[2],
                    argv[3], argv[4]);
  if(from || strcmp(value, "-") == 0) {
    if(!(secret = cli_secret_read("settings", from)))
      return CLI_FAIL;
    value = secret;
  }
  if(pending)
    rc = hs_setting_stage_pending(c->h, argv[2], argv[3], argv[4], value,
                                  err, sizeof(err));
  else
    rc = hs_company_setting_set(c->h, argv[2], argv[3], argv[4], value, err,
                                sizeof(err));
  cli_secret_free(secret);
  if(rc)
    return cli_fail("settings", "%s", err);
  if(pending)
    return cli_settings_rotate(c, argv[2], argv[3], argv[4]);
  printf("%s set for %s/%s\n", argv[4], argv[2], argv[3]);
  return CLI_OK;
}

int
cli_cmd_settings(struct cli *c, int argc, char **argv)
{
  int rc, en = 0;

  if(argc < 4)
    return cli_usage("settings");
  if(cli_company(c, "settings", argv[2]) ||
     cli_plugin(c, "settings", argv[3]))
    return CLI_FAIL;
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
  if(strcmp(argv[1], "set") == 0)
    return cli_settings_set(c, argc, argv);
  if(argc == 5 && strcmp(argv[1], "unset") == 0) {
    rc = hs_company_setting_unset(c->h, argv[2], argv[3], argv[4]);
    if(rc)
      return cli_fail("settings", "cannot unset %s: %s", argv[4],
                      hs_rc_name(rc));
    return CLI_OK;
  }
  return cli_usage("settings");
}

struct cli_list {
  const char *plugin;      /* --enabled: the channel listed for */
  struct json_object *arr; /* --json */
};

static int
cli_product_cb(void *ud, const struct bmc_product *p)
{
  struct cli_list *l = ud;

  if(l->plugin)
    printf("%-14s ", l->plugin);
  printf("%-20s %6lld %10s %s\n", p->sku, (long long)p->available_qty,
         p->site_price ? p->site_price : "-", p->title ? p->title : "");
  return 0;
}

/* Generic data; with --enabled the channel and its values of the product
 * ("key" or "key@market"). */
static int
cli_product_json_cb(void *ud, const struct bmc_product *p)
{
  struct cli_list *l = ud;
  struct json_object *o = json_object_new_object(), *pr;
  char k[160];
  size_t i;

  if(!o)
    return BMC_ERR_NOMEM;
  cli_json_str(o, "sku", p->sku);
  cli_json_str(o, "title", p->title);
  cli_json_str(o, "ean", p->ean);
  cli_json_str(o, "site_price", p->site_price);
  cli_json_int(o, "available_qty", p->available_qty);
  if(l->plugin) {
    cli_json_str(o, "plugin", l->plugin);
    if(!(pr = json_object_new_object())) {
      json_object_put(o);
      return BMC_ERR_NOMEM;
    }
    for(i = 0; i < p->n_props; i++) {
      snprintf(k, sizeof(k), "%s%s%s", p->props[i].key,
               p->props[i].market[0] ? "@" : "", p->props[i].market);
      cli_json_str(pr, k, p->props[i].value);
    }
    json_object_object_add(o, "properties", pr);
  }
  json_object_array_add(l->arr, o);
  return 0;
}

/* --enabled: the products each channel enabled for the company offers
 * (its listing property), channel by channel. */
static int
cli_products_listed(struct cli *c, const char *company, struct cli_list *l)
{
  struct hs_plugin_info pi;
  size_t i;
  int rc = BMC_OK, en;

  for(i = 0; !rc && hs_plugin_get(c->h, i, &pi) == BMC_OK; i++) {
    if(hs_company_plugin_enabled(c->h, company, pi.name, &en) || !en)
      continue;
    l->plugin = pi.name;
    rc = hs_products_each_for(c->h, company, pi.name, 1,
                              l->arr ? cli_product_json_cb : cli_product_cb,
                              l);
  }
  return rc;
}

static void
cli_row_err(void *ud, int64_t line, const char *msg)
{
  fprintf(stderr, "%s:%lld: %s\n", (const char *)ud, (long long)line, msg);
}

static int
cli_products_list(struct cli *c, int argc, char **argv)
{
  static const struct option lo[] = {{"enabled", no_argument, NULL, 0},
                                     {"json", no_argument, NULL, 0},
                                     {NULL, 0, NULL, 0}};
  struct cli_list l = {NULL, NULL};
  int flags = 0, first, rc;

  first = cli_getopt("products", argc - 1, argv + 1, lo, cli_opt_flags,
                     &flags);
  if(first < 0)
    return -first;
  if(first + 1 != argc - 1)
    return cli_usage("products");
  argv += first + 1;
  if(cli_company(c, "products", argv[0]))
    return CLI_FAIL;
  if((flags & 2) && !(l.arr = json_object_new_array()))
    return cli_fail("products", "out of memory");
  if(!l.arr)
    printf("%s%-20s %6s %10s %s\n", flags & 1 ? "CHANNEL        " : "",
           "SKU", "QTY", "SITE PRICE", "TITLE");
  if(flags & 1)
    rc = cli_products_listed(c, argv[0], &l);
  else
    rc = hs_products_each(c->h, argv[0], 0, l.arr ? cli_product_json_cb
                                                  : cli_product_cb, &l);
  if(rc) {
    json_object_put(l.arr);
    return cli_fail("products", "company '%s': %s", argv[0],
                    cli_rc_text(c, rc));
  }
  return l.arr ? cli_json_print(l.arr) : CLI_OK;
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
  if(argc >= 2 && strcmp(argv[1], "list") == 0)
    return cli_products_list(c, argc, argv);
  if(argc == 4 && strcmp(argv[1], "import") == 0) {
    if(cli_company(c, "products", argv[2]))
      return CLI_FAIL;
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
  int64_t q;
  int rc;

  if(argc != 5 || strcmp(argv[1], "set") != 0)
    return cli_usage("stock");
  if(cli_company(c, "stock", argv[2]) ||
     cli_num("stock", "quantity", argv[4], HS_QTY_MIN, HS_QTY_MAX, &q))
    return CLI_FAIL;
  rc = hs_stock_set(c->h, argv[2], argv[3], q);
  if(rc == BMC_ERR_NOT_FOUND)
    return cli_fail("stock", "no product '%s' in company '%s'", argv[3],
                    argv[2]);
  if(rc)
    return cli_fail("stock", "%s", cli_rc_text(c, rc));
  printf("%s available qty = %lld\n", argv[3], (long long)q);
  return CLI_OK;
}

int
cli_cmd_feed_reset(struct cli *c, int argc, char **argv)
{
  int rc;

  if(argc > 2)
    return cli_usage("feed-reset");
  if(argc == 2 && cli_company(c, "feed-reset", argv[1]))
    return CLI_FAIL;
  rc = hs_feed_reset(c->h, argc == 2 ? argv[1] : NULL);
  if(rc)
    return cli_fail("feed-reset", "%s", cli_rc_text(c, rc));
  printf("change feed of %s renamed: each channel's next inventory and "
         "price cycle reads the whole catalog\n",
         argc == 2 ? argv[1] : "every company");
  return CLI_OK;
}
