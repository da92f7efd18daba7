/*
 * hs_products.c -- the product catalog: upsert of one product (seed 004
 * properties and free attributes), streaming reads in SKU order as
 * struct bmc_product (never a whole-catalog array), stock, and the
 * plugin-set product properties (bm_listing_id, ready_to_post, ...).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_internal.h"

void
hs_product_init(struct hs_product *p)
{
  if(!p)
    return;
  memset(p, 0, sizeof(*p));
  p->warranty_months = -1;
  p->safety_qty = -1;
  p->max_qty = -1;
  p->storage_gb = -1;
  p->ram_gb = -1;
  p->release_year = -1;
}

static void
hs_bind_opt_int(sqlite3_stmt *st, int i, int v)
{
  if(v < 0)
    sqlite3_bind_null(st, i);
  else
    sqlite3_bind_int(st, i, v);
}

int
hs_product_upsert(struct hs_host *h, const char *company,
                  const struct hs_product *p, int *created, char *err,
                  size_t errlen)
{
  static const char *const sql =
      "INSERT INTO products(company_id, sku, merchant_sku, enabled, title,"
      " description, ean, image_url, category, weight_lbs, weight_oz,"
      " warranty_months, grade, bm_product_id, price, site_price, min_price,"
      " repricing, safety_qty, max_qty, available_qty, device_type, cpu,"
      " storage_type, storage_gb, ram_gb, release_year, updated_ms)"
      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
      " ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28)"
      " ON CONFLICT(company_id, sku) DO UPDATE SET"
      " merchant_sku = ?3, enabled = ?4, title = ?5, description = ?6,"
      " ean = ?7, image_url = ?8, category = ?9, weight_lbs = ?10,"
      " weight_oz = ?11, warranty_months = ?12, grade = ?13,"
      " bm_product_id = ?14, price = ?15, site_price = ?16, min_price = ?17,"
      " repricing = ?18, safety_qty = ?19, max_qty = ?20,"
      " available_qty = ?21, device_type = ?22, cpu = ?23,"
      " storage_type = ?24, storage_gb = ?25, ram_gb = ?26,"
      " release_year = ?27, updated_ms = ?28";
  sqlite3_stmt *st;
  int64_t cid, before;

  if(!h || !company || !p || !p->sku || !p->sku[0]) {
    hs_errf(err, errlen, "product: missing company or SKU");
    return BMC_ERR_INVALID_ARG;
  }
  if(hs_company_find(h, company, &cid)) {
    hs_errf(err, errlen, "company '%s' does not exist", company);
    return BMC_ERR_NOT_FOUND;
  }
  before = sqlite3_total_changes64(h->db);
  {
    sqlite3_stmt *q = hs_stmt(h, "SELECT 1 FROM products WHERE company_id ="
                              " ? AND sku = ?");

    if(!q)
      return BMC_ERR_INTERNAL;
    sqlite3_bind_int64(q, 1, cid);
    hs_bind_text(q, 2, p->sku);
    if(created)
      *created = sqlite3_step(q) != SQLITE_ROW;
    sqlite3_reset(q);
  }
  st = hs_stmt(h, sql);
  if(!st)
    return BMC_ERR_INTERNAL;
  sqlite3_bind_int64(st, 1, cid);
  hs_bind_text(st, 2, p->sku);
  hs_bind_text(st, 3, p->merchant_sku);
  sqlite3_bind_int(st, 4, p->enabled ? 1 : 0);
  hs_bind_text(st, 5, p->title);
  hs_bind_text(st, 6, p->description);
  hs_bind_text(st, 7, p->ean);
  hs_bind_text(st, 8, p->image_url);
  hs_bind_text(st, 9, p->category);
  hs_bind_text(st, 10, p->weight_lbs);
  hs_bind_text(st, 11, p->weight_oz);
  hs_bind_opt_int(st, 12, p->warranty_months);
  hs_bind_text(st, 13, p->grade);
  hs_bind_text(st, 14, p->bm_product_id);
  hs_bind_text(st, 15, p->price);
  hs_bind_text(st, 16, p->site_price);
  hs_bind_text(st, 17, p->min_price);
  sqlite3_bind_int(st, 18, p->repricing ? 1 : 0);
  hs_bind_opt_int(st, 19, p->safety_qty);
  hs_bind_opt_int(st, 20, p->max_qty);
  sqlite3_bind_int64(st, 21, p->available_qty);
  hs_bind_text(st, 22, p->device_type);
  hs_bind_text(st, 23, p->cpu);
  hs_bind_text(st, 24, p->storage_type);
  hs_bind_opt_int(st, 25, p->storage_gb);
  hs_bind_opt_int(st, 26, p->ram_gb);
  hs_bind_opt_int(st, 27, p->release_year);
  sqlite3_bind_int64(st, 28, hs_clock_now(h));
  if(hs_step_write(h, st) != SQLITE_DONE ||
     sqlite3_total_changes64(h->db) == before) {
    hs_errf(err, errlen, "product %s: %s", p->sku, h->last_err);
    sqlite3_reset(st);
    return BMC_ERR_INTERNAL;
  }
  sqlite3_reset(st);
  return BMC_OK;
}

/* WeightLbs + WeightOz / 16 as a 3-decimal string; exact integer math. */
static const char *
hs_weight(const char *lbs, const char *oz, char *buf, size_t buflen)
{
  int64_t l = 0, o = 0, t;

  if(!oz || !oz[0])
    return lbs;
  if((lbs && lbs[0] && hs_decimal_parse(lbs, 3, &l)) ||
     hs_decimal_parse(oz, 3, &o))
    return lbs;
  t = l + (o + 8) / 16;
  snprintf(buf, buflen, "%lld.%03lld", (long long)(t / 1000),
           (long long)(t % 1000));
  return buf;
}

