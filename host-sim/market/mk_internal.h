/*
 * mk_internal.h -- private types of the marketplace simulator: the state
 * (merchants, tokens, listings, orders, tasks, Back Box, Pro), the request
 * and response abstraction shared by the HTTP server and mk_sim_control(),
 * and the functions each mk_*.c file provides to the others.
 *
 * Locking: every handler runs with s->mu held (taken in mk_dispatch()).
 */
#ifndef MK_INTERNAL_H
#define MK_INTERNAL_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "mk_sim.h"

enum mk_platform { MK_EU = 0, MK_NA = 1, MK_AP = 2 };

#define MK_NMARKETS 16
#define MK_LOG_CAP 10000
#define MK_BODY_CAP (16u * 1024u * 1024u)

struct mk_market_info {
  const char *code;     /* Accept-Language value, e.g. "en-gb" */
  int platform;
  const char *currency; /* ISO 4217 */
  const char *mcode;    /* MarketCode, e.g. "GB" */
};

/* ---- generic helpers (mk_util.c) ---------------------------------- */
struct mk_kv {
  char *k;
  char *v;
};
struct mk_kvs {
  struct mk_kv *a;
  size_t n;
};

int mk_kvs_add(struct mk_kvs *l, const char *k, const char *v);
const char *mk_kvs_get(const struct mk_kvs *l, const char *k);
void mk_kvs_free(struct mk_kvs *l);
int mk_query_parse(struct mk_kvs *l, const char *q);
char *mk_query_build(const struct mk_kvs *l, const char *page_key,
                     long page);

int mk_money_parse(const char *s, int64_t *cents);
int mk_money_json(json_object *o, int64_t *cents);
void mk_money_fmt(int64_t cents, char *buf, size_t len);
json_object *mk_money_str(int64_t cents);
json_object *mk_money_num(int64_t cents);
void mk_time_fmt(int64_t ms, char *buf, size_t len);
json_object *mk_time_json(int64_t ms);
int mk_time_parse(const char *s, int64_t *ms);
int mk_imei_valid(const char *s);
void mk_uuid(struct mk_sim *s, char out[37]);
int mk_is_uuid(const char *s);
int mk_parse_int(const char *s, long long *v);
int mk_json_int(json_object *o, long long *v);
int mk_get_int(json_object *b, const char *k, long long *v);
void mk_copy(char *dst, size_t len, const char *src);
const struct mk_market_info *mk_market_find(const char *code);
const struct mk_market_info *mk_market_default(int platform);
const struct mk_market_info *mk_market_at(int i);
int mk_market_index(const char *code);
const char *mk_platform_name(int p);
int mk_platform_parse(const char *s);

/* ---- state ---------------------------------------------------------- */
struct mk_config {
  int quotas, ua_refuse, retry_after, restock_on_cancel;
  long page_size_max, global_limit, catalog_limit, backbox_per_s;
  long sku_lines_per_hour, pro_per_s, task_fail_next;
  int64_t task_delay_ms, window_ms, block_ms;
  char public_url[256];        /* "" = scheme and host of the request */
};

struct mk_window {           /* ring of the last `cap` event times */
  int64_t *ts;
  long cap, head, n;
};

struct mk_merchant {
  int64_t id;
  char name[128];
  int is_merchant;
};

struct mk_named_window {      /* a per-endpoint limit, e.g. "sav:min" */
  char key[32];
  struct mk_window w;
};

struct mk_token {
  char *token;
  int64_t merchant_id;
  int platform;
  struct mk_window global, catalog, backbox;
  struct mk_named_window *nw;  /* per-endpoint limits in use */
  size_t nnw;
  int64_t blocked_until, catalog_blocked_until;
  int64_t *sku_ts;             /* SKU-line events: time and lines */
  long *sku_n;
  size_t sku_len;
};

/* A listing's data in one market.  Only the markets a listing has are
   stored (mk_lstore.c); the currency is always the market's own. */
struct mk_shipping {
  char *shipper;               /* NULL = this shipping method is not set */
  int64_t price;
  long delay;
};

