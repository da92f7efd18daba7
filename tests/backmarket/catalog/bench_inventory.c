/*
 * bench_inventory.c -- benchmark of Inventory Upload at scale (prints
 * numbers; not a ctest test).  --products enabled products in the host
 * simulator (default 100,000), listings on the marketplace simulator with
 * quotas ON for the SKUs the run changes, --change-pct of the products (or
 * --per-cycle changes) changing stock every 5-minute cycle for --cycles
 * cycles (default 12, one virtual hour), after one warm-up cycle (the
 * first cycle of a store is a full pass; reported on its own).  For the
 * plugin and for a naive integration (every enabled SKU pushed every cycle
 * in CSV files of --naive-chunk rows, default 2,000, no ordering, no
 * budget) it prints: SKU lines accepted per cycle against the hour's share,
 * requests, 429s, the time from a product selling out in the host to
 * quantity 0 on Back Market and from any other change to its quantity
 * there (p50/p90/p99/longest, virtual time), CPU time per cycle of the
 * calling thread (plugin + host services; the simulator runs on its own
 * threads; median and max), the heap growth of a cycle (mallinfo2) and
 * peak RSS.  --file puts the host store in a file (default: in memory).
 *
 * Usage: bench_inventory [--plugin|--naive|--both] [--products N]
 *                        [--cycles N] [--change-pct P] [--per-cycle N]
 *                        [--sellout-pct P] [--naive-chunk ROWS]
 *                        [--task-delay-ms MS] [--file]
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
/* hs_begin/hs_commit: seeding a million products in one transaction */
#include "hs_internal.h"

#define CYCLE_MS INT64_C(300000)

struct bench_opt {
  int products, cycles, change_pct_x10, per_cycle, sellout_pct, naive_chunk;
  int file;
  int64_t task_delay_ms;
};

struct bench_run {
  int64_t lines, requests, s429, changes, fit;
  double cpu_max, cpu_sum, *cpu;   /* per measured cycle */
  double warm_cpu;                 /* the warm-up cycle (a full pass) */
  long long warm_heap;
  int64_t *lat;            /* sell-out latencies (ms) */
  size_t n_lat;
  int64_t *lat_o;          /* other changes' latencies (ms) */
  size_t n_lat_o;
  int64_t *lines_c;        /* SKU lines accepted in each cycle */
  int64_t unreached;       /* sold out but not 0 on Back Market at the end */
  int64_t unreached_o;     /* other changes not there by the end */
  long rss_kib;
  long rss_seeded_kib;     /* peak RSS before the first cycle */
  long long heap_peak;     /* largest heap growth during one cycle */
  long long *heap_c;       /* heap growth of each cycle */
  double seed_s;           /* wall time of seeding */
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

