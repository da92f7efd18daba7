/*
 * hs_listing_pages.c -- paged, newest-first listings for the Toolbox
 * pages: orders (with a source-order-id prefix search), the lines of one
 * order with serials and marketplace states, and the per-item error
 * queue.  Each page reads only its own rows through an index; the order
 * rows themselves come from hs_order_summary_get().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_internal.h"

#define HS_PAGE_MAX 1000

static int
hs_page_args(struct hs_host *h, int64_t offset, int limit)
{
  return !h || offset < 0 || limit <= 0 || limit > HS_PAGE_MAX;
}

int
hs_orders_page(struct hs_host *h, const char *company, const char *search,
               int64_t offset, int limit,
               int (*cb)(void *ud, const struct hs_order_summary *o),
               void *ud, int64_t *total)
{
  int64_t cid = 0, ids[HS_PAGE_MAX];
  char pfx[260];
  struct hs_dbst *st;
  int rc = BMC_OK, n = 0, i, has = search && search[0];

  if(hs_page_args(h, offset, limit) || !cb)
    return BMC_ERR_INVALID_ARG;
  if(company && hs_company_find(h, company, &cid))
    return BMC_ERR_NOT_FOUND;
  if(has && snprintf(pfx, sizeof(pfx), "%s", search) >= (int)sizeof(pfx))
    return BMC_ERR_INVALID_ARG;
  /* Prefix range on the (company_id, source_order_id) index: no LIKE. */
  if(total) {
    st = hs_stmt(h, "SELECT COUNT(*) FROM orders WHERE (?1 = 0 OR"
                 " company_id = ?1) AND (?2 IS NULL OR (source_order_id >="
                 " ?2 AND source_order_id < ?2 || x'ff'))");
    if(!st)
      return BMC_ERR_INTERNAL;
    hs_db_bind_i64(st, 1, cid);
    hs_bind_text(st, 2, has ? pfx : NULL);
    *total = hs_db_step(st) == HS_DB_ROW ? hs_db_col_i64(st, 0)
                                            : 0;
    hs_db_reset(st);
  }
  st = hs_stmt(h, "SELECT id FROM orders WHERE (?1 = 0 OR company_id = ?1)"
               " AND (?2 IS NULL OR (source_order_id >= ?2 AND"
               " source_order_id < ?2 || x'ff')) ORDER BY id DESC LIMIT ?3"
               " OFFSET ?4");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, cid);
  hs_bind_text(st, 2, has ? pfx : NULL);
  hs_db_bind_i64(st, 3, limit);
  hs_db_bind_i64(st, 4, offset);
  while(n < limit && hs_db_step(st) == HS_DB_ROW)
    ids[n++] = hs_db_col_i64(st, 0);
  hs_db_reset(st);
  for(i = 0; !rc && i < n; i++)
    rc = hs_order_summary_get(h, ids[i], cb, ud);
  return rc;
}

int
hs_order_lines_each(struct hs_host *h, int64_t order_id,
                    int (*cb)(void *ud, const struct hs_order_line_view *l),
                    void *ud)
{
  struct hs_dbst *st = NULL;
  int rc = BMC_OK, s;

  if(!h || !cb)
    return BMC_ERR_INVALID_ARG;
  if(hs_db_prepare(h->db, "SELECT line_id, sku, quantity, line_total,"
                   " fee, tax, marketplace_state, shipped, serials FROM"
                   " order_lines WHERE order_id = ? ORDER BY line_no",
                   &st) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, order_id);
  while((s = hs_db_step(st)) == HS_DB_ROW) {
    struct hs_order_line_view l;

    l.line_id = hs_col_text(st, 0);
    l.sku = hs_col_text(st, 1);
    l.quantity = hs_db_col_i64(st, 2);
    l.line_total = hs_col_text(st, 3);
    l.fee = hs_col_text(st, 4);
    l.tax = hs_col_text(st, 5);
    l.marketplace_state = hs_col_text(st, 6);
    l.shipped = (int)hs_db_col_i64(st, 7);
    l.serials = hs_col_text(st, 8);
    rc = cb(ud, &l);
    if(rc)
      break;
  }
  if(!rc && s != HS_DB_DONE)
    rc = BMC_ERR_INTERNAL;
  hs_db_finalize(st);
  return rc;
}

int
hs_errors_page(struct hs_host *h, const char *company, int include_resolved,
               int64_t offset, int limit,
               int (*cb)(void *ud, const struct hs_item_error *e), void *ud,
               int64_t *total)
{
  struct hs_dbst *st;
  int64_t cid = 0;
  int rc = BMC_OK, s;

  if(hs_page_args(h, offset, limit) || !cb)
    return BMC_ERR_INVALID_ARG;
  if(company && hs_company_find(h, company, &cid))
    return BMC_ERR_NOT_FOUND;
  if(total) {
    st = hs_stmt(h, "SELECT COUNT(*) FROM error_queue WHERE (?1 = 0 OR"
                 " company_id = ?1) AND (?2 <> 0 OR resolved_ms = 0)");
    if(!st)
      return BMC_ERR_INTERNAL;
    hs_db_bind_i64(st, 1, cid);
    hs_db_bind_i64(st, 2, include_resolved != 0);
    *total = hs_db_step(st) == HS_DB_ROW ? hs_db_col_i64(st, 0)
                                            : 0;
    hs_db_reset(st);
  }
  /* Not from the statement cache: the callback may use the host. */
  if(hs_db_prepare(h->db, "SELECT e.id, e.job_id, e.ts_ms, c.name,"
                   " e.plugin, e.item, e.code, e.message,"
                   " e.resolved_ms, e.resolved_note FROM"
                   " error_queue e JOIN companies c ON c.id ="
                   " e.company_id WHERE (?1 = 0 OR e.company_id = ?1)"
                   " AND (?4 <> 0 OR e.resolved_ms = 0)"
                   " ORDER BY e.id DESC LIMIT ?2 OFFSET ?3",
                   &st) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, cid);
  hs_db_bind_i64(st, 4, include_resolved != 0);
  hs_db_bind_i64(st, 2, limit);
  hs_db_bind_i64(st, 3, offset);
  while((s = hs_db_step(st)) == HS_DB_ROW) {
    struct hs_item_error e;

    e.id = hs_db_col_i64(st, 0);
    e.job_id = hs_db_col_i64(st, 1);
    e.ts_ms = hs_db_col_i64(st, 2);
    e.company = hs_col_text(st, 3);
    e.plugin = hs_col_text(st, 4);
    e.item = hs_col_text(st, 5);
    e.code = hs_col_text(st, 6);
    e.message = hs_col_text(st, 7);
    e.resolved_ms = hs_db_col_i64(st, 8);
    e.resolved_note = hs_col_text(st, 9);
    rc = cb(ud, &e);
    if(rc)
      break;
  }
  if(!rc && s != HS_DB_DONE)
    rc = BMC_ERR_INTERNAL;
  hs_db_finalize(st);
  return rc;
}
