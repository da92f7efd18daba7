/*
 * cli_props.c -- host-sim commands for product properties and selections:
 * `products show` (generic data and every declared property by panel and
 * market, Ready To Post with its reasons), `products set` (one property
 * as a user), `products export` (Bulk Update CSV), the selection of `run
 * ... --sku X --skus-from FILE` (an action on selected products), `retry
 * JOB` (only the failed items of a job) and `inventory-calc` (the
 * company's Custom Inventory Calculation).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* ---- products show ---- */

static void
cli_show_int(const char *label, int v)
{
  if(v < 0)
    printf("  %-30s -\n", label);
  else
    printf("  %-30s %d\n", label, v);
}

static int
cli_show_product_cb(void *ud, const struct bmc_product *p)
{
  (void)ud;
  printf("Product %s\n", p->sku);
#define CLI_SHOW(label, v) printf("  %-30s %s\n", label, (v) ? (v) : "-")
  CLI_SHOW("Title", p->title);
  CLI_SHOW("Description", p->description);
  CLI_SHOW("EAN", p->ean);
  CLI_SHOW("Weight (lbs)", p->weight_lbs);
  CLI_SHOW("Image", p->image_url);
  CLI_SHOW("Site price", p->site_price);
  printf("  %-30s %lld\n", "Available qty", (long long)p->available_qty);
  CLI_SHOW("Device type", p->device_type);
  CLI_SHOW("CPU", p->cpu);
  CLI_SHOW("Storage type", p->storage_type);
#undef CLI_SHOW
  cli_show_int("Storage (GB)", p->storage_gb);
  cli_show_int("RAM (GB)", p->ram_gb);
  cli_show_int("Release year", p->release_year);
  return 0;
}

struct cli_show {
  const struct bmc_plugin_api *api;
  const char *panel;
  struct json_object *arr; /* --json: one object per value */
};

static int
cli_show_prop_json(struct cli_show *s, const struct hs_prop_view *v)
{
  const struct bmc_property *p = v->decl;
  struct json_object *o = json_object_new_object();

  if(!o)
    return BMC_ERR_NOMEM;
  cli_json_str(o, "plugin", v->api->name);
  cli_json_str(o, "panel", p->panel);
  cli_json_str(o, "key", p->key);
  cli_json_str(o, "label", p->label);
  cli_json_str(o, "column", p->column);
  cli_json_str(o, "market", v->market);
  cli_json_str(o, "value", v->value);
  json_object_object_add(o, "set", json_object_new_boolean(v->is_set));
  json_object_object_add(o, "required_to_post", json_object_new_boolean(
                             (p->flags & BMC_PROP_REQUIRED_TO_POST) != 0));
  json_object_object_add(o, "plugin_owned", json_object_new_boolean(
                             (p->flags & BMC_PROP_PLUGIN_OWNED) != 0));
  json_object_array_add(s->arr, o);
  return 0;
}

static int
cli_show_prop_cb(void *ud, const struct hs_prop_view *v)
{
  struct cli_show *s = ud;
  const struct bmc_property *p = v->decl;

  if(s->arr)
    return cli_show_prop_json(s, v);
  if(s->api != v->api) {
    s->api = v->api;
    s->panel = NULL;
    printf("%s (%s)\n", v->api->display_name ? v->api->display_name
                                             : v->api->name, v->api->name);
  }
  if(!s->panel || strcmp(s->panel, p->panel)) {
    s->panel = p->panel;
    printf(" %s\n", p->panel);
  }
  if(v->market[0]) {
    printf("    %-28s %s\n", v->market, v->value);
    return 0;
  }
  printf("  %-30s %s%s%s%s\n", p->label, v->value ? v->value : "-",
         v->is_set || !v->value ? "" : " (default)",
         (p->flags & BMC_PROP_REQUIRED_TO_POST) ? "  [required to post]" : "",
         (p->flags & BMC_PROP_PLUGIN_OWNED) ? "  [set by the plugin]" : "");
  return 0;
}

