/*
 * bm_order_side.h -- private declarations shared by the order-side files of
 * the Back Market plugin: the instance's connection state (bm_client.c),
 * the parsed order model (bm_order_doc.c), small maps (bm_map.c), the
 * order-line journal (bm_journal.c) and the action files (bm_token.c,
 * bm_orders.c, bm_accept.c, bm_cancel.c, bm_tracking.c, bm_settlement.c).
 */
#ifndef BM_ORDER_SIDE_H
#define BM_ORDER_SIDE_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "bm_plugin.h"
#include "pc_budget.h"
#include "pc_http.h"
#include "pc_redact.h"
#include "pc_xml.h"

#define BM_MARKETPLACE "backmarket"
#define BM_ORDER_NS "urn:bmc:order:1"
#define BM_SETTLEMENT_NS "urn:bmc:settlement:1"

/* Order-side private state, one per instance (bi->orders). */
struct bm_order_side {
  struct pc_secrets secrets;                /* token, "Basic <token>" */
  struct pc_budget *budgets[BM_BUDGET_COUNT];
  char market[16];                          /* default Accept-Language */
  char base_url[320];
  uint64_t conn_fp;                         /* settings the client uses */
  uint64_t budget_fp;                       /* budget limit settings */
};

/* ---- settings (bm_client.c) ---- */
/* Setting text into buf; "" when unset.  BMC_ERR_TOO_SMALL. */
int bm_setting(struct bm_inst *bi, const char *key, char *buf, size_t len);
int64_t bm_setting_int(struct bm_inst *bi, const char *key, int64_t dflt);
int bm_setting_bool(struct bm_inst *bi, const char *key);
/* Check the token's form without revealing it: BMC_OK, or
 * BMC_ERR_CONFIG with why ("has a trailing space", ...). */
int bm_token_form(const char *token, char *why, size_t whylen);
/* Make the order side state (idempotent). */
struct bm_order_side *bm_side(struct bm_inst *bi);

/* ---- Back Market calls (bm_client.c) ---- */
/* GET/POST/PATCH path with an optional JSON body; on success *out is the
 * parsed JSON (owned) when out != NULL.  On a 4xx the Back Market reason
 * ("error.message" / "errors[0].message" / bare string) goes to why. */
int bm_call(struct bm_inst *bi, const char *method, const char *path,
            const char *body, struct json_object **out, long *status,
            char *why, size_t whylen);
/* bm_call through the write gate (pc_gate.h) with the changes the request
 * makes: PC_GATE_DRY in a dry run (nothing sent).  bm_call itself gates
 * every changing request too, recording nothing. */
int bm_call_write(struct bm_inst *bi, const char *method, const char *path,
                  const char *body, const struct bmc_change *changes,
                  size_t n, struct json_object **out, long *status,
                  char *why, size_t whylen);
/* The error reason in a Back Market error body (any envelope). */
void bm_error_reason(const char *body, size_t len, char *why, size_t wl);

/* ---- orders model (bm_order_doc.c) ---- */
enum bm_line_state_kind {
  BM_LINE_UNPAID = 0,   /* 0, 8, 9 (on hold), pending payment */
  BM_LINE_PAID,         /* 1: accept or cancel */
  BM_LINE_ACCEPTED,     /* 2 */
  BM_LINE_SHIPPED,      /* 3 */
  BM_LINE_CANCELLED,    /* 4, 5, 7 */
  BM_LINE_REFUNDED      /* 6 */
};

struct bm_addr {
  const char *company, *first_name, *last_name, *street, *street2;
  const char *postal_code, *city, *state, *country, *phone, *email;
};

struct bm_line {
  int64_t id;
  int64_t state;          /* OrderLineState as sent */
  enum bm_line_state_kind kind;
  const char *sku;        /* orderline `listing` */
  const char *title;
  int64_t quantity;
  int64_t price;          /* line total, cents */
  int64_t shipping;
  int64_t tax;
  int64_t fee;            /* orderline_fee */
  const char *imei, *serial;
  char plan;              /* order_download: '2' accept, '4' cancel,
                             'h' hold, 0 none (bm_accept_plan) */
};

/* A Back Market order; strings borrowed from the JSON it was parsed from. */
struct bm_order {
  int64_t order_id;       /* 0 if even that could not be read */
  int64_t state;          /* OrderState */
  const char *date_creation, *date_modification, *date_payment;
  int64_t mod_ms;         /* date_modification */
  const char *currency, *country_code, *payment_method;
  int64_t price, shipping_price, sales_taxes;
  struct bm_addr ship, bill;
  int has_bill;
  struct bm_line *lines;  /* owned array */
  size_t n_lines;
  int64_t expected_dispatch_ms; /* Back Market's expected_dispatch_date,
                                   0 when absent or unreadable */
  int64_t dispatch_deadline_ms; /* the plugin's rule (bm_deadline.c), 0 =
                                   none; set by the caller before
                                   bm_order_doc() */
};

/* Parse one order object.  BMC_OK or BMC_ERR_PROTOCOL with a message
 * naming the field (unknown order/line states included).  o->order_id is
 * set as early as possible so errors can name the order.  Free with
 * bm_order_clear() in every case. */
int bm_order_parse(struct json_object *j, struct bm_order *o, char *err,
                   size_t errlen);
