/*
 * mk_catalog.c -- Back Market's catalogue and the deprecated Back Box
 * list: GET /ws/category/tree (CategoryTree array), GET
 * /ws/category/tree/{categoryId} (one branch; 404 ErrorResponseV1), the
 * tree's default and its control-API replacement (validated node by node),
 * and GET /ws/listings_bi (Backbox data of the caller's listings in the
 * Accept-Language market, paged, 2 calls per hour per country, errors as
 * problem+json; reference 5.1 and 5.5).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mk_internal.h"

/* The tree a fresh simulator serves: two top-level nodes (negative
   marketplace ids, as in production), leaves with their attributes. */
static const char mk_default_tree[] =
  "[{\"category_id\": 1, \"category_name\": \"Smartphones\", "
  "\"marketplace_category_id\": -1, \"is_leaf\": false, \"attributes\": [], "
  "\"childrens\": [{\"category_id\": 2, \"category_name\": \"iPhone\", "
  "\"marketplace_category_id\": 2, \"is_leaf\": true, \"attributes\": ["
  "{\"field\": \"color\", \"field_name\": \"Color\", \"type\": 3, "
  "\"allowed_values\": \"Black,White,Blue,Red\", \"required\": true}, "
  "{\"field\": \"storage\", \"field_name\": \"Storage (GB)\", \"type\": 1, "
  "\"allowed_values\": \"\", \"required\": true}, "
  "{\"field\": \"network\", \"field_name\": \"Network\", \"type\": 3, "
  "\"allowed_values\": \"Unlocked,AT&T,Verizon\", \"required\": false}], "
  "\"childrens\": []}, {\"category_id\": 3, \"category_name\": "
  "\"Android smartphones\", \"marketplace_category_id\": 3, \"is_leaf\": true,"
  " \"attributes\": [{\"field\": \"color\", \"field_name\": \"Color\", "
  "\"type\": 2, \"allowed_values\": \"\", \"required\": false}], "
  "\"childrens\": []}]}, "
  "{\"category_id\": 10, \"category_name\": \"Computers\", "
  "\"marketplace_category_id\": -10, \"is_leaf\": false, \"attributes\": [], "
  "\"childrens\": [{\"category_id\": 11, \"category_name\": \"Laptops\", "
  "\"marketplace_category_id\": 11, \"is_leaf\": true, \"attributes\": ["
  "{\"field\": \"ram\", \"field_name\": \"RAM (GB)\", \"type\": 1, "
  "\"allowed_values\": \"\", \"required\": true}, "
  "{\"field\": \"screen_size\", \"field_name\": \"Screen size (in)\", "
  "\"type\": 0, \"allowed_values\": \"\", \"required\": false}], "
  "\"childrens\": []}]}]";

void mk_categories_default(struct mk_sim *s)
{
  json_object_put(s->categories);
  s->categories = json_tokener_parse(mk_default_tree);
}

static int mk_member(json_object *o, const char *k, json_type t,
                     json_object **v)
{
  return json_object_object_get_ex(o, k, v) && *v &&
         json_object_is_type(*v, t);
}

/* Check one CategoryTree node and its children; ids must be unique. */
static int mk_node_check(json_object *n, json_object *seen, int depth,
                         char *err, size_t el)
{
  json_object *v, *a;
  size_t i;
  char key[32];
  if(depth > 8) {
    snprintf(err, el, "category tree is deeper than 8 levels");
    return -1;
  }
  if(!json_object_is_type(n, json_type_object) ||
     !mk_member(n, "category_id", json_type_int, &v) ||
     !mk_member(n, "category_name", json_type_string, &a) ||
     !mk_member(n, "marketplace_category_id", json_type_int, &a) ||
     !mk_member(n, "is_leaf", json_type_boolean, &a) ||
     !mk_member(n, "attributes", json_type_array, &a) ||
     !mk_member(n, "childrens", json_type_array, &a)) {
    snprintf(err, el, "each category needs category_id (int), category_name "
             "(string), marketplace_category_id (int), is_leaf (bool), "
             "attributes (array) and childrens (array)");
    return -1;
  }
  snprintf(key, sizeof(key), "%lld", (long long)json_object_get_int64(v));
  if(json_object_object_get_ex(seen, key, NULL)) {
    snprintf(err, el, "category_id %s appears twice", key);
    return -1;
  }
  json_object_object_add(seen, key, NULL);
  json_object_object_get_ex(n, "attributes", &a);
  for(i = 0; i < json_object_array_length(a); i++) {
    json_object *at = json_object_array_get_idx(a, i), *t;
    if(!json_object_is_type(at, json_type_object) ||
       !mk_member(at, "field", json_type_string, &t) ||
       !mk_member(at, "field_name", json_type_string, &t) ||
       !mk_member(at, "allowed_values", json_type_string, &t) ||
       !mk_member(at, "required", json_type_boolean, &t) ||
       !mk_member(at, "type", json_type_int, &t) ||
       json_object_get_int(t) < 0 || json_object_get_int(t) > 3) {
      snprintf(err, el, "category %s attribute %zu needs field, field_name, "
               "allowed_values (strings), required (bool), type 0-3", key,
               i + 1);
      return -1;
    }
  }
  json_object_object_get_ex(n, "childrens", &a);
  for(i = 0; i < json_object_array_length(a); i++)
    if(mk_node_check(json_object_array_get_idx(a, i), seen, depth + 1, err,
                     el))
      return -1;
  return 0;
}

