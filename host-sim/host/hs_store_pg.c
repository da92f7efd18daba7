/*
 * hs_store_pg.c -- a PostgreSQL store's schema on open: a new database
 * gets the whole schema at HS_SCHEMA_PG_VERSION (hs_schema_pg.c) and the
 * versions it stands for recorded, in one transaction under an advisory
 * lock so two processes opening a new database at once create it once;
 * a database at another version is refused with what to do.
 */
#include <stdio.h>

#include "hs_internal.h"
#include "hs_schema_pg.h"

/* The advisory lock key (per database) the schema step holds: "bmcS". */
#define HS_STORE_PG_LOCK "1651336019" /* 0x626d6353 */

static int
hs_store_pg_exec(struct hs_db *db, const char *sql, char *err,
                 size_t errlen)
{
  if(hs_db_exec(db, sql) != HS_DB_OK) {
    hs_errf(err, errlen, "store: %s", hs_db_errmsg(db));
    return BMC_ERR_INTERNAL;
  }
  return BMC_OK;
}

/* One integer a query without parameters answers, into *v. */
static int
hs_store_pg_scalar(struct hs_db *db, const char *sql, int64_t *v, char *err,
                   size_t errlen)
{
  struct hs_dbst *st = NULL;
  int rc;

  if(hs_db_prepare(db, sql, &st) != HS_DB_OK) {
    hs_errf(err, errlen, "store: %s", hs_db_errmsg(db));
    return BMC_ERR_INTERNAL;
  }
  rc = hs_db_step(st);
  *v = rc == HS_DB_ROW ? hs_db_col_i64(st, 0) : 0;
  if(rc != HS_DB_ROW && rc != HS_DB_DONE)
    hs_errf(err, errlen, "store: %s", hs_db_errmsg(db));
  hs_db_finalize(st);
  return rc == HS_DB_ROW || rc == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
}

/* The schema and versions 1..HS_SCHEMA_PG_VERSION on an empty database,
 * inside the caller's transaction. */
static int
hs_store_pg_create(struct hs_host *h, char *err, size_t errlen)
{
  int64_t now = hs_clock_now(h);
  char ins[128];
  int rc, v;

  rc = hs_store_pg_exec(h->db, hs_schema_pg_text(), err, errlen);
  for(v = 1; !rc && v <= HS_SCHEMA_PG_VERSION; v++) {
    snprintf(ins, sizeof(ins), "INSERT INTO migrations VALUES(%d, %lld)", v,
             (long long)now);
    rc = hs_store_pg_exec(h->db, ins, err, errlen);
  }
  return rc;
}

/* The version a database with a migrations table records, checked. */
static int
hs_store_pg_check(struct hs_db *db, char *err, size_t errlen)
{
  int64_t ver = 0;
  int rc;

  rc = hs_store_pg_scalar(db, "SELECT COALESCE(MAX(version), 0) FROM"
                          " migrations", &ver, err, errlen);
  if(rc)
    return rc;
  if(ver > HS_SCHEMA_PG_VERSION) {
    hs_errf(err, errlen, "store: database schema version %lld is newer "
            "than this host-sim (%d); use a newer host-sim", (long long)ver,
            HS_SCHEMA_PG_VERSION);
    return BMC_ERR_CONFLICT;
  }
  if(ver < HS_SCHEMA_PG_VERSION) {
    hs_errf(err, errlen, "store: database schema version %lld is older "
            "than %d, the first this host-sim keeps on PostgreSQL, and "
            "cannot be upgraded here; create the store in a new, empty "
            "database", (long long)ver, HS_SCHEMA_PG_VERSION);
    return BMC_ERR_CONFLICT;
  }
  return BMC_OK;
}

int
hs_store_pg_migrate(struct hs_host *h, char *err, size_t errlen)
{
  int64_t have = 0;
  int rc;

  rc = hs_store_pg_exec(h->db, "BEGIN", err, errlen);
  if(rc)
    return rc;
  /* held until COMMIT / ROLLBACK: a second opener waits here and then
   * sees the committed tables */
  rc = hs_store_pg_scalar(h->db, "SELECT 0 FROM pg_advisory_xact_lock("
                          HS_STORE_PG_LOCK ")", &have, err, errlen);
  if(!rc)
    rc = hs_store_pg_scalar(h->db, "SELECT CASE WHEN to_regclass("
                            "'migrations') IS NULL THEN 0 ELSE 1 END",
                            &have, err, errlen);
  if(!rc)
    rc = have ? hs_store_pg_check(h->db, err, errlen)
              : hs_store_pg_create(h, err, errlen);
  if(rc) {
    hs_db_exec(h->db, "ROLLBACK");
    return rc;
  }
  rc = hs_store_pg_exec(h->db, "COMMIT", err, errlen);
  if(!rc)
    h->db_version = HS_SCHEMA_PG_VERSION;
  return rc;
}
