/*
 * bm_settlement.c -- owns the settlement_download action (DESIGN 3.4).
 *
 * Back Market's public API has no settlement or payout endpoint, so the
 * connector DERIVES settlements from order data, in this one place:
 *
 *   Payout periods.  Back Market pays out on the 6th, 16th and 26th of each
 *   month.  An event belongs to the period of its UTC date:
 *     days  1-10 of month M        -> paid on the 16th of M
 *     days 11-20 of month M        -> paid on the 26th of M
 *     days 21-last of month M      -> paid on the 6th of month M+1
 *   (each payout comes six days after its period closes).
 *
 *   Events and lines (amounts signed, in the order's currency):
 *     Sale        + line total         dated at the host's ship date
 *     Shipping    + order shipping     dated at the host's ship date
 *     Commission  - orderline_fee      dated at the host's ship date
 *     Refund      - line total         dated when Order Download first saw
 *                                      the line refunded after shipping
 *                                      (state 6), recorded in state
 *                                      "refund/<order>/<line>"
 *   Lines cancelled or refunded before shipping (states 4, 5, 7) were never
 *   paid out and appear in no settlement.  Commission is not reversed on
 *   refunds (Back Market does not document a fee refund).
 *
 *   One settlement per (payout date, currency): settlement_id
 *   "backmarket-<payout date>-<currency>".  totals: sales, shipping, fees
 *   (negative), refunds (negative), net = the exact sum of every line
 *   amount (integer cents).  Only closed periods ending within
 *   settlement_lookback_days are (re)imported; the host upserts on
 *   settlement_id, so re-deriving a period is harmless.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm_order_side.h"
#include "pc_buf.h"
#include "pc_gate.h"
#include "pc_money.h"
#include "pc_rc.h"
#include "pc_time.h"

#define BM_MAX_SETTLEMENTS 256

/* The one definition of a payout period (see the comment at the top). */
static void
bm_payout_period(struct pc_date d, struct pc_date *start, struct pc_date *end,
                 struct pc_date *payout)
{
  start->y = end->y = payout->y = d.y;
  start->m = end->m = payout->m = d.m;
  if(d.d <= 10) {
    start->d = 1;
    end->d = 10;
    payout->d = 16;
  }
  else if(d.d <= 20) {
    start->d = 11;
    end->d = 20;
    payout->d = 26;
  }
  else {
    start->d = 21;
    end->d = pc_days_in_month(d.y, d.m);
    payout->d = 6;
    if(++payout->m > 12) {
      payout->m = 1;
      payout->y++;
    }
  }
}

struct bm_settlement {
  struct pc_date start, end, payout;
  char currency[8];
  struct pc_buf lines;
  int64_t sales, shipping, fees, refunds;
  int64_t n;
};

struct bm_sctx {
  struct bm_inst *bi;
  struct bm_settlement *s; /* array of BM_MAX_SETTLEMENTS */
  size_t n;
  struct pc_date first_end, last_end; /* periods imported: end in range */
  struct bm_map line_amount;          /* "order/line" -> line total */
  struct bm_map line_cur;             /* "order/line" -> settlement of
                                         the currency (index + 1) */
  char currencies[16][8];
  size_t n_cur;
  int rc;
  int64_t orders;
};

static struct bm_settlement *
bm_settlement_for(struct bm_sctx *c, int64_t when_ms, const char *currency)
{
  struct pc_date d = pc_date_of(when_ms);
  struct pc_date st, en, pay;
  size_t i;

  bm_payout_period(d, &st, &en, &pay);
  if(pc_date_cmp(en, c->first_end) < 0 || pc_date_cmp(en, c->last_end) > 0)
    return NULL; /* period still open, or outside the lookback */
  for(i = 0; i < c->n; i++)
    if(!pc_date_cmp(c->s[i].payout, pay) &&
       !strcmp(c->s[i].currency, currency))
      return &c->s[i];
  if(c->n >= BM_MAX_SETTLEMENTS) {
    c->rc = BMC_ERR_TOO_SMALL;
    return NULL;
  }
  memset(&c->s[c->n], 0, sizeof(c->s[c->n]));
  c->s[c->n].start = st;
  c->s[c->n].end = en;
  c->s[c->n].payout = pay;
  snprintf(c->s[c->n].currency, sizeof(c->s[c->n].currency), "%s", currency);
  pc_buf_init(&c->s[c->n].lines, 64 * 1024 * 1024);
  return &c->s[c->n++];
}

