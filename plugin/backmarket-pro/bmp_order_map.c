/*
 * bmp_order_map.c -- Back Market Pro order JSON -> order.xsd document, with
 * libxml2's xmlTextWriter doing all escaping.  Field names come from
 * bmp_contract.h only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libxml/xmlwriter.h>

#include "bmc/bmc_plugin.h"
#include "bmp_contract.h"
#include "bmp_money.h"
#include "bmp_order_map.h"
#include "pc_json.h"
#include "pc_text.h"
#include "pc_time.h"

#define BMP_ORDER_NS "urn:bmc:order:1"

/* A writer that remembers the first failure, so each call is checked and
 * the document is abandoned at the end if anything failed. */
struct bmp_xw {
  xmlTextWriterPtr w;
  int err;
};

static void
bmp_xw_start(struct bmp_xw *x, const char *name)
{
  if(!x->err && xmlTextWriterStartElement(x->w, BAD_CAST name) < 0)
    x->err = 1;
}

static void
bmp_xw_end(struct bmp_xw *x)
{
  if(!x->err && xmlTextWriterEndElement(x->w) < 0)
    x->err = 1;
}

static void
bmp_xw_el(struct bmp_xw *x, const char *name, const char *value)
{
  if(!x->err && xmlTextWriterWriteElement(x->w, BAD_CAST name,
                                          BAD_CAST value) < 0)
    x->err = 1;
}

static void
bmp_xw_money(struct bmp_xw *x, const char *name, int64_t minor)
{
  char buf[32];

  if(bmp_money_format(minor, buf, sizeof(buf)))
    x->err = 1;
  else
    bmp_xw_el(x, name, buf);
}

static const char *
bmp_jstr(struct json_object *obj, const char *key)
{
  struct json_object *v;

  if(!obj || !json_object_is_type(obj, json_type_object) ||
     !json_object_object_get_ex(obj, key, &v))
    return NULL;
  return pc_json_text(v); /* NULL for a non-string or a NUL inside */
}

/* An optional text element: written only when the field is a non-empty
 * string. */
static void
bmp_xw_opt(struct bmp_xw *x, const char *name, struct json_object *obj,
           const char *key)
{
  const char *v = bmp_jstr(obj, key);

  if(v && *v)
    bmp_xw_el(x, name, v);
}

int
bmp_json_money(struct json_object *obj, const char *key, int64_t *minor)
{
  struct json_object *v;
  const char *text;

  if(!obj || !json_object_object_get_ex(obj, key, &v) || !v)
    return -1;
  if(json_object_is_type(v, json_type_string))
    text = pc_json_text(v); /* NULL: a NUL inside */
  else if((json_object_is_type(v, json_type_int) &&
           pc_json_int_in_range(v)) ||
          json_object_is_type(v, json_type_double))
    /* the number's original text as parsed (json-c keeps it), so
     * "10.10" stays exact */
    text = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
  else
    return -1;
  return text ? bmp_money_parse(text, minor) : -1;
}

static int
bmp_copy_field(struct json_object *obj, const char *key, char *dst,
               size_t dstlen, int required)
{
  const char *v = bmp_jstr(obj, key);
  size_t n;

  if(!v) {
    dst[0] = '\0';
    return required ? -1 : 0;
  }
  n = strlen(v);
  if(n >= dstlen || (required && n == 0))
    return -1;
  memcpy(dst, v, n + 1);
  return 0;
}

