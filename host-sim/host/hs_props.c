/*
 * hs_props.c -- the product property values of plugins: one value written
 * (checked against the plugin's declaration: type and range, declared
 * markets, plugin-owned properties refused to users) or cleared, read
 * back, SKU aliases kept for product lookups, the adoption of the values
 * migration 4 held back, and the per-product listing behind `products
 * show`.  The host knows no property: everything comes from the
 * descriptors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_internal.h"

int64_t
hs_product_id_find(struct hs_host *h, int64_t cid,
                   const struct bmc_plugin_api *api, const char *sku)
{
  struct hs_dbst *st;
  int64_t id = 0;

  if(!sku)
    return 0;
  st = hs_stmt(h, "SELECT id FROM products WHERE company_id = ? AND sku = ?");
  if(!st)
    return 0;
  hs_db_bind_i64(st, 1, cid);
  hs_bind_text(st, 2, sku);
  if(hs_db_step(st) == HS_DB_ROW)
    id = hs_db_col_i64(st, 0);
  hs_db_reset(st);
  if(id)
    return id;
  st = hs_stmt(h, "SELECT product_id FROM product_aliases WHERE company_id"
               " = ?1 AND (?2 IS NULL OR plugin = ?2) AND alias = ?3 ORDER BY"
               " product_id LIMIT 1");
  if(!st)
    return 0;
  hs_db_bind_i64(st, 1, cid);
  hs_bind_text(st, 2, api ? api->name : NULL);
  hs_bind_text(st, 3, sku);
  if(hs_db_step(st) == HS_DB_ROW)
    id = hs_db_col_i64(st, 0);
  hs_db_reset(st);
  return id;
}

/* Rebuild the aliases of product pid for api from its stored values
 * (value: the new value of its only alias property, "" when cleared;
 * NULL: read them back). */
