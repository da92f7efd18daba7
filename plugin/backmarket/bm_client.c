/*
 * bm_client.c -- owns the Back Market connection of one instance: settings
 * access, the token form check, the HTTP client and request budgets built
 * from the settings (shared by the order and catalog sides), the
 * secret-masking logger, and the JSON call helper with Back Market error
 * reasons.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm_order_side.h"
#include "pc_budget.h"
#include "pc_gate.h"
#include "pc_host.h"
#include "pc_json.h"

/* Platform hosts (reference section 1.1). */
static const struct {
  const char *id;
  const char *url;
  const char *market;
} bm_platforms[] = {
  {"eu", "https://www.backmarket.fr", "fr-fr"},
  {"na", "https://www.backmarket.com", "en-us"},
  {"ap", "https://www.backmarket.co.jp", "ja-jp"},
};

/* Budget settings: key, window, default name in the state store. */
static const struct {
  const char *setting;
  const char *name;
  int64_t window_ms;
  int64_t dflt;
} bm_budget_defs[BM_BUDGET_COUNT] = {
  [BM_BUDGET_OVERALL] = {"budget_requests_per_10s", "overall", 10000, 180},
  [BM_BUDGET_CATALOG] = {"budget_catalog_per_10s", "catalog", 10000, 18},
  [BM_BUDGET_BACKBOX] = {"budget_backbox_per_s", "backbox", 1000, 2},
  [BM_BUDGET_SKU_LINES] = {"budget_sku_lines_per_h", "sku_lines", 3600000,
                           2000},
};

struct bm_order_side *
bm_side(struct bm_inst *bi)
{
  if(!bi->orders)
    bi->orders = calloc(1, sizeof(*bi->orders));
  return bi->orders;
}

void
bm_order_side_free(struct bm_inst *bi)
{
  size_t i;

  if(!bi || !bi->orders)
    return;
  /* the client borrows the overall budget: detach it first */
  pc_http_set_budget(bi->http, NULL);
  for(i = 0; i < BM_BUDGET_COUNT; i++)
    pc_budget_free(bi->orders->budgets[i]);
  pc_secrets_clear(&bi->orders->secrets);
  free(bi->orders);
  bi->orders = NULL;
}

int
bm_setting(struct bm_inst *bi, const char *key, char *buf, size_t len)
{
  int rc = bi->host->setting_get(bi->hctx, key, buf, len);

  if(rc == BMC_ERR_NOT_FOUND) {
    buf[0] = '\0';
    return BMC_OK;
  }
  if(rc)
    buf[0] = '\0';
  return rc;
}

int64_t
bm_setting_int(struct bm_inst *bi, const char *key, int64_t dflt)
{
  char buf[32];
  char *end;
  long long v;

  if(bm_setting(bi, key, buf, sizeof(buf)) || !buf[0])
    return dflt;
  v = strtoll(buf, &end, 10);
  if(end == buf || *end)
    return dflt;
  return v;
}

int
bm_setting_bool(struct bm_inst *bi, const char *key)
{
  char buf[16];

  if(bm_setting(bi, key, buf, sizeof(buf)))
    return 0;
  return !strcmp(buf, "true") || !strcmp(buf, "1") || !strcmp(buf, "yes");
}

int
bm_token_form(const char *t, char *why, size_t whylen)
{
  size_t n;
  size_t i;

  if(!t || !*t) {
    snprintf(why, whylen, "the Authentication Token is empty: paste the "
             "token from Back Market (Options > Integrations)");
    return BMC_ERR_CONFIG;
  }
  n = strlen(t);
  if(t[0] == ' ' || t[0] == '\t') {
    snprintf(why, whylen, "the Authentication Token starts with a space: "
             "paste it again without leading spaces");
    return BMC_ERR_CONFIG;
  }
  if(t[n - 1] == ' ' || t[n - 1] == '\t') {
    snprintf(why, whylen, "the Authentication Token ends with a space: "
             "paste it again without trailing spaces");
    return BMC_ERR_CONFIG;
  }
  if(strchr(t, '\n') || strchr(t, '\r')) {
    snprintf(why, whylen, "the Authentication Token contains a line break: "
             "paste it again as one line");
    return BMC_ERR_CONFIG;
  }
  if(!strncmp(t, "Basic ", 6) || !strncmp(t, "basic ", 6)) {
    snprintf(why, whylen, "the Authentication Token starts with \"Basic \": "
             "paste only the token; the connector adds the prefix");
    return BMC_ERR_CONFIG;
  }
  for(i = 0; i < n; i++) {
    char c = t[i];
    if(!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=' ||
         c == '-' || c == '_' || c == '.' || c == ':')) {
      snprintf(why, whylen, "the Authentication Token has a character at "
               "position %zu that Back Market tokens never contain (%s); "
               "copy it again from the Back Office", i + 1,
               c == ' ' ? "a space" : "not a letter, digit or + / = - _ . :");
      return BMC_ERR_CONFIG;
    }
  }
  if(n < 16) {
    snprintf(why, whylen, "the Authentication Token is %zu characters "
             "long; Back Market tokens are much longer (16 or more): it "
             "was probably cut when copied", n);
    return BMC_ERR_CONFIG;
  }
  return BMC_OK;
}

