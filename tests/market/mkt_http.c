/*
 * mkt_http.c -- test helpers for the market-sim tests: the embedded
 * simulator, a libcurl client that records status, body and the headers a
 * client cares about (Content-Type, Retry-After, Server), and seeding.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "mkt_http.h"

struct mk_sim *mkt_sim;

int mkt_start(void)
{
  struct mk_sim_opts o;
  char err[256];
  memset(&o, 0, sizeof(o));
  o.quotas = 0;
  o.threads = 2;
  if(curl_global_init(CURL_GLOBAL_ALL))
    return -1;
  if(mk_sim_start(&o, &mkt_sim, err, sizeof(err))) {
    fprintf(stderr, "mk_sim_start: %s\n", err);
    return -1;
  }
  return 0;
}

void mkt_stop(void)
{
  mk_sim_stop(mkt_sim);
  mkt_sim = NULL;
  curl_global_cleanup();
}

static size_t mkt_write(char *p, size_t sz, size_t n, void *ud)
{
  struct mkt_resp *r = ud;
  size_t add = sz * n;
  char *b = realloc(r->body, r->len + add + 1);
  if(!b)
    return 0;
  memcpy(b + r->len, p, add);
  r->body = b;
  r->len += add;
  b[r->len] = '\0';
  return add;
}

static size_t mkt_header(char *p, size_t sz, size_t n, void *ud)
{
  struct mkt_resp *r = ud;
  size_t len = sz * n;
  char line[256];
  size_t k = len < sizeof(line) - 1 ? len : sizeof(line) - 1;
  memcpy(line, p, k);
  line[k] = '\0';
  while(k && (line[k - 1] == '\r' || line[k - 1] == '\n'))
    line[--k] = '\0';
  if(!strncasecmp(line, "Content-Type: ", 14))
    snprintf(r->ctype, sizeof(r->ctype), "%.*s", (int)sizeof(r->ctype) - 1,
             line + 14);
  else if(!strncasecmp(line, "Retry-After: ", 13))
    r->retry_after = strtol(line + 13, NULL, 10);
  else if(!strncasecmp(line, "Server: ", 8))
    snprintf(r->server, sizeof(r->server), "%.*s",
             (int)sizeof(r->server) - 1, line + 8);
  return len;
}

long mkt_http(const char *method, const char *path, const char *const *hdrs,
              const char *body, struct mkt_resp *r)
{
  CURL *c = curl_easy_init();
  struct curl_slist *h = NULL;
  char url[4096];
  size_t i;
  memset(r, 0, sizeof(*r));
  r->retry_after = -1;
  if(!c) {
    r->curl_rc = -1;
    return 0;
  }
  if(!strncmp(path, "http", 4))
    snprintf(url, sizeof(url), "%s", path);
  else
    snprintf(url, sizeof(url), "http://127.0.0.1:%u%s",
             (unsigned)mk_sim_port(mkt_sim), path);
  for(i = 0; hdrs && hdrs[i]; i++) {
    struct curl_slist *t = curl_slist_append(h, hdrs[i]);
    if(t)
      h = t;
  }
  if(curl_easy_setopt(c, CURLOPT_URL, url) ||
     curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method) ||
     curl_easy_setopt(c, CURLOPT_HTTPHEADER, h) ||
     curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, mkt_write) ||
     curl_easy_setopt(c, CURLOPT_WRITEDATA, r) ||
     curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, mkt_header) ||
     curl_easy_setopt(c, CURLOPT_HEADERDATA, r) ||
     curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) ||
     curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 20000L) ||
     curl_easy_setopt(c, CURLOPT_NOPROXY, "*"))
    r->curl_rc = -1;
  if(!strcmp(method, "HEAD") && !r->curl_rc &&
     curl_easy_setopt(c, CURLOPT_NOBODY, 1L))
    r->curl_rc = -1;
  if(body && !r->curl_rc &&
     (curl_easy_setopt(c, CURLOPT_POSTFIELDS, body) ||
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body))))
    r->curl_rc = -1;
  if(!r->curl_rc) {
    r->curl_rc = (int)curl_easy_perform(c);
    if(!r->curl_rc &&
       curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status))
      r->status = 0;
  }
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  if(!r->body)
    r->body = calloc(1, 1);
  return r->curl_rc ? 0 : r->status;
}

long mkt_ws(const char *method, const char *path, const char *lang,
            const char *body, struct mkt_resp *r)
{
  char al[64];
  const char *h[] = {"Authorization: Basic " MKT_TOKEN, "User-Agent: " MKT_UA,
                     "Content-Type: application/json",
                     "Accept: application/json", al, NULL};
  snprintf(al, sizeof(al), "Accept-Language: %s", lang ? lang : "en-gb");
  return mkt_http(method, path, h, body, r);
}

void mkt_resp_free(struct mkt_resp *r)
{
  free(r->body);
  r->body = NULL;
}

json_object *mkt_json(const struct mkt_resp *r)
{
  return r->body ? json_tokener_parse(r->body) : NULL;
}

int mkt_ctl(const char *method, const char *path, const char *body,
            json_object **out)
{
  int st = 0;
  char *resp = NULL;
  if(out)
    *out = NULL;
  if(mk_sim_control(mkt_sim, method, path, body, &st, &resp))
    return -1;
  if(out && resp)
    *out = json_tokener_parse(resp);
  free(resp);
  return st;
}

void mkt_seed(void)
{
  mkt_ctl("POST", "/_sim/reset", NULL, NULL);
  /* reset keeps the clock: put it back at 2026-03-22T12:00:00Z */
  mkt_ctl("POST", "/_sim/clock", "{\"set_ms\": 1774180800000}", NULL);
  mkt_ctl("POST", "/_sim/merchants",
          "{\"id\": 789, \"name\": \"Acme\"}", NULL);
  mkt_ctl("POST", "/_sim/tokens", "{\"token\": \"" MKT_TOKEN "\", "
          "\"merchant_id\": 789, \"platform\": \"eu\"}", NULL);
}

