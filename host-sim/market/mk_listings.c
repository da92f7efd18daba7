/*
 * mk_listings.c -- Back Market listing endpoints: GET /ws/listings
 * (publication_state, min/max_quantity, pages), GET /ws/listings/detail,
 * GET/POST /ws/listings/{uuid|legacy id} (per-market price, currency,
 * comment, warranty, min_price and shipping chosen by Accept-Language;
 * global quantity), PATCH -> 405.  Publication state follows stock and
 * price (reference 4.4); the listing JSON is the production shape (4.2).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mk_internal.h"

static const struct {
  const char *grade;
  int state;
} mk_grades[] = {
  {"PREMIUM", 9}, {"EXCELLENT", 0}, {"VERY_GOOD", 1},
  {"GOOD", 2}, {"FAIR", 3}, {"STALLONE", 4},
};

int mk_grade_state(const char *grade)
{
  size_t i;
  for(i = 0; i < sizeof(mk_grades) / sizeof(mk_grades[0]); i++)
    if(grade && !strcasecmp(grade, mk_grades[i].grade))
      return mk_grades[i].state;
  return -1;
}

/* ProductCondition of a grade (reference 3.8): 9 premium, 10 excellent,
   11 very good or good, 12 fair or stallone. */
int mk_grade_condition(const char *grade)
{
  int g = mk_grade_state(grade);
  return g == 9 ? 9 : g == 0 ? 10 : g >= 3 ? 12 : 11;
}

/* A market the listing has no data in reads as this: no price, no
   comment, 12 months of warranty, no shipping. */
static const struct mk_lmarket *mk_lm_view(const struct mk_listing *l,
                                           int mi, struct mk_lmarket *none)
{
  const struct mk_lmarket *m = mk_lm_get(l, mi);
  if(m)
    return m;
  memset(none, 0, sizeof(*none));
  none->mi = mi;
  none->warranty = 12;
  return none;
}

/* Give a new listing its ids, product and grade; the legacy listing id
   and the product id never repeat one in use. */
void mk_listing_defaults(struct mk_sim *s, struct mk_listing *l)
{
  if(!l->uuid[0])
    mk_uuid(s, l->uuid);
  if(!l->listing_id) {
    int64_t id;
    const struct mk_listing *o;
    do {
      id = s->next_listing++;
      o = mk_listing_by_id(s, -1, id);
    } while(o && o != l);
    l->listing_id = id;
  }
  else if(l->listing_id >= s->next_listing)
    s->next_listing = l->listing_id + 1;
  if(!l->product_uuid[0])
    mk_uuid(s, l->product_uuid);
  if(!l->backmarket_id)
    l->backmarket_id = s->next_bm++;
  else if(l->backmarket_id >= s->next_bm)
    s->next_bm = l->backmarket_id + 1;
  if(!l->grade[0])
    mk_copy(l->grade, sizeof(l->grade), "GOOD");
}

int mk_listing_pub(const struct mk_listing *l, int mi)
{
  const struct mk_lmarket *m = mk_lm_get(l, mi);
  if(l->forced_pub >= 0)
    return l->forced_pub;
  if(l->quantity <= 0)
    return 3;
  if(!m || !m->has_price)
    return 0;
  if(m->has_max && m->price > m->max_price)
    return 3;
  return 2;
}

