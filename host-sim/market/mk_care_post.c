/*
 * mk_care_post.c -- the Care API's write endpoints (reference 5.3): POST
 * /ws/sav/{id}/msg (multipart: message, up to 10 attachments of 3 MB; a
 * message reopens a closed folder), POST /ws/sav/{id}/problem (multipart
 * problem_type with the attachment and legacy-folder rules of the spec),
 * POST /ws/sav/{id}/item-transfer (JSON; a tracking number once) and POST
 * /ws/sav/refund (JSON; refund types 4, 5, 6 by orderline state; 201
 * text/plain), each changing the order or folder as production would.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mk_internal.h"

#define MK_CARE_FILES_MAX 10
#define MK_CARE_FILE_MAX (3u * 1024u * 1024u)

void mk_sav_msg(struct mk_sim *s, struct mk_ctx *c,
                       struct mk_care_folder *f, struct mk_resp *r)
{
  struct mk_form form;
  const struct mk_form_part *msg;
  struct mk_care_msg *m;
  json_object *o, *at;
  size_t big, nf, i, k;
  char err[200];
  if(mk_form_parse(c->rq, &form, err, sizeof(err))) {
    mk_resp_v1(s, r, 400, "invalid_body", err);
    return;
  }
  msg = mk_form_field(&form, "message");
  nf = mk_form_files(&form, &big);
  if(!msg || !msg->len || memchr(msg->data, '\0', msg->len)) {
    mk_resp_v1(s, r, 400, "invalid_body",
               "Payload not acceptable: the message field is required");
  }
  else if(nf > MK_CARE_FILES_MAX || big > MK_CARE_FILE_MAX) {
    mk_resp_v1(s, r, 400, "invalid_body", "Payload not acceptable: at most "
               "10 attachments of at most 3 MB each");
  }
  else if(!(m = mk_care_msg_add(s, f, msg->data, 1)) ||
          (nf && !(m->attach = calloc(nf, sizeof(*m->attach))))) {
    mk_resp_v1(s, r, 500, "internal", "out of memory");
  }
  else {
    for(i = 0; i < form.n; i++)
      if(form.a[i].filename &&
         (m->attach[m->nattach] = strdup(form.a[i].filename)) != NULL)
        m->nattach++;
    if(f->state == 9) {        /* a message reopens a closed folder */
      f->state = 0;
      f->closed = 0;
    }
    o = json_object_new_object();
    at = json_object_new_array();
    for(k = 0; k < m->nattach; k++) {
      json_object *a = json_object_new_object();
      char path[300];
      snprintf(path, sizeof(path), "/sav/%lld/%lld/%.200s", (long long)f->id,
               (long long)m->id, m->attach[k]);
      json_object_object_add(a, "msg", json_object_new_int64(m->id));
      json_object_object_add(a, "group", json_object_new_int64(f->id));
      json_object_object_add(a, "sender", json_object_new_int64(c->mer->id));
      json_object_object_add(a, "attachment", json_object_new_string(path));
      json_object_array_add(at, a);
    }
    json_object_object_add(o, "id", json_object_new_int64(m->id));
    json_object_object_add(o, "message", json_object_new_string(m->text));
    json_object_object_add(o, "date_creation", mk_time_json(m->at));
    json_object_object_add(o, "group", json_object_new_int64(f->id));
    json_object_object_add(o, "sender", json_object_new_int64(c->mer->id));
    json_object_object_add(o, "attachments", at);
    mk_resp_json(r, 201, o);
  }
  mk_form_free(&form);
}

