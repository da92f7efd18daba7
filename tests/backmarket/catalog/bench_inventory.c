/*
 * bench_inventory.c -- benchmark of Inventory Upload at scale (prints
 * numbers; not a ctest test).  100,000 enabled products in the host
 * simulator, the same listings on the marketplace simulator with quotas
 * ON, 1% of the products changing stock every 5-minute cycle for a
 * virtual hour (12 cycles).  For the plugin and for a naive integration
 * (every enabled SKU pushed every cycle in CSV files of --naive-chunk rows,
 * default 2,000, no ordering, no budget) it prints: SKU lines accepted vs the changes that
 * fit the budget, requests, 429s, the time from a product selling out in
 * the host to quantity 0 on Back Market (p50/p99, virtual time), CPU time
 * per cycle of the calling thread (plugin + host services; the simulator
 * runs on its own threads) and peak RSS.
 *
 * Usage: bench_inventory [--naive|--both] [--products N] [--cycles N]
 *                        [--change-pct P] [--sellout-pct P]
 *                        [--naive-chunk ROWS] [--task-delay-ms MS]
 */
#include <curl/curl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

#include "bm_catalog_side.h"
#include "cat_fixture.h"

#define CYCLE_MS INT64_C(300000)

struct bench_opt {
  int products, cycles, change_pct_x10, sellout_pct, naive_chunk;
  int64_t task_delay_ms;
};

struct bench_run {
  int64_t lines, requests, s429, changes, fit;
  double cpu_max, cpu_sum;
  int64_t *lat;            /* sell-out latencies (ms) */
  size_t n_lat;
  int64_t unreached;       /* sold out but not 0 on Back Market at the end */
  long rss_kib;
  long rss_seeded_kib;     /* peak RSS before the first cycle */
  long long heap_peak;     /* largest heap growth during one cycle */
};

/* Heap sampler: the peak of the process's heap in use (mallinfo2) while a
 * run is going on, minus the heap in use when it started.  This is the
 * working memory of one cycle (plugin + host services, plus whatever the
 * simulator allocates to answer meanwhile), which process RSS cannot show
 * because the simulator keeps ~14 KB per listing. */
struct heap_sampler {
  pthread_t th;
  atomic_int run, stop;
  atomic_llong base, peak;
};

static long long
heap_in_use(void)
{
  struct mallinfo2 mi = mallinfo2();

  return (long long)(mi.uordblks + mi.hblkhd);
}

static void *
heap_sampler_main(void *ud)
{
  struct heap_sampler *h = ud;
  struct timespec ts = {0, 1000000};
  long long v;

  while(!atomic_load(&h->stop)) {
    if(atomic_load(&h->run)) {
      v = heap_in_use() - atomic_load(&h->base);
      if(v > atomic_load(&h->peak))
        atomic_store(&h->peak, v);
    }
    nanosleep(&ts, NULL);
  }
  return NULL;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(void)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 16);
}

