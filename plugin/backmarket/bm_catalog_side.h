/*
 * bm_catalog_side.h -- internal interfaces of the Back Market plugin's
 * catalog side: the product properties it declares and reads, the pure
 * rules (quantity formula, per-market prices and the pricing rule,
 * product filter, grades, EAN, Ready To Post, eligibility rules) and the
 * shared pieces of the network actions (known-state table, bulk CSV tasks,
 * market currencies, catalog or selection iteration).
 *
 * Ownership: every pointer argument is borrowed for the call unless a
 * function says it returns an owned object; every *_free accepts NULL.
 */
#ifndef BM_CATALOG_SIDE_H
#define BM_CATALOG_SIDE_H

#include <stddef.h>
#include <stdint.h>

#include "bm_plugin.h"

#define BM_MAX_MARKETS 16

/* ---- bm_props.c: the declared properties and how they are read ---- */

extern const struct bmc_property bm_properties[];
extern const size_t bm_n_properties;

/* The stored value of key for market ("" / NULL = the global value), or
 * NULL: exactly that value, no fallback. */
const char *bm_prop_raw(const struct bmc_product *p, const char *key,
                        const char *market);
/* The value that applies: the market's own, else the global one, else
 * the declared default; NULL when none (or empty). */
const char *bm_prop(const struct bmc_product *p, const char *key,
                    const char *market);
int bm_prop_bool(const struct bmc_product *p, const char *key,
                 const char *market);
/* A non-negative integer value, -1 when unset or not one. */
int bm_prop_int(const struct bmc_product *p, const char *key,
                const char *market);

/* A product as the catalog side reads it.  Strings borrowed from p. */
struct bm_view {
  const struct bmc_product *p;
  const char *sku;           /* merchant SKU, else the host SKU */
  const char *listing_id;    /* NULL when none */
  const char *title, *description; /* Back Market's, else the generic */
  const char *category, *grade, *bm_product_id; /* NULL when unset */
  int repricing;
  int safety_qty, max_qty;   /* -1 = company default */
};
void bm_view_init(struct bm_view *v, const struct bmc_product *p);
/* Back Market Enabled in market (its own value, else the global one). */
int bm_view_enabled(const struct bm_view *v, const char *market);
/* Enabled in any of markets[0..n). */
int bm_view_on_sale(const struct bm_view *v, char markets[][8], int n);
/* Warranty months in market (-1 unset); the comment (NULL unset). */
int bm_view_warranty(const struct bm_view *v, const char *market);
const char *bm_view_comment(const struct bm_view *v, const char *market);

/* ---- bm_pricing.c: prices per market and the pricing rule (pure) ---- */

#define BM_MAX_RATES 16

/* The company's pricing rule (settings price_source_market,
 * exchange_rates, price_rounding) and its first market. */
struct bm_pricing {
  char primary[8];   /* first market: the unsuffixed price is its price */
  char source[8];    /* market whose price derived prices start from */
  struct {
    char from[4], to[4]; /* ISO 4217 */
    char rate[32];       /* decimal text, exact */
  } rates[BM_MAX_RATES];
  int n_rates;       /* 0 = no rule */
  int rounding;      /* index: none, .99, .90, .00, 9.00 (rounded up) */
};
/* Parse the rule (pure).  BMC_ERR_CONFIG with a message naming the
 * setting on a bad exchange-rate table or source market. */
int bm_pricing_parse(const char *primary, const char *source,
                     const char *rates, const char *rounding,
                     struct bm_pricing *r, char *err, size_t errlen);
/* The same from the instance's settings. */
int bm_pricing_load(struct bm_inst *bi, const char *primary,
                    struct bm_pricing *r, char *errbuf, size_t errlen);

/* A product's price in one market. */
struct bm_mprice {
  int64_t cents;     /* -1 = not published in this market */
  int64_t min_cents; /* repricer floor, -1 = none */
  char how[160];     /* where the price comes from */
  char why[200];     /* not published / invalid: the reason, with the
                        market first ("sv-se: no price of its own ...") */
};
/* 1 priced, 0 not published there (why says why), -1 an invalid stored
 * value (why names it).  Prices: the market's own; in the first market's
 * currency the unsuffixed price, else the site price; in another currency
 * the rule (source price x rate, rounded), or none.  Min prices alike
 * (derived ones converted, not rounded up). */
int bm_price_for(const struct bm_pricing *r, const struct bmc_product *p,
                 const char *market, struct bm_mprice *out);

struct json_object;

/* ---- bm_qty.c: the quantity formula (pure) ---- */

/* Company defaults from the Toolbox (Safety Qty, Max Qty). */
struct bm_qty_defaults {
  int safety;  /* >= 0 */
  int max;     /* >= 0; 0 = no cap */
};

