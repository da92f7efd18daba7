/*
 * mk_orders.c -- Back Market order endpoints: GET /ws/orders (filters,
 * stable order, count/next/previous pages), GET/POST /ws/orders/{id} (the
 * orderline state machine, shipping, IMEI/serial), POST
 * /ws/orders/{id}/invoice and PATCH /ws/orderlines/{id}; the production
 * order JSON shape (reference 3.7).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mk_internal.h"

static json_object *mk_jstr(const char *s)
{
  return json_object_new_string(s ? s : "");
}

static json_object *mk_line_json(const struct mk_order *o,
                                 const struct mk_line *l)
{
  json_object *j = json_object_new_object();
  json_object_object_add(j, "id", json_object_new_int64(l->id));
  json_object_object_add(j, "date_creation", mk_time_json(o->date_creation));
  json_object_object_add(j, "state", json_object_new_int(l->state));
  json_object_object_add(j, "price", mk_money_str(l->price));
  json_object_object_add(j, "shipping_price", mk_money_str(l->shipping_price));
  json_object_object_add(j, "shipping_delay",
                         json_object_new_int64(l->shipping_delay));
  json_object_object_add(j, "shipper", mk_jstr(o->shipper));
  json_object_object_add(j, "currency", mk_jstr(o->currency));
  json_object_object_add(j, "return_reason",
                         json_object_new_int64(l->return_reason));
  json_object_object_add(j, "return_message", mk_jstr(l->return_message));
  json_object_object_add(j, "listing", mk_jstr(l->sku));
  json_object_object_add(j, "listing_id", json_object_new_int64(l->listing_id));
  json_object_object_add(j, "product", mk_jstr(l->title));
  json_object_object_add(j, "quantity", json_object_new_int64(l->quantity));
  json_object_object_add(j, "brand", mk_jstr(l->brand));
  json_object_object_add(j, "product_id", json_object_new_int64(l->product_id));
  json_object_object_add(j, "backcare", json_object_new_boolean(0));
  json_object_object_add(j, "backcare_price", json_object_new_int(0));
  json_object_object_add(j, "sales_taxes", mk_money_str(l->sales_taxes));
  json_object_object_add(j, "imei", mk_jstr(l->imei));
  json_object_object_add(j, "serial_number", mk_jstr(l->serial));
  json_object_object_add(j, "condition", json_object_new_int64(l->condition));
  json_object_object_add(j, "orderline_fee", mk_money_str(l->fee));
  return j;
}

json_object *mk_order_json(struct mk_sim *s, const struct mk_order *o)
{
  json_object *j = json_object_new_object(), *lines = json_object_new_array();
  int64_t price = 0, tax = 0;
  int st = mk_order_state(o);
  char url[256];
  size_t i;
  (void)s;
  for(i = 0; i < o->nlines; i++) {
    price += o->lines[i].price;
    tax += o->lines[i].sales_taxes;
    json_object_array_add(lines, mk_line_json(o, &o->lines[i]));
  }
  snprintf(url, sizeof(url), "https://backmarket-prod.s3.amazonaws.com/"
           "delivery_form/%lld_delivery_form.pdf?Expires=1893456000",
           (long long)o->order_id);
  json_object_object_add(j, "order_id", json_object_new_int64(o->order_id));
  json_object_object_add(j, "shipping_address",
                         json_object_get(o->shipping_address));
  json_object_object_add(j, "billing_address",
                         json_object_get(o->billing_address));
  json_object_object_add(j, "delivery_note", json_object_new_string(url));
  json_object_object_add(j, "tracking_number", mk_jstr(o->tracking_number));
  json_object_object_add(j, "tracking_url", mk_jstr(o->tracking_url));
  json_object_object_add(j, "shipper", mk_jstr(o->shipper));
  json_object_object_add(j, "shipper_display", mk_jstr(o->shipper));
  json_object_object_add(j, "date_creation", mk_time_json(o->date_creation));
  json_object_object_add(j, "date_modification",
                         mk_time_json(o->date_modification));
  json_object_object_add(j, "date_shipping", mk_time_json(o->date_shipping));
  json_object_object_add(j, "date_payment", mk_time_json(o->date_payment));
  json_object_object_add(j, "date_bill_provided", mk_time_json(o->date_bill));
  json_object_object_add(j, "state", json_object_new_int(st));
  json_object_object_add(j, "orderlines", lines);
  json_object_object_add(j, "price", mk_money_str(price));
  json_object_object_add(j, "shipping_price", mk_money_str(o->shipping_price));
  json_object_object_add(j, "currency", mk_jstr(o->currency));
  json_object_object_add(j, "country_code", mk_jstr(o->market));
  json_object_object_add(j, "paypal_reference", NULL);
  json_object_object_add(j, "psp_reference", mk_jstr(o->psp));
  json_object_object_add(j, "installment_payment", json_object_new_boolean(0));
  json_object_object_add(j, "payment_method", mk_jstr(o->payment_method));
  json_object_object_add(j, "sales_taxes", mk_money_str(tax));
  json_object_object_add(j, "expected_dispatch_date",
                         (st == 1 || st == 3) && o->date_payment ?
                         mk_time_json(o->date_payment + 86400000LL) : NULL);
  json_object_object_add(j, "is_backship", json_object_new_boolean(0));
  return j;
}

int mk_order_restock(struct mk_sim *s, struct mk_order *o, struct mk_line *l)
{
  struct mk_listing *li;
  if(!s->cfg.restock_on_cancel)
    return 0;
  if(!l->stocked)
    return 0;
  li = mk_listing_by_sku(s, o->merchant_id, l->sku);
  if(li)
    li->quantity += l->quantity;
  l->stocked = 0;
  return 0;
}

static int mk_order_visible(const struct mk_order *o, const struct mk_ctx *c)
{
  const struct mk_market_info *m = mk_market_find(o->market);
  return o->merchant_id == c->mer->id && (!m || m->platform == c->platform);
}

json_object *mk_page_url(const struct mk_ctx *c, long page)
{
  char *q = mk_query_build(&c->rq->query, "page", page);
  json_object *o;
  size_t n;
  char *u;
  if(!q)
    return NULL;
  n = strlen(c->base) + strlen(c->rq->path) + strlen(q) + 2;
  u = malloc(n);
  if(!u) {
    free(q);
    return NULL;
  }
  snprintf(u, n, "%s%s?%s", c->base, c->rq->path, q);
  o = json_object_new_string(u);
  free(u);
  free(q);
  return o;
}

/* Page arguments shared by the paginated lists; -1 = 400 already set. */
int mk_page_args(struct mk_sim *s, const struct mk_ctx *c, long *page,
                 long *size, struct mk_resp *r)
{
  const char *p = mk_kvs_get(&c->rq->query, "page");
  const char *z = mk_kvs_get(&c->rq->query, "page-size");
  long long v;
  *page = 1;
  *size = 10;
  if(p) {
    if(mk_parse_int(p, &v) || v < 1 || v > 1000000) {
      mk_resp_v1(s, r, 400, "invalid_parameter",
                 "page must be a positive integer");
      return -1;
    }
    *page = (long)v;
  }
  if(z) {
    if(mk_parse_int(z, &v) || v < 1) {
      mk_resp_v1(s, r, 400, "invalid_parameter",
                 "page-size must be a positive integer");
      return -1;
    }
    *size = v > s->cfg.page_size_max ? s->cfg.page_size_max : (long)v;
  }
  return 0;
}

