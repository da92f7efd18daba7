/*
 * hs_db_pg.c -- the PostgreSQL back end of hs_db.h, through libpq.
 *
 * Statements: the shared SQL's '?' parameters are rewritten to $1..$n
 * (never inside a '...' or E'...' literal, a "..." identifier, a $tag$
 * string or a -- / nested block comment) and prepared server-side under a
 * generated name.  Parameters go as text (int64 in decimal, double with
 * %.17g), blobs as binary bytea.
 *
 * Rows: the first hs_db_step runs the statement and fetches its whole
 * result; later steps walk its rows.  Not single-row mode: a streamed
 * result keeps the connection busy until its last row, and the store
 * runs other statements on the same connection while it walks a SELECT
 * (as SQLite allows); a whole result frees the connection at once.
 * Integers are parsed strictly from their text, bytea is decoded back to
 * its bytes.
 *
 * Same semantics as SQLite inside a transaction: PostgreSQL aborts the
 * whole transaction on any failed statement, SQLite only the statement.
 * So inside a transaction every statement (except transaction control)
 * runs under a savepoint sent in the same round trip (pipeline mode); a
 * failure rolls back to it and the transaction goes on, as on SQLite.
 *
 * Messages never show the password of the postgresql:// URI.
 */
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_db_impl.h"
#include "hs_internal.h" /* hs_mask */

/* Result column type OIDs (pg_type.h is a server header). */
#define HS_PG_BOOL 16
#define HS_PG_BYTEA 17
#define HS_PG_INT8 20
#define HS_PG_INT2 21
#define HS_PG_INT4 23
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
  int64_t changes, total;
  char *secrets[HS_PG_SECRETS];
  char err[512];
};

struct hs_pg_st {
  struct hs_dbst base;
  char name[24];
  int nparams;
  int txctl;     /* BEGIN/COMMIT/ROLLBACK/SAVEPOINT...: never guarded */
  char **vals;   /* nparams values (NULL: SQL NULL) */
  int *lens, *fmts;
  PGresult *res; /* the result being walked */
  int row;       /* current row of res; -1 before the first step */
  unsigned char **bytea; /* per column: decoded bytea of the current row */
  size_t *bytea_n;
  struct hs_pg_st *prev, *next;
};

static const struct hs_db_ops hs_pg_ops;

static struct hs_pg_db *
hs_pg_db_of(const struct hs_db *db)
{
  return (struct hs_pg_db *)(uintptr_t)db;
}

static struct hs_pg_st *
hs_pg_st_of(struct hs_dbst *st)
{
  return (struct hs_pg_st *)st;
}

/* ---- the password: found in the URI, kept out of every message ---- */

static void
hs_pg_secret_add(struct hs_pg_db *d, const char *s, size_t n)
{
  size_t k;

  for(k = 0; k < HS_PG_SECRETS && d->secrets[k]; k++)
    ;
  if(n && k < HS_PG_SECRETS)
    d->secrets[k] = strndup(s, n);
}

/* The passwords of uri as written (user:PASSWORD@, password=PASSWORD)
 * and as libpq decodes them (%XX). */
static void
hs_pg_secrets_find(struct hs_pg_db *d, const char *uri)
{
  const char *rest = strstr(uri, "://"), *end, *at, *colon, *q;
  PQconninfoOption *opts = PQconninfoParse(uri, NULL), *o;

  rest = rest ? rest + 3 : uri;
  end = rest + strcspn(rest, "/?");
  at = memchr(rest, '@', (size_t)(end - rest));
  colon = at ? memchr(rest, ':', (size_t)(at - rest)) : NULL;
  if(colon)
    hs_pg_secret_add(d, colon + 1, (size_t)(at - colon - 1));
  for(q = strchr(uri, '?'); q; q = strchr(q + 1, '&'))
    if(strncmp(q + 1, "password=", 9) == 0)
      hs_pg_secret_add(d, q + 10, strcspn(q + 10, "&#"));
  for(o = opts; o && o->keyword; o++)
    if(!strcmp(o->keyword, "password") && o->val)
      hs_pg_secret_add(d, o->val, strlen(o->val));
  PQconninfoFree(opts);
}

/* msg with every password replaced by "****", into buf. */
static void
hs_pg_scrub_into(struct hs_pg_db *d, char *buf, size_t buflen,
                 const char *msg)
{
  char *m = hs_mask(msg, d->secrets, HS_PG_SECRETS);

  snprintf(buf, buflen, "%s", m ? m : "postgresql: out of memory");
  hs_secret_free(m);
}

