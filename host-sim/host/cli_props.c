/*
 * cli_props.c -- host-sim commands for product properties and selections:
 * `products show` (generic data and every declared property by panel and
 * market, Ready To Post with its reasons), `products set` (one property
 * as a user), `products export` (Bulk Update CSV), `run ... --sku X
 * --skus-from FILE` (an action on selected products), `retry JOB` (only
 * the failed items of a job) and `inventory-calc` (the company's Custom
 * Inventory Calculation).
 */
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
};

static int
cli_show_prop_cb(void *ud, const struct hs_prop_view *v)
{
  struct cli_show *s = ud;
  const struct bmc_property *p = v->decl;

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

static int
cli_products_show(struct cli *c, int argc, char **argv)
{
  struct cli_show s = {NULL, NULL};
  int rc;

  if(argc != 4 && argc != 5)
    return cli_usage("products");
  rc = hs_product_get(c->h, argv[2], argv[3], cli_show_product_cb, NULL);
  if(rc == BMC_ERR_NOT_FOUND)
    return cli_fail("products", "no product '%s' in company '%s'", argv[3],
                    argv[2]);
  if(rc)
    return cli_fail("products", "%s", hs_rc_name(rc));
  if(argc == 5)
    rc = hs_product_props_each(c->h, argv[2], argv[4], argv[3],
                               cli_show_prop_cb, &s);
  else {
    struct hs_plugin_info pi;
    size_t i;
    int en;

    /* the channels the company has enabled */
    for(i = 0; !rc && hs_plugin_get(c->h, i, &pi) == BMC_OK; i++)
      if(pi.api->n_properties &&
         !hs_company_plugin_enabled(c->h, argv[2], pi.name, &en) && en)
        rc = hs_product_props_each(c->h, argv[2], pi.name, argv[3],
                                   cli_show_prop_cb, &s);
  }
  if(rc)
    return cli_fail("products", "properties of %s: %s", argv[3],
                    rc == BMC_ERR_NOT_FOUND ? "plugin not loaded"
                                            : hs_rc_name(rc));
  return CLI_OK;
}

/* ---- products set / export ---- */

static int
cli_products_set(struct cli *c, int argc, char **argv)
{
  char key[128], err[1024], *at;

  if(argc != 7)
    return cli_usage("products");
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

/* ---- run on a selection, retry ---- */

struct cli_items {
  char **v;
  size_t n, cap;
};

static int
cli_items_add(struct cli_items *it, const char *s, size_t len)
{
  char **nv;

  if(it->n == it->cap) {
    it->cap = it->cap ? it->cap * 2 : 16;
    nv = realloc(it->v, it->cap * sizeof(*nv));
    if(!nv)
      return -1;
    it->v = nv;
  }
  it->v[it->n] = malloc(len + 1);
  if(!it->v[it->n])
    return -1;
  memcpy(it->v[it->n], s, len);
  it->v[it->n][len] = '\0';
  it->n++;
  return 0;
}

static void
cli_items_free(struct cli_items *it)
{
  size_t i;

  for(i = 0; i < it->n; i++)
    free(it->v[i]);
  free(it->v);
}

/* One SKU per line; blank lines and lines starting with '#' skipped. */
static int
cli_items_file(struct cli_items *it, const char *path)
{
  char line[1024];
  size_t n;
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
  if(!it->n)
    return cli_fail("run", "%s: no SKU in the file", path);
  return CLI_OK;
}

static int
cli_job_outcome(struct cli *c, int64_t id, int st)
{
  printf("job %lld: %s\n", (long long)id, hs_job_status_name(st));
  cli_print_job_log(c, id);
  return st == HS_JOB_COMPLETED ? CLI_OK : CLI_FAIL;
}

int
cli_run_selection(struct cli *c, int argc, char **argv)
{
  struct cli_items it = {NULL, 0, 0};
  char err[1024];
  int64_t id = 0;
  int i, st = 0, rc = CLI_OK;

  if(argc < 4)
    return cli_usage("run");
  for(i = 4; rc == CLI_OK && i < argc; i++) {
    if(!strcmp(argv[i], "--sku") && i + 1 < argc)
      rc = cli_items_add(&it, argv[i + 1], strlen(argv[i + 1]))
               ? cli_fail("run", "out of memory") : CLI_OK;
    else if(!strcmp(argv[i], "--skus-from") && i + 1 < argc)
      rc = cli_items_file(&it, argv[i + 1]);
    else
      rc = cli_usage("run");
    i++;
  }
  if(rc == CLI_OK &&
     hs_run_action_items(c->h, argv[1], argv[2], argv[3],
                         (const char *const *)it.v, it.n, &id, &st, err,
                         sizeof(err)))
    rc = cli_fail("run", "%s", err);
  else if(rc == CLI_OK)
    rc = cli_job_outcome(c, id, st);
  cli_items_free(&it);
  return rc;
}

int
cli_cmd_retry(struct cli *c, int argc, char **argv)
{
  char err[1024], *end;
  long long job;
  int64_t id = 0;
  int st = 0;

  if(argc != 2)
    return cli_usage("retry");
  job = strtoll(argv[1], &end, 10);
  if(end == argv[1] || *end)
    return cli_fail("retry", "'%s' is not a job id", argv[1]);
  if(hs_job_retry(c->h, job, &id, &st, err, sizeof(err)))
    return cli_fail("retry", "%s", err);
  return cli_job_outcome(c, id, st);
}

/* ---- inventory-calc ---- */

int
cli_cmd_invcalc(struct cli *c, int argc, char **argv)
{
  char buf[1024], err[1024];
  int rc;

  if(argc == 2) {
    rc = hs_company_invcalc_get(c->h, argv[1], buf, sizeof(buf));
    if(rc == BMC_ERR_NOT_FOUND && hs_company_find(c->h, argv[1], NULL))
      return cli_fail("inventory-calc", "company '%s' does not exist",
                      argv[1]);
    printf("%s: %s\n", argv[1], rc ? "none (plugins use the available "
                                     "quantity)" : buf);
    return CLI_OK;
  }
  if(argc != 3)
    return cli_usage("inventory-calc");
  if(hs_company_invcalc_set(c->h, argv[1], argv[2], err, sizeof(err)))
    return cli_fail("inventory-calc", "%s", err);
  printf("%s: inventory calculation %s\n", argv[1],
         strcmp(argv[2], "none") && argv[2][0] ? argv[2] : "removed");
  return CLI_OK;
}
