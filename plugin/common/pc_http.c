/*
 * pc_http.c -- owns the marketplace HTTP client: one reused libcurl easy
 * handle per instance, the retry loop (waits on the host clock, policy in
 * pc_http_policy.c), budget accounting, bounded bodies (see pc_http.h).
 */
#include "pc_http.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "pc_budget.h"
#include "pc_buf.h"
#include "pc_redact.h"
#include "pc_text.h"
#include "pc_time.h"

#define PC_DEFAULT_MAX_BODY ((size_t)16 * 1024 * 1024)

struct pc_http {
  const struct bmc_host_api *host;
  void *hctx;
  CURL *curl;
  char *base;            /* base URL without trailing '/' */
  size_t origin_len;     /* length of scheme://host[:port] within base */
  char *user_agent;
  char *auth_line;       /* "Name: value"; wiped on free */
  char *accept_language;
  long timeout_ms;
  long connect_timeout_ms;
  size_t max_body;
  int max_attempts;
  int64_t backoff_base_ms;
  int64_t backoff_max_ms;
  int64_t max_wait_ms;
  struct pc_budget *budget; /* borrowed */
  struct pc_http_stats st;
  int have_skew;         /* a response carried a readable Date header */
  int64_t skew_ms;       /* server Date minus host clock, at that time */
  uint64_t seed;
  char curl_err[CURL_ERROR_SIZE];
  /* per-attempt capture */
  struct pc_buf body;
  int overflow;
  struct pc_http_resp *cur;
};

/* ---- create / free ---- */

static char *
pc_dup(const char *s)
{
  return s ? strdup(s) : NULL;
}

static void
pc_err(char *errbuf, size_t errlen, const char *msg)
{
  if(errbuf && errlen)
    snprintf(errbuf, errlen, "%s", msg);
}

/* A value that goes into a request header (or the request line) must not
 * carry CR/LF or other control characters: it would start a header of its
 * own.  BMC_OK or BMC_ERR_CONFIG naming the setting it came from. */
static int
pc_http_check_header(const char *value, const char *setting,
                     const char *what, int secret, char *errbuf,
                     size_t errlen)
{
  const char *why = pc_text_header_problem(value);
  char msg[300];

  if(!why)
    return BMC_OK;
  if(setting)
    snprintf(msg, sizeof(msg), "setting %s: the value %s, which would end "
             "up in the HTTP %s; remove it%s", setting, why, what,
             secret ? " (the value is not shown: it is a secret)" : "");
  else
    snprintf(msg, sizeof(msg), "the HTTP %s %s; refused", what, why);
  pc_err(errbuf, errlen, msg);
  return BMC_ERR_CONFIG;
}

/* Check scheme and find the origin length; BMC_OK or BMC_ERR_CONFIG. */
static int
pc_http_check_base(const char *url, size_t *origin_len, char *errbuf,
                   size_t errlen)
{
  const char *host;
  const char *end;

  if(!strncmp(url, "https://", 8)) {
    host = url + 8;
  }
  else if(!strncmp(url, "http://", 7)) {
    host = url + 7;
    if(strncmp(host, "127.0.0.1", 9) ||
       (host[9] && host[9] != ':' && host[9] != '/')) {
      pc_err(errbuf, errlen, "base URL must use https:// (plain http:// "
             "is allowed only to the loopback simulator at 127.0.0.1)");
      return BMC_ERR_CONFIG;
    }
  }
  else {
    pc_err(errbuf, errlen, "base URL must start with https://");
    return BMC_ERR_CONFIG;
  }
  end = strchr(host, '/');
  if(!end)
    end = host + strlen(host);
  if(end == host) {
    pc_err(errbuf, errlen, "base URL has no host name");
    return BMC_ERR_CONFIG;
  }
  *origin_len = (size_t)(end - url);
  return BMC_OK;
}

int
pc_http_create(const struct pc_http_conf *conf,
               const struct bmc_host_api *host, void *hctx,
               struct pc_http **out, char *errbuf, size_t errlen)
{
  struct pc_http *h;
  size_t n;
  int rc;

