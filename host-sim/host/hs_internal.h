/*
 * hs_internal.h -- private definitions shared by the host simulator's
 * library files: struct hs_host, the per-(company, plugin) instance
 * context handed to plugins as host_ctx, and the store/XML/job helpers.
 * Not installed; not for tests (they use hs_host.h).
 */
#ifndef HS_INTERNAL_H
#define HS_INTERNAL_H

#include <pthread.h>
#include "hs_db.h"
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include <libxml/xmlschemas.h>

#include "hs_host.h"
#include "hs_loader.h"

#define HS_ERRLEN 512
#define HS_KEY_LEN 32    /* the store key (crypto_secretbox_KEYBYTES) */
#define HS_KEY_FP_LEN 32 /* hex digits of a key's fingerprint */

struct hs_calcmod; /* hs_invcalc.c */

struct hs_plug {
  const struct bmc_plugin_api *api;
  char *origin;
  struct hs_plugin *loaded; /* NULL for an in-memory descriptor */
};

/* host_ctx of one (company, plugin) instance. */
struct hs_inst {
  struct hs_host *h;
  int64_t company_id;
  char *company;
  const struct bmc_plugin_api *api;
  void *inst;            /* plugin instance, NULL until created */
  int created;
  pthread_mutex_t mu;    /* serializes calls into the instance */
  int64_t job_id;        /* current job, 0 outside a job */
  int64_t n_item_errors; /* in the current job */
  char **secrets;        /* secret setting values to mask */
  size_t n_secrets;
  int check_pending;     /* running the credential check on pending
                            secret values (hs_rotate.c) */
  char run_err[HS_ERRLEN]; /* the last run's failure message (masked) */
  int dry_run;             /* the current job is a dry run (ABI 2.1) */
  const char *job_trigger; /* the current job's trigger, borrowed */
};


struct hs_host {
  struct hs_db *db;
  int db_version;
  xmlSchemaPtr order_xsd, settle_xsd;
  struct hs_plug *plugs;
  size_t n_plugs;
  struct hs_inst **insts;
  size_t n_insts;
  int virtual_clock;
  _Atomic int64_t vclock;
  atomic_int stop;
  hs_log_fn log_fn;
  void *log_ud;
  struct bmc_host_api api;
  /* Prepared-statement cache keyed by the SQL text's address (hs_stmt):
   * open addressing, grown at 1/2 load, never evicts a statement. */
  struct hs_stmt_slot {
    const char *sql;
    struct hs_dbst *st;
  } *stmts;
  size_t n_stmts, cap_stmts;
  char fault_svc[48];
  int64_t fault_after, fault_count;
  int fault_mode;
  struct hs_calcmod *calcmods; /* loaded inventory calculation modules */
  hs_progress_fn progress_fn; /* hs_host_set_progress (hs_ops.c) */
  void *progress_ud;
  char *db_path;
  char last_err[HS_ERRLEN]; /* hs_last_error() */
  int64_t busy_since_ms;    /* monotonic start of the current busy wait */
  /* secrets at rest (hs_secret.c) */
  unsigned char *key;       /* HS_KEY_LEN bytes, sodium_malloc'd */
  char *key_path;           /* NULL: in-memory key of a ":memory:" store */
  char key_fp[HS_KEY_FP_LEN + 1];
  int hardened;             /* hs_process_harden() done */
  /* scheduler lease (hs_sched_lease.c) */
  char lease_nonce[33];
  int lease_held;
  struct hs_wclaim *wclaim; /* the task lease a worker runs under */
  int64_t audit_pruned_ms;  /* last change audit pruning (hs_audit_trail.c) */
};

/* ---- hs_util.c ---- */
void hs_errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
char *hs_strdup(const char *s);
/* Copy s into buf: BMC_OK or BMC_ERR_TOO_SMALL (buf then ""). */
int hs_copy(char *buf, size_t buflen, const char *s);
/* Replace every occurrence of each secret (non-empty) by "****";
 * returns a malloc'd string or NULL on allocation failure. */
