/*
 * mk_care.c -- Back Market's Care API ("SAV", reference 5.3), read side
 * and routing: the folder model, GET /ws/sav (care folders, 10 per page,
 * `count` = folders on the page; filters last_id, state, orderline,
 * last_modification_date, last_message_date in YYYY-MM-DD-hh-mm), GET
 * /ws/sav/{id} (detail with claims, messages and the orderline), and the
 * documented per-token limits of every Care endpoint (reference 6.1).  The
 * POST endpoints are in mk_care_post.c; folders are created through the
 * control API (mk_care_ctl.c).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mk_internal.h"

#define MK_CARE_PAGE 10

/* Per-token limits of the Care endpoints (reference 6.1). */
static const struct {
  const char *op;
  long per_min, per_day;
} mk_care_limits[] = {
  {"list", 520, 4000}, {"detail", 600, 40000}, {"problem", 750, 1000},
  {"refund", 0, 500}, {"msg", 560, 40000}, {"item-transfer", 292, 500},
};

struct mk_care_folder *mk_care_get(struct mk_sim *s, int64_t id)
{
  size_t i;
  for(i = 0; i < s->care.n; i++)
    if(s->care.a[i].id == id)
      return &s->care.a[i];
  return NULL;
}

void mk_care_clear(struct mk_sim *s)
{
  size_t i, k, j;
  for(i = 0; i < s->care.n; i++) {
    struct mk_care_folder *f = &s->care.a[i];
    for(k = 0; k < f->msgs.n; k++) {
      for(j = 0; j < f->msgs.a[k].nattach; j++)
        free(f->msgs.a[k].attach[j]);
      free(f->msgs.a[k].attach);
      free(f->msgs.a[k].text);
    }
    free(f->msgs.a);
    free(f->problems.a);
    free(f->transfers.a);
  }
  s->care.n = 0;
  s->refunds.n = 0;
  s->next_care = MK_CARE_LEGACY_ID + 1;  /* new folders */
  s->next_care_msg = 5000001;
  s->next_claim = 7000001;
}

struct mk_care_msg *mk_care_msg_add(struct mk_sim *s,
                                    struct mk_care_folder *f,
                                    const char *text, int from_merchant)
{
  struct mk_care_msg *m;
  char *t = strdup(text ? text : "");
  if(!t || !(m = MK_PUSH(f->msgs))) {
    free(t);
    return NULL;
  }
  m->id = s->next_care_msg++;
  m->at = mk_now(s);
  m->text = t;
  m->from_merchant = from_merchant;
  f->last_msg = f->modified = m->at;
  return m;
}

/* Count the call against op's limits; 0 = go on, -1 = 429 set. */
static int mk_care_quota(struct mk_sim *s, struct mk_ctx *c, const char *op,
                         struct mk_resp *r)
{
  size_t i;
  char key[32];
  int64_t wait = 0;
  int hit = 0;
  for(i = 0; i < sizeof(mk_care_limits) / sizeof(mk_care_limits[0]); i++) {
    if(strcmp(mk_care_limits[i].op, op))
      continue;
    if(mk_care_limits[i].per_min) {
      snprintf(key, sizeof(key), "sav-%s:min", op);
      hit = mk_quota_named(s, c->tok, key, mk_care_limits[i].per_min, 60000,
                           &wait);
    }
    if(!hit) {
      snprintf(key, sizeof(key), "sav-%s:day", op);
      hit = mk_quota_named(s, c->tok, key, mk_care_limits[i].per_day,
                           86400000, &wait);
    }
  }
  if(!hit)
    return 0;
  if(hit < 0) {
    mk_resp_v1(s, r, 500, "internal", "out of memory");
    return -1;
  }
  mk_resp_v1(s, r, 429, "too_many_requests",
             "Too many requests on this Care endpoint");
  if(s->cfg.retry_after)
    r->retry_after = (long)((wait + 999) / 1000);
  return -1;
}

/* An address with string members only (the Care schema types them all as
   strings; production sends null for an absent company or street2). */
