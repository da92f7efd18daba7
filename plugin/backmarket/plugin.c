/*
 * plugin.c -- the Back Market channel plugin's descriptor: the exported
 * entry symbol, the settings schema, action table, product properties and
 * markets (from the .def lists), create/run/destroy.  Everything else
 * lives in the action files.
 */
#include <stdlib.h>
#include <string.h>

#include "bm_catalog_side.h"
#include "bm_deadline.h"
#include "pc_http.h"
#include "pc_rc.h"

#define BM_PLUGIN_VERSION "0.2.0"

static const struct bmc_setting bm_settings[] = {
#define BM_SETTING(k, t, d, mn, mx, fl, ev, h) {k, t, d, mn, mx, fl, ev, h},
#include "bm_settings_orders.def"
#include "bm_settings_catalog.def"
#undef BM_SETTING
};

static const struct bmc_action bm_actions[] = {
#define BM_ACTION(id, display, interval, flags, enabled_by, fn)            \
  {id, display, interval, flags, enabled_by},
#include "bm_actions_orders.def"
#include "bm_actions_catalog.def"
#undef BM_ACTION
};

/* The properties are defined in bm_props.c; counted here for the static
 * descriptor. */
enum {
  BM_N_PROPERTIES = 0
#define BM_PROPERTY(key, ...) + 1
#include "bm_properties.def"
#undef BM_PROPERTY
};

/* "|fr-fr|fr-be|..." (the descriptor skips the first '|'). */
static const char bm_market_list[] =
#define BM_MARKET(code, currency) "|" code
#include "bm_markets.def"
#undef BM_MARKET
    ;

static const struct {
  const char *id;
  bm_action_fn fn;
} bm_dispatch[] = {
#define BM_ACTION(id, display, interval, flags, enabled_by, fn) {id, fn},
#include "bm_actions_orders.def"
#include "bm_actions_catalog.def"
#undef BM_ACTION
};

static void
bm_errf(char *errbuf, size_t errlen, const char *msg)
{
  if(errbuf && errlen) {
    strncpy(errbuf, msg, errlen - 1);
    errbuf[errlen - 1] = '\0';
  }
}

static int
bm_create(const struct bmc_host_api *host, void *host_ctx, void **inst,
          char *errbuf, size_t errlen)
{
  struct bm_inst *bi;

  if(!host || !inst) {
    bm_errf(errbuf, errlen, "backmarket: create() called without host table");
    return BMC_ERR_INVALID_ARG;
  }
  if(host->hdr.magic != BMC_ABI_MAGIC || host->hdr.major != BMC_ABI_MAJOR ||
     host->hdr.size < sizeof(struct bmc_host_api)) {
    bm_errf(errbuf, errlen, "backmarket: host ABI table mismatch (magic, "
            "major or size); rebuild the host against bmc_plugin.h 2.x");
    return BMC_ERR_ABI;
  }
  bi = calloc(1, sizeof(*bi));
  if(!bi) {
    bm_errf(errbuf, errlen, "backmarket: out of memory");
    return BMC_ERR_NOMEM;
  }
  bi->host = host;
  bi->hctx = host_ctx;
  *inst = bi;
  return BMC_OK;
}

static int
bm_run(void *inst, const char *action_id, const char *const *items,
       size_t n_items, char *errbuf, size_t errlen)
{
  struct bm_inst *bi = inst;
  size_t i;
  int rc;

  if(!bi || !action_id || (n_items && !items))
    return BMC_ERR_INVALID_ARG;
  for(i = 0; i < sizeof(bm_dispatch) / sizeof(bm_dispatch[0]); i++)
    if(!strcmp(bm_dispatch[i].id, action_id)) {
      if(n_items && !(bm_actions[i].flags & BMC_ACTION_SKUS)) {
        bm_errf(errbuf, errlen, "backmarket: this action takes no "
                "selection");
        return BMC_ERR_INVALID_ARG;
      }
      struct bm_budget_mark mark;

      bi->sel = items;
      bi->n_sel = n_items;
      bm_budget_mark(bi, &mark);
      rc = bm_dispatch[i].fn(bi, errbuf, errlen);
      bm_budget_report(bi, &mark);
      bi->sel = NULL;
      bi->n_sel = 0;
      bm_dry_state_free(bi);
      return rc;
    }
  bm_errf(errbuf, errlen, "backmarket: unknown action");
  return BMC_ERR_INVALID_ARG;
}

static void
bm_destroy(void *inst)
{
  struct bm_inst *bi = inst;

  if(!bi)
    return;
  bm_order_side_free(bi);
  bm_catalog_side_free(bi);
  bm_zone_cache_free(bi->zones);
  pc_http_free(bi->http);
  free(bi);
}

static const struct bmc_plugin_api bm_plugin_api = {
  .hdr = {BMC_ABI_MAGIC, sizeof(struct bmc_plugin_api), BMC_ABI_MAJOR,
          BMC_ABI_MINOR},
  .name = "backmarket",
  .display_name = "Back Market",
  .version = BM_PLUGIN_VERSION,
  .settings = bm_settings,
  .n_settings = sizeof(bm_settings) / sizeof(bm_settings[0]),
  .actions = bm_actions,
  .n_actions = sizeof(bm_actions) / sizeof(bm_actions[0]),
  .create = bm_create,
  .run = bm_run,
  .destroy = bm_destroy,
  .strerror = pc_strerror,
  .properties = bm_properties,
  .n_properties = BM_N_PROPERTIES,
  .markets = bm_market_list + 1,
};

const struct bmc_plugin_api *
bmc_plugin_entry(void)
{
  return &bm_plugin_api;
}
