/*
 * hs_db_sqlite.c -- the SQLite back end of hs_db.h (the embedded
 * default): a thin layer over sqlite3 that maps its answers to hs_db_rc
 * (BUSY/LOCKED -> HS_DB_BUSY, CONSTRAINT* -> HS_DB_CONSTRAINT), prepares
 * every statement SQLITE_PREPARE_PERSISTENT (the store caches them for
 * its life), and finalizes a connection's remaining statements on close.
 * Also the few SQLite-only calls hs_db.h declares (busy and progress
 * handlers, WAL checkpoint, library version).
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_db_impl.h"

struct hs_sq_db {
  struct hs_db base;
  sqlite3 *db;
  struct hs_sq_st *stmts; /* every open statement, to finalize on close */
  char err[160];          /* a failure of this layer (not SQLite's) */
};

struct hs_sq_st {
  struct hs_dbst base;
  sqlite3_stmt *st;
  struct hs_sq_st *prev, *next;
};

static const struct hs_db_ops hs_sq_ops;

static struct hs_sq_db *
hs_sq_db_of(struct hs_db *db)
{
  return (struct hs_sq_db *)db;
}

static sqlite3_stmt *
hs_sq_st_of(struct hs_dbst *st)
{
  return ((struct hs_sq_st *)st)->st;
}

static int
hs_sq_rc(int rc)
{
  switch(rc & 0xff) {
  case SQLITE_OK:
    return HS_DB_OK;
  case SQLITE_ROW:
    return HS_DB_ROW;
  case SQLITE_DONE:
    return HS_DB_DONE;
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return HS_DB_BUSY;
  case SQLITE_CONSTRAINT:
    return HS_DB_CONSTRAINT;
  case SQLITE_NOMEM:
    return HS_DB_NOMEM;
  default:
    return HS_DB_ERROR;
  }
}

int
hs_db_sqlite_open(const char *path, int flags, struct hs_db **out,
                  char *err, size_t errlen)
{
  struct hs_sq_db *d = calloc(1, sizeof(*d));
  int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;
  const char *name = path;

  *out = NULL;
  if(!d) {
    snprintf(err, errlen, "store %s: out of memory", path);
    return HS_DB_NOMEM;
  }
  if(flags & HS_DB_OPEN_CREATE)
    oflags |= SQLITE_OPEN_CREATE;
  /* An in-memory store lives in a memdb file (private to this
   * connection: the name has no leading '/'), not in SQLite's page cache
   * as ":memory:" does: there every commit's cost grew with the size of
   * the whole database (measured: 85% of an inventory cycle at 1M SKUs). */
  if(strcmp(path, ":memory:") == 0)
    name = "file:hs-store?vfs=memdb";
  /* an SQLite URI (vfs=memdb ...), also where the library was built
   * without URI names by default */
  if(strncmp(name, "file:", 5) == 0)
    oflags |= SQLITE_OPEN_URI;
  if(sqlite3_open_v2(name, &d->db, oflags, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "store %s: %s", path,
             d->db ? sqlite3_errmsg(d->db) : "out of memory");
    sqlite3_close(d->db);
    free(d);
    return HS_DB_ERROR;
  }
  d->base.ops = &hs_sq_ops;
  *out = &d->base;
  return HS_DB_OK;
}

static void
hs_sq_close(struct hs_db *db)
{
  struct hs_sq_db *d = hs_sq_db_of(db);

  while(d->stmts) {
    struct hs_sq_st *s = d->stmts;

    d->stmts = s->next;
    sqlite3_finalize(s->st);
    free(s);
  }
  sqlite3_close(d->db);
  free(d);
}

static int
hs_sq_exec(struct hs_db *db, const char *sql)
{
  struct hs_sq_db *d = hs_sq_db_of(db);

  d->err[0] = '\0';
  return hs_sq_rc(sqlite3_exec(d->db, sql, NULL, NULL, NULL));
}

