/*
 * bm_map.c -- owns a small string -> int64 open-addressing map used within
 * one action run (order ids seen, SKU quantities committed).
 */
#include <stdlib.h>
#include <string.h>

#include "bm_order_side.h"
#include "pc_text.h"

void
bm_map_init(struct bm_map *m)
{
  memset(m, 0, sizeof(*m));
}

void
bm_map_free(struct bm_map *m)
{
  size_t i;

  if(!m)
    return;
  for(i = 0; i < m->cap; i++)
    free(m->keys[i]);
  free(m->keys);
  free(m->vals);
  memset(m, 0, sizeof(*m));
}

static int
bm_map_grow(struct bm_map *m)
{
  size_t ncap = m->cap ? m->cap * 2 : 64;
  char **nk = calloc(ncap, sizeof(*nk));
  int64_t *nv = calloc(ncap, sizeof(*nv));
  size_t i;

  if(!nk || !nv) {
    free(nk);
    free(nv);
    return BMC_ERR_NOMEM;
  }
  for(i = 0; i < m->cap; i++) {
    size_t j;
    if(!m->keys[i])
      continue;
    j = pc_text_hash(m->keys[i]) & (ncap - 1);
    while(nk[j])
      j = (j + 1) & (ncap - 1);
    nk[j] = m->keys[i];
    nv[j] = m->vals[i];
  }
  free(m->keys);
  free(m->vals);
  m->keys = nk;
  m->vals = nv;
  m->cap = ncap;
  return BMC_OK;
}

int64_t *
bm_map_ref(struct bm_map *m, const char *key)
{
  size_t j;

  if((m->n + 1) * 2 > m->cap && bm_map_grow(m))
    return NULL;
  j = pc_text_hash(key) & (m->cap - 1);
  while(m->keys[j]) {
    if(!strcmp(m->keys[j], key))
      return &m->vals[j];
    j = (j + 1) & (m->cap - 1);
  }
  m->keys[j] = strdup(key);
  if(!m->keys[j])
    return NULL;
  m->vals[j] = 0;
  m->n++;
  return &m->vals[j];
}

int64_t
bm_map_get(const struct bm_map *m, const char *key, int *found)
{
  size_t j;

  if(found)
    *found = 0;
  if(!m->cap)
    return -1;
  j = pc_text_hash(key) & (m->cap - 1);
  while(m->keys[j]) {
    if(!strcmp(m->keys[j], key)) {
      if(found)
        *found = 1;
      return m->vals[j];
    }
    j = (j + 1) & (m->cap - 1);
  }
  return -1;
}
