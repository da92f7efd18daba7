/*
 * th.h -- shared fixture of the host simulator tests: a temporary store,
 * an in-memory test plugin ("tplug") registered with
 * hs_host_add_plugin_api(), and small order documents.
 */
#ifndef TH_H
#define TH_H

#include <stddef.h>
#include <stdint.h>

#include "hs_host.h"

#define TH_SECRET "tok-SECRET-4242"

extern const struct bmc_plugin_api th_plugin;

/* What the plugin's actions do; set by the tests before a run. */
struct th_ctl {
  struct hs_host *h;      /* for the "reenter" action */
  const char *xml;        /* document "order" upserts */
  int last_rc;            /* rc of the last host service call */
  int reenter_rc;         /* rc of hs_run_action() from inside a run */
  int runs;               /* "ping" runs */
  int dry;                /* job_dry_run() in the last "change" run */
  size_t n_items;         /* selection of the last "select" run */
  char items[512];        /* its items, each followed by ',' */
};
extern struct th_ctl th_ctl;

/* A fresh temporary directory; path copied into dir (>= 64 bytes). */
void th_tmpdir(char *dir, size_t len);
/* Open a host on dir/host.db (see th_store_pg) with a virtual clock at
 * 2026-01-01T00:00Z, register tplug, create company "Acme" with tplug
 * enabled.  NULL on failure. */
struct hs_host *th_open(const char *dir);
/* 1 when the tests run on PostgreSQL (BMC_TEST_STORE=postgresql): each
 * th_open dir gets a database of its own on the test server instead of
 * dir/host.db. */
int th_store_pg(void);
/* An order.xsd document for tplug (malloc'd).  status/payment as given,
 * two lines L1 (SKU-A) and L2 (SKU-B). */
char *th_order_xml(const char *source_id, const char *status,
                   const char *payment, const char *line_state);
/* Does text occur in any log line of job id? (1/0); errors_only. */
int th_log_has(struct hs_host *h, int64_t job, const char *text,
               int errors_only);
/* Number of error-queue entries whose message or item contains text. */
int th_errors_with(struct hs_host *h, const char *text);
/* Copy a file (a saved store into a temporary directory); 1 on success. */
int th_copy_file(const char *from, const char *to);
/* Remove the temporary directory and its files. */
void th_rmdir(const char *dir);
/* Count the SQLite VM steps h's store runs into *steps (reset to 0) until
 * th_vm_steps_stop(h): the work a service did, counted, not timed. */
void th_vm_steps_start(struct hs_host *h, long *steps);
void th_vm_steps_stop(struct hs_host *h);

#endif /* TH_H */
