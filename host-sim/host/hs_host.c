/*
 * hs_host.c -- the host object: open/close, the plugin registry (files
 * and in-memory descriptors), companies and plugin enablement, the
 * per-(company, plugin) instance contexts and the host log.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "hs_config.h"
#include "hs_internal.h"

const char *
hs_rc_name(int rc)
{
  static const char *const names[] = {
    "ok", "invalid argument", "out of memory", "configuration",
    "schema validation", "transport", "remote retry", "remote reject",
    "protocol", "ABI mismatch", "internal error", "not found",
    "buffer too small", "conflict", "budget exhausted", "unauthorized"};

  if(rc < 0 || (size_t)rc >= sizeof(names) / sizeof(names[0]))
    return "unknown error";
  return names[rc];
}

void
hs_host_set_log(struct hs_host *h, hs_log_fn fn, void *ud)
{
  if(!h)
    return;
  h->log_fn = fn;
  h->log_ud = ud;
}

void
hs_hostlog(struct hs_host *h, int level, const char *fmt, ...)
{
  char line[1024];
  va_list ap;

  if(!h || !h->log_fn)
    return;
  va_start(ap, fmt);
  if(vsnprintf(line, sizeof(line), fmt, ap) < 0)
    line[0] = '\0';
  va_end(ap);
  h->log_fn(h->log_ud, level, line);
}

int
hs_host_open(const struct hs_options *opt, struct hs_host **out, char *err,
             size_t errlen)
{
  struct hs_host *h;
  int rc;

  if(!opt || !opt->db_path || !out) {
    hs_errf(err, errlen, "host open: missing options or db_path");
    return BMC_ERR_INVALID_ARG;
  }
  *out = NULL;
  if(sodium_init() < 0) {
    hs_errf(err, errlen, "host open: libsodium cannot start (no random "
            "source?)");
    return BMC_ERR_INTERNAL;
  }
  h = calloc(1, sizeof(*h));
  /* db_path names the store in messages: never with a password */
  if(!h || !(h->db_path = hs_db_target_shown(opt->db_path))) {
    free(h);
    hs_errf(err, errlen, "host open: out of memory");
    return BMC_ERR_NOMEM;
  }
  atomic_init(&h->stop, 0);
  /* h->virtual_clock is still 0 here: hs_clock_now() reads real time. */
  atomic_init(&h->vclock, opt->virtual_start_ms ? opt->virtual_start_ms
                                                : hs_clock_now(h));
  h->virtual_clock = opt->virtual_clock ? 1 : 0;
  hs_services_init(&h->api);
  rc = hs_store_open(h, opt->db_path, opt->sync_full, err, errlen);
  if(!rc)
    rc = hs_secret_open(h, opt->key_file, err, errlen);
  if(!rc)
    rc = hs_xml_init(h, opt->schema_dir, err, errlen);
  if(!rc)
    rc = hs_jobs_recover(h);
  if(!rc && opt->plugin_dir)
    rc = hs_host_load_plugins(h, opt->plugin_dir, err, errlen);
  if(rc) {
    hs_host_close(h);
    return rc;
  }
  *out = h;
  return BMC_OK;
}

static void
hs_inst_free(struct hs_inst *in)
{
  size_t i;

  if(!in)
    return;
  if(in->created && in->api->destroy) {
    pthread_mutex_lock(&in->mu);
    in->api->destroy(in->inst);
    pthread_mutex_unlock(&in->mu);
  }
  pthread_mutex_destroy(&in->mu);
  for(i = 0; i < in->n_secrets; i++)
    hs_secret_free(in->secrets[i]);
  free(in->secrets);
  free(in->company);
  free(in);
}

void
hs_host_close(struct hs_host *h)
{
  size_t i;

  if(!h)
    return;
  for(i = 0; i < h->n_insts; i++)
    hs_inst_free(h->insts[i]);
  free(h->insts);
  for(i = 0; i < h->n_plugs; i++) {
    hs_plugin_close(h->plugs[i].loaded);
    free(h->plugs[i].origin);
  }
  free(h->plugs);
  hs_invcalc_close(h);
  hs_xml_close(h);
  if(h->lease_held)
    hs_sched_lease_drop(h);
  hs_store_close(h);
  hs_secret_close(h);
  free(h->db_path);
  free(h);
}

/* ---- plugins ---- */