static int
hs_sq_prepare(struct hs_db *db, const char *sql, struct hs_dbst **out)
{
  struct hs_sq_db *d = hs_sq_db_of(db);
  sqlite3_stmt *st = NULL;
  struct hs_sq_st *s;
  int rc;

  d->err[0] = '\0';
  rc = sqlite3_prepare_v3(d->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
                          NULL);
  if(rc != SQLITE_OK)
    return hs_sq_rc(rc);
  if(!st) {
    snprintf(d->err, sizeof(d->err), "empty statement");
    return HS_DB_ERROR;
  }
  s = calloc(1, sizeof(*s));
  if(!s) {
    sqlite3_finalize(st);
    snprintf(d->err, sizeof(d->err), "out of memory");
    return HS_DB_NOMEM;
  }
  s->base.db = db;
  s->st = st;
  s->next = d->stmts;
  if(d->stmts)
    d->stmts->prev = s;
  d->stmts = s;
  *out = &s->base;
  return HS_DB_OK;
}

static void
hs_sq_finalize(struct hs_dbst *st)
{
  struct hs_sq_st *s = (struct hs_sq_st *)st;
  struct hs_sq_db *d = hs_sq_db_of(st->db);

  if(s->prev)
    s->prev->next = s->next;
  else
    d->stmts = s->next;
  if(s->next)
    s->next->prev = s->prev;
  sqlite3_finalize(s->st);
  free(s);
}

static int
hs_sq_bind_i64(struct hs_dbst *st, int i, int64_t v)
{
  return hs_sq_rc(sqlite3_bind_int64(hs_sq_st_of(st), i, v));
}

static int
hs_sq_bind_double(struct hs_dbst *st, int i, double v)
{
  return hs_sq_rc(sqlite3_bind_double(hs_sq_st_of(st), i, v));
}

static int
hs_sq_bind_text(struct hs_dbst *st, int i, const char *s)
{
  return hs_sq_rc(sqlite3_bind_text(hs_sq_st_of(st), i, s, -1,
                                    SQLITE_TRANSIENT));
}

/* A zero-length blob is a blob, not NULL (sqlite3 binds NULL for a NULL
 * pointer). */
static int
hs_sq_bind_blob(struct hs_dbst *st, int i, const void *p, size_t n)
{
  if(n == 0)
    return hs_sq_rc(sqlite3_bind_zeroblob(hs_sq_st_of(st), i, 0));
  return hs_sq_rc(sqlite3_bind_blob64(hs_sq_st_of(st), i, p, n,
                                      SQLITE_TRANSIENT));
}

static int
hs_sq_bind_null(struct hs_dbst *st, int i)
{
  return hs_sq_rc(sqlite3_bind_null(hs_sq_st_of(st), i));
}

static int
hs_sq_step(struct hs_dbst *st)
{
  hs_sq_db_of(st->db)->err[0] = '\0';
  return hs_sq_rc(sqlite3_step(hs_sq_st_of(st)));
}

static void
hs_sq_reset(struct hs_dbst *st)
{
  sqlite3_reset(hs_sq_st_of(st));
}

static void
hs_sq_clear_bindings(struct hs_dbst *st)
{
  sqlite3_clear_bindings(hs_sq_st_of(st));
}

static int
hs_sq_col_count(struct hs_dbst *st)
{
  return sqlite3_column_count(hs_sq_st_of(st));
}

static enum hs_db_type
hs_sq_col_type(struct hs_dbst *st, int i)
{
  switch(sqlite3_column_type(hs_sq_st_of(st), i)) {
  case SQLITE_INTEGER:
    return HS_DB_T_INT;
  case SQLITE_FLOAT:
    return HS_DB_T_FLOAT;
  case SQLITE_TEXT:
    return HS_DB_T_TEXT;
  case SQLITE_BLOB:
    return HS_DB_T_BLOB;
  default:
    return HS_DB_T_NULL;
  }
}

