/*
 * hs_db_pg_stmt.c -- the statements of the PostgreSQL back end: prepared
 * server-side under a generated name (hs_1, hs_2, ...) from the SQL
 * hs_db_pg_rewrite() numbered; parameters kept as text (int64 in
 * decimal, double with %.17g) or binary bytea for blobs; the first
 * hs_db_step runs the statement and fetches its whole result, later steps
 * walk its rows.  Not single-row mode: a streamed result keeps the
 * connection busy until its last row, and the store runs other statements
 * on the same connection while it walks a SELECT (as SQLite allows); a
 * whole result frees the connection at once.  Columns: integers parsed
 * strictly from their text (bool t/f as 1/0; a number truncated, as
 * SQLite does), NULL as 0 / NULL, bytea decoded back to its bytes.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_db_pg.h"

/* 1 when r failed only because the server could not deduce the type of
 * a parameter: 42P18 (none: "? IS NULL", a number the text never uses)
 * or 42P08 (two: "? IS NULL OR name = ?1"). */
static int
hs_pg_untyped(const PGresult *r)
{
  const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

  return state && (!strcmp(state, "42P18") || !strcmp(state, "42P08"));
}

/* Prepare a late statement with the types of its bindings (a NULL's
 * unknown; if the server still cannot tell, text). */
static PGresult *
hs_pg_prepare_late(struct hs_pg_db *d, struct hs_pg_st *s)
{
  PGresult *r;
  int i;

  free(s->types);
  s->types = malloc(((size_t)s->nparams + 1) * sizeof(*s->types));
  if(!s->types)
    return NULL;
  memcpy(s->types, s->bound, (size_t)s->nparams * sizeof(*s->types));
  r = hs_pg_run(d, s, s->sql);
  if(hs_pg_untyped(r)) {
    PQclear(r);
    for(i = 0; i < s->nparams; i++)
      if(!s->types[i])
        s->types[i] = HS_PG_TEXT;
    r = hs_pg_run(d, s, s->sql);
  }
  if(hs_pg_ok(r)) {
    s->late = 0;
    s->gen = d->gen;
  }
  return r;
}

int
hs_pg_prepare(struct hs_db *db, const char *sql, struct hs_dbst **out)
{
  struct hs_pg_db *d = hs_pg_db_of(db);
  struct hs_pg_st *s = calloc(1, sizeof(*s));
  char *text;
  PGresult *r;
  int rc;

  d->err[0] = '\0';
  if(!s)
    return HS_DB_NOMEM;
  s->base.db = db;
  s->row = -1;
  text = hs_db_pg_rewrite(sql, &s->nparams, &s->txctl);
  if(!text) {
    free(s);
    hs_pg_fail(d, "postgresql", "statement too large or out of memory");
    return HS_DB_NOMEM;
  }
  snprintf(s->name, sizeof(s->name), "hs_%u", ++d->next_name);
  s->vals = calloc((size_t)s->nparams + 1, sizeof(*s->vals));
  s->lens = calloc((size_t)s->nparams + 1, sizeof(*s->lens));
  s->fmts = calloc((size_t)s->nparams + 1, sizeof(*s->fmts));
  s->bound = calloc((size_t)s->nparams + 1, sizeof(*s->bound));
  if(!s->vals || !s->lens || !s->fmts || !s->bound) {
    free(text);
    hs_pg_st_release(s, 0);
    return HS_DB_NOMEM;
  }
  s->sql = text;
  r = hs_pg_run(d, s, text);
  s->gen = d->gen; /* after run: it may have reconnected */
  if(hs_pg_untyped(r))
    s->late = 1; /* prepared at the first step, with its bindings' types */
  else if(!hs_pg_ok(r)) {
    rc = hs_pg_result_fail(d, r);
    PQclear(r);
    hs_pg_st_release(s, 0);
    return rc == HS_DB_CONSTRAINT ? HS_DB_ERROR : rc;
  }
  PQclear(r);
  s->next = d->stmts;
  if(d->stmts)
    d->stmts->prev = s;
  d->stmts = s;
  *out = &s->base;
  return HS_DB_OK;
}

