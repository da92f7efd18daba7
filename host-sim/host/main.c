/*
 * main.c -- the host-sim command line tool: global options (getopt_long),
 * the command table (also the source of --help and of the bash
 * completion), opening the host (store, schemas, plugins, host.cfg), log
 * lines for a terminal or the systemd journal, and dispatch to the command
 * groups in cli_*.c.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include "hs_db.h"

#include "cli.h"
#include "hs_config.h"

static int cli_cmd_init(struct cli *c, int argc, char **argv);

static const struct cli_cmd cli_cmds[] = {
  {"init", "", "create or upgrade the store; with --config, apply host.cfg "
   "(companies, enabled plugins, Toolbox settings)", cli_cmd_init, ""},
  {"plugins", "[--json]", "list loaded plugins with plugin and ABI "
   "versions, their settings and actions", cli_cmd_plugins, "--json"},
  {"companies", "[list | add <name>]", "list or add companies",
   cli_cmd_companies, ""},
  {"enable", "<company> <plugin>", "enable a plugin (sales channel) for a "
   "company", cli_cmd_enable, ""},
  {"disable", "<company> <plugin>", "disable a plugin for a company",
   cli_cmd_disable, ""},
  {"settings", "show <company> <plugin> | set <company> <plugin> <key> "
   "<value> | set <company> <plugin> <secret-key> [--pending] {- | "
   "--from-file F} | unset <company> <plugin> <key>", "Toolbox settings "
   "(secrets shown as ****; a secret is read from standard input or a "
   "file, never argv; --pending: checked with the marketplace first, then "
   "swapped in between two jobs)", cli_cmd_settings,
   "--from-file --pending"},
  {"products", "list <company> [--enabled] [--json] | import <company> "
   "<file.csv> | export <company> <file.csv> | show <company> <sku> "
   "[<plugin>] [--json] | set <company> <sku> <plugin> <key>[@<market>] "
   "<value>", "the catalog: list, Bulk Update CSV import/export, one "
   "product with its channel properties, set a property (\"\" clears it)",
   cli_cmd_products, "--enabled --json"},
  {"stock", "set <company> <sku> <qty>", "set a product's available "
   "quantity (-1000000000..1000000000, as in the CSV import)",
   cli_cmd_stock, ""},
  {"feed-reset", "[<company>]", "give the company's change feed (every "
   "company's without one) a new epoch, so each plugin's next inventory and "
   "price cycle is a full pass (after restoring products from elsewhere)",
   cli_cmd_feed_reset, ""},
  {"ready", "<company> [<sku>] [--json]", "Ready To Post Yes/No with every "
   "reason (per market too), as the plugins last checked it", cli_cmd_ready,
   "--json"},
  {"run", "<company> <plugin> <action> [--sku <sku> ...] [--skus-from "
   "<file>] [--dry-run]", "run one action now as a queued job (on the "
   "selected products only with --sku/--skus-from; --dry-run: send nothing "
   "that changes the marketplace, see dry-run-report) and print its log "
   "(progress on a terminal)", cli_cmd_run, "--sku --skus-from --dry-run"},
  {"retry", "<job>", "run the failed items of a job (its open error-queue "
   "entries) again through the same action", cli_cmd_retry, ""},
  {"inventory-calc", "<company> [percent:<N> | module:<path>[:<args>] | "
   "none]", "show or set the company's Custom Inventory Calculation",
   cli_cmd_invcalc, ""},
  {"jobs", "[<company>] [--limit N] [--json]", "list queued jobs, newest "
   "first", cli_cmd_jobs, "--limit --json"},
  {"job", "<id> [--json]", "show one job and its log", cli_cmd_job,
   "--json"},
  {"health", "[<company>] [--json]", "health facts per company and "
   "plugin: last success of each scheduled action, token status, company "
   "alerts, open errors by code, metrics per market (last hour and day)",
   cli_cmd_health, "--json"},
  {"dispatch-warn", "<company> [<hours>]", "show or set how long before an "
   "order's dispatch deadline the host flags it dispatch_due_soon (default "
   "4; past it: dispatch_late)", cli_cmd_dispatch_warn, ""},
  {"errors", "[<company> [<plugin>]] [--all] [--json]", "the per-item error "
   "queue (open entries; --all adds resolved ones)", cli_cmd_errors,
   "--all --json"},
  {"resolve", "<error-id> --note <text>", "mark an error-queue entry "
   "resolved with a note (a logged change)", cli_cmd_resolve, "--note"},
  {"release", "<company> <order> [--note <text>]", "release an order held "
   "for review (On Hold -> In Process): the next order download accepts "
   "it", cli_cmd_release, "--note"},
  {"serial", "<company> <order> <line> <imei-or-serial>", "correct a "
   "line's serial/IMEI before the tracking upload sends it",
   cli_cmd_serial, ""},
  {"tasks", "[<company>] [--json]", "scheduled tasks (interval, last "
   "executed, run count)", cli_cmd_tasks, "--json"},
  {"scheduler", "[--until <time>|+<n>{s,m,h,d}]", "run scheduled tasks; "
   "with --until on a virtual clock up to that time (exit 1 when a job "
   "failed), else forever on the real clock until SIGINT/SIGTERM",
   cli_cmd_scheduler, "--until"},
  {"worker", "[--name N] [--lease-s S] [--once] [--until <time>|+<n>{s,m,"
   "h,d}]", "one of any number of scheduler workers sharing the store "
   "(also across machines on PostgreSQL): claims one due task at a time "
   "under a lease (default 60 s, host.cfg worker_lease_s) until "
   "SIGINT/SIGTERM, --until, or with --once until nothing is due",
   cli_cmd_worker, "--name --lease-s --once --until"},
  {"orders", "[<company>] [--json]", "list orders", cli_cmd_orders,
   "--json"},
  {"order", "<company> <order> [--json]", "print an order as order.xsd XML "
   "(order = source order id or host id)", cli_cmd_order, "--json"},
  {"ship", "<company> <order> --tracking <no> --carrier <name> [--serial "
   "LINE=IMEI ...] [--lines L1,L2] [--date <time>]", "ship an order (only "
   "the listed lines with --lines: PartiallyShipped)", cli_cmd_ship,
   "--tracking --carrier --serial --lines --date"},
  {"cancel", "<company> <order> [--note <text>]", "cancel an unshipped "
   "order", cli_cmd_cancel, "--note"},
  {"settlements", "[<company>] [--json]", "list imported settlements",
   cli_cmd_settlements, "--json"},
  {"rotate-key", "", "re-seal every secret setting under a new store key "
   "(the old key file is replaced atomically; back up the new one)",
   cli_cmd_rotate_key, ""},
  {"completion", "bash", "print the bash completion script (generated "
   "from this command table)", cli_cmd_completion, ""},
  {"web", "[--listen ADDR:PORT] [--portfile PATH] [--workers N] "
   "[--session-hours N] [--secure-cookie]", "serve the web Toolbox (default "
   "127.0.0.1:8080; prints READY port=N once listening)", cli_cmd_web,
   "--listen --portfile --workers --session-hours --secure-cookie"},
  {"audit", "<company> [--item <sku-or-order>] [--since <time>] [--until "
   "<time>] [--json | --csv]", "the change audit trail: every change sent "
   "to a marketplace (time, job, trigger, item, field, old and new value, "
   "request or task id, result)", cli_cmd_audit,
   "--item --since --until --json --csv"},
  {"audit-retention", "<company> [<days>]", "show or set how long the "
   "change audit trail is kept (default 400 days; the scheduler prunes)",
   cli_cmd_audit_retention, ""},
  {"dry-run", "<company> [on | off]", "show or switch the company's dry "
   "run: every job computes what it would send and sends nothing that "
   "changes a marketplace", cli_cmd_dry_run, ""},
  {"dry-run-report", "<job> [--json | --csv]", "what a dry-run job would "
   "have sent, one change per row", cli_cmd_dry_run_report,
   "--json --csv"},
  {"users", "add <name> --role admin|viewer | passwd <name> | remove <name> "
   "| list | audit [--user NAME] [--limit N]", "web Toolbox users "
   "(passwords read from stdin) and the audit of their page views and "
   "actions", cli_cmd_users, "--role --user --limit"},
};
#define CLI_NCMDS (sizeof(cli_cmds) / sizeof(cli_cmds[0]))

#define CLI_GLOBAL_OPTS "--db --config --plugin-dir --schema-dir " \
                        "--sync-full --key-file --verbose --version --help"

const struct cli_cmd *
cli_commands(size_t *n)
{
  *n = CLI_NCMDS;
  return cli_cmds;
}

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

static int
cli_cmd_init(struct cli *c, int argc, char **argv)
{
  char err[1024], name[1024];

  (void)argv;
  if(argc != 1)
    return cli_usage("init");
  if(c->config && hs_host_load_config(c->h, c->config, err, sizeof(err)))
    return cli_fail("init", "%s", err);
  hs_db_target_name(c->db, name, sizeof(name));
  printf("store %s ready (schema version %d)%s%s\n", name,
         hs_store_version(c->h), c->config ? ", applied " : "",
         c->config ? c->config : "");
  if(hs_store_key_path(c->h))
    printf("store key %s (back it up with the store: without it the "
           "secret settings are lost)\n", hs_store_key_path(c->h));
  return CLI_OK;
}

int
cli_cmd_rotate_key(struct cli *c, int argc, char **argv)
{
  char err[1024];

  (void)argv;
  if(argc != 1)
    return cli_usage("rotate-key");
  if(hs_store_rotate_key(c->h, err, sizeof(err)))
    return cli_fail("rotate-key", "%s", err);
  printf("secret settings re-sealed under a new key in %s; back it up\n",
         hs_store_key_path(c->h) ? hs_store_key_path(c->h) : "(memory)");
  return CLI_OK;
}

const char *
cli_rc_text(struct cli *c, int rc)
{
  const char *why = c && c->h ? hs_last_error(c->h) : NULL;

  return why && why[0] ? why : hs_rc_name(rc);
}

int
cli_cmd_completion(struct cli *c, int argc, char **argv)
{
  size_t i;

  (void)c;
  if(argc != 2 || strcmp(argv[1], "bash"))
    return cli_usage("completion");
  printf("# bash completion for host-sim, generated by `host-sim completion "
         "bash`\n_host_sim()\n{\n  local cur=${COMP_WORDS[COMP_CWORD]} "
         "cmd= i\n  for ((i = 1; i < COMP_CWORD; i++)); do\n    case "
         "${COMP_WORDS[i]} in\n      --db|--config|--plugin-dir|"
         "--schema-dir) ((i++)) ;;\n      -*) ;;\n      *) cmd="
         "${COMP_WORDS[i]}; break ;;\n    esac\n  done\n  case $cmd in\n"
         "    '') COMPREPLY=($(compgen -W '");
  for(i = 0; i < CLI_NCMDS; i++)
    printf("%s ", cli_cmds[i].name);
  printf(CLI_GLOBAL_OPTS "' -- \"$cur\")) ;;\n");
  for(i = 0; i < CLI_NCMDS; i++)
    printf("    %s) COMPREPLY=($(compgen -W '%s --help' -- \"$cur\")) ;;\n",
           cli_cmds[i].name, cli_cmds[i].options);
  printf("  esac\n  case ${COMP_WORDS[COMP_CWORD-1]} in\n    --db|--config|"
         "--from-file|--key-file|--skus-from) COMPREPLY=($(compgen -f -- "
         "\"$cur\")) ;;\n"
         "    --plugin-dir|--schema-dir) COMPREPLY=($(compgen -d -- "
         "\"$cur\")) ;;\n  esac\n}\ncomplete -F _host_sim host-sim\n");
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
         "                     or `database` from --config); it must exist "
         "except for init\n"
         "  --config FILE      host.cfg (plugin_dir, database, companies)\n"
         "  --plugin-dir DIR   load every plugin in DIR (default "
         "$BMC_PLUGIN_DIR, else the\n"
         "                     plugins installed beside this host-sim)\n"
         "  --schema-dir DIR   order.xsd, settlement.xsd and the plugins' "
         "rule files\n"
         "                     (default $BMC_SCHEMA_DIR, else the installed "
         "ones)\n"
         "  --sync-full        fsync every commit (power-loss safe, slower)\n"
         "  --key-file FILE    the store key sealing secret settings (default\n"
         "                     `key_file` from --config, else <db>.key)\n"
         "  -v, --verbose      print host log lines to stderr\n"
         "  --version          print the version and exit\n\n"
         "commands:\n");
  for(i = 0; i < CLI_NCMDS; i++)
    printf("  %-12s %s\n", cli_cmds[i].name, cli_cmds[i].help);
  printf("\n`host-sim <command> --help` shows a command's arguments.\n");
}

static void
cli_version(void)
{
  printf("host-sim (bmconnector) %s\nplugin ABI %d.%d, SQLite %s\n",
         HS_VERSION, BMC_ABI_MAJOR, BMC_ABI_MINOR, hs_db_sqlite_version());
}

static void
cli_log(void *ud, int level, const char *line)
{
  static const char *const lv[] = {"ERROR", "WARN", "INFO", "DEBUG"};

  (void)ud;
  fprintf(stderr, "[%s] %s\n", level >= 0 && level <= 3 ? lv[level] : "?",
          line);
}

/* Under systemd, stderr is the journal: a "<N>" prefix gives each line
 * its syslog level (3 err, 4 warning, 6 info, 7 debug). */
