/*
 * bm_transition.c -- owns orderline transitions on Back Market (POST
 * /ws/orders/{id} with new_state and sku) and their journal in the state
 * store, so that every transition happens once even across crashes:
 *   - Back Market moves lines by SKU, so the lines of one order that share
 *     a SKU (and a target state) go in ONE request; the answer (the whole
 *     order) says which lines moved, and a server that moves one line per
 *     request gets one more request for the rest, never a blind repeat;
 *   - the journal entry "sent:N" is durable before the request and becomes
 *     "done:N" only when Back Market shows the line in state N;
 *   - an entry left "sent:N" by a run that died with the request in flight
 *     is settled from what the next read of the order shows
 *     (bm_journal_settle), and the acceptance it made is logged then.
 * Journal values under "line/<order_id>/<line_id>": sent:N, done:N,
 * rejected:N (Back Market refused; shown, not retried), moved:S (the line
 * went to state S without our request landing), plus the acceptance
 * planner's hold/held (bm_accept.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bm_order_side.h"
#include "pc_buf.h"
#include "pc_gate.h"
#include "pc_json.h"

void
bm_line_key(char *key, size_t len, int64_t order_id, int64_t line_id)
{
  snprintf(key, len, "line/%lld/%lld", (long long)order_id,
           (long long)line_id);
}

int
bm_order_fetch(struct bm_inst *bi, int64_t order_id, struct json_object **j,
               struct bm_order *o, char *why, size_t whylen)
{
  char path[64];
  char perr[256];
  int rc;

  memset(o, 0, sizeof(*o));
  snprintf(path, sizeof(path), "/ws/orders/%lld", (long long)order_id);
  rc = bm_call(bi, "GET", path, NULL, j, NULL, why, whylen);
  if(rc)
    return rc;
  rc = bm_order_parse(*j, o, perr, sizeof(perr));
  if(!rc && o->order_id != order_id) {
    snprintf(perr, sizeof(perr), "the answer is order %lld",
             (long long)o->order_id);
    rc = BMC_ERR_PROTOCOL;
  }
  if(rc) {
    snprintf(why, whylen, "order %lld as read back from Back Market: %s",
             (long long)order_id, perr);
    bm_order_clear(o);
    json_object_put(*j);
    *j = NULL;
  }
  return rc;
}

/* 1 when a line now in state st has been through target (an acceptance
 * shows as accepted, shipped or refunded after acceptance). */
static int
bm_state_reached(int64_t st, int target)
{
  if(st == target)
    return 1;
  return target == 2 && (st == 3 || st == 5 || st == 6);
}

int
bm_journal_settle(struct bm_inst *bi, struct bm_run *run,
                  const struct bm_order *o)
{
  char key[80];
  char val[32];
  size_t i;
  int target;
  int rc;

  for(i = 0; i < o->n_lines; i++) {
    const struct bm_line *l = &o->lines[i];
    if(l->kind == BM_LINE_PAID)
      continue; /* still to move: bm_accept_apply reads it back */
    bm_line_key(key, sizeof(key), o->order_id, l->id);
    if((rc = bm_state_get(bi, key, val, sizeof(val))))
      return rc;
    if(strncmp(val, "sent:", 5) || val[5] < '0' || val[5] > '9' || val[6])
      continue;
    target = val[5] - '0';
    if(bm_state_reached(l->state, target)) {
      snprintf(val, sizeof(val), "done:%d", target);
      if((rc = bm_state_put(bi, key, val)))
        return rc;
      if(target == 2 && run)
        run->accepted++;
      bm_log(bi, target == 2 ? BMC_LOG_INFO : BMC_LOG_WARN,
             "order %lld line %lld (SKU %s x%lld) %s on Back Market: the "
             "request of an earlier run that stopped went through",
             (long long)o->order_id, (long long)l->id, l->sku,
             (long long)l->quantity,
             target == 2 ? "accepted" : "cancelled");
    }
    else {
      snprintf(val, sizeof(val), "moved:%lld", (long long)l->state);
      if((rc = bm_state_put(bi, key, val)))
        return rc;
      bm_log(bi, BMC_LOG_INFO, "order %lld line %lld (SKU %s): the request "
             "of an earlier run that stopped (state %d) did not go "
             "through; the line is now %s on Back Market",
             (long long)o->order_id, (long long)l->id, l->sku, target,
             bm_line_state_name(l->state));
    }
  }
  return BMC_OK;
}