/* quantity = clamp(available - safety, 0, max), available being the
 * host's Custom Inventory Calculation result when the company uses one.
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

/* Even spending of the hourly SKU-line budget (the change-feed cycle):
 * each cycle accrues the hour's share (limit / 12 for a 5-minute cycle,
 * by the time since the last cycle); what a cycle leaves unused carries
 * over, at most one share (two shares in a cycle in all), and nothing
 * beyond what the sliding hour has left (avail).  Zero-outs may use all
 * of it, carry included; the other changes at most one share less what
 * the sell-outs took, and never the reserve (zero_reserve_pct of a share):
 * others get min(allowance, share) - max(zero-outs sent, reserve).  So a
 * steady load of other changes is spent evenly, and only sell-outs burst
 * into the carry.  Pure. */
#define BM_PACE_CYCLE_MS INT64_C(300000)
struct bm_pace {
  int64_t credit;  /* unused lines x 3,600,000 */
  int64_t last_ms; /* the last cycle; 0 = none yet */
};
void bm_pace_accrue(struct bm_pace *p, int64_t limit, int64_t now_ms);
/* Lines this cycle may send: the credit, at most avail. */
int64_t bm_pace_allowance(const struct bm_pace *p, int64_t avail);
/* One cycle's share of the hour (limit / 12, rounded down). */
int64_t bm_pace_share(int64_t limit);
/* The per-cycle reserve for sell-outs: pct of one share. */
int64_t bm_pace_reserve(int64_t limit, int64_t pct);
/* 1 when one more line of that class fits, zero_used/other_used lines
 * being taken already (zero-outs are taken first). */
int bm_pace_fits(int64_t allowance, int64_t share, int64_t reserve,
                 int zero, int64_t zero_used, int64_t other_used);
void bm_pace_spend(struct bm_pace *p, int64_t lines);

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
int bm_filter_match(const struct bm_filter *f, const struct bm_view *v);
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

/* Check every required product-level property of seed 004 (title,
 * description, EAN, weight, image, category, warranty, grade, Back Market
 * product id, available quantity) and, when rules is not NULL, the
 * eligibility rules.  Every missing or failing item is added to out.
 * Returns 1 when the product passes. */
int bm_ready_check(const struct bm_view *v, const struct bm_rules *rules,
                   struct bm_reasons *out);
/* Can market be published: a price there (own, unsuffixed, site or the
 * rule) and a warranty of at least 12 months there.  Reasons start with
 * the market.  Returns 1 when it can. */
int bm_ready_market(const struct bm_view *v, const struct bm_pricing *r,
                    const char *market, struct bm_reasons *out);

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
#define BM_KEY_META "cat/m/"   /* + market "/" sku: hash of min price,
                                  comment and warranty Back Market holds */

/* Settings with the schema default applied; a missing or unparsable value
 * gives def. */
int64_t bm_cset_int(struct bm_inst *bi, const char *key, int64_t def);
int bm_cset_bool(struct bm_inst *bi, const char *key);
void bm_cset_str(struct bm_inst *bi, const char *key, char *buf,
                 size_t buflen);

/* Currency of a market (Accept-Language value), e.g. "en-gb" -> "GBP";
 * NULL for an unknown market.  Decimals of a currency (JPY 0, else 2).
 * (bm_market.c, pure) */
const char *bm_market_currency(const char *market);
int bm_currency_decimals(const char *currency);
/* The "markets" setting split on ','; returns the count (<= max), each
 * entry validated ([a-z]{2}-[a-z]{2}, known currency).  Unknown entries
 * are logged and skipped. */
int bm_markets(struct bm_inst *bi, char out[][8], int max);

/* Stream the products a catalog action works on: the run's selection
 * (bi->sel: each SKU through product_get, unknown ones reported as
 * not_found item errors, duplicates once) or else the catalog
 * (catalog_each with enabled_only).  Same return values as catalog_each. */
int bm_products_each(struct bm_inst *bi, int enabled_only, bmc_product_cb cb,
                     void *ud);
/* The quantity the host offers of p: the company's Custom Inventory
 * Calculation when custom_inventory_calc is on and the host has one, else
 * available_qty.  *qty; BMC_ERR_INTERNAL when the calculation failed (the
 * host logged why).  *warned is set once a run when the setting is on but
 * the company has no calculation. */
int bm_available(struct bm_inst *bi, const struct bmc_product *p,
                 int use_calc, int *warned, int64_t *qty);

/* Hash of what a listing holds besides its price in one market (min price
 * cents or -1, comment or NULL, warranty months or -1): recorded under
 * BM_KEY_META so that unchanged listings are not sent again. */
int64_t bm_meta_hash(int64_t min_cents, const char *comment,
                     int64_t warranty);

/* Send one request; budget_id adds that budget (BM_BUDGET_COUNT = none).
 * Same return values as pc_http_send. */
int bm_cat_send(struct bm_inst *bi, const char *method, const char *target,
                const char *lang, const char *body, int budget_id,
                struct pc_http_resp *resp);
/* bm_cat_send through the write gate (pc_gate.h) with the changes the
 * request makes: PC_GATE_DRY in a dry run (nothing sent).  bm_cat_send
 * itself gates every changing request too, recording nothing. */
