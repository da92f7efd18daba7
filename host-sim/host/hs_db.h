/*
 * hs_db.h -- the host store's one small database interface: a connection,
 * prepared statements with positional parameters, typed binds and columns,
 * and the answers the store acts on (row, done, busy, constraint).  Two
 * back ends implement it: SQLite (hs_db_sqlite.c, the embedded default)
 * and PostgreSQL through libpq (hs_db_pg.c).  Nothing above this header
 * includes sqlite3.h or libpq-fe.h.
 *
 * SQL handed to hs_db_prepare / hs_db_exec is written once for both back
 * ends:
 *  - parameters are '?' (numbered left to right from 1) or '?N' (number
 *    N; a later bare '?' is the highest so far + 1); the PostgreSQL
 *    back end rewrites them to $1..$n (never inside a '...' literal, a
 *    "..." identifier or a comment);
 *  - only the dialect both engines share: ON CONFLICT ... DO NOTHING / DO
 *    UPDATE SET x = excluded.x (not INSERT OR IGNORE / OR REPLACE),
 *    COALESCE (not ifnull), CASE (not two-argument MAX/MIN), RETURNING id
 *    (not last_insert_rowid), explicit comparisons in WHERE (x <> 0, not a
 *    bare integer used as a boolean), CAST(... AS BIGINT), || for text;
 *  - integers are 64-bit everywhere (BIGINT on PostgreSQL).
 * Where a statement cannot be shared (a schema step, a PRAGMA, full-text
 * search), the caller asks hs_db_backend() and passes each its own text.
 */
#ifndef HS_DB_H
#define HS_DB_H

#include <stddef.h>
#include <stdint.h>

struct hs_db;   /* one connection */
struct hs_dbst; /* one prepared statement of a connection */

/* What hs_db_step (and the calls that run a statement) answer. */
enum hs_db_rc {
  HS_DB_OK = 0,          /* hs_db_exec / bind / open: done */
  HS_DB_ROW = 1,         /* hs_db_step: a row is ready to read */
  HS_DB_DONE = 2,        /* hs_db_step: no (more) rows; a write is done */
  HS_DB_BUSY = 3,        /* another connection holds a lock we need, or
                            a serialization failure / deadlock the
                            caller may retry from the transaction start */
  HS_DB_CONSTRAINT = 4,  /* a UNIQUE, NOT NULL, CHECK or FOREIGN KEY
                            constraint refused the write */
  HS_DB_ERROR = 5,       /* anything else (message: hs_db_errmsg) */
  HS_DB_NOMEM = 6
};

enum hs_db_backend { HS_DB_SQLITE = 1, HS_DB_POSTGRESQL = 2 };

/* Column types hs_db_col_type reports. */
enum hs_db_type {
  HS_DB_T_NULL = 0,
  HS_DB_T_INT = 1,
  HS_DB_T_FLOAT = 2,
  HS_DB_T_TEXT = 3,
  HS_DB_T_BLOB = 4
};

/* Open flags. */
#define HS_DB_OPEN_CREATE 0x1 /* SQLite: create the file when missing */

/* The back end a target names: "postgresql://..." or "postgres://..."
 * (a libpq connection URI) is PostgreSQL, anything else a SQLite path
 * (":memory:" included; "file:..." is an SQLite URI, e.g.
 * "file:name?vfs=memdb"). */
enum hs_db_backend hs_db_backend_of(const char *target);

/* target as a message may show it: a PostgreSQL URI without the
 * password of its userinfo and without its query (which may carry one);
 * a path unchanged.  Truncated to outlen (>= 1). */
void hs_db_target_name(const char *target, char *out, size_t outlen);

/* Open target (see hs_db_backend_of).  On failure *out is NULL and err
 * says why, never with a password the URI carries. */
int hs_db_open(const char *target, int flags, struct hs_db **out, char *err,
               size_t errlen);
/* Finalizes every statement of db and closes it.  NULL is a no-op. */
void hs_db_close(struct hs_db *db);
enum hs_db_backend hs_db_backend(const struct hs_db *db);

/* The last failure of db, for a message (never NULL). */
const char *hs_db_errmsg(const struct hs_db *db);

/* Run one or more ';'-separated statements without parameters or rows. */
int hs_db_exec(struct hs_db *db, const char *sql);

/* Prepare one statement.  The statement belongs to db; hs_db_finalize
 * releases it early (hs_db_close releases the rest). */
int hs_db_prepare(struct hs_db *db, const char *sql, struct hs_dbst **out);
void hs_db_finalize(struct hs_dbst *st);

/* Binds; i counts from 1.  Text and blobs are copied. */
int hs_db_bind_i64(struct hs_dbst *st, int i, int64_t v);
int hs_db_bind_double(struct hs_dbst *st, int i, double v);
int hs_db_bind_text(struct hs_dbst *st, int i, const char *s); /* NULL: NULL */
int hs_db_bind_blob(struct hs_dbst *st, int i, const void *p, size_t n);
int hs_db_bind_null(struct hs_dbst *st, int i);

/* Run (first call) and advance: HS_DB_ROW, HS_DB_DONE or a failure. */
int hs_db_step(struct hs_dbst *st);
/* Back to before the first step, keeping the bindings. */
void hs_db_reset(struct hs_dbst *st);
void hs_db_clear_bindings(struct hs_dbst *st);

/* Columns of the current row; i counts from 0.  Text and blob pointers
 * stay valid until the next step, reset or finalize of st. */
int hs_db_col_count(struct hs_dbst *st);
enum hs_db_type hs_db_col_type(struct hs_dbst *st, int i);
int64_t hs_db_col_i64(struct hs_dbst *st, int i); /* NULL: 0 */
double hs_db_col_double(struct hs_dbst *st, int i);
const char *hs_db_col_text(struct hs_dbst *st, int i); /* NULL: NULL */
const void *hs_db_col_blob(struct hs_dbst *st, int i);
size_t hs_db_col_bytes(struct hs_dbst *st, int i);

/* Rows the last INSERT, UPDATE or DELETE of db changed. */
int64_t hs_db_changes(struct hs_db *db);
/* Rows changed since db was opened (every statement). */
int64_t hs_db_total_changes(struct hs_db *db);
/* 1 when db has no transaction open (autocommit). */
int hs_db_autocommit(struct hs_db *db);

/* ---- SQLite-only (hs_db_sqlite.c) ----
 * Calls that exist only on the SQLite back end; each answers HS_DB_ERROR
 * on another back end, so a caller checks hs_db_backend() first. */

/* Install SQLite's busy handler (cb answers 1 to wait and retry, 0 to
 * give up with HS_DB_BUSY); the store's busy policy lives in hs_store.c. */
int hs_db_sqlite_busy_handler(struct hs_db *db, int (*cb)(void *ud, int count),
                              void *ud);
/* Checkpoint the WAL into the database file and truncate it to zero. */
int hs_db_sqlite_wal_truncate(struct hs_db *db);
/* Call cb every n virtual machine steps of db's statements (n 0: stop);
 * for tests that count the work a call does. */
int hs_db_sqlite_progress_handler(struct hs_db *db, int n, int (*cb)(void *ud),
                                  void *ud);
/* The SQLite library's version text. */
const char *hs_db_sqlite_version(void);

#endif