  if(hs_host_services(f->h, CAT_COMPANY, CAT_PLUGIN, &api, &ctx) ||
     hs_begin(f->h))
    return -1;
  for(i = 0; i < n; i++) {
    if(i && i % 200000 == 0)
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
  return hs_commit(f->h) ? -1 : 0;
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

/* The changes on their way: SKU index, what Back Market should hold, since
 * when (a sell-out: since it first sold out; a later change replaces an
 * earlier one still on its way). */
struct bench_wait {
  int32_t *idx;
  size_t n;
  int64_t *since;  /* per product, 0 = nothing on its way */
  int32_t *want;
  uint8_t *sold;
};

static void
wait_add(struct bench_wait *w, int i, int32_t want, int64_t now)
{
  if(!w->since[i])
    w->idx[w->n++] = i;
  if(!(w->since[i] && w->sold[i] && want == 0))
    w->since[i] = now; /* a sell-out keeps its first time */
  w->want[i] = want;
  w->sold[i] = want == 0;
}

/* Record the latency of every change on its way that Back Market now
 * holds. */
static void
check_reached(struct cat_fx *f, struct bench_wait *w, struct bench_run *out)
{
  int64_t now = hs_clock_now(f->h);
  char sku[32];
  size_t k, o = 0;

  for(k = 0; k < w->n; k++) {
    int i = w->idx[k];

    sku_of(i, sku, sizeof(sku));
    if(cat_sim_qty(f, sku) == w->want[i]) {
      if(w->sold[i])
        out->lat[out->n_lat++] = now - w->since[i];
      else
        out->lat_o[out->n_lat_o++] = now - w->since[i];
      w->since[i] = 0;
    }
    else
      w->idx[o++] = i;
  }
  w->n = o;
}

static int
cmp64(const void *a, const void *b)
{
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

  return (x > y) - (x < y);
}

static int
cmpd(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

/* One inventory cycle (or naive push) measured: CPU of this thread and the
 * peak heap growth meanwhile. */
static double
measured_cycle(struct cat_fx *f, struct naive_ctx *nc, int naive,
               struct heap_sampler *hs, long long *heap)
{
  double cpu0;

  atomic_store(&hs->base, heap_in_use());
  atomic_store(&hs->peak, 0);
  atomic_store(&hs->run, 1);
  cpu0 = thread_cpu_s();
  if(naive)
    naive_push(nc);
  else
    cat_run(f, "inventory_upload", NULL);
  cpu0 = thread_cpu_s() - cpu0;
  atomic_store(&hs->run, 0);
  *heap = atomic_load(&hs->peak);
  return cpu0;
}

static int
bench(const struct bench_opt *o, int naive, struct bench_run *out)
{
  struct cat_fx f;
  struct naive_ctx nc;
  struct heap_sampler hs;
  struct bench_wait w;
  int32_t *stock = calloc((size_t)o->products, sizeof(int32_t));
  uint8_t *touched = calloc((size_t)o->products, 1);
  struct bench_change *plan;
  char sku[32], cfg[128], url[96];
  int64_t req0, lines0, s4290, start, lines_prev;
  struct timespec ts0, ts1;
  long long heap;
  int c, i, k, n_change;
  size_t n_total;

  memset(out, 0, sizeof(*out));
  memset(&nc, 0, sizeof(nc));
  memset(&w, 0, sizeof(w));
  n_change = o->per_cycle > 0
                 ? o->per_cycle
                 : (int)((int64_t)o->products * o->change_pct_x10 / 1000);
  n_total = (size_t)o->cycles * (size_t)n_change + 1;
  out->lat = calloc(n_total, sizeof(int64_t));
  out->lat_o = calloc(n_total, sizeof(int64_t));
  out->cpu = calloc((size_t)o->cycles, sizeof(double));
  out->lines_c = calloc((size_t)o->cycles, sizeof(int64_t));
  out->heap_c = calloc((size_t)o->cycles, sizeof(long long));
  w.idx = calloc((size_t)o->products, sizeof(int32_t));
  w.since = calloc((size_t)o->products, sizeof(int64_t));
  w.want = calloc((size_t)o->products, sizeof(int32_t));
  w.sold = calloc((size_t)o->products, 1);
  rng = 0x9e3779b97f4a7c15ull; /* both modes see the same changes */
  if(!stock || !touched || !out->lat || !out->lat_o || !out->cpu ||
     !out->lines_c || !out->heap_c || !w.idx || !w.since || !w.want ||
     !w.sold)
    return -1;
  if(!(plan = plan_changes(o, stock, n_change, touched)))
    return -1;
  if((o->file ? cat_fx_start_file(&f, 1, "fr-fr")
              : cat_fx_start(&f, 1, "fr-fr")))
    return -1;
  snprintf(cfg, sizeof(cfg), "{\"task_delay_ms\": %lld}",
           (long long)o->task_delay_ms);
  cat_sim(&f, "POST", "/_sim/config", cfg, NULL);
  fprintf(stderr, "seeding %d products and listings...\n", o->products);
  clock_gettime(CLOCK_MONOTONIC, &ts0);
  if(seed(&f, o->products, stock, touched)) {
    fprintf(stderr, "seeding failed\n");
    return -1;
  }
  clock_gettime(CLOCK_MONOTONIC, &ts1);
  out->seed_s = (double)(ts1.tv_sec - ts0.tv_sec) +
                (double)(ts1.tv_nsec - ts0.tv_nsec) / 1e9;
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
  /* the warm-up cycle: nothing changed yet; the plugin's first cycle on
   * a store is a full pass (as after a restore, and once a day) */
  out->warm_cpu = measured_cycle(&f, &nc, naive, &hs, &out->warm_heap);
  start = hs_clock_now(f.h) + CYCLE_MS;
  lines_prev = sim_stat(&f, "sku_lines_accepted");
  for(c = 0; c < o->cycles; c++) {
    int64_t t0 = start + c * CYCLE_MS, now, l;
    double cpu;

    if(hs_clock_now(f.h) < t0)
      hs_clock_set(f.h, t0);
    t0 = hs_clock_now(f.h);
    for(k = 0; k < n_change; k++) {
      int32_t ns = plan[c * n_change + k].stock;

      i = plan[c * n_change + k].idx;
      if(ns == stock[i])
        continue;
      out->changes++;
      wait_add(&w, i, ns, t0);
      stock[i] = ns;
      sku_of(i, sku, sizeof(sku));
      hs_stock_set(f.h, CAT_COMPANY, sku, ns);
    }
    cpu = measured_cycle(&f, &nc, naive, &hs, &heap);
    out->cpu[c] = cpu;
    out->heap_c[c] = heap;
    if(heap > out->heap_peak)
      out->heap_peak = heap;
    out->cpu_sum += cpu;
    if(cpu > out->cpu_max)
      out->cpu_max = cpu;
    /* what Back Market holds: right after the run (the plugin waits for
     * its bulk task), then at the end of the cycle (the simulator sees the
     * time pass; a naive client's tasks end then) */
    check_reached(&f, &w, out);
    now = hs_clock_now(f.h);
    if(now < t0 + CYCLE_MS - 1) {
      hs_clock_set(f.h, t0 + CYCLE_MS - 1);
      check_reached(&f, &w, out);
    }
    l = sim_stat(&f, "sku_lines_accepted");
    out->lines_c[c] = l - lines_prev;
    lines_prev = l;
    printf("  %s cycle %2d: cpu %.3f s, heap +%.1f MiB, lines %lld, %zu "
           "changes on their way\n", naive ? "naive " : "plugin", c + 1, cpu,
           heap / 1048576.0, (long long)out->lines_c[c], w.n);
  }
  for(k = 0; k < (int)w.n; k++) {
    if(w.sold[w.idx[k]])
      out->unreached++;
    else
      out->unreached_o++;
  }
  /* the longest wait includes what never arrived: counted until the end */
  {
    int64_t end = hs_clock_now(f.h);

    for(k = 0; k < (int)w.n; k++) {
      i = w.idx[k];
      if(w.sold[i])
        out->lat[out->n_lat++] = end - w.since[i];
      else
        out->lat_o[out->n_lat_o++] = end - w.since[i];
    }
  }
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
  qsort(out->lat_o, out->n_lat_o, sizeof(int64_t), cmp64);
  if(naive) {
    curl_slist_free_all(nc.hdr);
    curl_easy_cleanup(nc.curl);
    free(nc.csv);
  }
  cat_fx_stop(&f);
  free(stock);
  free(touched);
  free(plan);
  free(w.idx);
  free(w.since);
  free(w.want);
  free(w.sold);
  return 0;
}

static int64_t
pct_of(const int64_t *v, size_t n, int pct)
{
  size_t k = n * (size_t)pct / 100;

  if(!n)
    return -1;
  return v[k < n ? k : n - 1];
}

static void
print_lat(const char *what, const int64_t *v, size_t n, int64_t unreached)
{
  if(!n) {
    printf("  %-24s none\n", what);
    return;
  }
  printf("  %-24s p50 %.1f s, p90 %.1f s, p99 %.1f s, longest %.1f s "
         "(virtual; %zu changes, %lld not there by the end, counted to the "
         "end)\n", what, pct_of(v, n, 50) / 1000.0, pct_of(v, n, 90) / 1000.0,
         pct_of(v, n, 99) / 1000.0, v[n - 1] / 1000.0, n,
         (long long)unreached);
}

static void
report(const char *name, const struct bench_opt *o, const struct bench_run *r)
{
  double *cpu = malloc((size_t)o->cycles * sizeof(double));
  long long hmax = 0;
  int64_t lmin = INT64_MAX, lmax = 0, share = 2000 / 12;
  int c;

  if(o->per_cycle > 0)
    printf("%s: %d products, %d cycles of 5 min, %d changes per cycle "
           "(%d%% of changes sell out), bulk tasks take %lld s\n", name,
           o->products, o->cycles, o->per_cycle, o->sellout_pct,
           (long long)(o->task_delay_ms / 1000));
  else
    printf("%s: %d products, %d cycles of 5 min, %d.%d%% changing per cycle "
           "(%d%% of changes sell out), bulk tasks take %lld s\n", name,
           o->products, o->cycles, o->change_pct_x10 / 10,
           o->change_pct_x10 % 10, o->sellout_pct,
           (long long)(o->task_delay_ms / 1000));
  printf("  store                    %s, seeded in %.1f s\n",
         o->file ? "file" : "in memory", r->seed_s);
  printf("  stock changes            %lld (fit the 2,000 lines/h budget: "
         "%lld)\n", (long long)r->changes, (long long)r->fit);
  printf("  SKU lines accepted       %lld\n", (long long)r->lines);
  for(c = 0; c < o->cycles; c++) {
    if(r->lines_c[c] < lmin)
      lmin = r->lines_c[c];
    if(r->lines_c[c] > lmax)
      lmax = r->lines_c[c];
    if(r->heap_c[c] > hmax)
      hmax = r->heap_c[c];
  }
  printf("  lines per cycle          min %lld, max %lld (the hour's share: "
         "%lld; %+.0f%% / %+.0f%%)\n", (long long)lmin, (long long)lmax,
         (long long)share, 100.0 * (double)(lmin - share) / (double)share,
         100.0 * (double)(lmax - share) / (double)share);
  printf("  requests to Back Market  %lld\n", (long long)r->requests);
  printf("  429 responses            %lld\n", (long long)r->s429);
  print_lat("sold out -> 0 on BM", r->lat, r->n_lat, r->unreached);
  print_lat("other change -> on BM", r->lat_o, r->n_lat_o, r->unreached_o);
  if(cpu) {
    memcpy(cpu, r->cpu, (size_t)o->cycles * sizeof(double));
    qsort(cpu, (size_t)o->cycles, sizeof(double), cmpd);
    printf("  CPU per cycle            median %.3f s, max %.3f s (calling "
           "thread: plugin + host services)\n", cpu[o->cycles / 2],
           r->cpu_max);
    free(cpu);
  }
  printf("  heap growth in a cycle   %.1f MiB at most (plugin + host "
         "services + simulator replies)\n", hmax / 1048576.0);
  printf("  warm-up cycle            cpu %.3f s, heap +%.1f MiB (the "
         "store's first cycle: a full pass)\n", r->warm_cpu,
         r->warm_heap / 1048576.0);
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
                 : "plugin (change feed, paced, zero-outs first)", o, &r);
    memset(&m, 0, sizeof(m));
    m.lines = r.lines;
    m.requests = r.requests;
    m.s429 = r.s429;
    m.reached = (int64_t)r.n_lat - r.unreached; /* n_lat counts those too */
    m.unreached = r.unreached;
    m.p50_ms = r.n_lat ? r.lat[r.n_lat / 2] : -1;
    m.cpu_avg = r.cpu_sum / o->cycles;
    m.rss_mib = r.rss_kib / 1024.0;
    free(r.lat);
    free(r.lat_o);
    free(r.cpu);
    free(r.lines_c);
    free(r.heap_c);
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
  struct bench_opt o = {100000, 12, 10, 0, 10, 2000, 0, 60000};
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
    else if(i + 1 < argc && !strcmp(argv[i], "--per-cycle"))
      o.per_cycle = (int)strtol(argv[++i], NULL, 10);
    else if(!strcmp(argv[i], "--file"))
      o.file = 1;
    else if(i + 1 < argc && !strcmp(argv[i], "--sellout-pct"))
      o.sellout_pct = (int)strtol(argv[++i], NULL, 10);
    else if(i + 1 < argc && !strcmp(argv[i], "--naive-chunk"))
      o.naive_chunk = (int)strtol(argv[++i], NULL, 10);
    else if(i + 1 < argc && !strcmp(argv[i], "--task-delay-ms"))
      o.task_delay_ms = strtoll(argv[++i], NULL, 10);
    else {
      fprintf(stderr, "usage: %s [--plugin|--naive|--both] [--products N] "
              "[--cycles N] [--change-pct P] [--per-cycle N] [--sellout-pct P] "
              "[--naive-chunk ROWS] [--task-delay-ms MS] [--file]\n", argv[0]);
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