static json_object *mk_care_address(json_object *a)
{
  json_object *o = json_object_new_object();
  if(a && json_object_is_type(a, json_type_object)) {
    json_object_object_foreach(a, k, v)
      if(v && json_object_is_type(v, json_type_string))
        json_object_object_add(o, k, json_object_get(v));
  }
  return o;
}

static void mk_add_time(json_object *o, const char *k, int64_t ms)
{
  if(ms > 0)
    json_object_object_add(o, k, mk_time_json(ms));
}

static json_object *mk_care_folder_json(const struct mk_care_folder *f,
                                        const struct mk_market_info *m)
{
  json_object *o = json_object_new_object(), *lines = json_object_new_array();
  json_object_array_add(lines, json_object_new_int64(f->claim_id));
  json_object_object_add(o, "id", json_object_new_int64(f->id));
  json_object_object_add(o, "client", json_object_new_int64(f->client_id));
  json_object_object_add(o, "merchant", json_object_new_int64(f->merchant_id));
  json_object_object_add(o, "orderline", json_object_new_int64(f->line_id));
  mk_add_time(o, "date_creation", f->created);
  mk_add_time(o, "date_modification", f->modified);
  mk_add_time(o, "date_last_message", f->last_msg);
  mk_add_time(o, "date_closed", f->closed);
  json_object_object_add(o, "state", json_object_new_int(f->state));
  json_object_object_add(o, "lines", lines);
  json_object_object_add(o, "country_code",
                         json_object_new_string(m ? m->code : "fr-fr"));
  json_object_object_add(o, "backcare", json_object_new_boolean(0));
  return o;
}

static json_object *mk_care_msg_json(const struct mk_care_folder *f,
                                     const struct mk_care_msg *m)
{
  json_object *o = json_object_new_object(), *at = json_object_new_array();
  size_t i;
  char url[512];
  for(i = 0; i < m->nattach; i++) {
    json_object *a = json_object_new_object();
    snprintf(url, sizeof(url), "https://sav-attachments.backmarket.test/%lld/"
             "%lld/%.200s", (long long)f->id, (long long)m->id, m->attach[i]);
    json_object_object_add(a, "id", json_object_new_int64(m->id * 100 +
                                                          (int64_t)i));
    json_object_object_add(a, "attachment", json_object_new_string(url));
    json_object_object_add(a, "date_creation", mk_time_json(m->at));
    json_object_array_add(at, a);
  }
  json_object_object_add(o, "id", json_object_new_int64(m->id));
  json_object_object_add(o, "message", json_object_new_string(m->text));
  json_object_object_add(o, "date_creation", mk_time_json(m->at));
  json_object_object_add(o, "attachments", at);
  json_object_object_add(o, "initiator", json_object_new_string(
                           m->from_merchant ? "Merchant" : "Customer"));
  json_object_object_add(o, "kind", json_object_new_string(
                           m->from_merchant ? "MERCHANT_TO_ALL" :
                           "CUSTOMER_TO_ALL"));
  json_object_object_add(o, "is_informative", json_object_new_boolean(0));
  return o;
}

static const char *mk_addr_str(json_object *a, const char *k)
{
  json_object *v;
  if(a && json_object_object_get_ex(a, k, &v) && v &&
     json_object_is_type(v, json_type_string))
    return json_object_get_string(v);
  return "";
}

/* The orderline member of the detail: the line, its order and a snapshot
   of the listing as sold. */
