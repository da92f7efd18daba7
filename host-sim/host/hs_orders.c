/*
 * hs_orders.c -- orders crossing the host/plugin boundary: order_upsert
 * (order.xsd validation, create vs. update of marketplace-owned fields
 * only), the host's order document (order.xsd with host-owned fields
 * filled in).  The scoped queries live in hs_order_query.c.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "hs_internal.h"

struct hs_oline {
  char *line_id, *sku, *quantity, *line_total, *tax, *fee, *state;
  char *serials; /* the document's <serial> values, '\n' separated */
};

struct hs_odoc {
  char *source_order_id, *channel, *marketplace, *status, *payment_status,
      *payment_method, *order_date, *state, *currency, *subtotal, *shipping,
      *tax, *commission, *refunded, *grand_total, *note,
      *dispatch_deadline;
  struct hs_oline *lines;
  size_t n_lines;
};

static void
hs_odoc_free(struct hs_odoc *o)
{
  size_t i;

  for(i = 0; i < o->n_lines; i++) {
    struct hs_oline *l = &o->lines[i];

    free(l->line_id);
    free(l->sku);
    free(l->quantity);
    free(l->line_total);
    free(l->tax);
    free(l->fee);
    free(l->state);
    free(l->serials);
  }
  free(o->lines);
  free(o->source_order_id);
  free(o->channel);
  free(o->marketplace);
  free(o->status);
  free(o->payment_status);
  free(o->payment_method);
  free(o->order_date);
  free(o->dispatch_deadline);
  free(o->state);
  free(o->currency);
  free(o->subtotal);
  free(o->shipping);
  free(o->tax);
  free(o->commission);
  free(o->refunded);
  free(o->grand_total);
  free(o->note);
}

/* The <serial> values of a line (IMEIs the marketplace already holds),
 * joined with '\n' as order_lines.serials keeps them; NULL when none. */
static int
hs_odoc_serials(xmlNodePtr line, char **out)
{
  xmlNodePtr c;
  size_t len = 0;

  *out = NULL;
  for(c = line->children; c; c = c->next) {
    char *t, *n;
    size_t tl;

    if(c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name,
                                             "serial"))
      continue;
    t = (char *)xmlNodeGetContent(c);
    if(!t)
      return BMC_ERR_NOMEM;
    tl = strlen(t);
    n = tl ? realloc(*out, len + tl + 2) : *out;
    if(tl && n) {
      if(len)
        n[len++] = '\n';
      memcpy(n + len, t, tl + 1);
      len += tl;
      *out = n;
    }
    xmlFree(t);
    if(tl && !n)
      return BMC_ERR_NOMEM;
  }
  return BMC_OK;
}

static int
hs_odoc_read(xmlDocPtr d, struct hs_odoc *o)
{
  xmlNodePtr r = xmlDocGetRootElement(d), t, ls, c;
  size_t n = 0;

  memset(o, 0, sizeof(*o));
  o->source_order_id = hs_xml_child_text(r, "source_order_id");
  o->channel = hs_xml_child_text(r, "channel");
  o->marketplace = hs_xml_child_text(r, "marketplace");
  o->status = hs_xml_child_text(r, "status");
  o->payment_status = hs_xml_child_text(r, "payment_status");
  o->payment_method = hs_xml_child_text(r, "payment_method");
  o->order_date = hs_xml_child_text(r, "order_date");
  o->state = hs_xml_child_text(r, "marketplace_state");
  o->currency = hs_xml_child_text(r, "currency");
  o->note = hs_xml_child_text(r, "note");
  o->dispatch_deadline = hs_xml_child_text(r, "dispatch_deadline");
  t = hs_xml_child(r, "totals");
  o->subtotal = hs_xml_child_text(t, "subtotal");
  o->shipping = hs_xml_child_text(t, "shipping");
  o->tax = hs_xml_child_text(t, "tax");
  o->commission = hs_xml_child_text(t, "commission");
  o->refunded = hs_xml_child_text(t, "refunded");
  o->grand_total = hs_xml_child_text(t, "grand_total");
  ls = hs_xml_child(r, "lines");
  for(c = ls ? ls->children : NULL; c; c = c->next)
    if(c->type == XML_ELEMENT_NODE)
      n++;
  o->lines = calloc(n ? n : 1, sizeof(*o->lines));
  if(!o->lines)
    return BMC_ERR_NOMEM;
  for(c = ls ? ls->children : NULL; c; c = c->next) {
    struct hs_oline *l;

    if(c->type != XML_ELEMENT_NODE)
      continue;
    l = &o->lines[o->n_lines++];
    l->line_id = hs_xml_child_text(c, "line_id");
    l->sku = hs_xml_child_text(c, "sku");
    l->quantity = hs_xml_child_text(c, "quantity");
    l->line_total = hs_xml_child_text(c, "line_total");
    l->tax = hs_xml_child_text(c, "tax");
    l->fee = hs_xml_child_text(c, "fee");
    l->state = hs_xml_child_text(c, "marketplace_state");
    if(hs_odoc_serials(c, &l->serials))
      return BMC_ERR_NOMEM;
  }
  if(!o->source_order_id || !o->channel || !o->marketplace || !o->status ||
     !o->payment_status || !o->order_date || !o->currency || !o->subtotal ||
     !o->shipping || !o->tax || !o->commission || !o->grand_total)
    return BMC_ERR_NOMEM;
  return BMC_OK;
}