int
bmp_order_info_get(struct json_object *order, struct bmp_order_info *info,
                   char *msg, size_t msglen)
{
  memset(info, 0, sizeof(*info));
  if(!order || !json_object_is_type(order, json_type_object)) {
    snprintf(msg, msglen, "order entry is not a JSON object");
    return -1;
  }
  if(bmp_copy_field(order, BMP_F_ID, info->id, sizeof(info->id), 1) ||
     pc_text_header_problem(info->id) || pc_text_xml_problem(info->id, NULL)) {
    info->id[0] = '\0';
    snprintf(msg, msglen, "order without a valid \"%s\"", BMP_F_ID);
    return -1;
  }
  if(bmp_copy_field(order, BMP_F_UPDATED_AT, info->updated_at,
                    sizeof(info->updated_at), 1) ||
     bmp_copy_field(order, BMP_F_STATUS, info->status,
                    sizeof(info->status), 1) ||
     bmp_copy_field(order, BMP_F_FINANCIAL, info->financial,
                    sizeof(info->financial), 0) ||
     bmp_copy_field(order, BMP_F_FULFILLMENT, info->fulfillment,
                    sizeof(info->fulfillment), 0)) {
    snprintf(msg, msglen, "order %s: missing or invalid %s/%s/%s/%s",
             info->id, BMP_F_UPDATED_AT, BMP_F_STATUS, BMP_F_FINANCIAL,
             BMP_F_FULFILLMENT);
    return -1;
  }
  info->cancelled = !strcmp(info->status, BMP_ST_CANCELLED) ||
                    !strcmp(info->financial, BMP_FIN_REFUNDED);
  return 0;
}

void
bmp_order_state(const struct bmp_order_info *info, char *buf, size_t buflen)
{
  snprintf(buf, buflen, "%s/%s/%s@%s", info->status, info->financial,
           info->fulfillment, info->updated_at);
}

/* One address element; the required parts must be present. */
static int
bmp_write_address(struct bmp_xw *x, const char *name,
                  struct json_object *addr, const char *fallback_email)
{
  static const char *const req[] = {BMP_F_ADDR_FIRST, BMP_F_ADDR_LAST,
                                    BMP_F_ADDR_STREET, BMP_F_ADDR_POSTAL,
                                    BMP_F_ADDR_CITY, BMP_F_ADDR_COUNTRY};
  const char *email;
  size_t i;

  if(!addr || !json_object_is_type(addr, json_type_object))
    return -1;
  for(i = 0; i < sizeof(req) / sizeof(req[0]); i++)
    if(!bmp_jstr(addr, req[i]))
      return -1;
  bmp_xw_start(x, name);
  bmp_xw_opt(x, "company", addr, BMP_F_ADDR_COMPANY);
  bmp_xw_el(x, "first_name", bmp_jstr(addr, BMP_F_ADDR_FIRST));
  bmp_xw_el(x, "last_name", bmp_jstr(addr, BMP_F_ADDR_LAST));
  bmp_xw_el(x, "street", bmp_jstr(addr, BMP_F_ADDR_STREET));
  bmp_xw_opt(x, "street2", addr, BMP_F_ADDR_STREET2);
  bmp_xw_el(x, "postal_code", bmp_jstr(addr, BMP_F_ADDR_POSTAL));
  bmp_xw_el(x, "city", bmp_jstr(addr, BMP_F_ADDR_CITY));
  bmp_xw_opt(x, "state", addr, BMP_F_ADDR_STATE);
  bmp_xw_el(x, "country", bmp_jstr(addr, BMP_F_ADDR_COUNTRY));
  bmp_xw_opt(x, "phone", addr, BMP_F_ADDR_PHONE);
  email = bmp_jstr(addr, BMP_F_ADDR_EMAIL);
  if(!email || !*email)
    email = fallback_email;
  if(email && *email)
    bmp_xw_el(x, "email", email);
  bmp_xw_end(x);
  return 0;
}