struct mk_lmarket {
  int mi;                      /* market index (mk_market_at) */
  unsigned char has_price, has_min, has_max;
  int64_t price, min_price, max_price;
  long warranty;
  char *comment;               /* NULL = "" */
  struct mk_shipping *ship;    /* NULL, or 3 methods */
};

struct mk_listing {
  char uuid[37];
  char product_uuid[37];
  char grade[12];
  signed char forced_pub;      /* -1 = follow the rules */
  unsigned char nm;            /* entries in m */
  int64_t listing_id;
  int64_t merchant_id;
  int64_t backmarket_id;
  long quantity;
  char *sku;                   /* never NULL once stored */
  char *title;                 /* NULL = the SKU */
  struct mk_lmarket *m;        /* nm markets, in no order */
};

struct mk_product {
  char uuid[37];
  int64_t backmarket_id;
  char title[256];
};

struct mk_line {
  int64_t id;
  int state;
  char sku[208];
  int64_t listing_id;
  char title[256];
  char brand[64];
  int64_t product_id;
  long quantity;
  int64_t price, fee, shipping_price, sales_taxes;
  long shipping_delay;
  char imei[16];
  char serial[64];
  long return_reason;
  char return_message[512];
  long condition;
  int stocked;                 /* stock was taken from the listing */
};

struct mk_order {
  int64_t order_id;
  int64_t merchant_id;
  char market[8];
  char currency[8];
  int payment_failed;
  int64_t date_creation, date_modification, date_payment, date_shipping;
  int64_t date_bill;
  char tracking_number[208], tracking_url[308], shipper[208];
  char vat_type[16];
  char payment_method[32];
  char psp[40];
  int64_t shipping_price;
  json_object *shipping_address, *billing_address;
  size_t nlines;
  struct mk_line *lines;
};

struct mk_task {
  int64_t id;
  int64_t merchant_id;
  int64_t created;
  char market[8];
  int fail, done;
  json_object *rows;           /* array of objects (header -> value) */
  json_object *result;         /* set when done */
  char error[128];
};

struct mk_bbox {
  char listing_uuid[40];
  char market[8];
  int64_t price, min_price, price_to_win, winner_price;
  int has_min, has_winner, is_winning;
};

struct mk_fault {
  char path[256];
  char method[16];
  long count;
  char kind[16];
  long status, delay_ms, retry_after;
  size_t size;
};

struct mk_schedule {
  int64_t merchant_id;
  char sku[208];
  char market[8];
  long quantity, count;
  int64_t every_ms, next_ms;
};

struct mk_pro_key {
  char *key;
  char seller_id[64];
  char seller_name[128];
  struct mk_window win;
};

struct mk_pro_order {
  char id[64];
  char seller_id[64];
  int64_t created, updated;
  char status[16], financial[16], fulfillment[24];
  json_object *doc;            /* currency, customer, addresses, lines, sums */
  char shipment_id[32];
};

#define MK_VEC(T) struct { T *a; size_t n, cap; }

/* Care API (mk_care.c): folders opened by customers on an orderline. */
struct mk_care_msg {
  int64_t id, at;
  char *text;
  int from_merchant;           /* 1 = the seller, 0 = the customer */
  size_t nattach;
  char **attach;               /* attachment file names */
};

struct mk_care_problem {
  char type[32];
  int64_t at;
  size_t nattach;
};

struct mk_care_transfer {
  char shipper[64], tracking[64], action[12];
  int64_t at;
};

struct mk_care_folder {
  int64_t id, merchant_id, order_id, line_id, claim_id, client_id;
  int state;                   /* 0 open, 9 closed */
  int64_t created, modified, last_msg, closed;
  char issue[48], tag[24], resolution[24], warranty[24];
  MK_VEC(struct mk_care_msg) msgs;
  MK_VEC(struct mk_care_problem) problems;
  MK_VEC(struct mk_care_transfer) transfers;
};

struct mk_refund {             /* POST /ws/sav/refund, for the control API */
  int64_t line_id, order_id, merchant_id, amount, at;
  int type;
};

