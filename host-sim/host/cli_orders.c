/*
 * cli_orders.c -- host-sim commands for orders: list, print one as
 * order.xsd XML, ship (tracking, carrier, serials/IMEI, partial lines),
 * cancel, and the settlement list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int
cli_order_cb(void *ud, const struct hs_order_summary *o)
{
  (void)ud;
  printf("%5lld  %-16s %-20s %-14s %-10s %-13s %-16s %10s %s  %s%s\n",
         (long long)o->id, o->company, o->source_order_id, o->marketplace,
         o->status, o->payment_status, o->shipping_status, o->grand_total,
         o->currency, o->source_updated_for_shipping ? "reported" : "-",
         strcmp(o->status, "Cancelled") == 0
             ? (o->cancel_reported ? " cancel-reported" : " cancel-pending")
             : "");
  return 0;
}

int
cli_cmd_orders(struct cli *c, int argc, char **argv)
{
  if(argc > 2)
    return cli_usage("orders");
  printf("%5s  %-16s %-20s %-14s %-10s %-13s %-16s %10s\n", "ID", "COMPANY",
         "SOURCE ORDER", "MARKETPLACE", "STATUS", "PAYMENT", "SHIPPING",
         "TOTAL");
  if(hs_orders_each(c->h, argc > 1 ? argv[1] : NULL, NULL, cli_order_cb,
                    NULL))
    return cli_fail("orders", "cannot read orders");
  return CLI_OK;
}

static int
cli_find(struct cli *c, const char *cmd, const char *company,
         const char *arg, int64_t *id)
{
  int rc = cli_order_arg(c, company, arg, id);

  if(rc == BMC_ERR_CONFLICT)
    return cli_fail(cmd, "source order id '%s' exists on two marketplaces; "
                    "use the host id (host-sim orders)", arg);
  if(rc)
    return cli_fail(cmd, "company '%s' has no order '%s'", company, arg);
  return CLI_OK;
}

int
cli_cmd_order(struct cli *c, int argc, char **argv)
{
  char *xml = NULL;
  int64_t id;
  int rc;

  if(argc != 3)
    return cli_usage("order");
  if(cli_find(c, "order", argv[1], argv[2], &id))
    return CLI_FAIL;
  rc = hs_order_xml(c->h, id, &xml, NULL);
  if(rc)
    return cli_fail("order", "order %lld: %s", (long long)id,
                    hs_rc_name(rc));
  fputs(xml, stdout);
  free(xml);
  return CLI_OK;
}

int
cli_cmd_ship(struct cli *c, int argc, char **argv)
{
  struct hs_ship_line lines[64];
  struct hs_shipment s;
  char err[512], *sel = NULL, *tok, *save = NULL;
  int64_t id;
  size_t n = 0, k;
  int i;

  if(argc < 3)
    return cli_usage("ship");
  memset(&s, 0, sizeof(s));
  for(i = 3; i < argc; i++) {
    const char *o = argv[i];

    if(i + 1 >= argc)
      return cli_usage("ship");
    if(strcmp(o, "--tracking") == 0) {
      s.tracking_number = argv[++i];
    }
    else if(strcmp(o, "--carrier") == 0) {
      s.carrier = argv[++i];
    }
    else if(strcmp(o, "--date") == 0) {
      if(cli_parse_when(argv[++i], hs_clock_now(c->h), &s.ship_date_ms))
        return cli_fail("ship", "--date '%s' is not a time", argv[i]);
    }
    else if(strcmp(o, "--lines") == 0) {
      sel = argv[++i];
    }
    else if(strcmp(o, "--serial") == 0) {
      char *eq = strchr(argv[++i], '=');

      if(!eq || eq == argv[i] || !eq[1])
        return cli_fail("ship", "--serial wants LINE=IMEI, got '%s'",
                        argv[i]);
      if(n >= 64)
        return cli_fail("ship", "at most 64 --serial/--lines entries");
      *eq = '\0';
      lines[n].line_id = argv[i];
      lines[n].serial = eq + 1;
      n++;
    }
    else {
      return cli_usage("ship");
    }
  }
  if(!s.tracking_number || !s.carrier) {
    cli_fail("ship", "--tracking and --carrier are required");
    return cli_usage("ship");
  }
  if(sel) {
    s.only_listed = 1;
    for(tok = strtok_r(sel, ",", &save); tok;
        tok = strtok_r(NULL, ",", &save)) {
      for(k = 0; k < n; k++)
        if(strcmp(lines[k].line_id, tok) == 0)
          break;
      if(k < n)
        continue;
      if(n >= 64)
        return cli_fail("ship", "at most 64 lines");
      lines[n].line_id = tok;
      lines[n].serial = NULL;
      n++;
    }
  }
  s.lines = lines;
  s.n_lines = n;
  if(cli_find(c, "ship", argv[1], argv[2], &id))
    return CLI_FAIL;
  if(hs_order_ship(c->h, id, &s, err, sizeof(err)))
    return cli_fail("ship", "%s", err);
  printf("order %s shipped with %s %s\n", argv[2], s.carrier,
         s.tracking_number);
  return CLI_OK;
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
  if(cli_find(c, "cancel", argv[1], argv[2], &id))
    return CLI_FAIL;
  if(hs_order_cancel(c->h, id, note, err, sizeof(err)))
    return cli_fail("cancel", "%s", err);
  printf("order %s cancelled\n", argv[2]);
  return CLI_OK;
}

static int
cli_settle_cb(void *ud, const struct hs_settlement *s)
{
  (void)ud;
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
  if(argc > 2)
    return cli_usage("settlements");
  if(hs_settlements_each(c->h, argc > 1 ? argv[1] : NULL, cli_settle_cb,
                         NULL))
    return cli_fail("settlements", "cannot read settlements");
  return CLI_OK;
}
