/*
 * mk_oindex.c -- the simulator's order indexes, so that importing 100,000
 * orders costs what it reads rather than what the store holds:
 *   - order id -> order: open addressing over order positions.  Orders are
 *     only ever appended (and all dropped by a reset), so the table catches
 *     up with the orders added since the last lookup;
 *   - the selections of GET /ws/orders: the orders one filter matches,
 *     sorted by (date_modification, order_id), kept until a request could
 *     have changed an order (mk_orders_touched), so reading page after page
 *     of an unchanged list costs each page its own orders, not a scan and
 *     a sort of every order.
 */
#define _GNU_SOURCE /* qsort_r */
#include <stdlib.h>
#include <string.h>

#include "mk_internal.h"

static size_t
mk_ox_slot0(int64_t id, size_t cap)
{
  uint64_t h = (uint64_t)id * 0x9e3779b97f4a7c15ull;

  return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

static void
mk_ox_put(struct mk_oindex *x, const struct mk_order *a, size_t pos)
{
  size_t k;

  for(k = mk_ox_slot0(a[pos].order_id, x->cap); x->slot[k];
      k = (k + 1) & (x->cap - 1))
    ;
  x->slot[k] = pos + 1;
}

/* Index every order up to s->orders.n; -1 when out of memory (the caller
 * scans instead).  The table is built again when it is half full, or when
 * it knows more orders than there are (a reset it was not told of). */
static int
mk_ox_catch_up(struct mk_sim *s)
{
  struct mk_oindex *x = &s->ox;

  if(x->n > s->orders.n || (s->orders.n + 1) * 2 > x->cap) {
    size_t cap = 1024;
    size_t *slot;

    while((s->orders.n + 1) * 4 > cap)
      cap *= 2;
    slot = calloc(cap, sizeof(*slot));
    if(!slot)
      return -1;
    free(x->slot);
    x->slot = slot;
    x->cap = cap;
    x->n = 0;
  }
  for(; x->n < s->orders.n; x->n++)
    mk_ox_put(x, s->orders.a, x->n);
  return 0;
}

struct mk_order *
mk_order_get(struct mk_sim *s, int64_t id)
{
  struct mk_oindex *x = &s->ox;
  size_t i;
  size_t k;

  if(mk_ox_catch_up(s)) {
    for(i = 0; i < s->orders.n; i++) {
      s->st_orders_examined++;
      if(s->orders.a[i].order_id == id)
        return &s->orders.a[i];
    }
    return NULL;
  }
  for(k = mk_ox_slot0(id, x->cap); x->slot[k];
      k = (k + 1) & (x->cap - 1)) {
    s->st_orders_examined++;
    if(s->orders.a[x->slot[k] - 1].order_id == id)
      return &s->orders.a[x->slot[k] - 1];
  }
  return NULL;
}

void
mk_orders_touched(struct mk_sim *s)
{
  s->ox.gen++;
}

static int
mk_ox_cmp(const void *a, const void *b, void *ud)
{
  const struct mk_order *v = ud;
  const struct mk_order *x = &v[*(const size_t *)a];
  const struct mk_order *y = &v[*(const size_t *)b];

  if(x->date_modification != y->date_modification)
    return x->date_modification < y->date_modification ? -1 : 1;
  return x->order_id < y->order_id ? -1 : x->order_id > y->order_id;
}

/* The cached selection for key, or the least recently used one emptied
 * for it; NULL when out of memory. */
static struct mk_osel *
mk_ox_sel_slot(struct mk_oindex *x, const char *key)
{
  struct mk_osel *old = &x->sel[0];
  char *k;
  size_t i;

  for(i = 0; i < MK_OSEL_CACHED; i++) {
    struct mk_osel *c = &x->sel[i];
    if(c->key && !strcmp(c->key, key))
      return c;
    if(!c->key || (old->key && c->used < old->used))
      old = c;
  }
  k = strdup(key);
  if(!k)
    return NULL;
  free(old->key);
  old->key = k;
  old->valid = 0;
  return old;
}

int
mk_order_select(struct mk_sim *s, const char *key,
                int (*match)(const struct mk_order *o, void *ud), void *ud,
                const size_t **pos, size_t *n)
{
  struct mk_oindex *x = &s->ox;
  struct mk_osel *c = mk_ox_sel_slot(x, key);
  size_t i;

  if(!c)
    return -1;
  c->used = ++x->uses;
  if(!c->valid || c->gen != x->gen || c->n_orders != s->orders.n) {
    c->valid = 0;
    if(c->cap < s->orders.n + 1) {
      size_t *np = realloc(c->pos, (s->orders.n + 1) * sizeof(*np));
      if(!np)
        return -1;
      c->pos = np;
      c->cap = s->orders.n + 1;
    }
    c->n = 0;
    s->st_orders_examined += (int64_t)s->orders.n;
    for(i = 0; i < s->orders.n; i++)
      if(match(&s->orders.a[i], ud))
        c->pos[c->n++] = i;
    qsort_r(c->pos, c->n, sizeof(*c->pos), mk_ox_cmp, s->orders.a);
    c->gen = x->gen;
    c->n_orders = s->orders.n;
    c->valid = 1;
  }
  *pos = c->pos;
  *n = c->n;
  return 0;
}

void
mk_order_index_clear(struct mk_sim *s)
{
  size_t i;

  s->ox.n = 0;
  if(s->ox.slot)
    memset(s->ox.slot, 0, s->ox.cap * sizeof(*s->ox.slot));
  for(i = 0; i < MK_OSEL_CACHED; i++)
    s->ox.sel[i].valid = 0;
  s->ox.gen++;
}

void
mk_order_index_free(struct mk_sim *s)
{
  size_t i;

  free(s->ox.slot);
  for(i = 0; i < MK_OSEL_CACHED; i++) {
    free(s->ox.sel[i].key);
    free(s->ox.sel[i].pos);
  }
  memset(&s->ox, 0, sizeof(s->ox));
}
