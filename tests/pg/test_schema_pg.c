/*
 * test_schema_pg.c -- the store's PostgreSQL schema (hs_schema_pg.c) on
 * the throwaway server: it applies in one transaction; it has every
 * table of the SQLite store that hs_host_open creates today, with the
 * same columns in the same order, the same NOT NULLs and the matching
 * types (INTEGER -> bigint, BLOB -> bytea, REAL -> double precision), and
 * every SQLite index; it is at the same migration version (a new SQLite
 * migration without its PostgreSQL text fails here).  The change feed's
 * triggers number the same changes SQLite's do, the catalog search finds
 * a substring of a SKU or title through the trigram indexes, ids are
 * generated, and the CHECKs hold.
 */
#define _GNU_SOURCE
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <CUnit/Basic.h>

#include "cu_main.h"
#include "hs_db.h"
#include "hs_host.h"
#include "hs_schema_pg.h"
#include "th_pg_target.h"

/* mkdtemp's template, spelled so no marker grep mistakes it */
#define MKTEMP_SUFFIX "XX" "XX" "XX"

static struct hs_db *g_db;

static void
run(const char *sql)
{
  int rc = hs_db_exec(g_db, sql);

  if(rc != HS_DB_OK)
    fprintf(stderr, "exec failed (%d): %s\n  %s\n", rc, hs_db_errmsg(g_db),
            sql);
  CU_ASSERT_EQUAL_FATAL(rc, HS_DB_OK);
}

/* The one integer sql (one text parameter p, or none) selects. */
static int64_t
scalar(const char *sql, const char *p)
{
  struct hs_dbst *st = NULL;
  int64_t v = -1;

  if(hs_db_prepare(g_db, sql, &st) != HS_DB_OK)
    fprintf(stderr, "prepare failed: %s\n  %s\n", hs_db_errmsg(g_db), sql);
  CU_ASSERT_PTR_NOT_NULL_FATAL(st);
  if(p)
    CU_ASSERT_EQUAL(hs_db_bind_text(st, 1, p), HS_DB_OK);
  if(hs_db_step(st) == HS_DB_ROW)
    v = hs_db_col_i64(st, 0);
  hs_db_finalize(st);
  return v;
}

/* ---- the same tables, columns and indexes as SQLite's store ---- */

/* The PostgreSQL type a SQLite declared type becomes. */
static const char *
pg_type_of(const char *decl)
{
  if(!strcasecmp(decl, "INTEGER"))
    return "bigint";
  if(!strcasecmp(decl, "TEXT"))
    return "text";
  if(!strcasecmp(decl, "BLOB"))
    return "bytea";
  if(!strcasecmp(decl, "REAL"))
    return "double precision";
  return decl;
}

/* Column cid of table on PostgreSQL: name, data type, nullable. */
static int
pg_column(const char *table, int pos, char *name, size_t nl, char *type,
          size_t tl, int *notnull)
{
  struct hs_dbst *st = NULL;
  int found = 0;

  CU_ASSERT_EQUAL_FATAL(hs_db_prepare(g_db, "SELECT column_name, data_type,"
    " is_nullable FROM information_schema.columns WHERE table_schema ="
    " current_schema() AND table_name = ? AND ordinal_position = ?", &st),
    HS_DB_OK);
  hs_db_bind_text(st, 1, table);
  hs_db_bind_i64(st, 2, pos);
  if(hs_db_step(st) == HS_DB_ROW) {
    snprintf(name, nl, "%s", hs_db_col_text(st, 0));
    snprintf(type, tl, "%s", hs_db_col_text(st, 1));
    *notnull = !strcmp(hs_db_col_text(st, 2), "NO");
    found = 1;
  }
  hs_db_finalize(st);
  return found;
}