char *hs_mask(const char *text, char *const *secrets, size_t n);
/* ms since the epoch as "YYYY-MM-DDTHH:MM:SSZ" (buf >= 21). */
void hs_iso_time(int64_t ms, char *buf, size_t buflen);
/* Decimal text "[-]d+[.d{1,frac}]" to an integer scaled by 10^frac. */
int hs_decimal_parse(const char *s, int frac, int64_t *out);

/* ---- hs_store.c ---- */
int hs_store_open(struct hs_host *h, const char *path, int sync_full,
                  char *err, size_t errlen);
void hs_store_close(struct hs_host *h);
/* A cached prepared statement for the static string sql (reset and
 * unbound when handed out).  NULL on error (message logged). */
struct hs_dbst *hs_stmt(struct hs_host *h, const char *sql);
/* Run sql without results; BMC_OK or BMC_ERR_INTERNAL. */
int hs_exec(struct hs_host *h, const char *sql);
/* BEGIN IMMEDIATE: takes the write lock up front, waiting for another
 * process's (bounded backoff); BMC_ERR_CONFLICT when the store stayed
 * busy, message in hs_last_error(). */
int hs_begin(struct hs_host *h);
int hs_commit(struct hs_host *h);
void hs_rollback(struct hs_host *h);
/* End the transaction hs_begin opened: commit when rc is BMC_OK (its
 * result returned), else roll back and return rc. */
int hs_finish(struct hs_host *h, int rc);
/* hs_db_step of a write statement: inside the caller's transaction, or
 * in its own BEGIN IMMEDIATE ... COMMIT when none is open.  Returns
 * HS_DB_DONE or the failure (message in hs_last_error()). */
int hs_step_write(struct hs_host *h, struct hs_dbst *st);
/* hs_step_write of an INSERT ... RETURNING id: *id the new row's id.
 * HS_DB_DONE or the failure (message in hs_last_error()). */
int hs_step_insert(struct hs_host *h, struct hs_dbst *st, int64_t *id);
/* hs_step_write's result as a bmc_rc: BMC_OK, BMC_ERR_CONFLICT (busy),
 * BMC_ERR_INTERNAL. */
