/*
 * hs_prop_check.c -- product property declarations of a plugin (pure, no
 * I/O): the loader's checks of the property table and the market list,
 * lookup by key, one value against its declaration (type, range,
 * enum and decimal form through the settings check in hs_setting_check.c,
 * the one typed-value validator, plus the declared number of decimals),
 * the declared market list, and Bulk Update column names ("Column",
 * "Column|Alias", "Column_<market>" for a market's value).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "hs_config.h"
#include "hs_loader.h"

#define HS_PROP_FLAGS                                                       \
  (BMC_PROP_PER_MARKET | BMC_PROP_REQUIRED_TO_POST | BMC_PROP_PLUGIN_OWNED | \
   BMC_PROP_SKU_ALIAS | BMC_PROP_LISTS | BMC_PROP_READY |                   \
   BMC_PROP_READY_REASONS | BMC_PROP_MULTILINE)

/* Flags a plugin may give one property of its table only. */
enum { HS_ONE_LISTS, HS_ONE_READY, HS_ONE_REASONS, HS_N_ONE };

const struct bmc_property *
hs_property_find(const struct bmc_plugin_api *api, const char *key)
{
  size_t i;

  if(!api || !key || !api->properties)
    return NULL;
  for(i = 0; i < api->n_properties; i++)
    if(api->properties[i].key && !strcmp(api->properties[i].key, key))
      return &api->properties[i];
  return NULL;
}

const struct bmc_property *
hs_property_flagged(const struct bmc_plugin_api *api, uint32_t flag)
{
  size_t i;

  for(i = 0; api && api->properties && i < api->n_properties; i++)
    if(api->properties[i].flags & flag)
      return &api->properties[i];
  return NULL;
}

/* Fraction digits of a decimal text ("12.50" -> 2). */
static int
hs_prop_fraction_digits(const char *v)
{
  const char *dot = strchr(v, '.');

  return dot ? (int)strlen(dot + 1) : 0;
}

int
hs_property_validate(const struct bmc_property *p, const char *shown,
                     const char *value, char *err, size_t errlen)
{
  struct bmc_setting s;
  int rc;

  if(!p || !p->key || !value) {
    hs_cfg_errf(err, errlen, "hs_property_validate: missing argument");
    return BMC_ERR_INVALID_ARG;
  }
  if(p->type == BMC_SET_STRING && (p->flags & BMC_PROP_MULTILINE)) {
    size_t i, len = strlen(value);

    for(i = 0; i < len; i++)
      if(((unsigned char)value[i] < 0x20 && value[i] != '\t' &&
          value[i] != '\n' && value[i] != '\r') ||
         (unsigned char)value[i] == 0x7f) {
        hs_cfg_errf(err, errlen, "%s: contains a control character (byte "
                    "0x%02x at offset %zu): only tabs and line breaks are "
                    "allowed in this text", shown ? shown : p->key,
                    (unsigned)(unsigned char)value[i], i);
        return BMC_ERR_CONFIG;
      }
    if(p->max > 0 && (int64_t)len > p->max) {
      hs_cfg_errf(err, errlen, "%s: too long: expected at most %" PRId64
                  " characters, found %zu", shown ? shown : p->key, p->max,
                  len);
      return BMC_ERR_CONFIG;
    }
    return BMC_OK;
  }
  memset(&s, 0, sizeof(s));
  s.key = shown ? shown : p->key;
  s.type = p->type;
  s.default_value = p->default_value;
  s.min = p->min;
  s.max = p->max;
  s.enum_values = p->enum_values;
  s.help = p->help;
  rc = hs_setting_validate(&s, value, err, errlen);
  if(rc)
    return rc;
  if(p->type == BMC_SET_DECIMAL && p->decimals > 0 &&
     hs_prop_fraction_digits(value) > p->decimals) {
    hs_cfg_errf(err, errlen, "%s: expected at most %d decimals, found "
                "'%.40s'", s.key, p->decimals, value);
    return BMC_ERR_CONFIG;
  }
  return BMC_OK;
}

/* The '|' item of list equal to s (case-insensitive when nocase): its
 * start, or NULL.  *len gets its length. */
