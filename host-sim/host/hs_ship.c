/*
 * hs_ship.c -- the host's side of an order's life: shipping (tracking,
 * carrier, ship date, per-line serial/IMEI, partial shipments), host
 * cancellation and plugin status changes with their rules (a shipped
 * order is never cancelled), and the order listings for the CLI.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_internal.h"

struct hs_ostate {
  int64_t company_id;
  char status[32], shipping[32];
  int64_t n_lines, n_shipped;
};

static int
hs_ostate_get(struct hs_host *h, int64_t oid, struct hs_ostate *s)
{
  struct hs_dbst *st;
  int rc = BMC_ERR_NOT_FOUND;

  st = hs_stmt(h, "SELECT o.company_id, o.status, o.shipping_status,"
               " (SELECT COUNT(*) FROM order_lines l WHERE l.order_id ="
               " o.id), (SELECT COUNT(*) FROM order_lines l WHERE"
               " l.order_id = o.id AND l.shipped = 1) FROM orders o WHERE"
               " o.id = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, oid);
  if(hs_db_step(st) == HS_DB_ROW) {
    s->company_id = hs_db_col_i64(st, 0);
    snprintf(s->status, sizeof(s->status), "%s", hs_col_text(st, 1));
    snprintf(s->shipping, sizeof(s->shipping), "%s", hs_col_text(st, 2));
    s->n_lines = hs_db_col_i64(st, 3);
    s->n_shipped = hs_db_col_i64(st, 4);
    rc = BMC_OK;
  }
  hs_db_reset(st);
  return rc;
}

/* check = 1: verify the line exists (and, when mark, is not shipped yet);
 * check = 0: mark it shipped when mark, append its serial. */
static int
hs_ship_line(struct hs_host *h, int64_t oid, const struct hs_ship_line *l,
             int mark, int check, char *err, size_t errlen)
{
  struct hs_dbst *st;
  int rc;

  st = hs_stmt(h, "SELECT shipped FROM order_lines WHERE order_id = ? AND"
               " line_id = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, oid);
  hs_bind_text(st, 2, l->line_id);
  rc = hs_db_step(st);
  if(rc != HS_DB_ROW) {
    hs_db_reset(st);
    hs_errf(err, errlen, "order %lld has no line '%s'", (long long)oid,
            l->line_id);
    return BMC_ERR_NOT_FOUND;
  }
  if(mark && (int)hs_db_col_i64(st, 0)) {
    hs_db_reset(st);
    hs_errf(err, errlen, "line '%s' of order %lld is already shipped",
            l->line_id, (long long)oid);
    return BMC_ERR_CONFLICT;
  }
  hs_db_reset(st);
  if(check)
    return BMC_OK;
  /* the serials' separator a newline inside the literal: char(10) is
   * SQLite's alone */
  st = hs_stmt(h, "UPDATE order_lines SET shipped = CASE WHEN ?1 <> 0 THEN 1"
               " ELSE shipped END, serials = CASE WHEN ?2 IS NULL THEN serials"
               " WHEN serials IS NULL OR serials = '' THEN ?2 ELSE serials ||"
               " '\n' || ?2 END WHERE order_id = ?3 AND line_id = ?4");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, mark);
  hs_bind_text(st, 2, l->serial && l->serial[0] ? l->serial : NULL);
  hs_db_bind_i64(st, 3, oid);
  hs_bind_text(st, 4, l->line_id);
  rc = hs_db_step(st) == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
  hs_db_reset(st);
  return rc;
}

