/*
 * pc_cursor.c -- owns the download cursor bound and the "marketplace clock
 * or data ahead" warning (see pc_cursor.h).
 */
#include "pc_cursor.h"

#include <stdio.h>

#include "pc_http.h"
#include "pc_redact.h"
#include "pc_time.h"

int64_t
pc_cursor_bound(int64_t host_now_ms, int have_server, int64_t server_now_ms,
                int64_t overlap_ms)
{
  int64_t ref = host_now_ms;

  if(have_server && server_now_ms < ref)
    ref = server_now_ms;
  return ref - (overlap_ms > 0 ? overlap_ms : 0);
}

int64_t
pc_cursor_clamp(const struct bmc_host_api *host, void *hctx,
                const struct pc_secrets *s, const struct pc_http *http,
                int64_t wanted_ms, int64_t newest_ms, const char *newest_id,
                const char *field, int64_t overlap_ms)
{
  int64_t now = host->now_ms(hctx);
  int64_t server = 0;
  int have = pc_http_server_now(http, now, &server);
  int64_t bound = pc_cursor_bound(now, have, server, overlap_ms);
  int64_t ref = have && server < now ? server : now;
  char t_new[32], t_now[32], t_srv[32], t_bound[32];

  if(newest_ms > ref + PC_CURSOR_AHEAD_MS) {
    if(pc_time_format(newest_ms, t_new, sizeof(t_new)))
      snprintf(t_new, sizeof(t_new), "(out of range)");
    if(pc_time_format(now, t_now, sizeof(t_now)))
      t_now[0] = '\0';
    if(!have || pc_time_format(server, t_srv, sizeof(t_srv)))
      t_srv[0] = '\0';
    if(pc_time_format(bound, t_bound, sizeof(t_bound)))
      t_bound[0] = '\0';
    pc_log(host, hctx, s, BMC_LOG_WARN,
           "the marketplace's clock or data is ahead: %s %s of %s is ahead "
           "of the clock (host clock %s%s%s); it was imported, but the "
           "cursor does not move past %s, so later orders are not skipped",
           field, t_new, newest_id && *newest_id ? newest_id : "an order",
           t_now, have ? ", server Date header " : "", have ? t_srv : "",
           t_bound);
  }
  return wanted_ms < bound ? wanted_ms : bound;
}
