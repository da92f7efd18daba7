/*
 * test_web_ops.c -- the error queue's operator actions on the web Toolbox
 * over real HTTP: resolve an entry with a note, retry the failed items of
 * a job on a worker, release a held order and correct a line's
 * serial/IMEI; and the run queue in the store: a request waiting for a
 * worker (or claimed by a process that died) runs after a restart, and
 * its outcome stays readable.  Each needs an admin and the CSRF token, refuses with the
 * host's own message, changes the store as the CLI's command does and is
 * audited with the user.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <signal.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sqlite3.h>

#include "cu_main.h"
#include "hs_audit_trail.h"
#include "hw_internal.h"
#include "tw.h"

static struct tw_env env;
static struct tw_browser admin, viewer;
static const struct bmc_host_api *api;
static void *ctx;

static const char order_fmt[] =
    "<?xml version=\"1.0\"?>\n"
    "<order xmlns=\"urn:bmc:order:1\">"
    "<source_order_id>%s</source_order_id><channel>Web</channel>"
    "<marketplace>" TW_PLUGIN "</marketplace><status>InProcess</status>"
    "<payment_status>FullyCharged</payment_status>"
    "<order_date>2026-01-01T10:00:00Z</order_date><currency>USD</currency>"
    "<shipping_address><first_name>Ann</first_name><last_name>Lee"
    "</last_name><street>1 Main St</street><postal_code>10001</postal_code>"
    "<city>New York</city><country>US</country></shipping_address>"
    "<lines><line><line_id>L1</line_id><sku>SKU-A</sku>"
    "<quantity>1</quantity><line_total>449.00</line_total></line></lines>"
    "<totals><subtotal>449.00</subtotal><shipping>0.00</shipping>"
    "<tax>0.00</tax><commission>0.00</commission>"
    "<grand_total>449.00</grand_total></totals></order>\n";

static int
suite_init(void)
{
  return tw_start_logged_in(&env, &admin, &viewer) ||
         hs_host_services(env.h, TW_COMPANY, TW_PLUGIN, &api, &ctx);
}

static int
suite_clean(void)
{
  tw_close_logged_in(&env, &admin, &viewer);
  return 0;
}

#define has tw_has

/* Wait for run id to end on this server's workers: its view. */
static int
run_end(int64_t id, struct hw_run_view *v)
{
  return hw_workers_wait(hw_server_workers(env.srv), id, 10000, 1, v);
}

