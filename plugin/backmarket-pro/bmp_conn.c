/*
 * bmp_conn.c -- the Back Market Pro plugin's connection: reading settings,
 * the HTTP client (x-api-key header, timeout, per-second budget), the
 * "Test Settings succeeded for this url + key" gate, and masked logging and
 * error-queue helpers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "bmp_check.h"
#include "bmp_contract.h"
#include "bmp_money.h"
#include "bmp_plugin.h"
#include "pc_budget.h"
#include "pc_http.h"
#include "pc_json.h"

static int
bmp_get(struct bmp_inst *bi, const char *key, char *buf, size_t buflen,
        int required, char *errbuf, size_t errlen)
{
  int rc = bi->host->setting_get(bi->hctx, key, buf, buflen);

  if(rc == BMC_ERR_NOT_FOUND && !required) {
    buf[0] = '\0';
    return BMC_OK;
  }
  if(rc == BMC_ERR_NOT_FOUND) {
    snprintf(errbuf, errlen, "setting %s is not set (Toolbox > Cart "
             "General)", key);
    return BMC_ERR_CONFIG;
  }
  if(rc != BMC_OK) {
    snprintf(errbuf, errlen, "setting %s could not be read (%s)", key,
             rc == BMC_ERR_TOO_SMALL ? "value too long" : "host error");
    return BMC_ERR_CONFIG;
  }
  return BMC_OK;
}

static int
bmp_get_int(struct bmp_inst *bi, const char *key, int64_t lo, int64_t hi,
            int64_t def, int64_t *out, char *errbuf, size_t errlen)
{
  char buf[32], *end = NULL;
  long long v;
  int rc = bmp_get(bi, key, buf, sizeof(buf), 0, errbuf, errlen);

  if(rc)
    return rc;
  if(!buf[0]) {
    *out = def;
    return BMC_OK;
  }
  v = strtoll(buf, &end, 10);
  if(!end || *end || v < lo || v > hi) {
    snprintf(errbuf, errlen, "setting %s must be a whole number from %lld "
             "to %lld", key, (long long)lo, (long long)hi);
    return BMC_ERR_CONFIG;
  }
  *out = v;
  return BMC_OK;
}

int
bmp_conf_load(struct bmp_inst *bi, char *errbuf, size_t errlen)
{
  struct bmp_conf *c = &bi->conf;
  char pct[40];
  int rc;

  explicit_bzero(c->key, sizeof(c->key));
  rc = bmp_get(bi, BMP_SET_URL, c->url, sizeof(c->url), 0, errbuf, errlen);
  if(rc)
    return rc;
  if(!c->url[0])
    snprintf(c->url, sizeof(c->url), "%s", BMP_DEFAULT_WEBSITE_URL);
  rc = bmp_get(bi, BMP_SET_KEY, c->key, sizeof(c->key), 1, errbuf, errlen);
  if(rc)
    return rc;
  pc_secrets_clear(&bi->secrets);
  if(pc_secrets_add(&bi->secrets, c->key) == BMC_ERR_NOMEM)
    return bmp_fail(bi, BMC_ERR_NOMEM, errbuf, errlen, "out of memory");
  rc = bmp_get(bi, BMP_SET_COMMISSION, pct, sizeof(pct), 0, errbuf, errlen);
  if(rc)
    return rc;
  if(bmp_pct_parse(pct, &c->pct_e4)) {
    snprintf(errbuf, errlen, "setting %s must be a percentage from 0 to "
             "100 with at most 4 decimals, e.g. 2.50", BMP_SET_COMMISSION);
    return BMC_ERR_CONFIG;
  }
  rc = bmp_get_int(bi, BMP_SET_OVERLAP, 0, 86400, 900, &c->overlap_s, errbuf,
                   errlen);
  if(!rc)
    rc = bmp_get_int(bi, BMP_SET_FIRST_DAYS, 1, 365, 30, &c->first_days,
                     errbuf, errlen);
  if(!rc)
    rc = bmp_get_int(bi, BMP_SET_TIMEOUT, 1000, 300000, 30000,
                     &c->timeout_ms, errbuf, errlen);
  if(!rc)
    rc = bmp_get_int(bi, BMP_SET_RATE, 0, 100, BMP_RATE_LIMIT, &c->rate,
                     errbuf, errlen);
  if(rc)
    return rc;
  return BMC_OK;
}

void
bmp_conn_free(struct bmp_inst *bi)
{
  if(!bi)
    return;
  if(bi->http)
    pc_http_set_budget(bi->http, NULL);
  pc_http_free(bi->http);
  bi->http = NULL;
  pc_budget_free(bi->budget);
  bi->budget = NULL;
  bi->http_fp[0] = '\0';
}

int
bmp_conn_ready(struct bmp_inst *bi, char *errbuf, size_t errlen)
{
  struct pc_http_conf hc;
  char fp[17], tag[400], msg[256];
  int rc;

  /* the client is rebuilt when the url, key, timeout or rate changed */
  snprintf(tag, sizeof(tag), "%s|%lld|%lld", bi->conf.url,
           (long long)bi->conf.timeout_ms, (long long)bi->conf.rate);
  if(bmp_fingerprint(tag, bi->conf.key, fp, sizeof(fp)))
    return bmp_fail(bi, BMC_ERR_INTERNAL, errbuf, errlen,
                    "could not fingerprint the settings");
  if(bi->http && !strcmp(fp, bi->http_fp))
    return BMC_OK;
  bmp_conn_free(bi);
  memset(&hc, 0, sizeof(hc));
  hc.base_url = bi->conf.url;
  hc.user_agent = "bmconnector-" BMP_PLUGIN_NAME "/" BMP_PLUGIN_VERSION;
  hc.timeout_ms = (long)bi->conf.timeout_ms;
  hc.auth_header = BMP_HDR_API_KEY;
  hc.auth_value = bi->conf.key;
  hc.base_url_setting = BMP_SET_URL;
  hc.auth_setting = BMP_SET_KEY;
  msg[0] = '\0';
  rc = pc_http_create(&hc, bi->host, bi->hctx, &bi->http, msg, sizeof(msg));
  if(rc != BMC_OK) {
    bi->http = NULL;
    return bmp_fail(bi, rc, errbuf, errlen, "HTTP client: %s", msg);
  }
  rc = pc_budget_open(bi->host, bi->hctx, "pro_requests", bi->conf.rate,
                      BMP_RATE_WINDOW_MS, &bi->budget);
  if(rc != BMC_OK) {
    bmp_conn_free(bi);
    return bmp_fail(bi, rc, errbuf, errlen, "request budget: %s",
                    rc == BMC_ERR_NOMEM ? "out of memory" : "cannot open");
  }
  pc_http_set_budget(bi->http, bi->budget);
  memcpy(bi->http_fp, fp, sizeof(fp));
  return BMC_OK;
}