/* The source order id of a document that failed validation, for the
 * error queue (best effort, plain text search). */
static void
hs_guess_id(const char *xml, size_t len, char *buf, size_t buflen)
{
  const char *p = memmem(xml, len, "source_order_id>", 16), *e;
  size_t n;

  snprintf(buf, buflen, "order");
  if(!p)
    return;
  p += 16;
  e = memchr(p, '<', len - (size_t)(p - xml));
  if(!e || e == p)
    return;
  n = (size_t)(e - p);
  if(n >= buflen)
    n = buflen - 1;
  memcpy(buf, p, n);
  buf[n] = '\0';
}

static int
hs_order_insert(struct hs_inst *in, const struct hs_odoc *o,
                const char *xml, size_t len, char *err, size_t errlen)
{
  struct hs_host *h = in->h;
  struct hs_dbst *st;
  int64_t oid, now = hs_clock_now(h);
  size_t i;

  st = hs_stmt(h, "INSERT INTO orders(company_id, channel, source_order_id,"
               " marketplace, status, payment_status, payment_method,"
               " order_date, marketplace_state, currency, subtotal, shipping,"
               " tax, commission, refunded, grand_total, note, raw_xml,"
               " created_ms, updated_ms) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
               " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, in->company_id);
  hs_bind_text(st, 2, o->channel);
  hs_bind_text(st, 3, o->source_order_id);
  hs_bind_text(st, 4, o->marketplace);
  hs_bind_text(st, 5, o->status);
  hs_bind_text(st, 6, o->payment_status);
  hs_bind_text(st, 7, o->payment_method);
  hs_bind_text(st, 8, o->order_date);
  hs_bind_text(st, 9, o->state);
  hs_bind_text(st, 10, o->currency);
  hs_bind_text(st, 11, o->subtotal);
  hs_bind_text(st, 12, o->shipping);
  hs_bind_text(st, 13, o->tax);
  hs_bind_text(st, 14, o->commission);
  hs_bind_text(st, 15, o->refunded);
  hs_bind_text(st, 16, o->grand_total);
  hs_bind_text(st, 17, o->note);
  hs_bind_textn(st, 18, xml, len);
  hs_db_bind_i64(st, 19, now);
  hs_db_bind_i64(st, 20, now);
  if(hs_step_insert(h, st, &oid) != HS_DB_DONE) {
    hs_errf(err, errlen, "order %s: %s", o->source_order_id,
            hs_last_error(h));
    return BMC_ERR_INTERNAL;
  }
  for(i = 0; i < o->n_lines; i++) {
    const struct hs_oline *l = &o->lines[i];

    st = hs_stmt(h, "INSERT INTO order_lines(order_id, line_no, line_id,"
                 " sku, quantity, line_total, fee, tax, marketplace_state,"
                 " serials) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if(!st)
      return BMC_ERR_INTERNAL;
    hs_db_bind_i64(st, 1, oid);
    hs_db_bind_i64(st, 2, (int64_t)i + 1);
    hs_bind_text(st, 3, l->line_id);
    hs_bind_text(st, 4, l->sku);
    hs_db_bind_i64(st, 5, strtoll(l->quantity ? l->quantity : "0",
                                      NULL, 10));
    hs_bind_text(st, 6, l->line_total);
    hs_bind_text(st, 7, l->fee);
    hs_bind_text(st, 8, l->tax);
    hs_bind_text(st, 9, l->state);
    hs_bind_text(st, 10, l->serials);
    if(hs_db_step(st) != HS_DB_DONE) {
      hs_errf(err, errlen, "order %s line %s: %s (duplicate line_id?)",
              o->source_order_id, l->line_id, hs_db_errmsg(h->db));
      hs_db_reset(st);
      return BMC_ERR_INVALID_ARG;
    }
    hs_db_reset(st);
  }
  return hs_deadline_record(h, oid, o->dispatch_deadline);
}

/* Update marketplace-owned fields only. */
static int
hs_order_update(struct hs_inst *in, int64_t oid, const struct hs_odoc *o,
                char *err, size_t errlen)
{
  struct hs_host *h = in->h;
  struct hs_dbst *st;
  size_t i;

  st = hs_stmt(h, "UPDATE orders SET payment_status = ?, marketplace_state ="
               " ?, refunded = COALESCE(?, refunded), updated_ms = ? WHERE"
               " id = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_bind_text(st, 1, o->payment_status);
  hs_bind_text(st, 2, o->state);
  hs_bind_text(st, 3, o->refunded);
  hs_db_bind_i64(st, 4, hs_clock_now(h));
  hs_db_bind_i64(st, 5, oid);
  if(hs_db_step(st) != HS_DB_DONE) {
    hs_errf(err, errlen, "order %s: store: %s", o->source_order_id,
            hs_db_errmsg(h->db));
    hs_db_reset(st);
    return BMC_ERR_INTERNAL;
  }
  hs_db_reset(st);
  for(i = 0; i < o->n_lines; i++) {
    st = hs_stmt(h, "UPDATE order_lines SET fee = COALESCE(?, fee),"
                 " marketplace_state = COALESCE(?, marketplace_state) WHERE"
                 " order_id = ? AND line_id = ?");
    if(!st)
      return BMC_ERR_INTERNAL;
    hs_bind_text(st, 1, o->lines[i].fee);
    hs_bind_text(st, 2, o->lines[i].state);
    hs_db_bind_i64(st, 3, oid);
    hs_bind_text(st, 4, o->lines[i].line_id);
    if(hs_db_step(st) != HS_DB_DONE) {
      hs_db_reset(st);
      return BMC_ERR_INTERNAL;
    }
    hs_db_reset(st);
  }
  return hs_deadline_record(h, oid, o->dispatch_deadline);
}

int
hs_order_upsert_in(struct hs_inst *in, const char *xml, size_t len,
                   int *created, char *err, size_t errlen)
{
  struct hs_host *h = in->h;
  char msg[HS_ERRLEN], item[128];
  struct hs_odoc o;
  xmlDocPtr d = NULL;
  struct hs_dbst *st;
  int64_t oid = 0;
  int rc, isnew;

  if(created)
    *created = 0;
  rc = hs_xml_parse_valid(h->order_xsd, "order", xml, len, &d, msg,
                          sizeof(msg));
  if(rc) {
    hs_guess_id(xml, len, item, sizeof(item));
    hs_job_item_error(in, item, "xsd_invalid", msg);
    hs_errf(err, errlen, "%s", msg);
    return rc;
  }
  rc = hs_odoc_read(d, &o);
  xmlFreeDoc(d);
  if(rc) {
    hs_odoc_free(&o);
    hs_errf(err, errlen, "order: out of memory");
    return rc;
  }
  if(strcmp(o.marketplace, in->api->name) != 0) {
    hs_errf(msg, sizeof(msg), "order %s: marketplace '%s' is not this "
            "plugin ('%s')", o.source_order_id, o.marketplace,
            in->api->name);
    hs_job_item_error(in, o.source_order_id, "wrong_marketplace", msg);
    hs_errf(err, errlen, "%s", msg);
    hs_odoc_free(&o);
    return BMC_ERR_INVALID_ARG;
  }
  rc = hs_begin(h);
  if(rc) {
    hs_odoc_free(&o);
    hs_errf(err, errlen, "order: store busy");
    return rc;
  }
  st = hs_stmt(h, "SELECT id, marketplace FROM orders WHERE company_id = ?"
               " AND channel = ? AND source_order_id = ?");
  if(!st) {
    rc = BMC_ERR_INTERNAL;
    goto out;
  }
  hs_db_bind_i64(st, 1, in->company_id);
  hs_bind_text(st, 2, o.channel);
  hs_bind_text(st, 3, o.source_order_id);
  isnew = hs_db_step(st) != HS_DB_ROW;
  if(!isnew) {
    oid = hs_db_col_i64(st, 0);
    if(strcmp(hs_col_text(st, 1), in->api->name) != 0) {
      hs_errf(err, errlen, "order %s on channel %s belongs to marketplace "
              "'%s'", o.source_order_id, o.channel, hs_col_text(st, 1));
      hs_db_reset(st);
      rc = BMC_ERR_CONFLICT;
      goto out;
    }
  }
  hs_db_reset(st);
  if(isnew)
    rc = hs_order_insert(in, &o, xml, len, err, errlen);
  else
    rc = hs_order_update(in, oid, &o, err, errlen);
out:
  if(rc) {
    hs_rollback(h);
    hs_job_log(in, BMC_LOG_ERROR, err && errlen ? err : "order upsert failed");
  }
  else {
    rc = hs_commit(h);
    if(!rc && created)
      *created = isnew;
  }
  hs_odoc_free(&o);
  return rc;
}

/* ---- the host's order document ---- */

static int
hs_doc_lines(struct hs_host *h, int64_t oid, xmlNodePtr root)
{
  static const char *const before_fee[] = {"marketplace_state", "shipped",
                                           "serial", NULL};
  static const char *const before_state[] = {"shipped", "serial", NULL};
  xmlNodePtr ls = hs_xml_child(root, "lines"), c;
  struct hs_dbst *st;
  int rc = BMC_OK;

  for(c = ls ? ls->children : NULL; c && !rc; c = c->next) {
    char *lid;

    if(c->type != XML_ELEMENT_NODE)
      continue;
    lid = hs_xml_child_text(c, "line_id");
    st = hs_stmt(h, "SELECT fee, marketplace_state, shipped, serials FROM"
                 " order_lines WHERE order_id = ? AND line_id = ?");
    if(!lid || !st) {
      free(lid);
      return BMC_ERR_INTERNAL;
    }
    hs_db_bind_i64(st, 1, oid);
    hs_bind_text(st, 2, lid);
    free(lid);
    hs_xml_remove_children(c, "shipped");
    hs_xml_remove_children(c, "serial");
    if(hs_db_step(st) == HS_DB_ROW) {
      const char *fee = hs_col_text(st, 0), *ms = hs_col_text(st, 1);
      const char *ser = hs_col_text(st, 3);

      if(fee)
        rc = hs_xml_set_child(c, "fee", fee, before_fee);
      if(!rc && ms)
        rc = hs_xml_set_child(c, "marketplace_state", ms, before_state);
      if(!rc && !xmlNewTextChild(c, c->ns, (const xmlChar *)"shipped",
                                 (const xmlChar *)((int)hs_db_col_i64(st, 2)
                                                       ? "true"
                                                       : "false")))
        rc = BMC_ERR_NOMEM;
      while(!rc && ser && *ser) {
        const char *nl = strchr(ser, '\n');
        size_t n = nl ? (size_t)(nl - ser) : strlen(ser);
        char *one = strndup(ser, n);

        if(!one || !xmlNewTextChild(c, c->ns, (const xmlChar *)"serial",
                                    (const xmlChar *)one))
          rc = BMC_ERR_NOMEM;
        free(one);
        ser = nl ? nl + 1 : ser + n;
      }
    }
    hs_db_reset(st);
  }
  return rc;
}

static int
hs_add(xmlNodePtr r, const char *name, const char *text)
{
  return xmlNewTextChild(r, r->ns, (const xmlChar *)name,
                         (const xmlChar *)text)
             ? BMC_OK
             : BMC_ERR_NOMEM;
}

int
hs_order_build_xml(struct hs_host *h, int64_t order_id, char **xml,
                   size_t *len)
{
  static const char *const host_owned[] = {
      "note", "shipping_status", "tracking_number", "carrier", "ship_date",
      "source_updated_for_shipping", "cancel_reported"};
  static const char *const before_state[] = {"currency", NULL};
  static const char *const before_ref[] = {"grand_total", NULL};
  struct hs_dbst *st;
  xmlDocPtr d = NULL;
  xmlNodePtr r;
  xmlChar *out = NULL;
  int olen = 0, rc = BMC_OK;
  size_t i;

  st = hs_stmt(h, "SELECT raw_xml, status, payment_status,"
               " marketplace_state, refunded, note, shipping_status,"
               " tracking_number, carrier, ship_date,"
               " source_updated_for_shipping, cancel_reported FROM orders"
               " WHERE id = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, order_id);
  if(hs_db_step(st) != HS_DB_ROW) {
    hs_db_reset(st);
    return BMC_ERR_NOT_FOUND;
  }
  d = xmlReadMemory((const char *)hs_db_col_blob(st, 0),
                    (int)hs_db_col_bytes(st, 0), "order", NULL,
                    XML_PARSE_NONET | XML_PARSE_NOBLANKS);
  r = d ? xmlDocGetRootElement(d) : NULL;
  if(!r) {
    rc = BMC_ERR_INTERNAL;
    goto out;
  }
  for(i = 0; i < sizeof(host_owned) / sizeof(host_owned[0]); i++)
    hs_xml_remove_children(r, host_owned[i]);
  rc = hs_xml_set_child(r, "status", hs_col_text(st, 1), NULL);
  if(!rc)
    rc = hs_xml_set_child(r, "payment_status", hs_col_text(st, 2), NULL);
  if(!rc && hs_col_text(st, 3))
    rc = hs_xml_set_child(r, "marketplace_state", hs_col_text(st, 3),
                          before_state);
  if(!rc && hs_col_text(st, 4))
    rc = hs_xml_set_child(hs_xml_child(r, "totals"), "refunded",
                          hs_col_text(st, 4), before_ref);
  if(!rc && hs_col_text(st, 5))
    rc = hs_add(r, "note", hs_col_text(st, 5));
  if(!rc)
    rc = hs_add(r, "shipping_status", hs_col_text(st, 6));
  if(!rc && hs_col_text(st, 7))
    rc = hs_add(r, "tracking_number", hs_col_text(st, 7));
  if(!rc && hs_col_text(st, 8))
    rc = hs_add(r, "carrier", hs_col_text(st, 8));
  if(!rc && hs_col_text(st, 9))
    rc = hs_add(r, "ship_date", hs_col_text(st, 9));
  if(!rc)
    rc = hs_add(r, "source_updated_for_shipping",
                (int)hs_db_col_i64(st, 10) ? "true" : "false");
  if(!rc)
    rc = hs_add(r, "cancel_reported",
                (int)hs_db_col_i64(st, 11) ? "true" : "false");
  hs_db_reset(st);
  if(!rc)
    rc = hs_doc_lines(h, order_id, r);
  if(rc)
    goto out;
  xmlDocDumpFormatMemoryEnc(d, &out, &olen, "UTF-8", 1);
  if(!out) {
    rc = BMC_ERR_NOMEM;
    goto out;
  }
  *xml = malloc((size_t)olen + 1);
  if(!*xml) {
    rc = BMC_ERR_NOMEM;
    goto out;
  }
  memcpy(*xml, out, (size_t)olen);
  (*xml)[olen] = '\0';
  if(len)
    *len = (size_t)olen;
out:
  hs_db_reset(st);
  if(out)
    xmlFree(out);
  if(d)
    xmlFreeDoc(d);
  return rc;
}
