/*
 * hs_host.h -- the host simulator's public library API (Sellercloud-style
 * host): store, companies, Toolbox settings, products, queued jobs with
 * logs, the per-item error queue, orders, settlements, the clock, the
 * scheduler and a fault hook for crash-safety tests.  Used by the host-sim
 * CLI, by every test that drives a plugin through a host, and by the demo.
 *
 * Conventions.
 *   - Functions return an enum bmc_rc value (0 = BMC_OK).  Where an
 *     (err, errlen) pair is taken, a failure writes a message that says
 *     what is wrong and where; err may be NULL.
 *   - Companies and plugins are named by text (company name, plugin name
 *     as in bmc_plugin_api.name).  BMC_ERR_NOT_FOUND when unknown.
 *   - Strings handed to callbacks are borrowed for the callback only.
 *     A callback returns 0 to continue; non-zero stops the iteration and
 *     that value is returned.  hs_products_each/hs_product_get callbacks
 *     may write to the store (rows are read a page at a time); the other
 *     listings (jobs, job log, errors, orders, companies, settlements)
 *     hold a read while they call back: write after they return.
 *   - One struct hs_host is used from one thread at a time, except
 *     hs_clock_now()/hs_clock_now_cb() and hs_scheduler_stop(), which are
 *     safe from any thread (and the latter from a signal handler).
 */
#ifndef HS_HOST_H
#define HS_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "bmc/bmc_plugin.h"

struct hs_host;

/* ---- open / close ---- */

struct hs_options {
  const char *db_path;      /* SQLite file (created); ":memory:" allowed */
  const char *plugin_dir;   /* load every *.so in it at open; NULL = none */
  const char *schema_dir;   /* holds order.xsd, settlement.xsd; NULL =
                               $BMC_SCHEMA_DIR, then the build's schemas */
  int virtual_clock;        /* 1 = virtual clock (tests, demo) */
  int64_t virtual_start_ms; /* virtual clock start; 0 = real time now */
  int sync_full;            /* 1 = fsync every commit (SQLite synchronous
                               FULL); 0 = WAL NORMAL: commits survive a
                               process crash, the last ones may be lost on
                               power failure (20x faster job logs) */
  const char *key_file;     /* the store key that seals secret settings
                               (host.cfg key_file); NULL = "<db_path>.key"
                               beside the store, created 0600 with a new
                               key when the store has none; for ":memory:"
                               a key that lives in memory only */
};

/* Open (create/migrate) the store, load schemas and plugins.  Jobs left
 * Processing by a crash are marked Interrupted.  *out owned by caller.
 * The store and its -wal/-shm files are created 0600 (an existing store
 * of this user loses group/other access).  The store key (key_file) is
 * checked against the fingerprint the store keeps: a store whose sealed
 * secrets cannot be opened (key file missing, or another key) is refused
 * with BMC_ERR_CONFIG saying which file to restore.  When the store holds
 * secrets the process is made non-dumpable (hs_process_harden). */
int hs_host_open(const struct hs_options *opt, struct hs_host **out,
                 char *err, size_t errlen);
/* Destroys plugin instances, closes the store.  Accepts NULL. */
void hs_host_close(struct hs_host *h);
/* Text for an enum bmc_rc value (static string). */
const char *hs_rc_name(int rc);
/* Store schema version after migrations (for tests and `init`). */
int hs_store_version(struct hs_host *h);

/* The message of the last failure recorded by a call that takes no err
 * buffer (store busy, a refused company name, a second scheduler, a
 * secret that cannot be decrypted); "" when none.  Borrowed, valid until
 * the next call on h. */
const char *hs_last_error(struct hs_host *h);

/* ---- secrets at rest ---- */

/* The key file in use; NULL for the in-memory key of a ":memory:" store.
 * Back it up with the store: without it the secret settings are lost. */
const char *hs_store_key_path(struct hs_host *h);
/* Re-seal every secret setting under a new random key, atomically: the
 * new key is written to "<key_file>.new" (0600), the store switches in
 * one transaction, then the file is renamed over key_file (an interrupted
 * rotation is finished by the next open).  Other processes on the store
 * pick the new key up by themselves.  BMC_ERR_CONFLICT when another
 * process rotated first. */
int hs_store_rotate_key(struct hs_host *h, char *err, size_t errlen);
/* Make this process non-dumpable (prctl PR_SET_DUMPABLE 0: no core
 * file, no ptrace by other processes of the user) and set RLIMIT_CORE to
 * 0.  hs_host_open calls it when the store holds secrets; a CLI reading a
 * secret from stdin calls it before reading. */
int hs_process_harden(char *err, size_t errlen);

/* Host log sink for lines outside a job (and a copy of job lines);
 * default: none.  level is enum bmc_log_level. */
typedef void (*hs_log_fn)(void *ud, int level, const char *line);
void hs_host_set_log(struct hs_host *h, hs_log_fn fn, void *ud);

/* ---- host.cfg ---- */

/* Read and validate host.cfg (errors carry file:line) and apply it:
 * loads plugins from its plugin_dir when given, creates companies, sets
 * plugin enablement and Toolbox settings (validated).  Nothing is applied
 * when validation fails. */
int hs_host_load_config(struct hs_host *h, const char *cfg_path, char *err,
                        size_t errlen);

/* ---- plugins ---- */

/* Load every plugin in dir / one plugin file (ABI checked). */
int hs_host_load_plugins(struct hs_host *h, const char *dir, char *err,
                         size_t errlen);
int hs_host_load_plugin(struct hs_host *h, const char *path, char *err,
                        size_t errlen);
/* Register an in-memory descriptor (tests); api is borrowed and must
 * outlive the host.  origin is a label shown by `plugins`.  Same checks
 * as for a loaded file; BMC_ERR_CONFLICT if the name is taken. */
