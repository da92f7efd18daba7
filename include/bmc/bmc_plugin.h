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
 */
#ifndef BMC_PLUGIN_H
#define BMC_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BMC_ABI_MAGIC 0x424d4331u /* "BMC1" */
#define BMC_ABI_MAJOR 1
#define BMC_ABI_MINOR 0
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

struct bmc_action {
  const char *id;           /* e.g. "order_download" */
  const char *display_name; /* e.g. "Order Download" */
  uint32_t default_interval_s; /* scheduling interval; 0 = manual only */
  uint32_t flags;           /* BMC_ACTION_* */
  const char *enabled_by;   /* BOOL setting key gating scheduled runs
                               (Toolbox switch), or NULL = always */
};

/* ---- Catalog rows (host -> plugin, streamed) ---- */

/* A product as the host holds it.  All strings borrowed for the callback;
 * NULL when unset.  Money is a decimal string ("449.00").  Integers use -1
 * for "unset / use company default" where noted. */
struct bmc_product {
  uint32_t size;              /* sizeof as the host compiled it */
  const char *sku;            /* host SKU (unique per company) */
  const char *merchant_sku;   /* Back Market SKU; falls back to sku */
  int enabled;                /* Back Market Enabled */
  const char *title, *description, *ean, *image_url, *category;
  const char *weight_lbs;     /* decimal string */
  int warranty_months;        /* -1 unset */
  const char *grade;          /* as entered: PREMIUM..STALLONE or "0".."4" */
  const char *bm_product_id;  /* Back Market product (catalog) id */
  const char *bm_listing_id;  /* listing id, filled by listing download */
  const char *price;          /* Back Market price; NULL = use site_price */
  const char *site_price;     /* default site/retail price */
  const char *min_price;      /* repricer floor */
  int repricing;              /* Enable Back Market Repricing */
  int safety_qty;             /* -1 = company default */
  int max_qty;                /* -1 = company default */
  int64_t available_qty;      /* may be zero or negative */
  /* free attributes for eligibility rules */
  const char *device_type;    /* phone|tablet|laptop|desktop|all_in_one|
                                 gaming|chromebook|2in1|... */
  const char *cpu;
  const char *storage_type;   /* SSD|HDD|eMMC|... */
  int storage_gb, ram_gb, release_year; /* -1 unset */
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

  /* Stream the company's catalog in SKU order (enabled_only: Back Market
   * Enabled products only).  Never materializes the whole catalog. */
  int (*catalog_each)(void *host_ctx, int enabled_only, bmc_product_cb cb,
                      void *ud);
  /* One product by host SKU or merchant SKU; BMC_ERR_NOT_FOUND. */
  int (*product_get)(void *host_ctx, const char *sku, bmc_product_cb cb,
                     void *ud);
  /* Set a plugin-owned product property.  Keys: "bm_listing_id",
   * "ready_to_post" ("Yes"/"No"), "ready_to_post_reasons" (text). */
  int (*product_set)(void *host_ctx, const char *sku, const char *key,
                     const char *value);

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

  /* Version 1.1 and later: append new services below, one comment each. */
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
  /* Run one action as one queued job.  BMC_OK with no item_error() calls
   * means Completed; BMC_OK with item errors means Partial Success; any
   * other rc means Failed (message in errbuf). */
  int (*run)(void *inst, const char *action_id, char *errbuf, size_t errlen);
  void (*destroy)(void *inst); /* accepts NULL */
  const char *(*strerror)(int rc);

  /* Version 1.1 and later: append below. */
};

typedef const struct bmc_plugin_api *(*bmc_plugin_entry_fn)(void);

/* The only symbol a plugin exports. */
BMC_EXPORT const struct bmc_plugin_api *bmc_plugin_entry(void);

#ifdef __cplusplus
}
#endif
#endif /* BMC_PLUGIN_H */
