/*
 * th_pg_target.h -- where the PostgreSQL tests find their server: the
 * libpq URI tests/pg/pg_server.sh wrote to $BMC_PG_DIR/uri, and fresh
 * databases on it for tests that each want an empty store.
 */
#ifndef TH_PG_TARGET_H
#define TH_PG_TARGET_H

#include <stddef.h>

/* The server's URI into uri: 0; when there is none, 1 with a message on
 * stderr naming what is missing -- or 77 (skip) when BMC_SKIP_PG=1. */
int th_pg_target(const char *prog, char *uri, size_t urilen);

/* 1 when the suites run their host stores on PostgreSQL: the environment
 * says BMC_TEST_STORE=postgresql (ctest's _pg runs). */
int th_pg_chosen(void);

/* A new, empty database on the server of server_uri (CREATE DATABASE
 * through hs_db), named bmc_t_<pid>_<counter>_<tag>; its URI into uri.
 * 0, or -1 with err saying why. */
int th_pg_new_database(const char *server_uri, const char *tag, char *uri,
                       size_t urilen, char *err, size_t errlen);

#endif