/* Open-addressing index of listings: slot = listing index + 1 (0 empty).
 * Entries may go stale when a listing is replaced in place; lookups check
 * the listing itself, and a rebuild on growth drops stale entries. */
struct mk_lindex {
  size_t *slot;
  size_t cap, used;
};

/* Order indexes (mk_oindex.c): id -> order position + 1 (0 empty) over
 * the first n orders, and the cached selections of GET /ws/orders, valid
 * while gen (bumped by mk_orders_touched) and the order count stay. */
#define MK_OSEL_CACHED 4
struct mk_osel {
  char *key;                   /* the filter (merchant, platform, query) */
  int valid;
  uint64_t gen, used;
  size_t n_orders;             /* s->orders.n when made */
  size_t *pos;                 /* matching order positions, sorted */
  size_t n, cap;
};
struct mk_oindex {
  size_t *slot;
  size_t cap, n;
  uint64_t gen, uses;
  struct mk_osel sel[MK_OSEL_CACHED];
};

struct mk_sim {
  pthread_mutex_t mu;
  struct mk_oindex ox;         /* over orders (mk_oindex.c) */
  struct mk_lindex lx_sku, lx_uuid, lx_id; /* over listings (mk_core.c) */
  struct MHD_Daemon *daemon;
  uint16_t port;
  struct mk_config cfg, cfg0;
  /* clock: now = clock_base + (monotonic now - mono_base) * speed, where
     speed is 0 on the virtual clock (see mk_sim.h) */
  int64_t clock_base;
  int64_t mono_base_ns;
  double speed;
  int wall_clock;
  int64_t (*now_fn)(void *);
  void *now_ud;
  uint64_t rng;
  int64_t next_order, next_line, next_listing, next_task, next_bm;
  long next_pro, next_shipment, next_merchant;
  MK_VEC(struct mk_merchant) merchants;
  MK_VEC(struct mk_token) tokens;
  MK_VEC(struct mk_listing) listings;
  MK_VEC(struct mk_product) products;
  MK_VEC(struct mk_order) orders;
  MK_VEC(struct mk_task) tasks;
  MK_VEC(struct mk_bbox) bboxes;
  MK_VEC(struct mk_fault) faults;
  MK_VEC(struct mk_schedule) schedules;
  MK_VEC(struct mk_pro_key) pro_keys;
  MK_VEC(struct mk_pro_order) pro_orders;
  json_object *categories;     /* CategoryTree array (mk_catalog.c) */
  MK_VEC(struct mk_care_folder) care;
  MK_VEC(struct mk_refund) refunds;
  int64_t next_care, next_care_msg, next_claim;
  /* request log ring and stats */
  json_object *log[MK_LOG_CAP];
  int64_t log_seq;
  int64_t st_requests, st_429, st_sku_lines, st_faults, st_ua;
  int64_t st_orders_examined;  /* by order lists and lookups (mk_oindex.c) */
  json_object *st_endpoints;
  FILE *dump;
};

/* Grow a MK_VEC by one zeroed element; returns the element or NULL. */
void *mk_vec_push(void *vec, size_t elem);
#define MK_PUSH(v) mk_vec_push(&(v), sizeof(*(v).a))

/* ---- requests and responses ----------------------------------------- */
struct mk_req {
  const char *method;
  const char *path;
  struct mk_kvs query;         /* decoded */
  struct mk_kvs headers;       /* names lower-case */
  const char *body;
  size_t body_len;
};

struct mk_resp {
  int status;
  char *body;                  /* malloc'd */
  size_t len;
  const char *ctype;           /* static string */
  long retry_after;            /* > 0: send Retry-After */
  int cloudflare;              /* add server: cloudflare, cf-ray */
  int drop;                    /* close after half the body */
  long delay_ms;               /* real delay before answering */
  const char *fault;           /* kind of the injected fault that made this
                                  response (X-Sim-Fault, traffic dump) */
  char warning[160];
  char request_id[40];         /* X-Request-Id, "" = none (mk_log.c) */
};

