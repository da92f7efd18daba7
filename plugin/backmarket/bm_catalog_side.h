/*
 * bm_catalog_side.h -- internal interfaces of the Back Market plugin's
 * catalog side: the pure rules (quantity formula, product filter, grades,
 * EAN, Ready To Post, eligibility rules) and the shared pieces of the
 * network actions (known-state table, bulk CSV tasks, market currencies).
 *
 * Ownership: every pointer argument is borrowed for the call unless a
 * function says it returns an owned object; every *_free accepts NULL.
 */
#ifndef BM_CATALOG_SIDE_H
#define BM_CATALOG_SIDE_H

#include <stddef.h>
#include <stdint.h>

#include "bm_plugin.h"

struct json_object;

/* ---- bm_qty.c: the quantity formula (pure) ---- */

/* Company defaults from the Toolbox (Safety Qty, Max Qty, Custom Inventory
 * Calculation percent). */
struct bm_qty_defaults {
  int safety;  /* >= 0 */
  int max;     /* >= 0; 0 = no cap */
  int percent; /* 1..100: share of available stock offered (rounded down) */
};

/* quantity = clamp(floor(available * percent / 100) - safety, 0, max).
 * safety/max are the product's values; -1 means "use the company
 * default".  A max of 0 (product or default) means no cap.  Negative or
 * zero stock gives 0.  Never overflows. */
int64_t bm_qty_compute(int64_t available, int safety, int max,
                       const struct bm_qty_defaults *d);

/* How many of n queued quantity changes (sorted, the n_zero zero-outs
 * first) one run sends: zero-outs may use all of avail (the SKU lines
 * available now); the other changes only what stays above reserve (lines
 * kept for sell-outs), and at most pace of them per run (the hour's budget
 * spread over its runs).  Pure. */
size_t bm_qty_plan(size_t n, size_t n_zero, int64_t avail, int64_t reserve,
                   int64_t pace);

/* ---- bm_filter.c: "filtered products" upload rule (pure) ---- */

struct bm_filter; /* opaque, owned by the caller of bm_filter_parse */

/* Parse a filter such as "device_type=laptop|phone; grade!=STALLONE;
 * sku^=REF-".  Clauses are ';' separated and all must hold.  Attributes:
 * device_type, category, grade, cpu, storage_type, sku.  Operators: '='
 * (one of), '!=' (none of), '^=' (starts with one of).  Values compare
 * case-insensitively.  An empty expression matches everything (*out is
 * NULL then).  BMC_ERR_CONFIG with a message on a syntax error. */
int bm_filter_parse(const char *expr, struct bm_filter **out, char *err,
                    size_t errlen);
int bm_filter_match(const struct bm_filter *f, const struct bmc_product *p);
void bm_filter_free(struct bm_filter *f);

/* ---- bm_grade.c: grades and EAN (pure) ---- */

/* PREMIUM..STALLONE (any case) or the legacy digits of seed 002
 * (0 mint/excellent, 1 very good, 2 good, 3 fair, 4 stallone; 9 premium).
 * Returns the Back Market grade text (static) or NULL when invalid. */
const char *bm_grade_normalize(const char *in);
/* 1 when s is a GTIN (EAN-8, UPC-A 12, EAN-13, GTIN-14): digits only and
 * a correct check digit. */
int bm_ean_valid(const char *s);

/* ---- bm_ready.c: Ready To Post (pure) ---- */

/* Reasons collected for one product, '; ' separated, truncated with
 * "..." when the buffer is full (count stays exact). */
struct bm_reasons {
  char text[1024];
  size_t len;
  int count;
  int truncated;
};

void bm_reasons_init(struct bm_reasons *r);
void bm_reasons_add(struct bm_reasons *r, const char *fmt, ...)
    BMC_PRINTF(2, 3);

struct bm_rules; /* eligibility rules, see bm_rules.c */

/* Check every required property of seed 004 and, when rules is not NULL,
 * the eligibility rules.  Every missing or failing item is added to out.
 * Returns 1 when the product is ready to post. */
int bm_ready_check(const struct bmc_product *p, const struct bm_rules *rules,
                   struct bm_reasons *out);

/* ---- bm_rules.c: eligibility rules file (libconfig, pure) ---- */

/* Load rules from a file or from text (tests).  Returns BMC_OK and an
 * owned *out, or BMC_ERR_CONFIG with "file:line: message" in err. */
int bm_rules_load_file(const char *path, struct bm_rules **out, char *err,
                       size_t errlen);
int bm_rules_load_string(const char *text, struct bm_rules **out, char *err,
                         size_t errlen);
/* Add a reason per failing rule; returns the number of failures.  A
 * product whose device_type no rule group names passes. */
int bm_rules_check(const struct bm_rules *r, const struct bmc_product *p,
                   struct bm_reasons *out);
