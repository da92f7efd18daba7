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

#endif /* BM_CATALOG_SIDE_H */
