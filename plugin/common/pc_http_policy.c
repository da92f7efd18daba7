/*
 * pc_http_policy.c -- owns the HTTP retry policy shared by both plugins:
 * THE classification of a result (2xx / retryable / permanent), the
 * Retry-After parser, exponential backoff with jitter, and the process-wide
 * libcurl/libxml2 init refcount (see pc_http.h).
 */
#include "pc_http.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <libxml/parser.h>

#include "pc_time.h"

/* ---- process-wide init refcount ---- */

static pthread_mutex_t pc_lib_mutex = PTHREAD_MUTEX_INITIALIZER;
static unsigned long pc_lib_refs;

int
pc_lib_acquire(void)
{
  int rc = BMC_OK;

  if(pthread_mutex_lock(&pc_lib_mutex))
    return BMC_ERR_INTERNAL;
  if(!pc_lib_refs) {
    if(curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK)
      rc = BMC_ERR_INTERNAL;
    else
      xmlInitParser();
  }
  if(!rc)
    pc_lib_refs++;
  pthread_mutex_unlock(&pc_lib_mutex);
  return rc;
}

void
pc_lib_release(void)
{
  if(pthread_mutex_lock(&pc_lib_mutex))
    return;
  if(pc_lib_refs && !--pc_lib_refs)
    curl_global_cleanup(); /* never xmlCleanupParser(): the host owns it */
  pthread_mutex_unlock(&pc_lib_mutex);
}

/* ---- classification ---- */

int
pc_http_classify(long status, int curl_code)
{
  if(curl_code != 0 || status == 0) {
    if(curl_code == CURLE_WRITE_ERROR || curl_code == CURLE_FILESIZE_EXCEEDED)
      return BMC_ERR_PROTOCOL;
    return BMC_ERR_TRANSPORT;
  }
  if(status >= 200 && status <= 299)
    return BMC_OK;
  if(status == 408 || status == 429 || (status >= 500 && status <= 599))
    return BMC_ERR_REMOTE_RETRY;
  if(status == 401 || status == 403)
    return BMC_ERR_UNAUTHORIZED;
  if(status >= 400 && status <= 499)
    return BMC_ERR_REMOTE_REJECT;
  return BMC_ERR_PROTOCOL; /* 1xx/3xx/6xx+: not something we asked for */
}

int
pc_http_retryable(int rc)
{
  return rc == BMC_ERR_REMOTE_RETRY || rc == BMC_ERR_TRANSPORT;
}

int64_t
pc_http_retry_after_ms(const char *v, int64_t now_ms)
{
  int64_t secs = 0;
  const char *p;
  int64_t t;

  if(!v || !*v)
    return -1;
  for(p = v; *p >= '0' && *p <= '9'; p++) {
    secs = secs * 10 + (*p - '0');
    if(secs > 86400)
      return 86400000;
  }
  if(p != v && !*p)
    return secs * 1000;
  if(pc_time_parse_http(v, &t))
    return -1;
  return t > now_ms ? t - now_ms : 0;
}

static uint64_t
pc_rand(uint64_t *s)
{
  /* xorshift64*: jitter only, not security */
  uint64_t x = *s ? *s : 0x9e3779b97f4a7c15ull;

  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *s = x;
  return x * 0x2545f4914f6cdd1dull;
}

int64_t
pc_http_backoff_ms(int retry, int64_t base_ms, int64_t max_ms,
                   uint64_t *seed)
{
  int64_t d = base_ms > 0 ? base_ms : 1;
  int i;

  for(i = 1; i < retry && d < max_ms; i++)
    d *= 2;
  if(d > max_ms)
    d = max_ms;
  /* equal jitter: [d/2, d] */
  return d / 2 + (int64_t)(pc_rand(seed) % (uint64_t)(d / 2 + 1));
}