static int
hs_plug_add(struct hs_host *h, const struct bmc_plugin_api *api,
            const char *origin, struct hs_plugin *loaded, char *err,
            size_t errlen)
{
  struct hs_plug *nv;

  if(hs_plug_find(h, api->name)) {
    hs_errf(err, errlen, "%s: a plugin named '%s' is already loaded", origin,
            api->name);
    return BMC_ERR_CONFLICT;
  }
  if(hs_props_columns_check(h, api, origin, err, errlen))
    return BMC_ERR_CONFLICT;
  nv = realloc(h->plugs, (h->n_plugs + 1) * sizeof(*nv));
  if(!nv) {
    hs_errf(err, errlen, "%s: out of memory", origin);
    return BMC_ERR_NOMEM;
  }
  h->plugs = nv;
  if(hs_secrets_seal_plugin(h, api) != BMC_OK) {
    hs_errf(err, errlen, "%s: cannot seal the secret settings of '%s' "
            "stored in clear: %s", origin, api->name, h->last_err);
    return BMC_ERR_INTERNAL;
  }
  /* the change feed leaves the plugin's own properties out */
  if(hs_feed_owned_record(h, api) != BMC_OK) {
    hs_errf(err, errlen, "%s: cannot record the plugin-owned properties of "
            "'%s': %s", origin, api->name, h->last_err);
    return BMC_ERR_INTERNAL;
  }
  nv[h->n_plugs].api = api;
  nv[h->n_plugs].origin = hs_strdup(origin);
  nv[h->n_plugs].loaded = loaded;
  if(!nv[h->n_plugs].origin) {
    hs_errf(err, errlen, "%s: out of memory", origin);
    return BMC_ERR_NOMEM;
  }
  h->n_plugs++;
  /* values of the columns migration 4 moved out of products */
  if(hs_props_adopt(h, api))
    hs_hostlog(h, BMC_LOG_ERROR, "%s: adopting held product values failed; "
               "they stay held and are tried again at the next start",
               origin);
  return BMC_OK;
}

int
hs_host_add_plugin_api(struct hs_host *h, const struct bmc_plugin_api *api,
                       const char *origin, char *err, size_t errlen)
{
  int rc;

  if(!h || !api) {
    hs_errf(err, errlen, "add plugin: no descriptor");
    return BMC_ERR_INVALID_ARG;
  }
  if(!origin)
    origin = "in-memory";
  rc = hs_plugin_check_api(origin, api, err, errlen);
  if(rc)
    return rc;
  return hs_plug_add(h, api, origin, NULL, err, errlen);
}

int
hs_host_load_plugin(struct hs_host *h, const char *path, char *err,
                    size_t errlen)
{
  struct hs_plugin *p = NULL;
  int rc;

  if(!h || !path) {
    hs_errf(err, errlen, "load plugin: no path");
    return BMC_ERR_INVALID_ARG;
  }
  rc = hs_plugin_open(path, &p, err, errlen);
  if(rc)
    return rc;
  rc = hs_plug_add(h, p->api, p->path, p, err, errlen);
  if(rc)
    hs_plugin_close(p);
  return rc;
}

int
hs_host_load_plugins(struct hs_host *h, const char *dir, char *err,
                     size_t errlen)
{
  struct hs_plugin **v = NULL;
  size_t n = 0, i;
  int rc;

  if(!h || !dir) {
    hs_errf(err, errlen, "load plugins: no directory");
    return BMC_ERR_INVALID_ARG;
  }
  rc = hs_plugins_open_dir(dir, &v, &n, err, errlen);
  if(rc)
    return rc;
  for(i = 0; i < n; i++) {
    if(!rc)
      rc = hs_plug_add(h, v[i]->api, v[i]->path, v[i], err, errlen);
    if(rc)
      hs_plugin_close(v[i]);
  }
  free(v);
  return rc;
}

size_t
hs_plugin_count(struct hs_host *h)
{
  return h ? h->n_plugs : 0;
}

int
hs_plugin_get(struct hs_host *h, size_t i, struct hs_plugin_info *out)
{
  const struct bmc_plugin_api *a;

  if(!h || !out || i >= h->n_plugs)
    return BMC_ERR_NOT_FOUND;
  a = h->plugs[i].api;
  out->name = a->name;
  out->display_name = a->display_name ? a->display_name : a->name;
  out->version = a->version;
  out->origin = h->plugs[i].origin;
  out->abi_major = a->hdr.major;
  out->abi_minor = a->hdr.minor;
  out->api = a;
  return BMC_OK;
}

