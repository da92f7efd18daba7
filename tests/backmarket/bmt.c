/*
 * bmt.c -- owns the order-side integration test helpers (see bmt.h).
 */
#define _GNU_SOURCE
#include "bmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
bmt_start(struct th_env *e, int quotas, const char *policy,
          const char *const *extra)
{
  const char *settings[40];
  struct th_env_opts o;
  char err[512];
  size_t n = 0;
  size_t i;

  settings[n++] = "order_download";
  settings[n++] = "true";
  settings[n++] = "tracking_upload";
  settings[n++] = "true";
  settings[n++] = "markets";
  settings[n++] = "en-gb";
  settings[n++] = "company_name";
  settings[n++] = "Acme Refurb";
  settings[n++] = "acceptance_policy";
  settings[n++] = policy ? policy : "hold";
  for(i = 0; extra && extra[i] && extra[i + 1] && n + 2 < 40; i += 2) {
    settings[n++] = extra[i];
    settings[n++] = extra[i + 1];
  }
  settings[n] = NULL;
  memset(&o, 0, sizeof(o));
  o.plugin = "backmarket";
  o.quotas = quotas;
  o.token = BMT_TOKEN;
  o.settings = settings;
  err[0] = '\0';
  if(th_env_start(e, &o, err, sizeof(err))) {
    fprintf(stderr, "bmt_start: %s\n", err);
    th_env_stop(e);
    return -1;
  }
  return 0;
}

int
bmt_product(struct th_env *e, const char *sku, int64_t qty)
{
  char body[512];

  if(th_product(e, sku, qty))
    return -1;
  snprintf(body, sizeof(body), "{\"merchant_id\": %d, \"sku\": \"%s\", "
           "\"quantity\": 1000, \"markets\": {\"en-gb\": {\"price\": "
           "\"449.00\", \"currency\": \"GBP\"}}}", TH_MERCHANT_ID, sku);
  return th_sim_control(e, "POST", "/_sim/listings", body, NULL) == 201 ? 0
                                                                        : -1;
}

int64_t
bmt_order(struct th_env *e, const char *const *skus, const int *qtys, int n,
          int64_t *line_ids)
{
  char body[4096];
  size_t o;
  struct json_object *j = NULL;
  struct json_object *v;
  struct json_object *lines;
  int64_t id = -1;
  int i;
  int st;

  o = (size_t)snprintf(body, sizeof(body), "{\"merchant_id\": %d, "
                       "\"market\": \"en-gb\", \"lines\": [", TH_MERCHANT_ID);
  for(i = 0; i < n && o < sizeof(body) - 200; i++)
    o += (size_t)snprintf(body + o, sizeof(body) - o, "%s{\"sku\": \"%s\", "
                          "\"quantity\": %d, \"price\": \"%d.00\", \"fee\": "
                          "\"%d.90\", \"state\": 1}", i ? ", " : "", skus[i],
                          qtys[i], 449 * qtys[i], 44 * qtys[i]);
  snprintf(body + o, sizeof(body) - o, "]}");
  st = th_sim_control(e, "POST", "/_sim/orders", body, &j);
  if(st != 201 || !j) {
    fprintf(stderr, "bmt_order: HTTP %d\n", st);
    json_object_put(j);
    return -1;
  }
  if(json_object_object_get_ex(j, "order_id", &v))
    id = json_object_get_int64(v);
  if(line_ids && json_object_object_get_ex(j, "orderlines", &lines))
    for(i = 0; i < n && i < (int)json_object_array_length(lines); i++)
      if(json_object_object_get_ex(json_object_array_get_idx(lines, (size_t)i),
                                   "id", &v))
        line_ids[i] = json_object_get_int64(v);
  json_object_put(j);
  return id;
}

int64_t
bmt_order1(struct th_env *e, const char *sku, int qty, int64_t *line_id)
{
  const char *skus[1] = {sku};
  int qtys[1] = {qty};

  return bmt_order(e, skus, qtys, 1, line_id);
}

int
bmt_sim_line_state(struct th_env *e, int64_t order_id, int64_t line_id)
{
  struct json_object *j = NULL;
  struct json_object *lines;
  struct json_object *v;
  char path[64];
  size_t i;
  int st = -1;

  snprintf(path, sizeof(path), "/_sim/orders/%lld", (long long)order_id);
  if(th_sim_control(e, "GET", path, NULL, &j) == 200 && j &&
     json_object_object_get_ex(j, "orderlines", &lines))
    for(i = 0; i < json_object_array_length(lines); i++) {
      struct json_object *l = json_object_array_get_idx(lines, i);
      if(json_object_object_get_ex(l, "id", &v) &&
         json_object_get_int64(v) == line_id &&
         json_object_object_get_ex(l, "state", &v))
        st = json_object_get_int(v);
    }
  json_object_put(j);
  return st;
}

