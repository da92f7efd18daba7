/*
 * bm_props.c -- the Back Market properties of a product as the catalog
 * side reads them (pure): the declarations (bm_properties.def), a value
 * lookup in struct bmc_product's props (a market's own value, the global
 * one, the declared default), and struct bm_view, the decoded product
 * (merchant SKU, listing id, title and description with the host's
 * generic fallbacks, grade, quantities) plus its per-market values
 * (enabled, warranty, comment).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "bm_catalog_side.h"

const struct bmc_property bm_properties[] = {
#define BM_PROPERTY(k, t, col, lab, pan, d, mn, mx, dec, ev, fl, h)         \
  {k, t, col, lab, pan, d, mn, mx, dec, ev, fl, h},
#include "bm_properties.def"
#undef BM_PROPERTY
};
const size_t bm_n_properties = sizeof(bm_properties) /
                               sizeof(bm_properties[0]);

static const char *
bm_prop_default(const char *key)
{
  size_t i;

  for(i = 0; i < bm_n_properties; i++)
    if(!strcmp(bm_properties[i].key, key))
      return bm_properties[i].default_value;
  return NULL;
}

const char *
bm_prop_raw(const struct bmc_product *p, const char *key, const char *market)
{
  size_t i;

  if(!p || !key || p->size < offsetof(struct bmc_product, n_props) +
                                 sizeof(p->n_props))
    return NULL;
  if(!market)
    market = "";
  for(i = 0; i < p->n_props; i++)
    if(!strcmp(p->props[i].key, key) && !strcmp(p->props[i].market, market))
      return p->props[i].value;
  return NULL;
}

const char *
bm_prop(const struct bmc_product *p, const char *key, const char *market)
{
  const char *v = NULL;

  if(market && *market)
    v = bm_prop_raw(p, key, market);
  if(!v)
    v = bm_prop_raw(p, key, "");
  if(!v)
    v = bm_prop_default(key);
  return v && *v ? v : NULL;
}

int
bm_prop_bool(const struct bmc_product *p, const char *key,
             const char *market)
{
  const char *v = bm_prop(p, key, market);

  return v && !strcmp(v, "true");
}

int
bm_prop_int(const struct bmc_product *p, const char *key, const char *market)
{
  const char *v = bm_prop(p, key, market);
  char *end;
  long n;

  if(!v)
    return -1;
  n = strtol(v, &end, 10);
  return (*end || n < 0 || n > 1000000000L) ? -1 : (int)n;
}

/* The global values of p in one pass over its props (a catalog cycle
 * decodes every product). */
void
bm_view_init(struct bm_view *v, const struct bmc_product *p)
{
  static const struct {
    const char *key;
    size_t off;
  } fields[] = {
    {"merchant_sku", offsetof(struct bm_view, sku)},
    {"bm_listing_id", offsetof(struct bm_view, listing_id)},
    {"bm_title", offsetof(struct bm_view, title)},
    {"bm_description", offsetof(struct bm_view, description)},
    {"category", offsetof(struct bm_view, category)},
    {"grade", offsetof(struct bm_view, grade)},
    {"bm_product_id", offsetof(struct bm_view, bm_product_id)},
  };
  const char *repricing = NULL, *safety = NULL, *max = NULL, *key;
  size_t i, f, n = 0;
  char *end;
  long x;

  memset(v, 0, sizeof(*v));
  v->p = p;
  if(p->size >= offsetof(struct bmc_product, n_props) + sizeof(p->n_props))
    n = p->n_props;
  for(i = 0; i < n; i++) {
    if(p->props[i].market[0] || !p->props[i].value[0])
      continue;
    key = p->props[i].key;
    for(f = 0; f < sizeof(fields) / sizeof(fields[0]); f++)
      if(!strcmp(key, fields[f].key)) {
        *(const char **)(void *)((char *)v + fields[f].off) =
            p->props[i].value;
        break;
      }
    if(f < sizeof(fields) / sizeof(fields[0]))
      continue;
    if(!strcmp(key, "repricing"))
      repricing = p->props[i].value;
    else if(!strcmp(key, "safety_qty"))
      safety = p->props[i].value;
    else if(!strcmp(key, "max_qty"))
      max = p->props[i].value;
  }
  if(!v->sku)
    v->sku = p->sku;
  if(!v->title)
    v->title = p->title;
  if(!v->description)
    v->description = p->description;
  if(!repricing)
    repricing = bm_prop_default("repricing");
  if(!safety)
    safety = bm_prop_default("safety_qty");
  if(!max)
    max = bm_prop_default("max_qty");
  v->repricing = repricing && !strcmp(repricing, "true");
  x = safety ? strtol(safety, &end, 10) : -1;
  v->safety_qty = safety && !*end && x >= 0 && x <= 1000000000L ? (int)x : -1;
  x = max ? strtol(max, &end, 10) : -1;
  v->max_qty = max && !*end && x >= 0 && x <= 1000000000L ? (int)x : -1;
}

int
bm_view_enabled(const struct bm_view *v, const char *market)
{
  return bm_prop_bool(v->p, "enabled", market);
}

int
bm_view_on_sale(const struct bm_view *v, char markets[][8], int n)
{
  int m;

  for(m = 0; m < n; m++)
    if(bm_view_enabled(v, markets[m]))
      return 1;
  return 0;
}

int
bm_view_warranty(const struct bm_view *v, const char *market)
{
  return bm_prop_int(v->p, "warranty_months", market);
}

const char *
bm_view_comment(const struct bm_view *v, const char *market)
{
  return bm_prop(v->p, "comment", market);
}