/* Build the count/next/previous/results envelope; takes `results`. */
json_object *mk_page_envelope(const struct mk_ctx *c, long count, long page,
                              long size, json_object *results)
{
  json_object *o = json_object_new_object();
  json_object_object_add(o, "count", json_object_new_int64(count));
  json_object_object_add(o, "next", (long long)page * size < count ?
                         mk_page_url(c, page + 1) : NULL);
  json_object_object_add(o, "previous", page > 1 ?
                         mk_page_url(c, page - 1) : NULL);
  json_object_object_add(o, "results", results);
  return o;
}

/* The filters of GET /ws/orders. */
struct mk_ofilter {
  const struct mk_ctx *c;
  long long state;             /* -1: any but 0 and 8 */
  const char *dc, *dm, *cc;
  int64_t tc, tm;
};

static int mk_order_matches(const struct mk_order *o, void *ud)
{
  const struct mk_ofilter *f = ud;
  int os;
  if(!mk_order_visible(o, f->c))
    return 0;
  os = mk_order_state(o);
  if(f->state >= 0 ? os != f->state : (os == 0 || os == 8))
    return 0;
  if((f->dc && o->date_creation < f->tc) ||
     (f->dm && o->date_modification < f->tm))
    return 0;
  return !f->cc || !strcasecmp(f->cc, o->market);
}