/* The newest request of the run queue (0 when none). */
static int64_t
last_run(void)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  int64_t id = 0;

  if(sqlite3_open(env.db, &db) == SQLITE_OK &&
     sqlite3_prepare_v2(db, "SELECT MAX(id) FROM web_runs", -1, &st,
                        NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    id = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return id;
}

/* A held order "id" of the fixture's channel; its host id. */
static int64_t
held_order(const char *id)
{
  char xml[2048], err[512];
  int64_t oid = 0;

  snprintf(xml, sizeof(xml), order_fmt, id);
  err[0] = '\0';
  if(api->order_upsert(ctx, xml, strlen(xml), NULL, err, sizeof(err)) ||
     api->order_set_status(ctx, id, "OnHold", "stock short") ||
     hs_order_find(env.h, TW_COMPANY, id, &oid)) {
    fprintf(stderr, "held_order %s: %s\n", id, err);
    return 0;
  }
  return oid;
}

struct order_seen {
  char status[32];
  char serials[128];
};

static int
order_status_cb(void *ud, const struct hs_order_summary *o)
{
  struct order_seen *s = ud;

  snprintf(s->status, sizeof(s->status), "%s", o->status ? o->status : "");
  return 0;
}

static int
order_line_cb(void *ud, const struct hs_order_line_view *l)
{
  struct order_seen *s = ud;

  snprintf(s->serials, sizeof(s->serials), "%s",
           l->serials ? l->serials : "");
  return 0;
}

static void
order_seen(int64_t oid, struct order_seen *s)
{
  memset(s, 0, sizeof(*s));
  hs_order_summary_get(env.h, oid, order_status_cb, s);
  hs_order_lines_each(env.h, oid, order_line_cb, s);
}

/* The one open entry whose item is `item` (0 when none). */
struct entry_find {
  const char *item;
  int64_t id, job_id, resolved_ms;
  char note[128];
};

static int
entry_cb(void *ud, const struct hs_item_error *e)
{
  struct entry_find *f = ud;

  if(strcmp(e->item, f->item))
    return 0;
  f->id = e->id;
  f->job_id = e->job_id;
  f->resolved_ms = e->resolved_ms;
  snprintf(f->note, sizeof(f->note), "%s",
           e->resolved_note ? e->resolved_note : "");
  return 0;
}

static void
entry_find(const char *item, struct entry_find *f)
{
  memset(f, 0, sizeof(*f));
  f->item = item;
  hs_errors_list(env.h, TW_COMPANY, NULL, 1, entry_cb, f);
}

static int
audit_cb(void *ud, const struct hs_audit_row *a)
{
  const char **want = ud;

  if(!strcmp(a->user, "admin") && a->detail && strstr(a->detail, want[0]))
    want[1] = "seen";
  return 0;
}

static int
audited(const char *detail)
{
  const char *want[2] = {detail, NULL};

  hs_audit_each(env.h, "admin", 50, audit_cb, want);
  return want[1] != NULL;
}

/* The company's dry-run switch: an admin turns it on and off from the
 * company page (CSRF, admin only), and the host's switch (host.cfg
 * dry_run, `host-sim dry-run`) follows. */
static void
test_dry_run_switch(void)
{
  struct tw_resp r;
  char body[512];
  int on = -1;

  CU_ASSERT_EQUAL(tw_get(&env, &viewer, "/company?c=" TW_COMPANY_Q, &r), 200);
  CU_ASSERT_TRUE(has(&r, "id=\"dry-run-state\">Off"));
  CU_ASSERT_FALSE(has(&r, "action=\"/dryrun\""));
  tw_resp_free(&r);
  /* a viewer, and a POST without the token: refused, still off */
  snprintf(body, sizeof(body), "csrf=%s&c=%s&on=1",
           tw_csrf_of(&env, &viewer), TW_COMPANY_Q);
  CU_ASSERT_EQUAL(tw_post(&env, &viewer, "/dryrun", body, &r), 403);
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/dryrun", "c=" TW_COMPANY_Q "&on=1",
                          &r), 403);
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(hs_company_dry_run_get(env.h, TW_COMPANY, &on), 0);
  CU_ASSERT_EQUAL(on, 0);
  /* the admin turns it on: the page and the host say so */
  snprintf(body, sizeof(body), "csrf=%s&c=%s&on=1",
           tw_csrf_of(&env, &admin), TW_COMPANY_Q);
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/dryrun", body, &r), 303);
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(hs_company_dry_run_get(env.h, TW_COMPANY, &on), 0);
  CU_ASSERT_EQUAL(on, 1);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, "/company?c=" TW_COMPANY_Q, &r), 200);
  CU_ASSERT_TRUE(has(&r, "id=\"dry-run-state\"><strong>On"));
  CU_ASSERT_TRUE(has(&r, "name=\"on\" checked"));
  tw_resp_free(&r);
  /* and off again (an unchecked box sends no field) */
  snprintf(body, sizeof(body), "csrf=%s&c=%s", tw_csrf_of(&env, &admin),
           TW_COMPANY_Q);
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/dryrun", body, &r), 303);
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(hs_company_dry_run_get(env.h, TW_COMPANY, &on), 0);
  CU_ASSERT_EQUAL(on, 0);
}

