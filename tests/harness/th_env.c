/*
 * th_env.c -- owns the shared integration-test harness (see th_env.h):
 * start/stop of host + embedded market sim on one virtual clock, settings,
 * running actions, small queries on job logs, the error queue and the
 * sim's request log, and the optional live validating proxy
 * (BMC_LIVE_PROXY_URL, tests/conformance/live_proxy.js).  The host's
 * store is dir/host.db, or with BMC_TEST_STORE=postgresql a fresh
 * database on the throwaway PostgreSQL server (tests/pg) with its key
 * file in dir.
 */
#define _GNU_SOURCE
#include "th_env.h"
#include "hs_db.h"
#include "th_pg_target.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkstemp(3)/mkdtemp(3) template suffix: six placeholder characters. */
#define MKTEMP_SUFFIX "XX" "XX" "XX"

#ifndef BMC_PLUGIN_DIR
#error "BMC_PLUGIN_DIR must be defined"
#endif
#ifndef BMC_SCHEMA_DIR
#error "BMC_SCHEMA_DIR must be defined"
#endif

#define TH_DEFAULT_START INT64_C(1774180800000) /* 2026-03-22T12:00:00Z */

/* The sim's clock: the host's virtual clock (or the last value seen while
 * the host is being reopened). */
static int64_t
th_clock_cb(void *ud)
{
  struct th_env *e = ud;
  struct hs_host *h = __atomic_load_n(&e->host, __ATOMIC_ACQUIRE);

  return h ? hs_clock_now(h) : e->last_now;
}