static json_object *mk_care_line_json(struct mk_sim *s,
                                      const struct mk_order *o,
                                      const struct mk_line *l)
{
  json_object *j = json_object_new_object(), *od = json_object_new_object();
  json_object *sn = json_object_new_object(), *p = json_object_new_object();
  json_object *c3 = json_object_new_object();
  int st = mk_order_state(o);
  char img[160];
  json_object_object_add(od, "order_id", json_object_new_int64(o->order_id));
  json_object_object_add(od, "shipping_address",
                         mk_care_address(o->shipping_address));
  json_object_object_add(od, "billing_address",
                         mk_care_address(o->billing_address));
  json_object_object_add(od, "tracking_number",
                         json_object_new_string(o->tracking_number));
  json_object_object_add(od, "tracking_url",
                         json_object_new_string(o->tracking_url));
  json_object_object_add(od, "shipper", json_object_new_int(0));
  json_object_object_add(od, "shipper_display",
                         json_object_new_string(o->shipper));
  mk_add_time(od, "date_creation", o->date_creation);
  mk_add_time(od, "date_modification", o->date_modification);
  mk_add_time(od, "date_shipping", o->date_shipping);
  mk_add_time(od, "date_payment", o->date_payment);
  /* the Care schema's order states are 0, 1, 3, 8, 9 */
  json_object_object_add(od, "state", json_object_new_int(
                           st == 10 ? 0 : st));
  json_object_object_add(od, "price", mk_money_str(mk_order_total(o)));
  json_object_object_add(od, "shipping_price",
                         mk_money_str(o->shipping_price));
  json_object_object_add(od, "currency", json_object_new_string(o->currency));
  json_object_object_add(od, "country_code",
                         json_object_new_string(o->market));
  json_object_object_add(c3, "category_name",
                         json_object_new_string("Refurbished devices"));
  json_object_object_add(p, "product_id", json_object_new_int64(l->product_id));
  json_object_object_add(p, "category_3", c3);
  snprintf(img, sizeof(img), "https://images.backmarket.test/products/%lld."
           "jpg", (long long)l->product_id);
  json_object_object_add(sn, "id", json_object_new_int(0));
  json_object_object_add(sn, "product", p);
  json_object_object_add(sn, "listing", json_object_new_int64(l->listing_id));
  json_object_object_add(sn, "sku", json_object_new_string(l->sku));
  json_object_object_add(sn, "snowden", json_object_new_boolean(0));
  json_object_object_add(sn, "image", json_object_new_string(img));
  json_object_object_add(j, "id", json_object_new_int64(l->id));
  json_object_object_add(j, "order", od);
  json_object_object_add(j, "snapshot", sn);
  json_object_object_add(j, "quantity", json_object_new_int64(l->quantity));
  json_object_object_add(j, "price", mk_money_str(l->price));
  json_object_object_add(j, "state", json_object_new_int(l->state));
  (void)s;
  return j;
}

json_object *mk_care_detail_json(struct mk_sim *s,
                                 const struct mk_care_folder *f)
{
  struct mk_order *o = mk_order_get(s, f->order_id);
  struct mk_line *l = NULL;
  const struct mk_merchant *mer = mk_merchant_get(s, f->merchant_id);
  json_object *j = mk_care_folder_json(f, o ? mk_market_find(o->market) :
                                       NULL);
  json_object *cl = json_object_new_object(), *me = json_object_new_object();
  json_object *claim = json_object_new_object(), *lines, *iss, *ms;
  size_t i;
  for(i = 0; o && i < o->nlines; i++)
    if(o->lines[i].id == f->line_id)
      l = &o->lines[i];
  json_object_object_add(cl, "id", json_object_new_int(0));
  json_object_object_add(cl, "username", json_object_new_string(""));
  json_object_object_add(cl, "first_name", json_object_new_string(
                           mk_addr_str(o ? o->shipping_address : NULL,
                                       "first_name")));
  json_object_object_add(cl, "last_name", json_object_new_string(
                           mk_addr_str(o ? o->shipping_address : NULL,
                                       "last_name")));
  json_object_object_add(cl, "email", json_object_new_string(
                           mk_addr_str(o ? o->shipping_address : NULL,
                                       "email")));
  json_object_object_add(j, "client", cl);
  json_object_object_add(me, "id", json_object_new_int64(f->merchant_id));
  json_object_object_add(me, "username", json_object_new_string(""));
  json_object_object_add(me, "first_name", json_object_new_string(
                           mer ? mer->name : ""));
  json_object_object_add(me, "last_name", json_object_new_string(""));
  json_object_object_add(j, "merchant", me);
  iss = json_object_new_array();
  {
    json_object *is = json_object_new_object();
    json_object_object_add(is, "customerIssue",
                           json_object_new_string(f->issue));
    json_object_object_add(is, "tag", json_object_new_string(f->tag));
    json_object_array_add(iss, is);
  }
  json_object_object_add(claim, "id", json_object_new_int64(f->claim_id));
  json_object_object_add(claim, "issues", iss);
  json_object_object_add(claim, "state", json_object_new_int(f->state));
  json_object_object_add(claim, "resolution_choice",
                         json_object_new_string(f->resolution));
  json_object_object_add(claim, "declared_warranty_state",
                         json_object_new_string(f->warranty));
  json_object_object_add(claim, "return_labels", json_object_new_array());
  lines = json_object_new_array();
  json_object_array_add(lines, claim);
  json_object_object_add(j, "lines", lines);
  ms = json_object_new_array();
  for(i = 0; i < f->msgs.n; i++)
    json_object_array_add(ms, mk_care_msg_json(f, &f->msgs.a[i]));
  json_object_object_add(j, "messages", ms);
  if(o && l)
    json_object_object_add(j, "orderline", mk_care_line_json(s, o, l));
  return j;
}

