/*
 * hs_secret.c -- secret settings at rest, store side.  Every value of a
 * SECRET setting is sealed (hs_seal.c) under the store key, so a copied
 * store file reveals no token.  Owns: choosing, creating and checking the
 * store key at open (the store keeps the key's fingerprint: no key or a
 * wrong key is a clear error, never ciphertext passed on as a token),
 * picking up a key another process rotated, sealing values stored in
 * clear by an older host-sim, key rotation as one transaction plus one
 * rename (finished at the next open if interrupted), and hardening the
 * process once it holds secrets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "hs_config.h"
#include "hs_internal.h"

/* Called whenever this process holds secrets; a failure is logged. */
static void
hs_secret_harden(struct hs_host *h)
{
  char err[HS_ERRLEN];

  if(h->hardened)
    return;
  if(hs_process_harden(err, sizeof(err)) == BMC_OK)
    h->hardened = 1;
  else
    hs_hostlog(h, BMC_LOG_WARN, "%s", err);
}

int
hs_secret_seal(struct hs_host *h, int64_t cid, const char *plugin,
               const char *setting, const char *plain, char **out)
{
  hs_secret_harden(h);
  return hs_seal_value(h->key, cid, plugin, setting, plain, out);
}

/* The fingerprint the store records (buf "" when none); BMC_OK. */
static int
hs_store_fp(struct hs_host *h, char *buf, size_t buflen)
{
  struct hs_dbst *st;
  int rc;

  buf[0] = '\0';
  st = hs_stmt(h, "SELECT fingerprint FROM store_key WHERE id = 1");
  if(!st)
    return BMC_ERR_INTERNAL;
  rc = hs_db_step(st);
  if(rc == HS_DB_ROW)
    snprintf(buf, buflen, "%s", hs_col_text(st, 0));
  hs_db_reset(st);
  return rc == HS_DB_ROW || rc == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
}

/* Load the key file (or its rotated successor path.new) whose fingerprint
 * is fp into h->key.  BMC_OK, or BMC_ERR_NOT_FOUND when neither is it. */
static int
hs_load_matching(struct hs_host *h, const char *fp, int *from_new)
{
  unsigned char *k = sodium_malloc(HS_KEY_LEN);
  char kfp[HS_KEY_FP_LEN + 1], path[4096];
  int i, rc = BMC_ERR_NOT_FOUND;

  if(!k)
    return BMC_ERR_NOMEM;
  for(i = 0; i < 2 && rc; i++) {
    snprintf(path, sizeof(path), "%s%s", h->key_path, i ? ".new" : "");
    if(hs_keyfile_read(path, k, NULL, 0) != BMC_OK)
      continue;
    hs_key_fingerprint(k, kfp);
    if(strcmp(kfp, fp) == 0) {
      memcpy(h->key, k, HS_KEY_LEN);
      snprintf(h->key_fp, sizeof(h->key_fp), "%s", kfp);
      *from_new = i;
      rc = BMC_OK;
    }
  }
  sodium_free(k);
  return rc;
}

int
hs_secret_unseal(struct hs_host *h, int64_t cid, const char *plugin,
                 const char *setting, const char *sealed, char **out)
{
  char fp[HS_KEY_FP_LEN + 8];
  int rc, from_new = 0;

  hs_secret_harden(h);
  rc = hs_unseal_value(h->key, cid, plugin, setting, sealed, out);
  if(rc != BMC_ERR_CONFIG)
    return rc;
  /* Another process may have rotated the key since this one opened. */
  if(h->key_path && !hs_store_fp(h, fp, sizeof(fp)) && fp[0] &&
     strcmp(fp, h->key_fp) != 0 && !hs_load_matching(h, fp, &from_new))
    rc = hs_unseal_value(h->key, cid, plugin, setting, sealed, out);
  if(rc == BMC_ERR_CONFIG)
    hs_store_fail(h, "secret setting '%s' of plugin %s (company id %lld) "
                  "cannot be decrypted with key file %s: the value is "
                  "damaged or was sealed with another key; restore the "
                  "key file from the backup or set the setting again",
                  setting, plugin, (long long)cid,
                  h->key_path ? h->key_path : "(in memory)");
  return rc;
}

static int
hs_count_sealed(struct hs_host *h, int64_t *n)
{
  struct hs_dbst *st = hs_stmt(h, "SELECT COUNT(*) FROM settings WHERE"
                             " encrypted = 1");

  *n = 0;
  if(!st)
    return BMC_ERR_INTERNAL;
  if(hs_db_step(st) == HS_DB_ROW)
    *n = hs_db_col_i64(st, 0);
  hs_db_reset(st);
  return BMC_OK;
}