int
bmp_gate(struct bmp_inst *bi, char *errbuf, size_t errlen)
{
  char want[17], have[32];
  size_t len = 0;
  int rc;

  if(bmp_fingerprint(bi->conf.url, bi->conf.key, want, sizeof(want)))
    return bmp_fail(bi, BMC_ERR_INTERNAL, errbuf, errlen,
                    "could not fingerprint the settings");
  rc = bi->host->state_get(bi->hctx, BMP_ST_TEST_OK, have, sizeof(have),
                           &len);
  if(rc == BMC_OK && len == 16 && !memcmp(have, want, 16))
    return BMC_OK;
  if(rc != BMC_OK && rc != BMC_ERR_NOT_FOUND && rc != BMC_ERR_TOO_SMALL)
    return bmp_fail(bi, rc, errbuf, errlen,
                    "could not read the Test Settings result from the "
                    "state store");
  return bmp_fail(bi, BMC_ERR_CONFIG, errbuf, errlen,
                  "Test Settings has not succeeded for the current Website "
                  "URL and x-api-key. Run Test Settings (Cart General > "
                  "Test Settings) first; nothing was sent to Back Market "
                  "Pro");
}

int
bmp_action_begin(struct bmp_inst *bi, const char *action, char *errbuf,
                 size_t errlen)
{
  char msg[512];
  int rc;

  msg[0] = '\0';
  rc = bmp_conf_load(bi, msg, sizeof(msg));
  if(rc != BMC_OK)
    return bmp_fail(bi, rc, errbuf, errlen, "%s: %s", action, msg);
  rc = bmp_gate(bi, errbuf, errlen);
  if(rc != BMC_OK)
    return rc;
  rc = bmp_conn_ready(bi, msg, sizeof(msg));
  if(rc != BMC_OK)
    return bmp_fail(bi, rc, errbuf, errlen, "%s: %s", action, msg);
  return BMC_OK;
}

void
bmp_log(struct bmp_inst *bi, enum bmc_log_level level, const char *fmt, ...)
{
  char line[2048];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  pc_log(bi->host, bi->hctx, &bi->secrets, level, "%s", line);
}

int
bmp_fail(struct bmp_inst *bi, int rc, char *errbuf, size_t errlen,
         const char *fmt, ...)
{
  va_list ap;

  if(!errbuf || !errlen)
    return rc;
  va_start(ap, fmt);
  vsnprintf(errbuf, errlen, fmt, ap);
  va_end(ap);
  pc_redact_inplace(&bi->secrets, errbuf);
  return rc;
}

void
bmp_item_error(struct bmp_inst *bi, const char *item, const char *code,
               const char *fmt, ...)
{
  char msg[1024];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  pc_redact_inplace(&bi->secrets, msg);
  bi->host->item_error(bi->hctx, item, code, msg);
}

void
bmp_describe_error(struct bmp_inst *bi, long status, const char *body,
                   const char *transport_err, char *buf, size_t buflen)
{
  struct json_object *root = NULL, *err = NULL;
  const char *code = NULL, *message = NULL;

  if(status == 0) {
    snprintf(buf, buflen, "no response (%s)",
             transport_err && *transport_err ? transport_err
                                             : "connection failed");
    pc_redact_inplace(&bi->secrets, buf);
    return;
  }
  if(body && *body)
    root = pc_json_parse(body, strlen(body), NULL, 0);
  if(root && pc_json_obj(root, BMP_F_ERROR, 1, &err, NULL, 0) == BMC_OK) {
    if(pc_json_str(err, BMP_F_ERROR_CODE, 1, &code, NULL, 0) != BMC_OK)
      code = NULL;
    if(pc_json_str(err, BMP_F_ERROR_MESSAGE, 1, &message, NULL, 0) !=
       BMC_OK)
      message = NULL;
  }
  if(code || message)
    snprintf(buf, buflen, "HTTP %ld %s: %.300s", status, code ? code : "",
             message ? message : "");
  else
    snprintf(buf, buflen, "HTTP %ld", status);
  if(root)
    json_object_put(root);
  pc_redact_inplace(&bi->secrets, buf);
}
