/*
 * bm_order_doc.c -- owns the Back Market order model: parsing one order
 * JSON object (with precise errors for malformed fields and unknown enum
 * values) and converting it into the host's order.xsd document.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm_order_side.h"
#include "pc_json.h"
#include "pc_money.h"
#include "pc_time.h"

/* Back Market's limit on serial_number (an IMEI has 15 digits). */
#define BM_SERIAL_MAX 50

const char *
bm_line_state_name(int64_t st)
{
  switch(st) {
  case 0: return "new";
  case 1: return "paid";
  case 2: return "accepted";
  case 3: return "shipped";
  case 4: return "cancelled";
  case 5: return "refunded before shipping";
  case 6: return "refunded after shipping";
  case 7: return "not paid";
  case 8: return "pending payment";
  case 9: return "on hold";
  default: return "unknown";
  }
}

static int
bm_line_kind(int64_t st, enum bm_line_state_kind *k)
{
  switch(st) {
  case 0: case 8: case 9: *k = BM_LINE_UNPAID; return 0;
  case 1: *k = BM_LINE_PAID; return 0;
  case 2: *k = BM_LINE_ACCEPTED; return 0;
  case 3: *k = BM_LINE_SHIPPED; return 0;
  case 4: case 5: case 7: *k = BM_LINE_CANCELLED; return 0;
  case 6: *k = BM_LINE_REFUNDED; return 0;
  default: return -1;
  }
}

static int
bm_order_state_ok(int64_t st)
{
  return st == 0 || st == 10 || st == 1 || st == 3 || st == 8 || st == 9;
}

/* Optional string: NULL when absent or null; type error otherwise. */
static int
bm_opt_str(struct json_object *j, const char *key, const char **out,
           char *err, size_t errlen)
{
  int rc = pc_json_str(j, key, 0, out, err, errlen);

  if(rc == BMC_ERR_NOT_FOUND) {
    *out = NULL;
    return BMC_OK;
  }
  return rc;
}

static int
bm_opt_money(struct json_object *j, const char *key, int64_t *out, char *err,
             size_t errlen)
{
  int rc = pc_json_money(j, key, 0, out, err, errlen);

  if(rc == BMC_ERR_NOT_FOUND) {
    *out = 0;
    return BMC_OK;
  }
  return rc;
}

static int
bm_addr_parse(struct json_object *j, const char *key, struct bm_addr *a,
              int required, int *present, char *err, size_t errlen)
{
  struct json_object *o;
  char sub[200];
  int rc;
  static const struct {
    const char *k;
    size_t off;
  } f[] = {
    {"company", offsetof(struct bm_addr, company)},
    {"first_name", offsetof(struct bm_addr, first_name)},
    {"last_name", offsetof(struct bm_addr, last_name)},
    {"street", offsetof(struct bm_addr, street)},
    {"street2", offsetof(struct bm_addr, street2)},
    {"postal_code", offsetof(struct bm_addr, postal_code)},
    {"city", offsetof(struct bm_addr, city)},
    {"state_or_province", offsetof(struct bm_addr, state)},
    {"country", offsetof(struct bm_addr, country)},
    {"phone", offsetof(struct bm_addr, phone)},
    {"email", offsetof(struct bm_addr, email)},
  };
  size_t i;

  memset(a, 0, sizeof(*a));
  *present = 0;
  rc = pc_json_obj(j, key, required, &o, err, errlen);
  if(rc == BMC_ERR_NOT_FOUND)
    return BMC_OK;
  if(rc)
    return rc;
  *present = 1;
  for(i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
    rc = bm_opt_str(o, f[i].k, (const char **)((char *)a + f[i].off), sub,
                    sizeof(sub));
    if(rc) {
      snprintf(err, errlen, "%s %s", key, sub);
      return rc;
    }
  }
  /* the spec's camelCase form, for payloads that follow it */
  if(!a->first_name)
    (void)bm_opt_str(o, "firstName", &a->first_name, sub, sizeof(sub));
  if(!a->last_name)
    (void)bm_opt_str(o, "lastName", &a->last_name, sub, sizeof(sub));
  if(!a->postal_code)
    (void)bm_opt_str(o, "postalCode", &a->postal_code, sub, sizeof(sub));
  return BMC_OK;
}

