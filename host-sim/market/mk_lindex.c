/*
 * mk_lindex.c -- the simulator's listing indexes: (merchant, SKU), UUID and
 * legacy integer id to the listing, so lookups stay O(1) with 100,000
 * listings (seeding and bulk tasks used to scan every listing per row).
 * Open addressing with linear probing over listing indexes; entries left
 * stale by an in-place replacement are skipped by the lookups (which
 * compare the listing itself) and dropped when the table grows.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mk_internal.h"

static uint64_t
mk_lx_mix(uint64_t h, unsigned char c)
{
  return (h ^ c) * 1099511628211ull;
}

static uint64_t
mk_lx_hash_text(uint64_t h, const char *t)
{
  for(; *t; t++)
    h = mk_lx_mix(h, (unsigned char)tolower((unsigned char)*t));
  return h;
}

static uint64_t
mk_lx_hash_sku(int64_t merchant, const char *sku)
{
  uint64_t h = 1469598103934665603ull;
  int k;

  for(k = 0; k < 8; k++)
    h = mk_lx_mix(h, (unsigned char)((uint64_t)merchant >> (8 * k)));
  return mk_lx_hash_text(h, sku);
}

static uint64_t
mk_lx_hash_id(int64_t id)
{
  uint64_t h = 1469598103934665603ull;
  int k;

  for(k = 0; k < 8; k++)
    h = mk_lx_mix(h, (unsigned char)((uint64_t)id >> (8 * k)));
  return h;
}

static void mk_lx_rebuild(struct mk_sim *s);

/* Put listing index i under hash h; grows (rebuilding all) when half full. */
static void
mk_lx_put(struct mk_sim *s, struct mk_lindex *x, uint64_t h, size_t i)
{
  size_t k;

  if((x->used + 1) * 2 > x->cap) {
    mk_lx_rebuild(s);
    return; /* the rebuild indexed every listing, i included */
  }
  for(k = (size_t)(h & (x->cap - 1)); x->slot[k];
      k = (k + 1) & (x->cap - 1))
    if(x->slot[k] == i + 1)
      return;
  x->slot[k] = i + 1;
  x->used++;
}

static int
mk_lx_grow(struct mk_lindex *x, size_t cap)
{
  size_t *n = calloc(cap, sizeof(*n));

  if(!n)
    return -1;
  free(x->slot);
  x->slot = n;
  x->cap = cap;
  x->used = 0;
  return 0;
}

static void
mk_lx_insert_all(struct mk_sim *s, size_t i)
{
  const struct mk_listing *l = &s->listings.a[i];
  struct mk_lindex *tabs[3] = {&s->lx_sku, &s->lx_uuid, &s->lx_id};
  uint64_t hs[3];
  int t;

  hs[0] = mk_lx_hash_sku(l->merchant_id, l->sku);
  hs[1] = mk_lx_hash_text(1469598103934665603ull, l->uuid);
  hs[2] = mk_lx_hash_id(l->listing_id);
  for(t = 0; t < 3; t++) {
    struct mk_lindex *x = tabs[t];
    size_t k;

    for(k = (size_t)(hs[t] & (x->cap - 1)); x->slot[k];
        k = (k + 1) & (x->cap - 1))
      ;
    x->slot[k] = i + 1;
    x->used++;
  }
}

/* Size every table for twice the listings (at least 1024), reinsert all. */
static void
mk_lx_rebuild(struct mk_sim *s)
{
  size_t cap = 1024, i;

  while(cap < (s->listings.n + 1) * 4)
    cap *= 2;
  if(mk_lx_grow(&s->lx_sku, cap) || mk_lx_grow(&s->lx_uuid, cap) ||
     mk_lx_grow(&s->lx_id, cap)) {
    mk_listing_index_free(s); /* lookups fall back to scanning */
    return;
  }
  for(i = 0; i < s->listings.n; i++)
    mk_lx_insert_all(s, i);
}

void
mk_listing_indexed(struct mk_sim *s, const struct mk_listing *l)
{
  size_t i = (size_t)(l - s->listings.a);

  if(!s->lx_sku.cap) {
    mk_lx_rebuild(s);
    return;
  }
  mk_lx_put(s, &s->lx_sku, mk_lx_hash_sku(l->merchant_id, l->sku), i);
  if(s->lx_sku.cap)
    mk_lx_put(s, &s->lx_uuid,
              mk_lx_hash_text(1469598103934665603ull, l->uuid), i);
  if(s->lx_sku.cap)
    mk_lx_put(s, &s->lx_id, mk_lx_hash_id(l->listing_id), i);
}

