/*
 * mk_log.c -- the simulator's request log (a ring of the last 10,000 API
 * requests, credentials masked), its counters (/_sim/stats) and the
 * optional traffic dump (BMC_SIM_TRAFFIC_DUMP, one JSON line per request).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mk_internal.h"

#define MK_LOG_BODY_MAX 8192

static json_object *mk_headers_masked(const struct mk_req *rq)
{
  json_object *h = json_object_new_object();
  size_t i;
  for(i = 0; h && i < rq->headers.n; i++) {
    const char *k = rq->headers.a[i].k, *v = rq->headers.a[i].v;
    if(!strcasecmp(k, "authorization")) {
      const char *sp = strchr(v, ' ');
      char m[64];
      snprintf(m, sizeof(m), "%.*s ***",
               sp ? (int)(sp - v) > 16 ? 16 : (int)(sp - v) : 0, v);
      json_object_object_add(h, k, json_object_new_string(sp ? m : "***"));
    }
    else if(!strcasecmp(k, "x-api-key"))
      json_object_object_add(h, k, json_object_new_string("***"));
    else
      json_object_object_add(h, k, json_object_new_string(v));
  }
  return h;
}

static json_object *mk_str_n(const char *b, size_t n, size_t max)
{
  if(!b)
    return json_object_new_string("");
  return json_object_new_string_len(b, (int)(n > max ? max : n));
}

/* "/ws/orders/78740101" -> "/ws/orders/{id}" */
static void mk_endpoint_name(const char *method, const char *path,
                             char *out, size_t len)
{
  size_t o;
  const char *p = path;
  o = (size_t)snprintf(out, len, "%s ", method);
  while(*p && o + 1 < len) {
    const char *seg = p + 1, *end = strchr(seg, '/');
    size_t n = end ? (size_t)(end - seg) : strlen(seg), i;
    int id = n > 0;
    char tmp[64];
    for(i = 0; i < n; i++)
      if(!isdigit((unsigned char)seg[i]))
        id = 0;
    if(n < sizeof(tmp)) {
      memcpy(tmp, seg, n);
      tmp[n] = '\0';
      if(mk_is_uuid(tmp) || !strncmp(tmp, "PRO-", 4))
        id = 1;
    }
    o += (size_t)snprintf(out + o, len - o, "/%.*s", id ? 4 : (int)n,
                          id ? "{id}" : seg);
    if(o >= len)
      break;
    p = seg + n;
  }
}