int
hs_props_alias_refresh(struct hs_host *h, int64_t cid, int64_t pid,
                       const struct bmc_plugin_api *api, const char *value)
{
  struct hs_dbst *st;
  size_t i, n_alias = 0;
  int rc = BMC_OK;

  for(i = 0; i < api->n_properties; i++)
    n_alias += (api->properties[i].flags & BMC_PROP_SKU_ALIAS) != 0;

  st = hs_stmt(h, "DELETE FROM product_aliases WHERE product_id = ? AND"
               " plugin = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, pid);
  hs_bind_text(st, 2, api->name);
  if(hs_db_step(st) != HS_DB_DONE)
    rc = BMC_ERR_INTERNAL;
  hs_db_reset(st);
  if(rc == BMC_OK && value && n_alias == 1) { /* the usual case */
    if(!value[0])
      return BMC_OK;
    st = hs_stmt(h, "INSERT INTO product_aliases(company_id, plugin, alias,"
                 " product_id) VALUES(?, ?, ?, ?) ON CONFLICT DO NOTHING");
    if(!st)
      return BMC_ERR_INTERNAL;
    hs_db_bind_i64(st, 1, cid);
    hs_bind_text(st, 2, api->name);
    hs_bind_text(st, 3, value);
    hs_db_bind_i64(st, 4, pid);
    rc = hs_db_step(st) == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
    hs_db_reset(st);
    return rc;
  }
  for(i = 0; rc == BMC_OK && i < api->n_properties; i++) {
    if(!(api->properties[i].flags & BMC_PROP_SKU_ALIAS))
      continue;
    st = hs_stmt(h, "INSERT INTO product_aliases(company_id, plugin, alias,"
                 " product_id) SELECT ?1, plugin, value, product_id FROM"
                 " product_props WHERE product_id = ?2 AND plugin = ?3 AND"
                 " key = ?4 AND market = '' ON CONFLICT DO NOTHING");
    if(!st)
      return BMC_ERR_INTERNAL;
    hs_db_bind_i64(st, 1, cid);
    hs_db_bind_i64(st, 2, pid);
    hs_bind_text(st, 3, api->name);
    hs_bind_text(st, 4, api->properties[i].key);
    if(hs_db_step(st) != HS_DB_DONE)
      rc = BMC_ERR_INTERNAL;
    hs_db_reset(st);
  }
  return rc;
}

static int
hs_prop_write_one(struct hs_host *h, int64_t cid, int64_t pid,
                  const struct bmc_plugin_api *api,
                  const struct bmc_property *p, const char *market,
                  const char *value, int as_user, const char *shown,
                  char *err, size_t errlen)
{
  struct hs_dbst *st;
  int rc;

  if(!market)
    market = "";
  if(!shown)
    shown = p->key;
  if(as_user && (p->flags & BMC_PROP_PLUGIN_OWNED)) {
    hs_errf(err, errlen, "%s: written by the %s plugin only (read-only)",
            shown, api->name);
    return BMC_ERR_INVALID_ARG;
  }
  if(market[0] && !(p->flags & BMC_PROP_PER_MARKET)) {
    hs_errf(err, errlen, "%s: has one value for every market (no value of "
            "its own for %.16s)", shown, market);
    return BMC_ERR_INVALID_ARG;
  }
  if(market[0] && !hs_market_declared(api, market)) {
    hs_errf(err, errlen, "%s: market '%.16s' is not one of the %s plugin's "
            "markets (%s)", shown, market, api->name,
            api->markets ? api->markets : "none");
    return BMC_ERR_INVALID_ARG;
  }
  if(value && value[0]) {
    rc = hs_property_validate(p, shown, value, err, errlen);
    if(rc)
      return BMC_ERR_INVALID_ARG;
    st = hs_stmt(h, "INSERT INTO product_props(product_id, plugin, key,"
                 " market, value, updated_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
                 " ON CONFLICT(product_id, plugin, key, market) DO UPDATE"
                 " SET value = excluded.value, updated_ms ="
                 " excluded.updated_ms");
  }
  else {
    st = hs_stmt(h, "DELETE FROM product_props WHERE product_id = ?1 AND"
                 " plugin = ?2 AND key = ?3 AND market = ?4");
  }
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, pid);
  hs_bind_text(st, 2, api->name);
  hs_bind_text(st, 3, p->key);
  hs_bind_text(st, 4, market);
  if(value && value[0]) {
    hs_bind_text(st, 5, value);
    hs_db_bind_i64(st, 6, hs_clock_now(h));
  }
  rc = hs_db_step(st) == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
  if(rc)
    hs_errf(err, errlen, "%s: store: %s", shown, hs_db_errmsg(h->db));
  hs_db_reset(st);
  if(!rc && (p->flags & BMC_PROP_SKU_ALIAS))
    rc = hs_props_alias_refresh(h, cid, pid, api, value ? value : "");
  return rc;
}

/* The value and its aliases in one write transaction (the caller's, or
 * one of its own taken up front). */
int
hs_prop_write(struct hs_host *h, int64_t cid, int64_t pid,
              const struct bmc_plugin_api *api, const struct bmc_property *p,
              const char *market, const char *value, int as_user,
              const char *shown, char *err, size_t errlen)
{
  int rc, own_tx = hs_db_autocommit(h->db);

  if(own_tx && (rc = hs_begin(h)) != BMC_OK) {
    hs_errf(err, errlen, "%s: %s", shown ? shown : p->key, h->last_err);
    return rc;
  }
  rc = hs_prop_write_one(h, cid, pid, api, p, market, value, as_user, shown,
                         err, errlen);
  if(own_tx) {
    if(rc)
      hs_rollback(h);
    else if((rc = hs_commit(h)) != BMC_OK)
      hs_errf(err, errlen, "%s: store: %s", shown ? shown : p->key,
              hs_db_errmsg(h->db));
  }
  return rc;
}