struct hs_plug *
hs_plug_find(struct hs_host *h, const char *name)
{
  size_t i;

  for(i = 0; name && i < h->n_plugs; i++)
    if(strcmp(h->plugs[i].api->name, name) == 0)
      return &h->plugs[i];
  return NULL;
}

const struct bmc_plugin_api *
hs_plugin_find(struct hs_host *h, const char *name)
{
  struct hs_plug *p = h ? hs_plug_find(h, name) : NULL;

  return p ? p->api : NULL;
}

/* ---- companies ---- */

int
hs_company_add(struct hs_host *h, const char *name, int64_t *id)
{
  char why[HS_ERRLEN];
  struct hs_dbst *st;
  int64_t new_id = 0;

  if(!h || !name)
    return BMC_ERR_INVALID_ARG;
  if(hs_company_name_check(name, why, sizeof(why))) {
    hs_errf(h->last_err, sizeof(h->last_err), "%s", why);
    return BMC_ERR_INVALID_ARG;
  }
  if(hs_company_find(h, name, id) == BMC_OK) {
    hs_errf(h->last_err, sizeof(h->last_err), "company '%s' already exists",
            name);
    return BMC_ERR_CONFLICT;
  }
  st = hs_stmt(h, "INSERT INTO companies(name, created_ms) VALUES(?, ?)"
               " RETURNING id");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_bind_text(st, 1, name);
  hs_db_bind_i64(st, 2, hs_clock_now(h));
  if(hs_step_insert(h, st, &new_id) != HS_DB_DONE)
    return BMC_ERR_INTERNAL;
  if(id)
    *id = new_id;
  return BMC_OK;
}

