/*
 * bm_deadline.h -- dispatch deadlines of Back Market orders: the rule
 * (business days, cut-off, dispatch-by time, work days; settings) and the
 * markets' time zones (built in, overridable by setting), evaluated in the
 * market's local time through the tz database (pc_tzif.h).
 */
#ifndef BM_DEADLINE_H
#define BM_DEADLINE_H

#include <stddef.h>
#include <stdint.h>

#include "pc_tzif.h"

struct bm_inst;

struct bm_dispatch_rule {
  int business_days;    /* 0 = no deadlines */
  int32_t cutoff_s;     /* local seconds after midnight */
  int32_t by_s;         /* local seconds after midnight */
  unsigned work_days;   /* bit n = weekday n (0 = Sunday) */
};

/* Parse the rule's text forms ("13:00", "mon,tue,..."); BMC_ERR_CONFIG
 * with why naming the part that is wrong. */
int bm_dispatch_rule_parse(int business_days, const char *cutoff,
                           const char *by, const char *work_days,
                           struct bm_dispatch_rule *r, char *why,
                           size_t whylen);
/* The deadline (UTC ms) of an order placed at placed_ms under rule r in
 * zone tz: the first business day on which the order counts (the day it
 * was placed when that is a business day and it came before the cut-off,
 * else the next business day), plus business_days - 1 business days, at
 * the dispatch-by time, local.  0 when r->business_days is 0. */
int64_t bm_dispatch_deadline(const struct bm_dispatch_rule *r,
                             const struct pc_tz *tz, int64_t placed_ms);
/* The built-in time zone of a market, or NULL. */
const char *bm_market_zone(const char *market);

/* Plugin side: the deadline of an order of market placed at placed_ms
 * with the instance's settings (zones cached per instance).  BMC_OK with
 * *ms (0 = none), or BMC_ERR_CONFIG with why (bad rule or zone). */
int bm_deadline_for(struct bm_inst *bi, const char *market,
                    int64_t placed_ms, int64_t *ms, char *why,
                    size_t whylen);
/* Free the instance's cache (accepts NULL). */
struct bm_zone_cache;
void bm_zone_cache_free(struct bm_zone_cache *c);

#endif /* BM_DEADLINE_H */