/* company, plugin and product of a library call. */
static int
hs_prop_target(struct hs_host *h, const char *company, const char *plugin,
               const char *sku, int64_t *cid,
               const struct bmc_plugin_api **api, int64_t *pid, char *err,
               size_t errlen)
{
  int rc;

  if(!sku) {
    hs_errf(err, errlen, "property: missing SKU");
    return BMC_ERR_INVALID_ARG;
  }
  rc = hs_resolve(h, company, plugin, cid, api, err, errlen);
  if(rc)
    return rc;
  *pid = hs_product_id_find(h, *cid, *api, sku);
  if(!*pid) {
    hs_errf(err, errlen, "no product '%s' in company '%s'", sku, company);
    return BMC_ERR_NOT_FOUND;
  }
  return BMC_OK;
}

int
hs_product_prop_set(struct hs_host *h, const char *company,
                    const char *plugin, const char *sku, const char *key,
                    const char *market, const char *value, char *err,
                    size_t errlen)
{
  const struct bmc_plugin_api *api;
  const struct bmc_property *p;
  int64_t cid, pid;
  int rc;

  rc = hs_prop_target(h, company, plugin, sku, &cid, &api, &pid, err,
                      errlen);
  if(rc)
    return rc;
  p = key ? hs_property_find(api, key) : NULL;
  if(!p) {
    hs_errf(err, errlen, "%s: not a product property of plugin '%s'",
            key ? key : "(none)", plugin);
    return BMC_ERR_INVALID_ARG;
  }
  return hs_prop_write(h, cid, pid, api, p, market, value, 1, NULL, err,
                       errlen);
}

int
hs_product_prop_get_market(struct hs_host *h, const char *company,
                           const char *plugin, const char *sku,
                           const char *key, const char *market, char *buf,
                           size_t buflen)
{
  struct hs_dbst *st;
  int64_t cid, pid;
  int rc = BMC_ERR_NOT_FOUND;

  if(!h || !company || !sku || !key)
    return BMC_ERR_INVALID_ARG;
  if(hs_company_find(h, company, &cid))
    return BMC_ERR_NOT_FOUND;
  pid = hs_product_id_find(h, cid, plugin ? hs_plugin_find(h, plugin) : NULL,
                           sku);
  if(!pid)
    return BMC_ERR_NOT_FOUND;
  st = hs_stmt(h, "SELECT value FROM product_props WHERE product_id = ?1 AND"
               " key = ?2 AND market = ?4 AND (?3 IS NULL OR plugin = ?3)"
               " ORDER BY plugin LIMIT 1");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, pid);
  hs_bind_text(st, 2, key);
  hs_bind_text(st, 3, plugin);
  hs_bind_text(st, 4, market ? market : "");
  if(hs_db_step(st) == HS_DB_ROW)
    rc = hs_copy(buf, buflen, hs_col_text(st, 0));
  hs_db_reset(st);
  return rc;
}

int
hs_product_prop_get(struct hs_host *h, const char *company,
                    const char *plugin, const char *sku, const char *key,
                    char *buf, size_t buflen)
{
  return hs_product_prop_get_market(h, company, plugin, sku, key, "", buf,
                                    buflen);
}

/* ---- adoption of held values (migration 4) ---- */

/* An integer-typed flag as the BOOL text of a declaration. */
static const char *
hs_adopt_value(const struct bmc_property *p, const char *v)
{
  if(p->type == BMC_SET_BOOL && !strcmp(v, "1"))
    return "true";
  if(p->type == BMC_SET_BOOL && !strcmp(v, "0"))
    return "false";
  return v;
}

/* Adopt the held values of column p->key for api; *n adopted, *bad of
 * them not fitting the declaration (kept as they are). */
