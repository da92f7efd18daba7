/*
 * hs_config_apply.c -- hs_host_load_config: read and validate host.cfg
 * (hs_config.c) against the loaded plugins, check its key_file is the
 * store key in use, then create its companies (with their Custom
 * Inventory Calculation), plugin enablement and Toolbox settings in one
 * transaction (nothing applied on any error).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_audit_trail.h"
#include "hs_config.h"
#include "hs_internal.h"

static const struct bmc_plugin_api *
hs_cfg_lookup(void *ud, const char *name)
{
  return hs_plugin_find(ud, name);
}

/* host.cfg's key_file is the key the store was opened with: the caller
 * (the CLI) passes it to hs_host_open; a different one is an error, not
 * a key silently ignored. */
static int
hs_cfg_key_file_matches(struct hs_host *h, const struct hs_config *cfg,
                        char *err, size_t errlen)
{
  char *a, *b;
  int same;

  if(!cfg->key_file)
    return BMC_OK;
  a = h->key_path ? realpath(h->key_path, NULL) : NULL;
  b = realpath(cfg->key_file, NULL);
  same = a && b ? strcmp(a, b) == 0
                : h->key_path && strcmp(h->key_path, cfg->key_file) == 0;
  free(a);
  free(b);
  if(same)
    return BMC_OK;
  hs_errf(err, errlen, "%s:%d: key_file '%s' is not the key file the store "
          "was opened with (%s); open the store with this key file",
          cfg->source, cfg->key_file_line, cfg->key_file,
          h->key_path ? h->key_path : "an in-memory key");
  return BMC_ERR_CONFIG;
}

int
hs_host_load_config(struct hs_host *h, const char *cfg_path, char *err,
                    size_t errlen)
{
  struct hs_config *cfg = NULL;
  size_t c, p, e;
  int rc;

  if(!h || !cfg_path) {
    hs_errf(err, errlen, "config: no file");
    return BMC_ERR_INVALID_ARG;
  }
  rc = hs_config_read_file(cfg_path, &cfg, err, errlen);
  if(rc)
    return rc;
  rc = hs_cfg_key_file_matches(h, cfg, err, errlen);
  if(!rc && cfg->plugin_dir && h->n_plugs == 0)
    rc = hs_host_load_plugins(h, cfg->plugin_dir, err, errlen);
  if(!rc)
    rc = hs_config_validate(cfg, hs_cfg_lookup, h, err, errlen);
  if(!rc)
    rc = hs_begin(h);
  for(c = 0; !rc && c < cfg->n_companies; c++) {
    const struct hs_cfg_company *co = &cfg->companies[c];

    rc = hs_company_add(h, co->name, NULL);
    if(rc == BMC_ERR_CONFLICT)
      rc = BMC_OK;
    else if(rc)
      hs_errf(err, errlen, "%s:%d: company: %s", cfg_path, co->line,
              h->last_err);
    if(!rc && co->inventory_calc) {
      char tmp[HS_ERRLEN];

      rc = hs_company_invcalc_set(h, co->name, co->inventory_calc, tmp,
                                  sizeof(tmp));
      if(rc)
        hs_errf(err, errlen, "%s:%d: inventory_calc: %s", cfg_path,
                co->inventory_calc_line, tmp);
    }
    if(!rc && co->dry_run_set &&
       (rc = hs_company_dry_run_set(h, co->name, co->dry_run)) != BMC_OK)
      hs_errf(err, errlen, "%s:%d: dry_run: %s", cfg_path, co->line,
              h->last_err);
    for(p = 0; !rc && p < co->n_plugins; p++) {
      const struct hs_cfg_plugin *pl = &co->plugins[p];

      rc = hs_company_plugin_enable(h, co->name, pl->name, pl->enabled, err,
                                    errlen);
      for(e = 0; !rc && e < pl->n_entries; e++)
        rc = hs_company_setting_set(h, co->name, pl->name,
                                    pl->entries[e].key, pl->entries[e].value,
                                    err, errlen);
      if(rc && pl->line) {
        char tmp[HS_ERRLEN];

        snprintf(tmp, sizeof(tmp), "%s", err ? err : "");
        hs_errf(err, errlen, "%s:%d: %s", cfg_path, pl->line, tmp);
      }
    }
  }
  if(rc)
    hs_rollback(h);
  else
    rc = hs_commit(h);
  hs_config_free(cfg);
  return rc;
}