/* States of the group's lines in an order as Back Market shows it.
 * Returns 1 when o is usable (the right order), else 0. */
static int
bm_group_states(const struct bm_order *o, int64_t order_id,
                const struct bm_line *const *lines, size_t n, int64_t *st)
{
  size_t i;
  size_t k;

  if(o->order_id != order_id)
    return 0;
  for(i = 0; i < n; i++) {
    st[i] = -1;
    for(k = 0; k < o->n_lines; k++)
      if(o->lines[k].id == lines[i]->id)
        st[i] = o->lines[k].state;
  }
  return 1;
}

/* The group's current states: from the answer of the request when it is
 * the order, else from a fresh read.  BMC_OK or the read's error. */
static int
bm_group_read(struct bm_inst *bi, int64_t order_id, struct json_object *ans,
              const struct bm_line *const *lines, size_t n, int64_t *st,
              char *why, size_t whylen)
{
  struct json_object *j = NULL;
  struct bm_order o;
  char perr[200];
  int rc;

  if(ans && !bm_order_parse(ans, &o, perr, sizeof(perr)) &&
     bm_group_states(&o, order_id, lines, n, st)) {
    bm_order_clear(&o);
    return BMC_OK;
  }
  if(ans) {
    bm_order_clear(&o);
    bm_log(bi, BMC_LOG_WARN, "order %lld: Back Market answered the update "
           "with something that is not the order; reading it back",
           (long long)order_id);
  }
  rc = bm_order_fetch(bi, order_id, &j, &o, why, whylen);
  if(!rc)
    bm_group_states(&o, order_id, lines, n, st);
  bm_order_clear(&o);
  json_object_put(j);
  return rc;
}

/* Journal the lines that reached new_state; returns how many did. */
static int
bm_group_settle(struct bm_inst *bi, int64_t order_id,
                const struct bm_line *const *lines, size_t n,
                const int64_t *st, int new_state, int *moved, size_t *n_moved)
{
  char key[80];
  char val[32];
  size_t i;
  int rc;

  *n_moved = 0;
  for(i = 0; i < n; i++) {
    if(moved[i] || st[i] != new_state)
      continue;
    bm_line_key(key, sizeof(key), order_id, lines[i]->id);
    snprintf(val, sizeof(val), "done:%d", new_state);
    if((rc = bm_state_put(bi, key, val)))
      return rc;
    moved[i] = 1;
    (*n_moved)++;
  }
  return BMC_OK;
}

/* The audit trail's view of one transition request: the lines not yet
 * moved, each from its state to new_state. */
#define BM_TCHANGE_MAX 64
struct bm_tchange {
  struct bmc_change c[BM_TCHANGE_MAX];
  char order[24], line[BM_TCHANGE_MAX][24], old[BM_TCHANGE_MAX][16],
      nw[16];
  size_t n;
};

static void
bm_tchange_fill(struct bm_tchange *t, int64_t order_id,
                const struct bm_line *const *lines, size_t n,
                const int *moved, int new_state)
{
  size_t i;

  memset(t, 0, sizeof(*t));
  snprintf(t->order, sizeof(t->order), "%lld", (long long)order_id);
  snprintf(t->nw, sizeof(t->nw), "%d", new_state);
  for(i = 0; i < n && t->n < BM_TCHANGE_MAX; i++) {
    struct bmc_change *c = &t->c[t->n];

    if(moved[i])
      continue;
    snprintf(t->line[t->n], sizeof(t->line[0]), "%lld",
             (long long)lines[i]->id);
    snprintf(t->old[t->n], sizeof(t->old[0]), "%lld",
             (long long)lines[i]->state);
    c->size = sizeof(*c);
    c->sku = lines[i]->sku;
    c->order = t->order;
    c->line = t->line[t->n];
    c->field = "state";
    c->old_value = t->old[t->n];
    c->new_value = t->nw;
    t->n++;
  }
}

