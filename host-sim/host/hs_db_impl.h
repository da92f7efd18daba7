/*
 * hs_db_impl.h -- what the store's back ends share behind hs_db.h: the
 * operations table each back end fills and the common head of a
 * connection and of a statement.  hs_db.c dispatches every hs_db_* call
 * through ops; hs_db_sqlite.c and hs_db_pg.c are the two back ends.
 * Private to those three files.
 */
#ifndef HS_DB_IMPL_H
#define HS_DB_IMPL_H

#include "hs_db.h"

struct hs_db_ops {
  enum hs_db_backend backend;
  void (*close)(struct hs_db *db);
  int (*exec)(struct hs_db *db, const char *sql);
  int (*prepare)(struct hs_db *db, const char *sql, struct hs_dbst **out);
  void (*finalize)(struct hs_dbst *st);
  int (*bind_i64)(struct hs_dbst *st, int i, int64_t v);
  int (*bind_double)(struct hs_dbst *st, int i, double v);
  int (*bind_text)(struct hs_dbst *st, int i, const char *s);
  int (*bind_blob)(struct hs_dbst *st, int i, const void *p, size_t n);
  int (*bind_null)(struct hs_dbst *st, int i);
  int (*step)(struct hs_dbst *st);
  void (*reset)(struct hs_dbst *st);
  void (*clear_bindings)(struct hs_dbst *st);
  int (*col_count)(struct hs_dbst *st);
  enum hs_db_type (*col_type)(struct hs_dbst *st, int i);
  int64_t (*col_i64)(struct hs_dbst *st, int i);
  double (*col_double)(struct hs_dbst *st, int i);
  const char *(*col_text)(struct hs_dbst *st, int i);
  const void *(*col_blob)(struct hs_dbst *st, int i);
  size_t (*col_bytes)(struct hs_dbst *st, int i);
  int64_t (*changes)(struct hs_db *db);
  int64_t (*total_changes)(struct hs_db *db);
  int (*autocommit)(struct hs_db *db);
  const char *(*errmsg)(const struct hs_db *db);
};

/* The first member of each back end's connection and statement. */
struct hs_db {
  const struct hs_db_ops *ops;
};

struct hs_dbst {
  struct hs_db *db;
};

/* The back ends' open functions (hs_db_open dispatches on the target). */
int hs_db_sqlite_open(const char *path, int flags, struct hs_db **out,
                      char *err, size_t errlen);
int hs_db_pg_open(const char *uri, int flags, struct hs_db **out, char *err,
                  size_t errlen);

/* hs_db_pg_sql.c: sql with each '?' outside literals, quoted identifiers
 * and comments as $1..$n (malloc'd; NULL: out of memory or more than
 * 99999 parameters); *nparams the count; *txctl the HS_DB_PG_TX_* bits
 * of its statements. */
#define HS_DB_PG_TX_CONTROL 0x1  /* BEGIN, START, COMMIT, END, ROLLBACK,
                                    ABORT, SAVEPOINT, RELEASE, PREPARE */
#define HS_DB_PG_TX_COMMIT 0x2   /* COMMIT, END */
#define HS_DB_PG_TX_ROLLBACK 0x4 /* ROLLBACK, ABORT */
char *hs_db_pg_rewrite(const char *sql, int *nparams, int *txctl);

#endif