/* POST /_sim/categories {"tree": [...]}: replace the tree. */
void mk_categories_ctl(struct mk_sim *s, json_object *b, struct mk_resp *r)
{
  json_object *tree, *seen;
  char err[200];
  size_t i;
  if(!json_object_object_get_ex(b, "tree", &tree) ||
     !json_object_is_type(tree, json_type_array)) {
    mk_cerr(r, 400, "body must be {\"tree\": [CategoryTree, ...]}");
    return;
  }
  seen = json_object_new_object();
  for(i = 0; i < json_object_array_length(tree); i++)
    if(mk_node_check(json_object_array_get_idx(tree, i), seen, 0, err,
                     sizeof(err))) {
      json_object_put(seen);
      mk_cerr(r, 400, err);
      return;
    }
  json_object_put(seen);
  json_object_put(s->categories);
  s->categories = json_object_get(tree);
  mk_resp_json(r, 201, json_object_get(tree));
}

static json_object *mk_branch(json_object *nodes, int64_t id)
{
  size_t i;
  for(i = 0; nodes && i < json_object_array_length(nodes); i++) {
    json_object *n = json_object_array_get_idx(nodes, i), *v, *hit;
    if(json_object_object_get_ex(n, "category_id", &v) &&
       json_object_get_int64(v) == id)
      return n;
    if(json_object_object_get_ex(n, "childrens", &v) &&
       (hit = mk_branch(v, id)) != NULL)
      return hit;
  }
  return NULL;
}

void mk_ws_category(struct mk_sim *s, struct mk_ctx *c, const char *rest,
                    struct mk_resp *r)
{
  long long id;
  json_object *n;
  if(strcmp(c->rq->method, "GET")) {
    mk_resp_v1(s, r, 405, "method_not_allowed", "Method not allowed");
    return;
  }
  if(!*rest) {
    mk_resp_json(r, 200, s->categories ? json_object_get(s->categories) :
                 json_object_new_array());
    return;
  }
  if(*rest != '/' || mk_parse_int(rest + 1, &id)) {
    mk_resp_v1(s, r, 400, "invalid_parameter",
               "categoryId must be an integer");
    return;
  }
  n = mk_branch(s->categories, id);
  if(!n) {
    mk_resp_v1(s, r, 404, "not_found", "Category not found.");
    return;
  }
  mk_resp_json(r, 200, json_object_get(n));
}

static json_object *mk_bi_entry(struct mk_sim *s, const struct mk_ctx *c,
                                const struct mk_listing *l,
                                const struct mk_bbox *b, int mi)
{
  json_object *e = json_object_new_object();
  const struct mk_lmarket *m = mk_lm_get(l, mi);
  int same = b->is_winning;
  size_t i;
  for(i = 0; !same && i < s->bboxes.n; i++) {
    const struct mk_bbox *o = &s->bboxes.a[i];
    const struct mk_listing *ol;
    if(!o->is_winning || strcasecmp(o->market, b->market))
      continue;
    ol = mk_listing_find(s, c->mer->id, o->listing_uuid);
    same = ol && !strcasecmp(ol->product_uuid, l->product_uuid);
  }
  json_object_object_add(e, "product", json_object_new_int64(l->backmarket_id));
  json_object_object_add(e, "sku", json_object_new_string(l->sku));
  json_object_object_add(e, "price", mk_money_num(m && m->has_price ?
                                                 m->price : b->price));
  json_object_object_add(e, "quantity", json_object_new_int64(l->quantity));
  json_object_object_add(e, "buybox", json_object_new_boolean(b->is_winning));
  json_object_object_add(e, "price_for_buybox",
                         mk_money_num(b->price_to_win));
  json_object_object_add(e, "currency",
                         json_object_new_string(mk_market_at(mi)->currency));
  json_object_object_add(e, "condition",
                         json_object_new_int(mk_grade_condition(l->grade)));
  json_object_object_add(e, "same_merchant_winner",
                         json_object_new_boolean(same));
  return e;
}

void mk_ws_listings_bi(struct mk_sim *s, struct mk_ctx *c, struct mk_resp *r)
{
  int mi = mk_market_index(c->market->code), hit;
  long page, size, n = 0;
  int64_t wait = 0;
  char key[32];
  json_object *res;
  size_t i;
  if(strcmp(c->rq->method, "GET")) {
    mk_resp_v3(s, r, 405, "/errors/method-not-allowed", "Method not allowed",
               "Only GET is supported");
    return;
  }
  if(c->market_bad) {
    mk_resp_v3(s, r, 404, "/errors/not-found", "Webservices unavailable",
               "Accept-Language is not a market of this platform");
    return;
  }
  if(mk_page_args(s, c, &page, &size, r))
    return;
  /* twice every hour for each country (reference 5.1, 6.1) */
  snprintf(key, sizeof(key), "listings_bi:%s", c->market->code);
  hit = mk_quota_named(s, c->tok, key, 2, 3600000, &wait);
  if(hit) {
    mk_resp_v3(s, r, hit < 0 ? 500 : 429, "/errors/too-many-requests",
               "Too many calls", "GET /ws/listings_bi is limited to 2 calls "
               "per hour for each country");
    if(hit > 0 && s->cfg.retry_after)
      r->retry_after = (long)((wait + 999) / 1000);
    return;
  }
  res = json_object_new_array();
  for(i = 0; i < s->bboxes.n; i++) {
    const struct mk_bbox *b = &s->bboxes.a[i];
    const struct mk_listing *l;
    if(strcasecmp(b->market, c->market->code))
      continue;
    l = mk_listing_find(s, c->mer->id, b->listing_uuid);
    if(!l)
      continue;
    if(n >= (page - 1) * size && n < page * size)
      json_object_array_add(res, mk_bi_entry(s, c, l, b, mi));
    n++;
  }
  mk_resp_json(r, 200, mk_page_envelope(c, n, page, size, res));
}
