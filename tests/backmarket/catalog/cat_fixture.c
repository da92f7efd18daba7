/*
 * cat_fixture.c -- the catalog tests' host + marketplace fixture (see
 * cat_fixture.h).  Start/stop, settings, actions, the control API, the
 * request log, job logs and the error queue go through the shared harness
 * (th_env); only the catalog-specific helpers (sim listings, products,
 * plugin properties) are implemented here.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cat_fixture.h"

int
cat_fx_start(struct cat_fx *f, int quotas, const char *markets)
{
  return cat_fx_start_on(f, quotas, markets, "eu");
}

static int cat_fx_start_in(struct cat_fx *f, int quotas,
                           const char *markets, const char *platform,
                           int in_memory);

int
cat_fx_start_on(struct cat_fx *f, int quotas, const char *markets,
                const char *platform)
{
  return cat_fx_start_in(f, quotas, markets, platform, 1);
}

int
cat_fx_start_file(struct cat_fx *f, int quotas, const char *markets)
{
  return cat_fx_start_in(f, quotas, markets, "eu", 0);
}

static int
cat_fx_start_in(struct cat_fx *f, int quotas, const char *markets,
                const char *platform, int in_memory)
{
  const char *settings[] = {
    "platform", platform,
    "markets", markets,
    "company_name", "Acme",
    "contact_email", "ops@acme.test",
    "eligibility_rules_file", BMC_SCHEMA_DIR "/eligibility-rules.cfg",
    NULL
  };
  struct th_env_opts o;
  char err[512];

  memset(f, 0, sizeof(*f));
  memset(&o, 0, sizeof(o));
  o.plugin = CAT_PLUGIN;
  o.company = CAT_COMPANY;
  o.quotas = quotas;
  o.token = CAT_TOKEN;
  o.platform = platform;
  o.settings = settings;
  o.in_memory = in_memory;
  o.only_plugin = 1;
  err[0] = '\0';
  if(th_env_start(&f->env, &o, err, sizeof(err))) {
    fprintf(stderr, "cat_fx: %s\n", err);
    return -1;
  }
  f->h = f->env.host;
  f->sim = f->env.sim;
  f->base_url = f->env.base_url;
  return cat_sim(f, "POST", "/_sim/config", "{\"task_delay_ms\": 2000}",
                 NULL) == 200 ? 0 : -1;
}

void
cat_fx_stop(struct cat_fx *f)
{
  th_env_stop(&f->env);
  memset(f, 0, sizeof(*f));
}

int
cat_set(struct cat_fx *f, const char *key, const char *value)
{
  return th_set(&f->env, key, value);
}

int
cat_run(struct cat_fx *f, const char *action, int64_t *job_id)
{
  return th_run(&f->env, action, job_id);
}

int
cat_sim(struct cat_fx *f, const char *method, const char *path,
        const char *body, struct json_object **out)
{
  struct json_object *j = NULL;
  int st = th_sim_control(&f->env, method, path, body, &j);

  if(st >= 400)
    fprintf(stderr, "sim %s %s -> %d %s\n", method, path, st,
            j ? json_object_to_json_string(j) : "");
  if(out)
    *out = j;
  else
    json_object_put(j);
  return st;
}

int
cat_simf(struct cat_fx *f, const char *method, const char *path,
         const char *fmt, ...)
{
  char *body = NULL;
  va_list ap;
  int n, st;

  va_start(ap, fmt);
  n = vasprintf(&body, fmt, ap);
  va_end(ap);
  if(n < 0)
    return -1;
  st = cat_sim(f, method, path, body, NULL);
  free(body);
  return st;
}

int
cat_listing(struct cat_fx *f, const char *sku, int64_t qty,
            const char *market, const char *price, char *uuid)
{
  struct json_object *o = NULL, *v;
  char body[1024];
  int st;

  if(market && price)
    snprintf(body, sizeof(body), "{\"merchant_id\": %d, \"sku\": \"%s\", "
             "\"quantity\": %lld, \"markets\": {\"%s\": {\"price\": \"%s\"}}}",
             TH_MERCHANT_ID, sku, (long long)qty, market, price);
  else
    snprintf(body, sizeof(body), "{\"merchant_id\": %d, \"sku\": \"%s\", "
             "\"quantity\": %lld}", TH_MERCHANT_ID, sku, (long long)qty);
  st = cat_sim(f, "POST", "/_sim/listings", body, &o);
  if(uuid) {
    uuid[0] = '\0';
    if(o && json_object_object_get_ex(o, "id", &v))
      snprintf(uuid, 37, "%s", json_object_get_string(v));
  }
  json_object_put(o);
  return st == 201 ? 0 : -1;
}

int64_t
cat_sim_qty(struct cat_fx *f, const char *sku)
{
  struct json_object *o = NULL, *v;
  char path[256];
  int64_t q = -1;

  snprintf(path, sizeof(path), "/_sim/listings/%s", sku);
  if(cat_sim(f, "GET", path, NULL, &o) == 200 && o &&
     json_object_object_get_ex(o, "quantity", &v))
    q = json_object_get_int64(v);
  json_object_put(o);
  return q;
}

const char *
cat_sim_market(struct cat_fx *f, const char *sku, const char *market,
               const char *field)
{
  static char buf[600];
  struct json_object *o = NULL, *ms, *m, *v;
  char path[256];

  buf[0] = '\0';
  snprintf(path, sizeof(path), "/_sim/listings/%s", sku);
  if(cat_sim(f, "GET", path, NULL, &o) == 200 && o &&
     json_object_object_get_ex(o, "markets", &ms) &&
     json_object_object_get_ex(ms, market, &m) &&
     json_object_object_get_ex(m, field, &v) && v)
    snprintf(buf, sizeof(buf), "%s", json_object_get_string(v));
  json_object_put(o);
  return buf;
}

int64_t
cat_log_seq(struct cat_fx *f)
{
  int64_t seq = th_sim_log_seq(&f->env);

  return seq < 0 ? 0 : seq;
}

int
cat_log_count(struct cat_fx *f, int64_t seq, const char *prefix,
              const char *body_has, const char *lang)
{
  struct th_log_filter q;
  const char *sp = strchr(prefix, ' ');
  char method[16];

  memset(&q, 0, sizeof(q));
  if(*prefix) {
    /* "METHOD" or "METHOD path-prefix" */
    snprintf(method, sizeof(method), "%.*s",
             (int)(sp ? (size_t)(sp - prefix) : strlen(prefix)), prefix);
    q.method = method;
    q.prefix = sp ? sp + 1 : NULL;
  }
  q.body_has = body_has;
  if(lang) {
    q.header = "accept-language";
    q.header_value = lang;
  }
  return th_sim_log_count_f(&f->env, seq, &q);
}