int hs_host_add_plugin_api(struct hs_host *h,
                           const struct bmc_plugin_api *api,
                           const char *origin, char *err, size_t errlen);

struct hs_plugin_info {
  const char *name, *display_name, *version; /* plugin version */
  const char *origin;                        /* file path or label */
  unsigned abi_major, abi_minor;             /* from the descriptor */
  const struct bmc_plugin_api *api;          /* settings[], actions[] */
};
size_t hs_plugin_count(struct hs_host *h);
/* i < hs_plugin_count(); BMC_ERR_NOT_FOUND otherwise. */
int hs_plugin_get(struct hs_host *h, size_t i, struct hs_plugin_info *out);
/* NULL when no plugin has that name. */
const struct bmc_plugin_api *hs_plugin_find(struct hs_host *h,
                                            const char *name);

/* ---- companies and plugin enablement ---- */

/* BMC_ERR_INVALID_ARG for an empty name or one with a control character
 * (the reason in hs_last_error()), BMC_ERR_CONFLICT when it exists. */
int hs_company_add(struct hs_host *h, const char *name, int64_t *id);
int hs_company_find(struct hs_host *h, const char *name, int64_t *id);
int hs_companies_each(struct hs_host *h,
                      int (*cb)(void *ud, int64_t id, const char *name),
                      void *ud);
/* Enable/disable a loaded plugin for a company (Toolbox channel switch). */
int hs_company_plugin_enable(struct hs_host *h, const char *company,
                             const char *plugin, int enabled, char *err,
                             size_t errlen);
/* *enabled = 0 when never enabled. */
int hs_company_plugin_enabled(struct hs_host *h, const char *company,
                              const char *plugin, int *enabled);

/* ---- Toolbox settings per (company, plugin) ---- */

/* Validate against the plugin's schema and store.  Refuses unknown keys,
 * wrong types, out-of-range values, control characters in strings (CR,
 * LF, NUL, other C0, DEL), secrets with surrounding whitespace, an empty
 * required setting (BMC_ERR_CONFIG, message names key and problem, never
 * the secret).  Secret values are stored sealed (see hs_host_open). */
int hs_company_setting_set(struct hs_host *h, const char *company,
                           const char *plugin, const char *key,
                           const char *value, char *err, size_t errlen);
/* Safe rotation of a SECRET setting (hs_rotate.c): store value as the
 * pending value of key (validated like a set; the active value is
 * untouched).  BMC_ERR_CONFIG for a setting that is not secret or a plugin
 * without a BMC_ACTION_CREDENTIALS action. */
int hs_setting_stage_pending(struct hs_host *h, const char *company,
                             const char *plugin, const char *key,
                             const char *value, char *err, size_t errlen);
/* Run the plugin's credential check on the pending values now, as a job
 * (trigger "rotation", *job_id may be NULL); on success swap them in
 * (BMC_OK), else drop them and return the job's failure with the
 * marketplace's reason in err (the active values stay).
 * BMC_ERR_NOT_FOUND when nothing is pending; BMC_ERR_CONFLICT when the
 * instance is busy (it stays pending; the scheduler checks it between
 * jobs). */
int hs_rotation_check(struct hs_host *h, const char *company,
                      const char *plugin, int64_t *job_id, char *err,
                      size_t errlen);
/* Health facts of one enabled (company, plugin) (hs_health.c); every
 * pointer is valid during the callback only.  Times are ms since the
 * epoch, 0 = never. */
struct hs_health_action {
  const char *action;         /* a scheduled action */
  int64_t last_ok_ms;         /* last Completed / Partial Success finish */
  int64_t last_run_ms;        /* last finish, any outcome */
  int last_status;            /* its enum hs_job_status, -1 = never ran */
};
struct hs_health_count {
  const char *code;
  int64_t n;                  /* open error-queue entries with that code */
};
struct hs_health_metric {
  const char *market, *name;  /* market "" = the whole company/plugin */
  double last_hour, last_day; /* sums of the samples */
  int64_t last_ms;            /* newest sample */
};
struct hs_health_order {
  const char *source_order_id;
  int64_t deadline_ms;        /* the plugin's dispatch deadline */
  int late;                   /* 1 past it, 0 within the warning time */
};
struct hs_health {
  const char *company, *plugin;
  int64_t now_ms;
  const char *token_status;   /* valid | refused | check_failed | unchecked */
  int64_t token_checked_ms;   /* last successful credential check */
  const char *alert;          /* open company alert message, or NULL */
  int64_t alert_ms;
  const char *rotation;       /* pending|refused|serving|done, NULL = none */
  int64_t rotation_ms;        /* when the pending value was staged */
  const struct hs_health_action *actions;
  size_t n_actions;
  const struct hs_health_count *errors;
  size_t n_errors;
  const struct hs_health_metric *metrics;
  size_t n_metrics;
  /* unshipped orders near (within the company's warning time) or past
   * their dispatch deadline: counts, and the first 50, earliest first */
  int64_t n_due_soon, n_late;
  const struct hs_health_order *orders;
  size_t n_orders;
};
/* Every enabled (company, plugin), company NULL = all companies;
 * BMC_ERR_NOT_FOUND for an unknown company. */
int hs_health_each(struct hs_host *h, const char *company,
                   int (*cb)(void *ud, const struct hs_health *v), void *ud);
/* The samples plugins recorded for (company, plugin) after since_ms
 * (hs_metric.c), series by series (name, then market) and oldest first
 * within one; every pointer is valid during the callback only.  A non-zero
 * return of cb stops and is returned; BMC_ERR_NOT_FOUND for an unknown
 * company. */
