/*
 * hw_internal.h -- private definitions of the web Toolbox: the request
 * being answered (struct hw_req), the HTML writer, the page chrome, the
 * action workers and the handlers each page file provides.
 */
#ifndef HW_INTERNAL_H
#define HW_INTERNAL_H

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "hw.h"

#define HW_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* ---- hw_html.c: the one output writer ---- */

/* A growing response body.  After an allocation failure oom is set and
 * further writes are dropped (the server answers 500). */
struct hw_buf {
  char *p;
  size_t len, cap;
  int oom;
};
void hw_buf_free(struct hw_buf *b);
/* Markup the code itself wrote (a literal); never data. */
void hw_raw(struct hw_buf *b, const char *markup);
/* Numbers and other code-made text through printf (no %s of data). */
void hw_rawf(struct hw_buf *b, const char *fmt, ...) HW_PRINTF(2, 3);
/* Data as HTML text or attribute value: & < > " ' escaped, control
 * characters shown as U+FFFD; NULL writes nothing. */
void hw_text(struct hw_buf *b, const char *s);
void hw_textf(struct hw_buf *b, const char *fmt, ...) HW_PRINTF(2, 3);
/* Data as one percent-encoded URL query value (safe in an attribute). */
void hw_url(struct hw_buf *b, const char *s);
/* ms since the epoch as "YYYY-MM-DD HH:MM:SS" UTC, "-" for 0. */
void hw_time(struct hw_buf *b, int64_t ms);

/* ---- the request ---- */

#define HW_MAX_FIELDS 200

struct hw_field {
  char *name, *value;
};

struct hw_server;

struct hw_req {
  struct hw_server *srv;
  struct hs_host *h;         /* the page host (lock held) */
  const char *method, *path; /* path without the query string */
  void *conn;                /* struct MHD_Connection */
  struct hw_field *form;     /* POST fields (urlencoded) */
  size_t n_form;
  int has_session;
  struct hs_session sess;
  char sid[HS_SESSION_ID_LEN + 1];
  /* response */
  int status;
  struct hw_buf body;
  const char *ctype;         /* NULL = text/html; charset=utf-8 */
  char location[1024];       /* redirect target ("" = none) */
  char cookie[256];          /* Set-Cookie ("" = none) */
  char cookie2[256];
  char detail[400];          /* audit detail set by the handler */
  int64_t wait_run;          /* after the page lock: wait for this run
                                to start and redirect to its job */
  int no_audit;
};

/* A query-string argument (NULL when absent). */
const char *hw_arg(struct hw_req *r, const char *name);
/* A POST field (NULL when absent). */
const char *hw_field(struct hw_req *r, const char *name);
/* A request header (NULL when absent). */
const char *hw_header(struct hw_req *r, const char *name);
/* A cookie (NULL when absent). */
const char *hw_cookie(struct hw_req *r, const char *name);
/* Non-negative integer argument, else dflt. */
int64_t hw_arg_int(struct hw_req *r, const char *name, int64_t dflt);
/* 303 See Other to a path the code built (query values through
 * hw_redirect_url's encoding); returns 303. */
int hw_redirect(struct hw_req *r, const char *fmt, ...) HW_PRINTF(2, 3);
/* Percent-encode s into out (for hw_redirect arguments). */
const char *hw_urlenc(const char *s, char *out, size_t outlen);
/* Audit detail for this request (no secrets). */
void hw_detail(struct hw_req *r, const char *fmt, ...) HW_PRINTF(2, 3);

/* ---- hw_server.c ---- */

int64_t hw_session_ttl(const struct hw_server *s);
int hw_secure_cookie(const struct hw_server *s);

/* ---- hw_layout.c: page chrome and error pages ---- */

/* <head> with title, the stylesheet and script, the top bar and the
 * breadcrumb start; refresh_s > 0 adds a meta refresh (works without
 * JavaScript). */
void hw_page_begin(struct hw_req *r, const char *title, int refresh_s);
void hw_page_end(struct hw_req *r);
/* A whole page with a message; returns status. */
int hw_error_page(struct hw_req *r, int status, const char *title,
                  const char *fmt, ...) HW_PRINTF(4, 5);
/* The hidden CSRF input of the session's forms. */
void hw_csrf_input(struct hw_req *r);
/* Pager: "Page N of M, T items" with previous/next links; base is a
 * path with its query so far (built by the caller, already encoded). */
void hw_pager(struct hw_req *r, const char *base, int64_t page,
              int64_t per_page, int64_t total);
/* Pager of a search whose count was bounded: "Page N, <at_least>+
 * matches", Next while the page was full. */
void hw_pager_more(struct hw_req *r, const char *base, int64_t page,
                   int has_next, int64_t at_least);
/* Breadcrumbs "Companies > <c> > leaf" and the page's <h1>. */
void hw_company_head(struct hw_req *r, const char *c, const char *leaf,
                     const char *h1);
/* The GET search form of a list page (action is a literal path). */
void hw_search_form(struct hw_req *r, const char *action, const char *c,
                    const char *q, const char *placeholder);
/* Serve /static/... ; returns status. */
int hw_static(struct hw_req *r);

/* A panel of a detail page (product, order): a title and its rows. */
void hw_panel_begin(struct hw_req *r, const char *title);
void hw_panel_row(struct hw_req *r, const char *label, const char *value);
void hw_panel_end(struct hw_req *r);

