/*
 * mk_core.c -- request routing of the marketplace simulator: the virtual
 * clock, response builders (JSON, ErrorResponseV1, bare string,
 * problem+json), Back Market authentication (token, platform, merchant,
 * User-Agent), lookups shared by the handlers, and freeing the state.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "mk_internal.h"

static int64_t mk_mono_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t mk_now(struct mk_sim *s)
{
  if(s->now_fn)
    return s->now_fn(s->now_ud);
  if(!s->wall_clock)
    return s->clock_base;
  return s->clock_base +
         (int64_t)((double)(mk_mono_ns() - s->mono_base_ns) / 1e6 * s->speed);
}

void mk_clock_set(struct mk_sim *s, int64_t ms)
{
  s->clock_base = ms;
  s->mono_base_ns = mk_mono_ns();
}

/* Copy the first comma-separated value of a header, trimmed. */
static void mk_first_value(const char *v, char *out, size_t len)
{
  size_t n;
  while(*v == ' ' || *v == '\t')
    v++;
  n = strcspn(v, ", \t");
  if(n >= len)
    n = len - 1;
  memcpy(out, v, n);
  out[n] = '\0';
}

/* A host[:port] made only of characters a URL authority may hold. */
static int mk_host_ok(const char *h)
{
  if(!*h)
    return 0;
  for(; *h; h++)
    if(!isalnum((unsigned char)*h) && !strchr(".-:[]_", *h))
      return 0;
  return 1;
}

void mk_base_url(struct mk_sim *s, const struct mk_req *rq, char *buf,
                 size_t len)
{
  const char *xp = mk_hdr(rq, "x-forwarded-proto");
  const char *xh = mk_hdr(rq, "x-forwarded-host");
  const char *host = mk_hdr(rq, "host");
  char scheme[8] = "http", h[200] = "";
  size_t n;
  if(s->cfg.public_url[0]) {
    mk_copy(buf, len, s->cfg.public_url);
    n = strlen(buf);
    while(n && buf[n - 1] == '/')
      buf[--n] = '\0';
    return;
  }
  if(xp) {
    char p[8];
    mk_first_value(xp, p, sizeof(p));
    if(!strcasecmp(p, "https"))
      mk_copy(scheme, sizeof(scheme), "https");
  }
  if(xh)
    mk_first_value(xh, h, sizeof(h));
  if(!mk_host_ok(h) && host)
    mk_first_value(host, h, sizeof(h));
  if(!mk_host_ok(h))
    snprintf(h, sizeof(h), "127.0.0.1:%u", (unsigned)s->port);
  snprintf(buf, len, "%s://%s", scheme, h);
}

void mk_tick(struct mk_sim *s)
{
  mk_schedule_tick(s);
  mk_tasks_tick(s);
}

const char *mk_hdr(const struct mk_req *rq, const char *name)
{
  return mk_kvs_get(&rq->headers, name);
}

void mk_resp_reset(struct mk_resp *r)
{
  free(r->body);
  r->body = NULL;
  r->len = 0;
}

void mk_resp_text(struct mk_resp *r, int status, const char *ctype,
                  const char *text)
{
  mk_resp_reset(r);
  r->status = status;
  r->ctype = ctype;
  r->body = strdup(text ? text : "");
  r->len = r->body ? strlen(r->body) : 0;
  if(!r->body)
    r->status = 500;
}

/* Takes ownership of o. */
void mk_resp_json(struct mk_resp *r, int status, json_object *o)
{
  const char *t;
  if(!o) {
    mk_resp_text(r, 500, "application/json",
                 "{\"error\":{\"code\":\"internal\","
                 "\"message\":\"out of memory\"}}");
    return;
  }
  t = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                         JSON_C_TO_STRING_NOSLASHESCAPE);
  mk_resp_text(r, status, "application/json", t);
  json_object_put(o);
}

/* {"code", "message"}: the Error member of every Back Market envelope. */
static json_object *mk_err_member(const char *code, const char *msg)
{
  json_object *e = json_object_new_object();
  json_object_object_add(e, "code", json_object_new_string(code));
  json_object_object_add(e, "message", json_object_new_string(msg));
  return e;
}

static json_object *mk_request_id(struct mk_sim *s)
{
  char rid[48];
  snprintf(rid, sizeof(rid), "sim-%lld", (long long)(s->log_seq + 1));
  return json_object_new_string(rid);
}

