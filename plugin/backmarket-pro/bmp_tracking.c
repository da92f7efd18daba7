/*
 * bmp_tracking.c -- the "Tracking Upload" action (every 5 minutes when
 * Allow Tracking Upload is on).  For each order of this plugin the host
 * shipped and has not reported: a fully shipped order gets one POST
 * shipments (tracking number, carrier, ship date); only after a 2xx (or a
 * 409 "already fulfilled") is "Source Updated for Shipping" set.  Partly
 * shipped orders are held and logged (Pro ships one package per order).
 * A rejected upload (other 4xx) goes to the error queue and is not resent
 * until its tracking changes; 429/5xx/timeouts are retried within the
 * budget by the HTTP client and otherwise left for the next run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmp_check.h"
#include "bmp_contract.h"
#include "bmp_plugin.h"
#include "pc_buf.h"
#include "pc_gate.h"
#include "pc_http.h"
#include "pc_json.h"
#include "pc_time.h"
#include "pc_xml.h"

#define BMP_TRK_MAX 10000 /* orders handled per run; the rest next run */

/* Longest tracking number / carrier Back Market Pro takes (contract). */
#define BMP_TRK_FIELD_MAX 200

struct bmp_ship {
  char id[128];
  char status[32];    /* host shipping_status */
  char tracking[512];
  char carrier[512];
  char ship_date[40]; /* RFC 3339 UTC, or "" when the host has none */
  int too_long;       /* a field did not fit the contract's limit */
};

struct bmp_ship_list {
  struct bmp_ship *v;
  size_t n, cap;
  int bad_docs;
  int overflow;
};

/* Copy a child's text; returns 1 when it was too long for buf. */
static int
bmp_child(xmlNodePtr root, const char *name, char *buf, size_t buflen)
{
  int rc = pc_xml_child_text(root, name, buf, buflen);

  if(rc != BMC_OK)
    buf[0] = '\0';
  return rc == BMC_ERR_TOO_SMALL;
}

/* Collect first, send later: no HTTP while the host iterates. */
static int
bmp_collect(void *ud, const char *xml, size_t len)
{
  struct bmp_ship_list *l = ud;
  struct bmp_ship *s;
  xmlDocPtr doc;
  xmlNodePtr root;

  if(l->n >= BMP_TRK_MAX) {
    l->overflow = 1;
    return 0;
  }
  if(l->n == l->cap) {
    size_t nc = l->cap ? l->cap * 2 : 16;
    struct bmp_ship *nv = realloc(l->v, nc * sizeof(*nv));

    if(!nv)
      return BMC_ERR_NOMEM;
    l->v = nv;
    l->cap = nc;
  }
  doc = pc_xml_read(xml, len, NULL, 0);
  root = doc ? xmlDocGetRootElement(doc) : NULL;
  if(!root) {
    if(doc)
      xmlFreeDoc(doc);
    l->bad_docs++;
    return 0;
  }
  s = &l->v[l->n];
  memset(s, 0, sizeof(*s));
  bmp_child(root, "source_order_id", s->id, sizeof(s->id));
  bmp_child(root, "shipping_status", s->status, sizeof(s->status));
  s->too_long = bmp_child(root, "tracking_number", s->tracking,
                          sizeof(s->tracking)) |
                bmp_child(root, "carrier", s->carrier, sizeof(s->carrier));
  if(strlen(s->tracking) > BMP_TRK_FIELD_MAX ||
     strlen(s->carrier) > BMP_TRK_FIELD_MAX)
    s->too_long = 1;
  {
    char when[64];
    int64_t ms;

    /* shipped_at is optional: sent only in the contract's RFC 3339 form */
    s->ship_date[0] = '\0';
    if(!bmp_child(root, "ship_date", when, sizeof(when)) && when[0] &&
       pc_time_parse(when, &ms) == BMC_OK &&
       pc_time_format(ms, s->ship_date, sizeof(s->ship_date)) != BMC_OK)
      s->ship_date[0] = '\0';
  }
  xmlFreeDoc(doc);
  if(!s->id[0]) {
    l->bad_docs++;
    return 0;
  }
  l->n++;
  return 0;
}

/* The tracking an order was rejected with, so it is not resent blindly. */
static void
bmp_reject_key(const struct bmp_ship *s, char *key, size_t keylen,
               char *fp)
{
  snprintf(key, keylen, "%s%s", BMP_ST_TRK_REJECTED, s->id);
  if(bmp_fingerprint(s->tracking, s->carrier, fp, 17))
    fp[0] = '\0';
}