int
hs_order_ship(struct hs_host *h, int64_t order_id,
              const struct hs_shipment *s, char *err, size_t errlen)
{
  struct hs_ostate os;
  struct hs_dbst *st;
  char date[32];
  size_t i;
  int rc;

  if(!h || !s || !s->tracking_number || !s->tracking_number[0] ||
     !s->carrier || !s->carrier[0]) {
    hs_errf(err, errlen, "ship: a tracking number and a carrier are "
            "required");
    return BMC_ERR_INVALID_ARG;
  }
  if(s->only_listed && !s->n_lines) {
    hs_errf(err, errlen, "ship: no lines selected");
    return BMC_ERR_INVALID_ARG;
  }
  rc = hs_begin(h);
  if(rc)
    return rc;
  rc = hs_ostate_get(h, order_id, &os);
  if(rc) {
    hs_errf(err, errlen, "order %lld does not exist", (long long)order_id);
    goto out;
  }
  if(strcmp(os.status, "Cancelled") == 0) {
    hs_errf(err, errlen, "order %lld is cancelled; it cannot be shipped",
            (long long)order_id);
    rc = BMC_ERR_CONFLICT;
    goto out;
  }
  if(os.n_shipped == os.n_lines) {
    hs_errf(err, errlen, "order %lld is already fully shipped",
            (long long)order_id);
    rc = BMC_ERR_CONFLICT;
    goto out;
  }
  for(i = 0; !rc && i < s->n_lines; i++)
    rc = hs_ship_line(h, order_id, &s->lines[i], s->only_listed, 1, err,
                      errlen);
  for(i = 0; !rc && i < s->n_lines; i++)
    rc = hs_ship_line(h, order_id, &s->lines[i], s->only_listed, 0, err,
                      errlen);
  if(rc)
    goto out;
  if(!s->only_listed) {
    st = hs_stmt(h, "UPDATE order_lines SET shipped = 1 WHERE order_id = ?");
    if(!st) {
      rc = BMC_ERR_INTERNAL;
      goto out;
    }
    hs_db_bind_i64(st, 1, order_id);
    rc = hs_db_step(st) == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
    hs_db_reset(st);
    if(rc)
      goto out;
  }
  rc = hs_ostate_get(h, order_id, &os);
  if(rc)
    goto out;
  hs_iso_time(s->ship_date_ms ? s->ship_date_ms : hs_clock_now(h), date,
              sizeof(date));
  st = hs_stmt(h, "UPDATE orders SET shipping_status = ?, status = CASE WHEN"
               " ? THEN 'Completed' ELSE status END, tracking_number = ?,"
               " carrier = ?, ship_date = ?, source_updated_for_shipping = 0,"
               " updated_ms = ? WHERE id = ?");
  if(!st) {
    rc = BMC_ERR_INTERNAL;
    goto out;
  }
  hs_bind_text(st, 1, os.n_shipped == os.n_lines ? "FullyShipped"
                                                 : "PartiallyShipped");
  hs_db_bind_i64(st, 2, os.n_shipped == os.n_lines);
  hs_bind_text(st, 3, s->tracking_number);
  hs_bind_text(st, 4, s->carrier);
  hs_bind_text(st, 5, date);
  hs_db_bind_i64(st, 6, hs_clock_now(h));
  hs_db_bind_i64(st, 7, order_id);
  rc = hs_db_step(st) == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
  hs_db_reset(st);
  if(!rc)
    rc = hs_deadline_settle(h, order_id, "shipped");
out:
  if(rc)
    hs_rollback(h);
  else
    rc = hs_commit(h);
  return rc;
}