/* Authenticated Back Market request context. */
struct mk_ctx {
  struct mk_req *rq;
  struct mk_token *tok;
  struct mk_merchant *mer;
  int platform;
  const struct mk_market_info *market; /* from Accept-Language */
  int market_bad;
  char base[272];              /* "scheme://host:port" of next URLs */
};

const char *mk_hdr(const struct mk_req *rq, const char *name);
void mk_resp_json(struct mk_resp *r, int status, json_object *o);
void mk_resp_v1(struct mk_sim *s, struct mk_resp *r, int status,
                const char *code, const char *msg);
void mk_resp_v2(struct mk_sim *s, struct mk_resp *r, int status,
                const char *code, const char *msg);
void mk_resp_v3(struct mk_sim *s, struct mk_resp *r, int status,
                const char *type, const char *title, const char *msg);
void mk_resp_str(struct mk_resp *r, int status, const char *msg);
void mk_resp_problem(struct mk_resp *r, int status, const char *type,
                     const char *title, const char *detail);
void mk_resp_text(struct mk_resp *r, int status, const char *ctype,
                  const char *text);
void mk_resp_reset(struct mk_resp *r);
json_object *mk_body_object(const struct mk_req *rq);

/* mk_form.c: multipart/form-data and urlencoded bodies */
struct mk_form_part {
  char *name;
  char *filename;              /* NULL for a text field */
  char *data;                  /* len bytes, NUL-terminated as well */
  size_t len;
};
struct mk_form {
  struct mk_form_part *a;
  size_t n;
};
/* Parse rq's body by its Content-Type; 0, or -1 with a message in err. */
int mk_form_parse(const struct mk_req *rq, struct mk_form *f, char *err,
                  size_t errlen);
const struct mk_form_part *mk_form_field(const struct mk_form *f,
                                         const char *name);
size_t mk_form_files(const struct mk_form *f, size_t *largest);
void mk_form_free(struct mk_form *f);

/* mk_core.c */
int64_t mk_now(struct mk_sim *s);
/* Set the clock to ms (both modes); a wall clock runs on from there. */
void mk_clock_set(struct mk_sim *s, int64_t ms);
/* "scheme://host" a response's absolute URLs start with: the public_url
   config, else X-Forwarded-Proto/-Host or Host of the request. */
void mk_base_url(struct mk_sim *s, const struct mk_req *rq, char *buf,
                 size_t len);
void mk_tick(struct mk_sim *s);
void mk_dispatch(struct mk_sim *s, struct mk_req *rq, struct mk_resp *r,
                 int from_http);
void mk_state_clear(struct mk_sim *s);
/* Record listing l (already in s->listings) in the lookup indexes; call
 * after adding a listing or changing its SKU, UUID or id. */
void mk_listing_indexed(struct mk_sim *s, const struct mk_listing *l);
/* Drop every index entry (reset). */
void mk_listing_index_clear(struct mk_sim *s);
/* Free the indexes (stop). */
void mk_listing_index_free(struct mk_sim *s);
struct mk_merchant *mk_merchant_get(struct mk_sim *s, int64_t id);
struct mk_listing *mk_listing_find(struct mk_sim *s, int64_t merchant,
                                   const char *key);
struct mk_listing *mk_listing_by_id(struct mk_sim *s, int64_t merchant,
                                    int64_t id);
/* Control API: UUID, legacy id or SKU of any merchant. */
struct mk_listing *mk_listing_lookup(struct mk_sim *s, const char *key);
struct mk_listing *mk_listing_by_sku(struct mk_sim *s, int64_t merchant,
                                     const char *sku);
/* The orderline with that id (and its order in *o), or NULL. */
struct mk_line *mk_line_find(struct mk_sim *s, int64_t id,
                             struct mk_order **o);
void mk_order_free(struct mk_order *o);
int mk_order_state(const struct mk_order *o);
/* Order price: the sum of its line totals (reference 10 #1). */
int64_t mk_order_total(const struct mk_order *o);