  if(!conf || !host || !out) {
    pc_err(errbuf, errlen, "http: missing configuration");
    return BMC_ERR_INVALID_ARG;
  }
  if(!conf->base_url || !*conf->base_url) {
    pc_err(errbuf, errlen, "base URL is empty");
    return BMC_ERR_CONFIG;
  }
  if(!conf->user_agent || !*conf->user_agent) {
    pc_err(errbuf, errlen, "User-Agent is empty");
    return BMC_ERR_CONFIG;
  }
  if((rc = pc_http_check_header(conf->base_url, conf->base_url_setting,
                                 "request line (base URL)", 0, errbuf,
                                 errlen)) ||
     (rc = pc_http_check_header(conf->user_agent, conf->user_agent_setting,
                                 "User-Agent header", 0, errbuf, errlen)) ||
     (rc = pc_http_check_header(conf->accept_language,
                                 conf->accept_language_setting,
                                 "Accept-Language header", 0, errbuf,
                                 errlen)) ||
     (rc = pc_http_check_header(conf->auth_header, NULL,
                                 "authentication header name", 0, errbuf,
                                 errlen)) ||
     (rc = pc_http_check_header(conf->auth_value, conf->auth_setting,
                                 "authentication header", 1, errbuf,
                                 errlen)))
    return rc;
  h = calloc(1, sizeof(*h));
  if(!h) {
    pc_err(errbuf, errlen, "out of memory");
    return BMC_ERR_NOMEM;
  }
  h->host = host;
  h->hctx = hctx;
  rc = pc_http_check_base(conf->base_url, &h->origin_len, errbuf, errlen);
  if(rc) {
    free(h);
    return rc;
  }
  if(pc_lib_acquire()) {
    free(h);
    pc_err(errbuf, errlen, "http: libcurl initialisation failed");
    return BMC_ERR_INTERNAL;
  }
  h->base = pc_dup(conf->base_url);
  h->user_agent = pc_dup(conf->user_agent);
  h->accept_language = pc_dup(conf->accept_language);
  if(conf->auth_header && conf->auth_value) {
    n = strlen(conf->auth_header) + strlen(conf->auth_value) + 3;
    h->auth_line = malloc(n);
    if(h->auth_line)
      snprintf(h->auth_line, n, "%s: %s", conf->auth_header,
               conf->auth_value);
  }
  h->curl = curl_easy_init();
  if(!h->base || !h->user_agent ||
     (conf->accept_language && !h->accept_language) ||
     (conf->auth_header && conf->auth_value && !h->auth_line) || !h->curl) {
    pc_http_free(h);
    pc_err(errbuf, errlen, "http: out of memory");
    return BMC_ERR_NOMEM;
  }
  n = strlen(h->base);
  while(n > h->origin_len && h->base[n - 1] == '/')
    h->base[--n] = '\0';
  h->timeout_ms = conf->timeout_ms > 0 ? conf->timeout_ms : 30000;
  h->connect_timeout_ms = conf->connect_timeout_ms > 0
                              ? conf->connect_timeout_ms
                              : (h->timeout_ms < 10000 ? h->timeout_ms
                                                       : 10000);
  h->max_body = conf->max_body_bytes ? conf->max_body_bytes
                                     : PC_DEFAULT_MAX_BODY;
  h->max_attempts = conf->max_attempts > 0 ? conf->max_attempts : 5;
  h->backoff_base_ms = conf->backoff_base_ms > 0 ? conf->backoff_base_ms
                                                 : 500;
  h->backoff_max_ms = conf->backoff_max_ms > 0 ? conf->backoff_max_ms
                                               : 30000;
  h->max_wait_ms = conf->max_wait_ms > 0 ? conf->max_wait_ms : 120000;
  h->seed = (uint64_t)host->now_ms(hctx) ^ (uint64_t)(uintptr_t)h;
  *out = h;
  return BMC_OK;
}