int
bmt_posts(struct th_env *e, int64_t seq, int64_t order_id,
          const char *needle)
{
  char path[64];

  snprintf(path, sizeof(path), "/ws/orders/%lld", (long long)order_id);
  return th_sim_log_count(e, seq, "POST", path, needle);
}

struct bmt_oq {
  const char *sid;
  char *status;
  size_t slen;
  int ship_rep, cancel_rep;
  int n;
};

static int
bmt_order_cb(void *ud, const struct hs_order_summary *o)
{
  struct bmt_oq *q = ud;

  if(strcmp(o->source_order_id, q->sid))
    return 0;
  q->n++;
  if(q->status)
    snprintf(q->status, q->slen, "%s", o->status ? o->status : "");
  q->ship_rep = o->source_updated_for_shipping;
  q->cancel_rep = o->cancel_reported;
  return 0;
}

int
bmt_host_order(struct th_env *e, int64_t order_id, char *status, size_t slen,
               int *shipping_reported, int *cancel_reported)
{
  char sid[32];
  struct bmt_oq q;

  snprintf(sid, sizeof(sid), "%lld", (long long)order_id);
  memset(&q, 0, sizeof(q));
  q.sid = sid;
  q.status = status;
  q.slen = slen;
  if(status && slen)
    status[0] = '\0';
  hs_orders_each(e->host, e->company, NULL, bmt_order_cb, &q);
  if(shipping_reported)
    *shipping_reported = q.ship_rep;
  if(cancel_reported)
    *cancel_reported = q.cancel_rep;
  return q.n ? 0 : -1;
}

int
bmt_host_order_count(struct th_env *e, int64_t order_id)
{
  char sid[32];
  struct bmt_oq q;

  snprintf(sid, sizeof(sid), "%lld", (long long)order_id);
  memset(&q, 0, sizeof(q));
  q.sid = sid;
  hs_orders_each(e->host, e->company, NULL, bmt_order_cb, &q);
  return q.n;
}

struct bmt_leak {
  struct th_env *e;
  int n;
};

static int
bmt_line_leak(void *ud, const struct hs_job_line *l)
{
  struct bmt_leak *k = ud;

  if(strstr(l->text, BMT_TOKEN) || strstr(l->text, "0123456789abcdefXYZ")) {
    fprintf(stderr, "TOKEN LEAK in job %lld log\n", (long long)l->job_id);
    k->n++;
  }
  return 0;
}

static int
bmt_job_leak(void *ud, const struct hs_job *j)
{
  return hs_job_log_each(((struct bmt_leak *)ud)->e->host, j->id,
                         bmt_line_leak, ud) ? 1 : 0;
}

static int
bmt_err_leak(void *ud, const struct hs_item_error *er)
{
  struct bmt_leak *k = ud;

  if((er->message && strstr(er->message, "0123456789abcdefXYZ")) ||
     (er->item && strstr(er->item, "0123456789abcdefXYZ"))) {
    fprintf(stderr, "TOKEN LEAK in the error queue\n");
    k->n++;
  }
  return 0;
}

int
bmt_token_leaks(struct th_env *e)
{
  struct bmt_leak k = {e, 0};

  hs_jobs_each(e->host, e->company, bmt_job_leak, &k);
  hs_errors_each(e->host, e->company, NULL, bmt_err_leak, &k);
  return k.n;
}

int
bmt_ship(struct th_env *e, int64_t order_id, const char *tracking,
         const char *carrier, const char *const *line_ids,
         const char *const *serials, int n, int only_listed)
{
  struct hs_ship_line sl[16];
  struct hs_shipment s;
  char sid[32];
  char err[256];
  int64_t hid;
  int i;

  snprintf(sid, sizeof(sid), "%lld", (long long)order_id);
  if(hs_order_find(e->host, e->company, sid, &hid))
    return -1;
  memset(&s, 0, sizeof(s));
  for(i = 0; i < n && i < 16; i++) {
    sl[i].line_id = line_ids[i];
    sl[i].serial = serials ? serials[i] : NULL;
  }
  s.tracking_number = tracking;
  s.carrier = carrier;
  s.lines = n ? sl : NULL;
  s.n_lines = (size_t)n;
  s.only_listed = only_listed;
  if(hs_order_ship(e->host, hid, &s, err, sizeof(err))) {
    fprintf(stderr, "bmt_ship: %s\n", err);
    return -1;
  }
  return 0;
}
