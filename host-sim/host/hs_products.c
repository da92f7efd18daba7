/*
 * hs_products.c -- the product catalog: upsert of one product's generic
 * data (the host's own columns; channel data are plugin properties, see
 * hs_props.c), streaming reads in SKU order as struct bmc_product with the
 * calling plugin's property values merged in (a page of rows and their
 * values read, then handed to the callback with no statement open; never
 * a whole-catalog array), one-product lookups by host SKU or alias, and
 * stock.
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
  p->storage_gb = -1;
  p->ram_gb = -1;
  p->release_year = -1;
}

static void
hs_bind_opt_int(struct hs_dbst *st, int i, int v)
{
  if(v < 0)
    hs_db_bind_null(st, i);
  else
    hs_db_bind_i64(st, i, v);
}

int
hs_product_upsert(struct hs_host *h, const char *company,
                  const struct hs_product *p, int *created, char *err,
                  size_t errlen)
{
  static const char *const sql =
      "INSERT INTO products(company_id, sku, title, description, ean,"
      " image_url, weight_lbs, weight_oz, site_price, available_qty,"
      " device_type, cpu, storage_type, storage_gb, ram_gb, release_year,"
      " updated_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
      " ?13, ?14, ?15, ?16, ?17) ON CONFLICT(company_id, sku) DO UPDATE SET"
      " title = ?3, description = ?4, ean = ?5, image_url = ?6,"
      " weight_lbs = ?7, weight_oz = ?8, site_price = ?9,"
      " available_qty = ?10, device_type = ?11, cpu = ?12,"
      " storage_type = ?13, storage_gb = ?14, ram_gb = ?15,"
      " release_year = ?16, updated_ms = ?17";
  struct hs_dbst *st;
  int64_t cid, before;

  if(!h || !company || !p || !p->sku || !p->sku[0]) {
    hs_errf(err, errlen, "product: missing company or SKU");
    return BMC_ERR_INVALID_ARG;
  }
  if(hs_company_find(h, company, &cid)) {
    hs_errf(err, errlen, "company '%s' does not exist", company);
    return BMC_ERR_NOT_FOUND;
  }
  before = hs_db_total_changes(h->db);
  {
    struct hs_dbst *q = hs_stmt(h, "SELECT 1 FROM products WHERE company_id ="
                              " ? AND sku = ?");

    if(!q)
      return BMC_ERR_INTERNAL;
    hs_db_bind_i64(q, 1, cid);
    hs_bind_text(q, 2, p->sku);
    if(created)
      *created = hs_db_step(q) != HS_DB_ROW;
    hs_db_reset(q);
  }
  st = hs_stmt(h, sql);
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, cid);
  hs_bind_text(st, 2, p->sku);
  hs_bind_text(st, 3, p->title);
  hs_bind_text(st, 4, p->description);
  hs_bind_text(st, 5, p->ean);
  hs_bind_text(st, 6, p->image_url);
  hs_bind_text(st, 7, p->weight_lbs);
  hs_bind_text(st, 8, p->weight_oz);
  hs_bind_text(st, 9, p->site_price);
  hs_db_bind_i64(st, 10, p->available_qty);
  hs_bind_text(st, 11, p->device_type);
  hs_bind_text(st, 12, p->cpu);
  hs_bind_text(st, 13, p->storage_type);
  hs_bind_opt_int(st, 14, p->storage_gb);
  hs_bind_opt_int(st, 15, p->ram_gb);
  hs_bind_opt_int(st, 16, p->release_year);
  hs_db_bind_i64(st, 17, hs_clock_now(h));
  if(hs_step_write(h, st) != HS_DB_DONE ||
     hs_db_total_changes(h->db) == before) {
    hs_errf(err, errlen, "product %s: %s", p->sku, h->last_err);
    hs_db_reset(st);
    return BMC_ERR_INTERNAL;
  }
  hs_db_reset(st);
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
hs_opt_int(struct hs_dbst *st, int i)
{
  return hs_db_col_type(st, i) == HS_DB_T_NULL ? -1
                                                   : (int)hs_db_col_i64(st, i);
}

/* The plugin's property values of one page of products (copied out of
 * the property statement), each row owning a run of them. */