void
pc_http_free(struct pc_http *h)
{
  if(!h)
    return;
  if(h->curl)
    curl_easy_cleanup(h->curl);
  if(h->auth_line) {
    explicit_bzero(h->auth_line, strlen(h->auth_line));
    free(h->auth_line);
  }
  free(h->base);
  free(h->user_agent);
  free(h->accept_language);
  pc_buf_free(&h->body);
  free(h);
  pc_lib_release();
}

void
pc_http_set_budget(struct pc_http *h, struct pc_budget *b)
{
  if(h)
    h->budget = b;
}

void
pc_http_get_stats(const struct pc_http *h, struct pc_http_stats *out)
{
  if(!out)
    return;
  if(!h)
    memset(out, 0, sizeof(*out));
  else
    *out = h->st;
}

void
pc_http_resp_clear(struct pc_http_resp *resp)
{
  if(!resp)
    return;
  free(resp->body);
  memset(resp, 0, sizeof(*resp));
}

/* ---- one attempt ---- */

static size_t
pc_http_write_cb(char *ptr, size_t size, size_t nmemb, void *ud)
{
  struct pc_http *h = ud;
  size_t n = size * nmemb;

  if(pc_buf_add(&h->body, ptr, n)) {
    h->overflow = 1;
    return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
  }
  return n;
}

