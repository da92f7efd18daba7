/*
 * plugin.c -- the Back Market Pro cart plugin's descriptor: the exported
 * entry symbol, the settings schema (seed 003's Toolbox options), the action
 * table, create/run/destroy.  The actions live in bmp_*.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmp_contract.h"
#include "bmp_plugin.h"
#include "pc_rc.h"

static const struct bmc_setting bmp_settings[] = {
  {BMP_SET_URL, BMC_SET_STRING, BMP_DEFAULT_WEBSITE_URL, 0, 300, 0, NULL,
   "Website URL of the Back Market Pro API (Cart General)"},
  {BMP_SET_KEY, BMC_SET_STRING, NULL, 0, 512,
   BMC_SETTING_REQUIRED | BMC_SETTING_SECRET, NULL,
   "x-api-key (the API key received from Back Market Pro)"},
  {BMP_SET_ALLOW_ORDERS, BMC_SET_BOOL, "false", 0, 0, 0, NULL,
   "Allow Order Download: import new and updated orders every 5 minutes"},
  {BMP_SET_ALLOW_TRACKING, BMC_SET_BOOL, "false", 0, 0, 0, NULL,
   "Allow Tracking Upload: send tracking of fully shipped orders"},
  {BMP_SET_COMMISSION, BMC_SET_DECIMAL, "0.00", 0, 100, 0, NULL,
   "Order Import: Commission (%) added to the total cost of imported orders"},
  {BMP_SET_OVERLAP, BMC_SET_INT, "900", 0, 86400, 0, NULL,
   "Seconds the order cursor overlaps the previous import"},
  {BMP_SET_FIRST_DAYS, BMC_SET_INT, "30", 1, 365, 0, NULL,
   "How far back the first import looks for unfulfilled orders (days)"},
  {BMP_SET_TIMEOUT, BMC_SET_INT, "30000", 1000, 300000, 0, NULL,
   "Timeout of one HTTP request (ms)"},
  {BMP_SET_RATE, BMC_SET_INT, "10", 0, 100, 0, NULL,
   "Requests per second sent to Back Market Pro (0 = no pacing)"},
};

static const struct bmc_action bmp_actions[] = {
  {"test_settings", "Test Settings", 0,
   BMC_ACTION_MANUAL | BMC_ACTION_CREDENTIALS, NULL},
  {"import_orders", "Import Orders", 300,
   BMC_ACTION_MANUAL | BMC_ACTION_SCHEDULED, BMP_SET_ALLOW_ORDERS},
  {"tracking_upload", "Tracking Upload", 300,
   BMC_ACTION_MANUAL | BMC_ACTION_SCHEDULED, BMP_SET_ALLOW_TRACKING},
};

typedef int (*bmp_action_fn)(struct bmp_inst *bi, char *errbuf,
                             size_t errlen);

static const struct {
  const char *id;
  bmp_action_fn fn;
} bmp_dispatch[] = {
  {"test_settings", bmp_test_settings},
  {"import_orders", bmp_import_orders},
  {"tracking_upload", bmp_tracking_upload},
};

static void
bmp_errf(char *errbuf, size_t errlen, const char *msg)
{
  if(errbuf && errlen)
    snprintf(errbuf, errlen, "%s", msg);
}

static int
bmp_create(const struct bmc_host_api *host, void *host_ctx, void **inst,
           char *errbuf, size_t errlen)
{
  struct bmp_inst *bi;

  if(!host || !inst) {
    bmp_errf(errbuf, errlen,
             "backmarket_pro: create() called without host table");
    return BMC_ERR_INVALID_ARG;
  }
  if(host->hdr.magic != BMC_ABI_MAGIC || host->hdr.major != BMC_ABI_MAJOR ||
     host->hdr.size < sizeof(struct bmc_host_api)) {
    char msg[256];

    snprintf(msg, sizeof(msg),
             "backmarket_pro: host ABI table mismatch: expected magic "
             "0x%08x major %u size >= %zu, found magic 0x%08x major %u "
             "size %u",
             BMC_ABI_MAGIC, (unsigned)BMC_ABI_MAJOR,
             sizeof(struct bmc_host_api), (unsigned)host->hdr.magic,
             (unsigned)host->hdr.major, (unsigned)host->hdr.size);
    bmp_errf(errbuf, errlen, msg);
    return BMC_ERR_ABI;
  }
  bi = calloc(1, sizeof(*bi));
  if(!bi) {
    bmp_errf(errbuf, errlen, "backmarket_pro: out of memory");
    return BMC_ERR_NOMEM;
  }
  bi->host = host;
  bi->hctx = host_ctx;
  *inst = bi;
  return BMC_OK;
}

static int
bmp_run(void *inst, const char *action_id, const char *const *items,
        size_t n_items, char *errbuf, size_t errlen)
{
  struct bmp_inst *bi = inst;
  size_t i;

  (void)items;
  if(!bi || !action_id)
    return BMC_ERR_INVALID_ARG;
  if(n_items) { /* no Pro action takes a selection (the host checks too) */
    bmp_errf(errbuf, errlen, "backmarket_pro: actions take no selection");
    return BMC_ERR_INVALID_ARG;
  }
  for(i = 0; i < sizeof(bmp_dispatch) / sizeof(bmp_dispatch[0]); i++)
    if(!strcmp(bmp_dispatch[i].id, action_id)) {
      int rc = bmp_dispatch[i].fn(bi, errbuf, errlen);
      /* the key is read again at the start of every action; the HTTP
       * client keeps its own (wiped) copy */
      explicit_bzero(bi->conf.key, sizeof(bi->conf.key));
      return rc;
    }
  bmp_errf(errbuf, errlen, "backmarket_pro: unknown action");
  return BMC_ERR_INVALID_ARG;
}

static void
bmp_destroy(void *inst)
{
  struct bmp_inst *bi = inst;

  if(!bi)
    return;
  bmp_conn_free(bi);
  pc_secrets_clear(&bi->secrets);
  explicit_bzero(bi->conf.key, sizeof(bi->conf.key));
  free(bi);
}

static const struct bmc_plugin_api bmp_plugin_api = {
  .hdr = {BMC_ABI_MAGIC, sizeof(struct bmc_plugin_api), BMC_ABI_MAJOR,
          BMC_ABI_MINOR},
  .name = BMP_PLUGIN_NAME,
  .display_name = "Back Market Pro",
  .version = BMP_PLUGIN_VERSION,
  .settings = bmp_settings,
  .n_settings = sizeof(bmp_settings) / sizeof(bmp_settings[0]),
  .actions = bmp_actions,
  .n_actions = sizeof(bmp_actions) / sizeof(bmp_actions[0]),
  .create = bmp_create,
  .run = bmp_run,
  .destroy = bmp_destroy,
  .strerror = pc_strerror,
  .properties = NULL, /* no product properties: orders only */
  .n_properties = 0,
  .markets = NULL,
};

const struct bmc_plugin_api *
bmc_plugin_entry(void)
{
  return &bmp_plugin_api;
}
