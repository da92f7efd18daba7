/*
 * bench_market.c -- market-sim throughput benchmark (not a ctest test):
 * requests/s on GET /ws/orders and POST /ws/listings/{id} with quotas off,
 * from 1 and N client threads with keep-alive libcurl handles.  Prints the
 * numbers; never fails on speed.
 *   usage: bench_market [requests_per_thread] [threads] [server_threads]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "mk_sim.h"

struct bm_job {
  const char *method;
  char url[256];
  const char *body;
  long n, ok;
};

static size_t bm_sink(char *p, size_t sz, size_t n, void *ud)
{
  (void)p;
  (void)ud;
  return sz * n;
}

static void *bm_run(void *arg)
{
  struct bm_job *j = arg;
  CURL *c = curl_easy_init();
  struct curl_slist *h = NULL, *t;
  static const char *hdrs[] = {"Authorization: Basic bench-token",
                               "User-Agent: BM-Bench-Sim;bench@example.test",
                               "Accept-Language: en-gb",
                               "Content-Type: application/json"};
  long i, code;
  size_t k;
  if(!c)
    return NULL;
  for(k = 0; k < 4; k++)
    if((t = curl_slist_append(h, hdrs[k])) != NULL)
      h = t;
  if(curl_easy_setopt(c, CURLOPT_URL, j->url) ||
     curl_easy_setopt(c, CURLOPT_HTTPHEADER, h) ||
     curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, j->method) ||
     curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, bm_sink) ||
     curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) ||
     curl_easy_setopt(c, CURLOPT_NOPROXY, "*") ||
     (j->body && curl_easy_setopt(c, CURLOPT_POSTFIELDS, j->body)))
    j->n = 0;
  for(i = 0; i < j->n; i++)
    if(curl_easy_perform(c) == CURLE_OK &&
       curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK &&
       code == 200)
      j->ok++;
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  return NULL;
}

static double bm_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bm_measure(const char *name, const char *method, const char *url,
                       const char *body, long per, int nthreads)
{
  struct bm_job jobs[16];
  pthread_t th[16];
  int i, started = 0;
  long ok = 0;
  double t0, dt;
  t0 = bm_now();
  for(i = 0; i < nthreads; i++) {
    memset(&jobs[i], 0, sizeof(jobs[i]));
    jobs[i].method = method;
    snprintf(jobs[i].url, sizeof(jobs[i].url), "%s", url);
    jobs[i].body = body;
    jobs[i].n = per;
    if(pthread_create(&th[i], NULL, bm_run, &jobs[i]) == 0)
      started++;
    else
      break;
  }
  for(i = 0; i < started; i++) {
    pthread_join(th[i], NULL);
    ok += jobs[i].ok;
  }
  dt = bm_now() - t0;
  printf("%-28s %2d client thread(s): %6ld ok of %6ld in %.3f s = %8.0f "
         "requests/s\n", name, started, ok, per * started, dt,
         dt > 0 ? (double)ok / dt : 0.0);
}

static int bm_ctl(struct mk_sim *s, const char *m, const char *p,
                  const char *b, char *out, size_t outlen)
{
  int st = 0;
  char *resp = NULL;
  if(mk_sim_control(s, m, p, b, &st, &resp))
    return -1;
  if(out && resp)
    snprintf(out, outlen, "%s", resp);
  free(resp);
  return st;
}

int main(int argc, char **argv)
{
  struct mk_sim_opts o;
  struct mk_sim *s = NULL;
  char err[256], url[256], resp[4096], body[256];
  long per = argc > 1 ? strtol(argv[1], NULL, 10) : 3000;
  int nth = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 2, i;
  const char *p;
  if(per <= 0)
    per = 3000;
  if(nth < 1 || nth > 16)
    nth = 2;
  memset(&o, 0, sizeof(o));
  o.quotas = 0;
  o.threads = argc > 3 ? (unsigned)strtol(argv[3], NULL, 10) : 2;
  if(curl_global_init(CURL_GLOBAL_ALL) ||
     mk_sim_start(&o, &s, err, sizeof(err))) {
    fprintf(stderr, "bench_market: cannot start: %s\n", err);
    return 1;
  }
  bm_ctl(s, "POST", "/_sim/merchants", "{\"id\": 1, \"name\": \"Bench\"}",
         NULL, 0);
  bm_ctl(s, "POST", "/_sim/tokens", "{\"token\": \"bench-token\", "
         "\"merchant_id\": 1}", NULL, 0);
  bm_ctl(s, "POST", "/_sim/listings", "{\"merchant_id\": 1, \"sku\": "
         "\"BENCH-1\", \"quantity\": 1000000, \"markets\": {\"en-gb\": "
         "{\"price\": \"100.00\"}}}", resp, sizeof(resp));
  p = strstr(resp, "\"id\":\"");
  for(i = 0; i < 200; i++)
    bm_ctl(s, "POST", "/_sim/customer_order", "{\"merchant_id\": 1, \"sku\": "
           "\"BENCH-1\", \"market\": \"en-gb\"}", NULL, 0);
  printf("market-sim benchmark: %u server threads, 200 orders, quotas off\n",
         o.threads);
  snprintf(url, sizeof(url), "http://127.0.0.1:%u/ws/orders?page-size=10",
           (unsigned)mk_sim_port(s));
  bm_measure("GET /ws/orders (10/page)", "GET", url, NULL, per, 1);
  bm_measure("GET /ws/orders (10/page)", "GET", url, NULL, per, nth);
  if(p) {
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/ws/listings/%.36s",
             (unsigned)mk_sim_port(s), p + 6);
    snprintf(body, sizeof(body), "{\"price\": \"101.00\", \"quantity\": 5}");
    bm_measure("POST /ws/listings/{id}", "POST", url, body, per, 1);
    bm_measure("POST /ws/listings/{id}", "POST", url, body, per, nth);
  }
  mk_sim_stop(s);
  curl_global_cleanup();
  return 0;
}