static void
pc_copy_header(char *dst, size_t dstlen, const char *v, size_t n)
{
  while(n && (*v == ' ' || *v == '\t')) {
    v++;
    n--;
  }
  while(n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
    n--;
  if(n >= dstlen)
    n = dstlen - 1;
  memcpy(dst, v, n);
  dst[n] = '\0';
}

static size_t
pc_http_header_cb(char *buf, size_t size, size_t nitems, void *ud)
{
  struct pc_http *h = ud;
  size_t n = size * nitems;
  static const struct {
    const char *name;
    size_t off;
    size_t len;
  } want[] = {
    {"retry-after:", offsetof(struct pc_http_resp, retry_after),
     sizeof(((struct pc_http_resp *)0)->retry_after)},
    {"cf-ray:", offsetof(struct pc_http_resp, cf_ray),
     sizeof(((struct pc_http_resp *)0)->cf_ray)},
    {"content-type:", offsetof(struct pc_http_resp, content_type),
     sizeof(((struct pc_http_resp *)0)->content_type)},
    {"date:", offsetof(struct pc_http_resp, date),
     sizeof(((struct pc_http_resp *)0)->date)},
    {"x-request-id:", offsetof(struct pc_http_resp, request_id),
     sizeof(((struct pc_http_resp *)0)->request_id)},
  };
  size_t i;

  for(i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
    size_t kl = strlen(want[i].name);
    if(n > kl && !strncasecmp(buf, want[i].name, kl))
      pc_copy_header((char *)h->cur + want[i].off, want[i].len, buf + kl,
                     n - kl);
  }
  return n;
}

static int
pc_http_url(const struct pc_http *h, const char *target, struct pc_buf *url)
{
  if(!strncmp(target, "http://", 7) || !strncmp(target, "https://", 8)) {
    /* a `next` link: same origin only, so the token never leaves it */
    if(strncmp(target, h->base, h->origin_len) ||
       (target[h->origin_len] && target[h->origin_len] != '/' &&
        target[h->origin_len] != '?'))
      return BMC_ERR_PROTOCOL;
    return pc_buf_adds(url, target);
  }
  if(target[0] != '/')
    return BMC_ERR_INVALID_ARG;
  if(pc_buf_adds(url, h->base))
    return BMC_ERR_NOMEM;
  return pc_buf_adds(url, target);
}

/* Free a request's header list, wiping each line first: one of them holds
 * the credential. */
static void
pc_http_free_headers(struct curl_slist *hdrs)
{
  struct curl_slist *t;

  for(t = hdrs; t; t = t->next)
    if(t->data)
      explicit_bzero(t->data, strlen(t->data));
  curl_slist_free_all(hdrs);
}

/* Remember how far the server's clock (its Date header) is from ours. */
static void
pc_http_note_date(struct pc_http *h, const struct pc_http_resp *resp)
{
  int64_t ms;

  if(!resp->status || !resp->date[0] || pc_time_parse_http(resp->date, &ms))
    return;
  h->skew_ms = ms - h->host->now_ms(h->hctx);
  h->have_skew = 1;
}

static int
pc_http_attempt(struct pc_http *h, const struct pc_http_req *req,
                const char *url, struct pc_http_resp *resp)
{
  struct curl_slist *hdrs = NULL;
  struct curl_slist *t;
  char line[200];
  CURLcode cc;
  long status = 0;
  const char *lang = req->accept_language ? req->accept_language
                                          : h->accept_language;
  int rc;
  int ok = 1;

  if(pc_text_header_problem(lang) ||
     pc_text_header_problem(req->content_type)) {
    snprintf(resp->error, sizeof(resp->error), "refused to send a header "
             "value with a line break or control character (%s)",
             pc_text_header_problem(lang) ? "Accept-Language"
                                          : "Content-Type");
    return BMC_ERR_INVALID_ARG;
  }
  free(resp->body);
  resp->body = NULL;
  resp->len = 0;
  resp->status = 0;
  resp->retry_after[0] = resp->cf_ray[0] = resp->content_type[0] = '\0';
  resp->date[0] = '\0';
  pc_buf_init(&h->body, h->max_body);
  h->overflow = 0;
  h->cur = resp;
  h->curl_err[0] = '\0';

  /* reset keeps live connections (connection reuse) */
  curl_easy_reset(h->curl);
#define PC_SET(opt, val) ok = ok && curl_easy_setopt(h->curl, opt, val) == CURLE_OK
  PC_SET(CURLOPT_URL, url);
  PC_SET(CURLOPT_NOSIGNAL, 1L);
  PC_SET(CURLOPT_TIMEOUT_MS, h->timeout_ms);
  PC_SET(CURLOPT_CONNECTTIMEOUT_MS, h->connect_timeout_ms);
  PC_SET(CURLOPT_SSL_VERIFYPEER, 1L);
  PC_SET(CURLOPT_SSL_VERIFYHOST, 2L);
  PC_SET(CURLOPT_FOLLOWLOCATION, 0L);
  PC_SET(CURLOPT_PROTOCOLS_STR, "http,https");
  PC_SET(CURLOPT_ERRORBUFFER, h->curl_err);
  PC_SET(CURLOPT_USERAGENT, h->user_agent);
  PC_SET(CURLOPT_WRITEFUNCTION, pc_http_write_cb);
  PC_SET(CURLOPT_WRITEDATA, h);
  PC_SET(CURLOPT_HEADERFUNCTION, pc_http_header_cb);
  PC_SET(CURLOPT_HEADERDATA, h);
  PC_SET(CURLOPT_ACCEPT_ENCODING, "");
  if(h->max_body <= (size_t)INT64_MAX)
    PC_SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)h->max_body);

  t = curl_slist_append(hdrs, "Accept: application/json");
  hdrs = t ? t : hdrs;
  ok = ok && t;
  t = curl_slist_append(hdrs, "Expect:");
  hdrs = t ? t : hdrs;
  ok = ok && t;
  if(lang && *lang) {
    snprintf(line, sizeof(line), "Accept-Language: %s", lang);
    t = curl_slist_append(hdrs, line);
    hdrs = t ? t : hdrs;
    ok = ok && t;
  }
  if(req->body) {
    snprintf(line, sizeof(line), "Content-Type: %s",
             req->content_type ? req->content_type : "application/json");
    t = curl_slist_append(hdrs, line);
    hdrs = t ? t : hdrs;
    ok = ok && t;
  }
  if(h->auth_line) {
    t = curl_slist_append(hdrs, h->auth_line);
    hdrs = t ? t : hdrs;
    ok = ok && t;
  }
  PC_SET(CURLOPT_HTTPHEADER, hdrs);
  if(!strcmp(req->method, "GET")) {
    PC_SET(CURLOPT_HTTPGET, 1L);
  }
  else {
    if(strcmp(req->method, "POST"))
      PC_SET(CURLOPT_CUSTOMREQUEST, req->method);
    else
      PC_SET(CURLOPT_POST, 1L);
    PC_SET(CURLOPT_POSTFIELDS, req->body ? req->body : "");
    PC_SET(CURLOPT_POSTFIELDSIZE_LARGE,
           (curl_off_t)(req->body ? strlen(req->body) : 0));
  }
