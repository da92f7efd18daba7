/*
 * hs_db_pg.h -- what the two files of the PostgreSQL back end share:
 * hs_db_pg.c (connection, running a command under its savepoint, errors,
 * the operations table) and hs_db_pg_stmt.c (statements: binds, steps,
 * columns).  Private to them.
 */
#ifndef HS_DB_PG_H
#define HS_DB_PG_H

#include <libpq-fe.h>
#include <stdint.h>

#include "hs_db_impl.h"

/* Result column type OIDs (pg_type.h is a server header). */
#define HS_PG_BOOL 16
#define HS_PG_BYTEA 17
#define HS_PG_INT8 20
#define HS_PG_INT2 21
#define HS_PG_INT4 23
#define HS_PG_TEXT 25
#define HS_PG_OID 26
#define HS_PG_FLOAT4 700
#define HS_PG_FLOAT8 701
#define HS_PG_NUMERIC 1700

#define HS_PG_SECRETS 4 /* passwords: as written (twice), as decoded */

struct hs_pg_db {
  struct hs_db base;
  PGconn *conn;
  struct hs_pg_st *stmts; /* every open statement, to release on close */
  unsigned next_name;     /* statement names hs_1, hs_2, ... */
  unsigned gen;           /* the session: +1 at each reconnect */
  int64_t changes, total;
  char *secrets[HS_PG_SECRETS];
  char err[512];
};

struct hs_pg_st {
  struct hs_dbst base;
  char name[24];
  int nparams;
  int txctl;     /* HS_DB_PG_TX_* bits: transaction control, unguarded */
  char *sql;     /* the text prepared (again after a reconnect) */
  unsigned gen;  /* the session it is prepared on (hs_pg_db.gen) */
  char **vals;   /* nparams values (NULL: SQL NULL) */
  int *lens, *fmts;
  Oid *bound;    /* nparams: the type of each binding (0: NULL, unknown) */
  Oid *types;    /* the types it is prepared with; NULL: all deduced */
  int late;      /* not prepared yet: the server could not deduce a
                    parameter's type ("? IS NULL OR x = ?", a number
                    unused), so the first step prepares it with the types
                    of its bindings */
  PGresult *res; /* the result being walked */
  int row;       /* current row of res; -1 before the first step */
  unsigned char **bytea; /* per column: decoded bytea of the current row */
  size_t *bytea_n;
  struct hs_pg_st *prev, *next;
};

static inline struct hs_pg_db *
hs_pg_db_of(const struct hs_db *db)
{
  return (struct hs_pg_db *)(uintptr_t)db;
}

static inline struct hs_pg_st *
hs_pg_st_of(struct hs_dbst *st)
{
  return (struct hs_pg_st *)st;
}

/* ---- hs_db_pg.c ---- */
/* what: msg into d->err, without the URI's passwords. */
void hs_pg_fail(struct hs_pg_db *d, const char *what, const char *msg);
/* The hs_db_rc a failed result (NULL: the connection failed) means, its
 * message kept in d->err: SQLSTATE 40001, 40P01, 55P03 HS_DB_BUSY, class
 * 23 HS_DB_CONSTRAINT, else HS_DB_ERROR. */
int hs_pg_result_fail(struct hs_pg_db *d, const PGresult *r);
/* Prepare st from sql (sql not NULL) or execute it with its bindings
 * (prepared again first on a new session), under the savepoint hs_guard
 * when inside a transaction; the result (the caller clears it; NULL when
 * the connection failed).  A connection the server dropped is
 * reconnected first. */
PGresult *hs_pg_run(struct hs_pg_db *d, struct hs_pg_st *st, const char *sql);
/* 1 when r is a success (command or rows). */
int hs_pg_ok(const PGresult *r);
/* After a success: changes counted; a COMMIT answered ROLLBACK is
 * HS_DB_ERROR. */
int hs_pg_done(struct hs_pg_db *d, PGresult *r, int txctl);

/* ---- hs_db_pg_stmt.c: the statement half of hs_pg_ops ---- */
int hs_pg_prepare(struct hs_db *db, const char *sql, struct hs_dbst **out);
/* Release s (DEALLOCATE on the server when deallocate) and unlink it. */
void hs_pg_st_release(struct hs_pg_st *s, int deallocate);
void hs_pg_finalize(struct hs_dbst *st);
int hs_pg_bind_i64(struct hs_dbst *st, int i, int64_t v);
int hs_pg_bind_double(struct hs_dbst *st, int i, double v);
int hs_pg_bind_text(struct hs_dbst *st, int i, const char *s);
int hs_pg_bind_blob(struct hs_dbst *st, int i, const void *p, size_t n);
int hs_pg_bind_null(struct hs_dbst *st, int i);
int hs_pg_step(struct hs_dbst *st);
void hs_pg_reset(struct hs_dbst *st);
void hs_pg_clear_bindings(struct hs_dbst *st);
int hs_pg_col_count(struct hs_dbst *st);
enum hs_db_type hs_pg_col_type(struct hs_dbst *st, int i);
int64_t hs_pg_col_i64(struct hs_dbst *st, int i);
double hs_pg_col_double(struct hs_dbst *st, int i);
const char *hs_pg_col_text(struct hs_dbst *st, int i);
const void *hs_pg_col_blob(struct hs_dbst *st, int i);
size_t hs_pg_col_bytes(struct hs_dbst *st, int i);

#endif