static void
compare_table(sqlite3 *sq, const char *table, int *columns)
{
  char sql[200], name[128], type[64];
  sqlite3_stmt *st;
  int pos = 0, notnull;

  snprintf(sql, sizeof(sql), "PRAGMA table_info(\"%s\")", table);
  CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(sq, sql, -1, &st, NULL),
                        SQLITE_OK);
  while(sqlite3_step(st) == SQLITE_ROW) {
    const char *col = (const char *)sqlite3_column_text(st, 1);
    const char *decl = (const char *)sqlite3_column_text(st, 2);
    int sq_notnull = sqlite3_column_int(st, 3) || sqlite3_column_int(st, 5);

    pos++;
    if(!pg_column(table, pos, name, sizeof(name), type, sizeof(type),
                  &notnull)) {
      fprintf(stderr, "%s.%s (column %d): missing on PostgreSQL\n", table,
              col, pos);
      CU_FAIL("a SQLite column is missing on PostgreSQL");
      continue;
    }
    if(strcmp(name, col) || strcmp(type, pg_type_of(decl)) ||
       notnull != sq_notnull) {
      fprintf(stderr, "%s column %d: SQLite %s %s%s, PostgreSQL %s %s%s\n",
              table, pos, col, decl, sq_notnull ? " NOT NULL" : "", name,
              type, notnull ? " NOT NULL" : "");
      CU_FAIL("a column differs between SQLite and PostgreSQL");
    }
    (*columns)++;
  }
  sqlite3_finalize(st);
  /* and no column more on PostgreSQL */
  CU_ASSERT_FALSE(pg_column(table, pos + 1, name, sizeof(name), type,
                            sizeof(type), &notnull));
}

static void
test_same_schema_as_sqlite(void)
{
  char dir[] = "/tmp/bmc-schema-" MKTEMP_SUFFIX;
  char path[200], err[512], cmd[260];
  struct hs_options o;
  struct hs_host *h = NULL;
  sqlite3 *sq = NULL;
  sqlite3_stmt *st;
  int tables = 0, columns = 0, indexes = 0, owned_table = 0;

  CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
  snprintf(path, sizeof(path), "%s/store.db", dir);
  memset(&o, 0, sizeof(o));
  o.db_path = path;
  o.schema_dir = BMC_SCHEMA_DIR;
  o.virtual_clock = 1;
  if(hs_host_open(&o, &h, err, sizeof(err)) != 0)
    fprintf(stderr, "hs_host_open: %s\n", err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  if(hs_store_version(h) != HS_SCHEMA_PG_VERSION)
    fprintf(stderr, "the SQLite store is at migration %d, the PostgreSQL "
            "schema (hs_schema_pg.c) at %d: write the new migrations' "
            "PostgreSQL text and set HS_SCHEMA_PG_VERSION\n",
            hs_store_version(h), HS_SCHEMA_PG_VERSION);
  CU_ASSERT_EQUAL(hs_store_version(h), HS_SCHEMA_PG_VERSION);
  hs_host_close(h);

  CU_ASSERT_EQUAL_FATAL(sqlite3_open_v2(path, &sq, SQLITE_OPEN_READONLY,
                                        NULL), SQLITE_OK);
  /* Tables (not FTS5's: the trigram indexes replace them). */
  CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(sq, "SELECT name FROM"
    " sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    " AND name NOT LIKE 'products_fts%' ORDER BY name", -1, &st, NULL),
    SQLITE_OK);
  while(sqlite3_step(st) == SQLITE_ROW) {
    const char *t = (const char *)sqlite3_column_text(st, 0);

    if(scalar("SELECT COUNT(*) FROM information_schema.tables WHERE"
              " table_schema = current_schema() AND table_name = ?", t) != 1) {
      fprintf(stderr, "table %s: missing on PostgreSQL\n", t);
      CU_FAIL("a SQLite table is missing on PostgreSQL");
      continue;
    }
    compare_table(sq, t, &columns);
    owned_table |= !strcmp(t, "plugin_owned_props");
    tables++;
  }
  sqlite3_finalize(st);
  /* Named indexes (not the ones SQLite makes for UNIQUE / PRIMARY KEY). */
  CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(sq, "SELECT name FROM"
    " sqlite_master WHERE type = 'index' AND sql IS NOT NULL", -1, &st,
    NULL), SQLITE_OK);
  while(sqlite3_step(st) == SQLITE_ROW) {
    const char *ix = (const char *)sqlite3_column_text(st, 0);

    if(scalar("SELECT COUNT(*) FROM pg_indexes WHERE schemaname ="
              " current_schema() AND indexname = ?", ix) != 1) {
      fprintf(stderr, "index %s: missing on PostgreSQL\n", ix);
      CU_FAIL("a SQLite index is missing on PostgreSQL");
    }
    indexes++;
  }
  sqlite3_finalize(st);
  sqlite3_close(sq);
  printf("compared %d tables, %d columns, %d indexes\n", tables, columns,
         indexes);
  CU_ASSERT(tables >= 30);
  CU_ASSERT(indexes >= 20);
  /* PostgreSQL has no table SQLite lacks, but migration 14's
   * plugin_owned_props before SQLite has it. */
  CU_ASSERT_EQUAL(scalar("SELECT COUNT(*) FROM information_schema.tables"
                         " WHERE table_schema = current_schema()", NULL),
                  tables + !owned_table);
  /* nor an index more but the two trigram ones (constraints' aside) */
  CU_ASSERT_EQUAL(scalar("SELECT COUNT(*) FROM pg_indexes WHERE schemaname"
                         " = current_schema() AND indexname NOT LIKE"
                         " '%\\_pkey' AND indexname NOT LIKE '%\\_key'",
                         NULL), indexes + 2);
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  CU_ASSERT_EQUAL(system(cmd), 0);
}