static void
cli_log_journal(void *ud, int level, const char *line)
{
  static const int prio[] = {3, 4, 6, 7};

  (void)ud;
  fprintf(stderr, "<%d>%s\n", level >= 0 && level <= 3 ? prio[level] : 6,
          line);
}

/* stderr is the stream systemd named in $JOURNAL_STREAM ("dev:inode"). */
static int
cli_stderr_is_journal(void)
{
  const char *js = getenv("JOURNAL_STREAM");
  unsigned long long dev, ino;
  struct stat st;

  if(!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 ||
     fstat(STDERR_FILENO, &st))
    return 0;
  return (unsigned long long)st.st_dev == dev &&
         (unsigned long long)st.st_ino == ino;
}

static int
cli_open(struct cli *c, const char *cmd, int virtual_clock, int verbose,
         int sync_full)
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
  o.schema_dir = c->schema_dir ? c->schema_dir
                 : getenv("BMC_SCHEMA_DIR") ? getenv("BMC_SCHEMA_DIR")
                 : cli_default_schema_dir();
  /* The plugins find their rule files through $BMC_SCHEMA_DIR. */
  if(o.schema_dir && setenv("BMC_SCHEMA_DIR", o.schema_dir, 1)) {
    hs_config_free(cfg);
    fprintf(stderr, "host-sim: out of memory\n");
    return CLI_FAIL;
  }
  o.key_file = c->key_file ? c->key_file : cfg && cfg->key_file ? cfg->key_file
               : NULL;
  o.virtual_clock = virtual_clock;
  o.sync_full = sync_full;
  /* a postgresql:// database is no file: hs_host_open says if it is
   * missing */
  if(strcmp(cmd, "init") && strcmp(o.db_path, ":memory:") &&
     hs_db_backend_of(o.db_path) == HS_DB_SQLITE && access(o.db_path, F_OK)) {
    fprintf(stderr, "host-sim: store '%s' does not exist; create it with "
            "`host-sim --db %s init` (or check --db / `database` in "
            "host.cfg)\n", o.db_path, o.db_path);
    hs_config_free(cfg);
    return CLI_FAIL;
  }
  rc = hs_host_open(&o, &c->h, err, sizeof(err));
  if(!rc) {
    /* Keep the chosen path (cfg strings die with cfg); messages name it
     * through hs_db_target_name (a PostgreSQL URI without its password). */
    static char dbpath[1024];

    snprintf(dbpath, sizeof(dbpath), "%s", o.db_path);
    c->db = dbpath;
  }
  hs_config_free(cfg);
  if(rc) {
    fprintf(stderr, "host-sim: %s\n", err);
    return CLI_FAIL;
  }
  if(cli_stderr_is_journal())
    hs_host_set_log(c->h, cli_log_journal, NULL);
  else if(verbose)
    hs_host_set_log(c->h, cli_log, NULL);
  return CLI_OK;
}

