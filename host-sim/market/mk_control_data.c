/*
 * mk_control_data.c -- the data half of the control API: listings and
 * products, orders (full or shorthand) and the /_sim/ routes for customer
 * actions and schedules (implemented in mk_customer.c).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mk_internal.h"

static json_object *mk_listing_ctl_json(const struct mk_listing *l)
{
  json_object *o = json_object_new_object(), *ms = json_object_new_object();
  unsigned i;
  for(i = 0; i < l->nm; i++)
    json_object_object_add(ms, mk_market_at(l->m[i].mi)->code,
                           mk_listing_json(l, l->m[i].mi));
  json_object_object_add(o, "merchant_id", json_object_new_int64(l->merchant_id));
  json_object_object_add(o, "id", json_object_new_string(l->uuid));
  json_object_object_add(o, "listing_id", json_object_new_int64(l->listing_id));
  json_object_object_add(o, "sku", json_object_new_string(l->sku));
  json_object_object_add(o, "title",
                         json_object_new_string(mk_listing_title(l)));
  json_object_object_add(o, "grade", json_object_new_string(l->grade));
  json_object_object_add(o, "product_id", json_object_new_string(l->product_uuid));
  json_object_object_add(o, "backmarket_id",
                         json_object_new_int64(l->backmarket_id));
  json_object_object_add(o, "quantity", json_object_new_int64(l->quantity));
  json_object_object_add(o, "markets", ms);
  return o;
}

static int mk_lmarket_parse(struct mk_lmarket *m, const char *code,
                            json_object *in, char *err, size_t el)
{
  json_object *v;
  long long w;
  const char *cur = mk_jstr_get(in, "currency"), *cm;
  if(!json_object_is_type(in, json_type_object)) {
    snprintf(err, el, "markets.%s must be an object", code);
    return -1;
  }
  if(cur && strcasecmp(cur, mk_market_find(code)->currency)) {
    snprintf(err, el, "markets.%s: currency must be %s", code,
             mk_market_find(code)->currency);
    return -1;
  }
  if(json_object_object_get_ex(in, "price", &v) && v) {
    if(mk_money_json(v, &m->price))
      goto bad;
    m->has_price = 1;
  }
  if(json_object_object_get_ex(in, "min_price", &v) && v) {
    if(mk_money_json(v, &m->min_price))
      goto bad;
    m->has_min = 1;
  }
  if(json_object_object_get_ex(in, "max_price", &v) && v) {
    if(mk_money_json(v, &m->max_price))
      goto bad;
    m->has_max = 1;
  }
  if((cm = mk_jstr_get(in, "comment")) != NULL) {
    if(strlen(cm) > 500) {
      snprintf(err, el, "markets.%s: comment is over 500 characters", code);
      return -1;
    }
    if(mk_str_set(&m->comment, cm)) {
      snprintf(err, el, "out of memory");
      return -1;
    }
  }
  if(mk_get_int(in, "warranty_delay", &w) == 0) {
    if(w < 12 || w > 1200) {
      snprintf(err, el, "markets.%s: warranty_delay must be 12 to 1200 "
               "months", code);
      return -1;
    }
    m->warranty = (long)w;
  }
  return 0;
bad:
  snprintf(err, el, "markets.%s: price, min_price, max_price must be decimals",
           code);
  return -1;
}

static void mk_listing_post_ctl(struct mk_sim *s, json_object *b,
                                struct mk_resp *r)
{
  struct mk_listing nl, *l;
  long long mid, v;
  const char *sku = mk_jstr_get(b, "sku"), *t;
  json_object *ms;
  char err[200];
  int rc;
  memset(&nl, 0, sizeof(nl));
  nl.forced_pub = -1;
  if(mk_get_int(b, "merchant_id", &mid) || !mk_merchant_get(s, mid) || !sku ||
     !*sku || strlen(sku) > 200) {
    mk_cerr(r, 400, "merchant_id (an existing merchant) and sku are required");
    return;
  }
  l = mk_listing_by_sku(s, mid, sku);
  if(l) {
    mk_copy(nl.uuid, sizeof(nl.uuid), l->uuid);
    nl.listing_id = l->listing_id;
  }
  nl.merchant_id = mid;
  if(mk_str_set(&nl.sku, sku)) {
    mk_cerr(r, 500, "out of memory");
    return;
  }
  if((t = mk_jstr_get(b, "id")) != NULL) {
    struct mk_listing *o = mk_listing_find(s, -1, t);
    if(!mk_is_uuid(t)) {
      mk_cerr(r, 400, "id must be a UUID");
      goto fail;
    }
    if(o && o != l) {
      snprintf(err, sizeof(err), "id %s is already the listing of SKU %.100s",
               t, o->sku);
      mk_cerr(r, 409, err);
      goto fail;
    }
    mk_copy(nl.uuid, sizeof(nl.uuid), t);
  }
  if((t = mk_jstr_get(b, "product_id")) != NULL) {
    if(!mk_is_uuid(t)) {
      mk_cerr(r, 400, "product_id must be a UUID");
      goto fail;
    }
    mk_copy(nl.product_uuid, sizeof(nl.product_uuid), t);
  }
  if((t = mk_jstr_get(b, "grade")) != NULL) {
    if(mk_grade_state(t) < 0) {
      mk_cerr(r, 400, "grade must be PREMIUM, EXCELLENT, VERY_GOOD, GOOD, "
              "FAIR or STALLONE");
      goto fail;
    }
    mk_copy(nl.grade, sizeof(nl.grade), t);
  }
  t = mk_jstr_get(b, "title");
  if(t && strlen(t) > 1000) {
    mk_cerr(r, 400, "title must be at most 1000 characters");
    goto fail;
  }
  if(mk_str_set(&nl.title, t)) {
    mk_cerr(r, 500, "out of memory");
    goto fail;
  }
  if((rc = mk_get_int(b, "listing_id", &v)) <= 0) {
    struct mk_listing *o;
    if(rc < 0 || v <= 0) {
      mk_cerr(r, 400, "listing_id must be a positive integer");
      goto fail;
    }
    if((o = mk_listing_by_id(s, -1, v)) != NULL && o != l) {
      snprintf(err, sizeof(err), "listing_id %lld is already the listing of "
               "SKU %.100s", v, o->sku);
      mk_cerr(r, 409, err);
      goto fail;
    }
    nl.listing_id = v;
  }
  if((rc = mk_get_int(b, "backmarket_id", &v)) <= 0) {
    if(rc < 0 || v <= 0) {
      mk_cerr(r, 400, "backmarket_id must be a positive integer");
      goto fail;
    }
    nl.backmarket_id = v;
  }
  if((rc = mk_get_int(b, "quantity", &v)) <= 0) {
    if(rc < 0) {
      mk_cerr(r, 400, "quantity must be an integer");
      goto fail;
    }
    nl.quantity = (long)v;
  }
  if((rc = mk_get_int(b, "publication_state", &v)) <= 0) {
    if(rc < 0 || v < 0 || v > 4) {
      mk_cerr(r, 400, "publication_state must be 0-4");
      goto fail;
    }
    nl.forced_pub = (int)v;
  }
  if(json_object_object_get_ex(b, "markets", &ms) && ms) {
    if(!json_object_is_type(ms, json_type_object)) {
      mk_cerr(r, 400, "markets must be an object keyed by market");
      goto fail;
    }
    json_object_object_foreach(ms, code, val) {
      int mi = mk_market_index(code);
      struct mk_lmarket *m;
      if(mi < 0) {
        snprintf(err, sizeof(err), "unknown market %.20s", code);
        mk_cerr(r, 400, err);
        goto fail;
      }
      if(!(m = mk_lm_add(&nl, mi))) {
        mk_cerr(r, 500, "out of memory");
        goto fail;
      }
      if(mk_lmarket_parse(m, mk_market_at(mi)->code, val, err,
                          sizeof(err))) {
        mk_cerr(r, 400, err);
        goto fail;
      }
    }
  }
  if(!l && !(l = MK_PUSH(s->listings))) {
    mk_cerr(r, 500, "out of memory");
    goto fail;
  }
  mk_listing_free(l);
  *l = nl;
  mk_listing_defaults(s, l);
  mk_listing_indexed(s, l);
  mk_resp_json(r, 201, mk_listing_ctl_json(l));
  return;
fail:
  mk_listing_free(&nl);
}

static void mk_listings_ctl(struct mk_sim *s, struct mk_req *rq,
                            const char *rest, json_object *b,
                            struct mk_resp *r)
{
  size_t i;
  if(!*rest && !strcmp(rq->method, "POST"))
    mk_listing_post_ctl(s, b, r);
  else if(!*rest && !strcmp(rq->method, "GET")) {
    const char *q = mk_kvs_get(&rq->query, "merchant_id");
    long long mid = -1;
    json_object *a = json_object_new_array(), *o = json_object_new_object();
    if(q && mk_parse_int(q, &mid))
      mid = -2;
    for(i = 0; i < s->listings.n; i++)
      if(mid == -1 || s->listings.a[i].merchant_id == mid)
        json_object_array_add(a, mk_listing_ctl_json(&s->listings.a[i]));
    json_object_object_add(o, "listings", a);
    mk_resp_json(r, 200, o);
  }
  else if(*rest == '/' && !strcmp(rq->method, "GET")) {
    struct mk_listing *l = mk_listing_lookup(s, rest + 1);
    if(l)
      mk_resp_json(r, 200, mk_listing_ctl_json(l));
    else
      mk_cerr(r, 404, "unknown listing");
  }
  else
    mk_cerr(r, 404, "no such control endpoint");
}

static json_object *mk_default_address(const struct mk_market_info *m)
{
  json_object *a = json_object_new_object();
  json_object_object_add(a, "company", NULL);
  json_object_object_add(a, "first_name", json_object_new_string("Jane"));
  json_object_object_add(a, "first_name_pronunciation", NULL);
  json_object_object_add(a, "last_name", json_object_new_string("Doe"));
  json_object_object_add(a, "last_name_pronunciation", NULL);
  json_object_object_add(a, "street", json_object_new_string("1 High Street"));
  json_object_object_add(a, "street2", NULL);
  json_object_object_add(a, "postal_code", json_object_new_string("10001"));
  json_object_object_add(a, "country", json_object_new_string(m->mcode));
  json_object_object_add(a, "city", json_object_new_string("Springfield"));
  json_object_object_add(a, "phone", json_object_new_string("+440000000000"));
  json_object_object_add(a, "email", json_object_new_string(
                           "client_0001@marketplace.backmarket.test"));
  json_object_object_add(a, "customer_id_number", NULL);
  return a;
}

static int mk_line_parse(struct mk_sim *s, struct mk_order *o, json_object *in,
                         long def_state, struct mk_line *l, char *err,
                         size_t el)
{
  const char *sku = mk_jstr_get(in, "sku"), *t;
  struct mk_listing *li;
  int mi = mk_market_index(o->market);
  long long q = 1, st = def_state, v;
  json_object *p;
  if(!sku || !*sku || mk_get_int(in, "quantity", &q) < 0 || q < 1 ||
     mk_get_int(in, "state", &st) < 0 || st < 0 || st > 9) {
    snprintf(err, el, "each line needs sku, quantity >= 1, state 0-9");
    return -1;
  }
  li = mk_listing_by_sku(s, o->merchant_id, sku);
  l->id = s->next_line++;
  l->state = (int)st;
  mk_copy(l->sku, sizeof(l->sku), sku);
  l->quantity = (long)q;
  if(json_object_object_get_ex(in, "price", &p) && p) {
    if(mk_money_json(p, &l->price) || l->price < 0) {
      snprintf(err, el, "line price must be a decimal (the line total)");
      return -1;
    }
  }
  else if(li && mk_lm_get(li, mi) && mk_lm_get(li, mi)->has_price)
    l->price = mk_lm_get(li, mi)->price * q;
  else {
    snprintf(err, el, "line price is required (no listing price in %s)",
             o->market);
    return -1;
  }
  if(json_object_object_get_ex(in, "fee", &p) && p) {
    if(mk_money_json(p, &l->fee)) {
      snprintf(err, el, "fee must be a decimal");
      return -1;
    }
  }
  else
    l->fee = (l->price + 5) / 10;
  l->listing_id = li ? li->listing_id : 0;
  l->product_id = li ? li->backmarket_id : 0;
  mk_copy(l->title, sizeof(l->title), li ? mk_listing_title(li) : sku);
  if((t = mk_jstr_get(in, "title")) != NULL)
    mk_copy(l->title, sizeof(l->title), t);
  mk_copy(l->brand, sizeof(l->brand), mk_jstr_get(in, "brand") ?
          mk_jstr_get(in, "brand") : "Apple");
  if(mk_get_int(in, "listing_id", &v) == 0)
    l->listing_id = v;
  if(mk_get_int(in, "product_id", &v) == 0)
    l->product_id = v;
  l->condition = 11;
  if(li)
    l->condition = mk_grade_condition(li->grade);
  if(mk_get_int(in, "condition", &v) == 0)
    l->condition = (long)v;
  l->shipping_delay = 24;
  return 0;
}

struct mk_order *mk_order_create(struct mk_sim *s, json_object *in,
                                 char *err, size_t errlen)
{
  struct mk_order no, *o;
  const struct mk_market_info *m;
  json_object *lines, *v;
  long long mid, oid, st = 1;
  const char *t;
  size_t i, n;
  memset(&no, 0, sizeof(no));
  if(mk_get_int(in, "merchant_id", &mid) || !mk_merchant_get(s, mid)) {
    snprintf(err, errlen, "merchant_id must name an existing merchant");
    return NULL;
  }
  t = mk_jstr_get(in, "market");
  m = mk_market_find(t ? t : "fr-fr");
  if(!m || mk_get_int(in, "state", &st) < 0) {
    snprintf(err, errlen, "unknown market or bad state");
    return NULL;
  }
  no.merchant_id = mid;
  mk_copy(no.market, sizeof(no.market), m->code);
  mk_copy(no.currency, sizeof(no.currency), m->currency);
  if(mk_get_int(in, "order_id", &oid) == 0) {
    if(oid <= 0 || mk_order_get(s, oid)) {
      snprintf(err, errlen, "order_id must be a new positive integer");
      return NULL;
    }
    no.order_id = oid;
  }
  no.date_creation = mk_now(s);
  if((t = mk_jstr_get(in, "date_creation")) && mk_time_parse(t, &no.date_creation)) {
    snprintf(err, errlen, "date_creation must be RFC 3339");
    return NULL;
  }
  if(json_object_object_get_ex(in, "shipping_price", &v) &&
     mk_money_json(v, &no.shipping_price)) {
    snprintf(err, errlen, "shipping_price must be a decimal");
    return NULL;
  }
  if(json_object_object_get_ex(in, "lines", &lines)) {
    n = json_object_is_type(lines, json_type_array) ?
        json_object_array_length(lines) : 0;
    if(!n) {
      snprintf(err, errlen, "lines must be a non-empty array");
      return NULL;
    }
  }
  else {
    lines = NULL;
    n = 1;
  }
  no.lines = calloc(n, sizeof(*no.lines));
  if(!no.lines) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  no.nlines = n;
  for(i = 0; i < n; i++)
    if(mk_line_parse(s, &no, lines ? json_object_array_get_idx(lines, i) : in,
                     (long)st, &no.lines[i], err, errlen)) {
      free(no.lines);
      return NULL;
    }
  if(!no.order_id)
    while(mk_order_get(s, (no.order_id = s->next_order++)) != NULL)
      ;
  no.date_modification = no.date_creation > mk_now(s) ? no.date_creation :
                         mk_now(s);
  no.date_payment = (mk_order_state(&no) == 0 || mk_order_state(&no) == 10) ?
                    0 : no.date_creation + 10000;
  mk_copy(no.shipper, sizeof(no.shipper), !strcmp(m->mcode, "GB") ?
          "Royal Mail" : !strcmp(m->mcode, "US") ? "UPS" :
          !strcmp(m->mcode, "JP") ? "Yamato" : "Colissimo");
  t = mk_jstr_get(in, "payment_method");
  mk_copy(no.payment_method, sizeof(no.payment_method), t ? t : "CARD");
  mk_uuid(s, no.psp);
  for(i = 0; i < 2; i++) {
    const char *k = i ? "billing_address" : "shipping_address";
    json_object **dst = i ? &no.billing_address : &no.shipping_address;
    if(json_object_object_get_ex(in, k, &v) &&
       json_object_is_type(v, json_type_object))
      *dst = json_object_get(v);
    else
      *dst = mk_default_address(m);
  }
  o = MK_PUSH(s->orders);
  if(!o) {
    mk_order_free(&no);
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  *o = no;
  return o;
}

static void mk_orders_ctl(struct mk_sim *s, struct mk_req *rq,
                          const char *rest, json_object *b, struct mk_resp *r)
{
  char err[200];
  size_t i;
  if(!*rest && !strcmp(rq->method, "POST")) {
    struct mk_order *o = mk_order_create(s, b, err, sizeof(err));
    if(!o)
      mk_cerr(r, 400, err);
    else
      mk_resp_json(r, 201, mk_order_json(s, o));
  }
  else if(!*rest && !strcmp(rq->method, "GET")) {
    const char *q = mk_kvs_get(&rq->query, "merchant_id");
    long long mid = -1;
    json_object *a = json_object_new_array(), *o = json_object_new_object();
    if(q && mk_parse_int(q, &mid))
      mid = -2;
    for(i = 0; i < s->orders.n; i++)
      if(mid == -1 || s->orders.a[i].merchant_id == mid)
        json_object_array_add(a, mk_order_json(s, &s->orders.a[i]));
    json_object_object_add(o, "orders", a);
    mk_resp_json(r, 200, o);
  }
  else if(*rest == '/') {
    long long id;
    char idb[32];
    const char *sl = strchr(rest + 1, '/');
    struct mk_order *o;
    mk_copy(idb, sizeof(idb), rest + 1);
    if(sl && (size_t)(sl - rest - 1) < sizeof(idb))
      idb[sl - rest - 1] = '\0';
    if(mk_parse_int(idb, &id) || !(o = mk_order_get(s, id))) {
      mk_cerr(r, 404, "unknown order");
      return;
    }
    if(!sl && !strcmp(rq->method, "GET"))
      mk_resp_json(r, 200, mk_order_json(s, o));
    else if(sl && !strcmp(rq->method, "POST") &&
            (!strcmp(sl, "/cancel") || !strcmp(sl, "/payment_failed") ||
             !strcmp(sl, "/pay") || !strcmp(sl, "/refund") ||
             !strcmp(sl, "/invoice")))
      mk_order_action(s, o, sl + 1, b, r);
    else
      mk_cerr(r, 404, "no such control endpoint");
  }
  else
    mk_cerr(r, 404, "no such control endpoint");
}

int mk_control_data(struct mk_sim *s, struct mk_req *rq, const char *rest,
                    struct mk_resp *r)
{
  json_object *b = mk_body_object(rq);
  char err[200];
  int handled = 1;
  if(!b)
    b = json_object_new_object();
  if(!strncmp(rest, "listings", 8) && (rest[8] == '\0' || rest[8] == '/'))
    mk_listings_ctl(s, rq, rest + 8, b, r);
  else if(!strncmp(rest, "orders", 6) && (rest[6] == '\0' || rest[6] == '/'))
    mk_orders_ctl(s, rq, rest + 6, b, r);
  else if(!strcmp(rest, "products") && !strcmp(rq->method, "POST")) {
    const char *u = mk_jstr_get(b, "product_id"), *t = mk_jstr_get(b, "title");
    long long bm = 0;
    struct mk_product *p;
    if(!u || !mk_is_uuid(u) || mk_get_int(b, "backmarket_id", &bm) < 0) {
      mk_cerr(r, 400, "product_id (UUID) is required; backmarket_id an int");
      goto out;
    }
    if(!(p = MK_PUSH(s->products))) {
      mk_cerr(r, 500, "out of memory");
      goto out;
    }
    mk_copy(p->uuid, sizeof(p->uuid), u);
    p->backmarket_id = bm > 0 ? bm : s->next_bm++;
    if(p->backmarket_id >= s->next_bm)
      s->next_bm = p->backmarket_id + 1;
    mk_copy(p->title, sizeof(p->title), t ? t : "Refurbished product");
    mk_resp_json(r, 201, json_object_get(b));
  }
  else if(!strcmp(rest, "customer_order") && !strcmp(rq->method, "POST")) {
    struct mk_order *o = NULL;
    int st = mk_customer_order(s, b, mk_now(s), &o, err, sizeof(err));
    if(st)
      mk_cerr(r, st, err);
    else
      mk_resp_json(r, 201, mk_order_json(s, o));
  }
  else if(!strcmp(rest, "schedule") && !strcmp(rq->method, "DELETE")) {
    s->schedules.n = 0;
    mk_resp_json(r, 200, json_object_new_object());
  }
  else if(!strcmp(rest, "schedule") && !strcmp(rq->method, "POST")) {
    long long mid, q = 1, every, cnt = 1;
    const char *sku = mk_jstr_get(b, "sku"), *mk = mk_jstr_get(b, "market");
    struct mk_schedule *sc;
    if(mk_get_int(b, "merchant_id", &mid) || !sku || !mk_market_find(mk) ||
       mk_get_int(b, "every_ms", &every) || every <= 0 ||
       mk_get_int(b, "quantity", &q) < 0 || q < 1 ||
       mk_get_int(b, "count", &cnt) < 0 || cnt < 1) {
      mk_cerr(r, 400, "merchant_id, sku, market, every_ms > 0 are required; "
              "quantity and count >= 1");
      goto out;
    }
    if(!(sc = MK_PUSH(s->schedules))) {
      mk_cerr(r, 500, "out of memory");
      goto out;
    }
    sc->merchant_id = mid;
    mk_copy(sc->sku, sizeof(sc->sku), sku);
    mk_copy(sc->market, sizeof(sc->market), mk_market_find(mk)->code);
    sc->quantity = (long)q;
    sc->count = (long)cnt;
    sc->every_ms = every;
    sc->next_ms = mk_now(s) + every;
    mk_resp_json(r, 201, json_object_get(b));
  }
  else
    handled = 0;
out:
  json_object_put(b);
  return handled;
}