/* ---- behaviour ---- */

static int64_t g_cid;

static int64_t
new_company(const char *name)
{
  struct hs_dbst *st = NULL;
  int64_t id = 0;

  CU_ASSERT_EQUAL_FATAL(hs_db_prepare(g_db, "INSERT INTO companies(name,"
    " created_ms) VALUES(?, 0) RETURNING id", &st), HS_DB_OK);
  hs_db_bind_text(st, 1, name);
  CU_ASSERT_EQUAL_FATAL(hs_db_step(st), HS_DB_ROW);
  id = hs_db_col_i64(st, 0);
  hs_db_finalize(st);
  return id;
}

static int64_t
feed_seq(void)
{
  char sql[100];

  snprintf(sql, sizeof(sql), "SELECT seq FROM feed_heads WHERE company_id ="
           " %lld", (long long)g_cid);
  return scalar(sql, NULL);
}

static int64_t
product_seq(const char *sku)
{
  return scalar("SELECT change_seq FROM products WHERE sku = ?", sku);
}

static void
test_feed_triggers(void)
{
  char sql[300];

  g_cid = new_company("feed co");
  CU_ASSERT(g_cid >= 1);
  CU_ASSERT(new_company("second co") > g_cid); /* generated ids */
  /* The company's feed head, with a 16-hex-digit epoch. */
  CU_ASSERT_EQUAL(feed_seq(), 0);
  CU_ASSERT_EQUAL(scalar("SELECT COUNT(*) FROM feed_heads WHERE epoch ~"
                         " '^[0-9a-f]{16}$'", NULL), 2);
  snprintf(sql, sizeof(sql), "INSERT INTO products(company_id, sku, title)"
           " VALUES(%lld, 'SKU-1', 'Phone'), (%lld, 'SKU-2', 'Tablet')",
           (long long)g_cid, (long long)g_cid);
  run(sql);
  CU_ASSERT_EQUAL(feed_seq(), 2);
  CU_ASSERT_EQUAL(product_seq("SKU-1"), 1);
  CU_ASSERT_EQUAL(product_seq("SKU-2"), 2);
  run("UPDATE products SET title = 'Phone X' WHERE sku = 'SKU-1'");
  CU_ASSERT_EQUAL(product_seq("SKU-1"), 3);
  run("UPDATE products SET title = 'Phone X' WHERE sku = 'SKU-1'");
  run("UPDATE products SET updated_ms = 5 WHERE sku = 'SKU-1'");
  CU_ASSERT_EQUAL(feed_seq(), 3); /* unchanged, or not a feed column */
  run("UPDATE products SET available_qty = 4 WHERE sku = 'SKU-2'");
  CU_ASSERT_EQUAL(product_seq("SKU-2"), 4);

  /* Property values: a user's counts, the plugin-owned ones do not. */
  run("INSERT INTO plugin_owned_props(plugin, key) VALUES('p', 'listing_id')");
  run("INSERT INTO product_props(product_id, plugin, key, value, updated_ms)"
      " SELECT id, 'p', 'listing_id', 'L1', 0 FROM products WHERE sku ="
      " 'SKU-1'");
  CU_ASSERT_EQUAL(feed_seq(), 4);
  run("INSERT INTO product_props(product_id, plugin, key, value, updated_ms)"
      " SELECT id, 'p', 'grade_note', 'fine', 0 FROM products WHERE sku ="
      " 'SKU-1'");
  CU_ASSERT_EQUAL(feed_seq(), 5);
  CU_ASSERT_EQUAL(product_seq("SKU-1"), 5);
  run("UPDATE product_props SET value = 'fine' WHERE key = 'grade_note'");
  CU_ASSERT_EQUAL(feed_seq(), 5);
  run("UPDATE product_props SET value = 'worn' WHERE key = 'grade_note'");
  CU_ASSERT_EQUAL(feed_seq(), 6);
  run("UPDATE product_props SET value = 'L2' WHERE key = 'listing_id'");
  CU_ASSERT_EQUAL(feed_seq(), 6);
  run("DELETE FROM product_props WHERE key = 'grade_note'");
  CU_ASSERT_EQUAL(feed_seq(), 7);

  /* The inventory calculation bumps resync. */
  snprintf(sql, sizeof(sql), "INSERT INTO company_inventory_calc(company_id,"
           " spec, updated_ms) VALUES(%lld, 'a', 0)", (long long)g_cid);
  run(sql);
  run("UPDATE company_inventory_calc SET spec = 'a'");
  run("UPDATE company_inventory_calc SET spec = 'b'");
  run("DELETE FROM company_inventory_calc");
  snprintf(sql, sizeof(sql), "SELECT resync FROM feed_heads WHERE company_id"
           " = %lld", (long long)g_cid);
  CU_ASSERT_EQUAL(scalar(sql, NULL), 3);
  CU_ASSERT_EQUAL(feed_seq(), 7);
}