static const char *
hs_prop_list_item(const char *list, const char *s, size_t slen, int nocase,
                  size_t *len)
{
  const char *p = list, *bar;
  size_t n;

  while(p && *p) {
    bar = strchr(p, '|');
    n = bar ? (size_t)(bar - p) : strlen(p);
    if(n == slen && (nocase ? !strncasecmp(p, s, n) : !strncmp(p, s, n))) {
      if(len)
        *len = n;
      return p;
    }
    p = bar ? bar + 1 : NULL;
  }
  return NULL;
}

int
hs_market_declared(const struct bmc_plugin_api *api, const char *market)
{
  if(!api || !api->markets || !market || !*market)
    return 0;
  return hs_prop_list_item(api->markets, market, strlen(market), 0, NULL) !=
         NULL;
}

void
hs_property_column(const struct bmc_property *p, char *buf, size_t len)
{
  const char *bar;
  size_t n;

  if(!len)
    return;
  buf[0] = '\0';
  if(!p || !p->column)
    return;
  bar = strchr(p->column, '|');
  n = bar ? (size_t)(bar - p->column) : strlen(p->column);
  snprintf(buf, len, "%.*s", (int)n, p->column);
}

int
hs_property_column_match(const struct bmc_plugin_api *api,
                         const struct bmc_property *p, const char *header,
                         char *market, size_t mlen)
{
  const char *col = p ? p->column : NULL, *bar, *mk;
  size_t n, hlen, mklen;

  if(!col || !header || !mlen)
    return 0;
  market[0] = '\0';
  hlen = strlen(header);
  if(hs_prop_list_item(col, header, hlen, 1, NULL))
    return 1;
  if(!(p->flags & BMC_PROP_PER_MARKET) || !api->markets)
    return 0;
  /* "<Column>_<market>" for the canonical column or an alias */
  while(col && *col) {
    bar = strchr(col, '|');
    n = bar ? (size_t)(bar - col) : strlen(col);
    if(hlen > n + 1 && !strncasecmp(header, col, n) && header[n] == '_') {
      mk = hs_prop_list_item(api->markets, header + n + 1, hlen - n - 1, 1,
                             &mklen);
      if(mk && mklen < mlen) {
        memcpy(market, mk, mklen);
        market[mklen] = '\0';
        return 1;
      }
    }
    col = bar ? bar + 1 : NULL;
  }
  return 0;
}

/* ---- the declarations of a descriptor ---- */

/* A market code is safe in a column name: [A-Za-z0-9-]+. */
static int
hs_pc_market_ok(const char *m, size_t n)
{
  size_t i;

  if(!n)
    return 0;
  for(i = 0; i < n; i++)
    if(!((m[i] >= 'a' && m[i] <= 'z') || (m[i] >= 'A' && m[i] <= 'Z') ||
         (m[i] >= '0' && m[i] <= '9') || m[i] == '-'))
      return 0;
  return 1;
}

static int
hs_pc_check_markets(const char *path, const struct bmc_plugin_api *api,
                    char *err, size_t errlen)
{
  const char *p = api->markets, *bar, *q, *qb;
  size_t n, qn;

  while(p && *p) {
    bar = strchr(p, '|');
    n = bar ? (size_t)(bar - p) : strlen(p);
    if(!hs_pc_market_ok(p, n)) {
      hs_cfg_errf(err, errlen, "%s: markets: expected '|' separated codes of "
                 "[A-Za-z0-9-]+, found '%.*s' in \"%s\"", path, (int)n, p,
                 api->markets);
      return BMC_ERR_ABI;
    }
    for(q = api->markets; q < p; q = qb + 1) {
      qb = strchr(q, '|');
      qn = (size_t)(qb - q);
      if(qn == n && !strncmp(q, p, n)) {
        hs_cfg_errf(err, errlen, "%s: markets: '%.*s' is listed twice", path,
                   (int)n, p);
        return BMC_ERR_ABI;
      }
    }
    p = bar ? bar + 1 : NULL;
  }
  return BMC_OK;
}