/* "YYYY-MM-DD-hh-mm" (the Care filters' format) -> ms. */
static int mk_care_date(const char *v, int64_t *ms)
{
  char t[32];
  if(!v || strlen(v) != 16 || v[10] != '-' || v[13] != '-')
    return -1;
  memcpy(t, v, 16);
  t[10] = 'T';
  t[13] = ':';
  memcpy(t + 16, ":00Z", 5);
  return mk_time_parse(t, ms);
}

static int mk_cmp_care(const void *a, const void *b)
{
  const struct mk_care_folder *x = *(const struct mk_care_folder *const *)a;
  const struct mk_care_folder *y = *(const struct mk_care_folder *const *)b;
  return x->id < y->id ? -1 : x->id > y->id;
}

static void mk_sav_list(struct mk_sim *s, struct mk_ctx *c, struct mk_resp *r)
{
  const struct mk_kvs *q = &c->rq->query;
  const char *lid = mk_kvs_get(q, "last_id"), *st = mk_kvs_get(q, "state");
  const char *ol = mk_kvs_get(q, "orderline");
  const char *lm = mk_kvs_get(q, "last_modification_date");
  const char *lmsg = mk_kvs_get(q, "last_message_date");
  const char *pg = mk_kvs_get(q, "page");
  long long last = 0, state = -1, line = 0, page = 1;
  int64_t tm = 0, tmsg = 0;
  struct mk_care_folder **sel;
  json_object *res, *o;
  size_t i, n = 0, k;
  if((lid && mk_parse_int(lid, &last)) ||
     (st && (mk_parse_int(st, &state) || (state != 0 && state != 9))) ||
     (ol && mk_parse_int(ol, &line)) ||
     (pg && (mk_parse_int(pg, &page) || page < 1 || page > 1000000)) ||
     (lm && mk_care_date(lm, &tm)) || (lmsg && mk_care_date(lmsg, &tmsg))) {
    mk_resp_v1(s, r, 400, "invalid_parameter",
               "last_id and orderline are integers, state 0 or 9, page a "
               "positive integer, dates YYYY-MM-DD-hh-mm");
    return;
  }
  sel = malloc((s->care.n + 1) * sizeof(*sel));
  if(!sel) {
    mk_resp_v1(s, r, 500, "internal", "out of memory");
    return;
  }
  for(i = 0; i < s->care.n; i++) {
    struct mk_care_folder *f = &s->care.a[i];
    struct mk_order *od = mk_order_get(s, f->order_id);
    const struct mk_market_info *m = od ? mk_market_find(od->market) : NULL;
    if(f->merchant_id != c->mer->id || (m && m->platform != c->platform) ||
       (lid && f->id <= last) || (st && f->state != state) ||
       (ol && f->line_id != line) || (lm && f->modified < tm) ||
       (lmsg && f->last_msg < tmsg))
      continue;
    sel[n++] = f;
  }
  qsort(sel, n, sizeof(*sel), mk_cmp_care);
  res = json_object_new_array();
  for(k = (size_t)(page - 1) * MK_CARE_PAGE;
      k < n && k < (size_t)page * MK_CARE_PAGE; k++) {
    struct mk_order *od = mk_order_get(s, sel[k]->order_id);
    json_object_array_add(res, mk_care_folder_json(
                            sel[k], od ? mk_market_find(od->market) : NULL));
  }
  free(sel);
  /* count is the number of folders on this page (reference 2.1) */
  o = mk_page_envelope(c, (long)json_object_array_length(res), (long)page,
                       MK_CARE_PAGE, res);
  if((size_t)page * MK_CARE_PAGE < n) {
    json_object *nx = mk_page_url(c, (long)page + 1);
    json_object_object_add(o, "next", nx);
  }
  else
    json_object_object_add(o, "next", NULL);
  mk_resp_json(r, 200, o);
}