static void
test_resolve(void)
{
  struct entry_find f;
  struct tw_resp r;
  char body[512], item[32] = "SKU-RES-1";

  api->item_error(ctx, item, "demo_code", "needs a look");
  entry_find(item, &f);
  CU_ASSERT_TRUE_FATAL(f.id > 0);
  /* The admin sees the form, the viewer does not. */
  CU_ASSERT_EQUAL(tw_get(&env, &admin, "/errors", &r), 200);
  snprintf(body, sizeof(body), "id=\"resolve-%lld\"", (long long)f.id);
  CU_ASSERT_TRUE(has(&r, body));
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_get(&env, &viewer, "/errors", &r), 200);
  CU_ASSERT_FALSE(has(&r, body));
  CU_ASSERT_FALSE(has(&r, "/errors/resolve"));
  tw_resp_free(&r);
  /* Viewer, missing token: refused, the entry stays open. */
  snprintf(body, sizeof(body), "csrf=%s&id=%lld&note=done",
           tw_csrf_of(&env, &viewer), (long long)f.id);
  CU_ASSERT_EQUAL(tw_post(&env, &viewer, "/errors/resolve", body, &r), 403);
  tw_resp_free(&r);
  snprintf(body, sizeof(body), "id=%lld&note=done", (long long)f.id);
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/errors/resolve", body, &r), 403);
  CU_ASSERT_TRUE(has(&r, "CSRF"));
  tw_resp_free(&r);
  /* No note: the host's message. */
  snprintf(body, sizeof(body), "csrf=%s&id=%lld&note=",
           tw_csrf_of(&env, &admin), (long long)f.id);
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/errors/resolve", body, &r), 400);
  CU_ASSERT_TRUE(has(&r, "a note is required"));
  tw_resp_free(&r);
  entry_find(item, &f);
  CU_ASSERT_EQUAL(f.resolved_ms, 0);
  /* A note: resolved, back on the queue page with the operator job. */
  snprintf(body, sizeof(body), "csrf=%s&id=%lld&note=re-listed+by+hand",
           tw_csrf_of(&env, &admin), (long long)f.id);
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/errors/resolve", body, &r), 303);
  CU_ASSERT_EQUAL(strncmp(r.location, "/errors?done=", 13), 0);
  snprintf(item, sizeof(item), "%.31s", r.location);
  tw_resp_free(&r);
  entry_find("SKU-RES-1", &f);
  CU_ASSERT_TRUE(f.resolved_ms > 0);
  CU_ASSERT_STRING_EQUAL(f.note, "re-listed by hand");
  CU_ASSERT_EQUAL(tw_get(&env, &admin, item, &r), 200);
  CU_ASSERT_TRUE(has(&r, "id=\"done\""));
  snprintf(body, sizeof(body), "id=\"resolve-%lld\"", (long long)f.id);
  CU_ASSERT_FALSE(has(&r, body)); /* open entries only */
  CU_ASSERT_FALSE(has(&r, "re-listed by hand</td>"));
  tw_resp_free(&r);
  /* With the resolved ones: the note, and no more actions. */
  CU_ASSERT_EQUAL(tw_get(&env, &admin, "/errors?all=1", &r), 200);
  CU_ASSERT_TRUE(has(&r, ": re-listed by hand</td>"));
  CU_ASSERT_FALSE(has(&r, body));
  tw_resp_free(&r);
  CU_ASSERT_TRUE(audited("resolved error"));
  /* Twice: the host's conflict. */
  snprintf(body, sizeof(body), "csrf=%s&id=%lld&note=again",
           tw_csrf_of(&env, &admin), (long long)f.id);
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/errors/resolve", body, &r), 409);
  tw_resp_free(&r);
}

static int
job_trigger_cb(void *ud, const struct hs_job *j)
{
  snprintf(ud, 64, "%s", j->trigger ? j->trigger : "");
  return 0;
}

