/*
 * bm_plugin.h -- the Back Market channel plugin's private instance and the
 * action entry points.  Settings and actions are declared in
 * bm_settings_*.def and bm_actions_*.def (X-macro lists), one file per side
 * of the plugin: the order side (orders, tracking, cancellation, settlement,
 * token) and the catalog side (listings, inventory, prices, repricer,
 * listing creation).
 */
#ifndef BM_PLUGIN_H
#define BM_PLUGIN_H

#include <stddef.h>

#include "bmc/bmc_plugin.h"

struct pc_http;       /* plugin/common HTTP client (one per instance) */
struct bm_order_side; /* order-side private state, owned by the order side */
struct bm_catalog_side; /* catalog-side private state */

/* One instance per company.  Never entered from two threads at once. */
struct bm_inst {
  const struct bmc_host_api *host; /* borrowed; outlives the instance */
  void *hctx;                      /* passed back on every host call */
  struct pc_http *http;            /* NULL until first use */
  struct bm_order_side *orders;    /* NULL until first use */
  struct bm_catalog_side *catalog; /* NULL until first use */
};

/* Every action has this shape: returns an enum bmc_rc, message in errbuf. */
typedef int (*bm_action_fn)(struct bm_inst *bi, char *errbuf, size_t errlen);

#define BM_ACTION(id, display, interval, flags, enabled_by, fn)            \
  int fn(struct bm_inst *bi, char *errbuf, size_t errlen);
#include "bm_actions_orders.def"
#include "bm_actions_catalog.def"
#undef BM_ACTION

/* Teardown hooks of each side (accept NULL members). */
void bm_order_side_free(struct bm_inst *bi);
void bm_catalog_side_free(struct bm_inst *bi);

#endif /* BM_PLUGIN_H */
