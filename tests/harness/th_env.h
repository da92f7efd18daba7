/*
 * th_env.h -- the shared integration-test harness (bmc_harness): one host
 * simulator (temp-dir SQLite store, virtual clock) with the plugins of
 * BMC_PLUGIN_DIR loaded, one company with one plugin enabled, and one
 * embedded marketplace simulator on 127.0.0.1:<port 0> that reads the
 * host's virtual clock, so waits and quota windows take no real time.
 * Used by tests/backmarket, tests/pro, tests/bench.
 *
 * Live validating proxy: with BMC_LIVE_PROXY_URL (a http://127.0.0.1:N
 * URL) and BMC_LIVE_PROXY_TARGET (a file) in the environment, th_env_start
 * writes the sim's URL to that file and gives the plugin the proxy's URL
 * as base_url (tests/conformance/live_proxy.js validates every request and
 * response and forwards it to the sim), and registers and sets the token
 * as base64("<token>:live"), a Basic credential as production tokens are.
 * Without them nothing changes.
 *
 * Every function returns 0 / a status as documented; none exits.  Strings
 * passed in are borrowed.
 */
#ifndef TH_ENV_H
#define TH_ENV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "hs_host.h"
#include "mk_sim.h"

#define TH_MERCHANT_ID 789

struct th_env {
  char dir[256];           /* temp dir holding host.db (removed at stop) */
  char db[300];
  struct hs_host *host;
  struct mk_sim *sim;
  uint16_t port;
  char base_url[64];       /* http://127.0.0.1:<port> (the sim, or the
                              live proxy) */
  char company[64];
  char plugin[64];
  int64_t last_now;        /* clock while the host is closed (reopen) */
  int only_plugin;         /* load only <plugin>.so (th_env_opts) */
};

struct th_env_opts {
  const char *plugin;        /* plugin to enable, e.g. "backmarket" */
  const char *company;       /* NULL = "acme" */
  int quotas;                /* sim rate limits on (1) or off (0) */
  const char *traffic_path;  /* set BMC_SIM_TRAFFIC_DUMP to this file for
                                the sim (NULL = keep the environment's) */
  int64_t start_ms;          /* virtual start; 0 = 2026-03-22T12:00:00Z */
  const char *token;         /* registered for merchant TH_MERCHANT_ID on
                                `platform`; set as setting `token_key` */
  const char *token_key;     /* NULL = "token"; "" = do not set */
  const char *base_url_key;  /* NULL = "base_url"; "" = do not set */
  const char *const *settings; /* NULL-terminated key, value pairs */
  int keep_dir;              /* 1 = leave the temp dir (debugging) */
  const char *platform;      /* platform the token is registered on
                                ("eu", "na", "ap"); NULL = "eu" */
  int in_memory;             /* 1 = ":memory:" store (faster for large
                                seeds; th_env_reopen then fails) */
  int only_plugin;           /* 1 = load only BMC_PLUGIN_DIR/<plugin>.so;
                                0 = every plugin of BMC_PLUGIN_DIR */
};

/* Start everything.  0, or -1 with a message in err. */
int th_env_start(struct th_env *e, const struct th_env_opts *o, char *err,
                 size_t errlen);
/* Stop sim and host, remove the temp dir.  Accepts a half-started env. */
void th_env_stop(struct th_env *e);
/* Close and reopen the host on the same store (restart after a crash);
 * the virtual clock continues.  0 or -1. */
int th_env_reopen(struct th_env *e, char *err, size_t errlen);

/* Toolbox setting of the env's company/plugin; 0 or the rc (message to
 * stderr). */
int th_set(struct th_env *e, const char *key, const char *value);
/* Run an action now.  Returns the job status (enum hs_job_status) or -1
 * when the host could not run it; *job_id may be NULL. */
int th_run(struct th_env *e, const char *action, int64_t *job_id);

/* Control API of the sim (mk_sim_control).  Returns the HTTP status or -1;
 * *out (may be NULL) receives the parsed JSON response (owned). */
int th_sim_control(struct th_env *e, const char *method, const char *path,
                   const char *body, struct json_object **out);
int th_simf(struct th_env *e, const char *method, const char *path,
            const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* An enabled host product of the env's company with stock qty (title =
 * sku, price 449.00).  0 or -1 (message to stderr). */
int th_product(struct th_env *e, const char *sku, int64_t qty);

/* Virtual clock. */
int th_clock_advance(struct th_env *e, int64_t ms);
int64_t th_now(struct th_env *e);

/* Lines of a job's log containing text (count). */
int th_job_log_count(struct th_env *e, int64_t job_id, const char *text);
/* Print a job's log (debugging / failure output). */
void th_job_log_dump(struct th_env *e, int64_t job_id, FILE *out);
/* Error-queue entries of the env's company matching code / item / text
 * (NULL = any). */
int th_errors_count(struct th_env *e, const char *code, const char *item,
                    const char *text);

/* Sim request log: last sequence number, and the number of requests after
 * seq with that method (NULL = any), a path starting with prefix and a
 * body containing body_has (NULL = any). */
int64_t th_sim_log_seq(struct th_env *e);
int th_sim_log_count(struct th_env *e, int64_t seq, const char *method,
                     const char *prefix, const char *body_has);
/* The same with a request-header test as well (-1 on error). */
struct th_log_filter {
  const char *method;        /* NULL = any */
  const char *prefix;        /* path prefix; NULL = any */
  const char *body_has;      /* body substring; NULL = any */
  const char *header;        /* header name as logged (lower case); NULL =
                                no header test */
  const char *header_value;  /* value it must equal (NULL = ""); a
                                request without the header has "" */
};
int th_sim_log_count_f(struct th_env *e, int64_t seq,
                       const struct th_log_filter *f);
/* Value of a numeric member of GET /_sim/stats ("requests", "status_429")
 * or -1. */
int64_t th_sim_stat(struct th_env *e, const char *key);

/* Host order count of the env's company. */
int64_t th_orders_count(struct th_env *e);

#endif /* TH_ENV_H */
