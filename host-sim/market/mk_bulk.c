/*
 * mk_bulk.c -- bulk listing upload: POST /ws/listings (CSV in JSON with
 * delimiter/quotechar/encoding; 15,000-line cap; SKU-line quota) and the
 * asynchronous task it creates, GET /ws/tasks/{id}: action_status 0 -> 2
 * -> 9 (or 8) as the virtual clock passes the configured delay, then
 * product_success / product_errors per SKU.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mk_internal.h"

#define MK_CSV_MAX_ROWS 15000

void mk_task_free(struct mk_task *t)
{
  if(!t)
    return;
  json_object_put(t->rows);
  json_object_put(t->result);
  t->rows = t->result = NULL;
}

/* Parse CSV text into an array of arrays of strings. */
static json_object *mk_csv_parse(const char *p, char delim, char quote)
{
  json_object *rows = json_object_new_array(), *row = NULL;
  char *field = malloc(strlen(p) + 1);
  size_t fl = 0;
  int inq = 0, any = 0;
  if(!rows || !field) {
    json_object_put(rows);
    free(field);
    return NULL;
  }
  for(;; p++) {
    char ch = *p;
    if(inq) {
      if(!ch)
        break;
      if(ch == quote && p[1] == quote) {
        field[fl++] = quote;
        p++;
      }
      else if(ch == quote)
        inq = 0;
      else
        field[fl++] = ch;
      continue;
    }
    if(ch == quote && fl == 0) {
      inq = 1;
      any = 1;
      continue;
    }
    if(ch == delim || ch == '\n' || ch == '\r' || !ch) {
      if(ch == '\r' && p[1] == '\n')
        p++;
      if(ch == delim || any || fl) {
        if(!row)
          row = json_object_new_array();
        json_object_array_add(row, json_object_new_string_len(field, (int)fl));
      }
      fl = 0;
      any = 0;
      if(ch != delim && row) {
        json_object_array_add(rows, row);
        row = NULL;
      }
      if(!ch)
        break;
      if(ch == delim)
        any = 1;
      continue;
    }
    field[fl++] = ch;
  }
  if(row)
    json_object_array_add(rows, row);
  free(field);
  return rows;
}

static int mk_char_opt(json_object *b, const char *k, char def, char *out)
{
  json_object *v;
  *out = def;
  if(!json_object_object_get_ex(b, k, &v) || !v)
    return 0;
  if(!json_object_is_type(v, json_type_string) ||
     strlen(json_object_get_string(v)) != 1)
    return -1;
  *out = json_object_get_string(v)[0];
  return 0;
}

