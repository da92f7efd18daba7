/*
 * hs_settings.c -- Toolbox settings per (company, plugin): validated set
 * (through hs_config's pure validator; secret values sealed with the
 * store key, hs_secret.c), unset, get with the schema default applied
 * (sealed values opened), and the masked listing behind `settings show`.
 */
#include <stdlib.h>
#include <string.h>

#include "hs_config.h"
#include "hs_internal.h"

int
hs_setting_lookup(struct hs_host *h, int64_t company_id,
                  const struct bmc_plugin_api *api, const char *key,
                  char **out)
{
  const struct bmc_setting *s = hs_setting_find(api, key);
  struct hs_dbst *st;
  int rc = BMC_ERR_NOT_FOUND;

  *out = NULL;
  st = hs_stmt(h, "SELECT value, encrypted FROM settings WHERE company_id"
               " = ? AND plugin = ? AND key = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, company_id);
  hs_bind_text(st, 2, api->name);
  hs_bind_text(st, 3, key);
  if(hs_db_step(st) == HS_DB_ROW) {
    if((int)hs_db_col_i64(st, 1)) {
      char *sealed = hs_strdup(hs_col_text(st, 0));

      hs_db_reset(st);
      rc = sealed ? hs_secret_unseal(h, company_id, api->name, key, sealed,
                                     out)
                  : BMC_ERR_NOMEM;
      free(sealed);
      return rc;
    }
    *out = hs_strdup(hs_col_text(st, 0));
    rc = *out ? BMC_OK : BMC_ERR_NOMEM;
  }
  hs_db_reset(st);
  if(rc == BMC_ERR_NOT_FOUND && s && s->default_value) {
    *out = hs_strdup(s->default_value);
    rc = *out ? BMC_OK : BMC_ERR_NOMEM;
  }
  return rc;
}

int
hs_setting_bool(struct hs_host *h, int64_t company_id,
                const struct bmc_plugin_api *api, const char *key, int dflt)
{
  char *v = NULL;
  int r = dflt;

  if(hs_setting_lookup(h, company_id, api, key, &v) == BMC_OK)
    r = strcmp(v, "true") == 0;
  hs_secret_free(v);
  return r;
}

int
hs_resolve(struct hs_host *h, const char *company, const char *plugin,
           int64_t *cid, const struct bmc_plugin_api **api, char *err,
           size_t errlen)
{
  if(!h || !company || !plugin) {
    hs_errf(err, errlen, "settings: missing company or plugin");
    return BMC_ERR_INVALID_ARG;
  }
  if(hs_company_find(h, company, cid)) {
    hs_errf(err, errlen, "company '%s' does not exist", company);
    return BMC_ERR_NOT_FOUND;
  }
  *api = hs_plugin_find(h, plugin);
  if(!*api) {
    hs_errf(err, errlen, "plugin '%s' is not loaded", plugin);
    return BMC_ERR_NOT_FOUND;
  }
  return BMC_OK;
}

/* Drop the cached secret list of a live instance after a change. */
void
hs_refresh_secrets(struct hs_host *h, int64_t cid,
                   const struct bmc_plugin_api *api)
{
  size_t i;

  for(i = 0; i < h->n_insts; i++)
    if(h->insts[i]->company_id == cid && h->insts[i]->api == api)
      hs_inst_load_secrets(h->insts[i]);
}

int
hs_company_setting_set(struct hs_host *h, const char *company,
                       const char *plugin, const char *key, const char *value,
                       char *err, size_t errlen)
{
  const struct bmc_plugin_api *api;
  const struct bmc_setting *s;
  struct hs_dbst *st;
  char *sealed = NULL;
  int64_t cid;
  int rc, secret;

  rc = hs_resolve(h, company, plugin, &cid, &api, err, errlen);
  if(rc)
    return rc;
  if(!key || !value) {
    hs_errf(err, errlen, "settings: missing key or value");
    return BMC_ERR_INVALID_ARG;
  }
  s = hs_setting_find(api, key);
  if(!s) {
    hs_errf(err, errlen, "%s: unknown setting for plugin '%s' (see "
            "`settings show`)", key, plugin);
    return BMC_ERR_CONFIG;
  }
  rc = hs_setting_validate(s, value, err, errlen);
  if(rc)
    return rc;
  secret = (s->flags & BMC_SETTING_SECRET) != 0;
  if(secret) {
    rc = hs_secret_seal(h, cid, plugin, key, value, &sealed);
    if(rc) {
      hs_errf(err, errlen, "%s: cannot seal the secret value (%s)", key,
              hs_rc_name(rc));
      return rc;
    }
  }
  st = hs_stmt(h, "INSERT INTO settings(company_id, plugin, key, value,"
               " updated_ms, encrypted) VALUES(?, ?, ?, ?, ?, ?) ON"
               " CONFLICT(company_id, plugin, key) DO UPDATE SET value ="
               " excluded.value, updated_ms = excluded.updated_ms,"
               " encrypted = excluded.encrypted");
  if(!st) {
    free(sealed);
    return BMC_ERR_INTERNAL;
  }
  hs_db_bind_i64(st, 1, cid);
  hs_bind_text(st, 2, plugin);
  hs_bind_text(st, 3, key);
  hs_bind_text(st, 4, secret ? sealed : value);
  hs_db_bind_i64(st, 5, hs_clock_now(h));
  hs_db_bind_i64(st, 6, secret);
  rc = hs_write_rc(hs_step_write(h, st));
  free(sealed);
  if(rc) {
    hs_errf(err, errlen, "%s: %s", key, h->last_err);
    return rc;
  }
  if(secret)
    hs_refresh_secrets(h, cid, api);
  return BMC_OK;
}

int
hs_company_setting_unset(struct hs_host *h, const char *company,
                         const char *plugin, const char *key)
{
  const struct bmc_plugin_api *api;
  struct hs_dbst *st;
  int64_t cid;
  int rc;

  rc = hs_resolve(h, company, plugin, &cid, &api, NULL, 0);
  if(rc)
    return rc;
  if(!key || !hs_setting_find(api, key))
    return BMC_ERR_CONFIG;
  st = hs_stmt(h, "DELETE FROM settings WHERE company_id = ? AND plugin = ?"
               " AND key = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, cid);
  hs_bind_text(st, 2, plugin);
  hs_bind_text(st, 3, key);
  if(hs_step_write(h, st) != HS_DB_DONE)
    return BMC_ERR_INTERNAL;
  hs_refresh_secrets(h, cid, api);
  return BMC_OK;
}

int
hs_company_setting_get(struct hs_host *h, const char *company,
                       const char *plugin, const char *key, char *buf,
                       size_t buflen)
{
  const struct bmc_plugin_api *api;
  char *v = NULL;
  int64_t cid;
  int rc;

  rc = hs_resolve(h, company, plugin, &cid, &api, NULL, 0);
  if(rc)
    return rc;
  if(!key)
    return BMC_ERR_INVALID_ARG;
  rc = hs_setting_lookup(h, cid, api, key, &v);
  if(!rc)
    rc = hs_copy(buf, buflen, v);
  hs_secret_free(v);
  return rc;
}

int
hs_company_settings_each(struct hs_host *h, const char *company,
                         const char *plugin,
                         int (*cb)(void *ud, const struct hs_setting_view *v),
                         void *ud)
{
  const struct bmc_plugin_api *api;
  struct hs_dbst *st;
  int64_t cid;
  size_t i;
  int rc;

  rc = hs_resolve(h, company, plugin, &cid, &api, NULL, 0);
  if(rc || !cb)
    return rc ? rc : BMC_ERR_INVALID_ARG;
  for(i = 0; i < api->n_settings; i++) {
    const struct bmc_setting *s = &api->settings[i];
    struct hs_setting_view v;
    char *stored = NULL;

    int sealed = 0;

    st = hs_stmt(h, "SELECT value, encrypted FROM settings WHERE company_id"
                 " = ? AND plugin = ? AND key = ?");
    if(!st)
      return BMC_ERR_INTERNAL;
    hs_db_bind_i64(st, 1, cid);
    hs_bind_text(st, 2, plugin);
    hs_bind_text(st, 3, s->key);
    if(hs_db_step(st) == HS_DB_ROW) {
      stored = hs_strdup(hs_col_text(st, 0));
      sealed = (int)hs_db_col_i64(st, 1);
      if(!stored) {
        hs_db_reset(st);
        return BMC_ERR_NOMEM;
      }
    }
    hs_db_reset(st);
    v.schema = s;
    v.is_set = stored != NULL;
    v.value = stored ? stored : s->default_value;
    if(sealed || (v.value && v.value[0] && (s->flags & BMC_SETTING_SECRET)))
      v.value = "****"; /* sealed: never opened for a listing */
    rc = cb(ud, &v);
    free(stored);
    if(rc)
      return rc;
  }
  return BMC_OK;
}