static int
bm_add_line(struct bm_settlement *s, const char *order_id,
            const char *line_id, const char *type, int64_t amount,
            int64_t when_ms)
{
  char money[32];
  char date[32];
  int rc;

  if(pc_money_format(amount, money, sizeof(money)) ||
     pc_time_format(when_ms, date, sizeof(date)))
    return BMC_ERR_INTERNAL;
  rc = pc_buf_adds(&s->lines, "<line><source_order_id>");
  if(!rc)
    rc = pc_xml_escape(&s->lines, order_id);
  if(!rc && line_id) {
    rc = pc_buf_adds(&s->lines, "</source_order_id><line_id>");
    if(!rc)
      rc = pc_xml_escape(&s->lines, line_id);
    if(!rc)
      rc = pc_buf_adds(&s->lines, "</line_id>");
  }
  else if(!rc)
    rc = pc_buf_adds(&s->lines, "</source_order_id>");
  if(!rc)
    rc = pc_buf_addf(&s->lines, "<type>%s</type><amount>%s</amount>"
                     "<date>%s</date></line>", type, money, date);
  if(rc)
    return rc;
  s->n++;
  if(!strcmp(type, "Sale"))
    return pc_money_add(s->sales, amount, &s->sales);
  if(!strcmp(type, "Shipping"))
    return pc_money_add(s->shipping, amount, &s->shipping);
  if(!strcmp(type, "Commission"))
    return pc_money_add(s->fees, amount, &s->fees);
  return pc_money_add(s->refunds, amount, &s->refunds);
}

static int
bm_cur_index(struct bm_sctx *c, const char *cur)
{
  size_t i;

  for(i = 0; i < c->n_cur; i++)
    if(!strcmp(c->currencies[i], cur))
      return (int)i;
  if(c->n_cur >= 16)
    return -1;
  snprintf(c->currencies[c->n_cur], sizeof(c->currencies[0]), "%s", cur);
  return (int)c->n_cur++;
}

