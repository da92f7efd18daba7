/*
 * cli.h -- shared declarations of the host-sim command line tool: the
 * global options, the command table entry shape and output helpers.
 */
#ifndef CLI_H
#define CLI_H

#include <stdint.h>

#include "hs_host.h"

#define CLI_OK 0
#define CLI_FAIL 1  /* the operation failed */
#define CLI_USAGE 2 /* bad command line */

struct cli {
  struct hs_host *h;
  const char *db, *config, *plugin_dir, *schema_dir;
};

struct cli_cmd {
  const char *name, *args, *help;
  int (*fn)(struct cli *c, int argc, char **argv);
};

/* Print "host-sim <cmd>: <msg>" to stderr; returns CLI_FAIL. */
int cli_fail(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Usage line for a command to stderr; returns CLI_USAGE. */
int cli_usage(const char *cmd);
/* "--help" / "-h" among argv[1..]? */
int cli_wants_help(int argc, char **argv);
/* ms since the epoch as "YYYY-MM-DD HH:MM:SS" UTC ("-" for 0). */
const char *cli_time(int64_t ms, char *buf, size_t len);
/* Parse "2026-01-01T00:00:00Z", "+90m", "+2h", "+1d", "+30s" (relative
 * to now_ms) into ms; 0 on success. */
int cli_parse_when(const char *s, int64_t now_ms, int64_t *out);
/* Resolve an order argument (source order id or host id) of company. */
int cli_order_arg(struct cli *c, const char *company, const char *arg,
                  int64_t *id);

int cli_cmd_plugins(struct cli *c, int argc, char **argv);
int cli_cmd_companies(struct cli *c, int argc, char **argv);
int cli_cmd_enable(struct cli *c, int argc, char **argv);
int cli_cmd_disable(struct cli *c, int argc, char **argv);
int cli_cmd_settings(struct cli *c, int argc, char **argv);
int cli_cmd_products(struct cli *c, int argc, char **argv);
int cli_cmd_stock(struct cli *c, int argc, char **argv);
int cli_cmd_run(struct cli *c, int argc, char **argv);
int cli_cmd_jobs(struct cli *c, int argc, char **argv);
int cli_cmd_job(struct cli *c, int argc, char **argv);
int cli_cmd_errors(struct cli *c, int argc, char **argv);
int cli_cmd_tasks(struct cli *c, int argc, char **argv);
int cli_cmd_scheduler(struct cli *c, int argc, char **argv);
int cli_cmd_orders(struct cli *c, int argc, char **argv);
int cli_cmd_order(struct cli *c, int argc, char **argv);
int cli_cmd_ship(struct cli *c, int argc, char **argv);
int cli_cmd_cancel(struct cli *c, int argc, char **argv);
int cli_cmd_settlements(struct cli *c, int argc, char **argv);
/* cli_props.c */
int cli_props_products(struct cli *c, int argc, char **argv);
int cli_run_selection(struct cli *c, int argc, char **argv);
int cli_cmd_retry(struct cli *c, int argc, char **argv);
int cli_cmd_invcalc(struct cli *c, int argc, char **argv);
/* Print a job's log lines (cli_jobs.c). */
void cli_print_job_log(struct cli *c, int64_t id);

#endif /* CLI_H */