void mk_sav_problem(struct mk_sim *s, struct mk_ctx *c,
                           struct mk_care_folder *f, struct mk_resp *r)
{
  static const char *const types[] = {
    "ACCOUNT_LOCKED", "CODE_LOCKED", "DAMAGED_PACKAGE", "ITEM_NOT_RECEIVED",
    "MISSING_PART", "OOW_ITEM", "PROBLEM_NOT_IDENTIFIED", "WRONG_ITEM",
    "OTHER"};
  struct mk_form form;
  const struct mk_form_part *pt, *msg;
  struct mk_care_problem *p;
  const char *type = "OTHER";
  size_t big, nf, i;
  int known = 0;
  char err[200];
  if(mk_form_parse(c->rq, &form, err, sizeof(err))) {
    /* an empty body is a problem of type OTHER with nothing attached */
    if(c->rq->body_len) {
      mk_resp_v1(s, r, 422, "invalid_body", err);
      return;
    }
    memset(&form, 0, sizeof(form));
  }
  pt = mk_form_field(&form, "problem_type");
  msg = mk_form_field(&form, "message");
  nf = mk_form_files(&form, &big);
  if(pt && pt->len)
    type = pt->data;
  for(i = 0; i < sizeof(types) / sizeof(types[0]); i++)
    known |= !strcmp(type, types[i]);
  if(nf > MK_CARE_FILES_MAX || big > MK_CARE_FILE_MAX)
    mk_resp_v1(s, r, 413, "payload_too_large", "File too large or too many "
               "attachments (at most 10 files of 3 MB)");
  else if(!known)
    mk_resp_v1(s, r, 422, "invalid_problem_type", "problem_type must be one "
               "of ACCOUNT_LOCKED, CODE_LOCKED, DAMAGED_PACKAGE, "
               "ITEM_NOT_RECEIVED, MISSING_PART, OOW_ITEM, "
               "PROBLEM_NOT_IDENTIFIED, WRONG_ITEM, OTHER");
  else if(f->id < MK_CARE_LEGACY_ID &&
          (strcmp(type, "OTHER") || nf || (msg && msg->len)))
    mk_resp_v1(s, r, 422, "legacy_care_folder", "Only OTHER problem type is "
               "allowed for IDs lower than 100,000,000, without message or "
               "attachments");
  else if(!nf && (!strcmp(type, "DAMAGED_PACKAGE") ||
                  !strcmp(type, "ITEM_NOT_RECEIVED") ||
                  !strcmp(type, "OOW_ITEM")))
    mk_resp_v1(s, r, 422, "attachment_required", "Attachments are mandatory "
               "for this problem type");
  else if(f->state == 9)
    mk_resp_v1(s, r, 422, "care_folder_closed",
               "Cannot declare problem on this Care Folder (closed)");
  else if(!(p = MK_PUSH(f->problems)))
    mk_resp_v1(s, r, 500, "internal", "out of memory");
  else {
    mk_copy(p->type, sizeof(p->type), type);
    p->at = f->modified = mk_now(s);
    p->nattach = nf;
    if(msg && msg->len)
      mk_care_msg_add(s, f, msg->data, 1);
    mk_resp_text(r, 201, "", "");
  }
  mk_form_free(&form);
}

void mk_sav_transfer(struct mk_sim *s, struct mk_ctx *c,
                            struct mk_care_folder *f, struct mk_resp *r)
{
  json_object *b = mk_body_object(c->rq);
  const char *sh = mk_jstr_get(b, "shipperName");
  const char *tn = mk_jstr_get(b, "trackingNumber");
  const char *ac = mk_jstr_get(b, "action");
  struct mk_care_transfer *t;
  size_t i, k;
  int dup = 0;
  if(!sh || !*sh || strlen(sh) > 63 || !tn || !*tn || strlen(tn) > 63 ||
     (ac && strcmp(ac, "REPAIR") && strcmp(ac, "REPLACE") &&
      strcmp(ac, "NOTHING"))) {
    mk_resp_v1(s, r, 400, "invalid_body", "body must be {\"shipperName\": "
               "str, \"trackingNumber\": str, \"action\"?: REPAIR|REPLACE|"
               "NOTHING}");
    goto out;
  }
  for(i = 0; i < s->care.n; i++)
    for(k = 0; k < s->care.a[i].transfers.n; k++)
      dup |= !strcmp(s->care.a[i].transfers.a[k].tracking, tn);
  if(dup)
    mk_resp_v1(s, r, 400, "duplicate_tracking_number", "An item transfer "
               "with this tracking number already exists");
  else if(f->id > MK_CARE_LEGACY_ID)
    mk_resp_v1(s, r, 422, "not_supported", "Care folders with ID above "
               "100,000,000 are not yet supported on this endpoint");
  else if(f->state == 9)
    mk_resp_v1(s, r, 422, "care_folder_closed", "Cannot create item "
               "transfer (the Care Folder is closed)");
  else if(!(t = MK_PUSH(f->transfers)))
    mk_resp_v1(s, r, 500, "internal", "out of memory");
  else {
    mk_copy(t->shipper, sizeof(t->shipper), sh);
    mk_copy(t->tracking, sizeof(t->tracking), tn);
    mk_copy(t->action, sizeof(t->action), ac ? ac : "NOTHING");
    t->at = f->modified = mk_now(s);
    mk_resp_text(r, 201, "", "");
  }
out:
  json_object_put(b);
}