static int
hs_opt_int(sqlite3_stmt *st, int i)
{
  return sqlite3_column_type(st, i) == SQLITE_NULL ? -1
                                                   : sqlite3_column_int(st, i);
}

#define HS_PRODUCT_COLS                                                     \
  "SELECT p.sku, p.merchant_sku, p.enabled, p.title, p.description,"       \
  " p.ean, p.image_url, p.category, p.weight_lbs, p.weight_oz,"            \
  " p.warranty_months, p.grade, p.bm_product_id, (SELECT value FROM"       \
  " product_props pp WHERE pp.product_id = p.id AND pp.key ="              \
  " 'bm_listing_id' AND (?2 IS NULL OR pp.plugin = ?2) LIMIT 1), p.price," \
  " p.site_price, p.min_price, p.repricing, p.safety_qty, p.max_qty,"      \
  " p.available_qty, p.device_type, p.cpu, p.storage_type, p.storage_gb,"  \
  " p.ram_gb, p.release_year FROM products p "

/* One product row copied out of its statement (strings in one block), so
 * the callback runs with no statement open: it may write to the store. */
struct hs_prow {
  struct bmc_product p;
  char *mem;
  char wbuf[40];
};

#define HS_PROW_TEXT 17

/* Column index of each text field of the row, in hs_prow_fill order
 * (weight_oz, column 9, is folded into weight_lbs). */
static const int hs_prow_cols[HS_PROW_TEXT] = {0, 1, 3, 4, 5, 6, 7, 8, 11,
                                               12, 13, 14, 15, 16, 21, 22,
                                               23};