struct hs_propbuf {
  struct bmc_prop_value *v;
  size_t n, cap;
  char *text;
  size_t len, tcap;
  size_t *off; /* 3 offsets per value into text */
};

static void
hs_propbuf_free(struct hs_propbuf *b)
{
  free(b->v);
  free(b->text);
  free(b->off);
}

static int
hs_propbuf_add(struct hs_propbuf *b, const char *key, const char *market,
               const char *value)
{
  const char *s[3] = {key ? key : "", market ? market : "",
                      value ? value : ""};
  size_t k, need = 0;

  if(b->n == b->cap) {
    size_t ncap = b->cap ? b->cap * 2 : 16;
    struct bmc_prop_value *nv = realloc(b->v, ncap * sizeof(*nv));
    size_t *no;

    if(!nv)
      return BMC_ERR_NOMEM;
    b->v = nv;
    no = realloc(b->off, ncap * 3 * sizeof(*no));
    if(!no)
      return BMC_ERR_NOMEM;
    b->off = no;
    b->cap = ncap;
  }
  for(k = 0; k < 3; k++)
    need += strlen(s[k]) + 1;
  if(b->len + need > b->tcap) {
    size_t ncap = b->tcap ? b->tcap : 1024;
    char *nt;

    while(ncap < b->len + need)
      ncap *= 2;
    nt = realloc(b->text, ncap);
    if(!nt)
      return BMC_ERR_NOMEM;
    b->text = nt;
    b->tcap = ncap;
  }
  for(k = 0; k < 3; k++) {
    size_t l = strlen(s[k]) + 1;

    b->off[b->n * 3 + k] = b->len;
    memcpy(b->text + b->len, s[k], l);
    b->len += l;
  }
  b->n++;
  return BMC_OK;
}

/* Point the values at the text (after the last add). */
static void
hs_propbuf_seal(struct hs_propbuf *b)
{
  size_t i;

  for(i = 0; i < b->n; i++) {
    b->v[i].key = b->text + b->off[i * 3];
    b->v[i].market = b->text + b->off[i * 3 + 1];
    b->v[i].value = b->text + b->off[i * 3 + 2];
  }
}

#define HS_PRODUCT_COLS                                                     \
  "SELECT p.id, p.sku, p.title, p.description, p.ean, p.image_url,"        \
  " p.weight_lbs, p.weight_oz, p.site_price, p.available_qty,"             \
  " p.device_type, p.cpu, p.storage_type, p.storage_gb, p.ram_gb,"         \
  " p.release_year, p.change_seq FROM products p "
#define HS_PROP_COLS                                                        \
  "SELECT pp.product_id, p.sku, pp.key, pp.market, pp.value FROM products"  \
  " p JOIN product_props pp ON pp.product_id = p.id AND pp.plugin = ?2 "
/* The same for a page of the change feed: rows in change order. */
#define HS_PROP_COLS_SEQ                                                    \
  "SELECT pp.product_id, p.change_seq, pp.key, pp.market, pp.value FROM"    \
  " products p JOIN product_props pp ON pp.product_id = p.id AND pp.plugin" \
  " = ?2 "
/* Offered on the channel: the plugin's LISTS property (?3, default ?4)
 * is "true" globally or for a market; everything when ?3 is NULL. */
#define HS_LISTED                                                           \
  " AND (?3 IS NULL OR EXISTS (SELECT 1 FROM product_props e WHERE"         \
  " e.product_id = p.id AND e.plugin = ?2 AND e.key = ?3 AND e.value ="     \
  " 'true') OR (?4 = 1 AND NOT EXISTS (SELECT 1 FROM product_props e WHERE" \
  " e.product_id = p.id AND e.plugin = ?2 AND e.key = ?3 AND e.market ="   \
  " '')))"

/* One product row copied out of its statement (strings in one block), so
 * the callback runs with no statement open: it may write to the store.
 * Its property values are props[first .. first + n_props) of the page. */
struct hs_prow {
  struct bmc_product p;
  int64_t id;
  size_t first;
  char *mem;
  char wbuf[40];
};

#define HS_PROW_TEXT 10

/* Column index of each text field of the row, in hs_prow_fill order
 * (weight_oz, column 7, is folded into weight_lbs). */
static const int hs_prow_cols[HS_PROW_TEXT] = {1, 2, 3, 4, 5, 6, 8, 10, 11,
                                               12};