int hs_write_rc(int step_rc);
/* Record a store failure for hs_last_error() and the host log. */
void hs_store_fail(struct hs_host *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Bind text or NULL. */
int hs_bind_text(struct hs_dbst *st, int i, const char *s);
/* Bind the n bytes at s as text (the back end copies them). */
int hs_bind_textn(struct hs_dbst *st, int i, const char *s, size_t n);
/* Column text or NULL. */
const char *hs_col_text(struct hs_dbst *st, int i);

/* ---- hs_keyfile.c ---- */
void hs_key_fingerprint(const unsigned char *key,
                        char out[HS_KEY_FP_LEN + 1]);
/* BMC_OK, BMC_ERR_NOT_FOUND (no such file), BMC_ERR_CONFIG (not private,
 * not ours, not a key file). */
int hs_keyfile_read(const char *path, unsigned char *key, char *err,
                    size_t errlen);
/* Create path 0600 (O_EXCL: BMC_ERR_CONFLICT when it exists), fsync'd. */
int hs_keyfile_write(const char *path, const unsigned char *key,
                     const char *store, char *err, size_t errlen);
/* rename(from, to) and fsync the directory. */
int hs_keyfile_install(const char *from, const char *to, char *err,
                       size_t errlen);

/* ---- hs_seal.c ---- */
/* Seal plain for row (cid, plugin, setting) under key: *out "v1:..."
 * malloc'd.  Open it: BMC_ERR_CONFIG when it does not open with this key
 * (another key, or damaged); never hands out the ciphertext. */
int hs_seal_value(const unsigned char *key, int64_t cid, const char *plugin,
                  const char *setting, const char *plain, char **out);
int hs_unseal_value(const unsigned char *key, int64_t cid,
                    const char *plugin, const char *setting,
                    const char *sealed, char **out);
/* Wipe (sodium_memzero) and free a string that may hold a secret. */
void hs_secret_free(char *s);
/* Wipe a buffer that may hold a secret. */
void hs_wipe(void *p, size_t len);

/* ---- hs_secret.c ---- */
/* Choose, check or create the store key (after migrations). */
int hs_secret_open(struct hs_host *h, const char *key_file, char *err,
                   size_t errlen);
void hs_secret_close(struct hs_host *h);
/* Seal / open one setting value of (company id, plugin, setting); *out
 * malloc'd.  Unseal: BMC_ERR_CONFIG (message in hs_last_error()) when it
 * does not open; never hands out the ciphertext. */
int hs_secret_seal(struct hs_host *h, int64_t cid, const char *plugin,
                   const char *setting, const char *plain, char **out);
int hs_secret_unseal(struct hs_host *h, int64_t cid, const char *plugin,
                     const char *setting, const char *sealed, char **out);
/* Seal the values of api's SECRET settings still stored in clear. */
int hs_secrets_seal_plugin(struct hs_host *h,
                           const struct bmc_plugin_api *api);

/* ---- hs_sched_lease.c ---- */
/* Claim the store's scheduler lease for this host (BMC_ERR_CONFLICT with
 * the holder in hs_last_error()); release it. */
int hs_sched_lease_take(struct hs_host *h);
void hs_sched_lease_drop(struct hs_host *h);

/* ---- hs_sched.c (shared with the workers, hs_worker.c) ---- */
/* One task row as the scheduler reads it. */
struct hs_trow {
  int64_t id, company_id, interval_s, start_ms, last_ms, runs;
  int enabled;
  char *company, *plugin, *action;
};
/* Create the task rows of every enabled (company, plugin). */
int hs_tasks_sync(struct hs_host *h);
/* Task rows, (company, plugin, action) order (company NULL: all);
 * only_active: rows whose task switch and plugin enablement are on. */
int hs_trows(struct hs_host *h, const char *company, int only_active,
             struct hs_trow **out, size_t *n);
void hs_trows_free(struct hs_trow *v, size_t n);
/* When the task is due next (ms, the host's clock). */
int64_t hs_next_due(const struct hs_trow *r);
/* The Toolbox switch (enabled_by) of the task's action is on. */
int hs_gate_open(struct hs_host *h, const struct hs_trow *r);
/* Record a run (ran 1) or a skip (ran 0) of task r at `at`. */
typedef int (*hs_task_done_fn)(struct hs_host *h, const struct hs_trow *r,
                               int64_t at, int ran, void *ud);
/* Run task r as the scheduler does: a Skipped job when required settings
 * are missing, else hs_job_run; then done (NULL: the scheduler's own
 * update).  *started 0 and BMC_OK when the instance was busy. */
int hs_run_task(struct hs_host *h, const struct hs_trow *r, int *started,
                hs_task_done_fn done, void *ud);

/* ---- hs_worker.c ---- */
/* Fencing: BMC_OK when no claimed task runs on h or this worker still
 * holds its lease (the heartbeat's cached answer); else BMC_ERR_CONFLICT
 * after logging that `what` was refused. */
int hs_worker_fence(struct hs_host *h, const char *what);

/* ---- hs_host.c ---- */
void hs_hostlog(struct hs_host *h, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
struct hs_plug *hs_plug_find(struct hs_host *h, const char *name);
/* The instance context for (company, plugin); created on first use. */
int hs_inst_get(struct hs_host *h, const char *company, const char *plugin,
                struct hs_inst **out, char *err, size_t errlen);
/* Refresh the list of secret values the instance's output is masked with. */
int hs_inst_load_secrets(struct hs_inst *in);

/* ---- hs_settings.c ---- */
/* Stored value or default for the instance (malloc'd into *out, NULL when
 * neither). */
int hs_setting_lookup(struct hs_host *h, int64_t company_id,
                      const struct bmc_plugin_api *api, const char *key,
                      char **out);
/* Company id and loaded plugin by name; BMC_ERR_NOT_FOUND / INVALID_ARG
 * with a message naming the one that is missing. */
int hs_resolve(struct hs_host *h, const char *company, const char *plugin,
               int64_t *cid, const struct bmc_plugin_api **api, char *err,
               size_t errlen);
/* 1 when value is "true". */
int hs_setting_bool(struct hs_host *h, int64_t company_id,
                    const struct bmc_plugin_api *api, const char *key,
                    int dflt);

void hs_refresh_secrets(struct hs_host *h, int64_t cid,
                        const struct bmc_plugin_api *api);

/* ---- hs_rotate.c (secret rotation) ---- */
#define HS_PENDING_SUFFIX ":pending"   /* settings row of a pending secret */
#define HS_PREVIOUS_SUFFIX ":previous" /* the value it replaced */
#define HS_TRIGGER_ROTATION "rotation" /* job trigger of the pending check */
/* The plugin's BMC_ACTION_CREDENTIALS action, or NULL. */
const struct bmc_action *hs_credentials_action(const struct bmc_plugin_api *api);
/* Check every pending secret that is due (scheduler, between jobs). */
int hs_rotations_due(struct hs_host *h);
/* The scheduler's work between two runs (hs_sched.c): pending credentials
 * checked and swapped in, dispatch deadlines, audit pruning. */
int hs_sched_between_runs(struct hs_host *h);
/* After a job of in ended: erase the previous values once the new ones
 * served a full cycle. */
void hs_rotation_after_job(struct hs_inst *in);

/* ---- hs_alert.c (company-level alerts) ---- */
/* An error-queue entry the host raises itself (job 0, so `retry` never
 * feeds it to an action); in the caller's transaction.  *id may be NULL. */
int hs_error_queue_add(struct hs_host *h, int64_t cid, const char *plugin,
                       const char *item, const char *code,
                       const char *message, int64_t *id);
/* After a job of in ended with rc/status: raise the credentials alert on
 * BMC_ERR_UNAUTHORIZED (once), clear it when a job succeeds. */
void hs_alert_after_job(struct hs_inst *in, const char *action, int rc,
                        int status);

/* ---- hs_metric.c (ABI 2.1 metric_record) ---- */
#define HS_METRIC_RETENTION_MS (35LL * 86400 * 1000) /* five weeks */
int hs_metric_record(struct hs_inst *in, const char *market,
                     const char *name, double value);

/* ---- hs_deadline.c (dispatch deadlines) ---- */
#define HS_DISPATCH_WARN_MS (4LL * 3600 * 1000) /* default warning ahead */
/* Keep the order document's dispatch_deadline (NULL = none) on order oid
 * (in the caller's transaction). */
int hs_deadline_record(struct hs_host *h, int64_t oid, const char *deadline);
/* Resolve order oid's open dispatch entries with note why (shipped or
 * cancelled; in the caller's transaction). */
int hs_deadline_settle(struct hs_host *h, int64_t oid, const char *why);
/* The company's warning time ahead of a deadline (ms). */
int64_t hs_dispatch_warn_ms(struct hs_host *h, int64_t cid);

/* ---- hs_services.c ---- */
void hs_services_init(struct bmc_host_api *api);
/* Fault hook: 0 = proceed, BMC_ERR_INTERNAL = fail (may _exit). */
int hs_fault_check(struct hs_host *h, const char *service);

/* ---- hs_audit_trail.c ---- */
void hs_audit_trail_services_init(struct bmc_host_api *api);
/* The company's dry-run switch is on. */
int hs_job_dry_run_wanted(struct hs_host *h, int64_t cid);
/* In a dry-run job: log why and return BMC_ERR_CONFLICT (the second
 * guard of the order and product services); else BMC_OK. */
int hs_dry_refuse(struct hs_inst *in, const char *service, const char *what);
/* Bind a plugin-state statement's ?1 company, ?2 plugin and ?3 key to
 * the instance's (hs_services.c). */
void hs_state_bind(struct hs_dbst *st, const struct hs_inst *in,
                   const char *key);
/* hs_dry_state.c: a dry-run job's state writes, over the stored state and
 * dropped at the job's end (begin clears what an earlier job left). */
int hs_dry_state_begin(struct hs_inst *in);
void hs_dry_state_end(struct hs_inst *in);
int hs_dry_state_put(struct hs_inst *in, const char *key, const char *val,
                     size_t len);
int hs_dry_state_del(struct hs_inst *in, const char *key);
/* state_get's and state_each's statements as the dry-run job sees the
 * state (bound like theirs; the caller steps and resets). */
struct hs_dbst *hs_dry_state_get_stmt(struct hs_inst *in, const char *key);
struct hs_dbst *hs_dry_state_page_stmt(struct hs_inst *in, int after,
                                       int bounded);

/* ---- hs_jobs.c ---- */
/* A process with that pid exists (this one included). */
int hs_pid_alive(pid_t pid);
void hs_job_log(struct hs_inst *in, int level, const char *text);
void hs_job_item_error(struct hs_inst *in, const char *item,
                       const char *code, const char *message);
int hs_jobs_recover(struct hs_host *h);
int hs_job_run(struct hs_host *h, const char *company, const char *plugin,
               const char *action, const char *trigger,
               const char *const *items, size_t n_items, int64_t *job_id,
               int *status, char *err, size_t errlen);
/* hs_job_run with dry_run: 1 = a dry run whatever the company's switch
 * (0 = as the switch says). */
int hs_job_run_opts(struct hs_host *h, const char *company,
                    const char *plugin, const char *action,
                    const char *trigger, const char *const *items,
                    size_t n_items, int dry_run, int64_t *job_id,
                    int *status, char *err, size_t errlen);
/* The action called id, or NULL. */
const struct bmc_action *hs_action_find(const struct bmc_plugin_api *api,
                                        const char *id);
/* Record a job that did not run (Skipped) with one log line. */
int hs_job_skip(struct hs_host *h, struct hs_inst *in, const char *action,
                const char *why, int64_t *job_id);

/* ---- hs_xml.c ---- */
int hs_xml_init(struct hs_host *h, const char *schema_dir, char *err,
                size_t errlen);
void hs_xml_close(struct hs_host *h);
/* Parse (no network, no entities) and validate against schema; on
 * failure BMC_ERR_SCHEMA with "line N: what" in err.  *doc owned by the
 * caller (xmlFreeDoc). */
int hs_xml_parse_valid(xmlSchemaPtr schema, const char *what,
                       const char *xml, size_t len, xmlDocPtr *doc,
                       char *err, size_t errlen);
/* Text of the first child element called name, or NULL (malloc'd). */
char *hs_xml_child_text(xmlNodePtr parent, const char *name);
xmlNodePtr hs_xml_child(xmlNodePtr parent, const char *name);
/* Set (create if missing) the text of child `name`, inserting a new one
 * before the first existing child named in `before` (NULL terminated). */
int hs_xml_set_child(xmlNodePtr parent, const char *name, const char *text,
                     const char *const *before);
void hs_xml_remove_children(xmlNodePtr parent, const char *name);

/* ---- hs_orders.c ---- */
int hs_order_upsert_in(struct hs_inst *in, const char *xml, size_t len,
                       int *created, char *err, size_t errlen);
int hs_order_build_xml(struct hs_host *h, int64_t order_id, char **xml,
                       size_t *len);
int hs_order_status_in(struct hs_inst *in, const char *source_order_id,
                       const char *status, const char *note);
int hs_order_mark_in(struct hs_inst *in, const char *source_order_id,
                     int kind);
int hs_orders_query_in(struct hs_inst *in, int q, bmc_doc_cb cb, void *ud);
int hs_order_get_in(struct hs_inst *in, const char *source_order_id,
                    bmc_doc_cb cb, void *ud);

/* ---- hs_settle.c ---- */
int hs_settlement_import_in(struct hs_inst *in, const char *xml, size_t len,
                            char *err, size_t errlen);

/* ---- hs_products.c ---- */
/* Stream products of the company (one_sku: that product, by host SKU or
 * alias) with api's property values (api NULL: none). */
int hs_catalog_each_in(struct hs_host *h, int64_t company_id,
                       const struct bmc_plugin_api *api, int enabled_only,
                       const char *one_sku, bmc_product_cb cb, void *ud);
/* Stream the products whose change number is in (since, upto], in change
 * order, each once with its current values (the change feed). */
int hs_catalog_changes_in(struct hs_host *h, int64_t company_id,
                          const struct bmc_plugin_api *api, int64_t since,
                          int64_t upto, bmc_product_cb cb, void *ud);

/* ---- hs_feed.c ---- */
/* Record the properties api declares PLUGIN_OWNED in plugin_owned_props
 * (the feed triggers leave their writes out), replacing that plugin's
 * rows; no write when they are already recorded. */
int hs_feed_owned_record(struct hs_host *h, const struct bmc_plugin_api *api);
/* The company's feed: epoch (buf >= 17), head and resync. */
int hs_feed_head_in(struct hs_host *h, int64_t company_id, char *epoch,
                    size_t epochlen, int64_t *head, int64_t *resync);

/* ---- hs_props.c ---- */
/* Product row id by host SKU, else by an alias of api (any plugin when api
 * is NULL); 0 when none. */
int64_t hs_product_id_find(struct hs_host *h, int64_t cid,
                           const struct bmc_plugin_api *api,
                           const char *sku);
/* Write (value NULL/"" clears) property p of api for product pid: market
 * rules, declaration check, and as_user refuses PLUGIN_OWNED.  Messages
 * name `shown` (NULL = the key).  BMC_ERR_INVALID_ARG when refused. */
int hs_prop_write(struct hs_host *h, int64_t cid, int64_t pid,
                  const struct bmc_plugin_api *api,
                  const struct bmc_property *p, const char *market,
                  const char *value, int as_user, const char *shown,
                  char *err, size_t errlen);
/* Rebuild the SKU aliases of product pid for api: value is the new value
 * of api's only alias property ("" when cleared), NULL to read them back
 * from the stored values. */
int hs_props_alias_refresh(struct hs_host *h, int64_t cid, int64_t pid,
                           const struct bmc_plugin_api *api,
                           const char *value);
/* Adopt the held values of migration 4 for api's properties (once per
 * plugin and column). */
int hs_props_adopt(struct hs_host *h, const struct bmc_plugin_api *api);

/* ---- hs_import.c ---- */
enum hs_kind { HS_K_TEXT, HS_K_QTY, HS_K_MONEY, HS_K_DEC, HS_K_EAN,
               HS_K_OPTINT };
/* One of the host's own Bulk Update columns. */
struct hs_csv_col {
  const char *header, *alias, *column; /* header, accepted alias, SQL */
  enum hs_kind kind;
};
/* The host's own columns, in export order (ProductID first). */
const struct hs_csv_col *hs_import_host_cols(size_t *n);
/* Refuse (BMC_ERR_CONFLICT, message names origin, property, column) a
 * plugin whose property columns are host columns or another loaded
 * plugin's: a file's header must name one column only. */
int hs_props_columns_check(struct hs_host *h,
                           const struct bmc_plugin_api *api,
                           const char *origin, char *err, size_t errlen);

/* ---- hs_props_migrate.c ---- */
/* Migration 4's code step: channel columns of products into
 * product_props_held, then dropped. */
int hs_props_migrate_columns(struct hs_db *db, char *err, size_t errlen);

/* ---- hs_invcalc.c ---- */
/* inventory_quantity service of the instance. */
int hs_invcalc_quantity_in(struct hs_inst *in, const struct bmc_product *p,
                           int64_t *qty);
/* Unload the calculation modules (host close). */
void hs_invcalc_close(struct hs_host *h);

#endif /* HS_INTERNAL_H */
