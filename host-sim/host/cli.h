/*
 * cli.h -- shared declarations of the host-sim command line tool: the
 * global options, the command table entry shape, argument checks (ranges,
 * company and plugin names), JSON output and the progress line.
 */
#ifndef CLI_H
#define CLI_H

#include <stdint.h>

#include <json-c/json.h>

#include "hs_host.h"

#define CLI_OK 0
#define CLI_FAIL 1  /* the operation failed */
#define CLI_USAGE 2 /* bad command line */

struct cli {
  struct hs_host *h;
  const char *db, *config, *plugin_dir, *schema_dir, *key_file;
};

struct cli_cmd {
  const char *name, *args, *help;
  int (*fn)(struct cli *c, int argc, char **argv);
  const char *options; /* long options the command takes ("--json ...") */
};

/* The command table (main.c); n set to its length. */
const struct cli_cmd *cli_commands(size_t *n);

/* Print "host-sim <cmd>: <msg>" to stderr; returns CLI_FAIL. */
int cli_fail(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Usage line for a command to stderr; returns CLI_USAGE. */
int cli_usage(const char *cmd);
/* "--help" / "-h" among argv[1..]? */
int cli_wants_help(int argc, char **argv);

/* ---- cli_util.c ---- */
/* ms since the epoch as "YYYY-MM-DD HH:MM:SS" UTC ("-" for 0). */
const char *cli_time(int64_t ms, char *buf, size_t len);
/* Parse "2026-01-31", "2026-01-31T12:00:00[Z]" (a real calendar date and
 * time of day: 2026-02-30 and 25:61:61 are refused) or "+90m", "+2h",
 * "+1d", "+30s" relative to now_ms (no overflow) into ms; 0 on success,
 * else -1 with why filled in. */
int cli_parse_when(const char *s, int64_t now_ms, int64_t *out, char *why,
                   size_t whylen);
/* A whole number in [lo, hi] named `what`: CLI_OK, else prints what is
 * wrong (not a number, out of range with the range) and CLI_FAIL. */
int cli_num(const char *cmd, const char *what, const char *s, int64_t lo,
            int64_t hi, int64_t *out);
/* The company exists: CLI_OK, else prints the valid names, CLI_FAIL. */
int cli_company(struct cli *c, const char *cmd, const char *name);
/* The plugin is loaded: CLI_OK, else prints the loaded names, CLI_FAIL. */
int cli_plugin(struct cli *c, const char *cmd, const char *name);
/* Resolve an order argument (source order id or host id) of company;
 * prints why on failure and returns CLI_FAIL. */
int cli_find_order(struct cli *c, const char *cmd, const char *company,
                   const char *arg, int64_t *id);
/* Parse command cmd's options with getopt_long (argv[0] is skipped;
 * operands are moved after the options); each recognised option calls
 * on(ud, index in longopts, optarg), non-zero = bad value (on printed
 * why).  Returns the index of the first operand, or -CLI_USAGE after
 * printing the usage, or -CLI_FAIL for a bad value. */
struct option;
int cli_getopt(const char *cmd, int argc, char **argv,
               const struct option *longopts,
               int (*on)(void *ud, int idx, const char *arg), void *ud);
/* An `on` for flag options: sets bit idx in *(int *)ud. */
int cli_opt_flags(void *ud, int idx, const char *arg);

/* ---- cli_json.c ---- */
/* Print obj as one line of JSON on stdout and drop the reference. */
int cli_json_print(struct json_object *obj);
/* Add key = string s (JSON null when s is NULL). */
void cli_json_str(struct json_object *o, const char *key, const char *s);
void cli_json_int(struct json_object *o, const char *key, int64_t v);
/* ms since the epoch as ISO-8601 UTC, null for 0. */
void cli_json_time(struct json_object *o, const char *key, int64_t ms);
struct json_object *cli_json_job(const struct hs_job *j);
struct json_object *cli_json_order(const struct hs_order_summary *o);
/* The order document as JSON (elements as keys, lines and serials as
 * arrays); NULL on a malformed document. */
struct json_object *cli_json_order_doc(const char *xml, size_t len);

/* ---- cli_progress.c ---- */
/* Show "done/total, rate, ETA" on stderr while jobs run, when stderr is
 * a terminal (nothing otherwise). */
void cli_progress_attach(struct cli *c, const char *label);
/* End the progress line (newline) if one was drawn. */
void cli_progress_end(void);

/* ---- cli_paths.c ---- */
/* Default plugin and schema directories derived from the executable's
 * own location (<prefix>/bin/host-sim -> <prefix>/lib/bmconnector/plugins
 * and <prefix>/share/bmconnector/schemas), else the build tree's; NULL
 * when neither exists. */
const char *cli_default_plugin_dir(void);
const char *cli_default_schema_dir(void);

/* ---- cli_secret.c ---- */
/* Read a secret from standard input ("-") or a file (at most 64 KiB, one
 * trailing newline removed) into a malloc'd string; NULL after printing
 * why.  Wipe and free with cli_secret_free. */
char *cli_secret_read(const char *cmd, const char *from_file);
void cli_secret_free(char *s);

int cli_cmd_plugins(struct cli *c, int argc, char **argv);
int cli_cmd_companies(struct cli *c, int argc, char **argv);
int cli_cmd_enable(struct cli *c, int argc, char **argv);
int cli_cmd_disable(struct cli *c, int argc, char **argv);
int cli_cmd_settings(struct cli *c, int argc, char **argv);
int cli_cmd_products(struct cli *c, int argc, char **argv);
int cli_cmd_stock(struct cli *c, int argc, char **argv);
int cli_cmd_feed_reset(struct cli *c, int argc, char **argv);
int cli_cmd_ready(struct cli *c, int argc, char **argv);
int cli_cmd_run(struct cli *c, int argc, char **argv);
int cli_cmd_jobs(struct cli *c, int argc, char **argv);
int cli_cmd_job(struct cli *c, int argc, char **argv);
int cli_cmd_errors(struct cli *c, int argc, char **argv);
int cli_cmd_health(struct cli *c, int argc, char **argv); /* cli_health.c */
int cli_cmd_dispatch_warn(struct cli *c, int argc, char **argv);
int cli_cmd_resolve(struct cli *c, int argc, char **argv);
int cli_cmd_release(struct cli *c, int argc, char **argv);
int cli_cmd_serial(struct cli *c, int argc, char **argv);
int cli_cmd_tasks(struct cli *c, int argc, char **argv);
int cli_cmd_scheduler(struct cli *c, int argc, char **argv);
int cli_cmd_worker(struct cli *c, int argc, char **argv);
int cli_cmd_orders(struct cli *c, int argc, char **argv);
int cli_cmd_order(struct cli *c, int argc, char **argv);
int cli_cmd_ship(struct cli *c, int argc, char **argv);
int cli_cmd_cancel(struct cli *c, int argc, char **argv);
int cli_cmd_settlements(struct cli *c, int argc, char **argv);
int cli_cmd_completion(struct cli *c, int argc, char **argv);
int cli_cmd_rotate_key(struct cli *c, int argc, char **argv);
/* The host's reason for the last failure (hs_last_error) when it gave
 * one, else the name of rc. */
const char *cli_rc_text(struct cli *c, int rc);
/* host-sim/web/cli_web.c */
int cli_cmd_web(struct cli *c, int argc, char **argv);
int cli_cmd_users(struct cli *c, int argc, char **argv);

/* ---- cli_props.c ---- */
/* products show / set / export */
int cli_props_products(struct cli *c, int argc, char **argv);
int cli_cmd_retry(struct cli *c, int argc, char **argv);
int cli_cmd_invcalc(struct cli *c, int argc, char **argv);
/* cli_audit.c */
int cli_cmd_audit(struct cli *c, int argc, char **argv);
int cli_cmd_audit_retention(struct cli *c, int argc, char **argv);
int cli_cmd_dry_run(struct cli *c, int argc, char **argv);
int cli_cmd_dry_run_report(struct cli *c, int argc, char **argv);
/* A selection of SKUs from --sku (idx 0) and --skus-from FILE (idx 1):
 * a cli_getopt `on` collecting into a struct cli_items. */
struct cli_items {
  char **v;
  size_t n, cap;
};
int cli_items_opt(void *ud, int idx, const char *arg);
void cli_items_free(struct cli_items *it);
/* Print "job N: status" and the job's log; CLI_OK when it completed. */
int cli_job_outcome(struct cli *c, int64_t id, int st);

#endif /* CLI_H */