static int
hs_adopt_one(struct hs_host *h, const struct bmc_plugin_api *api,
             const struct bmc_property *p, int64_t *n, int64_t *bad)
{
  struct hs_dbst *sel = NULL, *ins;
  char msg[256];
  int rc = BMC_OK, s;

  if(hs_db_prepare(h->db, "SELECT hd.product_id, hd.value,"
                   " pr.company_id FROM product_props_held hd JOIN"
                   " products pr ON pr.id = hd.product_id WHERE hd.col"
                   " = ? AND NOT EXISTS (SELECT 1 FROM"
                   " product_props_adopted a WHERE a.plugin = ? AND"
                   " a.col = hd.col)", &sel) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  hs_db_bind_text(sel, 1, p->key);
  hs_db_bind_text(sel, 2, api->name);
  while(rc == BMC_OK && (s = hs_db_step(sel)) == HS_DB_ROW) {
    int64_t pid = hs_db_col_i64(sel, 0);
    const char *v = hs_adopt_value(p, hs_col_text(sel, 1));

    if(hs_property_validate(p, NULL, v, msg, sizeof(msg)))
      (*bad)++;
    ins = hs_stmt(h, "INSERT INTO product_props(product_id, plugin, key,"
                  " market, value, updated_ms) VALUES(?, ?, ?, '', ?, ?) ON"
                  " CONFLICT DO NOTHING");
    if(!ins) {
      rc = BMC_ERR_INTERNAL;
      break;
    }
    hs_db_bind_i64(ins, 1, pid);
    hs_bind_text(ins, 2, api->name);
    hs_bind_text(ins, 3, p->key);
    hs_bind_text(ins, 4, v);
    hs_db_bind_i64(ins, 5, hs_clock_now(h));
    if(hs_db_step(ins) != HS_DB_DONE)
      rc = BMC_ERR_INTERNAL;
    else
      *n += hs_db_changes(h->db);
    hs_db_reset(ins);
    if(rc == BMC_OK && (p->flags & BMC_PROP_SKU_ALIAS))
      rc = hs_props_alias_refresh(h, hs_db_col_i64(sel, 2), pid, api,
                                  NULL);
  }
  hs_db_finalize(sel);
  if(rc)
    return rc;
  ins = hs_stmt(h, "INSERT INTO product_props_adopted(plugin, col, n,"
                " adopted_ms) SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1"
                " FROM product_props_held WHERE col = ?2) ON CONFLICT DO"
                " NOTHING");
  if(!ins)
    return BMC_ERR_INTERNAL;
  hs_bind_text(ins, 1, api->name);
  hs_bind_text(ins, 2, p->key);
  hs_db_bind_i64(ins, 3, *n);
  hs_db_bind_i64(ins, 4, hs_clock_now(h));
  rc = hs_db_step(ins) == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
  hs_db_reset(ins);
  return rc;
}

int
hs_props_adopt(struct hs_host *h, const struct bmc_plugin_api *api)
{
  int64_t n, bad;
  size_t i;
  int rc = BMC_OK, own_tx = hs_db_autocommit(h->db);

  if(!api->n_properties)
    return BMC_OK;
  if(own_tx && (rc = hs_begin(h)) != BMC_OK)
    return rc;
  for(i = 0; rc == BMC_OK && i < api->n_properties; i++) {
    n = bad = 0;
    rc = hs_adopt_one(h, api, &api->properties[i], &n, &bad);
    if(rc == BMC_OK && n)
      hs_hostlog(h, bad ? BMC_LOG_WARN : BMC_LOG_INFO, "store: %lld values "
                 "of the former products column '%s' adopted as property "
                 "'%s' of plugin %s%s%lld%s", (long long)n,
                 api->properties[i].key, api->properties[i].key, api->name,
                 bad ? " (" : "", (long long)bad,
                 bad ? " of them do not fit its declaration and are kept as "
                       "they were; `products show` names them)" : "");
  }
  if(own_tx) {
    if(rc)
      hs_rollback(h);
    else
      rc = hs_commit(h);
  }
  return rc;
}

/* ---- the listing behind `products show` ---- */

struct hs_stored {
  char *key, *market, *value;
  int64_t updated_ms;
};

static void
hs_stored_free(struct hs_stored *v, size_t n)
{
  size_t i;

  for(i = 0; v && i < n; i++) {
    free(v[i].key);
    free(v[i].market);
    free(v[i].value);
  }
  free(v);
}

/* Every stored value of (pid, plugin), in (key, market) order. */
static int
hs_stored_load(struct hs_host *h, int64_t pid, const char *plugin,
               struct hs_stored **out, size_t *n)
{
  struct hs_dbst *st = NULL;
  struct hs_stored *v = NULL, *nv;
  size_t cap = 0;
  int rc = BMC_OK;

  *n = 0;
  if(hs_db_prepare(h->db, "SELECT key, market, value, updated_ms FROM"
                   " product_props WHERE product_id = ? AND plugin = ?"
                   " ORDER BY key, market", &st) !=
     HS_DB_OK)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, pid);
  hs_db_bind_text(st, 2, plugin);
  while(rc == BMC_OK && hs_db_step(st) == HS_DB_ROW) {
    if(*n == cap) {
      cap = cap ? cap * 2 : 16;
      nv = realloc(v, cap * sizeof(*v));
      if(!nv) {
        rc = BMC_ERR_NOMEM;
        break;
      }
      v = nv;
    }
    v[*n].key = hs_strdup(hs_col_text(st, 0));
    v[*n].market = hs_strdup(hs_col_text(st, 1));
    v[*n].value = hs_strdup(hs_col_text(st, 2));
    v[*n].updated_ms = hs_db_col_i64(st, 3);
    (*n)++;
    if(!v[*n - 1].key || !v[*n - 1].market || !v[*n - 1].value)
      rc = BMC_ERR_NOMEM;
  }
  hs_db_finalize(st);
  if(rc) {
    hs_stored_free(v, *n);
    *n = 0;
    return rc;
  }
  *out = v;
  return BMC_OK;
}