/* ErrorResponseV1: {"error": {"code", "message"}, "requestId"}. */
void mk_resp_v1(struct mk_sim *s, struct mk_resp *r, int status,
                const char *code, const char *msg)
{
  json_object *o = json_object_new_object();
  json_object_object_add(o, "error", mk_err_member(code, msg));
  json_object_object_add(o, "requestId", mk_request_id(s));
  mk_resp_json(r, status, o);
}

/* ErrorResponseV2: {"errors": [{"code", "message"}], "requestId"}. */
void mk_resp_v2(struct mk_sim *s, struct mk_resp *r, int status,
                const char *code, const char *msg)
{
  json_object *o = json_object_new_object(), *a = json_object_new_array();
  json_object_array_add(a, mk_err_member(code, msg));
  json_object_object_add(o, "errors", a);
  json_object_object_add(o, "requestId", mk_request_id(s));
  mk_resp_json(r, status, o);
}

/* ErrorResponseV3 (problem+json with an error member). */
void mk_resp_v3(struct mk_sim *s, struct mk_resp *r, int status,
                const char *type, const char *title, const char *msg)
{
  json_object *o = json_object_new_object();
  json_object_object_add(o, "error", mk_err_member(type, msg));
  json_object_object_add(o, "status", json_object_new_int(status));
  json_object_object_add(o, "title", json_object_new_string(title));
  json_object_object_add(o, "type", json_object_new_string(type));
  json_object_object_add(o, "requestId", mk_request_id(s));
  mk_resp_json(r, status, o);
  r->ctype = "application/problem+json";
}

void mk_resp_str(struct mk_resp *r, int status, const char *msg)
{
  mk_resp_json(r, status, json_object_new_string(msg));
}

void mk_resp_problem(struct mk_resp *r, int status, const char *type,
                     const char *title, const char *detail)
{
  json_object *o = json_object_new_object();
  json_object_object_add(o, "type", json_object_new_string(type));
  json_object_object_add(o, "title", json_object_new_string(title));
  json_object_object_add(o, "status", json_object_new_int(status));
  json_object_object_add(o, "detail", json_object_new_string(detail));
  mk_resp_json(r, status, o);
  r->ctype = "application/problem+json";
}

/* The body as a JSON object, or NULL (absent, malformed, not an object).
   The caller owns the result. */
json_object *mk_body_object(const struct mk_req *rq)
{
  json_tokener *tk;
  json_object *o;
  if(!rq->body || !rq->body_len)
    return NULL;
  tk = json_tokener_new();
  if(!tk)
    return NULL;
  o = json_tokener_parse_ex(tk, rq->body, (int)rq->body_len);
  if(o && (json_tokener_get_error(tk) != json_tokener_success ||
           tk->char_offset != (int)rq->body_len ||
           !json_object_is_type(o, json_type_object))) {
    json_object_put(o);
    o = NULL;
  }
  json_tokener_free(tk);
  return o;
}

struct mk_merchant *mk_merchant_get(struct mk_sim *s, int64_t id)
{
  size_t i;
  for(i = 0; i < s->merchants.n; i++)
    if(s->merchants.a[i].id == id)
      return &s->merchants.a[i];
  return NULL;
}

struct mk_line *mk_line_find(struct mk_sim *s, int64_t id,
                             struct mk_order **o)
{
  size_t i, k;
  for(i = 0; i < s->orders.n; i++)
    for(k = 0; k < s->orders.a[i].nlines; k++)
      if(s->orders.a[i].lines[k].id == id) {
        *o = &s->orders.a[i];
        return &s->orders.a[i].lines[k];
      }
  *o = NULL;
  return NULL;
}

/* Order state from line states (reference 3.4): any 0 -> 0, any pending
   -> 10, any paid or on hold -> 1, any accepted -> 3, else 9. */
int mk_order_state(const struct mk_order *o)
{
  int any[10] = {0};
  size_t i;
  if(o->payment_failed)
    return 8;
  for(i = 0; i < o->nlines; i++)
    if(o->lines[i].state >= 0 && o->lines[i].state <= 9)
      any[o->lines[i].state] = 1;
  if(any[0])
    return 0;
  if(any[8])
    return 10;
  if(any[1] || any[9])
    return 1;
  if(any[2])
    return 3;
  return 9;
}

int64_t mk_order_total(const struct mk_order *o)
{
  int64_t t = 0;
  size_t i;
  for(i = 0; i < o->nlines; i++)
    t += o->lines[i].price;
  return t;
}