/* ---- hw_svg.c: charts drawn by the server ---- */

struct hw_series {
  const char *name;    /* legend */
  const char *cls;     /* CSS class of its bars (colour) */
  const int64_t *v;    /* n_points values, stacked in series order */
};
/* A stacked bar chart of n_points columns labelled labels[i] (may be
 * NULL entries), inline SVG with a <title> per bar for hover. */
void hw_svg_bars(struct hw_buf *b, const char *title, int width, int height,
                 const char *const *labels, size_t n_points,
                 const struct hw_series *series, size_t n_series);

/* ---- hw_auth.c ---- */

#define HW_COOKIE "bmc_session"
#define HW_LOGIN_COOKIE "bmc_login"

/* Attach the session named by the cookie (r->has_session). */
void hw_auth_load(struct hw_req *r);
/* POST gate: session present, CSRF token right, role admin when
 * need_admin.  0 to go on, else the status of the refusal page already
 * written. */
int hw_auth_post(struct hw_req *r, int need_admin);
/* GET gate for admin-only pages: 0 or the status written. */
int hw_auth_admin(struct hw_req *r);
int hw_page_login(struct hw_req *r);
int hw_post_login(struct hw_req *r);
int hw_post_logout(struct hw_req *r);

/* ---- hw_worker.c: actions on worker threads ---- */

enum hw_run_state {
  HW_RUN_QUEUED = 0,  /* waiting for a worker (page shows Submitted) */
  HW_RUN_STARTED = 1, /* the job exists: job_id */
  HW_RUN_REFUSED = 2, /* the host refused to start it: msg */
  HW_RUN_DONE = 3     /* the job ended: job_id */
};
struct hw_run_view {
  int64_t id, job_id, submitted_ms;
  int64_t retry_of;  /* > 0: retry the failed items of this job */
  int state;
  char company[200], plugin[64], action[64], user[65], msg[600];
};
struct hw_workers;
int hw_workers_start(struct hw_workers **out, unsigned n,
                     int (*open_host)(void *, struct hs_host **, char *,
                                      size_t),
                     void *open_ud, hs_log_fn log, void *log_ud, char *err,
                     size_t errlen);
void hw_workers_stop(struct hw_workers *w);
/* Queue (company, plugin, action) for user -- with retry_of > 0 the
 * retry of that job's failed items (hs_job_retry) -- in the store's run
 * queue through the page host h, and wake a worker: BMC_OK and *run_id,
 * or BMC_ERR_BUDGET when the queue is full (message in err). */
int hw_workers_submit(struct hw_workers *w, struct hs_host *h,
                      const char *company, const char *plugin,
                      const char *action, int64_t retry_of, const char *user,
                      int64_t *run_id, char *err, size_t errlen);
/* Run id's state (from memory when this process claimed it, else from the
 * store through h); BMC_ERR_NOT_FOUND when unknown. */
int hw_workers_get(struct hw_workers *w, struct hs_host *h, int64_t run_id,
                   struct hw_run_view *out);
/* Wait up to timeout_ms for run id to be claimed by this process's
 * workers and leave the queue (started, refused or done; with until_end:
 * refused or done) and copy its state; BMC_ERR_NOT_FOUND when no worker
 * here claimed it in time. */
int hw_workers_wait(struct hw_workers *w, int64_t run_id, int64_t timeout_ms,
                    int until_end, struct hw_run_view *out);
struct hw_workers *hw_server_workers(struct hw_server *s);

/* ---- page handlers (return the HTTP status) ---- */

int hw_page_companies(struct hw_req *r);
int hw_page_company(struct hw_req *r);
int hw_post_channels(struct hw_req *r);
int hw_post_dry_run(struct hw_req *r);
int hw_page_settings(struct hw_req *r);
int hw_post_settings(struct hw_req *r);
int hw_post_run(struct hw_req *r);
int hw_page_run(struct hw_req *r);
int hw_page_jobs(struct hw_req *r);
int hw_page_job(struct hw_req *r);
int hw_page_tasks(struct hw_req *r);
int hw_page_products(struct hw_req *r);
int hw_page_product(struct hw_req *r);
int hw_post_product(struct hw_req *r);
int hw_page_orders(struct hw_req *r);
int hw_page_order(struct hw_req *r);
int hw_page_settlements(struct hw_req *r);
int hw_page_errors(struct hw_req *r);
int hw_post_error_resolve(struct hw_req *r);
int hw_post_error_retry(struct hw_req *r);
int hw_post_order_release(struct hw_req *r);
int hw_post_order_serial(struct hw_req *r);
/* The "done" note of a page an operator action redirected to (its
 * ?done=JOB argument): a link to the operator job that logged it. */
void hw_done_note(struct hw_req *r);
int hw_page_audit(struct hw_req *r);
int hw_page_health(struct hw_req *r);

/* Shared lookups of the page files. */
/* Display name of plugin `name` (the name itself when not loaded). */
const char *hw_plugin_title(struct hw_req *r, const char *name);
/* The action's display name (the id when unknown). */
const char *hw_action_title(struct hw_req *r, const char *plugin,
                            const char *action);
/* CSS class of a job status (running, ok, partial, failed). */
const char *hw_status_class(int status);

#endif /* HW_INTERNAL_H */
