/*
 * docgen.c -- bmc-docgen: prints the configuration reference (Markdown) of
 * every plugin in a plugin directory, straight from each plugin's settings
 * schema, action table and product property declarations, through the
 * real loader.  The README's configuration section is this output; a
 * ctest checks they agree.
 */
#include <stdio.h>
#include <string.h>

#include "hs_loader.h"

static const char *
docgen_type_name(enum bmc_setting_type t)
{
  switch(t) {
  case BMC_SET_BOOL: return "bool";
  case BMC_SET_INT: return "int";
  case BMC_SET_STRING: return "string";
  case BMC_SET_DECIMAL: return "decimal";
  case BMC_SET_ENUM: return "enum";
  }
  return "?";
}

static const char *
docgen_type(const struct bmc_setting *s)
{
  return docgen_type_name(s->type);
}

/* Markdown-safe cell: '|' would split the cell. */
static void
docgen_cell(const char *s)
{
  for(; s && *s; s++) {
    if(*s == '|')
      fputs("\\|", stdout);
    else
      putchar(*s);
  }
}

/* A '|' list as "a, b, c" (Markdown-safe). */
static void
docgen_list(const char *s)
{
  for(; s && *s; s++) {
    if(*s == '|')
      fputs(", ", stdout);
    else
      putchar(*s);
  }
}

/* The BMC_PROP_* flags as words, ", " separated. */
static void
docgen_flags(uint32_t flags)
{
  static const struct {
    uint32_t bit;
    const char *word;
  } f[] = {
    {BMC_PROP_PER_MARKET, "per market"},
    {BMC_PROP_REQUIRED_TO_POST, "required to post"},
    {BMC_PROP_PLUGIN_OWNED, "plugin-owned"},
    {BMC_PROP_SKU_ALIAS, "SKU alias"},
    {BMC_PROP_LISTS, "channel switch"},
    {BMC_PROP_READY, "Ready To Post verdict"},
    {BMC_PROP_READY_REASONS, "Ready To Post reasons"},
    {BMC_PROP_MULTILINE, "tabs and line breaks allowed"},
  };
  size_t i;
  int n = 0;

  for(i = 0; i < sizeof(f) / sizeof(f[0]); i++)
    if(flags & f[i].bit)
      printf("%s%s", n++ ? ", " : "", f[i].word);
}

/* The product properties: key, Bulk Update column (and aliases), type,
 * range, flags, product page place and help; then the per-market column
 * convention with an example from the declarations. */
static void
docgen_properties(const struct bmc_plugin_api *api)
{
  const struct bmc_property *pm = NULL;
  const char *c, *bar;
  size_t i, n;

  if(!api->n_properties)
    return;
  printf("| Product property | Bulk Update column | Type | Range / values "
         "| Flags | Product page | What it is |\n"
         "|---|---|---|---|---|---|---|\n");
  for(i = 0; i < api->n_properties; i++) {
    const struct bmc_property *p = &api->properties[i];

    if(!pm && p->column && (p->flags & BMC_PROP_PER_MARKET))
      pm = p;
    printf("| `%s` | ", p->key);
    if(!p->column)
      fputs("- (written by the plugin)", stdout);
    for(c = p->column; c && *c; c = bar ? bar + 1 : NULL) {
      bar = strchr(c, '|');
      n = bar ? (size_t)(bar - c) : strlen(c);
      printf(c == p->column ? "`%.*s`" : ", `%.*s`", (int)n, c);
    }
    printf(" | %s | ", docgen_type_name(p->type));
    if(p->type == BMC_SET_ENUM)
      docgen_cell(p->enum_values);
    else if(p->type == BMC_SET_INT || p->type == BMC_SET_DECIMAL)
      printf("%lld..%lld", (long long)p->min, (long long)p->max);
    else if(p->type == BMC_SET_STRING && p->max > 0)
      printf("max %lld chars", (long long)p->max);
    if(p->decimals)
      printf(", at most %d decimals", p->decimals);
    printf(" | ");
    docgen_flags(p->flags);
    printf(" | %s: %s | ", p->panel, p->label);
    if(p->default_value)
      printf("default `%s`; ", p->default_value);
    docgen_cell(p->help);
    printf(" |\n");
  }
  if(!api->markets || !*api->markets)
    return;
  printf("\nA per-market property takes one value per market in the column "
         "`<Column>_<market>`; markets: ");
  docgen_list(api->markets);
  bar = strchr(api->markets, '|');
  if(pm) {
    n = strcspn(pm->column, "|");
    printf(" (e.g. `%.*s_%.*s`)", (int)n, pm->column,
           (int)(bar ? (size_t)(bar - api->markets) : strlen(api->markets)),
           api->markets);
  }
  printf(".\n\n");
}