static void
hs_pg_row_free(struct hs_pg_st *s)
{
  int i, n = s->res ? PQnfields(s->res) : 0;

  for(i = 0; s->bytea && i < n; i++) {
    free(s->bytea[i]);
    s->bytea[i] = NULL;
  }
}

static void
hs_pg_result_drop(struct hs_pg_st *s)
{
  hs_pg_row_free(s);
  free(s->bytea);
  free(s->bytea_n);
  s->bytea = NULL;
  s->bytea_n = NULL;
  PQclear(s->res);
  s->res = NULL;
  s->row = -1;
}

void
hs_pg_clear_bindings(struct hs_dbst *st)
{
  struct hs_pg_st *s = hs_pg_st_of(st);
  int i;

  for(i = 0; i < s->nparams; i++) {
    free(s->vals[i]);
    s->vals[i] = NULL;
    s->lens[i] = 0;
    s->fmts[i] = 0;
    s->bound[i] = 0;
  }
}

void
hs_pg_st_release(struct hs_pg_st *s, int deallocate)
{
  struct hs_pg_db *d = hs_pg_db_of(s->base.db);

  /* Only where it exists: not after a reconnect, and not in a failed
   * transaction (a refused DEALLOCATE would abort a sound one). */
  if(deallocate && !s->late && s->gen == d->gen && PQstatus(d->conn) == CONNECTION_OK &&
     PQtransactionStatus(d->conn) != PQTRANS_INERROR) {
    char sql[48];

    snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
    PQclear(PQexec(d->conn, sql));
  }
  hs_pg_result_drop(s);
  if(s->vals)
    hs_pg_clear_bindings(&s->base);
  if(s->prev)
    s->prev->next = s->next;
  else if(d->stmts == s)
    d->stmts = s->next;
  if(s->next)
    s->next->prev = s->prev;
  free(s->sql);
  free(s->vals);
  free(s->lens);
  free(s->fmts);
  free(s->bound);
  free(s->types);
  free(s);
}

void
hs_pg_finalize(struct hs_dbst *st)
{
  hs_pg_st_release(hs_pg_st_of(st), 1);
}

/* Store value v (n bytes, format fmt) as parameter i. */
static int
hs_pg_bind(struct hs_dbst *st, int i, const void *v, size_t n, int fmt,
           Oid type)
{
  struct hs_pg_st *s = hs_pg_st_of(st);
  struct hs_pg_db *d = hs_pg_db_of(st->db);
  char *copy = NULL;

  if(i < 1 || i > s->nparams) {
    char m[80];

    snprintf(m, sizeof(m), "bind index %d out of range 1..%d", i, s->nparams);
    hs_pg_fail(d, "postgresql", m);
    return HS_DB_ERROR;
  }
  if(v) {
    if(n > INT32_MAX) {
      hs_pg_fail(d, "postgresql", "bound value larger than 2 GiB");
      return HS_DB_ERROR;
    }
    copy = malloc(n + 1);
    if(!copy)
      return HS_DB_NOMEM;
    if(n)
      memcpy(copy, v, n);
    copy[n] = '\0';
  }
  free(s->vals[i - 1]);
  s->vals[i - 1] = copy;
  s->lens[i - 1] = (int)n;
  s->fmts[i - 1] = fmt;
  s->bound[i - 1] = v ? type : 0;
  return HS_DB_OK;
}

int
hs_pg_bind_i64(struct hs_dbst *st, int i, int64_t v)
{
  char buf[24];
  int n = snprintf(buf, sizeof(buf), "%" PRId64, v);

  return hs_pg_bind(st, i, buf, (size_t)n, 0, HS_PG_INT8);
}