void mk_order_free(struct mk_order *o)
{
  if(!o)
    return;
  json_object_put(o->shipping_address);
  json_object_put(o->billing_address);
  free(o->lines);
  o->lines = NULL;
}

void mk_state_clear(struct mk_sim *s)
{
  size_t i;
  for(i = 0; i < s->tokens.n; i++)
    mk_token_free(&s->tokens.a[i]);
  for(i = 0; i < s->orders.n; i++)
    mk_order_free(&s->orders.a[i]);
  for(i = 0; i < s->listings.n; i++)
    mk_listing_free(&s->listings.a[i]);
  for(i = 0; i < s->tasks.n; i++)
    mk_task_free(&s->tasks.a[i]);
  for(i = 0; i < s->pro_keys.n; i++) {
    free(s->pro_keys.a[i].key);
    mk_window_free(&s->pro_keys.a[i].win);
  }
  for(i = 0; i < s->pro_orders.n; i++)
    mk_pro_order_free(&s->pro_orders.a[i]);
  s->merchants.n = s->tokens.n = s->listings.n = s->products.n = 0;
  mk_listing_index_clear(s);
  mk_order_index_clear(s);
  s->orders.n = s->tasks.n = s->bboxes.n = s->faults.n = 0;
  s->schedules.n = s->pro_keys.n = s->pro_orders.n = 0;
  s->next_order = 78740101;
  s->next_line = 78767001;
  s->next_listing = 4000001;
  s->next_task = 4312;
  s->next_bm = 3000001;
  s->next_pro = 100001;
  s->next_shipment = 1;
  s->next_merchant = 1;
  s->rng = 0x9e3779b97f4a7c15ull;
  s->cfg = s->cfg0;
  mk_categories_default(s);
  mk_care_clear(s);
  mk_log_clear(s);
}

/* Platform named by a Host header, or -1 for a plain loopback host. */
static int mk_host_platform(const char *host)
{
  char h[256];
  size_t i, n;
  char *colon;
  if(!host)
    return -1;
  mk_copy(h, sizeof(h), host);
  for(i = 0; h[i]; i++)
    h[i] = (char)tolower((unsigned char)h[i]);
  if(h[0] != '[' && (colon = strrchr(h, ':')) != NULL)
    *colon = '\0';
  n = strlen(h);
  if(!strncmp(h, "eu.", 3))
    return MK_EU;
  if(!strncmp(h, "na.", 3))
    return MK_NA;
  if(!strncmp(h, "ap.", 3))
    return MK_AP;
  if(n >= 14 && !strcmp(h + n - 14, "backmarket.com"))
    return MK_NA;
  if(n >= 16 && !strcmp(h + n - 16, "backmarket.co.jp"))
    return MK_AP;
  if(strstr(h, "backmarket."))
    return MK_EU;
  return -1;
}

static struct mk_token *mk_token_find(struct mk_sim *s, const char *tok)
{
  size_t i;
  for(i = 0; i < s->tokens.n; i++)
    if(!strcmp(s->tokens.a[i].token, tok))
      return &s->tokens.a[i];
  return NULL;
}

/* An authentication error in the envelope the endpoint declares: V2 on
   the category tree, V1 everywhere else (reference 6.2). */
static void mk_auth_err(struct mk_sim *s, const struct mk_ctx *c,
                        struct mk_resp *r, int status, const char *code,
                        const char *msg)
{
  if(!strcmp(c->rq->path, "/ws/category/tree") ||
     !strcmp(c->rq->path, "/ws/category/tree/"))
    mk_resp_v2(s, r, status, code, msg);
  else
    mk_resp_v1(s, r, status, code, msg);
}