static void
docgen_plugin(const struct bmc_plugin_api *api)
{
  size_t i;

  printf("### %s (`%s`, version %s)\n\n", api->display_name, api->name,
         api->version);
  printf("| Setting | Type | Default | Range / values | Flags | What it does "
         "|\n|---|---|---|---|---|---|\n");
  for(i = 0; i < api->n_settings; i++) {
    const struct bmc_setting *s = &api->settings[i];

    printf("| `%s` | %s | ", s->key, docgen_type(s));
    if(s->default_value && *s->default_value) {
      putchar('`');
      docgen_cell(s->default_value);
      putchar('`');
    }
    fputs(" | ", stdout);
    if(s->type == BMC_SET_ENUM)
      docgen_cell(s->enum_values);
    else if(s->type == BMC_SET_INT || s->type == BMC_SET_DECIMAL)
      printf("%lld..%lld", (long long)s->min, (long long)s->max);
    else if(s->type == BMC_SET_STRING && s->max > 0)
      printf("max %lld chars", (long long)s->max);
    printf(" | %s%s | ", (s->flags & BMC_SETTING_REQUIRED) ? "required " : "",
           (s->flags & BMC_SETTING_SECRET) ? "secret" : "");
    docgen_cell(s->help);
    printf(" |\n");
  }
  printf("\n| Action | Name | Every | By hand | Switched on by |\n"
         "|---|---|---|---|---|\n");
  for(i = 0; i < api->n_actions; i++) {
    const struct bmc_action *a = &api->actions[i];
    char every[32] = "-";

    if((a->flags & BMC_ACTION_SCHEDULED) && a->default_interval_s) {
      if(a->default_interval_s % 3600 == 0)
        snprintf(every, sizeof(every), "%u h", a->default_interval_s / 3600);
      else if(a->default_interval_s % 60 == 0)
        snprintf(every, sizeof(every), "%u min", a->default_interval_s / 60);
      else
        snprintf(every, sizeof(every), "%u s", a->default_interval_s);
    }
    printf("| `%s` | %s | %s | %s%s | %s%s%s |\n", a->id, a->display_name,
           every, (a->flags & BMC_ACTION_MANUAL) ? "yes" : "no",
           (a->flags & BMC_ACTION_SKUS) ? ", on selected products" : "",
           a->enabled_by ? "`" : "", a->enabled_by ? a->enabled_by : "-",
           a->enabled_by ? "`" : "");
  }
  printf("\n");
  docgen_properties(api);
}

int
main(int argc, char **argv)
{
  struct hs_plugin **plugins = NULL;
  size_t n = 0, i, k;
  char err[1024];
  int rc = 0;

  if(argc < 3) {
    fprintf(stderr, "usage: bmc-docgen PLUGIN_DIR PLUGIN_NAME...\n"
                    "  prints the Markdown configuration reference of the "
                    "named plugins, in that order\n");
    return 2;
  }
  if(hs_plugins_open_dir(argv[1], &plugins, &n, err, sizeof(err))) {
    fprintf(stderr, "bmc-docgen: %s\n", err);
    return 1;
  }
  for(k = 2; k < (size_t)argc; k++) {
    for(i = 0; i < n; i++)
      if(!strcmp(plugins[i]->api->name, argv[k]))
        break;
    if(i == n) {
      fprintf(stderr, "bmc-docgen: no plugin named '%s' in %s\n", argv[k],
              argv[1]);
      rc = 1;
      continue;
    }
    docgen_plugin(plugins[i]->api);
  }
  hs_plugins_free(plugins, n);
  return rc;
}
