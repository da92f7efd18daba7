/*
 * hs_schema_pg.h -- the store's schema on PostgreSQL (hs_schema_pg.c).
 */
#ifndef HS_SCHEMA_PG_H
#define HS_SCHEMA_PG_H

#include <stddef.h>

/* The SQLite migration (hs_store.c hs_migrations[]) the text matches
 * (15's WITHOUT ROWID is SQLite's storage alone: nothing here). */
#define HS_SCHEMA_PG_VERSION 16

/* The whole schema at HS_SCHEMA_PG_VERSION as ';'-separated statements
 * for hs_db_exec on an empty database (or schema), in one transaction:
 * every table, index and change-feed trigger, the migrations table
 * (empty: the caller records versions 1..HS_SCHEMA_PG_VERSION with its
 * own clock) and the pg_trgm catalog search indexes. */
const char *hs_schema_pg_text(void);

struct hs_host;
/* hs_store_pg.c: on h's open PostgreSQL connection, create the schema in
 * a new database (once, also when two processes open it at once) or
 * check the version an existing one records; BMC_OK, or a failure that
 * err explains (never with the URI's password). */
int hs_store_pg_migrate(struct hs_host *h, char *err, size_t errlen);

#endif
