/*
 * hs_export.c -- Bulk Update CSV export of a company's catalog: the host's
 * own columns, then every loaded plugin's properties that users may write
 * (the global column, and "<Column>_<market>" for each declared market some
 * product holds a value for), one row per product in SKU order, streamed
 * (two cursors, never the whole catalog in memory), written with the CSV
 * writer of plugin/common to a temporary file renamed into place.  The
 * file imports back to the same catalog (hs_import.c reads it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_internal.h"
#include "pc_csv.h"

struct hs_xcol {
  const struct hs_csv_col *host;      /* host column, or */
  const struct bmc_plugin_api *api;   /* a property of a plugin */
  const struct bmc_property *prop;
  char market[24];
};

struct hs_xport {
  struct hs_xcol *cols;
  size_t n, cap;
};

static int
hs_xcol_add(struct hs_xport *x, const struct hs_csv_col *host,
            const struct bmc_plugin_api *api, const struct bmc_property *p,
            const char *market, size_t mlen)
{
  struct hs_xcol *nc;

  if(x->n == x->cap) {
    x->cap = x->cap ? x->cap * 2 : 64;
    nc = realloc(x->cols, x->cap * sizeof(*nc));
    if(!nc)
      return BMC_ERR_NOMEM;
    x->cols = nc;
  }
  memset(&x->cols[x->n], 0, sizeof(x->cols[0]));
  x->cols[x->n].host = host;
  x->cols[x->n].api = api;
  x->cols[x->n].prop = p;
  if(market && mlen < sizeof(x->cols[0].market))
    memcpy(x->cols[x->n].market, market, mlen);
  x->n++;
  return BMC_OK;
}

/* The (plugin, key, market) triples some product of the company holds a
 * per-market value for, as "\nplugin\tkey\tmarket\n..." lines (one pass
 * over the company's values; the text starts with a line break).  *out
 * malloc'd. */
static int
hs_markets_used(struct hs_host *h, int64_t cid, char **out)
{
  struct hs_dbst *st = NULL;
  size_t len = 0, cap = 1024, need;
  char *buf = malloc(cap), *nb;
  int rc = BMC_OK;

  *out = NULL;
  if(!buf)
    return BMC_ERR_NOMEM;
  buf[0] = '\n';
  buf[1] = '\0';
  len = 1;
  if(hs_db_prepare(h->db, "SELECT DISTINCT pp.plugin, pp.key, pp.market"
                   " FROM products p JOIN product_props pp ON"
                   " pp.product_id = p.id WHERE p.company_id = ? AND"
                   " pp.market <> ''", &st) != HS_DB_OK) {
    free(buf);
    return BMC_ERR_INTERNAL;
  }
  hs_db_bind_i64(st, 1, cid);
  while(rc == BMC_OK && hs_db_step(st) == HS_DB_ROW) {
    need = strlen(hs_col_text(st, 0)) + strlen(hs_col_text(st, 1)) +
           strlen(hs_col_text(st, 2)) + 4;
    if(len + need >= cap) {
      while(len + need >= cap)
        cap *= 2;
      nb = realloc(buf, cap);
      if(!nb) {
        rc = BMC_ERR_NOMEM;
        break;
      }
      buf = nb;
    }
    len += (size_t)snprintf(buf + len, cap - len, "%s\t%s\t%s\n",
                            hs_col_text(st, 0), hs_col_text(st, 1),
                            hs_col_text(st, 2));
  }
  hs_db_finalize(st);
  if(rc) {
    free(buf);
    return rc;
  }
  *out = buf;
  return BMC_OK;
}

/* 1 when used (from hs_markets_used) holds (plugin, key, market). */
static int
hs_market_used(const char *used, const char *plugin, const char *key,
               const char *market, size_t mlen)
{
  char line[256];

  snprintf(line, sizeof(line), "\n%s\t%s\t%.*s\n", plugin, key, (int)mlen,
           market);
  return strstr(used, line) != NULL;
}