static void
test_retry(void)
{
  struct entry_find f;
  struct tw_resp r;
  char body[512], err[512], want[64], trigger[64] = "";
  struct hw_run_view v;
  int64_t job = 0, new_job = 0;
  int st = 0;

  CU_ASSERT_EQUAL(hs_run_action_items(env.h, TW_COMPANY, TW_PLUGIN, "check",
                                      (const char *const[]){"FAIL-7"}, 1,
                                      &job, &st, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL(st, HS_JOB_PARTIAL);
  entry_find("FAIL-7", &f);
  CU_ASSERT_EQUAL_FATAL(f.job_id, job);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, "/errors", &r), 200);
  snprintf(want, sizeof(want), "id=\"retry-%lld\"", (long long)f.id);
  CU_ASSERT_TRUE(has(&r, want));
  tw_resp_free(&r);
  /* The job page offers it too (admins only). */
  snprintf(want, sizeof(want), "/job?id=%lld", (long long)job);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, want, &r), 200);
  CU_ASSERT_TRUE(has(&r, "Retry the 1 failed item(s)"));
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_get(&env, &viewer, want, &r), 200);
  CU_ASSERT_FALSE(has(&r, "/errors/retry"));
  tw_resp_free(&r);
  snprintf(body, sizeof(body), "csrf=%s&job=%lld", tw_csrf_of(&env, &viewer),
           (long long)job);
  CU_ASSERT_EQUAL(tw_post(&env, &viewer, "/errors/retry", body, &r), 403);
  tw_resp_free(&r);
  snprintf(body, sizeof(body), "csrf=%s&job=%lld", tw_csrf_of(&env, &admin),
           (long long)job);
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/errors/retry", body, &r), 303);
  CU_ASSERT_EQUAL(strncmp(r.location, "/job?id=", 8), 0);
  new_job = strtoll(r.location + 8, NULL, 10);
  tw_resp_free(&r);
  CU_ASSERT_TRUE_FATAL(new_job > job);
  hs_job_get(env.h, new_job, job_trigger_cb, trigger);
  snprintf(want, sizeof(want), "retry of job %lld", (long long)job);
  CU_ASSERT_STRING_EQUAL(trigger, want);
  CU_ASSERT_TRUE(audited("retry failed items of job"));
  CU_ASSERT_EQUAL(run_end(last_run(), &v), BMC_OK);
  CU_ASSERT_EQUAL(v.state, HW_RUN_DONE);
  CU_ASSERT_EQUAL(v.job_id, new_job);
  /* A job without failed items: the host's refusal on the request page. */
  CU_ASSERT_EQUAL(hs_run_action(env.h, TW_COMPANY, TW_PLUGIN, "echo", &job,
                                &st, err, sizeof(err)), BMC_OK);
  snprintf(body, sizeof(body), "csrf=%s&job=%lld", tw_csrf_of(&env, &admin),
           (long long)job);
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/errors/retry", body, &r), 303);
  snprintf(want, sizeof(want), "%.60s", r.location);
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(strncmp(want, "/run?id=", 8), 0);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, want, &r), 409);
  CU_ASSERT_TRUE(has(&r, "id=\"refused\""));
  CU_ASSERT_TRUE(has(&r, "Retry of the failed items of job"));
  tw_resp_free(&r);
}

static void
test_release(void)
{
  int64_t oid = held_order("W-100");
  struct order_seen s;
  struct tw_resp r;
  char path[64], body[512];

  CU_ASSERT_TRUE_FATAL(oid > 0);
  snprintf(path, sizeof(path), "/order?id=%lld", (long long)oid);
  CU_ASSERT_EQUAL(tw_get(&env, &viewer, path, &r), 200);
  CU_ASSERT_FALSE(has(&r, "id=\"release\""));
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, path, &r), 200);
  CU_ASSERT_TRUE(has(&r, "id=\"release\""));
  tw_resp_free(&r);
  snprintf(body, sizeof(body), "csrf=%s&id=%lld", tw_csrf_of(&env, &viewer),
           (long long)oid);
  CU_ASSERT_EQUAL(tw_post(&env, &viewer, "/order/release", body, &r), 403);
  tw_resp_free(&r);
  snprintf(body, sizeof(body), "id=%lld", (long long)oid);
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/order/release", body, &r), 403);
  tw_resp_free(&r);
  order_seen(oid, &s);
  CU_ASSERT_STRING_EQUAL(s.status, "OnHold");
  snprintf(body, sizeof(body), "csrf=%s&id=%lld&note=stock+found",
           tw_csrf_of(&env, &admin), (long long)oid);
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/order/release", body, &r), 303);
  CU_ASSERT_EQUAL(strncmp(r.location, path, strlen(path)), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.location, "&done="));
  snprintf(path, sizeof(path), "%.63s", r.location);
  tw_resp_free(&r);
  order_seen(oid, &s);
  CU_ASSERT_STRING_EQUAL(s.status, "InProcess");
  CU_ASSERT_EQUAL(tw_get(&env, &admin, path, &r), 200);
  CU_ASSERT_TRUE(has(&r, "id=\"done\""));
  CU_ASSERT_FALSE(has(&r, "id=\"release\""));
  tw_resp_free(&r);
  CU_ASSERT_TRUE(audited("released order"));
  /* Not held any more: the host's conflict message. */
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/order/release", body, &r), 409);
  CU_ASSERT_TRUE(has(&r, "Not released"));
  tw_resp_free(&r);
}