struct hs_metric_sample {
  const char *market, *name;  /* market "" = the whole company/plugin */
  int64_t ts_ms;
  double value;
};
int hs_metric_samples_each(struct hs_host *h, const char *company,
                           const char *plugin, int64_t since_ms,
                           int (*cb)(void *ud,
                                     const struct hs_metric_sample *s),
                           void *ud);
/* Dispatch deadlines (hs_deadline.c): flag unshipped orders whose
 * deadline is within the company's warning time (dispatch_due_soon) or
 * past (dispatch_late) in the error queue, once each; *flagged (may be
 * NULL) counts the new entries.  The scheduler runs it between jobs. */
int hs_deadlines_scan(struct hs_host *h, int *flagged);
/* How long before a deadline the host warns, per company (ms; default
 * 4 hours).  BMC_ERR_NOT_FOUND / BMC_ERR_INVALID_ARG (0..720 h). */
int hs_company_dispatch_warn_set(struct hs_host *h, const char *company,
                                 int64_t warn_ms, char *err, size_t errlen);
int hs_company_dispatch_warn_get(struct hs_host *h, const char *company,
                                 int64_t *warn_ms);
/* Remove a stored value (the schema default applies again). */
int hs_company_setting_unset(struct hs_host *h, const char *company,
                             const char *plugin, const char *key);
/* Stored value or schema default, unmasked.  BMC_ERR_NOT_FOUND when
 * neither exists, BMC_ERR_TOO_SMALL when buf is too small. */
int hs_company_setting_get(struct hs_host *h, const char *company,
                           const char *plugin, const char *key, char *buf,
                           size_t buflen);

struct hs_setting_view {
  const struct bmc_setting *schema;
  const char *value; /* shown value: "****" for a set secret; NULL unset */
  int is_set;        /* 1 = stored for the company, 0 = default/unset */
};
/* Every schema setting in schema order, secrets masked ("settings show"). */
int hs_company_settings_each(struct hs_host *h, const char *company,
                             const char *plugin,
                             int (*cb)(void *ud,
                                       const struct hs_setting_view *v),
                             void *ud);

/* ---- products ---- */

/* Input for hs_product_upsert: the host's generic product data.  Channel
 * data are the plugins' product properties (hs_product_prop_set()).
 * Strings borrowed; NULL = unset.  Integers: -1 = unset.  Money and
 * weights are decimal strings. */
struct hs_product {
  const char *sku;
  const char *title, *description, *ean, *image_url;
  const char *weight_lbs, *weight_oz;
  const char *site_price;
  int64_t available_qty;
  const char *device_type, *cpu, *storage_type;
  int storage_gb, ram_gb, release_year;
};
/* Initialise p: all strings NULL, integers -1, qty 0. */
void hs_product_init(struct hs_product *p);
/* Create or replace the generic data of (company, sku) (property values
 * stay); *created may be NULL. */
int hs_product_upsert(struct hs_host *h, const char *company,
                      const struct hs_product *p, int *created, char *err,
                      size_t errlen);
/* One product's generic data (no property values; weight_lbs = WeightLbs +
 * WeightOz/16), by host SKU or any plugin's SKU alias. */
int hs_product_get(struct hs_host *h, const char *company, const char *sku,
                   bmc_product_cb cb, void *ud);
/* The same with plugin's property values, as that plugin sees it. */
int hs_product_get_for(struct hs_host *h, const char *company,
                       const char *plugin, const char *sku,
                       bmc_product_cb cb, void *ud);
/* Stream the catalog in SKU order (generic data; enabled_only ignored
 * without a plugin). */
int hs_products_each(struct hs_host *h, const char *company,
                     int enabled_only, bmc_product_cb cb, void *ud);
/* The same as plugin's catalog_each sees it. */
int hs_products_each_for(struct hs_host *h, const char *company,
                         const char *plugin, int enabled_only,
                         bmc_product_cb cb, void *ud);
int hs_products_count(struct hs_host *h, const char *company, int64_t *n);
/* The range of an available quantity (Bulk Update CSV and stock set). */
#define HS_QTY_MIN (-1000000000LL)
#define HS_QTY_MAX 1000000000LL
/* BMC_ERR_INVALID_ARG when available_qty is outside HS_QTY_MIN..MAX. */
int hs_stock_set(struct hs_host *h, const char *company, const char *sku,
                 int64_t available_qty);

/* ---- the change feed (hs_feed.c) ---- */

/* The company's change feed: epoch (epochlen >= 17), the last change
 * number and the resync counter (bumped when the company's Custom
 * Inventory Calculation changes). */
int hs_feed_head(struct hs_host *h, const char *company, char *epoch,
                 size_t epochlen, int64_t *head, int64_t *resync);
/* Give the feed of company (NULL: of every company) a new epoch, so that
 * every plugin reads the whole catalog in its next cycle instead of
 * trusting the change number it stored: after restoring the store from a
 * backup (the channel holds newer values than the restored state says). */
int hs_feed_reset(struct hs_host *h, const char *company);

/* ---- product properties (declared by plugins) ---- */

/* Set a product property of plugin as a user would (Bulk Update, product
 * page): value checked against the declaration; market NULL or "" = the
 * global value; value NULL or "" clears it.  Refused (BMC_ERR_INVALID_ARG,
 * message names the key): undeclared key, PLUGIN_OWNED property, a market
 * for a global property or one the plugin does not declare, a value the
 * declaration refuses.  BMC_ERR_NOT_FOUND: company, plugin or product. */
int hs_product_prop_set(struct hs_host *h, const char *company,
                        const char *plugin, const char *sku, const char *key,
                        const char *market, const char *value, char *err,
                        size_t errlen);