/* Cancel or hold/release an order under the host's rules. */
static int
hs_order_status_set(struct hs_host *h, int64_t oid, const char *status,
                    const char *note, char *err, size_t errlen)
{
  struct hs_ostate os;
  struct hs_dbst *st;
  int rc, cancel = strcmp(status, "Cancelled") == 0;

  if(!cancel && strcmp(status, "OnHold") && strcmp(status, "InProcess")) {
    hs_errf(err, errlen, "status '%s' cannot be set (InProcess, OnHold or "
            "Cancelled)", status);
    return BMC_ERR_INVALID_ARG;
  }
  rc = hs_ostate_get(h, oid, &os);
  if(rc) {
    hs_errf(err, errlen, "order %lld does not exist", (long long)oid);
    return rc;
  }
  if(cancel && (os.n_shipped || strcmp(os.shipping, "Unshipped"))) {
    hs_errf(err, errlen, "order %lld is %s; a shipped order cannot be "
            "cancelled", (long long)oid, os.shipping);
    return BMC_ERR_CONFLICT;
  }
  if(strcmp(os.status, "Cancelled") == 0) {
    if(cancel)
      return BMC_OK;
    hs_errf(err, errlen, "order %lld is cancelled; it cannot become %s",
            (long long)oid, status);
    return BMC_ERR_CONFLICT;
  }
  if(!cancel && strcmp(os.status, "Completed") == 0) {
    hs_errf(err, errlen, "order %lld is completed; it cannot become %s",
            (long long)oid, status);
    return BMC_ERR_CONFLICT;
  }
  st = hs_stmt(h, "UPDATE orders SET status = ?, note = COALESCE(?, note),"
               " cancel_reported = CASE WHEN ? <> 0 THEN 0 ELSE"
               " cancel_reported END, updated_ms = ? WHERE id = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_bind_text(st, 1, status);
  hs_bind_text(st, 2, note);
  hs_db_bind_i64(st, 3, cancel);
  hs_db_bind_i64(st, 4, hs_clock_now(h));
  hs_db_bind_i64(st, 5, oid);
  rc = hs_db_step(st) == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
  hs_db_reset(st);
  if(!rc && cancel)
    rc = hs_deadline_settle(h, oid, "cancelled");
  return rc;
}

int
hs_order_cancel(struct hs_host *h, int64_t order_id, const char *note,
                char *err, size_t errlen)
{
  if(!h) {
    hs_errf(err, errlen, "cancel: no host");
    return BMC_ERR_INVALID_ARG;
  }
  return hs_order_status_set(h, order_id, "Cancelled", note, err, errlen);
}

int
hs_order_status_in(struct hs_inst *in, const char *source_order_id,
                   const char *status, const char *note)
{
  char err[HS_ERRLEN];
  struct hs_dbst *st;
  int64_t oid = 0;
  int rc;

  st = hs_stmt(in->h, "SELECT id FROM orders WHERE company_id = ? AND"
               " marketplace = ? AND source_order_id = ? ORDER BY id"
               " LIMIT 1");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, in->company_id);
  hs_bind_text(st, 2, in->api->name);
  hs_bind_text(st, 3, source_order_id);
  if(hs_db_step(st) == HS_DB_ROW)
    oid = hs_db_col_i64(st, 0);
  hs_db_reset(st);
  if(!oid)
    return BMC_ERR_NOT_FOUND;
  rc = hs_order_status_set(in->h, oid, status, note, err, sizeof(err));
  if(rc && rc != BMC_ERR_INTERNAL)
    hs_job_log(in, BMC_LOG_WARN, err);
  return rc;
}

/* ---- listings ---- */

#define HS_SUMMARY_SQL                                                      \
  "SELECT o.id, c.name, o.channel, o.marketplace, o.source_order_id,"      \
  " o.status, o.payment_status, o.shipping_status, o.order_date,"          \
  " o.currency, o.subtotal, o.shipping, o.tax, o.commission, o.refunded,"  \
  " o.grand_total, o.tracking_number, o.carrier, o.ship_date, o.note,"     \
  " o.source_updated_for_shipping, o.cancel_reported, (SELECT COUNT(*)"    \
  " FROM order_lines l WHERE l.order_id = o.id) FROM orders o JOIN"        \
  " companies c ON c.id = o.company_id "

static int
hs_summaries(struct hs_host *h, struct hs_dbst *st,
             int (*cb)(void *ud, const struct hs_order_summary *o), void *ud,
             int *n)
{
  int rc = BMC_OK, s;

  while((s = hs_db_step(st)) == HS_DB_ROW) {
    struct hs_order_summary o;

    o.id = hs_db_col_i64(st, 0);
    o.company = hs_col_text(st, 1);
    o.channel = hs_col_text(st, 2);
    o.marketplace = hs_col_text(st, 3);
    o.source_order_id = hs_col_text(st, 4);
    o.status = hs_col_text(st, 5);
    o.payment_status = hs_col_text(st, 6);
    o.shipping_status = hs_col_text(st, 7);
    o.order_date = hs_col_text(st, 8);
    o.currency = hs_col_text(st, 9);
    o.subtotal = hs_col_text(st, 10);
    o.shipping = hs_col_text(st, 11);
    o.tax = hs_col_text(st, 12);
    o.commission = hs_col_text(st, 13);
    o.refunded = hs_col_text(st, 14);
    o.grand_total = hs_col_text(st, 15);
    o.tracking_number = hs_col_text(st, 16);
    o.carrier = hs_col_text(st, 17);
    o.ship_date = hs_col_text(st, 18);
    o.note = hs_col_text(st, 19);
    o.source_updated_for_shipping = (int)hs_db_col_i64(st, 20);
    o.cancel_reported = (int)hs_db_col_i64(st, 21);
    o.n_lines = hs_db_col_i64(st, 22);
    if(n)
      (*n)++;
    rc = cb(ud, &o);
    if(rc)
      break;
  }
  if(!rc && s != HS_DB_DONE)
    rc = BMC_ERR_INTERNAL;
  (void)h;
  return rc;
}