static void
test_serial(void)
{
  int64_t oid = held_order("W-200");
  struct order_seen s;
  struct tw_resp r;
  char body[512];

  CU_ASSERT_TRUE_FATAL(oid > 0);
  /* A bad IMEI (Luhn): the host's check, nothing changed. */
  snprintf(body, sizeof(body), "csrf=%s&id=%lld&line=L1"
           "&serial=356938035643808", tw_csrf_of(&env, &admin),
           (long long)oid);
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/order/serial", body, &r), 400);
  CU_ASSERT_TRUE(has(&r, "Serial not changed"));
  CU_ASSERT_TRUE(has(&r, "line L1"));
  tw_resp_free(&r);
  order_seen(oid, &s);
  CU_ASSERT_STRING_EQUAL(s.serials, "");
  snprintf(body, sizeof(body), "csrf=%s&id=%lld&line=L9"
           "&serial=356938035643809", tw_csrf_of(&env, &admin),
           (long long)oid);
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/order/serial", body, &r), 404);
  tw_resp_free(&r);
  snprintf(body, sizeof(body), "csrf=%s&id=%lld&line=L1"
           "&serial=356938035643809", tw_csrf_of(&env, &viewer),
           (long long)oid);
  CU_ASSERT_EQUAL(tw_post(&env, &viewer, "/order/serial", body, &r), 403);
  tw_resp_free(&r);
  snprintf(body, sizeof(body), "csrf=%s&id=%lld&line=L1"
           "&serial=356938035643809", tw_csrf_of(&env, &admin),
           (long long)oid);
  CU_ASSERT_EQUAL(tw_post(&env, &admin, "/order/serial", body, &r), 303);
  tw_resp_free(&r);
  order_seen(oid, &s);
  CU_ASSERT_STRING_EQUAL(s.serials, "356938035643809");
  CU_ASSERT_TRUE(audited("serial corrected"));
}

/* An order's entry links to the order page, where it is acted on; an
 * entry whose item is no order of its company does not. */
static void
test_order_entry_link(void)
{
  int64_t oid = held_order("W-300");
  struct entry_find f;
  struct tw_resp r;
  char item[32], want[96];

  CU_ASSERT_TRUE_FATAL(oid > 0);
  api->item_error(ctx, "W-999", "demo_code", "no such order");
  /* The plugin names the order by its marketplace id. */
  snprintf(item, sizeof(item), "W-300");
  api->item_error(ctx, item, "stock_short", "held");
  entry_find(item, &f);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, "/errors?c=" TW_COMPANY_Q, &r), 200);
  snprintf(want, sizeof(want), "id=\"order-%lld\" href=\"/order?id=%lld\"",
           (long long)f.id, (long long)oid);
  CU_ASSERT_TRUE(has(&r, want));
  snprintf(want, sizeof(want), "id=\"order-%lld\"", (long long)f.id - 1);
  CU_ASSERT_FALSE(has(&r, want));
  tw_resp_free(&r);
}