int
bm_sku_transition(struct bm_inst *bi, int64_t order_id,
                  const struct bm_line *const *lines, size_t n,
                  int new_state, int with_reason, int *moved, char *why,
                  size_t whylen)
{
  struct pc_buf body;
  char key[80];
  char val[32];
  char path[64];
  int64_t *st;
  size_t i;
  size_t left = n;
  size_t n_moved;
  size_t tries;
  int rc = BMC_OK;

  if(!n)
    return BMC_OK;
  st = calloc(n, sizeof(*st));
  if(!st)
    return BMC_ERR_NOMEM;
  snprintf(val, sizeof(val), "sent:%d", new_state);
  for(i = 0; i < n; i++) {
    moved[i] = 0;
    bm_line_key(key, sizeof(key), order_id, lines[i]->id);
    /* WARNING: the journal entry must be durable BEFORE the request */
    if((rc = bm_state_put(bi, key, val))) {
      snprintf(why, whylen, "could not record the transition before "
               "sending it; nothing was sent");
      free(st);
      return rc;
    }
  }
  snprintf(path, sizeof(path), "/ws/orders/%lld", (long long)order_id);
  for(tries = 0; left && tries < n; tries++) {
    struct json_object *ans = NULL;
    struct bm_tchange tc;

    bm_tchange_fill(&tc, order_id, lines, n, moved, new_state);
    pc_buf_init(&body, 4096);
    rc = pc_buf_addf(&body, "{\"order_id\":%lld,\"new_state\":%d,\"sku\":",
                     (long long)order_id, new_state);
    if(!rc)
      rc = pc_json_quote(&body, lines[0]->sku);
    if(!rc && with_reason)
      rc = pc_buf_adds(&body, ",\"return_reason\":0");
    if(!rc)
      rc = pc_buf_adds(&body, "}");
    if(rc) {
      pc_buf_free(&body);
      snprintf(why, whylen, "could not build the request");
      break;
    }
    rc = bm_call_write(bi, "POST", path, pc_buf_str(&body), tc.c, tc.n,
                       &ans, NULL, why, whylen);
    pc_buf_free(&body);
    if(rc == PC_GATE_DRY) {
      rc = BMC_OK; /* recorded; nothing moved, nothing journaled */
      break;
    }
    if(rc == BMC_ERR_PROTOCOL) {
      /* a 2xx with an unreadable body: read the order back */
      bm_log(bi, BMC_LOG_WARN, "order %lld: %s; reading the order back",
             (long long)order_id, why);
      rc = BMC_OK;
    }
    if(rc && rc != BMC_ERR_REMOTE_REJECT)
      break; /* the lines stay "sent:N": read back before any resend */
    {
      char why2[256];
      int rrc = bm_group_read(bi, order_id, rc ? NULL : ans, lines, n, st,
                              why2, sizeof(why2));
      json_object_put(ans);
      if(rrc) {
        if(!rc) {
          bm_log(bi, BMC_LOG_WARN, "order %lld: the update was answered but "
                 "the order could not be read back (%s); it is confirmed "
                 "next run", (long long)order_id, why2);
          rc = BMC_OK;
          break;
        }
        for(i = 0; i < n; i++)
          st[i] = -1;
      }
    }
    {
      int grc = bm_group_settle(bi, order_id, lines, n, st, new_state, moved,
                                &n_moved);
      if(grc) {
        snprintf(why, whylen, "Back Market accepted the change but it could "
                 "not be recorded; the next run reads the order back");
        rc = grc;
        break;
      }
    }
    left -= n_moved;
    if(rc == BMC_ERR_REMOTE_REJECT) {
      /* refused: lines that moved all the same (an earlier attempt went
       * through) are done; the others are recorded as refused */
      if(!left) {
        rc = BMC_OK;
        break;
      }
      snprintf(val, sizeof(val), "rejected:%d", new_state);
      for(i = 0; i < n; i++) {
        if(moved[i])
          continue;
        bm_line_key(key, sizeof(key), order_id, lines[i]->id);
        if(bm_state_put(bi, key, val))
          bm_log(bi, BMC_LOG_WARN, "order %lld line %lld: could not record "
                 "the rejection", (long long)order_id,
                 (long long)lines[i]->id);
      }
      break;
    }
    if(!n_moved)
      break; /* answered, nothing moved: confirmed from the next read */
  }
  free(st);
  return rc;
}
