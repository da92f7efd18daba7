/*
 * hs_store.c -- the host's SQLite store: open (WAL, foreign keys, busy
 * timeout), numbered schema migrations recorded in a migrations table,
 * the prepared-statement cache and transaction helpers.
 */
#include <stdlib.h>
#include <string.h>

#include "hs_internal.h"

/* WARNING: migrations are append only.  Never edit a step that shipped;
 * add a new one.  Step n upgrades a store at version n-1 to n.  The
 * frozen historical steps (1-3) still name the channel columns products
 * had before ABI 2.0; step 4 moves them out (tests/host/test_neutral.c
 * exempts the steps between the FROZEN markers, nothing else). */
static const char *const hs_migrations[] = {
  /* BEGIN FROZEN STEPS */
  /* 1: the initial schema */
  "CREATE TABLE companies(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
  " created_ms INTEGER NOT NULL);"
  "CREATE TABLE company_plugins(company_id INTEGER NOT NULL REFERENCES"
  " companies(id) ON DELETE CASCADE, plugin TEXT NOT NULL, enabled INTEGER"
  " NOT NULL DEFAULT 0, PRIMARY KEY(company_id, plugin));"
  "CREATE TABLE settings(company_id INTEGER NOT NULL REFERENCES companies(id)"
  " ON DELETE CASCADE, plugin TEXT NOT NULL, key TEXT NOT NULL, value TEXT"
  " NOT NULL, updated_ms INTEGER NOT NULL,"
  " PRIMARY KEY(company_id, plugin, key));"
  "CREATE TABLE products(id INTEGER PRIMARY KEY, company_id INTEGER NOT NULL"
  " REFERENCES companies(id) ON DELETE CASCADE, sku TEXT NOT NULL,"
  " merchant_sku TEXT, enabled INTEGER NOT NULL DEFAULT 0, title TEXT,"
  " description TEXT, ean TEXT, image_url TEXT, category TEXT,"
  " weight_lbs TEXT, weight_oz TEXT, warranty_months INTEGER, grade TEXT,"
  " bm_product_id TEXT, price TEXT, site_price TEXT, min_price TEXT,"
  " repricing INTEGER NOT NULL DEFAULT 0, safety_qty INTEGER,"
  " max_qty INTEGER, available_qty INTEGER NOT NULL DEFAULT 0,"
  " device_type TEXT, cpu TEXT, storage_type TEXT, storage_gb INTEGER,"
  " ram_gb INTEGER, release_year INTEGER, updated_ms INTEGER,"
  " UNIQUE(company_id, sku));"
  "CREATE INDEX products_msku ON products(company_id, merchant_sku);"
  "CREATE TABLE product_props(product_id INTEGER NOT NULL REFERENCES"
  " products(id) ON DELETE CASCADE, plugin TEXT NOT NULL, key TEXT NOT NULL,"
  " value TEXT, updated_ms INTEGER NOT NULL,"
  " PRIMARY KEY(product_id, plugin, key));"
  "CREATE TABLE orders(id INTEGER PRIMARY KEY, company_id INTEGER NOT NULL"
  " REFERENCES companies(id) ON DELETE CASCADE, channel TEXT NOT NULL,"
  " source_order_id TEXT NOT NULL, marketplace TEXT NOT NULL,"
  " status TEXT NOT NULL, payment_status TEXT NOT NULL, payment_method TEXT,"
  " order_date TEXT NOT NULL, marketplace_state TEXT, currency TEXT NOT NULL,"
  " subtotal TEXT NOT NULL, shipping TEXT NOT NULL, tax TEXT NOT NULL,"
  " commission TEXT NOT NULL, refunded TEXT, grand_total TEXT NOT NULL,"
  " note TEXT, shipping_status TEXT NOT NULL DEFAULT 'Unshipped',"
  " tracking_number TEXT, carrier TEXT, ship_date TEXT,"
  " source_updated_for_shipping INTEGER NOT NULL DEFAULT 0,"
  " cancel_reported INTEGER NOT NULL DEFAULT 0, raw_xml TEXT NOT NULL,"
  " created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,"
  " UNIQUE(company_id, channel, source_order_id));"
  "CREATE INDEX orders_mkt ON orders(company_id, marketplace,"
  " source_order_id);"
  "CREATE TABLE order_lines(order_id INTEGER NOT NULL REFERENCES orders(id)"
  " ON DELETE CASCADE, line_no INTEGER NOT NULL, line_id TEXT NOT NULL,"
  " sku TEXT NOT NULL, quantity INTEGER NOT NULL, line_total TEXT NOT NULL,"
  " fee TEXT, tax TEXT, marketplace_state TEXT,"
  " shipped INTEGER NOT NULL DEFAULT 0, serials TEXT,"
  " PRIMARY KEY(order_id, line_id));"
  "CREATE TABLE settlements(id INTEGER PRIMARY KEY, company_id INTEGER NOT"
  " NULL REFERENCES companies(id) ON DELETE CASCADE, marketplace TEXT NOT"
  " NULL, settlement_id TEXT NOT NULL, period_start TEXT, period_end TEXT,"
  " payout_date TEXT, currency TEXT, sales TEXT, shipping TEXT, fees TEXT,"
  " refunds TEXT, net TEXT, raw_xml TEXT NOT NULL, imported_ms INTEGER NOT"
  " NULL, UNIQUE(company_id, marketplace, settlement_id));"
  "CREATE TABLE settlement_lines(settlement INTEGER NOT NULL REFERENCES"
  " settlements(id) ON DELETE CASCADE, seq INTEGER NOT NULL,"
  " source_order_id TEXT, line_id TEXT, type TEXT, amount TEXT, date TEXT,"
  " PRIMARY KEY(settlement, seq));"
  "CREATE TABLE jobs(id INTEGER PRIMARY KEY, company_id INTEGER NOT NULL"
  " REFERENCES companies(id) ON DELETE CASCADE, plugin TEXT NOT NULL,"
  " action TEXT NOT NULL, trigger TEXT NOT NULL, status INTEGER NOT NULL,"
  " rc INTEGER NOT NULL DEFAULT 0, pid INTEGER NOT NULL DEFAULT 0,"
  " created_ms INTEGER NOT NULL, started_ms INTEGER NOT NULL DEFAULT 0,"
  " finished_ms INTEGER NOT NULL DEFAULT 0, done INTEGER NOT NULL DEFAULT 0,"
  " total INTEGER NOT NULL DEFAULT 0,"
  " n_item_errors INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX jobs_status ON jobs(status);"
  "CREATE TABLE job_log(job_id INTEGER NOT NULL REFERENCES jobs(id) ON"
  " DELETE CASCADE, seq INTEGER NOT NULL, ts_ms INTEGER NOT NULL,"
  " level INTEGER NOT NULL, is_error INTEGER NOT NULL, text TEXT NOT NULL,"
  " PRIMARY KEY(job_id, seq));"
  "CREATE TABLE error_queue(id INTEGER PRIMARY KEY, company_id INTEGER NOT"
  " NULL REFERENCES companies(id) ON DELETE CASCADE, plugin TEXT NOT NULL,"
  " item TEXT NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL,"
  " ts_ms INTEGER NOT NULL, job_id INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE tasks(id INTEGER PRIMARY KEY, company_id INTEGER NOT NULL"
  " REFERENCES companies(id) ON DELETE CASCADE, plugin TEXT NOT NULL,"
  " action TEXT NOT NULL, interval_s INTEGER NOT NULL, enabled INTEGER NOT"
  " NULL DEFAULT 1, start_ms INTEGER NOT NULL, last_executed_ms INTEGER NOT"
  " NULL DEFAULT 0, run_count INTEGER NOT NULL DEFAULT 0,"
  " UNIQUE(company_id, plugin, action));"
  "CREATE TABLE plugin_state(company_id INTEGER NOT NULL REFERENCES"
  " companies(id) ON DELETE CASCADE, plugin TEXT NOT NULL, key TEXT NOT"
  " NULL, value BLOB NOT NULL, updated_ms INTEGER NOT NULL,"
  " PRIMARY KEY(company_id, plugin, key));",
  /* 2: error queue lookups by company and plugin */
  "CREATE INDEX error_queue_cp ON error_queue(company_id, plugin, id);",
  /* 3: order lookup by source order id across channels (CLI, support) */
  "CREATE INDEX orders_src ON orders(company_id, source_order_id);",
  /* END FROZEN STEPS */
  /* 4: product properties declared by plugins (ABI 2.0): one value per
   * (product, plugin, key, market '' = global); the values of the
   * products columns that are not the host's own, held until a plugin
   * declaring that key adopts them (hs_props_migrate_columns() moves
   * them); SKU aliases; each company's Custom Inventory Calculation */
  "CREATE TABLE product_prop_values(product_id INTEGER NOT NULL REFERENCES"
  " products(id) ON DELETE CASCADE, plugin TEXT NOT NULL, key TEXT NOT NULL,"
  " market TEXT NOT NULL DEFAULT '', value TEXT NOT NULL,"
  " updated_ms INTEGER NOT NULL, PRIMARY KEY(product_id, plugin, key,"
  " market)) WITHOUT ROWID;"
  "INSERT INTO product_prop_values SELECT product_id, plugin, key, '',"
  " value, updated_ms FROM product_props WHERE value IS NOT NULL;"
  "DROP TABLE product_props;"
  "ALTER TABLE product_prop_values RENAME TO product_props;"
  "CREATE TABLE product_props_held(product_id INTEGER NOT NULL REFERENCES"
  " products(id) ON DELETE CASCADE, col TEXT NOT NULL, value TEXT NOT NULL,"
  " PRIMARY KEY(product_id, col)) WITHOUT ROWID;"
  "CREATE TABLE product_props_adopted(plugin TEXT NOT NULL, col TEXT NOT"
  " NULL, n INTEGER NOT NULL, adopted_ms INTEGER NOT NULL,"
  " PRIMARY KEY(plugin, col));"
  "CREATE TABLE product_aliases(company_id INTEGER NOT NULL REFERENCES"
  " companies(id) ON DELETE CASCADE, plugin TEXT NOT NULL, alias TEXT NOT"
  " NULL, product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE"
  " CASCADE, PRIMARY KEY(company_id, plugin, alias, product_id))"
  " WITHOUT ROWID;"
  "CREATE INDEX product_aliases_p ON product_aliases(product_id);"
  "CREATE TABLE company_inventory_calc(company_id INTEGER PRIMARY KEY"
  " REFERENCES companies(id) ON DELETE CASCADE, spec TEXT NOT NULL,"
  " updated_ms INTEGER NOT NULL);",
};

