/*
 * pc_http.h -- the marketplace HTTP client shared by both plugins
 * (plugin/common).  One client per plugin instance: one libcurl easy handle
 * reused for every request (connection reuse), CURLOPT_NOSIGNAL, explicit
 * connect and total timeouts in ms, TLS verification always on (only plain
 * http:// to 127.0.0.1 -- the loopback simulator -- goes without TLS, and
 * plain http:// to any other host is refused at create time).
 *
 * Retries.  pc_http_send() classifies every attempt with pc_http_classify()
 * (the ONE classification function): 2xx OK; 408, 429, 5xx and transport
 * errors are retried with exponential backoff plus jitter, waiting through
 * host->wait_ms (so the virtual clock moves in tests), honouring
 * Retry-After, bounded by max_attempts and max_wait_ms; other 4xx are
 * permanent (BMC_ERR_REMOTE_REJECT; 401/403 BMC_ERR_UNAUTHORIZED) and never
 * retried.  Before each attempt one unit is taken from the client's default
 * budget and from the request's extra budget (pc_budget.h); a 429 blocks
 * those budgets until Retry-After has passed.
 *
 * Secrets.  The auth header value is copied into the client and is never
 * logged, never put in resp->error and never sent to another origin: an
 * absolute URL (a `next` link) must share base_url's scheme, host and port.
 *
 * Library init.  The first pc_http_create() of the process calls
 * curl_global_init() and xmlInitParser() under a mutex-guarded refcount;
 * the last pc_http_free() calls curl_global_cleanup() (never
 * xmlCleanupParser()).  See pc_lib_acquire().
 */
#ifndef PC_HTTP_H
#define PC_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "bmc/bmc_plugin.h"

struct pc_http;
struct pc_budget;

struct pc_http_conf {
  const char *base_url;        /* "https://www.backmarket.fr", no trailing /
                                  needed; required */
  const char *user_agent;      /* required */
  long timeout_ms;             /* whole request; 0 = 30000 */
  long connect_timeout_ms;     /* 0 = min(10000, timeout_ms) */
  size_t max_body_bytes;       /* response cap; 0 = 16 MiB; over = PROTOCOL */
  const char *auth_header;     /* "Authorization", "x-api-key"; NULL = none */
  const char *auth_value;      /* "Basic <token>"; copied, kept private */
  const char *accept_language; /* default Accept-Language; NULL = none */
  int max_attempts;            /* attempts per request incl. first; 0 = 5 */
  int64_t backoff_base_ms;     /* first backoff; 0 = 500 */
  int64_t backoff_max_ms;      /* one backoff at most; 0 = 30000 */
  int64_t max_wait_ms;         /* total retry waiting per request; 0 = 120000 */
};

struct pc_http_req {
  const char *method;          /* "GET", "POST", "PATCH", "PUT", "DELETE" */
  const char *target;          /* "/ws/orders?page=2" (appended to base_url)
                                  or an absolute URL on base_url's origin */
  const char *accept_language; /* NULL = the client's default */
  const char *body;            /* request body (JSON); NULL = none */
  const char *content_type;    /* NULL = "application/json" */
  struct pc_budget *budget;    /* extra budget (e.g. catalog); NULL = none */
  int max_attempts;            /* 0 = client default; 1 = never retry */
};

struct pc_http_resp {
  long status;            /* last HTTP status; 0 when none was received */
  char *body;             /* NUL-terminated, owned; NULL if no body */
  size_t len;
  char retry_after[32];   /* response headers of the last attempt ("" = */
  char cf_ray[80];        /*  absent) */
  char content_type[120];
  char error[256];        /* why it failed, for logs; never has secrets */
  int attempts;           /* attempts made */
};

struct pc_http_stats {
  int64_t requests;       /* attempts sent on the wire */
  int64_t retries;
  int64_t status_429;
  int64_t status_5xx;
  int64_t transport_errors;
};

/* Make a client.  conf strings are copied.  host/hctx are borrowed and must
 * outlive the client (they are used for wait_ms, now_ms and log).
 * BMC_ERR_CONFIG (bad/insecure base_url, missing user agent), NOMEM,
 * INTERNAL (curl init).  Message in errbuf. */
int pc_http_create(const struct pc_http_conf *conf,
                   const struct bmc_host_api *host, void *hctx,
                   struct pc_http **out, char *errbuf, size_t errlen);
/* Accepts NULL. */
void pc_http_free(struct pc_http *h);

/* Budget every request takes from (e.g. "overall 180 / 10 s"); borrowed,
 * must outlive the client or be reset to NULL.  NULL = none. */
void pc_http_set_budget(struct pc_http *h, struct pc_budget *b);

/* Send one request with retries (see top).  resp is zeroed first and always
 * describes the last attempt; free it with pc_http_resp_clear().
 * Returns BMC_OK (2xx), BMC_ERR_REMOTE_REJECT / BMC_ERR_UNAUTHORIZED (4xx,
 * body kept), BMC_ERR_REMOTE_RETRY / BMC_ERR_TRANSPORT (retries exhausted),
 * BMC_ERR_BUDGET (a budget said wait for the next run; nothing was sent on
 * that attempt), BMC_ERR_PROTOCOL (body over the cap, foreign `next` URL),
 * BMC_ERR_INVALID_ARG, BMC_ERR_NOMEM. */
int pc_http_send(struct pc_http *h, const struct pc_http_req *req,
                 struct pc_http_resp *resp);

/* Free resp->body and zero resp.  Accepts NULL. */
void pc_http_resp_clear(struct pc_http_resp *resp);

/* THE classification: status (0 = no response) and curl_code (a CURLcode,
 * 0 = none) -> BMC_OK, BMC_ERR_REMOTE_RETRY, BMC_ERR_TRANSPORT,
 * BMC_ERR_UNAUTHORIZED, BMC_ERR_REMOTE_REJECT or BMC_ERR_PROTOCOL (1xx/3xx). */
int pc_http_classify(long status, int curl_code);
/* Non-zero when rc is worth retrying (REMOTE_RETRY, TRANSPORT). */
int pc_http_retryable(int rc);

/* Parse a Retry-After value (delta seconds, or an IMF-fixdate relative to
 * now_ms) into ms; -1 when absent or unparsable. */
int64_t pc_http_retry_after_ms(const char *value, int64_t now_ms);

/* Backoff before retry number `retry` (1-based): min(max, base * 2^(retry-1))
 * with "equal jitter" (half fixed, half random from *seed). */
int64_t pc_http_backoff_ms(int retry, int64_t base_ms, int64_t max_ms,
                           uint64_t *seed);

/* Counters since create.  h may be NULL (all zero). */
void pc_http_get_stats(const struct pc_http *h, struct pc_http_stats *out);

/* Process-wide library init refcount (curl_global_init + xmlInitParser on
 * the first acquire, curl_global_cleanup on the last release).  Used by
 * pc_http_create/free; other users (XML-only code) may call it too.
 * Returns BMC_OK or BMC_ERR_INTERNAL. */
int pc_lib_acquire(void);
void pc_lib_release(void);

#endif /* PC_HTTP_H */
