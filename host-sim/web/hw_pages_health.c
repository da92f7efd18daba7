/*
 * hw_pages_health.c -- the Health page of the web Toolbox: for every
 * enabled (company, plugin), or one company's, the facts of hs_health_each
 * (credentials status and last validation, the open company alert and
 * rotation, each scheduled action's last success with its age, open
 * errors by code, orders near or past their dispatch deadline linking to
 * the order page) and charts of the metric series the plugin recorded in
 * the last 24 hours (hs_metric_samples_each), drawn by the server per
 * market and clock hour.  Nothing here names a channel: every recorded
 * series is charted by its name, its unit taken from the name's suffix
 * (_s seconds: p50 and p99 per hour; otherwise a count: the hour's sum).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw_internal.h"

#define HW_HOUR_MS (3600 * 1000LL)
#define HW_DAY_MS (24 * HW_HOUR_MS)
/* Columns: the partial hour 24 h ago, then 24 clock hours to now. */
#define HW_BUCKETS 25
#define HW_MAX_SERIES 128
/* The sold-out-to-zero latency series the page always reports on. */
#define HW_SOLDOUT_SERIES "soldout_to_zero_s"

struct hw_hseries {
  char market[64], name[65];
  int secs;                      /* name ends in _s */
  int64_t samples;
  double sum[HW_BUCKETS];        /* counts: the hour's sum */
  int64_t p50[HW_BUCKETS], p99[HW_BUCKETS]; /* seconds: in ms */
};

struct hw_hcharts {
  struct hw_hseries *s;          /* n used of HW_MAX_SERIES */
  size_t n, dropped;
  char skip_name[65], skip_market[64]; /* the series last dropped */
  int64_t now, hstart;           /* hstart: start of bucket 1 */
  int cur;                       /* bucket of vals, -1 = none */
  double *vals;                  /* the current hour's values (seconds) */
  size_t nv, capv;
  int oom;
};

struct hw_hctx {
  struct hw_req *r;
  int seen;
};

static int
hw_is_secs(const char *name)
{
  size_t n = strlen(name);

  return n > 2 && strcmp(name + n - 2, "_s") == 0;
}

/* "5 s ago", "3 h 4 min ago", "never", "in the future" (a clock skew). */
static void
hw_age(struct hw_buf *b, int64_t now, int64_t ms)
{
  int64_t s;

  if(!ms) {
    hw_raw(b, "never");
    return;
  }
  if(ms > now) {
    hw_raw(b, "in the future");
    return;
  }
  s = (now - ms) / 1000;
  if(s < 120)
    hw_rawf(b, "%lld s ago", (long long)s);
  else if(s < 2 * 3600)
    hw_rawf(b, "%lld min ago", (long long)(s / 60));
  else if(s < 2 * 86400)
    hw_rawf(b, "%lld h %lld min ago", (long long)(s / 3600),
            (long long)(s % 3600 / 60));
  else
    hw_rawf(b, "%lld days ago", (long long)(s / 86400));
}

/* A figure as the table shows it: integral values without decimals. */
static void
hw_figure(struct hw_buf *b, double v)
{
  if(v == floor(v) && fabs(v) < 1e15)
    hw_rawf(b, "%.0f", v);
  else
    hw_rawf(b, "%.3f", v);
}

static int
hw_cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

/* p50/p99 (nearest rank) of the current hour's values into their bucket. */
static void
hw_hours_flush(struct hw_hcharts *x)
{
  struct hw_hseries *s;
  size_t k50, k99;

  if(x->cur < 0 || !x->nv || !x->n)
    return;
  s = &x->s[x->n - 1];
  qsort(x->vals, x->nv, sizeof(double), hw_cmp_double);
  k50 = (x->nv + 1) / 2;
  k99 = (x->nv * 99 + 99) / 100;
  s->p50[x->cur] = llround(x->vals[k50 - 1] * 1000.0);
  s->p99[x->cur] = llround(x->vals[k99 - 1] * 1000.0);
  x->nv = 0;
}