/* The lines element.  Returns 0, or -1 with the failing field in *bad. */
static int
bmp_write_lines(struct bmp_xw *x, struct json_object *lines,
                const char **bad)
{
  size_t i, n;

  n = lines && json_object_is_type(lines, json_type_array) ?
      json_object_array_length(lines) : 0;
  if(n == 0) {
    *bad = BMP_F_LINES;
    return -1;
  }
  bmp_xw_start(x, "lines");
  for(i = 0; i < n; i++) {
    struct json_object *l = json_object_array_get_idx(lines, i), *q;
    int64_t total, tax;
    int64_t qty;
    char qbuf[24];

    if(!bmp_jstr(l, BMP_F_LINE_ID) || !*bmp_jstr(l, BMP_F_LINE_ID)) {
      *bad = BMP_F_LINE_ID;
      return -1;
    }
    if(!bmp_jstr(l, BMP_F_LINE_SKU) || !*bmp_jstr(l, BMP_F_LINE_SKU)) {
      *bad = BMP_F_LINE_SKU;
      return -1;
    }
    qty = json_object_object_get_ex(l, BMP_F_LINE_QTY, &q) &&
          json_object_is_type(q, json_type_int) ?
          json_object_get_int64(q) : 0;
    if(qty < 1 || qty > 1000000) {
      *bad = BMP_F_LINE_QTY;
      return -1;
    }
    if(bmp_json_money(l, BMP_F_LINE_TOTAL, &total)) {
      *bad = BMP_F_LINE_TOTAL;
      return -1;
    }
    if(bmp_json_money(l, BMP_F_LINE_TAX, &tax)) {
      *bad = BMP_F_LINE_TAX;
      return -1;
    }
    snprintf(qbuf, sizeof(qbuf), "%lld", (long long)qty);
    bmp_xw_start(x, "line");
    bmp_xw_el(x, "line_id", bmp_jstr(l, BMP_F_LINE_ID));
    bmp_xw_el(x, "sku", bmp_jstr(l, BMP_F_LINE_SKU));
    bmp_xw_opt(x, "title", l, BMP_F_LINE_TITLE);
    bmp_xw_el(x, "quantity", qbuf);
    bmp_xw_money(x, "line_total", total);
    bmp_xw_money(x, "tax", tax);
    bmp_xw_end(x);
  }
  bmp_xw_end(x);
  return 0;
}

