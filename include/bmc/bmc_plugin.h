/*
 * bmc_plugin.h -- the host channel ABI: the ONE header that channel plugins
 * and the host share.
 *
 * Shape (after SQLite's sqlite3ext.h, httpd's ap_mmn.h and Redis modules):
 *   - a plugin exports exactly one symbol, BMC_PLUGIN_ENTRY_SYMBOL, which
 *     returns a pointer to a `static const struct bmc_plugin_api`;
 *   - the host passes a `const struct bmc_host_api` into create();
 *   - both tables start with struct bmc_abi_hdr (magic, size, major, minor)
 *     and each side checks the other's header before calling anything.
 *
 * Versioning.  BMC_ABI_MAJOR changes when a field is removed, reordered or
 * changes meaning: both sides refuse a different major.  BMC_ABI_MINOR
 * changes when a field is appended: the host refuses a plugin built against
 * a newer minor than its own; a plugin uses an appended host service only
 * when host->hdr.size covers it (BMC_HOST_HAS()).
 *
 * WARNING: add new members to the END of each struct only, and bump
 * BMC_ABI_MINOR.  Never reorder or remove (credit: SQLite, sqlite3ext.h).
 *
 * Ownership and lifetime.
 *   - Borrowed by default: every pointer passed across the boundary is valid
 *     only for the duration of that call.  Copy what you keep.
 *   - The allocator frees: neither side free()s memory the other allocated.
 *     No heap string crosses the boundary; text comes back through
 *     caller-provided buffers (errbuf/errlen, buf/buflen) or callbacks.
 *   - The host table outlives every plugin instance.  The plugin stores the
 *     pointer, never a copy of the struct.
 *
 * Threading.  The host never enters one plugin instance from two threads at
 * once (calls to one instance are serialized).  Different instances (one per
 * company) may run in parallel; instances share no mutable state.  Host
 * services may be called only from inside a host->plugin call (create, run,
 * destroy), on the calling thread.
 *
 * Secrets.  Settings flagged BMC_SETTING_SECRET (tokens, API keys) must
 * never be passed to log(), item_error(), or any document.  The host also
 * masks known secret values in everything it records, as a second guard.
 *
 * Channel data.  The host keeps generic product data only (struct
 * bmc_product); everything a channel needs on a product is a property the
 * plugin declares (struct bmc_property), which the host stores, validates,
 * imports, exports and shows without knowing the channel.
 *
 * 2.0 (from 1.0): struct bmc_product lost the channel fields (they are
 * properties now) and gained props/n_props; product_set() takes a market;
 * run() takes a selection; inventory_quantity() is new; the descriptor
 * appends properties, n_properties and markets.
 *
 * 2.1 (health and credentials): the BMC_ACTION_CREDENTIALS action flag;
 * host services credential_pending() and metric_record().
 * 2.1 (change feed): struct bmc_product appends change_seq; the host appends
 * the change feed (feed_head, changes_each) and state_put_many.
 * 2.1 (audit and dry run): struct bmc_change; host services job_dry_run()
 * and audit_record().
 */
#ifndef BMC_PLUGIN_H
#define BMC_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BMC_ABI_MAGIC 0x424d4331u /* "BMC1" */
#define BMC_ABI_MAJOR 2
#define BMC_ABI_MINOR 1
#define BMC_PLUGIN_ENTRY_SYMBOL "bmc_plugin_entry"

#if defined(__GNUC__)
#define BMC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define BMC_EXPORT __attribute__((visibility("default")))
#else
#define BMC_PRINTF(f, a)
#define BMC_EXPORT
#endif

struct bmc_abi_hdr {
  uint32_t magic; /* BMC_ABI_MAGIC */
  uint32_t size;  /* sizeof(the enclosing struct) as its builder compiled it */
  uint16_t major; /* BMC_ABI_MAJOR of the builder */
  uint16_t minor; /* BMC_ABI_MINOR of the builder */
};

