/*
 * hs_store.c -- the host's SQLite store: open (file created 0600, WAL,
 * foreign keys, secure delete), numbered schema migrations recorded in a
 * migrations table, the prepared-statement cache, and write transactions
 * that take the write lock up front (BEGIN IMMEDIATE) and wait for
 * another process's lock with a bounded backoff.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "hs_internal.h"
#include "hs_schema_pg.h"

/* How long a write waits for another process's write lock in total, and
 * the longest single sleep of the backoff (1, 2, 4, ... ms plus jitter). */
#define HS_BUSY_MAX_MS 15000
#define HS_BUSY_STEP_MAX_MS 100

/* WARNING: migrations are append only.  Never edit a step that shipped;
 * add a new one.  Step n upgrades a store at version n-1 to n.  The
 * frozen historical steps (1-3) still name the channel columns products
 * had before ABI 2.0; step 8 moves them out (tests/host/test_neutral.c
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
  /* 4: web Toolbox users (Argon2id hashes), sessions (ids stored hashed)
   * and the audit of every page view and action; IF NOT EXISTS so a store
   * re-marked as older (tests/host/test_store.c) upgrades again */
  "CREATE TABLE IF NOT EXISTS users(id INTEGER PRIMARY KEY, name TEXT NOT"
  " NULL UNIQUE, role TEXT NOT NULL CHECK(role IN ('admin', 'viewer')),"
  " pw_hash TEXT NOT NULL, failed_logins INTEGER NOT NULL DEFAULT 0,"
  " locked_until_ms INTEGER NOT NULL DEFAULT 0, created_ms INTEGER NOT"
  " NULL, updated_ms INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS sessions(id_hash TEXT PRIMARY KEY, user_id"
  " INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, created_ms"
  " INTEGER NOT NULL, expires_ms INTEGER NOT NULL);"
  "CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_id);"
  "CREATE TABLE IF NOT EXISTS web_audit(id INTEGER PRIMARY KEY, ts_ms"
  " INTEGER NOT NULL, user TEXT NOT NULL, method TEXT NOT NULL, path TEXT"
  " NOT NULL, status INTEGER NOT NULL, detail TEXT);"
  "CREATE INDEX IF NOT EXISTS web_audit_user ON web_audit(user, id);"
  "CREATE INDEX IF NOT EXISTS orders_company ON orders(company_id, id);"
  /* the catalog search of the Toolbox: SKU and title, any substring of 3+
   * characters, case-insensitive (FTS5 trigram index kept by triggers) */
  "CREATE VIRTUAL TABLE IF NOT EXISTS products_fts USING fts5(sku, title,"
  " content = 'products', content_rowid = 'id', tokenize = 'trigram');"
  "CREATE TRIGGER IF NOT EXISTS products_fts_ins AFTER INSERT ON products"
  " BEGIN INSERT INTO products_fts(rowid, sku, title) VALUES(new.id, new.sku,"
  " new.title); END;"
  "CREATE TRIGGER IF NOT EXISTS products_fts_del AFTER DELETE ON products"
  " BEGIN INSERT INTO products_fts(products_fts, rowid, sku, title)"
  " VALUES('delete', old.id, old.sku, old.title); END;"
  "CREATE TRIGGER IF NOT EXISTS products_fts_upd AFTER UPDATE OF sku, title"
  " ON products WHEN old.sku IS NOT new.sku OR old.title IS NOT new.title"
  " BEGIN"
  " INSERT INTO products_fts(products_fts, rowid, sku, title)"
  " VALUES('delete', old.id, old.sku, old.title);"
  " INSERT INTO products_fts(rowid, sku, title) VALUES(new.id, new.sku,"
  " new.title); END;"
  "INSERT INTO products_fts(products_fts) VALUES('rebuild');",
  /* 5: the operator resolves an error-queue entry with a note */
  "ALTER TABLE error_queue ADD COLUMN resolved_ms INTEGER NOT NULL"
  " DEFAULT 0;"
  "ALTER TABLE error_queue ADD COLUMN resolved_note TEXT;",
  /* 6 (one scheduler per store): the scheduler holding the store. */
  ("CREATE TABLE scheduler_lease(id INTEGER PRIMARY KEY CHECK(id = 1),"
   " pid INTEGER NOT NULL, nonce TEXT NOT NULL, since_ms INTEGER NOT"
   " NULL);"),
  /* 7 (secrets at rest): which setting values are sealed with the store
   * key, and the fingerprint of that key (hs_secret.c).  Values stored
   * in clear before are sealed when their plugin is registered. */
  "ALTER TABLE settings ADD COLUMN encrypted INTEGER NOT NULL DEFAULT 0;"
  "CREATE TABLE store_key(id INTEGER PRIMARY KEY CHECK(id = 1),"
  " fingerprint TEXT NOT NULL, updated_ms INTEGER NOT NULL);",
  /* 8: product properties declared by plugins (ABI 2.0): one value per
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
  /* 9 (linear order import): the orders each scoped query can answer
   * (hs_order_query.c), so a run costs the open or unreported orders, not
   * every order the company ever had.  WARNING: each WHERE is the query's
   * own text; SQLite uses a partial index only for a query that repeats
   * its terms. */
  "CREATE INDEX IF NOT EXISTS orders_open ON orders(company_id,"
  " marketplace, id) WHERE shipping_status = 'Unshipped' AND status NOT IN"
  " ('Cancelled', 'Completed');"
  "CREATE INDEX IF NOT EXISTS orders_ship_unreported ON orders(company_id,"
  " marketplace, id) WHERE shipping_status != 'Unshipped' AND status !="
  " 'Cancelled' AND source_updated_for_shipping = 0;"
  "CREATE INDEX IF NOT EXISTS orders_cancel_unreported ON orders(company_id,"
  " marketplace, id) WHERE status = 'Cancelled' AND cancel_reported = 0;",
  /* 10 (web run queue): actions requested on the web Toolbox wait here for
   * a worker, so a restart of `host-sim web` still runs them (hs_runq.c);
   * claim_pid: the process starting it (0 = free; a dead one's claim is
   * dropped) */
  "CREATE TABLE IF NOT EXISTS web_runs(id INTEGER PRIMARY KEY, company TEXT"
  " NOT NULL, plugin TEXT NOT NULL, action TEXT NOT NULL, retry_of INTEGER"
  " NOT NULL DEFAULT 0, user TEXT NOT NULL, submitted_ms INTEGER NOT NULL,"
  " state INTEGER NOT NULL DEFAULT 0, claim_pid INTEGER NOT NULL DEFAULT 0,"
  " job_id INTEGER NOT NULL DEFAULT 0, msg TEXT);"
  "CREATE INDEX IF NOT EXISTS web_runs_waiting ON web_runs(state, id);",
  /* 11 (health and credentials): a secret's rotation (the pending and
   * previous values are sealed rows "<key>:pending" / "<key>:previous" of
   * settings, re-sealed with the others); company-level alerts (one open
   * alert per code, with its error-queue entry); the metrics plugins
   * record per market (a time series, pruned by hs_metric.c) */
  "CREATE TABLE credential_rotation(company_id INTEGER NOT NULL REFERENCES"
  " companies(id) ON DELETE CASCADE, plugin TEXT NOT NULL, state TEXT NOT"
  " NULL, staged_ms INTEGER NOT NULL, checked_ms INTEGER NOT NULL DEFAULT"
  " 0, swapped_ms INTEGER NOT NULL DEFAULT 0, retired_ms INTEGER NOT NULL"
  " DEFAULT 0, job_id INTEGER NOT NULL DEFAULT 0, reason TEXT,"
  " PRIMARY KEY(company_id, plugin));"
  "CREATE TABLE company_alerts(id INTEGER PRIMARY KEY, company_id INTEGER"
  " NOT NULL REFERENCES companies(id) ON DELETE CASCADE, plugin TEXT NOT"
  " NULL, code TEXT NOT NULL, message TEXT NOT NULL, raised_ms INTEGER NOT"
  " NULL, job_id INTEGER NOT NULL, error_id INTEGER NOT NULL, cleared_ms"
  " INTEGER NOT NULL DEFAULT 0, cleared_job INTEGER NOT NULL DEFAULT 0);"
  "CREATE UNIQUE INDEX company_alerts_open ON company_alerts(company_id,"
  " plugin, code) WHERE cleared_ms = 0;"
  "CREATE TABLE metrics(company_id INTEGER NOT NULL REFERENCES"
  " companies(id) ON DELETE CASCADE, plugin TEXT NOT NULL, market TEXT NOT"
  " NULL, name TEXT NOT NULL, ts_ms INTEGER NOT NULL, value REAL NOT NULL,"
  " job_id INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX metrics_series ON metrics(company_id, plugin, name, market,"
  " ts_ms);"
  "CREATE INDEX metrics_ts ON metrics(ts_ms);"
  /* dispatch deadlines (hs_deadline.c): the plugin's deadline of each
   * order, what the host flagged (1 due soon, 2 late), the warning time
   * per company */
  "ALTER TABLE orders ADD COLUMN dispatch_deadline_ms INTEGER NOT NULL"
  " DEFAULT 0;"
  "ALTER TABLE orders ADD COLUMN dispatch_flag INTEGER NOT NULL DEFAULT 0;"
  "CREATE INDEX orders_dispatch ON orders(dispatch_deadline_ms) WHERE"
  " dispatch_deadline_ms > 0 AND shipping_status = 'Unshipped' AND status"
  " NOT IN ('Cancelled', 'Completed');"
  "CREATE TABLE company_dispatch(company_id INTEGER PRIMARY KEY REFERENCES"
  " companies(id) ON DELETE CASCADE, warn_ms INTEGER NOT NULL);",
  /* 12 (change feed, ABI 2.1): every product change numbered by a
   * per-company sequence, kept by triggers in the transaction of the
   * change (hs_feed.c): the product's generic columns, and the property
   * values users and imports write (hs_feed_counts() leaves out the
   * plugin-owned ones); an inventory calculation change bumps resync.
   * epoch names the feed (hs_feed_reset() after a restore). */
  "ALTER TABLE products ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;"
  "CREATE INDEX products_feed ON products(company_id, change_seq);"
  "CREATE TABLE feed_heads(company_id INTEGER PRIMARY KEY REFERENCES"
  " companies(id) ON DELETE CASCADE, seq INTEGER NOT NULL DEFAULT 0,"
  " epoch TEXT NOT NULL, resync INTEGER NOT NULL DEFAULT 0);"
  "INSERT INTO feed_heads(company_id, epoch) SELECT id,"
  " lower(hex(randomblob(8))) FROM companies;"
  "CREATE TRIGGER feed_company AFTER INSERT ON companies BEGIN"
  " INSERT OR IGNORE INTO feed_heads(company_id, epoch) VALUES(new.id,"
  " lower(hex(randomblob(8)))); END;"
  "CREATE TRIGGER feed_product_ins AFTER INSERT ON products BEGIN"
  " UPDATE feed_heads SET seq = seq + 1 WHERE company_id = new.company_id;"
  " UPDATE products SET change_seq = (SELECT seq FROM feed_heads WHERE"
  " company_id = new.company_id) WHERE id = new.id; END;"
  "CREATE TRIGGER feed_product_upd AFTER UPDATE OF sku, title, description,"
  " ean, image_url, weight_lbs, weight_oz, site_price, available_qty,"
  " device_type, cpu, storage_type, storage_gb, ram_gb, release_year ON"
  " products WHEN old.sku IS NOT new.sku OR old.title IS NOT new.title OR"
  " old.description IS NOT new.description OR old.ean IS NOT new.ean OR"
  " old.image_url IS NOT new.image_url OR old.weight_lbs IS NOT"
  " new.weight_lbs OR old.weight_oz IS NOT new.weight_oz OR old.site_price"
  " IS NOT new.site_price OR old.available_qty IS NOT new.available_qty OR"
  " old.device_type IS NOT new.device_type OR old.cpu IS NOT new.cpu OR"
  " old.storage_type IS NOT new.storage_type OR old.storage_gb IS NOT"
  " new.storage_gb OR old.ram_gb IS NOT new.ram_gb OR old.release_year IS"
  " NOT new.release_year BEGIN"
  " UPDATE feed_heads SET seq = seq + 1 WHERE company_id = new.company_id;"
  " UPDATE products SET change_seq = (SELECT seq FROM feed_heads WHERE"
  " company_id = new.company_id) WHERE id = new.id; END;"
  "CREATE TRIGGER feed_prop_ins AFTER INSERT ON product_props WHEN"
  " hs_feed_counts(new.plugin, new.key) BEGIN"
  " UPDATE feed_heads SET seq = seq + 1 WHERE company_id = (SELECT"
  " company_id FROM products WHERE id = new.product_id);"
  " UPDATE products SET change_seq = (SELECT f.seq FROM feed_heads f WHERE"
  " f.company_id = products.company_id) WHERE id = new.product_id; END;"
  "CREATE TRIGGER feed_prop_upd AFTER UPDATE OF value ON product_props WHEN"
  " old.value IS NOT new.value AND hs_feed_counts(new.plugin, new.key) BEGIN"
  " UPDATE feed_heads SET seq = seq + 1 WHERE company_id = (SELECT"
  " company_id FROM products WHERE id = new.product_id);"
  " UPDATE products SET change_seq = (SELECT f.seq FROM feed_heads f WHERE"
  " f.company_id = products.company_id) WHERE id = new.product_id; END;"
  "CREATE TRIGGER feed_prop_del AFTER DELETE ON product_props WHEN"
  " hs_feed_counts(old.plugin, old.key) BEGIN"
  " UPDATE feed_heads SET seq = seq + 1 WHERE company_id = (SELECT"
  " company_id FROM products WHERE id = old.product_id);"
  " UPDATE products SET change_seq = (SELECT f.seq FROM feed_heads f WHERE"
  " f.company_id = products.company_id) WHERE id = old.product_id; END;"
  "CREATE TRIGGER feed_calc_ins AFTER INSERT ON company_inventory_calc BEGIN"
  " UPDATE feed_heads SET resync = resync + 1 WHERE company_id ="
  " new.company_id; END;"
  "CREATE TRIGGER feed_calc_upd AFTER UPDATE ON company_inventory_calc"
  " WHEN old.spec IS NOT new.spec BEGIN UPDATE feed_heads SET resync ="
  " resync + 1 WHERE company_id = new.company_id; END;"
  "CREATE TRIGGER feed_calc_del AFTER DELETE ON company_inventory_calc BEGIN"
  " UPDATE feed_heads SET resync = resync + 1 WHERE company_id ="
  " old.company_id; END;",
  /* 13 (audit and dry run, ABI 2.1): the change audit trail (every change
   * a plugin's write gate sent, or in a dry run would send; job_id is not
   * a reference: rows outlive the job log), host-owned company settings
   * (dry_run switch, audit_retention_days) and which jobs were dry runs */
  "CREATE TABLE change_audit(id INTEGER PRIMARY KEY, ts_ms INTEGER NOT NULL,"
  " company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,"
  " plugin TEXT NOT NULL, job_id INTEGER NOT NULL DEFAULT 0, trigger TEXT"
  " NOT NULL, dry_run INTEGER NOT NULL DEFAULT 0, sku TEXT, market TEXT,"
  " order_id TEXT, line TEXT, field TEXT NOT NULL, old_value TEXT,"
  " new_value TEXT, request_id TEXT, result TEXT NOT NULL, detail TEXT);"
  "CREATE INDEX change_audit_ts ON change_audit(company_id, ts_ms);"
  "CREATE INDEX change_audit_sku ON change_audit(company_id, sku, ts_ms);"
  "CREATE INDEX change_audit_order ON change_audit(company_id, order_id,"
  " ts_ms);"
  "CREATE INDEX change_audit_job ON change_audit(job_id);"
  "CREATE TABLE company_host_settings(company_id INTEGER NOT NULL"
  " REFERENCES companies(id) ON DELETE CASCADE, key TEXT NOT NULL, value"
  " TEXT NOT NULL, updated_ms INTEGER NOT NULL, PRIMARY KEY(company_id,"
  " key));"
  "ALTER TABLE jobs ADD COLUMN dry_run INTEGER NOT NULL DEFAULT 0;",
  /* 14 (one store for SQLite and PostgreSQL): the keys each plugin
   * declares PLUGIN_OWNED as data (hs_feed_owned_record() fills it when
   * the plugin is loaded); the property triggers of migration 12 consult
   * it instead of calling back into the process, so the plugin's own
   * writes stay out of the feed whichever process makes them. */
  "CREATE TABLE plugin_owned_props(plugin TEXT NOT NULL, key TEXT NOT"
  " NULL, PRIMARY KEY(plugin, key));"
  "DROP TRIGGER feed_prop_ins;"
  "DROP TRIGGER feed_prop_upd;"
  "DROP TRIGGER feed_prop_del;"
  "CREATE TRIGGER feed_prop_ins AFTER INSERT ON product_props WHEN NOT"
  " EXISTS (SELECT 1 FROM plugin_owned_props o WHERE o.plugin = new.plugin"
  " AND o.key = new.key) BEGIN"
  " UPDATE feed_heads SET seq = seq + 1 WHERE company_id = (SELECT"
  " company_id FROM products WHERE id = new.product_id);"
  " UPDATE products SET change_seq = (SELECT f.seq FROM feed_heads f WHERE"
  " f.company_id = products.company_id) WHERE id = new.product_id; END;"
  "CREATE TRIGGER feed_prop_upd AFTER UPDATE OF value ON product_props WHEN"
  " old.value IS NOT new.value AND NOT EXISTS (SELECT 1 FROM"
  " plugin_owned_props o WHERE o.plugin = new.plugin AND o.key = new.key)"
  " BEGIN"
  " UPDATE feed_heads SET seq = seq + 1 WHERE company_id = (SELECT"
  " company_id FROM products WHERE id = new.product_id);"
  " UPDATE products SET change_seq = (SELECT f.seq FROM feed_heads f WHERE"
  " f.company_id = products.company_id) WHERE id = new.product_id; END;"
  "CREATE TRIGGER feed_prop_del AFTER DELETE ON product_props WHEN NOT"
  " EXISTS (SELECT 1 FROM plugin_owned_props o WHERE o.plugin = old.plugin"
  " AND o.key = old.key) BEGIN"
  " UPDATE feed_heads SET seq = seq + 1 WHERE company_id = (SELECT"
  " company_id FROM products WHERE id = old.product_id);"
  " UPDATE products SET change_seq = (SELECT f.seq FROM feed_heads f WHERE"
  " f.company_id = products.company_id) WHERE id = old.product_id; END;",
  /* 15: plugin state keyed by its primary key alone (WITHOUT ROWID): a
   * read or write is one B-tree search instead of the key's index and
   * then the row (a plugin's state is millions of small rows at 1M SKUs) */
  "CREATE TABLE plugin_state_new(company_id INTEGER NOT NULL REFERENCES"
  " companies(id) ON DELETE CASCADE, plugin TEXT NOT NULL, key TEXT NOT"
  " NULL, value BLOB NOT NULL, updated_ms INTEGER NOT NULL,"
  " PRIMARY KEY(company_id, plugin, key)) WITHOUT ROWID;"
  "INSERT INTO plugin_state_new SELECT company_id, plugin, key, value,"
  " updated_ms FROM plugin_state;"
  "DROP TABLE plugin_state;"
  "ALTER TABLE plugin_state_new RENAME TO plugin_state;",
  /* 16 (scheduler workers, hs_worker.c): a task's lease -- the worker
   * holding it (hostname:pid:nonce), until when, and the fencing token
   * each claim raises; the index finds the due, unleased tasks */
  "ALTER TABLE tasks ADD COLUMN lease_owner TEXT;"
  "ALTER TABLE tasks ADD COLUMN lease_until_ms INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE tasks ADD COLUMN lease_token INTEGER NOT NULL DEFAULT 0;"
  "CREATE INDEX tasks_lease ON tasks(company_id, plugin, lease_until_ms);",
};

