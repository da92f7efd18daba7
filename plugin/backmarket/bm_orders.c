/*
 * bm_orders.c -- owns the order_download action (DESIGN 3.1): the
 * date_modification cursor with an overlap window, pagination to the end
 * (pc_page.h: `next` on base_url's origin, loops and runaway page counts
 * refused), re-reading when orders moved between pages, per-run
 * de-duplication by order id, import of paid orders into the host, updates
 * of orders that changed later (customer cancellations, refunds), settling
 * journal entries an interrupted run left, and advancing the cursor only
 * past orders that were fully processed and never past the clock
 * (pc_cursor.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm_deadline.h"
#include "bm_order_side.h"
#include "pc_cursor.h"
#include "pc_gate.h"
#include "pc_json.h"
#include "pc_page.h"
#include "pc_rc.h"
#include "pc_time.h"

#define BM_CURSOR_KEY "orders/cursor"
#define BM_MAX_PASSES 3
#define BM_MAX_PAGES 100000

/* Processing outcome of one order. */
enum bm_outcome { BM_DONE = 0, BM_FAILED = 1 };

/* An order whose paid lines are accepted after pagination ended, so our
 * own writes (which move orders to the end of the date_modification
 * order) never shift the pages still to be read.  Only what acceptance
 * reads is kept: the run holds one of these per order it downloaded. */
struct bm_pend {
  int64_t order_id;
  int64_t mod_ms;
  struct bm_line *lines; /* deep-copied (sku owned) */
  size_t n_lines;
};

struct bm_dl {
  struct bm_run run;
  struct bm_pend *pend;
  size_t n_pend, cap_pend;
  struct bm_map seen;       /* order id -> date_modification processed */
  int64_t max_ok;           /* latest date_modification fully processed */
  int64_t failed_min;       /* earliest date_modification not processed */
  int failed_unknown;       /* an order failed before its date was read */
  int64_t orders_seen;
  int64_t newest_ms;        /* latest date_modification read (any order) */
  char newest_id[32];       /* its order */
};

static const struct pc_page_spec bm_order_page = {
  "orders", "results", "count", NULL, "next"};

/* Remember the latest date_modification of the run (for the "ahead of
 * the clock" warning). */
static void
bm_note_date(struct bm_dl *dl, const struct bm_order *o)
{
  if(o->mod_ms > dl->newest_ms) {
    dl->newest_ms = o->mod_ms;
    snprintf(dl->newest_id, sizeof(dl->newest_id), "order %lld",
             (long long)o->order_id);
  }
}

static int
bm_defer(struct bm_dl *dl, const struct bm_order *o)
{
  struct bm_pend *p;
  size_t i;

  if(dl->n_pend == dl->cap_pend) {
    size_t ncap = dl->cap_pend ? dl->cap_pend * 2 : 64;
    struct bm_pend *np = realloc(dl->pend, ncap * sizeof(*np));
    if(!np)
      return BMC_ERR_NOMEM;
    dl->pend = np;
    dl->cap_pend = ncap;
  }
  p = &dl->pend[dl->n_pend];
  memset(p, 0, sizeof(*p));
  p->mod_ms = o->mod_ms;
  p->order_id = o->order_id;
  p->lines = calloc(o->n_lines ? o->n_lines : 1, sizeof(*p->lines));
  if(!p->lines)
    return BMC_ERR_NOMEM;
  p->n_lines = o->n_lines;
  for(i = 0; i < o->n_lines; i++) {
    struct bm_line *l = &p->lines[i];
    l->id = o->lines[i].id;
    l->state = o->lines[i].state;
    l->kind = o->lines[i].kind;
    l->quantity = o->lines[i].quantity;
    l->plan = o->lines[i].plan;
    l->sku = strdup(o->lines[i].sku);
    if(!l->sku) {
      while(i--)
        free((char *)p->lines[i].sku);
      free(p->lines);
      return BMC_ERR_NOMEM;
    }
  }
  dl->n_pend++;
  return BMC_OK;
}