void bm_rules_free(struct bm_rules *r);

/* ---- bm_catalog.c: instance state, settings, markets, SKU maps ---- */

struct pc_http_resp;

/* Catalog-side private state of an instance (bi->catalog). */
struct bm_catalog_side {
  struct bm_rules *rules;  /* cached eligibility rules */
  char rules_path[512];    /* the file they came from */
};

/* State store keys (one per SKU, loaded with state_each in one pass). */
#define BM_KEY_QTY "cat/q/"    /* + sku: quantity Back Market holds */
#define BM_KEY_PRICE "cat/p/"  /* + market "/" sku: price pushed (cents) */
#define BM_KEY_MAXP "cat/x/"   /* + market "/" sku: max_price (cents) */
#define BM_KEY_READY "cat/r/"  /* + sku: hash of the last Ready To Post */

/* Settings with the schema default applied; a missing or unparsable value
 * gives def. */
int64_t bm_cset_int(struct bm_inst *bi, const char *key, int64_t def);
int bm_cset_bool(struct bm_inst *bi, const char *key);
void bm_cset_str(struct bm_inst *bi, const char *key, char *buf,
                 size_t buflen);

/* Currency of a market (Accept-Language value), e.g. "en-gb" -> "GBP";
 * NULL for an unknown market.  Decimals of a currency (JPY 0, else 2). */
const char *bm_market_currency(const char *market);
int bm_currency_decimals(const char *currency);
/* The "markets" setting split on ','; returns the count (<= max), each
 * entry validated ([a-z]{2}-[a-z]{2}, known currency).  Unknown entries
 * are logged and skipped. */
#define BM_MAX_MARKETS 16
int bm_markets(struct bm_inst *bi, char out[][8], int max);

/* Send one request; budget_id adds that budget (BM_BUDGET_COUNT = none).
 * Same return values as pc_http_send. */
int bm_cat_send(struct bm_inst *bi, const char *method, const char *target,
                const char *lang, const char *body, int budget_id,
                struct pc_http_resp *resp);

/* SKU lines that changes other than sell-outs (prices, new listings,
 * repricer) may use now: what the SKU-line budget has above the share kept
 * for sell-outs (zero_reserve_pct).  INT64_MAX when the budget is off. */
int64_t bm_lines_spare(struct bm_inst *bi);

/* The company's upload filter (NULL = all) when filtered_products is on.
 * Returns BMC_ERR_CONFIG with a message on a bad filter. */
int bm_upload_filter(struct bm_inst *bi, struct bm_filter **out,
                     char *errbuf, size_t errlen);
/* The company's eligibility rules (cached; borrowed from bi->catalog). */
int bm_eligibility_rules(struct bm_inst *bi, const struct bm_rules **out,
                         char *errbuf, size_t errlen);

/* An open-addressing map from SKU to int64 (compact: one allocation per
 * key), for loading the state store once per run. */
struct bm_smap {
  size_t cap, n;   /* cap is a power of two */
  char **keys;
  int64_t *vals;
};
void bm_smap_init(struct bm_smap *m);
void bm_smap_free(struct bm_smap *m);
int bm_smap_put(struct bm_smap *m, const char *key, int64_t val);
/* 1 and *val when present, else 0. */
int bm_smap_get(const struct bm_smap *m, const char *key, int64_t *val);
/* Load every state key under prefix whose value starts with an integer. */
int bm_smap_load(struct bm_inst *bi, const char *prefix, struct bm_smap *m);

/* ---- bm_bulk.c: bulk CSV task (POST /ws/listings + GET /ws/tasks) ---- */

/* Outcome of one CSV row; reason is Back Market's text (errors only),
 * listing_id the new listing's id when the task reports one.  All
 * borrowed for the callback. */
typedef void (*bm_bulk_row_fn)(void *ud, const char *sku, int ok,
                               const char *listing_id, const char *reason);

/* Submit csv (header row included, ',' delimited) under market lang and
 * poll the task to its end with host->wait_ms.  Rows named in the result
 * get row_fn; rows the result does not name count as succeeded when the
 * task ended in success (9) and as failed otherwise.  skus[] lists the
 * row SKUs in order (n_rows).  BMC_OK when the task ended (even with row
 * errors); BMC_ERR_REMOTE_REJECT when the task failed (8, message in
 * errbuf); other rc for transport/budget/timeout. */
int bm_bulk_run(struct bm_inst *bi, const char *lang, const char *csv,
                const char *const *skus, size_t n_rows, bm_bulk_row_fn row_fn,
                void *ud, char *errbuf, size_t errlen);

/* Decoders of the bulk answers (pure, fuzzed): the task id of the upload's
 * answer (bodymessage, else task_id, else id): a positive integer, or a
 * string of digits; BMC_ERR_PROTOCOL with what was received otherwise. */
