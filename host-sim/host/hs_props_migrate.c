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

/* Run sql built from a column name (quoted as an identifier). */
static int
hs_mig_exec(sqlite3 *db, const char *fmt, const char *col, char *err,
            size_t errlen)
{
  char *sql = sqlite3_mprintf(fmt, col, col, col);
  char *msg = NULL;
  int rc = BMC_OK;

  if(!sql) {
    hs_errf(err, errlen, "store: out of memory");
    return BMC_ERR_NOMEM;
  }
  if(sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    hs_errf(err, errlen, "store: moving products.%s: %s", col,
            msg ? msg : sqlite3_errmsg(db));
    rc = BMC_ERR_INTERNAL;
  }
  sqlite3_free(msg);
  sqlite3_free(sql);
  return rc;
}

/* Drop every index of products that covers column col. */
static int
hs_mig_drop_indexes(sqlite3 *db, const char *col, char *err, size_t errlen)
{
  sqlite3_stmt *st = NULL;
  char names[16][128];
  int n = 0, i, rc = BMC_OK;

  if(sqlite3_prepare_v2(db, "SELECT DISTINCT m.name FROM sqlite_master m,"
                        " pragma_index_info(m.name) ii WHERE m.type ="
                        " 'index' AND m.tbl_name = 'products' AND m.sql IS"
                        " NOT NULL AND ii.name = ?", -1, &st, NULL) !=
     SQLITE_OK) {
    hs_errf(err, errlen, "store: %s", sqlite3_errmsg(db));
    return BMC_ERR_INTERNAL;
  }
  sqlite3_bind_text(st, 1, col, -1, SQLITE_TRANSIENT);
  while(n < 16 && sqlite3_step(st) == SQLITE_ROW)
    snprintf(names[n++], sizeof(names[0]), "%s",
             (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  for(i = 0; i < n && rc == BMC_OK; i++)
    rc = hs_mig_exec(db, "DROP INDEX \"%w\"", names[i], err, errlen);
  return rc;
}

int
hs_props_migrate_columns(sqlite3 *db, char *err, size_t errlen)
{
  sqlite3_stmt *st = NULL;
  char cols[64][64];
  int n = 0, i, rc = BMC_OK;

  if(sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info('products')"
                        " ORDER BY cid", -1, &st, NULL) != SQLITE_OK) {
    hs_errf(err, errlen, "store: %s", sqlite3_errmsg(db));
    return BMC_ERR_INTERNAL;
  }
  while(sqlite3_step(st) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(st, 0);

    if(!name || hs_col_generic(name))
      continue;
    if(n == 64 || strlen(name) >= sizeof(cols[0])) {
      sqlite3_finalize(st);
      hs_errf(err, errlen, "store: products has more or longer columns "
              "than the migration handles (%s)", name);
      return BMC_ERR_INTERNAL;
    }
    snprintf(cols[n++], sizeof(cols[0]), "%s", name);
  }
  sqlite3_finalize(st);
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