static int
hs_prow_fill(struct hs_dbst *st, struct hs_prow *r)
{
  const char **dst[HS_PROW_TEXT];
  const char *src[HS_PROW_TEXT];
  size_t total = 0, i, n;
  char *w;

  memset(r, 0, sizeof(*r));
  dst[0] = &r->p.sku;
  dst[1] = &r->p.title;
  dst[2] = &r->p.description;
  dst[3] = &r->p.ean;
  dst[4] = &r->p.image_url;
  dst[5] = &r->p.weight_lbs;
  dst[6] = &r->p.site_price;
  dst[7] = &r->p.device_type;
  dst[8] = &r->p.cpu;
  dst[9] = &r->p.storage_type;
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
  r->id = hs_db_col_i64(st, 0);
  r->p.size = (uint32_t)sizeof(r->p);
  if(hs_weight(src[5], hs_col_text(st, 7), r->wbuf, sizeof(r->wbuf)) ==
     r->wbuf)
    r->p.weight_lbs = r->wbuf; /* else the copy of WeightLbs */
  r->p.available_qty = hs_db_col_i64(st, 9);
  r->p.storage_gb = hs_opt_int(st, 13);
  r->p.ram_gb = hs_opt_int(st, 14);
  r->p.release_year = hs_opt_int(st, 15);
  r->p.change_seq = hs_db_col_i64(st, 16);
  return BMC_OK;
}

/* Rows per page of a catalog stream: each page is read with its property
 * values, its statements reset, then handed to the callback. */
#define HS_CATALOG_PAGE 256

static void
hs_cat_bind(struct hs_dbst *st, int64_t company_id,
            const struct bmc_plugin_api *api,
            const struct bmc_property *lists)
{
  hs_db_bind_i64(st, 1, company_id);
  hs_bind_text(st, 2, api ? api->name : "");
  hs_bind_text(st, 3, lists ? lists->key : NULL);
  hs_db_bind_i64(st, 4, lists && lists->default_value &&
                              !strcmp(lists->default_value, "true"));
}

/* The page's property values, attached to its rows by product id.  The
 * property statement reads the same SKU range (by_seq: change range) as
 * the page; a product another process added in between matches no row
 * and is skipped. */
static int
hs_page_props(struct hs_host *h, struct hs_dbst *ps, struct hs_prow *rows,
              size_t n, int by_seq, struct hs_propbuf *pb)
{
  size_t j = 0;
  int rc = BMC_OK, s;

  pb->n = pb->len = 0;
  while(!rc && (s = hs_db_step(ps)) == HS_DB_ROW) {
    int64_t pid = hs_db_col_i64(ps, 0);
    const char *sku = by_seq ? NULL : hs_col_text(ps, 1);
    int64_t seq = by_seq ? hs_db_col_i64(ps, 1) : 0;

    while(j < n && (by_seq ? rows[j].p.change_seq < seq
                           : sku && strcmp(rows[j].p.sku, sku) < 0))
      if(++j < n)
        rows[j].first = pb->n;
    if(j < n && rows[j].id == pid) {
      rc = hs_propbuf_add(pb, hs_col_text(ps, 2), hs_col_text(ps, 3),
                          hs_col_text(ps, 4));
      if(!rc)
        rows[j].p.n_props++;
    }
  }
  if(!rc && s != HS_DB_DONE) {
    hs_hostlog(h, BMC_LOG_ERROR, "catalog: %s", hs_db_errmsg(h->db));
    rc = BMC_ERR_INTERNAL;
  }
  hs_db_reset(ps);
  hs_propbuf_seal(pb);
  for(j = 0; !rc && j < n; j++)
    rows[j].p.props = rows[j].p.n_props ? pb->v + rows[j].first : NULL;
  return rc;
}

/* What one stream reads: the catalog in SKU order (enabled_only: the
 * plugin's LISTS filter), one product (one_sku), or the change feed
 * (feed: the products whose change number is in (since, upto], in change
 * order, listed or not). */
struct hs_stream {
  int enabled_only;
  const char *one_sku;
  int feed;
  int64_t since, upto;
};