int bm_bulk_task_id(struct json_object *answer, int64_t *task_id, char *err,
                    size_t errlen);
/* A task status answer: action_status (required), the task_id when given
 * (must be ours), last_action_error of a failed task, result (borrowed;
 * NULL when absent).  BMC_OK or BMC_ERR_PROTOCOL with a message. */
int bm_bulk_status(struct json_object *answer, int64_t task_id,
                   int64_t *status, const char **last_error,
                   struct json_object **result, char *err, size_t errlen);
/* Report every row of a finished task to row_fn: named in
 * result.product_errors / product_success (keys or "sku" members), or, for
 * rows the result does not name, task_ok.  BMC_OK or BMC_ERR_NOMEM. */
int bm_bulk_rows(struct json_object *result, const char *const *skus,
                 size_t n_rows, int task_ok, bm_bulk_row_fn row_fn, void *ud);

/* ---- bm_listings.c: one listing of GET /ws/listings ---- */

/* Quantities Back Market can hold: -1 (oversold) and up; an answer beyond
 * these is not believed. */
#define BM_LISTING_QTY_MIN (-1000000)
#define BM_LISTING_QTY_MAX 10000000

/* A listing as read (strings borrowed from the JSON). */
struct bm_listing {
  const char *sku, *id;   /* id: a UUID or a legacy integer, path-safe */
  int has_price, has_max; /* price / max_price present and readable */
  int64_t price, max_price;
  int has_qty;            /* quantity present, an integer, plausible */
  int64_t qty;
  char qty_err[200];      /* why not, when has_qty is 0 */
};
/* Parse one listing (pure, fuzzed).  BMC_OK (quantity problems only in
 * qty_err), or BMC_ERR_PROTOCOL with err when the SKU or id is unusable
 * (missing, a NUL inside, control characters, an id that is neither a
 * UUID nor an integer). */
int bm_listing_parse(struct json_object *l, struct bm_listing *out,
                     char *err, size_t errlen);

/* ---- bm_confirm.c: confirming single listing updates ---- */

/* What a single listing update sent. */
struct bm_listing_want {
  const char *listing_id; /* as in the path (UUID or legacy integer) */
  int64_t qty;            /* -1 = not sent */
  int64_t price_cents;    /* -1 = not sent */
};

/* 1 when a 2xx answer (the listing) names w->listing_id (its "id" or
 * "listing_id") and shows every value sent; else 0 and why ("the answer
 * shows quantity 7, not the 3 sent", "the answer is not a listing
 * (malformed JSON at offset 12: ...)").  Pure. */
int bm_listing_answer_ok(const char *body, size_t len,
                         const struct bm_listing_want *w, char *why,
                         size_t whylen);
/* Confirm a single update from its answer, else by reading the listing
 * back under lang.  BMC_OK when confirmed; BMC_ERR_PROTOCOL (why says what
 * the answer and the read-back showed) when not. */
int bm_listing_confirm(struct bm_inst *bi, const char *lang,
                       const struct pc_http_resp *resp,
                       const struct bm_listing_want *w, char *why,
                       size_t whylen);
/* Record a push that was answered but not confirmed under key: the value
 * "unconfirmed:<value>" is never read back as what Back Market holds
 * (bm_smap_load skips it), so the next run sends the value again. */
int bm_record_unconfirmed(struct bm_inst *bi, const char *key,
                          int64_t value);

/* ---- bm_price.c ---- */

/* Format cents in the currency's own decimals (JPY: none, "449");
 * BMC_ERR_PROTOCOL when the amount cannot be written in that currency. */
int bm_price_text(int64_t cents, const char *currency, char *buf,
                  size_t len);

/* ---- bm_inventory.c: the quantity push engine ---- */

struct bm_qitem {
  char *sku;        /* merchant SKU, owned */
  char *listing_id; /* owned; NULL = unknown (bulk only) */
  int64_t qty;      /* new quantity */
  int64_t old;      /* what Back Market holds; -1 unknown */
};

struct bm_push_stats {
  size_t wanted, sent, ok, failed, deferred, requests;
  size_t unconfirmed; /* answered 2xx but not confirmed: sent next run */
};

/* Push quantities: zero-outs first, then other decreases, then increases;
 * only what the SKU-line budget allows now, as planned by bm_qty_plan (the
 * rest waits for the next run); one bulk task above bulk_threshold, else
 * single updates.  Pushed
 * values are recorded under BM_KEY_QTY only after success.  Items are
 * reordered in place; the caller still owns them. */
int bm_qty_push(struct bm_inst *bi, struct bm_qitem *items, size_t n,
                struct bm_push_stats *st, char *errbuf, size_t errlen);
void bm_qitems_free(struct bm_qitem *items, size_t n);

#endif /* BM_CATALOG_SIDE_H */
