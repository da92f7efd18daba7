/*
 * mk_quota.c -- Back Market's limits on the virtual clock: about 200
 * requests / 10 s overall and 20 / 10 s on catalog endpoints (listings,
 * tasks), each followed by a 10 s block; Back Box 2 / s; 2,000 SKU lines of
 * listing updates per hour.  Also the User-Agent form check.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "mk_internal.h"

void mk_window_free(struct mk_window *w)
{
  if(!w)
    return;
  free(w->ts);
  w->ts = NULL;
  w->cap = w->n = w->head = 0;
}

/* Record an event at now unless `cap` events already fall inside the last
   `span` ms.  Returns 1 when over the limit (nothing recorded), 0 when
   recorded, -1 on out of memory. */
int mk_window_hit(struct mk_window *w, long cap, int64_t now, int64_t span)
{
  if(cap <= 0)
    return 1;
  if(w->cap != cap) {
    int64_t *ts = calloc((size_t)cap, sizeof(*ts));
    if(!ts)
      return -1;
    free(w->ts);
    w->ts = ts;
    w->cap = cap;
    w->n = w->head = 0;
  }
  if(w->n == cap) {
    int64_t oldest = w->ts[w->head];
    if(now - oldest < span)
      return 1;
    w->ts[w->head] = now;
    w->head = (w->head + 1) % cap;
    return 0;
  }
  w->ts[(w->head + w->n) % cap] = now;
  w->n++;
  return 0;
}

/* Catalog class (about 20 / 10 s): listings (and listings_bi), tasks, and
   the category tree ("catalog", reference 5.5). */
static int mk_is_catalog(const char *path)
{
  return !strncmp(path, "/ws/listings", 12) || !strncmp(path, "/ws/tasks", 9) ||
         !strncmp(path, "/ws/category/", 13);
}

int mk_quota_named(struct mk_sim *s, struct mk_token *t, const char *key,
                   long cap, int64_t span, int64_t *wait_ms)
{
  struct mk_named_window *w = NULL, *a;
  int64_t now = mk_now(s);
  size_t i;
  int hit;
  *wait_ms = 0;
  if(!s->cfg.quotas)
    return 0;
  for(i = 0; i < t->nnw; i++)
    if(!strcmp(t->nw[i].key, key))
      w = &t->nw[i];
  if(!w) {
    a = realloc(t->nw, (t->nnw + 1) * sizeof(*a));
    if(!a)
      return -1;
    t->nw = a;
    w = &a[t->nnw++];
    memset(w, 0, sizeof(*w));
    mk_copy(w->key, sizeof(w->key), key);
  }
  hit = mk_window_hit(&w->w, cap, now, span);
  if(hit == 1 && w->w.n)
    *wait_ms = w->w.ts[w->w.head] + span - now;
  return hit;
}

void mk_token_free(struct mk_token *t)
{
  size_t i;
  free(t->token);
  mk_window_free(&t->global);
  mk_window_free(&t->catalog);
  mk_window_free(&t->backbox);
  for(i = 0; i < t->nnw; i++)
    mk_window_free(&t->nw[i].w);
  free(t->nw);
  free(t->sku_ts);
  free(t->sku_n);
  memset(t, 0, sizeof(*t));
}

static void mk_429(struct mk_sim *s, struct mk_resp *r, int64_t wait_ms)
{
  mk_resp_v1(s, r, 429, "too_many_requests", "Too many requests");
  if(s->cfg.retry_after)
    r->retry_after = wait_ms <= 0 ? 1 : (long)((wait_ms + 999) / 1000);
}

int mk_quota_check(struct mk_sim *s, struct mk_ctx *c, struct mk_resp *r)
{
  struct mk_token *t = c->tok;
  int64_t now = mk_now(s);
  const char *path = c->rq->path;
  int hit;
  if(t->blocked_until > now) {
    mk_429(s, r, t->blocked_until - now);
    return -1;
  }
  if(mk_is_catalog(path) && t->catalog_blocked_until > now) {
    mk_429(s, r, t->catalog_blocked_until - now);
    return -1;
  }
  if(!strncmp(path, "/ws/backbox/", 12)) {
    hit = mk_window_hit(&t->backbox, s->cfg.backbox_per_s, now, 1000);
    if(hit) {
      mk_429(s, r, 1000);
      return -1;
    }
  }
  if(mk_is_catalog(path)) {
    hit = mk_window_hit(&t->catalog, s->cfg.catalog_limit, now,
                        s->cfg.window_ms);
    if(hit) {
      t->catalog_blocked_until = now + s->cfg.block_ms;
      mk_429(s, r, s->cfg.block_ms);
      return -1;
    }
  }
  hit = mk_window_hit(&t->global, s->cfg.global_limit, now,
                      s->cfg.window_ms);
  if(hit) {
    t->blocked_until = now + s->cfg.block_ms;
    mk_429(s, r, s->cfg.block_ms);
    return -1;
  }
  return 0;
}

/* Account `lines` SKU lines of listing updates for the token; 0 = allowed
   and recorded; -1 = 429 already set in r. */
int mk_quota_sku_lines(struct mk_sim *s, struct mk_ctx *c, long lines,
                       struct mk_resp *r)
{
  struct mk_token *t = c->tok;
  int64_t now = mk_now(s), hour = 3600000;
  long used = 0;
  size_t i, w = 0;
  int64_t *ts;
  long *nn;
  if(!s->cfg.quotas) {
    s->st_sku_lines += lines;
    return 0;
  }
  for(i = 0; i < t->sku_len; i++) {
    if(now - t->sku_ts[i] < hour) {
      t->sku_ts[w] = t->sku_ts[i];
      t->sku_n[w] = t->sku_n[i];
      used += t->sku_n[w];
      w++;
    }
  }
  t->sku_len = w;
  if(used + lines > s->cfg.sku_lines_per_hour) {
    int64_t wait = t->sku_len ? hour - (now - t->sku_ts[0]) : hour;
    mk_resp_v1(s, r, 429, "too_many_requests",
               "SKU line quota exceeded (listing updates per hour)");
    if(s->cfg.retry_after)
      r->retry_after = (long)((wait + 999) / 1000);
    return -1;
  }
  ts = realloc(t->sku_ts, (t->sku_len + 1) * sizeof(*ts));
  if(ts)
    t->sku_ts = ts;
  nn = realloc(t->sku_n, (t->sku_len + 1) * sizeof(*nn));
  if(nn)
    t->sku_n = nn;
  if(!ts || !nn) {
    mk_resp_v1(s, r, 500, "internal", "out of memory");
    return -1;
  }
  t->sku_ts[t->sku_len] = now;
  t->sku_n[t->sku_len] = lines;
  t->sku_len++;
  s->st_sku_lines += lines;
  return 0;
}

/* BM-{Company}-{Integration};email */
int mk_ua_valid(const char *ua)
{
  const char *semi, *dash, *at;
  if(!ua || strncmp(ua, "BM-", 3))
    return 0;
  semi = strchr(ua, ';');
  if(!semi)
    return 0;
  dash = memchr(ua + 3, '-', (size_t)(semi - ua - 3));
  if(!dash || dash == ua + 3 || dash + 1 == semi)
    return 0;
  at = strchr(semi + 1, '@');
  if(!at || at == semi + 1 || !strchr(at + 1, '.') || at[1] == '.')
    return 0;
  return 1;
}