void
bm_log(struct bm_inst *bi, enum bmc_log_level level, const char *fmt, ...)
{
  char line[2048];
  char clean[2048];
  va_list ap;

  va_start(ap, fmt);
  if(vsnprintf(line, sizeof(line), fmt, ap) < 0)
    line[0] = '\0';
  va_end(ap);
  pc_redact(bi->orders ? &bi->orders->secrets : NULL, line, clean,
            sizeof(clean));
  bi->host->log(bi->hctx, level, "%s", clean);
}

const char *
bm_default_market(struct bm_inst *bi)
{
  return bi->orders && bi->orders->market[0] ? bi->orders->market : "fr-fr";
}

struct pc_budget *
bm_budget(struct bm_inst *bi, enum bm_budget_id id)
{
  if(!bi || !bi->orders || id < 0 || id >= BM_BUDGET_COUNT)
    return NULL;
  return bi->orders->budgets[id];
}

void
bm_budget_mark(struct bm_inst *bi, struct bm_budget_mark *m)
{
  struct pc_budget_stats st;
  size_t i;

  for(i = 0; i < BM_BUDGET_COUNT; i++) {
    m->b[i] = bm_budget(bi, (enum bm_budget_id)i);
    m->taken[i] = 0;
    if(m->b[i]) {
      pc_budget_get_stats(m->b[i], &st);
      m->taken[i] = st.taken;
    }
  }
}

void
bm_budget_report(struct bm_inst *bi, const struct bm_budget_mark *m)
{
  struct pc_budget_stats st;
  char name[64];
  int64_t used;
  size_t i;

  for(i = 0; i < BM_BUDGET_COUNT; i++) {
    const struct pc_budget *b = bm_budget(bi, (enum bm_budget_id)i);

    if(!b)
      continue;
    pc_budget_get_stats(b, &st);
    /* a budget rebuilt during the run (settings changed) counts from 0 */
    used = st.taken - (b == m->b[i] ? m->taken[i] : 0);
    if(used <= 0)
      continue;
    snprintf(name, sizeof(name), "budget_%s", bm_budget_defs[i].name);
    if(pc_metric(bi->host, bi->hctx, "", name, (double)used))
      bm_log(bi, BMC_LOG_WARN, "the host refused the %s metric", name);
  }
}

/* User-Agent "BM-{Company}-Connector;{email}" with the company reduced to
 * letters and digits so the form always matches. */
