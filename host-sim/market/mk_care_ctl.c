/*
 * mk_care_ctl.c -- the control API of the Care simulation (CONTROL.md):
 * POST /_sim/care opens a customer's care folder on an orderline, POST
 * /_sim/care/{id}/message adds a customer message, POST
 * /_sim/care/{id}/close closes it, GET /_sim/care lists every folder with
 * what the seller did (messages, problems, item transfers) and the refunds.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mk_internal.h"

static int mk_one_of(const char *v, const char *const *set, size_t n)
{
  size_t i;
  for(i = 0; i < n; i++)
    if(!strcmp(v, set[i]))
      return 1;
  return 0;
}

static void mk_care_open(struct mk_sim *s, json_object *b, struct mk_resp *r)
{
  static const char *const res[] = {"REMOTE_ASSISTANCE", "REPAIR", "REPLACE",
                                    "REPAIR_REPLACE", "REFUND"};
  static const char *const war[] = {"IN_WARRANTY", "WATER_OR_DROPPED",
                                    "THIRD_PARTY_REPAIR"};
  json_object *v;
  long long line = 0, id = 0;
  struct mk_order *o = NULL;
  struct mk_line *l;
  struct mk_care_folder *f;
  const char *rc = mk_jstr_get(b, "resolution_choice");
  const char *ws = mk_jstr_get(b, "declared_warranty_state");
  const char *is = mk_jstr_get(b, "issue"), *tg = mk_jstr_get(b, "tag");
  const char *msg = mk_jstr_get(b, "message"), *dc = mk_jstr_get(b, "date_creation");
  int64_t at = mk_now(s);
  if(!json_object_object_get_ex(b, "orderline_id", &v) ||
     mk_json_int(v, &line) ||
     (json_object_object_get_ex(b, "id", &v) && (mk_json_int(v, &id) ||
                                                 id <= 0)) ||
     (rc && !mk_one_of(rc, res, 5)) || (ws && !mk_one_of(ws, war, 3)) ||
     (is && strlen(is) > 47) || (tg && strlen(tg) > 23) ||
     (dc && mk_time_parse(dc, &at))) {
    mk_cerr(r, 400, "body must be {\"orderline_id\": int, \"id\"?: int > 0, "
            "\"message\"?: str, \"issue\"?: str, \"tag\"?: str, "
            "\"resolution_choice\"?: REMOTE_ASSISTANCE|REPAIR|REPLACE|"
            "REPAIR_REPLACE|REFUND, \"declared_warranty_state\"?: "
            "IN_WARRANTY|WATER_OR_DROPPED|THIRD_PARTY_REPAIR, "
            "\"date_creation\"?: RFC 3339}");
    return;
  }
  if(!(l = mk_line_find(s, line, &o))) {
    mk_cerr(r, 404, "unknown orderline_id");
    return;
  }
  if(id && mk_care_get(s, id)) {
    mk_cerr(r, 409, "a care folder with this id exists");
    return;
  }
  if(!(f = MK_PUSH(s->care))) {
    mk_cerr(r, 500, "out of memory");
    return;
  }
  if(!id)
    while(mk_care_get(s, (id = s->next_care++)) != NULL)
      ;
  f->id = id;
  f->merchant_id = o->merchant_id;
  f->order_id = o->order_id;
  f->line_id = l->id;
  f->claim_id = s->next_claim++;
  f->client_id = 1000000 + (int64_t)s->care.n;
  f->created = f->modified = at;
  mk_copy(f->issue, sizeof(f->issue), is ? is : "DEVICE_NOT_WORKING");
  mk_copy(f->tag, sizeof(f->tag), tg ? tg : "TECHNICAL");
  mk_copy(f->resolution, sizeof(f->resolution), rc ? rc : "REPAIR");
  mk_copy(f->warranty, sizeof(f->warranty), ws ? ws : "IN_WARRANTY");
  if(msg && *msg && !mk_care_msg_add(s, f, msg, 0)) {
    mk_cerr(r, 500, "out of memory");
    return;
  }
  mk_resp_json(r, 201, mk_care_detail_json(s, f));
}

static json_object *mk_care_ctl_json(struct mk_sim *s,
                                     const struct mk_care_folder *f)
{
  json_object *j = mk_care_detail_json(s, f), *a = json_object_new_array();
  size_t i;
  for(i = 0; i < f->problems.n; i++) {
    json_object *p = json_object_new_object();
    json_object_object_add(p, "problem_type",
                           json_object_new_string(f->problems.a[i].type));
    json_object_object_add(p, "attachments",
                           json_object_new_int64((int64_t)f->problems.a[i].nattach));
    json_object_object_add(p, "date", mk_time_json(f->problems.a[i].at));
    json_object_array_add(a, p);
  }
  json_object_object_add(j, "problems", a);
  a = json_object_new_array();
  for(i = 0; i < f->transfers.n; i++) {
    json_object *t = json_object_new_object();
    json_object_object_add(t, "shipperName",
                           json_object_new_string(f->transfers.a[i].shipper));
    json_object_object_add(t, "trackingNumber",
                           json_object_new_string(f->transfers.a[i].tracking));
    json_object_object_add(t, "action",
                           json_object_new_string(f->transfers.a[i].action));
    json_object_array_add(a, t);
  }
  json_object_object_add(j, "transfers", a);
  return j;
}

static void mk_care_list(struct mk_sim *s, struct mk_resp *r)
{
  json_object *o = json_object_new_object(), *a = json_object_new_array();
  size_t i;
  for(i = 0; i < s->care.n; i++)
    json_object_array_add(a, mk_care_ctl_json(s, &s->care.a[i]));
  json_object_object_add(o, "folders", a);
  a = json_object_new_array();
  for(i = 0; i < s->refunds.n; i++) {
    const struct mk_refund *rf = &s->refunds.a[i];
    json_object *e = json_object_new_object();
    json_object_object_add(e, "orderline_id", json_object_new_int64(rf->line_id));
    json_object_object_add(e, "order_id", json_object_new_int64(rf->order_id));
    json_object_object_add(e, "refund_type", json_object_new_int(rf->type));
    json_object_object_add(e, "amount", mk_money_str(rf->amount));
    json_object_object_add(e, "date", mk_time_json(rf->at));
    json_object_array_add(a, e);
  }
  json_object_object_add(o, "refunds", a);
  mk_resp_json(r, 200, o);
}

void mk_care_ctl(struct mk_sim *s, struct mk_req *rq, const char *rest,
                 json_object *b, struct mk_resp *r)
{
  int post = !strcmp(rq->method, "POST");
  long long id;
  char idb[32];
  const char *sl;
  struct mk_care_folder *f;
  if(!*rest) {
    if(post)
      mk_care_open(s, b, r);
    else if(!strcmp(rq->method, "GET"))
      mk_care_list(s, r);
    else
      mk_cerr(r, 404, "no such control endpoint");
    return;
  }
  mk_copy(idb, sizeof(idb), rest + 1);
  sl = strchr(rest + 1, '/');
  if(sl && (size_t)(sl - rest - 1) < sizeof(idb))
    idb[sl - rest - 1] = '\0';
  if(mk_parse_int(idb, &id) || !(f = mk_care_get(s, id))) {
    mk_cerr(r, 404, "unknown care folder");
    return;
  }
  if(!sl && !strcmp(rq->method, "GET"))
    mk_resp_json(r, 200, mk_care_ctl_json(s, f));
  else if(sl && post && !strcmp(sl, "/message")) {
    const char *m = mk_jstr_get(b, "message");
    struct mk_care_msg *cm;
    json_object *at;
    size_t i, n;
    if(!m || !*m) {
      mk_cerr(r, 400, "body must be {\"message\": str, \"attachments\"?: "
              "[file names]}");
      return;
    }
    n = json_object_object_get_ex(b, "attachments", &at) &&
        json_object_is_type(at, json_type_array) ?
        json_object_array_length(at) : 0;
    if(!(cm = mk_care_msg_add(s, f, m, 0)) ||
       (n && !(cm->attach = calloc(n, sizeof(*cm->attach))))) {
      mk_cerr(r, 500, "out of memory");
      return;
    }
    for(i = 0; i < n; i++) {
      const char *fn = json_object_get_string(json_object_array_get_idx(at, i));
      if(fn && (cm->attach[cm->nattach] = strdup(fn)) != NULL)
        cm->nattach++;
    }
    if(f->state == 9) {
      f->state = 0;
      f->closed = 0;
    }
    mk_resp_json(r, 201, mk_care_ctl_json(s, f));
  }
  else if(sl && post && !strcmp(sl, "/close")) {
    f->state = 9;
    f->closed = f->modified = mk_now(s);
    mk_resp_json(r, 200, mk_care_ctl_json(s, f));
  }
  else
    mk_cerr(r, 404, "no such control endpoint");
}