static int
bm_line_parse(struct json_object *j, size_t idx, struct bm_line *l,
              char *err, size_t errlen)
{
  char sub[200];
  int rc;

  memset(l, 0, sizeof(*l));
  if(!json_object_is_type(j, json_type_object)) {
    snprintf(err, errlen, "orderlines[%zu]: expected object, found %s", idx,
             pc_json_type_name(j));
    return BMC_ERR_PROTOCOL;
  }
#define BM_TRY(call)                                                       \
  do {                                                                     \
    rc = (call);                                                           \
    if(rc) {                                                               \
      snprintf(err, errlen, "orderlines[%zu] %s", idx, sub);               \
      return rc;                                                           \
    }                                                                      \
  } while(0)
  BM_TRY(pc_json_int(j, "id", 1, &l->id, sub, sizeof(sub)));
  BM_TRY(pc_json_int(j, "state", 1, &l->state, sub, sizeof(sub)));
  BM_TRY(pc_json_str(j, "listing", 1, &l->sku, sub, sizeof(sub)));
  BM_TRY(pc_json_int(j, "quantity", 1, &l->quantity, sub, sizeof(sub)));
  BM_TRY(pc_json_money(j, "price", 1, &l->price, sub, sizeof(sub)));
  BM_TRY(bm_opt_money(j, "shipping_price", &l->shipping, sub, sizeof(sub)));
  BM_TRY(bm_opt_money(j, "sales_taxes", &l->tax, sub, sizeof(sub)));
  BM_TRY(bm_opt_money(j, "orderline_fee", &l->fee, sub, sizeof(sub)));
  BM_TRY(bm_opt_str(j, "product", &l->title, sub, sizeof(sub)));
  BM_TRY(bm_opt_str(j, "imei", &l->imei, sub, sizeof(sub)));
  BM_TRY(bm_opt_str(j, "serial_number", &l->serial, sub, sizeof(sub)));
#undef BM_TRY
  if(bm_line_kind(l->state, &l->kind)) {
    snprintf(err, errlen, "orderlines[%zu].state: unknown orderline state "
             "%lld (known: 0-9)", idx, (long long)l->state);
    return BMC_ERR_PROTOCOL;
  }
  if(l->id <= 0) {
    snprintf(err, errlen, "orderlines[%zu].id: %lld is not a valid id", idx,
             (long long)l->id);
    return BMC_ERR_PROTOCOL;
  }
  if(!*l->sku || strlen(l->sku) > 255) {
    snprintf(err, errlen, "orderlines[%zu].listing: the SKU is %s", idx,
             *l->sku ? "longer than 255 characters" : "empty");
    return BMC_ERR_PROTOCOL;
  }
  if(l->quantity <= 0 || l->quantity > 100000) {
    snprintf(err, errlen, "orderlines[%zu].quantity: %lld is not a valid "
             "quantity", idx, (long long)l->quantity);
    return BMC_ERR_PROTOCOL;
  }
  return BMC_OK;
}