static void
bm_user_agent(struct bm_inst *bi, char *ua, size_t len)
{
  char company[64];
  char email[128];
  char clean[64];
  size_t i;
  size_t o = 0;

  if(bm_setting(bi, "company_name", company, sizeof(company)))
    company[0] = '\0';
  if(bm_setting(bi, "contact_email", email, sizeof(email)))
    email[0] = '\0';
  for(i = 0; company[i] && o + 1 < sizeof(clean); i++) {
    char c = company[i];
    if((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
       (c >= '0' && c <= '9'))
      clean[o++] = c;
  }
  clean[o] = '\0';
  snprintf(ua, len, "BM-%s-Connector;%s", o ? clean : "Seller",
           email[0] ? email : "ops@example.com");
}

/* FNV-1a over the settings the connection is built from, so a changed
 * token or URL takes effect on the next action without a restart. */
static void
bm_fp_add(uint64_t *h, const char *s)
{
  for(; *s; s++) {
    *h ^= (unsigned char)*s;
    *h *= 1099511628211ull;
  }
  *h ^= 0xff;
  *h *= 1099511628211ull;
}

static uint64_t
bm_settings_fp(struct bm_inst *bi, const char *const *keys)
{
  uint64_t h = 1469598103934665603ull;
  char v[600];

  for(; *keys; keys++) {
    if(bm_setting(bi, *keys, v, sizeof(v)))
      v[0] = '\0';
    bm_fp_add(&h, v);
  }
  explicit_bzero(v, sizeof(v)); /* it held the token */
  return h;
}

static const char *const bm_conn_keys[] = {
  "token", "platform", "base_url", "markets", "company_name",
  "contact_email", "http_timeout_ms", "http_max_attempts", NULL};
static const char *const bm_budget_keys[] = {
  "budget_requests_per_10s", "budget_catalog_per_10s",
  "budget_backbox_per_s", "budget_sku_lines_per_h", NULL};

static int
bm_client_build(struct bm_inst *bi, struct bm_order_side *s, char *errbuf,
                size_t errlen)
{
  struct pc_http_conf conf;
  char token[600];
  char platform[8];
  char markets[256];
  char ua[256];
  char auth[620];
  char why[256];
  size_t i;
  int rc;

  rc = bm_setting(bi, "token", token, sizeof(token));
  if(rc) {
    snprintf(errbuf, errlen, "the Authentication Token setting is too "
             "long (at most 512 characters)");
    return BMC_ERR_CONFIG;
  }
  if(bm_token_form(token, why, sizeof(why))) {
    snprintf(errbuf, errlen, "%s", why);
    explicit_bzero(token, sizeof(token));
    return BMC_ERR_CONFIG;
  }
  snprintf(auth, sizeof(auth), "Basic %s", token);
  if(pc_secrets_add(&s->secrets, token) || pc_secrets_add(&s->secrets, auth)) {
    explicit_bzero(token, sizeof(token));
    explicit_bzero(auth, sizeof(auth));
    snprintf(errbuf, errlen, "out of memory");
    return BMC_ERR_NOMEM;
  }
  explicit_bzero(token, sizeof(token));
  if(bm_setting(bi, "platform", platform, sizeof(platform)) || !platform[0])
    snprintf(platform, sizeof(platform), "eu");
  if(bm_setting(bi, "base_url", s->base_url, sizeof(s->base_url)))
    s->base_url[0] = '\0';
  if(bm_setting(bi, "markets", markets, sizeof(markets)))
    markets[0] = '\0';
  s->market[0] = '\0';
  for(i = 0; i < sizeof(bm_platforms) / sizeof(bm_platforms[0]); i++) {
    if(strcmp(platform, bm_platforms[i].id))
      continue;
    if(!s->base_url[0])
      snprintf(s->base_url, sizeof(s->base_url), "%s", bm_platforms[i].url);
    snprintf(s->market, sizeof(s->market), "%s", bm_platforms[i].market);
  }
  if(!s->base_url[0] || !s->market[0]) {
    explicit_bzero(auth, sizeof(auth));
    snprintf(errbuf, errlen, "setting platform: unknown platform \"%.8s\" "
             "(expected eu, na or ap)", platform);
    return BMC_ERR_CONFIG;
  }
  if(markets[0]) {
    size_t n = strcspn(markets, ", ");
    if(n >= 2 && n < sizeof(s->market)) {
      memcpy(s->market, markets, n);
      s->market[n] = '\0';
    }
  }
  bm_user_agent(bi, ua, sizeof(ua));
  memset(&conf, 0, sizeof(conf));
  conf.base_url = s->base_url;
  conf.base_url_setting = "base_url";
  conf.user_agent = ua;
  conf.user_agent_setting = "contact_email";
  conf.accept_language_setting = "markets";
  conf.auth_setting = "token";
  conf.timeout_ms = (long)bm_setting_int(bi, "http_timeout_ms", 30000);
  conf.auth_header = "Authorization";
  conf.auth_value = auth;
  conf.accept_language = s->market;
  conf.max_attempts = (int)bm_setting_int(bi, "http_max_attempts", 5);
  rc = pc_http_create(&conf, bi->host, bi->hctx, &bi->http, why,
                      sizeof(why));
  explicit_bzero(auth, sizeof(auth));
  if(rc) {
    snprintf(errbuf, errlen, "connection settings: %s", why);
    return rc;
  }
  return BMC_OK;
}

static int
bm_budgets_build(struct bm_inst *bi, struct bm_order_side *s, char *errbuf,
                 size_t errlen)
{
  size_t i;
  int rc;

  for(i = 0; i < BM_BUDGET_COUNT; i++) {
    pc_budget_free(s->budgets[i]);
    s->budgets[i] = NULL;
    rc = pc_budget_open(bi->host, bi->hctx, bm_budget_defs[i].name,
                        bm_setting_int(bi, bm_budget_defs[i].setting,
                                       bm_budget_defs[i].dflt),
                        bm_budget_defs[i].window_ms, &s->budgets[i]);
    if(rc) {
      snprintf(errbuf, errlen, "request budget %s: %s",
               bm_budget_defs[i].name, rc == BMC_ERR_NOMEM
                                           ? "out of memory"
                                           : "invalid limit");
      return rc;
    }
  }
  return BMC_OK;
}

int
bm_client_ready(struct bm_inst *bi, char *errbuf, size_t errlen)
{
  struct bm_order_side *s;
  uint64_t cfp;
  uint64_t bfp;
  int rc;

  s = bm_side(bi);
  if(!s) {
    snprintf(errbuf, errlen, "out of memory");
    return BMC_ERR_NOMEM;
  }
  cfp = bm_settings_fp(bi, bm_conn_keys);
  bfp = bm_settings_fp(bi, bm_budget_keys);
  if(bi->http && cfp == s->conn_fp && bfp == s->budget_fp)
    return BMC_OK;
  if(!bi->http || cfp != s->conn_fp) {
    pc_http_free(bi->http);
    bi->http = NULL;
    pc_secrets_clear(&s->secrets);
    rc = bm_client_build(bi, s, errbuf, errlen);
    if(rc)
      return rc;
    s->conn_fp = cfp;
  }
  if(!s->budgets[0] || bfp != s->budget_fp) {
    pc_http_set_budget(bi->http, NULL);
    rc = bm_budgets_build(bi, s, errbuf, errlen);
    if(rc) {
      pc_http_free(bi->http);
      bi->http = NULL;
      return rc;
    }
    s->budget_fp = bfp;
  }
  pc_http_set_budget(bi->http, s->budgets[BM_BUDGET_OVERALL]);
  return BMC_OK;
}

void
bm_error_reason(const char *body, size_t len, char *why, size_t wl)
{
  struct json_object *j;
  struct json_object *e;
  const char *msg = NULL;
  const char *code = NULL;

  if(!wl)
    return;
  why[0] = '\0';
  if(!body || !len)
    return;
  j = pc_json_parse(body, len, NULL, 0);
  if(!j) {
    /* HTML (bot shield) or text: no reason to quote */
    return;
  }
  if(json_object_is_type(j, json_type_string)) {
    msg = pc_json_text(j);
  }
  else if(!pc_json_obj(j, "error", 0, &e, NULL, 0)) {
    if(pc_json_str(e, "message", 0, &msg, NULL, 0))
      msg = NULL;
    if(pc_json_str(e, "code", 0, &code, NULL, 0))
      code = NULL;
  }
  else if(!pc_json_arr(j, "errors", 0, &e, NULL, 0) &&
          json_object_array_length(e) > 0) {
    struct json_object *e0 = json_object_array_get_idx(e, 0);
    if(pc_json_str(e0, "message", 0, &msg, NULL, 0))
      msg = NULL;
    if(pc_json_str(e0, "code", 0, &code, NULL, 0))
      code = NULL;
  }
  else if(pc_json_str(j, "detail", 0, &msg, NULL, 0) &&
          pc_json_str(j, "title", 0, &msg, NULL, 0)) {
    msg = NULL;
  }
  if(msg && code)
    snprintf(why, wl, "%.200s (%.40s)", msg, code);
  else if(msg)
    snprintf(why, wl, "%.200s", msg);
  else if(code)
    snprintf(why, wl, "%.40s", code);
  json_object_put(j);
}

int
bm_call(struct bm_inst *bi, const char *method, const char *path,
        const char *body, struct json_object **out, long *status,
        char *why, size_t whylen)
{
  return bm_call_write(bi, method, path, body, NULL, 0, out, status, why,
                       whylen);
}

int
bm_call_write(struct bm_inst *bi, const char *method, const char *path,
              const char *body, const struct bmc_change *changes, size_t n,
              struct json_object **out, long *status, char *why,
              size_t whylen)
{
  struct pc_http_req req;
  struct pc_http_resp resp;
  char reason[256];
  int rc;

  if(out)
    *out = NULL;
  if(status)
    *status = 0;
  if(!bi->http) {
    rc = bm_client_ready(bi, why, whylen);
    if(rc)
      return rc;
  }
  memset(&req, 0, sizeof(req));
  req.method = method;
  req.target = path;
  req.body = body;
  rc = pc_gate_send(bi->http, bi->host, bi->hctx, &req, changes, n, &resp);
  if(status)
    *status = resp.status;
  if(rc == PC_GATE_DRY) {
    snprintf(why, whylen, "%s %.120s: not sent (dry run)", method, path);
    return rc;
  }
  if(rc) {
    bm_error_reason(resp.body, resp.len, reason, sizeof(reason));
    if(reason[0])
      snprintf(why, whylen, "%s %.120s: %s: %s", method, path, resp.error,
               reason);
    else
      snprintf(why, whylen, "%s %.120s: %s", method, path, resp.error);
    pc_redact_inplace(&bi->orders->secrets, why);
    pc_http_resp_clear(&resp);
    return rc;
  }
  if(out) {
    char perr[160];
    *out = pc_json_parse(resp.body ? resp.body : "", resp.len, perr,
                         sizeof(perr));
    if(!*out) {
      snprintf(why, whylen, "%s %.120s: Back Market sent %s", method, path,
               perr);
      pc_http_resp_clear(&resp);
      return BMC_ERR_PROTOCOL;
    }
  }
  pc_http_resp_clear(&resp);
  return BMC_OK;
}
