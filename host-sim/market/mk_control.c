/*
 * mk_control.c -- the control API under /_sim/ (CONTROL.md): reset, clock,
 * config, merchants and tokens, faults, request log and stats, Back Box
 * data, Back Market Pro keys and orders.  Listings, orders and customer
 * actions are in mk_control_data.c.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mk_internal.h"

void mk_cerr(struct mk_resp *r, int status, const char *msg)
{
  json_object *o = json_object_new_object();
  json_object_object_add(o, "error", json_object_new_string(msg));
  mk_resp_json(r, status, o);
}

const char *mk_jstr_get(json_object *o, const char *k)
{
  json_object *v;
  if(!o || !json_object_object_get_ex(o, k, &v) ||
     !json_object_is_type(v, json_type_string))
    return NULL;
  return json_object_get_string(v);
}

static json_object *mk_config_json(const struct mk_config *c)
{
  json_object *o = json_object_new_object();
  json_object_object_add(o, "quotas", json_object_new_boolean(c->quotas));
  json_object_object_add(o, "ua_refuse", json_object_new_boolean(c->ua_refuse));
  json_object_object_add(o, "retry_after",
                         json_object_new_boolean(c->retry_after));
  json_object_object_add(o, "restock_on_cancel",
                         json_object_new_boolean(c->restock_on_cancel));
  json_object_object_add(o, "page_size_max",
                         json_object_new_int64(c->page_size_max));
  json_object_object_add(o, "task_delay_ms",
                         json_object_new_int64(c->task_delay_ms));
  json_object_object_add(o, "global_limit",
                         json_object_new_int64(c->global_limit));
  json_object_object_add(o, "catalog_limit",
                         json_object_new_int64(c->catalog_limit));
  json_object_object_add(o, "window_ms", json_object_new_int64(c->window_ms));
  json_object_object_add(o, "block_ms", json_object_new_int64(c->block_ms));
  json_object_object_add(o, "backbox_per_s",
                         json_object_new_int64(c->backbox_per_s));
  json_object_object_add(o, "sku_lines_per_hour",
                         json_object_new_int64(c->sku_lines_per_hour));
  json_object_object_add(o, "pro_per_s", json_object_new_int64(c->pro_per_s));
  json_object_object_add(o, "task_fail_next",
                         json_object_new_int64(c->task_fail_next));
  json_object_object_add(o, "public_url", c->public_url[0] ?
                         json_object_new_string(c->public_url) : NULL);
  return o;
}

static void mk_config_post(struct mk_sim *s, json_object *b,
                           struct mk_resp *r)
{
  struct mk_config c = s->cfg;
  static const char *bools[] = {"quotas", "ua_refuse", "retry_after",
                                "restock_on_cancel"};
  int *bp[] = {&c.quotas, &c.ua_refuse, &c.retry_after, &c.restock_on_cancel};
  static const char *longs[] = {"page_size_max", "global_limit",
                                "catalog_limit", "backbox_per_s",
                                "sku_lines_per_hour", "pro_per_s",
                                "task_fail_next"};
  long *lp[] = {&c.page_size_max, &c.global_limit, &c.catalog_limit,
                &c.backbox_per_s, &c.sku_lines_per_hour, &c.pro_per_s,
                &c.task_fail_next};
  static const char *i64s[] = {"task_delay_ms", "window_ms", "block_ms"};
  int64_t *ip[] = {&c.task_delay_ms, &c.window_ms, &c.block_ms};
  size_t i;
  json_object *v;
  long long x;
  json_object_object_foreach(b, key, val) {
    int known = 0;
    (void)val;
    for(i = 0; i < 4; i++)
      known |= !strcmp(key, bools[i]);
    for(i = 0; i < 7; i++)
      known |= !strcmp(key, longs[i]);
    for(i = 0; i < 3; i++)
      known |= !strcmp(key, i64s[i]);
    known |= !strcmp(key, "public_url");
    if(!known) {
      char m[160];
      snprintf(m, sizeof(m), "unknown config key %.100s", key);
      mk_cerr(r, 400, m);
      return;
    }
  }
  for(i = 0; i < 4; i++)
    if(json_object_object_get_ex(b, bools[i], &v)) {
      if(!json_object_is_type(v, json_type_boolean)) {
        mk_cerr(r, 400, "boolean config keys need true or false");
        return;
      }
      *bp[i] = json_object_get_boolean(v);
    }
  for(i = 0; i < 7; i++)
    if(json_object_object_get_ex(b, longs[i], &v)) {
      if(mk_json_int(v, &x) || x < 0 || x > 100000000) {
        mk_cerr(r, 400, "integer config keys need a non-negative integer");
        return;
      }
      *lp[i] = (long)x;
    }
  for(i = 0; i < 3; i++)
    if(json_object_object_get_ex(b, i64s[i], &v)) {
      if(mk_json_int(v, &x) || x < 0) {
        mk_cerr(r, 400, "millisecond config keys need a non-negative integer");
        return;
      }
      *ip[i] = x;
    }
  if(json_object_object_get_ex(b, "public_url", &v)) {
    const char *u = v ? json_object_get_string(v) : "";
    if(v && (!json_object_is_type(v, json_type_string) ||
             (strncmp(u, "http://", 7) && strncmp(u, "https://", 8)) ||
             strlen(u) >= sizeof(c.public_url) || strpbrk(u, " \t\r\n?#"))) {
      mk_cerr(r, 400, "public_url must be null or an http:// or https:// "
              "URL (no spaces, query or fragment) under 256 characters");
      return;
    }
    mk_copy(c.public_url, sizeof(c.public_url), u);
  }
  if(c.page_size_max < 1) {
    mk_cerr(r, 400, "page_size_max must be at least 1");
    return;
  }
  s->cfg = c;
  mk_resp_json(r, 200, mk_config_json(&s->cfg));
}

static void mk_clock(struct mk_sim *s, struct mk_req *rq, json_object *b,
                     struct mk_resp *r)
{
  json_object *o, *v;
  long long x;
  if(!strcmp(rq->method, "POST")) {
    if(s->now_fn) {
      mk_cerr(r, 409, "clock is shared (now_ms callback): move the shared "
              "clock instead");
      return;
    }
    if(b && json_object_object_get_ex(b, "set_ms", &v) && !mk_json_int(v, &x))
      mk_clock_set(s, x);
    else if(b && json_object_object_get_ex(b, "advance_ms", &v) &&
            !mk_json_int(v, &x) && x >= 0)
      mk_clock_set(s, mk_now(s) + x);
    else {
      mk_cerr(r, 400, "body must be {\"set_ms\": N} or {\"advance_ms\": N >= 0}");
      return;
    }
    mk_tick(s);
  }
  o = json_object_new_object();
  json_object_object_add(o, "now_ms", json_object_new_int64(mk_now(s)));
  json_object_object_add(o, "now", mk_time_json(mk_now(s)));
  json_object_object_add(o, "shared", json_object_new_boolean(s->now_fn != NULL));
  json_object_object_add(o, "mode", json_object_new_string(
                           s->now_fn ? "shared" : s->wall_clock ? "wall" :
                           "virtual"));
  if(s->wall_clock && !s->now_fn)
    json_object_object_add(o, "speed", json_object_new_double(s->speed));
  mk_resp_json(r, 200, o);
}

static json_object *mk_merchant_json(const struct mk_merchant *m)
{
  json_object *o = json_object_new_object();
  json_object_object_add(o, "id", json_object_new_int64(m->id));
  json_object_object_add(o, "name", json_object_new_string(m->name));
  json_object_object_add(o, "is_merchant",
                         json_object_new_boolean(m->is_merchant));
  return o;
}

static void mk_merchants(struct mk_sim *s, struct mk_req *rq, json_object *b,
                         struct mk_resp *r)
{
  json_object *v;
  long long id = 0;
  struct mk_merchant *m;
  size_t i;
  if(!strcmp(rq->method, "GET")) {
    json_object *a = json_object_new_array(), *o = json_object_new_object();
    for(i = 0; i < s->merchants.n; i++)
      json_object_array_add(a, mk_merchant_json(&s->merchants.a[i]));
    json_object_object_add(o, "merchants", a);
    mk_resp_json(r, 200, o);
    return;
  }
  if(!b || (json_object_object_get_ex(b, "id", &v) &&
            (mk_json_int(v, &id) || id <= 0))) {
    mk_cerr(r, 400, "body must be {\"id\"?: positive int, \"name\": str, "
            "\"is_merchant\"?: bool}");
    return;
  }
  if(!id)
    while(mk_merchant_get(s, (id = s->next_merchant++)) != NULL)
      ;
  m = mk_merchant_get(s, id);
  if(!m && !(m = MK_PUSH(s->merchants))) {
    mk_cerr(r, 500, "out of memory");
    return;
  }
  m->id = id;
  mk_copy(m->name, sizeof(m->name), mk_jstr_get(b, "name") ?
          mk_jstr_get(b, "name") : "Merchant");
  m->is_merchant = !json_object_object_get_ex(b, "is_merchant", &v) ||
                   json_object_get_boolean(v);
  mk_resp_json(r, 201, mk_merchant_json(m));
}

static void mk_tokens(struct mk_sim *s, json_object *b, struct mk_resp *r)
{
  const char *tok = mk_jstr_get(b, "token"), *pl = mk_jstr_get(b, "platform");
  json_object *v, *o;
  long long mid;
  int p = pl ? mk_platform_parse(pl) : MK_EU;
  struct mk_token *t = NULL;
  size_t i;
  if(!tok || !*tok || strlen(tok) > 512 || p < 0 ||
     !json_object_object_get_ex(b, "merchant_id", &v) || mk_json_int(v, &mid)) {
    mk_cerr(r, 400, "body must be {\"token\": str, \"merchant_id\": int, "
            "\"platform\"?: \"eu\"|\"na\"|\"ap\"}");
    return;
  }
  if(!mk_merchant_get(s, mid)) {
    mk_cerr(r, 404, "unknown merchant_id");
    return;
  }
  for(i = 0; i < s->tokens.n; i++)
    if(!strcmp(s->tokens.a[i].token, tok))
      t = &s->tokens.a[i];
  if(!t) {
    char *dup = strdup(tok);
    if(!dup || !(t = MK_PUSH(s->tokens))) {
      free(dup);
      mk_cerr(r, 500, "out of memory");
      return;
    }
    t->token = dup;
  }
  t->merchant_id = mid;
  t->platform = p;
  o = json_object_new_object();
  json_object_object_add(o, "merchant_id", json_object_new_int64(mid));
  json_object_object_add(o, "platform",
                         json_object_new_string(mk_platform_name(p)));
  mk_resp_json(r, 201, o);
}

static void mk_faults(struct mk_sim *s, struct mk_req *rq, json_object *b,
                      struct mk_resp *r)
{
  static const char *kinds[] = {"status", "delay", "drop", "malformed",
                                "cloudflare", "bot_json", "oversized"};
  const char *path = mk_jstr_get(b, "path"), *kind = mk_jstr_get(b, "kind");
  const char *method = mk_jstr_get(b, "method");
  long long cnt = 1, st = 0, dl = 0, sz = 0, ra = 0;
  json_object *v, *a, *o;
  struct mk_fault *f;
  size_t i;
  int ok = 0;
  if(!strcmp(rq->method, "DELETE")) {
    s->faults.n = 0;
    mk_resp_json(r, 200, json_object_new_object());
    return;
  }
  if(!strcmp(rq->method, "GET")) {
    a = json_object_new_array();
    for(i = 0; i < s->faults.n; i++) {
      f = &s->faults.a[i];
      if(f->count <= 0)
        continue;
      o = json_object_new_object();
      json_object_object_add(o, "path", json_object_new_string(f->path));
      json_object_object_add(o, "method", json_object_new_string(f->method));
      json_object_object_add(o, "kind", json_object_new_string(f->kind));
      json_object_object_add(o, "count", json_object_new_int64(f->count));
      json_object_array_add(a, o);
    }
    o = json_object_new_object();
    json_object_object_add(o, "faults", a);
    mk_resp_json(r, 200, o);
    return;
  }
  for(i = 0; kind && i < sizeof(kinds) / sizeof(kinds[0]); i++)
    ok |= !strcmp(kind, kinds[i]);
  if(!path || path[0] != '/' || strlen(path) > 255 || !ok ||
     (method && strlen(method) > 15) ||
     (json_object_object_get_ex(b, "count", &v) &&
      (mk_json_int(v, &cnt) || cnt < 1)) ||
     (json_object_object_get_ex(b, "status", &v) && mk_json_int(v, &st)) ||
     (json_object_object_get_ex(b, "delay_ms", &v) &&
      (mk_json_int(v, &dl) || dl < 0 || dl > 60000)) ||
     (json_object_object_get_ex(b, "size", &v) &&
      (mk_json_int(v, &sz) || sz < 0 || sz > 256LL * 1024 * 1024)) ||
     (json_object_object_get_ex(b, "retry_after", &v) && mk_json_int(v, &ra)) ||
     (!strcmp(kind, "status") && (st < 100 || st > 599))) {
    mk_cerr(r, 400, "fault needs path (\"/...\"), kind (status, delay, drop, "
            "malformed, cloudflare, bot_json, oversized), and for status a "
            "status 100-599; optional method, count >= 1, delay_ms <= 60000, "
            "size, retry_after");
    return;
  }
  f = MK_PUSH(s->faults);
  if(!f) {
    mk_cerr(r, 500, "out of memory");
    return;
  }
  mk_copy(f->path, sizeof(f->path), path);
  mk_copy(f->method, sizeof(f->method), method);
  mk_copy(f->kind, sizeof(f->kind), kind);
  f->count = (long)cnt;
  f->status = (long)st;
  f->delay_ms = (long)dl;
  f->size = (size_t)sz;
  f->retry_after = (long)ra;
  o = json_object_new_object();
  json_object_object_add(o, "armed", json_object_new_int64(cnt));
  mk_resp_json(r, 201, o);
}

static void mk_backbox_ctl(struct mk_sim *s, struct mk_req *rq,
                           json_object *b, struct mk_resp *r)
{
  const char *key = mk_jstr_get(b, "listing"), *mk = mk_jstr_get(b, "market");
  struct mk_listing *l;
  struct mk_bbox nb, *e = NULL;
  json_object *v;
  int mi = mk_market_index(mk);
  size_t i;
  if(!strcmp(rq->method, "DELETE")) {
    s->bboxes.n = 0;
    mk_resp_json(r, 200, json_object_new_object());
    return;
  }
  l = key ? mk_listing_lookup(s, key) : NULL;
  if(!l) {
    mk_cerr(r, 404, "unknown listing (give its uuid, legacy id or sku)");
    return;
  }
  memset(&nb, 0, sizeof(nb));
  if(mi < 0 || !json_object_object_get_ex(b, "price_to_win", &v) ||
     mk_money_json(v, &nb.price_to_win)) {
    mk_cerr(r, 400, "market and price_to_win are required");
    return;
  }
  nb.price = mk_lm_get(l, mi) && mk_lm_get(l, mi)->has_price ?
             mk_lm_get(l, mi)->price : nb.price_to_win;
  if((json_object_object_get_ex(b, "price", &v) && mk_money_json(v, &nb.price))
     || (json_object_object_get_ex(b, "min_price", &v) && v &&
         mk_money_json(v, &nb.min_price)) ||
     (json_object_object_get_ex(b, "winner_price", &v) && v &&
      mk_money_json(v, &nb.winner_price))) {
    mk_cerr(r, 400, "price, min_price and winner_price must be decimals");
    return;
  }
  nb.has_min = json_object_object_get_ex(b, "min_price", &v) && v;
  nb.has_winner = json_object_object_get_ex(b, "winner_price", &v) && v;
  nb.is_winning = json_object_object_get_ex(b, "is_winning", &v) &&
                  json_object_get_boolean(v);
  mk_copy(nb.listing_uuid, sizeof(nb.listing_uuid), l->uuid);
  mk_copy(nb.market, sizeof(nb.market), mk_market_at(mi)->code);
  for(i = 0; i < s->bboxes.n; i++)
    if(!strcmp(s->bboxes.a[i].listing_uuid, l->uuid) &&
       !strcmp(s->bboxes.a[i].market, nb.market))
      e = &s->bboxes.a[i];
  if(!e && !(e = MK_PUSH(s->bboxes))) {
    mk_cerr(r, 500, "out of memory");
    return;
  }
  *e = nb;
  v = json_object_new_object();
  json_object_object_add(v, "listing", json_object_new_string(l->uuid));
  json_object_object_add(v, "market", json_object_new_string(nb.market));
  mk_resp_json(r, 201, v);
}

static void mk_pro_ctl(struct mk_sim *s, struct mk_req *rq, const char *rest,
                       json_object *b, struct mk_resp *r)
{
  char err[200];
  size_t i;
  if(!strcmp(rest, "keys") && !strcmp(rq->method, "POST")) {
    const char *k = mk_jstr_get(b, "key"), *sid = mk_jstr_get(b, "seller_id");
    const char *nm = mk_jstr_get(b, "seller_name");
    struct mk_pro_key *pk;
    char *dup;
    json_object *o;
    if(!k || !*k || !sid || !*sid) {
      mk_cerr(r, 400, "key and seller_id are required");
      return;
    }
    dup = strdup(k);
    if(!dup || !(pk = MK_PUSH(s->pro_keys))) {
      free(dup);
      mk_cerr(r, 500, "out of memory");
      return;
    }
    pk->key = dup;
    mk_copy(pk->seller_id, sizeof(pk->seller_id), sid);
    mk_copy(pk->seller_name, sizeof(pk->seller_name), nm ? nm : sid);
    o = json_object_new_object();
    json_object_object_add(o, "seller_id", json_object_new_string(sid));
    mk_resp_json(r, 201, o);
  }
  else if(!strcmp(rest, "orders") && !strcmp(rq->method, "POST")) {
    struct mk_pro_order *o = b ? mk_pro_order_create(s, b, err, sizeof(err)) :
                             NULL;
    if(!o)
      mk_cerr(r, 400, b ? err : "body must be a JSON object");
    else
      mk_resp_json(r, 201, mk_pro_order_json(s, o, 1));
  }
  else if(!strcmp(rest, "orders") && !strcmp(rq->method, "GET")) {
    json_object *a = json_object_new_array(), *o = json_object_new_object();
    for(i = 0; i < s->pro_orders.n; i++)
      json_object_array_add(a, mk_pro_order_json(s, &s->pro_orders.a[i], 1));
    json_object_object_add(o, "orders", a);
    mk_resp_json(r, 200, o);
  }
  else if(!strncmp(rest, "orders/", 7) && !strcmp(rq->method, "POST")) {
    const char *id = rest + 7, *sl = strchr(id, '/');
    if(!sl || strcmp(sl, "/cancel")) {
      mk_cerr(r, 404, "no such control endpoint");
      return;
    }
    for(i = 0; i < s->pro_orders.n; i++)
      if(strlen(s->pro_orders.a[i].id) == (size_t)(sl - id) &&
         !strncmp(s->pro_orders.a[i].id, id, (size_t)(sl - id)))
        break;
    if(i == s->pro_orders.n) {
      mk_cerr(r, 404, "unknown Pro order");
      return;
    }
    mk_copy(s->pro_orders.a[i].status, sizeof(s->pro_orders.a[i].status),
            "cancelled");
    s->pro_orders.a[i].updated = mk_now(s);
    mk_resp_json(r, 200, mk_pro_order_json(s, &s->pro_orders.a[i], 1));
  }
  else
    mk_cerr(r, 404, "no such control endpoint");
}

void mk_control(struct mk_sim *s, struct mk_req *rq, const char *rest,
                struct mk_resp *r)
{
  json_object *b = NULL;
  const char *m = rq->method;
  int post = !strcmp(m, "POST");
  if(rq->body_len) {
    b = mk_body_object(rq);
    if(!b) {
      mk_cerr(r, 400, "body must be a JSON object");
      return;
    }
  }
  else if(post)
    b = json_object_new_object();
  if(!strcmp(rest, "reset") && post) {
    mk_state_clear(s);
    mk_resp_json(r, 200, json_object_new_object());
  }
  else if(!strcmp(rest, "clock") && (post || !strcmp(m, "GET")))
    mk_clock(s, rq, b, r);
  else if(!strcmp(rest, "config") && !strcmp(m, "GET"))
    mk_resp_json(r, 200, mk_config_json(&s->cfg));
  else if(!strcmp(rest, "config") && post)
    mk_config_post(s, b, r);
  else if(!strcmp(rest, "merchants") && (post || !strcmp(m, "GET")))
    mk_merchants(s, rq, b, r);
  else if(!strcmp(rest, "tokens") && post)
    mk_tokens(s, b, r);
  else if(!strcmp(rest, "faults"))
    mk_faults(s, rq, b, r);
  else if(!strcmp(rest, "log") && !strcmp(m, "GET"))
    mk_log_get(s, rq, r);
  else if(!strcmp(rest, "stats") && !strcmp(m, "GET"))
    mk_stats_get(s, r);
  else if(!strcmp(rest, "backbox") && (post || !strcmp(m, "DELETE")))
    mk_backbox_ctl(s, rq, b, r);
  else if(!strcmp(rest, "care") || !strncmp(rest, "care/", 5))
    mk_care_ctl(s, rq, rest + 4, b, r);
  else if(!strcmp(rest, "categories") && post)
    mk_categories_ctl(s, b, r);
  else if(!strcmp(rest, "categories") && !strcmp(m, "GET"))
    mk_resp_json(r, 200, s->categories ? json_object_get(s->categories) :
                 json_object_new_array());
  else if(!strncmp(rest, "pro/", 4))
    mk_pro_ctl(s, rq, rest + 4, b, r);
  else if(!mk_control_data(s, rq, rest, r))
    mk_cerr(r, 404, "no such control endpoint");
  json_object_put(b);
}
