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
  struct bm_zone_cache *zones;     /* market time zones (bm_deadline.c) */
  const char *const *sel;          /* the running action's selection */
  size_t n_sel;                    /* 0 = whole catalog */
  const char *trigger;             /* audit trigger of the running action
                                      ("reconciliation"); NULL = the job's */
  struct bm_recon *recon;          /* drift counters while reconciling */
  struct bm_smap *dry_state;       /* a dry run's integer state writes, read
                                      back by bm_smap_load for this job only */
};

/* In a dry run, where nothing is stored: keep an integer state write
 * (what Back Market holds, read back later in the same job); other values
 * are dropped.  BMC_OK or BMC_ERR_NOMEM.  _free at the end of each run. */
int bm_dry_state_put(struct bm_inst *bi, const char *key, const char *val);
void bm_dry_state_free(struct bm_inst *bi);

struct bmc_change;
/* changes[0..n) as the write gate records them: with bi->trigger filled in
 * where a change names none (*copy malloc'd: free it after the send), and
 * during a reconciliation each one reported by kind (bm_reconcile.c). */
const struct bmc_change *bm_changes_for(struct bm_inst *bi,
                                        const struct bmc_change *c, size_t n,
                                        struct bmc_change **copy);

/* Every action has this shape: returns an enum bmc_rc, message in errbuf.
 * A selection (actions flagged BMC_ACTION_SKUS) is in bi->sel during the
 * run. */
typedef int (*bm_action_fn)(struct bm_inst *bi, char *errbuf, size_t errlen);

#define BM_ACTION(id, display, interval, flags, enabled_by, fn)            \
  int fn(struct bm_inst *bi, char *errbuf, size_t errlen);
#include "bm_actions_orders.def"
#include "bm_actions_catalog.def"
#undef BM_ACTION

/* ---- The connection, shared by both sides (bm_client.c, order side) ----
 * Budgets of one instance: every request through bi->http takes one unit of
 * BM_BUDGET_OVERALL automatically; catalog endpoints also pass
 * bm_budget(bi, BM_BUDGET_CATALOG) as the request's extra budget (Back Box:
 * BM_BUDGET_BACKBOX); listing updates take their SKU lines from
 * BM_BUDGET_SKU_LINES with pc_budget_take().  Limits come from settings
 * (0 = off). */
enum bm_budget_id {
  BM_BUDGET_OVERALL = 0,
  BM_BUDGET_CATALOG,
  BM_BUDGET_BACKBOX,
  BM_BUDGET_SKU_LINES,
  BM_BUDGET_COUNT
};

struct pc_budget;

/* Make sure bi->http exists, configured from the settings (token checked
 * for form, platform/base_url, User-Agent BM-{Company}-Connector;email,
 * default Accept-Language = first market, timeout, budgets).  Idempotent.
 * BMC_ERR_CONFIG with a message naming the setting (never the token). */
int bm_client_ready(struct bm_inst *bi, char *errbuf, size_t errlen);
/* A budget of this instance; NULL before bm_client_ready() succeeded. */
struct pc_budget *bm_budget(struct bm_inst *bi, enum bm_budget_id id);
/* Budget use of one run, for the host's health metrics: mark before the
 * action, report after it (one "budget_<name>" sample per budget that
 * spent units; budgets are per token, so market ""). */
struct bm_budget_mark {
  const struct pc_budget *b[BM_BUDGET_COUNT];
  int64_t taken[BM_BUDGET_COUNT];
};
void bm_budget_mark(struct bm_inst *bi, struct bm_budget_mark *m);
void bm_budget_report(struct bm_inst *bi, const struct bm_budget_mark *m);
/* Log into the job log with the instance's secrets masked (pc_log). */
void bm_log(struct bm_inst *bi, enum bmc_log_level level, const char *fmt,
            ...) BMC_PRINTF(3, 4);
/* The default market (first entry of the "markets" setting, e.g. "fr-fr");
 * "fr-fr" before bm_client_ready(). Borrowed from the instance. */
const char *bm_default_market(struct bm_inst *bi);

/* Teardown hooks of each side (accept NULL members). */
void bm_order_side_free(struct bm_inst *bi);
void bm_catalog_side_free(struct bm_inst *bi);

#endif /* BM_PLUGIN_H */
