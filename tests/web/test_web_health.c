/*
 * test_web_health.c -- the web Toolbox's Health page over real HTTP on
 * 127.0.0.1: metric samples recorded through the host services over two
 * hours of the virtual clock, a late and a due-soon order, and the page's
 * figures checked against hs_health_each and against what was recorded
 * (the table's sums, each SVG bar's value, p50/p99 of a latency series,
 * the plain "no samples" note, an open alert and a staged rotation); a
 * metric and a company named <script>
 * shown as text; viewers read it, anonymous visitors are sent to log in.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cu_main.h"
#include "tw.h"

#define HOUR_MS (3600 * 1000LL)
#define HEALTH_PATH "/health?c=" TW_COMPANY_Q
#define EVIL_COMPANY "<script>co()</script>"

static struct tw_env env;
static struct tw_browser admin, viewer, anon;
static const struct bmc_host_api *api;
static void *ctx;

static int
add_order(const char *id, const char *deadline)
{
  char xml[2048], err[512] = "";

  tw_order_xml(xml, sizeof(xml), id, deadline);
  if(api->order_upsert(ctx, xml, strlen(xml), NULL, err, sizeof(err))) {
    fprintf(stderr, "order %s: %s\n", id, err);
    return -1;
  }
  return 0;
}

/* 00:00 and 01:00 samples of two count series, then the clock at 01:30
 * with one order past its deadline (01:00) and one due at 03:00 (within
 * the default 4 h warning), flagged in the error queue. */
static int
seed(void)
{
  int flagged = 0;

  return api->metric_record(ctx, "us", "budget_orders", 3) ||
         api->metric_record(ctx, "", "budget_overall", 4) ||
         hs_clock_advance(env.h, HOUR_MS) ||
         api->metric_record(ctx, "us", "budget_orders", 5) ||
         api->metric_record(ctx, "", "budget_overall", 6) ||
         hs_clock_advance(env.h, HOUR_MS / 2) ||
         add_order("W-LATE", "2026-01-01T01:00:00Z") ||
         add_order("W-SOON", "2026-01-01T03:00:00Z") ||
         hs_deadlines_scan(env.h, &flagged) || flagged != 2;
}

static int
suite_init(void)
{
  char err[512];

  if(tw_start_logged_in(&env, &admin, &viewer) ||
     tw_browser_open(&anon) ||
     hs_host_services(env.h, TW_COMPANY, TW_PLUGIN, &api, &ctx) ||
     hs_company_add(env.h, EVIL_COMPANY, NULL) ||
     hs_company_plugin_enable(env.h, EVIL_COMPANY, TW_PLUGIN, 1, err,
                              sizeof(err)))
    return 1;
  return seed();
}

static int
suite_clean(void)
{
  tw_browser_close(&anon);
  tw_close_logged_in(&env, &admin, &viewer);
  return 0;
}

#define has tw_has

struct expect {
  const struct tw_resp *page;
  int checked, metrics;
};

/* Every figure hs_health_each gives for the company is on the page. */
static int
expect_cb(void *ud, const struct hs_health *v)
{
  struct expect *x = ud;
  char s[600];
  size_t i;

  x->checked++;
  snprintf(s, sizeof(s), "data-token=\"%s\">%s</span>", v->token_status,
           v->token_status);
  CU_ASSERT(has(x->page, s));
  for(i = 0; i < v->n_metrics; i++) {
    const struct hs_health_metric *m = &v->metrics[i];

    snprintf(s, sizeof(s), "data-series=\"%s/%s\"><td>%s</td><td>%s</td>"
             "<td>count</td><td class=\"num\">%.0f</td><td class=\"num\">"
             "%.0f</td>", m->market, m->name, m->market[0] ? m->market
             : "all", m->name, m->last_hour, m->last_day);
    CU_ASSERT(has(x->page, s));
    x->metrics++;
  }
  for(i = 0; i < v->n_errors; i++) {
    snprintf(s, sizeof(s), "data-code=\"%s\"><td><code>%s</code></td>"
             "<td class=\"num\">%lld</td>", v->errors[i].code,
             v->errors[i].code, (long long)v->errors[i].n);
    CU_ASSERT(has(x->page, s));
  }
  for(i = 0; i < v->n_actions; i++) {
    snprintf(s, sizeof(s), "data-action=\"%s\">", v->actions[i].action);
    CU_ASSERT(has(x->page, s));
    CU_ASSERT_EQUAL(v->actions[i].last_status, -1);
  }
  snprintf(s, sizeof(s), "%lld order(s) past their dispatch deadline, %lld "
           "due soon.", (long long)v->n_late, (long long)v->n_due_soon);
  CU_ASSERT(has(x->page, s));
  return 0;
}