static int
hs_xport_columns(struct hs_host *h, int64_t cid, struct hs_xport *x)
{
  const struct hs_csv_col *hc;
  const char *m, *bar;
  char *used = NULL;
  size_t n, i, j;
  int rc = hs_markets_used(h, cid, &used);

  if(rc)
    return rc;
  hc = hs_import_host_cols(&n);
  for(i = 0; rc == BMC_OK && i < n; i++)
    rc = hs_xcol_add(x, &hc[i], NULL, NULL, NULL, 0);
  for(i = 0; rc == BMC_OK && i < h->n_plugs; i++) {
    const struct bmc_plugin_api *api = h->plugs[i].api;

    for(j = 0; rc == BMC_OK && j < api->n_properties; j++) {
      const struct bmc_property *p = &api->properties[j];

      if(!p->column || (p->flags & BMC_PROP_PLUGIN_OWNED))
        continue;
      rc = hs_xcol_add(x, NULL, api, p, NULL, 0);
      if(!(p->flags & BMC_PROP_PER_MARKET))
        continue;
      for(m = api->markets; rc == BMC_OK && m && *m; m = bar ? bar + 1 : 0) {
        bar = strchr(m, '|');
        n = bar ? (size_t)(bar - m) : strlen(m);
        if(hs_market_used(used, api->name, p->key, m, n))
          rc = hs_xcol_add(x, NULL, api, p, m, n);
      }
    }
  }
  free(used);
  return rc;
}

static int
hs_xport_header(const struct hs_xport *x, struct pc_csv *csv)
{
  char col[128];
  size_t i;
  int rc = BMC_OK;

  for(i = 0; rc == BMC_OK && i < x->n; i++) {
    const struct hs_xcol *c = &x->cols[i];

    if(c->host) {
      rc = pc_csv_field(csv, c->host->header);
      continue;
    }
    hs_property_column(c->prop, col, sizeof(col));
    rc = c->market[0] ? pc_csv_fieldf(csv, "%s_%s", col, c->market)
                      : pc_csv_field(csv, col);
  }
  return rc ? rc : pc_csv_end_row(csv);
}

/* Column of a stored value, or -1 (plugin-owned or not exported). */
static long
hs_xport_find(const struct hs_xport *x, const char *plugin, const char *key,
              const char *market)
{
  size_t i;

  for(i = 0; i < x->n; i++)
    if(x->cols[i].prop && !strcmp(x->cols[i].prop->key, key) &&
       !strcmp(x->cols[i].market, market) &&
       !strcmp(x->cols[i].api->name, plugin))
      return (long)i;
  return -1;
}