static void
bm_pend_free(struct bm_dl *dl)
{
  size_t i;
  size_t k;

  for(i = 0; i < dl->n_pend; i++) {
    for(k = 0; k < dl->pend[i].n_lines; k++)
      free((char *)dl->pend[i].lines[k].sku);
    free(dl->pend[i].lines);
  }
  free(dl->pend);
  dl->pend = NULL;
  dl->n_pend = dl->cap_pend = 0;
}

/* Accept (or cancel, per plan) the deferred orders.  Orders that could
 * not be finished pull the cursor back to their date_modification. */
static int
bm_apply_pending(struct bm_inst *bi, struct bm_dl *dl)
{
  size_t i;
  int rc = BMC_OK;

  for(i = 0; i < dl->n_pend; i++) {
    struct bm_pend *p = &dl->pend[i];
    struct bm_order o;
    int arc;

    memset(&o, 0, sizeof(o));
    o.order_id = p->order_id;
    o.mod_ms = p->mod_ms;
    o.lines = p->lines;
    o.n_lines = p->n_lines;
    arc = rc ? rc : bm_accept_apply(bi, &dl->run, &o);
    if(arc && arc != BMC_ERR_REMOTE_REJECT && arc != BMC_ERR_PROTOCOL) {
      if(!dl->failed_min || p->mod_ms < dl->failed_min)
        dl->failed_min = p->mod_ms;
      if(!rc && arc != BMC_ERR_TRANSPORT && arc != BMC_ERR_REMOTE_RETRY)
        rc = arc; /* budget, credentials, host: stop here */
      else if(!rc)
        rc = BMC_OK; /* a read-back failed: this order waits */
    }
    if(i % 50 == 49)
      bi->host->job_progress(bi->hctx, (int64_t)i + 1, (int64_t)dl->n_pend);
  }
  return rc;
}

static void
bm_report(struct bm_inst *bi, struct bm_dl *dl, int64_t order_id,
          const char *code, const char *msg)
{
  char id[32];

  if(order_id > 0)
    snprintf(id, sizeof(id), "%lld", (long long)order_id);
  else
    snprintf(id, sizeof(id), "order-download");
  bm_log(bi, BMC_LOG_ERROR, "order %s: %s; it is kept and retried next run",
         id, msg);
  bi->host->item_error(bi->hctx, id, code, msg);
  dl->run.item_errors++;
}

/* Record when each refunded/cancelled line was first seen so settlements
 * can date the refund (bm_settlement.c). */
static int
bm_note_refunds(struct bm_inst *bi, const struct bm_order *o, int *new_any)
{
  char key[80];
  char val[48];
  size_t i;
  int rc;

  *new_any = 0;
  for(i = 0; i < o->n_lines; i++) {
    const struct bm_line *l = &o->lines[i];
    if(l->kind != BM_LINE_REFUNDED && l->kind != BM_LINE_CANCELLED)
      continue;
    snprintf(key, sizeof(key), "refund/%lld/%lld", (long long)o->order_id,
             (long long)l->id);
    if((rc = bm_state_get(bi, key, val, sizeof(val))))
      return rc;
    if(val[0])
      continue;
    snprintf(val, sizeof(val), "%lld %s", (long long)l->state,
             o->date_modification);
    if((rc = bm_state_put(bi, key, val)))
      return rc;
    *new_any = 1;
  }
  return BMC_OK;
}

/* The dispatch deadline of an order still to be shipped (states 1 and
 * 3); a rule or zone that cannot be used is logged once per order and the
 * order goes in without one. */