static void
test_figures(void)
{
  struct tw_resp r;
  struct expect x = {&r, 0, 0};
  char link[200];
  int64_t late = 0;

  CU_ASSERT_EQUAL(tw_get(&env, &admin, HEALTH_PATH, &r), 200);
  CU_ASSERT_EQUAL(hs_health_each(env.h, TW_COMPANY, expect_cb, &x), 0);
  CU_ASSERT_EQUAL(x.checked, 1);
  CU_ASSERT_EQUAL(x.metrics, 2);
  /* the sums are what was recorded: the last hour holds the 01:00 sample */
  CU_ASSERT(has(&r, "<td>budget_orders</td><td>count</td><td class=\"num\">"
                    "5</td><td class=\"num\">8</td>"));
  CU_ASSERT(has(&r, "<td>all</td><td>budget_overall</td><td>count</td><td "
                    "class=\"num\">6</td><td class=\"num\">10</td>"));
  /* one bar per clock hour with the hour's sum */
  CU_ASSERT(has(&r, "<title>budget_orders at 00: 3</title>"));
  CU_ASSERT(has(&r, "<title>budget_orders at 01: 5</title>"));
  CU_ASSERT(has(&r, "<title>budget_overall at 00: 4</title>"));
  CU_ASSERT(has(&r, "<title>budget_overall at 01: 6</title>"));
  CU_ASSERT(!has(&r, "<title>budget_orders at 23:"));
  CU_ASSERT(has(&r, "aria-label=\"budget_orders @ us per hour (UTC), last "
                    "24 h\""));
  CU_ASSERT(has(&r, "<h3>Market us</h3>"));
  CU_ASSERT(has(&r, "<h3>All markets</h3>"));
  /* no latency samples yet: said plainly */
  CU_ASSERT(has(&r, "id=\"no-soldout\""));
  /* the late order links to its page, the due-soon one is listed */
  CU_ASSERT_EQUAL(hs_order_find(env.h, TW_COMPANY, "W-LATE", &late), 0);
  snprintf(link, sizeof(link), "href=\"/order?id=%lld\">W-LATE</a>",
           (long long)late);
  CU_ASSERT(has(&r, link));
  CU_ASSERT(has(&r, "<span class=\"flag\">late</span> by 0 h 30 min"));
  CU_ASSERT(has(&r, ">W-SOON</a></td><td>2026-01-01 03:00:00</td><td>due "
                    "in 1 h 30 min"));
  CU_ASSERT(has(&r, "data-code=\"dispatch_late\""));
  /* the scheduled action never ran: its age says so */
  CU_ASSERT(has(&r, "data-action=\"sync\"><td>Sync</td><td>-</td><td>never"
                    "</td><td>never ran</td>"));
  tw_resp_free(&r);
}

static void
test_latency(void)
{
  static const double v[] = {1.0, 2.0, 3.0, 100.0};
  struct tw_resp r;
  size_t i;

  for(i = 0; i < 4; i++)
    CU_ASSERT_EQUAL(api->metric_record(ctx, "us", "soldout_to_zero_s", v[i]),
                    0);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, HEALTH_PATH, &r), 200);
  CU_ASSERT(!has(&r, "id=\"no-soldout\""));
  /* nearest rank of four samples: p50 the 2nd, p99 the 4th, in ms */
  CU_ASSERT(has(&r, "<title>p50 (ms) at 01: 2000</title>"));
  CU_ASSERT(has(&r, "<title>p99 (ms) at 01: 100000</title>"));
  CU_ASSERT(has(&r, "<td>soldout_to_zero_s</td><td>seconds</td>"));
  CU_ASSERT(has(&r, "4 sample(s) in the last 24 h; unit: seconds."));
  tw_resp_free(&r);
}

/* A series name the host would refuse, written into the store by another
 * program (or an older build): still text on the page. */
