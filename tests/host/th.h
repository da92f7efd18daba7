/*
 * th.h -- shared fixture of the host simulator tests: a temporary store,
 * an in-memory test plugin ("tplug") registered with
 * hs_host_add_plugin_api(), and small order documents.
 */
#ifndef TH_H
#define TH_H

#include <stddef.h>
#include <stdint.h>

#include "cu_main.h"
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
/* dir's store target into db: dir/host.db, or on PostgreSQL a database of
 * its own on the test server, made at the first call for dir (its URI
 * kept in dir/host.pguri for the next) with its key file into key
 * (dir/host.key; "" on SQLite: the key beside the store).  0 or -1. */
int th_store_target(const char *dir, char *db, size_t len, char *key,
                    size_t keylen);
/* The one integer sql answers on h's store (-1 on failure, printed). */
int64_t th_count(struct hs_host *h, const char *sql);
/* The cases of in (n) to run: all of them on SQLite; on PostgreSQL those
 * whose names the NULL-terminated sqlite_only does not list (each left
 * out printed with why).  Into out (n slots); returns how many. */
size_t th_store_cases(struct cu_case *out, const struct cu_case *in,
                      size_t n, const char *const *sqlite_only,
                      const char *why);
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