void mk_ws_bulk(struct mk_sim *s, struct mk_ctx *c, struct mk_resp *r)
{
  json_object *b = mk_body_object(c->rq), *v, *csv = NULL, *rows, *hdr;
  char delim, quote;
  size_t i, k, n;
  struct mk_task *t;
  int has_sku = 0;
  if(c->market_bad) {
    mk_resp_str(r, 400, "Accept-Language is not a market of this platform");
    goto out;
  }
  if(!b || !json_object_object_get_ex(b, "catalog", &v) ||
     !json_object_is_type(v, json_type_string)) {
    mk_resp_str(r, 400, "parameter catalog not found");
    goto out;
  }
  if(mk_char_opt(b, "delimiter", ',', &delim) ||
     mk_char_opt(b, "quotechar", '"', &quote) || delim == quote ||
     delim == '\n' || delim == '\r') {
    mk_resp_str(r, 400, "delimiter and quotechar must be single, different "
                "characters");
    goto out;
  }
  {
    json_object *e;
    const char *enc;
    if(json_object_object_get_ex(b, "encoding", &e) && e &&
       (!json_object_is_type(e, json_type_string) ||
        (strcasecmp((enc = json_object_get_string(e)), "utf-8") &&
         strcasecmp(enc, "utf8") && strcasecmp(enc, "latin1") &&
         strcasecmp(enc, "iso-8859-1") && strcasecmp(enc, "ascii")))) {
      mk_resp_str(r, 400, "unsupported encoding");
      goto out;
    }
  }
  csv = mk_csv_parse(json_object_get_string(v), delim, quote);
  if(!csv) {
    mk_resp_str(r, 400, "catalog could not be read");
    goto out;
  }
  n = json_object_array_length(csv);
  if(n < 2) {
    mk_resp_str(r, 400, "catalog has no data rows (a header row and at "
                "least one row are required)");
    goto out;
  }
  if(n - 1 > MK_CSV_MAX_ROWS) {
    mk_resp_str(r, 400, "catalog exceeds 15000 lines");
    goto out;
  }
  if(mk_quota_sku_lines(s, c, (long)(n - 1), r))
    goto out;
  hdr = json_object_array_get_idx(csv, 0);
  rows = json_object_new_array();
  for(i = 1; i < n; i++) {
    json_object *row = json_object_array_get_idx(csv, i);
    json_object *o = json_object_new_object();
    for(k = 0; k < json_object_array_length(hdr); k++) {
      char key[64];
      size_t z;
      json_object *cell = json_object_array_get_idx(row, k);
      mk_copy(key, sizeof(key),
              json_object_get_string(json_object_array_get_idx(hdr, k)));
      for(z = 0; key[z]; z++)
        key[z] = (char)tolower((unsigned char)key[z]);
      if(!strcmp(key, "sku"))
        has_sku = 1;
      json_object_object_add(o, key, json_object_new_string(
                               cell ? json_object_get_string(cell) : ""));
    }
    json_object_array_add(rows, o);
  }
  t = MK_PUSH(s->tasks);
  if(!t) {
    json_object_put(rows);
    mk_resp_v1(s, r, 500, "internal", "out of memory");
    goto out;
  }
  t->id = s->next_task++;
  t->merchant_id = c->mer->id;
  t->created = mk_now(s);
  mk_copy(t->market, sizeof(t->market), c->market->code);
  t->rows = rows;
  if(!has_sku) {
    t->fail = 1;
    mk_copy(t->error, sizeof(t->error), "Missing mandatory column sku");
  }
  else if(s->cfg.task_fail_next > 0) {
    s->cfg.task_fail_next--;
    t->fail = 1;
    mk_copy(t->error, sizeof(t->error), "Task has been interrupted.");
  }
  v = json_object_new_object();
  json_object_object_add(v, "bodymessage", json_object_new_int64(t->id));
  json_object_object_add(v, "statuscode", json_object_new_int(200));
  mk_resp_json(r, 200, v);
out:
  json_object_put(csv);
  json_object_put(b);
}

/* Known product (by UUID or legacy integer id) into the new listing nl:
   0, -1 unknown, -2 out of memory. */
static int mk_product_find(struct mk_sim *s, const char *key,
                           struct mk_listing *nl)
{
  long long id = 0;
  int isnum = mk_parse_int(key, &id) == 0;
  size_t i;
  const char *uuid = NULL, *title = NULL;
  int64_t bm = 0;
  for(i = 0; !uuid && i < s->products.n; i++) {
    struct mk_product *p = &s->products.a[i];
    if((isnum && p->backmarket_id == id) || !strcasecmp(p->uuid, key)) {
      uuid = p->uuid;
      bm = p->backmarket_id;
      title = p->title;
    }
  }
  for(i = 0; !uuid && i < s->listings.n; i++) {
    struct mk_listing *l = &s->listings.a[i];
    if((isnum && l->backmarket_id == id) || !strcasecmp(l->product_uuid, key)) {
      uuid = l->product_uuid;
      bm = l->backmarket_id;
      title = l->title;
    }
  }
  if(!uuid)
    return -1;
  mk_copy(nl->product_uuid, sizeof(nl->product_uuid), uuid);
  nl->backmarket_id = bm;
  return mk_str_set(&nl->title, title) ? -2 : 0;
}

