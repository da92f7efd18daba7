/*
 * bm_filter.c -- "Enable Filtered Products For Back Market Upload" (seed
 * 004): a small filter expression over product attributes that decides
 * which enabled products inventory and price uploads include (pure).
 *
 * Grammar:  filter := clause (';' clause)*
 *           clause := attr op value ('|' value)*
 *           op     := '=' | '!=' | '^='
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bm_catalog_side.h"

#define BM_FILTER_MAX_CLAUSES 16
#define BM_FILTER_MAX_VALUES 16

enum bm_fattr {
  BM_FA_DEVICE_TYPE, BM_FA_CATEGORY, BM_FA_GRADE, BM_FA_CPU,
  BM_FA_STORAGE_TYPE, BM_FA_SKU
};
enum bm_fop { BM_FOP_IN, BM_FOP_NOT_IN, BM_FOP_PREFIX };

struct bm_fclause {
  enum bm_fattr attr;
  enum bm_fop op;
  int n_values;
  char *values[BM_FILTER_MAX_VALUES];
};

struct bm_filter {
  int n;
  struct bm_fclause c[BM_FILTER_MAX_CLAUSES];
};

static const struct {
  const char *name;
  enum bm_fattr attr;
} bm_fattrs[] = {
  {"device_type", BM_FA_DEVICE_TYPE}, {"category", BM_FA_CATEGORY},
  {"grade", BM_FA_GRADE}, {"cpu", BM_FA_CPU},
  {"storage_type", BM_FA_STORAGE_TYPE}, {"sku", BM_FA_SKU},
};

void
bm_filter_free(struct bm_filter *f)
{
  int i, j;

  if(!f)
    return;
  for(i = 0; i < f->n; i++)
    for(j = 0; j < f->c[i].n_values; j++)
      free(f->c[i].values[j]);
  free(f);
}

/* Copy [b, e) with surrounding blanks trimmed; NULL when empty or OOM. */
static char *
bm_fdup(const char *b, const char *e)
{
  char *s;

  while(b < e && isspace((unsigned char)*b))
    b++;
  while(e > b && isspace((unsigned char)e[-1]))
    e--;
  if(e == b)
    return NULL;
  s = malloc((size_t)(e - b) + 1);
  if(!s)
    return NULL;
  memcpy(s, b, (size_t)(e - b));
  s[e - b] = '\0';
  return s;
}

static int
bm_fblank(const char *b, const char *e)
{
  for(; b < e; b++)
    if(!isspace((unsigned char)*b))
      return 0;
  return 1;
}

static int
bm_fclause_parse(const char *b, const char *e, struct bm_fclause *c,
                 char *err, size_t errlen)
{
  const char *op, *v, *bar;
  char *name;
  size_t i;
  int found = 0;

  for(op = b; op < e && *op != '=' && *op != '!' && *op != '^'; op++)
    ;
  if(op == e) {
    snprintf(err, errlen, "filter clause '%.*s' has no operator (=, != or ^=)",
             (int)(e - b), b);
    return BMC_ERR_CONFIG;
  }
  name = bm_fdup(b, op);
  if(!name) {
    snprintf(err, errlen, "filter clause '%.*s' has no attribute name",
             (int)(e - b), b);
    return BMC_ERR_CONFIG;
  }
  for(i = 0; i < sizeof(bm_fattrs) / sizeof(bm_fattrs[0]); i++)
    if(!strcasecmp(name, bm_fattrs[i].name)) {
      c->attr = bm_fattrs[i].attr;
      found = 1;
    }
  if(!found) {
    snprintf(err, errlen, "filter attribute '%s' is unknown (use device_type, "
             "category, grade, cpu, storage_type or sku)", name);
    free(name);
    return BMC_ERR_CONFIG;
  }
  free(name);
  if(*op == '=') {
    c->op = BM_FOP_IN;
    v = op + 1;
  }
  else if(op + 1 < e && op[1] == '=') {
    c->op = (*op == '!') ? BM_FOP_NOT_IN : BM_FOP_PREFIX;
    v = op + 2;
  }
  else {
    snprintf(err, errlen, "filter clause '%.*s': expected =, != or ^=",
             (int)(e - b), b);
    return BMC_ERR_CONFIG;
  }
  for(;;) {
    for(bar = v; bar < e && *bar != '|'; bar++)
      ;
    if(c->n_values == BM_FILTER_MAX_VALUES) {
      snprintf(err, errlen, "filter clause has more than %d values",
               BM_FILTER_MAX_VALUES);
      return BMC_ERR_CONFIG;
    }
    c->values[c->n_values] = bm_fdup(v, bar);
    if(!c->values[c->n_values]) {
      snprintf(err, errlen, "filter clause '%.*s' has an empty value",
               (int)(e - b), b);
      return BMC_ERR_CONFIG;
    }
    c->n_values++;
    if(bar == e)
      break;
    v = bar + 1;
  }
  return BMC_OK;
}