static void mk_orders_list(struct mk_sim *s, struct mk_ctx *c,
                           struct mk_resp *r)
{
  const struct mk_kvs *q = &c->rq->query;
  const char *st = mk_kvs_get(q, "state");
  struct mk_ofilter f;
  long page, size, i;
  const size_t *sel;
  size_t n;
  char *key;
  int rc;
  json_object *res;
  memset(&f, 0, sizeof(f));
  f.c = c;
  f.state = -1;
  f.dc = mk_kvs_get(q, "date_creation");
  f.dm = mk_kvs_get(q, "date_modification");
  f.cc = mk_kvs_get(q, "country_code");
  if(st && (mk_parse_int(st, &f.state) || f.state < 0)) {
    mk_resp_v1(s, r, 400, "invalid_parameter", "state must be an integer");
    return;
  }
  if((f.dc && mk_time_parse(f.dc, &f.tc)) ||
     (f.dm && mk_time_parse(f.dm, &f.tm))) {
    mk_resp_v1(s, r, 400, "invalid_parameter",
               "dates must be RFC 3339, Y-m-d H:i:s or Y-m-d");
    return;
  }
  if(f.cc && !mk_market_find(f.cc)) {
    mk_resp_v1(s, r, 400, "invalid_parameter", "unknown country_code");
    return;
  }
  if(mk_page_args(s, c, &page, &size, r))
    return;
  /* the key names everything the selection depends on but the page */
  if(asprintf(&key, "%lld %d %lld %d:%lld %d:%lld %s", (long long)c->mer->id,
              c->platform, f.state, f.dc != NULL, (long long)f.tc,
              f.dm != NULL, (long long)f.tm, f.cc ? f.cc : "") < 0) {
    mk_resp_v1(s, r, 500, "internal", "out of memory");
    return;
  }
  rc = mk_order_select(s, key, mk_order_matches, &f, &sel, &n);
  free(key);
  if(rc) {
    mk_resp_v1(s, r, 500, "internal", "out of memory");
    return;
  }
  res = json_object_new_array();
  for(i = (page - 1) * size; i < (long)n && i < page * size; i++)
    json_object_array_add(res, mk_order_json(s, &s->orders.a[sel[i]]));
  mk_resp_json(r, 200, mk_page_envelope(c, (long)n, page, size, res));
}

static int mk_opt_str(json_object *b, const char *k, size_t max,
                      const char **out)
{
  json_object *v;
  *out = NULL;
  if(!json_object_object_get_ex(b, k, &v) || !v)
    return 0;
  if(!json_object_is_type(v, json_type_string) ||
     strlen(json_object_get_string(v)) > max)
    return -1;
  *out = json_object_get_string(v);
  return 0;
}

static int mk_can_move(int from, int to)
{
  return (from == 1 && (to == 2 || to == 4)) ||
         (from == 2 && (to == 3 || to == 5)) || (from == 3 && to == 6);
}

