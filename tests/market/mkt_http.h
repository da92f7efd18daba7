/*
 * mkt_http.h -- test helpers for the market-sim tests: an embedded
 * simulator on 127.0.0.1:0, a small libcurl client, and seeding helpers.
 */
#ifndef MKT_HTTP_H
#define MKT_HTTP_H

#include <stddef.h>

#include <json-c/json.h>

#include "mk_sim.h"

struct mkt_resp {
  long status;
  int curl_rc;              /* CURLE_OK or the transfer error */
  char *body;               /* malloc'd, NUL-terminated */
  size_t len;
  char ctype[128];
  long retry_after;         /* -1 when absent */
  char server[64];
};

extern struct mk_sim *mkt_sim;
#define MKT_TOKEN "tok-eu-0123456789abcdef"
#define MKT_UA "BM-Acme-Connector;ops@acme.test"

int mkt_start(void);
void mkt_stop(void);

/* HTTP to the sim.  headers: NULL-terminated list; NULL = the default
   authenticated set (Basic MKT_TOKEN, MKT_UA, Accept-Language lang).
   Returns r->status (0 on transfer error). */
long mkt_http(const char *method, const char *path, const char *const *hdrs,
              const char *body, struct mkt_resp *r);
long mkt_ws(const char *method, const char *path, const char *lang,
            const char *body, struct mkt_resp *r);
void mkt_resp_free(struct mkt_resp *r);
json_object *mkt_json(const struct mkt_resp *r);

/* Control API in-process; returns status, *out parsed JSON (may be NULL). */
int mkt_ctl(const char *method, const char *path, const char *body,
            json_object **out);
/* Reset and seed: merchant 789 with token MKT_TOKEN (eu). */
void mkt_seed(void);
/* A listing SKU with quantity and en-gb price; returns its uuid (static). */
const char *mkt_listing(const char *sku, int qty, const char *gbp_price);
/* A paid customer order for sku; returns order_id or -1. */
long long mkt_order(const char *sku, int qty);
long mkt_advance(long long ms);
const char *mkt_jstr(json_object *o, const char *path);
/* 1 when a and b are both strings and equal (NULL-safe, unlike
   CU_ASSERT_STRING_EQUAL, so a missing member fails instead of crashing). */
int mkt_streq(const char *a, const char *b);
/* 1 when s is not NULL and contains sub. */
int mkt_has(const char *s, const char *sub);
long long mkt_jint(json_object *o, const char *path);

#endif /* MKT_HTTP_H */
