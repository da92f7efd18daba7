/*
 * bmp_import.c -- the "Import Orders" action (every 5 minutes when Allow
 * Order Download is on, or by hand).  The first run imports every recent
 * unfulfilled order; later runs fetch what changed since the stored cursor
 * (updated_since minus an overlap), following links.next to the end
 * through pc_page.h (on the Website URL's origin; loops and runaway page
 * counts end the run with an error).  Each
 * order is upserted keyed on its Pro id, so a re-run, a retry or a crash at
 * any step never makes a second order.  Orders cancelled or refunded on Pro
 * are reported to the operator once (WARN) and never acted upon: the host
 * order's status is not changed.  The cursor only moves past orders the
 * host holds durably, and never past the clock (pc_cursor.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "bmp_check.h"
#include "bmp_contract.h"
#include "bmp_order_map.h"
#include "bmp_plugin.h"
#include "pc_cursor.h"
#include "pc_gate.h"
#include "pc_http.h"
#include "pc_json.h"
#include "pc_page.h"
#include "pc_time.h"
#include "pc_xml.h"

#define BMP_MAX_PAGES 10000

static const struct pc_page_spec bmp_order_page = {
  "orders", BMP_F_ITEMS, BMP_F_TOTAL, BMP_F_LINKS, BMP_F_NEXT};

struct bmp_run {
  int64_t max_seen_ms;   /* newest updated_at of an order handled */
  int64_t newest_ms;     /* newest updated_at read (handled or not) */
  char newest_id[140];   /* its order */
  int64_t min_failed_ms; /* oldest updated_at of an order not handled; -1 */
  int64_t done, total;
  int created, updated, unchanged, skipped, warned, failed;
  /* ids seen in the current pass: detects orders that moved between
   * pages (an update mid-pass shifts the page-number windows) */
  char **ids;
  size_t n_ids, cap_ids;
  int ids_nomem;
  int64_t last_total;
  int shifted;
};

static void
bmp_ids_add(struct bmp_run *r, const char *id)
{
  char *c;

  if(r->n_ids == r->cap_ids) {
    size_t nc = r->cap_ids ? r->cap_ids * 2 : 64;
    char **nv = realloc(r->ids, nc * sizeof(*nv));

    if(!nv) {
      r->ids_nomem = 1;
      return;
    }
    r->ids = nv;
    r->cap_ids = nc;
  }
  c = strdup(id);
  if(!c) {
    r->ids_nomem = 1;
    return;
  }
  r->ids[r->n_ids++] = c;
}

static int
bmp_cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Distinct ids of the pass, then forget them. */
static size_t
bmp_ids_unique_reset(struct bmp_run *r)
{
  size_t i, u = 0;

  if(r->n_ids)
    qsort(r->ids, r->n_ids, sizeof(*r->ids), bmp_cmp_str);
  for(i = 0; i < r->n_ids; i++)
    if(i == 0 || strcmp(r->ids[i], r->ids[i - 1]))
      u++;
  for(i = 0; i < r->n_ids; i++)
    free(r->ids[i]);
  r->n_ids = 0;
  return u;
}

struct bmp_host_copy {
  char state[160]; /* the host's <marketplace_state> */
};

static int
bmp_read_state(void *ud, const char *xml, size_t len)
{
  struct bmp_host_copy *c = ud;
  xmlDocPtr doc = pc_xml_read(xml, len, NULL, 0);
  xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;

  c->state[0] = '\0';
  if(root && pc_xml_child_text(root, "marketplace_state", c->state,
                               sizeof(c->state)) != BMC_OK)
    c->state[0] = '\0';
  if(doc)
    xmlFreeDoc(doc);
  return 0;
}

/* 1 when the host holds this order (its marketplace_state in c), 0 when
 * not, -1 on a host error. */
static int
bmp_host_copy(struct bmp_inst *bi, const char *id, struct bmp_host_copy *c)
{
  int rc = bi->host->order_get(bi->hctx, id, bmp_read_state, c);

  if(rc == BMC_OK)
    return 1;
  return rc == BMC_ERR_NOT_FOUND ? 0 : -1;
}