/* Authenticate a /ws/ request; 0 = go on, -1 = response already set. */
static int mk_ws_auth(struct mk_sim *s, struct mk_ctx *c, struct mk_resp *r)
{
  const char *auth = mk_hdr(c->rq, "authorization");
  const char *ua = mk_hdr(c->rq, "user-agent");
  const char *al = mk_hdr(c->rq, "accept-language");
  int hp = mk_host_platform(mk_hdr(c->rq, "host"));
  if(!auth || strncasecmp(auth, "Basic ", 6) || !auth[6]) {
    mk_auth_err(s, c, r, 401, "unauthenticated",
                "Authentication credentials were not provided.");
    return -1;
  }
  c->tok = mk_token_find(s, auth + 6);
  if(!c->tok || (hp >= 0 && hp != c->tok->platform)) {
    mk_auth_err(s, c, r, 401, "unauthenticated",
                "Invalid token (unknown, revoked, or issued for another "
                "platform).");
    return -1;
  }
  c->platform = c->tok->platform;
  c->mer = mk_merchant_get(s, c->tok->merchant_id);
  if(!c->mer || !c->mer->is_merchant) {
    mk_auth_err(s, c, r, 403, "forbidden",
                "Forbidden. Authenticated user is not a merchant.");
    return -1;
  }
  if(!mk_ua_valid(ua)) {
    if(s->cfg.ua_refuse) {
      mk_auth_err(s, c, r, 403, "invalid_user_agent",
                  "User-Agent must be BM-{Company}-{Integration};email");
      return -1;
    }
    mk_copy(r->warning, sizeof(r->warning),
            "User-Agent does not match BM-{Company}-{Integration};email");
    s->st_ua++;
  }
  if(s->cfg.quotas && mk_quota_check(s, c, r))
    return -1;
  c->market = mk_market_default(c->platform);
  if(al && *al) {
    /* first language of a list such as "en-gb,en;q=0.9" */
    char lang[16];
    const struct mk_market_info *m;
    mk_copy(lang, sizeof(lang), al);
    lang[strcspn(lang, ",; ")] = '\0';
    m = mk_market_find(lang);
    if(m && m->platform == c->platform)
      c->market = m;
    else
      c->market_bad = 1;
  }
  return 0;
}

static void mk_ws(struct mk_sim *s, struct mk_req *rq, const char *rest,
                  struct mk_resp *r)
{
  struct mk_ctx c;
  char path[512];
  size_t n = strlen(rest);
  memset(&c, 0, sizeof(c));
  c.rq = rq;
  mk_base_url(s, rq, c.base, sizeof(c.base));
  /* An item path with a trailing slash is the item, as a collection with
     one is the collection ("/ws/orders/1/" = "/ws/orders/1"). */
  if(n > 1 && rest[n - 1] == '/' && n < sizeof(path)) {
    memcpy(path, rest, n - 1);
    path[n - 1] = '\0';
    rest = path;
  }
  if(mk_ws_auth(s, &c, r))
    return;
  if(!strncmp(rest, "orders", 6) && (rest[6] == '\0' || rest[6] == '/'))
    mk_ws_orders(s, &c, rest + 6, r);
  else if(!strncmp(rest, "orderlines/", 11))
    mk_ws_orderlines(s, &c, rest + 11, r);
  else if(!strcmp(rest, "sav") || !strncmp(rest, "sav/", 4))
    mk_ws_sav(s, &c, rest + 3, r);
  else if(!strcmp(rest, "listings_bi"))
    mk_ws_listings_bi(s, &c, r);
  else if(!strncmp(rest, "category/tree", 13) &&
          (rest[13] == '\0' || rest[13] == '/'))
    mk_ws_category(s, &c, rest + 13, r);
  else if(!strcmp(rest, "listings") && !strcmp(rq->method, "POST"))
    mk_ws_bulk(s, &c, r);
  else if(!strncmp(rest, "listings", 8) &&
          (rest[8] == '\0' || rest[8] == '/'))
    mk_ws_listings(s, &c, rest + 8, r);
  else if(!strncmp(rest, "tasks/", 6))
    mk_ws_tasks(s, &c, rest + 6, r);
  else if(!strncmp(rest, "backbox/v1/competitors/", 23))
    mk_ws_backbox(s, &c, rest + 23, r);
  else
    mk_resp_v1(s, r, 404, "not_found", "Webservices unavailable");
}

static struct mk_fault *mk_fault_take(struct mk_sim *s,
                                      const struct mk_req *rq)
{
  size_t i;
  for(i = 0; i < s->faults.n; i++) {
    struct mk_fault *f = &s->faults.a[i];
    if(f->count <= 0 || strncmp(rq->path, f->path, strlen(f->path)))
      continue;
    if(f->method[0] && strcasecmp(f->method, rq->method))
      continue;
    f->count--;
    return f;
  }
  return NULL;
}

static const char mk_cf_page[] =
  "<!DOCTYPE html>\n<html lang=\"en-US\"><head><title>Attention Required! "
  "| Cloudflare</title></head><body><div id=\"cf-wrapper\"><h1>Sorry, you "
  "have been blocked</h1><h2>You are unable to access backmarket.fr</h2>"
  "<p>This website is using a security service to protect itself from "
  "online attacks.</p><p>Cloudflare Ray ID: <strong>8a1b2c3d4e5f6789"
  "</strong></p></div></body></html>\n";