int
bm_filter_parse(const char *expr, struct bm_filter **out, char *err,
                size_t errlen)
{
  struct bm_filter *f;
  const char *b, *e;
  int rc;

  *out = NULL;
  if(!expr)
    return BMC_OK;
  for(b = expr; isspace((unsigned char)*b); b++)
    ;
  if(!*b)
    return BMC_OK;
  f = calloc(1, sizeof(*f));
  if(!f) {
    snprintf(err, errlen, "out of memory");
    return BMC_ERR_NOMEM;
  }
  b = expr;
  while(*b) {
    for(e = b; *e && *e != ';'; e++)
      ;
    if(bm_fblank(b, e)) { /* empty clause (e.g. a trailing ';') */
      b = *e ? e + 1 : e;
      continue;
    }
    if(f->n == BM_FILTER_MAX_CLAUSES) {
      snprintf(err, errlen, "filter has more than %d clauses",
               BM_FILTER_MAX_CLAUSES);
      bm_filter_free(f);
      return BMC_ERR_CONFIG;
    }
    rc = bm_fclause_parse(b, e, &f->c[f->n], err, errlen);
    f->n++; /* counted even on failure so bm_filter_free sees its values */
    if(rc != BMC_OK) {
      bm_filter_free(f);
      return rc;
    }
    b = *e ? e + 1 : e;
  }
  *out = f;
  return BMC_OK;
}

static const char *
bm_fvalue(const struct bm_view *v, enum bm_fattr a)
{
  switch(a) {
  case BM_FA_DEVICE_TYPE: return v->p->device_type;
  case BM_FA_CATEGORY: return v->category;
  case BM_FA_GRADE: return bm_grade_normalize(v->grade);
  case BM_FA_CPU: return v->p->cpu;
  case BM_FA_STORAGE_TYPE: return v->p->storage_type;
  case BM_FA_SKU: return v->sku;
  }
  return NULL;
}

static int
bm_fvalue_eq(enum bm_fattr a, const char *have, const char *want)
{
  const char *g;

  if(a == BM_FA_GRADE) { /* accept "0".."4" in the filter too */
    g = bm_grade_normalize(want);
    return g && !strcmp(have, g);
  }
  return !strcasecmp(have, want);
}

int
bm_filter_match(const struct bm_filter *f, const struct bm_view *p)
{
  const struct bm_fclause *c;
  const char *have;
  int i, j, hit;

  if(!f)
    return 1;
  for(i = 0; i < f->n; i++) {
    c = &f->c[i];
    have = bm_fvalue(p, c->attr);
    hit = 0;
    for(j = 0; have && j < c->n_values && !hit; j++) {
      if(c->op == BM_FOP_PREFIX)
        hit = !strncasecmp(have, c->values[j], strlen(c->values[j]));
      else
        hit = bm_fvalue_eq(c->attr, have, c->values[j]);
    }
    if(c->op == BM_FOP_NOT_IN ? hit : !hit)
      return 0;
  }
  return 1;
}