static void mk_order_ship(struct mk_sim *s, struct mk_order *o,
                          json_object *b, struct mk_resp *r)
{
  const char *tn, *tu, *sh, *ds, *imei, *sn, *vat;
  int64_t when = mk_now(s);
  size_t i, moved = 0, done = 0;
  if(mk_opt_str(b, "tracking_number", 200, &tn) || !tn || !*tn) {
    mk_resp_v1(s, r, 400, "invalid_parameter",
               "tracking_number is required when new_state is 3");
    return;
  }
  if(mk_opt_str(b, "tracking_url", 300, &tu) ||
     mk_opt_str(b, "shipper", 200, &sh) ||
     mk_opt_str(b, "date_shipping", 64, &ds) ||
     mk_opt_str(b, "imei", 15, &imei) || mk_opt_str(b, "serial_number", 50, &sn) ||
     mk_opt_str(b, "vat_type", 16, &vat) || (ds && mk_time_parse(ds, &when)) ||
     (vat && strcmp(vat, "REGULAR") && strcmp(vat, "MARGINAL"))) {
    mk_resp_v1(s, r, 400, "invalid_parameter",
               "bad tracking_url, shipper, date_shipping, imei, "
               "serial_number or vat_type");
    return;
  }
  if((imei || sn) && (o->nlines != 1 || o->lines[0].quantity != 1)) {
    mk_resp_v1(s, r, 400, "invalid_parameter",
               "imei and serial_number are only accepted on an order with "
               "one orderline of quantity 1");
    return;
  }
  if(imei && !mk_imei_valid(imei)) {
    mk_resp_v1(s, r, 400, "invalid_imei",
               "imei must be 15 digits with a valid Luhn check digit");
    return;
  }
  for(i = 0; i < o->nlines; i++) {
    if(o->lines[i].state == 2)
      moved++;
    if(o->lines[i].state == 3 || o->lines[i].state == 6)
      done++;
  }
  if(!moved) {
    mk_resp_v1(s, r, 400, "invalid_state_transition", done ?
               "Order already shipped" : "No accepted orderline to ship");
    return;
  }
  if(o->nlines == 1 && ((imei && o->lines[0].imei[0] &&
                         strcmp(imei, o->lines[0].imei)) ||
                        (sn && o->lines[0].serial[0] &&
                         strcmp(sn, o->lines[0].serial)))) {
    mk_resp_v1(s, r, 400, "invalid_parameter",
               "imei/serial_number already set and cannot be changed");
    return;
  }
  for(i = 0; i < o->nlines; i++)
    if(o->lines[i].state == 2)
      o->lines[i].state = 3;
  if(imei)
    mk_copy(o->lines[0].imei, sizeof(o->lines[0].imei), imei);
  if(sn)
    mk_copy(o->lines[0].serial, sizeof(o->lines[0].serial), sn);
  mk_copy(o->tracking_number, sizeof(o->tracking_number), tn);
  if(tu)
    mk_copy(o->tracking_url, sizeof(o->tracking_url), tu);
  if(sh && *sh)
    mk_copy(o->shipper, sizeof(o->shipper), sh);
  if(vat)
    mk_copy(o->vat_type, sizeof(o->vat_type), vat);
  o->date_shipping = when;
  o->date_modification = mk_now(s);
  mk_resp_json(r, 200, mk_order_json(s, o));
}

static void mk_order_update(struct mk_sim *s, struct mk_ctx *c,
                            struct mk_order *o, struct mk_resp *r)
{
  json_object *b = mk_body_object(c->rq), *v;
  long long id, ns, rr = -1;
  const char *sku, *msg;
  struct mk_line *l = NULL;
  size_t i;
  if(!b) {
    mk_resp_v1(s, r, 400, "invalid_body", "Body must be a JSON object");
    return;
  }
  if((json_object_object_get_ex(b, "order_id", &v) ||
      json_object_object_get_ex(b, "id", &v)) &&
     (mk_json_int(v, &id) || id != o->order_id)) {
    mk_resp_v1(s, r, 400, "invalid_parameter",
               "order_id does not match the order in the URL");
    goto out;
  }
  if(!json_object_object_get_ex(b, "new_state", &v) || mk_json_int(v, &ns) ||
     ns < 2 || ns > 6) {
    mk_resp_v1(s, r, 400, "invalid_parameter",
               "new_state is required and must be 2, 3, 4, 5 or 6");
    goto out;
  }
  if(mk_opt_str(b, "sku", 200, &sku) ||
     mk_opt_str(b, "return_message", 500, &msg) ||
     (json_object_object_get_ex(b, "return_reason", &v) && v &&
      mk_json_int(v, &rr))) {
    mk_resp_v1(s, r, 400, "invalid_parameter",
               "bad sku, return_reason or return_message");
    goto out;
  }
  if(ns == 3) {
    mk_order_ship(s, o, b, r);
    goto out;
  }
  if(sku) {
    for(i = 0; i < o->nlines; i++)
      if(!strcasecmp(o->lines[i].sku, sku) &&
         (!l || mk_can_move(o->lines[i].state, (int)ns)))
        l = &o->lines[i];
    if(!l) {
      mk_resp_v1(s, r, 404, "not_found", "The listing doesn't exist");
      goto out;
    }
  }
  else if(o->nlines == 1)
    l = &o->lines[0];
  else {
    mk_resp_v1(s, r, 400, "invalid_parameter",
               "sku is required when the order has several orderlines");
    goto out;
  }
  if(!mk_can_move(l->state, (int)ns)) {
    char m[160];
    snprintf(m, sizeof(m), "Orderline %lld is in state %d and cannot move "
             "to state %lld", (long long)l->id, l->state, ns);
    mk_resp_v1(s, r, 400, "invalid_state_transition", m);
    goto out;
  }
  l->state = (int)ns;
  if(rr >= 0)
    l->return_reason = rr;
  if(msg)
    mk_copy(l->return_message, sizeof(l->return_message), msg);
  if(ns == 4 || ns == 5)
    mk_order_restock(s, o, l);
  o->date_modification = mk_now(s);
  mk_resp_json(r, 200, mk_order_json(s, o));
out:
  json_object_put(b);
}