/* A stored property value (global / of one market; defaults not
 * applied); plugin NULL = any plugin.  BMC_ERR_NOT_FOUND when unset. */
int hs_product_prop_get(struct hs_host *h, const char *company,
                        const char *plugin, const char *sku, const char *key,
                        char *buf, size_t buflen);
int hs_product_prop_get_market(struct hs_host *h, const char *company,
                               const char *plugin, const char *sku,
                               const char *key, const char *market, char *buf,
                               size_t buflen);

/* One property of a product for display: the global value (market "",
 * stored, else the declared default with is_set 0, else NULL) and then
 * every stored market value. */
struct hs_prop_view {
  const struct bmc_plugin_api *api;   /* the declaring plugin */
  const struct bmc_property *decl;
  const char *market;                 /* "" = global */
  const char *value;                  /* NULL = unset, no default */
  int is_set;
  int64_t updated_ms;                 /* when it was stored; 0 = not set */
};
/* Every declared property of plugin (NULL = every loaded plugin) for
 * product sku, in declaration order (`products show`). */
int hs_product_props_each(struct hs_host *h, const char *company,
                          const char *plugin, const char *sku,
                          int (*cb)(void *ud, const struct hs_prop_view *v),
                          void *ud);

/* Bulk Update CSV import (host columns ProductID/SKU, Title, Description,
 * EAN, WeightLbs, WeightOz, GalleryImageURL, SitePrice, AvailableQty,
 * DeviceType, CPU, StorageType, StorageGB, RAMGB, ReleaseYear; every
 * other column is a loaded plugin's property column, "<Column>_<market>"
 * for a market's value; ProductID or SKU is required).  Only the columns
 * present are written; an empty cell clears its value (AvailableQty 0).
 * Unknown columns refuse the file, and so do plugin-owned ones.  Streams
 * the file, one transaction per batch_rows (0 = 5000).  A bad row is
 * skipped and reported through row_err with its 1-based line number and
 * the column; the others import.  Returns BMC_OK when the file was read
 * (even with bad rows), BMC_ERR_INVALID_ARG on an unusable header, or the
 * I/O error. */
struct hs_import_stats {
  int64_t rows_ok, rows_bad, rows_created;
};
typedef void (*hs_row_err_fn)(void *ud, int64_t line, const char *msg);
int hs_products_import_csv(struct hs_host *h, const char *company,
                           const char *path, size_t batch_rows,
                           hs_row_err_fn row_err, void *ud,
                           struct hs_import_stats *st, char *err,
                           size_t errlen);
/* Bulk Update CSV export of the company's catalog: the host columns, then
 * every loaded plugin's properties that are not plugin-owned (global
 * column, plus "<Column>_<market>" for each market some product has a
 * value for); imports back to the same catalog.  *rows may be NULL. */
int hs_products_export_csv(struct hs_host *h, const char *company,
                           const char *path, int64_t *rows, char *err,
                           size_t errlen);

/* ---- Custom Inventory Calculation (per company) ---- */

/* Set the company's calculation: "percent:N" (N 1..100: floor of N % of
 * the available quantity), "module:PATH[:ARGS]" (a module exporting
 * BMC_INVCALC_ENTRY_SYMBOL; loaded and checked now), or NULL / "" / "none"
 * to remove it.  BMC_ERR_CONFIG with a message on a bad spec. */
int hs_company_invcalc_set(struct hs_host *h, const char *company,
                           const char *spec, char *err, size_t errlen);
/* The stored spec; BMC_ERR_NOT_FOUND when the company has none. */
int hs_company_invcalc_get(struct hs_host *h, const char *company, char *buf,
                           size_t buflen);
/* The calculation's quantity for p (as plugin services see it). */
int hs_company_invcalc_quantity(struct hs_host *h, const char *company,
                                const struct bmc_product *p, int64_t *qty,
                                char *err, size_t errlen);

/* ---- jobs, job logs, error queue ---- */

enum hs_job_status {
  HS_JOB_SUBMITTED = 0,
  HS_JOB_PROCESSING = 1,
  HS_JOB_COMPLETED = 2,
  HS_JOB_FAILED = 3,
  HS_JOB_PARTIAL = 4,     /* "Partial Success": rc OK with item errors */
  HS_JOB_INTERRUPTED = 5, /* found Processing at open (crash) */
  HS_JOB_SKIPPED = 6      /* scheduled run not started (missing settings) */
};
const char *hs_job_status_name(int status);

/* Run (company, plugin, action) now as one queued job and wait for it.
 * *job_id and *status (enum hs_job_status) may be NULL.  BMC_ERR_CONFLICT
 * (no job made) when the (company, plugin) instance is busy with any
 * action, in this process or another host-sim on the same store -- so the
 * same action never runs twice at once; BMC_ERR_CONFLICT also when the
 * plugin is not enabled for the company or the action is not manual.
 * Returns BMC_OK once the job ran, whatever its outcome (*status). */
int hs_run_action(struct hs_host *h, const char *company, const char *plugin,
                  const char *action, int64_t *job_id, int *status,
                  char *err, size_t errlen);
/* The same on a selection: items[0..n_items) are host SKUs (actions with
 * BMC_ACTION_SKUS) or source order ids (BMC_ACTION_ORDERS); n_items 0 is
 * hs_run_action().  BMC_ERR_INVALID_ARG (no job made) when the action
 * takes no selection or an item is empty or has a control character. */
int hs_run_action_items(struct hs_host *h, const char *company,
                        const char *plugin, const char *action,
                        const char *const *items, size_t n_items,
                        int64_t *job_id, int *status, char *err,
                        size_t errlen);
