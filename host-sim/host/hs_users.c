/*
 * hs_users.c -- the web Toolbox's users and sessions: users with a role
 * (admin, viewer) and an Argon2id password hash (libsodium
 * crypto_pwhash_str), login with a lock after repeated failures, and
 * sessions whose random ids are stored only as BLAKE2b hashes, each with
 * a form (CSRF) token derived from the id.
 * WARNING: no password, session id or token is ever logged or stored in
 * clear; messages name the user only.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "hs_internal.h"

#define HS_SID_BYTES 32
#define HS_NAME_MAX 64
#define HS_PW_MIN 8
#define HS_PW_MAX 1024

const char *
hs_role_name(int role)
{
  return role == HS_ROLE_ADMIN ? "admin" : "viewer";
}

int
hs_role_parse(const char *s, int *role)
{
  if(s && strcmp(s, "admin") == 0)
    *role = HS_ROLE_ADMIN;
  else if(s && strcmp(s, "viewer") == 0)
    *role = HS_ROLE_VIEWER;
  else
    return BMC_ERR_INVALID_ARG;
  return BMC_OK;
}

static int
hs_sodium(char *err, size_t errlen)
{
  if(sodium_init() < 0) {
    hs_errf(err, errlen, "users: libsodium cannot start");
    return BMC_ERR_INTERNAL;
  }
  return BMC_OK;
}

static int
hs_user_name_ok(const char *name, char *err, size_t errlen)
{
  size_t i, n = name ? strlen(name) : 0;

  if(n == 0 || n > HS_NAME_MAX) {
    hs_errf(err, errlen, "user name must be 1 to %d characters",
            HS_NAME_MAX);
    return BMC_ERR_INVALID_ARG;
  }
  for(i = 0; i < n; i++) {
    char c = name[i];

    if(!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' ||
         c == '-')) {
      hs_errf(err, errlen, "user name: character %zu is not one of "
              "A-Z a-z 0-9 . _ @ -", i + 1);
      return BMC_ERR_INVALID_ARG;
    }
  }
  return BMC_OK;
}

static int
hs_password_ok(const char *pw, char *err, size_t errlen)
{
  size_t i, n = pw ? strlen(pw) : 0;

  if(n < HS_PW_MIN || n > HS_PW_MAX) {
    hs_errf(err, errlen, "password must be %d to %d characters (got %zu)",
            HS_PW_MIN, HS_PW_MAX, n);
    return BMC_ERR_INVALID_ARG;
  }
  for(i = 0; i < n; i++)
    if((unsigned char)pw[i] < 0x20 || pw[i] == 0x7f) {
      hs_errf(err, errlen, "password: character %zu is a control "
              "character", i + 1);
      return BMC_ERR_INVALID_ARG;
    }
  return BMC_OK;
}

void
hs_pwhash_limits(unsigned long long *opslimit, size_t *memlimit)
{
  const char *weak = getenv(HS_TEST_WEAK_PWHASH_ENV);

  if(weak && strcmp(weak, "1") == 0) {
    *opslimit = crypto_pwhash_OPSLIMIT_MIN;
    *memlimit = crypto_pwhash_MEMLIMIT_MIN;
    return;
  }
  *opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  *memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

static int
hs_hash_password(const char *pw, char out[crypto_pwhash_STRBYTES], char *err,
                 size_t errlen)
{
  unsigned long long ops;
  size_t mem;

  hs_pwhash_limits(&ops, &mem);
  if(crypto_pwhash_str_alg(out, pw, strlen(pw), ops, mem,
                           crypto_pwhash_ALG_ARGON2ID13) != 0) {
    hs_errf(err, errlen, "users: password hashing ran out of memory");
    return BMC_ERR_NOMEM;
  }
  return BMC_OK;
}

int
hs_user_add(struct hs_host *h, const char *name, int role,
            const char *password, char *err, size_t errlen)
{
  char hash[crypto_pwhash_STRBYTES];
  struct hs_dbst *st;
  int rc;

  if(!h)
    return BMC_ERR_INVALID_ARG;
  if((rc = hs_sodium(err, errlen)) || (rc = hs_user_name_ok(name, err,
                                                             errlen)) ||
     (rc = hs_password_ok(password, err, errlen)))
    return rc;
  if(role != HS_ROLE_ADMIN && role != HS_ROLE_VIEWER) {
    hs_errf(err, errlen, "role must be admin or viewer");
    return BMC_ERR_INVALID_ARG;
  }
  rc = hs_hash_password(password, hash, err, errlen);
  if(rc)
    return rc;
  st = hs_stmt(h, "INSERT INTO users(name, role, pw_hash, created_ms,"
               " updated_ms) VALUES(?1, ?2, ?3, ?4, ?4) ON CONFLICT(name) DO"
               " NOTHING");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_bind_text(st, 1, name);
  hs_bind_text(st, 2, hs_role_name(role));
  hs_bind_text(st, 3, hash);
  hs_db_bind_i64(st, 4, hs_clock_now(h));
  rc = hs_db_step(st) == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
  hs_db_reset(st);
  sodium_memzero(hash, sizeof(hash));
  if(rc) {
    hs_errf(err, errlen, "users: %s", hs_db_errmsg(h->db));
    return rc;
  }
  if(hs_db_changes(h->db) == 0) {
    hs_errf(err, errlen, "user '%s' already exists", name);
    return BMC_ERR_CONFLICT;
  }
  return BMC_OK;
}

static int
hs_user_sessions_end(struct hs_host *h, int64_t uid)
{
  struct hs_dbst *st = hs_stmt(h, "DELETE FROM sessions WHERE user_id = ?");
  int rc;

  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, uid);
  rc = hs_db_step(st) == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
  hs_db_reset(st);
  return rc;
}

static int
hs_user_id(struct hs_host *h, const char *name, int64_t *uid)
{
  struct hs_dbst *st = hs_stmt(h, "SELECT id FROM users WHERE name = ?");
  int rc = BMC_ERR_NOT_FOUND;

  if(!st)
    return BMC_ERR_INTERNAL;
  hs_bind_text(st, 1, name);
  if(hs_db_step(st) == HS_DB_ROW) {
    *uid = hs_db_col_i64(st, 0);
    rc = BMC_OK;
  }
  hs_db_reset(st);
  return rc;
}

int
hs_user_set_password(struct hs_host *h, const char *name,
                     const char *password, char *err, size_t errlen)
{
  char hash[crypto_pwhash_STRBYTES];
  struct hs_dbst *st;
  int64_t uid;
  int rc;

  if(!h || !name)
    return BMC_ERR_INVALID_ARG;
  if((rc = hs_sodium(err, errlen)) ||
     (rc = hs_password_ok(password, err, errlen)))
    return rc;
  if(hs_user_id(h, name, &uid)) {
    hs_errf(err, errlen, "no user '%s'", name);
    return BMC_ERR_NOT_FOUND;
  }
  rc = hs_hash_password(password, hash, err, errlen);
  if(rc)
    return rc;
  rc = hs_begin(h);
  st = rc ? NULL : hs_stmt(h, "UPDATE users SET pw_hash = ?, failed_logins"
                           " = 0, locked_until_ms = 0, updated_ms = ? WHERE"
                           " id = ?");
  if(st) {
    hs_bind_text(st, 1, hash);
    hs_db_bind_i64(st, 2, hs_clock_now(h));
    hs_db_bind_i64(st, 3, uid);
    rc = hs_db_step(st) == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
    hs_db_reset(st);
    if(!rc)
      rc = hs_user_sessions_end(h, uid);
    if(!rc)
      rc = hs_commit(h);
  }
  else if(!rc) {
    rc = BMC_ERR_INTERNAL;
  }
  if(rc)
    hs_rollback(h);
  sodium_memzero(hash, sizeof(hash));
  if(rc)
    hs_errf(err, errlen, "users: cannot store the new password");
  return rc;
}

int
hs_user_remove(struct hs_host *h, const char *name)
{
  struct hs_dbst *st;
  int64_t uid;
  int rc;

  if(!h || !name)
    return BMC_ERR_INVALID_ARG;
  if(hs_user_id(h, name, &uid))
    return BMC_ERR_NOT_FOUND;
  st = hs_stmt(h, "DELETE FROM users WHERE id = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, uid);
  rc = hs_db_step(st) == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
  hs_db_reset(st);
  return rc;
}

int
hs_users_each(struct hs_host *h,
              int (*cb)(void *ud, const struct hs_user *u), void *ud)
{
  struct hs_dbst *st = NULL;
  int rc = BMC_OK, s;

  if(!h || !cb)
    return BMC_ERR_INVALID_ARG;
  if(hs_db_prepare(h->db, "SELECT u.id, u.name, u.role, u.created_ms,"
                   " (SELECT COUNT(*) FROM sessions s WHERE s.user_id ="
                   " u.id AND s.expires_ms > ?1), u.locked_until_ms"
                   " FROM users u ORDER BY u.name", &st) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, hs_clock_now(h));
  while((s = hs_db_step(st)) == HS_DB_ROW) {
    struct hs_user u;

    u.id = hs_db_col_i64(st, 0);
    u.name = hs_col_text(st, 1);
    hs_role_parse(hs_col_text(st, 2), &u.role);
    u.created_ms = hs_db_col_i64(st, 3);
    u.n_sessions = hs_db_col_i64(st, 4);
    u.locked_until_ms = hs_db_col_i64(st, 5);
    rc = cb(ud, &u);
    if(rc)
      break;
  }
  if(!rc && s != HS_DB_DONE)
    rc = BMC_ERR_INTERNAL;
  hs_db_finalize(st);
  return rc;
}

/* ---- login and sessions ---- */