static int
bm_order_deadline(struct bm_inst *bi, struct bm_order *o)
{
  char why[300] = "";
  int64_t placed;

  o->dispatch_deadline_ms = 0;
  if((o->state != 1 && o->state != 3) ||
     pc_time_parse(o->date_creation, &placed))
    return BMC_OK;
  if(bm_deadline_for(bi, o->country_code, placed, &o->dispatch_deadline_ms,
                     why, sizeof(why)) == BMC_ERR_NOMEM)
    return BMC_ERR_NOMEM;
  if(!o->dispatch_deadline_ms && why[0])
    bm_log(bi, BMC_LOG_WARN, "order %lld: no dispatch deadline: %s",
           (long long)o->order_id, why);
  return BMC_OK;
}

static int
bm_upsert(struct bm_inst *bi, struct bm_dl *dl, struct bm_order *o,
          int *created)
{
  struct pc_xml x;
  char err[512];
  int rc;

  rc = bm_order_deadline(bi, o);
  if(!rc)
    rc = bm_order_doc(o, &x);
  if(rc) {
    pc_xml_free(&x);
    snprintf(err, sizeof(err), "cannot build the order document (an "
             "amount out of range)");
    bm_report(bi, dl, o->order_id, "order_invalid", err);
    return rc;
  }
  err[0] = '\0';
  if(pc_gate_dry(bi->host, bi->hctx)) {
    /* a dry run changes no host order: planned, not imported */
    pc_xml_free(&x);
    *created = 0;
    bm_log(bi, BMC_LOG_INFO, "dry run: order %lld is not imported into the "
           "host", (long long)o->order_id);
    return BMC_OK;
  }
  rc = bi->host->order_upsert(bi->hctx, pc_xml_str(&x), pc_xml_len(&x),
                              created, err, sizeof(err));
  pc_xml_free(&x);
  if(rc == BMC_ERR_SCHEMA) {
    /* the host put its validator's message in the job log and the error
     * queue already (ABI: order_upsert): one report per bad order */
    bm_log(bi, BMC_LOG_WARN, "order %lld: the host refused the order "
           "document (see the error queue); it is kept and retried next "
           "run", (long long)o->order_id);
    dl->run.item_errors++;
  }
  else if(rc) {
    char msg[700];
    snprintf(msg, sizeof(msg), "the host refused the order document: %s",
             err[0] ? err : "no reason given");
    bm_report(bi, dl, o->order_id, "host_error", msg);
  }
  return rc;
}

/* An order the host already holds changed on Back Market. */
static int
bm_update_existing(struct bm_inst *bi, struct bm_dl *dl, struct bm_order *o,
                   const struct bm_host_order *ho)
{
  char id[32];
  int created = 0;
  int new_refund = 0;
  size_t n_cancel = bm_order_count(o, BM_LINE_CANCELLED);
  int rc;

  snprintf(id, sizeof(id), "%lld", (long long)o->order_id);
  if((rc = bm_upsert(bi, dl, o, &created)))
    return rc;
  dl->run.updated++;
  if((rc = bm_note_refunds(bi, o, &new_refund)))
    return rc;
  if(n_cancel == o->n_lines && strcmp(ho->status, "Cancelled")) {
    if(!ho->shipping_status[0] || !strcmp(ho->shipping_status, "Unshipped")) {
      rc = bi->host->order_set_status(bi->hctx, id, "Cancelled",
                                      "Cancelled on Back Market (customer "
                                      "cancellation or refund before "
                                      "shipping): do not ship");
      if(!rc)
        rc = bi->host->order_mark_reported(bi->hctx, id, BMC_REPORT_CANCEL);
      if(rc && rc != BMC_ERR_CONFLICT)
        return rc;
      bm_log(bi, BMC_LOG_WARN, "order %s was cancelled on Back Market; "
             "cancelled in the host too", id);
      dl->run.cancelled++;
    }
    else if(new_refund) {
      char msg[300];
      snprintf(msg, sizeof(msg), "order %s is cancelled on Back Market but "
               "already %s in the host: stop the parcel or arrange a return",
               id, ho->shipping_status);
      bm_log(bi, BMC_LOG_ERROR, "%s", msg);
      bi->host->item_error(bi->hctx, id, "cancelled_after_ship", msg);
      dl->run.item_errors++;
    }
  }
  else if(new_refund) {
    bm_log(bi, BMC_LOG_WARN, "order %s: %zu line(s) cancelled or refunded "
           "on Back Market; the host order was updated", id,
           n_cancel + bm_order_count(o, BM_LINE_REFUNDED));
  }
  if(bm_order_count(o, BM_LINE_PAID)) {
    /* paid lines still waiting (an earlier run stopped, or held) */
    if((rc = bm_accept_plan(bi, &dl->run, o)))
      return rc;
    rc = bm_defer(dl, o);
  }
  return rc;
}