static int
hw_bucket(const struct hw_hcharts *x, int64_t ts)
{
  int64_t k;

  if(ts < x->hstart)
    return 0;
  k = 1 + (ts - x->hstart) / HW_HOUR_MS;
  return k >= HW_BUCKETS ? HW_BUCKETS - 1 : (int)k;
}

static int
hw_sample_cb(void *ud, const struct hs_metric_sample *m)
{
  struct hw_hcharts *x = ud;
  struct hw_hseries *s = x->n ? &x->s[x->n - 1] : NULL;
  int k = hw_bucket(x, m->ts_ms);

  if(!s || strcmp(s->name, m->name) || strcmp(s->market, m->market)) {
    if(x->n == HW_MAX_SERIES) {
      if(strcmp(x->skip_name, m->name) || strcmp(x->skip_market, m->market)) {
        x->dropped++;
        snprintf(x->skip_name, sizeof(x->skip_name), "%s", m->name);
        snprintf(x->skip_market, sizeof(x->skip_market), "%s", m->market);
      }
      return 0;
    }
    hw_hours_flush(x);
    x->cur = -1;
    s = &x->s[x->n++];
    memset(s, 0, sizeof(*s));
    snprintf(s->market, sizeof(s->market), "%s", m->market);
    snprintf(s->name, sizeof(s->name), "%s", m->name);
    s->secs = hw_is_secs(s->name);
  }
  s->samples++;
  if(!s->secs) {
    s->sum[k] += m->value;
    return 0;
  }
  if(k != x->cur) {
    hw_hours_flush(x);
    x->cur = k;
  }
  if(x->nv == x->capv) {
    size_t cap = x->capv ? x->capv * 2 : 256;
    double *v = realloc(x->vals, cap * sizeof(double));

    if(!v) {
      x->oom = 1;
      return BMC_ERR_NOMEM;
    }
    x->vals = v;
    x->capv = cap;
  }
  x->vals[x->nv++] = m->value;
  return 0;
}

static int
hw_series_order(const void *a, const void *b)
{
  const struct hw_hseries *x = a, *y = b;
  int c = strcmp(x->market, y->market);

  return c ? c : strcmp(x->name, y->name);
}

static void
hw_chart(struct hw_req *r, const struct hw_hcharts *x,
         const struct hw_hseries *s, const char *what, const char *cls,
         const int64_t *v)
{
  char lab[HW_BUCKETS][4], title[200];
  const char *labels[HW_BUCKETS];
  struct hw_series ser;
  int i;

  for(i = 0; i < HW_BUCKETS; i++) {
    int64_t at = i ? x->hstart + (i - 1) * HW_HOUR_MS : x->hstart - 1;

    snprintf(lab[i], sizeof(lab[i]), "%02d",
             (int)((at / HW_HOUR_MS) % 24));
    labels[i] = lab[i];
  }
  snprintf(title, sizeof(title), "%s%s%s per hour (UTC), last 24 h%s",
           s->name, s->market[0] ? " @ " : "", s->market, what);
  ser.name = !s->secs ? s->name
             : strcmp(cls, "q50") == 0 ? "p50 (ms)" : "p99 (ms)";
  ser.cls = cls;
  ser.v = v;
  hw_svg_bars(&r->body, title, 600, 130, labels, HW_BUCKETS, &ser, 1);
}

/* One market's charts (series [from, to) of x, sorted by market). */
static void
hw_market_charts(struct hw_req *r, const struct hw_hcharts *x, size_t from,
                 size_t to)
{
  size_t i;
  int k;

  hw_raw(&r->body, "<h3>");
  if(x->s[from].market[0]) {
    hw_raw(&r->body, "Market ");
    hw_text(&r->body, x->s[from].market);
  }
  else
    hw_raw(&r->body, "All markets");
  hw_raw(&r->body, "</h3><div class=\"charts\">");
  for(i = from; i < to; i++) {
    const struct hw_hseries *s = &x->s[i];
    int64_t counts[HW_BUCKETS];

    hw_raw(&r->body, "<div class=\"chart\" data-series=\"");
    hw_text(&r->body, s->market);
    hw_raw(&r->body, "/");
    hw_text(&r->body, s->name);
    hw_raw(&r->body, "\">");
    if(s->secs) {
      hw_chart(r, x, s, ", p50 in ms", "q50", s->p50);
      hw_chart(r, x, s, ", p99 in ms", "q99", s->p99);
    }
    else {
      for(k = 0; k < HW_BUCKETS; k++)
        counts[k] = llround(s->sum[k]);
      hw_chart(r, x, s, "", "use", counts);
    }
    hw_rawf(&r->body, "<p class=\"help\">%lld sample(s) in the last 24 h; "
            "unit: %s.</p></div>", (long long)s->samples,
            s->secs ? "seconds" : "count");
  }
  hw_raw(&r->body, "</div>");
}

