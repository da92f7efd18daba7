/*
 * hs_products_query.c -- the catalog as the Toolbox pages read it: one
 * page of products in SKU order with a search over SKU prefix and title
 * (walking the (company_id, sku) index, so a page costs the same at 100k
 * products as at 100), the number of matches, and every plugin-set
 * property of one product.  Generic product data only: what a channel
 * adds is shown through its properties.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_internal.h"

#define HS_SEARCH_MAX 128

/* LIKE pattern for s with %, _ and \ escaped; pre/post '%' as asked. */
static int
hs_like_pattern(const char *s, int pre, char *out, size_t outlen)
{
  size_t o = 0, i;

  if(pre && o + 1 < outlen)
    out[o++] = '%';
  for(i = 0; s[i]; i++) {
    if(o + 3 >= outlen)
      return BMC_ERR_TOO_SMALL;
    if(s[i] == '%' || s[i] == '_' || s[i] == '\\')
      out[o++] = '\\';
    out[o++] = s[i];
  }
  out[o++] = '%';
  out[o] = '\0';
  return BMC_OK;
}

#define HS_PQ_WHERE                                                         \
  " FROM products WHERE company_id = ?1 AND (?2 IS NULL OR sku LIKE ?2"    \
  " ESCAPE '\\' OR title LIKE ?3 ESCAPE '\\')"

int
hs_products_page(struct hs_host *h, const char *company, const char *search,
                 int64_t offset, int limit,
                 int (*cb)(void *ud, const struct hs_product_row *r),
                 void *ud, int64_t *total)
{
  char pfx[HS_SEARCH_MAX * 2 + 4], sub[HS_SEARCH_MAX * 2 + 4];
  sqlite3_stmt *st;
  int64_t cid;
  int rc = BMC_OK, s, has = search && search[0];

  if(!h || !company || !cb || offset < 0 || limit <= 0)
    return BMC_ERR_INVALID_ARG;
  if(has && strlen(search) > HS_SEARCH_MAX)
    return BMC_ERR_INVALID_ARG;
  if(hs_company_find(h, company, &cid))
    return BMC_ERR_NOT_FOUND;
  if(has && (hs_like_pattern(search, 0, pfx, sizeof(pfx)) ||
             hs_like_pattern(search, 1, sub, sizeof(sub))))
    return BMC_ERR_INVALID_ARG;
  if(total) {
    st = hs_stmt(h, "SELECT COUNT(*)" HS_PQ_WHERE);
    if(!st)
      return BMC_ERR_INTERNAL;
    sqlite3_bind_int64(st, 1, cid);
    hs_bind_text(st, 2, has ? pfx : NULL);
    hs_bind_text(st, 3, has ? sub : NULL);
    *total = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0)
                                            : 0;
    sqlite3_reset(st);
  }
  /* Not from the statement cache: the callback may use the host. */
  if(sqlite3_prepare_v2(h->db, "SELECT sku, title, ean, site_price,"
                        " image_url, available_qty, updated_ms" HS_PQ_WHERE
                        " ORDER BY sku LIMIT ?4 OFFSET ?5", -1, &st,
                        NULL) != SQLITE_OK)
    return BMC_ERR_INTERNAL;
  sqlite3_bind_int64(st, 1, cid);
  hs_bind_text(st, 2, has ? pfx : NULL);
  hs_bind_text(st, 3, has ? sub : NULL);
  sqlite3_bind_int(st, 4, limit);
  sqlite3_bind_int64(st, 5, offset);
  while((s = sqlite3_step(st)) == SQLITE_ROW) {
    struct hs_product_row r;

    r.sku = hs_col_text(st, 0);
    r.title = hs_col_text(st, 1);
    r.ean = hs_col_text(st, 2);
    r.site_price = hs_col_text(st, 3);
    r.image_url = hs_col_text(st, 4);
    r.available_qty = sqlite3_column_int64(st, 5);
    r.updated_ms = sqlite3_column_int64(st, 6);
    rc = cb(ud, &r);
    if(rc)
      break;
  }
  if(!rc && s != SQLITE_DONE)
    rc = BMC_ERR_INTERNAL;
  sqlite3_finalize(st);
  return rc;
}

int
hs_product_props_each(struct hs_host *h, const char *company,
                      const char *sku,
                      int (*cb)(void *ud, const char *plugin,
                                const char *key, const char *value,
                                int64_t updated_ms),
                      void *ud)
{
  sqlite3_stmt *st = NULL;
  int64_t cid;
  int rc = BMC_OK, s;

  if(!h || !company || !sku || !cb)
    return BMC_ERR_INVALID_ARG;
  if(hs_company_find(h, company, &cid))
    return BMC_ERR_NOT_FOUND;
  if(sqlite3_prepare_v2(h->db, "SELECT pp.plugin, pp.key, pp.value,"
                        " pp.updated_ms FROM product_props pp JOIN products p"
                        " ON p.id = pp.product_id WHERE p.company_id = ? AND"
                        " p.sku = ? ORDER BY pp.plugin, pp.key", -1, &st,
                        NULL) != SQLITE_OK)
    return BMC_ERR_INTERNAL;
  sqlite3_bind_int64(st, 1, cid);
  hs_bind_text(st, 2, sku);
  while((s = sqlite3_step(st)) == SQLITE_ROW) {
    rc = cb(ud, hs_col_text(st, 0), hs_col_text(st, 1), hs_col_text(st, 2),
            sqlite3_column_int64(st, 3));
    if(rc)
      break;
  }
  if(!rc && s != SQLITE_DONE)
    rc = BMC_ERR_INTERNAL;
  sqlite3_finalize(st);
  return rc;
}