/* Result codes.  Append only; never renumber (curl's rule).  0 is success. */
enum bmc_rc {
  BMC_OK = 0,
  BMC_ERR_INVALID_ARG = 1,   /* caller passed something wrong */
  BMC_ERR_NOMEM = 2,
  BMC_ERR_CONFIG = 3,        /* settings missing/invalid */
  BMC_ERR_SCHEMA = 4,        /* document failed XSD validation */
  BMC_ERR_TRANSPORT = 5,     /* connect/timeout/TLS; retryable */
  BMC_ERR_REMOTE_RETRY = 6,  /* 408/429/5xx; retryable */
  BMC_ERR_REMOTE_REJECT = 7, /* other 4xx; permanent, never retried blindly */
  BMC_ERR_PROTOCOL = 8,      /* malformed/unexpected remote data */
  BMC_ERR_ABI = 9,           /* header/version/size mismatch */
  BMC_ERR_INTERNAL = 10,
  BMC_ERR_NOT_FOUND = 11,    /* lookup found nothing */
  BMC_ERR_TOO_SMALL = 12,    /* caller's buffer too small; nothing written */
  BMC_ERR_CONFLICT = 13,     /* refused by the host's rules (e.g. cancel a
                                shipped order) */
  BMC_ERR_BUDGET = 14,       /* request budget exhausted; resume next run */
  BMC_ERR_UNAUTHORIZED = 15  /* credentials refused (401/403) */
};

enum bmc_log_level { BMC_LOG_ERROR = 0, BMC_LOG_WARN, BMC_LOG_INFO, BMC_LOG_DEBUG };

/* ---- Settings schema (declared by the plugin, enforced by the host) ---- */

enum bmc_setting_type {
  BMC_SET_BOOL = 1,    /* "true"/"false" */
  BMC_SET_INT = 2,     /* decimal integer within [min, max] */
  BMC_SET_STRING = 3,  /* free text; max = max length when > 0 */
  BMC_SET_DECIMAL = 4, /* money/percent as a decimal string, e.g. "12.50" */
  BMC_SET_ENUM = 5     /* one of enum_values, '|' separated */
};

#define BMC_SETTING_REQUIRED 0x1u /* must be set before scheduled runs */
#define BMC_SETTING_SECRET 0x2u   /* masked in output; never logged */

struct bmc_setting {
  const char *key;           /* [a-z0-9_]+, unique within the plugin */
  enum bmc_setting_type type;
  const char *default_value; /* text form; NULL = no default */
  int64_t min, max;          /* INT range; STRING max length (0 = none) */
  uint32_t flags;            /* BMC_SETTING_* */
  const char *enum_values;   /* ENUM only: "accept|hold|cancel" */
  const char *help;          /* one line shown by `settings show` */
};

/* ---- Actions (Toolbox "Actions" menu and scheduled tasks) ---- */

#define BMC_ACTION_MANUAL 0x1u    /* may be run by hand (run-action) */
#define BMC_ACTION_SCHEDULED 0x2u /* the scheduler runs it every interval */
#define BMC_ACTION_SKUS 0x4u      /* run() honours a selection of host SKUs
                                     (product-level and catalog actions) */
#define BMC_ACTION_ORDERS 0x8u    /* run() honours a selection of source
                                     order ids */
/* 2.1: the action checks the credentials (the SECRET settings) against
 * the marketplace with one cheap call and fails with BMC_ERR_UNAUTHORIZED
 * (or another rc, reason in errbuf) when they are refused.  The host runs
 * it to validate a pending secret before swapping it in; during that run
 * setting_get returns the pending values and credential_pending() is 1.
 * At most one action per plugin. */
#define BMC_ACTION_CREDENTIALS 0x10u

struct bmc_action {
  const char *id;           /* e.g. "order_download" */
  const char *display_name; /* e.g. "Order Download" */
  uint32_t default_interval_s; /* scheduling interval; 0 = manual only */
  uint32_t flags;           /* BMC_ACTION_* */
  const char *enabled_by;   /* BOOL setting key gating scheduled runs
                               (Toolbox switch), or NULL = always */
};

/* ---- Product properties (declared by the plugin, kept by the host) ---- */

/* A property may hold one value per market besides its global value; the
 * global value applies to markets without one of their own (the plugin
 * decides what "applies" means, e.g. prices only in the same currency). */
#define BMC_PROP_PER_MARKET 0x1u
/* Required before the product can be posted (shown on the product page;
 * the plugin's Ready To Post says what is missing). */
#define BMC_PROP_REQUIRED_TO_POST 0x2u
/* Written by the plugin only (product_set), e.g. a listing id or Ready To
 * Post; read-only for imports and users, not exported. */
#define BMC_PROP_PLUGIN_OWNED 0x4u
/* STRING, global: product_get() also finds a product by this value (a
 * channel-side SKU). */