static double
thread_cpu_s(void)
{
  struct timespec ts;

  if(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return 0;
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long
peak_rss_kib(void)
{
  struct rusage ru;

  if(getrusage(RUSAGE_SELF, &ru) != 0)
    return -1;
  return ru.ru_maxrss;
}

static int64_t
sim_stat(struct cat_fx *f, const char *key)
{
  struct json_object *o = NULL, *v;
  int64_t n = -1;

  if(cat_sim(f, "GET", "/_sim/stats", NULL, &o) == 200 && o &&
     json_object_object_get_ex(o, key, &v))
    n = json_object_get_int64(v);
  json_object_put(o);
  return n;
}

static void
sku_of(int i, char *buf, size_t len)
{
  snprintf(buf, len, "BENCH-%06d", i);
}

/* Products and the plugin's "what Back Market holds" state for every SKU,
 * in sync at the start; listings on the simulator for the SKUs whose stock
 * the run will change (nothing is ever sent for the others, and the
 * simulator keeps ~14 KB per listing with linear SKU lookups). */
static int
seed(struct cat_fx *f, int n, const int32_t *stock, const uint8_t *touched)
{
  const struct bmc_host_api *api;
  struct hs_product p;
  char sku[32], uuid[40], body[256], key[64], err[200];
  void *ctx;
  int i;

  if(hs_host_services(f->h, CAT_COMPANY, CAT_PLUGIN, &api, &ctx))
    return -1;
  for(i = 0; i < n; i++) {
    if(i && i % 20000 == 0)
      fprintf(stderr, "  %d seeded\n", i);
    sku_of(i, sku, sizeof(sku));
    snprintf(uuid, sizeof(uuid), "00000000-0000-4000-8000-%012d", i);
    hs_product_init(&p);
    p.sku = sku;
    p.available_qty = stock[i];
    if(hs_product_upsert(f->h, CAT_COMPANY, &p, NULL, err, sizeof(err)) ||
       cat_pset(f, sku, "enabled", NULL, "true") ||
       cat_pset(f, sku, "price", NULL, "100.00") ||
       api->product_set(ctx, sku, "bm_listing_id", NULL, uuid))
      return -1;
    snprintf(key, sizeof(key), BM_KEY_QTY "%s", sku);
    snprintf(body, sizeof(body), "%d", (int)stock[i]);
    if(api->state_put(ctx, key, body, strlen(body)))
      return -1;
    if(!touched[i])
      continue;
    snprintf(body, sizeof(body), "{\"merchant_id\": 789, \"sku\": \"%s\", "
             "\"id\": \"%s\", \"quantity\": %d, \"markets\": {\"fr-fr\": "
             "{\"price\": \"100.00\"}}}", sku, uuid, (int)stock[i]);
    if(cat_sim(f, "POST", "/_sim/listings", body, NULL) != 201)
      return -1;
  }
  return 0;
}

/* The stock changes of every cycle, drawn before the run (deterministic):
 * n_change per cycle, sellout_pct of them to 0, the rest half down, half
 * up. */
struct bench_change {
  int32_t idx, stock;
};

static struct bench_change *
plan_changes(const struct bench_opt *o, int32_t *stock, int n_change,
             uint8_t *touched)
{
  struct bench_change *ch = calloc((size_t)o->cycles * (size_t)n_change + 1,
                                   sizeof(*ch));
  int32_t *cur = malloc((size_t)o->products * sizeof(int32_t));
  int c, k, i;

  if(!ch || !cur) {
    free(ch);
    free(cur);
    return NULL;
  }
  for(i = 0; i < o->products; i++)
    stock[i] = cur[i] = (int32_t)(1 + rnd() % 20);
  for(c = 0; c < o->cycles; c++)
    for(k = 0; k < n_change; k++) {
      struct bench_change *e = &ch[c * n_change + k];

      i = (int)(rnd() % (uint32_t)o->products);
      if((int)(rnd() % 100) < o->sellout_pct)
        e->stock = 0;
      else if(rnd() % 2 && cur[i] > 1)
        e->stock = cur[i] - 1 - (int32_t)(rnd() % (uint32_t)(cur[i] - 1));
      else
        e->stock = cur[i] + 1 + (int32_t)(rnd() % 10);
      e->idx = i;
      cur[i] = e->stock;
      touched[i] = 1;
    }
  free(cur);
  return ch;
}

/* ---- the naive integration: everything, every cycle, no budget ---- */

struct naive_ctx {
  struct cat_fx *f;
  CURL *curl;
  struct curl_slist *hdr;
  char *csv;
  size_t len, cap, rows, chunk;
  int64_t requests, s429;
};

static size_t
naive_sink(char *p, size_t sz, size_t n, void *ud)
{
  (void)p;
  (void)ud;
  return sz * n;
}

static int
naive_flush(struct naive_ctx *c)
{
  struct json_object *o;
  const char *body;
  long status = 0;

  if(!c->rows)
    return 0;
  o = json_object_new_object();
  json_object_object_add(o, "catalog", json_object_new_string(c->csv));
  json_object_object_add(o, "quotechar", json_object_new_string("\""));
  json_object_object_add(o, "delimiter", json_object_new_string(","));
  json_object_object_add(o, "encoding", json_object_new_string("utf-8"));
  body = json_object_to_json_string(o);
  curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body);
  c->requests++;
  if(curl_easy_perform(c->curl) == CURLE_OK) {
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
    c->s429 += status == 429;
  }
  json_object_put(o);
  c->len = 0;
  c->rows = 0;
  c->csv[0] = '\0';
  return 0;
}

static int
naive_row(void *ud, const struct bmc_product *p)
{
  struct naive_ctx *c = ud;
  /* the naive push ignores per-product Safety/Max Qty */
  int64_t q = bm_qty_compute(p->available_qty, -1, -1, NULL);
  int w;

  if(!c->rows)
    c->len = (size_t)snprintf(c->csv, c->cap, "sku,quantity\n");
  w = snprintf(c->csv + c->len, c->cap - c->len, "%s,%lld\n", p->sku,
               (long long)q);
  if(w > 0)
    c->len += (size_t)w;
  if(++c->rows == c->chunk)
    naive_flush(c);
  return 0;
}

static int
naive_push(struct naive_ctx *c)
{
  int rc = hs_products_each(c->f->h, CAT_COMPANY, 1, naive_row, c);

  naive_flush(c);
  return rc;
}

/* ---- one benchmark run ---- */

/* Record the latency of every pending sell-out now at 0 on Back Market. */
static void
check_zero(struct cat_fx *f, int n, int64_t *sold_at, struct bench_run *out)
{
  int64_t now = hs_clock_now(f->h);
  char sku[32];
  int i;

  for(i = 0; i < n; i++)
    if(sold_at[i]) {
      sku_of(i, sku, sizeof(sku));
      if(cat_sim_qty(f, sku) == 0) {
        out->lat[out->n_lat++] = now - sold_at[i];
        sold_at[i] = 0;
      }
    }
}

static int
cmp64(const void *a, const void *b)
{
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

  return (x > y) - (x < y);
}

static int
bench(const struct bench_opt *o, int naive, struct bench_run *out)
{
  struct cat_fx f;
  struct naive_ctx nc;
  struct heap_sampler hs;
  int32_t *stock = calloc((size_t)o->products, sizeof(int32_t));
  int64_t *sold_at = calloc((size_t)o->products, sizeof(int64_t));
  uint8_t *touched = calloc((size_t)o->products, 1);
  struct bench_change *plan;
  char sku[32], cfg[128], url[96];
  int64_t req0, lines0, s4290, start;
  int c, i, k, n_change;

  memset(out, 0, sizeof(*out));
  memset(&nc, 0, sizeof(nc));
  out->lat = calloc((size_t)o->products, sizeof(int64_t));
  n_change = (int)((int64_t)o->products * o->change_pct_x10 / 1000);
  rng = 0x9e3779b97f4a7c15ull; /* both modes see the same changes */
  if(!stock || !sold_at || !touched || !out->lat ||
     !(plan = plan_changes(o, stock, n_change, touched)) ||
     cat_fx_start(&f, 1, "fr-fr"))
    return -1;
  snprintf(cfg, sizeof(cfg), "{\"task_delay_ms\": %lld}",
           (long long)o->task_delay_ms);
  cat_sim(&f, "POST", "/_sim/config", cfg, NULL);
  fprintf(stderr, "seeding %d products and listings...\n", o->products);
  if(seed(&f, o->products, stock, touched)) {
    fprintf(stderr, "seeding failed\n");
    return -1;
  }
  if(naive) {
    nc.f = &f;
    nc.chunk = (size_t)o->naive_chunk;
    nc.cap = nc.chunk * 40 + 64;
    nc.csv = malloc(nc.cap);
    nc.curl = curl_easy_init();
    nc.hdr = curl_slist_append(NULL, "Authorization: Basic " CAT_TOKEN);
    nc.hdr = curl_slist_append(nc.hdr, "Content-Type: application/json");
    nc.hdr = curl_slist_append(nc.hdr, "Accept-Language: fr-fr");
    snprintf(url, sizeof(url), "%s/ws/listings", f.base_url);
    if(!nc.csv || !nc.curl)
      return -1;
    curl_easy_setopt(nc.curl, CURLOPT_URL, url);
    curl_easy_setopt(nc.curl, CURLOPT_HTTPHEADER, nc.hdr);
    curl_easy_setopt(nc.curl, CURLOPT_USERAGENT, "BM-Acme-Naive;ops@acme.test");
    curl_easy_setopt(nc.curl, CURLOPT_WRITEFUNCTION, naive_sink);
  }
  out->rss_seeded_kib = peak_rss_kib();
  memset(&hs, 0, sizeof(hs));
  if(pthread_create(&hs.th, NULL, heap_sampler_main, &hs) != 0)
    return -1;
  req0 = sim_stat(&f, "requests");
  lines0 = sim_stat(&f, "sku_lines_accepted");
  s4290 = sim_stat(&f, "status_429");
  start = hs_clock_now(f.h);
  for(c = 0; c < o->cycles; c++) {
    int64_t t0 = start + c * CYCLE_MS, now;
    double cpu0, cpu;

    if(hs_clock_now(f.h) < t0)
      hs_clock_set(f.h, t0);
    t0 = hs_clock_now(f.h);
    for(k = 0; k < n_change; k++) {
      int32_t ns = plan[c * n_change + k].stock;

      i = plan[c * n_change + k].idx;
      if(ns == stock[i])
        continue;
      out->changes++;
      if(ns == 0 && !sold_at[i])
        sold_at[i] = t0;
      if(ns != 0)
        sold_at[i] = 0; /* restocked before it reached 0: not measured */
      stock[i] = ns;
      sku_of(i, sku, sizeof(sku));
      hs_stock_set(f.h, CAT_COMPANY, sku, ns);
    }
    atomic_store(&hs.base, heap_in_use());
    atomic_store(&hs.run, 1);
    cpu0 = thread_cpu_s();
    if(naive)
      naive_push(&nc);
    else
      cat_run(&f, "inventory_upload", NULL);
    cpu = thread_cpu_s() - cpu0;
    atomic_store(&hs.run, 0);
    if(atomic_load(&hs.peak) > out->heap_peak)
      out->heap_peak = atomic_load(&hs.peak);
    atomic_store(&hs.peak, 0);
    out->cpu_sum += cpu;
    if(cpu > out->cpu_max)
      out->cpu_max = cpu;
    /* which sold-out products are at 0 on Back Market: right after the
     * run (the plugin waits for its bulk task), then at the end of the
     * cycle (the simulator sees the time pass; a naive client's tasks end
     * then) */
    check_zero(&f, o->products, sold_at, out);
    now = hs_clock_now(f.h);
    if(now < t0 + CYCLE_MS - 1) {
      hs_clock_set(f.h, t0 + CYCLE_MS - 1);
      check_zero(&f, o->products, sold_at, out);
    }
    printf("  %s cycle %2d: cpu %.3f s, requests so far %lld, lines so far "
           "%lld\n", naive ? "naive " : "plugin", c + 1, cpu,
           (long long)(sim_stat(&f, "requests") - req0),
           (long long)(sim_stat(&f, "sku_lines_accepted") - lines0));
  }
  for(i = 0; i < o->products; i++)
    out->unreached += sold_at[i] != 0;
  out->requests = sim_stat(&f, "requests") - req0;
  out->lines = sim_stat(&f, "sku_lines_accepted") - lines0;
  out->s429 = sim_stat(&f, "status_429") - s4290;
  {
    int64_t hours = ((int64_t)o->cycles * CYCLE_MS + 3599999) / 3600000;

    out->fit = out->changes < 2000 * hours ? out->changes : 2000 * hours;
  }
  atomic_store(&hs.stop, 1);
  pthread_join(hs.th, NULL);
  out->rss_kib = peak_rss_kib();
  qsort(out->lat, out->n_lat, sizeof(int64_t), cmp64);
  if(naive) {
    curl_slist_free_all(nc.hdr);
    curl_easy_cleanup(nc.curl);
    free(nc.csv);
  }
  cat_fx_stop(&f);
  free(stock);
  free(sold_at);
  free(touched);
  free(plan);
  return 0;
}

static void
report(const char *name, const struct bench_opt *o, const struct bench_run *r)
{
  int64_t p50 = r->n_lat ? r->lat[r->n_lat / 2] : -1;
  int64_t p99 = r->n_lat ? r->lat[(r->n_lat * 99) / 100 < r->n_lat
                                      ? (r->n_lat * 99) / 100
                                      : r->n_lat - 1] : -1;

  printf("%s: %d products, %d cycles of 5 min, %d.%d%% changing per cycle "
         "(%d%% of changes sell out), bulk tasks take %lld s\n", name,
         o->products, o->cycles, o->change_pct_x10 / 10,
         o->change_pct_x10 % 10, o->sellout_pct,
         (long long)(o->task_delay_ms / 1000));
  printf("  stock changes            %lld (fit the 2,000 lines/h budget: "
         "%lld)\n", (long long)r->changes, (long long)r->fit);
  printf("  SKU lines accepted       %lld\n", (long long)r->lines);
  printf("  requests to Back Market  %lld\n", (long long)r->requests);
  printf("  429 responses            %lld\n", (long long)r->s429);
  if(r->n_lat)
    printf("  sold out -> 0 on BM      p50 %.1f s, p99 %.1f s (virtual; %zu "
           "measured, %lld not at 0 by the end)\n", p50 / 1000.0,
           p99 / 1000.0, r->n_lat, (long long)r->unreached);
  else
    printf("  sold out -> 0 on BM      never (%lld sold out, none at 0 by "
           "the end)\n", (long long)r->unreached);
  printf("  CPU per cycle            avg %.3f s, max %.3f s (calling "
         "thread: plugin + host services)\n", r->cpu_sum / o->cycles,
         r->cpu_max);
  printf("  heap growth in a cycle   %.1f MiB at most (plugin + host "
         "services + simulator replies)\n", r->heap_peak / 1048576.0);
  printf("  peak RSS (process)       %.1f MiB (host + both simulators + "
         "plugin); %.1f MiB after seeding, +%.1f MiB during the cycles\n",
         r->rss_kib / 1024.0, r->rss_seeded_kib / 1024.0,
         (r->rss_kib - r->rss_seeded_kib) / 1024.0);
}

/* What a mode's child process hands back for the comparison. */
struct bench_summary {
  int64_t lines, requests, s429, reached, unreached, p50_ms;
  double cpu_avg, rss_mib;
};

/* Run one mode in a child process (so its peak RSS is its own); 0 when it
 * succeeded, with its summary in *sum. */
static int
run_mode(const struct bench_opt *o, int naive, struct bench_summary *sum)
{
  struct bench_run r;
  int status = 0, fd[2];
  pid_t pid;
  ssize_t got;

  fflush(stdout);
  if(pipe(fd))
    return 1;
  pid = fork();
  if(pid < 0) {
    close(fd[0]);
    close(fd[1]);
    return 1;
  }
  if(pid == 0) {
    struct bench_summary m;

    close(fd[0]);
    if(bench(o, naive, &r))
      _exit(1);
    report(naive ? "naive (every SKU every cycle, no ordering)"
                 : "plugin (budgeted diffs, zero-outs first)", o, &r);
    memset(&m, 0, sizeof(m));
    m.lines = r.lines;
    m.requests = r.requests;
    m.s429 = r.s429;
    m.reached = (int64_t)r.n_lat;
    m.unreached = r.unreached;
    m.p50_ms = r.n_lat ? r.lat[r.n_lat / 2] : -1;
    m.cpu_avg = r.cpu_sum / o->cycles;
    m.rss_mib = r.rss_kib / 1024.0;
    free(r.lat);
    fflush(stdout);
    _exit(write(fd[1], &m, sizeof(m)) == (ssize_t)sizeof(m) ? 0 : 1);
  }
  close(fd[1]);
  got = read(fd[0], sum, sizeof(*sum));
  close(fd[0]);
  if(waitpid(pid, &status, 0) != pid)
    return 1;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
         got == (ssize_t)sizeof(*sum) ? 0 : 1;
}

/* The same scenario, side by side: how much the plugin saves. */
static void
compare(const struct bench_summary *p, const struct bench_summary *n)
{
  printf("plugin vs naive, same stock changes:\n");
  printf("  requests to Back Market  %lld vs %lld (naive/plugin %.2f)\n",
         (long long)p->requests, (long long)n->requests,
         p->requests ? (double)n->requests / (double)p->requests : 0.0);
  printf("  429 responses            %lld vs %lld\n", (long long)p->s429,
         (long long)n->s429);
  printf("  sell-outs at 0 on BM     %lld vs %lld of those sold out "
         "(%lld vs %lld never reached 0)\n", (long long)p->reached,
         (long long)n->reached, (long long)p->unreached,
         (long long)n->unreached);
  if(p->p50_ms > 0 && n->p50_ms > 0)
    printf("  sold out -> 0, p50       %.1f s vs %.1f s (naive/plugin %.2f)\n",
           p->p50_ms / 1000.0, n->p50_ms / 1000.0,
           (double)n->p50_ms / (double)p->p50_ms);
  printf("  CPU per cycle            %.3f s vs %.3f s\n", p->cpu_avg,
         n->cpu_avg);
}

int
main(int argc, char **argv)
{
  struct bench_opt o = {100000, 12, 10, 10, 2000, 60000};
  int i, naive = 0, both = 1, fails = 0;

  for(i = 1; i < argc; i++) {
    if(!strcmp(argv[i], "--naive")) {
      naive = 1;
      both = 0;
    }
    else if(!strcmp(argv[i], "--plugin"))
      both = 0;
    else if(!strcmp(argv[i], "--both"))
      both = 1;
    else if(i + 1 < argc && !strcmp(argv[i], "--products"))
      o.products = (int)strtol(argv[++i], NULL, 10);
    else if(i + 1 < argc && !strcmp(argv[i], "--cycles"))
      o.cycles = (int)strtol(argv[++i], NULL, 10);
    else if(i + 1 < argc && !strcmp(argv[i], "--change-pct"))
      o.change_pct_x10 = (int)(strtod(argv[++i], NULL) * 10);
    else if(i + 1 < argc && !strcmp(argv[i], "--sellout-pct"))
      o.sellout_pct = (int)strtol(argv[++i], NULL, 10);
    else if(i + 1 < argc && !strcmp(argv[i], "--naive-chunk"))
      o.naive_chunk = (int)strtol(argv[++i], NULL, 10);
    else if(i + 1 < argc && !strcmp(argv[i], "--task-delay-ms"))
      o.task_delay_ms = strtoll(argv[++i], NULL, 10);
    else {
      fprintf(stderr, "usage: %s [--plugin|--naive|--both] [--products N] "
              "[--cycles N] [--change-pct P] [--sellout-pct P] "
              "[--naive-chunk ROWS] [--task-delay-ms MS]\n", argv[0]);
      return 2;
    }
  }
  if(o.products < 1 || o.cycles < 1 || o.naive_chunk < 1 ||
     o.naive_chunk > 14999)
    return 2;
  /* each mode in its own process so that peak RSS is its own */
  {
    struct bench_summary sp, sn;
    int okp = 0, okn = 0;

    memset(&sp, 0, sizeof(sp));
    memset(&sn, 0, sizeof(sn));
    if(both || !naive) {
      okp = run_mode(&o, 0, &sp) == 0;
      fails += !okp;
    }
    if(both || naive) {
      okn = run_mode(&o, 1, &sn) == 0;
      fails += !okn;
    }
    if(both && okp && okn)
      compare(&sp, &sn);
  }
  return fails;
}
