/*
 * bmp_plugin.h -- the Back Market Pro cart plugin's private instance, its
 * connection helpers (bmp_conn.c) and the action entry points.  Plugin
 * name "backmarket_pro"; settings and actions are declared in plugin.c.
 */
#ifndef BMP_PLUGIN_H
#define BMP_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "bmc/bmc_plugin.h"
#include "pc_redact.h"

#define BMP_PLUGIN_NAME "backmarket_pro"
#define BMP_PLUGIN_VERSION "0.2.0"

/* Setting keys (Toolbox: Website General Settings and Cart General). */
#define BMP_SET_URL "website_url"
#define BMP_SET_KEY "x_api_key"
#define BMP_SET_ALLOW_ORDERS "allow_order_download"
#define BMP_SET_ALLOW_TRACKING "allow_tracking_upload"
#define BMP_SET_COMMISSION "order_commission_pct"
#define BMP_SET_OVERLAP "order_overlap_s"
#define BMP_SET_FIRST_DAYS "first_import_days"
#define BMP_SET_TIMEOUT "http_timeout_ms"
#define BMP_SET_RATE "requests_per_second"

/* State-store keys (private to company + plugin). */
#define BMP_ST_TEST_OK "test_settings_ok" /* fingerprint of (url, key) */
#define BMP_ST_CURSOR "orders_cursor" /* "<fingerprint> <RFC 3339>" */
#define BMP_ST_CANCEL_WARNED "cancel_warned/" /* + Pro order id */
#define BMP_ST_TRK_REJECTED "tracking_rejected/" /* + Pro order id */

struct pc_http;
struct pc_budget;

/* The connection settings as read at the start of a run. */
struct bmp_conf {
  char url[320];
  char key[520]; /* secret: never logged, never in a message */
  int64_t pct_e4;
  int64_t overlap_s, first_days, timeout_ms, rate;
};

/* One instance per company.  Never entered from two threads at once. */
struct bmp_inst {
  const struct bmc_host_api *host; /* borrowed; outlives the instance */
  void *hctx;
  struct bmp_conf conf;
  struct pc_secrets secrets;  /* the key, for redaction */
  struct pc_http *http;       /* NULL until bmp_conn_ready() */
  struct pc_budget *budget;   /* requests per second toward Pro */
  char http_fp[17];           /* fingerprint the client was built for */
};

/* Actions: an enum bmc_rc, message in errbuf (never the key). */
int bmp_test_settings(struct bmp_inst *bi, char *errbuf, size_t errlen);
int bmp_import_orders(struct bmp_inst *bi, char *errbuf, size_t errlen);
int bmp_tracking_upload(struct bmp_inst *bi, char *errbuf, size_t errlen);

/* ---- bmp_conn.c ---- */

/* Read every setting into bi->conf and register the key for redaction.
 * BMC_ERR_CONFIG with a message naming the setting. */
int bmp_conf_load(struct bmp_inst *bi, char *errbuf, size_t errlen);
/* Build (or keep) the HTTP client for bi->conf: x-api-key header, the
 * timeout, the per-second budget.  BMC_ERR_CONFIG / NOMEM / INTERNAL. */
int bmp_conn_ready(struct bmp_inst *bi, char *errbuf, size_t errlen);
/* Refuse to run until Test Settings succeeded for the current url + key:
 * BMC_OK, or BMC_ERR_CONFIG with a message saying so. */
int bmp_gate(struct bmp_inst *bi, char *errbuf, size_t errlen);
/* The start of every action but Test Settings: load the settings, pass
 * the gate, get the client ready.  BMC_OK or the error with a message
 * prefixed by the action's display name. */
int bmp_action_begin(struct bmp_inst *bi, const char *action, char *errbuf,
                     size_t errlen);
/* Release the client and budget (accepts a half-built instance). */
void bmp_conn_free(struct bmp_inst *bi);

/* Log with the key masked (pc_log). */
void bmp_log(struct bmp_inst *bi, enum bmc_log_level level, const char *fmt,
             ...) BMC_PRINTF(3, 4);
/* Format into errbuf with the key masked.  Returns rc, for
 * `return bmp_fail(bi, rc, errbuf, errlen, ...)`. */
int bmp_fail(struct bmp_inst *bi, int rc, char *errbuf, size_t errlen,
             const char *fmt, ...) BMC_PRINTF(5, 6);
/* Add an error-queue entry with the message masked. */
void bmp_item_error(struct bmp_inst *bi, const char *item, const char *code,
                    const char *fmt, ...) BMC_PRINTF(4, 5);
/* "HTTP 422 order_cancelled: Order X is cancelled" from a Pro error body
 * (or the transport error), masked, into buf. */
void bmp_describe_error(struct bmp_inst *bi, long status, const char *body,
                        const char *transport_err, char *buf, size_t buflen);

#endif /* BMP_PLUGIN_H */