/* Steps that also run code after their SQL (same transaction). */
static const struct {
  int version;
  int (*fn)(struct hs_db *db, char *err, size_t errlen);
} hs_migration_code[] = {
  {8, hs_props_migrate_columns},
};

#define HS_N_MIGRATIONS (sizeof(hs_migrations) / sizeof(hs_migrations[0]))
_Static_assert(HS_SCHEMA_PG_VERSION == HS_N_MIGRATIONS, "a new migration "
               "needs its PostgreSQL text: update hs_schema_pg.c to it and "
               "raise HS_SCHEMA_PG_VERSION");

void
hs_store_fail(struct hs_host *h, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  if(vsnprintf(h->last_err, sizeof(h->last_err), fmt, ap) < 0)
    h->last_err[0] = '\0';
  va_end(ap);
  hs_hostlog(h, BMC_LOG_ERROR, "%s", h->last_err);
}

const char *
hs_last_error(struct hs_host *h)
{
  return h ? h->last_err : "";
}

static int64_t
hs_mono_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
hs_sleep_ms(int64_t ms)
{
  struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};

  while(nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
}

/* Sleep before the next attempt n (0-based) of a busy wait: 1, 2, 4 ...
 * ms up to HS_BUSY_STEP_MAX_MS, plus up to half of that as jitter so two
 * waiting processes do not retry in step. */