/* Retry only the failed items of job_id: the distinct items of its
 * error-queue entries, run again through the same action as a new job
 * (trigger "retry of job N").  BMC_ERR_NOT_FOUND (no such job),
 * BMC_ERR_CONFLICT (no failed items, or the action takes no selection:
 * the message says to run it again). */
int hs_job_retry(struct hs_host *h, int64_t job_id, int64_t *new_job,
                 int *status, char *err, size_t errlen);

struct hs_job {
  int64_t id;
  const char *company, *plugin, *action;
  const char *trigger;                /* "manual" | "scheduled" |
                                         "retry of job N" */
  int status;                         /* enum hs_job_status */
  int rc;                             /* plugin rc (enum bmc_rc) */
  int64_t created_ms, started_ms, finished_ms; /* 0 = not yet */
  int64_t done, total;                /* last job_progress() */
  int64_t n_item_errors;
};
/* Newest first; company NULL = all. */
int hs_jobs_each(struct hs_host *h, const char *company,
                 int (*cb)(void *ud, const struct hs_job *j), void *ud);
int hs_job_get(struct hs_host *h, int64_t id,
               int (*cb)(void *ud, const struct hs_job *j), void *ud);

struct hs_job_line {
  int64_t job_id, seq, ts_ms;
  int level;    /* enum bmc_log_level */
  int is_error; /* error flag */
  const char *text; /* secrets already masked */
};
int hs_job_log_each(struct hs_host *h, int64_t job_id,
                    int (*cb)(void *ud, const struct hs_job_line *l),
                    void *ud);

struct hs_item_error {
  int64_t id, job_id, ts_ms;
  const char *company, *plugin, *item, *code, *message;
  int64_t resolved_ms;       /* 0 = open (hs_errors_list only) */
  const char *resolved_note; /* the operator's note; NULL when open */
};
/* Oldest first; company/plugin NULL = all. */
int hs_errors_each(struct hs_host *h, const char *company, const char *plugin,
                   int (*cb)(void *ud, const struct hs_item_error *e),
                   void *ud);

/* ---- orders ---- */

struct hs_order_summary {
  int64_t id; /* host order id */
  const char *company, *channel, *marketplace, *source_order_id;
  const char *status, *payment_status, *shipping_status;
  const char *order_date, *currency;
  const char *subtotal, *shipping, *tax, *commission, *refunded,
      *grand_total;
  const char *tracking_number, *carrier, *ship_date, *note;
  int source_updated_for_shipping, cancel_reported;
  int64_t n_lines;
};
/* Oldest first; company / marketplace NULL = all. */
int hs_orders_each(struct hs_host *h, const char *company,
                   const char *marketplace,
                   int (*cb)(void *ud, const struct hs_order_summary *o),
                   void *ud);
int hs_orders_count(struct hs_host *h, const char *company,
                    const char *marketplace, int64_t *n);
/* Host id of the order with this source id in the company (any channel);
 * BMC_ERR_CONFLICT when two marketplaces share it (use the host id). */
int hs_order_find(struct hs_host *h, const char *company,
                  const char *source_order_id, int64_t *order_id);
int hs_order_summary_get(struct hs_host *h, int64_t order_id,
                         int (*cb)(void *ud,
                                   const struct hs_order_summary *o),
                         void *ud);
/* The order.xsd document with host-owned fields; *xml malloc'd (NUL
 * terminated), caller frees; *len may be NULL. */
int hs_order_xml(struct hs_host *h, int64_t order_id, char **xml,
                 size_t *len);
/* Upsert an order.xsd document as plugin `plugin` of the company would
 * (same validation and rules as the order_upsert host service). */
int hs_order_upsert_xml(struct hs_host *h, const char *company,
                        const char *plugin, const char *xml, size_t len,
                        int *created, char *err, size_t errlen);

struct hs_ship_line {
  const char *line_id; /* the order line's line_id */
  const char *serial;  /* serial/IMEI recorded on the line; NULL = none */
};
struct hs_shipment {
  const char *tracking_number, *carrier; /* required */
  int64_t ship_date_ms;                  /* 0 = host clock now */
  const struct hs_ship_line *lines;      /* serials and/or the selection */
  size_t n_lines;
  int only_listed; /* 1 = ship only `lines` (PartiallyShipped unless that
                      completes the order); 0 = ship every line */
};
/* Ship: sets tracking, carrier, ship date, shipped lines and serials,
 * shipping status, clears source_updated_for_shipping.  Fully shipped
 * => status Completed.  BMC_ERR_CONFLICT when cancelled or already fully
 * shipped; BMC_ERR_NOT_FOUND for an unknown line id. */
int hs_order_ship(struct hs_host *h, int64_t order_id,
                  const struct hs_shipment *s, char *err, size_t errlen);
/* Cancel in the host (cancel_reported = false until the plugin reports).
 * BMC_ERR_CONFLICT when any line is shipped. */
int hs_order_cancel(struct hs_host *h, int64_t order_id, const char *note,
                    char *err, size_t errlen);

/* ---- settlements ---- */

struct hs_settlement {
  const char *company, *marketplace, *settlement_id;
  const char *period_start, *period_end, *payout_date, *currency;
  const char *sales, *shipping, *fees, *refunds, *net;
  int64_t n_lines, imported_ms;
};
int hs_settlements_each(struct hs_host *h, const char *company,
                        int (*cb)(void *ud, const struct hs_settlement *s),
                        void *ud);

/* ---- clock ---- */

/* Parse "YYYY-MM-DD[THH:MM:SS[.fff][Z|+hh:mm]]" (a real calendar date and
 * time of day: 2026-02-30 and 25:61:61 are refused) or digits-only ms
 * into ms since the epoch; BMC_OK or BMC_ERR_INVALID_ARG (hs_util.c). */
