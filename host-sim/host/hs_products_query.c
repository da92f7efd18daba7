/*
 * hs_products_query.c -- the catalog as the Toolbox pages read it: one
 * page of products in SKU order with a search over SKU and title (the
 * (company_id, sku) index for the whole catalog, the FTS5 trigram index
 * of migration 4 for a search, so a rare match is found without a scan;
 * a frequent one walks the SKU index and stops at the page), and the
 * number of matches (a search's bounded at HS_SEARCH_COUNT_CAP + 1).  Generic product data only: what a channel
 * adds is shown through its declared properties (hs_props.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_internal.h"

#define HS_SEARCH_MAX 128
#define HS_STR_(x) #x
#define HS_STR(x) HS_STR_(x)

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

/* FTS5 phrase for s: the whole text in double quotes, quotes doubled. */
static int
hs_fts_phrase(const char *s, char *out, size_t outlen)
{
  size_t o = 0, i;

  out[o++] = '"';
  for(i = 0; s[i]; i++) {
    if(o + 4 >= outlen)
      return BMC_ERR_TOO_SMALL;
    if(s[i] == '"')
      out[o++] = '"';
    out[o++] = s[i];
  }
  out[o++] = '"';
  out[o] = '\0';
  return BMC_OK;
}

/* The three ways to find the rows: every product (the (company_id, sku)
 * index), a search of 3+ characters (the trigram index over SKU and
 * title), a shorter one (a scan with LIKE, SKU prefix or title part). */
#define HS_PQ_ALL " FROM products p WHERE p.company_id = ?1"
#define HS_PQ_FTS                                                           \
  " FROM products_fts CROSS JOIN products p ON p.id = products_fts.rowid"  \
  " WHERE products_fts MATCH ?2 AND p.company_id = ?1"
/* Many matches: walk the SKU index and keep the rows in the match set,
 * stopping at the page, instead of sorting every match.  An ASCII search
 * tests each row with LIKE (the same case-insensitive substring match as
 * the trigram index, without building the whole match set first). */
#define HS_PQ_FTS_DENSE                                                     \
  " FROM products p WHERE p.company_id = ?1 AND p.id IN (SELECT rowid FROM" \
  " products_fts WHERE products_fts MATCH ?2)"
#define HS_PQ_LIKE_DENSE                                                    \
  " FROM products p WHERE p.company_id = ?1 AND (p.sku LIKE ?6 ESCAPE '\\'" \
  " OR p.title LIKE ?6 ESCAPE '\\')"
#define HS_PQ_LIKE                                                          \
  " FROM products p WHERE p.company_id = ?1 AND (p.sku LIKE ?2 ESCAPE"     \
  " '\\' OR p.title LIKE ?3 ESCAPE '\\')"
#define HS_PQ_COLS                                                          \
  "SELECT p.sku, p.title, p.ean, p.site_price, p.image_url,"               \
  " p.available_qty, p.updated_ms"

int
hs_products_page(struct hs_host *h, const char *company, const char *search,
                 int64_t offset, int limit,
                 int (*cb)(void *ud, const struct hs_product_row *r),
                 void *ud, int64_t *total)
{
  char a[HS_SEARCH_MAX * 2 + 4], b[HS_SEARCH_MAX * 2 + 4];
  char sub[HS_SEARCH_MAX * 2 + 4] = "";
  const char *count_sql, *page_sql, *c;
  struct hs_dbst *st;
  int64_t cid, n = 0;
  int rc = BMC_OK, s, kind, ascii = 1;

  if(!h || !company || !cb || offset < 0 || limit <= 0)
    return BMC_ERR_INVALID_ARG;
  if(search && strlen(search) > HS_SEARCH_MAX)
    return BMC_ERR_INVALID_ARG;
  if(hs_company_find(h, company, &cid))
    return BMC_ERR_NOT_FOUND;
  kind = !search || !search[0] ? 0 : strlen(search) >= 3 ? 1 : 2;
  if((kind == 1 && hs_fts_phrase(search, a, sizeof(a))) ||
     (kind == 2 && (hs_like_pattern(search, 0, a, sizeof(a)) ||
                    hs_like_pattern(search, 1, b, sizeof(b)))))
    return BMC_ERR_INVALID_ARG;
  for(c = search; kind == 1 && *c; c++)
    if((unsigned char)*c >= 0x80)
      ascii = 0;
  if(kind == 1 && ascii && hs_like_pattern(search, 1, sub, sizeof(sub)))
    return BMC_ERR_INVALID_ARG;
  /* A search counts at most HS_SEARCH_COUNT_CAP + 1 matches. */
  count_sql = kind == 0 ? "SELECT COUNT(*)" HS_PQ_ALL
              : kind == 1 ? "SELECT COUNT(*) FROM (SELECT 1" HS_PQ_FTS
                            " LIMIT " HS_STR(HS_SEARCH_COUNT_CAP) " + 1)"
              : "SELECT COUNT(*) FROM (SELECT 1" HS_PQ_LIKE
                " LIMIT " HS_STR(HS_SEARCH_COUNT_CAP) " + 1)";
  if(!total)
    total = &n;
  {
    st = hs_stmt(h, count_sql);
    if(!st)
      return BMC_ERR_INTERNAL;
    hs_db_bind_i64(st, 1, cid);
    if(kind)
      hs_bind_text(st, 2, a);
    if(kind == 2)
      hs_bind_text(st, 3, b);
    *total = hs_db_step(st) == HS_DB_ROW ? hs_db_col_i64(st, 0)
                                            : 0;
    hs_db_reset(st);
  }
  page_sql = kind == 0 ? HS_PQ_COLS HS_PQ_ALL
                         " ORDER BY p.sku LIMIT ?4 OFFSET ?5"
             : kind == 1 && *total > HS_SEARCH_COUNT_CAP && ascii
             ? HS_PQ_COLS HS_PQ_LIKE_DENSE " ORDER BY p.sku LIMIT ?4 OFFSET ?5"
             : kind == 1 && *total > HS_SEARCH_COUNT_CAP
             ? HS_PQ_COLS HS_PQ_FTS_DENSE " ORDER BY p.sku LIMIT ?4 OFFSET ?5"
             : kind == 1 ? HS_PQ_COLS HS_PQ_FTS
                           " ORDER BY p.sku LIMIT ?4 OFFSET ?5"
             : HS_PQ_COLS HS_PQ_LIKE " ORDER BY p.sku LIMIT ?4 OFFSET ?5";
  /* Not from the statement cache: the callback may use the host. */
  if(hs_db_prepare(h->db, page_sql, &st) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, cid);
  if(kind)
    hs_bind_text(st, 2, a);
  if(kind == 2)
    hs_bind_text(st, 3, b);
  hs_db_bind_i64(st, 4, limit);
  hs_db_bind_i64(st, 5, offset);
  if(sub[0] && strstr(page_sql, "?6"))
    hs_bind_text(st, 6, sub);
  while((s = hs_db_step(st)) == HS_DB_ROW) {
    struct hs_product_row r;

    r.sku = hs_col_text(st, 0);
    r.title = hs_col_text(st, 1);
    r.ean = hs_col_text(st, 2);
    r.site_price = hs_col_text(st, 3);
    r.image_url = hs_col_text(st, 4);
    r.available_qty = hs_db_col_i64(st, 5);
    r.updated_ms = hs_db_col_i64(st, 6);
    rc = cb(ud, &r);
    if(rc)
      break;
  }
  if(!rc && s != HS_DB_DONE)
    rc = BMC_ERR_INTERNAL;
  hs_db_finalize(st);
  return rc;
}
