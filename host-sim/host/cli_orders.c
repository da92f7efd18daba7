/*
 * cli_orders.c -- host-sim commands for orders: list, print one as
 * order.xsd XML, ship (tracking, carrier, serials/IMEI, partial lines),
 * cancel, and the settlement list.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CLI_MAX_LINES 64

static int
cli_order_cb(void *ud, const struct hs_order_summary *o)
{
  if(ud) {
    json_object_array_add(ud, cli_json_order(o));
    return 0;
  }
  printf("%5lld  %-16s %-20s %-14s %-10s %-13s %-16s %10s %s  %s%s\n",
         (long long)o->id, o->company, o->source_order_id, o->marketplace,
         o->status, o->payment_status, o->shipping_status, o->grand_total,
         o->currency, o->source_updated_for_shipping ? "reported" : "-",
         strcmp(o->status, "Cancelled") == 0
             ? (o->cancel_reported ? " cancel-reported" : " cancel-pending")
             : "");
  return 0;
}

/* `cmd [<company>] [--json]`: *company NULL = all; *arr for --json. */
static int
cli_list_args(struct cli *c, const char *cmd, int argc, char **argv,
              const char **company, struct json_object **arr)
{
  static const struct option lo[] = {{"json", no_argument, NULL, 0},
                                     {NULL, 0, NULL, 0}};
  int flags = 0, first;

  first = cli_getopt(cmd, argc, argv, lo, cli_opt_flags, &flags);
  if(first < 0)
    return -first;
  if(argc - first > 1)
    return cli_usage(cmd);
  *company = first < argc ? argv[first] : NULL;
  if(*company && cli_company(c, cmd, *company))
    return CLI_FAIL;
  *arr = NULL;
  if(flags && !(*arr = json_object_new_array()))
    return cli_fail(cmd, "out of memory");
  return CLI_OK;
}

int
cli_cmd_orders(struct cli *c, int argc, char **argv)
{
  struct json_object *arr;
  const char *company;
  int rc;

  if((rc = cli_list_args(c, "orders", argc, argv, &company, &arr)))
    return rc;
  if(!arr)
    printf("%5s  %-16s %-20s %-14s %-10s %-13s %-16s %10s\n", "ID",
           "COMPANY", "SOURCE ORDER", "MARKETPLACE", "STATUS", "PAYMENT",
           "SHIPPING", "TOTAL");
  if(hs_orders_each(c->h, company, NULL, cli_order_cb, arr)) {
    json_object_put(arr);
    return cli_fail("orders", "cannot read orders");
  }
  return arr ? cli_json_print(arr) : CLI_OK;
}

int
cli_cmd_order(struct cli *c, int argc, char **argv)
{
  static const struct option lo[] = {{"json", no_argument, NULL, 0},
                                     {NULL, 0, NULL, 0}};
  struct json_object *doc;
  char *xml = NULL;
  size_t len = 0;
  int64_t id;
  int rc, flags = 0, first;

  first = cli_getopt("order", argc, argv, lo, cli_opt_flags, &flags);
  if(first < 0)
    return -first;
  if(argc - first != 2)
    return cli_usage("order");
  argv += first;
  if(cli_find_order(c, "order", argv[0], argv[1], &id))
    return CLI_FAIL;
  rc = hs_order_xml(c->h, id, &xml, &len);
  if(rc)
    return cli_fail("order", "order %lld: %s", (long long)id,
                    hs_rc_name(rc));
  if(!flags) {
    fputs(xml, stdout);
    free(xml);
    return CLI_OK;
  }
  doc = cli_json_order_doc(xml, len);
  free(xml);
  if(!doc)
    return cli_fail("order", "order %lld: the stored document does not "
                    "parse", (long long)id);
  cli_json_int(doc, "host_id", id);
  return cli_json_print(doc);
}

struct cli_ship_opts {
  struct cli *c;
  struct hs_shipment s;
  struct hs_ship_line lines[CLI_MAX_LINES];
  size_t n;
  char *sel;
};

static int
cli_ship_opt(void *ud, int idx, const char *arg)
{
  struct cli_ship_opts *o = ud;
  char why[256];
  char *eq;

  switch(idx) {
  case 0: o->s.tracking_number = arg; return 0;
  case 1: o->s.carrier = arg; return 0;
  case 2:
    if(cli_parse_when(arg, hs_clock_now(o->c->h), &o->s.ship_date_ms, why,
                      sizeof(why)))
      return cli_fail("ship", "--date '%.60s': %s", arg, why);
    if(o->s.ship_date_ms > hs_clock_now(o->c->h) + 86400000LL)
      return cli_fail("ship", "--date '%.60s' is more than a day in the "
                      "future", arg);
    return 0;
  case 3: o->sel = (char *)arg; return 0;
  default:
    eq = strchr(arg, '=');
    if(!eq || eq == arg || !eq[1])
      return cli_fail("ship", "--serial wants LINE=IMEI, got '%.60s'", arg);
    if(o->n >= CLI_MAX_LINES)
      return cli_fail("ship", "at most %d --serial/--lines entries",
                      CLI_MAX_LINES);
    *eq = '\0';
    if(hs_serial_check(eq + 1, why, sizeof(why)))
      return cli_fail("ship", "--serial %s=%.60s: %s (nothing was shipped)",
                      arg, eq + 1, why);
    o->lines[o->n].line_id = arg;
    o->lines[o->n].serial = eq + 1;
    o->n++;
    return 0;
  }
}

