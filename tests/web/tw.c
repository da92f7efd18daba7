/*
 * tw.c -- fixture of the web Toolbox tests (see tw.h): the in-memory
 * plugin wplug (with product properties and a Ready check), the store,
 * the server and a libcurl browser.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "tw.h"

/* mkdtemp(3) template suffix: six placeholder characters. */
#define MKTEMP_SUFFIX "XX" "XX" "XX"

/* ---- the plugin ---- */

static pthread_mutex_t tw_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tw_cv = PTHREAD_COND_INITIALIZER;
static int tw_entered, tw_released;

struct tw_inst {
  const struct bmc_host_api *host;
  void *ctx;
};

static const struct bmc_setting tw_settings[] = {
  {"api_key", BMC_SET_STRING, NULL, 0, 64,
   BMC_SETTING_REQUIRED | BMC_SETTING_SECRET, NULL, "API key"},
  {"batch_size", BMC_SET_INT, "10", 1, 1000, 0, NULL, "Items per batch"},
  {"mode", BMC_SET_ENUM, "safe", 0, 0, 0, "safe|fast", "Processing mode"},
  {"sync", BMC_SET_BOOL, "false", 0, 0, 0, NULL, "Sync every 5 minutes"},
};

static const struct bmc_action tw_actions[] = {
  {"echo", "Echo", 0, BMC_ACTION_MANUAL, NULL},
  {"block", "Long Import", 0, BMC_ACTION_MANUAL, NULL},
  {"sync", "Sync", 300, BMC_ACTION_SCHEDULED, "sync"},
  {"check", "Ready Check", 0, BMC_ACTION_MANUAL | BMC_ACTION_SKUS, NULL},
};

/* The product page draws these from the declaration: panels, labels, a
 * per-market price, the Ready verdict with its reasons per market. */
static const struct bmc_property tw_props[] = {
  {"wlisted", BMC_SET_BOOL, "WebListed", "Listed", "General", "false", 0, 0,
   0, NULL, BMC_PROP_LISTS | BMC_PROP_PER_MARKET, "Offered on the channel"},
  {"wready", BMC_SET_ENUM, NULL, "Ready", "General", NULL, 0, 0, 0, "Yes|No",
   BMC_PROP_PLUGIN_OWNED | BMC_PROP_PER_MARKET | BMC_PROP_READY,
   "Can be posted"},
  {"wready_why", BMC_SET_STRING, NULL, "Ready: why not", "General", NULL, 0,
   500, 0, NULL,
   BMC_PROP_PLUGIN_OWNED | BMC_PROP_PER_MARKET | BMC_PROP_READY_REASONS,
   "What is missing"},
  {"wnote", BMC_SET_STRING, "WebNote", "Note", "General", NULL, 0, 200, 0,
   NULL, BMC_PROP_MULTILINE, "Free text"},
  {"wprice", BMC_SET_DECIMAL, "WebPrice", "Web Price", "Pricing", NULL, 0,
   1000000, 2, NULL, BMC_PROP_PER_MARKET, "Price per market"},
};

/* "check": No for market uk (no price there), Yes for us and overall. */
static int
tw_check(void *ud, const struct bmc_product *p)
{
  struct tw_inst *ti = ud;
  int rc;

  rc = ti->host->product_set(ti->ctx, p->sku, "wready", "", "No");
  if(!rc)
    rc = ti->host->product_set(ti->ctx, p->sku, "wready_why", "",
                               "uk: no <price>; us: fine");
  if(!rc)
    rc = ti->host->product_set(ti->ctx, p->sku, "wready", "uk", "No");
  if(!rc)
    rc = ti->host->product_set(ti->ctx, p->sku, "wready_why", "uk",
                               "no <price>");
  if(!rc)
    rc = ti->host->product_set(ti->ctx, p->sku, "wready", "us", "Yes");
  return rc;
}

static int
tw_create(const struct bmc_host_api *host, void *ctx, void **inst,
          char *errbuf, size_t errlen)
{
  struct tw_inst *ti = calloc(1, sizeof(*ti));

  (void)errbuf;
  (void)errlen;
  if(!ti)
    return BMC_ERR_NOMEM;
  ti->host = host;
  ti->ctx = ctx;
  *inst = ti;
  return BMC_OK;
}