void mk_ws_orders(struct mk_sim *s, struct mk_ctx *c, const char *rest,
                  struct mk_resp *r)
{
  long long id;
  char idbuf[32];
  const char *slash;
  struct mk_order *o;
  if(!*rest || !strcmp(rest, "/")) {
    if(strcmp(c->rq->method, "GET"))
      mk_resp_v1(s, r, 405, "method_not_allowed", "Method not allowed");
    else
      mk_orders_list(s, c, r);
    return;
  }
  rest++;
  slash = strchr(rest, '/');
  mk_copy(idbuf, sizeof(idbuf), rest);
  if(slash && (size_t)(slash - rest) < sizeof(idbuf))
    idbuf[slash - rest] = '\0';
  if(mk_parse_int(idbuf, &id)) {
    mk_resp_v1(s, r, 400, "invalid_parameter", "order_id must be an integer");
    return;
  }
  o = mk_order_get(s, id);
  if(!o || !mk_order_visible(o, c)) {
    mk_resp_v1(s, r, 404, "not_found", "Order not found");
    return;
  }
  if(slash && !strcmp(slash, "/invoice") && !strcmp(c->rq->method, "POST")) {
    if(!c->rq->body_len) {
      mk_resp_v1(s, r, 400, "invalid_parameter", "invoice file is missing");
      return;
    }
    o->date_bill = o->date_modification = mk_now(s);
    mk_resp_json(r, 200, json_object_new_object());
  }
  else if(slash)
    mk_resp_v1(s, r, 404, "not_found", "Webservices unavailable");
  else if(!strcmp(c->rq->method, "GET"))
    mk_resp_json(r, 200, mk_order_json(s, o));
  else if(!strcmp(c->rq->method, "POST"))
    mk_order_update(s, c, o, r);
  else
    mk_resp_v1(s, r, 405, "method_not_allowed", "Method not allowed");
}

void mk_ws_orderlines(struct mk_sim *s, struct mk_ctx *c, const char *rest,
                      struct mk_resp *r)
{
  long long id;
  struct mk_order *o = NULL;
  struct mk_line *l = NULL;
  json_object *b, *out;
  const char *imei, *sn;
  if(mk_parse_int(rest, &id)) {
    mk_resp_v1(s, r, 400, "invalid_parameter",
               "orderline_id must be an integer");
    return;
  }
  if(strcmp(c->rq->method, "PATCH")) {
    mk_resp_v1(s, r, 405, "method_not_allowed", "Method not allowed");
    return;
  }
  l = mk_line_find(s, id, &o);
  if(!l || !mk_order_visible(o, c)) {
    mk_resp_v1(s, r, 404, "not_found", "The orderline doesn't exist");
    return;
  }
  b = mk_body_object(c->rq);
  if(!b || mk_opt_str(b, "imei", 64, &imei) ||
     mk_opt_str(b, "serial_number", 256, &sn) || (!imei && !sn)) {
    mk_resp_v1(s, r, 400, "invalid_body",
               "Body must be a JSON object with imei and/or serial_number "
               "strings");
    json_object_put(b);
    return;
  }
  if(imei && !mk_imei_valid(imei)) {
    mk_resp_v1(s, r, 422, "invalid_imei",
               "imei must be 15 digits with a valid Luhn check digit");
  }
  else if(sn && (!*sn || strlen(sn) > 50)) {
    mk_resp_v1(s, r, 422, "invalid_serial_number",
               "serial_number must be 1 to 50 characters");
  }
  else if((imei && l->imei[0] && strcmp(imei, l->imei)) ||
          (sn && l->serial[0] && strcmp(sn, l->serial))) {
    mk_resp_v1(s, r, 422, "already_set",
               "imei/serial_number is already set and cannot be changed");
  }
  else {
    if(imei)
      mk_copy(l->imei, sizeof(l->imei), imei);
    if(sn)
      mk_copy(l->serial, sizeof(l->serial), sn);
    o->date_modification = mk_now(s);
    out = json_object_new_object();
    json_object_object_add(out, "imei", mk_jstr(l->imei));
    json_object_object_add(out, "serial_number", mk_jstr(l->serial));
    mk_resp_json(r, 200, out);
  }
  json_object_put(b);
}
