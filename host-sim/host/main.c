/*
 * main.c -- the host-sim command line tool: global options, the command
 * table, --help, opening the host (store, schemas, plugins, host.cfg)
 * and dispatch to the command groups in cli_*.c.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include <libxml/parser.h>

#include "cli.h"
#include "hs_config.h"


/* The installed plugin directory when it exists, else the build tree's
 * (so a freshly built host-sim finds the plugins next to it). */
static const char *
cli_default_plugin_dir(void)
{
#ifdef HS_INSTALL_PLUGIN_DIR
  if(access(HS_INSTALL_PLUGIN_DIR, R_OK | X_OK) == 0)
    return HS_INSTALL_PLUGIN_DIR;
#endif
#ifdef HS_BUILD_PLUGIN_DIR
  if(access(HS_BUILD_PLUGIN_DIR, R_OK | X_OK) == 0)
    return HS_BUILD_PLUGIN_DIR;
#endif
  return NULL;
}

static int cli_cmd_init(struct cli *c, int argc, char **argv);

static const struct cli_cmd cli_cmds[] = {
  {"init", "", "create or upgrade the store; with --config, apply host.cfg "
   "(companies, enabled plugins, Toolbox settings)", cli_cmd_init},
  {"plugins", "", "list loaded plugins with plugin and ABI versions, their "
   "settings and actions", cli_cmd_plugins},
  {"companies", "[list | add <name>]", "list or add companies",
   cli_cmd_companies},
  {"enable", "<company> <plugin>", "enable a plugin (sales channel) for a "
   "company", cli_cmd_enable},
  {"disable", "<company> <plugin>", "disable a plugin for a company",
   cli_cmd_disable},
  {"settings", "show <company> <plugin> | set <company> <plugin> <key> "
   "<value> | unset <company> <plugin> <key>", "Toolbox settings (secrets "
   "shown as ****)", cli_cmd_settings},
  {"products", "list <company> | import <company> <file.csv> | export "
   "<company> <file.csv> | show <company> <sku> [<plugin>] | set <company> "
   "<sku> <plugin> <key>[@<market>] <value>", "the catalog: list, Bulk "
   "Update CSV import/export, one product with its channel properties, "
   "set a property (\"\" clears it)", cli_cmd_products},
  {"stock", "set <company> <sku> <qty>", "set a product's available "
   "quantity", cli_cmd_stock},
  {"run", "<company> <plugin> <action> [--sku <sku> ...] [--skus-from "
   "<file>]", "run one action now as a queued job (on the selected products "
   "only with --sku/--skus-from) and print its log", cli_cmd_run},
  {"retry", "<job>", "run the failed items of a job (its error-queue "
   "entries) again through the same action", cli_cmd_retry},
  {"inventory-calc", "<company> [percent:<N> | module:<path>[:<args>] | "
   "none]", "show or set the company's Custom Inventory Calculation",
   cli_cmd_invcalc},
  {"jobs", "[<company>] [--limit N]", "list queued jobs, newest first",
   cli_cmd_jobs},
  {"job", "<id>", "show one job and its log", cli_cmd_job},
  {"errors", "[<company> [<plugin>]]", "the per-item error queue",
   cli_cmd_errors},
  {"tasks", "[<company>]", "scheduled tasks (interval, last executed, run "
   "count)", cli_cmd_tasks},
  {"scheduler", "[--until <time>|+<n>{s,m,h,d}]", "run scheduled tasks; "
   "with --until on a virtual clock up to that time, else forever on the "
   "real clock until SIGINT/SIGTERM", cli_cmd_scheduler},
  {"orders", "[<company>]", "list orders", cli_cmd_orders},
  {"order", "<company> <order>", "print an order as order.xsd XML "
   "(order = source order id or host id)", cli_cmd_order},
  {"ship", "<company> <order> --tracking <no> --carrier <name> [--serial "
   "LINE=IMEI ...] [--lines L1,L2] [--date <time>]", "ship an order (only "
   "the listed lines with --lines: PartiallyShipped)", cli_cmd_ship},
  {"cancel", "<company> <order> [--note <text>]", "cancel an unshipped "
   "order", cli_cmd_cancel},
  {"settlements", "[<company>]", "list imported settlements",
   cli_cmd_settlements},
};
#define CLI_NCMDS (sizeof(cli_cmds) / sizeof(cli_cmds[0]))