static int
tw_run(void *inst, const char *action, const char *const *items,
       size_t n_items, char *errbuf, size_t errlen)
{
  struct tw_inst *ti = inst;
  size_t i;
  int rc = BMC_OK;

  if(strcmp(action, "check") == 0) {
    /* An item "FAIL-..." fails (an error-queue entry to retry). */
    for(i = 0; !rc && i < n_items; i++)
      if(strncmp(items[i], "FAIL-", 5) == 0)
        ti->host->item_error(ti->ctx, items[i], "demo_fail",
                             "cannot be checked");
      else
        rc = ti->host->product_get(ti->ctx, items[i], tw_check, ti);
    return n_items ? rc : ti->host->catalog_each(ti->ctx, 0, tw_check, ti);
  }

  if(strcmp(action, "block") == 0) {
    ti->host->job_progress(ti->ctx, 1, 4);
    pthread_mutex_lock(&tw_mu);
    tw_entered = 1;
    pthread_cond_broadcast(&tw_cv);
    while(!tw_released)
      pthread_cond_wait(&tw_cv, &tw_mu);
    tw_released = 0;
    tw_entered = 0;
    pthread_mutex_unlock(&tw_mu);
    ti->host->job_progress(ti->ctx, 4, 4);
    ti->host->item_error(ti->ctx, "SKU-<i>", "demo_code",
                         "a <b>flagged</b> line");
    return BMC_OK;
  }
  if(strcmp(action, "echo") == 0) {
    ti->host->log(ti->ctx, BMC_LOG_INFO, "echo ran");
    return BMC_OK;
  }
  snprintf(errbuf, errlen, "wplug: no action %s", action);
  return BMC_ERR_INVALID_ARG;
}

static void
tw_destroy(void *inst)
{
  free(inst);
}

static const char *
tw_strerror(int rc)
{
  return rc ? "error" : "ok";
}

static const struct bmc_plugin_api tw_plugin = {
  {BMC_ABI_MAGIC, sizeof(struct bmc_plugin_api), BMC_ABI_MAJOR,
   BMC_ABI_MINOR},
  TW_PLUGIN, "Web Test Channel", "1.0.0", tw_settings,
  sizeof(tw_settings) / sizeof(tw_settings[0]), tw_actions,
  sizeof(tw_actions) / sizeof(tw_actions[0]), tw_create, tw_run, tw_destroy,
  tw_strerror, tw_props, sizeof(tw_props) / sizeof(tw_props[0]), "us|uk"};

void
tw_order_xml(char *buf, size_t len, const char *id, const char *deadline)
{
  snprintf(buf, len, "<?xml version=\"1.0\"?>\n"
           "<order xmlns=\"urn:bmc:order:1\">"
           "<source_order_id>%s</source_order_id><channel>Web</channel>"
           "<marketplace>" TW_PLUGIN "</marketplace><status>InProcess"
           "</status><payment_status>FullyCharged</payment_status>"
           "<order_date>2026-01-01T00:00:00Z</order_date><currency>USD"
           "</currency><shipping_address><first_name>Ann</first_name>"
           "<last_name>Lee</last_name><street>1 Main St</street>"
           "<postal_code>10001</postal_code><city>New York</city><country>US"
           "</country></shipping_address><lines><line><line_id>L1</line_id>"
           "<sku>SKU-A</sku><quantity>1</quantity><line_total>449.00"
           "</line_total></line></lines><totals><subtotal>449.00</subtotal>"
           "<shipping>0.00</shipping><tax>0.00</tax><commission>0.00"
           "</commission><grand_total>449.00</grand_total></totals>%s%s%s"
           "</order>\n", id, deadline ? "<dispatch_deadline>" : "",
           deadline ? deadline : "", deadline ? "</dispatch_deadline>" : "");
}

int
tw_block_wait_entered(void)
{
  struct timespec until;
  int ok = 1;

  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += 10;
  pthread_mutex_lock(&tw_mu);
  while(!tw_entered && ok)
    ok = pthread_cond_timedwait(&tw_cv, &tw_mu, &until) == 0;
  ok = tw_entered;
  pthread_mutex_unlock(&tw_mu);
  return ok;
}

