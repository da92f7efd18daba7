/*
 * bm_cancel.c -- owns the cancellation_sync action (DESIGN 3.2): every
 * order cancelled in the host while unshipped and not yet reported is
 * cancelled on Back Market line by line -- state 4 for a line not yet
 * accepted, 5 for an accepted one -- after reading the order's current
 * state, exactly once (line journal + order_mark_reported CANCEL).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bm_order_side.h"
#include "pc_rc.h"

#define BM_CANCEL_BATCH 500

struct bm_id_list {
  int64_t ids[BM_CANCEL_BATCH];
  size_t n;
};

/* Collect the source order ids of the queried orders (processed after the
 * iteration, so no host call happens inside it). */
static int
bm_collect_ids(void *ud, const char *xml, size_t len)
{
  struct bm_id_list *l = ud;
  xmlDocPtr doc;
  char id[40];
  char err[160];
  char mk[40];
  char *end;
  long long v;

  if(l->n >= BM_CANCEL_BATCH)
    return 1;
  doc = pc_xml_read(xml, len, err, sizeof(err));
  if(!doc)
    return 0;
  if(!pc_xml_child_text(xmlDocGetRootElement(doc), "source_order_id", id,
                        sizeof(id)) &&
     (pc_xml_child_text(xmlDocGetRootElement(doc), "marketplace", mk,
                        sizeof(mk)) || !strcmp(mk, BM_MARKETPLACE))) {
    v = strtoll(id, &end, 10);
    if(end != id && !*end && v > 0)
      l->ids[l->n++] = v;
  }
  xmlFreeDoc(doc);
  return 0;
}

int
bm_collect_orders(struct bm_inst *bi, enum bmc_order_query q, int64_t *ids,
                  size_t cap, size_t *n)
{
  struct bm_id_list *l = calloc(1, sizeof(*l));
  int rc;

  *n = 0;
  if(!l)
    return BMC_ERR_NOMEM;
  rc = bi->host->orders_each(bi->hctx, q, bm_collect_ids, l);
  if(rc == 1)
    rc = BMC_OK;
  if(!rc) {
    *n = l->n < cap ? l->n : cap;
    memcpy(ids, l->ids, *n * sizeof(*ids));
  }
  free(l);
  return rc;
}

/* The cancellation target of a line (4 before acceptance, 5 after), 0
 * when it is final or cannot be cancelled; reports those it cannot. */
static int
bm_cancel_target(struct bm_inst *bi, const char *id, const struct bm_line *l,
                 size_t *n_final, int64_t *errors)
{
  char msg[300];

  switch(l->kind) {
  case BM_LINE_CANCELLED:
    (*n_final)++;
    return 0;
  case BM_LINE_PAID:
    return 4;
  case BM_LINE_ACCEPTED:
    return 5;
  case BM_LINE_SHIPPED:
  case BM_LINE_REFUNDED:
    snprintf(msg, sizeof(msg), "order %s line %lld is already %s on Back "
             "Market: it cannot be cancelled; refund it through Back "
             "Market's customer care instead", id, (long long)l->id,
             bm_line_state_name(l->state));
    bm_log(bi, BMC_LOG_ERROR, "%s", msg);
    bi->host->item_error(bi->hctx, id, "cancel_after_ship", msg);
    (*errors)++;
    return 0;
  default:
    /* not paid yet (0, 8, 9): Back Market cancels those itself */
    bm_log(bi, BMC_LOG_INFO, "order %s line %lld is %s on Back Market; "
           "nothing to cancel yet, checked again next run", id,
           (long long)l->id, bm_line_state_name(l->state));
    return 0;
  }
}

/* Cancel one order on Back Market: one request per SKU and target state
 * (Back Market moves every line of a SKU at once).  BMC_OK when every
 * line is final. */