static void
hw_health_charts(struct hw_req *r, const struct hs_health *v, int seq)
{
  struct hw_hcharts x;
  size_t i, from;
  int rc, soldout = 0;

  memset(&x, 0, sizeof(x));
  x.s = calloc(HW_MAX_SERIES, sizeof(*x.s));
  x.now = v->now_ms;
  x.hstart = v->now_ms / HW_HOUR_MS * HW_HOUR_MS - 23 * HW_HOUR_MS;
  x.cur = -1;
  hw_rawf(&r->body, "<h3 id=\"charts-%d\">Charts</h3>", seq);
  rc = x.s ? hs_metric_samples_each(r->h, v->company, v->plugin,
                                    v->now_ms - HW_DAY_MS, hw_sample_cb, &x)
           : BMC_ERR_NOMEM;
  hw_hours_flush(&x);
  if(rc)
    hw_rawf(&r->body, "<p class=\"bad\">The metrics could not be read "
            "(error %d).</p>", rc);
  qsort(x.s, x.n, sizeof(*x.s), hw_series_order);
  for(i = 0; i < x.n; i++)
    if(strcmp(x.s[i].name, HW_SOLDOUT_SERIES) == 0)
      soldout = 1;
  if(!soldout)
    hw_raw(&r->body, "<p class=\"note\" id=\"no-soldout\">Sold-out to zero "
           "latency: no samples of <code>" HW_SOLDOUT_SERIES "</code> in the "
           "last 24 hours, so there is nothing to chart.</p>");
  if(!x.n && !rc)
    hw_raw(&r->body, "<p>No metrics were recorded in the last 24 hours.</p>");
  for(from = 0; from < x.n; from = i) {
    for(i = from; i < x.n && !strcmp(x.s[i].market, x.s[from].market); i++)
      ;
    hw_market_charts(r, &x, from, i);
  }
  if(x.dropped)
    hw_rawf(&r->body, "<p class=\"note\">%zu more series not charted (at "
            "most %d).</p>", x.dropped, HW_MAX_SERIES);
  free(x.vals);
  free(x.s);
}

static const char *
hw_token_class(const char *status)
{
  if(strcmp(status, "valid") == 0)
    return "ok";
  return strcmp(status, "unchecked") == 0 ? "partial" : "failed";
}

static void
hw_health_connection(struct hw_req *r, const struct hs_health *v)
{
  struct hw_buf *b = &r->body;

  if(v->alert) {
    hw_raw(b, "<div class=\"bad alert\"><b>Company alert</b> (");
    hw_time(b, v->alert_ms);
    hw_raw(b, ", ");
    hw_age(b, v->now_ms, v->alert_ms);
    hw_raw(b, "): ");
    hw_text(b, v->alert);
    hw_raw(b, "</div>");
  }
  hw_raw(b, "<table class=\"kv\"><tr><th>Credentials</th><td><span "
         "class=\"st ");
  hw_raw(b, hw_token_class(v->token_status));
  hw_raw(b, "\" data-token=\"");
  hw_text(b, v->token_status);
  hw_raw(b, "\">");
  hw_text(b, v->token_status);
  hw_raw(b, "</span></td></tr><tr><th>Last validated</th><td>");
  hw_time(b, v->token_checked_ms);
  hw_raw(b, " (");
  hw_age(b, v->now_ms, v->token_checked_ms);
  hw_raw(b, ")</td></tr><tr><th>Rotation</th><td>");
  if(v->rotation) {
    hw_text(b, v->rotation);
    hw_raw(b, ", staged ");
    hw_time(b, v->rotation_ms);
  }
  else
    hw_raw(b, "none");
  hw_raw(b, "</td></tr></table>");
}