int
hs_pg_bind_double(struct hs_dbst *st, int i, double v)
{
  char buf[32];
  int n;

  if(isnan(v))
    n = snprintf(buf, sizeof(buf), "NaN");
  else if(isinf(v))
    n = snprintf(buf, sizeof(buf), "%sInfinity", v < 0 ? "-" : "");
  else
    n = snprintf(buf, sizeof(buf), "%.17g", v);
  return hs_pg_bind(st, i, buf, (size_t)n, 0, HS_PG_FLOAT8);
}

int
hs_pg_bind_text(struct hs_dbst *st, int i, const char *s)
{
  return hs_pg_bind(st, i, s, strlen(s), 0, HS_PG_TEXT);
}

int
hs_pg_bind_blob(struct hs_dbst *st, int i, const void *p, size_t n)
{
  return hs_pg_bind(st, i, p ? p : "", n, 1, HS_PG_BYTEA);
}

int
hs_pg_bind_null(struct hs_dbst *st, int i)
{
  return hs_pg_bind(st, i, NULL, 0, 0, 0);
}

int
hs_pg_step(struct hs_dbst *st)
{
  struct hs_pg_st *s = hs_pg_st_of(st);
  struct hs_pg_db *d = hs_pg_db_of(st->db);
  PGresult *r;
  int rc, nf;

  d->err[0] = '\0';
  if(!s->res && s->late) {
    r = hs_pg_prepare_late(d, s);
    if(!hs_pg_ok(r)) {
      rc = hs_pg_result_fail(d, r);
      PQclear(r);
      return rc == HS_DB_CONSTRAINT ? HS_DB_ERROR : rc;
    }
    PQclear(r);
  }
  if(!s->res) {
    r = hs_pg_run(d, s, NULL);
    if(!hs_pg_ok(r)) {
      rc = hs_pg_result_fail(d, r);
      PQclear(r);
      return rc;
    }
    rc = hs_pg_done(d, r, s->txctl);
    if(rc != HS_DB_OK) {
      PQclear(r);
      return rc;
    }
    nf = PQnfields(r);
    s->res = r;
    s->bytea = calloc((size_t)nf + 1, sizeof(*s->bytea));
    s->bytea_n = calloc((size_t)nf + 1, sizeof(*s->bytea_n));
    if(!s->bytea || !s->bytea_n) {
      hs_pg_result_drop(s);
      return HS_DB_NOMEM;
    }
  } else if(s->row >= PQntuples(s->res)) {
    /* Stepped past DONE: run again, as SQLite does after its reset. */
    hs_pg_result_drop(s);
    return hs_pg_step(st);
  }
  hs_pg_row_free(s);
  if(++s->row >= PQntuples(s->res))
    return HS_DB_DONE;
  return HS_DB_ROW;
}

void
hs_pg_reset(struct hs_dbst *st)
{
  hs_pg_result_drop(hs_pg_st_of(st));
}

/* 1 when column i of the current row holds a value (0: NULL or no row). */
static int
hs_pg_has(struct hs_pg_st *s, int i)
{
  return s->res && s->row >= 0 && s->row < PQntuples(s->res) && i >= 0 &&
         i < PQnfields(s->res) && !PQgetisnull(s->res, s->row, i);
}

int
hs_pg_col_count(struct hs_dbst *st)
{
  struct hs_pg_st *s = hs_pg_st_of(st);

  return s->res ? PQnfields(s->res) : 0;
}

enum hs_db_type
hs_pg_col_type(struct hs_dbst *st, int i)
{
  struct hs_pg_st *s = hs_pg_st_of(st);

  if(!hs_pg_has(s, i))
    return HS_DB_T_NULL;
  switch(PQftype(s->res, i)) {
  case HS_PG_BOOL:
  case HS_PG_INT2:
  case HS_PG_INT4:
  case HS_PG_INT8:
  case HS_PG_OID:
    return HS_DB_T_INT;
  case HS_PG_FLOAT4:
  case HS_PG_FLOAT8:
  case HS_PG_NUMERIC:
    return HS_DB_T_FLOAT;
  case HS_PG_BYTEA:
    return HS_DB_T_BLOB;
  default:
    return HS_DB_T_TEXT;
  }
}