static int
bmp_host_has(struct bmp_inst *bi, const char *id)
{
  struct bmp_host_copy c;

  return bmp_host_copy(bi, id, &c);
}

static void
bmp_note_failed(struct bmp_run *r, int64_t upd_ms)
{
  if(upd_ms > 0 && (r->min_failed_ms < 0 || upd_ms < r->min_failed_ms))
    r->min_failed_ms = upd_ms;
}

/* Seed 003: cancellations and refunds are handled in the Pro portal; the
 * operator changes the host order by hand.  Say so once per order. */
static int
bmp_cancel_notice(struct bmp_inst *bi, const struct bmp_order_info *oi)
{
  char key[200], buf[8];
  size_t len = 0;
  int rc, has;

  has = bmp_host_has(bi, oi->id);
  if(has < 0)
    return -1;
  if(!has) {
    bmp_log(bi, BMC_LOG_INFO,
            "Order %s is %s on Back Market Pro and is not in the host; "
            "not imported", oi->id,
            !strcmp(oi->status, BMP_ST_CANCELLED) ? "cancelled" : "refunded");
    return 0;
  }
  snprintf(key, sizeof(key), "%s%s", BMP_ST_CANCEL_WARNED, oi->id);
  rc = bi->host->state_get(bi->hctx, key, buf, sizeof(buf), &len);
  if(rc == BMC_OK || rc == BMC_ERR_TOO_SMALL)
    return 0; /* already told */
  if(rc != BMC_ERR_NOT_FOUND)
    return -1;
  bmp_log(bi, BMC_LOG_WARN,
          "Order %s was %s on Back Market Pro (status %s, financial status "
          "%s). Cancellations and refunds are handled in the Back Market "
          "Pro portal: %s order %s in the host by hand. The plugin did "
          "not change the host order.",
          oi->id,
          !strcmp(oi->status, BMP_ST_CANCELLED) ? "cancelled" : "refunded",
          oi->status, oi->financial[0] ? oi->financial : "-",
          !strcmp(oi->status, BMP_ST_CANCELLED) ? "cancel" :
          "record the refund on", oi->id);
  if(!pc_gate_dry(bi->host, bi->hctx) &&
     bi->host->state_put(bi->hctx, key, "1", 1) != BMC_OK)
    return -1;
  return 1;
}

