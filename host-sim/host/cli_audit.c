/*
 * cli_audit.c -- the change audit trail and dry run on the command line:
 * `audit` (query by item and time, --json, --csv), `audit-retention`,
 * `dry-run` (the company's switch) and `dry-run-report` (what a dry-run
 * job would have sent).  The web page-view audit is `users audit`.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hs_audit_trail.h"

struct cli_audit_opts {
  struct cli *c;
  struct hs_change_filter f;
  int json, csv;
};

static int
cli_audit_opt(void *ud, int idx, const char *arg)
{
  struct cli_audit_opts *o = ud;
  char why[200];
  int64_t *t;

  switch(idx) {
  case 0:
    if(!arg[0]) {
      fprintf(stderr, "host-sim audit: --item is empty\n");
      return 1;
    }
    o->f.item = arg;
    return 0;
  case 1:
  case 2:
    t = idx == 1 ? &o->f.since_ms : &o->f.until_ms;
    if(cli_parse_when(arg, hs_clock_now(o->c->h), t, why, sizeof(why))) {
      fprintf(stderr, "host-sim audit: --%s %s: %s\n",
              idx == 1 ? "since" : "until", arg, why);
      return 1;
    }
    return 0;
  case 3:
    o->json = 1;
    return 0;
  default:
    o->csv = 1;
    return 0;
  }
}

static int
cli_change_json_cb(void *ud, const struct hs_change_row *r)
{
  struct json_object *o = json_object_new_object();

  if(!o)
    return BMC_ERR_NOMEM;
  cli_json_int(o, "id", r->id);
  cli_json_time(o, "ts", r->ts_ms);
  cli_json_str(o, "company", r->company);
  cli_json_str(o, "plugin", r->plugin);
  cli_json_int(o, "job", r->job_id);
  cli_json_str(o, "trigger", r->trigger);
  json_object_object_add(o, "dry_run", json_object_new_boolean(r->dry_run));
  cli_json_str(o, "sku", r->sku);
  cli_json_str(o, "market", r->market);
  cli_json_str(o, "order", r->order);
  cli_json_str(o, "line", r->line);
  cli_json_str(o, "field", r->field);
  cli_json_str(o, "old_value", r->old_value);
  cli_json_str(o, "new_value", r->new_value);
  cli_json_str(o, "request_id", r->request_id);
  cli_json_str(o, "result", r->result);
  cli_json_str(o, "detail", r->detail);
  json_object_array_add(ud, o);
  return 0;
}

static int
cli_change_text_cb(void *ud, const struct hs_change_row *r)
{
  char t[32], item[400];

  (void)ud;
  snprintf(item, sizeof(item), "%s%s%s%s%s%s%s%s",
           r->sku ? r->sku : "", r->sku && r->order ? " " : "",
           r->order ? "order " : "", r->order ? r->order : "",
           r->line ? " line " : "", r->line ? r->line : "",
           r->market ? " @" : "", r->market ? r->market : "");
  printf("%s  job %-6lld %-9s %-40s %-9s %s -> %s  %s  %s%s%s\n",
         cli_time(r->ts_ms, t, sizeof(t)), (long long)r->job_id, r->trigger,
         item, r->field, r->old_value ? r->old_value : "?",
         r->new_value ? r->new_value : "-", r->result,
         r->request_id ? r->request_id : "-", r->detail ? "  " : "",
         r->detail ? r->detail : "");
  return 0;
}

/* Print the rows of f as text, JSON or CSV. */
static int
cli_changes_print(struct cli *c, const char *cmd,
                  const struct hs_change_filter *f, int json, int csv)
{
  struct json_object *arr = NULL;
  int rc;

  if(csv) {
    rc = hs_change_audit_csv(c->h, f, stdout);
    if(!rc && fflush(stdout))
      rc = BMC_ERR_INTERNAL;
    return rc ? cli_fail(cmd, "cannot write the CSV (%s)",
                         hs_last_error(c->h)) : CLI_OK;
  }
  if(json && !(arr = json_object_new_array()))
    return cli_fail(cmd, "out of memory");
  rc = hs_change_audit_each(c->h, f, json ? cli_change_json_cb
                                          : cli_change_text_cb, arr);
  if(rc) {
    json_object_put(arr);
    return cli_fail(cmd, "cannot read the audit trail (%s)",
                    hs_last_error(c->h));
  }
  return arr ? cli_json_print(arr) : CLI_OK;
}

