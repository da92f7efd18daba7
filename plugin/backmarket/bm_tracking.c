/*
 * bm_tracking.c -- owns the tracking_upload action (DESIGN 3.3): for each
 * order the host shipped and has not reported, check everything first
 * (whole order shipped -- Back Market ships every line as one package --,
 * tracking number, every IMEI: 15 digits + Luhn), and only then send state
 * 3 with tracking number, carrier, tracking URL and ship date, then the
 * IMEI/serial of each line (in the state-3 body for a single-line qty-1
 * order, else PATCH /ws/orderlines/{id}) when imei_update is on, then mark
 * the order "source updated for shipping".
 *
 * Problems are recorded under "ship/<order_id>" with a fingerprint of the
 * host order's shipping data, so a held or rejected order is reported once
 * and retried only when the host order changes (e.g. a new tracking
 * number).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bm_order_side.h"
#include "pc_buf.h"
#include "pc_gate.h"
#include "pc_imei.h"
#include "pc_json.h"
#include "pc_rc.h"

#define BM_SHIP_BATCH 500
#define BM_SHIP_LINES 64

struct bm_ship_line {
  char line_id[32];
  char sku[256];
  int64_t qty;
  int shipped;
  char serial[64]; /* first serial/IMEI; "" = none */
  int n_serials;
};

struct bm_ship {
  struct bm_host_order ho;
  struct bm_ship_line lines[BM_SHIP_LINES];
  size_t n;
  char fp[20];
};

/* FNV-1a over the shipping facts of the host order. */
static void
bm_fp_add(uint64_t *h, const char *s)
{
  for(; *s; s++) {
    *h ^= (unsigned char)*s;
    *h *= 1099511628211ull;
  }
  *h ^= 0xff;
  *h *= 1099511628211ull;
}

static int
bm_ship_load(struct bm_inst *bi, const char *id, struct bm_ship *s)
{
  xmlDocPtr doc;
  xmlNodePtr root;
  xmlNodePtr line;
  uint64_t h = 1469598103934665603ull;
  int rc;

  memset(s, 0, sizeof(*s));
  rc = bm_host_doc(bi, id, &doc);
  if(rc)
    return rc;
  root = xmlDocGetRootElement(doc);
  bm_host_order_parse(root, &s->ho);
  for(line = pc_xml_child(pc_xml_child(root, "lines"), "line"); line;
      line = pc_xml_next_same(line)) {
    struct bm_ship_line *l;
    xmlNodePtr ser;
    char b[32];
    if(s->n >= BM_SHIP_LINES) {
      xmlFreeDoc(doc);
      return BMC_ERR_TOO_SMALL;
    }
    l = &s->lines[s->n++];
    if(pc_xml_child_text(line, "line_id", l->line_id, sizeof(l->line_id)))
      l->line_id[0] = '\0';
    if(pc_xml_child_text(line, "sku", l->sku, sizeof(l->sku)))
      l->sku[0] = '\0';
    if(pc_xml_child_text(line, "quantity", b, sizeof(b)))
      b[0] = '\0';
    l->qty = strtoll(b, NULL, 10);
    if(pc_xml_child_text(line, "shipped", b, sizeof(b)))
      b[0] = '\0';
    l->shipped = !strcmp(b, "true") || !strcmp(b, "1");
    for(ser = pc_xml_child(line, "serial"); ser; ser = pc_xml_next_same(ser)) {
      xmlChar *t = xmlNodeGetContent(ser);
      if(t && !l->n_serials)
        snprintf(l->serial, sizeof(l->serial), "%s", (const char *)t);
      if(t) {
        bm_fp_add(&h, (const char *)t);
        l->n_serials++;
      }
      xmlFree(t);
    }
    bm_fp_add(&h, l->line_id);
    bm_fp_add(&h, l->shipped ? "1" : "0");
  }
  xmlFreeDoc(doc);
  bm_fp_add(&h, s->ho.shipping_status);
  bm_fp_add(&h, s->ho.tracking);
  bm_fp_add(&h, s->ho.carrier);
  bm_fp_add(&h, s->ho.ship_date);
  snprintf(s->fp, sizeof(s->fp), "%016llx", (unsigned long long)h);
  return BMC_OK;
}