static void
hw_health_actions(struct hw_req *r, const struct hs_health *v)
{
  struct hw_buf *b = &r->body;
  size_t i;

  hw_raw(b, "<h3>Scheduled actions</h3><table><tr><th>Action</th><th>Last "
         "success</th><th>Age</th><th>Last run</th></tr>");
  for(i = 0; i < v->n_actions; i++) {
    const struct hs_health_action *a = &v->actions[i];

    hw_raw(b, "<tr data-action=\"");
    hw_text(b, a->action);
    hw_raw(b, "\"><td>");
    hw_text(b, hw_action_title(r, v->plugin, a->action));
    hw_raw(b, "</td><td>");
    hw_time(b, a->last_ok_ms);
    hw_raw(b, "</td><td>");
    hw_age(b, v->now_ms, a->last_ok_ms);
    hw_raw(b, "</td><td>");
    if(a->last_status < 0)
      hw_raw(b, "never ran");
    else {
      hw_raw(b, "<span class=\"st ");
      hw_raw(b, hw_status_class(a->last_status));
      hw_raw(b, "\">");
      hw_text(b, hs_job_status_name(a->last_status));
      hw_raw(b, "</span> ");
      hw_time(b, a->last_run_ms);
    }
    hw_raw(b, "</td></tr>");
  }
  if(!v->n_actions)
    hw_raw(b, "<tr><td colspan=\"4\">The channel schedules no action.</td>"
           "</tr>");
  hw_raw(b, "</table>");
}

static void
hw_health_errors(struct hw_req *r, const struct hs_health *v)
{
  struct hw_buf *b = &r->body;
  size_t i;

  hw_raw(b, "<h3>Open errors</h3>");
  if(!v->n_errors) {
    hw_raw(b, "<p>No open error-queue entries.</p>");
    return;
  }
  hw_raw(b, "<table><tr><th>Code</th><th class=\"num\">Open</th></tr>");
  for(i = 0; i < v->n_errors; i++) {
    hw_raw(b, "<tr data-code=\"");
    hw_text(b, v->errors[i].code);
    hw_raw(b, "\"><td><code>");
    hw_text(b, v->errors[i].code);
    hw_rawf(b, "</code></td><td class=\"num\">%lld</td></tr>",
            (long long)v->errors[i].n);
  }
  hw_raw(b, "</table><p><a href=\"/errors?c=");
  hw_url(b, v->company);
  hw_raw(b, "\">Open the error queue</a></p>");
}

static void
hw_health_orders(struct hw_req *r, const struct hs_health *v)
{
  struct hw_buf *b = &r->body;
  size_t i;

  hw_rawf(b, "<h3>Dispatch deadlines</h3><p>%lld order(s) "
          "past their dispatch deadline, %lld due soon.</p>",
          (long long)v->n_late, (long long)v->n_due_soon);
  if(!v->n_orders)
    return;
  hw_raw(b, "<table><tr><th>Order</th><th>Deadline</th><th>State</th></tr>");
  for(i = 0; i < v->n_orders; i++) {
    const struct hs_health_order *o = &v->orders[i];
    int64_t id = 0, d = o->late ? v->now_ms - o->deadline_ms
                                : o->deadline_ms - v->now_ms;

    hs_order_find(r->h, v->company, o->source_order_id, &id);
    hw_raw(b, o->late ? "<tr class=\"logerr\"><td>" : "<tr><td>");
    if(id)
      hw_rawf(b, "<a class=\"deadline\" href=\"/order?id=%lld\">",
              (long long)id);
    hw_text(b, o->source_order_id);
    hw_raw(b, id ? "</a></td><td>" : "</td><td>");
    hw_time(b, o->deadline_ms);
    hw_rawf(b, "</td><td>%s ", o->late ? "<span class=\"flag\">late</span> by"
                                      : "due in");
    if(d >= 2 * HW_DAY_MS)
      hw_rawf(b, "%lld days %lld h</td></tr>", (long long)(d / HW_DAY_MS),
              (long long)(d % HW_DAY_MS / HW_HOUR_MS));
    else
      hw_rawf(b, "%lld h %lld min</td></tr>", (long long)(d / HW_HOUR_MS),
              (long long)(d % HW_HOUR_MS / 60000));
  }
  hw_raw(b, "</table>");
  if((int64_t)v->n_orders < v->n_late + v->n_due_soon)
    hw_rawf(b, "<p class=\"help\">The first %zu shown, earliest deadline "
            "first.</p>", v->n_orders);
}