static int
bm_process_order(struct bm_inst *bi, struct bm_dl *dl, struct json_object *j)
{
  struct bm_order o;
  struct bm_host_order ho;
  char err[400];
  char id[32];
  int created = 0;
  int64_t prev;
  int found = 0;
  int64_t *ref;
  int rc;

  rc = bm_order_parse(j, &o, err, sizeof(err));
  bm_note_date(dl, &o);
  if(rc) {
    char msg[480];
    snprintf(msg, sizeof(msg), "unreadable order from Back Market: %s", err);
    bm_report(bi, dl, o.order_id, "order_malformed", msg);
    if(o.mod_ms > 0 && (!dl->failed_min || o.mod_ms < dl->failed_min))
      dl->failed_min = o.mod_ms;
    else if(o.mod_ms <= 0)
      dl->failed_unknown = 1;
    bm_order_clear(&o);
    return rc == BMC_ERR_NOMEM ? rc : BMC_OK;
  }
  snprintf(id, sizeof(id), "%lld", (long long)o.order_id);
  prev = bm_map_get(&dl->seen, id, &found);
  if(found && prev == o.mod_ms) {
    bm_order_clear(&o);
    return BMC_OK; /* same version already processed in this run */
  }
  rc = bm_journal_settle(bi, &dl->run, &o);
  if(!rc)
    rc = bm_host_order_get(bi, id, &ho);
  if(!rc) {
    rc = bm_update_existing(bi, dl, &o, &ho);
  }
  else if(rc == BMC_ERR_NOT_FOUND) {
    rc = BMC_OK;
    if(bm_order_count(&o, BM_LINE_PAID) ||
       bm_order_count(&o, BM_LINE_ACCEPTED)) {
      if(!(rc = bm_accept_plan(bi, &dl->run, &o)) &&
         !(rc = bm_upsert(bi, dl, &o, &created))) {
        dl->run.imported++;
        if(created)
          bm_accept_after_create(bi, &dl->run, &o);
        rc = bm_defer(dl, &o);
      }
    }
  }
  if(!rc) {
    ref = bm_map_ref(&dl->seen, id);
    if(!ref) {
      bm_order_clear(&o);
      return BMC_ERR_NOMEM;
    }
    *ref = o.mod_ms;
    if(o.mod_ms > dl->max_ok)
      dl->max_ok = o.mod_ms;
  }
  else {
    if(!dl->failed_min || o.mod_ms < dl->failed_min)
      dl->failed_min = o.mod_ms;
  }
  bm_order_clear(&o);
  /* per-order failures are reported and kept; transport, budget, auth
   * and host failures stop the run */
  if(rc == BMC_ERR_SCHEMA || rc == BMC_ERR_PROTOCOL ||
     rc == BMC_ERR_REMOTE_REJECT)
    return BMC_OK;
  return rc;
}

/* One pass over every page from `since`.  *stable = 0 when orders moved
 * between pages (count changed or an order was seen twice). */