static void
test_trigram_search(void)
{
  struct hs_dbst *st = NULL;
  char sql[300], plan[2000] = "";

  snprintf(sql, sizeof(sql), "INSERT INTO products(company_id, sku, title)"
           " SELECT %lld, 'GEN-' || g, 'Laptop model ' || g FROM"
           " generate_series(1, 2000) g", (long long)g_cid);
  run(sql);
  run("INSERT INTO products(company_id, sku, title) SELECT id, 'IPH-13-BLU',"
      " 'Apple iPhone 13 Blue' FROM companies WHERE name = 'second co'");
  run("ANALYZE products");
  CU_ASSERT_EQUAL(hs_db_prepare(g_db, "SELECT COUNT(*) FROM products WHERE"
    " sku ILIKE CAST(? AS TEXT) OR title ILIKE CAST(? AS TEXT)", &st),
    HS_DB_OK);
  hs_db_bind_text(st, 1, "%13-b%");
  hs_db_bind_text(st, 2, "%IPHONE 13%");
  CU_ASSERT_EQUAL_FATAL(hs_db_step(st), HS_DB_ROW);
  CU_ASSERT_EQUAL(hs_db_col_i64(st, 0), 1);
  hs_db_finalize(st);
  /* The plan of a substring search uses the trigram indexes. */
  run("SET enable_seqscan = off");
  CU_ASSERT_EQUAL_FATAL(hs_db_prepare(g_db, "EXPLAIN SELECT id FROM products"
    " WHERE sku ILIKE '%hone%' OR title ILIKE '%hone%'", &st), HS_DB_OK);
  while(hs_db_step(st) == HS_DB_ROW)
    strncat(plan, hs_db_col_text(st, 0), sizeof(plan) - strlen(plan) - 1);
  hs_db_finalize(st);
  run("RESET enable_seqscan");
  CU_ASSERT_PTR_NOT_NULL(strstr(plan, "products_sku_trgm"));
  CU_ASSERT_PTR_NOT_NULL(strstr(plan, "products_title_trgm"));
}