/* "99€" / "12.50£": the amount as the refund summary prints it. */
static void mk_refund_amount(int64_t cents, const char *cur, char *buf,
                             size_t len)
{
  static const struct {
    const char *code, *sym;
  } syms[] = {{"EUR", "\xe2\x82\xac"}, {"GBP", "\xc2\xa3"}, {"USD", "$"},
              {"JPY", "\xc2\xa5"}, {"AUD", "A$"}, {"SEK", " kr"}};
  const char *sym = cur;
  char num[32];
  size_t i, n;
  for(i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
    if(!strcmp(cur, syms[i].code))
      sym = syms[i].sym;
  mk_money_fmt(cents, num, sizeof(num));
  n = strlen(num);
  if(n > 3 && !strcmp(num + n - 3, ".00"))
    num[n - 3] = '\0';
  snprintf(buf, len, "%s%s", num, sym);
}

void mk_sav_refund(struct mk_sim *s, struct mk_ctx *c, struct mk_resp *r)
{
  json_object *b = mk_body_object(c->rq), *v;
  long long pk, type;
  int64_t amount = -1, refunded = 0;
  struct mk_order *o = NULL;
  struct mk_line *l;
  struct mk_refund *rf;
  size_t i;
  char msg[320], amt[48];
  static const int need[7] = {0, 0, 0, 0, 1, 2, 3}; /* type -> line state */
  if(!b || !json_object_object_get_ex(b, "orderline_pk", &v) ||
     mk_json_int(v, &pk) || !json_object_object_get_ex(b, "refund_type", &v) ||
     mk_json_int(v, &type) || type < 4 || type > 6 ||
     (json_object_object_get_ex(b, "amount", &v) && v &&
      (mk_money_json(v, &amount) || amount <= 0))) {
    mk_resp_v1(s, r, 400, "invalid_body", "Payload not acceptable: body must "
               "be {\"orderline_pk\": int, \"refund_type\": 4|5|6, "
               "\"amount\"?: positive number (type 6 only)}");
    goto out;
  }
  l = mk_line_find(s, pk, &o);
  if(!l || o->merchant_id != c->mer->id) {
    mk_resp_v1(s, r, 404, "not_found", "Orderline does not exist");
    goto out;
  }
  for(i = 0; i < s->refunds.n; i++)
    if(s->refunds.a[i].line_id == l->id)
      refunded += s->refunds.a[i].amount;
  if(l->state != need[type]) {
    snprintf(msg, sizeof(msg), "Payload not acceptable: refund_type %lld "
             "needs an orderline in state %d; orderline %lld is in state %d",
             type, need[type], (long long)l->id, l->state);
    mk_resp_v1(s, r, 400, "invalid_state", msg);
    goto out;
  }
  if(amount >= 0 && type != 6) {
    mk_resp_v1(s, r, 400, "invalid_body", "Payload not acceptable: amount "
               "is only accepted with refund_type 6");
    goto out;
  }
  if(amount < 0)
    amount = l->price - refunded;
  if(amount > l->price - refunded) {
    mk_money_fmt(l->price - refunded, amt, sizeof(amt));
    snprintf(msg, sizeof(msg), "Payload not acceptable: amount is more than "
             "the %s %s left to refund on orderline %lld", amt, o->currency,
             (long long)l->id);
    mk_resp_v1(s, r, 400, "invalid_amount", msg);
    goto out;
  }
  if(!(rf = MK_PUSH(s->refunds))) {
    mk_resp_v1(s, r, 500, "internal", "out of memory");
    goto out;
  }
  rf->line_id = l->id;
  rf->order_id = o->order_id;
  rf->merchant_id = o->merchant_id;
  rf->amount = amount;
  rf->type = (int)type;
  rf->at = mk_now(s);
  /* 4 and 5: refunded before shipping (stock comes back); 6: after
     shipping, once the whole line price is refunded */
  if(type != 6) {
    l->state = 5;
    mk_order_restock(s, o, l);
  }
  else if(refunded + amount >= l->price)
    l->state = 6;
  if(l->state == 5 || l->state == 6) {
    l->return_reason = 25;
    mk_copy(l->return_message, sizeof(l->return_message),
            "Refunded by the merchant (Care)");
  }
  o->date_modification = rf->at;
  mk_refund_amount(amount, o->currency, amt, sizeof(amt));
  snprintf(msg, sizeof(msg), "%s refunded on the sku %.200s", amt, l->sku);
  mk_resp_text(r, 201, "text/plain; charset=utf-8", msg);
out:
  json_object_put(b);
}