int hs_parse_time(const char *s, int64_t *ms);

/* ms since the epoch; thread-safe (C11 atomics on the virtual clock). */
int64_t hs_clock_now(struct hs_host *h);
/* The same, shaped for function pointers (host = struct hs_host *). */
int64_t hs_clock_now_cb(void *host);
int hs_clock_is_virtual(struct hs_host *h);
/* Virtual clock only (BMC_ERR_INVALID_ARG on the real clock). */
int hs_clock_set(struct hs_host *h, int64_t ms);
int hs_clock_advance(struct hs_host *h, int64_t ms);

/* ---- scheduler ---- */

struct hs_task {
  const char *company, *plugin, *action;
  uint32_t interval_s;
  int enabled; /* task row switch (not the Toolbox enabled_by setting) */
  int64_t last_executed_ms; /* 0 = never */
  int64_t run_count, next_due_ms;
};
/* Task rows (seed 002's Scheduled Tasks), created for every scheduled
 * action of every enabled plugin; company NULL = all. */
int hs_tasks_each(struct hs_host *h, const char *company,
                  int (*cb)(void *ud, const struct hs_task *t), void *ud);
/* Override a task's switch and interval (interval_s 0 = keep). */
int hs_task_set(struct hs_host *h, const char *company, const char *plugin,
                const char *action, int enabled, uint32_t interval_s);
/* Run every task due at now, in (company, plugin, action) order.
 * *ran (may be NULL) = jobs started, skipped ones included. */
int hs_scheduler_tick(struct hs_host *h, int *ran);
/* Virtual clock: advance to each next due time <= until_ms, tick, repeat;
 * ends with the clock at until_ms.  Real clock: BMC_ERR_INVALID_ARG.
 * BMC_ERR_CONFLICT, naming the other pid in hs_last_error(), when
 * another scheduler holds the store. */
int hs_scheduler_run_until(struct hs_host *h, int64_t until_ms, int *ran);
/* Tick once a second on the real clock until hs_scheduler_stop() or
 * SIGINT/SIGTERM (handlers installed for the duration).  One scheduler
 * per store: while another process's scheduler holds the store this one
 * waits (a log line says which pid) and takes over when it stops. */
int hs_scheduler_run_forever(struct hs_host *h);
void hs_scheduler_stop(struct hs_host *h);

/* ---- scheduler workers (hs_worker.c) ----
 * Any number of worker processes, on any machines, share one store's due
 * tasks: each claims ONE due task at a time (a lease: owner, until, a
 * fencing token raised at each claim), runs it the way the scheduler
 * does, heartbeats the lease every lease/3 from a thread on its own
 * connection, and records the run only while the token is still its own.
 * A worker killed mid-job stops heartbeating; another takes the task once
 * the lease expires.  While a claimed task runs, the job's log lines and
 * the plugin's state writes are refused once the lease was taken over. */
#define HS_WORKER_LEASE_DEFAULT_S 60
struct hs_worker_opts {
  const char *target; /* the store as opened (path or postgresql:// URI):
                         the heartbeat's own connection */
  const char *name;   /* the worker's name (NULL: the hostname) */
  int64_t lease_ms;   /* lease length (0: HS_WORKER_LEASE_DEFAULT_S) */
};
struct hs_worker;
/* A worker on h (h stays the caller's; free the worker first).  Its
 * identity is "<name>:<pid>:<random nonce>".  BMC_ERR_INVALID_ARG with a
 * message for a name with control characters or over 64 bytes. */
int hs_worker_new(struct hs_host *h, const struct hs_worker_opts *o,
                  struct hs_worker **out, char *err, size_t errlen);
void hs_worker_free(struct hs_worker *w);
const char *hs_worker_id(const struct hs_worker *w);
/* Claim one due task (*claimed 0: none due and free).  A worker holds at
 * most one claim; the claimed task's token: hs_worker_token(). */
int hs_worker_claim(struct hs_worker *w, int *claimed);
int64_t hs_worker_token(const struct hs_worker *w);
/* Run the claimed task under its lease (heartbeat on) and record it;
 * *started 0 when the instance was busy (the lease is handed back).
 * BMC_ERR_CONFLICT when the lease was taken over meanwhile: the run is
 * not recorded (the new holder records its own). */
int hs_worker_run_claimed(struct hs_worker *w, int *started);
/* Record the claimed task as run without running it (tests: a late
 * finisher); BMC_ERR_CONFLICT when the lease is no longer this worker's. */
int hs_worker_finish(struct hs_worker *w);
/* Claim and run due tasks one at a time until hs_scheduler_stop(), or
 * until_ms passes on the host's clock (0: no end), or -- once -- until
 * none is due.  On a virtual clock the clock moves to each next due time
 * (<= until_ms) when none is due now.  *ran (may be NULL): tasks run. */
int hs_worker_loop(struct hs_worker *w, int once, int64_t until_ms,
                   int *ran);

/* ---- direct access to host services (tests) ---- */

/* The services table and context plugin `plugin` of `company` receives,
 * for calling services directly.  Outside a job, log lines go to the host
 * log and item errors to the error queue with job id 0. */
int hs_host_services(struct hs_host *h, const char *company,
                     const char *plugin, const struct bmc_host_api **api,
                     void **ctx);

/* ---- operator actions (hs_ops.c) ----
 * Each action is a logged change: a Completed job with trigger
 * "operator", the action's name and one log line saying what changed,
 * shown by `jobs` / `job ID`.  *job_id may be NULL. */

/* A serial/IMEI as the tracking upload checks it: digits only = an IMEI
 * (15 digits, Luhn, plugin/common/pc_imei.c); otherwise a serial number of
 * 1..50 printable characters without spaces.  BMC_OK or
 * BMC_ERR_INVALID_ARG with why. */