static void
bmp_one_order(struct bmp_inst *bi, struct json_object *o, struct bmp_run *r)
{
  struct bmp_order_info oi;
  char msg[512], err[512];
  char *xml = NULL;
  size_t len = 0;
  int64_t upd_ms = 0;
  int rc, has, created = 0;

  r->done++;
  if(bmp_order_info_get(o, &oi, msg, sizeof(msg))) {
    bmp_item_error(bi, oi.id[0] ? oi.id : "(unknown order)",
                   "malformed_order", "Back Market Pro sent a malformed "
                   "order: %s", msg);
    r->failed++;
    return;
  }
  bmp_ids_add(r, oi.id);
  if(pc_time_parse(oi.updated_at, &upd_ms) != BMC_OK) {
    bmp_item_error(bi, oi.id, "malformed_order",
                   "order %s: %s is not an RFC 3339 time", oi.id,
                   BMP_F_UPDATED_AT);
    r->failed++;
    return;
  }
  if(upd_ms > r->newest_ms) {
    r->newest_ms = upd_ms;
    snprintf(r->newest_id, sizeof(r->newest_id), "order %s", oi.id);
  }
  if(oi.cancelled) {
    rc = bmp_cancel_notice(bi, &oi);
    if(rc < 0) {
      bmp_item_error(bi, oi.id, "host_error", "order %s: the host could "
                     "not be asked about this cancelled order", oi.id);
      bmp_note_failed(r, upd_ms);
      r->failed++;
      return;
    }
    r->warned += rc;
    r->skipped += rc == 0;
  }
  else {
    struct bmp_host_copy hc;
    char state[160];

    has = bmp_host_copy(bi, oi.id, &hc);
    bmp_order_state(&oi, state, sizeof(state));
    if(has < 0) {
      bmp_item_error(bi, oi.id, "host_error",
                     "order %s: the host order lookup failed", oi.id);
      bmp_note_failed(r, upd_ms);
      r->failed++;
      return;
    }
    if(has && !strcmp(hc.state, state))
      r->unchanged++; /* this very version is in the host already */
    else if(!has && !strcmp(oi.fulfillment, BMP_FUL_FULFILLED)) {
      bmp_log(bi, BMC_LOG_INFO, "Order %s is already fulfilled on Back "
              "Market Pro and is not in the host; not imported", oi.id);
      r->skipped++;
    }
    else {
      rc = bmp_order_to_xml(o, BMP_PLUGIN_NAME, bi->conf.pct_e4, &xml, &len,
                            msg, sizeof(msg));
      if(rc) {
        bmp_item_error(bi, oi.id, "malformed_order",
                       "Back Market Pro sent a malformed order: %s", msg);
        bmp_note_failed(r, upd_ms);
        r->failed++;
        return;
      }
      err[0] = '\0';
      if(pc_gate_dry(bi->host, bi->hctx)) {
        /* a dry run changes no host order: read, not imported */
        bmp_log(bi, BMC_LOG_INFO, "dry run: order %s is not imported into "
                "the host", oi.id);
        free(xml);
        return;
      }
      rc = bi->host->order_upsert(bi->hctx, xml, len, &created, err,
                                  sizeof(err));
      free(xml);
      if(rc == BMC_ERR_SCHEMA)
        /* the host queued its validator's message already (ABI) */
        bmp_log(bi, BMC_LOG_WARN, "order %s was not saved: the host refused "
                "the document (see the error queue); retried next run",
                oi.id);
      else if(rc != BMC_OK)
        bmp_item_error(bi, oi.id, "host_error", "order %s was not saved: %s",
                       oi.id, err[0] ? err : "host error");
      if(rc != BMC_OK) {
        bmp_note_failed(r, upd_ms);
        r->failed++;
        return;
      }
      if(created) {
        r->created++;
        bmp_log(bi, BMC_LOG_INFO, "Order %s imported (%s)", oi.id,
                oi.financial);
      }
      else
        r->updated++;
    }
  }
  if(upd_ms > r->max_seen_ms)
    r->max_seen_ms = upd_ms;
}

/* Fetch every page of one query.  BMC_OK or the error (message in
 * errbuf). */
static int
bmp_fetch_all(struct bmp_inst *bi, const char *fulfillment, int64_t since,
              struct bmp_run *r, char *errbuf, size_t errlen)
{
  char target[2048], since_s[40], why[512], perr[400];
  struct pc_http_req req;
  struct pc_http_resp resp;
  struct pc_pager pager;
  int more = 1, rc = BMC_OK;