static int
hs_prow_fill(sqlite3_stmt *st, struct hs_prow *r)
{
  const char **dst[HS_PROW_TEXT];
  const char *src[HS_PROW_TEXT];
  size_t total = 0, i, n;
  char *w;

  memset(r, 0, sizeof(*r));
  dst[0] = &r->p.sku;
  dst[1] = &r->p.merchant_sku;
  dst[2] = &r->p.title;
  dst[3] = &r->p.description;
  dst[4] = &r->p.ean;
  dst[5] = &r->p.image_url;
  dst[6] = &r->p.category;
  dst[7] = &r->p.weight_lbs;
  dst[8] = &r->p.grade;
  dst[9] = &r->p.bm_product_id;
  dst[10] = &r->p.bm_listing_id;
  dst[11] = &r->p.price;
  dst[12] = &r->p.site_price;
  dst[13] = &r->p.min_price;
  dst[14] = &r->p.device_type;
  dst[15] = &r->p.cpu;
  dst[16] = &r->p.storage_type;
  for(i = 0; i < HS_PROW_TEXT; i++) {
    src[i] = hs_col_text(st, hs_prow_cols[i]);
    if(src[i])
      total += strlen(src[i]) + 1;
  }
  r->mem = malloc(total ? total : 1);
  if(!r->mem)
    return BMC_ERR_NOMEM;
  w = r->mem;
  for(i = 0; i < HS_PROW_TEXT; i++) {
    if(!src[i])
      continue;
    n = strlen(src[i]) + 1;
    memcpy(w, src[i], n);
    *dst[i] = w;
    w += n;
  }
  r->p.size = (uint32_t)sizeof(r->p);
  if(hs_weight(src[7], hs_col_text(st, 9), r->wbuf, sizeof(r->wbuf)) ==
     r->wbuf)
    r->p.weight_lbs = r->wbuf; /* else the copy of WeightLbs */
  r->p.enabled = sqlite3_column_int(st, 2);
  r->p.warranty_months = hs_opt_int(st, 10);
  r->p.repricing = sqlite3_column_int(st, 17);
  r->p.safety_qty = hs_opt_int(st, 18);
  r->p.max_qty = hs_opt_int(st, 19);
  r->p.available_qty = sqlite3_column_int64(st, 20);
  r->p.storage_gb = hs_opt_int(st, 24);
  r->p.ram_gb = hs_opt_int(st, 25);
  r->p.release_year = hs_opt_int(st, 26);
  return BMC_OK;
}

/* Rows per page of a catalog stream: each page is read, its statement
 * reset, then handed to the callback. */
#define HS_CATALOG_PAGE 256

int
hs_catalog_each_in(struct hs_host *h, int64_t company_id, const char *plugin,
                   int enabled_only, const char *one_sku, bmc_product_cb cb,
                   void *ud)
{
  static const char *const sql_one =
      HS_PRODUCT_COLS "WHERE p.company_id = ?1 AND p.sku = ?3 UNION ALL "
      "SELECT * FROM (" HS_PRODUCT_COLS "WHERE p.company_id = ?1 AND"
      " p.merchant_sku = ?3 AND NOT EXISTS (SELECT 1 FROM products x"
      " WHERE x.company_id = ?1 AND x.sku = ?3) LIMIT 1)";
  static const char *const sql_page =
      HS_PRODUCT_COLS "WHERE p.company_id = ?1 AND (?4 = 0 OR"
      " p.enabled = 1) AND p.sku > ?3 ORDER BY p.sku LIMIT ?5";
  struct hs_prow one, *rows = &one;
  sqlite3_stmt *st;
  char *after = NULL;
  size_t n, i;
  int rc = BMC_OK, s, seen = 0;

  /* A product_get (called per SKU by plugins) needs no page. */
  if(!one_sku && !(rows = calloc(HS_CATALOG_PAGE, sizeof(*rows))))
    return BMC_ERR_NOMEM;
  do {
    st = hs_stmt(h, one_sku ? sql_one : sql_page);
    if(!st) {
      rc = BMC_ERR_INTERNAL;
      break;
    }
    sqlite3_bind_int64(st, 1, company_id);
    hs_bind_text(st, 2, plugin);
    hs_bind_text(st, 3, one_sku ? one_sku : after ? after : "");
    sqlite3_bind_int(st, 4, enabled_only ? 1 : 0);
    sqlite3_bind_int(st, 5, HS_CATALOG_PAGE);
    n = 0;
    while(!rc && n < (one_sku ? 1u : HS_CATALOG_PAGE) &&
          (s = sqlite3_step(st)) == SQLITE_ROW)
      if(!(rc = hs_prow_fill(st, &rows[n])))
        n++;
    if(!rc && n < (one_sku ? 1u : HS_CATALOG_PAGE) && s != SQLITE_DONE) {
      hs_hostlog(h, BMC_LOG_ERROR, "catalog: %s", sqlite3_errmsg(h->db));
      rc = BMC_ERR_INTERNAL;
    }
    sqlite3_reset(st);
    for(i = 0; !rc && i < n; i++) {
      seen++;
      rc = cb(ud, &rows[i].p);
    }
    free(after);
    after = !rc && n && !one_sku ? hs_strdup(rows[n - 1].p.sku) : NULL;
    if(!rc && n && !one_sku && !after)
      rc = BMC_ERR_NOMEM;
    for(i = 0; i < n; i++)
      free(rows[i].mem);
  } while(!rc && !one_sku && n == HS_CATALOG_PAGE);
  free(after);
  if(rows != &one)
    free(rows);
  if(!rc && one_sku && !seen)
    rc = BMC_ERR_NOT_FOUND;
  return rc;
}