static const char *mk_cell(json_object *row, const char *k)
{
  json_object *v;
  const char *t;
  if(!json_object_object_get_ex(row, k, &v))
    return NULL;
  t = json_object_get_string(v);
  return t && *t ? t : NULL;
}

static void mk_task_row(struct mk_sim *s, struct mk_task *t, json_object *row,
                        long idx, json_object *ok, json_object *bad)
{
  const char *sku = mk_cell(row, "sku"), *v;
  struct mk_listing *l, nl;
  struct mk_lmarket *m;
  int mi = mk_market_index(t->market);
  json_object *errs = json_object_new_array(), *e;
  char key[64], msg[160];
  int64_t price = 0, minp = 0;
  long long q = 0, w = 0;
  if(!sku) {
    snprintf(key, sizeof(key), "row %ld", idx);
    json_object_array_add(errs, json_object_new_string("sku is empty"));
    e = json_object_new_object();
    json_object_object_add(e, "sku", json_object_new_string(""));
    json_object_object_add(e, "errors", errs);
    json_object_object_add(bad, key, e);
    return;
  }
  l = mk_listing_by_sku(s, t->merchant_id, sku);
  memset(&nl, 0, sizeof(nl));
  if(l ? mk_listing_copy(&nl, l) : mk_str_set(&nl.sku, sku))
    goto oom;
  if(!l) {
    nl.merchant_id = t->merchant_id;
    nl.forced_pub = -1;
  }
  if(!(m = mk_lm_add(&nl, mi)))
    goto oom;
  if((v = mk_cell(row, "grade")) != NULL) {
    if(mk_grade_state(v) < 0) {
      snprintf(msg, sizeof(msg), "Unknown grade %.60s", v);
      json_object_array_add(errs, json_object_new_string(msg));
    }
    else
      mk_copy(nl.grade, sizeof(nl.grade), v);
  }
  if((v = mk_cell(row, "price")) != NULL) {
    if(mk_money_parse(v, &price) || price <= 0)
      json_object_array_add(errs, json_object_new_string("Invalid price"));
    else {
      m->price = price;
      m->has_price = 1;
    }
  }
  if((v = mk_cell(row, "min_price")) != NULL) {
    if(mk_money_parse(v, &minp) || minp < 0)
      json_object_array_add(errs, json_object_new_string("Invalid min_price"));
    else {
      m->min_price = minp;
      m->has_min = 1;
    }
  }
  if((v = mk_cell(row, "quantity")) != NULL) {
    if(mk_parse_int(v, &q) || q < 0)
      json_object_array_add(errs, json_object_new_string("Invalid quantity"));
    else
      nl.quantity = (long)q;
  }
  if((v = mk_cell(row, "warranty_delay")) != NULL) {
    if(mk_parse_int(v, &w) || w < 12)
      json_object_array_add(errs, json_object_new_string(
                              "warranty_delay must be at least 12 months"));
    else
      m->warranty = (long)w;
  }
  if((v = mk_cell(row, "currency")) != NULL &&
     strcasecmp(v, mk_market_at(mi)->currency)) {
    snprintf(msg, sizeof(msg), "Currency %.10s does not match market %s",
             v, t->market);
    json_object_array_add(errs, json_object_new_string(msg));
  }
  if((v = mk_cell(row, "comment")) != NULL) {
    if(strlen(v) > 500)
      json_object_array_add(errs, json_object_new_string(
                              "comment must be at most 500 characters"));
    else if(mk_str_set(&m->comment, v))
      goto oom;
  }
  if(!l) {
    const char *pid = mk_cell(row, "product_id");
    int rc = pid ? mk_product_find(s, pid, &nl) : -1;
    if(rc == -2)
      goto oom;
    if(!pid && !mk_cell(row, "ean"))
      json_object_array_add(errs, json_object_new_string(
                              "product_id or ean is required to create a "
                              "listing"));
    else if(rc) {
      snprintf(msg, sizeof(msg), "Unknown product %.60s",
               pid ? pid : mk_cell(row, "ean"));
      json_object_array_add(errs, json_object_new_string(msg));
    }
  }
  if(json_object_array_length(errs)) {
    mk_listing_free(&nl);
    e = json_object_new_object();
    json_object_object_add(e, "sku", json_object_new_string(sku));
    json_object_object_add(e, "errors", errs);
    json_object_object_add(bad, sku, e);
    return;
  }
  json_object_put(errs);
  errs = NULL;
  if(!l && !(l = MK_PUSH(s->listings)))
    goto oom;
  mk_listing_free(l);
  *l = nl;
  mk_listing_defaults(s, l);
  mk_listing_indexed(s, l);
  e = json_object_new_object();
  json_object_object_add(e, "sku", json_object_new_string(l->sku));
  json_object_object_add(e, "id", json_object_new_string(l->uuid));
  json_object_object_add(e, "listing_id", json_object_new_int64(l->listing_id));
  json_object_object_add(e, "backmarket_id",
                         json_object_new_int64(l->backmarket_id));
  json_object_object_add(e, "product_id",
                         json_object_new_string(l->product_uuid));
  json_object_object_add(e, "publication_state",
                         json_object_new_int(mk_listing_pub(l, mi)));
  json_object_object_add(ok, l->sku, e);
  return;
oom:
  mk_listing_free(&nl);
  json_object_put(errs);
  errs = json_object_new_array();
  json_object_array_add(errs, json_object_new_string(
                          "internal error: out of memory"));
  e = json_object_new_object();
  json_object_object_add(e, "sku", json_object_new_string(sku));
  json_object_object_add(e, "errors", errs);
  json_object_object_add(bad, sku, e);
}

