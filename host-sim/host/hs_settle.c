/*
 * hs_settle.c -- settlements: settlement_import (settlement.xsd
 * validation, upsert on (company, marketplace, settlement_id) with its
 * lines replaced) and the settlement listing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_internal.h"

static int
hs_settle_lines(struct hs_host *h, int64_t sid, xmlNodePtr root)
{
  xmlNodePtr ls = hs_xml_child(root, "lines"), c;
  struct hs_dbst *st;
  int64_t seq = 0;

  st = hs_stmt(h, "DELETE FROM settlement_lines WHERE settlement = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, sid);
  if(hs_db_step(st) != HS_DB_DONE) {
    hs_db_reset(st);
    return BMC_ERR_INTERNAL;
  }
  hs_db_reset(st);
  for(c = ls ? ls->children : NULL; c; c = c->next) {
    static const char *const f[] = {"source_order_id", "line_id", "type",
                                    "amount", "date"};
    char *v[5];
    size_t i;
    int ok;

    if(c->type != XML_ELEMENT_NODE)
      continue;
    st = hs_stmt(h, "INSERT INTO settlement_lines(settlement, seq,"
                 " source_order_id, line_id, type, amount, date) VALUES(?, ?,"
                 " ?, ?, ?, ?, ?)");
    if(!st)
      return BMC_ERR_INTERNAL;
    hs_db_bind_i64(st, 1, sid);
    hs_db_bind_i64(st, 2, ++seq);
    for(i = 0; i < 5; i++) {
      v[i] = hs_xml_child_text(c, f[i]);
      hs_bind_text(st, (int)i + 3, v[i]);
    }
    ok = hs_db_step(st) == HS_DB_DONE;
    hs_db_reset(st);
    for(i = 0; i < 5; i++)
      free(v[i]);
    if(!ok)
      return BMC_ERR_INTERNAL;
  }
  return BMC_OK;
}

int
hs_settlement_import_in(struct hs_inst *in, const char *xml, size_t len,
                        char *err, size_t errlen)
{
  static const char *const top[] = {"settlement_id", "marketplace",
                                    "period_start", "period_end",
                                    "payout_date", "currency"};
  static const char *const tot[] = {"sales", "shipping", "fees", "refunds",
                                    "net"};
  struct hs_host *h = in->h;
  char msg[HS_ERRLEN], *v[11] = {NULL};
  xmlDocPtr d = NULL;
  xmlNodePtr r, t;
  struct hs_dbst *st;
  int64_t sid = 0;
  size_t i;
  int rc;

  rc = hs_xml_parse_valid(h->settle_xsd, "settlement", xml, len, &d, msg,
                          sizeof(msg));
  if(rc) {
    hs_job_item_error(in, "settlement", "xsd_invalid", msg);
    hs_errf(err, errlen, "%s", msg);
    return rc;
  }
  r = xmlDocGetRootElement(d);
  t = hs_xml_child(r, "totals");
  for(i = 0; i < 6; i++)
    v[i] = hs_xml_child_text(r, top[i]);
  for(i = 0; i < 5; i++)
    v[6 + i] = hs_xml_child_text(t, tot[i]);
  if(strcmp(v[1] ? v[1] : "", in->api->name) != 0) {
    hs_errf(msg, sizeof(msg), "settlement %s: marketplace '%s' is not this "
            "plugin ('%s')", v[0] ? v[0] : "?", v[1] ? v[1] : "",
            in->api->name);
    hs_job_item_error(in, v[0] ? v[0] : "settlement", "wrong_marketplace",
                      msg);
    hs_errf(err, errlen, "%s", msg);
    rc = BMC_ERR_INVALID_ARG;
    goto out;
  }
  rc = hs_begin(h);
  if(rc)
    goto out;
  st = hs_stmt(h, "INSERT INTO settlements(company_id, marketplace,"
               " settlement_id, period_start, period_end, payout_date,"
               " currency, sales, shipping, fees, refunds, net, raw_xml,"
               " imported_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
               " ?11, ?12, ?13, ?14) ON CONFLICT(company_id, marketplace,"
               " settlement_id) DO UPDATE SET period_start = ?4, period_end"
               " = ?5, payout_date = ?6, currency = ?7, sales = ?8, shipping"
               " = ?9, fees = ?10, refunds = ?11, net = ?12, raw_xml = ?13,"
               " imported_ms = ?14 RETURNING id");
  if(!st) {
    rc = BMC_ERR_INTERNAL;
    goto fail;
  }
  hs_db_bind_i64(st, 1, in->company_id);
  hs_bind_text(st, 2, v[1]);
  hs_bind_text(st, 3, v[0]);
  for(i = 2; i < 11; i++)
    hs_bind_text(st, (int)i + 2, v[i]);
  hs_bind_textn(st, 13, xml, len);
  hs_db_bind_i64(st, 14, hs_clock_now(h));
  if(hs_db_step(st) == HS_DB_ROW)
    sid = hs_db_col_i64(st, 0);
  hs_db_reset(st);
  rc = sid ? hs_settle_lines(h, sid, r) : BMC_ERR_INTERNAL;
fail:
  if(rc) {
    hs_errf(err, errlen, "settlement %s: store: %s", v[0] ? v[0] : "?",
            hs_db_errmsg(h->db));
    hs_rollback(h);
  }
  else {
    rc = hs_commit(h);
  }
out:
  for(i = 0; i < 11; i++)
    free(v[i]);
  xmlFreeDoc(d);
  return rc;
}

int
hs_settlements_each(struct hs_host *h, const char *company,
                    int (*cb)(void *ud, const struct hs_settlement *s),
                    void *ud)
{
  struct hs_dbst *st = NULL;
  int rc = BMC_OK, s;

  if(!h || !cb)
    return BMC_ERR_INVALID_ARG;
  if(hs_db_prepare(h->db, "SELECT c.name, s.marketplace,"
                   " s.settlement_id, s.period_start, s.period_end,"
                   " s.payout_date, s.currency, s.sales, s.shipping,"
                   " s.fees, s.refunds, s.net, (SELECT COUNT(*) FROM"
                   " settlement_lines l WHERE l.settlement = s.id),"
                   " s.imported_ms FROM settlements s JOIN companies c"
                   " ON c.id = s.company_id WHERE (?1 IS NULL OR c.name"
                   " = ?1) ORDER BY s.period_start, s.id",
                   &st) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  hs_bind_text(st, 1, company);
  while((s = hs_db_step(st)) == HS_DB_ROW) {
    struct hs_settlement x;

    x.company = hs_col_text(st, 0);
    x.marketplace = hs_col_text(st, 1);
    x.settlement_id = hs_col_text(st, 2);
    x.period_start = hs_col_text(st, 3);
    x.period_end = hs_col_text(st, 4);
    x.payout_date = hs_col_text(st, 5);
    x.currency = hs_col_text(st, 6);
    x.sales = hs_col_text(st, 7);
    x.shipping = hs_col_text(st, 8);
    x.fees = hs_col_text(st, 9);
    x.refunds = hs_col_text(st, 10);
    x.net = hs_col_text(st, 11);
    x.n_lines = hs_db_col_i64(st, 12);
    x.imported_ms = hs_db_col_i64(st, 13);
    rc = cb(ud, &x);
    if(rc)
      break;
  }
  if(!rc && s != HS_DB_DONE)
    rc = BMC_ERR_INTERNAL;
  hs_db_finalize(st);
  return rc;
}