static int
hs_set_fp(struct hs_host *h)
{
  struct hs_dbst *st = hs_stmt(h, "INSERT INTO store_key(id, fingerprint,"
                             " updated_ms) VALUES(1, ?, ?) ON CONFLICT(id)"
                             " DO UPDATE SET fingerprint = excluded."
                             "fingerprint, updated_ms = excluded.updated_ms");

  if(!st)
    return BMC_ERR_INTERNAL;
  hs_bind_text(st, 1, h->key_fp);
  hs_db_bind_i64(st, 2, hs_clock_now(h));
  return hs_step_write(h, st) == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
}

/* Under the write lock: pick the key for the store's fingerprint, finish
 * an interrupted rotation, or create the key of a store that has none. */
static int
hs_secret_choose(struct hs_host *h, char *err, size_t errlen)
{
  char fp[HS_KEY_FP_LEN + 8], path[4096], kerr[HS_ERRLEN];
  int64_t sealed = 0;
  int rc, from_new = 0;

  rc = hs_store_fp(h, fp, sizeof(fp));
  if(!rc)
    rc = hs_count_sealed(h, &sealed);
  if(rc)
    return rc;
  snprintf(path, sizeof(path), "%s.new", h->key_path);
  if(fp[0] && hs_load_matching(h, fp, &from_new) == BMC_OK) {
    if(from_new) /* rotated, the rename did not happen: do it now */
      return hs_keyfile_install(path, h->key_path, err, errlen);
    unlink(path); /* a rotation that did not commit */
    return BMC_OK;
  }
  rc = hs_keyfile_read(h->key_path, h->key, kerr, sizeof(kerr));
  if(rc == BMC_OK) {
    hs_key_fingerprint(h->key, h->key_fp);
    if(fp[0] && sealed) {
      hs_errf(err, errlen, "key file %s is not the key of store %s (its "
              "%lld secret setting(s) were sealed with another key): use "
              "the store's own key file (restore it from the backup)",
              h->key_path, h->db_path, (long long)sealed);
      return BMC_ERR_CONFIG;
    }
    return hs_set_fp(h); /* nothing sealed yet: adopt this key */
  }
  if(rc != BMC_ERR_NOT_FOUND) {
    hs_errf(err, errlen, "%s", kerr);
    return rc;
  }
  if(fp[0] && sealed) {
    hs_errf(err, errlen, "store %s holds %lld encrypted secret setting(s) "
            "but its key file %s does not exist: restore it from the "
            "backup (without it the secrets cannot be read), or name it "
            "with key_file in host.cfg", h->db_path, (long long)sealed,
            h->key_path);
    return BMC_ERR_CONFIG;
  }
  randombytes_buf(h->key, HS_KEY_LEN);
  hs_key_fingerprint(h->key, h->key_fp);
  rc = hs_keyfile_write(h->key_path, h->key, h->db_path, err, errlen);
  return rc ? rc : hs_set_fp(h);
}

int
hs_secret_open(struct hs_host *h, const char *key_file, char *err,
               size_t errlen)
{
  int64_t sealed = 0;
  int rc;

  h->key = sodium_malloc(HS_KEY_LEN);
  if(!h->key) {
    hs_errf(err, errlen, "store key: out of memory");
    return BMC_ERR_NOMEM;
  }
  if(!key_file && strcmp(h->db_path, ":memory:") == 0) {
    randombytes_buf(h->key, HS_KEY_LEN); /* lives as long as the store */
    hs_key_fingerprint(h->key, h->key_fp);
    return hs_set_fp(h);
  }
  /* no file beside a database on a server: the key has to be named */
  if(!key_file && hs_db_backend(h->db) != HS_DB_SQLITE) {
    hs_errf(err, errlen, "store key: a PostgreSQL store has no file beside "
            "it for its key; set key_file in host.cfg (a file only this "
            "host's user can read)");
    return BMC_ERR_CONFIG;
  }
  if(key_file)
    h->key_path = hs_strdup(key_file);
  else if((h->key_path = malloc(strlen(h->db_path) + 5)) != NULL)
    snprintf(h->key_path, strlen(h->db_path) + 5, "%s.key", h->db_path);
  if(!h->key_path) {
    hs_errf(err, errlen, "store key: out of memory");
    return BMC_ERR_NOMEM;
  }
  rc = hs_begin(h);
  if(rc) {
    hs_errf(err, errlen, "%s", h->last_err);
    return rc;
  }
  rc = hs_secret_choose(h, err, errlen);
  if(!rc)
    rc = hs_count_sealed(h, &sealed);
  if(rc) {
    hs_rollback(h);
    return rc;
  }
  rc = hs_commit(h);
  if(!rc && sealed)
    hs_secret_harden(h);
  return rc;
}

