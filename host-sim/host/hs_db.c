/*
 * hs_db.c -- the dispatch of hs_db.h: which back end a target names, and
 * every call forwarded to the operations table of the connection's back
 * end (hs_db_impl.h).
 */
#include <stdio.h>
#include <string.h>

#include "hs_db_impl.h"

enum hs_db_backend
hs_db_backend_of(const char *target)
{
  if(target && (strncmp(target, "postgresql://", 13) == 0 ||
                strncmp(target, "postgres://", 11) == 0))
    return HS_DB_POSTGRESQL;
  return HS_DB_SQLITE;
}

void
hs_db_target_name(const char *target, char *out, size_t outlen)
{
  const char *rest, *at = NULL, *colon;
  size_t auth, i;

  if(hs_db_backend_of(target) != HS_DB_POSTGRESQL) {
    snprintf(out, outlen, "%s", target ? target : "");
    return;
  }
  rest = strstr(target, "://") + 3;
  auth = strcspn(rest, "/?#");
  for(i = 0; i < auth; i++) /* the last '@': a password may hold one */
    if(rest[i] == '@')
      at = rest + i;
  colon = at ? memchr(rest, ':', (size_t)(at - rest)) : NULL;
  if(colon) /* user:password@host -> user@host */
    snprintf(out, outlen, "%.*s%.*s", (int)(colon - target), target,
             (int)strcspn(at, "?#"), at);
  else
    snprintf(out, outlen, "%.*s", (int)strcspn(target, "?#"), target);
}

int
hs_db_open(const char *target, int flags, struct hs_db **out, char *err,
           size_t errlen)
{
  *out = NULL;
  if(hs_db_backend_of(target) == HS_DB_POSTGRESQL)
    return hs_db_pg_open(target, flags, out, err, errlen);
  return hs_db_sqlite_open(target, flags, out, err, errlen);
}

void
hs_db_close(struct hs_db *db)
{
  if(db)
    db->ops->close(db);
}

enum hs_db_backend
hs_db_backend(const struct hs_db *db)
{
  return db->ops->backend;
}

const char *
hs_db_errmsg(const struct hs_db *db)
{
  const char *m = db ? db->ops->errmsg(db) : NULL;

  return m ? m : "no database";
}

int
hs_db_exec(struct hs_db *db, const char *sql)
{
  return db->ops->exec(db, sql);
}

int
hs_db_prepare(struct hs_db *db, const char *sql, struct hs_dbst **out)
{
  *out = NULL;
  return db->ops->prepare(db, sql, out);
}

void
hs_db_finalize(struct hs_dbst *st)
{
  if(st)
    st->db->ops->finalize(st);
}

int
hs_db_bind_i64(struct hs_dbst *st, int i, int64_t v)
{
  return st->db->ops->bind_i64(st, i, v);
}

int
hs_db_bind_double(struct hs_dbst *st, int i, double v)
{
  return st->db->ops->bind_double(st, i, v);
}

int
hs_db_bind_text(struct hs_dbst *st, int i, const char *s)
{
  return s ? st->db->ops->bind_text(st, i, s) : st->db->ops->bind_null(st, i);
}

int
hs_db_bind_blob(struct hs_dbst *st, int i, const void *p, size_t n)
{
  return st->db->ops->bind_blob(st, i, p, n);
}

int
hs_db_bind_null(struct hs_dbst *st, int i)
{
  return st->db->ops->bind_null(st, i);
}

int
hs_db_step(struct hs_dbst *st)
{
  return st->db->ops->step(st);
}

void
hs_db_reset(struct hs_dbst *st)
{
  st->db->ops->reset(st);
}

void
hs_db_clear_bindings(struct hs_dbst *st)
{
  st->db->ops->clear_bindings(st);
}

int
hs_db_col_count(struct hs_dbst *st)
{
  return st->db->ops->col_count(st);
}

enum hs_db_type
hs_db_col_type(struct hs_dbst *st, int i)
{
  return st->db->ops->col_type(st, i);
}

int64_t
hs_db_col_i64(struct hs_dbst *st, int i)
{
  return st->db->ops->col_i64(st, i);
}

double
hs_db_col_double(struct hs_dbst *st, int i)
{
  return st->db->ops->col_double(st, i);
}

const char *
hs_db_col_text(struct hs_dbst *st, int i)
{
  return st->db->ops->col_text(st, i);
}

const void *
hs_db_col_blob(struct hs_dbst *st, int i)
{
  return st->db->ops->col_blob(st, i);
}

size_t
hs_db_col_bytes(struct hs_dbst *st, int i)
{
  return st->db->ops->col_bytes(st, i);
}

int64_t
hs_db_changes(struct hs_db *db)
{
  return db->ops->changes(db);
}

int64_t
hs_db_total_changes(struct hs_db *db)
{
  return db->ops->total_changes(db);
}

int
hs_db_autocommit(struct hs_db *db)
{
  return db->ops->autocommit(db);
}
