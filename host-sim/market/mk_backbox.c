/*
 * mk_backbox.c -- GET /ws/backbox/v1/competitors/{listing uuid}: one entry
 * per market with Back Box data for the caller's listing, money as
 * {"amount","currency"} objects (reference 5.1); 404 problem+json when
 * there is no data, 422 problem+json for a legacy integer id.
 */
#define _GNU_SOURCE
#include <string.h>
#include <strings.h>

#include "mk_internal.h"

static json_object *mk_amount(int64_t cents, const char *cur)
{
  json_object *o = json_object_new_object();
  json_object_object_add(o, "amount", mk_money_str(cents));
  json_object_object_add(o, "currency", json_object_new_string(cur));
  return o;
}

void mk_ws_backbox(struct mk_sim *s, struct mk_ctx *c, const char *rest,
                   struct mk_resp *r)
{
  struct mk_listing *l;
  json_object *a;
  size_t i;
  if(strcmp(c->rq->method, "GET")) {
    mk_resp_problem(r, 405, "/errors/method-not-allowed",
                    "Method not allowed", "Only GET is supported");
    return;
  }
  if(!mk_is_uuid(rest)) {
    mk_resp_problem(r, 422, "/errors/validation-error", "Validation error",
                    "listingId must be the listing UUID (legacy integer ids "
                    "are not accepted)");
    return;
  }
  l = mk_listing_find(s, c->mer->id, rest);
  if(!l) {
    mk_resp_problem(r, 404, "/errors/not-found", "Not found",
                    "Listing not found");
    return;
  }
  a = json_object_new_array();
  for(i = 0; i < s->bboxes.n; i++) {
    struct mk_bbox *b = &s->bboxes.a[i];
    const struct mk_market_info *m;
    json_object *e;
    if(strcasecmp(b->listing_uuid, l->uuid))
      continue;
    m = mk_market_find(b->market);
    if(!m || m->platform != c->platform)
      continue;
    e = json_object_new_object();
    json_object_object_add(e, "listing_id", json_object_new_string(l->uuid));
    json_object_object_add(e, "product_id",
                           json_object_new_string(l->product_uuid));
    json_object_object_add(e, "price", mk_amount(b->price, m->currency));
    json_object_object_add(e, "min_price", b->has_min ?
                           mk_amount(b->min_price, m->currency) : NULL);
    json_object_object_add(e, "price_to_win",
                           mk_amount(b->price_to_win, m->currency));
    json_object_object_add(e, "winner_price", b->has_winner ?
                           mk_amount(b->winner_price, m->currency) : NULL);
    json_object_object_add(e, "is_winning",
                           json_object_new_boolean(b->is_winning));
    json_object_object_add(e, "market", json_object_new_string(m->mcode));
    json_object_array_add(a, e);
  }
  if(!json_object_array_length(a)) {
    json_object_put(a);
    mk_resp_problem(r, 404, "/errors/not-found", "Not found",
                    "No Back Box data for this listing");
    return;
  }
  mk_resp_json(r, 200, a);
}