/* The generic data as JSON (the "product" member of --json). */
static int
cli_show_product_json(void *ud, const struct bmc_product *p)
{
  struct json_object *o = json_object_new_object();

  if(!o)
    return BMC_ERR_NOMEM;
  cli_json_str(o, "sku", p->sku);
  cli_json_str(o, "title", p->title);
  cli_json_str(o, "description", p->description);
  cli_json_str(o, "ean", p->ean);
  cli_json_str(o, "weight_lbs", p->weight_lbs);
  cli_json_str(o, "image_url", p->image_url);
  cli_json_str(o, "site_price", p->site_price);
  cli_json_int(o, "available_qty", p->available_qty);
  cli_json_str(o, "device_type", p->device_type);
  cli_json_str(o, "cpu", p->cpu);
  cli_json_str(o, "storage_type", p->storage_type);
  cli_json_int(o, "storage_gb", p->storage_gb);
  cli_json_int(o, "ram_gb", p->ram_gb);
  cli_json_int(o, "release_year", p->release_year);
  json_object_object_add(ud, "product", o);
  return 0;
}

/* products show C SKU [PLUGIN] [--json] */
static int
cli_products_show(struct cli *c, int argc, char **argv)
{
  static const struct option lo[] = {{"json", no_argument, NULL, 0},
                                     {NULL, 0, NULL, 0}};
  struct cli_show s = {NULL, NULL, NULL};
  struct json_object *doc = NULL;
  const char *company, *sku, *plugin;
  int flags = 0, first, rc;

  first = cli_getopt("products", argc - 1, argv + 1, lo, cli_opt_flags,
                     &flags);
  if(first < 0)
    return -first;
  argv += first + 1;
  argc -= first + 1;
  if(argc != 2 && argc != 3)
    return cli_usage("products");
  company = argv[0];
  sku = argv[1];
  plugin = argc == 3 ? argv[2] : NULL;
  if(cli_company(c, "products", company) ||
     (plugin && cli_plugin(c, "products", plugin)))
    return CLI_FAIL;
  if(flags && (!(doc = json_object_new_object()) ||
               !(s.arr = json_object_new_array()))) {
    json_object_put(doc);
    return cli_fail("products", "out of memory");
  }
  if(doc)
    json_object_object_add(doc, "properties", s.arr);
  rc = hs_product_get(c->h, company, sku, doc ? cli_show_product_json
                                              : cli_show_product_cb, doc);
  if(rc) {
    json_object_put(doc);
    if(rc == BMC_ERR_NOT_FOUND)
      return cli_fail("products", "no product '%s' in company '%s'", sku,
                      company);
    return cli_fail("products", "%s", cli_rc_text(c, rc));
  }
  if(plugin)
    rc = hs_product_props_each(c->h, company, plugin, sku, cli_show_prop_cb,
                               &s);
  else {
    struct hs_plugin_info pi;
    size_t i;
    int en;

    /* the channels the company has enabled */
    for(i = 0; !rc && hs_plugin_get(c->h, i, &pi) == BMC_OK; i++)
      if(pi.api->n_properties &&
         !hs_company_plugin_enabled(c->h, company, pi.name, &en) && en)
        rc = hs_product_props_each(c->h, company, pi.name, sku,
                                   cli_show_prop_cb, &s);
  }
  if(rc) {
    json_object_put(doc);
    return cli_fail("products", "properties of %s: %s", sku,
                    cli_rc_text(c, rc));
  }
  return doc ? cli_json_print(doc) : CLI_OK;
}

/* ---- products set / export ---- */

static int
cli_products_set(struct cli *c, int argc, char **argv)
{
  char key[128], err[1024], *at;

  if(argc != 7)
    return cli_usage("products");
  if(cli_company(c, "products", argv[2]) ||
     cli_plugin(c, "products", argv[4]))
    return CLI_FAIL;
  snprintf(key, sizeof(key), "%s", argv[5]);
  at = strchr(key, '@');
  if(at)
    *at++ = '\0';
  if(hs_product_prop_set(c->h, argv[2], argv[4], argv[3], key, at, argv[6],
                         err, sizeof(err)))
    return cli_fail("products", "%s", err);
  printf("%s %s%s%s = %s\n", argv[3], key, at ? " for " : "", at ? at : "",
         argv[6][0] ? argv[6] : "(cleared)");
  return CLI_OK;
}

static int
cli_products_export(struct cli *c, int argc, char **argv)
{
  char err[1024];
  int64_t n = 0;

  if(argc != 4)
    return cli_usage("products");
  if(cli_company(c, "products", argv[2]))
    return CLI_FAIL;
  if(hs_products_export_csv(c->h, argv[2], argv[3], &n, err, sizeof(err)))
    return cli_fail("products", "%s", err);
  printf("%s: %lld products exported\n", argv[3], (long long)n);
  return CLI_OK;
}