const char *mkt_listing(const char *sku, int qty, const char *gbp_price)
{
  static char uuid[64];
  char body[512];
  json_object *o = NULL;
  snprintf(body, sizeof(body), "{\"merchant_id\": 789, \"sku\": \"%s\", "
           "\"quantity\": %d, \"grade\": \"FAIR\", \"markets\": {\"en-gb\": "
           "{\"price\": \"%s\", \"currency\": \"GBP\", \"max_price\": "
           "\"900.00\"}, \"fr-fr\": {\"price\": \"500.00\"}}}",
           sku, qty, gbp_price);
  uuid[0] = '\0';
  if(mkt_ctl("POST", "/_sim/listings", body, &o) == 201 && o)
    snprintf(uuid, sizeof(uuid), "%s", mkt_jstr(o, "id"));
  json_object_put(o);
  return uuid;
}

long long mkt_order(const char *sku, int qty)
{
  char body[256];
  json_object *o = NULL;
  long long id = -1;
  snprintf(body, sizeof(body), "{\"merchant_id\": 789, \"sku\": \"%s\", "
           "\"quantity\": %d, \"market\": \"en-gb\"}", sku, qty);
  if(mkt_ctl("POST", "/_sim/customer_order", body, &o) == 201 && o)
    id = mkt_jint(o, "order_id");
  json_object_put(o);
  return id;
}

long mkt_advance(long long ms)
{
  char body[64];
  snprintf(body, sizeof(body), "{\"advance_ms\": %lld}", ms);
  return mkt_ctl("POST", "/_sim/clock", body, NULL);
}

/* "a.b.0.c" path lookup. */
static json_object *mkt_path(json_object *o, const char *path)
{
  char buf[256], *p, *save = NULL;
  snprintf(buf, sizeof(buf), "%s", path);
  for(p = strtok_r(buf, ".", &save); p && o; p = strtok_r(NULL, ".", &save)) {
    if(json_object_is_type(o, json_type_array)) {
      char *end;
      long i = strtol(p, &end, 10);
      o = *end ? NULL : json_object_array_get_idx(o, (size_t)i);
    }
    else if(!json_object_object_get_ex(o, p, &o))
      o = NULL;
  }
  return o;
}

const char *mkt_jstr(json_object *o, const char *path)
{
  json_object *v = mkt_path(o, path);
  return v ? json_object_get_string(v) : NULL;
}

long long mkt_jint(json_object *o, const char *path)
{
  json_object *v = mkt_path(o, path);
  return v ? json_object_get_int64(v) : -999999;
}

int mkt_has(const char *s, const char *sub)
{
  return s && strstr(s, sub) != NULL;
}

int mkt_streq(const char *a, const char *b)
{
  return a && b && !strcmp(a, b);
}