int
cli_fail(const char *cmd, const char *fmt, ...)
{
  va_list ap;

  fprintf(stderr, "host-sim %s: ", cmd);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return CLI_FAIL;
}

int
cli_usage(const char *cmd)
{
  size_t i;

  for(i = 0; i < CLI_NCMDS; i++)
    if(strcmp(cli_cmds[i].name, cmd) == 0) {
      fprintf(stderr, "usage: host-sim [global options] %s %s\n  %s\n", cmd,
              cli_cmds[i].args, cli_cmds[i].help);
      return CLI_USAGE;
    }
  fprintf(stderr, "host-sim: unknown command '%s' (host-sim --help)\n", cmd);
  return CLI_USAGE;
}

int
cli_wants_help(int argc, char **argv)
{
  int i;

  for(i = 1; i < argc; i++)
    if(strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
      return 1;
  return 0;
}

const char *
cli_time(int64_t ms, char *buf, size_t len)
{
  time_t t = (time_t)(ms / 1000);
  struct tm tm;

  if(!ms || !gmtime_r(&t, &tm) ||
     !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
    snprintf(buf, len, "-");
  return buf;
}

int
cli_parse_when(const char *s, int64_t now_ms, int64_t *out)
{
  struct tm tm;
  char *end;
  long long n;
  time_t t;
  int y, mo, d, hh = 0, mi = 0, ss = 0;

  if(s[0] == '+') {
    n = strtoll(s + 1, &end, 10);
    if(end == s + 1 || n < 0)
      return -1;
    switch(*end) {
    case 's': n *= 1000; break;
    case 'm': n *= 60 * 1000LL; break;
    case 'h': n *= 3600 * 1000LL; break;
    case 'd': n *= 86400 * 1000LL; break;
    default: return -1;
    }
    if(end[1])
      return -1;
    *out = now_ms + n;
    return 0;
  }
  if(sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &hh, &mi, &ss) < 3)
    return -1;
  memset(&tm, 0, sizeof(tm));
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = hh;
  tm.tm_min = mi;
  tm.tm_sec = ss;
  t = timegm(&tm);
  if(t == (time_t)-1)
    return -1;
  *out = (int64_t)t * 1000;
  return 0;
}

int
cli_order_arg(struct cli *c, const char *company, const char *arg,
              int64_t *id)
{
  const char *p;
  int rc = hs_order_find(c->h, company, arg, id);

  if(rc != BMC_ERR_NOT_FOUND)
    return rc;
  for(p = arg; *p && isdigit((unsigned char)*p); p++)
    ;
  if(*p || p == arg)
    return BMC_ERR_NOT_FOUND;
  *id = strtoll(arg, NULL, 10);
  return BMC_OK;
}

static int
cli_cmd_init(struct cli *c, int argc, char **argv)
{
  char err[1024];

  if(argc != 1)
    return cli_usage("init");
  if(c->config && hs_host_load_config(c->h, c->config, err, sizeof(err)))
    return cli_fail("init", "%s", err);
  printf("store %s ready (schema version %d)%s%s\n", c->db,
         hs_store_version(c->h), c->config ? ", applied " : "",
         c->config ? c->config : "");
  return CLI_OK;
}

static void
cli_help(void)
{
  size_t i;

  printf("usage: host-sim [global options] <command> [args]\n\n"
         "A Sellercloud-style host simulator: companies, Toolbox settings, "
         "products,\norders, queued jobs and scheduled tasks for channel "
         "plugins.\n\nglobal options:\n"
         "  --db PATH          SQLite store (default $HOST_SIM_DB or "
         "./host.db,\n"
         "                     or `database` from --config)\n"
         "  --config FILE      host.cfg (plugin_dir, database, companies)\n"
         "  --plugin-dir DIR   load every plugin in DIR (default "
         "$BMC_PLUGIN_DIR)\n"
         "  --schema-dir DIR   order.xsd/settlement.xsd (default "
         "$BMC_SCHEMA_DIR)\n"
         "  --sync-full        fsync every commit (power-loss safe, slower)\n"
         "  -v, --verbose      print host log lines to stderr\n\n"
         "commands:\n");
  for(i = 0; i < CLI_NCMDS; i++)
    printf("  %-12s %s\n", cli_cmds[i].name, cli_cmds[i].help);
  printf("\n`host-sim <command> --help` shows a command's arguments.\n");
}

static void
cli_log(void *ud, int level, const char *line)
{
  static const char *const lv[] = {"ERROR", "WARN", "INFO", "DEBUG"};

  (void)ud;
  fprintf(stderr, "[%s] %s\n", level >= 0 && level <= 3 ? lv[level] : "?",
          line);
}

static int
cli_open(struct cli *c, int virtual_clock, int verbose, int sync_full)
{
  struct hs_config *cfg = NULL;
  struct hs_options o;
  char err[1024];
  int rc;

  if(c->config) {
    if(hs_config_read_file(c->config, &cfg, err, sizeof(err))) {
      fprintf(stderr, "host-sim: %s\n", err);
      return CLI_FAIL;
    }
  }
  memset(&o, 0, sizeof(o));
  o.db_path = c->db ? c->db : cfg && cfg->database ? cfg->database
              : getenv("HOST_SIM_DB") ? getenv("HOST_SIM_DB") : "host.db";
  o.plugin_dir = c->plugin_dir ? c->plugin_dir
                 : cfg && cfg->plugin_dir ? cfg->plugin_dir
                 : getenv("BMC_PLUGIN_DIR") ? getenv("BMC_PLUGIN_DIR")
                 : cli_default_plugin_dir();
  o.schema_dir = c->schema_dir;
  o.virtual_clock = virtual_clock;
  o.sync_full = sync_full;
  rc = hs_host_open(&o, &c->h, err, sizeof(err));
  if(!rc) {
    /* Keep the chosen path: cfg strings die with cfg. */
    static char dbpath[1024];

    snprintf(dbpath, sizeof(dbpath), "%s", o.db_path);
    c->db = dbpath;
  }
  hs_config_free(cfg);
  if(rc) {
    fprintf(stderr, "host-sim: %s\n", err);
    return CLI_FAIL;
  }
  if(verbose)
    hs_host_set_log(c->h, cli_log, NULL);
  return CLI_OK;
}

int
main(int argc, char **argv)
{
  struct cli c;
  int i, rc, verbose = 0, virt = 0, sync_full = 0;
  size_t k;

  memset(&c, 0, sizeof(c));
  for(i = 1; i < argc && argv[i][0] == '-'; i++) {
    const char *o = argv[i];

    if(strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
      cli_help();
      return CLI_OK;
    }
    if(strcmp(o, "-v") == 0 || strcmp(o, "--verbose") == 0) {
      verbose = 1;
      continue;
    }
    if(strcmp(o, "--sync-full") == 0) {
      sync_full = 1;
      continue;
    }
    if(i + 1 >= argc) {
      fprintf(stderr, "host-sim: option %s needs a value\n", o);
      return CLI_USAGE;
    }
    if(strcmp(o, "--db") == 0)
      c.db = argv[++i];
    else if(strcmp(o, "--config") == 0)
      c.config = argv[++i];
    else if(strcmp(o, "--plugin-dir") == 0)
      c.plugin_dir = argv[++i];
    else if(strcmp(o, "--schema-dir") == 0)
      c.schema_dir = argv[++i];
    else {
      fprintf(stderr, "host-sim: unknown option %s (host-sim --help)\n", o);
      return CLI_USAGE;
    }
  }
  if(i >= argc) {
    cli_help();
    return CLI_USAGE;
  }
  for(k = 0; k < CLI_NCMDS; k++)
    if(strcmp(cli_cmds[k].name, argv[i]) == 0)
      break;
  if(k == CLI_NCMDS)
    return cli_usage(argv[i]);
  if(cli_wants_help(argc - i, argv + i)) {
    printf("usage: host-sim [global options] %s %s\n  %s\n", cli_cmds[k].name,
           cli_cmds[k].args, cli_cmds[k].help);
    return CLI_OK;
  }
  /* Only `scheduler --until` runs on a virtual clock. */
  if(strcmp(argv[i], "scheduler") == 0) {
    int j;

    for(j = i + 1; j < argc; j++)
      if(strcmp(argv[j], "--until") == 0)
        virt = 1;
  }
  rc = cli_open(&c, virt, verbose, sync_full);
  if(rc)
    return rc;
  rc = cli_cmds[k].fn(&c, argc - i, argv + i);
  hs_host_close(c.h);
  xmlCleanupParser(); /* process exit of the CLI: the one place for it */
  return rc;
}
