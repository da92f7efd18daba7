/*
 * hs_loader.h -- the host simulator's plugin loader: dlopen a channel
 * plugin, find its one entry symbol and check the descriptor it returns
 * (magic, major, minor, size, required callbacks, settings, action and
 * property tables, markets) before the host calls anything in it; and the
 * pure helpers over a plugin's property declarations (hs_prop_check.c).
 *
 * Every function returns an enum bmc_rc (BMC_OK = 0) and, on failure,
 * writes one line into err (always NUL-terminated when errlen > 0) that
 * names the file, what was expected and what was found.
 */
#ifndef HS_LOADER_H
#define HS_LOADER_H

#include <stddef.h>

#include "bmc/bmc_plugin.h"

/* One loaded plugin.  path is owned (heap copy); dl is the dlopen handle;
 * api points into the plugin's .so and is valid until hs_plugin_close(). */
struct hs_plugin {
  char *path;
  void *dl;
  const struct bmc_plugin_api *api;
};

/* Load the plugin at path with RTLD_NOW|RTLD_LOCAL (a bare file name
 * means the current directory, never the library search path), call its
 * entry symbol and run hs_plugin_check_api() on the result.  On BMC_OK
 * *out is a new plugin the caller frees with hs_plugin_close(); on failure
 * *out is NULL and nothing stays loaded.  Errors: BMC_ERR_INVALID_ARG,
 * BMC_ERR_NOMEM, BMC_ERR_NOT_FOUND (dlopen failed: the message has
 * dlerror() and an ldd hint), BMC_ERR_ABI (no entry symbol, or a
 * descriptor check failed). */
int hs_plugin_open(const char *path, struct hs_plugin **out, char *err,
                   size_t errlen);

/* Unload.  Accepts NULL.  Under AddressSanitizer the library stays mapped
 * (no dlclose) so leak reports keep the plugin's symbols. */
void hs_plugin_close(struct hs_plugin *p);

/* The pure descriptor check (no dlopen; path is used in messages only).
 * In this order: api non-NULL, magic, major ==, minor <= host, size covers
 * every field up to strerror, name/version/create/run/destroy non-NULL,
 * settings (when n_settings > 0) and actions (when n_actions > 0)
 * non-NULL, each setting sane (key [a-z0-9_]+ and unique, not the reserved
 * "enabled", known type, enum_values for ENUM, min <= max, default
 * valid against its own schema), each action sane (id non-NULL and unique,
 * display_name non-NULL, enabled_by NULL or an existing BOOL setting,
 * known flags), markets sane ('|' list of unique [A-Za-z0-9-]+ codes),
 * each property sane (key [a-z0-9_]+ and unique, known type and flags,
 * label and panel set, a column of [A-Za-z0-9_] names unique within the
 * plugin unless PLUGIN_OWNED, enum_values for ENUM, min <= max, default
 * valid, PER_MARKET only with markets, SKU_ALIAS a global STRING, one
 * LISTS property at most and a BOOL).
 * Returns BMC_OK or BMC_ERR_ABI (BMC_ERR_INVALID_ARG for a NULL path). */
int hs_plugin_check_api(const char *path, const struct bmc_plugin_api *api,
                        char *err, size_t errlen);

/* Load every regular "*.so" file in dir, in name order.  All or nothing:
 * the first plugin that fails to load, or a second plugin with a name
 * already taken, fails the whole call (message names the file) and
 * nothing stays loaded.  On BMC_OK *out is a heap array of *n plugins
 * (possibly *n == 0 and *out == NULL) freed with hs_plugins_free().
 * Errors: BMC_ERR_INVALID_ARG, BMC_ERR_NOMEM, BMC_ERR_NOT_FOUND (dir cannot
 * be opened), BMC_ERR_CONFLICT (duplicate plugin name), and those of
 * hs_plugin_open(). */
int hs_plugins_open_dir(const char *dir, struct hs_plugin ***out, size_t *n,
                        char *err, size_t errlen);

/* Close every plugin of an array from hs_plugins_open_dir() and free the
 * array.  Accepts NULL. */
void hs_plugins_free(struct hs_plugin **v, size_t n);

/* The plugin called name in v[0..n), or NULL. */
const struct hs_plugin *hs_plugins_find(struct hs_plugin *const *v, size_t n,
                                        const char *name);

/* A plugin set as a lookup for hs_config_validate():
 *   struct hs_plugin_list l = {v, n};
 *   hs_config_validate(cfg, hs_plugins_lookup, &l, err, sizeof(err));  */
struct hs_plugin_list {
  struct hs_plugin **v;
  size_t n;
};
const struct bmc_plugin_api *hs_plugins_lookup(void *ud /* hs_plugin_list */,
                                               const char *plugin_name);

/* dlopen(path, RTLD_NOW|RTLD_LOCAL), a bare file name meaning the current
 * directory; NULL with "path: cannot load plugin: <dlerror> (run `ldd`
 * ...)" in err.  hs_dl_close() accepts NULL and keeps the library mapped
 * under AddressSanitizer. */
void *hs_dl_open(const char *path, char *err, size_t errlen);
void hs_dl_close(void *dl);

/* 1 when key is [a-z0-9_]+ (setting, property and plugin names). */
int hs_key_ok(const char *key);

/* ---- hs_prop_check.c: property declarations (pure) ---- */

/* The property and market checks of hs_plugin_check_api() (message names
 * path, the property and what is wrong).  BMC_OK or BMC_ERR_ABI. */
int hs_properties_check(const char *path, const struct bmc_plugin_api *api,
                        char *err, size_t errlen);

/* The property called key in api's declarations, or NULL. */
const struct bmc_property *hs_property_find(const struct bmc_plugin_api *api,
                                            const char *key);
/* The first property api declares with flag (a BMC_PROP_*), or NULL. */
const struct bmc_property *hs_property_flagged(
    const struct bmc_plugin_api *api, uint32_t flag);
/* Check the text value against p like a setting (hs_setting_validate:
 * type, range, enum, decimal form) and, for a DECIMAL with decimals > 0,
 * the number of fraction digits.  The message starts with "<shown>: "
 * (shown NULL = the key).  BMC_OK, BMC_ERR_CONFIG or BMC_ERR_INVALID_ARG. */
int hs_property_validate(const struct bmc_property *p, const char *shown,
                         const char *value, char *err, size_t errlen);
/* 1 when market is one of api->markets. */
int hs_market_declared(const struct bmc_plugin_api *api, const char *market);
/* The canonical Bulk Update column of p (before any '|'); "" when none. */
void hs_property_column(const struct bmc_property *p, char *buf, size_t len);
/* 1 when header names p (its column or an alias, case-insensitive; market
 * = ""), or, for a PER_MARKET p, "<column>_<market>" with a declared market
 * (market = its declared spelling).  0 otherwise. */
int hs_property_column_match(const struct bmc_plugin_api *api,
                             const struct bmc_property *p, const char *header,
                             char *market, size_t mlen);

#endif /* HS_LOADER_H */