/* One host order document (streamed by orders_each). */
static int
bm_settle_order(void *ud, const char *xml, size_t len)
{
  struct bm_sctx *c = ud;
  xmlDocPtr doc;
  xmlNodePtr root;
  xmlNodePtr line;
  struct bm_host_order ho;
  struct bm_settlement *s = NULL;
  char id[40], mk[40], buf[64], err[160];
  int64_t ship_ms = 0;
  int64_t order_ship = 0;
  int any = 0;
  int ci;
  int rc = BMC_OK;

  doc = pc_xml_read(xml, len, err, sizeof(err));
  if(!doc)
    return 0;
  root = xmlDocGetRootElement(doc);
  if(pc_xml_child_text(root, "source_order_id", id, sizeof(id)) ||
     (!pc_xml_child_text(root, "marketplace", mk, sizeof(mk)) &&
      strcmp(mk, BM_MARKETPLACE))) {
    xmlFreeDoc(doc);
    return 0;
  }
  bm_host_order_parse(root, &ho);
  c->orders++;
  ci = bm_cur_index(c, ho.currency);
  if(ho.ship_date[0] && !pc_time_parse(ho.ship_date, &ship_ms))
    s = bm_settlement_for(c, ship_ms, ho.currency);
  if(!pc_xml_child_text(pc_xml_child(root, "totals"), "shipping", buf,
                        sizeof(buf)))
    (void)pc_money_parse(buf, &order_ship);
  for(line = pc_xml_child(pc_xml_child(root, "lines"), "line");
      line && !rc; line = pc_xml_next_same(line)) {
    char lid[40], key[96], st[16];
    int64_t total = 0, fee = 0;
    int64_t *ref;
    if(pc_xml_child_text(line, "line_id", lid, sizeof(lid)) ||
       pc_xml_child_text(line, "line_total", buf, sizeof(buf)) ||
       pc_money_parse(buf, &total))
      continue;
    if(!pc_xml_child_text(line, "fee", buf, sizeof(buf)))
      (void)pc_money_parse(buf, &fee);
    if(pc_xml_child_text(line, "marketplace_state", st, sizeof(st)))
      st[0] = '\0';
    snprintf(key, sizeof(key), "%s/%s", id, lid);
    ref = bm_map_ref(&c->line_amount, key);
    if(!ref) {
      rc = BMC_ERR_NOMEM;
      break;
    }
    *ref = total;
    ref = bm_map_ref(&c->line_cur, key);
    if(!ref) {
      rc = BMC_ERR_NOMEM;
      break;
    }
    *ref = ci;
    if(!s || !strcmp(st, "4") || !strcmp(st, "5") || !strcmp(st, "7"))
      continue;
    any = 1;
    rc = bm_add_line(s, id, lid, "Sale", total, ship_ms);
    if(!rc && fee)
      rc = bm_add_line(s, id, lid, "Commission", -fee, ship_ms);
  }
  if(!rc && any && order_ship)
    rc = bm_add_line(s, id, NULL, "Shipping", order_ship, ship_ms);
  xmlFreeDoc(doc);
  if(rc) {
    c->rc = rc;
    return 1;
  }
  return 0;
}

/* Refund events recorded by order_download: "refund/<order>/<line>" =
 * "<line state> <date_modification>". */
static int
bm_settle_refund(void *ud, const char *key, const char *val, size_t len)
{
  struct bm_sctx *c = ud;
  char v[64];
  char oid[40];
  const char *sl;
  const char *sp;
  int64_t when;
  int64_t amount;
  int64_t ci;
  int found = 0;
  struct bm_settlement *s;

  if(len >= sizeof(v))
    return 0;
  memcpy(v, val, len);
  v[len] = '\0';
  if(strncmp(v, "6 ", 2))
    return 0; /* cancelled before shipping: never paid out */
  sp = v + 2;
  if(pc_time_parse(sp, &when))
    return 0;
  amount = bm_map_get(&c->line_amount, key + 7, &found);
  if(!found)
    return 0;
  ci = bm_map_get(&c->line_cur, key + 7, &found);
  if(!found || ci < 0 || (size_t)ci >= c->n_cur)
    return 0;
  s = bm_settlement_for(c, when, c->currencies[ci]);
  if(!s)
    return c->rc ? 1 : 0;
  sl = strchr(key + 7, '/');
  if(!sl || (size_t)(sl - (key + 7)) >= sizeof(oid))
    return 0;
  memcpy(oid, key + 7, (size_t)(sl - (key + 7)));
  oid[sl - (key + 7)] = '\0';
  c->rc = bm_add_line(s, oid, sl + 1, "Refund", -amount, when);
  return c->rc ? 1 : 0;
}

