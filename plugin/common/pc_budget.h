/*
 * pc_budget.h -- request budgets that persist across runs (plugin/common).
 *
 * A budget is "at most `limit` units in any `window_ms`" (e.g. 180 requests
 * per 10 s overall, 18 per 10 s on catalog endpoints, 2 per second on Back
 * Box, 2000 SKU lines per hour).  It is a sliding window counted in 20 slots
 * of window_ms/20: a new unit is allowed only when the units recorded in
 * every slot that overlaps the last window_ms, plus the new ones, stay within
 * the limit.  Counting whole slots over-counts slightly, never under-counts,
 * so the marketplace's limit is never exceeded.
 *
 * Durability: the slots live in the host state store under
 * "budget/<name>".  The store never holds less than what was spent: units
 * are recorded ahead of use (a reservation of about limit/20 in the current
 * slot), so most takes need no write, a crash leaves a slight over-count
 * (safe), and pc_budget_free() writes the exact value back.  The next run
 * (or another action of the same instance) continues from there.  Time is
 * host->now_ms (virtual in tests); waiting is host->wait_ms.
 *
 * limit 0 means "off" (no accounting, nothing stored): for simulators with
 * quotas switched off and benchmarks.
 */
#ifndef PC_BUDGET_H
#define PC_BUDGET_H

#include <stdint.h>

#include "bmc/bmc_plugin.h"

struct pc_budget;

/* Open (load from state) a budget.  name: [a-z0-9_]+ ("overall",
 * "catalog", "backbox", "sku_lines").  host/hctx borrowed, must outlive the
 * budget.  BMC_ERR_INVALID_ARG, BMC_ERR_NOMEM.  A corrupt stored value is
 * treated as "window full" (safe) for one window and logged. */
int pc_budget_open(const struct bmc_host_api *host, void *hctx,
                   const char *name, int64_t limit, int64_t window_ms,
                   struct pc_budget **out);
/* Accepts NULL. */
void pc_budget_free(struct pc_budget *b);

/* Take n units.  If they fit now: record them (durably) and BMC_OK.  If
 * they fit after a wait of at most max_wait_ms: host->wait_ms, then take.
 * Otherwise BMC_ERR_BUDGET (nothing taken: resume next run).  n greater
 * than the limit is BMC_ERR_INVALID_ARG.  Always BMC_OK when off. */
int pc_budget_take(struct pc_budget *b, int64_t n, int64_t max_wait_ms);

/* How long (ms) until n units fit; 0 = now; -1 = never (n > limit). */
int64_t pc_budget_wait_needed(struct pc_budget *b, int64_t n);

/* Units still available right now. (INT64_MAX when off.) */
int64_t pc_budget_available(struct pc_budget *b);

/* The marketplace said 429: nothing may be sent before until_ms (stored).
 * Also counted in the stats. */
void pc_budget_block_until(struct pc_budget *b, int64_t until_ms);

struct pc_budget_stats {
  int64_t taken;     /* units taken through this handle */
  int64_t waited_ms; /* total wait_ms spent pacing */
  int64_t refused;   /* takes answered BMC_ERR_BUDGET */
  int64_t blocks;    /* 429 blocks recorded */
};
void pc_budget_get_stats(const struct pc_budget *b,
                         struct pc_budget_stats *out);

/* The configured limit (0 = off). */
int64_t pc_budget_limit(const struct pc_budget *b);

#endif /* PC_BUDGET_H */