static int
hs_props_each_plugin(struct hs_host *h, int64_t pid,
                     const struct bmc_plugin_api *api,
                     int (*cb)(void *ud, const struct hs_prop_view *v),
                     void *ud)
{
  struct hs_stored *v = NULL;
  struct hs_prop_view pv;
  size_t n = 0, i, j;
  int rc;

  rc = hs_stored_load(h, pid, api->name, &v, &n);
  for(i = 0; rc == BMC_OK && i < api->n_properties; i++) {
    const struct bmc_property *p = &api->properties[i];

    memset(&pv, 0, sizeof(pv));
    pv.api = api;
    pv.decl = p;
    pv.market = "";
    pv.value = p->default_value;
    for(j = 0; j < n; j++)
      if(!strcmp(v[j].key, p->key) && !v[j].market[0]) {
        pv.value = v[j].value;
        pv.is_set = 1;
        pv.updated_ms = v[j].updated_ms;
      }
    rc = cb(ud, &pv);
    for(j = 0; rc == BMC_OK && j < n; j++) {
      if(strcmp(v[j].key, p->key) || !v[j].market[0])
        continue;
      pv.market = v[j].market;
      pv.value = v[j].value;
      pv.is_set = 1;
      pv.updated_ms = v[j].updated_ms;
      rc = cb(ud, &pv);
    }
  }
  hs_stored_free(v, n);
  return rc;
}

int
hs_product_props_each(struct hs_host *h, const char *company,
                      const char *plugin, const char *sku,
                      int (*cb)(void *ud, const struct hs_prop_view *v),
                      void *ud)
{
  const struct bmc_plugin_api *api = NULL;
  int64_t cid, pid;
  size_t i;
  int rc = BMC_OK;

  if(!h || !company || !sku || !cb)
    return BMC_ERR_INVALID_ARG;
  if(hs_company_find(h, company, &cid))
    return BMC_ERR_NOT_FOUND;
  if(plugin && !(api = hs_plugin_find(h, plugin)))
    return BMC_ERR_NOT_FOUND;
  pid = hs_product_id_find(h, cid, api, sku);
  if(!pid)
    return BMC_ERR_NOT_FOUND;
  if(api)
    return hs_props_each_plugin(h, pid, api, cb, ud);
  for(i = 0; rc == BMC_OK && i < h->n_plugs; i++)
    rc = hs_props_each_plugin(h, pid, h->plugs[i].api, cb, ud);
  return rc;
}
