/*
 * test_secrets.c -- secrets at rest: the store, its -wal/-shm and its key
 * file are 0600 (and an existing store is made so); a secret setting is
 * sealed in the store, so the bytes of the files hold neither the token
 * nor the key; a store written by an older host-sim (token in clear) is
 * sealed on open; no key file or another key is refused with a message
 * that names the file (never the ciphertext); a damaged value is an error,
 * not a token; key rotation re-seals everything, retires the old key,
 * reaches other open processes, and an interrupted rotation is finished
 * by the next open; the process holding secrets is not dumpable.
 */
#define _GNU_SOURCE /* memmem */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <sodium.h>

#include "th.h"
#include "cu_main.h"

#define SAVED_STORE BMC_SOURCE_DIR "/tests/fixtures/stores/store_v3.db"

static char dir[256], db[512], key[512];

static void
fresh(void)
{
  th_tmpdir(dir, sizeof(dir));
  snprintf(db, sizeof(db), "%s/host.db", dir);
  snprintf(key, sizeof(key), "%s/host.db.key", dir);
}

static int
mode_of(const char *path)
{
  struct stat sb;

  return stat(path, &sb) == 0 ? (int)(sb.st_mode & 0777) : -1;
}

/* Whole file in memory (NULL when absent); *len its size. */
static char *
slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  long n;

  *len = 0;
  if(!f)
    return NULL;
  if(fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
     fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) != NULL) {
    *len = fread(buf, 1, (size_t)n, f);
    buf[*len] = '\0';
  }
  fclose(f);
  return buf;
}

/* The raw key bytes and their hex text, from the key file. */
static int
read_key(const char *path, unsigned char raw[32], char hex[65])
{
  size_t len, binlen = 0;
  char *text = slurp(path, &len), *line;
  int rc = -1;

  line = text ? strstr(text, "bmc-store-key-v1 ") : NULL;
  if(line && sodium_hex2bin(raw, 32, line + 17, 64, NULL, &binlen, NULL) ==
                 0 && binlen == 32) {
    memcpy(hex, line + 17, 64);
    hex[64] = '\0';
    rc = 0;
  }
  free(text);
  return rc;
}

/* Number of the store's files (db, -wal, -shm) whose bytes contain one of
 * the needles: the token, the key as hex, the raw key. */
static int
files_leaking(const char *token, const char *keyfile)
{
  static const char *const side[] = {"", "-wal", "-shm"};
  unsigned char raw[32];
  char hex[65], p[600];
  size_t i, len;
  int leaks = 0, have_key = read_key(keyfile, raw, hex) == 0;

  CU_ASSERT_TRUE(have_key);
  for(i = 0; i < 3; i++) {
    char *b;

    snprintf(p, sizeof(p), "%s%s", db, side[i]);
    b = slurp(p, &len);
    if(!b)
      continue;
    if(memmem(b, len, token, strlen(token)) ||
       (have_key && (memmem(b, len, hex, 64) || memmem(b, len, raw, 32)))) {
      fprintf(stderr, "\n  %s holds a secret\n", p);
      leaks++;
    }
    free(b);
  }
  return leaks;
}

static int
sql(const char *text)
{
  sqlite3 *s = NULL;
  int rc = -1;

  if(sqlite3_open(db, &s) == SQLITE_OK)
    rc = sqlite3_exec(s, text, NULL, NULL, NULL);
  sqlite3_close(s);
  return rc;
}

static struct hs_host *
open_key(const char *key_file, char *err, size_t errlen)
{
  struct hs_options o;
  struct hs_host *h = NULL;

  memset(&o, 0, sizeof(o));
  o.db_path = db;
  o.schema_dir = BMC_SCHEMA_DIR;
  o.key_file = key_file;
  err[0] = '\0';
  if(hs_host_open(&o, &h, err, errlen))
    return NULL;
  if(hs_host_add_plugin_api(h, &th_plugin, "in-memory", err, errlen)) {
    hs_host_close(h);
    return NULL;
  }
  return h;
}

static void
set_token(struct hs_host *h, const char *tok)
{
  char err[256];

  CU_ASSERT_EQUAL_FATAL(hs_company_setting_set(h, "Acme", "tplug", "token",
                                               tok, err, sizeof(err)),
                        BMC_OK);
}