int64_t
cat_sim_429(struct cat_fx *f)
{
  return th_sim_stat(&f->env, "status_429");
}

int
cat_product(struct cat_fx *f, const char *sku, int64_t qty,
            const char *listing_id, const char *price)
{
  struct hs_product p;
  char err[256];
  int rc;

  hs_product_init(&p);
  p.sku = sku;
  p.available_qty = qty;
  rc = hs_product_upsert(f->h, CAT_COMPANY, &p, NULL, err, sizeof(err));
  if(rc) {
    fprintf(stderr, "product %s: %s\n", sku, err);
    return rc;
  }
  rc = cat_pset(f, sku, "enabled", NULL, "true");
  if(!rc && price)
    rc = cat_pset(f, sku, "price", NULL, price);
  if(!rc && listing_id)
    rc = cat_listing_id(f, sku, listing_id);
  return rc;
}

int
cat_pset(struct cat_fx *f, const char *sku, const char *key,
         const char *market, const char *value)
{
  char err[512];
  int rc = hs_product_prop_set(f->h, CAT_COMPANY, CAT_PLUGIN, sku, key,
                               market, value, err, sizeof(err));

  if(rc)
    fprintf(stderr, "product %s %s: %s\n", sku, key, err);
  return rc;
}

int
cat_listing_id(struct cat_fx *f, const char *sku, const char *listing_id)
{
  const struct bmc_host_api *api;
  void *ctx;
  int rc;

  rc = hs_host_services(f->h, CAT_COMPANY, CAT_PLUGIN, &api, &ctx);
  return rc ? rc : api->product_set(ctx, sku, "bm_listing_id", NULL,
                                    listing_id);
}

const char *
cat_prop_m(struct cat_fx *f, const char *sku, const char *key,
           const char *market)
{
  static char buf[2048];

  if(hs_product_prop_get_market(f->h, CAT_COMPANY, CAT_PLUGIN, sku, key,
                                market ? market : "", buf, sizeof(buf)))
    buf[0] = '\0';
  return buf;
}

const char *
cat_prop(struct cat_fx *f, const char *sku, const char *key)
{
  return cat_prop_m(f, sku, key, NULL);
}

int
cat_job_log_has(struct cat_fx *f, int64_t job_id, const char *needle)
{
  return th_job_log_count(&f->env, job_id, needle) > 0;
}

int
cat_item_errors(struct cat_fx *f, const char *sku, const char *code,
                const char *needle)
{
  return th_errors_count(&f->env, code, sku, needle);
}

int
cat_creation_product(struct cat_fx *f, const char *sku,
                     const char *product_id, const char *ean)
{
  struct hs_product p;
  char err[200];
  int rc;

  hs_product_init(&p);
  p.sku = sku;
  p.title = "iPhone 12 64GB Black";
  p.description = "Unlocked, fully tested";
  p.ean = ean;
  p.image_url = "https://img.example.com/ip12.jpg";
  p.weight_lbs = "0.4";
  p.available_qty = 4;
  p.device_type = "phone";
  rc = hs_product_upsert(f->h, CAT_COMPANY, &p, NULL, err, sizeof(err));
  if(rc)
    return rc;
  if(cat_pset(f, sku, "enabled", NULL, "true") ||
     cat_pset(f, sku, "category", NULL, "smartphones") ||
     cat_pset(f, sku, "warranty_months", NULL, "12") ||
     cat_pset(f, sku, "grade", NULL, "1") ||
     cat_pset(f, sku, "bm_product_id", NULL, product_id) ||
     cat_pset(f, sku, "price", NULL, "299.00"))
    return -1;
  return 0;
}