static void
hs_backoff(int n)
{
  int64_t d = n < 7 ? (int64_t)1 << n : HS_BUSY_STEP_MAX_MS;

  if(d > HS_BUSY_STEP_MAX_MS)
    d = HS_BUSY_STEP_MAX_MS;
  hs_sleep_ms(d + randombytes_uniform((uint32_t)(d / 2 + 1)));
}

/* SQLite's busy handler: another connection holds the lock we need. */
static int
hs_busy_cb(void *ud, int count)
{
  struct hs_host *h = ud;

  if(count == 0)
    h->busy_since_ms = hs_mono_ms();
  if(hs_mono_ms() - h->busy_since_ms >= HS_BUSY_MAX_MS)
    return 0;
  hs_backoff(count);
  return 1;
}

static int
hs_is_busy(int rc)
{
  return rc == HS_DB_BUSY;
}

static int
hs_exec_err(struct hs_db *db, const char *sql, char *err, size_t errlen)
{
  if(hs_db_exec(db, sql) != HS_DB_OK) {
    hs_errf(err, errlen, "store: %s", hs_db_errmsg(db));
    return BMC_ERR_INTERNAL;
  }
  return BMC_OK;
}

/* BEGIN IMMEDIATE, waiting for another process's write lock (the busy
 * handler) and retrying a busy answer the handler is not asked about
 * (this connection already reading) until HS_BUSY_MAX_MS. */
