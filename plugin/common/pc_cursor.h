/*
 * pc_cursor.h -- the bound on a download cursor (plugin/common), shared by
 * the order downloads of both plugins (DESIGN 3.1 step 5): a cursor never
 * moves past the host clock -- nor past the server's clock when its Date
 * header was seen -- minus the overlap, so an order dated in the future
 * (clock skew, a bad record, a hostile 2099-01-01) is imported but cannot
 * make every later order invisible.
 */
#ifndef PC_CURSOR_H
#define PC_CURSOR_H

#include <stdint.h>

#include "bmc/bmc_plugin.h"

struct pc_http;
struct pc_secrets;

/* A date more than this ahead of the clock is reported as "ahead". */
#define PC_CURSOR_AHEAD_MS INT64_C(60000)

/* min(host_now, server_now when have_server) - overlap_ms.  Pure. */
int64_t pc_cursor_bound(int64_t host_now_ms, int have_server,
                        int64_t server_now_ms, int64_t overlap_ms);

/* The cursor to store: wanted, clamped to pc_cursor_bound() of the host
 * clock now and http's view of the server clock (pc_http_server_now).
 * When newest_ms (the latest date seen in the run, 0 = none) is more than
 * PC_CURSOR_AHEAD_MS ahead of that clock, one WARN line says so, naming
 * newest_id and the field (e.g. "date_modification"): call it once per
 * run.  host/hctx/s are used for that line only (s may be NULL). */
int64_t pc_cursor_clamp(const struct bmc_host_api *host, void *hctx,
                        const struct pc_secrets *s,
                        const struct pc_http *http, int64_t wanted_ms,
                        int64_t newest_ms, const char *newest_id,
                        const char *field, int64_t overlap_ms);

#endif /* PC_CURSOR_H */
