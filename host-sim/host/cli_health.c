/*
 * cli_health.c -- `host-sim health [<company>] [--json]`: the health facts
 * of every enabled (company, plugin) (hs_health.c), as text with ages or
 * as one JSON document (times ISO 8601 UTC, ages in seconds); and
 * `dispatch-warn`, the warning time ahead of dispatch deadlines.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct cli_health_out {
  struct json_object *arr; /* --json */
};

static int64_t
cli_age_s(int64_t now, int64_t ms)
{
  return ms ? (now - ms) / 1000 : -1;
}

static void
cli_json_age(struct json_object *o, const char *key, int64_t now, int64_t ms)
{
  json_object_object_add(o, key, ms ? json_object_new_int64(cli_age_s(now,
                                                                      ms))
                                    : NULL);
}

static struct json_object *
cli_health_json(const struct hs_health *v)
{
  struct json_object *o = json_object_new_object(), *a, *x, *tok;
  size_t i;

  cli_json_str(o, "company", v->company);
  cli_json_str(o, "plugin", v->plugin);
  cli_json_time(o, "now", v->now_ms);
  tok = json_object_new_object();
  cli_json_str(tok, "status", v->token_status);
  cli_json_time(tok, "last_validated", v->token_checked_ms);
  cli_json_age(tok, "last_validated_age_s", v->now_ms, v->token_checked_ms);
  cli_json_str(tok, "rotation", v->rotation);
  cli_json_time(tok, "rotation_staged", v->rotation_ms);
  json_object_object_add(o, "token", tok);
  if(v->alert) {
    x = json_object_new_object();
    cli_json_str(x, "code", "credentials_refused");
    cli_json_str(x, "message", v->alert);
    cli_json_time(x, "raised", v->alert_ms);
    a = json_object_new_array();
    json_object_array_add(a, x);
  }
  else
    a = json_object_new_array();
  json_object_object_add(o, "alerts", a);
  a = json_object_new_array();
  for(i = 0; i < v->n_actions; i++) {
    const struct hs_health_action *r = &v->actions[i];

    x = json_object_new_object();
    cli_json_str(x, "action", r->action);
    cli_json_time(x, "last_success", r->last_ok_ms);
    cli_json_age(x, "last_success_age_s", v->now_ms, r->last_ok_ms);
    cli_json_time(x, "last_run", r->last_run_ms);
    cli_json_str(x, "last_status", r->last_status < 0 ? NULL
                 : hs_job_status_name(r->last_status));
    json_object_array_add(a, x);
  }
  json_object_object_add(o, "actions", a);
  x = json_object_new_object();
  for(i = 0; i < v->n_errors; i++)
    cli_json_int(x, v->errors[i].code, v->errors[i].n);
  json_object_object_add(o, "open_errors", x);
  a = json_object_new_array();
  for(i = 0; i < v->n_metrics; i++) {
    const struct hs_health_metric *m = &v->metrics[i];

    x = json_object_new_object();
    cli_json_str(x, "market", m->market);
    cli_json_str(x, "name", m->name);
    json_object_object_add(x, "last_hour", json_object_new_double(
                                               m->last_hour));
    json_object_object_add(x, "last_day", json_object_new_double(
                                              m->last_day));
    cli_json_time(x, "last_sample", m->last_ms);
    json_object_array_add(a, x);
  }
  json_object_object_add(o, "metrics", a);
  x = json_object_new_object();
  cli_json_int(x, "due_soon", v->n_due_soon);
  cli_json_int(x, "late", v->n_late);
  a = json_object_new_array();
  for(i = 0; i < v->n_orders; i++) {
    struct json_object *d = json_object_new_object();

    cli_json_str(d, "order", v->orders[i].source_order_id);
    cli_json_time(d, "deadline", v->orders[i].deadline_ms);
    json_object_object_add(d, "late",
                           json_object_new_boolean(v->orders[i].late));
    json_object_array_add(a, d);
  }
  json_object_object_add(x, "orders", a);
  json_object_object_add(o, "dispatch", x);
  return o;
}

static void
cli_health_age(char *buf, size_t len, int64_t now, int64_t ms)
{
  char t[32];

  if(!ms) {
    snprintf(buf, len, "never");
    return;
  }
  cli_time(ms, t, sizeof(t));
  snprintf(buf, len, "%s (%lld s ago)", t, (long long)cli_age_s(now, ms));
}

