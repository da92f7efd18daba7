/*
 * cat_fixture.c -- the catalog tests' host + marketplace fixture (see
 * cat_fixture.h).  Both simulators share the host's virtual clock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cat_fixture.h"

#define CAT_START_MS INT64_C(1774180800000) /* 2026-03-22T12:00:00Z */

int
cat_sim(struct cat_fx *f, const char *method, const char *path,
        const char *body, struct json_object **out)
{
  char *resp = NULL;
  int status = 0;

  if(out)
    *out = NULL;
  if(mk_sim_control(f->sim, method, path, body, &status, &resp) != 0)
    return -1;
  if(out && resp)
    *out = json_tokener_parse(resp);
  if(status >= 400)
    fprintf(stderr, "sim %s %s -> %d %s\n", method, path, status,
            resp ? resp : "");
  free(resp);
  return status;
}

int
cat_simf(struct cat_fx *f, const char *method, const char *path,
         const char *fmt, ...)
{
  char body[4096];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(body, sizeof(body), fmt, ap);
  va_end(ap);
  return cat_sim(f, method, path, body, NULL);
}

int
cat_set(struct cat_fx *f, const char *key, const char *value)
{
  char err[256];
  int rc = hs_company_setting_set(f->h, CAT_COMPANY, CAT_PLUGIN, key, value,
                                  err, sizeof(err));

  if(rc)
    fprintf(stderr, "setting %s: %s\n", key, err);
  return rc;
}

int
cat_fx_start(struct cat_fx *f, int quotas, const char *markets)
{
  return cat_fx_start_on(f, quotas, markets, "eu");
}

int
cat_fx_start_on(struct cat_fx *f, int quotas, const char *markets,
                const char *platform)
{
  struct hs_options ho;
  struct mk_sim_opts so;
  char err[512], body[256];
  int rc;

  memset(f, 0, sizeof(*f));
  memset(&ho, 0, sizeof(ho));
  ho.db_path = ":memory:";
  ho.schema_dir = BMC_SCHEMA_DIR;
  ho.virtual_clock = 1;
  ho.virtual_start_ms = CAT_START_MS;
  if(hs_host_open(&ho, &f->h, err, sizeof(err)) ||
     hs_host_load_plugin(f->h, BMC_PLUGIN_DIR "/backmarket.so", err,
                         sizeof(err))) {
    fprintf(stderr, "host: %s\n", err);
    return -1;
  }
  memset(&so, 0, sizeof(so));
  so.quotas = quotas;
  so.now_ms = hs_clock_now_cb;
  so.now_ud = f->h;
  if(mk_sim_start(&so, &f->sim, err, sizeof(err))) {
    fprintf(stderr, "sim: %s\n", err);
    return -1;
  }
  snprintf(f->base_url, sizeof(f->base_url), "http://127.0.0.1:%u",
           (unsigned)mk_sim_port(f->sim));
  if(cat_sim(f, "POST", "/_sim/merchants",
             "{\"id\": 789, \"name\": \"Acme\", \"is_merchant\": true}",
             NULL) != 201 ||
     snprintf(body, sizeof(body), "{\"token\": \"" CAT_TOKEN "\", "
              "\"merchant_id\": 789, \"platform\": \"%s\"}", platform) < 0 ||
     cat_sim(f, "POST", "/_sim/tokens", body, NULL) != 201 ||
     cat_sim(f, "POST", "/_sim/config", "{\"task_delay_ms\": 2000}", NULL) !=
         200)
    return -1;
  rc = hs_company_add(f->h, CAT_COMPANY, NULL);
  if(!rc)
    rc = hs_company_plugin_enable(f->h, CAT_COMPANY, CAT_PLUGIN, 1, err,
                                  sizeof(err));
  if(rc) {
    fprintf(stderr, "company: %s\n", err);
    return -1;
  }
  if(cat_set(f, "token", CAT_TOKEN) || cat_set(f, "platform", platform) ||
     cat_set(f, "base_url", f->base_url) ||
     cat_set(f, "markets", markets) ||
     cat_set(f, "company_name", "Acme") ||
     cat_set(f, "contact_email", "ops@acme.test") ||
     cat_set(f, "eligibility_rules_file",
             BMC_SCHEMA_DIR "/eligibility-rules.cfg"))
    return -1;
  return 0;
}

void
cat_fx_stop(struct cat_fx *f)
{
  mk_sim_stop(f->sim);
  hs_host_close(f->h);
  memset(f, 0, sizeof(*f));
}

int
cat_run(struct cat_fx *f, const char *action, int64_t *job_id)
{
  char err[512];
  int status = -1;

  if(hs_run_action(f->h, CAT_COMPANY, CAT_PLUGIN, action, job_id, &status,
                   err, sizeof(err))) {
    fprintf(stderr, "run %s: %s\n", action, err);
    return -1;
  }
  return status;
}

