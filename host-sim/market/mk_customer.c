/*
 * mk_customer.c -- the customer side of the marketplace (control API):
 * paid customer orders that take stock from a listing, customer
 * cancellation, payment failure and payment, refunds, invoices, and
 * customer orders scheduled on the virtual clock.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mk_internal.h"

/* Place a paid customer order from a listing (takes stock).  Returns 0 and
   *out, or the HTTP status to answer (400, 404, 409) with text in err. */
int mk_customer_order(struct mk_sim *s, json_object *in, int64_t at,
                      struct mk_order **out, char *err, size_t errlen)
{
  long long mid, q = 1;
  const char *sku = mk_jstr_get(in, "sku"), *mk = mk_jstr_get(in, "market");
  struct mk_listing *l;
  int mi = mk_market_index(mk ? mk : "fr-fr");
  json_object *spec, *v;
  struct mk_order *o;
  if(mk_get_int(in, "merchant_id", &mid) || !sku || mi < 0 ||
     mk_get_int(in, "quantity", &q) < 0 || q < 1) {
    snprintf(err, errlen, "merchant_id, sku, market and quantity >= 1 are "
             "required");
    return 400;
  }
  l = mk_listing_by_sku(s, mid, sku);
  if(!l) {
    snprintf(err, errlen, "unknown listing");
    return 404;
  }
  if(!mk_lm_get(l, mi) || !mk_lm_get(l, mi)->has_price) {
    snprintf(err, errlen, "listing has no price in %s", mk_market_at(mi)->code);
    return 409;
  }
  if(l->quantity < q && !(json_object_object_get_ex(in, "allow_oversell", &v)
                          && json_object_get_boolean(v))) {
    snprintf(err, errlen, "not enough stock (%ld available)", l->quantity);
    return 409;
  }
  spec = json_object_new_object();
  json_object_object_add(spec, "merchant_id", json_object_new_int64(mid));
  json_object_object_add(spec, "sku", json_object_new_string(l->sku));
  json_object_object_add(spec, "quantity", json_object_new_int64(q));
  json_object_object_add(spec, "market",
                         json_object_new_string(mk_market_at(mi)->code));
  if(json_object_object_get_ex(in, "shipping_address", &v))
    json_object_object_add(spec, "shipping_address", json_object_get(v));
  o = mk_order_create(s, spec, err, errlen);
  json_object_put(spec);
  if(!o)
    return 400;
  o->date_creation = at;
  o->date_payment = at + 10000;
  o->lines[0].stocked = 1;
  l = mk_listing_by_sku(s, mid, sku);
  if(l)
    l->quantity -= (long)q;
  *out = o;
  return 0;
}

/* Customer-side actions on /_sim/orders/{id}/{action}. */
void mk_order_action(struct mk_sim *s, struct mk_order *o,
                            const char *act, json_object *b,
                            struct mk_resp *r)
{
  const char *sku = mk_jstr_get(b, "sku");
  long long rr = -1;
  size_t i, n = 0;
  for(i = 0; i < o->nlines; i++) {
    struct mk_line *l = &o->lines[i];
    int st = l->state;
    if(sku && strcasecmp(sku, l->sku))
      continue;
    if(!strcmp(act, "cancel") && (st == 0 || st == 1 || st == 8 || st == 9)) {
      l->state = 4;
      l->return_reason = 1;
      mk_copy(l->return_message, sizeof(l->return_message),
              "Customer cancellation");
      mk_order_restock(s, o, l);
      n++;
    }
    else if(!strcmp(act, "payment_failed") && (st == 0 || st == 8)) {
      l->state = 7;
      o->payment_failed = 1;
      mk_order_restock(s, o, l);
      n++;
    }
    else if(!strcmp(act, "pay") && (st == 0 || st == 8)) {
      l->state = 1;
      o->date_payment = mk_now(s);
      n++;
    }
    else if(!strcmp(act, "refund") && (st == 2 || st == 3)) {
      l->state = st == 2 ? 5 : 6;
      l->return_reason = mk_get_int(b, "return_reason", &rr) == 0 ? rr : 25;
      if(st == 2)
        mk_order_restock(s, o, l);
      n++;
    }
  }
  if(!strcmp(act, "invoice")) {
    o->date_bill = mk_now(s);
    n = 1;
  }
  if(!n) {
    mk_cerr(r, 409, "no orderline is in a state this action applies to");
    return;
  }
  o->date_modification = mk_now(s);
  mk_resp_json(r, 200, mk_order_json(s, o));
}

void mk_schedule_tick(struct mk_sim *s)
{
  int64_t now = mk_now(s);
  size_t i;
  char err[200];
  for(i = 0; i < s->schedules.n; i++) {
    struct mk_schedule *sc = &s->schedules.a[i];
    while(sc->count > 0 && sc->every_ms > 0 && now >= sc->next_ms) {
      json_object *in = json_object_new_object();
      struct mk_order *o;
      json_object_object_add(in, "merchant_id",
                             json_object_new_int64(sc->merchant_id));
      json_object_object_add(in, "sku", json_object_new_string(sc->sku));
      json_object_object_add(in, "market", json_object_new_string(sc->market));
      json_object_object_add(in, "quantity", json_object_new_int64(sc->quantity));
      if(mk_customer_order(s, in, sc->next_ms, &o, err, sizeof(err)) == 0)
        o->date_modification = now;
      json_object_put(in);
      sc = &s->schedules.a[i];
      sc->next_ms += sc->every_ms;
      sc->count--;
    }
  }
}