int hs_serial_check(const char *serial, char *why, size_t whylen);
/* Release an order held for review (OnHold -> InProcess, note kept): the
 * plugin's next order download accepts its held lines.  BMC_ERR_CONFLICT
 * when the order is not OnHold. */
int hs_order_release(struct hs_host *h, int64_t order_id, const char *note,
                     int64_t *job_id, char *err, size_t errlen);
/* Correct the serial/IMEI of one line before it is sent: replaces the
 * line's serials with `serial` (checked with hs_serial_check).
 * BMC_ERR_CONFLICT once the shipment was reported to the marketplace
 * (it cannot be changed there), BMC_ERR_NOT_FOUND for an unknown line. */
int hs_order_line_serial_set(struct hs_host *h, int64_t order_id,
                             const char *line_id, const char *serial,
                             int64_t *job_id, char *err, size_t errlen);
/* Mark error-queue entry error_id resolved with the operator's note
 * (required, no control characters).  BMC_ERR_CONFLICT if already
 * resolved. */
int hs_error_resolve(struct hs_host *h, int64_t error_id, const char *note,
                     int64_t *job_id, char *err, size_t errlen);
/* The error queue oldest first; open entries only unless
 * include_resolved (then resolved_ms/resolved_note are filled in). */
int hs_errors_list(struct hs_host *h, const char *company,
                   const char *plugin, int include_resolved,
                   int (*cb)(void *ud, const struct hs_item_error *e),
                   void *ud);

/* Ready To Post as the plugins last wrote it (their BMC_PROP_READY and
 * BMC_PROP_READY_REASONS properties, a row per market they judged), for
 * one SKU (host SKU or a plugin's SKU alias) or the catalog, for each
 * plugin enabled for the company that declares one. */
struct hs_ready {
  const char *sku, *title, *plugin; /* plugin NULL: never checked */
  const char *market;  /* "" = the product as a whole */
  int enabled;         /* listed there (the plugin's LISTS property) */
  const char *ready;   /* "Yes", "No" or NULL (never checked) */
  const char *reasons; /* "; "-separated, "" when ready */
  int64_t checked_ms;  /* when the plugin wrote it; 0 = never */
};
int hs_ready_each(struct hs_host *h, const char *company, const char *sku,
                  int (*cb)(void *ud, const struct hs_ready *r), void *ud);

/* Job progress as plugins report it (job_progress), e.g. for a terminal
 * progress line; fn NULL = none. */
typedef void (*hs_progress_fn)(void *ud, int64_t job_id, int64_t done,
                               int64_t total);
void hs_host_set_progress(struct hs_host *h, hs_progress_fn fn, void *ud);

/* ---- fault hook (crash-safety tests) ---- */

enum hs_fault_mode {
  HS_FAULT_FAIL = 1, /* the service returns BMC_ERR_INTERNAL */
  HS_FAULT_EXIT = 2  /* the process calls _exit(99) */
};
/* After `after_n` successful calls of host service `service` (its field
 * name in struct bmc_host_api, e.g. "order_upsert", "state_put",
 * "order_mark_reported"), every further call faults.  One fault at a
 * time; hs_fault_clear() removes it. */
int hs_fault_set(struct hs_host *h, const char *service, int64_t after_n,
                 int mode);
void hs_fault_clear(struct hs_host *h);

/* ---- web Toolbox: users, sessions, audit, paged listings ----
 * (hs_users.c, hs_audit.c, hs_products_query.c, hs_listing_pages.c) */

enum hs_role { HS_ROLE_VIEWER = 0, HS_ROLE_ADMIN = 1 };
/* "viewer" / "admin". */
const char *hs_role_name(int role);
/* BMC_OK and *role, or BMC_ERR_INVALID_ARG for another word. */
int hs_role_parse(const char *s, int *role);

/* Add a user: name 1-64 of [A-Za-z0-9._@-], password 8-1024 bytes with no
 * control characters, hashed with Argon2id (libsodium crypto_pwhash_str,
 * interactive limits); the password itself is never stored or logged.
 * BMC_ERR_CONFLICT when the name exists, BMC_ERR_INVALID_ARG with a
 * message for a bad name or password. */
int hs_user_add(struct hs_host *h, const char *name, int role,
                const char *password, char *err, size_t errlen);
/* The Argon2id cost of new password hashes: libsodium's interactive
 * limits (2 passes, 64 MiB).  Test-only: the environment variable
 * HS_TEST_WEAK_PWHASH_ENV set to "1" selects the minimum limits (1 pass,
 * 8 KiB) so tests under valgrind stay fast; nothing in production sets it.
 * Verification always uses the limits recorded in the hash. */
#define HS_TEST_WEAK_PWHASH_ENV "BMC_TEST_WEAK_PWHASH"
void hs_pwhash_limits(unsigned long long *opslimit, size_t *memlimit);
/* New password (same rules); ends every session of the user. */
int hs_user_set_password(struct hs_host *h, const char *name,
                         const char *password, char *err, size_t errlen);
/* Remove the user and its sessions (the audit keeps its name). */
int hs_user_remove(struct hs_host *h, const char *name);

struct hs_user {
  int64_t id;
  const char *name;
  int role; /* enum hs_role */
  int64_t created_ms, n_sessions, locked_until_ms;
};
int hs_users_each(struct hs_host *h,
                  int (*cb)(void *ud, const struct hs_user *u), void *ud);

#define HS_SESSION_ID_LEN 64 /* hex characters of a session id / token */
#define HS_LOGIN_MAX_FAILS 5 /* failed logins in a row before the lock */
#define HS_LOGIN_LOCK_MS (15 * 60 * 1000)