/* A new store (th_open: company Acme, tplug) with token set when given. */
static struct hs_host *
fresh_store(const char *token)
{
  struct hs_host *h;

  fresh();
  h = th_open(dir);
  if(h && token)
    set_token(h, token);
  return h;
}

static int
token_is(struct hs_host *h, const char *tok)
{
  char buf[128];

  return hs_company_setting_get(h, "Acme", "tplug", "token", buf,
                                sizeof(buf)) == BMC_OK &&
         strcmp(buf, tok) == 0;
}

static void
test_files_private(void)
{
  char p[600];
  struct hs_host *h;
  int st;

  h = fresh_store(TH_SECRET);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_EQUAL(hs_run_action(h, "Acme", "tplug", "ping", NULL, &st, NULL,
                                0), BMC_OK);
  /* While open: the WAL and shared-memory files exist. */
  CU_ASSERT_EQUAL(mode_of(db), 0600);
  snprintf(p, sizeof(p), "%s-wal", db);
  CU_ASSERT_EQUAL(mode_of(p), 0600);
  snprintf(p, sizeof(p), "%s-shm", db);
  CU_ASSERT_EQUAL(mode_of(p), 0600);
  CU_ASSERT_EQUAL(mode_of(key), 0600);
  CU_ASSERT_STRING_EQUAL(hs_store_key_path(h), key);
  hs_host_close(h);
  /* A store left 0644 by an older host-sim is made private on open. */
  CU_ASSERT_EQUAL(chmod(db, 0644), 0);
  h = th_open(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_EQUAL(mode_of(db), 0600);
  hs_host_close(h);
  th_rmdir(dir);
}

static void
test_sealed_at_rest(void)
{
  struct hs_host *h;
  int64_t job = 0;
  int st = -1;

  h = fresh_store(TH_SECRET);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_EQUAL(hs_run_action(h, "Acme", "tplug", "leak", &job, &st, NULL,
                                0), BMC_OK);
  CU_ASSERT_EQUAL(hs_run_action(h, "Acme", "tplug", "ping", &job, &st, NULL,
                                0), BMC_OK);
  CU_ASSERT_TRUE(token_is(h, TH_SECRET));
  CU_ASSERT_EQUAL(files_leaking(TH_SECRET, key), 0); /* WAL while open */
  hs_host_close(h);
  CU_ASSERT_EQUAL(files_leaking(TH_SECRET, key), 0);
  /* The row holds ciphertext, flagged as such. */
  CU_ASSERT_EQUAL(sql("SELECT 1 FROM settings WHERE key = 'token' AND"
                      " encrypted = 1 AND value LIKE 'v1:%' AND value NOT"
                      " LIKE '%SECRET%' AND 1/(SELECT COUNT(*) FROM settings"
                      " WHERE key = 'token' AND encrypted = 1)"), SQLITE_OK);
  /* An in-memory store keeps its key in memory. */
  {
    struct hs_options o;
    char err[256];

    memset(&o, 0, sizeof(o));
    o.db_path = ":memory:";
    o.schema_dir = BMC_SCHEMA_DIR;
    CU_ASSERT_EQUAL_FATAL(hs_host_open(&o, &h, err, sizeof(err)), BMC_OK);
    CU_ASSERT_PTR_NULL(hs_store_key_path(h));
    CU_ASSERT_EQUAL(hs_host_add_plugin_api(h, &th_plugin, "mem", err,
                                           sizeof(err)), BMC_OK);
    CU_ASSERT_EQUAL(hs_company_add(h, "Acme", NULL), BMC_OK);
    set_token(h, TH_SECRET);
    CU_ASSERT_TRUE(token_is(h, TH_SECRET));
    CU_ASSERT_EQUAL(hs_store_rotate_key(h, err, sizeof(err)), BMC_OK);
    CU_ASSERT_TRUE(token_is(h, TH_SECRET));
    hs_host_close(h);
  }
  th_rmdir(dir);
}

/* A store as an older host-sim left it (the store saved before
 * migrations 4 to 8, tests/fixtures/stores/store_v3.db): the token in
 * clear, no key.  Opening it upgrades it and seals the token; the files
 * no longer hold it. */
static void
test_legacy_store_sealed(void)
{
  struct hs_host *h;

  fresh();
  CU_ASSERT_FATAL(th_copy_file(SAVED_STORE, db));
  CU_ASSERT_EQUAL(sql("INSERT INTO companies(name, created_ms)"
                      " VALUES('Acme', 1);"
                      " INSERT INTO settings(company_id, plugin, key, value,"
                      " updated_ms) SELECT id, 'tplug', 'token', '" TH_SECRET
                      "', 1 FROM companies WHERE name = 'Acme'"), SQLITE_OK);
  CU_ASSERT_EQUAL(mode_of(key), -1);
  CU_ASSERT_EQUAL(sql("SELECT 1/(SELECT COUNT(*) FROM settings WHERE value"
                      " = '" TH_SECRET "')"), SQLITE_OK);
  h = th_open(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_TRUE(token_is(h, TH_SECRET));
  CU_ASSERT_EQUAL(mode_of(key), 0600);
  hs_host_close(h);
  CU_ASSERT_EQUAL(files_leaking(TH_SECRET, key), 0);
  th_rmdir(dir);
}

static void
test_missing_or_wrong_key(void)
{
  char err[1024], saved[600], other[256], otherkey[600];
  struct hs_host *h;

  h = fresh_store(TH_SECRET);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  hs_host_close(h);
  snprintf(saved, sizeof(saved), "%s/saved.key", dir);
  CU_ASSERT_EQUAL(rename(key, saved), 0);

  /* No key file: refused, naming it; no ciphertext, no token. */
  CU_ASSERT_PTR_NULL(open_key(NULL, err, sizeof(err)));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "holds 1 encrypted secret setting(s) "
                                "but its key file"));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, key));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "restore it"));
  CU_ASSERT_PTR_NULL(strstr(err, "v1:"));
  CU_ASSERT_EQUAL(mode_of(key), -1); /* no new key was made over it */

  /* Another store's key: refused. */
  th_tmpdir(other, sizeof(other));
  {
    struct hs_host *o = th_open(other);

    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    hs_host_close(o);
  }
  snprintf(otherkey, sizeof(otherkey), "%s/host.db.key", other);
  CU_ASSERT_PTR_NULL(open_key(otherkey, err, sizeof(err)));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "is not the key of store"));
  CU_ASSERT_PTR_NULL(strstr(err, "v1:"));

  /* The right key named explicitly (host.cfg key_file) opens it. */
  h = open_key(saved, err, sizeof(err));
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_TRUE(token_is(h, TH_SECRET));
  CU_ASSERT_STRING_EQUAL(hs_store_key_path(h), saved);
  hs_host_close(h);

  /* A key file others can read is refused. */
  CU_ASSERT_EQUAL(chmod(saved, 0644), 0);
  CU_ASSERT_PTR_NULL(open_key(saved, err, sizeof(err)));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "readable by group or others (mode "
                                "0644); run chmod 600"));
  /* Not a key file at all. */
  CU_ASSERT_PTR_NULL(open_key("/etc/hostname", err, sizeof(err)));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "key file /etc/hostname"));
  th_rmdir(other);
  th_rmdir(dir);
}

