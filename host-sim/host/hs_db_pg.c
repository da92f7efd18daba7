/*
 * hs_db_pg.c -- the PostgreSQL back end of hs_db.h, through libpq.
 *
 * This file: the connection, running one command (the statements
 * themselves are hs_db_pg_stmt.c, the '?' rewriting hs_db_pg_sql.c), the
 * errors and the operations table.
 *
 * Same semantics as SQLite inside a transaction: PostgreSQL aborts the
 * whole transaction on any failed statement, SQLite only the statement.
 * So inside a transaction every statement (except transaction control)
 * runs under a savepoint sent in the same round trip (pipeline mode); a
 * failure rolls back to it and the transaction goes on, as on SQLite.
 *
 * Messages never show the password of the postgresql:// URI (as written
 * or percent-decoded).
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_db_pg.h"
#include "hs_internal.h" /* hs_mask */

static const struct hs_db_ops hs_pg_ops;

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

void
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
int
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

int
hs_pg_ok(const PGresult *r)
{
  ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;

  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

/* Run st (prepare when vals is NULL and sql is given, else execute) and
 * return its result (the caller clears it; NULL on a lost connection).
 * Inside a transaction the command runs under the savepoint hs_guard in
 * one round trip; its failure rolls back to the savepoint. */
/* The connection, reconnected when the server dropped it (a restart, a
 * terminated backend, a cut network): 1 when usable.  What the lost
 * session held is gone with it: its transaction rolled back (the call
 * that met the loss failed), its settings reset; statements are prepared
 * again on their next use. */
static int
hs_pg_alive(struct hs_pg_db *d)
{
  if(PQstatus(d->conn) == CONNECTION_OK)
    return 1;
  PQreset(d->conn);
  if(PQstatus(d->conn) != CONNECTION_OK)
    return 0;
  d->gen++;
  return 1;
}

PGresult *
hs_pg_run(struct hs_pg_db *d, struct hs_pg_st *st, const char *sql)
{
  PGconn *c = d->conn;
  PGresult *r, *rel;
  int sent;

  if(!hs_pg_alive(d))
    return NULL;
  if(!sql && st->gen != d->gen) {
    r = hs_pg_run(d, st, st->sql);
    if(!hs_pg_ok(r))
      return r;
    PQclear(r);
    st->gen = d->gen;
  }

  if(st->txctl || PQtransactionStatus(c) != PQTRANS_INTRANS) {
    if(sql)
      return PQprepare(c, st->name, sql, st->types ? st->nparams : 0,
                       st->types);
    return PQexecPrepared(c, st->name, st->nparams,
                          (const char *const *)st->vals, st->lens, st->fmts,
                          0);
  }
  if(!PQenterPipelineMode(c))
    return NULL;
  sent = PQsendQueryParams(c, "SAVEPOINT hs_guard", 0, NULL, NULL, NULL,
                           NULL, 0) &&
         (sql ? PQsendPrepare(c, st->name, sql, st->types ? st->nparams : 0,
                              st->types)
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
int
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

int
hs_db_pg_open(const char *uri, int flags, struct hs_db **out, char *err,
              size_t errlen)
{
  struct hs_pg_db *d = calloc(1, sizeof(*d));
  const char *const kw[] = {"dbname", "client_encoding", NULL};
  const char *const val[] = {uri, "UTF8", NULL};
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
  /* client_encoding as a connection option: a reconnect keeps it */
  d->conn = PQconnectdbParams(kw, val, 1);
  if(!d->conn || PQstatus(d->conn) != CONNECTION_OK) {
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
  if(!hs_pg_alive(d)) {
    hs_pg_fail(d, "postgresql: connection lost", PQerrorMessage(d->conn));
    return HS_DB_ERROR;
  }
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