void mk_log_request(struct mk_sim *s, const struct mk_req *rq,
                    struct mk_resp *r)
{
  json_object *e = json_object_new_object(), *cnt;
  char *q = mk_query_build(&rq->query, NULL, 0);
  char ep[256];
  int64_t seq = ++s->log_seq;
  snprintf(r->request_id, sizeof(r->request_id), "sim-%lld", (long long)seq);
  json_object_object_add(e, "seq", json_object_new_int64(seq));
  json_object_object_add(e, "request_id",
                         json_object_new_string(r->request_id));
  json_object_object_add(e, "at_ms", json_object_new_int64(mk_now(s)));
  json_object_object_add(e, "method", json_object_new_string(rq->method));
  json_object_object_add(e, "path", json_object_new_string(rq->path));
  json_object_object_add(e, "query", json_object_new_string(q ? q : ""));
  json_object_object_add(e, "headers", mk_headers_masked(rq));
  json_object_object_add(e, "body",
                         mk_str_n(rq->body, rq->body_len, MK_LOG_BODY_MAX));
  json_object_object_add(e, "status", json_object_new_int(r->status));
  json_object_object_add(e, "warning", r->warning[0] ?
                         json_object_new_string(r->warning) : NULL);
  if(s->dump) {
    json_object *d = json_object_new_object();
    json_object_object_add(d, "method", json_object_new_string(rq->method));
    json_object_object_add(d, "path", json_object_new_string(rq->path));
    json_object_object_add(d, "query", json_object_new_string(q ? q : ""));
    json_object_object_add(d, "headers", mk_headers_masked(rq));
    json_object_object_add(d, "body", mk_str_n(rq->body, rq->body_len,
                                               MK_BODY_CAP));
    json_object_object_add(d, "status", json_object_new_int(r->status));
    json_object_object_add(d, "content_type",
                           json_object_new_string(r->ctype ? r->ctype : ""));
    json_object_object_add(d, "response",
                           mk_str_n(r->body, r->len, 1024u * 1024u));
    json_object_object_add(d, "response_truncated",
                           json_object_new_boolean(r->len > 1024u * 1024u));
    json_object_object_add(d, "fault", r->fault ?
                           json_object_new_string(r->fault) : NULL);
    if(fprintf(s->dump, "%s\n", json_object_to_json_string_ext(
                 d, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE))
       < 0 || fflush(s->dump))
      fprintf(stderr, "market-sim: traffic dump write failed\n");
    json_object_put(d);
  }
  free(q);
  json_object_put(s->log[seq % MK_LOG_CAP]);
  s->log[seq % MK_LOG_CAP] = e;
  mk_endpoint_name(rq->method, rq->path, ep, sizeof(ep));
  if(!s->st_endpoints)
    s->st_endpoints = json_object_new_object();
  if(json_object_object_get_ex(s->st_endpoints, ep, &cnt))
    json_object_set_int64(cnt, json_object_get_int64(cnt) + 1);
  else
    json_object_object_add(s->st_endpoints, ep, json_object_new_int64(1));
}

void mk_log_get(struct mk_sim *s, const struct mk_req *rq, struct mk_resp *r)
{
  long long since = 0;
  const char *q = mk_kvs_get(&rq->query, "since");
  json_object *o = json_object_new_object(), *a = json_object_new_array();
  int64_t i, first;
  if(q && mk_parse_int(q, &since)) {
    json_object_put(o);
    json_object_put(a);
    mk_resp_json(r, 400, json_object_new_string("since must be an integer"));
    return;
  }
  first = s->log_seq - MK_LOG_CAP + 1;
  if(first < 1)
    first = 1;
  if(since + 1 > first)
    first = since + 1;
  for(i = first; i <= s->log_seq; i++)
    if(s->log[i % MK_LOG_CAP])
      json_object_array_add(a, json_object_get(s->log[i % MK_LOG_CAP]));
  json_object_object_add(o, "entries", a);
  json_object_object_add(o, "last_seq", json_object_new_int64(s->log_seq));
  mk_resp_json(r, 200, o);
}

void mk_stats_get(struct mk_sim *s, struct mk_resp *r)
{
  json_object *o = json_object_new_object();
  json_object_object_add(o, "requests", json_object_new_int64(s->st_requests));
  json_object_object_add(o, "status_429", json_object_new_int64(s->st_429));
  json_object_object_add(o, "sku_lines_accepted",
                         json_object_new_int64(s->st_sku_lines));
  json_object_object_add(o, "faults_fired",
                         json_object_new_int64(s->st_faults));
  json_object_object_add(o, "ua_warnings", json_object_new_int64(s->st_ua));
  json_object_object_add(o, "orders_examined",
                         json_object_new_int64(s->st_orders_examined));
  json_object_object_add(o, "endpoints", s->st_endpoints ?
                         json_object_get(s->st_endpoints) :
                         json_object_new_object());
  mk_resp_json(r, 200, o);
}

void mk_log_clear(struct mk_sim *s)
{
  size_t i;
  for(i = 0; i < MK_LOG_CAP; i++) {
    json_object_put(s->log[i]);
    s->log[i] = NULL;
  }
  s->log_seq = 0;
  s->st_requests = s->st_429 = s->st_sku_lines = s->st_faults = 0;
  s->st_ua = s->st_orders_examined = 0;
  json_object_put(s->st_endpoints);
  s->st_endpoints = NULL;
}
