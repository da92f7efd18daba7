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
 * absolute URL target must share base_url's scheme, host and port, and a
 * pagination link is followed only through pc_http_link(), which keeps its
 * path and query and puts them on base_url's origin.  The client's copy and
 * every request's header list are wiped (explicit_bzero) before they are
 * freed.
 *
 * Header injection.  No value reaches a header or the request line with a
 * CR, LF or other control character: pc_http_create() refuses such a
 * base URL, User-Agent, Accept-Language or credential with a message
 * naming the setting it came from, and pc_http_send() refuses a
 * per-request Accept-Language or Content-Type likewise.
 *
 * Server clock.  The Date header of every response is read; the offset of
 * the latest one from the host clock is kept (pc_http_server_now()).
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
  /* Names of the settings the values above came from, for messages
   * ("setting markets: the value contains a line break ..."); NULL = a
   * generic wording. */
  const char *base_url_setting;
  const char *user_agent_setting;  /* e.g. "company_name/contact_email" */
  const char *accept_language_setting;
  const char *auth_setting;        /* the value itself is never shown */
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
  char date[64];          /* Date */
  char request_id[80];    /* X-Request-Id (the write gate records it) */
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
 * BMC_ERR_CONFIG (bad/insecure base_url, missing user agent, a header value
 * with CR/LF/control characters), NOMEM,
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
 * that attempt), BMC_ERR_PROTOCOL (body over the cap, an absolute target on
 * another origin), BMC_ERR_INVALID_ARG (also: a header value with a control
 * character), BMC_ERR_NOMEM. */
int pc_http_send(struct pc_http *h, const struct pc_http_req *req,
                 struct pc_http_resp *resp);

/* Longest pagination link followed. */
#define PC_HTTP_MAX_LINK 2000

/* Resolve a pagination link (`next`) into an absolute URL on base_url's
 * origin: an absolute URL (any scheme and host: a proxy, http vs https,
 * another storefront host) or a scheme-relative one gives its path and
 * query; an absolute path is taken as is; a query-only reference ("?p=2")
 * keeps the path of `current` (the target of the page the link came
 * from).  The fragment is dropped.  BMC_OK, or BMC_ERR_PROTOCOL with why
 * (spaces or control characters, not a URL or path, too long). */
int pc_http_link(const struct pc_http *h, const char *link,
                 const char *current, char *out, size_t outlen, char *why,
                 size_t whylen);

/* The absolute URL a request target resolves to (base_url + target, or the
 * target itself when it is an absolute URL on base_url's origin) into out.
 * BMC_OK, BMC_ERR_PROTOCOL (another origin, or it does not fit: it is
 * truncated), BMC_ERR_INVALID_ARG. */
int pc_http_url_of(const struct pc_http *h, const char *target, char *out,
                   size_t outlen);

/* The server's clock now, from the Date header of the latest response that
 * had one: 1 and *server_now_ms = host_now_ms + (Date - host clock then),
 * or 0 when no response carried a readable Date. */
int pc_http_server_now(const struct pc_http *h, int64_t host_now_ms,
                       int64_t *server_now_ms);

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