static int
hs_catalog_stream(struct hs_host *h, int64_t company_id,
                  const struct bmc_plugin_api *api,
                  const struct hs_stream *q, bmc_product_cb cb, void *ud)
{
  static const char *const sql_one =
      HS_PRODUCT_COLS "WHERE p.company_id = ?1 AND p.id = ?5";
  static const char *const psql_one =
      HS_PROP_COLS "WHERE p.company_id = ?1 AND p.id = ?5 ORDER BY pp.key,"
      " pp.market";
  static const char *const sql_page =
      HS_PRODUCT_COLS "WHERE p.company_id = ?1" HS_LISTED " AND p.sku > ?6"
      " ORDER BY p.sku LIMIT ?7";
  static const char *const psql_page =
      HS_PROP_COLS "WHERE p.company_id = ?1" HS_LISTED " AND p.sku > ?6 AND"
      " p.sku <= ?8 ORDER BY p.sku, pp.key, pp.market";
  static const char *const sql_feed =
      HS_PRODUCT_COLS "WHERE p.company_id = ?1 AND p.change_seq > ?6 AND"
      " p.change_seq <= ?9 ORDER BY p.change_seq LIMIT ?7";
  static const char *const psql_feed =
      HS_PROP_COLS_SEQ "WHERE p.company_id = ?1 AND p.change_seq > ?6 AND"
      " p.change_seq <= ?8 ORDER BY p.change_seq, pp.key, pp.market";
  const char *one_sku = q->one_sku;
  const struct bmc_property *lists =
      q->enabled_only && !q->feed ? hs_property_flagged(api, BMC_PROP_LISTS)
                                  : NULL;
  struct hs_prow one, *rows = &one;
  struct hs_propbuf pb;
  struct hs_dbst *st, *ps;
  char *after = NULL;
  int64_t pid = 0, after_seq = q->since;
  size_t n, i, cap = one_sku ? 1u : HS_CATALOG_PAGE;
  int rc = BMC_OK, s = HS_DB_DONE, seen = 0;

  if(one_sku) {
    pid = hs_product_id_find(h, company_id, api, one_sku);
    if(!pid)
      return BMC_ERR_NOT_FOUND;
  }
  /* A product_get (called per SKU by plugins) needs no page. */
  else if(!(rows = calloc(HS_CATALOG_PAGE, sizeof(*rows))))
    return BMC_ERR_NOMEM;
  memset(&pb, 0, sizeof(pb));
  do {
    /* a page's rows and their property values from one snapshot (a
     * product another process changes in between is read whole, before
     * or after); nothing is open while the callback runs */
    int snap = hs_db_autocommit(h->db) && hs_exec(h, "BEGIN") == 0;

    st = hs_stmt(h, one_sku ? sql_one : q->feed ? sql_feed : sql_page);
    if(!st) {
      if(snap)
        hs_exec(h, "COMMIT");
      rc = BMC_ERR_INTERNAL;
      break;
    }
    /* the one-SKU and feed statements leave ?3/?4 (the listing filter)
     * unused */
    hs_cat_bind(st, company_id, api, lists);
    if(one_sku)
      hs_db_bind_i64(st, 5, pid);
    else {
      if(q->feed) {
        hs_db_bind_i64(st, 6, after_seq);
        hs_db_bind_i64(st, 9, q->upto);
      }
      else
        hs_bind_text(st, 6, after ? after : "");
      hs_db_bind_i64(st, 7, HS_CATALOG_PAGE);
    }
    n = 0;
    while(!rc && n < cap && (s = hs_db_step(st)) == HS_DB_ROW)
      if(!(rc = hs_prow_fill(st, &rows[n])))
        n++;
    if(!rc && n < cap && s != HS_DB_DONE) {
      hs_hostlog(h, BMC_LOG_ERROR, "catalog: %s", hs_db_errmsg(h->db));
      rc = BMC_ERR_INTERNAL;
    }
    hs_db_reset(st);
    if(!rc && n && api) {
      ps = hs_stmt(h, one_sku ? psql_one : q->feed ? psql_feed : psql_page);
      if(!ps)
        rc = BMC_ERR_INTERNAL;
      else {
        hs_cat_bind(ps, company_id, api, lists);
        if(one_sku)
          hs_db_bind_i64(ps, 5, pid);
        else if(q->feed) {
          hs_db_bind_i64(ps, 6, after_seq);
          hs_db_bind_i64(ps, 8, rows[n - 1].p.change_seq);
        }
        else {
          hs_bind_text(ps, 6, after ? after : "");
          hs_bind_text(ps, 8, rows[n - 1].p.sku);
        }
        rc = hs_page_props(h, ps, rows, n, q->feed, &pb);
      }
    }
    if(snap)
      hs_exec(h, "COMMIT");
    for(i = 0; !rc && i < n; i++) {
      seen++;
      rc = cb(ud, &rows[i].p);
    }
    free(after);
    after = NULL;
    if(q->feed && n)
      after_seq = rows[n - 1].p.change_seq;
    else if(!rc && n && !one_sku && !(after = hs_strdup(rows[n - 1].p.sku)))
      rc = BMC_ERR_NOMEM;
    for(i = 0; i < n; i++)
      free(rows[i].mem);
  } while(!rc && !one_sku && n == HS_CATALOG_PAGE);
  free(after);
  hs_propbuf_free(&pb);
  if(rows != &one)
    free(rows);
  if(!rc && one_sku && !seen)
    rc = BMC_ERR_NOT_FOUND;
  return rc;
}