void
tw_block_release(void)
{
  pthread_mutex_lock(&tw_mu);
  tw_released = 1;
  pthread_cond_broadcast(&tw_cv);
  pthread_mutex_unlock(&tw_mu);
}

/* ---- store and server ---- */

static int
tw_open_host(const char *db, struct hs_host **out)
{
  struct hs_options o;
  char err[512];

  memset(&o, 0, sizeof(o));
  o.db_path = db;
  o.schema_dir = BMC_SCHEMA_DIR;
  o.virtual_clock = 1;
  o.virtual_start_ms = 1767225600000LL; /* 2026-01-01T00:00:00Z */
  if(hs_host_open(&o, out, err, sizeof(err)) ||
     hs_host_add_plugin_api(*out, &tw_plugin, "tests/web", err,
                            sizeof(err))) {
    fprintf(stderr, "tw: %s\n", err);
    hs_host_close(*out);
    *out = NULL;
    return -1;
  }
  return 0;
}

static int
tw_open_worker(void *ud, struct hs_host **out, char *err, size_t errlen)
{
  struct tw_env *e = ud;

  if(tw_open_host(e->db, out)) {
    snprintf(err, errlen, "cannot open %s", e->db);
    return BMC_ERR_INTERNAL;
  }
  return BMC_OK;
}

static int
tw_serve(struct tw_env *e)
{
  struct hw_opts o;
  char err[512];

  memset(&o, 0, sizeof(o));
  o.host = e->h;
  o.listen = "127.0.0.1:0";
  o.open_worker_host = tw_open_worker;
  o.open_ud = e;
  o.workers = 2;
  if(hw_start(&o, &e->srv, err, sizeof(err))) {
    fprintf(stderr, "tw: %s\n", err);
    return -1;
  }
  e->port = hw_port(e->srv);
  return 0;
}

int
tw_start(struct tw_env *e)
{
  char err[512];

  memset(e, 0, sizeof(*e));
  snprintf(e->dir, sizeof(e->dir), "%s/bmc-web-" MKTEMP_SUFFIX,
           getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  if(!mkdtemp(e->dir))
    return -1;
  snprintf(e->db, sizeof(e->db), "%s/host.db", e->dir);
  if(tw_open_host(e->db, &e->h) || hs_company_add(e->h, TW_COMPANY, NULL) ||
     hs_company_plugin_enable(e->h, TW_COMPANY, TW_PLUGIN, 1, err,
                              sizeof(err)) ||
     hs_user_add(e->h, "admin", HS_ROLE_ADMIN, TW_ADMIN_PW, err,
                 sizeof(err)) ||
     hs_user_add(e->h, "viewer", HS_ROLE_VIEWER, TW_VIEWER_PW, err,
                 sizeof(err)))
    return -1;
  return tw_serve(e);
}

int
tw_restart(struct tw_env *e)
{
  hw_stop(e->srv);
  e->srv = NULL;
  return tw_serve(e);
}

void
tw_stop(struct tw_env *e)
{
  char cmd[400];

  hw_stop(e->srv);
  hs_host_close(e->h);
  if(e->dir[0]) {
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
    if(system(cmd) != 0)
      fprintf(stderr, "tw: cannot remove %s\n", e->dir);
  }
  memset(e, 0, sizeof(*e));
}

/* ---- the browser ---- */

static size_t
tw_body_cb(char *p, size_t sz, size_t n, void *ud)
{
  struct tw_resp *r = ud;
  size_t len = r->body ? strlen(r->body) : 0, add = sz * n;
  char *nb = realloc(r->body, len + add + 1);

  if(!nb)
    return 0;
  memcpy(nb + len, p, add);
  nb[len + add] = '\0';
  r->body = nb;
  return add;
}

static size_t
tw_head_cb(char *p, size_t sz, size_t n, void *ud)
{
  struct tw_resp *r = ud;
  size_t len = sz * n, k;
  char line[1024];

  snprintf(line, sizeof(line), "%.*s", (int)(len < 1023 ? len : 1023), p);
  for(k = strlen(line); k && (line[k - 1] == '\n' || line[k - 1] == '\r');)
    line[--k] = '\0';
  if(strncasecmp(line, "Location: ", 10) == 0)
    snprintf(r->location, sizeof(r->location), "%.500s", line + 10);
  if(strncasecmp(line, "Set-Cookie: ", 12) == 0) {
    size_t used = strlen(r->cookies);

    snprintf(r->cookies + used, sizeof(r->cookies) - used, "%s\n",
             line + 12);
  }
  return len;
}

int
tw_browser_open(struct tw_browser *b)
{
  CURL *c = curl_easy_init();

  b->curl = c;
  if(!c)
    return -1;
  curl_easy_setopt(c, CURLOPT_COOKIEFILE, "");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 20000L);
  return 0;
}

