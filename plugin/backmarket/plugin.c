/*
 * plugin.c -- the Back Market channel plugin's descriptor: the exported
 * entry symbol, the settings schema and action table (from the .def lists),
 * create/run/destroy.  Everything else lives in the action files.
 */
#include <stdlib.h>
#include <string.h>

#include "bm_plugin.h"
#include "pc_http.h"
#include "pc_rc.h"

#define BM_PLUGIN_VERSION "0.1.0"

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
            "major or size); rebuild the host against bmc_plugin.h 1.x");
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
bm_run(void *inst, const char *action_id, char *errbuf, size_t errlen)
{
  struct bm_inst *bi = inst;
  size_t i;

  if(!bi || !action_id)
    return BMC_ERR_INVALID_ARG;
  for(i = 0; i < sizeof(bm_dispatch) / sizeof(bm_dispatch[0]); i++)
    if(!strcmp(bm_dispatch[i].id, action_id))
      return bm_dispatch[i].fn(bi, errbuf, errlen);
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
};

const struct bmc_plugin_api *
bmc_plugin_entry(void)
{
  return &bm_plugin_api;
}
