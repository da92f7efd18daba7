/*
 * hx_env.h -- the environment of the hostile-server tests: the shared
 * harness (tests/harness: host simulator with the plugins, virtual clock)
 * with the plugin's base URL pointed at a hostile server (hx_server.h)
 * instead of the polite embedded simulator, builders for the marketplace
 * JSON the tests serve, and read access to what the plugin stored (its
 * state, a job's total, a host order document).  Prefix hx_.
 */
#ifndef HX_ENV_H
#define HX_ENV_H

#include <stddef.h>
#include <stdint.h>

#include "hx_server.h"
#include "th_env.h"

#define HX_TOKEN "tok-hostile-0123456789abcdefXYZ"
#define HX_KEY "pro-key-hostile-0123456789"

struct hx_env {
  struct th_env te;
  struct hx_server *srv;
};

/* Start the host with `plugin` ("backmarket" or "backmarket_pro") enabled
 * for company "acme", its base URL (base_url / website_url + path) set to
 * a fresh hostile server, the credential set, and the NULL-terminated
 * key/value settings pairs.  0 or -1 (message printed). */
int hx_env_start(struct hx_env *e, const char *plugin, const char *path,
                 const char *const *settings);
void hx_env_stop(struct hx_env *e);

/* Run an action; returns the job status (th_run) and its id in *jid (may
 * be NULL).  With HX_DUMP set in the environment, the log of a job that did
 * not complete is printed. */
int hx_run(struct hx_env *e, const char *action, int64_t *jid);

/* One orderline of a Back Market order. */
struct hx_line {
  int64_t id;
  const char *sku;   /* inserted as is: JSON escapes allowed */
  int state;
  int qty;
  const char *imei;  /* NULL = null */
};
/* A Back Market order object into buf (NUL-terminated, length returned;
 * -1 when it does not fit).  order_id and quantity are inserted as text,
 * so "99999999999999999999" is possible; city is inserted raw (non-UTF-8
 * bytes possible). */
int hx_bm_order(char *buf, size_t len, const char *order_id,
                const char *date_mod, int state, const struct hx_line *lines,
                size_t n, const char *city);
/* A page {"count", "next", "previous", "results": [orders...]}: count and
 * next are inserted as JSON text ("null", "-5", "\"https://...\""). */
int hx_bm_page(char *buf, size_t len, const char *count, const char *next,
               const char *const *orders, size_t n);

/* Serve body (NUL-terminated) with status 200 for method + prefix, uses
 * times (-1 = always).  0 or -1. */
int hx_serve(struct hx_env *e, const char *method, const char *prefix,
             int uses, const char *body);

/* The plugin's state value of key into buf ("" when absent).  0 or -1. */
int hx_state(struct hx_env *e, const char *key, char *buf, size_t len);
/* Overwrite the plugin's state value of key (as a store left by an older
 * version would hold it).  0 or -1. */
int hx_state_set(struct hx_env *e, const char *key, const char *val);
/* done / total of a job (from job_progress).  0 or -1. */
int hx_job_progress(struct hx_env *e, int64_t job_id, int64_t *done,
                    int64_t *total);
/* The host's order document of a source order id (malloc'd) or NULL. */
char *hx_order_xml(struct hx_env *e, const char *source_id);

/* Current virtual time as RFC 3339 ("2026-03-22T12:00:00Z") plus delta
 * seconds. */
void hx_time(struct hx_env *e, int64_t delta_s, char *buf, size_t len);

#endif /* HX_ENV_H */