json_object *mk_listing_json(const struct mk_listing *l, int mi)
{
  struct mk_lmarket none;
  const struct mk_lmarket *m = mk_lm_view(l, mi, &none);
  json_object *j = json_object_new_object(), *sh = json_object_new_array();
  int k;
  for(k = 0; m->ship && k < 3; k++) {
    json_object *e;
    if(!m->ship[k].shipper)
      continue;
    e = json_object_new_object();
    json_object_object_add(e, "shipping_price",
                           mk_money_str(m->ship[k].price));
    json_object_object_add(e, "shipping_delay",
                           json_object_new_int64(m->ship[k].delay));
    json_object_object_add(e, "shipper",
                           json_object_new_string(m->ship[k].shipper));
    json_object_object_add(e, "shipper_display",
                           json_object_new_string(m->ship[k].shipper));
    json_object_object_add(e, "country_code",
                           json_object_new_string(mk_market_at(mi)->code));
    json_object_array_add(sh, e);
  }
  json_object_object_add(j, "id", json_object_new_string(l->uuid));
  json_object_object_add(j, "listing_id", json_object_new_int64(l->listing_id));
  json_object_object_add(j, "sku", json_object_new_string(l->sku));
  json_object_object_add(j, "title",
                         json_object_new_string(mk_listing_title(l)));
  json_object_object_add(j, "state", json_object_new_int(
                           mk_grade_state(l->grade) < 0 ? 2 :
                           mk_grade_state(l->grade)));
  json_object_object_add(j, "grade", json_object_new_string(l->grade));
  /* The spec declares price a string: a market without a price shows
   * "0.00" (and publication_state 0, "missing price"), never null. */
  json_object_object_add(j, "price", m->has_price ? mk_money_str(m->price) :
                         json_object_new_string("0.00"));
  json_object_object_add(j, "min_price", m->has_min ?
                         mk_money_str(m->min_price) : NULL);
  json_object_object_add(j, "quantity", json_object_new_int64(l->quantity));
  json_object_object_add(j, "publication_state",
                         json_object_new_int(mk_listing_pub(l, mi)));
  json_object_object_add(j, "comment", json_object_new_string(
                           m->comment ? m->comment : ""));
  json_object_object_add(j, "warranty_delay",
                         json_object_new_int64(m->warranty));
  json_object_object_add(j, "shippings", sh);
  json_object_object_add(j, "currency",
                         json_object_new_string(mk_market_at(mi)->currency));
  json_object_object_add(j, "backmarket_id",
                         json_object_new_int64(l->backmarket_id));
  json_object_object_add(j, "product_id",
                         json_object_new_string(l->product_uuid));
  json_object_object_add(j, "snowden", json_object_new_boolean(0));
  json_object_object_add(j, "max_price", m->has_max ?
                         mk_money_num(m->max_price) : NULL);
  return j;
}

static void mk_listing_one(struct mk_sim *s, struct mk_ctx *c,
                           struct mk_listing *l, struct mk_resp *r)
{
  json_object *j = mk_listing_json(l, mk_market_index(c->market->code));
  json_object_object_add(j, "statuscode", json_object_new_int(200));
  mk_resp_json(r, 200, j);
  (void)s;
}

static void mk_listings_list(struct mk_sim *s, struct mk_ctx *c,
                             struct mk_resp *r)
{
  const char *ps = mk_kvs_get(&c->rq->query, "publication_state");
  const char *mn = mk_kvs_get(&c->rq->query, "min_quantity");
  const char *mx = mk_kvs_get(&c->rq->query, "max_quantity");
  long long pub = -1, qmin = 0, qmax = 0;
  long page, size, n = 0;
  int mi = mk_market_index(c->market->code);
  size_t i;
  json_object *res;
  if((ps && (mk_parse_int(ps, &pub) || pub < 0 || pub > 4)) ||
     (mn && mk_parse_int(mn, &qmin)) || (mx && mk_parse_int(mx, &qmax))) {
    mk_resp_v1(s, r, 400, "invalid_parameter",
               "Invalid inputs (publication_state 0-4, min_quantity and "
               "max_quantity integers)");
    return;
  }
  if(mk_page_args(s, c, &page, &size, r))
    return;
  res = json_object_new_array();
  for(i = 0; i < s->listings.n; i++) {
    struct mk_listing *l = &s->listings.a[i];
    if(l->merchant_id != c->mer->id)
      continue;
    if((ps && mk_listing_pub(l, mi) != pub) || (mn && l->quantity < qmin) ||
       (mx && l->quantity > qmax))
      continue;
    if(n >= (page - 1) * size && n < page * size)
      json_object_array_add(res, mk_listing_json(l, mi));
    n++;
  }
  mk_resp_json(r, 200, mk_page_envelope(c, n, page, size, res));
}

static int mk_int_field(json_object *b, const char *k, long long *v, int *has)
{
  json_object *o;
  *has = 0;
  if(!json_object_object_get_ex(b, k, &o) || !o)
    return 0;
  *has = 1;
  return mk_json_int(o, v);
}