  r->last_total = 0;
  if(pc_time_format(since, since_s, sizeof(since_s)) != BMC_OK)
    return bmp_fail(bi, BMC_ERR_INTERNAL, errbuf, errlen, "bad cursor time");
  snprintf(target, sizeof(target), "%s?%s%s%s%s=%s&%s=1&%s=%d",
           BMP_PATH_ORDERS, fulfillment ? BMP_Q_FULFILLMENT : "",
           fulfillment ? "=" : "", fulfillment ? fulfillment : "",
           fulfillment ? "&" BMP_Q_UPDATED_SINCE : BMP_Q_UPDATED_SINCE,
           since_s, BMP_Q_PAGE, BMP_Q_PAGE_SIZE, BMP_PAGE_SIZE);
  pc_pager_init(&pager, &bmp_order_page, bi->http, bi->host, bi->hctx,
                &bi->secrets, target, BMP_PAGE_SIZE, BMP_MAX_PAGES);
  while(more) {
    struct json_object *root;
    struct pc_page pg;
    size_t i;

    memset(&req, 0, sizeof(req));
    req.method = "GET";
    req.target = pc_pager_target(&pager);
    rc = pc_http_send(bi->http, &req, &resp);
    if(rc != BMC_OK) {
      bmp_describe_error(bi, resp.status, resp.body, resp.error, why,
                         sizeof(why));
      if(rc == BMC_ERR_UNAUTHORIZED)
        bmp_fail(bi, rc, errbuf, errlen, "Import Orders: the x-api-key was "
                 "refused (%s); check it and run Test Settings", why);
      else if(rc == BMC_ERR_BUDGET)
        bmp_fail(bi, rc, errbuf, errlen, "Import Orders: request budget "
                 "spent after %lld page(s); the next run continues",
                 (long long)pager.pages);
      else
        bmp_fail(bi, rc, errbuf, errlen, "Import Orders: listing orders "
                 "failed after %d attempt(s): %s; the next run retries",
                 resp.attempts, why);
      pc_http_resp_clear(&resp);
      break;
    }
    root = pc_json_parse(resp.body ? resp.body : "", resp.len, perr,
                         sizeof(perr));
    pc_http_resp_clear(&resp);
    if(!root || pc_page_decode(&bmp_order_page, root, &pg, perr,
                               sizeof(perr)) != BMC_OK) {
      if(root)
        json_object_put(root);
      rc = bmp_fail(bi, BMC_ERR_PROTOCOL, errbuf, errlen,
                    "Import Orders: Back Market Pro sent an unreadable "
                    "order page: %s; the next run retries", perr);
      break;
    }
    if(pg.count >= 0) {
      if(!pager.pages)
        r->total += pg.count;
      r->last_total = pg.count; /* the newest count of matching orders */
    }
    for(i = 0; i < pg.n_items; i++)
      bmp_one_order(bi, json_object_array_get_idx(pg.items, i), r);
    rc = pc_pager_step(&pager, &pg, &more, perr, sizeof(perr));
    json_object_put(root);
    bi->host->job_progress(bi->hctx, r->done,
                           r->total > r->done ? r->total : r->done);
    if(rc) {
      rc = bmp_fail(bi, rc, errbuf, errlen, "Import Orders: %s", perr);
      break;
    }
  }
  pc_pager_free(&pager);
  if(!rc) {
    size_t u = bmp_ids_unique_reset(r);

    if(!r->ids_nomem && (int64_t)u < r->last_total) {
      r->shifted = 1;
      bmp_log(bi, BMC_LOG_INFO, "Orders changed on Back Market Pro while "
              "the pages were read (%zu distinct of %lld); the next run "
              "reads the same window again", u, (long long)r->last_total);
    }
  }
  return rc;
}

/* The cursor is "<settings fingerprint> <RFC 3339>": a cursor of another
 * Website URL / x-api-key (another Pro account, perhaps) does not count,
 * and the import starts over as a first import (idempotent: nothing is
 * duplicated, unchanged orders are not rewritten). */
static int
bmp_cursor_read(struct bmp_inst *bi, const char *fp, int64_t *ms,
                int *first)
{
  char cur[96];
  size_t len = 0;
  int rc;

  *first = 1;
  rc = bi->host->state_get(bi->hctx, BMP_ST_CURSOR, cur, sizeof(cur) - 1,
                           &len);
  if(rc == BMC_ERR_NOT_FOUND)
    return BMC_OK;
  if(rc != BMC_OK || len >= sizeof(cur))
    return BMC_ERR_INTERNAL;
  cur[len] = '\0';
  if(len < 18 || cur[16] != ' ' || pc_time_parse(cur + 17, ms) != BMC_OK)
    return BMC_ERR_PROTOCOL;
  if(memcmp(cur, fp, 16)) {
    bmp_log(bi, BMC_LOG_INFO, "The Website URL or x-api-key changed since "
            "the last import: importing the recent unfulfilled orders "
            "again (orders already in the host are not duplicated)");
    return BMC_OK;
  }
  *first = 0;
  return BMC_OK;
}

static int
bmp_cursor_write(struct bmp_inst *bi, const char *fp, int64_t ms)
{
  char cur[96], when[40];

  if(pc_time_format(ms, when, sizeof(when)) != BMC_OK)
    return BMC_ERR_INTERNAL;
  snprintf(cur, sizeof(cur), "%.16s %s", fp, when);
  if(pc_gate_dry(bi->host, bi->hctx))
    return BMC_OK; /* a dry run moves no cursor */
  return bi->host->state_put(bi->hctx, BMP_ST_CURSOR, cur, strlen(cur));
}