void bm_order_clear(struct bm_order *o);
/* Build the order.xsd document for o into x (status "InProcess" on
 * create).  BMC_OK or the XML builder error. */
int bm_order_doc(const struct bm_order *o, struct pc_xml *x);
/* Counts of line kinds. */
size_t bm_order_count(const struct bm_order *o, enum bm_line_state_kind k);
const char *bm_line_state_name(int64_t st);

/* ---- maps (bm_map.c): string -> int64, open addressing ---- */
struct bm_map {
  char **keys;
  int64_t *vals;
  size_t cap, n;
};
void bm_map_init(struct bm_map *m);
void bm_map_free(struct bm_map *m);
/* Pointer to the value of key, inserting 0 when absent (NULL on NOMEM). */
int64_t *bm_map_ref(struct bm_map *m, const char *key);
/* Value or -1 when absent (found set to 0/1 when non-NULL). */
int64_t bm_map_get(const struct bm_map *m, const char *key, int *found);

/* ---- journal in the state store (bm_journal.c) ---- */
/* get state key into buf ("" when absent) */
int bm_state_get(struct bm_inst *bi, const char *key, char *buf, size_t len);
int bm_state_put(struct bm_inst *bi, const char *key, const char *val);
int bm_state_del(struct bm_inst *bi, const char *key);
/* Host order document -> a few fields (any may be NULL buffers). */
struct bm_host_order {
  char status[32];          /* InProcess, OnHold, Cancelled, Completed */
  char shipping_status[32]; /* "" when absent */
  char tracking[256];
  char carrier[128];
  char ship_date[40];
  char order_date[40];
  char currency[8];
  int reported_shipping, cancel_reported;
};
int bm_host_order_get(struct bm_inst *bi, const char *source_order_id,
                      struct bm_host_order *ho);
/* Parse the header fields of a host order document. */
int bm_host_order_parse(xmlNodePtr root, struct bm_host_order *ho);

/* The whole host order document (NOT_FOUND); xmlFreeDoc it. */
int bm_host_doc(struct bm_inst *bi, const char *source_order_id,
                xmlDocPtr *doc);
/* Source ids (Back Market order ids) of up to cap orders answered by
 * orders_each(q) (bm_cancel.c). */
int bm_collect_orders(struct bm_inst *bi, enum bmc_order_query q,
                      int64_t *ids, size_t cap, size_t *n);

/* ---- acceptance (bm_accept.c) ---- */
struct bm_run;              /* order_download run state (bm_orders.c) */
/* Plan, then after the host holds the order, act on each paid line. */
int bm_accept_plan(struct bm_inst *bi, struct bm_run *run,
                   struct bm_order *o);
int bm_accept_apply(struct bm_inst *bi, struct bm_run *run,
                    const struct bm_order *o);
/* After a new order was created in the host: adjust the run's committed
 * quantities if the host reserved the stock itself. */
void bm_accept_after_create(struct bm_inst *bi, struct bm_run *run,
                            const struct bm_order *o);
/* Count stock promised to open orders of earlier runs (bm_reserve.c). */
int bm_reserve_open(struct bm_inst *bi, struct bm_run *run);
/* Re-check orders held for stock (state "hold/<id>"). */
int bm_accept_recheck_holds(struct bm_inst *bi, struct bm_run *run);

/* ---- line transitions and their journal (bm_transition.c) ---- */
/* The journal key "line/<order_id>/<line_id>". */
void bm_line_key(char *key, size_t len, int64_t order_id, int64_t line_id);
/* Move the n lines of one order that share a SKU (lines[0]->sku) to
 * new_state with ONE request (Back Market moves lines by SKU; a server
 * that moves one line per request gets one request per line, each after
 * the answer showed the previous one moved), journaling each line
 * ("sent:N" before, "done:N" once the answer or a read-back shows it).
 * moved[i] (n entries) says which lines are confirmed.  BMC_OK (lines not
 * confirmed stay "sent:N" for the next run), BMC_ERR_REMOTE_REJECT (the
 * unmoved lines are journaled "rejected:N"; reason in why), or the
 * transport/budget/auth error (journal stays "sent:N"). */
int bm_sku_transition(struct bm_inst *bi, int64_t order_id,
                      const struct bm_line *const *lines, size_t n,
                      int new_state, int with_reason, int *moved, char *why,
                      size_t whylen);
/* Settle "sent:N" journal entries of o's lines that are no longer paid on
 * Back Market (a request in flight when an earlier run died): "done:N"
 * when the line reached N (logged, counted in run->accepted; run may be
 * NULL), else "moved:<state>".  BMC_OK or a state store error. */
int bm_journal_settle(struct bm_inst *bi, struct bm_run *run,
                      const struct bm_order *o);
/* Fetch one order from Back Market (GET /ws/orders/{id}); *j owned.  An
 * answer that is another order is BMC_ERR_PROTOCOL. */
int bm_order_fetch(struct bm_inst *bi, int64_t order_id,
                   struct json_object **j, struct bm_order *o, char *why,
                   size_t whylen);

/* Per-run state of order_download, shared with bm_accept.c. */
struct bm_run {
  struct bm_map committed;  /* sku -> qty committed by this run */
  struct bm_map avail_before; /* sku -> host qty when last planned */
  int64_t item_errors;
  int64_t imported, updated, accepted, held, cancelled;
  char policy[16];          /* accept | hold | cancel */
};

#endif /* BM_ORDER_SIDE_H */