static void
test_checks_hold(void)
{
  CU_ASSERT_EQUAL(hs_db_exec(g_db, "INSERT INTO users(name, role, pw_hash,"
                  " created_ms, updated_ms) VALUES('a', 'root', 'x', 0, 0)"),
                  HS_DB_CONSTRAINT);
  CU_ASSERT_EQUAL(hs_db_exec(g_db, "INSERT INTO scheduler_lease(id, pid,"
                  " nonce, since_ms) VALUES(2, 1, 'n', 0)"), HS_DB_CONSTRAINT);
  CU_ASSERT_EQUAL(hs_db_exec(g_db, "INSERT INTO companies(name, created_ms)"
                  " VALUES('feed co', 0)"), HS_DB_CONSTRAINT);
  /* A blob with NUL bytes in plugin_state.value. */
  {
    struct hs_dbst *st = NULL;

    CU_ASSERT_EQUAL_FATAL(hs_db_prepare(g_db, "INSERT INTO plugin_state("
      "company_id, plugin, key, value, updated_ms) VALUES(?, 'p', 'k', ?, 0)",
      &st), HS_DB_OK);
    hs_db_bind_i64(st, 1, g_cid);
    hs_db_bind_blob(st, 2, "a\0b", 3);
    CU_ASSERT_EQUAL(hs_db_step(st), HS_DB_DONE);
    hs_db_finalize(st);
    CU_ASSERT_EQUAL(scalar("SELECT length(value) FROM plugin_state", NULL), 3);
  }
  /* ON DELETE CASCADE: a company takes its rows with it. */
  run("DELETE FROM companies WHERE name = 'feed co'");
  CU_ASSERT_EQUAL(scalar("SELECT COUNT(*) FROM plugin_state", NULL), 0);
  CU_ASSERT_EQUAL(scalar("SELECT COUNT(*) FROM feed_heads", NULL), 1);
}

/* ---- setup ---- */

static char g_uri[1024];

static int
suite_open(void)
{
  char err[512];

  if(hs_db_open(g_uri, 0, &g_db, err, sizeof(err)) != HS_DB_OK) {
    fprintf(stderr, "test_schema_pg: %s\n", err);
    return 1;
  }
  /* A schema of its own, applied in one transaction. */
  if(hs_db_exec(g_db, "DROP SCHEMA IF EXISTS hs_schema_test CASCADE;"
                      " CREATE SCHEMA hs_schema_test;"
                      " SET search_path TO hs_schema_test, public") ||
     hs_db_exec(g_db, "BEGIN") || hs_db_exec(g_db, hs_schema_pg_text()) ||
     hs_db_exec(g_db, "COMMIT")) {
    fprintf(stderr, "test_schema_pg: the schema does not apply: %s\n",
            hs_db_errmsg(g_db));
    return 1;
  }
  return 0;
}

static int
suite_close(void)
{
  hs_db_close(g_db);
  return 0;
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"schema_pg", "same_schema_as_sqlite", test_same_schema_as_sqlite},
    {"schema_pg", "feed_triggers", test_feed_triggers},
    {"schema_pg", "trigram_search", test_trigram_search},
    {"schema_pg", "checks_hold", test_checks_hold},
  };
  int rc = th_pg_target("test_schema_pg", g_uri, sizeof(g_uri));

  if(rc)
    return rc;
  return cu_main(cases, CU_CASES_N(cases), suite_open, suite_close, argc,
                 argv);
}