int
bm_order_parse(struct json_object *j, struct bm_order *o, char *err,
               size_t errlen)
{
  struct json_object *lines;
  char sub[220];
  size_t i;
  size_t n;
  int present;
  int64_t cdate;
  int rc;

  memset(o, 0, sizeof(*o));
  if(!json_object_is_type(j, json_type_object)) {
    snprintf(err, errlen, "order: expected object, found %s",
             pc_json_type_name(j));
    return BMC_ERR_PROTOCOL;
  }
#define BM_TRY(call)                                                       \
  do {                                                                     \
    rc = (call);                                                           \
    if(rc) {                                                               \
      snprintf(err, errlen, "%s", sub);                                    \
      return rc;                                                           \
    }                                                                      \
  } while(0)
  BM_TRY(pc_json_int(j, "order_id", 1, &o->order_id, sub, sizeof(sub)));
  if(o->order_id <= 0) {
    snprintf(err, errlen, "order_id: %lld is not a valid id",
             (long long)o->order_id);
    o->order_id = 0;
    return BMC_ERR_PROTOCOL;
  }
  /* every text of the order must be able to go into the host document */
  BM_TRY(pc_json_check_text(j, sub, sizeof(sub)));
  BM_TRY(pc_json_int(j, "state", 1, &o->state, sub, sizeof(sub)));
  BM_TRY(pc_json_str(j, "date_creation", 1, &o->date_creation, sub,
                     sizeof(sub)));
  BM_TRY(pc_json_str(j, "date_modification", 1, &o->date_modification, sub,
                     sizeof(sub)));
  BM_TRY(bm_opt_str(j, "date_payment", &o->date_payment, sub, sizeof(sub)));
  {
    /* optional and informative: an unreadable one is dropped, not the
     * order */
    const char *edd = NULL;

    if(bm_opt_str(j, "expected_dispatch_date", &edd, sub, sizeof(sub)) ||
       !edd || pc_time_parse(edd, &o->expected_dispatch_ms))
      o->expected_dispatch_ms = 0;
  }
  BM_TRY(pc_json_str(j, "currency", 1, &o->currency, sub, sizeof(sub)));
  BM_TRY(bm_opt_str(j, "country_code", &o->country_code, sub, sizeof(sub)));
  BM_TRY(bm_opt_str(j, "payment_method", &o->payment_method, sub,
                    sizeof(sub)));
  BM_TRY(bm_opt_money(j, "price", &o->price, sub, sizeof(sub)));
  BM_TRY(bm_opt_money(j, "shipping_price", &o->shipping_price, sub,
                      sizeof(sub)));
  BM_TRY(bm_opt_money(j, "sales_taxes", &o->sales_taxes, sub, sizeof(sub)));
  BM_TRY(bm_addr_parse(j, "shipping_address", &o->ship, 1, &present, sub,
                       sizeof(sub)));
  BM_TRY(bm_addr_parse(j, "billing_address", &o->bill, 0, &o->has_bill, sub,
                       sizeof(sub)));
  BM_TRY(pc_json_arr(j, "orderlines", 1, &lines, sub, sizeof(sub)));
#undef BM_TRY
  if(!bm_order_state_ok(o->state)) {
    snprintf(err, errlen, "state: unknown order state %lld (known: 0, 1, 3, "
             "8, 9, 10)", (long long)o->state);
    return BMC_ERR_PROTOCOL;
  }
  if(pc_time_parse(o->date_creation, &cdate)) {
    snprintf(err, errlen, "date_creation: \"%.40s\" is not an RFC 3339 date",
             o->date_creation);
    return BMC_ERR_PROTOCOL;
  }
  if(pc_time_parse(o->date_modification, &o->mod_ms)) {
    snprintf(err, errlen, "date_modification: \"%.40s\" is not an RFC 3339 "
             "date", o->date_modification);
    return BMC_ERR_PROTOCOL;
  }
  if(!*o->currency || strlen(o->currency) > 3) {
    snprintf(err, errlen, "currency: \"%.10s\" is not an ISO 4217 code",
             o->currency);
    return BMC_ERR_PROTOCOL;
  }
  n = json_object_array_length(lines);
  if(!n || n > 1000) {
    snprintf(err, errlen, "orderlines: %zu lines (expected 1 to 1000)", n);
    return BMC_ERR_PROTOCOL;
  }
  o->lines = calloc(n, sizeof(*o->lines));
  if(!o->lines) {
    snprintf(err, errlen, "out of memory");
    return BMC_ERR_NOMEM;
  }
  o->n_lines = n;
  for(i = 0; i < n; i++) {
    rc = bm_line_parse(json_object_array_get_idx(lines, i), i, &o->lines[i],
                       err, errlen);
    if(rc)
      return rc;
  }
  return BMC_OK;
}

void
bm_order_clear(struct bm_order *o)
{
  if(!o)
    return;
  free(o->lines);
  o->lines = NULL;
  o->n_lines = 0;
}

size_t
bm_order_count(const struct bm_order *o, enum bm_line_state_kind k)
{
  size_t i;
  size_t n = 0;

  for(i = 0; i < o->n_lines; i++)
    n += o->lines[i].kind == k;
  return n;
}

/* An identifier worth keeping: 1 to BM_SERIAL_MAX visible ASCII
 * characters (the host keeps serials one per line). */
static int
bm_serial_keep(const char *s)
{
  size_t n;

  if(!s || !*s)
    return 0;
  for(n = 0; s[n]; n++)
    if(s[n] < 0x21 || s[n] > 0x7e || n >= BM_SERIAL_MAX)
      return 0;
  return 1;
}

static void
bm_doc_addr(struct pc_xml *x, const char *el, const struct bm_addr *a)
{
  pc_xml_open(x, el);
  pc_xml_text(x, "company", a->company);
  pc_xml_text(x, "first_name", a->first_name ? a->first_name : "");
  pc_xml_text(x, "last_name", a->last_name ? a->last_name : "");
  pc_xml_text(x, "street", a->street ? a->street : "");
  pc_xml_text(x, "street2", a->street2);
  pc_xml_text(x, "postal_code", a->postal_code ? a->postal_code : "");
  pc_xml_text(x, "city", a->city ? a->city : "");
  pc_xml_text(x, "state", a->state);
  pc_xml_text(x, "country", a->country ? a->country : "");
  pc_xml_text(x, "phone", a->phone);
  pc_xml_text(x, "email", a->email);
  pc_xml_close(x);
}

