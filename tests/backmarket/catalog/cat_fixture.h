/*
 * cat_fixture.h -- the catalog tests' fixture, built on the shared harness
 * (tests/harness/th_env.h): a host simulator (in-memory store, virtual
 * clock) with only the Back Market plugin loaded, one company "acme"
 * connected to an embedded marketplace simulator that reads the host's
 * clock, plus the catalog-specific helpers (sim listings, products,
 * plugin properties, item errors).
 */
#ifndef CAT_FIXTURE_H
#define CAT_FIXTURE_H

#include <stdint.h>

#include <json-c/json.h>

#include "hs_host.h"
#include "mk_sim.h"
#include "th_env.h"

#define CAT_COMPANY "acme"
#define CAT_PLUGIN "backmarket"
#define CAT_TOKEN "tok-catalog-0123456789abcdef"

struct cat_fx {
  struct th_env env;      /* the harness (owns host and sim) */
  struct hs_host *h;      /* = env.host */
  struct mk_sim *sim;     /* = env.sim */
  const char *base_url;   /* = env.base_url */
};

/* Start host + sim (quotas on/off), merchant TH_MERCHANT_ID with
 * CAT_TOKEN, company acme with the plugin enabled and pointed at the sim,
 * markets as given, bulk tasks that finish after 2 s of virtual time.
 * 0 on success.  f must not move while started (the sim reads the clock
 * through it). */
int cat_fx_start(struct cat_fx *f, int quotas, const char *markets);
/* The same on another platform ("eu", "na", "ap"): token and setting. */
int cat_fx_start_on(struct cat_fx *f, int quotas, const char *markets,
                    const char *platform);
/* The same with the store in a file of the harness's temp dir (env.db),
 * so that another process can open it (crash tests). */
int cat_fx_start_file(struct cat_fx *f, int quotas, const char *markets);
/* Stop both; accepts a half-started fixture. */
void cat_fx_stop(struct cat_fx *f);

/* Toolbox setting; 0 on success. */
int cat_set(struct cat_fx *f, const char *key, const char *value);
/* Run an action now; returns the job status (enum hs_job_status) or -1. */
int cat_run(struct cat_fx *f, const char *action, int64_t *job_id);
/* Control API; returns the HTTP status, *out parsed JSON (owned) if out.
 * A status >= 400 is printed to stderr. */
int cat_sim(struct cat_fx *f, const char *method, const char *path,
            const char *body, struct json_object **out);
/* printf-style body helper for cat_sim. */
int cat_simf(struct cat_fx *f, const char *method, const char *path,
             const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Add a sim listing: sku, quantity, price in market (may be NULL).
 * Returns 0; uuid (37 bytes) receives the listing id when not NULL. */
int cat_listing(struct cat_fx *f, const char *sku, int64_t qty,
                const char *market, const char *price, char *uuid);
/* The sim's quantity of a listing by SKU (-1 when unknown). */
int64_t cat_sim_qty(struct cat_fx *f, const char *sku);
/* A field of one market of a sim listing as text ("" when absent;
 * borrowed until the next call), e.g. ("SKU-A", "en-gb", "price"). */
const char *cat_sim_market(struct cat_fx *f, const char *sku,
                           const char *market, const char *field);
/* Last request-log sequence number (to count requests made after it). */
int64_t cat_log_seq(struct cat_fx *f);
/* Requests after seq whose "METHOD path" starts with prefix (e.g.
 * "POST /ws/listings/", "" = any); body_has/lang (Accept-Language) may be
 * NULL filters. */
int cat_log_count(struct cat_fx *f, int64_t seq, const char *prefix,
                  const char *body_has, const char *lang);
/* The sim's 429 count. */
int64_t cat_sim_429(struct cat_fx *f);

/* A simple enabled product with listing id (may be NULL), stock and
 * Back Market price (may be NULL). */
int cat_product(struct cat_fx *f, const char *sku, int64_t qty,
                const char *listing_id, const char *price);
/* A product ready for listing creation (title, description, image,
 * weight, stock 4, phone, enabled, category, warranty 12, grade 1, price
 * 299.00) with that Back Market product id and EAN (may be NULL). */
int cat_creation_product(struct cat_fx *f, const char *sku,
                         const char *product_id, const char *ean);
/* A Back Market property set as a seller would (market NULL = global;
 * value NULL clears).  0 or the rc (message to stderr). */
int cat_pset(struct cat_fx *f, const char *sku, const char *key,
             const char *market, const char *value);
/* The listing id, set as the plugin would. */
int cat_listing_id(struct cat_fx *f, const char *sku,
                   const char *listing_id);
/* A stored property value of a product ("" when unset; borrowed until the
 * next call); _m for one market. */
const char *cat_prop(struct cat_fx *f, const char *sku, const char *key);
const char *cat_prop_m(struct cat_fx *f, const char *sku, const char *key,
                       const char *market);
/* 1 when the job's log has a line containing needle. */
int cat_job_log_has(struct cat_fx *f, int64_t job_id, const char *needle);
/* Item errors with this sku and code (code NULL = any) whose message
 * contains needle (NULL = any). */
int cat_item_errors(struct cat_fx *f, const char *sku, const char *code,
                    const char *needle);

#endif /* CAT_FIXTURE_H */