static int
hs_xport_rows(struct hs_host *h, int64_t cid, const struct hs_xport *x,
              FILE *f, struct pc_csv *csv, int64_t *rows)
{
  struct hs_dbst *ps = NULL, *pp = NULL;
  const struct hs_csv_col *hc;
  char **cell = calloc(x->n, sizeof(*cell));
  size_t nh, i;
  int rc = BMC_OK, s, ps_s;

  hc = hs_import_host_cols(&nh);
  if(!cell)
    return BMC_ERR_NOMEM;
  /* host columns are 0..nh-1 of x, in hs_import_host_cols() order */
  {
    char sql[1024];
    size_t len = (size_t)snprintf(sql, sizeof(sql), "SELECT p.id");

    for(i = 0; i < nh; i++)
      len += (size_t)snprintf(sql + len, sizeof(sql) - len, ", p.%s",
                              hc[i].column);
    snprintf(sql + len, sizeof(sql) - len, " FROM products p WHERE"
             " p.company_id = ? ORDER BY p.sku");
    if(hs_db_prepare(h->db, sql, &ps) != HS_DB_OK ||
       hs_db_prepare(h->db, "SELECT pp.product_id, pp.plugin, pp.key,"
                     " pp.market, pp.value FROM products p JOIN"
                     " product_props pp ON pp.product_id = p.id WHERE"
                     " p.company_id = ? ORDER BY p.sku, pp.plugin,"
                     " pp.key, pp.market", &pp) != HS_DB_OK) {
      rc = BMC_ERR_INTERNAL;
      goto out;
    }
  }
  hs_db_bind_i64(ps, 1, cid);
  hs_db_bind_i64(pp, 1, cid);
  ps_s = hs_db_step(pp);
  while(rc == BMC_OK && (s = hs_db_step(ps)) == HS_DB_ROW) {
    int64_t id = hs_db_col_i64(ps, 0);

    for(i = 0; i < x->n; i++) {
      free(cell[i]);
      cell[i] = NULL;
    }
    for(i = 0; i < nh; i++)
      if(hs_db_col_type(ps, (int)i + 1) != HS_DB_T_NULL &&
         !(cell[i] = hs_strdup(hs_col_text(ps, (int)i + 1))))
        rc = BMC_ERR_NOMEM;
    while(rc == BMC_OK && ps_s == HS_DB_ROW &&
          hs_db_col_i64(pp, 0) == id) {
      long k = hs_xport_find(x, hs_col_text(pp, 1), hs_col_text(pp, 2),
                             hs_col_text(pp, 3));

      if(k >= 0 && !(cell[k] = hs_strdup(hs_col_text(pp, 4))))
        rc = BMC_ERR_NOMEM;
      ps_s = hs_db_step(pp);
    }
    pc_csv_reset(csv);
    for(i = 0; rc == BMC_OK && i < x->n; i++)
      rc = pc_csv_field(csv, cell[i]);
    if(rc == BMC_OK)
      rc = pc_csv_end_row(csv);
    if(rc == BMC_OK &&
       fwrite(pc_csv_text(csv), 1, pc_csv_len(csv), f) != pc_csv_len(csv))
      rc = BMC_ERR_INTERNAL;
    if(rc == BMC_OK)
      (*rows)++;
  }
out:
  for(i = 0; i < x->n; i++)
    free(cell[i]);
  free(cell);
  hs_db_finalize(ps);
  hs_db_finalize(pp);
  return rc;
}

int
hs_products_export_csv(struct hs_host *h, const char *company,
                       const char *path, int64_t *rows, char *err,
                       size_t errlen)
{
  struct hs_xport x;
  struct pc_csv csv;
  char tmp[1100];
  int64_t n = 0;
  int64_t cid;
  FILE *f = NULL;
  int rc, said = 0;

  if(rows)
    *rows = 0;
  if(!h || !company || !path) {
    hs_errf(err, errlen, "export: missing company or file");
    return BMC_ERR_INVALID_ARG;
  }
  if(hs_company_find(h, company, &cid)) {
    hs_errf(err, errlen, "company '%s' does not exist", company);
    return BMC_ERR_NOT_FOUND;
  }
  memset(&x, 0, sizeof(x));
  pc_csv_init(&csv, ',', '"', 0);
  csv.eol = "\r\n";
  snprintf(tmp, sizeof(tmp), "%s.tmp", path);
  rc = hs_xport_columns(h, cid, &x);
  if(rc == BMC_OK && !(f = fopen(tmp, "w"))) {
    hs_errf(err, errlen, "%s: %s", tmp, strerror(errno));
    rc = BMC_ERR_NOT_FOUND;
    said = 1;
  }
  if(rc == BMC_OK && (rc = hs_xport_header(&x, &csv)) == BMC_OK &&
     fwrite(pc_csv_text(&csv), 1, pc_csv_len(&csv), f) != pc_csv_len(&csv))
    rc = BMC_ERR_INTERNAL;
  if(rc == BMC_OK)
    rc = hs_xport_rows(h, cid, &x, f, &csv, &n);
  if(f && fclose(f) && rc == BMC_OK)
    rc = BMC_ERR_INTERNAL;
  if(rc == BMC_OK && rename(tmp, path)) {
    hs_errf(err, errlen, "%s: %s", path, strerror(errno));
    rc = BMC_ERR_INTERNAL;
    said = 1;
  }
  if(rc != BMC_OK) {
    if(f)
      remove(tmp);
    if(!said)
      hs_errf(err, errlen, "%s: export failed (%s)", path, hs_rc_name(rc));
  }
  if(rows)
    *rows = n;
  pc_csv_free(&csv);
  free(x.cols);
  return rc;
}