static int
bm_cancel_one(struct bm_inst *bi, int64_t order_id, int64_t *errors)
{
  struct json_object *j = NULL;
  struct bm_order o;
  const struct bm_line **g = NULL;
  int *moved = NULL;
  int *target = NULL;
  char why[512];
  char id[32];
  size_t i;
  size_t k;
  size_t n_final = 0;
  int rc;

  snprintf(id, sizeof(id), "%lld", (long long)order_id);
  rc = bm_order_fetch(bi, order_id, &j, &o, why, sizeof(why));
  if(rc) {
    bm_log(bi, BMC_LOG_WARN, "order %s: cannot read it from Back Market "
           "(%s); cancellation retried next run", id, why);
    if(rc == BMC_ERR_REMOTE_REJECT || rc == BMC_ERR_PROTOCOL) {
      bi->host->item_error(bi->hctx, id, "cancel_failed", why);
      (*errors)++;
      return BMC_OK;
    }
    return rc;
  }
  rc = bm_journal_settle(bi, NULL, &o);
  g = calloc(o.n_lines, sizeof(*g));
  moved = calloc(o.n_lines, sizeof(*moved));
  target = calloc(o.n_lines, sizeof(*target));
  if(!rc && (!g || !moved || !target))
    rc = BMC_ERR_NOMEM;
  for(i = 0; !rc && i < o.n_lines; i++)
    target[i] = bm_cancel_target(bi, id, &o.lines[i], &n_final, errors);
  for(i = 0; !rc && i < o.n_lines; i++) {
    size_t n = 0;
    int t = target[i];
    if(!t)
      continue;
    for(k = i; k < o.n_lines; k++)
      if(target[k] == t && !strcasecmp(o.lines[k].sku, o.lines[i].sku)) {
        g[n++] = &o.lines[k];
        target[k] = 0;
      }
    rc = bm_sku_transition(bi, order_id, g, n, t, 0, moved, why,
                           sizeof(why));
    for(k = 0; k < n; k++) {
      if(moved[k]) {
        n_final++;
        bm_log(bi, BMC_LOG_INFO, "order %s line %lld (SKU %s) cancelled on "
               "Back Market (state %d)", id, (long long)g[k]->id, g[k]->sku,
               t);
      }
      else if(rc == BMC_ERR_REMOTE_REJECT) {
        char msg[640];
        snprintf(msg, sizeof(msg), "order %s line %lld: Back Market refused "
                 "the cancellation: %s", id, (long long)g[k]->id, why);
        bm_log(bi, BMC_LOG_ERROR, "%s", msg);
        bi->host->item_error(bi->hctx, id, "remote_reject", msg);
        (*errors)++;
      }
    }
    if(rc == BMC_ERR_REMOTE_REJECT)
      rc = BMC_OK;
  }
  if(!rc && n_final == o.n_lines) {
    rc = bi->host->order_mark_reported(bi->hctx, id, BMC_REPORT_CANCEL);
    if(rc)
      bm_log(bi, BMC_LOG_WARN, "order %s: cancelled on Back Market but the "
             "host could not record it (%d); checked again next run", id,
             rc);
  }
  free(g);
  free(moved);
  free(target);
  bm_order_clear(&o);
  json_object_put(j);
  return rc;
}

int
bm_cancellation_sync(struct bm_inst *bi, char *errbuf, size_t errlen)
{
  int64_t *ids;
  size_t n = 0;
  size_t i;
  int64_t errors = 0;
  int rc;

  rc = bm_client_ready(bi, errbuf, errlen);
  if(rc)
    return rc;
  ids = calloc(BM_CANCEL_BATCH, sizeof(*ids));
  if(!ids)
    return BMC_ERR_NOMEM;
  rc = bm_collect_orders(bi, BMC_Q_CANCELLED_UNREPORTED, ids,
                         BM_CANCEL_BATCH, &n);
  for(i = 0; !rc && i < n; i++) {
    rc = bm_cancel_one(bi, ids[i], &errors);
    bi->host->job_progress(bi->hctx, (int64_t)i + 1, (int64_t)n);
  }
  free(ids);
  if(rc)
    snprintf(errbuf, errlen, "cancellation sync stopped: %s; the next run "
             "continues", pc_strerror(rc));
  else
    bm_log(bi, BMC_LOG_INFO, "cancellation sync: %zu order(s) checked, "
           "%lld problem(s)", n, (long long)errors);
  return rc;
}
