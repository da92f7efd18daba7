/*
 * bm_reserve.c -- owns the stock already promised to open orders: before
 * order_download plans acceptances, the quantities of lines of open
 * (unshipped, not cancelled) Back Market orders in the host that were
 * accepted -- or are about to be -- are counted as committed, so a unit is
 * never promised twice across runs.  Skipped when the host's available
 * quantity already excludes open orders (setting stock_reserved_by_host).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm_order_side.h"

#define BM_RESERVE_MAX_LINES 500000

struct bm_open_line {
  char key[96];  /* "line/<order>/<line>" */
  char sku[256];
  int64_t qty;
  int accepted;  /* marketplace_state 2 in the host document */
};

struct bm_open {
  struct bm_open_line *v;
  size_t n, cap;
  int rc;
};

static int
bm_open_cb(void *ud, const char *xml, size_t len)
{
  struct bm_open *op = ud;
  xmlDocPtr doc;
  xmlNodePtr root;
  xmlNodePtr line;
  char id[40], mk[40], err[160];

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
  for(line = pc_xml_child(pc_xml_child(root, "lines"), "line"); line;
      line = pc_xml_next_same(line)) {
    struct bm_open_line *l;
    char lid[40], b[32];
    if(pc_xml_child_text(line, "line_id", lid, sizeof(lid)))
      continue;
    if(!pc_xml_child_text(line, "shipped", b, sizeof(b)) &&
       (!strcmp(b, "true") || !strcmp(b, "1")))
      continue;
    if(op->n == op->cap) {
      size_t ncap = op->cap ? op->cap * 2 : 256;
      struct bm_open_line *nv;
      if(ncap > BM_RESERVE_MAX_LINES) {
        op->rc = BMC_ERR_TOO_SMALL;
        xmlFreeDoc(doc);
        return 1;
      }
      nv = realloc(op->v, ncap * sizeof(*nv));
      if(!nv) {
        op->rc = BMC_ERR_NOMEM;
        xmlFreeDoc(doc);
        return 1;
      }
      op->v = nv;
      op->cap = ncap;
    }
    l = &op->v[op->n];
    memset(l, 0, sizeof(*l));
    snprintf(l->key, sizeof(l->key), "line/%s/%s", id, lid);
    if(pc_xml_child_text(line, "sku", l->sku, sizeof(l->sku)))
      continue;
    if(pc_xml_child_text(line, "quantity", b, sizeof(b)))
      continue;
    l->qty = strtoll(b, NULL, 10);
    l->accepted = !pc_xml_child_text(line, "marketplace_state", b,
                                     sizeof(b)) && !strcmp(b, "2");
    op->n++;
  }
  xmlFreeDoc(doc);
  return 0;
}

int
bm_reserve_open(struct bm_inst *bi, struct bm_run *run)
{
  struct bm_open op;
  size_t i;
  int rc;

  if(bm_setting_bool(bi, "stock_reserved_by_host"))
    return BMC_OK;
  memset(&op, 0, sizeof(op));
  rc = bi->host->orders_each(bi->hctx, BMC_Q_OPEN, bm_open_cb, &op);
  if(rc == 1)
    rc = op.rc;
  for(i = 0; !rc && i < op.n; i++) {
    char val[32];
    int64_t *ref;
    if((rc = bm_state_get(bi, op.v[i].key, val, sizeof(val))))
      break;
    if(strcmp(val, "done:2") && strcmp(val, "sent:2") &&
       strcmp(val, "plan:2") && !(op.v[i].accepted && !val[0]))
      continue;
    ref = bm_map_ref(&run->committed, op.v[i].sku);
    if(!ref) {
      rc = BMC_ERR_NOMEM;
      break;
    }
    *ref += op.v[i].qty;
  }
  free(op.v);
  return rc;
}
