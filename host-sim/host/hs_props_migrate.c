/*
 * hs_props_migrate.c -- moves the channel columns out of products (store
 * migration 4, ABI 2.0), without naming them: every column of products
 * that is not one of the host's own (found with PRAGMA table_info) has its
 * non-NULL values copied into product_props_held(product_id, col, value)
 * and is dropped (indexes on it first).  hs_props_adopt() later turns held
 * values into the property values of a plugin that declares that key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_internal.h"

/* The host's generic product columns: everything else is channel data. */
static const char *const hs_generic_cols[] = {
  "id", "company_id", "sku", "title", "description", "ean", "image_url",
  "weight_lbs", "weight_oz", "site_price", "available_qty", "device_type",
  "cpu", "storage_type", "storage_gb", "ram_gb", "release_year",
  "updated_ms",
};

static int
hs_col_generic(const char *name)
{
  size_t i;

  for(i = 0; i < sizeof(hs_generic_cols) / sizeof(hs_generic_cols[0]); i++)
    if(!strcmp(hs_generic_cols[i], name))
      return 1;
  return 0;
}

/* fmt with each %w replaced by col quoted for inside "..." (an
 * identifier) and each %Q by col as a '...' string; 0 or -1 (too long). */
static int
hs_mig_sql(char *out, size_t outlen, const char *fmt, const char *col)
{
  size_t n = 0;

  for(; *fmt; fmt++) {
    if(fmt[0] == '%' && (fmt[1] == 'w' || fmt[1] == 'Q')) {
      char q = fmt[1] == 'w' ? '"' : '\'';
      const char *c;

      if(q == '\'' && n < outlen)
        out[n++] = q;
      for(c = col; *c && n + 2 < outlen; c++) {
        if(*c == q)
          out[n++] = q;
        out[n++] = *c;
      }
      if(*c)
        return -1;
      if(q == '\'' && n < outlen)
        out[n++] = q;
      fmt++;
    }
    else if(n < outlen)
      out[n++] = *fmt;
  }
  if(n >= outlen)
    return -1;
  out[n] = '\0';
  return 0;
}

/* Run sql built from a column name (see hs_mig_sql). */
static int
hs_mig_exec(struct hs_db *db, const char *fmt, const char *col, char *err,
            size_t errlen)
{
  char sql[1024];

  if(hs_mig_sql(sql, sizeof(sql), fmt, col)) {
    hs_errf(err, errlen, "store: moving products.%s: column name too long",
            col);
    return BMC_ERR_INTERNAL;
  }
  if(hs_db_exec(db, sql) != HS_DB_OK) {
    hs_errf(err, errlen, "store: moving products.%s: %s", col,
            hs_db_errmsg(db));
    return BMC_ERR_INTERNAL;
  }
  return BMC_OK;
}

/* Drop every index of products that covers column col. */
static int
hs_mig_drop_indexes(struct hs_db *db, const char *col, char *err,
                    size_t errlen)
{
  struct hs_dbst *st = NULL;
  char names[16][128];
  int n = 0, i, rc = BMC_OK;

  if(hs_db_prepare(db, "SELECT DISTINCT m.name FROM sqlite_master m,"
                   " pragma_index_info(m.name) ii WHERE m.type ="
                   " 'index' AND m.tbl_name = 'products' AND m.sql IS"
                   " NOT NULL AND ii.name = ?", &st) !=
     HS_DB_OK) {
    hs_errf(err, errlen, "store: %s", hs_db_errmsg(db));
    return BMC_ERR_INTERNAL;
  }
  hs_db_bind_text(st, 1, col);
  while(n < 16 && hs_db_step(st) == HS_DB_ROW)
    snprintf(names[n++], sizeof(names[0]), "%s",
             hs_db_col_text(st, 0));
  hs_db_finalize(st);
  for(i = 0; i < n && rc == BMC_OK; i++)
    rc = hs_mig_exec(db, "DROP INDEX \"%w\"", names[i], err, errlen);
  return rc;
}

int
hs_props_migrate_columns(struct hs_db *db, char *err, size_t errlen)
{
  struct hs_dbst *st = NULL;
  char cols[64][64];
  int n = 0, i, rc = BMC_OK;

  if(hs_db_prepare(db, "SELECT name FROM pragma_table_info('products')"
                   " ORDER BY cid", &st) != HS_DB_OK) {
    hs_errf(err, errlen, "store: %s", hs_db_errmsg(db));
    return BMC_ERR_INTERNAL;
  }
  while(hs_db_step(st) == HS_DB_ROW) {
    const char *name = hs_db_col_text(st, 0);

    if(!name || hs_col_generic(name))
      continue;
    if(n == 64 || strlen(name) >= sizeof(cols[0])) {
      hs_db_finalize(st);
      hs_errf(err, errlen, "store: products has more or longer columns "
              "than the migration handles (%s)", name);
      return BMC_ERR_INTERNAL;
    }
    snprintf(cols[n++], sizeof(cols[0]), "%s", name);
  }
  hs_db_finalize(st);
  for(i = 0; i < n && rc == BMC_OK; i++) {
    /* %w quotes the identifier, %Q the column name as a string */
    rc = hs_mig_exec(db, "INSERT INTO product_props_held(product_id, col,"
                     " value) SELECT id, %Q, CAST(\"%w\" AS TEXT) FROM"
                     " products WHERE \"%w\" IS NOT NULL", cols[i], err,
                     errlen);
    if(rc == BMC_OK)
      rc = hs_mig_drop_indexes(db, cols[i], err, errlen);
    if(rc == BMC_OK)
      rc = hs_mig_exec(db, "ALTER TABLE products DROP COLUMN \"%w\"",
                       cols[i], err, errlen);
  }
  return rc;
}