static void
cli_health_text(const struct hs_health *v)
{
  char when[64];
  size_t i;

  printf("%s/%s\n", v->company, v->plugin);
  cli_health_age(when, sizeof(when), v->now_ms, v->token_checked_ms);
  printf("  token: %s, last validated %s%s%s\n", v->token_status, when,
         v->rotation ? ", rotation " : "", v->rotation ? v->rotation : "");
  if(v->alert)
    printf("  ALERT credentials_refused: %s\n", v->alert);
  for(i = 0; i < v->n_actions; i++) {
    const struct hs_health_action *r = &v->actions[i];

    cli_health_age(when, sizeof(when), v->now_ms, r->last_ok_ms);
    printf("  %-24s last success %s, last run %s\n", r->action, when,
           r->last_status < 0 ? "never" : hs_job_status_name(r->last_status));
  }
  for(i = 0; i < v->n_errors; i++)
    printf("  open errors %-20s %lld\n", v->errors[i].code,
           (long long)v->errors[i].n);
  if(v->n_due_soon || v->n_late)
    printf("  dispatch: %lld order(s) due soon, %lld late\n",
           (long long)v->n_due_soon, (long long)v->n_late);
  for(i = 0; i < v->n_orders; i++) {
    char t[32];

    cli_time(v->orders[i].deadline_ms, t, sizeof(t));
    printf("    order %-16s %s by %s\n", v->orders[i].source_order_id,
           v->orders[i].late ? "LATE, was due" : "due", t);
  }
  for(i = 0; i < v->n_metrics; i++)
    printf("  metric %s%s%s: %.0f last hour, %.0f last day\n",
           v->metrics[i].name, v->metrics[i].market[0] ? " @" : "",
           v->metrics[i].market, v->metrics[i].last_hour,
           v->metrics[i].last_day);
}

static int
cli_health_cb(void *ud, const struct hs_health *v)
{
  struct cli_health_out *out = ud;

  if(out->arr)
    json_object_array_add(out->arr, cli_health_json(v));
  else
    cli_health_text(v);
  return 0;
}

int
cli_cmd_health(struct cli *c, int argc, char **argv)
{
  static const struct option lo[] = {{"json", no_argument, NULL, 0},
                                     {NULL, 0, NULL, 0}};
  struct cli_health_out out = {NULL};
  const char *company;
  int first, flags = 0, rc;

  first = cli_getopt("health", argc, argv, lo, cli_opt_flags, &flags);
  if(first < 0)
    return -first;
  if(argc - first > 1)
    return cli_usage("health");
  company = first < argc ? argv[first] : NULL;
  if(company && cli_company(c, "health", company))
    return CLI_FAIL;
  if((flags & 1) && !(out.arr = json_object_new_array()))
    return cli_fail("health", "out of memory");
  rc = hs_health_each(c->h, company, cli_health_cb, &out);
  if(rc) {
    json_object_put(out.arr);
    return cli_fail("health", "cannot read the health facts (%s)",
                    hs_rc_name(rc));
  }
  return out.arr ? cli_json_print(out.arr) : CLI_OK;
}

int
cli_cmd_dispatch_warn(struct cli *c, int argc, char **argv)
{
  char err[256];
  int64_t hours, ms = 0;

  if(argc < 2 || argc > 3)
    return cli_usage("dispatch-warn");
  if(cli_company(c, "dispatch-warn", argv[1]))
    return CLI_FAIL;
  if(argc == 3) {
    if(cli_num("dispatch-warn", "hours", argv[2], 0, 720, &hours))
      return CLI_FAIL;
    if(hs_company_dispatch_warn_set(c->h, argv[1], hours * 3600 * 1000, err,
                                    sizeof(err)))
      return cli_fail("dispatch-warn", "%s", err);
  }
  if(hs_company_dispatch_warn_get(c->h, argv[1], &ms))
    return cli_fail("dispatch-warn", "cannot read the setting");
  printf("%s: orders are flagged dispatch_due_soon %lld hour(s) before their "
         "dispatch deadline\n", argv[1], (long long)(ms / 3600000));
  return CLI_OK;
}