static void
hs_pg_fail(struct hs_pg_db *d, const char *what, const char *msg)
{
  char raw[sizeof(d->err)];
  size_t n;

  snprintf(raw, sizeof(raw), "%s%s%s", what, what[0] ? ": " : "",
           msg && msg[0] ? msg : "unknown failure");
  n = strlen(raw);
  while(n && (raw[n - 1] == '\n' || raw[n - 1] == ' '))
    raw[--n] = '\0';
  hs_pg_scrub_into(d, d->err, sizeof(d->err), raw);
  hs_wipe(raw, sizeof(raw));
}

/* The answer a failed result means, with its message kept in d->err. */
static int
hs_pg_result_fail(struct hs_pg_db *d, const PGresult *r)
{
  const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
  const char *prim = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  char msg[400];

  if(!r) {
    hs_pg_fail(d, "postgresql", PQerrorMessage(d->conn));
    return HS_DB_ERROR;
  }
  if(prim)
    snprintf(msg, sizeof(msg), "%s (SQLSTATE %s)", prim,
             state ? state : "?");
  else
    snprintf(msg, sizeof(msg), "%s", PQresultErrorMessage(r));
  hs_pg_fail(d, "postgresql", msg);
  if(!state)
    return HS_DB_ERROR;
  if(!strcmp(state, "40001") || !strcmp(state, "40P01") ||
     !strcmp(state, "55P03"))
    return HS_DB_BUSY;
  if(!strncmp(state, "23", 2))
    return HS_DB_CONSTRAINT;
  return HS_DB_ERROR;
}

/* ---- running: a command, guarded by a savepoint inside a transaction ---- */

/* Consume every result up to (and with) the pipeline's sync. */
static void
hs_pg_drain(PGconn *c)
{
  PGresult *r;
  int nulls = 0;

  while(nulls < 2) {
    r = PQgetResult(c);
    if(!r) {
      nulls++;
      continue;
    }
    nulls = 0;
    if(PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
      PQclear(r);
      return;
    }
    PQclear(r);
  }
}

/* The results of one pipelined command: its last non-NULL result (the
 * caller clears it), NULL when the connection failed. */
static PGresult *
hs_pg_collect(PGconn *c)
{
  PGresult *r, *last = NULL;

  while((r = PQgetResult(c)) != NULL) {
    PQclear(last);
    last = r;
  }
  return last;
}