void mk_tasks_tick(struct mk_sim *s)
{
  int64_t now = mk_now(s);
  size_t i, k;
  for(i = 0; i < s->tasks.n; i++) {
    struct mk_task *t = &s->tasks.a[i];
    json_object *ok, *bad;
    if(t->done || now < t->created + s->cfg.task_delay_ms)
      continue;
    t->done = 1;
    t->result = json_object_new_object();
    if(t->fail)
      continue;
    ok = json_object_new_object();
    bad = json_object_new_object();
    for(k = 0; k < json_object_array_length(t->rows); k++)
      mk_task_row(s, t, json_object_array_get_idx(t->rows, k), (long)k + 1,
                  ok, bad);
    json_object_object_add(t->result, "product_success", ok);
    json_object_object_add(t->result, "product_errors", bad);
  }
}

void mk_ws_tasks(struct mk_sim *s, struct mk_ctx *c, const char *rest,
                 struct mk_resp *r)
{
  long long id;
  size_t i;
  struct mk_task *t = NULL;
  json_object *o;
  int st;
  if(mk_parse_int(rest, &id)) {
    mk_resp_v1(s, r, 400, "invalid_parameter", "taskId must be an integer");
    return;
  }
  if(strcmp(c->rq->method, "GET")) {
    mk_resp_v1(s, r, 405, "method_not_allowed", "Method not allowed");
    return;
  }
  for(i = 0; i < s->tasks.n; i++)
    if(s->tasks.a[i].id == id && s->tasks.a[i].merchant_id == c->mer->id)
      t = &s->tasks.a[i];
  if(!t) {
    mk_resp_v1(s, r, 404, "not_found", "Task not found");
    return;
  }
  if(t->done)
    st = t->fail ? 8 : 9;
  else
    st = mk_now(s) < t->created + s->cfg.task_delay_ms / 2 ? 0 : 2;
  o = json_object_new_object();
  json_object_object_add(o, "task_id", json_object_new_int64(t->id));
  json_object_object_add(o, "action_status", json_object_new_int(st));
  json_object_object_add(o, "last_action_error", st == 8 ?
                         json_object_new_string(t->error) : NULL);
  json_object_object_add(o, "result", t->done && t->result ?
                         json_object_get(t->result) : json_object_new_object());
  json_object_object_add(o, "statuscode", json_object_new_int(200));
  mk_resp_json(r, 200, o);
}