void
hs_secret_close(struct hs_host *h)
{
  sodium_free(h->key); /* zeroed by sodium_free */
  h->key = NULL;
  free(h->key_path);
  h->key_path = NULL;
}

const char *
hs_store_key_path(struct hs_host *h)
{
  return h ? h->key_path : NULL;
}

struct hs_sealrow {
  int64_t cid;
  char *key, *value;
};

static void
hs_sealrows_free(struct hs_sealrow *v, size_t n)
{
  size_t i;

  for(i = 0; v && i < n; i++) {
    free(v[i].key);
    hs_secret_free(v[i].value);
  }
  free(v);
}

/* Rows of plugin's settings (encrypted = enc), materialized so the
 * caller can write while holding them. */
static int
hs_sealrows(struct hs_host *h, const char *plugin, int enc,
            struct hs_sealrow **out, size_t *n)
{
  struct hs_dbst *st = NULL;
  struct hs_sealrow *v = NULL, *nv;
  int s, rc = BMC_OK;

  *out = NULL;
  *n = 0;
  if(hs_db_prepare(h->db, "SELECT company_id, key, value FROM settings"
                   " WHERE plugin = ? AND encrypted = ? ORDER BY"
                   " company_id, key", &st) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  hs_bind_text(st, 1, plugin);
  hs_db_bind_i64(st, 2, enc);
  while((s = hs_db_step(st)) == HS_DB_ROW) {
    nv = realloc(v, (*n + 1) * sizeof(*v));
    if(!nv) {
      rc = BMC_ERR_NOMEM;
      break;
    }
    v = nv;
    v[*n].cid = hs_db_col_i64(st, 0);
    v[*n].key = hs_strdup(hs_col_text(st, 1));
    v[*n].value = hs_strdup(hs_col_text(st, 2));
    (*n)++;
    if(!v[*n - 1].key || !v[*n - 1].value) {
      rc = BMC_ERR_NOMEM;
      break;
    }
  }
  if(!rc && s != HS_DB_DONE)
    rc = BMC_ERR_INTERNAL;
  hs_db_finalize(st);
  if(rc) {
    hs_sealrows_free(v, *n);
    *n = 0;
    v = NULL;
  }
  *out = v;
  return rc;
}

static int
hs_write_sealed(struct hs_host *h, int64_t cid, const char *plugin,
                const char *setting, const char *sealed)
{
  struct hs_dbst *st = hs_stmt(h, "UPDATE settings SET value = ?, encrypted"
                             " = 1 WHERE company_id = ? AND plugin = ? AND"
                             " key = ?");

  if(!st)
    return BMC_ERR_INTERNAL;
  hs_bind_text(st, 1, sealed);
  hs_db_bind_i64(st, 2, cid);
  hs_bind_text(st, 3, plugin);
  hs_bind_text(st, 4, setting);
  return hs_step_write(h, st) == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
}

/* Drop old page images (clear values, old ciphertext) from the WAL. */
static void
hs_wal_flush(struct hs_host *h)
{
  if(hs_db_backend(h->db) == HS_DB_SQLITE)
    hs_db_sqlite_wal_truncate(h->db);
}

int
hs_secrets_seal_plugin(struct hs_host *h, const struct bmc_plugin_api *api)
{
  struct hs_sealrow *v = NULL;
  size_t n = 0, i, done = 0;
  char *sealed;
  int rc;

  rc = hs_begin(h);
  if(rc)
    return rc;
  rc = hs_sealrows(h, api->name, 0, &v, &n);
  for(i = 0; !rc && i < n; i++) {
    const struct bmc_setting *s = hs_setting_find(api, v[i].key);

    if(!s || !(s->flags & BMC_SETTING_SECRET))
      continue;
    rc = hs_secret_seal(h, v[i].cid, api->name, v[i].key, v[i].value,
                        &sealed);
    if(!rc)
      rc = hs_write_sealed(h, v[i].cid, api->name, v[i].key, sealed);
    free(sealed);
    done++;
  }
  hs_sealrows_free(v, n);
  if(rc) {
    hs_rollback(h);
    return rc;
  }
  rc = hs_commit(h);
  if(!rc && done) {
    hs_hostlog(h, BMC_LOG_INFO, "store: sealed %zu secret setting(s) of "
               "plugin %s stored in clear by an older host-sim", done,
               api->name);
    hs_wal_flush(h);
  }
  return rc;
}

/* Re-seal every sealed value of the store under newkey (in the caller's
 * transaction). */
static int
hs_reseal_all(struct hs_host *h, const unsigned char *newkey)
{
  struct hs_sealrow *v = NULL;
  struct hs_dbst *st = NULL;
  char **plugins = NULL, **np, *plain, *sealed;
  size_t np_n = 0, n, i, j;
  int rc = BMC_OK, s;

  if(hs_db_prepare(h->db, "SELECT DISTINCT plugin FROM settings WHERE"
                   " encrypted = 1", &st) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  while(!rc && (s = hs_db_step(st)) == HS_DB_ROW) {
    np = realloc(plugins, (np_n + 1) * sizeof(*np));
    if(!np || !(np[np_n] = hs_strdup(hs_col_text(st, 0))))
      rc = BMC_ERR_NOMEM;
    if(np)
      plugins = np;
    if(!rc)
      np_n++;
  }
  hs_db_finalize(st);
  for(j = 0; !rc && j < np_n; j++) {
    rc = hs_sealrows(h, plugins[j], 1, &v, &n);
    for(i = 0; !rc && i < n; i++) {
      rc = hs_secret_unseal(h, v[i].cid, plugins[j], v[i].key, v[i].value,
                            &plain);
      if(rc)
        break;
      rc = hs_seal_value(newkey, v[i].cid, plugins[j], v[i].key, plain,
                         &sealed);
      hs_secret_free(plain);
      if(!rc)
        rc = hs_write_sealed(h, v[i].cid, plugins[j], v[i].key, sealed);
      free(sealed);
    }
    hs_sealrows_free(v, n);
  }
  for(j = 0; j < np_n; j++)
    free(plugins[j]);
  free(plugins);
  return rc;
}

int
hs_store_rotate_key(struct hs_host *h, char *err, size_t errlen)
{
  unsigned char *nk, *old;
  char fp[HS_KEY_FP_LEN + 8], newpath[4096];
  int rc;

  if(!h || !h->key) {
    hs_errf(err, errlen, "rotate key: no open store");
    return BMC_ERR_INVALID_ARG;
  }
  nk = sodium_malloc(HS_KEY_LEN);
  old = sodium_malloc(HS_KEY_LEN);
  if(!nk || !old) {
    sodium_free(nk);
    sodium_free(old);
    hs_errf(err, errlen, "rotate key: out of memory");
    return BMC_ERR_NOMEM;
  }
  randombytes_buf(nk, HS_KEY_LEN);
  memcpy(old, h->key, HS_KEY_LEN);
  newpath[0] = '\0';
  rc = hs_begin(h);
  if(rc) {
    hs_errf(err, errlen, "rotate key: %s", h->last_err);
    goto out;
  }
  rc = hs_store_fp(h, fp, sizeof(fp));
  if(!rc && strcmp(fp, h->key_fp) != 0) {
    hs_errf(err, errlen, "rotate key: the store's key changed since it "
            "was opened (another process rotated it); open it again");
    rc = BMC_ERR_CONFLICT;
  }
  if(!rc && h->key_path) {
    snprintf(newpath, sizeof(newpath), "%s.new", h->key_path);
    unlink(newpath); /* left by a rotation that did not commit */
    rc = hs_keyfile_write(newpath, nk, h->db_path, err, errlen);
    if(rc)
      newpath[0] = '\0';
  }
  if(!rc) {
    rc = hs_reseal_all(h, nk);
    if(rc)
      hs_errf(err, errlen, "rotate key: %s", h->last_err[0] ? h->last_err
              : "cannot re-seal the secret settings");
  }
  if(!rc) {
    memcpy(h->key, nk, HS_KEY_LEN);
    hs_key_fingerprint(h->key, h->key_fp);
    rc = hs_set_fp(h);
    if(rc)
      hs_errf(err, errlen, "rotate key: %s", h->last_err);
  }
  if(!rc) {
    rc = hs_commit(h);
    if(rc)
      hs_errf(err, errlen, "rotate key: %s", h->last_err);
  }
  if(rc) {
    /* The store kept its old key: so does this process. */
    hs_rollback(h);
    if(newpath[0])
      unlink(newpath);
    memcpy(h->key, old, HS_KEY_LEN);
    hs_key_fingerprint(h->key, h->key_fp);
    goto out;
  }
  if(newpath[0] && hs_keyfile_install(newpath, h->key_path, err, errlen)) {
    /* Another process opening the store right after the commit may
     * have put the new key in place first: then all is done. */
    int from_new = 0;

    rc = hs_load_matching(h, h->key_fp, &from_new) == BMC_OK && !from_new
             ? BMC_OK
             : BMC_ERR_INTERNAL;
  }
  hs_wal_flush(h);
  hs_hostlog(h, BMC_LOG_INFO, "store: key rotated%s%s; back up the new "
             "key file", h->key_path ? ", key file " : " (in memory)",
             h->key_path ? h->key_path : "");
out:
  sodium_free(nk);
  sodium_free(old);
  return rc;
}
