/*
 * bm_journal.c -- owns the order side's access to the host's durable state
 * (text values under short keys: cursors, per-line transition journal,
 * holds, tracking fingerprints) and to host order documents.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm_order_side.h"
#include "pc_gate.h"

int
bm_state_get(struct bm_inst *bi, const char *key, char *buf, size_t len)
{
  size_t n = 0;
  int rc;

  if(!len)
    return BMC_ERR_TOO_SMALL;
  rc = bi->host->state_get(bi->hctx, key, buf, len - 1, &n);
  if(rc == BMC_ERR_NOT_FOUND) {
    buf[0] = '\0';
    return BMC_OK;
  }
  if(rc) {
    buf[0] = '\0';
    return rc;
  }
  if(n >= len) {
    buf[0] = '\0';
    return BMC_ERR_TOO_SMALL;
  }
  buf[n] = '\0';
  return BMC_OK;
}

/* A dry run writes no state (the host would refuse it): the journal and
 * the records of what Back Market holds stay as they were. */
int
bm_state_put(struct bm_inst *bi, const char *key, const char *val)
{
  if(pc_gate_dry(bi->host, bi->hctx))
    return bm_dry_state_put(bi, key, val);
  return bi->host->state_put(bi->hctx, key, val, strlen(val));
}

int
bm_state_del(struct bm_inst *bi, const char *key)
{
  int rc;

  if(pc_gate_dry(bi->host, bi->hctx))
    return BMC_OK;
  rc = bi->host->state_del(bi->hctx, key);

  return rc == BMC_ERR_NOT_FOUND ? BMC_OK : rc;
}

static void
bm_text(xmlNodePtr root, const char *name, char *buf, size_t len)
{
  if(pc_xml_child_text(root, name, buf, len))
    buf[0] = '\0';
}

int
bm_host_order_parse(xmlNodePtr root, struct bm_host_order *ho)
{
  char b[16];

  memset(ho, 0, sizeof(*ho));
  if(!root)
    return BMC_ERR_PROTOCOL;
  bm_text(root, "status", ho->status, sizeof(ho->status));
  bm_text(root, "shipping_status", ho->shipping_status,
          sizeof(ho->shipping_status));
  bm_text(root, "tracking_number", ho->tracking, sizeof(ho->tracking));
  bm_text(root, "carrier", ho->carrier, sizeof(ho->carrier));
  bm_text(root, "ship_date", ho->ship_date, sizeof(ho->ship_date));
  bm_text(root, "order_date", ho->order_date, sizeof(ho->order_date));
  bm_text(root, "currency", ho->currency, sizeof(ho->currency));
  bm_text(root, "source_updated_for_shipping", b, sizeof(b));
  ho->reported_shipping = !strcmp(b, "true") || !strcmp(b, "1");
  bm_text(root, "cancel_reported", b, sizeof(b));
  ho->cancel_reported = !strcmp(b, "true") || !strcmp(b, "1");
  return BMC_OK;
}

struct bm_doc_copy {
  char *xml;
  size_t len;
};

static int
bm_doc_copy_cb(void *ud, const char *xml, size_t len)
{
  struct bm_doc_copy *c = ud;

  free(c->xml);
  c->xml = malloc(len + 1);
  if(!c->xml)
    return BMC_ERR_NOMEM;
  memcpy(c->xml, xml, len);
  c->xml[len] = '\0';
  c->len = len;
  return 0;
}

int
bm_host_doc(struct bm_inst *bi, const char *source_order_id, xmlDocPtr *doc)
{
  struct bm_doc_copy c = {NULL, 0};
  char err[200];
  int rc;

  *doc = NULL;
  rc = bi->host->order_get(bi->hctx, source_order_id, bm_doc_copy_cb, &c);
  if(rc) {
    free(c.xml);
    return rc;
  }
  if(!c.xml)
    return BMC_ERR_NOT_FOUND;
  *doc = pc_xml_read(c.xml, c.len, err, sizeof(err));
  free(c.xml);
  if(!*doc) {
    bm_log(bi, BMC_LOG_ERROR, "order %s: the host's order document is "
           "unreadable: %s", source_order_id, err);
    return BMC_ERR_PROTOCOL;
  }
  return BMC_OK;
}

int
bm_host_order_get(struct bm_inst *bi, const char *source_order_id,
                  struct bm_host_order *ho)
{
  xmlDocPtr doc;
  int rc;

  rc = bm_host_doc(bi, source_order_id, &doc);
  if(rc)
    return rc;
  rc = bm_host_order_parse(xmlDocGetRootElement(doc), ho);
  xmlFreeDoc(doc);
  return rc;
}