#define BMC_PROP_SKU_ALIAS 0x8u
/* BOOL: the product is offered on the channel; catalog_each(enabled_only)
 * streams the products where it is "true" globally or for any market. */
#define BMC_PROP_LISTS 0x10u
/* ENUM "Yes|No", PLUGIN_OWNED: the plugin's Ready To Post verdict (per
 * market when PER_MARKET), listed by the host's `ready` and shown on the
 * product page.  At most one. */
#define BMC_PROP_READY 0x20u
/* STRING, PLUGIN_OWNED: why the READY property says No ("; " between
 * reasons).  At most one, only beside a READY property. */
#define BMC_PROP_READY_REASONS 0x40u
/* STRING: free text that may hold tabs and line breaks (a description);
 * every other control character is refused. */
#define BMC_PROP_MULTILINE 0x80u

struct bmc_property {
  const char *key;           /* [a-z0-9_]+, unique within the plugin */
  enum bmc_setting_type type; /* values are checked like settings */
  const char *column;        /* Bulk Update header, e.g. "BackmarketPrice";
                                "Condition|Grade": '|' adds aliases that
                                imports accept.  A market's value of a
                                PER_MARKET property is the column
                                "<Column>_<market>" (BackmarketPrice_en-gb).
                                NULL only for PLUGIN_OWNED. */
  const char *label;         /* shown on the product page */
  const char *panel;         /* page panel, e.g. "General", "Pricing" */
  const char *default_value; /* value when unset (text); NULL = none */
  int64_t min, max;          /* as struct bmc_setting */
  int decimals;              /* DECIMAL: at most this many fraction digits
                                (0 = any) */
  const char *enum_values;   /* ENUM only: "A|B|C" */
  uint32_t flags;            /* BMC_PROP_* */
  const char *help;          /* one line */
};

/* One stored value of a property of the calling plugin. */
struct bmc_prop_value {
  const char *key;    /* a declared property key */
  const char *market; /* "" = the global value, else a declared market */
  const char *value;  /* text form, never NULL */
};

/* ---- Catalog rows (host -> plugin, streamed) ---- */

/* A product as the host holds it: generic data plus the calling plugin's
 * property values.  All strings borrowed for the callback; NULL when
 * unset.  Money and weights are decimal strings ("449.00"). */
struct bmc_product {
  uint32_t size;              /* sizeof as the host compiled it */
  const char *sku;            /* host SKU (unique per company) */
  const char *title, *description, *ean, *image_url;
  const char *weight_lbs;     /* decimal string (WeightLbs + WeightOz/16) */
  const char *site_price;     /* default site/retail price */
  int64_t available_qty;      /* may be zero or negative */
  /* free attributes (eligibility rules, filters) */
  const char *device_type;    /* phone|tablet|laptop|desktop|all_in_one|
                                 gaming|chromebook|2in1|... */
  const char *cpu;
  const char *storage_type;   /* SSD|HDD|eMMC|... */
  int storage_gb, ram_gb, release_year; /* -1 unset */
  /* the calling plugin's stored values (defaults not filled in), sorted
   * by key, then market ("" first) */
  const struct bmc_prop_value *props;
  size_t n_props;
  /* Version 2.1 and later: append below; read only what size covers. */
  /* The product's change number in the company's change feed (its last
   * counted change; see changes_each). */
  int64_t change_seq;
};

/* Return 0 to continue iterating, non-zero to stop (that value is
 * returned by the iterator). */
typedef int (*bmc_product_cb)(void *ud, const struct bmc_product *p);

/* Receives one XML document (order.xsd / settlement.xsd), borrowed. */
typedef int (*bmc_doc_cb)(void *ud, const char *xml, size_t len);

/* Order queries answered by orders_each(); always scoped to the calling
 * instance's company and plugin. */
enum bmc_order_query {
  BMC_Q_SHIPPED_UNREPORTED = 1,   /* shipped (fully or partly) in the host,
                                     source_updated_for_shipping false */
  BMC_Q_CANCELLED_UNREPORTED = 2, /* cancelled in the host, not yet
                                     reported to the marketplace */
  BMC_Q_OPEN = 3,                 /* not shipped, not cancelled */
  BMC_Q_ALL = 4
};

enum bmc_report_kind {
  BMC_REPORT_SHIPPING = 1, /* sets "source updated for shipping" */
  BMC_REPORT_CANCEL = 2    /* cancellation acknowledged by marketplace */
};