int
bmp_import_orders(struct bmp_inst *bi, char *errbuf, size_t errlen)
{
  struct bmp_run r;
  char fp[17];
  int64_t start, cursor_ms = 0, since, newc, clamped;
  int rc, first;

  memset(&r, 0, sizeof(r));
  r.min_failed_ms = -1;
  rc = bmp_action_begin(bi, "Import Orders", errbuf, errlen);
  if(rc != BMC_OK)
    return rc;
  if(bmp_fingerprint(bi->conf.url, bi->conf.key, fp, sizeof(fp)))
    return bmp_fail(bi, BMC_ERR_INTERNAL, errbuf, errlen,
                    "Import Orders: could not fingerprint the settings");
  start = bi->host->now_ms(bi->hctx);
  rc = bmp_cursor_read(bi, fp, &cursor_ms, &first);
  if(rc != BMC_OK)
    return bmp_fail(bi, BMC_ERR_INTERNAL, errbuf, errlen,
                    "Import Orders: the stored cursor could not be read");

  if(!first && cursor_ms > start) {
    /* stored by a run that trusted a future date: what changed since the
     * last good cursor is unknown, so import as a first import again */
    bmp_log(bi, BMC_LOG_WARN, "The stored order cursor is ahead of the host "
            "clock; importing the recent unfulfilled orders again as a "
            "first import (orders already in the host are not "
            "duplicated)");
    first = 1;
  }
  if(first) {
    /* seed 003: the first import brings every recent unfulfilled order */
    since = start - bi->conf.first_days * 86400000LL;
    bmp_log(bi, BMC_LOG_INFO, "First import: unfulfilled orders updated in "
            "the last %lld day(s)", (long long)bi->conf.first_days);
    rc = bmp_fetch_all(bi, BMP_FUL_UNFULFILLED, since, &r, errbuf, errlen);
    if(rc == BMC_OK)
      rc = bmp_fetch_all(bi, BMP_FUL_PARTIAL, since, &r, errbuf, errlen);
  }
  else {
    since = cursor_ms - bi->conf.overlap_s * 1000LL;
    rc = bmp_fetch_all(bi, NULL, since, &r, errbuf, errlen);
  }
  bmp_ids_unique_reset(&r);
  free(r.ids);
  bmp_log(bi, rc == BMC_OK ? BMC_LOG_INFO : BMC_LOG_WARN,
          "Import Orders: %d created, %d updated, %d unchanged, %d "
          "skipped, %d cancellation notice(s), %d failed",
          r.created, r.updated, r.unchanged, r.skipped, r.warned,
          r.failed);
  if(rc != BMC_OK)
    return rc; /* cursor unchanged: the next run sees the same orders */

  /* Advance only past durably handled orders: up to the newest order
   * seen (the first run: at least the run's start), but never past the
   * oldest order that failed, so the next run (updated_since is
   * inclusive) fetches it again. */
  newc = first ? start : cursor_ms;
  if(r.max_seen_ms > newc)
    newc = r.max_seen_ms;
  if(r.min_failed_ms >= 0 && r.min_failed_ms < newc)
    newc = r.min_failed_ms;
  if(r.shifted || r.ids_nomem) {
    if(first)
      return BMC_OK; /* the next run is a first import again */
    newc = cursor_ms;
  }
  /* never past the clock: a future-dated order is imported, but it must
   * not hide every later one */
  clamped = pc_cursor_clamp(bi->host, bi->hctx, &bi->secrets, bi->http,
                            newc, r.newest_ms, r.newest_id, BMP_F_UPDATED_AT,
                            bi->conf.overlap_s * 1000LL);
  if(clamped < newc)
    newc = first || clamped > cursor_ms ? clamped : cursor_ms;
  if(bmp_cursor_write(bi, fp, newc) != BMC_OK)
    return bmp_fail(bi, BMC_ERR_INTERNAL, errbuf, errlen,
                    "Import Orders: orders saved, but the cursor could not "
                    "be stored; the next run re-reads them (no duplicates)");
  return BMC_OK;
}