int64_t
hs_pg_col_i64(struct hs_dbst *st, int i)
{
  struct hs_pg_st *s = hs_pg_st_of(st);
  const char *v;
  char *end, m[120];
  long long n;
  double f;

  if(!hs_pg_has(s, i))
    return 0;
  v = PQgetvalue(s->res, s->row, i);
  if(PQftype(s->res, i) == HS_PG_BOOL)
    return v[0] == 't';
  errno = 0;
  n = strtoll(v, &end, 10);
  if(end != v && !*end && !errno)
    return (int64_t)n;
  if(hs_pg_col_type(st, i) == HS_DB_T_FLOAT) { /* as SQLite: truncated */
    f = strtod(v, &end);
    if(end != v && !*end && f >= -9223372036854775808.0 &&
       f < 9223372036854775808.0)
      return (int64_t)f;
  }
  snprintf(m, sizeof(m), "column %d (%s) is not a 64-bit integer", i,
           PQfname(s->res, i));
  hs_pg_fail(hs_pg_db_of(st->db), "postgresql", m);
  return 0;
}

double
hs_pg_col_double(struct hs_dbst *st, int i)
{
  struct hs_pg_st *s = hs_pg_st_of(st);
  const char *v;
  char *end;
  double f;

  if(!hs_pg_has(s, i))
    return 0;
  v = PQgetvalue(s->res, s->row, i);
  f = strtod(v, &end);
  return end != v && !*end ? f : 0;
}

/* Column i's bytea value decoded (cached for the row), NULL on failure. */
static const unsigned char *
hs_pg_bytea(struct hs_pg_st *s, int i, size_t *n)
{
  if(!s->bytea[i]) {
    size_t len = 0;
    unsigned char *raw = PQunescapeBytea(
        (const unsigned char *)PQgetvalue(s->res, s->row, i), &len);

    if(!raw)
      return NULL;
    s->bytea[i] = malloc(len + 1); /* NUL-ended for col_text */
    if(s->bytea[i]) {
      memcpy(s->bytea[i], raw, len);
      s->bytea[i][len] = '\0';
      s->bytea_n[i] = len;
    }
    PQfreemem(raw);
  }
  *n = s->bytea_n[i];
  return s->bytea[i];
}

const char *
hs_pg_col_text(struct hs_dbst *st, int i)
{
  struct hs_pg_st *s = hs_pg_st_of(st);
  size_t n;

  if(!hs_pg_has(s, i))
    return NULL;
  if(PQftype(s->res, i) == HS_PG_BYTEA)
    return (const char *)hs_pg_bytea(s, i, &n);
  return PQgetvalue(s->res, s->row, i);
}

const void *
hs_pg_col_blob(struct hs_dbst *st, int i)
{
  struct hs_pg_st *s = hs_pg_st_of(st);
  size_t n;

  if(!hs_pg_has(s, i))
    return NULL;
  if(PQftype(s->res, i) == HS_PG_BYTEA)
    return hs_pg_bytea(s, i, &n);
  return PQgetvalue(s->res, s->row, i);
}

size_t
hs_pg_col_bytes(struct hs_dbst *st, int i)
{
  struct hs_pg_st *s = hs_pg_st_of(st);
  size_t n = 0;

  if(!hs_pg_has(s, i))
    return 0;
  if(PQftype(s->res, i) == HS_PG_BYTEA)
    return hs_pg_bytea(s, i, &n) ? n : 0;
  return (size_t)PQgetlength(s->res, s->row, i);
}