static int
hs_pg_ok(const PGresult *r)
{
  ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;

  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

/* Run st (prepare when vals is NULL and sql is given, else execute) and
 * return its result (the caller clears it; NULL on a lost connection).
 * Inside a transaction the command runs under the savepoint hs_guard in
 * one round trip; its failure rolls back to the savepoint. */
static PGresult *
hs_pg_run(struct hs_pg_db *d, struct hs_pg_st *st, const char *sql)
{
  PGconn *c = d->conn;
  PGresult *r, *rel;
  int sent;

  if(st->txctl || PQtransactionStatus(c) != PQTRANS_INTRANS) {
    if(sql)
      return PQprepare(c, st->name, sql, 0, NULL);
    return PQexecPrepared(c, st->name, st->nparams,
                          (const char *const *)st->vals, st->lens, st->fmts,
                          0);
  }
  if(!PQenterPipelineMode(c))
    return NULL;
  sent = PQsendQueryParams(c, "SAVEPOINT hs_guard", 0, NULL, NULL, NULL,
                           NULL, 0) &&
         (sql ? PQsendPrepare(c, st->name, sql, 0, NULL)
              : PQsendQueryPrepared(c, st->name, st->nparams,
                                    (const char *const *)st->vals, st->lens,
                                    st->fmts, 0)) &&
         PQsendQueryParams(c, "RELEASE SAVEPOINT hs_guard", 0, NULL, NULL,
                           NULL, NULL, 0) &&
         PQpipelineSync(c);
  if(!sent) {
    PQexitPipelineMode(c);
    return NULL;
  }
  PQclear(hs_pg_collect(c));
  r = hs_pg_collect(c);
  rel = hs_pg_collect(c);
  hs_pg_drain(c);
  PQexitPipelineMode(c);
  if(hs_pg_ok(r) && hs_pg_ok(rel)) {
    PQclear(rel);
    return r;
  }
  PQclear(PQexec(c, "ROLLBACK TO SAVEPOINT hs_guard; "
                    "RELEASE SAVEPOINT hs_guard"));
  if(hs_pg_ok(r)) { /* the statement ran but its savepoint did not hold */
    PQclear(r);
    return rel;
  }
  PQclear(rel);
  return r;
}

/* A command that succeeded: a write (INSERT/UPDATE/DELETE/MERGE) counts
 * for changes(); a COMMIT that PostgreSQL answered ROLLBACK (a statement
 * of the transaction had failed unguarded) is a failure, not a commit. */
static int
hs_pg_done(struct hs_pg_db *d, PGresult *r, int txctl)
{
  const char *tag = PQcmdStatus(r);
  const char *n = PQcmdTuples(r);

  if((txctl & HS_DB_PG_TX_COMMIT) && !(txctl & HS_DB_PG_TX_ROLLBACK) &&
     !strcmp(tag, "ROLLBACK")) {
    hs_pg_fail(d, "postgresql", "COMMIT rolled the transaction back: a "
               "statement in it had failed, nothing of it was saved");
    return HS_DB_ERROR;
  }
  if(strncmp(tag, "INSERT", 6) && strncmp(tag, "UPDATE", 6) &&
     strncmp(tag, "DELETE", 6) && strncmp(tag, "MERGE", 5))
    return HS_DB_OK;
  d->changes = n[0] ? strtoll(n, NULL, 10) : 0;
  d->total += d->changes;
  return HS_DB_OK;
}

/* ---- connection ---- */

/* The server's notices ("table ... does not exist, skipping") are not
 * failures: libpq's default prints them on stderr. */
static void
hs_pg_notice(void *arg, const char *message)
{
  (void)arg;
  (void)message;
}

static void hs_pg_st_release(struct hs_pg_st *s, int deallocate);

int
hs_db_pg_open(const char *uri, int flags, struct hs_db **out, char *err,
              size_t errlen)
{
  struct hs_pg_db *d = calloc(1, sizeof(*d));
  char where[300];

  (void)flags; /* HS_DB_OPEN_CREATE is SQLite's: a database is made
                  with CREATE DATABASE, not by connecting */
  *out = NULL;
  if(!d) {
    snprintf(err, errlen, "store postgresql: out of memory");
    return HS_DB_NOMEM;
  }
  d->base.ops = &hs_pg_ops;
  hs_pg_secrets_find(d, uri);
  hs_pg_scrub_into(d, where, sizeof(where), uri);
  d->conn = PQconnectdb(uri);
  if(!d->conn || PQstatus(d->conn) != CONNECTION_OK ||
     PQsetClientEncoding(d->conn, "UTF8") != 0) {
    char what[340];

    snprintf(what, sizeof(what), "store %s: cannot connect", where);
    hs_pg_fail(d, what, d->conn ? PQerrorMessage(d->conn) : "out of memory");
    snprintf(err, errlen, "%s", d->err);
    hs_db_close(&d->base);
    return HS_DB_ERROR;
  }
  PQsetNoticeProcessor(d->conn, hs_pg_notice, NULL);
  *out = &d->base;
  return HS_DB_OK;
}

static void
hs_pg_close(struct hs_db *db)
{
  struct hs_pg_db *d = hs_pg_db_of(db);
  size_t k;

  while(d->stmts)
    hs_pg_st_release(d->stmts, 0); /* the session ends: no DEALLOCATE */
  if(d->conn)
    PQfinish(d->conn);
  for(k = 0; k < HS_PG_SECRETS; k++)
    hs_secret_free(d->secrets[k]);
  free(d);
}

static int
hs_pg_exec(struct hs_db *db, const char *sql)
{
  struct hs_pg_db *d = hs_pg_db_of(db);
  int np, txctl, rc = HS_DB_OK, guard;
  char *text = hs_db_pg_rewrite(sql, &np, &txctl);
  PGresult *r;

  d->err[0] = '\0';
  if(!text)
    return HS_DB_NOMEM;
  free(text);
  guard = !txctl && PQtransactionStatus(d->conn) == PQTRANS_INTRANS;
  if(guard) {
    r = PQexec(d->conn, "SAVEPOINT hs_guard");
    if(!hs_pg_ok(r)) {
      rc = hs_pg_result_fail(d, r);
      PQclear(r);
      return rc;
    }
    PQclear(r);
  }
  if(!PQsendQuery(d->conn, sql)) {
    hs_pg_fail(d, "postgresql", PQerrorMessage(d->conn));
    rc = HS_DB_ERROR;
  }
  while((r = PQgetResult(d->conn)) != NULL) {
    if(hs_pg_ok(r)) {
      int done = hs_pg_done(d, r, txctl);

      if(rc == HS_DB_OK)
        rc = done;
    } else if(rc == HS_DB_OK)
      rc = hs_pg_result_fail(d, r);
    PQclear(r);
  }
  if(guard)
    PQclear(PQexec(d->conn, rc == HS_DB_OK
                                ? "RELEASE SAVEPOINT hs_guard"
                                : "ROLLBACK TO SAVEPOINT hs_guard; "
                                  "RELEASE SAVEPOINT hs_guard"));
  return rc;
}

/* ---- statements ---- */

static int
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
  if(!s->vals || !s->lens || !s->fmts) {
    free(text);
    hs_pg_st_release(s, 0);
    return HS_DB_NOMEM;
  }
  r = hs_pg_run(d, s, text);
  free(text);
  if(!hs_pg_ok(r)) {
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

static void
hs_pg_clear_bindings(struct hs_dbst *st)
{
  struct hs_pg_st *s = hs_pg_st_of(st);
  int i;

  for(i = 0; i < s->nparams; i++) {
    free(s->vals[i]);
    s->vals[i] = NULL;
    s->lens[i] = 0;
    s->fmts[i] = 0;
  }
}

static void
hs_pg_st_release(struct hs_pg_st *s, int deallocate)
{
  struct hs_pg_db *d = hs_pg_db_of(s->base.db);

  if(deallocate) {
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
  free(s->vals);
  free(s->lens);
  free(s->fmts);
  free(s);
}

static void
hs_pg_finalize(struct hs_dbst *st)
{
  hs_pg_st_release(hs_pg_st_of(st), 1);
}

/* Store value v (n bytes, format fmt) as parameter i. */
static int
hs_pg_bind(struct hs_dbst *st, int i, const void *v, size_t n, int fmt)
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
  return HS_DB_OK;
}

static int
hs_pg_bind_i64(struct hs_dbst *st, int i, int64_t v)
{
  char buf[24];
  int n = snprintf(buf, sizeof(buf), "%" PRId64, v);

  return hs_pg_bind(st, i, buf, (size_t)n, 0);
}

static int
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
  return hs_pg_bind(st, i, buf, (size_t)n, 0);
}

static int
hs_pg_bind_text(struct hs_dbst *st, int i, const char *s)
{
  return hs_pg_bind(st, i, s, strlen(s), 0);
}

static int
hs_pg_bind_blob(struct hs_dbst *st, int i, const void *p, size_t n)
{
  return hs_pg_bind(st, i, p ? p : "", n, 1);
}

static int
hs_pg_bind_null(struct hs_dbst *st, int i)
{
  return hs_pg_bind(st, i, NULL, 0, 0);
}

static int
hs_pg_step(struct hs_dbst *st)
{
  struct hs_pg_st *s = hs_pg_st_of(st);
  struct hs_pg_db *d = hs_pg_db_of(st->db);
  PGresult *r;
  int rc, nf;

  d->err[0] = '\0';
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

static void
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

static int
hs_pg_col_count(struct hs_dbst *st)
{
  struct hs_pg_st *s = hs_pg_st_of(st);

  return s->res ? PQnfields(s->res) : 0;
}

static enum hs_db_type
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

static int64_t
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

static double
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

static const char *
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

static const void *
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

static size_t
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

static int64_t
hs_pg_changes(struct hs_db *db)
{
  return hs_pg_db_of(db)->changes;
}

static int64_t
hs_pg_total_changes(struct hs_db *db)
{
  return hs_pg_db_of(db)->total;
}

static int
hs_pg_autocommit(struct hs_db *db)
{
  PGTransactionStatusType t = PQtransactionStatus(hs_pg_db_of(db)->conn);

  return t == PQTRANS_IDLE || t == PQTRANS_UNKNOWN;
}

static const char *
hs_pg_errmsg(const struct hs_db *db)
{
  struct hs_pg_db *d = hs_pg_db_of(db);

  if(!d->err[0])
    hs_pg_fail(d, "postgresql", PQerrorMessage(d->conn));
  return d->err;
}

static const struct hs_db_ops hs_pg_ops = {
    .backend = HS_DB_POSTGRESQL,
    .close = hs_pg_close,
    .exec = hs_pg_exec,
    .prepare = hs_pg_prepare,
    .finalize = hs_pg_finalize,
    .bind_i64 = hs_pg_bind_i64,
    .bind_double = hs_pg_bind_double,
    .bind_text = hs_pg_bind_text,
    .bind_blob = hs_pg_bind_blob,
    .bind_null = hs_pg_bind_null,
    .step = hs_pg_step,
    .reset = hs_pg_reset,
    .clear_bindings = hs_pg_clear_bindings,
    .col_count = hs_pg_col_count,
    .col_type = hs_pg_col_type,
    .col_i64 = hs_pg_col_i64,
    .col_double = hs_pg_col_double,
    .col_text = hs_pg_col_text,
    .col_blob = hs_pg_col_blob,
    .col_bytes = hs_pg_col_bytes,
    .changes = hs_pg_changes,
    .total_changes = hs_pg_total_changes,
    .autocommit = hs_pg_autocommit,
    .errmsg = hs_pg_errmsg,
};
