/*
 * hs_order_query.c -- the order services scoped to one plugin instance
 * (its company and marketplace): order_get, orders_each with the
 * "shipped/cancelled but not yet reported" queries, order_mark_reported,
 * and the host-level upsert entry used by tests and the CLI.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_internal.h"

static int
hs_order_id_in(struct hs_inst *in, const char *source_order_id, int64_t *id)
{
  struct hs_dbst *st;
  int rc = BMC_ERR_NOT_FOUND;

  st = hs_stmt(in->h, "SELECT id FROM orders WHERE company_id = ? AND"
               " marketplace = ? AND source_order_id = ? ORDER BY id"
               " LIMIT 1");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, in->company_id);
  hs_bind_text(st, 2, in->api->name);
  hs_bind_text(st, 3, source_order_id);
  if(hs_db_step(st) == HS_DB_ROW) {
    *id = hs_db_col_i64(st, 0);
    rc = BMC_OK;
  }
  hs_db_reset(st);
  return rc;
}

static int
hs_emit(struct hs_host *h, int64_t oid, bmc_doc_cb cb, void *ud)
{
  char *xml = NULL;
  size_t len = 0;
  int rc;

  rc = hs_order_build_xml(h, oid, &xml, &len);
  if(!rc)
    rc = cb(ud, xml, len);
  free(xml);
  return rc;
}

int
hs_order_get_in(struct hs_inst *in, const char *source_order_id,
                bmc_doc_cb cb, void *ud)
{
  int64_t oid;
  int rc = hs_order_id_in(in, source_order_id, &oid);

  return rc ? rc : hs_emit(in->h, oid, cb, ud);
}

int
hs_orders_query_in(struct hs_inst *in, int q, bmc_doc_cb cb, void *ud)
{
  const char *where;
  char sql[512];
  struct hs_dbst *st = NULL;
  int64_t *ids = NULL, *nv;
  size_t n = 0, cap = 0, i;
  int rc = BMC_OK, s;

  switch(q) {
  case BMC_Q_SHIPPED_UNREPORTED:
    where = "shipping_status != 'Unshipped' AND status != 'Cancelled' AND"
            " source_updated_for_shipping = 0";
    break;
  case BMC_Q_CANCELLED_UNREPORTED:
    where = "status = 'Cancelled' AND cancel_reported = 0";
    break;
  case BMC_Q_OPEN:
    where = "shipping_status = 'Unshipped' AND status NOT IN ('Cancelled',"
            " 'Completed')";
    break;
  case BMC_Q_ALL:
    where = "1 = 1"; /* a boolean: PostgreSQL refuses a bare 1 */
    break;
  default:
    return BMC_ERR_INVALID_ARG;
  }
  snprintf(sql, sizeof(sql), "SELECT id FROM orders WHERE company_id = ? AND"
           " marketplace = ? AND %s ORDER BY id", where);
  if(hs_db_prepare(in->h->db, sql, &st) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, in->company_id);
  hs_bind_text(st, 2, in->api->name);
  /* Ids first: the callback may change the orders it is handed. */
  while((s = hs_db_step(st)) == HS_DB_ROW) {
    if(n == cap) {
      cap = cap ? cap * 2 : 64;
      nv = realloc(ids, cap * sizeof(*ids));
      if(!nv) {
        rc = BMC_ERR_NOMEM;
        break;
      }
      ids = nv;
    }
    ids[n++] = hs_db_col_i64(st, 0);
  }
  if(!rc && s != HS_DB_DONE)
    rc = BMC_ERR_INTERNAL;
  hs_db_finalize(st);
  for(i = 0; !rc && i < n; i++)
    rc = hs_emit(in->h, ids[i], cb, ud);
  free(ids);
  return rc;
}

int
hs_order_mark_in(struct hs_inst *in, const char *source_order_id, int kind)
{
  struct hs_dbst *st;
  int64_t oid;
  int rc;

  if(kind != BMC_REPORT_SHIPPING && kind != BMC_REPORT_CANCEL)
    return BMC_ERR_INVALID_ARG;
  rc = hs_order_id_in(in, source_order_id, &oid);
  if(rc)
    return rc;
  if(kind == BMC_REPORT_SHIPPING)
    st = hs_stmt(in->h, "UPDATE orders SET source_updated_for_shipping = 1,"
                 " updated_ms = ? WHERE id = ?");
  else
    st = hs_stmt(in->h, "UPDATE orders SET cancel_reported = 1, updated_ms"
                 " = ? WHERE id = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, hs_clock_now(in->h));
  hs_db_bind_i64(st, 2, oid);
  rc = hs_write_rc(hs_step_write(in->h, st));
  hs_db_reset(st);
  return rc;
}

int
hs_order_upsert_xml(struct hs_host *h, const char *company,
                    const char *plugin, const char *xml, size_t len,
                    int *created, char *err, size_t errlen)
{
  struct hs_inst *in;
  int rc;

  if(!h || !xml) {
    hs_errf(err, errlen, "order upsert: no document");
    return BMC_ERR_INVALID_ARG;
  }
  rc = hs_inst_get(h, company, plugin, &in, err, errlen);
  if(rc)
    return rc;
  return hs_order_upsert_in(in, xml, len, created, err, errlen);
}