void
mk_listing_index_clear(struct mk_sim *s)
{
  struct mk_lindex *tabs[3] = {&s->lx_sku, &s->lx_uuid, &s->lx_id};
  int t;

  for(t = 0; t < 3; t++) {
    if(tabs[t]->slot)
      memset(tabs[t]->slot, 0, tabs[t]->cap * sizeof(size_t));
    tabs[t]->used = 0;
  }
}

void
mk_listing_index_free(struct mk_sim *s)
{
  struct mk_lindex *tabs[3] = {&s->lx_sku, &s->lx_uuid, &s->lx_id};
  int t;

  for(t = 0; t < 3; t++) {
    free(tabs[t]->slot);
    tabs[t]->slot = NULL;
    tabs[t]->cap = tabs[t]->used = 0;
  }
}

struct mk_listing *
mk_listing_by_sku(struct mk_sim *s, int64_t merchant, const char *sku)
{
  struct mk_lindex *x = &s->lx_sku;
  size_t i, k;

  if(!x->cap) {
    for(i = 0; i < s->listings.n; i++)
      if(s->listings.a[i].merchant_id == merchant &&
         !strcasecmp(s->listings.a[i].sku, sku))
        return &s->listings.a[i];
    return NULL;
  }
  for(k = (size_t)(mk_lx_hash_sku(merchant, sku) & (x->cap - 1));
      x->slot[k]; k = (k + 1) & (x->cap - 1)) {
    struct mk_listing *l = &s->listings.a[x->slot[k] - 1];

    if(x->slot[k] - 1 < s->listings.n && l->merchant_id == merchant &&
       !strcasecmp(l->sku, sku))
      return l;
  }
  return NULL;
}

struct mk_listing *
mk_listing_by_id(struct mk_sim *s, int64_t merchant, int64_t id)
{
  struct mk_lindex *x = &s->lx_id;
  size_t i, k;

  if(!x->cap) {
    for(i = 0; i < s->listings.n; i++)
      if(s->listings.a[i].listing_id == id &&
         (merchant < 0 || s->listings.a[i].merchant_id == merchant))
        return &s->listings.a[i];
    return NULL;
  }
  for(k = (size_t)(mk_lx_hash_id(id) & (x->cap - 1)); x->slot[k];
      k = (k + 1) & (x->cap - 1)) {
    struct mk_listing *l;

    if(x->slot[k] - 1 >= s->listings.n)
      continue;
    l = &s->listings.a[x->slot[k] - 1];
    if(l->listing_id == id && (merchant < 0 || l->merchant_id == merchant))
      return l;
  }
  return NULL;
}

/* By UUID or legacy integer id.  merchant < 0: any. */
struct mk_listing *
mk_listing_find(struct mk_sim *s, int64_t merchant, const char *key)
{
  long long id = 0;
  struct mk_lindex *x = &s->lx_uuid;
  size_t i, k;

  if(mk_parse_int(key, &id) == 0)
    return mk_listing_by_id(s, merchant, id);
  if(!x->cap) {
    for(i = 0; i < s->listings.n; i++) {
      struct mk_listing *l = &s->listings.a[i];

      if((merchant < 0 || l->merchant_id == merchant) &&
         !strcasecmp(l->uuid, key))
        return l;
    }
    return NULL;
  }
  k = (size_t)(mk_lx_hash_text(1469598103934665603ull, key) & (x->cap - 1));
  for(; x->slot[k]; k = (k + 1) & (x->cap - 1)) {
    struct mk_listing *l;

    if(x->slot[k] - 1 >= s->listings.n)
      continue;
    l = &s->listings.a[x->slot[k] - 1];
    if((merchant < 0 || l->merchant_id == merchant) &&
       !strcasecmp(l->uuid, key))
      return l;
  }
  return NULL;
}

/* Control API: by UUID, legacy id, or the SKU of any merchant (one index
   lookup per merchant, never a scan of the listings). */
struct mk_listing *
mk_listing_lookup(struct mk_sim *s, const char *key)
{
  struct mk_listing *l = mk_listing_find(s, -1, key);
  size_t i;

  for(i = 0; !l && i < s->merchants.n; i++)
    l = mk_listing_by_sku(s, s->merchants.a[i].id, key);
  return l;
}
