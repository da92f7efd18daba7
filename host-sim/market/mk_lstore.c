/*
 * mk_lstore.c -- how the simulator stores a listing: per-market data only
 * for the markets the listing has (a listing sold in one market costs one
 * market entry, not sixteen), strings (SKU, title, comments, shippers) on
 * the heap at their length, and the deep copy and free that this layout
 * needs.  Lookups by SKU, UUID and id are in mk_lindex.c.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "mk_internal.h"

const struct mk_lmarket *mk_lm_get(const struct mk_listing *l, int mi)
{
  unsigned i;
  for(i = 0; i < l->nm; i++)
    if(l->m[i].mi == mi)
      return &l->m[i];
  return NULL;
}

struct mk_lmarket *mk_lm_add(struct mk_listing *l, int mi)
{
  struct mk_lmarket *m = (struct mk_lmarket *)mk_lm_get(l, mi), *a;
  if(m)
    return m;
  if(mi < 0 || mi >= MK_NMARKETS || l->nm >= MK_NMARKETS)
    return NULL;
  a = realloc(l->m, (l->nm + 1u) * sizeof(*a));
  if(!a)
    return NULL;
  l->m = a;
  m = &a[l->nm++];
  memset(m, 0, sizeof(*m));
  m->mi = mi;
  m->warranty = 12;
  return m;
}

int mk_str_set(char **dst, const char *v)
{
  char *d = NULL;
  if(v && *v && !(d = strdup(v)))
    return -1;
  free(*dst);
  *dst = d;
  return 0;
}

int mk_lm_ship_set(struct mk_lmarket *m, int k, const char *shipper,
                   int64_t price, long delay)
{
  if(k < 0 || k > 2)
    return -1;
  if(!m->ship && !(m->ship = calloc(3, sizeof(*m->ship))))
    return -1;
  if(mk_str_set(&m->ship[k].shipper, shipper))
    return -1;
  m->ship[k].price = price;
  m->ship[k].delay = delay;
  return 0;
}

static void mk_lm_free(struct mk_lmarket *m)
{
  int k;
  free(m->comment);
  m->comment = NULL;
  if(m->ship)
    for(k = 0; k < 3; k++)
      free(m->ship[k].shipper);
  free(m->ship);
  m->ship = NULL;
}

void mk_listing_free(struct mk_listing *l)
{
  unsigned i;
  if(!l)
    return;
  for(i = 0; i < l->nm; i++)
    mk_lm_free(&l->m[i]);
  free(l->m);
  free(l->sku);
  free(l->title);
  l->m = NULL;
  l->nm = 0;
  l->sku = l->title = NULL;
}

static int mk_lm_copy(struct mk_lmarket *d, const struct mk_lmarket *src)
{
  int k;
  *d = *src;
  d->comment = NULL;
  d->ship = NULL;
  if(mk_str_set(&d->comment, src->comment))
    return -1;
  if(src->ship)
    for(k = 0; k < 3; k++)
      if(src->ship[k].shipper &&
         mk_lm_ship_set(d, k, src->ship[k].shipper, src->ship[k].price,
                        src->ship[k].delay))
        return -1;
  return 0;
}

int mk_listing_copy(struct mk_listing *dst, const struct mk_listing *src)
{
  unsigned i;
  *dst = *src;
  dst->sku = dst->title = NULL;
  dst->m = NULL;
  dst->nm = 0;
  if(mk_str_set(&dst->sku, src->sku) || mk_str_set(&dst->title, src->title))
    goto fail;
  if(src->nm) {
    dst->m = calloc(src->nm, sizeof(*dst->m));
    if(!dst->m)
      goto fail;
    for(i = 0; i < src->nm; i++) {
      dst->nm++;
      if(mk_lm_copy(&dst->m[i], &src->m[i]))
        goto fail;
    }
  }
  return 0;
fail:
  mk_listing_free(dst);
  return -1;
}

const char *mk_listing_title(const struct mk_listing *l)
{
  return l->title ? l->title : l->sku ? l->sku : "";
}
