/*
 * mk_pro.c -- the assumed Back Market Pro API under
 * /sellers-prod/2024-03/ (schemas/backmarket-pro.openapi.yaml): x-api-key
 * (or Bearer) auth, 10 requests/s per key, status, order list/get,
 * shipments; and creating Pro orders for the control API (sums computed
 * in integer cents).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mk_internal.h"

void mk_pro_order_free(struct mk_pro_order *o)
{
  if(!o)
    return;
  json_object_put(o->doc);
  o->doc = NULL;
}

static void mk_pro_err(struct mk_resp *r, int status, const char *code,
                       const char *msg)
{
  json_object *o = json_object_new_object(), *e = json_object_new_object();
  json_object_object_add(e, "code", json_object_new_string(code));
  json_object_object_add(e, "message", json_object_new_string(msg));
  json_object_object_add(o, "error", e);
  mk_resp_json(r, status, o);
}

json_object *mk_pro_order_json(struct mk_sim *s, const struct mk_pro_order *o,
                               int internal)
{
  json_object *j = json_object_new_object();
  (void)s;
  json_object_object_add(j, "id", json_object_new_string(o->id));
  json_object_object_add(j, "created_at", mk_time_json(o->created));
  json_object_object_add(j, "updated_at", mk_time_json(o->updated));
  json_object_object_add(j, "status", json_object_new_string(o->status));
  json_object_object_add(j, "financial_status",
                         json_object_new_string(o->financial));
  json_object_object_add(j, "fulfillment_status",
                         json_object_new_string(o->fulfillment));
  json_object_object_foreach(o->doc, k, v)
    json_object_object_add(j, k, json_object_get(v));
  if(internal) {
    json_object_object_add(j, "seller_id",
                           json_object_new_string(o->seller_id));
    json_object_object_add(j, "shipment_id", o->shipment_id[0] ?
                           json_object_new_string(o->shipment_id) : NULL);
  }
  return j;
}

static const char *mk_jget_str(json_object *o, const char *k)
{
  json_object *v;
  if(!json_object_object_get_ex(o, k, &v) ||
     !json_object_is_type(v, json_type_string))
    return NULL;
  return json_object_get_string(v);
}

/* Create a Pro order from control-API JSON; NULL + err on bad input. */
struct mk_pro_order *mk_pro_order_create(struct mk_sim *s, json_object *in,
                                         char *err, size_t errlen)
{
  json_object *lines, *doc, *out, *v;
  const char *seller = mk_jget_str(in, "seller_id"), *t;
  int64_t sub = 0, tax = 0, ship = 0;
  size_t i;
  struct mk_pro_order *o;
  if(!seller || !json_object_object_get_ex(in, "lines", &lines) ||
     !json_object_is_type(lines, json_type_array) ||
     !json_object_array_length(lines)) {
    snprintf(err, errlen, "seller_id and a non-empty lines array are "
             "required");
    return NULL;
  }
  if(json_object_object_get_ex(in, "shipping_total", &v) &&
     mk_money_json(v, &ship)) {
    snprintf(err, errlen, "shipping_total must be a decimal");
    return NULL;
  }
  out = json_object_new_array();
  for(i = 0; i < json_object_array_length(lines); i++) {
    json_object *l = json_object_array_get_idx(lines, i), *e;
    long long q = 1;
    int64_t unit, total, lt = 0, rate = 0;
    char id[32];
    if(!json_object_is_type(l, json_type_object) || !mk_jget_str(l, "sku") ||
       !json_object_object_get_ex(l, "unit_price", &v) ||
       mk_money_json(v, &unit) ||
       (json_object_object_get_ex(l, "quantity", &v) &&
        (mk_json_int(v, &q) || q < 1))) {
      json_object_put(out);
      snprintf(err, errlen, "line %zu needs sku, unit_price and quantity >= 1",
               i + 1);
      return NULL;
    }
    total = unit * q;
    if(json_object_object_get_ex(l, "tax_amount", &v)) {
      if(mk_money_json(v, &lt)) {
        json_object_put(out);
        snprintf(err, errlen, "line %zu: bad tax_amount", i + 1);
        return NULL;
      }
    }
    else if(json_object_object_get_ex(l, "tax_rate", &v)) {
      if(mk_money_json(v, &rate) || rate < 0) {
        json_object_put(out);
        snprintf(err, errlen, "line %zu: bad tax_rate", i + 1);
        return NULL;
      }
      lt = (total * rate + 5000) / 10000;  /* rate in 1/100 %: half up */
    }
    snprintf(id, sizeof(id), "PL-%zu", i + 1);
    e = json_object_new_object();
    json_object_object_add(e, "id", json_object_new_string(id));
    json_object_object_add(e, "sku",
                           json_object_new_string(mk_jget_str(l, "sku")));
    t = mk_jget_str(l, "title");
    json_object_object_add(e, "title", json_object_new_string(t ? t : ""));
    json_object_object_add(e, "quantity", json_object_new_int64(q));
    json_object_object_add(e, "unit_price", mk_money_str(unit));
    json_object_object_add(e, "total_price", mk_money_str(total));
    json_object_object_add(e, "tax_amount", mk_money_str(lt));
    json_object_array_add(out, e);
    sub += total;
    tax += lt;
  }
  o = MK_PUSH(s->pro_orders);
  if(!o) {
    json_object_put(out);
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  if((t = mk_jget_str(in, "id")) != NULL)
    mk_copy(o->id, sizeof(o->id), t);
  else
    snprintf(o->id, sizeof(o->id), "PRO-%ld", s->next_pro++);
  mk_copy(o->seller_id, sizeof(o->seller_id), seller);
  o->created = o->updated = mk_now(s);
  mk_copy(o->status, sizeof(o->status), "open");
  t = mk_jget_str(in, "financial_status");
  mk_copy(o->financial, sizeof(o->financial), t ? t : "paid");
  mk_copy(o->fulfillment, sizeof(o->fulfillment), "unfulfilled");
  doc = json_object_new_object();
  t = mk_jget_str(in, "currency");
  json_object_object_add(doc, "currency", json_object_new_string(t ? t : "EUR"));
  if(json_object_object_get_ex(in, "customer", &v) &&
     json_object_is_type(v, json_type_object))
    json_object_object_add(doc, "customer", json_object_get(v));
  else {
    v = json_object_new_object();
    json_object_object_add(v, "company", json_object_new_string("Buyer SARL"));
    json_object_object_add(v, "vat_number",
                           json_object_new_string("FR12345678901"));
    json_object_object_add(v, "email",
                           json_object_new_string("purchasing@buyer.test"));
    json_object_object_add(doc, "customer", v);
  }
  for(i = 0; i < 2; i++) {
    const char *k = i ? "billing_address" : "shipping_address";
    if(json_object_object_get_ex(in, k, &v) &&
       json_object_is_type(v, json_type_object))
      json_object_object_add(doc, k, json_object_get(v));
    else {
      v = json_object_new_object();
      json_object_object_add(v, "company", json_object_new_string("Buyer SARL"));
      json_object_object_add(v, "first_name", json_object_new_string("Marie"));
      json_object_object_add(v, "last_name", json_object_new_string("Martin"));
      json_object_object_add(v, "street",
                             json_object_new_string("12 rue de la Paix"));
      json_object_object_add(v, "street2", NULL);
      json_object_object_add(v, "postal_code", json_object_new_string("75002"));
      json_object_object_add(v, "city", json_object_new_string("Paris"));
      json_object_object_add(v, "country", json_object_new_string("FR"));
      json_object_object_add(v, "phone", json_object_new_string("+33100000000"));
      json_object_object_add(v, "email",
                             json_object_new_string("purchasing@buyer.test"));
      json_object_object_add(doc, k, v);
    }
  }
  json_object_object_add(doc, "lines", out);
  json_object_object_add(doc, "subtotal", mk_money_str(sub));
  json_object_object_add(doc, "shipping_total", mk_money_str(ship));
  json_object_object_add(doc, "tax_total", mk_money_str(tax));
  json_object_object_add(doc, "total", mk_money_str(sub + ship + tax));
  o->doc = doc;
  return o;
}

static int mk_cmp_pro(const void *a, const void *b)
{
  const struct mk_pro_order *x = *(const struct mk_pro_order *const *)a;
  const struct mk_pro_order *y = *(const struct mk_pro_order *const *)b;
  if(x->updated != y->updated)
    return x->updated < y->updated ? -1 : 1;
  return strcmp(x->id, y->id);
}

static void mk_pro_list(struct mk_sim *s, struct mk_req *rq,
                        struct mk_pro_key *k, struct mk_resp *r)
{
  const char *fs = mk_kvs_get(&rq->query, "fulfillment_status");
  const char *us = mk_kvs_get(&rq->query, "updated_since");
  const char *pg = mk_kvs_get(&rq->query, "page");
  const char *ps = mk_kvs_get(&rq->query, "page-size");
  long long page = 1, size = 50;
  int64_t since = 0;
  size_t i, n = 0;
  struct mk_pro_order **sel;
  json_object *o, *items, *links;
  if(fs && strcmp(fs, "unfulfilled") && strcmp(fs, "partially_fulfilled") &&
     strcmp(fs, "fulfilled")) {
    mk_pro_err(r, 400, "invalid_request", "unknown fulfillment_status");
    return;
  }
  if((us && mk_time_parse(us, &since)) ||
     (pg && (mk_parse_int(pg, &page) || page < 1)) ||
     (ps && (mk_parse_int(ps, &size) || size < 1 || size > 100))) {
    mk_pro_err(r, 400, "invalid_request", "bad updated_since, page or "
               "page-size (1-100)");
    return;
  }
  sel = malloc((s->pro_orders.n + 1) * sizeof(*sel));
  if(!sel) {
    mk_pro_err(r, 500, "internal", "out of memory");
    return;
  }
  for(i = 0; i < s->pro_orders.n; i++) {
    struct mk_pro_order *p = &s->pro_orders.a[i];
    if(strcmp(p->seller_id, k->seller_id) || (fs && strcmp(fs, p->fulfillment))
       || (us && p->updated < since))
      continue;
    sel[n++] = p;
  }
  qsort(sel, n, sizeof(*sel), mk_cmp_pro);
  items = json_object_new_array();
  for(i = (size_t)((page - 1) * size); i < n && i < (size_t)(page * size); i++)
    json_object_array_add(items, mk_pro_order_json(s, sel[i], 0));
  free(sel);
  links = json_object_new_object();
  if((size_t)(page * size) < n) {
    char *q = mk_query_build(&rq->query, "page", (long)page + 1);
    char url[2048], base[272];
    mk_base_url(s, rq, base, sizeof(base));
    snprintf(url, sizeof(url), "%s%s?%s", base, rq->path, q ? q : "");
    free(q);
    json_object_object_add(links, "next", json_object_new_string(url));
  }
  else
    json_object_object_add(links, "next", NULL);
  o = json_object_new_object();
  json_object_object_add(o, "items", items);
  json_object_object_add(o, "links", links);
  json_object_object_add(o, "total", json_object_new_int64((int64_t)n));
  mk_resp_json(r, 200, o);
}

static void mk_pro_ship(struct mk_sim *s, struct mk_req *rq,
                        struct mk_pro_order *o, struct mk_resp *r)
{
  json_object *b = mk_body_object(rq), *out;
  const char *tn, *ca, *tu, *sa;
  int64_t at;
  if(!b) {
    mk_pro_err(r, 400, "invalid_request", "Body must be a JSON object");
    return;
  }
  tn = mk_jget_str(b, "tracking_number");
  ca = mk_jget_str(b, "carrier");
  tu = mk_jget_str(b, "tracking_url");
  sa = mk_jget_str(b, "shipped_at");
  if(!tn || !*tn || strlen(tn) > 200 || !ca || !*ca || strlen(ca) > 200 ||
     (tu && strlen(tu) > 300) || (sa && mk_time_parse(sa, &at))) {
    mk_pro_err(r, 400, "invalid_request", "tracking_number and carrier are "
               "required (tracking_url, shipped_at optional)");
  }
  else if(!strcmp(o->status, "cancelled"))
    mk_pro_err(r, 422, "order_cancelled", "Order is cancelled");
  else if(!strcmp(o->fulfillment, "fulfilled"))
    mk_pro_err(r, 409, "already_fulfilled", "Order is already fulfilled");
  else {
    snprintf(o->shipment_id, sizeof(o->shipment_id), "SHP-%ld",
             s->next_shipment++);
    mk_copy(o->fulfillment, sizeof(o->fulfillment), "fulfilled");
    mk_copy(o->status, sizeof(o->status), "closed");
    o->updated = mk_now(s);
    out = json_object_new_object();
    json_object_object_add(out, "shipment_id",
                           json_object_new_string(o->shipment_id));
    json_object_object_add(out, "order_id", json_object_new_string(o->id));
    json_object_object_add(out, "fulfillment_status",
                           json_object_new_string("fulfilled"));
    mk_resp_json(r, 201, out);
  }
  json_object_put(b);
}

void mk_pro_dispatch(struct mk_sim *s, struct mk_req *rq, const char *rest,
                     struct mk_resp *r)
{
  const char *key = mk_hdr(rq, "x-api-key"), *auth = mk_hdr(rq, "authorization");
  struct mk_pro_key *k = NULL;
  size_t i;
  char id[64];
  const char *slash;
  if(!key && auth && !strncasecmp(auth, "Bearer ", 7))
    key = auth + 7;
  for(i = 0; key && i < s->pro_keys.n; i++)
    if(!strcmp(s->pro_keys.a[i].key, key))
      k = &s->pro_keys.a[i];
  if(!k) {
    mk_pro_err(r, 401, "invalid_api_key", "The API key is missing or invalid");
    return;
  }
  if(s->cfg.quotas &&
     mk_window_hit(&k->win, s->cfg.pro_per_s, mk_now(s), 1000)) {
    mk_pro_err(r, 429, "rate_limited", "Too many requests");
    r->retry_after = 1;
    return;
  }
  if(strncmp(rest, "2024-03/", 8)) {
    mk_pro_err(r, 404, "not_found", "No such endpoint");
    return;
  }
  rest += 8;
  if(!strcmp(rest, "status") && !strcmp(rq->method, "GET")) {
    json_object *o = json_object_new_object(), *se = json_object_new_object();
    json_object_object_add(o, "status", json_object_new_string("ok"));
    json_object_object_add(se, "id", json_object_new_string(k->seller_id));
    json_object_object_add(se, "name", json_object_new_string(k->seller_name));
    json_object_object_add(o, "seller", se);
    mk_resp_json(r, 200, o);
    return;
  }
  if(!strcmp(rest, "orders") && !strcmp(rq->method, "GET")) {
    mk_pro_list(s, rq, k, r);
    return;
  }
  if(strncmp(rest, "orders/", 7)) {
    mk_pro_err(r, 404, "not_found", "No such endpoint");
    return;
  }
  rest += 7;
  slash = strchr(rest, '/');
  mk_copy(id, sizeof(id), rest);
  if(slash && (size_t)(slash - rest) < sizeof(id))
    id[slash - rest] = '\0';
  for(i = 0; i < s->pro_orders.n; i++)
    if(!strcmp(s->pro_orders.a[i].id, id) &&
       !strcmp(s->pro_orders.a[i].seller_id, k->seller_id))
      break;
  if(i == s->pro_orders.n) {
    mk_pro_err(r, 404, "not_found", "Order not found");
    return;
  }
  if(!slash && !strcmp(rq->method, "GET"))
    mk_resp_json(r, 200, mk_pro_order_json(s, &s->pro_orders.a[i], 0));
  else if(slash && !strcmp(slash, "/shipments") && !strcmp(rq->method, "POST"))
    mk_pro_ship(s, rq, &s->pro_orders.a[i], r);
  else
    mk_pro_err(r, 404, "not_found", "No such endpoint");
}