/* Validate a single-listing update into nl (a copy of the listing); 0 or
   -1 with r set. */
static int mk_listing_stage(struct mk_sim *s, struct mk_ctx *c,
                            struct mk_listing *nl, json_object *b,
                            json_object *msgs, struct mk_resp *r)
{
  int mi = mk_market_index(c->market->code), has, k;
  struct mk_lmarket *nm = NULL;
  long long q = nl->quantity, w;
  json_object *v;
  char err[200];
  static const char *const per_market[] = {
    "price", "comment", "warranty_delay", "min_price", "shipper_1",
    "shipper_2", "shipper_3"};
  for(k = 0; k < (int)(sizeof(per_market) / sizeof(per_market[0])); k++)
    if(json_object_object_get_ex(b, per_market[k], &v) &&
       !(nm = mk_lm_add(nl, mi))) {
      mk_resp_v1(s, r, 500, "internal", "out of memory");
      return -1;
    }
  if(json_object_object_get_ex(b, "price", &v) && v) {
    if(mk_money_json(v, &nm->price) || nm->price <= 0) {
      mk_resp_str(r, 400, "price must be a positive decimal");
      return -1;
    }
    nm->has_price = 1;
  }
  if(json_object_object_get_ex(b, "currency", &v) && v) {
    if(!json_object_is_type(v, json_type_string) ||
       strcasecmp(json_object_get_string(v), c->market->currency)) {
      snprintf(err, sizeof(err), "currency %s does not match market %s (%s)",
               json_object_get_string(v), c->market->code,
               c->market->currency);
      mk_resp_str(r, 400, err);
      return -1;
    }
  }
  if(json_object_object_get_ex(b, "comment", &v)) {
    if(v && (!json_object_is_type(v, json_type_string) ||
             strlen(json_object_get_string(v)) > 500)) {
      mk_resp_str(r, 400, "comment must be a string of at most 500 "
                  "characters");
      return -1;
    }
    if(mk_str_set(&nm->comment, v ? json_object_get_string(v) : NULL)) {
      mk_resp_v1(s, r, 500, "internal", "out of memory");
      return -1;
    }
  }
  if(mk_int_field(b, "warranty_delay", &w, &has) || (has && w < 12)) {
    mk_resp_str(r, 400, "warranty_delay must be an integer of at least 12");
    return -1;
  }
  if(has)
    nm->warranty = (long)w;
  if(mk_int_field(b, "quantity", &q, &has) || q < 0 || q > 1000000) {
    mk_resp_str(r, 400, "quantity must be a non-negative integer");
    return -1;
  }
  nl->quantity = (long)q;
  if(json_object_object_get_ex(b, "min_price", &v)) {
    if(!v)
      nm->has_min = 0;
    else if(mk_money_json(v, &nm->min_price) || nm->min_price < 0) {
      mk_resp_str(r, 400, "min_price must be a decimal or null");
      return -1;
    }
    else
      nm->has_min = 1;
  }
  for(k = 0; k < 3; k++) {
    char key[32];
    const char *sh = NULL;
    int64_t price = 0;
    long long delay = 0;
    snprintf(key, sizeof(key), "shipper_%d", k + 1);
    if(!json_object_object_get_ex(b, key, &v) || !v)
      continue;
    if(!json_object_is_type(v, json_type_string) ||
       !*(sh = json_object_get_string(v)) || strlen(sh) > 200) {
      mk_resp_str(r, 400, "shipper_N must be a carrier name");
      return -1;
    }
    if(nm->ship && nm->ship[k].shipper) {
      price = nm->ship[k].price;
      delay = nm->ship[k].delay;
    }
    snprintf(key, sizeof(key), "shipping_price_%d", k + 1);
    if(json_object_object_get_ex(b, key, &v) && v &&
       mk_money_json(v, &price)) {
      mk_resp_str(r, 400, "shipping_price_N must be a decimal");
      return -1;
    }
    snprintf(key, sizeof(key), "shipping_delay_%d", k + 1);
    if(mk_int_field(b, key, &w, &has)) {
      mk_resp_str(r, 400, "shipping_delay_N must be an integer (hours)");
      return -1;
    }
    if(has)
      delay = w;
    if(mk_lm_ship_set(nm, k, sh, price, (long)delay)) {
      mk_resp_v1(s, r, 500, "internal", "out of memory");
      return -1;
    }
    snprintf(err, sizeof(err), "Shipping method %d (%.60s) updated", k + 1, sh);
    json_object_array_add(msgs, json_object_new_string(err));
  }
  return 0;
}

