/*
 * tprod.h -- a struct bmc_product with property values for the catalog
 * side's pure unit tests (Ready To Post, pricing, filter): generic fields
 * are set directly on t.p, properties with tprod_set(); tprod_view() gives
 * the plugin's decoded view.  Header-only; values are borrowed literals.
 */
#ifndef TPROD_H
#define TPROD_H

#include <string.h>

#include "bm_catalog_side.h"

#define TPROD_MAX 32

struct tprod {
  struct bmc_product p;
  struct bmc_prop_value v[TPROD_MAX];
  size_t n;
};

/* An empty product: no strings, integers -1, size set. */
static inline void
tprod_init(struct tprod *t, const char *sku)
{
  memset(t, 0, sizeof(*t));
  t->p.size = sizeof(t->p);
  t->p.sku = sku;
  t->p.storage_gb = t->p.ram_gb = t->p.release_year = -1;
}

/* Set (value NULL: remove) key for market ("" = global). */
static inline void
tprod_set(struct tprod *t, const char *key, const char *market,
          const char *value)
{
  size_t i;

  for(i = 0; i < t->n; i++)
    if(!strcmp(t->v[i].key, key) && !strcmp(t->v[i].market, market)) {
      if(value) {
        t->v[i].value = value;
      }
      else {
        memmove(&t->v[i], &t->v[i + 1], (t->n - i - 1) * sizeof(t->v[0]));
        t->n--;
      }
      break;
    }
  if(i == t->n && value && t->n < TPROD_MAX) {
    t->v[t->n].key = key;
    t->v[t->n].market = market;
    t->v[t->n].value = value;
    t->n++;
  }
  t->p.props = t->v;
  t->p.n_props = t->n;
}

/* The view of t (valid while t lives and is not moved). */
static inline struct bm_view
tprod_view(const struct tprod *t)
{
  struct bm_view v;

  bm_view_init(&v, &t->p);
  return v;
}

#endif /* TPROD_H */