static int
bm_pass(struct bm_inst *bi, struct bm_dl *dl, int64_t since, int *stable,
        char *errbuf, size_t errlen)
{
  char since_txt[32];
  char first[256];
  struct pc_pager pager;
  struct bm_map ids;
  int64_t count_first = -1;
  int64_t count_last = -1;
  int64_t received = 0;
  int64_t page_size = bm_setting_int(bi, "order_page_size", 50);
  int more = 1;
  int rc = BMC_OK;

  *stable = 1;
  if(pc_time_format(since, since_txt, sizeof(since_txt)))
    return BMC_ERR_INTERNAL;
  snprintf(first, sizeof(first),
           "/ws/orders?date_modification=%s&page-size=%lld", since_txt,
           (long long)page_size);
  pc_pager_init(&pager, &bm_order_page, bi->http, bi->host, bi->hctx,
                &bi->orders->secrets, first, page_size, BM_MAX_PAGES);
  bm_map_init(&ids);
  while(more) {
    struct json_object *body = NULL;
    struct pc_page pg;
    size_t i;

    rc = bm_call(bi, "GET", pc_pager_target(&pager), NULL, &body, NULL,
                 errbuf, errlen);
    if(rc)
      break;
    rc = pc_page_decode(&bm_order_page, body, &pg, errbuf, errlen);
    if(rc) {
      json_object_put(body);
      break;
    }
    if(count_first < 0)
      count_first = pg.count;
    count_last = pg.count;
    bm_log(bi, BMC_LOG_DEBUG, "orders page %lld: %zu order(s) of %lld",
           (long long)pager.pages + 1, pg.n_items, (long long)pg.count);
    for(i = 0; i < pg.n_items && !rc; i++) {
      struct json_object *oj = json_object_array_get_idx(pg.items, i);
      struct json_object *idj;
      received++;
      dl->orders_seen++;
      if(json_object_object_get_ex(oj, "order_id", &idj) &&
         json_object_is_type(idj, json_type_int)) {
        int64_t *r = bm_map_ref(&ids, json_object_get_string(idj));
        if(!r) {
          rc = BMC_ERR_NOMEM;
          break;
        }
        if(++*r > 1)
          *stable = 0;
      }
      rc = bm_process_order(bi, dl, oj);
    }
    if(!rc)
      rc = pc_pager_step(&pager, &pg, &more, errbuf, errlen);
    json_object_put(body);
    if(rc)
      break;
    bi->host->job_progress(bi->hctx, received,
                           pc_pager_total(&pager, received));
  }
  if(!rc && (count_first != count_last || (count_last >= 0 &&
                                           received < count_last)))
    *stable = 0;
  bm_map_free(&ids);
  if(rc && rc != BMC_ERR_NOMEM && !errbuf[0])
    snprintf(errbuf, errlen, "order download stopped on page %lld",
             (long long)pager.pages + 1);
  pc_pager_free(&pager);
  return rc;
}