/* A hash to verify against when the user does not exist, so an unknown
 * name costs the same Argon2id work as a wrong password. */
static char hs_dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t hs_dummy_once = PTHREAD_ONCE_INIT;

static void
hs_dummy_init(void)
{
  if(hs_hash_password("not-a-real-password", hs_dummy_hash, NULL, 0))
    hs_dummy_hash[0] = '\0';
}

/* BLAKE2b-256 of the raw session id, as hex (what the store keeps). */
static void
hs_sid_hash(const unsigned char raw[HS_SID_BYTES], char hex[65])
{
  unsigned char d[32];

  crypto_generichash(d, sizeof(d), raw, HS_SID_BYTES, NULL, 0);
  sodium_bin2hex(hex, 65, d, sizeof(d));
}

static int
hs_sid_decode(const char *sid, unsigned char raw[HS_SID_BYTES])
{
  size_t n = 0;

  if(!sid || strlen(sid) != HS_SESSION_ID_LEN)
    return -1;
  if(sodium_hex2bin(raw, HS_SID_BYTES, sid, HS_SESSION_ID_LEN, NULL, &n,
                    NULL) != 0 || n != HS_SID_BYTES)
    return -1;
  return 0;
}

static int
hs_login_failed(struct hs_host *h, int64_t uid, int64_t fails, int64_t now)
{
  struct hs_dbst *st = hs_stmt(h, "UPDATE users SET failed_logins = ?,"
                             " locked_until_ms = ? WHERE id = ?");
  int lock = fails + 1 >= HS_LOGIN_MAX_FAILS, rc;

  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, lock ? 0 : fails + 1);
  hs_db_bind_i64(st, 2, lock ? now + HS_LOGIN_LOCK_MS : 0);
  hs_db_bind_i64(st, 3, uid);
  rc = hs_db_step(st) == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
  hs_db_reset(st);
  return rc;
}