int
bmp_order_to_xml(struct json_object *order, const char *plugin_name,
                 int64_t pct_e4, char **xml, size_t *len, char *msg,
                 size_t msglen)
{
  struct bmp_order_info info;
  struct json_object *cust = NULL, *ship = NULL, *bill = NULL, *lines = NULL;
  struct bmp_xw x = {NULL, 0};
  xmlBufferPtr buf = NULL;
  int64_t subtotal, shipping, tax, total;
  const char *bad = NULL, *created, *currency, *cust_email;
  char state[sizeof(info.status) + sizeof(info.financial) +
             sizeof(info.fulfillment) + sizeof(info.updated_at) + 4];
  char note[400];
  char order_date[32];
  char sub[300];
  int64_t created_ms;
  int rc = -1;

  *xml = NULL;
  *len = 0;
  if(bmp_order_info_get(order, &info, msg, msglen))
    return -1;
  /* validated before anything is built: every text must be able to go
   * into the document, and the host must never see an invalid one */
  if(pc_json_check_text(order, sub, sizeof(sub))) {
    snprintf(msg, msglen, "order %s: %s", info.id, sub);
    return -1;
  }
  created = bmp_jstr(order, BMP_F_CREATED_AT);
  if(created && *created &&
     (pc_time_parse(created, &created_ms) != BMC_OK ||
      pc_time_format(created_ms, order_date, sizeof(order_date)) != BMC_OK)) {
    snprintf(msg, msglen, "order %s: \"%s\" is \"%.40s\", not an RFC 3339 "
             "time", info.id, BMP_F_CREATED_AT, created);
    return -1;
  }
  currency = bmp_jstr(order, BMP_F_CURRENCY);
  /* absent members stay NULL; each use checks the type */
  if(!json_object_object_get_ex(order, BMP_F_CUSTOMER, &cust))
    cust = NULL;
  if(!json_object_object_get_ex(order, BMP_F_SHIP_ADDR, &ship))
    ship = NULL;
  if(!json_object_object_get_ex(order, BMP_F_BILL_ADDR, &bill))
    bill = NULL;
  if(!json_object_object_get_ex(order, BMP_F_LINES, &lines))
    lines = NULL;
  if(!created || !*created)
    bad = BMP_F_CREATED_AT;
  else if(!currency || !*currency)
    bad = BMP_F_CURRENCY;
  else if(bmp_json_money(order, BMP_F_SUBTOTAL, &subtotal))
    bad = BMP_F_SUBTOTAL;
  else if(bmp_json_money(order, BMP_F_SHIPPING_TOTAL, &shipping))
    bad = BMP_F_SHIPPING_TOTAL;
  else if(bmp_json_money(order, BMP_F_TAX_TOTAL, &tax))
    bad = BMP_F_TAX_TOTAL;
  else if(bmp_json_money(order, BMP_F_TOTAL_PRICE, &total))
    bad = BMP_F_TOTAL_PRICE;
  if(bad) {
    snprintf(msg, msglen, "order %s: missing or invalid \"%s\"", info.id,
             bad);
    return -1;
  }
  cust_email = bmp_jstr(cust, BMP_F_CUST_EMAIL);

  buf = xmlBufferCreate();
  if(!buf)
    goto nomem;
  x.w = xmlNewTextWriterMemory(buf, 0);
  if(!x.w)
    goto nomem;
  if(xmlTextWriterStartDocument(x.w, NULL, "UTF-8", NULL) < 0 ||
     xmlTextWriterStartElementNS(x.w, NULL, BAD_CAST "order",
                                 BAD_CAST BMP_ORDER_NS) < 0)
    x.err = 1;
  bmp_xw_el(&x, "source_order_id", info.id);
  bmp_xw_el(&x, "channel", "Website");
  bmp_xw_el(&x, "marketplace", plugin_name);
  bmp_xw_el(&x, "status", "InProcess");
  /* Seed 003: every Pro order is Fully Charged, even when unpaid on Pro;
   * the payment method is not imported. */
  bmp_xw_el(&x, "payment_status", "FullyCharged");
  bmp_xw_el(&x, "order_date", order_date);
  bmp_order_state(&info, state, sizeof(state));
  bmp_xw_el(&x, "marketplace_state", state);
  bmp_xw_el(&x, "currency", currency);
  bmp_xw_opt(&x, "country_code", ship, BMP_F_ADDR_COUNTRY);
  if(bmp_write_address(&x, "shipping_address", ship, cust_email)) {
    bad = BMP_F_SHIP_ADDR;
    goto malformed;
  }
  if(bill && !json_object_is_type(bill, json_type_null) &&
     bmp_write_address(&x, "billing_address", bill, cust_email)) {
    bad = BMP_F_BILL_ADDR;
    goto malformed;
  }
  if(bmp_write_lines(&x, lines, &bad))
    goto malformed;
  bmp_xw_start(&x, "totals");
  bmp_xw_money(&x, "subtotal", subtotal);
  bmp_xw_money(&x, "shipping", shipping);
  bmp_xw_money(&x, "tax", tax); /* as Pro computed it */
  bmp_xw_money(&x, "commission", bmp_commission(total, pct_e4));
  bmp_xw_money(&x, "grand_total", total);
  bmp_xw_end(&x);
  {
    const char *co = bmp_jstr(cust, BMP_F_CUST_COMPANY);
    char pct[32];

    if(bmp_pct_format(pct_e4, pct, sizeof(pct)))
      x.err = 1;
    snprintf(note, sizeof(note),
             "Back Market Pro order %s%s%s; commission %s%% of the total "
             "(rounded half up to the cent)",
             info.id, co && *co ? " for " : "", co && *co ? co : "", pct);
    bmp_xw_el(&x, "note", note);
  }
  bmp_xw_end(&x); /* order */
  if(!x.err && xmlTextWriterEndDocument(x.w) < 0)
    x.err = 1;
  xmlFreeTextWriter(x.w); /* flushes into buf */
  x.w = NULL;
  if(x.err) {
    snprintf(msg, msglen, "order %s: could not build the order document",
             info.id);
    goto done;
  }
  *len = (size_t)xmlBufferLength(buf);
  *xml = malloc(*len + 1);
  if(!*xml)
    goto nomem;
  memcpy(*xml, xmlBufferContent(buf), *len);
  (*xml)[*len] = '\0';
  rc = 0;
  goto done;

malformed:
  snprintf(msg, msglen, "order %s: missing or invalid \"%s\"", info.id, bad);
  rc = -1;
  goto done;
nomem:
  snprintf(msg, msglen, "out of memory building order %s", info.id);
  rc = -2;
done:
  if(x.w)
    xmlFreeTextWriter(x.w);
  if(buf)
    xmlBufferFree(buf);
  return rc;
}