/* Tracking page of well-known carriers; "" when unknown. */
static void
bm_tracking_url(const char *carrier, const char *num, char *url, size_t len)
{
  static const struct {
    const char *name;
    const char *prefix;
  } c[] = {
    {"Royal Mail", "https://www.royalmail.com/track-your-item#/tracking-results/"},
    {"Royal Mail Express", "https://www.royalmail.com/track-your-item#/tracking-results/"},
    {"DHL", "https://www.dhl.com/global-en/home/tracking.html?tracking-id="},
    {"DHL Express", "https://www.dhl.com/global-en/home/tracking.html?tracking-id="},
    {"UPS", "https://www.ups.com/track?tracknum="},
    {"FedEx", "https://www.fedex.com/fedextrack/?trknbr="},
    {"USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels="},
    {"Colissimo", "https://www.laposte.fr/outils/suivre-vos-envois?code="},
    {"Chronopost", "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT="},
    {"DPD UK", "https://track.dpd.co.uk/parcels/"},
  };
  size_t i;
  size_t o;
  const char *p;

  url[0] = '\0';
  for(i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
    if(strcasecmp(carrier, c[i].name))
      continue;
    o = (size_t)snprintf(url, len, "%s", c[i].prefix);
    /* tracking numbers were checked: no spaces; encode anything unusual */
    for(p = num; *p && o + 4 < len; p++) {
      unsigned char ch = (unsigned char)*p;
      if((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
         (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.')
        url[o++] = (char)ch;
      else
        o += (size_t)snprintf(url + o, len - o, "%%%02X", ch);
    }
    url[o] = '\0';
    if(o + 4 >= len || o > 300)
      url[0] = '\0';
    return;
  }
}

/* Report a problem once per fingerprint. */
static void
bm_ship_problem(struct bm_inst *bi, const char *id, const struct bm_ship *s,
                const char *kind, const char *code, const char *msg,
                int64_t *errors)
{
  char key[48];
  char val[48];

  snprintf(key, sizeof(key), "ship/%s", id);
  snprintf(val, sizeof(val), "%s %s", kind, s->fp);
  bm_log(bi, BMC_LOG_ERROR, "%s", msg);
  bi->host->item_error(bi->hctx, id, code, msg);
  (*errors)++;
  if(bm_state_put(bi, key, val))
    bm_log(bi, BMC_LOG_WARN, "order %s: could not record the problem; it "
           "will be reported again", id);
}

/* Checks made before anything is sent.  BMC_OK or a reported hold. */
static int
bm_ship_check(struct bm_inst *bi, const char *id, struct bm_ship *s,
              int imei_update, char *tracking, size_t tlen, int64_t *errors)
{
  char why[200];
  char msg[700];
  size_t i;
  size_t o = 0;

  if(!strcmp(s->ho.shipping_status, "PartiallyShipped")) {
    for(i = 0; i < s->n; i++)
      if(!s->lines[i].shipped)
        o += (size_t)snprintf(why + o, o < sizeof(why) ? sizeof(why) - o : 0,
                              "%s%s", o ? ", " : "", s->lines[i].line_id);
    if(o >= sizeof(why))
      why[sizeof(why) - 1] = '\0';
    snprintf(msg, sizeof(msg), "order %s is only partly shipped in the host "
             "(line(s) %s not shipped): Back Market ships every line as one "
             "package, so nothing was sent; ship the remaining lines with "
             "the same tracking number, or cancel them", id,
             o ? why : "?");
    bm_ship_problem(bi, id, s, "held", "partial_shipment", msg, errors);
    return BMC_ERR_CONFLICT;
  }
  if(pc_tracking_check(s->ho.tracking, tracking, tlen, why, sizeof(why))) {
    snprintf(msg, sizeof(msg), "order %s: %s; nothing was sent to Back "
             "Market: correct the tracking number in the host", id, why);
    bm_ship_problem(bi, id, s, "held", "tracking_invalid", msg, errors);
    return BMC_ERR_CONFLICT;
  }
  if(!imei_update)
    return BMC_OK;
  for(i = 0; i < s->n; i++) {
    const struct bm_ship_line *l = &s->lines[i];
    const char *p = l->serial;
    int digits = *p != '\0';
    for(; *p; p++)
      if(*p < '0' || *p > '9')
        digits = 0;
    if(!l->serial[0])
      continue;
    if(digits && pc_imei_check(l->serial, why, sizeof(why))) {
      snprintf(msg, sizeof(msg), "order %s line %s (SKU %.80s): IMEI %s %s; "
               "the whole order is held and nothing was sent (Back Market "
               "cannot correct an IMEI once set): fix the serial in the host",
               id, l->line_id, l->sku, l->serial, why);
      bm_ship_problem(bi, id, s, "held", "imei_invalid", msg, errors);
      return BMC_ERR_CONFLICT;
    }
    if(!digits && strlen(l->serial) > 50) {
      snprintf(msg, sizeof(msg), "order %s line %s (SKU %.80s): serial "
               "number longer than 50 characters; nothing was sent", id,
               l->line_id, l->sku);
      bm_ship_problem(bi, id, s, "held", "serial_invalid", msg, errors);
      return BMC_ERR_CONFLICT;
    }
  }
  return BMC_OK;
}

static int
bm_is_imei(const char *s)
{
  if(!*s)
    return 0;
  for(; *s; s++)
    if(*s < '0' || *s > '9')
      return 0;
  return 1;
}

/* Identifier JSON member ("imei" or "serial_number") of a line. */
static int
bm_add_ident(struct pc_buf *b, const char *serial)
{
  int rc = pc_buf_adds(b, bm_is_imei(serial) ? "\"imei\":"
                                             : "\"serial_number\":");
  return rc ? rc : pc_json_quote(b, serial);
}

static int
bm_ship_post(struct bm_inst *bi, int64_t order_id, const struct bm_ship *s,
             const char *tracking, int with_ident, char *why, size_t wl)
{
  struct pc_buf b;
  char url[400];
  char path[64];
  int rc;

  pc_buf_init(&b, 8192);
  bm_tracking_url(s->ho.carrier, tracking, url, sizeof(url));
  rc = pc_buf_addf(&b, "{\"order_id\":%lld,\"new_state\":3,"
                   "\"tracking_number\":", (long long)order_id);
  if(!rc)
    rc = pc_json_quote(&b, tracking);
  if(!rc && s->ho.carrier[0]) {
    rc = pc_buf_adds(&b, ",\"shipper\":");
    if(!rc)
      rc = pc_json_quote(&b, s->ho.carrier);
  }
  if(!rc && url[0]) {
    rc = pc_buf_adds(&b, ",\"tracking_url\":");
    if(!rc)
      rc = pc_json_quote(&b, url);
  }
  if(!rc && s->ho.ship_date[0]) {
    rc = pc_buf_adds(&b, ",\"date_shipping\":");
    if(!rc)
      rc = pc_json_quote(&b, s->ho.ship_date);
  }
  if(!rc && with_ident) {
    rc = pc_buf_adds(&b, ",");
    if(!rc)
      rc = bm_add_ident(&b, s->lines[0].serial);
  }
  if(!rc)
    rc = pc_buf_adds(&b, "}");
  if(rc) {
    pc_buf_free(&b);
    snprintf(why, wl, "could not build the request");
    return rc;
  }
  snprintf(path, sizeof(path), "/ws/orders/%lld", (long long)order_id);
  {
    struct bmc_change c[2];
    char oid[24];
    char what[400];

    memset(c, 0, sizeof(c));
    snprintf(oid, sizeof(oid), "%lld", (long long)order_id);
    snprintf(what, sizeof(what), "%s%s%s", tracking,
             s->ho.carrier[0] ? " " : "", s->ho.carrier);
    c[0].size = c[1].size = sizeof(c[0]);
    c[0].order = c[1].order = oid;
    c[0].field = "tracking";
    c[0].new_value = what;
    c[1].line = s->lines[0].line_id;
    c[1].sku = s->lines[0].sku;
    c[1].field = "imei";
    c[1].new_value = s->lines[0].serial;
    rc = bm_call_write(bi, "POST", path, pc_buf_str(&b), c,
                       with_ident ? 2 : 1, NULL, NULL, why, wl);
  }
  pc_buf_free(&b);
  return rc;
}

/* After a 4xx: is the order shipped on Back Market all the same (an
 * earlier attempt of a retried request went through)? */
static int
bm_ship_landed(struct bm_inst *bi, int64_t order_id)
{
  struct json_object *j = NULL;
  struct bm_order o;
  char why[256];
  int landed = 0;

  if(bm_order_fetch(bi, order_id, &j, &o, why, sizeof(why)))
    return 0;
  landed = bm_order_count(&o, BM_LINE_SHIPPED) > 0 &&
           bm_order_count(&o, BM_LINE_SHIPPED) +
                   bm_order_count(&o, BM_LINE_CANCELLED) ==
               o.n_lines;
  bm_order_clear(&o);
  json_object_put(j);
  return landed;
}

/* After a 4xx on a PATCH: does the line already carry that identifier? */
static int
bm_ident_landed(struct bm_inst *bi, int64_t order_id, const char *line_id,
                const char *serial)
{
  struct json_object *j = NULL;
  struct bm_order o;
  char why[256];
  char lid[32];
  size_t k;
  int landed = 0;

  if(bm_order_fetch(bi, order_id, &j, &o, why, sizeof(why)))
    return 0;
  for(k = 0; k < o.n_lines; k++) {
    snprintf(lid, sizeof(lid), "%lld", (long long)o.lines[k].id);
    if(!strcmp(lid, line_id) &&
       ((o.lines[k].imei && !strcmp(o.lines[k].imei, serial)) ||
        (o.lines[k].serial && !strcmp(o.lines[k].serial, serial))))
      landed = 1;
  }
  bm_order_clear(&o);
  json_object_put(j);
  return landed;
}

/* PATCH the identifier of each line (multi-line or qty > 1 orders). */
static int
bm_ship_patch_lines(struct bm_inst *bi, const char *id,
                    const struct bm_ship *s, const struct bm_order *bo,
                    int64_t *errors)
{
  char key[64];
  char val[16];
  char path[80];
  char why[512];
  size_t i;
  size_t k;
  int rc;

  for(i = 0; i < s->n; i++) {
    const struct bm_ship_line *l = &s->lines[i];
    struct pc_buf b;
    if(!l->serial[0])
      continue;
    /* already on Back Market (an earlier run) */
    for(k = 0; k < bo->n_lines; k++) {
      char lid[32];
      snprintf(lid, sizeof(lid), "%lld", (long long)bo->lines[k].id);
      if(!strcmp(lid, l->line_id) &&
         ((bo->lines[k].imei && !strcmp(bo->lines[k].imei, l->serial)) ||
          (bo->lines[k].serial && !strcmp(bo->lines[k].serial, l->serial))))
        break;
    }
    if(k < bo->n_lines)
      continue;
    snprintf(key, sizeof(key), "imei/%s", l->line_id);
    if((rc = bm_state_get(bi, key, val, sizeof(val))))
      return rc;
    if(!strcmp(val, "done") || !strcmp(val, "rejected"))
      continue;
    if(l->n_serials > 1)
      bm_log(bi, BMC_LOG_WARN, "order %s line %s has %d serials; Back Market "
             "keeps one identifier per order line, the first is sent", id,
             l->line_id, l->n_serials);
    if((rc = bm_state_put(bi, key, "sent")))
      return rc;
    pc_buf_init(&b, 1024);
    rc = pc_buf_adds(&b, "{");
    if(!rc)
      rc = bm_add_ident(&b, l->serial);
    if(!rc)
      rc = pc_buf_adds(&b, "}");
    snprintf(path, sizeof(path), "/ws/orderlines/%s", l->line_id);
    if(!rc) {
      struct bmc_change c;

      memset(&c, 0, sizeof(c));
      c.size = sizeof(c);
      c.order = id;
      c.line = l->line_id;
      c.sku = l->sku;
      c.field = "imei";
      c.new_value = l->serial;
      rc = bm_call_write(bi, "PATCH", path, pc_buf_str(&b), &c, 1, NULL,
                         NULL, why, sizeof(why));
    }
    pc_buf_free(&b);
    if(rc == PC_GATE_DRY)
      continue;
    if(rc == BMC_ERR_REMOTE_REJECT &&
       bm_ident_landed(bi, bo->order_id, l->line_id, l->serial))
      rc = BMC_OK;
    if(rc == BMC_ERR_REMOTE_REJECT) {
      char msg[700];
      snprintf(msg, sizeof(msg), "order %s line %s: Back Market refused the "
               "IMEI/serial: %s", id, l->line_id, why);
      bm_log(bi, BMC_LOG_ERROR, "%s", msg);
      bi->host->item_error(bi->hctx, id, "imei_rejected", msg);
      (*errors)++;
      if(bm_state_put(bi, key, "rejected"))
        return BMC_ERR_INTERNAL;
      continue;
    }
    if(rc)
      return rc;
    if((rc = bm_state_put(bi, key, "done")))
      return rc;
  }
  return BMC_OK;
}

static int
bm_ship_one(struct bm_inst *bi, int64_t order_id, int imei_update,
            int64_t *sent, int64_t *errors)
{
  struct bm_ship *s;
  struct json_object *j = NULL;
  struct bm_order bo;
  char id[32];
  char key[48];
  char val[48];
  char tracking[256];
  char why[512];
  char msg[800];
  int single;
  int rc;

  memset(&bo, 0, sizeof(bo));
  snprintf(id, sizeof(id), "%lld", (long long)order_id);
  snprintf(key, sizeof(key), "ship/%s", id);
  s = calloc(1, sizeof(*s));
  if(!s)
    return BMC_ERR_NOMEM;
  rc = bm_ship_load(bi, id, s);
  if(rc)
    goto out;
  if((rc = bm_state_get(bi, key, val, sizeof(val))))
    goto out;
  if((!strncmp(val, "held ", 5) || !strncmp(val, "rejected ", 9)) &&
     strstr(val, s->fp)) {
    bm_log(bi, BMC_LOG_DEBUG, "order %s: still %s (unchanged in the host)",
           id, val);
    goto out;
  }
  if(bm_ship_check(bi, id, s, imei_update, tracking, sizeof(tracking),
                   errors))
    goto out;
  rc = bm_order_fetch(bi, order_id, &j, &bo, why, sizeof(why));
  if(rc == BMC_ERR_REMOTE_REJECT || rc == BMC_ERR_PROTOCOL) {
    /* refused, malformed or oversized: nothing was sent, and the run
     * must not look clean */
    snprintf(msg, sizeof(msg), "order %s: reading it back from Back Market "
             "failed (%s); no tracking was sent, retried next run", id, why);
    bm_log(bi, BMC_LOG_ERROR, "%s", msg);
    bi->host->item_error(bi->hctx, id, "readback_failed", msg);
    (*errors)++;
    rc = BMC_OK;
    goto out;
  }
  if(rc) {
    bm_log(bi, BMC_LOG_WARN, "order %s: cannot read it from Back Market "
           "(%s); tracking retried next run", id, why);
    goto out;
  }
  if(bm_order_count(&bo, BM_LINE_PAID) || bm_order_count(&bo, BM_LINE_UNPAID)) {
    bm_log(bi, BMC_LOG_WARN, "order %s has lines not yet accepted on Back "
           "Market; tracking is sent once Order Download accepted them", id);
    goto out;
  }
  if(bm_order_count(&bo, BM_LINE_CANCELLED) == bo.n_lines) {
    snprintf(msg, sizeof(msg), "order %s was shipped in the host but is "
             "cancelled on Back Market: tracking cannot be sent; stop the "
             "parcel or arrange a return", id);
    bm_ship_problem(bi, id, s, "rejected", "cancelled_on_marketplace", msg,
                    errors);
    goto out;
  }
  single = s->n == 1 && s->lines[0].qty == 1 && bo.n_lines == 1;
  if(bm_order_count(&bo, BM_LINE_ACCEPTED)) {
    snprintf(val, sizeof(val), "sent %s", s->fp);
    if((rc = bm_state_put(bi, key, val)))
      goto out;
    rc = bm_ship_post(bi, order_id, s, tracking,
                      imei_update && single && s->lines[0].serial[0], why,
                      sizeof(why));
    if(rc == PC_GATE_DRY)
      rc = BMC_OK; /* recorded, not sent: the identifiers follow */
    else if(rc == BMC_ERR_REMOTE_REJECT && bm_ship_landed(bi, order_id))
      rc = BMC_OK; /* a retried request: the first attempt went through */
    if(rc == BMC_ERR_REMOTE_REJECT) {
      snprintf(msg, sizeof(msg), "order %s: Back Market refused the "
               "tracking: %s; fix the order in the host to send it again",
               id, why);
      bm_ship_problem(bi, id, s, "rejected", "remote_reject", msg, errors);
      rc = BMC_OK;
      goto out;
    }
    if(rc) {
      bm_log(bi, BMC_LOG_WARN, "order %s: %s; tracking retried next run", id,
             why);
      goto out;
    }
    if(!pc_gate_dry(bi->host, bi->hctx)) {
      (*sent)++;
      bm_log(bi, BMC_LOG_INFO, "order %s: tracking %s (%s) sent to Back "
             "Market", id, tracking, s->ho.carrier[0] ? s->ho.carrier
                                                      : "no carrier");
    }
  }
  if(imei_update && !single &&
     (rc = bm_ship_patch_lines(bi, id, s, &bo, errors)))
    goto out;
  if(pc_gate_dry(bi->host, bi->hctx))
    goto out; /* the IMEIs were recorded, not sent */
  rc = bi->host->order_mark_reported(bi->hctx, id, BMC_REPORT_SHIPPING);
  if(!rc)
    rc = bm_state_put(bi, key, "done");
out:
  bm_order_clear(&bo);
  json_object_put(j);
  free(s);
  return rc;
}

int
bm_tracking_upload(struct bm_inst *bi, char *errbuf, size_t errlen)
{
  int64_t *ids;
  size_t n = 0;
  size_t i;
  int64_t sent = 0;
  int64_t errors = 0;
  int imei_update;
  int rc;

  rc = bm_client_ready(bi, errbuf, errlen);
  if(rc)
    return rc;
  imei_update = bm_setting_bool(bi, "imei_update");
  ids = calloc(BM_SHIP_BATCH, sizeof(*ids));
  if(!ids)
    return BMC_ERR_NOMEM;
  rc = bm_collect_orders(bi, BMC_Q_SHIPPED_UNREPORTED, ids, BM_SHIP_BATCH,
                         &n);
  for(i = 0; !rc && i < n; i++) {
    rc = bm_ship_one(bi, ids[i], imei_update, &sent, &errors);
    if(rc == BMC_ERR_TOO_SMALL) {
      char id[32];
      snprintf(id, sizeof(id), "%lld", (long long)ids[i]);
      bi->host->item_error(bi->hctx, id, "too_many_lines",
                           "order has more lines than tracking upload "
                           "handles (64); report it by hand");
      errors++;
      rc = BMC_OK;
    }
    bi->host->job_progress(bi->hctx, (int64_t)i + 1, (int64_t)n);
  }
  free(ids);
  if(rc)
    snprintf(errbuf, errlen, "tracking upload stopped: %s; the next run "
             "continues", pc_strerror(rc));
  else
    bm_log(bi, BMC_LOG_INFO, "tracking upload: %zu order(s) to report, %lld "
           "sent, %lld problem(s)", n, (long long)sent, (long long)errors);
  return rc;
}