int bm_cat_write(struct bm_inst *bi, const char *method, const char *target,
                 const char *lang, const char *body, int budget_id,
                 const struct bmc_change *changes, size_t n,
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
/* changes[0..n_rows) (NULL: none recorded) are the rows' changes for the
 * audit trail: in a dry run they are recorded and nothing is sent
 * (PC_GATE_DRY); else recorded with the task id once it is known. */
int bm_bulk_run(struct bm_inst *bi, const char *lang, const char *csv,
                const char *const *skus, size_t n_rows,
                const struct bmc_change *changes, bm_bulk_row_fn row_fn,
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

/* ---- bm_market.c ---- */

/* Format cents in the currency's own decimals (JPY: none, "449");
 * BMC_ERR_PROTOCOL when the amount cannot be written in that currency. */
int bm_price_text(int64_t cents, const char *currency, char *buf,
                  size_t len);

/* ---- bm_catalog_feed.c: change-feed cursor and pending changes ---- */

struct bm_qitem;

/* The last change number a cycle finished and what it was read under. */
struct bm_cursor {
  char epoch[40];
  int64_t n, resync, full_ms;
  uint64_t cfg; /* bm_qty_settings_hash */
};
/* BMC_ERR_NOT_FOUND when none (or unreadable). */
int bm_cursor_load(struct bm_inst *bi, const char *name,
                   struct bm_cursor *c);
int bm_cursor_save(struct bm_inst *bi, const char *name,
                   const struct bm_cursor *c);
/* Forget the cursor: the next cycle runs a full pass. */
int bm_cursor_forget(struct bm_inst *bi, const char *name);
/* Why this cycle must read the whole catalog, or NULL when the feed can
 * answer from the cursor (have: a cursor was loaded).  Pure. */
const char *bm_cursor_full_why(int have, const struct bm_cursor *c,
                               const struct bmc_feed_head *fh, uint64_t cfg,
                               int64_t now_ms);
/* Hash of the settings the quantity sent depends on. */
uint64_t bm_qty_settings_hash(struct bm_inst *bi);
/* 0 zero-out, 1 other decrease, 2 increase (or unknown old value). */
int bm_qclass(const struct bm_qitem *q);
/* The since-time of a SKU's new pending entry (pure): had/old_ms/old_cls
 * describe its older entry. */
int64_t bm_pending_since(int had, int64_t old_ms, int old_cls, int new_cls,
                         int64_t now_ms);
/* Pending-set writes gathered and committed together, BM_PBATCH_MAX at a
 * time, in one host transaction each (state_put_many); with a host
 * without it, each write is made as it comes.  Reads of the pending set
 * through the batch see its writes. */
#define BM_PBATCH_MAX 512
struct bm_pbatch {
  struct bm_inst *bi;
  int direct;           /* the host has no state_put_many */
  char *keys[BM_PBATCH_MAX], *vals[BM_PBATCH_MAX];
  size_t lens[BM_PBATCH_MAX], n;
  struct bm_smap pi;    /* SKU -> its index value written here; -1 none */
};
void bm_pbatch_init(struct bm_pbatch *b, struct bm_inst *bi);
/* Set key (val NULL: delete it) through b, or at once when b is NULL or
 * direct. */
int bm_pbatch_write(struct bm_inst *bi, struct bm_pbatch *b, const char *key,
                    const char *val, size_t len);
/* Commit the gathered writes (durable when it returns BMC_OK). */
int bm_pbatch_flush(struct bm_pbatch *b);
/* Forget the writes not flushed (as a crash would). */
void bm_pbatch_free(struct bm_pbatch *b);
/* Replace the SKU's pending change by q / drop it (b NULL: at once). */
int bm_pending_put(struct bm_pbatch *b, const struct bm_qitem *q,
                   int64_t now_ms);
int bm_pending_drop_in(struct bm_inst *bi, struct bm_pbatch *b,
                       const char *sku);
int bm_pending_drop(struct bm_inst *bi, const char *sku);
/* A full pass: the pending set becomes items[0..n) (since-times of SKUs
 * already pending kept). */
int bm_pending_rebuild(struct bm_inst *bi, const struct bm_qitem *items,
                       size_t n, int64_t now_ms);
/* The first pending changes, in order, that fit allowance lines with
 * the others' share and the reserve kept (bm_pace_fits), at most max;
 * *items owned by the caller (bm_qitems_free). */
int bm_pending_take(struct bm_inst *bi, int64_t allowance, int64_t share,
                    int64_t reserve, size_t max, struct bm_qitem **items,
                    size_t *n);
int bm_pace_load(struct bm_inst *bi, struct bm_pace *p);
int bm_pace_save(struct bm_inst *bi, const struct bm_pace *p);

/* ---- bm_inventory.c: the quantity push engine ---- */

struct bm_qitem {
  char *sku;        /* merchant SKU, owned */
  char *listing_id; /* owned; NULL = unknown (bulk only) */
  int64_t qty;      /* new quantity */
  int64_t old;      /* what Back Market holds; -1 unknown */
  int64_t since_ms; /* pending since (a zero-out: the first cycle that saw
                       the sell-out); 0 = not from the pending set */
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