int
hs_catalog_each_in(struct hs_host *h, int64_t company_id,
                   const struct bmc_plugin_api *api, int enabled_only,
                   const char *one_sku, bmc_product_cb cb, void *ud)
{
  struct hs_stream q;

  memset(&q, 0, sizeof(q));
  q.enabled_only = enabled_only;
  q.one_sku = one_sku;
  return hs_catalog_stream(h, company_id, api, &q, cb, ud);
}

int
hs_catalog_changes_in(struct hs_host *h, int64_t company_id,
                      const struct bmc_plugin_api *api, int64_t since,
                      int64_t upto, bmc_product_cb cb, void *ud)
{
  struct hs_stream q;

  memset(&q, 0, sizeof(q));
  q.feed = 1;
  q.since = since;
  q.upto = upto;
  return hs_catalog_stream(h, company_id, api, &q, cb, ud);
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
hs_product_get_for(struct hs_host *h, const char *company, const char *plugin,
                   const char *sku, bmc_product_cb cb, void *ud)
{
  const struct bmc_plugin_api *api;
  int64_t cid;

  if(!h || !company || !plugin || !sku || !cb)
    return BMC_ERR_INVALID_ARG;
  if(hs_company_find(h, company, &cid) ||
     !(api = hs_plugin_find(h, plugin)))
    return BMC_ERR_NOT_FOUND;
  return hs_catalog_each_in(h, cid, api, 0, sku, cb, ud);
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
hs_products_each_for(struct hs_host *h, const char *company,
                     const char *plugin, int enabled_only, bmc_product_cb cb,
                     void *ud)
{
  const struct bmc_plugin_api *api;
  int64_t cid;

  if(!h || !company || !plugin || !cb)
    return BMC_ERR_INVALID_ARG;
  if(hs_company_find(h, company, &cid) ||
     !(api = hs_plugin_find(h, plugin)))
    return BMC_ERR_NOT_FOUND;
  return hs_catalog_each_in(h, cid, api, enabled_only, NULL, cb, ud);
}

int
hs_products_count(struct hs_host *h, const char *company, int64_t *n)
{
  struct hs_dbst *st;
  int64_t cid;

  if(!h || !company || !n)
    return BMC_ERR_INVALID_ARG;
  if(hs_company_find(h, company, &cid))
    return BMC_ERR_NOT_FOUND;
  st = hs_stmt(h, "SELECT COUNT(*) FROM products WHERE company_id = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, cid);
  *n = hs_db_step(st) == HS_DB_ROW ? hs_db_col_i64(st, 0) : 0;
  hs_db_reset(st);
  return BMC_OK;
}

int
hs_stock_set(struct hs_host *h, const char *company, const char *sku,
             int64_t available_qty)
{
  struct hs_dbst *st;
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
  hs_db_bind_i64(st, 1, available_qty);
  hs_db_bind_i64(st, 2, hs_clock_now(h));
  hs_db_bind_i64(st, 3, cid);
  hs_bind_text(st, 4, sku);
  rc = hs_write_rc(hs_step_write(h, st));
  if(!rc && hs_db_changes(h->db) == 0)
    rc = BMC_ERR_NOT_FOUND;
  hs_db_reset(st);
  return rc;
}