static void
test_escaping(void)
{
  sqlite3 *db = NULL;
  struct tw_resp r;
  int ok;

  ok = sqlite3_open(env.db, &db) == SQLITE_OK &&
       sqlite3_exec(db, "INSERT INTO metrics(company_id, plugin, market, "
                    "name, ts_ms, value) SELECT id, '" TW_PLUGIN "', 'us', "
                    "'<script>m()</script>', 1767230000000, 7 FROM companies "
                    "WHERE name = 'Acme <b>'", NULL, NULL, NULL) == SQLITE_OK;
  sqlite3_close(db);
  CU_ASSERT(ok);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, "/health", &r), 200);
  CU_ASSERT(!has(&r, "<script>"));
  CU_ASSERT(has(&r, "&lt;script&gt;m()&lt;/script&gt;"));
  CU_ASSERT(has(&r, "<h2>&lt;script&gt;co()&lt;/script&gt; &rsaquo; "));
  CU_ASSERT(has(&r, "<h2>Acme &lt;b&gt; &rsaquo; "));
  tw_resp_free(&r);
}

static int
token_cb(void *ud, const struct hs_health *v)
{
  snprintf(ud, 32, "%s", v->token_status);
  return 0;
}

/* The open company alert and a staged rotation (as the host's token
 * rotation leaves them) of the second company. */
static void
test_alert_rotation(void)
{
  sqlite3 *db = NULL;
  struct tw_resp r;
  char token[32] = "";
  int ok;

  ok = sqlite3_open(env.db, &db) == SQLITE_OK &&
       sqlite3_exec(db, "INSERT INTO company_alerts(company_id, plugin, code,"
                    " message, raised_ms, job_id, error_id) SELECT id, '"
                    TW_PLUGIN "', 'credentials_refused', 'key <refused>', "
                    "1767225600000, 0, 0 FROM companies WHERE name = '"
                    EVIL_COMPANY "'; INSERT INTO credential_rotation("
                    "company_id, plugin, state, staged_ms) SELECT id, '"
                    TW_PLUGIN "', 'pending', 1767229200000 FROM companies "
                    "WHERE name = '" EVIL_COMPANY "'", NULL, NULL,
                    NULL) == SQLITE_OK;
  sqlite3_close(db);
  CU_ASSERT(ok);
  CU_ASSERT_EQUAL(hs_health_each(env.h, EVIL_COMPANY, token_cb, token), 0);
  CU_ASSERT_STRING_EQUAL(token, "refused");
  CU_ASSERT_EQUAL(tw_get(&env, &viewer, "/health?c=%3Cscript%3Eco()%3C%2F"
                                        "script%3E", &r), 200);
  CU_ASSERT(has(&r, "<div class=\"bad alert\"><b>Company alert</b> ("
                    "2026-01-01 00:00:00, 90 min ago): key &lt;refused"
                    "&gt;</div>"));
  CU_ASSERT(has(&r, "data-token=\"refused\">refused</span>"));
  CU_ASSERT(has(&r, "<th>Rotation</th><td>pending, staged 2026-01-01 "
                    "01:00:00</td>"));
  CU_ASSERT(!has(&r, "Acme &lt;b&gt;"));
  tw_resp_free(&r);
}

static void
test_roles(void)
{
  struct tw_resp r;

  CU_ASSERT_EQUAL(tw_get(&env, &viewer, HEALTH_PATH, &r), 200);
  CU_ASSERT(has(&r, "data-token=\"unchecked\""));
  CU_ASSERT(has(&r, "<title>budget_orders at 01: 5</title>"));
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_get(&env, &anon, HEALTH_PATH, &r), 303);
  CU_ASSERT(strstr(r.location, "/login") != NULL);
  CU_ASSERT(!has(&r, "budget_orders"));
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_get(&env, &viewer, "/health?c=Nobody", &r), 404);
  tw_resp_free(&r);
  /* reached from the navigation and from the company */
  CU_ASSERT_EQUAL(tw_get(&env, &viewer, "/company?c=" TW_COMPANY_Q, &r), 200);
  CU_ASSERT(has(&r, "<a href=\"/health\">Health</a>"));
  CU_ASSERT(has(&r, "<a href=\"/health?c=" TW_COMPANY_Q "\">Health</a>"));
  tw_resp_free(&r);
}

static const struct cu_case cases[] = {
  {"web_health", "figures", test_figures},
  {"web_health", "latency", test_latency},
  {"web_health", "escaping", test_escaping},
  {"web_health", "alert_rotation", test_alert_rotation},
  {"web_health", "roles", test_roles},
};

int
main(int argc, char **argv)
{
  return cu_main(cases, CU_CASES_N(cases), suite_init, suite_clean, argc,
                 argv);
}