/* Validate then apply a single-listing update; returns 0 or sets r. */
static int mk_listing_update(struct mk_sim *s, struct mk_ctx *c,
                             struct mk_listing *l, json_object *b,
                             json_object *msgs, struct mk_resp *r)
{
  struct mk_listing nl;
  if(mk_listing_copy(&nl, l)) {
    mk_resp_v1(s, r, 500, "internal", "out of memory");
    return -1;
  }
  if(mk_listing_stage(s, c, &nl, b, msgs, r) ||
     mk_quota_sku_lines(s, c, 1, r)) {
    mk_listing_free(&nl);
    return -1;
  }
  mk_listing_free(l);
  *l = nl;
  return 0;
}

static void mk_listing_post(struct mk_sim *s, struct mk_ctx *c,
                            struct mk_listing *l, struct mk_resp *r)
{
  json_object *b = mk_body_object(c->rq), *msgs, *j;
  if(!b) {
    mk_resp_str(r, 400, "Body must be a JSON object");
    return;
  }
  msgs = json_object_new_array();
  if(!mk_listing_update(s, c, l, b, msgs, r)) {
    j = mk_listing_json(l, mk_market_index(c->market->code));
    json_object_object_add(j, "shippings_response", msgs);
    json_object_object_add(j, "statuscode", json_object_new_int(200));
    mk_resp_json(r, 200, j);
  }
  else
    json_object_put(msgs);
  json_object_put(b);
}

void mk_ws_listings(struct mk_sim *s, struct mk_ctx *c, const char *rest,
                    struct mk_resp *r)
{
  const char *m = c->rq->method;
  struct mk_listing *l = NULL;
  if(c->market_bad) {
    if(!strcmp(m, "POST"))
      mk_resp_str(r, 400, "Accept-Language is not a market of this "
                  "platform");
    else
      mk_resp_v1(s, r, 400, "invalid_parameter",
                 "Accept-Language is not a market of this platform");
    return;
  }
  if(!*rest || !strcmp(rest, "/")) {
    if(strcmp(m, "GET"))
      mk_resp_v1(s, r, 405, "method_not_allowed", "Method not allowed");
    else
      mk_listings_list(s, c, r);
    return;
  }
  rest++;
  if(!strcmp(rest, "detail")) {
    const char *k = mk_kvs_get(&c->rq->query, "sku");
    if(strcmp(m, "GET")) {
      mk_resp_v1(s, r, 405, "method_not_allowed", "Method not allowed");
      return;
    }
    if(k)
      l = mk_listing_by_sku(s, c->mer->id, k);
    else if((k = mk_kvs_get(&c->rq->query, "listing_id")) != NULL ||
            (k = mk_kvs_get(&c->rq->query, "id")) != NULL)
      l = mk_listing_find(s, c->mer->id, k);
    else {
      mk_resp_v1(s, r, 400, "invalid_parameter",
                 "one of sku, listing_id or id is required");
      return;
    }
  }
  else if(strchr(rest, '/')) {
    mk_resp_v1(s, r, 404, "not_found", "Webservices unavailable");
    return;
  }
  else
    l = mk_listing_find(s, c->mer->id, rest);
  if(!strcmp(m, "PATCH") || !strcmp(m, "PUT") || !strcmp(m, "DELETE")) {
    mk_resp_v1(s, r, 405, "method_not_allowed",
               "Method not allowed; use POST to update a listing");
    return;
  }
  if(!l) {
    mk_resp_v1(s, r, 404, "not_found", "Listing not found, or it does not "
               "belong to the authenticated merchant");
    return;
  }
  if(!strcmp(m, "GET"))
    mk_listing_one(s, c, l, r);
  else if(!strcmp(m, "POST"))
    mk_listing_post(s, c, l, r);
  else
    mk_resp_v1(s, r, 405, "method_not_allowed", "Method not allowed");
}