/* The folder of path id for the caller, or NULL with 404 set. */
static struct mk_care_folder *mk_sav_folder(struct mk_sim *s,
                                            struct mk_ctx *c, const char *id,
                                            struct mk_resp *r)
{
  long long v;
  struct mk_care_folder *f;
  if(mk_parse_int(id, &v)) {
    mk_resp_v1(s, r, 400, "invalid_parameter",
               "careFolderId must be an integer");
    return NULL;
  }
  f = mk_care_get(s, v);
  if(!f || f->merchant_id != c->mer->id) {
    mk_resp_v1(s, r, 404, "not_found", "Care Folder does not exist");
    return NULL;
  }
  return f;
}

void mk_ws_sav(struct mk_sim *s, struct mk_ctx *c, const char *rest,
               struct mk_resp *r)
{
  const char *m = c->rq->method, *sl;
  char id[32];
  struct mk_care_folder *f;
  int get = !strcmp(m, "GET"), post = !strcmp(m, "POST");
  if(!*rest) {
    if(!get)
      mk_resp_v1(s, r, 405, "method_not_allowed", "Method not allowed");
    else if(!mk_care_quota(s, c, "list", r))
      mk_sav_list(s, c, r);
    return;
  }
  rest++;
  if(!strcmp(rest, "refund")) {
    if(!post)
      mk_resp_v1(s, r, 405, "method_not_allowed", "Method not allowed");
    else if(!mk_care_quota(s, c, "refund", r))
      mk_sav_refund(s, c, r);
    return;
  }
  sl = strchr(rest, '/');
  mk_copy(id, sizeof(id), rest);
  if(sl && (size_t)(sl - rest) < sizeof(id))
    id[sl - rest] = '\0';
  if(!sl && get) {
    if(!mk_care_quota(s, c, "detail", r) &&
       (f = mk_sav_folder(s, c, id, r)) != NULL)
      mk_resp_json(r, 200, mk_care_detail_json(s, f));
  }
  else if(sl && post && (!strcmp(sl, "/msg") || !strcmp(sl, "/problem") ||
                         !strcmp(sl, "/item-transfer"))) {
    if(mk_care_quota(s, c, sl + 1, r) || !(f = mk_sav_folder(s, c, id, r)))
      return;
    if(!strcmp(sl, "/msg"))
      mk_sav_msg(s, c, f, r);
    else if(!strcmp(sl, "/problem"))
      mk_sav_problem(s, c, f, r);
    else
      mk_sav_transfer(s, c, f, r);
  }
  else if(!sl || !strcmp(sl, "/msg") || !strcmp(sl, "/problem") ||
          !strcmp(sl, "/item-transfer"))
    mk_resp_v1(s, r, 405, "method_not_allowed", "Method not allowed");
  else
    mk_resp_v1(s, r, 404, "not_found", "Webservices unavailable");
}