static int
hs_session_insert(struct hs_host *h, int64_t uid, int64_t now,
                  int64_t ttl_ms, char *sid, size_t sidlen)
{
  unsigned char raw[HS_SID_BYTES];
  char idh[65];
  struct hs_dbst *st;
  int rc;

  if(sidlen < HS_SESSION_ID_LEN + 1)
    return BMC_ERR_TOO_SMALL;
  randombytes_buf(raw, sizeof(raw));
  hs_sid_hash(raw, idh);
  sodium_bin2hex(sid, sidlen, raw, sizeof(raw));
  sodium_memzero(raw, sizeof(raw));
  st = hs_stmt(h, "DELETE FROM sessions WHERE expires_ms <= ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, now);
  rc = hs_db_step(st) == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
  hs_db_reset(st);
  st = rc ? NULL : hs_stmt(h, "INSERT INTO sessions(id_hash, user_id,"
                           " created_ms, expires_ms) VALUES(?, ?, ?, ?)");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_bind_text(st, 1, idh);
  hs_db_bind_i64(st, 2, uid);
  hs_db_bind_i64(st, 3, now);
  hs_db_bind_i64(st, 4, now + ttl_ms);
  rc = hs_db_step(st) == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
  hs_db_reset(st);
  if(rc)
    sodium_memzero(sid, sidlen);
  return rc;
}

int
hs_user_login(struct hs_host *h, const char *name, const char *password,
              int64_t ttl_ms, char *sid, size_t sidlen, char *err,
              size_t errlen)
{
  char hash[crypto_pwhash_STRBYTES] = "";
  int64_t uid = 0, fails = 0, locked = 0, now;
  struct hs_dbst *st;
  int rc, found = 0, ok;

  if(!h || !name || !password || !sid || ttl_ms <= 0)
    return BMC_ERR_INVALID_ARG;
  if((rc = hs_sodium(err, errlen)))
    return rc;
  now = hs_clock_now(h);
  st = hs_stmt(h, "SELECT id, pw_hash, failed_logins, locked_until_ms FROM"
               " users WHERE name = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_bind_text(st, 1, name);
  if(hs_db_step(st) == HS_DB_ROW) {
    found = 1;
    uid = hs_db_col_i64(st, 0);
    snprintf(hash, sizeof(hash), "%s", hs_col_text(st, 1));
    fails = hs_db_col_i64(st, 2);
    locked = hs_db_col_i64(st, 3);
  }
  hs_db_reset(st);
  if(found && locked > now) {
    hs_errf(err, errlen, "user '%s' is locked for %lld more minute(s) after "
            "%d failed logins", name,
            (long long)((locked - now + 59999) / 60000), HS_LOGIN_MAX_FAILS);
    return BMC_ERR_CONFLICT;
  }
  if(!found) {
    pthread_once(&hs_dummy_once, hs_dummy_init);
    snprintf(hash, sizeof(hash), "%s", hs_dummy_hash);
  }
  ok = hash[0] && strlen(password) <= HS_PW_MAX &&
       crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
  if(!found || !ok) {
    if(found && hs_login_failed(h, uid, fails, now))
      return BMC_ERR_INTERNAL;
    hs_errf(err, errlen, "wrong user name or password");
    return BMC_ERR_UNAUTHORIZED;
  }
  st = hs_stmt(h, "UPDATE users SET failed_logins = 0 WHERE id = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, uid);
  rc = hs_db_step(st) == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
  hs_db_reset(st);
  if(!rc)
    rc = hs_session_insert(h, uid, now, ttl_ms, sid, sidlen);
  if(rc)
    hs_errf(err, errlen, "users: cannot start a session");
  return rc;
}

int
hs_session_get(struct hs_host *h, const char *sid, struct hs_session *out)
{
  unsigned char raw[HS_SID_BYTES], tok[32];
  char idh[65];
  struct hs_dbst *st;
  int rc = BMC_ERR_NOT_FOUND;

  if(!h || !out)
    return BMC_ERR_INVALID_ARG;
  if(hs_sodium(NULL, 0) || hs_sid_decode(sid, raw))
    return BMC_ERR_NOT_FOUND;
  hs_sid_hash(raw, idh);
  st = hs_stmt(h, "SELECT u.name, u.role, s.expires_ms FROM sessions s JOIN"
               " users u ON u.id = s.user_id WHERE s.id_hash = ? AND"
               " s.expires_ms > ?");
  if(!st) {
    sodium_memzero(raw, sizeof(raw));
    return BMC_ERR_INTERNAL;
  }
  hs_bind_text(st, 1, idh);
  hs_db_bind_i64(st, 2, hs_clock_now(h));
  if(hs_db_step(st) == HS_DB_ROW) {
    memset(out, 0, sizeof(*out));
    snprintf(out->user, sizeof(out->user), "%s", hs_col_text(st, 0));
    hs_role_parse(hs_col_text(st, 1), &out->role);
    out->expires_ms = hs_db_col_i64(st, 2);
    /* The form token is keyed by the raw id: a store copy cannot forge
     * it, and it needs no column of its own. */
    crypto_generichash(tok, sizeof(tok), (const unsigned char *)"bmc-csrf",
                       8, raw, sizeof(raw));
    sodium_bin2hex(out->csrf, sizeof(out->csrf), tok, sizeof(tok));
    rc = BMC_OK;
  }
  hs_db_reset(st);
  sodium_memzero(raw, sizeof(raw));
  return rc;
}

int
hs_session_end(struct hs_host *h, const char *sid)
{
  unsigned char raw[HS_SID_BYTES];
  char idh[65];
  struct hs_dbst *st;
  int rc;

  if(!h)
    return BMC_ERR_INVALID_ARG;
  if(hs_sodium(NULL, 0) || hs_sid_decode(sid, raw))
    return BMC_OK;
  hs_sid_hash(raw, idh);
  sodium_memzero(raw, sizeof(raw));
  st = hs_stmt(h, "DELETE FROM sessions WHERE id_hash = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_bind_text(st, 1, idh);
  rc = hs_db_step(st) == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
  hs_db_reset(st);
  return rc;
}

int
hs_csrf_equal(const struct hs_session *s, const char *token)
{
  if(!s || !token || strlen(token) != HS_SESSION_ID_LEN ||
     strlen(s->csrf) != HS_SESSION_ID_LEN)
    return 0;
  return sodium_memcmp(s->csrf, token, HS_SESSION_ID_LEN) == 0;
}