static int
hs_begin_immediate(struct hs_host *h, char *err, size_t errlen)
{
  int64_t start = hs_mono_ms();
  int rc, n = 0;

  for(;;) {
    /* prepared once (hs_stmt): a write transaction is often one row */
    /* SQLite: the write lock now, not at the first write */
    struct hs_dbst *st = hs_stmt(h, hs_db_backend(h->db) == HS_DB_SQLITE
                                    ? "BEGIN IMMEDIATE" : "BEGIN");

    if(!st)
      rc = HS_DB_NOMEM;
    else {
      rc = hs_db_step(st);
      hs_db_reset(st);
      if(rc == HS_DB_DONE)
        return BMC_OK;
    }
    if(!hs_is_busy(rc) || hs_mono_ms() - start >= HS_BUSY_MAX_MS)
      break;
    hs_backoff(n++);
  }
  if(hs_is_busy(rc))
    hs_errf(err, errlen, "store is busy: another process has held its "
            "write lock for more than %d s (%s); try again", HS_BUSY_MAX_MS
            / 1000, hs_db_errmsg(h->db));
  else
    hs_errf(err, errlen, "store: cannot start a write: %s",
            hs_db_errmsg(h->db));
  return hs_is_busy(rc) ? BMC_ERR_CONFLICT : BMC_ERR_INTERNAL;
}