static void
th_rmtree(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *de;
  char p[600];

  if(!d)
    return;
  while((de = readdir(d))) {
    if(!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
      continue;
    snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
    if(unlink(p))
      th_rmtree(p);
  }
  closedir(d);
  rmdir(dir);
}

/* Standard base64 of s (the live proxy's Basic credentials). */
static void
th_base64(const char *s, char *out, size_t len)
{
  static const char a[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t n = strlen(s), i, o = 0;

  for(i = 0; i < n && o + 5 < len; i += 3) {
    unsigned v = (unsigned)(unsigned char)s[i] << 16;

    if(i + 1 < n)
      v |= (unsigned)(unsigned char)s[i + 1] << 8;
    if(i + 2 < n)
      v |= (unsigned char)s[i + 2];
    out[o++] = a[(v >> 18) & 63];
    out[o++] = a[(v >> 12) & 63];
    out[o++] = i + 1 < n ? a[(v >> 6) & 63] : '=';
    out[o++] = i + 2 < n ? a[v & 63] : '=';
  }
  out[o] = '\0';
}

/* Under the live proxy: tell it where this env's sim listens (the file it
 * reads at each request; written whole, then renamed). */
static int
th_live_register(const char *file, uint16_t port)
{
  char tmp[600];
  FILE *f;
  int ok;

  snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", file, (long)getpid());
  f = fopen(tmp, "w");
  if(!f)
    return -1;
  ok = fprintf(f, "http://127.0.0.1:%u\n", (unsigned)port) > 0;
  if(fclose(f) || !ok || rename(tmp, file)) {
    remove(tmp);
    return -1;
  }
  return 0;
}

static int
th_open_host(struct th_env *e, int64_t start, char *err, size_t errlen)
{
  struct hs_options ho;
  struct hs_host *h = NULL;
  char so_path[512];

  char key[300];

  memset(&ho, 0, sizeof(ho));
  ho.db_path = e->db;
  /* a database on a server has no file beside it for its key */
  snprintf(key, sizeof(key), "%s/host.key", e->dir);
  if(hs_db_backend_of(e->db) == HS_DB_POSTGRESQL)
    ho.key_file = key;
  ho.plugin_dir = e->only_plugin ? NULL : BMC_PLUGIN_DIR;
  ho.schema_dir = BMC_SCHEMA_DIR;
  ho.virtual_clock = 1;
  ho.virtual_start_ms = start;
  if(hs_host_open(&ho, &h, err, errlen))
    return -1;
  if(e->only_plugin) {
    snprintf(so_path, sizeof(so_path), "%s/%s.so", BMC_PLUGIN_DIR,
             e->plugin);
    if(hs_host_load_plugin(h, so_path, err, errlen)) {
      hs_host_close(h);
      return -1;
    }
  }
  __atomic_store_n(&e->host, h, __ATOMIC_RELEASE);
  return 0;
}

int
th_env_start(struct th_env *e, const struct th_env_opts *o, char *err,
             size_t errlen)
{
  struct mk_sim_opts so;
  const char *tmp = getenv("TMPDIR");
  const char *live_url = getenv("BMC_LIVE_PROXY_URL");
  const char *live_file = getenv("BMC_LIVE_PROXY_TARGET");
  const char *tkey;
  const char *ukey;
  const char *token = o->token;
  size_t i;
  int64_t start;
  char body[512];
  char live_token[400];
  int st;

  memset(e, 0, sizeof(*e));
  snprintf(e->dir, sizeof(e->dir), "%s/bmc-th-" MKTEMP_SUFFIX,
           tmp && *tmp ? tmp : "/tmp");
  if(!mkdtemp(e->dir)) {
    snprintf(err, errlen, "mkdtemp failed");
    e->dir[0] = '\0';
    return -1;
  }
  /* on PostgreSQL an in-memory store is a database too: the suites run
   * their hosts' stores there */
  if(o->in_memory && !th_pg_chosen())
    snprintf(e->db, sizeof(e->db), ":memory:");
  else if(th_pg_chosen()) {
    char server[1024];

    char key[300];

    /* the key file th_open_host names, for a child opening the store */
    snprintf(key, sizeof(key), "%s/host.key", e->dir);
    if(th_pg_target("th_env", server, sizeof(server)) ||
       th_pg_new_database(server, "env", e->db, sizeof(e->db), err,
                          errlen) || setenv("BMC_TEST_KEY_FILE", key, 1))
      return -1;
  } else
    snprintf(e->db, sizeof(e->db), "%s/host.db", e->dir);
  snprintf(e->company, sizeof(e->company), "%s",
           o->company ? o->company : "acme");
  snprintf(e->plugin, sizeof(e->plugin), "%s", o->plugin);
  e->only_plugin = o->only_plugin;
  start = o->start_ms ? o->start_ms : TH_DEFAULT_START;
  e->last_now = start;
  if(th_open_host(e, start, err, errlen))
    return -1;
  if(o->traffic_path && setenv("BMC_SIM_TRAFFIC_DUMP", o->traffic_path, 1)) {
    snprintf(err, errlen, "setenv failed");
    return -1;
  }
  memset(&so, 0, sizeof(so));
  so.port = 0;
  so.quotas = o->quotas;
  so.clock_start_ms = start;
  so.now_ms = th_clock_cb;
  so.now_ud = e;
  if(mk_sim_start(&so, &e->sim, err, errlen))
    return -1;
  e->port = mk_sim_port(e->sim);
  snprintf(e->base_url, sizeof(e->base_url), "http://127.0.0.1:%u",
           (unsigned)e->port);
  if(live_url && *live_url && live_file && *live_file) {
    /* plugins talk to the live proxy, which validates and forwards to this
     * sim; the token becomes a Basic credential (base64 of token:live), the
     * form production tokens have (reference 1.2), so the validator can
     * decode it */
    if(strlen(live_url) >= sizeof(e->base_url) ||
       strncmp(live_url, "http://127.0.0.1:", 17) ||
       th_live_register(live_file, e->port)) {
      snprintf(err, errlen, "BMC_LIVE_PROXY_URL %s (a loopback URL) or "
               "BMC_LIVE_PROXY_TARGET %s (writable) is not usable", live_url,
               live_file);
      return -1;
    }
    snprintf(e->base_url, sizeof(e->base_url), "%s", live_url);
    if(token && strlen(token) < 250) {
      snprintf(body, sizeof(body), "%s:live", token);
      th_base64(body, live_token, sizeof(live_token));
      token = live_token;
    }
  }
  if(hs_company_add(e->host, e->company, NULL) ||
     hs_company_plugin_enable(e->host, e->company, e->plugin, 1, err,
                              errlen)) {
    if(!err[0])
      snprintf(err, errlen, "cannot add company / enable %s", e->plugin);
    return -1;
  }
  snprintf(body, sizeof(body), "{\"id\": %d, \"name\": \"Acme\", "
           "\"is_merchant\": true}", TH_MERCHANT_ID);
  st = th_sim_control(e, "POST", "/_sim/merchants", body, NULL);
  if(st != 201 && st != 200) {
    snprintf(err, errlen, "sim merchant: HTTP %d", st);
    return -1;
  }
  if(token) {
    snprintf(body, sizeof(body), "{\"token\": \"%s\", \"merchant_id\": %d, "
             "\"platform\": \"%s\"}", token, TH_MERCHANT_ID,
             o->platform ? o->platform : "eu");
    st = th_sim_control(e, "POST", "/_sim/tokens", body, NULL);
    if(st != 201 && st != 200) {
      snprintf(err, errlen, "sim token: HTTP %d", st);
      return -1;
    }
    tkey = o->token_key ? o->token_key : "token";
    if(*tkey && hs_company_setting_set(e->host, e->company, e->plugin, tkey,
                                       token, err, errlen))
      return -1;
  }
  ukey = o->base_url_key ? o->base_url_key : "base_url";
  if(*ukey && hs_company_setting_set(e->host, e->company, e->plugin, ukey,
                                     e->base_url, err, errlen))
    return -1;
  for(i = 0; o->settings && o->settings[i] && o->settings[i + 1]; i += 2)
    if(hs_company_setting_set(e->host, e->company, e->plugin,
                              o->settings[i], o->settings[i + 1], err,
                              errlen))
      return -1;
  if(o->keep_dir)
    e->dir[0] = '\0';
  return 0;
}

void
th_env_stop(struct th_env *e)
{
  struct hs_host *h;

  if(!e)
    return;
  mk_sim_stop(e->sim);
  e->sim = NULL;
  h = e->host;
  __atomic_store_n(&e->host, NULL, __ATOMIC_RELEASE);
  hs_host_close(h);
  if(e->dir[0])
    th_rmtree(e->dir);
  e->dir[0] = '\0';
}

int
th_env_reopen(struct th_env *e, char *err, size_t errlen)
{
  struct hs_host *h = e->host;

  if(!strcmp(e->db, ":memory:")) {
    snprintf(err, errlen, "th_env_reopen: the store is in memory");
    return -1;
  }
  e->last_now = hs_clock_now(h);
  __atomic_store_n(&e->host, NULL, __ATOMIC_RELEASE);
  hs_host_close(h);
  return th_open_host(e, e->last_now, err, errlen);
}

int
th_set(struct th_env *e, const char *key, const char *value)
{
  char err[512];
  int rc;

  err[0] = '\0';
  rc = hs_company_setting_set(e->host, e->company, e->plugin, key, value,
                              err, sizeof(err));
  if(rc)
    fprintf(stderr, "th_set %s: %s\n", key, err);
  return rc;
}

int
th_run(struct th_env *e, const char *action, int64_t *job_id)
{
  char err[512];
  int status = -1;
  int64_t id = 0;

  err[0] = '\0';
  if(hs_run_action(e->host, e->company, e->plugin, action, &id, &status, err,
                   sizeof(err))) {
    fprintf(stderr, "th_run %s: %s\n", action, err);
    return -1;
  }
  if(job_id)
    *job_id = id;
  return status;
}

int
th_sim_control(struct th_env *e, const char *method, const char *path,
               const char *body, struct json_object **out)
{
  char *resp = NULL;
  int status = 0;

  if(out)
    *out = NULL;
  if(mk_sim_control(e->sim, method, path, body, &status, &resp) < 0)
    return -1;
  if(out && resp)
    *out = json_tokener_parse(resp);
  free(resp);
  return status;
}

int
th_simf(struct th_env *e, const char *method, const char *path,
        const char *fmt, ...)
{
  char *body = NULL;
  va_list ap;
  int n;
  int st;

  va_start(ap, fmt);
  n = vasprintf(&body, fmt, ap);
  va_end(ap);
  if(n < 0)
    return -1;
  st = th_sim_control(e, method, path, body, NULL);
  free(body);
  return st;
}

/* The plugin under test declares product property key. */
static int
th_plugin_has_prop(struct th_env *e, const char *key)
{
  const struct bmc_plugin_api *api = hs_plugin_find(e->host, e->plugin);
  size_t i;

  for(i = 0; api && i < api->n_properties; i++)
    if(!strcmp(api->properties[i].key, key))
      return 1;
  return 0;
}

int
th_product(struct th_env *e, const char *sku, int64_t qty)
{
  struct hs_product p;
  char err[256];

  hs_product_init(&p);
  p.sku = sku;
  p.title = sku;
  p.available_qty = qty;
  /* offered on the channel at 449.00 (the Back Market plugin's properties;
   * a plugin without properties gets the generic product only) */
  if(hs_product_upsert(e->host, e->company, &p, NULL, err, sizeof(err)) ||
     (th_plugin_has_prop(e, "enabled") &&
      hs_product_prop_set(e->host, e->company, e->plugin, sku, "enabled",
                          NULL, "true", err, sizeof(err))) ||
     (th_plugin_has_prop(e, "price") &&
      hs_product_prop_set(e->host, e->company, e->plugin, sku, "price", NULL,
                          "449.00", err, sizeof(err)))) {
    fprintf(stderr, "th_product: %s\n", err);
    return -1;
  }
  return 0;
}

int
th_clock_advance(struct th_env *e, int64_t ms)
{
  return hs_clock_advance(e->host, ms);
}

int64_t
th_now(struct th_env *e)
{
  return hs_clock_now(e->host);
}

struct th_logq {
  const char *text;
  int n;
  FILE *out;
};

static int
th_log_cb(void *ud, const struct hs_job_line *l)
{
  struct th_logq *q = ud;

  if(q->out)
    fprintf(q->out, "  [%d] %s\n", l->level, l->text);
  else if(!q->text || strstr(l->text, q->text))
    q->n++;
  return 0;
}

int
th_job_log_count(struct th_env *e, int64_t job_id, const char *text)
{
  struct th_logq q = {text, 0, NULL};

  hs_job_log_each(e->host, job_id, th_log_cb, &q);
  return q.n;
}

void
th_job_log_dump(struct th_env *e, int64_t job_id, FILE *out)
{
  struct th_logq q = {NULL, 0, out};

  fprintf(out, "job %lld log:\n", (long long)job_id);
  hs_job_log_each(e->host, job_id, th_log_cb, &q);
}

struct th_errq {
  const char *code, *item, *text;
  int n;
};

static int
th_err_cb(void *ud, const struct hs_item_error *er)
{
  struct th_errq *q = ud;

  if((!q->code || (er->code && !strcmp(er->code, q->code))) &&
     (!q->item || (er->item && !strcmp(er->item, q->item))) &&
     (!q->text || (er->message && strstr(er->message, q->text))))
    q->n++;
  return 0;
}

int
th_errors_count(struct th_env *e, const char *code, const char *item,
                const char *text)
{
  struct th_errq q = {code, item, text, 0};

  hs_errors_each(e->host, e->company, e->plugin, th_err_cb, &q);
  return q.n;
}

int64_t
th_sim_log_seq(struct th_env *e)
{
  struct json_object *j = NULL;
  struct json_object *v;
  int64_t seq = -1;

  if(th_sim_control(e, "GET", "/_sim/log?since=0", NULL, &j) == 200 && j &&
     json_object_object_get_ex(j, "last_seq", &v))
    seq = json_object_get_int64(v);
  json_object_put(j);
  return seq;
}

int
th_sim_log_count(struct th_env *e, int64_t seq, const char *method,
                 const char *prefix, const char *body_has)
{
  struct th_log_filter f;

  memset(&f, 0, sizeof(f));
  f.method = method;
  f.prefix = prefix;
  f.body_has = body_has;
  return th_sim_log_count_f(e, seq, &f);
}

/* Value of request header name in a log entry ("" when absent). */
static const char *
th_entry_header(struct json_object *en, const char *name)
{
  struct json_object *hd, *v;
  const char *s;

  if(!json_object_object_get_ex(en, "headers", &hd) ||
     !json_object_object_get_ex(hd, name, &v))
    return "";
  s = json_object_get_string(v);
  return s ? s : "";
}

int
th_sim_log_count_f(struct th_env *e, int64_t seq,
                   const struct th_log_filter *f)
{
  struct json_object *j = NULL;
  struct json_object *arr;
  char path[64];
  size_t i;
  int n = 0;

  snprintf(path, sizeof(path), "/_sim/log?since=%lld", (long long)seq);
  if(th_sim_control(e, "GET", path, NULL, &j) != 200 || !j ||
     !json_object_object_get_ex(j, "entries", &arr)) {
    json_object_put(j);
    return -1;
  }
  for(i = 0; i < json_object_array_length(arr); i++) {
    struct json_object *en = json_object_array_get_idx(arr, i);
    struct json_object *m, *p, *b;
    const char *ms, *ps, *bs;
    if(!json_object_object_get_ex(en, "method", &m) ||
       !json_object_object_get_ex(en, "path", &p))
      continue;
    ms = json_object_get_string(m);
    ps = json_object_get_string(p);
    bs = json_object_object_get_ex(en, "body", &b) ? json_object_get_string(b)
                                                   : NULL;
    if(f->method && strcmp(ms, f->method))
      continue;
    if(f->prefix && strncmp(ps, f->prefix, strlen(f->prefix)))
      continue;
    if(f->body_has && (!bs || !strstr(bs, f->body_has)))
      continue;
    if(f->header &&
       strcmp(th_entry_header(en, f->header), f->header_value ? f->header_value : ""))
      continue;
    n++;
  }
  json_object_put(j);
  return n;
}

int64_t
th_sim_stat(struct th_env *e, const char *key)
{
  struct json_object *j = NULL;
  struct json_object *v;
  int64_t r = -1;

  if(th_sim_control(e, "GET", "/_sim/stats", NULL, &j) == 200 && j &&
     json_object_object_get_ex(j, key, &v))
    r = json_object_get_int64(v);
  json_object_put(j);
  return r;
}

int64_t
th_orders_count(struct th_env *e)
{
  int64_t n = -1;

  if(hs_orders_count(e->host, e->company, NULL, &n))
    return -1;
  return n;
}