static int64_t
hs_sq_col_i64(struct hs_dbst *st, int i)
{
  return sqlite3_column_int64(hs_sq_st_of(st), i);
}

static double
hs_sq_col_double(struct hs_dbst *st, int i)
{
  return sqlite3_column_double(hs_sq_st_of(st), i);
}

static const char *
hs_sq_col_text(struct hs_dbst *st, int i)
{
  return (const char *)sqlite3_column_text(hs_sq_st_of(st), i);
}

static const void *
hs_sq_col_blob(struct hs_dbst *st, int i)
{
  return sqlite3_column_blob(hs_sq_st_of(st), i);
}

static size_t
hs_sq_col_bytes(struct hs_dbst *st, int i)
{
  return (size_t)sqlite3_column_bytes(hs_sq_st_of(st), i);
}

static int64_t
hs_sq_changes(struct hs_db *db)
{
  return sqlite3_changes64(hs_sq_db_of(db)->db);
}

static int64_t
hs_sq_total_changes(struct hs_db *db)
{
  return sqlite3_total_changes64(hs_sq_db_of(db)->db);
}

static int
hs_sq_autocommit(struct hs_db *db)
{
  return sqlite3_get_autocommit(hs_sq_db_of(db)->db) != 0;
}

static const char *
hs_sq_errmsg(const struct hs_db *db)
{
  const struct hs_sq_db *d = (const struct hs_sq_db *)db;

  return d->err[0] ? d->err : sqlite3_errmsg(d->db);
}

static const struct hs_db_ops hs_sq_ops = {
  .backend = HS_DB_SQLITE,
  .close = hs_sq_close,
  .exec = hs_sq_exec,
  .prepare = hs_sq_prepare,
  .finalize = hs_sq_finalize,
  .bind_i64 = hs_sq_bind_i64,
  .bind_double = hs_sq_bind_double,
  .bind_text = hs_sq_bind_text,
  .bind_blob = hs_sq_bind_blob,
  .bind_null = hs_sq_bind_null,
  .step = hs_sq_step,
  .reset = hs_sq_reset,
  .clear_bindings = hs_sq_clear_bindings,
  .col_count = hs_sq_col_count,
  .col_type = hs_sq_col_type,
  .col_i64 = hs_sq_col_i64,
  .col_double = hs_sq_col_double,
  .col_text = hs_sq_col_text,
  .col_blob = hs_sq_col_blob,
  .col_bytes = hs_sq_col_bytes,
  .changes = hs_sq_changes,
  .total_changes = hs_sq_total_changes,
  .autocommit = hs_sq_autocommit,
  .errmsg = hs_sq_errmsg,
};

/* ---- SQLite-only (hs_db.h) ---- */

int
hs_db_sqlite_busy_handler(struct hs_db *db, int (*cb)(void *ud, int count),
                          void *ud)
{
  if(hs_db_backend(db) != HS_DB_SQLITE)
    return HS_DB_ERROR;
  return hs_sq_rc(sqlite3_busy_handler(hs_sq_db_of(db)->db, cb, ud));
}

int
hs_db_sqlite_wal_truncate(struct hs_db *db)
{
  if(hs_db_backend(db) != HS_DB_SQLITE)
    return HS_DB_ERROR;
  return hs_sq_rc(sqlite3_wal_checkpoint_v2(hs_sq_db_of(db)->db, NULL,
                                            SQLITE_CHECKPOINT_TRUNCATE, NULL,
                                            NULL));
}

int
hs_db_sqlite_progress_handler(struct hs_db *db, int n, int (*cb)(void *ud),
                              void *ud)
{
  if(hs_db_backend(db) != HS_DB_SQLITE)
    return HS_DB_ERROR;
  sqlite3_progress_handler(hs_sq_db_of(db)->db, n, cb, ud);
  return HS_DB_OK;
}

const char *
hs_db_sqlite_version(void)
{
  return sqlite3_libversion();
}