int
cat_listing(struct cat_fx *f, const char *sku, int64_t qty,
            const char *market, const char *price, char *uuid)
{
  struct json_object *o = NULL, *v;
  char body[1024];
  int st;

  if(market && price)
    snprintf(body, sizeof(body), "{\"merchant_id\": 789, \"sku\": \"%s\", "
             "\"quantity\": %lld, \"markets\": {\"%s\": {\"price\": \"%s\"}}}",
             sku, (long long)qty, market, price);
  else
    snprintf(body, sizeof(body), "{\"merchant_id\": 789, \"sku\": \"%s\", "
             "\"quantity\": %lld}", sku, (long long)qty);
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

int64_t
cat_log_seq(struct cat_fx *f)
{
  struct json_object *o = NULL, *v;
  int64_t seq = 0;

  if(cat_sim(f, "GET", "/_sim/log?since=0", NULL, &o) == 200 && o &&
     json_object_object_get_ex(o, "last_seq", &v))
    seq = json_object_get_int64(v);
  json_object_put(o);
  return seq;
}

int
cat_log_count(struct cat_fx *f, int64_t seq, const char *prefix,
              const char *body_has, const char *lang)
{
  struct json_object *o = NULL, *entries, *e, *v, *hd;
  char path[64], line[512];
  size_t i;
  int n = 0;

  snprintf(path, sizeof(path), "/_sim/log?since=%lld", (long long)seq);
  if(cat_sim(f, "GET", path, NULL, &o) != 200 || !o ||
     !json_object_object_get_ex(o, "entries", &entries)) {
    json_object_put(o);
    return -1;
  }
  for(i = 0; i < json_object_array_length(entries); i++) {
    const char *body = "", *al = "";

    e = json_object_array_get_idx(entries, i);
    snprintf(line, sizeof(line), "%s %s",
             json_object_object_get_ex(e, "method", &v)
                 ? json_object_get_string(v) : "",
             json_object_object_get_ex(e, "path", &v)
                 ? json_object_get_string(v) : "");
    if(json_object_object_get_ex(e, "body", &v) && v)
      body = json_object_get_string(v);
    if(json_object_object_get_ex(e, "headers", &hd) &&
       json_object_object_get_ex(hd, "accept-language", &v) && v)
      al = json_object_get_string(v);
    if(strncmp(line, prefix, strlen(prefix)))
      continue;
    if(body_has && !strstr(body, body_has))
      continue;
    if(lang && strcmp(al, lang))
      continue;
    n++;
  }
  json_object_put(o);
  return n;
}

int64_t
cat_sim_429(struct cat_fx *f)
{
  struct json_object *o = NULL, *v;
  int64_t n = -1;

  if(cat_sim(f, "GET", "/_sim/stats", NULL, &o) == 200 && o &&
     json_object_object_get_ex(o, "status_429", &v))
    n = json_object_get_int64(v);
  json_object_put(o);
  return n;
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
  p.enabled = 1;
  p.available_qty = qty;
  p.price = price;
  rc = hs_product_upsert(f->h, CAT_COMPANY, &p, NULL, err, sizeof(err));
  if(rc) {
    fprintf(stderr, "product %s: %s\n", sku, err);
    return rc;
  }
  if(listing_id) {
    const struct bmc_host_api *api;
    void *ctx;

    rc = hs_host_services(f->h, CAT_COMPANY, CAT_PLUGIN, &api, &ctx);
    if(!rc)
      rc = api->product_set(ctx, sku, "bm_listing_id", listing_id);
  }
  return rc;
}

const char *
cat_prop(struct cat_fx *f, const char *sku, const char *key)
{
  static char buf[2048];

  if(hs_product_prop_get(f->h, CAT_COMPANY, CAT_PLUGIN, sku, key, buf,
                         sizeof(buf)))
    buf[0] = '\0';
  return buf;
}

struct cat_find {
  const char *sku, *code, *needle;
  int n;
};

static int
cat_line_cb(void *ud, const struct hs_job_line *l)
{
  struct cat_find *c = ud;

  if(strstr(l->text, c->needle))
    c->n++;
  return 0;
}

int
cat_job_log_has(struct cat_fx *f, int64_t job_id, const char *needle)
{
  struct cat_find c = {NULL, NULL, needle, 0};

  hs_job_log_each(f->h, job_id, cat_line_cb, &c);
  return c.n > 0;
}

static int
cat_err_cb(void *ud, const struct hs_item_error *e)
{
  struct cat_find *c = ud;

  if(strcmp(e->item, c->sku) || (c->code && strcmp(e->code, c->code)) ||
     (c->needle && !strstr(e->message, c->needle)))
    return 0;
  c->n++;
  return 0;
}

int
cat_item_errors(struct cat_fx *f, const char *sku, const char *code,
                const char *needle)
{
  struct cat_find c = {sku, code, needle, 0};

  hs_errors_each(f->h, CAT_COMPANY, CAT_PLUGIN, cat_err_cb, &c);
  return c.n;
}