static int
bmp_was_rejected(struct bmp_inst *bi, const struct bmp_ship *s)
{
  char key[200], fp[17], have[32];
  size_t len = 0;

  bmp_reject_key(s, key, sizeof(key), fp);
  return bi->host->state_get(bi->hctx, key, have, sizeof(have), &len) ==
             BMC_OK && len == 16 && !memcmp(have, fp, 16);
}

static void
bmp_remember_reject(struct bmp_inst *bi, const struct bmp_ship *s)
{
  char key[200], fp[17];

  bmp_reject_key(s, key, sizeof(key), fp);
  if(fp[0] && bi->host->state_put(bi->hctx, key, fp, 16) != BMC_OK)
    bmp_log(bi, BMC_LOG_WARN, "Order %s: could not remember the rejected "
            "tracking; it will be sent again next run", s->id);
}

static int
bmp_body(const struct bmp_ship *s, struct pc_buf *b)
{
  int rc = pc_buf_adds(b, "{\"" BMP_F_SHIP_TRACKING "\":");

  if(!rc)
    rc = pc_json_quote(b, s->tracking);
  if(!rc)
    rc = pc_buf_adds(b, ",\"" BMP_F_SHIP_CARRIER "\":");
  if(!rc)
    rc = pc_json_quote(b, s->carrier);
  if(!rc && s->ship_date[0]) {
    rc = pc_buf_adds(b, ",\"" BMP_F_SHIP_SHIPPED_AT "\":");
    if(!rc)
      rc = pc_json_quote(b, s->ship_date);
  }
  if(!rc)
    rc = pc_buf_adds(b, "}");
  return rc;
}

static void
bmp_mark(struct bmp_inst *bi, const struct bmp_ship *s, const char *how,
         int *sent)
{
  if(bi->host->order_mark_reported(bi->hctx, s->id, BMC_REPORT_SHIPPING) !=
     BMC_OK) {
    bmp_item_error(bi, s->id, "host_error",
                   "order %s: tracking %s on Back Market Pro, but Source "
                   "Updated for Shipping could not be set; the next run "
                   "sets it", s->id, how);
    return;
  }
  (*sent)++;
  bmp_log(bi, BMC_LOG_INFO, "Order %s: tracking %s (%s, %s); Source "
          "Updated for Shipping set", s->id, how, s->carrier, s->tracking);
}