int
cli_props_products(struct cli *c, int argc, char **argv)
{
  if(!strcmp(argv[1], "show"))
    return cli_products_show(c, argc, argv);
  if(!strcmp(argv[1], "set"))
    return cli_products_set(c, argc, argv);
  if(!strcmp(argv[1], "export"))
    return cli_products_export(c, argc, argv);
  return cli_usage("products");
}

/* ---- the selection of run, retry ---- */

static int
cli_items_add(struct cli_items *it, const char *s, size_t len)
{
  char **nv;

  if(it->n == it->cap) {
    size_t ncap = it->cap ? it->cap * 2 : 16;

    nv = realloc(it->v, ncap * sizeof(*nv));
    if(!nv)
      return -1;
    it->v = nv;
    it->cap = ncap;
  }
  it->v[it->n] = malloc(len + 1);
  if(!it->v[it->n])
    return -1;
  memcpy(it->v[it->n], s, len);
  it->v[it->n][len] = '\0';
  it->n++;
  return 0;
}

void
cli_items_free(struct cli_items *it)
{
  size_t i;

  for(i = 0; i < it->n; i++)
    free(it->v[i]);
  free(it->v);
  memset(it, 0, sizeof(*it));
}

/* One SKU per line; blank lines and lines starting with '#' skipped. */
static int
cli_items_file(struct cli_items *it, const char *path)
{
  char line[1024];
  size_t n, before = it->n;
  long no = 0;
  FILE *f = fopen(path, "r");

  if(!f)
    return cli_fail("run", "%s: cannot open", path);
  while(fgets(line, sizeof(line), f)) {
    no++;
    n = strlen(line);
    if(n && line[n - 1] != '\n' && !feof(f)) {
      fclose(f);
      return cli_fail("run", "%s:%ld: line longer than %zu bytes", path, no,
                      sizeof(line) - 2);
    }
    while(n && (line[n - 1] == '\n' || line[n - 1] == '\r' ||
                line[n - 1] == ' ' || line[n - 1] == '\t'))
      line[--n] = '\0';
    if(!n || line[0] == '#')
      continue;
    if(cli_items_add(it, line, n)) {
      fclose(f);
      return cli_fail("run", "out of memory");
    }
  }
  fclose(f);
  if(it->n == before)
    return cli_fail("run", "%s: no SKU in the file", path);
  return CLI_OK;
}

int
cli_items_opt(void *ud, int idx, const char *arg)
{
  struct cli_items *it = ud;

  if(idx == 1)
    return cli_items_file(it, arg);
  if(!arg[0])
    return cli_fail("run", "--sku: empty SKU");
  return cli_items_add(it, arg, strlen(arg)) ? cli_fail("run",
                                                         "out of memory")
                                             : CLI_OK;
}

int
cli_cmd_retry(struct cli *c, int argc, char **argv)
{
  char err[1024], label[64];
  int64_t job, id = 0;
  int st = 0, rc;

  if(argc != 2)
    return cli_usage("retry");
  if(cli_num("retry", "job id", argv[1], 1, INT64_MAX, &job))
    return CLI_FAIL;
  snprintf(label, sizeof(label), "retry of job %lld", (long long)job);
  cli_progress_attach(c, label);
  rc = hs_job_retry(c->h, job, &id, &st, err, sizeof(err));
  cli_progress_end();
  if(rc)
    return cli_fail("retry", "%s", err);
  return cli_job_outcome(c, id, st);
}

/* ---- inventory-calc ---- */

int
cli_cmd_invcalc(struct cli *c, int argc, char **argv)
{
  char buf[1024], err[1024];
  int rc;

  if(argc != 2 && argc != 3)
    return cli_usage("inventory-calc");
  if(cli_company(c, "inventory-calc", argv[1]))
    return CLI_FAIL;
  if(argc == 2) {
    rc = hs_company_invcalc_get(c->h, argv[1], buf, sizeof(buf));
    printf("%s: %s\n", argv[1], rc ? "none (plugins use the available "
                                     "quantity)" : buf);
    return CLI_OK;
  }
  if(hs_company_invcalc_set(c->h, argv[1], argv[2], err, sizeof(err)))
    return cli_fail("inventory-calc", "%s", err);
  printf("%s: inventory calculation %s\n", argv[1],
         strcmp(argv[2], "none") && argv[2][0] ? argv[2] : "removed");
  return CLI_OK;
}