void
tw_browser_close(struct tw_browser *b)
{
  if(b->curl)
    curl_easy_cleanup(b->curl);
  b->curl = NULL;
}

static long
tw_do(struct tw_env *e, struct tw_browser *b, const char *path,
      const char *body, struct tw_resp *r)
{
  CURL *c = b->curl;
  char url[2048];

  memset(r, 0, sizeof(*r));
  snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", (unsigned)e->port,
           path);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, tw_body_cb);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, tw_head_cb);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
  if(body) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
  }
  else {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  }
  if(curl_easy_perform(c) != CURLE_OK)
    return r->status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
  if(!r->body)
    r->body = calloc(1, 1);
  return r->status;
}

long
tw_get(struct tw_env *e, struct tw_browser *b, const char *path,
       struct tw_resp *r)
{
  return tw_do(e, b, path, NULL, r);
}

long
tw_post(struct tw_env *e, struct tw_browser *b, const char *path,
        const char *body, struct tw_resp *r)
{
  return tw_do(e, b, path, body, r);
}

void
tw_resp_free(struct tw_resp *r)
{
  free(r->body);
  r->body = NULL;
}

int
tw_start_logged_in(struct tw_env *e, struct tw_browser *admin,
                   struct tw_browser *viewer)
{
  if(curl_global_init(CURL_GLOBAL_ALL) || tw_start(e) ||
     tw_browser_open(admin) || tw_browser_open(viewer) ||
     tw_login(e, admin, "admin", TW_ADMIN_PW) != 303 ||
     tw_login(e, viewer, "viewer", TW_VIEWER_PW) != 303)
    return -1;
  return 0;
}

void
tw_close_logged_in(struct tw_env *e, struct tw_browser *admin,
                   struct tw_browser *viewer)
{
  tw_browser_close(admin);
  tw_browser_close(viewer);
  tw_stop(e);
  curl_global_cleanup();
}

int
tw_has(const struct tw_resp *r, const char *s)
{
  return r->body && strstr(r->body, s) != NULL;
}

static const char *
tw_hidden(const struct tw_resp *r, const char *name)
{
  static char v[256];
  char pat[64];
  const char *p;
  size_t n = 0;

  v[0] = '\0';
  snprintf(pat, sizeof(pat), "name=\"%s\" value=\"", name);
  p = r->body ? strstr(r->body, pat) : NULL;
  if(!p)
    return v;
  p += strlen(pat);
  while(p[n] && p[n] != '"' && n + 1 < sizeof(v)) {
    v[n] = p[n];
    n++;
  }
  v[n] = '\0';
  return v;
}

const char *
tw_csrf(const struct tw_resp *r)
{
  return tw_hidden(r, "csrf");
}

long
tw_login(struct tw_env *e, struct tw_browser *b, const char *user,
         const char *pw)
{
  struct tw_resp r;
  char body[512], lt[64];
  long st;

  tw_get(e, b, "/login", &r);
  snprintf(lt, sizeof(lt), "%s", tw_hidden(&r, "lt"));
  tw_resp_free(&r);
  snprintf(body, sizeof(body), "lt=%s&user=%s&password=%s", lt, user, pw);
  st = tw_post(e, b, "/login", body, &r);
  tw_resp_free(&r);
  return st;
}

const char *
tw_csrf_of(struct tw_env *e, struct tw_browser *b)
{
  static char tok[128];
  struct tw_resp r;

  tw_get(e, b, "/", &r);
  snprintf(tok, sizeof(tok), "%s", tw_csrf(&r));
  tw_resp_free(&r);
  return tok;
}