#undef PC_SET
  if(!ok) {
    pc_http_free_headers(hdrs);
    snprintf(resp->error, sizeof(resp->error),
             "http: could not configure the request");
    return BMC_ERR_INTERNAL;
  }
  h->st.requests++;
  cc = curl_easy_perform(h->curl);
  pc_http_free_headers(hdrs);
  if(curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
    status = 0;
  resp->status = status;
  if(h->overflow || cc == CURLE_FILESIZE_EXCEEDED) {
    snprintf(resp->error, sizeof(resp->error),
             "response body larger than the %zu byte limit", h->max_body);
    pc_buf_free(&h->body);
    return BMC_ERR_PROTOCOL;
  }
  resp->body = pc_buf_take(&h->body, &resp->len);
  if(!resp->body)
    return BMC_ERR_NOMEM;
  rc = pc_http_classify(cc == CURLE_OK ? status : 0, (int)cc);
  if(cc != CURLE_OK) {
    h->st.transport_errors++;
    snprintf(resp->error, sizeof(resp->error), "network error: %.200s",
             h->curl_err[0] ? h->curl_err : curl_easy_strerror(cc));
  }
  else if(rc) {
    snprintf(resp->error, sizeof(resp->error), "HTTP %ld", status);
  }
  if(status == 429)
    h->st.status_429++;
  if(status >= 500 && status <= 599)
    h->st.status_5xx++;
  return rc;
}

/* ---- with retries ---- */

int
pc_http_send(struct pc_http *h, const struct pc_http_req *req,
             struct pc_http_resp *resp)
{
  struct pc_buf url;
  int max_attempts;
  int64_t waited = 0;
  int rc = BMC_ERR_INTERNAL;
  int attempt;
  char path[160];

  if(!resp)
    return BMC_ERR_INVALID_ARG;
  memset(resp, 0, sizeof(*resp));
  if(!h || !req || !req->method || !req->target)
    return BMC_ERR_INVALID_ARG;
  pc_buf_init(&url, 8192);
  rc = pc_http_url(h, req->target, &url);
  if(rc) {
    snprintf(resp->error, sizeof(resp->error), "%s",
             rc == BMC_ERR_PROTOCOL
                 ? "refused to follow a link to another site"
                 : "bad request target");
    pc_buf_free(&url);
    return rc;
  }
  /* the path part, for log lines */
  snprintf(path, sizeof(path), "%s", pc_buf_str(&url) + h->origin_len);
  max_attempts = req->max_attempts > 0 ? req->max_attempts : h->max_attempts;
  for(attempt = 1; attempt <= max_attempts; attempt++) {
    int64_t wait;
    int64_t ra;
    int brc = BMC_OK;

    if(h->budget)
      brc = pc_budget_take(h->budget, 1, h->max_wait_ms - waited);
    if(!brc && req->budget)
      brc = pc_budget_take(req->budget, 1, h->max_wait_ms - waited);
    if(brc) {
      snprintf(resp->error, sizeof(resp->error),
               "request budget exhausted before %s %s; continues next run",
               req->method, path);
      rc = brc;
      break;
    }
    resp->attempts = attempt;
    rc = pc_http_attempt(h, req, pc_buf_str(&url), resp);
    pc_http_note_date(h, resp);
    if(!pc_http_retryable(rc) || attempt == max_attempts)
      break;
    ra = pc_http_retry_after_ms(resp->retry_after, h->host->now_ms(h->hctx));
    wait = ra >= 0 ? ra
                   : pc_http_backoff_ms(attempt, h->backoff_base_ms,
                                        h->backoff_max_ms, &h->seed);
    if(resp->status == 429) {
      int64_t until = h->host->now_ms(h->hctx) + wait;
      pc_budget_block_until(h->budget, until);
      pc_budget_block_until(req->budget, until);
    }
    if(waited + wait > h->max_wait_ms) {
      pc_log(h->host, h->hctx, NULL, BMC_LOG_WARN,
             "%s %s: %s; not retrying now (would wait %lld ms more)",
             req->method, path, resp->error, (long long)wait);
      break;
    }
    pc_log(h->host, h->hctx, NULL, BMC_LOG_WARN,
           "%s %s: %s; retry %d of %d in %lld ms", req->method, path,
           resp->error, attempt, max_attempts - 1, (long long)wait);
    h->st.retries++;
    h->host->wait_ms(h->hctx, wait);
    waited += wait;
  }
  pc_buf_free(&url);
  return rc;
}