/* The change feed (ABI 2.1).  The host numbers every counted change of a
 * product (generic data, stock, any property value a user or an import
 * writes; not the plugin's own writes of PLUGIN_OWNED properties) with a
 * per-company sequence, in the transaction of the change.  A plugin keeps
 * the last number it finished with the epoch it came from, and trusts it
 * only while epoch and resync are unchanged and it is not above head. */
struct bmc_feed_head {
  uint32_t size;   /* sizeof as the caller compiled it */
  char epoch[40];  /* names this feed; changes after a restore or a new
                      store, so a number from another feed is never
                      trusted */
  int64_t head;    /* the company's last change number */
  int64_t resync;  /* changes when the quantities of every product may have
                      changed without a product change (the company's
                      Custom Inventory Calculation): read everything */
};

/* One change to marketplace state, as the write gate records it in the
 * host's audit trail (ABI 2.1).  Strings borrowed; NULL = not
 * applicable or unknown. */
struct bmc_change {
  uint32_t size;          /* sizeof as the plugin compiled it */
  const char *trigger;    /* NULL = the job's (schedule, hand, retry); else
                             e.g. "repricer", "reconciliation", "operator" */
  const char *sku;        /* item: host SKU */
  const char *market;     /* e.g. "fr-fr" */
  const char *order;      /* source order id */
  const char *line;       /* order line id */
  const char *field;      /* what changes: "quantity", "price", "state",
                             "tracking", "imei", "listing"; required */
  const char *old_value;  /* what the plugin believes the marketplace holds */
  const char *new_value;  /* what is (would be) sent */
  const char *request_id; /* the marketplace's request id or bulk task id */
  const char *result;     /* "ok", "dry_run", "rejected", "failed",
                             "unconfirmed"; required */
  const char *detail;     /* short reason (HTTP status, error), no secret */
};

/* ---- Host services (host -> plugin) ---- */

struct bmc_host_api {
  struct bmc_abi_hdr hdr;

  /* Log a line into the current job's log (and the host log).
   * ERROR lines set the job log's error flag. */
  void (*log)(void *host_ctx, enum bmc_log_level level, const char *fmt, ...)
      BMC_PRINTF(3, 4);

  /* Copy the company's Toolbox setting `key` (text form, default applied)
   * into buf.  BMC_ERR_NOT_FOUND if unset with no default,
   * BMC_ERR_TOO_SMALL if it does not fit. */
  int (*setting_get)(void *host_ctx, const char *key, char *buf,
                     size_t buflen);

  /* The host clock (virtual in tests and the demo), ms since the epoch. */
  int64_t (*now_ms)(void *host_ctx);
  /* Let ms pass (rate-limit pacing).  On the real clock this sleeps; on the
   * virtual clock it advances virtual time, which every component sharing
   * the clock (e.g. an embedded marketplace simulator) observes. */
  void (*wait_ms)(void *host_ctx, int64_t ms);

  /* Durable key-value state, private to (company, plugin).  put is
   * committed when it returns.  get copies up to buflen bytes and sets
   * *len to the full length (BMC_ERR_TOO_SMALL if it did not fit). */
  int (*state_get)(void *host_ctx, const char *key, char *buf, size_t buflen,
                   size_t *len);
  int (*state_put)(void *host_ctx, const char *key, const char *val,
                   size_t len);
  int (*state_del)(void *host_ctx, const char *key);
  /* Stream every key starting with prefix, in key order. */
  int (*state_each)(void *host_ctx, const char *prefix,
                    int (*cb)(void *ud, const char *key, const char *val,
                              size_t len),
                    void *ud);

  /* Stream the company's catalog in SKU order (enabled_only: only the
   * products the plugin's BMC_PROP_LISTS property offers; all when it
   * declares none).  Never materializes the whole catalog. */
  int (*catalog_each)(void *host_ctx, int enabled_only, bmc_product_cb cb,
                      void *ud);
  /* One product by host SKU, else by the value of the plugin's
   * BMC_PROP_SKU_ALIAS property; BMC_ERR_NOT_FOUND. */
  int (*product_get)(void *host_ctx, const char *sku, bmc_product_cb cb,
                     void *ud);
  /* Set (value NULL: clear) a BMC_PROP_PLUGIN_OWNED property of product
   * sku (host or alias SKU); market NULL or "" = the global value.  The
   * value is checked against the declaration.  BMC_ERR_NOT_FOUND (no such
   * product), BMC_ERR_INVALID_ARG (undeclared key, not plugin-owned,
   * market not declared or not PER_MARKET, value refused). */
  int (*product_set)(void *host_ctx, const char *sku, const char *key,
                     const char *market, const char *value);
  /* The company's Custom Inventory Calculation: the quantity the host
   * offers of p (the product as catalog_each/product_get gave it), >= 0.
   * BMC_ERR_NOT_FOUND when the company has none (use available_qty);
   * BMC_ERR_INTERNAL when the calculation failed (logged by the host). */
  int (*inventory_quantity)(void *host_ctx, const struct bmc_product *p,
                            int64_t *qty);