int
bm_order_doc(const struct bm_order *o, struct pc_xml *x)
{
  int64_t subtotal = 0;
  int64_t commission = 0;
  int64_t refunded = 0;
  int64_t line_tax = 0;
  int64_t tax;
  int64_t grand;
  int64_t cdate;
  char date[32];
  size_t i;
  size_t n_refund = 0;
  size_t n_paid = 0;
  const char *pay;
  int rc = BMC_OK;

  memset(x, 0, sizeof(*x)); /* pc_xml_free(x) is safe on every return */
  for(i = 0; i < o->n_lines && !rc; i++) {
    const struct bm_line *l = &o->lines[i];
    rc = pc_money_add(subtotal, l->price, &subtotal);
    if(!rc)
      rc = pc_money_add(commission, l->fee, &commission);
    if(!rc)
      rc = pc_money_add(line_tax, l->tax, &line_tax);
    if(!rc && (l->kind == BM_LINE_REFUNDED ||
               (l->kind == BM_LINE_CANCELLED && l->state != 7))) {
      rc = pc_money_add(refunded, l->price, &refunded);
      n_refund++;
    }
    if(l->kind != BM_LINE_UNPAID && l->state != 7)
      n_paid++;
  }
  tax = o->sales_taxes ? o->sales_taxes : line_tax;
  if(!rc)
    rc = pc_money_add(subtotal, o->shipping_price, &grand);
  if(!rc)
    rc = pc_money_add(grand, tax, &grand);
  if(rc)
    return rc;
  if(pc_time_parse(o->date_creation, &cdate) ||
     pc_time_format(cdate, date, sizeof(date)))
    return BMC_ERR_PROTOCOL;
  pay = !n_paid ? "NoPayment"
        : !n_refund ? "FullyCharged"
        : n_refund == n_paid ? "Refunded" : "PartiallyRefunded";

  pc_xml_begin(x, "order", BM_ORDER_NS, 1024 * 1024);
  pc_xml_textf(x, "source_order_id", "%lld", (long long)o->order_id);
  pc_xml_text(x, "channel", "Website");
  pc_xml_text(x, "marketplace", BM_MARKETPLACE);
  pc_xml_text(x, "status", "InProcess");
  pc_xml_text(x, "payment_status", pay);
  pc_xml_text(x, "payment_method", o->payment_method);
  pc_xml_text(x, "order_date", date);
  pc_xml_textf(x, "marketplace_state", "%lld", (long long)o->state);
  pc_xml_text(x, "currency", o->currency);
  pc_xml_text(x, "country_code", o->country_code);
  bm_doc_addr(x, "shipping_address", &o->ship);
  if(o->has_bill)
    bm_doc_addr(x, "billing_address", &o->bill);
  pc_xml_open(x, "lines");
  for(i = 0; i < o->n_lines; i++) {
    const struct bm_line *l = &o->lines[i];
    pc_xml_open(x, "line");
    pc_xml_textf(x, "line_id", "%lld", (long long)l->id);
    pc_xml_text(x, "sku", l->sku);
    pc_xml_text(x, "title", l->title);
    pc_xml_textf(x, "quantity", "%lld", (long long)l->quantity);
    pc_xml_money(x, "line_total", l->price);
    pc_xml_money(x, "shipping", l->shipping);
    pc_xml_money(x, "tax", l->tax);
    pc_xml_money(x, "fee", l->fee);
    pc_xml_textf(x, "marketplace_state", "%lld", (long long)l->state);
    /* IMEI / serial number Back Market already holds (orders imported
     * accepted or shipped): kept in the host's <serial> */
    if(bm_serial_keep(l->imei))
      pc_xml_text(x, "serial", l->imei);
    if(bm_serial_keep(l->serial) && (!l->imei || strcmp(l->imei, l->serial)))
      pc_xml_text(x, "serial", l->serial);
    pc_xml_close(x);
  }
  pc_xml_close(x);
  pc_xml_open(x, "totals");
  pc_xml_money(x, "subtotal", subtotal);
  pc_xml_money(x, "shipping", o->shipping_price);
  pc_xml_money(x, "tax", tax);
  pc_xml_money(x, "commission", commission);
  pc_xml_money(x, "refunded", refunded);
  pc_xml_money(x, "grand_total", grand);
  pc_xml_close(x);
  if(o->dispatch_deadline_ms > 0 &&
     !pc_time_format(o->dispatch_deadline_ms, date, sizeof(date)))
    pc_xml_text(x, "dispatch_deadline", date);
  if(o->expected_dispatch_ms > 0 &&
     !pc_time_format(o->expected_dispatch_ms, date, sizeof(date)))
    pc_xml_text(x, "expected_dispatch_date", date);
  return pc_xml_end(x);
}