/* One order.  Returns BMC_OK to go on, or an error that ends the run. */
static int
bmp_send_one(struct bmp_inst *bi, const struct bmp_ship *s, int *sent,
             char *errbuf, size_t errlen)
{
  struct pc_http_req req;
  struct pc_http_resp resp;
  struct pc_buf body;
  char enc[400], target[512], why[512];
  int rc;

  if(strcmp(s->status, "FullyShipped")) {
    bmp_log(bi, BMC_LOG_INFO, "Order %s is %s in the host: Back Market Pro "
            "takes one shipment per order, so tracking is sent once every "
            "line has shipped", s->id,
            s->status[0] ? s->status : "not shipped");
    return BMC_OK;
  }
  if(s->too_long) {
    bmp_item_error(bi, s->id, "tracking_invalid", "order %s: the tracking "
                   "number or carrier is longer than %d characters, which "
                   "Back Market Pro does not accept; correct it in the host",
                   s->id, BMP_TRK_FIELD_MAX);
    return BMC_OK;
  }
  if(!s->tracking[0] || !s->carrier[0]) {
    bmp_item_error(bi, s->id, "tracking_missing", "order %s is shipped "
                   "without a %s; add it so tracking can be sent", s->id,
                   s->tracking[0] ? "carrier" : "tracking number");
    return BMC_OK;
  }
  if(bmp_was_rejected(bi, s)) {
    bmp_log(bi, BMC_LOG_INFO, "Order %s: Back Market Pro rejected this "
            "tracking before; not resent until the tracking or carrier "
            "changes (see the error queue)", s->id);
    return BMC_OK;
  }
  if(bmp_url_encode(s->id, enc, sizeof(enc))) {
    bmp_item_error(bi, s->id, "order_id_invalid", "order %s: the order id "
                   "is too long for a Back Market Pro URL", s->id);
    return BMC_OK;
  }
  snprintf(target, sizeof(target), BMP_PATH_SHIPMENTS_FMT, enc);
  pc_buf_init(&body, 4096);
  if(bmp_body(s, &body) != BMC_OK) {
    pc_buf_free(&body);
    return bmp_fail(bi, BMC_ERR_NOMEM, errbuf, errlen,
                    "Tracking Upload: out of memory");
  }
  memset(&req, 0, sizeof(req));
  req.method = "POST";
  req.target = target;
  req.body = pc_buf_str(&body);
  {
    struct bmc_change c;
    char what[420];

    memset(&c, 0, sizeof(c));
    snprintf(what, sizeof(what), "%.200s %.200s", s->tracking, s->carrier);
    c.size = sizeof(c);
    c.order = s->id;
    c.field = "tracking";
    c.new_value = what;
    rc = pc_gate_send(bi->http, bi->host, bi->hctx, &req, &c, 1, &resp);
  }
  pc_buf_free(&body);
  if(rc == PC_GATE_DRY)
    return BMC_OK; /* recorded, not sent: the order stays unreported */
  bmp_describe_error(bi, resp.status, resp.body, resp.error, why,
                     sizeof(why));
  if(rc == BMC_OK)
    bmp_mark(bi, s, "sent", sent);
  else if(rc == BMC_ERR_REMOTE_REJECT &&
          resp.status == BMP_HTTP_ALREADY_FULFILLED) {
    bmp_mark(bi, s, "already on Back Market Pro (409 already fulfilled)",
             sent);
    rc = BMC_OK;
  }
  else if(rc == BMC_ERR_REMOTE_REJECT) {
    bmp_item_error(bi, s->id, resp.status == BMP_HTTP_CANCELLED ?
                   "order_cancelled" : "remote_reject",
                   "order %s: Back Market Pro refused the tracking (%s)%s",
                   s->id, why, resp.status == BMP_HTTP_CANCELLED ?
                   "; the order is cancelled on Back Market Pro: cancel it "
                   "in the host by hand" : "; fix the tracking or carrier");
    bmp_remember_reject(bi, s);
    rc = BMC_OK;
  }
  else if(rc == BMC_ERR_UNAUTHORIZED)
    bmp_fail(bi, rc, errbuf, errlen, "Tracking Upload: the x-api-key was "
             "refused (%s); check it and run Test Settings", why);
  else if(rc == BMC_ERR_BUDGET)
    bmp_fail(bi, rc, errbuf, errlen, "Tracking Upload: request budget "
             "spent; the next run continues");
  else
    bmp_fail(bi, rc, errbuf, errlen, "Tracking Upload: order %s not sent "
             "after %d attempt(s): %s; the next run retries", s->id,
             resp.attempts, why);
  if(rc != BMC_OK && rc != BMC_ERR_BUDGET && rc != BMC_ERR_UNAUTHORIZED)
    bmp_item_error(bi, s->id, pc_http_retryable(rc) ? "remote_retry" :
                   "remote_error", "order %s: tracking not sent (%s); the "
                   "next run retries", s->id, why);
  pc_http_resp_clear(&resp);
  return rc;
}

int
bmp_tracking_upload(struct bmp_inst *bi, char *errbuf, size_t errlen)
{
  struct bmp_ship_list l;
  size_t i;
  int rc, sent = 0;

  rc = bmp_action_begin(bi, "Tracking Upload", errbuf, errlen);
  if(rc != BMC_OK)
    return rc;
  memset(&l, 0, sizeof(l));
  rc = bi->host->orders_each(bi->hctx, BMC_Q_SHIPPED_UNREPORTED, bmp_collect,
                             &l);
  if(rc != BMC_OK) {
    free(l.v);
    return bmp_fail(bi, rc, errbuf, errlen, "Tracking Upload: the host "
                    "could not list shipped orders");
  }
  if(l.bad_docs)
    bmp_log(bi, BMC_LOG_ERROR, "Tracking Upload: %d order document(s) from "
            "the host were unreadable", l.bad_docs);
  if(l.overflow)
    bmp_log(bi, BMC_LOG_INFO, "Tracking Upload: more than %d orders; the "
            "rest go next run", BMP_TRK_MAX);
  for(i = 0; i < l.n && rc == BMC_OK; i++) {
    rc = bmp_send_one(bi, &l.v[i], &sent, errbuf, errlen);
    bi->host->job_progress(bi->hctx, (int64_t)i + 1, (int64_t)l.n);
  }
  bmp_log(bi, rc == BMC_OK ? BMC_LOG_INFO : BMC_LOG_WARN,
          "Tracking Upload: %d of %zu shipped order(s) reported", sent, l.n);
  free(l.v);
  return rc;
}
