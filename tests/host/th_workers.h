/*
 * th_workers.h -- shared fixture of the scheduler workers' test and
 * benchmark: the in-memory plugin "wplug" (three scheduled actions, each
 * run appending begin/end lines to a run log), fresh stores (a SQLite file
 * or a PostgreSQL database of its own), companies with their task rows,
 * one-integer queries and the run log's check.
 */
#ifndef TH_WORKERS_H
#define TH_WORKERS_H

#include <stddef.h>
#include <stdint.h>

#include "hs_host.h"

enum th_w_mode {
  TH_W_RECORD, /* mark begin, hold 3 ms, mark end */
  TH_W_BLOCK,  /* mark begin, write a byte to th_w_ready_fd, block */
  TH_W_HOOK,   /* call th_w_hook instead */
  TH_W_SLOW_C00 /* as RECORD, but company c00's jobs (a slow marketplace)
                   hold until th_w_slow_others runs of other companies
                   have ended, 20 s at most */
};

extern const struct bmc_plugin_api th_w_plugin;
extern enum th_w_mode th_w_mode;
extern int th_w_ready_fd, th_w_hold_fd, th_w_slow_others;
/* TH_W_HOOK: the job's body (the host services and the context). */
extern int (*th_w_hook)(const struct bmc_host_api *host, void *ctx);
/* The directory, the PostgreSQL server ("" = SQLite), the current store
 * (target and key file) and its run log. */
extern char th_w_dir[256], th_w_server[1024], th_w_target[1024],
    th_w_key[300], th_w_runlog[300];

int64_t th_w_real_ms(void);
/* A new, empty store named after tag (0, or -1 with a message). */
int th_w_fresh_store(const char *tag);
/* Open the current store with wplug registered; NULL on failure. */
struct hs_host *th_w_open(int virtual_clock);
struct hs_worker *th_w_worker(struct hs_host *h, const char *name,
                              int64_t lease_ms);
/* Companies c0000..c<n-1> with wplug enabled; the number of task rows. */
int th_w_populate(struct hs_host *h, int n);
/* One integer a query answers (arg: ?1 as text, may be NULL); -1. */
int64_t th_w_q_int(struct hs_host *h, const char *sql, const char *arg);
/* The run log: runs begun, and runs begun while the same (company,
 * action) was still running. */
void th_w_runlog_check(int *runs, int *overlaps);
/* Runs of other companies that ended after company's last run ended. */
int th_w_runlog_after(const char *company);

#endif /* TH_WORKERS_H */