  /* Create or update an order from an order.xsd document, keyed on
   * (company, channel, source_order_id).  The document is validated first
   * (BMC_ERR_SCHEMA, message in errbuf, job log and error queue).  Create
   * sets status from the document; update changes marketplace-owned fields
   * only (marketplace states, payment status, refunds), never host-owned
   * ones (status, shipping, tracking, serials).  *created is 1 when a new
   * order was made.  Durable when it returns BMC_OK. */
  int (*order_upsert)(void *host_ctx, const char *xml, size_t len,
                      int *created, char *errbuf, size_t errlen);
  /* The host's order document for source_order_id (order.xsd with the
   * host-owned fields filled in); BMC_ERR_NOT_FOUND. */
  int (*order_get)(void *host_ctx, const char *source_order_id, bmc_doc_cb cb,
                   void *ud);
  int (*orders_each)(void *host_ctx, enum bmc_order_query q, bmc_doc_cb cb,
                     void *ud);
  /* Change an order's host status ("InProcess", "OnHold", "Cancelled")
   * with a note kept on the order.  BMC_ERR_CONFLICT when the host's rules
   * refuse (e.g. cancelling a shipped order). */
  int (*order_set_status)(void *host_ctx, const char *source_order_id,
                          const char *status, const char *note);
  int (*order_mark_reported)(void *host_ctx, const char *source_order_id,
                             enum bmc_report_kind kind);

  /* Import a settlement.xsd document (upsert on settlement_id). */
  int (*settlement_import)(void *host_ctx, const char *xml, size_t len,
                           char *errbuf, size_t errlen);

  /* Job progress and the per-item error queue.  item is a SKU, order id
   * or other key the operator can search for; code is short and stable
   * ("imei_invalid", "quota", "remote_reject", ...). */
  void (*job_progress)(void *host_ctx, int64_t done, int64_t total);
  void (*item_error)(void *host_ctx, const char *item, const char *code,
                     const char *message);

  /* ABI 2.1: health and credentials (use only when BMC_HOST_HAS()). */
  /* 1 while the running action validates pending secret values (the
   * BMC_ACTION_CREDENTIALS action run by the host's token rotation):
   * setting_get returns them, and the plugin must not record anything
   * about the active credentials (e.g. "connection tested" state). */
  int (*credential_pending)(void *host_ctx);
  /* Record one sample of a named metric of a market ("" = the whole
   * company/plugin), e.g. "requests_overall" = requests sent this run,
   * kept by the host as a time series (ts = now_ms) with retention and
   * summed per hour and day in the health view.  name: [a-z0-9_]{1,64};
   * market: "" or a declared market.  BMC_ERR_INVALID_ARG otherwise. */
  int (*metric_record)(void *host_ctx, const char *market, const char *name,
                       double value);

  /* ABI 2.1: change feed */
  /* The company's change feed as it stands: its epoch, head and resync
   * (struct bmc_feed_head; the caller sets out->size). */
  int (*feed_head)(void *host_ctx, struct bmc_feed_head *out);
  /* Stream the company's products whose change number is in (since,
   * upto], in change order: each changed product once, with its current
   * values and the calling plugin's property values (as catalog_each,
   * listed or not, change_seq set), in bounded pages with no read open
   * during the callback.  A change made while the stream runs has a
   * number above upto: the next stream from upto has it. */
  int (*changes_each)(void *host_ctx, int64_t since, int64_t upto,
                      bmc_product_cb cb, void *ud);
  /* Durable state writes in one transaction: for each i < n, keys[i] set
   * to vals[i] (lens[i] bytes), or deleted when vals[i] is NULL (a key
   * that is not there is no error).  All or none: committed when it
   * returns BMC_OK, as state_put; on an error none of them was made. */
  int (*state_put_many)(void *host_ctx, const char *const *keys,
                        const char *const *vals, const size_t *lens,
                        size_t n);