/* A damaged sealed value is an error that says so, never a token. */
static void
test_damaged_value(void)
{
  struct hs_host *h;
  char buf[128];
  int64_t job = 0;
  int st = -1;

  h = fresh_store(TH_SECRET);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  hs_host_close(h);
  CU_ASSERT_EQUAL(sql("UPDATE settings SET value = 'v1:' || substr(value, 5)"
                      " WHERE key = 'token'"), SQLITE_OK);
  h = th_open(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  buf[0] = '\0';
  CU_ASSERT_EQUAL(hs_company_setting_get(h, "Acme", "tplug", "token", buf,
                                         sizeof(buf)), BMC_ERR_CONFIG);
  CU_ASSERT_STRING_EQUAL(buf, "");
  CU_ASSERT_PTR_NOT_NULL(strstr(hs_last_error(h), "secret setting 'token' "
                                "of plugin tplug"));
  CU_ASSERT_PTR_NOT_NULL(strstr(hs_last_error(h), "cannot be decrypted"));
  CU_ASSERT_PTR_NULL(strstr(hs_last_error(h), "v1:"));
  /* The plugin is refused the value: its job fails, nothing leaks. */
  CU_ASSERT_EQUAL(hs_run_action(h, "Acme", "tplug", "leak", &job, &st, NULL,
                                0), BMC_OK);
  CU_ASSERT_EQUAL(st, HS_JOB_FAILED);
  CU_ASSERT_FALSE(th_log_has(h, job, "v1:", 0));
  hs_host_close(h);
  th_rmdir(dir);
}

static void
test_rotation(void)
{
  char err[1024], oldkey[600], newfile[600];
  unsigned char raw1[32], raw2[32];
  char hex1[65], hex2[65];
  struct hs_host *a, *b, *c, *d;
  size_t len;
  char *old;
  FILE *f;

  a = fresh_store(TH_SECRET);
  CU_ASSERT_PTR_NOT_NULL_FATAL(a);
  b = th_open(dir); /* another process on the same store */
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  CU_ASSERT_TRUE(token_is(b, TH_SECRET));
  d = th_open(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(d);
  CU_ASSERT_EQUAL_FATAL(read_key(key, raw1, hex1), 0);
  old = slurp(key, &len);
  CU_ASSERT_PTR_NOT_NULL_FATAL(old);

  CU_ASSERT_EQUAL(hs_store_rotate_key(a, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL_FATAL(read_key(key, raw2, hex2), 0);
  CU_ASSERT_NOT_EQUAL(memcmp(raw1, raw2, 32), 0);
  CU_ASSERT_EQUAL(mode_of(key), 0600);
  snprintf(newfile, sizeof(newfile), "%s.new", key);
  CU_ASSERT_EQUAL(mode_of(newfile), -1);
  CU_ASSERT_TRUE(token_is(a, TH_SECRET));
  CU_ASSERT_TRUE(token_is(b, TH_SECRET)); /* picked up the new key */
  /* d opened before the rotation and has not seen it: its own rotation
   * is refused rather than sealing with a stale key. */
  CU_ASSERT_EQUAL(hs_store_rotate_key(d, err, sizeof(err)),
                  BMC_ERR_CONFLICT);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "another process rotated it"));
  CU_ASSERT_TRUE(token_is(d, TH_SECRET));
  hs_host_close(d);
  hs_host_close(b);
  hs_host_close(a);
  CU_ASSERT_EQUAL(files_leaking(TH_SECRET, key), 0);

  /* The old key no longer opens the store. */
  snprintf(oldkey, sizeof(oldkey), "%s/old.key", dir);
  f = fopen(oldkey, "wb");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  CU_ASSERT_EQUAL(fwrite(old, 1, len, f), len);
  CU_ASSERT_EQUAL(fclose(f), 0);
  CU_ASSERT_EQUAL(chmod(oldkey, 0600), 0);
  CU_ASSERT_PTR_NULL(open_key(oldkey, err, sizeof(err)));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "is not the key of store"));

  /* A rotation cut short after its commit, before its rename: the new key
   * is still key.new, the old one in place.  The next open finishes it. */
  CU_ASSERT_EQUAL(rename(key, newfile), 0);
  CU_ASSERT_EQUAL(rename(oldkey, key), 0);
  c = th_open(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_TRUE(token_is(c, TH_SECRET));
  CU_ASSERT_EQUAL(mode_of(newfile), -1);
  CU_ASSERT_EQUAL_FATAL(read_key(key, raw1, hex1), 0);
  hs_host_close(c);
  free(old);
  th_rmdir(dir);
}

static void
test_not_dumpable(void)
{
  struct hs_host *h;
  char err[256];

  h = fresh_store(TH_SECRET);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_EQUAL(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
  CU_ASSERT_EQUAL(hs_process_harden(err, sizeof(err)), BMC_OK);
  hs_host_close(h);
  th_rmdir(dir);
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"host_secrets", "store files are 0600", test_files_private},
    {"host_secrets", "secrets sealed at rest", test_sealed_at_rest},
    {"host_secrets", "older store sealed on open", test_legacy_store_sealed},
    {"host_secrets", "no key or another key refused",
     test_missing_or_wrong_key},
    {"host_secrets", "damaged value is an error", test_damaged_value},
    {"host_secrets", "key rotation", test_rotation},
    {"host_secrets", "process not dumpable", test_not_dumpable},
  };

  return cu_main(cases, CU_CASES_N(cases), NULL, NULL, argc, argv);
}