int
cli_cmd_ship(struct cli *c, int argc, char **argv)
{
  static const struct option lo[] = {
    {"tracking", required_argument, NULL, 0},
    {"carrier", required_argument, NULL, 0},
    {"date", required_argument, NULL, 0},
    {"lines", required_argument, NULL, 0},
    {"serial", required_argument, NULL, 0},
    {NULL, 0, NULL, 0}};
  struct cli_ship_opts *o;
  char err[512], *tok, *save = NULL;
  int64_t id;
  size_t k;
  int first, rc = CLI_OK;

  if(!(o = calloc(1, sizeof(*o))))
    return cli_fail("ship", "out of memory");
  o->c = c;
  first = cli_getopt("ship", argc, argv, lo, cli_ship_opt, o);
  if(first < 0 || argc - first != 2) {
    free(o);
    return first < 0 ? -first : cli_usage("ship");
  }
  if(!o->s.tracking_number || !o->s.carrier) {
    free(o);
    cli_fail("ship", "--tracking and --carrier are required");
    return cli_usage("ship");
  }
  if(o->sel) {
    o->s.only_listed = 1;
    for(tok = strtok_r(o->sel, ",", &save); tok && !rc;
        tok = strtok_r(NULL, ",", &save)) {
      for(k = 0; k < o->n; k++)
        if(strcmp(o->lines[k].line_id, tok) == 0)
          break;
      if(k < o->n)
        continue;
      if(o->n >= CLI_MAX_LINES) {
        rc = cli_fail("ship", "at most %d lines", CLI_MAX_LINES);
        break;
      }
      o->lines[o->n].line_id = tok;
      o->lines[o->n].serial = NULL;
      o->n++;
    }
  }
  o->s.lines = o->lines;
  o->s.n_lines = o->n;
  if(!rc && cli_find_order(c, "ship", argv[first], argv[first + 1], &id))
    rc = CLI_FAIL;
  if(!rc && hs_order_ship(c->h, id, &o->s, err, sizeof(err)))
    rc = cli_fail("ship", "%s", err);
  if(!rc)
    printf("order %s shipped with %s %s\n", argv[first + 1], o->s.carrier,
           o->s.tracking_number);
  free(o);
  return rc;
}

int
cli_cmd_cancel(struct cli *c, int argc, char **argv)
{
  const char *note = NULL;
  char err[512];
  int64_t id;

  if(argc == 5 && strcmp(argv[3], "--note") == 0)
    note = argv[4];
  else if(argc != 3)
    return cli_usage("cancel");
  if(cli_find_order(c, "cancel", argv[1], argv[2], &id))
    return CLI_FAIL;
  if(hs_order_cancel(c->h, id, note, err, sizeof(err)))
    return cli_fail("cancel", "%s", err);
  printf("order %s cancelled\n", argv[2]);
  return CLI_OK;
}

static int
cli_settle_cb(void *ud, const struct hs_settlement *s)
{
  if(ud) {
    struct json_object *o = json_object_new_object();

    if(!o)
      return BMC_ERR_NOMEM;
    cli_json_str(o, "company", s->company);
    cli_json_str(o, "marketplace", s->marketplace);
    cli_json_str(o, "settlement_id", s->settlement_id);
    cli_json_str(o, "period_start", s->period_start);
    cli_json_str(o, "period_end", s->period_end);
    cli_json_str(o, "payout_date", s->payout_date);
    cli_json_str(o, "currency", s->currency);
    cli_json_str(o, "sales", s->sales);
    cli_json_str(o, "shipping", s->shipping);
    cli_json_str(o, "fees", s->fees);
    cli_json_str(o, "refunds", s->refunds);
    cli_json_str(o, "net", s->net);
    cli_json_int(o, "lines", s->n_lines);
    cli_json_time(o, "imported", s->imported_ms);
    json_object_array_add(ud, o);
    return 0;
  }
  printf("%-16s %-14s %-16s %s..%s payout %s  sales %s fees %s refunds %s "
         "net %s %s (%lld lines)\n", s->company, s->marketplace,
         s->settlement_id, s->period_start, s->period_end, s->payout_date,
         s->sales, s->fees, s->refunds, s->net, s->currency,
         (long long)s->n_lines);
  return 0;
}

int
cli_cmd_settlements(struct cli *c, int argc, char **argv)
{
  struct json_object *arr;
  const char *company;
  int rc;

  if((rc = cli_list_args(c, "settlements", argc, argv, &company, &arr)))
    return rc;
  if(hs_settlements_each(c->h, company, cli_settle_cb, arr)) {
    json_object_put(arr);
    return cli_fail("settlements", "cannot read settlements");
  }
  return arr ? cli_json_print(arr) : CLI_OK;
}