int
hs_company_find(struct hs_host *h, const char *name, int64_t *id)
{
  struct hs_dbst *st;
  int rc = BMC_ERR_NOT_FOUND;

  if(!h || !name)
    return BMC_ERR_INVALID_ARG;
  st = hs_stmt(h, "SELECT id FROM companies WHERE name = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_bind_text(st, 1, name);
  if(hs_db_step(st) == HS_DB_ROW) {
    if(id)
      *id = hs_db_col_i64(st, 0);
    rc = BMC_OK;
  }
  hs_db_reset(st);
  return rc;
}

int
hs_companies_each(struct hs_host *h,
                  int (*cb)(void *ud, int64_t id, const char *name),
                  void *ud)
{
  struct hs_dbst *st = NULL;
  int rc = BMC_OK, s;

  if(!h || !cb)
    return BMC_ERR_INVALID_ARG;
  if(hs_db_prepare(h->db, "SELECT id, name FROM companies ORDER BY"
                   " name", &st) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  while((s = hs_db_step(st)) == HS_DB_ROW) {
    rc = cb(ud, hs_db_col_i64(st, 0), hs_col_text(st, 1));
    if(rc)
      break;
  }
  if(!rc && s != HS_DB_DONE)
    rc = BMC_ERR_INTERNAL;
  hs_db_finalize(st);
  return rc;
}

int
hs_company_plugin_enable(struct hs_host *h, const char *company,
                         const char *plugin, int enabled, char *err,
                         size_t errlen)
{
  struct hs_dbst *st;
  int64_t cid;

  if(!h || !company || !plugin) {
    hs_errf(err, errlen, "enable: missing company or plugin");
    return BMC_ERR_INVALID_ARG;
  }
  if(hs_company_find(h, company, &cid)) {
    hs_errf(err, errlen, "company '%s' does not exist", company);
    return BMC_ERR_NOT_FOUND;
  }
  if(!hs_plug_find(h, plugin)) {
    hs_errf(err, errlen, "plugin '%s' is not loaded", plugin);
    return BMC_ERR_NOT_FOUND;
  }
  st = hs_stmt(h, "INSERT INTO company_plugins(company_id, plugin, enabled)"
               " VALUES(?, ?, ?) ON CONFLICT(company_id, plugin) DO UPDATE"
               " SET enabled = excluded.enabled");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, cid);
  hs_bind_text(st, 2, plugin);
  hs_db_bind_i64(st, 3, enabled ? 1 : 0);
  if(hs_step_write(h, st) != HS_DB_DONE) {
    hs_errf(err, errlen, "enable: %s", h->last_err);
    return BMC_ERR_INTERNAL;
  }
  return BMC_OK;
}

int
hs_company_plugin_enabled(struct hs_host *h, const char *company,
                          const char *plugin, int *enabled)
{
  struct hs_dbst *st;
  int64_t cid;

  if(!h || !plugin || !enabled)
    return BMC_ERR_INVALID_ARG;
  if(hs_company_find(h, company, &cid))
    return BMC_ERR_NOT_FOUND;
  st = hs_stmt(h, "SELECT enabled FROM company_plugins WHERE company_id = ?"
               " AND plugin = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, cid);
  hs_bind_text(st, 2, plugin);
  *enabled = hs_db_step(st) == HS_DB_ROW ? (int)hs_db_col_i64(st, 0) : 0;
  hs_db_reset(st);
  return BMC_OK;
}

/* ---- instance contexts ---- */

int
hs_inst_get(struct hs_host *h, const char *company, const char *plugin,
            struct hs_inst **out, char *err, size_t errlen)
{
  struct hs_plug *p;
  struct hs_inst *in, **nv;
  int64_t cid;
  size_t i;

  if(!company || !plugin) {
    hs_errf(err, errlen, "missing company or plugin");
    return BMC_ERR_INVALID_ARG;
  }
  if(hs_company_find(h, company, &cid)) {
    hs_errf(err, errlen, "company '%s' does not exist", company);
    return BMC_ERR_NOT_FOUND;
  }
  p = hs_plug_find(h, plugin);
  if(!p) {
    hs_errf(err, errlen, "plugin '%s' is not loaded", plugin);
    return BMC_ERR_NOT_FOUND;
  }
  for(i = 0; i < h->n_insts; i++) {
    if(h->insts[i]->company_id == cid && h->insts[i]->api == p->api) {
      *out = h->insts[i];
      return BMC_OK;
    }
  }
  in = calloc(1, sizeof(*in));
  nv = realloc(h->insts, (h->n_insts + 1) * sizeof(*nv));
  if(!in || !nv) {
    free(in);
    if(nv)
      h->insts = nv;
    hs_errf(err, errlen, "out of memory");
    return BMC_ERR_NOMEM;
  }
  h->insts = nv;
  in->h = h;
  in->company_id = cid;
  in->company = hs_strdup(company);
  in->api = p->api;
  if(!in->company || pthread_mutex_init(&in->mu, NULL)) {
    free(in->company);
    free(in);
    hs_errf(err, errlen, "out of memory");
    return BMC_ERR_NOMEM;
  }
  h->insts[h->n_insts++] = in;
  *out = in;
  return hs_inst_load_secrets(in);
}

int
hs_inst_load_secrets(struct hs_inst *in)
{
  const struct bmc_plugin_api *a = in->api;
  size_t i;

  for(i = 0; i < in->n_secrets; i++)
    hs_secret_free(in->secrets[i]);
  free(in->secrets);
  in->secrets = NULL;
  in->n_secrets = 0;
  if(!a->n_settings)
    return BMC_OK;
  /* the active value of each secret, and its pending and previous ones
   * while it is rotated (hs_rotate.c) */
  in->secrets = calloc(a->n_settings * 3, sizeof(char *));
  if(!in->secrets)
    return BMC_ERR_NOMEM;
  for(i = 0; i < a->n_settings * 3; i++) {
    const char *key = a->settings[i / 3].key;
    char *v = NULL, slot[160];

    if(!(a->settings[i / 3].flags & BMC_SETTING_SECRET))
      continue;
    if(i % 3)
      snprintf(slot, sizeof(slot), "%s%s", key,
               i % 3 == 1 ? HS_PENDING_SUFFIX : HS_PREVIOUS_SUFFIX);
    if(hs_setting_lookup(in->h, in->company_id, a, i % 3 ? slot : key, &v))
      continue;
    if(v && v[0])
      in->secrets[in->n_secrets++] = v;
    else
      hs_secret_free(v);
  }
  return BMC_OK;
}

int
hs_host_services(struct hs_host *h, const char *company, const char *plugin,
                 const struct bmc_host_api **api, void **ctx)
{
  struct hs_inst *in;
  int rc;

  if(!h || !api || !ctx)
    return BMC_ERR_INVALID_ARG;
  rc = hs_inst_get(h, company, plugin, &in, NULL, 0);
  if(rc)
    return rc;
  hs_inst_load_secrets(in);
  *api = &h->api;
  *ctx = in;
  return BMC_OK;
}