/* mk_oindex.c */
struct mk_order *mk_order_get(struct mk_sim *s, int64_t id);
/* Any request that may have changed an order (or added one) calls this:
 * the cached order selections are made again when next asked for. */
void mk_orders_touched(struct mk_sim *s);
/* The orders match() accepts, sorted by (date_modification, order_id), as
 * positions in s->orders.a (borrowed until the next call); cached under
 * key until mk_orders_touched.  0, or -1 when out of memory. */
int mk_order_select(struct mk_sim *s, const char *key,
                    int (*match)(const struct mk_order *o, void *ud),
                    void *ud, const size_t **pos, size_t *n);
void mk_order_index_clear(struct mk_sim *s);
void mk_order_index_free(struct mk_sim *s);

/* mk_quota.c */
int mk_quota_check(struct mk_sim *s, struct mk_ctx *c, struct mk_resp *r);
int mk_quota_sku_lines(struct mk_sim *s, struct mk_ctx *c, long lines,
                       struct mk_resp *r);
int mk_window_hit(struct mk_window *w, long cap, int64_t now, int64_t span);
void mk_window_free(struct mk_window *w);
/* Count a call against the token's limit `key` (at most cap calls per
   span ms); 0 = allowed, 1 = over (*wait_ms until a call is free again),
   -1 = out of memory.  Always 0 with quotas off. */
int mk_quota_named(struct mk_sim *s, struct mk_token *t, const char *key,
                   long cap, int64_t span, int64_t *wait_ms);
void mk_token_free(struct mk_token *t);
int mk_ua_valid(const char *ua);

/* mk_orders.c */
void mk_ws_orders(struct mk_sim *s, struct mk_ctx *c, const char *rest,
                  struct mk_resp *r);
void mk_ws_orderlines(struct mk_sim *s, struct mk_ctx *c, const char *rest,
                      struct mk_resp *r);
json_object *mk_order_json(struct mk_sim *s, const struct mk_order *o);
int mk_order_restock(struct mk_sim *s, struct mk_order *o, struct mk_line *l);

/* mk_listings.c */
void mk_ws_listings(struct mk_sim *s, struct mk_ctx *c, const char *rest,
                    struct mk_resp *r);
json_object *mk_listing_json(const struct mk_listing *l, int mi);
int mk_grade_state(const char *grade);
int mk_grade_condition(const char *grade);
int mk_page_args(struct mk_sim *s, const struct mk_ctx *c, long *page,
                 long *size, struct mk_resp *r);
json_object *mk_page_envelope(const struct mk_ctx *c, long count, long page,
                              long size, json_object *results);
/* Absolute URL of this request with page=N (every other filter kept). */
json_object *mk_page_url(const struct mk_ctx *c, long page);
int mk_listing_pub(const struct mk_listing *l, int mi);
void mk_listing_defaults(struct mk_sim *s, struct mk_listing *l);

/* mk_lstore.c: listing storage */
/* The listing's data in market mi, or NULL when it has none. */
const struct mk_lmarket *mk_lm_get(const struct mk_listing *l, int mi);
/* The same, added (warranty 12, nothing else set) when absent; NULL on
   out of memory. */
struct mk_lmarket *mk_lm_add(struct mk_listing *l, int mi);
/* Set shipping method k (0-2) of m; 0 or -1 (out of memory). */
int mk_lm_ship_set(struct mk_lmarket *m, int k, const char *shipper,
                   int64_t price, long delay);
/* Replace *dst by a copy of v (NULL or "" store NULL); 0 or -1. */
int mk_str_set(char **dst, const char *v);
/* Deep copy (dst is overwritten, not freed); 0 or -1 (dst then empty). */
int mk_listing_copy(struct mk_listing *dst, const struct mk_listing *src);
void mk_listing_free(struct mk_listing *l);
/* The title, or the SKU when the listing has none. */
const char *mk_listing_title(const struct mk_listing *l);