int
hs_product_get(struct hs_host *h, const char *company, const char *sku,
               bmc_product_cb cb, void *ud)
{
  int64_t cid;

  if(!h || !company || !sku || !cb)
    return BMC_ERR_INVALID_ARG;
  if(hs_company_find(h, company, &cid))
    return BMC_ERR_NOT_FOUND;
  return hs_catalog_each_in(h, cid, NULL, 0, sku, cb, ud);
}

int
hs_products_each(struct hs_host *h, const char *company, int enabled_only,
                 bmc_product_cb cb, void *ud)
{
  int64_t cid;

  if(!h || !company || !cb)
    return BMC_ERR_INVALID_ARG;
  if(hs_company_find(h, company, &cid))
    return BMC_ERR_NOT_FOUND;
  return hs_catalog_each_in(h, cid, NULL, enabled_only, NULL, cb, ud);
}

int
hs_products_count(struct hs_host *h, const char *company, int64_t *n)
{
  sqlite3_stmt *st;
  int64_t cid;

  if(!h || !company || !n)
    return BMC_ERR_INVALID_ARG;
  if(hs_company_find(h, company, &cid))
    return BMC_ERR_NOT_FOUND;
  st = hs_stmt(h, "SELECT COUNT(*) FROM products WHERE company_id = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  sqlite3_bind_int64(st, 1, cid);
  *n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  return BMC_OK;
}

int
hs_stock_set(struct hs_host *h, const char *company, const char *sku,
             int64_t available_qty)
{
  sqlite3_stmt *st;
  int64_t cid;
  int rc;

  if(!h || !company || !sku || available_qty < HS_QTY_MIN ||
     available_qty > HS_QTY_MAX)
    return BMC_ERR_INVALID_ARG;
  if(hs_company_find(h, company, &cid))
    return BMC_ERR_NOT_FOUND;
  st = hs_stmt(h, "UPDATE products SET available_qty = ?, updated_ms = ?"
               " WHERE company_id = ? AND sku = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  sqlite3_bind_int64(st, 1, available_qty);
  sqlite3_bind_int64(st, 2, hs_clock_now(h));
  sqlite3_bind_int64(st, 3, cid);
  hs_bind_text(st, 4, sku);
  rc = hs_write_rc(hs_step_write(h, st));
  if(!rc && sqlite3_changes(h->db) == 0)
    rc = BMC_ERR_NOT_FOUND;
  sqlite3_reset(st);
  return rc;
}

/* Product row id by host SKU, else by merchant SKU (both indexed). */
static int64_t
hs_product_id(struct hs_host *h, int64_t cid, const char *sku)
{
  sqlite3_stmt *st;
  int64_t id = 0;

  st = hs_stmt(h, "SELECT id FROM products WHERE company_id = ? AND sku = ?");
  if(!st)
    return 0;
  sqlite3_bind_int64(st, 1, cid);
  hs_bind_text(st, 2, sku);
  if(sqlite3_step(st) == SQLITE_ROW)
    id = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  if(id)
    return id;
  st = hs_stmt(h, "SELECT id FROM products WHERE company_id = ? AND"
               " merchant_sku = ? LIMIT 1");
  if(!st)
    return 0;
  sqlite3_bind_int64(st, 1, cid);
  hs_bind_text(st, 2, sku);
  if(sqlite3_step(st) == SQLITE_ROW)
    id = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return id;
}

int
hs_product_set_in(struct hs_inst *in, const char *sku, const char *key,
                  const char *value)
{
  static const char *const keys[] = {"bm_listing_id", "ready_to_post",
                                     "ready_to_post_reasons"};
  sqlite3_stmt *st;
  int64_t pid;
  size_t i;
  int rc;

  for(i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
    if(strcmp(keys[i], key) == 0)
      break;
  if(i == sizeof(keys) / sizeof(keys[0])) {
    char line[256];

    snprintf(line, sizeof(line), "product_set: unknown property '%.64s' "
             "(bm_listing_id, ready_to_post, ready_to_post_reasons)", key);
    hs_job_log(in, BMC_LOG_WARN, line);
    return BMC_ERR_INVALID_ARG;
  }
  if(i == 1 && value && strcmp(value, "Yes") && strcmp(value, "No"))
    return BMC_ERR_INVALID_ARG;
  pid = hs_product_id(in->h, in->company_id, sku);
  if(!pid)
    return BMC_ERR_NOT_FOUND;
  if(!value) {
    st = hs_stmt(in->h, "DELETE FROM product_props WHERE product_id = ? AND"
                 " plugin = ? AND key = ?");
  }
  else {
    st = hs_stmt(in->h, "INSERT INTO product_props(product_id, plugin, key,"
                 " updated_ms, value) VALUES(?, ?, ?, ?, ?) ON"
                 " CONFLICT(product_id, plugin, key) DO UPDATE SET value ="
                 " excluded.value, updated_ms = excluded.updated_ms");
  }
  if(!st)
    return BMC_ERR_INTERNAL;
  sqlite3_bind_int64(st, 1, pid);
  hs_bind_text(st, 2, in->api->name);
  hs_bind_text(st, 3, key);
  if(value) {
    sqlite3_bind_int64(st, 4, hs_clock_now(in->h));
    hs_bind_text(st, 5, value);
  }
  rc = hs_write_rc(hs_step_write(in->h, st));
  sqlite3_reset(st);
  return rc;
}

int
hs_product_prop_get(struct hs_host *h, const char *company,
                    const char *plugin, const char *sku, const char *key,
                    char *buf, size_t buflen)
{
  sqlite3_stmt *st;
  int64_t cid, pid;
  int rc = BMC_ERR_NOT_FOUND;

  if(!h || !company || !sku || !key)
    return BMC_ERR_INVALID_ARG;
  if(hs_company_find(h, company, &cid))
    return BMC_ERR_NOT_FOUND;
  pid = hs_product_id(h, cid, sku);
  if(!pid)
    return BMC_ERR_NOT_FOUND;
  st = hs_stmt(h, "SELECT value FROM product_props WHERE product_id = ? AND"
               " key = ? AND (?3 IS NULL OR plugin = ?3) ORDER BY plugin"
               " LIMIT 1");
  if(!st)
    return BMC_ERR_INTERNAL;
  sqlite3_bind_int64(st, 1, pid);
  hs_bind_text(st, 2, key);
  hs_bind_text(st, 3, plugin);
  if(sqlite3_step(st) == SQLITE_ROW)
    rc = hs_copy(buf, buflen, hs_col_text(st, 0) ? hs_col_text(st, 0) : "");
  sqlite3_reset(st);
  return rc;
}