int
bm_order_download(struct bm_inst *bi, char *errbuf, size_t errlen)
{
  struct bm_dl dl;
  char cur_txt[48];
  int64_t cursor = 0;
  int64_t since;
  int64_t now;
  int64_t overlap_ms;
  int pass;
  int stable = 0;
  int paged;
  int rc;
  struct pc_http_stats st0;
  struct pc_http_stats st1;

  rc = bm_client_ready(bi, errbuf, errlen);
  if(rc)
    return rc;
  pc_http_get_stats(bi->http, &st0);
  memset(&dl, 0, sizeof(dl));
  bm_map_init(&dl.seen);
  bm_map_init(&dl.run.committed);
  bm_map_init(&dl.run.avail_before);
  if(bm_setting(bi, "acceptance_policy", dl.run.policy,
                sizeof(dl.run.policy)) || !dl.run.policy[0])
    snprintf(dl.run.policy, sizeof(dl.run.policy), "hold");
  now = bi->host->now_ms(bi->hctx);
  if((rc = bm_state_get(bi, BM_CURSOR_KEY, cur_txt, sizeof(cur_txt))))
    goto out;
  if(!cur_txt[0] || pc_time_parse(cur_txt, &cursor))
    cursor = now - bm_setting_int(bi, "first_download_days", 14) * 86400000;
  if(cursor > now) {
    /* stored by a run that trusted a future date: orders since the last
     * good cursor are unknown, so read the first download's window again
     * (upserts make that harmless) */
    int64_t days = bm_setting_int(bi, "first_download_days", 14);
    bm_log(bi, BMC_LOG_WARN, "the stored order cursor %s is ahead of the "
           "host clock; reading the orders of the last %lld day(s) again "
           "(first_download_days)", cur_txt, (long long)days);
    cursor = now - days * 86400000;
  }
  overlap_ms = bm_setting_int(bi, "order_overlap_s", 900) * 1000;
  since = cursor - overlap_ms;

  rc = bm_reserve_open(bi, &dl.run);
  if(!rc)
    rc = bm_accept_recheck_holds(bi, &dl.run);
  if(rc)
    goto out;
  for(pass = 0; pass < BM_MAX_PASSES; pass++) {
    errbuf[0] = '\0';
    rc = bm_pass(bi, &dl, since, &stable, errbuf, errlen);
    if(rc || stable)
      break;
    bm_log(bi, BMC_LOG_INFO, "orders changed on Back Market while the pages "
           "were read; reading them again so none is missed");
  }
  paged = !rc;
  if(paged) {
    rc = bm_apply_pending(bi, &dl);
    if(rc)
      snprintf(errbuf, errlen, "order acceptance stopped: %s",
               pc_strerror(rc));
  }
  if(paged) {
    /* every page was read: move the cursor past what is fully done */
    int64_t next = dl.max_ok;
    int prc;
    if(dl.failed_min && dl.failed_min < next)
      next = dl.failed_min;
    if(!stable || dl.failed_unknown)
      next = cursor; /* not sure every order was seen: keep the cursor */
    /* never past the clock: a future-dated order is imported, but it
     * must not hide every later one */
    next = pc_cursor_clamp(bi->host, bi->hctx, &bi->orders->secrets,
                           bi->http, next, dl.newest_ms, dl.newest_id,
                           "date_modification", overlap_ms);
    if(next > cursor) {
      prc = pc_time_format(next, cur_txt, sizeof(cur_txt));
      if(!prc)
        prc = bm_state_put(bi, BM_CURSOR_KEY, cur_txt);
      if(prc && !rc) {
        snprintf(errbuf, errlen, "could not store the order cursor");
        rc = prc;
      }
    }
  }
  pc_http_get_stats(bi->http, &st1);
  bm_log(bi, BMC_LOG_INFO, "order download: %lld request(s) sent, %lld "
         "retried, %lld answered 429", (long long)(st1.requests - st0.requests),
         (long long)(st1.retries - st0.retries),
         (long long)(st1.status_429 - st0.status_429));
  if(!rc) {
    bm_log(bi, BMC_LOG_INFO, "order download: %lld order(s) read, %lld "
           "imported, %lld updated, %lld line(s) accepted, %lld held, %lld "
           "cancelled, %lld problem(s)", (long long)dl.orders_seen,
           (long long)dl.run.imported, (long long)dl.run.updated,
           (long long)dl.run.accepted, (long long)dl.run.held,
           (long long)dl.run.cancelled, (long long)dl.run.item_errors);
  }
  else {
    bm_log(bi, BMC_LOG_ERROR, "order download stopped: %s; the cursor was "
           "not moved past unfinished orders, the next run continues",
           errbuf[0] ? errbuf : "error");
    if(!errbuf[0])
      snprintf(errbuf, errlen, "order download stopped");
    if(rc == BMC_ERR_PROTOCOL)
      bi->host->item_error(bi->hctx, "order-download", "malformed_response",
                           errbuf);
  }
out:
  bm_pend_free(&dl);
  bm_map_free(&dl.seen);
  bm_map_free(&dl.run.committed);
  bm_map_free(&dl.run.avail_before);
  return rc;
}