enum { CLI_O_DB = 1, CLI_O_CONFIG, CLI_O_PLUGIN_DIR, CLI_O_SCHEMA_DIR,
       CLI_O_SYNC_FULL, CLI_O_VERSION, CLI_O_KEY_FILE };

int
main(int argc, char **argv)
{
  static const struct option opts[] = {
    {"db", required_argument, NULL, CLI_O_DB},
    {"config", required_argument, NULL, CLI_O_CONFIG},
    {"plugin-dir", required_argument, NULL, CLI_O_PLUGIN_DIR},
    {"schema-dir", required_argument, NULL, CLI_O_SCHEMA_DIR},
    {"sync-full", no_argument, NULL, CLI_O_SYNC_FULL},
    {"key-file", required_argument, NULL, CLI_O_KEY_FILE},
    {"verbose", no_argument, NULL, 'v'},
    {"version", no_argument, NULL, CLI_O_VERSION},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};
  struct cli c;
  int o, i, rc, verbose = 0, virt = 0, sync_full = 0;
  size_t k;

  memset(&c, 0, sizeof(c));
  opterr = 0;
  while((o = getopt_long(argc, argv, "+:hv", opts, NULL)) != -1) {
    switch(o) {
    case 'h': cli_help(); return CLI_OK;
    case CLI_O_VERSION: cli_version(); return CLI_OK;
    case 'v': verbose = 1; break;
    case CLI_O_SYNC_FULL: sync_full = 1; break;
    case CLI_O_DB: c.db = optarg; break;
    case CLI_O_CONFIG: c.config = optarg; break;
    case CLI_O_PLUGIN_DIR: c.plugin_dir = optarg; break;
    case CLI_O_SCHEMA_DIR: c.schema_dir = optarg; break;
    case CLI_O_KEY_FILE: c.key_file = optarg; break;
    case ':':
      fprintf(stderr, "host-sim: option %s needs a value\n",
              argv[optind - 1]);
      return CLI_USAGE;
    default:
      fprintf(stderr, "host-sim: unknown option %s (host-sim --help)\n",
              argv[optind - 1]);
      return CLI_USAGE;
    }
  }
  i = optind;
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
  if(cli_cmds[k].fn == cli_cmd_completion)
    return cli_cmd_completion(&c, argc - i, argv + i);
  /* Only `scheduler --until` runs on a virtual clock. */
  if(cli_cmds[k].fn == cli_cmd_scheduler) {
    int j;

    for(j = i + 1; j < argc; j++)
      if(strncmp(argv[j], "--until", 7) == 0)
        virt = 1;
  }
  rc = cli_open(&c, argv[i], virt, verbose, sync_full);
  if(rc)
    return rc;
  rc = cli_cmds[k].fn(&c, argc - i, argv + i);
  hs_host_close(c.h);
  xmlCleanupParser(); /* process exit of the CLI: the one place for it */
  return rc;
}