static void
hw_health_metrics(struct hw_req *r, const struct hs_health *v)
{
  struct hw_buf *b = &r->body;
  size_t i;

  hw_raw(b, "<h3>Metrics</h3>");
  if(!v->n_metrics)
    return;
  hw_raw(b, "<table><tr><th>Market</th><th>Series</th><th>Unit</th>"
         "<th class=\"num\">Last hour (sum)</th><th class=\"num\">Last 24 h "
         "(sum)</th><th>Newest sample</th></tr>");
  for(i = 0; i < v->n_metrics; i++) {
    const struct hs_health_metric *m = &v->metrics[i];

    hw_raw(b, "<tr data-series=\"");
    hw_text(b, m->market);
    hw_raw(b, "/");
    hw_text(b, m->name);
    hw_raw(b, "\"><td>");
    hw_text(b, m->market[0] ? m->market : "all");
    hw_raw(b, "</td><td>");
    hw_text(b, m->name);
    hw_raw(b, hw_is_secs(m->name) ? "</td><td>seconds</td><td class=\"num\">"
                                  : "</td><td>count</td><td class=\"num\">");
    hw_figure(b, m->last_hour);
    hw_raw(b, "</td><td class=\"num\">");
    hw_figure(b, m->last_day);
    hw_raw(b, "</td><td>");
    hw_age(b, v->now_ms, m->last_ms);
    hw_raw(b, "</td></tr>");
  }
  hw_raw(b, "</table>");
}

static int
hw_health_one(void *ud, const struct hs_health *v)
{
  struct hw_hctx *x = ud;
  struct hw_req *r = x->r;

  x->seen++;
  hw_rawf(&r->body, "<div class=\"panel health\" id=\"health-%d\"><h2>",
          x->seen);
  hw_text(&r->body, v->company);
  hw_raw(&r->body, " &rsaquo; ");
  hw_text(&r->body, hw_plugin_title(r, v->plugin));
  hw_raw(&r->body, "</h2><div class=\"body\"><div class=\"cols\"><div>");
  hw_health_connection(r, v);
  hw_health_orders(r, v);
  hw_health_errors(r, v);
  hw_raw(&r->body, "</div><div>");
  hw_health_actions(r, v);
  hw_raw(&r->body, "</div></div>");
  hw_health_charts(r, v, x->seen);
  hw_health_metrics(r, v);
  hw_raw(&r->body, "</div></div>");
  return r->body.oom ? BMC_ERR_NOMEM : 0;
}

int
hw_page_health(struct hw_req *r)
{
  const char *c = hw_arg(r, "c");
  struct hw_hctx x = {r, 0};
  int rc;

  if(c && !*c)
    c = NULL;
  if(c && hs_company_find(r->h, c, NULL))
    return hw_error_page(r, 404, "Unknown company",
                         "There is no company '%s'.", c);
  hw_page_begin(r, "Health", 0);
  if(c)
    hw_company_head(r, c, "Health", "Health");
  else
    hw_raw(&r->body, "<p class=\"crumbs\"><a href=\"/\">Companies</a> "
           "&rsaquo; </p><h1>Health</h1>");
  hw_raw(&r->body, "<p class=\"help\">As of ");
  hw_time(&r->body, hs_clock_now(r->h));
  hw_raw(&r->body, " UTC.</p>");
  rc = hs_health_each(r->h, c, hw_health_one, &x);
  if(rc)
    hw_rawf(&r->body, "<p class=\"bad\">The health facts could not be read "
            "(error %d).</p>", rc);
  else if(!x.seen)
    hw_raw(&r->body, "<p>No company has an enabled channel.</p>");
  hw_page_end(r);
  return 200;
}