/* The version recorded in the migrations table (0 for a new store). */
static int
hs_recorded_version(struct hs_db *db, int *ver)
{
  struct hs_dbst *st = NULL;

  *ver = 0;
  if(hs_db_prepare(db, "SELECT COALESCE(MAX(version),0) FROM"
                   " migrations", &st) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  if(hs_db_step(st) == HS_DB_ROW)
    *ver = (int)hs_db_col_i64(st, 0);
  hs_db_finalize(st);
  return BMC_OK;
}

/* Each step in its own write transaction that reads the version first,
 * so two processes opening a new store at once apply every step once. */
static int
hs_migrate(struct hs_host *h, char *err, size_t errlen)
{
  int ver = 0, rc;

  for(;;) {
    char ins[128];

    rc = hs_begin_immediate(h, err, errlen);
    if(rc)
      return rc;
    rc = hs_exec_err(h->db, "CREATE TABLE IF NOT EXISTS migrations("
                     "version INTEGER PRIMARY KEY, applied_ms INTEGER NOT"
                     " NULL)", err, errlen);
    if(!rc && hs_recorded_version(h->db, &ver)) {
      hs_errf(err, errlen, "store: %s", hs_db_errmsg(h->db));
      rc = BMC_ERR_INTERNAL;
    }
    if(!rc && ver > (int)HS_N_MIGRATIONS) {
      hs_errf(err, errlen, "store: database schema version %d is newer "
              "than this host-sim (%d); use a newer host-sim", ver,
              (int)HS_N_MIGRATIONS);
      rc = BMC_ERR_CONFLICT;
    }
    if(rc || ver == (int)HS_N_MIGRATIONS) {
      hs_db_exec(h->db, rc ? "ROLLBACK" : "COMMIT");
      break;
    }
    rc = hs_exec_err(h->db, hs_migrations[ver], err, errlen);
    for(size_t k = 0; !rc && k < sizeof(hs_migration_code) /
                                  sizeof(hs_migration_code[0]); k++)
      if(hs_migration_code[k].version == ver + 1)
        rc = hs_migration_code[k].fn(h->db, err, errlen);
    if(!rc) {
      snprintf(ins, sizeof(ins), "INSERT INTO migrations VALUES(%d, %lld)",
               ver + 1, (long long)hs_clock_now(h));
      rc = hs_exec_err(h->db, ins, err, errlen);
    }
    if(rc) {
      char tmp[HS_ERRLEN];

      snprintf(tmp, sizeof(tmp), "%s", err ? err : "");
      hs_errf(err, errlen, "migration %d: %s", ver + 1, tmp);
      hs_db_exec(h->db, "ROLLBACK");
      return rc;
    }
    rc = hs_exec_err(h->db, "COMMIT", err, errlen);
    if(rc)
      return rc;
  }
  if(!rc)
    h->db_version = (int)HS_N_MIGRATIONS;
  return rc;
}

/* Take group and other access away from one store file we own. */
static int
hs_store_private(const char *path, int must_exist, char *err,
                 size_t errlen)
{
  struct stat sb;

  if(lstat(path, &sb) != 0) {
    if(errno == ENOENT && !must_exist)
      return BMC_OK;
    hs_errf(err, errlen, "store %s: %s", path, strerror(errno));
    return BMC_ERR_INTERNAL;
  }
  if(S_ISLNK(sb.st_mode) && stat(path, &sb) != 0) {
    hs_errf(err, errlen, "store %s: %s", path, strerror(errno));
    return BMC_ERR_INTERNAL;
  }
  if(!S_ISREG(sb.st_mode)) {
    hs_errf(err, errlen, "store %s: not a regular file", path);
    return BMC_ERR_CONFIG;
  }
  if((sb.st_mode & 077) && sb.st_uid == geteuid() &&
     chmod(path, sb.st_mode & 0700) != 0) {
    hs_errf(err, errlen, "store %s: cannot make it private (chmod 600): %s",
            path, strerror(errno));
    return BMC_ERR_INTERNAL;
  }
  return BMC_OK;
}

/* Create the store file 0600 before SQLite opens it (SQLite gives its
 * -wal and -shm files the mode of the database file); an existing store
 * of ours, and its -wal/-shm, lose group and other access. */
static int
hs_store_file(const char *path, char *err, size_t errlen)
{
  static const char *const side[] = {"-wal", "-shm"};
  char p[4096];
  size_t i;
  int fd, rc;

  fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if(fd >= 0) {
    close(fd);
    return BMC_OK;
  }
  if(errno != EEXIST) {
    hs_errf(err, errlen, "store %s: cannot create it: %s", path,
            strerror(errno));
    return BMC_ERR_INTERNAL;
  }
  rc = hs_store_private(path, 1, err, errlen);
  for(i = 0; !rc && i < sizeof(side) / sizeof(side[0]); i++) {
    if((size_t)snprintf(p, sizeof(p), "%s%s", path, side[i]) >= sizeof(p)) {
      hs_errf(err, errlen, "store %s: path too long", path);
      return BMC_ERR_INVALID_ARG;
    }
    rc = hs_store_private(p, 0, err, errlen);
  }
  return rc;
}

int
hs_store_open(struct hs_host *h, const char *path, int sync_full, char *err,
              size_t errlen)
{
  int sqlite = hs_db_backend_of(path) == HS_DB_SQLITE, rc = BMC_OK;

  if(sqlite && strcmp(path, ":memory:") != 0)
    rc = hs_store_file(path, err, errlen);
  if(rc)
    return rc;
  if(hs_db_open(path, HS_DB_OPEN_CREATE, &h->db, err, errlen) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  if(!sqlite)
    return hs_store_pg_migrate(h, err, errlen);
  hs_db_sqlite_busy_handler(h->db, hs_busy_cb, h);
  /* secure_delete: a replaced or deleted value (a secret sealed on
   * upgrade, a rotated key's ciphertext) is zeroed, not left in a free
   * page of the file. */
  rc = hs_exec_err(h->db, sync_full ? "PRAGMA journal_mode=WAL; PRAGMA"
                   " foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA"
                   " secure_delete=ON;"
                   : "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"
                   " PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;",
                   err, errlen);
  /* product properties make the catalog ~15 rows per product: a page
   * cache of 32 MiB keeps imports and streams off the disk */
  if(!rc)
    rc = hs_exec_err(h->db, "PRAGMA cache_size=-32768", err, errlen);
  /* a store file is read through a memory map (up to SQLite's limit, 2
   * GiB on Debian): a page outside the cache is then a memory read from
   * the OS's page cache, not a read() and a copy; at 1M SKUs the cycle's
   * pages are scattered over the whole file */
  if(!rc && strcmp(path, ":memory:") != 0)
    rc = hs_exec_err(h->db, "PRAGMA mmap_size=2147418112", err, errlen);
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

  for(i = 0; i < h->cap_stmts; i++)
    if(h->stmts[i].st)
      hs_db_finalize(h->stmts[i].st);
  free(h->stmts);
  h->stmts = NULL;
  h->n_stmts = h->cap_stmts = 0;
  if(h->db)
    hs_db_close(h->db);
  h->db = NULL;
}

int
hs_store_version(struct hs_host *h)
{
  return h ? h->db_version : 0;
}

/* Slot of sql in a table of cap (a power of two) slots: its own or the
 * empty one where it belongs. */
static struct hs_stmt_slot *
hs_stmt_slot(struct hs_stmt_slot *t, size_t cap, const char *sql)
{
  size_t i = ((uintptr_t)sql >> 4) * UINT64_C(0x9e3779b97f4a7c15) &
             (cap - 1);

  while(t[i].sql && t[i].sql != sql)
    i = (i + 1) & (cap - 1);
  return &t[i];
}

static int
hs_stmt_grow(struct hs_host *h)
{
  size_t cap = h->cap_stmts ? h->cap_stmts * 2 : 128, i;
  struct hs_stmt_slot *t = calloc(cap, sizeof(*t));

  if(!t)
    return -1;
  for(i = 0; i < h->cap_stmts; i++)
    if(h->stmts[i].sql)
      *hs_stmt_slot(t, cap, h->stmts[i].sql) = h->stmts[i];
  free(h->stmts);
  h->stmts = t;
  h->cap_stmts = cap;
  return 0;
}

/* WARNING: sql must be a string with static storage (a literal): the cache
 * is keyed by its address, and a statement stays cached (and is reset
 * here) for the life of the store, so a caller may keep stepping it while
 * other statements are prepared. */
struct hs_dbst *
hs_stmt(struct hs_host *h, const char *sql)
{
  struct hs_stmt_slot *slot;
  struct hs_dbst *st = NULL;

  if(h->cap_stmts) {
    slot = hs_stmt_slot(h->stmts, h->cap_stmts, sql);
    if(slot->sql) {
      hs_db_reset(slot->st);
      hs_db_clear_bindings(slot->st);
      return slot->st;
    }
  }
  if((h->n_stmts + 1) * 2 > h->cap_stmts && hs_stmt_grow(h)) {
    hs_hostlog(h, BMC_LOG_ERROR, "store: out of memory");
    return NULL;
  }
  if(hs_db_prepare(h->db, sql, &st) != HS_DB_OK) {
    hs_hostlog(h, BMC_LOG_ERROR, "store: prepare failed: %s",
               hs_db_errmsg(h->db));
    return NULL;
  }
  slot = hs_stmt_slot(h->stmts, h->cap_stmts, sql);
  slot->sql = sql;
  slot->st = st;
  h->n_stmts++;
  return st;
}

int
hs_exec(struct hs_host *h, const char *sql)
{
  char err[HS_ERRLEN];

  if(hs_exec_err(h->db, sql, err, sizeof(err))) {
    hs_store_fail(h, "%s", err);
    return BMC_ERR_INTERNAL;
  }
  return BMC_OK;
}

int
hs_begin(struct hs_host *h)
{
  char err[HS_ERRLEN];
  int rc = hs_begin_immediate(h, err, sizeof(err));

  if(rc)
    hs_store_fail(h, "%s", err);
  return rc;
}

int
hs_commit(struct hs_host *h)
{
  struct hs_dbst *st = hs_stmt(h, "COMMIT");
  int rc;

  if(!st)
    return BMC_ERR_INTERNAL;
  rc = hs_db_step(st);
  hs_db_reset(st);
  if(rc != HS_DB_DONE) {
    hs_store_fail(h, "store: commit failed: %s", hs_db_errmsg(h->db));
    return BMC_ERR_INTERNAL;
  }
  return BMC_OK;
}

void
hs_rollback(struct hs_host *h)
{
  if(!hs_db_autocommit(h->db))
    hs_db_exec(h->db, "ROLLBACK");
}

int
hs_finish(struct hs_host *h, int rc)
{
  if(rc == BMC_OK)
    return hs_commit(h);
  hs_rollback(h);
  return rc;
}

/* Step a write statement in the caller's transaction or its own; id
 * non-NULL: an INSERT ... RETURNING id whose row gives *id. */
static int
hs_step_run(struct hs_host *h, struct hs_dbst *st, int64_t *id)
{
  int own = hs_db_autocommit(h->db), rc;

  if(own && hs_begin(h))
    return HS_DB_BUSY;
  rc = hs_db_step(st);
  if(id && rc == HS_DB_ROW) {
    *id = hs_db_col_i64(st, 0);
    rc = hs_db_step(st);
  }
  else if(id && rc == HS_DB_DONE) {
    hs_store_fail(h, "store: write failed: the insert returned no id");
    rc = HS_DB_ERROR;
  }
  else if(rc != HS_DB_DONE)
    hs_store_fail(h, "store: write failed: %s", hs_db_errmsg(h->db));
  if(rc != HS_DB_DONE) {
    if(own) {
      hs_db_reset(st);
      hs_rollback(h);
    }
    return rc;
  }
  return own && hs_commit(h) ? HS_DB_ERROR : HS_DB_DONE;
}

int
hs_step_write(struct hs_host *h, struct hs_dbst *st)
{
  return hs_step_run(h, st, NULL);
}

int
hs_step_insert(struct hs_host *h, struct hs_dbst *st, int64_t *id)
{
  return hs_step_run(h, st, id);
}

int
hs_write_rc(int step_rc)
{
  if(step_rc == HS_DB_DONE)
    return BMC_OK;
  return hs_is_busy(step_rc) ? BMC_ERR_CONFLICT : BMC_ERR_INTERNAL;
}

int
hs_bind_text(struct hs_dbst *st, int i, const char *s)
{
  if(!s)
    return hs_db_bind_null(st, i);
  return hs_db_bind_text(st, i, s);
}

int
hs_bind_textn(struct hs_dbst *st, int i, const char *s, size_t n)
{
  char *z = malloc(n + 1);
  int rc;

  if(!z)
    return HS_DB_NOMEM;
  memcpy(z, s, n);
  z[n] = '\0';
  rc = hs_db_bind_text(st, i, z);
  free(z);
  return rc;
}

const char *
hs_col_text(struct hs_dbst *st, int i)
{
  return hs_db_col_text(st, i);
}