int
hs_orders_each(struct hs_host *h, const char *company,
               const char *marketplace,
               int (*cb)(void *ud, const struct hs_order_summary *o),
               void *ud)
{
  struct hs_dbst *st = NULL;
  int rc;

  if(!h || !cb)
    return BMC_ERR_INVALID_ARG;
  if(hs_db_prepare(h->db, HS_SUMMARY_SQL "WHERE (?1 IS NULL OR c.name ="
                   " ?1) AND (?2 IS NULL OR o.marketplace = ?2) ORDER"
                   " BY o.id", &st) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  hs_bind_text(st, 1, company);
  hs_bind_text(st, 2, marketplace);
  rc = hs_summaries(h, st, cb, ud, NULL);
  hs_db_finalize(st);
  return rc;
}

int
hs_order_summary_get(struct hs_host *h, int64_t order_id,
                     int (*cb)(void *ud, const struct hs_order_summary *o),
                     void *ud)
{
  struct hs_dbst *st = NULL;
  int rc, n = 0;

  if(!h || !cb)
    return BMC_ERR_INVALID_ARG;
  if(hs_db_prepare(h->db, HS_SUMMARY_SQL "WHERE o.id = ?", &st) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, order_id);
  rc = hs_summaries(h, st, cb, ud, &n);
  hs_db_finalize(st);
  return rc ? rc : n ? BMC_OK : BMC_ERR_NOT_FOUND;
}

int
hs_orders_count(struct hs_host *h, const char *company,
                const char *marketplace, int64_t *n)
{
  struct hs_dbst *st;

  if(!h || !n)
    return BMC_ERR_INVALID_ARG;
  st = hs_stmt(h, "SELECT COUNT(*) FROM orders o JOIN companies c ON c.id ="
               " o.company_id WHERE (?1 IS NULL OR c.name = ?1) AND (?2 IS"
               " NULL OR o.marketplace = ?2)");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_bind_text(st, 1, company);
  hs_bind_text(st, 2, marketplace);
  *n = hs_db_step(st) == HS_DB_ROW ? hs_db_col_i64(st, 0) : 0;
  hs_db_reset(st);
  return BMC_OK;
}

int
hs_order_find(struct hs_host *h, const char *company,
              const char *source_order_id, int64_t *order_id)
{
  struct hs_dbst *st;
  int n = 0;

  if(!h || !company || !source_order_id || !order_id)
    return BMC_ERR_INVALID_ARG;
  st = hs_stmt(h, "SELECT o.id FROM orders o JOIN companies c ON c.id ="
               " o.company_id WHERE c.name = ? AND o.source_order_id = ?"
               " LIMIT 2");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_bind_text(st, 1, company);
  hs_bind_text(st, 2, source_order_id);
  while(hs_db_step(st) == HS_DB_ROW) {
    if(!n)
      *order_id = hs_db_col_i64(st, 0);
    n++;
  }
  hs_db_reset(st);
  return n == 0 ? BMC_ERR_NOT_FOUND : n == 1 ? BMC_OK : BMC_ERR_CONFLICT;
}

int
hs_order_xml(struct hs_host *h, int64_t order_id, char **xml, size_t *len)
{
  if(!h || !xml)
    return BMC_ERR_INVALID_ARG;
  *xml = NULL;
  return hs_order_build_xml(h, order_id, xml, len);
}
