/*
 * mk_sim.h -- embed API of the marketplace simulator (market-sim).
 *
 * The simulator is a loopback HTTP server (127.0.0.1 only) that behaves like
 * Back Market's seller API (/ws/...), the assumed Back Market Pro API
 * (/sellers-prod/2024-03/..., see schemas/backmarket-pro.openapi.yaml) and
 * a control API (/_sim/..., see host-sim/market/CONTROL.md).  Tests and the
 * demo embed it with mk_sim_start() on port 0 and read the real port back.
 *
 * Time.  Every quota window, task delay, schedule and timestamp uses the
 * simulator's clock in milliseconds since the Unix epoch.  Three modes:
 *  - virtual (the default of this API, all fields zero): starts at
 *    clock_start_ms and moves only through the control API;
 *  - wall (wall_clock = 1; the market-sim executable's default): starts at
 *    clock_start_ms or the real time and runs with the real monotonic clock,
 *    `speed` simulated ms per real ms, so quota windows reset and bulk
 *    tasks finish while a client waits; the control API may still set or
 *    advance it;
 *  - shared (now_ms set): the simulator reads the embedder's clock and
 *    refuses clock changes through the control API.
 *
 * Threading.  All state sits behind one mutex: any thread may call
 * mk_sim_control() while the server runs.  now_ms may be called from the
 * server's threads (with the state mutex held) and must be thread-safe.
 */
#ifndef MK_SIM_H
#define MK_SIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct mk_sim;

struct mk_sim_opts {
  uint16_t port;            /* 0 = any free port */
  const char *portfile;     /* if set, the real port is written here
                               after listen() (borrowed, may be NULL) */
  int quotas;               /* 1 = rate limits and SKU-line quota on */
  int ua_refuse;            /* 0 = warn in the request log, 1 = 403 on a
                               User-Agent not of the BM-{Co}-{Int};email form */
  int64_t clock_start_ms;   /* virtual clock start; 0 = 2026-03-22T12:00Z */
  int64_t (*now_ms)(void *ud); /* if set, the sim reads time from this
                                  shared clock instead of its own */
  void *now_ud;             /* passed to now_ms */
  unsigned threads;         /* server threads; 0 = 2 */
  /* Fields below were added later; zero keeps the earlier behaviour. */
  int wall_clock;           /* 1 = wall clock mode (see Time above) */
  double speed;             /* wall clock: simulated ms per real ms;
                               0 = 1 (real time) */
  int64_t task_delay_ms;    /* bulk task delay: 0 = 300000 (5 minutes),
                               -1 = none (done at the next request) */
  const char *public_url;   /* base of next/previous URLs, e.g.
                               "https://sandbox.example:8443" (borrowed);
                               NULL = the scheme and host the request came
                               by (X-Forwarded-Proto/-Host, Host) */
};

/*
 * Start a simulator.  *out receives the instance (free with mk_sim_stop).
 * Returns 0 on success; on failure a negative value and a message in err
 * (never NULL-terminated beyond errlen).  o is borrowed.
 */
int mk_sim_start(const struct mk_sim_opts *o, struct mk_sim **out,
                 char *err, size_t errlen);

/* The port the server listens on (127.0.0.1). */
uint16_t mk_sim_port(const struct mk_sim *s);

/* Stop the server and free everything.  Accepts NULL. */
void mk_sim_stop(struct mk_sim *s);

/*
 * Call a control API handler in-process, exactly as an HTTP request to
 * /_sim/... would (method "GET"/"POST"/"DELETE"; path starting with /_sim/,
 * may carry a ?query; json_body may be NULL).  *status receives the HTTP
 * status; when resp_json is not NULL, *resp_json receives a malloc'd JSON
 * text the caller frees.  Returns 0 when a handler ran (whatever the
 * status), negative on bad arguments or out of memory.
 */
int mk_sim_control(struct mk_sim *s, const char *method, const char *path,
                   const char *json_body, int *status, char **resp_json);

#ifdef __cplusplus
}
#endif

#endif /* MK_SIM_H */