/* A column list: '|' separated names of [A-Za-z0-9_]+. */
static int
hs_pc_column_ok(const char *c)
{
  size_t n = 0;

  if(!c || !*c)
    return 0;
  for(; *c; c++) {
    if(*c == '|') {
      if(!n)
        return 0;
      n = 0;
      continue;
    }
    if(!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
         (*c >= '0' && *c <= '9') || *c == '_'))
      return 0;
    n++;
  }
  return n > 0;
}

/* The first column name of a that also names b (case-insensitive), or
 * NULL; *n its length. */
static const char *
hs_pc_column_clash(const char *a, const char *b, size_t *n)
{
  const char *p = a, *bar, *q, *qbar;
  size_t pn, qn;

  while(p && *p) {
    bar = strchr(p, '|');
    pn = bar ? (size_t)(bar - p) : strlen(p);
    for(q = b; q && *q; q = qbar ? qbar + 1 : NULL) {
      qbar = strchr(q, '|');
      qn = qbar ? (size_t)(qbar - q) : strlen(q);
      if(qn == pn && !strncasecmp(p, q, pn)) {
        *n = pn;
        return p;
      }
    }
    p = bar ? bar + 1 : NULL;
  }
  return NULL;
}

static int
hs_pc_check_property(const char *path, const struct bmc_plugin_api *api,
                     size_t i, int *n_one, char *err, size_t errlen)
{
  const struct bmc_property *p = &api->properties[i];
  const char *clash;
  char msg[256];
  size_t j, n;

  if(!hs_key_ok(p->key)) {
    hs_cfg_errf(err, errlen, "%s: property #%zu: expected a key of "
               "[a-z0-9_]+, found %s%s%s", path, i, p->key ? "'" : "",
               p->key ? p->key : "NULL", p->key ? "'" : "");
    return BMC_ERR_ABI;
  }
  for(j = 0; j < i; j++)
    if(!strcmp(api->properties[j].key, p->key)) {
      hs_cfg_errf(err, errlen, "%s: property '%s' is declared twice (#%zu "
                 "and #%zu)", path, p->key, j, i);
      return BMC_ERR_ABI;
    }
  if(p->type < BMC_SET_BOOL || p->type > BMC_SET_ENUM) {
    hs_cfg_errf(err, errlen, "%s: property '%s': expected a type 1..5, found "
               "%d", path, p->key, (int)p->type);
    return BMC_ERR_ABI;
  }
  if(p->flags & ~(uint32_t)HS_PROP_FLAGS) {
    hs_cfg_errf(err, errlen, "%s: property '%s': unknown flags 0x%" PRIx32
               " (expected BMC_PROP_*)", path, p->key,
               p->flags & ~(uint32_t)HS_PROP_FLAGS);
    return BMC_ERR_ABI;
  }
  if(!p->label || !*p->label || !p->panel || !*p->panel) {
    hs_cfg_errf(err, errlen, "%s: property '%s': expected a label and a "
               "panel, found %s", path, p->key,
               !p->label || !*p->label ? "no label" : "no panel");
    return BMC_ERR_ABI;
  }
  if(p->column ? !hs_pc_column_ok(p->column)
               : !(p->flags & BMC_PROP_PLUGIN_OWNED)) {
    hs_cfg_errf(err, errlen, "%s: property '%s': expected a Bulk Update "
               "column of [A-Za-z0-9_]+ ('|' before aliases), found %s%s%s",
               path, p->key, p->column ? "'" : "",
               p->column ? p->column : "NULL", p->column ? "'" : "");
    return BMC_ERR_ABI;
  }
  for(j = 0; p->column && j < i; j++) {
    if(!api->properties[j].column)
      continue;
    clash = hs_pc_column_clash(p->column, api->properties[j].column, &n);
    if(clash) {
      hs_cfg_errf(err, errlen, "%s: property '%s': column '%.*s' is already "
                 "the column of '%s'", path, p->key, (int)n, clash,
                 api->properties[j].key);
      return BMC_ERR_ABI;
    }
  }
  if(p->type == BMC_SET_ENUM && (!p->enum_values || !*p->enum_values)) {
    hs_cfg_errf(err, errlen, "%s: property '%s': ENUM property without "
               "enum_values", path, p->key);
    return BMC_ERR_ABI;
  }
  if((p->type == BMC_SET_INT || p->type == BMC_SET_STRING ||
      p->type == BMC_SET_DECIMAL) &&
     p->min > p->max && !(p->type == BMC_SET_STRING && p->max == 0)) {
    hs_cfg_errf(err, errlen, "%s: property '%s': expected min <= max, found "
               "min %" PRId64 " > max %" PRId64, path, p->key, p->min,
               p->max);
    return BMC_ERR_ABI;
  }
  if(p->decimals < 0 || (p->decimals && p->type != BMC_SET_DECIMAL)) {
    hs_cfg_errf(err, errlen, "%s: property '%s': decimals %d: expected 0, or "
               "more for a DECIMAL property", path, p->key, p->decimals);
    return BMC_ERR_ABI;
  }
  if(p->default_value &&
     hs_property_validate(p, NULL, p->default_value, msg, sizeof(msg))) {
    hs_cfg_errf(err, errlen, "%s: property default refused by its own "
               "declaration: %s", path, msg);
    return BMC_ERR_ABI;
  }
  if((p->flags & BMC_PROP_PER_MARKET) && (!api->markets || !*api->markets)) {
    hs_cfg_errf(err, errlen, "%s: property '%s' is PER_MARKET but the "
               "descriptor declares no markets", path, p->key);
    return BMC_ERR_ABI;
  }
  if((p->flags & BMC_PROP_SKU_ALIAS) &&
     (p->type != BMC_SET_STRING || (p->flags & BMC_PROP_PER_MARKET))) {
    hs_cfg_errf(err, errlen, "%s: property '%s': SKU_ALIAS must be a global "
               "STRING property", path, p->key);
    return BMC_ERR_ABI;
  }
  if(p->flags & BMC_PROP_LISTS) {
    if(p->type != BMC_SET_BOOL || ++n_one[HS_ONE_LISTS] > 1) {
      hs_cfg_errf(err, errlen, "%s: property '%s': LISTS must be a BOOL "
                 "property and there may be only one", path, p->key);
      return BMC_ERR_ABI;
    }
  }
  if(p->flags & BMC_PROP_READY) {
    if(p->type != BMC_SET_ENUM || !(p->flags & BMC_PROP_PLUGIN_OWNED) ||
       strcmp(p->enum_values, "Yes|No") || ++n_one[HS_ONE_READY] > 1) {
      hs_cfg_errf(err, errlen, "%s: property '%s': READY must be a "
                 "PLUGIN_OWNED ENUM \"Yes|No\" property and there may be "
                 "only one", path, p->key);
      return BMC_ERR_ABI;
    }
  }
  if(p->flags & BMC_PROP_READY_REASONS) {
    if(p->type != BMC_SET_STRING || !(p->flags & BMC_PROP_PLUGIN_OWNED) ||
       ++n_one[HS_ONE_REASONS] > 1) {
      hs_cfg_errf(err, errlen, "%s: property '%s': READY_REASONS must be a "
                 "PLUGIN_OWNED STRING property and there may be only one",
                 path, p->key);
      return BMC_ERR_ABI;
    }
  }
  if((p->flags & BMC_PROP_MULTILINE) && p->type != BMC_SET_STRING) {
    hs_cfg_errf(err, errlen, "%s: property '%s': MULTILINE must be a "
               "STRING property", path, p->key);
    return BMC_ERR_ABI;
  }
  return BMC_OK;
}

int
hs_properties_check(const char *path, const struct bmc_plugin_api *api,
                    char *err, size_t errlen)
{
  size_t i;
  int rc = hs_pc_check_markets(path, api, err, errlen);
  int n_one[HS_N_ONE] = {0, 0, 0};

  for(i = 0; rc == BMC_OK && i < api->n_properties; i++)
    rc = hs_pc_check_property(path, api, i, n_one, err, errlen);
  if(rc == BMC_OK && n_one[HS_ONE_REASONS] && !n_one[HS_ONE_READY]) {
    hs_cfg_errf(err, errlen, "%s: a READY_REASONS property but no READY "
               "property", path);
    rc = BMC_ERR_ABI;
  }
  return rc;
}