static void
test_queue_survives_restart(void)
{
  struct hw_run_view v;
  struct tw_resp r;
  char err[300], want[64], sql[128];
  int64_t a = 0, b = 0, c = 0;
  sqlite3 *db = NULL;
  pid_t dead;

  /* Requests queued while no worker runs: one never claimed, one claimed
   * by a process that died before its job started, one the host will
   * refuse. */
  hw_stop(env.srv);
  env.srv = NULL;
  CU_ASSERT_EQUAL_FATAL(hs_runq_add(env.h, TW_COMPANY, TW_PLUGIN, "echo", 0,
                                    "admin", &a, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL_FATAL(hs_runq_add(env.h, TW_COMPANY, TW_PLUGIN, "echo", 0,
                                    "admin", &b, err, sizeof(err)), BMC_OK);
  CU_ASSERT_EQUAL_FATAL(hs_runq_add(env.h, TW_COMPANY, TW_PLUGIN, "sync", 0,
                                    "admin", &c, err, sizeof(err)), BMC_OK);
  /* pid_max is one more than the largest pid: no process has it (no
   * fork, which valgrind would follow into the child). */
  {
    FILE *f = fopen("/proc/sys/kernel/pid_max", "r");
    long max = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fscanf(f, "%ld", &max), 1);
    fclose(f);
    dead = (pid_t)max;
  }
  CU_ASSERT_FATAL(dead > 1 && kill(dead, 0) != 0);
  CU_ASSERT_EQUAL_FATAL(sqlite3_open(env.db, &db), SQLITE_OK);
  snprintf(sql, sizeof(sql), "UPDATE web_runs SET claim_pid = %d WHERE id ="
           " %lld", (int)dead, (long long)b);
  CU_ASSERT_EQUAL(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  /* The server starts again: its workers run them. */
  CU_ASSERT_EQUAL_FATAL(tw_restart(&env), 0);
  CU_ASSERT_EQUAL(run_end(a, &v), BMC_OK);
  CU_ASSERT_EQUAL(v.state, HW_RUN_DONE);
  CU_ASSERT_TRUE(v.job_id > 0);
  CU_ASSERT_STRING_EQUAL(v.user, "admin");
  CU_ASSERT_EQUAL(run_end(b, &v), BMC_OK);
  CU_ASSERT_EQUAL(v.state, HW_RUN_DONE);
  CU_ASSERT_EQUAL(run_end(c, &v), BMC_OK);
  CU_ASSERT_EQUAL(v.state, HW_RUN_REFUSED);
  CU_ASSERT_PTR_NOT_NULL(strstr(v.msg, "cannot be run by hand"));
  /* After one more restart the outcome is still there (from the store). */
  CU_ASSERT_EQUAL_FATAL(tw_restart(&env), 0);
  snprintf(want, sizeof(want), "/run?id=%lld", (long long)a);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, want, &r), 303);
  CU_ASSERT_EQUAL(strncmp(r.location, "/job?id=", 8), 0);
  tw_resp_free(&r);
  snprintf(want, sizeof(want), "/run?id=%lld", (long long)c);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, want, &r), 409);
  CU_ASSERT_TRUE(has(&r, "cannot be run by hand"));
  tw_resp_free(&r);
  CU_ASSERT_EQUAL(tw_get(&env, &admin, "/run?id=999999", &r), 404);
  tw_resp_free(&r);
}

static const struct cu_case cases[] = {
  {"web_ops", "dry_run_switch", test_dry_run_switch},
  {"web_ops", "resolve", test_resolve},
  {"web_ops", "retry", test_retry},
  {"web_ops", "release", test_release},
  {"web_ops", "serial", test_serial},
  {"web_ops", "order_entry_link", test_order_entry_link},
  {"web_ops", "queue_survives_restart", test_queue_survives_restart},
};

int
main(int argc, char **argv)
{
  return cu_main(cases, CU_CASES_N(cases), suite_init, suite_clean, argc,
                 argv);
}