/* audit C [--item X] [--since T] [--until T] [--json|--csv] */
int
cli_cmd_audit(struct cli *c, int argc, char **argv)
{
  static const struct option lo[] = {{"item", required_argument, NULL, 0},
                                     {"since", required_argument, NULL, 0},
                                     {"until", required_argument, NULL, 0},
                                     {"json", no_argument, NULL, 0},
                                     {"csv", no_argument, NULL, 0},
                                     {NULL, 0, NULL, 0}};
  struct cli_audit_opts o;
  int first;

  memset(&o, 0, sizeof(o));
  o.c = c;
  o.f.dry = 0;
  first = cli_getopt("audit", argc, argv, lo, cli_audit_opt, &o);
  if(first < 0)
    return -first;
  if(argc - first != 1 || (o.json && o.csv))
    return cli_usage("audit");
  if(cli_company(c, "audit", argv[first]))
    return CLI_FAIL;
  o.f.company = argv[first];
  return cli_changes_print(c, "audit", &o.f, o.json, o.csv);
}

/* dry-run-report JOB [--csv|--json] */
int
cli_cmd_dry_run_report(struct cli *c, int argc, char **argv)
{
  static const struct option lo[] = {{"json", no_argument, NULL, 0},
                                     {"csv", no_argument, NULL, 0},
                                     {NULL, 0, NULL, 0}};
  struct hs_change_filter f;
  int flags = 0, first;
  int64_t job;

  first = cli_getopt("dry-run-report", argc, argv, lo, cli_opt_flags,
                     &flags);
  if(first < 0)
    return -first;
  if(argc - first != 1 || flags == 3)
    return cli_usage("dry-run-report");
  if(cli_num("dry-run-report", "job", argv[first], 1, INT64_MAX, &job))
    return CLI_FAIL;
  memset(&f, 0, sizeof(f));
  f.job_id = job;
  f.dry = 1;
  return cli_changes_print(c, "dry-run-report", &f, flags & 1, flags & 2);
}

/* dry-run C [on|off] */
int
cli_cmd_dry_run(struct cli *c, int argc, char **argv)
{
  int on = 0, rc;

  if(argc < 2 || argc > 3)
    return cli_usage("dry-run");
  if(cli_company(c, "dry-run", argv[1]))
    return CLI_FAIL;
  if(argc == 3) {
    if(strcmp(argv[2], "on") && strcmp(argv[2], "off"))
      return cli_fail("dry-run", "'%s': expected on or off", argv[2]);
    rc = hs_company_dry_run_set(c->h, argv[1], !strcmp(argv[2], "on"));
    if(rc)
      return cli_fail("dry-run", "cannot switch it (%s)",
                      hs_last_error(c->h));
  }
  if(hs_company_dry_run_get(c->h, argv[1], &on))
    return cli_fail("dry-run", "cannot read it (%s)", hs_last_error(c->h));
  printf("%s: dry run %s\n", argv[1], on ? "on (nothing that changes a "
         "marketplace is sent; see dry-run-report)" : "off");
  return CLI_OK;
}

/* audit-retention C [DAYS] */
int
cli_cmd_audit_retention(struct cli *c, int argc, char **argv)
{
  char err[256];
  int64_t days;

  if(argc < 2 || argc > 3)
    return cli_usage("audit-retention");
  if(cli_company(c, "audit-retention", argv[1]))
    return CLI_FAIL;
  if(argc == 3) {
    if(cli_num("audit-retention", "days", argv[2], 1, 36500, &days))
      return CLI_FAIL;
    if(hs_company_audit_retention_set(c->h, argv[1], days, err,
                                      sizeof(err)))
      return cli_fail("audit-retention", "%s", err);
  }
  if(hs_company_audit_retention_get(c->h, argv[1], &days))
    return cli_fail("audit-retention", "cannot read it");
  printf("%s: the change audit trail keeps %lld days\n", argv[1],
         (long long)days);
  return CLI_OK;
}