/* Check name and password; on success start a session that ends ttl_ms
 * later (host clock) and write its id (HS_SESSION_ID_LEN hex + NUL) into
 * sid.  Only a hash of the id is stored.  BMC_ERR_UNAUTHORIZED for an
 * unknown user or a wrong password (the same message and, as far as
 * Argon2id allows, the same time for both); BMC_ERR_CONFLICT while the
 * user is locked after HS_LOGIN_MAX_FAILS failures in a row. */
int hs_user_login(struct hs_host *h, const char *name, const char *password,
                  int64_t ttl_ms, char *sid, size_t sidlen, char *err,
                  size_t errlen);

struct hs_session {
  char user[65];
  int role;
  int64_t expires_ms;
  char csrf[HS_SESSION_ID_LEN + 1]; /* the session's form token */
};
/* The live session with this id: BMC_OK and *out, BMC_ERR_NOT_FOUND when
 * unknown, malformed or expired. */
int hs_session_get(struct hs_host *h, const char *sid, struct hs_session *out);
/* End the session (logout); BMC_OK also when it did not exist. */
int hs_session_end(struct hs_host *h, const char *sid);
/* Constant-time comparison of a submitted form token with the session's:
 * 1 when equal. */
int hs_csrf_equal(const struct hs_session *s, const char *token);

/* Audit of the web Toolbox: every page view and action with the user.
 * detail may be NULL; it must not hold secrets. */
int hs_audit_add(struct hs_host *h, const char *user, const char *method,
                 const char *path, int status, const char *detail);
struct hs_audit_row {
  int64_t id, ts_ms;
  const char *user, *method, *path, *detail;
  int status;
};
/* Newest first, at most limit rows; user NULL = everybody. */
int hs_audit_each(struct hs_host *h, const char *user, int limit,
                  int (*cb)(void *ud, const struct hs_audit_row *r),
                  void *ud);

/* A page of the catalog in SKU order: search (NULL/"" = all) matches any
 * part of the SKU or the title, case-insensitive (1-2 characters: a SKU
 * prefix or a part of the title, by a scan); *total (may be NULL) gets
 * the number of matches -- for a search at most HS_SEARCH_COUNT_CAP + 1,
 * which means "more than HS_SEARCH_COUNT_CAP" (counting every match of a
 * frequent word costs more than a page).  Generic product data only. */
#define HS_SEARCH_COUNT_CAP 1000
struct hs_product_row {
  const char *sku, *title, *ean, *site_price, *image_url;
  int64_t available_qty, updated_ms;
};
int hs_products_page(struct hs_host *h, const char *company,
                     const char *search, int64_t offset, int limit,
                     int (*cb)(void *ud, const struct hs_product_row *r),
                     void *ud, int64_t *total);
/* Every declared property of a product: hs_product_props_each() above. */

/* The web Toolbox's run queue (hs_runq.c): a request to run an action (or
 * retry_of > 0: the failed items of that job) waits in the store until a
 * worker of any `host-sim web` process on the store claims it, so a
 * restart does not lose it.  States: */
enum hs_runq_state {
  HS_RUNQ_QUEUED = 0,  /* waiting (claim_pid set while one starts it) */
  HS_RUNQ_STARTED = 1, /* its job exists: job_id */
  HS_RUNQ_REFUSED = 2, /* the host refused to start it: msg */
  HS_RUNQ_DONE = 3     /* its job ended: job_id */
};
#define HS_RUNQ_MAX_WAITING 128
struct hs_runq_row {
  int64_t id, retry_of, submitted_ms, job_id, claim_pid;
  int state;
  char company[200], plugin[64], action[64], user[65], msg[600];
};
/* Queue a request: BMC_OK and *id, BMC_ERR_BUDGET when
 * HS_RUNQ_MAX_WAITING wait already (message in err). */
int hs_runq_add(struct hs_host *h, const char *company, const char *plugin,
                const char *action, int64_t retry_of, const char *user,
                int64_t *id, char *err, size_t errlen);
/* Claim the oldest waiting request for this process (claims of dead
 * processes are dropped first): BMC_OK and *out, BMC_ERR_NOT_FOUND when
 * none waits. */
int hs_runq_claim(struct hs_host *h, struct hs_runq_row *out);
/* Record what became of request id (state, job_id, msg may be NULL). */
int hs_runq_set(struct hs_host *h, int64_t id, int state, int64_t job_id,
                const char *msg);
/* One request; BMC_ERR_NOT_FOUND when unknown. */
int hs_runq_get(struct hs_host *h, int64_t id, struct hs_runq_row *out);

/* Orders newest first, a page at a time; search (NULL/"" = all) is a
 * source order id prefix.  company NULL = all; *total may be NULL. */
int hs_orders_page(struct hs_host *h, const char *company, const char *search,
                   int64_t offset, int limit,
                   int (*cb)(void *ud, const struct hs_order_summary *o),
                   void *ud, int64_t *total);
struct hs_order_line_view {
  const char *line_id, *sku, *line_total, *fee, *tax, *marketplace_state;
  const char *serials; /* one per line ('\n' separated) or NULL */
  int64_t quantity;
  int shipped;
};
int hs_order_lines_each(struct hs_host *h, int64_t order_id,
                        int (*cb)(void *ud,
                                  const struct hs_order_line_view *l),
                        void *ud);
/* The error queue newest first, a page at a time (company NULL = all);
 * open entries only unless include_resolved (then with their
 * resolved_ms and resolved_note). */
int hs_errors_page(struct hs_host *h, const char *company,
                   int include_resolved, int64_t offset, int limit,
                   int (*cb)(void *ud, const struct hs_item_error *e),
                   void *ud, int64_t *total);

#endif /* HS_HOST_H */