static int
bm_settle_import(struct bm_inst *bi, struct bm_settlement *s)
{
  struct pc_xml x;
  char d1[16], d2[16], d3[16], id[64], err[512];
  int64_t net = 0;
  int rc;

  rc = pc_money_add(s->sales, s->shipping, &net);
  if(!rc)
    rc = pc_money_add(net, s->fees, &net);
  if(!rc)
    rc = pc_money_add(net, s->refunds, &net);
  if(rc)
    return rc;
  pc_date_format(s->start, d1, sizeof(d1));
  pc_date_format(s->end, d2, sizeof(d2));
  pc_date_format(s->payout, d3, sizeof(d3));
  snprintf(id, sizeof(id), "backmarket-%s-%s", d3, s->currency);
  pc_xml_begin(&x, "settlement", BM_SETTLEMENT_NS, 128 * 1024 * 1024);
  pc_xml_text(&x, "settlement_id", id);
  pc_xml_text(&x, "marketplace", BM_MARKETPLACE);
  pc_xml_text(&x, "period_start", d1);
  pc_xml_text(&x, "period_end", d2);
  pc_xml_text(&x, "payout_date", d3);
  pc_xml_text(&x, "currency", s->currency);
  pc_xml_open(&x, "lines");
  if(!x.err)
    x.err = pc_buf_add(&x.out, pc_buf_str(&s->lines), s->lines.len);
  pc_xml_close(&x);
  pc_xml_open(&x, "totals");
  pc_xml_money(&x, "sales", s->sales);
  pc_xml_money(&x, "shipping", s->shipping);
  pc_xml_money(&x, "fees", s->fees);
  pc_xml_money(&x, "refunds", s->refunds);
  pc_xml_money(&x, "net", net);
  pc_xml_close(&x);
  rc = pc_xml_end(&x);
  if(!rc && pc_gate_dry(bi->host, bi->hctx)) {
    bm_log(bi, BMC_LOG_INFO, "dry run: settlement %s is not imported", id);
    pc_xml_free(&x);
    return BMC_OK;
  }
  if(!rc) {
    err[0] = '\0';
    rc = bi->host->settlement_import(bi->hctx, pc_xml_str(&x), pc_xml_len(&x),
                                     err, sizeof(err));
    if(rc) {
      char msg[640];
      snprintf(msg, sizeof(msg), "settlement %s refused by the host: %s", id,
               err);
      bm_log(bi, BMC_LOG_ERROR, "%s", msg);
      bi->host->item_error(bi->hctx, id, "settlement_invalid", msg);
    }
    else {
      char n1[32], n2[32];
      pc_money_format(net, n1, sizeof(n1));
      pc_money_format(s->sales, n2, sizeof(n2));
      bm_log(bi, BMC_LOG_INFO, "settlement %s (%s to %s): %lld line(s), "
             "sales %s, net %s %s", id, d1, d2, (long long)s->n, n2, n1,
             s->currency);
    }
  }
  pc_xml_free(&x);
  return rc;
}

int
bm_settlement_download(struct bm_inst *bi, char *errbuf, size_t errlen)
{
  struct bm_sctx c;
  struct pc_date today;
  size_t i;
  int rc;

  memset(&c, 0, sizeof(c));
  c.bi = bi;
  c.s = calloc(BM_MAX_SETTLEMENTS, sizeof(*c.s));
  if(!c.s)
    return BMC_ERR_NOMEM;
  bm_map_init(&c.line_amount);
  bm_map_init(&c.line_cur);
  today = pc_date_of(bi->host->now_ms(bi->hctx));
  c.last_end = pc_date_add_days(today, -1);
  c.first_end = pc_date_add_days(
      today, -(int)bm_setting_int(bi, "settlement_lookback_days", 62));
  rc = bi->host->orders_each(bi->hctx, BMC_Q_ALL, bm_settle_order, &c);
  if(rc == 1)
    rc = c.rc;
  if(!rc) {
    rc = bi->host->state_each(bi->hctx, "refund/", bm_settle_refund, &c);
    if(rc == 1)
      rc = c.rc;
  }
  for(i = 0; !rc && i < c.n; i++)
    rc = bm_settle_import(bi, &c.s[i]);
  if(rc)
    snprintf(errbuf, errlen, "settlement download stopped: %s",
             pc_strerror(rc));
  else
    bm_log(bi, BMC_LOG_INFO, "settlement download: %lld order(s) read, %zu "
           "settlement(s) imported (derived from order data: Back Market "
           "has no settlement API)", (long long)c.orders, c.n);
  for(i = 0; i < c.n; i++)
    pc_buf_free(&c.s[i].lines);
  free(c.s);
  bm_map_free(&c.line_amount);
  bm_map_free(&c.line_cur);
  return rc;
}