/* mk_bulk.c */
void mk_ws_bulk(struct mk_sim *s, struct mk_ctx *c, struct mk_resp *r);
void mk_ws_tasks(struct mk_sim *s, struct mk_ctx *c, const char *rest,
                 struct mk_resp *r);
void mk_tasks_tick(struct mk_sim *s);
void mk_task_free(struct mk_task *t);

/* mk_catalog.c */
void mk_ws_category(struct mk_sim *s, struct mk_ctx *c, const char *rest,
                    struct mk_resp *r);
void mk_ws_listings_bi(struct mk_sim *s, struct mk_ctx *c, struct mk_resp *r);
void mk_categories_default(struct mk_sim *s);
void mk_categories_ctl(struct mk_sim *s, json_object *b, struct mk_resp *r);

/* mk_care.c, mk_care_post.c, mk_care_ctl.c */
#define MK_CARE_LEGACY_ID 100000000LL  /* folders below: legacy rules */
void mk_sav_msg(struct mk_sim *s, struct mk_ctx *c, struct mk_care_folder *f,
                struct mk_resp *r);
void mk_sav_problem(struct mk_sim *s, struct mk_ctx *c,
                    struct mk_care_folder *f, struct mk_resp *r);
void mk_sav_transfer(struct mk_sim *s, struct mk_ctx *c,
                     struct mk_care_folder *f, struct mk_resp *r);
void mk_sav_refund(struct mk_sim *s, struct mk_ctx *c, struct mk_resp *r);
void mk_ws_sav(struct mk_sim *s, struct mk_ctx *c, const char *rest,
               struct mk_resp *r);
struct mk_care_folder *mk_care_get(struct mk_sim *s, int64_t id);
json_object *mk_care_detail_json(struct mk_sim *s,
                                 const struct mk_care_folder *f);
struct mk_care_msg *mk_care_msg_add(struct mk_sim *s,
                                    struct mk_care_folder *f,
                                    const char *text, int from_merchant);
void mk_care_clear(struct mk_sim *s);
void mk_care_ctl(struct mk_sim *s, struct mk_req *rq, const char *rest,
                 json_object *b, struct mk_resp *r);

/* mk_backbox.c */
void mk_ws_backbox(struct mk_sim *s, struct mk_ctx *c, const char *rest,
                   struct mk_resp *r);

/* mk_pro.c */
void mk_pro_dispatch(struct mk_sim *s, struct mk_req *rq, const char *rest,
                     struct mk_resp *r);
json_object *mk_pro_order_json(struct mk_sim *s,
                               const struct mk_pro_order *o, int internal);
void mk_pro_order_free(struct mk_pro_order *o);
struct mk_pro_order *mk_pro_order_create(struct mk_sim *s, json_object *in,
                                         char *err, size_t errlen);

/* mk_control.c, mk_control_data.c */
void mk_control(struct mk_sim *s, struct mk_req *rq, const char *rest,
                struct mk_resp *r);
int mk_control_data(struct mk_sim *s, struct mk_req *rq, const char *rest,
                    struct mk_resp *r);
struct mk_order *mk_order_create(struct mk_sim *s, json_object *in,
                                 char *err, size_t errlen);
void mk_cerr(struct mk_resp *r, int status, const char *msg);
const char *mk_jstr_get(json_object *o, const char *k);
int mk_customer_order(struct mk_sim *s, json_object *in, int64_t at,
                      struct mk_order **out, char *err, size_t errlen);
void mk_schedule_tick(struct mk_sim *s);
void mk_order_action(struct mk_sim *s, struct mk_order *o, const char *act,
                     json_object *b, struct mk_resp *r);

/* mk_log.c */
/* Also names the answer: r->request_id = "sim-<seq>" (X-Request-Id), the requestId of its error bodies. */
void mk_log_request(struct mk_sim *s, const struct mk_req *rq,
                    struct mk_resp *r);
void mk_log_get(struct mk_sim *s, const struct mk_req *rq,
                struct mk_resp *r);
void mk_stats_get(struct mk_sim *s, struct mk_resp *r);
void mk_log_clear(struct mk_sim *s);

#endif /* MK_INTERNAL_H */