/* Steps that also run code after their SQL (same transaction). */
static const struct {
  int version;
  int (*fn)(sqlite3 *db, char *err, size_t errlen);
} hs_migration_code[] = {
  {4, hs_props_migrate_columns},
};

#define HS_N_MIGRATIONS (sizeof(hs_migrations) / sizeof(hs_migrations[0]))

static int
hs_exec_err(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
  char *msg = NULL;

  if(sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    hs_errf(err, errlen, "store: %s", msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    return BMC_ERR_INTERNAL;
  }
  return BMC_OK;
}

static int
hs_migrate(struct hs_host *h, char *err, size_t errlen)
{
  sqlite3_stmt *st = NULL;
  int ver = 0, rc;
  size_t i;

  rc = hs_exec_err(h->db, "CREATE TABLE IF NOT EXISTS migrations("
                   "version INTEGER PRIMARY KEY, applied_ms INTEGER NOT NULL)",
                   err, errlen);
  if(rc)
    return rc;
  if(sqlite3_prepare_v2(h->db, "SELECT COALESCE(MAX(version),0) FROM"
                        " migrations", -1, &st, NULL) != SQLITE_OK) {
    hs_errf(err, errlen, "store: %s", sqlite3_errmsg(h->db));
    return BMC_ERR_INTERNAL;
  }
  if(sqlite3_step(st) == SQLITE_ROW)
    ver = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  if(ver > (int)HS_N_MIGRATIONS) {
    hs_errf(err, errlen, "store: database schema version %d is newer than "
            "this host-sim (%d); use a newer host-sim", ver,
            (int)HS_N_MIGRATIONS);
    return BMC_ERR_CONFLICT;
  }
  for(i = (size_t)ver; i < HS_N_MIGRATIONS; i++) {
    char ins[128];

    rc = hs_exec_err(h->db, "BEGIN IMMEDIATE", err, errlen);
    if(rc)
      return rc;
    rc = hs_exec_err(h->db, hs_migrations[i], err, errlen);
    for(size_t k = 0; !rc && k < sizeof(hs_migration_code) /
                                  sizeof(hs_migration_code[0]); k++)
      if(hs_migration_code[k].version == (int)i + 1)
        rc = hs_migration_code[k].fn(h->db, err, errlen);
    if(!rc) {
      snprintf(ins, sizeof(ins), "INSERT INTO migrations VALUES(%d, %lld)",
               (int)i + 1, (long long)hs_clock_now(h));
      rc = hs_exec_err(h->db, ins, err, errlen);
    }
    if(rc) {
      char tmp[HS_ERRLEN];

      snprintf(tmp, sizeof(tmp), "%s", err ? err : "");
      hs_errf(err, errlen, "migration %d: %s", (int)i + 1, tmp);
      sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
      return rc;
    }
    rc = hs_exec_err(h->db, "COMMIT", err, errlen);
    if(rc)
      return rc;
  }
  h->db_version = (int)HS_N_MIGRATIONS;
  return BMC_OK;
}

int
hs_store_open(struct hs_host *h, const char *path, int sync_full, char *err,
              size_t errlen)
{
  int rc;

  if(sqlite3_open_v2(path, &h->db, SQLITE_OPEN_READWRITE |
                     SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                     NULL) != SQLITE_OK) {
    hs_errf(err, errlen, "store %s: %s", path,
            h->db ? sqlite3_errmsg(h->db) : "out of memory");
    return BMC_ERR_INTERNAL;
  }
  sqlite3_busy_timeout(h->db, 5000);
  rc = hs_exec_err(h->db, sync_full ? "PRAGMA journal_mode=WAL; PRAGMA"
                   " foreign_keys=ON; PRAGMA synchronous=FULL;"
                   : "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"
                   " PRAGMA synchronous=NORMAL;", err, errlen);
  /* product properties make the catalog ~15 rows per product: a page
   * cache of 32 MiB keeps imports and streams off the disk */
  if(!rc)
    rc = hs_exec_err(h->db, "PRAGMA cache_size=-32768", err, errlen);
  if(!rc)
    rc = hs_migrate(h, err, errlen);
  if(rc) {
    char tmp[HS_ERRLEN];

    snprintf(tmp, sizeof(tmp), "%s", err ? err : "");
    hs_errf(err, errlen, "%s: %s", path, tmp);
  }
  return rc;
}

void
hs_store_close(struct hs_host *h)
{
  size_t i;

  for(i = 0; i < h->n_stmts; i++)
    sqlite3_finalize(h->stmts[i].st);
  h->n_stmts = 0;
  if(h->db)
    sqlite3_close(h->db);
  h->db = NULL;
}

int
hs_store_version(struct hs_host *h)
{
  return h ? h->db_version : 0;
}

sqlite3_stmt *
hs_stmt(struct hs_host *h, const char *sql)
{
  sqlite3_stmt *st = NULL;
  size_t i;

  for(i = 0; i < h->n_stmts; i++) {
    if(h->stmts[i].sql == sql) {
      sqlite3_reset(h->stmts[i].st);
      sqlite3_clear_bindings(h->stmts[i].st);
      return h->stmts[i].st;
    }
  }
  if(sqlite3_prepare_v3(h->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
                        NULL) != SQLITE_OK) {
    hs_hostlog(h, BMC_LOG_ERROR, "store: prepare failed: %s",
               sqlite3_errmsg(h->db));
    return NULL;
  }
  if(h->n_stmts < HS_STMT_CACHE) {
    h->stmts[h->n_stmts].sql = sql;
    h->stmts[h->n_stmts].st = st;
    h->n_stmts++;
  }
  else {
    /* Cache full: keep the newest by replacing the last slot. */
    sqlite3_finalize(h->stmts[HS_STMT_CACHE - 1].st);
    h->stmts[HS_STMT_CACHE - 1].sql = sql;
    h->stmts[HS_STMT_CACHE - 1].st = st;
  }
  return st;
}

int
hs_exec(struct hs_host *h, const char *sql)
{
  char err[HS_ERRLEN];

  if(hs_exec_err(h->db, sql, err, sizeof(err))) {
    hs_hostlog(h, BMC_LOG_ERROR, "%s", err);
    return BMC_ERR_INTERNAL;
  }
  return BMC_OK;
}

int
hs_begin(struct hs_host *h)
{
  return hs_exec(h, "BEGIN IMMEDIATE");
}

int
hs_commit(struct hs_host *h)
{
  return hs_exec(h, "COMMIT");
}

void
hs_rollback(struct hs_host *h)
{
  if(!sqlite3_get_autocommit(h->db))
    sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
}

int
hs_bind_text(sqlite3_stmt *st, int i, const char *s)
{
  if(!s)
    return sqlite3_bind_null(st, i);
  return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

const char *
hs_col_text(sqlite3_stmt *st, int i)
{
  return (const char *)sqlite3_column_text(st, i);
}