/* Fill r for a fault; returns 1 when the fault replaces the handler. */
static int mk_fault_apply(struct mk_sim *s, const struct mk_fault *f,
                          struct mk_resp *r)
{
  static const char *const kinds[] = {"status", "delay", "drop", "malformed",
                                      "cloudflare", "bot_json", "oversized"};
  size_t k;
  s->st_faults++;
  for(k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
    if(!strcmp(f->kind, kinds[k]))
      r->fault = kinds[k];            /* static: outlives the fault list */
  if(!strcmp(f->kind, "delay")) {
    r->delay_ms = f->delay_ms;
    return 0;
  }
  if(!strcmp(f->kind, "status")) {
    mk_resp_v1(s, r, (int)f->status, "simulated_fault",
               "Fault injected by the simulator");
    if(f->status == 429)
      r->retry_after = f->retry_after > 0 ? f->retry_after : 10;
  }
  else if(!strcmp(f->kind, "drop")) {
    mk_resp_text(r, 200, "application/json",
                 "{\"count\": 1, \"next\": null, \"previous\": null, "
                 "\"results\": [{\"order_id\": 1, \"state\": 1, "
                 "\"orderlines\": []}]}");
    r->drop = 1;
  }
  else if(!strcmp(f->kind, "malformed"))
    mk_resp_text(r, 200, "application/json",
                 "{\"count\": 3, \"next\": null, \"results\": [{\"order_id\"");
  else if(!strcmp(f->kind, "cloudflare")) {
    mk_resp_text(r, 403, "text/html; charset=UTF-8", mk_cf_page);
    r->cloudflare = 1;
  }
  else if(!strcmp(f->kind, "bot_json"))
    mk_resp_text(r, 403, "application/json",
                 "{\"errors\":[{\"code\":\"bot-need-challenge\","
                 "\"message\":\"Forbidden\","
                 "\"challengePath\":\"/testchallengepage\"}]}");
  else if(!strcmp(f->kind, "oversized")) {
    size_t n = f->size ? f->size : 16u * 1024u * 1024u, i;
    char *b;
    if(n < 32)
      n = 32;
    b = malloc(n + 1);
    if(!b) {
      mk_resp_text(r, 500, "application/json", "{}");
      return 1;
    }
    memcpy(b, "{\"padding\": \"", 13);
    for(i = 13; i < n - 2; i++)
      b[i] = 'x';
    b[n - 2] = '"';
    b[n - 1] = '}';
    b[n] = '\0';
    mk_resp_reset(r);
    r->status = 200;
    r->ctype = "application/json";
    r->body = b;
    r->len = n;
  }
  return 1;
}

void mk_dispatch(struct mk_sim *s, struct mk_req *rq, struct mk_resp *r,
                 int from_http)
{
  struct mk_fault *f;
  const char *method = rq->method;
  size_t n_orders;
  /* HEAD is GET without the body (libmicrohttpd drops the body); it is
     logged as HEAD. */
  if(!strcmp(method, "HEAD"))
    rq->method = "GET";
  pthread_mutex_lock(&s->mu);
  n_orders = s->orders.n;
  mk_tick(s);
  if(s->orders.n != n_orders)
    mk_orders_touched(s); /* scheduled customer orders came in */
  if(!strncmp(rq->path, "/_sim/", 6) || !strcmp(rq->path, "/_sim")) {
    mk_control(s, rq, rq->path[5] ? rq->path + 6 : "", r);
    if(strcmp(rq->method, "GET"))
      mk_orders_touched(s);
    pthread_mutex_unlock(&s->mu);
    rq->method = method;
    return;
  }
  s->st_requests++;
  f = from_http ? mk_fault_take(s, rq) : NULL;
  if(!f || !mk_fault_apply(s, f, r)) {
    if(!strncmp(rq->path, "/ws/", 4))
      mk_ws(s, rq, rq->path + 4, r);
    else if(!strncmp(rq->path, "/sellers-prod/", 14))
      mk_pro_dispatch(s, rq, rq->path + 14, r);
    else
      mk_resp_v1(s, r, 404, "not_found", "No such endpoint");
  }
  /* WARNING: every request but a GET may change orders (state, dates,
   * new ones): the cached order lists must not outlive it */
  if(strcmp(rq->method, "GET"))
    mk_orders_touched(s);
  if(r->status == 429)
    s->st_429++;
  rq->method = method;
  mk_log_request(s, rq, r);
  pthread_mutex_unlock(&s->mu);
}
