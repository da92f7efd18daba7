/*
 * bm_confirm.c -- owns the confirmation of single listing updates (POST
 * /ws/listings/{id}): a 2xx is "ok" only when its answer (the listing,
 * ListingPublic) names the listing that was updated and shows the values
 * that were sent; otherwise the listing is read back (GET
 * /ws/listings/{id}), and a push neither confirms is recorded as
 * unconfirmed -- never as what Back Market holds -- so the next run sends
 * it again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm_catalog_side.h"
#include "pc_http.h"
#include "pc_json.h"
#include "pc_money.h"

/* 1 when the answer's "id" (UUID) or "listing_id" (legacy integer) is the
 * id the update was sent to. */
static int
bm_answer_names(struct json_object *j, const char *listing_id)
{
  struct json_object *v;
  const char *s;

  if(json_object_object_get_ex(j, "id", &v) && (s = pc_json_text(v)) &&
     !strcmp(s, listing_id))
    return 1;
  if(json_object_object_get_ex(j, "listing_id", &v) &&
     json_object_is_type(v, json_type_int) && pc_json_int_in_range(v)) {
    char num[32];
    snprintf(num, sizeof(num), "%lld", (long long)json_object_get_int64(v));
    return !strcmp(num, listing_id);
  }
  return 0;
}

int
bm_listing_answer_ok(const char *body, size_t len,
                     const struct bm_listing_want *w, char *why,
                     size_t whylen)
{
  struct json_object *j;
  char err[200];
  int64_t v;
  int ok = 0;

  j = pc_json_parse(body ? body : "", len, err, sizeof(err));
  if(!j) {
    snprintf(why, whylen, "the answer is not a listing (%s)", err);
    return 0;
  }
  if(!json_object_is_type(j, json_type_object))
    snprintf(why, whylen, "the answer is not a listing (a JSON %s)",
             pc_json_type_name(j));
  else if(!bm_answer_names(j, w->listing_id))
    snprintf(why, whylen, "the answer is about another listing than %.80s",
             w->listing_id);
  else if(w->qty >= 0 &&
          pc_json_int(j, "quantity", 1, &v, err, sizeof(err)) != BMC_OK)
    snprintf(why, whylen, "the answer has no usable quantity (%s)", err);
  else if(w->qty >= 0 && v != w->qty)
    snprintf(why, whylen, "the answer shows quantity %lld, not the %lld "
             "sent", (long long)v, (long long)w->qty);
  else if(w->price_cents >= 0 &&
          pc_json_money(j, "price", 1, &v, err, sizeof(err)) != BMC_OK)
    snprintf(why, whylen, "the answer has no usable price (%s)", err);
  else if(w->price_cents >= 0 && v != w->price_cents) {
    char a[32], b[32];
    if(pc_money_format(v, a, sizeof(a)))
      snprintf(a, sizeof(a), "?");
    if(pc_money_format(w->price_cents, b, sizeof(b)))
      snprintf(b, sizeof(b), "?");
    snprintf(why, whylen, "the answer shows price %s, not the %s sent", a,
             b);
  }
  else
    ok = 1;
  json_object_put(j);
  return ok;
}

int
bm_listing_confirm(struct bm_inst *bi, const char *lang,
                   const struct pc_http_resp *resp,
                   const struct bm_listing_want *w, char *why,
                   size_t whylen)
{
  struct pc_http_resp back;
  char target[160];
  char why2[300];
  int rc;

  if(bm_listing_answer_ok(resp->body, resp->len, w, why, whylen))
    return BMC_OK;
  /* the answer does not confirm it: look at the listing itself */
  snprintf(target, sizeof(target), "/ws/listings/%s", w->listing_id);
  memset(&back, 0, sizeof(back));
  rc = bm_cat_send(bi, "GET", target, lang, NULL, BM_BUDGET_CATALOG, &back);
  if(rc == BMC_OK &&
     bm_listing_answer_ok(back.body, back.len, w, why2, sizeof(why2))) {
    bm_log(bi, BMC_LOG_INFO, "listing %s: the update's answer was not "
           "usable (%s), but reading the listing back confirms it",
           w->listing_id, why);
    pc_http_resp_clear(&back);
    return BMC_OK;
  }
  if(rc == BMC_OK) {
    size_t used = strlen(why);
    snprintf(why + used, whylen - used, "; read back: %s", why2);
  }
  else {
    size_t used = strlen(why);
    snprintf(why + used, whylen - used, "; reading it back failed (%s)",
             back.error[0] ? back.error : "no answer");
  }
  pc_http_resp_clear(&back);
  return BMC_ERR_PROTOCOL;
}

int
bm_record_unconfirmed(struct bm_inst *bi, const char *key, int64_t value)
{
  char val[48];
  int n = snprintf(val, sizeof(val), "unconfirmed:%lld", (long long)value);

  return bi->host->state_put(bi->hctx, key, val, (size_t)n);
}