  /* ABI 2.1: audit and dry run */
  /* 1 when the current job is a dry run (the company's switch or `run
   * --dry-run`): the plugin sends no request that changes the
   * marketplace, records what it would send through audit_record(), and
   * writes no order or state (the host refuses those writes in a dry run
   * with BMC_ERR_CONFLICT; state keys under "budget/", a request budget's
   * usage, are accepted and not stored).  0 outside a job. */
  int (*job_dry_run)(void *host_ctx);
  /* Record changes[0..n) sent (or, in a dry run, that would be sent) to
   * the marketplace, durably and in one transaction, in the host's audit
   * trail (kept by the host's retention setting, independent of the job
   * log).  In a dry run each row is also a diff line in the job log.  The
   * host masks secrets in every field.  BMC_ERR_INVALID_ARG (a change
   * without field or result: nothing recorded). */
  int (*audit_record)(void *host_ctx, const struct bmc_change *changes,
                      size_t n);

  /* Version 2.2 and later: append new services below, one comment each. */
};

#define BMC_HOST_HAS(host, member)                                          \
  ((host)->hdr.size >= offsetof(struct bmc_host_api, member) +              \
                           sizeof((host)->member))

/* ---- The plugin descriptor (plugin -> host), static const in the .so ---- */

struct bmc_plugin_api {
  struct bmc_abi_hdr hdr;
  const char *name;         /* stable id, e.g. "backmarket" */
  const char *display_name; /* e.g. "Back Market" */
  const char *version;      /* plugin semver, independent of the ABI */
  const struct bmc_setting *settings;
  size_t n_settings;
  const struct bmc_action *actions;
  size_t n_actions;

  /* Make an instance for one company.  Checks host->hdr first.  On failure
   * returns non-zero and writes a message into errbuf; *inst is untouched.
   * host_ctx is passed back on every host call. */
  int (*create)(const struct bmc_host_api *host, void *host_ctx, void **inst,
                char *errbuf, size_t errlen);
  /* Run one action as one queued job.  items[0..n_items) is the
   * selection (host SKUs for BMC_ACTION_SKUS, source order ids for
   * BMC_ACTION_ORDERS; borrowed); n_items 0 = the whole catalog / every
   * order.  The host passes a selection only to actions flagged for it.
   * BMC_OK with no item_error() calls means Completed; BMC_OK with item
   * errors means Partial Success; any other rc means Failed (message in
   * errbuf). */
  int (*run)(void *inst, const char *action_id, const char *const *items,
             size_t n_items, char *errbuf, size_t errlen);
  void (*destroy)(void *inst); /* accepts NULL */
  const char *(*strerror)(int rc);

  /* Product properties (may be none: NULL, 0). */
  const struct bmc_property *properties;
  size_t n_properties;
  /* '|' list of the market codes a PER_MARKET property may hold a value
   * for, e.g. "fr-fr|en-gb"; NULL or "" = none. */
  const char *markets;

  /* Version 2.1 and later: append below. */
};

typedef const struct bmc_plugin_api *(*bmc_plugin_entry_fn)(void);

/* The only symbol a plugin exports. */
BMC_EXPORT const struct bmc_plugin_api *bmc_plugin_entry(void);

/* ---- Custom Inventory Calculation modules (loaded by the host) ----
 * A company's calculation may be a module: a shared object exporting only
 * BMC_INVCALC_ENTRY_SYMBOL, which returns a static const table.  Same
 * header rules (magic, major, minor, size) and ownership rules as above;
 * quantity() must be pure (no global state), it may be called for
 * several companies from several threads. */
#define BMC_INVCALC_ENTRY_SYMBOL "bmc_invcalc_entry"

struct bmc_invcalc_api {
  struct bmc_abi_hdr hdr;
  const char *name; /* e.g. "keep_back" */
  /* *qty = the quantity offered of p.  args: the text after the module
   * path in the company's calculation ("" when none). */
  int (*quantity)(const char *args, const struct bmc_product *p,
                  int64_t *qty, char *errbuf, size_t errlen);
  /* Version 2.1 and later: append below. */
};

typedef const struct bmc_invcalc_api *(*bmc_invcalc_entry_fn)(void);

#ifdef __cplusplus
}
#endif
#endif /* BMC_PLUGIN_H */
