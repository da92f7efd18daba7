/*
 * pro_env.h -- the Back Market Pro integration-test environment, on top of
 * the shared harness (tests/harness, bmc_harness: a host simulator with a
 * virtual clock and the plugins of BMC_PLUGIN_DIR, and an embedded
 * marketplace simulator on 127.0.0.1:0 reading that clock).  Adds what the
 * Pro tests need beyond one company/one plugin: several companies with Pro
 * keys, both plugins at once, Pro orders, runs in a crashing child process,
 * and inspection of job logs, the error queue, host orders and the
 * simulator's request log.
 */
#ifndef PRO_ENV_H
#define PRO_ENV_H

#include <stddef.h>
#include <stdint.h>

#include "hs_host.h"
#include "mk_sim.h"
#include "th_env.h"

#define PE_START_MS 1774180800000LL /* 2026-03-22T12:00:00Z */

struct pe {
  struct th_env te;    /* the shared harness */
  struct hs_host *h;   /* = te.host (refreshed by pe_reopen) */
  struct mk_sim *sim;  /* = te.sim */
  char url[128];       /* http://127.0.0.1:PORT/sellers-prod */
};

/* Start the harness with company "Acme" and backmarket_pro enabled;
 * with_bm requires the backmarket plugin to be loaded as well.  Returns 0
 * or -1 (message on stderr). */
int pe_open(struct pe *e, int with_bm);
/* Restart the host after a crash: close it (if open) and open the same
 * store again with the same plugins and the clock where it was, as a
 * restarted process would (jobs left Processing become Interrupted).
 * 0 or -1. */
int pe_reopen(struct pe *e);
/* Close and remove the store.  Accepts a half-opened env. */
void pe_close(struct pe *e);

/* Add a company with backmarket_pro enabled, website_url = the simulator,
 * x_api_key = key.  When seller is not NULL the key is registered on the
 * simulator for that seller.  0 or -1. */
int pe_company(struct pe *e, const char *company, const char *key,
               const char *seller);
/* Set one Toolbox setting of backmarket_pro; returns the host rc, message
 * in err. */
int pe_set(struct pe *e, const char *company, const char *key,
           const char *value, char *err, size_t errlen);
/* Run an action of backmarket_pro; returns the job status
 * (enum hs_job_status) or -1; *job_id may be NULL. */
int pe_run(struct pe *e, const char *company, const char *action,
           int64_t *job_id);

/* Control API call; returns the HTTP status (-1 on failure); *resp (may be
 * NULL) receives the malloc'd JSON. */
int pe_ctl(struct pe *e, const char *method, const char *path,
           const char *body, char **resp);
/* Create a Pro order for seller with n_lines lines ("SKU-1".., quantity
 * qty, unit price, tax rate 20 %); financial "paid"/"pending".  0 / -1. */
int pe_pro_order(struct pe *e, const char *seller, const char *id,
                 const char *financial, int n_lines, int qty,
                 const char *unit_price);

/* The whole job log as text (one line per entry, "LEVEL text"); malloc'd.
 */
char *pe_job_log(struct pe *e, int64_t job_id);
/* Number of job-log lines of job_id containing needle (at level, or any
 * level when level < 0). */
int pe_log_count(struct pe *e, int64_t job_id, int level, const char *needle);
/* Number of error-queue entries of the company with this code (NULL =
 * any) and, when item is not NULL, this item. */
int pe_error_count(struct pe *e, const char *company, const char *code,
                   const char *item);
/* Requests in the simulator's log whose path contains needle and whose
 * method is method (NULL = any). */
int pe_sim_count(struct pe *e, const char *method, const char *needle);
/* 1 when the simulator's log holds a request whose path+query contains
 * needle. */
int pe_sim_query_has(struct pe *e, const char *needle);

/* 1 when a request body in the simulator's log contains needle. */
int pe_sim_body_has(struct pe *e, const char *needle);
/* Run an action in a child process that dies (_exit 99) after `after_n`
 * successful calls of host service `service` (NULL = no fault); the
 * parent then restarts the host (pe_reopen) as a restarted process would.
 * Returns the child's exit code: 0 completed, 99 crashed, 10 + job status
 * otherwise; -1 on a test failure. */
int pe_run_crashing(struct pe *e, const char *company, const char *action,
                    const char *service, int64_t after_n);

/* 1 when running under valgrind: a forked child there reports the
 * parent's in-flight simulator threads as leaks and changes its exit code,
 * so the fork-based crash tests are skipped (they run in the default and
 * ASan builds). */
int pe_under_valgrind(void);

/* Host orders of (company, marketplace). */
int64_t pe_orders(struct pe *e, const char *company, const char *marketplace);
/* Copy a field of the host order with this source id ("status",
 * "payment_status", "commission", "tax", "grand_total", "channel",
 * "shipping_status", "sufs" (source updated for shipping 0/1)) into buf.
 * 0 / -1 (no such order). */
int pe_order_field(struct pe *e, const char *company, const char *source_id,
                   const char *field, char *buf, size_t buflen);
/* The host's order document (malloc'd) or NULL. */
char *pe_order_xml(struct pe *e, const char *company, const char *source_id);
/* Ship a host order: every line (partial = 0) or only its first line. */
int pe_ship(struct pe *e, const char *company, const char *source_id,
            int partial, const char *tracking);

/* 1 when secret occurs in any job log, error-queue entry or the
 * simulator's request log; 0 when nowhere. */
int pe_secret_anywhere(struct pe *e, const char *secret);

/* A loopback port nothing listens on (bound, then closed). */
int pe_closed_port(void);

#endif /* PRO_ENV_H */