/* ---- pagination links and the server clock ---- */

int
pc_http_url_of(const struct pc_http *h, const char *target, char *out,
               size_t outlen)
{
  struct pc_buf url;
  int rc;

  if(!h || !target || !out || !outlen)
    return BMC_ERR_INVALID_ARG;
  pc_buf_init(&url, outlen - 1);
  rc = pc_http_url(h, target, &url);
  if(!rc)
    snprintf(out, outlen, "%s", pc_buf_str(&url));
  else
    out[0] = '\0';
  pc_buf_free(&url);
  return rc;
}

int
pc_http_link(const struct pc_http *h, const char *link, const char *current,
             char *out, size_t outlen, char *why, size_t whylen)
{
  const char *path;
  size_t plen;
  int absolute = 0;
  int n;

  if(!h || !link || !out || !outlen)
    return BMC_ERR_INVALID_ARG;
  out[0] = '\0';
  if(strlen(link) > PC_HTTP_MAX_LINK) {
    snprintf(why, whylen, "the link is longer than %d characters",
             PC_HTTP_MAX_LINK);
    return BMC_ERR_PROTOCOL;
  }
  if(pc_text_header_problem(link) || strchr(link, ' ')) {
    snprintf(why, whylen, "the link contains spaces, line breaks or "
             "control characters");
    return BMC_ERR_PROTOCOL;
  }
  if(!strncasecmp(link, "https://", 8) || !strncasecmp(link, "http://", 7) ||
     !strncmp(link, "//", 2)) {
    /* absolute (or scheme-relative): keep only its path and query, so the
     * credential never leaves base_url's origin */
    const char *host = strstr(link, "//") + 2;
    path = host + strcspn(host, "/?#");
    if(*path == '#' || !*path)
      path = "/";
    absolute = 1;
  }
  else if(link[0] == '/' || link[0] == '?') {
    path = link;
  }
  else {
    snprintf(why, whylen, "the link \"%.80s\" is neither a URL nor an "
             "absolute path", link);
    return BMC_ERR_PROTOCOL;
  }
  plen = strcspn(path, "#");
  if(path[0] == '?' && !absolute) {
    /* a query-only reference keeps the current page's path: an absolute
     * URL's, or base_url's path plus a base-relative target's */
    const char *cur = current ? current : "/";
    const char *bpath = h->base + h->origin_len;
    size_t cl;
    if(!strncmp(cur, "http://", 7) || !strncmp(cur, "https://", 8)) {
      cur = strstr(cur, "//") + 2;
      cur += strcspn(cur, "/?#");
      bpath = "";
    }
    cl = strcspn(cur, "?#");
    n = snprintf(out, outlen, "%.*s%s%.*s%.*s", (int)h->origin_len, h->base,
                 bpath, (int)cl, cur, (int)plen, path);
  }
  else {
    n = snprintf(out, outlen, "%.*s%s%.*s", (int)h->origin_len, h->base,
                 path[0] == '/' ? "" : "/", (int)plen, path);
  }
  if(n < 0 || (size_t)n >= outlen) {
    out[0] = '\0';
    snprintf(why, whylen, "the link does not fit the request buffer");
    return BMC_ERR_PROTOCOL;
  }
  return BMC_OK;
}

int
pc_http_server_now(const struct pc_http *h, int64_t host_now_ms,
                   int64_t *server_now_ms)
{
  if(!h || !h->have_skew)
    return 0;
  *server_now_ms = host_now_ms + h->skew_ms;
  return 1;
}
